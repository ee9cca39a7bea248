"""The PEP 517 / PEP 660 hooks (re-exported by `hpyrs_build`, the `build-backend`).

A failure prints one line, `hpyrs-build: error: <what happened and what to do>`, on stderr and
exits the hook's process with status 1 (pip and `python -m build` then show the build output,
which ends with that line) instead of a traceback.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable, List, Mapping, Optional

from . import compile as _c
from .compile import HPY_REQUIREMENT, STUB_MARKER, BuildError
from .config import Config, core_metadata, entry_points, license_files
from .wheel import UNIVERSAL_TAG, WheelWriter, cpython_tag, platform_tag, wheel_file, write_sdist

# The universal wheel's runtime dependency: CPython needs the hpy package's `hpy.universal`
# loader; PyPy (and any other runtime with HPy built in) already has it.
UNIVERSAL_REQUIREMENT = f'{HPY_REQUIREMENT}; platform_python_implementation == "CPython"'

# Never put into an sdist (build outputs, VCS and tool state).
SDIST_SKIP_DIRS = {".git", ".hg", ".svn", "target", "build", "dist", ".venv", "venv", "__pycache__", ".tox", ".nox",
                   ".pytest_cache", ".mypy_cache", ".ruff_cache", ".idea", ".vscode"}

EDITABLE_DIR = Path("build") / "hpyrs-editable"


def _hook(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BuildError as e:
            if os.environ.get("HPYRS_BUILD_RAISE"):
                raise
            sys.stderr.write(f"hpyrs-build: error: {e}\n")
            sys.stderr.flush()
            raise SystemExit(1) from None

    return wrapper


def _config(config_settings: Optional[Mapping]) -> Config:
    return Config(Path.cwd(), config_settings)


def _host_info() -> dict:
    return {
        "executable": sys.executable,
        "version": list(sys.version_info[:2]),
        "implementation": sys.implementation.name,
    }


def _needs_hpy_at_build(cfg: Config) -> bool:
    """Whether the build interpreter needs the hpy package: the CPython ABI compiles HPy's
    runtime from it; the stub of a universal module imports the module through it (PyPy has
    hpy built in)."""
    return cfg.abi == "cpython" or (cfg.stubs and sys.implementation.name == "cpython")


def _requires(config_settings: Optional[Mapping]) -> List[str]:
    cfg = _config(config_settings)
    return [HPY_REQUIREMENT] if _needs_hpy_at_build(cfg) else []


@_hook
def get_requires_for_build_wheel(config_settings=None) -> List[str]:
    return _requires(config_settings)


@_hook
def get_requires_for_build_editable(config_settings=None) -> List[str]:
    return _requires(config_settings)


@_hook
def get_requires_for_build_sdist(config_settings=None) -> List[str]:
    return []


def _extra_requires(cfg: Config) -> List[str]:
    return [UNIVERSAL_REQUIREMENT] if cfg.abi == "universal" else []


def _dist_info_name(cfg: Config) -> str:
    return f"{cfg.dist_name}-{cfg.version}.dist-info"


def _write_metadata_dir(cfg: Config, directory: Path) -> str:
    name = _dist_info_name(cfg)
    d = directory / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "METADATA").write_text(core_metadata(cfg, _extra_requires(cfg)), encoding="utf-8")
    eps = entry_points(cfg)
    if eps:
        (d / "entry_points.txt").write_text(eps, encoding="utf-8")
    return name


@_hook
def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None) -> str:
    return _write_metadata_dir(_config(config_settings), Path(metadata_directory))


@_hook
def prepare_metadata_for_build_editable(metadata_directory, config_settings=None) -> str:
    return _write_metadata_dir(_config(config_settings), Path(metadata_directory))


def _add_dist_info(cfg: Config, whl: WheelWriter, tag: str) -> None:
    info = whl.dist_info
    whl.add_bytes(f"{info}/METADATA", core_metadata(cfg, _extra_requires(cfg)).encode("utf-8"))
    whl.add_bytes(f"{info}/WHEEL", wheel_file(tag).encode("utf-8"))
    eps = entry_points(cfg)
    if eps:
        whl.add_bytes(f"{info}/entry_points.txt", eps.encode("utf-8"))
    for f in license_files(cfg):
        whl.add_file(f"{info}/licenses/{f.relative_to(cfg.root).as_posix()}", f)


def _check_build_python(cfg: Config) -> None:
    _c.check_python_version(_c.probe_python(sys.executable) if cfg.abi == "cpython" else _host_info(), cfg.abi)


def _module_layout(cfg: Config, module: str) -> None:
    """Checks that a dotted module has its package in python-source."""
    if "." not in module:
        return
    package = module.rsplit(".", 1)[0]
    if cfg.python_source is None:
        raise BuildError(
            f"module = {module!r} lives in package `{package}`, but [tool.hpyrs] sets no python-source: "
            f"add python-source = \"python\" (the directory holding {package.replace('.', '/')}/__init__.py)"
        )
    pkg_dir = cfg.python_source.joinpath(*package.split("."))
    if not (pkg_dir / "__init__.py").is_file():
        raise BuildError(
            f"module = {module!r}: there is no package {pkg_dir.relative_to(cfg.root)}/__init__.py in python-source"
        )


def _is_generated(path: Path, name: str) -> bool:
    """A file an earlier (editable) build left in python-source for module `name`."""
    fn = path.name
    if not fn.startswith(name + "."):
        return False
    if fn.endswith((".so", ".pyd", ".dylib")):
        return True
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:300]
    except OSError:
        return False
    return (fn.endswith(".py") and STUB_MARKER in head) or (fn.endswith(".pyi") and "hpyrs_build.stubgen" in head)


def _build_module(cfg: Config, out_root: Path, capture: bool = False) -> Path:
    """Builds the module into `out_root` (the package directory below it for a dotted name);
    returns the binary's path."""
    module = cfg.module or _c.crate_module_name(cfg.manifest)
    _module_layout(cfg, module)
    parts = module.split(".")
    out = out_root.joinpath(*parts[:-1])
    out.mkdir(parents=True, exist_ok=True)
    return _c.build(
        cfg.manifest,
        cfg.abi,
        out=out,
        python=sys.executable,
        verbose=True,
        capture=capture,
        module=module,
        module_source=f"module, {cfg.where('module')}" if cfg.module else "the cdylib's lib name in Cargo.toml",
        profile=cfg.profile,
        features=cfg.features,
        stubs=cfg.stubs,
        stubs_required=True,
        stub_path=out_root,
    )


def _tag(cfg: Config, binary: Path) -> str:
    plat, why = platform_tag(binary)
    sys.stderr.write(f"hpyrs-build: platform tag {plat} ({why})\n")
    return f"{cpython_tag() if cfg.abi == 'cpython' else UNIVERSAL_TAG}-{plat}"


@_hook
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None) -> str:
    cfg = _config(config_settings)
    _check_build_python(cfg)
    with tempfile.TemporaryDirectory(prefix="hpyrs-wheel-") as tmp:
        staging = Path(tmp) / "staging"
        staging.mkdir()
        module = cfg.module or _c.crate_module_name(cfg.manifest)
        short = module.rsplit(".", 1)[-1]
        if cfg.python_source is not None:
            shutil.copytree(
                str(cfg.python_source),
                str(staging),
                dirs_exist_ok=True,
                ignore=lambda d, names: [
                    n for n in names
                    if n == "__pycache__" or n.endswith((".pyc", ".pyo")) or _is_generated(Path(d) / n, short)
                ],
            )
        binary = _build_module(cfg, staging)
        if "." in module and cfg.stubs:
            marker = binary.parent / "py.typed"
            if not marker.exists():
                marker.write_text("")
        tag = _tag(cfg, binary)
        filename = f"{cfg.dist_name}-{cfg.version}-{tag}.whl"
        whl_path = Path(wheel_directory) / filename
        whl = WheelWriter(whl_path, _dist_info_name(cfg))
        try:
            whl.add_tree("", staging)
            _add_dist_info(cfg, whl, tag)
        finally:
            whl.close()
    sys.stderr.write(f"hpyrs-build: wrote {filename}\n")
    return filename


@_hook
def build_editable(wheel_directory, config_settings=None, metadata_directory=None) -> str:
    """An editable wheel: the module is built in the project tree (python-source's package
    directory, or build/hpyrs-editable/ for a top-level module) and a `.pth` file puts that
    tree on sys.path. Python sources are live; after a Rust change, run `pip install -e .`
    again or `python -m hpyrs_build develop` (docs/packaging.md)."""
    cfg = _config(config_settings)
    _check_build_python(cfg)
    root = cfg.python_source if cfg.python_source is not None else cfg.root / EDITABLE_DIR
    root.mkdir(parents=True, exist_ok=True)
    binary = _build_module(cfg, root)
    tag = _tag(cfg, binary)
    filename = f"{cfg.dist_name}-{cfg.version}-{tag}.whl"
    whl = WheelWriter(Path(wheel_directory) / filename, _dist_info_name(cfg))
    try:
        whl.add_bytes(f"_hpyrs_editable_{cfg.dist_name}.pth", (str(root) + "\n").encode("utf-8"))
        _add_dist_info(cfg, whl, tag)
    finally:
        whl.close()
    sys.stderr.write(f"hpyrs-build: wrote {filename} (editable: {root})\n")
    return filename


def develop(project: Path, config_settings: Optional[Mapping] = None) -> Path:
    """Rebuilds the in-tree module an editable install points at (what build_editable builds)."""
    cwd = Path.cwd()
    os.chdir(str(project))
    try:
        cfg = _config(config_settings)
        root = cfg.python_source if cfg.python_source is not None else cfg.root / EDITABLE_DIR
        root.mkdir(parents=True, exist_ok=True)
        return _build_module(cfg, root)
    finally:
        os.chdir(str(cwd))


def _sdist_files(cfg: Config) -> List[Path]:
    root = cfg.root
    module_short = (cfg.module or "").rsplit(".", 1)[-1]
    files: List[Path] = []
    for dirpath, dirnames, filenames in os.walk(str(root)):
        d = Path(dirpath)
        dirnames[:] = sorted(
            n for n in dirnames
            if n not in SDIST_SKIP_DIRS and not n.endswith(".egg-info") and (not n.startswith(".") or n == ".cargo")
        )
        for fn in sorted(filenames):
            p = d / fn
            if fn.endswith((".pyc", ".pyo")) or (module_short and _is_generated(p, module_short)):
                continue
            if fn.endswith((".so", ".pyd", ".dylib")) and ".hpy" in fn:
                continue
            files.append(p)
    try:
        cfg.manifest.relative_to(root)
    except ValueError:
        raise BuildError(f"manifest-path {cfg.manifest} is outside the project {root}, so an sdist cannot hold the crate")
    return files


def _outside_path_dependencies(cfg: Config) -> List[str]:
    """Warnings for the crate's `path` dependencies outside the project: the sdist does not hold
    them, so it builds only where that path exists."""
    cargo = _c.load_toml(cfg.manifest)
    tables = [cargo.get(k) or {} for k in ("dependencies", "build-dependencies")]
    for target in (cargo.get("target") or {}).values():
        tables += [target.get(k) or {} for k in ("dependencies", "build-dependencies")]
    out = []
    for table in tables:
        for name, spec in table.items():
            if not isinstance(spec, dict) or "path" not in spec:
                continue
            path = Path(spec["path"])
            resolved = (cfg.manifest.parent / path).resolve()
            try:
                resolved.relative_to(cfg.root)
                continue
            except ValueError:
                pass
            how = "this absolute path" if path.is_absolute() else "this relative path, next to the unpacked sdist,"
            out.append(
                f"dependency `{name}` is a path outside the project ({spec['path']}): the sdist does not include it, "
                f"so it builds only where {how} exists; give it a version or a git source for a portable sdist"
            )
    return out


@_hook
def build_sdist(sdist_directory, config_settings=None) -> str:
    cfg = _config(config_settings)
    for warning in _outside_path_dependencies(cfg):
        sys.stderr.write(f"hpyrs-build: warning: {warning}\n")
    top = f"{cfg.dist_name}-{cfg.version}"
    filename = f"{top}.tar.gz"
    # The wheel's requirements depend on the ABI chosen when it is built (-C abi=...).
    pkg_info = core_metadata(cfg, dynamic=["Requires-Dist"])
    write_sdist(Path(sdist_directory) / filename, top, cfg.root, _sdist_files(cfg), pkg_info)
    sys.stderr.write(f"hpyrs-build: wrote {filename}\n")
    return filename
