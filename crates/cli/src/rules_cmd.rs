//! `tattle rules list|explain|check`, and assembling the rule set a scan runs.

use crate::args::{ListFormat, RulesCommand};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use tattle_engine::{LocatedSpec, RuleSet, builtin_specs, check_examples};

/// The rules a scan runs: built-ins plus the config's custom rules, minus the disabled ones.
pub fn build_rule_set(config: &Config) -> Result<RuleSet> {
    let mut specs = builtin_specs().context("loading built-in rules")?;
    specs.extend(config.custom_rules.iter().cloned());
    for id in &config.rules.disable {
        if !specs.iter().any(|s| &s.spec.id == id) {
            let origin = config
                .source
                .as_ref()
                .map_or_else(|| "config".to_string(), |p| p.display().to_string());
            bail!("{origin}: [rules] disable: no rule has the id `{id}` (see `tattle rules list`)");
        }
    }
    specs.retain(|s| !config.rules.disable.contains(&s.spec.id));
    Ok(RuleSet::from_specs(specs)?)
}

/// Runs a `tattle rules` subcommand. Returns whether everything checked out.
pub fn run(command: &RulesCommand, out: &mut dyn Write) -> Result<bool> {
    match command {
        RulesCommand::List { format, config } => {
            let config = match config {
                Some(path) => Config::load(path)?,
                None => Config::default(),
            };
            let rules = build_rule_set(&config)?;
            list(&rules, *format, out)?;
            Ok(true)
        }
        RulesCommand::Explain { id } => {
            let rules = build_rule_set(&Config::default())?;
            let Some((_, rule)) = rules.find(id) else {
                bail!("no rule has the id `{id}` (see `tattle rules list`)");
            };
            explain(&rule.spec, &rule.origin, out)?;
            Ok(true)
        }
        RulesCommand::Check { file } => check(file, out),
    }
}

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    name: &'a str,
    severity: &'a str,
    confidence: &'a str,
    description: &'a str,
    remediation: Option<&'a str>,
    keywords: &'a [String],
    references: &'a [String],
    tags: &'a [String],
    origin: &'a str,
}

fn list(rules: &RuleSet, format: ListFormat, out: &mut dyn Write) -> Result<()> {
    let listed: Vec<ListedRule> = rules
        .rules()
        .iter()
        .map(|rule| ListedRule {
            id: &rule.spec.id,
            name: &rule.spec.name,
            severity: rule.spec.severity.as_str(),
            confidence: rule.spec.confidence.map_or("medium", |c| c.as_str()),
            description: &rule.spec.description,
            remediation: rule.spec.remediation.as_deref(),
            keywords: &rule.spec.keywords,
            references: &rule.spec.references,
            tags: &rule.spec.tags,
            origin: &rule.origin,
        })
        .collect();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &listed)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for rule in &listed {
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {}",
                    rule.id, rule.severity, rule.name
                )?;
            }
            writeln!(out, "{} rules", listed.len())?;
        }
    }
    Ok(())
}

fn explain(spec: &tattle_engine::RuleSpec, origin: &str, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{} — {}", spec.id, spec.name)?;
    writeln!(out, "severity:   {}", spec.severity)?;
    writeln!(
        out,
        "confidence: {}",
        spec.confidence.map_or("medium", |c| c.as_str())
    )?;
    writeln!(out, "defined in: {origin}")?;
    writeln!(out)?;
    writeln!(out, "{}", spec.description)?;
    if let Some(fix) = &spec.remediation {
        writeln!(out, "\nHow to fix: {fix}")?;
    }
    writeln!(out, "\nKeywords: {}", spec.keywords.join(", "))?;
    writeln!(out, "Regex:    {}", spec.regex)?;
    if let Some(entropy) = spec.min_entropy {
        writeln!(out, "Minimum entropy: {entropy} bits per byte")?;
    }
    if !spec.references.is_empty() {
        writeln!(out, "\nReferences:")?;
        for reference in &spec.references {
            writeln!(out, "  {reference}")?;
        }
    }
    Ok(())
}

/// `tattle rules check FILE`: the same checks the test suite runs on built-in rules.
fn check(file: &Path, out: &mut dyn Write) -> Result<bool> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading rule file {}", file.display()))?;
    let origin = file.display().to_string();
    // A rule file is a config file whose only content is `[[rule]]` tables,
    // so one parser serves both.
    let config = Config::parse(&text, &origin)?;
    let specs: Vec<LocatedSpec> = config.custom_rules;
    if specs.is_empty() {
        bail!("{origin}: no [[rule]] tables found");
    }
    let count = specs.len();
    let rules = RuleSet::from_specs(specs)?;
    let failures = check_examples(&rules);
    for failure in &failures {
        writeln!(out, "{failure}")?;
    }
    if failures.is_empty() {
        writeln!(
            out,
            "{origin}: {count} rule{} OK",
            if count == 1 { "" } else { "s" }
        )?;
    } else {
        writeln!(
            out,
            "{origin}: {} problem(s) in {count} rule(s)",
            failures.len()
        )?;
    }
    Ok(failures.is_empty())
}
