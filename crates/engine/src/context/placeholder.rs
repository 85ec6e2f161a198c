//! Filter `placeholder` (drops): values that look like a secret's slot, not a
//! secret: documentation words (`your-api-key-here`, `EXAMPLE`, `changeme`),
//! template markers (`${API_KEY}`, `{{ .Values.apiKey }}`, `<YOUR_TOKEN>`) and
//! typed sequences (`12345678`, `abcdefgh`).
//!
//! Hand-masked values (`xxxxx`, `*****`) are the job of [`super::masked`].
//! [`is_placeholder`] asks both, for the configuration checks, which have no
//! rule to opt out with.

use super::masked::is_masked;

/// Words that mark a documentation or template value (matched case-insensitively).
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "your_",
    "your-",
    "yourapi",
    "yourkey",
    "yoursecret",
    "yourtoken",
    "placeholder",
    "redacted",
    "replace_me",
    "replace-me",
    "replaceme",
    "changeme",
    "change_me",
    "change-me",
    "insert_",
    "insert-",
    "dummy",
    "notarealkey",
    "not_a_real",
    "not-a-real",
    "fake_",
    "fake-",
    "sample",
];

/// Character sequences that only a person types.
const SEQUENCES: &[&str] = &["0123456789", "12345678", "abcdefgh", "qwertyui"];

/// Template and interpolation markers: the value is filled in elsewhere.
const TEMPLATE_MARKERS: &[&str] = &["${", "{{", "}}", "$(", "%s", "%(", "#{", "<%"];

/// Whether `value` is filled in elsewhere: an interpolation or template
/// marker (`${VAR}`, `{{ .Values.x }}`, `%(x)s`, `#{x}`, `<%= x %>`) or a
/// `<slot>`. Narrower than [`is_placeholder`]: it says nothing about words
/// such as `changeme`, which the configuration checks report as defaults.
pub fn is_template(value: &[u8]) -> bool {
    if TEMPLATE_MARKERS
        .iter()
        .any(|m| contains(value, m.as_bytes()))
    {
        return true;
    }
    value.len() > 1 && value.first() == Some(&b'<') && value.last() == Some(&b'>')
}

/// Whether `secret` is an obvious placeholder or a masked value rather than a
/// real credential: [`has_placeholder_marks`] or [`is_masked`].
pub fn is_placeholder(secret: &[u8]) -> bool {
    has_placeholder_marks(secret) || is_masked(secret)
}

/// Whether `secret` carries a documentation word, a template marker or a
/// typed sequence. The `placeholder` filter.
pub fn has_placeholder_marks(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    if is_template(&lower) {
        return true;
    }
    PLACEHOLDER_WORDS
        .iter()
        .chain(SEQUENCES)
        .any(|w| contains(&lower, w.as_bytes()))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_recognised() {
        for value in [
            "your-api-key-here",
            "<YOUR_TOKEN>",
            "${OPENAI_API_KEY}",
            "{{ .Values.apiKey }}",
            "AKIAIOSFODNN7EXAMPLE",
            "sk-1234567890abcdef",
            "ghp_REPLACE_ME_WITH_TOKEN",
        ] {
            assert!(
                has_placeholder_marks(value.as_bytes()),
                "{value} should be a placeholder"
            );
        }
    }

    #[test]
    fn masked_values_are_placeholders_too_but_not_placeholder_marks() {
        for value in ["sk-proj-xxxxxxxxxxxxxxxxxxxx", "****************"] {
            assert!(is_placeholder(value.as_bytes()), "{value}");
            assert!(!has_placeholder_marks(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn real_looking_secrets_are_kept() {
        for value in [
            "sk-proj-4fGh2Kd9LmQx7RtY1zWv3NbP8cJs6EaU0iOqTyHg",
            "ghp_R8mF2xK9qL3vT7nB1cW4yH6jD0sP5aZ2eU8g",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzK3yQ9t7s",
            "hunter2isnotgood",
        ] {
            assert!(
                !is_placeholder(value.as_bytes()),
                "{value} is not a placeholder"
            );
        }
    }

    #[test]
    fn templates_are_filled_in_elsewhere() {
        assert!(is_template(b"${DB_PASSWORD}"));
        assert!(is_template(b"<password>"));
        assert!(!is_template(b"changeme"));
    }
}
