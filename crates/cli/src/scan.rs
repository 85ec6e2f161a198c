//! `tattle scan`: walk working trees, run the matcher on every file in
//! parallel, and turn matches into filtered findings.

use crate::file_scan::{FileScanner, FindingOptions};
use crate::filter::Filters;
use crate::finding::Finding;
use crate::progress::Counters;
use std::path::Path;
use std::time::{Duration, Instant};
use tattle_engine::RuleSet;
use tattle_walk::{Chunk, FileVisitor, SkipReason, WalkError, WalkOptions};

/// A file that was not scanned, with the reason.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Skipped {
    /// The file's path.
    pub path: String,
    /// Why it was not scanned.
    pub reason: String,
}

/// A path that could not be read.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanError {
    /// The path.
    pub path: String,
    /// What went wrong.
    pub reason: String,
}

/// Totals of a scan.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScanStats {
    /// Files read and scanned.
    pub files_scanned: u64,
    /// Bytes read and scanned.
    pub bytes_scanned: u64,
    /// Files skipped as binary.
    pub binary_skipped: u64,
    /// Symbolic links not followed.
    pub symlinks_skipped: u64,
    /// Findings hidden because a baseline records them.
    pub baselined: u64,
    /// Commits audited (history mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commits_scanned: Option<u64>,
    /// Wall time.
    #[serde(skip)]
    pub duration: Duration,
}

/// Everything a scan produced, before reporting.
#[derive(Debug, Default)]
pub struct ScanOutcome {
    /// Findings after all filters, sorted by path, line and column.
    pub findings: Vec<Finding>,
    /// Files reported as skipped (too large, not regular).
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read: they make the exit code 2.
    pub errors: Vec<ScanError>,
    /// Problems that did not keep the scan from completing (a shallow clone,
    /// a few unreadable objects): reported, without changing the exit code.
    pub warnings: Vec<String>,
    /// Totals.
    pub stats: ScanStats,
}

/// Scans working trees with `rules`, applying `filters`.
pub fn scan_tree(
    rules: &RuleSet,
    filters: &Filters,
    walk: &WalkOptions,
    options: FindingOptions,
    counters: &Counters,
) -> ScanOutcome {
    let started = Instant::now();
    let visitors = tattle_walk::walk(walk, || TreeVisitor {
        scanner: FileScanner::new(rules, filters, options),
        roots: &walk.roots,
        filters,
        counters,
        outcome: ScanOutcome::default(),
    });
    let mut outcome = ScanOutcome::default();
    for visitor in visitors {
        merge(&mut outcome, visitor.outcome);
    }
    finish(&mut outcome);
    outcome.stats.duration = started.elapsed();
    outcome
}

/// A per-thread scanner: its own matcher and its own results.
struct TreeVisitor<'a> {
    scanner: FileScanner<'a>,
    roots: &'a [std::path::PathBuf],
    filters: &'a Filters,
    counters: &'a Counters,
    outcome: ScanOutcome,
}

impl FileVisitor for TreeVisitor<'_> {
    fn file(&mut self, path: &Path, chunk: &Chunk<'_>, tracked: bool) {
        let owned = (chunk.owned.1 - chunk.owned.0) as u64;
        if chunk.is_first() {
            self.counters.add(owned);
            self.outcome.stats.files_scanned += 1;
        } else {
            self.counters.add_bytes(owned);
        }
        self.outcome.stats.bytes_scanned += owned;
        let display = display_path(path);
        if self.filters.path_allowed(&display) || self.allowed_below_root(path) {
            return;
        }
        self.scanner.scan_chunk(
            &display,
            tracked,
            chunk,
            |_| true,
            &mut self.outcome.findings,
        );
    }

    fn skipped(&mut self, path: &Path, reason: SkipReason) {
        self.record_skip(path, reason);
    }

    fn error(&mut self, error: WalkError) {
        self.outcome.errors.push(ScanError {
            path: display_path(&error.path),
            reason: error.reason,
        });
    }
}

impl TreeVisitor<'_> {
    /// Allowlist globs are written relative to the scan root or to the
    /// config file's directory, whatever directory tattle runs from.
    fn allowed_below_root(&self, path: &Path) -> bool {
        self.filters.path_allowed_from_config_dir(path)
            || self
                .roots
                .iter()
                .filter_map(|root| path.strip_prefix(root).ok())
                .filter(|relative| !relative.as_os_str().is_empty())
                .any(|relative| self.filters.path_allowed(&display_path(relative)))
    }

    fn record_skip(&mut self, path: &Path, reason: SkipReason) {
        match reason {
            SkipReason::Binary => self.outcome.stats.binary_skipped += 1,
            SkipReason::Symlink => self.outcome.stats.symlinks_skipped += 1,
            SkipReason::TooLarge { .. } | SkipReason::NotRegular | SkipReason::Vanished => {
                self.outcome.skipped.push(Skipped {
                    path: display_path(path),
                    reason: reason.to_string(),
                })
            }
        }
    }
}

/// Adds one thread's results to the whole.
pub fn merge(into: &mut ScanOutcome, from: ScanOutcome) {
    into.findings.extend(from.findings);
    into.skipped.extend(from.skipped);
    into.errors.extend(from.errors);
    into.warnings.extend(from.warnings);
    into.stats.files_scanned += from.stats.files_scanned;
    into.stats.bytes_scanned += from.stats.bytes_scanned;
    into.stats.binary_skipped += from.stats.binary_skipped;
    into.stats.symlinks_skipped += from.stats.symlinks_skipped;
    into.stats.baselined += from.stats.baselined;
}

/// Sorts everything so reports do not depend on thread scheduling.
pub fn finish(outcome: &mut ScanOutcome) {
    outcome.findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, &a.rule_id).cmp(&(&b.path, b.line, b.column, &b.rule_id))
    });
    outcome.findings.dedup_by(|a, b| {
        a.path == b.path && a.line == b.line && a.column == b.column && a.rule_id == b.rule_id
    });
    outcome.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    outcome.errors.sort_by(|a, b| a.path.cmp(&b.path));
}

/// A path as reported: `/` separators, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut trimmed = text.as_str();
    while let Some(rest) = trimmed.strip_prefix("./") {
        trimmed = rest;
    }
    if trimmed.is_empty() {
        text
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_drop_leading_dot_slash() {
        assert_eq!(display_path(Path::new("./src/a.rs")), "src/a.rs");
        assert_eq!(display_path(Path::new("src/a.rs")), "src/a.rs");
        assert_eq!(display_path(Path::new("/abs/a.rs")), "/abs/a.rs");
    }
}
