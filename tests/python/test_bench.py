"""The benchmark harness (bench/) in its smoke mode: small N, no valgrind.

The benchmark is a report, never a pass/fail on speed; what this test holds it to is that it
still builds every variant (hpy-rs in both ABIs, C HPy in both ABIs, the C API, PyO3), loads
them side by side (including HPy's debug mode), that all of them agree on every pattern's
result, and that it writes its JSON, Markdown and chart.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "hpyrs_bench"))

from patterns import PATTERNS  # noqa: E402
from variants import VARIANTS  # noqa: E402


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    results = tmp_path_factory.mktemp("bench")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench.py"), "--smoke", "--results", str(results)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return results, run.stdout, json.loads((results / "results.json").read_text())


def test_every_variant_agrees_on_every_pattern(smoke):
    _, _, results = smoke
    checks = results["checks"]
    assert set(checks) == {p.name for p in PATTERNS}
    for name, values in checks.items():
        assert set(values) == {v.key for v in VARIANTS}, name
        assert len(set(values.values())) == 1, (name, values)
        assert not next(iter(values.values())).startswith("raised"), (name, values)


def test_every_pattern_has_a_wall_time_per_variant(smoke):
    _, _, results = smoke
    for pattern in PATTERNS:
        figures = results["wall_ns"][pattern.name]
        assert set(figures) == {v.key for v in VARIANTS}
        # Net of the loop, so tiny or even slightly negative at N=1000; but a number.
        assert all(isinstance(x, float) and abs(x) < 1e6 for x in figures.values()), figures


def test_tables_json_and_chart_are_written(smoke):
    directory, stdout, results = smoke
    assert "Wall time per call" in stdout and "Build cost of examples/quickstart" in stdout
    assert (directory / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = (directory / "results.md").read_text()
    assert "| foo.noargs() |" in markdown and "PyO3" in markdown
    cost = results["build_cost"]
    assert set(cost) == {"hpy-rs quickstart (cpython ABI)", "hpy-rs quickstart (universal ABI)",
                         "PyO3 quickstart"}
    assert all(c["stripped_bytes"] > 10_000 for c in cost.values())
    assert results["meta"]["smoke"] is True


def test_pypy_run_measures_hpy_rs_on_every_pattern(smoke):
    """The PyPy run (tools/pypy): the same universal binaries plus the C-API and PyO3 modules
    built for PyPy, interleaved; hpy-rs runs every pattern and agrees with the others."""
    _, stdout, results = smoke
    pypy = results["pypy"]
    if "skipped" in pypy:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the PyPy benchmark run was skipped under CI=true: {pypy['skipped']}", pytrace=False)
        pytest.skip(pypy["skipped"])
    assert set(pypy["variants"]) == {"rust-universal", "chpy-universal", "capi", "pyo3"}
    assert not pypy["disagreeing"], pypy["disagreeing"]
    for pattern in PATTERNS:
        assert "rust-universal" in pypy["wall_ns"][pattern.name], pattern.name
        assert "rust-universal" not in pypy["errors"].get(pattern.name, {}), pattern.name
    assert f"PyPy {pypy['version']}: wall time per call" in stdout


def test_kiwi_bench_smoke(tmp_path):
    """bench/kiwi_bench.py (`tools/bench.sh --kiwi`) in its smoke mode, on the port binaries this
    session built: every variant loads in one process (the real kiwisolver wheel, the port in
    both ABIs; on PyPy the real wheel if pip finds one, and the universal port), they agree on
    every pattern, enaml_like and growth result, and the report has its tables. Timings are not
    checked (the benchmark is a report)."""
    import hpyrs_testing as t

    built = t.build_example("kiwisolver")
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "kiwi_bench.py"), "--smoke", "--results", str(tmp_path),
         "--port-universal", str(built.universal), "--port-cpython", str(built.cpython)],
        capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    results = json.loads((tmp_path / "kiwi.json").read_text())
    assert not results["disagreeing"], results["disagreeing"]
    sys.path.insert(0, str(ROOT / "bench"))
    from kiwi_worker import MICRO

    cpython = results["cpython"]
    assert set(cpython["micro_ns"]) == {m[0] for m in MICRO}
    for name, figures in cpython["micro_ns"].items():
        assert set(figures) == {"real", "univ", "cpy"}, name
    loaded = cpython["loaded"]
    assert "kiwi_port_universal" in loaded["univ"] and loaded["univ"].endswith(".hpy0.so"), loaded
    assert "kiwi_port_cpython" in loaded["cpy"] and "kiwi_port" not in loaded["real"], loaded
    assert set(cpython["enaml"]["step"]) == {"real", "univ", "cpy"}
    assert set(cpython["growth_ms"]) == {"10", "50"}
    assert len(set(cpython["checks"]["enaml_like"].values())) == 1
    pypy = results["pypy"]
    if "skipped" in pypy:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the PyPy kiwi benchmark run was skipped under CI=true: {pypy['skipped']}", pytrace=False)
    else:
        assert "univ" in next(iter(pypy["micro_ns"].values()))
        assert set(pypy["checks"]["enaml_like"]) == ({"real", "univ"} if pypy["real_wheel"] else {"univ"})
    markdown = (tmp_path / "kiwi.md").read_text()
    assert "| `v + 1` |" in markdown and "enaml_like_benchmark.py" in markdown
