"""hpyrs-build: the PEP 517 build backend for hpy-rs extension crates.

In an extension project's pyproject.toml::

    [build-system]
    requires = ["hpyrs-build>=0.1,<0.2"]
    build-backend = "hpyrs_build"

    [tool.hpyrs]
    abi = "universal"        # or "cpython"; -C abi=cpython overrides

Then `pip wheel .`, `pip install .`, `pip install -e .` and `python -m build` work (see
docs/packaging.md in the hpy-rs repository). The hooks are in backend.py, the build itself in
compile.py (also used by `python -m hpyrs_build build` and hpy-rs's tools/hpy_build.py).
Stdlib only (plus `tomli` on Python < 3.11, imported only where TOML is read).
"""

__version__ = "0.1.0"

from .backend import (  # noqa: E402
    build_editable,
    build_sdist,
    build_wheel,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    get_requires_for_build_wheel,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]
