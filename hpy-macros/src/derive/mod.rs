//! `#[derive(FromPy)]` and `#[derive(IntoPy)]`: parse → model → check → expand.

pub mod check;
pub mod expand;
pub mod model;
pub mod parse;

use crate::diagnostics::Diagnostics;
use model::{Derive, DeriveModel};
use proc_macro2::TokenStream;

/// The whole derive: the impl, or one `compile_error!` per problem. (A derive adds items
/// next to the type and never re-emits it.)
pub fn expand_derive(derive: Derive, item: TokenStream) -> TokenStream {
    let input = match parse::parse_input(item, derive.name()) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    let mut diag = Diagnostics::new();
    let model = DeriveModel::lower(derive, &input, &mut diag);
    check::check(&model, &mut diag);
    if diag.is_empty() {
        let mut out = expand::expand(&model);
        // `FromPy`'s `.pyi` type hint (hpy-macros/src/stubs.rs).
        out.extend(crate::stubs::derived(&model));
        out
    } else {
        diag.into_compile_errors()
    }
}
