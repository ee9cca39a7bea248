//! Validation of a [`ModuleModel`]: module name, docstring, misplaced markers, `#[hpy_exec]`
//! and `#[hpy_create]` signatures, what a create function excludes, and duplicate Python names. Problems inside a `#[hpy_function]` are not reported
//! here: that attribute reports them itself when it expands.

use super::model::{ExecEntry, MisplacedKind, ModuleModel};
use crate::attrs::Marker;
use crate::diagnostics::Diagnostics;
use crate::function::check::{check_python_name, DOC_NUL};
use crate::function::model::PyName;
use crate::signature::{
    check_shape, last_segment, type_is_named, Subject, CREATE_SIGNATURE, EXEC_SIGNATURE,
};
use syn::{FnArg, GenericArgument, PathArguments, ReturnType, Type};

/// Reports every module-level problem of `model` into `diag`.
pub fn check(model: &ModuleModel, diag: &mut Diagnostics) {
    check_module_name(&model.name.value, model.name.span, diag);
    if let Some(attr) = model.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
    }
    for u in &model.bad_type_uses {
        diag.error(
            &u.tree,
            "#[hpy_class]/#[hpy_exception] on a `use` adds one type declared elsewhere: \
             import exactly one name, like `#[hpy_class] use crate::shapes::Point;`",
        );
    }
    for m in &model.misplaced {
        let message = match m.kind {
            MisplacedKind::ConstOnNonConst => {
                "#[hpy_const] only works on `const` items, like \
                 `#[hpy_const] pub const ANSWER: i64 = 42;`"
            }
            MisplacedKind::UnnamedConst => {
                "#[hpy_const] needs a named constant (its name is the module attribute's name), \
                 not `const _`"
            }
            MisplacedKind::ExecOnNonFn => {
                "#[hpy_exec] only works on a function \
                 `fn name<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()>`"
            }
            MisplacedKind::ExecOnFunction => {
                "a function cannot be both #[hpy_function] and #[hpy_exec]; an exec function \
                 runs once when the module is created and is not callable from Python"
            }
            MisplacedKind::CreateOnNonFn => {
                "#[hpy_create] only works on a function \
                 `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`"
            }
            MisplacedKind::CreateOnFunction => {
                "a function cannot be both #[hpy_function] and #[hpy_create]; a create function \
                 runs once, when the module is imported, and is not callable from Python"
            }
            MisplacedKind::CreateOnExec => {
                "a function cannot be both #[hpy_exec] and #[hpy_create]; a create function \
                 makes the module's object, exec functions run on a module object HPy made"
            }
            MisplacedKind::Duplicate => match m.marker {
                Marker::Const => "duplicate #[hpy_const] attribute",
                Marker::Create => "duplicate #[hpy_create] attribute",
                _ => "duplicate #[hpy_exec] attribute",
            },
        };
        diag.error(&m.attr, message);
    }
    for exec in &model.execs {
        check_hook(exec, Hook::Exec, diag);
    }
    for create in &model.creates {
        check_hook(create, Hook::Create, diag);
    }
    check_create_alone(model, diag);
    for c in &model.consts {
        check_python_name(&c.py_name.value, c.py_name.span, diag);
    }
    check_duplicates(model, diag);
}

/// Reports a module name that cannot be part of the `HPyInit_<name>` symbol.
pub fn check_module_name(name: &str, span: proc_macro2::Span, diag: &mut Diagnostics) {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(first) => {
            (first.is_ascii_alphabetic() || first == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        None => false,
    };
    if !valid {
        diag.error_at(
            span,
            format_args!(
                "the Python module name `{}` must be an ASCII identifier (letters, digits and \
                 `_`, not starting with a digit), because it is part of the exported \
                 `HPyInit_<name>` symbol",
                name.escape_debug()
            ),
        );
    }
}

/// The two module hooks share the signature checks; only the wording and the second parameter
/// and the result differ.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hook {
    Exec,
    Create,
}

impl Hook {
    fn attr(self) -> &'static str {
        match self {
            Hook::Exec => "#[hpy_exec]",
            Hook::Create => "#[hpy_create]",
        }
    }

    fn signature(self) -> &'static str {
        match self {
            Hook::Exec => EXEC_SIGNATURE,
            Hook::Create => CREATE_SIGNATURE,
        }
    }

    fn subject(self) -> Subject {
        match self {
            Hook::Exec => Subject::Exec,
            Hook::Create => Subject::Create,
        }
    }

    /// What the second parameter is, and how it is written.
    fn second(self) -> (&'static str, &'static str) {
        match self {
            Hook::Exec => ("the module", "module: Borrowed<'py>"),
            Hook::Create => ("the module spec", "spec: Borrowed<'py>"),
        }
    }

    fn returns_ok(self, ty: &Type) -> bool {
        match self {
            Hook::Exec => is_pyresult_unit(ty),
            Hook::Create => is_pyresult_handle(ty),
        }
    }

    fn return_message(self) -> String {
        match self {
            Hook::Exec => format!(
                "#[hpy_exec] functions must return `PyResult<()>` (an error aborts the module's \
                 creation): `{EXEC_SIGNATURE}`"
            ),
            Hook::Create => format!(
                "#[hpy_create] functions must return `PyResult<Handle<'py>>` (the object \
                 `import` gives instead of a module; an error aborts the import): \
                 `{CREATE_SIGNATURE}`"
            ),
        }
    }
}

fn check_hook(entry: &ExecEntry, hook: Hook, diag: &mut Diagnostics) {
    let attr = hook.attr();
    let signature = hook.signature();
    let (second, second_param) = hook.second();
    check_shape(&entry.shape, hook.subject(), diag);
    for param_attr in &entry.hpy_param_attrs {
        diag.error(
            param_attr,
            format_args!(
                "`#[hpy(...)]` parameter attributes only apply to #[hpy_function]; an \
                 {attr} function is `{signature}`"
            ),
        );
    }
    let sig = &entry.sig;
    let typed: Vec<&syn::PatType> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(pt) => Some(pt),
            FnArg::Receiver(_) => None,
        })
        .collect();
    if typed.len() != 2 {
        let message = format!(
            "{attr} functions take exactly two parameters, the context and {second}: \
             `{signature}`"
        );
        if sig.inputs.is_empty() {
            diag.error_at(sig.paren_token.span.join(), message);
        } else {
            diag.error(&sig.inputs, message);
        }
    } else {
        if !type_is_named(&typed[0].ty, "Context") {
            diag.error(
                &typed[0].ty,
                format_args!(
                    "the first parameter of an {attr} function must be the context, \
                     `ctx: Context<'py>`: `{signature}`"
                ),
            );
        }
        if !type_is_named(&typed[1].ty, "Borrowed") {
            diag.error(
                &typed[1].ty,
                format_args!(
                    "the second parameter of an {attr} function must be {second}, \
                     `{second_param}`: `{signature}`"
                ),
            );
        }
    }
    let returns_ok = match &sig.output {
        ReturnType::Type(_, ty) => hook.returns_ok(ty),
        ReturnType::Default => false,
    };
    if !returns_ok {
        let message = hook.return_message();
        match &sig.output {
            ReturnType::Type(_, ty) => diag.error(ty, message),
            ReturnType::Default => diag.error_at(sig.paren_token.span.close(), message),
        }
    }
}

/// Why everything else is refused next to a create function, for messages.
const CREATE_ALONE: &str = "HPy only adds a docstring, functions, constants, exec slots, \
    classes, exceptions and HPyGlobals to module objects it creates itself, and a #[hpy_create] \
    function makes the object `import` gives instead (HPy refuses such a module definition)";

/// A `#[hpy_create]` function must be the module definition's only entry: one create function,
/// no docstring, nothing else exported.
fn check_create_alone(model: &ModuleModel, diag: &mut Diagnostics) {
    let Some(first) = model.creates.first() else {
        return;
    };
    let create = &first.sig.ident;
    let cfg_text = |cfgs: &[syn::Attribute]| quote::quote!(#(#cfgs)*).to_string();
    for (index, entry) in model.creates.iter().enumerate().skip(1) {
        let cfgs = cfg_text(&entry.cfgs);
        let clash = model.creates[..index].iter().find(|earlier| {
            let earlier = cfg_text(&earlier.cfgs);
            earlier == cfgs || earlier.is_empty() || cfgs.is_empty()
        });
        if let Some(earlier) = clash {
            diag.error(
                &entry.sig.ident,
                format_args!(
                    "only one #[hpy_create] function per module: `{}` already creates module \
                     `{}`",
                    earlier.sig.ident, model.name.value
                ),
            );
        }
    }
    if let Some((_, attr)) = model.doc.parts.first() {
        diag.error(
            attr,
            format_args!(
                "a module with a #[hpy_create] function (`{create}`) cannot have a docstring: \
                 {CREATE_ALONE}; remove the module's doc comments (set `__doc__` on the created \
                 object instead)"
            ),
        );
    }
    let mut refuse = |tokens: &dyn quote::ToTokens, what: String| {
        diag.error(
            tokens,
            format_args!(
                "{what} cannot be part of a module with a #[hpy_create] function (`{create}`): \
                 {CREATE_ALONE}"
            ),
        );
    };
    for f in &model.functions {
        refuse(&f.ident, format!("#[hpy_function] `{}`", f.ident));
    }
    for c in &model.consts {
        refuse(&c.ident, format!("#[hpy_const] `{}`", c.ident));
    }
    for e in &model.execs {
        refuse(&e.sig.ident, format!("#[hpy_exec] `{}`", e.sig.ident));
    }
    for t in &model.types {
        let attr = if t.exception {
            "#[hpy_exception]"
        } else {
            "#[hpy_class]"
        };
        refuse(&t.ident, format!("{attr} `{}`", t.ident));
    }
    for g in &model.globals {
        refuse(&g.ident, format!("`static {}: HPyGlobal`", g.ident));
    }
}

/// `T` in `PyResult<T>` (any path ending in `PyResult`, one type argument).
fn pyresult_arg(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    if segment.ident != "PyResult" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    let mut args = args.args.iter();
    match (args.next(), args.next()) {
        (Some(GenericArgument::Type(t)), None) => Some(t),
        _ => None,
    }
}

/// `PyResult<()>`.
fn is_pyresult_unit(ty: &Type) -> bool {
    matches!(pyresult_arg(ty), Some(Type::Tuple(t)) if t.elems.is_empty())
}

/// `PyResult<Handle<..>>` (any path ending in `Handle`).
fn is_pyresult_handle(ty: &Type) -> bool {
    pyresult_arg(ty).is_some_and(|t| type_is_named(t, "Handle"))
}

/// Functions and constants share the module's namespace: each Python name once. Two items
/// under different `#[cfg]`s may share a name (they may never be compiled together).
fn check_duplicates(model: &ModuleModel, diag: &mut Diagnostics) {
    struct Entry<'a> {
        py_name: &'a PyName,
        rust: String,
        rename: &'static str,
        cfgs: String,
    }
    let cfg_text = |cfgs: &[syn::Attribute]| quote::quote!(#(#cfgs)*).to_string();
    let entries: Vec<Entry<'_>> = model
        .functions
        .iter()
        .map(|f| Entry {
            py_name: &f.py_name,
            rust: format!("fn {}", f.ident),
            rename: "#[hpy_function(name = \"...\")]",
            cfgs: cfg_text(&f.cfgs),
        })
        .chain(model.consts.iter().map(|c| Entry {
            py_name: &c.py_name,
            rust: format!("const {}", c.ident),
            rename: "#[hpy_const(name = \"...\")]",
            cfgs: cfg_text(&c.cfgs),
        }))
        .chain(model.types.iter().map(|t| Entry {
            py_name: &t.py_name,
            rust: format!("struct {}", t.ident),
            rename: if t.exception {
                "#[hpy_exception(name = \"...\")]"
            } else {
                "#[hpy_class(name = \"...\")]"
            },
            cfgs: cfg_text(&t.cfgs),
        }))
        .collect();
    for (index, entry) in entries.iter().enumerate() {
        let clash = entries[..index].iter().find(|earlier| {
            earlier.py_name.value == entry.py_name.value
                && (earlier.cfgs == entry.cfgs || earlier.cfgs.is_empty() || entry.cfgs.is_empty())
        });
        if let Some(first) = clash {
            diag.error_at(
                entry.py_name.span,
                format_args!(
                    "duplicate Python name `{}` in module `{}`: `{}` already uses it; give one \
                     of them another name with `{}`",
                    entry.py_name.value, model.name.value, first.rust, entry.rename
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::analyze;
    use quote::quote;
    use syn::{parse_quote, ItemMod};

    fn messages(args: proc_macro2::TokenStream, item: ItemMod) -> Vec<String> {
        analyze(args, item).2.messages()
    }

    #[test]
    fn a_good_module_passes() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod quickstart {
                    #[hpy_function] fn add(a: i64, b: i64) -> i64 { a + b }
                    #[hpy_function] fn bad(self) {}
                    #[hpy_const] const ANSWER: i64 = 42;
                    #[hpy_exec] fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_exec] fn setup2<'py>(_: hpy::Context<'py>, _: hpy::Borrowed<'py>) -> hpy::PyResult<()> { Ok(()) }
                }
            },
        );
        // `bad` is reported by its own #[hpy_function], not by the module.
        assert!(m.is_empty(), "{m:#?}");
    }

    #[test]
    fn module_names() {
        for good in ["m", "_m", "_", "m2", "Ext_1"] {
            let mut d = Diagnostics::new();
            check_module_name(good, proc_macro2::Span::call_site(), &mut d);
            assert!(d.is_empty(), "{good}");
        }
        for bad in ["", "2m", "my-ext", "données", "a.b"] {
            let mut d = Diagnostics::new();
            check_module_name(bad, proc_macro2::Span::call_site(), &mut d);
            assert_eq!(d.len(), 1, "{bad}");
        }
        let m = messages(
            quote!(name = "my-ext"),
            parse_quote!(
                mod m {}
            ),
        );
        assert_eq!(m, ["the Python module name `my-ext` must be an ASCII identifier (letters, digits and `_`, not starting with a digit), because it is part of the exported `HPyInit_<name>` symbol"]);
    }

    #[test]
    fn duplicate_names() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod quickstart {
                    #[hpy_function] fn greet() {}
                    #[hpy_function(name = "greet")] fn greet_impl() {}
                    #[hpy_const(name = "greet")] const GREET: i64 = 1;
                    #[hpy_function(name = "X")] fn x() {}
                    #[hpy_const] const X: i64 = 1;
                    #[hpy_class] struct greet;
                }
            },
        );
        assert_eq!(
            m,
            [
                "duplicate Python name `greet` in module `quickstart`: `fn greet` already uses it; give one of them another name with `#[hpy_function(name = \"...\")]`",
                "duplicate Python name `greet` in module `quickstart`: `fn greet` already uses it; give one of them another name with `#[hpy_const(name = \"...\")]`",
                "duplicate Python name `X` in module `quickstart`: `fn x` already uses it; give one of them another name with `#[hpy_const(name = \"...\")]`",
                "duplicate Python name `greet` in module `quickstart`: `fn greet` already uses it; give one of them another name with `#[hpy_class(name = \"...\")]`",
            ]
        );
    }

    #[test]
    fn duplicate_names_under_different_cfgs_are_allowed() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod m {
                    #[cfg(unix)] #[hpy_function] fn path() {}
                    #[cfg(windows)] #[hpy_function] fn path() {}
                    #[cfg(unix)] #[hpy_function(name = "same")] fn same1() {}
                    #[cfg(unix)] #[hpy_function(name = "same")] fn same2() {}
                    #[cfg(unix)] #[hpy_const] const X: i64 = 1;
                    #[hpy_function(name = "X")] fn x() {}
                }
            },
        );
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("duplicate Python name `same`"));
        assert!(m[1].starts_with("duplicate Python name `X`"));
    }

    #[test]
    fn exec_signatures() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod m {
                    #[hpy_exec] fn no_params() -> PyResult<()> { Ok(()) }
                    #[hpy_exec] fn one<'py>(ctx: Context<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_exec] fn swapped<'py>(m: Borrowed<'py>, ctx: Context<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_exec] fn no_ret<'py>(ctx: Context<'py>, m: Borrowed<'py>) {}
                    #[hpy_exec] fn bad_ret<'py>(ctx: Context<'py>, m: Borrowed<'py>) -> PyResult<i64> { Ok(1) }
                    #[hpy_exec] async unsafe fn shape<'py, T>(ctx: Context<'py>, #[hpy(module)] m: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                }
            },
        );
        assert_eq!(m.len(), 10, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_exec] functions take exactly two parameters"));
        assert!(m[1].starts_with("#[hpy_exec] functions take exactly two parameters"));
        assert!(
            m[2].starts_with("the first parameter of an #[hpy_exec] function must be the context")
        );
        assert!(
            m[3].starts_with("the second parameter of an #[hpy_exec] function must be the module")
        );
        assert!(m[4].starts_with("#[hpy_exec] functions must return `PyResult<()>`"));
        assert!(m[5].starts_with("#[hpy_exec] functions must return `PyResult<()>`"));
        assert!(m[6].starts_with("#[hpy_exec] cannot be an `async fn`"));
        assert!(m[7].starts_with("#[hpy_exec] cannot be an `unsafe fn`"));
        assert!(m[8].contains("generic over the type `T`"));
        assert!(
            m[9].starts_with("`#[hpy(...)]` parameter attributes only apply to #[hpy_function]")
        );
    }

    #[test]
    fn a_create_module_passes() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod made {
                    use hpy::prelude::*;
                    #[hpy_create]
                    fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    fn helper() {}
                    const NOT_EXPORTED: i64 = 1;
                    static PLAIN: i64 = 1;
                }
            },
        );
        assert!(m.is_empty(), "{m:#?}");
        let m = messages(
            quote!(),
            parse_quote! {
                mod made {
                    #[hpy_create]
                    fn create<'py>(_: hpy::Context<'py>, _: hpy::Borrowed<'py>) -> hpy::PyResult<hpy::Handle<'py>> { todo!() }
                }
            },
        );
        assert!(m.is_empty(), "{m:#?}");
    }

    #[test]
    fn create_signatures() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod m {
                    #[cfg(a)] #[hpy_create] fn no_params() -> PyResult<Handle<'static>> { todo!() }
                    #[cfg(b)] #[hpy_create] fn swapped<'py>(s: Borrowed<'py>, ctx: Context<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[cfg(c)] #[hpy_create] fn unit<'py>(ctx: Context<'py>, s: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                    #[cfg(d)] #[hpy_create] fn no_ret<'py>(ctx: Context<'py>, s: Borrowed<'py>) {}
                    #[cfg(e)] #[hpy_create] fn bare<'py>(ctx: Context<'py>, s: Borrowed<'py>) -> Handle<'py> { todo!() }
                    #[cfg(f)] #[hpy_create] async fn shape<'py, T>(&self, ctx: Context<'py>, #[hpy(module)] s: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                }
            },
        );
        assert_eq!(m.len(), 10, "{m:#?}");
        assert_eq!(m[0], "#[hpy_create] functions take exactly two parameters, the context and the module spec: `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`");
        assert_eq!(m[1], "the first parameter of an #[hpy_create] function must be the context, `ctx: Context<'py>`: `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`");
        assert_eq!(m[2], "the second parameter of an #[hpy_create] function must be the module spec, `spec: Borrowed<'py>`: `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`");
        assert!(m[3].starts_with("#[hpy_create] functions must return `PyResult<Handle<'py>>`"));
        assert!(m[4].starts_with("#[hpy_create] functions must return `PyResult<Handle<'py>>`"));
        assert!(m[5].starts_with("#[hpy_create] functions must return `PyResult<Handle<'py>>`"));
        assert!(m[6].starts_with("#[hpy_create] cannot take `self`; it receives the module spec"));
        assert!(m[7].starts_with("#[hpy_create] cannot be an `async fn`"));
        assert!(m[8].contains("generic over the type `T`"));
        assert!(m[9].starts_with("`#[hpy(...)]` parameter attributes only apply to #[hpy_function]; an #[hpy_create] function is"));
    }

    #[test]
    fn a_create_function_comes_alone() {
        let m = messages(
            quote!(),
            parse_quote! {
                /// Doc.
                mod made {
                    #[hpy_create]
                    fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[hpy_create]
                    fn again<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[hpy_function] fn f() {}
                    #[hpy_const] const C: i64 = 1;
                    #[hpy_exec] fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_class] struct P;
                    #[hpy_exception] struct E;
                    static G: HPyGlobal = HPyGlobal::new();
                }
            },
        );
        let why = "HPy only adds a docstring, functions, constants, exec slots, classes, exceptions and HPyGlobals to module objects it creates itself, and a #[hpy_create] function makes the object `import` gives instead (HPy refuses such a module definition)";
        assert_eq!(
            m,
            [
                "only one #[hpy_create] function per module: `create` already creates module `made`".to_string(),
                format!("a module with a #[hpy_create] function (`create`) cannot have a docstring: {why}; remove the module's doc comments (set `__doc__` on the created object instead)"),
                format!("#[hpy_function] `f` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
                format!("#[hpy_const] `C` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
                format!("#[hpy_exec] `setup` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
                format!("#[hpy_class] `P` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
                format!("#[hpy_exception] `E` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
                format!("`static G: HPyGlobal` cannot be part of a module with a #[hpy_create] function (`create`): {why}"),
            ]
        );
    }

    #[test]
    fn create_functions_under_different_cfgs_are_allowed() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod made {
                    #[cfg(unix)] #[hpy_create]
                    fn a<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[cfg(windows)] #[hpy_create]
                    fn b<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                }
            },
        );
        assert!(m.is_empty(), "{m:#?}");
    }

    #[test]
    fn misplaced_create_markers() {
        let m = messages(
            quote!(),
            parse_quote! {
                mod m {
                    #[hpy_create] struct S;
                    #[hpy_create] #[hpy_function] fn both() {}
                    #[hpy_create] #[hpy_exec] fn hooks<'py>(c: Context<'py>, m: Borrowed<'py>) -> PyResult<()> { Ok(()) }
                    #[hpy_create] #[hpy_create] fn twice<'py>(c: Context<'py>, s: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                }
            },
        );
        assert_eq!(m.len(), 6, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_create] only works on a function"));
        assert!(m[1].starts_with("a function cannot be both #[hpy_function] and #[hpy_create]"));
        assert!(m[2].starts_with("a function cannot be both #[hpy_exec] and #[hpy_create]"));
        assert_eq!(m[3], "duplicate #[hpy_create] attribute");
        // The markers that stay valid still conflict with the one create function.
        assert!(m[4].starts_with("#[hpy_function] `both` cannot be part of a module with a #[hpy_create] function (`twice`)"));
        assert!(m[5].starts_with("#[hpy_exec] `hooks` cannot be part of a module with a #[hpy_create] function (`twice`)"));
    }

    #[test]
    fn misplaced_markers_and_bad_docs() {
        let m = messages(
            quote!(),
            parse_quote! {
                #[doc = "nul\0"]
                mod m {
                    #[hpy_const] static S: i64 = 1;
                    #[hpy_exec] #[hpy_function] fn both() {}
                    #[hpy_const(name = "")] const E: i64 = 1;
                }
            },
        );
        assert_eq!(m.len(), 4, "{m:#?}");
        assert!(m[0].starts_with("docstrings cannot contain NUL bytes"));
        assert!(m[1].starts_with("#[hpy_const] only works on `const` items"));
        assert!(m[2].starts_with("a function cannot be both #[hpy_function] and #[hpy_exec]"));
        assert_eq!(m[3], "the Python name cannot be empty");
    }
}
