//! `tattle scan` on the demo fixture: findings, redaction, and each report format.

mod common;

use common::*;

const PLANTED: &[&str] = &[
    "sk-proj-Rk3Xw9TqL2vN8mPz5bYc1HdJ7fGs4aQe6uKo0iWn3tVy_AbCdT3BlbkFJx7Kq2Lm9Np4Rs6Tv8Wy1Za3Bc5De7Fg9Hi",
    "Tz8qK2mWv4Lr9xNc",
    "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",
    "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",
    "7v5RZZVuZhYZfh12eHR4LB0x2BuJBrkBIQXePWt0trA",
    "MIICXAIBAAKBgQCYKTcMzl9w",
    "Xq4Lm8Rt2Vz6Nb0Pw3Kc7Hd1Jf5Gs9Ya2Ue6Io4TyQ",
    "your-secret-key-change-in-production",
];

/// Everything planted in the demo: secrets and configuration mistakes.
fn expected_findings() -> Vec<(String, String, u64)> {
    [
        ("dockerfile.root-user", "fixtures/demo/app/Dockerfile", 1),
        ("openai.api-key", "fixtures/demo/app/settings.py", 6),
        ("code.secret-fallback", "fixtures/demo/app/settings.py", 12),
        (
            "url-credentials.database",
            "fixtures/demo/app/settings.py",
            14,
        ),
        ("stripe.secret-key", "fixtures/demo/deploy/values.yaml", 6),
        ("image.mutable-tag", "fixtures/demo/docker-compose.yml", 9),
        (
            "config.default-password",
            "fixtures/demo/docker-compose.yml",
            12,
        ),
        ("github.pat-classic", "fixtures/demo/docs/setup.md", 11),
        ("private-key.pem", "fixtures/demo/keys/deploy_key", 1),
        ("dotenv.committed", "fixtures/demo/web/.env.production", 1),
        (
            "frontend.public-secret-env",
            "fixtures/demo/web/.env.production",
            3,
        ),
        ("jwt.token", "fixtures/demo/web/.env.production", 3),
        ("jwt.token", "fixtures/demo/web/src/supabase.ts", 6),
    ]
    .iter()
    .map(|(rule, path, line)| (rule.to_string(), path.to_string(), *line))
    .collect()
}

#[test]
fn demo_scan_finds_exactly_what_is_planted() {
    let output = tattle(&repo_root(), &["scan", "fixtures/demo", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(finding_keys(&report), expected_findings());
    let findings = report["findings"].as_array().unwrap();
    let supabase = findings
        .iter()
        .find(|f| f["path"] == "fixtures/demo/web/src/supabase.ts")
        .unwrap();
    assert_eq!(supabase["severity"], "critical");
    assert!(supabase["note"].as_str().unwrap().contains("service_role"));
    let public = findings
        .iter()
        .find(|f| f["rule_id"] == "frontend.public-secret-env")
        .unwrap();
    assert_eq!(public["severity"], "critical");
    assert_eq!(public["evidence"], "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY");
}

#[test]
fn no_report_format_leaks_a_planted_secret() {
    for format in ["text", "json", "sarif"] {
        let output = tattle(&repo_root(), &["scan", "fixtures/demo", "--format", format]);
        let text = stdout(&output) + &stderr(&output);
        for secret in PLANTED {
            assert!(!text.contains(secret), "{format} report leaks {secret}");
        }
    }
}

#[test]
fn show_secrets_reveals_them_in_text_and_json_but_never_in_sarif() {
    for (format, reveals) in [("text", true), ("json", true), ("sarif", false)] {
        let output = tattle(
            &repo_root(),
            &[
                "scan",
                "fixtures/demo",
                "--format",
                format,
                "--show-secrets",
            ],
        );
        let text = stdout(&output);
        assert_eq!(text.contains(PLANTED[3]), reveals, "{format}");
    }
}

#[test]
fn json_report_snapshot() {
    let output = tattle(&repo_root(), &["scan", "fixtures/demo", "--format", "json"]);
    let report = json(&output);
    insta::assert_json_snapshot!("demo_json", report, {
        ".summary.duration_ms" => "[duration]",
        ".tool.version" => "[version]",
    });
}

#[test]
fn sarif_report_snapshot() {
    let output = tattle(
        &repo_root(),
        &["scan", "fixtures/demo", "--format", "sarif"],
    );
    let report = json(&output);
    let results = &report["runs"][0]["results"];
    let rule_count = report["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .len();
    assert!(rule_count > 20, "every rule is described in SARIF");
    insta::assert_json_snapshot!("demo_sarif_results", results);
}

#[test]
fn text_report_snapshot() {
    let output = tattle(&repo_root(), &["scan", "fixtures/demo", "--color", "never"]);
    let text = stdout(&output);
    let text = regex_lite_replace_duration(&text);
    insta::assert_snapshot!("demo_text", text);
}

/// The text summary carries a wall time; blank it for the snapshot.
fn regex_lite_replace_duration(text: &str) -> String {
    text.lines()
        .map(
            |line| match (line.find(" in "), line.starts_with("Scanned ")) {
                (Some(at), true) => format!("{} in [duration]", &line[..at]),
                _ => line.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let output = tattle(
        &repo_root(),
        &[
            "scan",
            "fixtures/demo",
            "--format",
            "sarif",
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).is_empty());
    let written: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(written["version"], "2.1.0");
}
