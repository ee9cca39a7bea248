//! `.pyi` stub records: for every Python-visible function, method, property, class attribute
//! and constant, an `inventory` submission of an `::hpy::stub::StubRecord` holding its Python
//! name, its owner (the class, through the class's `PyTypeHint`) and the type hints of its
//! Python parameters and return value (`<T as ::hpy::stub::PyTypeHint>::input_hint` /
//! `output_hint`). A type without `PyTypeHint` is a compile error at that type.
//!
//! `#[hpy_module]` exports the function that hands all records to the build tool
//! ([`export_symbol`]).

use crate::class::model::ClassModel;
use crate::derive::model::{Derive, DeriveModel};
use crate::function::model::{FunctionModel, Role};
use crate::methods::model::{ConstAttr, MethodEntry, MethodKind, MethodsModel};
use crate::methods::slots::SlotKind;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Ident, ReturnType, Type};

/// Makes a type written in a signature nameable in a `static`: every lifetime becomes
/// `'static` and `Self` becomes the class type.
struct Erase<'a> {
    self_ty: Option<&'a Type>,
    /// An `impl Trait` (or an inferred `_`) was found: the type cannot be named.
    unnameable: bool,
}

impl VisitMut for Erase<'_> {
    fn visit_lifetime_mut(&mut self, lifetime: &mut syn::Lifetime) {
        *lifetime = syn::Lifetime::new("'static", lifetime.span());
    }

    fn visit_type_reference_mut(&mut self, reference: &mut syn::TypeReference) {
        if reference.lifetime.is_none() {
            reference.lifetime = Some(syn::Lifetime::new("'static", reference.and_token.span));
        }
        visit_mut::visit_type_reference_mut(self, reference);
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        match ty {
            Type::ImplTrait(_) | Type::Infer(_) => self.unnameable = true,
            Type::Path(path) if path.qself.is_none() && path.path.is_ident("Self") => {
                if let Some(self_ty) = self.self_ty {
                    *ty = self_ty.clone();
                    return;
                }
            }
            _ => {}
        }
        visit_mut::visit_type_mut(self, ty);
    }
}

/// `<ty as PyTypeHint>::<which>`, located at the user's type (so a missing impl points there),
/// or `::hpy::stub::any_hint` for a type that cannot be named.
fn hint(ty: &Type, self_ty: Option<&Type>, which: &str) -> TokenStream {
    let mut erased = ty.clone();
    let mut erase = Erase {
        self_ty,
        unnameable: false,
    };
    erase.visit_type_mut(&mut erased);
    if erase.unnameable {
        return quote!(::hpy::stub::any_hint);
    }
    let which = Ident::new(which, Span::call_site());
    quote_spanned! {ty.span()=> <#erased as ::hpy::stub::PyTypeHint>::#which }
}

fn return_hint(output: &ReturnType, self_ty: Option<&Type>) -> TokenStream {
    match output {
        ReturnType::Default => quote!(<() as ::hpy::stub::PyTypeHint>::output_hint),
        ReturnType::Type(_, ty) => hint(ty, self_ty, "output_hint"),
    }
}

fn record(
    cfgs: &[Attribute],
    owner: Option<&Type>,
    name: &str,
    kind: &str,
    params: &[TokenStream],
    returns: TokenStream,
) -> TokenStream {
    let owner = match owner {
        Some(ty) => {
            let hint = hint(ty, None, "output_hint");
            quote!(::core::option::Option::Some(#hint))
        }
        None => quote!(::core::option::Option::None),
    };
    record_of(cfgs, owner, name, kind, params, returns)
}

/// A record whose owner is given as an `Option<HintFn>` expression.
fn record_of(
    cfgs: &[Attribute],
    owner: TokenStream,
    name: &str,
    kind: &str,
    params: &[TokenStream],
    returns: TokenStream,
) -> TokenStream {
    quote! {
        #(#cfgs)*
        ::hpy::stub::inventory::submit! {
            ::hpy::stub::StubRecord {
                owner: #owner,
                name: #name,
                kind: #kind,
                params: &[#(#params),*],
                returns: #returns,
            }
        }
    }
}

/// The Python parameters of a function (context and module excluded): `("name", hint)`.
fn params(model: &FunctionModel, self_ty: Option<&Type>) -> Vec<TokenStream> {
    model
        .params
        .iter()
        .filter(|p| !matches!(p.role(), Role::Context | Role::Module))
        .map(|p| {
            let name = p.python_name().unwrap_or_default();
            let hint = hint(&p.ty, self_ty, "input_hint");
            let has_default = p.default().is_some();
            quote!((#name, #hint as ::hpy::stub::HintFn, #has_default))
        })
        .collect()
}

/// The record of a `#[hpy_function]` (`model` passed its checks).
pub fn function(model: &FunctionModel) -> TokenStream {
    let params = params(model, None);
    let returns = return_hint(&model.output, None);
    record(
        &model.cfgs,
        None,
        &model.py_name.value,
        "function",
        &params,
        returns,
    )
}

/// The records of a `#[hpy_methods]` block: methods, static and class methods, property halves,
/// class attributes and `#[new]`'s parameters. Other slots have no record (their types are
/// fixed by the protocol; the generator writes them from the runtime signature).
pub fn methods(model: &MethodsModel) -> TokenStream {
    let self_ty = Some(&*model.self_ty);
    let mut out = TokenStream::new();
    for e in &model.entries {
        out.extend(method(e, &model.self_ty, self_ty));
    }
    for c in &model.consts {
        out.extend(class_const(c, &model.self_ty));
    }
    out
}

fn method(e: &MethodEntry, owner: &Type, self_ty: Option<&Type>) -> TokenStream {
    let kind = match &e.kind {
        MethodKind::Method => "method",
        MethodKind::Static => "staticmethod",
        MethodKind::Class => "classmethod",
        MethodKind::Getter(_) => "getter",
        MethodKind::Setter(_) => "setter",
        MethodKind::ClassAttr => "classattr",
        MethodKind::Slot(slot) if slot.kind == SlotKind::New => {
            let params = params(&e.function, self_ty);
            let returns = quote!(::hpy::stub::any_hint);
            return record(&e.cfgs, Some(owner), "__new__", "new", &params, returns);
        }
        MethodKind::Slot(slot) if slot.kind == SlotKind::Init => {
            let params = params(&e.function, self_ty);
            let returns = quote!(<() as ::hpy::stub::PyTypeHint>::output_hint);
            return record(&e.cfgs, Some(owner), "__init__", "init", &params, returns);
        }
        MethodKind::Slot(slot) if typed_slot(slot.kind) => return slot_record(e, owner, self_ty),

        _ => return TokenStream::new(),
    };
    let name = match &e.kind {
        MethodKind::Getter(name) | MethodKind::Setter(name) => name.clone(),
        _ => e.py_name.value.clone(),
    };
    let mut params = params(&e.function, self_ty);
    if kind == "classmethod" && !params.is_empty() {
        // The class parameter is passed by Python, not by the caller.
        params.remove(0);
    }
    let returns = return_hint(&e.function.output, self_ty);
    record(&e.cfgs, Some(owner), &name, kind, &params, returns)
}

/// Slots whose Python method (`__add__`, `__len__`, ...) takes the Rust parameters in order.
fn typed_slot(kind: SlotKind) -> bool {
    matches!(
        kind,
        SlotKind::Unary(_)
            | SlotKind::Binary { .. }
            | SlotKind::Power { .. }
            | SlotKind::InPlace(_)
            | SlotKind::Bool
            | SlotKind::Len { .. }
            | SlotKind::GetItem { .. }
            | SlotKind::SetItem
            | SlotKind::DelItem
            | SlotKind::Contains
            | SlotKind::Compare(_)
            | SlotKind::Hash
    )
}

/// A probe closure: the hint if the type has one, else `Any` (see `hpy::stub::HintProbe`).
fn probe(ty: &Type, self_ty: Option<&Type>, which: &str) -> TokenStream {
    let mut erased = ty.clone();
    let mut erase = Erase {
        self_ty,
        unnameable: false,
    };
    erase.visit_type_mut(&mut erased);
    if erase.unnameable {
        return quote!(::hpy::stub::any_hint);
    }
    let which = Ident::new(which, Span::call_site());
    quote! {
        (|| {
            #[allow(unused_imports)]
            use ::hpy::stub::{ProbeAny as _, ProbeHint as _};
            (&::hpy::stub::HintProbe::<#erased>::new()).#which()
        })
    }
}

/// A slot method's record: its types where they have hints, `Any` elsewhere (never an error).
fn slot_record(e: &MethodEntry, owner: &Type, self_ty: Option<&Type>) -> TokenStream {
    let name = &e.py_name.value;
    if !(name.starts_with("__") && name.ends_with("__")) {
        return TokenStream::new();
    }
    let params: Vec<TokenStream> = e
        .function
        .params
        .iter()
        .filter(|p| !matches!(p.role(), Role::Context | Role::Module))
        .map(|p| {
            let name = p.python_name().unwrap_or_default();
            let hint = probe(&p.ty, self_ty, "probe_input");
            quote!((#name, #hint as ::hpy::stub::HintFn, false))
        })
        .collect();
    let returns = match &e.function.output {
        ReturnType::Default => quote!(<() as ::hpy::stub::PyTypeHint>::output_hint),
        ReturnType::Type(_, ty) => probe(ty, self_ty, "probe_output"),
    };
    record(&e.cfgs, Some(owner), name, "slot", &params, returns)
}

fn class_const(c: &ConstAttr, owner: &Type) -> TokenStream {
    let returns = hint(&c.ty, Some(owner), "output_hint");
    record(
        &c.cfgs,
        Some(owner),
        &c.py_name.value,
        "classattr",
        &[],
        returns,
    )
}

/// The records of a `#[hpy_class]`'s exposed fields (`#[hpy(get)]`, `set`, `member`): property
/// halves typed by the field's type where it has a hint (`Any` otherwise, e.g. `HPyField`).
pub fn class(model: &ClassModel) -> TokenStream {
    let ident = &model.ident;
    let owner: Type = syn::parse_quote!(#ident);
    let mut out = TokenStream::new();
    for f in &model.fields {
        let Some(name) = &f.py_name else { continue };
        let a = &f.attrs;
        if a.get.is_some() || a.member.is_some() {
            let returns = probe(&f.ty, None, "probe_output");
            out.extend(record(
                &model.cfgs,
                Some(&owner),
                &name.value,
                "getter",
                &[],
                returns,
            ));
        }
        // A member is writable from Python exactly when its type is a `Cell` (`MemberType`).
        let writable_member = a.member.is_some() && crate::signature::type_is_named(&f.ty, "Cell");
        if a.set.is_some() || writable_member {
            let hint = probe(&f.ty, None, "probe_input");
            let params = [quote!(("value", #hint as ::hpy::stub::HintFn, false))];
            let returns = quote!(<() as ::hpy::stub::PyTypeHint>::output_hint);
            out.extend(record(
                &model.cfgs,
                Some(&owner),
                &name.value,
                "setter",
                &params,
                returns,
            ));
        }
    }
    out
}

/// The records of an enum with data's variant classes, owned by `Shape.Circle` (the variant
/// class's qualified name): its `__new__` taking the fields, a getter per field, and a tuple
/// variant's `__getitem__` giving the union of its fields' types. A field type without a hint is
/// `Any` (never an error, as for the exposed fields of a struct).
pub fn variants(model: &ClassModel) -> TokenStream {
    use crate::class::enums::VariantShape;
    let ident = &model.ident;
    let self_ty: Type = syn::parse_quote!(#ident);
    let mut out = TokenStream::new();
    if !model.is_data_enum() {
        return out;
    }
    for v in &model.variants {
        let qual = format!("{}.{}", model.py_name.value, v.py_name.value);
        let owner = quote! {
            ::core::option::Option::Some(
                (|| ::std::string::String::from(#qual)) as ::hpy::stub::HintFn)
        };
        let cfgs: Vec<Attribute> = model.cfgs.iter().chain(&v.cfgs).cloned().collect();
        let params: Vec<TokenStream> = v
            .fields
            .iter()
            .map(|f| {
                let name = &f.py_name;
                let hint = probe(&f.ty, Some(&self_ty), "probe_input");
                quote!((#name, #hint as ::hpy::stub::HintFn, false))
            })
            .collect();
        out.extend(record_of(
            &cfgs,
            owner.clone(),
            "__new__",
            "new",
            &params,
            quote!(::hpy::stub::any_hint),
        ));
        let outputs: Vec<TokenStream> = v
            .fields
            .iter()
            .map(|f| probe(&f.ty, Some(&self_ty), "probe_output"))
            .collect();
        for (f, returns) in v.fields.iter().zip(&outputs) {
            out.extend(record_of(
                &cfgs,
                owner.clone(),
                &f.py_name,
                "getter",
                &[],
                returns.clone(),
            ));
        }
        if v.shape == VariantShape::Tuple && !v.fields.is_empty() {
            let index = quote!((
                "index",
                <isize as ::hpy::stub::PyTypeHint>::input_hint as ::hpy::stub::HintFn,
                false
            ));
            let returns = quote! {
                (|| {
                    let mut types: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
                    #({
                        let hint = (#outputs)();
                        if !types.contains(&hint) {
                            types.push(hint);
                        }
                    })*
                    types.join(" | ")
                })
            };
            out.extend(record_of(
                &cfgs,
                owner.clone(),
                "__getitem__",
                "slot",
                &[index],
                returns,
            ));
        }
    }
    out
}

/// `#[derive(FromPy)]`'s `PyTypeHint`: `Any` both ways (the conversion is structural: any
/// object with the attributes, mapping or sequence it reads). Only `FromPy` emits it, so a type
/// deriving both gets one impl; a type deriving only `IntoPy` implements `PyTypeHint` by hand.
pub fn derived(model: &DeriveModel) -> TokenStream {
    if model.derive != Derive::FromPy {
        return TokenStream::new();
    }
    let ident = &model.ident;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    quote! {
        impl #impl_generics ::hpy::stub::PyTypeHint for #ident #ty_generics #where_clause {
            fn input_hint() -> ::std::string::String {
                ::std::string::String::from("Any")
            }
        }
    }
}

/// The record of a `#[hpy_const]` of the module.
pub fn module_const(cfgs: &[Attribute], name: &str, ty: &Type) -> TokenStream {
    let returns = hint(ty, None, "output_hint");
    record(cfgs, None, name, "const", &[], returns)
}

/// `hpyrs_stub_records_<module>`: the exported function that returns the records as JSON.
pub fn export_symbol(module: &str) -> TokenStream {
    let name = format_ident!("hpyrs_stub_records_{}", module);
    quote!(::hpy::__hpy_export_stubs!(#name);)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use syn::parse_quote;

    fn squash(tokens: TokenStream) -> String {
        tokens.to_string().replace(' ', "")
    }

    #[test]
    fn function_records_python_parameters_and_return() {
        let f: syn::ItemFn = parse_quote!(
            fn f<'py>(ctx: Context<'py>, r#type: &str, b: Vec<i64>) -> PyResult<i64> {
                todo!()
            }
        );
        let mut diag = Diagnostics::new();
        let args = crate::function::parse::parse_args(quote!(name = "g"), &mut diag);
        let model = FunctionModel::lower(args, &f, &mut diag);
        let out = squash(function(&model));
        assert!(out.contains("name:\"g\",kind:\"function\""), "{out}");
        assert!(
            out.contains("(\"type\",<&'staticstras::hpy::stub::PyTypeHint>::input_hint"),
            "{out}"
        );
        assert!(
            out.contains("<Vec<i64>as::hpy::stub::PyTypeHint>::input_hint"),
            "{out}"
        );
        assert!(
            out.contains("returns:<PyResult<i64>as::hpy::stub::PyTypeHint>::output_hint"),
            "{out}"
        );
        assert!(
            !out.contains("Context"),
            "the context is no Python parameter: {out}"
        );
    }

    #[test]
    fn class_fields_become_property_halves() {
        let mut item: syn::ItemStruct = parse_quote!(
            struct P {
                #[hpy(get, set)]
                x: f64,
                #[hpy(member)]
                n: Cell<i32>,
                #[hpy(member)]
                k: i64,
                hidden: u8,
            }
        );
        let mut diag = Diagnostics::new();
        let args = crate::class::parse::parse_args(quote!(), &mut diag);
        let model = ClassModel::lower(args, &mut item, &mut diag);
        let out = squash(class(&model));
        assert_eq!(out.matches("kind:\"getter\"").count(), 3, "{out}");
        // `k` is a read-only member (not a `Cell`): no setter.
        assert_eq!(out.matches("kind:\"setter\"").count(), 2, "{out}");
        assert!(!out.contains("\"hidden\""), "{out}");
    }

    #[test]
    fn variant_classes_get_records() {
        let (model, _, diag) = crate::class::enums::analyze(
            quote!(),
            parse_quote!(
                enum Shape {
                    Circle { r: f64 },
                    Pair(i64, String),
                    Point,
                }
            ),
        );
        assert!(diag.is_empty());
        let out = squash(variants(&model));
        for owner in ["Shape.Circle", "Shape.Pair", "Shape.Point"] {
            assert!(out.contains(&format!("String::from(\"{owner}\")")), "{out}");
        }
        assert_eq!(out.matches("kind:\"new\"").count(), 3, "{out}");
        // `r`, `_0`, `_1`; `__getitem__` only for the tuple variant.
        assert_eq!(out.matches("kind:\"getter\"").count(), 3, "{out}");
        assert_eq!(out.matches("kind:\"slot\"").count(), 1, "{out}");
        assert!(out.contains("name:\"__getitem__\""), "{out}");
        assert!(out.contains("(\"r\","), "{out}");
        // A fieldless enum has none (its variants are instances, typed from their values).
        let (model, _, _) = crate::class::enums::analyze(
            quote!(),
            parse_quote!(
                enum Color {
                    Red,
                }
            ),
        );
        assert!(variants(&model).is_empty());
    }

    #[test]
    fn lifetimes_and_self_are_erased() {
        let ty: Type = parse_quote!(PyResult<PyRef<'_, 'py, Self>>);
        let self_ty: Type = parse_quote!(Point);
        let out = hint(&ty, Some(&self_ty), "output_hint").to_string();
        let want = quote!(
            <PyResult<PyRef<'static, 'static, Point>> as ::hpy::stub::PyTypeHint>::output_hint
        );
        assert_eq!(out.replace(' ', ""), want.to_string().replace(' ', ""));
        let ty: Type = parse_quote!(&str);
        let out = hint(&ty, None, "input_hint").to_string();
        assert!(out.contains("& 'static str"), "{out}");
        let ty: Type = parse_quote!(impl Iterator<Item = i64>);
        assert!(hint(&ty, None, "input_hint")
            .to_string()
            .contains("any_hint"));
    }
}
