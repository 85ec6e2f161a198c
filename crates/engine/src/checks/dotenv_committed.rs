//! `dotenv.committed`: a `.env` file committed to git.
//!
//! Dotenv files hold a service's real configuration: database passwords, API
//! keys, signing secrets. Committed once, they stay in the history for anyone
//! with a clone, even after the file is deleted. Template files meant to be
//! committed (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`…)
//! are not reported.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};

/// Suffixes of dotenv files that are templates, meant to be committed.
const TEMPLATE_SUFFIXES: &[&str] = &[
    "example", "sample", "template", "dist", "tpl", "defaults", "default", "schema",
];

/// Reports a dotenv file that git tracks and that assigns at least one value.
#[derive(Debug, Clone, Copy)]
pub struct DotenvCommitted;

/// Whether `name` is a dotenv file name that should never be committed.
pub fn is_secret_dotenv_name(name: &str) -> bool {
    if name == ".env" {
        return true;
    }
    let Some(suffix) = name.strip_prefix(".env.") else {
        return false;
    };
    !suffix.is_empty()
        && !suffix
            .split('.')
            .any(|part| TEMPLATE_SUFFIXES.contains(&part.to_ascii_lowercase().as_str()))
}

impl Check for DotenvCommitted {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "dotenv.committed".into(),
            name: "Committed dotenv file".into(),
            description: "A `.env` file is committed to git. Dotenv files hold a service's real \
                configuration (database passwords, API keys, signing secrets), and once committed \
                they stay in the history for everyone with a clone, even after the file is deleted."
                .into(),
            remediation: Some(
                "Rotate every credential the file has ever held first: deleting the file does not \
                 remove it from history. Then stop tracking it (`git rm --cached .env`), add `.env` \
                 to `.gitignore`, commit a `.env.example` with empty values instead, and, if the \
                 repository is shared, purge the file from history with \
                 `git filter-repo --invert-paths --path .env` and force-push."
                    .into(),
            ),
            severity: Severity::High,
            confidence: Confidence::High,
            references: strings(&[
                "https://github.com/motdotla/dotenv#should-i-commit-my-env-file",
                "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository",
            ]),
            tags: strings(&["dotenv", "git-history"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(".env", "DATABASE_URL=postgres://app@db/app\nDEBUG=false\n"),
            Example::new(
                "services/api/.env.production",
                "# production\n\nSTRIPE_KEY=abc\n",
            ),
            Example::new(".env.local", "export API_TOKEN=\"t0k3n\"\n"),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(".env.example", "DATABASE_URL=postgres://app@db/app\n"),
            Example::new("config/.env.sample", "API_TOKEN=changeme\n"),
            Example::new(".env.production.template", "API_TOKEN=\n"),
            // Only comments and empty values: nothing is configured.
            Example::new(".env", "# fill in\nAPI_TOKEN=\nDEBUG=\n"),
            Example::new("docs/env.md", "API_TOKEN=abc\n"),
            Example::new(".envrc", "export API_TOKEN=abc\n"),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        file.committed && is_secret_dotenv_name(file.file_name())
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let mut assigned = 0usize;
        let mut first: Option<(std::ops::Range<usize>, std::ops::Range<usize>)> = None;
        let mut offset = 0usize;
        for line in file.bytes.split_inclusive(|&b| b == b'\n') {
            let start = offset;
            offset += line.len();
            if let Some(name) = assignment_name(line) {
                assigned += 1;
                if first.is_none() {
                    let text_end = start + trim_line_end(line).len();
                    first = Some((start..text_end, start + name.start..start + name.end));
                }
            }
        }
        if let Some((span, name)) = first {
            out.push(CheckHit::new(span, name).with_note(format!(
                "committed dotenv file assigning {assigned} variable{}",
                if assigned == 1 { "" } else { "s" }
            )));
        }
    }
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The byte range of the variable name when `line` is `[export ]NAME=value`
/// with a non-empty value.
fn assignment_name(line: &[u8]) -> Option<std::ops::Range<usize>> {
    let line = trim_line_end(line);
    let indent = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let mut start = indent;
    if line[start..].starts_with(b"export ") {
        start += b"export ".len();
        start += line[start..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    }
    let name_len = line[start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'.' || **b == b'-')
        .count();
    if name_len == 0 || line[start].is_ascii_digit() {
        return None;
    }
    let rest = &line[start + name_len..];
    let rest = &rest[rest.iter().take_while(|b| **b == b' ').count()..];
    let value = rest
        .strip_prefix(b"=")
        .or_else(|| rest.strip_prefix(b":"))?;
    let value: Vec<u8> = value
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'"' && *b != b'\'')
        .collect();
    if value.is_empty() || value.starts_with(b"#") {
        return None;
    }
    Some(start..start + name_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_names_are_told_from_templates() {
        for name in [
            ".env",
            ".env.local",
            ".env.production",
            ".env.staging.local",
        ] {
            assert!(is_secret_dotenv_name(name), "{name}");
        }
        for name in [
            ".env.example",
            ".env.sample",
            ".env.template",
            ".env.dist",
            ".env.local.example",
            ".envrc",
            "env",
            ".env.",
        ] {
            assert!(!is_secret_dotenv_name(name), "{name}");
        }
    }

    #[test]
    fn assignments_need_a_value() {
        assert_eq!(assignment_name(b"A=1\n"), Some(0..1));
        assert_eq!(assignment_name(b"export  KEY = \"x\""), Some(8..11));
        assert_eq!(assignment_name(b"KEY=\n"), None);
        assert_eq!(assignment_name(b"KEY=\"\""), None);
        assert_eq!(assignment_name(b"# KEY=1"), None);
        assert_eq!(assignment_name(b"KEY= # later"), None);
        assert_eq!(assignment_name(b""), None);
    }
}
