//! Reading rule files: `[[rule]]` tables in TOML, from the built-in set or a user's file.

use crate::error::RuleError;
use crate::rule::RuleSpec;
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// A `[[rule]]` table as read, with its byte span in the source file.
pub type RawRuleTable = toml::Spanned<toml::Table>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<RawRuleTable>,
}

/// A rule spec with the place it was defined (`file:line`).
#[derive(Debug, Clone)]
pub struct LocatedSpec {
    /// The rule as written.
    pub spec: RuleSpec,
    /// `file:line` of its `[[rule]]` table.
    pub origin: String,
    /// A built-in rule: tested, so its regexes may compile on first use.
    pub builtin: bool,
}

/// Parses a rule file. `origin` names it in errors.
pub fn parse_rule_file(text: &str, origin: &str) -> Result<Vec<LocatedSpec>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: describe_toml_error(&e, text),
    })?;
    specs_from_tables(file.rule, text, origin)
}

/// Turns `[[rule]]` tables (from a rule file or a config file) into specs,
/// naming the file, the line and the rule in any error.
pub fn specs_from_tables(
    tables: Vec<RawRuleTable>,
    text: &str,
    origin: &str,
) -> Result<Vec<LocatedSpec>, RuleError> {
    tables
        .into_iter()
        .map(|table| {
            let line = line_of(text, table.span().start);
            let located = format!("{origin}:{line}");
            let table = table.into_inner();
            let id = table
                .get("id")
                .and_then(toml::Value::as_str)
                .unwrap_or("<missing id>")
                .to_string();
            let spec = RuleSpec::deserialize(toml::Value::Table(table)).map_err(|e| {
                RuleError::Invalid {
                    origin: located.clone(),
                    rule: id,
                    message: without_quoted_values(e.message().trim()),
                }
            })?;
            Ok(LocatedSpec {
                spec,
                origin: located,
                builtin: false,
            })
        })
        .collect()
}

/// A TOML error as tattle reports it: the line and column, and the parser's
/// message without the values it quotes. A config or rule file can hold
/// secrets (an allowlisted token, an example), and errors end up in CI logs.
pub fn describe_toml_error(error: &toml::de::Error, text: &str) -> String {
    let message = without_quoted_values(error.message().trim());
    match error.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let line_start = text[..span.start.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let column = text[line_start..span.start.min(text.len())].chars().count() + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// `invalid type: string "sk-…", expected …` → `invalid type: string "…", expected …`.
fn without_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            if quoted {
                out.push('…');
            }
            quoted = !quoted;
            out.push(c);
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// All built-in rule specs, in file order.
pub fn builtin_specs() -> Result<Vec<LocatedSpec>, RuleError> {
    let mut specs = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        let parsed = parse_rule_file(text, &format!("rules/{name}"))?;
        specs.extend(parsed.into_iter().map(|spec| LocatedSpec {
            builtin: true,
            ..spec
        }));
    }
    Ok(specs)
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelled_field_names_file_line_rule_and_field() {
        let text = r#"
[[rule]]
id = "acme.token"
name = "Acme token"
description = "An Acme token."
severity = "high"
regex = '(?P<secret>acme_[a-z0-9]{20})'
negative_exmples = ["nothing"]
"#;
        let err = parse_rule_file(text, "custom.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("custom.toml:2"), "{err}");
        assert!(err.contains("acme.token"), "{err}");
        assert!(err.contains("negative_exmples"), "{err}");
    }

    #[test]
    fn toml_errors_name_the_place_but_not_the_value() {
        let text = "[[rule]]\nid = \"a.b\"\nname = 1\nsecret = \"sk_live_abcdef\"\nkeywords = \"sk_live_abcdef\"\n";
        let err = parse_rule_file(text, "x.toml").unwrap_err().to_string();
        assert!(!err.contains("sk_live_abcdef"), "{err}");
        let err = parse_rule_file("[[rule]\nid = \"sk_live_abcdef", "y.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("y.toml: line 1"), "{err}");
        assert!(!err.contains("sk_live_abcdef"), "{err}");
    }

    #[test]
    fn unknown_top_level_keys_are_rejected() {
        let err = parse_rule_file("[[rules]]\nid = 'a.b'\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("rules"), "{err}");
    }
}
