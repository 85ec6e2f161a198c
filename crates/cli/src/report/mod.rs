//! Reporters: one per format, all behind [`Reporter`], all reading one [`Report`].

mod json;
pub mod sarif;
mod text;

pub use json::JsonReporter;
pub use sarif::SarifReporter;
pub use text::TextReporter;

use crate::args::Format;
use crate::scan::ScanOutcome;
use std::io::{self, Write};
use tattle_engine::RuleSet;

/// What a reporter needs: the outcome of each scanned target and the rules
/// that produced them.
pub struct Report<'a> {
    /// One run per scanned target: usually one; one per repository when
    /// `tattle history` audits several.
    pub runs: &'a [ReportRun<'a>],
    /// The kind of run, used as the SARIF automation category (`scan`, `history`…).
    pub mode: &'a str,
}

/// The outcome of scanning one target, with the rules that produced it.
pub struct ReportRun<'a> {
    /// The target's name when a report covers several (a repository's path).
    pub name: Option<String>,
    /// Findings, skipped files, errors and totals.
    pub outcome: ScanOutcome,
    /// The rule set that ran (for names, descriptions and SARIF metadata).
    pub rules: &'a RuleSet,
}

impl<'a> ReportRun<'a> {
    /// The run of a single, unnamed target.
    pub fn single(outcome: ScanOutcome, rules: &'a RuleSet) -> Self {
        ReportRun {
            name: None,
            outcome,
            rules,
        }
    }
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

/// How many findings there are of each severity, most severe first,
/// severities without findings left out.
pub fn severity_counts(
    findings: &[crate::finding::Finding],
) -> Vec<(tattle_engine::Severity, usize)> {
    tattle_engine::Severity::ALL
        .iter()
        .map(|&severity| {
            let count = findings.iter().filter(|f| f.severity == severity).count();
            (severity, count)
        })
        .filter(|&(_, count)| count > 0)
        .collect()
}
