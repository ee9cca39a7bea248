"""The call patterns the benchmark measures, as small pieces of Python source.

Each pattern is one loop body run against one *variant* (a build of the microbench and array
modules: hpy-rs, C HPy, the plain C API or PyO3). The worker compiles every pattern into its
own function, so one pattern's loop never shares bytecode caches with another's:

    def run(n, mb, ar, objs):          # mb: microbench module, ar: array module
        <setup>                        # bind names once, outside the loop
        for _ in range(n // 100):      # nested: the counter stays a cached small int
            for i in range(100):
                <body>

A pattern's *baseline* is the body it is measured against: the result reported is
cost(body) - cost(baseline), per iteration. The default baseline is `pass` (the bare loop);
patterns whose body does extra Python-level work around the call subtract that work too
(`append(Foo())` is measured against `append(None)`), so the figure is the extension's share.

`check` is an expression evaluated once per variant (after `setup`); every variant must give
the same value. It is how the smoke test proves the modules agree before their speed is
compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

__all__ = ["Pattern", "PATTERNS", "GROUPS", "pattern_source", "baseline_source"]


@dataclass(frozen=True)
class Pattern:
    """One measured loop body."""

    name: str
    group: str  # a key of GROUPS: what the targets call it
    setup: str
    body: str
    check: str
    baseline: str = "pass"
    baseline_setup: str = ""
    # Keeps what it allocates until the loop ends: the warm-up then runs the full N2 loop, so
    # the allocator's arenas exist before any variant is measured (otherwise whichever variant
    # comes first pays for fresh arenas: about 10 instructions per object).
    keeps_objects: bool = False


# PyO3 targets: "calls" (<= 0.8x PyO3) and "allocation" (<= 0.5x PyO3).
GROUPS = {
    "module": "module functions",
    "type": "methods and slots of Foo",
    "alloc": "object allocation",
    "array": "examples/array operations",
    "data": "dict iteration, dict and set conversions",
    "keywords": "keyword arguments (keyword-only, defaults, **kwargs)",
}

_F = "def f(a, b):\n    return a + b"
_FOO = "Foo = mb.Foo\nfoo = Foo()"
_D10 = "d = {str(k): k for k in range(10)}"
_D100 = "d = {str(k): k for k in range(100)}"
_ARR = "array = ar.array\na = array([1.0, 2.0, 3.0, 4.0])\nb = array([0.5, 0.5, 0.5, 0.5])"

PATTERNS: Tuple[Pattern, ...] = (
    # ---- module functions (bound once: the call is what is measured, not the lookup)
    Pattern("noargs()", "module", "noargs = mb.noargs", "noargs()", "noargs()"),
    Pattern("onearg(None)", "module", "onearg = mb.onearg", "onearg(None)", "onearg(None)"),
    Pattern("onearg(i)", "module", "onearg = mb.onearg", "onearg(i)", "onearg(7)"),
    Pattern("varargs(None, None)", "module", "varargs = mb.varargs", "varargs(None, None)",
            "varargs(None, None)"),
    Pattern("call_with_tuple(f, (1, 2))", "module", f"{_F}\ncall = mb.call_with_tuple\nt = (1, 2)",
            "call(f, t)", "call(f, t)"),
    Pattern("call_with_tuple_and_dict(f, (1,), {'b': 2})", "module",
            f"{_F}\ncall = mb.call_with_tuple_and_dict\nt = (1,)\nkw = {{'b': 2}}",
            "call(f, t, kw)", "call(f, t, kw)"),
    Pattern("allocate_int()", "module", "allocate_int = mb.allocate_int", "allocate_int()",
            "allocate_int()"),
    Pattern("allocate_tuple()", "module", "allocate_tuple = mb.allocate_tuple",
            "allocate_tuple()", "allocate_tuple()"),
    # ---- the Foo type
    Pattern("foo.noargs (method lookup)", "type", _FOO, "foo.noargs", "foo.noargs() is None"),
    Pattern("foo.noargs()", "type", _FOO, "foo.noargs()", "foo.noargs()"),
    Pattern("foo.onearg(None)", "type", _FOO, "foo.onearg(None)", "foo.onearg(None)"),
    Pattern("foo.varargs(None, None)", "type", _FOO, "foo.varargs(None, None)",
            "foo.varargs(None, None)"),
    Pattern("foo.allocate_tuple()", "type", _FOO, "foo.allocate_tuple()", "foo.allocate_tuple()"),
    Pattern("len(foo)", "type", _FOO, "len(foo)", "len(foo)"),
    Pattern("foo[0]", "type", _FOO, "foo[0]", "foo[0]"),
    # ---- allocation
    Pattern("Foo() dying at once", "alloc", "Foo = mb.Foo", "Foo()",
            "(Foo().x, Foo().y, type(Foo()).__name__)"),
    Pattern("Foo() kept alive", "alloc", "Foo = mb.Foo\nappend = objs.append", "append(Foo())",
            "(Foo().x, mb.HTFoo is Foo)", baseline="append(None)",
            baseline_setup="append = objs.append", keeps_objects=True),
    # ---- dicts and sets (hpy-rs's PyDict view and std-collection conversions) and
    # allow_threads: not in HPy's microbench; bench/README.md says what each variant does
    Pattern("sum_dict_values(d), 10 items", "data", f"f = mb.sum_dict_values\n{_D10}", "f(d)",
            "f(d)"),
    Pattern("sum_dict_values(d), 100 items", "data", f"f = mb.sum_dict_values\n{_D100}", "f(d)",
            "f(d)"),
    Pattern("dict_len_via_map(d), 10 items", "data", f"f = mb.dict_len_via_map\n{_D10}", "f(d)",
            "f(d)"),
    Pattern("make_dict(10)", "data", "make_dict = mb.make_dict", "make_dict(10)",
            "sorted(make_dict(10).items())"),
    Pattern("set_len_via_hashset(s), 10 items", "data",
            "f = mb.set_len_via_hashset\ns = set(range(10))", "f(s)", "(f(s), f(frozenset(s)))"),
    Pattern("release_gil()", "module", "release_gil = mb.release_gil", "release_gil()",
            "release_gil()"),
    # ---- keyword calls (issue 11): a `signature = (...)` against HPyArg_ParseKeywords, PyO3's
    # signature and PyArg_ParseTupleAndKeywords
    Pattern("kw_defaults(1)", "keywords", "f = mb.kw_defaults", "f(1)", "(f(1), f(1, 2, 3))"),
    Pattern("kw_defaults(1, c=5)", "keywords", "f = mb.kw_defaults", "f(1, c=5)",
            "(f(1, c=5), f(a=1, b=2))"),
    Pattern("kw_only(1, b=2)", "keywords", "f = mb.kw_only", "f(1, b=2)",
            "(f(1, b=2), f(1, c=3, b=4))"),
    Pattern("kw_extra(1, x=2, y=3)", "keywords", "f = mb.kw_extra", "f(1, x=2, y=3)",
            "(f(1, x=2, y=3), f(1), f(1, a=2))"),
    # ---- examples/array
    Pattern("array([4 floats])", "array", "array = ar.array\nitems = [1.0, 2.0, 3.0, 4.0]",
            "array(items)", "array(items).tolist()"),
    Pattern("zeros(4)", "array", "zeros = ar.zeros", "zeros(4)", "zeros(4).tolist()"),
    Pattern("a[1]", "array", _ARR, "a[1]", "(a[1], a[-1])"),
    Pattern("a[1] = 2.5", "array", _ARR, "a[1] = 2.5", "a.__setitem__(1, 2.5)"),
    Pattern("len(a)", "array", _ARR, "len(a)", "len(a)"),
    Pattern("a.size", "array", _ARR, "a.size", "a.size"),
    Pattern("a.tolist()", "array", _ARR, "a.tolist()", "a.tolist()"),
    Pattern("a * 2.0", "array", _ARR, "a * 2.0", "(a * 2.0).tolist()"),
    Pattern("2.0 * a", "array", _ARR, "2.0 * a", "(2.0 * a).tolist()"),
    Pattern("a / 2.0", "array", _ARR, "a / 2.0", "(a / 2.0).tolist()"),
    Pattern("a + b", "array", _ARR, "a + b", "(a + b).tolist()"),
    Pattern("memoryview(a)", "array", _ARR, "memoryview(a)", "memoryview(a).tolist()"),
)


def _function(name: str, setup: str, body: str) -> str:
    indent = "\n    "
    return (
        f"def {name}(n, mb, ar, objs):{indent}"
        + indent.join((setup or "pass").splitlines())
        + f"{indent}for _ in range(n // 100):{indent}    for i in range(100):{indent}        "
        + body
        + "\n"
    )


def pattern_source(pattern: Pattern) -> str:
    """The source of `run(n, mb, ar, objs)`, the measured loop of `pattern`."""
    return _function("run", pattern.setup, pattern.body)


def baseline_source(pattern: Pattern) -> str:
    """The source of `run(n, mb, ar, objs)`, the loop `pattern` is measured against."""
    return _function("run", pattern.baseline_setup, pattern.baseline)
