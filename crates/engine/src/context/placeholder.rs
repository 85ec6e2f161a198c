//! The shared placeholder filter: values that look like a secret's slot, not a secret.
//!
//! Every pattern rule runs its candidates through [`is_placeholder`], so docs
//! and templates such as `sk-proj-xxxxxxxx`, `<YOUR_TOKEN>`, `${API_KEY}` or
//! `{{ .Values.apiKey }}` raise no alarm.

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

/// Whether `secret` is an obvious placeholder rather than a real credential.
pub fn is_placeholder(secret: &[u8]) -> bool {
    if secret.is_empty() {
        return true;
    }
    let lower = secret.to_ascii_lowercase();
    if is_template(&lower) {
        return true;
    }
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| contains(&lower, w.as_bytes()))
    {
        return true;
    }
    if SEQUENCES.iter().any(|s| contains(&lower, s.as_bytes())) {
        return true;
    }
    has_masking_run(&lower) || is_mostly_one_char(secret)
}

/// `xxxxx`, `*****`, `.....` or `•••`: a value masked by hand.
fn has_masking_run(lower: &[u8]) -> bool {
    let mut run = 0usize;
    let mut prev = 0u8;
    for &b in lower {
        run = if b == prev { run + 1 } else { 1 };
        prev = b;
        let needed = match b {
            b'x' | b'0' | b'.' | b'_' => 5,
            b'*' | b'#' => 3,
            _ => usize::MAX,
        };
        if run >= needed {
            return true;
        }
    }
    // The bullet character, U+2022, as UTF-8.
    contains(lower, "\u{2022}\u{2022}\u{2022}".as_bytes())
}

/// A value made of very few distinct characters, such as `aaaaaaaaaaaa` or `abababab`.
fn is_mostly_one_char(secret: &[u8]) -> bool {
    if secret.len() < 8 {
        return false;
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in secret {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
        }
    }
    distinct <= 3
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
            "sk-proj-xxxxxxxxxxxxxxxxxxxx",
            "<YOUR_TOKEN>",
            "${OPENAI_API_KEY}",
            "{{ .Values.apiKey }}",
            "****************",
            "AKIAIOSFODNN7EXAMPLE",
            "aaaaaaaaaaaaaaaaaaaa",
            "sk-1234567890abcdef",
            "ghp_REPLACE_ME_WITH_TOKEN",
        ] {
            assert!(
                is_placeholder(value.as_bytes()),
                "{value} should be a placeholder"
            );
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
}
