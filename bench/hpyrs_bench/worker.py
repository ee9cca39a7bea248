"""The measuring process: loads every variant side by side and runs the patterns.

    python worker.py MANIFEST.json

The harness (`measure.py`) writes the manifest and starts this script, natively for wall
time and smoke runs, or under `valgrind --tool=callgrind --instr-atstart=no` for instruction
counts. Every variant's modules are loaded in this one process, before anything is measured,
so all of them run against the same interpreter and allocator state: separate processes
differ by a few instructions per call (obmalloc state), which is the size of the effect we
measure.

Callgrind mode: each loop runs once to warm up (the specialising interpreter rewrites its
bytecode during the first iterations), then with N1 and N2 iterations, each between a
counter reset and a labelled dump; the harness reads the dumps and takes
(Ir(N2) - Ir(N1)) / (N2 - N1), in which everything outside the loop cancels.

Wall mode: the loops of all variants are interleaved, `repeats` times, so slow drift of the
machine spreads over every variant; the harness takes medians.

The result (checks and wall times) is written as JSON to the manifest's `out` path.
"""

from __future__ import annotations

import ctypes
import gc
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent))
from patterns import PATTERNS, Pattern, baseline_source, pattern_source  # noqa: E402


def load_module(entry: Dict[str, str]) -> ModuleType:
    """Imports one built module from its file, under its own name, without sys.modules."""
    name, path, mode = entry["name"], entry["path"], entry["mode"]
    spec = importlib.util.spec_from_file_location(name, path)
    if mode == "cpython":
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    import hpy.universal as hu

    hpy_mode = hu.MODE_DEBUG if mode == "debug" else hu.MODE_UNIVERSAL
    return hu.load(name, path, spec, mode=hpy_mode)


def compile_loop(source: str) -> Callable[..., None]:
    namespace: Dict[str, Any] = {}
    exec(compile(source, "<bench loop>", "exec"), namespace)
    return namespace["run"]


class Callgrind:
    """The client requests of bench/cgclient (no-ops when not under valgrind)."""

    def __init__(self, library: str) -> None:
        self.lib = ctypes.CDLL(library)
        self.lib.cg_dump.argtypes = [ctypes.c_char_p]

    def start(self) -> None:
        self.lib.cg_start()

    def zero(self) -> None:
        self.lib.cg_zero()

    def dump(self, label: str) -> None:
        self.lib.cg_dump(label.encode())


def main(manifest_path: str) -> None:
    manifest = json.loads(Path(manifest_path).read_text())
    variants: List[Dict[str, Any]] = manifest["variants"]
    wanted = set(manifest["patterns"])
    patterns: List[Pattern] = [p for p in PATTERNS if p.name in wanted]
    modules = {v["key"]: (load_module(v["microbench"]), load_module(v["array"])) for v in variants}
    objs: List[Any] = []

    checks: Dict[str, Dict[str, str]] = {}
    for pattern in patterns:
        checks[pattern.name] = {}
        for key, (mb, ar) in modules.items():
            scope: Dict[str, Any] = {"mb": mb, "ar": ar, "objs": objs}
            try:
                exec(pattern.setup, scope)
                checks[pattern.name][key] = repr(eval(pattern.check, scope))
            except Exception as error:  # reported as a mismatch by the harness
                checks[pattern.name][key] = f"raised {type(error).__name__}: {error}"
        objs.clear()

    baselines = sorted({(p.baseline_setup, p.baseline) for p in patterns})
    baseline_loops = {b: compile_loop(baseline_source(p)) for p in patterns
                      for b in [(p.baseline_setup, p.baseline)]}
    loops = {(p.name, key): compile_loop(pattern_source(p)) for p in patterns for key in modules}

    def run(loop: Callable[..., None], n: int, key: str) -> None:
        mb, ar = modules[key] if key else (None, None)
        loop(n, mb, ar, objs)

    result: Dict[str, Any] = {"checks": checks, "baselines": {}, "wall": {}}
    mode = manifest["mode"]
    any_key = next(iter(modules))
    if mode == "callgrind":
        cg = Callgrind(manifest["cgclient"])
        n1, n2, warm = manifest["n1"], manifest["n2"], manifest["warm"]
        cg.start()

        def measure(label: str, loop: Callable[..., None], key: str, full_warm_up: bool) -> None:
            run(loop, n2 if full_warm_up else warm, key)
            objs.clear()
            for n in (n1, n2):
                gc.collect()
                cg.zero()
                run(loop, n, key)
                cg.dump(f"{label}|{n}")
                objs.clear()

        for index, b in enumerate(baselines):
            measure(f"baseline|{index}", baseline_loops[b], any_key, True)
        for pattern in patterns:
            for key in modules:
                measure(f"pattern|{pattern.name}|{key}", loops[pattern.name, key], key,
                        pattern.keeps_objects)
        result["baseline_labels"] = {f"{b[0]}\n{b[1]}": index for index, b in enumerate(baselines)}
    else:
        n, repeats, warm = manifest["wall_n"], manifest["repeats"], manifest["warm"]

        def seconds(loop: Callable[..., None], key: str) -> float:
            gc.collect()
            start = time.perf_counter()
            run(loop, n, key)
            elapsed = time.perf_counter() - start
            objs.clear()
            return elapsed

        wall: Dict[str, Dict[str, List[float]]] = {p.name: {k: [] for k in modules} for p in patterns}
        base: Dict[str, List[float]] = {f"{b[0]}\n{b[1]}": [] for b in baselines}
        # A loop that raises (a variant the interpreter cannot run, e.g. C HPy's reflected
        # operators on PyPy) is reported under "errors" and not timed.
        errors: Dict[str, Dict[str, str]] = {}
        for (name, key), loop in list(loops.items()):
            try:
                run(loop, warm, key)
            except Exception as error:
                errors.setdefault(name, {})[key] = f"{type(error).__name__}: {error}"
                del loops[name, key]
                wall[name].pop(key)
            objs.clear()
        result["errors"] = errors
        for loop in baseline_loops.values():
            run(loop, warm, any_key)
            objs.clear()
        for _ in range(repeats):
            for b in baselines:
                base[f"{b[0]}\n{b[1]}"].append(seconds(baseline_loops[b], any_key) / n)
            for pattern in patterns:
                for key in wall[pattern.name]:
                    wall[pattern.name][key].append(seconds(loops[pattern.name, key], key) / n)
        result["wall"] = wall
        result["baselines"] = base
    Path(manifest["out"]).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
