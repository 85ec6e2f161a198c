//! Decoding JSON Web Tokens just far enough to tell what they are.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// What a decoded JWT turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtKind {
    /// A Supabase key with `role: service_role`: full database access.
    SupabaseServiceRole,
    /// A Supabase key with `role: anon`: meant to be public.
    SupabaseAnon,
    /// Any other JWT.
    Other {
        /// The header says `alg: none`.
        unsigned: bool,
    },
}

/// Decodes the header and payload of `token` (`header.payload.signature`).
/// Returns `None` when it is not a JWT: wrong shape, bad base64, or not JSON objects.
pub fn classify(token: &[u8]) -> Option<JwtKind> {
    let mut parts = token.split(|&b| b == b'.');
    let header = decode_object(parts.next()?)?;
    let payload = decode_object(parts.next()?)?;
    let _signature = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let alg = header.get("alg")?.as_str()?;
    let issuer = payload.get("iss").and_then(Value::as_str).unwrap_or("");
    let is_supabase = issuer.contains("supabase") || payload.get("ref").is_some();
    match payload.get("role").and_then(Value::as_str) {
        Some("service_role") if is_supabase => Some(JwtKind::SupabaseServiceRole),
        Some("anon") if is_supabase => Some(JwtKind::SupabaseAnon),
        _ => Some(JwtKind::Other {
            unsigned: alg.eq_ignore_ascii_case("none"),
        }),
    }
}

fn decode_object(part: &[u8]) -> Option<serde_json::Map<String, Value>> {
    let trimmed: Vec<u8> = part.iter().copied().filter(|&b| b != b'=').collect();
    let bytes = URL_SAFE_NO_PAD.decode(trimmed).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2lnbmF0dXJlc2lnbmF0dXJl",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn supabase_roles_are_told_apart() {
        let header = r#"{"alg":"HS256","typ":"JWT"}"#;
        let service = token(
            header,
            r#"{"iss":"supabase","ref":"abc","role":"service_role"}"#,
        );
        let anon = token(header, r#"{"iss":"supabase","ref":"abc","role":"anon"}"#);
        let other = token(header, r#"{"sub":"42"}"#);
        assert_eq!(
            classify(service.as_bytes()),
            Some(JwtKind::SupabaseServiceRole)
        );
        assert_eq!(classify(anon.as_bytes()), Some(JwtKind::SupabaseAnon));
        assert_eq!(
            classify(other.as_bytes()),
            Some(JwtKind::Other { unsigned: false })
        );
    }

    #[test]
    fn non_jwts_are_rejected() {
        assert_eq!(classify(b"eyJhbGciOi.not-base64!.x"), None);
        assert_eq!(classify(b"a.b"), None);
    }
}
