//! The text report: findings grouped by file, each with why it matters and how
//! to fix it, then a summary. Colors are written as ANSI codes; the caller's
//! stream strips them when color is off.

use super::{Report, ReportRun, Reporter};
use crate::finding::Finding;
use crate::scan::ScanOutcome;
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};
use tattle_engine::Severity;

/// Writes the human-readable report.
pub struct TextReporter;

/// Other occurrences listed under a history finding, at most.
const SHOWN_OCCURRENCES: usize = 5;

const PATH: Style = Style::new().bold().underline();
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

fn severity_style(severity: Severity) -> Style {
    let color = match severity {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

impl Reporter for TextReporter {
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for (index, run) in report.runs.iter().enumerate() {
            if let Some(name) = &run.name {
                if index > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "{BOLD}== {name} =={BOLD:#}")?;
            }
            write_run(run, &run.outcome, out)?;
        }
        Ok(())
    }
}

fn write_run(report: &ReportRun<'_>, outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    {
        let mut current_path: Option<&str> = None;
        for finding in &outcome.findings {
            if current_path != Some(finding.path.as_str()) {
                if current_path.is_some() {
                    writeln!(out)?;
                }
                writeln!(out, "{PATH}{}{PATH:#}", finding.path)?;
                current_path = Some(&finding.path);
            }
            write_finding(report, finding, out)?;
        }
        if !outcome.findings.is_empty() {
            writeln!(out)?;
        }
        for skipped in &outcome.skipped {
            writeln!(
                out,
                "{DIM}skipped{DIM:#} {}: {}",
                skipped.path, skipped.reason
            )?;
        }
        for warning in &outcome.warnings {
            let style = severity_style(Severity::Medium);
            writeln!(out, "{style}warning{style:#} {warning}")?;
        }
        for error in &outcome.errors {
            let style = severity_style(Severity::High);
            writeln!(
                out,
                "{style}error{style:#} {}: {}",
                error.path, error.reason
            )?;
        }
        write_summary(outcome, out)
    }
}

fn write_finding(report: &ReportRun<'_>, finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let rule = report.rules.rule(finding.rule_index);
    let style = severity_style(finding.severity);
    writeln!(
        out,
        "  {BOLD}{:<9}{BOLD:#} {style}{:<8}{style:#}  {}  {DIM}[{}]{DIM:#}",
        format!("{}:{}", finding.line, finding.column),
        finding.severity.as_str(),
        finding.rule_name,
        finding.rule_id,
    )?;
    let (label, value) = match (&finding.secret, &finding.evidence) {
        (Some(secret), _) => ("secret", secret.as_str()),
        (None, Some(evidence)) => ("found ", evidence.as_str()),
        (None, None) => ("found ", ""),
    };
    writeln!(
        out,
        "      {label} {value}  {DIM}confidence {}, fingerprint {}{DIM:#}",
        finding.confidence, finding.fingerprint
    )?;
    if let Some(note) = &finding.note {
        writeln!(out, "      note: {note}")?;
    }
    if let Some(provenance) = &finding.provenance {
        let commit = &provenance.introduced;
        writeln!(
            out,
            "      introduced in {} by {} <{}> on {}: {}",
            short(&commit.commit),
            commit.author,
            commit.email,
            commit.date,
            commit.summary
        )?;
        let status = if provenance.in_head {
            "still in HEAD"
        } else if provenance.path_in_head {
            "this version is no longer in HEAD, but stays in the history"
        } else {
            "not in HEAD, but stays in the history"
        };
        writeln!(out, "      {status}")?;
        if !provenance.occurrences.is_empty() {
            let listed: Vec<String> = provenance
                .occurrences
                .iter()
                .take(SHOWN_OCCURRENCES)
                .map(|o| format!("{} {}:{}", short(&o.commit), o.path, o.line))
                .collect();
            let more = provenance
                .occurrences
                .len()
                .saturating_sub(SHOWN_OCCURRENCES);
            writeln!(
                out,
                "      also in: {}{}",
                listed.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )?;
        }
    }
    writeln!(out, "      why: {}", rule.info.description)?;
    if let Some(fix) = &rule.info.remediation {
        writeln!(out, "      fix: {fix}")?;
    }
    Ok(())
}

fn write_summary(outcome: &ScanOutcome, out: &mut dyn Write) -> io::Result<()> {
    let stats = &outcome.stats;
    let findings = outcome.findings.len();
    if findings == 0 {
        writeln!(out, "{BOLD}No findings.{BOLD:#}")?;
    } else {
        let mut files: Vec<&str> = outcome.findings.iter().map(|f| f.path.as_str()).collect();
        files.dedup();
        let counts: Vec<String> = super::severity_counts(&outcome.findings)
            .into_iter()
            .map(|(severity, count)| {
                let style = severity_style(severity);
                format!("{style}{count} {severity}{style:#}")
            })
            .collect();
        writeln!(
            out,
            "{BOLD}{findings} finding{} in {} file{}:{BOLD:#} {}",
            plural(findings),
            files.len(),
            plural(files.len()),
            counts.join(", ")
        )?;
    }
    let mib = stats.bytes_scanned as f64 / (1 << 20) as f64;
    let noun = if stats.commits_scanned.is_some() {
        "blob"
    } else {
        "file"
    };
    write!(
        out,
        "{DIM}Scanned {} {noun}{} ({mib:.1} MiB) in {:.2}s",
        stats.files_scanned,
        plural(stats.files_scanned as usize),
        stats.duration.as_secs_f64()
    )?;
    if let Some(commits) = stats.commits_scanned {
        write!(out, " from {commits} commit{}", plural(commits as usize))?;
    }
    if stats.binary_skipped > 0 {
        write!(out, "; {} binary skipped", stats.binary_skipped)?;
    }
    if !outcome.skipped.is_empty() {
        write!(out, "; {} skipped", outcome.skipped.len())?;
    }
    if !outcome.errors.is_empty() {
        write!(
            out,
            "; {} error{}",
            outcome.errors.len(),
            plural(outcome.errors.len())
        )?;
    }
    writeln!(out, ".{DIM:#}")
}

/// A commit id as people read it.
fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
