/* microbench_chpy: the benchmark reference for examples/microbench, written in C against HPy 0.9.
 *
 * It has exactly the Python API of the Rust module `microbench` (examples/microbench/src/lib.rs)
 * and does as little per call as idiomatic C HPy allows, so that the benchmark measures what
 * hpy-rs adds on top of the bare HPy calling convention. Built in both HPy ABIs by setup.py.
 */

#include <stdio.h>

#include "hpy.h"

/* ---- module functions (also used as methods of Foo, where they ignore self) ------------- */

// ANCHOR: conventions
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
// ANCHOR_END: conventions

// ANCHOR: call_with_tuple
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
// ANCHOR_END: call_with_tuple

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

// ANCHOR: allocate_tuple
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
// ANCHOR_END: allocate_tuple

/* ---- dicts, sets and the interpreter lock (hpy-rs's PyDict view, map/set conversions and
   Context::allow_threads; not in HPy's microbench). HPy 0.9 has no dict iteration and no set
   API: the dict is walked as hpy-rs's PyDict::iter walks it (HPyDict_Keys, then one lookup per
   key), a set through a Python-level call (list(s)); the conversions only validate and count
   the items, where the Rust variants also build a HashMap/HashSet. ------------------------ */

// ANCHOR: sum_dict_values
HPyDef_METH(sum_dict_values, "sum_dict_values", HPyFunc_O,
            .doc = "sum_dict_values(d) -> the sum of the (int) values of the dict d")
static HPy sum_dict_values_impl(HPyContext *ctx, HPy self, HPy d)
{
    if (!HPyDict_Check(ctx, d))
        return HPyErr_SetString(ctx, ctx->h_TypeError, "sum_dict_values() argument must be dict");
    HPy keys = HPyDict_Keys(ctx, d);
    if (HPy_IsNull(keys))
        return HPy_NULL;
    HPy_ssize_t n = HPy_Length(ctx, keys);
    unsigned long sum = 0; /* wraps around, like the Rust wrapping_add */
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy key = HPy_GetItem_i(ctx, keys, i);
        if (HPy_IsNull(key))
            goto error;
        HPy value = HPy_GetItem(ctx, d, key);
        HPy_Close(ctx, key);
        if (HPy_IsNull(value))
            goto error;
        long v = HPyLong_AsLong(ctx, value);
        HPy_Close(ctx, value);
        if (v == -1 && HPyErr_Occurred(ctx))
            goto error;
        sum += (unsigned long)v;
    }
    HPy_Close(ctx, keys);
    return HPyLong_FromLong(ctx, (long)sum);
error:
    HPy_Close(ctx, keys);
    return HPy_NULL;
}
// ANCHOR_END: sum_dict_values

HPyDef_METH(dict_len_via_map, "dict_len_via_map", HPyFunc_O,
            .doc = "dict_len_via_map(d) -> len(d), after reading every str key and int value")
static HPy dict_len_via_map_impl(HPyContext *ctx, HPy self, HPy d)
{
    if (!HPyDict_Check(ctx, d))
        return HPyErr_SetString(ctx, ctx->h_TypeError, "dict_len_via_map() argument must be dict");
    HPy keys = HPyDict_Keys(ctx, d);
    if (HPy_IsNull(keys))
        return HPy_NULL;
    HPy_ssize_t n = HPy_Length(ctx, keys);
    HPy_ssize_t count = 0;
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy key = HPy_GetItem_i(ctx, keys, i);
        if (HPy_IsNull(key))
            goto error;
        if (!HPyUnicode_Check(ctx, key)) {
            HPy_Close(ctx, key);
            HPyErr_SetString(ctx, ctx->h_TypeError, "dict keys must be str");
            goto error;
        }
        HPy_ssize_t size;
        const char *utf8 = HPyUnicode_AsUTF8AndSize(ctx, key, &size);
        if (utf8 == NULL) {
            HPy_Close(ctx, key);
            goto error;
        }
        HPy value = HPy_GetItem(ctx, d, key);
        HPy_Close(ctx, key);
        if (HPy_IsNull(value))
            goto error;
        long v = HPyLong_AsLong(ctx, value);
        HPy_Close(ctx, value);
        if (v == -1 && HPyErr_Occurred(ctx))
            goto error;
        count++; /* the keys of a dict are distinct: the count is the map's length */
    }
    HPy_Close(ctx, keys);
    return HPyLong_FromSsize_t(ctx, count);
error:
    HPy_Close(ctx, keys);
    return HPy_NULL;
}

// ANCHOR: make_dict
HPyDef_METH(make_dict, "make_dict", HPyFunc_O,
            .doc = "make_dict(n) -> {str(i): i for i in range(n)}, 0 <= n < 65536")
static HPy make_dict_impl(HPyContext *ctx, HPy self, HPy arg)
{
    long n = HPyLong_AsLong(ctx, arg);
    if (n == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (n < 0 || n > 65535)
        return HPyErr_SetString(ctx, ctx->h_OverflowError, "make_dict() argument out of range");
    HPy dict = HPyDict_New(ctx);
    if (HPy_IsNull(dict))
        return HPy_NULL;
    for (long i = 0; i < n; i++) {
        char buffer[24];
        snprintf(buffer, sizeof buffer, "%ld", i);
        HPy key = HPyUnicode_FromString(ctx, buffer);
        if (HPy_IsNull(key))
            goto error;
        HPy value = HPyLong_FromLong(ctx, i);
        if (HPy_IsNull(value)) {
            HPy_Close(ctx, key);
            goto error;
        }
        int status = HPy_SetItem(ctx, dict, key, value);
        HPy_Close(ctx, key);
        HPy_Close(ctx, value);
        if (status < 0)
            goto error;
    }
    return dict;
error:
    HPy_Close(ctx, dict);
    return HPy_NULL;
}
// ANCHOR_END: make_dict

// ANCHOR: keywords
/* Keyword calls: HPyArg_ParseKeywords, which is what a C HPy author reaches for. It cannot
   express a required keyword-only parameter ('$' must follow '|'), so `kw_only`'s are optional
   in every variant. */
HPyDef_METH(kw_defaults, "kw_defaults", HPyFunc_KEYWORDS,
            .doc = "kw_defaults(a, b=1, c=2) -> a + b + c")
static HPy kw_defaults_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs,
                            HPy kwnames)
{
    static const char *kwlist[] = {"a", "b", "c", NULL};
    long a, b = 1, c = 2;
    HPyTracker ht;
    if (!HPyArg_ParseKeywords(ctx, &ht, args, nargs, kwnames, "l|ll:kw_defaults", kwlist,
                              &a, &b, &c))
        return HPy_NULL;
    HPyTracker_Close(ctx, ht);
    return HPyLong_FromLong(ctx, a + b + c);
}

HPyDef_METH(kw_only, "kw_only", HPyFunc_KEYWORDS,
            .doc = "kw_only(a, *, b=1, c=2) -> a + b + c")
static HPy kw_only_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *kwlist[] = {"a", "b", "c", NULL};
    long a, b = 1, c = 2;
    HPyTracker ht;
    if (!HPyArg_ParseKeywords(ctx, &ht, args, nargs, kwnames, "l|$ll:kw_only", kwlist, &a, &b,
                              &c))
        return HPy_NULL;
    HPyTracker_Close(ctx, ht);
    return HPyLong_FromLong(ctx, a + b + c);
}
// ANCHOR_END: keywords

// ANCHOR: kw_extra
/* HPyArg_ParseKeywords rejects unknown keywords, so **kwargs is collected by hand: the
   keyword values follow the positional ones in `args`, their names are in `kwnames`. */
HPyDef_METH(kw_extra, "kw_extra", HPyFunc_KEYWORDS,
            .doc = "kw_extra(a, /, **kwargs) -> a + len(kwargs)")
static HPy kw_extra_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    if (nargs != 1)
        return HPyErr_Format(ctx, ctx->h_TypeError,
                             "kw_extra() takes exactly 1 positional argument (%zd given)",
                             (HPy_ssize_t)nargs);
    long a = HPyLong_AsLong(ctx, args[0]);
    if (a == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    HPy kwargs = HPyDict_New(ctx);
    if (HPy_IsNull(kwargs))
        return HPy_NULL;
    HPy_ssize_t nkw = HPy_IsNull(kwnames) ? 0 : HPy_Length(ctx, kwnames);
    for (HPy_ssize_t i = 0; i < nkw; i++) {
        HPy name = HPy_GetItem_i(ctx, kwnames, i);
        if (HPy_IsNull(name))
            goto error;
        int status = HPy_SetItem(ctx, kwargs, name, args[nargs + i]);
        HPy_Close(ctx, name);
        if (status < 0)
            goto error;
    }
    HPy_ssize_t count = HPy_Length(ctx, kwargs);
    HPy_Close(ctx, kwargs);
    if (count < 0)
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a + (long)count);
error:
    HPy_Close(ctx, kwargs);
    return HPy_NULL;
}
// ANCHOR_END: kw_extra

/* HPy_Close of HPy_NULL is not allowed in the debug mode. */
static void close_if_set(HPyContext *ctx, HPy h)
{
    if (!HPy_IsNull(h))
        HPy_Close(ctx, h);
}

HPyDef_METH(set_len_via_hashset, "set_len_via_hashset", HPyFunc_O,
            .doc = "set_len_via_hashset(s) -> len(s), after reading every int item of the set s")
static HPy set_len_via_hashset_impl(HPyContext *ctx, HPy self, HPy s)
{
    HPy result = HPy_NULL, set_type = HPy_NULL, frozenset_type = HPy_NULL, list_type = HPy_NULL;
    HPy args = HPy_NULL, items = HPy_NULL;
    HPy builtins = HPyImport_ImportModule(ctx, "builtins");
    if (HPy_IsNull(builtins))
        return HPy_NULL;
    set_type = HPy_GetAttr_s(ctx, builtins, "set");
    if (HPy_IsNull(set_type))
        goto done;
    frozenset_type = HPy_GetAttr_s(ctx, builtins, "frozenset");
    if (HPy_IsNull(frozenset_type))
        goto done;
    if (!HPy_TypeCheck(ctx, s, set_type) && !HPy_TypeCheck(ctx, s, frozenset_type)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "set_len_via_hashset() argument must be a set");
        goto done;
    }
    list_type = HPy_GetAttr_s(ctx, builtins, "list");
    if (HPy_IsNull(list_type))
        goto done;
    args = HPyTuple_Pack(ctx, 1, s);
    if (HPy_IsNull(args))
        goto done;
    items = HPy_CallTupleDict(ctx, list_type, args, HPy_NULL);
    if (HPy_IsNull(items))
        goto done;
    HPy_ssize_t n = HPy_Length(ctx, items);
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, items, i);
        if (HPy_IsNull(item))
            goto done;
        long v = HPyLong_AsLong(ctx, item);
        HPy_Close(ctx, item);
        if (v == -1 && HPyErr_Occurred(ctx))
            goto done;
    }
    result = HPyLong_FromSsize_t(ctx, n); /* the items of a set are distinct */
done:
    close_if_set(ctx, items);
    close_if_set(ctx, args);
    close_if_set(ctx, list_type);
    close_if_set(ctx, frozenset_type);
    close_if_set(ctx, set_type);
    HPy_Close(ctx, builtins);
    return result;
}

// ANCHOR: release_gil
HPyDef_METH(release_gil, "release_gil", HPyFunc_NOARGS,
            .doc = "release_gil() -> None, after releasing and taking back the interpreter lock")
static HPy release_gil_impl(HPyContext *ctx, HPy self)
{
    HPyThreadState state = HPy_LeavePythonExecution(ctx);
    HPy_ReenterPythonExecution(ctx, state);
    return HPy_Dup(ctx, ctx->h_None);
}
// ANCHOR_END: release_gil

/* ---- Foo ---------------------------------------------------------------------------------- */

// ANCHOR: foo_struct
typedef struct {
    long x;
    long y;
} FooObject;

HPyType_HELPERS(FooObject)

HPyDef_MEMBER(Foo_x, "x", HPyMember_LONG, offsetof(FooObject, x), .readonly = 1)
HPyDef_MEMBER(Foo_y, "y", HPyMember_LONG, offsetof(FooObject, y), .readonly = 1)
// ANCHOR_END: foo_struct

// ANCHOR: foo_new
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
// ANCHOR_END: foo_new

// ANCHOR: foo_slots
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
// ANCHOR_END: foo_slots

// ANCHOR: foo_spec
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
// ANCHOR_END: foo_spec

/* ---- module ------------------------------------------------------------------------------ */

// ANCHOR: exec
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
// ANCHOR_END: exec

// ANCHOR: module
static HPyDef *module_defines[] = {
    &noargs,
    &onearg,
    &varargs,
    &call_with_tuple,
    &call_with_tuple_and_dict,
    &allocate_int,
    &allocate_tuple,
    &sum_dict_values,
    &dict_len_via_map,
    &make_dict,
    &set_len_via_hashset,
    &release_gil,
    &kw_defaults,
    &kw_only,
    &kw_extra,
    &microbench_exec,
    NULL,
};

static HPyModuleDef moduledef = {
    .doc = "HPy microbenchmarks, in C (HPy).",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(microbench_chpy, moduledef)
// ANCHOR_END: module
