//! Errors from loading and checking rules.

use thiserror::Error;

/// A rule file or a rule in it could not be used.
#[derive(Debug, Error)]
pub enum RuleError {
    /// The file is not valid TOML or does not have the rule-file shape.
    #[error("{origin}: {message}")]
    Parse {
        /// File name (or `built-in:NAME`).
        origin: String,
        /// The parser's message, with line and column where known.
        message: String,
    },
    /// One rule in the file is malformed.
    #[error("{origin}: rule `{rule}`: {message}")]
    Invalid {
        /// File name (or `built-in:NAME`).
        origin: String,
        /// The rule's id.
        rule: String,
        /// What is wrong.
        message: String,
    },
    /// Two rules share an id.
    #[error("{origin}: rule `{rule}` is defined twice (first in {first})")]
    Duplicate {
        /// Where the second definition is.
        origin: String,
        /// The id.
        rule: String,
        /// Where the first definition is.
        first: String,
    },
    /// The keyword prefilter could not be built.
    #[error("building the keyword prefilter: {0}")]
    Prefilter(String),
}
