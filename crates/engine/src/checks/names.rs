//! What names and values mean, shared by the checks: which keys hold a
//! password, which variables hold a secret, which passwords are defaults or
//! trivially weak, which values are references filled in elsewhere, and which
//! paths are tests or examples.

use crate::placeholder::is_template;

/// Passwords every scanner, installer and tutorial uses (compared lowercase).
/// A product that ships one of these has a password anyone can guess.
const DEFAULT_PASSWORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "changethis",
    "password",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "password1",
    "password123",
    "pass",
    "pass123",
    "passwd",
    "pwd",
    "admin",
    "admin1",
    "admin123",
    "admin1234",
    "administrator",
    "root",
    "toor",
    "secret",
    "secret123",
    "s3cr3t",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redis",
    "foobared",
    "mongo",
    "mongodb",
    "rabbitmq",
    "guest",
    "test",
    "test123",
    "testing",
    "123456",
    "1234",
    "12345",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "letmein",
    "welcome",
    "default",
    "master",
    "oracle",
    "tiger",
    "elastic",
    "kibana",
    "minioadmin",
    "minio123",
    "keycloak",
    "grafana",
    "airflow",
    "sonar",
    "jenkins",
    "user",
    "demo",
    "dev",
    "local",
    "docker",
    "example",
    "sa",
    "abc123",
    "111111",
    "000000",
    "dbpass",
    "dbpassword",
    "mypassword",
];

/// Values that are not passwords at all.
const NOT_VALUES: &[&str] = &[
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "nil",
    "none",
    "~",
    "undefined",
    "required",
    "optional",
    "empty",
    "unset",
];

/// Last name parts that make a key a password.
const PASSWORD_PARTS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "pw",
    "requirepass",
    "masterauth",
];

/// Qualifiers that make `…_secret` a shared secret rather than the name of a
/// Kubernetes Secret object (`secret`, `existingSecret`, `tlsSecret`).
const SECRET_QUALIFIERS: &[&str] = &[
    "client",
    "jwt",
    "app",
    "application",
    "session",
    "api",
    "shared",
    "hmac",
    "signing",
    "cookie",
    "webhook",
    "oauth",
    "consumer",
    "auth",
    "access",
    "admin",
    "master",
    "root",
    "encryption",
    "token",
];

/// Splits a key into lowercase words: `POSTGRES_PASSWORD`, `postgresPassword`,
/// `spring.datasource.password` and `JWTSecret` all split where a person sees
/// word boundaries.
pub fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && i > 0
            && (chars[i - 1].is_lowercase()
                || chars[i - 1].is_ascii_digit()
                || (chars[i - 1].is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase())));
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a configuration key names a password: `password`, `DB_PASS`,
/// `POSTGRES_PASSWORD`, `adminPassword`, `rootpassword`, `requirepass`,
/// `client_secret`, `SECRET_KEY`. Keys about a password (`password_file`,
/// `passwordPolicy`, `existingSecretPasswordKey`) and keys naming a
/// Kubernetes Secret (`secret`, `existingSecret`) are not.
pub fn is_password_key(key: &str) -> bool {
    // Most keys name nothing of the kind: decide those without splitting.
    if !contains_any_ignore_case(key, &["pass", "pw", "secret", "masterauth"]) {
        return false;
    }
    let words = words(key);
    let Some(last) = words.last() else {
        return false;
    };
    if PASSWORD_PARTS.contains(&last.as_str()) {
        return true;
    }
    if words.len() == 1 && (last.ends_with("password") || last.ends_with("passwd")) {
        return true;
    }
    let previous = words.len().checked_sub(2).map(|i| words[i].as_str());
    match last.as_str() {
        "secret" => previous.is_some_and(|p| SECRET_QUALIFIERS.contains(&p)),
        "key" => previous == Some("secret"),
        _ => false,
    }
}

/// Last words that say a variable is about a secret, not the secret itself.
const NOT_SECRET_LAST: &[&str] = &[
    "expiry",
    "expires",
    "expire",
    "expiration",
    "exp",
    "ttl",
    "lifetime",
    "timeout",
    "age",
    "algorithm",
    "alg",
    "algo",
    "issuer",
    "iss",
    "audience",
    "aud",
    "header",
    "name",
    "url",
    "uri",
    "endpoint",
    "host",
    "port",
    "path",
    "file",
    "dir",
    "enabled",
    "enable",
    "disabled",
    "length",
    "len",
    "size",
    "prefix",
    "type",
    "id",
    "driver",
    "domain",
    "secure",
    "store",
    "backend",
    "engine",
    "mode",
    "version",
    "region",
    "format",
    "field",
    "cookie",
    "duration",
    "minutes",
    "seconds",
    "hours",
    "days",
    "location",
    "scheme",
    "strategy",
    "provider",
    "ref",
    "arn",
    "count",
    "limit",
    "rotation",
    "interval",
    "table",
    "public",
    "pub",
];

/// Words anywhere in a name that say it is about a secret's lifetime or
/// algorithm, not the secret itself (`JWT_EXPIRES_IN`, `TOKEN_TTL_SECONDS`).
const NOT_SECRET_ANY: &[&str] = &[
    "expiry",
    "expires",
    "expire",
    "expiration",
    "ttl",
    "lifetime",
    "timeout",
    "algorithm",
    "algorithms",
    "issuer",
    "audience",
];

/// Whether an environment variable or setting names a secret: a password, a
/// signing or session secret, a token, a private or API key (`JWT_SECRET`,
/// `SESSION_SECRET`, `SECRET_KEY_BASE`, `API_TOKEN`, `STRIPE_API_KEY`,
/// `jwtSigningKey`). Names about a secret (`JWT_EXPIRES_IN`, `TOKEN_URL`,
/// `SESSION_COOKIE_NAME`, `PUBLIC_KEY`) are not.
pub fn is_secret_name(name: &str) -> bool {
    const HINTS: &[&str] = &[
        "pass",
        "pw",
        "secret",
        "masterauth",
        "jwt",
        "hmac",
        "sign",
        "salt",
        "pepper",
        "token",
        "key",
    ];
    if !contains_any_ignore_case(name, HINTS) {
        return false;
    }
    let words = words(name);
    let Some(last) = words.last() else {
        return false;
    };
    if NOT_SECRET_LAST.contains(&last.as_str())
        || words.iter().any(|w| NOT_SECRET_ANY.contains(&w.as_str()))
    {
        return false;
    }
    if words.iter().any(|w| w == "public" || w == "publishable") {
        return false;
    }
    if is_password_key(name) {
        return true;
    }
    let has = |w: &str| words.iter().any(|x| x == w);
    if has("secret") || has("jwt") || has("hmac") || has("signing") || has("passphrase") {
        return true;
    }
    if has("salt") || has("pepper") {
        return true;
    }
    if has("token") && last != "session" {
        return true;
    }
    if last == "key" || has("apikey") || last == "keys" {
        let qualified = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "api"
                    | "private"
                    | "session"
                    | "encryption"
                    | "crypt"
                    | "crypto"
                    | "app"
                    | "master"
                    | "access"
                    | "auth"
                    | "cookie"
                    | "service"
                    | "admin"
                    | "license"
                    | "webhook"
            )
        });
        return qualified;
    }
    has("session") && matches!(last.as_str(), "secret" | "key" | "secrets")
}

/// Whether `text` contains one of the lowercase `needles`, ignoring ASCII case.
fn contains_any_ignore_case(text: &str, needles: &[&str]) -> bool {
    let bytes = text.as_bytes();
    (0..bytes.len()).any(|at| {
        let first = bytes[at].to_ascii_lowercase();
        needles.iter().any(|needle| {
            let needle = needle.as_bytes();
            needle[0] == first
                && bytes
                    .get(at..at + needle.len())
                    .is_some_and(|window| window.eq_ignore_ascii_case(needle))
        })
    })
}

/// Why a password is weak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    /// A well-known default (`changeme`, `postgres`, `admin`, `foobared`…).
    Default,
    /// Trivially weak: a short word or number.
    Trivial,
}

impl Weakness {
    /// How the note words it.
    pub fn describe(self) -> &'static str {
        match self {
            Weakness::Default => "a well-known default password",
            Weakness::Trivial => "a trivially weak password (a short word or number)",
        }
    }
}

/// Whether `value`, set for a password, is a default or trivially weak.
/// Empty values, references and templates are not passwords and give `None`.
pub fn weak_password(value: &str) -> Option<Weakness> {
    let value = value.trim();
    if value.is_empty() || is_reference(value) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    if NOT_VALUES.contains(&lower.as_str()) {
        return None;
    }
    if DEFAULT_PASSWORDS.contains(&lower.as_str()) {
        return Some(Weakness::Default);
    }
    let first = value.chars().next()?;
    if value.chars().all(|c| c == first) {
        // `xxxx`, `****`: a mask or a slot, not a password.
        return None;
    }
    let letters = value.chars().take_while(char::is_ascii_alphabetic).count();
    let rest = &value[letters..];
    let short_word = letters > 0
        && value.len() < 8
        && rest.len() <= 3
        && rest.chars().all(|c| c.is_ascii_digit());
    let short_number = value.len() <= 8 && value.chars().all(|c| c.is_ascii_digit());
    (short_word || short_number).then_some(Weakness::Trivial)
}

/// Whether a value is filled in elsewhere rather than written here: a
/// template or interpolation (`${DB_PASSWORD}`, `{{ .Values.x }}`, `$PASS`,
/// `%(pw)s`, `<password>`, `@db.password@`), an encrypted value
/// (`ENC(…)`, `{cipher}…`, `!vault`), or a pointer to a secret manager
/// (`vault:…`, `op://…`, `arn:aws:secretsmanager:…`).
pub fn is_reference(value: &str) -> bool {
    let value = value.trim();
    if is_template(value.as_bytes()) {
        return true;
    }
    let bytes = value.as_bytes();
    if bytes.len() > 1
        && bytes[0] == b'$'
        && (bytes[1].is_ascii_alphabetic() || bytes[1] == b'_' || bytes[1] == b'{')
    {
        return true;
    }
    if bytes.len() > 2 && bytes[0] == b'@' && bytes[bytes.len() - 1] == b'@' {
        return true;
    }
    if bytes.len() > 2 && bytes[0] == b'%' && bytes[bytes.len() - 1] == b'%' {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    [
        "enc(",
        "{cipher}",
        "!vault",
        "vault:",
        "op://",
        "arn:aws:",
        "sm://",
        "ref+",
        "secret://",
        "awssm:",
        "gcpsm:",
        "azkv:",
        "file:",
        "env:",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// Whether a path is a test, example, sample, documentation or CI support
/// (`ci/Dockerfile`): settings there are not deployed, so findings there
/// matter less.
pub fn is_test_or_example_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.contains(".github/workflows/") {
        // CI workflows are named `test.yml` and `ci.yml`; they are not tests.
        return false;
    }
    let mut parts: Vec<&str> = lower.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let dir_hit = parts.iter().any(|dir| {
        matches!(
            *dir,
            "test"
                | "tests"
                | "testing"
                | "testdata"
                | "test-data"
                | "test_data"
                | "__tests__"
                | "spec"
                | "specs"
                | "e2e"
                | "it"
                | "integration-tests"
                | "integration_tests"
                | "example"
                | "examples"
                | "sample"
                | "samples"
                | "testcases"
                | "docs"
                | "doc"
                | "docs_src"
                | "documentation"
                | "tutorial"
                | "tutorials"
                | "quickstart"
                | "ci"
                | ".ci"
                | ".circleci"
                | ".buildkite"
        )
    });
    let file_hit = file.split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "test" | "tests" | "spec" | "e2e" | "example" | "sample" | "ci"
        )
    });
    dir_hit || file_hit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_person_reads() {
        assert_eq!(words("POSTGRES_PASSWORD"), ["postgres", "password"]);
        assert_eq!(words("postgresPassword"), ["postgres", "password"]);
        assert_eq!(words("JWTSecret"), ["jwt", "secret"]);
        assert_eq!(
            words("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(words("api-key2"), ["api", "key2"]);
    }

    #[test]
    fn password_keys() {
        for key in [
            "password",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "adminPassword",
            "rootpassword",
            "DB_PASS",
            "db_pwd",
            "requirepass",
            "spring.datasource.password",
            "client_secret",
            "JWT_SECRET",
            "SECRET_KEY",
            "auth.postgresPassword",
        ] {
            assert!(is_password_key(key), "{key}");
        }
        for key in [
            "password_file",
            "POSTGRES_PASSWORD_FILE",
            "passwordPolicy",
            "existingSecretPasswordKey",
            "secret",
            "existingSecret",
            "secretName",
            "passwordSecret",
            "bypass",
            "username",
            "",
        ] {
            assert!(!is_password_key(key), "{key}");
        }
    }

    #[test]
    fn secret_names() {
        for name in [
            "JWT_SECRET",
            "JWT_SECRET_KEY",
            "SESSION_SECRET",
            "SECRET_KEY_BASE",
            "API_TOKEN",
            "STRIPE_API_KEY",
            "jwtSigningKey",
            "DB_PASSWORD",
            "PRIVATE_KEY",
            "APP_KEY",
            "SUPABASE_SERVICE_ROLE_KEY",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "JWT_EXPIRES_IN",
            "JWT_ALGORITHM",
            "TOKEN_URL",
            "SESSION_COOKIE_NAME",
            "PUBLIC_KEY",
            "SESSION_DRIVER",
            "STRIPE_PUBLISHABLE_KEY",
            "KEY",
            "DEBUG",
            "ACCESS_TOKEN_EXPIRE_MINUTES",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn weak_passwords() {
        for value in [
            "changeme", "Postgres", "admin", "foobared", "123456", "hunter", "dbpw12", "tiger",
        ] {
            assert!(weak_password(value).is_some(), "{value}");
        }
        assert_eq!(weak_password("postgres"), Some(Weakness::Default));
        assert_eq!(weak_password("hunter"), Some(Weakness::Trivial));
        for value in [
            "",
            "${DB_PASSWORD}",
            "{{ .Values.password }}",
            "$PASSWORD",
            "<password>",
            "ENC(abc)",
            "true",
            "xxxx",
            "Tz8qK2mWv4Lr9xNc",
            "correct horse",
            "longerword",
            "op://vault/item/password",
        ] {
            assert_eq!(weak_password(value), None, "{value}");
        }
    }

    #[test]
    fn test_paths() {
        assert!(is_test_or_example_path("tests/docker-compose.yml"));
        assert!(is_test_or_example_path("docker-compose.test.yml"));
        assert!(is_test_or_example_path("examples/k8s/deploy.yaml"));
        assert!(!is_test_or_example_path("deploy/docker-compose.yml"));
        assert!(!is_test_or_example_path("fixtures/demo/docker-compose.yml"));
        assert!(!is_test_or_example_path("latest/compose.yaml"));
        assert!(!is_test_or_example_path(".github/workflows/test.yml"));
        assert!(is_test_or_example_path("ci/cgroups/Dockerfile"));
    }
}
