//! Rule examples as tests: every example must be found, every negative example must not.
//!
//! The same function backs the test suite over the built-in rules and
//! `tattle rules check FILE` over a user's rules.

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
pub fn check_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let mut matcher = rules.matcher();
    let mut failures = Vec::new();
    for (index, rule) in rules.rules().iter().enumerate() {
        let fail = |problem: String| ExampleFailure {
            rule: rule.id().to_string(),
            origin: rule.origin.clone(),
            problem,
        };
        if rule.spec.examples.is_empty() {
            failures.push(fail("has no `examples`".into()));
        }
        if rule.spec.negative_examples.is_empty() {
            failures.push(fail("has no `negative_examples`".into()));
        }
        let path = rule.spec.example_path.as_deref().unwrap_or("example.txt");
        for example in &rule.spec.examples {
            let found = matcher.scan(example.as_bytes(), Some(path));
            if !found.iter().any(|m| m.rule == index) {
                failures.push(fail(format!("example not found: {example:?}")));
            }
        }
        for negative in &rule.spec.negative_examples {
            let found = matcher.scan(negative.as_bytes(), Some(path));
            if let Some(hit) = found.iter().find(|m| m.rule == index) {
                let secret = String::from_utf8_lossy(&negative.as_bytes()[hit.secret.clone()]);
                failures.push(fail(format!(
                    "negative example matched (secret {secret:?}): {negative:?}"
                )));
            }
        }
    }
    failures
}
