//! Baselines: findings recorded once and hidden from later scans, so a team
//! can adopt tattle on an old repository and be told only about new secrets.
//!
//! An entry is a rule id, a path and the salted hash of the secret: never the
//! secret, never a line number. Moving code around does not bring a finding
//! back; a new secret on the same line is still reported. Entries are sorted
//! and written one per line, so the file diffs cleanly and merges without
//! conflicts in all but the rarest cases.

use crate::finding::Finding;
use crate::scan::ScanOutcome;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// Version of the baseline format.
pub const BASELINE_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// Where the finding is.
    pub path: String,
    /// The rule that found it.
    pub rule_id: String,
    /// Salted SHA-256 of the secret (the finding's `secret_hash`).
    pub secret_hash: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    tattle_baseline: u32,
    findings: Vec<BaselineEntry>,
}

/// A set of recorded findings.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Baseline {
    entries: BTreeSet<BaselineEntry>,
}

impl Baseline {
    /// A baseline recording `findings`.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        Baseline {
            entries: findings.into_iter().map(entry_of).collect(),
        }
    }

    /// Reads a baseline file; a malformed one is an error naming the file and place.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading baseline {}", path.display()))?;
        // serde's messages quote the offending value, which may be a secret:
        // say where and what kind of problem, not what was there.
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            let problem = match e.classify() {
                serde_json::error::Category::Io => "unreadable",
                serde_json::error::Category::Syntax => "not valid JSON",
                serde_json::error::Category::Data => "not the shape of a tattle baseline",
                serde_json::error::Category::Eof => "cut short",
            };
            anyhow::anyhow!(
                "{}: line {}, column {}: {problem}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if file.tattle_baseline != BASELINE_VERSION {
            bail!(
                "{}: baseline format {} is not supported (this tattle reads format {BASELINE_VERSION})",
                path.display(),
                file.tattle_baseline
            );
        }
        Ok(Baseline {
            entries: file.findings.into_iter().collect(),
        })
    }

    /// The file's text: sorted entries, one per line.
    pub fn to_text(&self) -> String {
        let mut text = format!("{{\n  \"tattle_baseline\": {BASELINE_VERSION},\n  \"findings\": [");
        for (index, entry) in self.entries.iter().enumerate() {
            let line = serde_json::to_string(entry).expect("entries serialize");
            let comma = if index + 1 < self.entries.len() {
                ","
            } else {
                ""
            };
            let _ = write!(text, "\n    {line}{comma}");
        }
        if !self.entries.is_empty() {
            text.push_str("\n  ");
        }
        text.push_str("]\n}\n");
        text
    }

    /// Writes the baseline to `path`.
    pub fn write(&self, path: &Path) -> Result<()> {
        std::fs::write(path, self.to_text())
            .with_context(|| format!("writing baseline {}", path.display()))
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it records nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `finding` is recorded.
    pub fn contains(&self, finding: &Finding) -> bool {
        self.entries.contains(&entry_of(finding))
    }

    /// Drops recorded findings from `outcome` and counts them in its stats.
    pub fn apply(&self, outcome: &mut ScanOutcome) {
        let before = outcome.findings.len();
        outcome.findings.retain(|finding| !self.contains(finding));
        outcome.stats.baselined += (before - outcome.findings.len()) as u64;
    }
}

fn entry_of(finding: &Finding) -> BaselineEntry {
    BaselineEntry {
        path: finding.path.clone(),
        rule_id: finding.rule_id.clone(),
        secret_hash: finding.secret_hash.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, rule: &str, hash: &str) -> BaselineEntry {
        BaselineEntry {
            path: path.into(),
            rule_id: rule.into(),
            secret_hash: hash.into(),
        }
    }

    #[test]
    fn text_is_sorted_one_entry_per_line_and_reads_back() {
        let baseline = Baseline {
            entries: [entry("b.py", "x.y", "22"), entry("a.py", "x.y", "11")]
                .into_iter()
                .collect(),
        };
        let text = baseline.to_text();
        assert_eq!(
            text,
            "{\n  \"tattle_baseline\": 1,\n  \"findings\": [\n    \
             {\"path\":\"a.py\",\"rule_id\":\"x.y\",\"secret_hash\":\"11\"},\n    \
             {\"path\":\"b.py\",\"rule_id\":\"x.y\",\"secret_hash\":\"22\"}\n  ]\n}\n"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.json");
        baseline.write(&file).unwrap();
        assert_eq!(Baseline::load(&file).unwrap(), baseline);
        assert_eq!(
            Baseline::default().to_text(),
            "{\n  \"tattle_baseline\": 1,\n  \"findings\": []\n}\n"
        );
    }

    #[test]
    fn malformed_baselines_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.json");
        std::fs::write(
            &file,
            "{\"tattle_baseline\": 1, \"findings\": [{\"path\": 1}]}",
        )
        .unwrap();
        let err = format!("{:#}", Baseline::load(&file).unwrap_err());
        assert!(err.contains("bad.json"), "{err}");
        std::fs::write(&file, "{\"tattle_baseline\": 9, \"findings\": []}").unwrap();
        let err = format!("{:#}", Baseline::load(&file).unwrap_err());
        assert!(err.contains("format 9"), "{err}");
    }
}
