"""PyPy bugs that hpy-rs cannot work around, each shown by a minimal C HPy module (no hpy-rs)
under tests/pypy_bugs/, compiled against hpy.devel's headers and loaded, like hpy-rs's binaries,
on CPython and on PyPy. The PyPy checks are strict xfails: when a PyPy release fixes the bug,
they fail, and the hpy-rs tests skipped for it (tests/python/pypy_pending.py) must come back.

Runs in the CPython session (PyPy runs in subprocesses).
"""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

import hpyrs_testing
from test_loading import PYPY, pypy_missing_reason

BUGS_DIR = hpyrs_testing.REPO_ROOT / "tests" / "pypy_bugs"

REENTER_DRIVER = textwrap.dedent(
    """
    import importlib.util, os, sys
    import hpy.universal as hu
    path = os.path.abspath(sys.argv[1])
    mode = getattr(hu, "MODE_" + sys.argv[2].upper())
    m = hu.load("reenter", path, importlib.util.spec_from_file_location("reenter", path), mode=mode)
    print(m.call_back(lambda: m.answer()))
    print(m.call_back(lambda: m.call_back(lambda: m.answer())))
    """
)


@pytest.fixture(scope="module")
def reenter_module(tmp_path_factory):
    """tests/pypy_bugs/reenter.c as a universal reenter.hpy0.so."""
    import hpy.devel

    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.fail("no C compiler (tools/setup_env.sh installs gcc)", pytrace=False)
    out = tmp_path_factory.mktemp("pypy_bugs") / "reenter.hpy0.so"
    include = hpy.devel.HPyDevel().include_dir
    proc = subprocess.run(
        [cc, "-shared", "-fPIC", "-O1", "-DHPY_ABI_UNIVERSAL", f"-I{include}", "-o", str(out), str(BUGS_DIR / "reenter.c")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
    return out


def run_reenter(python, module, mode):
    return subprocess.run(
        [str(python), "-c", REENTER_DRIVER, str(module), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")},
    )


@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_reentrant_calls_on_cpython(reenter_module, mode):
    """The reproducer is correct C HPy: CPython's hpy.universal runs it in both modes."""
    proc = run_reenter(sys.executable, reenter_module, mode)
    assert proc.returncode == 0 and proc.stdout.split() == ["42", "'42'"], proc.stdout


@pytest.fixture
def pypy():
    reason = pypy_missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PyPy is required under CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return PYPY


def test_reentrant_calls_on_pypy_universal(reenter_module, pypy):
    proc = run_reenter(pypy, reenter_module, "universal")
    assert proc.returncode == 0 and proc.stdout.split() == ["42", "'42'"], proc.stdout


@pytest.mark.xfail(
    strict=True,
    reason="PyPy 7.3.19's debug mode aborts with 'Wrong HPy Context!' on a doubly re-entrant call",
)
def test_reentrant_calls_on_pypy_debug(reenter_module, pypy):
    proc = run_reenter(pypy, reenter_module, "debug")
    assert "Wrong HPy Context" not in proc.stdout, proc.stdout
    assert proc.returncode == 0 and proc.stdout.split() == ["42", "'42'"], proc.stdout
