//! `tattle rules list|explain|check`, and assembling the rule set a scan runs.

use crate::args::{ListFormat, RulesCommand};
use crate::config::Config;
use anyhow::{Context, Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use tattle_engine::checks::builtin_checks;
use tattle_engine::ruleset::compile_specs;
use tattle_engine::{LocatedSpec, Rule, RuleSet, builtin_specs, check_examples};

/// The rules a scan runs: built-ins plus the config's custom rules, minus the disabled ones.
pub fn build_rule_set(config: &Config) -> Result<RuleSet> {
    let mut specs = builtin_specs().context("loading built-in rules")?;
    specs.extend(config.custom_rules.iter().cloned());
    let check_ids: Vec<String> = builtin_checks().iter().map(|c| c.info().id).collect();
    for id in &config.rules.disable {
        if !specs.iter().any(|s| &s.spec.id == id) && !check_ids.contains(id) {
            let origin = config
                .source
                .as_ref()
                .map_or_else(|| "config".to_string(), |p| p.display().to_string());
            bail!("{origin}: [rules] disable: no rule has the id `{id}` (see `tattle rules list`)");
        }
    }
    specs.retain(|s| !config.rules.disable.contains(&s.spec.id));
    let mut checks = builtin_checks();
    checks.retain(|c| !config.rules.disable.contains(&c.info().id));
    Ok(RuleSet::new(compile_specs(specs)?, checks)?)
}

/// Runs a `tattle rules` subcommand. Returns whether everything checked out.
pub fn run(command: &RulesCommand, out: &mut dyn Write) -> Result<bool> {
    match command {
        RulesCommand::List { format, config } => {
            let config = Config::discover(config.as_deref(), &[])?;
            let rules = build_rule_set(&config)?;
            list(&rules, *format, out)?;
            Ok(true)
        }
        RulesCommand::Explain { id, config } => {
            let config = Config::discover(config.as_deref(), &[])?;
            let rules = build_rule_set(&config)?;
            let Some((_, rule)) = rules.find(id) else {
                bail!("no rule has the id `{id}` (see `tattle rules list`)");
            };
            explain(rule, out)?;
            Ok(true)
        }
        RulesCommand::Check { file } => check(file, out),
    }
}

#[derive(Serialize)]
struct ListedRule<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    severity: &'a str,
    confidence: &'a str,
    description: &'a str,
    remediation: Option<&'a str>,
    keywords: &'a [String],
    references: &'a [String],
    tags: &'a [String],
    origin: &'a str,
    /// A pattern rule's matching settings (none for a structured check).
    #[serde(flatten)]
    pattern: Option<ListedPattern<'a>>,
    examples: Vec<tattle_engine::Example>,
    negative_examples: Vec<tattle_engine::Example>,
}

/// What a pattern rule matches, as its rule file says.
#[derive(Serialize)]
struct ListedPattern<'a> {
    regex: &'a str,
    min_entropy: Option<f64>,
    paths: &'a [String],
    exclude_paths: &'a [String],
    multiline: bool,
    validate: Option<tattle_engine::Validator>,
    skip_filters: &'a [tattle_engine::Filter],
    allow: &'a [String],
}

fn list(rules: &RuleSet, format: ListFormat, out: &mut dyn Write) -> Result<()> {
    let listed: Vec<ListedRule> = rules
        .rules()
        .iter()
        .map(|rule| ListedRule {
            id: &rule.info.id,
            name: &rule.info.name,
            kind: rule.info.kind.as_str(),
            severity: rule.info.severity.as_str(),
            confidence: rule.info.confidence.as_str(),
            description: &rule.info.description,
            remediation: rule.info.remediation.as_deref(),
            keywords: rule.as_pattern().map_or(&[], |p| &p.spec.keywords),
            references: &rule.info.references,
            tags: &rule.info.tags,
            origin: &rule.origin,
            pattern: rule.as_pattern().map(|p| ListedPattern {
                regex: &p.spec.regex,
                min_entropy: p.spec.min_entropy,
                paths: &p.spec.paths,
                exclude_paths: &p.spec.exclude_paths,
                multiline: p.spec.multiline,
                validate: p.spec.validate,
                skip_filters: &p.spec.skip_filters,
                allow: &p.spec.allow,
            }),
            examples: rule.examples(),
            negative_examples: rule.negative_examples(),
        })
        .collect();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &listed)?;
            writeln!(out)?;
        }
        ListFormat::Markdown => out.write_all(markdown(rules).as_bytes())?,
        ListFormat::Text => {
            let width = listed.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for rule in &listed {
                writeln!(
                    out,
                    "{:<width$}  {:<6}  {:<8}  {}",
                    rule.id, rule.kind, rule.severity, rule.name
                )?;
            }
            writeln!(out, "{} rules", listed.len())?;
        }
    }
    Ok(())
}

/// The rules reference, `docs/rules.md`: generated from the rule data, never edited by hand.
pub fn markdown(rules: &RuleSet) -> String {
    let mut doc = String::from(
        "# Rules\n\n<!-- Generated by `tattle rules list --format markdown`; do not edit. -->\n\n",
    );
    let checks = rules
        .rules()
        .iter()
        .filter(|r| r.as_check().is_some())
        .count();
    doc.push_str(&format!(
        "tattle has {} built-in rules: {} pattern rules and {checks} structured checks.\n\n",
        rules.rules().len(),
        rules.rules().len() - checks,
    ));
    doc.push_str("| id | name | kind | severity | confidence |\n| --- | --- | --- | --- | --- |\n");
    for rule in rules.rules() {
        let info = &rule.info;
        doc.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} | {} |\n",
            info.id,
            info.id.replace('.', ""),
            info.name,
            info.kind.as_str(),
            info.severity,
            info.confidence,
        ));
    }
    for rule in rules.rules() {
        let info = &rule.info;
        doc.push_str(&format!(
            "\n## {}\n\n**{}** · {} · severity {} · confidence {}\n\n{}\n",
            info.id,
            info.name,
            info.kind.as_str(),
            info.severity,
            info.confidence,
            info.description
        ));
        if let Some(fix) = &info.remediation {
            doc.push_str(&format!("\n**How to fix:** {fix}\n"));
        }
        match rule.as_pattern() {
            Some(pattern) => doc.push_str(&format!(
                "\nKeywords: {}\n",
                pattern
                    .spec
                    .keywords
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => doc.push_str("\nA structured check: it parses the files it reads.\n"),
        }
        if !info.references.is_empty() {
            doc.push_str("\nReferences:\n\n");
            for reference in &info.references {
                doc.push_str(&format!("- <{reference}>\n"));
            }
        }
    }
    doc
}

fn explain(rule: &Rule, out: &mut dyn Write) -> Result<()> {
    let info = &rule.info;
    writeln!(out, "{} — {}", info.id, info.name)?;
    writeln!(out, "kind:       {}", info.kind.as_str())?;
    writeln!(out, "severity:   {}", info.severity)?;
    writeln!(out, "confidence: {}", info.confidence)?;
    writeln!(out, "defined in: {}", rule.origin)?;
    writeln!(out)?;
    writeln!(out, "{}", info.description)?;
    if let Some(fix) = &info.remediation {
        writeln!(out, "\nHow to fix: {fix}")?;
    }
    if let Some(pattern) = rule.as_pattern() {
        let spec = &pattern.spec;
        writeln!(out, "\nKeywords: {}", spec.keywords.join(", "))?;
        writeln!(out, "Regex:    {}", spec.regex)?;
        if let Some(entropy) = spec.min_entropy {
            writeln!(out, "Minimum entropy: {entropy} bits per byte")?;
        }
    }
    let examples = rule.examples();
    if let Some(example) = examples.first() {
        writeln!(out, "\nExample ({}):", example.path)?;
        for line in example.text.lines() {
            writeln!(out, "  {line}")?;
        }
    }
    if !info.references.is_empty() {
        writeln!(out, "\nReferences:")?;
        for reference in &info.references {
            writeln!(out, "  {reference}")?;
        }
    }
    Ok(())
}

/// Custom rules share one id space with the built-in ones, so a clash that
/// `scan` would reject is rejected here too. A built-in rule file checked by
/// its own name (`rules check rules/openai.toml`) clashes with nothing.
fn check_against_builtins(file: &Path, specs: &[LocatedSpec]) -> Result<()> {
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut builtins: Vec<(String, String)> = builtin_specs()?
        .into_iter()
        .map(|b| (b.spec.id, b.origin))
        .collect();
    builtins.extend(
        builtin_checks()
            .iter()
            .map(|c| (c.info().id, "a built-in check".to_string())),
    );
    for (id, origin) in builtins {
        let builtin_file = origin.split(':').next().unwrap_or_default();
        let same_file = file_name
            .as_deref()
            .is_some_and(|name| builtin_file == format!("rules/{name}"));
        if same_file {
            continue;
        }
        if let Some(clash) = specs.iter().find(|s| s.spec.id == id) {
            bail!(
                "{}: rule `{}` has the id of a built-in rule (defined in {}); choose another id, or disable the built-in one in [rules] disable",
                clash.origin,
                clash.spec.id,
                origin
            );
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
    check_against_builtins(file, &specs)?;
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
