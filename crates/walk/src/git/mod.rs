//! Git as a source of bytes: the whole history of a repository, and the
//! changes staged for the next commit. Read with gix, never by running git.
//!
//! - [`history`] plans an audit of every blob reachable from the selected
//!   refs (each unique blob once, with the commit and path that introduced it)
//!   and reads the planned blobs in parallel, in pack order.
//! - [`staged`] lists what `git commit` would add: staged files that differ
//!   from `HEAD`, with the lines they add.

pub mod commits;
pub mod history;
pub mod staged;

use crate::error::WalkError;
use std::path::Path;

pub use gix::ObjectId;
/// An open repository, shareable between threads.
pub use gix::ThreadSafeRepository as Repository;

/// Opens the repository at `path` (a work tree, a `.git` directory, a bare
/// repository or a linked worktree), also when `path` is a directory inside it.
pub fn open(path: &Path) -> Result<Repository, WalkError> {
    if !path.exists() {
        return Err(WalkError::new(path, "no such file or directory"));
    }
    let repo = gix::discover(path)
        .map_err(|e| WalkError::new(path, format!("not a git repository: {e}")))?;
    Ok(repo.into_sync())
}

/// The first `limit` ids, abbreviated, for messages about many objects.
pub fn some_ids(ids: &[ObjectId], limit: usize) -> String {
    let mut shown: Vec<String> = ids
        .iter()
        .take(limit)
        .map(|id| id.to_hex_with_len(12).to_string())
        .collect();
    if ids.len() > limit {
        shown.push(format!("and {} more", ids.len() - limit));
    }
    shown.join(", ")
}

/// The work tree of a repository, if it has one (a bare repository does not).
pub fn workdir(repo: &Repository) -> Option<std::path::PathBuf> {
    repo.work_dir().map(Path::to_path_buf)
}
