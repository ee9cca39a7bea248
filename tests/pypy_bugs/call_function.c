/* PyPy 7.3.19's HPy_SetCallFunction installs the call function on the *type* (it sets the
 * type's __call__), not on the one object it is given: every instance of the type, those made
 * before and after, and those that never had a call function set, then run the last one set.
 * On CPython (hpy 0.9.0) it writes the object's own vectorcall pointer, as HPy specifies:
 * "per-instance call functions".
 *
 *   a = Calc(1); b = Calc(2); c = Calc(0)      # 1: add, 2: mul, 0: none (HPy_tp_call runs)
 *   a(3, 4), b(3, 4), c(3, 4)                   -> 7 12 'default' on CPython, 12 12 12 on PyPy
 *
 * The HPy that PyPy 7.3.19 bundles (0.9.1.dev61) has one more handle constant, h_DictType, right
 * before the context's last 19 functions, so a binary built with hpy 0.9.0's headers finds
 * ctx_SetCallFunction one word further on PyPy (hpy-rs does the same: hpy-sys/src/context_layout.rs);
 * set_call_function() below does that, so that the call reaches PyPy's HPy_SetCallFunction.
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include <string.h>
#include "hpy.h"

typedef int (*SetCallFunction)(HPyContext *, HPy, HPyCallFunction *);

static int set_call_function(HPyContext *ctx, HPy h, HPyCallFunction *func)
{
    if (ctx->name != NULL && strstr(ctx->name, "PyPy") != NULL) {
        SetCallFunction f;
        memcpy(&f, (char *)&ctx->ctx_SetCallFunction + sizeof(void *), sizeof f);
        return f(ctx, h, func);
    }
    return HPy_SetCallFunction(ctx, h, func);
}

typedef struct { long unused; } CalcObject;
HPyType_HELPERS(CalcObject)

HPyDef_SLOT(Calc_call, HPy_tp_call)
static HPy Calc_call_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    return HPyUnicode_FromString(ctx, "default");
}

static HPy two_longs(HPyContext *ctx, const HPy *args, size_t nargs, HPy kwnames, long *a, long *b)
{
    if (nargs != 2 || !HPy_IsNull(kwnames)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "expected two positional arguments");
        return HPy_NULL;
    }
    *a = HPyLong_AsLong(ctx, args[0]);
    *b = HPyLong_AsLong(ctx, args[1]);
    return HPyErr_Occurred(ctx) ? HPy_NULL : ctx->h_None;
}

HPyDef_CALL_FUNCTION(add)
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    long a, b;
    if (HPy_IsNull(two_longs(ctx, args, nargs, kwnames, &a, &b)))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a + b);
}

HPyDef_CALL_FUNCTION(mul)
static HPy mul_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    long a, b;
    if (HPy_IsNull(two_longs(ctx, args, nargs, kwnames, &a, &b)))
        return HPy_NULL;
    return HPyLong_FromLong(ctx, a * b);
}

/* Calc(op): 1 installs `add`, 2 installs `mul`, anything else none. */
HPyDef_SLOT(Calc_new, HPy_tp_new)
static HPy Calc_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    if (nargs != 1) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Calc(op) takes one argument");
        return HPy_NULL;
    }
    long op = HPyLong_AsLong(ctx, args[0]);
    if (op == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    CalcObject *data;
    HPy h = HPy_New(ctx, cls, &data);
    if (HPy_IsNull(h))
        return HPy_NULL;
    HPyCallFunction *func = op == 1 ? &add : op == 2 ? &mul : NULL;
    if (func != NULL && set_call_function(ctx, h, func) < 0) {
        HPy_Close(ctx, h);
        return HPy_NULL;
    }
    return h;
}

static HPyDef *Calc_defines[] = { &Calc_call, &Calc_new, NULL };
static HPyType_Spec Calc_spec = {
    .name = "call_function.Calc",
    .basicsize = sizeof(CalcObject),
    .builtin_shape = SHAPE(CalcObject),
    .defines = Calc_defines,
};

HPyDef_SLOT(exec_module, HPy_mod_exec)
static int exec_module_impl(HPyContext *ctx, HPy m)
{
    HPy type = HPyType_FromSpec(ctx, &Calc_spec, NULL);
    if (HPy_IsNull(type))
        return -1;
    int result = HPy_SetAttr_s(ctx, m, "Calc", type);
    HPy_Close(ctx, type);
    return result;
}

static HPyDef *module_defines[] = { &exec_module, NULL };
static HPyModuleDef moduledef = {
    .doc = "per-instance call functions (HPy_SetCallFunction)",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(call_function, moduledef)
