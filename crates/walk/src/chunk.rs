//! Reading an input in overlapping chunks, so that memory stays bounded
//! whatever its size.
//!
//! An input no larger than [`ChunkSize::size`] is one whole chunk. A larger
//! one is read piece by piece into a buffer of that size: each chunk *owns*
//! a part of the input (a match whose value starts there is reported from
//! this chunk and from no other; the owned parts partition the input) and
//! carries [`ChunkSize::margin`] bytes of context on each side, shared with
//! its neighbours. The caller picks the margin to cover how far a match can
//! reach from its value, so that a match straddling a boundary is seen whole
//! by the chunk that owns its start.
//!
//! Boundaries never split a UTF-8 sequence, so text positions (lines and
//! columns) can be counted chunk by chunk and add up to those of the whole.

use std::io::{self, Read};
use std::ops::Range;

/// How inputs are cut into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSize {
    /// Largest chunk, in bytes: also the size of the reading buffer.
    pub size: usize,
    /// Context shared with each neighbouring chunk, in bytes.
    pub margin: usize,
}

impl ChunkSize {
    /// The default: 8 MiB chunks.
    pub const DEFAULT_SIZE: usize = 8 << 20;

    /// Chunks of `size` bytes with `margin` bytes of context on each side.
    /// `size` is raised when needed so that each chunk owns at least as many
    /// bytes as it shares.
    pub fn new(size: usize, margin: usize) -> Self {
        ChunkSize {
            size: size.max(4 * margin).max(64),
            margin,
        }
    }

    /// Whether an input of `len` bytes is read as one whole chunk.
    pub fn fits(&self, len: u64) -> bool {
        len <= self.size as u64
    }
}

/// One piece of an input.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// The bytes of this chunk, margins included.
    pub bytes: &'a [u8],
    /// Offset of `bytes[0]` in the input.
    pub offset: u64,
    /// The part of `bytes` this chunk answers for.
    pub owned: (usize, usize),
    /// Where the next chunk starts, as an index into `bytes`; `None` for the
    /// last chunk. Everything before it is never seen again.
    pub next: Option<usize>,
}

impl Chunk<'_> {
    /// A whole input as a single chunk.
    pub fn whole(bytes: &[u8]) -> Chunk<'_> {
        Chunk {
            bytes,
            offset: 0,
            owned: (0, bytes.len()),
            next: None,
        }
    }

    /// Whether this chunk is the whole input.
    pub fn is_whole(&self) -> bool {
        self.offset == 0 && self.next.is_none()
    }

    /// Whether this is the input's first chunk.
    pub fn is_first(&self) -> bool {
        self.offset == 0
    }

    /// The owned part, as a range into `bytes`.
    pub fn owned_range(&self) -> Range<usize> {
        self.owned.0..self.owned.1
    }
}

/// How reading a chunked input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every byte was read and handed out, `total` in all.
    Complete {
        /// Bytes in the input.
        total: u64,
    },
    /// More than `limit` bytes were found; the chunks handed out so far
    /// cover the first `read` bytes.
    OverLimit {
        /// Bytes read before stopping (more than the limit).
        read: u64,
    },
}

/// What is known of an input's length before it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    /// About this many bytes: the buffer is sized for them, and only a read
    /// that returns nothing ends the input (a decoder's output, say).
    About(u64),
    /// A regular file of this many bytes: a read that comes back short once
    /// they are all in ends it, which spares a last `read` that would return
    /// nothing. (A file that grows while it is read shows it by filling the
    /// read.)
    File(u64),
}

impl Length {
    /// The number of bytes expected.
    pub fn bytes(self) -> u64 {
        match self {
            Length::About(n) | Length::File(n) => n,
        }
    }
}

/// Reads `input` to its end in chunks of `size`, handing each to `visit` in
/// order, and stops once more than `limit` bytes were read (the bytes past the
/// limit are never handed out). `buffer` is reused and comes back cleared;
/// it is sized from `length` and never grows beyond `size.size` bytes.
pub fn read_chunks<R: Read>(
    input: R,
    length: Length,
    size: ChunkSize,
    limit: u64,
    buffer: &mut Vec<u8>,
    visit: impl FnMut(Chunk<'_>),
) -> io::Result<Ended> {
    buffer.clear();
    reserve_for(buffer, length, size, limit);
    continue_chunks(input, length, size, limit, buffer, false, visit)
}

/// Reserves room in an empty `buffer` for an input of `length` (one byte
/// more, to see it end), within the chunk size and the limit.
pub(crate) fn reserve_for(buffer: &mut Vec<u8>, length: Length, size: ChunkSize, limit: u64) {
    let room = length
        .bytes()
        .min(limit)
        .saturating_add(1)
        .min(size.size as u64) as usize;
    buffer.reserve_exact(room);
}

/// [`read_chunks`] for an input whose first bytes the caller has already read
/// into `buffer` (with [`reserve_for`] and [`fill`]); `ended` says whether
/// that read reached the end of the input.
pub(crate) fn continue_chunks<R: Read>(
    mut input: R,
    length: Length,
    size: ChunkSize,
    limit: u64,
    buffer: &mut Vec<u8>,
    mut ended: bool,
    mut visit: impl FnMut(Chunk<'_>),
) -> io::Result<Ended> {
    let mut offset: u64 = 0;
    let mut owned_start = 0;
    loop {
        if !ended {
            ended = fill(&mut input, buffer, size.size, length, offset)?;
        }
        let read = offset + buffer.len() as u64;
        if read > limit {
            buffer.clear();
            return Ok(Ended::OverLimit { read });
        }
        // A full buffer may be the whole input: look one byte ahead.
        let mut probe = [0u8; 1];
        if ended || read_some(&mut input, &mut probe)? == 0 {
            visit(Chunk {
                bytes: buffer,
                offset,
                owned: (owned_start, buffer.len()),
                next: None,
            });
            buffer.clear();
            return Ok(Ended::Complete { total: read });
        }
        let len = buffer.len();
        let owned_end = char_start(buffer, len - size.margin, owned_start + 1);
        let next = char_start(buffer, owned_end - size.margin, 1);
        visit(Chunk {
            bytes: buffer,
            offset,
            owned: (owned_start, owned_end),
            next: Some(next),
        });
        buffer.drain(..next);
        buffer.push(probe[0]);
        offset += next as u64;
        owned_start = owned_end - next;
        ended = false;
    }
}

/// Reads until `buffer` holds `size` bytes or the input ends; returns
/// whether it ended. `buffer[0]` is byte `offset` of the input, whose
/// `length` says when a short read ends it. The buffer grows to `size` only
/// when the input turns out larger than its reserved capacity.
pub(crate) fn fill<R: Read>(
    input: &mut R,
    buffer: &mut Vec<u8>,
    size: usize,
    length: Length,
    offset: u64,
) -> io::Result<bool> {
    while buffer.len() < size {
        if buffer.len() >= buffer.capacity() {
            buffer.reserve_exact(size - buffer.len());
        }
        let start = buffer.len();
        let mut wanted = buffer.capacity().min(size) - start;
        if let Length::File(bytes) = length {
            // The room read into is zeroed first, which costs about as much
            // as the read: a reused buffer's capacity can be far larger than
            // the file, so ask only for what the file still holds, plus the
            // byte that would show it grew.
            let left = bytes.saturating_sub(offset + start as u64);
            if left > 0 {
                wanted =
                    wanted.min(usize::try_from(left).map_or(usize::MAX, |l| l.saturating_add(1)));
            }
        }
        buffer.resize(start + wanted, 0);
        let read = read_some(input, &mut buffer[start..]);
        let got = *read.as_ref().unwrap_or(&0);
        buffer.truncate(start + got);
        read?;
        let file_end_reached = match length {
            Length::File(bytes) => got < wanted && offset + buffer.len() as u64 >= bytes,
            Length::About(_) => false,
        };
        if got == 0 || file_end_reached {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One `read`, retried when interrupted by a signal.
fn read_some<R: Read>(input: &mut R, into: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(into) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// `index`, moved back (never below `floor`, at most 3 bytes) to the start of
/// a UTF-8 sequence, so that a boundary never splits a character.
fn char_start(bytes: &[u8], index: usize, floor: usize) -> usize {
    let mut at = index;
    while at > floor && index - at < 3 && (bytes[at] & 0xC0) == 0x80 {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chunk as seen: (offset, bytes, owned, next).
    type Seen = (u64, Vec<u8>, (usize, usize), Option<usize>);

    /// Every chunk of `input`.
    fn chunks(input: &[u8], size: ChunkSize) -> Vec<Seen> {
        let mut out = Vec::new();
        let mut buffer = Vec::new();
        let ended = read_chunks(
            input,
            Length::About(input.len() as u64),
            size,
            u64::MAX,
            &mut buffer,
            |c| {
                out.push((c.offset, c.bytes.to_vec(), c.owned, c.next));
            },
        )
        .unwrap();
        assert_eq!(
            ended,
            Ended::Complete {
                total: input.len() as u64
            }
        );
        out
    }

    #[test]
    fn small_inputs_are_one_whole_chunk() {
        let size = ChunkSize::new(64, 8);
        for input in [&b""[..], b"abc", &[b'x'; 64]] {
            let got = chunks(input, size);
            assert_eq!(got.len(), 1);
            assert_eq!(got[0], (0, input.to_vec(), (0, input.len()), None));
        }
    }

    #[test]
    fn owned_parts_partition_the_input_and_margins_surround_them() {
        let size = ChunkSize::new(64, 8);
        for len in [65, 100, 128, 129, 1000, 4099] {
            let input: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let got = chunks(&input, size);
            assert!(got.len() > 1, "{len}");
            let mut covered = 0u64;
            for (index, (offset, bytes, owned, next)) in got.iter().enumerate() {
                assert!(bytes.len() <= size.size);
                assert_eq!(
                    &input[*offset as usize..*offset as usize + bytes.len()],
                    &bytes[..]
                );
                assert_eq!(
                    offset + owned.0 as u64,
                    covered,
                    "{len}: owned parts are contiguous"
                );
                covered = offset + owned.1 as u64;
                if index > 0 {
                    assert!(owned.0 >= size.margin, "context before");
                }
                if let Some(next) = next {
                    assert!(bytes.len() - owned.1 >= size.margin, "context after");
                    assert_eq!(got[index + 1].0, offset + *next as u64);
                }
            }
            assert_eq!(covered, len as u64);
        }
    }

    #[test]
    fn boundaries_never_split_a_character() {
        let size = ChunkSize::new(64, 8);
        let input = "é😀ab".repeat(100);
        let got = chunks(input.as_bytes(), size);
        for (offset, _, owned, _) in &got {
            let start = *offset as usize;
            assert!(input.is_char_boundary(start));
            assert!(input.is_char_boundary(start + owned.0));
            assert!(input.is_char_boundary(start + owned.1));
        }
    }

    /// Hands out its bytes in reads of at most `step`, then fails any read
    /// past them: a read after the end is one too many.
    struct NoReadPastEnd<'a> {
        bytes: &'a [u8],
        step: usize,
    }

    impl Read for NoReadPastEnd<'_> {
        fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
            if self.bytes.is_empty() {
                return Err(io::Error::other("read past the end"));
            }
            let n = into.len().min(self.step).min(self.bytes.len());
            into[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    /// Records the size of each read asked of it.
    struct RecordsReads<'a> {
        bytes: &'a [u8],
        asked: Vec<usize>,
    }

    impl Read for RecordsReads<'_> {
        fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
            self.asked.push(into.len());
            self.bytes.read(into)
        }
    }

    /// Fills a buffer with 64 KiB of room from `bytes`, a file thought to be
    /// `known` bytes long: what was read and the size of each read asked.
    fn fill_recording(bytes: &[u8], known: u64) -> (Vec<u8>, Vec<usize>) {
        let mut input = RecordsReads {
            bytes,
            asked: Vec::new(),
        };
        let mut buffer = Vec::with_capacity(64 << 10);
        let ended = fill(&mut input, &mut buffer, 64 << 10, Length::File(known), 0).unwrap();
        assert!(ended);
        (buffer, input.asked)
    }

    #[test]
    fn a_reused_large_buffer_reads_a_small_file_with_a_small_read() {
        let bytes = [b'x'; 1000];
        let (read, asked) = fill_recording(&bytes, 1000);
        assert_eq!(read, bytes);
        // The file and one byte more: the room is zeroed before the read.
        assert_eq!(asked, [1001]);
        // A file that grew past its known length is read on to its end.
        let grown = [b'y'; 3000];
        let (read, _) = fill_recording(&grown, 1000);
        assert_eq!(read, grown);
    }

    #[test]
    fn a_file_ends_at_its_known_length_without_another_read() {
        let bytes = [b'x'; 1000];
        // Short reads before the end do not end it; the short read that
        // completes the known length does.
        let mut input = NoReadPastEnd {
            bytes: &bytes,
            step: 300,
        };
        let mut buffer = Vec::with_capacity(1001);
        let ended = fill(&mut input, &mut buffer, 4096, Length::File(1000), 0).unwrap();
        assert!(ended);
        assert_eq!(buffer.len(), 1000);
        // Of an input whose length is only estimated, a short read proves
        // nothing: it is read until a read returns nothing (here, fails).
        let mut input = NoReadPastEnd {
            bytes: &bytes,
            step: 300,
        };
        let mut buffer = Vec::with_capacity(1001);
        let read = fill(&mut input, &mut buffer, 4096, Length::About(1000), 0);
        assert!(read.is_err());
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let mut buffer = Vec::new();
        let mut seen = 0;
        let ended = read_chunks(
            &[b'x'; 1000][..],
            Length::About(1000),
            ChunkSize::new(64, 8),
            500,
            &mut buffer,
            |c| seen += c.owned.1 - c.owned.0,
        )
        .unwrap();
        assert!(matches!(ended, Ended::OverLimit { read } if read > 500));
        assert!(seen <= 500);
        let ended = read_chunks(
            &[b'x'; 64][..],
            Length::About(64),
            ChunkSize::new(64, 8),
            64,
            &mut buffer,
            |_| {},
        )
        .unwrap();
        assert_eq!(ended, Ended::Complete { total: 64 });
    }
}
