//! Line formats of `key = value` settings, each read by a small parser that
//! knows its format's comments, quotes and separators: dotenv files, Java
//! `.properties`, INI (`.ini`, `.cfg`, `my.cnf`), Redis configuration and
//! Terraform (`.tf`, `.tfvars`).
//!
//! Terraform is HCL, and `hcl-rs` parses it, but its parser (`hcl-edit`)
//! reports positions only for some nodes and adds a sizeable dependency tree;
//! a line reader that knows string literals, comments, heredocs and
//! `variable "name" { default = … }` blocks finds the same assignments, with
//! exact ranges, for what the checks need: literal strings assigned to a name.
//!
//! Every reader yields [`Entry`]s with the byte range of the key and of the
//! value (inside its quotes), never panics, and skips what it does not
//! understand.

use crate::checks::yaml::lossless_text;
use std::ops::Range;

/// Files larger than this are not read.
pub const MAX_LINE_FORMAT_BYTES: usize = 2 << 20;

/// One `key = value` setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key (for Terraform `default` inside `variable "x"`, the variable's name).
    pub key: String,
    /// Where the key is.
    pub key_range: Range<usize>,
    /// The value, unquoted.
    pub value: String,
    /// Where the value is (inside quotes).
    pub value_range: Range<usize>,
    /// Whether `file[value_range] == value`, so offsets inside the value are
    /// offsets in the file.
    pub exact: bool,
}

/// Lines of a text with their start offsets, without line ends.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = at;
        at += raw.len();
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        (start, line.strip_suffix('\r').unwrap_or(line))
    })
}

fn with_text(bytes: &[u8], read: impl FnOnce(&str) -> Vec<Entry>) -> Vec<Entry> {
    if bytes.len() > MAX_LINE_FORMAT_BYTES {
        return Vec::new();
    }
    let (bytes, base) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, 3),
        None => (bytes, 0),
    };
    let text = lossless_text(bytes);
    let mut entries = read(&text);
    for entry in &mut entries {
        entry.key_range = entry.key_range.start + base..entry.key_range.end + base;
        entry.value_range = entry.value_range.start + base..entry.value_range.end + base;
    }
    entries
}

/// A value after a separator: quoted (`"…"`, `'…'`) or bare up to a comment
/// introduced by whitespace and one of `comment_chars`. `at` is the offset of
/// `rest` in the file.
fn read_value(rest: &str, at: usize, comment_chars: &[char]) -> (String, Range<usize>, bool) {
    let lead = rest.len() - rest.trim_start().len();
    let rest_trimmed = rest.trim_start();
    let start = at + lead;
    for quote in ['"', '\''] {
        if let Some(inner) = rest_trimmed.strip_prefix(quote) {
            let mut escaped = false;
            for (i, c) in inner.char_indices() {
                if escaped {
                    escaped = false;
                    continue;
                }
                if c == '\\' && quote == '"' {
                    escaped = true;
                    continue;
                }
                if c == quote {
                    let raw = &inner[..i];
                    let exact = !raw.contains('\\');
                    let value = if exact {
                        raw.to_string()
                    } else {
                        raw.replace("\\\"", "\"").replace("\\\\", "\\")
                    };
                    return (value, start + 1..start + 1 + i, exact);
                }
            }
            // Unclosed: take the rest of the line.
            let raw = inner.trim_end();
            return (raw.to_string(), start + 1..start + 1 + raw.len(), false);
        }
    }
    let mut end = rest_trimmed.len();
    let bytes = rest_trimmed.as_bytes();
    for (i, c) in rest_trimmed.char_indices() {
        if comment_chars.contains(&c) && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') {
            end = i;
            break;
        }
    }
    let value = rest_trimmed[..end].trim_end();
    (value.to_string(), start..start + value.len(), true)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-'
}

/// A dotenv file: `[export ]NAME=value`, quoted or bare, `#` comments.
pub fn dotenv(bytes: &[u8]) -> Vec<Entry> {
    with_text(bytes, |text| {
        let mut out = Vec::new();
        for (start, line) in lines(text) {
            let indent = line.len() - line.trim_start().len();
            let mut rest = &line[indent..];
            let mut at = start + indent;
            if let Some(r) = rest.strip_prefix("export ") {
                let skip = r.len() - r.trim_start().len();
                at += "export ".len() + skip;
                rest = r.trim_start();
            }
            let name_len = rest.bytes().take_while(|&b| is_name_byte(b)).count();
            if name_len == 0 || rest.as_bytes()[0].is_ascii_digit() {
                continue;
            }
            let after = &rest[name_len..];
            let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
            let after_spaces = &after[spaces..];
            let Some(value_part) = after_spaces
                .strip_prefix('=')
                .or_else(|| after_spaces.strip_prefix(':'))
            else {
                continue;
            };
            let value_at = at + name_len + spaces + 1;
            let (value, value_range, exact) = read_value(value_part, value_at, &['#']);
            out.push(Entry {
                key: rest[..name_len].to_string(),
                key_range: at..at + name_len,
                value,
                value_range,
                exact,
            });
        }
        out
    })
}

/// A Java `.properties` file: `key=value`, `key: value` or `key value`,
/// `#`/`!` comments, `\` continuations (the value is then read from its first
/// line only).
pub fn properties(bytes: &[u8]) -> Vec<Entry> {
    with_text(bytes, |text| {
        let mut out = Vec::new();
        let mut continued = false;
        for (start, line) in lines(text) {
            let was_continued = continued;
            continued = line.ends_with('\\') && !line.ends_with("\\\\");
            if was_continued {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let rest = &line[indent..];
            if rest.is_empty() || rest.starts_with('#') || rest.starts_with('!') {
                continue;
            }
            let at = start + indent;
            let bytes = rest.as_bytes();
            let mut key_end = 0;
            while key_end < bytes.len() {
                match bytes[key_end] {
                    b'\\' => key_end += 2,
                    b'=' | b':' | b' ' | b'\t' => break,
                    _ => key_end += 1,
                }
            }
            let key_end = key_end.min(bytes.len());
            let mut sep = key_end;
            while sep < bytes.len() && (bytes[sep] == b' ' || bytes[sep] == b'\t') {
                sep += 1;
            }
            if sep < bytes.len() && (bytes[sep] == b'=' || bytes[sep] == b':') {
                sep += 1;
            }
            if key_end == 0 || !rest.is_char_boundary(sep) {
                continue;
            }
            let value_part = &rest[sep..];
            let value_part = value_part.strip_suffix('\\').unwrap_or(value_part);
            let lead = value_part.len() - value_part.trim_start().len();
            let raw = value_part.trim();
            let value_start = at + sep + lead;
            out.push(Entry {
                key: rest[..key_end].replace('\\', ""),
                key_range: at..at + key_end,
                value: raw.to_string(),
                value_range: value_start..value_start + raw.len(),
                exact: !raw.contains('\\') && !continued,
            });
        }
        out
    })
}

/// An INI file: `[section]`, `key = value` or `key: value`, `;`/`#` comments.
pub fn ini(bytes: &[u8]) -> Vec<Entry> {
    with_text(bytes, |text| {
        let mut out = Vec::new();
        for (start, line) in lines(text) {
            let indent = line.len() - line.trim_start().len();
            let rest = &line[indent..];
            if rest.is_empty() || rest.starts_with([';', '#', '[']) {
                continue;
            }
            let Some(sep) = rest.find(['=', ':']) else {
                continue;
            };
            let key = rest[..sep].trim_end();
            if key.is_empty() || key.contains(char::is_whitespace) {
                continue;
            }
            let at = start + indent;
            let (value, value_range, exact) =
                read_value(&rest[sep + 1..], at + sep + 1, &[';', '#']);
            out.push(Entry {
                key: key.to_string(),
                key_range: at..at + key.len(),
                value,
                value_range,
                exact,
            });
        }
        out
    })
}

/// Redis configuration: `requirepass`, `masterauth`, Sentinel
/// `sentinel auth-pass <master> <password>` and ACL `user … >password` rules.
/// Each yields an entry keyed by its directive.
pub fn redis_conf(bytes: &[u8]) -> Vec<Entry> {
    with_text(bytes, |text| {
        let mut out = Vec::new();
        for (start, line) in lines(text) {
            let indent = line.len() - line.trim_start().len();
            let rest = &line[indent..];
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            let words = words_with_offsets(rest, start + indent);
            let Some((directive, directive_range)) = words.first() else {
                continue;
            };
            let directive = directive.to_ascii_lowercase();
            let value = match directive.as_str() {
                "requirepass" | "masterauth" => words.get(1),
                "sentinel" if words.get(1).is_some_and(|w| w.0 == "auth-pass") => words.get(3),
                "user" => {
                    for (word, range) in words.iter().skip(2) {
                        if let Some(password) = word.strip_prefix('>') {
                            out.push(Entry {
                                key: "user-password".into(),
                                key_range: directive_range.clone(),
                                value: password.to_string(),
                                value_range: range.start + 1..range.end,
                                exact: true,
                            });
                        }
                    }
                    None
                }
                _ => None,
            };
            if let Some((word, range)) = value {
                let quoted = word.len() >= 2
                    && (word.starts_with('"') && word.ends_with('"')
                        || word.starts_with('\'') && word.ends_with('\''));
                let (value, value_range) = if quoted {
                    (
                        word[1..word.len() - 1].to_string(),
                        range.start + 1..range.end - 1,
                    )
                } else {
                    (word.clone(), range.clone())
                };
                out.push(Entry {
                    key: directive,
                    key_range: directive_range.clone(),
                    value,
                    value_range,
                    exact: true,
                });
            }
        }
        out
    })
}

fn words_with_offsets(text: &str, at: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((text[s..i].to_string(), at + s..at + i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((text[s..].to_string(), at + s..at + text.len()));
    }
    out
}

/// Terraform: `name = "literal"` assignments (`.tf` attributes, `.tfvars`
/// values), and `default = "literal"` inside `variable "name" { … }`, keyed by
/// the variable's name. Values with interpolation (`"${var.x}"`), non-string
/// values, comments and heredoc bodies are skipped.
pub fn terraform(bytes: &[u8]) -> Vec<Entry> {
    with_text(bytes, |text| {
        let mut out = Vec::new();
        // The variable block we are in, with the brace depth it opened at.
        let mut variable: Option<(String, usize)> = None;
        let mut depth = 0usize;
        let mut heredoc: Option<String> = None;
        let mut in_comment = false;
        for (start, line) in lines(text) {
            if let Some(end) = &heredoc {
                if line.trim() == end {
                    heredoc = None;
                }
                continue;
            }
            let trimmed = line.trim_start();
            if in_comment {
                if line.contains("*/") {
                    in_comment = false;
                }
                continue;
            }
            if trimmed.starts_with("/*") {
                in_comment = !trimmed.contains("*/");
                continue;
            }
            if trimmed.starts_with('#') || trimmed.starts_with("//") {
                continue;
            }
            let at = start + (line.len() - trimmed.len());
            if let Some(name) = variable_header(trimmed) {
                variable = Some((name, depth));
            }
            if let Some(entry) = tf_assignment(trimmed, at) {
                let entry = match &variable {
                    Some((name, _)) if entry.key == "default" => Entry {
                        key: name.clone(),
                        ..entry
                    },
                    _ => entry,
                };
                out.push(entry);
            } else if let Some(pos) = trimmed.find("<<") {
                let marker = trimmed[pos + 2..].trim_start_matches('-').trim();
                if !marker.is_empty()
                    && marker
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    heredoc = Some(marker.to_string());
                    continue;
                }
            }
            // Single-line `variable "x" { default = "y" }`.
            if let Some((name, _)) = &variable
                && let Some(open) = trimmed.find('{')
                && let Some(entry) = tf_assignment(&trimmed[open + 1..], at + open + 1)
                && entry.key == "default"
                && !out.iter().any(|e| e.value_range == entry.value_range)
            {
                out.push(Entry {
                    key: name.clone(),
                    ..entry
                });
            }
            let (opens, closes) = count_braces(trimmed);
            depth = (depth + opens).saturating_sub(closes);
            if let Some((_, opened_at)) = &variable
                && depth <= *opened_at
            {
                variable = None;
            }
        }
        out
    })
}

/// `variable "name" {` → `name`.
fn variable_header(line: &str) -> Option<String> {
    let rest = line.strip_prefix("variable")?;
    let rest = rest.trim_start().strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

/// `name = "literal"` at the start of `line` (offset `at`).
fn tf_assignment(line: &str, at: usize) -> Option<Entry> {
    let line_trimmed = line.trim_start();
    let at = at + (line.len() - line_trimmed.len());
    let (key, key_len) = if let Some(rest) = line_trimmed.strip_prefix('"') {
        let end = rest.find('"')?;
        (rest[..end].to_string(), end + 2)
    } else {
        let len = line_trimmed
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            .count();
        (line_trimmed[..len].to_string(), len)
    };
    if key.is_empty() {
        return None;
    }
    let rest = &line_trimmed[key_len..];
    let spaces = rest.len() - rest.trim_start().len();
    let rest = rest.trim_start();
    let value_part = rest.strip_prefix('=')?;
    if value_part.starts_with('=') {
        return None;
    }
    let value_at = at + key_len + spaces + 1;
    if !value_part.trim_start().starts_with('"') {
        return None;
    }
    let (value, value_range, exact) = read_value(value_part, value_at, &['#']);
    if value.contains("${") || value.contains("%{") {
        return None;
    }
    Some(Entry {
        key,
        key_range: at..at + key_len,
        value,
        value_range,
        exact,
    })
}

/// Braces opened and closed on a line, outside string literals.
fn count_braces(line: &str) -> (usize, usize) {
    let mut opens = 0;
    let mut closes = 0;
    let mut in_string = false;
    let mut escaped = false;
    for c in line.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' => opens += 1,
            '}' => closes += 1,
            '#' => break,
            _ => {}
        }
    }
    (opens, closes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(entries: &[Entry]) -> Vec<(&str, &str)> {
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect()
    }

    fn check_ranges(text: &str, entries: &[Entry]) {
        for e in entries {
            if e.exact {
                assert_eq!(&text[e.value_range.clone()], e.value, "{e:?}");
            }
            assert!(e.key_range.end <= text.len());
        }
    }

    #[test]
    fn dotenv_values() {
        let text = "A=1\nexport  B = \"two # not comment\" # comment\nC='x'\r\nD=bare # comment\n# E=no\nF=\n";
        let entries = dotenv(text.as_bytes());
        assert_eq!(
            pairs(&entries),
            [
                ("A", "1"),
                ("B", "two # not comment"),
                ("C", "x"),
                ("D", "bare"),
                ("F", "")
            ]
        );
        check_ranges(text, &entries);
    }

    #[test]
    fn properties_values() {
        let text = "# c\n! c\nspring.datasource.password=root\nkey: value\nspaced   value here\nmulti=a\\\n  b\nesc\\:aped=v\n";
        let entries = properties(text.as_bytes());
        assert_eq!(
            pairs(&entries),
            [
                ("spring.datasource.password", "root"),
                ("key", "value"),
                ("spaced", "value here"),
                ("multi", "a"),
                ("esc:aped", "v")
            ]
        );
        check_ranges(text, &entries);
    }

    #[test]
    fn ini_values() {
        let text = "[client]\nuser = root\npassword = \"secret\" ; comment\nhost: db # c\n";
        let entries = ini(text.as_bytes());
        assert_eq!(
            pairs(&entries),
            [("user", "root"), ("password", "secret"), ("host", "db")]
        );
        check_ranges(text, &entries);
    }

    #[test]
    fn redis_values() {
        let text = "# requirepass foobared\nrequirepass foobared\nmasterauth \"x y\"\nsentinel auth-pass mymaster s3\nuser alice on >alicepw ~* +@all\n";
        let entries = redis_conf(text.as_bytes());
        assert_eq!(
            pairs(&entries),
            [
                ("requirepass", "foobared"),
                ("masterauth", "x y"),
                ("sentinel", "s3"),
                ("user-password", "alicepw")
            ]
        );
        check_ranges(text, &entries);
    }

    #[test]
    fn terraform_values() {
        let text = r#"variable "db_password" {
  type    = string
  default = "changeme"
}
resource "aws_db_instance" "db" {
  password = "admin123" # inline
  username = var.user
  other    = "${var.x}"
  policy = <<EOF
password = "inheredoc"
EOF
}
/*
password = "incomment"
*/
variable "x" { default = "y" }
"#;
        let entries = terraform(text.as_bytes());
        assert_eq!(
            pairs(&entries),
            [
                ("db_password", "changeme"),
                ("password", "admin123"),
                ("x", "y")
            ]
        );
        check_ranges(text, &entries);
    }

    #[test]
    fn readers_never_panic() {
        for text in [
            "",
            "=",
            "\"",
            "a=\"",
            "export",
            "[",
            "requirepass",
            "x = \"é",
            "\u{FEFF}A=1",
        ] {
            for read in [dotenv, properties, ini, redis_conf, terraform] {
                for e in read(text.as_bytes()) {
                    assert!(e.value_range.end <= text.len());
                }
            }
        }
        let _ = dotenv(&[0xff, b'=', 0xfe]);
    }
}
