//! Errors met while walking: each names the path and the reason.

use std::path::PathBuf;
use thiserror::Error;

/// A path that could not be read. The walk reports it and goes on.
#[derive(Debug, Error)]
#[error("{}: {reason}", path.display())]
pub struct WalkError {
    /// The path, or the root when the error is not tied to one file.
    pub path: PathBuf,
    /// What went wrong, for a person to read.
    pub reason: String,
}

impl WalkError {
    /// An error at `path` with a reason.
    pub fn new(path: impl Into<PathBuf>, reason: impl ToString) -> Self {
        WalkError {
            path: path.into(),
            reason: reason.to_string(),
        }
    }
}
