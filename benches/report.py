#!/usr/bin/env python3
"""Turn the raw timings written by benches/run.sh into a Markdown table.

Input is a TSV with one row per run:
    tool  version  phase(warmup|settle|timed)  wall_s  max_rss_kb  exit  ok(1|0)  report_file  command
plus a notes file (tool TAB note) and the corpus manifest from make_corpus.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

BASELINE = "tattle"


@dataclass
class ToolRuns:
    name: str
    version: str = "?"
    walls: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    report: str = ""
    command: str = ""
    failed: bool = False


def read_runs(path: Path) -> dict[str, ToolRuns]:
    tools: dict[str, ToolRuns] = {}
    if not path.exists():
        return tools
    with path.open(newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            name, version, phase, wall, rss, _exit, ok, report, command = row
            t = tools.setdefault(name, ToolRuns(name))
            t.version, t.report, t.command = version, report, command
            if ok != "1":
                t.failed = True
            elif phase == "timed":
                t.walls.append(float(wall))
                t.rss_kb.append(int(rss))
    return tools


def read_notes(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    return [tuple(line.split("\t", 1)) for line in path.read_text().splitlines() if "\t" in line]


def count_findings(tool: str, report: Path) -> int | None:
    """Number of findings in a tool's report, whatever its JSON shape."""
    if not report.is_file():
        return None
    text = report.read_text(errors="replace")
    if tool == "ripsecrets":  # plain text: one line per finding
        return sum(1 for line in text.splitlines() if line.strip())
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(doc, list):
        return len(doc)
    if isinstance(doc, dict):
        for key in ("findings", "results", "leaks"):
            if isinstance(doc.get(key), list):
                return len(doc[key])
        if isinstance(doc.get("runs"), list):  # SARIF
            return sum(len(run.get("results", [])) for run in doc["runs"])
    return None


def planted_found(report: Path, planted: list[dict]) -> int | None:
    """Planted secrets whose file the report names (each sits alone in its file)."""
    if not report.is_file():
        return None
    text = report.read_text(errors="replace")
    return sum(1 for p in planted if p["path"] in text)


def fmt(value, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def render(args: argparse.Namespace) -> str:
    tools = read_runs(args.runs)
    notes = read_notes(args.notes)
    manifest = json.loads(args.manifest.read_text())
    planted = manifest["planted"]
    wanted = args.tools.split(",")
    order = ([BASELINE] if BASELINE in wanted else []) + [t for t in wanted if t != BASELINE]

    base = tools.get(BASELINE)
    base_median = statistics.median(base.walls) if base and base.walls and not base.failed else None

    if args.suite == "history":
        title = "Git-history audit benchmark"
        corpus = (f"- History: {args.mode}, {manifest['commits']:,} commits, "
                  f"{manifest['pack_bytes'] / 2**20:.1f} MiB of packed objects (seed {manifest['seed']}), "
                  f"{len(planted)} planted secrets, {sum(1 for p in planted if p.get('removed'))} of them "
                  "removed again in a later commit")
    else:
        title = "Working-tree scan benchmark"
        corpus = (f"- Corpus: {args.mode}, {manifest['bytes'] / 2**20:.1f} MiB in {manifest['files']:,} files "
                  f"(seed {manifest['seed']}, sha256 `{manifest['sha256'][:16]}`), {len(planted)} planted secrets")
    lines = [
        f"## {title} ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"- Command: `{args.invocation}`",
        corpus,
        f"- Machine: {args.cpus} cores, {args.cpu_model}, {platform.system()} {platform.release()}",
        "- Each tool: 1 warm-up run, then the median of the timed runs (rounds interleaved across tools, each timed run right after an untimed run of the same tool); "
        "peak RSS is the largest of the timed runs",
        "",
        "| Tool | Version | Median wall (s) | Ratio (tool / tattle) | Peak RSS (MiB) | Findings | Planted found | Timed runs |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in order:
        t = tools.get(name)
        if t is None or t.failed or not t.walls:
            why = "failed" if t is not None and t.failed else "not run"
            lines.append(f"| {name} | {t.version if t else '?'} | {why} | — | — | — | — | 0 |")
            continue
        median = statistics.median(t.walls)
        ratio = median / base_median if base_median else None
        report = args.root / t.report
        found = planted_found(report, planted)
        lines.append(
            f"| {name} | {t.version} | {median:.2f} | {fmt(ratio, '.2f')} | "
            f"{max(t.rss_kb) / 1024:.1f} | {fmt(count_findings(name, report), 'd')} | "
            f"{'—' if found is None else f'{found}/{len(planted)}'} | {len(t.walls)} |"
        )
    extra = ("\"Findings\" includes hits in the real crate sources." if args.suite == "tree"
             else "\"Findings\" counts report entries, which tools group differently (per commit, per blob).")
    lines += ["", "Ratio > 1 means tattle is faster. \"Planted found\" counts planted secrets whose file the "
              f"report names; {extra}"]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {tool}: {note}" for tool, note in notes]
    lines += ["", "Commands (run from the repository root):", ""]
    for name in order:
        if name in tools:
            lines.append(f"- {name}: `{tools[name].command}`")
    return "\n".join(lines) + "\n"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--suite", choices=["tree", "history"], default="tree")
    p.add_argument("--runs", type=Path, required=True)
    p.add_argument("--notes", type=Path, required=True)
    p.add_argument("--manifest", type=Path, required=True)
    p.add_argument("--tools", required=True, help="comma-separated tool order")
    p.add_argument("--mode", required=True)
    p.add_argument("--invocation", required=True)
    p.add_argument("--cpus", required=True)
    p.add_argument("--cpu-model", default="unknown CPU")
    p.add_argument("--root", type=Path, default=Path.cwd(), help="what report paths are relative to")
    p.add_argument("--out", type=Path, required=True)
    return p.parse_args()


def main() -> int:
    args = parse_args()
    text = render(args)
    args.out.write_text(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
