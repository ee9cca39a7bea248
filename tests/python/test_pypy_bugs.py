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

import pytest

import hpyrs_testing
from test_loading import PYPY, pypy_missing_reason

BUGS_DIR = hpyrs_testing.REPO_ROOT / "tests" / "pypy_bugs"

# Each reproducer's driver prints one line: what CPython's hpy.universal prints is right.
DRIVERS = {
    "reenter": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
m = hu.load("reenter", path, importlib.machinery.ModuleSpec("reenter", None, origin=path), mode=mode)
print(m.call_back(lambda: m.answer()), m.call_back(lambda: m.call_back(lambda: m.answer())))
""",
    "modcreate_spec": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
spec = importlib.machinery.ModuleSpec("modcreate_spec", None, origin=path)
m = hu.load("modcreate_spec", path, spec, mode=mode)
print("received the spec" if m.received is spec else f"received {m.received!r}")
""",
}
EXPECTED = {"reenter": "42 '42'", "modcreate_spec": "received the spec"}


@pytest.fixture(scope="module")
def reproducers(tmp_path_factory):
    """{name: path of tests/pypy_bugs/<name>.c built as a universal <name>.hpy0.so}."""
    import hpy.devel

    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.fail("no C compiler (tools/setup_env.sh installs gcc)", pytrace=False)
    out = tmp_path_factory.mktemp("pypy_bugs")
    include = hpy.devel.HPyDevel().include_dir
    built = {}
    for name in DRIVERS:
        target = out / f"{name}.hpy0.so"
        proc = subprocess.run(
            [cc, "-shared", "-fPIC", "-O1", "-DHPY_ABI_UNIVERSAL", f"-I{include}", "-o", str(target),
             str(BUGS_DIR / f"{name}.c")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.returncode == 0, proc.stdout
        built[name] = target
    return built


def run_reproducer(python, reproducers, name, mode):
    proc = subprocess.run(
        [str(python), "-c", DRIVERS[name], str(reproducers[name]), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")},
    )
    return proc.returncode, proc.stdout.strip()


@pytest.mark.parametrize("mode", ["universal", "debug"])
@pytest.mark.parametrize("name", sorted(DRIVERS))
def test_reproducer_is_right_on_cpython(reproducers, name, mode):
    """Each reproducer is correct C HPy: CPython's hpy.universal runs it as HPy specifies."""
    assert run_reproducer(sys.executable, reproducers, name, mode) == (0, EXPECTED[name])


@pytest.fixture
def pypy():
    reason = pypy_missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PyPy is required under CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return PYPY


def test_reentrant_calls_on_pypy_universal(reproducers, pypy):
    assert run_reproducer(pypy, reproducers, "reenter", "universal") == (0, EXPECTED["reenter"])


@pytest.mark.xfail(
    strict=True,
    reason="PyPy 7.3.19's debug mode aborts with 'Wrong HPy Context!' on a doubly re-entrant call",
)
def test_reentrant_calls_on_pypy_debug(reproducers, pypy):
    assert run_reproducer(pypy, reproducers, "reenter", "debug") == (0, EXPECTED["reenter"])


@pytest.mark.xfail(
    strict=True,
    reason="PyPy 7.3.19 passes HPy_mod_create a module object it made, not the spec given to load()",
)
@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_mod_create_gets_the_spec_on_pypy(reproducers, pypy, mode):
    assert run_reproducer(pypy, reproducers, "modcreate_spec", mode) == (0, EXPECTED["modcreate_spec"])
