//! Filter `prose` (drops): a value that documentation or a comment presents
//! as an illustration: "tokens look like `ghp_…`", "for example", "e.g.",
//! "a revoked key", "sample output:". Only documentation files (Markdown,
//! reStructuredText, AsciiDoc) and comments are read this way; a key pasted
//! into a README without such words is still reported.
//!
//! In documentation, a lead-in line just before the value counts too
//! ("Example response:" above a code block).

use super::text::line_around;
use super::{Candidate, Effect, FileContext};

/// Phrases that present a value as an illustration (lowercase).
const CUES: &[&str] = &[
    "example",
    "e.g.",
    "for instance",
    "such as",
    "looks like",
    "look like",
    "looking like",
    "in the form",
    "format",
    "starts with",
    "start with",
    "begins with",
    "prefixed",
    "revoked",
    "expired",
    "invalid",
    "fake",
    "dummy",
    "sample",
    "placeholder",
    "not a real",
    "not real",
    "redacted",
    "illustrat",
];

/// Whether the path is documentation.
pub fn is_docs_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    [
        ".md",
        ".mdx",
        ".markdown",
        ".rst",
        ".adoc",
        ".asciidoc",
        ".textile",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

fn has_cue(text: &[u8]) -> bool {
    let lower = text.to_ascii_lowercase();
    CUES.iter()
        .any(|cue| memchr::memmem::find(&lower, cue.as_bytes()).is_some())
}

/// Where a comment starts on the line, if it has one: the whole line for
/// comment lines, else a ` #` or ` //` after the value. A comment marker is
/// followed by a space (`# note`, `// note`, `-- note`, ` * note`), so that
/// `//registry.npmjs.org/:_authToken=…` and `--token=…` are not comments.
fn comment_text(line: &[u8], value_end_in_line: usize) -> Option<&[u8]> {
    let trimmed = line.trim_ascii_start();
    const STARTS: &[&[u8]] = &[
        b"# ", b"#\t", b"// ", b"//\t", b"/// ", b"//! ", b"/* ", b"/** ", b"* ", b"-- ", b"; ",
        b"<!-- ", b"% ", b"rem ", b"REM ",
    ];
    if STARTS.iter().any(|s| trimmed.starts_with(s)) {
        return Some(line);
    }
    let after = &line[value_end_in_line.min(line.len())..];
    let marker =
        memchr::memmem::find(after, b" # ").or_else(|| memchr::memmem::find(after, b" // "))?;
    Some(&after[marker..])
}

/// The text of the line, with the value itself left out.
fn around_value(line: &[u8], start: usize, end: usize) -> Vec<u8> {
    let mut text = line[..start.min(line.len())].to_vec();
    text.push(b' ');
    text.extend_from_slice(&line[end.min(line.len())..]);
    text
}

/// Whether a line opens or closes a fenced code block.
fn is_fence(line: &[u8]) -> bool {
    let line = line.trim_ascii_start();
    line.starts_with(b"```") || line.starts_with(b"~~~")
}

/// The lines of `haystack` before `line_start`, last first, looking at most
/// 64 KiB back.
fn lines_before(haystack: &[u8], line_start: usize) -> impl Iterator<Item = &[u8]> {
    let floor = line_start.saturating_sub(64 << 10);
    let text = &haystack[floor..line_start.saturating_sub(1).max(floor)];
    text.rsplit(|&b| b == b'\n')
}

/// The lead-in of the line at `line_start`: the nearest non-blank line
/// before the code block holding it, or before the line itself when it is
/// not in a code block. Fences are counted from the top of the file (at
/// most 64 KiB back) to tell an opening fence from a closing one.
fn lead_in(haystack: &[u8], line_start: usize) -> Option<&[u8]> {
    let fences_above = lines_before(haystack, line_start)
        .filter(|l| is_fence(l))
        .count();
    let mut lines = lines_before(haystack, line_start);
    if fences_above % 2 == 1 {
        // Inside a block: walk up to its opening fence.
        lines.by_ref().find(|l| is_fence(l))?;
    }
    lines
        .map(<[u8]>::trim_ascii)
        .find(|l| !l.is_empty())
        .filter(|l| !is_fence(l))
}

/// Whether the line at `line_start` is introduced as an example: its lead-in
/// ends in `:` and has a cue ("Example response:", "For example:").
fn has_lead_in(haystack: &[u8], line_start: usize) -> bool {
    lead_in(haystack, line_start).is_some_and(|line| line.ends_with(b":") && has_cue(line))
}

/// Drops a value presented as an illustration.
pub fn check(candidate: &Candidate<'_>, file: &FileContext<'_>) -> Effect {
    let haystack = candidate.haystack;
    let range = line_around(haystack, candidate.secret.start);
    let line = &haystack[range.clone()];
    let start = candidate.secret.start - range.start;
    let end = candidate.secret.end.saturating_sub(range.start);
    let illustrated = if file.is_docs() {
        has_cue(&around_value(line, start, end)) || has_lead_in(haystack, range.start)
    } else {
        comment_text(line, end).is_some_and(|comment| {
            // Leave the value itself out when the comment holds it.
            if comment.len() == line.len() {
                has_cue(&around_value(line, start, end))
            } else {
                has_cue(comment)
            }
        })
    };
    if illustrated {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk_live_51gxzP4ADMipvJhCffjyw7m4";

    fn dropped(path: &str, text: &str) -> bool {
        let start = text.find(KEY).unwrap();
        let candidate = Candidate {
            haystack: text.as_bytes(),
            secret: start..start + KEY.len(),
            value: KEY.as_bytes(),
            confidence: crate::Confidence::High,
        };
        check(&candidate, &FileContext::new(path, text.as_bytes())) == Effect::Drop
    }

    #[test]
    fn illustrations_in_docs_are_dropped() {
        assert!(dropped(
            "README.md",
            &format!("Secret keys look like `{KEY}`.")
        ));
        assert!(dropped("docs/setup.md", &format!("For example, `{KEY}`")));
        assert!(dropped(
            "docs/keys.rst",
            &format!("The key {KEY} was revoked.")
        ));
        assert!(dropped(
            "README.md",
            &format!("Example request:\n\n```sh\ncurl -u {KEY}: https://api.stripe.com\n```\n")
        ));
    }

    #[test]
    fn a_lead_in_introduces_only_its_own_block() {
        // "Example response:" introduces the JSON block, not the deploy block.
        let text = format!(
            "Example response:\n\n```json\n{{\"ok\": true}}\n```\n\n## Deploy\n\n```sh\nexport KEY={KEY}\n```\n"
        );
        assert!(!dropped("docs/runbook.md", &text));
        // Deeper in the block it introduces, still an example.
        let text = format!("For example:\n\n```yaml\nstripe:\n  region: eu\n  key: {KEY}\n```\n");
        assert!(dropped("docs/setup.md", &text));
    }

    #[test]
    fn keys_pasted_into_docs_are_kept() {
        assert!(!dropped(
            "README.md",
            &format!("## Setup\n\nexport STRIPE_KEY={KEY}\n")
        ));
        assert!(!dropped(
            "README.md",
            &format!("Configure the server:\n\n```\nSTRIPE_KEY={KEY}\n```\n")
        ));
    }

    #[test]
    fn illustrations_in_comments_are_dropped_and_code_is_kept() {
        assert!(dropped("src/app.py", &format!("# e.g. {KEY}")));
        assert!(dropped(
            "src/app.js",
            &format!("  // keys start with sk_live_, like {KEY}")
        ));
        assert!(dropped(
            "src/app.py",
            &format!("key = \"{KEY}\"  # example value")
        ));
        assert!(!dropped("src/app.py", &format!("key = \"{KEY}\"  # prod")));
        assert!(!dropped("src/app.py", &format!("# old key: {KEY}")));
        // Words in code are not a comment's.
        assert!(!dropped("src/app.py", &format!("example_key = \"{KEY}\"")));
        assert!(!dropped(
            "src/format.py",
            &format!("FORMAT_KEY = \"{KEY}\"")
        ));
    }
}
