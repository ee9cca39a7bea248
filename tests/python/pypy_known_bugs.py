"""The hpy-rs tests that fail on PyPy 7.3.19 because of PyPy bugs that hpy-rs cannot work around.

Each bug is shown without hpy-rs by a minimal C HPy module under tests/pypy_bugs/ (built and run
by tests/python/test_pypy_bugs.py). conftest.py marks the tests below `xfail(strict=True)` in the
`pypy` and `pypy-debug` modes, so they fail loudly once a PyPy release fixes the bug. The tests
in `ABORTING` kill the interpreter: conftest.py runs their body in a forked child, whose death is
the expected failure.

An entry names `<file>::<test function>` (all its modes) or `<file>::<test function>[<mode>]`.
"""

REENTRANT_DEBUG = (
    "PyPy 7.3.19's debug mode aborts a re-entrant call ('Wrong HPy Context!'): a PyPy bug, "
    "shown without hpy-rs by tests/pypy_bugs/reenter.c"
)
MOD_CREATE_SPEC = (
    "PyPy 7.3.19 passes an HPy_mod_create function a module it made instead of the spec given to "
    "hpy.universal.load (hpy-rs substitutes a ModuleSpec with the right name, but loader_state, "
    "which this test sets, is lost): a PyPy bug, shown without hpy-rs by "
    "tests/pypy_bugs/modcreate_spec.c"
)
MOD_CREATE_LEAK = (
    "PyPy 7.3.19's debug mode never closes the handle an HPy_mod_create function returns, so "
    "the LeakDetector reports it: a PyPy bug, shown without hpy-rs by "
    "tests/pypy_bugs/modcreate_spec.c"
)
BUILTIN_SHAPE = (
    "PyPy 7.3.19 implements no HPy user data for classes that extend int, float, str, list or "
    "type (_HPy_AsStruct_Long & co. crash; hpy-rs raises TypeError instead): a PyPy bug, shown "
    "without hpy-rs by tests/pypy_bugs/builtin_shape.c"
)
INPLACE_POWER_MESSAGE = (
    "PyPy 7.3.19's HPy_InPlacePower raises the TypeError of the binary operator ('unsupported "
    "operand type(s) for ** or pow()') where CPython and PyPy's own operator.ipow say 'for **=' "
    "(an exception cannot be fetched and reworded in HPy 0.9): a PyPy bug, shown without hpy-rs "
    "by tests/pypy_bugs/number_protocol.c"
)
CALL_FUNCTION_PER_TYPE = (
    "PyPy 7.3.19's HPy_SetCallFunction sets the __call__ of the object's type instead of the "
    "object's own call function: every instance of the type (also those given none, and those "
    "made earlier) then runs the last one set: a PyPy bug, shown without hpy-rs by "
    "tests/pypy_bugs/call_function.c"
)

INSPECT_EXTENSION_FUNCTION = (
    "PyPy 7.3.19's HPy module functions (type extension_function) have the right "
    "__text_signature__, but inspect.isbuiltin() is False for them, so inspect.signature() never "
    "reads it and reports (*args, **keywords) (the callable type's __call__)"
)
METHOD_TEXT_SIGNATURE = (
    "PyPy 7.3.19's HPy methods (type method_descriptor_) have no __text_signature__ and keep "
    "the 'name(sig)\\n--\\n\\n' header CPython strips in __doc__, so inspect.signature() "
    "cannot find their parameters (hpy-rs points their doc past the header on PyPy, so "
    "__doc__ is right)"
)
CLASS_TEXT_SIGNATURE = (
    "PyPy 7.3.19's HPy types keep a 'Name(sig)\\n--\\n\\n' header of tp_doc in __doc__ and "
    "have no __text_signature__ (hpy-rs does not add the header on PyPy), so "
    "inspect.signature() cannot find the parameters of calling the class"
)
FAILING = {
    "test_signatures.py::test_defaults_in_inspect_signature": INSPECT_EXTENSION_FUNCTION,
    "test_signatures.py::test_function_inspect_signature": INSPECT_EXTENSION_FUNCTION,
    "test_signatures.py::test_method_signatures": (
        METHOD_TEXT_SIGNATURE + " (static and class methods: " + INSPECT_EXTENSION_FUNCTION + ")"
    ),
    "test_signatures.py::test_method_text_signatures": METHOD_TEXT_SIGNATURE,
    "test_signatures.py::test_class_signature": CLASS_TEXT_SIGNATURE,
    "test_enums.py::test_variant_class_signatures": CLASS_TEXT_SIGNATURE,
    "test_signatures.py::test_help_shows_the_parameters": INSPECT_EXTENSION_FUNCTION,
    "test_signatures.py::test_every_example_has_text_signatures": (
        METHOD_TEXT_SIGNATURE + "; and " + INSPECT_EXTENSION_FUNCTION
    ),
    "test_modcreate.py::test_each_load_creates_a_new_object[pypy-debug]": MOD_CREATE_LEAK,
    "test_modcreate.py::test_returning_a_module_object_is_a_system_error": MOD_CREATE_SPEC,
    "test_modcreate.py::test_an_error_aborts_the_import": MOD_CREATE_SPEC,
    "test_modcreate.py::test_a_panic_is_a_system_error": MOD_CREATE_SPEC,
    "test_shapes.py::test_builtin_bases": BUILTIN_SHAPE,
    "test_shapes.py::test_metaclass": BUILTIN_SHAPE,
    "test_objects.py::test_inplace_pow_error_message": INPLACE_POWER_MESSAGE,
    "test_callfn.py::test_each_instance_keeps_its_own_call_function": CALL_FUNCTION_PER_TYPE,
    "test_callfn.py::test_without_a_call_function_the_class_call_runs": CALL_FUNCTION_PER_TYPE,
    "test_callfn.py::test_set_from_rust_after_creation": CALL_FUNCTION_PER_TYPE,
}

ABORTING = {
    "test_shapes.py::test_rust_subclass[pypy-debug]": REENTRANT_DEBUG,
    "test_shapes.py::test_reentrant_shared_borrows[pypy-debug]": REENTRANT_DEBUG,
    "test_shapes.py::test_reentrant_mutable_borrow_raises[pypy-debug]": REENTRANT_DEBUG,
}


def _lookup(table: dict, nodeid: str):
    path, _, rest = nodeid.partition("::")
    function = rest.split("[", 1)[0]
    filename = path.rsplit("/", 1)[-1]
    return table.get(f"{filename}::{rest}") or table.get(f"{filename}::{function}")


def failing(nodeid: str):
    """The PyPy bug a test (by pytest node id) fails on, or None."""
    return _lookup(FAILING, nodeid)


def aborting(nodeid: str):
    """The PyPy bug that aborts the interpreter in a test (by pytest node id), or None."""
    return _lookup(ABORTING, nodeid)
