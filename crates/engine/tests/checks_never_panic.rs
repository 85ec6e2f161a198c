//! Structured checks must never panic, whatever the bytes: truncated and
//! mangled versions of every example, and hostile files (alias bombs, deep
//! nesting, invalid UTF-8), at every path a check reads.

use tattle_engine::{RuleSet, SourceFile};

/// Paths that make each check read a file.
const PATHS: &[&str] = &[
    "docker-compose.yml",
    "k8s/deploy.yaml",
    "charts/app/values.yaml",
    "charts/app/templates/deployment.yaml",
    ".github/workflows/ci.yml",
    "src/main/resources/application.yml",
    "Dockerfile",
    ".env",
    "app.env",
    "application.properties",
    "my.cnf",
    "redis.conf",
    "main.tf",
    "settings.py",
    "server.ts",
    "main.go",
    "Config.java",
    "jwt.rb",
    "config.php",
];

fn scan_everywhere(rules: &RuleSet, bytes: &[u8]) {
    let mut matcher = rules.matcher();
    for path in PATHS {
        let file = SourceFile {
            path,
            bytes,
            committed: true,
        };
        for found in matcher.scan(&file) {
            assert!(found.span.end <= bytes.len() && found.secret.end <= bytes.len());
        }
    }
}

/// A deterministic byte scrambler (no `rand` dependency).
fn mangle(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = bytes.to_vec();
    for _ in 0..(bytes.len() / 16).max(1) {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        if out.is_empty() {
            break;
        }
        let at = (state >> 33) as usize % out.len();
        out[at] = match state % 5 {
            0 => b'\n',
            1 => b':',
            2 => b'"',
            3 => 0xff,
            _ => (state >> 20) as u8,
        };
    }
    out
}

#[test]
fn truncated_and_mangled_examples_never_panic() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut matcher = rules.matcher();
    for rule in rules.rules().iter().filter(|r| r.as_check().is_some()) {
        for example in rule.examples().into_iter().chain(rule.negative_examples()) {
            let text = example.text.as_bytes();
            let crlf = example.text.replace('\n', "\r\n");
            let bom = format!("\u{feff}{}", example.text);
            let variants = [
                text.to_vec(),
                crlf.into_bytes(),
                bom.into_bytes(),
                mangle(text, 1),
                mangle(text, 2),
            ];
            for variant in &variants {
                for end in 0..=variant.len() {
                    let file = SourceFile {
                        path: &example.path,
                        bytes: &variant[..end],
                        committed: true,
                    };
                    let _ = matcher.scan(&file);
                }
            }
        }
    }
}

#[test]
fn hostile_files_never_panic() {
    let rules = RuleSet::builtin().expect("built-in rules load");
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        laughs.push_str(&format!("{}: &{} [{}]\n", pair[1], pair[1], refs));
    }
    // The same bomb where checks look: services, containers and env.
    let mut compose = String::from("x: &e0\n  POSTGRES_PASSWORD: postgres\n");
    for i in 1..12 {
        let refs = vec![format!("*e{}", i - 1); 9].join(", ");
        compose.push_str(&format!("x{i}: &e{i} {{<<: [{refs}]}}\n"));
    }
    compose.push_str("services:\n  db:\n    image: postgres\n    environment: *e11\n");
    let mut k8s = String::from(
        "apiVersion: v1\nkind: Pod\nx: &c0 {name: a, image: busybox, env: [{name: DB_PASSWORD, value: admin}]}\n",
    );
    for i in 1..12 {
        let refs = vec![format!("*c{}", i - 1); 9].join(", ");
        k8s.push_str(&format!("x{i}: &c{i} [{refs}]\n"));
    }
    k8s.push_str("spec:\n  containers: *c11\n");
    let hostile: Vec<Vec<u8>> = vec![
        laughs.into_bytes(),
        compose.into_bytes(),
        k8s.into_bytes(),
        "[".repeat(100_000).into_bytes(),
        "{a: ".repeat(20_000).into_bytes(),
        (0..1_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>()
            .into_bytes(),
        (0..5_000)
            .map(|i| format!("{}- \n", " ".repeat(i % 200)))
            .collect::<String>()
            .into_bytes(),
        vec![0xff; 100_000],
        "a".repeat(64 << 10).into_bytes(),
        "password: admin\n".repeat(50_000).into_bytes(),
        "FROM a\\\n".repeat(20_000).into_bytes(),
        "x = os.getenv(\"JWT_SECRET\", \""
            .repeat(20_000)
            .into_bytes(),
        "{{".repeat(50_000).into_bytes(),
        "&a ".repeat(50_000).into_bytes(),
    ];
    // Speed is the benchmark's business; this only asks that nothing panics
    // (sizes are kept small because the test suite runs unoptimized code).
    for bytes in &hostile {
        scan_everywhere(&rules, bytes);
    }
}
