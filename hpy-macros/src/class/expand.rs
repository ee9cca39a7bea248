//! Code generation for a checked [`ClassModel`]: the type's global, field properties and
//! members, the automatic slots (traverse, destroy, no constructor), the definition table, the
//! spec, and the `PyClass` (+ `MutableClass`, `Subclassable`) impls.

use super::model::{ClassModel, FieldEntry};
use super::parse::BaseArg;
use crate::cstr::{c_literal, c_name, optional_c_literal};
use crate::function::expand::local;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::Member;

fn field_label(member: &Member) -> String {
    match member {
        Member::Named(i) => syn::ext::IdentExt::unraw(i).to_string(),
        Member::Unnamed(i) => i.index.to_string(),
    }
}

/// Everything generated for one class (one `const _: () = { ... };` block).
pub fn expand(model: &ClassModel) -> TokenStream {
    let ident = &model.ident;
    let name = &model.py_name.value;
    let qualname =
        c_literal(&model.qualname(), model.py_name.span).unwrap_or_else(|| Literal::c_string(c""));
    let doc = optional_c_literal(model.doc.text().as_deref(), Span::call_site());
    let mut items = TokenStream::new();
    let mut field_defs = Vec::new();
    for field in &model.fields {
        let (tokens, defs) = field_items(model, field);
        items.extend(tokens);
        field_defs.extend(defs);
    }
    // The options' slots (`eq`, `ord`, `hash`, `str`), or an enum's automatic ones.
    let (option_items, option_defs, post) = if model.is_data_enum() {
        super::enums::expand_data_items(model)
    } else if model.is_enum {
        let (tokens, defs) = super::enums::expand_items(model);
        (tokens, defs, quote!(&__HPY_ENUM_POST))
    } else {
        let (tokens, defs, post) = super::options::expand_struct(model);
        let post = post.unwrap_or_else(|| quote!(&<#ident>::__HPY_POST));
        (tokens, defs, post)
    };
    items.extend(option_items);
    let offsets = model.fields.iter().filter(|f| f.is_hpy_field).map(|f| {
        let member = &f.member;
        quote_spanned!(f.ty.span()=> ::core::mem::offset_of!(#ident, #member))
    });
    let base = match &model.base {
        None => quote!(::hpy::__private::ObjectBase),
        Some(BaseArg::Builtin(b, span)) => {
            let b = Ident::new(b, *span);
            quote!(::hpy::__private::#b)
        }
        Some(BaseArg::Rust(path)) => quote!(#path),
    };
    let subclass = model.subclass.is_some();
    // An enum with data: its variants' classes inherit from it (Python classes may not).
    let accepts_subclasses = subclass || model.is_data_enum();
    let frozen = model.frozen.is_some();
    // Only the class's own `tp_new` can make an instance (and initialises it at once) when no
    // class can inherit from it and its base is `object`; frozen, it is never borrowed mutably
    // either: no flag is needed (see `NoBorrowFlag`).
    let object_base = matches!(model.base, None | Some(BaseArg::Builtin("ObjectBase", _)));
    let flag = if frozen && !subclass && object_base {
        quote!(::hpy::__private::NoBorrowFlag)
    } else {
        quote!(::hpy::__private::BorrowFlag)
    };
    let mutable = if frozen {
        quote!()
    } else {
        quote_spanned! {ident.span()=>
            // SAFETY: not `frozen`: `PyClass::FROZEN` is `false`.
            unsafe impl ::hpy::__private::MutableClass for #ident {}
        }
    };
    let subclassable = if subclass {
        quote!(impl ::hpy::__private::Subclassable for #ident {})
    } else {
        quote!()
    };
    // A value of the class converts to a new Python object of it (`-> Self` from methods,
    // operators returning a new instance). Only for classes without a (Rust or builtin) base:
    // the others need the base's initialiser or constructor arguments.
    // (Enums convert to their variant's class attribute: `enums.rs`.)
    let into_py = if !model.is_enum
        && matches!(model.base, None | Some(BaseArg::Builtin("ObjectBase", _)))
    {
        quote! {
            impl<'py> ::hpy::IntoPy<'py> for #ident {
                const NEW_OBJECT: bool = true;
                // Inlined into the trampolines that return the class (measured: bench/).
                #[inline(always)]
                fn into_py(self, ctx: ::hpy::Context<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    ctx.new_object::<#ident, #ident>(self)
                }
                #[inline(always)]
                fn into_py_in(self, ctx: ::hpy::Context<'py>, own: &::hpy::__private::OwnType<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    ::hpy::__private::new_object_in::<#ident, #ident>(ctx, self, own)
                }
            }
        }
    } else {
        quote!()
    };
    let cfgs = &model.cfgs;
    quote! {
        #(#cfgs)*
        #[allow(non_camel_case_types, non_upper_case_globals, clippy::all)]
        const _: () = {
            #[allow(unused_imports)]
            use ::hpy::__private::NoClassItems as _;

            static __HPY_TYPE: ::hpy::__private::HPyGlobal = ::hpy::__private::HPyGlobal::new();

            #items

            static __HPY_TRAVERSE: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_traverse::<#ident>());
            static __HPY_DESTROY: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_destroy::<#ident>());

            struct __hpy_no_constructor;
            impl ::hpy::__private::NewSlot for __hpy_no_constructor {
                const NAME: &'static str = #name;
                fn call<'py>(
                    _: ::hpy::Context<'py>,
                    _: ::hpy::Borrowed<'py>,
                    _: ::hpy::__private::Args<'py>,
                    _: ::core::option::Option<::hpy::Borrowed<'py>>,
                ) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    ::core::result::Result::Err(::hpy::__private::no_constructor::<#ident>())
                }
            }
            static __HPY_NO_CONSTRUCTOR: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::slot_new::<__hpy_no_constructor>());

            const __HPY_FIELDS: &[&::hpy::__private::DefCell] = &[#(&#field_defs),*];
            const __HPY_OPTIONS: &[&::hpy::__private::DefCell] = &[#(&#option_defs),*];
            const __HPY_AUTO_TRAVERSE: &[&::hpy::__private::DefCell] =
                if ::hpy::__private::needs_traverse::<#ident>() { &[&__HPY_TRAVERSE] } else { &[] };
            const __HPY_AUTO_DESTROY: &[&::hpy::__private::DefCell] =
                if ::hpy::__private::needs_destroy::<#ident>() { &[&__HPY_DESTROY] } else { &[] };
            const __HPY_AUTO_NEW: &[&::hpy::__private::DefCell] =
                if <#ident>::__HPY_HAS_NEW { &[] } else { &[&__HPY_NO_CONSTRUCTOR] };
            const __HPY_PARTS: &[&[&::hpy::__private::DefCell]] = &[
                __HPY_FIELDS,
                __HPY_OPTIONS,
                __HPY_AUTO_TRAVERSE,
                __HPY_AUTO_DESTROY,
                __HPY_AUTO_NEW,
                <#ident>::__HPY_TYPE_DEFS,
            ];
            const __HPY_N: usize = ::hpy::__private::defs_len(__HPY_PARTS);
            static __HPY_DEFS: ::hpy::__private::DefTable<__HPY_N> =
                ::hpy::__private::DefTable::from_slices(__HPY_PARTS);
            static __HPY_SPEC: ::hpy::__private::TypeSpecCell =
                ::hpy::__private::TypeSpecCell::new::<#ident, __HPY_N>(#qualname, #doc, #accepts_subclasses, &__HPY_DEFS);

            // SAFETY: `FIELD_OFFSETS` lists every `HPyField` field, and the statics above belong
            // to this class only.
            unsafe impl ::hpy::__private::PyClass for #ident {
                const NAME: &'static str = #name;
                const FROZEN: bool = #frozen;
                const SUBCLASS: bool = #subclass;
                type Base = #base;
                type Flag = #flag;
                const FIELD_OFFSETS: &'static [usize] = &[#(#offsets),*];
                const TYPE_GLOBAL: &'static ::hpy::__private::HPyGlobal = &__HPY_TYPE;
                const SPEC: &'static ::hpy::__private::TypeSpecCell = &__HPY_SPEC;
                const POST: &'static ::hpy::__private::ClassPost = #post;
            }
            #mutable
            #subclassable
            #into_py

        };
    }
}

/// The getter/setter structs or member definition of one field, and the `DefCell` names.
fn field_items(model: &ClassModel, field: &FieldEntry) -> (TokenStream, Vec<Ident>) {
    let a = &field.attrs;
    let Some(py_name) = &field.py_name else {
        return (TokenStream::new(), Vec::new());
    };
    if a.get.is_none() && a.set.is_none() && a.member.is_none() {
        return (TokenStream::new(), Vec::new());
    }
    let ident = &model.ident;
    let member = &field.member;
    let label = field_label(member);
    let name = &py_name.value;
    let c_name = c_literal(name, py_name.span).unwrap_or_else(|| Literal::c_string(c""));
    let doc = optional_c_literal(field.doc.text().as_deref(), Span::call_site());
    let ty = &field.ty;
    let def = format_ident!("__HPY_FIELD_{}", label);
    let ctx = local("ctx");
    let slf = local("slf");
    let value = local("value");
    let guard = local("guard");
    if field.is_hpy_field {
        // Like HPy's object members: `None` while empty; assigning stores a reference.
        let getter = format_ident!("__hpy_field_get_{}", label);
        let setter = format_ident!("__hpy_field_set_{}", label);
        let mut tokens = quote! {
            struct #getter;
            impl ::hpy::__private::GetterFn for #getter {
                const NAME: &'static str = #name;
                fn get<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    // SAFETY: HPy passes an instance of the class to its getters.
                    unsafe { ::hpy::__private::field_get::<#ident>(#slf, |#guard: &#ident| &#guard.#member) }
                }
            }
        };
        let writable = a.member.is_some() || a.set.is_some();
        let def_value = if writable {
            tokens.extend(quote! {
                struct #setter;
                impl ::hpy::__private::SetterFn for #setter {
                    const NAME: &'static str = #name;
                    fn set<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>, #value: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
                        // SAFETY: HPy passes an instance of the class to its setters.
                        unsafe { ::hpy::__private::field_set::<#ident>(#slf, #value, |#guard: &#ident| &#guard.#member) }
                    }
                }
            });
            quote!(::hpy::__private::getset_rw::<#getter, #setter>(#c_name, #doc))
        } else {
            quote!(::hpy::__private::getset::<#getter>(#c_name, #doc))
        };
        tokens.extend(quote! {
            static #def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(#def_value);
        });
        let (hidden, mut defs) = property_methods(
            &label,
            name,
            py_name.span,
            Some(&getter),
            writable.then_some(&setter),
        );
        tokens.extend(hidden);
        defs.insert(0, def);
        let _ = ctx;
        return (tokens, defs);
    }
    if a.member.is_some() {
        let tokens = quote_spanned! {ty.span()=>
            static #def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(
                ::hpy::__private::member::<#ident, #ty>(#c_name, ::core::mem::offset_of!(#ident, #member), #doc),
            );
        };
        return (tokens, vec![def]);
    }
    let mut tokens = TokenStream::new();
    let getter = format_ident!("__hpy_field_get_{}", label);
    let setter = format_ident!("__hpy_field_set_{}", label);
    if let Some(get) = &a.get {
        let clone = quote_spanned!(get.span().located_at(ty.span())=> ::core::clone::Clone::clone(&#guard.#member));
        let convert = quote_spanned!(ty.span()=> ::hpy::__private::into_result(#value, #ctx));
        tokens.extend(quote! {
            struct #getter;
            impl ::hpy::__private::GetterFn for #getter {
                const NAME: &'static str = #name;
                fn get<'py>(#ctx: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<::hpy::Handle<'py>> {
                    let #guard = unsafe { ::hpy::__private::borrow_self::<#ident>(#slf) }?;
                    let #value = #clone;
                    ::core::mem::drop(#guard);
                    #convert
                }
            }
        });
    }
    if let Some(set) = &a.set {
        let borrow = quote_spanned!(set.span()=> unsafe { ::hpy::__private::borrow_self_mut::<#ident>(#slf) }?);
        let convert =
            quote_spanned!(ty.span()=> ::hpy::__private::extract(#value, #name, "value")?);
        tokens.extend(quote! {
            struct #setter;
            impl ::hpy::__private::SetterFn for #setter {
                const NAME: &'static str = #name;
                fn set<'py>(_: ::hpy::Context<'py>, #slf: ::hpy::Borrowed<'py>, #value: ::hpy::Borrowed<'py>) -> ::hpy::PyResult<()> {
                    let #value = #convert;
                    let mut #guard = #borrow;
                    #guard.#member = #value;
                    ::core::result::Result::Ok(())
                }
            }
        });
    }
    let def_value = match (&a.get, &a.set) {
        (Some(_), Some(_)) => {
            quote!(::hpy::__private::getset_rw::<#getter, #setter>(#c_name, #doc))
        }
        (Some(_), None) => quote!(::hpy::__private::getset::<#getter>(#c_name, #doc)),
        _ => quote!(::hpy::__private::getset_wo::<#setter>(#c_name, #doc)),
    };
    tokens.extend(quote! {
        static #def: ::hpy::__private::DefCell = ::hpy::__private::DefCell::new(#def_value);
    });
    let (hidden, mut defs) = property_methods(
        &label,
        name,
        py_name.span,
        a.get.as_ref().map(|_| &getter),
        a.set.as_ref().map(|_| &setter),
    );
    tokens.extend(hidden);
    defs.insert(0, def);
    (tokens, defs)
}

/// The hidden `__hpy_get_<name>`/`__hpy_set_<name>` methods of a property, which `add_class`
/// turns into the property's functions on PyPy (and removes on CPython), and their `DefCell`
/// names.
pub(crate) fn property_methods(
    label: &str,
    name: &str,
    span: Span,
    getter: Option<&Ident>,
    setter: Option<&Ident>,
) -> (TokenStream, Vec<Ident>) {
    let mut tokens = TokenStream::new();
    let mut defs = Vec::new();
    let accessors = [
        (getter, "get", "getter_method"),
        (setter, "set", "setter_method"),
    ];
    for (accessor, verb, make) in accessors {
        let Some(accessor) = accessor else { continue };
        let def = format_ident!("__HPY_{}_METHOD_{}", verb.to_uppercase(), label);
        let c = c_name(&format!("__hpy_{verb}_{name}"), span);
        let make = format_ident!("{}", make);
        tokens.extend(quote! {
            static #def: ::hpy::__private::DefCell =
                ::hpy::__private::DefCell::new(::hpy::__private::#make::<#accessor>(#c));
        });
        defs.push(def);
    }
    (tokens, defs)
}

#[cfg(test)]
mod tests {
    use crate::class::expand_attribute;
    use quote::quote;

    #[test]
    fn class_items() {
        let out = expand_attribute(
            quote!(subclass, module = "shapes"),
            quote! {
                /// A point.
                pub struct Point { #[hpy(get, set)] x: f64, label: HPyField }
            },
        )
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(
            out.starts_with(
                "# [doc = r\" A point.\"] pub struct Point { x : f64 , label : HPyField }"
            ),
            "{out}"
        );
        assert!(out.contains("TypeSpecCell :: new :: < Point , __HPY_N > (c\"shapes.Point\" , :: core :: option :: Option :: Some (c\"A point.\") , true , & __HPY_DEFS)"));
        assert!(out.contains("const FIELD_OFFSETS : & 'static [usize] = & [:: core :: mem :: offset_of ! (Point , label)]"));
        assert!(out.contains("getset_rw :: < __hpy_field_get_x , __hpy_field_set_x > (c\"x\""));
        assert!(out.contains("unsafe impl :: hpy :: __private :: MutableClass for Point"));
        assert!(out.contains("impl :: hpy :: __private :: Subclassable for Point"));
        assert!(out.contains("type Base = :: hpy :: __private :: ObjectBase"));
        assert!(out.contains("IntoPy < 'py > for Point"));
    }

    #[test]
    fn frozen_members_and_bases() {
        let out = expand_attribute(
            quote!(frozen, base = int),
            quote!(
                struct N {
                    #[hpy(member)]
                    a: i64,
                }
            ),
        )
        .to_string();
        assert!(
            out.contains("member :: < N , i64 > (c\"a\" , :: core :: mem :: offset_of ! (N , a)")
        );
        assert!(!out.contains("MutableClass"));
        assert!(out.contains("const FROZEN : bool = true"));
        assert!(out.contains("type Base = :: hpy :: __private :: LongBase"));
        assert!(!out.contains("IntoPy"));
    }
}
