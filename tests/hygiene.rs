//! The scanner's own hygiene: it does not leak what it finds, does not touch
//! the network, and does not write into what it scans.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The demo's planted secrets (their distinctive middle parts).
const PLANTED: &[&str] = &[
    "Rk3Xw9TqL2vN8mPz5bYc1HdJ7fGs4aQe6uKo0iWn3tVy",
    "Tz8qK2mWv4Lr9xNc",
    "51gxzP4ADMipvJhCffjyw7m4OHUB5L2Re0Wj0PMeLoTc",
    "R8mF2xK9qL3vT7nB1cW4yH6jD0sP5a1HXlgX",
    "7v5RZZVuZhYZfh12eHR4LB0x2BuJBrkBIQXePWt0trA",
    "MIICXAIBAAKBgQCYKTcMzl9w",
];

/// A git repository holding a copy of the demo: committed, then deleted and
/// staged again, so history and staged have the secrets too.
fn demo_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    copy_dir(&repo_root().join("fixtures/demo"), repo.path());
    repo.commit("the demo");
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in PLANTED {
        assert!(!text.contains(secret), "{what} leaks {secret}");
    }
}

#[test]
fn no_output_of_any_mode_leaks_a_planted_secret() {
    let repo = demo_repo();
    let mut checked = 0;
    for mode in ["scan", "history"] {
        for format in ["text", "json", "sarif"] {
            let output = tattle(repo.path(), &[mode, "--format", format]);
            assert_eq!(code(&output), 1, "{mode} {format}: {}", stderr(&output));
            assert_no_secret(
                &format!("{mode} {format}"),
                &(stdout(&output) + &stderr(&output)),
            );
            checked += 1;
        }
    }
    // Staged: the demo files again, under another directory.
    copy_dir(
        &repo_root().join("fixtures/demo/app"),
        &repo.path().join("copy"),
    );
    repo.git(&["add", "copy"]);
    for format in ["text", "json", "sarif"] {
        let output = tattle(repo.path(), &["staged", "--format", format]);
        assert_eq!(code(&output), 1, "staged {format}: {}", stderr(&output));
        assert_no_secret(
            &format!("staged {format}"),
            &(stdout(&output) + &stderr(&output)),
        );
        checked += 1;
    }
    let output = tattle(
        repo.path(),
        &["baseline", "create", "-o", "../baseline.json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let baseline = std::fs::read_to_string(repo.path().join("../baseline.json")).unwrap();
    assert!(baseline.contains("secret_hash"));
    assert_no_secret("the baseline", &baseline);
    assert_eq!(checked, 9);
}

#[test]
fn errors_about_bad_input_do_not_quote_secrets() {
    let dir = tempfile::tempdir().unwrap();
    // A malformed baseline and an unreadable path next to a secret.
    write_tree(
        dir.path(),
        &[
            (
                "settings.py",
                "OPENAI_API_KEY = \"sk-proj-Rk3Xw9TqL2vN8mPz5bYc1HdJ7fGs4aQe6uKo0iWn3tVyT3BlbkFJx7Kq2Lm9Np4\"\n",
            ),
            (
                "baseline.json",
                "{\"tattle_baseline\": 1, \"findings\": [ \"sk-proj-Rk3Xw9TqL2vN8mPz5bYc1HdJ7fGs4aQe6uKo0iWn3tVy\" ]}",
            ),
        ],
    );
    let output = tattle(
        dir.path(),
        &["scan", "--baseline", "baseline.json", "missing.py"],
    );
    assert_eq!(code(&output), 2);
    assert_no_secret("the error", &(stdout(&output) + &stderr(&output)));
}

/// Every file below `root` (including `.git`) with its size and modification time.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                files.insert(entry.path(), (meta.len(), meta.modified().unwrap()));
            }
        }
    }
    files
}

#[test]
fn scanning_writes_nothing_inside_the_scanned_repository() {
    let repo = demo_repo();
    copy_dir(
        &repo_root().join("fixtures/demo/docs"),
        &repo.path().join("staged-docs"),
    );
    repo.git(&["add", "staged-docs"]);
    let before = snapshot(repo.path());
    for args in [
        &["scan"][..],
        &["history"],
        &["history", "--all-occurrences"],
        &["staged"],
    ] {
        let output = tattle(repo.path(), args);
        assert_eq!(code(&output), 1, "{args:?}: {}", stderr(&output));
    }
    assert_eq!(snapshot(repo.path()), before, "the repository changed");
}

/// Whether `unshare -n` can give a process a network namespace of its own here.
fn network_namespaces_work() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn scans_work_the_same_without_any_network() {
    if !network_namespaces_work() {
        eprintln!("skipped: `unshare -n` is not available on this machine");
        return;
    }
    let repo = demo_repo();
    for mode in ["scan", "history"] {
        let with_network = tattle(repo.path(), &[mode, "--format", "json"]);
        let isolated = Command::new("unshare")
            .args(["-n", env!("CARGO_BIN_EXE_tattle"), mode, "--format", "json"])
            .current_dir(repo.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(isolated.status.code(), Some(1), "{}", stderr(&isolated));
        assert_eq!(
            finding_keys(&json(&isolated)),
            finding_keys(&json(&with_network)),
            "{mode}"
        );
    }
}

#[test]
fn no_network_socket_is_ever_opened() {
    let traced = tempfile::tempdir().unwrap();
    let log = traced.path().join("trace");
    let repo = demo_repo();
    let status = Command::new("strace")
        .args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
        .arg(&log)
        .args([env!("CARGO_BIN_EXE_tattle"), "history", "--no-progress"])
        .current_dir(repo.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    let Ok(status) = status else {
        eprintln!("skipped: strace is not installed");
        return;
    };
    assert_eq!(status.code(), Some(1));
    let trace = std::fs::read_to_string(&log).unwrap();
    for family in ["AF_INET", "AF_INET6"] {
        assert!(
            !trace.contains(family),
            "tattle opened a network socket:\n{trace}"
        );
    }
}

/// Set in the copy of this test binary that must panic.
const PANIC_CHILD: &str = "TATTLE_TEST_PANIC_CHILD";

#[test]
fn a_panic_shows_where_but_never_what_and_exits_2() {
    let secret_body = "4eC39HqLyjWDarjtT1zdp7dcR8mF2x";
    if std::env::var_os(PANIC_CHILD).is_some() {
        // As in the parallel walk: a worker thread panics with a value, and
        // the panic reaches the main thread.
        let code = tattle_cli::guarded(|| {
            let secret = format!("sk_live_{secret_body}");
            std::thread::scope(|scope| {
                scope.spawn(|| panic!("worker saw {secret}"));
            });
            0
        });
        std::process::exit(code);
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_panic_shows_where_but_never_what_and_exits_2",
            "--nocapture",
        ])
        .env(PANIC_CHILD, "1")
        .output()
        .unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("tattle: internal error at tests/hygiene.rs:"),
        "{err}"
    );
    assert!(
        !err.contains(secret_body),
        "the panic message leaked: {err}"
    );
}

#[test]
fn the_progress_line_shows_counts_never_paths_or_secrets() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    // A scan that lasts long enough for progress to appear (a sparse GiB,
    // streamed), on a terminal (`script` gives tattle one).
    let dir = tempfile::tempdir().unwrap();
    let name = "token-R8mF2xK9qL3vT7nB1cW4yH6jD0sP5a1HXlgX.log";
    let secret = format!("T={GITHUB_TOKEN}\n").repeat(400);
    {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        std::io::Write::write_all(&mut &file, secret.as_bytes()).unwrap();
        file.set_len(1 << 30).unwrap();
    }
    let report_dir = tempfile::tempdir().unwrap();
    let report = report_dir.path().join("report.json");
    let command = format!(
        "{} scan {} --max-file-size 2GiB --format json -o {}",
        env!("CARGO_BIN_EXE_tattle"),
        dir.path().display(),
        report.display()
    );
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "dumb")
        .output()
        .unwrap();
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{terminal}");
    assert!(
        terminal.contains("scanning: "),
        "progress was drawn: {terminal:?}"
    );
    assert!(terminal.contains(" files, "), "{terminal:?}");
    assert!(!terminal.contains(GITHUB_TOKEN), "{terminal:?}");
    assert!(
        !terminal.contains("R8mF2xK9qL3vT7nB1cW4yH6jD0sP5a1HXlgX"),
        "{terminal:?}"
    );
    let report = std::fs::read_to_string(&report).unwrap();
    assert!(
        report.contains("\"secret\": \"ghp_…\""),
        "redacted in the report"
    );
}
