/* microbench_chpy: the benchmark reference for examples/microbench, written in C against HPy 0.9.
 *
 * It has exactly the Python API of the Rust module `microbench` (examples/microbench/src/lib.rs)
 * and does as little per call as idiomatic C HPy allows, so that the benchmark measures what
 * hpy-rs adds on top of the bare HPy calling convention. Built in both HPy ABIs by setup.py.
 */

#include "hpy.h"

/* ---- module functions (also used as methods of Foo, where they ignore self) ------------- */

HPyDef_METH(noargs, "noargs", HPyFunc_NOARGS, .doc = "noargs() -> None (NOARGS)")
static HPy noargs_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(onearg, "onearg", HPyFunc_O, .doc = "onearg(x) -> None (O)")
static HPy onearg_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(varargs, "varargs", HPyFunc_VARARGS, .doc = "varargs(*args) -> None (VARARGS)")
static HPy varargs_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPy_Dup(ctx, ctx->h_None);
}

/* VARARGS plus a count check is cheaper than HPyArg_Parse for a fixed number of handles. */
HPyDef_METH(call_with_tuple, "call_with_tuple", HPyFunc_VARARGS,
            .doc = "call_with_tuple(f, args) -> f(*args)")
static HPy call_with_tuple_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2)
        return HPyErr_Format(ctx, ctx->h_TypeError,
                             "call_with_tuple() takes exactly 2 arguments (%zd given)",
                             (HPy_ssize_t)nargs);
    /* HPy_CallTupleDict itself raises TypeError if args is not a tuple. */
    return HPy_CallTupleDict(ctx, args[0], args[1], HPy_NULL);
}

HPyDef_METH(call_with_tuple_and_dict, "call_with_tuple_and_dict", HPyFunc_VARARGS,
            .doc = "call_with_tuple_and_dict(f, args, kw) -> f(*args, **kw)")
static HPy call_with_tuple_and_dict_impl(HPyContext *ctx, HPy self, const HPy *args,
                                         size_t nargs)
{
    if (nargs != 3)
        return HPyErr_Format(ctx, ctx->h_TypeError,
                             "call_with_tuple_and_dict() takes exactly 3 arguments (%zd given)",
                             (HPy_ssize_t)nargs);
    return HPy_CallTupleDict(ctx, args[0], args[1], args[2]);
}

HPyDef_METH(allocate_int, "allocate_int", HPyFunc_NOARGS,
            .doc = "allocate_int() -> 2048 (a new int object)")
static HPy allocate_int_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, 2048);
}

HPyDef_METH(allocate_tuple, "allocate_tuple", HPyFunc_NOARGS,
            .doc = "allocate_tuple() -> (2048, 2049)")
static HPy allocate_tuple_impl(HPyContext *ctx, HPy self)
{
    HPy items[2];
    items[0] = HPyLong_FromLong(ctx, 2048);
    if (HPy_IsNull(items[0]))
        return HPy_NULL;
    items[1] = HPyLong_FromLong(ctx, 2049);
    if (HPy_IsNull(items[1])) {
        HPy_Close(ctx, items[0]);
        return HPy_NULL;
    }
    /* HPyTuple_FromArray does not steal: the items are closed after it. */
    HPy result = HPyTuple_FromArray(ctx, items, 2);
    HPy_Close(ctx, items[0]);
    HPy_Close(ctx, items[1]);
    return result;
}

/* ---- Foo ---------------------------------------------------------------------------------- */

typedef struct {
    long x;
    long y;
} FooObject;

HPyType_HELPERS(FooObject)

HPyDef_MEMBER(Foo_x, "x", HPyMember_LONG, offsetof(FooObject, x), .readonly = 1)
HPyDef_MEMBER(Foo_y, "y", HPyMember_LONG, offsetof(FooObject, y), .readonly = 1)

/* Foo() takes no arguments, like the Rust `#[new] fn new() -> Self`. */
HPyDef_SLOT(Foo_new, HPy_tp_new)
static HPy Foo_new_impl(HPyContext *ctx, HPy type, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (nargs != 0)
        return HPyErr_Format(ctx, ctx->h_TypeError, "Foo() takes no arguments (%zd given)",
                             nargs);
    if (!HPy_IsNull(kw) && HPy_Length(ctx, kw) != 0)
        return HPyErr_SetString(ctx, ctx->h_TypeError, "Foo() takes no keyword arguments");
    FooObject *foo;
    HPy h = HPy_New(ctx, type, &foo);
    if (HPy_IsNull(h))
        return HPy_NULL;
    foo->x = 0;
    foo->y = 0;
    return h;
}

HPyDef_SLOT(Foo_length, HPy_sq_length)
static HPy_ssize_t Foo_length_impl(HPyContext *ctx, HPy self)
{
    return 42;
}

/* foo[i] is None for every integer i. The mapping slot, as in the Rust and PyO3 versions:
   CPython tries it first, and reaches it with less work than sq_item (no index adjustment).
   The index is converted (and a non-integer refused) exactly as they do. */
HPyDef_SLOT(Foo_item, HPy_mp_subscript)
static HPy Foo_item_impl(HPyContext *ctx, HPy self, HPy key)
{
    HPy_ssize_t index = HPyLong_AsSsize_t(ctx, key);
    if (index == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *Foo_defines[] = {
    &Foo_new,
    &Foo_x,
    &Foo_y,
    &Foo_length,
    &Foo_item,
    /* The module functions' definitions serve as methods too: none of them uses self. */
    &noargs,
    &onearg,
    &varargs,
    &allocate_int,
    &allocate_tuple,
    NULL,
};

/* No BASETYPE flag and no __dict__: Foo is final and frozen like the Rust `#[hpy_class(frozen)]`. */
static HPyType_Spec Foo_spec = {
    .name = "microbench_chpy.Foo",
    .basicsize = sizeof(FooObject),
    .flags = HPy_TPFLAGS_DEFAULT,
    .builtin_shape = SHAPE(FooObject),
    .defines = Foo_defines,
    .doc = "A small object with two C longs.",
};

/* ---- module ------------------------------------------------------------------------------ */

HPyDef_SLOT(microbench_exec, HPy_mod_exec)
static int microbench_exec_impl(HPyContext *ctx, HPy module)
{
    if (!HPyHelpers_AddType(ctx, module, "Foo", &Foo_spec, NULL))
        return -1;
    /* C HPy's original has a static Foo and a heap type HTFoo; with HPy both are one heap type. */
    HPy foo = HPy_GetAttr_s(ctx, module, "Foo");
    if (HPy_IsNull(foo))
        return -1;
    int result = HPy_SetAttr_s(ctx, module, "HTFoo", foo);
    HPy_Close(ctx, foo);
    return result;
}

static HPyDef *module_defines[] = {
    &noargs,
    &onearg,
    &varargs,
    &call_with_tuple,
    &call_with_tuple_and_dict,
    &allocate_int,
    &allocate_tuple,
    &microbench_exec,
    NULL,
};

static HPyModuleDef moduledef = {
    .doc = "HPy microbenchmarks, in C (HPy).",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(microbench_chpy, moduledef)
