//! Filter `data-uri` (drops): a value inside the payload of a `data:` URI
//! (`data:image/png;base64,iVBORw0…`, fonts, PDFs), or a long base64 value
//! that encodes a binary file (its first bytes are an image, font, archive
//! or PDF header). Inlined assets are long and random-looking, and rules
//! that allow `/`, `+` or `_` in tokens find matches inside them.

use super::{Candidate, Effect, FileContext};

/// Base64 encodings of file headers: PNG, JPEG, GIF, WebP/RIFF, PDF, WOFF,
/// WOFF2, OpenType, ICO, gzip, zip, SVG (`<svg`, `<?xml`).
const ENCODED_HEADERS: &[&[u8]] = &[
    b"iVBORw0KGgo",
    b"/9j/",
    b"R0lGODdh",
    b"R0lGODlh",
    b"UklGR",
    b"JVBERi0",
    b"d09GRg",
    b"d09GMg",
    b"T1RUTw",
    b"AAABAA",
    b"H4sI",
    b"UEsDB",
    b"PHN2Zy",
    b"PD94bWwg",
];

/// Values shorter than this are not checked for an encoded file header.
const MIN_ENCODED_FILE: usize = 64;

fn is_base64_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

/// Whether position `start` is inside the payload of a `data:…;base64,` URI.
pub fn in_data_uri(haystack: &[u8], start: usize) -> bool {
    let mut run = start.min(haystack.len());
    let floor = run.saturating_sub(256 << 10);
    while run > floor && is_base64_byte(haystack[run - 1]) {
        run -= 1;
    }
    let before = &haystack[run.saturating_sub(128)..run];
    let Some(comma) = before.strip_suffix(b",") else {
        return false;
    };
    let Some(data) = memchr::memmem::rfind(&comma.to_ascii_lowercase(), b"data:") else {
        return false;
    };
    let header = &comma[data..];
    header.len() >= 12
        && header[header.len() - 7..].eq_ignore_ascii_case(b";base64")
        && !header.contains(&b' ')
}

/// Whether `value` is long base64 that starts with an encoded file header.
pub fn is_encoded_file(value: &[u8]) -> bool {
    value.len() >= MIN_ENCODED_FILE && ENCODED_HEADERS.iter().any(|h| value.starts_with(h))
}

/// Drops a candidate in a data URI or one that encodes a file.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    if is_encoded_file(candidate.value) || in_data_uri(candidate.haystack, candidate.secret.start) {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(text: &str, value: &str) -> bool {
        in_data_uri(text.as_bytes(), text.find(value).unwrap())
    }

    #[test]
    fn data_uri_payloads_are_recognised() {
        let css = "background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==);";
        assert!(inside(css, "iVBORw0"));
        // A rule that matched in the middle of the payload.
        assert!(inside(css, "AAAADUlEQVR42mP8"));
        let font = "src: url('data:font/woff2;charset=utf-8;base64,d09GMgABAAAAAAWQAA0AAAAAC') format('woff2')";
        assert!(inside(font, "d09GMg"));
        assert!(inside(
            "<img src=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0i\">",
            "PHN2Zy"
        ));
    }

    #[test]
    fn other_base64_is_not_a_data_uri() {
        assert!(!inside("password: aHVudGVyMg==", "aHVudGVy"));
        assert!(!inside("data: c2VjcmV0LXZhbHVl", "c2VjcmV0"));
        assert!(!inside(
            "see data: and base64, then x,c2VjcmV0LXZhbHVl",
            "c2VjcmV0"
        ));
    }

    #[test]
    fn encoded_files_are_recognised_by_their_header() {
        let png = format!("iVBORw0KGgo{}", "A".repeat(80));
        assert!(is_encoded_file(png.as_bytes()));
        assert!(!is_encoded_file(b"iVBORw0KGgoAAAA"));
        let random = "q8Zr2LmX9vT4bN7c".repeat(5);
        assert!(!is_encoded_file(random.as_bytes()));
    }
}
