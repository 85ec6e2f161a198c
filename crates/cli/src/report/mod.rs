//! Reporters: one per format, all behind [`Reporter`], all reading one [`Report`].

mod json;
mod sarif;
mod text;

pub use json::JsonReporter;
pub use sarif::SarifReporter;
pub use text::TextReporter;

use crate::args::Format;
use crate::scan::ScanOutcome;
use std::io::{self, Write};
use tattle_engine::RuleSet;

/// What a reporter needs: the outcome and the rules that produced it.
pub struct Report<'a> {
    /// Findings, skipped files, errors and totals.
    pub outcome: &'a ScanOutcome,
    /// The rule set that ran (for names, descriptions and SARIF metadata).
    pub rules: &'a RuleSet,
    /// The kind of run, used as the SARIF automation category (`scan`, `history`…).
    pub mode: &'a str,
}

/// Writes a report in one format.
pub trait Reporter {
    /// Writes `report` to `out`.
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// The reporter for a format.
pub fn reporter_for(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Text => Box::new(TextReporter),
        Format::Json => Box::new(JsonReporter),
        Format::Sarif => Box::new(SarifReporter),
    }
}
