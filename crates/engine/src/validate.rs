//! Structural checks that a rule can ask for on top of its regex (`validate = "…"`).
//!
//! A validator looks only at the candidate secret. It can reject it, or accept
//! it and raise or lower the finding's severity with a note explaining why.

use crate::jwt::{self, JwtKind};
use crate::severity::{Confidence, Severity};
use serde::{Deserialize, Serialize};

/// The structural checks a rule can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// A JSON Web Token: header and payload must decode to JSON objects.
    /// Supabase `service_role` tokens become critical; Supabase `anon` tokens,
    /// which are public by design, are dropped.
    Jwt,
    /// A value assigned to a secret-looking name: must mix letters and digits
    /// and must not look like an identifier, a path or an expression.
    Generic,
}

/// What a validator concluded about a candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not a secret.
    Reject,
    /// A secret, possibly with adjusted severity and confidence.
    Accept {
        /// Replaces the rule's severity when set.
        severity: Option<Severity>,
        /// Replaces the rule's confidence when set.
        confidence: Option<Confidence>,
        /// Extra context for the report, e.g. "Supabase service_role key".
        note: Option<String>,
    },
}

impl Verdict {
    /// Accept without changes.
    pub const PLAIN: Verdict = Verdict::Accept {
        severity: None,
        confidence: None,
        note: None,
    };
}

impl Validator {
    /// Checks one candidate secret.
    pub fn check(self, secret: &[u8]) -> Verdict {
        match self {
            Validator::Jwt => check_jwt(secret),
            Validator::Generic => check_generic(secret),
        }
    }
}

fn check_jwt(secret: &[u8]) -> Verdict {
    match jwt::classify(secret) {
        None => Verdict::Reject,
        Some(JwtKind::SupabaseAnon) => Verdict::Reject,
        Some(JwtKind::SupabaseServiceRole) => Verdict::Accept {
            severity: Some(Severity::Critical),
            confidence: Some(Confidence::High),
            note: Some(
                "Supabase service_role key: it bypasses Row Level Security and gives full access to the database"
                    .into(),
            ),
        },
        Some(JwtKind::Other { unsigned }) => Verdict::Accept {
            severity: None,
            confidence: None,
            note: unsigned.then(|| "unsigned JWT (alg: none)".into()),
        },
    }
}

fn check_generic(secret: &[u8]) -> Verdict {
    let has_letter = secret.iter().any(u8::is_ascii_alphabetic);
    let has_digit = secret.iter().any(u8::is_ascii_digit);
    if !has_letter || !has_digit {
        return Verdict::Reject;
    }
    // Expressions, calls, paths and dotted names are code, not secrets.
    let code_like = secret
        .iter()
        .any(|b| matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b' ' | b','));
    let path_like =
        secret.starts_with(b"/") || secret.starts_with(b"./") || secret.starts_with(b"~/");
    let dotted_name = secret.split(|&b| b == b'.').count() >= 3
        && secret.split(|&b| b == b'.').all(|part| {
            !part.is_empty() && part.iter().all(|b| b.is_ascii_alphabetic() || *b == b'_')
        });
    if code_like || path_like || dotted_name || looks_like_identifier(secret) {
        return Verdict::Reject;
    }
    Verdict::PLAIN
}

/// `SOME_CONSTANT_NAME2`, `my_variable_v2`, `someCamelCase1`: names, not secrets.
///
/// A value is a name when every `_`/`-`-separated word is lowercase, UPPERCASE,
/// Capitalized or camelCase letters with at most a run of digits at its start
/// or end. Random tokens mix case inside words (`FdrRDIcMZhlp`) and fail this.
fn looks_like_identifier(secret: &[u8]) -> bool {
    secret
        .split(|&b| b == b'_' || b == b'-')
        .filter(|w| !w.is_empty())
        .all(is_name_word)
}

fn is_name_word(word: &[u8]) -> bool {
    let letters_start = word
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(word.len());
    let letters_end = word
        .iter()
        .rposition(|b| !b.is_ascii_digit())
        .map_or(letters_start, |i| i + 1);
    let letters = &word[letters_start..letters_end.max(letters_start)];
    if letters.is_empty() {
        return true;
    }
    if !letters.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let all_upper = letters.iter().all(u8::is_ascii_uppercase);
    all_upper || is_camel_humps(letters)
}

/// `lower`, `Capitalized`, `camelCase`, `PascalCase`: each uppercase letter
/// starts a hump of at least two letters, and no two capitals are adjacent.
fn is_camel_humps(letters: &[u8]) -> bool {
    let mut hump_len = 0usize;
    for (i, &b) in letters.iter().enumerate() {
        if b.is_ascii_uppercase() {
            if i > 0 && hump_len < 2 {
                return false;
            }
            hump_len = 1;
        } else {
            hump_len += 1;
        }
    }
    hump_len >= 2 || letters.len() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_rejects_code_and_names() {
        for value in [
            "getToken()",
            "DATABASE_PASSWORD_V2",
            "config.secrets.api_key",
            "/etc/secrets/token",
            "passwordpassword",
            "WBEM_128BITS",
            "getUserToken2",
        ] {
            assert_eq!(
                Validator::Generic.check(value.as_bytes()),
                Verdict::Reject,
                "{value}"
            );
        }
    }

    #[test]
    fn generic_accepts_random_values() {
        for value in [
            "a9F3kLq2Zx7Vb1Nm",
            "8f14e45fceea167a5a36dedd4bea2543",
            "Tr0ub4dor&3xyzQ",
        ] {
            assert_eq!(
                Validator::Generic.check(value.as_bytes()),
                Verdict::PLAIN,
                "{value}"
            );
        }
    }
}
