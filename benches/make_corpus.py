#!/usr/bin/env python3
"""Build the deterministic text corpus used by benches/run.sh.

The corpus looks like a large monorepo: real Rust crate sources (copied from
the local cargo registry, pinned by benches/corpus-crates.txt) plus synthetic
services written from templates with a seeded RNG: Python, Go, JavaScript,
TypeScript, Java, Rust and shell sources, YAML (Kubernetes, CI, compose,
OpenAPI), JSON fixtures, lockfiles (npm with sha512 integrity, yarn, Cargo,
go.sum, poetry), minified bundles and source maps (very long lines), Markdown,
.env files, logs and CSV.  A few dozen fake secrets are planted in it; where
they are is written to a manifest next to (never inside) the corpus.

The same arguments always give byte-identical output.  All secret-looking
values are assembled at run time from the RNG: none appears in this file.
"""

from __future__ import annotations

import argparse
import base64
import glob
import hashlib
import json
import os
import random
import shutil
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the output changes, so run.sh knows to rebuild a cached corpus.
GENERATOR_VERSION = 1

# Real crates take at most this share of the corpus; the rest is synthetic.
REAL_SHARE = 0.35
# Never copy more than this from a single crate (windows-sys is ~19 MB).
PER_CRATE_CAP = 6 * 1024 * 1024

TEXT_SUFFIXES = {
    ".rs", ".toml", ".md", ".txt", ".json", ".yml", ".yaml", ".c", ".h",
    ".cc", ".cpp", ".hpp", ".py", ".js", ".ts", ".sh", ".html", ".css",
    ".in", ".orig", ".rst", ".proto", ".s", ".S", ".ld", ".pest", ".lalrpop",
}
TEXT_NAMES_PREFIXES = ("LICENSE", "COPYING", "README", "CHANGELOG", "NOTICE", "AUTHORS")
# Ignore files would change what ignore-aware scanners walk, so skip them.
SKIP_NAMES = {".gitignore", ".ignore", ".rgignore", ".secretsignore", ".gitleaksignore"}

WORDS = """
account active address admin agent alert amount analytics api archive asset
audit auth backend balance batch billing block bucket buffer build bundle cache
campaign card cart catalog channel charge check client cluster code collector
config connection consumer container content context controller cookie counter
credit cursor customer dashboard data database debug delivery deploy device
digest discount dispatch document domain draft driver email endpoint engine
entry error event export feature feed field file filter flag flow form frame
gateway graph group handler header health history host identity image import
index inventory invoice item job journal key label layer ledger limit link list
loader locale lock log lookup mail manager manifest map market media member
message meta metric migration mode model module monitor node notice notify
offer order origin owner package page panel parser partner payload payment peer
permission pipeline plan policy pool portal post preference price process
producer product profile project promo provider proxy publish queue quota rate
reader record redirect region registry release render report request resolver
resource response result retry review role route rule runner sample scheduler
schema scope search segment sender service session setting shard shipment
signal sink snapshot source span stage state status storage store stream
subscription summary supplier support sync table tag target task template
tenant theme ticket timer token topic tracker transfer transform trigger
upload usage user validator value vendor version view visitor wallet warehouse
webhook widget worker workflow writer zone
""".split()

FIRST_NAMES = "ada alan barbara carol dennis edsger frances grace ivan james ken linus margaret niklaus radia tim".split()
TLDS = ["com", "io", "dev", "net", "org"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"]
HTTP_METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]
STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503]
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
BASE62 = DIGITS + UPPER + LOWER
B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"
HEX = "0123456789abcdef"
AWS_ID_CHARS = UPPER + "234567"


# --------------------------------------------------------------------------
# Small helpers around one seeded RNG
# --------------------------------------------------------------------------


class Gen:
    """Seeded text helpers shared by every file template."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def words(self, lo: int, hi: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(self.rng.randint(lo, hi))]

    def snake(self, lo: int = 1, hi: int = 3) -> str:
        return "_".join(self.words(lo, hi))

    def camel(self, lo: int = 1, hi: int = 3) -> str:
        ws = self.words(lo, hi)
        return ws[0] + "".join(w.capitalize() for w in ws[1:])

    def pascal(self, lo: int = 1, hi: int = 3) -> str:
        return "".join(w.capitalize() for w in self.words(lo, hi))

    def const(self, lo: int = 1, hi: int = 3) -> str:
        return self.snake(lo, hi).upper()

    def kebab(self, lo: int = 1, hi: int = 3) -> str:
        return "-".join(self.words(lo, hi))

    def sentence(self, lo: int = 6, hi: int = 16) -> str:
        s = " ".join(self.words(lo, hi))
        return s[0].upper() + s[1:] + "."

    def paragraph(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choices(alphabet, k=n))

    def hex(self, n: int) -> str:
        return self.chars(HEX, n)

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def b64bytes(self, n: int) -> str:
        return base64.b64encode(self.rng.randbytes(n)).decode()

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def semver(self) -> str:
        return f"{self.int(0, 9)}.{self.int(0, 30)}.{self.int(0, 40)}"

    def timestamp(self) -> str:
        t = 1_600_000_000 + self.int(0, 150_000_000)
        ms = self.int(0, 999)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{ms:03d}Z"

    def email(self) -> str:
        return f"{self.pick(FIRST_NAMES)}.{self.word()}@example.{self.pick(TLDS)}"

    def host(self) -> str:
        return f"{self.word()}-{self.word()}.internal.example.{self.pick(TLDS)}"

    def url_path(self) -> str:
        return "/" + "/".join(self.words(1, 4))


# --------------------------------------------------------------------------
# Source code templates
# --------------------------------------------------------------------------


def gen_python(g: Gen, target: int) -> str:
    out = [f'"""{g.sentence()}\n\n{g.paragraph(1, 3)}\n"""\n', "from __future__ import annotations\n"]
    for mod in sorted({g.pick(["os", "json", "logging", "time", "re", "typing", "dataclasses", "pathlib", "hashlib", "datetime", "functools", "itertools", "collections"]) for _ in range(6)}):
        out.append(f"import {mod}")
    out.append(f"from {g.snake(1, 2)}.{g.snake(1, 2)} import {g.pascal()}, {g.snake()}\n")
    out.append("logger = logging.getLogger(__name__)\n")
    for _ in range(g.int(2, 6)):
        name = g.const()
        out.append(f"{name} = {g.pick([str(g.int(1, 10000)), repr(g.kebab()), 'os.environ.get(' + repr(name) + ', ' + repr(g.word()) + ')', 'True', 'None'])}")
    out.append("")
    size = sum(len(x) for x in out)
    while size < target:
        chunk = _py_class(g) if g.chance(0.5) else _py_function(g, "")
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out) + "\n"


def _py_statements(g: Gen, indent: str, n: int) -> list[str]:
    lines = []
    for _ in range(n):
        a, b, c = g.snake(1, 2), g.snake(1, 2), g.word()
        k = g.pick(range(10))
        if k == 0:
            lines += [f"{indent}if {a} is None:", f"{indent}    return {g.pick(['None', '[]', '{}', 'False', b])}"]
        elif k == 1:
            lines += [f"{indent}for {c} in {a}:", f"{indent}    {b}.append({c}.{g.word()})"]
        elif k == 2:
            lines.append(f'{indent}logger.{g.pick(["info", "debug", "warning"])}("{g.sentence(3, 8)} %s", {a})')
        elif k == 3:
            lines.append(f'{indent}{a} = {b}.get("{g.word()}", {g.pick(["None", "0", "[]", repr(g.word())])})')
        elif k == 4:
            lines.append(f'{indent}raise ValueError(f"invalid {c}: {{{a}!r}}")' if g.chance(0.3) else f"{indent}# {g.sentence()}")
        elif k == 5:
            lines.append(f'{indent}{a}["{g.word()}"] = {b}.{g.snake(1, 2)}({g.int(0, 500)})')
        elif k == 6:
            lines += [f"{indent}try:", f"{indent}    {a} = {g.snake(1, 2)}({b})", f"{indent}except {g.pick(['KeyError', 'OSError', 'ValueError', 'TimeoutError'])} as exc:", f'{indent}    logger.exception("{g.sentence(3, 6)}")', f"{indent}    raise {g.pascal()}Error(str(exc)) from exc"]
        elif k == 7:
            lines.append(f"{indent}{a} = [{c} for {c} in {b} if {c}.{g.word()} > {g.int(0, 100)}]")
        elif k == 8:
            lines.append(f'{indent}{a} = f"{{{b}}}/{g.word()}/{{{c}}}"')
        else:
            lines.append(f"{indent}{a} = {b} + {g.int(1, 99)} * len({c})")
    return lines


def _py_function(g: Gen, indent: str) -> str:
    args = ", ".join(g.snake(1, 2) for _ in range(g.int(0, 4)))
    lines = ["", f"{indent}def {g.snake()}({args}) -> {g.pick(['None', 'int', 'str', 'dict[str, Any]', 'list[str]', 'bool'])}:", f'{indent}    """{g.sentence()}"""']
    lines += _py_statements(g, indent + "    ", g.int(3, 14))
    lines.append(f"{indent}    return {g.snake(1, 2)}")
    return "\n".join(lines) + "\n"


def _py_class(g: Gen) -> str:
    lines = ["", "@dataclasses.dataclass" if g.chance(0.4) else "", f"class {g.pascal()}:", f'    """{g.sentence()}"""', ""]
    for _ in range(g.int(1, 5)):
        lines.append(f"    {g.snake(1, 2)}: {g.pick(['int', 'str', 'float', 'bool', 'list[str]', 'Optional[str]'])} = {g.pick(['0', 'None', repr(g.word()), 'False'])}")
    for _ in range(g.int(1, 5)):
        args = ", ".join(["self"] + [g.snake(1, 2) for _ in range(g.int(0, 3))])
        lines += ["", f"    def {g.snake()}({args}):", f'        """{g.sentence()}"""']
        lines += _py_statements(g, "        ", g.int(2, 10))
    return "\n".join(lines) + "\n"


def gen_go(g: Gen, target: int) -> str:
    pkg = g.word()
    out = [f"// Package {pkg} {g.sentence().lower()}", f"package {pkg}", "", "import (", '\t"context"', '\t"errors"', '\t"fmt"', '\t"net/http"', '\t"time"', ")", ""]
    size = 0
    while size < target:
        if g.chance(0.3):
            lines = [f"// {g.pascal()} {g.sentence().lower()}", f"type {g.pascal()} struct {{"]
            for _ in range(g.int(2, 8)):
                f = g.pascal(1, 2)
                lines.append(f'\t{f} {g.pick(["string", "int64", "bool", "time.Duration", "[]string", "map[string]string", "*http.Client"])} `json:"{f.lower()}"`')
            lines.append("}")
        else:
            recv = g.pascal()
            lines = [f"// {g.sentence()}", f"func ({recv[0].lower()} *{recv}) {g.pascal()}(ctx context.Context, {g.camel(1, 2)} string) ({g.pick(['int', 'string', '[]byte', 'bool'])}, error) {{"]
            for _ in range(g.int(3, 12)):
                a, b = g.camel(1, 2), g.camel(1, 2)
                k = g.int(0, 5)
                if k == 0:
                    lines += [f"\t{a}, err := {b}.{g.pascal()}(ctx)", "\tif err != nil {", f'\t\treturn {g.pick(["0", "nil", "false", chr(34) * 2])}, fmt.Errorf("{g.sentence(2, 5)[:-1].lower()}: %w", err)', "\t}"]
                elif k == 1:
                    lines += [f"\tfor _, {a} := range {b} {{", f"\t\t{g.camel()} += len({a})", "\t}"]
                elif k == 2:
                    lines.append(f'\treq, _ := http.NewRequestWithContext(ctx, "{g.pick(HTTP_METHODS)}", "https://{g.host()}{g.url_path()}", nil)')
                elif k == 3:
                    lines.append(f"\t// {g.sentence()}")
                elif k == 4:
                    lines += [f"\tif {a} == nil {{", f'\t\treturn {g.pick(["0", "nil", "false"])}, errors.New("{g.word()} {g.word()} missing")', "\t}"]
                else:
                    lines.append(f"\t{a} := time.Duration({g.int(1, 600)}) * time.{g.pick(['Second', 'Millisecond', 'Minute'])}")
            lines += [f"\treturn {g.pick(['0', 'nil', 'false'])}, nil", "}"]
        chunk = "\n".join(lines) + "\n\n"
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out)


def gen_js(g: Gen, target: int, typescript: bool = False) -> str:
    out = []
    for _ in range(g.int(2, 6)):
        out.append(f"import {{ {g.camel()}, {g.camel()} }} from '{g.pick(['./', '../', '@acme/'])}{g.kebab(1, 2)}';")
    out.append("")
    size = 0
    while size < target:
        name = g.camel()
        params = ", ".join(g.camel(1, 2) + (": " + g.pick(["string", "number", "boolean", "Record<string, unknown>"]) if typescript else "") for _ in range(g.int(0, 3)))
        lines = ["/**", f" * {g.sentence()}", " */", f"export {g.pick(['async ', ''])}function {name}({params}) {{"]
        for _ in range(g.int(3, 12)):
            a, b = g.camel(1, 2), g.camel(1, 2)
            k = g.int(0, 5)
            if k == 0:
                lines.append(f"  const {a} = await fetch(`https://{g.host()}{g.url_path()}/${{{b}}}`, {{ method: '{g.pick(HTTP_METHODS)}' }});")
            elif k == 1:
                lines += [f"  if (!{a}) {{", f"    throw new Error('{g.sentence(3, 7)}');", "  }"]
            elif k == 2:
                lines.append(f"  const {a} = {b}.map((x) => x.{g.camel(1, 2)}).filter(Boolean);")
            elif k == 3:
                lines.append(f"  // {g.sentence()}")
            elif k == 4:
                lines.append(f"  {a}.{g.camel()} = {{ {g.camel()}: {g.int(0, 1000)}, {g.camel()}: '{g.word()}' }};")
            else:
                lines.append(f"  console.{g.pick(['log', 'warn', 'debug'])}('{g.sentence(2, 6)}', {a});")
        lines += [f"  return {g.camel(1, 2)};", "}", ""]
        chunk = "\n".join(lines) + "\n"
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out)


def gen_java(g: Gen, target: int) -> str:
    cls = g.pascal()
    out = [f"package com.acme.{g.word()}.{g.word()};", "", "import java.util.List;", "import java.util.Map;", "import java.util.Optional;", "", f"/** {g.sentence()} */", f"public class {cls} {{", ""]
    for _ in range(g.int(2, 6)):
        out.append(f"    private static final {g.pick(['String', 'int', 'long'])} {g.const()} = {g.pick([str(g.int(1, 9999)), chr(34) + g.kebab() + chr(34)])};")
    size = 0
    while size < target:
        lines = ["", f"    /** {g.sentence()} */", f"    public {g.pick(['void', 'String', 'int', 'Optional<String>', 'List<String>'])} {g.camel()}({g.pick(['String', 'int', 'Map<String, Object>'])} {g.camel(1, 2)}) {{"]
        for _ in range(g.int(2, 10)):
            a, b = g.camel(1, 2), g.camel(1, 2)
            k = g.int(0, 3)
            if k == 0:
                lines += [f"        if ({a} == null) {{", f'            throw new IllegalArgumentException("{g.sentence(2, 6)}");', "        }"]
            elif k == 1:
                lines.append(f"        var {a} = {b}.{g.camel()}().stream().map({g.pascal()}::{g.camel()}).toList();")
            elif k == 2:
                lines.append(f"        // {g.sentence()}")
            else:
                lines.append(f'        log.info("{g.sentence(2, 6)} {{}}", {a});')
        lines.append("    }")
        chunk = "\n".join(lines) + "\n"
        out.append(chunk)
        size += len(chunk)
    out.append("}")
    return "\n".join(out) + "\n"


def gen_rust(g: Gen, target: int) -> str:
    out = [f"//! {g.sentence()}", "", "use std::collections::HashMap;", "use std::time::Duration;", ""]
    size = 0
    while size < target:
        if g.chance(0.35):
            lines = [f"/// {g.sentence()}", "#[derive(Debug, Clone)]", f"pub struct {g.pascal()} {{"]
            for _ in range(g.int(2, 7)):
                lines.append(f"    pub {g.snake(1, 2)}: {g.pick(['String', 'u64', 'bool', 'Vec<String>', 'Option<Duration>', 'HashMap<String, String>'])},")
            lines.append("}")
        else:
            lines = [f"/// {g.sentence()}", f"pub fn {g.snake()}({g.snake(1, 2)}: &str) -> Result<{g.pick(['u64', 'String', '()', 'bool'])}, Error> {{"]
            for _ in range(g.int(2, 10)):
                a, b = g.snake(1, 2), g.snake(1, 2)
                k = g.int(0, 3)
                if k == 0:
                    lines.append(f"    let {a} = {b}.{g.snake(1, 2)}()?;")
                elif k == 1:
                    lines += [f"    if {a}.is_empty() {{", f'        return Err(Error::new("{g.sentence(2, 5)}"));', "    }"]
                elif k == 2:
                    lines.append(f"    // {g.sentence()}")
                else:
                    lines += [f"    for {a} in {b}.iter() {{", f"        total += {a}.len() as u64;", "    }"]
            lines += ["    Ok(Default::default())", "}"]
        chunk = "\n".join(lines) + "\n\n"
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out)


def gen_shell(g: Gen, target: int) -> str:
    out = ["#!/usr/bin/env bash", "set -euo pipefail", f"# {g.sentence()}", ""]
    size = 0
    while size < target:
        k = g.int(0, 4)
        if k == 0:
            line = f'{g.const()}="${{{g.const()}:-{g.word()}}}"'
        elif k == 1:
            line = f'curl -fsSL -H "Accept: application/json" "https://{g.host()}{g.url_path()}" -o "/tmp/{g.word()}.json"'
        elif k == 2:
            line = f"if [[ -z \"${{{g.const()}:-}}\" ]]; then\n  echo \"{g.sentence(3, 7)}\" >&2\n  exit 1\nfi"
        elif k == 3:
            line = f"# {g.sentence()}"
        else:
            line = f"kubectl -n {g.word()} rollout status deploy/{g.kebab(1, 2)} --timeout={g.int(30, 600)}s"
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Data and config templates
# --------------------------------------------------------------------------


def gen_k8s_yaml(g: Gen, target: int) -> str:
    docs, size = [], 0
    while size < target:
        name = g.kebab(1, 2)
        env = "\n".join(f"            - name: {g.const()}\n              value: \"{g.pick([g.word(), str(g.int(1, 9000)), 'true', g.host()])}\"" for _ in range(g.int(2, 8)))
        doc = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {g.word()}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/version: "{g.semver()}"
  annotations:
    checksum/config: {g.hex(64)}
spec:
  replicas: {g.int(1, 12)}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      containers:
        - name: {name}
          image: ghcr.example.com/acme/{name}@sha256:{g.hex(64)}
          ports:
            - containerPort: {g.int(1024, 9999)}
          env:
{env}
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {name}-db
                  key: password
          resources:
            limits:
              cpu: "{g.int(1, 4)}"
              memory: {g.int(1, 8) * 256}Mi
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
    - port: {g.int(80, 9000)}
      targetPort: {g.int(1024, 9999)}
---
"""
        docs.append(doc)
        size += len(doc)
    return "".join(docs)


def gen_ci_yaml(g: Gen, target: int) -> str:
    out = [f"name: {g.kebab()}", "on:", "  push:", "    branches: [main]", "  pull_request:", "jobs:"]
    size = 0
    while size < target:
        job = g.kebab(1, 2)
        steps = "\n".join(f"      - name: {g.sentence(2, 5)[:-1]}\n        run: {g.pick(['make', 'npm run', 'cargo', 'go', 'pytest'])} {g.kebab(1, 2)}" for _ in range(g.int(2, 7)))
        chunk = f"""  {job}:
    runs-on: ubuntu-latest
    timeout-minutes: {g.int(5, 60)}
    env:
      {g.const()}: ${{{{ secrets.{g.const()} }}}}
      {g.const()}: "{g.word()}"
    steps:
      - uses: actions/checkout@{g.hex(40)}
{steps}
"""
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out) + "\n"


def gen_compose_yaml(g: Gen, target: int) -> str:
    out = ["services:"]
    size = 0
    while size < target:
        chunk = f"""  {g.kebab(1, 2)}:
    image: {g.word()}:{g.semver()}
    restart: unless-stopped
    environment:
      - {g.const()}={g.word()}
      - {g.const()}={g.int(1, 65535)}
      - LOG_LEVEL={g.pick(['info', 'debug', 'warn'])}
    ports:
      - "{g.int(1024, 9999)}:{g.int(1024, 9999)}"
    depends_on:
      - {g.word()}
"""
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out) + "\n"


def gen_openapi_yaml(g: Gen, target: int) -> str:
    out = ["openapi: 3.0.3", "info:", f"  title: {g.pascal()} API", f"  version: {g.semver()}", f"  description: {g.sentence()}", "paths:"]
    size = 0
    while size < target:
        props = "\n".join(f"                  {g.camel(1, 2)}:\n                    type: {g.pick(['string', 'integer', 'boolean', 'number'])}\n                    description: {g.sentence(3, 9)}" for _ in range(g.int(2, 8)))
        chunk = f"""  {g.url_path()}/{{{g.camel(1, 1)}Id}}:
    {g.pick(['get', 'post', 'put', 'delete'])}:
      operationId: {g.camel(2, 3)}
      summary: {g.sentence(3, 8)}
      tags: [{g.word()}]
      responses:
        "200":
          description: {g.sentence(2, 6)}
          content:
            application/json:
              schema:
                type: object
                properties:
{props}
"""
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out) + "\n"


def gen_json_fixture(g: Gen, target: int) -> str:
    records, size = [], 0
    while size < target:
        rec = {
            "id": g.uuid(),
            "name": f"{g.pick(FIRST_NAMES).capitalize()} {g.word().capitalize()}",
            "email": g.email(),
            "created_at": g.timestamp(),
            "status": g.pick(["active", "pending", "disabled", "archived"]),
            "plan": g.pick(["free", "team", "business", "enterprise"]),
            "tags": g.words(0, 4),
            "address": {"street": f"{g.int(1, 9999)} {g.word().capitalize()} St", "city": g.word().capitalize(), "zip": f"{g.int(10000, 99999)}"},
            "metrics": {g.word(): g.int(0, 100000) for _ in range(g.int(1, 5))},
            "checksum": g.hex(40),
            "note": g.sentence(),
        }
        text = json.dumps(rec, indent=2, sort_keys=True)
        records.append(text)
        size += len(text)
    return "[\n" + ",\n".join(records) + "\n]\n"


def gen_package_json(g: Gen, deps: list[tuple[str, str]]) -> str:
    doc = {
        "name": f"@acme/{g.kebab(1, 2)}",
        "version": g.semver(),
        "private": True,
        "scripts": {"build": "vite build", "test": "vitest run", "lint": "eslint ."},
        "dependencies": {n: "^" + v for n, v in deps[:20]},
        "devDependencies": {n: "^" + v for n, v in deps[20:35]},
    }
    return json.dumps(doc, indent=2) + "\n"


def _npm_packages(g: Gen, n: int) -> list[tuple[str, str]]:
    names, seen = [], set()
    while len(names) < n:
        name = g.kebab(1, 2) if g.chance(0.8) else f"@{g.word()}/{g.kebab(1, 2)}"
        if name not in seen:
            seen.add(name)
            names.append((name, g.semver()))
    return names


def gen_package_lock(g: Gen, n: int) -> str:
    pkgs = _npm_packages(g, n)
    packages: dict[str, dict] = {"": {"name": "app", "version": "1.0.0", "dependencies": {p: "^" + v for p, v in pkgs[:25]}}}
    for name, ver in pkgs:
        short = name.split("/")[-1]
        entry = {
            "version": ver,
            "resolved": f"https://npm.pkg.example.com/{name}/-/{short}-{ver}.tgz",
            "integrity": "sha512-" + g.b64bytes(64),
            "license": g.pick(["MIT", "ISC", "Apache-2.0", "BSD-3-Clause"]),
        }
        if g.chance(0.5):
            entry["dependencies"] = {p: "^" + v for p, v in (g.pick(pkgs) for _ in range(g.int(1, 5)))}
        if g.chance(0.1):
            entry["dev"] = True
        packages[f"node_modules/{name}"] = entry
    return json.dumps({"name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": packages}, indent=2) + "\n"


def gen_yarn_lock(g: Gen, n: int) -> str:
    out = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
    for name, ver in _npm_packages(g, n):
        short = name.split("/")[-1]
        out.append(f'"{name}@^{ver}":\n  version "{ver}"\n  resolved "https://npm.pkg.example.com/{name}/-/{short}-{ver}.tgz#{g.hex(40)}"\n  integrity sha512-{g.b64bytes(64)}\n')
    return "\n".join(out)


def gen_cargo_lock(g: Gen, n: int) -> str:
    out = ["# This file is automatically @generated by Cargo.", "# It is not intended for manual editing.", "version = 4", ""]
    for _ in range(n):
        out.append(f'[[package]]\nname = "{g.kebab(1, 2)}"\nversion = "{g.semver()}"\nsource = "registry+https://crates.example.com/index"\nchecksum = "{g.hex(64)}"\ndependencies = [\n' + "".join(f' "{g.kebab(1, 2)}",\n' for _ in range(g.int(0, 4))) + "]\n")
    return "\n".join(out)


def gen_go_sum(g: Gen, n: int) -> str:
    out = []
    for _ in range(n):
        mod = f"example.com/{g.word()}/{g.kebab(1, 2)}"
        ver = "v" + g.semver()
        out.append(f"{mod} {ver} h1:{g.b64bytes(32)}")
        out.append(f"{mod} {ver}/go.mod h1:{g.b64bytes(32)}")
    return "\n".join(out) + "\n"


def gen_poetry_lock(g: Gen, n: int) -> str:
    out = []
    for _ in range(n):
        name, ver = g.kebab(1, 2), g.semver()
        files = ",\n".join(f'    {{file = "{name.replace("-", "_")}-{ver}-py3-none-any.whl", hash = "sha256:{g.hex(64)}"}}' for _ in range(g.int(1, 3)))
        out.append(f'[[package]]\nname = "{name}"\nversion = "{ver}"\ndescription = "{g.sentence(3, 8)}"\noptional = false\npython-versions = ">=3.8"\nfiles = [\n{files},\n]\n')
    return "\n".join(out)


def gen_minified_js(g: Gen, target: int) -> str:
    parts, size = ['!function(){"use strict";var e={};'], 0
    while size < target:
        k = g.int(0, 5)
        v = g.chars(LOWER, g.int(1, 2))
        if k == 0:
            s = f'function {v}(t,n,r){{return t.{g.camel()}(n)?r.{g.camel()}:"{g.sentence(2, 6)}"}}'
        elif k == 1:
            s = f'e[{g.int(0, 9999)}]=function(t,n){{var r=n({g.int(0, 9999)}),o=n({g.int(0, 9999)});t.exports={{{g.camel()}:r.{g.camel()},{g.camel()}:o}}}};'
        elif k == 2:
            s = f'const {v}="{g.chars(B64URL, g.int(8, 24))}",{g.chars(LOWER, 2)}={g.int(0, 1 << 30)};'
        elif k == 3:
            s = f'{v}.prototype.{g.camel()}=function(){{return this.{g.camel()}.map(function(t){{return t.{g.word()}+"{g.word()}"}})}};'
        elif k == 4:
            s = f'fetch("/api/{g.word()}/"+{v}).then(function(t){{return t.json()}}).catch(console.error);'
        else:
            s = f'var {v}={{{",".join(f"{g.camel()}:{g.int(0, 999)}" for _ in range(g.int(2, 8)))}}};'
        parts.append(s)
        size += len(s)
    parts.append("}();\n//# sourceMappingURL=bundle.js.map\n")
    return "".join(parts)


def gen_source_map(g: Gen, target: int) -> str:
    segs, size = [], 0
    while size < target:
        line = ",".join(g.chars(B64, g.int(4, 8)) for _ in range(g.int(5, 40)))
        segs.append(line)
        size += len(line) + 1
    doc = {"version": 3, "file": "bundle.js", "sources": [f"src/{g.kebab()}.ts" for _ in range(20)], "names": g.words(50, 100), "mappings": ";".join(segs)}
    return json.dumps(doc) + "\n"


def gen_markdown(g: Gen, target: int) -> str:
    out = [f"# {g.pascal()} {g.word().capitalize()}", "", g.paragraph(), ""]
    size = 0
    while size < target:
        k = g.int(0, 4)
        if k == 0:
            chunk = f"## {g.sentence(2, 6)[:-1]}\n\n{g.paragraph()}\n"
        elif k == 1:
            chunk = "\n".join(f"- {g.sentence(3, 10)}" for _ in range(g.int(2, 7))) + "\n"
        elif k == 2:
            chunk = f"```bash\ncurl -s https://{g.host()}{g.url_path()} | jq '.{g.word()}'\n{g.word()} {g.kebab()} --{g.word()}={g.int(1, 100)}\n```\n"
        elif k == 3:
            rows = "\n".join(f"| `{g.snake()}` | {g.pick(['string', 'int', 'bool'])} | {g.sentence(3, 8)} |" for _ in range(g.int(2, 8)))
            chunk = f"| Name | Type | Description |\n| --- | --- | --- |\n{rows}\n"
        else:
            chunk = f"> **Note**: {g.sentence()} See [{g.word()}](https://docs.example.com{g.url_path()}).\n"
        out.append(chunk)
        size += len(chunk)
    return "\n".join(out) + "\n"


def gen_env(g: Gen, target: int) -> str:
    out = [f"# {g.sentence()}"]
    size = 0
    while size < target:
        line = g.pick([
            f"{g.const()}={g.word()}",
            f"{g.const()}_PORT={g.int(1024, 65535)}",
            f"{g.const()}_ENABLED={g.pick(['true', 'false'])}",
            f"{g.const()}_URL=https://{g.host()}{g.url_path()}",
            f"{g.const()}_API_KEY=changeme",
            f"{g.const()}_SECRET=${{{g.const()}_SECRET}}",
            "DATABASE_URL=postgres://localhost:5432/dev",
            f"LOG_LEVEL={g.pick(['info', 'debug', 'warn'])}",
            f"# {g.sentence(3, 8)}",
        ])
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


def gen_log(g: Gen, target: int) -> str:
    out, size = [], 0
    svc = g.kebab(1, 2)
    while size < target:
        line = (f"{g.timestamp()} {g.pick(['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'])} [{svc}] "
                f"request_id={g.uuid()} trace_id={g.hex(32)} method={g.pick(HTTP_METHODS)} path={g.url_path()} "
                f"status={g.pick(STATUSES)} duration_ms={g.int(1, 3000)} user_id={g.int(1, 10_000_000)} msg=\"{g.sentence(3, 9)[:-1]}\"")
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


def gen_csv(g: Gen, target: int) -> str:
    out, size = ["id,created_at,email,plan,amount_cents,currency,country,invoice_ref"], 0
    while size < target:
        line = f"{g.uuid()},{g.timestamp()},{g.email()},{g.pick(['free', 'team', 'business'])},{g.int(0, 10_000_000)},{g.pick(['USD', 'EUR', 'GBP'])},{g.chars(UPPER, 2)},INV-{g.chars(UPPER + DIGITS, 10)}"
        out.append(line)
        size += len(line) + 1
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# Fake secrets (all assembled from the RNG at run time)
# --------------------------------------------------------------------------


def base62_checksum(data: str) -> str:
    n = zlib.crc32(data.encode()) & 0xFFFFFFFF
    digits = ""
    while n:
        n, r = divmod(n, 62)
        digits = BASE62[r] + digits
    return digits.rjust(6, "0")


def github_token(g: Gen) -> str:
    body = g.chars(ALNUM, 30)
    return "ghp" + "_" + body + base62_checksum(body)


def npm_token(g: Gen) -> str:
    body = g.chars(ALNUM, 30)
    return "npm" + "_" + body + base62_checksum(body)


def _is_probable_prime(n: int, rng: random.Random) -> bool:
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)
    if n < 2:
        return False
    for p in small:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(24):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(rng: random.Random, bits: int) -> int:
    while True:
        c = rng.getrandbits(bits) | (1 << (bits - 1)) | (1 << (bits - 2)) | 1
        if _is_probable_prime(c, rng):
            return c


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _der(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(body)) + body


def _der_int(v: int) -> bytes:
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return _der(0x02, b)


def rsa_private_key_pem(g: Gen, bits: int, pkcs8: bool) -> str:
    """A real, parseable RSA key (so scanners that parse PEM bodies accept it)."""
    e = 65537
    while True:
        p, q = _random_prime(g.rng, bits // 2), _random_prime(g.rng, bits // 2)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e != 0:
            break
    if p < q:
        p, q = q, p
    n, d = p * q, pow(e, -1, (p - 1) * (q - 1))
    fields = [0, n, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p)]
    pkcs1 = _der(0x30, b"".join(_der_int(v) for v in fields))
    if pkcs8:
        alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
        der, label = _der(0x30, _der_int(0) + alg + _der(0x04, pkcs1)), "PRIVATE KEY"
    else:
        der, label = pkcs1, "RSA PRIVATE KEY"
    b64 = base64.b64encode(der).decode()
    body = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    dashes = "-" * 5
    return f"{dashes}BEGIN {label}{dashes}\n{body}\n{dashes}END {label}{dashes}\n"


@dataclass
class Secret:
    kind: str
    snippet: str          # text inserted into the host file (may span lines)
    host: str             # which file template carries it
    values: list[str] = field(default_factory=list)


def make_secrets(g: Gen) -> list[Secret]:
    """A few dozen planted secrets, in realistic surroundings."""
    s: list[Secret] = []

    for host in ["env", "python", "yaml", "ini"]:
        kid = "AKIA" + g.chars(AWS_ID_CHARS, 16)
        sec = g.chars(ALNUM + "/+", 40)
        snippet = {
            "env": f"AWS_ACCESS_KEY_ID={kid}\nAWS_SECRET_ACCESS_KEY={sec}",
            "python": f's3 = boto3.client("s3", aws_access_key_id="{kid}", aws_secret_access_key="{sec}")',
            "yaml": f"aws:\n  access_key_id: {kid}\n  secret_access_key: {sec}\n  region: {g.pick(REGIONS)}",
            "ini": f"[default]\naws_access_key_id = {kid}\naws_secret_access_key = {sec}",
        }[host]
        s.append(Secret("aws", snippet, host, [kid, sec]))

    for host in ["ci", "shell", "js", "env"]:
        tok = github_token(g)
        snippet = {
            "ci": f"      GH_TOKEN: {tok}",
            "shell": f"git clone https://x-access-token:{tok}@github.com/acme/{g.kebab(1, 2)}.git",
            "js": f"const octokit = new Octokit({{ auth: '{tok}' }});",
            "env": f"GITHUB_TOKEN={tok}",
        }[host]
        s.append(Secret("github-pat", snippet, host, [tok]))

    for host in ["python", "env", "markdown"]:
        tok = "sk-proj-" + g.chars(B64URL, 74) + "T3BlbkFJ" + g.chars(B64URL, 74)
        snippet = {
            "python": f'client = OpenAI(api_key="{tok}")',
            "env": f"OPENAI_API_KEY={tok}",
            "markdown": f"```bash\ncurl https://api.openai.com/v1/models -H \"Authorization: Bearer {tok}\"\n```",
        }[host]
        s.append(Secret("openai", snippet, host, [tok]))

    for host in ["js", "yaml", "python"]:
        tok = "sk_" + "live_" + g.chars(ALNUM, g.int(24, 99))
        snippet = {
            "js": f"const stripe = require('stripe')('{tok}');",
            "yaml": f"stripe:\n  secret_key: {tok}",
            "python": f'stripe.api_key = "{tok}"',
        }[host]
        s.append(Secret("stripe", snippet, host, [tok]))

    for host in ["json", "env", "go"]:
        tok = f"xoxb-{g.chars(DIGITS, 12)}-{g.chars(DIGITS, 13)}-{g.chars(ALNUM, 24)}"
        snippet = {
            "json": f'{{"slack_bot_token": "{tok}", "channel": "#{g.word()}-alerts"}}',
            "env": f"SLACK_BOT_TOKEN={tok}",
            "go": f'\tslackToken := "{tok}"',
        }[host]
        s.append(Secret("slack-bot", snippet, host, [tok]))

    for host, bits, pkcs8 in [("pem", 2048, False), ("pem", 2048, True), ("yaml-tls", 2048, False), ("python", 1024, True)]:
        pem = rsa_private_key_pem(g, bits, pkcs8)
        if host == "yaml-tls":
            snippet = "tls:\n  key: |\n" + "".join("    " + line + "\n" for line in pem.splitlines())
        elif host == "python":
            snippet = f'SIGNING_KEY = """{pem}"""'
        else:
            snippet = pem
        s.append(Secret("private-key", snippet.rstrip("\n"), host, [pem.splitlines()[1]]))

    for host in ["env", "compose", "python", "java"]:
        user = g.pick(FIRST_NAMES) + "_" + g.word()
        pw = g.chars(ALNUM, g.int(14, 22))
        url = f"postgres://{user}:{pw}@{g.word()}-db.{g.word()}.example.com:5432/{g.word()}"
        snippet = {
            "env": f"DATABASE_URL={url}",
            "compose": f"      - DATABASE_URL={url}",
            "python": f'SQLALCHEMY_DATABASE_URI = "{url}"',
            "java": f'    private static final String DB_URL = "{url.replace("postgres://", "postgresql://")}";',
        }[host]
        s.append(Secret("postgres-url", snippet, host, [url]))

    for host in ["ci", "env"]:
        tok = "glpat-" + g.chars(ALNUM + "-_", 20)
        snippet = {"ci": f"      GITLAB_TOKEN: {tok}", "env": f"GITLAB_TOKEN={tok}"}[host]
        s.append(Secret("gitlab-pat", snippet, host, [tok]))

    for host in ["js", "json", "minjs"]:
        key = "AIza" + g.chars(B64URL, 35)
        snippet = {
            "js": f"const firebaseConfig = {{ apiKey: '{key}', projectId: '{g.kebab(1, 2)}' }};",
            "json": f'{{"google_maps_api_key": "{key}"}}',
            "minjs": f'var gk="{key}";',
        }[host]
        s.append(Secret("google-api-key", snippet, host, [key]))

    for host in ["npmrc", "ci"]:
        tok = npm_token(g)
        snippet = {"npmrc": f"//npm.pkg.example.com/:_authToken={tok}", "ci": f"      NPM_TOKEN: {tok}"}[host]
        s.append(Secret("npm", snippet, host, [tok]))

    for host in ["python", "env"]:
        tok = "SG." + g.chars(ALNUM + "-_", 22) + "." + g.chars(ALNUM + "-_", 43)
        snippet = {"python": f'sg = SendGridAPIClient("{tok}")', "env": f"SENDGRID_API_KEY={tok}"}[host]
        s.append(Secret("sendgrid", snippet, host, [tok]))

    return s


# Host template -> (file name pattern, generator of the surrounding text)
HOSTS = {
    "env": (".env", lambda g: gen_env(g, g.int(300, 2000))),
    "python": ("{name}.py", lambda g: gen_python(g, g.int(2000, 12000))),
    "yaml": ("config/{name}.yaml", lambda g: gen_compose_yaml(g, g.int(500, 3000))),
    "yaml-tls": ("deploy/{name}-tls.yaml", lambda g: gen_k8s_yaml(g, g.int(500, 3000))),
    "ini": ("ops/aws-credentials", lambda g: f"# {g.sentence()}\n"),
    "ci": (".github/workflows/{name}.yml", lambda g: gen_ci_yaml(g, g.int(1000, 4000))),
    "shell": ("scripts/{name}.sh", lambda g: gen_shell(g, g.int(500, 3000))),
    "js": ("src/{name}.js", lambda g: gen_js(g, g.int(2000, 10000))),
    "markdown": ("docs/{name}.md", lambda g: gen_markdown(g, g.int(2000, 8000))),
    "json": ("config/{name}.json", lambda g: ""),
    "go": ("internal/{name}.go", lambda g: gen_go(g, g.int(2000, 10000))),
    "pem": ("certs/{name}.key", lambda g: ""),
    "compose": ("docker-compose.{name}.yml", lambda g: gen_compose_yaml(g, g.int(500, 3000))),
    "java": ("src/main/java/com/acme/{Name}.java", lambda g: gen_java(g, g.int(2000, 8000))),
    "minjs": ("public/assets/{name}.min.js", lambda g: gen_minified_js(g, g.int(50_000, 300_000))),
    "npmrc": (".npmrc", lambda g: "registry=https://npm.pkg.example.com/\nalways-auth=true\n"),
}


def embed(g: Gen, host: str, surrounding: str, snippet: str) -> str:
    """Insert the snippet at a random line boundary (or replace empty hosts)."""
    if not surrounding:
        return snippet + "\n"
    if host == "minjs":
        cut = surrounding.find(";", g.int(0, len(surrounding) - 1))
        cut = len(surrounding) // 2 if cut < 0 else cut + 1
        return surrounding[:cut] + snippet + surrounding[cut:]
    if host == "go":
        # Inside a function body: after a line that opens a func.
        lines = surrounding.split("\n")
        idx = [i for i, ln in enumerate(lines) if ln.startswith("func ")]
        at = g.pick(idx) + 1 if idx else len(lines)
        return "\n".join(lines[:at] + [snippet] + lines[at:])
    if host == "java":
        lines = surrounding.split("\n")
        return "\n".join(lines[:8] + [snippet] + lines[8:])
    if host in ("ci", "compose"):
        # Indented snippets go right after a matching parent key.
        key = "    env:" if host == "ci" else "    environment:"
        pos = surrounding.find(key)
        if pos >= 0:
            pos += len(key) + 1
            return surrounding[:pos] + snippet + "\n" + surrounding[pos:]
        return surrounding + snippet + "\n"
    if host in ("yaml", "yaml-tls"):
        return snippet + "\n---\n" + surrounding if host == "yaml-tls" else snippet + "\n" + surrounding
    lines = surrounding.split("\n")
    at = g.int(1, max(1, len(lines) - 1))
    if host == "python":
        # Only at top level, between definitions.
        tops = [i for i, ln in enumerate(lines) if ln.startswith(("def ", "class ", "@"))]
        at = g.pick(tops) if tops else len(lines)
    return "\n".join(lines[:at] + [snippet] + lines[at:])


# --------------------------------------------------------------------------
# Writing the corpus
# --------------------------------------------------------------------------


class Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = 0
        self.bytes = 0
        self.by_kind: dict[str, list[int]] = {}
        self.paths: set[str] = set()

    def write(self, rel: str, data: str | bytes, kind: str) -> str:
        # On a clash, rename the parent folder, so well-known file names
        # (package-lock.json, .env, ...) keep their exact names.
        folder, _, name = rel.rpartition("/")
        n = 2
        while rel in self.paths:
            rel = f"{folder}-{n}/{name}"
            n += 1
        self.paths.add(rel)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = data.encode() if isinstance(data, str) else data
        path.write_bytes(raw)
        self.files += 1
        self.bytes += len(raw)
        stat = self.by_kind.setdefault(kind, [0, 0])
        stat[0] += 1
        stat[1] += len(raw)
        return rel


def registry_roots() -> list[Path]:
    home = Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))
    return sorted(Path(p) for p in glob.glob(str(home / "registry" / "src" / "*")))


def read_crate_list(path: Path) -> list[str]:
    names = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split()
            names.append(f"{name}-{version}")
    return names


def is_text_file(path: Path) -> bool:
    if path.name in SKIP_NAMES:
        return False
    if path.suffix not in TEXT_SUFFIXES and not path.name.startswith(TEXT_NAMES_PREFIXES):
        return False
    with path.open("rb") as f:
        return b"\0" not in f.read(8192)


def copy_real_crates(corpus: Corpus, crates: list[str], budget: int) -> tuple[list[str], list[str]]:
    """Copy text files of pinned crates, in sorted order, until budget is used."""
    roots = registry_roots()
    used, missing = [], []
    for crate in crates:
        if corpus.bytes >= budget:
            break
        src = next((r / crate for r in roots if (r / crate).is_dir()), None)
        if src is None:
            missing.append(crate)
            continue
        copied = 0
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            for fname in sorted(filenames):
                path = Path(dirpath) / fname
                if path.is_symlink() or not is_text_file(path):
                    continue
                size = path.stat().st_size
                if corpus.bytes + size > budget:
                    return used + [crate], missing
                if copied + size > PER_CRATE_CAP:
                    continue
                rel = "third_party/rust/" + str(path.relative_to(src.parent))
                corpus.write(rel, path.read_bytes(), "crate-source")
                copied += size
        used.append(crate)
    return used, missing


# (kind, share of the synthetic bytes in %, folder under a service, file name,
#  generator).  Shares follow what a large polyglot monorepo holds.
SYNTHETIC = [
    ("python", 10, "src/{pkg}", "{name}.py", lambda g: gen_python(g, g.int(1_000, 25_000))),
    ("go", 8, "internal/{pkg}", "{name}.go", lambda g: gen_go(g, g.int(1_000, 25_000))),
    ("javascript", 7, "src/{pkg}", "{name}.js", lambda g: gen_js(g, g.int(1_000, 20_000))),
    ("typescript", 7, "src/{pkg}", "{name}.ts", lambda g: gen_js(g, g.int(1_000, 20_000), typescript=True)),
    ("java", 5, "src/main/java/com/acme/{pkg}", "{Name}.java", lambda g: gen_java(g, g.int(1_000, 20_000))),
    ("rust", 3, "src", "{name}.rs", lambda g: gen_rust(g, g.int(1_000, 20_000))),
    ("shell", 1, "scripts", "{name}.sh", lambda g: gen_shell(g, g.int(300, 4_000))),
    ("yaml-k8s", 3, "deploy/k8s", "{name}.yaml", lambda g: gen_k8s_yaml(g, g.int(1_000, 12_000))),
    ("yaml-ci", 0.5, ".github/workflows", "{name}.yml", lambda g: gen_ci_yaml(g, g.int(800, 5_000))),
    ("yaml-compose", 0.5, ".", "docker-compose.{name}.yml", lambda g: gen_compose_yaml(g, g.int(800, 5_000))),
    ("yaml-openapi", 4, "api", "{name}.openapi.yaml", lambda g: gen_openapi_yaml(g, g.int(10_000, 150_000))),
    ("json", 8, "testdata/fixtures", "{name}.json", lambda g: gen_json_fixture(g, g.int(2_000, 100_000))),
    ("package-lock", 7, "web/{pkg}", "package-lock.json", lambda g: gen_package_lock(g, g.int(100, 2000))),
    ("package-json", 0.3, "web/{pkg}", "package.json", lambda g: gen_package_json(g, _npm_packages(g, 40))),
    ("yarn-lock", 3, "web/{pkg}", "yarn.lock", lambda g: gen_yarn_lock(g, g.int(100, 1500))),
    ("cargo-lock", 1, "crates/{pkg}", "Cargo.lock", lambda g: gen_cargo_lock(g, g.int(50, 500))),
    ("go-sum", 1, "cmd/{pkg}", "go.sum", lambda g: gen_go_sum(g, g.int(50, 800))),
    ("poetry-lock", 1, "py/{pkg}", "poetry.lock", lambda g: gen_poetry_lock(g, g.int(30, 300))),
    ("minified-js", 9, "web/dist/assets", "{name}.{hash}.min.js", lambda g: gen_minified_js(g, g.int(50_000, 1_500_000))),
    ("source-map", 3, "web/dist/assets", "{name}.{hash}.js.map", lambda g: gen_source_map(g, g.int(50_000, 1_000_000))),
    ("markdown", 6, "docs", "{name}.md", lambda g: gen_markdown(g, g.int(1_000, 20_000))),
    ("env", 0.5, ".", ".env.{name}", lambda g: gen_env(g, g.int(200, 2_000))),
    ("log", 8, "logs", "{name}.log", lambda g: gen_log(g, g.int(20_000, 800_000))),
    ("csv", 3, "data/exports", "{name}.csv", lambda g: gen_csv(g, g.int(20_000, 500_000))),
]


def fill_name(g: Gen, pattern: str) -> str:
    name = g.snake(1, 2)
    return pattern.format(name=name, Name=g.pascal(1, 2), pkg=g.word(), hash=g.hex(8))


def write_synthetic(corpus: Corpus, g: Gen, services: list[str], budget: int) -> None:
    """Write files until budget, always topping up the kind furthest below its share."""
    total_share = sum(share for _, share, *_ in SYNTHETIC)
    written = [0] * len(SYNTHETIC)
    start = corpus.bytes
    while corpus.bytes < budget:
        done = corpus.bytes - start
        i = max(range(len(SYNTHETIC)), key=lambda k: SYNTHETIC[k][1] / total_share * (done + 1) - written[k])
        kind, _, folder, fname, make = SYNTHETIC[i]
        rel = f"services/{g.pick(services)}/{fill_name(g, folder)}/{fill_name(g, fname)}".replace("/./", "/")
        before = corpus.bytes
        corpus.write(rel, make(g), kind)
        written[i] += corpus.bytes - before


def plant_secrets(corpus: Corpus, g: Gen, services: list[str]) -> list[dict]:
    planted = []
    for secret in make_secrets(g):
        pattern, make = HOSTS[secret.host]
        svc = g.pick(services)
        rel = f"services/{svc}/{fill_name(g, pattern)}"
        text = embed(g, secret.host, make(g), secret.snippet)
        rel = corpus.write(rel, text, "planted")
        first = secret.snippet.splitlines()[0]
        line = next((i + 1 for i, ln in enumerate(text.splitlines()) if first in ln), None)
        planted.append({"kind": secret.kind, "path": rel, "line": line, "values": secret.values})
    return planted


def build(out: Path, size_mb: int, seed: int, crate_list: Path) -> dict:
    target = size_mb * 1024 * 1024
    corpus = Corpus(out)
    g = Gen(seed)
    crates = read_crate_list(crate_list) if crate_list.exists() else []
    used, missing = copy_real_crates(corpus, crates, int(target * REAL_SHARE))
    services = sorted({g.kebab(1, 2) for _ in range(60)})
    planted = plant_secrets(corpus, g, services)
    write_synthetic(corpus, g, services, target)
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size_mb": size_mb,
        "files": corpus.files,
        "bytes": corpus.bytes,
        "crates_used": used,
        "crates_missing": missing,
        "by_kind": {k: {"files": v[0], "bytes": v[1]} for k, v in sorted(corpus.by_kind.items())},
        "planted": planted,
    }


def tree_digest(root: Path) -> str:
    """sha256 over (path, content) of every file: proves two corpora are equal."""
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fname in sorted(filenames):
            path = Path(dirpath) / fname
            h.update(str(path.relative_to(root)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def parse_args() -> argparse.Namespace:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="corpus directory (replaced)")
    p.add_argument("--manifest", type=Path, required=True, help="where to write the JSON manifest (outside --out)")
    p.add_argument("--size-mb", type=int, default=220)
    p.add_argument("--seed", type=int, default=20240917)
    p.add_argument("--crates", type=Path, default=here / "corpus-crates.txt", help="pinned crate list")
    return p.parse_args()


def main() -> int:
    args = parse_args()
    out, manifest = args.out.resolve(), args.manifest.resolve()
    if manifest.is_relative_to(out):
        sys.exit("the manifest must live outside the corpus, or scanners would read it")
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    started = time.monotonic()
    info = build(tmp, args.size_mb, args.seed, args.crates)
    info["sha256"] = tree_digest(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    manifest.write_text(json.dumps(info, indent=2) + "\n")
    print(f"corpus: {info['files']} files, {info['bytes'] / 2**20:.1f} MiB, "
          f"{len(info['planted'])} planted secrets, {len(info['crates_used'])} real crates, "
          f"sha256 {info['sha256'][:16]}, built in {time.monotonic() - started:.0f}s")
    if info["crates_missing"]:
        print(f"warning: {len(info['crates_missing'])} pinned crates are not in the cargo registry "
              f"({', '.join(info['crates_missing'][:5])}...); synthetic files filled their share, "
              "so this corpus differs from other machines'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
