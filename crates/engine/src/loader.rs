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
}

/// Parses a rule file. `origin` names it in errors.
pub fn parse_rule_file(text: &str, origin: &str) -> Result<Vec<LocatedSpec>, RuleError> {
    let file: RuleFile = toml::from_str(text).map_err(|e| RuleError::Parse {
        origin: origin.to_string(),
        message: e.to_string(),
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
                    message: e.to_string().trim().to_string(),
                }
            })?;
            Ok(LocatedSpec {
                spec,
                origin: located,
            })
        })
        .collect()
}

/// All built-in rule specs, in file order.
pub fn builtin_specs() -> Result<Vec<LocatedSpec>, RuleError> {
    let mut specs = Vec::new();
    for (name, text) in BUILTIN_RULE_FILES {
        specs.extend(parse_rule_file(text, &format!("rules/{name}"))?);
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
    fn unknown_top_level_keys_are_rejected() {
        let err = parse_rule_file("[[rules]]\nid = 'a.b'\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("rules"), "{err}");
    }
}
