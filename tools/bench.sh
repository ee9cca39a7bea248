#!/usr/bin/env bash
# The benchmark, from a fresh machine: tools/bench.sh [bench/bench.py options]
#
# Sets up .venv (tools/setup_env.sh: hpy 0.9.0, valgrind, matplotlib...), then builds
# examples/microbench and examples/array in hpy-rs's two ABIs, their C HPy, C-API and PyO3
# twins (bench/reference/), measures every call pattern under callgrind and by wall time,
# prints the tables and writes bench/results/{results.json,results.md,chart.png}.
# `tools/bench.sh --smoke` is the quick check the test suite runs; `tools/bench.sh --python 3.14`
# measures on the project-local CPython 3.14 (results in bench/results/cpython3.14/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$(bash "$ROOT/tools/setup_env.sh" | tail -n 1)"
export HPY_PYTHON="$VENV/bin/python"
# tools/bench.sh --kiwi [options]: the kiwisolver port against the real kiwisolver 1.5.1
# (bench/kiwi_bench.py: CPython callgrind + wall time, PyPy wall time, enaml_like, growth;
# results in bench/results/kiwi.{json,md}; --smoke is the test suite's quick check).
if [[ "${1:-}" == "--kiwi" ]]; then
    shift
    exec "$VENV/bin/python" "$ROOT/bench/kiwi_bench.py" "$@"
fi
exec "$VENV/bin/python" "$ROOT/bench/bench.py" "$@"
