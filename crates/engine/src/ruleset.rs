//! A checked set of rules with its keyword prefilter, shared read-only by all scanner threads.

use crate::error::RuleError;
use crate::loader::{self, LocatedSpec};
use crate::matcher::Matcher;
use crate::rule::PatternRule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
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
        // The prefilter reports only the longest keyword at each position, so a
        // hit on a keyword also triggers the rules of every keyword inside it.
        let own_rules = keyword_rules.clone();
        for (slot, keyword) in keywords.iter().enumerate() {
            for (other, inner) in keywords.iter().enumerate() {
                if other != slot && keyword.contains(inner.as_str()) {
                    for &rule in &own_rules[other] {
                        if !keyword_rules[slot].contains(&rule) {
                            keyword_rules[slot].push(rule);
                        }
                    }
                }
            }
        }
        let prefilter = if keywords.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .kind(Some(AhoCorasickKind::DFA))
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
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
