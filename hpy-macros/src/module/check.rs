//! Validation of a [`ModuleModel`]: module name, docstring, misplaced markers, `#[hpy_exec]`
//! signatures and duplicate Python names. Problems inside a `#[hpy_function]` are not reported
//! here: that attribute reports them itself when it expands.

use super::model::{ExecEntry, MisplacedKind, ModuleModel};
use crate::diagnostics::Diagnostics;
use crate::function::check::{check_python_name, DOC_NUL};
use crate::function::model::PyName;
use crate::signature::{check_shape, last_segment, type_is_named, Subject, EXEC_SIGNATURE};
use syn::{FnArg, GenericArgument, PathArguments, ReturnType, Type};

/// Reports every module-level problem of `model` into `diag`.
pub fn check(model: &ModuleModel, diag: &mut Diagnostics) {
    check_module_name(&model.name.value, model.name.span, diag);
    if let Some(attr) = model.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
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
            MisplacedKind::Duplicate => match m.marker {
                crate::attrs::Marker::Const => "duplicate #[hpy_const] attribute",
                _ => "duplicate #[hpy_exec] attribute",
            },
        };
        diag.error(&m.attr, message);
    }
    for exec in &model.execs {
        check_exec(exec, diag);
    }
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

fn check_exec(exec: &ExecEntry, diag: &mut Diagnostics) {
    check_shape(&exec.shape, Subject::Exec, diag);
    for attr in &exec.hpy_param_attrs {
        diag.error(
            attr,
            format_args!(
                "`#[hpy(...)]` parameter attributes only apply to #[hpy_function]; an \
                 #[hpy_exec] function is `{EXEC_SIGNATURE}`"
            ),
        );
    }
    let sig = &exec.sig;
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
            "#[hpy_exec] functions take exactly two parameters, the context and the module: \
             `{EXEC_SIGNATURE}`"
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
                    "the first parameter of an #[hpy_exec] function must be the context, \
                     `ctx: Context<'py>`: `{EXEC_SIGNATURE}`"
                ),
            );
        }
        if !type_is_named(&typed[1].ty, "Borrowed") {
            diag.error(
                &typed[1].ty,
                format_args!(
                    "the second parameter of an #[hpy_exec] function must be the module, \
                     `module: Borrowed<'py>`: `{EXEC_SIGNATURE}`"
                ),
            );
        }
    }
    let returns_unit_result = match &sig.output {
        ReturnType::Type(_, ty) => is_pyresult_unit(ty),
        ReturnType::Default => false,
    };
    if !returns_unit_result {
        let message = format!(
            "#[hpy_exec] functions must return `PyResult<()>` (an error aborts the module's \
             creation): `{EXEC_SIGNATURE}`"
        );
        match &sig.output {
            ReturnType::Type(_, ty) => diag.error(ty, message),
            ReturnType::Default => diag.error_at(sig.paren_token.span.close(), message),
        }
    }
}

/// `PyResult<()>` (any path ending in `PyResult`).
fn is_pyresult_unit(ty: &Type) -> bool {
    let Some(segment) = last_segment(ty) else {
        return false;
    };
    if segment.ident != "PyResult" {
        return false;
    }
    let PathArguments::AngleBracketed(args) = &segment.arguments else {
        return false;
    };
    let mut args = args.args.iter();
    matches!(
        (args.next(), args.next()),
        (Some(GenericArgument::Type(Type::Tuple(t))), None) if t.elems.is_empty()
    )
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
