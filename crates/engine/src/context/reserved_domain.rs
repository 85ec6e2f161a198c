//! Filter `reserved-domain` (drops): a password in a URL whose host is
//! reserved for documentation and testing (RFC 2606, RFC 6761):
//! `example.com`, `example.net`, `example.org` and their subdomains, and the
//! `.example`, `.test`, `.invalid` and `.localhost` top-level domains. No
//! real service answers there, so `https://user:pass@api.example.com` is an
//! illustration.

use super::{Candidate, Effect, FileContext};

/// Reserved second-level domains.
const DOMAINS: &[&[u8]] = &[b"example.com", b"example.net", b"example.org"];
/// Reserved top-level domains.
const TLDS: &[&[u8]] = &[b"example", b"test", b"invalid", b"localhost"];

/// The host right after `@` at `at` (letters, digits, `.` and `-`).
fn host_after(haystack: &[u8], at: usize) -> Option<&[u8]> {
    let rest = haystack.get(at..)?.strip_prefix(b"@")?;
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        .count();
    (len > 0).then_some(&rest[..len])
}

/// Whether a host is reserved for documentation or testing.
pub fn is_reserved(host: &[u8]) -> bool {
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(b".").unwrap_or(&host);
    let in_domain = |domain: &[u8]| {
        host == domain
            || (host.len() > domain.len()
                && host.ends_with(domain)
                && host[host.len() - domain.len() - 1] == b'.')
    };
    DOMAINS.iter().any(|d| in_domain(d))
        || host
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|tld| TLDS.contains(&tld))
}

/// Drops a URL password whose host is reserved.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    match host_after(candidate.haystack, candidate.secret.end) {
        Some(host) if is_reserved(host) => Effect::Drop,
        _ => Effect::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_hosts() {
        for host in [
            "example.com",
            "api.example.org",
            "db.internal.example",
            "svc.test",
            "Example.NET",
        ] {
            assert!(is_reserved(host.as_bytes()), "{host}");
        }
        for host in [
            "example.io",
            "myexample.com",
            "acme-corp.io",
            "testing.dev",
            "db.internal",
        ] {
            assert!(!is_reserved(host.as_bytes()), "{host}");
        }
    }

    #[test]
    fn only_the_host_after_the_password_counts() {
        let text = "https://deploy:Hx7pQ2vRt9LmZs4W@api.example.com/v1";
        let start = text.find("Hx7p").unwrap();
        let candidate = Candidate {
            haystack: text.as_bytes(),
            secret: start..start + 16,
            value: &text.as_bytes()[start..start + 16],
            confidence: crate::Confidence::High,
        };
        let file = FileContext::new("app.py", text.as_bytes());
        assert_eq!(check(&candidate, &file), Effect::Drop);
        let real = text.replace("example.com", "acme-corp.io");
        let candidate = Candidate {
            haystack: real.as_bytes(),
            value: &real.as_bytes()[start..start + 16],
            ..candidate
        };
        assert_eq!(check(&candidate, &file), Effect::Keep);
    }
}
