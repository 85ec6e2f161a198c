//! The bodies of tattle's fuzz targets, one function per target.
//!
//! Each takes the fuzzer's bytes and panics on a broken property. They live
//! here, not in `fuzz_targets/`, so that the workspace's test suite runs the
//! same functions on every input kept in `fuzz/regressions/` (see
//! `tests/fuzz_regressions.rs`): a crash, once fixed, stays fixed.
//!
//! Structured inputs are read from the bytes by a small [`Input`] reader
//! rather than `arbitrary`, so this file compiles with tattle's own
//! dependencies alone.

use std::sync::OnceLock;
use tattle_cli::config::Config;
use tattle_cli::file_scan::{FileScanner, FindingOptions};
use tattle_cli::filter::Filters;
use tattle_cli::finding::FindingBuilder;
use tattle_cli::report::{JsonReporter, Report, ReportRun, Reporter, SarifReporter, TextReporter};
use tattle_cli::scan::{ScanError, ScanOutcome, Skipped};
use tattle_engine::checks::{dockerfile, keyvalue, yaml};
use tattle_engine::{Confidence, DecodedSecret, Encoding, RawMatch, RuleSet, Severity, SourceFile};

/// A fuzz target's body: panics when a property breaks.
pub type Target = fn(&[u8]);

/// Every fuzz target by name, for the regression test.
pub const TARGETS: &[(&str, Target)] = &[
    ("matcher", matcher),
    ("rule_file", rule_file),
    ("config", config),
    ("yaml", yaml_tree),
    ("dockerfile", dockerfile_parser),
    ("keyvalue", keyvalue_formats),
    ("report", report),
];

/// Paths that make the structured checks read a file, and plain source files.
pub const PATHS: &[&str] = &[
    "notes.txt",
    "docker-compose.yml",
    "k8s/deployment.yaml",
    "charts/app/values.yaml",
    "charts/app/templates/secret.yaml",
    ".github/workflows/ci.yml",
    "src/main/resources/application.yml",
    "Dockerfile",
    ".env",
    ".env.production",
    "application.properties",
    "my.cnf",
    "redis.conf",
    "main.tf",
    "settings.py",
    "server.ts",
    "main.go",
    "Config.java",
    "config.rb",
    "config.php",
    "id_rsa",
    "app.json",
];

/// The built-in rules, built once per process.
pub fn builtin_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

/// A few built-in pattern rules and every structured check (some report
/// evidence, not secrets): enough kinds of rules for the report writers,
/// whose SARIF describes every rule of the set, and fast to write.
pub fn report_rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let specs = tattle_engine::builtin_specs().expect("built-in rules load");
        let patterns = tattle_engine::ruleset::compile_specs(specs.into_iter().take(8).collect())
            .expect("built-in rules compile");
        RuleSet::new(patterns, tattle_engine::checks::builtin_checks()).expect("a rule set builds")
    })
}

/// Reads structured values off the fuzzer's bytes; past the end, zeros.
pub struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Input { bytes }
    }

    /// One byte.
    pub fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&first, rest)) => {
                self.bytes = rest;
                first
            }
            None => 0,
        }
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: usize) -> usize {
        let value = u16::from_le_bytes([self.byte(), self.byte()]) as usize;
        if bound == 0 { 0 } else { value % bound }
    }

    /// Up to `max` bytes, its length read first.
    pub fn slice(&mut self, max: usize) -> &'a [u8] {
        let len = self.below(max + 1).min(self.bytes.len());
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        taken
    }

    /// Whatever is left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.bytes)
    }
}

/// The matcher, with every built-in rule, on arbitrary bytes at a path that
/// makes the structured checks read them: never panics, and every span lies
/// inside the input, value inside match.
pub fn matcher(data: &[u8]) {
    let mut input = Input::new(data);
    let path = PATHS[input.below(PATHS.len())];
    let committed = input.byte() & 1 == 1;
    let bytes = input.rest();
    let rules = builtin_rules();
    let mut matcher = rules.matcher();
    let file = SourceFile {
        path,
        bytes,
        committed,
    };
    for found in matcher
        .scan(&file)
        .iter()
        .chain(&matcher.scan_patterns(&file))
    {
        assert!(found.span.start <= found.span.end && found.span.end <= bytes.len());
        assert!(found.secret.start <= found.secret.end && found.secret.end <= bytes.len());
        assert!(found.rule < rules.rules().len());
    }
    // The whole per-file stage: inline allows, findings with positions.
    let mut findings = Vec::new();
    FileScanner::new(
        rules,
        no_filters(),
        FindingOptions {
            show_secrets: false,
        },
    )
    .scan(&file, |_| true, &mut findings);
    for finding in &findings {
        assert!(finding.line >= 1 && finding.column >= 1);
        assert!((finding.end_line, finding.end_column) >= (finding.line, finding.column));
    }
}

/// Filters that drop nothing, built once per process.
fn no_filters() -> &'static Filters {
    static FILTERS: OnceLock<Filters> = OnceLock::new();
    FILTERS.get_or_init(|| Filters::new(&Default::default(), None).expect("empty filters build"))
}

/// A rule file: parsing, checking and compiling never panic, and a file
/// that loads gives a rule set whose examples can be run.
pub fn rule_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(specs) = tattle_engine::parse_rule_file(&text, "fuzz.toml") else {
        return;
    };
    let Ok(rules) = RuleSet::from_specs(specs) else {
        return;
    };
    let _ = tattle_engine::check_examples(&rules);
}

/// `.tattle.toml`: parsing never panics, and a config that parses gives
/// its custom rules compiled (or a clean error) and its filters.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(config) = Config::parse(&text, "fuzz.toml") else {
        return;
    };
    // Only the custom rules: loading the 300 built-in ones for every input
    // would slow the fuzzer a hundredfold and test nothing new.
    let _ = RuleSet::from_specs(config.custom_rules.clone());
    let _ = Filters::new(&config.allowlist, None);
    let _ = config.max_file_size();
}

/// The YAML tree the checks read: parsing arbitrary bytes and walking every
/// node with every helper never panics, and ranges stay inside the input.
pub fn yaml_tree(data: &[u8]) {
    let tree = yaml::Yaml::parse(data);
    for id in 0..tree.len() {
        let node = tree.resolve(id);
        assert!(node < tree.len());
        let _ = tree.items(id);
        for (key, value) in tree.entries(id) {
            assert!(key < tree.len() && value < tree.len());
            let _ = tree.str(key);
        }
        let span = &tree.node(id).span;
        assert!(span.start <= span.end && span.end <= data.len(), "{span:?}");
        if let Some(scalar) = tree.scalar(id) {
            assert!(scalar.value.end <= data.len(), "{:?}", scalar.value);
            if scalar.exact {
                let _ = scalar.sub_range(0..scalar.text.len());
            }
        }
        let _ = tree.literal(id);
        let _ = tree.get(id, "image");
        let _ = tree.path(id, &["spec", "containers"]);
        let _ = tree.is_template_filled(id);
    }
    for doc in tree.docs() {
        let _ = tree.k8s_kind(doc);
        let _ = tree.doc_nodes(doc);
    }
}

/// The Dockerfile parser: instructions, stages, `ARG` defaults, assignments
/// and substitution never panic, and word ranges stay inside the input.
pub fn dockerfile_parser(data: &[u8]) {
    let file = dockerfile::Dockerfile::parse(data);
    let args = file.global_args();
    for stage in file.stages() {
        assert!(stage.image.range.end <= data.len());
        assert!(stage.body.end <= file.instructions.len());
    }
    for instruction in &file.instructions {
        assert!(instruction.span.end <= data.len(), "{:?}", instruction.span);
        for word in &instruction.args {
            assert!(word.range.end <= data.len(), "{:?}", word.range);
            let _ = dockerfile::substitute(&word.text, &args);
            let _ = dockerfile::unquote(&word.text);
        }
        for assignment in dockerfile::assignments(instruction) {
            assert!(assignment.name_range.end <= data.len());
            assert!(assignment.value_range.end <= data.len());
            if let Some(value) = &assignment.value {
                let _ = dockerfile::substitute(value, &args);
            }
        }
    }
}

/// The key/value line formats: dotenv, `.properties`, INI, Redis and
/// Terraform readers never panic, and key and value ranges stay inside the input.
pub fn keyvalue_formats(data: &[u8]) {
    type Reader = fn(&[u8]) -> Vec<keyvalue::Entry>;
    let readers: [Reader; 5] = [
        keyvalue::dotenv,
        keyvalue::properties,
        keyvalue::ini,
        keyvalue::redis_conf,
        keyvalue::terraform,
    ];
    for read in readers {
        for entry in read(data) {
            assert!(entry.key_range.end <= data.len(), "{entry:?}");
            assert!(entry.value_range.end <= data.len(), "{entry:?}");
        }
    }
}

/// One finding as the report target reads it off the fuzzer's bytes.
struct FindingInput {
    path: String,
    bytes: Vec<u8>,
    show: bool,
    rule: usize,
    secret: std::ops::Range<usize>,
    note: Option<String>,
    severity: Severity,
    confidence: Confidence,
    /// The secret as decoded, for a finding of an encoded secret.
    decoded: Option<(Vec<u8>, Encoding)>,
}

impl FindingInput {
    fn read(input: &mut Input<'_>, rules: &RuleSet) -> Self {
        let path = String::from_utf8_lossy(input.slice(40)).into_owned();
        let bytes = input.slice(200).to_vec();
        let show = input.byte() & 1 == 1;
        let rule = input.below(rules.rules().len());
        let start = input.below(bytes.len() + 1);
        let end = start + input.below(bytes.len() - start + 1);
        let note = match input.byte() % 3 {
            0 => None,
            _ => Some(String::from_utf8_lossy(input.slice(30)).into_owned()),
        };
        let severity = [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ][input.below(4)];
        let confidence = [Confidence::Low, Confidence::Medium, Confidence::High][input.below(3)];
        let decoded = match input.byte() % 3 {
            0 => None,
            1 => Some((input.slice(40).to_vec(), Encoding::Base64)),
            _ => Some((input.slice(40).to_vec(), Encoding::Percent)),
        };
        FindingInput {
            path,
            bytes,
            show,
            rule,
            secret: start..end,
            note,
            severity,
            confidence,
            decoded,
        }
    }

    /// The finding, built through the public API; with `masked`, from a
    /// blob whose secret bytes are replaced (line breaks kept).
    fn build(&self, rules: &RuleSet, masked: bool) -> tattle_cli::finding::Finding {
        let mut bytes = self.bytes.clone();
        if masked {
            for byte in &mut bytes[self.secret.clone()] {
                if *byte != b'\n' {
                    *byte = 0x01;
                }
            }
        }
        let raw = RawMatch {
            rule: self.rule,
            span: self.secret.clone(),
            secret: self.secret.clone(),
            severity: self.severity,
            confidence: self.confidence,
            note: self.note.clone(),
            decoded: self
                .decoded
                .as_ref()
                .map(|(secret, encoding)| DecodedSecret {
                    secret: if masked {
                        vec![0x01; secret.len()]
                    } else {
                        secret.clone()
                    },
                    encoding: *encoding,
                }),
        };
        FindingBuilder::new(&bytes, &self.path, self.show).build(&raw, rules.rule(self.rule))
    }
}

/// Writes SARIF for `outcome`.
fn sarif_of(outcome: ScanOutcome, rules: &RuleSet) -> Vec<u8> {
    let runs = [ReportRun::single(outcome, rules)];
    let report = Report {
        runs: &runs,
        mode: "scan",
    };
    let mut sarif = Vec::new();
    SarifReporter
        .write(&report, &mut sarif)
        .expect("SARIF is written");
    sarif
}

/// The report writers on arbitrary findings, built through the public API
/// (raw matches of built-in rules on arbitrary bytes, paths and notes):
/// JSON parses back with every finding, SARIF reads back as SARIF with
/// every result, the text report is written, and SARIF never holds a
/// secret, not even redacted: a secret found in it must also be in the
/// SARIF of the same findings with their secrets masked (then it is part of
/// a path, a note or the rules' text, not taken from the secret).
pub fn report(data: &[u8]) {
    let rules = report_rules();
    let mut input = Input::new(data);
    let count = input.below(4);
    let inputs: Vec<FindingInput> = (0..count)
        .map(|_| FindingInput::read(&mut input, rules))
        .collect();
    let mut outcome = ScanOutcome::default();
    for item in &inputs {
        let finding = item.build(rules, false);
        assert!(finding.line >= 1 && finding.column >= 1);
        assert!(finding.end_line >= finding.line);
        outcome.findings.push(finding);
    }
    if input.byte() & 1 == 1 {
        let mut text = || String::from_utf8_lossy(input.slice(20)).into_owned();
        outcome.skipped.push(Skipped {
            path: text(),
            reason: "file is 2 bytes, above the 1-byte limit".into(),
        });
        outcome.errors.push(ScanError {
            path: text(),
            reason: text(),
        });
        outcome.warnings.push(text());
    }
    let masked = ScanOutcome {
        findings: inputs.iter().map(|item| item.build(rules, true)).collect(),
        skipped: outcome.skipped.clone(),
        errors: outcome.errors.clone(),
        warnings: outcome.warnings.clone(),
        ..ScanOutcome::default()
    };
    let findings = outcome.findings.len();
    let runs = [ReportRun::single(outcome, rules)];
    let report = Report {
        runs: &runs,
        mode: "scan",
    };

    let mut json = Vec::new();
    JsonReporter
        .write(&report, &mut json)
        .expect("JSON is written");
    let value: serde_json::Value = serde_json::from_slice(&json).expect("JSON parses");
    assert_eq!(value["findings"].as_array().map(Vec::len), Some(findings));

    let mut sarif = Vec::new();
    SarifReporter
        .write(&report, &mut sarif)
        .expect("SARIF is written");
    let log: serde_sarif::sarif::Sarif = serde_json::from_slice(&sarif).expect("SARIF reads back");
    let results = log.runs[0].results.as_ref().map_or(0, Vec::len);
    assert_eq!(results, findings);
    let sarif_text = String::from_utf8_lossy(&sarif);
    let masked_text = String::from_utf8_lossy(&sarif_of(masked, rules)).into_owned();
    for item in inputs.iter().filter(|i| rules.rule(i.rule).info.sensitive) {
        let secret = String::from_utf8_lossy(&item.bytes[item.secret.clone()]);
        // As JSON escapes nothing in these, the text can be searched as is.
        let plain = secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:+/=".contains(c));
        if secret.len() >= 8 && plain && sarif_text.contains(secret.as_ref()) {
            assert!(
                masked_text.contains(secret.as_ref()),
                "SARIF holds a secret"
            );
        }
    }

    let mut text = Vec::new();
    TextReporter
        .write(&report, &mut text)
        .expect("text is written");
}
