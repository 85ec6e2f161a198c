//! Baselines, `--fail-on`, `tattle init`, `tattle install-hook`, and audits of
//! several repositories at once.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn stripe_line(n: usize) -> String {
    const BODY: &str = "Hv3Qz8Lp2Wm7Xc4Rb9Nt1Ks6Dj5Fg0AyUeOiQyTq";
    format!("STRIPE_KEY = \"sk_live_{}{}\"\n", &BODY[n..], &BODY[..n])
}

fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut full = vec!["scan", "--format", "json"];
    full.extend_from_slice(args);
    let output = tattle(dir, &full);
    assert!(!output.stdout.is_empty(), "no report: {}", stderr(&output));
    (code(&output), json(&output))
}

// ---------------------------------------------------------------------------
// Baselines

#[test]
fn baseline_hides_recorded_findings_and_reports_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[("app.py", &format!("a = 1\n{}", stripe_line(0)))],
    );
    let output = tattle(dir.path(), &["baseline", "create"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("recorded 1 finding"));
    let text = std::fs::read_to_string(dir.path().join(".tattle-baseline.json")).unwrap();
    assert!(
        !text.contains("sk_live"),
        "no secret in the baseline: {text}"
    );

    let (exit, report) = scan_json(dir.path(), &["--baseline", ".tattle-baseline.json"]);
    assert_eq!(exit, 0, "{report}");
    assert_eq!(report["summary"]["baselined"], 1);

    // Moving the secret to another line does not bring it back...
    write_tree(
        dir.path(),
        &[(
            "app.py",
            &format!("# moved\n\nb = 2\n{}a = 1\n", stripe_line(0)),
        )],
    );
    let (exit, _) = scan_json(dir.path(), &["--baseline", ".tattle-baseline.json"]);
    assert_eq!(exit, 0);
    // ...but a new secret on the same line is reported.
    write_tree(
        dir.path(),
        &[(
            "app.py",
            &format!("# moved\n\nb = 2\n{}a = 1\n", stripe_line(1)),
        )],
    );
    let (exit, report) = scan_json(dir.path(), &["--baseline", ".tattle-baseline.json"]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&report),
        [("stripe.secret-key".to_string(), "app.py".to_string(), 4)]
    );
}

#[test]
fn baseline_files_are_sorted_and_stable() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            ("z.py", &stripe_line(2)),
            ("a.py", &stripe_line(3)),
            ("m/b.py", &stripe_line(4)),
        ],
    );
    assert_eq!(
        code(&tattle(
            dir.path(),
            &["baseline", "create", "-o", "one.json"]
        )),
        0
    );
    assert_eq!(
        code(&tattle(
            dir.path(),
            &["baseline", "create", "-o", "two.json"]
        )),
        0
    );
    let one = std::fs::read_to_string(dir.path().join("one.json")).unwrap();
    let two = std::fs::read_to_string(dir.path().join("two.json")).unwrap();
    assert_eq!(one, two);
    let paths: Vec<&str> = one
        .lines()
        .filter_map(|line| line.split("\"path\":\"").nth(1))
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert_eq!(paths, ["a.py", "m/b.py", "z.py"], "{one}");
}

#[test]
fn a_malformed_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[("b.json", "{\"findings\": 3}"), ("a.py", "x = 1\n")],
    );
    let output = tattle(dir.path(), &["scan", "--baseline", "b.json"]);
    assert_exit_with_stderr(&output, 2, "b.json");
}

// ---------------------------------------------------------------------------
// --fail-on

#[test]
fn fail_on_sets_the_lowest_severity_that_fails() {
    let dir = tempfile::tempdir().unwrap();
    // A committed dotenv file is high; a Stripe live key is critical.
    git(dir.path(), &["init", "-q", "."]);
    write_tree(dir.path(), &[(".env", "DEBUG=1\n")]);
    git(dir.path(), &["add", "-f", ".env"]);
    let (exit, report) = scan_json(dir.path(), &["--fail-on", "critical"]);
    assert_eq!(exit, 0, "high is below critical");
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        1,
        "still reported"
    );
    let (exit, _) = scan_json(dir.path(), &["--fail-on", "high"]);
    assert_eq!(exit, 1);
    let output = tattle(dir.path(), &["scan", "--fail-on", "severe"]);
    assert_exit_with_stderr(&output, 2, "unknown severity");
}

// ---------------------------------------------------------------------------
// --min-confidence

#[test]
fn min_confidence_drops_less_certain_findings() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            // A secret-looking value under a secret-looking name: low confidence.
            ("settings.py", "api_secret = \"a9F3kLq2Zx7Vb1Nm8Wq4Tz\"\n"),
            ("billing.py", &stripe_line(8)),
        ],
    );
    let (_, all) = scan_json(dir.path(), &[]);
    assert_eq!(all["findings"].as_array().unwrap().len(), 2);
    let (exit, high) = scan_json(dir.path(), &["--min-confidence", "high"]);
    assert_eq!(exit, 1);
    assert_eq!(
        finding_keys(&high),
        [("stripe.secret-key".to_string(), "billing.py".to_string(), 1)]
    );
}

// ---------------------------------------------------------------------------
// tattle init

#[test]
fn init_writes_a_valid_config_and_a_pre_commit_config() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["init"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let hooks = std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap();
    assert!(hooks.contains("entry: tattle staged"), "{hooks}");
    // The starter config is picked up by a scan.
    write_tree(dir.path(), &[("a.py", "x = 1\n")]);
    let output = tattle(dir.path(), &["scan"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    let output = tattle(dir.path(), &["init"]);
    assert_exit_with_stderr(&output, 2, "exists; use --force");
    let output = tattle(dir.path(), &["init", "--force"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
}

#[test]
fn init_creates_a_missing_directory_and_refuses_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["init", "new/project"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(dir.path().join("new/project/.tattle.toml").is_file());
    write_tree(dir.path(), &[("file", "")]);
    let output = tattle(dir.path(), &["init", "file"]);
    assert_exit_with_stderr(&output, 2, "file: not a directory");
}

#[test]
fn init_prints_the_hook_when_a_pre_commit_config_exists() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[(".pre-commit-config.yaml", "repos: []\n")]);
    let output = tattle(dir.path(), &["init"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("add this hook"),
        "{}",
        stderr(&output)
    );
    let kept = std::fs::read_to_string(dir.path().join(".pre-commit-config.yaml")).unwrap();
    assert_eq!(kept, "repos: []\n");
}

// ---------------------------------------------------------------------------
// tattle install-hook

#[test]
fn installed_hook_blocks_a_commit_that_adds_a_secret() {
    let mut repo = TestRepo::new();
    repo.write(&[("README.md", "hi\n")]);
    repo.commit("start");
    let output = tattle(repo.path(), &["install-hook"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));

    repo.write(&[("app.py", &stripe_line(5))]);
    repo.git(&["add", "app.py"]);
    let blocked = git_command(repo.path(), "2024-02-01T00:00:00Z")
        .args(["commit", "-q", "-m", "add key"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!blocked.status.success(), "the hook blocks the commit");
    // git shows a hook's output on its standard error.
    let shown = String::from_utf8_lossy(&blocked.stderr);
    assert!(shown.contains("stripe.secret-key"), "{shown}");
    assert!(
        !shown.contains(&stripe_line(5)[14..40]),
        "redacted: {shown}"
    );

    repo.write(&[("app.py", "key = os.environ['STRIPE_KEY']\n")]);
    repo.git(&["add", "app.py"]);
    repo.commit_staged("read the key from the environment");

    // A hook tattle did not write is not replaced without --force.
    std::fs::write(
        repo.path().join(".git/hooks/pre-commit"),
        "#!/bin/sh\nexit 0\n",
    )
    .unwrap();
    let output = tattle(repo.path(), &["install-hook"]);
    assert_exit_with_stderr(&output, 2, "--force");
    assert_eq!(code(&tattle(repo.path(), &["install-hook", "--force"])), 0);
}

// ---------------------------------------------------------------------------
// Several repositories

fn repo_with_secret(n: usize) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write(&[("app.py", &stripe_line(n))]);
    repo.commit("add");
    repo
}

#[test]
fn history_of_several_repositories_reports_each_and_sums_them_up() {
    let holder = tempfile::tempdir().unwrap();
    let one = repo_with_secret(6);
    let two = repo_with_secret(7);
    let clean = TestRepo::new();
    let args = [
        "history",
        "--format",
        "json",
        "--no-progress",
        one.path().to_str().unwrap(),
        two.path().to_str().unwrap(),
        clean.path().to_str().unwrap(),
    ];
    let output = tattle(holder.path(), &args);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let repositories = report["repositories"].as_array().unwrap();
    assert_eq!(repositories.len(), 3);
    assert_eq!(repositories[0]["findings"].as_array().unwrap().len(), 1);
    assert_eq!(repositories[2]["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["summary"]["repositories"], 3);
    assert_eq!(report["summary"]["findings"], 2);

    let mut sarif_args = args.to_vec();
    sarif_args[2] = "sarif";
    let sarif = json(&tattle(holder.path(), &sarif_args));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3);
    let categories: Vec<&str> = runs
        .iter()
        .map(|run| run["automationDetails"]["id"].as_str().unwrap())
        .collect();
    let mut unique = categories.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 3, "{categories:?}");
    assert!(categories.iter().all(|c| c.starts_with("tattle/history/")));
}

#[test]
fn sarif_for_more_than_twenty_repositories_is_split_into_files() {
    let holder = tempfile::tempdir().unwrap();
    let repos: Vec<TestRepo> = (0..21).map(|_| TestRepo::new()).collect();
    let mut args = vec!["history", "--format", "sarif", "--no-progress"];
    let paths: Vec<String> = repos
        .iter()
        .map(|r| r.path().display().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let output = tattle(holder.path(), &args);
    assert_exit_with_stderr(&output, 2, "needs --output");

    args.extend(["--output", "audit.sarif"]);
    let output = tattle(holder.path(), &args);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(holder.path().join(name)).unwrap()).unwrap()
    };
    assert_eq!(read("audit-1.sarif")["runs"].as_array().unwrap().len(), 20);
    assert_eq!(read("audit-2.sarif")["runs"].as_array().unwrap().len(), 1);
}
