//! Filter `masked` (drops): values masked by hand (`xxxxx`, `*****`,
//! `.....`, `•••`) or made of very few distinct characters (`aaaaaaaa`,
//! `abababab`).
//!
//! A rule whose real tokens contain such a run opts out: Heroku's tokens end
//! in `_____` plus random characters (the encoding of fixed bytes).

/// Whether `secret` is masked or nearly constant.
pub fn is_masked(secret: &[u8]) -> bool {
    has_masking_run(secret) || is_mostly_one_char(secret)
}

/// `xxxxx`, `*****`, `.....`, `00000`, `•••` or `…`: a value masked by hand.
fn has_masking_run(secret: &[u8]) -> bool {
    let mut run = 0usize;
    let mut prev = 0u8;
    for &b in secret {
        let b = b.to_ascii_lowercase();
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
    // The bullet character, U+2022, as UTF-8; and the ellipsis, U+2026,
    // anywhere: a value elided by hand (`sk-…`, `Password=…`), never typed
    // into a real credential.
    memchr::memmem::find(secret, "\u{2022}\u{2022}\u{2022}".as_bytes()).is_some()
        || memchr::memmem::find(secret, "\u{2026}".as_bytes()).is_some()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_values_are_recognised() {
        for value in [
            "sk-proj-xxxxxxxxxxxxxxxxxxxx",
            "XXXXXXXXXXXXXXXX",
            "****************",
            "ghp_***",
            "AKIA00000000ABCD",
            "token_____",
            "aaaaaaaaaaaaaaaaaaaa",
            "abababababab",
            "pass\u{2022}\u{2022}\u{2022}\u{2022}",
            "sk-proj-4fGh\u{2026}",
            "\u{2026}`),",
        ] {
            assert!(is_masked(value.as_bytes()), "{value} should be masked");
        }
    }

    #[test]
    fn random_values_are_not_masked() {
        for value in [
            "sk-proj-4fGh2Kd9LmQx7RtY1zWv3NbP8cJs6EaU0iOqTyHg",
            "a9F3kLq2Zx7Vb1Nm",
            "abc",
            "xxxx-7Hk2Pq9L",
        ] {
            assert!(!is_masked(value.as_bytes()), "{value}");
        }
    }
}
