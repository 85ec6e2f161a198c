//! Writing a report to standard output or to `--output`, in the chosen format.

use crate::args::{ColorChoice, Format, OutputArgs};
use crate::report::sarif::{MAX_RUNS_PER_FILE, SarifReporter};
use crate::report::{Report, ReportRun, Reporter, reporter_for};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the report of `runs` in the chosen format to stdout or `--output`.
///
/// SARIF with more runs than GitHub accepts in one file is split into
/// numbered files next to `--output` (`report-1.sarif`, `report-2.sarif`…).
pub fn write_report(args: &OutputArgs, runs: &[ReportRun<'_>], mode: &str) -> Result<()> {
    if args.format == Format::Sarif && runs.len() > MAX_RUNS_PER_FILE {
        let Some(path) = &args.output else {
            bail!(
                "SARIF for {} repositories needs --output: GitHub accepts at most {MAX_RUNS_PER_FILE} \
                 runs per file, so tattle writes one file per {MAX_RUNS_PER_FILE} repositories",
                runs.len()
            );
        };
        for (index, chunk) in runs.chunks(MAX_RUNS_PER_FILE).enumerate() {
            let report = Report { runs: chunk, mode };
            let file = numbered(path, index + 1);
            write_to_file(&SarifReporter, &report, &file, false)?;
            eprint!("{}", file_summary(chunk, &file));
        }
        return Ok(());
    }
    let report = Report { runs, mode };
    let reporter = reporter_for(args.format);
    match &args.output {
        Some(path) => {
            write_to_file(
                reporter.as_ref(),
                &report,
                path,
                args.color == ColorChoice::Always,
            )?;
            eprint!("{}", file_summary(runs, path));
            Ok(())
        }
        None => {
            let choice = match args.color {
                ColorChoice::Auto => anstream::ColorChoice::Auto,
                ColorChoice::Always => anstream::ColorChoice::Always,
                ColorChoice::Never => anstream::ColorChoice::Never,
            };
            let mut stdout = anstream::AutoStream::new(std::io::stdout().lock(), choice);
            let written = reporter
                .write(&report, &mut stdout)
                .and_then(|()| stdout.flush());
            quiet_on_broken_pipe(written.map_err(Into::into))
        }
    }
}

/// Errors listed on standard error when the report goes to a file; the
/// report has all of them.
const ERRORS_LISTED: usize = 10;

/// What a report written to a file holds, for standard error (the report
/// itself is not on the terminal): per run, the findings by severity and
/// the files that could not be scanned, with their reasons. Never a secret.
fn file_summary(runs: &[ReportRun<'_>], path: &Path) -> String {
    let mut text = String::new();
    for run in runs {
        let outcome = &run.outcome;
        let prefix = match &run.name {
            Some(name) => format!("tattle: {name}: "),
            None => "tattle: ".to_string(),
        };
        for error in outcome.errors.iter().take(ERRORS_LISTED) {
            text.push_str(&format!(
                "{prefix}error: {}: {}\n",
                error.path, error.reason
            ));
        }
        if outcome.errors.len() > ERRORS_LISTED {
            text.push_str(&format!(
                "{prefix}… and {} more errors\n",
                outcome.errors.len() - ERRORS_LISTED
            ));
        }
        let findings = outcome.findings.len();
        let counts: Vec<String> = crate::report::severity_counts(&outcome.findings)
            .into_iter()
            .map(|(severity, count)| format!("{count} {severity}"))
            .collect();
        let found = match findings {
            0 => "no findings".to_string(),
            1 => format!("1 finding ({})", counts.join(", ")),
            n => format!("{n} findings ({})", counts.join(", ")),
        };
        text.push_str(&format!(
            "{prefix}{found}; report written to {}\n",
            path.display()
        ));
    }
    text
}

/// A reader that stopped reading standard output early (`tattle … | head`)
/// is not an error: the rest of the report is dropped, and the exit code
/// still says whether there were findings.
pub fn quiet_on_broken_pipe(written: Result<()>) -> Result<()> {
    match written {
        Err(err) if is_broken_pipe(&err) => Ok(()),
        other => other,
    }
}

/// Whether `err` comes from writing to a pipe whose reader has gone.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let broken = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().map(|io| io.kind()) == broken
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == broken
    })
}

fn write_to_file(
    reporter: &dyn Reporter,
    report: &Report<'_>,
    path: &Path,
    keep_color: bool,
) -> Result<()> {
    let mut buffer = Vec::new();
    reporter.write(report, &mut buffer)?;
    // Only the text report has colors; JSON and SARIF escape control bytes.
    if !keep_color && memchr::memchr(0x1b, &buffer).is_some() {
        buffer = anstream::adapter::strip_bytes(&buffer).into_vec();
    }
    std::fs::write(path, &buffer).with_context(|| format!("writing report file {}", path.display()))
}

/// `out/report.sarif`, 2 → `out/report-2.sarif`.
fn numbered(path: &Path, number: usize) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || "report".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{number}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{number}"),
    };
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_files_are_numbered_before_the_extension() {
        assert_eq!(
            numbered(Path::new("out/report.sarif"), 2),
            PathBuf::from("out/report-2.sarif")
        );
        assert_eq!(numbered(Path::new("report"), 1), PathBuf::from("report-1"));
    }
}
