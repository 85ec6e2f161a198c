//! Filter `known-example` (drops): credentials that providers publish in
//! their own documentation and that tutorials, tests and answers copy
//! everywhere. They belong to documentation sandboxes, not to the project.
//!
//! Only values that are documented as examples belong here; AWS's example
//! keys (`AKIAIOSFODNN7EXAMPLE`) need no entry, the placeholder filter reads
//! the word `EXAMPLE` in them.

/// Published example credentials, compared exactly.
const KNOWN_EXAMPLES: &[&str] = &[
    // Stripe's API reference and quick starts (test mode), over the years.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "sk_test_26PHem9AhJZvU623DfE1x4sd",
    // Slack's OAuth documentation (the `oauth.v2.access` response).
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    // Mailgun's API documentation.
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    // jwt.io's default token's signature, and the OAuth RFCs' tokens
    // (RFC 6749 and 6750), copied into countless docs and tests.
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    // RFC 6749's example client secret (client s6BhdRkqt3).
    "gX1fBat3bV",
];

/// Whether `value` is, or ends with, a published example credential.
pub fn is_known_example(value: &[u8]) -> bool {
    KNOWN_EXAMPLES
        .iter()
        .any(|known| value.ends_with(known.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_keys_are_known() {
        assert!(is_known_example(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(is_known_example(
            b"xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
        ));
        // A whole JWT whose signature is jwt.io's.
        assert!(is_known_example(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        ));
    }

    #[test]
    fn other_keys_are_not() {
        assert!(!is_known_example(b"sk_test_4eC39HqLyjWDarjtT1zdp7dd"));
        assert!(!is_known_example(b"sk_live_4eC39HqLyjWDarjtT1zdp7dcX"));
    }
}
