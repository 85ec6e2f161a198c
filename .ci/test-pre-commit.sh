#!/usr/bin/env bash
# Tests the pre-commit hooks of .pre-commit-hooks.yaml with the real
# pre-commit framework (PyPI `pre-commit`, pinned): in a temporary repository,
# `pre-commit try-repo` against this checkout must block a commit that stages
# a secret (showing the finding, redacted) and let a clean one through. The
# `tattle` hook is `language: rust`, so pre-commit builds tattle from this
# checkout with `cargo install --path .`, as users' machines will.
# Usage: bash .ci/test-pre-commit.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

PRE_COMMIT_VERSION=4.3.0
tools=.ci/.tools
log() { printf 'test-pre-commit: %s\n' "$*"; }
fail() { log "FAIL: $*"; exit 1; }

if ! [ -x "$tools/pre-commit/bin/pre-commit" ] ||
    [ "$("$tools/pre-commit/bin/pre-commit" --version)" != "pre-commit $PRE_COMMIT_VERSION" ]; then
    log "installing pre-commit==$PRE_COMMIT_VERSION (PyPI)"
    rm -rf "$tools/pre-commit"
    python3 -m venv "$tools/pre-commit"
    "$tools/pre-commit/bin/pip" install --quiet --disable-pip-version-check \
        "pre-commit==$PRE_COMMIT_VERSION" </dev/null
fi
pre_commit=$root/$tools/pre-commit/bin/pre-commit

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME=$work/cache GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.invalid
repo=$work/repo
mkdir "$repo"
cd "$repo"
git init -q -b main .
printf 'print("hello")\n' >app.py
git add app.py
git commit -q -m start

# A made-up Stripe live key, assembled here so no file holds it whole.
secret="sk_""live_Qm4Xz8Lp2Wv7Nc3Rb9Kt1Hs6Dj5Fg0Ay"
printf 'STRIPE_KEY = "%s"\n' "$secret" >>app.py
git add app.py
log "pre-commit try-repo with a staged secret (builds tattle on first use)"
status=0
"$pre_commit" try-repo "$root" tattle --verbose >"$work/blocked.log" 2>&1 || status=$?
cat "$work/blocked.log"
[ "$status" -ne 0 ] || fail "the hook let a staged secret through"
grep -q "stripe.secret-key" "$work/blocked.log" || fail "the finding is not shown"
grep -q "$secret" "$work/blocked.log" && fail "the secret is shown in clear"

git checkout -q app.py 2>/dev/null || git restore --staged --worktree app.py
printf 'print("hello, world")\n' >app.py
git add app.py
log "pre-commit try-repo with a clean change"
"$pre_commit" try-repo "$root" tattle --verbose >"$work/clean.log" 2>&1 || {
    cat "$work/clean.log"
    fail "the hook blocked a clean commit"
}
cat "$work/clean.log"
log "ok"
