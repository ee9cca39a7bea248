"""Test harness for hpy-rs examples: build each example once, load it in every HPy mode.

In a test file::

    from hpyrs_testing import example_module

    mod = example_module("quickstart")     # fixture `mod`, named after the variable

    def test_add(mod):
        assert mod.add(2, 3) == 5

    def test_only_some_modes(mod, hpy_mode):
        if hpy_mode == "cpython":
            pytest.skip("universal-only behaviour")
        ...

Every test that uses `mod` runs once per mode of the interpreter running pytest. On CPython:

* cpython   -- `examples/<name>` built with the CPython ABI, imported as a normal extension;
* universal -- the universal `.hpy0.so` loaded by `hpy.universal` (MODE_UNIVERSAL);
* debug     -- the same universal binary (a copy of it, see below) loaded in HPy debug mode.
  The test runs inside `hpy.debug.LeakDetector`: a handle the extension leaves open makes
  the test fail at teardown (HPyLeakError listing the handles). The use of a closed or
  otherwise invalid handle is reported as a failure instead of aborting the whole run.

On PyPy (`tools/pypy -m pytest tests/python`), with PyPy's own built-in `hpy.universal`:

* pypy       -- the same universal `.hpy0.so` the CPython session built, in universal mode;
* pypy-debug -- PyPy's HPy debug mode, with the same leak and invalid-handle checks as `debug`.

PyPy never builds anything: it loads the files the CPython session left in
`<target>/pytest-ext/<name>/universal/`, and fails with a clear message when they are missing.
With HPYRS_PREBUILT=1 (tools/test.sh sets it for every session after the first) CPython
does not build either, so every interpreter provably loads the very same binaries; their
SHA-256 prefixes are printed in the session summary.

While a test runs, `sys.modules[<name>]` is the module of the current mode (so pickling and
`import <name>` inside the test see the right one); it is restored afterwards.

To run a test in some modes only, parametrize `hpy_mode` directly, which overrides the
fixture: `@pytest.mark.parametrize("hpy_mode", ["universal", "debug"])`. The environment
variable HPYRS_MODES (e.g. `HPYRS_MODES=cpython,debug`) restricts the modes of a whole run.
HPYRS_HANDLE_TRACES=N records N stack frames for each debug handle, so that a leak report
shows where the leaked handle was created (slow). `is_debug(mode)` and `is_universal(mode)`
classify a mode whatever the interpreter.

Builds are release builds of both ABIs, made once per session with the interpreter running
pytest (its headers for the CPython ABI), into `<cargo target dir>/pytest-ext/<name>/<abi>/`.

Why the debug copy: `dlopen` maps one path only once per process and the universal ABI keeps
the context in a global of the binary, so loading the same file in universal mode and then in
debug mode would switch the already loaded universal module to the debug context too.
The debug mode therefore loads `<...>/universal/debug/<name>.hpy0.so`, a copy.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable, Dict, List, Optional, Tuple

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = REPO_ROOT / "tools"
EXAMPLES_DIR = REPO_ROOT / "examples"
BACKEND_DIR = REPO_ROOT / "python" / "hpyrs-build"


def backend_wheelhouse(out: Path) -> Path:
    """`out`, holding hpyrs-build's own wheel built with pip as the docs say: the directory a
    user's `PIP_FIND_LINKS` names until the backend is on PyPI."""
    import subprocess

    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(BACKEND_DIR), "-w", str(out)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}"
    return out

IS_PYPY = sys.implementation.name == "pypy"
# A CPython that tools/setup_env.sh unpacked under .interpreters/ (tools/python3.14, tools/python3.15):
# like PyPy, it loads the binaries of the host session and leaves the host-side checks to that session.
IS_PROJECT_LOCAL_CPYTHON = not IS_PYPY and (REPO_ROOT / ".interpreters") in Path(sys.prefix).resolve().parents
# Host-side test files, which build with cargo, inspect binaries, run valgrind or mypy, or start
# other interpreters: only the host CPython session (.venv) runs them; the sessions of other
# interpreters skip them (conftest.py), and so do test_loading.py's nested example suites.
HOST_ONLY_TESTS = (
    "test_loading.py",
    "test_bench.py",
    "test_pypy_bugs.py",
    "test_coverage.py",
    "test_stubs.py",
    "test_kiwisolver_stubs.py",
    "test_kiwisolver_wheel.py",
    "test_architecture.py",
    "test_guide_site.py",
)
CPYTHON_MODES = ("cpython", "universal", "debug")
PYPY_MODES = ("pypy", "pypy-debug")
ALL_MODES = CPYTHON_MODES + PYPY_MODES
# The modes this interpreter can run.
NATIVE_MODES = PYPY_MODES if IS_PYPY else CPYTHON_MODES
_DEBUG_MODES = ("debug", "pypy-debug")


def collect_garbage() -> None:
    """Frees every unreachable object and runs its finalizers and `tp_destroy`.

    On CPython one `gc.collect()` does. PyPy runs finalizers (`__del__`, HPy's `tp_destroy`)
    after the collection that found the object unreachable, and of a cycle of objects with
    finalizers only one per collection (observed on 7.3.19), so it collects a few times.
    """
    import gc

    for _ in range(4 if IS_PYPY else 1):
        gc.collect()


def _huge_allocations_fail() -> bool:
    """Whether an impossible allocation fails here rather than being promised and the process
    killed later: Linux's default heuristic overcommit (0) and strict accounting (2) refuse it."""
    try:
        with open("/proc/sys/vm/overcommit_memory") as f:
            return f.read().strip() != "1"
    except OSError:
        return True


# For the tests that ask for tens of gigabytes and expect MemoryError.
needs_failing_huge_allocations = pytest.mark.skipif(
    not _huge_allocations_fail(), reason="vm.overcommit_memory=1 promises any allocation"
)


def is_debug(mode: str) -> bool:
    """True for the modes that load the universal binary in HPy's debug mode (leak-checked)."""
    return mode in _DEBUG_MODES


def is_universal(mode: str) -> bool:
    """True for every mode that loads the universal `.hpy0.so` (all but `cpython`)."""
    return mode != "cpython"


def interpreter_description() -> str:
    """E.g. `CPython 3.11.7`, `CPython 3.14.10 (debug build)` or `PyPy 7.3.19 (Python 3.11.11)`."""
    py = ".".join(map(str, sys.version_info[:3]))
    if IS_PYPY:
        pypy = ".".join(map(str, sys.pypy_version_info[:3]))
        return f"PyPy {pypy} (Python {py})"
    debug = " (debug build)" if hasattr(sys, "gettotalrefcount") else ""
    return f"{sys.implementation.name.capitalize().replace('Cpython', 'CPython')} {py}{debug}"


def hpy_runtime_description() -> str:
    """E.g. `hpy 0.9.0`, and where a CPython 3.13+ session uses the hpy that tools/setup_env.sh
    built with its type marker moved off Py_TPFLAGS_INLINE_VALUES, says so."""
    try:
        import hpy.universal
    except ImportError as e:
        return f"hpy is not importable: {e}"
    text = f"hpy {hpy.universal.get_version()[0]}"
    runtime = Path(getattr(hpy.universal, "__file__", "") or ".").parent / "devel" / "src" / "runtime"
    try:
        moved = "HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 21)" in (runtime / "ctx_type.c").read_text()
    except OSError:
        moved = False
    if moved:
        text += " with its type marker on tp_flags bit 21 (hpyproject/hpy#493, #494)"
    return text


def _selected_modes() -> Tuple[str, ...]:
    raw = os.environ.get("HPYRS_MODES", "").strip()
    if not raw:
        return NATIVE_MODES
    modes = tuple(m.strip() for m in raw.split(",") if m.strip())
    unknown = [m for m in modes if m not in ALL_MODES]
    if unknown:
        raise ValueError(f"HPYRS_MODES: unknown mode(s) {unknown}; choose from {ALL_MODES}")
    foreign = [m for m in modes if m not in NATIVE_MODES]
    if foreign:
        raise ValueError(
            f"HPYRS_MODES: mode(s) {foreign} cannot run on {interpreter_description()}; it runs {NATIVE_MODES}"
        )
    return modes


MODES = _selected_modes()
# HPYRS_TRACE_CALLS=<file.json>: the universal mode loads examples in HPy's trace mode, and
# conftest.py writes which context functions each test called to that file (tools/coverage.py).
TRACE_CALLS = os.environ.get("HPYRS_TRACE_CALLS", "").strip()


def _import_hpy_build():
    if str(TOOLS_DIR) not in sys.path:
        sys.path.insert(0, str(TOOLS_DIR))
    import hpy_build

    return hpy_build


hpy_build = _import_hpy_build()

# Lines for the terminal summary (conftest's pytest_terminal_summary prints them).
REPORT: Dict[str, List[str]] = {}
BINARIES_SECTION = "hpy-rs: universal binaries loaded in this session"


def report(section: str, line: str) -> None:
    """Adds a line to a section of the end-of-session summary (shown even without -s)."""
    REPORT.setdefault(section, []).append(line)


# --------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuiltExample:
    """The builds of one example (on PyPy only the universal one: `cpython` is None)."""

    name: str  # the Python module name
    crate_dir: Path
    cpython: Optional[Path]  # <dir>/cpython/<name><EXT_SUFFIX>
    universal: Path  # <dir>/universal/<name>.hpy0.so, with the stub <name>.py beside it

    @property
    def cpython_dir(self) -> Path:
        if self.cpython is None:
            raise RuntimeError(f"no CPython-ABI build of {self.name} on {interpreter_description()}")
        return self.cpython.parent

    @property
    def universal_dir(self) -> Path:
        """Put this on PYTHONPATH to `import <name>` through the loader stub."""
        return self.universal.parent

    @property
    def stub(self) -> Path:
        return self.universal_dir / f"{self.name}.py"


_lock = threading.RLock()
_target_dir = None
_built: Dict[str, object] = {}  # name -> BuiltExample, or the BuildError it raised


def target_dir() -> Path:
    """The workspace's cargo target directory (honours CARGO_TARGET_DIR)."""
    global _target_dir
    with _lock:
        if _target_dir is None:
            try:
                _target_dir = hpy_build.workspace_target_dir(REPO_ROOT)
            except hpy_build.BuildError:
                _target_dir = REPO_ROOT / "target"
        return _target_dir


def ext_root() -> Path:
    return target_dir() / "pytest-ext"


def uses_prebuilt_binaries() -> bool:
    """True when this session loads binaries an earlier session built instead of building them."""
    return IS_PYPY or os.environ.get("HPYRS_PREBUILT") == "1"


def _prebuilt(crate_dir: Path, out: Path) -> BuiltExample:
    name = hpy_build.crate_module_name(crate_dir)
    universal = out / "universal" / f"{name}.{hpy_build.HPY_ABI_TAG}.so"
    cpython = None if IS_PYPY else out / "cpython" / f"{name}{hpy_build.python_ext_suffix()}"
    if cpython is not None and not cpython.is_file() and "cpython" not in MODES:
        # A CPython-ABI build exists only for the interpreter that built it: e.g. CPython 3.14 with
        # HPYRS_MODES=universal,debug loads the universal binaries a 3.11 session built.
        cpython = None
    missing = [p for p in (universal, cpython) if p is not None and not p.is_file()]
    if missing:
        raise hpy_build.BuildError(
            f"{', '.join(map(str, missing))} missing: this session loads the binaries a CPython session built "
            "(run `.venv/bin/python -m pytest tests/python` first, or tools/test.sh)"
        )
    return BuiltExample(name=name, crate_dir=crate_dir, cpython=cpython, universal=universal)


def _sha256_prefix(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def build_example(name: str) -> BuiltExample:
    """Builds `examples/<name>` in both ABIs (release) once per session, or finds the binaries
    an earlier session built (see `uses_prebuilt_binaries`); fails the test on error."""
    with _lock:
        cached = _built.get(name)
        if cached is None:
            crate_dir = EXAMPLES_DIR / name
            try:
                if not (crate_dir / "Cargo.toml").is_file():
                    raise hpy_build.BuildError(f"no example crate at {crate_dir}")
                out = ext_root() / name
                if uses_prebuilt_binaries():
                    cached = _prebuilt(crate_dir, out)
                else:
                    cpy = hpy_build.build(
                        crate_dir, "cpython", out=out / "cpython", release=True, python=sys.executable, capture=True
                    )
                    uni = hpy_build.build(crate_dir, "universal", out=out / "universal", release=True, capture=True)
                    cached = BuiltExample(name=cpy.name.split(".", 1)[0], crate_dir=crate_dir, cpython=cpy, universal=uni)
                report(
                    BINARIES_SECTION,
                    f"{cached.universal.name}: sha256 {_sha256_prefix(cached.universal)}"
                    + (" (built by an earlier session)" if uses_prebuilt_binaries() else " (built now)"),
                )
            except hpy_build.BuildError as e:
                cached = e
            _built[name] = cached
    if isinstance(cached, Exception):
        pytest.fail(f"building examples/{name} failed:\n{cached}", pytrace=False)
    return cached


# --------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------

_loaded: Dict[Tuple[str, str], ModuleType] = {}


def _atomic_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dest)  # a new inode: another process that loaded the old copy is unaffected


def universal_spec(name: str, path: Path) -> "importlib.machinery.ModuleSpec":
    """A module spec for the universal binary at `path`, to pass to `hpy.universal.load`.

    PyPy's importlib knows only its own extension suffix, so `spec_from_file_location` gives
    None for a `.hpy0.so` there; the spec is then made by hand (an `HPy_mod_create` function
    receives it)."""
    import importlib.machinery

    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        spec = importlib.machinery.ModuleSpec(name, None, origin=str(path))
        spec.has_location = True
    return spec


def debug_copy(built: BuiltExample) -> Path:
    """The copy of the universal binary that debug modes load (see the module docstring)."""
    path = built.universal_dir / "debug" / built.universal.name
    with _lock:
        if path not in _debug_copies:
            _atomic_copy(built.universal, path)
            _debug_copies.add(path)
    return path


_debug_copies: set = set()


def load_module(name: str, mode: str) -> ModuleType:
    """Module `name` (an example) loaded in `mode`; one instance per (name, mode) per session."""
    if mode not in NATIVE_MODES:
        raise ValueError(f"HPy mode {mode!r} does not run on {interpreter_description()}; expected one of {NATIVE_MODES}")
    built = build_example(name)
    key = (name, mode)
    with _lock:
        if key in _loaded:
            return _loaded[key]
        modname = built.name
        if mode == "cpython":
            path = built.cpython
            spec = importlib.util.spec_from_file_location(modname, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            import hpy.universal as hu

            if is_debug(mode):
                path = debug_copy(built)
                hpy_mode = hu.MODE_DEBUG
            else:
                path, hpy_mode = built.universal, hu.MODE_UNIVERSAL
                if TRACE_CALLS:
                    # tools/coverage.py: count the context functions each test calls.
                    hpy_mode = hu.MODE_TRACE
            spec = universal_spec(modname, path)
            module = hu.load(modname, str(path), spec, mode=hpy_mode)
            module.__file__ = str(path)
            module.__spec__ = spec
        _loaded[key] = module
        return module


# --------------------------------------------------------------------------------------
# debug-mode checks
# --------------------------------------------------------------------------------------


class DebugChecks:
    """Context manager for one test in debug mode: leak detection + invalid-handle capture.

    On exit raises `hpy.debug.HPyLeakError` if a handle opened during the block is still open,
    and fails the test if an invalid handle (e.g. closed twice) or builder was used. Nesting is
    fine (a test using two example fixtures): the outermost instance reports invalid handles.
    """

    _active: List["DebugChecks"] = []

    def __init__(self) -> None:
        self.invalid_handles = 0
        self.invalid_builders = 0

    @classmethod
    def _on_invalid_handle(cls) -> None:
        if cls._active:
            cls._active[0].invalid_handles += 1

    @classmethod
    def _on_invalid_builder(cls) -> None:
        if cls._active:
            cls._active[0].invalid_builders += 1

    def __enter__(self) -> "DebugChecks":
        from hpy.debug import LeakDetector
        from hpy.universal import _debug

        if not DebugChecks._active:
            traces = os.environ.get("HPYRS_HANDLE_TRACES")
            if traces:
                _debug.set_handle_stack_trace_limit(int(traces))
            # Without a callback, debug mode aborts the whole process on an invalid handle.
            _debug.set_on_invalid_handle(DebugChecks._on_invalid_handle)
            _debug.set_on_invalid_builder_handle(DebugChecks._on_invalid_builder)
        DebugChecks._active.append(self)
        self._detector = LeakDetector()
        self._detector.start()
        return self

    def __exit__(self, *exc) -> None:
        from hpy.debug import HPyLeakError
        from hpy.universal import _debug

        DebugChecks._active.remove(self)
        if not DebugChecks._active:
            _debug.set_on_invalid_handle(None)
            _debug.set_on_invalid_builder_handle(None)
        problems = []
        if self.invalid_handles:
            problems.append(f"{self.invalid_handles} use(s) of an invalid (e.g. already closed) handle")
        if self.invalid_builders:
            problems.append(f"{self.invalid_builders} use(s) of an invalid builder handle")
        try:
            self._detector.stop()
        except HPyLeakError as e:
            if hasattr(e, "add_note") and not os.environ.get("HPYRS_HANDLE_TRACES"):
                e.add_note("(run with HPYRS_HANDLE_TRACES=16 to see where the leaked handles were created)")
            raise
        finally:
            if problems:
                pytest.fail("HPy debug mode: " + "; ".join(problems), pytrace=False)


# --------------------------------------------------------------------------------------
# the fixture factory
# --------------------------------------------------------------------------------------

_MISSING = object()


def example_module(name: str) -> Callable:
    """A function-scoped fixture giving example `name` loaded in the current `hpy_mode`.

    Assign it at module level; the fixture takes the variable's name::

        mod = example_module("quickstart")
    """

    @pytest.fixture
    def _example_module(hpy_mode):
        module = load_module(name, hpy_mode)
        # Not `module.__name__`: an HPy_mod_create slot may return a non-module object, which
        # only importlib (the cpython mode) gives a `__name__`.
        modname = build_example(name).name
        saved = sys.modules.get(modname, _MISSING)
        sys.modules[modname] = module
        try:
            if is_debug(hpy_mode):
                with DebugChecks():
                    yield module
            else:
                yield module
        finally:
            if saved is _MISSING:
                sys.modules.pop(modname, None)
            else:
                sys.modules[modname] = saved

    _example_module.__doc__ = f"examples/{name} loaded in the mode given by `hpy_mode`"
    return _example_module


# --------------------------------------------------------------------------------------
# examples that are Python packages (a package directory for a child interpreter)
# --------------------------------------------------------------------------------------


def example_package(name: str, mode: str, package: str, sources: Path) -> Tuple[Path, Dict[str, str]]:
    """A directory to put first on the `PYTHONPATH` of a child interpreter, and the environment
    variables that select `mode` there: it holds the Python package `package` (the `*.py` files
    of `sources`) with example `name`'s binary inside, as a wheel would install it:
    `<package>/<module><EXT_SUFFIX>` in the cpython mode, the universal `<module>.hpy0.so` with
    its loader stub `<module>.py` in the others (`HPY=debug` in the debug modes). The module is
    the crate's lib name, so `import <package>.<module>` loads it. One directory per mode,
    rebuilt from the session's binaries on each call."""
    built = build_example(name)
    root = ext_root() / name / "package" / mode
    pkg = root / package
    with _lock:
        shutil.rmtree(root, ignore_errors=True)
        pkg.mkdir(parents=True)
        for src in sorted(sources.glob("*.py")):
            shutil.copyfile(src, pkg / src.name)
        if mode == "cpython":
            shutil.copyfile(built.cpython, pkg / built.cpython.name)
        else:
            shutil.copyfile(built.universal, pkg / built.universal.name)
            shutil.copyfile(built.stub, pkg / built.stub.name)
    env = {"HPY": "debug"} if is_debug(mode) else {}
    return root, env
