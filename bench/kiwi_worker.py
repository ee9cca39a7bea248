"""The measuring process of bench/kiwi_bench.py: every kiwisolver variant side by side.

    python kiwi_worker.py MANIFEST.json       (CPython or PyPy; natively or under callgrind)

The manifest names a directory holding the variants as packages (`kiwisolver` = the real
kiwisolver wheel, `kiwi_port_universal` / `kiwi_port_cpython` = the port's package with the
binary of that ABI; the universal one loads through its stub and hpy.universal) and says what
to measure. All variants are imported in this one process before anything runs, and every
measurement interleaves them, so slow drift of the machine spreads over all of them.

Sections (manifest "mode"):
  wall       micro patterns (medians over `repeats` of loops of `wall_n` iterations, net of
             the bare loop), kiwisolver's enaml_like benchmark, the solver growth benchmark;
  callgrind  micro patterns and enaml_like's timed function: each loop is warmed up, then run
             with N1 and N2 iterations between a counter reset and a labelled dump
             (bench/cgclient), as bench/bench.py does; and one whole growth cycle per
             "callgrind_growth" N, counted once after a first one.
Every pattern's check value is computed for every variant first; the harness compares them.
Writes JSON to the manifest's "out".
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import sys
import time
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

# (name, setup, body, check): setup runs once per variant with the package as `k`; the body is
# the timed statement, run in `for _ in range(n // 100): for i in range(100): body` (so `i` is a
# cached small int); check is an expression evaluated after one run of the body, whose repr must
# be the same for every variant.
_VW = "v = k.Variable('v'); w = k.Variable('w')"
_SOLVER = (_VW + "; s = k.Solver(); s.addConstraint(v >= 0); s.addConstraint(w >= v + 10); "
           "s.addConstraint((w == 100) | 'weak'); s.addEditVariable(v, 'strong')")
MICRO: List[Tuple[str, str, str, str]] = [
    ("Variable()", "", "k.Variable()", "type(k.Variable()).__name__"),
    ("v + 1", _VW, "v + 1", "v + 1"),
    ("2 * v", _VW, "2 * v", "2 * v"),
    ("v + w", _VW, "v + w", "v + w"),
    ("v - w + 3", _VW, "v - w + 3", "v - w + 3"),
    ("e + 1", _VW + "; e = v + w", "e + 1", "e + 1"),
    # A constraint's expression is reduced; kiwisolver orders its terms by the variables'
    # addresses (a std::map keyed by pointer), so the check sorts them.
    ("(v + w) >= 10", _VW, "(v + w) >= 10",
     "(lambda c: (sorted((t.variable().name(), t.coefficient()) for t in c.expression().terms()), "
     "c.expression().constant(), c.op(), c.strength()))((v + w) >= 10)"),
    ("c | 'strong'", _VW + "; c = (v + w) >= 10", "c | 'strong'", "(c | 'strong').strength()"),
    ("s.addConstraint(c); s.removeConstraint(c)",
     _VW + "; c = (v + w) >= 10; s = k.Solver()",
     "s.addConstraint(c); s.removeConstraint(c)", "s.hasConstraint(c)"),
    ("s.suggestValue(v, i); s.updateVariables()", _SOLVER,
     "s.suggestValue(v, i); s.updateVariables()", "(v.value(), w.value())"),
    ("v.value()", _VW, "v.value()", "v.value()"),
]
BASELINE = ("(bare loop)", "", "pass", "None")

# The solver growth benchmark: N variables in a binary tree, x[i] >= x[(i-1)//2] + 1 (rows stay
# O(log N) long), x[0] >= 0, edit variables on 10 of them (strong), suggested values, update.
GROWTH_PHASES = ("build", "addConstraint", "addEditVariable", "suggest+update", "resuggest+update")


def growth_cycle(k: Any, n: int) -> Tuple[Dict[str, float], float]:
    clock = time.perf_counter
    t0 = clock()
    xs = [k.Variable("x%d" % i) for i in range(n)]
    cons = [xs[0] >= 0] + [xs[i] >= xs[(i - 1) // 2] + 1 for i in range(1, n)]
    t1 = clock()
    s = k.Solver()
    for c in cons:
        s.addConstraint(c)
    t2 = clock()
    edits = xs[:: max(1, n // 10)]
    for x in edits:
        s.addEditVariable(x, "strong")
    t3 = clock()
    for j, x in enumerate(edits):
        s.suggestValue(x, 3.0 * j)
    s.updateVariables()
    t4 = clock()
    for j, x in enumerate(edits):
        s.suggestValue(x, 1000.0 + 7.0 * j)
    s.updateVariables()
    t5 = clock()
    check = sum(x.value() for x in xs)
    times = dict(zip(GROWTH_PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)))
    return times, check


class _PerfShim(types.ModuleType):
    """Stands in for `perf` (pyperf's old name), which enaml_like_benchmark.py imports: its
    Runner only records the benchmark function, which this worker then times itself."""

    def __init__(self) -> None:
        super().__init__("perf")
        self.perf_counter = time.perf_counter
        self.registered: List[Tuple[str, Callable[..., float], tuple]] = []
        shim = self

        class Runner:
            def bench_time_func(self, name: str, func: Callable[..., float], *args: Any, **kw: Any) -> None:
                shim.registered.append((name, func, args))

        self.Runner = Runner


def load_enaml(source: str, package: Any) -> Tuple[Callable[[], Any], Callable[[int], float], Dict[str, Any]]:
    """Runs enaml_like_benchmark.py's module body with `kiwisolver` = `package` and `perf` = the
    shim; returns (a function re-running the body, the registered timing function bound to its
    solver, the module namespace)."""
    code = compile(source, "enaml_like_benchmark.py", "exec")

    def run_body() -> Tuple[Dict[str, Any], _PerfShim]:
        # Its imports see the shim as `perf` and this variant as `kiwisolver` while it runs
        # (through sys.modules, which CPython and PyPy both consult first).
        shim = _PerfShim()
        saved = {name: sys.modules.get(name) for name in ("perf", "kiwisolver")}
        sys.modules["perf"], sys.modules["kiwisolver"] = shim, package
        try:
            namespace: Dict[str, Any] = {"__name__": "enaml_like_benchmark"}
            exec(code, namespace)
        finally:
            for name, module in saved.items():
                if module is None:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = module
        return namespace, shim

    namespace, shim = run_body()
    (_, func, args), = shim.registered
    return run_body, (lambda loops: func(loops, *args)), namespace


class Callgrind:
    def __init__(self, library: str) -> None:
        self.lib = ctypes.CDLL(library)
        self.lib.cg_dump.argtypes = [ctypes.c_char_p]


def compile_pattern(setup: str, body: str) -> Callable[[Any], Callable[[int], None]]:
    source = ("def make(k):\n" + "".join(f"    {line.strip()}\n" for line in setup.split(";") if line.strip())
              + "    def run(n):\n        for _ in range(n // 100):\n            for i in range(100):\n"
              + "".join(f"                {stmt.strip()}\n" for stmt in body.split(";")) + "    return run\n")
    namespace: Dict[str, Any] = {}
    exec(compile(source, "<kiwi bench loop>", "exec"), namespace)
    return namespace["make"]


def main(manifest_path: str) -> None:
    manifest = json.loads(Path(manifest_path).read_text())
    sys.path.insert(0, manifest["packages"])
    variants: Dict[str, Any] = {v["key"]: importlib.import_module(v["package"]) for v in manifest["variants"]}
    result: Dict[str, Any] = {"loaded": {key: getattr(pkg._cext, "__file__", "?") for key, pkg in variants.items()}}
    micro = [p for p in MICRO if p[0] in manifest["micro"]]
    enaml_source = manifest.get("enaml_source")

    checks: Dict[str, Dict[str, str]] = {}
    for name, setup, body, check in micro:
        checks[name] = {}
        for key, k in variants.items():
            try:
                run = compile_pattern(setup, body)(k)
                run(100)
                scope: Dict[str, Any] = {"k": k, "i": 7}
                exec(setup, scope)
                exec(body, scope)
                checks[name][key] = repr(eval(check, scope))
            except Exception as error:
                checks[name][key] = f"raised {type(error).__name__}: {error}"
    for n in manifest.get("growth_n", []):
        checks[f"growth N={n}"] = {key: repr(round(growth_cycle(k, n)[1], 6)) for key, k in variants.items()}
    enaml: Dict[str, Tuple[Any, Callable[[int], float], Dict[str, Any]]] = {}
    if enaml_source:
        for key, k in variants.items():
            enaml[key] = load_enaml(enaml_source, k)
            enaml[key][1](1)
            ns = enaml[key][2]
            checks.setdefault("enaml_like", {})[key] = repr(
                [round(ns[v].value(), 6) for v in ("width", "height", "fl1left", "lb3top", "contents_bottom")])
    result["checks"] = checks

    loops = {(name, key): compile_pattern(setup, body)(k) for name, setup, body, _ in micro + [BASELINE]
             for key, k in variants.items() if name != BASELINE[0] or key == next(iter(variants))}
    base_key = next(iter(variants))

    if manifest["mode"] == "callgrind":
        cg = Callgrind(manifest["cgclient"]).lib
        n1, n2 = manifest["n1"], manifest["n2"]
        cg.cg_start()

        def measure(label: str, run: Callable[[int], None], counts: Tuple[int, int]) -> None:
            run(counts[1])  # warm-up: the specialising interpreter rewrites the loop's bytecode
            for n in counts:
                gc.collect()
                cg.cg_zero()
                run(n)
                cg.cg_dump(f"{label}|{n}".encode())

        for (name, key), run in loops.items():
            measure(f"{name}|{key}", run, (n1, n2))
        # enaml_like's timed function, one loop (6 steps) per iteration.
        for key, (_, timed, _) in enaml.items():
            def run_enaml(n: int, timed: Callable[[int], float] = timed) -> None:
                for _ in range(n // 100):
                    for i in range(100):
                        timed(1)

            measure(f"enaml|{key}", run_enaml, (manifest["enaml_n1"], manifest["enaml_n2"]))
        # One whole growth cycle per N (its own unit: no loop to subtract).
        for size in manifest.get("callgrind_growth", []):
            for key, k in variants.items():
                growth_cycle(k, size)
                gc.collect()
                cg.cg_zero()
                growth_cycle(k, size)
                cg.cg_dump(f"growth|{size}|{key}".encode())
        Path(manifest["out"]).write_text(json.dumps(result, indent=1))
        return

    n, repeats = manifest["wall_n"], manifest["repeats"]
    for run in loops.values():
        run(manifest["warm"])
    wall: Dict[str, Dict[str, List[float]]] = {name: {} for name, *_ in micro + [BASELINE]}
    for _ in range(repeats):
        for (name, key), run in loops.items():
            gc.collect()
            start = time.perf_counter()
            run(n)
            wall[name].setdefault(key, []).append((time.perf_counter() - start) / n)
    result["wall"] = wall
    result["baseline_key"] = base_key

    if enaml:
        loops_per_call = manifest["enaml_loops"]
        for _, timed, _ in enaml.values():
            timed(loops_per_call)  # warm-up (PyPy: JIT)
        steps: Dict[str, List[float]] = {key: [] for key in enaml}
        setups: Dict[str, List[float]] = {key: [] for key in enaml}
        for _ in range(manifest["enaml_repeats"]):
            for key, (run_body, timed, _) in enaml.items():
                gc.collect()
                # bench_update_variables: 6 (width, height) pairs per loop, each 2 suggestValue
                # + 1 updateVariables; per pair.
                steps[key].append(timed(loops_per_call) / (6 * loops_per_call))
                gc.collect()
                start = time.perf_counter()
                run_body()
                setups[key].append(time.perf_counter() - start)
        result["enaml"] = {"step": steps, "setup": setups}

    growth: Dict[str, Dict[str, Dict[str, List[float]]]] = {}
    for size in manifest.get("growth_n", []):
        per = growth[str(size)] = {key: {p: [] for p in GROWTH_PHASES + ("total",)} for key in variants}
        for key, k in variants.items():
            growth_cycle(k, size)  # warm-up
        for _ in range(manifest["growth_repeats"][str(size)]):
            for key, k in variants.items():
                gc.collect()
                times, _ = growth_cycle(k, size)
                for phase, seconds in times.items():
                    per[key][phase].append(seconds)
                per[key]["total"].append(sum(times.values()))
    result["growth"] = growth
    Path(manifest["out"]).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
