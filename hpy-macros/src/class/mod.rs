//! `#[hpy_class]`: parse → model → check → expand.

pub mod check;
pub mod enums;
pub mod expand;
pub mod model;
pub mod options;
pub mod parse;

use crate::diagnostics::Diagnostics;
use model::ClassModel;
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemStruct;

/// The whole `#[hpy_class(args)] struct ...` expansion: the struct without the field
/// attributes, then the generated items (or one `compile_error!` per problem).
pub fn expand_attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = match parse::parse_item(item.clone()) {
        Ok(parse::ClassItem::Struct(item)) => item,
        Ok(parse::ClassItem::Enum(item)) => {
            let (model, item, diag) = enums::analyze(args, item);
            // The `.pyi` stub records of the variant classes follow (hpy-macros/src/stubs.rs).
            return diag.emit(item, || {
                let mut out = expand::expand(&model);
                out.extend(crate::stubs::variants(&model));
                out
            });
        }
        Err(error) => {
            let error = error.into_compile_error();
            return quote!(#item #error);
        }
    };
    let (model, item, diag) = analyze(args, item);
    // The `.pyi` stub records of the exposed fields follow (hpy-macros/src/stubs.rs).
    diag.emit(item, || {
        let mut out = expand::expand(&model);
        out.extend(crate::stubs::class(&model));
        out
    })
}

/// Parses, lowers and checks a class. Returns the model, the struct with the field attributes
/// removed, and every problem found.
pub fn analyze(args: TokenStream, mut item: ItemStruct) -> (ClassModel, ItemStruct, Diagnostics) {
    let mut diag = Diagnostics::new();
    let args = parse::parse_args(args, &mut diag);
    let model = ClassModel::lower(args, &mut item, &mut diag);
    check::check(&model, &mut diag);
    (model, item, diag)
}
