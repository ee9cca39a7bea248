//! Parsing for `#[hpy_module]`: its arguments, the annotated `mod`, and the arguments of the
//! `#[hpy_const]` / `#[hpy_exec]` / `#[hpy_create]` markers found inside it.

use crate::attrs::{parse_meta_list, skip_value, string_value};
use crate::diagnostics::Diagnostics;
use proc_macro2::TokenStream;
use syn::{Item, ItemMod, LitStr};

/// The arguments of `#[hpy_module(...)]`.
#[derive(Clone, Default)]
pub struct ModuleArgs {
    /// `name = "..."`: the Python module name (default: the `mod`'s identifier).
    pub name: Option<LitStr>,
}

/// Parses `name = "..."`, recording every problem in `diag`.
pub fn parse_args(tokens: TokenStream, diag: &mut Diagnostics) -> ModuleArgs {
    ModuleArgs {
        name: parse_name_only(
            tokens,
            diag,
            "hpy_module",
            "my_ext",
            "the Python module name",
        ),
    }
}

/// The arguments of `#[hpy_const(...)]`.
#[derive(Clone, Default)]
pub struct ConstArgs {
    /// `name = "..."`: the attribute name in the module (default: the constant's identifier).
    pub name: Option<LitStr>,
}

/// Parses the arguments of `#[hpy_const(...)]`.
pub fn parse_const_args(tokens: TokenStream, diag: &mut Diagnostics) -> ConstArgs {
    ConstArgs {
        name: parse_name_only(
            tokens,
            diag,
            "hpy_const",
            "ANSWER",
            "the Python attribute name",
        ),
    }
}

/// The one argument `#[hpy_module]` and `#[hpy_const]` accept: `name = "..."`.
fn parse_name_only(
    tokens: TokenStream,
    diag: &mut Diagnostics,
    attribute: &str,
    example: &str,
    meaning: &str,
) -> Option<LitStr> {
    let mut name = None;
    parse_meta_list(tokens, diag, |meta, diag| {
        if meta.path.is_ident("name") {
            let value = string_value(&meta, &format!("name = \"{example}\""), diag)?;
            if name.is_some() {
                diag.error(
                    &meta.path,
                    format!("duplicate `name` argument in #[{attribute}]"),
                );
            } else {
                name = value;
            }
        } else {
            diag.error(
                &meta.path,
                format!("unknown #[{attribute}] argument; expected `name = \"...\"` ({meaning})"),
            );
            skip_value(&meta)?;
        }
        Ok(())
    });
    name
}

/// `#[hpy_exec]` takes no arguments: reports any.
pub fn parse_exec_args(tokens: TokenStream, diag: &mut Diagnostics) {
    no_args(tokens, diag, "hpy_exec");
}

/// `#[hpy_create]` takes no arguments: reports any.
pub fn parse_create_args(tokens: TokenStream, diag: &mut Diagnostics) {
    no_args(tokens, diag, "hpy_create");
}

fn no_args(tokens: TokenStream, diag: &mut Diagnostics, attribute: &str) {
    if !tokens.is_empty() {
        diag.error(
            tokens,
            format_args!("#[{attribute}] takes no arguments; write just `#[{attribute}]`"),
        );
    }
}

/// Parses the annotated item, which must be an inline `mod name { ... }`.
pub fn parse_item(tokens: TokenStream) -> syn::Result<ItemMod> {
    let not_a_module = |tokens: &TokenStream| {
        syn::Error::new_spanned(
            tokens,
            "#[hpy_module] only works on an inline module: `#[hpy_module] mod name { ... }`",
        )
    };
    let item: Item = syn::parse2(tokens.clone()).map_err(|_| not_a_module(&tokens))?;
    match item {
        Item::Mod(m) if m.content.is_some() => Ok(m),
        Item::Mod(m) => {
            let ident = &m.ident;
            Err(syn::Error::new_spanned(
                &m,
                format_args!(
                    "#[hpy_module] needs the module's items written inline, \
                     `mod {ident} {{ ... }}`; it cannot read `mod {ident};` from another file"
                ),
            ))
        }
        _ => Err(not_a_module(&tokens)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn module_args() {
        let mut diag = Diagnostics::new();
        assert_eq!(
            parse_args(quote!(name = "other"), &mut diag)
                .name
                .unwrap()
                .value(),
            "other"
        );
        assert!(parse_args(quote!(), &mut diag).name.is_none());
        assert!(diag.is_empty());
        parse_args(quote!(name = "a", name = "b", doc = "x"), &mut diag);
        assert_eq!(
            diag.messages(),
            [
                "duplicate `name` argument in #[hpy_module]",
                "unknown #[hpy_module] argument; expected `name = \"...\"` (the Python module name)"
            ]
        );
    }

    #[test]
    fn marker_args() {
        let mut diag = Diagnostics::new();
        let c = parse_const_args(quote!(name = "X"), &mut diag);
        assert_eq!(c.name.unwrap().value(), "X");
        parse_exec_args(quote!(), &mut diag);
        assert!(diag.is_empty());
        parse_const_args(quote!(value = 1), &mut diag);
        parse_exec_args(quote!(first), &mut diag);
        parse_create_args(quote!(), &mut diag);
        parse_create_args(quote!(name = "x"), &mut diag);
        let m = diag.messages();
        assert_eq!(m.len(), 3);
        assert!(m[0].starts_with("unknown #[hpy_const] argument"));
        assert_eq!(
            m[1],
            "#[hpy_exec] takes no arguments; write just `#[hpy_exec]`"
        );
        assert_eq!(
            m[2],
            "#[hpy_create] takes no arguments; write just `#[hpy_create]`"
        );
    }

    #[test]
    fn item_must_be_an_inline_module() {
        assert!(parse_item(quote!(
            mod m {}
        ))
        .is_ok());
        let e = parse_item(quote!(
            mod m;
        ))
        .err()
        .unwrap()
        .to_string();
        assert_eq!(e, "#[hpy_module] needs the module's items written inline, `mod m { ... }`; it cannot read `mod m;` from another file");
        let e = parse_item(quote!(
            fn f() {}
        ))
        .err()
        .unwrap()
        .to_string();
        assert_eq!(
            e,
            "#[hpy_module] only works on an inline module: `#[hpy_module] mod name { ... }`"
        );
    }
}
