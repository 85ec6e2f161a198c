//! `dockerfile.root-user`: a Dockerfile whose final stage runs as root.
//!
//! Without a `USER` instruction, a container runs as root (uid 0). A bug in
//! the application (a path traversal, a deserialisation flaw, a vulnerable
//! dependency) then runs with root's rights inside the container, can change
//! any file of the image, and is one kernel or runtime flaw away from the
//! host.
//!
//! Reported: the final stage (the image that ships) sets no `USER`, or its
//! last `USER` is `root`, `0` or `root:…`/`0:…`. A stage built `FROM` an
//! earlier stage inherits that stage's `USER`. The finding points at the
//! final `FROM` image, or at the `USER root` value.
//!
//! Not reported: a `USER` whose value is a variable the check cannot resolve
//! (assumed non-root), base images known to run as non-root by default
//! (`…:nonroot` and `…-nonroot` tags, `gcr.io/distroless/…:nonroot`,
//! `cgr.dev/chainguard/…`, `bitnami/…`, `…-unprivileged`), and dev container
//! Dockerfiles (`.devcontainer/`), which are meant for development. In tests,
//! examples and docs the finding is `low`.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::dockerfile::{assignments, substitute, unquote};
use crate::checks::kinds;
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};
use std::collections::HashMap;
use std::ops::Range;

/// Reports Dockerfiles whose final image runs as root.
#[derive(Debug, Clone, Copy)]
pub struct DockerfileRootUser;

impl Check for DockerfileRootUser {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "dockerfile.root-user".into(),
            name: "Container runs as root".into(),
            description: "The final stage of a Dockerfile sets no `USER`, or sets `USER root`, so \
                the container runs as root (uid 0). Any flaw in the application then runs with \
                root's rights in the container and is one runtime or kernel flaw away from the \
                host."
                .into(),
            remediation: Some(
                "Create an unprivileged user in the final stage and switch to it before the \
                 entrypoint, for example `RUN useradd --system --uid 10001 app` then \
                 `USER 10001`, or start from an image that runs as non-root (`…:nonroot` \
                 distroless images). In Kubernetes, also set `runAsNonRoot: true`."
                    .into(),
            ),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://docs.docker.com/build/building/best-practices/#user",
                "https://cwe.mitre.org/data/definitions/250.html",
                "https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html#rule-2-set-a-user",
            ]),
            tags: strings(&["docker", "container", "least-privilege"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "Dockerfile",
                "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
            ),
            Example::new(
                "api/Dockerfile",
                "FROM node:20 AS build\nUSER node\nRUN npm ci\nFROM node:20-slim\nCOPY --from=build /app /app\n",
            ),
            Example::new(
                "Dockerfile",
                "FROM debian:12\nRUN useradd app\nUSER app\nRUN echo hi\nUSER root\n",
            ),
            Example::new("Dockerfile", "FROM alpine:3.20\nUSER 0:0\n"),
            // An ARG-resolved user.
            Example::new(
                "Dockerfile",
                "FROM alpine:3.20\nARG RUN_AS=root\nUSER ${RUN_AS}\n",
            ),
            Example::new(
                "Containerfile",
                "\u{feff}FROM alpine:3.20\r\nRUN apk add curl\r\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "Dockerfile",
                "FROM python:3.12-slim\nRUN useradd --system app\nUSER app\nCMD [\"python\"]\n",
            ),
            Example::new(
                "Dockerfile",
                "FROM golang:1.23 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n",
            ),
            // The final stage inherits the user of the stage it is built from.
            Example::new(
                "Dockerfile",
                "FROM node:20 AS base\nUSER node\nFROM base AS final\nCOPY . .\n",
            ),
            Example::new("Dockerfile", "FROM alpine:3.20\nUSER ${APP_UID}\n"),
            Example::new("Dockerfile", "FROM alpine:3.20\nUSER 10001:10001\n"),
            Example::new(
                ".devcontainer/Dockerfile",
                "FROM mcr.microsoft.com/devcontainers/base:ubuntu\n",
            ),
            Example::new("Dockerfile", "# no FROM at all\n"),
            Example::new("docs/Dockerfile.md", "FROM alpine\n"),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        kinds::is_dockerfile(file.file_name()) && !file.path.contains(".devcontainer/")
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let before = out.len();
        final_stage_user(file, out);
        super::lower_all_in_examples(file.path, &mut out[before..]);
    }
}

/// Reports the final stage's user when it is root.
fn final_stage_user(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    let dockerfile = file.dockerfile();
    let stages = dockerfile.stages();
    let Some(last) = stages.last() else {
        return;
    };
    let globals = dockerfile.global_args();
    // The effective user of each stage: its last USER, or its base stage's.
    let mut users: HashMap<String, Option<User>> = HashMap::new();
    let mut final_user: Option<User> = None;
    for stage in &stages {
        let mut vars = globals.clone();
        let mut user: Option<User> = stage
            .resolved
            .as_ref()
            .and_then(|base| users.get(&base.to_ascii_lowercase()).cloned())
            .flatten();
        for instruction in &dockerfile.instructions[stage.body.clone()] {
            match instruction.keyword.as_str() {
                "ARG" | "ENV" => {
                    for assignment in assignments(instruction) {
                        match assignment.value {
                            Some(value) => {
                                vars.insert(assignment.name, value);
                            }
                            None => {
                                // `ARG X` re-imports a global default, or leaves X unknown.
                                if !globals.contains_key(&assignment.name) {
                                    vars.remove(&assignment.name);
                                }
                            }
                        }
                    }
                }
                "USER" => {
                    if let Some(word) = instruction.args.first() {
                        let written = unquote(&word.text);
                        user = Some(User {
                            name: substitute(&written, &vars),
                            range: word.range.clone(),
                            span: instruction.span.clone(),
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(alias) = &stage.alias {
            users.insert(alias.clone(), user.clone());
        }
        final_user = user;
    }
    match final_user {
        None => {
            let base = last.resolved.as_deref().unwrap_or(&last.image.text);
            if runs_as_non_root(base) {
                return;
            }
            let span = dockerfile.instructions[last.from].span.clone();
            out.push(
                CheckHit::new(span, last.image.range.clone()).with_note(format!(
                    "the final stage (`FROM {}`) sets no `USER`: the container runs as root",
                    last.image.text
                )),
            );
        }
        Some(user) => {
            let Some(name) = user.name else {
                return;
            };
            if is_root(&name) {
                out.push(CheckHit::new(user.span, user.range).with_note(format!(
                    "the final stage switches to `USER {name}`: the container runs as root"
                )));
            }
        }
    }
}

#[derive(Debug, Clone)]
struct User {
    /// The user, resolved; `None` when it uses an unknown variable.
    name: Option<String>,
    range: Range<usize>,
    span: Range<usize>,
}

/// `root`, `0`, `root:root`, `0:0`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

/// Base images that run as a non-root user unless told otherwise.
fn runs_as_non_root(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let tag = lower
        .rsplit_once('/')
        .map_or(lower.as_str(), |(_, last)| last)
        .split_once(':')
        .map_or("", |(_, tag)| tag);
    tag.starts_with("nonroot")
        || tag.ends_with("-nonroot")
        || tag.contains("nonroot-")
        || lower.starts_with("cgr.dev/chainguard/")
        || lower.starts_with("bitnami/")
        || lower.starts_with("docker.io/bitnami/")
        || lower.contains("-unprivileged")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_users_and_non_root_images() {
        assert!(is_root("root"));
        assert!(is_root("0:0"));
        assert!(is_root("root:wheel"));
        assert!(!is_root("app"));
        assert!(!is_root("10001"));
        assert!(runs_as_non_root("gcr.io/distroless/static:nonroot"));
        assert!(runs_as_non_root(
            "gcr.io/distroless/base-debian12:debug-nonroot"
        ));
        assert!(runs_as_non_root("nginxinc/nginx-unprivileged:1.27"));
        assert!(runs_as_non_root("bitnami/postgresql:16"));
        assert!(!runs_as_non_root("node:20"));
        assert!(!runs_as_non_root("gcr.io/distroless/static"));
    }
}
