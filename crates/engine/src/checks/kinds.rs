//! Which kind of file a path is, from its name alone: `applies_to` runs for
//! every file of every scan, so these are string tests, no content.

use crate::checks::dotenv_committed::is_secret_dotenv_name;

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn starts_with_ci(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn contains_ci(name: &str, needle: &str) -> bool {
    name.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn lower_ends_with(name: &str, suffix: &str) -> bool {
    name.len() >= suffix.len()
        && name.is_char_boundary(name.len() - suffix.len())
        && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// `*.yml` or `*.yaml`.
pub fn is_yaml(name: &str) -> bool {
    lower_ends_with(name, ".yml") || lower_ends_with(name, ".yaml")
}

/// A Compose file: `docker-compose.yml`, `compose.yaml`,
/// `docker-compose.prod.yml`, `compose.override.yaml`…
pub fn is_compose(name: &str) -> bool {
    is_yaml(name) && contains_ci(name, "compose")
}

/// A GitHub Actions workflow: `.github/workflows/*.yml`.
pub fn is_workflow(path: &str) -> bool {
    is_yaml(path)
        && (path.starts_with(".github/workflows/") || path.contains("/.github/workflows/"))
}

/// A Helm values file: `values.yaml`, `values-prod.yaml`, `values.staging.yml`.
pub fn is_helm_values(name: &str) -> bool {
    is_yaml(name) && starts_with_ci(name, "values")
}

/// A Spring Boot configuration file: `application.yml`, `application-prod.yaml`,
/// `bootstrap.yml`.
pub fn is_spring_yaml(name: &str) -> bool {
    is_yaml(name) && (starts_with_ci(name, "application") || starts_with_ci(name, "bootstrap"))
}

/// Whether a YAML file may hold Kubernetes objects, judged from its bytes:
/// only files that mention both `apiVersion` and `kind` are parsed for them.
pub fn may_be_kubernetes(bytes: &[u8]) -> bool {
    memchr::memmem::find(bytes, b"apiVersion").is_some()
        && memchr::memmem::find(bytes, b"kind").is_some()
}

/// A Dockerfile: `Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`,
/// `Containerfile`. Not `.dockerignore` files, nor templates that render one.
pub fn is_dockerfile(name: &str) -> bool {
    const TEMPLATES: &[&str] = &[
        ".dockerignore",
        ".j2",
        ".jinja",
        ".jinja2",
        ".tmpl",
        ".tpl",
        ".template",
        ".erb",
        ".mustache",
        ".hbs",
        ".in",
        ".bak",
        ".orig",
        ".md",
        ".txt",
    ];
    if TEMPLATES.iter().any(|t| lower_ends_with(name, t)) {
        return false;
    }
    name.eq_ignore_ascii_case("dockerfile")
        || name.eq_ignore_ascii_case("containerfile")
        || starts_with_ci(name, "dockerfile.")
        || starts_with_ci(name, "dockerfile-")
        || starts_with_ci(name, "containerfile.")
        || lower_ends_with(name, ".dockerfile")
        || lower_ends_with(name, ".containerfile")
}

/// A dotenv file holding real values: `.env`, `.env.production`, `db.env`
/// (an `env_file:` target), but not templates such as `.env.example`.
pub fn is_dotenv(name: &str) -> bool {
    if is_secret_dotenv_name(name) {
        return true;
    }
    name.len() > 4 && lower_ends_with(name, ".env") && !starts_with_ci(name, ".env")
}

/// Any dotenv file, templates included (`.env.example`).
pub fn is_any_dotenv(name: &str) -> bool {
    name.eq_ignore_ascii_case(".env")
        || starts_with_ci(name, ".env.")
        || (name.len() > 4 && lower_ends_with(name, ".env"))
}

/// A Java `.properties` file other than a translation bundle
/// (`messages_fr.properties`), whose values are labels, not settings.
pub fn is_properties(path: &str) -> bool {
    let name = file_name(path);
    if !lower_ends_with(name, ".properties") {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let name_lower = file_name(&lower);
    let bundle = [
        "messages", "message", "strings", "labels", "language", "lang", "i18n", "l10n",
    ]
    .iter()
    .any(|w| name_lower.starts_with(w))
        || [
            "/i18n/",
            "/l10n/",
            "/locale/",
            "/locales/",
            "/lang/",
            "/translations/",
        ]
        .iter()
        .any(|d| format!("/{lower}").contains(d));
    let localized = name_lower
        .trim_end_matches(".properties")
        .rsplit_once('_')
        .is_some_and(|(_, tail)| tail.len() == 2 && tail.bytes().all(|b| b.is_ascii_lowercase()));
    !bundle && !localized
}

/// An INI-style file: `*.ini`, `*.cfg`, `*.cnf` (`my.cnf`).
pub fn is_ini(name: &str) -> bool {
    lower_ends_with(name, ".ini") || lower_ends_with(name, ".cfg") || lower_ends_with(name, ".cnf")
}

/// A Redis, Valkey or KeyDB server or Sentinel configuration file.
pub fn is_redis_conf(name: &str) -> bool {
    lower_ends_with(name, ".conf")
        && ["redis", "sentinel", "valkey", "keydb"]
            .iter()
            .any(|w| starts_with_ci(name, w))
}

/// Terraform: `*.tf`, `*.tfvars`, `*.auto.tfvars`.
pub fn is_terraform(name: &str) -> bool {
    lower_ends_with(name, ".tf") || lower_ends_with(name, ".tfvars")
}

/// Source code a check can read for a language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `.py`
    Python,
    /// `.js`, `.ts` and friends.
    JavaScript,
    /// `.go`
    Go,
    /// `.java`, `.kt`, `.kts`
    Jvm,
    /// `.rb`
    Ruby,
    /// `.php`
    Php,
}

/// The language of a source file, from its extension.
pub fn language(name: &str) -> Option<Language> {
    let ext = name.rsplit_once('.')?.1;
    if ext.len() > 4 {
        return None;
    }
    let mut buf = [0u8; 4];
    buf[..ext.len()].copy_from_slice(ext.as_bytes());
    buf.make_ascii_lowercase();
    let ext = std::str::from_utf8(&buf[..ext.len()]).ok()?;
    Some(match ext {
        "py" => Language::Python,
        "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" => Language::JavaScript,
        "go" => Language::Go,
        "java" | "kt" | "kts" => Language::Jvm,
        "rb" => Language::Ruby,
        "php" => Language::Php,
        _ => return None,
    })
}

/// Whether a source file is a test: fallbacks in tests never reach production.
pub fn is_test_source(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = file_name(&lower);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let test_name = stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem.ends_with("_spec")
        || stem == "test"
        || stem == "tests"
        || stem == "conftest";
    let test_dir = lower.split('/').rev().skip(1).any(|dir| {
        matches!(
            dir,
            "test"
                | "tests"
                | "testing"
                | "__tests__"
                | "spec"
                | "specs"
                | "e2e"
                | "testdata"
                | "__mocks__"
                | "mocks"
                | "cypress"
                | "playwright"
        )
    });
    test_name || test_dir
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_compose("docker-compose.yml"));
        assert!(is_compose("compose.override.yaml"));
        assert!(!is_compose("composer.json"));
        assert!(is_workflow(".github/workflows/ci.yml"));
        assert!(is_workflow("repo/.github/workflows/ci.yaml"));
        assert!(!is_workflow(".github/dependabot.yml"));
        assert!(is_helm_values("values-prod.yaml"));
        assert!(is_dockerfile("Dockerfile"));
        assert!(is_dockerfile("api.Dockerfile"));
        assert!(is_dockerfile("Dockerfile.prod"));
        assert!(!is_dockerfile("Dockerfile.dockerignore"));
        assert!(!is_dockerfile("Dockerfile.j2"));
        assert!(is_dotenv(".env"));
        assert!(is_dotenv("db.env"));
        assert!(!is_dotenv(".env.example"));
        assert!(!is_dotenv(".envrc"));
        assert!(is_properties("src/main/resources/application.properties"));
        assert!(!is_properties("src/main/resources/messages_fr.properties"));
        assert!(!is_properties("i18n/Bundle.properties"));
        assert!(is_redis_conf("redis.conf"));
        assert!(is_redis_conf("sentinel-6379.conf"));
        assert!(is_terraform("main.tf"));
        assert!(is_terraform("prod.auto.tfvars"));
        assert_eq!(language("app.tsx"), Some(Language::JavaScript));
        assert_eq!(language("Makefile"), None);
        assert!(is_test_source("tests/test_auth.py"));
        assert!(is_test_source("src/auth.test.ts"));
        assert!(is_test_source("auth_test.go"));
        assert!(!is_test_source("app/settings.py"));
        assert!(!is_test_source("src/contest.py"));
    }
}
