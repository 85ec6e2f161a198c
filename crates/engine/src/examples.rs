//! Rule examples as tests: every example must be found, every negative example must not.
//!
//! The same function backs the test suite over the built-in rules and
//! `tattle rules check FILE` over a user's rules.

use crate::check::SourceFile;
use crate::info::Example;
use crate::ruleset::RuleSet;
use std::fmt;

/// One example that did not behave as its rule promised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The rule's id.
    pub rule: String,
    /// Where the rule is defined.
    pub origin: String,
    /// What went wrong.
    pub problem: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: rule `{}`: {}", self.origin, self.rule, self.problem)
    }
}

/// Runs every example and negative example of every rule through the whole
/// matcher and returns all failures (empty when all rules behave).
///
/// Examples are scanned as files committed to git, at the path each names.
pub fn check_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let mut matcher = rules.matcher();
    let mut failures = Vec::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        let fail = |problem: String| ExampleFailure {
            rule: rule.id().to_string(),
            origin: rule.origin.clone(),
            problem,
        };
        let examples = rule.examples();
        let negatives = rule.negative_examples();
        if examples.is_empty() {
            failures.push(fail("has no `examples`".into()));
        }
        if negatives.is_empty() {
            failures.push(fail("has no `negative_examples`".into()));
        }
        // Pattern rules' examples are lines read at one path; checks' are
        // whole files, so their failures name the path too.
        let place = |example: &Example| match rule.as_check() {
            Some(_) => format!(" in {}", example.path),
            None => String::new(),
        };
        let what = if rule.info.sensitive {
            "secret"
        } else {
            "value"
        };
        for example in &examples {
            let found = matcher.scan(&as_file(example));
            if !found.iter().any(|m| m.rule == index) {
                failures.push(fail(format!(
                    "example not found{}: {:?}",
                    place(example),
                    example.text
                )));
            }
        }
        for negative in &negatives {
            let found = matcher.scan(&as_file(negative));
            if let Some(hit) = found.iter().find(|m| m.rule == index) {
                let value = String::from_utf8_lossy(&negative.text.as_bytes()[hit.secret.clone()]);
                failures.push(fail(format!(
                    "negative example matched{} ({what} {value:?}): {:?}",
                    place(negative),
                    negative.text
                )));
            }
        }
    }
    failures
}

fn as_file(example: &Example) -> SourceFile<'_> {
    SourceFile {
        path: &example.path,
        bytes: example.text.as_bytes(),
        committed: true,
    }
}
