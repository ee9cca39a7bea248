#!/usr/bin/env python3
"""The hpy-rs benchmark: builds every variant and measures them side by side.

    tools/bench.sh                       # the documented command: sets up .venv, then this
    python bench/bench.py [options]      # with an existing .venv/bin/python

Variants (bench/hpyrs_bench/variants.py): examples/microbench and examples/array in hpy-rs's
CPython ABI, universal ABI and universal ABI under HPy's debug mode; the same modules written
in C against HPy 0.9 (both ABIs, and debug), against the plain C API, and with PyO3.

Measures every pattern of bench/hpyrs_bench/patterns.py as instructions per call (callgrind,
two-N delta) and wall-time medians; prints the tables and the ratios against the targets;
writes results.json, results.md and chart.png to --results (default: bench/results); and
reports the build cost of examples/quickstart next to its PyO3 twin.

--smoke: small N, no valgrind, build cost of up-to-date builds; checks that every variant
builds, loads, agrees on every pattern's result and produces figures (the test suite runs
this, so the harness cannot rot). Results go to a temporary directory unless --results.

Exit status: 1 if the variants disagree on a result or anything fails; target misses are
reported, not failures (the benchmark is a report, never a timed assertion).
"""

from __future__ import annotations

import argparse
import datetime
import platform
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "hpyrs_bench"))

import buildcost  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402
from patterns import PATTERNS  # noqa: E402
from variants import (  # noqa: E402
    BENCH,
    project_local_cpython,
    PYPY,
    PYPY_VARIANTS,
    VARIANTS,
    build_all,
    build_cgclient,
    build_pypy,
    default_out,
    pypy_missing_reason,
)


def _version(command: list) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def _pyo3_version() -> str:
    lock = (BENCH / "reference" / "pyo3" / "Cargo.lock").read_text()
    match = re.search(r'name = "pyo3"\nversion = "([^"]+)"', lock)
    return match.group(1) if match else "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="small N, no valgrind (the test suite's mode)")
    parser.add_argument("--results", type=Path, help="where to write results.json, results.md, chart.png")
    parser.add_argument("--build-dir", type=Path, default=None, help="build output (default: <target>/bench)")
    parser.add_argument("--patterns", default="", help="regular expression selecting patterns by name")
    parser.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    parser.add_argument("--no-wall", action="store_true", help="skip the wall-time medians")
    parser.add_argument("--no-build-cost", action="store_true", help="skip the build-cost measurement")
    parser.add_argument("--n1", type=int, default=2000)
    parser.add_argument("--n2", type=int, default=12000)
    parser.add_argument("--wall-n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--no-pypy", action="store_true", help="skip the PyPy run (tools/pypy)")
    parser.add_argument("--python", metavar="3.X", default=None,
                        help="measure on the project-local CPython tools/python3.X (e.g. 3.14) instead of "
                             "this one; results default to bench/results/cpython3.X; implies --no-pypy")
    parser.add_argument("--pypy-repeats", type=int, default=21,
                        help="repeats of the PyPy wall-time run (its JIT makes single runs noisy)")
    args = parser.parse_args()
    python = sys.executable
    if args.python:
        python = project_local_cpython(args.python)
        args.no_pypy = True
    python_version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                                    capture_output=True, text=True, check=True).stdout.strip()
    hpy_note = subprocess.run(
        [python, "-c", "import sys; sys.path.insert(0, sys.argv[1]); import hpyrs_testing as t; "
         "print(t.hpy_runtime_description())", str(BENCH.parent / "tests" / "python")],
        capture_output=True, text=True).stdout.strip() or "hpy 0.9.0"
    if args.smoke:
        args.no_callgrind = True
        args.wall_n, args.repeats, args.pypy_repeats = 1000, 1, 1
    results_dir = args.results or (Path(tempfile.mkdtemp(prefix="hpyrs-bench-")) if args.smoke
                                   else BENCH / "results" / f"cpython{args.python}" if args.python
                                   else BENCH / "results")
    results_dir.mkdir(parents=True, exist_ok=True)
    build_dir = args.build_dir or default_out(python)

    selected = [p.name for p in PATTERNS if re.search(args.patterns, p.name)]
    entries = build_all(build_dir, python)
    manifest = {
        "variants": [{"key": key, **modules} for key, modules in entries.items()],
        "mode": "wall",
        "patterns": selected,
        "warm": 300,
        "n1": args.n1,
        "n2": args.n2,
        "wall_n": args.wall_n,
        "repeats": args.repeats,
        "cgclient": str(build_cgclient(build_dir)),
    }
    if any(n % 100 for n in (args.n1, args.n2, args.wall_n)):
        parser.error("iteration counts must be multiples of 100 (the loops are nested)")

    summary = (f"CPython {python_version}, {hpy_note}, PyO3 {_pyo3_version()}, "
               f"{_version(['rustc', '--version'])}, {datetime.date.today().isoformat()}")
    results = {"meta": {"summary": summary, "python": python_version,
                        "machine": platform.machine(), "pyo3": _pyo3_version(),
                        "rustc": _version(["rustc", "--version"]), "cc": _version(["cc", "--version"]),
                        "valgrind": _version(["valgrind", "--version"]),
                        "n1": args.n1, "n2": args.n2, "wall_n": args.wall_n, "repeats": args.repeats,
                        "smoke": args.smoke},
               "variants": {v.key: v.label for v in VARIANTS},
               "groups": {p.name: p.group for p in PATTERNS if p.name in selected}}

    work = Path(tempfile.mkdtemp(prefix="hpyrs-bench-work-"))
    failed = False
    if not args.no_wall:
        print("bench: wall-time run", file=sys.stderr, flush=True)
        output = measure.run_worker(manifest, python, workdir=work / "wall")
        disagreeing = measure.checks_disagreeing(output)
        results["checks"] = output["checks"]
        results["wall_ns"] = measure.wall_times(output)
        if disagreeing:
            failed = True
            print("bench: the variants disagree:\n  " + "\n  ".join(disagreeing), file=sys.stderr)
    if not args.no_pypy:
        results["pypy"] = run_pypy(args, manifest, entries, build_dir, work)
        if results["pypy"].get("disagreeing"):
            failed = True
    if not args.no_callgrind:
        print("bench: callgrind run (a few minutes)", file=sys.stderr, flush=True)
        output = measure.run_worker(dict(manifest, mode="callgrind"), python,
                                    callgrind=work / "callgrind", workdir=work / "callgrind-work")
        print(f"bench: callgrind dumps (one per loop, label in each file's desc: line) in {work / 'callgrind'}",
              file=sys.stderr)
        results["instructions"] = measure.instructions(output, manifest)
        results["target_misses"] = report.target_misses(results["instructions"])
        results["ratios"] = report.ratios(results["instructions"])
    if not args.no_build_cost:
        print("bench: build cost of examples/quickstart", file=sys.stderr, flush=True)
        results["build_cost"] = buildcost.build_cost(python, clean=not args.smoke, scratch=work / "buildcost")

    print(report.text_report(results))
    report.write_json(results, results_dir / "results.json")
    (results_dir / "results.md").write_text(report.markdown_report(results))
    if results.get("instructions") or results.get("wall_ns"):  # a PyPy-only run has no chart
        report.draw_chart(results, results_dir / "chart.png")
    print(f"bench: wrote {results_dir}/results.json, results.md and the chart if any", file=sys.stderr)
    return 1 if failed else 0


def run_pypy(args: argparse.Namespace, manifest: dict, entries: dict, build_dir: Path, work: Path) -> dict:
    """The PyPy run: wall time only (its JIT makes instruction counts of short loops
    meaningless), every loop first run once in full so that it is compiled, then the variants
    interleaved `--pypy-repeats` times; medians and their interquartile spread."""
    reason = pypy_missing_reason()
    if reason is not None:
        print(f"bench: PyPy run skipped: {reason}", file=sys.stderr)
        return {"skipped": reason}
    pypy_entries = build_pypy(build_dir, entries)
    version = subprocess.run([str(PYPY), "-c", "import sys; print('%d.%d.%d' % sys.pypy_version_info[:3])"],
                             capture_output=True, text=True).stdout.strip()
    print(f"bench: PyPy {version} wall-time run", file=sys.stderr, flush=True)
    pypy_manifest = dict(manifest, variants=[{"key": k, **m} for k, m in pypy_entries.items()],
                         warm=args.wall_n, repeats=args.pypy_repeats)
    output = measure.run_worker(pypy_manifest, str(PYPY), workdir=work / "pypy")
    # A reference variant may not run a pattern on PyPy (C HPy's `2.0 * a`: PyPy gives the
    # number slot no `__rmul__`); it is reported, not compared. hpy-rs must run everything.
    errors = output.get("errors", {})
    disagreeing = [f"{name}: hpy-rs raised {keys['rust-universal']}" for name, keys in errors.items()
                   if "rust-universal" in keys]
    for name, values in output["checks"].items():
        ran = {k: v for k, v in values.items() if k not in errors.get(name, {}) and not v.startswith("raised")}
        if "rust-universal" not in ran or len(set(ran.values())) != 1:
            disagreeing.append(f"{name}: " + "; ".join(f"{k}: {v}" for k, v in values.items()))
    if disagreeing:
        print("bench: the PyPy variants disagree:\n  " + "\n  ".join(disagreeing), file=sys.stderr)
    return {"version": version, "variants": {v.key: v.label for v in PYPY_VARIANTS},
            "repeats": args.pypy_repeats, "checks": output["checks"], "errors": errors,
            "disagreeing": disagreeing, "wall_ns": measure.wall_times(output),
            "spread": measure.wall_spread(output)}


if __name__ == "__main__":
    sys.exit(main())
