//! Findings: a raw match tied to where it was found, with its secret redacted
//! and a fingerprint that survives edits and rebases.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::ops::Range;
use tattle_engine::{Confidence, RawMatch, Rule, RuleIndex, RuleKind, Severity};

/// One finding, ready to report.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The rule's stable id.
    pub rule_id: String,
    /// The rule's short name.
    pub rule_name: String,
    /// Impact, possibly raised or lowered by the rule's validator.
    pub severity: Severity,
    /// How likely it is to be real.
    pub confidence: Confidence,
    /// Path of the file, with `/` separators.
    pub path: String,
    /// 1-based line of the secret's first character.
    pub line: usize,
    /// 1-based column (UTF-16 code units, as SARIF counts) of the secret's first character.
    pub column: usize,
    /// 1-based line of the secret's last character.
    pub end_line: usize,
    /// 1-based column just past the secret's last character.
    pub end_column: usize,
    /// Whether the rule finds credentials or risky configuration.
    pub kind: RuleKind,
    /// The secret, redacted unless `--show-secrets` was given. Only for rules
    /// whose matched value is sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// What a configuration rule matched (an image reference, a user name),
    /// in clear: it is not sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Salted SHA-256 of the matched value: compare findings without the value itself.
    pub secret_hash: String,
    /// Stable identity: hash of rule id, path and secret. No line, no commit.
    pub fingerprint: String,
    /// Extra context from the rule's validator or check.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Where in git history the finding comes from (history mode only).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// Index of the rule in the scan's rule set (for reporters).
    #[serde(skip)]
    pub rule_index: RuleIndex,
}

/// Where in git history a finding comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Provenance {
    /// The commit that introduced the finding.
    pub introduced: CommitInfo,
    /// The blob (file version) it was found in.
    pub blob: String,
    /// Whether `HEAD` still has this very file version at this path.
    pub in_head: bool,
    /// Whether `HEAD` still has a file at this path (false: deleted since).
    pub path_in_head: bool,
    /// Other commits and paths holding the same finding: other versions of the
    /// file, and with `--all-occurrences` every commit that adds or changes it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub occurrences: Vec<Occurrence>,
}

/// A commit, as reports show it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CommitInfo {
    /// Full commit id.
    pub commit: String,
    /// Author name.
    pub author: String,
    /// Author email.
    pub email: String,
    /// Author date, ISO 8601.
    pub date: String,
    /// First line of the message.
    pub summary: String,
}

/// Another place in history with the same finding.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    /// Full commit id.
    pub commit: String,
    /// Path in that commit.
    pub path: String,
    /// 1-based line.
    pub line: usize,
}

/// Where a piece of a file starts in the whole file's text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOrigin {
    /// 0-based line.
    pub line: usize,
    /// 0-based column in that line, in UTF-16 code units.
    pub column: usize,
}

impl TextOrigin {
    /// Where the text that follows `bytes` starts, when `bytes` start here.
    pub fn advanced(self, bytes: &[u8]) -> TextOrigin {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => TextOrigin {
                line: self.line + memchr::memchr_iter(b'\n', bytes).count(),
                column: utf16_len(&bytes[last + 1..]),
            },
            None => TextOrigin {
                line: self.line,
                column: self.column + utf16_len(bytes),
            },
        }
    }
}

/// Length in UTF-16 code units of `bytes` read as UTF-8, each invalid
/// sequence counting as one U+FFFD (as `String::from_utf8_lossy` reads them).
pub fn utf16_len(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    bytes
        .utf8_chunks()
        .map(|chunk| {
            let valid = chunk.valid();
            let astral = valid.chars().filter(|c| c.len_utf16() == 2).count();
            valid.chars().count() + astral + usize::from(!chunk.invalid().is_empty())
        })
        .sum()
}

/// Turns the raw matches of one blob (or one piece of a large one) into findings.
pub struct FindingBuilder<'a> {
    bytes: &'a [u8],
    path: &'a str,
    lines: LineIndex,
    show_secrets: bool,
    origin: TextOrigin,
    /// The last position worked out (offset, line index, column): matches
    /// come in order, so the next one on a long line starts counting there.
    last: Cell<(usize, usize, usize)>,
}

impl<'a> FindingBuilder<'a> {
    /// Prepares to build findings for the blob `bytes` at `path`.
    pub fn new(bytes: &'a [u8], path: &'a str, show_secrets: bool) -> Self {
        FindingBuilder {
            bytes,
            path,
            lines: LineIndex::new(bytes),
            show_secrets,
            origin: TextOrigin::default(),
            last: Cell::new((0, 0, 0)),
        }
    }

    /// The same, for a piece of a file whose first byte is at `origin`.
    pub fn starting_at(mut self, origin: TextOrigin) -> Self {
        self.origin = origin;
        self
    }

    /// The text of the line that holds `offset`, without its line break.
    pub fn line_text(&self, offset: usize) -> &'a [u8] {
        let range = self.lines.line_range(offset, self.bytes.len());
        let line = &self.bytes[range];
        line.strip_suffix(b"\r").unwrap_or(line)
    }

    /// Builds the finding for one match of `rule`. A secret found encoded is
    /// located at its encoded text, but redacted, hashed and fingerprinted
    /// decoded: the same key found plain and base64-encoded in a file is one
    /// fingerprint, and has one `secret_hash` anywhere.
    pub fn build(&self, raw: &RawMatch, rule: &Rule) -> Finding {
        let secret = raw.value(self.bytes);
        let (line, column) = self.position(raw.secret.start);
        let (end_line, end_column) = self.position(raw.secret.end);
        let secret_text = String::from_utf8_lossy(secret);
        let (shown_secret, evidence) = if !rule.info.sensitive {
            (None, Some(secret_text.to_string()))
        } else if self.show_secrets {
            (Some(secret_text.to_string()), None)
        } else {
            (Some(redact(&secret_text)), None)
        };
        Finding {
            rule_id: rule.id().to_string(),
            rule_name: rule.info.name.clone(),
            severity: raw.severity,
            confidence: raw.confidence,
            path: self.path.to_string(),
            line,
            column,
            end_line,
            end_column,
            kind: rule.info.kind,
            secret: shown_secret,
            evidence,
            secret_hash: secret_hash(secret),
            fingerprint: fingerprint(rule.id(), self.path, secret),
            note: note(raw),
            provenance: None,
            rule_index: raw.rule,
        }
    }

    /// 1-based line and UTF-16 column of a byte offset, in the whole file.
    fn position(&self, offset: usize) -> (usize, usize) {
        let line_index = self.lines.line_of(offset);
        let start = self.lines.starts[line_index];
        let (last_offset, last_line, last_column) = self.last.get();
        let column = if last_line == line_index && last_offset >= start && last_offset <= offset {
            last_column + utf16_len(&self.bytes[last_offset..offset])
        } else {
            utf16_len(&self.bytes[start..offset])
        };
        self.last.set((offset, line_index, column));
        if line_index == 0 {
            (self.origin.line + 1, self.origin.column + column + 1)
        } else {
            (self.origin.line + line_index + 1, column + 1)
        }
    }
}

/// The validator's note, and how the secret was encoded when it was.
fn note(raw: &RawMatch) -> Option<String> {
    let encoded = raw.decoded.as_ref().map(|d| d.encoding.describe());
    match (encoded, &raw.note) {
        (Some(encoded), Some(note)) => Some(format!("{encoded}; {note}")),
        (Some(encoded), None) => Some(encoded.to_string()),
        (None, note) => note.clone(),
    }
}

/// Byte offsets where each line starts.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        LineIndex { starts }
    }

    /// 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    fn line_range(&self, offset: usize, len: usize) -> Range<usize> {
        let line = self.line_of(offset);
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(len, |next| next - 1);
        start..end.max(start)
    }
}

/// Shows the first few characters of a secret and hides the rest: 4 for
/// secrets of 16 characters or more, fewer for short ones, none for tiny ones.
pub fn redact(secret: &str) -> String {
    let chars = secret.chars().count();
    let shown = if chars >= 16 { 4 } else { chars / 4 };
    let prefix: String = secret.chars().take(shown).collect();
    format!("{prefix}…")
}

/// Salted SHA-256 of a secret, in hex.
pub fn secret_hash(secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"tattle-secret-v1\0");
    hasher.update(secret);
    hex(&hasher.finalize())
}

/// A finding's stable identity: rule id, path and secret, never line or commit.
pub fn fingerprint(rule_id: &str, path: &str, secret: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for part in [rule_id.as_bytes(), path.as_bytes(), secret] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hex(&hasher.finalize()[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_all_but_a_short_prefix() {
        assert_eq!(redact("sk-proj-abcdefghijklmnop"), "sk-p…");
        assert_eq!(redact("hunter2hunter"), "hun…");
        assert_eq!(redact("abc"), "…");
    }

    #[test]
    fn fingerprint_depends_on_rule_path_and_secret_only() {
        let a = fingerprint("x.y", "a.txt", b"s3cr3t");
        assert_eq!(a, fingerprint("x.y", "a.txt", b"s3cr3t"));
        assert_ne!(a, fingerprint("x.z", "a.txt", b"s3cr3t"));
        assert_ne!(a, fingerprint("x.y", "b.txt", b"s3cr3t"));
        assert_ne!(a, fingerprint("x.y", "a.txt", b"s3cr3u"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn positions_in_pieces_add_up_to_positions_in_the_whole() {
        // é (2 bytes, 1 unit), 😀 (4 bytes, 2 units), invalid bytes (1 unit each run).
        let bytes: &[u8] = b"a\xc3\xa9\xf0\x9f\x98\x80\nkey = \"\xc3\xa9secret\" and \xff more secret\nend \xff secret";
        let whole = FindingBuilder::new(bytes, "f", false);
        let offsets: Vec<usize> = (0..bytes.len())
            .filter(|&i| bytes[i..].starts_with(b"secret"))
            .collect();
        for cut in 0..bytes.len() {
            if (bytes[cut] & 0xC0) == 0x80 {
                continue; // pieces never start inside a character
            }
            let origin = TextOrigin::default().advanced(&bytes[..cut]);
            let piece = FindingBuilder::new(&bytes[cut..], "f", false).starting_at(origin);
            for &offset in offsets.iter().filter(|&&o| o >= cut) {
                assert_eq!(
                    piece.position(offset - cut),
                    whole.position(offset),
                    "cut at {cut}, offset {offset}"
                );
            }
        }
    }

    #[test]
    fn utf16_length_counts_as_lossy_decoding_does() {
        for bytes in [
            &b"abc"[..],
            "é😀x".as_bytes(),
            b"\xff\xfe a \xc3",
            b"\xe2\x82",
        ] {
            assert_eq!(
                utf16_len(bytes),
                String::from_utf8_lossy(bytes).encode_utf16().count()
            );
        }
    }

    #[test]
    fn positions_are_one_based_and_count_utf16_units() {
        let text = "first\nkey = \"é😀secret\"\n";
        let builder = FindingBuilder::new(text.as_bytes(), "f", false);
        let offset = text.find("secret").unwrap();
        // `key = "` is 7 units, é is 1, 😀 is 2.
        assert_eq!(builder.position(offset), (2, 11));
        assert_eq!(builder.line_text(offset), "key = \"é😀secret\"".as_bytes());
    }
}
