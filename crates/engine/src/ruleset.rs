//! A checked set of rules with its keyword prefilter, shared read-only by all scanner threads.

use crate::error::RuleError;
use crate::loader::{self, LocatedSpec};
use crate::matcher::Matcher;
use crate::rule::PatternRule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

/// Index of a rule in its [`RuleSet`].
pub type RuleIndex = usize;

/// Compiled rules plus one Aho-Corasick automaton over all their keywords.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<PatternRule>,
    pub(crate) prefilter: Option<AhoCorasick>,
    /// For each prefilter pattern, the rules that own that keyword.
    pub(crate) keyword_rules: Vec<Vec<RuleIndex>>,
    /// Rules without keywords: they run on every blob.
    pub(crate) unkeyed_rules: Vec<RuleIndex>,
}

impl RuleSet {
    /// Builds a set from compiled rules. Fails on duplicate ids.
    pub fn new(rules: Vec<PatternRule>) -> Result<Self, RuleError> {
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
        for (index, rule) in rules.iter().enumerate() {
            if rule.spec.keywords.is_empty() {
                unkeyed_rules.push(index);
            }
            for keyword in &rule.spec.keywords {
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
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&keywords)
                    .map_err(|e| RuleError::Prefilter(e.to_string()))?,
            )
        };
        Ok(RuleSet {
            rules,
            prefilter,
            keyword_rules,
            unkeyed_rules,
        })
    }

    /// Compiles located specs and builds a set from them.
    pub fn from_specs(specs: Vec<LocatedSpec>) -> Result<Self, RuleError> {
        let rules = specs
            .into_iter()
            .map(|located| PatternRule::compile(located.spec, &located.origin))
            .collect::<Result<Vec<_>, _>>()?;
        RuleSet::new(rules)
    }

    /// The built-in rules, embedded from `rules/*.toml`.
    pub fn builtin() -> Result<Self, RuleError> {
        RuleSet::from_specs(loader::builtin_specs()?)
    }

    /// All rules, in definition order.
    pub fn rules(&self) -> &[PatternRule] {
        &self.rules
    }

    /// The rule at `index`.
    pub fn rule(&self, index: RuleIndex) -> &PatternRule {
        &self.rules[index]
    }

    /// Looks a rule up by id.
    pub fn find(&self, id: &str) -> Option<(RuleIndex, &PatternRule)> {
        self.rules.iter().enumerate().find(|(_, r)| r.id() == id)
    }

    /// A matcher with its own scratch space; make one per thread.
    pub fn matcher(&self) -> Matcher<'_> {
        Matcher::new(self)
    }
}
