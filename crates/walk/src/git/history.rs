//! Auditing a repository's whole history: every blob reachable from the
//! selected refs, each scanned once, with the commit and path that introduced it.
//!
//! Planning walks the commits in topological order, oldest first, and reads
//! each tree object once: a subtree already seen in an earlier commit holds
//! nothing new, so it is skipped whole. The first commit whose tree holds a
//! blob introduced it. Reading then fetches the planned blobs in parallel, in
//! the order they sit in the packs, so that delta chains are resolved from
//! warm caches.

use super::ObjectId;
use super::commits::{self, CommitGraph, CommitIndex, RefSelection};
use crate::content::SkipReason;
use crate::error::WalkError;
use gix::prelude::{Find, Header as _};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Blobs handed to a reading thread at a time.
const CHUNK: usize = 64;

/// What to audit and how.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Which refs and commits.
    pub refs: RefSelection,
    /// Record every commit and path that adds or changes each blob, not only the first.
    pub all_occurrences: bool,
    /// Blobs above this many bytes are skipped and reported.
    pub max_blob_size: u64,
    /// Reading threads (0: one per core).
    pub threads: usize,
}

/// A blob at a path in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The commit, as an index into the plan's commits.
    pub commit: CommitIndex,
    /// The path in that commit's tree, `/`-separated.
    pub path: String,
}

/// A blob to scan, with the commit and path that introduced it.
#[derive(Debug, Clone)]
pub struct PlannedBlob {
    /// The blob's id.
    pub id: ObjectId,
    /// Where it first appeared.
    pub first: Occurrence,
}

/// Everything known about a history before its blobs are read.
#[derive(Debug, Default)]
pub struct HistoryPlan {
    /// The commits, in topological order.
    pub graph: CommitGraph,
    /// Unique blobs to scan.
    pub blobs: Vec<PlannedBlob>,
    /// With `all_occurrences`: every commit and path adding or changing each blob.
    pub occurrences: HashMap<ObjectId, Vec<Occurrence>>,
    /// Problems that did not stop the audit.
    pub warnings: Vec<String>,
    /// Submodule entries met (their content lives in another repository).
    pub submodules: usize,
    /// Symbolic links met (their content is a path, not scanned).
    pub symlinks: usize,
}

/// Receives each planned blob's bytes. One visitor per reading thread.
pub trait BlobVisitor: Send {
    /// A blob's contents, ready to scan.
    fn blob(&mut self, blob: &PlannedBlob, bytes: &[u8]);
    /// A blob that was not scanned, and why.
    fn skipped(&mut self, blob: &PlannedBlob, reason: SkipReason);
    /// A blob that could not be read (missing from a partial clone, corrupt pack…).
    fn unreadable(&mut self, blob: &PlannedBlob, reason: String);
}

/// Plans an audit: the commit graph, and each unique blob with the commit and
/// path that introduced it.
pub fn plan(
    repo: &gix::ThreadSafeRepository,
    options: &HistoryOptions,
) -> Result<HistoryPlan, WalkError> {
    let repo = repo.to_thread_local();
    let graph = commits::collect(&repo, &options.refs)?;
    let mut plan = HistoryPlan {
        warnings: graph.warnings.clone(),
        ..HistoryPlan::default()
    };
    let mut walker = TreeWalker::new(&repo);
    // In a range, what the boundary commits already had is not new.
    for boundary in &graph.boundary {
        if let Ok(header) = repo.find_commit(*boundary)
            && let Ok(tree) = header.tree_id()
        {
            walker.walk(tree.detach(), None, &mut plan);
        }
    }
    for (index, commit) in graph.commits.iter().enumerate() {
        walker.walk(commit.tree, Some(index as CommitIndex), &mut plan);
    }
    if !walker.missing_trees.is_empty() {
        plan.warnings.push(format!(
            "{} tree{} could not be read, so the files below {} not audited: {}",
            walker.missing_trees.len(),
            if walker.missing_trees.len() == 1 {
                ""
            } else {
                "s"
            },
            if walker.missing_trees.len() == 1 {
                "it are"
            } else {
                "them are"
            },
            super::some_ids(&walker.missing_trees, 5)
        ));
    }
    if options.all_occurrences {
        plan.occurrences = all_occurrences(&repo, &graph, &plan.blobs);
    }
    plan.graph = graph;
    Ok(plan)
}

/// Walks trees once each, recording the first occurrence of every blob.
struct TreeWalker<'r> {
    repo: &'r gix::Repository,
    seen_trees: HashSet<ObjectId>,
    seen_blobs: HashSet<ObjectId>,
    missing_trees: Vec<ObjectId>,
    buffer: Vec<u8>,
}

/// An entry of a tree, copied out of the decoding buffer.
struct Entry {
    name: String,
    id: ObjectId,
    kind: EntryKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    Tree,
    Blob,
    Link,
    Submodule,
}

impl<'r> TreeWalker<'r> {
    fn new(repo: &'r gix::Repository) -> Self {
        TreeWalker {
            repo,
            seen_trees: HashSet::new(),
            seen_blobs: HashSet::new(),
            missing_trees: Vec::new(),
            buffer: Vec::new(),
        }
    }

    /// Walks the tree `root` of commit `commit` (`None`: a boundary commit,
    /// whose blobs are only marked as seen), skipping subtrees already seen.
    fn walk(&mut self, root: ObjectId, commit: Option<CommitIndex>, plan: &mut HistoryPlan) {
        let mut stack: Vec<(ObjectId, String)> = vec![(root, String::new())];
        while let Some((tree, prefix)) = stack.pop() {
            if !self.seen_trees.insert(tree) {
                continue;
            }
            let Some(entries) = read_tree(self.repo, &tree, &mut self.buffer) else {
                self.missing_trees.push(tree);
                continue;
            };
            for entry in entries {
                let path = join(&prefix, &entry.name);
                match entry.kind {
                    EntryKind::Tree => stack.push((entry.id, path)),
                    EntryKind::Blob => {
                        if self.seen_blobs.insert(entry.id)
                            && let Some(commit) = commit
                        {
                            plan.blobs.push(PlannedBlob {
                                id: entry.id,
                                first: Occurrence { commit, path },
                            });
                        }
                    }
                    EntryKind::Link => plan.symlinks += usize::from(commit.is_some()),
                    EntryKind::Submodule => plan.submodules += usize::from(commit.is_some()),
                }
            }
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

/// Reads and decodes a tree; `None` when it is missing or damaged.
fn read_tree(repo: &gix::Repository, id: &ObjectId, buffer: &mut Vec<u8>) -> Option<Vec<Entry>> {
    let data = repo.objects.try_find(id, buffer).ok()??;
    if data.kind != gix::object::Kind::Tree {
        return None;
    }
    let mut entries = Vec::new();
    for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash) {
        let entry = entry.ok()?;
        let mode = entry.mode;
        let kind = if mode.is_tree() {
            EntryKind::Tree
        } else if mode.is_commit() {
            EntryKind::Submodule
        } else if mode.is_link() {
            EntryKind::Link
        } else {
            EntryKind::Blob
        };
        entries.push(Entry {
            name: String::from_utf8_lossy(entry.filename).into_owned(),
            id: entry.oid.to_owned(),
            kind,
        });
    }
    Some(entries)
}

/// Every commit and path that adds or changes each planned blob: the commit's
/// tree compared with each parent's, keeping changes that differ from all parents.
fn all_occurrences(
    repo: &gix::Repository,
    graph: &CommitGraph,
    blobs: &[PlannedBlob],
) -> HashMap<ObjectId, Vec<Occurrence>> {
    let wanted: HashSet<ObjectId> = blobs.iter().map(|b| b.id).collect();
    let mut occurrences: HashMap<ObjectId, Vec<Occurrence>> = HashMap::new();
    let mut buffer = Vec::new();
    for (index, commit) in graph.commits.iter().enumerate() {
        let parents: Vec<ObjectId> = commit
            .parents
            .iter()
            .map(|&p| graph.commits[p as usize].tree)
            .collect();
        let mut changes = Vec::new();
        diff_trees(
            repo,
            parents.first().copied(),
            commit.tree,
            String::new(),
            &mut buffer,
            &mut changes,
        );
        for (path, id) in changes {
            if !wanted.contains(&id) {
                continue;
            }
            // A merge that takes a file from another parent does not change it.
            let from_other_parent = parents
                .iter()
                .skip(1)
                .any(|&tree| blob_at(repo, tree, &path, &mut buffer) == Some(id));
            if !from_other_parent {
                occurrences.entry(id).or_default().push(Occurrence {
                    commit: index as CommitIndex,
                    path,
                });
            }
        }
    }
    occurrences
}

/// Blobs (path, id) in `new` that are not at the same path in `old`.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: ObjectId,
    prefix: String,
    buffer: &mut Vec<u8>,
    out: &mut Vec<(String, ObjectId)>,
) {
    if old == Some(new) {
        return;
    }
    let Some(new_entries) = read_tree(repo, &new, buffer) else {
        return;
    };
    let old_entries: HashMap<String, (ObjectId, EntryKind)> = old
        .and_then(|old| read_tree(repo, &old, buffer))
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e.name, (e.id, e.kind)))
        .collect();
    for entry in new_entries {
        let before = old_entries.get(&entry.name);
        let path = join(&prefix, &entry.name);
        match entry.kind {
            EntryKind::Tree => {
                let old_tree = before
                    .filter(|(_, kind)| *kind == EntryKind::Tree)
                    .map(|(id, _)| *id);
                diff_trees(repo, old_tree, entry.id, path, buffer, out);
            }
            EntryKind::Blob => {
                if before.map(|(id, _)| *id) != Some(entry.id) {
                    out.push((path, entry.id));
                }
            }
            EntryKind::Link | EntryKind::Submodule => {}
        }
    }
}

/// The blob at `path` in `tree`, if there is one.
pub fn blob_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
    buffer: &mut Vec<u8>,
) -> Option<ObjectId> {
    let mut current = tree;
    let mut parts = path.split('/').peekable();
    while let Some(part) = parts.next() {
        let entries = read_tree(repo, &current, buffer)?;
        let entry = entries.into_iter().find(|e| e.name == part)?;
        match (entry.kind, parts.peek().is_some()) {
            (EntryKind::Tree, true) => current = entry.id,
            (EntryKind::Blob, false) => return Some(entry.id),
            _ => return None,
        }
    }
    None
}

/// Where a set of paths stands in the tree of `HEAD`.
#[derive(Debug, Default)]
pub struct HeadState {
    /// For each asked path: the blob at that path in `HEAD`, if any.
    pub blobs: HashMap<String, Option<ObjectId>>,
    /// Every blob in `HEAD`'s tree, at any path.
    pub all_blobs: HashSet<ObjectId>,
}

/// Looks up `paths` in `HEAD`'s tree and lists every blob it holds (an
/// unborn or unreadable `HEAD` has none of them).
pub fn head_state<'a>(
    repo: &gix::ThreadSafeRepository,
    paths: impl IntoIterator<Item = &'a str>,
) -> HeadState {
    let repo = repo.to_thread_local();
    let tree = repo.head_tree_id().ok().map(|id| id.detach());
    let mut buffer = Vec::new();
    let mut state = HeadState::default();
    for path in paths {
        if state.blobs.contains_key(path) {
            continue;
        }
        let blob = tree.and_then(|tree| blob_at(&repo, tree, path, &mut buffer));
        state.blobs.insert(path.to_string(), blob);
    }
    if let Some(tree) = tree {
        let mut stack = vec![tree];
        while let Some(tree) = stack.pop() {
            for entry in read_tree(&repo, &tree, &mut buffer).unwrap_or_default() {
                match entry.kind {
                    EntryKind::Tree => stack.push(entry.id),
                    EntryKind::Blob => {
                        state.all_blobs.insert(entry.id);
                    }
                    EntryKind::Link | EntryKind::Submodule => {}
                }
            }
        }
    }
    state
}

/// Reads every planned blob in parallel, in pack order, and hands each to a
/// visitor made by `make_visitor` (several per thread); returns the visitors.
pub fn read_blobs<V, F>(
    repo: &gix::ThreadSafeRepository,
    plan: &HistoryPlan,
    options: &HistoryOptions,
    make_visitor: F,
) -> Vec<V>
where
    V: BlobVisitor,
    F: Fn() -> V + Sync,
{
    let order = pack_order(repo, &plan.blobs);
    let limit = options.max_blob_size;
    let read_chunk = |mut worker: Reader<V>, chunk: &[usize]| {
        for &index in chunk {
            worker.read(&plan.blobs[index], limit);
        }
        worker
    };
    let run = || {
        order
            .par_chunks(CHUNK)
            .fold(
                || Reader {
                    repo: repo.to_thread_local(),
                    buffer: Vec::new(),
                    visitor: make_visitor(),
                },
                read_chunk,
            )
            .map(|worker| worker.visitor)
            .collect::<Vec<V>>()
    };
    match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
    {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}

/// Per-thread state of blob reading.
struct Reader<V> {
    repo: gix::Repository,
    buffer: Vec<u8>,
    visitor: V,
}

impl<V: BlobVisitor> Reader<V> {
    fn read(&mut self, blob: &PlannedBlob, limit: u64) {
        let objects = &self.repo.objects;
        match objects.try_header(&blob.id) {
            Ok(Some(header)) if header.size() > limit => {
                self.visitor.skipped(
                    blob,
                    SkipReason::TooLarge {
                        size: header.size(),
                        limit,
                    },
                );
                return;
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                self.visitor
                    .unreadable(blob, "missing from the object database".into());
                return;
            }
            Err(e) => {
                self.visitor.unreadable(blob, e.to_string());
                return;
            }
        }
        match objects.try_find(&blob.id, &mut self.buffer) {
            Ok(Some(data)) if data.kind == gix::object::Kind::Blob => {
                if crate::content::is_binary(data.data) {
                    self.visitor.skipped(blob, SkipReason::Binary);
                } else {
                    self.visitor.blob(blob, data.data);
                }
            }
            Ok(Some(data)) => self
                .visitor
                .unreadable(blob, format!("is a {}, not a blob", data.kind)),
            Ok(None) => self
                .visitor
                .unreadable(blob, "missing from the object database".into()),
            Err(e) => self.visitor.unreadable(blob, e.to_string()),
        }
        // Keep one huge blob from pinning its memory for the rest of the run.
        if self.buffer.capacity() > 16 << 20 {
            self.buffer = Vec::new();
        }
    }
}

/// Indexes into `blobs`, ordered by where each blob sits in the packs (then
/// loose objects), so that reading walks each pack front to back.
fn pack_order(repo: &gix::ThreadSafeRepository, blobs: &[PlannedBlob]) -> Vec<usize> {
    let position: HashMap<ObjectId, usize> = blobs
        .iter()
        .enumerate()
        .map(|(index, blob)| (blob.id, index))
        .collect();
    let mut placed = vec![false; blobs.len()];
    let mut order = Vec::with_capacity(blobs.len());
    let repo = repo.to_thread_local();
    if let Ok(all) = repo.objects.iter() {
        let ordering = gix::odb::store::iter::Ordering::PackAscendingOffsetThenLooseLexicographical;
        for id in all.with_ordering(ordering).flatten() {
            if let Some(&index) = position.get(&id)
                && !placed[index]
            {
                placed[index] = true;
                order.push(index);
            }
        }
    }
    // Anything the iteration missed (a pack that could not be listed) still gets read.
    order.extend((0..blobs.len()).filter(|&index| !placed[index]));
    order
}
