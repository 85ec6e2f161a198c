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

/// The SARIF reporter puts `security` and the rule's kind (`secret` or
/// `config`) before a rule's own tags; a rule repeating them, or its own tags,
/// says nothing more.
#[test]
fn builtin_rule_tags_are_unique_and_leave_out_the_sarif_defaults() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    for rule in rules.rules() {
        let tags = &rule.info.tags;
        for (i, tag) in tags.iter().enumerate() {
            assert!(
                tag != "security" && tag != rule.info.kind.as_str(),
                "{} has the tag {tag:?}, which SARIF gives it already",
                rule.id()
            );
            assert!(
                !tags[..i].contains(tag),
                "{} repeats the tag {tag:?}",
                rule.id()
            );
        }
    }
}

/// Built-in rules compile their regexes on first use, so this compiles them
/// all up front: a broken built-in regex fails here, not in a user's scan.
#[test]
fn every_builtin_regex_compiles() {
    let specs = tattle_engine::builtin_specs().expect("built-in rules load");
    let failures: Vec<String> = specs
        .into_iter()
        .filter_map(|located| {
            tattle_engine::PatternRule::compile(located.spec, &located.origin)
                .err()
                .map(|e| e.to_string())
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
