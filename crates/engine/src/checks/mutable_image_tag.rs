//! `image.mutable-tag`: a container image referenced by `:latest` or without
//! a tag (which pulls `latest`).
//!
//! `latest` is whatever was pushed last. A deployment that pulls it can change
//! on any restart or reschedule, without a review, a changelog or a way back;
//! a compromised or broken push reaches production by itself, and nobody can
//! tell which version ran when something went wrong. Pin a version tag, or
//! better a digest (`@sha256:…`).
//!
//! Reported:
//!
//! - Dockerfiles: `FROM` images, with global `ARG` defaults substituted
//!   (`ARG NODE_VERSION=latest` / `FROM node:${NODE_VERSION}`);
//! - Compose files: a service's `image:` (with `${TAG:-latest}` defaults
//!   substituted), unless the service also has `build:` (then `image:` names
//!   what is built);
//! - Kubernetes manifests and Helm chart templates: `image:` of `containers`,
//!   `initContainers` and `ephemeralContainers`, in any kind;
//! - Helm `values*.yaml`: `image:` strings, `image.tag: latest`, and an
//!   `image.repository` with no `tag` key at all (low confidence: the chart's
//!   template decides, often `latest` or the chart's `appVersion`);
//! - GitHub Actions workflows: a job's `container:`, its `services:`, and
//!   `uses: docker://…` steps.
//!
//! Not reported: digest-pinned images, version tags, registry ports
//! (`registry:5000/app:1.2` is tagged `1.2`; `registry:5000/app` is
//! untagged), build stage names (`FROM build`), `scratch`, references with
//! unresolved variables (`FROM ${BASE}` without a default,
//! `image: ${IMAGE}`), templated values (`{{ .Values.image.tag }}`), and Helm
//! `tag: ""` (the chart's `appVersion`). Base images in Dockerfiles and CI
//! containers are `low`; what deployments run is `medium`, or `low` in tests,
//! examples and docs. A YAML file that is not valid YAML is read line by
//! line, and the note says so.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::dockerfile::substitute;
use crate::checks::image_ref::{ImageRef, Pinning, mutable_note};
use crate::checks::kinds;
use crate::checks::yaml::{NodeId, NodeKind, Scalar, Yaml};
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};
use std::collections::HashMap;

/// Reports `:latest` and untagged container images.
#[derive(Debug, Clone, Copy)]
pub struct MutableImageTag;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Dockerfile,
    Compose,
    Workflow,
    HelmValues,
    Kubernetes,
}

impl Source {
    fn of(path: &str) -> Option<Source> {
        let name = kinds::file_name(path);
        Some(if kinds::is_dockerfile(name) {
            Source::Dockerfile
        } else if kinds::is_workflow(path) {
            Source::Workflow
        } else if kinds::is_compose(name) {
            Source::Compose
        } else if kinds::is_helm_values(name) {
            Source::HelmValues
        } else if kinds::is_yaml(name) {
            Source::Kubernetes
        } else {
            return None;
        })
    }
}

impl Check for MutableImageTag {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "image.mutable-tag".into(),
            name: "Container image with a mutable tag".into(),
            description: "A container image is referenced as `:latest` or without a tag, which \
                pulls `latest`. What runs then changes whenever someone pushes the image: \
                deployments change without review, a bad or compromised push reaches production \
                by itself, and nobody can tell which version ran."
                .into(),
            remediation: Some(
                "Pin a version tag (`postgres:16.4`), or better a digest \
                 (`postgres:16.4@sha256:…`), and update it deliberately (Renovate and Dependabot \
                 can open the pull requests)."
                    .into(),
            ),
            severity: Severity::Medium,
            confidence: Confidence::High,
            references: strings(&[
                "https://kubernetes.io/docs/concepts/containers/images/#image-names",
                "https://docs.docker.com/build/building/best-practices/#pin-base-image-versions",
                "https://cwe.mitre.org/data/definitions/1357.html",
            ]),
            tags: strings(&["container", "supply-chain", "docker", "kubernetes"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new("Dockerfile", "FROM node\nCOPY . /app\n"),
            Example::new(
                "api/Dockerfile",
                "FROM python:latest AS base\nRUN pip install app\n",
            ),
            // The tag comes from a global ARG default.
            Example::new(
                "Dockerfile",
                "ARG NODE_VERSION=latest\nFROM node:${NODE_VERSION} AS build\nRUN npm ci\nFROM build\n",
            ),
            Example::new(
                "Dockerfile.prod",
                "FROM --platform=$BUILDPLATFORM golang AS build\nRUN go build\nFROM gcr.io/distroless/static:nonroot\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  db:\n    image: postgres:latest\n  cache:\n    image: redis\n",
            ),
            Example::new(
                "compose.yaml",
                "services:\n  api:\n    image: ghcr.io/acme/api:${TAG:-latest}\n",
            ),
            // A registry port is not a tag.
            Example::new(
                "docker-compose.yml",
                "services:\n  api:\n    image: registry.local:5000/acme/api\n",
            ),
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: migrate\n          image: ghcr.io/acme/migrate:latest\n      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:0c5a1b0a3f1e8a0c0d4e1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d\n",
            ),
            Example::new(
                "k8s/cron.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: backup\n            image: busybox\n",
            ),
            Example::new(
                "k8s/pod.yaml",
                "\u{feff}apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: debug\r\nspec:\r\n  containers:\r\n    - name: shell\r\n      image: \"alpine:latest\"\r\n",
            ),
            // A Helm template: the literal image is checked, templated ones are not.
            Example::new(
                "charts/api/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.fullname\" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n        - name: proxy\n          image: envoyproxy/envoy:latest\n",
            ),
            Example::new(
                "charts/api/values.yaml",
                "image:\n  repository: ghcr.io/acme/api\n  tag: latest\n  pullPolicy: Always\n",
            ),
            Example::new(
                "charts/api/values-prod.yaml",
                "image:\n  repository: ghcr.io/acme/api\n  pullPolicy: Always\n",
            ),
            Example::new(
                ".github/workflows/test.yml",
                "on: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: node:latest\n    services:\n      redis:\n        image: redis\n    steps:\n      - uses: docker://alpine:latest\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "Dockerfile",
                "ARG BASE\nFROM ${BASE}\nFROM node:20-alpine AS build\nRUN npm ci\nFROM build AS test\nFROM scratch\nCOPY --from=build /app /app\nFROM registry:5000/app:1.2\nFROM nginx@sha256:0c5a1b0a3f1e8a0c0d4e1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  api:\n    build: .\n    image: acme/api\n  db:\n    image: postgres:16.4\n  other:\n    image: ${OTHER_IMAGE}\n",
            ),
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n        - name: side\n          image: nginx:1.27\n",
            ),
            Example::new(
                "charts/api/values.yaml",
                "image:\n  repository: ghcr.io/acme/api\n  tag: \"\"\nsidecar:\n  image:\n    repository: envoyproxy/envoy\n    tag: v1.31.0\n",
            ),
            Example::new(
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n      image: node:20\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://alpine:3.20\n",
            ),
            Example::new("config/app.yaml", "image: nginx:latest\n"),
            Example::new("docs/deploy.md", "FROM node:latest\n"),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        Source::of(file.path).is_some()
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let before = out.len();
        scan(file, out);
        super::lower_all_in_examples(file.path, &mut out[before..]);
    }
}

/// Everything the check reports in one file.
fn scan(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    let Some(source) = Source::of(file.path) else {
        return;
    };
    if source == Source::Dockerfile {
        dockerfile(file, out);
        return;
    }
    if source == Source::Kubernetes && !kinds::may_be_kubernetes(file.bytes) {
        return;
    }
    let yaml = file.yaml();
    let mut report = Reporter {
        yaml,
        severity: if source == Source::Workflow {
            Severity::Low
        } else {
            Severity::Medium
        },
        out,
    };
    for doc in yaml.docs().collect::<Vec<_>>() {
        match source {
            Source::Compose => compose(&mut report, doc),
            Source::Workflow => workflow(&mut report, doc),
            Source::HelmValues => helm_values(&mut report, doc),
            Source::Kubernetes if yaml.k8s_kind(doc).is_some() => containers(&mut report, doc),
            _ => {}
        }
    }
}

fn dockerfile(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    let dockerfile = file.dockerfile();
    let mut aliases: Vec<String> = Vec::new();
    for stage in dockerfile.stages() {
        let written = &stage.image.text;
        if let Some(resolved) = &stage.resolved
            && !resolved.eq_ignore_ascii_case("scratch")
            && !aliases.contains(&resolved.to_ascii_lowercase())
            && let Some(image) = ImageRef::parse(resolved)
            && let Some(mut note) = mutable_note(&image, resolved)
        {
            if resolved != written {
                note.push_str(&format!(" (`{written}` with the `ARG` defaults)"));
            }
            let span = dockerfile.instructions[stage.from].span.clone();
            out.push(
                CheckHit::new(span, stage.image.range.clone())
                    .with_severity(Severity::Low)
                    .with_note(format!("base image {note}")),
            );
        }
        if let Some(alias) = stage.alias {
            aliases.push(alias);
        }
    }
}

struct Reporter<'y, 'o> {
    yaml: &'y Yaml,
    severity: Severity,
    out: &'o mut Vec<CheckHit>,
}

impl Reporter<'_, '_> {
    /// Checks the image reference at `id` (a literal scalar).
    fn image(&mut self, id: NodeId, what: &str) {
        let Some(scalar) = self.yaml.literal(id) else {
            return;
        };
        self.reference(scalar, &scalar.text, 0, what);
    }

    /// Checks `text`, found at `offset` inside `scalar`'s text.
    fn reference(&mut self, scalar: &Scalar, text: &str, offset: usize, what: &str) {
        // `${TAG:-latest}` as Compose would substitute it when TAG is unset.
        let resolved = if text.contains('$') {
            match substitute(text, &HashMap::new()) {
                Some(resolved) => resolved,
                None => return,
            }
        } else {
            text.to_string()
        };
        let Some(image) = ImageRef::parse(&resolved) else {
            return;
        };
        let Some(mut note) = mutable_note(&image, &resolved) else {
            return;
        };
        if resolved != text {
            note.push_str(&format!(" (`{text}` with its defaults)"));
        }
        let value = scalar
            .sub_range(offset..offset + text.len())
            .unwrap_or_else(|| scalar.value.clone());
        self.out.push(
            CheckHit::new(scalar.value.clone(), value)
                .with_severity(self.severity)
                .with_note(format!("{what} {note}{}", super::recovered_note(self.yaml))),
        );
    }
}

fn compose(report: &mut Reporter<'_, '_>, doc: NodeId) {
    let yaml = report.yaml;
    let Some(services) = yaml.get(doc, "services") else {
        return;
    };
    for (name, service) in yaml.entries(services) {
        if yaml.has(service, "build") {
            continue;
        }
        let Some(image) = yaml.get(service, "image") else {
            continue;
        };
        let what = format!("service `{}`:", yaml.str(name).unwrap_or("?"));
        report.image(image, &what);
    }
}

fn workflow(report: &mut Reporter<'_, '_>, doc: NodeId) {
    let yaml = report.yaml;
    let Some(jobs) = yaml.get(doc, "jobs") else {
        return;
    };
    for (name, job) in yaml.entries(jobs) {
        let job_name = yaml.str(name).unwrap_or("?").to_string();
        if let Some(container) = yaml.get(job, "container") {
            let image = yaml.get(container, "image").unwrap_or(container);
            report.image(image, &format!("job `{job_name}` container"));
        }
        if let Some(services) = yaml.get(job, "services") {
            for (service, spec) in yaml.entries(services) {
                let image = yaml.get(spec, "image").unwrap_or(spec);
                let what = format!(
                    "job `{job_name}` service `{}`:",
                    yaml.str(service).unwrap_or("?")
                );
                report.image(image, &what);
            }
        }
        if let Some(steps) = yaml.get(job, "steps") {
            for &step in yaml.items(steps) {
                let Some(uses) = yaml.get(step, "uses").and_then(|u| yaml.literal(u)) else {
                    continue;
                };
                if let Some(image) = uses.text.strip_prefix("docker://") {
                    let what = format!("job `{job_name}` step image");
                    report.reference(uses, image, "docker://".len(), &what);
                }
            }
        }
    }
}

/// `image:` of every container list in a Kubernetes document, whatever the kind.
fn containers(report: &mut Reporter<'_, '_>, doc: NodeId) {
    let yaml = report.yaml;
    for id in yaml.doc_nodes(doc) {
        let NodeKind::Map(entries) = &yaml.node(id).kind else {
            continue;
        };
        for &(key, value) in entries {
            let Some(list) = yaml.str(key) else {
                continue;
            };
            if !matches!(
                list,
                "containers" | "initContainers" | "ephemeralContainers"
            ) {
                continue;
            }
            for &container in yaml.items(value) {
                if let Some(image) = yaml.get(container, "image") {
                    let name = yaml.path_str(container, &["name"]).unwrap_or("?");
                    report.image(image, &format!("container `{name}`:"));
                }
            }
        }
    }
}

/// Helm values: `image:` strings and `image: {repository, tag}` maps, under
/// any key whose name ends in `image`.
fn helm_values(report: &mut Reporter<'_, '_>, doc: NodeId) {
    let yaml = report.yaml;
    for id in yaml.doc_nodes(doc) {
        let NodeKind::Map(entries) = &yaml.node(id).kind else {
            continue;
        };
        for &(key, value) in entries {
            let Some(name) = yaml.str(key) else {
                continue;
            };
            if !name.to_ascii_lowercase().ends_with("image") {
                continue;
            }
            if yaml.is_map(value) {
                helm_image(report, name, value);
            } else {
                report.image(value, &format!("`{name}`:"));
            }
        }
    }
}

fn helm_image(report: &mut Reporter<'_, '_>, key: &str, image: NodeId) {
    let yaml = report.yaml;
    let Some(repository) = yaml.get(image, "repository") else {
        return;
    };
    let Some(repo) = yaml.literal(repository) else {
        return;
    };
    if repo.text.is_empty() {
        return;
    }
    let registry = yaml
        .path_str(image, &["registry"])
        .filter(|r| !r.is_empty())
        .map(|r| format!("{r}/"))
        .unwrap_or_default();
    let pinned_by_digest = ["digest", "sha", "sha256"]
        .iter()
        .any(|k| yaml.path_str(image, &[k]).is_some_and(|d| !d.is_empty()));
    if pinned_by_digest {
        return;
    }
    if let Some(tag_id) = yaml.get(image, "tag") {
        let Some(tag) = yaml.literal(tag_id) else {
            return;
        };
        if tag.text.eq_ignore_ascii_case("latest") {
            let shown = format!("{registry}{}:{}", repo.text, tag.text);
            report.out.push(
                CheckHit::new(tag.value.clone(), tag.value.clone())
                    .with_severity(report.severity)
                    .with_note(format!(
                        "`{key}.tag`: `{shown}` uses the mutable `latest` tag: what runs changes whenever the image is pushed"
                    )),
            );
        }
        return;
    }
    if yaml.has(image, "version") {
        return;
    }
    // `repository: name:tag` carries its own tag.
    if let Some(parsed) = ImageRef::parse(&repo.text)
        && parsed.pinning() != Pinning::Untagged
    {
        report.reference(repo, &repo.text, 0, &format!("`{key}.repository`:"));
        return;
    }
    report.out.push(
        CheckHit::new(repo.value.clone(), repo.value.clone())
            .with_severity(report.severity)
            .with_confidence(Confidence::Low)
            .with_note(format!(
                "`{key}` sets `repository: {registry}{}` and no `tag`: the chart's template decides which tag runs (often `latest` or the chart's appVersion)",
                repo.text
            )),
    );
}
