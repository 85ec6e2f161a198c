//! The matcher: keyword prefilter, then each triggered rule's regex around its
//! keyword hits, then the value filters, entropy, allow-list, validator and
//! context filters ([`crate::context`]); then the encoded spans the decoder's
//! triggers point to are decoded and scanned the same way ([`crate::decode`]).

use crate::check::{CheckFile, CheckHit, SourceFile};
use crate::context::{self, Candidate, FileContext};
use crate::decode::{self, Encoding, MAX_DECODED_BYTES, MAX_DEPTH, MAX_SITES, Site, View};
use crate::entropy::shannon_entropy;
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
    /// The secret as decoded, when it was found encoded: `span` and `secret`
    /// then point at the encoded text.
    pub decoded: Option<DecodedSecret>,
}

/// A secret that was found encoded, as it reads once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedSecret {
    /// The decoded secret.
    pub secret: Vec<u8>,
    /// How it was encoded.
    pub encoding: Encoding,
}

impl RawMatch {
    /// The secret's value: decoded when it was found encoded, else the bytes
    /// at `secret` in `haystack`.
    pub fn value<'a>(&'a self, haystack: &'a [u8]) -> &'a [u8] {
        match &self.decoded {
            Some(decoded) => &decoded.secret,
            None => &haystack[self.secret.clone()],
        }
    }
}

/// How much decoding a file has had.
#[derive(Debug, Default)]
struct Budget {
    sites: usize,
    bytes: usize,
}

/// Runs a [`RuleSet`] over blobs. Holds scratch buffers, so keep one per thread.
#[derive(Debug)]
pub struct Matcher<'r> {
    rules: &'r RuleSet,
    windows: Vec<Vec<Range<usize>>>,
    triggered: Vec<RuleIndex>,
    applicable: Vec<bool>,
    hits: Vec<CheckHit>,
    /// Decoder trigger hits of the layer being scanned: trigger, keyword span.
    trigger_hits: Vec<(usize, Range<usize>)>,
    budget: Budget,
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
            trigger_hits: Vec::new(),
            budget: Budget::default(),
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
        let context = FileContext::new(file.path, haystack);
        self.budget = Budget::default();
        let mut matches = self.scan_layer(&context, haystack, 0..haystack.len(), 0);
        keep_best_of_overlapping(&mut matches);
        matches
    }

    /// Runs the pattern rules over `haystack`: a file (depth 0), or a decoded
    /// view of part of one whose decoded text is at `decoded`. Then decodes
    /// the encoded spans the triggers point to (inside `decoded`, down to
    /// [`MAX_DEPTH`] levels) and scans them too; there, loose matches of
    /// the encoded form give way to what the decoded text shows.
    fn scan_layer(
        &mut self,
        context: &FileContext<'_>,
        haystack: &[u8],
        decoded: Range<usize>,
        depth: usize,
    ) -> Vec<RawMatch> {
        let rules = self.rules;
        self.collect_windows(haystack);
        let mut matches = Vec::new();
        for &index in &rules.unkeyed_rules {
            if self.applicable[index] {
                let rule = pattern_at(rules, index);
                run_pattern(
                    rule,
                    index,
                    haystack,
                    0..haystack.len(),
                    context,
                    &mut matches,
                );
            }
        }
        let triggered = std::mem::take(&mut self.triggered);
        for &index in &triggered {
            let windows = &mut self.windows[index];
            merge_windows(windows);
            for window in windows.drain(..) {
                let rule = pattern_at(rules, index);
                run_pattern(rule, index, haystack, window, context, &mut matches);
            }
        }
        self.triggered = triggered;
        self.triggered.clear();
        let hits = std::mem::take(&mut self.trigger_hits);
        if depth < MAX_DEPTH && !hits.is_empty() {
            let mut sites = Vec::new();
            for (trigger, hit) in &hits {
                let locate = decode::TRIGGERS[*trigger].locate;
                decode::locate(haystack, locate, hit.clone(), &decoded, &mut sites);
            }
            // The same span from several triggers: the first, known-encoded if any.
            sites.sort_by_key(|s| (s.encoded.start, s.encoded.end, !s.known_encoded));
            sites.dedup_by(|a, b| a.encoded == b.encoded);
            for site in sites {
                self.decode_site(context, haystack, &site, depth, &mut matches);
            }
        }
        self.trigger_hits = hits;
        self.trigger_hits.clear();
        matches
    }

    /// Decodes one site within the file's budget and scans what it decodes to.
    fn decode_site(
        &mut self,
        context: &FileContext<'_>,
        haystack: &[u8],
        site: &Site,
        depth: usize,
        matches: &mut Vec<RawMatch>,
    ) {
        if self.budget.sites >= MAX_SITES || self.budget.bytes >= MAX_DECODED_BYTES {
            return;
        }
        self.budget.sites += 1;
        self.budget.bytes += site.encoded.len();
        let Some(view) = View::decode(haystack, site) else {
            return;
        };
        // The view is scanned in full: its line counts against the budget.
        self.budget.bytes += view.bytes.len();
        // Matches inside the encoded span are judged again on the decoded
        // text (a base64 `changeme` is no secret): all of them where the
        // format says the span is encoded, and loose ones (a value known only
        // by the name it is assigned to) where it merely decodes. Specific
        // rules' matches stay there: some tokens are base64 of text by
        // design (Cloudflare tunnel tokens, JFrog reference tokens).
        let encoded = view.encoded();
        let rules = self.rules;
        matches.retain(|m| {
            let inside = encoded.start <= m.secret.start && m.secret.end <= encoded.end;
            let loose = rules.rule(m.rule).info.confidence == Confidence::Low;
            !(inside && (site.known_encoded || loose))
        });
        let inner = self.scan_layer(context, &view.bytes, view.decoded.clone(), depth + 1);
        for m in inner {
            let (Some(span), Some(secret)) = (
                view.to_original(m.span.clone()),
                view.to_original(m.secret.clone()),
            ) else {
                continue;
            };
            let decoded = m.decoded.clone().unwrap_or_else(|| DecodedSecret {
                secret: view.bytes[m.secret.clone()].to_vec(),
                encoding: view.encoding,
            });
            matches.push(RawMatch {
                span,
                secret,
                decoded: Some(decoded),
                ..m
            });
        }
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
                    decoded: hit
                        .decoded
                        .map(|(secret, encoding)| DecodedSecret { secret, encoding }),
                });
            }
        }
    }

    /// Runs the prefilter and records, per rule, the windows around its
    /// keyword hits, and the decoder's trigger hits.
    fn collect_windows(&mut self, haystack: &[u8]) {
        let rules = self.rules;
        let Some(prefilter) = &rules.prefilter else {
            return;
        };
        let windows = &mut self.windows;
        let triggered = &mut self.triggered;
        let trigger_hits = &mut self.trigger_hits;
        let applicable = &self.applicable;
        prefilter.for_each_hit(haystack, |hit| {
            for &trigger in &rules.keyword_triggers[hit.keyword] {
                trigger_hits.push((trigger, hit.start..hit.end));
            }
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
                let spec = &pattern_at(rules, index).spec;
                let reach = if spec.multiline {
                    Reach::Multiline
                } else {
                    Reach::Lines(spec.lines_after)
                };
                rule_windows.push(window_around(haystack, hit.start, hit.end, reach));
            }
        });
    }
}

/// How far past its keyword's line a rule's window reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// To the end of the keyword's line and this many lines more.
    Lines(usize),
    /// [`MULTILINE_AHEAD`] bytes past the keyword.
    Multiline,
}

/// The part of `haystack` a rule's regex examines for a keyword hit at `start..end`:
/// the whole line (capped on very long lines) and the lines after it the
/// rule asks for, or further ahead for multi-line rules.
fn window_around(haystack: &[u8], start: usize, end: usize, reach: Reach) -> Range<usize> {
    let floor = start.saturating_sub(MAX_BACK);
    let line_start =
        memchr::memrchr(b'\n', &haystack[floor..start]).map_or(floor, |i| floor + i + 1);
    let lines = match reach {
        Reach::Multiline => {
            return line_start..end.saturating_add(MULTILINE_AHEAD).min(haystack.len());
        }
        Reach::Lines(lines) => lines,
    };
    let ceiling = end
        .saturating_add(MAX_AHEAD * (lines + 1))
        .min(haystack.len());
    let mut line_end = end;
    for _ in 0..=lines {
        match memchr::memchr(b'\n', &haystack[line_end..ceiling]) {
            Some(i) => line_end += i + 1,
            None => return line_start..ceiling,
        }
    }
    line_start..line_end - 1
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
    context: &FileContext<'_>,
    out: &mut Vec<RawMatch>,
) {
    let offset = window.start;
    let Some(compiled) = rule.compiled() else {
        return;
    };
    let text = &haystack[window];
    if compiled
        .required
        .as_ref()
        .is_some_and(|required| !required.occur_in(text))
    {
        return;
    }
    for caps in compiled.regex.captures_iter(text) {
        let Some(secret) = caps.get(compiled.secret_group) else {
            continue;
        };
        let whole = caps.get(0).expect("group 0 always participates");
        let secret_span = offset + secret.start()..offset + secret.end();
        // A password in a URL may be percent-encoded (`p%40ss`): judge and
        // report it decoded, at the encoded text.
        let decoded = decode::percent::decode_url_secret(whole.as_bytes(), secret.as_bytes());
        let value = decoded.as_deref().unwrap_or(secret.as_bytes());
        if let Some(raw) = judge(
            rule,
            compiled,
            index,
            haystack,
            secret_span.clone(),
            value,
            context,
        ) {
            out.push(RawMatch {
                span: offset + whole.start()..offset + whole.end(),
                secret: secret_span,
                decoded: decoded.map(|secret| DecodedSecret {
                    secret,
                    encoding: Encoding::Percent,
                }),
                ..raw
            });
        }
    }
}

/// Applies the filters to one candidate, whose value is `value` (the bytes
/// at `secret`, or their decoded form); `None` drops it.
fn judge(
    rule: &PatternRule,
    compiled: &Compiled,
    index: RuleIndex,
    haystack: &[u8],
    secret: Range<usize>,
    value: &[u8],
    context: &FileContext<'_>,
) -> Option<RawMatch> {
    let skip = &rule.spec.skip_filters;
    if !context::keep_value(value, skip) {
        return None;
    }
    if let Some(min) = rule.spec.min_entropy
        && shannon_entropy(value) < min
    {
        return None;
    }
    if compiled.allow.iter().any(|allow| allow.is_match(value)) {
        return None;
    }
    let mut severity = rule.spec.severity;
    let mut confidence = rule.spec.confidence.unwrap_or(Confidence::Medium);
    let mut note = None;
    if let Some(validator) = rule.spec.validate {
        match validator.check(value) {
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
    let candidate = Candidate {
        haystack,
        secret,
        value,
        confidence,
    };
    let confidence = context::judge(&candidate, context, skip)?;
    Some(RawMatch {
        rule: index,
        span: 0..0,
        secret: 0..0,
        severity,
        confidence,
        note,
        decoded: None,
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
        assert_eq!(
            window_around(text, start, start + 3, Reach::Lines(0)),
            11..20
        );
        assert_eq!(
            window_around(text, start, start + 3, Reach::Lines(1)),
            11..text.len()
        );
        assert_eq!(
            window_around(text, start, start + 3, Reach::Multiline),
            11..text.len()
        );
        assert_eq!(window_around(text, 0, 3, Reach::Lines(1)), 0..20);
    }
}
