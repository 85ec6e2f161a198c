//! Context filters: after a rule's regex has found a candidate, these decide
//! whether it is a secret, judging by the value and by what surrounds it.
//!
//! Each filter lives in its own module and does one job. A filter either
//! **drops** a candidate (it is not a secret: a placeholder, a hash, an
//! image) or **lowers** its confidence by one level (it may be a secret, but
//! where it sits makes that less likely: a test, a lockfile). Every pattern
//! rule runs every filter unless it opts out by name (`skip_filters`), where
//! its real tokens look like what a filter drops.
//!
//! | filter | looks at | effect |
//! | --- | --- | --- |
//! | `placeholder` | the value: `your-key-here`, `${VAR}`, `<token>`, `12345678` | drop |
//! | `masked` | the value: `xxxxx`, `*****`, `aaaaaaaa` | drop |
//! | `known-example` | the value: keys published in providers' documentation | drop |
//! | `integrity-hash` | before the value: `sha512-…`, `h1:…`, `sha256:…` | drop |
//! | `data-uri` | before the value: `data:image/png;base64,…`; encoded file headers | drop |
//! | `uuid` | the value: time- or name-based UUIDs (versions 1, 2, 3, 5, 6, 7), nil | drop |
//! | `git-sha` | a 40-hex value named or placed like a commit id | drop |
//! | `public-key` | public keys and certificates (PEM, OpenSSH, base64 DER) | drop |
//! | `reserved-domain` | a URL password for `example.com`, `*.test`… (RFC 2606) | lower |
//! | `example-name` | a value named `example`, `sample`, `fake`, `mock`, `dummy` | drop |
//! | `digest` | a hex or base64 digest named like a hash, or in a checksum file | drop |
//! | `prose` | documentation lines and comments that present the value as an example | drop |
//! | `lockfile` | lockfiles (`package-lock.json`, `go.sum`…) | drop low, lower others |
//! | `generated` | minified, bundled and generated files, lines over 1,000 bytes | drop low, lower medium |
//! | `test-path` | tests, fixtures, mocks, examples | lower |
//!
//! The value filters run first, before entropy and validators, because they
//! are the cheapest; the others run on what a rule's validator accepted.

pub mod data_uri;
pub mod digest;
pub mod example_name;
pub mod generated;
pub mod git_sha;
pub mod integrity;
pub mod known_examples;
pub mod lockfile;
pub mod masked;
pub mod placeholder;
pub mod prose;
pub mod public_key;
pub mod reserved_domain;
pub mod test_path;
pub mod text;
pub mod uuid;

use crate::severity::Confidence;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::ops::Range;

/// The context filters, by the name a rule uses to opt out of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Filter {
    /// Documentation words, template markers and typed sequences.
    Placeholder,
    /// Hand-masked or nearly constant values.
    Masked,
    /// Credentials published in providers' documentation.
    KnownExample,
    /// Integrity and checksum tokens: `sha512-…`, `h1:…`.
    IntegrityHash,
    /// Payloads of `data:` URIs and base64-encoded files such as images.
    DataUri,
    /// UUIDs that are identifiers: time- or name-based, nil.
    Uuid,
    /// Git commit ids.
    GitSha,
    /// Public keys and certificates.
    PublicKey,
    /// URL passwords and tokens for hosts reserved for documentation.
    ReservedDomain,
    /// Values assigned to names saying they are made up.
    ExampleName,
    /// Digests named like hashes.
    Digest,
    /// Examples presented in documentation and comments.
    Prose,
    /// Lockfiles.
    Lockfile,
    /// Minified, bundled and generated files.
    Generated,
    /// Test, fixture and example paths.
    TestPath,
}

/// What a filter concluded about a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// No opinion.
    Keep,
    /// Not a secret.
    Drop,
    /// Less likely to be a live secret: one confidence level lower.
    Lower,
}

/// A candidate secret in its surroundings.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    /// The bytes the rule ran on: a file, or a decoded view of part of one.
    pub haystack: &'a [u8],
    /// Where the secret is in `haystack`.
    pub secret: Range<usize>,
    /// The secret's value: `haystack[secret]`, or its decoded form when it
    /// was percent-encoded.
    pub value: &'a [u8],
    /// The confidence so far (the rule's, or its validator's).
    pub confidence: Confidence,
}

/// What the filters know about the file being scanned, worked out on first
/// use (most files yield no candidate at all).
#[derive(Debug)]
pub struct FileContext<'a> {
    path: &'a str,
    bytes: &'a [u8],
    test: OnceCell<bool>,
    lockfile: OnceCell<bool>,
    generated: OnceCell<bool>,
    docs: OnceCell<bool>,
    checksums: OnceCell<bool>,
}

impl<'a> FileContext<'a> {
    /// The context of the file at `path` with contents `bytes`.
    pub fn new(path: &'a str, bytes: &'a [u8]) -> Self {
        FileContext {
            path,
            bytes,
            test: OnceCell::new(),
            lockfile: OnceCell::new(),
            generated: OnceCell::new(),
            docs: OnceCell::new(),
            checksums: OnceCell::new(),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// A test, fixture, mock or example file.
    pub fn is_test(&self) -> bool {
        *self.test.get_or_init(|| test_path::is_test_path(self.path))
    }

    /// A lockfile.
    pub fn is_lockfile(&self) -> bool {
        *self
            .lockfile
            .get_or_init(|| lockfile::is_lockfile(self.path))
    }

    /// A minified, bundled or generated file (by its name or a header).
    pub fn is_generated(&self) -> bool {
        *self
            .generated
            .get_or_init(|| generated::is_generated_file(self.path, self.bytes))
    }

    /// A documentation file (Markdown, reStructuredText, AsciiDoc).
    pub fn is_docs(&self) -> bool {
        *self.docs.get_or_init(|| prose::is_docs_path(self.path))
    }

    /// A checksum list (`SHA256SUMS`, `*.sha256`).
    pub fn is_checksum_list(&self) -> bool {
        *self
            .checksums
            .get_or_init(|| digest::is_checksum_list(self.path))
    }
}

type ValueFilter = fn(&[u8]) -> bool;
type ContextFilter = fn(&Candidate<'_>, &FileContext<'_>) -> Effect;

/// The filters that look at the value alone; each says whether to drop it.
const VALUE_FILTERS: &[(Filter, ValueFilter)] = &[
    (Filter::Placeholder, placeholder::has_placeholder_marks),
    (Filter::Masked, masked::is_masked),
    (Filter::KnownExample, known_examples::is_known_example),
];

/// The filters that look around the value, in order.
const CONTEXT_FILTERS: &[(Filter, ContextFilter)] = &[
    (Filter::IntegrityHash, integrity::check),
    (Filter::DataUri, data_uri::check),
    (Filter::Uuid, uuid::check),
    (Filter::GitSha, git_sha::check),
    (Filter::PublicKey, public_key::check),
    (Filter::ReservedDomain, reserved_domain::check),
    (Filter::ExampleName, example_name::check),
    (Filter::Digest, digest::check),
    (Filter::Prose, prose::check),
    (Filter::Lockfile, lockfile::check),
    (Filter::Generated, generated::check),
    (Filter::TestPath, test_path::check),
];

/// Whether a value survives the value filters a rule did not opt out of.
pub fn keep_value(value: &[u8], skip: &[Filter]) -> bool {
    VALUE_FILTERS
        .iter()
        .all(|(filter, drops)| skip.contains(filter) || !drops(value))
}

/// Runs the context filters a rule did not opt out of: `None` drops the
/// candidate, otherwise its confidence after any lowering.
pub fn judge(
    candidate: &Candidate<'_>,
    file: &FileContext<'_>,
    skip: &[Filter],
) -> Option<Confidence> {
    let mut current = candidate.clone();
    for (filter, check) in CONTEXT_FILTERS {
        if skip.contains(filter) {
            continue;
        }
        match check(&current, file) {
            Effect::Keep => {}
            Effect::Drop => return None,
            Effect::Lower => current.confidence = lower(current.confidence),
        }
    }
    Some(current.confidence)
}

/// One confidence level down; low stays low.
pub fn lower(confidence: Confidence) -> Confidence {
    match confidence {
        Confidence::High => Confidence::Medium,
        Confidence::Medium | Confidence::Low => Confidence::Low,
    }
}

/// The effect shared by the lockfile and generated-file filters: a loose
/// (low-confidence) match there is noise, a specific one is worth less.
fn drop_low_lower_medium(confidence: Confidence) -> Effect {
    match confidence {
        Confidence::Low => Effect::Drop,
        Confidence::Medium => Effect::Lower,
        Confidence::High => Effect::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate<'a>(text: &'a str, secret: &str, confidence: Confidence) -> Candidate<'a> {
        let start = text.find(secret).unwrap();
        let range = start..start + secret.len();
        Candidate {
            haystack: text.as_bytes(),
            secret: range.clone(),
            value: &text.as_bytes()[range],
            confidence,
        }
    }

    #[test]
    fn rules_can_opt_out_of_a_filter() {
        let value = b"HRKU-AAHbqyjGybGMMPsCE9sIqScnc88CABpPNrV82kB7wTHE_____wXhl2MDH5oQ";
        assert!(!keep_value(value, &[]));
        assert!(keep_value(value, &[Filter::Masked]));
    }

    #[test]
    fn lowering_accumulates_and_stops_at_low() {
        let text = "token = a9F3kLq2Zx7Vb1NmQ4";
        let c = candidate(text, "a9F3kLq2Zx7Vb1NmQ4", Confidence::High);
        let plain = FileContext::new("src/app.py", text.as_bytes());
        assert_eq!(judge(&c, &plain, &[]), Some(Confidence::High));
        let test = FileContext::new("tests/fixtures/app.py", text.as_bytes());
        assert_eq!(judge(&c, &test, &[]), Some(Confidence::Medium));
        assert_eq!(
            judge(&c, &test, &[Filter::TestPath]),
            Some(Confidence::High)
        );
        let generated_test = FileContext::new("tests/app.min.js", text.as_bytes());
        assert_eq!(judge(&c, &generated_test, &[]), Some(Confidence::Medium));
        let low = candidate(text, "a9F3kLq2Zx7Vb1NmQ4", Confidence::Low);
        assert_eq!(judge(&low, &test, &[]), Some(Confidence::Low));
        assert_eq!(judge(&low, &generated_test, &[]), None);
    }

    #[test]
    fn filter_names_are_kebab_case() {
        let filter: Filter = serde_json::from_str("\"integrity-hash\"").unwrap();
        assert_eq!(filter, Filter::IntegrityHash);
        assert!(serde_json::from_str::<Filter>("\"integrity_hash\"").is_err());
    }
}
