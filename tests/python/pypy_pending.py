"""Tests that do not pass on PyPy 7.3.19, each with what was observed.

`PYPY_BUGS`: the test fails because of a PyPy bug that hpy-rs cannot work around, shown without
hpy-rs by a C HPy module under tests/pypy_bugs/ (tests/python/test_pypy_bugs.py). conftest.py
marks these `xfail(strict=True)`: when a PyPy release fixes the bug, they fail.

`PENDING` (the rest of this docstring): tests that cannot even run as xfails.

conftest.py skips them in the `pypy` and `pypy-debug` modes only, with the reason below, and
the session summary lists them, so the PyPy gap is visible in every run rather than silent.
They are skipped, not xfailed: several of them abort the interpreter or leave an exception
pending that fails the *next* test, which an xfail cannot contain.

An entry names `<file>::<test function>` and covers all its parametrizations,
`<file>::<test function>[<id>]` one of them (e.g. `[pypy-debug]`), and `<file>::*` a file. When a cause
is fixed in hpy-rs, its entries go; when one is shown to be a PyPy bug, its test gets a
minimal C HPy reproducer under tests/ and a strict xfail instead.
"""


def _todo(symptom: str) -> str:
    return f"fails on PyPy 7.3.19, not yet investigated: {symptom}"


REENTRANT_DEBUG = (
    "PyPy 7.3.19's debug mode aborts a re-entrant call ('Wrong HPy Context!'): a PyPy bug, "
    "shown without hpy-rs by tests/pypy_bugs/reenter.c (test_pypy_bugs.py)"
)
MOD_CREATE_SPEC = (
    "PyPy 7.3.19 passes an HPy_mod_create function a module it made instead of the spec given to "
    "hpy.universal.load (hpy-rs substitutes a ModuleSpec with the right name, but loader_state, "
    "which this test sets, is lost): a PyPy bug, shown without hpy-rs by "
    "tests/pypy_bugs/modcreate_spec.c (test_pypy_bugs.py)"
)


PENDING = {
    "test_microbench.py::test_foo_length_and_subscript[pypy-debug]": _todo(
        "debug mode reports a use of an invalid handle in about one run of three"
    ),
    "test_shapes.py::test_rust_subclass[pypy-debug]": REENTRANT_DEBUG,
    "test_shapes.py::test_reentrant_shared_borrows[pypy-debug]": REENTRANT_DEBUG,
    "test_shapes.py::test_reentrant_mutable_borrow_raises[pypy-debug]": REENTRANT_DEBUG,
}


BUILTIN_SHAPE = (
    "PyPy 7.3.19 implements no HPy user data for classes that extend int, float, str, list or "
    "type (_HPy_AsStruct_Long & co. crash; hpy-rs raises TypeError instead): a PyPy bug, shown "
    "without hpy-rs by tests/pypy_bugs/builtin_shape.c"
)

MOD_CREATE_LEAK = (
    "PyPy 7.3.19's debug mode never closes the handle an HPy_mod_create function returns, so "
    "the LeakDetector reports it: a PyPy bug, shown without hpy-rs by "
    "tests/pypy_bugs/modcreate_spec.c (test_pypy_bugs.py)"
)

PYPY_BUGS = {
    "test_modcreate.py::test_each_load_creates_a_new_object[pypy-debug]": MOD_CREATE_LEAK,
    "test_shapes.py::test_builtin_bases": BUILTIN_SHAPE,
    "test_shapes.py::test_metaclass": BUILTIN_SHAPE,
    "test_modcreate.py::test_returning_a_module_object_is_a_system_error": MOD_CREATE_SPEC,
    "test_modcreate.py::test_an_error_aborts_the_import": MOD_CREATE_SPEC,
    "test_modcreate.py::test_a_panic_is_a_system_error": MOD_CREATE_SPEC,
}


def _lookup(table: dict, nodeid: str):
    path, _, rest = nodeid.partition("::")
    function = rest.split("[", 1)[0]
    filename = path.rsplit("/", 1)[-1]
    param = rest[len(function) :]
    return (
        table.get(f"{filename}::{function}{param}")
        or table.get(f"{filename}::{function}")
        or table.get(f"{filename}::*")
    )


def pending_reason(nodeid: str):
    """The reason a test (by pytest node id) is skipped on PyPy, or None."""
    return _lookup(PENDING, nodeid)


def pypy_bug(nodeid: str):
    """The PyPy bug a test (by pytest node id) fails on, or None."""
    return _lookup(PYPY_BUGS, nodeid)
