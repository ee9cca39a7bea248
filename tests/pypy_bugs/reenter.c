/* PyPy 7.3.19's HPy debug mode rejects a context that is still valid: a module function that
 * calls back into Python, where the callback calls the module again, aborts the process with
 * "Error: Wrong HPy Context!" once the outer function uses its context after the inner call
 * returned. CPython's debug mode (hpy 0.9.0) accepts it.
 *
 *   call_back(lambda: call_back(lambda: answer()))   -> "'42'" on CPython, an abort on PyPy
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include "hpy.h"

HPyDef_METH(call_back, "call_back", HPyFunc_O)
static HPy call_back_impl(HPyContext *ctx, HPy self, HPy callback)
{
    HPy result = HPy_CallTupleDict(ctx, callback, HPy_NULL, HPy_NULL);
    if (HPy_IsNull(result))
        return HPy_NULL;
    /* The context of this call, used again after the nested call returned. */
    HPy text = HPy_Repr(ctx, result);
    HPy_Close(ctx, result);
    return text;
}

HPyDef_METH(answer, "answer", HPyFunc_NOARGS)
static HPy answer_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, 42);
}

static HPyDef *module_defines[] = { &call_back, &answer, NULL };
static HPyModuleDef moduledef = {
    .doc = "re-entrant calls under HPy's debug mode",
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(reenter, moduledef)
