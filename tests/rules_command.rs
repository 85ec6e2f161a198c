//! `tattle rules list|explain|check`.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// A rule whose examples and negative examples all behave.
const GOOD_RULE: &str = r#"# An Acme rule.

[[rule]]
id = "acme.token"
name = "Acme token"
description = "An Acme API token."
severity = "high"
keywords = ["acme_"]
regex = '(?P<secret>acme_[a-z0-9]{24})'
examples = ['ACME=acme_k3j5h7g9f1d3s5a7q9w2e4r6']
negative_examples = ['ACME=acme_']
"#;

/// Writes `contents` as `name` in a fresh directory and runs `tattle rules check name` there.
fn check(name: &str, contents: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[(name, contents)]);
    tattle(dir.path(), &["rules", "check", name])
}

fn rules_list_json(cwd: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["rules", "list", "--format", "json"];
    args.extend_from_slice(extra);
    let output = tattle(cwd, &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("a JSON array")
        .as_array()
        .expect("a JSON array")
        .clone()
}

// ---------------------------------------------------------------------------
// rules list

#[test]
fn rules_list_text_lists_every_id_with_severity_and_name_and_a_count() {
    let output = tattle(&repo_root(), &["rules", "list"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let listed = rules_list_json(&repo_root(), &[]);
    assert_eq!(
        lines.last().copied(),
        Some(format!("{} rules", listed.len()).as_str())
    );
    assert_eq!(lines.len(), listed.len() + 1);
    for (line, rule) in lines.iter().zip(&listed) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], rule["id"], "{line}");
        assert_eq!(words[1], rule["kind"], "{line}");
        assert_eq!(words[2], rule["severity"], "{line}");
        assert!(line.ends_with(rule["name"].as_str().unwrap()), "{line}");
    }
    let openai = lines
        .iter()
        .find(|l| l.starts_with("openai.api-key "))
        .expect("openai.api-key is listed");
    assert!(openai.contains("high"), "{openai}");
    assert!(openai.ends_with("OpenAI API key"), "{openai}");
}

#[test]
fn rules_list_json_is_an_array_of_described_rules_with_unique_ids() {
    let listed = rules_list_json(&repo_root(), &[]);
    assert!(listed.len() >= 40, "{} rules", listed.len());
    let mut ids: Vec<&str> = listed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for rule in &listed {
        for field in [
            "id",
            "name",
            "kind",
            "severity",
            "confidence",
            "description",
            "origin",
        ] {
            let value = rule[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "{field} of {rule}");
        }
        for field in ["keywords", "references", "tags"] {
            assert!(rule[field].is_array(), "{field} of {rule}");
        }
        assert!(
            ["low", "medium", "high", "critical"].contains(&rule["severity"].as_str().unwrap()),
            "{rule}"
        );
        let origin = rule["origin"].as_str().unwrap();
        match rule["kind"].as_str().unwrap() {
            "secret" => assert!(origin.starts_with("rules/"), "{rule}"),
            "config" => assert_eq!(origin, "built-in check", "{rule}"),
            other => panic!("unknown kind {other} in {rule}"),
        }
    }
    let openai = listed
        .iter()
        .find(|r| r["id"] == "openai.api-key")
        .expect("openai.api-key is listed");
    assert_eq!(openai["name"], "OpenAI API key");
    assert_eq!(openai["severity"], "high");
    assert_eq!(openai["confidence"], "high");
    assert!(
        openai["description"]
            .as_str()
            .unwrap()
            .starts_with("An OpenAI API key.")
    );
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "ids are unique");
}

#[test]
fn rules_list_with_config_adds_the_custom_rules_and_drops_disabled_ones() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[rules]\ndisable = [\"openai.api-key\"]\n{GOOD_RULE}");
    write_tree(dir.path(), &[("custom.toml", &config)]);
    let builtin = rules_list_json(dir.path(), &[]);
    let listed = rules_list_json(dir.path(), &["--config", "custom.toml"]);
    assert_eq!(listed.len(), builtin.len());
    assert!(!listed.iter().any(|r| r["id"] == "openai.api-key"));
    let acme = listed
        .iter()
        .find(|r| r["id"] == "acme.token")
        .expect("the custom rule is listed");
    assert_eq!(acme["origin"], "custom.toml:5");
    assert_eq!(acme["confidence"], "medium");

    let output = tattle(dir.path(), &["rules", "list", "--config", "custom.toml"]);
    let text = stdout(&output);
    assert!(text.contains("acme.token"), "{text}");
    assert!(
        text.ends_with(&format!("{} rules\n", builtin.len())),
        "{text}"
    );
}

// ---------------------------------------------------------------------------
// rules explain

#[test]
fn rules_explain_shows_name_severity_description_and_regex() {
    let output = tattle(&repo_root(), &["rules", "explain", "openai.api-key"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("openai.api-key — OpenAI API key\n"),
        "{text}"
    );
    assert!(text.contains("severity:   high\n"), "{text}");
    assert!(text.contains("confidence: high\n"), "{text}");
    assert!(text.contains("defined in: rules/openai.toml:"), "{text}");
    assert!(
        text.contains("An OpenAI API key. Anyone holding it"),
        "{text}"
    );
    assert!(text.contains("How to fix: Revoke the key"), "{text}");
    assert!(text.contains("Regex:    (?-u)\\b(?P<secret>sk-"), "{text}");
    assert!(
        text.contains("https://platform.openai.com/docs/api-reference/authentication"),
        "{text}"
    );
}

#[test]
fn rules_explain_unknown_id_exits_2_naming_it() {
    let output = tattle(&repo_root(), &["rules", "explain", "nope"]);
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert!(err.contains("no rule has the id `nope`"), "{err}");
}

#[test]
fn rules_explain_without_an_id_exits_2() {
    let output = tattle(&repo_root(), &["rules", "explain"]);
    assert_eq!(code(&output), 2);
}

// ---------------------------------------------------------------------------
// rules check

#[test]
fn rules_check_good_file_exits_0_with_ok() {
    let output = check("good.toml", GOOD_RULE);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), "good.toml: 1 rule OK\n");
}

#[test]
fn rules_check_accepts_a_tattle_toml_with_other_sections() {
    let config = format!(
        "[scan]\nmax_file_size = \"1MiB\"\n\n[allowlist]\npaths = [\"tests/**\"]\n{GOOD_RULE}"
    );
    let output = check(".tattle.toml", &config);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(stdout(&output), ".tattle.toml: 1 rule OK\n");
}

#[test]
fn rules_check_passes_on_every_built_in_rule_file() {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("rules"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for file in files {
        let relative = file.strip_prefix(repo_root()).unwrap();
        let output = tattle(
            &repo_root(),
            &["rules", "check", relative.to_str().unwrap()],
        );
        assert_eq!(
            code(&output),
            0,
            "{}\n{}{}",
            relative.display(),
            stdout(&output),
            stderr(&output)
        );
        assert!(stdout(&output).ends_with(" OK\n"), "{}", stdout(&output));
    }
}

#[test]
fn rules_check_example_that_does_not_match_exits_1_naming_rule_and_example() {
    let rule = GOOD_RULE.replace("acme_k3j5h7g9f1d3s5a7q9w2e4r6", "acme_TOOSHORT");
    let output = check("bad.toml", &rule);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "bad.toml:3: rule `acme.token`: example not found: \"ACME=acme_TOOSHORT\"\n\
         bad.toml: 1 problem(s) in 1 rule(s)\n"
    );
}

#[test]
fn rules_check_negative_example_that_matches_exits_1_naming_the_secret() {
    let rule = GOOD_RULE.replace(
        "negative_examples = ['ACME=acme_']",
        "negative_examples = ['ACME=acme_aaaabbbbccccddddeeeeffff']",
    );
    let output = check("neg.toml", &rule);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "neg.toml:3: rule `acme.token`: negative example matched \
             (secret \"acme_aaaabbbbccccddddeeeeffff\")"
        ),
        "{text}"
    );
}

#[test]
fn rules_check_rule_without_examples_exits_1() {
    let rule: String = GOOD_RULE
        .lines()
        .filter(|line| !line.contains("examples"))
        .map(|line| format!("{line}\n"))
        .collect();
    let output = check("bare.toml", &rule);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "bare.toml:3: rule `acme.token`: has no `examples`\n\
         bare.toml:3: rule `acme.token`: has no `negative_examples`\n\
         bare.toml: 2 problem(s) in 1 rule(s)\n"
    );
}

#[test]
fn rules_check_regex_without_secret_group_exits_2_naming_the_rule() {
    let rule = GOOD_RULE.replace("(?P<secret>acme_[a-z0-9]{24})", "acme_[a-z0-9]{24}");
    let output = check("nogroup.toml", &rule);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("nogroup.toml:3"), "{err}");
    assert!(err.contains("rule `acme.token`"), "{err}");
    assert!(err.contains("(?P<secret>...)"), "{err}");
}

#[test]
fn rules_check_invalid_regex_exits_2_naming_the_rule() {
    let rule = GOOD_RULE.replace("{24})'", "{24}'");
    let output = check("badre.toml", &rule);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(
        err.contains("badre.toml:3: rule `acme.token`: `regex`"),
        "{err}"
    );
}

#[test]
fn rules_check_misspelled_field_exits_2_naming_file_line_rule_and_field() {
    let rule = GOOD_RULE.replace("negative_examples", "negative_exmples");
    let output = check("typo.toml", &rule);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("typo.toml:3"), "{err}");
    assert!(err.contains("rule `acme.token`"), "{err}");
    assert!(err.contains("unknown field `negative_exmples`"), "{err}");
}

#[test]
fn rules_check_invalid_field_values_exit_2_naming_the_rule() {
    for (from, to, needle) in [
        ("\"high\"", "\"urgent\"", "urgent"),
        ("acme.token", "AcmeToken", "AcmeToken"),
    ] {
        let output = check("values.toml", &GOOD_RULE.replace(from, to));
        assert_eq!(code(&output), 2, "{to}");
        let err = stderr(&output);
        assert!(err.contains("values.toml:3: rule `"), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn rules_check_duplicate_ids_exit_2_naming_both_places() {
    let twice = format!(
        "{GOOD_RULE}\n{}",
        GOOD_RULE.replace("# An Acme rule.\n", "")
    );
    let output = check("dup.toml", &twice);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(
        err.contains("dup.toml:14: rule `acme.token` is defined twice (first in dup.toml:3)"),
        "{err}"
    );
}

#[test]
fn rules_check_missing_or_empty_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["rules", "check", "absent.toml"]);
    assert_exit_with_stderr(&output, 2, "absent.toml");

    let output = check("empty.toml", "# nothing yet\n");
    assert_exit_with_stderr(&output, 2, "empty.toml: no [[rule]] tables found");
}

#[test]
fn rules_check_invalid_toml_exits_2_naming_file_and_line() {
    let output = check("broken.toml", "[[rule]]\nid = \"acme.token\n");
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("broken.toml"), "{err}");
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn rules_check_rejects_a_custom_rule_that_reuses_a_built_in_id() {
    let dir = tempfile::tempdir().unwrap();
    let config = GOOD_RULE.replace("acme.token", "openai.api-key");
    write_tree(dir.path(), &[(".tattle.toml", &config)]);
    let scan = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&scan), 2, "scan rejects the config");
    let output = tattle(dir.path(), &["rules", "check", ".tattle.toml"]);
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains(".tattle.toml:"), "{err}");
    assert!(err.contains("`openai.api-key`"), "{err}");
    assert!(err.contains("rules/openai.toml"), "{err}");
}

#[test]
fn unknown_rules_subcommand_exits_2() {
    let output = tattle(&repo_root(), &["rules", "frobnicate"]);
    assert_exit_with_stderr(&output, 2, "frobnicate");
}

/// `rules list` and `rules explain` read the nearest `.tattle.toml`: its
/// custom rules are listed and explained, its disabled rules are not
/// listed; the JSON carries each pattern rule's regex and examples.
#[test]
fn list_and_explain_read_the_nearest_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[rules]\ndisable = [\"openai.api-key\"]\n\n{GOOD_RULE}");
    write_tree(dir.path(), &[(".tattle.toml", &config), ("sub/x.txt", "")]);
    let sub = dir.path().join("sub");
    let listed = rules_list_json(&sub, &[]);
    let ids: Vec<&str> = listed.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"acme.token"));
    assert!(!ids.contains(&"openai.api-key"));
    let acme = listed.iter().find(|r| r["id"] == "acme.token").unwrap();
    assert_eq!(acme["regex"], "(?P<secret>acme_[a-z0-9]{24})");
    assert_eq!(
        acme["examples"][0]["text"],
        "ACME=acme_k3j5h7g9f1d3s5a7q9w2e4r6"
    );
    let output = tattle(&sub, &["rules", "explain", "acme.token"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("acme.token — Acme token"));
}
