//! Parsing for `#[derive(FromPy)]` / `#[derive(IntoPy)]`: the item, and the `#[hpy(...)]`
//! options of the type, its variants and its fields. Both derives read the same options (a
//! type may derive both), so each accepts every option; check decides where each one fits.

use crate::attrs::{parse_meta_list, path_text, reject_value, skip_value, string_value};
use crate::diagnostics::Diagnostics;
use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Data, DeriveInput, Expr, ExprLit, ExprUnary, Ident, Lit, LitStr, UnOp};

/// Parses the derive input. A union is refused here, at its `union` keyword.
pub fn parse_input(tokens: TokenStream, derive: &str) -> syn::Result<DeriveInput> {
    let input: DeriveInput = syn::parse2(tokens)?;
    if let Data::Union(union) = &input.data {
        return Err(syn::Error::new(
            union.union_token.span,
            format_args!(
                "#[derive({derive})] does not support unions: Rust cannot tell which field of \
                 a union holds the value; use an enum"
            ),
        ));
    }
    Ok(input)
}

/// The Python value of a unit variant: `value = "text"` or `value = 3`.
#[derive(Clone)]
pub enum UnitValue {
    /// A `str` literal.
    Str(LitStr),
    /// An `int` literal (in `i64`), with the span of the literal.
    Int(i64, Span),
}

/// The options of the type itself or of one variant.
#[derive(Clone, Default)]
pub struct ContainerOpts {
    /// `mapping`: named fields come from `obj["name"]` rather than `obj.name`.
    pub mapping: Option<Ident>,
    /// `transparent`: the one field converts from/into the whole object.
    pub transparent: Option<Ident>,
    /// `value = ...` (unit variants): the Python value that stands for the variant.
    pub value: Option<(Ident, UnitValue)>,
}

/// `attribute`/`attribute = "name"` or `item`/`item = "key"` on a field.
#[derive(Clone)]
pub struct LookupOpt {
    /// The option's keyword (for spans).
    pub key: Ident,
    /// The explicit name; `None`: the field's name.
    pub name: Option<LitStr>,
}

/// `default` or `default = EXPR` on a field.
#[derive(Clone)]
pub struct DefaultOpt {
    /// The option's keyword (for spans).
    pub key: Ident,
    /// The expression; `None`: `Default::default()`.
    pub expr: Option<Expr>,
}

/// The options of one field.
#[derive(Clone, Default)]
pub struct FieldOpts {
    /// `attribute` / `attribute = "name"`.
    pub attribute: Option<LookupOpt>,
    /// `item` / `item = "key"`.
    pub item: Option<LookupOpt>,
    /// `default` / `default = EXPR`.
    pub default: Option<DefaultOpt>,
}

pub(crate) const CONTAINER_OPTIONS: &str =
    "expected `mapping`, `transparent` or (on a unit variant) `value = \"...\"`";
pub(crate) const FIELD_OPTIONS: &str = "expected `attribute`, `attribute = \"name\"`, `item`, \
                                        `item = \"key\"`, `default` or `default = EXPR`";

/// The `#[hpy(...)]` attributes among `attrs`, each with its tokens (`#[hpy]` alone or
/// `#[hpy = ...]` is reported).
fn hpy_lists(
    attrs: &[Attribute],
    expected: &'static str,
    diag: &mut Diagnostics,
) -> Vec<TokenStream> {
    let mut lists = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("hpy")) {
        match attr.meta.require_list() {
            Ok(list) if !list.tokens.is_empty() => lists.push(list.tokens.clone()),
            _ => diag.error(
                attr,
                format_args!("empty or malformed #[hpy] option; {expected}"),
            ),
        }
    }
    lists
}

fn duplicate(meta: &ParseNestedMeta<'_>, diag: &mut Diagnostics) {
    diag.error(
        &meta.path,
        format_args!("duplicate `{}`", path_text(&meta.path)),
    );
}

fn keyword(meta: &ParseNestedMeta<'_>) -> Ident {
    meta.path
        .get_ident()
        .cloned()
        .unwrap_or_else(|| Ident::new("option", Span::call_site()))
}

/// Reads `value = "text"` / `value = 3` / `value = -3`.
fn unit_value(
    meta: &ParseNestedMeta<'_>,
    diag: &mut Diagnostics,
) -> syn::Result<Option<UnitValue>> {
    const EXAMPLE: &str = "`value` must be a string or integer literal, e.g. `value = \"auto\"`";
    if !meta.input.peek(syn::Token![=]) {
        diag.error(&meta.path, EXAMPLE);
        skip_value(meta)?;
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    let (lit, negative) = match &expr {
        Expr::Lit(ExprLit { lit, .. }) => (lit, false),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: lit @ Lit::Int(_),
                ..
            }) => (lit, true),
            _ => {
                diag.error(&expr, EXAMPLE);
                return Ok(None);
            }
        },
        _ => {
            diag.error(&expr, EXAMPLE);
            return Ok(None);
        }
    };
    match lit {
        Lit::Str(s) => Ok(Some(UnitValue::Str(s.clone()))),
        Lit::Int(i) => {
            let text = if negative {
                format!("-{}", i.base10_digits())
            } else {
                i.base10_digits().to_owned()
            };
            match text.parse::<i64>() {
                Ok(v) if i.suffix().is_empty() => Ok(Some(UnitValue::Int(v, i.span()))),
                Ok(_) => {
                    diag.error(
                        i,
                        "write the integer without a type suffix, e.g. `value = 3`",
                    );
                    Ok(None)
                }
                Err(_) => {
                    diag.error(&expr, "`value` must fit in a signed 64-bit integer");
                    Ok(None)
                }
            }
        }
        _ => {
            diag.error(&expr, EXAMPLE);
            Ok(None)
        }
    }
}

/// Reads the `#[hpy(...)]` options of the type or of a variant.
pub fn container_opts(attrs: &[Attribute], diag: &mut Diagnostics) -> ContainerOpts {
    let mut out = ContainerOpts::default();
    for tokens in hpy_lists(attrs, CONTAINER_OPTIONS, diag) {
        parse_meta_list(tokens, diag, |meta, diag| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "mapping" | "transparent" => {
                    reject_value(&meta, diag)?;
                    let slot = if key == "mapping" {
                        &mut out.mapping
                    } else {
                        &mut out.transparent
                    };
                    if slot.is_some() {
                        duplicate(&meta, diag);
                    }
                    *slot = Some(keyword(&meta));
                }
                "value" => {
                    let value = unit_value(&meta, diag)?;
                    if out.value.is_some() {
                        duplicate(&meta, diag);
                    } else if let Some(value) = value {
                        out.value = Some((keyword(&meta), value));
                    }
                }
                _ => {
                    let hint = if ["attribute", "item", "default"].contains(&key.as_str()) {
                        " (a field option: put it on a field)"
                    } else {
                        ""
                    };
                    diag.error(
                        &meta.path,
                        format_args!(
                            "unknown #[hpy] option `{}`{hint}; {CONTAINER_OPTIONS}",
                            path_text(&meta.path)
                        ),
                    );
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
    }
    out
}

/// Reads the `#[hpy(...)]` options of a field.
pub fn field_opts(attrs: &[Attribute], diag: &mut Diagnostics) -> FieldOpts {
    let mut out = FieldOpts::default();
    for tokens in hpy_lists(attrs, FIELD_OPTIONS, diag) {
        parse_meta_list(tokens, diag, |meta, diag| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            match key.as_str() {
                "attribute" | "item" => {
                    let name = if meta.input.peek(syn::Token![=]) {
                        string_value(&meta, &format!("{key} = \"name\""), diag)?
                    } else {
                        reject_value(&meta, diag)?;
                        None
                    };
                    let slot = if key == "attribute" {
                        &mut out.attribute
                    } else {
                        &mut out.item
                    };
                    if slot.is_some() {
                        duplicate(&meta, diag);
                    }
                    *slot = Some(LookupOpt {
                        key: keyword(&meta),
                        name,
                    });
                }
                "default" => {
                    let expr = if meta.input.peek(syn::Token![=]) {
                        Some(meta.value()?.parse::<Expr>()?)
                    } else {
                        reject_value(&meta, diag)?;
                        None
                    };
                    if out.default.is_some() {
                        duplicate(&meta, diag);
                    }
                    out.default = Some(DefaultOpt {
                        key: keyword(&meta),
                        expr,
                    });
                }
                _ => {
                    let hint = if ["mapping", "transparent", "value"].contains(&key.as_str()) {
                        " (a type or variant option: put it on the struct, enum or variant)"
                    } else {
                        ""
                    };
                    diag.error(
                        &meta.path,
                        format_args!(
                            "unknown #[hpy] field option `{}`{hint}; {FIELD_OPTIONS}",
                            path_text(&meta.path)
                        ),
                    );
                    skip_value(&meta)?;
                }
            }
            Ok(())
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    #[test]
    fn unions_are_refused_at_the_keyword() {
        let err = parse_input(quote!(union U { a: u32, b: f32 }), "FromPy")
            .err()
            .unwrap();
        assert!(err
            .to_string()
            .starts_with("#[derive(FromPy)] does not support unions"));
        assert!(parse_input(
            quote!(
                struct S {
                    a: u32,
                }
            ),
            "FromPy"
        )
        .is_ok());
    }

    #[test]
    fn container_options() {
        let mut diag = Diagnostics::new();
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[hpy(mapping, transparent)]),
            parse_quote!(#[doc = "x"]),
            parse_quote!(#[hpy(value = -3)]),
        ];
        let o = container_opts(&attrs, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert!(o.mapping.is_some() && o.transparent.is_some());
        assert!(matches!(o.value, Some((_, UnitValue::Int(-3, _)))));
        let attrs: Vec<Attribute> = vec![parse_quote!(#[hpy(value = "auto")])];
        let o = container_opts(&attrs, &mut diag);
        assert!(matches!(o.value, Some((_, UnitValue::Str(s))) if s.value() == "auto"));
        assert!(diag.is_empty());
    }

    #[test]
    fn container_option_errors() {
        let mut diag = Diagnostics::new();
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[hpy]),
            parse_quote!(#[hpy(mapingg, mapping = 1, item, value = 1.5, value = 3u8)]),
        ];
        container_opts(&attrs, &mut diag);
        let m = diag.messages();
        assert_eq!(m.len(), 6, "{m:#?}");
        assert!(m[0].starts_with("empty or malformed #[hpy] option"));
        assert!(m[1].starts_with("unknown #[hpy] option `mapingg`; expected `mapping`"));
        assert!(m[2].starts_with("`mapping` is a flag"));
        assert!(m[3].starts_with("unknown #[hpy] option `item` (a field option"));
        assert!(m[4].starts_with("`value` must be a string or integer literal"));
        assert!(m[5].starts_with("write the integer without a type suffix"));
    }

    #[test]
    fn field_options() {
        let mut diag = Diagnostics::new();
        let attrs: Vec<Attribute> = vec![parse_quote!(
            #[hpy(attribute = "X", item, default = 1 + 2)]
        )];
        let o = field_opts(&attrs, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert_eq!(o.attribute.unwrap().name.unwrap().value(), "X");
        assert!(o.item.unwrap().name.is_none());
        assert!(o.default.unwrap().expr.is_some());
        let attrs: Vec<Attribute> = vec![parse_quote!(
            #[hpy(default, default, attribute = 3, transparent, frob)]
        )];
        field_opts(&attrs, &mut diag);
        let m = diag.messages();
        assert_eq!(m.len(), 4, "{m:#?}");
        assert_eq!(m[0], "duplicate `default`");
        assert!(m[1].starts_with("`attribute` must be a string literal"));
        assert!(m[2].starts_with("unknown #[hpy] field option `transparent` (a type or variant"));
        assert!(m[3].starts_with("unknown #[hpy] field option `frob`; expected `attribute`"));
    }
}
