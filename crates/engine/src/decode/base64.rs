//! Base64 runs: finding them, decoding them once, and telling decoded text
//! from decoded binary.

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::ops::Range;

/// Accepts padded and unpadded input and non-canonical trailing bits.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decoded text shorter than this is not worth scanning.
pub const MIN_DECODED: usize = 6;

/// A byte of either base64 alphabet (padding excluded).
pub fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// The base64 run that starts at `start`: alphabet bytes, then up to two `=`.
pub fn run_at(haystack: &[u8], start: usize, max_len: usize) -> Range<usize> {
    let mut end = start;
    let limit = start.saturating_add(max_len).min(haystack.len());
    while end < limit && is_base64_byte(haystack[end]) {
        end += 1;
    }
    let mut padding = 0;
    while end < haystack.len() && padding < 2 && haystack[end] == b'=' {
        end += 1;
        padding += 1;
    }
    start..end
}

/// Every maximal base64 run in `range` of at least `min_len` bytes.
pub fn runs_in(haystack: &[u8], range: Range<usize>, min_len: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = range.start;
    while i < range.end {
        if !is_base64_byte(haystack[i]) || (i > 0 && is_base64_byte(haystack[i - 1])) {
            i += 1;
            continue;
        }
        let run = run_at(haystack, i, range.end - i);
        if run.len() >= min_len {
            runs.push(run.clone());
        }
        i = run.end.max(i + 1);
    }
    runs
}

/// The engine for `run`'s alphabet; `None` when it mixes both alphabets.
fn engine_for(run: &[u8]) -> Option<&'static GeneralPurpose> {
    let standard = run.iter().any(|&b| b == b'+' || b == b'/');
    let url_safe = run.iter().any(|&b| b == b'-' || b == b'_');
    match (standard, url_safe) {
        (true, true) => None,
        (false, true) => Some(&URL_SAFE),
        _ => Some(&STANDARD),
    }
}

/// Whether decoded bytes are text: UTF-8 without control characters other
/// than tab and line breaks. Random bytes almost never are (for 6 bytes, a
/// chance of about 1 in 400; for 12, 1 in 150,000), so decoding keys,
/// hashes and identifiers yields nothing to scan.
pub fn is_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

/// Decodes a base64 run when it is text of at least [`MIN_DECODED`] bytes.
/// The first 8 characters are decoded and checked before the rest, so runs
/// of binary data cost next to nothing.
pub fn decode_text(run: &[u8]) -> Option<Vec<u8>> {
    let body_len = run.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    if body_len % 4 == 1 || body_len * 3 / 4 < MIN_DECODED {
        return None;
    }
    let engine = engine_for(run)?;
    let head = engine.decode(&run[..8.min(body_len)]).ok()?;
    if !is_text_prefix(&head) {
        return None;
    }
    let decoded = engine.decode(run).ok()?;
    (decoded.len() >= MIN_DECODED && is_text(&decoded)).then_some(decoded)
}

/// Like [`is_text`], but a multi-byte character may be cut at the end.
fn is_text_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => is_text(bytes),
        Err(e) if e.error_len().is_none() => is_text(&bytes[..e.valid_up_to()]),
        Err(_) => false,
    }
}

/// The encoded characters of `run_start..` that carry decoded bytes
/// `decoded`: byte `k` of a 3-byte group is spread over characters `k` and
/// `k + 1` of its 4-character group.
pub fn encoded_range(run: Range<usize>, decoded: Range<usize>) -> Range<usize> {
    let char_of = |byte: usize| 4 * (byte / 3) + byte % 3;
    let start = run.start + char_of(decoded.start);
    let end = if decoded.end > decoded.start {
        run.start + char_of(decoded.end - 1) + 2
    } else {
        start
    };
    start.min(run.end)..end.min(run.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD as ENCODE;

    #[test]
    fn text_decodes_and_binary_does_not() {
        assert_eq!(
            decode_text(b"dXNlcjpwYXNzd29yZDE=").unwrap(),
            b"user:password1"
        );
        assert_eq!(
            decode_text(b"dXNlcjpwYXNzd29yZDE").unwrap(),
            b"user:password1"
        );
        // URL-safe alphabet.
        let url_safe = base64::engine::general_purpose::URL_SAFE.encode("a>b?c>d?e>");
        assert!(url_safe.contains('_') || url_safe.contains('-'));
        assert_eq!(decode_text(url_safe.as_bytes()).unwrap(), b"a>b?c>d?e>");
        // Random bytes, a hex digest and an identifier are not text.
        assert!(
            decode_text(
                ENCODE
                    .encode([0x89, b'P', b'N', b'G', 0, 1, 2, 3])
                    .as_bytes()
            )
            .is_none()
        );
        assert!(decode_text(b"2dd44d1e9398ab44ad73032ab560184a").is_none());
        assert!(decode_text(b"AbstractSingletonProxyFactoryBean").is_none());
        // Too short, or an impossible length.
        assert!(decode_text(b"YWJj").is_none());
        assert!(decode_text(b"dXNlcjpwYXNzd29yZDE=x").is_none());
    }

    #[test]
    fn runs_are_maximal_and_long_enough() {
        let text = b"auth: \"dXNlcjpwYXNzd29yZDE=\", id: abc, x=QUJDREVGR0hJSktMTU5PUA";
        let runs: Vec<&[u8]> = runs_in(text, 0..text.len(), 16)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            runs,
            [&b"dXNlcjpwYXNzd29yZDE="[..], b"QUJDREVGR0hJSktMTU5PUA"]
        );
    }

    #[test]
    fn decoded_bytes_map_to_the_characters_that_encode_them() {
        // "user:hunter2-is-weak" encodes to 28 characters, the last one `=`.
        let run = 10..38;
        // A whole group: bytes 0..3 are characters 0..4.
        assert_eq!(encoded_range(run.clone(), 0..3), 10..14);
        // "hunter2-is-weak" (bytes 5..20): from the group holding byte 5
        // (its third byte, characters 2 and 3) to the last data character.
        assert_eq!(encoded_range(run.clone(), 5..20), 16..37);
        assert_eq!(encoded_range(run, 0..20), 10..37);
    }
}
