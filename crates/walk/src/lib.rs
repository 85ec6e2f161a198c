//! Where tattle's bytes come from.
//!
//! [`tree::walk`] walks working trees in parallel (honouring `.gitignore`,
//! `.ignore` and `.tattleignore`), reads each regular file once and hands it to
//! a per-thread [`tree::FileVisitor`]. [`tracked`] lists what git tracks, so
//! that force-added files are scanned even when an ignore file matches them.
//! [`git`] reads a repository's history and its staged changes.
//! This crate knows nothing about rules or findings.

pub mod chunk;
pub mod content;
pub mod error;
pub mod git;
pub mod tracked;
pub mod tree;
pub mod utf16;

pub use chunk::{Chunk, ChunkSize};
pub use content::{FileRead, SkipReason};
pub use error::WalkError;
pub use tree::{FileVisitor, WalkOptions, walk};
