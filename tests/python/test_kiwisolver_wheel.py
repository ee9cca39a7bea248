"""examples/kiwisolver installed like a real package (issue 13): its one universal wheel, built by
hpyrs-build from examples/kiwisolver/pyproject.toml, in fresh venvs.

1. `pip wheel examples/kiwisolver` (hpyrs-build found through PIP_FIND_LINKS, as for users) makes
   ONE wheel, `kiwisolver_hpy-<version>-py3-none-<linux platform>.whl`, holding the package
   `kiwisolver` (`__init__.py`, `exceptions.py` from examples/kiwisolver/python, the universal
   `_cext.hpy0.so` with its loader stub and `_cext.pyi`). Cargo builds in the workspace's
   target/hpy-universal, as the test harness does, so after test_kiwisolver.py it only links.
2. That same wheel (+ pytest) goes into a fresh venv of every CPython 3.8-3.15 and PyPy; there
   `kiwisolver` is imported from the venv's site-packages, `kiwisolver._cext` is the port's
   universal module, and kiwisolver 1.5.1's own py/tests (its sdist, downloaded by
   test_kiwisolver.py's helper) pass: 50 tests, 36 functions. On 3.13+ the port's classes need
   hpy with the moved type marker on PYTHONPATH (hpyproject/hpy#493), as in test_new_project.
3. matplotlib, pinned to the host .venv's version, downloaded once with its dependencies from
   PyPI, is installed into a fresh CPython venv with the port in place of the real kiwisolver:
   the wheels pip resolved for `matplotlib` are installed with --no-deps except kiwisolver's
   (pip would otherwise install the real kiwisolver over the port's files: the port is another
   distribution, kiwisolver-hpy); `pip check` then names kiwisolver as the only thing missing.
   kiwi_layout_probe.py draws four constrained-layout figures there with the port, and again in
   the same venv with the real kiwisolver 1.5.1 wheel first on PYTHONPATH: every axes' position
   agrees within 1e-9 (here bit for bit). Not every layout is: kiwi orders its variables by their
   address, the port by creation, so the last bits may differ, and the real kiwisolver's own
   results vary that much from run to run (1.3e-15 seen with more "nested" figures in one process);
   the port gives the same bits every run.

The venv helpers are test_new_project's (fresh venvs without pip, filled by the host's pip; the
wrapper scripts of Debian sid's CPythons and PyPy). A missing interpreter is skipped with the
reason, or fails under CI=true. Host-only: the CPython 3.11 session of .venv runs it.
"""

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

import hpyrs_testing
from test_kiwisolver import KIWI_VERSION, kiwi_sdist_dir

# The host-only skip of test_new_project applies here too (importing it raises it).
from test_new_project import (  # noqa: F401 (find_links, user_env: fixtures used by name)
    HOST_MINOR,
    PYTHON_MINORS,
    _check_record,
    _install_env,
    _interpreter,
    _metadata,
    _moved_marker,
    _run,
    build_one_wheel,
    find_links,
    make_venv,
    pip_install,
    user_env,
)

REPO_ROOT = hpyrs_testing.REPO_ROOT
HERE = Path(__file__).resolve().parent
PROJECT = hpyrs_testing.EXAMPLES_DIR / "kiwisolver"
DIST = "kiwisolver_hpy"
SECTION = "kiwisolver port: one universal wheel, installed like a real package"
UNIVERSAL_WHEEL = re.compile(
    rf"^{DIST}-(?P<version>[^-]+)-py3-none-(?P<plat>(manylinux_\d+_\d+|linux)_x86_64(\.manylinux_\d+_\d+_x86_64|\.manylinux\d+_x86_64)*)\.whl$"
)
SUITE_TESTS, SUITE_FUNCTIONS = 50, 36  # kiwisolver 1.5.1's py/tests, parameters expanded
TOLERANCE = 1e-9


def _cargo_version() -> str:
    """The port's own version: the workspace's, which the crate inherits (dynamic in pyproject)."""
    text = (REPO_ROOT / "Cargo.toml").read_text()
    return re.search(r'(?ms)^\[workspace\.package\].*?^version = "([^"]+)"', text).group(1)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("kiwi-wheel")


@pytest.fixture(scope="module")
def env(user_env):
    """test_new_project's user environment, but cargo builds in the workspace's target directory:
    the crate is a member of this workspace, and the harness built it there already."""
    return {**user_env, "CARGO_TARGET_DIR": str(hpyrs_testing.target_dir())}


@pytest.fixture(scope="module")
def port_wheel(work, env):
    dist = work / "dist"
    return build_one_wheel(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", PROJECT, "-w", dist],
        cwd=work, env=env, dist=dist, section=SECTION, label="`pip wheel examples/kiwisolver`",
    )


def test_wheel_name_and_contents(port_wheel):
    match = UNIVERSAL_WHEEL.match(port_wheel.name)
    assert match, f"{port_wheel.name}: expected {DIST}-<version>-py3-none-<linux platform>.whl"
    version = _cargo_version()
    assert match.group("version") == version
    dist_info = f"{DIST}-{version}.dist-info"
    with zipfile.ZipFile(port_wheel) as zf:
        names = set(zf.namelist())
        sources = PROJECT / "python" / "kiwisolver"
        package = {f"kiwisolver/{p.name}" for p in sources.glob("*.py")}
        assert package == {"kiwisolver/__init__.py", "kiwisolver/exceptions.py"}
        built = {"kiwisolver/_cext.hpy0.so", "kiwisolver/_cext.py", "kiwisolver/_cext.pyi", "kiwisolver/py.typed"}
        meta_files = {f"{dist_info}/{n}" for n in ("METADATA", "WHEEL", "RECORD")}
        assert names == package | built | meta_files, sorted(names)
        for name in package:  # the package's Python files as written in examples/kiwisolver/python
            assert zf.read(name) == (sources / name.split("/", 1)[1]).read_bytes(), name
        assert "hpy.universal" in zf.read("kiwisolver/_cext.py").decode()
        pyi = zf.read("kiwisolver/_cext.pyi").decode()
        for item in ("class Variable", "class Term", "class Expression", "class Constraint", "class Solver",
                     "__version__: str", "__kiwi_version__: str", "strength:"):
            assert item in pyi, item
        wheel = zf.read(f"{dist_info}/WHEEL").decode()
        tags = [line.split(": ", 1)[1] for line in wheel.splitlines() if line.startswith("Tag: ")]
        assert sorted(tags) == sorted(f"py3-none-{p}" for p in match.group("plat").split(".")), wheel
        assert "Root-Is-Purelib: false" in wheel
        meta = _metadata(zf, dist_info)
        assert meta["Name"] == ["kiwisolver-hpy"] and meta["Version"] == [version]
        assert meta["Requires-Python"] == [">=3.8"]
        requires = [r.replace(" ", "").replace('"', "'") for r in meta.get("Requires-Dist", [])]
        assert requires == ["hpy==0.9.*;platform_python_implementation=='CPython'"], requires
        _check_record(zf, dist_info)


# --------------------------------------------------------------------------------------
# the wheel on every interpreter, with kiwisolver's own suite
# --------------------------------------------------------------------------------------

PROBE = """
import importlib.util, json, os, sys, sysconfig
origin = importlib.util.find_spec("kiwisolver._cext").origin
import kiwisolver
print(json.dumps({
    "file": kiwisolver.__file__, "cext_origin": origin, "prefix": sys.prefix,
    "site": [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]],
    "cext_dir": sorted(os.listdir(os.path.dirname(origin))),
    "version": kiwisolver.__version__, "kiwi_version": kiwisolver.__kiwi_version__,
    "implementation": sys.implementation.name, "python": list(sys.version_info[:2]),
    "hpy_universal": "hpy.universal" in sys.modules,
    "solved": (lambda s, v: (s.addConstraint(v == 2.5), s.updateVariables(), v.value())[-1])(
        kiwisolver.Solver(), kiwisolver.Variable("v")),
}))
"""


def _is_under(path: str, root: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def run_kiwi_suite(python: Path, site_packages: str, env: dict, junit: Path):
    """kiwisolver 1.5.1's py/tests run by `python` against the kiwisolver in `site_packages`
    (kiwi_suite_plugin refuses any other); returns ({test: outcome}, output)."""
    tests = kiwi_sdist_dir() / "tests"
    run_env = {**env, "KIWI_PORT_DIR": site_packages, "KIWI_LEAK_CHECK": "0",
               "PYTHONPATH": os.pathsep.join([p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p] + [str(HERE)])}
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "kiwi_suite_plugin", "-c", os.devnull,
           "--rootdir", tests, f"--junitxml={junit}", tests]
    out = _run(cmd, cwd=tests, env=run_env, timeout=600)
    outcome = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcome[f"{case.get('classname')}::{case.get('name')}"] = kinds[0] if kinds else "passed"
    return outcome, out


@pytest.mark.parametrize("label", PYTHON_MINORS + ["pypy"])
def test_wheel_passes_kiwisolvers_suite_on_every_interpreter(label, port_wheel, work, env):
    start = time.perf_counter()
    base, pip_python = _interpreter(label)
    extra = _moved_marker(label)
    venv = work / f"venv-{label}"
    python = make_venv(base, venv, env)
    pip_install(pip_python, python, [port_wheel, "pytest"], _install_env(env, label), cwd=work)
    run_env = {**env, "PYTHONPATH": os.pathsep.join(extra)} if extra else dict(env)
    info = json.loads(_run([python, "-c", PROBE], cwd=work, env=run_env).strip().splitlines()[-1])
    assert info["prefix"] == str(venv)
    site = info["site"][1]  # platlib: where a wheel with Root-Is-Purelib: false goes
    # The package and its native module come from the venv's site-packages.
    assert _is_under(info["file"], site) and Path(info["file"]).name == "__init__.py", info
    assert _is_under(info["cext_origin"], site), info
    # ... and the module is the port: the universal binary behind its loader stub, no C++ kiwisolver.
    assert Path(info["cext_origin"]).name == "_cext.py", info
    assert [n for n in info["cext_dir"] if n.startswith("_cext.")] == ["_cext.hpy0.so", "_cext.py", "_cext.pyi"], info
    assert info["version"] == KIWI_VERSION, "kiwisolver.__version__ must be the kiwisolver the port replaces"
    assert info["solved"] == 2.5
    if label == "pypy":
        assert info["implementation"] == "pypy"
    else:
        assert info["implementation"] == "cpython" and info["python"] == [int(x) for x in label.split(".")]
        assert info["hpy_universal"], "the port must load through hpy.universal"

    outcome, out = run_kiwi_suite(python, site, run_env, work / f"junit-{label}.xml")
    assert f"kiwi-port: kiwisolver from {Path(site).resolve() / 'kiwisolver'}" in out, out
    bad = {name: o for name, o in outcome.items() if o != "passed"}
    assert not bad, f"{bad}\n{out[-4000:]}"
    functions = {name.split("[")[0] for name in outcome}
    assert len(outcome) == SUITE_TESTS and len(functions) == SUITE_FUNCTIONS, sorted(outcome)
    note = " (PYTHONPATH: hpy with the moved type marker)" if extra else ""
    hpyrs_testing.report(
        SECTION,
        f"{label}: {len(outcome)} of {SUITE_TESTS} tests of kiwisolver {KIWI_VERSION} passed{note}, "
        f"{time.perf_counter() - start:.1f} s",
    )


# --------------------------------------------------------------------------------------
# matplotlib with the port in place of kiwisolver
# --------------------------------------------------------------------------------------


def _layout(python: Path, env: dict, cwd: Path) -> dict:
    out = _run([python, HERE / "kiwi_layout_probe.py"], cwd=cwd, env=env, timeout=600)
    return json.loads(out.strip().splitlines()[-1])


def test_matplotlib_constrained_layout_with_the_port(port_wheel, work, env):
    """The figures' axes positions with the port equal those with the real kiwisolver 1.5.1."""
    start = time.perf_counter()
    mpl_version = importlib.metadata.version("matplotlib")  # the host .venv's pin (tools/setup_env.sh)
    wheels = work / "mpl-wheels"
    _run([sys.executable, "-m", "pip", "download", "-q", "--only-binary", ":all:", "-d", wheels,
          f"matplotlib=={mpl_version}", f"kiwisolver=={KIWI_VERSION}"], cwd=work, env=env)
    real_kiwi = sorted(wheels.glob("kiwisolver-*.whl"))
    assert len(real_kiwi) == 1, sorted(p.name for p in wheels.iterdir())
    others = sorted(p for p in wheels.glob("*.whl") if p not in real_kiwi)
    assert any(p.name.startswith(f"matplotlib-{mpl_version}-") for p in others), others

    # The port's venv: matplotlib and everything pip resolved for it, but the port for kiwisolver.
    venv = work / "venv-matplotlib"
    python = make_venv(Path(sys.executable), venv, env)
    pip_install(Path(sys.executable), python, [port_wheel], env, cwd=work)  # with hpy, from PyPI
    # (--no-compile: byte-compiling numpy and matplotlib takes longer than the two runs need.)
    pip_install(Path(sys.executable), python, ["--no-index", "--no-deps", "--no-compile", *others], env, cwd=work)
    check = subprocess.run([sys.executable, "-m", "pip", "--python", python, "check"], cwd=work, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert check.stdout.strip().splitlines() == [f"matplotlib {mpl_version} requires kiwisolver, which is not installed."], check.stdout

    port = _layout(python, env, work)
    site = str(venv / "lib" / f"python{HOST_MINOR}" / "site-packages")
    assert _is_under(port["kiwisolver"], site), port["kiwisolver"]
    assert Path(port["cext"]).name == "_cext.hpy0.so", port["cext"]

    # The same venv, with the real kiwisolver 1.5.1 (its wheel from PyPI) first on sys.path.
    real_dir = work / "real-kiwisolver"
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", real_dir, real_kiwi[0]],
         cwd=work, env=env)
    real = _layout(python, {**env, "PYTHONPATH": str(real_dir)}, work)
    assert _is_under(real["kiwisolver"], real_dir) and re.match(r"_cext\.cpython-\d+-.*\.so$", Path(real["cext"]).name), real
    assert port["kiwisolver_version"] == real["kiwisolver_version"] == KIWI_VERSION
    assert port["matplotlib"] == real["matplotlib"] == mpl_version

    # Six subplots and two colorbars; a mosaic of six, a column of three and four colorbars.
    expected = {"grid": 8, **{f"nested {seed}": 13 for seed in range(3)}}
    assert {name: len(axes) for name, axes in port["figures"].items()} == expected
    assert {name: [label for label, _ in axes] for name, axes in port["figures"].items()} == \
        {name: [label for label, _ in axes] for name, axes in real["figures"].items()}
    pairs = [(f"{name} axes {i} {label}".rstrip(), pb, rb)
             for name, axes in port["figures"].items()
             for i, ((label, pb), (_, rb)) in enumerate(zip(axes, real["figures"][name]))]
    worst = max(abs(p - r) for _, pb, rb in pairs for p, r in zip(pb, rb))
    hpyrs_testing.report(
        SECTION,
        f"matplotlib {mpl_version}, constrained layout of {len(pairs)} axes in {len(expected)} figures: largest "
        f"position difference port vs kiwisolver {KIWI_VERSION}: {worst:.3g}; {time.perf_counter() - start:.1f} s",
    )
    differences = [(where, pb, rb) for where, pb, rb in pairs if any(abs(p - r) > TOLERANCE for p, r in zip(pb, rb))]
    assert not differences, "\n".join(f"{where}: port {pb}, real {rb}" for where, pb, rb in differences)
