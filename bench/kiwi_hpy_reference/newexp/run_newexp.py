"""Callgrind Ir per call of creating + storing one field + destroying one small GC object:
HPy_New and HPyType_GenericNew (universal and CPython ABI, newexp.c) against the C API's
tp_alloc + own tp_dealloc (capiexp.c), plus a no-op call of each, to net out the call itself.

    valgrind --tool=callgrind --instr-atstart=no python run_newexp.py LIBCGCLIENT UNIV_SO CPY_SO CAPI_SO

Dumps are labelled `<abi>|<function>|<n>` for n in (N1, N2); the caller takes the difference."""
import ctypes
import gc
import importlib.util
import os
import sys

from hpy.universal import _load_bootstrap

N1, N2 = 2000, 12000
cg = ctypes.CDLL(sys.argv[1])
cg.cg_dump.argtypes = [ctypes.c_char_p]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


spec = importlib.util.spec_from_file_location("newexp_u", sys.argv[2])
univ = _load_bootstrap("newexp", "newexp_u", None, sys.argv[2], None, spec, os.environ)
cpy, capi = load("newexp", sys.argv[3]), load("capiexp", sys.argv[4])
cases = [("capi", "via_alloc", capi.via_alloc), ("capi", "noop", capi.noop)]
cases += [(abi, name, getattr(m, name)) for abi, m in (("univ", univ), ("cpy", cpy))
          for name in ("via_new", "via_generic", "noop")]


def make(f):
    def run(n):
        for _ in range(n // 100):
            for _ in range(100):
                f(None)
    return run


for _, _, f in cases:
    assert type(f(None)).__name__ in ("Foo", "NoneType")
cg.cg_start()
for abi, name, f in cases:
    run = make(f)
    run(N2)
    for n in (N1, N2):
        gc.collect()
        cg.cg_zero()
        run(n)
        cg.cg_dump(f"{abi}|{name}|{n}".encode())
