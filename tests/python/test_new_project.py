"""End to end, as a user would: `python -m hpyrs_build new`, then what the new project's README
says, in fresh venvs.

1. hpyrs-build's own wheel is built once (`pip wheel python/hpyrs-build`) and pip finds it
   through PIP_FIND_LINKS, as docs/new-project.md tells users until it is on PyPI.
2. A fresh CPython 3.11 venv gets hpyrs-build and runs `python -m hpyrs_build new hello-hpy`
   from the checkout (the default dependency form: hpy = "0.1" + [patch.crates-io] to it).
3. `pip wheel . --no-deps -w dist` makes ONE universal wheel; its name, tags and contents
   (module, loader stub, type stub, metadata, RECORD hashes) are checked.
4. That one wheel is installed with pytest (and, on CPython, hpy==0.9.* from PyPI, which the wheel
   requires) into a fresh venv of every CPython 3.8-3.15 (tools/python3.X) and of PyPy
   (tools/pypy); the module is imported from the venv and the project's own tests run there,
   also under HPY=debug. On 3.13+ the project's class needs hpy with its type marker moved
   (hpyproject/hpy#493): PYTHONPATH gets .interpreters/cpython3.X/hpy-moved-marker, as in
   tools/test.sh.
5. The CPython-ABI wheel (`-C abi=cpython`) on 3.11, and an editable install (`pip install -e .`)
   that sees an edit of src/lib.rs after the rebuild the README describes.

A missing interpreter is skipped with the reason, or fails under CI=true. The venvs are made
with `--without-pip` and filled by the parent interpreter's pip (`pip --python VENV install`): the
interpreters of Debian sid and PyPy run through their own dynamic loader, so their venv's python
is the same kind of wrapper script as the one tools/setup_env.sh writes. Cargo builds into
<target>/new-project, so reruns are incremental.

Host-only: the CPython 3.11 session of .venv runs it.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest

import hpyrs_testing

_HOST_VENV = (hpyrs_testing.REPO_ROOT / ".venv").resolve()
if hpyrs_testing.IS_PYPY or hpyrs_testing.IS_PROJECT_LOCAL_CPYTHON or Path(sys.prefix).resolve() != _HOST_VENV:
    pytest.skip("host-only: the CPython 3.11 session of .venv starts the other interpreters", allow_module_level=True)

REPO_ROOT = hpyrs_testing.REPO_ROOT
BACKEND_DIR = hpyrs_testing.BACKEND_DIR
PROJECT_DIR_NAME = "hello-hpy"  # `new` turns the - into _ for the module name
NAME = "hello_hpy"
HOST_MINOR = "%d.%d" % sys.version_info[:2]
PYTHON_MINORS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
MOVED_MARKER_FROM = (3, 13)  # hpy 0.9.0's type marker clashes with CPython 3.13+ (hpyproject/hpy#493)
SECTION = "hpy-rs: a new project, its one universal wheel on every interpreter"
# What a universal wheel's name looks like: one wheel for every Python 3 (the ABI is HPy's).
UNIVERSAL_WHEEL = re.compile(
    rf"^{NAME}-0\.1\.0-py3-none-(?P<plat>(manylinux_\d+_\d+|linux)_x86_64(\.manylinux_\d+_\d+_x86_64|\.manylinux\d+_x86_64)*)\.whl$"
)


def _ci() -> bool:
    return os.environ.get("CI") == "true"


def _skip_or_fail(reason: str) -> None:
    if _ci():
        pytest.fail(f"required under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _run(cmd, *, cwd, env, timeout=1200):
    """Runs cmd; on failure the assertion shows its output."""
    proc = subprocess.run(
        [str(c) for c in cmd],
        cwd=str(cwd),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} failed (exit {proc.returncode}):\n{proc.stdout[-6000:]}"
    return proc.stdout


def build_one_wheel(pip_wheel, *, cwd, env, dist, section, label):
    """Runs a `pip wheel ... -w dist` command, checks it wrote exactly one wheel, reports its
    name and build time under `label` in `section`, and returns its path."""
    start = time.perf_counter()
    _run(pip_wheel, cwd=cwd, env=env)
    elapsed = time.perf_counter() - start
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    hpyrs_testing.report(section, f"{label}: {wheels[0].name} in {elapsed:.1f} s")
    return wheels[0]


# --------------------------------------------------------------------------------------
# the user's environment
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("new-project")


@pytest.fixture(scope="module")
def find_links(work):
    """A directory holding hpyrs-build's wheel, built once."""
    wheelhouse = hpyrs_testing.backend_wheelhouse(work / "wheelhouse")
    wheels = sorted(p.name for p in wheelhouse.glob("*.whl"))
    assert len(wheels) == 1 and wheels[0].startswith("hpyrs_build-0.1.0-"), wheels
    return wheelhouse


@pytest.fixture(scope="module")
def user_env(find_links):
    """The environment of a user who followed docs/new-project.md: pip finds hpyrs-build in
    PIP_FIND_LINKS, nothing of the test session leaks in."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "HPY", "HPY_LOG", "VIRTUAL_ENV")}
    links = [str(find_links)] + [p for p in os.environ.get("PIP_FIND_LINKS", "").split() if p]
    env["PIP_FIND_LINKS"] = " ".join(links)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    target = hpyrs_testing.target_dir() / "new-project"
    # hpyrs-build keeps one target directory per interpreter for the CPython ABI, keyed on its
    # path, and pip's isolated build environment has a new path each time: drop the old ones.
    for old in target.glob("hpy-cpython-*"):
        shutil.rmtree(old, ignore_errors=True)
    env["CARGO_TARGET_DIR"] = str(target)
    return env


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def make_venv(base_python: Path, venv: Path, env) -> Path:
    """A fresh venv of `base_python` without pip; returns its python. When the base interpreter's
    own venv python is a wrapper script (Debian sid's CPythons, PyPy: started through their own
    dynamic loader), the new venv gets the same wrapper: a symlink to the real binary would
    start it with this system's glibc."""
    shutil.rmtree(venv, ignore_errors=True)
    _run([base_python, "-m", "venv", "--without-pip", venv], cwd=venv.parent, env=env)
    info = json.loads(_run([base_python, "-c", "import json, sys; print(json.dumps([sys.executable, sys.implementation.name]))"],
                           cwd=venv.parent, env=env).strip().splitlines()[-1])
    executable, implementation = Path(info[0]), info[1]
    bin_dir = venv / "bin"
    if implementation == "pypy":
        pypy = REPO_ROOT / ".interpreters" / "pypy"
        libdir = pypy / "usr" / "lib" / "x86_64-linux-gnu"
        real = pypy / "usr" / "bin" / "pypy3.11"
        wrapper = f'#!/bin/sh\nexec "{libdir}/ld-linux-x86-64.so.2" --library-path "{libdir}" --argv0 "$0" "{real}" "$@"\n'
        for link in bin_dir.iterdir():
            if link.is_symlink() and link.name in ("pypy", "pypy3", "python", "python3", "python3.11", "pypy3.11"):
                link.unlink()
        (bin_dir / "pypy3.11").write_text(wrapper)
        (bin_dir / "pypy3.11").chmod(0o755)
        for alias in ("pypy", "pypy3", "python", "python3", "python3.11"):
            (bin_dir / alias).symlink_to("pypy3.11")
    else:
        with open(executable, "rb") as f:
            is_script = f.read(2) == b"#!"
        if is_script:  # the sid wrapper: `--argv0 "$0"` makes it find the new venv's pyvenv.cfg
            target = bin_dir / executable.name
            target.unlink()
            shutil.copyfile(executable, target)
            target.chmod(0o755)
    python = _venv_python(venv)
    prefix = _run([python, "-c", "import sys; print(sys.prefix)"], cwd=venv.parent, env=env).strip().splitlines()[-1]
    assert Path(prefix) == venv, f"{python} runs in {prefix}, not in the new venv"
    return python


def pip_install(pip_python: Path, venv_python: Path, args, env, cwd):
    """`pip install ARGS` into the venv of venv_python, with pip_python's pip."""
    return _run([pip_python, "-m", "pip", "--python", venv_python, "install", "-q", *args], cwd=cwd, env=env)


@pytest.fixture(scope="module")
def tool_venv(work, user_env):
    """A fresh CPython 3.11 venv with pip, hpyrs-build and pytest: the user's working venv."""
    venv = work / "venv-tool"
    _run([sys.executable, "-m", "venv", venv], cwd=work, env=user_env)
    python = _venv_python(venv)
    _run([python, "-m", "pip", "install", "-q", "hpyrs-build", "pytest"], cwd=work, env=user_env)
    return python


@pytest.fixture(scope="module")
def project(work, tool_venv, user_env):
    """`python -m hpyrs_build new hello-hpy`, run from the checkout (which `new` points the
    project at: the default dependency form)."""
    root = work / PROJECT_DIR_NAME
    out = _run([tool_venv, "-m", "hpyrs_build", "new", root], cwd=REPO_ROOT, env=user_env)
    written = sorted(Path(line).relative_to(root).as_posix() for line in out.splitlines() if line.startswith(str(root)))
    assert written == sorted(
        [".gitignore", "Cargo.toml", "README.md", "pyproject.toml", "src/lib.rs", f"tests/test_{NAME}.py"]
    ), out
    return root


@pytest.fixture(scope="module")
def universal_wheel(work, project, tool_venv, user_env):
    dist = work / "dist"
    return build_one_wheel(
        [tool_venv, "-m", "pip", "wheel", ".", "--no-deps", "-w", dist],
        cwd=project, env=user_env, dist=dist, section=SECTION, label="`pip wheel .` (universal)",
    )


# --------------------------------------------------------------------------------------
# the generated project
# --------------------------------------------------------------------------------------


def test_new_project_files(project):
    cargo = (project / "Cargo.toml").read_text()
    assert re.search(rf'(?m)^name = "{NAME}"$', cargo)
    assert 'crate-type = ["cdylib"]' in cargo
    assert re.search(r"(?m)^\[workspace\]$", cargo), "the project must be a workspace of its own"
    # The default form: a version, patched to this checkout until the crates are published.
    assert re.search(r'(?m)^hpy = "0\.1"$', cargo), cargo
    assert re.search(r"(?m)^\[patch\.crates-io\]$", cargo), cargo
    assert f'hpy = {{ path = "{REPO_ROOT / "hpy"}" }}' in cargo, cargo
    pyproject = (project / "pyproject.toml").read_text()
    assert 'build-backend = "hpyrs_build"' in pyproject
    assert 'requires = ["hpyrs-build>=0.1,<0.2"]' in pyproject
    assert f'name = "{NAME}"' in pyproject and 'requires-python = ">=3.8"' in pyproject
    assert re.search(r"(?m)^\[tool\.hpyrs\]$", pyproject)
    lib = (project / "src" / "lib.rs").read_text()
    for item in (f"mod {NAME}", "#[hpy_function]", "#[hpy_class]", "#[hpy_exception(base = ValueError)]"):
        assert item in lib
    readme = (project / "README.md").read_text()
    for text in ("pip install .", "pip wheel .", "-C abi=cpython", "pip install -e .", "[patch.crates-io]", "git =", "path ="):
        assert text in readme, text


def _new(argv, cwd):
    """`python -m hpyrs_build new ARGV` from the checkout's python/hpyrs-build."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [sys.executable, "-m", "hpyrs_build", "new", *map(str, argv)],
        cwd=str(cwd),
        env={**env, "PYTHONPATH": str(BACKEND_DIR)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    "argv, message",
    [
        (["{tmp}/my-ext", "--name", "my-ext"], "'my-ext' is not a valid module name: use ASCII letters, digits and underscores, not starting with a digit (did you mean my_ext?)"),
        (["{tmp}/2fast"], "'2fast' is not a valid module name"),
        (["{tmp}/x", "--name", "class"], "'class' is a Python keyword"),
        (["{tmp}/x", "--name", "match"], "'match' is a Rust keyword"),
        (["{tmp}/x", "--name", "json"], "'json' is a module of Python's standard library"),
        (["{tmp}/x", "--name", "hpy"], "'hpy' is already taken"),
        (["{tmp}/full"], "is not empty: give a new or empty directory (nothing was written)"),
        (["{tmp}/x", "--hpy-path", "{tmp}"], "neither it nor its hpy/ directory is the hpy crate"),
        (["{tmp}/x", "--rev", "abc"], "--rev needs --hpy-git"),
    ],
    ids=["dash", "digit", "python-keyword", "rust-keyword", "stdlib", "taken", "not-empty", "bad-hpy-path", "rev-alone"],
)
def test_new_refuses_with_a_clear_message(tmp_path, argv, message):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    proc = _new([a.format(tmp=tmp_path) for a in argv], tmp_path)
    assert proc.returncode != 0
    assert message in proc.stderr, proc.stderr
    assert proc.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"], "nothing may be written"
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    "argv, line, patched",
    [
        ([], 'hpy = "0.1"', True),
        (["--hpy-version", "0.1.0"], 'hpy = "0.1.0"', False),
        (["--hpy-path", "{repo}"], 'hpy = {{ path = "{repo}/hpy" }}', False),
        (["--hpy-git", "https://example.org/hpy-rs.git", "--rev", "0123abc"],
         'hpy = {{ git = "https://example.org/hpy-rs.git", rev = "0123abc" }}', False),
    ],
    ids=["default", "version", "path", "git"],
)
def test_new_dependency_forms(tmp_path, argv, line, patched):
    """Each form parses as TOML and names hpy as documented; the default one also from outside
    the checkout (found from the package's own location on PYTHONPATH)."""
    try:
        import tomllib
    except ImportError:  # pragma: no cover (the host is 3.11)
        pytest.skip("tomllib needs Python 3.11")
    proc = _new([tmp_path / "proj", *[a.format(repo=REPO_ROOT) for a in argv]], tmp_path)
    assert proc.returncode == 0, proc.stderr
    cargo = (tmp_path / "proj" / "Cargo.toml").read_text()
    assert line.format(repo=REPO_ROOT) in cargo.splitlines(), cargo
    manifest = tomllib.loads(cargo)
    assert manifest["workspace"] == {}
    assert manifest["lib"] == {"name": "proj", "crate-type": ["cdylib"]}
    if patched:
        assert manifest["patch"]["crates-io"]["hpy"] == {"path": str(REPO_ROOT / "hpy")}
    else:
        assert "patch" not in manifest
    tomllib.loads((tmp_path / "proj" / "pyproject.toml").read_text())


# --------------------------------------------------------------------------------------
# the universal wheel
# --------------------------------------------------------------------------------------


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _check_record(zf: zipfile.ZipFile, dist_info: str) -> None:
    rows = [line.rsplit(",", 2) for line in zf.read(f"{dist_info}/RECORD").decode().splitlines() if line]
    listed = {path for path, _, _ in rows}
    assert listed == set(zf.namelist()), f"RECORD lists {sorted(listed)}, the wheel holds {sorted(zf.namelist())}"
    for path, digest, size in rows:
        if path == f"{dist_info}/RECORD":
            assert digest == "" and size == ""
            continue
        data = zf.read(path)
        assert digest == _record_hash(data), f"wrong hash for {path} in RECORD"
        assert int(size) == len(data), f"wrong size for {path} in RECORD"


def _metadata(zf: zipfile.ZipFile, dist_info: str):
    text = zf.read(f"{dist_info}/METADATA").decode()
    headers = text.split("\n\n", 1)[0]
    fields: dict = {}
    for line in headers.splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    return fields


def test_universal_wheel_name_and_contents(universal_wheel):
    match = UNIVERSAL_WHEEL.match(universal_wheel.name)
    assert match, f"{universal_wheel.name}: expected {NAME}-0.1.0-py3-none-<linux platform>.whl"
    dist_info = f"{NAME}-0.1.0.dist-info"
    with zipfile.ZipFile(universal_wheel) as zf:
        names = set(zf.namelist())
        assert {f"{NAME}.hpy0.so", f"{NAME}.py", f"{NAME}.pyi"} <= names, sorted(names)
        assert not [n for n in names if ".cpython-" in n], sorted(names)
        # Nothing but the module, its stubs and the metadata (no sources, no target dir).
        assert not [n for n in names if not (n.startswith(f"{NAME}.") or n.startswith(f"{dist_info}/"))], sorted(names)
        wheel = zf.read(f"{dist_info}/WHEEL").decode()
        tags = [line.split(": ", 1)[1] for line in wheel.splitlines() if line.startswith("Tag: ")]
        assert tags and all(t.startswith("py3-none-") for t in tags), wheel
        assert "Root-Is-Purelib: false" in wheel
        # Every tag of the file name is in WHEEL, and the other way round.
        plats = match.group("plat").split(".")
        assert sorted(tags) == sorted(f"py3-none-{p}" for p in plats), (tags, plats)
        meta = _metadata(zf, dist_info)
        assert meta["Name"] == [NAME] and meta["Version"] == ["0.1.0"]
        assert meta["Requires-Python"] == [">=3.8"]
        requires = [r.replace(" ", "") for r in meta.get("Requires-Dist", [])]
        assert any(r.startswith("hpy==0.9.*;") and "platform_python_implementation=='CPython'" in r.replace('"', "'")
                   for r in requires), requires
        stub = zf.read(f"{NAME}.py").decode()
        assert "hpy.universal" in stub and "pkg_resources" not in stub
        pyi = zf.read(f"{NAME}.pyi").decode()
        assert "class Counter" in pyi and "def add(" in pyi
        _check_record(zf, dist_info)


# --------------------------------------------------------------------------------------
# ... installed into every interpreter
# --------------------------------------------------------------------------------------


def _interpreter(label):
    """(base python, the pip that installs into its venvs) for an interpreter label."""
    if label == "pypy":
        tool = REPO_ROOT / "tools" / "pypy"
        missing = REPO_ROOT / ".interpreters" / "pypy.missing"
        if missing.is_file():
            _skip_or_fail(f"PyPy: {missing.read_text().strip()}")
        proc = subprocess.run([str(tool), "-c", "import hpy.universal"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            _skip_or_fail(f"PyPy does not run: {proc.stdout.strip().splitlines()[-1:]}")
        # PyPy's tree has no pip of its own: this session's pip installs into its venvs.
        return tool, Path(sys.executable)
    if label == HOST_MINOR:
        return Path(sys.executable), Path(sys.executable)
    tool = REPO_ROOT / "tools" / f"python{label}"
    missing = REPO_ROOT / ".interpreters" / f"cpython{label}.missing"
    venv = REPO_ROOT / ".interpreters" / f"cpython{label}" / "venv" / "bin" / f"python{label}"
    if missing.is_file() or not venv.is_file():
        reason = missing.read_text().strip() if missing.is_file() else "not installed (run tools/setup_env.sh)"
        _skip_or_fail(f"CPython {label}: {reason}")
    return tool, tool


def _moved_marker(label):
    """PYTHONPATH entries the universal module's class needs on this interpreter."""
    if label == "pypy" or tuple(int(x) for x in label.split(".")) < MOVED_MARKER_FROM:
        return []
    marker = REPO_ROOT / ".interpreters" / f"cpython{label}" / "hpy-moved-marker"
    missing = marker.with_name("hpy-moved-marker.missing")
    if missing.is_file() or not (marker / "hpy").is_dir():
        reason = missing.read_text().strip() if missing.is_file() else "not built (run tools/setup_env.sh)"
        _skip_or_fail(f"CPython {label} needs hpy with the moved type marker for classes (hpyproject/hpy#493): {reason}")
    return [str(marker)]


PROBE = f"""
import importlib.util, json, sys
origin = importlib.util.find_spec("{NAME}").origin
import {NAME}
print(json.dumps({{"origin": origin, "file": {NAME}.__file__, "prefix": sys.prefix, "version": list(sys.version_info[:2]),
                  "implementation": sys.implementation.name, "hpy_universal": "hpy.universal" in sys.modules,
                  "sum": {NAME}.add(2, 3)}}))
"""


def _install_env(user_env, label):
    env = dict(user_env)
    sid = REPO_ROOT / ".interpreters" / f"cpython{label}" / "usr" / "include"
    if sid.is_dir():
        # If pip has to build hpy from its sdist for Debian sid's CPython (as tools/setup_env.sh
        # does), its headers come first.
        env["CPPFLAGS"] = f"-I{sid} -include {sid}/python{label}/pyconfig.h"
    return env


def install_and_test(label, wheel, work, project, user_env, *, extra_pythonpath=(), debug=True):
    """Fresh venv of `label`, install `wheel` + pytest, import it from there, run the project's
    tests (also under HPY=debug); returns the probe."""
    base, pip_python = _interpreter(label)
    venv = work / f"venv-{label}-{wheel.name.split('-')[2]}"
    python = make_venv(base, venv, user_env)
    pip_install(pip_python, python, [wheel, "pytest"], _install_env(user_env, label), cwd=work)
    env = dict(user_env)
    if extra_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(extra_pythonpath)
    info = json.loads(_run([python, "-c", PROBE], cwd=work, env=env).strip().splitlines()[-1])
    assert info["prefix"] == str(venv)
    # (PyPy 7.3.19 sets an HPy module's __file__ to its bare name: where import found it is `origin`.)
    assert Path(info["origin"]).resolve().is_relative_to(venv.resolve()), f"{NAME} imported from {info['origin']}, not from the venv"
    assert info["sum"] == 5
    results = []
    for hpy_mode in ("universal", "debug") if debug else (None,):
        run_env = {**env, "HPY": hpy_mode} if hpy_mode else env
        out = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=project, env=run_env)
        closing = out.strip().splitlines()[-1]
        assert re.search(r"\b7 passed\b", closing) and "failed" not in closing and "error" not in closing, out[-3000:]
        results.append(f"HPY={hpy_mode}: {closing}" if hpy_mode else closing)
    info["results"] = results
    return info


@pytest.mark.parametrize("label", PYTHON_MINORS + ["pypy"])
def test_universal_wheel_on_every_interpreter(label, universal_wheel, work, project, user_env):
    extra = _moved_marker(label)
    try:
        info = install_and_test(label, universal_wheel, work, project, user_env, extra_pythonpath=extra)
    except BaseException:
        hpyrs_testing.report(SECTION, f"{label}: FAILED")
        raise
    if label == "pypy":
        assert info["implementation"] == "pypy"
    else:
        assert info["implementation"] == "cpython" and info["version"] == [int(x) for x in label.split(".")]
        assert info["hpy_universal"], "the universal module must load through hpy.universal"
    assert info["origin"].endswith(f"{NAME}.py"), info["origin"]  # the loader stub
    if label != "pypy":
        assert info["file"].endswith((f"{NAME}.py", f"{NAME}.hpy0.so")), info["file"]
    note = " (PYTHONPATH: hpy with the moved type marker)" if extra else ""
    hpyrs_testing.report(SECTION, f"{label}: OK{note}; {'; '.join(info['results'])}")


# --------------------------------------------------------------------------------------
# the CPython-ABI wheel, and an editable install
# --------------------------------------------------------------------------------------


def test_cpython_abi_wheel_on_host(work, project, tool_venv, user_env):
    dist = work / "dist-cpython"
    start = time.perf_counter()
    _run([tool_venv, "-m", "pip", "wheel", ".", "--no-deps", "-w", dist, "-C", "abi=cpython"], cwd=project, env=user_env)
    elapsed = time.perf_counter() - start
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, wheels
    wheel = wheels[0]
    tag = "cp%d%d" % sys.version_info[:2]
    assert re.match(rf"^{NAME}-0\.1\.0-{tag}-{tag}-(manylinux_\d+_\d+|linux)_x86_64(\.[\w]+)*\.whl$", wheel.name), wheel.name
    ext_suffix = sysconfig.get_config_var("EXT_SUFFIX")
    dist_info = f"{NAME}-0.1.0.dist-info"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert f"{NAME}{ext_suffix}" in names and f"{NAME}.pyi" in names, sorted(names)
        assert f"{NAME}.hpy0.so" not in names and f"{NAME}.py" not in names, sorted(names)
        meta = _metadata(zf, dist_info)
        # HPy's CPython runtime is compiled into the module: no hpy at run time.
        assert not [r for r in meta.get("Requires-Dist", []) if r.replace(" ", "").startswith("hpy")], meta
        _check_record(zf, dist_info)
    info = install_and_test(HOST_MINOR, wheel, work, project, user_env, debug=False)
    assert info["file"].endswith(ext_suffix) and not info["hpy_universal"], info
    hpyrs_testing.report(SECTION, f"CPython ABI: {wheel.name} in {elapsed:.1f} s; on {HOST_MINOR}: {info['results'][0]}")


EDIT_ANCHOR = "    /// Counter(start=0)\n"
EDIT = '''    /// answer()
    ///
    /// Added after the editable install.
    #[hpy_function]
    fn answer() -> i64 {
        42
    }

'''


def test_editable_install_sees_a_rebuild(work, project, user_env):
    """`pip install -e .`, the project's tests, an edit of src/lib.rs, then the rebuild the README
    describes (`pip install -e .` again): the new function is there. A second edit, rebuilt with
    `python -m hpyrs_build develop` in that venv (hpyrs-build installed beside the project), shows too."""
    editable = work / "editable" / PROJECT_DIR_NAME
    shutil.rmtree(editable.parent, ignore_errors=True)
    shutil.copytree(project, editable, ignore=shutil.ignore_patterns("dist", "build", "target"))
    venv = work / "venv-editable"
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", venv], cwd=work, env=user_env)
    python = _venv_python(venv)
    _run([python, "-m", "pip", "install", "-q", "-e", ".", "pytest", "hpyrs-build"], cwd=editable, env=user_env)
    out = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=editable, env=user_env)
    assert re.search(r"\b7 passed\b", out.strip().splitlines()[-1]), out
    check = f"import {NAME}; print({NAME}.__file__); print(hasattr({NAME}, 'answer') and {NAME}.answer())"
    before = _run([python, "-c", check], cwd=work, env=user_env).split()
    assert before[-1] == "False", before

    lib = editable / "src" / "lib.rs"
    text = lib.read_text()
    assert text.count(EDIT_ANCHOR) == 1
    lib.write_text(text.replace(EDIT_ANCHOR, EDIT + EDIT_ANCHOR))
    start = time.perf_counter()
    _run([python, "-m", "pip", "install", "-q", "-e", "."], cwd=editable, env=user_env)
    elapsed = time.perf_counter() - start
    after = _run([python, "-c", check], cwd=work, env=user_env).split()
    assert after[-1] == "42", after

    lib.write_text(lib.read_text().replace("        42\n", "        43\n"))
    _run([python, "-m", "hpyrs_build", "develop"], cwd=editable, env=user_env)
    assert _run([python, "-c", check], cwd=work, env=user_env).split()[-1] == "43"
    hpyrs_testing.report(SECTION, f"editable install: rebuilt after an edit of src/lib.rs in {elapsed:.1f} s ({after[0]})")
