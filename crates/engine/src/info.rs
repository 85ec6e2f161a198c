//! What every rule has, whether it is a pattern rule or a structured check:
//! identity, documentation and impact. Reporters, `tattle rules` and the docs
//! read rules only through [`RuleInfo`], so both kinds look alike to them.

use crate::severity::{Confidence, Severity};
use serde::Serialize;

/// Identity, documentation and impact of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleInfo {
    /// Stable, namespaced id such as `openai.api-key`.
    pub id: String,
    /// Short human name such as "OpenAI API key".
    pub name: String,
    /// What the rule finds and why it matters.
    pub description: String,
    /// How to fix a finding.
    pub remediation: Option<String>,
    /// Impact of a finding.
    pub severity: Severity,
    /// How sure a finding of this rule is to be real.
    pub confidence: Confidence,
    /// Links to documentation.
    pub references: Vec<String>,
    /// Free-form tags, reported in SARIF.
    pub tags: Vec<String>,
    /// Whether the rule finds credentials or risky configuration.
    pub kind: RuleKind,
    /// Whether the matched value is sensitive: redacted in reports unless the
    /// user asks otherwise. True for credentials and passwords, false for
    /// evidence such as an image reference or a user name.
    pub sensitive: bool,
}

/// The two families of rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// Finds a credential.
    Secret,
    /// Finds risky configuration: default passwords, mutable image tags, root containers…
    Config,
}

impl RuleKind {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Secret => "secret",
            RuleKind::Config => "config",
        }
    }
}

/// A text a rule is checked against, with the path it is read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The path the text is scanned as (it decides which checks run).
    pub path: String,
    /// The file's contents.
    pub text: String,
}

impl Example {
    /// An example text read as the file at `path`.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Example {
            path: path.into(),
            text: text.into(),
        }
    }
}
