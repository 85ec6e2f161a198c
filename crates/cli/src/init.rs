//! `tattle init`: a commented starter `.tattle.toml` and a pre-commit config.

use crate::args::InitArgs;
use crate::config::{CONFIG_FILE, Config};
use anyhow::{Context, Result, bail};
use std::path::Path;

/// The pre-commit framework's config file.
pub const PRE_COMMIT_CONFIG: &str = ".pre-commit-config.yaml";

/// The starter config: every section, commented, with the defaults.
pub const STARTER_CONFIG: &str = r#"# tattle configuration: https://crates.io/crates/tattle
# Every key is optional; unknown keys are errors.

[scan]
# Files above this size are skipped (and listed as skipped).
max_file_size = "10MiB"

[allowlist]
# Findings in files matching these globs (relative to this file, or to the
# scanned directory) are dropped.
paths = []
# Findings whose secret matches one of these regexes are dropped.
regexes = []

[rules]
# Rule ids from `tattle rules list` that never run.
disable = []

# Custom rules use the format of the built-in ones; check them with
# `tattle rules check .tattle.toml`.
#
# [[rule]]
# id = "acme.api-token"
# name = "Acme API token"
# description = "An Acme API token: full access to the Acme account."
# remediation = "Revoke it in the Acme console and load it from the environment."
# severity = "high"
# keywords = ["acme_"]
# regex = '''\b(?P<secret>acme_[a-z0-9]{32})\b'''
# min_entropy = 3.0
# examples = ["ACME_TOKEN=acme_4k9x2m7q1z8w3v6b5n0p4r7t2y9u1i3o"]
# negative_examples = ["ACME_TOKEN=acme_your_token_here"]
"#;

/// A pre-commit hook running the `tattle` on PATH on what each commit adds.
pub const PRE_COMMIT_SNIPPET: &str = r#"repos:
  - repo: local
    hooks:
      - id: tattle
        name: tattle (secrets in staged changes)
        entry: tattle staged --no-progress
        language: system
        pass_filenames: false
        stages: [pre-commit]
"#;

/// Writes the starter files into `args.dir`.
pub fn run(args: &InitArgs) -> Result<()> {
    if args.dir.exists() && !args.dir.is_dir() {
        bail!("{}: not a directory", args.dir.display());
    }
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("creating {}", args.dir.display()))?;
    let config = args.dir.join(CONFIG_FILE);
    write_new(&config, STARTER_CONFIG, args.force)?;
    // The starter must stay a valid config.
    Config::load(&config)?;
    eprintln!("tattle: wrote {}", config.display());

    let pre_commit = args.dir.join(PRE_COMMIT_CONFIG);
    if pre_commit.exists() && !args.force {
        let existing = std::fs::read_to_string(&pre_commit).unwrap_or_default();
        if existing.contains("tattle") {
            eprintln!("tattle: {} already runs tattle", pre_commit.display());
        } else {
            eprintln!(
                "tattle: {} exists; add this hook to it:\n\n{}",
                pre_commit.display(),
                PRE_COMMIT_SNIPPET
                    .strip_prefix("repos:\n")
                    .unwrap_or(PRE_COMMIT_SNIPPET)
            );
        }
    } else {
        write_new(&pre_commit, PRE_COMMIT_SNIPPET, args.force)?;
        eprintln!(
            "tattle: wrote {} (enable it with `pre-commit install`)",
            pre_commit.display()
        );
    }
    Ok(())
}

fn write_new(path: &Path, text: &str, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!("{} exists; use --force to overwrite it", path.display());
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses() {
        let config = Config::parse(STARTER_CONFIG, "starter").unwrap();
        assert_eq!(config.max_file_size(), Some(10 << 20));
        assert!(config.custom_rules.is_empty());
    }
}
