//! `github-actions.missing-permissions`: a GitHub Actions workflow that never
//! says what its `GITHUB_TOKEN` may do.
//!
//! Without a `permissions:` key, the token of every job gets the repository's
//! default permissions, which are read and write on everything (contents,
//! packages, pull requests, deployments…) for repositories created before
//! February 2023 and wherever an organisation kept that default. A
//! compromised action, dependency or build script in any step can then push
//! commits, publish packages or approve pull requests.
//!
//! Reported: a workflow with no top-level `permissions:` in which at least one
//! job sets none either; the finding points at the `on:` key and names the
//! jobs.
//!
//! Not reported: workflows that set `permissions:` at the top (whatever the
//! value) or in every job, workflows only triggered by `workflow_call` (the
//! caller's permissions bound them), and files that are not valid YAML.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::kinds;
use crate::checks::yaml::NodeKind;
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};

/// Reports workflows without `permissions:`.
#[derive(Debug, Clone, Copy)]
pub struct WorkflowPermissions;

impl Check for WorkflowPermissions {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "github-actions.missing-permissions".into(),
            name: "GitHub workflow without `permissions:`".into(),
            description: "A GitHub Actions workflow sets no `permissions:`, at the top or in a \
                job, so that job's `GITHUB_TOKEN` gets the repository's default permissions: \
                read and write on contents, packages and pull requests for many repositories \
                and organisations. Any compromised action or dependency in a step can then \
                push code or publish packages."
                .into(),
            remediation: Some(
                "Add `permissions: contents: read` (or `permissions: {}`) at the top of the \
                 workflow, and grant more only to the jobs that need it \
                 (`permissions: {contents: write}` on the release job). Also set the \
                 repository's or organisation's default workflow permissions to read-only."
                    .into(),
            ),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#permissions",
                "https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token",
                "https://github.com/ossf/scorecard/blob/main/docs/checks.md#token-permissions",
            ]),
            tags: strings(&["github-actions", "ci", "least-privilege", "supply-chain"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                ".github/workflows/ci.yml",
                "name: ci\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
            ),
            // One job sets permissions, the other does not.
            Example::new(
                ".github/workflows/release.yaml",
                "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n    steps: []\n  publish:\n    runs-on: ubuntu-latest\n    steps: []\n",
            ),
            Example::new(
                "repo/.github/workflows/lint.yml",
                "\u{feff}on:\r\n  pull_request:\r\njobs:\r\n  lint:\r\n    runs-on: ubuntu-latest\r\n    steps: []\r\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                ".github/workflows/ci.yml",
                "on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps: []\n",
            ),
            Example::new(
                ".github/workflows/ci.yml",
                "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            ),
            Example::new(
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  a:\n    permissions: read-all\n    runs-on: ubuntu-latest\n  b:\n    permissions:\n      contents: read\n    runs-on: ubuntu-latest\n",
            ),
            Example::new(
                ".github/workflows/reusable.yml",
                "on:\n  workflow_call:\n    inputs:\n      target:\n        type: string\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n",
            ),
            Example::new(
                ".github/dependabot.yml",
                "version: 2\nupdates:\n  - package-ecosystem: cargo\n    directory: /\n",
            ),
            Example::new(
                "ci/pipeline.yml",
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            ),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        kinds::is_workflow(file.path)
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let yaml = file.yaml();
        if yaml.recovered() {
            return;
        }
        let Some(root) = yaml.docs().next() else {
            return;
        };
        let NodeKind::Map(entries) = &yaml.node(yaml.resolve(root)).kind else {
            return;
        };
        let Some(&(first_key, _)) = entries.first() else {
            return;
        };
        if yaml.has(root, "permissions") {
            return;
        }
        let Some(jobs) = yaml.get(root, "jobs") else {
            return;
        };
        let on = yaml.get(root, "on");
        if let Some(on) = on {
            let only_call = match yaml.str(on) {
                Some(event) => event == "workflow_call",
                None => {
                    let events = yaml.entries(on);
                    !events.is_empty()
                        && events
                            .iter()
                            .all(|&(k, _)| yaml.str(k) == Some("workflow_call"))
                }
            };
            if only_call {
                return;
            }
        }
        let missing: Vec<String> = yaml
            .entries(jobs)
            .into_iter()
            .filter(|&(_, job)| yaml.is_map(job) && !yaml.has(job, "permissions"))
            .map(|(name, _)| format!("`{}`", yaml.str(name).unwrap_or("?")))
            .collect();
        if missing.is_empty() {
            return;
        }
        // Point at the `on:` key, or at the first key of the file.
        let key = entries
            .iter()
            .find(|&&(k, _)| yaml.str(k) == Some("on"))
            .map_or(first_key, |&(k, _)| k);
        let Some(key_scalar) = yaml.scalar(key) else {
            return;
        };
        let (jobs_word, verb) = if missing.len() == 1 {
            ("job", "sets")
        } else {
            ("jobs", "set")
        };
        out.push(
            CheckHit::new(yaml.node(key).span.clone(), key_scalar.value.clone()).with_note(
                format!(
                    "no top-level `permissions:`, and {jobs_word} {} {verb} none: the `GITHUB_TOKEN` gets the repository's default permissions",
                    missing.join(", ")
                ),
            ),
        );
    }
}
