//! The files git tracks in a work tree, read from its index with gix.

use crate::error::WalkError;
use std::path::{Path, PathBuf};

/// Regular files that the git index tracks below `root`, as paths joined onto
/// `root`. `Ok(None)` when `root` is not inside a git work tree.
pub fn tracked_files(root: &Path) -> Result<Option<Vec<PathBuf>>, WalkError> {
    let Ok(repo) = gix::discover(root) else {
        return Ok(None);
    };
    let Some(workdir) = repo.workdir() else {
        return Ok(None);
    };
    let workdir = canonical(workdir);
    let root_abs = canonical(root);
    let Ok(inside) = root_abs.strip_prefix(&workdir) else {
        return Ok(None);
    };
    let index = repo
        .index_or_empty()
        .map_err(|e| WalkError::new(root, format!("reading the git index: {e}")))?;
    let mut files = Vec::new();
    for entry in index.entries() {
        let mode = entry.mode;
        if mode != gix::index::entry::Mode::FILE && mode != gix::index::entry::Mode::FILE_EXECUTABLE
        {
            continue;
        }
        let Ok(relative) = gix::path::from_bstr(entry.path(&index)) else {
            continue;
        };
        if let Ok(below_root) = relative.as_ref().strip_prefix(inside) {
            files.push(root.join(below_root));
        }
    }
    Ok(Some(files))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
