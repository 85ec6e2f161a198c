//! The matcher: keyword prefilter, then each triggered rule's regex around its
//! keyword hits, then the entropy, placeholder, allow-list and validator filters.

use crate::check::{CheckFile, CheckHit, SourceFile};
use crate::entropy::shannon_entropy;
use crate::placeholder::is_placeholder;
use crate::rule::{Compiled, PatternRule};
use crate::ruleset::{RuleIndex, RuleSet};
use crate::severity::{Confidence, Severity};
use crate::validate::Verdict;
use std::ops::Range;

/// How far before a keyword hit, at most, a window reaches on a long line.
const MAX_BACK: usize = 4 << 10;
/// How far after a keyword hit, at most, a window reaches on a long line.
const MAX_AHEAD: usize = 4 << 10;
/// How far after a keyword hit a multi-line rule's window reaches.
const MULTILINE_AHEAD: usize = 64 << 10;

/// How far, at most, the matcher looks from a keyword (before it, plus after
/// it): a match and the keyword that triggered it lie within this distance
/// of each other. See [`RuleSet::match_reach`] for the whole reach.
pub const WINDOW_REACH: usize = MAX_BACK + MULTILINE_AHEAD;

/// One rule match in a blob, before it is tied to a file or commit.
#[derive(Debug, Clone, PartialEq)]
pub struct RawMatch {
    /// Which rule matched.
    pub rule: RuleIndex,
    /// Byte span of the whole regex match.
    pub span: Range<usize>,
    /// Byte span of the secret inside the blob.
    pub secret: Range<usize>,
    /// The rule's severity, or the validator's override.
    pub severity: Severity,
    /// The rule's confidence, or the validator's override.
    pub confidence: Confidence,
    /// Extra context from the validator.
    pub note: Option<String>,
}

/// Runs a [`RuleSet`] over blobs. Holds scratch buffers, so keep one per thread.
#[derive(Debug)]
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    windows: Vec<Vec<Range<usize>>>,
    triggered: Vec<RuleIndex>,
    applicable: Vec<bool>,
    hits: Vec<CheckHit>,
}

impl<'r> Matcher<'r> {
    pub(crate) fn new(rules: &'r RuleSet) -> Self {
        let count = rules.rules().len();
        Matcher {
            rules,
            windows: vec![Vec::new(); count],
            triggered: Vec::new(),
            applicable: vec![true; count],
            hits: Vec::new(),
        }
    }

    /// The rule set this matcher runs.
    pub fn rule_set(&self) -> &'r RuleSet {
        self.rules
    }

    /// Scans one file with every pattern rule and every structured check that
    /// applies to it, and returns the matches in order of position.
    pub fn scan(&mut self, file: &SourceFile<'_>) -> Vec<RawMatch> {
        let mut matches = self.pattern_matches(file);
        self.run_checks(file, &mut matches);
        matches.sort_by_key(|m| (m.span.start, m.rule));
        matches
    }

    /// Scans a piece of a larger file with the pattern rules only (the
    /// structured checks parse whole files), and returns the matches in
    /// order of position. With [`RuleSet::match_reach`] bytes of context
    /// around the part a caller keeps, the matches there are those a scan of
    /// the whole file finds.
    pub fn scan_patterns(&mut self, file: &SourceFile<'_>) -> Vec<RawMatch> {
        let mut matches = self.pattern_matches(file);
        matches.sort_by_key(|m| (m.span.start, m.rule));
        matches
    }

    /// The pattern rules' matches, the best of overlapping ones kept.
    fn pattern_matches(&mut self, file: &SourceFile<'_>) -> Vec<RawMatch> {
        let rules = self.rules;
        let haystack = file.bytes;
        for &index in &rules.path_filtered {
            self.applicable[index] = rules
                .rule(index)
                .as_pattern()
                .is_some_and(|p| p.applies_to(Some(file.path)));
        }
        self.collect_windows(haystack);
        let mut matches = Vec::new();
        for &index in &rules.unkeyed_rules {
            if self.applicable[index] {
                run_pattern(
                    pattern_at(rules, index),
                    index,
                    haystack,
                    0..haystack.len(),
                    &mut matches,
                );
            }
        }
        let triggered = std::mem::take(&mut self.triggered);
        for &index in &triggered {
            let windows = &mut self.windows[index];
            merge_windows(windows);
            for window in windows.drain(..) {
                run_pattern(
                    pattern_at(rules, index),
                    index,
                    haystack,
                    window,
                    &mut matches,
                );
            }
        }
        self.triggered = triggered;
        self.triggered.clear();
        keep_best_of_overlapping(&mut matches);
        matches
    }

    /// Runs the structured checks that read this file. Their hits are not
    /// weighed against pattern matches: a check reports a different problem
    /// (a weak password, a public variable) than a rule that found a key.
    fn run_checks(&mut self, file: &SourceFile<'_>, out: &mut Vec<RawMatch>) {
        // Parsed forms are shared by the checks of this one file.
        let shared = CheckFile::new(*file);
        for &index in &self.rules.check_rules {
            let Some(check) = self.rules.rule(index).as_check() else {
                continue;
            };
            if !check.applies_to(file) {
                continue;
            }
            let info = &self.rules.rule(index).info;
            self.hits.clear();
            check.run(&shared, &mut self.hits);
            for hit in self.hits.drain(..) {
                if hit.span.end > file.bytes.len() || hit.value.end > file.bytes.len() {
                    continue;
                }
                out.push(RawMatch {
                    rule: index,
                    span: hit.span,
                    secret: hit.value,
                    severity: hit.severity.unwrap_or(info.severity),
                    confidence: hit.confidence.unwrap_or(info.confidence),
                    note: hit.note,
                });
            }
        }
    }

    /// Runs the prefilter and records, per rule, the windows around its keyword hits.
    fn collect_windows(&mut self, haystack: &[u8]) {
        let rules = self.rules;
        let Some(prefilter) = &rules.prefilter else {
            return;
        };
        let windows = &mut self.windows;
        let triggered = &mut self.triggered;
        let applicable = &self.applicable;
        prefilter.for_each_hit(haystack, |hit| {
            for &index in &rules.keyword_rules[hit.keyword] {
                if !applicable[index] {
                    continue;
                }
                let rule_windows = &mut windows[index];
                if rule_windows.is_empty() {
                    triggered.push(index);
                }
                if let Some(last) = rule_windows.last()
                    && last.start <= hit.start
                    && hit.end <= last.end
                {
                    continue;
                }
                let multiline = pattern_at(rules, index).spec.multiline;
                rule_windows.push(window_around(haystack, hit.start, hit.end, multiline));
            }
        });
    }
}

/// The part of `haystack` a rule's regex examines for a keyword hit at `start..end`:
/// the whole line (capped on very long lines), or further ahead for multi-line rules.
fn window_around(haystack: &[u8], start: usize, end: usize, multiline: bool) -> Range<usize> {
    let floor = start.saturating_sub(MAX_BACK);
    let line_start =
        memchr::memrchr(b'\n', &haystack[floor..start]).map_or(floor, |i| floor + i + 1);
    let ahead = if multiline {
        MULTILINE_AHEAD
    } else {
        MAX_AHEAD
    };
    let ceiling = end.saturating_add(ahead).min(haystack.len());
    let line_end = if multiline {
        ceiling
    } else {
        memchr::memchr(b'\n', &haystack[end..ceiling]).map_or(ceiling, |i| end + i)
    };
    line_start..line_end
}

/// When several rules claim overlapping secrets, keeps only the most
/// convincing claim: highest confidence, then severity, then the rule defined
/// first.
fn keep_best_of_overlapping(matches: &mut Vec<RawMatch>) {
    let rank = |m: &RawMatch| {
        (
            std::cmp::Reverse(m.confidence),
            std::cmp::Reverse(m.severity),
            m.rule,
        )
    };
    matches.sort_by(|a, b| {
        rank(a)
            .cmp(&rank(b))
            .then(a.secret.start.cmp(&b.secret.start))
    });
    let mut kept: Vec<RawMatch> = Vec::with_capacity(matches.len());
    for candidate in matches.drain(..) {
        let overlaps = kept.iter().any(|k| {
            k.secret.start < candidate.secret.end && candidate.secret.start < k.secret.end
        });
        if !overlaps {
            kept.push(candidate);
        }
    }
    *matches = kept;
}

/// Sorts windows and merges the ones that overlap or touch.
fn merge_windows(windows: &mut Vec<Range<usize>>) {
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for window in windows.drain(..) {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }
    *windows = merged;
}

/// The pattern rule at `index`; the prefilter only ever names pattern rules.
fn pattern_at(rules: &RuleSet, index: RuleIndex) -> &PatternRule {
    rules
        .rule(index)
        .as_pattern()
        .expect("keyword and unkeyed indexes name pattern rules")
}

fn run_pattern(
    rule: &PatternRule,
    index: RuleIndex,
    haystack: &[u8],
    window: Range<usize>,
    out: &mut Vec<RawMatch>,
) {
    let offset = window.start;
    let Some(compiled) = rule.compiled() else {
        return;
    };
    for caps in compiled.regex.captures_iter(&haystack[window]) {
        let Some(secret) = caps.get(compiled.secret_group) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0 always participates");
        if let Some(raw) = judge(rule, compiled, index, secret.as_bytes()) {
            out.push(RawMatch {
                span: offset + whole.start()..offset + whole.end(),
                secret: offset + secret.start()..offset + secret.end(),
                ..raw
            });
        }
    }
}

/// Applies the filters to one candidate; `None` drops it.
fn judge(
    rule: &PatternRule,
    compiled: &Compiled,
    index: RuleIndex,
    secret: &[u8],
) -> Option<RawMatch> {
    if is_placeholder(secret) {
        return None;
    }
    if let Some(min) = rule.spec.min_entropy
        && shannon_entropy(secret) < min
    {
        return None;
    }
    if compiled.allow.iter().any(|allow| allow.is_match(secret)) {
        return None;
    }
    let mut severity = rule.spec.severity;
    let mut confidence = rule.spec.confidence.unwrap_or(Confidence::Medium);
    let mut note = None;
    if let Some(validator) = rule.spec.validate {
        match validator.check(secret) {
            Verdict::Reject => return None,
            Verdict::Accept {
                severity: s,
                confidence: c,
                note: n,
            } => {
                severity = s.unwrap_or(severity);
                confidence = c.unwrap_or(confidence);
                note = n;
            }
        }
    }
    Some(RawMatch {
        rule: index,
        span: 0..0,
        secret: 0..0,
        severity,
        confidence,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_merge_when_they_overlap_or_touch() {
        let mut windows = vec![10..20, 0..5, 5..8, 15..30, 40..50];
        merge_windows(&mut windows);
        assert_eq!(windows, vec![0..8, 10..30, 40..50]);
    }

    #[test]
    fn window_covers_the_line_of_the_hit() {
        let text = b"first line\nkey = abc\nlast";
        let start = 11;
        assert_eq!(window_around(text, start, start + 3, false), 11..20);
        assert_eq!(window_around(text, start, start + 3, true), 11..text.len());
    }
}
