//! What `git commit` would add: staged files that differ from `HEAD`, read
//! from the index and the object database (never from the working copy), with
//! the lines each adds.
//!
//! The index's cache-tree extension says which directories are unchanged
//! since the last commit; those are skipped without reading them, so a few
//! staged files in a repository of 100k files cost a few tree reads.

use super::ObjectId;
use crate::content::{SkipReason, text_of};
use crate::error::WalkError;
use gix::prelude::{Find, Header as _};
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a line diff may take before it settles for a coarser answer.
const DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// How a staged file relates to `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Not in `HEAD`.
    Added,
    /// In `HEAD` with other content.
    Modified,
    /// Moved from another path, possibly with edits.
    Renamed {
        /// The path in `HEAD`.
        from: String,
    },
}

/// One staged file with changes.
#[derive(Debug, Clone)]
pub struct StagedFile {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// The staged blob.
    pub id: ObjectId,
    /// The staged contents.
    pub bytes: Vec<u8>,
    /// 1-based line ranges (end exclusive) that the commit adds or changes.
    pub added_lines: Vec<Range<usize>>,
    /// Added, modified or renamed.
    pub change: Change,
}

impl StagedFile {
    /// Whether 1-based `line` is added or changed by the commit.
    pub fn adds_line(&self, line: usize) -> bool {
        self.added_lines.iter().any(|range| range.contains(&line))
    }
}

/// Everything staged for the next commit.
#[derive(Debug, Default)]
pub struct StagedChanges {
    /// Staged text files with changes.
    pub files: Vec<StagedFile>,
    /// Staged files that were not scanned (binary, too large), with the reason.
    pub skipped: Vec<(String, SkipReason)>,
    /// Staged files that could not be read.
    pub errors: Vec<WalkError>,
    /// Staged files deleted since `HEAD`.
    pub deleted: usize,
    /// Index entries compared with `HEAD` one by one (the rest were skipped by directory).
    pub entries_compared: usize,
}

/// A file as `HEAD` has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeadBlob {
    id: ObjectId,
}

/// Reads the changes staged in the repository that contains `path`.
pub fn staged_changes(path: &Path, max_size: u64) -> Result<StagedChanges, WalkError> {
    let repo = super::open(path)?.to_thread_local();
    let index = repo
        .index_or_empty()
        .map_err(|e| WalkError::new(path, format!("reading the git index: {e}")))?;
    let head_tree = repo.head_tree_id().ok().map(|id| id.detach());
    let mut comparer = Comparer {
        repo: &repo,
        index: &index,
        buffer: Vec::new(),
        changed: Vec::new(),
        deleted: Vec::new(),
        compared: 0,
    };
    let entries: Vec<usize> = (0..index.entries().len()).collect();
    comparer.compare_dir("", head_tree, index.tree(), &entries);
    let Comparer {
        changed,
        deleted,
        compared,
        ..
    } = comparer;

    let mut out = StagedChanges {
        deleted: deleted.len(),
        entries_compared: compared,
        ..StagedChanges::default()
    };
    let mut buffer = Vec::new();
    let deleted_ids: HashSet<ObjectId> = deleted.iter().map(|(_, blob)| blob.id).collect();
    for (path, id, before) in changed {
        let change = match before {
            Some(_) => Change::Modified,
            // The same content under a new name: nothing is added.
            None if deleted_ids.contains(&id) => continue,
            None => Change::Added,
        };
        let bytes = match read_blob(&repo, &id, max_size, &mut buffer) {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(reason)) => {
                out.skipped.push((path, reason));
                continue;
            }
            Err(reason) => {
                out.errors.push(WalkError::new(&path, reason));
                continue;
            }
        };
        let (change, previous) = match (change, before) {
            (Change::Added, _) => match similar_deleted(&repo, &bytes, &deleted, max_size) {
                Some((from, old)) => (Change::Renamed { from }, Some(old)),
                None => (Change::Added, None),
            },
            (change, Some(before)) => {
                let old = read_blob(&repo, &before.id, max_size, &mut buffer)
                    .ok()
                    .and_then(Result::ok);
                (change, old)
            }
            (change, None) => (change, None),
        };
        let added_lines = match &previous {
            Some(old) => added_lines(old, &bytes),
            None => std::iter::once(1..line_count(&bytes) + 1).collect(),
        };
        if added_lines.is_empty() {
            continue;
        }
        out.files.push(StagedFile {
            path,
            id,
            bytes,
            added_lines,
            change,
        });
    }
    Ok(out)
}

/// Walks the index and `HEAD` directory by directory.
struct Comparer<'a> {
    repo: &'a gix::Repository,
    index: &'a gix::index::File,
    buffer: Vec<u8>,
    /// (path, staged blob, blob in HEAD at that path)
    changed: Vec<(String, ObjectId, Option<HeadBlob>)>,
    /// Files in HEAD that the index no longer has.
    deleted: Vec<(String, HeadBlob)>,
    compared: usize,
}

/// An entry of a `HEAD` tree.
#[derive(Debug, Clone)]
enum HeadEntry {
    Tree(ObjectId),
    Blob(HeadBlob),
    Other,
}

impl Comparer<'_> {
    /// Compares the index entries `entries` (all below `prefix`) with the
    /// `HEAD` tree `head` of that directory.
    fn compare_dir(
        &mut self,
        prefix: &str,
        head: Option<ObjectId>,
        cache: Option<&gix::index::extension::Tree>,
        entries: &[usize],
    ) {
        if let (Some(cache), Some(head)) = (cache, head)
            && cache.num_entries.is_some()
            && cache.id == head
        {
            return; // The directory is exactly as committed.
        }
        let mut head_entries = head
            .map(|tree| self.read_head_tree(tree))
            .unwrap_or_default();
        let mut at = 0;
        while at < entries.len() {
            let entry = &self.index.entries()[entries[at]];
            let full = entry.path(self.index).to_string();
            let rest = &full[prefix.len()..];
            match rest.split_once('/') {
                Some((dir, _)) => {
                    let dir_prefix = format!("{prefix}{dir}/");
                    let end = at
                        + entries[at..]
                            .iter()
                            .take_while(|&&i| {
                                self.index.entries()[i]
                                    .path(self.index)
                                    .starts_with(dir_prefix.as_bytes())
                            })
                            .count();
                    let head_sub = match head_entries.remove(dir) {
                        Some(HeadEntry::Tree(id)) => Some(id),
                        Some(HeadEntry::Blob(blob)) => {
                            self.deleted.push((format!("{prefix}{dir}"), blob));
                            None
                        }
                        _ => None,
                    };
                    let cache_sub = cache.and_then(|c| {
                        c.children
                            .iter()
                            .find(|child| child.name.as_slice() == dir.as_bytes())
                    });
                    let range = entries[at..end].to_vec();
                    self.compare_dir(&dir_prefix, head_sub, cache_sub, &range);
                    at = end;
                }
                None => {
                    self.compared += 1;
                    let before = match head_entries.remove(rest) {
                        Some(HeadEntry::Blob(blob)) => Some(blob),
                        Some(HeadEntry::Tree(tree)) => {
                            self.collect_deleted(&format!("{prefix}{rest}/"), tree);
                            None
                        }
                        _ => None,
                    };
                    self.compare_file(full.clone(), entry, before);
                    at += 1;
                }
            }
        }
        // What HEAD has here and the index does not: deleted.
        for (name, entry) in head_entries {
            match entry {
                HeadEntry::Blob(blob) => self.deleted.push((format!("{prefix}{name}"), blob)),
                HeadEntry::Tree(tree) => self.collect_deleted(&format!("{prefix}{name}/"), tree),
                HeadEntry::Other => {}
            }
        }
    }

    fn compare_file(&mut self, path: String, entry: &gix::index::Entry, before: Option<HeadBlob>) {
        use gix::index::entry::{Mode, Stage};
        let regular = entry.mode == Mode::FILE || entry.mode == Mode::FILE_EXECUTABLE;
        // Conflicted entries cannot be committed; links and submodules hold no text.
        if !regular || entry.stage() != Stage::Unconflicted {
            return;
        }
        if before.is_some_and(|b| b.id == entry.id) {
            return;
        }
        self.changed.push((path, entry.id, before));
    }

    fn collect_deleted(&mut self, prefix: &str, tree: ObjectId) {
        for (name, entry) in self.read_head_tree(tree) {
            match entry {
                HeadEntry::Blob(blob) => self.deleted.push((format!("{prefix}{name}"), blob)),
                HeadEntry::Tree(sub) => self.collect_deleted(&format!("{prefix}{name}/"), sub),
                HeadEntry::Other => {}
            }
        }
    }

    fn read_head_tree(&mut self, tree: ObjectId) -> HashMap<String, HeadEntry> {
        let mut entries = HashMap::new();
        let Ok(Some(data)) = self.repo.objects.try_find(&tree, &mut self.buffer) else {
            return entries;
        };
        for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash).flatten() {
            let mode = entry.mode;
            let value = if mode.is_tree() {
                HeadEntry::Tree(entry.oid.to_owned())
            } else if mode.is_blob() {
                HeadEntry::Blob(HeadBlob {
                    id: entry.oid.to_owned(),
                })
            } else {
                HeadEntry::Other
            };
            entries.insert(String::from_utf8_lossy(entry.filename).into_owned(), value);
        }
        entries
    }
}

/// Reads a blob: `Ok(Ok(bytes))` to scan, `Ok(Err(reason))` to skip, `Err` when unreadable.
fn read_blob(
    repo: &gix::Repository,
    id: &ObjectId,
    max_size: u64,
    buffer: &mut Vec<u8>,
) -> Result<Result<Vec<u8>, SkipReason>, String> {
    let header = repo
        .objects
        .try_header(id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("staged blob {id} is missing from the object database"))?;
    if header.size() > max_size {
        return Ok(Err(SkipReason::TooLarge {
            size: header.size(),
            limit: max_size,
        }));
    }
    let data = repo
        .objects
        .try_find(id, buffer)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("staged blob {id} is missing from the object database"))?;
    match text_of(data.data) {
        Some(text) => Ok(Ok(text.into_owned())),
        None => Ok(Err(SkipReason::Binary)),
    }
}

/// The deleted file an added one was most likely renamed from: at least half
/// of the added file's lines must come from it.
fn similar_deleted(
    repo: &gix::Repository,
    added: &[u8],
    deleted: &[(String, HeadBlob)],
    max_size: u64,
) -> Option<(String, Vec<u8>)> {
    /// Rename candidates examined at most, so a mass deletion stays cheap.
    const CANDIDATES: usize = 64;
    let added_lines = lines(added);
    if added_lines.is_empty() {
        return None;
    }
    let mut buffer = Vec::new();
    let mut best: Option<(usize, String, Vec<u8>)> = None;
    for (path, blob) in deleted.iter().take(CANDIDATES) {
        let Ok(Ok(old)) = read_blob(repo, &blob.id, max_size, &mut buffer) else {
            continue;
        };
        let kept = line_count(added) - count_added(&old, added);
        if kept * 2 >= added_lines.len() && best.as_ref().is_none_or(|(b, _, _)| kept > *b) {
            best = Some((kept, path.clone(), old));
        }
    }
    best.map(|(_, path, old)| (path, old))
}

fn count_added(old: &[u8], new: &[u8]) -> usize {
    added_lines(old, new).iter().map(|r| r.len()).sum()
}

/// 1-based line ranges of `new` that are not in `old`.
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let old_lines = lines(old);
    let new_lines = lines(new);
    let deadline = Some(Instant::now() + DIFF_DEADLINE);
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Myers,
        &old_lines,
        &new_lines,
        deadline,
    );
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for op in ops {
        let (start, len) = match op {
            similar::DiffOp::Insert {
                new_index, new_len, ..
            }
            | similar::DiffOp::Replace {
                new_index, new_len, ..
            } => (new_index, new_len),
            _ => continue,
        };
        let range = start + 1..start + 1 + len;
        match ranges.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => ranges.push(range),
        }
    }
    ranges
}

/// Lines without their line breaks (a trailing `\r` is dropped too).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

fn line_count(bytes: &[u8]) -> usize {
    lines(bytes).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_are_one_based_and_merged() {
        let old = b"a\nb\nc\n";
        let new = b"a\nx\ny\nc\nz\n";
        assert_eq!(added_lines(old, new), vec![2..4, 5..6]);
        assert_eq!(added_lines(b"", b"one\ntwo"), vec![1..3]);
        assert!(added_lines(b"same\n", b"same\n").is_empty());
        assert!(
            added_lines(b"a\nb\n", b"a\n").is_empty(),
            "deletions add nothing"
        );
    }

    #[test]
    fn crlf_and_lf_lines_compare_alike() {
        assert!(added_lines(b"a\r\nb\r\n", b"a\nb\n").is_empty());
    }
}
