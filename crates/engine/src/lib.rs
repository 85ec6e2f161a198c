//! tattle's rule engine.
//!
//! Rules ([`RuleSpec`]) are data, loaded from TOML ([`loader`]) and compiled
//! into a [`RuleSet`], which owns one Aho-Corasick automaton over every rule's
//! keywords. A [`Matcher`] (one per thread) runs a set over a blob's bytes and
//! returns [`RawMatch`]es: rule, byte span and secret span. The engine does no
//! I/O and knows nothing of files, commits or reports.

pub mod entropy;
pub mod error;
pub mod examples;
pub mod jwt;
pub mod loader;
pub mod matcher;
pub mod placeholder;
pub mod rule;
pub mod ruleset;
pub mod severity;
pub mod validate;

pub use error::RuleError;
pub use examples::{ExampleFailure, check_examples};
pub use loader::{LocatedSpec, builtin_specs, parse_rule_file};
pub use matcher::{Matcher, RawMatch};
pub use rule::{PatternRule, RuleSpec};
pub use ruleset::{RuleIndex, RuleSet};
pub use severity::{Confidence, Severity};
pub use validate::Validator;
