"""Build cost: clean release build time and stripped size of examples/quickstart, next to
the same module written with PyO3 (bench/reference/pyo3/quickstart_pyo3).

A clean build starts from an empty cargo target directory, so every dependency (proc-macro
crates, hpy-sys's C runtime, pyo3's build script...) is compiled and counted; sources are
fetched beforehand, so downloads are not. In smoke mode the builds reuse the usual target
directories: the time is then that of an up-to-date build, labelled "incremental".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Dict

from variants import BENCH, ROOT, hpy_build, pyo3_build_module

__all__ = ["build_cost"]


def _stripped_size(library: Path, scratch: Path) -> int:
    copy = scratch / f"stripped-{library.name}"
    shutil.copyfile(library, copy)
    subprocess.run(["strip", "--strip-unneeded", str(copy)], check=True)
    size = copy.stat().st_size
    copy.unlink()
    return size


def _timed(build: Callable[[], Path]) -> Dict[str, Any]:
    start = time.perf_counter()
    library = build()
    return {"seconds": time.perf_counter() - start, "library": Path(library)}


def build_cost(python: str, clean: bool, scratch: Path) -> Dict[str, Dict[str, Any]]:
    """{build name: {"seconds", "stripped_bytes", "kind"}} for hpy-rs (both ABIs) and PyO3."""
    scratch.mkdir(parents=True, exist_ok=True)
    kind = "clean" if clean else "incremental"
    pyo3_workspace = BENCH / "reference" / "pyo3"
    if clean:
        for manifest in (ROOT / "Cargo.toml", pyo3_workspace / "Cargo.toml"):
            subprocess.run(["cargo", "fetch", "--manifest-path", str(manifest)], check=True,
                           capture_output=True)

    def target(name: str) -> Path:
        directory = scratch / f"target-{name}"
        shutil.rmtree(directory, ignore_errors=True)
        return directory

    builds: Dict[str, Dict[str, Any]] = {}
    for abi in ("cpython", "universal"):
        def build_rust(abi: str = abi) -> Path:
            saved = os.environ.get("CARGO_TARGET_DIR")
            if clean:
                os.environ["CARGO_TARGET_DIR"] = str(target(f"rs-{abi}"))
            try:
                return hpy_build.build(ROOT / "examples" / "quickstart", abi, scratch / f"rs-{abi}",
                                       python=python, capture=True)
            finally:
                if clean:
                    if saved is None:
                        os.environ.pop("CARGO_TARGET_DIR", None)
                    else:
                        os.environ["CARGO_TARGET_DIR"] = saved

        builds[f"hpy-rs quickstart ({abi} ABI)"] = _timed(build_rust)

    pyo3_build = pyo3_build_module()

    def build_pyo3() -> Path:
        built = pyo3_build.build(scratch / "pyo3", python, crates=("quickstart_pyo3",),
                                 target_dir=target("pyo3") if clean else None)
        return Path(built["quickstart_pyo3"])

    builds["PyO3 quickstart"] = _timed(build_pyo3)
    return {
        name: {"seconds": b["seconds"], "stripped_bytes": _stripped_size(b["library"], scratch),
               "kind": kind}
        for name, b in builds.items()
    }


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(build_cost(sys.executable, "--clean" in sys.argv,
                                Path(tempfile.mkdtemp(prefix="hpyrs-buildcost-"))), indent=1))
