//! tattle's command line: arguments, config discovery, scan orchestration,
//! findings, filters and reporters.

pub mod args;
pub mod config;
pub mod filter;
pub mod finding;
pub mod progress;
pub mod report;
pub mod rules_cmd;
pub mod scan;

use anyhow::{Context, Result};
use args::{Cli, ColorChoice, Command, OutputArgs, ScanArgs};
use clap::Parser;
use config::Config;
use filter::Filters;
use progress::Progress;
use report::{Report, reporter_for};
use scan::{FindingOptions, ScanOutcome};
use std::io::Write;
use tattle_engine::RuleSet;
use tattle_walk::WalkOptions;

/// Default size above which files are skipped: 10 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 << 20;

/// How a run ended, as the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing found, nothing failed.
    Clean = 0,
    /// Findings were reported.
    Findings = 1,
    /// Bad arguments, unreadable config, or files that could not be scanned.
    Error = 2,
}

/// Parses the process arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Exit::Error as i32
            } else {
                Exit::Clean as i32
            };
        }
    };
    match run(cli) {
        Ok(exit) => exit as i32,
        Err(err) => {
            eprintln!("tattle: error: {err:#}");
            Exit::Error as i32
        }
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Exit> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules(command) => {
            let stdout = std::io::stdout();
            let ok = rules_cmd::run(&command, &mut stdout.lock())?;
            Ok(if ok { Exit::Clean } else { Exit::Findings })
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<Exit> {
    let config = Config::discover(args.config.as_deref(), &args.paths)?;
    let rules = rules_cmd::build_rule_set(&config)?;
    let config_file = config.source.as_deref().map(scan::display_path);
    let filters = Filters::new(&config.allowlist, config_file)?;
    let walk = WalkOptions {
        roots: args.paths.clone(),
        respect_ignore: !args.no_ignore,
        max_file_size: args
            .max_file_size
            .or(config.max_file_size())
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        threads: args.threads.unwrap_or(0),
    };
    let options = FindingOptions {
        show_secrets: args.output.show_secrets,
    };
    let progress = Progress::start(!args.no_progress);
    let outcome = scan::scan_tree(&rules, &filters, &walk, options, progress.counters());
    progress.finish();
    write_report(&args.output, &outcome, &rules, "scan")?;
    Ok(exit_for(&outcome))
}

/// The exit code for an outcome: errors win over findings.
pub fn exit_for(outcome: &ScanOutcome) -> Exit {
    if !outcome.errors.is_empty() {
        Exit::Error
    } else if !outcome.findings.is_empty() {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

/// Writes the report in the chosen format to stdout or `--output`.
fn write_report(
    args: &OutputArgs,
    outcome: &ScanOutcome,
    rules: &RuleSet,
    mode: &str,
) -> Result<()> {
    let report = Report {
        outcome,
        rules,
        mode,
    };
    let reporter = reporter_for(args.format);
    match &args.output {
        Some(path) => {
            let mut buffer = Vec::new();
            reporter.write(&report, &mut buffer)?;
            if args.color != ColorChoice::Always {
                buffer = anstream::adapter::strip_bytes(&buffer).into_vec();
            }
            std::fs::write(path, &buffer)
                .with_context(|| format!("writing report file {}", path.display()))?;
        }
        None => {
            let choice = match args.color {
                ColorChoice::Auto => anstream::ColorChoice::Auto,
                ColorChoice::Always => anstream::ColorChoice::Always,
                ColorChoice::Never => anstream::ColorChoice::Never,
            };
            let mut stdout = anstream::AutoStream::new(std::io::stdout().lock(), choice);
            reporter.write(&report, &mut stdout)?;
            stdout.flush()?;
        }
    }
    Ok(())
}
