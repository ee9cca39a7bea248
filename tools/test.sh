#!/usr/bin/env bash
# The full check, as CI runs it (.ci/run). From anywhere: tools/test.sh
#
#   1. tools/setup_env.sh                       (.venv with hpy 0.9.0, libclang, valgrind)
#   2. cargo fmt --all -- --check
#   3. cargo clippy --workspace --all-targets [--features hpy/cpython-abi] -- -D warnings
#   4. cargo test --workspace                   (universal ABI: links no Python)
#   5. cargo test -p hpy-sys --features bindgen (regenerates the bindings; fails if the
#                                                committed ones are stale; needs libclang)
#   6. the guide: mdbook build guide (into target/guide) and cargo doc --no-deps with
#      RUSTDOCFLAGS="-D warnings" for hpy, hpy-macros and hpy-sys
#   7. .venv/bin/python -m pytest tests/python -v
#      (builds every example in both ABIs, release, and imports it in the cpython,
#       universal and debug modes; loads the universal quickstart on CPython 3.8-3.15
#       and PyPy; runs every suite in the CPython ABI on CPython 3.8-3.15 and 3.14d)
#   8. tools/pypy -m pytest tests/python -v
#      (the same suites on PyPy 7.3.19, modes pypy and pypy-debug, loading the very
#       .hpy0.so files step 7 built; skipped with the reason when PyPy could not be
#       installed, a failure under CI=true)
#   9. tools/python3.X -m pytest tests/python -v, for 3.8, 3.9, 3.10, 3.12, 3.13, 3.14, 3.15
#      and 3.14d (3.14's debug build)
#      (the same suites and .hpy0.so files, modes universal and debug; on 3.13+ with
#       setup_env.sh's hpy whose type marker is moved, hpyproject/hpy#493; skipped or
#       failed like PyPy when missing)
#
# Every step runs even if an earlier one failed; a recap with pytest's summary line is
# printed at the end and the exit status is non-zero if any step failed.
# Extra arguments are passed to pytest, e.g. `tools/test.sh -k quickstart -x`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$(bash tools/setup_env.sh | tail -n 1)"
PY="$VENV/bin/python"
# hpy-sys's build script asks this interpreter for the hpy headers (bindgen, CPython ABI).
export HPY_PYTHON="$PY"
export RUST_BACKTRACE="${RUST_BACKTRACE:-1}"

recap=()
failed=0

step() {
    local name="$1"
    shift
    local start=$SECONDS
    echo
    echo "======== [$name] $*"
    if "$@"; then
        recap+=("PASS  $name ($((SECONDS - start))s)")
    else
        local rc=$?
        recap+=("FAIL  $name (exit $rc, $((SECONDS - start))s)")
        failed=1
    fi
}

# run_pytest LABEL PYTHON [pytest args...]: records pytest's closing line under LABEL.
pytest_summaries=()
run_pytest() {
    local label="$1" python="$2" log rc summary
    shift 2
    log="$(mktemp -t hpyrs-pytest.XXXXXX)"
    set +e
    "$python" -m pytest tests/python -v -p no:cacheprovider "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    # pytest's last "==== ... in 12.34s ====" line
    summary="$(grep -E '^=+ .* in [0-9.]+s( \([0-9:]+\))? =+$' "$log" | tail -n 1 || true)"
    if [[ -z "$summary" ]]; then
        summary="(no pytest summary line: pytest crashed or was killed, exit $rc)"
    fi
    pytest_summaries+=("$label: $summary")
    rm -f "$log"
    return "$rc"
}

# session_missing NAME REASON: records that the NAME session cannot run; a failure under
# CI=true (status 1), a skip with the reason otherwise (status 0).
session_missing() {
    pytest_summaries+=("$1: not run: $2")
    if [[ "${CI:-}" == true ]]; then
        echo "test.sh: $1 is required under CI=true but missing: $2"
        return 1
    fi
    echo "test.sh: skipping the $1 session: $2"
}

# The PyPy session: the universal binaries the CPython session built, on PyPy.
run_pytest_pypy() {
    if ! "$ROOT/tools/pypy" -c "import hpy.universal, pytest" >/dev/null 2>&1; then
        session_missing PyPy "$(cat "$ROOT/.interpreters/pypy.missing" 2>/dev/null || echo "tools/pypy does not start")"
        return
    fi
    run_pytest "PyPy 7.3.19" "$ROOT/tools/pypy" "$@"
}

# The other CPythons (tools/python3.X, installed by setup_env.sh): the universal binaries the
# first session built, in modes universal and debug. On 3.13 and later with the hpy 0.9.0 that
# setup_env.sh built with its type marker moved off Py_TPFLAGS_INLINE_VALUES: PyPI's crashes
# there on every instance of an HPy type (hpyproject/hpy#493, tests/pypy_bugs/inline_values.c).
OTHER_CPYTHONS=(3.8 3.9 3.10 3.12 3.13 3.14 3.15 3.14d)
run_pytest_other_cpython() {
    local ver="$1" missing="" pythonpath="" version
    shift
    local python="$ROOT/tools/python$ver"
    local moved="$ROOT/.interpreters/cpython$ver/hpy-moved-marker"
    if ! "$python" -c "import hpy.universal, pytest" >/dev/null 2>&1; then
        missing="$(cat "$ROOT/.interpreters/cpython$ver.missing" 2>/dev/null || echo "tools/python$ver does not start")"
    elif [[ "$ver" =~ ^3\.1[3-9]d?$ ]]; then
        if [[ -d "$moved" && ! -f "$moved.missing" ]]; then
            pythonpath="$moved"
        else
            missing="no hpy with the moved type marker: $(cat "$moved.missing" 2>/dev/null || echo "not built")"
        fi
    fi
    if [[ -n "$missing" ]]; then
        session_missing "CPython $ver" "$missing"
        return
    fi
    version="$("$python" -c 'import platform, sys
print(platform.python_version() + (" (debug build)" if hasattr(sys, "gettotalrefcount") else ""))')"
    HPYRS_PREBUILT=1 HPYRS_MODES=universal,debug PYTHONPATH="$pythonpath" \
        run_pytest "CPython $version" "$python" "$@"
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
step clippy-cpython-abi cargo clippy --workspace --all-targets --features hpy/cpython-abi -- -D warnings
step cargo-test cargo test --workspace
step bindgen-fresh cargo test -p hpy-sys --features bindgen
step package-crates bash tools/package_crates.sh  # cargo package + publish --dry-run, both ABIs from the .crate files
# The guide: mdBook (setup_env.sh installs it into .tools/mdbook) builds guide/ into target/guide,
# and rustdoc documents the three crates with every warning an error (broken intra-doc links
# included). The site itself is checked by tests/python/test_guide_site.py.
run_guide() {
    local mdbook="$ROOT/.tools/mdbook/bin/mdbook"
    if [[ ! -x "$mdbook" ]]; then
        session_missing guide "no $mdbook (tools/setup_env.sh could not install mdBook)" || return
    else
        "$mdbook" build guide || return
    fi
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p hpy -p hpy-macros -p hpy-sys
}
step guide run_guide
step pytest run_pytest "CPython 3.11" "$PY" "$@"
step pytest-pypy run_pytest_pypy "$@"
for ver in "${OTHER_CPYTHONS[@]}"; do
    step "pytest-cpython$ver" run_pytest_other_cpython "$ver" "$@"
done

echo
echo "======== recap"
printf '%s\n' "${recap[@]}"
printf 'pytest, %s\n' "${pytest_summaries[@]}"
if ((failed)); then
    echo "test.sh: FAILED"
    exit 1
fi
echo "test.sh: all checks passed"
