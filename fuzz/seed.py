#!/usr/bin/env python3
"""Builds the fuzzers' starting corpora in fuzz/corpus/TARGET/ (git-ignored)
from the repository's own inputs: the fixtures, the built-in rule files, the
config file, and a few hand-written report inputs. Idempotent.

Usage: python3 fuzz/seed.py
"""
import hashlib
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"

# Must match PATHS in fuzz/src/lib.rs: the matcher target picks the path by index.
PATHS = [
    "notes.txt", "docker-compose.yml", "k8s/deployment.yaml", "charts/app/values.yaml",
    "charts/app/templates/secret.yaml", ".github/workflows/ci.yml",
    "src/main/resources/application.yml", "Dockerfile", ".env", ".env.production",
    "application.properties", "my.cnf", "redis.conf", "main.tf", "settings.py", "server.ts",
    "main.go", "Config.java", "config.rb", "config.php", "id_rsa", "app.json",
]


def index_for(name: str) -> list[int]:
    """The PATHS indices a fixture file is worth seeding at."""
    lower = name.lower()
    if lower.endswith((".yml", ".yaml")):
        return [1, 2, 3, 4, 5, 6]
    if "dockerfile" in lower:
        return [7]
    if lower.startswith(".env") or lower.endswith(".env"):
        return [8, 9]
    if lower.endswith(".properties"):
        return [10]
    if lower.endswith((".cnf", ".ini", ".cfg")):
        return [11]
    if lower.endswith(".conf"):
        return [12]
    if lower.endswith((".tf", ".tfvars")):
        return [13]
    return [0, 14, 15, 16, 17, 18, 19]


def put(target: str, data: bytes) -> None:
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    fixtures = [p for p in (ROOT / "fixtures").rglob("*") if p.is_file() and p.stat().st_size < 64 << 10]
    for path in fixtures:
        data = path.read_bytes()
        for index in index_for(path.name):
            put("matcher", struct.pack("<HB", index, 1) + data)
        lower = path.name.lower()
        if lower.endswith((".yml", ".yaml")):
            put("yaml", data)
        if "dockerfile" in lower:
            put("dockerfile", data)
        if lower.startswith(".env") or lower.endswith((".properties", ".cnf", ".conf", ".tf", ".tfvars")):
            put("keyvalue", data)
    for rules in (ROOT / "rules").glob("*.toml"):
        text = rules.read_bytes()
        # Whole rule files are large; seed with each rule on its own too.
        put("rule_file", text)
        for part in text.split(b"[[rule]]")[1:]:
            put("rule_file", b"[[rule]]" + part)
            put("config", b"[[rule]]" + part)
    put("config", (ROOT / ".tattle.toml").read_bytes())
    put("config", b'[scan]\nmax_file_size = "10MiB"\n[allowlist]\npaths = ["a/**"]\nregexes = ["^x"]\n[rules]\ndisable = ["generic.secret-assignment"]\n')
    # report: count, then per finding: path, bytes, show, rule, start, end, note.
    token = b"T=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\n"
    for rule in (0, 7, 100, 300):
        finding = struct.pack("<H", 6) + b"a/b.py" + struct.pack("<H", len(token)) + token
        finding += b"\x00" + struct.pack("<HHH", rule, 2, 38) + b"\x01" + struct.pack("<H", 4) + b"note"
        put("report", struct.pack("<H", 1) + finding + b"\x01\x00\x00")
        put("report", struct.pack("<H", 3) + finding * 3)


if __name__ == "__main__":
    main()
