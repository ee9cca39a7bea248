#!/usr/bin/env python3
"""Build an hpy-rs extension crate into an importable Python module (the repository's front end
over the build backend in python/hpyrs-build, which `pip install .` uses too).

    python tools/hpy_build.py CRATE_DIR --abi {cpython,universal}
                              [--out DIR] [--release | --debug] [--python PATH] [--no-stubs]

is `python -m hpyrs_build build ...` run from this checkout (no installation needed); see
python/hpyrs-build/hpyrs_build/__main__.py for the options and docs/packaging.md for wheels.
The naming (`<name>.hpy0.so` + loader stub `<name>.py` for the universal ABI,
`<name><EXT_SUFFIX>` for the CPython ABI), the build flags and the `.pyi` stubs live in
hpyrs_build.compile; this file re-exports its API for the test harness and the benchmarks:

    build(crate_dir, abi, out=None, release=True, python=None, *, capture=False, stubs=True) -> Path
    crate_module_name(crate_dir), workspace_target_dir(path), python_ext_suffix(python=None),
    HPY_ABI_TAG, BuildError
"""

from __future__ import annotations

import os
import sys

_PACKAGE_ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "python", "hpyrs-build")
if os.path.abspath(_PACKAGE_ROOT) not in map(os.path.abspath, sys.path):
    sys.path.insert(0, os.path.abspath(_PACKAGE_ROOT))

from hpyrs_build import compile as _compile  # noqa: E402
from hpyrs_build.__main__ import build_main as _build_main  # noqa: E402
from hpyrs_build.compile import (  # noqa: E402,F401
    ABIS,
    HPY_ABI_TAG,
    STUB_MARKER,
    BuildError,
    build,
    crate_module_name,
    python_ext_suffix,
    stub_source,
    type_stub,
    workspace_target_dir,
)

_cargo_metadata = _compile.cargo_metadata
_find_cdylib = _compile.find_cdylib

__all__ = [
    "ABIS",
    "BuildError",
    "HPY_ABI_TAG",
    "build",
    "crate_module_name",
    "main",
    "python_ext_suffix",
    "stub_source",
    "type_stub",
    "workspace_target_dir",
]


def main(argv=None) -> int:
    """The CLI (same options as `python -m hpyrs_build build`; messages say `hpy_build:`)."""
    return _build_main(argv, prog="hpy_build.py", tag="hpy_build")


if __name__ == "__main__":
    sys.exit(main())
