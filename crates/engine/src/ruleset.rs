//! A checked set of rules (pattern rules and structured checks) with its
//! keyword prefilter, shared read-only by all scanner threads.

use crate::check::Check;
use crate::error::RuleError;
use crate::info::{Example, RuleInfo, RuleKind};
use crate::loader::{self, LocatedSpec};
use crate::matcher::Matcher;
use crate::prefilter::Prefilter;
use crate::rule::PatternRule;
use std::collections::HashMap;

/// Index of a rule in its [`RuleSet`].
pub type RuleIndex = usize;

/// Path pattern rules' examples are scanned as when they name none.
pub const DEFAULT_EXAMPLE_PATH: &str = "example.txt";

/// How a rule finds things.
#[derive(Debug)]
pub enum Detector {
    /// A regex with keywords and filters, written as data.
    Pattern(Box<PatternRule>),
    /// Code that parses one kind of file.
    Check(Box<dyn Check>),
}

/// One rule of a set: its metadata, where it was defined, and its detector.
#[derive(Debug)]
pub struct Rule {
    /// Identity, documentation and impact.
    pub info: RuleInfo,
    /// Where the rule was defined (`rules/x.toml:12`, a config file, or `built-in check`).
    pub origin: String,
    /// How it finds things.
    pub detector: Detector,
}

impl Rule {
    /// A rule from a compiled pattern.
    pub fn pattern(rule: PatternRule) -> Self {
        let spec = &rule.spec;
        let info = RuleInfo {
            id: spec.id.clone(),
            name: spec.name.clone(),
            description: spec.description.clone(),
            remediation: spec.remediation.clone(),
            severity: spec.severity,
            confidence: spec.confidence.unwrap_or_default(),
            references: spec.references.clone(),
            tags: spec.tags.clone(),
            kind: RuleKind::Secret,
            sensitive: true,
        };
        Rule {
            info,
            origin: rule.origin.clone(),
            detector: Detector::Pattern(Box::new(rule)),
        }
    }

    /// A rule from a structured check.
    pub fn check(check: Box<dyn Check>) -> Self {
        Rule {
            info: check.info(),
            origin: "built-in check".to_string(),
            detector: Detector::Check(check),
        }
    }

    /// The rule's stable id.
    pub fn id(&self) -> &str {
        &self.info.id
    }

    /// The pattern, when the rule is a pattern rule.
    pub fn as_pattern(&self) -> Option<&PatternRule> {
        match &self.detector {
            Detector::Pattern(pattern) => Some(pattern),
            Detector::Check(_) => None,
        }
    }

    /// The check, when the rule is a structured check.
    pub fn as_check(&self) -> Option<&dyn Check> {
        match &self.detector {
            Detector::Pattern(_) => None,
            Detector::Check(check) => Some(check.as_ref()),
        }
    }

    /// Files the rule must report something in.
    pub fn examples(&self) -> Vec<Example> {
        match &self.detector {
            Detector::Pattern(pattern) => pattern_examples(pattern, &pattern.spec.examples),
            Detector::Check(check) => check.examples(),
        }
    }

    /// Files the rule must report nothing in.
    pub fn negative_examples(&self) -> Vec<Example> {
        match &self.detector {
            Detector::Pattern(pattern) => {
                pattern_examples(pattern, &pattern.spec.negative_examples)
            }
            Detector::Check(check) => check.negative_examples(),
        }
    }
}

fn pattern_examples(pattern: &PatternRule, texts: &[String]) -> Vec<Example> {
    let path = pattern
        .spec
        .example_path
        .as_deref()
        .unwrap_or(DEFAULT_EXAMPLE_PATH);
    texts.iter().map(|text| Example::new(path, text)).collect()
}

/// Compiled rules plus one Aho-Corasick automaton over all pattern rules' keywords.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    pub(crate) prefilter: Option<Prefilter>,
    /// For each prefilter pattern, the rules that own that keyword.
    pub(crate) keyword_rules: Vec<Vec<RuleIndex>>,
    /// For each prefilter pattern, the decoder triggers (indexes into
    /// [`crate::decode::TRIGGERS`]) that own that keyword.
    pub(crate) keyword_triggers: Vec<Vec<usize>>,
    /// Pattern rules without keywords: they run on every blob.
    pub(crate) unkeyed_rules: Vec<RuleIndex>,
    /// Structured checks.
    pub(crate) check_rules: Vec<RuleIndex>,
    /// Pattern rules with path filters: whether they run is decided per file.
    pub(crate) path_filtered: Vec<RuleIndex>,
    /// Length of the longest keyword, in bytes.
    longest_keyword: usize,
}

impl RuleSet {
    /// Builds a set from compiled pattern rules and structured checks. Fails on duplicate ids.
    pub fn new(patterns: Vec<PatternRule>, checks: Vec<Box<dyn Check>>) -> Result<Self, RuleError> {
        let rules: Vec<Rule> = patterns
            .into_iter()
            .map(Rule::pattern)
            .chain(checks.into_iter().map(Rule::check))
            .collect();
        let mut first_seen: HashMap<&str, &str> = HashMap::new();
        for rule in &rules {
            if let Some(first) = first_seen.insert(rule.id(), &rule.origin) {
                return Err(RuleError::Duplicate {
                    origin: rule.origin.clone(),
                    rule: rule.id().to_string(),
                    first: first.to_string(),
                });
            }
        }
        let mut keyword_index: HashMap<String, usize> = HashMap::new();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<RuleIndex>> = Vec::new();
        let mut unkeyed_rules = Vec::new();
        let mut check_rules = Vec::new();
        let mut path_filtered = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            let Some(pattern) = rule.as_pattern() else {
                check_rules.push(index);
                continue;
            };
            if pattern.has_path_filter() {
                path_filtered.push(index);
            }
            if pattern.spec.keywords.is_empty() {
                unkeyed_rules.push(index);
            }
            for keyword in &pattern.spec.keywords {
                let keyword = keyword.to_ascii_lowercase();
                let slot = *keyword_index.entry(keyword.clone()).or_insert_with(|| {
                    keywords.push(keyword);
                    keyword_rules.push(Vec::new());
                    keyword_rules.len() - 1
                });
                if !keyword_rules[slot].contains(&index) {
                    keyword_rules[slot].push(index);
                }
            }
        }
        let mut keyword_triggers: Vec<Vec<usize>> = vec![Vec::new(); keywords.len()];
        for (trigger, spec) in crate::decode::TRIGGERS.iter().enumerate() {
            let keyword = spec.keyword.to_ascii_lowercase();
            let slot = *keyword_index.entry(keyword.clone()).or_insert_with(|| {
                keywords.push(keyword);
                keyword_rules.push(Vec::new());
                keyword_triggers.push(Vec::new());
                keyword_rules.len() - 1
            });
            keyword_triggers[slot].push(trigger);
        }
        // The prefilter reports every keyword at every position, overlapping
        // ones included, so each rule is triggered by its own keywords alone.
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(Prefilter::new(&keywords)?)
        };
        let longest_keyword = keywords.iter().map(String::len).max().unwrap_or(0);
        Ok(RuleSet {
            rules,
            longest_keyword,
            prefilter,
            keyword_rules,
            keyword_triggers,
            unkeyed_rules,
            check_rules,
            path_filtered,
        })
    }

    /// Compiles located specs and builds a set of pattern rules from them.
    pub fn from_specs(specs: Vec<LocatedSpec>) -> Result<Self, RuleError> {
        RuleSet::new(compile_specs(specs)?, Vec::new())
    }

    /// The built-in rules: patterns embedded from `rules/*.toml` and the structured checks.
    pub fn builtin() -> Result<Self, RuleError> {
        RuleSet::new(
            compile_specs(loader::builtin_specs()?)?,
            crate::checks::builtin_checks(),
        )
    }

    /// All rules: pattern rules in definition order, then checks.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule at `index`.
    pub fn rule(&self, index: RuleIndex) -> &Rule {
        &self.rules[index]
    }

    /// Looks a rule up by id.
    pub fn find(&self, id: &str) -> Option<(RuleIndex, &Rule)> {
        self.rules.iter().enumerate().find(|(_, r)| r.id() == id)
    }

    /// How far, in bytes, what the matcher reads to find a match can reach
    /// from where the match's value starts, on either side: the context a
    /// piece of a file needs around the part whose matches are kept.
    /// (Pattern rules without keywords run over the whole piece; a match of
    /// theirs longer than this may be cut at a piece's edge.)
    pub fn match_reach(&self) -> usize {
        crate::matcher::WINDOW_REACH + self.longest_keyword
    }

    /// A matcher with its own scratch space; make one per thread.
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher::new(self)
    }
}

/// Compiles specs into pattern rules, stopping at the first invalid one.
/// Built-in rules compile their regexes on first use; others right away, so
/// that a mistake in a user's rule is reported before scanning starts.
pub fn compile_specs(specs: Vec<LocatedSpec>) -> Result<Vec<PatternRule>, RuleError> {
    specs
        .into_iter()
        .map(|located| {
            if located.builtin {
                PatternRule::compile_lazily(located.spec, &located.origin)
            } else {
                PatternRule::compile(located.spec, &located.origin)
            }
        })
        .collect()
}
