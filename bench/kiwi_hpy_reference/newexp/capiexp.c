/* C-API twin of newexp.c: heap GC type with one object field, tp_alloc + own tp_dealloc. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
typedef struct { PyObject_HEAD PyObject *f; double x; } FooObject;
static int Foo_traverse(FooObject *self, visitproc visit, void *arg) { Py_VISIT(self->f); return 0; }
static int Foo_clear(FooObject *self) { Py_CLEAR(self->f); return 0; }
static void Foo_dealloc(FooObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    Foo_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}
static PyType_Slot Foo_slots[] = {
    {Py_tp_traverse, Foo_traverse}, {Py_tp_clear, Foo_clear}, {Py_tp_dealloc, Foo_dealloc}, {0, 0}};
static PyType_Spec Foo_spec = {"capiexp.Foo", sizeof(FooObject), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, Foo_slots};
static PyTypeObject *Foo_type;
static PyObject *via_alloc(PyObject *m, PyObject *arg)
{
    FooObject *p = (FooObject *)Foo_type->tp_alloc(Foo_type, 0);
    if (!p) return NULL;
    Py_INCREF(arg);
    p->f = arg;
    return (PyObject *)p;
}
static PyObject *noop(PyObject *m, PyObject *arg) { Py_INCREF(arg); return arg; }
static PyMethodDef methods[] = {{"via_alloc", via_alloc, METH_O, 0}, {"noop", noop, METH_O, 0}, {0}};
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "capiexp", 0, -1, methods};
PyMODINIT_FUNC PyInit_capiexp(void)
{
    PyObject *m = PyModule_Create(&mod);
    if (!m) return NULL;
    Foo_type = (PyTypeObject *)PyType_FromSpec(&Foo_spec);
    if (!Foo_type) return NULL;
    Py_INCREF(Foo_type);
    PyModule_AddObject(m, "Foo", (PyObject *)Foo_type);
    return m;
}
