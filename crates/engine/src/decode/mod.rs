//! Decoding: secrets written base64- or percent-encoded are found where they
//! are written.
//!
//! The decoder works on candidates, never on every byte. Trigger keywords
//! join the rules' keywords in the prefilter; around a trigger hit, a
//! [`Locate`] strategy picks the encoded span to try ([`Site`]): the value
//! after `Authorization: Basic`, `_auth=`, `"auth":` or a secret-named key,
//! the base64 runs on a line that calls a base64 decoder, the values of a
//! Kubernetes Secret, or a percent-encoded URL. A base64 span is decoded once
//! and kept only when it decodes to text (keys, hashes and images decode to
//! binary and stop there). The decoded text is spliced into its line in place
//! of the encoded span ([`View`]), so that the rules see
//! `password: hunter2…` or `Authorization: Basic user:pass` as if it were
//! written in clear, and every match in the decoded part is mapped back to
//! the encoded characters that carry it.
//!
//! Decoded text is decoded again once at most (two levels): a Kubernetes
//! Secret's `.dockerconfigjson` is base64 of JSON whose `auth` is base64 of
//! `user:password`, and a Secret holding a kubeconfig holds base64 keys.
//! Nothing deeper is decoded, and a file's decoding stops after
//! [`MAX_SITES`] spans or [`MAX_DECODED_BYTES`] bytes (encoded spans and
//! the views scanned).

pub mod base64;
pub mod percent;

use std::ops::Range;

/// How many levels of encoding are undone: a decoded view is scanned for
/// encoded spans once more, not twice.
pub const MAX_DEPTH: usize = 2;
/// Encoded spans decoded per file, at most.
pub const MAX_SITES: usize = 512;
/// Decoded bytes per file, at most.
pub const MAX_DECODED_BYTES: usize = 4 << 20;
/// Longest base64 run decoded.
const MAX_RUN: usize = 256 << 10;
/// How far around a trigger the decoders look: a line's reach, and a
/// Kubernetes document's.
const LINE_REACH: usize = 4 << 10;
const DOCUMENT_REACH: usize = 256 << 10;

/// How a secret was encoded where it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Base64 (standard or URL-safe, padded or not).
    Base64,
    /// Percent-encoding, as in URLs.
    Percent,
}

impl Encoding {
    /// How reports describe it.
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Base64 => "found base64-encoded",
            Encoding::Percent => "found percent-encoded",
        }
    }
}

/// Where to look for an encoded span around a trigger keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locate {
    /// The value right after the keyword: past the rest of a name (when
    /// `name` is set), a closing quote, `=`, `:` or `=>`, spaces and an
    /// opening quote. A base64 run of at least `min_len` characters.
    Value {
        /// Shortest run worth decoding.
        min_len: usize,
        /// The keyword is part of a longer name (`DB_PASSWORD_B64`). When
        /// unset, the keyword is the whole name (`_auth=`, `Basic `), and
        /// something must separate it from the value.
        name: bool,
    },
    /// Every base64 run of 16 characters or more on the line.
    Line,
    /// The values of the Kubernetes Secret around the keyword.
    Document,
    /// The percent-encoded URL around the keyword.
    PercentUrl,
}

/// A keyword that makes the decoder look, and where.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    /// Matched case-insensitively, like rules' keywords.
    pub keyword: &'static str,
    /// Where the encoded span is, relative to the keyword.
    pub locate: Locate,
}

const CREDENTIAL: Locate = Locate::Value {
    min_len: 8,
    name: false,
};
const SECRET_NAME: Locate = Locate::Value {
    min_len: 16,
    name: true,
};

impl Locate {
    /// Whether what this strategy finds is encoded by the format itself (a
    /// Basic header, `_auth`, a Secret's `data`, an escaped URL), rather than
    /// merely decodable (a secret-named value, a literal near a decode call).
    pub fn known_encoded(self) -> bool {
        match self {
            Locate::Value { name, .. } => !name,
            Locate::Document | Locate::PercentUrl => true,
            Locate::Line => false,
        }
    }
}

/// The decoder's triggers.
pub const TRIGGERS: &[Trigger] = &[
    // `Authorization: Basic <base64 of user:password>`, .npmrc `_auth` and
    // `_password`, Docker's config.json `"auth"`.
    Trigger {
        keyword: "basic",
        locate: CREDENTIAL,
    },
    Trigger {
        keyword: ":_auth",
        locate: CREDENTIAL,
    },
    Trigger {
        keyword: "\n_auth",
        locate: CREDENTIAL,
    },
    Trigger {
        keyword: ":_password",
        locate: CREDENTIAL,
    },
    Trigger {
        keyword: "\"auth\"",
        locate: CREDENTIAL,
    },
    // Values of secret-named keys: `API_TOKEN_B64=…`, `password: …`.
    Trigger {
        keyword: "secret",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "token",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "password",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "passwd",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "credential",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "api_key",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "apikey",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "private_key",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "_b64",
        locate: SECRET_NAME,
    },
    Trigger {
        keyword: "_base64",
        locate: SECRET_NAME,
    },
    // Code that decodes a literal.
    Trigger {
        keyword: "b64decode",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "atob(",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "frombase64string",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "base64.decode",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "base64 -d",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "base64 --decode",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "'base64'",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "\"base64\"",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "getdecoder()",
        locate: Locate::Line,
    },
    Trigger {
        keyword: "decodestring(",
        locate: Locate::Line,
    },
    // Kubernetes Secrets, in YAML and JSON.
    Trigger {
        keyword: "kind: secret",
        locate: Locate::Document,
    },
    Trigger {
        keyword: "\"kind\": \"secret\"",
        locate: Locate::Document,
    },
    Trigger {
        keyword: "\"kind\":\"secret\"",
        locate: Locate::Document,
    },
    // A percent-encoded URL (`https%3A%2F%2Fuser%3Atoken%40host`).
    Trigger {
        keyword: "%3a%2f%2f",
        locate: Locate::PercentUrl,
    },
];

/// An encoded span to try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The encoded bytes' span.
    pub encoded: Range<usize>,
    /// Their encoding.
    pub encoding: Encoding,
    /// The format says this span is encoded (see [`Locate::known_encoded`]):
    /// what the rules find in its decoded text replaces whatever they found
    /// in the encoded form.
    pub known_encoded: bool,
}

/// Finds the encoded spans a trigger hit at `hit` points to, within `allowed`.
pub fn locate(
    haystack: &[u8],
    locate: Locate,
    hit: Range<usize>,
    allowed: &Range<usize>,
    out: &mut Vec<Site>,
) {
    let within = |r: &Range<usize>| r.start >= allowed.start && r.end <= allowed.end;
    let known_encoded = locate.known_encoded();
    let mut push = |encoded: Range<usize>, encoding| {
        if within(&encoded) {
            out.push(Site {
                encoded,
                encoding,
                known_encoded,
            });
        }
    };
    match locate {
        Locate::Value { min_len, name } => {
            if let Some(start) = value_start(haystack, hit.end, name) {
                let run = base64::run_at(haystack, start, MAX_RUN);
                if run.len() >= min_len {
                    push(run, Encoding::Base64);
                }
            }
        }
        Locate::Line => {
            let line = line_range(haystack, hit.start, LINE_REACH);
            for run in base64::runs_in(haystack, line, 16) {
                push(run, Encoding::Base64);
            }
        }
        Locate::Document => {
            for run in document_values(haystack, hit.start) {
                push(run, Encoding::Base64);
            }
        }
        Locate::PercentUrl => {
            push(
                percent::url_around(haystack, hit.start, LINE_REACH),
                Encoding::Percent,
            );
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Where the value assigned after a keyword ending at `from` starts. With
/// `name`, the keyword may be followed by the rest of a name; without, the
/// value must be separated from the keyword.
fn value_start(haystack: &[u8], from: usize, name: bool) -> Option<usize> {
    let mut i = from;
    let mut skip = |pred: &dyn Fn(u8) -> bool, max: usize| {
        let mut n = 0;
        while i < haystack.len() && n < max && pred(haystack[i]) {
            i += 1;
            n += 1;
        }
        n
    };
    if name {
        skip(&is_name_byte, 48);
    }
    skip(&|b| matches!(b, b'"' | b'\'' | b'`' | b']'), 2);
    skip(&|b| b == b' ' || b == b'\t', 8);
    skip(&|b| matches!(b, b'=' | b':' | b'>'), 2);
    skip(&|b| b == b' ' || b == b'\t', 8);
    skip(&|b| matches!(b, b'"' | b'\'' | b'`'), 1);
    let separated = name || i > from;
    (separated && i < haystack.len() && base64::is_base64_byte(haystack[i])).then_some(i)
}

/// The line holding `pos`, at most `reach` bytes each way.
fn line_range(haystack: &[u8], pos: usize, reach: usize) -> Range<usize> {
    let floor = pos.saturating_sub(reach);
    let start = memchr::memrchr(b'\n', &haystack[floor..pos]).map_or(floor, |i| floor + i + 1);
    let ceiling = pos.saturating_add(reach).min(haystack.len());
    let end = memchr::memchr(b'\n', &haystack[pos..ceiling]).map_or(ceiling, |i| pos + i);
    start..end
}

/// The scalar values of the YAML or JSON document around `pos` that are
/// wholly base64 (`  password: aHVudGVy…`, `"tls.key": "LS0t…",`): a
/// Secret's `data`, not its `stringData` (written in clear). Documents end
/// at `---` lines.
fn document_values(haystack: &[u8], pos: usize) -> Vec<Range<usize>> {
    let floor = pos.saturating_sub(DOCUMENT_REACH);
    let ceiling = pos.saturating_add(DOCUMENT_REACH).min(haystack.len());
    let start =
        memchr::memmem::rfind(&haystack[floor..pos], b"\n---").map_or(floor, |i| floor + i + 4);
    let end = memchr::memmem::find(&haystack[pos..ceiling], b"\n---").map_or(ceiling, |i| pos + i);
    let mut values = Vec::new();
    let mut line_start = start;
    // Indentation of a `stringData` key whose block is being skipped.
    let mut clear_block: Option<usize> = None;
    while line_start < end {
        let line_end =
            memchr::memchr(b'\n', &haystack[line_start..end]).map_or(end, |i| line_start + i);
        let line = &haystack[line_start..line_end];
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        let key = line[indent..].trim_ascii();
        if clear_block.is_some_and(|block| indent <= block && !key.is_empty()) {
            clear_block = None;
        }
        if key.starts_with(b"stringData") || key.starts_with(b"\"stringData\"") {
            clear_block = Some(indent);
        } else if clear_block.is_none()
            && let Some(value) = mapping_value(haystack, line_start..line_end)
        {
            values.push(value);
        }
        line_start = line_end + 1;
    }
    values
}

/// The value of a `key: value` line when it is a base64 run of 8 characters
/// or more, quoted or not, optionally followed by a comma.
fn mapping_value(haystack: &[u8], line: Range<usize>) -> Option<Range<usize>> {
    let text = &haystack[line.clone()];
    let colon = memchr::memchr(b':', text)?;
    let mut start = line.start + colon + 1;
    while start < line.end && matches!(haystack[start], b' ' | b'\t' | b'"' | b'\'') {
        start += 1;
    }
    let run = base64::run_at(haystack, start, line.end - start);
    let rest = &haystack[run.end..line.end];
    let rest_ok = rest
        .iter()
        .all(|b| matches!(b, b'"' | b'\'' | b',' | b' ' | b'\t' | b'\r'));
    (run.len() >= 8 && rest_ok).then_some(run)
}

/// A decoded span spliced into its line: the bytes the rules see instead of
/// the encoded line, and the way back to the encoded characters.
#[derive(Debug)]
pub struct View {
    /// The line with the decoded text in place of the encoded span.
    pub bytes: Vec<u8>,
    /// The decoded text's span in `bytes`.
    pub decoded: Range<usize>,
    /// The encoding undone.
    pub encoding: Encoding,
    line_start: usize,
    encoded: Range<usize>,
    percent: Option<percent::Decoded>,
}

impl View {
    /// Decodes a site of `haystack`; `None` when it does not decode to text.
    pub fn decode(haystack: &[u8], site: &Site) -> Option<View> {
        let encoded = &haystack[site.encoded.clone()];
        let (text, percent) = match site.encoding {
            Encoding::Base64 => (base64::decode_text(encoded)?, None),
            Encoding::Percent => {
                let decoded = percent::decode(encoded)?;
                if !base64::is_text(&decoded.bytes) {
                    return None;
                }
                (decoded.bytes.clone(), Some(decoded))
            }
        };
        let line = line_range(haystack, site.encoded.start, LINE_REACH);
        let line_end = line.end.max(site.encoded.end);
        let mut bytes = Vec::with_capacity(line_end - line.start + text.len());
        bytes.extend_from_slice(&haystack[line.start..site.encoded.start]);
        let decoded = bytes.len()..bytes.len() + text.len();
        bytes.extend_from_slice(&text);
        bytes.extend_from_slice(&haystack[site.encoded.end..line_end]);
        Some(View {
            bytes,
            decoded,
            encoding: site.encoding,
            line_start: line.start,
            encoded: site.encoded.clone(),
            percent,
        })
    }

    /// The span in the original haystack of a span of the view, when it
    /// touches the decoded text (`None` otherwise: such a match is the plain
    /// text's, found without decoding).
    pub fn to_original(&self, span: Range<usize>) -> Option<Range<usize>> {
        let Range { start: ds, end: de } = self.decoded;
        if span.end <= ds || span.start >= de {
            return None;
        }
        let inner = span.start.max(ds) - ds..span.end.min(de) - ds;
        let mapped = match &self.percent {
            None => base64::encoded_range(self.encoded.clone(), inner),
            Some(decoded) => {
                let r = decoded.encoded_range(inner);
                self.encoded.start + r.start..self.encoded.start + r.end
            }
        };
        let start = if span.start < ds {
            self.line_start + span.start
        } else {
            mapped.start
        };
        let end = if span.end > de {
            self.encoded.end + (span.end - de)
        } else {
            mapped.end
        };
        Some(start..end.max(start))
    }

    /// The encoded span this view decodes.
    pub fn encoded(&self) -> Range<usize> {
        self.encoded.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(text: &str, locate: Locate, keyword: &str) -> Vec<String> {
        let at = text.to_ascii_lowercase().find(keyword).unwrap();
        let mut out = Vec::new();
        super::locate(
            text.as_bytes(),
            locate,
            at..at + keyword.len(),
            &(0..text.len()),
            &mut out,
        );
        out.iter()
            .map(|s| text[s.encoded.clone()].to_string())
            .collect()
    }

    #[test]
    fn values_after_credential_keywords() {
        assert_eq!(
            sites(
                "Authorization: Basic dXNlcjpwYXNzd29yZDE=",
                CREDENTIAL,
                "basic"
            ),
            ["dXNlcjpwYXNzd29yZDE="]
        );
        assert_eq!(
            sites(
                "//registry.acme.io/:_auth=\"ZGVwbG95OnM0\"",
                CREDENTIAL,
                ":_auth"
            ),
            ["ZGVwbG95OnM0"]
        );
        assert_eq!(
            sites(
                r#"{"auths": {"ghcr.io": {"auth": "dXNlcjpwYXNzd29yZDE="}}}"#,
                CREDENTIAL,
                "\"auth\""
            ),
            ["dXNlcjpwYXNzd29yZDE="]
        );
        assert_eq!(
            sites(
                "DB_PASSWORD_B64 => 'aHVudGVyMmh1bnRlcjI='",
                SECRET_NAME,
                "password"
            ),
            ["aHVudGVyMmh1bnRlcjI="]
        );
        assert!(sites("password: short", SECRET_NAME, "password").is_empty());
        assert!(sites("basic usage of the tool", CREDENTIAL, "basic").is_empty());
        // `_authToken` is not `_auth`: its value is a token, not base64.
        assert!(
            sites(
                "//r/:_authToken=cmVmdGtuOjAxOjE3MDAwMDAwMDA6",
                CREDENTIAL,
                ":_auth"
            )
            .is_empty()
        );
        assert!(sites("basic_auth_header_value_1234", CREDENTIAL, "basic").is_empty());
    }

    #[test]
    fn kubernetes_secret_values() {
        let doc = "apiVersion: v1\ndata:\n  username: YWRtaW4=\n  password: aHVudGVyMmh1bnRlcjI=\nkind: Secret\nstringData:\n  token: eyJhIjoiMzcwOTBkN2I5YzQ3YzE2Y2Rl\nmetadata:\n  name: db\n---\nkind: ConfigMap\ndata:\n  x: aHVudGVyMmh1bnRlcjI=\n";
        assert_eq!(
            sites(doc, Locate::Document, "kind: secret"),
            ["YWRtaW4=", "aHVudGVyMmh1bnRlcjI="]
        );
        let json = r#"{"kind": "Secret", "data": {
  "token": "aHVudGVyMmh1bnRlcjI=",
  "note": "not base64 at all"
}}"#;
        assert_eq!(
            sites(json, Locate::Document, "\"kind\": \"secret\""),
            ["aHVudGVyMmh1bnRlcjI="]
        );
    }

    #[test]
    fn views_splice_decoded_text_and_map_back() {
        let text = "x\nAuthorization: Basic dXNlcjpodW50ZXIyLWlzLXdlYWs= end\n";
        let start = text.find("dXNl").unwrap();
        let site = Site {
            encoded: start..start + 28,
            encoding: Encoding::Base64,
            known_encoded: true,
        };
        let view = View::decode(text.as_bytes(), &site).unwrap();
        assert_eq!(view.bytes, b"Authorization: Basic user:hunter2-is-weak end");
        let password = 26..41;
        assert_eq!(&view.bytes[password.clone()], b"hunter2-is-weak");
        let mapped = view.to_original(password).unwrap();
        assert_eq!(mapped, start + 6..start + 27);
        // Matches outside the decoded text are the plain text's.
        assert_eq!(view.to_original(0..13), None);
        // A match that starts before the decoded text starts there too.
        assert_eq!(view.to_original(15..25).unwrap().start, 2 + 15);
    }

    #[test]
    fn percent_encoded_urls_decode_in_place() {
        let text = "next=https%3A%2F%2Fdeploy%3As3cr%40t-T0ken%40git.acme.io%2Frepo";
        let site = Site {
            encoded: 0..text.len(),
            encoding: Encoding::Percent,
            known_encoded: true,
        };
        let view = View::decode(text.as_bytes(), &site).unwrap();
        assert_eq!(
            view.bytes,
            b"next=https://deploy:s3cr@t-T0ken@git.acme.io/repo"
        );
        let secret = 20..32;
        assert_eq!(&view.bytes[secret.clone()], b"s3cr@t-T0ken");
        let mapped = view.to_original(secret).unwrap();
        assert_eq!(&text[mapped], "s3cr%40t-T0ken");
    }

    #[test]
    fn binary_does_not_make_a_view() {
        let text = "Basic iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB";
        let site = Site {
            encoded: 6..text.len(),
            encoding: Encoding::Base64,
            known_encoded: true,
        };
        assert!(View::decode(text.as_bytes(), &site).is_none());
    }
}
