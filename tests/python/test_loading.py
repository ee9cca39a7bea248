"""Loading hpy-rs modules for real: through the stub, in debug mode, as a CPython extension,
and the one universal binary on every CPython 3.8-3.15 and PyPy; every example suite in the
CPython ABI on every CPython 3.8-3.15 and on 3.14's debug build (3.14d). The interpreters other
than this session's are the project-local ones tools/setup_env.sh installs (tools/python3.X:
pyenv's 3.8-3.13, Debian sid's 3.14, 3.14d and 3.15; tools/pypy).

Everything runs in subprocesses, so each import is a real first import in a fresh
interpreter, with the environment variables (HPY, HPY_LOG) that users would set.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

import hpyrs_testing

EXAMPLE = "quickstart"
HPY_VERSION = "0.9.0"
# Every CPython tested. 3.11 is this session's (.venv); tools/setup_env.sh installs the others.
PYTHON_MINORS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
HOST_MINOR = "3.11"
MULTI_PY_SECTION = "hpy-rs: one universal binary on several Pythons"


@pytest.fixture(scope="module")
def built():
    return hpyrs_testing.build_example(EXAMPLE)


# Prints facts about the imported module as JSON on the last line of stdout.
PROBE = textwrap.dedent(
    """
    import json, sys
    import {name} as m
    info = {{
        "name": m.__name__,
        "file": getattr(m, "__file__", None),
        "doc": m.__doc__,
        "add": m.add(2, 3),
        "version": list(sys.version_info[:2]),
        "same_in_sys_modules": sys.modules["{name}"] is m,
        "loader": type(getattr(m, "__loader__", None)).__name__,
        "hpy_loaded": "hpy.universal" in sys.modules,
    }}
    print(json.dumps(info))
    """
)


def run_python(code, *, pythonpath, python=sys.executable, env=None, cwd=None):
    """Runs `code` in a fresh interpreter with only `pythonpath` added to the path."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("HPY", "HPY_LOG", "PYTHONPATH", "PYTHONHOME")}
    full_env["PYTHONPATH"] = str(pythonpath)
    full_env["PYTHONDONTWRITEBYTECODE"] = "1"
    full_env.update(env or {})
    return subprocess.run(
        [str(python), "-c", code],
        env=full_env,
        cwd=cwd or str(pythonpath),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
    )


def probe(python=sys.executable, *, pythonpath, env=None):
    proc = run_python(PROBE.format(name=EXAMPLE), python=python, pythonpath=pythonpath, env=env)
    assert proc.returncode == 0, f"import failed (exit {proc.returncode}):\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    lines = proc.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines[:-1]


def check_module_basics(info):
    assert info["name"] == EXAMPLE
    assert info["same_in_sys_modules"], "the module is not the one in sys.modules"
    assert isinstance(info["doc"], str) and info["doc"].strip(), f"module docstring missing: {info['doc']!r}"
    assert info["add"] == 5


# --------------------------------------------------------------------------------------
# (a) universal, through the stub
# --------------------------------------------------------------------------------------


def test_universal_import_through_stub(built):
    info, log = probe(pythonpath=built.universal_dir, env={"HPY_LOG": "1"})
    check_module_basics(info)
    assert info["file"] is not None
    assert info["file"].endswith(".hpy0.so") or info["file"].endswith(f"{EXAMPLE}.py"), info["file"]
    assert Path(info["file"]).parent == built.universal_dir
    assert info["hpy_loaded"]
    assert any(f"Loading '{EXAMPLE}' in HPy universal mode" in line for line in log), log
    assert not any("debug" in line for line in log), log


def test_stub_does_not_need_pkg_resources(built):
    # HPy 0.9's own stub imports pkg_resources, which setuptools>=81 no longer has.
    code = "import sys; sys.modules['pkg_resources'] = None\n" + PROBE.format(name=EXAMPLE)
    proc = run_python(code, pythonpath=built.universal_dir)
    assert proc.returncode == 0, proc.stderr
    assert "pkg_resources" not in built.stub.read_text()


# --------------------------------------------------------------------------------------
# (b) universal under HPY=debug
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("hpy_env", ["debug", f"{EXAMPLE}:debug"])
def test_universal_debug_mode_through_stub(built, hpy_env):
    info, log = probe(pythonpath=built.universal_dir, env={"HPY": hpy_env, "HPY_LOG": "1"})
    check_module_basics(info)
    assert any(f"Loading '{EXAMPLE}' in HPy universal mode with a debug context" in line for line in log), log


def test_debug_mode_leak_detector_sees_the_module(built):
    # In debug mode the module's handles are debug handles: a call must open some and close
    # them all again.
    code = textwrap.dedent(
        f"""
        import {EXAMPLE} as m
        from hpy.universal import _debug
        from hpy.debug import LeakDetector
        gen = _debug.new_generation()
        with LeakDetector():
            assert m.add(2, 3) == 5
        # only a debug context records closed handles
        assert len(_debug.get_closed_handles(gen)) > 0, "no debug handles were used"
        print("ok")
        """
    )
    proc = run_python(code, pythonpath=built.universal_dir, env={"HPY": "debug"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith("ok")


# --------------------------------------------------------------------------------------
# (c) the CPython-ABI build, imported normally
# --------------------------------------------------------------------------------------


def test_cpython_abi_import(built):
    info, _ = probe(pythonpath=built.cpython_dir)
    check_module_basics(info)
    assert info["file"].endswith(sysconfig.get_config_var("EXT_SUFFIX")), info["file"]
    assert info["loader"] == "ExtensionFileLoader"
    assert not info["hpy_loaded"], "a CPython-ABI module must not need hpy.universal"


# --------------------------------------------------------------------------------------
# binaries and the build tool
# --------------------------------------------------------------------------------------


def _dynamic_symbols(path, *flags):
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) not installed")
    proc = subprocess.run([nm, "-D", *flags, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 0, proc.stderr
    return {line.split()[-1].split("@")[0] for line in proc.stdout.splitlines() if line.strip()}


def test_universal_binary_exports_hpy_entry_points_and_links_no_python(built):
    defined = _dynamic_symbols(built.universal, "--defined-only")
    for sym in (
        f"HPyInit_{EXAMPLE}",
        f"HPyInitGlobalContext_{EXAMPLE}",
        f"get_required_hpy_major_version_{EXAMPLE}",
        f"get_required_hpy_minor_version_{EXAMPLE}",
    ):
        assert sym in defined, f"{built.universal.name} does not export {sym}"
    undefined = _dynamic_symbols(built.universal, "--undefined-only")
    python_syms = sorted(s for s in undefined if re.match(r"_?Py|HPy", s))
    assert not python_syms, f"the universal binary needs symbols from Python: {python_syms}"


def test_cpython_binary_exports_pyinit(built):
    assert f"PyInit_{EXAMPLE}" in _dynamic_symbols(built.cpython, "--defined-only")


def _hpy_build(*args):
    return subprocess.run(
        [sys.executable, str(hpyrs_testing.TOOLS_DIR / "hpy_build.py"), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=3600,
    )


def test_hpy_build_cli_switching_abi_in_one_out_dir(built, tmp_path):
    """Both ABIs built into the same --out: each build removes the other ABI's files."""
    crate = built.crate_dir
    ext_suffix = sysconfig.get_config_var("EXT_SUFFIX")

    proc = _hpy_build(crate, "--abi", "universal", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(tmp_path / f"{EXAMPLE}{suffix}") for suffix in (".hpy0.so", ".py", ".pyi")]

    # The type stub describes the module whatever its ABI: it is rewritten, not removed.
    proc = _hpy_build(crate, "--abi", "cpython", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(tmp_path / f"{EXAMPLE}{ext_suffix}"), str(tmp_path / f"{EXAMPLE}.pyi")]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{EXAMPLE}{ext_suffix}", f"{EXAMPLE}.pyi"])
    info, _ = probe(pythonpath=tmp_path)
    assert info["loader"] == "ExtensionFileLoader"

    proc = _hpy_build(crate, "--abi", "universal", "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{EXAMPLE}.hpy0.so", f"{EXAMPLE}.py", f"{EXAMPLE}.pyi"]
    info, _ = probe(pythonpath=tmp_path)
    assert info["hpy_loaded"] and info["file"].endswith(".hpy0.so")


def test_hpy_build_cli_reports_errors(tmp_path):
    proc = _hpy_build(tmp_path, "--abi", "universal")
    assert proc.returncode != 0
    assert "hpy_build: error:" in proc.stderr and "Cargo.toml" in proc.stderr
    assert proc.stdout == ""


# --------------------------------------------------------------------------------------
# (d) one universal binary, many CPythons
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("minor", PYTHON_MINORS)
def test_universal_binary_on_many_pythons(built, minor):
    """The universal quickstart, through its stub, in universal and debug modes with each
    Python's hpy 0.9.0 from PyPI as it is. (Quickstart defines no class, which 3.13+ crashes on
    with that hpy: test_pypy_bugs.py. tools/test.sh runs the full suites on each Python.)"""
    venv_python = python_for(minor)
    try:
        want = [int(x) for x in minor.split(".")]
        modes = []
        for hpy_env in ("universal", "debug"):
            info, log = probe(venv_python, pythonpath=built.universal_dir, env={"HPY": hpy_env, "HPY_LOG": "1"})
            assert info["version"] == want, f"ran on {info['version']}, expected {minor}"
            check_module_basics(info)
            assert info["hpy_loaded"]
            if hpy_env == "debug":
                assert any("with a debug context" in line for line in log), log
            modes.append(hpy_env)
    except BaseException:  # pytest.fail() raises a BaseException
        hpyrs_testing.report(MULTI_PY_SECTION, f"{minor}: FAILED on {venv_python}")
        raise
    full = subprocess.run(
        [str(venv_python), "-c", "import platform; print(platform.python_version())"], stdout=subprocess.PIPE, text=True
    ).stdout.strip()
    hpyrs_testing.report(MULTI_PY_SECTION, f"{minor}: OK on CPython {full} ({venv_python}); modes: {', '.join(modes)}")


PYPY = hpyrs_testing.REPO_ROOT / "tools" / "pypy"


def pypy_missing_reason():
    """Why the project-local PyPy cannot run (None when it can)."""
    missing = hpyrs_testing.REPO_ROOT / ".interpreters" / "pypy.missing"
    if missing.is_file():
        return missing.read_text().strip()
    proc = subprocess.run([str(PYPY), "-c", "import hpy.universal"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return None if proc.returncode == 0 else proc.stdout.strip().splitlines()[-1]


def test_universal_binary_on_pypy(built):
    """The same .hpy0.so, through its stub, on PyPy in universal and debug modes (the full
    suites run on PyPy in a session of their own: `tools/pypy -m pytest tests/python`)."""
    reason = pypy_missing_reason()
    if reason is not None:
        hpyrs_testing.report(MULTI_PY_SECTION, f"PyPy: SKIPPED, {reason}")
        if os.environ.get("CI") == "true":
            pytest.fail(f"PyPy is required under CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    for hpy_env in ("universal", "debug"):
        info, _ = probe(PYPY, pythonpath=built.universal_dir, env={"HPY": hpy_env})
        check_module_basics(info)
        assert info["hpy_loaded"]  # (PyPy 7.3.19 sets the module's __file__ to its bare name)
    # PyPy's HPY_LOG prints nothing: that HPY=debug took effect shows in the debug handles.
    code = (
        f"import {EXAMPLE} as m; from hpy.universal import _debug; gen = _debug.new_generation(); "
        "m.add(2, 3); print(len(_debug.get_closed_handles(gen)) > 0)"
    )
    proc = run_python(code, python=PYPY, pythonpath=built.universal_dir, env={"HPY": "debug"})
    assert proc.returncode == 0 and proc.stdout.strip() == "True", proc.stdout + proc.stderr
    # HPy_Call and HPyType_GetName sit after PyPy's inserted context member (see
    # hpy-sys/src/context_layout.rs): before the fix, the first crashed and the second lied.
    code = f"import {EXAMPLE} as m; print(m.apply(lambda x: x + 1, 1, times=3), m.describe(2.5))"
    for hpy_env in ("universal", "debug", "trace"):
        proc = run_python(code, python=PYPY, pythonpath=built.universal_dir, env={"HPY": hpy_env})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert proc.stdout.split() == ["4", "float:", "2.5"], proc.stdout
    version = subprocess.run(
        [str(PYPY), "-c", "import sys; print('%d.%d.%d' % sys.pypy_version_info[:3])"], stdout=subprocess.PIPE, text=True
    ).stdout.strip()
    hpyrs_testing.report(MULTI_PY_SECTION, f"PyPy {version}: OK ({PYPY}); modes: universal, debug, trace")


CPYTHON_ABI_SECTION = "hpy-rs: the CPython-ABI build on several CPythons"

CPYTHON_ABI_SMOKE = """
import sys, tour
want = tuple(int(x) for x in sys.argv[1].split("."))
assert sys.version_info[:2] == want, sys.version_info
assert tour.__file__.endswith(sys.argv[2]), tour.__file__
x = object()
before = sys.getrefcount(x)
for _ in range(2000):
    assert tour.same(x, x)
    assert tour.echo_option(None) is None
    assert tour.echo_tuple((1, "a", 2.5)) == (1, "a", 2.5)
    assert tour.get_item([x], 0) is x
    tour.unit()
assert sys.getrefcount(x) == before, (before, sys.getrefcount(x))
assert tour.echo_i128(-2**100) == -2**100
assert tour.make_dict() == {"one": 1, "two": [2, 2]}
try:
    tour.echo_u8(256)
except OverflowError:
    pass
else:
    raise AssertionError("no OverflowError")
print("ok")
"""


@pytest.mark.parametrize("minor", PYTHON_MINORS)
def test_cpython_abi_build_on_many_pythons(minor, tmp_path):
    """examples/tour built for the CPython ABI against each pyenv Python's own headers, imported by
    that Python. This exercises the version-specific parts (the native Py_INCREF/Py_DECREF, with
    3.12+'s immortal objects; HPy's runtime compiled per version); refcounts must not drift."""
    venv_python = python_for(minor)
    try:
        so = hpyrs_testing.hpy_build.build(
            hpyrs_testing.EXAMPLES_DIR / "tour", "cpython", out=tmp_path, python=venv_python, capture=True
        )
        proc = subprocess.run(
            [str(venv_python), "-c", CPYTHON_ABI_SMOKE, minor, so.name],
            env={**os.environ, "PYTHONPATH": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stdout
    except BaseException:
        hpyrs_testing.report(CPYTHON_ABI_SECTION, f"{minor}: FAILED")
        raise
    hpyrs_testing.report(CPYTHON_ABI_SECTION, f"{minor}: OK, {so.name}")


# The example suites whose modules the harness builds; the other files test the host.
EXAMPLE_SUITES = sorted(
    p.name
    for p in (hpyrs_testing.REPO_ROOT / "tests" / "python").glob("test_*.py")
    if p.name not in hpyrs_testing.HOST_ONLY_TESTS
)


def project_local_python(minor):
    """tools/python<minor> if setup_env.sh installed it; otherwise skip (outside CI) or fail."""
    tool = hpyrs_testing.TOOLS_DIR / f"python{minor}"
    missing = hpyrs_testing.REPO_ROOT / ".interpreters" / f"cpython{minor}.missing"
    venv = hpyrs_testing.REPO_ROOT / ".interpreters" / f"cpython{minor}" / "venv" / "bin" / f"python{minor}"
    if venv.is_file() and not missing.is_file():
        return tool
    reason = missing.read_text().strip() if missing.is_file() else "not installed (run tools/setup_env.sh)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CPython {minor} is required under CI=true: {reason}", pytrace=False)
    pytest.skip(f"CPython {minor}: {reason}")


def python_for(minor):
    """An interpreter for CPython `minor` with hpy 0.9.0 and pytest: this session's for 3.11,
    tools/python<minor> for the others (3.14d: 3.14's debug build)."""
    if minor == HOST_MINOR:
        assert "%d.%d" % sys.version_info[:2] == HOST_MINOR, "the main session runs on .venv's CPython 3.11"
        return Path(sys.executable)
    return project_local_python(minor)


@pytest.mark.parametrize("minor", [m for m in PYTHON_MINORS if m != HOST_MINOR] + ["3.14d"])
def test_cpython_abi_suites_on_every_cpython(minor):
    """Every example suite in CPython-ABI mode on every CPython besides this session's (which
    runs them itself), in a nested pytest session with a target directory of its own. Classes
    work on 3.13+ in this ABI because hpy-sys moves HPy's type flag off 3.13's
    Py_TPFLAGS_INLINE_VALUES (hpyproject/hpy#493); the object layout comes from each Python's
    headers (3.14 added `ob_hash` to tuples)."""
    python = python_for(minor)
    env = {
        **os.environ,
        "HPYRS_MODES": "cpython",
        "CARGO_TARGET_DIR": str(hpyrs_testing.target_dir() / f"cpython-{minor}"),
    }
    env.pop("HPYRS_PREBUILT", None)
    proc = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *EXAMPLE_SUITES],
        cwd=hpyrs_testing.REPO_ROOT / "tests" / "python",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=3600,
    )
    closing = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
    hpyrs_testing.report(CPYTHON_ABI_SECTION, f"{minor}, every example suite: {closing}")
    assert proc.returncode == 0, proc.stdout[-5000:]


@pytest.mark.parametrize(
    "macro, message",
    [
        ("Py_GIL_DISABLED", "free-threaded build (Py_GIL_DISABLED)"),
        ("Py_TRACE_REFS", "Py_TRACE_REFS build"),
    ],
)
def test_cpython_abi_refuses_builds_it_cannot_serve(tmp_path_factory, macro, message):
    """hpy-sys reads the build kind from the target Python's pyconfig.h and refuses, with one
    error naming the reason, the builds whose object header or reference counting it does not
    reproduce. Free-threaded CPython cannot be installed here: the Python is a stand-in whose
    headers are this one's with the macro added (found through sysconfig, as hpy-sys asks)."""
    work = tmp_path_factory.mktemp("standin")
    include = Path(sysconfig.get_paths()["include"])
    fake_include = work / "include"
    shutil.copytree(include, fake_include)
    pyconfig = (include / "pyconfig.h").read_text()
    (fake_include / "pyconfig.h").write_text(f"{pyconfig}\n#define {macro} 1\n")
    site = work / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        "import sysconfig\n"
        "_paths = sysconfig.get_paths\n"
        f"sysconfig.get_paths = lambda *a, **k: {{**_paths(*a, **k), 'include': {str(fake_include)!r}}}\n"
    )
    standin = work / "python3"
    standin.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{sys.executable}" "$@"\n')
    standin.chmod(0o755)
    proc = _hpy_build(hpyrs_testing.EXAMPLES_DIR / EXAMPLE, "--abi", "cpython", "--python", standin,
                      "--out", work / "out")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert f"error: this Python is a {message}" in output, output[-3000:]


DEBUG_REFTOTAL = """
import sys, tour
x = object()
def calls(n):
    for _ in range(n):
        assert tour.same(x, x)
        assert tour.echo_option(None) is None
        assert tour.echo_tuple((1, "a", 2.5)) == (1, "a", 2.5)
        assert tour.get_item([x], 0) is x
        tour.unit()
def drift(n):
    calls(10)
    before = sys.gettotalrefcount()
    calls(n)
    return sys.gettotalrefcount() - before
small, large = drift(500), drift(2500)
print(small, large, sys.getrefcount(x))
"""


def test_cpython_abi_keeps_gettotalrefcount_honest_on_debug_cpython(tmp_path):
    """On a debug CPython (sid's python3.14-dbg, Py_DEBUG) every reference is counted in
    sys.gettotalrefcount(); hpy-sys then uses CPython's own Py_IncRef/Py_DecRef for HPy_Dup and
    HPy_Close. An inline count that skipped the total would drift with the number of calls."""
    python = python_for("3.14d")
    so = hpyrs_testing.hpy_build.build(
        hpyrs_testing.EXAMPLES_DIR / "tour", "cpython", out=tmp_path, python=python, capture=True
    )
    proc = subprocess.run(
        [str(python), "-c", DEBUG_REFTOTAL],
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout
    small, large, refcount = map(int, proc.stdout.split())
    # The same constant (the `before` int) whatever the number of calls; refcount: x, argument.
    assert small == large and abs(large) <= 2 and refcount == 2, proc.stdout
    hpyrs_testing.report(CPYTHON_ABI_SECTION, f"3.14d (Py_DEBUG): {so.name}, gettotalrefcount drift {large}")
