//! `#[hpy_function]`: parse → model → check → expand.

pub mod check;
pub mod expand;
pub mod model;
pub mod parse;

use crate::attrs::Marker;
use crate::diagnostics::Diagnostics;
use model::FunctionModel;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// The whole `#[hpy_function(args)] item` expansion.
///
/// The user's function is always emitted (minus the `#[hpy(...)]` parameter attributes, which
/// are ours); the generated items follow it when there are no errors, and one
/// `compile_error!` per problem when there are.
pub fn expand_attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func = match parse::parse_item(item.clone()) {
        Ok(func) => func,
        Err(error) => {
            let error = error.into_compile_error();
            return quote!(#item #error);
        }
    };
    let (model, diag) = analyze(args, &func);
    parse::strip_param_attrs(&mut func);
    // A second `#[hpy_function]` was reported as a duplicate; drop it so it doesn't expand again.
    func.attrs
        .retain(|a| Marker::of(a) != Some(Marker::Function));
    // The `.pyi` stub record(s) follow the generated items (hpy-macros/src/stubs.rs).
    diag.emit(func, || {
        let mut out = expand::expand(&model);
        out.extend(crate::stubs::function(&model));
        out
    })
}

/// Parses, lowers and checks one function. Always returns a model (best effort when there are
/// errors, e.g. for `#[hpy_module]` to learn the Python name) together with every problem found.
pub fn analyze(args: TokenStream, func: &ItemFn) -> (FunctionModel, Diagnostics) {
    let mut diag = Diagnostics::new();
    let args = parse::parse_args(args, &mut diag);
    let model = FunctionModel::lower(args, func, &mut diag);
    check::check(&model, &mut diag);
    (model, diag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_emits_the_function_without_hpy_attributes_then_the_glue() {
        let out = expand_attribute(
            quote!(),
            quote! {
                /// Doc.
                fn f(#[hpy(default)] #[allow(unused)] a: i64) -> i64 { a }
            },
        )
        .to_string();
        assert!(out.starts_with(
            &quote! {
                #[doc = r" Doc."]
                fn f(#[allow(unused)] a: i64) -> i64 { a }
            }
            .to_string()
        ));
        assert!(out.contains("struct __hpy_fn_f"));
        assert!(!out.contains("compile_error"));
    }

    #[test]
    fn errors_emit_the_function_and_every_error_but_no_glue() {
        let out = expand_attribute(
            quote!(nmae = "x"),
            quote! {
                #[hpy_function]
                async fn f(#[hpy(module)] m: Borrowed<'_>, (a, b): (i64, i64)) {}
            },
        )
        .to_string();
        assert!(out.starts_with(
            &quote!(
                async fn f(m: Borrowed<'_>, (a, b): (i64, i64)) {}
            )
            .to_string()
        ));
        assert_eq!(out.matches("compile_error").count(), 4, "{out}");
        assert!(!out.contains("__hpy_fn_f"));
    }

    #[test]
    fn non_functions_are_emitted_unchanged_with_an_error() {
        let out = expand_attribute(
            quote!(),
            quote!(
                struct S;
            ),
        )
        .to_string();
        assert!(out.starts_with("struct S ;"));
        assert!(out.contains("only works on a free function"));
        assert_eq!(out.matches("compile_error").count(), 1);
    }
}
