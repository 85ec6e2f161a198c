//! YAML as the checks read it: a small tree of maps, sequences and scalars in
//! one arena, with the exact byte range of every node and every scalar's
//! value, so that a finding points at the value's own line and columns.
//!
//! The parser is [`saphyr_parser`], the maintained successor of `yaml-rust2`
//! by the same maintainers: a complete YAML 1.2 parser in pure Rust with a
//! small dependency tree, whose event API gives a start *and* end marker for
//! every event (`yaml-rust2` gives only a start) and never expands aliases
//! itself. We build our own tree from its events rather than load its `Yaml`
//! values because:
//!
//! - aliases stay references to the anchored node (`Alias(target)`), never
//!   copies, so a billion-laughs document costs as many nodes as it has
//!   events, and the walks the checks do are bounded (see [`Yaml::entries`]);
//! - positions are kept for every node (saphyr's markers count characters;
//!   [`CharIndex`] turns them into byte offsets);
//! - what a check needs (a map's entries with merge keys, a scalar's literal
//!   text, whether a value came from a template) is a handful of helpers.
//!
//! Files are never rejected. Before parsing, Helm/Go template directives
//! (`{{ … }}`) are blanked out in place, byte for byte, so the offsets stay
//! those of the file and most chart templates become valid YAML; scalars that
//! overlapped a directive are marked [`Scalar::templated`]. A file that still
//! does not parse (a template that builds structure, a syntax error, a
//! truncated file) is read by a line-aware fallback ([`lenient`]) that follows
//! indentation, `key: value` and `- item` lines, and the tree is marked
//! [`Yaml::recovered`], which checks that need certainty (a *missing* key)
//! respect. Invalid UTF-8 bytes are read as `?`, a BOM is skipped, CRLF line
//! ends are fine, and files above [`MAX_YAML_BYTES`] or with more than
//! [`MAX_NODES`] nodes are not parsed at all.

mod lenient;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

/// Files larger than this are not parsed (generated data, not configuration).
pub const MAX_YAML_BYTES: usize = 4 << 20;
/// A parse that produces more nodes than this is abandoned.
pub const MAX_NODES: usize = 200_000;
/// How many merge keys (`<<: *base`) deep [`Yaml::entries`] follows.
const MAX_MERGE_DEPTH: usize = 4;
/// How many alias hops [`Yaml::resolve`] follows.
const MAX_ALIAS_HOPS: usize = 8;

/// Index of a node in its [`Yaml`] arena.
pub type NodeId = usize;

/// One parsed YAML file: every document's nodes in one arena.
#[derive(Debug, Default)]
pub struct Yaml {
    nodes: Vec<Node>,
    /// Root node of each document and the range of node ids it owns.
    docs: Vec<(NodeId, Range<NodeId>)>,
    recovered: bool,
    templated: bool,
    skipped: bool,
}

/// A node and the bytes it covers in the file.
#[derive(Debug, Clone)]
pub struct Node {
    /// Byte range of the whole node in the file.
    pub span: Range<usize>,
    /// What it is.
    pub kind: NodeKind,
}

/// The shape of a node.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar (a missing value, `key:`, is an empty plain scalar).
    Scalar(Scalar),
    /// A sequence's items.
    Seq(Vec<NodeId>),
    /// A mapping's entries in file order: (key, value).
    Map(Vec<(NodeId, NodeId)>),
    /// `*name`: the anchored node, when known.
    Alias(Option<NodeId>),
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `value`
    Plain,
    /// `'value'`
    SingleQuoted,
    /// `"value"`
    DoubleQuoted,
    /// `|` or `>` block.
    Block,
    /// A flow collection (`[a, b]`, `{a: b}`) the line fallback kept as text.
    Flow,
}

/// A scalar: its text and where the text is in the file.
#[derive(Debug, Clone)]
pub struct Scalar {
    /// The value after unquoting and folding.
    pub text: String,
    /// Byte range of the value in the file: inside the quotes for quoted
    /// scalars. When [`Scalar::exact`], `file[value] == text`.
    pub value: Range<usize>,
    /// Whether the bytes at `value` are exactly `text` (no escapes, no
    /// folding), so that positions inside the text are positions in the file.
    pub exact: bool,
    /// How it was written.
    pub style: Style,
    /// Whether a template directive (`{{ … }}`) was part of it: its real value
    /// is only known when the chart is rendered.
    pub templated: bool,
}

impl Scalar {
    /// The file range of `text[range]`, when the text sits in the file as is.
    pub fn sub_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        (self.exact && range.end <= self.text.len())
            .then(|| self.value.start + range.start..self.value.start + range.end)
    }

    /// Whether the scalar is empty or YAML's null (`~`, `null`).
    pub fn is_null(&self) -> bool {
        self.style == Style::Plain
            && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }
}

impl Yaml {
    /// Parses `bytes` as a YAML stream. Never fails and never panics: what
    /// cannot be parsed strictly is read line by line, and what is too large
    /// is not read.
    pub fn parse(bytes: &[u8]) -> Yaml {
        if bytes.len() > MAX_YAML_BYTES {
            return Yaml {
                skipped: true,
                ..Yaml::default()
            };
        }
        let (bytes, base) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (rest, 3),
            None => (bytes, 0),
        };
        let mut text = lossless_text(bytes);
        let templates = if memchr::memmem::find(bytes, b"{{").is_some() {
            blank_templates(text.to_mut())
        } else {
            Vec::new()
        };
        let mut yaml = match parse_strict(&text, base, &templates) {
            Ok(yaml) => yaml,
            Err(Failure::TooLarge) => Yaml {
                skipped: true,
                ..Yaml::default()
            },
            Err(Failure::Syntax) => {
                let mut yaml = lenient::parse(&text, base, &templates);
                yaml.recovered = true;
                yaml
            }
        };
        yaml.templated = !templates.is_empty();
        yaml
    }

    /// Gives each document every node from its root to the next root: nodes
    /// are pushed in file order, root first.
    fn close_docs(&mut self) {
        let total = self.nodes.len();
        let starts: Vec<NodeId> = self.docs.iter().map(|(root, _)| *root).collect();
        for (i, doc) in self.docs.iter_mut().enumerate() {
            doc.1 = doc.0..starts.get(i + 1).copied().unwrap_or(total);
        }
    }

    /// The root node of every document, in order.
    pub fn docs(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.docs.iter().map(|(root, _)| *root)
    }

    /// The ids of every node of document `root` (the root included), in
    /// file order. Each node appears once: aliases are not expanded.
    pub fn doc_nodes(&self, root: NodeId) -> Range<NodeId> {
        self.docs
            .iter()
            .find(|(r, _)| *r == root)
            .map_or(0..0, |(_, range)| range.clone())
    }

    /// Whether the strict parser failed and the tree comes from the
    /// line-by-line fallback: present keys are right, but a key may be missing
    /// because the fallback could not read the lines that set it.
    pub fn recovered(&self) -> bool {
        self.recovered
    }

    /// Whether the file has template directives (`{{ … }}`), such as a Helm
    /// chart template: values and whole blocks may come from elsewhere.
    pub fn templated(&self) -> bool {
        self.templated
    }

    /// Whether the file was too large to parse.
    pub fn skipped(&self) -> bool {
        self.skipped
    }

    /// The node `id` as written (an alias stays an alias).
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// Number of nodes in the arena.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the file has no nodes at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The node an alias stands for (a few hops at most); other nodes are themselves.
    pub fn resolve(&self, mut id: NodeId) -> NodeId {
        for _ in 0..MAX_ALIAS_HOPS {
            match self.nodes[id].kind {
                NodeKind::Alias(Some(target)) => id = target,
                _ => return id,
            }
        }
        id
    }

    /// The scalar at `id` (through an alias), templated or not.
    pub fn scalar(&self, id: NodeId) -> Option<&Scalar> {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The scalar at `id` when its value is written in the file, not produced
    /// by a template.
    pub fn literal(&self, id: NodeId) -> Option<&Scalar> {
        self.scalar(id).filter(|s| !s.templated)
    }

    /// The text of the literal scalar at `id`.
    pub fn str(&self, id: NodeId) -> Option<&str> {
        self.literal(id).map(|s| s.text.as_str())
    }

    /// The items of the sequence at `id` (through an alias); empty otherwise.
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[self.resolve(id)].kind {
            NodeKind::Seq(items) => items,
            _ => &[],
        }
    }

    /// Whether `id` is (an alias of) a mapping.
    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Map(_))
    }

    /// Whether `id` is (an alias of) a sequence.
    pub fn is_seq(&self, id: NodeId) -> bool {
        matches!(self.nodes[self.resolve(id)].kind, NodeKind::Seq(_))
    }

    /// The entries of the mapping at `id` (through an alias), with those of
    /// merged mappings (`<<: *base`, `<<: [*a, *b]`) that the mapping does not
    /// set itself. Merges are followed [`MAX_MERGE_DEPTH`] deep at most, so
    /// the work stays proportional to the file, whatever its aliases.
    pub fn entries(&self, id: NodeId) -> Vec<(NodeId, NodeId)> {
        let mut out = Vec::new();
        self.collect_entries(id, 0, &mut out);
        out
    }

    fn collect_entries(&self, id: NodeId, depth: usize, out: &mut Vec<(NodeId, NodeId)>) {
        let NodeKind::Map(entries) = &self.nodes[self.resolve(id)].kind else {
            return;
        };
        let mut merges = Vec::new();
        for &(key, value) in entries {
            if self.str(key) == Some("<<") && self.is_mergeable(key) {
                merges.push(value);
            } else if depth == 0 || !out.iter().any(|&(k, _)| self.same_key(k, key)) {
                out.push((key, value));
            }
        }
        if depth >= MAX_MERGE_DEPTH {
            return;
        }
        for merge in merges {
            if self.is_seq(merge) {
                for &item in self.items(merge) {
                    self.collect_entries(item, depth + 1, out);
                }
            } else {
                self.collect_entries(merge, depth + 1, out);
            }
        }
    }

    fn is_mergeable(&self, key: NodeId) -> bool {
        self.scalar(key).is_some_and(|s| s.style == Style::Plain)
    }

    fn same_key(&self, a: NodeId, b: NodeId) -> bool {
        match (self.str(a), self.str(b)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// The value of `key` in the mapping at `id` (its own entries first, then
    /// merged ones).
    pub fn get(&self, id: NodeId, key: &str) -> Option<NodeId> {
        let NodeKind::Map(entries) = &self.nodes[self.resolve(id)].kind else {
            return None;
        };
        let mut merges = false;
        for &(k, v) in entries {
            match self.str(k) {
                Some(name) if name == key => return Some(v),
                Some("<<") => merges = true,
                _ => {}
            }
        }
        if !merges {
            return None;
        }
        self.entries(id)
            .into_iter()
            .find(|&(k, _)| self.str(k) == Some(key))
            .map(|(_, v)| v)
    }

    /// Whether the mapping at `id` has `key`, whatever its value.
    pub fn has(&self, id: NodeId, key: &str) -> bool {
        self.get(id, key).is_some()
    }

    /// Follows `keys` from the mapping at `id`.
    pub fn path(&self, id: NodeId, keys: &[&str]) -> Option<NodeId> {
        keys.iter().try_fold(id, |at, key| self.get(at, key))
    }

    /// The literal text at `keys` below `id`.
    pub fn path_str(&self, id: NodeId, keys: &[&str]) -> Option<&str> {
        self.path(id, keys).and_then(|v| self.str(v))
    }

    /// Whether the value at `id` is unknown before rendering: a templated
    /// scalar, or an empty value in a templated file (a directive on the next
    /// lines fills it in).
    pub fn is_template_filled(&self, id: NodeId) -> bool {
        match self.scalar(id) {
            Some(s) => s.templated || (self.templated && s.is_null()),
            None => false,
        }
    }

    /// Whether a document looks like a Kubernetes object: a mapping with
    /// literal `apiVersion` and `kind`. Returns the kind.
    pub fn k8s_kind(&self, doc: NodeId) -> Option<&str> {
        self.str(self.get(doc, "apiVersion")?)?;
        self.str(self.get(doc, "kind")?)
    }
}

/// Why a strict parse gave up.
enum Failure {
    Syntax,
    TooLarge,
}

/// A container being filled while events arrive.
struct Open {
    id: NodeId,
    pending_key: Option<NodeId>,
}

fn parse_strict(text: &str, base: usize, templates: &[Range<usize>]) -> Result<Yaml, Failure> {
    let index = CharIndex::new(text);
    let mut yaml = Yaml::default();
    let mut open: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|_| Failure::Syntax)?;
        if yaml.nodes.len() >= MAX_NODES {
            return Err(Failure::TooLarge);
        }
        let range = index.span(text, span);
        let node = match event {
            Event::DocumentStart(_) | Event::DocumentEnd => continue,
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(done) = open.pop() {
                    let node = &mut yaml.nodes[done.id];
                    node.span.end = node.span.end.max(range.end + base);
                }
                continue;
            }
            Event::Scalar(value, style, anchor, _) => {
                let id = yaml.nodes.len();
                let scalar = make_scalar(text, value, style, range.clone(), base, templates);
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                Node {
                    span: range.start + base..range.end + base,
                    kind: NodeKind::Scalar(scalar),
                }
            }
            Event::Alias(anchor) => Node {
                span: range.start + base..range.end + base,
                kind: NodeKind::Alias(anchors.get(&anchor).copied()),
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let id = yaml.nodes.len();
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                let node = Node {
                    span: range.start + base..range.end + base,
                    kind,
                };
                attach(&mut yaml, &mut open, id);
                yaml.nodes.push(node);
                open.push(Open {
                    id,
                    pending_key: None,
                });
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
        };
        let id = yaml.nodes.len();
        attach(&mut yaml, &mut open, id);
        yaml.nodes.push(node);
    }
    yaml.close_docs();
    Ok(yaml)
}

/// Hooks node `id` (about to be pushed) into the innermost open container,
/// or makes it a document root.
fn attach(yaml: &mut Yaml, open: &mut [Open], id: NodeId) {
    let Some(parent) = open.last_mut() else {
        yaml.docs.push((id, id..id + 1));
        return;
    };
    match &mut yaml.nodes[parent.id].kind {
        NodeKind::Seq(items) => items.push(id),
        NodeKind::Map(entries) => match parent.pending_key.take() {
            None => parent.pending_key = Some(id),
            Some(key) => entries.push((key, id)),
        },
        NodeKind::Scalar(_) | NodeKind::Alias(_) => {}
    }
}

/// Builds a scalar from saphyr's event: its text and the exact range of the
/// value in the file.
fn make_scalar(
    text: &str,
    value: Cow<'_, str>,
    style: ScalarStyle,
    range: Range<usize>,
    base: usize,
    templates: &[Range<usize>],
) -> Scalar {
    let raw = text.get(range.clone()).unwrap_or("");
    let (style, inner, exact) = match style {
        ScalarStyle::Plain => (Style::Plain, range.clone(), raw == value),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            let quote = if style == ScalarStyle::SingleQuoted {
                '\''
            } else {
                '"'
            };
            let style = if quote == '\'' {
                Style::SingleQuoted
            } else {
                Style::DoubleQuoted
            };
            if raw.len() >= 2 && raw.starts_with(quote) && raw.ends_with(quote) {
                let inner = range.start + 1..range.end - 1;
                let exact = text.get(inner.clone()) == Some(value.as_ref());
                (style, inner, exact)
            } else {
                (style, range.clone(), false)
            }
        }
        _ => (Style::Block, range.clone(), false),
    };
    // An empty plain scalar (`key:`) has an empty span at the next token; put
    // it right after the key instead, at the span's start.
    let inner = if value.is_empty() && style == Style::Plain {
        range.start..range.start
    } else {
        inner
    };
    let templated = overlaps_any(templates, &range);
    Scalar {
        text: value.into_owned(),
        value: inner.start + base..inner.end + base,
        exact,
        style,
        templated,
    }
}

fn overlaps_any(ranges: &[Range<usize>], range: &Range<usize>) -> bool {
    ranges
        .iter()
        .any(|t| t.start < range.end.max(range.start + 1) && range.start < t.end)
}

/// Turns saphyr's character indexes into byte offsets. ASCII text maps one to
/// one; other text keeps a checkpoint every [`CharIndex::STEP`] characters.
struct CharIndex {
    checkpoints: Option<Vec<usize>>,
}

impl CharIndex {
    const STEP: usize = 64;

    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex { checkpoints: None };
        }
        let checkpoints = text
            .char_indices()
            .step_by(Self::STEP)
            .map(|(byte, _)| byte)
            .collect();
        CharIndex {
            checkpoints: Some(checkpoints),
        }
    }

    fn byte(&self, text: &str, char_index: usize) -> usize {
        let Some(checkpoints) = &self.checkpoints else {
            return char_index.min(text.len());
        };
        let Some(&start) = checkpoints.get(char_index / Self::STEP) else {
            return text.len();
        };
        let rest = char_index % Self::STEP;
        text[start..]
            .char_indices()
            .nth(rest)
            .map_or(text.len(), |(offset, _)| start + offset)
    }

    fn span(&self, text: &str, span: Span) -> Range<usize> {
        let start = self.byte(text, span.start.index());
        let end = self.byte(text, span.end.index()).max(start);
        start..end
    }
}

/// Bytes as text with the same length: each byte of an invalid UTF-8
/// sequence becomes `?`, so byte offsets stay those of the file.
pub fn lossless_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    Cow::Owned(text)
}

/// Blanks Go/Helm template directives in place and returns their ranges. A
/// line made only of directives (`{{- if … }}`, `{{- toYaml … | nindent 8 }}`)
/// becomes spaces; a directive inside a value (`image: "{{ .Values.image }}"`,
/// `name: {{ include "x" . }}`) becomes `x`s. Line breaks are kept, so lines
/// and byte offsets do not move. An unclosed `{{` ends with its line.
pub fn blank_templates(text: &mut String) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(found) = memchr::memmem::find(&bytes[at..], b"{{") {
        let start = at + found;
        let end = match memchr::memmem::find(&bytes[start + 2..], b"}}") {
            Some(i) => start + 2 + i + 2,
            None => memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i),
        };
        ranges.push(start..end);
        at = end;
    }
    if ranges.is_empty() {
        return ranges;
    }
    let mut in_template = vec![false; bytes.len()];
    for range in &ranges {
        in_template[range.clone()].fill(true);
    }
    // Every replaced byte becomes ASCII and a directive's bounds are ASCII
    // (`{{`, `}}`, a line end), so whole UTF-8 sequences are replaced together
    // and the text stays valid.
    let mut out = std::mem::take(text).into_bytes();
    for range in &ranges {
        let line_start = memchr::memrchr(b'\n', &out[..range.start]).map_or(0, |i| i + 1);
        let line_end =
            memchr::memchr(b'\n', &out[range.end..]).map_or(out.len(), |i| range.end + i);
        let alone = (line_start..line_end).all(|i| in_template[i] || out[i].is_ascii_whitespace());
        let fill = if alone { b' ' } else { b'x' };
        for byte in &mut out[range.clone()] {
            if *byte != b'\n' && *byte != b'\r' {
                *byte = fill;
            }
        }
    }
    *text = String::from_utf8(out).unwrap_or_else(|e| {
        String::from_utf8_lossy(e.as_bytes())
            .chars()
            .map(|c| if c == '\u{FFFD}' { '?' } else { c })
            .collect()
    });
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of<'y>(yaml: &'y Yaml, doc: NodeId, keys: &[&str]) -> &'y Scalar {
        yaml.scalar(yaml.path(doc, keys).expect("path"))
            .expect("scalar")
    }

    #[test]
    fn scalars_know_their_exact_byte_range() {
        let text = "a:\n  b: plain\n  c: \"quoted\"\n  d: 'single'\n  é: ünï\n";
        let yaml = Yaml::parse(text.as_bytes());
        assert!(!yaml.recovered());
        let doc = yaml.docs().next().unwrap();
        for (key, want) in [
            ("b", "plain"),
            ("c", "quoted"),
            ("d", "single"),
            ("é", "ünï"),
        ] {
            let s = value_of(&yaml, doc, &["a", key]);
            assert_eq!(&text[s.value.clone()], want, "{key}");
            assert!(s.exact);
        }
    }

    #[test]
    fn bom_crlf_and_invalid_utf8_keep_offsets() {
        let mut bytes = b"\xEF\xBB\xBFkey: value\r\nother: \xFF\xFE x\r\nlast: here\r\n".to_vec();
        let yaml = Yaml::parse(&bytes);
        let doc = yaml.docs().next().unwrap();
        let s = value_of(&yaml, doc, &["key"]);
        assert_eq!(&bytes[s.value.clone()], b"value");
        let s = value_of(&yaml, doc, &["last"]);
        assert_eq!(&bytes[s.value.clone()], b"here");
        bytes.truncate(9);
        let _ = Yaml::parse(&bytes);
    }

    #[test]
    fn multiple_documents_are_kept_apart() {
        let text = "a: 1\n---\nb: 2\n---\n- x\n- y\n";
        let yaml = Yaml::parse(text.as_bytes());
        let docs: Vec<_> = yaml.docs().collect();
        assert_eq!(docs.len(), 3);
        assert!(yaml.get(docs[0], "a").is_some());
        assert!(yaml.get(docs[0], "b").is_none());
        assert!(yaml.get(docs[1], "b").is_some());
        assert_eq!(yaml.items(docs[2]).len(), 2);
        let ranges: Vec<_> = docs.iter().map(|&d| yaml.doc_nodes(d)).collect();
        assert!(ranges[0].end <= ranges[1].start && ranges[1].end <= ranges[2].start);
        assert_eq!(ranges[2].end, yaml.len());
    }

    #[test]
    fn anchors_aliases_and_merge_keys_resolve() {
        let text =
            "base: &b\n  user: app\n  password: s\nsvc:\n  <<: *b\n  password: own\nref: *b\n";
        let yaml = Yaml::parse(text.as_bytes());
        let doc = yaml.docs().next().unwrap();
        assert_eq!(yaml.path_str(doc, &["svc", "user"]), Some("app"));
        assert_eq!(yaml.path_str(doc, &["svc", "password"]), Some("own"));
        assert_eq!(yaml.path_str(doc, &["ref", "user"]), Some("app"));
    }

    #[test]
    fn billion_laughs_stays_small_and_fast() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{}]\n", pair[1], pair[1], refs));
        }
        // A merge-key bomb too: each map merges the previous one nine times.
        text.push_str("m0: &m0 {k: v}\n");
        for i in 1..12 {
            let refs = vec![format!("*m{}", i - 1); 9].join(", ");
            text.push_str(&format!("m{i}: &m{i} {{<<: [{refs}]}}\n"));
        }
        let started = std::time::Instant::now();
        let yaml = Yaml::parse(text.as_bytes());
        assert!(
            yaml.len() < 1000,
            "aliases are not expanded: {}",
            yaml.len()
        );
        let doc = yaml.docs().next().unwrap();
        let j = yaml.get(doc, "j").unwrap();
        assert_eq!(yaml.items(j).len(), 9);
        let m = yaml.get(doc, "m11").unwrap();
        assert!(yaml.entries(m).len() < 100_000);
        assert_eq!(yaml.path_str(doc, &["m4", "k"]), Some("v"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    #[test]
    fn helm_templates_are_blanked_and_marked() {
        let text = "metadata:\n  name: {{ include \"app.fullname\" . }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\nspec:\n  image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n  plain: nginx:1.25\n";
        let yaml = Yaml::parse(text.as_bytes());
        assert!(!yaml.recovered(), "blanking makes it valid YAML");
        assert!(yaml.templated());
        let doc = yaml.docs().next().unwrap();
        assert!(value_of(&yaml, doc, &["metadata", "name"]).templated);
        assert!(value_of(&yaml, doc, &["spec", "image"]).templated);
        let plain = value_of(&yaml, doc, &["spec", "plain"]);
        assert!(!plain.templated);
        assert_eq!(&text[plain.value.clone()], "nginx:1.25");
        assert!(yaml.is_template_filled(yaml.path(doc, &["metadata", "labels"]).unwrap()));
    }

    #[test]
    fn invalid_yaml_falls_back_to_lines() {
        let text = "spec:\n  containers:\n  - name: app\n    image: nginx:latest\n    args: [unclosed\n  - name: side\n    image: busybox\n";
        let yaml = Yaml::parse(text.as_bytes());
        assert!(yaml.recovered());
        let doc = yaml.docs().next().unwrap();
        let containers = yaml.path(doc, &["spec", "containers"]).unwrap();
        let images: Vec<_> = yaml
            .items(containers)
            .iter()
            .filter_map(|&c| yaml.path_str(c, &["image"]))
            .collect();
        assert_eq!(images, ["nginx:latest", "busybox"]);
        let first = yaml.items(containers)[0];
        let image = yaml.literal(yaml.get(first, "image").unwrap()).unwrap();
        assert_eq!(&text[image.value.clone()], "nginx:latest");
    }

    #[test]
    fn never_panics_on_garbage() {
        let inputs: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"\xEF\xBB\xBF".to_vec(),
            b":".to_vec(),
            b"- - - -\n  - :\n:::\n".to_vec(),
            b"{{".to_vec(),
            b"a: {{ b\n".to_vec(),
            b"key: \"unterminated\n".to_vec(),
            b"a: &x\n  b: *x\n".to_vec(),
            b"*undefined\n".to_vec(),
            b"a: |\n  block\n b: wrong\n".to_vec(),
            b"\t\t- x\n\tkey:\tvalue\n".to_vec(),
            b"? complex\n: value\n".to_vec(),
            b"%YAML 1.2\n%TAG ! x\n--- !x\n".to_vec(),
            vec![0xff; 100],
            "é: ü\n  - ß\n".as_bytes().to_vec(),
            "[".repeat(10_000).into_bytes(),
            "a:\n".repeat(2000).into_bytes(),
            (0..3000)
                .map(|i| format!("{}- k{i}: v\n", " ".repeat(i % 40)))
                .collect::<String>()
                .into_bytes(),
        ];
        for input in inputs {
            let yaml = Yaml::parse(&input);
            for doc in yaml.docs().collect::<Vec<_>>() {
                for id in yaml.doc_nodes(doc) {
                    let node = yaml.node(id);
                    assert!(node.span.start <= node.span.end && node.span.end <= input.len());
                    let _ = yaml.entries(id);
                    let _ = yaml.items(id);
                    if let Some(s) = yaml.scalar(id) {
                        assert!(s.value.end <= input.len(), "{s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn truncated_documents_never_panic() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: \"admin\"\n  user: [a, {b: c}]\n";
        for end in 0..=text.len() {
            let yaml = Yaml::parse(&text.as_bytes()[..end]);
            for doc in yaml.docs().collect::<Vec<_>>() {
                let _ = yaml.k8s_kind(doc);
                for id in yaml.doc_nodes(doc) {
                    if let Some(s) = yaml.scalar(id) {
                        assert!(s.value.end <= end);
                    }
                }
            }
        }
    }

    #[test]
    fn huge_files_are_not_parsed() {
        let text = "k: v\n".repeat(MAX_YAML_BYTES / 5 + 1);
        let yaml = Yaml::parse(text.as_bytes());
        assert!(yaml.skipped());
        assert!(yaml.is_empty());
    }
}
