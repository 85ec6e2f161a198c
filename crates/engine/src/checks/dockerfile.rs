//! Dockerfiles as the checks read them: instructions with their words and
//! byte ranges, build stages, and `ARG`/`ENV` substitution.
//!
//! A Dockerfile is a line format, so this is a small parser of its own. It
//! follows the reference: the `# escape=` parser directive, line
//! continuations (comment lines inside a continuation are dropped), heredocs
//! (`RUN <<EOF … EOF` bodies are skipped, not read as instructions), quoted
//! words, `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}`. Never panics;
//! unknown instructions are kept as they are.

use crate::checks::yaml::lossless_text;
use std::collections::HashMap;
use std::ops::Range;

/// Files larger than this are not parsed.
pub const MAX_DOCKERFILE_BYTES: usize = 1 << 20;

/// One word of an instruction, with its byte range in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word as written (quotes included).
    pub text: String,
    /// Where it is.
    pub range: Range<usize>,
}

/// One instruction (`FROM`, `USER`, `ENV`…), possibly spanning lines.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// The instruction in upper case.
    pub keyword: String,
    /// The whole instruction, keyword to last argument.
    pub span: Range<usize>,
    /// The arguments, split on whitespace outside quotes.
    pub args: Vec<Word>,
}

/// `NAME=value` in `ARG` or `ENV`, or legacy `ENV NAME value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variable.
    pub name: String,
    /// Where the name is.
    pub name_range: Range<usize>,
    /// The value, unquoted; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// Where the value is (inside its quotes).
    pub value_range: Range<usize>,
}

/// A build stage: one `FROM` and what follows it.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of the `FROM` instruction.
    pub from: usize,
    /// The image word of `FROM`.
    pub image: Word,
    /// The image with global `ARG` defaults substituted, `None` when a
    /// variable has no default.
    pub resolved: Option<String>,
    /// `AS name`, lowercased.
    pub alias: Option<String>,
    /// Instructions of the stage (after `FROM`, up to the next `FROM`).
    pub body: Range<usize>,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    /// Every instruction in order.
    pub instructions: Vec<Instruction>,
}

impl Dockerfile {
    /// Parses `bytes`. Never fails: what is not an instruction is skipped.
    pub fn parse(bytes: &[u8]) -> Dockerfile {
        if bytes.len() > MAX_DOCKERFILE_BYTES {
            return Dockerfile::default();
        }
        let text = lossless_text(bytes);
        parse_text(&text)
    }

    /// The build stages, in order.
    pub fn stages(&self) -> Vec<Stage> {
        let globals = self.global_args();
        let froms: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(index, _)| index)
            .collect();
        let mut stages = Vec::new();
        for (n, &from) in froms.iter().enumerate() {
            let instruction = &self.instructions[from];
            let mut words = instruction
                .args
                .iter()
                .filter(|w| !w.text.starts_with("--"));
            let Some(image) = words.next() else {
                continue;
            };
            let alias = match (words.next(), words.next()) {
                (Some(as_word), Some(name)) if as_word.text.eq_ignore_ascii_case("as") => {
                    Some(name.text.to_ascii_lowercase())
                }
                _ => None,
            };
            let end = froms.get(n + 1).copied().unwrap_or(self.instructions.len());
            stages.push(Stage {
                from,
                image: image.clone(),
                resolved: substitute(&unquote(&image.text), &globals),
                alias,
                body: from + 1..end,
            });
        }
        stages
    }

    /// `ARG` defaults declared before the first `FROM`: the only variables
    /// `FROM` lines can use.
    pub fn global_args(&self) -> HashMap<String, String> {
        let mut vars = HashMap::new();
        for instruction in &self.instructions {
            if instruction.keyword == "FROM" {
                break;
            }
            if instruction.keyword == "ARG" {
                for assignment in assignments(instruction) {
                    if let Some(value) = assignment.value {
                        vars.insert(assignment.name, value);
                    }
                }
            }
        }
        vars
    }
}

/// The `NAME=value` pairs of an `ARG` or `ENV` instruction.
pub fn assignments(instruction: &Instruction) -> Vec<Assignment> {
    let args = &instruction.args;
    let Some(first) = args.first() else {
        return Vec::new();
    };
    if instruction.keyword == "ENV" && !first.text.contains('=') {
        // Legacy `ENV NAME value with spaces`.
        let Some(second) = args.get(1) else {
            return Vec::new();
        };
        let last = args.last().expect("has a second word");
        let value = args[1..]
            .iter()
            .map(|w| unquote(&w.text))
            .collect::<Vec<_>>()
            .join(" ");
        let value_range = if args.len() == 2 {
            inner_range(second)
        } else {
            second.range.start..last.range.end
        };
        return vec![Assignment {
            name: first.text.clone(),
            name_range: first.range.clone(),
            value: Some(value),
            value_range,
        }];
    }
    args.iter()
        .filter(|w| !w.text.starts_with("--"))
        .filter_map(|word| {
            let Some((name, value)) = word.text.split_once('=') else {
                return Some(Assignment {
                    name: word.text.clone(),
                    name_range: word.range.clone(),
                    value: None,
                    value_range: word.range.end..word.range.end,
                });
            };
            if name.is_empty() {
                return None;
            }
            let value_start = word.range.start + name.len() + 1;
            let value_word = Word {
                text: value.to_string(),
                range: value_start..word.range.end,
            };
            Some(Assignment {
                name: name.to_string(),
                name_range: word.range.start..word.range.start + name.len(),
                value: Some(unquote(value)),
                value_range: inner_range(&value_word),
            })
        })
        .collect()
}

/// The range of a word without its surrounding quotes.
fn inner_range(word: &Word) -> Range<usize> {
    let text = &word.text;
    let quoted = text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')));
    if quoted && word.range.len() == text.len() {
        word.range.start + 1..word.range.end - 1
    } else {
        word.range.clone()
    }
}

/// A word without its surrounding quotes.
pub fn unquote(text: &str) -> String {
    let quoted = text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')));
    if quoted {
        text[1..text.len() - 1].to_string()
    } else {
        text.to_string()
    }
}

/// Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}` and
/// `${VAR:+alt}` from `vars`. `None` when a variable is unknown and has no
/// default: the result depends on `--build-arg`.
pub fn substitute(text: &str, vars: &HashMap<String, String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if c == '\\' {
            i += 1;
            if let Some(next) = text[i..].chars().next() {
                out.push(next);
                i += next.len_utf8();
            }
            continue;
        }
        if c != '$' {
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let rest = &text[i + 1..];
        if let Some(body) = rest.strip_prefix('{') {
            let close = body.find('}')?;
            let (name, op, word) = split_expr(&body[..close]);
            i += 2 + close + 1;
            let value = vars.get(name).filter(|v| !v.is_empty() || op == "-");
            match (op, value) {
                ("", Some(v)) | (":-" | "-", Some(v)) => out.push_str(v),
                ("", None) => return None,
                (":-" | "-", None) | (":+" | "+", Some(_)) => {
                    out.push_str(&substitute(word, vars)?);
                }
                (":+" | "+", None) => {}
                _ => return None,
            }
        } else {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            i += 1 + len;
            if len == 0 {
                out.push('$');
                continue;
            }
            out.push_str(vars.get(&rest[..len])?);
        }
    }
    Some(out)
}

fn split_expr(expr: &str) -> (&str, &str, &str) {
    for op in [":-", ":+", "-", "+"] {
        if let Some(at) = expr.find(op) {
            return (&expr[..at], op, &expr[at + op.len()..]);
        }
    }
    (expr, "", "")
}

fn parse_text(text: &str) -> Dockerfile {
    let escape = escape_char(text);
    let mut instructions = Vec::new();
    let mut lines = LineIter::new(text);
    while let Some((start, line)) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // Gather the pieces of a possibly continued instruction.
        let mut pieces: Vec<Range<usize>> = Vec::new();
        let mut piece_start = start + (line.len() - trimmed.len());
        let mut piece_line = trimmed;
        loop {
            let body = piece_line.trim_end();
            if let Some(cut) = body.strip_suffix(escape) {
                pieces.push(piece_start..piece_start + cut.len());
                // Continue with the next line that is not a comment.
                let mut next = None;
                for (next_start, next_line) in lines.by_ref() {
                    let t = next_line.trim_start();
                    if t.starts_with('#') {
                        continue;
                    }
                    if t.is_empty() {
                        continue;
                    }
                    next = Some((next_start, next_line));
                    break;
                }
                match next {
                    Some((s, l)) => {
                        piece_start = s;
                        piece_line = l;
                    }
                    None => break,
                }
            } else {
                pieces.push(piece_start..piece_start + body.len());
                break;
            }
        }
        let mut words = Vec::new();
        for piece in &pieces {
            split_words(text, piece.clone(), &mut words);
        }
        if words.is_empty() {
            continue;
        }
        let keyword = words.remove(0);
        let span = keyword.range.start..pieces.last().map_or(keyword.range.end, |p| p.end);
        let instruction = Instruction {
            keyword: keyword.text.to_ascii_uppercase(),
            span,
            args: words,
        };
        let heredocs = heredoc_delimiters(&instruction);
        instructions.push(instruction);
        for (delimiter, strip_tabs) in heredocs {
            for (_, body_line) in lines.by_ref() {
                let candidate = if strip_tabs {
                    body_line.trim_start_matches('\t')
                } else {
                    body_line
                };
                if candidate.trim_end_matches('\r') == delimiter {
                    break;
                }
            }
        }
    }
    Dockerfile { instructions }
}

/// The escape character from a `# escape=` parser directive (default `\`).
fn escape_char(text: &str) -> char {
    for line in text.lines() {
        let trimmed = line.trim_start_matches('\u{FEFF}').trim();
        let Some(comment) = trimmed.strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if let Some((key, value)) = comment.split_once('=')
            && key.trim().eq_ignore_ascii_case("escape")
        {
            return match value.trim() {
                "`" => '`',
                _ => '\\',
            };
        }
    }
    '\\'
}

/// Heredoc delimiters an instruction opens (`<<EOF`, `<<-"EOF"`), with
/// whether the body may be tab-indented.
fn heredoc_delimiters(instruction: &Instruction) -> Vec<(String, bool)> {
    if !matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for word in &instruction.args {
        let Some(at) = word.text.find("<<") else {
            continue;
        };
        let rest = &word.text[at + 2..];
        let (strip_tabs, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let name: String = rest
            .trim_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push((name, strip_tabs));
        }
    }
    out
}

/// Splits `text[range]` into words at whitespace outside quotes.
fn split_words(text: &str, range: Range<usize>, out: &mut Vec<Word>) {
    let Some(piece) = text.get(range.clone()) else {
        return;
    };
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    for (i, c) in piece.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(word(piece, range.start, s..i));
                }
            }
            None => {
                if start.is_none() {
                    start = Some(i);
                }
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    if let Some(s) = start {
        out.push(word(piece, range.start, s..piece.len()));
    }
}

fn word(piece: &str, base: usize, range: Range<usize>) -> Word {
    Word {
        text: piece[range.clone()].to_string(),
        range: base + range.start..base + range.end,
    }
}

/// Lines of `text` with their start offsets, without line ends.
struct LineIter<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> LineIter<'t> {
    fn new(text: &'t str) -> Self {
        let at = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        LineIter { text, at }
    }
}

impl<'t> Iterator for LineIter<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.at += advance;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Dockerfile {
        Dockerfile::parse(text.as_bytes())
    }

    #[test]
    fn instructions_continuations_and_heredocs() {
        let text = "# syntax=docker/dockerfile:1\nARG BASE=node:20\nFROM ${BASE} AS build\nRUN apt-get update \\\n  # a comment\n  && apt-get install -y curl\nRUN <<EOF\nFROM evil\nUSER root\nEOF\nuser app\r\n";
        let file = parse(text);
        let keywords: Vec<_> = file
            .instructions
            .iter()
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["ARG", "FROM", "RUN", "RUN", "USER"]);
        let run = &file.instructions[2];
        assert!(run.args.iter().any(|w| w.text == "curl"));
        let user = &file.instructions[4];
        assert_eq!(&text[user.args[0].range.clone()], "app");
        let stages = file.stages();
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0].resolved.as_deref(), Some("node:20"));
        assert_eq!(stages[0].alias.as_deref(), Some("build"));
    }

    #[test]
    fn bom_is_skipped() {
        let text = "\u{FEFF}FROM x:1\n";
        let stages = parse(text).stages();
        assert_eq!(&text[stages[0].image.range.clone()], "x:1");
    }

    #[test]
    fn escape_directive_after_a_bom() {
        let text = "\u{FEFF}# escape=`\nFROM alpine:3.20 `\n  AS base\n";
        let stages = parse(text).stages();
        assert_eq!(stages[0].alias.as_deref(), Some("base"));
    }

    #[test]
    fn escape_directive() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows `\n  AS base\n";
        let stages = parse(text).stages();
        assert_eq!(stages[0].image.text, "mcr.microsoft.com/windows");
        assert_eq!(stages[0].alias.as_deref(), Some("base"));
    }

    #[test]
    fn substitution() {
        let vars: HashMap<String, String> = [
            ("A".to_string(), "1".to_string()),
            ("E".to_string(), String::new()),
        ]
        .into();
        assert_eq!(substitute("x:$A", &vars).as_deref(), Some("x:1"));
        assert_eq!(substitute("x:${A}", &vars).as_deref(), Some("x:1"));
        assert_eq!(substitute("x:${B:-2}", &vars).as_deref(), Some("x:2"));
        assert_eq!(substitute("x:${E:-2}", &vars).as_deref(), Some("x:2"));
        assert_eq!(substitute("x:${A:+y}", &vars).as_deref(), Some("x:y"));
        assert_eq!(substitute("x:${B}", &vars), None);
        assert_eq!(substitute("x:$B", &vars), None);
        assert_eq!(substitute("x:${unclosed", &vars), None);
        assert_eq!(substitute("cost $5", &vars), None);
        assert_eq!(substitute("a$", &vars).as_deref(), Some("a$"));
    }

    #[test]
    fn assignments_in_both_forms() {
        let text = "ENV A=1 B=\"two words\" \\\n    C=3\nENV LEGACY some value\nARG NOVALUE\n";
        let file = parse(text);
        let env = assignments(&file.instructions[0]);
        let pairs: Vec<_> = env
            .iter()
            .map(|a| (a.name.as_str(), a.value.as_deref()))
            .collect();
        assert_eq!(
            pairs,
            [("A", Some("1")), ("B", Some("two words")), ("C", Some("3"))]
        );
        assert_eq!(&text[env[1].value_range.clone()], "two words");
        let legacy = assignments(&file.instructions[1]);
        assert_eq!(legacy[0].value.as_deref(), Some("some value"));
        assert_eq!(&text[legacy[0].value_range.clone()], "some value");
        assert_eq!(assignments(&file.instructions[2])[0].value, None);
    }

    #[test]
    fn never_panics() {
        for text in [
            "",
            "\\",
            "FROM",
            "FROM \\",
            "RUN <<",
            "RUN <<EOF\nno end",
            "ENV =x",
            "ENV A",
            "FROM a AS",
            "\u{FEFF}",
            "FROM \"unclosed\n",
            "FROM é:ü \\\n\\\n",
        ] {
            let file = parse(text);
            let _ = file.stages();
            for i in &file.instructions {
                let _ = assignments(i);
            }
        }
        let _ = Dockerfile::parse(&[0xff, 0xfe, b'\n', b'F']);
    }
}
