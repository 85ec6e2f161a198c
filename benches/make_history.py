#!/usr/bin/env python3
"""Build a deterministic git history for the history benchmark.

Writes a bare repository whose history looks like a busy service monorepo:
thousands of source, config and doc files edited a few at a time over many
commits, with feature branches merged back, release tags, planted secrets that
are later removed or left in place, and a `.env` committed and then deleted.
The history is streamed into `git fast-import` (no working tree is ever
written) and then repacked, as a real clone would be.

    python3 benches/make_history.py --out DIR --manifest FILE [--commits N] [--seed S]

The manifest lists every planted secret with the path it was committed at;
each sits alone in its own file, so a report naming that path found it.
Secret values are produced here at run time; none is written in this file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus as mc  # noqa: E402  (the tree corpus' templates and secrets)

GENERATOR_VERSION = 1
# Initial files and their templates: (weight, folder, file name, generator).
TEMPLATES = [
    (30, "src/{pkg}", "{name}.py", lambda g: mc.gen_python(g, g.int(1_000, 8_000))),
    (20, "internal/{pkg}", "{name}.go", lambda g: mc.gen_go(g, g.int(1_000, 8_000))),
    (20, "web/src/{pkg}", "{name}.ts", lambda g: mc.gen_js(g, g.int(1_000, 8_000), typescript=True)),
    (10, "src/main/java/com/acme/{pkg}", "{Name}.java", lambda g: mc.gen_java(g, g.int(1_000, 8_000))),
    (8, "deploy/k8s", "{name}.yaml", lambda g: mc.gen_k8s_yaml(g, g.int(800, 4_000))),
    (3, ".github/workflows", "{name}.yml", lambda g: mc.gen_ci_yaml(g, g.int(800, 3_000))),
    (8, "docs", "{name}.md", lambda g: mc.gen_markdown(g, g.int(1_000, 6_000))),
    (6, "testdata", "{name}.json", lambda g: mc.gen_json_fixture(g, g.int(1_000, 10_000))),
    (2, "web/{pkg}", "package-lock.json", lambda g: mc.gen_package_lock(g, g.int(50, 400))),
]
SERVICES = ["billing", "accounts", "search", "gateway", "notify", "reports", "ingest", "admin"]
INITIAL_FILES = 2_500
AUTHORS = [(f"{n.capitalize()} Example", f"{n}@example.com") for n in mc.FIRST_NAMES]
EPOCH = 1_600_000_000


class History:
    """Writes a fast-import stream: blobs inline, one commit at a time."""

    def __init__(self, sink) -> None:
        self.sink = sink
        self.mark = 0
        self.time = EPOCH
        self.commits = 0

    def write(self, text: str) -> None:
        self.sink.write(text.encode())

    def data(self, payload: bytes) -> None:
        self.sink.write(f"data {len(payload)}\n".encode())
        self.sink.write(payload)
        self.sink.write(b"\n")

    def commit(self, g: mc.Gen, branch: str, message: str, changes: dict[str, bytes | None],
               parents: list[int]) -> int:
        """Commits `changes` (path -> contents, None deletes) on `branch`; returns its mark."""
        self.mark += 1
        self.commits += 1
        self.time += g.int(60, 7_200)
        name, email = g.pick(AUTHORS)
        self.write(f"commit refs/heads/{branch}\nmark :{self.mark}\n")
        self.write(f"author {name} <{email}> {self.time} +0000\n")
        self.write(f"committer {name} <{email}> {self.time} +0000\n")
        self.data(message.encode())
        if parents:
            self.write(f"from :{parents[0]}\n")
            for extra in parents[1:]:
                self.write(f"merge :{extra}\n")
        for path, contents in sorted(changes.items()):
            if contents is None:
                self.write(f"D {path}\n")
            else:
                self.write(f"M 100644 inline {path}\n")
                self.data(contents)
        self.write("\n")
        return self.mark

    def tag(self, name: str, mark: int) -> None:
        self.write(f"reset refs/tags/{name}\nfrom :{mark}\n\n")


def edit(g: mc.Gen, text: str) -> str:
    """A small, realistic edit: change, insert or delete a few lines."""
    lines = text.split("\n")
    at = g.int(0, max(0, len(lines) - 1))
    roll = g.rng.random()
    if roll < 0.45:  # change a few lines
        n = g.int(1, 4)
        lines[at:at + n] = [f"{line.rstrip()}  # {g.word()}" if line.strip() else g.sentence()
                            for line in lines[at:at + n]]
    elif roll < 0.85:  # insert a few lines
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        lines[at:at] = [f"{indent}{g.snake()} = {g.int(0, 9_999)}" for _ in range(g.int(1, 6))]
    elif len(lines) > 20:  # delete a few lines
        del lines[at:at + g.int(1, 5)]
    return "\n".join(lines)


def new_path(g: mc.Gen, taken: set[str]) -> tuple[str, bytes]:
    weights = [t[0] for t in TEMPLATES]
    _, folder, fname, make = g.rng.choices(TEMPLATES, weights=weights)[0]
    while True:
        rel = f"services/{g.pick(SERVICES)}/{mc.fill_name(g, folder)}/{mc.fill_name(g, fname)}"
        if rel not in taken:
            return rel, make(g).encode()


def build(out: Path, commits: int, seed: int) -> dict:
    g = mc.Gen(seed)
    secrets = mc.make_secrets(mc.Gen(seed + 1))
    subprocess.run(["git", "init", "-q", "--bare", str(out)], check=True)
    proc = subprocess.Popen(["git", "-C", str(out), "fast-import", "--quiet", "--done"],
                            stdin=subprocess.PIPE)
    h = History(proc.stdin)
    files: dict[str, bytes] = {}
    while len(files) < INITIAL_FILES:
        rel, text = new_path(g, set(files))
        files[rel] = text
    main = h.commit(g, "main", "Initial import", dict(files), [])

    # When each planted secret is committed, and which ones are removed again.
    plant_at = sorted(g.rng.sample(range(10, commits - 10), len(secrets)))
    removals: dict[int, str] = {}
    dotenv_at, dotenv_removed_at = commits // 3, commits // 3 + 40
    planted = []
    next_secret = 0
    branch_tip: int | None = None
    branch_name = ""
    branch_left = 0
    n = 1
    while n < commits:
        changes: dict[str, bytes | None] = {}
        message = g.sentence(3, 9)
        for _ in range(g.int(1, 3)):
            path = g.pick(list(files)) if not g.chance(0.02) else None
            if path is None:
                path, text = new_path(g, set(files))
                changes[path] = text
            else:
                changes[path] = edit(g, files[path].decode()).encode()
        if g.chance(0.004) and len(files) > 100:
            victim = g.pick(list(files))
            changes[victim] = None
        while plant_at and plant_at[0] <= n:
            plant_at.pop(0)
            secret = secrets[next_secret]
            pattern, make = mc.HOSTS[secret.host]
            rel = f"services/{g.pick(SERVICES)}/secrets/{next_secret:02d}/{mc.fill_name(g, pattern)}"
            next_secret += 1
            changes[rel] = mc.embed(g, secret.host, make(g), secret.snippet).encode()
            planted.append({"kind": secret.kind, "path": rel, "commit_number": n,
                            "values": secret.values, "removed": False})
            if g.chance(0.5):  # half are "fixed" later, and stay in the history
                removals[n + g.int(5, 500)] = rel
                planted[-1]["removed"] = True
        if n == dotenv_at:
            tok = "sk_" + "live_" + g.chars(mc.ALNUM, 32)
            changes[".env"] = f"DATABASE_HOST=db\nSTRIPE_SECRET_KEY={tok}\n".encode()
            planted.append({"kind": "dotenv", "path": ".env", "commit_number": n,
                            "values": [tok], "removed": True})
        if n == dotenv_removed_at:
            changes[".env"] = None
        for when in [w for w in removals if w <= n]:
            changes[removals.pop(when)] = None

        if branch_tip is None and g.chance(0.01):
            branch_name, branch_left, branch_tip = f"feature/{g.kebab(1, 2)}-{n}", g.int(2, 12), main
        if branch_tip is not None:
            branch_tip = h.commit(g, branch_name, message, changes, [branch_tip])
            branch_left -= 1
            if branch_left == 0:  # merge back, or leave it unmerged
                if g.chance(0.8):
                    main = h.commit(g, "main", f"Merge {branch_name}", {}, [main, branch_tip])
                    n += 1
                branch_tip = None
        else:
            main = h.commit(g, "main", message, changes, [main])
        for path, contents in changes.items():
            if contents is None:
                files.pop(path, None)
            elif "/secrets/" not in path and path != ".env":
                files[path] = contents
        if n % 2_000 == 0:
            h.tag(f"v{n // 2_000}.0.0", main)
        n += 1
    h.write("done\n")
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "-C", str(out), "repack", "-a", "-d", "-q"], check=True)
    subprocess.run(["git", "-C", str(out), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    return {"commits": h.commits, "planted": planted, "seed": seed, "generator": GENERATOR_VERSION}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="bare repository to create (must not exist)")
    p.add_argument("--manifest", type=Path, required=True)
    p.add_argument("--commits", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=20240917)
    args = p.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out} exists; remove it first")
    started = time.time()
    manifest = build(args.out, args.commits, args.seed)
    size = sum(f.stat().st_size for f in (args.out / "objects").rglob("*") if f.is_file())
    manifest["pack_bytes"] = size
    args.manifest.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"history: {manifest['commits']:,} commits, {len(manifest['planted'])} planted secrets, "
          f"{size / 2**20:.1f} MiB of objects, in {time.time() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
