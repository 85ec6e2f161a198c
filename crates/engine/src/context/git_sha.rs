//! Filter `git-sha` (drops): a git object id (40 hex digits, one case) that
//! its surroundings mark as a commit: pinned actions (`uses: x@<sha>`), git
//! URLs (`git+https://…#<sha>`, `/commit/<sha>`, `/tree/<sha>`), and values
//! named `commit`, `sha`, `rev`, `ref`… Hex secrets of the same length (OAuth
//! client secrets, some API keys) are kept when nothing says commit.

use super::text::{assigned_name, name_ends_in_kind, name_words};
use super::{Candidate, Effect, FileContext};

/// Name words that say the value is a commit or object id.
const COMMIT_WORDS: &[&str] = &[
    "commit", "sha", "sha1", "rev", "revision", "ref", "head", "parent", "tree", "oid", "object",
    "checkout", "base", "merge", "pin", "pinned",
];

/// Text right before a commit id in URLs and references (lowercase).
const COMMIT_PATHS: &[&[u8]] = &[b"/commit/", b"/commits/", b"/tree/", b"/blob/", b"/raw/"];

/// A 40-digit hex object id, all lowercase or all uppercase.
pub fn is_object_id(value: &[u8]) -> bool {
    value.len() == 40
        && value.iter().all(u8::is_ascii_hexdigit)
        && (!value.iter().any(u8::is_ascii_uppercase) || !value.iter().any(u8::is_ascii_lowercase))
}

/// Whether the object id at `start` is placed like a commit.
pub fn placed_like_commit(haystack: &[u8], start: usize) -> bool {
    let before = &haystack[start.saturating_sub(16)..start];
    if matches!(before.last(), Some(b'@' | b'#')) {
        return true;
    }
    let lower = before.to_ascii_lowercase();
    if COMMIT_PATHS.iter().any(|p| lower.ends_with(p)) {
        return true;
    }
    let words = name_words(assigned_name(haystack, start));
    name_ends_in_kind(&words, COMMIT_WORDS)
}

/// Drops an object id placed like a commit.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    if is_object_id(candidate.value)
        && placed_like_commit(candidate.haystack, candidate.secret.start)
    {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "8f14e45fceea167a5a36dedd4bea2543aa1b2c3d";

    fn commit(text: &str) -> bool {
        let start = text.find(SHA).unwrap();
        is_object_id(SHA.as_bytes()) && placed_like_commit(text.as_bytes(), start)
    }

    #[test]
    fn commit_ids_are_recognised() {
        assert!(commit(&format!(
            "      - uses: actions/checkout@{SHA} # v4"
        )));
        assert!(commit(&format!(
            "\"dep\": \"git+https://github.com/acme/dep.git#{SHA}\""
        )));
        assert!(commit(&format!(
            "see https://github.com/acme/api/commit/{SHA}"
        )));
        assert!(commit(&format!("GIT_COMMIT_SHA={SHA}")));
        assert!(commit(&format!("  rev: {SHA}")));
        assert!(commit(&format!("{{\"parent\": \"{SHA}\"}}")));
    }

    #[test]
    fn hex_secrets_are_not_commits() {
        assert!(!commit(&format!("GITHUB_CLIENT_SECRET={SHA}")));
        assert!(!commit(&format!("api_key: {SHA}")));
        // `refresh_token` has no word `ref`.
        assert!(!commit(&format!("refresh_token = \"{SHA}\"")));
        assert!(!is_object_id(b"8F14e45fceea167a5a36dedd4bea2543aa1b2c3d"));
        assert!(!is_object_id(b"8f14e45fceea167a5a36dedd4bea2543"));
    }
}
