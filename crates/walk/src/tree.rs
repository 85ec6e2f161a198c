//! The parallel working-tree walk.
//!
//! Each walker thread owns one [`FileVisitor`], reads a file, and hands the
//! visitor its bytes; visitors come back to the caller when the walk ends, so
//! per-thread results merge without locks on the hot path.

use crate::chunk::{Chunk, ChunkSize};
use crate::content::{self, FileRead, SkipReason};
use crate::error::WalkError;
use crate::tracked;
use ignore::{WalkBuilder, WalkState};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Name of tattle's own ignore file, read like `.gitignore` in every directory.
pub const IGNORE_FILE: &str = ".tattleignore";

/// What to walk and how.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Files or directories to walk.
    pub roots: Vec<PathBuf>,
    /// Honour `.gitignore`, `.ignore`, `.tattleignore` and git's excludes.
    pub respect_ignore: bool,
    /// Files above this many bytes are skipped and reported.
    pub max_file_size: u64,
    /// Walker threads (0: one per core).
    pub threads: usize,
    /// Files larger than one chunk are read and handed out in overlapping
    /// chunks, so memory stays bounded whatever their size.
    pub chunk_size: ChunkSize,
}

/// Receives each file of a walk. One visitor per walker thread.
///
/// Each thread reads a file and hands it to its visitor before reading the
/// next, so no more than one file's chunk per thread is ever in memory: the
/// visitor's pace is the walk's (back-pressure without a queue).
pub trait FileVisitor: Send {
    /// A file's contents, ready to scan: the whole file as one chunk, or,
    /// for a file larger than the chunk size, each of its chunks in order
    /// (the first has offset 0, the last has no `next`). `path` is as walked
    /// (root joined with the relative path); `tracked` says whether git
    /// tracks the file. A read error after some chunks is reported with
    /// [`FileVisitor::error`].
    fn file(&mut self, path: &Path, chunk: &Chunk<'_>, tracked: bool);
    /// A file that was not scanned, and why.
    fn skipped(&mut self, path: &Path, reason: SkipReason);
    /// A path that could not be read.
    fn error(&mut self, error: WalkError);
}

/// Walks `options.roots` in parallel, calling a visitor made by `make_visitor`
/// on every thread, and returns all visitors when done.
///
/// In a git work tree, files that git tracks are visited even when an ignore
/// file matches them: force-added files are where leaks hide.
pub fn walk<V, F>(options: &WalkOptions, make_visitor: F) -> Vec<V>
where
    V: FileVisitor,
    F: Fn() -> V + Sync,
{
    let finished: Mutex<Vec<(V, Vec<PathBuf>)>> = Mutex::new(Vec::new());
    let mut missing_roots = Vec::new();
    let mut existing_roots = Vec::new();
    for root in &options.roots {
        match std::fs::symlink_metadata(root) {
            Ok(_) => existing_roots.push(root.clone()),
            Err(e) => missing_roots.push(WalkError::new(root, e)),
        }
    }
    let existing_roots = without_nested_roots(existing_roots);
    let mut root_errors = Vec::new();
    let tracked = tracked_by_git(&existing_roots, &mut root_errors);
    if let Some((first, rest)) = existing_roots.split_first() {
        let mut builder = WalkBuilder::new(first);
        for root in rest {
            builder.add(root);
        }
        builder
            .hidden(false)
            .follow_links(false)
            .git_ignore(options.respect_ignore)
            .git_global(options.respect_ignore)
            .git_exclude(options.respect_ignore)
            .ignore(options.respect_ignore)
            .parents(options.respect_ignore)
            .require_git(false)
            .threads(options.threads)
            .filter_entry(|entry| entry.file_name() != ".git");
        if options.respect_ignore {
            builder.add_custom_ignore_filename(IGNORE_FILE);
        }
        let record_visited = options.respect_ignore;
        builder.build_parallel().run(|| {
            let mut worker = Worker {
                visitor: Some(make_visitor()),
                visited: Vec::new(),
                record_visited,
                limit: options.max_file_size,
                chunk_size: options.chunk_size,
                buffer: Vec::new(),
                tracked: &tracked,
                finished: &finished,
            };
            Box::new(move |entry| {
                worker.handle(entry);
                WalkState::Continue
            })
        });
    }
    let mut results = finished.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut visitors: Vec<V> = Vec::with_capacity(results.len() + 1);
    let mut visited: HashSet<PathBuf> = HashSet::new();
    for (visitor, paths) in results.drain(..) {
        visited.extend(paths);
        visitors.push(visitor);
    }
    let mut extra = make_visitor();
    for error in missing_roots.into_iter().chain(root_errors) {
        extra.error(error);
    }
    if options.respect_ignore {
        visit_tracked_but_ignored(&existing_roots, &tracked, &visited, options, &mut extra);
    }
    visitors.push(extra);
    visitors
}

/// Drops roots that repeat another root or lie inside one, so every file is
/// read once however the command line names it.
fn without_nested_roots(roots: Vec<PathBuf>) -> Vec<PathBuf> {
    let canonical: Vec<PathBuf> = roots
        .iter()
        .map(|root| std::fs::canonicalize(root).unwrap_or_else(|_| root.clone()))
        .collect();
    roots
        .iter()
        .enumerate()
        .filter(|&(i, _)| {
            !canonical.iter().enumerate().any(|(j, other)| {
                let inside = canonical[i].starts_with(other) && canonical[i] != *other;
                let repeat = canonical[i] == *other && j < i;
                inside || repeat
            })
        })
        .map(|(_, root)| root.clone())
        .collect()
}

/// Per-thread state of the parallel walk.
struct Worker<'a, V: FileVisitor> {
    visitor: Option<V>,
    visited: Vec<PathBuf>,
    record_visited: bool,
    limit: u64,
    chunk_size: ChunkSize,
    buffer: Vec<u8>,
    tracked: &'a TrackedFiles,
    finished: &'a Mutex<Vec<(V, Vec<PathBuf>)>>,
}

impl<V: FileVisitor> Worker<'_, V> {
    fn handle(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) {
        let visitor = self.visitor.as_mut().expect("visitor lives until drop");
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                visitor.error(walk_error(err));
                return;
            }
        };
        let Some(file_type) = entry.file_type() else {
            return;
        };
        if file_type.is_dir() {
            return;
        }
        let path = entry.path();
        let tracked = self.tracked.contains(path);
        // Only tracked files can be missed by the walk and visited afterwards.
        if self.record_visited && tracked {
            self.visited.push(path.to_path_buf());
        }
        if file_type.is_symlink() {
            visitor.skipped(path, SkipReason::Symlink);
            return;
        }
        if !file_type.is_file() {
            visitor.skipped(path, SkipReason::NotRegular);
            return;
        }
        read_and_visit(
            path,
            tracked,
            self.limit,
            self.chunk_size,
            &mut self.buffer,
            visitor,
        );
    }
}

impl<V: FileVisitor> Drop for Worker<'_, V> {
    fn drop(&mut self) {
        if let Some(visitor) = self.visitor.take() {
            let visited = std::mem::take(&mut self.visited);
            let mut finished = self.finished.lock().unwrap_or_else(|e| e.into_inner());
            finished.push((visitor, visited));
        }
    }
}

/// Reads one file and passes it to the visitor, chunk by chunk.
fn read_and_visit<V: FileVisitor>(
    path: &Path,
    tracked: bool,
    limit: u64,
    chunk_size: ChunkSize,
    buffer: &mut Vec<u8>,
    visitor: &mut V,
) {
    let read = content::read_file(path, limit, chunk_size, buffer, |chunk| {
        visitor.file(path, &chunk, tracked)
    });
    match read {
        Ok(FileRead::Scanned { .. }) => {}
        Ok(FileRead::Skipped(reason)) => visitor.skipped(path, reason),
        // Listed by the walk, gone when opened: nothing is left to scan.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            visitor.skipped(path, SkipReason::Vanished)
        }
        Err(err) => visitor.error(WalkError::new(path, err)),
    }
    // A file larger than a chunk leaves a full-size buffer: give it back.
    if buffer.capacity() > SMALL_BUFFER {
        *buffer = Vec::new();
    }
}

/// Reading buffer kept between files: most files are small.
const SMALL_BUFFER: usize = 1 << 20;

/// The files git tracks below each walked root, as walked paths (root joined
/// with the relative path). Roots outside a git work tree contribute nothing.
#[derive(Debug, Default)]
struct TrackedFiles {
    by_root: Vec<(PathBuf, HashSet<PathBuf>)>,
}

impl TrackedFiles {
    fn contains(&self, path: &Path) -> bool {
        self.by_root.iter().any(|(_, files)| files.contains(path))
    }
}

fn tracked_by_git(roots: &[PathBuf], errors: &mut Vec<WalkError>) -> TrackedFiles {
    let mut tracked = TrackedFiles::default();
    for root in roots {
        if !root.is_dir() {
            continue;
        }
        match tracked::tracked_files(root) {
            Ok(Some(files)) => tracked
                .by_root
                .push((root.clone(), files.into_iter().collect())),
            Ok(None) => {}
            Err(err) => errors.push(err),
        }
    }
    tracked
}

/// Visits files that git tracks but the walk skipped because an ignore file matched them.
fn visit_tracked_but_ignored<V: FileVisitor>(
    roots: &[PathBuf],
    tracked: &TrackedFiles,
    visited: &HashSet<PathBuf>,
    options: &WalkOptions,
    visitor: &mut V,
) {
    let mut buffer = Vec::new();
    for (root, files) in &tracked.by_root {
        if !roots.contains(root) {
            continue;
        }
        let mut tattleignore = TattleIgnore::default();
        let mut pending: Vec<&PathBuf> = files
            .iter()
            .filter(|path| !visited.contains(*path))
            .collect();
        pending.sort();
        for path in pending {
            if tattleignore.excludes(root, path) {
                continue;
            }
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.file_type().is_file() => {
                    read_and_visit(
                        path,
                        true,
                        options.max_file_size,
                        options.chunk_size,
                        &mut buffer,
                        visitor,
                    );
                }
                // Deleted in the work tree, or replaced by a link: nothing to read here.
                _ => {}
            }
        }
    }
}

/// `.tattleignore` files are the user's own word on what not to scan, so they
/// apply to tracked files too (unlike `.gitignore`, which only says what git
/// should not pick up). Matchers are built once per directory.
#[derive(Default)]
struct TattleIgnore {
    by_dir: std::collections::HashMap<PathBuf, Option<ignore::gitignore::Gitignore>>,
}

impl TattleIgnore {
    /// Whether a `.tattleignore` in `root` or a directory between it and `path` excludes `path`.
    fn excludes(&mut self, root: &Path, path: &Path) -> bool {
        let mut dir = path.parent();
        while let Some(current) = dir {
            let matcher = self.by_dir.entry(current.to_path_buf()).or_insert_with(|| {
                let file = current.join(IGNORE_FILE);
                file.is_file()
                    .then(|| ignore::gitignore::Gitignore::new(&file).0)
            });
            if let Some(matcher) = matcher
                && matcher.matched_path_or_any_parents(path, false).is_ignore()
            {
                return true;
            }
            if current == root {
                break;
            }
            dir = current.parent();
        }
        false
    }
}

fn walk_error(err: ignore::Error) -> WalkError {
    match err {
        ignore::Error::WithPath { path, err } => WalkError::new(path, err),
        ignore::Error::WithDepth { err, .. } => walk_error(*err),
        ignore::Error::WithLineNumber { line, err } => {
            let inner = walk_error(*err);
            WalkError::new(inner.path, format!("line {line}: {}", inner.reason))
        }
        ignore::Error::Loop { ancestor, child } => WalkError::new(
            child,
            format!("file system loop back to {}", ancestor.display()),
        ),
        ignore::Error::Io(err) => WalkError::new("", err),
        other => WalkError::new("", other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder {
        files: usize,
        skipped: Vec<SkipReason>,
        errors: Vec<String>,
    }

    impl FileVisitor for Recorder {
        fn file(&mut self, _: &Path, _: &Chunk<'_>, _: bool) {
            self.files += 1;
        }
        fn skipped(&mut self, _: &Path, reason: SkipReason) {
            self.skipped.push(reason);
        }
        fn error(&mut self, error: WalkError) {
            self.errors.push(error.to_string());
        }
    }

    #[test]
    fn a_file_deleted_before_it_is_read_is_skipped_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut recorder = Recorder::default();
        let size = ChunkSize::new(1 << 20, 1 << 10);
        let gone = dir.path().join("gone.txt");
        read_and_visit(&gone, false, 100, size, &mut Vec::new(), &mut recorder);
        assert_eq!(recorder.skipped, [SkipReason::Vanished]);
        assert!(recorder.errors.is_empty());
        assert_eq!(recorder.files, 0);
    }
}
