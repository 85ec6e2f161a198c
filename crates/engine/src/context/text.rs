//! Small text helpers the context filters share: the line around a
//! candidate, and the name a value is assigned to.

use std::ops::Range;

/// How far the line helpers look on either side of a position.
const LINE_REACH: usize = 4 << 10;

/// The line holding `pos` (without its line break), looking at most a few
/// KiB either way on very long lines.
pub fn line_around(haystack: &[u8], pos: usize) -> Range<usize> {
    let pos = pos.min(haystack.len());
    let floor = pos.saturating_sub(LINE_REACH);
    let start = memchr::memrchr(b'\n', &haystack[floor..pos]).map_or(floor, |i| floor + i + 1);
    let ceiling = pos.saturating_add(LINE_REACH).min(haystack.len());
    let end = memchr::memchr(b'\n', &haystack[pos..ceiling]).map_or(ceiling, |i| pos + i);
    let end = if end > start && haystack[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    start..end.max(start)
}

/// Whether the line holding `pos` is longer than `limit` bytes.
pub fn line_longer_than(haystack: &[u8], pos: usize, limit: usize) -> bool {
    let pos = pos.min(haystack.len());
    let floor = pos.saturating_sub(limit + 1);
    let ceiling = pos.saturating_add(limit + 1).min(haystack.len());
    let start = memchr::memrchr(b'\n', &haystack[floor..pos]).map_or(floor, |i| floor + i + 1);
    let end = memchr::memchr(b'\n', &haystack[pos..ceiling]).map_or(ceiling, |i| pos + i);
    end - start > limit
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// The name a value starting at `value_start` is assigned to, when the text
/// before it reads `name = value`, `name: value`, `"name": "value"`,
/// `name => value`, `name := value` or `--name value`: `name`'s bytes.
pub fn assigned_name(haystack: &[u8], value_start: usize) -> &[u8] {
    let mut i = value_start.min(haystack.len());
    let floor = i.saturating_sub(256);
    let back = |i: &mut usize, pred: &dyn Fn(u8) -> bool, max: usize| {
        let mut n = 0;
        while *i > floor && n < max && pred(haystack[*i - 1]) {
            *i -= 1;
            n += 1;
        }
        n
    };
    back(&mut i, &|b| matches!(b, b'"' | b'\'' | b'`'), 1);
    back(&mut i, &|b| b == b' ' || b == b'\t', 8);
    back(&mut i, &|b| matches!(b, b'=' | b':' | b'>'), 2);
    back(&mut i, &|b| b == b' ' || b == b'\t', 8);
    back(&mut i, &|b| matches!(b, b'"' | b'\'' | b'`' | b']'), 2);
    let end = i;
    back(&mut i, &|b| is_name_byte(b), 64);
    &haystack[i..end]
}

/// The words of a name, lowercased: `AWS_SECRET_ACCESS_KEY`, `awsSecretAccessKey`
/// and `aws-secret.access-key` all give `aws secret access key`.
pub fn name_words(name: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for &b in name {
        if !b.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = b.is_ascii_lowercase() || b.is_ascii_digit();
        current.push(b.to_ascii_lowercase() as char);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Words that name a secret.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "token",
    "key",
    "password",
    "passwd",
    "pass",
    "pwd",
    "credential",
    "credentials",
    "apikey",
    "auth",
];

/// Whether, in the name's words, one of `kinds` comes after the last word
/// that names a secret: `commit_sha` and `api_key_sha256` are about a hash,
/// `hmac_sha256_secret` is a secret named after its algorithm.
pub fn name_ends_in_kind(words: &[String], kinds: &[&str]) -> bool {
    let last_kind = words.iter().rposition(|w| kinds.contains(&w.as_str()));
    let last_secret = words
        .iter()
        .rposition(|w| SECRET_WORDS.contains(&w.as_str()));
    match (last_kind, last_secret) {
        (Some(kind), Some(secret)) => kind > secret,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Whether `haystack` contains `needle`, ASCII case-insensitively.
pub fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(text: &str) -> String {
        let at = text.find('|').unwrap();
        let text = text.replace('|', "");
        String::from_utf8(assigned_name(text.as_bytes(), at).to_vec()).unwrap()
    }

    #[test]
    fn assigned_names_in_common_syntaxes() {
        assert_eq!(name_of("COMMIT_SHA=|abc"), "COMMIT_SHA");
        assert_eq!(name_of("  commitSha: \"|abc\""), "commitSha");
        assert_eq!(name_of("{\"sha256\": \"|abc\"}"), "sha256");
        assert_eq!(name_of("$x['hash'] => '|abc'"), "hash");
        assert_eq!(name_of("rev := \"|abc\""), "rev");
        assert_eq!(name_of("--checksum |abc"), "--checksum");
        assert_eq!(name_of("|abc"), "");
    }

    #[test]
    fn name_words_split_snake_camel_and_kebab() {
        assert_eq!(
            name_words(b"awsSecretAccessKey"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(
            name_words(b"GIT_COMMIT-sha.v2"),
            ["git", "commit", "sha", "v2"]
        );
        assert_eq!(name_words(b"sha256"), ["sha256"]);
    }

    #[test]
    fn kinds_must_follow_the_last_secret_word() {
        let kinds = ["sha256", "hash"];
        let words = |s: &str| name_words(s.as_bytes());
        assert!(name_ends_in_kind(&words("api_key_sha256"), &kinds));
        assert!(name_ends_in_kind(&words("file_hash"), &kinds));
        assert!(!name_ends_in_kind(&words("hmac_sha256_secret"), &kinds));
        assert!(!name_ends_in_kind(&words("api_key"), &kinds));
    }

    #[test]
    fn lines_are_bounded_and_lose_their_carriage_return() {
        let text = b"one\r\ntwo three\nfour";
        assert_eq!(line_around(text, 6), 5..14);
        assert_eq!(line_around(text, 0), 0..3);
        assert_eq!(line_around(text, text.len()), 15..19);
        assert!(line_longer_than(text, 6, 5));
        assert!(!line_longer_than(text, 6, 9));
    }
}
