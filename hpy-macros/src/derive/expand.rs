//! Code generation for a checked [`DeriveModel`]: one `impl ::hpy::FromPy` or
//! `impl ::hpy::IntoPy`, calling `::hpy::__derive` (see `hpy/src/derive_support.rs`).

use super::model::{Body, DeriveModel, FieldModel, Kind, Shape, Source};
use super::parse::UnitValue;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, Lifetime, LifetimeParam};

/// The generated impl.
pub fn expand(model: &DeriveModel) -> TokenStream {
    match model.derive {
        super::model::Derive::FromPy => from_py(model),
        super::model::Derive::IntoPy => into_py(model),
    }
}

/// The type's generics with one more lifetime `'name` first, outliving the type's lifetimes
/// when `outlives` (a borrowed field converted from an object open for `'name` may be kept for
/// any shorter lifetime).
fn with_lifetime(model: &DeriveModel, name: &str, outlives: bool) -> (syn::Generics, Lifetime) {
    let lifetime = Lifetime::new(name, Span::call_site());
    let mut generics = model.generics.clone();
    let mut param = LifetimeParam::new(lifetime.clone());
    if outlives {
        param.bounds = model
            .generics
            .lifetimes()
            .map(|l| l.lifetime.clone())
            .collect();
    }
    generics.params.insert(0, param.into());
    (generics, lifetime)
}

fn path(model: &DeriveModel, body: &Body) -> TokenStream {
    match &model.shape {
        Shape::Struct(_) => quote!(Self),
        Shape::Enum(..) => {
            let variant = &body.ident;
            quote!(Self::#variant)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FromPy

fn from_py(model: &DeriveModel) -> TokenStream {
    let ident = &model.ident;
    let (generics, a) = with_lifetime(model, "'__hpy_a", true);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = model.generics.split_for_impl();
    let name = &model.name;
    let body = match &model.shape {
        Shape::Struct(body) => match body.kind() {
            Kind::Transparent => {
                let field = &body.fields[0];
                let value = transparent_value(field);
                let build = build(&path(model, body), body, [value]);
                quote!(::core::result::Result::Ok(#build))
            }
            _ => {
                let attempt = attempt(model, body);
                quote! {
                    let __hpy_attempt = (|| -> ::hpy::__derive::Attempt<Self> { #attempt })();
                    ::hpy::__derive::finish(__hpy_obj, #name, __hpy_attempt)
                }
            }
        },
        Shape::Enum(_, variants) => {
            let tries = variants.iter().map(|variant| {
                let variant_name = &variant.name;
                match variant.kind() {
                    Kind::Transparent => {
                        let field = &variant.fields[0];
                        let ty = &field.ty;
                        let value = quote_spanned! {ty.span()=>
                            let __hpy_value: ::hpy::PyResult<#ty> =
                                ::hpy::FromPy::from_py(__hpy_obj);
                        };
                        let build = build(&path(model, variant), variant, [quote!(__hpy_value)]);
                        quote! {
                            #value
                            match __hpy_value {
                                ::core::result::Result::Ok(__hpy_value) => {
                                    return ::core::result::Result::Ok(#build);
                                }
                                ::core::result::Result::Err(__hpy_err) => {
                                    __hpy_variants.failed_inner(#variant_name, __hpy_err)?
                                }
                            }
                        }
                    }
                    _ => {
                        let attempt = attempt(model, variant);
                        quote! {
                            match (|| -> ::hpy::__derive::Attempt<Self> { #attempt })() {
                                ::core::result::Result::Ok(__hpy_value) => {
                                    return ::core::result::Result::Ok(__hpy_value);
                                }
                                ::core::result::Result::Err(__hpy_failure) => {
                                    __hpy_variants.failed(#variant_name, __hpy_failure)?
                                }
                            }
                        }
                    }
                }
            });
            quote! {
                let mut __hpy_variants = ::hpy::__derive::Variants::new(__hpy_obj);
                #(#tries)*
                ::core::result::Result::Err(__hpy_variants.finish(#name))
            }
        }
    };
    quote! {
        #[automatically_derived]
        impl #impl_generics ::hpy::FromPy<#a> for #ident #ty_generics #where_clause {
            #[allow(clippy::redundant_closure_call, unreachable_code)]
            fn from_py(__hpy_obj: ::hpy::Borrowed<#a>) -> ::hpy::PyResult<Self> {
                #body
            }
        }
    }
}

/// The one field of a transparent struct, from the whole object.
fn transparent_value(field: &FieldModel) -> TokenStream {
    let ty = &field.ty;
    quote_spanned! {ty.span()=>
        {
            let __hpy_value: #ty = ::hpy::FromPy::from_py(__hpy_obj)?;
            __hpy_value
        }
    }
}

/// `path { a: v0, b: v1 }` or `path(v0, v1)`, from values in field order.
fn build(
    path: &TokenStream,
    body: &Body,
    values: impl IntoIterator<Item = TokenStream>,
) -> TokenStream {
    let members = body.fields.iter().map(|f| &f.member);
    let values = values.into_iter();
    quote!(#path { #(#members: #values),* })
}

/// The statements of an `Attempt<Self>` closure: a named or tuple body (or a unit variant).
fn attempt(model: &DeriveModel, body: &Body) -> TokenStream {
    let path = path(model, body);
    match body.kind() {
        Kind::Named => {
            let values = body.fields.iter().map(|field| {
                let ty = &field.ty;
                let key = &field.key;
                let (plain, optional) = match field.source {
                    Source::Attribute => (quote!(attribute), quote!(attribute_opt)),
                    Source::Item => (quote!(item), quote!(item_opt)),
                };
                match &field.opts.default {
                    None => quote_spanned! {ty.span()=>
                        ::hpy::__derive::#plain::<#ty>(__hpy_obj, #key)?
                    },
                    Some(default) => {
                        let fallback = match &default.expr {
                            Some(expr) => quote!(#expr),
                            None => quote_spanned!(default.key.span()=>
                                ::core::default::Default::default()),
                        };
                        let lookup = quote_spanned! {ty.span()=>
                            ::hpy::__derive::#optional::<#ty>(__hpy_obj, #key)?
                        };
                        quote! {
                            match #lookup {
                                ::core::option::Option::Some(__hpy_value) => __hpy_value,
                                ::core::option::Option::None => #fallback,
                            }
                        }
                    }
                }
            });
            let build = build(&path, body, values.collect::<Vec<_>>());
            quote!(::core::result::Result::Ok(#build))
        }
        Kind::Tuple => {
            let length = body.fields.len();
            let values = body.fields.iter().enumerate().map(|(index, field)| {
                let ty = &field.ty;
                quote_spanned! {ty.span()=>
                    ::hpy::__derive::index::<#ty>(__hpy_obj, #index, #length)?
                }
            });
            let build = build(&path, body, values.collect::<Vec<_>>());
            quote! {
                ::hpy::__derive::sequence(__hpy_obj, #length)?;
                ::core::result::Result::Ok(#build)
            }
        }
        Kind::Unit => {
            let test = match body.value() {
                Some(UnitValue::Str(s)) => quote!(::hpy::__derive::unit_str(__hpy_obj, #s)),
                Some(UnitValue::Int(v, span)) => {
                    quote_spanned!(*span=> ::hpy::__derive::unit_int(__hpy_obj, #v))
                }
                None => unreachable!("check requires a value on FromPy unit variants"),
            };
            quote! {
                #test?;
                ::core::result::Result::Ok(#path)
            }
        }
        Kind::Transparent => unreachable!("transparent bodies convert without an attempt"),
    }
}

// ---------------------------------------------------------------------------------------------
// IntoPy

fn into_py(model: &DeriveModel) -> TokenStream {
    let ident = &model.ident;
    let (mut generics, py) = with_lifetime(model, "'__hpy_py", false);
    let bodies: Vec<&Body> = match &model.shape {
        Shape::Struct(body) => vec![body],
        Shape::Enum(_, variants) => variants.iter().collect(),
    };
    if model.generics.lifetimes().next().is_some() {
        // Fields that borrow (`Borrowed<'py>`, `&'a str`) convert for the lifetimes they allow.
        let where_clause = generics.make_where_clause();
        for field in bodies.iter().flat_map(|b| &b.fields) {
            let ty = &field.ty;
            where_clause
                .predicates
                .push(parse_quote!(#ty: ::hpy::IntoPy<#py>));
        }
    }
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = model.generics.split_for_impl();
    let arms = bodies.iter().map(|body| {
        let path = path(model, body);
        // Spanned at the field types: a field that does not convert is reported there.
        let bindings: Vec<_> = body
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| format_ident!("__hpy_f{i}", span = f.ty.span()))
            .collect();
        let members = body.fields.iter().map(|f| &f.member);
        let pattern = quote!(#path { #(#members: #bindings),* });
        let convert = |binding: &proc_macro2::Ident, field: &FieldModel| {
            let ty = &field.ty;
            quote_spanned!(ty.span()=> ::hpy::IntoPy::into_py(#binding, __hpy_ctx))
        };
        let value = match body.kind() {
            Kind::Transparent => convert(&bindings[0], &body.fields[0]),
            Kind::Named => {
                let sets = body.fields.iter().zip(&bindings).map(|(field, binding)| {
                    let key = &field.key;
                    let ty = &field.ty;
                    quote_spanned! {ty.span()=>
                        ::hpy::__derive::set_item(&__hpy_dict, #key, #binding)?;
                    }
                });
                quote! {{
                    let __hpy_dict = ::hpy::__derive::new_dict(__hpy_ctx)?;
                    #(#sets)*
                    ::core::result::Result::Ok(__hpy_dict)
                }}
            }
            Kind::Tuple => {
                let items = body
                    .fields
                    .iter()
                    .zip(&bindings)
                    .map(|(field, binding)| convert(binding, field));
                quote!(::hpy::__derive::tuple(__hpy_ctx, [#(#items?),*]))
            }
            Kind::Unit => match body.value() {
                Some(UnitValue::Str(s)) => quote!(::hpy::IntoPy::into_py(#s, __hpy_ctx)),
                Some(UnitValue::Int(v, _)) => quote!(::hpy::IntoPy::into_py(#v, __hpy_ctx)),
                None => {
                    let name = &body.name;
                    quote!(::hpy::IntoPy::into_py(#name, __hpy_ctx))
                }
            },
        };
        quote!(#pattern => #value,)
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::hpy::IntoPy<#py> for #ident #ty_generics #where_clause {
            fn into_py(
                self,
                __hpy_ctx: ::hpy::Context<#py>,
            ) -> ::hpy::PyResult<::hpy::Handle<#py>> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::Derive;
    use super::*;
    use crate::diagnostics::Diagnostics;
    use syn::DeriveInput;

    fn expanded(derive: Derive, input: DeriveInput) -> String {
        let mut diag = Diagnostics::new();
        let model = DeriveModel::lower(derive, &input, &mut diag);
        super::super::check::check(&model, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        let tokens = expand(&model);
        syn::parse2::<syn::File>(tokens.clone()).expect("the expansion parses as items");
        tokens.to_string()
    }

    #[test]
    fn struct_lookups() {
        let input: DeriveInput = parse_quote! {
            #[hpy(mapping)]
            struct Config<'a> {
                name: String,
                #[hpy(attribute = "lvl", default = 3)] level: u8,
                #[hpy(default)] tags: Option<Vec<String>>,
                #[hpy(skip_me_not)] other: &'static str,
            }
        };
        let mut diag = Diagnostics::new();
        DeriveModel::lower(Derive::FromPy, &input, &mut diag);
        assert_eq!(diag.len(), 1, "an unknown option is reported by lowering");

        let input: DeriveInput = parse_quote! {
            #[hpy(mapping)]
            struct Config<'a> {
                name: String,
                #[hpy(attribute = "lvl", default = 3)] level: u8,
                #[hpy(default)] tags: Option<Vec<String>>,
                view: Label<'static>,
                marker: core::marker::PhantomData<&'static ()>,
            }
        };
        let from = expanded(Derive::FromPy, input.clone());
        assert!(from.contains(
            "impl < '__hpy_a : 'a , 'a > :: hpy :: FromPy < '__hpy_a > for Config < 'a >"
        ));
        assert!(from.contains(":: hpy :: __derive :: item :: < String > (__hpy_obj , \"name\") ?"));
        assert!(
            from.contains(":: hpy :: __derive :: attribute_opt :: < u8 > (__hpy_obj , \"lvl\") ?")
        );
        assert!(from.contains("None => 3"));
        assert!(from.contains("None => :: core :: default :: Default :: default ()"));
        assert!(from.contains(":: hpy :: __derive :: finish (__hpy_obj , \"Config\""));
        let into = expanded(Derive::IntoPy, input);
        assert!(into
            .contains("impl < '__hpy_py , 'a > :: hpy :: IntoPy < '__hpy_py > for Config < 'a >"));
        assert!(into.contains("String : :: hpy :: IntoPy < '__hpy_py >"));
        assert!(into.contains("set_item (& __hpy_dict , \"lvl\" , __hpy_f1)"));
    }

    #[test]
    fn enum_variants_in_order() {
        let input: DeriveInput = parse_quote! {
            enum Shape {
                Circle { r: f64 },
                Pair(f64, f64),
                Side(f64),
                #[hpy(value = "empty")] Empty,
                #[hpy(value = -1)] Unknown,
            }
        };
        let from = expanded(Derive::FromPy, input.clone());
        let order: Vec<usize> = [
            "\"Circle\"",
            "\"Pair\"",
            "\"Side\"",
            "\"Empty\"",
            "\"Unknown\"",
        ]
        .iter()
        .map(|name| from.find(name).expect(name))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{from}");
        assert!(from.contains(":: hpy :: __derive :: sequence (__hpy_obj , 2usize) ?"));
        assert!(from.contains("unit_str (__hpy_obj , \"empty\")"));
        assert!(from.contains("unit_int (__hpy_obj , - 1i64)"));
        assert!(from.contains("__hpy_variants . finish (\"Shape\")"));
        let into = expanded(Derive::IntoPy, input);
        assert!(into
            .contains("Self :: Empty { } => :: hpy :: IntoPy :: into_py (\"empty\" , __hpy_ctx)"));
        assert!(into.contains(":: hpy :: __derive :: tuple (__hpy_ctx"));
        assert!(
            !into.contains("where"),
            "no bounds without lifetimes: {into}"
        );
    }
}
