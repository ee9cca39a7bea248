#!/usr/bin/env bash
# Prepares everything the build and the tests need, idempotently:
#   * Debian packages: libclang-dev (bindgen: `cargo test -p hpy-sys --features bindgen`),
#     gcc and binutils (C code, `strip` for bench/),
#     valgrind; plus python3-dev/python3-venv when no pyenv Python 3.11 is available.
#     Installed with apt-get only when `dpkg -s` says they are missing.
#   * .venv at the repository root (Python 3.11: pyenv's 3.11.7 if present, else python3)
#     with the pinned hpy, pytest, setuptools and matplotlib (the benchmark's chart). Skipped when already in place.
#   * PyPy 7.3.19 (Debian trixie's pypy3, which bundles HPy 0.9) unpacked into .interpreters/pypy
#     by tools/debian_unpack.sh, with pytest in its own site-packages; run it with tools/pypy.
#     Bookworm's own pypy3 bundles HPy 0.0.4 and cannot load HPy 0.9 modules. If it cannot be
#     installed, one line says why and .interpreters/pypy.missing keeps the reason (the test
#     suite then skips the PyPy modes, or fails under CI=true).
#   * CPython 3.14 and 3.15 (Debian sid's python3.14/python3.15), and 3.14's debug build
#     (python3.14-dbg: Py_DEBUG, sys.gettotalrefcount) as "3.14d", unpacked into
#     .interpreters/cpython3.X the same way, each with a venv (.interpreters/cpython3.X/venv)
#     holding the pinned hpy (built from source), pytest and setuptools; run them with
#     tools/python3.14 and tools/python3.15. If one cannot be installed, one line says why and
#     .interpreters/cpython3.X.missing keeps the reason.
# Prints the venv path (last line of stdout). Rust itself (cargo, rustfmt, clippy) is
# expected to be installed already, e.g. with rustup.
#
# Environment: HPYRS_PYTHON=/path/to/python3 picks the base interpreter for a new venv;
# HPYRS_SKIP_APT=1 skips the apt step; HPYRS_SKIP_PYPY=1 skips PyPy; HPYRS_SKIP_NEW_CPYTHON=1
# skips CPython 3.14 and 3.15.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

HPY_VERSION="0.9.0"
PYTEST_VERSION="9.2.0"
SETUPTOOLS_VERSION="84.2.1"
# bench/ draws its chart with it (the test suite runs the benchmark's smoke mode).
MATPLOTLIB_VERSION="3.11.2"

log() { echo "setup_env: $*" >&2; }

# ---- base interpreter -----------------------------------------------------------------
pick_python() {
    if [[ -n "${HPYRS_PYTHON:-}" ]]; then
        echo "$HPYRS_PYTHON"
        return
    fi
    local pyenv_root="${PYENV_ROOT:-}"
    if [[ -z "$pyenv_root" ]] && command -v pyenv >/dev/null 2>&1; then
        pyenv_root="$(pyenv root 2>/dev/null || true)"
    fi
    for candidate in "${pyenv_root:-/nonexistent}/versions/3.11.7/bin/python3" /root/.pyenv/versions/3.11.7/bin/python3; do
        if [[ -x "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    done
    echo python3
}
BASE_PYTHON="$(pick_python)"

# ---- apt packages ---------------------------------------------------------------------
apt_packages=(libclang-dev valgrind gcc binutils)
if [[ "$BASE_PYTHON" == python3 ]]; then
    # A distribution Python: venv support and headers (the CPython-ABI build needs Python.h).
    apt_packages+=(python3 python3-venv python3-dev)
fi

if [[ "${HPYRS_SKIP_APT:-0}" != 1 ]] && command -v dpkg >/dev/null 2>&1; then
    missing=()
    for pkg in "${apt_packages[@]}"; do
        if ! dpkg -s "$pkg" >/dev/null 2>&1; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]})); then
        log "installing Debian packages: ${missing[*]}"
        sudo=()
        if [[ "$(id -u)" != 0 ]]; then
            if command -v sudo >/dev/null 2>&1; then
                sudo=(sudo)
            else
                log "error: need root (or sudo) to install: ${missing[*]}"
                exit 1
            fi
        fi
        ${sudo[@]+"${sudo[@]}"} apt-get update >&2
        ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y --no-install-recommends "${missing[@]}" >&2
    fi
elif [[ "${HPYRS_SKIP_APT:-0}" != 1 ]]; then
    log "no dpkg: not a Debian system, make sure these are installed: ${apt_packages[*]}"
fi

# ---- the venv -------------------------------------------------------------------------
venv_ready() {
    [[ -x "$VENV/bin/python" ]] || return 1
    "$VENV/bin/python" - "$HPY_VERSION" "$PYTEST_VERSION" "$SETUPTOOLS_VERSION" "$MATPLOTLIB_VERSION" <<'EOF' >/dev/null 2>&1
import sys
import hpy.universal, pytest, matplotlib  # noqa: F401
from importlib.metadata import version
want = dict(zip(("hpy", "pytest", "setuptools", "matplotlib"), sys.argv[1:]))
sys.exit(0 if all(version(p) == v for p, v in want.items()) else 1)
EOF
}

if venv_ready; then
    log "$VENV is up to date (hpy $HPY_VERSION, pytest $PYTEST_VERSION, setuptools $SETUPTOOLS_VERSION, matplotlib $MATPLOTLIB_VERSION)"
else
    if ! "$VENV/bin/python" -c "" >/dev/null 2>&1; then
        if ! command -v "$BASE_PYTHON" >/dev/null 2>&1; then
            log "error: no Python found (tried $BASE_PYTHON); install Python 3.11 or set HPYRS_PYTHON"
            exit 1
        fi
        log "creating $VENV with $BASE_PYTHON ($("$BASE_PYTHON" --version 2>&1))"
        # --clear: replaces a broken leftover (e.g. its base interpreter was removed)
        "$BASE_PYTHON" -m venv --clear "$VENV" >&2
    fi
    log "installing hpy==$HPY_VERSION pytest==$PYTEST_VERSION setuptools==$SETUPTOOLS_VERSION matplotlib==$MATPLOTLIB_VERSION"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet \
        "hpy==$HPY_VERSION" "pytest==$PYTEST_VERSION" "setuptools==$SETUPTOOLS_VERSION" \
        "matplotlib==$MATPLOTLIB_VERSION" >&2
    if ! venv_ready; then
        log "error: $VENV still lacks a working hpy==$HPY_VERSION / pytest after pip install"
        exit 1
    fi
fi

# ---- PyPy ----------------------------------------------------------------------------
PYPY_DIR="$ROOT/.interpreters/pypy"
PYPY_MISSING="$ROOT/.interpreters/pypy.missing"
# trixie's pypy3 and the runtime libraries it needs from trixie (its glibc is newer than bookworm's).
PYPY_PACKAGES=(pypy3 pypy3-lib pypy3-dev libc6 libgcc-s1 libffi8 libssl3t64 libexpat1 zlib1g libbz2-1.0
    liblzma5 libsqlite3-0 libncursesw6 libtinfo6 libgdbm6t64)

pypy_ready() {
    "$ROOT/tools/pypy" - "$PYTEST_VERSION" <<'EOF' >/dev/null 2>&1
import sys
import hpy.universal, pytest  # noqa: F401
assert sys.implementation.name == "pypy" and pytest.__version__ == sys.argv[1]
EOF
}

pypy_version() {
    "$ROOT/tools/pypy" -c 'import sys; print("PyPy %d.%d.%d (Python %s)" % (sys.pypy_version_info[:3] + (sys.version.split()[0],)))'
}

pypy_missing() {
    mkdir -p "$ROOT/.interpreters"
    echo "$*" >"$PYPY_MISSING"
    log "PyPy not installed: $*"
}

install_pypy() {
    rm -f "$PYPY_MISSING"
    if pypy_ready; then
        log "$PYPY_DIR is up to date ($(pypy_version))"
        return
    fi
    rm -rf "$PYPY_DIR"
    local reason
    if ! reason="$(bash "$ROOT/tools/debian_unpack.sh" trixie "$PYPY_DIR" "${PYPY_PACKAGES[@]}" 2>&1 >/dev/null)"; then
        pypy_missing "$(echo "$reason" | tail -n 1)"
        return
    fi
    # PyPy brings its own hpy package (PyPI's must not be installed there); pytest is pure
    # Python and goes into the unpacked tree's site-packages, which PyPy puts on sys.path.
    local site="$PYPY_DIR/usr/local/lib/pypy3.11/dist-packages"
    mkdir -p "$site"
    if ! reason="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet --target "$site" \
        --python-version 3.11 --implementation pp --only-binary=:all: "pytest==$PYTEST_VERSION" 2>&1)"; then
        pypy_missing "pip could not install pytest for PyPy: $(echo "$reason" | grep -E 'ERROR' | head -n 1)"
        return
    fi
    if ! pypy_ready; then
        pypy_missing "the unpacked PyPy does not start or lacks hpy.universal/pytest: $("$ROOT/tools/pypy" -c 'import hpy.universal, pytest' 2>&1 | tail -n 1)"
        return
    fi
    log "installed $(pypy_version) into $PYPY_DIR"
}

if [[ "${HPYRS_SKIP_PYPY:-0}" == 1 ]]; then
    pypy_missing "skipped (HPYRS_SKIP_PYPY=1)"
else
    install_pypy
fi

# ---- CPython 3.14 and 3.15 -------------------------------------------------------------
# Debian sid's builds and the sid libraries they need. Sid's glibc is newer than bookworm's, so
# they run through the unpacked tree's own loader: tools/python3.X runs the venv's interpreter,
# itself such a wrapper (a plain venv symlink would start python with the system's glibc).
# python3-pip-whl: bookworm's pip 23 does not run on 3.14.
SID_COMMON_PACKAGES=(libc6 libgcc-s1 libc-gconv-modules-extra libexpat1 zlib1g libffi8 libssl3t64
    openssl-provider-legacy libsqlite3-0 libncursesw6 libtinfo6 libbz2-1.0 liblzma5 libuuid1
    libreadline8t64 libzstd1 libdb5.3t64 libgdbm6t64 media-types netbase tzdata python3-pip-whl
    python3-setuptools-whl)

new_cpython_ready() {
    "$ROOT/tools/python$1" - "$1" "$HPY_VERSION" "$PYTEST_VERSION" "$SETUPTOOLS_VERSION" <<'EOF' >/dev/null 2>&1
import sys
import hpy.universal, pytest  # noqa: F401
from importlib.metadata import version
assert "%d.%d" % sys.version_info[:2] == sys.argv[1].rstrip("d")
assert sys.argv[1].endswith("d") == hasattr(sys, "gettotalrefcount")  # 3.14d: the debug build
want = dict(zip(("hpy", "pytest", "setuptools"), sys.argv[2:]))
sys.exit(0 if all(version(p) == v for p, v in want.items()) else 1)
EOF
}

new_cpython_missing() {
    local ver="$1"
    shift
    mkdir -p "$ROOT/.interpreters"
    echo "$*" >"$ROOT/.interpreters/cpython$ver.missing"
    log "CPython $ver not installed: $*"
}

install_new_cpython() {
    local ver="$1"   # 3.14, 3.15, or 3.14d: sid's debug build (python3.14-dbg, Py_DEBUG)
    local minor="${ver%d}"
    local extra=()
    if [[ "$ver" != "$minor" ]]; then
        extra=("python$minor-dbg" "libpython$minor-dbg")
    fi
    local dir="$ROOT/.interpreters/cpython$ver"
    local libdir="$dir/usr/lib/x86_64-linux-gnu"
    local base="$dir/usr/bin/python$ver"
    local reason whl
    rm -f "$ROOT/.interpreters/cpython$ver.missing"
    if new_cpython_ready "$ver"; then
        log "$dir is up to date (C$("$ROOT/tools/python$ver" --version 2>&1), hpy $HPY_VERSION, pytest $PYTEST_VERSION)"
        return
    fi
    rm -rf "$dir"
    if ! reason="$(bash "$ROOT/tools/debian_unpack.sh" sid "$dir" "${SID_COMMON_PACKAGES[@]}" \
        "python$minor" "python$minor-minimal" "libpython$minor-minimal" "libpython$minor-stdlib" \
        "python$minor-venv" "python$minor-dev" "libpython$minor-dev" "libpython$minor" "${extra[@]}" \
        2>&1 >/dev/null)"; then
        new_cpython_missing "$ver" "$(echo "$reason" | tail -n 1)"
        return
    fi
    if ! reason="$("$libdir/ld-linux-x86-64.so.2" --library-path "$libdir" --argv0 "$base" "$base" \
        -m venv --without-pip "$dir/venv" 2>&1)"; then
        new_cpython_missing "$ver" "the unpacked python$ver cannot make a venv: $(echo "$reason" | tail -n 1)"
        return
    fi
    # --argv0 makes sys.executable this wrapper, so that python finds the venv's pyvenv.cfg and
    # subprocesses started with sys.executable run it the same way.
    rm -f "$dir/venv/bin/python$ver"
    cat >"$dir/venv/bin/python$ver" <<EOF
#!/bin/sh
# Written by tools/setup_env.sh: Debian sid's CPython $ver, run through its own loader and libraries.
exec "$libdir/ld-linux-x86-64.so.2" --library-path "$libdir" --argv0 "\$0" "$base" "\$@"
EOF
    chmod +x "$dir/venv/bin/python$ver"
    whl="$(find "$dir/usr/share/python-wheels" -name 'pip-*.whl' 2>/dev/null | head -n 1 || true)"
    if [[ -z "$whl" ]]; then
        new_cpython_missing "$ver" "sid's python3-pip-whl left no pip wheel in $dir/usr/share/python-wheels"
        return
    fi
    if ! reason="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$dir/venv/bin/python$ver" "$whl/pip" install --quiet \
        --no-index "$whl" 2>&1)"; then
        new_cpython_missing "$ver" "pip from $(basename "$whl") does not install: $(echo "$reason" | tail -n 1)"
        return
    fi
    # hpy builds from source. Debian keeps the real pyconfig.h under usr/include/x86_64-linux-gnu,
    # and bookworm's glibc headers predate 3.15's pyconfig.h (its _POSIX_C_SOURCE would be
    # "redefined" under hpy's -Werror unless pyconfig.h comes first).
    if ! reason="$(CPPFLAGS="-I$dir/usr/include -include $dir/usr/include/python$ver/pyconfig.h" \
        PIP_DISABLE_PIP_VERSION_CHECK=1 "$dir/venv/bin/python$ver" -m pip install --quiet \
        "hpy==$HPY_VERSION" "pytest==$PYTEST_VERSION" "setuptools==$SETUPTOOLS_VERSION" 2>&1)"; then
        new_cpython_missing "$ver" "pip could not install hpy==$HPY_VERSION and pytest: $(echo "$reason" | grep -E 'error|ERROR' | head -n 1)"
        return
    fi
    if ! new_cpython_ready "$ver"; then
        new_cpython_missing "$ver" "tools/python$ver does not start or lacks hpy.universal/pytest: $("$ROOT/tools/python$ver" -c 'import hpy.universal, pytest' 2>&1 | tail -n 1)"
        return
    fi
    log "installed C$("$ROOT/tools/python$ver" --version 2>&1) (Debian sid) with hpy $HPY_VERSION and pytest $PYTEST_VERSION into $dir"
}

for ver in 3.14 3.15 3.14d; do
    if [[ "${HPYRS_SKIP_NEW_CPYTHON:-0}" == 1 ]]; then
        new_cpython_missing "$ver" "skipped (HPYRS_SKIP_NEW_CPYTHON=1)"
    else
        install_new_cpython "$ver"
    fi
done

echo "$VENV"
