//! `.tattle.toml`: allowlists, disabled rules, custom rules and scan settings.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use tattle_engine::LocatedSpec;
use tattle_engine::loader::{RawRuleTable, describe_toml_error, specs_from_tables};

/// The config file tattle looks for at the scan root.
pub const CONFIG_FILE: &str = ".tattle.toml";

/// A parsed config file.
#[derive(Debug, Default)]
pub struct Config {
    /// Where it was read from, if anywhere.
    pub source: Option<PathBuf>,
    /// `[scan]`.
    pub scan: ScanSettings,
    /// `[allowlist]`.
    pub allowlist: Allowlist,
    /// `[rules]`.
    pub rules: RuleSettings,
    /// `[[rule]]`: custom rules, in the built-in format.
    pub custom_rules: Vec<LocatedSpec>,
}

/// `[scan]` settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSettings {
    /// Skip files larger than this: bytes, or a string such as "10MiB".
    #[serde(default)]
    pub max_file_size: Option<SizeValue>,
}

/// A size written as a number of bytes or a string with a unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SizeValue {
    /// Bytes.
    Bytes(u64),
    /// "10MiB", "512KiB"…
    Text(String),
}

/// `[allowlist]`: what never produces a finding.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Allowlist {
    /// Globs of paths whose findings are dropped (the files are still read).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes matched against each secret; a match drops the finding.
    #[serde(default)]
    pub regexes: Vec<String>,
}

/// `[rules]`: which rules run.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// Ids of rules that never run.
    #[serde(default)]
    pub disable: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    scan: ScanSettings,
    #[serde(default)]
    allowlist: Allowlist,
    #[serde(default)]
    rules: RuleSettings,
    #[serde(default)]
    rule: Vec<RawRuleTable>,
}

impl Config {
    /// Reads the config named on the command line, or else the nearest
    /// `.tattle.toml` (see [`nearest_config`]) of the first scanned path, or
    /// nothing.
    pub fn discover(explicit: Option<&Path>, roots: &[PathBuf]) -> Result<Config> {
        if let Some(path) = explicit {
            return Config::load(path);
        }
        let first = roots
            .first()
            .map(PathBuf::as_path)
            .unwrap_or(Path::new("."));
        match nearest_config(first) {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// The directory that allowlist globs are also relative to: the config
    /// file's own directory (absolute), when there is a config file.
    pub fn base_dir(&self) -> Option<PathBuf> {
        let source = self.source.as_deref()?;
        let dir = source.parent().unwrap_or(Path::new(""));
        std::path::absolute(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .ok()
    }

    /// Reads and checks one config file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses config text; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        let file: ConfigFile = toml::from_str(text)
            .map_err(|e| anyhow::anyhow!("{origin}: {}", describe_toml_error(&e, text)))?;
        for pattern in &file.allowlist.paths {
            if let Err(e) = globset::Glob::new(pattern) {
                bail!("{origin}: [allowlist] paths: {e}");
            }
        }
        for (n, pattern) in file.allowlist.regexes.iter().enumerate() {
            if let Err(e) = regex::bytes::Regex::new(pattern) {
                // Never quote the pattern: allowlisted secrets are often literal.
                bail!(
                    "{origin}: [allowlist] regexes: entry {}: {}",
                    n + 1,
                    tattle_engine::rule::describe_regex_error(&e)
                );
            }
        }
        if let Some(size) = &file.scan.max_file_size {
            size_in_bytes(size)
                .map_err(|e| anyhow::anyhow!("{origin}: [scan] max_file_size: {e}"))?;
        }
        let custom_rules = specs_from_tables(file.rule, text, origin)?;
        Ok(Config {
            source: Some(PathBuf::from(origin)),
            scan: file.scan,
            allowlist: file.allowlist,
            rules: file.rules,
            custom_rules,
        })
    }

    /// The `[scan] max_file_size`, in bytes, if set.
    pub fn max_file_size(&self) -> Option<u64> {
        self.scan
            .max_file_size
            .as_ref()
            .and_then(|size| size_in_bytes(size).ok())
    }
}

fn size_in_bytes(size: &SizeValue) -> Result<u64, String> {
    match size {
        SizeValue::Bytes(bytes) => Ok(*bytes),
        SizeValue::Text(text) => crate::args::parse_size(text),
    }
}

/// The `.tattle.toml` that applies to `start` (a directory, or a file whose
/// directory counts): the one in that directory or in the closest directory
/// above it, searching no higher than the root of the git work tree that
/// holds it (a directory with a `.git`), as ruff and ESLint find theirs. A
/// config below the current directory is named relative to it.
pub fn nearest_config(start: &Path) -> Option<PathBuf> {
    let dir = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let cwd = std::env::current_dir().ok()?;
    let absolute = cwd.join(dir);
    for ancestor in absolute.ancestors() {
        let candidate = ancestor.join(CONFIG_FILE);
        if candidate.is_file() {
            return Some(match candidate.strip_prefix(&cwd) {
                Ok(relative) => relative.to_path_buf(),
                Err(_) => candidate,
            });
        }
        if ancestor.join(".git").exists() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config_parses() {
        let config = Config::parse(
            r#"
[scan]
max_file_size = "2MiB"

[allowlist]
paths = ["tests/fixtures/**"]
regexes = ["^AKIA_TEST"]

[rules]
disable = ["generic.secret-assignment"]

[[rule]]
id = "acme.token"
name = "Acme token"
description = "An Acme API token."
severity = "high"
keywords = ["acme_"]
regex = '(?P<secret>acme_[a-z0-9]{24})'
"#,
            "test.toml",
        )
        .unwrap();
        assert_eq!(config.max_file_size(), Some(2 << 20));
        assert_eq!(config.allowlist.paths, ["tests/fixtures/**"]);
        assert_eq!(config.rules.disable, ["generic.secret-assignment"]);
        assert_eq!(config.custom_rules.len(), 1);
        assert_eq!(config.custom_rules[0].origin, "test.toml:12");
    }

    #[test]
    fn malformed_config_names_file_and_line() {
        let err = Config::parse("[allowlist]\npaths = [\"a\"]\nregexs = []\n", "bad.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("regexs"), "{err}");
    }
}
