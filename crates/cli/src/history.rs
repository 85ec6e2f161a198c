//! `tattle history`: scan every unique blob of a repository's history once,
//! then tie each finding to the commit that introduced it.

use crate::file_scan::{FileScanner, FindingOptions};
use crate::filter::Filters;
use crate::finding::{CommitInfo, Finding, Occurrence, Provenance};
use crate::progress::Counters;
use crate::scan::{self, ScanError, ScanOutcome, Skipped};
use std::collections::{BTreeSet, HashMap};
use std::time::Instant;
use tattle_engine::{RuleSet, SourceFile};
use tattle_walk::git::commits::{self, CommitIndex};
use tattle_walk::git::history::{self, BlobVisitor, HistoryOptions, HistoryPlan, PlannedBlob};
use tattle_walk::git::{ObjectId, Repository, some_ids};
use tattle_walk::{ChunkSize, SkipReason, WalkError};

/// Unreadable blobs listed by id in the warning, at most.
const LISTED_IDS: usize = 5;

/// Audits the history of `repo`. Fails when the refs or revisions to audit
/// cannot be resolved; problems with single objects are warnings in the outcome.
pub fn scan_history(
    repo: &Repository,
    rules: &RuleSet,
    filters: &Filters,
    options: &HistoryOptions,
    finding_options: FindingOptions,
    counters: &Counters,
) -> Result<ScanOutcome, WalkError> {
    let started = Instant::now();
    let mut outcome = ScanOutcome::default();
    let plan = history::plan(repo, options)?;
    counters.set_total(plan.blobs.len() as u64);
    let chunk_size = crate::file_scan::chunk_size(rules);
    let visitors = history::read_blobs(repo, &plan, options, || HistoryVisitor {
        scanner: FileScanner::new(rules, filters, finding_options),
        chunk_size,
        buffer: Vec::new(),
        filters,
        counters,
        found: Vec::new(),
        outcome: ScanOutcome::default(),
        unreadable: Vec::new(),
    });
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for visitor in visitors {
        scan::merge(&mut outcome, visitor.outcome);
        found.extend(visitor.found);
        unreadable.extend(visitor.unreadable);
    }
    outcome.warnings.extend(plan.warnings.iter().cloned());
    report_unreadable(&plan, &mut unreadable, &mut outcome);
    report_nothing_read(&plan, &mut outcome);
    if plan.submodules > 0 {
        outcome.warnings.push(format!(
            "{} submodule entr{} not followed: a submodule is a separate repository; audit it on its own",
            plan.submodules,
            if plan.submodules == 1 { "y" } else { "ies" }
        ));
    }
    outcome.findings = group_by_fingerprint(repo, &plan, found);
    outcome.stats.commits_scanned = Some(plan.graph.commits.len() as u64);
    scan::finish(&mut outcome);
    outcome.stats.duration = started.elapsed();
    Ok(outcome)
}

/// A finding with the blob and commit it came from, before grouping.
struct BlobFinding {
    finding: Finding,
    blob: ObjectId,
    commit: CommitIndex,
}

/// One reading thread's scanner.
struct HistoryVisitor<'a> {
    scanner: FileScanner<'a>,
    chunk_size: ChunkSize,
    buffer: Vec<u8>,
    filters: &'a Filters,
    counters: &'a Counters,
    found: Vec<BlobFinding>,
    outcome: ScanOutcome,
    unreadable: Vec<(ObjectId, String)>,
}

impl BlobVisitor for HistoryVisitor<'_> {
    fn blob(&mut self, blob: &PlannedBlob, bytes: &[u8]) {
        self.counters.add(bytes.len() as u64);
        self.outcome.stats.files_scanned += 1;
        self.outcome.stats.bytes_scanned += bytes.len() as u64;
        if self.filters.path_allowed(&blob.first.path) {
            return;
        }
        let file = SourceFile {
            path: &blob.first.path,
            bytes,
            committed: true,
        };
        let mut findings = Vec::new();
        self.scanner.scan_bytes(
            &file,
            self.chunk_size,
            &mut self.buffer,
            |_| true,
            &mut findings,
        );
        self.found
            .extend(findings.into_iter().map(|finding| BlobFinding {
                finding,
                blob: blob.id,
                commit: blob.first.commit,
            }));
    }

    fn skipped(&mut self, blob: &PlannedBlob, reason: SkipReason) {
        self.counters.add(0);
        match reason {
            SkipReason::Binary => self.outcome.stats.binary_skipped += 1,
            SkipReason::Symlink => self.outcome.stats.symlinks_skipped += 1,
            SkipReason::TooLarge { .. } | SkipReason::NotRegular | SkipReason::Vanished => {
                self.outcome.skipped.push(Skipped {
                    path: format!("{} (blob {})", blob.first.path, blob.id.to_hex_with_len(12)),
                    reason: reason.to_string(),
                })
            }
        }
    }

    fn unreadable(&mut self, blob: &PlannedBlob, reason: String) {
        self.counters.add(0);
        self.unreadable.push((blob.id, reason));
    }
}

/// Missing or damaged blobs are a warning with a count and the first few ids;
/// only when nothing at all could be read is the audit an error.
fn report_unreadable(
    plan: &HistoryPlan,
    unreadable: &mut [(ObjectId, String)],
    outcome: &mut ScanOutcome,
) {
    if unreadable.is_empty() {
        return;
    }
    unreadable.sort();
    let ids: Vec<ObjectId> = unreadable.iter().map(|(id, _)| *id).collect();
    let message = format!(
        "{} of {} blobs could not be read ({}); everything else was scanned: {}",
        unreadable.len(),
        plan.blobs.len(),
        unreadable[0].1,
        some_ids(&ids, LISTED_IDS)
    );
    if unreadable.len() == plan.blobs.len() {
        outcome.errors.push(ScanError {
            path: "history".to_string(),
            reason: format!("no blob could be read: {message}"),
        });
    } else {
        outcome.warnings.push(message);
    }
}

/// Damage that left nothing at all to read (every commit, tree or blob
/// unreadable: a truncated pack, dangling refs) fails the audit: a clean
/// report would claim a history that was never looked at.
fn report_nothing_read(plan: &HistoryPlan, outcome: &mut ScanOutcome) {
    let stats = &outcome.stats;
    let read = stats.files_scanned + stats.binary_skipped + outcome.skipped.len() as u64;
    if plan.unreadable == 0 || read > 0 || !outcome.errors.is_empty() {
        return;
    }
    outcome.errors.push(ScanError {
        path: "history".to_string(),
        reason: format!(
            "nothing in the history could be read ({} unreadable commit{}, tree{} or ref{}); see the warnings",
            plan.unreadable,
            if plan.unreadable == 1 { "" } else { "s" },
            if plan.unreadable == 1 { "" } else { "s" },
            if plan.unreadable == 1 { "" } else { "s" },
        ),
    });
}

/// Keeps one finding per fingerprint (the earliest introduction) and lists
/// the other blobs, commits and paths holding it as occurrences.
fn group_by_fingerprint(
    repo: &Repository,
    plan: &HistoryPlan,
    mut found: Vec<BlobFinding>,
) -> Vec<Finding> {
    found.sort_by(|a, b| {
        (a.commit, &a.finding.path, a.finding.line, a.finding.column).cmp(&(
            b.commit,
            &b.finding.path,
            b.finding.line,
            b.finding.column,
        ))
    });
    let local = repo.to_thread_local();
    let mut details: HashMap<CommitIndex, CommitInfo> = HashMap::new();
    let mut commit_info = |index: CommitIndex| -> CommitInfo {
        details
            .entry(index)
            .or_insert_with(|| {
                let id = plan.graph.commits[index as usize].id;
                match commits::details(&local, id) {
                    Some(d) => CommitInfo {
                        commit: d.id,
                        author: d.author,
                        email: d.email,
                        date: d.date,
                        summary: d.summary,
                    },
                    None => CommitInfo {
                        commit: id.to_string(),
                        author: String::new(),
                        email: String::new(),
                        date: String::new(),
                        summary: String::new(),
                    },
                }
            })
            .clone()
    };
    let head = history::head_state(repo, found.iter().map(|f| f.finding.path.as_str()));
    let in_head = |blob: &ObjectId| head.all_blobs.contains(blob);

    // Occurrences are ordered by the commits' topological order (oldest first).
    let mut groups: Vec<(Finding, BTreeSet<(CommitIndex, Occurrence)>)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for item in found {
        let occurrences = occurrences_of(plan, &item, &mut commit_info);
        let head_blob = head.blobs.get(&item.finding.path).copied().flatten();
        match group_of.get(&item.finding.fingerprint) {
            Some(&index) => {
                let (kept, others) = &mut groups[index];
                let provenance = kept
                    .provenance
                    .as_mut()
                    .expect("grouped findings have provenance");
                provenance.in_head |= in_head(&item.blob);
                provenance.path_in_head |= head_blob.is_some();
                others.extend(occurrences);
            }
            None => {
                let mut finding = item.finding;
                finding.provenance = Some(Provenance {
                    introduced: commit_info(item.commit),
                    blob: item.blob.to_string(),
                    in_head: in_head(&item.blob),
                    path_in_head: head_blob.is_some(),
                    occurrences: Vec::new(),
                });
                group_of.insert(finding.fingerprint.clone(), groups.len());
                groups.push((finding, occurrences.into_iter().collect()));
            }
        }
    }
    groups
        .into_iter()
        .map(|(mut finding, others)| {
            if let Some(provenance) = finding.provenance.as_mut() {
                let first = Occurrence {
                    commit: provenance.introduced.commit.clone(),
                    path: finding.path.clone(),
                    line: finding.line,
                };
                provenance.occurrences = others
                    .into_iter()
                    .map(|(_, occurrence)| occurrence)
                    .filter(|o| *o != first)
                    .collect();
            }
            if let Some(note) = dotenv_note(&finding) {
                finding.note = Some(note);
            }
            finding
        })
        .collect()
}

/// Where one blob's finding occurs: its first commit and path, plus every
/// commit and path recorded with `--all-occurrences`.
fn occurrences_of(
    plan: &HistoryPlan,
    item: &BlobFinding,
    commit_info: &mut impl FnMut(CommitIndex) -> CommitInfo,
) -> Vec<(CommitIndex, Occurrence)> {
    let mut list = vec![(
        item.commit,
        Occurrence {
            commit: commit_info(item.commit).commit,
            path: item.finding.path.clone(),
            line: item.finding.line,
        },
    )];
    if let Some(all) = plan.occurrences.get(&item.blob) {
        for occurrence in all {
            list.push((
                occurrence.commit,
                Occurrence {
                    commit: commit_info(occurrence.commit).commit,
                    path: occurrence.path.clone(),
                    line: item.finding.line,
                },
            ));
        }
    }
    list
}

/// A committed dotenv file says whether it was deleted since.
fn dotenv_note(finding: &Finding) -> Option<String> {
    let provenance = finding.provenance.as_ref()?;
    if finding.rule_id != "dotenv.committed" {
        return None;
    }
    let base = finding.note.clone().unwrap_or_default();
    let status = if provenance.path_in_head {
        "still in HEAD"
    } else {
        "not in HEAD (deleted, or on another branch), but in the history"
    };
    Some(format!("{base}; {status}"))
}
