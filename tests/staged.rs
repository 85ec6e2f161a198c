//! `tattle staged`: what the next commit adds, read from the index.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn stripe_line(n: usize) -> String {
    const BODY: &str = "Yq7Lm2Xc9Vb4Nz8Rt1Kp6Wd3Hf5Js0GaUeOiQy";
    format!("STRIPE_KEY = \"sk_live_{}{}\"\n", &BODY[n..], &BODY[..n])
}

/// Runs `tattle staged --format json` in `repo`: exit code and report.
fn staged_json(repo: &Path) -> (i32, Value) {
    let output = tattle(repo, &["staged", "--format", "json"]);
    assert!(
        !output.stdout.is_empty(),
        "no report (exit {}): {}",
        code(&output),
        stderr(&output)
    );
    (code(&output), json(&output))
}

#[test]
fn staged_secret_before_the_first_commit_is_found() {
    let repo = TestRepo::new();
    repo.write(&[("app.py", &format!("import os\n{}", stripe_line(0)))]);
    repo.git(&["add", "app.py"]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("stripe.secret-key".to_string(), "app.py".to_string(), 2)]
    );
    assert_eq!(report["mode"], "staged");
}

#[test]
fn only_added_lines_are_reported_with_staged_line_numbers() {
    let mut repo = TestRepo::new();
    repo.write(&[("app.py", &format!("a = 1\n{}b = 2\n", stripe_line(1)))]);
    repo.commit("existing secret");
    // Two lines inserted above the old secret, one new secret at the end.
    repo.write(&[(
        "app.py",
        &format!(
            "x = 0\ny = 0\na = 1\n{}b = 2\n{}",
            stripe_line(1),
            stripe_line(2)
        ),
    )]);
    repo.git(&["add", "app.py"]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("stripe.secret-key".to_string(), "app.py".to_string(), 6)],
        "the old secret (now line 4) is not added by this commit"
    );
}

#[test]
fn the_staged_version_is_scanned_not_the_working_copy() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.py", "a = 1\n"), ("b.py", "b = 1\n")]);
    repo.commit("start");
    // Staged with a secret, then cleaned up only in the working copy.
    repo.write(&[("a.py", &format!("a = 1\n{}", stripe_line(3)))]);
    repo.git(&["add", "a.py"]);
    repo.write(&[("a.py", "a = 1\n")]);
    // A secret only in the working copy, not staged.
    repo.write(&[("b.py", &format!("b = 1\n{}", stripe_line(4)))]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("stripe.secret-key".to_string(), "a.py".to_string(), 2)]
    );
}

#[test]
fn renames_and_deletions_add_nothing_but_edits_in_a_rename_do() {
    let mut repo = TestRepo::new();
    repo.write(&[
        ("old.py", &format!("one\ntwo\nthree\n{}", stripe_line(5))),
        ("moved.py", &format!("four\nfive\nsix\n{}", stripe_line(6))),
        ("gone.py", &stripe_line(7)),
    ]);
    repo.commit("start");
    repo.git(&["mv", "old.py", "new.py"]);
    repo.git(&["mv", "moved.py", "place.py"]);
    repo.write(&[(
        "place.py",
        &format!("four\nfive\nsix\n{}{}", stripe_line(6), stripe_line(8)),
    )]);
    repo.git(&["add", "place.py"]);
    repo.git(&["rm", "-q", "gone.py"]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("stripe.secret-key".to_string(), "place.py".to_string(), 5)]
    );
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let repo = TestRepo::new();
    let mut bytes = b"\x00\x01binary".to_vec();
    bytes.extend_from_slice(stripe_line(9).as_bytes());
    std::fs::write(repo.path().join("blob.bin"), bytes).unwrap();
    repo.git(&["add", "blob.bin"]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 0);
    assert_eq!(report["summary"]["binary_skipped"], 1);
}

#[test]
fn a_staged_dotenv_file_is_reported() {
    let mut repo = TestRepo::new();
    repo.write(&[("README.md", "hi\n")]);
    repo.commit("start");
    repo.write(&[(".env", "API_URL=https://api.internal\n")]);
    repo.git(&["add", "-f", ".env"]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("dotenv.committed".to_string(), ".env".to_string(), 1)]
    );
}

#[test]
fn nothing_staged_is_clean_and_not_a_repository_is_an_error() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.py", &stripe_line(10))]);
    repo.commit("committed secret");
    let output = tattle(repo.path(), &["staged"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("No findings."));

    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["staged"]);
    assert_exit_with_stderr(&output, 2, "not a git repository");
}

#[test]
fn staged_findings_respect_inline_allow_and_the_config() {
    let repo = TestRepo::new();
    repo.write(&[
        (".tattle.toml", "[allowlist]\npaths = [\"fixtures/**\"]\n"),
        ("fixtures/key.py", &stripe_line(11)),
        (
            "app.py",
            &format!("{} # tattle:allow", stripe_line(12).trim_end()),
        ),
    ]);
    repo.git(&["add", "."]);
    let (exit, report) = staged_json(repo.path());
    assert_eq!(exit, 0, "{report}");
}
