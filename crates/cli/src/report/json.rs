//! The JSON report: one document with a stable, documented schema (see README.md).

use super::{Report, Reporter};
use crate::finding::Finding;
use crate::scan::{ScanError, ScanStats, Skipped};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Version of the JSON schema; bumped on incompatible changes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Writes the JSON report.
pub struct JsonReporter;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    mode: &'a str,
    findings: &'a [Finding],
    skipped: &'a [Skipped],
    errors: &'a [ScanError],
    warnings: &'a [String],
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    #[serde(flatten)]
    stats: &'a ScanStats,
    duration_ms: u128,
}

impl Reporter for JsonReporter {
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let outcome = report.outcome;
        let mut by_severity = BTreeMap::new();
        for finding in &outcome.findings {
            *by_severity.entry(finding.severity.as_str()).or_insert(0) += 1;
        }
        let document = JsonReport {
            schema_version: JSON_SCHEMA_VERSION,
            tool: Tool {
                name: "tattle",
                version: env!("CARGO_PKG_VERSION"),
            },
            mode: report.mode,
            findings: &outcome.findings,
            skipped: &outcome.skipped,
            errors: &outcome.errors,
            warnings: &outcome.warnings,
            summary: Summary {
                findings: outcome.findings.len(),
                by_severity,
                stats: &outcome.stats,
                duration_ms: outcome.stats.duration.as_millis(),
            },
        };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}
