//! Parsing for `#[hpy_methods]`: the (empty) argument list, the annotated `impl` block, and the
//! helper attributes on its items (`#[new]`, `#[staticmethod]`, `#[classmethod]`, `#[getter]`,
//! `#[setter]`, `#[classattr]`, `#[call_function]`, `#[hpy(...)]`).

use crate::attrs::{is_hpy_param_attr, parse_meta_list, reject_value, skip_value, string_value};
use crate::diagnostics::Diagnostics;
use proc_macro2::{Span, TokenStream};
use syn::{Attribute, Ident, ImplItem, Item, ItemImpl, LitStr, Meta};

/// `#[hpy_methods]` takes no arguments: reports any.
pub fn parse_args(tokens: TokenStream, diag: &mut Diagnostics) {
    if !tokens.is_empty() {
        diag.error(
            tokens,
            "#[hpy_methods] takes no arguments; the class options go on the struct's \
             #[hpy_class(...)]",
        );
    }
}

/// Parses the annotated item, which must be an inherent `impl Type { ... }`.
pub fn parse_item(tokens: TokenStream) -> syn::Result<ItemImpl> {
    let not_an_impl = |tokens: &TokenStream| {
        syn::Error::new_spanned(
            tokens,
            "#[hpy_methods] only works on an inherent impl block of a #[hpy_class] struct: \
             `#[hpy_methods] impl MyClass { ... }`",
        )
    };
    let item: Item = syn::parse2(tokens.clone()).map_err(|_| not_an_impl(&tokens))?;
    match item {
        Item::Impl(i) if i.trait_.is_none() => Ok(i),
        Item::Impl(i) => Err(syn::Error::new_spanned(
            i.trait_.as_ref().map(|t| t.1.clone()),
            "#[hpy_methods] works on an inherent impl block (`impl MyClass { ... }`), not on a \
             trait impl",
        )),
        _ => Err(not_an_impl(&tokens)),
    }
}

/// A marker attribute on an item of the block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KindMarker {
    /// `#[new]`
    New,
    /// `#[staticmethod]`
    Static,
    /// `#[classmethod]`
    Class,
    /// `#[getter]`
    Getter,
    /// `#[setter]`
    Setter,
    /// `#[classattr]`
    ClassAttr,
    /// `#[call_function]`: a per-instance call function (`HPyDef_CALL_FUNCTION`).
    CallFunction,
}

impl KindMarker {
    /// The attribute as written.
    pub fn name(self) -> &'static str {
        match self {
            KindMarker::New => "new",
            KindMarker::Static => "staticmethod",
            KindMarker::Class => "classmethod",
            KindMarker::Getter => "getter",
            KindMarker::Setter => "setter",
            KindMarker::ClassAttr => "classattr",
            KindMarker::CallFunction => "call_function",
        }
    }

    fn of(attr: &Attribute) -> Option<KindMarker> {
        let ident = attr.path().get_ident()?;
        [
            KindMarker::New,
            KindMarker::Static,
            KindMarker::Class,
            KindMarker::Getter,
            KindMarker::Setter,
            KindMarker::ClassAttr,
            KindMarker::CallFunction,
        ]
        .into_iter()
        .find(|m| ident == m.name())
    }
}

/// One marker found on an item.
#[derive(Clone)]
pub struct FoundMarker {
    /// Which marker.
    pub kind: KindMarker,
    /// The attribute (for spans).
    pub attr: Attribute,
    /// `#[getter(name)]` / `#[setter("name")]`: the property name; `#[call_function(NAME)]`:
    /// the constant's name.
    pub name: Option<(String, Span)>,
}

/// The helper attributes of one item of the block.
#[derive(Clone, Default)]
pub struct ItemAttrs {
    /// `#[new]`, `#[getter]`, ...
    pub markers: Vec<FoundMarker>,
    /// `#[hpy(name = "...")]`
    pub name: Option<LitStr>,
    /// `#[hpy(slot = sq_item)]`
    pub slot: Option<Ident>,
    /// `#[hpy(keywords)]`
    pub keywords: Option<Ident>,
    /// `#[hpy(skip)]`: a plain Rust method, not exported.
    pub skip: Option<Ident>,
    /// `#[hpy(signature = (...))]`
    pub signature: Option<crate::signature::SigSpec>,
}

/// Reads and removes our helper attributes from `attrs`, recording malformed ones.
pub fn take_item_attrs(attrs: &mut Vec<Attribute>, diag: &mut Diagnostics) -> ItemAttrs {
    let mut out = ItemAttrs::default();
    let mut kept = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        if let Some(kind) = KindMarker::of(&attr) {
            let name = marker_name(&attr, kind, diag);
            out.markers.push(FoundMarker { kind, attr, name });
        } else if is_hpy_param_attr(&attr) {
            parse_hpy_attr(&attr, &mut out, diag);
        } else {
            kept.push(attr);
        }
    }
    *attrs = kept;
    out
}

/// The property name of `#[getter(x)]` / `#[getter("x")]`; other markers take no arguments.
fn marker_name(
    attr: &Attribute,
    kind: KindMarker,
    diag: &mut Diagnostics,
) -> Option<(String, Span)> {
    let list = match &attr.meta {
        Meta::Path(_) => return None,
        Meta::List(list) => list,
        Meta::NameValue(_) => {
            diag.error(
                attr,
                format_args!("write `#[{}]` without a value", kind.name()),
            );
            return None;
        }
    };
    if kind == KindMarker::CallFunction {
        return match syn::parse2::<Ident>(list.tokens.clone()) {
            Ok(ident) => Some((ident.to_string(), ident.span())),
            Err(_) => {
                diag.error(
                    &list.tokens,
                    "expected the name of the constant to declare: `#[call_function(NAME)]`",
                );
                None
            }
        };
    }
    if !matches!(kind, KindMarker::Getter | KindMarker::Setter) {
        diag.error(
            attr,
            format_args!("`#[{}]` takes no arguments", kind.name()),
        );
        return None;
    }
    if let Ok(ident) = syn::parse2::<Ident>(list.tokens.clone()) {
        return Some((syn::ext::IdentExt::unraw(&ident).to_string(), ident.span()));
    }
    if let Ok(lit) = syn::parse2::<LitStr>(list.tokens.clone()) {
        return Some((lit.value(), lit.span()));
    }
    diag.error(
        &list.tokens,
        format_args!(
            "expected the property name: `#[{0}(name)]` or `#[{0}(\"name\")]`",
            kind.name()
        ),
    );
    None
}

const EXPECTED_HPY_ITEM: &str = "expected `name = \"...\"`, `slot = <HPy slot name>`, \
                                 `keywords`, `signature = (...)` or `skip`";

fn parse_hpy_attr(attr: &Attribute, out: &mut ItemAttrs, diag: &mut Diagnostics) {
    let list = match &attr.meta {
        Meta::List(list) if !list.tokens.is_empty() => list.tokens.clone(),
        _ => {
            diag.error(
                attr,
                format_args!("#[hpy(...)] on a method: {EXPECTED_HPY_ITEM}"),
            );
            return;
        }
    };
    parse_meta_list(list, diag, |meta, diag| {
        if meta.path.is_ident("name") {
            let value = string_value(&meta, "name = \"py_name\"", diag)?;
            if out.name.is_some() {
                diag.error(&meta.path, "duplicate `name` in #[hpy(...)]");
            } else {
                out.name = value;
            }
        } else if meta.path.is_ident("slot") {
            let value: syn::Path = meta.value()?.parse()?;
            match value.get_ident() {
                Some(ident) if out.slot.is_none() => out.slot = Some(ident.clone()),
                Some(_) => diag.error(&meta.path, "duplicate `slot` in #[hpy(...)]"),
                None => diag.error(
                    &value,
                    "`slot` takes an HPy slot name such as `sq_item` or `nb_add`",
                ),
            }
        } else if meta.path.is_ident("keywords") {
            reject_value(&meta, diag)?;
            out.keywords = meta.path.get_ident().cloned();
        } else if meta.path.is_ident("signature") {
            crate::function::parse::parse_signature(&meta, &mut out.signature, diag)?;
        } else if meta.path.is_ident("skip") {
            reject_value(&meta, diag)?;
            out.skip = meta.path.get_ident().cloned();
        } else {
            diag.error(
                &meta.path,
                format_args!(
                    "unknown #[hpy(...)] method option `{}`; {EXPECTED_HPY_ITEM}",
                    crate::attrs::path_text(&meta.path)
                ),
            );
            skip_value(&meta)?;
        }
        Ok(())
    });
}

/// Removes the `#[hpy(...)]` attributes from the parameters of every method of `item`, so
/// it can be emitted for rustc.
pub fn strip_param_attrs(item: &mut ItemImpl) {
    for impl_item in &mut item.items {
        if let ImplItem::Fn(f) = impl_item {
            for input in &mut f.sig.inputs {
                if let syn::FnArg::Typed(pt) = input {
                    pt.attrs.retain(|a| !is_hpy_param_attr(a));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    #[test]
    fn item_must_be_an_inherent_impl() {
        assert!(parse_item(quote!(impl Foo {})).is_ok());
        let e = parse_item(quote!(impl Clone for Foo {})).err().unwrap();
        assert!(e.to_string().contains("not on a trait impl"));
        let e = parse_item(quote!(
            struct S;
        ))
        .err()
        .unwrap();
        assert!(e
            .to_string()
            .starts_with("#[hpy_methods] only works on an inherent impl"));
    }

    #[test]
    fn args_are_refused() {
        let mut diag = Diagnostics::new();
        parse_args(quote!(), &mut diag);
        assert!(diag.is_empty());
        parse_args(quote!(frozen), &mut diag);
        assert_eq!(diag.len(), 1);
    }

    #[test]
    fn item_attrs_are_read_and_removed() {
        let mut diag = Diagnostics::new();
        let mut f: syn::ImplItemFn = parse_quote! {
            /// Doc.
            #[getter(x)]
            #[inline]
            #[hpy(name = "y", slot = sq_item, keywords)]
            fn f(&self) {}
        };
        let a = take_item_attrs(&mut f.attrs, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert_eq!(a.markers.len(), 1);
        assert_eq!(a.markers[0].kind, KindMarker::Getter);
        assert_eq!(a.markers[0].name.as_ref().unwrap().0, "x");
        assert_eq!(a.name.unwrap().value(), "y");
        assert_eq!(a.slot.unwrap(), "sq_item");
        assert!(a.keywords.is_some());
        assert_eq!(f.attrs.len(), 2, "doc and inline stay");
    }

    #[test]
    fn item_attr_errors() {
        let mut diag = Diagnostics::new();
        let mut f: syn::ImplItemFn = parse_quote! {
            #[new(x)]
            #[setter(1)]
            #[hpy(nmae = "x")]
            #[hpy]
            #[hpy(slot = a::b)]
            fn f(&self) {}
        };
        let a = take_item_attrs(&mut f.attrs, &mut diag);
        assert_eq!(a.markers.len(), 2);
        let m = diag.messages();
        assert_eq!(m.len(), 5, "{m:#?}");
        assert_eq!(m[0], "`#[new]` takes no arguments");
        assert!(m[1].starts_with("expected the property name"));
        assert!(m[2].starts_with("unknown #[hpy(...)] method option `nmae`"));
        assert!(m[3].starts_with("#[hpy(...)] on a method"));
        assert!(m[4].starts_with("`slot` takes an HPy slot name"));
    }
}
