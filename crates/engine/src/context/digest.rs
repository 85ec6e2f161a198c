//! Filter `digest` (drops): a hex or base64 value of a digest's length (MD5,
//! SHA-1, SHA-2) that is named like a hash (`sha256`, `checksum`, `digest`,
//! `etag`, `fingerprint`, `signature`…), sits in a checksum list
//! (`SHA256SUMS`, `*.sha256`), or is followed by a file name as `sha256sum`
//! prints it. A hash of a secret is not the secret; a secret named after
//! its algorithm (`hmac_sha256_secret`) is kept.

use super::text::{assigned_name, name_ends_in_kind, name_words};
use super::{Candidate, Effect, FileContext};

/// Name words that say the value is a digest.
const HASH_WORDS: &[&str] = &[
    "md5",
    "sha",
    "sha1",
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3",
    "hash",
    "hashed",
    "checksum",
    "checksums",
    "digest",
    "etag",
    "fingerprint",
    "crc",
    "crc32",
    "blake2",
    "blake2b",
    "blake3",
    "shasum",
    "sum",
    "signature",
    "sig",
    "integrity",
];

/// Lengths of hex digests: MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512.
const HEX_LENGTHS: &[usize] = &[32, 40, 56, 64, 96, 128];

/// Whether `value` has the shape of a digest: hex of a digest's length, or
/// padded base64 of MD5, SHA-1, SHA-256 or SHA-512 (24, 28, 44, 88
/// characters) or unpadded SHA-384 (64).
pub fn is_digest_shaped(value: &[u8]) -> bool {
    if HEX_LENGTHS.contains(&value.len()) && value.iter().all(u8::is_ascii_hexdigit) {
        return true;
    }
    let base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
    let body = value
        .strip_suffix(b"==")
        .or_else(|| value.strip_suffix(b"="))
        .unwrap_or(value);
    body.iter().all(base64)
        && matches!(
            (value.len(), value.len() - body.len()),
            (24, 2) | (28, 1) | (44, 1) | (88, 2) | (64, 0)
        )
}

/// Whether the path is a checksum list.
pub fn is_checksum_list(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.ends_with("sums")
        || name.ends_with("sums.txt")
        || [
            ".md5",
            ".sha1",
            ".sha256",
            ".sha512",
            ".sha256sum",
            ".sha512sum",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.starts_with("checksums")
}

/// `<digest>  file.tar.gz` or `<digest> *file.tar.gz` at the start of a
/// line, as `sha256sum` prints.
fn checksum_line(haystack: &[u8], start: usize, end: usize) -> bool {
    if start > 0 && haystack[start - 1] != b'\n' {
        return false;
    }
    let rest = &haystack[end.min(haystack.len())..];
    let rest = rest
        .strip_prefix(b"  ")
        .or_else(|| rest.strip_prefix(b" *"));
    rest.is_some_and(|r| r.first().is_some_and(|b| b.is_ascii_graphic()))
}

/// Drops a digest-shaped value named or placed like a hash.
pub fn check(candidate: &Candidate<'_>, file: &FileContext<'_>) -> Effect {
    if !is_digest_shaped(candidate.value) {
        return Effect::Keep;
    }
    let named_hash = || {
        let words = name_words(assigned_name(candidate.haystack, candidate.secret.start));
        name_ends_in_kind(&words, HASH_WORDS)
    };
    if file.is_checksum_list()
        || checksum_line(
            candidate.haystack,
            candidate.secret.start,
            candidate.secret.end,
        )
        || named_hash()
    {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX64: &str = "2dd44d1e9398ab44ad73032ab560184aceaf4962b8b4636a7e93a07f8bbc128c";

    fn dropped(path: &str, text: &str, value: &str) -> bool {
        let start = text.find(value).unwrap();
        let candidate = Candidate {
            haystack: text.as_bytes(),
            secret: start..start + value.len(),
            value: value.as_bytes(),
            confidence: crate::Confidence::Low,
        };
        check(&candidate, &FileContext::new(path, text.as_bytes())) == Effect::Drop
    }

    #[test]
    fn digests_named_or_placed_like_hashes_are_dropped() {
        assert!(dropped("a.yml", &format!("sha256: {HEX64}"), HEX64));
        assert!(dropped(
            "a.json",
            &format!("{{\"fileChecksum\": \"{HEX64}\"}}"),
            HEX64
        ));
        assert!(dropped("a.env", &format!("API_KEY_SHA256={HEX64}"), HEX64));
        assert!(dropped(
            "SHA256SUMS",
            &format!("{HEX64} tattle.tar.gz"),
            HEX64
        ));
        assert!(dropped(
            "notes.txt",
            &format!("{HEX64}  tattle.tar.gz"),
            HEX64
        ));
        let b64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        assert!(dropped("a.yml", &format!("etag: {b64}"), b64));
    }

    #[test]
    fn secrets_of_digest_length_are_kept() {
        assert!(!dropped("a.env", &format!("WEBHOOK_SECRET={HEX64}"), HEX64));
        assert!(!dropped(
            "a.env",
            &format!("HMAC_SHA256_SECRET={HEX64}"),
            HEX64
        ));
        assert!(!dropped(
            "a.env",
            "checksum = q8Zr2LmX9vT4bN7c",
            "q8Zr2LmX9vT4bN7c"
        ));
        assert!(!dropped("a.env", &format!("SECRET={HEX64}  # prod"), HEX64));
    }

    #[test]
    fn digest_shapes() {
        assert!(is_digest_shaped(HEX64.as_bytes()));
        assert!(is_digest_shaped(
            b"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        ));
        assert!(is_digest_shaped(b"1B2M2Y8AsgTpgAmY7PhCfg=="));
        assert!(!is_digest_shaped(b"q8Zr2LmX9vT4bN7c"));
        assert!(!is_digest_shaped(&HEX64.as_bytes()[..60]));
    }

    #[test]
    fn checksum_lists_by_name() {
        assert!(is_checksum_list("release/SHA256SUMS"));
        assert!(is_checksum_list("dist/tattle.tar.gz.sha256"));
        assert!(is_checksum_list("checksums.txt"));
        assert!(!is_checksum_list("src/sums.rs"));
    }
}
