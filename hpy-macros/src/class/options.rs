//! The `#[hpy_class]` options derived from Rust traits (`eq`, `ord`, `hash`, `str`) and the
//! naming options (`get_all`, `set_all`, `rename_all = "..."`): parsing, checks, and the slots
//! they generate (through the same `::hpy::__private` slot definitions as `#[hpy_methods]`).

use super::model::ClassModel;
use crate::attrs::{reject_value, string_value};
use crate::diagnostics::Diagnostics;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::meta::ParseNestedMeta;

/// A `rename_all = "..."` convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `snake_case`
    Snake,
    /// `camelCase`
    Camel,
    /// `PascalCase`
    Pascal,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
}

const RULES: &[(&str, RenameRule)] = &[
    ("lowercase", RenameRule::Lower),
    ("UPPERCASE", RenameRule::Upper),
    ("snake_case", RenameRule::Snake),
    ("camelCase", RenameRule::Camel),
    ("PascalCase", RenameRule::Pascal),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnake),
];

impl RenameRule {
    /// The words of a Rust identifier: split at `_` and before an upper-case letter that
    /// follows a lower-case letter or digit (`http_url` and `HttpUrl` → `http`, `url`).
    fn words(name: &str) -> Vec<String> {
        let mut words = Vec::new();
        for part in name.split('_').filter(|p| !p.is_empty()) {
            let mut word = String::new();
            let mut previous_lower = false;
            for c in part.chars() {
                if c.is_uppercase() && previous_lower && !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                previous_lower = c.is_lowercase() || c.is_ascii_digit();
                word.push(c);
            }
            words.push(word);
        }
        words
    }

    /// `name` in this convention.
    pub fn apply(self, name: &str) -> String {
        fn capitalized(word: &str) -> String {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        }
        let words = Self::words(name);
        match self {
            RenameRule::Lower => words.concat().to_lowercase(),
            RenameRule::Upper => words.concat().to_uppercase(),
            RenameRule::Snake => words.join("_").to_lowercase(),
            RenameRule::ScreamingSnake => words.join("_").to_uppercase(),
            RenameRule::Pascal => words.iter().map(|w| capitalized(w)).collect(),
            RenameRule::Camel => words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        w.to_lowercase()
                    } else {
                        capitalized(w)
                    }
                })
                .collect(),
        }
    }
}

/// The options of this file, as given.
#[derive(Clone, Default)]
pub struct ClassOptions {
    /// `eq`: `==`/`!=` from `PartialEq`.
    pub eq: Option<Ident>,
    /// `ord`: `<`, `<=`, `>`, `>=` from `PartialOrd`.
    pub ord: Option<Ident>,
    /// `hash`: `hash()` from `Hash`.
    pub hash: Option<Ident>,
    /// `str`: `str()` from `Display`.
    pub str: Option<Ident>,
    /// `get_all`: `#[hpy(get)]` on every named field.
    pub get_all: Option<Ident>,
    /// `set_all`: `#[hpy(set)]` on every named field.
    pub set_all: Option<Ident>,
    /// `eq_int` (enums): a variant equals its discriminant as an `int`.
    pub eq_int: Option<Ident>,
    /// `rename_all = "..."`: the convention and the literal's span.
    pub rename_all: Option<(RenameRule, Span)>,
}

/// Parses one option of this file; `Ok(false)` when `key` is not one.
pub fn parse_option(
    key: &str,
    meta: &ParseNestedMeta<'_>,
    options: &mut ClassOptions,
    diag: &mut Diagnostics,
) -> syn::Result<bool> {
    let slot = match key {
        "eq" => &mut options.eq,
        "ord" => &mut options.ord,
        "hash" => &mut options.hash,
        "str" => &mut options.str,
        "get_all" => &mut options.get_all,
        "set_all" => &mut options.set_all,
        "eq_int" => &mut options.eq_int,
        "rename_all" => {
            let names: Vec<&str> = RULES.iter().map(|(n, _)| *n).collect();
            let example = "rename_all = \"camelCase\"";
            if let Some(lit) = string_value(meta, example, diag)? {
                let value = lit.value();
                match RULES.iter().find(|(n, _)| *n == value) {
                    _ if options.rename_all.is_some() => {
                        diag.error(&meta.path, "duplicate `rename_all` in #[hpy_class]")
                    }
                    Some((_, rule)) => options.rename_all = Some((*rule, lit.span())),
                    None if value.contains('-') => diag.error(
                        &lit,
                        format_args!(
                            "`{value}` does not make Python identifiers (`-` is not allowed in \
                             them); expected one of {}",
                            names.join(", ")
                        ),
                    ),
                    None => diag.error(
                        &lit,
                        format_args!(
                            "unknown naming convention `{value}`; expected one of {}",
                            names.join(", ")
                        ),
                    ),
                }
            }
            return Ok(true);
        }
        _ => return Ok(false),
    };
    reject_value(meta, diag)?;
    if slot.is_some() {
        diag.error(
            &meta.path,
            format_args!("duplicate `{key}` in #[hpy_class]"),
        );
    }
    *slot = meta.path.get_ident().cloned();
    Ok(true)
}

/// The problems of the options on `model` (a struct or an enum).
pub fn check(model: &ClassModel, diag: &mut Diagnostics) {
    let o = &model.options;
    if o.eq.is_none() && (!model.is_enum || model.is_data_enum()) {
        for (option, name) in [(&o.ord, "ord"), (&o.hash, "hash")] {
            if let Some(option) = option {
                diag.error(
                    option,
                    format_args!(
                        "`{name}` needs `eq` too: add it, e.g. `#[hpy_class(eq, {name})]` \
                         (Python requires equal objects to compare and hash alike)"
                    ),
                );
            }
        }
    }
    if let (Some(hash), None, false) = (&o.hash, &model.frozen, model.is_enum) {
        diag.error(
            hash,
            "`hash` needs `frozen` (`#[hpy_class(frozen, eq, hash)]`): the hash of an object that \
             can change would change with it, and a `dict` or `set` holding it would lose it",
        );
    }
    if let (Some(eq_int), false) = (&o.eq_int, model.is_enum) {
        diag.error(
            eq_int,
            "`eq_int` applies to enums (a variant equals its discriminant)",
        );
    }
    if let (Some(eq_int), Some(_), true) = (&o.eq_int, &o.ord, model.is_enum) {
        diag.error(
            eq_int,
            "`eq_int` cannot be combined with `ord`: a variant would equal an `int` it cannot be \
             ordered against",
        );
    }
    if let (Some(set_all), Some(_)) = (&o.set_all, &model.frozen) {
        diag.error(
            set_all,
            "a frozen class cannot be modified through `set_all`; use `get_all`",
        );
    }
    if !model.is_enum {
        if let Some(option) = o.get_all.as_ref().or(o.set_all.as_ref()) {
            if model.fields.iter().any(|f| f.py_name.is_none()) {
                diag.error(
                    option,
                    format_args!(
                        "`{option}` needs a struct with named fields: tuple struct fields have \
                         no name to export"
                    ),
                );
            }
        }
    }
}

/// `ident` spanned at `option`, so that a missing trait impl is reported at the option.
pub fn at(ident: &Ident, option: &Ident) -> Ident {
    let mut ident = ident.clone();
    ident.set_span(option.span());
    ident
}

/// The marker methods that make a clash with a hand-written dunder a compile error
/// (`duplicate definitions with name `__eq__``), spanned at the option that generates it.
pub(crate) fn markers(ident: &Ident, names: &[(&str, Span)]) -> TokenStream {
    let fns = names.iter().map(|(name, span)| {
        let name = Ident::new(name, *span);
        quote_spanned!(*span=> #[doc(hidden)] fn #name(&self) {})
    });
    quote! {
        #[allow(dead_code, non_snake_case)]
        impl #ident {
            #(#fns)*
        }
    }
}

/// The comparison dunders, for the markers.
pub const COMPARISONS: &[&str] = &[
    "__richcmp__",
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
];

/// The items and definitions of `eq`/`ord`/`hash`/`str` for a struct, plus the markers, and
/// the `ClassPost` to use instead of the `#[hpy_methods]` one, if any.
pub fn expand_struct(model: &ClassModel) -> (TokenStream, Vec<Ident>, Option<TokenStream>) {
    let ident = &model.ident;
    let o = &model.options;
    let name = &model.py_name.value;
    let mut tokens = TokenStream::new();
    let mut defs = Vec::new();
    let mut marked: Vec<(&str, Span)> = Vec::new();
    let slf = Ident::new("slf", Span::mixed_site());
    let borrow = quote!(let #slf = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;);
    if let Some(eq) = o.ord.as_ref().or(o.eq.as_ref()) {
        let ty = at(ident, eq);
        let helper = if o.ord.is_some() {
            quote_spanned!(eq.span()=> ::hpy::class_options::compare_ord::<#ty>)
        } else {
            quote_spanned!(eq.span()=> ::hpy::class_options::compare_eq::<#ty>)
        };
        let label = format!("{name}.__richcmp__");
        tokens.extend(quote! {
            struct __hpy_option_richcmp;
            impl ::hpy::__private::RichCmpSlot for __hpy_option_richcmp {
                const NAME: &'static str = #label;
                fn call<'py>(
                    ctx: ::hpy::Context<'py>,
                    #slf: ::hpy::Borrowed<'py>,
                    other: ::hpy::Borrowed<'py>,
                    op: ::hpy::CompareOp,
                ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    // SAFETY: HPy passes an instance of the class to its slots.
                    #borrow
                    #helper(ctx, &*#slf, other, op)
                }
            }
            static __HPY_OPTION_RICHCMP: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                ::hpy::__private::slot_richcompare::<__hpy_option_richcmp>());
        });
        defs.push(Ident::new("__HPY_OPTION_RICHCMP", Span::call_site()));
        marked.extend(COMPARISONS.iter().map(|n| (*n, eq.span())));
    }
    if let Some(hash) = &o.hash {
        let ty = at(ident, hash);
        let helper = quote_spanned!(hash.span()=> ::hpy::class_options::hash_value::<#ty>);
        let label = format!("{name}.__hash__");
        tokens.extend(quote! {
            struct __hpy_option_hash;
            impl ::hpy::__private::HashSlot for __hpy_option_hash {
                const NAME: &'static str = #label;
                fn call<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<isize> {
                    // SAFETY: HPy passes an instance of the class to its slots.
                    #borrow
                    ::core::result::Result::Ok(#helper(&*#slf))
                }
            }
            static __HPY_OPTION_HASH: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                ::hpy::__private::slot_hash::<__hpy_option_hash>());
        });
        defs.push(Ident::new("__HPY_OPTION_HASH", Span::call_site()));
        marked.push(("__hash__", hash.span()));
    }
    if let Some(str_) = &o.str {
        let (items, def) = str_slot(model, str_);
        tokens.extend(items);
        defs.push(def);
        marked.push(("__str__", str_.span()));
    }
    tokens.extend(markers(ident, &marked));
    // `eq` without `hash`: unhashable, as a Python class defining `__eq__` alone. CPython's
    // type creation sets `__hash__ = None` itself; PyPy's HPy keeps `object.__hash__`, so
    // it is set on the type after creation on every runtime.
    let mut post = None;
    if o.eq.is_some() && o.hash.is_none() {
        let ctx = Ident::new("ctx", Span::mixed_site());
        tokens.extend(quote! {
            fn __hpy_option_attrs<'py>(#ctx: ::hpy::Context<'py>, ty: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
                if let ::core::option::Option::Some(user) = <#ident>::__HPY_POST.class_attrs {
                    user(#ctx, ty)?;
                }
                ::hpy::AnyHandle::setattr(&ty, "__hash__", ())
            }
            static __HPY_OPTION_POST: ::hpy::__private::ClassPost = ::hpy::__private::ClassPost {
                wrapped: <#ident>::__HPY_POST.wrapped,
                class_attrs: ::core::option::Option::Some(__hpy_option_attrs),
                reinstall: <#ident>::__HPY_POST.reinstall,
            };
        });
        post = Some(quote!(&__HPY_OPTION_POST));
    }
    (tokens, defs, post)
}

/// The `str` option's `tp_str` slot (structs and enums).
pub fn str_slot(model: &ClassModel, option: &Ident) -> (TokenStream, Ident) {
    let ident = &model.ident;
    let slf = Ident::new("slf", Span::mixed_site());
    let ty = at(ident, option);
    let helper = quote_spanned!(option.span()=> ::hpy::class_options::display_str::<#ty>);
    let label = format!("{}.__str__", model.py_name.value);
    let tokens = quote! {
        struct __hpy_option_str;
        impl ::hpy::__private::UnarySlot for __hpy_option_str {
            const NAME: &'static str = #label;
            fn call<'py>(ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                // SAFETY: HPy passes an instance of the class to its slots.
                let #slf = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;
                #helper(ctx, &*#slf)
            }
        }
        static __HPY_OPTION_STR: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_unary::<__hpy_option_str>(::hpy::__private::UnarySlotId::TP_STR));
    };
    (tokens, Ident::new("__HPY_OPTION_STR", Span::call_site()))
}

/// Marker methods for an enum's automatic slots.
pub fn enum_markers(model: &ClassModel, span: Span) -> TokenStream {
    let mut names: Vec<(&str, Span)> = COMPARISONS.iter().map(|n| (*n, span)).collect();
    names.extend([
        ("__hash__", span),
        ("__repr__", span),
        ("__int__", span),
        ("__reduce__", span),
    ]);
    if let Some(s) = &model.options.str {
        names.push(("__str__", s.span()));
    }
    markers(&model.ident, &names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventions() {
        let cases = [
            ("first_name", RenameRule::Camel, "firstName"),
            ("first_name", RenameRule::Pascal, "FirstName"),
            ("first_name", RenameRule::ScreamingSnake, "FIRST_NAME"),
            ("first_name", RenameRule::Lower, "firstname"),
            ("HttpUrl", RenameRule::Snake, "http_url"),
            ("HttpUrl", RenameRule::Camel, "httpUrl"),
            ("DarkRed", RenameRule::ScreamingSnake, "DARK_RED"),
            ("x2", RenameRule::Upper, "X2"),
            ("value2_max", RenameRule::Camel, "value2Max"),
        ];
        for (name, rule, expected) in cases {
            assert_eq!(rule.apply(name), expected, "{name} {rule:?}");
        }
    }
}
