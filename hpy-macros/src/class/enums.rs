//! `#[hpy_class]` on a fieldless enum: a frozen class whose instances hold one variant, with one
//! class attribute per variant (`Color.Red`), `==` (same variant), `hash`, `repr`
//! (`Color.Red`) and `int()` (the discriminant); `FromPy` copies the variant out of an
//! instance, `IntoPy` hands out the class attribute of the variant.

use super::model::ClassModel;
use super::options;
use super::parse;
use crate::attrs::{cfg_attrs, Doc};
use crate::diagnostics::Diagnostics;
use crate::function::check::check_python_name;
use crate::function::model::PyName;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Fields, ItemEnum};

/// One variant.
#[derive(Clone)]
pub struct VariantEntry {
    /// `Red`.
    pub ident: Ident,
    /// The class attribute's name (after `rename_all`).
    pub py_name: PyName,
    /// Its `#[cfg]`s (repeated on every match arm and statement that names it).
    pub cfgs: Vec<syn::Attribute>,
}

/// Parses the options, lowers and checks an enum.
pub fn analyze(args: TokenStream, mut item: ItemEnum) -> (ClassModel, ItemEnum, Diagnostics) {
    let mut diag = Diagnostics::new();
    let args = parse::parse_args(args, &mut diag);
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        diag.error(
            &item.generics,
            "#[hpy_class] enums cannot have generic or lifetime parameters: a Python type must \
             be 'static and not generic",
        );
    }
    if item.variants.is_empty() {
        diag.error(
            &item.ident,
            "#[hpy_class] needs an enum with at least one variant: an empty enum has no value \
             a Python object could hold",
        );
    }
    for variant in &item.variants {
        let first = match &variant.fields {
            Fields::Unit => continue,
            Fields::Named(f) => f.named.first().map(|f| f.span()),
            Fields::Unnamed(f) => f.unnamed.first().map(|f| f.span()),
        };
        diag.error_at(
            first.unwrap_or_else(|| variant.fields.span()),
            format_args!(
                "enums with fields are not supported yet by #[hpy_class] (variant `{}`): only \
                 fieldless enums (`enum Color {{ Red, Green }}`) become Python classes; keep \
                 the data in #[hpy_class] structs instead",
                variant.ident
            ),
        );
        break;
    }
    for (option, name) in [
        (args.subclass.as_ref(), "subclass"),
        (args.options.get_all.as_ref(), "get_all"),
        (args.options.set_all.as_ref(), "set_all"),
    ] {
        if let Some(option) = option {
            diag.error(
                option,
                format_args!("`{name}` is not supported on an enum; it applies to structs"),
            );
        }
    }
    if let Some(base) = &args.base {
        let span = match base {
            parse::BaseArg::Builtin(_, span) => *span,
            parse::BaseArg::Rust(path) => path.span(),
        };
        diag.error_at(
            span,
            "`base` is not supported on an enum; it applies to structs",
        );
    }
    let rename = args.options.rename_all.map(|(rule, _)| rule);
    let mut variants: Vec<VariantEntry> = Vec::new();
    for variant in &mut item.variants {
        // `#[hpy(name = "...")]` on a variant: its attribute name (wins over `rename_all`).
        let attrs = parse::take_field_attrs(&mut variant.attrs, &mut diag);
        if let Some(other) = attrs
            .get
            .iter()
            .chain(&attrs.set)
            .chain(&attrs.member)
            .next()
        {
            diag.error(
                other,
                "a variant takes only `#[hpy(name = \"...\")]`: its class attribute's name",
            );
        }
        let raw = syn::ext::IdentExt::unraw(&variant.ident).to_string();
        let py_name = match attrs.name {
            Some(name) => PyName::new(Some(name), &variant.ident),
            None => PyName {
                value: rename.map_or(raw.clone(), |rule| rule.apply(&raw)),
                span: variant.ident.span(),
            },
        };
        check_python_name(&py_name.value, py_name.span, &mut diag);
        if let Some(other) = variants.iter().find(|v| v.py_name.value == py_name.value) {
            diag.error_at(
                py_name.span,
                format_args!(
                    "variants `{}` and `{}` have the same Python name `{}`",
                    other.ident, variant.ident, py_name.value
                ),
            );
        }
        variants.push(VariantEntry {
            ident: variant.ident.clone(),
            py_name,
            cfgs: cfg_attrs(&variant.attrs),
        });
    }
    let model = ClassModel {
        ident: item.ident.clone(),
        py_name: PyName::new(args.name, &item.ident),
        module: args.module,
        frozen: Some(Ident::new("frozen", item.ident.span())),
        subclass: None,
        base: None,
        doc: Doc::from_attrs(&item.attrs),
        generics: syn::Generics::default(),
        fields: Vec::new(),
        cfgs: cfg_attrs(&item.attrs),
        options: args.options,
        is_enum: true,
        variants,
    };
    super::check::check(&model, &mut diag);
    (model, item, diag)
}

/// The enum's items (slots, conversions, the variant attributes) and its slot definitions.
pub fn expand_items(model: &ClassModel) -> (TokenStream, Vec<Ident>) {
    let ident = &model.ident;
    let name = &model.py_name.value;
    let slf = Ident::new("slf", Span::mixed_site());
    let ctx = Ident::new("ctx", Span::mixed_site());
    let variants: Vec<&Ident> = model.variants.iter().map(|v| &v.ident).collect();
    let cfgs: Vec<TokenStream> = model
        .variants
        .iter()
        .map(|v| {
            let c = &v.cfgs;
            quote!(#(#c)*)
        })
        .collect();
    let indexes = 0..variants.len();
    let reprs = model
        .variants
        .iter()
        .map(|v| format!("{name}.{}", v.py_name.value));
    let attr_names = model.variants.iter().map(|v| &v.py_name.value);
    let attr_names2 = attr_names.clone();
    let attr_names3 = attr_names.clone();
    let variants2 = variants.clone();
    let borrow = quote!(
        // SAFETY: HPy passes an instance of the class to its slots.
        let #slf = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;
    );
    let label = |dunder: &str| format!("{name}.{dunder}");
    let reduce = label("__reduce__");
    let (repr, int, hash, richcmp) = (
        label("__repr__"),
        label("__int__"),
        label("__hash__"),
        label("__richcmp__"),
    );
    let compare = match &model.options.ord {
        Some(ord) => {
            let ty = options::at(ident, ord);
            let helper = quote_spanned!(ord.span()=> ::hpy::class_options::compare_ord::<#ty>);
            quote!(#helper(#ctx, &*#slf, other, op))
        }
        None if model.options.eq_int.is_some() => quote! {
            let other_index = ::hpy::__private::try_borrow::<#ident>(other)?.map(|o| __hpy_index(&o));
            let discriminant: i128 = match &*#slf { #(#cfgs #ident::#variants => #ident::#variants as i128,)* };
            ::hpy::class_options::compare_variants_int(#ctx, __hpy_index(&#slf), discriminant, other, other_index, op)
        },
        None => quote! {
            let other = ::hpy::__private::try_borrow::<#ident>(other)?.map(|o| __hpy_index(&o));
            ::hpy::class_options::compare_variants(#ctx, __hpy_index(&#slf), other, op)
        },
    };
    let mut tokens = quote! {
        fn __hpy_index(value: &#ident) -> usize {
            match value { #(#cfgs #ident::#variants => #indexes,)* }
        }

        struct __hpy_enum_repr;
        impl ::hpy::__private::UnarySlot for __hpy_enum_repr {
            const NAME: &'static str = #repr;
            fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                #borrow
                let text: &'static str = match &*#slf { #(#cfgs #ident::#variants => #reprs,)* };
                ::hpy::IntoPy::into_py(text, #ctx)
            }
        }
        static __HPY_ENUM_REPR: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_unary::<__hpy_enum_repr>(::hpy::__private::UnarySlotId::TP_REPR));

        struct __hpy_enum_int;
        impl ::hpy::__private::UnarySlot for __hpy_enum_int {
            const NAME: &'static str = #int;
            fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                #borrow
                let value: i128 = match &*#slf { #(#cfgs #ident::#variants => #ident::#variants as i128,)* };
                ::hpy::IntoPy::into_py(value, #ctx)
            }
        }
        static __HPY_ENUM_INT: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_unary::<__hpy_enum_int>(::hpy::__private::UnarySlotId::NB_INT));

        struct __hpy_enum_hash;
        impl ::hpy::__private::HashSlot for __hpy_enum_hash {
            const NAME: &'static str = #hash;
            fn call<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<isize> {
                #borrow
                let value: i128 = match &*#slf { #(#cfgs #ident::#variants => #ident::#variants as i128,)* };
                ::core::result::Result::Ok(::hpy::class_options::int_hash(value))
            }
        }
        static __HPY_ENUM_HASH: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_hash::<__hpy_enum_hash>());

        struct __hpy_enum_richcmp;
        impl ::hpy::__private::RichCmpSlot for __hpy_enum_richcmp {
            const NAME: &'static str = #richcmp;
            fn call<'py>(
                #ctx: ::hpy::Context<'py>,
                #slf: ::hpy::Borrowed<'py>,
                other: ::hpy::Borrowed<'py>,
                op: ::hpy::CompareOp,
            ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                #borrow
                #compare
            }
        }
        static __HPY_ENUM_RICHCMP: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_richcompare::<__hpy_enum_richcmp>());

        struct __hpy_enum_reduce;
        impl ::hpy::__private::NoArgsFn for __hpy_enum_reduce {
            const NAME: &'static str = #reduce;
            fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                let object = #slf;
                #borrow
                let name: &'static str = match &*#slf { #(#cfgs #ident::#variants => #attr_names3,)* };
                ::hpy::class_options::reduce_variant(#ctx, object, name)
            }
        }
        static __HPY_ENUM_REDUCE: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::meth_noargs::<__hpy_enum_reduce>(c"__reduce__", ::core::option::Option::None));

        // An instance holds one variant; converting copies it out (no `Clone` needed).
        impl<'py> ::hpy::FromPy<'py> for #ident {
            fn from_py(obj: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<Self> {
                let value = <::hpy::PyRef<'py, 'py, #ident> as ::hpy::FromPy<'py>>::from_py(obj)?;
                ::core::result::Result::Ok(match &*value { #(#cfgs #ident::#variants => #ident::#variants,)* })
            }
        }

        // A variant converts to its class attribute (so `f() is Color.Red`), or to a new
        // instance if the attribute was replaced.
        impl<'py> ::hpy::IntoPy<'py> for #ident {
            fn into_py(self, #ctx: ::hpy::Context<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                let name: &'static str = match &self { #(#cfgs #ident::#variants2 => #attr_names,)* };
                if let ::core::option::Option::Some(ty) =
                    <#ident as ::hpy::__private::PyClass>::TYPE_GLOBAL.load(#ctx)
                {
                    let attr = ::hpy::AnyHandle::getattr(&ty, name)?;
                    let same = match ::hpy::__private::try_borrow::<#ident>(attr.as_borrowed())? {
                        ::core::option::Option::Some(held) => __hpy_index(&held) == __hpy_index(&self),
                        ::core::option::Option::None => false,
                    };
                    if same {
                        return ::core::result::Result::Ok(attr);
                    }
                }
                #ctx.new_object::<#ident, #ident>(self)
            }
        }

        fn __hpy_enum_attrs<'py>(#ctx: ::hpy::Context<'py>, ty: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
            if let ::core::option::Option::Some(user) = <#ident>::__HPY_POST.class_attrs {
                user(#ctx, ty)?;
            }
            #(#cfgs ::hpy::AnyHandle::setattr(&ty, #attr_names2, #ctx.new_object::<#ident, #ident>(#ident::#variants)?)?;)*
            ::core::result::Result::Ok(())
        }
        static __HPY_ENUM_POST: ::hpy::__private::ClassPost = ::hpy::__private::ClassPost {
            wrapped: <#ident>::__HPY_POST.wrapped,
            class_attrs: ::core::option::Option::Some(__hpy_enum_attrs),
            reinstall: <#ident>::__HPY_POST.reinstall,
        };
    };
    let mut defs: Vec<Ident> = ["REPR", "INT", "HASH", "RICHCMP", "REDUCE"]
        .iter()
        .map(|d| Ident::new(&format!("__HPY_ENUM_{d}"), Span::call_site()))
        .collect();
    if let Some(option) = &model.options.str {
        let (items, def) = options::str_slot(model, option);
        tokens.extend(items);
        defs.push(def);
    }
    tokens.extend(options::enum_markers(model, ident.span()));
    (tokens, defs)
}

#[cfg(test)]
mod tests {
    use super::analyze;
    use quote::quote;
    use syn::parse_quote;

    fn messages(args: proc_macro2::TokenStream, item: syn::ItemEnum) -> Vec<String> {
        analyze(args, item).2.messages()
    }

    #[test]
    fn fieldless_enums_pass() {
        let (model, _, diag) = analyze(
            quote!(rename_all = "SCREAMING_SNAKE_CASE", ord),
            parse_quote!(
                enum Color {
                    DarkRed = 3,
                    Green,
                }
            ),
        );
        assert!(diag.is_empty(), "{:?}", diag.messages());
        let names: Vec<&str> = model
            .variants
            .iter()
            .map(|v| v.py_name.value.as_str())
            .collect();
        assert_eq!(names, ["DARK_RED", "GREEN"]);
        assert!(model.frozen.is_some() && model.is_enum);
    }

    #[test]
    fn unsupported_shapes() {
        let m = messages(
            quote!(),
            parse_quote!(
                enum Shape<T> {
                    Circle(T),
                    Empty,
                }
            ),
        );
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_class] enums cannot have generic"));
        assert!(m[1].starts_with("enums with fields are not supported yet"));
        let m = messages(
            quote!(),
            parse_quote!(
                enum Never {}
            ),
        );
        assert!(m[0].starts_with("#[hpy_class] needs an enum with at least one variant"));
        let m = messages(
            quote!(subclass, get_all, rename_all = "lowercase"),
            parse_quote!(
                enum E {
                    Ab,
                    AB,
                }
            ),
        );
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].starts_with("`subclass` is not supported on an enum"));
        assert!(m[1].starts_with("`get_all` is not supported on an enum"));
        assert_eq!(
            m[2],
            "variants `Ab` and `AB` have the same Python name `ab`"
        );
    }
}
