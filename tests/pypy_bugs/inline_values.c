/* HPy 0.9.0 marks the types it creates with bit 2 of tp_flags (HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE,
 * ctx_type.c), which CPython 3.13 took for Py_TPFLAGS_INLINE_VALUES: looking up an attribute on
 * an instance of any HPy type then reads inline values that do not exist
 * (hpyproject/hpy#493; HPy 0.9 does not support CPython 3.13, hpyproject/hpy#490).
 * A type with one method, called through the instance:
 *
 *   CPython 3.8-3.12: prints "42 42"        CPython 3.13+: a segfault or a SystemError
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include "hpy.h"

typedef struct {
    long value;
} BoxObject;

HPyType_HELPERS(BoxObject)

HPyDef_SLOT(box_new, HPy_tp_new)
static HPy box_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    BoxObject *box;
    HPy h = HPy_New(ctx, cls, &box);
    if (!HPy_IsNull(h))
        box->value = 42;
    return h;
}

HPyDef_METH(value, "value", HPyFunc_NOARGS)
static HPy value_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, BoxObject_AsStruct(ctx, self)->value);
}

static HPyDef *box_defines[] = { &box_new, &value, NULL };
static HPyType_Spec box_spec = {
    .name = "inline_values.Box",
    .basicsize = sizeof(BoxObject),
    .builtin_shape = SHAPE(BoxObject),
    .defines = box_defines,
};

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy module)
{
    HPy type = HPyType_FromSpec(ctx, &box_spec, NULL);
    if (HPy_IsNull(type))
        return -1;
    int status = HPy_SetAttr_s(ctx, module, "Box", type);
    HPy_Close(ctx, type);
    return status;
}

static HPyDef *module_defines[] = { &exec, NULL };
static HPyModuleDef moduledef = {
    .doc = NULL,
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(inline_values, moduledef)
