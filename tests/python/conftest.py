"""pytest configuration for the hpy-rs Python tests (see hpyrs_testing.py for the API)."""

import os
import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    # Lets test files `from hpyrs_testing import example_module` whatever the import mode.
    sys.path.insert(0, str(_HERE))

import hpyrs_testing  # noqa: E402

if hpyrs_testing.IS_PYPY or hpyrs_testing.IS_PROJECT_LOCAL_CPYTHON:
    # Host-side checks that build with cargo, inspect binaries with nm, run valgrind, or start
    # other interpreters: the CPython session of .venv runs them, and its test_loading.py loads
    # the same universal binary on PyPy in subprocesses too.
    collect_ignore = list(hpyrs_testing.HOST_ONLY_TESTS)


@pytest.fixture(params=hpyrs_testing.MODES)
def hpy_mode(request):
    """The HPy mode of this test run: "cpython", "universal" or "debug" on CPython; "pypy" or
    "pypy-debug" on PyPy (see hpyrs_testing's docstring).

    Every fixture made by `example_module()` depends on it, so a test using one is run once
    per mode, with the mode as its id. Parametrize `hpy_mode` on a test to choose modes.
    """
    return request.param


@pytest.fixture(scope="session")
def build_example():
    """`build_example(name) -> BuiltExample`: both ABIs of examples/<name>, built once per session."""
    return hpyrs_testing.build_example


def pytest_report_header(config):
    import hpyrs_testing as t

    lines = [
        f"hpy-rs: interpreter {t.interpreter_description()} ({sys.executable})",
        f"hpy-rs: modes {', '.join(t.MODES)}; extensions "
        + ("loaded from" if t.uses_prebuilt_binaries() else "built into")
        + f" {t.ext_root()}",
    ]
    try:
        import hpy.universal

        where = getattr(hpy.universal, "__file__", "built in")
        lines.append(f"hpy-rs: {t.hpy_runtime_description()} ({where})")
    except ImportError as e:  # the tests that need it will fail with a clear error
        lines.append(f"hpy-rs: hpy is not importable: {e}")
    return lines


def pytest_collection_modifyitems(config, items):
    if not hpyrs_testing.IS_PYPY:
        return
    import pypy_known_bugs

    for item in items:
        bug = pypy_known_bugs.failing(item.nodeid)
        if bug is not None:
            item.add_marker(pytest.mark.xfail(strict=True, reason=bug))
        bug = pypy_known_bugs.aborting(item.nodeid)
        if bug is not None:
            _run_in_child_process(item)
            item.add_marker(pytest.mark.xfail(strict=True, reason=bug, raises=AssertionError))


def _run_in_child_process(item):
    """Runs the test's body in a forked child, so that a PyPy bug that aborts the interpreter
    fails the test (an `AssertionError` its strict xfail expects) instead of ending the session.
    Fixtures, like debug mode's LeakDetector, still run in this process."""
    run = item.runtest

    def runtest():
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                run()
                status = 0
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(status)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            raise AssertionError(f"the interpreter was killed by signal {os.WTERMSIG(status)}")
        assert os.WEXITSTATUS(status) == 0, "the test failed in the child process"

    item.runtest = runtest


def pytest_terminal_summary(terminalreporter):
    import hpyrs_testing as t

    terminalreporter.section("hpy-rs: interpreter")
    terminalreporter.line(f"{t.interpreter_description()}: modes {', '.join(t.MODES)}; {t.hpy_runtime_description()}")
    for section, lines in hpyrs_testing.REPORT.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.line(line)


if hpyrs_testing.TRACE_CALLS:
    _called_by: dict = {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(item, nextitem):
        """Records the context functions (`ctx_*` members) this test made the examples call,
        its fixtures included (loading a module runs its init and class creation)."""
        from hpy.trace import get_call_counts

        before = dict(get_call_counts())
        yield
        for member, count in get_call_counts().items():
            if count > before.get(member, 0):
                _called_by.setdefault(member, []).append(item.nodeid)

    def pytest_sessionfinish(session):
        import json

        with open(hpyrs_testing.TRACE_CALLS, "w") as f:
            json.dump(_called_by, f, indent=1, sort_keys=True)
