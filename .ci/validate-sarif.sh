#!/usr/bin/env bash
# Validates SARIF 2.1.0 logs with Microsoft's official SARIF Multitool, using
# its GitHub code-scanning ingestion rules plus the generic SARIF rules:
#
#   Sarif.Multitool validate --rule-kind "Gh;Sarif" -o OUT FILE
#
# Usage: .ci/validate-sarif.sh FILE...        (exit 0 = all clean, 1 = problems)
#   SARIF_VALIDATE_NOTES=1  also list every note individually (default: counts).
#
# Policy (what counts as a failure):
#   * any validator result of level "error" or "warning" (GH*, SARIF*, JSON*
#     schema rules alike). The Multitool exits 0 even when it reports errors
#     and warnings, so we read its output log (OUT) instead of its exit code.
#     A result with no "level" takes its rule's defaultConfiguration.level,
#     else SARIF's default "warning", so it counts too.
#   * any error/warning tool notification in OUT (e.g. the file was skipped,
#     a rule crashed), executionSuccessful=false, a non-zero exit code, or a
#     missing/unparseable OUT.
#   "note" results do NOT fail: they are advice that GitHub does not require and
#   some of which a secret scanner must not follow (SARIF2010/2011 ask for code
#   snippets, i.e. would copy the secret into the report; SARIF2002 asks for
#   message ids, which GitHub rejects (GH1015 needs message.text); SARIF2006
#   does an HTTP GET of every URI, which cannot succeed without network;
#   SARIF2003 wants versionControlProvenance; GitHub takes commit and ref from
#   the upload request instead).
#   They are summarised per rule so they stay visible.
#
# "Gh" is the GitHub rule kind (GH10xx/GH2012). Multitool 5.7.0 treats it as an
# alias of "Ghas"; both give identical results.
set -euo pipefail

ci_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool="$ci_dir/.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

if [ "$#" -eq 0 ]; then
    echo "usage: $0 FILE.sarif..." >&2
    exit 2
fi
if [ ! -x "$tool" ]; then
    bash "$ci_dir/install-tools.sh" </dev/null
fi

# Self-contained .NET app: without this it needs ICU (libicu) at run time.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

status=0
n=0
for f in "$@"; do
    n=$((n + 1))
    if [ ! -f "$f" ]; then
        echo "FAIL $f: no such file"
        status=1
        continue
    fi
    out="$work/$n.out.sarif"
    rc=0
    # --level: report notes too (we only fail on error/warning, see above).
    # --max-file-size-in-kb: the default (10000 KB) silently skips big logs.
    "$tool" validate \
        --rule-kind "Gh;Sarif" \
        --level "Error;Warning;Note" \
        --max-file-size-in-kb 4194304 \
        --log ForceOverwrite \
        -o "$out" \
        "$f" </dev/null >"$work/$n.console.txt" 2>&1 || rc=$?

    if ! python3 - "$f" "$out" "$rc" "${SARIF_VALIDATE_NOTES:-0}" <<'PY'
import json, re, sys
from collections import Counter

src, out, rc, show_notes = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"

def fmt(template, args):
    # SARIF message strings: {0} placeholders, '{{' / '}}' escapes.
    def sub(m):
        t = m.group(0)
        if t in ("{{", "}}"):
            return t[0]
        i = int(t[1:-1])
        return str(args[i]) if i < len(args) else t
    return re.sub(r"\{\{|\}\}|\{\d+\}", sub, template)

def message(msg, rule):
    # The validator's argument {0} is a JSON path; "" means the log's root.
    if msg.get("arguments") and msg["arguments"][0] == "":
        msg = dict(msg, arguments=["$"] + msg["arguments"][1:])
    if msg.get("text"):
        return fmt(msg["text"], msg.get("arguments", []))
    mid = msg.get("id")
    tmpl = ((rule or {}).get("messageStrings") or {}).get(mid, {}).get("text")
    if tmpl:
        return fmt(tmpl, msg.get("arguments", []))
    return f"[{mid}] {msg.get('arguments')}"

try:
    with open(out, encoding="utf-8-sig") as fh:
        log = json.load(fh)
except Exception as e:
    print(f"FAIL {src}: validator produced no readable output log (exit code {rc}): {e}")
    sys.exit(1)

problems, notes, tool_problems = [], [], []
for run in log.get("runs") or []:
    rules = (run.get("tool", {}).get("driver", {}) or {}).get("rules") or []
    by_id = {r.get("id"): r for r in rules}
    for res in run.get("results") or []:
        idx = res.get("ruleIndex", -1)
        rule = rules[idx] if isinstance(idx, int) and 0 <= idx < len(rules) else by_id.get(res.get("ruleId"))
        level = res.get("level") or ((rule or {}).get("defaultConfiguration") or {}).get("level") or "warning"
        if res.get("kind", "fail") != "fail" and "level" not in res:
            level = "none"
        rid = res.get("ruleId") or (rule or {}).get("id") or "?"
        name = (rule or {}).get("name")
        where = ""
        for loc in res.get("locations") or []:
            reg = (loc.get("physicalLocation") or {}).get("region") or {}
            if reg.get("startLine"):
                where = f":{reg['startLine']}" + (f":{reg['startColumn']}" if reg.get("startColumn") else "")
                break
        item = (level, rid, name, where, message(res.get("message") or {}, rule))
        (problems if level in ("error", "warning") else notes).append(item)
    for inv in run.get("invocations") or []:
        if inv.get("executionSuccessful") is False:
            tool_problems.append("executionSuccessful=false")
        for n in (inv.get("toolExecutionNotifications") or []) + (inv.get("toolConfigurationNotifications") or []):
            lvl = n.get("level", "warning")
            if lvl in ("error", "warning"):
                desc = (n.get("descriptor") or {}).get("id") or ""
                tool_problems.append(f"{lvl} {desc}: {(n.get('message') or {}).get('text', '')}".strip())

for level, rid, name, where, text in problems:
    print(f"  {src}{where}: {level} {rid}" + (f" ({name})" if name else "") + f": {text}")
for t in tool_problems:
    print(f"  {src}: validator: {t}")
if notes:
    if show_notes:
        for level, rid, name, where, text in notes:
            print(f"  {src}{where}: {level} {rid}" + (f" ({name})" if name else "") + f": {text}")
    else:
        c = Counter(f"{rid}" + (f" {name}" if name else "") for _, rid, name, _, _ in notes)
        print(f"  {src}: {len(notes)} note(s), not failing: " + ", ".join(f"{k} x{v}" for k, v in sorted(c.items())))

errors = sum(1 for p in problems if p[0] == "error")
warnings = sum(1 for p in problems if p[0] == "warning")
if problems or tool_problems or rc != 0:
    print(f"FAIL {src}: {errors} error(s), {warnings} warning(s)"
          + (f", {len(tool_problems)} validator problem(s)" if tool_problems else "")
          + (f", validator exit code {rc}" if rc != 0 else ""))
    sys.exit(1)
print(f"ok   {src}: 0 errors, 0 warnings")
PY
    then
        status=1
        # Show the validator's own console output when it did not run cleanly.
        if [ "$rc" -ne 0 ] || [ ! -s "$out" ]; then
            sed 's/^/  | /' "$work/$n.console.txt" | head -n 40
        fi
    fi
done

exit "$status"
