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
#   * hypothesis (the fuzz test, tests/python/test_fuzz.py) in every one of those environments,
#     pinned per interpreter (the last releases that support 3.8 and 3.9; a pure-Python one
#     elsewhere, since newer ones ship CPython-only compiled wheels that PyPy cannot install).
#   * mypy (pinned) in the host venv, for the .pyi stub test (tests/python/test_stubs.py).
# Prints the venv path (last line of stdout). Rust itself (cargo, rustfmt, clippy) is
# expected to be installed already, e.g. with rustup.
#
# Environment: HPYRS_PYTHON=/path/to/python3 picks the base interpreter for a new venv;
# HPYRS_SKIP_APT=1 skips the apt step (install those packages yourself, e.g. without root);
# HPYRS_APT_LOCK_WAIT=<seconds> (default 300) bounds how long apt-get waits for another apt-get
# or dpkg (e.g. unattended-upgrades) to release its lock; HPYRS_SKIP_PYPY=1 skips PyPy;
# HPYRS_SKIP_NEW_CPYTHON=1 skips CPython 3.14 and 3.15.
#
# Sourced (`source tools/setup_env.sh`), it only defines the apt functions below and returns:
# tests/python/test_setup_env.py runs them against a fake apt-get.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

HPY_VERSION="0.9.0"
PYTEST_VERSION="9.2.0"
SETUPTOOLS_VERSION="84.2.1"
# bench/ draws its chart with it (the test suite runs the benchmark's smoke mode).
MATPLOTLIB_VERSION="3.11.2"

log() { echo "setup_env: $*" >&2; }

# ---- apt, waiting for its lock ----------------------------------------------------------
# Another apt-get or dpkg (unattended-upgrades, a second setup run) holds apt's locks for as long
# as it runs, and apt-get then fails at once ("E: Could not get lock /var/lib/apt/lists/lock").
# DPkg::Lock::Timeout makes apt-get itself wait for the dpkg lock (apt >= 1.9.11; older ones
# ignore the option); `apt-get update`'s lists lock has no such option, so a failure that names a
# lock is retried. Both within one bound, HPYRS_APT_LOCK_WAIT seconds in all.
apt_lock_error() { # LOGFILE: did this apt-get run fail because another process held a lock?
    grep -qE 'Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock' "$1"
}

# apt_get_retry [PREFIX...] -- ARGS...: runs `PREFIX apt-get ARGS` (PREFIX: sudo, env ...),
# output to stderr, until it succeeds, fails for another reason than a lock, or the wait is over
# (HPYRS_APT_RETRY_DELAY: seconds between attempts, default 5).
apt_get_retry() {
    local -
    set -o pipefail
    local prefix=() wait="${HPYRS_APT_LOCK_WAIT:-300}" delay="${HPYRS_APT_RETRY_DELAY:-5}"
    while [[ "$1" != -- ]]; do prefix+=("$1"); shift; done
    shift
    if ! [[ "$wait" =~ ^[0-9]+$ ]]; then
        log "error: HPYRS_APT_LOCK_WAIT must be a number of seconds, not '$wait'"
        return 1
    fi
    local start=$SECONDS attempt=0 left rc out
    out="$(mktemp -t hpyrs-apt.XXXXXX)"
    while :; do
        attempt=$((attempt + 1))
        left=$((wait - (SECONDS - start)))
        ((left > 0)) || left=0
        rc=0 # pipefail: a failure is apt-get's status (tee's is 0)
        ${prefix[@]+"${prefix[@]}"} apt-get -o "DPkg::Lock::Timeout=$left" "$@" 2>&1 | tee "$out" >&2 || rc=$?
        if ((rc == 0)); then
            rm -f "$out"
            return 0
        fi
        if ! apt_lock_error "$out"; then
            rm -f "$out"
            log "error: apt-get $* failed (exit $rc); see its output above"
            return "$rc"
        fi
        if ((SECONDS - start >= wait)); then
            rm -f "$out"
            log "error: apt-get $*: another apt-get or dpkg still holds apt's lock after ${wait}s" \
                "($attempt attempts). Wait for it to finish (ps -C apt-get,apt,dpkg,unattended-upgr) and" \
                "rerun, wait longer with HPYRS_APT_LOCK_WAIT=<seconds>, or install the packages" \
                "yourself and set HPYRS_SKIP_APT=1"
            return 1
        fi
        log "apt-get $*: apt's lock is held by another process; retrying in ${delay}s" \
            "(attempt $attempt, gives up after ${wait}s)"
        sleep "$delay"
    done
}

# install_apt_packages PKG...: installs those of PKG that `dpkg -s` does not know (as root, or
# through sudo).
install_apt_packages() {
    local missing=() pkg sudo=()
    for pkg in "$@"; do
        if ! dpkg -s "$pkg" >/dev/null 2>&1; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]})) || return 0
    log "installing Debian packages: ${missing[*]}"
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            log "error: need root (or sudo) to install: ${missing[*]} (or install them and set HPYRS_SKIP_APT=1)"
            return 1
        fi
    fi
    apt_get_retry ${sudo[@]+"${sudo[@]}"} -- update || return
    apt_get_retry ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive -- \
        install -y --no-install-recommends "${missing[@]}"
}

# Sourced: the functions above are all that is wanted.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    return 0
fi

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
    install_apt_packages "${apt_packages[@]}"
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

# pytest 9 needs Python 3.10: the two oldest CPythons get the last pytest that runs on them.
pytest_version_for() {
    case "$1" in
    3.8) echo 8.3.5 ;;
    3.9) echo 8.4.2 ;;
    *) echo "$PYTEST_VERSION" ;;
    esac
}

# new_cpython_ready VER PACKAGE==VERSION...: tools/pythonVER runs CPython VER (3.14d: the debug
# build) with hpy.universal, pytest and exactly these versions.
new_cpython_ready() {
    "$ROOT/tools/python$1" - "$@" <<'EOF' >/dev/null 2>&1
import sys
import hpy.universal, pytest  # noqa: F401
from importlib.metadata import version
assert "%d.%d" % sys.version_info[:2] == sys.argv[1].rstrip("d")
assert sys.argv[1].endswith("d") == hasattr(sys, "gettotalrefcount")  # 3.14d: the debug build
want = dict(arg.split("==") for arg in sys.argv[2:])
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
    local want=("hpy==$HPY_VERSION" "pytest==$PYTEST_VERSION" "setuptools==$SETUPTOOLS_VERSION")
    if new_cpython_ready "$ver" "${want[@]}"; then
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
        "${want[@]}" 2>&1)"; then
        new_cpython_missing "$ver" "pip could not install hpy==$HPY_VERSION and pytest: $(echo "$reason" | grep -E 'error|ERROR' | head -n 1)"
        return
    fi
    if ! new_cpython_ready "$ver" "${want[@]}"; then
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

# ---- CPython 3.8-3.13 from pyenv ------------------------------------------------------
# tools/test.sh runs the full universal suites on every CPython. For each minor besides 3.11
# (the main venv's), a venv of pyenv's newest plain 3.X.N in .interpreters/cpython3.X/venv, so
# that tools/python3.X runs it like the sid builds.
find_pyenv_python() {
    local minor="$1" root best="" best_patch=-1 d patch
    for root in "${PYENV_ROOT:-}" "$(pyenv root 2>/dev/null || true)" "$HOME/.pyenv" /root/.pyenv; do
        [[ -n "$root" && -d "$root/versions" ]] || continue
        for d in "$root/versions/$minor".*; do
            patch="${d##*/"$minor".}"
            [[ "$patch" =~ ^[0-9]+$ && -x "$d/bin/python3" ]] || continue # plain builds, e.g. not 3.13.0t
            if ((patch > best_patch)); then
                best="$d/bin/python3"
                best_patch=$patch
            fi
        done
    done
    [[ -n "$best" ]] && echo "$best"
}

install_pyenv_cpython() {
    local ver="$1" base reason
    local dir="$ROOT/.interpreters/cpython$ver"
    local want=("hpy==$HPY_VERSION" "pytest==$(pytest_version_for "$ver")")
    rm -f "$ROOT/.interpreters/cpython$ver.missing"
    if new_cpython_ready "$ver" "${want[@]}"; then
        log "$dir is up to date ($("$ROOT/tools/python$ver" --version 2>&1), ${want[*]})"
        return
    fi
    if ! base="$(find_pyenv_python "$ver")"; then
        new_cpython_missing "$ver" "no pyenv CPython $ver.N (pyenv provides CPython 3.8-3.13 on the project's machines)"
        return
    fi
    rm -rf "$dir"
    if ! reason="$("$base" -m venv "$dir/venv" 2>&1)"; then
        new_cpython_missing "$ver" "$base cannot make a venv: $(echo "$reason" | tail -n 1)"
        return
    fi
    # tools/python3.X runs venv/bin/python3.X, which 3.8's venv module does not create
    [[ -e "$dir/venv/bin/python$ver" ]] || ln -s python "$dir/venv/bin/python$ver"
    # hpy 0.9.0 has no wheel for 3.13: pip builds it there (gcc and the pyenv headers).
    if ! reason="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$dir/venv/bin/python" -m pip install --quiet "${want[@]}" 2>&1)"; then
        new_cpython_missing "$ver" "pip could not install ${want[*]}: $(echo "$reason" | grep -E 'error|ERROR' | head -n 1)"
        return
    fi
    if ! new_cpython_ready "$ver" "${want[@]}"; then
        new_cpython_missing "$ver" "tools/python$ver does not start or lacks ${want[*]}"
        return
    fi
    log "installed a venv of $("$base" --version 2>&1) ($base) with ${want[*]} into $dir"
}

for ver in 3.8 3.9 3.10 3.12 3.13; do
    install_pyenv_cpython "$ver"
done

# ---- hypothesis, for the fuzz test (tests/python/test_fuzz.py) --------------------------
# hypothesis is the standard property-based testing tool for Python: it shrinks a failing input
# to a minimal one and replays a run exactly from a fixed seed (the fuzz test derandomizes).
# 6.155.7 is its newest pure-Python release (later ones ship a compiled module, with wheels
# for CPython only), so PyPy runs the same version as CPython 3.10-3.15; 3.9 and 3.8 get the
# last releases that support them. Installed into every interpreter set up above; one that
# cannot get it says why here, and the fuzz test skips there (fails under CI=true).
HYPOTHESIS_VERSION="6.155.7"
hypothesis_version_for() {
    case "$1" in
    3.8) echo 6.113.0 ;;
    3.9) echo 6.141.1 ;;
    *) echo "$HYPOTHESIS_VERSION" ;;
    esac
}
has_hypothesis() { # VERSION PYTHON...
    "${@:2}" -c 'import sys, hypothesis; sys.exit(hypothesis.__version__ != sys.argv[1])' "$1" >/dev/null 2>&1
}
install_hypothesis() { # LABEL VERSION PYTHON... (the pip install arguments follow "--")
    local label="$1" version="$2" python=() reason
    shift 2
    while [[ "$1" != -- ]]; do python+=("$1"); shift; done
    shift
    if has_hypothesis "$version" "${python[@]}"; then
        log "$label has hypothesis $version"
        return
    fi
    if reason="$(PIP_DISABLE_PIP_VERSION_CHECK=1 "$@" "hypothesis==$version" 2>&1)" &&
        has_hypothesis "$version" "${python[@]}"; then
        log "installed hypothesis $version into $label"
    else
        log "$label: could not install hypothesis $version: $(echo "$reason" | grep -E 'error|ERROR' | head -n 1)"
    fi
}
install_hypothesis "$VENV" "$HYPOTHESIS_VERSION" "$VENV/bin/python" -- "$VENV/bin/python" -m pip install --quiet
if [[ ! -f "$PYPY_MISSING" ]]; then
    # Like pytest: into the unpacked tree's site-packages (with its dependency sortedcontainers).
    install_hypothesis "PyPy" "$HYPOTHESIS_VERSION" "$ROOT/tools/pypy" -- "$VENV/bin/python" -m pip install --quiet \
        --target "$PYPY_DIR/usr/local/lib/pypy3.11/dist-packages" --python-version 3.11 --implementation pp \
        --only-binary=:all:
fi
for ver in 3.8 3.9 3.10 3.12 3.13 3.14 3.15 3.14d; do
    [[ -f "$ROOT/.interpreters/cpython$ver.missing" ]] && continue
    install_hypothesis "CPython $ver" "$(hypothesis_version_for "$ver")" "$ROOT/tools/python$ver" -- \
        "$ROOT/tools/python$ver" -m pip install --quiet
done

# ---- mypy, for the stub test (tests/python/test_stubs.py) -------------------------------
# mypy's stubtest compares every example's generated .pyi with the imported module, and
# `mypy --strict` checks a typed client against the stubs. Host venv only (the stub test is
# host-only); pinned so a new mypy release cannot change the verdict unnoticed.
MYPY_VERSION="2.4.1"
if "$VENV/bin/python" -c 'import sys, mypy.version; sys.exit(mypy.version.__version__ != sys.argv[1])' "$MYPY_VERSION" >/dev/null 2>&1; then
    log "$VENV has mypy $MYPY_VERSION"
elif PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet "mypy==$MYPY_VERSION"; then
    log "installed mypy $MYPY_VERSION into $VENV"
else
    log "$VENV: could not install mypy $MYPY_VERSION (tests/python/test_stubs.py skips)"
fi

# ---- the guide's site: mdBook, Chromium, Playwright, LinkChecker (issue 14) ------------
# The guide (guide/) is built by tools/test.sh's "guide" step and checked like a web site by
# tests/python/test_guide_site.py. Each tool is installed once and skipped when present; one that
# cannot be installed says why here, and that test skips (fails under CI=true).
#   * mdBook, from crates.io into .tools/mdbook (git-ignored), pinned: the issue names it; Rust's
#     own books (the Book, the Reference) and PyO3's guide are built with it; it renders Markdown
#     code blocks as written, and its html output has a built-in client-side search. Only the
#     "search" feature: "serve" and "watch" (a live-reload server, a file watcher) are for
#     writers, not for a build, and make the compile much longer.
#   * Debian's chromium (run headless), through apt like the packages above (HPYRS_SKIP_APT=1
#     skips it).
#   * playwright (drives that Chromium from the test: pages, console errors, the search box;
#     launched with executable_path=/usr/bin/chromium, so it downloads no browser) and linkchecker
#     (crawls the served site and reports broken links), pinned, into the host venv.
MDBOOK_VERSION="0.5.4"
PLAYWRIGHT_VERSION="1.65.3"
LINKCHECKER_VERSION="10.6.0"
MDBOOK="$ROOT/.tools/mdbook/bin/mdbook"
if [[ "${HPYRS_SKIP_APT:-0}" != 1 ]] && command -v dpkg >/dev/null 2>&1; then
    install_apt_packages chromium || log "could not install chromium (tests/python/test_guide_site.py skips)"
fi
if [[ "$("$MDBOOK" --version 2>/dev/null)" == "mdbook v$MDBOOK_VERSION" ]]; then
    log "$MDBOOK is mdBook $MDBOOK_VERSION"
else
    log "installing mdBook $MDBOOK_VERSION into $ROOT/.tools/mdbook (cargo install: a few minutes)"
    if cargo install mdbook --locked --version "$MDBOOK_VERSION" --no-default-features --features search \
        --root "$ROOT/.tools/mdbook" --force >&2; then
        log "installed mdBook $MDBOOK_VERSION into $ROOT/.tools/mdbook"
    else
        log "could not install mdBook $MDBOOK_VERSION (tools/test.sh's guide step and test_guide_site.py fail or skip)"
    fi
fi
if "$VENV/bin/python" -c 'import sys
from importlib.metadata import version
sys.exit(not (version("playwright") == sys.argv[1] and version("linkchecker") == sys.argv[2]))' \
    "$PLAYWRIGHT_VERSION" "$LINKCHECKER_VERSION" >/dev/null 2>&1; then
    log "$VENV has playwright $PLAYWRIGHT_VERSION and linkchecker $LINKCHECKER_VERSION"
elif PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip install --quiet \
    "playwright==$PLAYWRIGHT_VERSION" "linkchecker==$LINKCHECKER_VERSION" >&2; then
    log "installed playwright $PLAYWRIGHT_VERSION and linkchecker $LINKCHECKER_VERSION into $VENV"
else
    log "$VENV: could not install playwright/linkchecker (tests/python/test_guide_site.py skips)"
fi

# ---- hpy 0.9.0 with its type marker moved, for CPython 3.13+ ---------------------------
# HPy 0.9.0 marks its types with tp_flags bit 2, which CPython 3.13 took for
# Py_TPFLAGS_INLINE_VALUES: every instance of an HPy type then crashes on attribute lookup
# (hpyproject/hpy#493; HPy 0.9 does not support 3.13, hpyproject/hpy#490). The fix proposed
# upstream (hpyproject/hpy#494) moves the marker to a free bit; this is hpy 0.9.0's sdist with
# that one line changed (bit 21, the bit hpy-sys uses in its own CPython-ABI runtime), built
# into .interpreters/cpython3.X/hpy-moved-marker. tools/test.sh puts it first on PYTHONPATH for
# the universal suites on 3.13-3.15; the venvs keep PyPI's hpy, which test_pypy_bugs.py shows
# crashing there.
MOVED_MARKER_SRC="$ROOT/.interpreters/hpy-$HPY_VERSION-moved-marker-src"
MARKER_LINE="#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 2)"
MOVED_MARKER_LINE="#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 21)"

moved_marker_missing() {
    echo "${*:2}" >"$ROOT/.interpreters/cpython$1/hpy-moved-marker.missing"
    log "CPython $1: no hpy with the moved type marker: ${*:2}"
}

prepare_moved_marker_source() {
    local ctx="$MOVED_MARKER_SRC/hpy/devel/src/runtime/ctx_type.c" download
    if [[ -f "$ctx" ]] && grep -qxF "$MOVED_MARKER_LINE" "$ctx"; then
        return 0
    fi
    rm -rf "$MOVED_MARKER_SRC"
    download="$(mktemp -d)"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VENV/bin/python" -m pip download --quiet --no-deps \
        --no-binary :all: "hpy==$HPY_VERSION" -d "$download" >&2 || return 1
    mkdir -p "$MOVED_MARKER_SRC"
    tar -xzf "$download/hpy-$HPY_VERSION.tar.gz" -C "$MOVED_MARKER_SRC" --strip-components=1 || return 1
    rm -rf "$download"
    ctx="$MOVED_MARKER_SRC/hpy/devel/src/runtime/ctx_type.c"
    if [[ "$(grep -cxF "$MARKER_LINE" "$ctx")" != 1 ]]; then
        log "error: $ctx does not define the type marker as hpy $HPY_VERSION does"
        return 1
    fi
    sed -i "s/^$MARKER_LINE\$/$MOVED_MARKER_LINE/" "$ctx"
    grep -qxF "$MOVED_MARKER_LINE" "$ctx"
}

moved_marker_ready() {
    local target="$ROOT/.interpreters/cpython$1/hpy-moved-marker"
    [[ -f "$target/hpy/devel/src/runtime/ctx_type.c" ]] &&
        grep -qxF "$MOVED_MARKER_LINE" "$target/hpy/devel/src/runtime/ctx_type.c" &&
        PYTHONPATH="$target" "$ROOT/tools/python$1" -c \
            "import sys, hpy.universal; sys.exit(not hpy.universal.__file__.startswith(sys.argv[1]))" \
            "$target" >/dev/null 2>&1
}

install_moved_marker_hpy() {
    local ver="$1" reason
    local dir="$ROOT/.interpreters/cpython$ver"
    local target="$dir/hpy-moved-marker"
    [[ -f "$ROOT/.interpreters/cpython$ver.missing" ]] && return
    rm -f "$target.missing"
    if moved_marker_ready "$ver"; then
        log "$target is up to date"
        return
    fi
    if ! prepare_moved_marker_source; then
        moved_marker_missing "$ver" "could not download and patch hpy $HPY_VERSION's sdist"
        return
    fi
    rm -rf "$target"
    local cppflags=""
    local include
    include="$("$ROOT/tools/python$ver" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
    if [[ "$include" == "$dir"/* ]]; then
        # sid's headers, as for PyPI's hpy above
        cppflags="-I$dir/usr/include -include $include/pyconfig.h"
    fi
    if ! reason="$(CPPFLAGS="$cppflags" PIP_DISABLE_PIP_VERSION_CHECK=1 "$ROOT/tools/python$ver" -m pip install \
        --quiet --no-deps --target "$target" "$MOVED_MARKER_SRC" 2>&1)"; then
        moved_marker_missing "$ver" "pip could not build it: $(echo "$reason" | grep -E 'error|ERROR' | head -n 1)"
        return
    fi
    # The headers and runtime sources ship inside the package: the copy's must show the move.
    if ! moved_marker_ready "$ver"; then
        moved_marker_missing "$ver" "the build in $target does not import or lacks the moved marker"
        return
    fi
    log "built hpy $HPY_VERSION with its type marker on bit 21 (hpyproject/hpy#494) for CPython $ver into $target"
}

for ver in 3.13 3.14 3.15 3.14d; do
    install_moved_marker_hpy "$ver"
done

echo "$VENV"
