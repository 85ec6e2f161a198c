#!/usr/bin/env bash
# The GitHub Action's steps (action.yml), as a script that runs the same
# locally: give it the INPUT_* and GITHUB_* variables a runner would set.
#
#   run.sh install   put tattle on PATH (built from the action's checkout
#                    with cargo, unless a tattle is already there)
#   run.sh run       run tattle, write the SARIF report, and record the
#                    outputs sarif-file, category and exit-code in $GITHUB_OUTPUT
set -euo pipefail

fail() { echo "::error title=tattle::$*"; exit 2; }

install() {
    if command -v tattle >/dev/null 2>&1; then
        echo "using $(command -v tattle) ($(tattle --version))"
        return
    fi
    local root=${RUNNER_TEMP:-/tmp}/tattle
    local source=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    echo "building tattle from $source"
    cargo install --locked --quiet --path "$source" --root "$root"
    echo "$root/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
}

run() {
    local mode=${INPUT_MODE:-scan} path=${INPUT_PATH:-.} since=${INPUT_SINCE:-}
    local fail_on=${INPUT_FAIL_ON:-high} sarif=${INPUT_SARIF_FILE:-tattle.sarif} extra=${INPUT_ARGS:-}
    local output=${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}
    case $mode in
    scan | history) ;;
    *) fail "mode must be scan or history, not '$mode'" ;;
    esac
    local args=("$mode" "$path" --format sarif --output "$sarif" --no-progress --fail-on "$fail_on")
    if [[ -n $since ]]; then
        [[ $mode == history ]] || fail "since only applies to mode: history"
        args+=(--since "$since")
    fi
    if [[ -n $extra ]]; then
        local more
        read -r -a more <<<"$extra"
        args+=("${more[@]}")
    fi
    echo "tattle ${args[*]}"
    local code=0
    tattle "${args[@]}" || code=$?
    {
        [[ -f $sarif ]] && echo "sarif-file=$sarif"
        echo "category=tattle/$mode/"
        echo "exit-code=$code"
    } >>"$output"
    summarize "$sarif" "$mode" "$code"
}

# A Markdown summary of the SARIF report for the job page.
summarize() {
    local sarif=$1 mode=$2 code=$3
    [[ -n ${GITHUB_STEP_SUMMARY:-} && -f $sarif ]] || return 0
    python3 - "$sarif" "$mode" "$code" >>"$GITHUB_STEP_SUMMARY" <<'PY'
import collections, json, sys
sarif, mode, code = sys.argv[1], sys.argv[2], sys.argv[3]
results = [r for run in json.load(open(sarif))["runs"] for r in run.get("results", [])]
by_severity = collections.Counter(r.get("properties", {}).get("severity", "?") for r in results)
print(f"### tattle {mode}: {len(results)} finding{'s' if len(results) != 1 else ''}\n")
for severity in ("critical", "high", "medium", "low"):
    if by_severity[severity]:
        print(f"- {severity}: {by_severity[severity]}")
print(f"\nExit code {code}. Secrets are never written to the report.")
PY
}

case ${1:-} in
install) install ;;
run) run ;;
*) echo "usage: $0 install|run" >&2; exit 2 ;;
esac
