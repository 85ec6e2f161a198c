//! Filter `test-path` (lowers): tests, fixtures, mocks and examples, and
//! example copies of config files (`.env.example`, `config.sample.yml`,
//! `settings.py.dist`). Secrets there are often made up, but a real key
//! committed in a test is as leaked as any other, so the finding stays, one
//! confidence level lower.

use super::{Candidate, Effect, FileContext};

/// Directory names that hold tests, fixtures and examples (lowercase).
const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test-data",
    "test_data",
    "fixture",
    "fixtures",
    "__fixtures__",
    "mock",
    "mocks",
    "__mocks__",
    "stubs",
    "e2e",
    "cypress",
    "playwright",
    "example",
    "examples",
    "sample",
    "samples",
];

/// Whether a path is a test, fixture, mock or example.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.starts_with(".github/") || lower.contains("/.github/") {
        // Workflows are named `test.yml`; they run in CI with real secrets.
        return false;
    }
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    if parts.iter().any(|dir| TEST_DIRS.contains(dir)) {
        return true;
    }
    // `.env.example`, `config.sample.yml`, `app.yml.dist`: an example copy
    // (a name that starts with the word, `example.txt`, is just a name).
    if name
        .split('.')
        .skip(1)
        .any(|part| matches!(part, "example" | "sample" | "template" | "tmpl" | "dist"))
    {
        return true;
    }
    let stem = name.split_once('.').map_or(name, |(stem, _)| stem);
    let original = path.rsplit('/').next().unwrap_or(path);
    let original_stem = original.split_once('.').map_or(original, |(s, _)| s);
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("_spec")
        || stem == "conftest"
        || stem == "test"
        || stem == "tests"
        || name.contains(".test.")
        || name.contains(".spec.")
        || original_stem.ends_with("Test")
        || original_stem.ends_with("Tests")
        || original_stem.ends_with("Spec")
}

/// Lowers candidates in tests, fixtures and examples.
pub fn check(_candidate: &Candidate<'_>, file: &FileContext<'_>) -> Effect {
    if file.is_test() {
        Effect::Lower
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fixture_and_example_paths() {
        for path in [
            "tests/integration.rs",
            "src/__tests__/api.js",
            "spec/fixtures/config.yml",
            "pkg/auth/testdata/token.json",
            "app/auth_test.go",
            "tests/test_auth.py",
            "src/api.test.ts",
            "src/api.spec.js",
            "src/test/java/com/acme/AuthServiceTest.java",
            "AuthTests.cs",
            "examples/quickstart/main.py",
            "fixtures/demo/app/settings.py",
            "web/__mocks__/stripe.js",
            ".env.example",
            "config/settings.sample.yml",
            "app/config.yml.dist",
            "contrib/credential/netrc/test.netrc",
        ] {
            assert!(is_test_path(path), "{path}");
        }
    }

    #[test]
    fn application_paths() {
        for path in [
            "src/main.rs",
            ".github/workflows/test.yml",
            "src/contest.py",
            "src/latest.ts",
            "config/attestation.yml",
            "docs/testing-guide.md",
            "app/Testimonial.java",
            "example.txt",
            ".env.production",
        ] {
            assert!(!is_test_path(path), "{path}");
        }
    }
}
