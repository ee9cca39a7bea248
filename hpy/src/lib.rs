//! Safe Rust for writing Python extensions on [HPy](https://hpyproject.org) 0.9.
//!
//! One source builds either a **universal** binary (`<name>.hpy0.so`, loaded by
//! `hpy.universal` on any HPy-capable Python, the default) or a **CPython-ABI** binary
//! (`<name>.cpython-3XY-*.so`, the `cpython-abi` feature) with no overhead over C HPy.
//!
//! ```
//! /// A tiny module.
//! #[hpy::hpy_module]
//! mod quickstart {
//!     use hpy::prelude::*;
//!
//!     /// Add two integers.
//!     #[hpy_function]
//!     fn add(a: i64, b: i64) -> PyResult<i64> {
//!         a.checked_add(b).ok_or_else(|| PyErr::overflow_error("sum does not fit in i64"))
//!     }
//! }
//! # fn main() {}
//! ```
//!
//! The handle types carry the lifetime `'py` of the call they belong to:
//! [`Context<'py>`](Context), owned [`Handle<'py>`](Handle) (closed on drop) and
//! [`Borrowed<'py>`](Borrowed) (arguments and constants, never closed). None of them can leave
//! the call or cross threads; the compiler enforces what C HPy checks only in debug mode.
//! Object operations are methods of [`AnyHandle`]; conversions are [`FromPy`]/[`IntoPy`].
//! Errors are [`PyErr`]; a panic becomes `SystemError` at the boundary and never unwinds into C.
#![deny(unsafe_code)]

mod alloc;
mod class;
mod code;
mod collections;
mod convert;
mod err;
#[allow(unsafe_code)] // the one audited FFI module
mod ffi;
mod object;
pub mod stub;
mod types;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
/// What `#[hpy_class(eq, ord, hash, str)]` and `#[hpy_class]` enums expand to (not a public API).
#[doc(hidden)]
pub mod class_options;

// `#[derive(FromPy)]`/`#[derive(IntoPy)]`: the derive macros share their names with the traits
// (other namespace), so `use hpy::prelude::*;` brings both; `__derive` is what they call.
#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __derive;
pub use hpy_macros::{FromPy, IntoPy};

/// Guides (their examples are compiled as doctests).
pub mod guide {
    #[doc = include_str!("../docs/classes.md")]
    pub mod classes {}
    #[doc = include_str!("../docs/containers.md")]
    pub mod containers {}
    #[doc = include_str!("../docs/derives.md")]
    pub mod derives {}
}

pub use hpy_macros::{
    hpy_class, hpy_const, hpy_create, hpy_exception, hpy_exec, hpy_function, hpy_methods,
    hpy_module,
};

pub use alloc::{try_repeat, try_vec_filled};
pub use class::{FieldOwner, HPyField, HPyGlobal, MutableClass, PyException, PyRef, PyRefMut};
pub use convert::{FromPy, IntoArgs, IntoPy, IntoPyResult};
pub use err::{PyErr, PyResult};
pub use ffi::class::CallFunction;
pub use ffi::class::PyClass;
pub use ffi::slots::{BufferItem, BufferView};
pub use ffi::trampoline::Args;
pub use ffi::{Borrowed, Context, Handle};
pub use object::{AnyHandle, CompareOp};
pub use types::{
    BuiltinType, DictIter, ExceptionKind, PyBytes, PyDict, PyFrozenSet, PyIterator, PyList,
    PyModule, PySet, PyStr, PyTuple, PyType, View, WideChar,
};
// Runtime families: warnings, fatal errors, errno, capsules, context variables, slices, code.
pub use code::{compile, eval_code, SourceKind};
pub use err::{fatal_error, warn, ExceptionClass};
pub use types::{Capsule, ContextVar, ContextVarToken, IndexOrSlice, Slice, SliceIndices};

/// The raw HPy API (the `hpy-sys` crate): every context function, for use through the escape
/// hatch ([`Context::as_raw`], [`Handle::as_raw`]/[`Handle::into_raw`]/[`Handle::from_raw`],
/// [`Borrowed::as_raw`]/[`Borrowed::from_raw`]). Every function is `unsafe`: its contract is
/// HPy's, documented in `hpy.h`.
pub use hpy_sys as sys;

/// `true` when this build targets the CPython ABI, `false` for the universal ABI.
pub const CPYTHON_ABI: bool = cfg!(feature = "cpython-abi");

/// Everything an extension module usually needs.
pub mod prelude {
    pub use crate::{
        hpy_class, hpy_const, hpy_create, hpy_exception, hpy_exec, hpy_function, hpy_methods,
        hpy_module,
    };
    pub use crate::{
        AnyHandle, Borrowed, BuiltinType, CompareOp, Context, ExceptionKind, FromPy, Handle, IntoPy,
    };
    pub use crate::{Args, BufferView, HPyField, HPyGlobal, PyClass, PyRef, PyRefMut};
    pub use crate::{
        PyBytes, PyDict, PyFrozenSet, PyIterator, PyList, PyModule, PySet, PyStr, PyTuple, PyType,
        View,
    };
    pub use crate::{PyErr, PyResult};
}
