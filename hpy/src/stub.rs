//! Python type hints for the generated `.pyi` stubs.
//!
//! Every type that can be a parameter or a return value of an exported function implements
//! [`PyTypeHint`]: [`PyTypeHint::input_hint`] is what a parameter of that type accepts (its
//! `FromPy`), [`PyTypeHint::output_hint`] what a return value of that type gives (its `IntoPy`).
//! `#[hpy_function]`, `#[hpy_methods]` and `#[hpy_module]` record, for every Python-visible
//! function, method, property, class attribute and constant, its name and the hints of its
//! parameters and return value; `tools/hpy_build.py` reads those records from the built module
//! (the exported `hpyrs_stub_records_<module>` function) and combines them with the module's
//! runtime introspection into `<module>.pyi` (see `docs/stubs.md`).
//!
//! A type of your own that implements `FromPy`/`IntoPy` implements `PyTypeHint` too, e.g.
//!
//! ```
//! struct Celsius(f64);
//! impl hpy::stub::PyTypeHint for Celsius {
//!     fn input_hint() -> String {
//!         "float".into()
//!     }
//! }
//! assert_eq!(<Vec<Celsius> as hpy::stub::PyTypeHint>::input_hint(), "Iterable[float]");
//! ```
//!
//! Hints are written for a stub that starts with `from typing import Any` and
//! `from collections.abc import Iterable, Mapping` (which the generator emits).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{CString, OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::class::{PyRef, PyRefMut};
use crate::ffi::class::PyClass;
use crate::types::{
    IndexOrSlice, PyBytes, PyDict, PyFrozenSet, PyList, PyModule, PySet, PyStr, PyTuple, PyType,
    Slice,
};
use crate::{Args, Borrowed, Handle};

/// The Python type of a Rust type in a generated `.pyi` stub.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no Python type for the generated `.pyi` stub",
    label = "this type does not implement `hpy::stub::PyTypeHint`",
    note = "implement `hpy::stub::PyTypeHint` for it, naming the Python type its `FromPy` accepts (and its `IntoPy` gives), e.g. `impl hpy::stub::PyTypeHint for MyType {{ fn input_hint() -> String {{ \"Sequence[int]\".into() }} }}`; use `Borrowed<'py>` for a parameter that takes any object"
)]
pub trait PyTypeHint {
    /// What a parameter of this type accepts, as a Python type expression (`"int"`,
    /// `"Iterable[str]"`).
    fn input_hint() -> String;

    /// What a return value of this type is; by default the same as [`PyTypeHint::input_hint`].
    fn output_hint() -> String {
        Self::input_hint()
    }

    /// The input hint of `Vec<Self>` (so `Vec<u8>` can say it also takes `bytes`).
    #[doc(hidden)]
    fn vec_input_hint() -> String {
        format!("Iterable[{}]", Self::input_hint())
    }

    /// The input hint of `&[Self]` (only `&[u8]` converts from Python: `bytes`).
    #[doc(hidden)]
    fn slice_input_hint() -> String {
        Self::vec_input_hint()
    }

    /// The output hint of `Vec<Self>` and `&[Self]` (so `Vec<u8>` can say it gives `bytes`).
    #[doc(hidden)]
    fn vec_output_hint() -> String {
        format!("list[{}]", Self::output_hint())
    }
}

// `Box<T>` converts as `T` does. A generic `impl for Box<T>` would overlap the classes' blanket
// impl (another crate may make `Box<ItsType>` a class), so each simple type gets its own.
macro_rules! fixed_hints {
    ($($hint:literal: $($ty:ty),+;)*) => {$($(
        impl PyTypeHint for $ty {
            fn input_hint() -> String {
                $hint.into()
            }
        }
        impl PyTypeHint for Box<$ty> {
            fn input_hint() -> String {
                $hint.into()
            }
        }
    )+)*};
}

fixed_hints! {
    "int": i8, i16, u16, i32, u32, i64, u64, i128, u128, isize, usize;
    "float": f32, f64;
    "bool": bool;
    "str": String, char, str, OsString, OsStr;
    "None": ();
    "bytes": PyBytes<'_>;
    "str": PyStr<'_>;
    "list[Any]": PyList<'_>;
    "dict[Any, Any]": PyDict<'_>;
    "set[Any]": PySet<'_>;
    "frozenset[Any]": PyFrozenSet<'_>;
    "tuple[Any, ...]": PyTuple<'_>, Args<'_>;
    "type": PyType<'_>;
    "types.ModuleType": PyModule<'_>;
    "slice": Slice<'_>;
    "int | slice": IndexOrSlice<'_>;
}

impl PyTypeHint for u8 {
    fn input_hint() -> String {
        "int".into()
    }
    fn vec_input_hint() -> String {
        "bytes | Iterable[int]".into()
    }
    fn slice_input_hint() -> String {
        "bytes".into()
    }
    fn vec_output_hint() -> String {
        "bytes".into()
    }
}

/// Any object in, an object of a type the function chooses out.
impl PyTypeHint for Borrowed<'_> {
    fn input_hint() -> String {
        "object".into()
    }
    fn output_hint() -> String {
        "Any".into()
    }
}

/// Any object in, an object of a type the function chooses out.
impl PyTypeHint for Handle<'_> {
    fn input_hint() -> String {
        "object".into()
    }
    fn output_hint() -> String {
        "Any".into()
    }
}

impl PyTypeHint for &str {
    fn input_hint() -> String {
        "str".into()
    }
}

impl PyTypeHint for Cow<'_, str> {
    fn input_hint() -> String {
        "str".into()
    }
}

impl PyTypeHint for &String {
    fn input_hint() -> String {
        "str".into()
    }
}

impl PyTypeHint for &OsStr {
    fn input_hint() -> String {
        "str".into()
    }
}

impl PyTypeHint for PathBuf {
    fn input_hint() -> String {
        "str".into()
    }
}

impl PyTypeHint for &Path {
    fn input_hint() -> String {
        "str".into()
    }
}

impl<T: PyTypeHint> PyTypeHint for &[T] {
    fn input_hint() -> String {
        T::slice_input_hint()
    }
    fn output_hint() -> String {
        T::vec_output_hint()
    }
}

impl<T: PyTypeHint> PyTypeHint for Option<T> {
    fn input_hint() -> String {
        format!("{} | None", T::input_hint())
    }
    fn output_hint() -> String {
        format!("{} | None", T::output_hint())
    }
}

impl<T: PyTypeHint> PyTypeHint for Vec<T> {
    fn input_hint() -> String {
        T::vec_input_hint()
    }
    fn output_hint() -> String {
        T::vec_output_hint()
    }
}

impl<T: PyTypeHint, const N: usize> PyTypeHint for [T; N] {
    fn input_hint() -> String {
        T::vec_input_hint()
    }
    fn output_hint() -> String {
        T::vec_output_hint()
    }
}

impl<K: PyTypeHint, V: PyTypeHint, S> PyTypeHint for HashMap<K, V, S> {
    fn input_hint() -> String {
        format!("Mapping[{}, {}]", K::input_hint(), V::input_hint())
    }
    fn output_hint() -> String {
        format!("dict[{}, {}]", K::output_hint(), V::output_hint())
    }
}

impl<K: PyTypeHint, V: PyTypeHint> PyTypeHint for BTreeMap<K, V> {
    fn input_hint() -> String {
        format!("Mapping[{}, {}]", K::input_hint(), V::input_hint())
    }
    fn output_hint() -> String {
        format!("dict[{}, {}]", K::output_hint(), V::output_hint())
    }
}

impl<T: PyTypeHint, S> PyTypeHint for HashSet<T, S> {
    fn input_hint() -> String {
        format!("Iterable[{}]", T::input_hint())
    }
    fn output_hint() -> String {
        format!("set[{}]", T::output_hint())
    }
}

impl<T: PyTypeHint> PyTypeHint for BTreeSet<T> {
    fn input_hint() -> String {
        format!("Iterable[{}]", T::input_hint())
    }
    fn output_hint() -> String {
        format!("set[{}]", T::output_hint())
    }
}

/// A `Cell` field exposed as a member reads and writes as its content.
impl<T: PyTypeHint + Copy> PyTypeHint for std::cell::Cell<T> {
    fn input_hint() -> String {
        T::input_hint()
    }
    fn output_hint() -> String {
        T::output_hint()
    }
}

/// A return value `Result<T, E>` gives `T` (the error is raised).
impl<T: PyTypeHint, E> PyTypeHint for Result<T, E> {
    fn input_hint() -> String {
        T::input_hint()
    }
    fn output_hint() -> String {
        T::output_hint()
    }
}

/// A class is its own Python name.
// Not suggested when a type lacks `PyTypeHint`: "implement `PyClass`" is rarely the fix.
#[diagnostic::do_not_recommend]
impl<T: PyClass> PyTypeHint for T {
    fn input_hint() -> String {
        T::NAME.into()
    }
}

impl<T: PyClass> PyTypeHint for PyRef<'_, '_, T> {
    fn input_hint() -> String {
        T::NAME.into()
    }
}

impl<T: crate::MutableClass> PyTypeHint for PyRefMut<'_, '_, T> {
    fn input_hint() -> String {
        T::NAME.into()
    }
}

macro_rules! tuple_hints {
    ($(($($name:ident),+);)*) => {$(
        impl<$($name: PyTypeHint),+> PyTypeHint for ($($name,)+) {
            fn input_hint() -> String {
                let items: &[String] = &[$($name::input_hint()),+];
                format!("tuple[{}]", items.join(", "))
            }
            fn output_hint() -> String {
                let items: &[String] = &[$($name::output_hint()),+];
                format!("tuple[{}]", items.join(", "))
            }
        }
    )*};
}

tuple_hints! {
    (A);
    (A, B);
    (A, B, C);
    (A, B, C, D);
    (A, B, C, D, E);
    (A, B, C, D, E, F);
    (A, B, C, D, E, F, G);
    (A, B, C, D, E, F, G, H);
}

// ---------------------------------------------------------------------------------------------
// Records (generated by the macros; not for direct use).

/// A hint function: `<T as PyTypeHint>::input_hint` or `output_hint`.
#[doc(hidden)]
pub type HintFn = fn() -> String;

/// The hint of a parameter whose type cannot be named (`impl Trait`): any object.
#[doc(hidden)]
pub fn any_hint() -> String {
    "Any".into()
}

/// One Python-visible item of a module, recorded by the macros for the stub generator.
#[doc(hidden)]
pub struct StubRecord {
    /// The class the item belongs to (its hint is the class name), `None` for the module.
    pub owner: Option<HintFn>,
    /// The Python name.
    pub name: &'static str,
    /// `function`, `method`, `staticmethod`, `classmethod`, `getter`, `setter`, `classattr`,
    /// `const`, `new` or `slot` (a slot's parameters match the runtime's by position).
    pub kind: &'static str,
    /// Python parameters (receiver excluded): name, input hint, whether it has a default.
    pub params: &'static [(&'static str, HintFn, bool)],
    /// The output hint of the return value (or of the constant).
    pub returns: HintFn,
}

// `inventory` collects the records of every macro expansion in the final binary: a function's
// and a methods block's records are emitted where they expand, which may be outside the
// `#[hpy_module]` (a class imported by `use`), so no single macro sees them all. It is the
// well-kept crate made for exactly this distributed registration (constructors registered at
// load time, no global list to maintain by hand).
inventory::collect!(StubRecord);

#[doc(hidden)]
pub use inventory;

/// The hint of `T` if it implements [`PyTypeHint`], else `Any`, by autoref specialization:
/// `(&HintProbe::<T>::new()).probe_input()` picks [`ProbeHint`] when `T: PyTypeHint` (no
/// autoref needed) and falls back to [`ProbeAny`] (one autoref) otherwise. Used for slot
/// methods, whose Rust types are fixed by the protocol (`CompareOp`, `Option<Borrowed>`, ...):
/// their stub types are a bonus, never a compile error.
#[doc(hidden)]
pub struct HintProbe<T: ?Sized>(core::marker::PhantomData<T>);

impl<T: ?Sized> HintProbe<T> {
    /// A probe for `T`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        HintProbe(core::marker::PhantomData)
    }
}

/// The specialised arm of [`HintProbe`].
#[doc(hidden)]
pub trait ProbeHint {
    /// `T::input_hint()`.
    fn probe_input(&self) -> String;
    /// `T::output_hint()`.
    fn probe_output(&self) -> String;
}

impl<T: PyTypeHint + ?Sized> ProbeHint for HintProbe<T> {
    fn probe_input(&self) -> String {
        T::input_hint()
    }
    fn probe_output(&self) -> String {
        T::output_hint()
    }
}

/// The fallback arm of [`HintProbe`].
#[doc(hidden)]
pub trait ProbeAny {
    /// `Any`.
    fn probe_input(&self) -> String;
    /// `Any`.
    fn probe_output(&self) -> String;
}

impl<T: ?Sized> ProbeAny for &HintProbe<T> {
    fn probe_input(&self) -> String {
        any_hint()
    }
    fn probe_output(&self) -> String {
        any_hint()
    }
}

fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Every record of this binary as JSON: `{"records": [{"owner", "name", "kind", "params",
/// "returns"}, ...]}`.
#[doc(hidden)]
pub fn records_json() -> String {
    let mut out = String::from("{\"records\": [");
    for (i, record) in inventory::iter::<StubRecord>.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str("{\"owner\": ");
        match record.owner {
            Some(owner) => json_string(&mut out, &owner()),
            None => out.push_str("null"),
        }
        out.push_str(", \"name\": ");
        json_string(&mut out, record.name);
        out.push_str(", \"kind\": ");
        json_string(&mut out, record.kind);
        out.push_str(", \"params\": [");
        for (j, (name, hint, has_default)) in record.params.iter().enumerate() {
            if j > 0 {
                out.push_str(", ");
            }
            out.push('[');
            json_string(&mut out, name);
            out.push_str(", ");
            json_string(&mut out, &hint());
            out.push_str(if *has_default { ", true]" } else { ", false]" });
        }
        out.push_str("], \"returns\": ");
        json_string(&mut out, &(record.returns)());
        out.push('}');
    }
    out.push_str("]}");
    out
}

/// [`records_json`] as a NUL-terminated string that lives as long as the binary (what the
/// exported `hpyrs_stub_records_<module>` function returns); null if building it failed.
#[doc(hidden)]
pub fn records_json_ptr() -> *const core::ffi::c_char {
    static JSON: OnceLock<Option<CString>> = OnceLock::new();
    let json = JSON.get_or_init(|| {
        std::panic::catch_unwind(records_json)
            .ok()
            .and_then(|text| CString::new(text).ok())
    });
    json.as_ref()
        .map_or(core::ptr::null(), |text| text.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PyResult;

    #[test]
    fn hints() {
        assert_eq!(<PyResult<Vec<u8>> as PyTypeHint>::output_hint(), "bytes");
        assert_eq!(
            <Vec<u8> as PyTypeHint>::input_hint(),
            "bytes | Iterable[int]"
        );
        assert_eq!(
            <Option<(i64, String)> as PyTypeHint>::input_hint(),
            "tuple[int, str] | None"
        );
        assert_eq!(
            <HashMap<String, Vec<f64>> as PyTypeHint>::output_hint(),
            "dict[str, list[float]]"
        );
        assert_eq!(<() as PyTypeHint>::output_hint(), "None");
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the borrow is the autoref the probe works by
    fn probes_fall_back_to_any() {
        struct NoHint;
        assert_eq!(
            (&HintProbe::<Vec<i64>>::new()).probe_input(),
            "Iterable[int]"
        );
        assert_eq!((&HintProbe::<NoHint>::new()).probe_output(), "Any");
    }

    #[test]
    fn json_escapes() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\n");
        assert_eq!(out, "\"a\\\"b\\\\c\\u000a\"");
    }
}
