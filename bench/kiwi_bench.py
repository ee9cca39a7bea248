#!/usr/bin/env python3
"""The kiwisolver benchmark: the port (examples/kiwisolver) against the real kiwisolver 1.5.1.

    tools/bench.sh --kiwi [options]          # the documented command (sets up .venv first)
    python bench/kiwi_bench.py [options]     # with an existing .venv/bin/python

Variants, all loaded side by side in one process per interpreter (bench/kiwi_worker.py):
  CPython 3.11 (this interpreter):  real   kiwisolver 1.5.1's wheel from PyPI (C++ on the C API)
                                     univ   the port, universal ABI (hpy.universal)
                                     cpy    the port, CPython ABI
  PyPy (tools/pypy):                 real   PyPy's kiwisolver 1.5.1 wheel from PyPI, if pip finds
                                            one (through PyPy's C-API emulation, cpyext)
                                     univ   the very universal binary the CPython run loads
The port is built in release mode with tools/hpy_build.py (as bench.sh builds its examples);
the wheels are installed with pip into target/kiwi-bench/ (`pip install --target`), never
committed. kiwisolver's benchmarks/enaml_like_benchmark.py is read from its 1.5.1 sdist,
downloaded by the test suite's helper (tests/python/test_kiwisolver.py: kiwi_sdist_dir).

Measures:
  * micro patterns of expression building and solving: wall-time medians (net of the bare
    loop, interleaved) and, on CPython, callgrind instructions per operation (also for
    enaml_like's step and whole growth cycles of N = --callgrind-growth);
  * enaml_like_benchmark.py: its module body (36 variables, 113 constraints added: "setup") and
    its timed function bench_update_variables (per (width, height) step: 2 suggestValue + 1
    updateVariables), run by our own interleaved loop with a stand-in for `perf` (see worker);
  * the solver growth benchmark for N in --growth: per phase and in total.

Writes kiwi.json and kiwi.md to --results (default bench/results; a temporary directory with
--smoke) and prints kiwi.md. Exit status 1 if the variants disagree on a result; target misses
are reported, not failures.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(BENCH / "hpyrs_bench"))
sys.path.insert(0, str(BENCH))

import hpy_build  # noqa: E402  (tools/hpy_build.py)
from kiwi_worker import GROWTH_PHASES, MICRO  # noqa: E402
from variants import PYPY, build_cgclient, pypy_missing_reason  # noqa: E402

WORKER = BENCH / "kiwi_worker.py"
KIWI = "1.5.1"
LABELS = {"real": "kiwisolver 1.5.1 (C++)", "univ": "port, universal", "cpy": "port, CPython ABI"}
PACKAGES = {"real": "kiwisolver", "univ": "kiwi_port_universal", "cpy": "kiwi_port_cpython"}
PYPY_WHEEL_ARGS = ["--implementation", "pp", "--python-version", "3.11", "--abi", "pypy311_pp73",
                   "--platform", "manylinux2014_x86_64", "--platform", "manylinux_2_17_x86_64"]


def log(message: str) -> None:
    print(f"kiwi-bench: {message}", file=sys.stderr, flush=True)


def _pip(args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)


def real_wheel(work: Path, pypy: bool) -> Optional[Path]:
    """kiwisolver 1.5.1's binary wheel from PyPI installed with pip into a private directory
    (for this CPython, or for PyPy 3.11 / 7.3); None if pip finds no wheel."""
    where = work / ("real-pypy" if pypy else "real-cpython")
    if (where / "kiwisolver" / "__init__.py").is_file():
        return where
    shutil.rmtree(where, ignore_errors=True)
    proc = _pip(["install", "-q", "--no-deps", "--only-binary", ":all:", "--target", str(where),
                 *(PYPY_WHEEL_ARGS if pypy else []), f"kiwisolver=={KIWI}"])
    if proc.returncode != 0:
        log(f"pip found no kiwisolver {KIWI} wheel for {'PyPy' if pypy else 'CPython'}:\n{proc.stderr[-1500:]}")
        return None
    return where


def wheel_tags(where: Path) -> str:
    """`kiwisolver 1.5.1 (<wheel tags>)` from the installed wheel's WHEEL file."""
    tags = [line.split(":", 1)[1].strip() for info in where.glob("kiwisolver-*.dist-info")
            for line in (info / "WHEEL").read_text().splitlines() if line.startswith("Tag:")]
    return f"kiwisolver {KIWI} ({', '.join(tags) or 'tags unknown'})"


def enaml_source() -> str:
    """benchmarks/enaml_like_benchmark.py of the 1.5.1 sdist, which the test suite's helper
    downloads with pip into target/kiwi-sdist (and never commits)."""
    sys.path.insert(0, str(ROOT / "tests" / "python"))
    import test_kiwisolver

    test_kiwisolver.kiwi_sdist_dir()
    tarball = ROOT / "target" / "kiwi-sdist" / test_kiwisolver.SDIST
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(f"kiwisolver-{KIWI}/benchmarks/enaml_like_benchmark.py")
        return member.read().decode()


def port_package(dest: Path, binary: Path, universal: bool) -> None:
    """The port's Python package under another name (its imports are relative), with one binary."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for src in (ROOT / "examples" / "kiwisolver" / "python" / "kiwisolver").glob("*.py"):
        shutil.copyfile(src, dest / src.name)
    shutil.copyfile(binary, dest / binary.name)
    if universal:
        shutil.copyfile(binary.with_name("_cext.py"), dest / "_cext.py")


def prepare(work: Path, no_pypy: bool, prebuilt: Dict[str, Optional[Path]]) -> Dict[str, Any]:
    """Builds the port (unless given its binaries), installs the wheels, lays out one package
    directory per interpreter."""
    built = {}
    for abi in ("universal", "cpython"):
        if prebuilt.get(abi):
            built[abi] = prebuilt[abi]
            continue
        log(f"building the port ({abi} ABI, release)")
        built[abi] = hpy_build.build(ROOT / "examples" / "kiwisolver", abi, work / f"port-{abi}",
                                     python=sys.executable, capture=True, stubs=False)
    setup: Dict[str, Any] = {}
    cpython_dir = work / "pkgs-cpython"
    real = real_wheel(work, pypy=False)
    if real is None:
        raise RuntimeError(f"pip found no kiwisolver {KIWI} wheel for this CPython")
    shutil.rmtree(cpython_dir, ignore_errors=True)
    shutil.copytree(real / "kiwisolver", cpython_dir / "kiwisolver")
    port_package(cpython_dir / PACKAGES["univ"], built["universal"], True)
    port_package(cpython_dir / PACKAGES["cpy"], built["cpython"], False)
    setup["cpython"] = {"dir": str(cpython_dir), "variants": ["real", "univ", "cpy"], "real_wheel": wheel_tags(real)}
    reason = "--no-pypy" if no_pypy else pypy_missing_reason()
    if reason is None:
        pypy_dir = work / "pkgs-pypy"
        shutil.rmtree(pypy_dir, ignore_errors=True)
        port_package(pypy_dir / PACKAGES["univ"], built["universal"], True)
        real = real_wheel(work, pypy=True)
        wheel = None
        if real is not None:
            shutil.copytree(real / "kiwisolver", pypy_dir / "kiwisolver")
            wheel = wheel_tags(real)
        setup["pypy"] = {"dir": str(pypy_dir), "variants": (["real"] if real else []) + ["univ"],
                         "real_wheel": wheel}
    else:
        setup["pypy_skipped"] = reason
    return setup


def run_worker(python: str, manifest: Dict[str, Any], workdir: Path,
               callgrind: Optional[Path] = None) -> Dict[str, Any]:
    workdir.mkdir(parents=True, exist_ok=True)
    manifest = dict(manifest, out=str(workdir / "result.json"))
    (workdir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    command = [python, str(WORKER), str(workdir / "manifest.json")]
    if callgrind is not None:
        shutil.rmtree(callgrind, ignore_errors=True)
        callgrind.mkdir(parents=True)
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={callgrind / 'cg.out'}"] + command
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("HPY", None)
    env.pop("PYTHONPATH", None)
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"the kiwi worker failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    output = json.loads((workdir / "result.json").read_text())
    if callgrind is not None:
        import measure  # bench/hpyrs_bench/measure.py: reads the labelled dumps

        output["dumps"] = measure._read_dumps(callgrind)
    return output


def _median(xs: List[float]) -> float:
    return statistics.median(xs)


def _spread(xs: List[float]) -> float:
    """Interquartile range over the median (0 for fewer than 4 samples' worth of quartiles)."""
    if len(xs) < 4:
        return (max(xs) - min(xs)) / _median(xs) if _median(xs) else 0.0
    q = statistics.quantiles(xs, n=4)
    return (q[2] - q[0]) / _median(xs) if _median(xs) else 0.0


def summarize_wall(output: Dict[str, Any]) -> Dict[str, Any]:
    """Micro: {pattern: {variant: [net ns median, spread]}}; enaml: per step and setup; growth."""
    base = _median(next(iter(output["wall"]["(bare loop)"].values())))
    micro = {name: {key: [(_median(ts) - base) * 1e9, _spread(ts)] for key, ts in per.items()}
             for name, per in output["wall"].items() if name != "(bare loop)"}
    result: Dict[str, Any] = {"micro_ns": micro, "bare_loop_ns": base * 1e9}
    if "enaml" in output:
        result["enaml"] = {kind: {key: [_median(ts) * 1e6, _spread(ts)] for key, ts in per.items()}
                           for kind, per in output["enaml"].items()}  # microseconds
    result["growth_ms"] = {n: {key: {phase: [_median(ts) * 1e3, _spread(ts)] for phase, ts in phases.items()}
                               for key, phases in per.items()} for n, per in output.get("growth", {}).items()}
    return result


def instructions(output: Dict[str, Any], keys: List[str], n1: int, n2: int) -> Dict[str, Dict[str, float]]:
    dumps = output["dumps"]

    def per(name: str, key: str) -> float:
        return (dumps[f"{name}|{key}|{n2}"] - dumps[f"{name}|{key}|{n1}"]) / (n2 - n1)

    base = per("(bare loop)", keys[0])
    figures = {name: {key: per(name, key) - base for key in keys} for name, *_ in MICRO
               if f"{name}|{keys[0]}|{n1}" in dumps}
    enaml_n = sorted({int(label.rsplit("|", 1)[1]) for label in dumps if label.startswith("enaml|")})
    if len(enaml_n) == 2:
        e1, e2 = enaml_n
        # Per step: one loop of bench_update_variables is 6 (width, height) steps.
        figures["enaml_like: bench_update_variables, per (w, h) step"] = {
            key: ((dumps[f"enaml|{key}|{e2}"] - dumps[f"enaml|{key}|{e1}"]) / (e2 - e1) - base) / 6 for key in keys}
    for size in sorted({int(label.split("|")[1]) for label in dumps if label.startswith("growth|")}):
        figures[f"growth cycle, N = {size} (whole cycle)"] = {key: float(dumps[f"growth|{size}|{key}"]) for key in keys}
    figures["(bare loop)"] = {"loop": base}
    return figures


def disagreements(checks: Dict[str, Dict[str, str]]) -> List[str]:
    bad = []
    for name, values in checks.items():
        if len(set(values.values())) != 1 or any(v.startswith("raised") for v in values.values()):
            bad.append(f"{name}: " + "; ".join(f"{k}: {v}" for k, v in values.items()))
    return bad


# ---- report ------------------------------------------------------------------------------------

def _code(name: str) -> str:
    """A pattern as code in a Markdown table cell (where `|` must be escaped)."""
    return "`" + name.replace("|", "\\|") + "`"


def _ns(x: float) -> str:
    return f"{x:,.0f} ns" if x >= 100 else f"{x:.1f} ns"


def _time_us(x: float) -> str:
    return f"{x:,.0f} µs" if x >= 100 else f"{x:.2f} µs"


def _ratio(x: float, y: float, target: float = 1.0, mark: bool = True) -> str:
    if not y or y <= 0 or x <= 0:
        return "–"
    r = x / y
    text = f"{r:.2f}"
    return f"**{text}**" if mark and round(r, 2) > target else text


def markdown(results: Dict[str, Any]) -> str:
    meta = results["meta"]
    out = [f"# kiwisolver: the port against kiwisolver {KIWI}", "",
           f"{meta['summary']}. Command: `{meta['command']}` ({meta['seconds']:.0f} s).", "",
           "Variants, loaded side by side in one process per interpreter and interleaved: "
           + ", ".join(f"`{k}` = {v}" for k, v in LABELS.items()) + ".", ""]
    cp = results.get("cpython", {})
    if cp.get("real_wheel"):
        out += [f"Real kiwisolver on CPython: {cp['real_wheel']}, from PyPI.", ""]
    ins = results.get("instructions")
    if ins:
        out += ["## CPython: instructions per operation (callgrind, net of the bare loop)", "",
                f"N1 = {meta['n1']}, N2 = {meta['n2']}; (Ir(N2) − Ir(N1)) / (N2 − N1) − bare loop "
                f"({ins['(bare loop)']['loop']:.1f} Ir). enaml_like: loops of `bench_update_variables(1)` "
                f"({meta['enaml_n1']} and {meta['enaml_n2']}), net of the bare loop, per step. Growth: one whole "
                "cycle (below) counted once, after a first one. Target: port ≤ 1.00 × real (misses in bold).", "",
                "| pattern | real | port universal | port CPython ABI | universal / real | CPython ABI / real |",
                "|---|---:|---:|---:|---:|---:|"]
        for name, fig in ins.items():
            if name == "(bare loop)":
                continue
            label = _code(name) if name in dict((m[0], m) for m in MICRO) else name
            out.append(f"| {label} | {fig['real']:,.0f} | {fig['univ']:,.0f} | {fig['cpy']:,.0f} | "
                       f"{_ratio(fig['univ'], fig['real'])} | {_ratio(fig['cpy'], fig['real'])} |")
        out.append("")
    if cp.get("micro_ns"):
        out += ["## CPython: wall time per operation", "",
                f"Medians of {meta['repeats']} interleaved loops of {meta['wall_n']:,} iterations, net of the "
                f"bare loop ({cp['bare_loop_ns']:.1f} ns); ± is the interquartile range over the median.", "",
                "| pattern | real | port universal | port CPython ABI | universal / real | CPython ABI / real |",
                "|---|---:|---:|---:|---:|---:|"]
        for name, fig in cp["micro_ns"].items():
            cells = " | ".join(f"{_ns(fig[k][0])} ±{fig[k][1]:.0%}" for k in ("real", "univ", "cpy"))
            out.append(f"| {_code(name)} | {cells} | {_ratio(fig['univ'][0], fig['real'][0])} | "
                       f"{_ratio(fig['cpy'][0], fig['real'][0])} |")
        out.append("")
    pp = results.get("pypy", {})
    if pp.get("micro_ns"):
        has_real = "real" in next(iter(pp["micro_ns"].values()))
        out += [f"## PyPy {pp['version']}: wall time per operation", "",
                f"Real kiwisolver wheel for PyPy: {pp['real_wheel'] or 'none found by pip'}. Medians of "
                f"{meta['pypy_repeats']} interleaved loops of {meta['wall_n']:,} iterations (each loop first "
                f"run once for the JIT), net of the bare loop ({pp['bare_loop_ns']:.1f} ns). "
                "Target: clearly faster than kiwisolver through cpyext.", "",
                "| pattern | real (cpyext) | port universal | real / port |", "|---|---:|---:|---:|"]
        for name, fig in pp["micro_ns"].items():
            real = f"{_ns(fig['real'][0])} ±{fig['real'][1]:.0%}" if has_real else "–"
            speed = f"{fig['real'][0] / fig['univ'][0]:.1f}×" if has_real and fig['univ'][0] > 0 else "–"
            out.append(f"| {_code(name)} | {real} | {_ns(fig['univ'][0])} ±{fig['univ'][1]:.0%} | {speed} |")
        out.append("")
    enaml_rows = []
    for interp, res in (("CPython", cp), ("PyPy", pp)):
        for kind, what in (("step", "bench_update_variables, per (w, h) step"), ("setup", "module body (setup)")):
            per = res.get("enaml", {}).get(kind)
            if per:
                cells = [f"{_time_us(per[k][0])} ±{per[k][1]:.0%}" if k in per else "–" for k in ("real", "univ", "cpy")]
                ratios = [_ratio(per[k][0], per["real"][0]) if k in per and "real" in per else "–" for k in ("univ", "cpy")]
                enaml_rows.append(f"| {interp} | {what} | " + " | ".join(cells + ratios) + " |")
    if enaml_rows:
        out += ["## kiwisolver's enaml_like_benchmark.py", "",
                f"Its module body (36 variables, 2 edit variables, 113 constraints added) and its timed function "
                f"`bench_update_variables` ({meta['enaml_loops']} loops of 6 steps per sample; a step is 2 "
                f"`suggestValue` + 1 `updateVariables`), run in-process by our interleaved loop: medians of "
                f"{meta['enaml_repeats']} samples (PyPy: {meta['pypy_repeats']}), ± interquartile range.", "",
                "| interpreter | what | real | port universal | port CPython ABI | universal / real | CPython ABI / real |",
                "|---|---|---:|---:|---:|---:|---:|"] + enaml_rows + [""]
    for interp, res in (("CPython", cp), ("PyPy", pp)):
        growth = res.get("growth_ms")
        if not growth:
            continue
        keys = [k for k in ("real", "univ", "cpy") if k in next(iter(growth.values()))]
        out += [f"## {interp}: solver growth (ms per cycle, medians)", "",
                "N variables, constraints `x[0] >= 0`, `x[i] >= x[(i-1)//2] + 1`; 10 strong edit variables; "
                "suggest + updateVariables twice. Phases: " + ", ".join(f"`{p}`" for p in GROWTH_PHASES) + ".", "",
                "| N | " + " | ".join(f"{LABELS[k]} total" for k in keys) + " | "
                + " | ".join(f"{k} / real" for k in keys if k != "real") + " | port universal by phase |",
                "|---:|" + "---:|" * (2 * len(keys) - 1 if "real" in keys else len(keys)) + "---|"]
        for n, per in growth.items():
            totals = [f"{per[k]['total'][0]:,.2f} ±{per[k]['total'][1]:.0%}" for k in keys]
            ratios = [_ratio(per[k]["total"][0], per["real"]["total"][0]) for k in keys if k != "real" and "real" in per]
            phases = ", ".join(f"{p} {per['univ'][p][0]:.2f}" for p in GROWTH_PHASES)
            out.append(f"| {int(n):,} | " + " | ".join(totals + ratios) + f" | {phases} |")
        out.append("")
        if "real" in keys:
            ports = [k for k in keys if k != "real"]
            out += [f"Per phase, port / real ({' ; '.join(LABELS[k] for k in ports)}), and the real "
                    "kiwisolver's time (ms):", "",
                    "| N | " + " | ".join(f"`{p}`" for p in GROWTH_PHASES) + " |",
                    "|---:|" + "---:|" * len(GROWTH_PHASES)]
            for n, per in growth.items():
                cells = []
                for p in GROWTH_PHASES:
                    real_ms = per["real"][p][0]
                    cells.append(" ; ".join(_ratio(per[k][p][0], real_ms) for k in ports) + f" ({real_ms:.2f})")
                out.append(f"| {int(n):,} | " + " | ".join(cells) + " |")
            out.append("")
    if results.get("disagreeing"):
        out += ["## Disagreements", ""] + [f"- {d}" for d in results["disagreeing"]] + [""]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="tiny N, no valgrind (the test suite's check)")
    parser.add_argument("--results", type=Path, help="where to write kiwi.json and kiwi.md")
    parser.add_argument("--work", type=Path, default=None, help="build/install directory (default target/kiwi-bench)")
    parser.add_argument("--port-universal", type=Path, help="a release build of the port's universal _cext.hpy0.so "
                        "(its stub _cext.py next to it) instead of building it (the test suite passes its own)")
    parser.add_argument("--port-cpython", type=Path, help="the same for the CPython-ABI binary")
    parser.add_argument("--no-callgrind", action="store_true")
    parser.add_argument("--no-pypy", action="store_true")
    parser.add_argument("--n1", type=int, default=2000)
    parser.add_argument("--n2", type=int, default=12000)
    parser.add_argument("--wall-n", type=int, default=50000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--pypy-repeats", type=int, default=21)
    parser.add_argument("--enaml-loops", type=int, default=100, help="loops of bench_update_variables per sample")
    parser.add_argument("--enaml-repeats", type=int, default=21)
    parser.add_argument("--enaml-n1", type=int, default=200, help="callgrind: loops of bench_update_variables(1)")
    parser.add_argument("--enaml-n2", type=int, default=600)
    parser.add_argument("--callgrind-growth", default="100,1000", help="callgrind: N of whole growth cycles counted")
    parser.add_argument("--growth", default="10,100,1000,5000", help="comma-separated N of the growth benchmark")
    args = parser.parse_args()
    started = time.monotonic()
    command = "tools/bench.sh --kiwi" + "".join(f" {a}" for a in sys.argv[1:])
    if args.smoke:
        args.no_callgrind = True
        args.wall_n, args.repeats, args.pypy_repeats = 200, 1, 1
        args.enaml_loops, args.enaml_repeats = 1, 1
        args.growth = "10,50"
    if any(n % 100 for n in (args.n1, args.n2, args.wall_n, args.enaml_n1, args.enaml_n2)):
        parser.error("iteration counts must be multiples of 100 (the loops are nested)")
    results_dir = args.results or (Path(tempfile.mkdtemp(prefix="kiwi-bench-")) if args.smoke else BENCH / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    work = args.work or hpy_build.workspace_target_dir(ROOT) / "kiwi-bench"
    work.mkdir(parents=True, exist_ok=True)

    setup = prepare(work, args.no_pypy, {"universal": args.port_universal, "cpython": args.port_cpython})
    source = enaml_source()
    growth_n = [int(x) for x in args.growth.split(",") if x]
    # Fewer repeats for the big N: a 5000-variable cycle takes a second or more.
    growth_repeats = {str(n): (1 if args.smoke else 15 if n <= 100 else 9 if n <= 1000 else 5) for n in growth_n}
    base = {"micro": [p[0] for p in MICRO], "enaml_source": source, "enaml_loops": args.enaml_loops,
            "enaml_repeats": args.enaml_repeats, "growth_n": growth_n, "growth_repeats": growth_repeats,
            "wall_n": args.wall_n, "repeats": args.repeats, "warm": args.wall_n, "mode": "wall"}

    def manifest(interp: str, **extra: Any) -> Dict[str, Any]:
        s = setup[interp]
        return dict(base, packages=s["dir"], variants=[{"key": k, "package": PACKAGES[k]} for k in s["variants"]],
                    **extra)

    python_version = platform.python_version()
    results: Dict[str, Any] = {"meta": {
        "summary": f"CPython {python_version}, hpy {importlib.metadata.version('hpy')}, "
                   f"{subprocess.run(['rustc', '--version'], capture_output=True, text=True).stdout.strip()}, "
                   f"{platform.machine()}, {os.cpu_count()} cores, {datetime.date.today().isoformat()}",
        "smoke": args.smoke, "n1": args.n1, "n2": args.n2, "wall_n": args.wall_n, "repeats": args.repeats,
        "pypy_repeats": args.pypy_repeats, "enaml_n1": args.enaml_n1, "enaml_n2": args.enaml_n2, "enaml_loops": args.enaml_loops, "enaml_repeats": args.enaml_repeats,
        "growth_n": growth_n, "growth_repeats": growth_repeats},
        "variants": LABELS}
    disagreeing: List[str] = []

    log("CPython wall-time run")
    output = run_worker(sys.executable, manifest("cpython"), work / "run-cpython")
    results["cpython"] = dict(summarize_wall(output), checks=output["checks"], loaded=output["loaded"],
                              real_wheel=setup["cpython"]["real_wheel"])
    disagreeing += [f"CPython: {d}" for d in disagreements(output["checks"])]

    if "pypy" in setup:
        version = subprocess.run([str(PYPY), "-c", "import sys; print('%d.%d.%d' % sys.pypy_version_info[:3])"],
                                 capture_output=True, text=True).stdout.strip()
        log(f"PyPy {version} wall-time run (real kiwisolver wheel: {setup['pypy']['real_wheel'] or 'none found'})")
        m = manifest("pypy", repeats=args.pypy_repeats, enaml_repeats=args.pypy_repeats)
        output = run_worker(str(PYPY), m, work / "run-pypy")
        results["pypy"] = dict(summarize_wall(output), checks=output["checks"], loaded=output["loaded"],
                               version=version, real_wheel=setup["pypy"]["real_wheel"])
        disagreeing += [f"PyPy: {d}" for d in disagreements(output["checks"])]
    else:
        results["pypy"] = {"skipped": setup["pypy_skipped"]}
        log(f"PyPy run skipped: {setup['pypy_skipped']}")

    if not args.no_callgrind:
        log("CPython callgrind run (micro patterns, enaml_like step, growth cycles)")
        m = manifest("cpython", mode="callgrind", cgclient=str(build_cgclient(work)), n1=args.n1, n2=args.n2,
                     enaml_n1=args.enaml_n1, enaml_n2=args.enaml_n2, growth_n=[],
                     callgrind_growth=[int(x) for x in args.callgrind_growth.split(",") if x])
        output = run_worker(sys.executable, m, work / "run-callgrind", callgrind=work / "callgrind")
        results["instructions"] = instructions(output, setup["cpython"]["variants"], args.n1, args.n2)

    results["disagreeing"] = disagreeing
    results["meta"]["seconds"] = time.monotonic() - started
    results["meta"]["command"] = command
    text = markdown(results)
    print(text)
    (results_dir / "kiwi.json").write_text(json.dumps(results, indent=1) + "\n")
    (results_dir / "kiwi.md").write_text(text + "\n")
    log(f"wrote {results_dir}/kiwi.json and kiwi.md ({results['meta']['seconds']:.0f} s)")
    if disagreeing:
        log("the variants disagree:\n  " + "\n  ".join(disagreeing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
