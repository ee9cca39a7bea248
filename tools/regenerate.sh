#!/usr/bin/env bash
# Regenerates hpy-sys/src/generated/ from the headers of the hpy package in .venv (needs libclang).
set -euo pipefail
cd "$(dirname "$0")/.."
export HPY_PYTHON="${HPY_PYTHON:-$PWD/.venv/bin/python}"
cargo build -p hpy-sys --features bindgen --message-format=json-render-diagnostics \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "build-script-executed" and m["package_id"].find("hpy-sys") >= 0:
        print(m["out_dir"])' | tail -1 > target/.hpy-sys-out
out=$(cat target/.hpy-sys-out)
cp "$out"/bindings.rs "$out"/api.rs "$out"/cpython_shims.c hpy-sys/src/generated/
echo "regenerated hpy-sys/src/generated from $out"
