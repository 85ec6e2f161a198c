//! Filter `uuid` (drops): a value that is a UUID made to identify, not to
//! authenticate: nil and max UUIDs for every rule, and, for loose
//! (low-confidence) rules that only know a value by the name it is assigned
//! to, RFC 9562 UUIDs whose version says they are built from a time or a name
//! (versions 1, 2, 3, 5, 6, 7). Keys that happen to be UUIDs are random:
//! version 4, or random hex in UUID shape. A provider's rule, which knows its
//! keys by their context, keeps every non-nil UUID.

use super::{Candidate, Effect, FileContext};
use crate::severity::Confidence;

/// The 16 bytes of a UUID written `8-4-4-4-12` in hex (optionally in braces).
pub fn parse(value: &[u8]) -> Option<[u8; 16]> {
    let value = value
        .strip_prefix(b"{")
        .and_then(|v| v.strip_suffix(b"}"))
        .unwrap_or(value);
    if value.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = 0;
    for (i, &b) in value.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
            continue;
        }
        let digit = (b as char).to_digit(16)? as u8;
        out[nibbles / 2] |= if nibbles % 2 == 0 { digit << 4 } else { digit };
        nibbles += 1;
    }
    Some(out)
}

/// The nil and max UUIDs.
pub fn is_nil_or_max(uuid: &[u8; 16]) -> bool {
    uuid.iter().all(|&b| b == 0) || uuid.iter().all(|&b| b == 0xff)
}

/// Whether a UUID identifies rather than authenticates: nil, max, or an
/// RFC 9562 time- or name-based version.
pub fn is_identifier(uuid: &[u8; 16]) -> bool {
    if is_nil_or_max(uuid) {
        return true;
    }
    let version = uuid[6] >> 4;
    let rfc_variant = uuid[8] >> 6 == 0b10;
    rfc_variant && matches!(version, 1 | 2 | 3 | 5 | 6 | 7)
}

/// Drops nil UUIDs, and identifying UUIDs found by loose rules.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    let Some(uuid) = parse(candidate.value) else {
        return Effect::Keep;
    };
    let loose = candidate.confidence == Confidence::Low;
    if is_nil_or_max(&uuid) || (loose && is_identifier(&uuid)) {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identifier(text: &str) -> bool {
        is_identifier(&parse(text.as_bytes()).expect("a UUID"))
    }

    #[test]
    fn time_and_name_based_uuids_are_identifiers() {
        assert!(identifier("6ba7b810-9dad-11d1-80b4-00c04fd430c8")); // v1, RFC namespace
        assert!(identifier("886313e1-3b8a-5372-9b90-0c9aee199e5d")); // v5
        assert!(identifier("018f6d2e-7b4a-7c3e-9f1a-2b3c4d5e6f70")); // v7
        assert!(identifier("00000000-0000-0000-0000-000000000000"));
        assert!(identifier("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"));
        assert!(identifier("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"));
    }

    #[test]
    fn random_uuids_may_be_keys() {
        assert!(!identifier("3f2b9c1e-8a4d-4e7f-9b2c-6d1a0e5f7c3b")); // v4
        // Random hex in UUID shape (no RFC variant): Heroku's older keys.
        assert!(!identifier("e7cb1c08-9c34-cf7e-d54c-7ff8bd01b222"));
        // A version-1 nibble without the RFC variant is just random hex.
        assert!(!identifier("e7cb1c08-9c34-1f7e-d54c-7ff8bd01b222"));
    }

    #[test]
    fn only_loose_rules_drop_versioned_uuids() {
        let text = "api_key: 6ba7b810-9dad-11d1-80b4-00c04fd430c8";
        let start = text.find("6ba7").unwrap();
        let candidate = |confidence| Candidate {
            haystack: text.as_bytes(),
            secret: start..text.len(),
            value: &text.as_bytes()[start..],
            confidence,
        };
        let file = FileContext::new("a.yml", text.as_bytes());
        assert_eq!(check(&candidate(Confidence::Low), &file), Effect::Drop);
        assert_eq!(check(&candidate(Confidence::Medium), &file), Effect::Keep);
        let nil = "token: 00000000-0000-0000-0000-000000000000";
        let nil_candidate = Candidate {
            haystack: nil.as_bytes(),
            secret: 7..nil.len(),
            value: &nil.as_bytes()[7..],
            confidence: Confidence::High,
        };
        assert_eq!(check(&nil_candidate, &file), Effect::Drop);
    }

    #[test]
    fn non_uuids_do_not_parse() {
        assert!(parse(b"3f2b9c1e8a4d4e7f9b2c6d1a0e5f7c3b").is_none());
        assert!(parse(b"3f2b9c1e-8a4d-4e7f-9b2c-6d1a0e5f7c3z").is_none());
        assert!(parse(b"3f2b9c1e-8a4d-4e7f-9b2c_6d1a0e5f7c3b").is_none());
    }
}
