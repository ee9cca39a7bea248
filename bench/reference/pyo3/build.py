"""Builds the PyO3 reference modules of the hpy-rs benchmarks (bench/reference/pyo3): release
builds of the crates of this workspace, copied to importable extension files
(`<name><EXT_SUFFIX>`, e.g. `microbench_pyo3.cpython-311-x86_64-linux-gnu.so`).

    python bench/reference/pyo3/build.py --out DIR [--python PY] [--target-dir DIR] [CRATE ...]

or, from Python, `build(out_dir, python)`. Standard library only (Python 3.8+).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Optional

HERE = Path(__file__).resolve().parent
CRATES = ("microbench_pyo3", "hpyarray_pyo3", "quickstart_pyo3")
DEFAULT_TARGET_DIR = HERE / "target"


class BuildError(RuntimeError):
    """cargo failed, or did not produce the expected library."""


def ext_suffix(python: str) -> str:
    """The extension-module suffix of interpreter `python` (its sysconfig EXT_SUFFIX)."""
    out = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"],
        check=True,
        stdout=subprocess.PIPE,
        universal_newlines=True,
    ).stdout.strip()
    if not out or out == "None":
        raise BuildError(f"{python} has no EXT_SUFFIX")
    return out


def _library_name(crate: str) -> str:
    if sys.platform == "win32":
        return f"{crate}.dll"
    if sys.platform == "darwin":
        return f"lib{crate}.dylib"
    return f"lib{crate}.so"


def build(
    out_dir: Path,
    python: str,
    crates: Iterable[str] = CRATES,
    target_dir: Optional[Path] = None,
) -> Dict[str, Path]:
    """Runs `cargo build --release` for `crates` against interpreter `python` and copies each
    library to `out_dir/<crate><EXT_SUFFIX>`. Returns {crate: path of the copy}."""
    crates = tuple(crates)
    unknown = [c for c in crates if c not in CRATES]
    if unknown:
        raise BuildError(f"unknown crate(s) {unknown}; choose from {CRATES}")
    out_dir = Path(out_dir)
    target_dir = Path(target_dir) if target_dir is not None else DEFAULT_TARGET_DIR
    python = str(python)

    env = dict(os.environ)
    env["PYO3_PYTHON"] = python
    env["PYO3_BUILD_EXTENSION_MODULE"] = "1"  # no libpython linking (what maturin sets)
    env["CARGO_TARGET_DIR"] = str(target_dir)
    cmd = ["cargo", "build", "--release"]
    for crate in crates:
        cmd += ["-p", crate]
    result = subprocess.run(cmd, cwd=str(HERE), env=env)
    if result.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed with exit code {result.returncode}")

    suffix = ext_suffix(python)
    out_dir.mkdir(parents=True, exist_ok=True)
    built = {}
    for crate in crates:
        lib = target_dir / "release" / _library_name(crate)
        if not lib.is_file():
            raise BuildError(f"cargo did not produce {lib}")
        dest = out_dir / f"{crate}{suffix}"
        # Copy then rename: a process that has the old file loaded keeps its (old) inode.
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=str(out_dir))
        os.close(fd)
        shutil.copyfile(str(lib), tmp)
        shutil.copymode(str(lib), tmp)  # mkstemp made it 0600
        os.replace(tmp, str(dest))
        built[crate] = dest
    return built


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="directory for the extension files")
    parser.add_argument("--python", default=sys.executable, help="target interpreter (default: this one)")
    parser.add_argument("--target-dir", type=Path, default=None, help=f"cargo target dir (default: {DEFAULT_TARGET_DIR})")
    parser.add_argument("crates", nargs="*", default=list(CRATES), help=f"crates to build (default: all of {CRATES})")
    args = parser.parse_args(argv)
    try:
        built = build(args.out, args.python, args.crates, args.target_dir)
    except (BuildError, subprocess.CalledProcessError) as e:
        print(f"build.py: {e}", file=sys.stderr)
        return 1
    for path in built.values():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
