//! Structural checks that a rule can ask for on top of its regex (`validate = "…"`).
//!
//! A validator looks only at the candidate secret. It can reject it, or accept
//! it and raise or lower the finding's severity with a note explaining why.

use crate::jwt::{self, JwtKind};
use crate::severity::{Confidence, Severity};
use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
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
    /// A GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 characters):
    /// the last 6 characters are the CRC32 of the 30 before them, in base62.
    GithubChecksum,
    /// An npm access token (`npm_` + 36 characters), with the same checksum
    /// scheme as GitHub's tokens.
    NpmChecksum,
    /// A PyPI API token (`pypi-` + base64 macaroon): the macaroon must decode
    /// completely and name `pypi.org` or `test.pypi.org` as its location.
    PypiMacaroon,
    /// A Grafana service account token (`glsa_` + 32 characters + `_` + 8 hex):
    /// the hex suffix is the CRC32 of everything before the last `_`.
    GrafanaChecksum,
    /// An age secret key (`AGE-SECRET-KEY-1…`): a Bech32 string whose
    /// checksum must verify.
    AgeBech32,
    /// A Discord bot token: its first segment must decode to a numeric user id.
    DiscordBotToken,
    /// A Sentry organization auth token (`sntrys_`): its middle part must
    /// decode to a JSON object carrying an `iat` timestamp.
    SentryOrgToken,
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
            Validator::GithubChecksum => check_github(secret),
            Validator::NpmChecksum => checksummed(base62_crc32_valid(secret, 4)),
            Validator::PypiMacaroon => check_pypi(secret),
            Validator::GrafanaChecksum => checksummed(grafana_checksum_valid(secret)),
            Validator::AgeBech32 => checksummed(age_bech32_valid(secret)),
            Validator::DiscordBotToken => checksummed(discord_token_valid(secret)),
            Validator::SentryOrgToken => checksummed(sentry_org_token_valid(secret)),
        }
    }
}

/// Refresh tokens (`ghr_`) longer than the 36-character shape are issued
/// today; their format is undocumented, so they are accepted unchanged.
fn check_github(secret: &[u8]) -> Verdict {
    if secret.starts_with(b"ghr_") && secret.len() > 40 {
        return Verdict::PLAIN;
    }
    checksummed(base62_crc32_valid(secret, 4))
}

/// A structural check that either proves the format (high confidence) or
/// rejects the candidate. No note: the confidence says it.
fn checksummed(valid: bool) -> Verdict {
    if valid {
        Verdict::Accept {
            severity: None,
            confidence: Some(Confidence::High),
            note: None,
        }
    } else {
        Verdict::Reject
    }
}

/// Base64 that accepts the standard and URL-safe alphabets' shared subset,
/// with or without padding, and non-canonical trailing bits.
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);
const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);

/// The alphabet GitHub and npm use to write a token's checksum: digits, then
/// uppercase, then lowercase letters.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `crc32` in base62, most significant digit first, left-padded with `0` to 6 digits.
fn base62_crc32(mut crc: u32) -> [u8; 6] {
    let mut digits = [b'0'; 6];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(crc % 62) as usize];
        crc /= 62;
    }
    digits
}

/// `prefix` (of `prefix_len` bytes) + 30 random base62 characters + their CRC32 in base62.
fn base62_crc32_valid(secret: &[u8], prefix_len: usize) -> bool {
    let Some(body) = secret.get(prefix_len..) else {
        return false;
    };
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, checksum) = body.split_at(30);
    base62_crc32(crc32fast::hash(random)) == checksum
}

/// `glsa_` + 32 characters + `_` + the CRC32 of `glsa_<32 characters>` as the
/// hex of its little-endian bytes (Grafana's `satokengen`).
fn grafana_checksum_valid(secret: &[u8]) -> bool {
    let Some(split) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (key, checksum) = (&secret[..split], &secret[split + 1..]);
    if checksum.len() != 8 {
        return false;
    }
    let expected: String = crc32fast::hash(key)
        .to_le_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected.as_bytes().eq_ignore_ascii_case(checksum)
}

fn check_pypi(secret: &[u8]) -> Verdict {
    let Some(encoded) = secret.strip_prefix(b"pypi-") else {
        return Verdict::Reject;
    };
    let Ok(macaroon) = LENIENT_URL_SAFE.decode(encoded) else {
        return Verdict::Reject;
    };
    match macaroon_location(&macaroon) {
        Some(b"pypi.org") => checksummed(true),
        Some(b"test.pypi.org") => Verdict::Accept {
            severity: Some(Severity::Medium),
            confidence: Some(Confidence::High),
            note: Some("a TestPyPI token: it can only publish to test.pypi.org".into()),
        },
        _ => Verdict::Reject,
    }
}

/// Parses a macaroon in the version 2 binary format (the one PyPI issues) and
/// returns its location when the whole token parses: header, caveats and a
/// 32-byte signature, with nothing left over.
fn macaroon_location(data: &[u8]) -> Option<&[u8]> {
    const EOS: u64 = 0;
    const LOCATION: u64 = 1;
    const IDENTIFIER: u64 = 2;
    const VERIFICATION_ID: u64 = 4;
    const SIGNATURE: u64 = 6;

    struct Reader<'a> {
        data: &'a [u8],
        at: usize,
    }
    impl<'a> Reader<'a> {
        fn varint(&mut self) -> Option<u64> {
            let mut value = 0u64;
            for shift in (0..64).step_by(7) {
                let byte = *self.data.get(self.at)?;
                self.at += 1;
                value |= u64::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    return Some(value);
                }
            }
            None
        }
        fn bytes(&mut self, len: u64) -> Option<&'a [u8]> {
            let len = usize::try_from(len).ok()?;
            let end = self.at.checked_add(len)?;
            let slice = self.data.get(self.at..end)?;
            self.at = end;
            Some(slice)
        }
        /// One packet: (field type, data); `(EOS, [])` for an end-of-section marker.
        fn field(&mut self) -> Option<(u64, &'a [u8])> {
            let kind = self.varint()?;
            if kind == EOS {
                return Some((EOS, &[]));
            }
            let len = self.varint()?;
            Some((kind, self.bytes(len)?))
        }
    }

    let mut reader = Reader { data, at: 0 };
    if *data.first()? != 2 {
        return None;
    }
    reader.at = 1;
    let (kind, location) = reader.field()?;
    if kind != LOCATION {
        return None;
    }
    let (kind, identifier) = reader.field()?;
    if kind != IDENTIFIER || identifier.is_empty() || reader.field()?.0 != EOS {
        return None;
    }
    // Caveats: each is [location] identifier [verification id] EOS; an empty
    // section (a lone EOS) ends the list.
    loop {
        let (mut kind, _) = reader.field()?;
        if kind == EOS {
            break;
        }
        if kind == LOCATION {
            kind = reader.field()?.0;
        }
        if kind != IDENTIFIER {
            return None;
        }
        let (mut kind, _) = reader.field()?;
        if kind == VERIFICATION_ID {
            kind = reader.field()?.0;
        }
        if kind != EOS {
            return None;
        }
    }
    let (kind, signature) = reader.field()?;
    if kind != SIGNATURE || signature.len() != 32 || reader.at != data.len() {
        return None;
    }
    Some(location)
}

/// The Bech32 character set (BIP 173).
const BECH32_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// An age secret key: Bech32 with the human-readable part `age-secret-key-`,
/// 32 bytes of key and a valid checksum (age uses Bech32, not Bech32m).
fn age_bech32_valid(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    let Some(separator) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..separator], &lower[separator + 1..]);
    if hrp != b"age-secret-key-" || data.len() != 58 {
        return false;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|b| b >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|b| b & 31));
    for c in data {
        match BECH32_CHARSET.iter().position(|x| x == c) {
            Some(v) => values.push(v as u8),
            None => return false,
        }
    }
    bech32_polymod(&values) == 1
}

fn bech32_polymod(values: &[u8]) -> u32 {
    const GENERATOR: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut checksum = 1u32;
    for &value in values {
        let top = checksum >> 25;
        checksum = ((checksum & 0x01ff_ffff) << 5) ^ u32::from(value);
        for (i, generator) in GENERATOR.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                checksum ^= generator;
            }
        }
    }
    checksum
}

/// `base64(user id).timestamp.hmac`: the first part decodes to a 17–20 digit snowflake.
fn discord_token_valid(secret: &[u8]) -> bool {
    let Some(first) = secret.split(|&b| b == b'.').next() else {
        return false;
    };
    let Ok(id) = LENIENT_URL_SAFE.decode(first) else {
        return false;
    };
    (17..=20).contains(&id.len()) && id.iter().all(u8::is_ascii_digit) && id[0] != b'0'
}

/// `sntrys_` + base64(JSON with `iat`, `url`, `org`…) + `_` + 43-character secret.
fn sentry_org_token_valid(secret: &[u8]) -> bool {
    let Some(rest) = secret.strip_prefix(b"sntrys_") else {
        return false;
    };
    let Some(split) = rest.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let Ok(payload) = LENIENT_STANDARD.decode(&rest[..split]) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(&payload) {
        Ok(serde_json::Value::Object(map)) => map.contains_key("iat"),
        _ => false,
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
    if !has_letter || (!has_digit && !random_without_digits(secret)) {
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

/// A value without digits that still reads as random rather than as words:
/// upper- and lowercase letters with a symbol (`Hx+pQ/vRtLmZs=`,
/// `Tr!ckyPass`), or mixed without the four-letter lowercase runs that words
/// in names have (`MFczNTlzuVyMDAN`, but not `OAuthBearerToken`).
fn random_without_digits(secret: &[u8]) -> bool {
    let upper = secret.iter().filter(|b| b.is_ascii_uppercase()).count();
    let lower = secret.iter().filter(|b| b.is_ascii_lowercase()).count();
    let symbol = secret.iter().any(|b| {
        matches!(
            b,
            b'+' | b'/' | b'=' | b'!' | b'@' | b'#' | b'$' | b'%' | b'^' | b'&' | b'*' | b'~'
        )
    });
    if symbol && upper > 0 && lower > 0 {
        return true;
    }
    let longest_lower_run = secret
        .split(|b| !b.is_ascii_lowercase())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0);
    upper >= 3 && lower >= 3 && longest_lower_run <= 3
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
    fn generic_without_digits_needs_to_look_random() {
        for value in ["MFczNTlzuVyMDAN", "Hx+pQ/vRtLmZs=", "qWeRtYzXcVbN"] {
            assert_eq!(
                Validator::Generic.check(value.as_bytes()),
                Verdict::PLAIN,
                "{value}"
            );
        }
        for value in [
            "OAuthBearerToken",
            "JWTSecretKeyValue",
            "correcthorsebattery",
            "Bitte-geben-Sie-ein",
            "SHOW_TABLES_NOW",
            "geheim$parole",
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

    fn is_checksum_pass(verdict: Verdict) -> bool {
        matches!(
            verdict,
            Verdict::Accept {
                confidence: Some(Confidence::High),
                ..
            }
        )
    }

    /// Changes one character (at `index` from the end) to another of the same class.
    fn tampered(token: &str, from_end: usize) -> String {
        let mut bytes = token.as_bytes().to_vec();
        let i = bytes.len() - from_end;
        bytes[i] = match bytes[i] {
            b'a'..=b'y' | b'A'..=b'Y' | b'0'..=b'8' => bytes[i] + 1,
            b'z' => b'a',
            b'Z' => b'A',
            _ => b'0',
        };
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn github_checksum_accepts_valid_tokens() {
        for token in [
            "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",
            "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",
            // The benchmark corpus's generator (benches/make_corpus.py) writes tokens like this one.
            "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",
        ] {
            assert!(
                is_checksum_pass(Validator::GithubChecksum.check(token.as_bytes())),
                "{token}"
            );
        }
    }

    #[test]
    fn github_checksum_rejects_tampered_and_misshapen_tokens() {
        let valid = "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";
        for token in [
            tampered(valid, 1),  // in the checksum
            tampered(valid, 10), // in the random part
            valid[..39].to_string(),
            format!("{valid}A"),
            "ghp_ibHdmXrxysP9G9fjPbmYEaSal2k75cN8iUmY".to_string(),
        ] {
            assert_eq!(
                Validator::GithubChecksum.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    #[test]
    fn github_checksum_leaves_long_refresh_tokens_alone() {
        let token =
            "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498";
        assert_eq!(
            Validator::GithubChecksum.check(token.as_bytes()),
            Verdict::PLAIN
        );
    }

    #[test]
    fn base62_checksum_is_zero_padded() {
        assert_eq!(&base62_crc32(0), b"000000");
        assert_eq!(&base62_crc32(61), b"00000z");
        assert_eq!(&base62_crc32(62), b"000010");
        assert_eq!(&base62_crc32(u32::MAX), b"4gfFC3");
    }

    #[test]
    fn npm_checksum_accepts_valid_and_rejects_tampered_tokens() {
        let valid = "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";
        assert!(is_checksum_pass(
            Validator::NpmChecksum.check(valid.as_bytes())
        ));
        for token in [
            tampered(valid, 2),
            tampered(valid, 20),
            valid[..30].to_string(),
            format!("{valid}9"),
        ] {
            assert_eq!(
                Validator::NpmChecksum.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    const PYPI: &str = "pypi-AgEIcHlwaS5vcmcCJGRkMjQ2N2FjLTc3OGUtZWRiMy02OTNkLWZmYmM2YzZmYTYxMQACEVsxLCBbInZ1dWRibXhrIl1dAAImeyJuYmYiOiAxNzAxODMzMjMwLCAiZXhwIjogMTgwMDAwMDAwMH0AAAYgPzEwiXIjbC5Hdj_f7BNxztzbjBkMpv-K1gP4F-3A2Tw";
    const TEST_PYPI: &str = "pypi-AgENdGVzdC5weXBpLm9yZwIkN2IzYTRlM2UtN2M1Mi1mYTE3LTY4MGEtYzA3YTJhOTM1ZDYyAAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQACJnsibmJmIjogMTcwNjcyODMzOSwgImV4cCI6IDE4MDAwMDAwMDB9AAAGIOcPKmEA_GND7cjIdElssvW7_siOqbd8JzBLN_cOlLyK";

    #[test]
    fn pypi_macaroons_for_pypi_and_testpypi_are_accepted() {
        assert!(is_checksum_pass(
            Validator::PypiMacaroon.check(PYPI.as_bytes())
        ));
        assert!(matches!(
            Validator::PypiMacaroon.check(TEST_PYPI.as_bytes()),
            Verdict::Accept {
                severity: Some(Severity::Medium),
                confidence: Some(Confidence::High),
                ..
            }
        ));
    }

    #[test]
    fn pypi_rejects_truncated_tampered_and_foreign_macaroons() {
        let other_location = "pypi-AgEQcHlwaS5leGFtcGxlLmNvbQIkMGVhMjYyMmItNTA0OC02N2JhLWJmN2ItNTM5YjBmOWFlYTRiAAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQACJnsibmJmIjogMTcwNzk5OTE4MywgImV4cCI6IDE4MDAwMDAwMDB9AAAGIIDr2ocoDvWCFNkvEZgRrNw8Zx7x45E_lJgKnhRrqJWQ";
        for token in [
            PYPI[..PYPI.len() - 4].to_string(),
            PYPI[..80].to_string(),
            format!("{PYPI}AAAA"),
            // The identifier's length byte changed: the fields no longer line up.
            PYPI.replacen("CJGRk", "CJWRk", 1),
            other_location.to_string(),
            "pypi-AgEIcHlwaS5vcmc".to_string(),
        ] {
            assert_eq!(
                Validator::PypiMacaroon.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    #[test]
    fn grafana_checksum_accepts_valid_and_rejects_tampered_tokens() {
        let valid = "glsa_GYRdo1XKXWNqRs7rpEmoKiuPKdYR7osj_48f3f0c2";
        assert!(is_checksum_pass(
            Validator::GrafanaChecksum.check(valid.as_bytes())
        ));
        for token in [
            tampered(valid, 1),
            tampered(valid, 15),
            valid[..valid.len() - 1].to_string(),
            "glsa_GYRdo1XKXWNqRs7rpEmoKiuPKdYR7osj".to_string(),
        ] {
            assert_eq!(
                Validator::GrafanaChecksum.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    #[test]
    fn age_keys_need_a_valid_bech32_checksum() {
        let valid = "AGE-SECRET-KEY-18ZH4847YCC8R45SGEEGXV3QSXM5LRY0QKAGRDFMLVH3W4FR4Y3PSA7SJTY";
        assert!(is_checksum_pass(
            Validator::AgeBech32.check(valid.as_bytes())
        ));
        assert!(is_checksum_pass(
            Validator::AgeBech32.check(valid.to_ascii_lowercase().as_bytes())
        ));
        let swapped = valid.replacen("8ZH4", "Z8H4", 1);
        for token in [
            swapped.as_str(),
            &valid[..valid.len() - 1],
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            // `b` is not in the Bech32 alphabet.
            "AGE-SECRET-KEY-1BZH4847YCC8R45SGEEGXV3QSXM5LRY0QKAGRDFMLVH3W4FR4Y3PSA7SJTY",
        ] {
            assert_eq!(
                Validator::AgeBech32.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    #[test]
    fn discord_tokens_start_with_an_encoded_user_id() {
        let valid = "NDY0OTQ3NDUxNzI1NjE2MzM1Nw.h2zucR._LGOTU2Ixw7gBOirOl3U6AhWNmZTvUAp-COune";
        assert!(is_checksum_pass(
            Validator::DiscordBotToken.check(valid.as_bytes())
        ));
        for token in [
            // base64 of "hello-world-token!" rather than digits.
            "aGVsbG8td29ybGQtdG9rZW4h.h2zucR._LGOTU2Ixw7gBOirOl3U6AhWNmZTvUAp-COune",
            // base64 of a 12-digit number: too short for a snowflake.
            "MTIzNDU2Nzg5MDEy.h2zucR._LGOTU2Ixw7gBOirOl3U6AhWNmZTvUAp-COune",
        ] {
            assert_eq!(
                Validator::DiscordBotToken.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }

    #[test]
    fn sentry_org_tokens_carry_a_json_payload() {
        let valid = "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";
        assert!(is_checksum_pass(
            Validator::SentryOrgToken.check(valid.as_bytes())
        ));
        for token in [
            "sntrys_eyJpYXQiOjE3MDA5NzE4MjMsInVybCI6Imh0dHBz_QQ8Vh2bZnzv45PfcIrCdcAJHdIEqJej+bQ8f80YMM3t",
            "sntrys_bm90IGpzb24gYXQgYWxs_QQ8Vh2bZnzv45PfcIrCdcAJHdIEqJej+bQ8f80YMM3t",
        ] {
            assert_eq!(
                Validator::SentryOrgToken.check(token.as_bytes()),
                Verdict::Reject,
                "{token}"
            );
        }
    }
}
