//! `frontend.public-secret-env`: a server secret exposed to browsers through a
//! public environment variable prefix.
//!
//! Front-end build tools inline every variable with a public prefix into the
//! JavaScript they ship: `NEXT_PUBLIC_` (Next.js), `VITE_` (Vite),
//! `REACT_APP_` (Create React App), `EXPO_PUBLIC_` (Expo), `NUXT_PUBLIC_`
//! (Nuxt), `GATSBY_` (Gatsby), `VUE_APP_` (Vue CLI). A secret under such a name
//! is public: anyone can read it from the bundle. The classic case is
//! `NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY`, which bypasses every row-level
//! security policy of the database.
//!
//! Reported: a public-prefixed variable whose name says it is a server secret
//! (service-role key, secret, private key, password, service/admin/master key,
//! an OpenAI or Anthropic key, a database URL) or whose value is a server
//! credential (`sk_live_…`, `sk-proj-…`, `sk-ant-…`, a Supabase service-role
//! JWT, a private key), in dotenv files (templates included: the name alone
//! shows the design), JavaScript/TypeScript sources, Dockerfiles, YAML
//! (Compose, CI, Kubernetes) and `netlify.toml`/`vercel.json`. It is
//! **critical** when the value is there and looks live; one finding per
//! variable and file, pointing at the variable's name.
//!
//! Not reported: keys that are public by design (`…_ANON_KEY`,
//! `…_PUBLISHABLE_KEY`, `…_SITE_KEY`, Firebase web API keys), names without a
//! public prefix, and Markdown.

use super::{names, strings};
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::kinds;
use crate::entropy::shannon_entropy;
use crate::info::{Example, RuleInfo, RuleKind};
use crate::jwt::{self, JwtKind};
use crate::placeholder::is_placeholder;
use crate::severity::{Confidence, Severity};
use regex::bytes::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Files larger than this are not read.
const MAX_BYTES: usize = 2 << 20;

static PUBLIC_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u)\b(?P<prefix>NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|NUXT_PUBLIC|GATSBY|VUE_APP)_(?P<rest>[A-Z0-9_]+)\b",
    )
    .expect("built-in pattern compiles")
});

/// A value assigned right after the name: `=value`, `: value`, `="value"`.
static ASSIGNED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u)\A["']?[ \t]*[=:][ \t]*["']?(?P<value>[^\s"'#,;}]+)"#)
        .expect("built-in pattern compiles")
});

/// Prefixes of credentials that only a server may hold.
const SERVER_KEY_PREFIXES: &[(&str, &str)] = &[
    ("sk_live_", "a Stripe secret key"),
    ("rk_live_", "a Stripe restricted key"),
    ("sk_test_", "a Stripe secret key"),
    ("sk-proj-", "an OpenAI key"),
    ("sk-svcacct-", "an OpenAI key"),
    ("sk-ant-", "an Anthropic key"),
    ("sk-or-v1-", "an OpenRouter key"),
    ("ghp_", "a GitHub token"),
    ("github_pat_", "a GitHub token"),
    ("xoxb-", "a Slack token"),
    ("-----BEGIN", "a private key"),
];

/// Reports server secrets under public front-end variable prefixes.
#[derive(Debug, Clone, Copy)]
pub struct PublicEnvSecret;

impl Check for PublicEnvSecret {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "frontend.public-secret-env".into(),
            name: "Server secret in a public front-end variable".into(),
            description: "A server secret is stored in an environment variable with a public \
                prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, `EXPO_PUBLIC_`…). Front-end \
                build tools inline these variables into the JavaScript sent to every visitor, \
                so the secret is public: a `NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY` gives anyone \
                full access to the database."
                .into(),
            remediation: Some(
                "Rotate the secret now: assume it has been read from the bundle. Rename the \
                 variable without the public prefix and use it only in server code (API \
                 routes, server actions, edge functions); the browser gets the public key \
                 (`…_ANON_KEY`, `…_PUBLISHABLE_KEY`) or calls your server."
                    .into(),
            ),
            severity: Severity::High,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://nextjs.org/docs/app/building-your-application/configuring/environment-variables#bundling-environment-variables-for-the-browser",
                "https://vite.dev/guide/env-and-mode",
                "https://supabase.com/docs/guides/api/api-keys",
            ]),
            tags: strings(&["frontend", "secret", "nextjs", "vite"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "web/.env.local",
                "NEXT_PUBLIC_SUPABASE_URL=https://qzmxkvtrwplnbdhgjcyf.supabase.co\nNEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InF6bXhrdnRyd3BsbmJkaGdqY3lmIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDAwMDAwMDAwfQ.7v5RZZVuZhYZfh12eHR4LB0x2BuJBrkBIQXePWt0trA\n",
            ),
            Example::new(".env.example", "VITE_STRIPE_SECRET_KEY=\n"),
            Example::new(
                "src/lib/openai.ts",
                "const openai = new OpenAI({ apiKey: import.meta.env.VITE_OPENAI_API_KEY });\n",
            ),
            // The name says nothing, the value does.
            Example::new(
                ".env.production",
                "REACT_APP_PAYMENTS=sk_live_51Hc8QkLm2Np4Rs6Tv8Wy1Za3Bc5De7Fg9Hi\n",
            ),
            Example::new(
                "Dockerfile",
                "FROM node:20-alpine\nARG NEXT_PUBLIC_ADMIN_PASSWORD\nRUN npm run build\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  web:\n    environment:\n      EXPO_PUBLIC_PRIVATE_KEY: ${PRIVATE_KEY}\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                ".env",
                "NEXT_PUBLIC_SUPABASE_ANON_KEY=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.x\nNEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_live_abc\nVITE_API_URL=https://api.example.com\nSUPABASE_SERVICE_ROLE_KEY=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.x\nNEXT_PUBLIC_RECAPTCHA_SITE_KEY=6Lc\n",
            ),
            Example::new(
                "src/supabase.ts",
                "createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!);\nconst admin = process.env.SUPABASE_SERVICE_ROLE_KEY;\n",
            ),
            Example::new(
                "README.md",
                "Never name it `NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY`.\n",
            ),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        let name = file.file_name();
        kinds::is_any_dotenv(name)
            || kinds::language(name) == Some(kinds::Language::JavaScript)
            || has_extension(name, &["vue", "svelte", "astro"])
            || kinds::is_dockerfile(name)
            || kinds::is_yaml(name)
            || name == "netlify.toml"
            || name == "vercel.json"
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        if file.bytes.len() > MAX_BYTES {
            return;
        }
        let mut found: Vec<Found> = Vec::new();
        for caps in PUBLIC_NAME.captures_iter(file.bytes) {
            let whole = caps.get(0).expect("group 0");
            let prefix = std::str::from_utf8(caps.name("prefix").expect("group").as_bytes())
                .unwrap_or_default();
            let rest = std::str::from_utf8(caps.name("rest").expect("group").as_bytes())
                .unwrap_or_default();
            let value = ASSIGNED
                .captures(&file.bytes[whole.end()..])
                .and_then(|c| c.name("value"))
                .map(|v| whole.end() + v.start()..whole.end() + v.end());
            let value_reason = value
                .as_ref()
                .and_then(|v| server_value(&file.bytes[v.clone()]));
            let name_reason = secret_name(rest);
            let Some(reason) = name_reason.or(value_reason) else {
                continue;
            };
            let live = value
                .as_ref()
                .is_some_and(|v| looks_live(&file.bytes[v.clone()]));
            let candidate = Found {
                name: whole.start()..whole.end(),
                text: format!("{prefix}_{rest}"),
                framework: framework(prefix),
                reason,
                by_value: name_reason.is_none(),
                live,
                span_end: value.map_or(whole.end(), |v| v.end),
            };
            match found.iter_mut().find(|f| f.text == candidate.text) {
                Some(existing) if candidate.live && !existing.live => *existing = candidate,
                Some(_) => {}
                None => found.push(candidate),
            }
        }
        for f in found {
            let mut note = format!(
                "`{}` holds {}, and {} inlines every `{}` variable into the JavaScript sent to browsers",
                f.text, f.reason, f.framework.0, f.framework.1
            );
            let mut hit = CheckHit::new(f.name.start..f.span_end, f.name.clone());
            if f.live {
                note.push_str("; its value here looks like a live key");
                hit = hit
                    .with_severity(Severity::Critical)
                    .with_confidence(Confidence::High);
            } else if f.by_value {
                hit = hit.with_confidence(Confidence::High);
            }
            out.push(hit.with_note(note));
        }
    }
}

struct Found {
    name: Range<usize>,
    text: String,
    framework: (&'static str, &'static str),
    reason: &'static str,
    by_value: bool,
    live: bool,
    span_end: usize,
}

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

fn framework(prefix: &str) -> (&'static str, &'static str) {
    match prefix {
        "NEXT_PUBLIC" => ("Next.js", "NEXT_PUBLIC_"),
        "VITE" => ("Vite", "VITE_"),
        "REACT_APP" => ("Create React App", "REACT_APP_"),
        "EXPO_PUBLIC" => ("Expo", "EXPO_PUBLIC_"),
        "NUXT_PUBLIC" => ("Nuxt", "NUXT_PUBLIC_"),
        "GATSBY" => ("Gatsby", "GATSBY_"),
        _ => ("Vue CLI", "VUE_APP_"),
    }
}

/// What the name after the prefix says the variable holds, if it is a server secret.
fn secret_name(rest: &str) -> Option<&'static str> {
    let words = names::words(rest);
    let has = |w: &str| words.iter().any(|x| x == w);
    if has("anon") || has("publishable") || has("site") || has("public") {
        return None;
    }
    if has("service") && has("role") {
        return Some("a Supabase service-role key");
    }
    if has("secret") || has("secrets") {
        return Some("a secret");
    }
    if has("private") {
        return Some("a private key");
    }
    if has("password") || has("passwd") || has("pwd") {
        return Some("a password");
    }
    let last = words.last().map(String::as_str);
    if last == Some("key") && (has("service") || has("admin") || has("master")) {
        return Some("a service or admin key");
    }
    if (has("openai") || has("anthropic")) && last == Some("key") {
        return Some("an AI provider API key, billed to its owner");
    }
    if (has("database") && last == Some("url")) || rest == "DB_URL" {
        return Some("a database URL");
    }
    None
}

/// What the value says, when it is a credential only a server should hold.
fn server_value(value: &[u8]) -> Option<&'static str> {
    if let Some((_, what)) = SERVER_KEY_PREFIXES
        .iter()
        .find(|(prefix, _)| value.starts_with(prefix.as_bytes()))
    {
        return Some(what);
    }
    (jwt::classify(value) == Some(JwtKind::SupabaseServiceRole))
        .then_some("a Supabase service-role key")
}

/// Whether a value looks like a real credential rather than a slot.
fn looks_live(value: &[u8]) -> bool {
    if is_placeholder(value) || value.len() < 16 {
        return false;
    }
    server_value(value).is_some()
        || matches!(
            jwt::classify(value),
            Some(JwtKind::Other { unsigned: false })
        )
        || shannon_entropy(value) >= 3.5
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_public_ones() {
        assert!(secret_name("SUPABASE_SERVICE_ROLE_KEY").is_some());
        assert!(secret_name("STRIPE_SECRET_KEY").is_some());
        assert!(secret_name("OPENAI_API_KEY").is_some());
        assert!(secret_name("FIREBASE_PRIVATE_KEY").is_some());
        assert!(secret_name("SUPABASE_ANON_KEY").is_none());
        assert!(secret_name("STRIPE_PUBLISHABLE_KEY").is_none());
        assert!(secret_name("FIREBASE_API_KEY").is_none());
        assert!(secret_name("API_URL").is_none());
    }
}
