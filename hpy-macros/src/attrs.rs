//! Attribute helpers shared by every macro: recognising our marker attributes, reading doc
//! comments, and parsing `key = "value"` / `flag` argument lists.

use crate::diagnostics::Diagnostics;
use proc_macro2::TokenStream;
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Meta};

/// The marker attributes, named by the last segment of their path so that `#[hpy_function]`,
/// `#[hpy::hpy_function]` and `#[hpy_macros::hpy_function]` are all recognised.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `#[hpy_function]`
    Function,
    /// `#[hpy_const]`
    Const,
    /// `#[hpy_exec]`
    Exec,
    /// `#[hpy_create]`
    Create,
}

impl Marker {
    /// The attribute's name as written by users.
    pub fn name(self) -> &'static str {
        match self {
            Marker::Function => "hpy_function",
            Marker::Const => "hpy_const",
            Marker::Exec => "hpy_exec",
            Marker::Create => "hpy_create",
        }
    }

    /// Which marker `attr` is, if any.
    pub fn of(attr: &Attribute) -> Option<Marker> {
        let last = attr.path().segments.last()?;
        [
            Marker::Function,
            Marker::Const,
            Marker::Exec,
            Marker::Create,
        ]
        .into_iter()
        .find(|m| last.ident == m.name())
    }
}

/// Whether `attr` is the parameter attribute `#[hpy(...)]`.
pub fn is_hpy_param_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("hpy")
}

/// Whether `attr` is `#[cfg(...)]` or `#[cfg_attr(...)]`.
pub fn is_cfg_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr")
}

/// The `#[cfg(...)]` attributes among `attrs`, to be copied onto generated items so that they
/// exist exactly when the user's item does.
pub fn cfg_attrs(attrs: &[Attribute]) -> Vec<Attribute> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .cloned()
        .collect()
}

/// The tokens inside a marker attribute's parentheses (`#[hpy_function(name = "x")]` gives
/// `name = "x"`; `#[hpy_function]` gives nothing). `None` for the `#[marker = ...]` form,
/// which rustc itself rejects for attribute macros.
pub fn marker_arguments(attr: &Attribute) -> Option<TokenStream> {
    match &attr.meta {
        Meta::Path(_) => Some(TokenStream::new()),
        Meta::List(list) => Some(list.tokens.clone()),
        Meta::NameValue(_) => None,
    }
}

/// Doc comments (`///`, `//!`, `#[doc = "..."]`) of an item, as one Python docstring.
#[derive(Clone, Default)]
pub struct Doc {
    /// Each literal doc attribute's text and the attribute it came from (kept for spans).
    pub parts: Vec<(String, Attribute)>,
}

impl Doc {
    /// Reads every literal `#[doc = "..."]` among `attrs` (outer and inner). Doc attributes
    /// that are not a plain string literal (e.g. `#[doc = include_str!(..)]`) are skipped:
    /// their text is not known while the macro runs.
    pub fn from_attrs(attrs: &[Attribute]) -> Self {
        let parts = attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .filter_map(|a| match &a.meta {
                Meta::NameValue(nv) => match &nv.value {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => Some((s.value(), a.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        Doc { parts }
    }

    /// The docstring: lines joined with `\n`, one leading space removed from each line (the
    /// one after `///`). `None` when the item has no doc comment at all.
    pub fn text(&self) -> Option<String> {
        if self.parts.is_empty() {
            return None;
        }
        let lines: Vec<&str> = self
            .parts
            .iter()
            .flat_map(|(text, _)| text.split('\n'))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect();
        Some(lines.join("\n"))
    }

    /// The first doc attribute whose text contains a NUL byte (a docstring is a C string).
    pub fn nul_attribute(&self) -> Option<&Attribute> {
        self.parts
            .iter()
            .find(|(text, _)| text.contains('\0'))
            .map(|(_, a)| a)
    }
}

/// Reads the value of a `key = "string"` argument. A value that is not a string literal is
/// reported with `example` (e.g. `name = "add"`) and gives `None`; the caller keeps going.
pub fn string_value(
    meta: &ParseNestedMeta<'_>,
    example: &str,
    diag: &mut Diagnostics,
) -> syn::Result<Option<LitStr>> {
    let key = path_text(&meta.path);
    if !meta.input.peek(syn::Token![=]) {
        diag.error(
            &meta.path,
            format_args!("`{key}` needs a string value, e.g. `{example}`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Some(s)),
        other => {
            diag.error(
                other,
                format_args!("`{key}` must be a string literal, e.g. `{example}`"),
            );
            Ok(None)
        }
    }
}

/// Consumes whatever follows a key we are rejecting (`= expr` or `(...)`), so that parsing can
/// continue with the next key and report every problem.
pub fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _: TokenStream = content.parse()?;
    }
    Ok(())
}

/// Reports a flag (`keywords`) that was given a value (`keywords = true`) and skips the value.
pub fn reject_value(meta: &ParseNestedMeta<'_>, diag: &mut Diagnostics) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        let key = path_text(&meta.path);
        diag.error(
            &meta.path,
            format_args!("`{key}` is a flag and takes no value: write just `{key}`"),
        );
        skip_value(meta)?;
    }
    Ok(())
}

/// Runs a `syn::meta` parser over a macro's argument tokens, recording syntax errors.
pub fn parse_meta_list(
    tokens: TokenStream,
    diag: &mut Diagnostics,
    mut each: impl FnMut(ParseNestedMeta<'_>, &mut Diagnostics) -> syn::Result<()>,
) {
    let mut inner = Diagnostics::new();
    let parser = syn::meta::parser(|meta| each(meta, &mut inner));
    let result = parser.parse2(tokens);
    diag.extend(inner);
    diag.take(result);
}

/// `a::b::c` as text, for messages.
pub fn path_text(path: &syn::Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    fn attrs(item: syn::ItemFn) -> Vec<Attribute> {
        item.attrs
    }

    #[test]
    fn markers_are_matched_on_the_last_segment() {
        let a: Attribute = parse_quote!(#[hpy_function]);
        let b: Attribute = parse_quote!(#[hpy::hpy_const]);
        let c: Attribute = parse_quote!(#[hpy_macros::hpy_exec(x)]);
        let d: Attribute = parse_quote!(#[inline]);
        let e: Attribute = parse_quote!(#[hpy::hpy_create]);
        assert!(Marker::of(&a) == Some(Marker::Function));
        assert!(Marker::of(&b) == Some(Marker::Const));
        assert!(Marker::of(&c) == Some(Marker::Exec));
        assert!(Marker::of(&e) == Some(Marker::Create));
        assert!(Marker::of(&d).is_none());
    }

    #[test]
    fn marker_arguments_of_each_form() {
        let a: Attribute = parse_quote!(#[hpy_function]);
        let b: Attribute = parse_quote!(#[hpy_function(name = "x")]);
        let c: Attribute = parse_quote!(#[hpy_function = "x"]);
        assert!(marker_arguments(&a).unwrap().is_empty());
        assert_eq!(marker_arguments(&b).unwrap().to_string(), "name = \"x\"");
        assert!(marker_arguments(&c).is_none());
    }

    #[test]
    fn doc_lines_are_joined_and_one_space_trimmed() {
        let f: syn::ItemFn = parse_quote! {
            /// Add two integers.
            ///
            ///   indented stays indented (minus one)
            #[doc = "no space"]
            #[doc = include_str!("skipped.md")]
            fn f() {}
        };
        let doc = Doc::from_attrs(&attrs(f));
        assert_eq!(
            doc.text().unwrap(),
            "Add two integers.\n\n  indented stays indented (minus one)\nno space"
        );
        assert!(doc.nul_attribute().is_none());
    }

    #[test]
    fn block_doc_comment_lines_are_trimmed_each() {
        let f: syn::ItemFn = parse_quote! {
            #[doc = " first\n second"]
            fn f() {}
        };
        assert_eq!(Doc::from_attrs(&attrs(f)).text().unwrap(), "first\nsecond");
    }

    #[test]
    fn no_doc_is_none_and_nul_is_found() {
        let f: syn::ItemFn = parse_quote!(
            fn f() {}
        );
        assert!(Doc::from_attrs(&attrs(f)).text().is_none());
        let f: syn::ItemFn = parse_quote! {
            #[doc = "a\0b"]
            fn f() {}
        };
        assert!(Doc::from_attrs(&attrs(f)).nul_attribute().is_some());
    }

    #[test]
    fn meta_list_collects_all_problems() {
        let mut diag = Diagnostics::new();
        let mut names = Vec::new();
        parse_meta_list(
            quote!(name = 5, flag = true, name = "ok", other(1, 2), name),
            &mut diag,
            |meta, diag| {
                if meta.path.is_ident("name") {
                    if let Some(s) = string_value(&meta, "name = \"x\"", diag)? {
                        names.push(s.value());
                    }
                } else if meta.path.is_ident("flag") {
                    reject_value(&meta, diag)?;
                } else {
                    diag.error(&meta.path, "unknown");
                    skip_value(&meta)?;
                }
                Ok(())
            },
        );
        assert_eq!(names, ["ok"]);
        assert_eq!(
            diag.messages(),
            [
                "`name` must be a string literal, e.g. `name = \"x\"`",
                "`flag` is a flag and takes no value: write just `flag`",
                "unknown",
                "`name` needs a string value, e.g. `name = \"x\"`",
            ]
        );
    }

    #[test]
    fn meta_list_syntax_errors_are_recorded() {
        let mut diag = Diagnostics::new();
        parse_meta_list(quote!(name "x"), &mut diag, |meta, diag| {
            string_value(&meta, "name = \"x\"", diag).map(drop)
        });
        // the missing `=` is reported, then the stray literal
        assert_eq!(diag.len(), 2, "{:?}", diag.messages());
    }
}
