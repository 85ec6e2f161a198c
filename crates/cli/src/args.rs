//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tattle_engine::{Confidence, Severity};

/// Finds secrets and risky configuration in a repository.
#[derive(Debug, Parser)]
#[command(
    name = "tattle",
    version,
    about = "Finds secrets and risky configuration in a repository.",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// tattle's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and directories of a working tree.
    Scan(ScanArgs),
    /// Audit a git repository's whole history: every blob on every ref, once.
    History(HistoryArgs),
    /// Scan the changes staged for the next commit (for a pre-commit hook).
    Staged(StagedArgs),
    /// Record current findings in a baseline file, so later scans report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Write a commented starter `.tattle.toml` and a pre-commit config.
    Init(InitArgs),
    /// Install a git pre-commit hook that runs `tattle staged`.
    InstallHook(InstallHookArgs),
    /// List, explain and check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
}

/// `tattle scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Scan files that .gitignore, .ignore or .tattleignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `tattle history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The repositories (work trees, bare repositories, or directories inside
    /// them). With several, the report has one section, JSON entry and SARIF
    /// run per repository.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Audit only these branches (repeatable; default: every branch, remote, tag and stash).
    #[arg(long, value_name = "NAME")]
    pub branch: Vec<String>,
    /// Scan only what commits after REV introduced (e.g. the base of a pull request).
    #[arg(long, value_name = "REV", conflicts_with = "range")]
    pub since: Option<String>,
    /// Scan only what the commits of REV1..REV2 introduced.
    #[arg(long, value_name = "REV1..REV2")]
    pub range: Option<String>,
    /// List every commit and path that adds or changes each finding, not only the first.
    #[arg(long)]
    pub all_occurrences: bool,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `tattle staged`.
#[derive(Debug, Args)]
pub struct StagedArgs {
    /// The repository (or a directory inside it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Settings every scanning command takes.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Config file (default: for `scan`, the nearest `.tattle.toml` at or above the first
    /// path, up to the repository's root; for `history` and `staged`, the one at the
    /// root of the work tree).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Skip files larger than this (bytes, or with a unit: 512KiB, 10MiB, 1GB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Never print progress to stderr.
    #[arg(long)]
    pub no_progress: bool,
    /// Hide findings recorded in this baseline file (see `tattle baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 (critical, high, medium or low);
    /// findings below it are still reported.
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Report only findings at least this likely to be real.
    #[arg(long, value_name = "CONFIDENCE", value_enum, ignore_case = true, default_value_t = MinConfidence::Low)]
    pub min_confidence: MinConfidence,
}

/// `--min-confidence` values.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MinConfidence {
    /// Everything.
    #[default]
    Low,
    /// Medium and high confidence.
    Medium,
    /// High confidence only.
    High,
}

impl MinConfidence {
    /// The engine's confidence level.
    pub fn level(self) -> Confidence {
        match self {
            MinConfidence::Low => Confidence::Low,
            MinConfidence::Medium => Confidence::Medium,
            MinConfidence::High => Confidence::High,
        }
    }
}

/// `tattle baseline …`.
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan a working tree and record every finding in a baseline file.
    Create(BaselineCreateArgs),
}

/// `tattle baseline create`.
#[derive(Debug, Args)]
pub struct BaselineCreateArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Where to write the baseline.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = ".tattle-baseline.json"
    )]
    pub output: PathBuf,
    /// Scan files that .gitignore, .ignore or .tattleignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Config file (default: the nearest `.tattle.toml` at or above the first path, up
    /// to the repository's root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Skip files larger than this (bytes, or with a unit: 512KiB, 10MiB, 1GB); use
    /// the same limit as the scans the baseline is for.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

/// `tattle init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write the files into.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite files that exist.
    #[arg(long)]
    pub force: bool,
}

/// `tattle install-hook`.
#[derive(Debug, Args)]
pub struct InstallHookArgs {
    /// The repository (or a directory inside it).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Replace an existing pre-commit hook.
    #[arg(long)]
    pub force: bool,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    text.parse()
}

/// Options shared by every command that reports findings.
#[derive(Debug, Default, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print secrets in full in text and JSON reports (never in SARIF).
    #[arg(long)]
    pub show_secrets: bool,
    /// When to color text output.
    #[arg(long, value_enum, ignore_case = true, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Report formats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people: grouped by file, with why and how to fix.
    #[default]
    Text,
    /// For programs: one JSON document (schema in README.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
}

/// When to use colors.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `tattle rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule.
    List {
        /// Output format.
        #[arg(long, short = 'f', value_enum, ignore_case = true, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Config file whose custom rules are listed too and whose disabled rules
        /// are not (default: the nearest `.tattle.toml` at or above the current directory).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show everything about one rule.
    Explain {
        /// The rule's id, e.g. `openai.api-key`.
        id: String,
        /// Config file whose custom rules can be explained too (default: the nearest
        /// `.tattle.toml` at or above the current directory).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Check a rule file: parse it, compile it, and run its examples.
    Check {
        /// A TOML file with `[[rule]]` tables (a rule file or a `.tattle.toml`).
        file: PathBuf,
    },
}

/// Formats of `tattle rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Text,
    /// A JSON array.
    Json,
    /// Markdown, as in docs/rules.md.
    Markdown,
}

/// Parses `10MiB`, `512KiB`, `1GB`, `2048`… into bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 10MiB or 1048576"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        other => return Err(format!("unknown size unit `{other}` in `{text}`")),
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("2048"), Ok(2048));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5 parsecs").is_err());
    }
}
