//! `tattle scan` on small trees built per test: what is walked and what is
//! skipped, exit codes, config files, inline allows, positions and fingerprints.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// An OpenAI project key that passes every filter (the demo fixture's).
const OPENAI_KEY: &str = "sk-proj-Rk3Xw9TqL2vN8mPz5bYc1HdJ7fGs4aQe6uKo0iWn3tVy_AbCdT3BlbkFJx7Kq2Lm9Np4Rs6Tv8Wy1Za3Bc5De7Fg9Hi";

/// A custom rule (no examples, so the config file holds no secret itself).
const ACME_RULE: &str = r#"
[[rule]]
id = "acme.token"
name = "Acme token"
description = "An Acme API token."
severity = "high"
keywords = ["acme_"]
regex = '(?P<secret>acme_[a-z0-9]{24})'
"#;

/// A token the custom rule finds.
const ACME_TOKEN: &str = "acme_k3j5h7g9f1d3s5a7q9w2e4r6";

/// `T=<GitHub token>\n`.
fn github_line() -> String {
    format!("T={GITHUB_TOKEN}\n")
}

/// Runs `tattle scan --format json ARGS` in `cwd`: exit code and report.
fn scan_json(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let mut full = vec!["scan", "--format", "json"];
    full.extend_from_slice(args);
    let output = tattle(cwd, &full);
    let exit = code(&output);
    assert!(
        !output.stdout.is_empty(),
        "no report (exit {exit}): {}",
        stderr(&output)
    );
    (exit, json(&output))
}

/// Expected finding keys.
fn keys(expected: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    expected
        .iter()
        .map(|(rule, path, line)| (rule.to_string(), path.to_string(), *line))
        .collect()
}

/// Paths of all findings.
fn finding_paths(report: &Value) -> Vec<String> {
    finding_keys(report)
        .into_iter()
        .map(|(_, p, _)| p)
        .collect()
}

/// Runs tattle with a deadline; panics (after killing it) if it runs longer.
fn tattle_with_deadline(cwd: &Path, args: &[&str], deadline: Duration) -> Output {
    run_with_deadline(
        Command::new(env!("CARGO_BIN_EXE_tattle")).args(args),
        cwd,
        args,
        deadline,
    )
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

// ---------------------------------------------------------------------------
// Exit codes and the text report

#[test]
fn clean_tree_exits_0_with_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[("a.txt", "hello\n"), ("src/b.rs", "fn main() {}\n")],
    );
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("No findings."), "{text}");
    assert!(text.contains("Scanned 2 files"), "{text}");
}

#[test]
fn tree_with_a_secret_exits_1_and_names_file_position_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("conf/app.env", &github_line())]);
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("conf/app.env\n"), "{text}");
    assert!(text.contains("1:3"), "{text}");
    assert!(text.contains("[github.pat-classic]"), "{text}");
    assert!(text.contains("1 finding in 1 file: 1 critical"), "{text}");
    assert!(!text.contains(GITHUB_TOKEN), "secret leaked: {text}");
}

#[test]
fn default_path_is_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("a.env", &github_line())]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("github.pat-classic", "a.env", 1)])
    );
}

#[test]
fn paths_are_reported_as_given_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("proj/a.env", &github_line())]);
    for (arg, path) in [
        ("proj", "proj/a.env"),
        ("./proj", "proj/a.env"),
        ("proj/a.env", "proj/a.env"),
    ] {
        let (_, report) = scan_json(dir.path(), &[arg]);
        assert_eq!(finding_paths(&report), [path], "scan {arg}");
    }
    let (_, report) = scan_json(&dir.path().join("proj"), &["."]);
    assert_eq!(finding_paths(&report), ["a.env"]);
}

// ---------------------------------------------------------------------------
// What the walk visits

#[test]
fn gitignored_file_is_skipped_and_no_ignore_scans_it() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    write_tree(
        dir.path(),
        &[
            (".gitignore", "ignored.env\n"),
            ("ignored.env", &line),
            ("kept.env", &line),
        ],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(finding_paths(&report), ["kept.env"]);

    let (exit, report) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(exit, 1);
    assert_eq!(finding_paths(&report), ["ignored.env", "kept.env"]);
}

#[test]
fn tattleignore_and_dot_ignore_are_honoured_and_no_ignore_overrides_them() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    write_tree(
        dir.path(),
        &[
            (".tattleignore", "by-tattleignore.txt\n"),
            (".ignore", "by-ignore.txt\n"),
            ("by-tattleignore.txt", &line),
            ("by-ignore.txt", &line),
            ("kept.txt", &line),
        ],
    );
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(finding_paths(&report), ["kept.txt"]);
    let (_, report) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(
        finding_paths(&report),
        ["by-ignore.txt", "by-tattleignore.txt", "kept.txt"]
    );
}

#[test]
fn tattleignore_in_a_subdirectory_applies_only_below_it() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    write_tree(
        dir.path(),
        &[
            ("sub/.tattleignore", "secret.txt\n"),
            ("sub/secret.txt", &line),
            ("secret.txt", &line),
        ],
    );
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(finding_paths(&report), ["secret.txt"]);
}

#[test]
fn hidden_files_and_directories_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    write_tree(
        dir.path(),
        &[
            (".env", &line),
            (".github/workflows/ci.yml", &line),
            (".config/tool/creds", &line),
        ],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_paths(&report),
        [".config/tool/creds", ".env", ".github/workflows/ci.yml"]
    );
}

#[test]
fn files_inside_git_directories_are_never_reported() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".git/leaked-note", &line),
            (".git/hooks/pre-push", &line),
            // A nested repository's git directory (e.g. a vendored clone).
            ("vendor/lib/.git/config", &line),
            // A worktree or submodule's `.git` file.
            ("other/.git", &line),
            ("clean.txt", "nothing here\n"),
        ],
    );
    for args in [&[][..], &["--no-ignore"][..]] {
        let (exit, report) = scan_json(dir.path(), args);
        assert_eq!(exit, 0, "{args:?}: {report}");
        assert_eq!(finding_keys(&report), [], "{args:?}");
    }
}

#[test]
fn gitignore_is_honoured_outside_a_git_repository_too() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    write_tree(
        dir.path(),
        &[
            (".gitignore", "build/\n*.log\n!keep.log\n"),
            ("build/out.txt", &line),
            ("debug.log", &line),
            ("keep.log", &line),
        ],
    );
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(finding_paths(&report), ["keep.log"]);
}

// ---------------------------------------------------------------------------
// Git work trees: tracked files are scanned even when ignored

#[test]
fn force_added_ignored_file_is_scanned_and_untracked_ignored_file_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".gitignore", "*.env\n"),
            ("forced.env", &line),
            ("untracked.env", &line),
            ("readme.txt", "hello\n"),
        ],
    );
    git(dir.path(), &["add", ".gitignore", "readme.txt"]);
    git(dir.path(), &["add", "-f", "forced.env"]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("github.pat-classic", "forced.env", 1)])
    );
    assert_eq!(report["summary"]["files_scanned"], 3);
}

#[test]
fn tracked_dotenv_files_are_reported_and_untracked_or_template_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".gitignore", ".env*\n"),
            (".env", "# local settings\nDB_USER=app\nDB_NAME=app\n"),
            ("web/.env.local", "export FEATURE_FLAG=on\n"),
            (".env.example", "DB_USER=\n"),
            ("api/.env", "DB_USER=app\n"),
        ],
    );
    git(dir.path(), &["add", ".gitignore"]);
    git(
        dir.path(),
        &["add", "-f", ".env", "web/.env.local", ".env.example"],
    );
    let (exit, report) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[
            ("dotenv.committed", ".env", 2),
            ("dotenv.committed", "web/.env.local", 1)
        ])
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["kind"], "config");
    assert_eq!(finding["evidence"], "DB_USER", "the variable name is shown");
    assert!(finding.get("secret").is_none(), "{finding}");
    assert_eq!(
        finding["note"],
        "committed dotenv file assigning 2 variables"
    );
}

#[test]
fn force_added_file_in_an_ignored_directory_is_scanned_but_its_untracked_sibling_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".gitignore", "build/\n"),
            ("build/keep.txt", &line),
            ("build/leak.txt", &line),
        ],
    );
    git(dir.path(), &["add", "-f", "build/keep.txt"]);
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(finding_paths(&report), ["build/keep.txt"]);
}

#[test]
fn force_added_file_is_scanned_when_scanning_a_subdirectory_of_the_repo() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".gitignore", "*.env\n"),
            ("app/forced.env", &line),
            ("app/untracked.env", &line),
            ("other/forced.env", &line),
        ],
    );
    git(
        dir.path(),
        &["add", "-f", "app/forced.env", "other/forced.env"],
    );
    let (_, report) = scan_json(dir.path(), &["app"]);
    assert_eq!(finding_paths(&report), ["app/forced.env"]);
    let (_, report) = scan_json(&dir.path().join("app"), &[]);
    assert_eq!(finding_paths(&report), ["forced.env"]);
}

#[test]
fn untracked_ignored_file_is_scanned_with_no_ignore_in_a_git_repo() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[(".gitignore", "*.env\n"), ("untracked.env", &github_line())],
    );
    let (exit, _) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 0);
    let (exit, report) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(exit, 1);
    assert_eq!(finding_paths(&report), ["untracked.env"]);
}

#[test]
fn tattleignore_excludes_tracked_files_in_a_git_repo() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "."]);
    write_tree(
        dir.path(),
        &[
            (".tattleignore", "fixtures/\n"),
            ("fixtures/sample.env", &github_line()),
        ],
    );
    git(dir.path(), &["add", "."]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(finding_keys(&report), [], "{report}");
    assert_eq!(exit, 0);
}

// ---------------------------------------------------------------------------
// Binary, large and special files

#[test]
fn binary_file_with_a_secret_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = github_line().into_bytes();
    bytes.extend_from_slice(b"\0\x01\x02binary\n");
    std::fs::write(dir.path().join("blob.bin"), bytes).unwrap();
    write_tree(dir.path(), &[("readme.txt", "hello\n")]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 0);
    assert_eq!(finding_keys(&report), []);
    assert_eq!(report["summary"]["binary_skipped"], 1);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["skipped"], serde_json::json!([]));

    let output = tattle(dir.path(), &["scan"]);
    assert!(
        stdout(&output).contains("; 1 binary skipped"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn nul_byte_after_the_first_8_kib_does_not_make_a_file_binary() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![b'a'; 9000];
    bytes.extend_from_slice(b"\0\n");
    bytes.extend_from_slice(github_line().as_bytes());
    std::fs::write(dir.path().join("late.dat"), bytes).unwrap();
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("github.pat-classic", "late.dat", 2)])
    );
    assert_eq!(report["summary"]["binary_skipped"], 0);
}

/// A 2,000-byte line then a secret: `big.txt` is above 1 KiB.
fn tree_with_a_big_and_a_small_secret_file(root: &Path) {
    let big = format!("{}\n{}", "x".repeat(2000), github_line());
    write_tree(root, &[("big.txt", &big), ("small.txt", &github_line())]);
}

#[test]
fn file_above_max_file_size_is_listed_in_skipped_and_other_findings_still_count() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_a_big_and_a_small_secret_file(dir.path());
    let (exit, report) = scan_json(dir.path(), &["--max-file-size", "1KiB"]);
    assert_eq!(exit, 1);
    assert_eq!(finding_paths(&report), ["small.txt"]);
    assert_eq!(
        report["skipped"],
        serde_json::json!([{
            "path": "big.txt",
            "reason": "file is 2044 bytes, above the 1024-byte limit",
        }])
    );
    assert_eq!(report["errors"], serde_json::json!([]));

    let output = tattle(dir.path(), &["scan", "--max-file-size", "1KiB"]);
    assert_eq!(code(&output), 1);
    let text = stdout(&output);
    assert!(
        text.contains("skipped big.txt: file is 2044 bytes, above the 1024-byte limit"),
        "{text}"
    );
    assert!(text.contains("; 1 skipped."), "{text}");
}

#[test]
fn file_exactly_at_max_file_size_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let line = github_line();
    let contents = format!("{line}{}", "x".repeat(1024 - line.len()));
    assert_eq!(contents.len(), 1024);
    write_tree(dir.path(), &[("exact.txt", &contents)]);
    let (exit, report) = scan_json(dir.path(), &["--max-file-size", "1024"]);
    assert_eq!(exit, 1);
    assert_eq!(finding_paths(&report), ["exact.txt"]);
    assert_eq!(report["skipped"], serde_json::json!([]));
}

#[test]
fn config_max_file_size_applies_as_string_or_bytes_and_the_flag_overrides_it() {
    for setting in ["\"1KiB\"", "1024"] {
        let dir = tempfile::tempdir().unwrap();
        tree_with_a_big_and_a_small_secret_file(dir.path());
        let config = format!("[scan]\nmax_file_size = {setting}\n");
        write_tree(dir.path(), &[(".tattle.toml", &config)]);
        let (exit, report) = scan_json(dir.path(), &[]);
        assert_eq!(exit, 1);
        assert_eq!(finding_paths(&report), ["small.txt"], "{setting}");
        assert_eq!(report["skipped"][0]["path"], "big.txt", "{setting}");

        let (_, report) = scan_json(dir.path(), &["--max-file-size", "10MiB"]);
        assert_eq!(
            finding_paths(&report),
            ["big.txt", "small.txt"],
            "{setting}"
        );
        assert_eq!(report["skipped"], serde_json::json!([]), "{setting}");
    }
}

#[test]
fn nonexistent_path_exits_2_names_the_path_and_the_rest_is_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("real/a.env", &github_line())]);
    let (exit, report) = scan_json(dir.path(), &["real", "missing"]);
    assert_eq!(exit, 2, "errors win over findings");
    assert_eq!(finding_paths(&report), ["real/a.env"]);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["path"], "missing");
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("No such file"),
        "{report}"
    );

    let output = tattle(dir.path(), &["scan", "missing", "real"]);
    assert_eq!(code(&output), 2);
    let text = stdout(&output);
    assert!(text.contains("error missing: No such file"), "{text}");
    assert!(text.contains("real/a.env"), "{text}");
    assert!(text.contains("; 1 error."), "{text}");
}

#[test]
fn only_a_nonexistent_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (exit, report) = scan_json(dir.path(), &["nowhere/at/all"]);
    assert_eq!(exit, 2);
    assert_eq!(report["errors"][0]["path"], "nowhere/at/all");
    assert_eq!(report["summary"]["files_scanned"], 0);
}

#[test]
fn symlinks_to_files_and_directories_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("outside/secret.txt", &github_line()),
            ("tree/readme.txt", "hello\n"),
        ],
    );
    let tree = dir.path().join("tree");
    symlink("../outside/secret.txt", &tree.join("link.txt"));
    symlink("../outside", &tree.join("dirlink"));
    symlink("does-not-exist", &tree.join("dangling"));
    let (exit, report) = scan_json(dir.path(), &["tree"]);
    assert_eq!(exit, 0, "{report}");
    assert_eq!(finding_keys(&report), []);
    assert_eq!(report["summary"]["symlinks_skipped"], 3);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["skipped"], serde_json::json!([]));
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn symlink_loops_do_not_hang_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("tree/sub/a.env", &github_line())]);
    let tree = dir.path().join("tree");
    symlink(".", &tree.join("self"));
    symlink("..", &tree.join("sub/parent"));
    symlink("pong", &tree.join("ping"));
    symlink("ping", &tree.join("pong"));
    for args in [
        &["scan", "--format", "json", "tree"][..],
        &["scan", "--format", "json", "--no-ignore", "tree"][..],
    ] {
        let output = tattle_with_deadline(dir.path(), args, Duration::from_secs(20));
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let report = json(&output);
        assert_eq!(finding_paths(&report), ["tree/sub/a.env"]);
        assert_eq!(report["summary"]["symlinks_skipped"], 4);
    }
}

#[test]
fn fifo_in_the_tree_is_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("tree/a.env", &github_line())]);
    mkfifo(&dir.path().join("tree/pipe"));
    let output = tattle_with_deadline(
        dir.path(),
        &["scan", "--format", "json", "tree"],
        Duration::from_secs(20),
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(finding_paths(&report), ["tree/a.env"]);
    assert_eq!(
        report["skipped"],
        serde_json::json!([{"path": "tree/pipe", "reason": "not a regular file"}])
    );
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn fifo_named_on_the_command_line_is_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe"));
    let output = tattle_with_deadline(
        dir.path(),
        &["scan", "--format", "json", "pipe"],
        Duration::from_secs(20),
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(json(&output)["skipped"][0]["path"], "pipe");
}

// ---------------------------------------------------------------------------
// Contents: encodings, line endings, inline allows

#[test]
fn secret_among_invalid_utf8_is_found_at_the_right_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xff\xfe garbage \xc3\n".to_vec();
    // One invalid byte before the secret counts as one column (U+FFFD).
    bytes.extend_from_slice(b"id \xff x=");
    bytes.extend_from_slice(GITHUB_TOKEN.as_bytes());
    bytes.extend_from_slice(b" \xfe\xff\n");
    std::fs::write(dir.path().join("latin1.txt"), &bytes).unwrap();
    // Precondition: the file is not valid UTF-8 but has no NUL.
    assert!(std::str::from_utf8(&bytes).is_err());
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["path"], "latin1.txt");
    assert_eq!(finding["line"], 2);
    assert_eq!(finding["column"], 8);
    assert_eq!(finding["end_line"], 2);
    assert_eq!(finding["end_column"], 8 + GITHUB_TOKEN.len() as u64);
}

#[test]
fn crlf_line_endings_give_correct_lines_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let contents = format!("first\r\nsecond\r\n  key: {GITHUB_TOKEN}\r\nlast\r\n");
    write_tree(dir.path(), &[("win.yaml", &contents)]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("github.pat-classic", "win.yaml", 3)])
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["column"], 8);
    assert_eq!(finding["end_line"], 3);
    assert_eq!(finding["end_column"], 48);
}

#[test]
fn inline_allow_suppresses_only_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let contents = format!(
        "a = {GITHUB_TOKEN}  # tattle:allow\n\
         # tattle:allow (a comment on its own line silences nothing below)\n\
         b = {GITHUB_TOKEN}\n\
         c = {GITHUB_TOKEN}  // tattle:allow\r\n\
         d = {GITHUB_TOKEN}  # tattle: allow (not the marker)\n         e = {GITHUB_TOKEN}  # gitleaks:allow (gitleaks' marker)\n"
    );
    write_tree(dir.path(), &[("config.py", &contents)]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[
            ("github.pat-classic", "config.py", 3),
            ("github.pat-classic", "config.py", 5),
        ])
    );
}

#[test]
fn inline_allow_on_every_secret_line_gives_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let contents = format!("TOKEN={GITHUB_TOKEN} # test fixture, tattle:allow\n");
    write_tree(dir.path(), &[("fixture.env", &contents)]);
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("No findings."));
}

// ---------------------------------------------------------------------------
// Config files

/// A tree with a GitHub token in `src/` and `tests/fixtures/` and an OpenAI key in `src/`.
fn tree_with_three_findings(root: &Path) {
    let openai = format!("OPENAI_API_KEY = \"{OPENAI_KEY}\"\n");
    write_tree(
        root,
        &[
            ("src/app.env", &github_line()),
            ("src/ai.py", &openai),
            ("tests/fixtures/sample.env", &github_line()),
        ],
    );
}

#[test]
fn tattle_toml_at_the_scan_root_is_discovered() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("proj");
    tree_with_three_findings(&proj);
    write_tree(
        &proj,
        &[(
            ".tattle.toml",
            "[rules]\ndisable = [\"github.pat-classic\"]\n",
        )],
    );
    let expected = |prefix: &str| {
        vec![(
            "openai.api-key".to_string(),
            format!("{prefix}src/ai.py"),
            1,
        )]
    };
    let (exit, report) = scan_json(dir.path(), &["proj"]);
    assert_eq!(exit, 1);
    assert_eq!(finding_keys(&report), expected("proj/"));
    let (_, report) = scan_json(&proj, &[]);
    assert_eq!(finding_keys(&report), expected(""));
}

#[test]
fn config_flag_loads_a_file_from_elsewhere_and_replaces_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("proj");
    tree_with_three_findings(&proj);
    write_tree(
        dir.path(),
        &[
            // Would disable the OpenAI rule if it were read.
            (
                "proj/.tattle.toml",
                "[rules]\ndisable = [\"openai.api-key\"]\n",
            ),
            (
                "settings/tattle.toml",
                "[rules]\ndisable = [\"github.pat-classic\"]\n",
            ),
        ],
    );
    let (exit, report) = scan_json(dir.path(), &["--config", "settings/tattle.toml", "proj"]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("openai.api-key", "proj/src/ai.py", 1)])
    );
}

#[test]
fn missing_config_file_given_with_the_flag_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["scan", "--config", "absent.toml"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("absent.toml"), "{err}");
    assert!(stdout(&output).is_empty(), "no report on a config error");
}

#[test]
fn allowlist_paths_drop_findings_in_matching_files() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_three_findings(dir.path());
    write_tree(
        dir.path(),
        &[(
            ".tattle.toml",
            "[allowlist]\npaths = [\"tests/**\", \"*.py\"]\n",
        )],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("github.pat-classic", "src/app.env", 1)])
    );
    // The allowed files are still read.
    assert_eq!(report["summary"]["files_scanned"], 4);
}

#[test]
fn allowlist_paths_are_relative_to_the_scan_root_when_scanning_from_outside() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("proj");
    tree_with_three_findings(&proj);
    write_tree(
        &proj,
        &[(".tattle.toml", "[allowlist]\npaths = [\"tests/**\"]\n")],
    );
    // From inside: the fixture is allowed.
    let (_, inside) = scan_json(&proj, &[]);
    assert_eq!(finding_paths(&inside), ["src/ai.py", "src/app.env"]);
    // From the parent, with the same config discovered at the same root.
    let (_, outside) = scan_json(dir.path(), &["proj"]);
    assert_eq!(
        finding_paths(&outside),
        ["proj/src/ai.py", "proj/src/app.env"]
    );
}

#[test]
fn allowlist_regexes_drop_matching_secrets_only() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_three_findings(dir.path());
    write_tree(
        dir.path(),
        &[(".tattle.toml", "[allowlist]\nregexes = [\"^ghp_R8mF\"]\n")],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("openai.api-key", "src/ai.py", 1)])
    );
}

#[test]
fn allowlist_dropping_every_finding_gives_a_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_three_findings(dir.path());
    write_tree(
        dir.path(),
        &[(
            ".tattle.toml",
            "[allowlist]\npaths = [\"src/**\", \"tests/**\"]\n",
        )],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 0, "{report}");
}

#[test]
fn rules_disable_turns_rules_off() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_three_findings(dir.path());
    write_tree(
        dir.path(),
        &[(".tattle.toml", "[rules]\ndisable = [\"openai.api-key\"]\n")],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[
            ("github.pat-classic", "src/app.env", 1),
            ("github.pat-classic", "tests/fixtures/sample.env", 1),
        ])
    );
}

#[test]
fn disabling_an_unknown_rule_id_exits_2_naming_the_id_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    tree_with_three_findings(dir.path());
    write_tree(
        dir.path(),
        &[(".tattle.toml", "[rules]\ndisable = [\"openai.api-keys\"]\n")],
    );
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains(".tattle.toml"), "{err}");
    assert!(err.contains("`openai.api-keys`"), "{err}");
    assert!(stdout(&output).is_empty());
}

/// Runs a scan of a tree whose `.tattle.toml` is `config`; expects exit 2 and returns stderr.
fn scan_with_bad_config(config: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[(".tattle.toml", config), ("src/app.env", &github_line())],
    );
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 2, "config {config:?}: {}", stdout(&output));
    assert!(stdout(&output).is_empty(), "no report on a config error");
    stderr(&output)
}

#[test]
fn unknown_config_key_exits_2_naming_file_line_and_key() {
    let err = scan_with_bad_config("[allowlist]\npaths = [\"a\"]\nregexs = []\n");
    assert!(err.contains(".tattle.toml"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("regexs"), "{err}");

    let err = scan_with_bad_config("# settings\n[scans]\nmax_file_size = 10\n");
    assert!(err.contains(".tattle.toml"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("scans"), "{err}");
}

#[test]
fn invalid_toml_config_exits_2_naming_file_and_line() {
    let err = scan_with_bad_config("[rules]\ndisable = [\"a.b\"\n\n");
    assert!(err.contains(".tattle.toml"), "{err}");
    assert!(err.contains("line 2") || err.contains("line 3"), "{err}");

    let err = scan_with_bad_config("[allowlist\npaths = []\n");
    assert!(err.contains(".tattle.toml"), "{err}");
    assert!(err.contains("line 1"), "{err}");
}

#[test]
fn invalid_config_values_exit_2_naming_the_setting() {
    let err = scan_with_bad_config("[scan]\nmax_file_size = \"ten\"\n");
    assert!(err.contains("max_file_size"), "{err}");
    assert!(err.contains("ten"), "{err}");
    let err = scan_with_bad_config("[allowlist]\nregexes = [\"(\"]\n");
    assert!(err.contains("[allowlist] regexes"), "{err}");
    let err = scan_with_bad_config("[allowlist]\npaths = [\"a[\"]\n");
    assert!(err.contains("[allowlist] paths"), "{err}");
}

#[test]
fn malformed_config_given_with_the_flag_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[("conf/bad.toml", "\n\n[rules]\ndisabled = []\n")],
    );
    let output = tattle(dir.path(), &["scan", "--config", "conf/bad.toml"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("conf/bad.toml"), "{err}");
    assert!(err.contains("line 4"), "{err}");
    assert!(err.contains("disabled"), "{err}");
}

#[test]
fn custom_rule_in_config_finds_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("api:\n  acme: {ACME_TOKEN}\n");
    write_tree(
        dir.path(),
        &[(".tattle.toml", ACME_RULE), ("deploy/values.yaml", &line)],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("acme.token", "deploy/values.yaml", 2)])
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["rule_name"], "Acme token");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["column"], 9);
    assert_eq!(finding["confidence"], "medium", "the default confidence");
}

#[test]
fn examples_of_custom_rules_in_the_config_file_are_not_findings() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{ACME_RULE}examples = [\"acme: {ACME_TOKEN}\"]\n");
    let copy = format!("acme: {ACME_TOKEN}\n");
    write_tree(
        dir.path(),
        &[(".tattle.toml", &config), ("copy.yaml", &copy)],
    );
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        keys(&[("acme.token", "copy.yaml", 1)])
    );
    let root = dir.path().to_str().unwrap();
    let (exit, report) = scan_json(&repo_root(), &[root]);
    assert_eq!(exit, 1);
    let paths: Vec<String> = finding_keys(&report).into_iter().map(|k| k.1).collect();
    assert_eq!(paths, [format!("{root}/copy.yaml")]);
}

#[test]
fn custom_rule_can_be_disabled_like_a_built_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[rules]\ndisable = [\"acme.token\"]\n{ACME_RULE}");
    let line = format!("acme: {ACME_TOKEN}\n");
    write_tree(dir.path(), &[(".tattle.toml", &config), ("a.yaml", &line)]);
    let (exit, report) = scan_json(dir.path(), &[]);
    assert_eq!(exit, 0, "{report}");
}

#[test]
fn custom_rule_reusing_a_built_in_id_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = ACME_RULE.replace("acme.token", "openai.api-key");
    write_tree(dir.path(), &[(".tattle.toml", &config)]);
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains(".tattle.toml:2"), "{err}");
    assert!(err.contains("`openai.api-key` is defined twice"), "{err}");
}

// ---------------------------------------------------------------------------
// The JSON report

#[test]
fn json_report_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("a.env", &github_line())]);
    let (_, report) = scan_json(dir.path(), &["missing"]);
    let (exit, report_ok) = scan_json(dir.path(), &["a.env"]);
    assert_eq!(exit, 1);

    let object_keys = |value: &Value| -> Vec<String> {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        object_keys(&report_ok),
        [
            "errors",
            "findings",
            "mode",
            "schema_version",
            "skipped",
            "summary",
            "tool",
            "warnings"
        ]
    );
    assert_eq!(report_ok["schema_version"], 1);
    assert_eq!(report_ok["mode"], "scan");
    assert_eq!(report_ok["tool"]["name"], "tattle");
    assert!(report_ok["tool"]["version"].is_string());
    let finding = &report_ok["findings"][0];
    assert_eq!(
        object_keys(finding),
        [
            "column",
            "confidence",
            "end_column",
            "end_line",
            "fingerprint",
            "kind",
            "line",
            "path",
            "rule_id",
            "rule_name",
            "secret",
            "secret_hash",
            "severity"
        ],
        "no `note` unless the validator adds one"
    );
    assert_eq!(finding["secret"], "ghp_…", "redacted by default");
    assert_eq!(finding["secret_hash"].as_str().unwrap().len(), 64);
    assert_eq!(finding["fingerprint"].as_str().unwrap().len(), 32);
    assert_eq!(
        object_keys(&report_ok["summary"]),
        [
            "baselined",
            "binary_skipped",
            "by_severity",
            "bytes_scanned",
            "duration_ms",
            "files_scanned",
            "findings",
            "symlinks_skipped"
        ]
    );
    assert_eq!(report_ok["summary"]["findings"], 1);
    assert_eq!(
        report_ok["summary"]["by_severity"],
        serde_json::json!({"critical": 1})
    );
    assert_eq!(
        report_ok["summary"]["bytes_scanned"],
        github_line().len() as u64
    );
    assert_eq!(object_keys(&report["errors"][0]), ["path", "reason"]);
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_moves_but_not_paths() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[("a.env", &github_line()), ("b.env", &github_line())],
    );
    let fingerprints = |report: &Value| -> Vec<(String, String, String)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                    f["secret_hash"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (_, first) = scan_json(dir.path(), &[]);
    let (_, second) = scan_json(dir.path(), &[]);
    let first = fingerprints(&first);
    assert_eq!(first, fingerprints(&second), "same tree, same fingerprints");
    assert_eq!(first.len(), 2);
    assert_ne!(
        first[0].1, first[1].1,
        "different path, different fingerprint"
    );
    assert_eq!(first[0].2, first[1].2, "same secret, same secret hash");

    // Move the secret down three lines and indent it.
    let moved = format!("# header\n\n\n    {}", github_line());
    write_tree(dir.path(), &[("a.env", &moved)]);
    let (_, after) = scan_json(dir.path(), &[]);
    assert_eq!(after["findings"][0]["line"], 4);
    assert_eq!(
        fingerprints(&after),
        first,
        "line moves keep the fingerprint"
    );
}

#[test]
fn show_secrets_reveals_the_secret_in_json() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("a.env", &github_line())]);
    let (_, report) = scan_json(dir.path(), &["--show-secrets"]);
    assert_eq!(report["findings"][0]["secret"], GITHUB_TOKEN);
}

#[test]
fn overlapping_roots_scan_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("sub/a.env", &github_line())]);
    let (_, report) = scan_json(dir.path(), &["sub", "sub"]);
    assert_eq!(finding_paths(&report), ["sub/a.env"]);
    assert_eq!(report["summary"]["files_scanned"], 1);
    let (_, report) = scan_json(dir.path(), &[".", "sub"]);
    assert_eq!(finding_paths(&report), ["sub/a.env"]);
    assert_eq!(report["summary"]["files_scanned"], 1);
}

// ---------------------------------------------------------------------------
// The command line itself

#[test]
fn version_flag_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["--version"]);
    assert_eq!(code(&output), 0);
    assert_eq!(
        stdout(&output).trim(),
        format!("tattle {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn scan_help_exits_0_and_documents_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["scan", "--help"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(text.contains("Usage: tattle scan"), "{text}");
    for flag in ["--no-ignore", "--max-file-size", "--config", "--format"] {
        assert!(text.contains(flag), "{flag} missing from {text}");
    }
}

#[test]
fn unknown_flag_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["scan", "--bogus"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--bogus"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

#[test]
fn bad_flag_values_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (&["scan", "--max-file-size", "ten"][..], "ten"),
        (&["scan", "--max-file-size", "5parsecs"][..], "parsecs"),
        (&["scan", "--format", "xml"][..], "xml"),
    ] {
        let output = tattle(dir.path(), args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(
            stderr(&output).contains(needle),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn missing_subcommand_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &[]);
    assert_exit_with_stderr(&output, 2, "Usage: tattle");
}

#[test]
fn top_level_help_describes_the_tool_for_users() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["--help"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    assert!(
        text.starts_with("Finds secrets and risky configuration in a repository"),
        "{text}"
    );
}

/// A reader that stops early (`tattle … | head`) is not an error: no
/// message, and the exit code still tells whether there were findings.
#[test]
fn a_reader_that_stops_reading_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // More report than a pipe buffers, so that tattle writes after the reader has gone.
    let lines: String = (0..3000)
        .map(|n| format!("T{n}={GITHUB_TOKEN}\n"))
        .collect();
    write_tree(dir.path(), &[("tokens.env", &lines)]);
    for (args, expected) in [
        (&["scan", ".", "--format", "json", "--no-progress"][..], 1),
        (&["rules", "list", "--format", "json"][..], 0),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tattle"))
            .args(args)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(code(&output), expected, "{args:?}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{args:?}");
    }
}

/// The config that applies is the nearest `.tattle.toml` at or above the
/// first scanned path, up to the repository's root, whatever the current
/// directory; its allowlist globs are relative to its own directory.
#[test]
fn the_nearest_config_up_to_the_repository_root_applies() {
    let outer = tempfile::tempdir().unwrap();
    // Above the repository: never read (it would disable the rule).
    write_tree(
        outer.path(),
        &[(
            ".tattle.toml",
            "[rules]\ndisable = [\"github.pat-classic\"]\n",
        )],
    );
    let repo = outer.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "."]);
    let secret = format!("T={GITHUB_TOKEN}\n");
    write_tree(
        &repo,
        &[
            (
                ".tattle.toml",
                "[allowlist]\npaths = [\"app/vendored/**\"]\n",
            ),
            ("app/vendored/lib.env", &secret),
            ("app/main.env", &secret),
        ],
    );
    let app = repo.join("app");
    let found = |cwd: &Path, args: &[&str]| -> Vec<String> {
        let mut full = vec!["scan"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["--format", "json", "--no-progress"]);
        let output = tattle(cwd, &full);
        let report = json(&output);
        let mut paths: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    assert_eq!(found(&repo, &["app"]), ["app/main.env"]);
    assert_eq!(
        found(&repo, &["app/vendored/lib.env"]),
        Vec::<String>::new()
    );
    assert_eq!(found(&app, &["."]), ["main.env"]);
    assert_eq!(found(&app, &["vendored", "main.env"]), ["main.env"]);
    assert_eq!(found(&app, &["main.env", "vendored"]), ["main.env"]);
    // Outside any repository the search goes up to the filesystem's root,
    // so the outer config applies to a plain directory below it.
    let plain = outer.path().join("plain");
    write_tree(&plain, &[("x.env", &secret)]);
    assert_eq!(found(&plain, &["."]), Vec::<String>::new());
}

/// With `--output FILE` the terminal still hears what happened: the
/// findings by severity and the files that could not be read, never a secret.
#[test]
fn a_report_written_to_a_file_is_summarised_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("app/.env", &format!("T={GITHUB_TOKEN}\n"))]);
    let output = tattle(
        dir.path(),
        &[
            "scan",
            "app",
            "missing",
            "--format",
            "json",
            "--output",
            "r.json",
            "--no-progress",
        ],
    );
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(err.contains("error: missing: "), "{err}");
    assert!(
        err.contains("1 finding (1 critical); report written to r.json"),
        "{err}"
    );
    assert!(!err.contains(&GITHUB_TOKEN[4..]), "{err}");
    assert_eq!(stdout(&output), "");
}

/// tattle's own reports, committed or left in the tree, are not findings:
/// their secrets are redacted with `…`, which reads as a masked value, and
/// SARIF never holds one.
#[test]
fn rescanning_a_report_finds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = repo_root().join("fixtures/demo");
    for (format, file) in [("sarif", "tattle.sarif"), ("json", "tattle.json")] {
        let out = dir.path().join(file);
        let output = tattle(
            &repo_root(),
            &[
                "scan",
                demo.to_str().unwrap(),
                "--format",
                format,
                "--output",
                out.to_str().unwrap(),
                "--no-progress",
            ],
        );
        assert_eq!(code(&output), 1, "{}", stderr(&output));
    }
    let output = tattle(dir.path(), &["scan", ".", "--no-progress"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
}

/// A text report written to a file is plain text, unless colors are asked
/// for with `--color always`.
#[test]
fn a_text_report_file_has_colors_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("app/.env", &github_line())]);
    for (color, escapes) in [("auto", false), ("never", false), ("always", true)] {
        let output = tattle(
            dir.path(),
            &[
                "scan",
                "app",
                "--format",
                "text",
                "--color",
                color,
                "--output",
                "r.txt",
                "--no-progress",
            ],
        );
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let report = std::fs::read_to_string(dir.path().join("r.txt")).unwrap();
        assert!(report.contains("github"), "{report}");
        assert_eq!(
            report.contains('\u{1b}'),
            escapes,
            "--color {color}: {report}"
        );
    }
}
