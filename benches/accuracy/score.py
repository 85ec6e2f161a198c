#!/usr/bin/env python3
"""Score secret scanners' reports against the accuracy corpus's labels.

    score.py --labels labels.json --corpus DIR [--tool NAME=REPORT]... [--out results.md] [--json results.json]

Each report is read in its tool's own format and reduced to the set of
(file, line) pairs it reports. Then, per tool:

- a labelled secret is found (true positive) when the report names its file
  and one of its lines (a secret spans one line, or several for private
  keys); otherwise it is missed (false negative);
- every other reported line is a false positive: on a decoy's line it counts
  against the decoy's category and kind, elsewhere as "unlabelled";
- several findings on one line count once.

tattle's configuration-check findings (`kind: config` in its JSON: default
passwords, mutable image tags, root containers…) are not secrets and are left
out of the secret scoring; their count is printed apart.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

CATEGORIES = ["cloud", "ai", "code-ci", "payments", "messaging", "saas", "database", "private-key", "jwt", "generic", "encoded"]


def relative(path: str, corpus: Path) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            return p.relative_to(corpus.resolve()).as_posix()
        except ValueError:
            return p.as_posix()
    text = p.as_posix()
    prefix = corpus.as_posix().rstrip("/") + "/"
    if text.startswith(prefix):
        return text[len(prefix):]
    while text.startswith("./"):
        text = text[2:]
    return text


def read_tattle(report: Path, corpus: Path) -> tuple[set, int]:
    data = json.loads(report.read_text())
    lines, config = set(), 0
    for f in data["findings"]:
        if f.get("kind") == "config":
            config += 1
            continue
        lines.add((relative(f["path"], corpus), f["line"]))
    return lines, config


def read_gitleaks(report: Path, corpus: Path) -> set:
    data = json.loads(report.read_text() or "[]")
    return {(relative(f["File"], corpus), f["StartLine"]) for f in data}


def read_betterleaks(report: Path, corpus: Path) -> set:
    data = json.loads(report.read_text())
    findings = data["findings"] if isinstance(data, dict) else data
    lines = set()
    for f in findings:
        if "location" not in f:  # gitleaks-style report
            lines.add((relative(f["File"], corpus), f["StartLine"]))
            continue
        lines.add((relative(f["location"]["path"], corpus), f["location"]["start_line"]))
        # Parts of a composite secret (an AWS key id's secret key) are reported with their own place.
        for component_set in f.get("component_sets") or []:
            for c in component_set.get("components") or []:
                if "location" in c:
                    lines.add((relative(c["location"]["path"], corpus), c["location"]["start_line"]))
    return lines


def read_kingfisher(report: Path, corpus: Path) -> set:
    data = json.loads(report.read_text())
    return {(relative(f["finding"]["path"], corpus), f["finding"]["line"]) for f in data.get("findings", [])}


def read_ripsecrets(report: Path, corpus: Path) -> set:
    lines = set()
    for line in report.read_text(errors="replace").splitlines():
        m = re.match(r"^(.*?):(\d+):", line)
        if m:
            lines.add((relative(m.group(1), corpus), int(m.group(2))))
    return lines


def read_detect_secrets(report: Path, corpus: Path) -> set:
    data = json.loads(report.read_text())
    return {(relative(path, corpus), s["line_number"]) for path, found in data["results"].items() for s in found}


READERS = {
    "gitleaks": read_gitleaks,
    "betterleaks": read_betterleaks,
    "kingfisher": read_kingfisher,
    "ripsecrets": read_ripsecrets,
    "detect-secrets": read_detect_secrets,
}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(labels: list[dict], reported: set) -> dict:
    by_file = defaultdict(list)
    for label in labels:
        by_file[label["path"]].append(label)
    tp, fn = Counter(), Counter()
    fp, fp_kind = Counter(), Counter()
    missed, false_alarms = [], []
    found_secrets = set()
    for path, line in sorted(reported):
        hit = next((l for l in by_file.get(path, []) if l["line"] <= line <= l["end_line"]), None)
        if hit is None:
            fp["unlabelled"] += 1
            fp_kind["unlabelled"] += 1
            false_alarms.append(f"{path}:{line} (unlabelled)")
        elif hit["label"] == "secret":
            found_secrets.add((hit["path"], hit["line"]))
        else:
            fp[hit["category"]] += 1
            fp_kind[hit["kind"]] += 1
            false_alarms.append(f"{path}:{line} ({hit['kind']}, {hit['category']})")
    for label in labels:
        if label["label"] != "secret":
            continue
        if (label["path"], label["line"]) in found_secrets:
            tp[label["category"]] += 1
        else:
            fn[label["category"]] += 1
            missed.append(f"{label['path']}:{label['line']} ({label['kind']}, {label['category']})")
    total = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    per_category = {c: {"tp": tp[c], "fp": fp[c], "fn": fn[c], "prf": prf(tp[c], fp[c], fn[c])} for c in CATEGORIES}
    return {
        "tp": sum(tp.values()), "fp": sum(fp.values()), "fn": sum(fn.values()),
        "precision": total[0], "recall": total[1], "f1": total[2],
        "per_category": per_category, "fp_by_kind": dict(fp_kind),
        "fp_unlabelled": fp["unlabelled"], "missed": missed, "false_alarms": false_alarms,
    }


def table(results: dict[str, dict], notes: dict[str, str]) -> str:
    out = ["| Tool | Precision | Recall | F1 | TP | FP | FN |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for tool, r in results.items():
        out.append(f"| {tool} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['tp']} | {r['fp']} | {r['fn']} |")
    out += ["", "Per category, precision / recall / F1 (a category's false positives are findings on the decoys that imitate it):", ""]
    out.append("| Category | Secrets | Decoys | " + " | ".join(results) + " |")
    out.append("| --- | ---: | ---: | " + " | ".join("---" for _ in results) + " |")
    for c in CATEGORIES:
        cells = []
        for r in results.values():
            p, rc, f = r["per_category"][c]["prf"]
            cells.append(f"{p:.2f} / {rc:.2f} / {f:.2f}")
        first = next(iter(results.values()))["per_category"][c]
        out.append(f"| {c} | {first['tp'] + first['fn']} | {notes['decoys_by_category'].get(c, 0)} | " + " | ".join(cells) + " |")
    kinds = sorted({k for r in results.values() for k in r["fp_by_kind"]})
    if kinds:
        out += ["", "False positives by kind of near miss:", ""]
        out.append("| Kind | Decoys | " + " | ".join(results) + " |")
        out.append("| --- | ---: | " + " | ".join("---:" for _ in results) + " |")
        for k in kinds:
            out.append(f"| {k} | {notes['decoys_by_kind'].get(k, '—')} | " + " | ".join(str(r["fp_by_kind"].get(k, 0)) for r in results.values()) + " |")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--tool", action="append", default=[], help="NAME=REPORT (tattle, gitleaks, betterleaks, kingfisher, ripsecrets, detect-secrets)")
    parser.add_argument("--json", type=Path, help="write the full results (with missed secrets and false alarms) here")
    parser.add_argument("--details", action="store_true", help="print each tool's missed secrets and false alarms")
    args = parser.parse_args()
    meta = json.loads(args.labels.read_text())
    labels = meta["labels"]
    decoys = [l for l in labels if l["label"] == "decoy"]
    notes = {"decoys_by_category": Counter(l["category"] for l in decoys), "decoys_by_kind": Counter(l["kind"] for l in decoys)}
    results, config_findings = {}, None
    for spec in args.tool:
        name, _, report = spec.partition("=")
        report = Path(report)
        if not report.exists():
            print(f"warning: {name}: no report at {report}; left out", file=sys.stderr)
            continue
        if name == "tattle":
            reported, config_findings = read_tattle(report, args.corpus)
        else:
            reported = READERS[name](report, args.corpus)
        results[name] = score(labels, reported)
    if not results:
        print("no reports to score", file=sys.stderr)
        return 2
    print(f"Corpus: {meta['files']} files, {meta['secrets']} labelled secrets, {meta['decoys']} labelled decoys "
          f"(generator v{meta['generator_version']}, sha256 `{meta['sha256'][:16]}`).\n")
    print(table(results, notes))
    if config_findings is not None:
        print(f"\ntattle's configuration-check findings (kind `config`), not scored: {config_findings}.")
    if args.details:
        for tool, r in results.items():
            print(f"\n## {tool}: {len(r['missed'])} missed, {len(r['false_alarms'])} false alarms")
            for m in r["missed"]:
                print(f"  missed  {m}")
            for f in r["false_alarms"]:
                print(f"  false   {f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
