#!/usr/bin/env bash
# Speed benchmark: tattle against gitleaks, betterleaks, Kingfisher and
# ripsecrets, side by side on deterministic corpora: a working tree (`tree`)
# and a git history (`history`).  See benches/README.md.
#
#   bash benches/run.sh [--quick] [--suite tree|history|all] [--runs N] [--tools a,b,...] [--no-build]
#
# Everything it makes (corpus, peer binaries, reports) lives in benches/.work/.
set -euo pipefail

# ---------------------------------------------------------------- settings
# Peer versions, installers and tattle's build: benches/peers.sh (shared with benches/accuracy/run.sh).
source "$(dirname "${BASH_SOURCE[0]}")/peers.sh"
CORPUS_SEED=20240917
FULL_MB=220
QUICK_MB=24
FULL_COMMITS=20000
QUICK_COMMITS=2000
ALL_TOOLS=tattle,gitleaks,betterleaks,kingfisher,ripsecrets
# A tool whose warm-up is slow gets fewer timed runs, so that its timed runs
# take about this many seconds at most (never fewer than one run).
TIMED_BUDGET_S=${BENCH_TIMED_BUDGET_S:-100}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
cd "$ROOT" # every path below, and every printed command, is relative to the repo root
WORK=benches/.work
TOOLS=$WORK/tools
LOGS=$WORK/logs
REPORTS=$WORK/reports
RUNS_TSV=$WORK/runs.tsv
NOTES_TSV=$WORK/notes.tsv

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
note() { # tool, message: shown in the final report too
    warn "$1: $2"
    printf '%s\t%s\n' "$1" "$2" >>"$NOTES_TSV"
}

usage() {
    sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    cat <<EOF
Options:
  --quick         small corpora (${QUICK_MB} MiB instead of ${FULL_MB} MiB,
                  ${QUICK_COMMITS} commits instead of ${FULL_COMMITS})
  --suite NAME    tree (scan a working tree), history (audit a git history) or all (default)
  --runs N        timed runs per tool after one warm-up (default 3)
  --tools LIST    comma-separated subset of: ${ALL_TOOLS}
  --no-build      use the existing target/release/tattle instead of building it
EOF
}

MODE=full
SUITE=all
RUNS=3
SELECTED=$ALL_TOOLS
BUILD=1
INVOCATION="bash benches/run.sh${*:+ $*}"
while (($#)); do
    case $1 in
    --quick) MODE=quick ;;
    --suite) SUITE=${2:?--suite needs tree, history or all}; shift ;;
    --runs) RUNS=${2:?--runs needs a number}; shift ;;
    --tools) SELECTED=${2:?--tools needs a list}; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
    shift
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ $SUITE =~ ^(tree|history|all)$ ]] || { echo "--suite must be tree, history or all" >&2; exit 2; }

selected() { [[ ",$SELECTED," == *",$1,"* ]]; }

# -------------------------------------------------------------- prerequisites
check_prereqs() {
    local missing=()
    command -v python3 >/dev/null || missing+=(python3)
    [[ -x /usr/bin/time ]] || missing+=("/usr/bin/time (apt-get install time)")
    command -v cargo >/dev/null || missing+=(cargo)
    if ((${#missing[@]})); then
        echo "missing: ${missing[*]}" >&2
        exit 2
    fi
}

# --------------------------------------------------------------------- corpus
# The corpus mixes in real crate sources pinned in benches/corpus-crates.txt;
# fetch any the local cargo registry lacks, so every machine gets the same files.
ensure_crates() {
    local name version deps="" i=0 absent=0
    while read -r name version; do
        compgen -G "${CARGO_HOME:-$HOME/.cargo}/registry/src/*/$name-$version" >/dev/null && continue
        absent=$((absent + 1))
    done < <(grep -v '^#' benches/corpus-crates.txt | grep .)
    ((absent == 0)) && return 0

    log "fetching $absent pinned crates for the corpus"
    while read -r name version; do
        deps+="c$i = { package = \"$name\", version = \"=${version%%+*}\" }"$'\n'
        i=$((i + 1))
    done < <(grep -v '^#' benches/corpus-crates.txt | grep .)
    mkdir -p "$WORK/crates-fetch/src"
    : >"$WORK/crates-fetch/src/lib.rs"
    printf '[package]\nname = "corpus-crates"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[workspace]\n\n[dependencies]\n%s' \
        "$deps" >"$WORK/crates-fetch/Cargo.toml"
    cargo fetch --quiet --manifest-path "$WORK/crates-fetch/Cargo.toml" >"$LOGS/crates-fetch.log" 2>&1 ||
        warn "cargo fetch failed (see $LOGS/crates-fetch.log); synthetic files will replace the missing crates"
}

ensure_corpus() {
    local size_mb=$FULL_MB
    [[ $MODE == quick ]] && size_mb=$QUICK_MB
    CORPUS=$WORK/corpus-$MODE
    MANIFEST=$WORK/corpus-$MODE.json
    local key_file=$WORK/corpus-$MODE.key key
    key=$(cat benches/make_corpus.py benches/corpus-crates.txt | sha256sum | cut -c1-16)-$size_mb-$CORPUS_SEED

    if [[ -d $CORPUS && -f $MANIFEST && -f $key_file && $(<"$key_file") == "$key" ]] &&
        python3 -c 'import json,sys; sys.exit(bool(json.load(open(sys.argv[1]))["crates_missing"]))' "$MANIFEST"; then
        log "reusing corpus $CORPUS"
    else
        ensure_crates
        log "generating the $MODE corpus ($size_mb MiB) in $CORPUS"
        rm -f "$key_file"
        python3 benches/make_corpus.py --out "$CORPUS" --manifest "$MANIFEST" --size-mb "$size_mb" --seed "$CORPUS_SEED"
        echo "$key" >"$key_file"
    fi
    python3 - "$MANIFEST" <<'EOF' >&2
import json, sys
m = json.load(open(sys.argv[1]))
print(f"==> corpus: {m['bytes'] / 2**20:.1f} MiB, {m['files']:,} files, "
      f"{len(m['planted'])} planted secrets, sha256 {m['sha256'][:16]}")
EOF
}

# A git history built with git fast-import (benches/make_history.py): a bare
# repository every tool audits in its history mode.
ensure_history() {
    local commits=$FULL_COMMITS
    [[ $MODE == quick ]] && commits=$QUICK_COMMITS
    CORPUS=$WORK/history-$MODE.git
    MANIFEST=$WORK/history-$MODE.json
    local key_file=$WORK/history-$MODE.key key
    key=$(cat benches/make_history.py benches/make_corpus.py | sha256sum | cut -c1-16)-$commits-$CORPUS_SEED
    if [[ -d $CORPUS && -f $MANIFEST && -f $key_file && $(<"$key_file") == "$key" ]]; then
        log "reusing history $CORPUS"
    else
        log "generating the $MODE history ($commits commits) in $CORPUS"
        rm -rf "$CORPUS" "$key_file"
        python3 benches/make_history.py --out "$CORPUS" --manifest "$MANIFEST" --commits "$commits" --seed "$CORPUS_SEED"
        echo "$key" >"$key_file"
    fi
    python3 - "$MANIFEST" <<'EOF2' >&2
import json, sys
m = json.load(open(sys.argv[1]))
print(f"==> history: {m['commits']:,} commits, {m['pack_bytes'] / 2**20:.1f} MiB of objects, "
      f"{len(m['planted'])} planted secrets")
EOF2
}

# the tools' defaults; nothing validates secrets over the network.
tool_command() { # tool, report file
    local out=$2
    REPORT_ON_STDOUT=0
    if [[ $CURRENT_SUITE == history ]]; then
        case $1 in
        tattle) CMD=(target/release/tattle history "$CORPUS" --format json --no-progress --output "$out") ;;
        gitleaks) CMD=("$TOOLS/bin/gitleaks" git "$CORPUS" --report-path "$out" --report-format json --no-banner) ;;
        betterleaks) CMD=("$TOOLS/bin/betterleaks" git "$CORPUS" --output "$out" --no-banner) ;;
        kingfisher) CMD=("$TOOLS/bin/kingfisher" scan "$CORPUS" --git-history=full --no-validate --no-update-check --format json --output "$out" --quiet) ;;
        esac
        return
    fi
    case $1 in
    tattle) CMD=(target/release/tattle scan "$CORPUS" --config benches/default-config.toml --format json --no-progress --output "$out") ;;
    gitleaks) CMD=("$TOOLS/bin/gitleaks" dir "$CORPUS" --report-path "$out" --report-format json --no-banner) ;;
    betterleaks) CMD=("$TOOLS/bin/betterleaks" filesystem "$CORPUS" --output "$out" --no-banner) ;;
    kingfisher) CMD=("$TOOLS/bin/kingfisher" scan "$CORPUS" --no-validate --no-update-check --format json --output "$out" --quiet) ;;
    ripsecrets) CMD=("$TOOLS/cargo/bin/ripsecrets" "$CORPUS"); REPORT_ON_STDOUT=1 ;;
    esac
}

# Exit codes that mean "scan completed" (finding secrets is not a crash).
exit_ok() { # tool, code
    case $1:$2 in
    tattle:0 | tattle:1) return 0 ;;
    gitleaks:0 | gitleaks:1 | betterleaks:0 | betterleaks:1 | ripsecrets:0 | ripsecrets:1) return 0 ;;
    kingfisher:0 | kingfisher:200 | kingfisher:205) return 0 ;; # 200: findings, 205: validated findings
    *) return 1 ;;
    esac
}

# Runs a tool once, appends a row to runs.tsv, and prints its wall time.
run_once() { # tool, phase (warmup|timed), run number (0 for the warm-up)
    local tool=$1 phase=$2 i=$3
    local out=$REPORTS/$tool.json stderr=$LOGS/$tool-$phase-$i.stderr timing=$LOGS/$tool-$phase-$i.time
    local stdout=$LOGS/$tool-$phase-$i.stdout rc=0 wall rss ok=1 label=warm-up
    [[ $phase == timed ]] && label="timed run $i"
    [[ $phase == settle ]] && label="untimed run before timed run $i"
    tool_command "$tool" "$out"
    if ((REPORT_ON_STDOUT)); then
        out=$REPORTS/$tool.txt
        stdout=$out
    fi
    rm -f "$out"
    /usr/bin/time -f '%e %M' -o "$timing" "${CMD[@]}" >"$stdout" 2>"$stderr" </dev/null || rc=$?
    read -r wall rss < <(tail -n 1 "$timing")
    # gitleaks and betterleaks exit 1 both on findings and on errors: a
    # missing report tells the two apart.
    if ! exit_ok "$tool" "$rc" || [[ ! -f $out ]]; then
        ok=0
        tail -n 5 "$stderr" >&2
        note "$tool" "$label failed with exit code $rc and $([[ -f $out ]] || echo "no ")report (see $stderr)"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "${VERSION[$tool]}" "$phase" "$wall" "$rss" "$rc" "$ok" \
        "$out" "${CMD[*]}$( ((REPORT_ON_STDOUT)) && echo " > $out")" >>"$RUNS_TSV"
    log "$tool $label: ${wall}s, $((rss / 1024)) MiB, exit $rc"
    ((ok)) && echo "$wall"
}

# Runs one suite (tree or history) for every selected tool and writes its table.
run_suite() {
    CURRENT_SUITE=$1
    RUNS_TSV=$WORK/runs-$CURRENT_SUITE.tsv
    rm -f "$RUNS_TSV"
    local started=$SECONDS tool
    if [[ $CURRENT_SUITE == history ]]; then
        ensure_history
    else
        ensure_corpus
    fi

    local ready=() selected=()
    IFS=, read -r -a wanted <<<"$SELECTED"
    for tool in "${wanted[@]}"; do
        if [[ $CURRENT_SUITE == history && $tool == ripsecrets ]]; then
            note ripsecrets "has no git-history mode; not run on the history"
            continue
        fi
        selected+=("$tool")
        [[ -n ${VERSION[$tool]:-} ]] && ready+=("$tool")
    done

    # Warm-up (also a smoke test), then timed rounds interleaved across tools
    # so that drifting machine load hits every tool alike.
    local active=() wall n
    for tool in "${ready[@]}"; do
        wall=$(run_once "$tool" warmup 0) || continue
        WARMUP[$tool]=$wall
        n=$RUNS
        if awk -v w="$wall" -v n="$RUNS" -v b="$TIMED_BUDGET_S" 'BEGIN { exit !(w * n > b) }'; then
            n=$(awk -v w="$wall" -v b="$TIMED_BUDGET_S" 'BEGIN { n = int(b / w); print (n < 1 ? 1 : n) }')
            ((n < RUNS)) && note "$tool" "$n timed run(s) instead of $RUNS: its warm-up took ${wall}s"
        fi
        PLANNED[$tool]=$n
        active+=("$tool")
    done
    # A tool's first run after another tool's is measurably slower (tattle
    # by a fifth right after ripsecrets), so each timed run comes right after
    # an untimed run of the same tool: every tool is timed as it runs after
    # itself, whatever precedes it in the round.
    local round
    for ((round = 1; round <= RUNS; round++)); do
        for tool in "${active[@]}"; do
            if ((round <= PLANNED[$tool])); then
                run_once "$tool" settle "$round" >/dev/null || true
                run_once "$tool" timed "$round" >/dev/null || true
            fi
        done
    done

    if [[ " ${active[*]} " == *" kingfisher "* ]]; then
        note kingfisher "compiles its rules into a cache ($TOOLS/cache) on first use: the warm-up (${WARMUP[kingfisher]}s) pays for that when the cache is cold, the timed runs reuse it"
    fi
    log "$CURRENT_SUITE suite done in $((SECONDS - started))s"
    echo
    local IFS=,
    python3 benches/report.py --suite "$CURRENT_SUITE" --runs "$RUNS_TSV" --notes "$NOTES_TSV" --manifest "$MANIFEST" \
        --tools "${selected[*]}" --mode "$MODE" --invocation "$INVOCATION" --cpus "$(nproc)" \
        --cpu-model "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
        --out "$WORK/last-results-$CURRENT_SUITE.md"
    echo
    log "table written to $WORK/last-results-$CURRENT_SUITE.md"
}

main() {
    check_prereqs
    mkdir -p "$TOOLS" "$LOGS" "$REPORTS"
    rm -f "$LOGS"/*.stderr "$LOGS"/*.stdout "$LOGS"/*.time "$REPORTS"/*
    # Keep the peers' caches (e.g. Kingfisher's compiled rules) in .work, and
    # make sure no user config changes their default rules.
    export XDG_CACHE_HOME=$ROOT/$TOOLS/cache
    unset GITLEAKS_CONFIG GITLEAKS_CONFIG_TOML BETTERLEAKS_CONFIG BETTERLEAKS_CONFIG_TOML
    RUNS_TSV=$WORK/runs-setup.tsv
    NOTES_TSV=$WORK/notes-setup.tsv
    rm -f "$NOTES_TSV"

    declare -gA VERSION=() PLANNED=() WARMUP=()
    local tool
    IFS=, read -r -a wanted <<<"$SELECTED"
    for tool in "${wanted[@]}"; do
        if install_tool "$tool"; then
            VERSION[$tool]=$(tool_version "$tool")
            log "$tool ${VERSION[$tool]} ready"
        fi
    done
    # Notes from installing belong in every table.
    local setup_notes=""
    [[ -f $NOTES_TSV ]] && setup_notes=$(<"$NOTES_TSV")

    local suites=(tree history)
    [[ $SUITE != all ]] && suites=("$SUITE")
    for suite in "${suites[@]}"; do
        CURRENT_SUITE=$suite
        NOTES_TSV=$WORK/notes-$suite.tsv
        rm -f "$NOTES_TSV"
        [[ -n $setup_notes ]] && printf '%s\n' "$setup_notes" >"$NOTES_TSV"
        run_suite "$suite"
    done
    for suite in "${suites[@]}"; do
        cat "$WORK/last-results-$suite.md"
        echo
    done >"$WORK/last-results.md"
    log "all tables written to $WORK/last-results.md"
}

main
