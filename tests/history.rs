//! `tattle history`: repositories built at test time, each asserting the
//! exact findings and where in the history they come from.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

/// A distinct Stripe live key for each `n` (Stripe keys carry no checksum, so
/// any high-entropy body is found).
fn stripe_key(n: usize) -> String {
    const BODY: &str = "51gxzP4ADMipvJhCffjyw7m4OHUB5L2Re0WjKq";
    let shift = n % BODY.len();
    format!("sk_live_{}{}", &BODY[shift..], &BODY[..shift])
}

fn stripe_line(n: usize) -> String {
    format!("STRIPE_KEY = \"{}\"\n", stripe_key(n))
}

/// Runs `tattle history --format json ARGS` on `repo`: exit code and report.
fn history_json(repo: &Path, args: &[&str]) -> (i32, Value) {
    let mut full = vec!["history", "--format", "json", "--no-progress"];
    full.extend_from_slice(args);
    let output = tattle(repo, &full);
    assert!(
        !output.stdout.is_empty(),
        "no report (exit {}): {}",
        code(&output),
        stderr(&output)
    );
    (code(&output), json(&output))
}

/// (rule id, path, line, introducing commit, in HEAD) of every finding.
fn provenance(report: &Value) -> Vec<(String, String, u64, String, bool)> {
    let mut rows: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["introduced"]["commit"].as_str().unwrap().to_string(),
                f["in_head"].as_bool().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn row(
    rule: &str,
    path: &str,
    line: u64,
    commit: &str,
    in_head: bool,
) -> (String, String, u64, String, bool) {
    (
        rule.to_string(),
        path.to_string(),
        line,
        commit.to_string(),
        in_head,
    )
}

#[test]
fn secret_in_a_deleted_file_is_found_with_the_commit_that_added_it() {
    let mut repo = TestRepo::new();
    repo.write(&[("README.md", "hello\n")]);
    repo.commit("readme");
    repo.write(&[(
        "config/settings.py",
        &format!("DEBUG = True\n{}", stripe_line(0)),
    )]);
    let added = repo.commit("add settings");
    repo.git(&["rm", "-q", "config/settings.py"]);
    repo.commit("remove settings");

    let (exit, report) = history_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        provenance(&report),
        vec![row(
            "stripe.secret-key",
            "config/settings.py",
            2,
            &added,
            false
        )]
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["introduced"]["summary"], "add settings");
    assert_eq!(finding["introduced"]["author"], "Test");
    assert_eq!(finding["introduced"]["email"], "test@example.invalid");
    assert_eq!(finding["introduced"]["date"], "2024-01-02T12:00:00+00:00");
    assert_eq!(finding["path_in_head"], false);
    assert_eq!(finding["secret"], "sk_l…", "redacted");
    assert_eq!(report["mode"], "history");
    assert_eq!(report["summary"]["commits_scanned"], 3);
}

#[test]
fn secrets_on_side_branches_in_tags_and_in_reverted_commits_are_found() {
    let mut repo = TestRepo::new();
    repo.write(&[("app.py", "print('hi')\n")]);
    repo.commit("start");
    // A side branch that was never merged.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(&[("feature.py", &stripe_line(1))]);
    let on_branch = repo.commit("feature work");
    // A tag on a commit no branch contains.
    repo.git(&["checkout", "-q", "--detach", "main"]);
    repo.write(&[("release.txt", &stripe_line(2))]);
    let tagged = repo.commit("release notes");
    repo.git(&["tag", "v1.0"]);
    repo.git(&["checkout", "-q", "main"]);
    // A secret committed, then reverted.
    repo.write(&[("app.py", &format!("print('hi')\n{}", stripe_line(3)))]);
    let reverted = repo.commit("oops");
    repo.git(&["revert", "--no-edit", "HEAD"]);

    let (exit, report) = history_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        provenance(&report),
        vec![
            row("stripe.secret-key", "app.py", 2, &reverted, false),
            row("stripe.secret-key", "feature.py", 1, &on_branch, false),
            row("stripe.secret-key", "release.txt", 1, &tagged, false),
        ]
    );
}

#[test]
fn branch_option_limits_the_refs() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.txt", &stripe_line(0))]);
    let base = repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(&[("b.txt", &stripe_line(1))]);
    repo.commit("feature");
    repo.git(&["checkout", "-q", "main"]);

    let (_, report) = history_json(repo.path(), &["--branch", "main"]);
    assert_eq!(
        provenance(&report),
        vec![row("stripe.secret-key", "a.txt", 1, &base, true)]
    );
    let output = tattle(repo.path(), &["history", "--branch", "nope"]);
    assert_exit_with_stderr(&output, 2, "branch `nope`");
}

#[test]
fn committed_then_deleted_dotenv_is_reported_with_its_secrets() {
    let mut repo = TestRepo::new();
    repo.write(&[(".gitignore", "node_modules/\n")]);
    repo.commit("init");
    repo.write(&[(".env", &format!("DATABASE_HOST=db\n{}", stripe_line(4)))]);
    let added = repo.commit("add env");
    repo.git(&["rm", "-q", "--cached", ".env"]);
    repo.write(&[(".gitignore", "node_modules/\n.env\n")]);
    repo.git(&["add", ".gitignore"]);
    repo.commit_staged("stop tracking .env");

    let (exit, report) = history_json(repo.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(
        provenance(&report),
        vec![
            row("dotenv.committed", ".env", 1, &added, false),
            row("stripe.secret-key", ".env", 2, &added, false),
        ]
    );
    let dotenv = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "dotenv.committed")
        .unwrap();
    assert_eq!(dotenv["evidence"], "DATABASE_HOST");
    let note = dotenv["note"].as_str().unwrap();
    assert!(note.contains("assigning 2 variables"), "{note}");
    assert!(note.contains("not in HEAD"), "{note}");
}

#[test]
fn versions_of_a_file_with_the_same_secret_are_one_finding_with_occurrences() {
    let mut repo = TestRepo::new();
    repo.write(&[("settings.py", &stripe_line(5))]);
    let first = repo.commit("add key");
    repo.write(&[("settings.py", &format!("# settings\n{}", stripe_line(5)))]);
    let second = repo.commit("comment");
    repo.git(&["mv", "settings.py", "config.py"]);
    let renamed = repo.commit("rename");

    let (_, report) = history_json(repo.path(), &[]);
    // Both versions hold the secret: one finding, introduced by the first. The
    // rename adds no new blob, and the second version is still in HEAD.
    assert_eq!(
        provenance(&report),
        vec![row("stripe.secret-key", "settings.py", 1, &first, true)]
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["path_in_head"], false);
    assert_eq!(
        finding["occurrences"],
        serde_json::json!([{ "commit": second, "path": "settings.py", "line": 2 }])
    );
    let (_, all) = history_json(repo.path(), &["--all-occurrences"]);
    assert_eq!(
        all["findings"][0]["occurrences"],
        serde_json::json!([
            { "commit": second, "path": "settings.py", "line": 2 },
            { "commit": renamed, "path": "config.py", "line": 2 },
        ])
    );
}

#[test]
fn all_occurrences_lists_every_commit_that_adds_the_secret() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.py", &stripe_line(6))]);
    let first = repo.commit("add");
    repo.git(&["rm", "-q", "a.py"]);
    repo.commit("remove");
    repo.write(&[("a.py", &stripe_line(6))]);
    let again = repo.commit("add again");

    let (_, plain) = history_json(repo.path(), &[]);
    assert_eq!(
        provenance(&plain),
        vec![row("stripe.secret-key", "a.py", 1, &first, true)]
    );
    assert!(plain["findings"][0].get("occurrences").is_none());

    let (_, all) = history_json(repo.path(), &["--all-occurrences"]);
    assert_eq!(
        all["findings"][0]["occurrences"],
        serde_json::json!([{ "commit": again, "path": "a.py", "line": 1 }])
    );
}

#[test]
fn since_and_range_scan_only_what_the_new_commits_introduce() {
    let mut repo = TestRepo::new();
    repo.write(&[("old.py", &stripe_line(7))]);
    let base = repo.commit("old secret");
    repo.write(&[("new.py", &stripe_line(8))]);
    let newer = repo.commit("new secret");
    repo.write(&[("copy.py", &stripe_line(7)), ("doc.md", "docs\n")]);
    let copied = repo.commit("copy an old file");

    let (_, since) = history_json(repo.path(), &["--since", &base]);
    assert_eq!(
        provenance(&since),
        vec![row("stripe.secret-key", "new.py", 1, &newer, true)],
        "the copy holds a blob the base already had"
    );
    let range = format!("{base}..{newer}");
    let (_, ranged) = history_json(repo.path(), &["--range", &range]);
    assert_eq!(
        provenance(&ranged),
        vec![row("stripe.secret-key", "new.py", 1, &newer, true)]
    );
    let (_, last) = history_json(repo.path(), &["--range", &format!("{newer}..{copied}")]);
    assert_eq!(provenance(&last), vec![]);
    assert_eq!(last["summary"]["commits_scanned"], 1);

    let output = tattle(repo.path(), &["history", "--range", "nonsense"]);
    assert_exit_with_stderr(&output, 2, "expected REV1..REV2");
    let output = tattle(repo.path(), &["history", "--since", "no-such-rev"]);
    assert_exit_with_stderr(&output, 2, "no-such-rev");
}

#[test]
fn shallow_clone_attributes_older_content_to_the_boundary_and_warns() {
    let mut repo = TestRepo::new();
    repo.write(&[("old.py", &stripe_line(9))]);
    repo.commit("one");
    repo.write(&[("readme.md", "two\n")]);
    repo.commit("two");
    repo.write(&[("new.py", &stripe_line(10))]);
    let head = repo.commit("three");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let shallow = clone.path().join("shallow");

    let (exit, report) = history_json(&shallow, &[]);
    assert_eq!(exit, 1, "a shallow clone is a warning, not an error");
    assert_eq!(
        provenance(&report),
        vec![
            row("stripe.secret-key", "new.py", 1, &head, true),
            row("stripe.secret-key", "old.py", 1, &head, true),
        ]
    );
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("shallow clone"), "{warnings}");
}

#[test]
fn missing_blob_is_a_warning_with_its_id_and_the_rest_is_scanned() {
    let mut repo = TestRepo::new();
    repo.write(&[("keep.py", &stripe_line(11)), ("lost.py", &stripe_line(12))]);
    repo.commit("two files");
    let lost = repo.git(&["rev-parse", "HEAD:lost.py"]);
    let object = repo
        .path()
        .join(".git/objects")
        .join(&lost[..2])
        .join(&lost[2..]);
    std::fs::remove_file(&object).expect("the blob is a loose object");

    let (exit, report) = history_json(repo.path(), &[]);
    assert_eq!(
        exit, 1,
        "findings, and no error: most of the history was read"
    );
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["keep.py"]);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("1 of 2 blobs could not be read"),
        "{warnings}"
    );
    assert!(warnings.contains(&lost[..12]), "{warnings}");
}

#[test]
fn bare_repositories_and_linked_worktrees_are_audited() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.py", &stripe_line(13))]);
    let commit = repo.commit("add");
    let holder = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(holder.path(), &["clone", "-q", "--bare", &url, "bare.git"]);
    let (_, bare) = history_json(&holder.path().join("bare.git"), &[]);
    assert_eq!(
        provenance(&bare),
        vec![row("stripe.secret-key", "a.py", 1, &commit, true)]
    );

    let worktree = holder.path().join("wt");
    repo.git(&["worktree", "add", "-q", worktree.to_str().unwrap()]);
    let (_, linked) = history_json(&worktree, &[]);
    assert_eq!(
        provenance(&linked),
        vec![row("stripe.secret-key", "a.py", 1, &commit, true)]
    );
}

#[test]
fn not_a_repository_is_an_error_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let output = tattle(dir.path(), &["history", "--no-progress"]);
    assert_exit_with_stderr(&output, 2, "not a git repository");
}

#[test]
fn history_sarif_has_its_own_category_and_names_the_commit() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.py", &stripe_line(14))]);
    let commit = repo.commit("add");
    let output = tattle(
        repo.path(),
        &["history", "--format", "sarif", "--no-progress"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let sarif = json(&output);
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "tattle/history/");
    let result = &run["results"][0];
    assert_eq!(result["properties"]["commit"], commit.as_str());
    let message = result["message"]["text"].as_str().unwrap();
    assert!(message.contains(&commit[..12]), "{message}");
    assert!(
        !sarif.to_string().contains(&stripe_key(14)[..12]),
        "no secret in SARIF"
    );
}
