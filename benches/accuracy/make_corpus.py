#!/usr/bin/env python3
"""Build the labelled accuracy corpus used by benches/accuracy/run.sh.

The corpus is a small monorepo of services, infrastructure, docs, tests and
front-end assets. Into realistic files (settings modules, .env files,
Kubernetes manifests, CI workflows, Terraform, READMEs, HTTP request files,
lockfiles, bundles…) it plants true secrets of many providers and realistic
near misses, and labels them per line in `labels.json`, written next to
(never inside) the corpus:

    {"path": "services/billing/.env", "line": 7, "end_line": 7,
     "label": "secret" | "decoy", "category": "payments", "kind": "stripe"}

A secret spans `line`..`end_line` (private keys span several lines). Lines
without a label are ordinary code, config and prose: a finding there is a
false positive too.

The same seed always gives byte-identical output; all values come from the
RNG (see generators.py), none is written in these files.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generators as S  # noqa: E402
from generators import Item, Rng  # noqa: E402

GENERATOR_VERSION = 1


@dataclass
class Label:
    path: str
    line: int
    end_line: int
    label: str
    category: str
    kind: str


class Doc:
    """One file being written, with the labels of its lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lines: list[str] = []
        self.labels: list[Label] = []

    def add(self, text: str = "") -> None:
        self.lines.extend(text.split("\n"))

    def item(self, text: str, item: Item) -> None:
        start = len(self.lines) + 1
        self.add(text)
        self.labels.append(Label(self.path, start, len(self.lines), "secret" if item.secret else "decoy", item.category, item.kind))

    def mark(self, text: str, secret: bool, category: str, kind: str) -> None:
        self.item(text, Item("", "", secret, category, kind))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# ------------------------------------------------------------ item queues


class Items:
    """Secrets and decoys to plant, drawn by the file writers."""

    def __init__(self, g: Rng, secrets: int, decoys: int) -> None:
        self.g = g
        self.secrets: list[Item] = []
        # Every provider at least once, then by weight.
        for factory, _ in S.KV_SECRETS:
            self.secrets.append(factory(g))
        while len(self.secrets) < secrets:
            self.secrets.append(S.weighted(g, S.KV_SECRETS)(g))
        self.decoys = [S.weighted(g, S.KV_DECOYS)(g) for _ in range(decoys)]
        g.shuffle(self.secrets)
        g.shuffle(self.decoys)

    def take(self, secrets: int, decoys: int) -> list[Item]:
        out = [self.secrets.pop() for _ in range(min(secrets, len(self.secrets)))]
        out += [self.decoys.pop() for _ in range(min(decoys, len(self.decoys)))]
        self.g.shuffle(out)
        return out

    def empty(self) -> bool:
        return not self.secrets and not self.decoys


def camel(name: str) -> str:
    parts = name.lower().split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def quoted(value: str) -> str:
    return json.dumps(value)


# ------------------------------------------------------------ neutral text

NEUTRAL_ENV = [
    "NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "TZ=UTC", "WORKERS=4",
    "FEATURE_NEW_CHECKOUT=true", "CACHE_TTL_SECONDS=300", "AWS_REGION=eu-west-1",
    "SENTRY_ENVIRONMENT=production", "MAX_UPLOAD_MB=25", "RATE_LIMIT_PER_MINUTE=120",
]


# Ordinary code that handles secrets without holding one: a finding here is a false alarm.
PY_LINES = [
    'token = request.headers.get("Authorization", "").removeprefix("Bearer ")',
    'password = getpass.getpass("Password: ")',
    'secret = os.environ["WEBHOOK_SECRET"].encode()',
    "api_key = settings.OPENAI_API_KEY",
    "hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
    "PASSWORD_RESET_TIMEOUT = 3600",
    'token = jwt.encode({"sub": user.id, "exp": expires}, settings.SECRET_KEY, algorithm="HS256")',
    'SESSION_COOKIE_NAME = "__Host-session_token"',
    'client_secret = get_secret("prod/oauth/client-secret")',
    "if not hmac.compare_digest(signature, expected_signature):",
    'TOKEN_URL = "https://oauth2.googleapis.com/token"',
    "access_token = response.json()[\"access_token\"]",
]
JS_LINES = [
    "const token = localStorage.getItem('accessToken');",
    "const headers = { Authorization: `Bearer ${token}` };",
    "const apiKey = process.env.OPENAI_API_KEY ?? '';",
    "export const TOKEN_STORAGE_KEY = 'app.session.token';",
    "if (!password || password.length < 12) throw new Error('password too short');",
    "const secret = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db' }));",
    "const passwordInput = screen.getByLabelText('Password');",
    "const refreshToken = cookies.get('refresh_token');",
]
GO_LINES = [
    '\ttoken := r.Header.Get("Authorization")',
    '\tsecret := []byte(os.Getenv("JWT_SECRET"))',
    "\tpasswordHash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)",
    '\tapiKey := cfg.APIKey',
]


def neutral_env(g: Rng) -> str:
    return g.pick(NEUTRAL_ENV + [f"API_BASE_URL=https://api.{g.domain()}/v1", f"PUBLIC_URL=https://{g.domain()}",
                                  f"SMTP_HOST=smtp.{g.domain()}", f"REDIS_HOST={g.word()}-cache.internal"])


def py_function(g: Rng) -> str:
    w = g.word()
    return (f"\n\ndef {w}_{g.word()}(client, {g.word()}_id: str) -> dict:\n"
            f'    """Fetch the {w} and its {g.word()}s."""\n'
            f"    response = client.get(f\"/{w}s/{{{g.word()}_id}}\", timeout=10)\n"
            f"    response.raise_for_status()\n"
            f"    return response.json()")


def js_function(g: Rng) -> str:
    w = g.word()
    return (f"\nexport async function load{w.capitalize()}(id) {{\n"
            f"  const res = await fetch(`${{API_BASE_URL}}/{w}s/${{id}}`);\n"
            f"  if (!res.ok) throw new Error(`{w} ${{id}}: ${{res.status}}`);\n"
            f"  return res.json();\n}}")


def go_function(g: Rng) -> str:
    w = g.word()
    return (f"\nfunc (s *Server) handle{w.capitalize()}(w http.ResponseWriter, r *http.Request) {{\n"
            f"\tid := r.PathValue(\"id\")\n\titem, err := s.store.Get{w.capitalize()}(r.Context(), id)\n"
            f"\tif err != nil {{\n\t\thttp.Error(w, err.Error(), http.StatusNotFound)\n\t\treturn\n\t}}\n"
            f"\tjson.NewEncoder(w).Encode(item)\n}}")


def sentence(g: Rng) -> str:
    words = [g.word() for _ in range(g.int(6, 14))]
    return " ".join(words).capitalize() + "."


# ------------------------------------------------------------ renderers

def render(style: str, item: Item, g: Rng) -> str:
    """One line assigning `item` in a file's syntax."""
    n, v = item.name, item.value
    if style == "env":
        return f"{n}={v}" if g.chance(0.7) else f'{n}="{v}"'
    if style == "yaml":
        return f"  {n.lower()}: {v}" if g.chance(0.5) else f"  {n.lower()}: {quoted(v)}"
    if style == "json":
        return f"    {quoted(camel(n))}: {quoted(v)},"
    if style == "python":
        return f"{n} = {quoted(v)}"
    if style == "js":
        return f"  {camel(n)}: {quoted(v)},"
    if style == "go":
        return f"\t{camel(n)} = {quoted(v)}"
    if style == "java":
        return f"    private static final String {n} = {quoted(v)};"
    if style == "properties":
        return f"app.{n.lower().replace('_', '-')}={v}"
    if style == "toml":
        return f"{n.lower()} = {quoted(v)}"
    if style == "terraform":
        return f"  {n.lower()} = {quoted(v)}"
    if style == "shell":
        return f"export {n}={quoted(v)}" if g.chance(0.6) else f"export {n}='{v}'"
    if style == "dockerfile":
        return f"ENV {n}={v}"
    if style == "php":
        return f"    '{n.lower()}' => '{v}',"
    if style == "ruby":
        return f"  config.{n.lower()} = {quoted(v)}"
    if style == "xml":
        return f'    <add key="{camel(n)}" value="{v}" />'
    if style == "compose":
        return f"      {n}: {quoted(v) if g.chance(0.5) else v}"
    if style == "k8s":
        return f"            - name: {n}\n              value: {quoted(v)}"
    raise ValueError(style)


def kv_file(g: Rng, items: list[Item], style: str, path: str, header: list[str], footer: list[str], neutral) -> Doc:
    doc = Doc(path)
    for line in header:
        doc.add(line)
    for item in items:
        for _ in range(g.int(0, 2)):
            doc.add(neutral())
        doc.item(render(style, item, g), item)
    for _ in range(g.int(0, 2)):
        doc.add(neutral())
    for line in footer:
        doc.add(line)
    return doc


def service(g: Rng) -> str:
    return f"services/{g.word()}-{g.pick(['api', 'worker', 'service', 'gateway', 'cron'])}"


def env_doc(g: Rng, items: list[Item]) -> Doc:
    name = g.pick([".env", ".env.production", ".env.local", "config/.env.staging", ".env.development"])
    return kv_file(g, items, "env", f"{service(g)}/{name}", [f"# {sentence(g)}"] if g.chance(0.5) else [], [], lambda: neutral_env(g))


def python_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/{g.pick(['app/settings.py', 'config.py', 'src/settings/production.py', 'app/core/config.py'])}"
    header = ['"""Settings for production."""', "", "import os", "from pathlib import Path", "",
              "BASE_DIR = Path(__file__).resolve().parent.parent", "DEBUG = False",
              f'ALLOWED_HOSTS = ["{g.domain()}", "api.{g.domain()}"]']
    doc = kv_file(g, items, "python", path, header, [], lambda: g.pick(
        [f"{g.word().upper()}_TIMEOUT = {g.int(5, 120)}", f'{g.word().upper()}_QUEUE = "{g.word()}-events"',
         f'TIME_ZONE = "UTC"', f'CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")',
         g.pick(PY_LINES)]))
    doc.add(py_function(g))
    return doc


def js_doc(g: Rng, items: list[Item]) -> Doc:
    ts = g.chance(0.5)
    path = f"{service(g)}/src/{g.pick(['config', 'lib/config', 'settings', 'env'])}.{'ts' if ts else 'js'}"
    header = [f"// {sentence(g)}", f"const API_BASE_URL = 'https://api.{g.domain()}';", "", "export const config = {"]
    doc = kv_file(g, items, "js", path, header, ["};"], lambda: g.pick(
        [f"  region: '{g.pick(['eu-west-1', 'us-east-1'])}',", f"  timeoutMs: {g.int(1000, 30000)},", f"  retries: {g.int(1, 5)},",
         f"  {g.word()}Enabled: {g.pick(['true', 'false'])},", "  tokenHeader: 'X-Session-Token',",
         "  apiKey: process.env.API_KEY,"]))
    doc.add("")
    doc.add(g.pick(JS_LINES))
    doc.add(js_function(g))
    return doc


def go_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/internal/{g.word()}/config.go"
    header = [f"package {g.word()}", "", 'import (\n\t"encoding/json"\n\t"net/http"\n)', "", "// Credentials used by the service.", "const ("]
    doc = kv_file(g, items, "go", path, header, [")"], lambda: f'\t{g.word()}Timeout = {g.int(5, 60)}')
    doc.add(go_function(g))
    return doc


def java_doc(g: Rng, items: list[Item]) -> Doc:
    cls = g.word().capitalize() + "Config"
    path = f"{service(g)}/src/main/java/com/{g.pick(S.COMPANIES).replace('-', '')}/{g.word()}/{cls}.java"
    header = [f"package com.acme.{g.word()};", "", "import java.time.Duration;", "", f"public final class {cls} {{"]
    doc = kv_file(g, items, "java", path, header, [f"    private {cls}() {{}}", "}"],
                  lambda: f"    static final Duration {g.word().upper()}_TIMEOUT = Duration.ofSeconds({g.int(1, 90)});")
    return doc


def properties_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/src/main/resources/application{g.pick(['', '-prod', '-staging'])}.properties"
    return kv_file(g, items, "properties", path, ["server.port=8080", f"spring.application.name={g.word()}-service"], [],
                   lambda: g.pick([f"logging.level.com.acme={g.pick(['INFO', 'DEBUG'])}", f"management.endpoints.web.exposure.include=health,info",
                                   f"spring.jpa.hibernate.ddl-auto=validate"]))


def yaml_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/config/{g.pick(['production', 'settings', 'app', 'secrets'])}.yml"
    return kv_file(g, items, "yaml", path, [f"# {sentence(g)}", f"{g.word()}:"], [],
                   lambda: g.pick([f"  timeout: {g.int(5, 60)}s", f"  region: {g.pick(['eu-west-1', 'us-east-1'])}", f"  enabled: true",
                                   f"  endpoint: https://{g.host()}/v2"]))


def json_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/{g.pick(['config/production.json', 'appsettings.Production.json', 'secrets.json', 'config/default.json'])}"
    doc = Doc(path)
    doc.add("{")
    doc.add(f'  "{g.word()}": {{')
    for item in items:
        if g.chance(0.4):
            doc.add(f'    "{g.word()}Timeout": {g.int(1, 60)},')
        doc.item(render("json", item, g), item)
    doc.add(f'    "region": "{g.pick(["eu-west-1", "us-east-1"])}"')
    doc.add("  }")
    doc.add("}")
    return doc


def terraform_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"infra/terraform/{g.word()}/{g.pick(['main.tf', 'terraform.tfvars', 'providers.tf'])}"
    doc = Doc(path)
    doc.add(f'module "{g.word()}" {{')
    doc.add(f'  source = "./modules/{g.word()}"')
    for item in items:
        doc.item(render("terraform", item, g), item)
    doc.add(f'  tags = {{ team = "{g.word()}" }}')
    doc.add("}")
    return doc


def shell_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"scripts/{g.pick(['deploy', 'bootstrap', 'release', 'backup', 'seed'])}-{g.word()}.sh"
    return kv_file(g, items, "shell", path, ["#!/usr/bin/env bash", "set -euo pipefail", ""],
                   ["", f'echo "deploying {g.word()} to $ENVIRONMENT"', f"./bin/{g.word()} --region \"$AWS_REGION\""],
                   lambda: g.pick([f'ENVIRONMENT="${{ENVIRONMENT:-staging}}"', f"cd \"$(dirname \"$0\")/..\"", f'log() {{ echo "[$(date -u +%FT%TZ)] $*"; }}']))


def dockerfile_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/Dockerfile"
    return kv_file(g, items, "dockerfile", path, ["FROM python:3.12-slim", "WORKDIR /app", "COPY requirements.txt ."],
                   ["RUN pip install --no-cache-dir -r requirements.txt", "COPY . .", "USER 10001", 'CMD ["gunicorn", "app.wsgi"]'],
                   lambda: g.pick(["ENV PYTHONUNBUFFERED=1", f"EXPOSE {g.pick([8000, 8080])}"]))


def compose_doc(g: Rng, items: list[Item]) -> Doc:
    path = g.pick(["docker-compose.yml", "docker-compose.prod.yml", f"deploy/{g.word()}/compose.yaml"])
    w = g.word()
    return kv_file(g, items, "compose", path, ["services:", f"  {w}:", f"    image: ghcr.io/{g.pick(S.COMPANIES)}/{w}:1.{g.int(0, 20)}.{g.int(0, 9)}",
                                               "    environment:"], ["    ports:", '      - "8080:8080"'],
                   lambda: f"      {g.word().upper()}_URL: http://{g.word()}:8080")


def k8s_deployment_doc(g: Rng, items: list[Item]) -> Doc:
    w = g.word()
    path = f"deploy/k8s/{w}/deployment.yaml"
    header = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {w}", "spec:", "  template:", "    spec:",
              "      containers:", f"        - name: {w}", f"          image: registry.{g.domain()}/{w}:2.{g.int(0, 9)}.{g.int(0, 9)}", "          env:"]
    return kv_file(g, items, "k8s", path, header, [], lambda: f"            - name: {g.word().upper()}_PORT\n              value: \"{g.int(1000, 9000)}\"")


def php_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/config/{g.pick(['services', 'database', 'mail'])}.php"
    return kv_file(g, items, "php", path, ["<?php", "", "return ["], ["];"], lambda: f"    '{g.word()}_timeout' => {g.int(5, 60)},")


def ruby_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/config/initializers/{g.word()}.rb"
    return kv_file(g, items, "ruby", path, ["Rails.application.configure do"], ["end"], lambda: f"  config.{g.word()}_timeout = {g.int(5, 60)}")


def xml_doc(g: Rng, items: list[Item]) -> Doc:
    path = f"{service(g)}/Web.config"
    return kv_file(g, items, "xml", path, ['<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <appSettings>"],
                   ["  </appSettings>", "</configuration>"], lambda: f'    <add key="{g.word()}Timeout" value="{g.int(5, 60)}" />')


KV_WRITERS = [
    (env_doc, 8), (python_doc, 5), (js_doc, 5), (go_doc, 3), (java_doc, 2), (properties_doc, 2), (yaml_doc, 4),
    (json_doc, 4), (terraform_doc, 3), (shell_doc, 3), (dockerfile_doc, 2), (compose_doc, 3), (k8s_deployment_doc, 3),
    (php_doc, 2), (ruby_doc, 2), (xml_doc, 1),
]


# ------------------------------------------------------------ code that uses a secret


def client_code_doc(g: Rng, item: Item) -> Doc:
    """A client built with a literal credential, in Python, JavaScript or Go."""
    lang = g.pick(["py", "js", "go"])
    v = item.value
    calls = {
        "openai": ("from openai import OpenAI", f"client = OpenAI(api_key={quoted(v)})", f"const openai = new OpenAI({{ apiKey: {quoted(v)} }});"),
        "anthropic": ("import anthropic", f"client = anthropic.Anthropic(api_key={quoted(v)})", f"const anthropic = new Anthropic({{ apiKey: {quoted(v)} }});"),
        "stripe": ("import stripe", f"stripe.api_key = {quoted(v)}", f"const stripe = require('stripe')({quoted(v)});"),
        "github": ("from github import Github", f"gh = Github({quoted(v)})", f"const octokit = new Octokit({{ auth: {quoted(v)} }});"),
        "sendgrid": ("from sendgrid import SendGridAPIClient", f"sg = SendGridAPIClient({quoted(v)})", f"sgMail.setApiKey({quoted(v)});"),
        "slack": ("from slack_sdk import WebClient", f"slack = WebClient(token={quoted(v)})", f"const slack = new WebClient({quoted(v)});"),
    }
    imp, py_call, js_call = calls.get(item.kind, ("import requests", f"API_KEY = {quoted(v)}", f"const apiKey = {quoted(v)};"))
    svc = service(g)
    if lang == "py":
        doc = Doc(f"{svc}/app/{g.word()}_client.py")
        doc.add(imp)
        doc.add("import logging")
        doc.add("")
        doc.add("log = logging.getLogger(__name__)")
        doc.add("")
        doc.item(py_call, item)
        doc.add(py_function(g))
    elif lang == "js":
        doc = Doc(f"{svc}/src/{g.word()}Client.js")
        doc.add(f"// {sentence(g)}")
        doc.item(js_call, item)
        doc.add(js_function(g))
    else:
        doc = Doc(f"{svc}/cmd/{g.word()}/main.go")
        doc.add("package main\n\nimport (\n\t\"log\"\n\t\"os\"\n)\n")
        doc.item(f"var {camel(item.name)} = {quoted(v)}", item)
        doc.add("\nfunc main() {\n\tif err := run(os.Args[1:]); err != nil {\n\t\tlog.Fatal(err)\n\t}\n}")
    return doc


# ------------------------------------------------------------ special files


def private_key_docs(g: Rng) -> list[Doc]:
    docs = []
    for _ in range(g.int(9, 11)):
        item = S.private_key(g)
        where = g.pick(["file", "file", "yaml", "python", "env"])
        if where == "file":
            doc = Doc(g.pick([f"deploy/certs/{g.word()}.key", f"infra/ssh/{g.word()}_id_rsa", f"{service(g)}/keys/{g.word()}-signing.pem", "id_ed25519"]))
            doc.item(item.value, item)
        elif where == "yaml":
            doc = Doc(f"deploy/k8s/{g.word()}/tls-values.yaml")
            doc.add("ingress:\n  tls:\n    enabled: true\n    key: |")
            doc.item("\n".join("      " + line for line in item.value.split("\n")), item)
        elif where == "python":
            doc = Doc(f"{service(g)}/app/signing.py")
            doc.add("import jwt\n")
            lines = item.value.split("\n")
            doc.item(f'PRIVATE_KEY = """{lines[0]}\n' + "\n".join(lines[1:]) + '"""', item)
            doc.add("\n\ndef sign(claims: dict) -> str:\n    return jwt.encode(claims, PRIVATE_KEY, algorithm=\"RS256\")")
        else:
            doc = Doc(f"{service(g)}/.env")
            doc.add(neutral_env(g))
            doc.item(f'JWT_PRIVATE_KEY="{item.value.replace(chr(10), chr(92) + "n")}"', item)
        docs.append(doc)
    # Public material next to keys: certificates, public keys, authorized_keys.
    for _ in range(g.int(5, 7)):
        kind = g.pick(["crt", "pub", "ssh", "tf"])
        if kind == "crt":
            doc = Doc(f"deploy/certs/{g.word()}.crt")
            doc.mark(S.certificate_pem(g), False, S.PRIVATE_KEY, S.PUBLIC)
        elif kind == "pub":
            doc = Doc(f"{service(g)}/keys/{g.word()}-public.pem")
            doc.mark(S.public_key_pem(g), False, S.PRIVATE_KEY, S.PUBLIC)
        elif kind == "ssh":
            doc = Doc(f"infra/ansible/files/authorized_keys")
            for _ in range(g.int(2, 4)):
                doc.mark(S.ssh_public_key(g), False, S.PRIVATE_KEY, S.PUBLIC)
        else:
            doc = Doc(f"infra/terraform/{g.word()}/keys.tf")
            doc.add(f'resource "aws_key_pair" "{g.word()}" {{')
            doc.add(f'  key_name   = "{g.word()}-deployer"')
            doc.mark(f'  public_key = "{S.ssh_public_key(g)}"', False, S.PRIVATE_KEY, S.PUBLIC)
            doc.add("}")
        docs.append(doc)
    return docs


def gcp_service_account_docs(g: Rng) -> list[Doc]:
    docs = []
    for _ in range(3):
        project = f"{g.word()}-{g.word()}-{g.int(100000, 999999)}"
        pem = S.rsa_private_key_pem(S._RngAdapter(g), 1024, pkcs8=True).strip()
        email = f"{g.word()}-sa@{project}.iam.gserviceaccount.com"
        doc = Doc(g.pick([f"infra/gcp/{g.word()}-service-account.json", f"{service(g)}/credentials.json"]))
        # The whole key file is the credential: a report on any of its lines
        # (the private key's, or the object's first) finds it.
        lines = [
            "{",
            '  "type": "service_account",',
            f'  "project_id": "{project}",',
            f'  "private_key_id": "{g.hex(40)}",',
            f'  "private_key": {json.dumps(pem + chr(10))},',
            f'  "client_email": "{email}",',
            f'  "client_id": "{g.chars(S.DIGITS, 21)}",',
            '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
            '  "token_uri": "https://oauth2.googleapis.com/token",',
            '  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",',
            f'  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/{quote(email)}",',
            '  "universe_domain": "googleapis.com"',
            "}",
        ]
        doc.mark("\n".join(lines), True, S.CLOUD, "gcp-service-account")
        docs.append(doc)
    return docs


def aws_docs(g: Rng) -> list[Doc]:
    docs = []
    for _ in range(6):
        key_id, secret = S.aws_pair(g)
        where = g.pick(["credentials", "env", "python", "terraform", "js"])
        if where == "credentials":
            doc = Doc(g.pick(["infra/aws/credentials", f"{service(g)}/.aws/credentials"]))
            doc.add("[default]")
            doc.item(f"aws_access_key_id = {key_id.value}", key_id)
            doc.item(f"aws_secret_access_key = {secret.value}", secret)
            doc.add(f"region = {g.pick(['eu-west-1', 'us-east-1'])}")
        elif where == "env":
            doc = Doc(f"{service(g)}/.env")
            doc.add(neutral_env(g))
            doc.item(f"AWS_ACCESS_KEY_ID={key_id.value}", key_id)
            doc.item(f"AWS_SECRET_ACCESS_KEY={secret.value}", secret)
        elif where == "python":
            doc = Doc(f"{service(g)}/app/storage.py")
            doc.add("import boto3\n")
            doc.add("s3 = boto3.client(")
            doc.add('    "s3",')
            doc.item(f"    aws_access_key_id={quoted(key_id.value)},", key_id)
            doc.item(f"    aws_secret_access_key={quoted(secret.value)},", secret)
            doc.add(")")
        elif where == "terraform":
            doc = Doc(f"infra/terraform/{g.word()}/provider.tf")
            doc.add('provider "aws" {')
            doc.add(f'  region     = "{g.pick(["eu-west-1", "us-east-1"])}"')
            doc.item(f'  access_key = "{key_id.value}"', key_id)
            doc.item(f'  secret_key = "{secret.value}"', secret)
            doc.add("}")
        else:
            doc = Doc(f"{service(g)}/src/s3.js")
            doc.add("import { S3Client } from '@aws-sdk/client-s3';\n")
            doc.add("export const s3 = new S3Client({")
            doc.add("  region: 'eu-west-1',")
            doc.add("  credentials: {")
            doc.item(f"    accessKeyId: '{key_id.value}',", key_id)
            doc.item(f"    secretAccessKey: '{secret.value}',", secret)
            doc.add("  },")
            doc.add("});")
        docs.append(doc)
    return docs


def http_docs(g: Rng) -> list[Doc]:
    """HTTP request files and curl snippets with credentials in headers."""
    docs = []
    for _ in range(5):
        doc = Doc(f"{service(g)}/{g.pick(['requests.http', 'api.http', 'docs/requests.rest'])}")
        for _ in range(g.int(2, 4)):
            w = g.word()
            doc.add(f"### {w.capitalize()}")
            doc.add(f"GET https://api.{g.domain()}/v1/{w}s?limit={g.int(10, 100)}")
            kind = g.int(0, 4)
            if kind == 0:
                item = S.jwt_token(g)
                doc.item(f"Authorization: Bearer {item.value}", item)
            elif kind == 1:
                user, pw = g.user(), g.password()
                doc.mark(f"Authorization: Basic {S.b64(user + ':' + pw)}", True, S.ENCODED, "basic-auth")
            elif kind == 2:
                item = S.generic_secret(g)
                doc.item(f"X-API-Key: {item.value}", Item(item.name, item.value, True, S.GENERIC, "api-key-header"))
            elif kind == 3:
                doc.mark("Authorization: Bearer {{token}}", False, S.GENERIC, S.REFERENCE)
            else:
                doc.mark("Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=", False, S.ENCODED, S.PLACEHOLDER)
            doc.add("Accept: application/json")
            doc.add("")
        docs.append(doc)
    return docs


def encoded_docs(g: Rng) -> list[Doc]:
    docs = []
    # Kubernetes Secrets: base64 `data`, with secrets and non-secrets.
    for _ in range(6):
        name = f"{g.word()}-credentials"
        doc = Doc(f"deploy/k8s/{g.word()}/secret.yaml")
        doc.add("apiVersion: v1")
        doc.add("kind: Secret")
        doc.add(f"metadata:\n  name: {name}\n  namespace: {g.pick(['prod', 'default', 'payments'])}")
        doc.add("type: Opaque")
        doc.add("data:")
        for _ in range(g.int(2, 4)):
            kind = g.int(0, 6)
            if kind == 0:
                doc.add(f"  username: {S.b64(g.user())}")
            elif kind == 1:
                doc.mark(f"  password: {S.b64(g.password())}", True, S.ENCODED, "kubernetes-secret")
            elif kind == 2:
                item = S.database_url(g)
                doc.mark(f"  DATABASE_URL: {S.b64(item.value)}", True, S.ENCODED, "kubernetes-secret")
            elif kind == 3:
                item = g.pick([S.stripe, S.openai, S.github, S.sendgrid, S.slack])(g)
                doc.mark(f"  {item.name}: {S.b64(item.value)}", True, S.ENCODED, "kubernetes-secret")
            elif kind == 4:
                doc.mark(f"  password: {S.b64(g.pick(['changeme', 'password', 'postgres', 'CHANGE_ME']))}", False, S.ENCODED, S.PLACEHOLDER)
            elif kind == 5:
                doc.add(f"  host: {S.b64(g.host())}")
            else:
                doc.add(f"  port: {S.b64(str(g.pick([5432, 6379, 3306])))}")
        docs.append(doc)
    # A TLS Secret: the key is secret, the certificate is not.
    for _ in range(2):
        doc = Doc(f"deploy/k8s/{g.word()}/tls-secret.yaml")
        doc.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: ingress-tls\ntype: kubernetes.io/tls\ndata:")
        doc.mark(f"  tls.crt: {S.b64(S.certificate_pem(g) + chr(10))}", False, S.ENCODED, S.PUBLIC)
        key = S.rsa_private_key_pem(S._RngAdapter(g), 1024, pkcs8=False)
        doc.mark(f"  tls.key: {S.b64(key)}", True, S.ENCODED, "kubernetes-secret")
        docs.append(doc)
    # Registry credentials: .dockerconfigjson (base64 of JSON whose auth is base64).
    for _ in range(2):
        registry = f"registry.{g.domain()}"
        auth = S.b64(f"{g.user()}:{g.password()}")
        config = json.dumps({"auths": {registry: {"auth": auth}}}, separators=(",", ":"))
        doc = Doc(f"deploy/k8s/{g.word()}/regcred.yaml")
        doc.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\ndata:")
        doc.mark(f"  .dockerconfigjson: {S.b64(config)}", True, S.ENCODED, "dockerconfigjson")
        docs.append(doc)
    # Docker config.json and .npmrc.
    for _ in range(2):
        doc = Doc(g.pick(["ci/docker/config.json", f"{service(g)}/.docker/config.json"]))
        doc.add('{\n  "auths": {')
        doc.add(f'    "registry.{g.domain()}": {{')
        doc.mark(f'      "auth": "{S.b64(g.user() + ":" + g.password())}"', True, S.ENCODED, "docker-auth")
        doc.add("    }\n  }\n}")
        docs.append(doc)
    for _ in range(3):
        doc = Doc(f"{g.pick(['web', service(g)])}/.npmrc")
        registry = f"npm.{g.domain()}/repository/npm-private/"
        doc.add(f"registry=https://{registry}")
        if g.chance(0.5):
            doc.mark(f"//{registry}:_auth={S.b64(g.user() + ':' + g.password())}", True, S.ENCODED, "npmrc-auth")
        else:
            doc.add(f"//{registry}:username={g.user()}")
            doc.mark(f"//{registry}:_password={S.b64(g.password())}", True, S.ENCODED, "npmrc-password")
        doc.add("always-auth=true")
        docs.append(doc)
    # Basic auth in code and config.
    for _ in range(4):
        header = S.b64(f"{g.user()}:{g.password()}")
        where = g.pick(["nginx", "py", "yaml", "sh"])
        if where == "nginx":
            doc = Doc(f"deploy/nginx/{g.word()}.conf")
            doc.add(f"location /{g.word()}/ {{\n    proxy_pass http://{g.word()}:8080;")
            doc.mark(f'    proxy_set_header Authorization "Basic {header}";', True, S.ENCODED, "basic-auth")
            doc.add("}")
        elif where == "py":
            doc = Doc(f"{service(g)}/app/{g.word()}_sync.py")
            doc.add("import requests\n")
            doc.mark(f'HEADERS = {{"Authorization": "Basic {header}", "Accept": "application/json"}}', True, S.ENCODED, "basic-auth")
        elif where == "yaml":
            doc = Doc(f"deploy/monitoring/{g.word()}-scrape.yaml")
            doc.add(f"- job_name: {g.word()}\n  static_configs:\n    - targets: ['{g.word()}:9100']\n  http_headers:\n    Authorization:\n      values:")
            doc.mark(f'        - "Basic {header}"', True, S.ENCODED, "basic-auth")
        else:
            doc = Doc(f"scripts/{g.word()}-export.sh")
            doc.add("#!/bin/sh\nset -e")
            doc.mark(f'curl -fsS -H "Authorization: Basic {header}" https://{g.host()}/api/export > export.json', True, S.ENCODED, "basic-auth")
        docs.append(doc)
    # Percent-encoded URLs.
    for _ in range(5):
        user, pw = g.user(), g.password() + g.pick(["@", "#", "/", "%", ":"]) + g.chars(S.ALNUM, 4)
        url = f"postgres://{user}:{quote(pw, safe='')}@{g.host()}:5432/{g.word()}"
        where = g.pick(["env", "query"])
        if where == "env":
            doc = Doc(f"{service(g)}/.env")
            doc.add(neutral_env(g))
            doc.mark(f"DATABASE_URL={url}", True, S.DATABASE, "connection-url")
        else:
            token = g.chars(S.ALNUM, 32)
            target = f"https://{g.user()}:{token}@git.{g.domain()}/{g.word()}/{g.word()}.git"
            doc = Doc(f"web/src/{g.word()}Links.ts")
            doc.add("// Links handed to the mirror job.")
            doc.mark(f"export const MIRROR_URL = 'https://mirror.{g.domain()}/sync?source={quote(target, safe='')}';", True, S.ENCODED, "percent-encoded-url")
        docs.append(doc)
    # A service account key file, base64-encoded into a CI variable.
    for _ in range(2):
        pem = S.rsa_private_key_pem(S._RngAdapter(g), 1024, pkcs8=True).strip()
        project = f"{g.word()}-{g.int(100000, 999999)}"
        key_file = json.dumps({"type": "service_account", "project_id": project, "private_key_id": g.hex(40),
                               "private_key": pem + "\n", "client_email": f"ci@{project}.iam.gserviceaccount.com"}, indent=2)
        doc = Doc(g.pick([".gitlab-ci.yml", f"ci/{g.word()}-pipeline.yml"]))
        doc.add("variables:\n  GOOGLE_PROJECT: " + project)
        doc.mark(f"  GOOGLE_CREDENTIALS_B64: {base64.b64encode(key_file.encode()).decode()}", True, S.ENCODED, "gcp-service-account")
        doc.add("deploy:\n  script:\n    - echo \"$GOOGLE_CREDENTIALS_B64\" | base64 -d > key.json")
        docs.append(doc)
    # A key hidden from a casual reader with base64.
    for _ in range(2):
        item = g.pick([S.stripe, S.openai, S.slack, S.sendgrid])(g)
        doc = Doc(f"{service(g)}/app/{g.word()}_keys.py")
        doc.add("import base64\n")
        doc.mark(f'{item.name} = base64.b64decode("{S.b64(item.value)}").decode()', True, S.ENCODED, "base64-literal")
        docs.append(doc)
    # Encoded near misses: ConfigMaps, SOPS, Sealed Secrets, ansible-vault.
    for _ in range(2):
        doc = Doc(f"deploy/k8s/{g.word()}/configmap.yaml")
        doc.add(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {g.word()}-config\nbinaryData:")
        doc.mark(f"  logo.png: {S.png_base64(g, g.int(200, 600))}", False, S.ENCODED, S.IMAGE)
        doc.add("data:")
        doc.add(f"  settings.json: '{json.dumps({'region': 'eu-west-1', 'timeout': 30})}'")
        docs.append(doc)
    doc = Doc(f"deploy/k8s/{g.word()}/sealed-secret.yaml")
    doc.add("apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n  encryptedData:")
    doc.mark(f"    password: AgB{base64.b64encode(g.bytes(400)).decode()}", False, S.ENCODED, S.ENCRYPTED)
    docs.append(doc)
    doc = Doc(f"infra/ansible/group_vars/{g.word()}/vault.yml")
    doc.mark("$ANSIBLE_VAULT;1.1;AES256\n" + "\n".join(g.hex(80) for _ in range(g.int(8, 14))), False, S.GENERIC, S.ENCRYPTED)
    docs.append(doc)
    return docs


def docs_docs(g: Rng, items: Items) -> list[Doc]:
    """READMEs and guides: placeholders, presented examples, and pasted secrets."""
    docs = []
    for _ in range(14):
        doc = Doc(g.pick([f"{service(g)}/README.md", f"docs/{g.word()}-setup.md", f"docs/guides/{g.word()}.md", "CONTRIBUTING.md", "docs/runbook.md"]))
        doc.add(f"# {g.word().capitalize()} {g.word()}")
        doc.add("")
        doc.add(sentence(g) + " " + sentence(g))
        for _ in range(g.int(1, 3)):
            kind = g.int(0, 5)
            doc.add("")
            if kind == 0:
                # Setup with placeholders.
                doc.add("## Configuration\n\nCopy `.env.example` to `.env` and fill in:\n\n```sh")
                for item in [S.placeholder(g), S.reference(g)]:
                    doc.item(f"{item.name}={item.value}", item)
                doc.add("```")
            elif kind == 1:
                # A format presented as an example.
                item = g.pick([S.stripe, S.github, S.openai, S.slack, S.sendgrid, S.anthropic])(g)
                doc.item(f"Keys look like `{item.value[:12]}…`; for example `{item.value}` (revoked).",
                         Item(item.name, item.value, False, item.category, S.DOCS_EXAMPLE))
            elif kind == 2:
                # A documented sample response.
                jwt = S.jwt_token(g)
                doc.add("Example response:\n\n```json")
                doc.item(f'{{"access_token": "{jwt.value}", "token_type": "Bearer", "expires_in": 3600}}',
                         Item(jwt.name, jwt.value, False, S.JWT, S.DOCS_EXAMPLE))
                doc.add("```")
            elif kind == 3:
                # Vendor documentation keys copied into a quick start.
                item = S.test_key(g)
                doc.add("Quick start:\n\n```python")
                doc.item(f'{item.name.lower()} = "{item.value}"', item)
                doc.add("```")
            elif kind == 4:
                # A real credential pasted into a runbook.
                secret = g.pick(items.secrets) if items.secrets else S.generic_password(g)
                if secret in items.secrets:
                    items.secrets.remove(secret)
                doc.add("## Deploy\n\n```sh")
                doc.item(f"export {secret.name}={secret.value}", secret)
                doc.add(f"./deploy.sh {g.word()}\n```")
            else:
                doc.add("| Variable | Description |\n| --- | --- |")
                for _ in range(g.int(2, 4)):
                    doc.add(f"| `{g.word().upper()}_TOKEN` | {sentence(g)} |")
        docs.append(doc)
    return docs


def test_docs(g: Rng) -> list[Doc]:
    """Tests with fake keys, documented test keys and mocks."""
    docs = []
    for _ in range(10):
        lang = g.pick(["py", "ts"])
        if lang == "py":
            doc = Doc(f"{service(g)}/tests/test_{g.word()}.py")
            doc.add("import pytest\n")
            for _ in range(g.int(2, 4)):
                item = g.pick([S.test_key, S.placeholder, S.uuid_value, S.hash_value])(g)
                doc.item(f"{item.name} = {quoted(item.value)}", item)
            doc.add(f"\n\ndef test_{g.word()}_{g.word()}(client):\n    response = client.get(\"/{g.word()}\")\n    assert response.status_code == 200")
        else:
            doc = Doc(f"web/src/__tests__/{g.word()}.test.ts")
            doc.add("import { describe, it, expect } from 'vitest';\n")
            for _ in range(g.int(2, 4)):
                item = g.pick([S.test_key, S.placeholder, S.identifier, S.public_value])(g)
                doc.item(f"const {camel(item.name)} = {quoted(item.value)};", item)
            doc.add(f"\ndescribe('{g.word()}', () => {{\n  it('loads', async () => {{\n    expect(await load()).toBeTruthy();\n  }});\n}});")
        docs.append(doc)
    # A test fixture holding a real-looking credential someone committed.
    for _ in range(3):
        item = g.pick([S.stripe, S.github, S.openai, S.database_url, S.slack])(g)
        doc = Doc(f"{service(g)}/tests/fixtures/{g.word()}.json")
        doc.add("{")
        doc.add(f'  "name": "{g.word()}",')
        doc.item(f'  "{camel(item.name)}": {quoted(item.value)}', item)
        doc.add("}")
        docs.append(doc)
    return docs


def lockfile_docs(g: Rng) -> list[Doc]:
    docs = []
    doc = Doc("web/package-lock.json")
    doc.add('{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {')
    for _ in range(g.int(15, 20)):
        name = g.pick(["react", "lodash", "axios", "zod", "vite", "esbuild", "ms", "debug", "semver", "chalk"]) + "-" + g.word()
        version = f"{g.int(0, 9)}.{g.int(0, 30)}.{g.int(0, 20)}"
        doc.add(f'    "node_modules/{name}": {{')
        doc.add(f'      "version": "{version}",')
        doc.add(f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",')
        doc.mark(f'      "integrity": "{S.sha512_integrity(g)}",', False, S.GENERIC, S.LOCKFILE)
        doc.add('      "dev": true\n    },')
    doc.add('    "": {}\n  }\n}')
    docs.append(doc)
    doc = Doc("web/yarn.lock")
    for _ in range(g.int(8, 12)):
        name = g.word() + "-" + g.word()
        version = f"{g.int(0, 9)}.{g.int(0, 30)}.{g.int(0, 20)}"
        doc.add(f'\n"{name}@^{version}":\n  version "{version}"\n  resolved "https://registry.yarnpkg.com/{name}/-/{name}-{version}.tgz#{g.hex(40)}"')
        doc.mark(f"  integrity {S.sha512_integrity(g)}", False, S.GENERIC, S.LOCKFILE)
    docs.append(doc)
    doc = Doc(f"{service(g)}/go.sum")
    for _ in range(g.int(6, 10)):
        mod = f"github.com/{g.word()}/{g.word()}"
        version = f"v{g.int(0, 3)}.{g.int(0, 30)}.{g.int(0, 20)}"
        doc.mark(f"{mod} {version} h1:{base64.b64encode(g.bytes(32)).decode()}", False, S.GENERIC, S.LOCKFILE)
        doc.mark(f"{mod} {version}/go.mod h1:{base64.b64encode(g.bytes(32)).decode()}", False, S.GENERIC, S.LOCKFILE)
    docs.append(doc)
    doc = Doc(f"{service(g)}/Cargo.lock")
    doc.add("version = 4\n")
    for _ in range(g.int(6, 10)):
        doc.add(f'[[package]]\nname = "{g.word()}-{g.word()}"\nversion = "0.{g.int(1, 20)}.{g.int(0, 9)}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"')
        doc.mark(f'checksum = "{g.hex(64)}"', False, S.GENERIC, S.LOCKFILE)
        doc.add("")
    docs.append(doc)
    doc = Doc(f"{service(g)}/requirements.txt")
    for _ in range(g.int(5, 8)):
        doc.add(f"{g.word()}-{g.word()}=={g.int(0, 5)}.{g.int(0, 20)}.{g.int(0, 9)} \\")
        doc.mark(f"    --hash=sha256:{g.hex(64)}", False, S.GENERIC, S.LOCKFILE)
    docs.append(doc)
    return docs


def hash_docs(g: Rng) -> list[Doc]:
    docs = []
    doc = Doc("release/SHA256SUMS")
    for _ in range(g.int(5, 9)):
        doc.mark(f"{g.hex(64)}  {g.word()}-{g.int(1, 3)}.{g.int(0, 9)}.{g.int(0, 9)}-linux-amd64.tar.gz", False, S.GENERIC, S.HASH)
    docs.append(doc)
    for _ in range(4):
        doc = Doc(f".github/workflows/{g.word()}.yml")
        doc.add(f"name: {g.word()}\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:")
        for action in g.r.sample(["actions/checkout", "actions/setup-node", "actions/cache", "docker/build-push-action", "aws-actions/configure-aws-credentials"], 3):
            doc.mark(f"      - uses: {action}@{g.hex(40)} # v{g.int(1, 5)}", False, S.CODE, S.HASH)
        doc.mark("        env:\n          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}", False, S.CODE, S.REFERENCE)
        doc.add("      - run: npm ci && npm test")
        docs.append(doc)
    doc = Doc(f"{service(g)}/Dockerfile.base")
    version = f"{g.int(18, 22)}.{g.int(0, 12)}.{g.int(0, 9)}"
    doc.add(f"FROM debian:bookworm-slim@sha256:{g.hex(64)}")
    doc.add(f"ARG NODE_VERSION={version}")
    doc.mark(f"ARG NODE_SHA256={g.hex(64)}", False, S.GENERIC, S.HASH)
    doc.add('RUN curl -fsSLO "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-x64.tar.xz" \\')
    doc.add('    && echo "${NODE_SHA256}  node-v${NODE_VERSION}-linux-x64.tar.xz" | sha256sum -c -')
    docs.append(doc)
    doc = Doc(f"{service(g)}/deploy/release.json")
    doc.add("{")
    doc.mark(f'  "commit": "{g.hex(40)}",', False, S.GENERIC, S.HASH)
    doc.mark(f'  "parent": "{g.hex(40)}",', False, S.GENERIC, S.HASH)
    doc.mark(f'  "artifact_sha256": "{g.hex(64)}",', False, S.GENERIC, S.HASH)
    doc.mark(f'  "etag": "{g.hex(32)}",', False, S.GENERIC, S.HASH)
    doc.add(f'  "built_at": "2024-0{g.int(1, 9)}-1{g.int(0, 9)}T10:00:00Z"\n}}')
    docs.append(doc)
    doc = Doc("web/public/index.html")
    doc.add("<!doctype html>\n<html>\n<head>")
    doc.mark(f'  <script src="https://cdn.jsdelivr.net/npm/{g.word()}@3/dist/{g.word()}.min.js" integrity="sha384-{base64.b64encode(g.bytes(48)).decode()}" crossorigin="anonymous"></script>',
             False, S.GENERIC, S.LOCKFILE)
    doc.mark(f'  <link rel="icon" href="data:image/png;base64,{S.png_base64(g, 300)}">', False, S.ENCODED, S.IMAGE)
    doc.add("</head>\n<body><div id=\"root\"></div></body>\n</html>")
    docs.append(doc)
    return docs


def asset_docs(g: Rng) -> list[Doc]:
    """Stylesheets, components and bundles with inlined images and ids."""
    docs = []
    for _ in range(3):
        doc = Doc(f"web/src/styles/{g.word()}.css")
        for _ in range(g.int(2, 4)):
            doc.add(f".{g.word()}-{g.word()} {{\n  display: flex;")
            doc.mark(f"  background-image: url(data:image/png;base64,{S.png_base64(g, g.int(100, 900))});", False, S.ENCODED, S.IMAGE)
            doc.add("}")
        docs.append(doc)
    for _ in range(2):
        doc = Doc(f"web/src/components/{g.word().capitalize()}Logo.tsx")
        svg = base64.b64encode(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M{g.int(1, 9)} {g.int(1, 9)}h{g.int(1, 9)}v{g.int(1, 9)}z"/></svg>'.encode()).decode()
        doc.mark(f'const LOGO = "data:image/svg+xml;base64,{svg}";', False, S.ENCODED, S.IMAGE)
        doc.add("export default function Logo() {\n  return <img src={LOGO} alt=\"logo\" />;\n}")
        docs.append(doc)
    for _ in range(3):
        doc = Doc(f"web/dist/assets/index-{g.hex(8)}.js")
        parts = []
        for _ in range(g.int(60, 120)):
            parts.append(f"function {g.chars(S.LOWER, 2)}({g.chars(S.LOWER, 1)}){{return {g.chars(S.LOWER, 1)}.{g.word()}||\"{g.chars(S.ALNUM, g.int(6, 24))}\"}}")
        public = S.public_value(g)
        mid = len(parts) // 2
        line = ";".join(parts[:mid]) + f';const pk="{public.value}";' + ";".join(parts[mid:])
        if g.chance(0.5):
            doc.item(line, public)
        else:
            leaked = g.pick([S.stripe, S.openai, S.sendgrid])(g)
            line = line.replace(f'const pk="{public.value}"', f'const sk="{leaked.value}"')
            doc.item(line, leaked)
        docs.append(doc)
    return docs


def log_docs(g: Rng) -> list[Doc]:
    docs = []
    for _ in range(3):
        doc = Doc(f"{service(g)}/logs/{g.word()}-{g.int(1, 28):02d}.log")
        for i in range(g.int(20, 40)):
            ts = f"2024-06-{g.int(10, 28)}T{g.int(10, 23)}:{g.int(10, 59)}:{g.int(10, 59)}Z"
            if i % 9 == 4:
                item = S.uuid_value(g)
                doc.item(f'{ts} INFO request_id={item.value} method=GET path=/{g.word()} status=200 duration_ms={g.int(1, 900)}', item)
            elif i == 17:
                jwt = S.jwt_token(g)
                doc.item(f"{ts} DEBUG outgoing headers={{'Authorization': 'Bearer {jwt.value}', 'Accept': 'application/json'}}", jwt)
            else:
                doc.add(f"{ts} INFO {g.word()} {g.word()} id={g.int(1000, 99999)} status={g.pick([200, 200, 201, 404])}")
        docs.append(doc)
    return docs


def notebook_docs(g: Rng) -> list[Doc]:
    docs = []
    for _ in range(2):
        item = g.pick([S.openai, S.anthropic, S.huggingface])(g)
        doc = Doc(f"notebooks/{g.word()}-exploration.ipynb")
        doc.add('{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 1,\n   "metadata": {},\n   "outputs": [],\n   "source": [')
        doc.add('    "import os\\n",')
        doc.item(f'    "os.environ[\\"{item.name}\\"] = \\"{item.value}\\"\\n",', item)
        doc.add(f'    "df = load(\\"{g.word()}\\")"')
        doc.add('   ]\n  }\n ],\n "nbformat": 4,\n "nbformat_minor": 5\n}')
        docs.append(doc)
    return docs


def hard_docs(g: Rng) -> list[Doc]:
    """Places people put credentials that have no assignment syntax."""
    docs = []
    doc = Doc("ci/maven/settings.xml")
    doc.add("<settings>\n  <servers>\n    <server>\n      <id>releases</id>")
    doc.add(f"      <username>{g.user()}</username>")
    doc.mark(f"      <password>{g.password()}</password>", True, S.GENERIC, "xml-password")
    doc.add("    </server>\n  </servers>\n</settings>")
    docs.append(doc)
    doc = Doc(f"{service(g)}/config/hibernate.cfg.xml")
    doc.add("<hibernate-configuration>\n  <session-factory>")
    doc.add(f'    <property name="connection.username">{g.user()}</property>')
    doc.mark(f'    <property name="connection.password">{g.password()}</property>', True, S.GENERIC, "xml-password")
    doc.add("  </session-factory>\n</hibernate-configuration>")
    docs.append(doc)
    doc = Doc("infra/ansible/files/netrc")
    doc.add(f"machine git.{g.domain()}")
    doc.add(f"  login {g.user()}")
    doc.mark(f"  password {g.chars(S.ALNUM, 32)}", True, S.GENERIC, "netrc")
    docs.append(doc)
    doc = Doc(f"scripts/{g.word()}-db-dump.sh")
    doc.add("#!/bin/sh")
    doc.mark(f"PGPASSWORD='{g.password()}' pg_dump -h {g.host()} -U {g.user()} {g.word()} > dump.sql", True, S.GENERIC, "cli-password")
    docs.append(doc)
    doc = Doc(f"scripts/{g.word()}-mysql.sh")
    doc.add("#!/bin/sh")
    doc.mark(f"mysql -h {g.host()} -u {g.user()} --password='{g.password()}' {g.word()} < schema.sql", True, S.GENERIC, "cli-password")
    docs.append(doc)
    doc = Doc(f"{service(g)}/config/database.yml")
    doc.add("production:\n  adapter: postgresql\n  encoding: unicode")
    doc.add(f"  database: {g.word()}_production\n  username: {g.user()}")
    doc.mark(f"  password: {g.password()}", True, S.GENERIC, "password")
    doc.add(f"  host: {g.host()}")
    docs.append(doc)
    return docs


def example_docs(g: Rng) -> list[Doc]:
    """Values that say they are examples: OpenAPI `example:` fields, example
    config files, fakes named as such in tests."""
    docs = []
    for _ in range(3):
        doc = Doc(f"{service(g)}/openapi.yaml")
        doc.add(f"openapi: 3.0.3\ninfo:\n  title: {g.word().capitalize()} API\n  version: 1.{g.int(0, 9)}.0")
        doc.add("components:\n  securitySchemes:\n    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT")
        doc.add("  schemas:\n    Token:\n      type: object\n      properties:\n        access_token:\n          type: string")
        jwt = S.jwt_token(g)
        doc.item(f"          example: {jwt.value}", Item(jwt.name, jwt.value, False, S.JWT, S.DOCS_EXAMPLE))
        doc.add("        api_key:\n          type: string")
        key = g.pick([S.stripe, S.openai, S.generic_secret])(g)
        doc.item(f"          example: {key.value}", Item(key.name, key.value, False, key.category, S.DOCS_EXAMPLE))
        docs.append(doc)
    for _ in range(2):
        doc = Doc(f"{service(g)}/.env.example")
        doc.add("# Copy to .env and replace the values.")
        doc.add(neutral_env(g))
        for factory in g.r.sample([S.stripe, S.openai, S.generic_secret, S.generic_password, S.sendgrid], 3):
            item = factory(g)
            doc.item(f"{item.name}={item.value}", Item(item.name, item.value, False, item.category, S.DOCS_EXAMPLE))
        docs.append(doc)
    for _ in range(3):
        doc = Doc(f"{service(g)}/tests/conftest.py")
        doc.add("import pytest\n")
        for factory in g.r.sample([S.stripe, S.github, S.openai, S.slack, S.generic_secret], 2):
            item = factory(g)
            name = g.pick(["FAKE_", "MOCK_", "DUMMY_"]) + item.name
            doc.item(f"{name} = {quoted(item.value)}", Item(name, item.value, False, item.category, S.TEST_KEY))
        doc.add(f"\n\n@pytest.fixture\ndef {g.word()}_client(monkeypatch):\n    monkeypatch.setenv(\"API_URL\", \"http://localhost:8080\")\n    return Client()")
        docs.append(doc)
    doc = Doc("web/src/locales/en.json")
    doc.add("{")
    for key, text in [("password_too_short", "Password must be at least 12 characters."), ("reset_token_expired", "This reset link has expired."),
                      ("api_key_label", "API key"), ("secret_copied", "Secret copied to the clipboard."), ("token_invalid", "Your session token is invalid; sign in again.")]:
        doc.add(f'  "{key}": "{text}",')
    doc.add('  "ok": "OK"\n}')
    docs.append(doc)
    return docs


def filler_docs(g: Rng) -> list[Doc]:
    """Ordinary files without credentials: most of a real repository."""
    docs = []
    for _ in range(25):
        kind = g.pick(["py", "js", "go", "md", "yml"])
        if kind == "py":
            doc = Doc(f"{service(g)}/app/{g.word()}.py")
            doc.add('"""' + sentence(g) + '"""\n\nimport logging\n\nlog = logging.getLogger(__name__)')
            for _ in range(g.int(2, 5)):
                doc.add(py_function(g))
                doc.add("    " + g.pick(PY_LINES))
        elif kind == "js":
            doc = Doc(f"web/src/lib/{g.word()}.js")
            doc.add(f"const API_BASE_URL = '/api';\nconst TOKEN_STORAGE_KEY = '{g.word()}.token';")
            for _ in range(g.int(2, 5)):
                doc.add(js_function(g))
                doc.add(g.pick(JS_LINES))
        elif kind == "go":
            doc = Doc(f"{service(g)}/internal/{g.word()}/handler.go")
            doc.add(f"package {g.word()}\n\nimport (\n\t\"encoding/json\"\n\t\"net/http\"\n)")
            for _ in range(g.int(2, 4)):
                doc.add(go_function(g))
                doc.add("func init() {\n" + g.pick(GO_LINES) + "\n}")
        elif kind == "md":
            doc = Doc(f"docs/{g.word()}.md")
            doc.add(f"# {g.word().capitalize()}\n\n{sentence(g)} {sentence(g)}\n\n## Tokens\n\n"
                    "Access tokens expire after an hour; the client refreshes them with the refresh token. "
                    "Never log the `Authorization` header.\n")
        else:
            doc = Doc(f".github/workflows/{g.word()}-ci.yml")
            doc.add(f"name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                    f"      - run: make test\n        env:")
            doc.mark("          DATABASE_URL: postgres://postgres:postgres@localhost:5432/test", False, S.DATABASE, S.PLACEHOLDER)
        docs.append(doc)
    return docs


# ------------------------------------------------------------ assembly


# File names tools recognise as such: kept, the directory changes instead.
KEEP_NAMES = {"Cargo.lock", "go.sum", "package-lock.json", "yarn.lock", "requirements.txt", "settings.xml", "SHA256SUMS",
              "authorized_keys", "credentials", "netrc", "Web.config", "docker-compose.yml", "config.json", "deployment.yaml",
              "secret.yaml", "index.html"}


def build(g: Rng) -> list[Doc]:
    items = Items(g, secrets=190, decoys=190)
    docs: list[Doc] = []
    docs += aws_docs(g) + gcp_service_account_docs(g) + private_key_docs(g) + http_docs(g) + encoded_docs(g)
    docs += docs_docs(g, items) + test_docs(g) + lockfile_docs(g) + hash_docs(g) + asset_docs(g)
    docs += log_docs(g) + notebook_docs(g) + hard_docs(g) + example_docs(g) + filler_docs(g)
    # Clients built with a literal key: one of each of the common providers.
    for kind in ["openai", "anthropic", "stripe", "github", "sendgrid", "slack"]:
        match = next((i for i in items.secrets if i.kind == kind), None)
        if match:
            items.secrets.remove(match)
            docs.append(client_code_doc(g, match))
    while not items.empty():
        writer = S.weighted(g, KV_WRITERS)
        docs.append(writer(g, items.take(g.int(1, 3), g.int(1, 3))))
    # Unique paths: a second file at a path gets a numbered name, or a
    # numbered directory when its name must stay (`.env`, `Dockerfile`).
    seen: set[str] = set()
    for doc in docs:
        n = 1
        path = doc.path
        while path in seen:
            n += 1
            head, _, name = doc.path.rpartition("/")
            if name.startswith(".") or "." not in name or name in KEEP_NAMES:
                path = f"{head}-{n}/{name}" if head else f"{n}/{name}"
            else:
                stem, _, ext = name.partition(".")
                path = f"{head}/{stem}-{n}.{ext}" if head else f"{stem}-{n}.{ext}"
        seen.add(path)
        doc.path = path
        for label in doc.labels:
            label.path = path
    return docs


def write(docs: list[Doc], out: Path, labels_path: Path) -> dict:
    if out.exists():
        shutil.rmtree(out)
    labels = []
    digest = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: d.path):
        path = out / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = doc.text()
        path.write_text(text)
        digest.update(doc.path.encode() + b"\0" + text.encode())
        labels += [asdict(label) for label in doc.labels]
    secrets = [l for l in labels if l["label"] == "secret"]
    summary = {
        "generator_version": GENERATOR_VERSION,
        "files": len(docs),
        "secrets": len(secrets),
        "decoys": len(labels) - len(secrets),
        "sha256": digest.hexdigest(),
        "labels": labels,
    }
    labels_path.write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="directory to write the corpus into (replaced)")
    parser.add_argument("--labels", type=Path, required=True, help="where to write labels.json (outside --out)")
    parser.add_argument("--seed", type=int, default=20250601)
    args = parser.parse_args()
    if args.labels.resolve().is_relative_to(args.out.resolve()):
        parser.error("--labels must be outside --out: the tools would scan it")
    summary = write(build(Rng(args.seed)), args.out, args.labels)
    print(f"accuracy corpus: {summary['files']} files, {summary['secrets']} secrets, {summary['decoys']} decoys, "
          f"sha256 {summary['sha256'][:16]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
