//! The bad-input corpus, built at test time: inputs that crash, hang or
//! exhaust weaker scanners. For each, tattle must not panic, must finish,
//! must stay within bounded memory, must name the path and the reason of
//! any problem, must scan everything else, and must exit with the
//! documented code (0 clean, 1 findings, 2 errors).

mod common;

use common::*;
use serde_json::Value;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A run that takes longer than this is a hang (the deadline only guards
/// against hangs: nothing here is a speed test).
const HANG: Duration = Duration::from_secs(300);

/// `T=<GitHub token>\n`: a finding of `github.pat-classic`.
fn secret_line() -> String {
    format!("T={GITHUB_TOKEN}\n")
}

/// Runs tattle with a deadline, standard input closed.
fn run(cwd: &Path, args: &[&str]) -> Output {
    run_command(
        Command::new(env!("CARGO_BIN_EXE_tattle")).args(args),
        cwd,
        args,
    )
}

fn run_command(command: &mut Command, cwd: &Path, what: &[&str]) -> Output {
    let output = run_with_deadline(command, cwd, what, HANG);
    assert_no_panic(&output);
    output
}

/// No panic, no crash: an exit code of 0, 1 or 2, and no panic message.
fn assert_no_panic(output: &Output) {
    let err = stderr(output);
    assert!(
        matches!(output.status.code(), Some(0..=2)),
        "tattle died: {:?}\n{err}",
        output.status
    );
    assert!(!err.contains("panicked"), "tattle panicked:\n{err}");
}

/// Runs `tattle ARGS --format json --no-progress`: exit code and report.
fn json_run(cwd: &Path, args: &[&str]) -> (i32, Value) {
    let mut full = args.to_vec();
    full.extend_from_slice(&["--format", "json", "--no-progress"]);
    let output = run(cwd, &full);
    assert!(
        !output.stdout.is_empty(),
        "no report (exit {}): {}",
        code(&output),
        stderr(&output)
    );
    (code(&output), json(&output))
}

/// (path, line, column) of every finding.
fn places(report: &Value) -> Vec<(String, u64, u64)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// (path, reason) of every entry of a report list (`skipped`, `errors`).
fn entries(report: &Value, list: &str) -> Vec<(String, String)> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} array"))
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs tattle like [`json_run`] and also returns its peak resident set in
/// KiB, read from its own resource usage when it is reaped (Linux reports
/// `ru_maxrss` in KiB).
fn json_run_with_peak_rss(cwd: &Path, args: &[&str]) -> (i32, Value, i64) {
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().join("stdout");
    // Reaped with wait4 below, which also reports its resource usage.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_tattle"))
        .args(args)
        .args(["--format", "json", "--no-progress"])
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("running tattle");
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are valid and writable; `pid` is our child.
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4 failed");
        if reaped == pid {
            break;
        }
        if started.elapsed() > HANG {
            // SAFETY: `pid` is our unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("tattle {args:?} still running after {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(libc::WIFEXITED(status), "tattle died: status {status}");
    let report = serde_json::from_slice(&std::fs::read(&out_path).unwrap()).expect("a JSON report");
    (libc::WEXITSTATUS(status), report, usage.ru_maxrss)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

// ---------------------------------------------------------------------------
// Encodings and binary look-alikes

#[test]
fn utf16_text_is_decoded_and_binary_look_alikes_are_told_apart_in_every_mode() {
    let mut repo = TestRepo::new();
    let utf16 = |big_endian: bool| -> Vec<u8> {
        let text = format!("# exported\r\n{}", secret_line());
        let mut bytes = if big_endian {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for unit in text.encode_utf16() {
            let pair = if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        bytes
    };
    let files: Vec<(&str, Vec<u8>)> = vec![
        // PowerShell's `>`: UTF-16 with a byte-order mark.
        ("utf16le.txt", utf16(false)),
        ("utf16be.txt", utf16(true)),
        // Unpaired surrogates and an odd length: invalid UTF-16, read anyway.
        ("broken16.txt", b"\xff\xfe\x00\xd8a\x00b".to_vec()),
        // A byte-order mark, then NUL characters: binary.
        ("nul16.bin", b"\xff\xfe\x00\x00\x00\x00\x01\x00".to_vec()),
        // Text for 8 KiB, then binary: git calls it text, and so does tattle.
        ("late.bin", {
            let mut bytes = vec![b'a'; 8 << 10];
            bytes.extend_from_slice(b"\n\0\x01\x02\xff\n");
            bytes.extend_from_slice(secret_line().as_bytes());
            bytes
        }),
        // Invalid UTF-8 everywhere, the secret on the third line.
        ("latin1.txt", {
            let mut bytes = b"\xc3\x28\xa0\xa1\n\xe2\x28\xa1\xf0\x28\x8c\xbc\n".to_vec();
            bytes.extend_from_slice(secret_line().as_bytes());
            bytes
        }),
        ("plain.env", secret_line().into_bytes()),
    ];
    for (name, bytes) in &files {
        std::fs::write(repo.path().join(name), bytes).unwrap();
    }
    repo.commit("encodings");
    let expected = [
        ("late.bin".to_string(), 3, 3),
        ("latin1.txt".to_string(), 3, 3),
        ("plain.env".to_string(), 1, 3),
        ("utf16be.txt".to_string(), 2, 3),
        ("utf16le.txt".to_string(), 2, 3),
    ];
    for mode in ["scan", "history"] {
        let (exit, report) = json_run(repo.path(), &[mode]);
        assert_eq!(exit, 1, "{mode}: {report}");
        assert_eq!(places(&report), expected, "{mode}");
        assert_eq!(report["summary"]["binary_skipped"], 1, "{mode}: {report}");
        assert_eq!(report["errors"], serde_json::json!([]), "{mode}");
    }
    // Staged: the same files again under new names.
    for (name, bytes) in &files {
        std::fs::write(repo.path().join(format!("staged-{name}")), bytes).unwrap();
    }
    repo.git(&["add", "."]);
    let (exit, report) = json_run(repo.path(), &["staged"]);
    assert_eq!(exit, 1, "staged: {report}");
    let staged: Vec<_> = expected
        .iter()
        .map(|(path, line, column)| (format!("staged-{path}"), *line, *column))
        .collect();
    assert_eq!(places(&report), staged);
}

// ---------------------------------------------------------------------------
// Huge inputs: streamed in chunks, never loaded

#[test]
fn a_50_mb_single_line_is_streamed_and_every_secret_is_found_once_at_its_column() {
    let dir = tempfile::tempdir().unwrap();
    // Minified code: one line, a token every 65,537 bytes, so that tokens
    // straddle every chunk boundary wherever it falls.
    let mut line = Vec::with_capacity(51 << 20);
    let mut expected = Vec::new();
    line.extend_from_slice(b"var config={");
    while line.len() < (50 << 20) {
        line.extend_from_slice(b"k:\"");
        expected.push(("bundle.min.js".to_string(), 1, line.len() as u64 + 1));
        line.extend_from_slice(GITHUB_TOKEN.as_bytes());
        line.extend_from_slice(b"\",");
        let pad = 65_537 - (GITHUB_TOKEN.len() + 6);
        line.resize(line.len() + pad, b'a');
        line.push(b',');
    }
    line.extend_from_slice(b"};\n");
    std::fs::write(dir.path().join("bundle.min.js"), &line).unwrap();
    assert!(expected.len() > 700);

    let (exit, report) = json_run(dir.path(), &["scan", "--max-file-size", "64MiB"]);
    assert_eq!(exit, 1, "{}", report["errors"]);
    assert_eq!(places(&report), expected, "every token once, at its column");
    assert_eq!(report["summary"]["bytes_scanned"], line.len() as u64);

    // With the default limit (10 MiB) it is listed as skipped, not read.
    let (exit, report) = json_run(dir.path(), &["scan"]);
    assert_eq!(exit, 0);
    assert_eq!(
        entries(&report, "skipped"),
        [(
            "bundle.min.js".to_string(),
            format!(
                "file is {} bytes, above the 10485760-byte limit",
                line.len()
            )
        )]
    );
}

#[test]
fn a_1_gib_file_is_streamed_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    let size: u64 = 1 << 30;
    // Text for the first 16 KiB (so it is not binary), then a sparse hole
    // (NUL bytes, one long line), with secrets at the start, across the
    // first chunk boundaries, and at the very end.
    let mut head = format!("start\n{}", secret_line()).into_bytes();
    while head.len() < (16 << 10) {
        head.extend_from_slice(b"log line of text\n");
    }
    let boundary_secrets: Vec<u64> = vec![
        (8 << 20) - (136 << 10) - 20,
        (8 << 20) - (64 << 10) - 20,
        (8 << 20) - 10,
        (16 << 20) - (272 << 10),
    ];
    let tail = format!("\n{}", secret_line());
    {
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(&head).unwrap();
        file.set_len(size).unwrap();
        for &at in &boundary_secrets {
            file.seek(SeekFrom::Start(at)).unwrap();
            file.write_all(format!(" T={GITHUB_TOKEN} ").as_bytes())
                .unwrap();
        }
        file.seek(SeekFrom::Start(size - tail.len() as u64))
            .unwrap();
        file.write_all(tail.as_bytes()).unwrap();
    }
    std::fs::write(dir.path().join("small.env"), secret_line()).unwrap();

    let (exit, report, rss_kib) =
        json_run_with_peak_rss(dir.path(), &["scan", "--max-file-size", "2GiB"]);
    let rss_mib = rss_kib / 1024;
    eprintln!("peak memory scanning a 1 GiB file: {rss_mib} MiB");
    assert_eq!(exit, 1, "{}", report["errors"]);
    // Lines: the head's, then one long line of NULs holding the boundary
    // secrets, then the last line.
    let head_lines = head.iter().filter(|&&b| b == b'\n').count() as u64;
    let long_line = head_lines + 1;
    let mut expected = vec![("huge.log".to_string(), 2, 3)];
    for &at in &boundary_secrets {
        let column = at - head.len() as u64 + 4; // ` T=` then the token
        expected.push(("huge.log".to_string(), long_line, column));
    }
    expected.push(("huge.log".to_string(), long_line + 1, 3));
    expected.push(("small.env".to_string(), 1, 3));
    assert_eq!(places(&report), expected);
    assert_eq!(report["summary"]["bytes_scanned"], size + 43);
    // Chunks of 8 MiB per thread, plus the matcher's scratch: far below
    // the file's size (the README documents the bound).
    assert!(
        rss_mib < 100,
        "peak memory {rss_mib} MiB while scanning a 1 GiB file"
    );

    // The default limit: listed as skipped, the rest scanned, exit 1.
    let (exit, report) = json_run(dir.path(), &["scan"]);
    assert_eq!(exit, 1);
    assert_eq!(places(&report), [("small.env".to_string(), 1, 3)]);
    assert_eq!(
        entries(&report, "skipped"),
        [(
            "huge.log".to_string(),
            format!("file is {size} bytes, above the 10485760-byte limit")
        )]
    );
}

/// A distinct, random-looking Stripe live key for each `n` (Stripe keys
/// carry no checksum), so that history does not group the findings.
fn stripe_key(n: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut state = n
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let body: String = (0..38)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ALPHABET[(state >> 33) as usize % ALPHABET.len()] as char
        })
        .collect();
    format!("sk_live_51{body}")
}

#[test]
fn large_blobs_in_history_and_large_staged_files_are_scanned_in_chunks() {
    // 20 MiB of short lines with a distinct key every 9,973 lines (history
    // and staged read a blob whole, then scan it chunk by chunk).
    let mut text = String::with_capacity(21 << 20);
    let mut expected = Vec::new();
    let mut line: u64 = 1;
    while text.len() < 20 << 20 {
        if line % 9_973 == 0 {
            text.push_str(&format!("STRIPE_KEY = \"{}\"\n", stripe_key(line)));
            expected.push(("big.log".to_string(), line, 15));
        } else {
            text.push_str("an ordinary log line, nothing to see here\n");
        }
        line += 1;
    }
    let mut repo = TestRepo::new();
    repo.write(&[("big.log", &text)]);
    repo.commit("a large log");
    let (exit, report) = json_run(repo.path(), &["history", "--max-file-size", "64MiB"]);
    assert_eq!(exit, 1, "{}", report["errors"]);
    assert_eq!(places(&report), expected);
    let (exit, report) = json_run(repo.path(), &["history"]);
    assert_eq!(exit, 0);
    assert!(
        entries(&report, "skipped")[0]
            .1
            .ends_with("above the 10485760-byte limit"),
        "{report}"
    );

    std::fs::rename(repo.path().join("big.log"), repo.path().join("moved.log")).unwrap();
    std::fs::write(repo.path().join("big2.log"), &text).unwrap();
    repo.git(&["add", "big2.log"]);
    let (exit, report) = json_run(repo.path(), &["staged", "--max-file-size", "64MiB"]);
    assert_eq!(exit, 1, "{}", report["errors"]);
    let staged: Vec<_> = expected
        .iter()
        .map(|(_, line, column)| ("big2.log".to_string(), *line, *column))
        .collect();
    assert_eq!(places(&report), staged);
}

// ---------------------------------------------------------------------------
// Hostile YAML

#[test]
fn yaml_bombs_and_deep_nesting_do_not_stop_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{}]\n", pair[1], pair[1], refs));
    }
    bomb.push_str("services:\n  db:\n    image: postgres:16\n    environment: *l\n");
    let nested_flow = "[".repeat(200_000);
    let nested_block: String = (0..3_000)
        .map(|depth| format!("{}k{depth}:\n", " ".repeat(depth)))
        .collect();
    write_tree(
        dir.path(),
        &[
            ("docker-compose.yml", &bomb),
            ("k8s/deep-flow.yaml", &nested_flow),
            ("charts/app/values.yaml", &nested_block),
            ("app/settings.env", &secret_line()),
        ],
    );
    let (exit, report) = json_run(dir.path(), &["scan"]);
    assert_eq!(exit, 1, "{report}");
    assert_eq!(places(&report), [("app/settings.env".to_string(), 1, 3)]);
    assert_eq!(report["errors"], serde_json::json!([]));
    assert_eq!(report["summary"]["files_scanned"], 4);
}

// ---------------------------------------------------------------------------
// Files that cannot be read, or are not files

/// Runs tattle as an unprivileged user: as root, permission bits do not
/// deny reads, so the test drops to `nobody` with `setpriv`. The binary is
/// copied to `dir` so that `nobody` can run it wherever the checkout is.
fn run_unprivileged(dir: &Path, cwd: &Path, args: &[&str]) -> Output {
    if !is_root() {
        return run(cwd, args);
    }
    let binary = dir.join("tattle-bin");
    std::fs::copy(env!("CARGO_BIN_EXE_tattle"), &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&binary)
        .args(args);
    run_command(&mut command, cwd, args)
}

#[test]
fn unreadable_files_and_directories_are_errors_naming_the_path_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tree = dir.path().join("tree");
    write_tree(
        &tree,
        &[
            ("ok/settings.env", &secret_line()),
            ("locked.txt", &secret_line()),
            ("lockdir/inside.env", &secret_line()),
        ],
    );
    for path in [&tree, &tree.join("ok")] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(
        tree.join("ok/settings.env"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    std::fs::set_permissions(
        tree.join("locked.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    std::fs::set_permissions(tree.join("lockdir"), std::fs::Permissions::from_mode(0o000)).unwrap();

    let output = run_unprivileged(
        dir.path(),
        dir.path(),
        &["scan", "tree", "--format", "json", "--no-progress"],
    );
    std::fs::set_permissions(tree.join("lockdir"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        places(&report),
        [("tree/ok/settings.env".to_string(), 1, 3)]
    );
    let errors = entries(&report, "errors");
    let paths: Vec<&str> = errors.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["tree/lockdir", "tree/locked.txt"], "{errors:?}");
    for (_, reason) in &errors {
        assert!(reason.contains("Permission denied"), "{errors:?}");
    }

    // The text report says the same, and so does a single unreadable file.
    let output = run_unprivileged(dir.path(), dir.path(), &["scan", "tree/locked.txt"]);
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("error tree/locked.txt: Permission denied"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn device_files_and_fifos_are_skipped_never_read() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("tree/a.env", &secret_line())]);
    let status = Command::new("mkfifo")
        .arg(dir.path().join("tree/pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut expected_skips = vec![("tree/pipe".to_string(), "not a regular file".to_string())];
    if is_root() {
        // A copy of /dev/zero: reading it would never end.
        let status = Command::new("mknod")
            .arg(dir.path().join("tree/zero"))
            .args(["c", "1", "5"])
            .status()
            .unwrap();
        assert!(status.success());
        expected_skips.push(("tree/zero".to_string(), "not a regular file".to_string()));
    }
    let (exit, report) = json_run(dir.path(), &["scan", "tree", "/dev/zero", "/dev/null"]);
    assert_eq!(exit, 1, "{report}");
    assert_eq!(places(&report), [("tree/a.env".to_string(), 1, 3)]);
    expected_skips.push(("/dev/null".to_string(), "not a regular file".to_string()));
    expected_skips.push(("/dev/zero".to_string(), "not a regular file".to_string()));
    expected_skips.sort();
    assert_eq!(entries(&report, "skipped"), expected_skips);
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn a_file_larger_when_read_than_when_listed_is_held_to_the_limit() {
    // Files in /proc say they are empty, then read as text: exactly a file
    // that grew between the walk and the read.
    let dir = tempfile::tempdir().unwrap();
    let (exit, report) = json_run(
        dir.path(),
        &["scan", "/proc/self/status", "--max-file-size", "16"],
    );
    assert_eq!(exit, 0, "{report}");
    let skipped = entries(&report, "skipped");
    assert_eq!(skipped.len(), 1, "{report}");
    assert_eq!(skipped[0].0, "/proc/self/status");
    assert!(
        skipped[0].1.ends_with("bytes, above the 16-byte limit"),
        "{skipped:?}"
    );
    let (exit, report) = json_run(dir.path(), &["scan", "/proc/self/status"]);
    assert_eq!(exit, 0, "{report}");
    assert_eq!(report["summary"]["files_scanned"], 1);
}

#[test]
fn files_deleted_while_the_scan_runs_are_skipped_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    let mut doomed: Vec<PathBuf> = Vec::new();
    for i in 0..3_000 {
        let path = tree.join(format!("d{}/f{i}.txt", i % 30));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "some text\n".repeat(20)).unwrap();
        doomed.push(path);
    }
    write_tree(&tree, &[("keep/secret.env", &secret_line())]);
    let deleter = std::thread::spawn(move || {
        for path in doomed.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
    });
    let (exit, report) = json_run(dir.path(), &["scan", "tree", "-j", "2"]);
    deleter.join().unwrap();
    assert_eq!(exit, 1, "a deleted file is not an error: {report}");
    assert_eq!(
        places(&report),
        [("tree/keep/secret.env".to_string(), 1, 3)]
    );
    assert_eq!(report["errors"], serde_json::json!([]));
    for (path, reason) in entries(&report, "skipped") {
        assert_eq!(reason, "deleted while the scan ran", "{path}");
    }
}

#[test]
fn symlinks_out_of_the_tree_are_never_followed_in_any_mode() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("id.env"), secret_line()).unwrap();
    let mut repo = TestRepo::new();
    repo.write(&[("readme.md", "hello\n")]);
    let root = repo.path().to_path_buf();
    let link = |target: &Path, name: &str| {
        std::os::unix::fs::symlink(target, root.join(name)).unwrap();
    };
    link(&outside.path().join("id.env"), "link.env");
    link(outside.path(), "linkdir");
    repo.commit("links to a secret outside the repository");
    link(&outside.path().join("id.env"), "staged.env");
    repo.git(&["add", "staged.env"]);
    for mode in ["scan", "history", "staged"] {
        let (exit, report) = json_run(repo.path(), &[mode]);
        assert_eq!(exit, 0, "{mode}: {report}");
        assert_eq!(places(&report), [], "{mode}");
        assert_eq!(report["errors"], serde_json::json!([]), "{mode}");
    }
    let (_, report) = json_run(repo.path(), &["scan"]);
    assert_eq!(report["summary"]["symlinks_skipped"], 3);
}

// ---------------------------------------------------------------------------
// Damaged git repositories

/// A repository of five commits, one file each with a secret, packed.
fn packed_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    for n in 0..5 {
        let body: String = (0..500)
            .map(|i| format!("line {i} of file {n}: some filler text here\n"))
            .collect();
        repo.write(&[(&format!("f{n}.txt"), &format!("{body}{}", secret_line()))]);
        repo.commit(&format!("file {n}"));
    }
    repo.git(&["gc", "-q", "--aggressive"]);
    repo
}

#[test]
fn a_truncated_pack_is_an_error_when_nothing_is_left_and_other_repositories_are_still_audited() {
    let healthy = packed_repo();
    let broken = packed_repo();
    let pack_dir = broken.path().join(".git/objects/pack");
    let pack = std::fs::read_dir(&pack_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .expect("a pack");
    let full = std::fs::metadata(&pack).unwrap().len();
    for keep in [full / 2, full / 8, 40, 12] {
        let mut permissions = std::fs::metadata(&pack).unwrap().permissions();
        permissions.set_mode(0o644);
        std::fs::set_permissions(&pack, permissions).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(&pack)
            .unwrap()
            .set_len(keep)
            .unwrap();
        let (exit, report) = json_run(broken.path(), &["history"]);
        let scanned = report["summary"]["files_scanned"].as_u64().unwrap();
        if scanned == 0 {
            assert_eq!(exit, 2, "nothing could be read ({keep} bytes): {report}");
            let errors = entries(&report, "errors");
            assert!(
                errors[0].1.contains("nothing in the history could be read"),
                "{errors:?}"
            );
        } else {
            assert!(exit <= 1, "{keep} bytes: {report}");
        }
        assert!(
            !report["warnings"].as_array().unwrap().is_empty(),
            "the damage is reported ({keep} bytes): {report}"
        );
    }

    // Several repositories in one run: the healthy one is audited in full.
    let parent = healthy.path().parent().unwrap();
    let output = run(
        parent,
        &[
            "history",
            healthy.path().to_str().unwrap(),
            broken.path().to_str().unwrap(),
            "--format",
            "json",
            "--no-progress",
        ],
    );
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let report = json(&output);
    let repositories = report["repositories"].as_array().unwrap();
    assert_eq!(repositories[0]["findings"].as_array().unwrap().len(), 5);
    assert!(!repositories[1]["errors"].as_array().unwrap().is_empty());
}

#[test]
fn dangling_refs_are_warnings_naming_the_ref_and_the_rest_is_audited() {
    let mut repo = TestRepo::new();
    repo.write(&[("a.env", &secret_line())]);
    repo.commit("one");
    let refs = repo.path().join(".git/refs/heads");
    std::fs::write(
        refs.join("ghost"),
        "1234567890123456789012345678901234567890\n",
    )
    .unwrap();
    std::fs::write(refs.join("symbolic"), "ref: refs/heads/nowhere\n").unwrap();
    let (exit, report) = json_run(repo.path(), &["history"]);
    assert_eq!(exit, 1, "{report}");
    assert_eq!(places(&report), [("a.env".to_string(), 1, 3)]);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings
            .contains("refs/heads/ghost points to 123456789012, which is not in the repository"),
        "{warnings}"
    );
    assert!(
        warnings.contains("refs/heads/symbolic is dangling"),
        "{warnings}"
    );

    // Only dangling refs: nothing could be read, which is an error.
    let empty = TestRepo::new();
    let refs = empty.path().join(".git/refs/heads");
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(
        refs.join("main"),
        "1234567890123456789012345678901234567890\n",
    )
    .unwrap();
    let (exit, report) = json_run(empty.path(), &["history"]);
    assert_eq!(exit, 2, "{report}");
}

// ---------------------------------------------------------------------------
// User-supplied rules: rejected before scanning starts

/// Scans a tree holding a secret with a `.tattle.toml` whose only custom
/// rule is `rule`: the error, and proof that no scan ran.
fn scan_with_rule(rule: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[allowlist]\npaths = []\n\n[[rule]]\nid = \"acme.token\"\nname = \"Acme token\"\n\
         description = \"An Acme token.\"\nseverity = \"high\"\n{rule}\n"
    );
    write_tree(
        dir.path(),
        &[(".tattle.toml", &config), ("a.env", &secret_line())],
    );
    let output = run(dir.path(), &["scan", "--format", "json"]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        output.stdout.is_empty(),
        "no report: scanning never started"
    );
    stderr(&output)
}

#[test]
fn custom_rules_with_bad_regexes_are_rejected_naming_file_line_and_rule() {
    // Too large: counted repetitions of Unicode classes compile to megabytes.
    let err = scan_with_rule(r#"regex = '(?P<secret>\w{2000}\w{2000}\w{2000})'"#);
    assert!(err.contains(".tattle.toml:4: rule `acme.token`"), "{err}");
    assert!(err.contains("larger than the"), "{err}");
    // Would take long to compile: nested repetitions are stopped by the same limit.
    let err = scan_with_rule(r#"regex = '(?P<secret>((((a{50}){50}){50}){50}))'"#);
    assert!(err.contains("rule `acme.token`"), "{err}");
    assert!(err.contains("larger than the"), "{err}");
    // No capture group for the secret.
    let err = scan_with_rule(r#"regex = 'acme_[a-z0-9]{24}'"#);
    assert!(err.contains(".tattle.toml:4: rule `acme.token`"), "{err}");
    assert!(err.contains("no named capture"), "{err}");
    // A syntax error: named, located, and the pattern (maybe a secret) not quoted.
    let err = scan_with_rule(r#"regex = '(?P<secret>acme_live_7Hq2Xk9Lm4Np'"#);
    assert!(err.contains("unclosed group"), "{err}");
    assert!(!err.contains("acme_live_7Hq2Xk9Lm4Np"), "{err}");
}

#[test]
fn duplicate_custom_rule_ids_are_rejected_before_scanning() {
    let rule = "keywords = [\"acme_\"]\nregex = '(?P<secret>acme_[a-z0-9]{24})'\n";
    let err = scan_with_rule(&format!(
        "{rule}\n[[rule]]\nid = \"acme.token\"\nname = \"Again\"\ndescription = \"Again.\"\n\
         severity = \"low\"\n{rule}"
    ));
    assert!(
        err.contains(".tattle.toml:12: rule `acme.token` is defined twice (first in "),
        "{err}"
    );
    assert!(err.contains(".tattle.toml:4)"), "{err}");
}

#[test]
fn an_invalid_allowlist_regex_is_named_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[(
            ".tattle.toml",
            "[allowlist]\nregexes = [\"^ok$\", \"(sk_live_4eC39HqLyjWDarjtT1zdp7dc\"]\n",
        )],
    );
    let output = run(dir.path(), &["scan"]);
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    assert!(
        err.contains("[allowlist] regexes: entry 2: unclosed group"),
        "{err}"
    );
    assert!(!err.contains("4eC39HqLyjWDarjtT1zdp7dc"), "{err}");
}
