//! Filters that drop findings after matching: inline `tattle:allow` comments
//! and the config's allowlists.

use crate::config::Allowlist;
use anyhow::Result;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::RegexSet;
use std::path::{Path, PathBuf};

/// Marker that silences every finding on its line.
pub const INLINE_ALLOW: &[u8] = b"tattle:allow";

/// gitleaks' marker, honoured too, so that a repository moving to tattle
/// keeps the suppressions it has.
pub const GITLEAKS_ALLOW: &[u8] = b"gitleaks:allow";

/// Whether a line carries an inline `tattle:allow` (or `gitleaks:allow`).
pub fn has_inline_allow(line: &[u8]) -> bool {
    memchr::memmem::find(line, INLINE_ALLOW).is_some()
        || memchr::memmem::find(line, GITLEAKS_ALLOW).is_some()
}

/// The config's allowlists, compiled.
#[derive(Debug)]
pub struct Filters {
    /// The config file in use: its custom rules' examples are not findings.
    config_file: Option<String>,
    paths: GlobSet,
    secrets: RegexSet,
    /// The config file's directory and the current directory (absolute),
    /// for globs written relative to the config file.
    base: Option<(PathBuf, PathBuf)>,
}

impl Filters {
    /// Compiles an allowlist. `config_file` (as `display_path` spells it) is never reported on.
    pub fn new(allowlist: &Allowlist, config_file: Option<String>) -> Result<Self> {
        let mut paths = GlobSetBuilder::new();
        for pattern in &allowlist.paths {
            paths.add(Glob::new(pattern)?);
        }
        Ok(Filters {
            config_file,
            paths: paths.build()?,
            secrets: RegexSet::new(&allowlist.regexes)?,
            base: None,
        })
    }

    /// Also matches path globs relative to `dir`, the config file's
    /// directory (absolute).
    pub fn relative_to(mut self, dir: Option<PathBuf>) -> Self {
        self.base = dir.zip(std::env::current_dir().ok());
        self
    }

    /// Whether findings in the file at `path` (as walked, relative to the
    /// current directory or absolute) are dropped by a glob written
    /// relative to the config file's directory.
    pub fn path_allowed_from_config_dir(&self, path: &Path) -> bool {
        let Some((dir, cwd)) = &self.base else {
            return false;
        };
        // Rebuilt from its components, so that `./` inside is dropped.
        let absolute: PathBuf = cwd.join(path).components().collect();
        match absolute.strip_prefix(dir) {
            Ok(relative) if !relative.as_os_str().is_empty() => self
                .paths
                .is_match(relative.to_string_lossy().replace('\\', "/")),
            _ => false,
        }
    }

    /// Whether findings in the file at `path` are dropped.
    pub fn path_allowed(&self, path: &str) -> bool {
        self.config_file.as_deref() == Some(path) || self.paths.is_match(path)
    }

    /// Whether a finding with this secret is dropped.
    pub fn secret_allowed(&self, secret: &[u8]) -> bool {
        self.secrets.is_match(secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlists_match_paths_and_secrets() {
        let filters = Filters::new(
            &Allowlist {
                paths: vec!["tests/**".into(), "*.lock".into()],
                regexes: vec!["^AKIA0000".into()],
            },
            Some("proj/.tattle.toml".into()),
        )
        .unwrap();
        assert!(filters.path_allowed("proj/.tattle.toml"));
        assert!(filters.path_allowed("tests/fixtures/a.env"));
        assert!(filters.path_allowed("deep/Cargo.lock"));
        assert!(!filters.path_allowed("src/main.rs"));
        assert!(filters.secret_allowed(b"AKIA0000ZZZZ"));
        assert!(!filters.secret_allowed(b"AKIA1111ZZZZ"));
    }

    #[test]
    fn inline_allow_is_found_anywhere_on_the_line() {
        assert!(has_inline_allow(b"key = 'x' # tattle:allow"));
        assert!(!has_inline_allow(b"key = 'x' # tattle: allow"));
    }
}
