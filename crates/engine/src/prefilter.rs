//! The keyword prefilter: one Aho-Corasick DFA over every pattern rule's
//! keywords, matched case-insensitively, that finds every occurrence of every
//! keyword (overlapping ones included) so that each rule's regex runs only
//! around its own keywords.
//!
//! Walking a DFA is a chain of dependent table lookups, one per byte, so its
//! speed is bound by memory latency rather than by the processor's width. On
//! larger inputs the walk therefore runs several independent lanes at once,
//! each over its own segment of the input, whose lookups the processor
//! overlaps; each lane starts a keyword's length before its segment so that
//! no keyword is cut in two, and reports only what ends inside its segment.

use crate::error::RuleError;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// Lanes walked at once on inputs of [`LANE_MIN_INPUT`] bytes or more.
const LANES: usize = 4;
/// Inputs shorter than this are walked in one lane: the lanes' setup would
/// cost more than it saves.
const LANE_MIN_INPUT: usize = 4 << 10;

/// A keyword occurrence: which keyword, and its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    /// Index of the keyword in the list the prefilter was built from.
    pub keyword: usize,
    /// Where it starts.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
}

/// Finds keyword occurrences.
#[derive(Debug)]
pub struct Prefilter {
    dfa: DFA,
    /// Length of each keyword, in bytes.
    lengths: Vec<usize>,
    /// Length of the longest keyword.
    longest: usize,
}

impl Prefilter {
    /// A prefilter over `keywords` (ASCII case-insensitive).
    pub fn new(keywords: &[String]) -> Result<Self, RuleError> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| RuleError::Prefilter(e.to_string()))?;
        let lengths: Vec<usize> = keywords.iter().map(String::len).collect();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        Ok(Prefilter {
            dfa,
            lengths,
            longest,
        })
    }

    /// Calls `on_hit` for every occurrence of every keyword in `haystack`.
    /// Occurrences come grouped by lane, so not in order of position.
    pub fn for_each_hit(&self, haystack: &[u8], mut on_hit: impl FnMut(Hit)) {
        let Ok(start) = self.dfa.start_state(Anchored::No) else {
            return;
        };
        if haystack.len() < LANE_MIN_INPUT {
            self.walk(start, haystack, 0, 0, &mut on_hit);
            return;
        }
        let segment = haystack.len() / LANES;
        let overlap = self.longest.saturating_sub(1);
        // Lane i reports what ends in [i * segment, its end); it starts
        // `overlap` bytes earlier, in the start state, to see keywords that
        // begin before its segment.
        let report_from: [usize; LANES] = std::array::from_fn(|i| i * segment);
        let begin: [usize; LANES] = std::array::from_fn(|i| report_from[i].saturating_sub(overlap));
        let end: [usize; LANES] = std::array::from_fn(|i| {
            if i + 1 == LANES {
                haystack.len()
            } else {
                (i + 1) * segment
            }
        });
        let common = (0..LANES).map(|i| end[i] - begin[i]).min().unwrap_or(0);
        let mut state = [start; LANES];
        let lanes: [&[u8]; LANES] = std::array::from_fn(|i| &haystack[begin[i]..begin[i] + common]);
        let steps = lanes[0]
            .iter()
            .zip(lanes[1])
            .zip(lanes[2])
            .zip(lanes[3])
            .enumerate();
        for (step, (((&b0, &b1), &b2), &b3)) in steps {
            let bytes = [b0, b1, b2, b3];
            for lane in 0..LANES {
                state[lane] = self.dfa.next_state(Anchored::No, state[lane], bytes[lane]);
            }
            for lane in 0..LANES {
                if self.dfa.is_special(state[lane]) && self.dfa.is_match(state[lane]) {
                    let at = begin[lane] + step;
                    if at >= report_from[lane] {
                        self.report(state[lane], at, &mut on_hit);
                    }
                }
            }
        }
        // The lanes' remainders (segments differ in length by a few bytes,
        // and the first lane has no overlap to walk).
        for lane in 0..LANES {
            let from = begin[lane] + common;
            let floor = report_from[lane];
            self.walk(
                state[lane],
                &haystack[from..end[lane]],
                from,
                floor,
                &mut on_hit,
            );
        }
    }

    /// Walks `bytes` (at offset `offset` of the input) from `state`,
    /// reporting occurrences that end at `floor` or later.
    fn walk(
        &self,
        mut state: StateID,
        bytes: &[u8],
        offset: usize,
        floor: usize,
        on_hit: &mut impl FnMut(Hit),
    ) {
        for (i, &byte) in bytes.iter().enumerate() {
            state = self.dfa.next_state(Anchored::No, state, byte);
            if self.dfa.is_special(state) && self.dfa.is_match(state) && offset + i >= floor {
                self.report(state, offset + i, on_hit);
            }
        }
    }

    /// Reports every keyword that ends at byte `last` (inclusive) in `state`.
    fn report(&self, state: StateID, last: usize, on_hit: &mut impl FnMut(Hit)) {
        for index in 0..self.dfa.match_len(state) {
            let keyword = self.dfa.match_pattern(state, index).as_usize();
            let end = last + 1;
            on_hit(Hit {
                keyword,
                start: end - self.lengths[keyword],
                end,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(keywords: &[&str], haystack: &[u8]) -> Vec<Hit> {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        let prefilter = Prefilter::new(&keywords).unwrap();
        let mut found = Vec::new();
        prefilter.for_each_hit(haystack, |hit| found.push(hit));
        found.sort();
        found
    }

    /// Every occurrence, found the slow and obvious way.
    fn expected(keywords: &[&str], haystack: &[u8]) -> Vec<Hit> {
        let lower = haystack.to_ascii_lowercase();
        let mut found = Vec::new();
        for (keyword, text) in keywords.iter().enumerate() {
            let needle = text.to_ascii_lowercase();
            for start in 0..lower.len() {
                if lower[start..].starts_with(needle.as_bytes()) {
                    found.push(Hit {
                        keyword,
                        start,
                        end: start + needle.len(),
                    });
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn overlapping_and_nested_keywords_are_all_found_case_insensitively() {
        let keywords = ["api", "api_key", "key", "KEY_ID"];
        let text = b"x API_KEY_ID=1 apikey key";
        assert_eq!(hits(&keywords, text), expected(&keywords, text));
    }

    #[test]
    fn lanes_find_exactly_what_one_walk_finds_even_across_lane_boundaries() {
        let keywords = ["ghp_", "sk_live_", "token", "-----begin"];
        // Keywords at every offset around the lane boundaries of inputs of
        // several sizes, including keywords cut by a boundary.
        for size in [LANE_MIN_INPUT, LANE_MIN_INPUT + 1, 3 * LANE_MIN_INPUT + 7] {
            for shift in 0..12 {
                let mut text = vec![b'.'; size];
                for lane in 1..LANES {
                    let boundary = lane * (size / LANES);
                    let at = boundary - 6 + shift;
                    text[at..at + 8].copy_from_slice(b"SK_LIVE_");
                }
                text[size - 5..].copy_from_slice(b"token");
                text[0..4].copy_from_slice(b"ghp_");
                assert_eq!(
                    hits(&keywords, &text),
                    expected(&keywords, &text),
                    "size {size}, shift {shift}"
                );
            }
        }
    }
}
