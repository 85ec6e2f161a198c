//! The GitHub Action's script (`.github/action/run.sh`), run with the
//! `INPUT_*` and `GITHUB_*` environment a runner sets.

mod common;

use common::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `run.sh STEP` in `cwd` with `inputs` (name → value) as `INPUT_*`,
/// `GITHUB_OUTPUT`/`GITHUB_STEP_SUMMARY` files, and the built tattle on PATH.
fn run_action(
    cwd: &Path,
    step: &str,
    inputs: &[(&str, &str)],
) -> (Output, HashMap<String, String>, String) {
    let state = tempfile::tempdir().unwrap();
    let output_file = state.path().join("output");
    let summary_file = state.path().join("summary");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_tattle")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .arg(repo_root().join(".github/action/run.sh"))
        .arg(step)
        .current_dir(cwd)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("GITHUB_ACTION_PATH", repo_root())
        .env("NO_COLOR", "1");
    for (name, value) in inputs {
        command.env(
            format!("INPUT_{}", name.to_uppercase().replace('-', "_")),
            value,
        );
    }
    let output = command.output().expect("running run.sh");
    let outputs = std::fs::read_to_string(&output_file)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let summary = std::fs::read_to_string(&summary_file).unwrap_or_default();
    (output, outputs, summary)
}

fn stripe_line() -> String {
    format!(
        "STRIPE_KEY = \"sk_live_{}\"\n",
        "Qm4Xz8Lp2Wv7Nc3Rb9Kt1Hs6Dj5Fg0Ay"
    )
}

#[test]
fn scan_mode_writes_sarif_outputs_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("src/app.py", &stripe_line())]);
    let (output, outputs, summary) = run_action(
        dir.path(),
        "run",
        &[
            ("mode", "scan"),
            ("path", "src"),
            ("fail-on", "high"),
            ("sarif-file", "out.sarif"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(outputs["exit-code"], "1");
    assert_eq!(outputs["sarif-file"], "out.sarif");
    assert_eq!(outputs["category"], "tattle/scan/");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    assert!(summary.contains("tattle scan: 1 finding"), "{summary}");
    assert!(summary.contains("- critical: 1"), "{summary}");
}

#[test]
fn fail_on_critical_lets_lower_findings_pass() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(dir.path(), &[(".env", "DEBUG=1\n")]);
    git(dir.path(), &["add", "-f", ".env"]);
    let (_, outputs, _) = run_action(dir.path(), "run", &[("fail-on", "critical")]);
    assert_eq!(
        outputs["exit-code"], "0",
        "a high finding is below critical"
    );
}

#[test]
fn history_mode_with_since_scans_only_new_commits() {
    let mut repo = TestRepo::new();
    repo.write(&[("old.py", &stripe_line())]);
    let base = repo.commit("old secret");
    repo.write(&[("new.py", "print('clean')\n")]);
    repo.commit("clean change");
    let (output, outputs, _) =
        run_action(repo.path(), "run", &[("mode", "history"), ("since", &base)]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        outputs["exit-code"], "0",
        "the old secret is not in the range"
    );
    assert_eq!(outputs["category"], "tattle/history/");

    let (_, outputs, _) = run_action(repo.path(), "run", &[("mode", "history")]);
    assert_eq!(outputs["exit-code"], "1", "the whole history has it");
}

#[test]
fn bad_inputs_fail_with_a_workflow_error() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _, _) = run_action(dir.path(), "run", &[("mode", "everything")]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("::error title=tattle::mode must be scan or history"),
        "{stdout}"
    );

    let (output, _, _) = run_action(dir.path(), "run", &[("mode", "scan"), ("since", "HEAD~1")]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn install_uses_a_tattle_already_on_path() {
    let dir = tempfile::tempdir().unwrap();
    let (output, _, _) = run_action(dir.path(), "install", &[]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("using "));
}
