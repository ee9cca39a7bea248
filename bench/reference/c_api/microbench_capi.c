/* microbench_capi: the benchmark reference for examples/microbench, written against the plain
 * CPython C API.
 *
 * It has exactly the Python API of the Rust module `microbench` (examples/microbench/src/lib.rs)
 * and is written the classic C-API way (static type, METH_* calling conventions, single-phase
 * init), as fast as idiomatic C allows: the baseline that HPy and hpy-rs are compared with.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

/* ---- module functions (also used as methods of Foo, where they ignore self) ------------- */

static PyObject *noargs(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *onearg(PyObject *self, PyObject *arg)
{
    Py_RETURN_NONE;
}

static PyObject *varargs(PyObject *self, PyObject *args)
{
    Py_RETURN_NONE;
}

/* METH_FASTCALL plus a count check: the cheapest way to take a fixed number of objects. */
static PyObject *call_with_tuple(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2)
        return PyErr_Format(PyExc_TypeError,
                            "call_with_tuple() takes exactly 2 arguments (%zd given)", nargs);
    /* PyObject_Call requires a real tuple (HPy_CallTupleDict checks it too). */
    if (!PyTuple_Check(args[1]))
        return PyErr_Format(PyExc_TypeError, "call_with_tuple() argument 2 must be a tuple");
    return PyObject_Call(args[0], args[1], NULL);
}

static PyObject *call_with_tuple_and_dict(PyObject *self, PyObject *const *args,
                                          Py_ssize_t nargs)
{
    if (nargs != 3)
        return PyErr_Format(PyExc_TypeError,
                            "call_with_tuple_and_dict() takes exactly 3 arguments (%zd given)",
                            nargs);
    if (!PyTuple_Check(args[1]))
        return PyErr_Format(PyExc_TypeError,
                            "call_with_tuple_and_dict() argument 2 must be a tuple");
    if (!PyDict_Check(args[2]))
        return PyErr_Format(PyExc_TypeError,
                            "call_with_tuple_and_dict() argument 3 must be a dict");
    return PyObject_Call(args[0], args[1], args[2]);
}

static PyObject *allocate_int(PyObject *self, PyObject *unused)
{
    return PyLong_FromLong(2048);
}

static PyObject *allocate_tuple(PyObject *self, PyObject *unused)
{
    /* "(ll)" is the idiomatic spelling, but Py_BuildValue parses its format on every call;
       filling a new tuple directly is what fast C-API code does. */
    PyObject *tuple = PyTuple_New(2);
    if (tuple == NULL)
        return NULL;
    PyObject *a = PyLong_FromLong(2048);
    if (a == NULL)
        goto error;
    PyTuple_SET_ITEM(tuple, 0, a);
    PyObject *b = PyLong_FromLong(2049);
    if (b == NULL)
        goto error;
    PyTuple_SET_ITEM(tuple, 1, b);
    return tuple;
error:
    Py_DECREF(tuple);
    return NULL;
}

/* ---- Foo ---------------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    long x;
    long y;
} FooObject;

/* Foo() takes no arguments, like the Rust `#[new] fn new() -> Self` (PyType_GenericNew would
   accept and ignore any). */
static PyObject *Foo_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args) != 0)
        return PyErr_Format(PyExc_TypeError, "Foo() takes no arguments (%zd given)",
                            PyTuple_GET_SIZE(args));
    if (kw != NULL && PyDict_GET_SIZE(kw) != 0)
        return PyErr_Format(PyExc_TypeError, "Foo() takes no keyword arguments");
    FooObject *foo = (FooObject *)type->tp_alloc(type, 0);
    if (foo == NULL)
        return NULL;
    foo->x = 0;
    foo->y = 0;
    return (PyObject *)foo;
}

static Py_ssize_t Foo_length(PyObject *self)
{
    return 42;
}

/* foo[i] is None for every integer i; the mapping slot, as in the other versions (see
   microbench_chpy.c). */
static PyObject *Foo_item(PyObject *self, PyObject *key)
{
    Py_ssize_t index = PyLong_AsSsize_t(key);
    if (index == -1 && PyErr_Occurred())
        return NULL;
    Py_RETURN_NONE;
}

static PyMemberDef Foo_members[] = {
    {"x", T_LONG, offsetof(FooObject, x), READONLY, NULL},
    {"y", T_LONG, offsetof(FooObject, y), READONLY, NULL},
    {NULL},
};

static PyMethodDef Foo_methods[] = {
    {"noargs", noargs, METH_NOARGS, "noargs() -> None (NOARGS method)"},
    {"onearg", onearg, METH_O, "onearg(x) -> None (O method)"},
    {"varargs", varargs, METH_VARARGS, "varargs(*args) -> None (VARARGS method)"},
    {"allocate_int", allocate_int, METH_NOARGS, "allocate_int() -> 2048"},
    {"allocate_tuple", allocate_tuple, METH_NOARGS, "allocate_tuple() -> (2048, 2049)"},
    {NULL},
};

static PySequenceMethods Foo_as_sequence = {
    .sq_length = Foo_length,
};

static PyMappingMethods Foo_as_mapping = {
    .mp_subscript = Foo_item,
};

/* No BASETYPE flag and no __dict__: Foo is final and frozen like the Rust `#[hpy_class(frozen)]`. */
static PyTypeObject FooType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "microbench_capi.Foo",
    .tp_basicsize = sizeof(FooObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A small object with two C longs.",
    .tp_new = Foo_new,
    .tp_members = Foo_members,
    .tp_methods = Foo_methods,
    .tp_as_sequence = &Foo_as_sequence,
    .tp_as_mapping = &Foo_as_mapping,
};

/* ---- module ------------------------------------------------------------------------------ */

static PyMethodDef module_methods[] = {
    {"noargs", noargs, METH_NOARGS, "noargs() -> None (NOARGS)"},
    {"onearg", onearg, METH_O, "onearg(x) -> None (O)"},
    {"varargs", varargs, METH_VARARGS, "varargs(*args) -> None (VARARGS)"},
    {"call_with_tuple", (PyCFunction)(void (*)(void))call_with_tuple, METH_FASTCALL,
     "call_with_tuple(f, args) -> f(*args)"},
    {"call_with_tuple_and_dict", (PyCFunction)(void (*)(void))call_with_tuple_and_dict,
     METH_FASTCALL, "call_with_tuple_and_dict(f, args, kw) -> f(*args, **kw)"},
    {"allocate_int", allocate_int, METH_NOARGS, "allocate_int() -> 2048 (a new int object)"},
    {"allocate_tuple", allocate_tuple, METH_NOARGS, "allocate_tuple() -> (2048, 2049)"},
    {NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "microbench_capi",
    .m_doc = "HPy microbenchmarks, in C (CPython C API).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit_microbench_capi(void)
{
    if (PyType_Ready(&FooType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&moduledef);
    if (module == NULL)
        return NULL;
    /* HTFoo is the same type object as Foo, as in the Rust module. */
    if (PyModule_AddObjectRef(module, "Foo", (PyObject *)&FooType) < 0 ||
        PyModule_AddObjectRef(module, "HTFoo", (PyObject *)&FooType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
