#!/usr/bin/env bash
# Installs the tools CI needs beyond the Rust toolchain, into .ci/.tools/ (git-ignored).
#
# Today that is only the official SARIF validator, Microsoft's SARIF Multitool,
# from the npm package @microsoft/sarif-multitool-linux (pinned below). The
# package ships one self-contained .NET single-file executable at
#   .ci/.tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
# (~95 MB, ~104 MB unpacked). It needs no .NET SDK/runtime; it links only
# glibc, zlib, libstdc++ and libgcc_s. It would also dlopen ICU, which we avoid
# by always running it with DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 (see
# .ci/validate-sarif.sh).
#
# Idempotent: does nothing (beyond a quick check) when the pinned version is
# already installed and runs. Safe to run as root under CI=true with no stdin.
# Prints what it installs. Usage: bash .ci/install-tools.sh
set -euo pipefail

SARIF_MULTITOOL_VERSION="5.7.0"
PKG="@microsoft/sarif-multitool-linux"

ci_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$ci_dir/.tools"
pkg_dir="$prefix/node_modules/$PKG"
tool="$pkg_dir/Sarif.Multitool"

export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-tools: %s\n' "$*"; }

apt_updated=0
apt_install() {
    # apt_install PKG... : installs Debian packages (we are root on CI/dev machines).
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
            log "ERROR: need root (or sudo) to apt-get install $*"; return 1
        fi
    fi
    if [ "$apt_updated" -eq 0 ]; then
        log "apt-get update"
        $sudo apt-get update -qq </dev/null
        apt_updated=1
    fi
    log "apt-get install $*"
    $sudo apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

installed_version() {
    [ -f "$pkg_dir/package.json" ] || return 0
    node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch(e){}' \
        "$pkg_dir/package.json" 2>/dev/null || true
}

tool_runs() {
    # Note: the Multitool prints --version/--help on stderr.
    local v
    [ -x "$tool" ] || return 1
    v=$("$tool" --version </dev/null 2>&1) || return 1
    case "$v" in *"SARIF Multitool $SARIF_MULTITOOL_VERSION"*) return 0 ;; *) return 1 ;; esac
}

# 1. node + npm (present on the project's machines; fall back to Debian's).
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    apt_install nodejs npm
fi

# 2. The SARIF Multitool itself.
if [ "$(installed_version)" = "$SARIF_MULTITOOL_VERSION" ] && tool_runs; then
    log "$PKG@$SARIF_MULTITOOL_VERSION already installed in ${prefix#"$PWD"/}"
else
    log "installing $PKG@$SARIF_MULTITOOL_VERSION into ${prefix#"$PWD"/} (npm)"
    rm -rf "$prefix"   # start clean: a stale/partial install is not trusted
    mkdir -p "$prefix"
    start=$(date +%s)
    npm install --prefix "$prefix" --no-audit --no-fund --no-update-notifier \
        --loglevel=error "$PKG@$SARIF_MULTITOOL_VERSION" </dev/null
    log "npm install took $(( $(date +%s) - start ))s"
fi
# The package's postinstall only does `chmod u+x Sarif.Multitool`; do it
# ourselves in case install scripts were skipped (ignore-scripts / allowScripts).
chmod u+x,go+rx "$tool"

# 3. Native libraries the executable links against. Map any that ldd reports
#    missing to the Debian package that ships them.
if command -v ldd >/dev/null 2>&1; then
    missing=$(ldd "$tool" 2>/dev/null | awk '/not found/ {print $1}' || true)
    if [ -n "$missing" ]; then
        pkgs=()
        for lib in $missing; do
            case "$lib" in
                libz.so*) pkgs+=(zlib1g) ;;
                libstdc++.so*) pkgs+=(libstdc++6) ;;
                libgcc_s.so*) pkgs+=(libgcc-s1) ;;
                libicu*) pkgs+=(libicu-dev) ;;
                libssl.so*|libcrypto.so*) pkgs+=(libssl3) ;;
                *) log "WARNING: no known Debian package for missing library $lib" ;;
            esac
        done
        log "missing native libraries: $(echo $missing)"
        [ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"
    fi
fi

# 4. Smoke test.
if ! tool_runs; then
    log "ERROR: $tool does not run:"
    "$tool" --version </dev/null 2>&1 || true
    ldd "$tool" || true
    exit 1
fi
log "ok: $("$tool" --version </dev/null 2>&1 | head -n1) at ${tool#"$PWD"/}"
