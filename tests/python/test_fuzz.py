"""Property-based fuzzing of every example: bad input never kills the interpreter (issue 10).

hypothesis (pinned by tools/setup_env.sh) is the standard property-based testing tool for
Python: it shrinks a failing input to a minimal one and replays a run exactly from a seed.

For each example crate under examples/ (found the way hpyrs_testing builds them: every
directory with a Cargo.toml, so a new example is fuzzed without editing this file), a child
process loads the example in every mode of this interpreter (cpython, universal, debug; or
pypy, pypy-debug) and throws hostile values (fuzz_strategies.py) at:

* every public module-level callable (positional and keyword arguments);
* every public class: its constructor, its methods and properties on an instance (built with
  arguments found to work, or by a fuzzed constructor call), its methods called unbound with a
  random `self`, and the protocols through operators and builtins (len, iteration, indexing,
  arithmetic, comparisons, hash, repr, call, buffer...), a few steps in a row on one instance.

A discovery process first lists the targets and probes each callable (with Nones, then one
value of each kind) for its number of positional arguments and the kind of value each accepts,
so that most inputs get past argument conversion; every target then gets its own hypothesis run
with its share of the inputs. Every input is built afresh and run in each mode in turn. Pass means:

* no process dies: the child logs each input before running it, so a crash (abort, signal,
  exhausted memory) is reported with the input and the mode that killed it. (PyPy's debug mode
  runs in a server process that a known PyPy bug may kill, pypy_known_bugs.REENTRANT_DEBUG: such
  an input is counted and not compared; any other death fails);
* no `SystemError` but the documented one of a Rust panic ("Rust panic in f(): message", made by
  `PyErr::from_panic`); "returned a result with an exception set" is a SystemError too, and on
  CPython an exception left set behind a successful result is caught after every call;
* the modes agree: the same input gives the same outcome (the same canonical repr of the result,
  or the same exception type and message) in every mode;
* in debug modes, no handle leaks (hpy.debug.LeakDetector around each input) and no invalid
  handle is used.

Bounded and reproducible: HPYRS_FUZZ_EXAMPLES inputs per mode in total (default 2,000, shared by
the examples in proportion to what they expose), hypothesis derandomized (a fixed seed) with no
example database; HPYRS_FUZZ_SEED=N explores another fixed sequence; HPYRS_FUZZ_FORK=all runs
each input in a forked child (a crash becomes a failing example that hypothesis shrinks);
HPYRS_FUZZ_TIMEOUT (default 900 s) bounds each example's child. The child's address space is
limited to 1.5 GB above its size, so a huge allocation fails quickly. The session summary gives,
for each example, the targets, the inputs, the seconds spent in each mode, and the panics seen.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import hpyrs_testing

HERE = Path(__file__).resolve().parent
FUZZ_SECTION = "hpy-rs: fuzz (inputs per mode, seconds per mode)"

# ---------------------------------------------------------------------------------------------
# What is not fuzzed, and why. Keys are "<example>.<name>" or "<example>.<Class>.<member>".

# Never called: fuzzing them would block, end the process by design, or exhaust the machine.
EXCLUDED: Dict[str, str] = {
    "tour.rendezvous": "waits (with the interpreter released) for `parties` threads on a barrier, up to "
    "`timeout` seconds: a random timeout of 1e308 blocks the run",
}
# Besides: any name containing "fatal" (HPy_FatalError ends the process by design).
EXCLUDED_SUBSTRINGS = ("fatal",)


def excluded(qualname: str) -> Optional[str]:
    if qualname in EXCLUDED:
        return EXCLUDED[qualname]
    for part in EXCLUDED_SUBSTRINGS:
        if part in qualname.lower():
            return f"contains {part!r}: ends the process by design"
    return None


def _int_over(limit: int):
    return lambda v: isinstance(v, int) and abs(v) > limit


# Called, except with arguments that make them run for minutes or eat the machine legitimately
# (CPython itself would): predicate(args, kwargs) -> True to skip the call.
def _apply_skips(args, kwargs) -> bool:
    # apply(callback, value, times) calls callback `times` (up to 2**32-1) times: only the
    # fuzzer's GivingUpCallable stops such a loop early.
    import fuzz_strategies as fs

    times = kwargs.get("times", args[2] if len(args) > 2 else 1)
    callback = kwargs.get("callback", args[0] if args else None)
    return callable(callback) and not isinstance(callback, fs.GivingUpCallable) and _int_over(1000)(times)


def _arithmetic_skips(args, kwargs) -> bool:
    # arithmetic(a, b) computes a ** b (and a << b is not among them): 2 ** 2**64 never ends.
    return len(args) > 1 and (_int_over(4096)(args[1]) or isinstance(args[1], float) and abs(args[1]) > 4096)


ARG_SKIPS = {
    "quickstart.apply": _apply_skips,
    "tour.arithmetic": _arithmetic_skips,
}

# Results that depend on the process's history (GC timing, object addresses) or on the ABI, not
# on the input: the modes are compared on the outcome's kind (result or exception type) only.
HISTORY_DEPENDENT = {
    "containers.has_c_api": "whether PyObject* exchange is compiled in: True in the CPython ABI only",
    "shapes.tracked_counts": "counts finalized/dropped Tracked objects: depends on when the GC ran",
    "shapes.drop_counts": "counts dropped Shape/Probe objects: depends on when the GC ran",
    "shapes.recall": "returns what an earlier input gave remember() (a forked mode forgets it)",
    "tour.hash_of": "hash(obj) of an object hashed by identity depends on its address",
    "op:hash": "hash(obj) of an object hashed by identity depends on its address",
    "slots.misc_counts": "counts tp_new/tp_finalize/tp_destroy calls of Misc: depends on when the GC ran",
    "objects.static_address": "the address of a Rust static: each mode loads its own binary",
}

# Findings not fixed yet: a SystemError (message prefix) that one target is known to raise,
# tolerated there only, with the reason. Remove an entry once its target is fixed.
KNOWN_SYSTEM_ERRORS = {}
# Members that read a raw field as an int, as CPython's own do (functools.partial(print).__vectorcalloffset__
# is the address of its vectorcall function): addresses, different in each mode.
ADDRESS_MEMBERS = {"__vectorcalloffset__", "__dictoffset__", "__weaklistoffset__"}


def history_dependent(qual: str) -> bool:
    return qual in HISTORY_DEPENDENT or qual.rsplit(".", 1)[-1] in ADDRESS_MEMBERS

def known_death(mode: Optional[str], stderr: str) -> Optional[str]:
    """The known interpreter bug (pypy_known_bugs.py) that killed a forked child, or None."""
    if hpyrs_testing.IS_PYPY and mode == "pypy-debug" and "Wrong HPy Context!" in stderr:
        import pypy_known_bugs

        return pypy_known_bugs.REENTRANT_DEBUG
    return None


# The documented SystemError: a Rust panic caught at the boundary (hpy/src/err.rs,
# PyErr::from_panic): "Rust panic in <function>(): <panic message>".
PANIC_MESSAGE = re.compile(r"^Rust panic in [^\s()]+\(\): ")

# Class members that are not part of the class's own API (or are covered otherwise).
SKIP_MEMBERS = {
    "__new__", "__doc__", "__module__", "__dict__", "__weakref__", "__qualname__", "__name__",
    "__slots__", "__init_subclass__", "__subclasshook__", "__class_getitem__", "__text_signature__",
}

# Constructor arguments tried (as recipes) to find a working instance of each class.
CANDIDATE_ARGS = [
    (), (1,), (3,), (0,), (1.5,), ("a",), ([1, 2, 3],), ([1.0, 2.0],), (1, 2), (1.0, 2.0), ("X", (), {}), ("a", 1),
]


def example_names() -> List[str]:
    """Every example crate, as hpyrs_testing.build_example finds them."""
    return sorted(p.name for p in hpyrs_testing.EXAMPLES_DIR.iterdir() if (p / "Cargo.toml").is_file())


# =============================================================================================
# The child process: fuzzes one example in every mode of this interpreter.
# =============================================================================================


def build_literal(r: tuple) -> Any:
    """The value of a `literal()` recipe."""
    import fuzz_strategies as fs

    return fs.Builder(lambda r: None).build(r)


def literal(v: Any) -> tuple:
    """The recipe of a plain literal value."""
    if v is None:
        return ("none",)
    if isinstance(v, bool):
        return ("bool", v)
    for kind in ("int", "float", "str", "bytes"):
        if type(v).__name__ == kind:
            return (kind, v)
    if isinstance(v, list):
        return ("list", tuple(literal(x) for x in v))
    if isinstance(v, tuple):
        return ("tuple", tuple(literal(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple((literal(k), literal(x)) for k, x in v.items()))
    raise TypeError(v)


def param_names(obj: Any) -> Tuple[Optional[int], List[str]]:
    """(number of parameters, names) from a docstring's first line `name(a, b=1, *args)`."""
    doc = getattr(obj, "__doc__", None) or ""
    m = re.match(r"\s*[\w.]+\(([^)]*)\)", doc)
    if not m:
        return None, []
    names = [re.sub(r"[=:].*", "", p).strip(" *") for p in m.group(1).split(",") if p.strip()]
    names = [n for n in names if n.isidentifier()]
    return len(names), names


_ARITY_ERROR = re.compile(
    r"takes (exactly|at most|at least|no) |\(\d+ given\)|missing required|positional argument|arguments? given"
)


def probe_arity(fn: Any, known: Tuple[Optional[int], List[str]]) -> Tuple[Optional[int], List[str]]:
    """The smallest number of positional arguments `fn` accepts, found by calling it with Nones
    when its docstring does not say (hpy-rs's messages are CPython's: "takes exactly one
    argument (0 given)")."""
    if known[0] is not None:
        return known
    for n in range(6):
        try:
            fn(*[None] * n)
        except TypeError as e:
            if _ARITY_ERROR.search(str(e)):
                continue
        except BaseException:
            pass
        return n, known[1]
    return None, known[1]


def _argument_ref(e: BaseException) -> str:
    """Which argument an error is about ("argument 'b': expected int, got 'str'"), or the error."""
    m = re.search(r"argument '([^']*)'|argument (\d+)", str(e))
    if m:
        return m.group(0)
    return type(e).__name__ + re.sub(r"'[^']*'|\S+ object", "", str(e))[:60]


def probe_kinds(fn: Any, count: Optional[int]) -> Optional[List[Optional[str]]]:
    """For each positional parameter, the first kind of fuzz_strategies.KIND_PROBES it accepts
    (None: anything, or nothing found), found left to right by calling `fn`: a kind is accepted
    when the error no longer names that argument as an `object()` there makes it."""
    import fuzz_strategies as fs

    if not count:
        return None
    build = fs.Builder(lambda r: None).build
    args: List[Any] = [build(fs.KIND_PROBES[0][1])] * count
    kinds: List[Optional[str]] = [None] * count

    def ref(values) -> Optional[str]:
        try:
            fn(*values)
        except BaseException as e:
            return _argument_ref(e)
        return None

    for i in range(count):
        refused = ref(args[:i] + [object()] + args[i + 1 :])
        if refused is None:  # anything goes here
            continue
        for kind, recipe in fs.KIND_PROBES:
            value = build(recipe)
            if ref(args[:i] + [value] + args[i + 1 :]) != refused:
                args[i], kinds[i] = value, kind
                break
    return kinds


def probe(fn: Any, known: Tuple[Optional[int], List[str]]) -> Tuple[Optional[int], List[str], Optional[List[Optional[str]]]]:
    count, names = probe_arity(fn, known)
    try:
        kinds = probe_kinds(fn, count)
    except BaseException:
        kinds = None
    return count, names, kinds


class Plan:
    """What one example exposes: its functions and classes, with the members of each class and
    constructor arguments that work."""

    def __init__(self, example: str, module: Any) -> None:
        self.example = example
        self.functions: Dict[str, Tuple[Optional[int], List[str]]] = {}
        self.classes: Dict[str, dict] = {}
        self.excluded: Dict[str, str] = {}
        for name in sorted(dir(module)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            qual = f"{example}.{name}"
            why = excluded(qual)
            if why:
                self.excluded[qual] = why
                continue
            if isinstance(obj, type):
                self.classes[name] = self._class(qual, obj)
            elif callable(obj):
                self.functions[name] = probe(obj, param_names(obj))

    def _class(self, qual: str, cls: type) -> dict:
        methods: Dict[str, Tuple[Optional[int], List[str]]] = {}
        attrs: List[str] = []
        for klass in cls.__mro__:
            if klass is object or klass.__module__ in ("builtins",):
                continue
            for name, value in vars(klass).items():
                if name in SKIP_MEMBERS or name in methods or name in attrs:
                    continue
                why = excluded(f"{qual}.{name}")
                if why:
                    self.excluded[f"{qual}.{name}"] = why
                    continue
                kind = type(value).__name__
                if kind in ("getset_descriptor", "member_descriptor", "property"):
                    attrs.append(name)
                elif callable(value) or isinstance(value, (staticmethod, classmethod)):
                    methods[name] = param_names(value)
                else:
                    attrs.append(name)
        good = []
        for args in CANDIDATE_ARGS:
            try:
                cls(*args)
            except Exception:
                continue
            good.append(tuple(literal(a) for a in args))
            if len(good) == 2:
                break
        if good:
            args = [build_literal(a) for a in good[0]]
            for m in list(methods):
                if m not in ("__del__", "__init__"):  # probed on a throwaway instance
                    try:
                        methods[m] = probe(getattr(cls(*args), m), methods[m])
                    except Exception:
                        pass
        return {"methods": methods, "attrs": sorted(attrs), "good": good, "params": probe(cls, param_names(cls))}

    def targets(self) -> List[str]:
        out = [f"{self.example}.{f}()" for f in self.functions]
        for c, info in self.classes.items():
            out.append(f"{self.example}.{c}()")
            out += [f"{self.example}.{c}.{m}()" for m in info["methods"]]
            out += [f"{self.example}.{c}.{a}" for a in info["attrs"]]
        return out

    def weight(self) -> int:
        return 3 * len(self.functions) + sum(3 + len(i["methods"]) + len(i["attrs"]) for i in self.classes.values())


# The operators and builtins applied to an instance `x` (`y`, `z`: fuzzed values).
def _op_iadd(x, y, z):
    x += y
    return x


def _op_imul(x, y, z):
    x *= y
    return x


def _op_setitem(x, y, z):
    x[y] = z


def _op_delitem(x, y, z):
    del x[y]


def _op_memoryview(x, y, z):
    with memoryview(x) as view:
        return (view.format, view.shape, view.tolist())


OPS = {
    "len": lambda x, y, z: len(x),
    "iter": lambda x, y, z: list(itertools.islice(iter(x), 64)),
    "next": lambda x, y, z: next(x),
    "getitem": lambda x, y, z: x[y],
    "setitem": _op_setitem,
    "delitem": _op_delitem,
    "contains": lambda x, y, z: y in x,
    "add": lambda x, y, z: x + y,
    "radd": lambda x, y, z: y + x,
    "sub": lambda x, y, z: x - y,
    "rsub": lambda x, y, z: y - x,
    "mul": lambda x, y, z: x * y,
    "rmul": lambda x, y, z: y * x,
    "truediv": lambda x, y, z: x / y,
    "floordiv": lambda x, y, z: x // y,
    "mod": lambda x, y, z: x % y,
    "divmod": lambda x, y, z: divmod(x, y),
    "pow": lambda x, y, z: x**y,
    "rpow": lambda x, y, z: y**x,
    "matmul": lambda x, y, z: x @ y,
    "and": lambda x, y, z: x & y,
    "or": lambda x, y, z: x | y,
    "xor": lambda x, y, z: x ^ y,
    "lshift": lambda x, y, z: x << y,
    "rshift": lambda x, y, z: x >> y,
    "iadd": _op_iadd,
    "imul": _op_imul,
    "neg": lambda x, y, z: -x,
    "pos": lambda x, y, z: +x,
    "abs": lambda x, y, z: abs(x),
    "invert": lambda x, y, z: ~x,
    "int": lambda x, y, z: int(x),
    "float": lambda x, y, z: float(x),
    "index": lambda x, y, z: x.__index__() if hasattr(x, "__index__") else [0][x],
    "bool": lambda x, y, z: bool(x),
    "hash": lambda x, y, z: hash(x),
    "repr": lambda x, y, z: repr(x),
    "str": lambda x, y, z: str(x),
    "eq": lambda x, y, z: x == y,
    "ne": lambda x, y, z: x != y,
    "lt": lambda x, y, z: x < y,
    "le": lambda x, y, z: x <= y,
    "gt": lambda x, y, z: x > y,
    "ge": lambda x, y, z: x >= y,
    "call": lambda x, y, z: x(y),
    "call2": lambda x, y, z: x(y, z),
    "memoryview": _op_memoryview,
    "getattr": lambda x, y, z: getattr(x, y),
    "setattr": lambda x, y, z: setattr(x, y, z),
}


def _op_skip(op: str, x: Any, y: Any) -> Optional[str]:
    """Why an operation is not run on these operands (deterministic, the same in every mode)."""
    if op in ("pow", "rpow", "lshift") and (_int_over(4096)(y) or isinstance(y, float) and abs(y) > 4096):
        return "huge exponent/shift: unbounded time in CPython's own int arithmetic"
    if op == "contains" and not hasattr(type(x), "__contains__"):
        # `in` falls back to iterating x, which may never end (Countdown(2**63))
        return "no __contains__"
    if op in ("mul", "rmul", "imul") and isinstance(x, (str, bytes, list, tuple)) and _int_over(1 << 16)(y):
        return "a builtin sequence repeated a huge number of times"
    return None


_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


def scrub(text: str) -> str:
    text = _ADDRESS.sub("0x?", text)
    return text if len(text) <= 400 else text[:400] + f"...({len(text)} chars)"


def canon(x: Any, depth: int = 0) -> str:
    """A mode-independent description of a result: dicts and sets sorted (a Rust HashMap/HashSet
    orders them randomly), addresses scrubbed."""
    if depth > 12:
        return "..."
    t = type(x)
    prefix = "" if t in (list, tuple, dict, set, frozenset) else t.__name__
    try:
        if isinstance(x, (list, tuple)) and len(x) < 10_000:
            return f"{prefix}{t.__name__[0]}[" + ", ".join(canon(v, depth + 1) for v in x) + "]"
        if isinstance(x, dict) and len(x) < 10_000:
            items = sorted(f"{canon(k, depth + 1)}: {canon(v, depth + 1)}" for k, v in list(x.items()))
            return prefix + "{" + ", ".join(items) + "}"
        if isinstance(x, (set, frozenset)) and len(x) < 10_000:
            return f"{prefix}{t.__name__}{{" + ", ".join(sorted(canon(v, depth + 1) for v in list(x))) + "}"
        return scrub(repr(x))
    except BaseException as e:  # a hostile __repr__, __len__...
        return f"<{t.__name__}: repr raised {type(e).__name__}: {scrub(str(e))}>"


def exc_name(e: BaseException) -> str:
    t = type(e)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


class ModeServer:
    """One mode of an example run in a server process (`test_fuzz.py --serve`), for a mode that
    a known interpreter bug may kill (PyPy's debug mode aborts a re-entrant call,
    pypy_known_bugs.REENTRANT_DEBUG): the death ends the server, not the run, and the next
    input starts a new one. Cheaper than forking for each input (about 50 ms on PyPy)."""

    def __init__(self, example: str, mode: str, classes: dict, stderr_path: str) -> None:
        self.example, self.mode, self.classes, self.stderr_path = example, mode, classes, stderr_path
        self.proc: Optional[subprocess.Popen] = None

    def _send(self, obj: Any) -> None:
        import pickle

        data = pickle.dumps(obj)
        self.proc.stdin.write(len(data).to_bytes(8, "little") + data)
        self.proc.stdin.flush()

    def run(self, inp: tuple) -> Tuple[Optional[dict], Optional[str], str]:
        """(result, how the server died or None, the server's stderr for this input)."""
        if self.proc is None:
            self.err = open(self.stderr_path, "ab")
            self.proc = subprocess.Popen(
                [sys.executable, __file__, "--serve", self.example, self.mode],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err, env=_child_env(),
            )
            self._send(self.classes)
        start = os.path.getsize(self.stderr_path)
        line = b""
        try:
            self._send(inp)
            line = self.proc.stdout.readline()
        except BrokenPipeError:
            pass
        if line:
            return json.loads(line), None, ""
        code = self.proc.wait()
        self.proc = None
        with open(self.stderr_path, "rb") as f:
            f.seek(start)
            stderr = f.read().decode(errors="replace")
        how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return None, how, stderr

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait()
            self.proc = None


def serve(example: str, mode: str) -> int:
    """The server side of ModeServer: runs each input it reads in `mode`."""
    import pickle

    stdin = sys.stdin.buffer
    # The protocol gets its own copy of fd 1; what the code under test prints (kiwisolver's
    # `Solver.dump()`, from Python or from native code) goes to stderr instead of into it.
    sys.stdout.flush()
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def receive():
        header = stdin.read(8)
        return pickle.loads(stdin.read(int.from_bytes(header, "little"))) if header else None

    child = Child(example, os.devnull, modes=[mode], classes=receive())
    _limit_memory()
    while True:
        inp = receive()
        if inp is None:
            return 0
        child.panics, child.returned, child.skipped = {}, {}, 0
        result = child.run_one_mode(mode, inp)
        result.update(mode=mode, panics=child.panics, returned=child.returned, skipped=child.skipped)
        stdout.write((json.dumps(result) + "\n").encode())
        stdout.flush()


class Child:
    def __init__(
        self,
        example: str,
        log_path: str,
        modes: Optional[List[str]] = None,
        classes: Optional[dict] = None,
        plan: Optional[Plan] = None,
    ) -> None:
        import fuzz_strategies as fs

        self.fs = fs
        self.example = example
        self.modes = list(modes or hpyrs_testing.MODES)
        self.modules = {mode: hpyrs_testing.load_module(example, mode) for mode in self.modes}
        if plan is not None:
            self.plan = plan
        elif classes is None:
            self.plan = Plan(example, self.modules[self.modes[0]])
        else:  # a ModeServer's: the instances are made with the arguments its client found
            self.plan = object.__new__(Plan)
            self.plan.example, self.plan.functions, self.plan.classes, self.plan.excluded = example, {}, classes, {}
        self.log = open(log_path, "w", encoding="ascii", errors="backslashreplace", buffering=1)
        self.seconds = {mode: 0.0 for mode in self.modes}
        self.inputs = 0
        self.panics: Dict[str, str] = {}
        self.skipped = 0
        self.returned: Dict[str, int] = {}  # target -> calls that returned a result
        self.known_deaths: Dict[str, int] = {}  # known interpreter bug -> inputs it killed
        self.known_system_errors = 0  # KNOWN_SYSTEM_ERRORS seen
        # The modes each input runs in a forked child: those a known interpreter bug may kill
        # (PyPy's debug mode, pypy_known_bugs.REENTRANT_DEBUG), or all with HPYRS_FUZZ_FORK=all
        # (a crash is then a failing example that hypothesis shrinks; about 10 ms per input
        # on CPython, 50 on PyPy). The other modes run in this process, which logs each input
        # and mode first, so that the test reports the input that killed it.
        fork = os.environ.get("HPYRS_FUZZ_FORK", "known")
        self.forked_modes = [m for m in self.modes if hasattr(os, "fork") and fork == "all"]
        self.servers = {
            m: ModeServer(example, m, self.plan.classes, log_path + f".{m}.stderr")
            for m in self.modes
            if m == "pypy-debug" and fork == "known" and modes is None
        }
        self.invalid_handles = 0
        self.check_pending = None
        if not hpyrs_testing.IS_PYPY:
            import ctypes

            # A PyDLL call checks PyErr_Occurred() afterwards: it raises an exception that a
            # call left set behind a successful result.
            self.check_pending = ctypes.pythonapi.Py_IsInitialized
        if any(hpyrs_testing.is_debug(m) for m in self.modes):
            from hpy.universal import _debug

            def on_invalid_handle():
                self.invalid_handles += 1

            _debug.set_on_invalid_handle(on_invalid_handle)
            _debug.set_on_invalid_builder_handle(on_invalid_handle)

    # ---- strategies --------------------------------------------------------------------
    def strategy(self):
        from hypothesis import strategies as st

        fs = self.fs
        plan = self.plan
        instances = [("instance", c, i) for c, info in plan.classes.items() for i in range(len(info["good"]))]
        vals = fs.values(instances)

        def call_args(params):
            count, names = params[:2]
            kinds = params[2] if len(params) > 2 else None
            if count is None:
                args = st.lists(vals, max_size=4).map(tuple)
            else:  # mostly as many as the signature has, so that calls get past the argument count
                exact = st.lists(vals, min_size=count, max_size=count).map(tuple)
                if kinds:  # and mostly of the kinds the parameters accept
                    exact = st.tuples(*[fs.typed(k, vals) if k else vals for k in kinds])
                args = st.one_of(exact, exact, exact, st.lists(vals, max_size=count + 1).map(tuple))
            kwnames = names + ["\ud800", "x"]
            kwargs = st.lists(st.tuples(st.sampled_from(kwnames), vals), min_size=1, max_size=2).map(
                lambda kv: tuple({k: v for k, v in kv}.items())
            )
            kwargs = st.one_of(st.just(()), st.just(()), st.just(()), kwargs)  # mostly none
            return st.tuples(args, kwargs)

        # One hypothesis run per target, each with its share of the inputs: a single run choosing
        # among all targets visits some of them never (its choices are far from uniform).
        targets = []  # (label, strategy of inputs, weight)
        for name, params in plan.functions.items():
            # a few calls in a row (a function may keep state between calls)
            calls = st.lists(call_args(params), min_size=1, max_size=8).map(tuple)
            targets.append((f"{name}()", st.tuples(st.just("call"), st.just(name), calls), 1))
        for cname, info in plan.classes.items():
            members = {"()": (1, st.tuples(st.just("new"), call_args(info["params"])))}
            for m, params in info["methods"].items():
                members[f".{m}()"] = (1, st.tuples(st.just("method"), st.just(m), call_args(params)))
                members[f".{m} unbound"] = (1, st.tuples(st.just("unbound"), st.just(m), call_args((4, []))))
            for a in info["attrs"]:
                members[f".{a}"] = (1, st.tuples(st.sampled_from(["get", "set", "del"]), st.just(a), vals))
            members[" operators"] = (4, st.tuples(st.just("op"), st.sampled_from(sorted(OPS)), vals, vals))
            any_step = st.one_of(*[strategy for _, strategy in members.values()])
            starts = [("none",)] + [("instance", cname, i) for i in range(len(info["good"]))]
            for label, (weight, focus) in members.items():
                # the member under test, between a few other steps on the same instance
                steps = st.tuples(st.lists(any_step, max_size=2), focus, st.lists(any_step, max_size=2)).map(
                    lambda t: tuple(t[0]) + (t[1],) + tuple(t[2])
                )
                targets.append(
                    (f"{cname}{label}", st.tuples(st.just("class"), st.just(cname), st.sampled_from(starts), steps), weight)
                )
        return targets

    # ---- running -----------------------------------------------------------------------
    def make_instance(self, mode: str, builder, r: tuple):
        cls = getattr(self.modules[mode], r[1])
        args = [builder.build(a) for a in self.plan.classes[r[1]]["good"][r[2]]]
        return cls(*args)

    def outcome(self, qual: str, thunk) -> tuple:
        try:
            result = thunk()
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt):
                raise
            outcome = ("raise", exc_name(e), scrub(str(e)))
            if isinstance(e, SystemError) and PANIC_MESSAGE.match(str(e)):
                self.panics.setdefault(qual, str(e))
            return outcome
        self.returned[qual] = self.returned.get(qual, 0) + 1
        if self.check_pending is not None:
            try:
                self.check_pending()
            except BaseException as e:
                return ("LEFT AN EXCEPTION SET", exc_name(e), scrub(str(e)))
        if history_dependent(qual):
            return ("ok",)
        return ("ok", canon(result))

    def run_mode(self, mode: str, inp: tuple) -> List[tuple]:
        fs = self.fs
        module = self.modules[mode]
        builder = fs.Builder(lambda r: self.make_instance(mode, builder, r))
        out: List[tuple] = []

        def build_call(spec):
            args, kwargs = spec
            return [builder.build(a) for a in args], {k: builder.build(v) for k, v in kwargs}

        if inp[0] == "call":
            name = inp[1]
            qual = f"{self.example}.{name}"
            fn = getattr(module, name, None)
            if fn is None:  # e.g. a function of the CPython-ABI build only
                return [("absent",)]
            for i, spec in enumerate(inp[2]):
                self.log.write(f"S {mode} call {i}\n")
                args, kwargs = build_call(spec)
                builder.arm()
                skip = ARG_SKIPS.get(qual)
                if skip is not None and skip(args, kwargs):
                    self.skipped += 1
                    out.append(("skipped",))
                    continue
                out.append(self.outcome(qual, lambda: fn(*args, **kwargs)))
            return out
        _, cname, start, steps = inp
        cls = getattr(module, cname, None)
        if cls is None:
            return [("absent",)]
        qual_cls = f"{self.example}.{cname}"
        current = None
        if start[0] == "instance":
            try:
                current = builder.build(start)
            except BaseException as e:
                out.append(("start raised", exc_name(e), scrub(str(e))))
        for i, step in enumerate(steps):
            self.log.write(f"S {mode} step {i}\n")
            kind = step[0]
            if kind == "new":
                args, kwargs = build_call(step[1])
                builder.arm()
                box: List[Any] = []
                o = self.outcome(f"{qual_cls}()", lambda: box.append(cls(*args, **kwargs)) or box[0])
                if box:
                    current = box[0]
                out.append(o)
            elif kind == "unbound":
                args, kwargs = build_call(step[2])
                builder.arm()
                out.append(self.outcome(f"{qual_cls}.{step[1]}", lambda: getattr(cls, step[1])(*args, **kwargs)))
            elif current is None:
                out.append(("no instance",))
            elif kind == "method":
                args, kwargs = build_call(step[2])
                builder.arm()
                out.append(self.outcome(f"{qual_cls}.{step[1]}", lambda: getattr(current, step[1])(*args, **kwargs)))
            elif kind in ("get", "set", "del"):
                value = builder.build(step[2])
                builder.arm()
                action = {
                    "get": lambda: getattr(current, step[1]),
                    "set": lambda: setattr(current, step[1], value),
                    "del": lambda: delattr(current, step[1]),
                }[kind]
                out.append(self.outcome(f"{qual_cls}.{step[1]}", action))
            elif kind == "op":
                op = step[1]
                y, z = builder.build(step[2]), builder.build(step[3])
                builder.arm()
                why = _op_skip(op, current, y)
                if why:
                    out.append(("skipped", why))
                    continue
                x = current
                o = self.outcome(f"op:{op}", lambda: OPS[op](x, y, z))
                out.append(o)
            else:
                raise AssertionError(step)
        return out

    def run_one_mode(self, mode: str, inp: tuple) -> dict:
        """Runs the input in one mode: {"outcomes", "problems", "seconds"}."""
        problems = []
        start = time.perf_counter()
        if hpyrs_testing.is_debug(mode):
            from hpy.debug import HPyLeakError, LeakDetector

            invalid = self.invalid_handles
            detector = LeakDetector()
            detector.start()
            try:
                outcomes = self.run_mode(mode, inp)
            finally:
                try:
                    detector.stop()
                except HPyLeakError as e:
                    problems.append(f"{mode}: leaked handles: {e}")
            if self.invalid_handles != invalid:
                problems.append(f"{mode}: {self.invalid_handles - invalid} use(s) of an invalid handle")
        else:
            outcomes = self.run_mode(mode, inp)
        for o in outcomes:
            if o[0] == "raise" and o[1] == "SystemError" and not PANIC_MESSAGE.match(o[2]):
                if f"{self.example}.{inp[1]}" in KNOWN_SYSTEM_ERRORS and o[2].startswith(
                    KNOWN_SYSTEM_ERRORS[f"{self.example}.{inp[1]}"][0]
                ):
                    self.known_system_errors += 1
                    continue
                problems.append(f"{mode}: SystemError other than a Rust panic: {o[2]}")
            if o[0] == "LEFT AN EXCEPTION SET":
                problems.append(f"{mode}: a successful call left an exception set: {o[1]}: {o[2]}")
        # through JSON, as from a forked child
        return json.loads(json.dumps({"outcomes": outcomes, "problems": problems, "seconds": time.perf_counter() - start}))

    def run_forked(self, inp: tuple, modes: List[str]) -> Tuple[Dict[str, dict], Optional[str], Optional[str], str]:
        """Runs the input in every mode in a forked child, so that its death is an ordinary
        failure (which hypothesis then shrinks) and no input sees what an earlier one left
        in the modules. Returns (results per mode, the mode running when the child died or
        None, how it died, its stderr)."""
        import tempfile

        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                status = 0
                try:
                    os.dup2(err.fileno(), 2)
                    self.panics, self.returned, self.skipped = {}, {}, 0  # this input's only
                    for mode in modes:
                        os.write(out.fileno(), (json.dumps({"start": mode}) + "\n").encode())
                        result = self.run_one_mode(mode, inp)
                        result.update(mode=mode, panics=self.panics, returned=self.returned, skipped=self.skipped)
                        os.write(out.fileno(), (json.dumps(result) + "\n").encode())
                except BaseException:
                    import traceback

                    traceback.print_exc()
                    status = 3
                finally:
                    os._exit(status)
            _, status = os.waitpid(pid, 0)
            out.seek(0)
            results: Dict[str, dict] = {}
            running = None
            for line in out.read().decode().splitlines():
                record = json.loads(line)
                if "start" in record:
                    running = record["start"]
                else:
                    results[record["mode"]] = record
                    running = None
            err.seek(0)
            stderr = err.read().decode(errors="replace")
        if os.WIFSIGNALED(status):
            how = f"was killed by signal {os.WTERMSIG(status)}"
        elif os.WEXITSTATUS(status) != 0:
            how = f"exited with status {os.WEXITSTATUS(status)}"
        else:
            how = None
        return results, (running or "(after the last mode)") if how else None, how, stderr

    def check(self, inp: tuple) -> None:
        self.inputs += 1
        self.log.write("I " + ascii(inp) + "\n")
        results: Dict[str, dict] = {}
        died_in, how, stderr = None, None, ""
        for mode in self.modes:
            if mode in self.servers and not how:
                self.log.write(f"M {mode} (server)\n")
                result, how, stderr = self.servers[mode].run(inp)
                if result is None:
                    died_in = mode
                else:
                    results[mode] = result
            elif mode not in self.forked_modes:
                self.log.write(f"M {mode}\n")
                results[mode] = dict(self.run_one_mode(mode, inp), mode=mode)
        if self.forked_modes and not how:
            forked, died_in, how, stderr = self.run_forked(inp, self.forked_modes)
            results.update(forked)
        results = {m: results[m] for m in self.modes if m in results}
        for r in results.values():
            self.seconds[r["mode"]] += r["seconds"]
            for qual, message in r.get("panics", {}).items():
                self.panics.setdefault(qual, message)
            for qual, n in r.get("returned", {}).items():
                self.returned[qual] = self.returned.get(qual, 0) + n
            self.skipped += r.get("skipped", 0)
        if how:
            known = known_death(died_in, stderr)
            if known:
                self.known_deaths[known] = self.known_deaths.get(known, 0) + 1
                results.pop(died_in, None)
            else:
                tail = "\n".join(stderr.splitlines()[-25:])
                raise AssertionError(f"the interpreter {how} in mode {died_in}; its stderr ends with:\n{tail}")
        problems = [p for r in results.values() for p in r["problems"]]
        # not compared: the modes whose module lacks the target (cfg'd to one ABI)
        modes = [m for m in self.modes if m in results and results[m]["outcomes"] != [["absent"]]]
        for mode in modes[1:]:
            if results[mode]["outcomes"] != results[modes[0]]["outcomes"]:
                problems.append(
                    f"the modes disagree:\n  {modes[0]}: {results[modes[0]]['outcomes']!r}\n"
                    f"  {mode}: {results[mode]['outcomes']!r}"
                )
        if problems:
            raise AssertionError("\n".join(problems))

    def run(self, max_examples: int, seed: Optional[int]) -> Optional[str]:
        """Fuzzes every target with its share of `max_examples` inputs; the failures (each
        shrunk by hypothesis, at most 5), or None."""
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import seed as hypothesis_seed

        targets = self.strategy()
        total_weight = sum(w for _, _, w in targets) or 1
        failures: List[str] = []
        for label, strategy, weight in targets:
            budget = max(2, round(max_examples * weight / total_weight))

            @settings(
                max_examples=budget,
                derandomize=seed is None,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
                report_multiple_bugs=False,
                print_blob=False,
            )
            @given(strategy)
            def fuzz(inp):
                self.check(inp)

            if seed is not None:
                fuzz = hypothesis_seed(seed)(fuzz)
            try:
                fuzz()
            except AssertionError as e:
                # hypothesis attaches the (shrunk) falsifying example as a note
                failures.append("\n".join([f"{self.example}.{label}:", str(e)] + list(getattr(e, "__notes__", []))))
                if len(failures) == 5:
                    break
        return "\n\n".join(failures) or None


def _limit_memory() -> None:
    """Allocations beyond ~1.5 GB more than the process has now fail (MemoryError, or an abort
    in code that does not use try_reserve) instead of pushing the shared machine into swap or
    the OOM killer."""
    try:
        import resource

        with open("/proc/self/status") as f:
            vm = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmSize:"))
        limit = vm + (1536 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, StopIteration, ValueError):
        pass


def child_main(argv: List[str]) -> int:
    if argv[0] == "--serve":
        return serve(argv[1], argv[2])
    if argv[0] == "--discover":
        # Discovery calls the functions (to find arities and argument kinds): in a process of
        # its own, so that the fuzzed modules start from the same state in every mode.
        import pickle

        plans, found = {}, {}
        for name in argv[2:]:
            try:
                plan = Plan(name, hpyrs_testing.load_module(name, hpyrs_testing.MODES[0]))
                plans[name] = {"weight": plan.weight(), "targets": plan.targets(), "excluded": plan.excluded}
                found[name] = plan
            except BaseException as e:
                plans[name] = {"error": f"{type(e).__name__}: {e}"}
        with open(argv[1], "wb") as f:
            pickle.dump(found, f)
        print(json.dumps(plans))
        return 0
    import faulthandler

    faulthandler.enable()  # a crash prints the Python stack too
    example, max_examples, log_path, out_path = argv[1], int(argv[2]), argv[3], argv[4]
    plan = None
    if len(argv) > 5:
        import pickle

        with open(argv[5], "rb") as f:
            plan = pickle.load(f)[example]
    seed = os.environ.get("HPYRS_FUZZ_SEED")
    child = Child(example, log_path, plan=plan)
    _limit_memory()
    start = time.perf_counter()
    failure = child.run(max_examples, int(seed) if seed else None)
    for server in child.servers.values():
        server.close()
    result = {
        "example": example,
        "targets": len(child.plan.targets()),
        "functions": len(child.plan.functions),
        "classes": len(child.plan.classes),
        "members": sum(len(i["methods"]) + len(i["attrs"]) for i in child.plan.classes.values()),
        "inputs": child.inputs,
        "skipped": child.skipped,
        "seconds": child.seconds,
        "total": time.perf_counter() - start,
        "panics": child.panics,
        "returned": sorted(child.returned),
        "known_deaths": child.known_deaths,
        "known_system_errors": child.known_system_errors,
        "failure": failure,
    }
    with open(out_path, "w") as f:
        json.dump(result, f)
    return 1 if failure else 0


# =============================================================================================
# The pytest side
# =============================================================================================


def _hypothesis_missing() -> Optional[str]:
    try:
        import hypothesis  # noqa: F401
    except ImportError as e:
        return f"hypothesis is not installed for {hpyrs_testing.interpreter_description()} ({e}): run tools/setup_env.sh"
    return None


def _child_env() -> dict:
    env = dict(os.environ)
    env["HPYRS_PREBUILT"] = "1"  # the parent built the binaries: the child loads those
    env["PYTHONPATH"] = os.pathsep.join([str(HERE)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.pop("HPYRS_HANDLE_TRACES", None)
    # The deliberate panics (quickstart.crash...) would each print and symbolize a backtrace
    # (seconds per thousand in universal mode); a crash is reported by the log and faulthandler.
    env["RUST_BACKTRACE"] = "0"
    return env


@pytest.fixture(scope="session")
def fuzz_plan(tmp_path_factory):
    """Builds every example, then asks a child process what each exposes: the number of inputs
    each example gets is its share of HPYRS_FUZZ_EXAMPLES."""
    missing = _hypothesis_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    names = example_names()
    errors = {}
    for name in names:
        try:
            hpyrs_testing.build_example(name)
        except BaseException as e:  # pytest.fail's exception: reported by that example's test
            errors[name] = str(e)
    ok = [n for n in names if n not in errors]
    plans_path = tmp_path_factory.mktemp("fuzz") / "plans.pickle"
    proc = subprocess.run(
        [sys.executable, __file__, "--discover", str(plans_path), *ok],
        capture_output=True, text=True, env=_child_env(), timeout=600,
    )
    assert proc.returncode == 0, f"discovery failed:\n{proc.stdout}\n{proc.stderr}"
    plans = json.loads(proc.stdout.strip().splitlines()[-1])
    for p in plans.values():
        p["pickle"] = str(plans_path)
    for name, err in errors.items():
        plans[name] = {"error": err}
    total = int(os.environ.get("HPYRS_FUZZ_EXAMPLES", "2000"))
    weight = sum(p.get("weight", 0) for p in plans.values()) or 1
    for p in plans.values():
        if "weight" in p:
            p["examples"] = max(20, round(total * p["weight"] / weight))
    return plans


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.mark.parametrize("example", example_names())
def test_fuzz(example, fuzz_plan, tmp_path):
    plan = fuzz_plan[example]
    if "error" in plan:
        pytest.fail(f"examples/{example} could not be loaded: {plan['error']}", pytrace=False)
    log_path, out_path = tmp_path / "inputs.log", tmp_path / "result.json"
    timeout = float(os.environ.get("HPYRS_FUZZ_TIMEOUT", "900"))
    cmd = [sys.executable, __file__, "--run", example, str(plan["examples"]), str(log_path), str(out_path), plan["pickle"]]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_child_env(), timeout=timeout)
        died = None if proc.returncode >= 0 else f"was killed by signal {-proc.returncode}"
        if proc.returncode > 0 and not out_path.exists():
            died = f"exited with status {proc.returncode}"
        stdout, stderr = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        died = f"was still running after {timeout:.0f} s (HPYRS_FUZZ_TIMEOUT), killed"
        stdout = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        stderr = (e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
    if died:
        last_input, last_mode, last_step = "(none)", "(none)", ""
        if log_path.exists():
            for line in log_path.read_text(encoding="ascii", errors="replace").splitlines():
                if line.startswith("I "):
                    last_input, last_mode, last_step = line[2:], "(none)", ""
                elif line.startswith("M "):
                    last_mode, last_step = line[2:], ""
                elif line.startswith("S "):
                    last_step = line.split(" ", 2)[2]
        pytest.fail(
            f"fuzzing examples/{example}: the interpreter {died}\n"
            f"  input: {last_input}\n  mode: {last_mode} {last_step}\n"
            f"stderr (tail):\n{_tail(stderr)}\nstdout (tail):\n{_tail(stdout)}",
            pytrace=False,
        )
    result = json.loads(out_path.read_text())
    per_mode = ", ".join(f"{m} {s:.1f}" for m, s in result["seconds"].items())
    hpyrs_testing.report(
        FUZZ_SECTION,
        f"{example}: {result['targets']} targets ({result['functions']} functions, {result['classes']} classes, "
        f"{result['members']} members), {result['inputs']} inputs ({result['skipped']} skipped), "
        f"{len([q for q in result['returned'] if not q.startswith('op:')])} targets returned a result, "
        f"{result['total']:.1f} s: {per_mode}",
    )
    for qual, why in sorted(plan.get("excluded", {}).items()):
        hpyrs_testing.report(FUZZ_SECTION, f"  not fuzzed: {qual}: {why}")
    if result["known_system_errors"]:
        for qual, (message, why) in KNOWN_SYSTEM_ERRORS.items():
            if qual.startswith(f"{example}."):
                hpyrs_testing.report(FUZZ_SECTION, f"  known finding, tolerated: {qual}: SystemError {message!r}: {why}")
    for bug, count in sorted(result["known_deaths"].items()):
        hpyrs_testing.report(FUZZ_SECTION, f"  {count} input(s) not compared: a known interpreter bug killed a mode: {bug}")
    for qual, message in sorted(result["panics"].items()):
        hpyrs_testing.report(FUZZ_SECTION, f"  {qual}: {message}")
    if result["failure"]:
        pytest.fail(
            f"fuzzing examples/{example} found a problem (after shrinking):\n{result['failure']}\n"
            f"stdout (tail):\n{_tail(stdout, 40)}",
            pytrace=False,
        )


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
