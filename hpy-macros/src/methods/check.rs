//! Validation of a [`MethodsModel`]: receivers, parameter counts of slots, conflicting markers,
//! duplicate slots and Python names. Parameters are checked like a `#[hpy_function]`'s.

use super::model::{MethodEntry, MethodKind, MethodsModel, Receiver};
use super::slots::{SlotKind, SLOT_NAMES};
use crate::diagnostics::Diagnostics;
use crate::function::check::{check_as, check_python_name, DOC_NUL};
use crate::function::model::Role;
use crate::signature::Subject;
use std::collections::HashMap;

/// The receivers a method may take, for messages.
pub const RECEIVERS: &str = "`&self`, `&mut self`, `slf: PyRef<'_, 'py, Self>`, \
                             `slf: PyRefMut<'_, 'py, Self>` or `slf: Borrowed<'py>`";

/// Reports every problem of `model` into `diag`.
pub fn check(model: &MethodsModel, diag: &mut Diagnostics) {
    if !model.generics.params.is_empty() {
        diag.error(
            &model.generics,
            "#[hpy_methods] cannot be generic: a Python type must be 'static and not generic",
        );
    }
    if model.type_name.is_none() {
        diag.error(
            &model.self_ty,
            "#[hpy_methods] needs the #[hpy_class] struct's name here, like `impl MyClass`",
        );
    }
    for m in &model.misplaced {
        diag.error(&m.span_of, &m.message);
    }
    for c in &model.consts {
        check_python_name(&c.py_name.value, c.py_name.span, diag);
    }
    for entry in &model.entries {
        check_entry(entry, diag);
    }
    check_duplicates(model, diag);
    check_call_functions(model, diag);
}

/// A `#[call_function]` needs `__call__` in the same block: HPy 0.9 only reserves the
/// per-instance function pointer in types that define `HPy_tp_call`.
fn check_call_functions(model: &MethodsModel, diag: &mut Diagnostics) {
    let has_call = model
        .entries
        .iter()
        .any(|e| matches!(&e.kind, MethodKind::Slot(s) if s.kind == SlotKind::Call));
    if has_call {
        return;
    }
    for e in &model.entries {
        if matches!(e.kind, MethodKind::CallFunction(_)) {
            diag.error(
                &e.markers[0].attr,
                "a `#[call_function]` needs `__call__` in the same #[hpy_methods] block: HPy only \
                 gives instances of classes that define `__call__` room for a call function of \
                 their own (`__call__` is what instances without one run)",
            );
        }
    }
}

fn check_entry(e: &MethodEntry, diag: &mut Diagnostics) {
    if e.kind == MethodKind::Skip {
        return;
    }
    for extra in e.markers.iter().skip(1) {
        diag.error(
            &extra.attr,
            format_args!(
                "`#[{}]` conflicts with `#[{}]`: an item is exported one way",
                extra.kind.name(),
                e.markers[0].kind.name()
            ),
        );
    }
    if let (Some(slot), Some(marker)) = (&e.slot_attr, e.markers.first()) {
        diag.error(
            slot,
            format_args!(
                "`slot = ...` conflicts with `#[{}]`: an item is exported one way",
                marker.kind.name()
            ),
        );
    }
    if let Some(attr) = e.doc.nul_attribute() {
        diag.error(attr, DOC_NUL);
    }
    check_as(&e.function, Subject::Method, diag);
    if e.function.has_signature {
        let allowed = match &e.kind {
            MethodKind::Method | MethodKind::Static | MethodKind::Class => true,
            MethodKind::Slot(slot) => matches!(
                slot.kind,
                super::slots::SlotKind::New
                    | super::slots::SlotKind::Init
                    | super::slots::SlotKind::Call
            ),
            _ => false,
        };
        if !allowed {
            diag.error(
                &e.ident,
                "`signature = (...)` is for methods, static and class methods, `#[new]`, \
                 `__init__` and `__call__`; the parameters of this item are fixed by Python",
            );
        }
    }
    for p in &e.function.params {
        if p.role() == Role::Module {
            diag.error(
                p.attrs.module.as_ref(),
                "`#[hpy(module)]` is for #[hpy_function]; methods receive the object as their \
                 receiver",
            );
        }
    }
    let n = e.function.python_params().count();
    let has_default = e.function.python_params().any(|p| p.default().is_some());
    let ident = &e.ident;
    match &e.kind {
        MethodKind::UnknownDunder => {
            diag.error(
                ident,
                format_args!(
                    "`{}` is not a special method hpy-rs knows (see the slot table in the \
                     #[hpy_methods] docs); bind a method to an HPy slot with \
                     `#[hpy(slot = ...)]`, or rename it",
                    e.py_name.value
                ),
            );
            return;
        }
        MethodKind::BadSlot(slot, Some(message)) => {
            diag.error(slot, message);
            return;
        }
        MethodKind::BadSlot(slot, None) => {
            let names: Vec<&str> = SLOT_NAMES.iter().map(|(n, _)| *n).collect();
            diag.error(
                slot,
                format_args!(
                    "unknown HPy slot `{slot}`; the slots a method can be bound to are: {}",
                    names.join(", ")
                ),
            );
            return;
        }
        _ => {}
    }
    check_receiver(e, diag);
    let fixed_arity = |what: &str, min: usize, max: usize, diag: &mut Diagnostics| {
        if n < min || n > max {
            diag.error(
                ident,
                format_args!(
                    "`{}` takes {what}, not {n} parameter{}",
                    e.py_name.value,
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
        if has_default {
            diag.error(
                ident,
                format_args!(
                    "`{}` has a fixed signature: `#[hpy(default)]` is not allowed here",
                    e.py_name.value
                ),
            );
        }
    };
    match &e.kind {
        MethodKind::Getter(_) => {
            fixed_arity("no parameters besides the receiver (a getter)", 0, 0, diag)
        }
        MethodKind::Setter(_) => fixed_arity(
            "exactly one parameter, the new value (a setter)",
            1,
            1,
            diag,
        ),
        MethodKind::ClassAttr => fixed_arity("no parameters (a class attribute)", 0, 0, diag),
        MethodKind::Class if n == 0 => diag.error(
            ident,
            "a #[classmethod] takes the class as its first parameter: `cls: Borrowed<'py>`",
        ),
        MethodKind::Slot(slot) => {
            if let SlotKind::Refused(message) = slot.kind {
                diag.error(ident, message);
                return;
            }
            if let Some((min, max)) = slot.kind.arity() {
                fixed_arity(slot.kind.expected(), min, max, diag);
            }
        }
        _ => {}
    }
    if !e.cfgs.is_empty()
        && !matches!(
            e.kind,
            MethodKind::Method | MethodKind::Static | MethodKind::Class | MethodKind::ClassAttr
        )
    {
        diag.error(
            &e.cfgs[0],
            "`#[cfg]` is supported on plain, static and class methods and class attributes; \
             slots, properties and `#[new]` cannot be conditional",
        );
    }
}

fn check_receiver(e: &MethodEntry, diag: &mut Diagnostics) {
    let needs = match &e.kind {
        MethodKind::Method
        | MethodKind::Getter(_)
        | MethodKind::Setter(_)
        | MethodKind::CallFunction(_) => true,
        MethodKind::Slot(s) => s.kind.needs_receiver(),
        _ => false,
    };
    match (&e.receiver, needs) {
        (Receiver::Invalid(span), _) => diag.error_at(
            *span,
            format_args!(
                "a Python method cannot take `self` by value or through a smart pointer; use \
                 {RECEIVERS}"
            ),
        ),
        (Receiver::None, true) => diag.error(
            &e.ident,
            format_args!(
                "`{}` needs a receiver: {RECEIVERS} (mark functions without one \
                 `#[staticmethod]`)",
                e.py_name.value
            ),
        ),
        (r, false) if r.is_some() => {
            let what = match &e.kind {
                MethodKind::Static => "a #[staticmethod]",
                MethodKind::Class => {
                    "a #[classmethod] (it receives the class as `cls: Borrowed<'py>`)"
                }
                MethodKind::ClassAttr => "a #[classattr]",
                _ => "`#[new]` (it creates the object; return `Self`)",
            };
            diag.error_at(r.span(), format_args!("{what} cannot take `self`"));
        }
        _ => {}
    }
}

/// Each HPy slot role and each Python name at most once (a getter and a setter share a name).
fn check_duplicates(model: &MethodsModel, diag: &mut Diagnostics) {
    let mut claimed: HashMap<(&str, &str), &MethodEntry> = HashMap::new();
    let mut names: HashMap<String, (&str, String)> = HashMap::new();
    let mut getters: HashMap<&str, ()> = HashMap::new();
    let mut setters: HashMap<&str, ()> = HashMap::new();
    for c in &model.consts {
        names.insert(
            c.py_name.value.clone(),
            ("attr", format!("const {}", c.ident)),
        );
    }
    for e in &model.entries {
        match &e.kind {
            MethodKind::Slot(slot) => {
                for claim in slot.kind.claims(slot.id) {
                    if let Some(first) = claimed.get(&claim) {
                        diag.error(
                            &e.ident,
                            format_args!(
                                "`{}` fills the same slot ({}) as `{}`; each slot can be \
                                 defined once",
                                e.ident,
                                claim.0.to_ascii_lowercase(),
                                first.ident
                            ),
                        );
                        break;
                    }
                    claimed.insert(claim, e);
                }
                if matches!(slot.kind, SlotKind::Iter | SlotKind::Next) {
                    names.insert(
                        e.py_name.value.clone(),
                        ("method", format!("fn {}", e.ident)),
                    );
                }
            }
            MethodKind::Getter(p) | MethodKind::Setter(p) => {
                let set = if matches!(e.kind, MethodKind::Getter(_)) {
                    &mut getters
                } else {
                    &mut setters
                };
                if set.insert(p.as_str(), ()).is_some() {
                    diag.error_at(
                        e.py_name.span,
                        format_args!(
                            "property `{p}` already has a {}",
                            if matches!(e.kind, MethodKind::Getter(_)) {
                                "getter"
                            } else {
                                "setter"
                            }
                        ),
                    );
                    continue;
                }
                match names.get(p) {
                    Some(("property", _)) | None => {
                        names.insert(p.clone(), ("property", format!("fn {}", e.ident)));
                    }
                    Some((_, first)) => diag.error_at(
                        e.py_name.span,
                        format_args!(
                            "duplicate Python name `{p}`: `{first}` already uses it; rename one \
                             with `#[hpy(name = \"...\")]`"
                        ),
                    ),
                }
            }
            MethodKind::Method | MethodKind::Static | MethodKind::Class | MethodKind::ClassAttr => {
                let key = e.py_name.value.clone();
                if let Some((_, first)) = names.get(&key) {
                    diag.error_at(
                        e.py_name.span,
                        format_args!(
                            "duplicate Python name `{key}`: `{first}` already uses it; rename \
                             one with `#[hpy(name = \"...\")]`"
                        ),
                    );
                } else {
                    names.insert(key, ("method", format!("fn {}", e.ident)));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::methods::analyze;
    use syn::{parse_quote, ItemImpl};

    fn messages(item: ItemImpl) -> Vec<String> {
        analyze(proc_macro2::TokenStream::new(), item).2.messages()
    }

    #[test]
    fn a_good_block_passes() {
        let m = messages(parse_quote! {
            impl Point {
                #[new] fn new(x: f64, #[hpy(default)] y: f64) -> Self { todo!() }
                fn norm(&self) -> f64 { 0.0 }
                fn scale(&mut self, k: f64) {}
                fn set_label<'py>(slf: PyRef<'_, 'py, Self>, label: Borrowed<'py>) {}
                #[getter] fn y(&self) -> f64 { 0.0 }
                #[setter] fn set_y(&mut self, y: f64) {}
                #[staticmethod] fn origin_distance(x: f64, y: f64) -> f64 { 0.0 }
                #[classmethod] fn describe<'py>(cls: Borrowed<'py>) -> PyResult<Handle<'py>> { todo!() }
                #[classattr] const DIMENSIONS: i64 = 2;
                fn __repr__(&self) -> String { todo!() }
                fn __add__(&self, other: PyRef<'_, '_, Point>) -> Point { todo!() }
                fn __radd__(&self, other: i64) -> Point { todo!() }
                fn __len__(&self) -> usize { 2 }
                fn __eq__(&self, other: i64) -> bool { true }
                fn __pow__(&self, other: i64, modulo: Option<i64>) -> i64 { 0 }
                fn __setitem__(&mut self, key: i64, value: f64) {}
                fn __delitem__(&mut self, key: i64) {}
                fn __call__<'py>(&self, ctx: Context<'py>, a: i64, #[hpy(default)] b: i64) {}
                #[hpy(slot = sq_item)] fn item(&self, index: isize) -> PyResult<f64> { todo!() }
                fn __next__(&mut self) -> Option<i64> { None }
                #[hpy(skip)] fn helper(self) {}
            }
        });
        assert!(m.is_empty(), "{m:#?}");
    }

    #[test]
    fn call_functions() {
        let good = messages(parse_quote! {
            impl Dist {
                fn __call__(&self, x: f64) -> f64 { x }
                #[call_function] fn euclidean(&self, x: f64, #[hpy(default)] y: f64) -> f64 { x }
                #[call_function(OTHER)] fn other<'py>(slf: Borrowed<'py>) {}
            }
        });
        assert!(good.is_empty(), "{good:#?}");
        let bad = messages(parse_quote! {
            impl Dist {
                #[call_function] fn euclidean(x: f64) -> f64 { x }
                #[call_function("x")] fn other(&self) {}
                #[call_function] #[staticmethod] fn both(&self) {}
            }
        });
        assert!(
            bad[0].starts_with("expected the name of the constant"),
            "{bad:#?}"
        );
        assert!(
            bad.iter()
                .any(|m| m.starts_with("`euclidean` needs a receiver")),
            "{bad:#?}"
        );
        assert!(
            bad.iter()
                .any(|m| m.starts_with("`#[staticmethod]` conflicts with `#[call_function]`")),
            "{bad:#?}"
        );
        let without_call = bad
            .iter()
            .filter(|m| m.starts_with("a `#[call_function]` needs `__call__`"))
            .count();
        assert_eq!(without_call, 3, "{bad:#?}");
    }

    #[test]
    fn receivers() {
        let m = messages(parse_quote! {
            impl Point {
                fn no_receiver(x: i64) {}
                fn by_value(self) {}
                #[staticmethod] fn s(&self) {}
                #[new] fn new(&self) -> Self { todo!() }
                #[classmethod] fn c() {}
            }
        });
        assert_eq!(m.len(), 5, "{m:#?}");
        assert!(m[0].starts_with("`no_receiver` needs a receiver"));
        assert!(m[1].starts_with("a Python method cannot take `self` by value"));
        assert_eq!(m[2], "a #[staticmethod] cannot take `self`");
        assert!(m[3].starts_with("`#[new]` (it creates the object"));
        assert!(m[4].starts_with("a #[classmethod] takes the class"));
    }

    #[test]
    fn slot_problems() {
        let m = messages(parse_quote! {
            impl Point {
                fn __add__(&self) {}
                fn __len__(&self, x: i64) -> usize { 0 }
                fn __getitem__(&self, #[hpy(default)] k: i64) {}
                fn __traverse__(&self) {}
                fn __frob__(&self) {}
                #[hpy(slot = sq_nonsense)] fn a(&self) {}
                #[hpy(slot = tp_destroy)] fn b(&self) {}
                #[hpy(slot = mp_length)] fn c(&self) -> usize { 0 }
                fn __richcmp__(&self, other: i64, op: CompareOp) -> bool { true }
                fn __lt__(&self, other: i64) -> bool { true }
            }
        });
        assert_eq!(m.len(), 9, "{m:#?}");
        assert_eq!(
            m[0],
            "`__add__` takes one parameter, the other operand, not 0 parameters"
        );
        assert_eq!(
            m[1],
            "`__len__` takes no parameters besides the receiver, not 1 parameter"
        );
        assert!(m[2].starts_with("`__getitem__` has a fixed signature"));
        assert!(m[3].starts_with("`tp_traverse` is generated"));
        assert!(m[4].starts_with("`__frob__` is not a special method"));
        assert!(m[5].starts_with("unknown HPy slot `sq_nonsense`; the slots a method can be bound to are: bf_getbuffer, "));
        assert!(m[6].starts_with("`tp_destroy` is generated"));
        assert_eq!(
            m[7],
            "`c` fills the same slot (mp_length) as `__len__`; each slot can be defined once"
        );
        assert_eq!(m[8], "`__lt__` fills the same slot (tp_richcompare) as `__richcmp__`; each slot can be defined once");
    }

    #[test]
    fn properties_names_and_markers() {
        let m = messages(parse_quote! {
            impl Point {
                #[getter] fn x(&self, a: i64) -> i64 { 0 }
                #[setter] fn set_x(&mut self) {}
                fn y(&self) {}
                #[hpy(name = "y")] fn other_y(&self) {}
                #[getter] #[staticmethod] fn z(&self) {}
                #[classattr] fn attr(a: i64) -> i64 { 0 }
                fn m<'py>(&self, #[hpy(module)] m: Borrowed<'py>) {}
                #[cfg(unix)] fn __repr__(&self) -> String { todo!() }
            }
        });
        assert_eq!(m.len(), 7, "{m:#?}");
        assert!(m[0].starts_with("`x` takes no parameters besides the receiver (a getter)"));
        assert!(
            m[1].starts_with("`x` takes exactly one parameter, the new value (a setter), not 0")
        );
        assert!(m[2].starts_with("`#[staticmethod]` conflicts with `#[getter]`"));
        assert!(m[3].starts_with("`attr` takes no parameters (a class attribute)"));
        assert!(m[4].starts_with("`#[hpy(module)]` is for #[hpy_function]"));
        assert!(m[5].starts_with("`#[cfg]` is supported on plain"));
        assert!(m[6].starts_with("duplicate Python name `y`: `fn y` already uses it"));
    }

    #[test]
    fn generics_and_parameters() {
        let m = messages(parse_quote! {
            impl<T> Wrapper<T> {
                async fn f(&self, (a, b): (i64, i64)) {}
            }
        });
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].starts_with("#[hpy_methods] cannot be generic"));
        assert!(m[1].starts_with("a #[hpy_methods] method cannot be an `async fn`"));
        assert!(m[2].starts_with("method parameters must be plain names"));
    }
}
