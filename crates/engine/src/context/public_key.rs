//! Filter `public-key` (drops): public key material, which is meant to be
//! shared: PEM `PUBLIC KEY` and `CERTIFICATE` blocks, OpenSSH public keys
//! (`ssh-ed25519 AAAA…`), and base64 DER whose structure is a public key
//! (SubjectPublicKeyInfo) or an X.509 certificate rather than a private key.
//! They are long, random and often assigned to names like `signing_key`.

use super::{Candidate, Effect, FileContext};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// PEM labels of public material.
const PUBLIC_PEM: &[&[u8]] = &[
    b"-----BEGIN PUBLIC KEY-----",
    b"-----BEGIN RSA PUBLIC KEY-----",
    b"-----BEGIN CERTIFICATE-----",
    b"-----BEGIN X509 CRL-----",
    b"-----BEGIN CERTIFICATE REQUEST-----",
    b"-----BEGIN PGP PUBLIC KEY BLOCK-----",
    b"-----BEGIN SSH2 PUBLIC KEY-----",
];

/// OpenSSH public key types; their base64 body starts with the encoded type.
const SSH_TYPES: &[&[u8]] = &[
    b"ssh-rsa ",
    b"ssh-ed25519 ",
    b"ssh-dss ",
    b"ecdsa-sha2-nistp256 ",
    b"ecdsa-sha2-nistp384 ",
    b"ecdsa-sha2-nistp521 ",
    b"sk-ssh-ed25519@openssh.com ",
];

/// Whether `value` is, or starts with, public key material.
pub fn is_public_key(value: &[u8]) -> bool {
    PUBLIC_PEM.iter().any(|p| value.starts_with(p))
        || SSH_TYPES.iter().any(|t| value.starts_with(t))
        || value.starts_with(b"AAAAB3NzaC1")
        || value.starts_with(b"AAAAC3NzaC1")
        || is_public_der(value)
}

/// Base64 DER of a SubjectPublicKeyInfo or a certificate: a SEQUENCE whose
/// first element is a SEQUENCE (an algorithm identifier, or a certificate's
/// to-be-signed part). Private keys (PKCS #1, PKCS #8, SEC 1) start with an
/// INTEGER version instead.
fn is_public_der(value: &[u8]) -> bool {
    if value.len() < 64 || !value.starts_with(b"MI") {
        return false;
    }
    let Ok(head) = STANDARD.decode(&value[..16]) else {
        return false;
    };
    if head[0] != 0x30 {
        return false;
    }
    // Skip the outer length: short form, or 0x81/0x82 and its bytes.
    let inner = match head[1] {
        len if len < 0x80 => 2,
        0x81 => 3,
        0x82 => 4,
        _ => return false,
    };
    head.get(inner) == Some(&0x30)
}

/// Drops public key material.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    if is_public_key(candidate.value) {
        Effect::Drop
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_material_is_recognised() {
        // An RSA SubjectPublicKeyInfo, as `openssl rsa -pubout` writes it.
        assert!(is_public_key(
            b"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0"
        ));
        // A certificate.
        assert!(is_public_key(
            b"MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJRTESMBAGA1UEChMJQmFsdGltb3JlMRMwEQYDVQQL"
        ));
        assert!(is_public_key(b"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq"));
        assert!(is_public_key(
            b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@bastion"
        ));
    }

    #[test]
    fn private_keys_are_not_public() {
        // PKCS #8 and PKCS #1 private keys start with an INTEGER version.
        assert!(!is_public_key(
            b"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dV"
        ));
        assert!(!is_public_key(
            b"MIICXAIBAAKBgQCYKTcMzl9w+TPi0dEQjnM+a6lBYliIP3GdDQUQIJK5argopV+ygvPhp2Zd3CD3NjLZLrSymTM+xl/jjEbfHZLvdM03"
        ));
        assert!(!is_public_key(
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA"
        ));
        assert!(!is_public_key(b"q8Zr2LmX9vT4bN7c"));
    }
}
