//! Reading one file's bytes, in chunks, with the size limit and binary
//! detection applied.

use crate::chunk::{self, Chunk, ChunkSize, Ended, Length};
use crate::utf16::{self, Utf16Reader};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// How many leading bytes are checked for NUL to call a file binary (as git does).
const BINARY_PROBE: usize = 8 << 10;
/// The most the first read of a file asks for: enough for most source files
/// to be read in one call, little to waste on a binary file.
const FIRST_READ: usize = 64 << 10;

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
    /// It was deleted after the walk listed it and before it was read.
    Vanished,
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
            SkipReason::Vanished => f.write_str("deleted while the scan ran"),
        }
    }
}

/// How reading a file ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRead {
    /// Every byte was handed out, in one chunk or several.
    Scanned {
        /// The file's size in bytes.
        bytes: u64,
    },
    /// Not scanned (or, for a file that grew past the limit while being
    /// read, not scanned past the limit), and why.
    Skipped(SkipReason),
}

/// Reads `path` in chunks (one whole chunk when it fits) and hands them to
/// `visit` in order, unless it is not a regular file, above `limit` bytes, or
/// binary. Memory stays within `size.size` bytes, in `buffer`, however large
/// the file.
pub fn read_file(
    path: &Path,
    limit: u64,
    size: ChunkSize,
    buffer: &mut Vec<u8>,
    visit: impl FnMut(Chunk<'_>),
) -> io::Result<FileRead> {
    let mut file = open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Ok(FileRead::Skipped(SkipReason::NotRegular));
    }
    let size_now = metadata.len();
    if size_now > limit {
        return Ok(FileRead::Skipped(SkipReason::TooLarge {
            size: size_now,
            limit,
        }));
    }
    // The first read goes straight into the buffer and, for most files,
    // holds all of it; the probe for binary content and byte-order marks
    // looks at its start.
    buffer.clear();
    let length = Length::File(size_now);
    chunk::reserve_for(buffer, length, size, limit);
    let head = buffer.capacity().min(FIRST_READ);
    let head_ended = chunk::fill(&mut file, buffer, head, length, 0)?;
    let probe = &buffer[..buffer.len().min(BINARY_PROBE)];
    // A file that grew while being read is still held to the limit.
    let ended = match utf16::byte_order_mark(probe) {
        Some(order) => {
            // UTF-16 text, read as UTF-8 (at most 1.5 times as long).
            if utf16::decode(probe).is_some_and(|text| is_binary(&text)) {
                buffer.clear();
                return Ok(FileRead::Skipped(SkipReason::Binary));
            }
            let head = std::mem::take(buffer);
            let input = Utf16Reader::new(head[2..].chain(file), order);
            let decoded_limit = limit.saturating_add(limit / 2);
            // The decoded text's length is not the file's.
            let decoded = Length::About(size_now);
            chunk::read_chunks(input, decoded, size, decoded_limit, buffer, visit)?
        }
        None => {
            if is_binary(probe) {
                buffer.clear();
                return Ok(FileRead::Skipped(SkipReason::Binary));
            }
            chunk::continue_chunks(file, length, size, limit, buffer, head_ended, visit)?
        }
    };
    match ended {
        Ended::Complete { total } => Ok(FileRead::Scanned { bytes: total }),
        Ended::OverLimit { read } => Ok(FileRead::Skipped(SkipReason::TooLarge {
            size: read,
            limit,
        })),
    }
}

/// Opens a file for reading without blocking: a path that turned into a FIFO
/// since the walk saw it must not hang the scan (its metadata then says it is
/// not a regular file, and it is never read).
fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The text of a blob already in memory: itself, UTF-16 decoded to UTF-8,
/// or `None` when it is binary.
pub fn text_of(bytes: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    match utf16::decode(bytes) {
        Some(text) if is_binary(&text) => None,
        Some(text) => Some(std::borrow::Cow::Owned(text)),
        None if is_binary(bytes) => None,
        None => Some(std::borrow::Cow::Borrowed(bytes)),
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

    /// Reads a file whole (as one chunk) or reports why not.
    fn read(path: &Path, limit: u64) -> Result<Vec<u8>, FileRead> {
        let mut out = Vec::new();
        let ended = read_file(
            path,
            limit,
            ChunkSize::new(1 << 20, 1024),
            &mut Vec::new(),
            |c| {
                assert!(c.is_whole());
                out.extend_from_slice(c.bytes);
            },
        )
        .unwrap();
        match ended {
            FileRead::Scanned { bytes } if bytes == out.len() as u64 => Ok(out),
            other => Err(other),
        }
    }

    #[test]
    fn utf16_text_longer_once_decoded_is_read_to_its_end() {
        // Each CJK character is 2 bytes in UTF-16 and 3 in UTF-8: the decoded
        // text outgrows the file's size, and the decoder hands it out in
        // pieces, so a short read there does not mean the end.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        // An ASCII first line: its NUL bytes mark the file as UTF-16.
        let text = format!("title = notes\n{}END", "鍵".repeat(100_000));
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        std::fs::write(&path, &bytes).unwrap();
        let read = read(&path, 1 << 20).expect("read whole");
        assert_eq!(read.len(), text.len());
        assert!(read == text.as_bytes());
    }

    #[test]
    fn files_read_whole_whatever_their_size() {
        let dir = tempfile::tempdir().unwrap();
        for len in [0, 1, 8191, 8192, 65_535, 65_536, 65_537, 300_000] {
            let path = dir.path().join(format!("f{len}"));
            let content: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &content).unwrap();
            assert_eq!(read(&path, 1 << 20), Ok(content), "{len} bytes");
        }
    }

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
        assert_eq!(read(&text, 100), Ok(b"hello\n".to_vec()));
        assert_eq!(
            read(&binary, 100),
            Err(FileRead::Skipped(SkipReason::Binary))
        );
        assert_eq!(
            read(&text, 3),
            Err(FileRead::Skipped(SkipReason::TooLarge {
                size: 6,
                limit: 3
            }))
        );
    }
}
