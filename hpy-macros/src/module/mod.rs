//! `#[hpy_module]` (and the `#[hpy_const]` / `#[hpy_exec]` / `#[hpy_create]` markers it consumes):
//! parse → model → check → expand.

pub mod check;
pub mod expand;
pub mod model;
pub mod parse;

use crate::attrs::Marker;
use crate::diagnostics::Diagnostics;
use model::ModuleModel;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ItemMod;

/// The whole `#[hpy_module(args)] mod name { ... }` expansion.
///
/// The module is always emitted with the `#[hpy_const]` / `#[hpy_exec]` / `#[hpy_create]`
/// markers removed (so they
/// do not complain about being outside a module). Without errors the generated definitions are
/// appended inside it; with errors, one `compile_error!` per problem follows it instead.
pub fn expand_attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match parse::parse_item(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = error.into_compile_error();
            return quote!(#item #error);
        }
    };
    let (model, mut item, diag) = analyze(args, item);
    if diag.is_empty() {
        expand::append(&mut item, expand::generated_items(&model));
        quote!(#item)
    } else {
        let errors = diag.into_compile_errors();
        quote!(#item #errors)
    }
}

/// Parses, lowers and checks a module. Returns the model, the module with the markers this
/// macro consumes removed, and every problem found.
pub fn analyze(args: TokenStream, mut item: ItemMod) -> (ModuleModel, ItemMod, Diagnostics) {
    let mut diag = Diagnostics::new();
    let args = parse::parse_args(args, &mut diag);
    let model = ModuleModel::lower(args, &mut item, &mut diag);
    check::check(&model, &mut diag);
    (model, item, diag)
}

/// `#[hpy_const]` / `#[hpy_exec]` / `#[hpy_create]` expanding on their own means they are not directly inside a
/// `#[hpy_module]` (which would have consumed them): emit the item unchanged plus an error at
/// the attribute.
pub fn marker_outside_module(marker: Marker, item: TokenStream) -> TokenStream {
    let name = marker.name();
    let message = format!(
        "#[{name}] only works on items inside a #[hpy_module] mod; move this item directly into \
         the `#[hpy_module] mod name {{ ... }}` block"
    );
    let error = syn::Error::new(Span::call_site(), message).into_compile_error();
    quote!(#item #error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_module_but_drop_markers_and_glue() {
        let out = expand_attribute(
            quote!(name = "bad name"),
            quote! {
                mod m {
                    #[hpy_const] const A: i64 = 1;
                    #[hpy_exec] fn setup() {}
                    #[hpy_function] fn f() {}
                }
            },
        )
        .to_string();
        assert!(out.starts_with(
            &quote! {
                mod m {
                    const A: i64 = 1;
                    fn setup() {}
                    #[hpy_function] fn f() {}
                }
            }
            .to_string()
        ));
        assert_eq!(out.matches("compile_error").count(), 3, "{out}");
        assert!(!out.contains("export_module"));
    }

    #[test]
    fn non_modules_are_emitted_unchanged() {
        let out = expand_attribute(
            quote!(),
            quote!(
                fn f() {}
            ),
        )
        .to_string();
        assert!(out.starts_with("fn f () { }"));
        assert_eq!(out.matches("compile_error").count(), 1);
    }

    #[test]
    fn markers_alone_are_errors() {
        let out = marker_outside_module(
            Marker::Const,
            quote!(
                const A: i64 = 1;
            ),
        )
        .to_string();
        assert!(out.starts_with("const A : i64 = 1 ;"));
        assert!(out.contains("#[hpy_const] only works on items inside a #[hpy_module] mod"));
        let out = marker_outside_module(
            Marker::Create,
            quote!(
                fn create() {}
            ),
        )
        .to_string();
        assert!(out.starts_with("fn create () { }"));
        assert!(out.contains("#[hpy_create] only works on items inside a #[hpy_module] mod"));
    }

    #[test]
    fn create_errors_keep_the_module_but_drop_the_marker() {
        let out = expand_attribute(
            quote!(),
            quote! {
                mod m {
                    #[hpy_create] fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                    #[hpy_function] fn f() {}
                }
            },
        )
        .to_string();
        assert!(out.starts_with("mod m { fn create <"), "{out}");
        assert!(!out.contains("# [hpy_create]"), "{out}");
        assert!(out.contains("# [hpy_function] fn f () { }"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        assert!(!out.contains("export_module"));
    }
}
