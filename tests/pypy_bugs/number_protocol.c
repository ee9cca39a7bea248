/* PyPy 7.3.19's HPy number and integer functions differ from HPy's CPython implementation:
 *
 *   inplace_pow(2, "a")     HPy_InPlacePower's TypeError says "for ** or pow()", where
 *                           CPython's (and PyPy's own operator.ipow) says "for **=";
 *   is_number(1j), is_number(IndexLike())
 *                           HPyNumber_Check is false for complex and for a type with only
 *                           __index__ (CPython 3.10+: true for both);
 *   as_int32(2**32)         HPyLong_AsInt32_t gives 0 instead of raising OverflowError;
 *   as_void_ptr(2**63)      HPyLong_AsVoidPtr raises OverflowError for an address >= 2**63;
 *   to_bytes([1, 2])        HPy_Bytes refuses an iterable of ints (PyObject_Bytes takes it);
 *   as_int64(IntLike())     HPyLong_AsInt64_t takes __int__, which CPython 3.10+ never calls.
 *
 * hpy-rs works around all but the first (tests/python/test_objects.py). The driver prints one
 * line of the results; CPython's hpy.universal gives the right one.
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include "hpy.h"

HPyDef_METH(inplace_pow, "inplace_pow", HPyFunc_VARARGS)
static HPy inplace_pow_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    return HPy_InPlacePower(ctx, args[0], args[1], ctx->h_None);
}

HPyDef_METH(is_number, "is_number", HPyFunc_O)
static HPy is_number_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPyBool_FromBool(ctx, HPyNumber_Check(ctx, arg));
}

HPyDef_METH(as_int32, "as_int32", HPyFunc_O)
static HPy as_int32_impl(HPyContext *ctx, HPy self, HPy arg)
{
    int32_t value = HPyLong_AsInt32_t(ctx, arg);
    if (value == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromInt32_t(ctx, value);
}

HPyDef_METH(as_int64, "as_int64", HPyFunc_O)
static HPy as_int64_impl(HPyContext *ctx, HPy self, HPy arg)
{
    int64_t value = HPyLong_AsInt64_t(ctx, arg);
    if (value == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromInt64_t(ctx, value);
}

HPyDef_METH(as_void_ptr, "as_void_ptr", HPyFunc_O)
static HPy as_void_ptr_impl(HPyContext *ctx, HPy self, HPy arg)
{
    void *value = HPyLong_AsVoidPtr(ctx, arg);
    if (value == NULL && HPyErr_Occurred(ctx))
        return HPy_NULL;
    return HPyLong_FromSize_t(ctx, (size_t)value);
}

HPyDef_METH(to_bytes, "to_bytes", HPyFunc_O)
static HPy to_bytes_impl(HPyContext *ctx, HPy self, HPy arg)
{
    return HPy_Bytes(ctx, arg);
}

static HPyDef *module_defines[] = {
    &inplace_pow, &is_number, &as_int32, &as_int64, &as_void_ptr, &to_bytes, NULL
};
static HPyModuleDef moduledef = {
    .doc = "HPy's number protocol and integer conversions",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(number_protocol, moduledef)
