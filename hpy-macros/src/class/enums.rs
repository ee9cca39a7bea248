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
use quote::{format_ident, quote, quote_spanned};
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
    /// How its fields are declared.
    pub shape: VariantShape,
    /// Its fields, in order.
    pub fields: Vec<VariantField>,
}

/// How a variant declares its fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum VariantShape {
    /// `Point`.
    Unit,
    /// `Circle { r: f64 }`.
    Named,
    /// `Pair(i64, i64)`.
    Tuple,
}

/// One field of a variant with data.
#[derive(Clone)]
pub struct VariantField {
    /// `r` or `0`.
    pub member: syn::Member,
    /// Its Python name: the field's name, or `_0`, `_1`, ... in a tuple variant.
    pub py_name: String,
    /// Its type.
    pub ty: syn::Type,
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
        for field in variant.fields.iter_mut() {
            if let Some(attr) = field.attrs.iter().find(|a| a.path().is_ident("hpy")) {
                diag.error(
                    attr,
                    "fields of an enum variant take no #[hpy(...)] attribute: they are read-only \
                     properties named after the fields (`_0`, `_1`, ... in a tuple variant)",
                );
            }
            field.attrs.retain(|a| !a.path().is_ident("hpy"));
        }
        let shape = match &variant.fields {
            Fields::Unit => VariantShape::Unit,
            Fields::Named(_) => VariantShape::Named,
            Fields::Unnamed(_) => VariantShape::Tuple,
        };
        let fields = variant
            .fields
            .iter()
            .enumerate()
            .map(|(index, field)| match &field.ident {
                Some(name) => VariantField {
                    member: syn::Member::Named(name.clone()),
                    py_name: syn::ext::IdentExt::unraw(name).to_string(),
                    ty: field.ty.clone(),
                },
                None => VariantField {
                    member: syn::Member::Unnamed(syn::Index {
                        index: index as u32,
                        span: field.ty.span(),
                    }),
                    py_name: format!("_{index}"),
                    ty: field.ty.clone(),
                },
            })
            .collect();
        variants.push(VariantEntry {
            ident: variant.ident.clone(),
            py_name,
            cfgs: cfg_attrs(&variant.attrs),
            shape,
            fields,
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
    if model.is_data_enum() {
        if let Some(eq_int) = &model.options.eq_int {
            diag.error(
                eq_int,
                "`eq_int` applies to fieldless enums: a variant with fields has no integer \
                 value to equal",
            );
        }
        if let Some(variant) = item.variants.iter().find(|v| v.discriminant.is_some()) {
            let (_, expr) = variant.discriminant.as_ref().expect("found above");
            diag.error(
                expr,
                "an enum with fields cannot give its variants integer values in #[hpy_class]: \
                 its variants are classes, not integers",
            );
        }
    }
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
            signature: <#ident>::__HPY_POST.signature,
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

/// An enum with data: the base class's slots and conversions, and one subclass per variant
/// (its `__new__`, its field getters, its spec), created by the returned `ClassPost`.
pub fn expand_data_items(model: &ClassModel) -> (TokenStream, Vec<Ident>, TokenStream) {
    let ident = &model.ident;
    let name = &model.py_name.value;
    let slf = Ident::new("slf", Span::mixed_site());
    let ctx = Ident::new("ctx", Span::mixed_site());
    let args = Ident::new("args", Span::mixed_site());
    let kw = Ident::new("kw", Span::mixed_site());
    let (mut tokens, mut defs, post) = options::expand_struct(model);
    let previous = post.unwrap_or_else(|| quote!(&<#ident>::__HPY_POST));
    let mut index_arms = Vec::new();
    let mut repr_arms = Vec::new();
    let mut reduce_arms = Vec::new();
    let mut into_arms = Vec::new();
    let mut add_variants = Vec::new();
    for (index, v) in model.variants.iter().enumerate() {
        let vident = &v.ident;
        let cfgs = &v.cfgs;
        let cfg = quote!(#(#cfgs)*);
        let py_name = &v.py_name.value;
        let qual = format!("{name}.{py_name}");
        let members: Vec<&syn::Member> = v.fields.iter().map(|f| &f.member).collect();
        let bindings: Vec<Ident> = (0..v.fields.len())
            .map(|j| Ident::new(&format!("__hpy_f{j}"), Span::mixed_site()))
            .collect();
        let names: Vec<&str> = v.fields.iter().map(|f| f.py_name.as_str()).collect();
        let pattern = quote!(#ident::#vident { #(#members: #bindings,)* .. });
        index_arms.push(quote!(#cfg #ident::#vident { .. } => #index,));
        let shown: Vec<&str> = if v.shape == VariantShape::Named {
            names.clone()
        } else {
            Vec::new()
        };
        let clones = v.fields.iter().zip(&bindings).map(|(f, b)| {
            quote_spanned!(f.ty.span()=> ::hpy::IntoPy::into_py(::core::clone::Clone::clone(#b), #ctx)?)
        });
        let reduce_clones = v.fields.iter().zip(&bindings).map(|(f, b)| {
            quote_spanned!(f.ty.span()=> ::hpy::IntoPy::into_py(::core::clone::Clone::clone(#b), #ctx)?)
        });
        reduce_arms.push(quote! {
            #cfg #pattern => ::std::vec![#(#reduce_clones),*],
        });
        repr_arms.push(quote! {
            #cfg #pattern => {
                let values = [#(#clones),*];
                ::hpy::class_options::variant_repr(#ctx, #qual, &[#(#shown),*], &values)
            }
        });
        into_arms.push(quote! {
            #cfg #ident::#vident { .. } => #py_name,
        });
        // `__new__`.
        let n = v.fields.len();
        let parse = match v.shape {
            VariantShape::Unit => quote!(::hpy::__private::no_arguments(#qual, #args, #kw)?;),
            VariantShape::Tuple => {
                let extracts = v.fields.iter().zip(&bindings).enumerate().map(|(j, (f, b))| {
                    let ty = &f.ty;
                    let pname = &f.py_name;
                    let convert = quote_spanned!(ty.span()=> ::hpy::__private::extract(#args.get(#j), #qual, #pname)?);
                    quote!(let #b: #ty = #convert;)
                });
                quote! {
                    if let ::core::option::Option::Some(#kw) = #kw {
                        if ::hpy::AnyHandle::len(&#kw)? != 0 {
                            return ::core::result::Result::Err(::hpy::PyErr::type_error(
                                ::core::concat!(#qual, "() takes no keyword arguments")));
                        }
                    }
                    ::hpy::__private::check_nargs(#qual, #args.len(), #n, #n)?;
                    #(#extracts)*
                }
            }
            VariantShape::Named => {
                let slots: Vec<Ident> = (0..n)
                    .map(|j| Ident::new(&format!("__hpy_a{j}"), Span::mixed_site()))
                    .collect();
                let extracts = v.fields.iter().zip(&bindings).zip(&slots).map(|((f, b), a)| {
                    let ty = &f.ty;
                    let pname = &f.py_name;
                    let convert = quote_spanned!(ty.span()=> ::hpy::__private::extract(#a, #qual, #pname)?);
                    quote! {
                        let #a = match #a {
                            ::core::option::Option::Some(#a) => #a,
                            ::core::option::Option::None => return ::core::result::Result::Err(
                                ::hpy::PyErr::type_error(::core::concat!(#qual, "() missing required argument '", #pname, "'"))),
                        };
                        let #b: #ty = #convert;
                    }
                });
                quote! {
                    static __HPY_SPEC: ::hpy::__private::KeywordsSpec = ::hpy::__private::KeywordsSpec {
                        func: #qual,
                        params: &[#(#names),*],
                        required: #n,
                        positional_only: 0,
                        positional: #n,
                        optional: &[false; #n],
                        varargs: false,
                        varkw: false,
                        simple: true,
                    };
                    let mut __hpy_holder = ::hpy::__private::KeywordValues::new();
                    let [#(#slots),*] = ::hpy::__private::parse_dict_keywords::<#n>(&__HPY_SPEC, #args, #kw, &mut __hpy_holder)?;
                    #(#extracts)*
                }
            }
        };
        let new_ty = format_ident!("__hpy_variant_new_{}", index);
        let new_def = format_ident!("__HPY_VARIANT_NEW_{}", index);
        tokens.extend(quote! {
            #cfg
            struct #new_ty;
            #cfg
            impl ::hpy::__private::NewSlot for #new_ty {
                const NAME: &'static str = #qual;
                fn call<'py>(
                    #ctx: ::hpy::Context<'py>,
                    cls: ::hpy::Borrowed<'py>,
                    #args: ::hpy::__private::Args<'py>,
                    #kw: ::core::option::Option<::hpy::Borrowed<'py>>,
                ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    let value = {
                        #parse
                        #ident::#vident { #(#members: #bindings,)* }
                    };
                    ::hpy::class_options::new_variant::<#ident>(#ctx, cls, value)
                }
            }
            #cfg
            static #new_def: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_new::<#new_ty>());
        });
        let mut getter_defs = Vec::new();
        for (j, (f, b)) in v.fields.iter().zip(&bindings).enumerate() {
            let getter = format_ident!("__hpy_variant_get_{}_{}", index, j);
            let def = format_ident!("__HPY_VARIANT_GET_{}_{}", index, j);
            let label = format!("{qual}.{}", f.py_name);
            let hidden = crate::cstr::c_name(&format!("__hpy_get_{}", f.py_name), v.py_name.span);
            let member = &f.member;
            let clone = quote_spanned!(f.ty.span()=> ::core::clone::Clone::clone(#b));
            let convert = quote_spanned!(f.ty.span()=> ::hpy::__private::into_result(value, #ctx));
            tokens.extend(quote! {
                #cfg
                struct #getter;
                #cfg
                impl ::hpy::__private::NoArgsFn for #getter {
                    const NAME: &'static str = #label;
                    #[allow(unreachable_patterns)]
                    fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                        let value = match ::hpy::__private::try_borrow::<#ident>(#slf)? {
                            ::core::option::Option::Some(#slf) => match &*#slf {
                                #ident::#vident { #member: #b, .. } => #clone,
                                _ => return ::core::result::Result::Err(::hpy::PyErr::type_error(
                                    ::core::concat!("descriptor '", #label, "' needs a ", #qual, " instance"))),
                            },
                            ::core::option::Option::None => return ::core::result::Result::Err(::hpy::PyErr::type_error(
                                ::core::concat!("descriptor '", #label, "' needs a ", #qual, " instance"))),
                        };
                        #convert
                    }
                }
                #cfg
                static #def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                    ::hpy::__private::meth_noargs::<#getter>(#hidden, ::core::option::Option::None));
            });
            getter_defs.push(def);
        }
        if v.shape == VariantShape::Tuple && n > 0 {
            // A tuple variant is also a sequence of its fields: `len(p)`, `p[0]`, `p[-1]`.
            let len_ty = format_ident!("__hpy_variant_len_{}", index);
            let item_ty = format_ident!("__hpy_variant_item_{}", index);
            let len_def = format_ident!("__HPY_VARIANT_LEN_{}", index);
            let item_def = format_ident!("__HPY_VARIANT_ITEM_{}", index);
            let len_label = format!("{qual}.__len__");
            let item_label = format!("{qual}.__getitem__");
            let out_of_range = format!("{py_name} index out of range");
            let positions = (0..n).map(proc_macro2::Literal::usize_unsuffixed);
            let items = v.fields.iter().zip(&bindings).map(|(f, b)| {
                let clone = quote_spanned!(f.ty.span()=> ::core::clone::Clone::clone(#b));
                quote!(::hpy::IntoPy::into_py(#clone, #ctx))
            });
            let members2 = members.clone();
            let bindings2 = bindings.clone();
            tokens.extend(quote! {
                #cfg
                struct #len_ty;
                #cfg
                impl ::hpy::__private::LenSlot for #len_ty {
                    const NAME: &'static str = #len_label;
                    fn call<'py>(_: ::hpy::Context<'py>, _: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<usize> {
                        ::core::result::Result::Ok(#n)
                    }
                }
                #cfg
                static #len_def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                    ::hpy::__private::slot_len::<#len_ty>(::hpy::__private::LenSlotId::SQ_LENGTH));
                #cfg
                struct #item_ty;
                #cfg
                impl ::hpy::__private::SsizeArgSlot for #item_ty {
                    const NAME: &'static str = #item_label;
                    #[allow(unreachable_patterns)]
                    fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>, index: isize) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                        // The interpreter has added the length to a negative index already
                        // (`sq_length`): one still negative is out of range.
                        let ::core::option::Option::Some(#slf) = ::hpy::__private::try_borrow::<#ident>(#slf)? else {
                            return ::core::result::Result::Err(::hpy::PyErr::type_error(::core::concat!(#item_label, "() needs a ", #qual, " instance")));
                        };
                        match (&*#slf, index) {
                            #((#ident::#vident { #members2: #bindings2, .. }, #positions) => #items,)*
                            _ => ::core::result::Result::Err(::hpy::PyErr::index_error(#out_of_range)),
                        }
                    }
                }
                #cfg
                static #item_def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                    ::hpy::__private::slot_ssizearg::<#item_ty>(::hpy::__private::SsizeArgSlotId::SQ_ITEM));
            });
            getter_defs.push(len_def);
            getter_defs.push(item_def);
        }
        let parts = format_ident!("__HPY_VARIANT_PARTS_{}", index);
        let count = format_ident!("__HPY_VARIANT_N_{}", index);
        let table = format_ident!("__HPY_VARIANT_DEFS_{}", index);
        let spec = format_ident!("__HPY_VARIANT_SPEC_{}", index);
        let spec_name =
            crate::cstr::c_name(&format!("{}.{py_name}", model.qualname()), v.py_name.span);
        // The doc is only the signature header of calling the class, from which CPython gives
        // the class its `__text_signature__` (`inspect.signature`, `help()`, the `.pyi` stub);
        // `create_variant_type` leaves it out on PyPy, which would show it in `__doc__`.
        let doc = crate::cstr::c_name(
            &format!("{py_name}{}\n--\n\n", variant_signature(v)),
            v.py_name.span,
        );
        tokens.extend(quote! {
            #cfg
            const #parts: &[&[&::hpy::__private::DefCell]] = &[
                &[&#new_def, #(&#getter_defs),*],
                __HPY_AUTO_TRAVERSE,
                // No `tp_destroy`: HPy runs the one of every HPy type of the hierarchy, so
                // the enum's class drops the value (once).
            ];
            #cfg
            const #count: usize = ::hpy::__private::defs_len(#parts);
            #cfg
            static #table: ::hpy::__private::DefTable<#count> = ::hpy::__private::DefTable::from_slices(#parts);
            #cfg
            static #spec: ::hpy::__private::TypeSpecCell =
                ::hpy::__private::TypeSpecCell::new::<#ident, #count>(#spec_name, ::core::option::Option::Some(#doc), false, &#table);
        });
        add_variants.push(quote! {
            #cfg ::hpy::class_options::add_variant_class::<#ident>(#ctx, &#spec, #py_name, &[#(#names),*])?;
        });
    }
    let repr_label = format!("{name}.__repr__");
    let reduce_label = format!("{name}.__reduce__");
    let clone = quote_spanned!(ident.span()=> ::core::clone::Clone::clone(&*value));
    tokens.extend(quote! {
        fn __hpy_variant(value: &#ident) -> usize {
            match value { #(#index_arms)* }
        }

        struct __hpy_enum_repr;
        impl ::hpy::__private::UnarySlot for __hpy_enum_repr {
            const NAME: &'static str = #repr_label;
            fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                // SAFETY: HPy passes an instance of the class to its slots.
                let #slf = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;
                match &*#slf { #(#repr_arms)* }
            }
        }
        static __HPY_ENUM_REPR: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::slot_unary::<__hpy_enum_repr>(::hpy::__private::UnarySlotId::TP_REPR));

        struct __hpy_enum_reduce;
        impl ::hpy::__private::NoArgsFn for __hpy_enum_reduce {
            const NAME: &'static str = #reduce_label;
            fn call<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                let object = #slf;
                // SAFETY: HPy passes an instance of the class to its methods.
                let #slf = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;
                let fields: ::std::vec::Vec<::hpy::Handle<'py>> = match &*#slf { #(#reduce_arms)* };
                ::hpy::class_options::reduce_data_variant(#ctx, object, fields)
            }
        }
        static __HPY_ENUM_REDUCE: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
            ::hpy::__private::meth_noargs::<__hpy_enum_reduce>(c"__reduce__", ::core::option::Option::None));

        // An instance holds one variant with its fields; converting clones it out.
        impl<'py> ::hpy::FromPy<'py> for #ident {
            fn from_py(obj: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<Self> {
                let value = <::hpy::PyRef<'py, 'py, #ident> as ::hpy::FromPy<'py>>::from_py(obj)?;
                ::core::result::Result::Ok(#clone)
            }
        }

        // A value converts to a new instance of its variant's class (found as the class
        // attribute of the enum's class, checked to be one of its subclasses).
        impl<'py> ::hpy::IntoPy<'py> for #ident {
            fn into_py(self, #ctx: ::hpy::Context<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                let name: &'static str = match &self { #(#into_arms)* };
                ::hpy::class_options::variant_into_py::<#ident>(#ctx, name, self)
            }
        }

        fn __hpy_enum_attrs<'py>(#ctx: ::hpy::Context<'py>, ty: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
            if let ::core::option::Option::Some(user) = (#previous).class_attrs {
                user(#ctx, ty)?;
            }
            #(#add_variants)*
            ::hpy::class_options::seal_data_enum::<#ident>(#ctx, ty)
        }
        static __HPY_ENUM_POST: ::hpy::__private::ClassPost = ::hpy::__private::ClassPost {
            wrapped: (#previous).wrapped,
            class_attrs: ::core::option::Option::Some(__hpy_enum_attrs),
            reinstall: (#previous).reinstall,
            signature: (#previous).signature,
        };
    });
    tokens.extend(options::markers(
        ident,
        &[("__repr__", ident.span()), ("__reduce__", ident.span())],
    ));
    defs.push(Ident::new("__HPY_ENUM_REPR", Span::call_site()));
    defs.push(Ident::new("__HPY_ENUM_REDUCE", Span::call_site()));
    (tokens, defs, quote!(&__HPY_ENUM_POST))
}

/// The text signature of calling a variant class: `(r, w)` (named fields, by position or
/// keyword), `(_0, _1, /)` (tuple fields, by position), `()`.
pub fn variant_signature(v: &VariantEntry) -> String {
    let names: Vec<&str> = v.fields.iter().map(|f| f.py_name.as_str()).collect();
    match v.shape {
        VariantShape::Tuple if !names.is_empty() => format!("({}, /)", names.join(", ")),
        _ => format!("({})", names.join(", ")),
    }
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
    fn data_enums() {
        let (model, _, diag) = analyze(
            quote!(eq, hash),
            parse_quote!(
                enum Shape {
                    Circle { r: f64 },
                    Pair(i64, i64),
                    Point,
                }
            ),
        );
        assert!(diag.is_empty(), "{:?}", diag.messages());
        assert!(model.is_data_enum());
        let fields: Vec<Vec<&str>> = model
            .variants
            .iter()
            .map(|v| v.fields.iter().map(|f| f.py_name.as_str()).collect())
            .collect();
        assert_eq!(fields, [vec!["r"], vec!["_0", "_1"], vec![]]);
        let m = messages(
            quote!(eq_int, hash),
            parse_quote!(
                enum Shape {
                    Circle { r: f64 } = 1,
                    Point,
                }
            ),
        );
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].starts_with("`eq_int` applies to fieldless enums"));
        assert!(m[1].starts_with("an enum with fields cannot give its variants integer values"));
        assert!(m[2].starts_with("`hash` needs `eq` too"));
        let (model, _, _) = analyze(
            quote!(),
            parse_quote!(
                enum Color {
                    Red,
                }
            ),
        );
        assert!(!model.is_data_enum());
        let m = messages(
            quote!(),
            parse_quote!(
                enum Shape {
                    Circle {
                        #[hpy(get)]
                        r: f64,
                    },
                }
            ),
        );
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].starts_with("fields of an enum variant take no #[hpy(...)] attribute"));
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
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_class] enums cannot have generic"));
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
