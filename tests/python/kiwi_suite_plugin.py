"""pytest plugin for the child interpreter that runs kiwisolver's own test suite against the port
(tests/python/test_kiwisolver.py starts it with `-p kiwi_suite_plugin`).

* Refuses to run unless `kiwisolver` is the port in KIWI_PORT_DIR (not an installed kiwisolver).
* With KIWI_LEAK_CHECK=1 (the debug modes), wraps every test in `hpy.debug.LeakDetector`: a handle
  the port leaves open fails the test, and so does any use of an invalid handle.
"""

import os
from pathlib import Path

import pytest


def pytest_sessionstart(session):
    import kiwisolver

    expected = Path(os.environ["KIWI_PORT_DIR"]).resolve()
    actual = Path(kiwisolver.__file__).resolve()
    if expected not in actual.parents:
        raise pytest.UsageError(f"kiwisolver is {actual}, not the port in {expected}")
    print(f"kiwi-port: kiwisolver from {actual.parent}, _cext {kiwisolver._cext.__file__}")


_checked = []


def pytest_terminal_summary(terminalreporter):
    if os.environ.get("KIWI_LEAK_CHECK") == "1":
        terminalreporter.line(f"kiwi-port: {len(_checked)} tests leak-checked")


if os.environ.get("KIWI_LEAK_CHECK") == "1":

    @pytest.fixture(autouse=True)
    def _hpy_leak_check():
        from hpy.debug import LeakDetector
        from hpy.universal import _debug

        invalid = []
        _debug.set_on_invalid_handle(lambda: invalid.append("handle"))
        _debug.set_on_invalid_builder_handle(lambda: invalid.append("builder"))
        detector = LeakDetector()
        detector.start()
        try:
            yield
        finally:
            _debug.set_on_invalid_handle(None)
            _debug.set_on_invalid_builder_handle(None)
            detector.stop()  # raises HPyLeakError: the test errors
            _checked.append(1)
            assert not invalid, f"HPy debug mode: use(s) of invalid handles: {invalid}"
