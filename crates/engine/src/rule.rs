//! The pattern-rule model: what a rule file says ([`RuleSpec`]) and the checked,
//! compiled form the matcher runs ([`PatternRule`]).

use crate::context::Filter;
use crate::error::RuleError;
use crate::required::RequiredBytes;
use crate::severity::{Confidence, Severity};
use crate::validate::Validator;
use globset::{Glob, GlobSet, GlobSetBuilder};
use regex::bytes::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Name of the capture group that holds the secret in a rule's regex.
pub const SECRET_GROUP: &str = "secret";

/// Most lines past its keyword's that a rule's window may reach.
const MAX_LINES_AFTER: usize = 8;

/// Largest compiled regex a rule may have, in bytes. Keeps a careless
/// custom rule from eating memory or taking seconds to build.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// One rule as written in a rule file (`[[rule]]` in `rules/*.toml` or `.tattle.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable, namespaced id such as `openai.api-key`.
    pub id: String,
    /// Short human name such as "OpenAI API key".
    pub name: String,
    /// What the rule finds and why it matters, in one or two sentences.
    pub description: String,
    /// How to fix a finding, in one or two sentences.
    #[serde(default)]
    pub remediation: Option<String>,
    /// Impact of a finding.
    pub severity: Severity,
    /// How sure a match of this rule is to be real; defaults to medium.
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// Literals (matched case-insensitively) that must occur near a match.
    /// The regex runs only around them. Empty means the regex runs on every blob.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regex with a named capture `secret`.
    pub regex: String,
    /// Lowest Shannon entropy (bits per byte) the secret must have.
    #[serde(default)]
    pub min_entropy: Option<f64>,
    /// Regexes matched against the secret; a secret matching any is dropped.
    #[serde(default)]
    pub allow: Vec<String>,
    /// When set, the rule only runs on paths matching one of these globs.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The rule never runs on paths matching one of these globs.
    #[serde(default)]
    pub exclude_paths: Vec<String>,
    /// A match may span lines (private keys, JSON documents): the regex looks
    /// further past each keyword than the end of its line.
    #[serde(default)]
    pub multiline: bool,
    /// A match may continue on this many lines after the keyword's line (a
    /// name and its value on consecutive lines, as in `- name: X` /
    /// `value: Y`); a much shorter reach than `multiline`.
    #[serde(default)]
    pub lines_after: usize,
    /// Extra structural check of the secret (`jwt`, `generic`).
    #[serde(default)]
    pub validate: Option<Validator>,
    /// Context filters this rule does not run (see [`crate::context`]), for
    /// tokens that look like what a filter drops.
    #[serde(default)]
    pub skip_filters: Vec<Filter>,
    /// Links to the provider's documentation of the credential.
    #[serde(default)]
    pub references: Vec<String>,
    /// Free-form tags, reported in SARIF.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Path under which examples are checked, for rules with path filters.
    #[serde(default)]
    pub example_path: Option<String>,
    /// Texts the rule must find a secret in.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts the rule must find nothing in.
    #[serde(default)]
    pub negative_examples: Vec<String>,
}

/// A checked pattern rule. Its regexes are compiled when it is built, or,
/// for the built-in rules (checked by the test suite), on first use: most
/// rules never see their keywords in a given scan, and compiling hundreds of
/// regexes up front would make every run, a pre-commit hook's too, slower.
#[derive(Debug)]
pub struct PatternRule {
    /// The rule as written.
    pub spec: RuleSpec,
    /// Where the rule came from (a file name or `built-in`).
    pub origin: String,
    compiled: OnceLock<Option<Compiled>>,
    pub(crate) include: Option<GlobSet>,
    pub(crate) exclude: Option<GlobSet>,
}

/// A rule's compiled regexes.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) regex: Regex,
    pub(crate) secret_group: usize,
    pub(crate) allow: Vec<Regex>,
    /// Bytes one of which every match contains, looked for before the regex runs.
    pub(crate) required: Option<RequiredBytes>,
}

impl PatternRule {
    /// Checks a spec and compiles its regexes and globs.
    pub fn compile(spec: RuleSpec, origin: &str) -> Result<Self, RuleError> {
        Self::build(spec, origin, false)
    }

    /// Checks a spec and compiles its globs; its regexes compile on first use.
    /// Only for rules whose regexes are known to compile (the built-ins, which
    /// the test suite compiles and runs).
    pub fn compile_lazily(spec: RuleSpec, origin: &str) -> Result<Self, RuleError> {
        Self::build(spec, origin, true)
    }

    fn build(spec: RuleSpec, origin: &str, lazy: bool) -> Result<Self, RuleError> {
        let fail = |message: String| RuleError::Invalid {
            origin: origin.to_string(),
            rule: spec.id.clone(),
            message,
        };
        check_id(&spec.id).map_err(&fail)?;
        if spec.name.trim().is_empty() {
            return Err(fail("`name` is empty".into()));
        }
        if spec.description.trim().is_empty() {
            return Err(fail("`description` is empty".into()));
        }
        if let Some(keyword) = spec.keywords.iter().find(|k| k.trim().is_empty()) {
            return Err(fail(format!("keyword {keyword:?} is empty")));
        }
        if spec.lines_after > MAX_LINES_AFTER {
            return Err(fail(format!(
                "`lines_after` {} is above {MAX_LINES_AFTER}; use `multiline`",
                spec.lines_after
            )));
        }
        if let Some(e) = spec.min_entropy
            && !(0.0..=8.0).contains(&e)
        {
            return Err(fail(format!("`min_entropy` {e} is outside 0..=8")));
        }
        let include = build_globs(&spec.paths).map_err(|e| fail(format!("`paths`: {e}")))?;
        let exclude =
            build_globs(&spec.exclude_paths).map_err(|e| fail(format!("`exclude_paths`: {e}")))?;
        let rule = PatternRule {
            origin: origin.to_string(),
            compiled: OnceLock::new(),
            include,
            exclude,
            spec,
        };
        if !lazy {
            let compiled = compile_regexes(&rule.spec).map_err(|message| RuleError::Invalid {
                origin: origin.to_string(),
                rule: rule.spec.id.clone(),
                message,
            })?;
            let _ = rule.compiled.set(Some(compiled));
        }
        Ok(rule)
    }

    /// The compiled regexes, compiling them on first use; `None` when a lazily
    /// compiled rule turns out not to compile (never for the tested built-ins).
    pub(crate) fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| compile_regexes(&self.spec).ok())
            .as_ref()
    }

    /// The rule's stable id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// Whether the rule runs only on some paths.
    pub fn has_path_filter(&self) -> bool {
        self.include.is_some() || self.exclude.is_some()
    }

    /// Whether the rule runs on a blob at `path` (`None`: a blob without a path).
    pub fn applies_to(&self, path: Option<&str>) -> bool {
        let Some(path) = path else {
            return self.include.is_none();
        };
        if self.include.as_ref().is_some_and(|g| !g.is_match(path)) {
            return false;
        }
        !self.exclude.as_ref().is_some_and(|g| g.is_match(path))
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let valid_chars = id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    let namespaced = id.split('.').count() >= 2 && id.split('.').all(|part| !part.is_empty());
    if id.is_empty() || !valid_chars || !namespaced {
        return Err(format!(
            "id {id:?} must be namespaced like `provider.kind`, using a-z, 0-9, `-` and `.`"
        ));
    }
    Ok(())
}

fn compile_regexes(spec: &RuleSpec) -> Result<Compiled, String> {
    let regex =
        build_regex(&spec.regex).map_err(|e| format!("`regex`: {}", describe_regex_error(&e)))?;
    let secret_group = regex
        .capture_names()
        .position(|name| name == Some(SECRET_GROUP))
        .ok_or_else(|| {
            format!("`regex` has no named capture `(?P<{SECRET_GROUP}>...)` for the secret")
        })?;
    let allow = spec
        .allow
        .iter()
        .enumerate()
        .map(|(n, a)| {
            build_regex(a)
                .map_err(|e| format!("`allow` entry {}: {}", n + 1, describe_regex_error(&e)))
        })
        .collect::<Result<_, _>>()?;
    Ok(Compiled {
        regex,
        secret_group,
        allow,
        required: RequiredBytes::of(&spec.regex),
    })
}

/// A regex error as tattle reports it: what is wrong and where in the
/// pattern, without quoting the pattern, which may hold a secret (a rule
/// for one known token, an allowlisted key) and would end up in CI logs.
pub fn describe_regex_error(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => format!(
            "the compiled regex would be larger than the {limit}-byte limit \
             (use fewer or smaller counted repetitions, or narrower classes)"
        ),
        regex::Error::Syntax(text) => {
            let what = text
                .lines()
                .rev()
                .find_map(|line| line.strip_prefix("error: "))
                .unwrap_or("invalid syntax");
            // The parser underlines the culprit with `^` below the pattern,
            // which it indents by four spaces.
            let column = text.lines().find_map(|line| {
                let trimmed = line.trim();
                (!trimmed.is_empty() && trimmed.chars().all(|c| c == '^'))
                    .then(|| line.find('^').map(|at| at.saturating_sub(4) + 1))
                    .flatten()
            });
            match column {
                Some(column) => format!("{what} (at character {column} of the pattern)"),
                None => what.to_string(),
            }
        }
        _ => "invalid regex".to_string(),
    }
}

fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
}

fn build_globs(patterns: &[String]) -> Result<Option<GlobSet>, globset::Error> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(Glob::new(pattern)?);
    }
    builder.build().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_errors_say_what_and_where_but_never_quote_the_pattern() {
        let error = build_regex("(?P<secret>sk_live_4eC39HqLyjWDarjtT1zdp7dc").unwrap_err();
        let message = describe_regex_error(&error);
        assert!(!message.contains("sk_live"), "{message}");
        assert!(message.contains("unclosed group"), "{message}");
        let error = build_regex(r"(?P<secret>\w{5000}\w{5000})").unwrap_err();
        let message = describe_regex_error(&error);
        assert!(message.contains("limit"), "{message}");
        assert!(!message.contains("5000"), "{message}");
    }
}
