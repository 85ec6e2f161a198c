//! The JSON report: one document with a stable, documented schema (see README.md).

use super::{Report, Reporter};
use crate::finding::Finding;
use crate::scan::{ScanError, ScanOutcome, ScanStats, Skipped};
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
    #[serde(flatten)]
    run: RunReport<'a>,
}

/// The findings and totals of one scanned target.
#[derive(Serialize)]
struct RunReport<'a> {
    findings: &'a [Finding],
    skipped: &'a [Skipped],
    errors: &'a [ScanError],
    warnings: &'a [String],
    summary: Summary<'a>,
}

/// Several repositories in one document.
#[derive(Serialize)]
struct MultiReport<'a> {
    schema_version: u32,
    tool: Tool,
    mode: &'a str,
    repositories: Vec<NamedRun<'a>>,
    summary: Totals,
}

#[derive(Serialize)]
struct NamedRun<'a> {
    repository: &'a str,
    #[serde(flatten)]
    run: RunReport<'a>,
}

#[derive(Serialize)]
struct Totals {
    repositories: usize,
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    errors: usize,
    warnings: usize,
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
        let tool = Tool {
            name: "tattle",
            version: env!("CARGO_PKG_VERSION"),
        };
        match report.runs {
            [single] if single.name.is_none() => {
                let document = JsonReport {
                    schema_version: JSON_SCHEMA_VERSION,
                    tool,
                    mode: report.mode,
                    run: run_report(&single.outcome),
                };
                serde_json::to_writer_pretty(&mut *out, &document)?;
            }
            runs => {
                let mut by_severity = BTreeMap::new();
                for run in runs {
                    for finding in &run.outcome.findings {
                        *by_severity.entry(finding.severity.as_str()).or_insert(0) += 1;
                    }
                }
                let document = MultiReport {
                    schema_version: JSON_SCHEMA_VERSION,
                    tool,
                    mode: report.mode,
                    repositories: runs
                        .iter()
                        .map(|run| NamedRun {
                            repository: run.name.as_deref().unwrap_or("."),
                            run: run_report(&run.outcome),
                        })
                        .collect(),
                    summary: Totals {
                        repositories: runs.len(),
                        findings: runs.iter().map(|r| r.outcome.findings.len()).sum(),
                        by_severity,
                        errors: runs.iter().map(|r| r.outcome.errors.len()).sum(),
                        warnings: runs.iter().map(|r| r.outcome.warnings.len()).sum(),
                    },
                };
                serde_json::to_writer_pretty(&mut *out, &document)?;
            }
        }
        writeln!(out)
    }
}

fn run_report(outcome: &ScanOutcome) -> RunReport<'_> {
    let mut by_severity = BTreeMap::new();
    for finding in &outcome.findings {
        *by_severity.entry(finding.severity.as_str()).or_insert(0) += 1;
    }
    RunReport {
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
    }
}
