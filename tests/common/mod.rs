//! Helpers shared by the command-line tests: run the built binary, build trees and git repositories.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root (where `fixtures/` lives).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tattle` with `args` in `cwd`, without a terminal.
pub fn tattle(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tattle"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("running tattle")
}

/// Exit code of a finished run.
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("tattle exited normally")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `files` (path, contents) below `root`, creating directories.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (path, contents) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
    }
}

/// Runs git in `dir` with a fixed identity and no user config; panics on failure.
pub fn git(dir: &Path, args: &[&str]) {
    git_stdout(dir, args);
}

/// Runs git like [`git`] and returns its standard output, trimmed.
pub fn git_stdout(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, "2024-01-01T00:00:00Z")
        .args(args)
        .output()
        .expect("running git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A git command in `dir` with a fixed identity, the given author and
/// committer date, and no user or system config.
pub fn git_command(dir: &Path, date: &str) -> Command {
    let mut command = Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
    command
}

/// A git repository built commit by commit, each commit one day after the last.
pub struct TestRepo {
    /// The work tree.
    pub dir: tempfile::TempDir,
    day: u32,
}

impl TestRepo {
    /// `git init` in a new temporary directory, on branch `main`.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q", "-b", "main", "."]);
        TestRepo { dir, day: 0 }
    }

    /// The work tree's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes files (path, contents) into the work tree.
    pub fn write(&self, files: &[(&str, &str)]) {
        write_tree(self.path(), files);
    }

    /// Runs git here.
    pub fn git(&self, args: &[&str]) -> String {
        git_stdout(self.path(), args)
    }

    /// Stages everything (`git add -A -f`) and commits it; returns the commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.git(&["add", "-A", "-f"]);
        self.commit_staged(message)
    }

    /// Commits what is staged; returns the commit id.
    pub fn commit_staged(&mut self, message: &str) -> String {
        self.day += 1;
        let date = format!("2024-01-{:02}T12:00:00Z", self.day.min(28));
        let output = git_command(self.path(), &date)
            .args(["commit", "-q", "--allow-empty", "-m", message])
            .output()
            .expect("running git commit");
        assert!(
            output.status.success(),
            "git commit failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.git(&["rev-parse", "HEAD"])
    }
}

impl Default for TestRepo {
    fn default() -> Self {
        TestRepo::new()
    }
}

/// Parses a JSON report from standard output.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("stdout is a JSON report")
}

/// (rule id, path, line) of every finding in a JSON report.
pub fn finding_keys(report: &serde_json::Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A GitHub token that passes every filter, for trees built in tests.
pub const GITHUB_TOKEN: &str = "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";

/// Asserts the exit code and that standard error contains `needle`.
pub fn assert_exit_with_stderr(output: &Output, expected_code: i32, needle: &str) {
    let err = stderr(output);
    assert_eq!(code(output), expected_code, "stderr: {err}");
    assert!(err.contains(needle), "stderr lacks {needle:?}: {err}");
}

/// Runs `command` in `cwd` with standard input closed and `NO_COLOR` set,
/// and kills it (failing the test) if it is still running after `deadline`:
/// a hang is a failure, not a stuck test run. `what` names the run in the
/// failure message.
pub fn run_with_deadline(
    command: &mut Command,
    cwd: &Path,
    what: &[&str],
    deadline: Duration,
) -> Output {
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().join("stdout");
    let err_path = out_dir.path().join("stderr");
    let mut child = command
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("running tattle");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tattle {what:?} still running after {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: std::fs::read(&out_path).unwrap(),
        stderr: std::fs::read(&err_path).unwrap(),
    }
}
