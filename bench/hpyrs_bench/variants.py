"""The variants the benchmark compares, and how each one is built.

A variant is one implementation of the microbench and array modules, loaded one way:

    rust-cpython    hpy-rs, CPython ABI            examples/microbench, examples/array
    rust-universal  hpy-rs, universal ABI          (the same sources, the other switch)
    rust-debug      hpy-rs, universal, HPY debug   (a copy of the universal binary)
    chpy-cpython    C HPy, CPython ABI             bench/reference/c_hpy
    chpy-universal  C HPy, universal ABI
    chpy-debug      C HPy, universal, HPY debug
    capi            the plain CPython C API        bench/reference/c_api
    pyo3            PyO3                           bench/reference/pyo3

Everything is built into OUT (default `<workspace target>/bench`) with release settings:
the Rust crates with the workspace's release profile (fat LTO, one codegen unit), the PyO3
crates with the same profile, the C modules with setuptools at -O3.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Dict, List

BENCH = Path(__file__).resolve().parent.parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT / "tools"))

import hpy_build  # noqa: E402  (tools/hpy_build.py)


def pyo3_build_module() -> ModuleType:
    """bench/reference/pyo3/build.py, imported by path (its name is too generic for sys.path)."""
    path = BENCH / "reference" / "pyo3" / "build.py"
    spec = importlib.util.spec_from_file_location("hpyrs_bench_pyo3_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

__all__ = ["Variant", "VARIANTS", "PYPY_VARIANTS", "build_all", "build_pypy", "build_cgclient", "default_out",
           "pypy_missing_reason", "pyo3_build_module", "project_local_cpython"]


@dataclass(frozen=True)
class Variant:
    """One implementation of the benchmarked modules, in one ABI/mode."""

    key: str
    label: str
    implementation: str  # "rust", "chpy", "capi", "pyo3"
    mode: str  # how it is loaded: "cpython", "universal" or "debug"


VARIANTS = (
    Variant("rust-cpython", "hpy-rs CPython ABI", "rust", "cpython"),
    Variant("rust-universal", "hpy-rs universal", "rust", "universal"),
    Variant("rust-debug", "hpy-rs universal+debug", "rust", "debug"),
    Variant("chpy-cpython", "C HPy CPython ABI", "chpy", "cpython"),
    Variant("chpy-universal", "C HPy universal", "chpy", "universal"),
    Variant("chpy-debug", "C HPy universal+debug", "chpy", "debug"),
    Variant("capi", "C API", "capi", "cpython"),
    Variant("pyo3", "PyO3", "pyo3", "cpython"),
)

# Python module names per implementation: (microbench, array).
MODULE_NAMES = {
    "rust": ("microbench", "hpyarray"),
    "chpy": ("microbench_chpy", "hpyarray_chpy"),
    "capi": ("microbench_capi", "hpyarray_capi"),
    "pyo3": ("microbench_pyo3", "hpyarray_pyo3"),
}


def default_out(python: str = sys.executable) -> Path:
    """`<target>/bench`, or `<target>/bench-<X.Y>` for another Python than this one."""
    out = hpy_build.workspace_target_dir(ROOT) / "bench"
    return out if python == sys.executable else out.with_name(f"bench-{Path(python).name[len('python'):]}")


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _run(command: List[str], cwd: Path, quiet: bool) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=quiet, text=True)
    if result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise RuntimeError(f"command failed ({result.returncode}): {' '.join(command)}\n{output}")


def _debug_copy(universal: Path, out: Path) -> Path:
    """dlopen maps a path once per process; the debug mode needs a binary of its own."""
    out.mkdir(parents=True, exist_ok=True)
    copy = out / universal.name
    shutil.copyfile(universal, copy)
    return copy


def _setuptools(directory: Path, python: str, out: Path, temp: Path, abi: str, quiet: bool) -> None:
    command = [python, "setup.py", "-q"]
    if abi:
        command.append(f"--hpy-abi={abi}")
    command += ["build_ext", "--build-lib", str(out), "--build-temp", str(temp)]
    include = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    env = None
    if (include.parent / "x86_64-linux-gnu").is_dir() and include.parent != Path("/usr/include"):
        # A Debian CPython unpacked by tools/setup_env.sh (3.14, 3.15): its pyconfig.h is under
        # the multiarch directory, and must come before the system's older glibc headers.
        env = dict(os.environ, CPPFLAGS=f"-I{include.parent} -include {include / 'pyconfig.h'}")
    result = subprocess.run(command, cwd=directory, capture_output=quiet, text=True, env=env)
    if result.returncode != 0:
        output = (result.stdout or "") + (result.stderr or "") if quiet else ""
        raise RuntimeError(f"command failed ({result.returncode}): {' '.join(command)}\n{output}")


def project_local_cpython(minor: str) -> str:
    """tools/python<minor> for `bench.py --python <minor>`. On 3.13 and later, puts the hpy that
    tools/setup_env.sh built with its type marker moved first on PYTHONPATH (for the builds
    and the worker): with PyPI's hpy 0.9.0 every C HPy and hpy-rs universal class crashes
    there (hpyproject/hpy#493), and C HPy's CPython-ABI build compiles that hpy's runtime."""
    python = ROOT / "tools" / f"python{minor}"
    interpreters = ROOT / ".interpreters" / f"cpython{minor}"
    if not (interpreters / "venv").is_dir():
        raise RuntimeError(f"CPython {minor} is not installed in {interpreters} (run tools/setup_env.sh)")
    major_minor = tuple(int(x) for x in minor.rstrip("d").split("."))
    if major_minor >= (3, 13):
        moved = interpreters / "hpy-moved-marker"
        if not moved.is_dir() or (interpreters / "hpy-moved-marker.missing").exists():
            raise RuntimeError(f"{moved} is missing (run tools/setup_env.sh)")
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(moved), os.environ.get("PYTHONPATH")]))
    return str(python)


def _find(out: Path, name: str, suffix: str) -> Path:
    path = out / f"{name}{suffix}"
    if not path.is_file():
        raise RuntimeError(f"expected build output {path} is missing")
    return path


def build_all(out: Path, python: str, quiet: bool = True) -> Dict[str, Dict[str, Dict[str, str]]]:
    """Builds every variant; returns {variant key: {"microbench"|"array": module entry}}."""
    ext = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    files: Dict[str, Dict[str, Path]] = {}

    _log("building the hpy-rs examples (CPython ABI and universal)")
    for abi in ("cpython", "universal"):
        built = {
            kind: hpy_build.build(ROOT / "examples" / crate, abi, out / f"rust-{abi}",
                                  python=python, capture=quiet)
            for kind, crate in (("microbench", "microbench"), ("array", "array"))
        }
        files[f"rust-{abi}"] = built
    files["rust-debug"] = {k: _debug_copy(p, out / "rust-debug") for k, p in files["rust-universal"].items()}

    _log("building the C HPy reference (CPython ABI and universal)")
    c_hpy = BENCH / "reference" / "c_hpy"
    for abi, suffix in (("cpython", ext), ("universal", ".hpy0.so")):
        target = out / f"chpy-{abi}"
        _setuptools(c_hpy, python, target, out / "tmp" / f"chpy-{abi}", abi, quiet)
        names = MODULE_NAMES["chpy"]
        files[f"chpy-{abi}"] = {"microbench": _find(target, names[0], suffix),
                                "array": _find(target, names[1], suffix)}
    files["chpy-debug"] = {k: _debug_copy(p, out / "chpy-debug") for k, p in files["chpy-universal"].items()}

    _log("building the C-API reference")
    _setuptools(BENCH / "reference" / "c_api", python, out / "capi", out / "tmp" / "capi", "", quiet)
    names = MODULE_NAMES["capi"]
    files["capi"] = {"microbench": _find(out / "capi", names[0], ext),
                     "array": _find(out / "capi", names[1], ext)}

    _log("building the PyO3 reference")
    names = MODULE_NAMES["pyo3"]
    pyo3_files = pyo3_build_module().build(out / "pyo3", python, crates=names)
    files["pyo3"] = {"microbench": Path(pyo3_files[names[0]]), "array": Path(pyo3_files[names[1]])}

    entries: Dict[str, Dict[str, Dict[str, str]]] = {}
    for variant in VARIANTS:
        microbench, array = MODULE_NAMES[variant.implementation]
        entries[variant.key] = {
            kind: {"name": name, "path": str(files[variant.key][kind]), "mode": variant.mode}
            for kind, name in (("microbench", microbench), ("array", array))
        }
    return entries


def build_cgclient(out: Path) -> Path:
    """Compiles bench/cgclient/cgclient.c (callgrind client requests) into a shared library."""
    out.mkdir(parents=True, exist_ok=True)
    library = out / "libcgclient.so"
    source = BENCH / "cgclient" / "cgclient.c"
    if not library.exists() or library.stat().st_mtime < source.stat().st_mtime:
        compiler = os.environ.get("CC", "cc")
        _run([compiler, "-O2", "-shared", "-fPIC", str(source), "-o", str(library)], BENCH, True)
    return library


# ---- PyPy ----------------------------------------------------------------------------------
#
# On PyPy one run interleaves four variants of the same API: the hpy-rs and C HPy universal
# binaries built above for CPython (the very same files), and the C-API and PyO3 modules built
# for PyPy, which PyPy runs through its C-API emulation (cpyext).

PYPY = ROOT / "tools" / "pypy"

PYPY_VARIANTS = (
    Variant("rust-universal", "hpy-rs universal", "rust", "universal"),
    Variant("chpy-universal", "C HPy universal", "chpy", "universal"),
    Variant("capi", "C API (cpyext)", "capi", "cpython"),
    Variant("pyo3", "PyO3 (cpyext)", "pyo3", "cpython"),
)


def pypy_missing_reason() -> "str | None":
    """Why tools/pypy cannot run the benchmark (None when it can)."""
    missing = ROOT / ".interpreters" / "pypy.missing"
    if missing.is_file():
        return missing.read_text().strip()
    probe = subprocess.run([str(PYPY), "-c", "import hpy.universal"], capture_output=True, text=True)
    return None if probe.returncode == 0 else (probe.stderr.strip().splitlines() or ["tools/pypy failed"])[-1]


def build_pypy(out: Path, cpython_entries: Dict[str, Dict[str, Dict[str, str]]],
               quiet: bool = True) -> Dict[str, Dict[str, Dict[str, str]]]:
    """The PyPy variants: the universal entries of `build_all` as they are, plus the C-API
    modules (compiled against PyPy's headers) and the PyO3 crates built for PyPy."""
    suffix = subprocess.run([str(PYPY), "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    include = subprocess.run([str(PYPY), "-c", "import sysconfig; print(sysconfig.get_paths()['include'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    files: Dict[str, Dict[str, Path]] = {}

    _log("building the C-API reference for PyPy")
    capi_out = out / "pypy-capi"
    capi_out.mkdir(parents=True, exist_ok=True)
    names = MODULE_NAMES["capi"]
    compiler = os.environ.get("CC", "cc")
    for kind, name in zip(("microbench", "array"), names):
        target = capi_out / f"{name}{suffix}"
        _run([compiler, "-O3", "-shared", "-fPIC", f"-I{include}", "-o", str(target),
              str(BENCH / "reference" / "c_api" / f"{name}.c")], BENCH, quiet)
    files["capi"] = {kind: capi_out / f"{name}{suffix}" for kind, name in zip(("microbench", "array"), names)}

    _log("building the PyO3 reference for PyPy")
    names = MODULE_NAMES["pyo3"]
    built = pyo3_build_module().build(out / "pypy-pyo3", str(PYPY), crates=names,
                                      target_dir=out / "pypy-pyo3-target")
    files["pyo3"] = {"microbench": Path(built[names[0]]), "array": Path(built[names[1]])}

    entries: Dict[str, Dict[str, Dict[str, str]]] = {}
    for variant in PYPY_VARIANTS:
        if variant.mode == "universal":  # the very files the CPython run loads
            entries[variant.key] = cpython_entries[variant.key]
            continue
        microbench, array = MODULE_NAMES[variant.implementation]
        entries[variant.key] = {
            kind: {"name": name, "path": str(files[variant.key][kind]), "mode": variant.mode}
            for kind, name in (("microbench", microbench), ("array", array))
        }
    return entries
