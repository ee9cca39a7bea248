#!/usr/bin/env bash
# The main job, end to end: one Rust source (examples/quickstart), built for the CPython ABI
# and for the HPy universal ABI, then called from Python as
#   1. a normal CPython extension            (quickstart.cpython-3XY-*.so)
#   2. the universal binary through its stub (quickstart.py + quickstart.hpy0.so)
#   3. the same universal binary, HPY=debug  (no rebuild; leak-checked call)
# and on every other interpreter tools/setup_env.sh installed (tools/python3.X, tools/pypy).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$(bash tools/setup_env.sh | tail -n 1)"
PY="$VENV/bin/python"
CRATE=examples/quickstart

banner() { printf '\n==== %s\n' "$*"; }

banner "build: CPython ABI"
"$PY" tools/hpy_build.py "$CRATE" --abi cpython
banner "build: universal ABI"
"$PY" tools/hpy_build.py "$CRATE" --abi universal

# What every run prints: where the module came from and a call into Rust.
SHOW='
import sys, quickstart
doc = (quickstart.__doc__ or "").strip().splitlines()
print("  python   :", sys.version.split()[0], "(" + sys.executable + ")")
print("  module   :", quickstart.__file__)
print("  doc      :", doc[0] if doc else None)
print("  functions:", ", ".join(n for n in dir(quickstart) if not n.startswith("_")))
print("  add(2, 3) =", quickstart.add(2, 3))
'

banner "1. CPython ABI: import quickstart"
env -u HPY -u HPY_LOG PYTHONPATH="$CRATE/build/cpython" "$PY" -c "$SHOW"

banner "2. universal ABI through the stub: import quickstart"
env -u HPY PYTHONPATH="$CRATE/build/universal" HPY_LOG=1 "$PY" -c "$SHOW"

banner "3. universal ABI in debug mode: HPY=debug import quickstart"
HPY=debug HPY_LOG=1 PYTHONPATH="$CRATE/build/universal" "$PY" -c "$SHOW"'
from hpy.debug import LeakDetector
with LeakDetector():
    quickstart.add(40, 2)
print("  LeakDetector: no handle leaked by add(40, 2)")
'

# The other CPythons tools/setup_env.sh installed (tools/python3.X), and PyPy (tools/pypy).
others=()
for ver in 3.8 3.9 3.10 3.12 3.13 3.14 3.15; do
    "$ROOT/tools/python$ver" -c "" >/dev/null 2>&1 && others+=("$ROOT/tools/python$ver")
done
"$ROOT/tools/pypy" -c "import hpy.universal" >/dev/null 2>&1 && others+=("$ROOT/tools/pypy")
if ((${#others[@]})); then
    banner "bonus: the same quickstart.hpy0.so on the other installed interpreters"
    for other in "${others[@]}"; do
        env -u HPY -u HPY_LOG PYTHONPATH="$CRATE/build/universal" "$other" -c \
            'import sys, quickstart; print("  %-5s %-8s add(2, 3) = %s" % (sys.implementation.name, sys.version.split()[0], quickstart.add(2, 3)))' ||
            echo "  $other: FAILED"
    done
fi
