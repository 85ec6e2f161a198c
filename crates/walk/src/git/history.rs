//! Auditing a repository's whole history: every blob reachable from the
//! selected refs, each scanned once, with the commit and path that introduced it.
//!
//! Planning walks the commits in topological order, oldest first, and reads
//! each tree object once: a subtree already seen in an earlier commit holds
//! nothing new, so it is skipped whole. The first commit whose tree holds a
//! blob introduced it. Reading then decodes each pack once along its delta
//! trees, in parallel, and scans the planned blobs as they come out.

use super::ObjectId;
use super::commits::{self, CommitGraph, CommitIndex, RefSelection};
use crate::content::SkipReason;
use crate::error::WalkError;
use gix::prelude::{Find, Header as _};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// Bytes of decoded delta bases the planning phase keeps.
const PLAN_PACK_CACHE: usize = 16 << 20;

/// Largest allocation pack decoding may make, unless the size limit is
/// higher: one object inflated whole, or the pack's delta tree. A damaged
/// or hostile pack can claim any size in an entry's header; above this, the
/// pack is left to the object-by-object reading, which skips a blob above
/// the size limit by its header, without inflating it.
const PACK_ALLOC_FLOOR: u64 = 1 << 30;

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
    /// Trees, commits and refs that could not be read: with no blob read
    /// either, nothing of the history could be audited.
    pub unreadable: usize,
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
///
/// The commits are cut into fixed-size segments of the topological order,
/// walked in parallel (rayon), each with its own set of trees seen; a blob's
/// first occurrence is then the earliest over all segments. The segments do
/// not depend on the number of threads, so neither does the plan.
pub fn plan(
    repo: &gix::ThreadSafeRepository,
    options: &HistoryOptions,
) -> Result<HistoryPlan, WalkError> {
    let graph = commits::collect(&repo.to_thread_local(), &options.refs)?;
    let mut plan = HistoryPlan {
        warnings: graph.warnings.clone(),
        unreadable: graph.unreadable,
        ..HistoryPlan::default()
    };
    let segments: Vec<std::ops::Range<usize>> = (0..graph.commits.len())
        .step_by(SEGMENT)
        .map(|start| start..(start + SEGMENT).min(graph.commits.len()))
        .collect();
    let thread_repo = || {
        let mut repo = repo.to_thread_local();
        // Trees are read by id, most of them deltas: a cache of delta bases
        // keeps each chain from being inflated again for every tree on it.
        repo.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PLAN_PACK_CACHE,
            ))
        });
        repo
    };
    let walk_segment = |repo: &mut gix::Repository, segment: &std::ops::Range<usize>| {
        let mut walker = TreeWalker::new(repo);
        // In a range, what the boundary commits already had is not new.
        for boundary in &graph.boundary {
            if let Ok(commit) = repo.find_commit(*boundary)
                && let Ok(tree) = commit.tree_id()
            {
                walker.walk(tree.detach(), None);
            }
        }
        for commit in segment.clone() {
            walker.walk(graph.commits[commit].tree, Some(commit as CommitIndex));
        }
        walker.finish()
    };
    let walk_all = || -> Vec<TreeWalk> {
        segments
            .par_iter()
            .map_init(thread_repo, walk_segment)
            .collect()
    };
    let walked = match rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
    {
        Ok(pool) => pool.install(walk_all),
        Err(_) => walk_all(),
    };
    merge_walks(walked, &mut plan);
    if options.all_occurrences {
        plan.occurrences = all_occurrences(&repo.to_thread_local(), &graph, &plan.blobs);
    }
    plan.graph = graph;
    Ok(plan)
}

/// Commits walked as one unit of planning work.
const SEGMENT: usize = 2048;

/// Worker threads for `threads` (0: one per core).
fn thread_count(threads: usize) -> usize {
    match threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Joins the segments' walks: each blob keeps its earliest occurrence.
fn merge_walks(walked: Vec<TreeWalk>, plan: &mut HistoryPlan) {
    let mut first: HashMap<ObjectId, Occurrence> = HashMap::new();
    let mut missing_trees: HashSet<ObjectId> = HashSet::new();
    let mut submodules: HashSet<String> = HashSet::new();
    let mut symlinks: HashSet<ObjectId> = HashSet::new();
    for walk in walked {
        for blob in walk.found {
            match first.entry(blob.id) {
                std::collections::hash_map::Entry::Occupied(mut kept) => {
                    if blob.first.commit < kept.get().commit {
                        kept.insert(blob.first);
                    }
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(blob.first);
                }
            }
        }
        missing_trees.extend(walk.missing_trees);
        submodules.extend(walk.submodules);
        symlinks.extend(walk.symlinks);
    }
    plan.blobs = first
        .into_iter()
        .map(|(id, first)| PlannedBlob { id, first })
        .collect();
    plan.blobs
        .sort_by(|a, b| (a.first.commit, &a.first.path).cmp(&(b.first.commit, &b.first.path)));
    plan.submodules = submodules.len();
    plan.symlinks = symlinks.len();
    plan.unreadable += missing_trees.len();
    if !missing_trees.is_empty() {
        let mut missing: Vec<ObjectId> = missing_trees.into_iter().collect();
        missing.sort();
        plan.warnings.push(format!(
            "{} tree{} could not be read, so the files below {} not audited: {}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            if missing.len() == 1 {
                "it are"
            } else {
                "them are"
            },
            super::some_ids(&missing, 5)
        ));
    }
}

/// What walking one segment of commits found.
#[derive(Default)]
struct TreeWalk {
    found: Vec<PlannedBlob>,
    missing_trees: Vec<ObjectId>,
    submodules: HashSet<String>,
    symlinks: HashSet<ObjectId>,
}

/// Walks trees once each, recording the first occurrence of every blob.
struct TreeWalker<'r> {
    repo: &'r gix::Repository,
    seen_trees: HashSet<ObjectId>,
    seen_blobs: HashSet<ObjectId>,
    buffer: Vec<u8>,
    result: TreeWalk,
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
            buffer: Vec::new(),
            result: TreeWalk::default(),
        }
    }

    fn finish(self) -> TreeWalk {
        self.result
    }

    /// Walks the tree `root` of commit `commit` (`None`: a boundary commit,
    /// whose blobs are only marked as seen), skipping subtrees already seen.
    fn walk(&mut self, root: ObjectId, commit: Option<CommitIndex>) {
        let mut stack: Vec<(ObjectId, String)> = vec![(root, String::new())];
        while let Some((tree, prefix)) = stack.pop() {
            if !self.seen_trees.insert(tree) {
                continue;
            }
            // Entries are read in place: most of a tree's entries were seen
            // in an earlier commit, and only new ones need an owned name.
            let data = match self.repo.objects.try_find(&tree, &mut self.buffer) {
                Ok(Some(data)) if data.kind == gix::object::Kind::Tree => data,
                _ => {
                    self.result.missing_trees.push(tree);
                    continue;
                }
            };
            for entry in gix::objs::TreeRefIter::from_bytes(data.data, data.object_hash) {
                let Ok(entry) = entry else {
                    self.result.missing_trees.push(tree);
                    break;
                };
                let id = entry.oid.to_owned();
                let name = || String::from_utf8_lossy(entry.filename);
                match entry_kind(entry.mode) {
                    EntryKind::Tree => {
                        if !self.seen_trees.contains(&id) {
                            stack.push((id, join(&prefix, &name())));
                        }
                    }
                    EntryKind::Blob => {
                        if self.seen_blobs.insert(id)
                            && let Some(commit) = commit
                        {
                            self.result.found.push(PlannedBlob {
                                id,
                                first: Occurrence {
                                    commit,
                                    path: join(&prefix, &name()),
                                },
                            });
                        }
                    }
                    EntryKind::Link => {
                        if commit.is_some() {
                            self.result.symlinks.insert(id);
                        }
                    }
                    EntryKind::Submodule => {
                        if commit.is_some() {
                            self.result.submodules.insert(join(&prefix, &name()));
                        }
                    }
                }
            }
        }
    }
}

/// What kind of entry a tree entry's mode says it is.
fn entry_kind(mode: gix::objs::tree::EntryMode) -> EntryKind {
    if mode.is_tree() {
        EntryKind::Tree
    } else if mode.is_commit() {
        EntryKind::Submodule
    } else if mode.is_link() {
        EntryKind::Link
    } else {
        EntryKind::Blob
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
        let kind = entry_kind(entry.mode);
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

/// Reads every planned blob and hands it to a visitor made by `make_visitor`
/// (one per thread); returns the visitors.
///
/// Each pack is decoded whole, in parallel, along its delta trees, so that
/// every object is inflated once and a delta is applied to a base still in
/// memory: reading blobs one by one by id would re-inflate delta chains over
/// and over. Blobs not met in any pack (loose objects, or entries a damaged
/// pack could not decode) are then read by id, and reported when unreadable.
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
    let threads = thread_count(options.threads);
    let wanted: HashMap<ObjectId, usize> = plan
        .blobs
        .iter()
        .enumerate()
        .map(|(index, blob)| (blob.id, index))
        .collect();
    let done: Vec<AtomicBool> = plan.blobs.iter().map(|_| AtomicBool::new(false)).collect();
    let finished: Mutex<Vec<V>> = Mutex::new(Vec::new());
    let shared = PackScan {
        plan,
        wanted: &wanted,
        done: &done,
        limit: options.max_blob_size,
        make_visitor: &make_visitor,
        finished: &finished,
    };
    for bundle in pack_bundles(repo) {
        let mut processor = PackProcessor {
            shared: &shared,
            visitor: None,
        };
        let process = move |kind: gix::object::Kind,
                            data: &[u8],
                            entry: &gix::odb::pack::index::Entry,
                            _: &dyn gix::progress::Progress| {
            processor.process(kind, data, &entry.oid);
            Ok::<(), gix::Error>(())
        };
        let traverse_options = gix::odb::pack::index::traverse::Options {
            traversal: gix::odb::pack::index::traverse::Algorithm::DeltaTreeLookup,
            thread_limit: Some(threads),
            check: gix::odb::pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerificationAndNoAbortOnDecodeError,
            alloc_limit_bytes: Some(
                options
                    .max_blob_size
                    .max(PACK_ALLOC_FLOOR)
                    .try_into()
                    .unwrap_or(usize::MAX),
            ),
            make_pack_lookup_cache: || gix::odb::pack::cache::Never,
        };
        // A pack that cannot be traversed leaves its blobs to the fallback below.
        let _ = bundle.index.traverse(
            &bundle.pack,
            &mut gix::progress::Discard,
            &AtomicBool::new(false),
            process,
            traverse_options,
        );
    }
    let mut visitors = finished.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut reader = Reader {
        repo: repo.to_thread_local(),
        buffer: Vec::new(),
        visitor: make_visitor(),
    };
    for (index, blob) in plan.blobs.iter().enumerate() {
        if !done[index].load(Ordering::Relaxed) {
            reader.read(blob, options.max_blob_size);
        }
    }
    visitors.push(reader.visitor);
    visitors
}

/// What every pack-decoding thread shares.
struct PackScan<'a, V, F> {
    plan: &'a HistoryPlan,
    wanted: &'a HashMap<ObjectId, usize>,
    done: &'a [AtomicBool],
    limit: u64,
    make_visitor: &'a F,
    finished: &'a Mutex<Vec<V>>,
}

/// One pack-decoding thread's handler: a clone starts with no visitor and
/// makes its own on first use; dropping it hands the visitor back.
struct PackProcessor<'a, V, F> {
    shared: &'a PackScan<'a, V, F>,
    visitor: Option<V>,
}

impl<V, F> Clone for PackProcessor<'_, V, F> {
    fn clone(&self) -> Self {
        PackProcessor {
            shared: self.shared,
            visitor: None,
        }
    }
}

impl<V, F> Drop for PackProcessor<'_, V, F> {
    fn drop(&mut self) {
        if let Some(visitor) = self.visitor.take() {
            let mut finished = self
                .shared
                .finished
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            finished.push(visitor);
        }
    }
}

impl<V: BlobVisitor, F: Fn() -> V> PackProcessor<'_, V, F> {
    fn process(&mut self, kind: gix::object::Kind, data: &[u8], id: &ObjectId) {
        if kind != gix::object::Kind::Blob {
            return;
        }
        let Some(&index) = self.shared.wanted.get(id) else {
            return;
        };
        // The same blob may sit in several packs: scan it once.
        if self.shared.done[index].swap(true, Ordering::Relaxed) {
            return;
        }
        let blob = &self.shared.plan.blobs[index];
        let visitor = self
            .visitor
            .get_or_insert_with(|| (self.shared.make_visitor)());
        visit_blob(visitor, blob, data, self.shared.limit);
    }
}

/// Hands a decoded blob to a visitor, or tells it why it is skipped.
fn visit_blob<V: BlobVisitor>(visitor: &mut V, blob: &PlannedBlob, data: &[u8], limit: u64) {
    if data.len() as u64 > limit {
        visitor.skipped(
            blob,
            SkipReason::TooLarge {
                size: data.len() as u64,
                limit,
            },
        );
    } else {
        match crate::content::text_of(data) {
            Some(text) => visitor.blob(blob, &text),
            None => visitor.skipped(blob, SkipReason::Binary),
        }
    }
}

/// Every pack of the repository and its alternates, opened as index + data.
fn pack_bundles(repo: &gix::ThreadSafeRepository) -> Vec<gix::odb::pack::Bundle> {
    let local = repo.to_thread_local();
    let store = local.objects.store_ref();
    let mut dirs = vec![store.path().to_path_buf()];
    dirs.extend(store.alternate_db_paths().unwrap_or_default());
    let mut bundles = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
            continue;
        };
        let mut indexes: Vec<_> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .collect();
        indexes.sort();
        for index in indexes {
            if let Ok(bundle) = gix::odb::pack::Bundle::at(&index, local.object_hash()) {
                bundles.push(bundle);
            }
        }
    }
    bundles
}

/// Reads blobs one by one by id (the fallback for blobs no pack yielded).
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
                visit_blob(&mut self.visitor, blob, data.data, limit);
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
