/* hpyarray_capi: the benchmark reference for examples/array, written against the plain CPython
 * C API.
 *
 * It has exactly the Python API of the Rust module `hpyarray` (examples/array/src/lib.rs): a
 * one-dimensional float64 array type with indexing, arithmetic, len(), repr() and the buffer
 * protocol, plus empty(n) and zeros(n). Written the classic C-API way (static type, single-phase
 * init) and as fast as idiomatic C allows: the baseline that HPy and hpy-rs are compared with.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    PyObject_HEAD
    double *data;           /* malloc'd, at least one item so that buffers never point at NULL */
    Py_ssize_t size;        /* number of items; also the buffer's shape */
    Py_ssize_t exports;     /* live buffer exports: a[i] = x is refused while any exists */
} ArrayObject;

static PyTypeObject ArrayType;

#define Array_Check(op) PyObject_TypeCheck(op, &ArrayType)

static char array_format[] = "d";
static Py_ssize_t array_stride = sizeof(double);

/* A new array of `size` items, zeroed only when `zeroed` (zeros/empty); the other callers
   write every item and use malloc, as Rust's `collect` does. */
static ArrayObject *array_alloc(PyTypeObject *type, Py_ssize_t size, int zeroed)
{
    if ((size_t)size > (size_t)PY_SSIZE_T_MAX / sizeof(double))
        return (ArrayObject *)PyErr_NoMemory();
    ArrayObject *array = (ArrayObject *)type->tp_alloc(type, 0);
    if (array == NULL)
        return NULL;
    size_t count = size ? (size_t)size : 1;
    array->data = zeroed ? calloc(count, sizeof(double)) : malloc(count * sizeof(double));
    if (array->data == NULL) {
        Py_DECREF(array);  /* tp_dealloc frees nothing: data is NULL */
        return (ArrayObject *)PyErr_NoMemory();
    }
    array->size = size;
    array->exports = 0;
    return array;
}

static void array_dealloc(ArrayObject *self)
{
    free(self->data);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* A new array with the items of `items`, a list or tuple of numbers (as for the Rust `Vec<f64>`
   argument: other iterables are refused). */
static PyObject *array_from_items(PyTypeObject *type, PyObject *items)
{
    if (!PyList_Check(items) && !PyTuple_Check(items))
        return PyErr_Format(PyExc_TypeError, "array() argument 'items' must be a list or tuple");
    Py_ssize_t size = PySequence_Fast_GET_SIZE(items);
    ArrayObject *array = array_alloc(type, size, 0);
    if (array == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < size; i++) {
        /* A __float__ could change the list meanwhile: re-check the size, own the item. */
        if (i >= PySequence_Fast_GET_SIZE(items)) {
            PyErr_SetString(PyExc_IndexError, "list index out of range");
            Py_DECREF(array);
            return NULL;
        }
        PyObject *item = Py_NewRef(PySequence_Fast_GET_ITEM(items, i));
        double value = PyFloat_AsDouble(item);
        Py_DECREF(item);
        if (value == -1.0 && PyErr_Occurred()) {
            Py_DECREF(array);
            return NULL;
        }
        array->data[i] = value;
    }
    return (PyObject *)array;
}

/* array(items) or array(items=...). */
static PyObject *array_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    if (kw == NULL && PyTuple_GET_SIZE(args) == 1)  /* the common call, without the parser */
        return array_from_items(type, PyTuple_GET_ITEM(args, 0));
    static char *kwlist[] = {"items", NULL};
    PyObject *items;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O:array", kwlist, &items))
        return NULL;
    return array_from_items(type, items);
}

static PyObject *array_get_size(ArrayObject *self, void *closure)
{
    return PyLong_FromSsize_t(self->size);
}

static PyObject *array_tolist(ArrayObject *self, PyObject *unused)
{
    PyObject *list = PyList_New(self->size);
    if (list == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < self->size; i++) {
        PyObject *item = PyFloat_FromDouble(self->data[i]);
        if (item == NULL) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, item);
    }
    return list;
}

static Py_ssize_t array_length(ArrayObject *self)
{
    return self->size;
}

/* The position of Python index `key` (negative counts from the end), or -1 with an exception.
   OverflowError for huge ints and TypeError for non-integers, as for the Rust `isize`. */
static Py_ssize_t array_position(ArrayObject *self, PyObject *key)
{
    Py_ssize_t index = PyNumber_AsSsize_t(key, PyExc_OverflowError);
    if (index == -1 && PyErr_Occurred())
        return -1;
    if (index < 0)
        index += self->size;
    if (index < 0 || index >= self->size) {
        PyErr_SetString(PyExc_IndexError, "array index out of range");
        return -1;
    }
    return index;
}

static PyObject *array_subscript(ArrayObject *self, PyObject *key)
{
    Py_ssize_t position = array_position(self, key);
    if (position < 0)
        return NULL;
    return PyFloat_FromDouble(self->data[position]);
}

static int array_ass_subscript(ArrayObject *self, PyObject *key, PyObject *value)
{
    if (value == NULL) {
        PyErr_SetString(PyExc_TypeError, "'array' object does not support item deletion");
        return -1;
    }
    /* An exported buffer promises its consumer that the items do not change. */
    if (self->exports > 0) {
        PyErr_SetString(PyExc_RuntimeError, "array object is already borrowed");
        return -1;
    }
    Py_ssize_t position = array_position(self, key);
    if (position < 0)
        return -1;
    double number = PyFloat_AsDouble(value);
    if (number == -1.0 && PyErr_Occurred())
        return -1;
    self->data[position] = number;
    return 0;
}

/* The float value of a binary operand. Returns 0 on success, 1 if the operand is not a number
   (TypeError, cleared: the caller returns NotImplemented), -1 on any other error. */
static int operand_as_double(PyObject *operand, double *out)
{
    double value = PyFloat_AsDouble(operand);
    if (value == -1.0 && PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear();
        return 1;
    }
    *out = value;
    return 0;
}

/* a * x and x * a: CPython calls this slot with the array on either side. */
static PyObject *array_multiply(PyObject *left, PyObject *right)
{
    PyObject *self = left, *other = right;
    if (!Array_Check(left)) {
        self = right;
        other = left;
    }
    double factor;
    int status = operand_as_double(other, &factor);
    if (status != 0) {
        if (status < 0)
            return NULL;
        Py_RETURN_NOTIMPLEMENTED;
    }
    ArrayObject *array = (ArrayObject *)self;
    ArrayObject *product = array_alloc(&ArrayType, array->size, 0);
    if (product == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < array->size; i++)
        product->data[i] = array->data[i] * factor;
    return (PyObject *)product;
}

/* a / x only: x / a is NotImplemented, as the Rust type defines no __rtruediv__. */
static PyObject *array_true_divide(PyObject *left, PyObject *right)
{
    double divisor;
    int status = Array_Check(left) ? operand_as_double(right, &divisor) : 1;
    if (status != 0) {
        if (status < 0)
            return NULL;
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (divisor == 0.0) {
        PyErr_SetString(PyExc_ZeroDivisionError, "array division by zero");
        return NULL;
    }
    ArrayObject *array = (ArrayObject *)left;
    ArrayObject *quotient = array_alloc(&ArrayType, array->size, 0);
    if (quotient == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < array->size; i++)
        quotient->data[i] = array->data[i] / divisor;
    return (PyObject *)quotient;
}

/* a + b, both arrays of the same size. */
static PyObject *array_add(PyObject *left, PyObject *right)
{
    if (!Array_Check(left) || !Array_Check(right))
        Py_RETURN_NOTIMPLEMENTED;
    ArrayObject *a = (ArrayObject *)left, *b = (ArrayObject *)right;
    if (a->size != b->size)
        return PyErr_Format(PyExc_ValueError, "cannot add arrays of sizes %zd and %zd",
                            a->size, b->size);
    ArrayObject *sum = array_alloc(&ArrayType, a->size, 0);
    if (sum == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < a->size; i++)
        sum->data[i] = a->data[i] + b->data[i];
    return (PyObject *)sum;
}

/* Longest item write_double produces ("-1.7976931348623157e308", "-0.00010000000000000002"). */
#define MAX_ITEM_CHARS 32

/* Writes `value` as Rust's `{:?}` prints an f64 and returns the length. Python's repr() picks
   the same shortest digits and the same switch to exponent form (below 1e-4, from 1e16 on);
   only the spelling differs: Rust writes "1e16", "1e-5", "NaN" where Python writes "1e+16",
   "1e-05", "nan". (An exact tie between two 17-digit candidates goes to the even one in
   Python but up in Rust: 78 of 507,195 sampled doubles, e.g. 1059438285926254.25.) */
static Py_ssize_t write_double(char *out, double value)
{
    char *repr = PyOS_double_to_string(value, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (repr == NULL)
        return -1;
    char *o = out;
    if (strcmp(repr, "nan") == 0) {
        memcpy(o, "NaN", 3);
        o += 3;
    } else {
        const char *p = repr;
        while (*p != '\0' && *p != 'e')
            *o++ = *p++;
        if (*p == 'e') {
            *o++ = *p++;
            if (*p == '-')
                *o++ = *p;
            p++;  /* past the sign */
            while (*p == '0' && p[1] != '\0')
                p++;
            while (*p != '\0')
                *o++ = *p++;
        }
    }
    PyMem_Free(repr);
    return o - out;
}

/* repr(a) == "array([1.0, 2.5])", as Rust's format!("array({:?})", vec) prints it. */
static PyObject *array_repr(ArrayObject *self)
{
    if ((size_t)self->size > (PY_SSIZE_T_MAX - 16) / (MAX_ITEM_CHARS + 2))
        return PyErr_NoMemory();
    char *text = PyMem_Malloc(16 + (size_t)self->size * (MAX_ITEM_CHARS + 2));
    if (text == NULL)
        return PyErr_NoMemory();
    char *o = text;
    memcpy(o, "array([", 7);
    o += 7;
    for (Py_ssize_t i = 0; i < self->size; i++) {
        if (i > 0) {
            *o++ = ',';
            *o++ = ' ';
        }
        Py_ssize_t written = write_double(o, self->data[i]);
        if (written < 0) {
            PyMem_Free(text);
            return NULL;
        }
        o += written;
    }
    memcpy(o, "])", 2);
    o += 2;
    PyObject *result = PyUnicode_DecodeASCII(text, o - text, NULL);
    PyMem_Free(text);
    return result;
}

/* The items as one read-only, C-contiguous block of "d" values. */
static int array_getbuffer(ArrayObject *self, Py_buffer *view, int flags)
{
    if (flags & PyBUF_WRITABLE) {
        view->obj = NULL;
        PyErr_SetString(PyExc_BufferError, "the buffer is read-only");
        return -1;
    }
    view->buf = self->data;
    view->obj = Py_NewRef(self);
    view->len = self->size * (Py_ssize_t)sizeof(double);
    view->itemsize = sizeof(double);
    view->readonly = 1;
    view->ndim = 1;
    view->format = (flags & PyBUF_FORMAT) ? array_format : NULL;
    view->shape = (flags & PyBUF_ND) ? &self->size : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &array_stride : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    self->exports++;
    return 0;
}

static void array_releasebuffer(ArrayObject *self, Py_buffer *view)
{
    self->exports--;
}

static PyGetSetDef array_getset[] = {
    {"size", (getter)array_get_size, NULL, "The number of items.", NULL},
    {NULL},
};

static PyMethodDef array_methods[] = {
    {"tolist", (PyCFunction)array_tolist, METH_NOARGS,
     "tolist() -> the items as a list of floats"},
    {NULL},
};

/* len() fills both mp_length and sq_length, like the Rust `__len__`. */
static PyMappingMethods array_as_mapping = {
    .mp_length = (lenfunc)array_length,
    .mp_subscript = (binaryfunc)array_subscript,
    .mp_ass_subscript = (objobjargproc)array_ass_subscript,
};

static PySequenceMethods array_as_sequence = {
    .sq_length = (lenfunc)array_length,
};

static PyNumberMethods array_as_number = {
    .nb_add = array_add,
    .nb_multiply = array_multiply,
    .nb_true_divide = array_true_divide,
};

static PyBufferProcs array_as_buffer = {
    .bf_getbuffer = (getbufferproc)array_getbuffer,
    .bf_releasebuffer = (releasebufferproc)array_releasebuffer,
};

/* No BASETYPE flag: final, like the Rust class. */
static PyTypeObject ArrayType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "hpyarray_capi.array",
    .tp_basicsize = sizeof(ArrayObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "array(items): a one-dimensional array of float64 values, copied from a list of "
              "numbers.",
    .tp_new = array_new,
    .tp_dealloc = (destructor)array_dealloc,
    .tp_repr = (reprfunc)array_repr,
    .tp_getset = array_getset,
    .tp_methods = array_methods,
    .tp_as_mapping = &array_as_mapping,
    .tp_as_sequence = &array_as_sequence,
    .tp_as_number = &array_as_number,
    .tp_as_buffer = &array_as_buffer,
};

/* ---- module functions ------------------------------------------------------------------- */

/* The size argument of empty() and zeros(): a non-negative int (OverflowError if negative,
   TypeError if not an int, as for the Rust `usize`). */
static PyObject *new_zeroed(PyObject *n)
{
    size_t size = PyLong_AsSize_t(n);
    if (size == (size_t)-1 && PyErr_Occurred())
        return NULL;
    if (size > (size_t)PY_SSIZE_T_MAX)
        return PyErr_NoMemory();
    return (PyObject *)array_alloc(&ArrayType, (Py_ssize_t)size, 1);
}

/* empty() zeroes too (calloc), like the Rust one: results never depend on old memory. */
static PyObject *empty(PyObject *module, PyObject *n)
{
    return new_zeroed(n);
}

static PyObject *zeros(PyObject *module, PyObject *n)
{
    return new_zeroed(n);
}

static PyMethodDef module_methods[] = {
    {"empty", empty, METH_O, "empty(n) -> an array of n items"},
    {"zeros", zeros, METH_O, "zeros(n) -> an array of n zeros"},
    {NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "hpyarray_capi",
    .m_doc = "A one-dimensional float64 array type, in C (CPython C API).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit_hpyarray_capi(void)
{
    if (PyType_Ready(&ArrayType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&moduledef);
    if (module == NULL)
        return NULL;
    if (PyModule_AddObjectRef(module, "array", (PyObject *)&ArrayType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
