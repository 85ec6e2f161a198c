//! Secrets written base64- or percent-encoded: found where they are written,
//! reported decoded.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

const STRIPE: &str = "sk_live_Hv3Qz8Lp2Wm7Xc4Rb9Nt1Ks6Dj5Fg0AyUeOiQyTq";

fn base64(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn scan(dir: &Path, args: &[&str]) -> Value {
    let mut full = vec!["scan", ".", "--format", "json"];
    full.extend_from_slice(args);
    let output = tattle(dir, &full);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    json(&output)
}

fn findings<'a>(report: &'a Value, path: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .collect()
}

#[test]
fn base64_secrets_are_located_encoded_and_identified_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let encoded = base64(STRIPE);
    let code_line = format!("KEY = base64.b64decode(\"{encoded}\").decode()\n");
    write_tree(
        dir.path(),
        &[
            ("app/keys.py", &format!("PLAIN = \"{STRIPE}\"\n{code_line}")),
            (
                "deploy/secret.yaml",
                &format!("apiVersion: v1\nkind: Secret\ndata:\n  STRIPE_KEY: {encoded}\n"),
            ),
        ],
    );
    let report = scan(dir.path(), &[]);
    let keys = findings(&report, "app/keys.py");
    assert_eq!(keys.len(), 2, "{keys:#?}");
    let (plain, decoded) = (keys[0], keys[1]);
    assert_eq!(decoded["rule_id"], "stripe.secret-key");
    assert_eq!(decoded["line"], 2);
    // The finding spans the base64 text that encodes the key.
    let start = code_line.find(&encoded).unwrap() as u64 + 1;
    assert_eq!(decoded["column"], start);
    assert!(decoded["end_column"].as_u64().unwrap() > start + 40);
    assert_eq!(decoded["secret"], "sk_l…");
    assert_eq!(decoded["note"], "found base64-encoded");
    // One key, one identity: the same fingerprint as the plain finding in
    // this file, and the same secret_hash in the Kubernetes Secret.
    assert_eq!(decoded["fingerprint"], plain["fingerprint"]);
    assert_eq!(decoded["secret_hash"], plain["secret_hash"]);
    let secret = findings(&report, "deploy/secret.yaml");
    assert_eq!(secret.len(), 1, "{secret:#?}");
    assert_eq!(secret[0]["secret_hash"], plain["secret_hash"]);
    assert_eq!(secret[0]["line"], 4);
}

#[test]
fn percent_encoded_passwords_are_shown_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let line = "DATABASE_URL=postgres://app:p%40ss-Hx7pQ2vRt9%21@db.acme-corp.io:5432/app\n";
    write_tree(dir.path(), &[(".env", line)]);
    let report = scan(dir.path(), &["--show-secrets"]);
    let found = findings(&report, ".env");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["rule_id"], "url-credentials.database");
    assert_eq!(found[0]["secret"], "p@ss-Hx7pQ2vRt9!");
    assert_eq!(found[0]["note"], "found percent-encoded");
    // Columns point at the encoded password: `p%40ss…%21`.
    let start = line.find("p%40").unwrap() as u64 + 1;
    assert_eq!(found[0]["column"], start);
    assert_eq!(
        found[0]["end_column"],
        start + "p%40ss-Hx7pQ2vRt9%21".len() as u64
    );
}

#[test]
fn allowlists_see_the_decoded_secret() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                ".tattle.toml",
                "[allowlist]\nregexes = [\"^sk_live_Hv3Qz8\"]\n",
            ),
            (
                "app/keys.py",
                &format!(
                    "KEY = base64.b64decode(\"{}\")\nOTHER = \"sk_live_Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr\"\n",
                    base64(STRIPE)
                ),
            ),
        ],
    );
    let report = scan(dir.path(), &[]);
    assert_eq!(
        finding_keys(&report),
        [(
            "stripe.secret-key".to_string(),
            "app/keys.py".to_string(),
            2
        )]
    );
}
