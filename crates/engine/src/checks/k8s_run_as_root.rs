//! `kubernetes.run-as-root`: a Kubernetes workload whose containers may run
//! as root.
//!
//! Unless the pod or the container sets `runAsNonRoot: true` (or a non-zero
//! `runAsUser`), a container runs as whatever user its image sets, and most
//! images run as root. A flaw in the application then runs with root's rights
//! in the container: it can rewrite the image's files, and it is one runtime
//! or kernel flaw away from the node. `runAsNonRoot: true` makes the kubelet
//! refuse to start a container that would run as uid 0.
//!
//! Reported, for Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets,
//! ReplicationControllers, Jobs, CronJobs (and Argo Rollouts, OpenShift
//! DeploymentConfigs), per container and init container: neither the
//! container's nor the pod's `securityContext` sets `runAsNonRoot: true` or a
//! non-zero `runAsUser` (pointing at the container's name), or the effective
//! setting is `runAsUser: 0` or `runAsNonRoot: false` (pointing at it).
//!
//! Not reported: a `securityContext` filled in by a Helm template
//! (`securityContext: {{- toYaml .Values.securityContext | nindent 8 }}`),
//! since its value is only known when the chart is rendered, and files that
//! are not valid YAML even after blanking template directives (a key could
//! hide in the lines that could not be read). In tests, examples and docs the
//! finding is `low`.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::kinds;
use crate::checks::yaml::{NodeId, Yaml};
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};

/// Reports Kubernetes containers that may run as root.
#[derive(Debug, Clone, Copy)]
pub struct KubernetesRunAsRoot;

/// Where each workload kind keeps its pod spec.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "Rollout"
        | "DeploymentConfig" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

impl Check for KubernetesRunAsRoot {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "kubernetes.run-as-root".into(),
            name: "Kubernetes container may run as root".into(),
            description: "A Kubernetes workload does not set `runAsNonRoot: true` (or a \
                non-zero `runAsUser`) for a container, at pod or container level, or sets \
                `runAsUser: 0`. The container then runs as the image's user, root for most \
                images, and any flaw in the application runs with root's rights."
                .into(),
            remediation: Some(
                "Set `securityContext: {runAsNonRoot: true, runAsUser: 10001}` in the pod spec \
                 (and `allowPrivilegeEscalation: false`, `readOnlyRootFilesystem: true` on \
                 containers), build the image with a non-root `USER`, and enforce the \
                 `restricted` Pod Security Standard on the namespace."
                    .into(),
            ),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
                "https://cwe.mitre.org/data/definitions/250.html",
            ]),
            tags: strings(&["kubernetes", "container", "least-privilege"]),
            kind: RuleKind::Config,
            sensitive: false,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n",
            ),
            Example::new(
                "k8s/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: shell\n    image: alpine:3.20\n",
            ),
            // The container overrides the pod.
            Example::new(
                "k8s/sts.yaml",
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n      initContainers:\n        - name: chown\n          image: busybox:1.36\n          securityContext:\n            runAsNonRoot: false\n      containers:\n        - name: db\n          image: postgres:16\n",
            ),
            Example::new(
                "k8s/all.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: backup\n              image: postgres:16\n",
            ),
            Example::new(
                "k8s/job.yaml",
                "\u{feff}apiVersion: batch/v1\r\nkind: Job\r\nmetadata:\r\n  name: migrate\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: migrate\r\n          image: ghcr.io/acme/api:1.4.2\r\n",
            ),
            // A chart template that sets no securityContext at all.
            Example::new(
                "charts/api/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.fullname\" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.4.2\n",
            ),
            Example::new(
                "k8s/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1\n    securityContext:\n      runAsUser: 1000\n  - name: side\n    image: side:1\n    securityContext:\n      runAsNonRoot: true\n",
            ),
            Example::new(
                "charts/api/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.fullname\" . }}\nspec:\n  template:\n    spec:\n      securityContext:\n        {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      containers:\n        - name: {{ .Chart.Name }}\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n          image: \"{{ .Values.image.repository }}\"\n",
            ),
            Example::new(
                "k8s/svc.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n    - port: 80\n",
            ),
            // Not valid YAML: a key might hide in the unreadable lines.
            Example::new(
                "k8s/broken.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          args: [unclosed\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  api:\n    image: api:1\n",
            ),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        let name = file.file_name();
        kinds::is_yaml(name)
            && !kinds::is_workflow(file.path)
            && !kinds::is_compose(name)
            && !kinds::is_helm_values(name)
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let before = out.len();
        scan(file, out);
        super::lower_all_in_examples(file.path, &mut out[before..]);
    }
}

/// Everything the check reports in one file.
fn scan(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    if !kinds::may_be_kubernetes(file.bytes) {
        return;
    }
    let yaml = file.yaml();
    if yaml.recovered() {
        return;
    }
    for doc in yaml.docs().collect::<Vec<_>>() {
        let Some(kind) = yaml.k8s_kind(doc) else {
            continue;
        };
        let Some(path) = pod_spec_path(kind) else {
            continue;
        };
        let Some(spec) = yaml.path(doc, path) else {
            continue;
        };
        let workload = match yaml.path_str(doc, &["metadata", "name"]) {
            Some(name) => format!("{kind} `{name}`"),
            None => kind.to_string(),
        };
        check_pod(yaml, spec, &workload, out);
    }
}

/// What a `securityContext` says about the user.
#[derive(Default)]
struct Context {
    non_root: Option<(bool, NodeId)>,
    user: Option<(i64, NodeId)>,
    /// Filled in by a template: unknown.
    unknown: bool,
}

fn context(yaml: &Yaml, owner: NodeId) -> Context {
    let Some(sc) = yaml.get(owner, "securityContext") else {
        return Context::default();
    };
    if yaml.is_template_filled(sc) {
        return Context {
            unknown: true,
            ..Context::default()
        };
    }
    let mut context = Context::default();
    if let Some(id) = yaml.get(sc, "runAsNonRoot") {
        match yaml.str(id) {
            Some("true") => context.non_root = Some((true, id)),
            Some("false") => context.non_root = Some((false, id)),
            _ => context.unknown = true,
        }
    }
    if let Some(id) = yaml.get(sc, "runAsUser") {
        match yaml.str(id).and_then(|u| u.parse::<i64>().ok()) {
            Some(uid) => context.user = Some((uid, id)),
            None => context.unknown = true,
        }
    }
    context
}

fn check_pod(yaml: &Yaml, spec: NodeId, workload: &str, out: &mut Vec<CheckHit>) {
    let pod = context(yaml, spec);
    if pod.unknown {
        return;
    }
    for list in ["initContainers", "containers"] {
        let Some(containers) = yaml.get(spec, list) else {
            continue;
        };
        for &container in yaml.items(containers) {
            let own = context(yaml, container);
            if own.unknown {
                continue;
            }
            let non_root = own.non_root.or(pod.non_root);
            let user = own.user.or(pod.user);
            let name_id = yaml
                .get(container, "name")
                .or_else(|| yaml.get(container, "image"));
            let what = match yaml.path_str(container, &["name"]) {
                Some(name) => format!("container `{name}` of {workload}"),
                None => format!("a container of {workload}"),
            };
            let (at, note) = match (non_root, user) {
                (_, Some((0, id))) => (id, format!("{what} sets `runAsUser: 0`: it runs as root")),
                (Some((true, _)), _) => continue,
                (_, Some((uid, _))) if uid > 0 => continue,
                (Some((false, id)), _) => (
                    id,
                    format!(
                        "{what} sets `runAsNonRoot: false`: it runs as the image's user, root for most images"
                    ),
                ),
                _ => (
                    name_id.unwrap_or(container),
                    format!(
                        "{what} does not set `runAsNonRoot: true` (pod or container `securityContext`): it runs as the image's user, root for most images"
                    ),
                ),
            };
            let value = match yaml.scalar(at) {
                Some(s) => s.value.clone(),
                None => yaml.node(at).span.clone(),
            };
            let span = yaml.node(container).span.start.min(value.start)..value.end;
            out.push(CheckHit::new(span, value).with_note(note));
        }
    }
}
