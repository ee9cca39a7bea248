"""PyPy bugs (and one HPy bug on CPython 3.13) that hpy-rs cannot work around, each shown by a minimal C HPy module (no hpy-rs)
under tests/pypy_bugs/, compiled against hpy.devel's headers and loaded, like hpy-rs's binaries,
on CPython and on PyPy. The PyPy checks are strict xfails: when a PyPy release fixes the bug,
they fail, and so do the hpy-rs tests marked for it (tests/python/pypy_known_bugs.py).

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
    "builtin_shape": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
m = hu.load("builtin_shape", path, importlib.machinery.ModuleSpec("builtin_shape", None, origin=path), mode=mode)
n = m.TaggedInt(5)
n.set_tag(7)
print(n + 1, n.tag())
""",
    "inline_values": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
m = hu.load("inline_values", path, importlib.machinery.ModuleSpec("inline_values", None, origin=path), mode=mode)
boxes = [m.Box() for _ in range(1000)]
print(sum(b.value() for b in boxes) // 1000, boxes[0].value())
""",
    # The same module, loaded in debug mode under a LeakDetector.
    "modcreate_leak": """
import importlib.machinery, os, sys
import hpy.universal as hu
from hpy.debug import LeakDetector
path = os.path.abspath(sys.argv[1])
spec = importlib.machinery.ModuleSpec("modcreate_spec", None, origin=path)
try:
    with LeakDetector():
        hu.load("modcreate_spec", path, spec, mode=hu.MODE_DEBUG)
    print("no handle leaked")
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0])
""",
    "number_protocol": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
m = hu.load("number_protocol", path, importlib.machinery.ModuleSpec("number_protocol", None, origin=path), mode=mode)
def run(f, *args):
    try:
        return repr(f(*args))
    except Exception as e:
        return f"{type(e).__name__}({str(e)!r})"
class IndexLike:
    def __index__(self):
        return 7
class IntLike:
    def __int__(self):
        return 42
print(run(m.inplace_pow, 2, "a"), run(m.is_number, 1j), run(m.is_number, IndexLike()),
      run(m.as_int32, 2**32).split("(")[0], run(m.as_void_ptr, 2**63), run(m.to_bytes, [1, 2]),
      run(m.as_int64, IntLike()).split("(")[0], sep=" | ")
""",
    "call_function": """
import importlib.machinery, os, sys
import hpy.universal as hu
path = os.path.abspath(sys.argv[1])
mode = getattr(hu, "MODE_" + sys.argv[2].upper())
m = hu.load("call_function", path, importlib.machinery.ModuleSpec("call_function", None, origin=path), mode=mode)
a, b, c = m.Calc(1), m.Calc(2), m.Calc(0)
print(a(3, 4), b(3, 4), repr(c(3, 4)))
""",
}
EXPECTED = {
    "reenter": "42 '42'",
    "call_function": "7 12 'default'",
    "modcreate_spec": "received the spec",
    "modcreate_leak": "no handle leaked",
    "builtin_shape": "6 7",
    "inline_values": "42 42",
    "number_protocol": (
        "TypeError(\"unsupported operand type(s) for **=: 'int' and 'str'\") | True | True | "
        "OverflowError | 9223372036854775808 | b'\\x01\\x02' | TypeError"
    ),
}
# The C source of each driver's module, when not <driver name>.c.
SOURCES = {"modcreate_leak": "modcreate_spec"}


@pytest.fixture(scope="module")
def reproducers(tmp_path_factory):
    """{driver name: its tests/pypy_bugs/<source>.c built as a universal <source>.hpy0.so}."""
    import hpy.devel

    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.fail("no C compiler (tools/setup_env.sh installs gcc)", pytrace=False)
    out = tmp_path_factory.mktemp("pypy_bugs")
    include = hpy.devel.HPyDevel().include_dir
    built = {}
    for name in DRIVERS:
        source = SOURCES.get(name, name)
        target = out / name / f"{source}.hpy0.so"
        target.parent.mkdir()
        proc = subprocess.run(
            [cc, "-shared", "-fPIC", "-O1", "-DHPY_ABI_UNIVERSAL", f"-I{include}", "-o", str(target),
             str(BUGS_DIR / f"{source}.c")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if proc.returncode != 0:  # a failure, never an xfail (those expect AssertionError)
            pytest.fail(f"building {source}.c failed:\n{proc.stdout}", pytrace=False)
        built[name] = target
    return built


def run_reproducer(python, reproducers, name, mode, pythonpath=None):
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONPATH")}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run(
        [str(python), "-c", DRIVERS[name], str(reproducers[name]), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        env=env,
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


def known_bug(reason):
    """A strict xfail: the reproducer's output differs from HPy's answer (or the process dies)."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


REENTRANT_DEBUG = known_bug("PyPy 7.3.19's debug mode aborts with 'Wrong HPy Context!' on a doubly re-entrant call")
BUILTIN_SHAPE = known_bug("PyPy 7.3.19 implements no _HPy_AsStruct_<Shape> but Object's: it crashes")
MOD_CREATE_SPEC = known_bug("PyPy 7.3.19 passes HPy_mod_create a module object it made, not the spec given to load()")
MOD_CREATE_LEAK = known_bug("PyPy 7.3.19's debug mode never closes the handle an HPy_mod_create function returns")
NUMBER_PROTOCOL = known_bug(
    "PyPy 7.3.19: HPy_InPlacePower's TypeError names '** or pow()', HPyNumber_Check misses complex and "
    "__index__, HPyLong_AsInt32_t truncates, HPyLong_AsVoidPtr refuses addresses >= 2**63, HPy_Bytes "
    "refuses iterables of ints, HPyLong_AsInt64_t calls __int__"
)
CALL_FUNCTION = known_bug(
    "PyPy 7.3.19's HPy_SetCallFunction sets the type's __call__: all instances run the last call "
    "function set"
)

# (driver, mode, PyPy bug or None): the universal re-entrant call is the control.
PYPY_CASES = [
    ("reenter", "universal", None),
    ("reenter", "debug", REENTRANT_DEBUG),
    ("builtin_shape", "universal", BUILTIN_SHAPE),
    ("builtin_shape", "debug", BUILTIN_SHAPE),
    ("modcreate_spec", "universal", MOD_CREATE_SPEC),
    ("modcreate_spec", "debug", MOD_CREATE_SPEC),
    ("modcreate_leak", "debug", MOD_CREATE_LEAK),
    ("number_protocol", "universal", NUMBER_PROTOCOL),
    ("number_protocol", "debug", NUMBER_PROTOCOL),
    ("call_function", "universal", CALL_FUNCTION),
    ("call_function", "debug", CALL_FUNCTION),
]


@pytest.mark.parametrize(
    "name, mode",
    [pytest.param(n, m, marks=[bug] if bug else [], id=f"{n}-{m}") for n, m, bug in PYPY_CASES],
)
def test_reproducer_on_pypy(reproducers, pypy, name, mode):
    assert run_reproducer(pypy, reproducers, name, mode) == (0, EXPECTED[name])


INLINE_VALUES = known_bug(
    "HPy 0.9.0's type marker is tp_flags bit 2, CPython 3.13's Py_TPFLAGS_INLINE_VALUES "
    "(hpyproject/hpy#493): instances of HPy types crash on attribute lookup"
)


@pytest.mark.parametrize(
    "minor", ["3.12", *(pytest.param(m, marks=INLINE_VALUES) for m in ("3.13", "3.14", "3.15"))]
)
@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_hpy_types_on_cpython(reproducers, minor, mode):
    """Not a PyPy bug: hpy==0.9.0's own runtime on CPython 3.13+ (3.12 is the control)."""
    from test_loading import python_for

    python = python_for(minor)
    assert run_reproducer(python, reproducers, "inline_values", mode) == (0, EXPECTED["inline_values"])


@pytest.mark.parametrize("minor", ["3.13", "3.14", "3.15"])
@pytest.mark.parametrize("mode", ["universal", "debug"])
def test_hpy_types_on_cpython_with_the_marker_moved(reproducers, minor, mode):
    """The same module, unchanged, runs on 3.13+ once hpy's type marker is off bit 2: the hpy
    0.9.0 that tools/setup_env.sh builds with that one line changed (the fix hpyproject/hpy#494
    proposes), which tools/test.sh uses for the universal suites there."""
    from test_loading import python_for

    python = python_for(minor)
    moved = hpyrs_testing.REPO_ROOT / ".interpreters" / f"cpython{minor}" / "hpy-moved-marker"
    if not moved.is_dir():
        reason = f"{moved} missing (run tools/setup_env.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    assert run_reproducer(python, reproducers, "inline_values", mode, pythonpath=moved) == (
        0,
        EXPECTED["inline_values"],
    )
