//! Filter `integrity-hash` (drops): a value inside an integrity or checksum
//! token: Subresource Integrity and npm lockfiles (`sha512-…`, `sha1-…`),
//! go.sum (`h1:…=`), pip `--hash=sha256:…`, image digests (`@sha256:…`).
//! Such tokens are high-entropy by nature and never secrets.

use super::{Candidate, Effect, FileContext};

/// What comes right before the digest in an integrity token (lowercase).
const MARKERS: &[&[u8]] = &[
    b"sha1-", b"sha256-", b"sha384-", b"sha512-", b"md5-", b"h1:", b"sha1:", b"sha256:",
    b"sha384:", b"sha512:", b"md5:", b"sha256=", b"sha512=",
];

fn is_digest_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')
}

/// Whether the text at `start` begins an integrity token's digest, or sits
/// inside one.
pub fn in_integrity_token(haystack: &[u8], start: usize) -> bool {
    let mut token = start.min(haystack.len());
    let floor = token.saturating_sub(1024);
    while token > floor && is_digest_byte(haystack[token - 1]) {
        token -= 1;
    }
    // `sha512-` itself is made of digest bytes up to its `-`: look at what
    // precedes the run, and at the run's own start.
    let before = &haystack[token.saturating_sub(8)..token];
    let at = &haystack[token..(token + 8).min(haystack.len())];
    MARKERS
        .iter()
        .any(|marker| ends_with_ignore_case(before, marker) || starts_with_ignore_case(at, marker))
}

fn ends_with_ignore_case(text: &[u8], suffix: &[u8]) -> bool {
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn starts_with_ignore_case(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Drops a candidate inside an integrity token.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    if in_integrity_token(candidate.haystack, candidate.secret.start) {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inside(text: &str, value: &str) -> bool {
        in_integrity_token(text.as_bytes(), text.find(value).unwrap())
    }

    #[test]
    fn integrity_tokens_are_recognised() {
        assert!(inside(
            r#""integrity": "sha512-Ab3dE7gH9jK2mN5pQ8rS1tU4vW6xY0zB3cD5eF7gH9jK2==""#,
            "Ab3dE7"
        ));
        assert!(inside(
            r#""integrity": "sha512-Ab3dE7gH9jK2mN5pQ8rS1tU4vW6xY0zB3cD5eF7gH9jK2==""#,
            "sha512-"
        ));
        assert!(inside(
            "github.com/pkg/errors v0.9.1 h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=",
            "FEBLx1"
        ));
        // A match that starts in the middle of the digest.
        assert!(inside(
            "pip install x --hash=sha256:2dd44d1e9398ab44ad73032ab560184aceaf4962b8b4636a7e93a07f8bbc128c",
            "ab560184"
        ));
        assert!(inside(
            "image: nginx@sha256:2dd44d1e9398ab44ad73032ab5601",
            "2dd44d"
        ));
    }

    #[test]
    fn other_values_are_not() {
        assert!(!inside("api_key = Ab3dE7gH9jK2mN5pQ8rS1tU4", "Ab3dE7"));
        assert!(!inside("password: sha512isnotmypassword", "sha512isnot"));
        assert!(!inside("TOKEN=h1x9Kq2LmZ7vT4", "h1x9"));
    }
}
