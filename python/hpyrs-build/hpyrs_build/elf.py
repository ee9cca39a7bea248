"""A minimal reader of ELF shared libraries (stdlib only): the dynamic symbols a binary
defines, the libraries it needs and the symbol versions it requires from them.

Used after a build to check the module's init symbol (`HPyInit_<name>` / `PyInit_<name>`) and
to compute an honest manylinux platform tag from the glibc symbol versions. Not an ELF
validator: anything unexpected raises `ElfError`, and callers fall back to what they can say
without it.
"""

from __future__ import annotations

import struct
from typing import Dict, List, NamedTuple, Set

__all__ = ["ElfError", "ElfInfo", "read_elf"]

_SHT_DYNSYM = 11
_SHT_DYNAMIC = 6
_SHT_GNU_VERNEED = 0x6FFFFFFE
_DT_NEEDED = 1
_SHN_UNDEF = 0

# e_machine -> the architecture name used in platform tags.
MACHINES = {3: "i686", 62: "x86_64", 183: "aarch64", 40: "armv7l", 21: "ppc64le", 22: "s390x", 243: "riscv64"}


class ElfError(Exception):
    """The file is not an ELF shared library this reader understands."""


class ElfInfo(NamedTuple):
    """What a shared library exports and needs."""

    machine: str  # "x86_64", ... or "unknown-<e_machine>"
    defined: Set[str]  # defined dynamic symbols
    needed: List[str]  # DT_NEEDED libraries
    versions: Dict[str, List[str]]  # library -> symbol versions required from it (".gnu.version_r")


def _cstr(data: bytes, offset: int) -> str:
    end = data.index(b"\0", offset)
    return data[offset:end].decode("utf-8", "replace")


def read_elf(path) -> ElfInfo:
    """Reads the dynamic symbol table, DT_NEEDED entries and version needs of an ELF file."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return _parse(data)
    except (struct.error, IndexError, ValueError) as e:
        raise ElfError(f"{path}: cannot read its ELF tables ({e})") from None


def _parse(data: bytes) -> ElfInfo:
    if data[:4] != b"\x7fELF":
        raise ElfError("not an ELF file")
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        (e_machine,) = struct.unpack_from(endian + "H", data, 18)
        e_shoff, = struct.unpack_from(endian + "Q", data, 40)
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", data, 58)
        sh_fmt = endian + "IIQQQQIIQQ"
        sym_fmt, sym_size = endian + "IBBHQQ", 24
        dyn_fmt, dyn_size = endian + "qQ", 16
    else:
        (e_machine,) = struct.unpack_from(endian + "H", data, 18)
        e_shoff, = struct.unpack_from(endian + "I", data, 32)
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", data, 46)
        sh_fmt = endian + "IIIIIIIIII"
        sym_fmt, sym_size = endian + "IIIBBH", 16
        dyn_fmt, dyn_size = endian + "iI", 8
    sections = []
    for i in range(e_shnum):
        (name, stype, flags, addr, offset, size, link, info, align, entsize) = struct.unpack_from(
            sh_fmt, data, e_shoff + i * e_shentsize
        )
        sections.append((stype, offset, size, link, entsize))

    defined: Set[str] = set()
    needed: List[str] = []
    versions: Dict[str, List[str]] = {}
    for stype, offset, size, link, entsize in sections:
        strtab = sections[link]
        strings = data[strtab[1] : strtab[1] + strtab[2]]
        if stype == _SHT_DYNSYM:
            for pos in range(offset, offset + size, entsize or sym_size):
                if is64:
                    st_name, st_info, st_other, st_shndx, _, _ = struct.unpack_from(sym_fmt, data, pos)
                else:
                    st_name, _, _, st_info, st_other, st_shndx = struct.unpack_from(sym_fmt, data, pos)
                if st_name and st_shndx != _SHN_UNDEF:
                    defined.add(_cstr(strings, st_name))
        elif stype == _SHT_DYNAMIC:
            for pos in range(offset, offset + size, entsize or dyn_size):
                tag, val = struct.unpack_from(dyn_fmt, data, pos)
                if tag == 0:
                    break
                if tag == _DT_NEEDED:
                    needed.append(_cstr(strings, val))
        elif stype == _SHT_GNU_VERNEED:
            pos = offset
            while True:
                vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from(endian + "HHIII", data, pos)
                lib = _cstr(strings, vn_file)
                aux = pos + vn_aux
                for _ in range(vn_cnt):
                    vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from(endian + "IHHII", data, aux)
                    versions.setdefault(lib, []).append(_cstr(strings, vna_name))
                    if not vna_next:
                        break
                    aux += vna_next
                if not vn_next:
                    break
                pos += vn_next
    return ElfInfo(MACHINES.get(e_machine, f"unknown-{e_machine}"), defined, needed, versions)
