//! The per-file stage every mode shares: run the matcher on one file's bytes
//! and turn what survives the filters into findings.
//!
//! A file larger than one chunk arrives in overlapping chunks (see
//! [`tattle_walk::chunk`]): each is scanned with the pattern rules, and only
//! matches whose value starts in the part the chunk owns are kept, so a
//! match in an overlap is reported once; lines and columns are counted from
//! the file's start. The structured checks parse whole files, so they run on
//! files that fit one chunk (their parsers stop well below that size anyway).

use crate::filter::{Filters, has_inline_allow};
use crate::finding::{Finding, FindingBuilder, TextOrigin};
use std::ops::Range;
use tattle_engine::{Matcher, RawMatch, RuleSet, SourceFile};
use tattle_walk::chunk::Length;
use tattle_walk::{Chunk, ChunkSize};

/// Chunks are this large (also each reading thread's buffer).
pub const CHUNK_SIZE: usize = ChunkSize::DEFAULT_SIZE;

/// How files and blobs larger than a chunk are cut for `rules`: enough
/// context around each chunk for any match to be seen whole.
pub fn chunk_size(rules: &RuleSet) -> ChunkSize {
    ChunkSize::new(CHUNK_SIZE, rules.match_reach())
}

/// Settings of the finding stage.
#[derive(Debug, Clone, Copy)]
pub struct FindingOptions {
    /// Keep secrets in clear in findings.
    pub show_secrets: bool,
}

/// One thread's scanner: its own matcher, shared filters.
pub struct FileScanner<'a> {
    matcher: Matcher<'a>,
    filters: &'a Filters,
    options: FindingOptions,
    /// Where the next chunk of the file being read starts in its text.
    origin: TextOrigin,
}

impl<'a> FileScanner<'a> {
    /// A scanner running `rules` and dropping what `filters` allow.
    pub fn new(rules: &'a RuleSet, filters: &'a Filters, options: FindingOptions) -> Self {
        FileScanner {
            matcher: rules.matcher(),
            filters,
            options,
            origin: TextOrigin::default(),
        }
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &'a RuleSet {
        self.matcher.rule_set()
    }

    /// Scans one file and appends its findings to `out`. `keep_line` decides,
    /// by the 1-based line of a finding's value, whether it is reported (the
    /// staged mode keeps only added lines).
    pub fn scan(
        &mut self,
        file: &SourceFile<'_>,
        keep_line: impl Fn(usize) -> bool,
        out: &mut Vec<Finding>,
    ) {
        let matches = self.matcher.scan(file);
        if matches.is_empty() {
            return;
        }
        let builder = FindingBuilder::new(file.bytes, file.path, self.options.show_secrets);
        self.keep(file, &matches, &builder, None, keep_line, out);
    }

    /// Scans one chunk of a file (chunks of a file come in order, the whole
    /// file as a single chunk when it fits) and appends its findings to `out`.
    pub fn scan_chunk(
        &mut self,
        path: &str,
        committed: bool,
        chunk: &Chunk<'_>,
        keep_line: impl Fn(usize) -> bool,
        out: &mut Vec<Finding>,
    ) {
        let file = SourceFile {
            path,
            bytes: chunk.bytes,
            committed,
        };
        if chunk.is_whole() {
            self.scan(&file, keep_line, out);
            return;
        }
        if chunk.is_first() {
            self.origin = TextOrigin::default();
        }
        let matches = self.matcher.scan_patterns(&file);
        if !matches.is_empty() {
            let builder = FindingBuilder::new(chunk.bytes, path, self.options.show_secrets)
                .starting_at(self.origin);
            let owned = Some(chunk.owned_range());
            self.keep(&file, &matches, &builder, owned, keep_line, out);
        }
        if let Some(next) = chunk.next {
            self.origin = self.origin.advanced(&chunk.bytes[..next]);
        }
    }

    /// Scans bytes already in memory (a git blob): whole when they fit one
    /// chunk, else chunk by chunk through `buffer`, so that the matcher's
    /// working memory stays bounded.
    pub fn scan_bytes(
        &mut self,
        file: &SourceFile<'_>,
        size: ChunkSize,
        buffer: &mut Vec<u8>,
        keep_line: impl Fn(usize) -> bool,
        out: &mut Vec<Finding>,
    ) {
        if size.fits(file.bytes.len() as u64) {
            self.scan(file, keep_line, out);
            return;
        }
        let len = file.bytes.len() as u64;
        // Reading from memory cannot fail.
        let _ = tattle_walk::chunk::read_chunks(
            file.bytes,
            Length::About(len),
            size,
            u64::MAX,
            buffer,
            |chunk| self.scan_chunk(file.path, file.committed, &chunk, &keep_line, out),
        );
        if buffer.capacity() > 1 << 20 {
            *buffer = Vec::new();
        }
    }

    /// Turns the matches (whose value starts in `owned`, when given) into findings, unless
    /// an inline allow, an allowlisted secret or `keep_line` drops them.
    fn keep(
        &self,
        file: &SourceFile<'_>,
        matches: &[RawMatch],
        builder: &FindingBuilder<'_>,
        owned: Option<Range<usize>>,
        keep_line: impl Fn(usize) -> bool,
        out: &mut Vec<Finding>,
    ) {
        let rules = self.matcher.rule_set();
        for raw in matches {
            if owned
                .as_ref()
                .is_some_and(|owned| !owned.contains(&raw.secret.start))
                || has_inline_allow(builder.line_text(raw.secret.start))
                || has_inline_allow(builder.line_text(raw.span.start))
                || self.filters.secret_allowed(raw.value(file.bytes))
            {
                continue;
            }
            let finding = builder.build(raw, rules.rule(raw.rule));
            if keep_line(finding.line) {
                out.push(finding);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Allowlist;

    /// (rule, line, column, end line, end column) of every finding.
    fn keys(findings: &[Finding]) -> Vec<(String, usize, usize, usize, usize)> {
        let mut keys: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.rule_id.clone(),
                    f.line,
                    f.column,
                    f.end_line,
                    f.end_column,
                )
            })
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn a_file_scanned_in_chunks_gives_the_findings_of_the_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/demo");
        let mut sample = Vec::new();
        for file in [
            "app/settings.py",
            "keys/deploy_key",
            "web/src/supabase.ts",
            "docs/setup.md",
        ] {
            sample.extend(std::fs::read(root.join(file)).unwrap());
        }
        // Copies of the demo's secrets (keys, tokens, a multi-line private
        // key) at shifting offsets, long lines and multi-byte text between
        // them, so that chunk boundaries fall everywhere.
        let mut text = Vec::new();
        let mut n = 0;
        while text.len() < 3 << 20 {
            text.extend_from_slice(&sample);
            text.extend(std::iter::repeat_n(b'x', n * 7919 % 70_000));
            text.extend_from_slice("é😀 ".repeat(n % 50).as_bytes());
            if n % 3 == 0 {
                text.push(b'\n');
            }
            n += 1;
        }
        let rules = RuleSet::builtin().unwrap();
        let filters = Filters::new(&Allowlist::default(), None).unwrap();
        let options = FindingOptions {
            show_secrets: false,
        };
        let file = SourceFile {
            path: "notes.txt",
            bytes: &text,
            committed: true,
        };
        let mut whole = Vec::new();
        FileScanner::new(&rules, &filters, options).scan(&file, |_| true, &mut whole);
        let size = ChunkSize::new(300 << 10, rules.match_reach());
        assert!(!size.fits(text.len() as u64));
        let mut chunked = Vec::new();
        FileScanner::new(&rules, &filters, options).scan_bytes(
            &file,
            size,
            &mut Vec::new(),
            |_| true,
            &mut chunked,
        );
        assert!(whole.len() > 100, "{}", whole.len());
        assert_eq!(keys(&chunked), keys(&whole));
    }
}
