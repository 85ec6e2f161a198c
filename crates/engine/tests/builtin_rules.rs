//! Every built-in rule's examples and negative examples, through the whole engine.

use tattle_engine::{RuleSet, check_examples};

#[test]
fn every_builtin_rule_behaves_as_its_examples_say() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let failures = check_examples(&rules);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} example failure(s):\n{}",
        failures.len(),
        report.join("\n")
    );
}

#[test]
fn builtin_rules_have_unique_ids_and_full_metadata() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    assert!(!rules.rules().is_empty());
    for rule in rules.rules() {
        assert!(
            rule.info.remediation.is_some(),
            "{} has no remediation",
            rule.id()
        );
        assert!(
            !rule.info.references.is_empty(),
            "{} has no references",
            rule.id()
        );
        if let Some(pattern) = rule.as_pattern() {
            assert!(
                !pattern.spec.keywords.is_empty(),
                "{} has no keywords",
                rule.id()
            );
        }
    }
}
