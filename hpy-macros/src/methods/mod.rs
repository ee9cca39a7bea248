//! `#[hpy_methods]`: parse → model → check → expand.

pub mod check;
pub mod expand;
pub mod model;
pub mod parse;
pub mod slots;

use crate::diagnostics::Diagnostics;
use model::MethodsModel;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemImpl;

/// The whole `#[hpy_methods] impl T { ... }` expansion: the block without our helper attributes,
/// then the generated items (or one `compile_error!` per problem).
pub fn expand_attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match parse::parse_item(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = error.into_compile_error();
            return quote!(#item #error);
        }
    };
    let (model, item, diag) = analyze(args, item);
    // The `.pyi` stub record(s) follow the generated items (hpy-macros/src/stubs.rs).
    diag.emit(item, || {
        let mut out = expand::expand(&model);
        out.extend(crate::stubs::methods(&model));
        out
    })
}

/// Parses, lowers and checks a block. Returns the model, the block with our attributes removed,
/// and every problem found.
pub fn analyze(args: TokenStream, mut item: ItemImpl) -> (MethodsModel, ItemImpl, Diagnostics) {
    let mut diag = Diagnostics::new();
    parse::parse_args(args, &mut diag);
    let model = MethodsModel::lower(&mut item, &mut diag);
    parse::strip_param_attrs(&mut item);
    check::check(&model, &mut diag);
    (model, item, diag)
}
