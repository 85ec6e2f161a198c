//! The keyword prefilter: a DFA over every pattern rule's keywords, matched
//! case-insensitively, that finds every occurrence of every keyword
//! (overlapping ones included) so that each rule's regex runs only around its
//! own keywords.
//!
//! The automaton is built by `aho-corasick`. For the usual rule sets (a few
//! thousand states) it is then copied into a flat table with one row of 256
//! next states per state and its match states numbered last: a step is one
//! load indexed by state and byte, and a match test one comparison, with no
//! byte-class lookup and no special-state test. That walk is about a third
//! faster than walking `aho-corasick`'s own DFA, which stays the walk for
//! rule sets whose table would be too large ([`FLAT_MAX_STATES`]).
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
const LANES: usize = 8;
/// Inputs shorter than this are walked in one lane: the lanes' setup would
/// cost more than it saves.
const LANE_MIN_INPUT: usize = 4 << 10;
/// The most states copied into a flat table (of 512 bytes per state, so
/// 8 MiB at most); larger automata are walked as `aho-corasick` built them.
const FLAT_MAX_STATES: usize = 16 << 10;

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
    automaton: Walk,
    /// Length of each keyword, in bytes.
    lengths: Vec<usize>,
    /// Length of the longest keyword.
    longest: usize,
}

/// The automaton the prefilter walks.
#[derive(Debug)]
enum Walk {
    Flat(FlatDfa),
    Built(Box<BuiltDfa>),
}

impl Prefilter {
    /// A prefilter over `keywords` (ASCII case-insensitive).
    pub fn new(keywords: &[String]) -> Result<Self, RuleError> {
        Self::build(keywords, FLAT_MAX_STATES)
    }

    /// A prefilter whose automaton is copied into a flat table when it has
    /// at most `flat_max_states` states.
    fn build(keywords: &[String], flat_max_states: usize) -> Result<Self, RuleError> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| RuleError::Prefilter(e.to_string()))?;
        let start = dfa
            .start_state(Anchored::No)
            .map_err(|e| RuleError::Prefilter(e.to_string()))?;
        let automaton = match FlatDfa::copy(&dfa, start, flat_max_states) {
            Some(flat) => Walk::Flat(flat),
            None => Walk::Built(Box::new(BuiltDfa { dfa, start })),
        };
        let lengths: Vec<usize> = keywords.iter().map(String::len).collect();
        let longest = lengths.iter().copied().max().unwrap_or(0);
        Ok(Prefilter {
            automaton,
            lengths,
            longest,
        })
    }

    /// Calls `on_hit` for every occurrence of every keyword in `haystack`.
    /// Occurrences come grouped by lane, so not in order of position.
    pub fn for_each_hit(&self, haystack: &[u8], on_hit: impl FnMut(Hit)) {
        match &self.automaton {
            Walk::Flat(dfa) => self.search(dfa, haystack, on_hit),
            Walk::Built(dfa) => self.search(dfa.as_ref(), haystack, on_hit),
        }
    }

    /// [`Prefilter::for_each_hit`] with one kind of automaton.
    // Each step reads the same position of every lane: indexes, not iterators.
    #[allow(clippy::needless_range_loop)]
    fn search<A: Stepper>(&self, dfa: &A, haystack: &[u8], mut on_hit: impl FnMut(Hit)) {
        if haystack.len() < LANE_MIN_INPUT {
            self.walk(dfa, dfa.start(), haystack, 0, 0, &mut on_hit);
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
        let mut state = [dfa.start(); LANES];
        let lanes: [&[u8]; LANES] = std::array::from_fn(|i| &haystack[begin[i]..begin[i] + common]);
        for step in 0..common {
            let mut matched = false;
            for lane in 0..LANES {
                state[lane] = dfa.next(state[lane], lanes[lane][step]);
                matched |= dfa.is_match(state[lane]);
            }
            if !matched {
                continue;
            }
            for lane in 0..LANES {
                let at = begin[lane] + step;
                if dfa.is_match(state[lane]) && at >= report_from[lane] {
                    self.report(dfa, state[lane], at, &mut on_hit);
                }
            }
        }
        // The lanes' remainders (segments differ in length by a few bytes,
        // and the first lane has no overlap to walk).
        for lane in 0..LANES {
            let from = begin[lane] + common;
            let floor = report_from[lane];
            self.walk(
                dfa,
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
    fn walk<A: Stepper>(
        &self,
        dfa: &A,
        mut state: A::State,
        bytes: &[u8],
        offset: usize,
        floor: usize,
        on_hit: &mut impl FnMut(Hit),
    ) {
        for (i, &byte) in bytes.iter().enumerate() {
            state = dfa.next(state, byte);
            if dfa.is_match(state) && offset + i >= floor {
                self.report(dfa, state, offset + i, on_hit);
            }
        }
    }

    /// Reports every keyword that ends at byte `last` (inclusive) in the
    /// match state `state`.
    fn report<A: Stepper>(
        &self,
        dfa: &A,
        state: A::State,
        last: usize,
        on_hit: &mut impl FnMut(Hit),
    ) {
        let end = last + 1;
        dfa.for_each_keyword(state, |keyword| {
            on_hit(Hit {
                keyword,
                start: end - self.lengths[keyword],
                end,
            });
        });
    }
}

/// A DFA as the walks step through it.
trait Stepper {
    /// A state.
    type State: Copy;
    /// The state a walk starts in.
    fn start(&self) -> Self::State;
    /// The state after `state` reads `byte`.
    fn next(&self, state: Self::State, byte: u8) -> Self::State;
    /// Whether some keyword ends in `state`.
    fn is_match(&self, state: Self::State) -> bool;
    /// Calls `each` with the index of every keyword that ends in `state`.
    fn for_each_keyword(&self, state: Self::State, each: impl FnMut(usize));
}

/// `aho-corasick`'s DFA copied into a table of 256 next states per state,
/// its match states numbered after all the others.
#[derive(Debug)]
struct FlatDfa {
    /// Row `state` (256 entries, one per byte) holds the states that follow
    /// it.
    transitions: Vec<u16>,
    start: u16,
    /// States numbered this or higher are match states.
    first_match: u16,
    /// Match state `first_match + i` ends the keywords
    /// `ending[ending_from[i]..ending_from[i + 1]]`.
    ending_from: Vec<u32>,
    /// Keyword indexes, grouped by the match state they end in.
    ending: Vec<u32>,
}

impl FlatDfa {
    /// Copies the states reachable from `start`, or gives `None` when there
    /// are more than `max_states` of them.
    fn copy(dfa: &DFA, start: StateID, max_states: usize) -> Option<Self> {
        let max_states = max_states.min(usize::from(u16::MAX) + 1);
        // Every reachable state, in the order found, and for each
        // `aho-corasick` state id, whether it was found.
        let mut found = vec![start];
        let mut seen: Vec<bool> = Vec::new();
        let mark = |id: StateID, seen: &mut Vec<bool>| {
            let slot = id.as_usize();
            if slot >= seen.len() {
                seen.resize(slot + 1, false);
            }
            seen[slot] = true;
        };
        mark(start, &mut seen);
        let mut next = 0;
        while next < found.len() {
            let id = found[next];
            next += 1;
            for byte in 0..=u8::MAX {
                let to = dfa.next_state(Anchored::No, id, byte);
                if !seen.get(to.as_usize()).copied().unwrap_or(false) {
                    if found.len() >= max_states {
                        return None;
                    }
                    mark(to, &mut seen);
                    found.push(to);
                }
            }
        }
        // The final numbering: states that do not match first.
        let (plain, matching): (Vec<StateID>, Vec<StateID>) =
            found.iter().partition(|&&id| !dfa.is_match(id));
        let first_match = plain.len() as u16;
        let ordered: Vec<StateID> = plain.into_iter().chain(matching).collect();
        let mut number: Vec<u16> = vec![0; seen.len()];
        for (n, id) in ordered.iter().enumerate() {
            number[id.as_usize()] = n as u16;
        }
        let transitions = ordered
            .iter()
            .flat_map(|&id| (0..=u8::MAX).map(move |byte| dfa.next_state(Anchored::No, id, byte)))
            .map(|to| number[to.as_usize()])
            .collect();
        let mut ending_from = vec![0];
        let mut ending = Vec::new();
        for &id in &ordered[usize::from(first_match)..] {
            for index in 0..dfa.match_len(id) {
                ending.push(dfa.match_pattern(id, index).as_u32());
            }
            ending_from.push(ending.len() as u32);
        }
        Some(FlatDfa {
            transitions,
            start: number[start.as_usize()],
            first_match,
            ending_from,
            ending,
        })
    }
}

impl Stepper for FlatDfa {
    type State = u16;

    #[inline(always)]
    fn start(&self) -> u16 {
        self.start
    }

    #[inline(always)]
    fn next(&self, state: u16, byte: u8) -> u16 {
        self.transitions[usize::from(state) << 8 | usize::from(byte)]
    }

    #[inline(always)]
    fn is_match(&self, state: u16) -> bool {
        state >= self.first_match
    }

    fn for_each_keyword(&self, state: u16, mut each: impl FnMut(usize)) {
        let index = usize::from(state - self.first_match);
        let from = self.ending_from[index] as usize;
        let to = self.ending_from[index + 1] as usize;
        for &keyword in &self.ending[from..to] {
            each(keyword as usize);
        }
    }
}

/// `aho-corasick`'s DFA, walked as built.
#[derive(Debug)]
struct BuiltDfa {
    dfa: DFA,
    start: StateID,
}

impl Stepper for BuiltDfa {
    type State = StateID;

    #[inline(always)]
    fn start(&self) -> StateID {
        self.start
    }

    #[inline(always)]
    fn next(&self, state: StateID, byte: u8) -> StateID {
        self.dfa.next_state(Anchored::No, state, byte)
    }

    #[inline(always)]
    fn is_match(&self, state: StateID) -> bool {
        self.dfa.is_special(state) && self.dfa.is_match(state)
    }

    fn for_each_keyword(&self, state: StateID, mut each: impl FnMut(usize)) {
        for index in 0..self.dfa.match_len(state) {
            each(self.dfa.match_pattern(state, index).as_usize());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the prefilter finds, checking that both walks find the same.
    fn hits(keywords: &[&str], haystack: &[u8]) -> Vec<Hit> {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        let found = |prefilter: Prefilter| {
            let mut found = Vec::new();
            prefilter.for_each_hit(haystack, |hit| found.push(hit));
            found.sort();
            found
        };
        let flat = Prefilter::new(&keywords).unwrap();
        assert!(matches!(flat.automaton, Walk::Flat(_)));
        let built = Prefilter::build(&keywords, 0).unwrap();
        assert!(matches!(built.automaton, Walk::Built(_)));
        let from_flat = found(flat);
        assert_eq!(from_flat, found(built), "the two walks disagree");
        from_flat
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

    #[test]
    fn automata_too_large_for_a_flat_table_are_walked_as_built() {
        // Thousands of keywords with few shared prefixes: over 16,384 states.
        let keywords: Vec<String> = (0..3000)
            .map(|i| format!("kw{i:05}_{}", i * 7919 % 10007))
            .collect();
        let prefilter = Prefilter::new(&keywords).unwrap();
        assert!(matches!(prefilter.automaton, Walk::Built(_)));
        let text = b"x = kw02999_";
        let expected_keyword = format!("kw02999_{}", 2999 * 7919 % 10007);
        let mut haystack = text.to_vec();
        haystack.extend_from_slice(&expected_keyword.as_bytes()[8..]);
        let mut found = Vec::new();
        prefilter.for_each_hit(&haystack, |hit| found.push(hit));
        assert_eq!(
            found,
            vec![Hit {
                keyword: 2999,
                start: 4,
                end: haystack.len()
            }]
        );
    }

    #[test]
    fn dense_matches_in_pseudo_random_text_are_all_found() {
        // A small alphabet, so keywords occur often and overlap.
        let keywords = ["ab", "abc", "BCA", "cab_", "a_b", "_", "cc", "abcabc"];
        let mut seed: u32 = 0x2545_f491;
        let text: Vec<u8> = (0..3 * LANE_MIN_INPUT + 13)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                b"abcABC_ "[(seed % 8) as usize]
            })
            .collect();
        assert_eq!(hits(&keywords, &text), expected(&keywords, &text));
    }
}
