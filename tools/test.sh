#!/usr/bin/env bash
# The full check, as CI runs it (.ci/run). From anywhere: tools/test.sh
#
#   1. tools/setup_env.sh                       (.venv with hpy 0.9.0, libclang, valgrind)
#   2. cargo fmt --all -- --check
#   3. cargo clippy --workspace --all-targets [--features hpy/cpython-abi] -- -D warnings
#   4. cargo test --workspace                   (universal ABI: links no Python)
#   5. cargo test -p hpy-sys --features bindgen (regenerates the bindings; fails if the
#                                                committed ones are stale; needs libclang)
#   6. .venv/bin/python -m pytest tests/python -v
#      (builds every example in both ABIs, release, and imports it in the cpython,
#       universal and debug modes; loads the universal quickstart on CPython 3.8-3.13)
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
pytest_summary="(pytest did not run)"

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

run_pytest() {
    local log rc
    log="$(mktemp -t hpyrs-pytest.XXXXXX)"
    set +e
    "$PY" -m pytest tests/python -v "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    # pytest's last "==== ... in 12.34s ====" line
    pytest_summary="$(grep -E '^=+ .* in [0-9.]+s( \([0-9:]+\))? =+$' "$log" | tail -n 1 || true)"
    if [[ -z "$pytest_summary" ]]; then
        pytest_summary="(no pytest summary line: pytest crashed or was killed, exit $rc)"
    fi
    rm -f "$log"
    return "$rc"
}

step fmt cargo fmt --all -- --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
step clippy-cpython-abi cargo clippy --workspace --all-targets --features hpy/cpython-abi -- -D warnings
step cargo-test cargo test --workspace
step bindgen-fresh cargo test -p hpy-sys --features bindgen
step pytest run_pytest "$@"

echo
echo "======== recap"
printf '%s\n' "${recap[@]}"
echo "pytest: $pytest_summary"
if ((failed)); then
    echo "test.sh: FAILED"
    exit 1
fi
echo "test.sh: all checks passed"
