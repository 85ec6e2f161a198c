//! tattle's rule engine.
//!
//! Pattern rules ([`RuleSpec`]) are data, loaded from TOML ([`loader`]);
//! structured checks ([`Check`], in [`checks`]) are code that parses one kind
//! of file. Both compile into a [`RuleSet`], which owns one Aho-Corasick
//! automaton over every pattern rule's keywords and describes every rule alike
//! ([`RuleInfo`]). A [`Matcher`] (one per thread) runs a set over a file's
//! bytes and returns [`RawMatch`]es: rule, byte span and value span. The engine
//! does no I/O and knows nothing of commits or reports.

pub mod check;
pub mod checks;
pub mod context;
pub mod decode;
pub mod entropy;
pub mod error;
pub mod examples;
pub mod info;
pub mod jwt;
pub mod loader;
pub mod matcher;
pub mod prefilter;
pub mod required;
pub mod rule;
pub mod ruleset;
pub mod severity;
pub mod validate;

pub use check::{Check, CheckFile, CheckHit, SourceFile};
pub use context::Filter;
pub use context::placeholder;
pub use decode::Encoding;
pub use error::RuleError;
pub use examples::{ExampleFailure, check_examples};
pub use info::{Example, RuleInfo, RuleKind};
pub use loader::{LocatedSpec, builtin_specs, parse_rule_file};
pub use matcher::{DecodedSecret, Matcher, RawMatch};
pub use rule::{PatternRule, RuleSpec};
pub use ruleset::{Detector, Rule, RuleIndex, RuleSet};
pub use severity::{Confidence, Severity};
pub use validate::Validator;
