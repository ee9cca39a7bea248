/* Micro experiment: cost of creating + destroying one small pure-HPy GC object with one HPyField,
   via HPy_New vs HPyType_GenericNew (which goes to tp_alloc = PyType_GenericAlloc). */
#include "hpy.h"

typedef struct { HPyField f; double x; } FooObject;
HPyType_HELPERS(FooObject)

HPyDef_SLOT(Foo_traverse, HPy_tp_traverse)
static int Foo_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    FooObject *p = (FooObject *)self;
    HPy_VISIT(&p->f);
    return 0;
}

static HPyDef *Foo_defines[] = { &Foo_traverse, NULL };
static HPyType_Spec Foo_spec = {
    .name = "newexp.Foo", .basicsize = sizeof(FooObject), .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .builtin_shape = HPyType_BuiltinShape_Object, .defines = Foo_defines,
};
static HPyGlobal g_Foo;

HPyDef_METH(via_new, "via_new", HPyFunc_O)
static HPy via_new_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy t = HPyGlobal_Load(ctx, g_Foo);
    FooObject *p;
    HPy h = HPy_New(ctx, t, &p);
    HPy_Close(ctx, t);
    if (HPy_IsNull(h)) return HPy_NULL;
    HPyField_Store(ctx, h, &p->f, arg);
    return h;
}

HPyDef_METH(via_generic, "via_generic", HPyFunc_O)
static HPy via_generic_impl(HPyContext *ctx, HPy self, HPy arg)
{
    HPy t = HPyGlobal_Load(ctx, g_Foo);
    HPy h = HPyType_GenericNew(ctx, t, NULL, 0, HPy_NULL);
    HPy_Close(ctx, t);
    if (HPy_IsNull(h)) return HPy_NULL;
    FooObject *p = FooObject_AsStruct(ctx, h);
    HPyField_Store(ctx, h, &p->f, arg);
    return h;
}

HPyDef_METH(noop, "noop", HPyFunc_O)
static HPy noop_impl(HPyContext *ctx, HPy self, HPy arg) { return HPy_Dup(ctx, arg); }

static int exec_mod(HPyContext *ctx, HPy m)
{
    HPy t;
    if (!HPyHelpers_AddType(ctx, m, "Foo", &Foo_spec, NULL)) return -1;
    t = HPy_GetAttr_s(ctx, m, "Foo");
    if (HPy_IsNull(t)) return -1;
    HPyGlobal_Store(ctx, &g_Foo, t);
    HPy_Close(ctx, t);
    return 0;
}
HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m) { return exec_mod(ctx, m); }

static HPyDef *module_defines[] = { &via_new, &via_generic, &noop, &mod_exec, NULL };
static HPyGlobal *module_globals[] = { &g_Foo, NULL };
static HPyModuleDef moduledef = { .defines = module_defines, .globals = module_globals };
HPy_MODINIT(newexp, moduledef)
