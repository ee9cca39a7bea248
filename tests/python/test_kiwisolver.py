"""examples/kiwisolver: the kiwisolver 1.5.1 port on hpy-rs.

1. kiwisolver's own test suite (`py/tests` of its 1.5.1 sdist, downloaded from PyPI with pip at
   test time and cached under the cargo target directory, never committed) runs in a child
   interpreter against the port, in every mode of the session: the package directory holds
   `kiwisolver/__init__.py`, `exceptions.py` and the mode's binary (`hpyrs_testing.example_package`);
   in the debug modes every one of kiwisolver's tests is wrapped in `hpy.debug.LeakDetector`
   (`kiwi_suite_plugin.py`).
2. `kiwi_probe.py` (reprs, results, error types and messages, solver values) gives the same
   output with the port as with the real kiwisolver 1.5.1, where that is installed.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hpyrs_testing as t

HERE = Path(__file__).resolve().parent
SOURCES = t.EXAMPLES_DIR / "kiwisolver" / "python" / "kiwisolver"
KIWI_VERSION = "1.5.1"
SDIST = f"kiwisolver-{KIWI_VERSION}.tar.gz"
SUITE_SECTION = "kiwisolver 1.5.1's own test suite against the port"


def _pip_python() -> str:
    """The .venv's interpreter, which has pip (PyPy's project-local install has none), else this
    one. Not `importlib.util.find_spec("pip")`: looking pip up in-process makes setuptools'
    distutils hook believe pip is running, and it then leaves the stdlib `distutils` in place for
    the rest of the session (a later `import setuptools` fails its own check)."""
    venv = t.REPO_ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.is_file() else sys.executable


def kiwi_sdist_dir() -> Path:
    """The extracted `py/` of kiwisolver 1.5.1's sdist, downloaded once with pip into the
    repository's target/ (whatever CARGO_TARGET_DIR a nested session uses) and never committed."""
    cache = t.REPO_ROOT / "target" / "kiwi-sdist"
    final = cache / "extracted"
    out = final / f"kiwisolver-{KIWI_VERSION}" / "py"
    with t._lock:
        if (out / "tests").is_dir() and (out / "kiwisolver" / "_cext.pyi").is_file():
            return out
        tarball = cache / SDIST
        if not tarball.is_file():
            cache.mkdir(parents=True, exist_ok=True)
            cmd = [_pip_python(), "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
                   f"kiwisolver=={KIWI_VERSION}", "-d", str(cache)]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0 or not tarball.is_file():
                pytest.fail(f"pip could not download {SDIST}:\n{proc.stdout}\n{proc.stderr}", pytrace=False)
        prefix = f"kiwisolver-{KIWI_VERSION}/py/"
        tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=cache))
        with tarfile.open(tarball) as tar:
            members = [
                m for m in tar.getmembers()
                if m.isfile() and (m.name.startswith(prefix + "tests/") or m.name == prefix + "kiwisolver/_cext.pyi")
            ]
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, members=members, **safe)
        try:
            os.rename(tmp, final)  # atomic: another session may have extracted it meanwhile
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def _inherited_path() -> list:
    """The session's PYTHONPATH (e.g. the hpy with the moved type marker on 3.13+), made absolute:
    the child runs in another directory."""
    return [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def run_suite(mode: str):
    """Runs kiwisolver's py/tests against the port in `mode` in a child interpreter; returns
    (junit testcases, the child's output)."""
    tests = kiwi_sdist_dir() / "tests"
    pkg_dir, mode_env = t.example_package("kiwisolver", mode, "kiwisolver", SOURCES)
    junit = pkg_dir / "junit.xml"
    env = dict(os.environ)
    env.update(mode_env)
    env.update(
        PYTHONPATH=os.pathsep.join([str(pkg_dir), str(HERE)] + _inherited_path()),
        KIWI_PORT_DIR=str(pkg_dir),
        KIWI_LEAK_CHECK="1" if t.is_debug(mode) else "0",
        HPY_LOG="1",
    )
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "kiwi_suite_plugin",
           "-c", os.devnull, "--rootdir", str(tests), f"--junitxml={junit}", str(tests)]
    proc = subprocess.run(cmd, cwd=tests, env=env, capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    if not junit.is_file():
        pytest.fail(f"kiwisolver's suite did not run in mode {mode}:\n{output}", pytrace=False)
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    return cases, output, proc.returncode


def test_kiwisolver_suite(hpy_mode):
    """kiwisolver 1.5.1's 36 test functions (50 tests with their parameters) all pass, none skipped
    (the real kiwisolver skips none either), in every mode; zero leaked handles in debug modes."""
    cases, output, rc = run_suite(hpy_mode)
    outcome = {}
    for case in cases:
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcome[f"{case.get('classname')}::{case.get('name')}"] = kinds[0] if kinds else "passed"
    functions = {name.split("[")[0] for name in outcome}
    passed = sum(1 for o in outcome.values() if o == "passed")
    leak = ", every test leak-checked by hpy.debug.LeakDetector" if t.is_debug(hpy_mode) else ""
    t.report(
        SUITE_SECTION,
        f"{hpy_mode}: {passed} of {len(outcome)} tests passed ({len(functions)} test functions){leak}",
    )
    assert "kiwi-port: kiwisolver from" in output, output
    if hpy_mode == "debug":
        assert "with a debug context" in output, output  # HPY_LOG=1: the stub loaded it in debug mode
    if t.is_debug(hpy_mode):
        assert f"kiwi-port: {len(outcome)} tests leak-checked" in output, output
    bad = {name: o for name, o in outcome.items() if o != "passed"}
    assert not bad, f"{bad}\n{output}"
    assert rc == 0, output
    assert len(functions) == 36 and len(outcome) == 50, sorted(outcome)


def _probe(python: str, pythonpath: str, extra_env=None) -> list:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([pythonpath] + _inherited_path())
    env.update(extra_env or {})
    proc = subprocess.run([python, str(HERE / "kiwi_probe.py")], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("[")]


def _real_kiwisolver_python() -> str:
    """An interpreter where `import kiwisolver` is the real kiwisolver 1.5.1 (the .venv has it
    as matplotlib's dependency), or skip."""
    for python in (sys.executable, str(t.REPO_ROOT / ".venv" / "bin" / "python")):
        proc = subprocess.run(
            [python, "-c", "import kiwisolver, sys; sys.stdout.write(kiwisolver.__version__ + ' ' + kiwisolver.__file__)"],
            capture_output=True, text=True, cwd="/",
            env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        )
        if proc.returncode == 0:
            version, where = proc.stdout.split(" ", 1)
            if version == KIWI_VERSION and "pytest-ext" not in where:
                return python
    pytest.skip("the real kiwisolver 1.5.1 is not installed (pip install kiwisolver==1.5.1) to compare with")


def test_probe_matches_real_kiwisolver(hpy_mode):
    """Reprs, error types and messages, exception attributes and solver values: the port prints
    what the real kiwisolver prints for the same script."""
    real_python = _real_kiwisolver_python()
    pkg_dir, mode_env = t.example_package("kiwisolver", hpy_mode, "kiwisolver", SOURCES)
    port = _probe(sys.executable, str(pkg_dir), mode_env)
    real = _probe(real_python, "")
    assert len(port) == len(real) > 50
    if t.IS_PYPY:
        # The real kiwisolver runs on CPython here. Where the interpreter writes the TypeError
        # (a binary operator whose slots all return NotImplemented; hash() of a class whose
        # __hash__ is None), PyPy names the type by `__name__` ('Variable'), CPython by `tp_name`
        # ('kiwisolver.Variable'); kiwisolver's own suite allows for it
        # (test_expression_rich_compare_operations).
        interpreter_worded = {"mul", "rdiv", "add str", "hash variable", "hash term", "hash expression"}
        real = [json.loads(json.dumps(r).replace("kiwisolver.", "")) if r[0] in interpreter_worded else r
                for r in real]
    differences = [(r, p) for p, r in zip(port, real) if p != r]
    assert not differences, "\n".join(f"real: {r}\nport: {p}" for r, p in differences)
