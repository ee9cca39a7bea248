/* PyPy 7.3.19 implements the user-data accessor of the `Object` (and `Legacy`) shape only:
 * `_HPy_AsStruct_Long`, `_Float`, `_Unicode`, `_List` and `_Type` print "oops! calling the slot
 * 'c_ctx_AsStruct_Long', which is not implemented" and crash. Here an `int` subclass with a C
 * struct (shape `Long`, HPy 0.9's way to extend a builtin) stores a value and reads it back:
 *
 *   CPython: prints 7                       PyPy: "not implemented", then a segfault
 *
 * Written for hpy-rs's test suite (tests/python/test_pypy_bugs.py); plain C HPy, no hpy-rs.
 */
#include "hpy.h"

typedef struct {
    long tag;
} TaggedIntObject;

HPyType_HELPERS(TaggedIntObject, HPyType_BuiltinShape_Long)

HPyDef_METH(tag, "tag", HPyFunc_NOARGS)
static HPy tag_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, TaggedIntObject_AsStruct(ctx, self)->tag);
}

HPyDef_METH(set_tag, "set_tag", HPyFunc_O)
static HPy set_tag_impl(HPyContext *ctx, HPy self, HPy value)
{
    long tag = HPyLong_AsLong(ctx, value);
    if (tag == -1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    TaggedIntObject_AsStruct(ctx, self)->tag = tag;
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *tagged_int_defines[] = { &tag, &set_tag, NULL };
static HPyType_Spec tagged_int_spec = {
    .name = "builtin_shape.TaggedInt",
    .basicsize = sizeof(TaggedIntObject),
    .builtin_shape = SHAPE(TaggedIntObject),
    .defines = tagged_int_defines,
};

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy module)
{
    HPyType_SpecParam params[] = {
        { HPyType_SpecParam_Base, ctx->h_LongType },
        { (HPyType_SpecParam_Kind)0 }
    };
    HPy type = HPyType_FromSpec(ctx, &tagged_int_spec, params);
    if (HPy_IsNull(type))
        return -1;
    int status = HPy_SetAttr_s(ctx, module, "TaggedInt", type);
    HPy_Close(ctx, type);
    return status;
}

static HPyDef *module_defines[] = { &exec, NULL };
static HPyModuleDef moduledef = {
    .doc = NULL,
    .size = 0,
    .defines = module_defines,
};

HPy_MODINIT(builtin_shape, moduledef)
