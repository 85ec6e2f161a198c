#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a short, bounded time (CI's
# smoke test of the fuzzers; longer runs are described in fuzz/README.md).
# Installs cargo-fuzz when missing. Uses the stable toolchain with
# RUSTC_BOOTSTRAP=1, which lets it accept the -Z flags cargo-fuzz passes
# (-Zsanitizer=address): a fresh machine has no nightly toolchain.
#
# Usage: bash .ci/fuzz.sh [SECONDS_PER_TARGET]   (default 25)
# A crash fails the run; its input is in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

seconds="${1:-25}"
CARGO_FUZZ_VERSION="0.13.2"
export RUSTC_BOOTSTRAP=1

log() { printf 'fuzz: %s\n' "$*"; }

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    log "installing cargo-fuzz $CARGO_FUZZ_VERSION (crates.io)"
    cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION" </dev/null
fi

python3 fuzz/seed.py
targets=$(cd fuzz && cargo fuzz list)
log "building $(echo $targets | wc -w) targets (address sanitizer, debug assertions)"
(cd fuzz && cargo fuzz build)
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
for target in $targets; do
    log "$target: ${seconds}s"
    # -timeout: one input taking longer is a hang; -rss_limit_mb: memory blow-up.
    if ! (cd fuzz && cargo fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1) >"$logs/$target" 2>&1; then
        tail -n 60 "$logs/$target" >&2
        log "$target FAILED; the input is in fuzz/artifacts/$target/ (keep it in fuzz/regressions/$target/ once fixed)"
        exit 1
    fi
    grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|peak_rss_mb)' "$logs/$target" | sed 's/^/    /' || true
done
log "all targets ran clean"
