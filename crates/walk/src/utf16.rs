//! UTF-16 text (with a byte-order mark), decoded to UTF-8 so that it is
//! scanned like any other text.
//!
//! Windows tools write UTF-16 (PowerShell 5's `>` and `Out-File`, `.reg`
//! exports, some `.config` and `.ini` files). Its ASCII characters are full
//! of NUL bytes, so it would otherwise be taken for binary and never read.
//! Decoding keeps lines and columns: tattle counts columns in UTF-16 code
//! units. Unpaired surrogates become U+FFFD.

use std::io::{self, Read};

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// `FF FE`.
    Little,
    /// `FE FF`.
    Big,
}

/// How many leading bytes [`byte_order_mark`] looks at for NUL bytes.
const PROBE: usize = 8 << 10;

/// The byte order of UTF-16 text at the start of `bytes`: a UTF-16
/// byte-order mark, followed by NUL bytes (the high bytes of ASCII
/// characters). Without NUL bytes, `FF FE` is more likely Latin-1 text
/// starting with `ÿþ`, and is read as bytes; a secret, being ASCII, would
/// bring NUL bytes.
pub fn byte_order_mark(bytes: &[u8]) -> Option<ByteOrder> {
    let order = match bytes {
        [0xFF, 0xFE, ..] => ByteOrder::Little,
        [0xFE, 0xFF, ..] => ByteOrder::Big,
        _ => return None,
    };
    bytes[..bytes.len().min(PROBE)]
        .contains(&0)
        .then_some(order)
}

/// Decodes `bytes` (UTF-16 after a byte-order mark) to UTF-8; `None` when
/// they are not UTF-16 text (see [`byte_order_mark`]).
pub fn decode(bytes: &[u8]) -> Option<Vec<u8>> {
    let order = byte_order_mark(bytes)?;
    let mut out = Vec::with_capacity(bytes.len());
    let mut decoder = Decoder::new(order);
    decoder.push(&bytes[2..], &mut out);
    decoder.finish(&mut out);
    Some(out)
}

/// An incremental UTF-16 to UTF-8 decoder: input may end anywhere, even in
/// the middle of a code unit or a surrogate pair.
#[derive(Debug)]
struct Decoder {
    order: ByteOrder,
    /// A byte of a code unit whose other byte has not come yet.
    odd_byte: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
}

impl Decoder {
    fn new(order: ByteOrder) -> Self {
        Decoder {
            order,
            odd_byte: None,
            high: None,
        }
    }

    fn push(&mut self, mut bytes: &[u8], out: &mut Vec<u8>) {
        if let Some(first) = self.odd_byte.take() {
            let Some((&second, rest)) = bytes.split_first() else {
                self.odd_byte = Some(first);
                return;
            };
            self.unit(self.join(first, second), out);
            bytes = rest;
        }
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            self.unit(self.join(pair[0], pair[1]), out);
        }
        self.odd_byte = pairs.remainder().first().copied();
    }

    fn finish(&mut self, out: &mut Vec<u8>) {
        if self.high.take().is_some() || self.odd_byte.take().is_some() {
            push_char(char::REPLACEMENT_CHARACTER, out);
        }
    }

    fn join(&self, a: u8, b: u8) -> u16 {
        match self.order {
            ByteOrder::Little => u16::from_le_bytes([a, b]),
            ByteOrder::Big => u16::from_be_bytes([a, b]),
        }
    }

    fn unit(&mut self, unit: u16, out: &mut Vec<u8>) {
        match (self.high.take(), unit) {
            (Some(high), 0xDC00..=0xDFFF) => {
                let code =
                    0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                push_char(
                    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER),
                    out,
                );
            }
            (high, 0xD800..=0xDBFF) => {
                if high.is_some() {
                    push_char(char::REPLACEMENT_CHARACTER, out);
                }
                self.high = Some(unit);
            }
            (high, _) => {
                if high.is_some() {
                    push_char(char::REPLACEMENT_CHARACTER, out);
                }
                let c = char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER);
                push_char(c, out);
            }
        }
    }
}

fn push_char(c: char, out: &mut Vec<u8>) {
    let mut buffer = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
}

/// Reads UTF-16 text (its byte-order mark already consumed) from `inner`
/// and yields it as UTF-8.
pub struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    decoded: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Utf16Reader<R> {
    /// Decodes what `inner` yields after the byte-order mark of `order`.
    pub fn new(inner: R, order: ByteOrder) -> Self {
        Utf16Reader {
            inner,
            decoder: Decoder::new(order),
            raw: vec![0; 64 << 10],
            decoded: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        while self.at == self.decoded.len() && !self.done {
            self.decoded.clear();
            self.at = 0;
            let n = self.inner.read(&mut self.raw)?;
            if n == 0 {
                self.done = true;
                self.decoder.finish(&mut self.decoded);
            } else {
                self.decoder.push(&self.raw[..n], &mut self.decoded);
            }
        }
        let n = into.len().min(self.decoded.len() - self.at);
        into[..n].copy_from_slice(&self.decoded[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, order: ByteOrder) -> Vec<u8> {
        let mut bytes = match order {
            ByteOrder::Little => vec![0xFF, 0xFE],
            ByteOrder::Big => vec![0xFE, 0xFF],
        };
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&match order {
                ByteOrder::Little => unit.to_le_bytes(),
                ByteOrder::Big => unit.to_be_bytes(),
            });
        }
        bytes
    }

    #[test]
    fn both_byte_orders_decode_and_anything_else_is_not_utf16() {
        let text = "key = \"é😀value\"\r\nnext line\n";
        for order in [ByteOrder::Little, ByteOrder::Big] {
            assert_eq!(decode(&encode(text, order)).unwrap(), text.as_bytes());
        }
        assert_eq!(decode(b"plain text"), None);
        assert_eq!(decode(b"\xEF\xBB\xBFutf-8 with a BOM"), None);
        assert_eq!(
            decode(b"\xFF\xFE Latin-1 text that starts with y-umlaut, thorn"),
            None
        );
    }

    #[test]
    fn broken_utf16_decodes_to_replacement_characters() {
        // A lone high surrogate, a lone low surrogate, and an odd last byte.
        let bytes = b"\xFF\xFE\x00\xD8a\x00\x00\xDCb\x00c";
        assert_eq!(
            String::from_utf8(decode(bytes).unwrap()).unwrap(),
            "\u{FFFD}a\u{FFFD}b\u{FFFD}"
        );
    }

    #[test]
    fn reading_in_any_pieces_gives_the_same_text() {
        let text = "a😀b\n".repeat(5000);
        let bytes = encode(&text, ByteOrder::Little);
        /// Yields at most `step` bytes per read, to split units and pairs.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(into.len()).min(self.0.len());
                into[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        for step in [1, 3, 7, 4096] {
            let mut out = Vec::new();
            Utf16Reader::new(Trickle(&bytes[2..], step), ByteOrder::Little)
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, text.as_bytes(), "reads of {step} bytes");
        }
    }
}
