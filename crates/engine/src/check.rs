//! Structured checks: code that reads one kind of file (a Dockerfile, a
//! compose file, a Kubernetes manifest, a dotenv file…) with a real parser and
//! reports exact places, next to the pattern rules that are data.
//!
//! A check carries the same metadata and examples as a pattern rule, so
//! `tattle rules list`, the docs and the example tests treat both alike.

use crate::checks::dockerfile::Dockerfile;
use crate::checks::yaml::Yaml;
use crate::info::{Example, RuleInfo};
use crate::severity::{Confidence, Severity};
use std::cell::OnceCell;
use std::ops::{Deref, Range};

/// One file as a check sees it.
#[derive(Debug, Clone, Copy)]
pub struct SourceFile<'a> {
    /// The file's path as reported (`/` separators), relative to the scan root
    /// or the repository.
    pub path: &'a str,
    /// The file's contents.
    pub bytes: &'a [u8],
    /// Whether the file is committed to (or staged in) git, rather than only
    /// present in the working tree.
    pub committed: bool,
}

impl SourceFile<'_> {
    /// The last component of the path.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(self.path)
    }
}

/// A file handed to the checks that apply to it, with the parsed forms they
/// share. Several checks read the same YAML file or Dockerfile; the first one
/// that asks parses it and the others reuse the result. It lives for one file
/// on one thread, so the caches need no locks.
///
/// Dereferences to the [`SourceFile`], so `file.path` and `file.bytes` work as
/// on a plain source file.
#[derive(Debug)]
pub struct CheckFile<'a> {
    source: SourceFile<'a>,
    yaml: OnceCell<Yaml>,
    dockerfile: OnceCell<Dockerfile>,
}

impl<'a> CheckFile<'a> {
    /// Wraps a source file; nothing is parsed until a check asks.
    pub fn new(source: SourceFile<'a>) -> Self {
        CheckFile {
            source,
            yaml: OnceCell::new(),
            dockerfile: OnceCell::new(),
        }
    }

    /// The plain source file.
    pub fn source(&self) -> &SourceFile<'a> {
        &self.source
    }

    /// The file read as YAML (parsed on first use).
    pub fn yaml(&self) -> &Yaml {
        self.yaml.get_or_init(|| Yaml::parse(self.source.bytes))
    }

    /// The file read as a Dockerfile (parsed on first use).
    pub fn dockerfile(&self) -> &Dockerfile {
        self.dockerfile
            .get_or_init(|| Dockerfile::parse(self.source.bytes))
    }
}

impl<'a> Deref for CheckFile<'a> {
    type Target = SourceFile<'a>;

    fn deref(&self) -> &SourceFile<'a> {
        &self.source
    }
}

/// What a check reports: a place in the file and what it found there.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckHit {
    /// Byte span of the offending construct (for example a whole `FROM` line).
    pub span: Range<usize>,
    /// Byte span of the value reported (the password, the image reference…);
    /// the finding's line and columns point here.
    pub value: Range<usize>,
    /// Replaces the check's severity when set.
    pub severity: Option<Severity>,
    /// Replaces the check's confidence when set.
    pub confidence: Option<Confidence>,
    /// What exactly is wrong, for the report (e.g. "image `node` has no tag").
    pub note: Option<String>,
    /// The value as decoded, when `value` is its encoded form (a Kubernetes
    /// Secret's base64 `data`): the finding's secret hash and fingerprint
    /// come from it, as for the pattern rules' decoded secrets.
    pub decoded: Option<(Vec<u8>, crate::Encoding)>,
}

impl CheckHit {
    /// A hit whose value is `value`, inside the construct `span`.
    pub fn new(span: Range<usize>, value: Range<usize>) -> Self {
        CheckHit {
            span,
            value,
            severity: None,
            confidence: None,
            note: None,
            decoded: None,
        }
    }

    /// Adds a note explaining the hit.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Overrides the check's severity for this hit.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Overrides the check's confidence for this hit.
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = Some(confidence);
        self
    }
}

/// A structured check. Implementations are stateless and shared by all threads.
pub trait Check: Send + Sync + std::fmt::Debug {
    /// Id, documentation and impact.
    fn info(&self) -> RuleInfo;
    /// Files the check must report something in.
    fn examples(&self) -> Vec<Example>;
    /// Files the check must report nothing in.
    fn negative_examples(&self) -> Vec<Example>;
    /// Whether the check reads this file at all (decided from its path and
    /// whether it is committed). Called for every file, so keep it cheap.
    fn applies_to(&self, file: &SourceFile<'_>) -> bool;
    /// Examines one file and appends what it finds to `out`. Must not panic,
    /// whatever the bytes: a file the parser rejects yields no hits. Parsed
    /// forms of the file (YAML, Dockerfile) come from `file` and are shared
    /// with the other checks that read it.
    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>);
}
