//! `code.secret-fallback`: a JWT, session or signing secret that falls back to
//! (or simply is) a literal in the code.
//!
//! `os.getenv("JWT_SECRET", "dev-secret")` works in development and keeps
//! working in production when someone forgets to set the variable: every
//! token is then signed with a secret published in the repository, and anyone
//! who reads it can forge sessions and tokens. Secret scanners skip these
//! literals because they look like placeholders (`change-me-in-production`);
//! that is why they survive into production.
//!
//! Reported, when the variable or setting names a secret (`JWT_SECRET`,
//! `SECRET_KEY`, `SESSION_SECRET`, `API_TOKEN`, `jwt.secret`, a `…_KEY` of a
//! signing, session, API or private key…) and the literal is not empty:
//!
//! - Python: `os.getenv("X", "…")`, `os.environ.get("X", "…")`,
//!   `os.getenv("X") or "…"`, `settings.X or "…"`, `config.get("X", "…")`,
//!   pydantic settings fields with a literal default, Django and Flask
//!   `SECRET_KEY = "…"`, `app.secret_key = "…"`, `app.config["SECRET_KEY"] = "…"`,
//!   `jwt.encode(…, "…")` / `jwt.decode(…, "…")`;
//! - JavaScript/TypeScript: `process.env.X || "…"`, `?? "…"`,
//!   `import.meta.env.X || "…"`, `jwt.sign/verify(…, "…")`, `secret: "…"` in
//!   `session({…})`, `expressjwt({…})`, `cookieSession({…})`, `NextAuth({…})`,
//!   `JwtModule.register({…})`, `secretOrKey: "…"`;
//! - Go: `[]byte("…")` passed to `SignedString` or assigned to a secret-named
//!   variable, `x := os.Getenv("X"); if x == "" { x = "…" }`,
//!   `cmp.Or(os.Getenv("X"), "…")`, `viper.SetDefault("jwt.secret", "…")`;
//! - Java/Kotlin: `@Value("${jwt.secret:…}")`, `Algorithm.HMAC256("…")`,
//!   `Keys.hmacShaKeyFor("…".getBytes())`, `signWith(…, "…")`,
//!   `System.getenv("X") ?: "…"`, `getOrDefault("X", "…")`;
//! - Ruby: `ENV.fetch("X", "…")`, `ENV.fetch("X") { "…" }`, `ENV["X"] || "…"`;
//! - PHP: `env("X", "…")`, `getenv("X") ?: "…"`, `$_ENV["X"] ?? "…"`;
//! - helpers: django-environ's `env("X", default="…")`, and `getEnv("X", "…")`
//!   or `envOr("X", "…")` in Go, JavaScript, Java and Ruby code.
//!
//! Not reported: lookups without a default (`os.environ["JWT_SECRET"]`,
//! `process.env.JWT_SECRET`), empty defaults, settings that are not secrets
//! (`JWT_ALGORITHM`, `JWT_EXPIRES_IN`, `PORT`), interpolated literals, and
//! test files (`test_*.py`, `*_test.go`, `*.spec.ts`, `tests/`…), where a
//! fallback never reaches production, code in comments and Python docstrings,
//! and constants that name a variable (`SECRET_KEY = "AWS_SECRET_ACCESS_KEY"`).
//! In development settings (`settings/local.py`, `config.dev.ts`), examples
//! and docs the finding is `low`.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::kinds::{self, Language};
use crate::checks::names::is_secret_name;
use crate::info::{Example, RuleInfo, RuleKind};
use crate::placeholder::is_template;
use crate::severity::{Confidence, Severity};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::bytes::{Captures, Regex};
use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

/// Source files larger than this (bundles, generated code) are not read.
const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Reports hardcoded JWT and session secrets and their fallbacks.
#[derive(Debug, Clone, Copy)]
pub struct SecretFallback;

/// What a pattern finds.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// A lookup of the variable in group `name` with a literal default.
    Fallback,
    /// The setting in group `name` assigned a literal.
    Setting,
    /// A call that takes the secret, given a literal.
    Call(&'static str),
}

struct Pattern {
    kind: Kind,
    /// The regex, compiled the first time a file contains a trigger.
    source: String,
    regex: OnceLock<Regex>,
    /// Indexes (in [`Patterns::triggers`]) of texts one of which a file
    /// must contain for the pattern to run.
    requires: Vec<usize>,
}

impl Pattern {
    fn regex(&self) -> &Regex {
        // ASCII classes (`(?-u)`): identifiers and quotes are ASCII, and
        // Unicode `\w`, `\s` and `\b` would make each regex far larger to
        // compile and run.
        self.regex.get_or_init(|| {
            Regex::new(&format!("(?-u){}", self.source)).expect("built-in pattern compiles")
        })
    }
}

/// The patterns of one language and one automaton over their trigger texts:
/// one pass over a file tells which patterns can match at all.
struct Patterns {
    patterns: Vec<Pattern>,
    triggers: AhoCorasick,
    /// For each trigger, the triggers it contains (itself included): finding
    /// `getenv` means `env` is there too.
    contains: Vec<Vec<usize>>,
}

impl Patterns {
    /// Which triggers occur in `bytes`: one non-overlapping leftmost-longest
    /// pass (with the automaton's SIMD prefilter). A trigger found inside a
    /// longer one is marked through the containment table; one that starts
    /// inside a longer match and runs past it is only missed when it never
    /// occurs on its own, and the triggers are chosen so that this does not
    /// matter (`SECRET =` inside `JWT_SECRET =` belongs to a pattern that
    /// `JWT_SECRET` triggers as well).
    fn present(&self, bytes: &[u8]) -> Vec<bool> {
        let mut present = vec![false; self.contains.len()];
        let mut missing = present.len();
        for hit in self.triggers.find_iter(bytes) {
            for &inner in &self.contains[hit.pattern().as_usize()] {
                if !present[inner] {
                    present[inner] = true;
                    missing -= 1;
                }
            }
            if missing == 0 {
                break;
            }
        }
        present
    }
}

const PY: &[Language] = &[Language::Python];
const JS: &[Language] = &[Language::JavaScript];
const GO: &[Language] = &[Language::Go];
const JVM: &[Language] = &[Language::Jvm];
const RB: &[Language] = &[Language::Ruby];
const PHP: &[Language] = &[Language::Php];

/// A quoted string literal: `"…"` or `'…'`, one line, no escapes.
const LIT: &str = r#"(?:[rRbBuU]{0,2}"(?P<d>[^"\\\n]*)"|[rRbBuU]{0,2}'(?P<s>[^'\\\n]*)')"#;
/// A JavaScript string literal, template literals without `${` included.
const JS_LIT: &str = r#"(?:"(?P<d>[^"\\\n]*)"|'(?P<s>[^'\\\n]*)'|`(?P<b>[^`$\\\n]*)`)"#;
/// A Go, Java or Kotlin string literal.
const DQ: &str = r#""(?P<d>[^"\\\n]*)""#;
/// A quoted variable name.
const NAME: &str = r#"["'`](?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["'`]"#;
/// The first argument of a call: no top-level comma; parentheses, braces
/// and brackets nest one level (`{"sub": id, "exp": exp}`).
const ARG1: &str = r"(?:[^(),{}\[\]]|\([^()]*\)|\{[^{}]*\}|\[[^\[\]]*\])*";

/// The patterns of one language, compiled on first use: a tree without Go
/// files never compiles the Go patterns.
fn patterns(language: Language) -> &'static Patterns {
    static PYTHON: LazyLock<Patterns> = LazyLock::new(|| compile(Language::Python));
    static JAVASCRIPT: LazyLock<Patterns> = LazyLock::new(|| compile(Language::JavaScript));
    static GOLANG: LazyLock<Patterns> = LazyLock::new(|| compile(Language::Go));
    static JVM_LANGS: LazyLock<Patterns> = LazyLock::new(|| compile(Language::Jvm));
    static RUBY: LazyLock<Patterns> = LazyLock::new(|| compile(Language::Ruby));
    static PHP_LANG: LazyLock<Patterns> = LazyLock::new(|| compile(Language::Php));
    match language {
        Language::Python => &PYTHON,
        Language::JavaScript => &JAVASCRIPT,
        Language::Go => &GOLANG,
        Language::Jvm => &JVM_LANGS,
        Language::Ruby => &RUBY,
        Language::Php => &PHP_LANG,
    }
}

/// Compiles the patterns that apply to `language`.
fn compile(language: Language) -> Patterns {
    let mut texts: Vec<&'static str> = Vec::new();
    let patterns = specs()
        .into_iter()
        .filter(|spec| spec.languages.contains(&language))
        .map(|spec| {
            let requires = spec
                .requires
                .iter()
                .map(|text| match texts.iter().position(|t| t == text) {
                    Some(at) => at,
                    None => {
                        texts.push(text);
                        texts.len() - 1
                    }
                })
                .collect();
            Pattern {
                kind: spec.kind,
                source: spec.regex,
                regex: OnceLock::new(),
                requires,
            }
        })
        .collect();
    let triggers = AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&texts)
        .expect("built-in triggers compile");
    let contains = texts
        .iter()
        .map(|outer| {
            (0..texts.len())
                .filter(|&inner| outer.contains(texts[inner]))
                .collect()
        })
        .collect();
    Patterns {
        patterns,
        triggers,
        contains,
    }
}

/// A pattern before compilation.
struct Spec {
    languages: &'static [Language],
    kind: Kind,
    regex: String,
    /// Texts one of which the file must contain for the pattern to run.
    requires: &'static [&'static str],
}

/// Every pattern of the check, as text.
fn specs() -> Vec<Spec> {
    let p = |languages, kind, regex: String, requires| Spec {
        languages,
        kind,
        regex,
        requires,
    };
    const CONFIG: &str = r"(?:settings|config|conf|cfg|app\.config|current_app\.config)";
    use Kind::*;
    vec![
        // Python
        p(
            PY,
            Fallback,
            format!(
                r"\b(?:os\.)?(?:getenv|environ\.get)\(\s*{NAME}\s*,\s*(?:default\s*=\s*)?{LIT}\s*\)"
            ),
            &["getenv", "environ"],
        ),
        p(
            PY,
            Fallback,
            format!(r"\b(?:os\.)?(?:getenv|environ\.get)\(\s*{NAME}\s*\)\s+or\s+{LIT}"),
            &[" or \"", " or '", " or\n"],
        ),
        p(
            PY,
            Fallback,
            format!(r"\b{CONFIG}\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+or\s+{LIT}"),
            &[" or \"", " or '", " or\n"],
        ),
        p(
            PY,
            Fallback,
            format!(r"\b{CONFIG}\.get\(\s*{NAME}\s*,\s*{LIT}\s*\)"),
            &["settings.get(", "config.get(", "conf.get(", "cfg.get("],
        ),
        p(
            PY,
            Fallback,
            format!(r"\b{CONFIG}\.get\(\s*{NAME}\s*\)\s+or\s+{LIT}"),
            &[" or \"", " or '", " or\n"],
        ),
        p(
            PY,
            Setting,
            format!(
                r"(?m)^[ \t]+(?P<name>[A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*[A-Za-z_][\w\[\]., |]*=[ \t]*(?:Field\(\s*(?:default\s*=\s*)?)?{LIT}"
            ),
            &["BaseSettings"],
        ),
        p(
            PY,
            Setting,
            format!(
                r"(?m)^[ \t]*(?P<name>[A-Z_]*SECRET_KEY|JWT_SECRET|SESSION_SECRET|SECRET)[ \t]*=[ \t]*{LIT}"
            ),
            &[
                "SECRET_KEY",
                "JWT_SECRET",
                "SESSION_SECRET",
                "SECRET =",
                "SECRET=",
            ],
        ),
        p(
            PY,
            Call("app.secret_key"),
            format!(r"\b(?P<call>(?:app|application|server)\.secret_key)\s*=\s*{LIT}"),
            &[".secret_key"],
        ),
        p(
            PY,
            Setting,
            format!(r"\.config\[\s*{NAME}\s*\]\s*=\s*{LIT}"),
            &[".config["],
        ),
        p(
            PY,
            Setting,
            format!(
                r"\.config\.update\([^)]*?\b(?P<name>[A-Z_]*SECRET_KEY|JWT_SECRET)\s*=\s*{LIT}"
            ),
            &[".config.update("],
        ),
        p(
            PY,
            Call("jwt.encode/decode"),
            format!(
                r"\b(?P<call>jwt\.(?:encode|decode))\(\s*{ARG1},\s*(?:key\s*=\s*)?{LIT}\s*[,)]"
            ),
            &["jwt."],
        ),
        // JavaScript and TypeScript
        p(
            JS,
            Fallback,
            format!(
                r#"\bprocess\.env(?:\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\[\s*["'`](?P<name2>[A-Za-z_][A-Za-z0-9_]*)["'`]\s*\])\s*(?:\|\||\?\?)\s*{JS_LIT}"#
            ),
            &["process.env"],
        ),
        p(
            JS,
            Fallback,
            format!(
                r"\bimport\.meta\.env\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\||\?\?)\s*{JS_LIT}"
            ),
            &["import.meta.env"],
        ),
        p(
            JS,
            Call("jwt.sign/verify"),
            format!(r"\b(?P<call>jwt\.(?:sign|verify))\(\s*{ARG1},\s*{JS_LIT}\s*[,)]"),
            &["jwt."],
        ),
        p(
            JS,
            Call("session or JWT middleware"),
            format!(
                r"\b(?P<call>session|expressSession|cookieSession|expressjwt|expressJwt|jwt|koaJwt|NextAuth|JwtModule\.register|JwtModule\.registerAsync)\(\s*\{{(?:[^{{}}]|\{{[^{{}}]*\}})*?\b(?:secret|keys)\s*:\s*\[?\s*{JS_LIT}"
            ),
            &["secret", "keys"],
        ),
        p(
            JS,
            Call("secretOrKey"),
            format!(r"\b(?P<call>secretOrKey(?:Provider)?)\s*:\s*{JS_LIT}"),
            &["secretOrKey"],
        ),
        // Go
        p(
            GO,
            Call("SignedString"),
            format!(r"\.(?P<call>SignedString)\(\s*\[\]byte\(\s*{DQ}\s*\)\s*\)"),
            &["SignedString"],
        ),
        p(
            GO,
            Setting,
            format!(r"\b(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::=|=)\s*\[\]byte\(\s*{DQ}\s*\)"),
            &["[]byte(\""],
        ),
        p(
            GO,
            Fallback,
            format!(
                r#"(?P<var>[A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*os\.Getenv\(\s*"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*\n\s*if\s+(?P<var2>[A-Za-z_][A-Za-z0-9_]*)\s*==\s*""\s*\{{\s*(?P<var3>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*{DQ}"#
            ),
            &["os.Getenv"],
        ),
        p(
            GO,
            Fallback,
            format!(
                r#"\bcmp\.Or\(\s*os\.Getenv\(\s*"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*,\s*{DQ}\s*\)"#
            ),
            &["cmp.Or"],
        ),
        p(
            GO,
            Fallback,
            format!(r#"\bviper\.SetDefault\(\s*"(?P<name>[A-Za-z0-9_.\-]+)"\s*,\s*{DQ}\s*\)"#),
            &["SetDefault"],
        ),
        // Java and Kotlin
        p(
            JVM,
            Fallback,
            r#"@Value\(\s*"\$\{(?P<name>[A-Za-z0-9_.\-]+):(?P<d>[^}"$]+)\}"\s*\)"#.to_string(),
            &["@Value"],
        ),
        p(
            JVM,
            Call("Algorithm.HMAC"),
            format!(r"\b(?P<call>Algorithm\.HMAC(?:256|384|512))\(\s*{DQ}"),
            &["Algorithm.HMAC"],
        ),
        p(
            JVM,
            Call("Keys.hmacShaKeyFor"),
            format!(r"\b(?P<call>Keys\.hmacShaKeyFor)\(\s*{DQ}"),
            &["hmacShaKeyFor"],
        ),
        p(
            JVM,
            Call("signWith/setSigningKey"),
            format!(
                r"\.(?P<call>signWith|setSigningKey)\(\s*(?:SignatureAlgorithm\.\w+\s*,\s*)?{DQ}"
            ),
            &["signWith", "setSigningKey"],
        ),
        p(
            JVM,
            Fallback,
            format!(
                r#"\bSystem\.getenv\(\)\.getOrDefault\(\s*"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"\s*,\s*{DQ}\s*\)"#
            ),
            &["System.getenv"],
        ),
        p(
            JVM,
            Fallback,
            format!(r#"\bSystem\.getenv\(\s*"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*\?:\s*{DQ}"#),
            &["System.getenv"],
        ),
        p(
            JVM,
            Fallback,
            format!(
                r#"\bSystem\.getenv\(\s*"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"\s*\)\s*\)\s*\.orElse\(\s*{DQ}"#
            ),
            &["System.getenv"],
        ),
        // Ruby
        p(
            RB,
            Fallback,
            format!(r"\bENV\.fetch\(\s*{NAME}\s*,\s*{LIT}\s*\)"),
            &["ENV"],
        ),
        p(
            RB,
            Fallback,
            format!(r"\bENV\.fetch\(\s*{NAME}\s*\)\s*\{{\s*(?:\|\w*\|\s*)?{LIT}\s*\}}"),
            &["ENV"],
        ),
        p(
            RB,
            Fallback,
            format!(r"\bENV\[\s*{NAME}\s*\]\s*\|\|\s*{LIT}"),
            &["ENV"],
        ),
        p(
            RB,
            Call("secret_key_base"),
            format!(r"\b(?P<call>config\.secret_key_base)\s*=\s*{LIT}"),
            &["secret_key_base"],
        ),
        // PHP
        p(
            PHP,
            Fallback,
            format!(r"\bgetenv\(\s*{NAME}\s*\)\s*\?:\s*{LIT}"),
            &["getenv"],
        ),
        p(
            PHP,
            Fallback,
            format!(r"\$_(?:ENV|SERVER)\[\s*{NAME}\s*\]\s*\?\?\s*{LIT}"),
            &["$_ENV", "$_SERVER"],
        ),
        // Helpers: django-environ's `env("X", default=…)`, Laravel's
        // `env('X', '…')`, and the `getEnv("X", "…")` helpers of Go, JS and JVM code.
        p(
            PY,
            Fallback,
            format!(
                r"\b(?:env|get_env|getenv_or\w*|env_or\w*)\(\s*{NAME}\s*,\s*(?:default\s*=\s*)?{LIT}\s*\)"
            ),
            &["environ.Env", "get_env(", "getenv_or", "env_or"],
        ),
        p(
            PHP,
            Fallback,
            format!(r"\benv\(\s*{NAME}\s*,\s*{LIT}\s*\)"),
            &["env("],
        ),
        p(
            &[
                Language::Go,
                Language::JavaScript,
                Language::Jvm,
                Language::Ruby,
            ],
            Fallback,
            format!(
                r"\b(?:getEnv|GetEnv|getEnvOr\w*|GetEnvOr\w*|getEnvWithDefault|GetEnvWithDefault|getEnvDefault|GetEnvDefault|envOr\w*|EnvOr\w*|envString|EnvString|LookupEnvOr\w*)\(\s*{NAME}\s*,\s*{LIT}\s*\)"
            ),
            &[
                "getEnv",
                "GetEnv",
                "envOr",
                "EnvOr",
                "envString",
                "EnvString",
                "LookupEnvOr",
            ],
        ),
    ]
}

impl Check for SecretFallback {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "code.secret-fallback".into(),
            name: "Hardcoded JWT or session secret fallback".into(),
            description: "A JWT, session or signing secret is read from the environment with a \
                hardcoded fallback (`os.getenv(\"JWT_SECRET\", \"dev-secret\")`, \
                `process.env.SESSION_SECRET || \"changeme\"`), or is a literal in the code. Any \
                deployment where the variable is unset signs tokens and sessions with a secret \
                that everyone with the code knows, so anyone can forge them."
                .into(),
            remediation: Some(
                "Remove the fallback: read the variable without a default and fail fast at \
                 startup when it is unset (raise, throw, `log.Fatal`). Generate a long random \
                 secret per environment, keep it in the platform's secret store, and rotate it \
                 if the hardcoded value was ever used outside development (this invalidates \
                 existing sessions and tokens)."
                    .into(),
            ),
            severity: Severity::High,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://cwe.mitre.org/data/definitions/798.html",
                "https://cwe.mitre.org/data/definitions/1394.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
            ]),
            tags: strings(&["jwt", "session", "hardcoded-secret", "code"]),
            kind: RuleKind::Config,
            sensitive: true,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "app/core/config.py",
                "import os\n\nJWT_SECRET_KEY = os.getenv(\"JWT_SECRET_KEY\", \"your-secret-key-change-in-production\")\n",
            ),
            Example::new(
                "app/auth.py",
                "SECRET = os.environ.get('SESSION_SECRET', 'dev')\n",
            ),
            Example::new(
                "app/auth.py",
                "secret = os.getenv(\"JWT_SECRET\") or \"supersecret\"\n",
            ),
            Example::new("app/deps.py", "key = settings.JWT_SECRET or \"changeme\"\n"),
            Example::new(
                "app/settings.py",
                "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    database_url: str\n    jwt_secret: str = \"secret\"\n",
            ),
            Example::new(
                "mysite/settings.py",
                "SECRET_KEY = 'django-insecure-8x!k2#m@q9z$w7r5t3y1u0i-p(o)l&k^j'\n",
            ),
            Example::new(
                "app/__init__.py",
                "app = Flask(__name__)\napp.secret_key = \"dev\"\n",
            ),
            Example::new(
                "app/tokens.py",
                "token = jwt.encode({\"sub\": user.id, \"exp\": exp}, \"s3cr3t\", algorithm=\"HS256\")\n",
            ),
            Example::new(
                "src/config.ts",
                "export const JWT_SECRET = process.env.JWT_SECRET || \"default_jwt_secret\";\n",
            ),
            Example::new(
                "src/auth.js",
                "const secret = process.env['SESSION_SECRET'] ?? 'keyboard cat';\n",
            ),
            Example::new(
                "src/auth.js",
                "const token = jwt.sign({ id: user.id }, \"shhhhh\", { expiresIn: \"1h\" });\n",
            ),
            Example::new(
                "src/server.js",
                "app.use(session({\n  resave: false,\n  secret: 'keyboard cat',\n  cookie: { secure: true },\n}));\n",
            ),
            Example::new(
                "src/auth/auth.module.ts",
                "JwtModule.register({ secret: `nest-secret`, signOptions: { expiresIn: '60s' } })\n",
            ),
            Example::new(
                "internal/auth/jwt.go",
                "func sign(t *jwt.Token) (string, error) {\n\treturn t.SignedString([]byte(\"my_secret_key\"))\n}\n",
            ),
            Example::new(
                "internal/config/config.go",
                "func load() {\n\tsecret := os.Getenv(\"JWT_SECRET\")\n\tif secret == \"\" {\n\t\tsecret = \"dev-secret\"\n\t}\n}\n",
            ),
            Example::new("main.go", "var jwtKey = []byte(\"supersecretkey\")\n"),
            Example::new(
                "src/main/java/app/JwtService.java",
                "@Value(\"${jwt.secret:mySecretKey}\")\nprivate String secret;\n",
            ),
            Example::new(
                "src/main/java/app/Tokens.java",
                "Algorithm algorithm = Algorithm.HMAC256(\"secret\");\n",
            ),
            Example::new(
                "src/main/kotlin/app/Config.kt",
                "val jwtSecret = System.getenv(\"JWT_SECRET\") ?: \"kotlin-dev-secret\"\n",
            ),
            Example::new(
                "config/initializers/jwt.rb",
                "JWT_SECRET = ENV.fetch(\"JWT_SECRET\", \"ruby-secret\")\n",
            ),
            Example::new(
                "config/jwt.php",
                "return ['secret' => env('JWT_SECRET', 'laravel-secret')];\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "app/config.py",
                "JWT_SECRET = os.environ[\"JWT_SECRET\"]\nSECRET = os.getenv(\"SESSION_SECRET\")\nALG = os.getenv(\"JWT_ALGORITHM\", \"HS256\")\nEXP = os.getenv(\"JWT_EXPIRES_IN\", \"3600\")\nKEY = os.getenv(\"SECRET_KEY\", \"\")\nTOKEN = os.getenv(\"API_TOKEN\", None)\n",
            ),
            Example::new(
                "tests/test_auth.py",
                "os.environ.setdefault(\"JWT_SECRET\", \"test\")\nSECRET = os.getenv(\"JWT_SECRET\", \"test-secret\")\n",
            ),
            Example::new(
                "src/config.ts",
                "const secret = process.env.JWT_SECRET;\nif (!secret) throw new Error(\"JWT_SECRET is not set\");\nconst port = process.env.PORT || \"3000\";\nconst url = process.env.TOKEN_URL ?? \"https://auth.example.com\";\nconst s = process.env.JWT_SECRET || `${prefix}-secret`;\n",
            ),
            Example::new(
                "src/auth.test.ts",
                "const secret = process.env.JWT_SECRET || \"test-secret\";\n",
            ),
            Example::new(
                "src/auth.js",
                "const token = jwt.sign({ id }, process.env.JWT_SECRET, { expiresIn: \"1h\" });\n",
            ),
            Example::new(
                "internal/config/config.go",
                "secret := os.Getenv(\"JWT_SECRET\")\nif secret == \"\" {\n\tlog.Fatal(\"JWT_SECRET is not set\")\n}\n",
            ),
            Example::new(
                "src/main/java/app/JwtService.java",
                "@Value(\"${jwt.secret}\")\nprivate String secret;\n@Value(\"${jwt.expiration:3600}\")\nprivate long expiration;\n",
            ),
            Example::new(
                "config/initializers/jwt.rb",
                "JWT_SECRET = ENV.fetch(\"JWT_SECRET\")\n",
            ),
            // Documentation inside the code, and constants that name a variable.
            Example::new(
                "app/flask_util.py",
                "\"\"\"Usage::\n\n    app.config['SECRET_KEY'] = 'your-secret-key'\n\"\"\"\n# app.secret_key = \"dev\"\nclass EnvProvider:\n    SECRET_KEY = 'AWS_SECRET_ACCESS_KEY'\n    OTHER_SECRET_KEY = 'AWSSecretKey'\n",
            ),
            Example::new(
                "src/auth.ts",
                "// const secret = process.env.JWT_SECRET || \"dev\";\n/**\n * jwt.sign(payload, \"secret\")\n */\n",
            ),
            Example::new(
                "docs/auth.md",
                "Do not write `os.getenv(\"JWT_SECRET\", \"dev-secret\")`.\n",
            ),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        kinds::language(file.file_name()).is_some() && !kinds::is_test_source(file.path)
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let before = out.len();
        scan(file, out);
        super::lower_all_in_examples(file.path, &mut out[before..]);
    }
}

/// Everything the check reports in one file.
fn scan(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    let Some(language) = kinds::language(file.file_name()) else {
        return;
    };
    if file.bytes.len() > MAX_SOURCE_BYTES {
        return;
    }
    let dev = is_dev_source(file.path);
    let patterns = patterns(language);
    let present = patterns.present(file.bytes);
    let mut seen = HashSet::new();
    for pattern in &patterns.patterns {
        if !pattern.requires.iter().any(|&t| present[t]) {
            continue;
        }
        for caps in pattern.regex().captures_iter(file.bytes) {
            let start = caps.get(0).map_or(0, |m| m.start());
            if in_comment_or_docstring(file.bytes, start, language) {
                continue;
            }
            if let Some(mut hit) = judge(pattern.kind, &caps)
                && seen.insert((hit.value.start, hit.value.end))
            {
                if dev {
                    hit = hit.with_severity(Severity::Low);
                    if let Some(note) = &mut hit.note {
                        note.push_str(" (development settings)");
                    }
                }
                out.push(hit);
            }
        }
    }
}

fn group<'h>(caps: &Captures<'h>, names: &[&str]) -> Option<regex::bytes::Match<'h>> {
    names.iter().find_map(|name| caps.name(name))
}

/// Turns one match into a hit, or drops it.
fn judge(kind: Kind, caps: &Captures<'_>) -> Option<CheckHit> {
    let literal = group(caps, &["d", "s", "b"])?;
    let text = literal.as_bytes();
    if text.trim_ascii().is_empty() || is_template(text) {
        return None;
    }
    if names_a_key(kind, text) {
        return None;
    }
    let whole = caps.get(0).expect("group 0");
    let fail_fast = "fail fast at startup when it is unset";
    let note = match kind {
        Kind::Fallback | Kind::Setting => {
            let name = group(caps, &["name", "name2"])?;
            let name = std::str::from_utf8(name.as_bytes()).ok()?;
            if !is_secret_name(name) {
                return None;
            }
            if let (Some(var), Some(var2), Some(var3)) =
                (caps.name("var"), caps.name("var2"), caps.name("var3"))
                && (var.as_bytes() != var2.as_bytes() || var.as_bytes() != var3.as_bytes())
            {
                return None;
            }
            match kind {
                Kind::Fallback => format!(
                    "`{name}` falls back to a hardcoded value when it is unset: drop the default and {fail_fast}"
                ),
                _ => format!("`{name}` is hardcoded: read it from the environment and {fail_fast}"),
            }
        }
        Kind::Call(label) => {
            let call = caps
                .name("call")
                .and_then(|c| std::str::from_utf8(c.as_bytes()).ok())
                .unwrap_or(label);
            format!(
                "`{call}` is given a hardcoded secret: read it from the environment and {fail_fast}"
            )
        }
    };
    let mut hit =
        CheckHit::new(whole.start()..whole.end(), literal.start()..literal.end()).with_note(note);
    if text.starts_with(b"django-insecure-") {
        hit = hit.with_confidence(Confidence::High);
    }
    Some(hit)
}

/// Whether the literal is the name of a variable or setting rather than a
/// secret: `SECRET_KEY = "AWS_SECRET_ACCESS_KEY"` (a constant naming an
/// environment variable), `SECRET_KEY = "AWSSecretKey"` or
/// `secret_key = "aws_secret_access_key"` (a config key). A fallback to a lowercase identifier (`"my_secret_key"`) is still a
/// hardcoded secret.
fn names_a_key(kind: Kind, literal: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(literal) else {
        return false;
    };
    let bytes = text.as_bytes();
    let camel = bytes
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let identifier = (text.contains('_') || camel)
        && text
            .split('_')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()))
        && bytes[0].is_ascii_alphabetic();
    if !identifier {
        return false;
    }
    let screaming = text.contains('_') && text.bytes().all(|b| !b.is_ascii_lowercase());
    match kind {
        Kind::Fallback => screaming,
        Kind::Setting => screaming || is_secret_name(text),
        Kind::Call(_) => false,
    }
}

/// Whether `at` is inside a line comment, or (Python) inside a triple-quoted
/// docstring: code shown in documentation is not code that runs.
fn in_comment_or_docstring(bytes: &[u8], at: usize, language: Language) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let prefix = bytes[line_start..at].trim_ascii_start();
    let slash_comment =
        prefix.starts_with(b"//") || prefix.starts_with(b"/*") || prefix.starts_with(b"*");
    let comment = match language {
        Language::Python | Language::Ruby => prefix.starts_with(b"#"),
        Language::Php => prefix.starts_with(b"#") || slash_comment,
        Language::JavaScript | Language::Go | Language::Jvm => slash_comment,
    };
    if comment {
        return true;
    }
    if language == Language::Python {
        let before = &bytes[..at];
        let quotes = memchr::memmem::find_iter(before, b"\"\"\"").count()
            + memchr::memmem::find_iter(before, b"\'\'\'").count();
        return quotes % 2 == 1;
    }
    false
}

/// Whether a source file holds development-only settings (`settings/local.py`,
/// `config.dev.ts`): a fallback there matters less.
fn is_dev_source(path: &str) -> bool {
    let name = kinds::file_name(path).to_ascii_lowercase();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    stem.split(['.', '_', '-'])
        .any(|w| matches!(w, "dev" | "development" | "local"))
}
