//! The line-aware fallback for YAML the strict parser rejects: Helm templates
//! whose directives build structure, files with one bad line, truncated files.
//!
//! It reads block YAML the way people write configuration: indentation,
//! `key: value`, `key:` followed by a more indented block, `- item` (also at
//! the key's own indentation, as Kubernetes manifests do), `---` between
//! documents, quoted and plain single-line scalars, `|`/`>` blocks. Lines it
//! cannot place (a stray directive, a multi-line flow collection) are skipped;
//! flow collections on one line are kept as text. Anchors are dropped and
//! aliases stay unresolved. The result is the same tree the strict parser
//! builds, marked as recovered.

use super::{Node, NodeId, NodeKind, Scalar, Style, Yaml, overlaps_any};
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

/// An open block: a mapping or sequence whose entries start at `indent`.
#[derive(Debug)]
struct Frame {
    indent: usize,
    id: NodeId,
    kind: Kind,
    /// A key (mapping) or `-` (sequence) whose value is an indented block still to come.
    pending: Option<NodeId>,
}

/// A `|` or `>` block scalar being read.
struct Block {
    id: NodeId,
    parent_indent: usize,
    lines: Vec<(usize, Range<usize>)>,
}

struct Reader<'t> {
    text: &'t str,
    base: usize,
    templates: &'t [Range<usize>],
    yaml: Yaml,
    frames: Vec<Frame>,
    doc_open: bool,
    block: Option<Block>,
}

/// Reads `text` line by line into a tree. `base` is added to every offset.
pub(super) fn parse(text: &str, base: usize, templates: &[Range<usize>]) -> Yaml {
    let mut reader = Reader {
        text,
        base,
        templates,
        yaml: Yaml::default(),
        frames: Vec::new(),
        doc_open: false,
        block: None,
    };
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        if reader.yaml.nodes.len() >= super::MAX_NODES {
            break;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        reader.line(start, line);
    }
    reader.finish_block();
    reader.close_all();
    reader.yaml.close_docs();
    reader.yaml
}

impl Reader<'_> {
    fn line(&mut self, start: usize, line: &str) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        if let Some(block) = &mut self.block {
            if content.trim().is_empty() || indent > block.parent_indent {
                block
                    .lines
                    .push((indent, start + indent..start + line.len()));
                return;
            }
            self.finish_block();
        }
        if content.is_empty() || content.starts_with('#') || content.starts_with('\t') {
            return;
        }
        if indent == 0 && (content == "---" || content.starts_with("--- ")) {
            self.close_all();
            self.doc_open = false;
            return;
        }
        if indent == 0 && (content == "..." || content.starts_with("... ")) {
            self.close_all();
            self.doc_open = false;
            return;
        }
        if content.starts_with('%') && indent == 0 && !self.doc_open {
            return;
        }
        self.content(indent, start + indent, content);
    }

    /// Places the content of a line (or of a `- ` item) that starts at column `col`.
    fn content(&mut self, col: usize, at: usize, content: &str) {
        if content == "-" || content.starts_with("- ") || content.starts_with("-\t") {
            self.seq_item(col, at, content);
        } else if let Some((key, value)) = split_key(content) {
            self.map_entry(col, at, content, key, value);
        }
        // Anything else (a continuation line, a stray directive) is skipped.
    }

    fn seq_item(&mut self, col: usize, at: usize, content: &str) {
        while let Some(top) = self.frames.last() {
            let keep = top.indent < col
                || (top.indent == col && top.kind == Kind::Seq)
                || (top.indent == col && top.kind == Kind::Map && top.pending.is_some());
            if keep {
                break;
            }
            self.pop();
        }
        let seq = match self.frames.last() {
            Some(top) if top.kind == Kind::Seq && top.indent == col => top.id,
            Some(top) if top.pending.is_some() && top.kind == Kind::Map => {
                let id = self.push_node(at..at + 1, NodeKind::Seq(Vec::new()));
                self.set_pending_value(id);
                self.frames.push(Frame {
                    indent: col,
                    id,
                    kind: Kind::Seq,
                    pending: None,
                });
                id
            }
            None if !self.doc_open => {
                let id = self.new_root(at..at + 1, NodeKind::Seq(Vec::new()));
                self.frames.push(Frame {
                    indent: col,
                    id,
                    kind: Kind::Seq,
                    pending: None,
                });
                id
            }
            _ => return,
        };
        if let Some(top) = self.frames.last_mut() {
            top.pending = None;
        }
        let rest = &content[1..];
        let skip = rest.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        let item_col = col + 1 + skip;
        let item_at = at + 1 + skip;
        if rest.is_empty() || rest.starts_with('#') {
            // The item is the indented block that follows.
            let marker = self.push_node(at..at + 1, empty_scalar(at + self.base));
            self.push_item(seq, marker);
            if let Some(top) = self.frames.last_mut() {
                top.pending = Some(marker);
            }
            return;
        }
        if rest.starts_with("- ") || rest == "-" {
            let id = self.push_node(item_at..item_at + 1, NodeKind::Seq(Vec::new()));
            self.push_item(seq, id);
            self.frames.push(Frame {
                indent: item_col,
                id,
                kind: Kind::Seq,
                pending: None,
            });
            self.seq_item(item_col, item_at, rest);
            return;
        }
        if let Some((key, value)) = split_key(rest) {
            let id = self.push_node(item_at..item_at + rest.len(), NodeKind::Map(Vec::new()));
            self.push_item(seq, id);
            self.frames.push(Frame {
                indent: item_col,
                id,
                kind: Kind::Map,
                pending: None,
            });
            self.map_entry(item_col, item_at, rest, key, value);
            return;
        }
        let id = self.value_node(item_at, rest);
        self.push_item(seq, id);
    }

    fn map_entry(
        &mut self,
        col: usize,
        at: usize,
        content: &str,
        key: Range<usize>,
        value: Range<usize>,
    ) {
        while let Some(top) = self.frames.last() {
            if top.indent < col || (top.indent == col && top.kind == Kind::Map) {
                break;
            }
            self.pop();
        }
        let map = match self.frames.last() {
            Some(top) if top.kind == Kind::Map && top.indent == col => {
                self.close_pending();
                self.frames.last().map(|f| f.id)
            }
            Some(top) if top.pending.is_some() && top.indent < col => {
                let id = self.push_node(at..at + content.len(), NodeKind::Map(Vec::new()));
                self.set_pending_value(id);
                self.frames.push(Frame {
                    indent: col,
                    id,
                    kind: Kind::Map,
                    pending: None,
                });
                Some(id)
            }
            None if !self.doc_open => {
                let id = self.new_root(at..at + content.len(), NodeKind::Map(Vec::new()));
                self.frames.push(Frame {
                    indent: col,
                    id,
                    kind: Kind::Map,
                    pending: None,
                });
                Some(id)
            }
            _ => None,
        };
        let Some(map) = map else {
            return;
        };
        let key_text = unquote(&content[key.clone()]);
        let key_range = at + key.start..at + key.end;
        let key_id = self.push_node(
            key_range.clone(),
            NodeKind::Scalar(self.scalar(key_text, key_range, Style::Plain, true)),
        );
        let value_text = &content[value.clone()];
        let value_at = at + value.start;
        let trimmed = strip_comment(value_text);
        let trimmed = strip_anchor(trimmed);
        let value_at = value_at + (value_text.len() - value_text.trim_start().len());
        if trimmed.is_empty() {
            if let Some(top) = self.frames.last_mut() {
                top.pending = Some(key_id);
            }
            return;
        }
        let trimmed_at = value_at + value_text.trim_start().find(trimmed).unwrap_or(0);
        if trimmed.starts_with('|') || trimmed.starts_with('>') {
            let id = self.push_node(
                trimmed_at..trimmed_at + trimmed.len(),
                empty_scalar(trimmed_at + self.base),
            );
            self.push_entry(map, key_id, id);
            self.block = Some(Block {
                id,
                parent_indent: col,
                lines: Vec::new(),
            });
            return;
        }
        let id = self.value_node(trimmed_at, trimmed);
        self.push_entry(map, key_id, id);
    }

    /// A scalar (or kept-as-text flow collection, or alias) written at `at`.
    fn value_node(&mut self, at: usize, text: &str) -> NodeId {
        let text = strip_anchor(strip_comment(text));
        if text.starts_with('*') {
            return self.push_node(at..at + text.len(), NodeKind::Alias(None));
        }
        let range = at..at + text.len();
        let scalar = if text.starts_with('[') || text.starts_with('{') {
            self.scalar(text.to_string(), range.clone(), Style::Flow, true)
        } else if let Some(inner) = quoted_inner(text, '"') {
            let exact = !inner.contains('\\');
            let value = if exact {
                inner.to_string()
            } else {
                unescape_double(inner)
            };
            self.scalar(
                value,
                at + 1..at + 1 + inner.len(),
                Style::DoubleQuoted,
                exact,
            )
        } else if let Some(inner) = quoted_inner(text, '\'') {
            let exact = !inner.contains("''");
            self.scalar(
                inner.replace("''", "'"),
                at + 1..at + 1 + inner.len(),
                Style::SingleQuoted,
                exact,
            )
        } else {
            self.scalar(text.to_string(), range.clone(), Style::Plain, true)
        };
        self.push_node(range, NodeKind::Scalar(scalar))
    }

    fn scalar(&self, text: String, range: Range<usize>, style: Style, exact: bool) -> Scalar {
        Scalar {
            text,
            value: range.start + self.base..range.end + self.base,
            exact,
            style,
            templated: overlaps_any(self.templates, &range),
        }
    }

    fn push_node(&mut self, range: Range<usize>, kind: NodeKind) -> NodeId {
        self.yaml.nodes.push(Node {
            span: range.start + self.base..range.end + self.base,
            kind,
        });
        self.yaml.nodes.len() - 1
    }

    fn new_root(&mut self, range: Range<usize>, kind: NodeKind) -> NodeId {
        let id = self.push_node(range, kind);
        self.yaml.docs.push((id, id..id + 1));
        self.doc_open = true;
        id
    }

    fn push_item(&mut self, seq: NodeId, item: NodeId) {
        if let NodeKind::Seq(items) = &mut self.yaml.nodes[seq].kind {
            items.push(item);
        }
    }

    fn push_entry(&mut self, map: NodeId, key: NodeId, value: NodeId) {
        if let NodeKind::Map(entries) = &mut self.yaml.nodes[map].kind {
            entries.push((key, value));
        }
    }

    /// Gives the innermost frame's pending key or item the block `value`.
    fn set_pending_value(&mut self, value: NodeId) {
        let Some(top) = self.frames.last_mut() else {
            return;
        };
        let Some(pending) = top.pending.take() else {
            return;
        };
        let (id, kind) = (top.id, top.kind);
        match kind {
            Kind::Map => self.push_entry(id, pending, value),
            Kind::Seq => {
                // Replace the placeholder pushed for `-` with the block.
                if let NodeKind::Seq(items) = &mut self.yaml.nodes[id].kind
                    && let Some(last) = items.last_mut()
                    && *last == pending
                {
                    *last = value;
                }
            }
        }
    }

    /// A pending key of the innermost mapping that got no block is empty.
    fn close_pending(&mut self) {
        let Some(top) = self.frames.last_mut() else {
            return;
        };
        if top.kind != Kind::Map {
            top.pending = None;
            return;
        }
        let Some(key) = top.pending.take() else {
            return;
        };
        let id = top.id;
        let end = self.yaml.nodes[key].span.end;
        let value = self.yaml.nodes.len();
        self.yaml.nodes.push(Node {
            span: end..end,
            kind: empty_scalar(end),
        });
        self.push_entry(id, key, value);
    }

    fn pop(&mut self) {
        self.close_pending();
        self.frames.pop();
    }

    fn close_all(&mut self) {
        self.finish_block();
        while !self.frames.is_empty() {
            self.pop();
        }
    }

    fn finish_block(&mut self) {
        let Some(block) = self.block.take() else {
            return;
        };
        let content: Vec<&(usize, Range<usize>)> = block
            .lines
            .iter()
            .filter(|(_, r)| !self.text[r.clone()].trim().is_empty())
            .collect();
        let Some(first) = content.first() else {
            return;
        };
        let last = content.last().expect("non-empty");
        let indent = first.0;
        let mut text = String::new();
        for (line_indent, range) in &block.lines {
            let line = &self.text[range.clone()];
            let extra = line_indent.saturating_sub(indent);
            text.push_str(&" ".repeat(extra));
            text.push_str(line.trim_end());
            text.push('\n');
        }
        let range = first.1.start..last.1.end;
        let scalar = self.scalar(text, range.clone(), Style::Block, false);
        let node = &mut self.yaml.nodes[block.id];
        node.span = range.start + self.base..range.end + self.base;
        node.kind = NodeKind::Scalar(scalar);
    }
}

fn empty_scalar(at: usize) -> NodeKind {
    NodeKind::Scalar(Scalar {
        text: String::new(),
        value: at..at,
        exact: true,
        style: Style::Plain,
        templated: false,
    })
}

/// Splits `key: value` (or `key:`) into the key's and the value's ranges in
/// `content`. Quoted keys are allowed; `a:b` and `http://x` are not keys.
fn split_key(content: &str) -> Option<(Range<usize>, Range<usize>)> {
    let bytes = content.as_bytes();
    let first = *bytes.first()?;
    if matches!(
        first,
        b'[' | b'{' | b'|' | b'>' | b'*' | b'&' | b'!' | b'%' | b'@' | b'`' | b'?' | b'#'
    ) {
        return None;
    }
    let key_end;
    let mut at;
    if first == b'"' || first == b'\'' {
        let close = content[1..].find(first as char)? + 1;
        key_end = close + 1;
        at = key_end;
        while at < bytes.len() && bytes[at] == b' ' {
            at += 1;
        }
        if bytes.get(at) != Some(&b':') {
            return None;
        }
    } else {
        let mut i = 0;
        loop {
            let colon = content[i..].find(':')? + i;
            let next = bytes.get(colon + 1);
            if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
                at = colon;
                break;
            }
            i = colon + 1;
        }
        if content[..at].contains(" #") {
            return None;
        }
        key_end = content[..at].trim_end().len();
    }
    if key_end == 0 {
        return None;
    }
    let value_start = (at + 1).min(content.len());
    Some((0..key_end, value_start..content.len()))
}

/// A value without a trailing ` # comment` (outside quotes).
fn strip_comment(value: &str) -> &str {
    let trimmed = value.trim();
    if trimmed.starts_with('"') || trimmed.starts_with('\'') {
        return match closing_quote(trimmed) {
            Some(end) => &trimmed[..end],
            None => trimmed,
        };
    }
    match trimmed.find(" #").or_else(|| trimmed.find("\t#")) {
        Some(at) => trimmed[..at].trim_end(),
        None if trimmed.starts_with('#') => "",
        None => trimmed,
    }
}

/// The end (past the closing quote) of the quoted scalar `text` starts with:
/// `''` escapes a single quote, `\` escapes in double quotes.
fn closing_quote(text: &str) -> Option<usize> {
    let quote = text.as_bytes().first().copied()?;
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// A value without a leading `&anchor` or `!tag`.
fn strip_anchor(value: &str) -> &str {
    let mut value = value.trim_start();
    while value.starts_with('&') || value.starts_with('!') {
        value = match value.find([' ', '\t']) {
            Some(at) => value[at..].trim_start(),
            None => "",
        };
    }
    value
}

fn quoted_inner(text: &str, quote: char) -> Option<&str> {
    (text.len() >= 2 && text.starts_with(quote) && text.ends_with(quote))
        .then(|| &text[1..text.len() - 1])
}

fn unquote(key: &str) -> String {
    if let Some(inner) = quoted_inner(key, '"') {
        unescape_double(inner)
    } else if let Some(inner) = quoted_inner(key, '\'') {
        inner.replace("''", "'")
    } else {
        key.to_string()
    }
}

fn unescape_double(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lenient(text: &str) -> Yaml {
        parse(text, 0, &[])
    }

    #[test]
    fn keys_are_told_from_values_with_colons() {
        assert_eq!(split_key("a: b"), Some((0..1, 2..4)));
        assert_eq!(split_key("a:"), Some((0..1, 2..2)));
        assert_eq!(split_key("url: http://x:80"), Some((0..3, 4..16)));
        assert_eq!(split_key("\"quoted key\": v"), Some((0..12, 13..15)));
        assert_eq!(split_key("http://x"), None);
        assert_eq!(split_key("plain words"), None);
        assert_eq!(split_key("# a: b"), None);
    }

    #[test]
    fn kubernetes_style_sequences_and_nesting() {
        let text = "spec:\n  containers:\n  - name: a\n    image: x\n    env:\n      - name: K\n        value: \"v\"\n  - name: b\n";
        let yaml = lenient(text);
        let doc = yaml.docs().next().unwrap();
        let containers = yaml.path(doc, &["spec", "containers"]).unwrap();
        assert_eq!(yaml.items(containers).len(), 2);
        let first = yaml.items(containers)[0];
        let env = yaml.get(first, "env").unwrap();
        let var = yaml.items(env)[0];
        let value = yaml.literal(yaml.get(var, "value").unwrap()).unwrap();
        assert_eq!(&text[value.value.clone()], "v");
        assert_eq!(
            yaml.path_str(yaml.items(containers)[1], &["name"]),
            Some("b")
        );
    }

    #[test]
    fn documents_blocks_and_comments() {
        let text = "a: 1 # one\nb: |\n  line1\n  line2\nc: 'it''s'\n---\nd:\n- - nested\n";
        let yaml = lenient(text);
        let docs: Vec<_> = yaml.docs().collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(yaml.path_str(docs[0], &["a"]), Some("1"));
        assert_eq!(yaml.path_str(docs[0], &["b"]), Some("line1\nline2\n"));
        assert_eq!(yaml.path_str(docs[0], &["c"]), Some("it's"));
        let d = yaml.get(docs[1], "d").unwrap();
        assert_eq!(yaml.items(yaml.items(d)[0]).len(), 1);
    }

    #[test]
    fn empty_values_before_siblings_are_empty_scalars() {
        let yaml = lenient("a:\nb: x\n");
        let doc = yaml.docs().next().unwrap();
        assert_eq!(yaml.path_str(doc, &["a"]), Some(""));
        assert_eq!(yaml.path_str(doc, &["b"]), Some("x"));
    }
}
