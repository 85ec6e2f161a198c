//! The built-in structured checks, one file per check.
//!
//! Each check documents itself through [`Check::info`] and proves itself with
//! its examples, which the test suite runs through the whole engine.

// Checks, one per file.
mod dotenv_committed;

// What the checks share: parsers for the formats they read, and what names
// and values mean.
pub mod dockerfile;
pub mod image_ref;
pub mod keyvalue;
pub mod kinds;
pub mod names;
pub mod yaml;

pub use dotenv_committed::DotenvCommitted;

use crate::check::Check;

/// Every built-in structured check, in a stable order.
pub fn builtin_checks() -> Vec<Box<dyn Check>> {
    vec![Box::new(DotenvCommitted)]
}

/// Shorthand for the `&'static str` lists in checks' metadata.
pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}
