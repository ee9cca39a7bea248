//! Parsing for `#[hpy_class]`: its options, the annotated struct, and the `#[hpy(...)]`
//! attributes on its fields.

use crate::attrs::{is_hpy_param_attr, parse_meta_list, reject_value, skip_value, string_value};
use crate::diagnostics::Diagnostics;
use proc_macro2::TokenStream;
use syn::{Attribute, Ident, Item, ItemEnum, ItemStruct, LitStr, Meta};

/// What `base = ...` names.
#[derive(Clone)]
pub enum BaseArg {
    /// A builtin shape: the `::hpy::__private` base type (`LongBase`, ...) and the keyword span.
    Builtin(&'static str, proc_macro2::Span),
    /// Another `#[hpy_class(subclass)]` struct.
    Rust(syn::Path),
}

/// The options of `#[hpy_class(...)]`.
#[derive(Clone, Default)]
pub struct ClassArgs {
    /// `name = "..."`: the Python name.
    pub name: Option<LitStr>,
    /// `module = "..."`: `__module__` (set by `#[hpy_module]`).
    pub module: Option<LitStr>,
    /// `frozen`
    pub frozen: Option<Ident>,
    /// `subclass`
    pub subclass: Option<Ident>,
    /// `base = ...`
    pub base: Option<BaseArg>,
    /// The options derived from Rust traits and the field/variant naming (`options.rs`).
    pub options: super::options::ClassOptions,
}

/// The builtin bases by their Python names.
pub const BUILTIN_BASES: &[(&str, &str)] = &[
    ("object", "ObjectBase"),
    ("int", "LongBase"),
    ("float", "FloatBase"),
    ("str", "UnicodeBase"),
    ("list", "ListBase"),
    ("type", "TypeBase"),
];

/// Parses the options, recording every problem in `diag`.
pub fn parse_args(tokens: TokenStream, diag: &mut Diagnostics) -> ClassArgs {
    let mut args = ClassArgs::default();
    parse_meta_list(tokens, diag, |meta, diag| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "name" | "module" => {
                let value = string_value(&meta, &format!("{key} = \"...\""), diag)?;
                let slot = if key == "name" {
                    &mut args.name
                } else {
                    &mut args.module
                };
                if slot.is_some() {
                    diag.error(
                        &meta.path,
                        format_args!("duplicate `{key}` in #[hpy_class]"),
                    );
                } else {
                    *slot = value;
                }
            }
            "frozen" | "subclass" => {
                reject_value(&meta, diag)?;
                let slot = if key == "frozen" {
                    &mut args.frozen
                } else {
                    &mut args.subclass
                };
                if slot.is_some() {
                    diag.error(
                        &meta.path,
                        format_args!("duplicate `{key}` in #[hpy_class]"),
                    );
                }
                *slot = meta.path.get_ident().cloned();
            }
            "base" => {
                let value = meta.value()?;
                let base = if value.peek(syn::Token![type]) {
                    let kw: syn::Token![type] = value.parse()?;
                    BaseArg::Builtin("TypeBase", kw.span)
                } else {
                    let path: syn::Path = value.parse()?;
                    if path.is_ident("tuple") {
                        diag.error(
                            &path,
                            "`base = tuple` is not supported: HPy 0.9 places the struct of a tuple \
                             subclass where the tuple's items are stored, so any tuple with more \
                             than one item would overwrite it",
                        );
                    }
                    match path.get_ident().and_then(|i| {
                        BUILTIN_BASES
                            .iter()
                            .find(|(py, _)| i == py)
                            .map(|(_, b)| (*b, i.span()))
                    }) {
                        Some((b, span)) => BaseArg::Builtin(b, span),
                        None => BaseArg::Rust(path),
                    }
                };
                if args.base.is_some() {
                    diag.error(&meta.path, "duplicate `base` in #[hpy_class]");
                } else {
                    args.base = Some(base);
                }
            }
            _ if super::options::parse_option(&key, &meta, &mut args.options, diag)? => {}
            _ => {
                diag.error(
                    &meta.path,
                    "unknown #[hpy_class] option; expected `name = \"...\"`, `module = \"...\"`, \
                     `frozen`, `subclass`, `base = ...` (a #[hpy_class(subclass)] struct, or \
                     int, float, str, list, type, object), `eq`, `ord`, `hash`, `str`, \
                     `get_all`, `set_all`, `rename_all = \"...\"` or `eq_int` (enums)",
                );
                skip_value(&meta)?;
            }
        }
        Ok(())
    });
    args
}

/// What `#[hpy_class]` annotates.
pub enum ClassItem {
    /// A struct: its instances hold the struct.
    Struct(ItemStruct),
    /// A fieldless enum: one class attribute per variant (`enums.rs`).
    Enum(ItemEnum),
}

/// Parses the annotated item, which must be a struct or an enum.
pub fn parse_item(tokens: TokenStream) -> syn::Result<ClassItem> {
    let error = |tokens: &TokenStream| {
        syn::Error::new_spanned(
            tokens,
            "#[hpy_class] only works on a struct or an enum: `#[hpy_class] pub struct Point { x: f64 }`",
        )
    };
    match syn::parse2::<Item>(tokens.clone()).map_err(|_| error(&tokens))? {
        Item::Struct(s) => Ok(ClassItem::Struct(s)),
        Item::Enum(e) => Ok(ClassItem::Enum(e)),
        _ => Err(error(&tokens)),
    }
}

/// The `#[hpy(...)]` options of one field.
#[derive(Clone, Default)]
pub struct FieldAttrs {
    /// `get`
    pub get: Option<Ident>,
    /// `set`
    pub set: Option<Ident>,
    /// `member`
    pub member: Option<Ident>,
    /// `name = "..."`: the attribute name.
    pub name: Option<LitStr>,
    /// The attributes (for spans).
    pub attrs: Vec<Attribute>,
}

/// Reads and removes the `#[hpy(...)]` attributes of a field.
pub fn take_field_attrs(attrs: &mut Vec<Attribute>, diag: &mut Diagnostics) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    let mut kept = Vec::new();
    for attr in attrs.drain(..) {
        if !is_hpy_param_attr(&attr) {
            kept.push(attr);
            continue;
        }
        let list = match &attr.meta {
            Meta::List(list) if !list.tokens.is_empty() => list.tokens.clone(),
            _ => {
                diag.error(&attr, EXPECTED_FIELD);
                continue;
            }
        };
        parse_meta_list(list, diag, |meta, diag| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let slot = match key.as_str() {
                "get" => &mut out.get,
                "set" => &mut out.set,
                "member" => &mut out.member,
                "name" => {
                    out.name = string_value(&meta, "name = \"py_name\"", diag)?;
                    return Ok(());
                }
                _ => {
                    diag.error(
                        &meta.path,
                        format_args!(
                            "unknown field option `{}`; {EXPECTED_FIELD}",
                            crate::attrs::path_text(&meta.path)
                        ),
                    );
                    skip_value(&meta)?;
                    return Ok(());
                }
            };
            reject_value(&meta, diag)?;
            if slot.is_some() {
                diag.error(&meta.path, format_args!("duplicate `{key}`"));
            }
            *slot = meta.path.get_ident().cloned();
            Ok(())
        });
        out.attrs.push(attr);
    }
    *attrs = kept;
    out
}

const EXPECTED_FIELD: &str = "expected `#[hpy(get)]`, `#[hpy(set)]`, `#[hpy(get, set)]`, \
                              `#[hpy(member)]` (frozen classes), optionally with `name = \"...\"`";

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn options() {
        let mut diag = Diagnostics::new();
        let a = parse_args(
            quote!(name = "P", module = "m", frozen, subclass, base = int),
            &mut diag,
        );
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert_eq!(a.name.unwrap().value(), "P");
        assert_eq!(a.module.unwrap().value(), "m");
        assert!(a.frozen.is_some() && a.subclass.is_some());
        assert!(matches!(a.base, Some(BaseArg::Builtin("LongBase", _))));
        let a = parse_args(quote!(base = type), &mut diag);
        assert!(matches!(a.base, Some(BaseArg::Builtin("TypeBase", _))));
        let a = parse_args(quote!(base = crate::shapes::Shape), &mut diag);
        assert!(matches!(a.base, Some(BaseArg::Rust(_))));
        assert!(diag.is_empty());
    }

    #[test]
    fn option_errors() {
        let mut diag = Diagnostics::new();
        parse_args(
            quote!(nme = "x", frozen = true, name = 1, name = "a", name = "b"),
            &mut diag,
        );
        let m = diag.messages();
        assert_eq!(m.len(), 4, "{m:#?}");
        assert!(m[0].starts_with("unknown #[hpy_class] option"));
        assert!(m[1].starts_with("`frozen` is a flag"));
        assert!(m[2].starts_with("`name` must be a string literal"));
        assert_eq!(m[3], "duplicate `name` in #[hpy_class]");
    }

    #[test]
    fn field_attrs() {
        let mut diag = Diagnostics::new();
        let mut attrs: Vec<Attribute> = vec![
            syn::parse_quote!(#[hpy(get, set, name = "y")]),
            syn::parse_quote!(#[doc = "x"]),
            syn::parse_quote!(#[hpy(member, get, frob)]),
        ];
        let f = take_field_attrs(&mut attrs, &mut diag);
        assert_eq!(attrs.len(), 1);
        assert!(f.get.is_some() && f.set.is_some() && f.member.is_some());
        assert_eq!(f.name.unwrap().value(), "y");
        assert_eq!(
            diag.messages(),
            [
                "duplicate `get`",
                format!("unknown field option `frob`; {EXPECTED_FIELD}").as_str()
            ]
        );
    }
}
