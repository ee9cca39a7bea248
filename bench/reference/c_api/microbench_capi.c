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

/* ---- dicts, sets and the interpreter lock (hpy-rs's PyDict view, map/set conversions and
   Context::allow_threads; not in HPy's microbench). The C-API way: PyDict_Next, PyObject_GetIter
   over a set, Py_BEGIN/END_ALLOW_THREADS. The conversions only validate and count the items,
   where the Rust variants also build a HashMap/HashSet. ------------------------------------ */

static PyObject *sum_dict_values(PyObject *self, PyObject *d)
{
    if (!PyDict_Check(d))
        return PyErr_Format(PyExc_TypeError, "sum_dict_values() argument must be dict");
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    unsigned long sum = 0; /* wraps around, like the Rust wrapping_add */
    while (PyDict_Next(d, &pos, &key, &value)) {
        long v = PyLong_AsLong(value);
        if (v == -1 && PyErr_Occurred())
            return NULL;
        sum += (unsigned long)v;
    }
    return PyLong_FromLong((long)sum);
}

static PyObject *dict_len_via_map(PyObject *self, PyObject *d)
{
    if (!PyDict_Check(d))
        return PyErr_Format(PyExc_TypeError, "dict_len_via_map() argument must be dict");
    Py_ssize_t pos = 0, count = 0;
    PyObject *key, *value;
    while (PyDict_Next(d, &pos, &key, &value)) {
        if (!PyUnicode_Check(key))
            return PyErr_Format(PyExc_TypeError, "dict keys must be str");
        Py_ssize_t size;
        if (PyUnicode_AsUTF8AndSize(key, &size) == NULL)
            return NULL;
        long v = PyLong_AsLong(value);
        if (v == -1 && PyErr_Occurred())
            return NULL;
        count++; /* the keys of a dict are distinct: the count is the map's length */
    }
    return PyLong_FromSsize_t(count);
}

static PyObject *make_dict(PyObject *self, PyObject *arg)
{
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 0 || n > 65535)
        return PyErr_Format(PyExc_OverflowError, "make_dict() argument out of range");
    PyObject *dict = PyDict_New();
    if (dict == NULL)
        return NULL;
    for (long i = 0; i < n; i++) {
        char buffer[24];
        snprintf(buffer, sizeof buffer, "%ld", i);
        PyObject *key = PyUnicode_FromString(buffer);
        if (key == NULL)
            goto error;
        PyObject *value = PyLong_FromLong(i);
        if (value == NULL) {
            Py_DECREF(key);
            goto error;
        }
        int status = PyDict_SetItem(dict, key, value);
        Py_DECREF(key);
        Py_DECREF(value);
        if (status < 0)
            goto error;
    }
    return dict;
error:
    Py_DECREF(dict);
    return NULL;
}

static PyObject *set_len_via_hashset(PyObject *self, PyObject *s)
{
    if (!PyAnySet_Check(s))
        return PyErr_Format(PyExc_TypeError, "set_len_via_hashset() argument must be a set");
    PyObject *iterator = PyObject_GetIter(s);
    if (iterator == NULL)
        return NULL;
    Py_ssize_t count = 0;
    PyObject *item;
    while ((item = PyIter_Next(iterator)) != NULL) {
        long v = PyLong_AsLong(item);
        Py_DECREF(item);
        if (v == -1 && PyErr_Occurred()) {
            Py_DECREF(iterator);
            return NULL;
        }
        count++; /* the items of a set are distinct */
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred())
        return NULL;
    return PyLong_FromSsize_t(count);
}

static PyObject *release_gil(PyObject *self, PyObject *unused)
{
    Py_BEGIN_ALLOW_THREADS
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

/* Keyword calls with PyArg_ParseTupleAndKeywords, as in the C HPy variant. */
static PyObject *kw_defaults(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"a", "b", "c", NULL};
    long a, b = 1, c = 2;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "l|ll:kw_defaults", kwlist, &a, &b, &c))
        return NULL;
    return PyLong_FromLong(a + b + c);
}

static PyObject *kw_only(PyObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"a", "b", "c", NULL};
    long a, b = 1, c = 2;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "l|$ll:kw_only", kwlist, &a, &b, &c))
        return NULL;
    return PyLong_FromLong(a + b + c);
}

/* CPython hands METH_KEYWORDS functions a fresh dict of the keywords: that is the **kwargs. */
static PyObject *kw_extra(PyObject *self, PyObject *args, PyObject *kw)
{
    if (PyTuple_GET_SIZE(args) != 1)
        return PyErr_Format(PyExc_TypeError,
                            "kw_extra() takes exactly 1 positional argument (%zd given)",
                            PyTuple_GET_SIZE(args));
    long a = PyLong_AsLong(PyTuple_GET_ITEM(args, 0));
    if (a == -1 && PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(a + (kw == NULL ? 0 : (long)PyDict_Size(kw)));
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
    {"sum_dict_values", sum_dict_values, METH_O,
     "sum_dict_values(d) -> the sum of the (int) values of the dict d"},
    {"dict_len_via_map", dict_len_via_map, METH_O,
     "dict_len_via_map(d) -> len(d), after reading every str key and int value"},
    {"make_dict", make_dict, METH_O, "make_dict(n) -> {str(i): i for i in range(n)}, 0 <= n < 65536"},
    {"set_len_via_hashset", set_len_via_hashset, METH_O,
     "set_len_via_hashset(s) -> len(s), after reading every int item of the set s"},
    {"release_gil", release_gil, METH_NOARGS,
     "release_gil() -> None, after releasing and taking back the interpreter lock"},
    {"kw_defaults", (PyCFunction)(void (*)(void))kw_defaults, METH_VARARGS | METH_KEYWORDS,
     "kw_defaults(a, b=1, c=2) -> a + b + c"},
    {"kw_only", (PyCFunction)(void (*)(void))kw_only, METH_VARARGS | METH_KEYWORDS,
     "kw_only(a, *, b=1, c=2) -> a + b + c"},
    {"kw_extra", (PyCFunction)(void (*)(void))kw_extra, METH_VARARGS | METH_KEYWORDS,
     "kw_extra(a, /, **kwargs) -> a + len(kwargs)"},
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
