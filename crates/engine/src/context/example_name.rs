//! Filter `example-name` (drops): a value assigned to a name that says it is
//! not real: `example_key`, `SAMPLE_TOKEN`, `fakePassword`, `mock_secret`,
//! `dummy_api_key`, `placeholder`, or OpenAPI's `example:` fields.

use super::text::{assigned_name, name_words};
use super::{Candidate, Effect, FileContext};

/// Name words that say the value is made up.
const WORDS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "fake",
    "dummy",
    "mock",
    "mocked",
    "placeholder",
];

/// Whether the value at `start` is assigned to a name saying it is made up.
pub fn named_as_example(haystack: &[u8], start: usize) -> bool {
    name_words(assigned_name(haystack, start))
        .iter()
        .any(|w| WORDS.contains(&w.as_str()))
}

/// Drops values named as examples.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    if named_as_example(candidate.haystack, candidate.secret.start) {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(text: &str) -> bool {
        named_as_example(text.as_bytes(), text.find("Hx7p").unwrap())
    }

    #[test]
    fn made_up_names() {
        assert!(example("EXAMPLE_API_KEY = \"Hx7pQ2vRt9LmZs4W\""));
        assert!(example("const fakeStripeKey = 'Hx7pQ2vRt9LmZs4W';"));
        assert!(example("        example: Hx7pQ2vRt9LmZs4W"));
        assert!(example("MOCK_TOKEN=Hx7pQ2vRt9LmZs4W"));
    }

    #[test]
    fn real_names() {
        assert!(!example("API_KEY = \"Hx7pQ2vRt9LmZs4W\""));
        assert!(!example("token: Hx7pQ2vRt9LmZs4W # example"));
        assert!(!example("resampled_token = \"Hx7pQ2vRt9LmZs4W\""));
    }
}
