//! The configuration checks on their fixtures, through the built binary.
//!
//! Each check has `fixtures/checks/<check-id>/bad/` (every file there must
//! give at least one finding of the check) and `good/` (none may). The
//! fixture is copied to a temporary directory and scanned from there, so paths
//! are short and stable and no file counts as committed to git. The check's
//! findings are snapshots: review them when they change.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Every configuration check, with a fixture of its own.
const CHECKS: &[&str] = &[
    "config.default-password",
    "code.secret-fallback",
    "frontend.public-secret-env",
    "kubernetes.secret-in-env",
    "image.mutable-tag",
    "dockerfile.root-user",
    "kubernetes.run-as-root",
    "github-actions.missing-permissions",
];

fn fixtures() -> PathBuf {
    repo_root().join("fixtures/checks")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Files below `dir`, as `/`-separated paths relative to `base`.
fn files_below(dir: &Path, base: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path, base));
        } else {
            let relative = path.strip_prefix(base).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    out.sort();
    out
}

/// Scans a copy of the check's fixture; returns the check's findings.
fn scan_fixture(check: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join(check), &dir.path().join(check));
    let output = tattle(
        dir.path(),
        &["scan", check, "--format", "json", "--no-progress"],
    );
    assert_eq!(code(&output), 1, "{check}: {}", stderr(&output));
    let report = json(&output);
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{check}: {}",
        report["errors"]
    );
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == check)
        .cloned()
        .collect()
}

/// Scans the fixture, checks both halves, and snapshots the findings.
fn verify(check: &str) {
    let findings = scan_fixture(check);
    let reported: BTreeSet<String> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    let root = fixtures();
    for file in files_below(&root.join(check).join("bad"), &root) {
        assert!(
            reported.contains(&file),
            "{check}: nothing reported in {file}"
        );
    }
    let good = format!("{check}/good/");
    let false_alarms: Vec<&Value> = findings
        .iter()
        .filter(|f| f["path"].as_str().unwrap().starts_with(&good))
        .collect();
    assert!(
        false_alarms.is_empty(),
        "{check}: findings in the good half: {false_alarms:#?}"
    );
    for finding in &findings {
        assert_eq!(finding["kind"], "config", "{check}");
        assert!(
            finding["note"].is_string(),
            "{check}: every finding has a note"
        );
    }
    insta::assert_json_snapshot!(check, findings);
}

#[test]
fn every_config_check_has_a_fixture_with_both_halves() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = CHECKS.iter().map(|c| c.to_string()).collect();
    assert_eq!(on_disk, expected);
    for check in CHECKS {
        for half in ["bad", "good"] {
            let dir = fixtures().join(check).join(half);
            assert!(
                !files_below(&dir, &dir).is_empty(),
                "{check}/{half} is empty"
            );
        }
    }
}

#[test]
fn every_config_check_is_listed() {
    let output = tattle(&repo_root(), &["rules", "list", "--format", "json"]);
    let listed = json(&output);
    for check in CHECKS {
        let rule = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == *check)
            .unwrap_or_else(|| panic!("{check} is not listed"));
        assert_eq!(rule["kind"], "config");
        assert_eq!(rule["origin"], "built-in check");
    }
}

#[test]
fn default_passwords() {
    verify("config.default-password");
}

#[test]
fn secret_fallbacks() {
    verify("code.secret-fallback");
}

#[test]
fn public_secret_env() {
    verify("frontend.public-secret-env");
}

#[test]
fn kubernetes_secret_in_env() {
    verify("kubernetes.secret-in-env");
}

#[test]
fn mutable_image_tags() {
    verify("image.mutable-tag");
}

#[test]
fn dockerfile_root_user() {
    verify("dockerfile.root-user");
}

#[test]
fn kubernetes_run_as_root() {
    verify("kubernetes.run-as-root");
}

#[test]
fn workflow_permissions() {
    verify("github-actions.missing-permissions");
}

#[test]
fn sensitive_values_are_redacted_and_evidence_is_shown() {
    let findings = scan_fixture("config.default-password");
    for finding in &findings {
        let secret = finding["secret"].as_str().expect("a password is a secret");
        assert!(secret.ends_with('…'), "{secret}");
        assert!(finding.get("evidence").is_none());
    }
    let findings = scan_fixture("image.mutable-tag");
    assert!(
        findings
            .iter()
            .all(|f| f["evidence"].is_string() && f.get("secret").is_none())
    );
}

#[test]
fn sarif_for_config_findings_never_holds_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let check = "config.default-password";
    copy_tree(&fixtures().join(check), &dir.path().join(check));
    let output = tattle(dir.path(), &["scan", check, "--format", "sarif"]);
    let sarif = json(&output);
    let results = sarif["runs"][0]["results"].to_string();
    assert!(results.contains(check), "results are reported");
    for password in ["foobared", "admin123", "Passw0rd", "changeme", "postgres\""] {
        assert!(!results.contains(password), "SARIF results hold {password}");
    }
}
