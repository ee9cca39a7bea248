//! Parsing for `#[hpy_function]`: the attribute's arguments, the annotated item, and the
//! `#[hpy(...)]` attributes on its parameters. Only syntax is handled here; whether the
//! function is acceptable is decided by [`super::check`].

use crate::attrs::{is_hpy_param_attr, parse_meta_list, reject_value, skip_value, string_value};
use crate::diagnostics::Diagnostics;
use crate::signature::SigSpec;
use proc_macro2::TokenStream;
use syn::{Attribute, Expr, FnArg, Ident, Item, ItemFn, LitStr};

/// The arguments of `#[hpy_function(...)]`.
#[derive(Clone, Default)]
pub struct FunctionArgs {
    /// `name = "..."`: the Python name (default: the Rust name).
    pub name: Option<LitStr>,
    /// `keywords`: force the keywords calling convention.
    pub keywords: Option<Ident>,
    /// `signature = (...)`: the Python parameters' kinds and defaults.
    pub signature: Option<SigSpec>,
    /// The first Python parameter is a class method's class: not in `signature`.
    pub implicit_first: bool,
    /// Called through a keywords parser whatever the parameters (`#[new]`, `__init__`,
    /// `__call__`, `#[call_function]`): without `signature`, parameters are accepted by keyword.
    pub force_keywords: bool,
}

/// Parses `signature = (...)` into `slot`, reporting a second one.
pub fn parse_signature(
    meta: &syn::meta::ParseNestedMeta<'_>,
    slot: &mut Option<SigSpec>,
    diag: &mut Diagnostics,
) -> syn::Result<()> {
    let value = SigSpec::parse_value(meta.value()?)?;
    if slot.is_some() {
        diag.error(&meta.path, "duplicate `signature` argument");
    } else {
        *slot = Some(value);
    }
    Ok(())
}

/// Parses `name = "..."` and `keywords`, recording every problem in `diag`.
pub fn parse_args(tokens: TokenStream, diag: &mut Diagnostics) -> FunctionArgs {
    let mut args = FunctionArgs::default();
    parse_meta_list(tokens, diag, |meta, diag| {
        if meta.path.is_ident("name") {
            let value = string_value(&meta, "name = \"add\"", diag)?;
            if args.name.is_some() {
                diag.error(&meta.path, "duplicate `name` argument in #[hpy_function]");
            } else {
                args.name = value;
            }
        } else if meta.path.is_ident("keywords") {
            reject_value(&meta, diag)?;
            if args.keywords.is_some() {
                diag.error(
                    &meta.path,
                    "duplicate `keywords` argument in #[hpy_function]",
                );
            }
            args.keywords = meta.path.get_ident().cloned();
        } else if meta.path.is_ident("signature") {
            parse_signature(&meta, &mut args.signature, diag)?;
        } else {
            diag.error(
                &meta.path,
                "unknown #[hpy_function] argument; expected `name = \"...\"` (the Python name), \
                 `keywords` (accept arguments by keyword) or `signature = (...)`",
            );
            skip_value(&meta)?;
        }
        Ok(())
    });
    args
}

/// Parses the annotated item, which must be a free function with a body.
///
/// On failure the error is spanned at the item and the caller re-emits the tokens unchanged.
pub fn parse_item(tokens: TokenStream) -> syn::Result<ItemFn> {
    let item: Item = syn::parse2(tokens.clone()).map_err(|_| not_a_function(&tokens))?;
    match item {
        Item::Fn(f) => Ok(f),
        _ => Err(not_a_function(&tokens)),
    }
}

fn not_a_function(tokens: &TokenStream) -> syn::Error {
    syn::Error::new_spanned(
        tokens,
        "#[hpy_function] only works on a free function with a body, like \
         `fn add(a: i64, b: i64) -> i64 { a + b }`",
    )
}

/// A parsed `#[hpy(default)]` / `#[hpy(default = EXPR)]`.
#[derive(Clone)]
pub enum DefaultValue {
    /// `#[hpy(default)]`: `Default::default()`; holds the `default` keyword for spans.
    Implicit(Ident),
    /// `#[hpy(default = EXPR)]`.
    Explicit(Box<Expr>),
}

/// What the `#[hpy(...)]` attributes of one parameter say.
#[derive(Clone, Default)]
pub struct ParamAttrs {
    /// `default` / `default = EXPR`.
    pub default: Option<DefaultValue>,
    /// `signature = (name = EXPR => LITERAL)`: the default the text signature shows.
    pub shown_default: Option<Box<Expr>>,
    /// The `module` key of `#[hpy(module)]`.
    pub module: Option<Ident>,
    /// Every `#[hpy(...)]` attribute (for spans of "not allowed here" errors).
    pub hpy_attrs: Vec<Attribute>,
    /// `#[cfg]` / `#[cfg_attr]` attributes on the parameter.
    pub cfg_attrs: Vec<Attribute>,
}

/// Parses the `#[hpy(...)]` attributes of one parameter, recording malformed ones.
pub fn parse_param_attrs(attrs: &[Attribute], diag: &mut Diagnostics) -> ParamAttrs {
    let mut out = ParamAttrs::default();
    for attr in attrs {
        if crate::attrs::is_cfg_attr(attr) {
            out.cfg_attrs.push(attr.clone());
            continue;
        }
        if !is_hpy_param_attr(attr) {
            continue;
        }
        out.hpy_attrs.push(attr.clone());
        let list = match &attr.meta {
            syn::Meta::List(list) if !list.tokens.is_empty() => list.tokens.clone(),
            _ => {
                diag.error(attr, EXPECTED_HPY_PARAM);
                continue;
            }
        };
        parse_meta_list(list, diag, |meta, diag| {
            if meta.path.is_ident("default") {
                let value = if meta.input.peek(syn::Token![=]) {
                    let expr: Expr = meta.value()?.parse()?;
                    DefaultValue::Explicit(Box::new(expr))
                } else if meta.input.peek(syn::token::Paren) {
                    diag.error(
                        &meta.path,
                        "write `#[hpy(default = EXPR)]` (or `#[hpy(default)]` for \
                         `Default::default()`), not `default(...)`",
                    );
                    skip_value(&meta)?;
                    return Ok(());
                } else {
                    DefaultValue::Implicit(meta.path.segments[0].ident.clone())
                };
                if out.default.is_some() {
                    diag.error(&meta.path, "this parameter already has a default");
                } else {
                    out.default = Some(value);
                }
            } else if meta.path.is_ident("module") {
                reject_value(&meta, diag)?;
                if out.module.is_some() {
                    diag.error(&meta.path, "duplicate `module` in #[hpy(...)]");
                }
                out.module = meta.path.get_ident().cloned();
            } else {
                diag.error(
                    &meta.path,
                    format_args!(
                        "unknown #[hpy(...)] parameter option `{}`; {EXPECTED_HPY_PARAM_TAIL}",
                        crate::attrs::path_text(&meta.path)
                    ),
                );
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    out
}

const EXPECTED_HPY_PARAM: &str = "expected `#[hpy(default)]`, `#[hpy(default = EXPR)]` or \
                                  `#[hpy(module)]`";
const EXPECTED_HPY_PARAM_TAIL: &str = "expected `default`, `default = EXPR` or `module`";

/// Removes every `#[hpy(...)]` parameter attribute (they are ours, not real attributes), so the
/// function can be emitted for rustc. Everything else is left as written.
pub fn strip_param_attrs(func: &mut ItemFn) {
    for input in &mut func.sig.inputs {
        if let FnArg::Typed(pt) = input {
            pt.attrs.retain(|a| !is_hpy_param_attr(a));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{quote, ToTokens};
    use syn::parse_quote;

    #[test]
    fn args_name_and_keywords() {
        let mut diag = Diagnostics::new();
        let args = parse_args(quote!(name = "greet", keywords), &mut diag);
        assert!(diag.is_empty());
        assert_eq!(args.name.unwrap().value(), "greet");
        assert!(args.keywords.is_some());

        let args = parse_args(TokenStream::new(), &mut diag);
        assert!(diag.is_empty());
        assert!(args.name.is_none() && args.keywords.is_none());
    }

    #[test]
    fn args_errors_are_all_reported() {
        let mut diag = Diagnostics::new();
        let args = parse_args(
            quote!(name = "a", name = "b", keywords = true, kw, nme = "x"),
            &mut diag,
        );
        assert_eq!(args.name.unwrap().value(), "a");
        let m = diag.messages();
        assert_eq!(m.len(), 4, "{m:#?}");
        assert_eq!(m[0], "duplicate `name` argument in #[hpy_function]");
        assert_eq!(
            m[1],
            "`keywords` is a flag and takes no value: write just `keywords`"
        );
        assert!(m[2].starts_with("unknown #[hpy_function] argument"));
        assert!(m[3].starts_with("unknown #[hpy_function] argument"));
    }

    #[test]
    fn item_must_be_a_function() {
        assert!(parse_item(quote!(
            fn f() {}
        ))
        .is_ok());
        let err = parse_item(quote!(
            struct S;
        ))
        .err()
        .unwrap();
        assert!(err
            .to_string()
            .starts_with("#[hpy_function] only works on a free function"));
        assert!(parse_item(quote!(
            fn f();
        ))
        .is_err());
        assert!(parse_item(quote!(not an item)).is_err());
    }

    fn param_attrs(f: ItemFn, diag: &mut Diagnostics) -> Vec<ParamAttrs> {
        f.sig
            .inputs
            .iter()
            .map(|i| match i {
                FnArg::Typed(pt) => parse_param_attrs(&pt.attrs, diag),
                FnArg::Receiver(_) => ParamAttrs::default(),
            })
            .collect()
    }

    #[test]
    fn param_attrs_are_parsed() {
        let mut diag = Diagnostics::new();
        let f: ItemFn = parse_quote! {
            fn f(
                #[hpy(default)] a: i64,
                #[hpy(default = "x".to_string())] b: String,
                #[hpy(module)] #[allow(unused)] m: Borrowed<'py>,
                #[cfg(x)] c: i64,
            ) {}
        };
        let p = param_attrs(f, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert!(matches!(p[0].default, Some(DefaultValue::Implicit(_))));
        match &p[1].default {
            Some(DefaultValue::Explicit(e)) => {
                assert_eq!(e.to_token_stream().to_string(), "\"x\" . to_string ()")
            }
            _ => panic!("expected an explicit default"),
        }
        assert!(p[2].module.is_some() && p[2].default.is_none());
        assert_eq!(p[2].hpy_attrs.len(), 1);
        assert_eq!(p[3].cfg_attrs.len(), 1);
    }

    #[test]
    fn param_attr_errors() {
        let mut diag = Diagnostics::new();
        let f: ItemFn = parse_quote! {
            fn f(
                #[hpy] a: i64,
                #[hpy()] b: i64,
                #[hpy(defualt, module = 1, default, default = 2)] c: i64,
                #[hpy(default(3))] d: i64,
                #[hpy = "x"] e: i64,
            ) {}
        };
        let p = param_attrs(f, &mut diag);
        let m = diag.messages();
        assert_eq!(m.len(), 7, "{m:#?}");
        assert_eq!(m[0], format!("{EXPECTED_HPY_PARAM}"));
        assert_eq!(m[1], m[0]);
        assert_eq!(
            m[2],
            "unknown #[hpy(...)] parameter option `defualt`; expected `default`, `default = EXPR` or `module`"
        );
        assert_eq!(
            m[3],
            "`module` is a flag and takes no value: write just `module`"
        );
        assert_eq!(m[4], "this parameter already has a default");
        assert!(m[5].starts_with("write `#[hpy(default = EXPR)]`"));
        assert_eq!(m[6], m[0]);
        assert!(matches!(p[2].default, Some(DefaultValue::Implicit(_))));
        assert!(p[2].module.is_some());
    }

    #[test]
    fn stripping_keeps_other_attributes() {
        let mut f: ItemFn = parse_quote! {
            fn f(#[hpy(default)] #[allow(unused)] a: i64, #[hpy(module)] m: Borrowed<'_>) {}
        };
        strip_param_attrs(&mut f);
        assert_eq!(
            f.sig.inputs.to_token_stream().to_string(),
            quote!(#[allow(unused)] a: i64, m: Borrowed<'_>).to_string()
        );
    }
}
