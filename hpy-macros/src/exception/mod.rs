//! `#[hpy_exception]`: parse → model → check → expand (small enough for one file).

use crate::attrs::{parse_meta_list, skip_value, string_value, Doc};
use crate::cstr::{c_literal, optional_c_literal};
use crate::diagnostics::Diagnostics;
use crate::function::check::{check_python_name, DOC_NUL};
use crate::function::model::PyName;
use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Fields, Item, ItemStruct, LitStr};

/// The variants of `hpy::ExceptionKind`: `base = <one of these>` is a builtin exception.
pub const BUILTIN_EXCEPTIONS: &[&str] = &[
    "BaseException",
    "Exception",
    "StopAsyncIteration",
    "StopIteration",
    "GeneratorExit",
    "ArithmeticError",
    "LookupError",
    "AssertionError",
    "AttributeError",
    "BufferError",
    "EOFError",
    "FloatingPointError",
    "OSError",
    "ImportError",
    "ModuleNotFoundError",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "MemoryError",
    "NameError",
    "OverflowError",
    "RuntimeError",
    "RecursionError",
    "NotImplementedError",
    "SyntaxError",
    "IndentationError",
    "TabError",
    "ReferenceError",
    "SystemError",
    "SystemExit",
    "TypeError",
    "UnboundLocalError",
    "UnicodeError",
    "UnicodeEncodeError",
    "UnicodeDecodeError",
    "UnicodeTranslateError",
    "ValueError",
    "ZeroDivisionError",
    "BlockingIOError",
    "BrokenPipeError",
    "ChildProcessError",
    "ConnectionError",
    "ConnectionAbortedError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "FileExistsError",
    "FileNotFoundError",
    "InterruptedError",
    "IsADirectoryError",
    "NotADirectoryError",
    "PermissionError",
    "ProcessLookupError",
    "TimeoutError",
    "Warning",
    "UserWarning",
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "SyntaxWarning",
    "RuntimeWarning",
    "FutureWarning",
    "ImportWarning",
    "UnicodeWarning",
    "BytesWarning",
    "ResourceWarning",
];

/// The options of `#[hpy_exception(...)]`.
#[derive(Clone, Default)]
pub struct ExceptionArgs {
    /// `name = "..."`
    pub name: Option<LitStr>,
    /// `module = "..."` (set by `#[hpy_module]`).
    pub module: Option<LitStr>,
    /// `base = ...`: an `ExceptionKind` variant name or a path to another `#[hpy_exception]`.
    pub base: Option<syn::Path>,
}

/// Parses the options.
pub fn parse_args(tokens: TokenStream, diag: &mut Diagnostics) -> ExceptionArgs {
    let mut args = ExceptionArgs::default();
    parse_meta_list(tokens, diag, |meta, diag| {
        if meta.path.is_ident("name") || meta.path.is_ident("module") {
            let is_name = meta.path.is_ident("name");
            let value = string_value(&meta, "name = \"MyError\"", diag)?;
            let slot = if is_name {
                &mut args.name
            } else {
                &mut args.module
            };
            if slot.is_some() {
                diag.error(&meta.path, "duplicate option in #[hpy_exception]");
            } else {
                *slot = value;
            }
        } else if meta.path.is_ident("base") {
            let path: syn::Path = meta.value()?.parse()?;
            if args.base.is_some() {
                diag.error(&meta.path, "duplicate `base` in #[hpy_exception]");
            } else {
                args.base = Some(path);
            }
        } else {
            diag.error(
                &meta.path,
                "unknown #[hpy_exception] option; expected `base = ValueError` (a builtin                  exception, or another #[hpy_exception] type), `name = \"...\"` or                  `module = \"...\"`",
            );
            skip_value(&meta)?;
        }
        Ok(())
    });
    args
}

/// What an exception is.
pub struct ExceptionModel {
    /// The struct.
    pub item: ItemStruct,
    /// The Python name.
    pub py_name: PyName,
    /// The module, if any.
    pub module: Option<LitStr>,
    /// The base.
    pub base: Option<syn::Path>,
    /// The docstring.
    pub doc: Doc,
}

/// Parses, lowers and checks `#[hpy_exception]`.
pub fn analyze(args: TokenStream, item: ItemStruct) -> (ExceptionModel, Diagnostics) {
    let mut diag = Diagnostics::new();
    let args = parse_args(args, &mut diag);
    let model = ExceptionModel {
        py_name: PyName::new(args.name, &item.ident),
        module: args.module,
        base: args.base,
        doc: Doc::from_attrs(&item.attrs),
        item,
    };
    if !matches!(model.item.fields, Fields::Unit) {
        diag.error(
            &model.item.fields,
            "#[hpy_exception] works on a unit struct (`pub struct MyError;`): the exception's              data is its message",
        );
    }
    if !model.item.generics.params.is_empty() {
        diag.error(
            &model.item.generics,
            "#[hpy_exception] structs cannot be generic: a Python type must be 'static and not              generic",
        );
    }
    check_python_name(&model.py_name.value, model.py_name.span, &mut diag);
    if let Some(attr) = model.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
    }
    (model, diag)
}

/// Whether `path` names a builtin exception (`ValueError`, `hpy::ExceptionKind::ValueError`).
fn builtin_kind(path: &syn::Path) -> Option<&syn::Ident> {
    let last = &path.segments.last()?.ident;
    let prefix_ok = path.segments.len() == 1
        || path
            .segments
            .iter()
            .rev()
            .nth(1)
            .is_some_and(|s| s.ident == "ExceptionKind");
    (prefix_ok && BUILTIN_EXCEPTIONS.iter().any(|n| last == n)).then_some(last)
}

/// The generated impls.
pub fn expand(model: &ExceptionModel) -> TokenStream {
    let ident = &model.item.ident;
    let vis = &model.item.vis;
    let name = &model.py_name.value;
    let qualname = match &model.module {
        Some(m) => format!("{}.{}", m.value(), name),
        None => name.clone(),
    };
    let qualname =
        c_literal(&qualname, model.py_name.span).unwrap_or_else(|| Literal::c_string(c""));
    let doc = optional_c_literal(model.doc.text().as_deref(), Span::call_site());
    let ctx = crate::function::expand::local("ctx");
    let base = match &model.base {
        None => quote!(::hpy::__private::builtin_exception(#ctx, ::hpy::ExceptionKind::Exception)),
        Some(path) => match builtin_kind(path) {
            Some(kind) => {
                quote!(::hpy::__private::builtin_exception(#ctx, ::hpy::ExceptionKind::#kind))
            }
            None => {
                quote_spanned!(syn::spanned::Spanned::span(path)=> ::hpy::__private::exception_type::<#path>(#ctx))
            }
        },
    };
    let new_err_doc = format!(" A `{name}` with `message`, raised when it reaches Python.");
    quote! {
        #[allow(non_upper_case_globals)]
        const _: () = {
            static __HPY_GLOBAL: ::hpy::__private::HPyGlobal = ::hpy::__private::HPyGlobal::new();
            impl ::hpy::__private::PyException for #ident {
                const NAME: &'static str = #name;
                const QUALNAME: &'static ::core::ffi::CStr = #qualname;
                const DOC: ::core::option::Option<&'static ::core::ffi::CStr> = #doc;
                const GLOBAL: &'static ::hpy::__private::HPyGlobal = &__HPY_GLOBAL;
                fn base<'py>(#ctx: ::hpy::Context<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    #base
                }
            }
            impl #ident {
                #[doc = #new_err_doc]
                #[allow(dead_code)]
                #vis fn new_err(
                    message: impl ::core::convert::Into<::std::borrow::Cow<'static, str>>,
                ) -> ::hpy::PyErr {
                    ::hpy::PyErr::from_exception::<#ident>(message)
                }
            }
        };
    }
}

/// The whole `#[hpy_exception(args)] struct X;` expansion.
pub fn expand_attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let parsed = match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Struct(s)) => s,
        _ => {
            let error = syn::Error::new_spanned(
                &item,
                "#[hpy_exception] only works on a unit struct: `pub struct MyError;`",
            )
            .into_compile_error();
            return quote!(#item #error);
        }
    };
    let (model, diag) = analyze(args, parsed);
    let item = &model.item;
    diag.emit(item, || expand(&model))
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn builtin_and_custom_bases() {
        let (m, d) = analyze(
            quote!(base = ValueError, module = "m"),
            parse_quote!(
                pub struct E;
            ),
        );
        assert!(d.is_empty());
        let out = expand(&m).to_string();
        assert!(out.contains("ExceptionKind :: ValueError"), "{out}");
        assert!(out.contains("c\"m.E\""));
        assert!(out.contains("from_exception :: < E >"));
        let (m, _) = analyze(
            quote!(base = super::Other),
            parse_quote!(
                struct E;
            ),
        );
        assert!(expand(&m)
            .to_string()
            .contains("exception_type :: < super :: Other >"));
        let (m, _) = analyze(
            quote!(),
            parse_quote!(
                struct E;
            ),
        );
        assert!(expand(&m)
            .to_string()
            .contains("ExceptionKind :: Exception)"));
        assert!(builtin_kind(&parse_quote!(hpy::ExceptionKind::KeyError)).is_some());
        assert!(builtin_kind(&parse_quote!(errors::KeyError)).is_none());
    }

    #[test]
    fn errors() {
        let (_, d) = analyze(
            quote!(bse = X, name = ""),
            parse_quote!(
                struct E<T> {
                    x: T,
                }
            ),
        );
        let m = d.messages();
        assert_eq!(m.len(), 4, "{m:#?}");
        assert!(m[0].starts_with("unknown #[hpy_exception] option"));
        assert!(m[1].starts_with("#[hpy_exception] works on a unit struct"));
        assert!(m[2].starts_with("#[hpy_exception] structs cannot be generic"));
        assert_eq!(m[3], "the Python name cannot be empty");
    }
}
