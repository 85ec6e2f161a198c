#!/usr/bin/env bash
# Accuracy benchmark: tattle, gitleaks, betterleaks, Kingfisher, ripsecrets
# and detect-secrets on a labelled corpus; prints precision, recall and F1
# per tool, overall and per category.  See benches/accuracy/README.md.
#
#   bash benches/accuracy/run.sh [--tools a,b,...] [--no-build] [--details]
#
# Everything it makes lives in benches/.work/accuracy/ (the corpus, its
# labels, the reports) and benches/.work/tools/ (the peers, shared with the
# speed benchmark).
set -euo pipefail

CORPUS_SEED=20250601
ALL_TOOLS=tattle,gitleaks,betterleaks,kingfisher,ripsecrets,detect-secrets

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" # paths below, and printed commands, are relative to the repository root
WORK=benches/.work
TOOLS=$WORK/tools
LOGS=$WORK/logs
OUT=$WORK/accuracy
CORPUS=$OUT/corpus
LABELS=$OUT/labels.json
REPORTS=$OUT/reports

log() { printf '==> %s\n' "$*" >&2; }
note() { printf 'warning: %s: %s\n' "$1" "$2" >&2; }
# shellcheck source=benches/peers.sh
source benches/peers.sh

usage() {
    sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --tools LIST    comma-separated subset of: ${ALL_TOOLS}
  --no-build      use the existing target/release/tattle instead of building it
  --details       also list, per tool, every missed secret and false alarm
EOF
}

SELECTED=$ALL_TOOLS
BUILD=1
DETAILS=()
while (($#)); do
    case $1 in
    --tools) SELECTED=${2:?--tools needs a list}; shift ;;
    --no-build) BUILD=0 ;;
    --details) DETAILS=(--details) ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done

ensure_corpus() {
    local key key_file=$OUT/corpus.key
    key=$(cat benches/accuracy/make_corpus.py benches/accuracy/generators.py benches/make_corpus.py | sha256sum | cut -c1-16)-$CORPUS_SEED
    if [[ -d $CORPUS && -f $LABELS && -f $key_file && $(<"$key_file") == "$key" ]]; then
        log "reusing the accuracy corpus in $CORPUS"
        return
    fi
    log "generating the accuracy corpus in $CORPUS"
    rm -f "$key_file"
    python3 benches/accuracy/make_corpus.py --out "$CORPUS" --labels "$LABELS" --seed "$CORPUS_SEED"
    echo "$key" >"$key_file"
}

# Sets CMD and, for tools that print their report, STDOUT_REPORT.  Default
# rules and settings for every tool; nothing validates over the network.
tool_command() { # tool, report
    local out=$2
    STDOUT_REPORT=
    case $1 in
    tattle) CMD=(target/release/tattle scan "$CORPUS" --config benches/default-config.toml --format json --no-progress --output "$out") ;;
    gitleaks) CMD=("$TOOLS/bin/gitleaks" dir "$CORPUS" --report-path "$out" --report-format json --no-banner) ;;
    betterleaks) CMD=("$TOOLS/bin/betterleaks" filesystem "$CORPUS" --output "$out" --no-banner) ;;
    kingfisher) CMD=("$TOOLS/bin/kingfisher" scan "$CORPUS" --no-validate --no-update-check --format json --output "$out" --quiet) ;;
    ripsecrets) CMD=("$TOOLS/cargo/bin/ripsecrets" "$CORPUS"); STDOUT_REPORT=$out ;;
    # detect-secrets reports paths relative to where it runs: run it in the corpus.
    detect-secrets) CMD=(env -C "$CORPUS" "$ROOT/$TOOLS/detect-secrets-venv/bin/detect-secrets" scan --all-files .); STDOUT_REPORT=$out ;;
    esac
}

report_file() {
    case $1 in
    ripsecrets) echo "$REPORTS/$1.txt" ;;
    *) echo "$REPORTS/$1.json" ;;
    esac
}

main() {
    mkdir -p "$TOOLS" "$LOGS" "$REPORTS"
    rm -f "$REPORTS"/*
    export XDG_CACHE_HOME=$ROOT/$TOOLS/cache
    unset GITLEAKS_CONFIG GITLEAKS_CONFIG_TOML BETTERLEAKS_CONFIG BETTERLEAKS_CONFIG_TOML
    ensure_corpus
    local tool out rc scored=() commands=()
    IFS=, read -r -a wanted <<<"$SELECTED"
    for tool in "${wanted[@]}"; do
        install_tool "$tool" || continue
        out=$(report_file "$tool")
        tool_command "$tool" "$out"
        log "$tool $(tool_version "$tool"): ${CMD[*]}${STDOUT_REPORT:+ > $out}"
        rc=0
        if [[ -n $STDOUT_REPORT ]]; then
            "${CMD[@]}" >"$out" 2>"$LOGS/accuracy-$tool.stderr" </dev/null || rc=$?
        else
            "${CMD[@]}" >"$LOGS/accuracy-$tool.stdout" 2>"$LOGS/accuracy-$tool.stderr" </dev/null || rc=$?
        fi
        # Exit codes 1 (and Kingfisher's 200/205) mean "found something".
        if [[ ! -s $out ]] || ! [[ $rc =~ ^(0|1|200|205)$ ]]; then
            note "$tool" "failed with exit code $rc (see $LOGS/accuracy-$tool.stderr); left out"
            continue
        fi
        scored+=(--tool "$tool=$out")
        commands+=("- $tool $(tool_version "$tool"): \`${CMD[*]}${STDOUT_REPORT:+ > $out}\`")
    done
    ((${#scored[@]})) || { echo "no tool produced a report" >&2; exit 2; }
    {
        echo "## Accuracy benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
        echo
        echo "- Command: \`bash benches/accuracy/run.sh\`"
        python3 benches/accuracy/score.py --labels "$LABELS" --corpus "$CORPUS" "${scored[@]}" \
            --json "$OUT/results.json" "${DETAILS[@]}"
        echo
        echo "Commands (from the repository root, default rules and settings):"
        echo
        printf '%s\n' "${commands[@]}"
    } | tee "$OUT/last-results.md"
    log "results written to $OUT/last-results.md and $OUT/results.json"
}

main
