//! Percent-encoding (RFC 3986): decoding URLs and URL parts while keeping,
//! for every decoded byte, where its encoding starts and how long it is.

use std::ops::Range;

/// Bytes of a URL, percent-encoded or not.
pub fn is_url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'%' | b'-'
                | b'.'
                | b'_'
                | b'~'
                | b':'
                | b'/'
                | b'?'
                | b'#'
                | b'['
                | b']'
                | b'@'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
        )
}

/// Bytes decoded from percent-encoded text, with the encoded span of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The decoded bytes.
    pub bytes: Vec<u8>,
    /// For each decoded byte, where its encoding starts (relative to the
    /// encoded text) and how many bytes it takes (1 or 3).
    pub origins: Vec<(u32, u8)>,
}

impl Decoded {
    /// The encoded span (relative to the encoded text) of decoded bytes `range`.
    pub fn encoded_range(&self, range: Range<usize>) -> Range<usize> {
        let Some(&(first, _)) = self.origins.get(range.start) else {
            return 0..0;
        };
        let end = match range.end.checked_sub(1).and_then(|i| self.origins.get(i)) {
            Some(&(at, len)) if range.end > range.start => at as usize + len as usize,
            _ => first as usize,
        };
        first as usize..end
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` escapes; `None` unless there is at least one and every `%`
/// starts a valid escape (text with a stray `%` is not percent-encoded).
pub fn decode(encoded: &[u8]) -> Option<Decoded> {
    let mut bytes = Vec::with_capacity(encoded.len());
    let mut origins = Vec::with_capacity(encoded.len());
    let mut escapes = 0;
    let mut i = 0;
    while i < encoded.len() {
        if encoded[i] == b'%' {
            let high = hex(*encoded.get(i + 1)?)?;
            let low = hex(*encoded.get(i + 2)?)?;
            bytes.push(high << 4 | low);
            origins.push((i as u32, 3));
            escapes += 1;
            i += 3;
        } else {
            bytes.push(encoded[i]);
            origins.push((i as u32, 1));
            i += 1;
        }
    }
    (escapes > 0).then_some(Decoded { bytes, origins })
}

/// The secret of a URL match (`scheme://user:p%40ss@host`) decoded, when it
/// has escapes: `p@ss`. `None` for other matches and unescaped secrets.
pub fn decode_url_secret(whole: &[u8], secret: &[u8]) -> Option<Vec<u8>> {
    if memchr::memchr(b'%', secret).is_none() || memchr::memmem::find(whole, b"://").is_none() {
        return None;
    }
    let decoded = decode(secret)?;
    super::base64::is_text(&decoded.bytes).then_some(decoded.bytes)
}

/// The URL-ish run of bytes around `pos` (bounded to `reach` bytes each way).
pub fn url_around(haystack: &[u8], pos: usize, reach: usize) -> Range<usize> {
    let floor = pos.saturating_sub(reach);
    let ceiling = pos.saturating_add(reach).min(haystack.len());
    let mut start = pos.min(haystack.len());
    while start > floor && is_url_byte(haystack[start - 1]) && haystack[start - 1] != b'\'' {
        start -= 1;
    }
    let mut end = pos.min(haystack.len());
    while end < ceiling && is_url_byte(haystack[end]) && haystack[end] != b'\'' {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_with_their_origins() {
        let decoded = decode(b"p%40ss%3Aw0rd").unwrap();
        assert_eq!(decoded.bytes, b"p@ss:w0rd");
        // "@ss" is decoded bytes 1..4, encoded at 1..6.
        assert_eq!(decoded.encoded_range(1..4), 1..6);
        assert_eq!(decoded.encoded_range(0..9), 0..13);
    }

    #[test]
    fn text_without_valid_escapes_is_not_percent_encoded() {
        assert!(decode(b"plain-password").is_none());
        assert!(decode(b"100%").is_none());
        assert!(decode(b"50%off").is_none());
    }

    #[test]
    fn url_secrets_decode_only_in_urls() {
        assert_eq!(
            decode_url_secret(b"postgres://app:p%40ss%21word@db", b"p%40ss%21word").unwrap(),
            b"p@ss!word"
        );
        assert!(decode_url_secret(b"password=p%40ss", b"p%40ss").is_none());
        assert!(decode_url_secret(b"https://u:plain@host", b"plain").is_none());
    }

    #[test]
    fn url_runs_stop_at_quotes_and_spaces() {
        let text = b"redirect=\"https%3A%2F%2Fu%3Ap%40host%2Fx\" next";
        let run = url_around(text, 15, 1024);
        assert_eq!(&text[run], b"https%3A%2F%2Fu%3Ap%40host%2Fx");
    }
}
