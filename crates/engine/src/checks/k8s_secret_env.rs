//! `kubernetes.secret-in-env`: a secret written as a literal `env` value in a
//! Kubernetes manifest or Helm values, instead of a reference to a Secret.
//!
//! `env: [{name: DB_PASSWORD, value: "…"}]` puts the secret in the manifest:
//! in the repository and its history, in every copy of the chart, in
//! `kubectl get deployment -o yaml` for anyone who may read Deployments
//! (a much wider group than those who may read Secrets), and in the
//! Deployment's revision history.
//!
//! Reported: a container `env` entry (Kubernetes manifests and chart
//! templates, any kind) or an `env`/`extraEnv`/`extraEnvVars` list in Helm
//! `values*.yaml` whose `name` says secret (`*_PASSWORD`, `*_SECRET`,
//! `*_TOKEN`, `*_API_KEY`, `*_PRIVATE_KEY`, `SECRET_KEY_BASE`…) and whose
//! `value` is a literal.
//!
//! Not reported: `valueFrom` (`secretKeyRef`), empty and templated values
//! (`{{ .Values.x }}`, `$(VAR)`), placeholders (`changeme`, `<token>`),
//! values too short to be a credential (under 6 characters, short numbers),
//! booleans and file paths, names about a secret (`JWT_EXPIRES_IN`,
//! `TOKEN_URL`), and weak passwords, which `config.default-password` reports.
//! In tests, examples and docs the finding is `low`.

use super::strings;
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::kinds;
use crate::checks::names::{is_password_key, is_reference, is_secret_name, weak_password};
use crate::checks::yaml::{NodeId, NodeKind, Yaml};
use crate::info::{Example, RuleInfo, RuleKind};
use crate::placeholder::is_placeholder;
use crate::severity::{Confidence, Severity};

/// Reports secrets passed as literal environment values in Kubernetes.
#[derive(Debug, Clone, Copy)]
pub struct KubernetesSecretInEnv;

impl Check for KubernetesSecretInEnv {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "kubernetes.secret-in-env".into(),
            name: "Secret as a literal env value in Kubernetes".into(),
            description: "A container environment variable that holds a secret (password, \
                token, API or signing key) is written as a literal `value:` in a Kubernetes \
                manifest or Helm values. The secret is then in the repository, in every copy \
                of the chart, and readable by anyone allowed to read the Deployment, a much \
                wider group than those allowed to read Secrets."
                .into(),
            remediation: Some(
                "Rotate the secret, store it in a Secret (created from a secret manager with \
                 External Secrets, Sealed Secrets or SOPS, not committed in clear), and \
                 reference it: `valueFrom: {secretKeyRef: {name: app, key: db-password}}` or \
                 `envFrom: [{secretRef: {name: app}}]`."
                    .into(),
            ),
            severity: Severity::High,
            confidence: Confidence::Medium,
            references: strings(&[
                "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables",
                "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
                "https://cwe.mitre.org/data/definitions/312.html",
            ]),
            tags: strings(&["kubernetes", "secret", "helm"]),
            kind: RuleKind::Config,
            sensitive: true,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - name: JWT_SECRET\n              value: \"k9Xq2LmP7vT4wRz8\"\n            - name: LOG_LEVEL\n              value: info\n",
            ),
            Example::new(
                "k8s/all.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: sync\nspec:\n  template:\n    spec:\n      containers:\n      - name: sync\n        env:\n        - value: 4f8a1c9e2b7d6a3f\n          name: STRIPE_API_KEY\n",
            ),
            Example::new(
                "charts/api/values.yaml",
                "extraEnvVars:\n  - name: SMTP_PASSWORD\n    value: Wm9c2Lq8Rt\n",
            ),
            Example::new(
                "charts/api/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: SESSION_SECRET\n              value: 3c1f0e9a8b7d\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: JWT_SECRET\n              valueFrom:\n                secretKeyRef:\n                  name: api\n                  key: jwt-secret\n            - name: API_TOKEN\n              value: \"{{ .Values.token }}\"\n            - name: JWT_EXPIRES_IN\n              value: \"3600\"\n            - name: REQUIRE_AUTH_TOKEN\n              value: \"true\"\n            - name: TOKEN\n              value: \"3023\"\n            - name: TLS_PRIVATE_KEY\n              value: /etc/tls/tls.key\n            - name: DB_PASSWORD\n              value: \"\"\n            - name: GITHUB_TOKEN\n              value: $(GH_TOKEN)\n            - name: API_KEY\n              value: changeme\n",
            ),
            // A weak password is `config.default-password`'s finding.
            Example::new(
                "k8s/db.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      env:\n        - name: POSTGRES_PASSWORD\n          value: postgres\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  api:\n    environment:\n      - name: JWT_SECRET\n        value: k9Xq2LmP7vT4wRz8\n",
            ),
            Example::new(
                "config/app.yaml",
                "env:\n  - name: JWT_SECRET\n    value: k9Xq2LmP7vT4wRz8\n",
            ),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        let name = file.file_name();
        kinds::is_yaml(name) && !kinds::is_workflow(file.path) && !kinds::is_compose(name)
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let before = out.len();
        scan(file, out);
        super::lower_all_in_examples(file.path, &mut out[before..]);
    }
}

/// Everything the check reports in one file.
fn scan(file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
    let values = kinds::is_helm_values(file.file_name());
    if !values && !kinds::may_be_kubernetes(file.bytes) {
        return;
    }
    let yaml = file.yaml();
    for doc in yaml.docs().collect::<Vec<_>>() {
        if !values && yaml.k8s_kind(doc).is_none() {
            continue;
        }
        for id in yaml.doc_nodes(doc) {
            let NodeKind::Map(entries) = &yaml.node(id).kind else {
                continue;
            };
            for &(key, value) in entries {
                let Some(list) = yaml.str(key) else {
                    continue;
                };
                let is_env_list = if values {
                    let lower = list.to_ascii_lowercase();
                    lower.ends_with("env") || lower.ends_with("envvars")
                } else {
                    list == "env"
                };
                if is_env_list {
                    for &var in yaml.items(value) {
                        check_var(yaml, var, out);
                    }
                }
            }
        }
    }
}

fn check_var(yaml: &Yaml, var: NodeId, out: &mut Vec<CheckHit>) {
    let (Some(name_id), Some(value_id)) = (yaml.get(var, "name"), yaml.get(var, "value")) else {
        return;
    };
    let (Some(name), Some(value)) = (yaml.str(name_id), yaml.literal(value_id)) else {
        return;
    };
    if !is_secret_name(name) {
        return;
    }
    let text = value.text.trim();
    // Too short to be a credential: a port, a count, a flag.
    let short = text.len() < 6 || (text.len() <= 8 && text.bytes().all(|b| b.is_ascii_digit()));
    if short
        || is_reference(text)
        || is_placeholder(text.as_bytes())
        || text.starts_with('/')
        || text.starts_with("$(")
        || matches!(
            text.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null"
        )
    {
        return;
    }
    if is_password_key(name) && weak_password(text).is_some() {
        return;
    }
    let start = yaml.node(var).span.start.min(value.value.start);
    out.push(
        CheckHit::new(start..value.value.end, value.value.clone()).with_note(format!(
            "`{name}` is set as a literal `env` value instead of a `secretKeyRef`{}",
            super::recovered_note(yaml)
        )),
    );
}
