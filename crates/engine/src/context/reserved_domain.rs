//! Filter `reserved-domain` (lowers): a password or token in a URL (its
//! user information or its query) whose host is reserved for documentation
//! and testing (RFC 2606, RFC 6761):
//! `example.com`, `example.net`, `example.org` and their subdomains, and the
//! `.example`, `.test`, `.invalid` and `.localhost` top-level domains. No
//! real service answers there, so `https://user:pass@api.example.com` and
//! `https://example.com/cb?access_token=…` are most likely illustrations.
//! Most, not all: a real password is sometimes written next to a host
//! replaced by `example.com` before committing, and test corpora plant their
//! secrets there, so the finding stays, one confidence level lower.

use super::{Candidate, Effect, FileContext};

/// Reserved second-level domains.
const DOMAINS: &[&[u8]] = &[b"example.com", b"example.net", b"example.org"];
/// Reserved top-level domains.
const TLDS: &[&[u8]] = &[b"example", b"test", b"invalid", b"localhost"];

fn is_host_byte(b: &u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

/// The host right after `@` at `at` (letters, digits, `.` and `-`).
fn host_after(haystack: &[u8], at: usize) -> Option<&[u8]> {
    let rest = haystack.get(at..)?.strip_prefix(b"@")?;
    let len = rest.iter().take_while(|b| is_host_byte(b)).count();
    (len > 0).then_some(&rest[..len])
}

/// The host of the URL whose query or path holds position `at`: the URL
/// bytes before it back to `scheme://`, then the host after any user
/// information.
fn host_of_url_around(haystack: &[u8], at: usize) -> Option<&[u8]> {
    let floor = at.saturating_sub(2048);
    let mut start = at.min(haystack.len());
    while start > floor
        && !matches!(
            haystack[start - 1],
            b' ' | b'\t' | b'\n' | b'"' | b'\'' | b'`' | b'<' | b'>' | b'(' | b')'
        )
    {
        start -= 1;
    }
    let url = &haystack[start..at];
    let scheme_end = memchr::memmem::find(url, b"://")? + 3;
    let authority = &url[scheme_end..];
    let authority = &authority[..authority
        .iter()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(authority.len())];
    let host = match memchr::memrchr(b'@', authority) {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let len = host.iter().take_while(|b| is_host_byte(b)).count();
    (len > 0).then_some(&host[..len])
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

/// Lowers a URL password or token whose host is reserved.
pub fn check(candidate: &Candidate<'_>, _file: &FileContext<'_>) -> Effect {
    let host = host_after(candidate.haystack, candidate.secret.end)
        .or_else(|| host_of_url_around(candidate.haystack, candidate.secret.start));
    match host {
        Some(host) if is_reserved(host) => Effect::Lower,
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
        assert_eq!(check(&candidate, &file), Effect::Lower);
        let real = text.replace("example.com", "acme-corp.io");
        let candidate = Candidate {
            haystack: real.as_bytes(),
            value: &real.as_bytes()[start..start + 16],
            ..candidate
        };
        assert_eq!(check(&candidate, &file), Effect::Keep);
    }

    #[test]
    fn tokens_in_reserved_urls() {
        let host = |text: &str, value: &str| {
            let at = text.find(value).unwrap();
            host_of_url_around(text.as_bytes(), at).map(|h| String::from_utf8(h.to_vec()).unwrap())
        };
        assert_eq!(
            host(
                "GET https://example.com/protected?access_token=kjfch2345sdf",
                "kjfch"
            )
            .as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host(
                "url = 'https://u:p@api.acme.test:8443/cb?token=Hx7pQ2vRt9Lm'",
                "Hx7p"
            )
            .as_deref(),
            Some("api.acme.test")
        );
        assert_eq!(host("token = \"Hx7pQ2vRt9Lm\"", "Hx7p"), None);
    }
}
