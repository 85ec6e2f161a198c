//! `tattle staged`: scan what the next commit adds, as a pre-commit hook does.
//!
//! Only findings on lines the commit adds or changes are reported, at their
//! line numbers in the staged version of the file.

use crate::file_scan::{FileScanner, FindingOptions};
use crate::filter::Filters;
use crate::scan::{ScanError, ScanOutcome, Skipped, finish};
use std::path::Path;
use std::time::Instant;
use tattle_engine::{RuleSet, SourceFile};
use tattle_walk::SkipReason;
use tattle_walk::git::staged::staged_changes;

/// Scans the changes staged in the repository at `path`.
pub fn scan_staged(
    path: &Path,
    rules: &RuleSet,
    filters: &Filters,
    max_size: u64,
    options: FindingOptions,
) -> ScanOutcome {
    let started = Instant::now();
    let mut outcome = ScanOutcome::default();
    let changes = match staged_changes(path, max_size) {
        Ok(changes) => changes,
        Err(error) => {
            outcome.errors.push(ScanError {
                path: crate::scan::display_path(&error.path),
                reason: error.reason,
            });
            return outcome;
        }
    };
    let mut scanner = FileScanner::new(rules, filters, options);
    let chunk_size = crate::file_scan::chunk_size(rules);
    let mut buffer = Vec::new();
    for file in &changes.files {
        outcome.stats.files_scanned += 1;
        outcome.stats.bytes_scanned += file.bytes.len() as u64;
        if filters.path_allowed(&file.path) {
            continue;
        }
        let source = SourceFile {
            path: &file.path,
            bytes: &file.bytes,
            committed: true,
        };
        scanner.scan_bytes(
            &source,
            chunk_size,
            &mut buffer,
            |line| file.adds_line(line),
            &mut outcome.findings,
        );
    }
    for (path, reason) in changes.skipped {
        match reason {
            SkipReason::Binary => outcome.stats.binary_skipped += 1,
            _ => outcome.skipped.push(Skipped {
                path,
                reason: reason.to_string(),
            }),
        }
    }
    for error in changes.errors {
        outcome.errors.push(ScanError {
            path: crate::scan::display_path(&error.path),
            reason: error.reason,
        });
    }
    finish(&mut outcome);
    outcome.stats.duration = started.elapsed();
    outcome
}
