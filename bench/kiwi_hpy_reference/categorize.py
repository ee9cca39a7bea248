"""Where one pattern's instructions go: the exclusive (self) Ir per operation of each function,
from two callgrind dumps of the same loop (N1 and N2 iterations, callgrind_annotate), grouped
into categories so that the HPy reference port and the real kiwisolver can be compared line by
line. Used by kiwi_hpy_reference.py on the `v + w` pattern."""
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

CATEGORIES = [
    ("HPy object creation (HPy_New: ctx_New, _PyObject_GC_New, PyObject_GC_Track)",
     r"^(ctx_New|_PyObject_GC_New|PyObject_GC_Track)$"),
    ("C-API object creation (PyType_GenericAlloc/GenericNew)", r"^(PyType_GenericAlloc|PyType_GenericNew)$"),
    ("malloc + GC link + memset + refcnt init (common to both)",
     r"^(_PyObject_Malloc|PyObject_Malloc|_PyObject_GC_Link|__memset.*|_Py_NewReference)$"),
    ("terms tuple: build (PyTuple_Pack / ctx_Tuple_FromArray + PyTuple_New)",
     r"^(PyTuple_Pack|ctx_Tuple_FromArray|PyTuple_New|tuple_alloc)$"),
    ("HPy dealloc machinery (hpytype_dealloc, tp_traverse, _decref_visitor)",
     r"^(hpytype_dealloc|_decref_visitor|.*_traverse_impl.*)$"),
    ("C-API tp_dealloc of kiwi types (Expression_dealloc, Term_dealloc)",
     r"^.*(Expression_dealloc|Term_dealloc|Variable_dealloc).*$"),
    ("free + GC untrack + tupledealloc + trashcan (common)",
     r"^(PyObject_GC_Del|PyObject_GC_UnTrack|_PyObject_Free|PyObject_Free|tupledealloc|_PyTrash_.*|_Py_Dealloc)$"),
    ("HPy handles & calls (trampoline, CallRealFunction, Close, TypeCheck, Global_Load, Field_*, AsStruct, Dup)",
     r"^(.*_trampoline.*|ctx_CallRealFunctionFromTrampoline|ctx_Close|ctx_TypeCheck|ctx_Global_Load|"
     r"ctx_Field_Store|HPyField_Store.*|ctx_AsStruct.*|ctx_Dup|ctx_Type|ctx_Field_Load)$"),
    ("kiwi code itself (Variable_add / BinaryAdd / *_new ...)", r"^.*(kiwisolver|anonymous namespace).*$"),
    ("interpreter loop, PyNumber_Add, PyType_IsSubtype, ints (common)", r".*"),
]
_DESC = re.compile(r"^desc: Trigger: Client Request: (.*)$", re.M)
_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")
_FILE = re.compile(r"^(/\S*?|\?\?\?|\./\S*?|\S*\.[ch]p*|\S+\.S):(.*)$")


def dumps_by_label(directory: Path) -> Dict[str, Path]:
    """{dump label: file} of a directory of labelled callgrind dumps."""
    files = {}
    for path in directory.glob("cg.out*"):
        label = _DESC.search(path.read_text(errors="replace"))
        if label:
            files[label.group(1).strip()] = path
    return files


def self_costs(path: Path) -> Dict[str, int]:
    """{function: exclusive Ir} of one dump (file names and callgrind's recursion marks dropped)."""
    text = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", "--auto=no", "--context=0",
                           str(path)], capture_output=True, text=True, check=True).stdout
    out: Dict[str, int] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if m and "PROGRAM TOTALS" not in line and not re.search(r"x\) \[|\(\d[\d,]*x\)", line):
            fn = m.group(2).split(" [")[0].strip()
            fm = _FILE.match(fn)
            fn = re.sub(r"'\d+$", "", fm.group(2) if fm else fn)
            out[fn] = out.get(fn, 0) + int(m.group(1).replace(",", ""))
    return out


def breakdown(files: Dict[str, Path], pattern: str, key: str, n1: int, n2: int) -> Tuple[Dict[str, float], List, float]:
    """(Ir per op by category, [(Ir, function, category)] of functions >= 3 Ir, total Ir per op)."""
    a, b = (self_costs(files[f"{pattern}|{key}|{n}"]) for n in (n1, n2))
    per = {fn: (b.get(fn, 0) - a.get(fn, 0)) / (n2 - n1) for fn in set(a) | set(b)}
    by_cat: Dict[str, float] = {}
    members = []
    for fn, ir in per.items():
        name = next(name for name, rx in CATEGORIES if re.match(rx, fn))
        by_cat[name] = by_cat.get(name, 0.0) + ir
        if abs(ir) >= 3:
            members.append((ir, fn, name))
    return by_cat, sorted(members, reverse=True), sum(per.values())


def markdown(pattern: str, results: Dict[str, Tuple[Dict[str, float], List, float]]) -> str:
    keys = list(results)
    lines = [f"| category | {' | '.join(keys)} |", "|---|" + "---:|" * len(keys)]
    for name, _ in CATEGORIES:
        lines.append(f"| {name} | " + " | ".join(f"{results[k][0].get(name, 0):.0f}" for k in keys) + " |")
    lines.append("| **total (incl. the bare loop)** | " + " | ".join(f"{results[k][2]:.0f}" for k in keys) + " |")
    for k in keys:
        lines.append(f"\nFunctions of `{pattern}` in {k} (>= 3 Ir per op): "
                     + ", ".join(f"{fn[:60]} {ir:.0f}" for ir, fn, _ in results[k][1]))
    return "\n".join(lines)
