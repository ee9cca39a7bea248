"""Wheel tags, wheel and sdist archives (stdlib only).

Tags (docs/packaging.md explains the choice):

* universal ABI: `py3-none-<platform>`. The `.hpy0.so` uses no Python C API at all (every call
  goes through the HPy context the loader hands over, and it links nothing from Python), so
  neither the interpreter version nor a Python ABI (`abi3` would claim the limited C API) is
  right; what it needs is an HPy 0.9 runtime, which a tag cannot say (HPy's packaging issue
  #370): the wheel depends on `hpy==0.9.*` where the interpreter is CPython, and PyPy has it
  built in.
* CPython ABI: `cp3XY-cp3XY[d]-<platform>`, as for any extension of that interpreter.
* platform: on Linux `manylinux_2_<N>_<arch>` when honest, where N is the newest glibc symbol
  version the binary requires (at least 17), provided it needs no library outside the
  manylinux set and its libgcc_s/libstdc++ symbol versions are within that policy; otherwise
  `linux_<arch>`, with the reason on stderr. Elsewhere `sysconfig.get_platform()`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Tuple

from . import __version__

# Libraries a manylinux wheel may link against without bundling them (PEP 600 / auditwheel).
MANYLINUX_LIBS = {
    "libgcc_s.so.1", "libstdc++.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libc.so.6",
    "libnsl.so.1", "libutil.so.1", "libpthread.so.0", "libresolv.so.2", "libX11.so.6",
    "libXext.so.6", "libXrender.so.1", "libICE.so.6", "libSM.so.6", "libGL.so.1",
    "libgobject-2.0.so.0", "libgthread-2.0.so.0", "libglib-2.0.so.0", "libcrypt.so.1",
    "libexpat.so.1", "libz.so.1",
}
_LOADERS = re.compile(r"^ld-linux.*\.so\.\d$|^ld64\.so\.\d$")
# The newest libgcc_s / libstdc++ symbol versions each manylinux glibc baseline allows
# (auditwheel's policies); a binary needing more gets the next baseline up.
_POLICIES = (
    (17, {"GCC": (4, 8, 0), "GLIBCXX": (3, 4, 19), "CXXABI": (1, 3, 7)}),
    (28, {"GCC": (7, 0, 0), "GLIBCXX": (3, 4, 24), "CXXABI": (1, 3, 11)}),
    (31, {"GCC": (7, 0, 0), "GLIBCXX": (3, 4, 28), "CXXABI": (1, 3, 12)}),
    (34, {"GCC": (7, 0, 0), "GLIBCXX": (3, 4, 30), "CXXABI": (1, 3, 13)}),
)
_MANYLINUX_ARCHS = ("x86_64", "i686", "aarch64", "ppc64le", "s390x", "armv7l", "riscv64")


def _vtuple(text: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text))


def linux_platform_tag(binary: Path) -> Tuple[str, str]:
    """(platform tag, why) for a Linux binary, from its ELF version needs."""
    from .elf import ElfError, read_elf

    arch = sysconfig.get_platform().split("-", 1)[-1].replace("-", "_").replace(".", "_")
    if arch == "x86_64" and sys.maxsize <= 2**32:
        arch = "i686"
    plain = f"linux_{arch}"
    try:
        info = read_elf(binary)
    except (ElfError, OSError) as e:
        return plain, f"cannot read {binary.name}: {e}"
    if info.machine != arch:
        return plain, f"{binary.name} is built for {info.machine}, this interpreter runs on {arch}"
    if arch not in _MANYLINUX_ARCHS:
        return plain, f"no manylinux policy for {arch}"
    foreign = [lib for lib in info.needed if lib not in MANYLINUX_LIBS and not _LOADERS.match(lib)]
    if foreign:
        return plain, f"{binary.name} needs {', '.join(foreign)}, which manylinux does not allow (bundle it or link it statically)"
    glibc = (2, 17)
    needs: Dict[str, Tuple[int, ...]] = {}
    for lib, versions in info.versions.items():
        for v in versions:
            prefix, _, number = v.partition("_")
            if not number:
                continue
            t = _vtuple(number)
            if prefix == "GLIBC":
                glibc = max(glibc, t[:2])
            elif prefix in ("GCC", "GLIBCXX", "CXXABI"):
                needs[prefix] = max(needs.get(prefix, ()), t)
    minor = glibc[1]
    for baseline, limits in _POLICIES:
        if all(v <= limits[k] for k, v in needs.items()):
            minor = max(minor, baseline)
            break
    else:
        return plain, f"{binary.name} needs newer libgcc_s/libstdc++ symbols ({needs}) than any known manylinux policy"
    newest = ".".join(map(str, glibc))
    return f"manylinux_2_{minor}_{arch}", f"newest glibc symbol version GLIBC_{newest}, libraries {', '.join(info.needed)}"


def platform_tag(binary: Path) -> Tuple[str, str]:
    """(platform tag, why) for the wheel holding `binary`."""
    if sys.platform.startswith("linux"):
        return linux_platform_tag(binary)
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_").replace(" ", "_")
    return plat, "sysconfig.get_platform()"


def cpython_tag() -> str:
    """`cp3XY-cp3XY[d]` of this interpreter (the one the CPython-ABI build targets)."""
    ver = f"{sys.version_info[0]}{sys.version_info[1]}"
    abi = f"cp{ver}"
    if sysconfig.get_config_var("Py_DEBUG"):
        abi += "d"
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        abi += "t"
    return f"cp{ver}-{abi}"


UNIVERSAL_TAG = "py3-none"


# --------------------------------------------------------------------------------------
# archives
# --------------------------------------------------------------------------------------


def _epoch() -> int:
    try:
        return max(int(os.environ["SOURCE_DATE_EPOCH"]), 315532800)  # 1980-01-01: zip's epoch
    except (KeyError, ValueError):
        return int(time.time())


def record_hash(data: bytes) -> str:
    """`sha256=<urlsafe base64, no padding>` as RECORD spells it."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


class WheelWriter:
    """Writes a wheel: files first, then `.dist-info` (METADATA, WHEEL, entry points, licenses),
    RECORD last with the hash and size of every file."""

    def __init__(self, path: Path, dist_info: str) -> None:
        self.path = path
        self.dist_info = dist_info
        self.records: List[Tuple[str, str, int]] = []
        self._zip = zipfile.ZipFile(str(path), "w", compression=zipfile.ZIP_DEFLATED)
        self._date = time.gmtime(_epoch())[:6]

    def add_bytes(self, arcname: str, data: bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(arcname, date_time=self._date)
        info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
        self.records.append((arcname, record_hash(data), len(data)))

    def add_file(self, arcname: str, path: Path) -> None:
        data = path.read_bytes()
        self.add_bytes(arcname, data, executable=os.access(str(path), os.X_OK) or path.suffix in (".so", ".pyd", ".dylib"))

    def add_tree(self, prefix: str, root: Path, skip=None) -> None:
        for dirpath, dirnames, filenames in os.walk(str(root)):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for fn in sorted(filenames):
                p = Path(dirpath) / fn
                if fn.endswith((".pyc", ".pyo")) or (skip and skip(p)):
                    continue
                rel = p.relative_to(root).as_posix()
                self.add_file(f"{prefix}{rel}", p)

    def close(self) -> None:
        record = f"{self.dist_info}/RECORD"
        lines = [f"{name},{digest},{size}" for name, digest, size in self.records]
        lines.append(f"{record},,")
        data = ("\n".join(lines) + "\n").encode("utf-8")
        info = zipfile.ZipInfo(record, date_time=self._date)
        info.external_attr = (0o644 | 0o100000) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self._zip.writestr(info, data)
        self._zip.close()


def wheel_file(tag: str) -> str:
    return f"Wheel-Version: 1.0\nGenerator: hpyrs-build {__version__}\nRoot-Is-Purelib: false\nTag: {tag}\n"


def write_sdist(path: Path, top: str, root: Path, files: List[Path], pkg_info: str) -> None:
    """A `.tar.gz` sdist: `top/PKG-INFO` plus `files` (below `root`) under `top/`."""
    mtime = _epoch()

    def add(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = len(data), mtime, mode
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(data))

    with tarfile.open(str(path), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for f in sorted(files):
            mode = 0o755 if os.access(str(f), os.X_OK) else 0o644
            add(tar, f"{top}/{f.relative_to(root).as_posix()}", f.read_bytes(), mode)
        add(tar, f"{top}/PKG-INFO", pkg_info.encode("utf-8"), 0o644)

