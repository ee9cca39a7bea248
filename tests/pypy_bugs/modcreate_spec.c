/* PyPy 7.3.19 hands an HPy_mod_create function a module object it made itself where HPy 0.9
 * passes the module spec (the `spec` given to hpy.universal.load). This module's create function
 * returns types.SimpleNamespace(received=<its argument>), so loading it shows what it got:
 *
 *   CPython: received is the ModuleSpec passed to load()     PyPy: a module 'modcreate_spec'
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include "hpy.h"

HPyDef_SLOT(create, HPy_mod_create)
static HPy create_impl(HPyContext *ctx, HPy spec)
{
    HPy result = HPy_NULL, namespace_type = HPy_NULL, kwargs = HPy_NULL;
    HPy types = HPyImport_ImportModule(ctx, "types");
    if (HPy_IsNull(types))
        return HPy_NULL;
    namespace_type = HPy_GetAttr_s(ctx, types, "SimpleNamespace");
    kwargs = HPyDict_New(ctx);
    if (!HPy_IsNull(namespace_type) && !HPy_IsNull(kwargs)
            && HPy_SetItem_s(ctx, kwargs, "received", spec) == 0)
        result = HPy_CallTupleDict(ctx, namespace_type, HPy_NULL, kwargs);
    HPy_Close(ctx, kwargs);
    HPy_Close(ctx, namespace_type);
    HPy_Close(ctx, types);
    return result;
}

static HPyDef *module_defines[] = { &create, NULL };
static HPyModuleDef moduledef = {
    .doc = NULL,
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(modcreate_spec, moduledef)
