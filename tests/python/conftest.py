"""pytest configuration for the hpy-rs Python tests (see hpyrs_testing.py for the API)."""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
if str(_HERE) not in sys.path:
    # Lets test files `from hpyrs_testing import example_module` whatever the import mode.
    sys.path.insert(0, str(_HERE))

import hpyrs_testing  # noqa: E402


@pytest.fixture(params=hpyrs_testing.MODES)
def hpy_mode(request):
    """The HPy mode of this test run: "cpython", "universal" or "debug".

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

    lines = [f"hpy-rs: modes {', '.join(t.MODES)}; extensions built into {t.ext_root()}"]
    try:
        import hpy.universal

        lines.append(f"hpy-rs: hpy {hpy.universal.get_version()[0]} ({hpy.universal.__file__})")
    except ImportError as e:  # the tests that need it will fail with a clear error
        lines.append(f"hpy-rs: hpy is not importable: {e}")
    return lines


def pytest_terminal_summary(terminalreporter):
    for section, lines in hpyrs_testing.REPORT.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.line(line)
