//! The semantic model of one `#[hpy_methods]` block: each exported item, what it becomes in
//! Python (method, static/class method, property half, class attribute, slot), its receiver,
//! and its Python parameters (modelled exactly like a `#[hpy_function]`'s).
//!
//! Lowering never fails and removes our helper attributes from the block.

use super::parse::{take_item_attrs, FoundMarker, ItemAttrs, KindMarker};
use super::slots::{self, Slot, SlotKind};
use crate::attrs::{cfg_attrs, Doc};
use crate::diagnostics::Diagnostics;
use crate::function::model::{FunctionModel, PyName};
use crate::function::parse::FunctionArgs;
use crate::signature::{last_segment, type_is_named};
use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ImplItem, ImplItemFn, ItemFn, ItemImpl, Type};

/// What an item of the block becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MethodKind {
    /// A plain method (`HPyDef_METH` on the type).
    Method,
    /// `#[staticmethod]`
    Static,
    /// `#[classmethod]`
    Class,
    /// `#[getter]`: the property name.
    Getter(String),
    /// `#[setter]`: the property name.
    Setter(String),
    /// `#[classattr]` on a zero-argument function.
    ClassAttr,
    /// A slot (dunder, `#[new]`, or `#[hpy(slot = ...)]`).
    Slot(Slot),
    /// `#[call_function]`: the associated constant (a `CallFunction<Self>`) to declare.
    CallFunction(Ident),
    /// `#[hpy(skip)]`: left alone.
    Skip,
    /// A dunder the macro does not know (reported).
    UnknownDunder,
    /// `#[hpy(slot = x)]` naming something that is not a usable slot (reported).
    BadSlot(Ident, Option<&'static str>),
}

/// How the method receives the object.
#[derive(Clone, Debug)]
pub enum Receiver {
    /// None (static methods, class methods, `#[new]`, class attributes).
    None,
    /// `&self`
    Ref(Span),
    /// `&mut self`
    RefMut(Span),
    /// `slf: PyRef<'_, 'py, Self>` at this parameter index.
    PyRef(usize, Span),
    /// `slf: PyRefMut<'_, 'py, Self>` at this parameter index.
    PyRefMut(usize, Span),
    /// `slf: Borrowed<'py>` at this parameter index: the object, not borrowed.
    Object(usize, Span),
    /// `self`, `mut self`, `self: Box<Self>`, ...: refused.
    Invalid(Span),
}

impl Receiver {
    /// Whether there is a receiver (valid or not).
    pub fn is_some(&self) -> bool {
        !matches!(self, Receiver::None)
    }

    /// The receiver's index among the parameters (`&self` is 0).
    pub fn index(&self) -> usize {
        match self {
            Receiver::PyRef(i, _) | Receiver::PyRefMut(i, _) | Receiver::Object(i, _) => *i,
            _ => 0,
        }
    }

    /// The receiver's span (call site for none).
    pub fn span(&self) -> Span {
        match self {
            Receiver::None => Span::call_site(),
            Receiver::Ref(s)
            | Receiver::RefMut(s)
            | Receiver::Invalid(s)
            | Receiver::PyRef(_, s)
            | Receiver::PyRefMut(_, s)
            | Receiver::Object(_, s) => *s,
        }
    }
}

/// One function of the block.
#[derive(Clone)]
pub struct MethodEntry {
    /// The Rust name.
    pub ident: Ident,
    /// What it becomes.
    pub kind: MethodKind,
    /// The Python name (for slots: the dunder or the Rust name).
    pub py_name: PyName,
    /// Its doc comment.
    pub doc: Doc,
    /// How it receives the object.
    pub receiver: Receiver,
    /// The function without its receiver, modelled like a `#[hpy_function]`.
    pub function: FunctionModel,
    /// The helper markers found (for spans and conflict errors).
    pub markers: Vec<FoundMarker>,
    /// `#[hpy(slot = ...)]`.
    pub slot_attr: Option<Ident>,
    /// Its `#[cfg]` attributes.
    pub cfgs: Vec<Attribute>,
    /// The function's signature span (generated calls are located here).
    pub span: Span,
}

impl MethodEntry {
    /// The slot, if the entry is bound to one.
    pub fn slot(&self) -> Option<Slot> {
        match self.kind {
            MethodKind::Slot(s) => Some(s),
            _ => None,
        }
    }
}

/// A `#[classattr] const`.
#[derive(Clone)]
pub struct ConstAttr {
    /// The constant.
    pub ident: Ident,
    /// Its Python name.
    pub py_name: PyName,
    /// Its type (errors about converting it point here).
    pub ty: Box<Type>,
    /// Its `#[cfg]` attributes.
    pub cfgs: Vec<Attribute>,
}

/// A helper attribute where it has no meaning (reported).
#[derive(Clone)]
pub struct Misplaced {
    /// The attribute.
    pub span_of: proc_macro2::TokenStream,
    /// The message.
    pub message: String,
}

/// Everything check and expand need about one `#[hpy_methods]` block.
#[derive(Clone)]
pub struct MethodsModel {
    /// The type the block is for, as written.
    pub self_ty: Box<Type>,
    /// The last identifier of the type's path (`Point`), for generated names.
    pub type_name: Option<Ident>,
    /// The block's generics (refused when not empty).
    pub generics: syn::Generics,
    /// The functions, in order.
    pub entries: Vec<MethodEntry>,
    /// The `#[classattr]` constants, in order.
    pub consts: Vec<ConstAttr>,
    /// Helper attributes on items that cannot take them.
    pub misplaced: Vec<Misplaced>,
}

impl MethodsModel {
    /// Lowers the block, removing our helper attributes from its items.
    pub fn lower(item: &mut ItemImpl, diag: &mut Diagnostics) -> Self {
        let type_name = last_segment(&item.self_ty).map(|s| s.ident.clone());
        let mut model = MethodsModel {
            self_ty: item.self_ty.clone(),
            type_name,
            generics: item.generics.clone(),
            entries: Vec::new(),
            consts: Vec::new(),
            misplaced: Vec::new(),
        };
        for impl_item in &mut item.items {
            match impl_item {
                ImplItem::Fn(f) => {
                    let attrs = take_item_attrs(&mut f.attrs, diag);
                    model.entries.push(lower_fn(f, attrs, diag));
                }
                ImplItem::Const(c) => {
                    let attrs = take_item_attrs(&mut c.attrs, diag);
                    let mut classattr = false;
                    for m in &attrs.markers {
                        if m.kind == KindMarker::ClassAttr && !classattr {
                            classattr = true;
                        } else {
                            model.misplace(
                                &m.attr,
                                format!(
                                    "`#[{}]` does not apply to a constant; only `#[classattr]` \
                                     does",
                                    m.kind.name()
                                ),
                            );
                        }
                    }
                    if let Some(slot) = &attrs.slot {
                        model.misplace(slot, "`slot` does not apply to a constant".into());
                    }
                    if classattr {
                        model.consts.push(ConstAttr {
                            ident: c.ident.clone(),
                            py_name: PyName::new(attrs.name, &c.ident),
                            ty: Box::new(c.ty.clone()),
                            cfgs: cfg_attrs(&c.attrs),
                        });
                    } else if let Some(name) = attrs.name {
                        model.misplace(
                            &name,
                            "`#[hpy(name = ...)]` on a constant needs `#[classattr]`".into(),
                        );
                    }
                }
                ImplItem::Type(t) => model.misplace_all(&mut t.attrs, diag),
                ImplItem::Macro(m) => model.misplace_all(&mut m.attrs, diag),
                _ => {}
            }
        }
        model
    }

    fn misplace(&mut self, tokens: impl quote::ToTokens, message: String) {
        self.misplaced.push(Misplaced {
            span_of: tokens.to_token_stream(),
            message,
        });
    }

    fn misplace_all(&mut self, attrs: &mut Vec<Attribute>, diag: &mut Diagnostics) {
        let taken = take_item_attrs(attrs, diag);
        for m in taken.markers {
            self.misplace(
                &m.attr,
                format!("`#[{}]` only applies to functions", m.kind.name()),
            );
        }
    }
}

fn lower_fn(f: &ImplItemFn, attrs: ItemAttrs, diag: &mut Diagnostics) -> MethodEntry {
    let ItemAttrs {
        markers,
        name,
        slot,
        keywords,
        skip,
        signature,
    } = attrs;
    let renamed = name.is_some();
    let first = markers.first().map(|m| m.kind);
    let mut py_name = PyName::new(name.clone(), &f.sig.ident);
    let kind = if skip.is_some() {
        MethodKind::Skip
    } else if let Some(slot_ident) = &slot {
        match slots::by_slot_name(&slot_ident.to_string()) {
            Ok(Some(s)) => MethodKind::Slot(s),
            Ok(None) => MethodKind::BadSlot(slot_ident.clone(), None),
            Err(message) => MethodKind::BadSlot(slot_ident.clone(), Some(message)),
        }
    } else {
        match first {
            Some(KindMarker::New) => MethodKind::Slot(Slot {
                id: "TP_NEW",
                kind: SlotKind::New,
            }),
            Some(KindMarker::Static) => MethodKind::Static,
            Some(KindMarker::Class) => MethodKind::Class,
            Some(KindMarker::ClassAttr) => MethodKind::ClassAttr,
            Some(KindMarker::CallFunction) => {
                MethodKind::CallFunction(call_function_const(&markers[0], &f.sig.ident))
            }
            Some(KindMarker::Getter) => {
                let prop = property_name(&markers[0], &name, &f.sig.ident, false);
                py_name = PyName {
                    value: prop.0.clone(),
                    span: prop.1,
                };
                MethodKind::Getter(prop.0)
            }
            Some(KindMarker::Setter) => {
                let prop = property_name(&markers[0], &name, &f.sig.ident, true);
                py_name = PyName {
                    value: prop.0.clone(),
                    span: prop.1,
                };
                MethodKind::Setter(prop.0)
            }
            None if slots::is_dunder(&py_name.value) => match slots::by_dunder(&py_name.value) {
                Some(s) => MethodKind::Slot(s),
                None if renamed || slots::PLAIN_DUNDERS.contains(&py_name.value.as_str()) => {
                    MethodKind::Method
                }
                None => MethodKind::UnknownDunder,
            },
            None => MethodKind::Method,
        }
    };
    let expects_receiver = match &kind {
        MethodKind::Method
        | MethodKind::Getter(_)
        | MethodKind::Setter(_)
        | MethodKind::CallFunction(_)
        | MethodKind::UnknownDunder
        | MethodKind::BadSlot(..) => true,
        MethodKind::Slot(s) => s.kind.needs_receiver(),
        MethodKind::Static | MethodKind::Class | MethodKind::ClassAttr | MethodKind::Skip => false,
    };
    let receiver = find_receiver(f, expects_receiver);
    // The function without its receiver, modelled and later checked like a #[hpy_function].
    let mut without = ItemFn {
        attrs: f.attrs.clone(),
        vis: f.vis.clone(),
        sig: f.sig.clone(),
        block: Box::new(f.block.clone()),
    };
    if receiver.is_some() {
        let index = receiver.index();
        without.sig.inputs = without
            .sig
            .inputs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, a)| a.clone())
            .collect();
    }
    let args = FunctionArgs {
        name: name.or_else(|| Some(syn::LitStr::new(&py_name.value, py_name.span))),
        keywords,
        signature,
        implicit_first: kind == MethodKind::Class,
        force_keywords: match &kind {
            MethodKind::CallFunction(_) => true,
            MethodKind::Slot(s) => {
                matches!(s.kind, SlotKind::New | SlotKind::Init | SlotKind::Call)
            }
            _ => false,
        },
    };
    let mut param_diag = Diagnostics::new();
    let function = if kind == MethodKind::Skip {
        FunctionModel::lower(FunctionArgs::default(), &without, &mut param_diag)
    } else {
        FunctionModel::lower(args, &without, diag)
    };
    MethodEntry {
        ident: f.sig.ident.clone(),
        kind,
        py_name,
        doc: Doc::from_attrs(&f.attrs),
        receiver,
        function,
        markers,
        slot_attr: slot,
        cfgs: cfg_attrs(&f.attrs),
        span: f.sig.span(),
    }
}

/// The property name: `#[getter(x)]`, else `#[hpy(name = "x")]`, else the function name
/// (without `set_` for setters).
fn property_name(
    marker: &FoundMarker,
    name: &Option<syn::LitStr>,
    ident: &Ident,
    setter: bool,
) -> (String, Span) {
    if let Some(n) = &marker.name {
        return n.clone();
    }
    if let Some(lit) = name {
        return (lit.value(), lit.span());
    }
    let rust = ident.unraw().to_string();
    let value = if setter {
        rust.strip_prefix("set_").map(str::to_owned).unwrap_or(rust)
    } else {
        rust
    };
    (value, ident.span())
}

/// The constant of a `#[call_function]`: `#[call_function(NAME)]`, else the function's name in
/// upper case (`euclidean` → `EUCLIDEAN`).
fn call_function_const(marker: &FoundMarker, ident: &Ident) -> Ident {
    match &marker.name {
        Some((name, span)) => match name.strip_prefix("r#") {
            Some(raw) => Ident::new_raw(raw, *span),
            None => Ident::new(name, *span),
        },
        None => Ident::new(
            &ident.unraw().to_string().to_ascii_uppercase(),
            ident.span(),
        ),
    }
}

/// The receiver: `self` in any form, or (when the kind takes one) the first parameter that is
/// not the `Context`, if its type is `PyRef`, `PyRefMut` or `Borrowed`.
fn find_receiver(f: &ImplItemFn, expects: bool) -> Receiver {
    for input in &f.sig.inputs {
        if let FnArg::Receiver(r) = input {
            return if r.reference.is_some() && r.colon_token.is_none() {
                if r.mutability.is_some() {
                    Receiver::RefMut(r.span())
                } else {
                    Receiver::Ref(r.span())
                }
            } else {
                Receiver::Invalid(r.span())
            };
        }
    }
    if !expects {
        return Receiver::None;
    }
    for (index, input) in f.sig.inputs.iter().enumerate() {
        let FnArg::Typed(pt) = input else { continue };
        if type_is_named(&pt.ty, "Context") {
            continue;
        }
        let span = pt.span();
        return if type_is_named(&pt.ty, "PyRef") {
            Receiver::PyRef(index, span)
        } else if type_is_named(&pt.ty, "PyRefMut") {
            Receiver::PyRefMut(index, span)
        } else if type_is_named(&pt.ty, "Borrowed") {
            Receiver::Object(index, span)
        } else {
            Receiver::None
        };
    }
    Receiver::None
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn lower(mut item: ItemImpl) -> (MethodsModel, ItemImpl) {
        let mut diag = Diagnostics::new();
        let model = MethodsModel::lower(&mut item, &mut diag);
        assert!(diag.is_empty(), "{:?}", diag.messages());
        (model, item)
    }

    #[test]
    fn kinds_names_and_receivers() {
        let (m, item) = lower(parse_quote! {
            impl Point {
                #[new] fn new(x: f64) -> Self { todo!() }
                fn norm(&self) -> f64 { 0.0 }
                fn scale(&mut self, k: f64) {}
                fn label<'py>(ctx: Context<'py>, slf: PyRef<'_, 'py, Self>) {}
                fn raw<'py>(slf: Borrowed<'py>) {}
                #[getter] fn y(&self) -> f64 { 0.0 }
                #[setter] fn set_y(&mut self, y: f64) {}
                #[getter("z")] fn zz(&self) -> f64 { 0.0 }
                #[staticmethod] fn origin(x: f64) -> f64 { x }
                #[classmethod] fn describe<'py>(cls: Borrowed<'py>) {}
                #[classattr] const DIM: i64 = 2;
                #[classattr] fn answer() -> i64 { 42 }
                fn __add__(&self, other: i64) -> i64 { 0 }
                #[hpy(slot = sq_item)] fn item(&self, index: isize) -> f64 { 0.0 }
                #[hpy(name = "renamed")] fn r#type(&self) {}
                fn __frobnicate__(&self) {}
                #[hpy(skip)] fn helper(self) {}
                fn __format__(&self, spec: &str) -> String { todo!() }
            }
        });
        let kinds: Vec<_> = m.entries.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds[0],
            MethodKind::Slot(Slot {
                id: "TP_NEW",
                kind: SlotKind::New
            })
        );
        assert_eq!(kinds[1], MethodKind::Method);
        assert_eq!(kinds[5], MethodKind::Getter("y".into()));
        assert_eq!(kinds[6], MethodKind::Setter("y".into()));
        assert_eq!(kinds[7], MethodKind::Getter("z".into()));
        assert_eq!(kinds[8], MethodKind::Static);
        assert_eq!(kinds[9], MethodKind::Class);
        assert_eq!(kinds[10], MethodKind::ClassAttr);
        assert!(matches!(
            kinds[11],
            MethodKind::Slot(Slot { id: "NB_ADD", .. })
        ));
        assert!(matches!(
            kinds[12],
            MethodKind::Slot(Slot { id: "SQ_ITEM", .. })
        ));
        assert_eq!(kinds[13], MethodKind::Method);
        assert_eq!(m.entries[13].py_name.value, "renamed");
        assert_eq!(kinds[14], MethodKind::UnknownDunder);
        assert_eq!(kinds[15], MethodKind::Skip);
        assert_eq!(kinds[16], MethodKind::Method);

        let receivers: Vec<_> = m.entries.iter().map(|e| e.receiver.clone()).collect();
        assert!(matches!(receivers[0], Receiver::None));
        assert!(matches!(receivers[1], Receiver::Ref(_)));
        assert!(matches!(receivers[2], Receiver::RefMut(_)));
        assert!(matches!(receivers[3], Receiver::PyRef(1, _)));
        assert!(matches!(receivers[4], Receiver::Object(0, _)));
        assert!(
            matches!(receivers[9], Receiver::None),
            "cls is a Python parameter"
        );
        assert!(matches!(receivers[15], Receiver::Invalid(_)));

        // the receiver is not a parameter of the function model
        assert_eq!(m.entries[2].function.params.len(), 1);
        assert_eq!(m.entries[3].function.params.len(), 1, "ctx only");
        assert_eq!(m.entries[9].function.params.len(), 1, "cls");
        assert_eq!(m.consts.len(), 1);
        assert_eq!(m.consts[0].py_name.value, "DIM");
        assert_eq!(m.type_name.unwrap(), "Point");

        let text = quote::ToTokens::to_token_stream(&item).to_string();
        for gone in [
            "# [new]",
            "# [getter",
            "# [setter",
            "# [staticmethod",
            "# [classattr",
            "# [hpy (",
        ] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
    }

    #[test]
    fn call_functions() {
        let (m, item) = lower(parse_quote! {
            impl Dist {
                #[call_function] fn euclidean(&self, x: f64) -> f64 { x }
                #[call_function(ITSELF)] fn r#type<'py>(slf: Borrowed<'py>) {}
                #[call_function(r#Raw)] fn raw(&self) {}
            }
        });
        let consts: Vec<_> = m
            .entries
            .iter()
            .map(|e| match &e.kind {
                MethodKind::CallFunction(c) => c.to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(consts, ["EUCLIDEAN", "ITSELF", "r#Raw"]);
        assert!(matches!(m.entries[0].receiver, Receiver::Ref(_)));
        assert!(matches!(m.entries[1].receiver, Receiver::Object(0, _)));
        assert_eq!(m.entries[0].function.params.len(), 1);
        let text = quote::ToTokens::to_token_stream(&item).to_string();
        assert!(!text.contains("call_function"), "{text}");
    }

    #[test]
    fn misplaced_markers() {
        let (m, _) = lower(parse_quote! {
            impl Point {
                #[new] const A: i64 = 1;
                #[hpy(name = "b")] const B: i64 = 1;
                #[getter] type T = i64;
            }
        });
        assert_eq!(m.misplaced.len(), 3);
        assert!(m.consts.is_empty());
    }
}
