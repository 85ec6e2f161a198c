//! The SARIF 2.1.0 report, shaped for GitHub code scanning: every rule carries
//! full metadata, every result a region and a stable partial fingerprint.
//! Secrets never appear in SARIF, not even redacted.

use super::{Report, ReportRun, Reporter};
use crate::finding::Finding;
use serde_json::json;
use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif, Tool, ToolComponent,
};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use tattle_engine::{Confidence, Rule, RuleSet, Severity};

/// The schema URL GitHub's SARIF rules accept.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where users read about tattle.
const INFORMATION_URI: &str = "https://crates.io/crates/tattle";

/// Writes SARIF 2.1.0.
pub struct SarifReporter;

impl Reporter for SarifReporter {
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let sarif = build_log(report);
        serde_json::to_writer_pretty(&mut *out, &sarif)?;
        writeln!(out)
    }
}

/// GitHub code scanning accepts at most this many runs in one SARIF file.
pub const MAX_RUNS_PER_FILE: usize = 20;

/// Builds the whole log: one SARIF run per report run, each with all rules
/// and one result per finding.
pub fn build_log(report: &Report<'_>) -> Sarif {
    let categories = categories(report);
    let runs: Vec<Run> = report
        .runs
        .iter()
        .zip(categories)
        .map(|(run, category)| build_run(run, category))
        .collect();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(runs)
        .build()
}

/// The automation category of each run: `tattle/MODE/`, and for reports over
/// several repositories `tattle/MODE/NAME/`, unique within the log, so that
/// GitHub keeps each repository's alerts apart.
fn categories(report: &Report<'_>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    report
        .runs
        .iter()
        .map(|run| {
            let Some(name) = &run.name else {
                return format!("tattle/{}/", report.mode);
            };
            let clean: String = name
                .trim_matches('/')
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "._-/".contains(c) {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let count = seen.entry(clean.clone()).or_insert(0);
            *count += 1;
            let unique = if *count == 1 {
                clean
            } else {
                format!("{clean}-{count}")
            };
            format!("tattle/{}/{unique}/", report.mode)
        })
        .collect()
}

fn build_run(run: &ReportRun<'_>, category: String) -> Run {
    let rules: Vec<ReportingDescriptor> = run.rules.rules().iter().map(descriptor).collect();
    let driver = ToolComponent::builder()
        .name("tattle")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let mut occurrences: HashMap<&str, usize> = HashMap::new();
    let results: Vec<SarifResult> = run
        .outcome
        .findings
        .iter()
        .map(|finding| {
            let occurrence = occurrences.entry(finding.fingerprint.as_str()).or_insert(0);
            *occurrence += 1;
            result(run.rules, finding, *occurrence)
        })
        .collect();
    Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(RunAutomationDetails::builder().id(category).build())
        .results(results)
        .build()
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let spec = &rule.info;
    let fix = spec.remediation.clone().unwrap_or_else(|| {
        "Revoke the credential, then load it from a secret store or the environment.".into()
    });
    let mut markdown = format!("{}\n\n**How to fix:** {}", spec.description, fix);
    if !spec.references.is_empty() {
        markdown.push_str("\n\n**References:**\n");
        for reference in &spec.references {
            markdown.push_str(&format!("- <{reference}>\n"));
        }
    }
    // GitHub rejects a rule whose tags repeat.
    let mut tags = vec!["security".to_string(), spec.kind.as_str().to_string()];
    for tag in &spec.tags {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    let mut properties = BTreeMap::new();
    properties.insert("precision".to_string(), json!(precision(spec.confidence)));
    properties.insert(
        "security-severity".to_string(),
        json!(spec.severity.security_severity()),
    );
    let mut descriptor = ReportingDescriptor::builder()
        .id(spec.id.clone())
        .name(pascal_case(&spec.id))
        .short_description(message_string(&spec.name))
        .full_description(message_string(&spec.description))
        .help(
            MultiformatMessageString::builder()
                .text(format!("{} How to fix: {}", spec.description, fix))
                .markdown(markdown)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level(spec.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(properties)
                .build(),
        )
        .build();
    if let Some(first) = spec.references.first() {
        descriptor.help_uri = Some(first.clone());
    }
    descriptor
}

fn result(rules: &RuleSet, finding: &Finding, occurrence: usize) -> SarifResult {
    let rule = rules.rule(finding.rule_index);
    let mut text = format!("{} found in {}.", rule.info.name, finding.path);
    if let Some(note) = &finding.note {
        text.push_str(&format!(" {note}."));
    }
    if let Some(provenance) = &finding.provenance {
        let commit = &provenance.introduced;
        text.push_str(&format!(
            " Introduced in commit {} by {} on {}.",
            &commit.commit[..commit.commit.len().min(12)],
            commit.author,
            commit.date
        ));
        if !provenance.in_head {
            text.push_str(" No longer in HEAD, but still in the history.");
        }
    }
    let region = Region::builder()
        .start_line(finding.line as i64)
        .start_column(finding.column as i64)
        .end_line(finding.end_line as i64)
        .end_column(finding.end_column.max(1) as i64)
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(path_to_uri(&finding.path))
                        .build(),
                )
                .region(region)
                .build(),
        )
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(
        "primaryLocationLineHash".to_string(),
        format!("{}:{occurrence}", finding.fingerprint),
    );
    let mut properties = BTreeMap::new();
    properties.insert("severity".to_string(), json!(finding.severity.as_str()));
    properties.insert("confidence".to_string(), json!(finding.confidence.as_str()));
    properties.insert(
        "security-severity".to_string(),
        json!(finding.severity.security_severity()),
    );
    if let Some(provenance) = &finding.provenance {
        properties.insert("commit".to_string(), json!(provenance.introduced.commit));
        properties.insert("commitDate".to_string(), json!(provenance.introduced.date));
        properties.insert("blob".to_string(), json!(provenance.blob));
        properties.insert("inHead".to_string(), json!(provenance.in_head));
        if !provenance.occurrences.is_empty() {
            properties.insert(
                "otherOccurrences".to_string(),
                json!(provenance.occurrences.len()),
            );
        }
    }
    SarifResult::builder()
        .rule_id(rule.id().to_string())
        .rule_index(finding.rule_index as i64)
        .level(result_level(finding.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        )
        .build()
}

fn message_string(text: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(text.to_string())
        .build()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn result_level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low => ResultLevel::Note,
    }
}

fn precision(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// `openai.api-key` → `OpenaiApiKey`: SARIF rule names must differ from ids.
fn pascal_case(id: &str) -> String {
    id.split(['.', '-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A reported path as a URI reference: relative paths stay relative,
/// absolute ones become `file://` URIs, and unsafe characters are percent-encoded.
fn path_to_uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        let safe = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if safe {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal_case("openai.api-key"), "OpenaiApiKey");
        assert_eq!(
            pascal_case("url-credentials.database"),
            "UrlCredentialsDatabase"
        );
    }

    #[test]
    fn uris_are_encoded_and_absolute_paths_get_a_scheme() {
        assert_eq!(path_to_uri("src/my file.py"), "src/my%20file.py");
        assert_eq!(path_to_uri("/tmp/a#b"), "file:///tmp/a%23b");
        assert_eq!(path_to_uri("dir\\x"), "dir%5Cx");
    }
}
