"""The PEP 517 build backend (python/hpyrs-build, docs/packaging.md), used as a user would.

The backend's own wheel is built once (`pip wheel python/hpyrs-build`); fresh venvs in a temporary
directory find it through PIP_FIND_LINKS, as the docs tell users to do until it is on PyPI. The
extension project is examples/quickstart copied out of the workspace (its Cargo.toml points at
this checkout's `hpy` by path and has an empty [workspace] table) with its own pyproject.toml.
Every cargo build goes to one CARGO_TARGET_DIR under the repository's target/, so reruns are
incremental; a logging wrapper in CARGO records each cargo command and its CARGO_PROFILE_* env.

Host-only: the CPython session of .venv runs this; other interpreters skip it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

import hpyrs_testing

# Host-only means the CPython 3.11 session of .venv (not PyPy, not the other CPythons, not the
# nested per-version sessions test_loading.py starts, not a session that only loads prebuilt binaries).
_HOST_VENV = (hpyrs_testing.REPO_ROOT / ".venv").resolve()
if (
    hpyrs_testing.IS_PYPY
    or hpyrs_testing.IS_PROJECT_LOCAL_CPYTHON
    or hpyrs_testing.uses_prebuilt_binaries()
    or Path(sys.prefix).resolve() != _HOST_VENV
):
    pytest.skip("host-only: the CPython session of .venv that builds runs the backend tests", allow_module_level=True)

REPO = hpyrs_testing.REPO_ROOT
BACKEND_SRC = hpyrs_testing.BACKEND_DIR
QUICKSTART = REPO / "examples" / "quickstart"
EXT_SUFFIX = sysconfig.get_config_var("EXT_SUFFIX")
CPY = f"cp{sys.version_info[0]}{sys.version_info[1]}"
REAL_CARGO = shutil.which("cargo")

sys.path.insert(0, str(BACKEND_SRC))
from hpyrs_build import compile as hb_compile  # noqa: E402
from hpyrs_build import config as hb_config  # noqa: E402


def _run(cmd, *, env=None, cwd=None, check=True, timeout=900):
    proc = subprocess.run(
        [str(c) for c in cmd],
        env=env,
        cwd=str(cwd) if cwd else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-6000:]}"
    return proc


# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("backend")


@pytest.fixture(scope="session")
def backend_wheels(work):
    """The directory holding hpyrs-build's own wheel (built with pip, as the docs say)."""
    out = hpyrs_testing.backend_wheelhouse(work / "wheels")
    wheels = list(out.glob("hpyrs_build-0.1.0-py3-none-any.whl"))
    assert len(wheels) == 1, list(out.iterdir())
    return out


@pytest.fixture(scope="session")
def cargo_log(work):
    return work / "cargo.log"


@pytest.fixture(scope="session")
def base_env(work, backend_wheels, cargo_log):
    """The environment of every pip / python -m build run: the backend's wheel dir first in
    PIP_FIND_LINKS, one shared CARGO_TARGET_DIR, and CARGO = a wrapper logging the commands."""
    assert REAL_CARGO, "cargo not on PATH"
    wrapper = work / "bin" / "cargo"
    wrapper.parent.mkdir()
    wrapper.write_text(
        "#!/bin/sh\n"
        f'{{ echo "ARGS $*"; env | grep "^CARGO_PROFILE_" | sort; }} >> "{cargo_log}"\n'
        f'exec "{REAL_CARGO}" "$@"\n'
    )
    wrapper.chmod(0o755)
    env = dict(os.environ)
    for var in ("PYTHONPATH", "HPY", "VIRTUAL_ENV", "PIP_REQUIRE_VIRTUALENV", "HPYRS_BUILD_RAISE"):
        env.pop(var, None)
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [str(backend_wheels), os.environ.get("PIP_FIND_LINKS", "")]))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["CARGO_TARGET_DIR"] = str(hpyrs_testing.target_dir() / "test-backend")
    env["CARGO"] = str(wrapper)
    return env


def _venv(path: Path, env, *packages) -> Path:
    _run([sys.executable, "-m", "venv", path])
    python = path / "bin" / "python"
    if packages:
        _run([python, "-m", "pip", "install", "-q", *packages], env=env)
    return python


@pytest.fixture(scope="session")
def venv(work, base_env):
    """A fresh venv (no hpy: the universal wheel's requirement brings it) with `build` and
    hpyrs-build itself (for `python -m hpyrs_build develop`)."""
    return _venv(work / "venv", base_env, "build", "hpyrs-build")


PYPROJECT = """\
[build-system]
requires = ["hpyrs-build>=0.1,<0.2"]
build-backend = "hpyrs_build"

[project]
name = "hpyrs-quickstart"
dynamic = ["version"]
description = "The hpy-rs quickstart, packaged"
readme = "README.md"
license = "MIT"
requires-python = ">=3.8"
authors = [{ name = "Ada", email = "ada@example.invalid" }]
keywords = ["hpy", "rust"]
classifiers = ["Programming Language :: Rust"]
dependencies = ['typing-extensions>=4; python_version < "3.8"']

[project.optional-dependencies]
test = ["pytest"]

[project.urls]
Homepage = "https://example.invalid/quickstart"

[tool.hpyrs]
features = ["extra"]
"""

CARGO_TOML = """\
[package]
name = "quickstart"
version = "0.2.0-rc.1"
edition = "2021"
description = "hpy-rs quickstart, out of the workspace"
license = "MIT"
publish = false

[lib]
name = "quickstart"
crate-type = {crate_type}

[features]
extra = []

[dependencies]
hpy = {{ path = "{hpy}" }}

[workspace]
"""


def make_project(root: Path, *, pyproject: str = PYPROJECT, crate_type: str = '["cdylib"]') -> Path:
    root.mkdir(parents=True)
    shutil.copytree(QUICKSTART / "src", root / "src")
    (root / "Cargo.toml").write_text(CARGO_TOML.format(crate_type=crate_type, hpy=(REPO / "hpy").as_posix()))
    (root / "pyproject.toml").write_text(pyproject)
    (root / "README.md").write_text("# quickstart\n\nAn hpy-rs extension.\n")
    (root / "LICENSE").write_text("MIT License\n")
    return root


@pytest.fixture(scope="session")
def project(work):
    """The quickstart project most tests build (one path, so its builds are incremental)."""
    return make_project(work / "quickstart")


def pip_wheel(venv_python, project_dir, out, env, *args, check=True):
    return _run([venv_python, "-m", "pip", "wheel", "--no-deps", "-v", project_dir, "-w", out, *args], env=env, check=check)


def _one(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    assert len(found) == 1, (pattern, [p.name for p in directory.iterdir()])
    return found[0]


@pytest.fixture(scope="session")
def universal_wheel(venv, project, work, base_env):
    return _one(_build_wheel(venv, project, work / "dist-universal", base_env), "*.whl")


@pytest.fixture(scope="session")
def cpython_wheel(venv, project, work, base_env):
    return _one(_build_wheel(venv, project, work / "dist-cpython", base_env, "-C", "abi=cpython"), "*.whl")


def _build_wheel(venv, project, out, env, *args):
    pip_wheel(venv, project, out, env, *args)
    return out


# --------------------------------------------------------------------------------------
# reading wheels with the stdlib (independently of the backend's code)
# --------------------------------------------------------------------------------------


def check_record(whl: Path) -> dict:
    """Recomputes every RECORD hash and size; returns {name: bytes}."""
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        files = {n: z.read(n) for n in names}
    dist_info = _one_name(names, r"[^/]+\.dist-info/RECORD$")
    rows = list(csv.reader(io.StringIO(files[dist_info].decode())))
    listed = {row[0] for row in rows}
    assert listed == set(names), f"RECORD lists {sorted(listed ^ set(names))} differently from the archive"
    for name, digest, size in rows:
        if name == dist_info:
            assert digest == "" and size == ""
            continue
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(files[name]).digest()).decode().rstrip("=")
        assert digest == expected, f"{name}: RECORD says {digest}, content hashes to {expected}"
        assert int(size) == len(files[name]), name
    return files


def _one_name(names, pattern):
    found = [n for n in names if re.match(pattern, n)]
    assert len(found) == 1, (pattern, names)
    return found[0]


def glibc_manylinux_tag(binary: bytes, tmp_path: Path) -> str:
    """The manylinux tag readelf's view of the binary allows: the newest GLIBC_x.y it needs
    (at least 2.17, the oldest policy Rust's std supports), on this machine's architecture."""
    path = tmp_path / "binary.so"
    path.write_bytes(binary)
    out = _run(["readelf", "-V", "--wide", path]).stdout
    versions = [tuple(map(int, m)) for m in re.findall(r"Name: GLIBC_(\d+)\.(\d+)", out)]
    minor = max([17] + [v[1] for v in versions if v[0] == 2])
    needed = re.findall(r"\(NEEDED\).*\[(.+)\]", _run(["readelf", "-d", path]).stdout)
    assert set(needed) <= {"libc.so.6", "libgcc_s.so.1", "libm.so.6", "libpthread.so.0", "libdl.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}, needed
    return f"manylinux_2_{minor}_{sysconfig.get_platform().split('-', 1)[1]}"


def installed_metadata(python, dist):
    code = (
        "import importlib.metadata as m, json, sys\n"
        f"md = m.metadata({dist!r})\n"
        "keys = ['Name', 'Version', 'Summary', 'Requires-Dist', 'Requires-Python', 'License-Expression', "
        "'Project-URL', 'Keywords', 'Author-email', 'Classifier', 'Provides-Extra', 'Description-Content-Type']\n"
        "print(json.dumps({k: md.get_all(k) for k in keys}))\n"
    )
    return json.loads(_run([python, "-c", code], cwd="/").stdout)


def import_and_call(python, module="quickstart", cwd="/"):
    """Imports the module in a fresh process; compares add() with Python's own +."""
    code = (
        f"import {module} as m, json, sys\n"
        "spec = m.__spec__\n"
        "print(json.dumps({'file': getattr(m, '__file__', None), 'add': m.add(2, 40), "
        "'loader': type(spec.loader).__name__ if spec and spec.loader else None}))\n"
    )
    info = json.loads(_run([python, "-c", code], cwd=cwd).stdout.strip().splitlines()[-1])
    assert info["add"] == 2 + 40
    return info


# --------------------------------------------------------------------------------------
# wheels
# --------------------------------------------------------------------------------------


def test_universal_wheel_contents_tag_and_record(universal_wheel, tmp_path, cargo_log):
    """`pip wheel .`: py3-none-<manylinux from the glibc versions>, the .hpy0.so, its loader stub
    and .pyi, and RECORD hashes that match."""
    files = check_record(universal_wheel)
    binary = files["quickstart.hpy0.so"]
    assert universal_wheel.name == f"hpyrs_quickstart-0.2.0rc1-py3-none-{glibc_manylinux_tag(binary, tmp_path)}.whl"
    top = sorted(n for n in files if "/" not in n)
    assert top == ["quickstart.hpy0.so", "quickstart.py", "quickstart.pyi"]
    assert "hpy.universal" in files["quickstart.py"].decode()
    assert files["quickstart.pyi"].decode().startswith("# Generated by hpyrs_build.stubgen")
    assert "def add(a: int, b: int, /) -> int" in files["quickstart.pyi"].decode()
    wheel = files["hpyrs_quickstart-0.2.0rc1.dist-info/WHEEL"].decode()
    assert "Root-Is-Purelib: false" in wheel and f"Tag: {universal_wheel.name[:-4].split('-', 2)[2]}" in wheel
    assert "hpyrs_quickstart-0.2.0rc1.dist-info/licenses/LICENSE" in files
    # The build applied the release settings and the configured feature.
    log = cargo_log.read_text()
    builds = [line for line in log.splitlines() if line.startswith("ARGS build ")]
    assert builds and all("--profile release" in b and "--features extra" in b for b in builds), log
    for setting in ("CARGO_PROFILE_RELEASE_LTO=fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1", "CARGO_PROFILE_RELEASE_PANIC=unwind"):
        assert setting in log


def test_universal_wheel_installs_with_hpy_and_metadata(universal_wheel, venv, base_env):
    """Installing the universal wheel pulls hpy 0.9 in (CPython), imports through the loader stub,
    and the metadata importlib reads is the pyproject's."""
    _run([venv, "-m", "pip", "install", "--force-reinstall", universal_wheel], env=base_env)
    info = import_and_call(venv)
    assert info["file"].endswith("site-packages/quickstart.hpy0.so"), info
    hpy = _run([venv, "-c", "import importlib.metadata as m; print(m.version('hpy'))"]).stdout.strip()
    assert hpy.startswith("0.9."), hpy
    md = installed_metadata(venv, "hpyrs-quickstart")
    from packaging.version import Version  # .venv has packaging: an independent normaliser

    assert md["Name"] == ["hpyrs-quickstart"] and md["Version"] == [str(Version("0.2.0-rc.1"))]
    assert md["Summary"] == ["The hpy-rs quickstart, packaged"]
    assert md["License-Expression"] == ["MIT"] and md["Requires-Python"] == [">=3.8"]
    assert md["Project-URL"] == ["Homepage, https://example.invalid/quickstart"]
    assert md["Author-email"] == ["Ada <ada@example.invalid>"] and md["Keywords"] == ["hpy,rust"]
    assert md["Classifier"] == ["Programming Language :: Rust"] and md["Provides-Extra"] == ["test"]
    assert md["Description-Content-Type"] == ["text/markdown"]
    assert sorted(md["Requires-Dist"]) == sorted([
        'typing-extensions>=4; python_version < "3.8"',
        'pytest; extra == "test"',
        'hpy==0.9.*; platform_python_implementation == "CPython"',
    ])


def test_cpython_abi_wheel(cpython_wheel, venv, base_env, tmp_path):
    """`pip wheel . -C abi=cpython`: cp3XY-cp3XY-<plat>, the EXT_SUFFIX module and its .pyi, no
    loader stub, no hpy requirement; it imports as an ordinary extension."""
    files = check_record(cpython_wheel)
    binary = files[f"quickstart{EXT_SUFFIX}"]
    assert cpython_wheel.name == f"hpyrs_quickstart-0.2.0rc1-{CPY}-{CPY}-{glibc_manylinux_tag(binary, tmp_path)}.whl"
    assert sorted(n for n in files if "/" not in n) == sorted([f"quickstart{EXT_SUFFIX}", "quickstart.pyi"])
    metadata = files["hpyrs_quickstart-0.2.0rc1.dist-info/METADATA"].decode()
    assert "hpy" not in re.findall(r"^Requires-Dist: (\S+)", metadata, re.M)
    _run([venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", cpython_wheel], env=base_env)
    info = import_and_call(venv)
    assert info["loader"] == "ExtensionFileLoader" and info["file"].endswith(EXT_SUFFIX), info


def test_pip_install_dot(project, venv, base_env):
    """`pip install .` builds and installs the universal module."""
    _run([venv, "-m", "pip", "install", "--force-reinstall", project], env=base_env)
    info = import_and_call(venv)
    assert info["file"].endswith("site-packages/quickstart.hpy0.so"), info


def test_editable_top_level_module(project, venv, base_env):
    """`pip install -e .` of a top-level module: built into build/hpyrs-editable/, found there."""
    _run([venv, "-m", "pip", "install", "-e", project], env=base_env)
    info = import_and_call(venv)
    assert info["file"] == str(project / "build" / "hpyrs-editable" / "quickstart.hpy0.so"), info
    _run([venv, "-m", "pip", "uninstall", "-y", "hpyrs-quickstart"], env=base_env)


def test_sdist_and_a_wheel_from_it(project, venv, base_env, work):
    """`python -m build --sdist`: the crate and pyproject, not target/ or build outputs; a
    wheel built from it (`pip wheel x.tar.gz`) installs and imports. The `hpy` path dependency
    outside the project is reported."""
    out = work / "sdist"
    proc = _run([venv, "-m", "build", "--sdist", "-o", out, project], env=base_env)
    assert "hpyrs-build: warning: dependency `hpy` is a path outside the project" in proc.stdout, proc.stdout
    sdist = _one(out, "*.tar.gz")
    assert sdist.name == "hpyrs_quickstart-0.2.0rc1.tar.gz"
    with tarfile.open(sdist) as tar:
        names = sorted(tar.getnames())
        pkg_info = tar.extractfile("hpyrs_quickstart-0.2.0rc1/PKG-INFO").read().decode()
    top = "hpyrs_quickstart-0.2.0rc1/"
    assert all(n.startswith(top) for n in names)
    rel = sorted(n[len(top):] for n in names)
    for needed in ("Cargo.toml", "pyproject.toml", "src/lib.rs", "README.md", "LICENSE", "PKG-INFO"):
        assert needed in rel, rel
    assert not [n for n in rel if n.startswith(("target/", "build/")) or n.endswith(".so")], rel
    assert "Name: hpyrs-quickstart" in pkg_info and "Version: 0.2.0rc1" in pkg_info
    wheels = work / "from-sdist"
    _run([venv, "-m", "pip", "wheel", "--no-deps", sdist, "-w", wheels], env=base_env)
    whl = _one(wheels, "*.whl")
    assert whl.name.startswith("hpyrs_quickstart-0.2.0rc1-py3-none-")
    check_record(whl)
    _run([venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", whl], env=base_env)
    import_and_call(venv)


PACKAGE_PYPROJECT = """\
[build-system]
requires = ["hpyrs-build>=0.1,<0.2"]
build-backend = "hpyrs_build"

[project]
name = "hpyrs-pkg"
version = "1.0.0"

[tool.hpyrs]
module = "pkg._native"
python-source = "python"
"""

PKG_INIT = '''\
"""A Python package with its Rust part in pkg._native."""
from ._native import add

def add3(a, b, c):
    return add(add(a, b), c)

FLAVOUR = "{flavour}"
'''


@pytest.fixture(scope="session")
def package_project(work):
    root = make_project(work / "pkgproject", pyproject=PACKAGE_PYPROJECT)
    pkg = root / "python" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(PKG_INIT.format(flavour="first"))
    # The #[hpy_module] must carry the Python module's own name.
    lib = root / "src" / "lib.rs"
    lib.write_text(lib.read_text().replace("mod quickstart {", "mod _native {"))
    return root


def test_module_inside_a_package(package_project, venv, base_env, work):
    """module = "pkg._native" with python-source: the wheel holds pkg/__init__.py, the binary,
    its loader stub and .pyi in pkg/, and py.typed; `import pkg` works."""
    out = work / "dist-pkg"
    pip_wheel(venv, package_project, out, base_env)
    whl = _one(out, "*.whl")
    assert whl.name.startswith("hpyrs_pkg-1.0.0-py3-none-")
    files = check_record(whl)
    assert sorted(n for n in files if not n.startswith("hpyrs_pkg-1.0.0.dist-info/")) == [
        "pkg/__init__.py", "pkg/_native.hpy0.so", "pkg/_native.py", "pkg/_native.pyi", "pkg/py.typed",
    ]
    _run([venv, "-m", "pip", "install", "--force-reinstall", "--no-deps", whl], env=base_env)
    code = "import pkg, pkg._native as n; print(pkg.add3(1, 2, 3), n.__name__, pkg.FLAVOUR)"
    assert _run([venv, "-c", code], cwd="/").stdout.split() == [str(1 + 2 + 3), "pkg._native", "first"]
    _run([venv, "-m", "pip", "uninstall", "-y", "hpyrs-pkg"], env=base_env)


def test_editable_install(package_project, venv, base_env):
    """`pip install -e .`: the module is built into python/pkg/ and a .pth points there; Python
    edits are live, a Rust edit needs `python -m hpyrs_build develop` (or pip install -e . again)."""
    pkg = package_project / "python" / "pkg"
    lib = package_project / "src" / "lib.rs"
    saved = {p: p.read_text() for p in (pkg / "__init__.py", lib)}
    try:
        _editable(package_project, pkg, lib, venv, base_env)
    finally:
        for p, text in saved.items():
            p.write_text(text)


def _editable(package_project, pkg, lib, venv, base_env):
    _run([venv, "-m", "pip", "install", "-e", package_project], env=base_env)
    assert (pkg / "_native.hpy0.so").is_file() and (pkg / "_native.py").is_file() and (pkg / "_native.pyi").is_file()
    code = "import pkg, sys; print(pkg.__file__); print(pkg.FLAVOUR); print(pkg._native.VERSION)"
    lines = _run([venv, "-c", code], cwd="/").stdout.split()
    assert lines == [str(pkg / "__init__.py"), "first", "0.1.0"]
    # Python sources are live.
    (pkg / "__init__.py").write_text(PKG_INIT.format(flavour="second"))
    # A Rust change needs a rebuild, which `develop` does in place.
    lib.write_text(lib.read_text().replace('VERSION: &str = "0.1.0"', 'VERSION: &str = "0.1.1"'))
    _run([venv, "-m", "hpyrs_build", "develop", package_project], env=base_env)
    lines = _run([venv, "-c", code], cwd="/").stdout.split()
    assert lines[1:] == ["second", "0.1.1"]
    _run([venv, "-m", "pip", "uninstall", "-y", "hpyrs-pkg"], env=base_env)
    # The module files the editable build left in python/pkg/ stay out of an sdist.
    out = package_project.parent / "pkg-sdist"
    _run([venv, "-m", "build", "--sdist", "-o", out, package_project], env=base_env)
    with tarfile.open(_one(out, "*.tar.gz")) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames()]
    assert "python/pkg/__init__.py" in names and not [n for n in names if "_native" in n], names


def test_elf_reader_agrees_with_binutils(universal_wheel, cpython_wheel, tmp_path):
    """hpyrs_build.elf (stdlib) reads the same defined dynamic symbols as `nm -D`, the same
    DT_NEEDED as `readelf -d` and the same version needs as `readelf -V`, on both binaries."""
    from hpyrs_build import elf

    for whl, member in ((universal_wheel, "quickstart.hpy0.so"), (cpython_wheel, f"quickstart{EXT_SUFFIX}")):
        path = tmp_path / member
        with zipfile.ZipFile(whl) as z:
            path.write_bytes(z.read(member))
        info = elf.read_elf(path)
        nm = _run(["nm", "-D", "--defined-only", path]).stdout.split("\n")
        assert info.defined == {line.split()[-1].split("@")[0] for line in nm if line.strip()}
        assert info.needed == re.findall(r"\(NEEDED\).*\[(.+)\]", _run(["readelf", "-d", path]).stdout)
        versions = _run(["readelf", "-V", "--wide", path]).stdout
        needs = versions[versions.index(".gnu.version_r"):]
        assert sorted(v for vs in info.versions.values() for v in vs) == sorted(re.findall(r"Name: (\S+)", needs))


# --------------------------------------------------------------------------------------
# the release settings, without building
# --------------------------------------------------------------------------------------


def test_release_settings_yield_to_the_user(tmp_path):
    """Fat LTO, one codegen unit and panic=unwind are applied to the release profile unless the
    workspace's Cargo.toml, a cargo config file or the environment sets them."""
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n')
    full = {"CARGO_PROFILE_RELEASE_LTO": "fat", "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "1", "CARGO_PROFILE_RELEASE_PANIC": "unwind"}
    assert hb_compile.release_env(tmp_path, "release", {}) == full
    assert hb_compile.release_env(tmp_path, "release", {"CARGO_PROFILE_RELEASE_LTO": "thin"}) == {
        k: v for k, v in full.items() if not k.endswith("_LTO")
    }
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "0.1.0"\n[profile.release]\ncodegen-units = 16\n')
    assert "CARGO_PROFILE_RELEASE_CODEGEN_UNITS" not in hb_compile.release_env(tmp_path, "release", {})
    (tmp_path / ".cargo").mkdir()
    (tmp_path / ".cargo" / "config.toml").write_text('[profile.release]\npanic = "abort"\n')
    assert hb_compile.release_env(tmp_path, "release", {}) == {"CARGO_PROFILE_RELEASE_LTO": "fat"}
    # A custom profile gets them itself; dev only panic=unwind.
    assert hb_compile.release_env(tmp_path, "fast-build", {})["CARGO_PROFILE_FAST_BUILD_LTO"] == "fat"
    assert hb_compile.release_env(tmp_path, "dev", {}) == {"CARGO_PROFILE_DEV_PANIC": "unwind"}


@pytest.mark.parametrize("semver", ["1.2.3", "0.2.0-rc.1", "1.0.0-alpha.2", "1.0.0-beta", "2.0.0+build.5"])
def test_cargo_versions_become_pep440(semver):
    from packaging.version import Version

    assert hb_config.pep440_version(semver) == str(Version(semver.replace("-", "")))


# --------------------------------------------------------------------------------------
# the five errors: one message each, saying what to do
# --------------------------------------------------------------------------------------


def _assert_one_error(output: str, *needles: str) -> str:
    errors = [line for line in output.splitlines() if "hpyrs-build: error:" in line]
    assert len(errors) == 1, output[-4000:]
    assert "Traceback" not in output, output[-4000:]
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def test_error_no_cargo(project, venv, base_env, work):
    env = dict(base_env)
    env.pop("CARGO")
    env["PATH"] = str(Path(sys.executable).parent)  # python, no cargo
    proc = pip_wheel(venv, project, work / "nocargo", env, check=False)
    assert proc.returncode != 0
    _assert_one_error(proc.stdout, "cargo was not found", "https://rustup.rs")


def test_error_no_hpy_in_target_python(project, work, base_env):
    """--no-build-isolation in a venv without hpy, CPython ABI: HPy's runtime cannot be found."""
    python = _venv(work / "nohpy", base_env, "hpyrs-build")
    proc = pip_wheel(python, project, work / "nohpy-out", base_env, "--no-build-isolation", "-C", "abi=cpython", check=False)
    assert proc.returncode != 0
    _assert_one_error(proc.stdout, "`hpy` package is not installed in the target Python", 'pip install "hpy==0.9.*"')


def test_error_unsupported_python(project, base_env, tmp_path):
    """A Python outside 3.8-3.15 (a stand-in answering like CPython 3.7) for the CPython ABI."""
    standin = tmp_path / "python3.7"
    standin.write_text(
        "#!/bin/sh\necho '"
        + json.dumps({"ext_suffix": ".cpython-37m-x86_64-linux-gnu.so", "version": [3, 7], "implementation": "cpython",
                      "debug": False, "gil_disabled": False, "hpy": "0.9.0", "hpy_importable": True})
        + "'\n"
    )
    standin.chmod(0o755)
    env = dict(base_env, PYTHONPATH=str(BACKEND_SRC))
    proc = _run([sys.executable, "-m", "hpyrs_build", "build", project, "--abi", "cpython", "--python", standin,
                 "--out", tmp_path / "out"], env=env, check=False)
    assert proc.returncode == 1
    _assert_one_error(proc.stdout, "Python 3.7", "is not supported", "CPython 3.8 to 3.15")


def test_error_crate_without_cdylib(venv, base_env, work):
    root = make_project(work / "rlib", crate_type='["rlib"]')
    proc = pip_wheel(venv, root, work / "rlib-out", base_env, check=False)
    assert proc.returncode != 0
    _assert_one_error(proc.stdout, "is not a cdylib", 'crate-type = ["cdylib"]')


def test_error_module_name_differs_from_hpy_module(project, venv, base_env, work):
    """module = "other" (here by -C) while the crate's #[hpy_module] is `quickstart`: found from
    the exported HPyInit_quickstart after the build."""
    proc = pip_wheel(venv, project, work / "mismatch", base_env, "-C", "module=other", check=False)
    assert proc.returncode != 0
    _assert_one_error(proc.stdout, "`other`", "`quickstart`", "HPyInit_quickstart")


# --------------------------------------------------------------------------------------
# the universal wheel's files on other interpreters (test_new_project.py pip-installs it there)
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("interpreter", ["pypy", "python3.8", "python3.15"])
def test_universal_wheel_files_import_elsewhere(universal_wheel, interpreter, tmp_path):
    """The files of the one universal wheel, unpacked, import on PyPy (its built-in HPy) and on
    the oldest and newest CPython (PyPI's hpy 0.9.0), and add() agrees with that Python's +."""
    exe = REPO / "tools" / interpreter
    probe = subprocess.run([str(exe), "-c", "import hpy.universal"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if probe.returncode != 0:
        pytest.skip(f"{interpreter} with hpy is not available here (tools/setup_env.sh installs it)")
    with zipfile.ZipFile(universal_wheel) as z:
        z.extractall(tmp_path)
    code = "import quickstart, sys; print(quickstart.add(2**40, 7) == 2**40 + 7, type(quickstart).__name__)"
    env = {k: v for k, v in os.environ.items() if k not in ("HPY", "PYTHONHOME")}
    env["PYTHONPATH"] = str(tmp_path)
    assert _run([exe, "-c", code], env=env, cwd="/").stdout.split() == ["True", "module"]


# --------------------------------------------------------------------------------------
# configuration mistakes (no build)
# --------------------------------------------------------------------------------------


def _config_error(tmp_path, tool: str, settings=None) -> str:
    (tmp_path / "Cargo.toml").write_text('[package]\nname = "x"\nversion = "1.0.0"\n')
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\ndynamic = ["version"]\n\n[tool.hpyrs]\n{tool}\n')
    with pytest.raises(hb_compile.BuildError) as info:
        hb_config.Config(tmp_path, settings)
    return str(info.value)


def test_config_mistakes_are_named(tmp_path):
    assert "unknown key(s) in [tool.hpyrs]: abbi" in _config_error(tmp_path, 'abbi = "cpython"')
    assert 'choose "universal" or "cpython"' in _config_error(tmp_path, "", {"abi": "pypy"})
    assert "-C abi=pypy" in _config_error(tmp_path, "", {"abi": "pypy"})
    assert "unknown config setting `ab`" in _config_error(tmp_path, "", {"ab": "cpython"})
    assert "not a Python module name" in _config_error(tmp_path, 'module = "pkg-native"')
    assert "python-source = 'nowhere'" in _config_error(tmp_path, 'python-source = "nowhere"')
    # -C overrides the table, and a list (repeated -C) joins.
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n[tool.hpyrs]\nabi = "cpython"\n')
    cfg = hb_config.Config(tmp_path, {"abi": "universal", "features": ["a", "b,c"]})
    assert (cfg.abi, cfg.features) == ("universal", ["a", "b", "c"])
