//! A cheap test in front of a rule's regex: a few punctuation bytes, one of
//! which every match of the regex contains. A window holding none of them
//! cannot match, and `memchr` tells so many times faster than the regex can
//! (the `@` of a password in a URL, in the lines that merely hold a URL).
//!
//! The bytes are read off the regex's syntax tree ([`regex_syntax::hir`]):
//! a concatenation needs what any one of its parts needs, an alternation one
//! of what each branch needs, a repetition what its body needs when it runs
//! at least once. Letters, digits and whitespace are never picked: a window
//! always holds its keyword, and text is full of them.

use regex_syntax::hir::{Class, Hir, HirKind};

/// At most this many bytes, so that one `memchr`, `memchr2` or `memchr3`
/// looks for them all.
const MAX_BYTES: usize = 3;
/// An alternation whose branches offer more bytes than this is not searched.
const MAX_UNIVERSE: usize = 16;

/// Bytes one of which every match of a regex contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredBytes {
    bytes: Vec<u8>,
}

impl RequiredBytes {
    /// The rarest set of punctuation bytes that every match of `pattern` (a
    /// `regex::bytes` pattern) contains one of, when there is one.
    pub fn of(pattern: &str) -> Option<Self> {
        let hir = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .build()
            .parse(pattern)
            .ok()?;
        let bytes = required(&hir)?;
        Some(RequiredBytes { bytes })
    }

    /// The bytes, in ascending order.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Whether one of the bytes occurs in `haystack`: when not, the regex
    /// cannot match there.
    pub fn occur_in(&self, haystack: &[u8]) -> bool {
        match self.bytes[..] {
            [a] => memchr::memchr(a, haystack).is_some(),
            [a, b] => memchr::memchr2(a, b, haystack).is_some(),
            [a, b, c] => memchr::memchr3(a, b, c, haystack).is_some(),
            _ => true,
        }
    }
}

/// The rarest set of usable bytes one of which every match of `hir` contains.
fn required(hir: &Hir) -> Option<Vec<u8>> {
    candidates(hir).into_iter().min_by_key(|set| score(set))
}

/// Sets of usable bytes, each of which every match of `hir` contains one of.
fn candidates(hir: &Hir) -> Vec<Vec<u8>> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Vec::new(),
        HirKind::Literal(literal) => literal
            .0
            .iter()
            .copied()
            .filter(|&b| usable(b))
            .map(|b| vec![b])
            .collect(),
        HirKind::Class(class) => class_bytes(class).into_iter().collect(),
        HirKind::Repetition(repetition) if repetition.min >= 1 => candidates(&repetition.sub),
        HirKind::Repetition(_) => Vec::new(),
        HirKind::Capture(capture) => candidates(&capture.sub),
        HirKind::Concat(parts) => parts.iter().flat_map(candidates).collect(),
        HirKind::Alternation(branches) => alternation(branches).into_iter().collect(),
    }
}

/// One set for an alternation: the rarest set of at most [`MAX_BYTES`]
/// bytes that holds a candidate of every branch, found by trying them all
/// (alternations in rules offer a handful of bytes).
fn alternation(branches: &[Hir]) -> Option<Vec<u8>> {
    let options: Vec<Vec<Vec<u8>>> = branches.iter().map(candidates).collect();
    let mut universe: Vec<u8> = options.iter().flatten().flatten().copied().collect();
    universe.sort_unstable();
    universe.dedup();
    if universe.len() > MAX_UNIVERSE {
        return None;
    }
    let covers = |picked: &[u8]| {
        options.iter().all(|sets| {
            sets.iter()
                .any(|set| set.iter().all(|b| picked.contains(b)))
        })
    };
    let mut best: Option<Vec<u8>> = None;
    let mut consider = |picked: Vec<u8>| {
        if covers(&picked) && best.as_ref().is_none_or(|b| score(&picked) < score(b)) {
            best = Some(picked);
        }
    };
    for (i, &a) in universe.iter().enumerate() {
        consider(vec![a]);
        for (j, &b) in universe.iter().enumerate().skip(i + 1) {
            consider(vec![a, b]);
            for &c in &universe[j + 1..] {
                consider(vec![a, b, c]);
            }
        }
    }
    best
}

/// How common a set's bytes are together: lower is better.
fn score(set: &[u8]) -> u32 {
    set.iter().map(|&b| commonness(b)).sum()
}

/// The bytes of a class that has at most [`MAX_BYTES`] of them, all usable.
fn class_bytes(class: &Class) -> Option<Vec<u8>> {
    let ranges: Vec<(u32, u32)> = match class {
        Class::Bytes(bytes) => bytes
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
        Class::Unicode(unicode) => unicode
            .ranges()
            .iter()
            .map(|r| (u32::from(r.start()), u32::from(r.end())))
            .collect(),
    };
    let mut bytes = Vec::new();
    for (start, end) in ranges {
        // Non-ASCII characters are several bytes in UTF-8: not handled.
        if end > 0x7F || end - start >= MAX_BYTES as u32 {
            return None;
        }
        bytes.extend((start..=end).map(|c| c as u8));
        if bytes.len() > MAX_BYTES {
            return None;
        }
    }
    (!bytes.is_empty() && bytes.iter().all(|&b| usable(b))).then_some(bytes)
}

/// Whether a byte may be looked for: ASCII punctuation. Letters, digits and
/// whitespace fill any text, and non-ASCII bytes need more care than they
/// are worth here.
fn usable(byte: u8) -> bool {
    byte.is_ascii_punctuation()
}

/// How often a punctuation byte turns up in source code and configuration,
/// roughly: the lower, the better it rules windows out.
fn commonness(byte: u8) -> u32 {
    match byte {
        b'.' | b',' | b'(' | b')' | b';' | b'"' | b'_' | b'=' | b':' | b'/' | b'-' => 8,
        b'\'' | b'{' | b'}' | b'*' | b'<' | b'>' | b'[' | b']' | b'#' => 4,
        b'+' | b'&' | b'|' | b'!' | b'?' | b'`' | b'\\' => 2,
        _ => 1, // @ $ % ^ ~
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(pattern: &str) -> Option<Vec<u8>> {
        RequiredBytes::of(pattern).map(|r| r.bytes().to_vec())
    }

    #[test]
    fn the_rarest_byte_of_a_concatenation_is_picked() {
        assert_eq!(
            bytes_of(r"(?-u)\bhttps?://[^:@/\s]{1,64}:(?P<secret>[^@/\s]{6,256})@[a-z.]+"),
            Some(vec![b'@'])
        );
    }

    #[test]
    fn an_alternation_needs_one_byte_from_each_branch() {
        assert_eq!(
            bytes_of(r"key\s*(?::=|=>|\?=|=|:)\s*\w+"),
            Some(vec![b':', b'='])
        );
        // A branch without punctuation leaves nothing to look for.
        assert_eq!(bytes_of(r"key(?:=|\s+)\w+"), None);
    }

    #[test]
    fn optional_parts_letters_and_large_classes_require_nothing() {
        assert_eq!(bytes_of(r"ghp_[A-Za-z0-9]{36}"), Some(vec![b'_']));
        assert_eq!(bytes_of(r"(?i)token[:=]?[a-z0-9]{20}"), None);
        assert_eq!(bytes_of(r"token[^a-z]+"), None);
        assert_eq!(bytes_of(r"AKIA[0-9A-Z]{16}"), None);
    }

    #[test]
    fn the_test_tells_windows_apart() {
        let required = RequiredBytes::of(r"//[^@]+@").unwrap();
        assert!(required.occur_in(b"https://user:pw@host"));
        assert!(!required.occur_in(b"https://docs.rs/regex"));
    }

    #[test]
    fn every_match_holds_one_of_the_bytes() {
        // A property check on hand-picked patterns and inputs: whenever the
        // regex matches, the test passes.
        let cases: &[(&str, &[&str])] = &[
            (
                r"(?:user|pass)(?:=|:)+(?P<v>\w+)|token-(?P<t>\d+)",
                &["user=abc", "pass:x", "token-12", "x pass::y"],
            ),
            (
                r"(?i:secret[_.-]?key)\s*[=:]\s*(?P<v>\S+)",
                &["SECRET_KEY = a", "secret.key:b", "secretkey=c"],
            ),
        ];
        for (pattern, inputs) in cases {
            let regex = regex::bytes::Regex::new(pattern).unwrap();
            let required = RequiredBytes::of(pattern);
            for input in *inputs {
                assert!(regex.is_match(input.as_bytes()), "{pattern} on {input}");
                if let Some(required) = &required {
                    assert!(required.occur_in(input.as_bytes()), "{pattern} on {input}");
                }
            }
        }
    }
}
