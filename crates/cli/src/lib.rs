//! tattle's command line: arguments, config discovery, scan orchestration,
//! findings, filters and reporters.

pub mod args;
pub mod baseline;
pub mod config;
pub mod file_scan;
pub mod filter;
pub mod finding;
pub mod history;
pub mod hook;
pub mod init;
pub mod output;
pub mod progress;
pub mod report;
pub mod rules_cmd;
pub mod scan;
pub mod staged;

use anyhow::Result;
use args::{BaselineCommand, Cli, Command, CommonArgs, HistoryArgs, ScanArgs, StagedArgs};
use baseline::Baseline;
use clap::Parser;
use config::Config;
use file_scan::FindingOptions;
use filter::Filters;
use output::write_report;
use progress::Progress;
use report::ReportRun;
use scan::ScanOutcome;
use std::path::{Path, PathBuf};
use tattle_engine::{RuleSet, Severity};
use tattle_walk::WalkOptions;
use tattle_walk::git::commits::RefSelection;
use tattle_walk::git::history::HistoryOptions;

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
/// A panic (a bug) is reported without its message and exits with 2.
pub fn main() -> i32 {
    guarded(run_main)
}

/// Runs `body` with tattle's panic hook installed: a panic prints where it
/// happened but never its message, which could quote scanned content (a
/// secret in a failed assertion or an `expect`), and makes the exit code 2.
pub fn guarded(body: impl FnOnce() -> i32 + std::panic::UnwindSafe) -> i32 {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "tattle: internal error{location}. This is a bug in tattle; its message is not shown \
             because it could quote scanned content. Please report the location and the command line."
        );
    }));
    std::panic::catch_unwind(body).unwrap_or(Exit::Error as i32)
}

fn run_main() -> i32 {
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
        Command::History(args) => run_history(args),
        Command::Staged(args) => run_staged(args),
        Command::Baseline(BaselineCommand::Create(args)) => {
            let scan = ScanArgs {
                paths: args.paths,
                no_ignore: args.no_ignore,
                common: CommonArgs {
                    config: args.config,
                    max_file_size: args.max_file_size,
                    threads: args.threads,
                    no_progress: true,
                    baseline: None,
                    fail_on: Severity::Low,
                    min_confidence: args::MinConfidence::Low,
                },
                output: args::OutputArgs::default(),
            };
            let (outcome, _) = tree_outcome(&scan)?;
            if !outcome.errors.is_empty() {
                for error in &outcome.errors {
                    eprintln!("tattle: error: {}: {}", error.path, error.reason);
                }
                anyhow::bail!("some files could not be scanned; no baseline written");
            }
            let baseline = Baseline::from_findings(&outcome.findings);
            baseline.write(&args.output)?;
            eprintln!(
                "tattle: recorded {} finding{} in {}",
                baseline.len(),
                if baseline.len() == 1 { "" } else { "s" },
                args.output.display()
            );
            Ok(Exit::Clean)
        }
        Command::Init(args) => init::run(&args).map(|()| Exit::Clean),
        Command::InstallHook(args) => hook::install(&args).map(|()| Exit::Clean),
        Command::Rules(command) => {
            let stdout = std::io::stdout();
            let mut ok = true;
            output::quiet_on_broken_pipe(
                rules_cmd::run(&command, &mut stdout.lock()).map(|passed| ok = passed),
            )?;
            Ok(if ok { Exit::Clean } else { Exit::Findings })
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<Exit> {
    let (mut outcome, rules) = tree_outcome(&args)?;
    apply_post_filters(&args.common, std::slice::from_mut(&mut outcome))?;
    let exit = exit_for(&outcome, args.common.fail_on);
    write_report(&args.output, &[ReportRun::single(outcome, &rules)], "scan")?;
    Ok(exit)
}

/// Scans working trees as `args` say, before any baseline is applied.
fn tree_outcome(args: &ScanArgs) -> Result<(ScanOutcome, RuleSet)> {
    let config = Config::discover(args.common.config.as_deref(), &args.paths)?;
    let rules = rules_cmd::build_rule_set(&config)?;
    let config_file = config.source.as_deref().map(scan::display_path);
    let filters = Filters::new(&config.allowlist, config_file)?.relative_to(config.base_dir());
    let walk = WalkOptions {
        roots: args.paths.clone(),
        respect_ignore: !args.no_ignore,
        max_file_size: max_file_size(&args.common, &config),
        threads: args.common.threads.unwrap_or(0),
        chunk_size: file_scan::chunk_size(&rules),
    };
    let options = FindingOptions {
        show_secrets: args.output.show_secrets,
    };
    let progress = Progress::start(!args.common.no_progress, "files");
    let outcome = scan::scan_tree(&rules, &filters, &walk, options, progress.counters());
    progress.finish();
    Ok((outcome, rules))
}

fn run_history(args: HistoryArgs) -> Result<Exit> {
    let refs = ref_selection(&args)?;
    let finding_options = FindingOptions {
        show_secrets: args.output.show_secrets,
    };
    // Each repository runs with its own config (its allowlists and custom rules).
    let mut audits: Vec<(Option<String>, ScanOutcome, RuleSet)> = Vec::new();
    for path in &args.paths {
        let repo = tattle_walk::git::open(path)?;
        let (config, config_file) = repository_config(&args.common, &repo, path)?;
        let rules = rules_cmd::build_rule_set(&config)?;
        let filters = Filters::new(&config.allowlist, config_file)?;
        let options = HistoryOptions {
            refs: refs.clone(),
            all_occurrences: args.all_occurrences,
            max_blob_size: max_file_size(&args.common, &config),
            threads: args.common.threads.unwrap_or(0),
        };
        let progress = Progress::start(!args.common.no_progress, "blobs");
        let outcome = history::scan_history(
            &repo,
            &rules,
            &filters,
            &options,
            finding_options,
            progress.counters(),
        )?;
        progress.finish();
        let name = (args.paths.len() > 1).then(|| scan::display_path(path));
        audits.push((name, outcome, rules));
    }
    let mut outcomes: Vec<ScanOutcome> = Vec::new();
    let mut rest = Vec::new();
    for (name, outcome, rules) in audits {
        outcomes.push(outcome);
        rest.push((name, rules));
    }
    apply_post_filters(&args.common, &mut outcomes)?;
    let exit = outcomes
        .iter()
        .map(|outcome| exit_for(outcome, args.common.fail_on))
        .max_by_key(|exit| *exit as i32)
        .unwrap_or(Exit::Clean);
    let runs: Vec<ReportRun<'_>> = outcomes
        .into_iter()
        .zip(&rest)
        .map(|(outcome, (name, rules))| ReportRun {
            name: name.clone(),
            outcome,
            rules,
        })
        .collect();
    write_report(&args.output, &runs, "history")?;
    Ok(exit)
}

fn run_staged(args: StagedArgs) -> Result<Exit> {
    let repo = tattle_walk::git::open(&args.path)?;
    let (config, config_file) = repository_config(&args.common, &repo, &args.path)?;
    let rules = rules_cmd::build_rule_set(&config)?;
    let filters = Filters::new(&config.allowlist, config_file)?;
    let options = FindingOptions {
        show_secrets: args.output.show_secrets,
    };
    let max_size = max_file_size(&args.common, &config);
    let mut outcome = staged::scan_staged(&args.path, &rules, &filters, max_size, options);
    apply_post_filters(&args.common, std::slice::from_mut(&mut outcome))?;
    let exit = exit_for(&outcome, args.common.fail_on);
    write_report(
        &args.output,
        &[ReportRun::single(outcome, &rules)],
        "staged",
    )?;
    Ok(exit)
}

/// Drops findings below `--min-confidence`, and hides those `--baseline` records.
fn apply_post_filters(common: &CommonArgs, outcomes: &mut [ScanOutcome]) -> Result<()> {
    let min_confidence = common.min_confidence.level();
    for outcome in outcomes.iter_mut() {
        outcome.findings.retain(|f| f.confidence >= min_confidence);
    }
    if let Some(path) = &common.baseline {
        let baseline = Baseline::load(path)?;
        for outcome in outcomes {
            baseline.apply(outcome);
        }
    }
    Ok(())
}

/// The size limit: the command line, else the config, else the default.
fn max_file_size(common: &CommonArgs, config: &Config) -> u64 {
    common
        .max_file_size
        .or(config.max_file_size())
        .unwrap_or(DEFAULT_MAX_FILE_SIZE)
}

/// The config of a repository (`--config`, or `.tattle.toml` at the root of
/// its work tree), and the config file's path as history reports paths
/// (relative to the repository root), so it is never reported on.
fn repository_config(
    common: &CommonArgs,
    repo: &tattle_walk::git::Repository,
    path: &Path,
) -> Result<(Config, Option<String>)> {
    let root: PathBuf = tattle_walk::git::workdir(repo).unwrap_or_else(|| path.to_path_buf());
    let config = Config::discover(common.config.as_deref(), std::slice::from_ref(&root))?;
    let relative = config.source.as_deref().map(|source| {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let source = canonical(source);
        match source.strip_prefix(canonical(&root)) {
            Ok(inside) => scan::display_path(inside),
            Err(_) => scan::display_path(&source),
        }
    });
    Ok((config, relative))
}

/// Which refs and commits `tattle history` audits.
fn ref_selection(args: &HistoryArgs) -> Result<RefSelection> {
    let mut refs = RefSelection {
        branches: args.branch.clone(),
        ..RefSelection::default()
    };
    if let Some(since) = &args.since {
        refs.exclude.push(since.clone());
        if refs.branches.is_empty() {
            refs.include = Some("HEAD".to_string());
        }
    }
    if let Some(range) = &args.range {
        let Some((from, to)) = range.split_once("..") else {
            anyhow::bail!("--range {range:?}: expected REV1..REV2");
        };
        if from.is_empty() || to.is_empty() || to.starts_with('.') {
            anyhow::bail!("--range {range:?}: expected REV1..REV2");
        }
        refs.exclude.push(from.to_string());
        refs.include = Some(to.to_string());
    }
    Ok(refs)
}

/// The exit code for an outcome: errors win over findings, and only findings
/// at `fail_on` or above count.
pub fn exit_for(outcome: &ScanOutcome, fail_on: Severity) -> Exit {
    if !outcome.errors.is_empty() {
        Exit::Error
    } else if outcome.findings.iter().any(|f| f.severity >= fail_on) {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
