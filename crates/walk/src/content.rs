//! Reading one file's bytes, with the size limit and binary detection applied.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// How many leading bytes are checked for NUL to call a file binary (as git does).
const BINARY_PROBE: usize = 8 << 10;

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// It contains a NUL byte near its start.
    Binary,
    /// It is larger than the size limit.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// It is a symbolic link, which tattle does not follow.
    Symlink,
    /// It is a FIFO, socket or device.
    NotRegular,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::Binary => f.write_str("binary file"),
            SkipReason::TooLarge { size, limit } => {
                write!(f, "file is {size} bytes, above the {limit}-byte limit")
            }
            SkipReason::Symlink => f.write_str("symbolic link, not followed"),
            SkipReason::NotRegular => f.write_str("not a regular file"),
        }
    }
}

/// What reading a file produced.
#[derive(Debug)]
pub enum Content {
    /// Text to scan.
    Text(Vec<u8>),
    /// Not scanned, and why.
    Skipped(SkipReason),
}

/// Reads `path` if it is at most `limit` bytes and not binary.
pub fn read_file(path: &Path, limit: u64, buffer: Vec<u8>) -> io::Result<Content> {
    let mut file = File::open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(Content::Skipped(SkipReason::NotRegular));
    }
    let size = metadata.len();
    if size > limit {
        return Ok(Content::Skipped(SkipReason::TooLarge { size, limit }));
    }
    let mut bytes = buffer;
    bytes.clear();
    bytes.reserve(size as usize);
    // Read at most one byte past the limit: a file that grew while being read
    // is still held to the limit.
    (&mut file).take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Content::Skipped(SkipReason::TooLarge {
            size: bytes.len() as u64,
            limit,
        }));
    }
    Ok(classify(bytes))
}

/// Calls bytes binary when a NUL occurs among the first few KiB.
pub fn classify(bytes: Vec<u8>) -> Content {
    if is_binary(&bytes) {
        Content::Skipped(SkipReason::Binary)
    } else {
        Content::Text(bytes)
    }
}

/// Whether a NUL byte occurs among the first few KiB, as git decides.
pub fn is_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(BINARY_PROBE)].contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn binary_large_and_text_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("a.txt");
        let binary = dir.path().join("b.bin");
        std::fs::write(&text, b"hello\n").unwrap();
        std::fs::File::create(&binary)
            .unwrap()
            .write_all(b"PK\0\x03")
            .unwrap();
        assert!(
            matches!(read_file(&text, 100, Vec::new()).unwrap(), Content::Text(t) if t == b"hello\n")
        );
        assert!(matches!(
            read_file(&binary, 100, Vec::new()).unwrap(),
            Content::Skipped(SkipReason::Binary)
        ));
        assert!(matches!(
            read_file(&text, 3, Vec::new()).unwrap(),
            Content::Skipped(SkipReason::TooLarge { size: 6, limit: 3 })
        ));
    }
}
