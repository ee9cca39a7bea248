//! Conversions between Rust values and Python objects.
//!
//! | Rust | Python |
//! |---|---|
//! | `bool` | `bool` (only `True`/`False` are accepted) |
//! | `i8`..`i128`, `u8`..`u128`, `isize`, `usize` | `int` (`OverflowError` when out of range) |
//! | `f64`, `f32` | `float` (ints are accepted) |
//! | `&str`, `String`, `char` | `str` (UTF-8; a `str` with lone surrogates → `UnicodeEncodeError`) |
//! | `&[u8]`, `Vec<u8>` | `bytes` |
//! | `Option<T>` | `None` or `T` |
//! | `(A, B, ...)` (up to 12) | `tuple` |
//! | `Vec<T>` | `list` (in: any iterable but `str`; lists and tuples are read directly) |
//! | `()` | `None` (results only) |
//! | [`Handle`], [`Borrowed`], views ([`PyDict`](crate::PyDict), ...) | the object itself |
//!
//! `std` collections, `[T; N]`, `Box<T>`, `Cow<str>` and paths: see `collections.rs`.

use std::borrow::Cow;

use crate::err::{PyErr, PyResult};
use crate::ffi::object_calls;
use crate::ffi::raw;
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::{check, AnyHandle};
use crate::types::{BuiltinType, ExceptionKind};

/// Extracting a Rust value from a Python object.
///
/// `'a` is how long the object stays open: borrowed extractions such as `&'a str` point into it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be converted from a Python object",
    label = "this type does not implement `hpy::FromPy`",
    note = "parameters of an #[hpy_function] must implement `FromPy`: integers, floats, bool, &str, String, &[u8], Vec<T>, Option<T>, tuples, or `Borrowed<'py>`"
)]
pub trait FromPy<'a>: Sized {
    /// Converts, raising `TypeError`/`OverflowError`/... on failure.
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self>;

    /// [`FromPy::from_py`] inside a binary slot that loaded its class's type once (`own`):
    /// `PyRef`/`PyRefMut` of that class use it for their type check.
    #[doc(hidden)]
    #[inline(always)]
    fn from_py_in(obj: Borrowed<'a>, own: &crate::class::OwnType<'_>) -> PyResult<Self> {
        let _ = own;
        Self::from_py(obj)
    }

    /// [`FromPy::from_py`] as the first thing a function does: no call came before it, so
    /// nothing keeps `obj` yet across a call. `isize`/`usize` then keep it in the frame for
    /// their slow path, rather than in a callee-saved register (see `raw::with_parked`).
    #[doc(hidden)]
    #[inline(always)]
    fn from_py_first(obj: Borrowed<'a>) -> PyResult<Self> {
        Self::from_py(obj)
    }

    /// [`FromPy::from_py`] for the `**kwargs` dict of a call (a new `dict`, handed over): views
    /// take that handle instead of a new one; other types convert from it while `keep` holds it
    /// open for them.
    #[doc(hidden)]
    #[inline(always)]
    fn from_kwargs<'py: 'a>(
        dict: Handle<'py>,
        keep: &'a mut Option<Handle<'py>>,
    ) -> PyResult<Self> {
        Self::from_py(keep.insert(dict).as_borrowed())
    }

    /// Lets `Vec<u8>` read a `bytes` object directly; `None` means "use the list path".
    #[doc(hidden)]
    fn vec_from_bytes(_obj: Borrowed<'a>) -> Option<PyResult<Vec<Self>>> {
        None
    }
}

/// Converting a Rust value into a new Python object.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be converted into a Python object",
    label = "this type does not implement `hpy::IntoPy`",
    note = "return values of an #[hpy_function] (or `PyResult<T>` of one), #[hpy_const] values and arguments of calls must implement `IntoPy`"
)]
pub trait IntoPy<'py> {
    /// `true` when the converted value is always a new object of a type the converting code
    /// chose (never `NotImplemented`): binary slots then skip the `NotImplemented` test.
    #[doc(hidden)]
    const NEW_OBJECT: bool = false;

    /// Converts, raising on failure (e.g. out of memory).
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>>;

    /// [`IntoPy::into_py`] inside a binary slot that loaded its class's type once (`own`):
    /// a value of that class is created with it.
    #[doc(hidden)]
    #[inline(always)]
    fn into_py_in(
        self,
        ctx: Context<'py>,
        own: &crate::class::OwnType<'py>,
    ) -> PyResult<Handle<'py>>
    where
        Self: Sized,
    {
        let _ = own;
        self.into_py(ctx)
    }

    /// Runs `f` with a borrowed view of the converted value. Handles override it to lend
    /// themselves, so passing a handle as an operand costs no `HPy_Dup`/`HPy_Close` pair.
    #[doc(hidden)]
    #[inline(always)]
    fn with_borrowed<R>(
        self,
        ctx: Context<'py>,
        f: impl FnOnce(Borrowed<'_>) -> PyResult<R>,
    ) -> PyResult<R>
    where
        Self: Sized,
    {
        let owned = self.into_py(ctx)?;
        f(owned.as_borrowed())
    }

    /// Converts a `Vec<Self>`; `u8` overrides this to make `bytes`.
    #[doc(hidden)]
    fn vec_into_py(items: Vec<Self>, ctx: Context<'py>) -> PyResult<Handle<'py>>
    where
        Self: Sized,
    {
        // Streamed into the list: no intermediate Vec of handles.
        let mut items = items.into_iter();
        let list = raw::list_from_fn(ctx, items.len(), |_| match items.next() {
            Some(item) => item.into_py(ctx),
            None => unreachable!("a Vec yields exactly its length"),
        })?;
        check(ctx, list)
    }

    /// Converts a slice of `Self` (each item cloned); `u8` overrides this to make `bytes`.
    #[doc(hidden)]
    fn slice_into_py(items: &[Self], ctx: Context<'py>) -> PyResult<Handle<'py>>
    where
        Self: Sized + Clone,
    {
        let list = raw::list_from_fn(ctx, items.len(), |index| items[index].clone().into_py(ctx))?;
        check(ctx, list)
    }
}

/// Positional arguments for a call: `()` or a tuple of values.
pub trait IntoArgs<'py> {
    /// Converts every argument.
    fn into_args(self, ctx: Context<'py>) -> PyResult<Vec<Handle<'py>>>;
}

/// What an `#[hpy_function]` may return: a value, or a `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from an #[hpy_function]",
    note = "return a type implementing `hpy::IntoPy`, or `Result<T, E>` where `T: IntoPy` and `E: Into<PyErr>`"
)]
pub trait IntoPyResult<'py> {
    /// See [`IntoPy::NEW_OBJECT`].
    #[doc(hidden)]
    const NEW_OBJECT: bool = false;
    /// Converts the return value.
    fn into_py_result(self, ctx: Context<'py>) -> PyResult<Handle<'py>>;
    /// See [`IntoPy::into_py_in`].
    #[doc(hidden)]
    fn into_py_result_in(
        self,
        ctx: Context<'py>,
        own: &crate::class::OwnType<'py>,
    ) -> PyResult<Handle<'py>>;
}

impl<'py, T: IntoPy<'py>> IntoPyResult<'py> for T {
    const NEW_OBJECT: bool = T::NEW_OBJECT;
    #[inline(always)]
    fn into_py_result(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.into_py(ctx)
    }
    #[inline(always)]
    fn into_py_result_in(
        self,
        ctx: Context<'py>,
        own: &crate::class::OwnType<'py>,
    ) -> PyResult<Handle<'py>> {
        self.into_py_in(ctx, own)
    }
}

impl<'py, T: IntoPy<'py>, E: Into<PyErr>> IntoPyResult<'py> for Result<T, E> {
    const NEW_OBJECT: bool = T::NEW_OBJECT;
    #[inline(always)]
    fn into_py_result(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        match self {
            Ok(value) => value.into_py(ctx),
            Err(err) => Err(err.into()),
        }
    }
    #[inline(always)]
    fn into_py_result_in(
        self,
        ctx: Context<'py>,
        own: &crate::class::OwnType<'py>,
    ) -> PyResult<Handle<'py>> {
        match self {
            Ok(value) => value.into_py_in(ctx, own),
            Err(err) => Err(err.into()),
        }
    }
}

fn type_error(expected: &str, obj: Borrowed<'_>) -> PyErr {
    PyErr::type_error(format!("expected {expected}, got '{}'", obj.type_name()))
}

// ---- handles ----

impl<'a> FromPy<'a> for Borrowed<'a> {
    #[inline(always)]
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        Ok(obj)
    }
}

/// Handles convert to themselves; as operands they are lent (`with_borrowed`), so no
/// `HPy_Dup`/`HPy_Close` pair is spent on them.
macro_rules! handle_into_py {
    ($($ty:ty => |$this:ident| owned: $owned:expr, view: $view:expr;)*) => {$(
        impl<'py> IntoPy<'py> for $ty {
            #[inline(always)]
            fn into_py(self, _ctx: Context<'py>) -> PyResult<Handle<'py>> {
                let $this = self;
                Ok($owned)
            }

            #[inline(always)]
            fn with_borrowed<R>(
                self,
                _ctx: Context<'py>,
                f: impl FnOnce(Borrowed<'_>) -> PyResult<R>,
            ) -> PyResult<R> {
                let $this = self;
                f($view)
            }
        }
    )*};
}

handle_into_py! {
    Handle<'py> => |h| owned: h, view: h.as_borrowed();
    &Handle<'py> => |h| owned: h.clone(), view: h.as_borrowed();
    Borrowed<'py> => |b| owned: b.dup(), view: b;
    &Borrowed<'py> => |b| owned: b.dup(), view: *b;
}

impl<'py> IntoPy<'py> for () {
    #[inline(always)]
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        Ok(ctx.none().dup())
    }
}

// ---- bool ----

impl FromPy<'_> for bool {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        let ctx = obj.context();
        if obj.is(&ctx.bool(true)) {
            Ok(true)
        } else if obj.is(&ctx.bool(false)) {
            Ok(false)
        } else {
            Err(type_error("bool", obj))
        }
    }
}

impl<'py> IntoPy<'py> for bool {
    #[inline]
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        check(ctx, raw::bool_from_bool(ctx, self))
    }
}

// ---- integers ----

/// Turns a failed HPy integer conversion into an error for the target type: a `TypeError`
/// for non-integers, an `OverflowError` for out-of-range values; anything else (an exception
/// raised by a user `__index__`) stays as Python raised it.
fn int_error(obj: Borrowed<'_>, rust_type: &str) -> PyErr {
    let ctx = obj.context();
    if !raw::err_occurred(ctx) {
        return PyErr::system_error("integer conversion failed without an exception");
    }
    let err = PyErr::fetch(ctx);
    if err.matches(ctx, ExceptionKind::OverflowError) {
        err.clear(ctx);
        out_of_range(rust_type)
    } else if err.matches(ctx, ExceptionKind::TypeError) && !obj.is_instance_of(BuiltinType::Int) {
        err.clear(ctx);
        type_error("int", obj)
    } else {
        err
    }
}

// The hot path of an integer argument is one C call and one compare; everything after the
// error marker (-1 / the unsigned maximum, which may also be a real value) is out of line, so
// the trampolines that inline these keep a small frame (measured: bench/, `foo[0]`). Each width
// calls the HPy function of its own width, as C HPy code would (`HPyLong_AsInt32_t` for an
// `int32_t`), so the range check is the runtime's own.
macro_rules! extract_width {
    ($($name:ident: $ty:ty = ($as:path, $marker:expr), exact $wide:ty = ($wide_as:path, $wide_marker:expr), $on_marker:ident;)*) => {$(
        #[inline(always)]
        fn $name(obj: Borrowed<'_>, rust_type: &str) -> PyResult<$ty> {
            if raw::long_conversion_calls_dunder_int() {
                // `__index__` first, then the exact `int` through the 64-bit function (see
                // `raw::record_long_conversion`: PyPy's 32-bit ones truncate).
                let wide: $wide = with_index_first(obj, rust_type, |int| {
                    let value = $wide_as(int.context(), int);
                    (value, value == $wide_marker)
                })?;
                return narrow(wide, rust_type);
            }
            let value = $as(obj.context(), obj);
            if value == $marker {
                return $on_marker(obj, rust_type, value, |int| {
                    let value = $as(int.context(), int);
                    (value, value == $marker)
                });
            }
            Ok(value)
        }
    )*};
}

// The signed conversions already took `__index__`; the unsigned ones retry through it.
extract_width! {
    extract_i32: i32 = (object_calls::long_as_i32, -1),
        exact i64 = (raw::long_as_i64, -1), marker_or_signed_error;
    extract_u32: u32 = (object_calls::long_as_u32, u32::MAX),
        exact u64 = (raw::long_as_u64, u64::MAX), marker_or_index;
    extract_i64: i64 = (raw::long_as_i64, -1),
        exact i64 = (raw::long_as_i64, -1), marker_or_signed_error;
    extract_u64: u64 = (raw::long_as_u64, u64::MAX),
        exact u64 = (raw::long_as_u64, u64::MAX), marker_or_index;
}

/// [`marker_or_error`] with the signature of [`marker_or_index`]: for the signed conversions,
/// which took `__index__` themselves.
#[inline(always)]
fn marker_or_signed_error<T>(
    obj: Borrowed<'_>,
    rust_type: &str,
    marker: T,
    _convert: impl Fn(Borrowed<'_>) -> (T, bool),
) -> PyResult<T> {
    marker_or_error(obj, rust_type, marker)
}

/// `value` in the target type, else its `OverflowError`.
#[inline(always)]
fn narrow<W, T: TryFrom<W>>(value: W, rust_type: &str) -> PyResult<T> {
    T::try_from(value).map_err(|_| out_of_range(rust_type))
}

/// The error marker value of an unsigned conversion that ran on `obj` itself: the value if no
/// exception is set; for an object that is not an `int`, a second try through its `__index__`
/// (CPython's unsigned conversions, `PyLong_AsUnsignedLong*`, never call it, the signed ones
/// do), so that every width accepts the same objects; else the error for the target type.
#[cold]
#[inline(never)]
fn marker_or_index<T: Copy>(
    obj: Borrowed<'_>,
    rust_type: &str,
    marker: T,
    convert: impl Fn(Borrowed<'_>) -> (T, bool),
) -> PyResult<T> {
    let ctx = obj.context();
    if !raw::err_occurred(ctx) {
        return Ok(marker);
    }
    if obj.is_instance_of(BuiltinType::Int) {
        return Err(int_error(obj, rust_type));
    }
    // A non-`int` fails with `TypeError`; HPy's 32-bit unsigned conversion then overwrites it
    // with `OverflowError` (it range-checks the error value `(unsigned long)-1`).
    let err = PyErr::fetch(ctx);
    if !err.matches(ctx, ExceptionKind::TypeError)
        && !err.matches(ctx, ExceptionKind::OverflowError)
    {
        return Err(err);
    }
    err.clear(ctx);
    with_index_first(obj, rust_type, convert)
}

/// An integer conversion on a Python whose own conversions would take `__int__` (see
/// [`raw::long_conversion_calls_dunder_int`]): a non-`int` goes through `__index__` first, so
/// that `1.5` raises `TypeError` as on CPython 3.10+ instead of being truncated.
#[cold]
#[inline(never)]
fn with_index_first<T: Copy>(
    obj: Borrowed<'_>,
    rust_type: &str,
    convert: impl Fn(Borrowed<'_>) -> (T, bool),
) -> PyResult<T> {
    let ctx = obj.context();
    let index;
    let int = if obj.is_instance_of(BuiltinType::Int) {
        obj
    } else {
        index = raw::number_index(ctx, obj).ok_or_else(|| int_error(obj, rust_type))?;
        index.as_borrowed()
    };
    match convert(int) {
        (value, true) => marker_or_error(int, rust_type, value),
        (value, false) => Ok(value),
    }
}

/// The error marker value: an error if an exception is set, else the value itself.
#[cold]
#[inline(never)]
fn marker_or_error<T>(obj: Borrowed<'_>, rust_type: &str, marker: T) -> PyResult<T> {
    if raw::err_occurred(obj.context()) {
        Err(int_error(obj, rust_type))
    } else {
        Ok(marker)
    }
}

/// `FromPy` through one of the `extract_*` functions (narrowed with a range check), and
/// `IntoPy` through the `HPyLong_From*` function of the width given (widened first).
macro_rules! int_via {
    ($extract:ident, $from:path, $wide:ty: $($ty:ty),*) => {$(
        impl FromPy<'_> for $ty {
            #[inline]
            fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
                let wide = $extract(obj, stringify!($ty))?;
                <$ty>::try_from(wide).map_err(|_| out_of_range(stringify!($ty)))
            }
        }

        impl<'py> IntoPy<'py> for $ty {
            #[inline]
            fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
                check(ctx, $from(ctx, self as $wide))
            }
        }
    )*};
}

int_via!(extract_i64, object_calls::long_from_i32, i32: i8, i16);
int_via!(extract_i32, object_calls::long_from_i32, i32: i32);
int_via!(extract_i64, raw::long_from_i64, i64: i64);
int_via!(extract_u64, object_calls::long_from_u32, u32: u16);
int_via!(extract_u32, object_calls::long_from_u32, u32: u32);
int_via!(extract_u64, raw::long_from_u64, u64: u64);

// `isize`/`usize` (indexes, lengths) take CPython's own `Py_ssize_t`/`size_t` conversion for an
// `int`, cheaper than the 64-bit one; any other object (one with `__index__`, or an error)
// goes through the 64-bit path out of line, so the accepted values and the errors are those
// of every other integer type.
macro_rules! int_native {
    ($ty:ty, $as:ident, $marker:expr, $slow:ident, $extract:ident, $from:path) => {
        impl FromPy<'_> for $ty {
            #[inline(always)]
            fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
                let value = raw::$as(obj.context(), obj);
                if value == $marker {
                    return $slow(obj);
                }
                Ok(value)
            }

            #[inline(always)]
            fn from_py_first(obj: Borrowed<'_>) -> PyResult<Self> {
                // Only the slow path needs `obj` after the call: kept in the frame. (The error
                // returns by `?`, so the successful paths join on the value alone.)
                raw::with_parked(obj, |parked| {
                    let value = raw::$as(obj.context(), obj);
                    let value = if value == $marker {
                        $slow(parked.get())?
                    } else {
                        value
                    };
                    Ok(value)
                })
            }
        }

        #[cold]
        #[inline(never)]
        fn $slow(obj: Borrowed<'_>) -> PyResult<$ty> {
            let ctx = obj.context();
            if !raw::err_occurred(ctx) {
                return Ok($marker);
            }
            raw::err_clear(ctx);
            let wide = $extract(obj, stringify!($ty))?;
            <$ty>::try_from(wide).map_err(|_| out_of_range(stringify!($ty)))
        }

        impl<'py> IntoPy<'py> for $ty {
            #[inline]
            fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
                check(ctx, $from(ctx, self))
            }
        }
    };
}

int_native!(
    isize,
    long_as_isize,
    -1,
    isize_slow,
    extract_i64,
    object_calls::long_from_isize
);
int_native!(
    usize,
    long_as_usize,
    usize::MAX,
    usize_slow,
    extract_u64,
    object_calls::long_from_usize
);

impl FromPy<'_> for u8 {
    #[inline]
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        let wide = extract_u64(obj, "u8")?;
        u8::try_from(wide).map_err(|_| out_of_range("u8"))
    }

    fn vec_from_bytes(obj: Borrowed<'_>) -> Option<PyResult<Vec<u8>>> {
        obj.is_instance_of(BuiltinType::Bytes)
            .then(|| <&[u8]>::from_py(obj).map(<[u8]>::to_vec))
    }
}

impl<'py> IntoPy<'py> for u8 {
    #[inline]
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        check(ctx, object_calls::long_from_u32(ctx, self as u32))
    }

    fn vec_into_py(items: Vec<u8>, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        items.as_slice().into_py(ctx)
    }

    fn slice_into_py(items: &[u8], ctx: Context<'py>) -> PyResult<Handle<'py>> {
        check(ctx, raw::bytes_from_slice(ctx, items))
    }
}

/// `true` for the lazy `OverflowError` that `extract_i64`/`extract_u64` report.
fn is_overflow(err: &PyErr) -> bool {
    err.kind() == Some(ExceptionKind::OverflowError)
}

/// The `OverflowError` for an `int` outside the target type, in Python's words rather than
/// Rust's: CPython's own message for the index-sized types, the width and range for the others.
fn out_of_range(rust_type: &str) -> PyErr {
    let target = match rust_type {
        "isize" | "usize" => {
            return PyErr::overflow_error("cannot fit 'int' into an index-sized integer")
        }
        "i8" => "a signed 8-bit integer (-128 to 127)",
        "u8" => "an unsigned 8-bit integer (0 to 255)",
        "i16" => "a signed 16-bit integer (-32768 to 32767)",
        "u16" => "an unsigned 16-bit integer (0 to 65535)",
        "i32" => "a signed 32-bit integer (-2147483648 to 2147483647)",
        "u32" => "an unsigned 32-bit integer (0 to 4294967295)",
        "i64" => "a signed 64-bit integer (-2**63 to 2**63-1)",
        "u64" => "an unsigned 64-bit integer (0 to 2**64-1)",
        "i128" => "a signed 128-bit integer (-2**127 to 2**127-1)",
        "u128" => "an unsigned 128-bit integer (0 to 2**128-1)",
        _ => "this integer type",
    };
    PyErr::overflow_error(format!("Python int out of range for {target}"))
}

impl FromPy<'_> for i128 {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        match extract_i64(obj, "i128") {
            Ok(small) => Ok(small as i128),
            Err(err) if is_overflow(&err) => {
                let high = extract_i64(obj.rshift(64i64)?.as_borrowed(), "i128")
                    .map_err(|_| out_of_range("i128"))?;
                let low = raw::long_as_u64_mask(obj.context(), obj);
                Ok(((high as i128) << 64) | low as i128)
            }
            Err(err) => Err(err),
        }
    }
}

impl FromPy<'_> for u128 {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        match extract_u64(obj, "u128") {
            Ok(small) => Ok(small as u128),
            Err(err) if is_overflow(&err) => {
                if obj.compare_bool(0i64, crate::CompareOp::Lt)? {
                    return Err(out_of_range("u128"));
                }
                let high = extract_u64(obj.rshift(64i64)?.as_borrowed(), "u128")
                    .map_err(|_| out_of_range("u128"))?;
                let low = raw::long_as_u64_mask(obj.context(), obj);
                Ok(((high as u128) << 64) | low as u128)
            }
            Err(err) => Err(err),
        }
    }
}

impl<'py> IntoPy<'py> for i128 {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        if let Ok(small) = i64::try_from(self) {
            return small.into_py(ctx);
        }
        let high = ((self >> 64) as i64).into_py(ctx)?;
        let low = (self as u64).into_py(ctx)?;
        high.lshift(64i64)?.bitor(low)
    }
}

impl<'py> IntoPy<'py> for u128 {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        if let Ok(small) = u64::try_from(self) {
            return small.into_py(ctx);
        }
        let high = ((self >> 64) as u64).into_py(ctx)?;
        let low = (self as u64).into_py(ctx)?;
        high.lshift(64i64)?.bitor(low)
    }
}

// ---- floats ----

impl FromPy<'_> for f64 {
    #[inline]
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        let ctx = obj.context();
        let value = raw::float_as_f64(ctx, obj);
        if value == -1.0 && raw::err_occurred(ctx) {
            let err = PyErr::fetch(ctx);
            if err.matches(ctx, ExceptionKind::TypeError) {
                err.clear(ctx);
                return Err(type_error("float", obj));
            }
            return Err(err);
        }
        Ok(value)
    }
}

impl FromPy<'_> for f32 {
    /// The `float` rounded to 32 bits; a finite value too large for them is an `OverflowError`
    /// (as `struct.pack('<f', 1e300)` raises), not an infinity: that would lose the value.
    #[inline]
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        let wide = f64::from_py(obj)?;
        let narrow = wide as f32;
        if narrow.is_infinite() && wide.is_finite() {
            return Err(PyErr::overflow_error(
                "float too large to convert to a 32-bit float",
            ));
        }
        Ok(narrow)
    }
}

impl<'py> IntoPy<'py> for f64 {
    #[inline]
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        check(ctx, raw::float_from_f64(ctx, self))
    }
}

impl<'py> IntoPy<'py> for f32 {
    #[inline]
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        check(ctx, raw::float_from_f64(ctx, self as f64))
    }
}

// ---- strings ----

impl<'a> FromPy<'a> for &'a str {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let ctx = obj.context();
        if raw::predicate(ctx, hpy_sys::HPyUnicode_Check, obj) != 1 {
            return Err(type_error("str", obj));
        }
        match raw::unicode_as_utf8(ctx, obj) {
            // CPython encodes to UTF-8 and raises for lone surrogates; PyPy hands out its own
            // storage, which keeps them (as 3-byte sequences), so they are caught here.
            Some(bytes) => std::str::from_utf8(bytes).map_err(|e| surrogate_error(obj, bytes, e)),
            None => Err(PyErr::fetch(ctx)),
        }
    }
}

/// The `UnicodeEncodeError` CPython raises for a `str` with lone surrogates (`'utf-8' codec
/// can't encode character '\ud800' in position 5: surrogates not allowed`), from the bytes
/// PyPy gives for it: the run of surrogates starting at the first invalid byte.
#[cold]
#[inline(never)]
fn surrogate_error(obj: Borrowed<'_>, bytes: &[u8], err: std::str::Utf8Error) -> PyErr {
    use crate::object::AnyHandle;
    let ctx = obj.context();
    let valid = err.valid_up_to();
    let start = std::str::from_utf8(&bytes[..valid]).map_or(0, |s| s.chars().count());
    // A surrogate (U+D800..U+DFFF) in the generalized UTF-8 PyPy stores: ED A0..BF xx.
    let is_surrogate = |at: usize| {
        bytes.len() >= at + 3 && bytes[at] == 0xED && (0xA0..=0xBF).contains(&bytes[at + 1])
    };
    let mut end = start;
    let mut at = valid;
    while is_surrogate(at) {
        end += 1;
        at += 3;
    }
    if end == start {
        return PyErr::system_error(format!("str is not valid UTF-8: {err}"));
    }
    let encode_error = crate::types::ExceptionKind::UnicodeEncodeError.type_object(ctx);
    match encode_error.call(("utf-8", obj, start, end, "surrogates not allowed")) {
        Ok(exception) => PyErr::raise_object(ctx, exception.as_borrowed()),
        Err(err) => err,
    }
}

impl FromPy<'_> for String {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        <&str>::from_py(obj).map(str::to_owned)
    }
}

impl FromPy<'_> for char {
    fn from_py(obj: Borrowed<'_>) -> PyResult<Self> {
        let text = <&str>::from_py(obj)?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => Ok(c),
            _ => Err(PyErr::value_error(format!(
                "expected a string of length 1, got length {}",
                text.chars().count()
            ))),
        }
    }
}

impl<'py> IntoPy<'py> for &str {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        if self.is_ascii() {
            check(ctx, raw::unicode_from_ascii(ctx, self.as_bytes()))
        } else {
            let bytes = check(ctx, raw::bytes_from_slice(ctx, self.as_bytes()))?;
            check(ctx, raw::unicode_from_utf8_bytes(ctx, bytes.as_borrowed()))
        }
    }
}

impl<'py> IntoPy<'py> for String {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_str().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for &String {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_str().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for Cow<'_, str> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.as_ref().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for char {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        self.encode_utf8(&mut [0; 4]).into_py(ctx)
    }
}

// ---- bytes ----

impl<'a> FromPy<'a> for &'a [u8] {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        let ctx = obj.context();
        if raw::predicate(ctx, hpy_sys::HPyBytes_Check, obj) != 1 {
            return Err(type_error("bytes", obj));
        }
        crate::ffi::text_calls::bytes_as_slice(ctx, obj).ok_or_else(|| PyErr::fetch(ctx))
    }
}

/// A slice becomes a `list` of its (cloned) items, without copying the slice first; `&[u8]`
/// becomes `bytes`, as `Vec<u8>` does.
impl<'py, T: IntoPy<'py> + Clone> IntoPy<'py> for &[T] {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        T::slice_into_py(self, ctx)
    }
}

// ---- Option, Vec, tuples ----

impl<'a, T: FromPy<'a>> FromPy<'a> for Option<T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_py(obj).map(Some)
        }
    }

    #[inline(always)]
    fn from_kwargs<'py: 'a>(
        dict: Handle<'py>,
        keep: &'a mut Option<Handle<'py>>,
    ) -> PyResult<Self> {
        // A dict is never `None`.
        T::from_kwargs(dict, keep).map(Some)
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for Option<T> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        match self {
            Some(value) => value.into_py(ctx),
            None => Ok(ctx.none().dup()),
        }
    }
}

/// The items of a `list` or `tuple`, each converted. Items are new handles closed right
/// after conversion, so `T` must not borrow from them (`for<'x> FromPy<'x>`).
fn sequence_items<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>) -> PyResult<Vec<T>> {
    if !raw::is_list_or_tuple(obj.context(), obj) {
        return iterable_items(obj);
    }
    let length = obj.len()?;
    crate::ffi::raw::collect_exact(length, |index| {
        let item = obj.get_index(index as isize)?;
        // Each arm closes the item itself: past that `Py_DECREF` (a possible call) the loop
        // then carries the value only, not also whether the conversion failed.
        match T::from_py(item.as_borrowed()) {
            Ok(value) => {
                drop(item);
                Ok(value)
            }
            Err(err) => {
                drop(item);
                Err(item_error(err, index))
            }
        }
    })
}

/// The items of any other iterable (not a `str`: a string is rarely meant as a list of
/// characters), through Python's iterator protocol.
#[inline(never)]
fn iterable_items<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>) -> PyResult<Vec<T>> {
    if obj.is_instance_of(BuiltinType::Str) {
        return Err(type_error("list or other non-str iterable", obj));
    }
    let mut items = Vec::new();
    for (index, item) in obj.iter()?.enumerate() {
        let item = item?;
        let value = T::from_py(item.as_borrowed()).map_err(|err| item_error(err, index))?;
        items.try_reserve(1)?;
        items.push(value);
    }
    Ok(items)
}

#[cold]
#[inline(never)]
fn item_error(err: PyErr, index: usize) -> PyErr {
    err.with_context(&format!("item {index}"))
}

impl<'a, T: for<'x> FromPy<'x>> FromPy<'a> for Vec<T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        match <T as FromPy<'a>>::vec_from_bytes(obj) {
            Some(bytes) => bytes,
            None => sequence_items(obj),
        }
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for Vec<T> {
    fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
        T::vec_into_py(self, ctx)
    }
}

impl<'py> IntoArgs<'py> for () {
    fn into_args(self, _ctx: Context<'py>) -> PyResult<Vec<Handle<'py>>> {
        Ok(Vec::new())
    }
}

macro_rules! tuples {
    ($($len:literal => ($($name:ident . $index:tt),+);)*) => {$(
        impl<'a, $($name: for<'x> FromPy<'x>),+> FromPy<'a> for ($($name,)+) {
            fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
                if !obj.is_instance_of(BuiltinType::Tuple) {
                    return Err(type_error(concat!("a tuple of length ", $len), obj));
                }
                let length = obj.len()?;
                if length != $len {
                    return Err(PyErr::value_error(format!(
                        "expected a tuple of length {}, got length {length}", $len
                    )));
                }
                Ok(($(extract_item::<$name>(obj, $index)?,)+))
            }
        }

        impl<'py, $($name: IntoPy<'py>),+> IntoPy<'py> for ($($name,)+) {
            // Inlined into the trampoline, like the C it replaces (measured: bench/).
            #[inline(always)]
            fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
                let items = [$(self.$index.into_py(ctx)?),+];
                check(ctx, raw::tuple_from_array(ctx, items))
            }
        }

        impl<'py, $($name: IntoPy<'py>),+> IntoArgs<'py> for ($($name,)+) {
            fn into_args(self, ctx: Context<'py>) -> PyResult<Vec<Handle<'py>>> {
                Ok(vec![$(self.$index.into_py(ctx)?),+])
            }
        }
    )*};
}

tuples! {
    1 => (A.0);
    2 => (A.0, B.1);
    3 => (A.0, B.1, C.2);
    4 => (A.0, B.1, C.2, D.3);
    5 => (A.0, B.1, C.2, D.3, E.4);
    6 => (A.0, B.1, C.2, D.3, E.4, F.5);
    7 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6);
    8 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7);
    9 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8);
    10 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9);
    11 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10);
    12 => (A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11);
}

fn extract_item<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>, index: usize) -> PyResult<T> {
    let item = obj.get_index(index as isize)?;
    T::from_py(item.as_borrowed()).map_err(|e| e.with_context(&format!("item {index}")))
}
