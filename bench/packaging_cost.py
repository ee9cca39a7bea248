#!/usr/bin/env python3
"""The cost of packaging: wheel build time and wheel size of examples/quickstart through
hpyrs-build (universal and CPython ABI) next to maturin building its PyO3 twin
(bench/reference/pyo3/quickstart_pyo3), on this machine, in one run.

    .venv/bin/python bench/packaging_cost.py [--runs N] [--quick] [--work DIR] [--json FILE]

What it does:

* A private venv, WORK/venv (WORK defaults to target/packaging-bench), gets maturin (pinned,
  from PyPI), hpy 0.9.0 (for the CPython-ABI build, which compiles HPy's runtime against its
  headers) and this checkout's python/hpyrs-build, reinstalled at every run so that the backend
  measured is the one in the tree.
* Each crate is copied into a standalone project (its sources and Cargo.lock unchanged; a
  Cargo.toml of its own with an empty [workspace] table, and a pyproject.toml naming the
  backend): examples/quickstart depends on this checkout's hpy by path, and gets the release
  settings from hpyrs-build (fat LTO, one codegen unit, panic=unwind); quickstart_pyo3 depends on
  pyo3 0.30.1 and gets the same settings in its [profile.release], as in bench/reference/pyo3.
  `cargo fetch` runs first, so downloads are not timed.
* Every build is `pip wheel --no-deps --no-build-isolation -w OUT PROJECT` (the same frontend
  for both backends, no isolated environment to set up), from an empty CARGO_TARGET_DIR: a
  clean build, every dependency compiled (proc-macro crates, hpy-sys's C runtime, pyo3's build
  script). The N runs are interleaved (A B C A B C ...), so a slow spell of the machine hits
  every variant; the table gives the median wall time and the range.
* Sizes: the wheel file, and the extension module inside it, as shipped and after
  `strip --strip-unneeded` (what bench/README.md's build-cost table reports).

A program that reports, not a test: nothing is asserted about the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[1]
MATURIN_VERSION = "1.16.0"
HPY_VERSION = "0.9.0"
RELEASE_PROFILE = '[profile.release]\npanic = "unwind"\nlto = "fat"\ncodegen-units = 1\n'


def _run(cmd, *, env=None, cwd=None, quiet=True) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=None if cwd is None else str(cwd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"packaging_cost.py: {' '.join(map(str, cmd))} failed (exit {proc.returncode}):\n{proc.stdout[-5000:]}")
    if not quiet:
        print(proc.stdout, end="")
    return proc.stdout


def _log(message: str) -> None:
    print(f"packaging_cost.py: {message}", file=sys.stderr, flush=True)


def make_venv(work: Path) -> Path:
    venv = work / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        _log(f"creating {venv}")
        _run([sys.executable, "-m", "venv", venv])
    want = [f"maturin=={MATURIN_VERSION}", f"hpy=={HPY_VERSION}"]
    have = subprocess.run(
        [str(python), "-c", "import sys; from importlib.metadata import version as v; "
         "sys.exit(any(f'{p}=={v(p)}' != f'{p}=={w}' for p, w in (a.split('==') for a in sys.argv[1:])))", *want],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ).returncode == 0
    if not have:
        _log(f"installing {' '.join(want)} into {venv}")
        _run([python, "-m", "pip", "install", "-q", *want])
    # The backend of this tree, not a cached older copy.
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", "--no-cache-dir", ROOT / "python" / "hpyrs-build"])
    return python


def make_projects(work: Path) -> dict:
    projects = work / "projects"
    shutil.rmtree(projects, ignore_errors=True)

    hpy = projects / "quickstart"
    shutil.copytree(ROOT / "examples" / "quickstart" / "src", hpy / "src")
    shutil.copyfile(ROOT / "Cargo.lock", hpy / "Cargo.lock")
    (hpy / "Cargo.toml").write_text(
        '[package]\nname = "quickstart"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
        '[lib]\nname = "quickstart"\ncrate-type = ["cdylib"]\n\n'
        f'[dependencies]\nhpy = {{ path = "{ROOT / "hpy"}" }}\n\n[workspace]\n'
    )
    (hpy / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hpyrs-build>=0.1,<0.2"]\nbuild-backend = "hpyrs_build"\n\n'
        '[project]\nname = "quickstart"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n'
    )

    pyo3_src = ROOT / "bench" / "reference" / "pyo3"
    pyo3 = projects / "quickstart_pyo3"
    shutil.copytree(pyo3_src / "quickstart_pyo3" / "src", pyo3 / "src")
    shutil.copyfile(pyo3_src / "Cargo.lock", pyo3 / "Cargo.lock")
    workspace = (pyo3_src / "Cargo.toml").read_text()
    pyo3_version = next(line.split('"')[1] for line in workspace.splitlines() if line.startswith("pyo3 = "))
    (pyo3 / "Cargo.toml").write_text(
        '[package]\nname = "quickstart_pyo3"\nversion = "0.1.0"\nedition = "2021"\npublish = false\n\n'
        '[lib]\nname = "quickstart_pyo3"\ncrate-type = ["cdylib"]\n\n'
        f'[dependencies]\npyo3 = "{pyo3_version}"\n\n[workspace]\n\n# As bench/reference/pyo3/Cargo.toml.\n{RELEASE_PROFILE}'
    )
    (pyo3 / "pyproject.toml").write_text(
        f'[build-system]\nrequires = ["maturin=={MATURIN_VERSION}"]\nbuild-backend = "maturin"\n\n'
        '[project]\nname = "quickstart_pyo3"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n\n'
        '[tool.maturin]\nbindings = "pyo3"\n'
    )
    for project in (hpy, pyo3):
        _run(["cargo", "fetch", "--manifest-path", project / "Cargo.toml"])
    return {"hpy": hpy, "pyo3": pyo3, "pyo3_version": pyo3_version}


def _extension(zf: zipfile.ZipFile) -> str:
    names = [n for n in zf.namelist() if n.endswith(".so")]
    if len(names) != 1:
        sys.exit(f"packaging_cost.py: expected one .so in {zf.filename}, found {names}")
    return names[0]


def _sizes(wheel: Path, scratch: Path) -> Dict[str, Any]:
    with zipfile.ZipFile(wheel) as zf:
        name = _extension(zf)
        data = zf.read(name)
    copy = scratch / Path(name).name
    copy.write_bytes(data)
    _run(["strip", "--strip-unneeded", copy])
    stripped = copy.stat().st_size
    copy.unlink()
    return {"wheel_bytes": wheel.stat().st_size, "module": Path(name).name, "module_bytes": len(data), "stripped_bytes": stripped}


def build_once(python: Path, project: Path, settings: List[str], out: Path, target: Path) -> Dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if k not in ("CARGO_TARGET_DIR", "PYTHONPATH", "VIRTUAL_ENV")}
    env["CARGO_TARGET_DIR"] = str(target)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # As in an activated venv (maturin's PEP 517 hooks run the `maturin` binary from PATH).
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    start = time.perf_counter()
    _run([python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, project, *settings], env=env)
    seconds = time.perf_counter() - start
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        sys.exit(f"packaging_cost.py: expected one wheel in {out}, found {wheels}")
    result = {"seconds": seconds, "wheel": wheels[0].name, **_sizes(wheels[0], out)}
    shutil.rmtree(target, ignore_errors=True)
    return result


def _fmt_bytes(n: int) -> str:
    return f"{n:,} B"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="clean builds per variant, interleaved (default 3)")
    parser.add_argument("--quick", action="store_true", help="one clean build per variant")
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "packaging-bench", help="scratch directory")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    runs = 1 if args.quick else args.runs
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)

    python = make_venv(work)
    projects = make_projects(work)
    versions = json.loads(_run([python, "-c", "import json; from importlib.metadata import version as v; "
                                "print(json.dumps({p: v(p) for p in ('hpyrs-build', 'maturin', 'hpy', 'pip')}))"]))
    rustc = _run(["rustc", "--version"]).strip()
    variants = [
        ("hpy-rs universal (hpyrs-build)", projects["hpy"], []),
        ("hpy-rs CPython ABI (hpyrs-build -C abi=cpython)", projects["hpy"], ["-C", "abi=cpython"]),
        (f"PyO3 {projects['pyo3_version']} (maturin {versions['maturin']})", projects["pyo3"], []),
    ]
    results: Dict[str, List[Dict[str, Any]]] = {name: [] for name, _, _ in variants}
    for run in range(runs):
        for index, (name, project, settings) in enumerate(variants):
            _log(f"run {run + 1}/{runs}: {name}")
            result = build_once(python, project, settings, work / f"wheels-{index}", work / f"target-{index}")
            _log(f"  {result['seconds']:.1f} s, {result['wheel']}")
            results[name].append(result)

    cores = os.cpu_count()
    print(f"\nClean wheel builds of examples/quickstart and its PyO3 twin: {runs} interleaved run(s) each, "
          f"pip wheel --no-deps --no-build-isolation, empty CARGO_TARGET_DIR.")
    print(f"{platform.python_implementation()} {platform.python_version()}, {rustc}, hpyrs-build {versions['hpyrs-build']}, "
          f"maturin {versions['maturin']}, pip {versions['pip']}, {cores} cores, {time.strftime('%Y-%m-%d')}\n")
    print("| build | wheel | build time, median (range) | wheel | module | module, stripped |")
    print("|---|---|---:|---:|---:|---:|")
    summary = []
    for name, _, _ in variants:
        rows = results[name]
        times = [r["seconds"] for r in rows]
        median = statistics.median(times)
        last = rows[-1]
        spread = f" ({min(times):.1f}–{max(times):.1f} s)" if len(times) > 1 else ""
        print(f"| {name} | `{last['wheel']}` | {median:.1f} s{spread} | {_fmt_bytes(last['wheel_bytes'])} | "
              f"{_fmt_bytes(last['module_bytes'])} | {_fmt_bytes(last['stripped_bytes'])} |")
        summary.append({"build": name, "median_seconds": median, "seconds": times, **{k: last[k] for k in
                        ("wheel", "wheel_bytes", "module", "module_bytes", "stripped_bytes")}})
    if args.json:
        args.json.write_text(json.dumps({"runs": runs, "rustc": rustc, "versions": versions, "results": summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
