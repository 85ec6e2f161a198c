//! `config.default-password`: a password setting whose value is a well-known
//! default or trivially weak.
//!
//! Secret scanners ignore `changeme`, `admin` or `postgres` on purpose: they
//! look like placeholders, not leaked keys. But a deployed database, cache or
//! admin console whose password is `postgres` or `foobared` is open to anyone
//! who tries the defaults, and reviews of small products find exactly that.
//!
//! Reported: a key that names a password (`password`, `POSTGRES_PASSWORD`,
//! `adminPassword`, `DB_PASS`, `requirepass`, `client_secret`, `SECRET_KEY`…)
//! set to a default (`changeme`, `password`, `admin`, `root`, `secret`,
//! `postgres`, `foobared`, `123456`, `tiger`…) or to a short word or number
//! (under 8 characters), in:
//!
//! - Compose files: `environment:` as a map or a `KEY=value` list,
//!   `${VAR:-default}` fallbacks, `command: redis-server --requirepass …`;
//!   `env_file:` targets are dotenv files, read as such;
//! - Kubernetes manifests: any key (ConfigMap `data`, Secret `stringData`,
//!   container `env` `name`/`value` pairs) and Secret `data` after base64
//!   decoding; Helm `values*.yaml`; Spring `application*.yml`;
//! - dotenv files (`.env`, `.env.production`, `*.env`), `.properties`,
//!   INI files (`.ini`, `.cfg`, `my.cnf`), Redis `requirepass`/`masterauth`,
//!   Terraform (`.tf`, `.tfvars`, including `variable` defaults), Dockerfile
//!   `ENV` and `ARG`;
//! - passwords inside connection strings in any of those values:
//!   `postgres://user:postgres@db`, `jdbc:…?password=root`,
//!   `Server=…;Password=sa;`, `jdbc:oracle:thin:scott/tiger@…`.
//!
//! Not reported: empty values, references and templates (`${DB_PASSWORD}`,
//! `$PASS`, `{{ .Values.password }}`, `<password>`, `ENC(…)`, `vault:…`),
//! `secretKeyRef`/`valueFrom`, keys about a password (`PASSWORD_FILE`,
//! `existingSecretPasswordKey`), dotenv templates (`.env.example`), CI
//! workflows (their service containers are throwaway), and prose: Markdown is
//! never read.
//!
//! In tests, examples and docs the finding is `low`. A YAML file that is not
//! valid YAML (a Helm template whose directives build structure) is read line
//! by line, and the note says so.

use super::{names, strings};
use crate::check::{Check, CheckFile, CheckHit, SourceFile};
use crate::checks::dockerfile::assignments;
use crate::checks::keyvalue::{self, Entry};
use crate::checks::kinds;
use crate::checks::names::{Weakness, is_password_key, weak_password};
use crate::checks::yaml::{NodeId, NodeKind, Scalar, Yaml};
use crate::info::{Example, RuleInfo, RuleKind};
use crate::severity::{Confidence, Severity};
use base64::Engine;
use std::collections::HashSet;
use std::ops::Range;

/// Reports default and trivially weak passwords in configuration files.
#[derive(Debug, Clone, Copy)]
pub struct DefaultPassword;

/// The kinds of file the check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Compose,
    HelmValues,
    Spring,
    /// Any other YAML: read only for its Kubernetes documents.
    Kubernetes,
    Dotenv,
    Properties,
    Ini,
    Redis,
    Terraform,
    Dockerfile,
}

impl Format {
    fn of(path: &str) -> Option<Format> {
        let name = kinds::file_name(path);
        Some(if kinds::is_yaml(name) {
            if kinds::is_workflow(path) {
                return None;
            } else if kinds::is_compose(name) {
                Format::Compose
            } else if kinds::is_helm_values(name) {
                Format::HelmValues
            } else if kinds::is_spring_yaml(name) {
                Format::Spring
            } else {
                Format::Kubernetes
            }
        } else if kinds::is_dotenv(name) {
            Format::Dotenv
        } else if kinds::is_properties(path) {
            Format::Properties
        } else if kinds::is_redis_conf(name) {
            Format::Redis
        } else if kinds::is_ini(name) {
            Format::Ini
        } else if kinds::is_terraform(name) {
            Format::Terraform
        } else if kinds::is_dockerfile(name) {
            Format::Dockerfile
        } else {
            return None;
        })
    }

    fn label(self) -> &'static str {
        match self {
            Format::Compose => "Compose file",
            Format::HelmValues => "Helm values",
            Format::Spring => "Spring configuration",
            Format::Kubernetes => "Kubernetes manifest",
            Format::Dotenv => "dotenv file",
            Format::Properties => "properties file",
            Format::Ini => "INI file",
            Format::Redis => "Redis configuration",
            Format::Terraform => "Terraform",
            Format::Dockerfile => "Dockerfile",
        }
    }
}

impl Check for DefaultPassword {
    fn info(&self) -> RuleInfo {
        RuleInfo {
            id: "config.default-password".into(),
            name: "Default or weak password in configuration".into(),
            description: "A password setting (database, cache, broker, admin account) whose \
                value is a well-known default such as `changeme`, `postgres`, `admin` or \
                `foobared`, or a short word or number. Anyone who tries the defaults gets in; \
                secret scanners skip these values because they look like placeholders."
                .into(),
            remediation: Some(
                "Generate a long random password, store it in a secret manager or the \
                 platform's secrets (a Kubernetes Secret from an external store, Docker secrets, \
                 CI secrets), and reference it (`${DB_PASSWORD}`, `secretKeyRef`) instead of \
                 writing it in the file. If the default was ever deployed, change it on the \
                 running service too."
                    .into(),
            ),
            severity: Severity::High,
            confidence: Confidence::High,
            references: strings(&[
                "https://cwe.mitre.org/data/definitions/1392.html",
                "https://owasp.org/Top10/A07_2021-Identification_and_Authentication_Failures/",
                "https://docs.docker.com/compose/how-tos/use-secrets/",
            ]),
            tags: strings(&["password", "default-credentials", "configuration"]),
            kind: RuleKind::Config,
            sensitive: true,
        }
    }

    fn examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "docker-compose.yml",
                "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: postgres\n",
            ),
            Example::new(
                "deploy/compose.yaml",
                "services:\n  db:\n    image: mysql:8\n    environment:\n      - MYSQL_DATABASE=shop\n      - MYSQL_ROOT_PASSWORD=root\n",
            ),
            // A fallback used whenever the variable is unset.
            Example::new(
                "docker-compose.prod.yml",
                "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD:-changeme}\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  api:\n    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD:-changeme}@db/app\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass foobared --appendonly yes\n",
            ),
            Example::new(
                "k8s/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  username: app\n  password: \"admin\"\n",
            ),
            // `data` is base64: "changeme".
            Example::new(
                "k8s/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: Y2hhbmdlbWU=\n",
            ),
            // The second document of a multi-document manifest.
            Example::new(
                "deploy/all.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: DB_PASSWORD\n              value: secret\n",
            ),
            Example::new(
                "charts/shop/values.yaml",
                "postgresql:\n  auth:\n    username: shop\n    postgresPassword: postgres\n",
            ),
            // A Helm template: directives are blanked out before parsing.
            Example::new(
                "charts/shop/templates/configmap.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"shop.fullname\" . }}\ndata:\n{{- range $k, $v := .Values.extra }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}\n  ADMIN_PASSWORD: admin123\n",
            ),
            // A template that stays invalid YAML: read line by line.
            Example::new(
                "charts/shop/templates/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  {{- if .Values.tls }}\n  tls.crt: {{ .Values.cert }}\n  {{- end }}\n  hosts: [a,\n  password: changeme\n",
            ),
            Example::new(".env", "DATABASE_URL=postgres://app:postgres@db:5432/app\n"),
            Example::new("config/db.env", "POSTGRES_PASSWORD=password\n"),
            Example::new(
                "src/main/resources/application.properties",
                "spring.datasource.url=jdbc:mysql://db:3306/shop\nspring.datasource.username=root\nspring.datasource.password=root\n",
            ),
            Example::new(
                "src/main/resources/application.properties",
                "spring.datasource.url=jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password=sa\n",
            ),
            Example::new(
                "src/main/resources/application-prod.yml",
                "spring:\n  datasource:\n    password: ${DB_PASSWORD:root}\n",
            ),
            Example::new("my.cnf", "[client]\nuser = root\npassword = 123456\n"),
            Example::new("redis.conf", "bind 0.0.0.0\nrequirepass foobared\n"),
            Example::new(
                "infra/variables.tf",
                "variable \"db_password\" {\n  type      = string\n  sensitive = true\n  default   = \"changeme\"\n}\n",
            ),
            Example::new(
                "infra/main.tf",
                "resource \"aws_db_instance\" \"db\" {\n  username = \"admin\"\n  password = \"admin123\"\n}\n",
            ),
            Example::new("prod.tfvars", "db_password = \"Passw0rd\"\n"),
            Example::new(
                "Dockerfile",
                "FROM postgres:16\nENV POSTGRES_PASSWORD=postgres\n",
            ),
            // CRLF line ends and a byte-order mark.
            Example::new(
                "docker-compose.yml",
                "\u{feff}services:\r\n  db:\r\n    environment:\r\n      POSTGRES_PASSWORD: \"postgres\"\r\n",
            ),
        ]
    }

    fn negative_examples(&self) -> Vec<Example> {
        vec![
            Example::new(
                "docker-compose.yml",
                "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n      POSTGRES_PASSWORD_FILE: /run/secrets/db\n      REDIS_PASSWORD: \"\"\n      ADMIN_PASSWORD: $ADMIN_PASSWORD\n",
            ),
            Example::new(
                "docker-compose.yml",
                "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=Tz8qK2mWv4Lr9xNc\n      - POSTGRES_USER=postgres\n",
            ),
            Example::new(
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n",
            ),
            Example::new(
                "charts/shop/templates/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}\nstringData:\n  password: {{ .Values.password | quote }}\n  admin-password: \"{{ .Values.adminPassword }}\"\n",
            ),
            Example::new(
                "charts/shop/values.yaml",
                "auth:\n  existingSecret: shop-db\n  existingSecretPasswordKey: password\n  password: \"\"\n  secret: admin\n",
            ),
            Example::new(
                "k8s/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: VHo4cUsybVd2NExyOXhOYw==\n",
            ),
            Example::new(".env.example", "POSTGRES_PASSWORD=postgres\n"),
            Example::new(
                ".env",
                "DB_PASSWORD=<your-password>\nAPI_URL=postgres://app@db/app\n",
            ),
            Example::new(
                "README.md",
                "Log in with the password `admin` and change it.\n\n```\nPOSTGRES_PASSWORD: postgres\n```\n",
            ),
            Example::new(
                ".github/workflows/ci.yml",
                "jobs:\n  test:\n    services:\n      postgres:\n        image: postgres:16\n        env:\n          POSTGRES_PASSWORD: postgres\n",
            ),
            Example::new("config/app.yaml", "database:\n  password: postgres\n"),
            Example::new(
                "src/main/resources/application.properties",
                "spring.datasource.password=${DB_PASSWORD}\nspring.datasource.password-file=/etc/pw\napp.password.min-length=12\n",
            ),
            Example::new(
                "src/main/resources/messages_fr.properties",
                "login.password=Mot\n",
            ),
            Example::new(
                "redis.conf",
                "# requirepass foobared\nrequirepass \"Tz8qK2mWv4Lr9xNc\"\n",
            ),
            Example::new(
                "main.tf",
                "resource \"aws_db_instance\" \"db\" {\n  password = var.db_password\n  other    = \"${var.password}\"\n}\n",
            ),
            Example::new(
                "Dockerfile",
                "FROM postgres:16\nARG DB_PASSWORD\nENV POSTGRES_PASSWORD=$DB_PASSWORD\n",
            ),
            Example::new("settings.py", "PASSWORD = \"admin\"\n"),
        ]
    }

    fn applies_to(&self, file: &SourceFile<'_>) -> bool {
        Format::of(file.path).is_some()
    }

    fn run(&self, file: &CheckFile<'_>, out: &mut Vec<CheckHit>) {
        let Some(format) = Format::of(file.path) else {
            return;
        };
        let mut report = Reporter {
            format,
            low: names::is_test_or_example_path(file.path),
            path: file.path.to_string(),
            recovered: "",
            seen: HashSet::new(),
            out,
        };
        match format {
            Format::Compose | Format::HelmValues | Format::Spring | Format::Kubernetes => {
                if format == Format::Kubernetes && !kinds::may_be_kubernetes(file.bytes) {
                    return;
                }
                let yaml = file.yaml();
                report.recovered = super::recovered_note(yaml);
                for doc in yaml.docs().collect::<Vec<_>>() {
                    let kind = yaml.k8s_kind(doc);
                    if format == Format::Kubernetes && kind.is_none() {
                        continue;
                    }
                    scan_yaml(yaml, doc, kind, &mut report);
                }
            }
            Format::Dotenv => report.entries(keyvalue::dotenv(file.bytes)),
            Format::Properties => report.entries(keyvalue::properties(file.bytes)),
            Format::Ini => report.entries(keyvalue::ini(file.bytes)),
            Format::Terraform => report.entries(keyvalue::terraform(file.bytes)),
            Format::Redis => {
                for entry in keyvalue::redis_conf(file.bytes) {
                    if let Some(weakness) = weak_password(&entry.value) {
                        let what = format!("`{}`", entry.key);
                        report.hit(
                            entry.key_range.start,
                            entry.value_range,
                            &what,
                            weakness,
                            "",
                        );
                    }
                }
            }
            Format::Dockerfile => {
                let dockerfile = file.dockerfile();
                for instruction in &dockerfile.instructions {
                    if !matches!(instruction.keyword.as_str(), "ENV" | "ARG") {
                        continue;
                    }
                    for assignment in assignments(instruction) {
                        if let Some(value) = &assignment.value {
                            report.setting(
                                &assignment.name,
                                value,
                                assignment.value_range.clone(),
                                true,
                                assignment.name_range.start,
                            );
                        }
                    }
                }
            }
        }
    }
}

/// Turns weak values into hits, once per value.
struct Reporter<'o> {
    format: Format,
    low: bool,
    path: String,
    /// Added to notes when the YAML was read line by line.
    recovered: &'static str,
    seen: HashSet<(usize, usize)>,
    out: &'o mut Vec<CheckHit>,
}

impl Reporter<'_> {
    fn entries(&mut self, entries: Vec<Entry>) {
        for entry in entries {
            self.setting(
                &entry.key,
                &entry.value,
                entry.value_range.clone(),
                entry.exact,
                entry.key_range.start,
            );
        }
    }

    /// Judges `key = value`, where `value` sits at `range` in the file
    /// (exactly when `exact`), the setting starting at `start`.
    fn setting(&mut self, key: &str, value: &str, range: Range<usize>, exact: bool, start: usize) {
        let sub = |r: Range<usize>| {
            if exact && r.end <= range.len() {
                range.start + r.start..range.start + r.end
            } else {
                range.clone()
            }
        };
        if is_password_key(key) {
            if let Some((variable, default)) = interpolation_default(value) {
                if let Some(weakness) = weak_password(&value[default.clone()]) {
                    let what = format!(
                        "`{key}` falls back to {} when `{variable}` is unset",
                        weakness.describe()
                    );
                    self.hit(start, sub(default), &what, weakness, "");
                }
                return;
            }
            if let Some(weakness) = weak_password(value) {
                self.hit(start, range.clone(), &format!("`{key}`"), weakness, "");
                return;
            }
        }
        let Some(password) = connection_password(value) else {
            return;
        };
        // `postgres://app:${DB_PASSWORD:-changeme}@db/app` falls back too.
        let (password, fallback) = match interpolation_default(&value[password.clone()]) {
            Some((variable, default)) => (
                password.start + default.start..password.start + default.end,
                Some(variable),
            ),
            None => (password, None),
        };
        if let Some(weakness) = weak_password(&value[password.clone()]) {
            let what = match fallback {
                Some(variable) => format!(
                    "the password in `{key}` falls back to {} when `{variable}` is unset",
                    weakness.describe()
                ),
                None => format!("the password in `{key}`"),
            };
            self.hit(start, sub(password), &what, weakness, "");
        }
    }

    /// Reports the value at `value`. `what` names the setting (`` `KEY` ``) or
    /// is a whole statement when it already says what is wrong (a fallback).
    fn hit(
        &mut self,
        start: usize,
        value: Range<usize>,
        what: &str,
        weakness: Weakness,
        how: &str,
    ) {
        if !self.seen.insert((value.start, value.end)) {
            return;
        }
        let statement = if what.contains(weakness.describe()) {
            what.to_string()
        } else {
            format!("{what} is {}", weakness.describe())
        };
        let mut note = format!("{statement} ({}{how})", self.format.label());
        note.push_str(self.recovered);
        let mut hit = CheckHit::new(start.min(value.start)..value.end, value);
        if weakness == Weakness::Trivial {
            hit = hit.with_confidence(Confidence::Medium);
        }
        hit = hit.with_note(note);
        if self.low {
            hit = super::lower_in_examples(&self.path, hit);
        }
        self.out.push(hit);
    }

    fn scalar_setting(&mut self, key: &str, scalar: &Scalar, start: usize) {
        self.setting(key, &scalar.text, scalar.value.clone(), scalar.exact, start);
    }
}

/// Reads one YAML document: every `key: value` of every mapping, `name`/`value`
/// pairs, Compose `environment` lists and `command`, Secret `data`.
fn scan_yaml(yaml: &Yaml, doc: NodeId, kind: Option<&str>, report: &mut Reporter<'_>) {
    let secret_data = (kind == Some("Secret"))
        .then(|| yaml.get(doc, "data"))
        .flatten()
        .map(|id| yaml.resolve(id));
    if let Some(data) = secret_data {
        for (key, value) in yaml.entries(data) {
            let (Some(name), Some(scalar)) = (yaml.str(key), yaml.literal(value)) else {
                continue;
            };
            if !is_password_key(name) {
                continue;
            }
            let Some(decoded) = decode_base64(&scalar.text) else {
                continue;
            };
            if let Some(weakness) = weak_password(&decoded) {
                let start = yaml.node(key).span.start;
                let what = format!("`{name}`");
                let before = report.out.len();
                report.hit(
                    start,
                    scalar.value.clone(),
                    &what,
                    weakness,
                    ", Secret `data`",
                );
                if report.out.len() > before
                    && let Some(hit) = report.out.last_mut()
                {
                    hit.decoded = Some((decoded.into_bytes(), crate::Encoding::Base64));
                }
            }
        }
    }
    for id in yaml.doc_nodes(doc) {
        let NodeKind::Map(entries) = &yaml.node(id).kind else {
            continue;
        };
        if Some(id) == secret_data {
            continue;
        }
        // `- name: DB_PASSWORD` / `value: x`, as in container `env`.
        if let (Some(name), Some(value)) = (yaml.get(id, "name"), yaml.get(id, "value"))
            && let (Some(name), Some(scalar)) = (yaml.str(name), yaml.literal(value))
        {
            report.scalar_setting(name, scalar, yaml.node(id).span.start);
        }
        for &(key, value) in entries {
            let Some(name) = yaml.str(key) else {
                continue;
            };
            let start = yaml.node(key).span.start;
            if let Some(scalar) = yaml.literal(value) {
                if name == "command" {
                    requirepass_in(&scalar.text, scalar, report);
                }
                report.scalar_setting(name, scalar, start);
                continue;
            }
            let items = yaml.items(value);
            if name == "environment" {
                for &item in items {
                    if let Some(scalar) = yaml.literal(item) {
                        list_assignment(scalar, report);
                    }
                }
            } else if name == "command" {
                command_list(yaml, items, report);
            }
        }
    }
}

/// `- KEY=value` in a Compose `environment` list.
fn list_assignment(scalar: &Scalar, report: &mut Reporter<'_>) {
    let Some((key, value)) = scalar.text.split_once('=') else {
        return;
    };
    let offset = key.len() + 1;
    let range = scalar
        .sub_range(offset..scalar.text.len())
        .unwrap_or_else(|| scalar.value.clone());
    report.setting(key.trim(), value, range, scalar.exact, scalar.value.start);
}

/// `redis-server --requirepass foobared` in a Compose `command` string.
fn requirepass_in(text: &str, scalar: &Scalar, report: &mut Reporter<'_>) {
    let mut words = text.split(' ').scan(0usize, |at, word| {
        let start = *at;
        *at += word.len() + 1;
        Some((start, word))
    });
    while let Some((_, word)) = words.next() {
        if word != "--requirepass" && word != "--masterauth" {
            continue;
        }
        let Some((start, password)) = words.next() else {
            return;
        };
        if let Some(weakness) = weak_password(password) {
            let range = scalar
                .sub_range(start..start + password.len())
                .unwrap_or_else(|| scalar.value.clone());
            let what = format!("`{word}`");
            report.hit(scalar.value.start, range, &what, weakness, ", `command`");
        }
    }
}

/// `command: ["redis-server", "--requirepass", "foobared"]`, or a list whose
/// items are whole command lines (`["sh", "-c", "redis-server --requirepass x"]`).
fn command_list(yaml: &Yaml, items: &[NodeId], report: &mut Reporter<'_>) {
    for (i, &item) in items.iter().enumerate() {
        let Some(scalar) = yaml.literal(item) else {
            continue;
        };
        let flag = scalar.text.as_str();
        if flag == "--requirepass" || flag == "--masterauth" {
            let Some(password) = items.get(i + 1).and_then(|&next| yaml.literal(next)) else {
                continue;
            };
            if let Some(weakness) = weak_password(&password.text) {
                let what = format!("`{flag}`");
                report.hit(
                    scalar.value.start,
                    password.value.clone(),
                    &what,
                    weakness,
                    ", `command`",
                );
            }
        } else {
            requirepass_in(flag, scalar, report);
        }
    }
}

/// `${NAME:-default}`, `${NAME-default}` (Compose, shell) or `${NAME:default}`
/// (Spring) as the whole value: the variable and the default's range in it.
fn interpolation_default(value: &str) -> Option<(&str, Range<usize>)> {
    let body = value.trim().strip_prefix("${")?.strip_suffix('}')?;
    let offset = value.find("${")? + 2;
    if body.contains(['{', '}', '$']) {
        return None;
    }
    let colon = body.find(':');
    let dash = body.find('-');
    let (name_end, default_start) = match (colon, dash) {
        (Some(c), _) if body[c + 1..].starts_with('-') => (c, c + 2),
        (Some(c), Some(d)) if d < c => (d, d + 1),
        (Some(c), _) if !body[c + 1..].starts_with(['+', '?', '=']) => (c, c + 1),
        (None, Some(d)) => (d, d + 1),
        _ => return None,
    };
    let name = &body[..name_end];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
    {
        return None;
    }
    let default = offset + default_start..offset + body.len();
    (!value[default.clone()].is_empty()).then_some((name, default))
}

/// The range of the password in a connection string: URL user info
/// (`scheme://user:password@host`), JDBC and ADO/ODBC parameters
/// (`?password=x`, `;Password=x;`, `PWD=x`), or Oracle thin `user/password@`.
fn connection_password(value: &str) -> Option<Range<usize>> {
    // Most values are neither URLs nor `key=value` strings.
    let bytes = value.as_bytes();
    memchr::memchr2(b':', b'=', bytes)?;
    if let Some(scheme_end) = value.find("://") {
        let authority_start = scheme_end + 3;
        let rest = &value[authority_start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_end];
        if let Some(at) = authority.rfind('@')
            && let Some(colon) = authority[..at].find(':')
        {
            let start = authority_start + colon + 1;
            let end = authority_start + at;
            if start < end {
                return Some(start..end);
            }
        }
    }
    if memchr::memchr(b'=', bytes).is_none() && !value.starts_with("jdbc:oracle") {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    for key in ["password=", "pwd=", "pass="] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(key) {
            let at = from + found;
            from = at + key.len();
            let boundary = at == 0 || matches!(lower.as_bytes()[at - 1], b';' | b'&' | b'?' | b' ');
            if !boundary {
                continue;
            }
            let start = at + key.len();
            let end = value[start..]
                .find([';', '&'])
                .map_or(value.len(), |i| start + i);
            let end = start + value[start..end].trim_end().len();
            if start < end {
                return Some(start..end);
            }
        }
    }
    if let Some(thin) = lower.find("jdbc:oracle:thin:") {
        let start = thin + "jdbc:oracle:thin:".len();
        let rest = &value[start..];
        let at = rest.find('@')?;
        let slash = rest[..at].find('/')?;
        if slash + 1 < at {
            return Some(start + slash + 1..start + at);
        }
    }
    None
}

/// A Secret `data` value decoded, when it is base64 of text.
fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_defaults() {
        let v = "${DB_PASSWORD:-changeme}";
        let (name, range) = interpolation_default(v).unwrap();
        assert_eq!((name, &v[range]), ("DB_PASSWORD", "changeme"));
        let v = "${DB_PASSWORD-admin}";
        assert_eq!(&v[interpolation_default(v).unwrap().1], "admin");
        let v = "${spring.pw:root}";
        assert_eq!(&v[interpolation_default(v).unwrap().1], "root");
        assert_eq!(interpolation_default("${DB_PASSWORD}"), None);
        assert_eq!(interpolation_default("${A:?required}"), None);
        assert_eq!(interpolation_default("${A:-}"), None);
        assert_eq!(interpolation_default("x${A:-b}"), None);
    }

    #[test]
    fn connection_passwords() {
        let cases = [
            ("postgres://app:postgres@db:5432/app", Some("postgres")),
            ("redis://:foobared@cache:6379/0", Some("foobared")),
            ("jdbc:mysql://db/shop?user=root&password=root", Some("root")),
            (
                "jdbc:sqlserver://db;user=sa;Password=sa;encrypt=true",
                Some("sa"),
            ),
            ("Server=db;User Id=sa;PWD=admin", Some("admin")),
            ("jdbc:oracle:thin:scott/tiger@db:1521:orcl", Some("tiger")),
            ("postgres://app@db/app", None),
            ("https://example.com/?q=a", None),
            ("password=x", Some("x")),
            ("xpassword=x", None),
        ];
        for (value, want) in cases {
            assert_eq!(
                connection_password(value).map(|r| &value[r]),
                want,
                "{value}"
            );
        }
    }
}
