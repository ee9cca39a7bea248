//! The `extern "C"` pairs for type slots, getters and setters: one generic `impl` (HPy's
//! signature) and `cpy_trampoline` (CPython's) per calling convention, like the function
//! conventions in [`super::trampoline`].
//!
//! Every slot convention is a trait with one `call`; `#[hpy_methods]` implements it on a unit
//! struct per slot. The definition constructors take a slot id whose type names the convention
//! (`BinarySlotId::NB_ADD`), so binding a function to a slot of another signature does not
//! compile.

use core::ffi::{c_int, c_void, CStr};
use core::ptr;

use hpy_sys as sys;

#[cfg(not(feature = "cpython-abi"))]
use super::trampoline::call_real;
use super::trampoline::{c_ptr, erase, erase_cpy, guard, Args, CpyObject, KeywordsFn, Trampolines};
#[cfg(feature = "cpython-abi")]
use super::trampoline::{h2py, module_context, py2h};
use super::{Borrowed, Context, Handle};
use crate::err::{PyErr, PyResult};
use crate::object::CompareOp;

// ---------------------------------------------------------------------------------------------
// The conventions.

/// `HPyFunc_UNARYFUNC` / `REPRFUNC`: `nb_negative`, `tp_repr`, ...
pub trait UnarySlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_BINARYFUNC`: `nb_add`, `mp_subscript`, `sq_concat`, ... (either operand may be `self`).
pub trait BinarySlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_TERNARYFUNC`: `nb_power`, `nb_inplace_power`.
pub trait TernarySlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot (`c` is `None` when `pow()` got two arguments).
    fn call<'py>(
        ctx: Context<'py>,
        a: Borrowed<'py>,
        b: Borrowed<'py>,
        c: Borrowed<'py>,
    ) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_INQUIRY`: `nb_bool`.
pub trait InquirySlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<bool>;
}

/// `HPyFunc_LENFUNC`: `mp_length`, `sq_length`.
pub trait LenSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<usize>;
}

/// `HPyFunc_SSIZEARGFUNC`: `sq_item`, `sq_repeat`, `sq_inplace_repeat`.
pub trait SsizeArgSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>, index: isize) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_SSIZEOBJARGPROC`: `sq_ass_item` (`value` is `None` for `del`).
pub trait SsizeObjArgSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(
        ctx: Context<'py>,
        slf: Borrowed<'py>,
        index: isize,
        value: Option<Borrowed<'py>>,
    ) -> PyResult<()>;
}

/// `HPyFunc_OBJOBJARGPROC`: `mp_ass_subscript` (`value` is `None` for `del`).
pub trait ObjObjArgSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(
        ctx: Context<'py>,
        slf: Borrowed<'py>,
        key: Borrowed<'py>,
        value: Option<Borrowed<'py>>,
    ) -> PyResult<()>;
}

/// `HPyFunc_OBJOBJPROC`: `sq_contains`.
pub trait ObjObjSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>, item: Borrowed<'py>) -> PyResult<bool>;
}

/// `HPyFunc_HASHFUNC`: `tp_hash` (a result of -1 is turned into -2, as CPython does).
pub trait HashSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<isize>;
}

/// `HPyFunc_RICHCMPFUNC`: `tp_richcompare`.
pub trait RichCmpSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(
        ctx: Context<'py>,
        slf: Borrowed<'py>,
        other: Borrowed<'py>,
        op: CompareOp,
    ) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_INITPROC`: `tp_init` (`kw` is a dict or `None`).
pub trait InitSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(
        ctx: Context<'py>,
        slf: Borrowed<'py>,
        args: Args<'py>,
        kw: Option<Borrowed<'py>>,
    ) -> PyResult<()>;
}

/// `HPyFunc_NEWFUNC`: `tp_new` (`kw` is a dict or `None`).
pub trait NewSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(
        ctx: Context<'py>,
        cls: Borrowed<'py>,
        args: Args<'py>,
        kw: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>>;
}

/// `HPyFunc_DESTRUCTOR`: `tp_finalize` (`__del__`). An error is reported as unraisable.
pub trait FinalizeSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<()>;
}

/// An item type a buffer can export, with its `struct` format character.
pub trait BufferItem: Copy + 'static {
    /// The `struct` module format of one item.
    const FORMAT: &'static CStr;
}

macro_rules! buffer_items {
    ($($ty:ty => $format:literal,)*) => {$(
        impl BufferItem for $ty {
            const FORMAT: &'static CStr = $format;
        }
    )*};
}

buffer_items! {
    i8 => c"b", u8 => c"B", i16 => c"h", u16 => c"H", i32 => c"i", u32 => c"I",
    i64 => c"q", u64 => c"Q", isize => c"n", usize => c"N", f32 => c"f", f64 => c"d",
}

/// What `__getbuffer__` exports: one contiguous, one-dimensional block of items borrowed from
/// the object's struct (`'a`).
///
/// The runtime keeps the object's struct borrowed (shared) until the consumer releases the
/// buffer, so the memory can neither change nor go away while it is exported: `&mut self`
/// methods get `RuntimeError` meanwhile. A writable buffer must therefore be made of `Cell`s.
#[derive(Debug, Clone, Copy)]
pub struct BufferView<'a> {
    buf: *mut c_void,
    len: isize,
    itemsize: isize,
    readonly: bool,
    format: &'static CStr,
    _borrow: core::marker::PhantomData<&'a ()>,
}

impl<'a> BufferView<'a> {
    /// A read-only buffer over `items`.
    pub fn from_slice<T: BufferItem>(items: &'a [T]) -> Self {
        BufferView {
            buf: items.as_ptr().cast_mut().cast(),
            len: core::mem::size_of_val(items) as isize,
            itemsize: core::mem::size_of::<T>() as isize,
            readonly: true,
            format: T::FORMAT,
            _borrow: core::marker::PhantomData,
        }
    }

    /// A writable buffer over `items`: consumers may write, which `Cell` allows through a
    /// shared borrow.
    pub fn from_cells<T: BufferItem>(items: &'a [core::cell::Cell<T>]) -> Self {
        BufferView {
            buf: items.as_ptr().cast_mut().cast(),
            len: core::mem::size_of_val(items) as isize,
            itemsize: core::mem::size_of::<T>() as isize,
            readonly: false,
            format: T::FORMAT,
            _borrow: core::marker::PhantomData,
        }
    }
}

/// What `__getbuffer__` may return: a view, or a result of one.
pub trait IntoBufferView<'a> {
    /// Converts.
    fn into_view(self) -> PyResult<BufferView<'a>>;
}

impl<'a> IntoBufferView<'a> for BufferView<'a> {
    fn into_view(self) -> PyResult<BufferView<'a>> {
        Ok(self)
    }
}

impl<'a> IntoBufferView<'a> for PyResult<BufferView<'a>> {
    fn into_view(self) -> PyResult<BufferView<'a>> {
        self
    }
}

/// A buffer export in progress: made only by [`export_buffer`], which leaves the object's
/// struct borrowed until [`release_buffer`].
pub struct ExportedBuffer {
    view: BufferView<'static>,
}

/// Runs a `__getbuffer__` on the struct of `slf` and keeps the struct borrowed (shared) for as
/// long as the buffer is exported: [`release_buffer`] (from `bf_releasebuffer`) ends it.
///
/// # Safety
/// `slf` must be an instance of `T` (the `self` of `T`'s `bf_getbuffer`).
pub unsafe fn export_buffer<T: super::class::PyClass>(
    slf: Borrowed<'_>,
    flags: i32,
    view: impl for<'a> FnOnce(&'a T) -> PyResult<BufferView<'a>>,
) -> PyResult<ExportedBuffer> {
    // SAFETY: forwarded contract.
    let guard = unsafe { super::class::PyRef::<T>::new_unchecked(slf.context(), slf)? };
    let exported = view(&guard)?;
    if flags & 0x0001 != 0 && exported.readonly {
        // PyBUF_WRITABLE asked for a writable buffer.
        return Err(PyErr::new(
            crate::ExceptionKind::BufferError,
            "the buffer is read-only",
        ));
    }
    let exported = ExportedBuffer {
        view: BufferView {
            _borrow: core::marker::PhantomData,
            ..exported
        },
    };
    // The borrow stays registered in the object's flag until `release_buffer`.
    core::mem::forget(guard);
    Ok(exported)
}

/// Gives a `__getbuffer__` closure its higher-ranked signature (the view borrows the struct
/// it is given), so that it can be built outside the `unsafe` call of [`export_buffer`].
pub fn buffer_view_fn<T, F>(view: F) -> F
where
    F: for<'a> FnOnce(&'a T) -> PyResult<BufferView<'a>>,
{
    view
}

/// Ends the borrow an [`export_buffer`] of the same object left registered.
///
/// # Safety
/// Only from `T`'s `bf_releasebuffer`, which CPython calls once per successful export.
pub unsafe fn release_buffer<T: super::class::PyClass>(slf: Borrowed<'_>) {
    // SAFETY: forwarded contract.
    unsafe { super::class::end_exported_borrow::<T>(slf.context(), slf) };
}

/// `HPyFunc_GETBUFFERPROC`: `bf_getbuffer`. Implementations come from `#[hpy_methods]`, which
/// builds the export with [`export_buffer`].
pub trait GetBufferSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>, flags: i32) -> PyResult<ExportedBuffer>;
}

/// `HPyFunc_RELEASEBUFFERPROC`: `bf_releasebuffer`.
pub trait ReleaseBufferSlot {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the slot.
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>);
}

/// A property getter (`HPyFunc_GETTER`).
pub trait GetterFn {
    /// The attribute name, for error messages.
    const NAME: &'static str;
    /// Reads the attribute.
    fn get<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<Handle<'py>>;
}

/// A property setter (`HPyFunc_SETTER`).
pub trait SetterFn {
    /// The attribute name, for error messages.
    const NAME: &'static str;
    /// Writes the attribute.
    fn set<'py>(ctx: Context<'py>, slf: Borrowed<'py>, value: Borrowed<'py>) -> PyResult<()>;
    /// `del obj.attr`: a `TypeError` unless overridden.
    fn delete<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<()> {
        let _ = (ctx, slf);
        Err(PyErr::type_error(format!(
            "cannot delete attribute '{}'",
            Self::NAME
        )))
    }
}

/// The setter of a read-only property (and the getter of a write-only one): it raises the
/// `AttributeError` CPython raises for a property without that function.
///
/// HPy lets a property leave its setter (getter) NULL, but PyPy 7.3.19 then aborts the whole
/// process on `obj.attr = x` ("Fatal RPython error: NotImplementedError" in its
/// `readonly_attribute`), so hpy-rs never leaves them NULL.
pub struct Missing<F>(core::marker::PhantomData<F>);

/// `attribute 'name' of 'type' objects is not <what>`, in CPython's words (the type named as
/// its `tp_name`, `module.Class`).
fn attribute_not(slf: Borrowed<'_>, name: &str, what: &str) -> PyErr {
    use crate::object::AnyHandle;
    let ty = slf.get_type();
    let part =
        |attr: &str| -> PyResult<String> { Ok(ty.getattr(attr)?.extract::<&str>()?.to_owned()) };
    let type_name = match (part("__module__"), part("__qualname__")) {
        (Ok(module), Ok(qualname)) if module != "builtins" => format!("{module}.{qualname}"),
        (_, Ok(qualname)) => qualname,
        (_, Err(err)) => return err,
    };
    PyErr::attribute_error(format!(
        "attribute '{name}' of '{type_name}' objects is not {what}"
    ))
}

impl<G: GetterFn> SetterFn for Missing<G> {
    const NAME: &'static str = G::NAME;
    fn set<'py>(_ctx: Context<'py>, slf: Borrowed<'py>, _value: Borrowed<'py>) -> PyResult<()> {
        Err(attribute_not(slf, G::NAME, "writable"))
    }
    fn delete<'py>(_ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<()> {
        Err(attribute_not(slf, G::NAME, "writable"))
    }
}

impl<S: SetterFn> GetterFn for Missing<S> {
    const NAME: &'static str = S::NAME;
    fn get<'py>(_ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<Handle<'py>> {
        Err(attribute_not(slf, S::NAME, "readable"))
    }
}

// ---------------------------------------------------------------------------------------------
// Generic `impl`/`cpy_trampoline` pairs for the conventions whose argument struct is
// `{arg0, arg1, ..., result}`.

macro_rules! raw_ty {
    (obj) => {
        sys::HPy
    };
    (optobj) => {
        sys::HPy
    };
    (ssize) => {
        isize
    };
    (cmp) => {
        sys::HPy_RichCmpOp
    };
}
macro_rules! cpy_ty {
    (obj) => {
        CpyObject
    };
    (optobj) => {
        CpyObject
    };
    (ssize) => {
        isize
    };
    (cmp) => {
        c_int
    };
}
macro_rules! raw_ret {
    (obj) => {
        sys::HPy
    };
    (status) => {
        c_int
    };
    (bool) => {
        c_int
    };
    (len) => {
        isize
    };
    (hash) => {
        isize
    };
}
macro_rules! cpy_ret {
    (obj) => {
        CpyObject
    };
    (status) => {
        c_int
    };
    (bool) => {
        c_int
    };
    (len) => {
        isize
    };
    (hash) => {
        isize
    };
}
/// Rust value of an argument (inside `unsafe`: the handle is open for the call).
macro_rules! to_rust {
    (obj, $ctx:ident, $x:ident) => {
        Borrowed::from_raw($ctx, $x)
    };
    (optobj, $ctx:ident, $x:ident) => {
        if sys::HPy_IsNull($x) {
            None
        } else {
            Some(Borrowed::from_raw($ctx, $x))
        }
    };
    (ssize, $ctx:ident, $x:ident) => {
        $x
    };
    (cmp, $ctx:ident, $x:ident) => {
        CompareOp::from_raw($x)
    };
}
/// The `_HPyFunc_args_*` field value of a CPython argument.
#[cfg(not(feature = "cpython-abi"))]
macro_rules! to_struct {
    (obj, $x:ident) => {
        $x
    };
    (optobj, $x:ident) => {
        $x
    };
    (ssize, $x:ident) => {
        $x
    };
    (cmp, $x:ident) => {
        $x as sys::HPy_RichCmpOp
    };
}
#[cfg(feature = "cpython-abi")]
macro_rules! cpy_to_raw {
    (obj, $x:ident) => {
        py2h($x)
    };
    (optobj, $x:ident) => {
        py2h($x)
    };
    (ssize, $x:ident) => {
        $x
    };
    (cmp, $x:ident) => {
        $x as sys::HPy_RichCmpOp
    };
}
macro_rules! ret_map {
    (obj, $e:expr) => { $e.map(Handle::into_raw) };
    (status, $e:expr) => { $e.map(|()| 0 as c_int) };
    (bool, $e:expr) => { $e.map(|value| value as c_int) };
    (len, $e:expr) => {
        $e.and_then(|len| {
            isize::try_from(len).map_err(|_| PyErr::overflow_error("cannot fit 'int' into an index-sized integer"))
        })
    };
    (hash, $e:expr) => { $e.map(|hash| if hash == -1 { -2 } else { hash }) };
}
#[cfg(not(feature = "cpython-abi"))]
macro_rules! ret_zero {
    (obj) => {
        ptr::null_mut()
    };
    ($other:ident) => {
        0
    };
}
#[cfg(feature = "cpython-abi")]
macro_rules! ret_to_cpy {
    (obj, $e:expr) => {
        h2py($e)
    };
    ($other:ident, $e:expr) => {
        $e
    };
}

/// A raw argument of an `impl` as the object the CPython-ABI trampoline takes.
#[cfg(feature = "cpython-abi")]
macro_rules! raw_to_cpy {
    (obj, $x:ident) => {
        h2py($x)
    };
    (optobj, $x:ident) => {
        h2py($x)
    };
    (ssize, $x:ident) => {
        $x
    };
    (cmp, $x:ident) => {
        $x as c_int
    };
}
/// A CPython-ABI trampoline's result as the `impl`'s.
#[cfg(feature = "cpython-abi")]
macro_rules! raw_from_cpy {
    (obj, $e:expr) => {
        py2h($e)
    };
    ($other:ident, $e:expr) => {
        $e
    };
}

macro_rules! slot_pair {
    (
        $Trait:ident: $impl_fn:ident, $body_fn:ident, $tramp_fn:ident, $ImplTy:ident, $TrampTy:ident,
        $SIG:ident, $Args:ident, ($($p:ident: $kind:ident),*) -> $ret:ident
    ) => {
        type $ImplTy = unsafe extern "C" fn(*mut sys::HPyContext, $(raw_ty!($kind)),*) -> raw_ret!($ret);
        type $TrampTy = unsafe extern "C" fn($(cpy_ty!($kind)),*) -> cpy_ret!($ret);

        impl<F: $Trait> Trampolines<F> {
            /// HPy's `impl`. In the CPython ABI it only forwards to the trampoline, which holds
            /// the one copy of the body: with two copies, the panic guard's closure had two
            /// callers and LLVM stopped inlining it (measured: ~30 instructions per call).
            unsafe extern "C" fn $impl_fn(
                ctx: *mut sys::HPyContext,
                $($p: raw_ty!($kind)),*
            ) -> raw_ret!($ret) {
                #[cfg(feature = "cpython-abi")]
                {
                    let _ = ctx;
                    // SAFETY: the same live handles, as the objects they are in this ABI.
                    raw_from_cpy!($ret, unsafe { Self::$tramp_fn($(raw_to_cpy!($kind, $p)),*) })
                }
                #[cfg(not(feature = "cpython-abi"))]
                // SAFETY: the caller's contract is the body's.
                unsafe { Self::$body_fn(ctx, $($p),*) }
            }

            #[inline(always)]
            unsafe fn $body_fn(
                ctx: *mut sys::HPyContext,
                $($p: raw_ty!($kind)),*
            ) -> raw_ret!($ret) {
                // SAFETY: HPy calls an impl with the context of this call and handles it keeps
                // open (and closes itself) until we return.
                let ctx = unsafe { Context::from_raw(ctx) };
                $(
                    // SAFETY: as above.
                    #[allow(unused_unsafe)]
                    let $p = unsafe { to_rust!($kind, ctx, $p) };
                )*
                guard(ctx, F::NAME, move || ret_map!($ret, F::call(ctx, $($p),*)))
            }

            // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the
            // `impl` as well, the panic guard's closure gets two callers and is no longer inlined.
            #[cfg_attr(feature = "cpython-abi", inline(never))]
            unsafe extern "C" fn $tramp_fn($($p: cpy_ty!($kind)),*) -> cpy_ret!($ret) {
                #[cfg(not(feature = "cpython-abi"))]
                {
                    let mut args = sys::$Args { $($p: to_struct!($kind, $p),)* result: ret_zero!($ret) };
                    let typed: $ImplTy = Self::$impl_fn;
                    let func = erase!(typed, $ImplTy);
                    // SAFETY: the argument struct HPy defines for this signature and impl.
                    unsafe { call_real(sys::$SIG, func, &mut args) };
                    args.result
                }
                #[cfg(feature = "cpython-abi")]
                {
                    // SAFETY: CPython passes live objects; in this ABI they are the handles.
                    ret_to_cpy!($ret, unsafe { Self::$body_fn(module_context(), $(cpy_to_raw!($kind, $p)),*) })
                }
            }
        }
    };
}

slot_pair!(UnarySlot: unary_impl, unary_body, unary_trampoline, UnaryImpl, UnaryTrampoline,
    HPyFunc_UNARYFUNC, _HPyFunc_args_UNARYFUNC, (arg0: obj) -> obj);
slot_pair!(BinarySlot: binary_impl, binary_body, binary_trampoline, BinaryImpl, BinaryTrampoline,
    HPyFunc_BINARYFUNC, _HPyFunc_args_BINARYFUNC, (arg0: obj, arg1: obj) -> obj);
slot_pair!(TernarySlot: ternary_impl, ternary_body, ternary_trampoline, TernaryImpl, TernaryTrampoline,
    HPyFunc_TERNARYFUNC, _HPyFunc_args_TERNARYFUNC, (arg0: obj, arg1: obj, arg2: obj) -> obj);
slot_pair!(InquirySlot: inquiry_impl, inquiry_body, inquiry_trampoline, InquiryImpl, InquiryTrampoline,
    HPyFunc_INQUIRY, _HPyFunc_args_INQUIRY, (arg0: obj) -> bool);
slot_pair!(LenSlot: len_impl, len_body, len_trampoline, LenImpl, LenTrampoline,
    HPyFunc_LENFUNC, _HPyFunc_args_LENFUNC, (arg0: obj) -> len);
slot_pair!(SsizeArgSlot: ssizearg_impl, ssizearg_body, ssizearg_trampoline, SsizeArgImpl, SsizeArgTrampoline,
    HPyFunc_SSIZEARGFUNC, _HPyFunc_args_SSIZEARGFUNC, (arg0: obj, arg1: ssize) -> obj);
slot_pair!(SsizeObjArgSlot: ssizeobjarg_impl, ssizeobjarg_body, ssizeobjarg_trampoline, SsizeObjArgImpl,
    SsizeObjArgTrampoline, HPyFunc_SSIZEOBJARGPROC, _HPyFunc_args_SSIZEOBJARGPROC,
    (arg0: obj, arg1: ssize, arg2: optobj) -> status);
slot_pair!(ObjObjArgSlot: objobjarg_impl, objobjarg_body, objobjarg_trampoline, ObjObjArgImpl,
    ObjObjArgTrampoline, HPyFunc_OBJOBJARGPROC, _HPyFunc_args_OBJOBJARGPROC,
    (arg0: obj, arg1: obj, arg2: optobj) -> status);
slot_pair!(ObjObjSlot: objobj_impl, objobj_body, objobj_trampoline, ObjObjImpl, ObjObjTrampoline,
    HPyFunc_OBJOBJPROC, _HPyFunc_args_OBJOBJPROC, (arg0: obj, arg1: obj) -> bool);
slot_pair!(HashSlot: hash_impl, hash_body, hash_trampoline, HashImpl, HashTrampoline,
    HPyFunc_HASHFUNC, _HPyFunc_args_HASHFUNC, (arg0: obj) -> hash);
slot_pair!(RichCmpSlot: richcmp_impl, richcmp_body, richcmp_trampoline, RichCmpImpl, RichCmpTrampoline,
    HPyFunc_RICHCMPFUNC, _HPyFunc_args_RICHCMPFUNC, (arg0: obj, arg1: obj, arg2: cmp) -> obj);

// ---------------------------------------------------------------------------------------------
// Conventions with their own argument shapes.

#[cfg(feature = "cpython-abi")]
use sys::cpython::tuple_items;

type InitImpl =
    unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *const sys::HPy, isize, sys::HPy) -> c_int;
type InitTrampoline = unsafe extern "C" fn(CpyObject, CpyObject, CpyObject) -> c_int;
type NewImpl = unsafe extern "C" fn(
    *mut sys::HPyContext,
    sys::HPy,
    *const sys::HPy,
    isize,
    sys::HPy,
) -> sys::HPy;
type NewTrampoline = unsafe extern "C" fn(CpyObject, CpyObject, CpyObject) -> CpyObject;
type FinalizeImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy);
type FinalizeTrampoline = unsafe extern "C" fn(CpyObject);
type GetterImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut c_void) -> sys::HPy;
type GetterTrampoline = unsafe extern "C" fn(CpyObject, *mut c_void) -> CpyObject;
type SetterImpl =
    unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy, *mut c_void) -> c_int;
type SetterTrampoline = unsafe extern "C" fn(CpyObject, CpyObject, *mut c_void) -> c_int;
type GetBufferImpl =
    unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut sys::HPy_buffer, c_int) -> c_int;
type GetBufferTrampoline = unsafe extern "C" fn(CpyObject, *mut sys::cpy_Py_buffer, c_int) -> c_int;
type ReleaseBufferImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut sys::HPy_buffer);
type ReleaseBufferTrampoline = unsafe extern "C" fn(CpyObject, *mut sys::cpy_Py_buffer);

/// Wraps the optional keyword dict of `tp_new`/`tp_init`.
///
/// # Safety
/// `kw` must be `HPy_NULL` or open for `'py`.
#[inline(always)]
unsafe fn optional<'py>(ctx: Context<'py>, kw: sys::HPy) -> Option<Borrowed<'py>> {
    if sys::HPy_IsNull(kw) {
        None
    } else {
        // SAFETY: per the contract above.
        Some(unsafe { Borrowed::from_raw(ctx, kw) })
    }
}

/// PyPy 7.3.19 calls `tp_new` and `tp_init` with HPy's KEYWORDS convention instead of
/// NEWFUNC/INITPROC's: `kw` is then the tuple of keyword names, whose values follow the
/// positionals in `items`, where HPy 0.9 promises a dict. A dict is never a tuple, so the two
/// are told apart by `kw` alone. Returns the dict the slot expects as a new raw handle for the
/// caller to close, or `HPy_NULL` when `kw` already is one; `Err` (with the exception set)
/// when making it failed. Only reached on PyPy, from the out-of-line `*_pypy_keywords` paths.
///
/// # Safety
/// `ctx` must be live, `kw` open, and `items` must hold `nargs` open handles, followed by one
/// per name when `kw` is a tuple.
#[cfg(not(feature = "cpython-abi"))]
unsafe fn keywords_as_dict(
    ctx: *mut sys::HPyContext,
    items: *const sys::HPy,
    nargs: isize,
    kw: sys::HPy,
) -> Result<sys::HPy, ()> {
    use crate::object::AnyHandle;
    // SAFETY: the caller's contract.
    let ctx = unsafe { Context::from_raw(ctx) };
    // SAFETY: as above.
    let names = unsafe { Borrowed::from_raw(ctx, kw) };
    if super::raw::predicate(ctx, sys::HPyTuple_Check, names) != 1 {
        return Ok(sys::HPy_NULL);
    }
    let convert = || -> PyResult<Handle<'_>> {
        let dict = ctx.new_dict()?;
        for index in 0..names.len()? {
            // SAFETY: the caller's contract: the value of name `index` follows the positionals.
            let value = unsafe { Borrowed::from_raw(ctx, *items.add(nargs as usize + index)) };
            dict.setitem(names.get_index(index as isize)?, value)?;
        }
        Ok(dict)
    };
    match convert() {
        Ok(dict) => Ok(dict.into_raw()),
        Err(err) => {
            err.restore(ctx);
            Err(())
        }
    }
}

/// Runs `call` with `kw` as NEWFUNC/INITPROC promise it (PyPy's keyword names made into a
/// dict by [`keywords_as_dict`], closed afterwards); `failed` when making the dict raised.
///
/// # Safety
/// As for [`keywords_as_dict`].
#[cfg(not(feature = "cpython-abi"))]
unsafe fn with_keyword_dict<R>(
    ctx: *mut sys::HPyContext,
    items: *const sys::HPy,
    nargs: isize,
    kw: sys::HPy,
    failed: R,
    call: impl FnOnce(sys::HPy) -> R,
) -> R {
    // SAFETY: the caller's contract.
    let Ok(dict) = (unsafe { keywords_as_dict(ctx, items, nargs, kw) }) else {
        return failed;
    };
    let result = call(if sys::HPy_IsNull(dict) { kw } else { dict });
    if !sys::HPy_IsNull(dict) {
        // SAFETY: the new handle `keywords_as_dict` returned.
        unsafe { sys::HPy_Close(ctx, dict) };
    }
    result
}

impl<F: InitSlot> Trampolines<F> {
    #[inline(always)]
    unsafe extern "C" fn init_impl(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        if !sys::HPy_IsNull(kw) && sys::context_layout::runtime_is_pypy() {
            // SAFETY: PyPy's contract for these arguments (see `keywords_as_dict`).
            return unsafe { Self::init_pypy_keywords(ctx, slf, items, nargs, kw) };
        }
        // SAFETY: HPy's contract for these arguments.
        unsafe { Self::init_body(ctx, slf, items, nargs, kw) }
    }

    /// `init_impl` for PyPy's keyword names (see [`keywords_as_dict`]).
    #[cfg(not(feature = "cpython-abi"))]
    #[cold]
    #[inline(never)]
    unsafe fn init_pypy_keywords(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> c_int {
        // SAFETY: the caller's contract; `init_body` gets the dict HPy promises.
        unsafe {
            with_keyword_dict(ctx, items, nargs, kw, -1, |kw| {
                Self::init_body(ctx, slf, items, nargs, kw)
            })
        }
    }

    #[inline(always)]
    unsafe fn init_body(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> c_int {
        // SAFETY: HPy calls us with the live context, `nargs` open positional handles and an
        // open dict (or NULL), all closed by the caller.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let (slf, args, kw) = unsafe {
            (
                Borrowed::from_raw(ctx, slf),
                Args::new(ctx, items, nargs as usize, 0),
                optional(ctx, kw),
            )
        };
        guard(ctx, F::NAME, move || {
            F::call(ctx, slf, args, kw).map(|()| 0)
        })
    }

    unsafe extern "C" fn init_trampoline(slf: CpyObject, args: CpyObject, kw: CpyObject) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_INITPROC {
                self_: slf,
                args,
                kw,
                result: 0,
            };
            let typed: InitImpl = Self::init_impl;
            let func = erase!(typed, InitImpl);
            // SAFETY: the INITPROC argument struct for an INITPROC impl.
            unsafe { call_real(sys::HPyFunc_INITPROC, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the object, an argument tuple and a dict or NULL.
        unsafe {
            let (items, nargs) = tuple_items(args);
            Self::init_impl(module_context(), py2h(slf), items, nargs, py2h(kw))
        }
    }
}

impl<F: NewSlot> Trampolines<F> {
    #[inline(always)]
    unsafe extern "C" fn new_impl(
        ctx: *mut sys::HPyContext,
        cls: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> sys::HPy {
        #[cfg(not(feature = "cpython-abi"))]
        if !sys::HPy_IsNull(kw) && sys::context_layout::runtime_is_pypy() {
            // SAFETY: PyPy's contract for these arguments (see `keywords_as_dict`).
            return unsafe { Self::new_pypy_keywords(ctx, cls, items, nargs, kw) };
        }
        // SAFETY: HPy's contract for these arguments.
        unsafe { Self::new_body(ctx, cls, items, nargs, kw) }
    }

    /// `new_impl` for PyPy's keyword names (see [`keywords_as_dict`]).
    #[cfg(not(feature = "cpython-abi"))]
    #[cold]
    #[inline(never)]
    unsafe fn new_pypy_keywords(
        ctx: *mut sys::HPyContext,
        cls: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> sys::HPy {
        // SAFETY: the caller's contract; `new_body` gets the dict HPy promises.
        unsafe {
            with_keyword_dict(ctx, items, nargs, kw, sys::HPy_NULL, |kw| {
                Self::new_body(ctx, cls, items, nargs, kw)
            })
        }
    }

    #[inline(always)]
    unsafe fn new_body(
        ctx: *mut sys::HPyContext,
        cls: sys::HPy,
        items: *const sys::HPy,
        nargs: isize,
        kw: sys::HPy,
    ) -> sys::HPy {
        // SAFETY: as for `init_body`.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let (cls, args, kw) = unsafe {
            (
                Borrowed::from_raw(ctx, cls),
                Args::new(ctx, items, nargs as usize, 0),
                optional(ctx, kw),
            )
        };
        guard(ctx, F::NAME, move || {
            F::call(ctx, cls, args, kw).map(Handle::into_raw)
        })
    }

    unsafe extern "C" fn new_trampoline(
        cls: CpyObject,
        args: CpyObject,
        kw: CpyObject,
    ) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_NEWFUNC {
                self_: cls,
                args,
                kw,
                result: ptr::null_mut(),
            };
            let typed: NewImpl = Self::new_impl;
            let func = erase!(typed, NewImpl);
            // SAFETY: the NEWFUNC argument struct for a NEWFUNC impl.
            unsafe { call_real(sys::HPyFunc_NEWFUNC, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the type, an argument tuple and a dict or NULL.
        unsafe {
            let (items, nargs) = tuple_items(args);
            h2py(Self::new_impl(
                module_context(),
                py2h(cls),
                items,
                nargs,
                py2h(kw),
            ))
        }
    }
}

impl<F: FinalizeSlot> Trampolines<F> {
    #[inline(always)]
    unsafe extern "C" fn finalize_impl(ctx: *mut sys::HPyContext, slf: sys::HPy) {
        // SAFETY: HPy calls us with the live context and an open handle it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let slf = unsafe { Borrowed::from_raw(ctx, slf) };
        let failed = guard(ctx, F::NAME, move || F::call(ctx, slf).map(|()| 0 as c_int));
        if failed != 0 {
            // `tp_finalize` cannot fail: report the error like CPython does for `__del__`.
            super::raw::err_write_unraisable(ctx, slf);
        }
    }

    unsafe extern "C" fn finalize_trampoline(slf: CpyObject) {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_DESTRUCTOR { arg0: slf };
            let typed: FinalizeImpl = Self::finalize_impl;
            let func = erase!(typed, FinalizeImpl);
            // SAFETY: the DESTRUCTOR argument struct for a DESTRUCTOR impl.
            unsafe { call_real(sys::HPyFunc_DESTRUCTOR, func, &mut packed) };
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the live object being finalized.
        unsafe {
            Self::finalize_impl(module_context(), py2h(slf))
        }
    }
}

impl<F: GetterFn> Trampolines<F> {
    /// HPy's `impl`; in the CPython ABI a forwarder to the trampoline, which holds the one
    /// copy of the body (see `slot_pair!`).
    unsafe extern "C" fn getter_impl(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        closure: *mut c_void,
    ) -> sys::HPy {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            py2h(unsafe { Self::getter_trampoline(h2py(slf), closure) })
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::getter_body(ctx, slf, closure)
        }
    }

    #[inline(always)]
    unsafe fn getter_body(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        _closure: *mut c_void,
    ) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and an open handle it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let slf = unsafe { Borrowed::from_raw(ctx, slf) };
        guard(ctx, F::NAME, move || F::get(ctx, slf).map(Handle::into_raw))
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn getter_trampoline(slf: CpyObject, closure: *mut c_void) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_GETTER {
                arg0: slf,
                arg1: closure,
                result: ptr::null_mut(),
            };
            let typed: GetterImpl = Self::getter_impl;
            let func = erase!(typed, GetterImpl);
            // SAFETY: the GETTER argument struct for a GETTER impl.
            unsafe { call_real(sys::HPyFunc_GETTER, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the live object.
        h2py(unsafe { Self::getter_body(module_context(), py2h(slf), closure) })
    }
}

impl<F: SetterFn> Trampolines<F> {
    /// HPy's `impl`; in the CPython ABI a forwarder to the trampoline, which holds the one
    /// copy of the body (see `slot_pair!`).
    unsafe extern "C" fn setter_impl(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        value: sys::HPy,
        closure: *mut c_void,
    ) -> c_int {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            unsafe { Self::setter_trampoline(h2py(slf), h2py(value), closure) }
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::setter_body(ctx, slf, value, closure)
        }
    }

    #[inline(always)]
    unsafe fn setter_body(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        value: sys::HPy,
        _closure: *mut c_void,
    ) -> c_int {
        // SAFETY: HPy calls us with the live context and open handles (value may be NULL).
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let (slf, value) = unsafe { (Borrowed::from_raw(ctx, slf), optional(ctx, value)) };
        guard(ctx, F::NAME, move || match value {
            Some(value) => F::set(ctx, slf, value).map(|()| 0),
            None => F::delete(ctx, slf).map(|()| 0),
        })
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn setter_trampoline(
        slf: CpyObject,
        value: CpyObject,
        closure: *mut c_void,
    ) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_SETTER {
                arg0: slf,
                arg1: value,
                arg2: closure,
                result: 0,
            };
            let typed: SetterImpl = Self::setter_impl;
            let func = erase!(typed, SetterImpl);
            // SAFETY: the SETTER argument struct for a SETTER impl.
            unsafe { call_real(sys::HPyFunc_SETTER, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the live object and value (or NULL).
        unsafe {
            Self::setter_body(module_context(), py2h(slf), py2h(value), closure)
        }
    }
}

impl<F: GetBufferSlot> Trampolines<F> {
    /// HPy's `impl`; in the CPython ABI a forwarder to the trampoline, which holds the one
    /// copy of the body (see `slot_pair!`).
    unsafe extern "C" fn getbuffer_impl(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        view: *mut sys::HPy_buffer,
        flags: c_int,
    ) -> c_int {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            unsafe { Self::getbuffer_trampoline(h2py(slf), view.cast(), flags) }
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::getbuffer_body(ctx, slf, view, flags)
        }
    }

    #[inline(always)]
    unsafe fn getbuffer_body(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        view: *mut sys::HPy_buffer,
        flags: c_int,
    ) -> c_int {
        // SAFETY: HPy calls us with the live context, an open handle and a view to fill.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let slf = unsafe { Borrowed::from_raw(ctx, slf) };
        let filled = guard(ctx, F::NAME, move || {
            let exported = F::call(ctx, slf, flags)?.view;
            let itemsize = exported.itemsize.max(1);
            let buffer = sys::HPy_buffer {
                buf: exported.buf,
                obj: slf.dup().into_raw(),
                len: exported.len,
                itemsize,
                readonly: exported.readonly as c_int,
                ndim: 1,
                // PyBUF_FORMAT (0x0004): describe the items; otherwise unsigned bytes.
                format: if flags & 0x0004 != 0 {
                    exported.format.as_ptr().cast_mut()
                } else {
                    ptr::null_mut()
                },
                shape: ptr::null_mut(),
                strides: ptr::null_mut(),
                suboffsets: ptr::null_mut(),
                internal: ptr::null_mut(),
            };
            // SAFETY: `view` is the caller's buffer struct, valid for writes.
            unsafe { view.write(buffer) };
            Ok(0)
        });
        if filled != 0 {
            // SAFETY: as above; a failed export leaves no object reference in the view.
            unsafe { (*view).obj = sys::HPy_NULL };
        }
        filled
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn getbuffer_trampoline(
        slf: CpyObject,
        view: *mut sys::cpy_Py_buffer,
        flags: c_int,
    ) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_GETBUFFERPROC {
                self_: slf,
                view,
                flags,
                result: 0,
            };
            let typed: GetBufferImpl = Self::getbuffer_impl;
            let func = erase!(typed, GetBufferImpl);
            // SAFETY: the GETBUFFERPROC argument struct for a GETBUFFERPROC impl.
            unsafe { call_real(sys::HPyFunc_GETBUFFERPROC, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: in the CPython ABI `HPy_buffer` has the layout of `Py_buffer` (HPy relies on
        // it too) and handles are objects.
        unsafe {
            Self::getbuffer_body(module_context(), py2h(slf), view.cast(), flags)
        }
    }
}

impl<F: ReleaseBufferSlot> Trampolines<F> {
    /// HPy's `impl`; in the CPython ABI a forwarder to the trampoline, which holds the one
    /// copy of the body (see `slot_pair!`).
    unsafe extern "C" fn releasebuffer_impl(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        view: *mut sys::HPy_buffer,
    ) {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            unsafe { Self::releasebuffer_trampoline(h2py(slf), view.cast()) }
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::releasebuffer_body(ctx, slf, view)
        }
    }

    #[inline(always)]
    unsafe fn releasebuffer_body(
        ctx: *mut sys::HPyContext,
        slf: sys::HPy,
        _view: *mut sys::HPy_buffer,
    ) {
        // SAFETY: HPy calls us with the live context and an open handle.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let slf = unsafe { Borrowed::from_raw(ctx, slf) };
        guard(ctx, F::NAME, move || {
            F::call(ctx, slf);
            Ok(())
        });
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn releasebuffer_trampoline(slf: CpyObject, view: *mut sys::cpy_Py_buffer) {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_RELEASEBUFFERPROC { self_: slf, view };
            let typed: ReleaseBufferImpl = Self::releasebuffer_impl;
            let func = erase!(typed, ReleaseBufferImpl);
            // SAFETY: the RELEASEBUFFERPROC argument struct for a RELEASEBUFFERPROC impl.
            unsafe { call_real(sys::HPyFunc_RELEASEBUFFERPROC, func, &mut packed) };
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: as for `getbuffer_trampoline`.
        unsafe {
            Self::releasebuffer_body(module_context(), py2h(slf), view.cast())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Definitions.

pub(super) const fn slot_def(
    slot: sys::HPySlot_Slot,
    impl_: sys::HPyCFunction,
    cpy_trampoline: sys::cpy_PyCFunction,
) -> sys::HPyDef {
    sys::HPyDef {
        kind: sys::HPyDef_Kind_Slot,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            slot: sys::HPySlot {
                slot,
                impl_,
                cpy_trampoline,
            },
        },
    }
}

macro_rules! slot_ids {
    ($(#[$doc:meta])* $Id:ident { $($name:ident = $raw:ident,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy)]
        pub struct $Id(sys::HPySlot_Slot);
        #[allow(missing_docs)]
        impl $Id {
            $(pub const $name: $Id = $Id(sys::$raw);)*
        }
    };
}

slot_ids!(
    /// The slots with the unary signature.
    UnarySlotId {
        NB_ABSOLUTE = HPy_nb_absolute, NB_FLOAT = HPy_nb_float, NB_INDEX = HPy_nb_index,
        NB_INT = HPy_nb_int, NB_INVERT = HPy_nb_invert, NB_NEGATIVE = HPy_nb_negative,
        NB_POSITIVE = HPy_nb_positive, TP_REPR = HPy_tp_repr, TP_STR = HPy_tp_str,
    }
);
slot_ids!(
    /// The slots with the binary signature.
    BinarySlotId {
        MP_SUBSCRIPT = HPy_mp_subscript, NB_ADD = HPy_nb_add, NB_AND = HPy_nb_and,
        NB_DIVMOD = HPy_nb_divmod, NB_FLOOR_DIVIDE = HPy_nb_floor_divide,
        NB_INPLACE_ADD = HPy_nb_inplace_add, NB_INPLACE_AND = HPy_nb_inplace_and,
        NB_INPLACE_FLOOR_DIVIDE = HPy_nb_inplace_floor_divide,
        NB_INPLACE_LSHIFT = HPy_nb_inplace_lshift, NB_INPLACE_MULTIPLY = HPy_nb_inplace_multiply,
        NB_INPLACE_OR = HPy_nb_inplace_or, NB_INPLACE_REMAINDER = HPy_nb_inplace_remainder,
        NB_INPLACE_RSHIFT = HPy_nb_inplace_rshift, NB_INPLACE_SUBTRACT = HPy_nb_inplace_subtract,
        NB_INPLACE_TRUE_DIVIDE = HPy_nb_inplace_true_divide, NB_INPLACE_XOR = HPy_nb_inplace_xor,
        NB_LSHIFT = HPy_nb_lshift, NB_MULTIPLY = HPy_nb_multiply, NB_OR = HPy_nb_or,
        NB_REMAINDER = HPy_nb_remainder, NB_RSHIFT = HPy_nb_rshift, NB_SUBTRACT = HPy_nb_subtract,
        NB_TRUE_DIVIDE = HPy_nb_true_divide, NB_XOR = HPy_nb_xor, SQ_CONCAT = HPy_sq_concat,
        SQ_INPLACE_CONCAT = HPy_sq_inplace_concat, NB_MATRIX_MULTIPLY = HPy_nb_matrix_multiply,
        NB_INPLACE_MATRIX_MULTIPLY = HPy_nb_inplace_matrix_multiply,
    }
);
slot_ids!(
    /// The slots with the ternary signature.
    TernarySlotId { NB_POWER = HPy_nb_power, NB_INPLACE_POWER = HPy_nb_inplace_power, }
);
slot_ids!(
    /// The slots with the length signature.
    LenSlotId { MP_LENGTH = HPy_mp_length, SQ_LENGTH = HPy_sq_length, }
);
slot_ids!(
    /// The slots taking an index.
    SsizeArgSlotId {
        SQ_ITEM = HPy_sq_item, SQ_REPEAT = HPy_sq_repeat, SQ_INPLACE_REPEAT = HPy_sq_inplace_repeat,
    }
);

macro_rules! slot_constructor {
    ($(#[$doc:meta])* $name:ident<$Trait:ident>($Id:ident), $impl_fn:ident: $ImplTy:ident, $tramp_fn:ident: $TrampTy:ident) => {
        $(#[$doc])*
        pub const fn $name<F: $Trait>(slot: $Id) -> sys::HPyDef {
            let impl_: $ImplTy = Trampolines::<F>::$impl_fn;
            let trampoline: $TrampTy = Trampolines::<F>::$tramp_fn;
            slot_def(slot.0, erase!(impl_, $ImplTy), erase_cpy!(trampoline, $TrampTy))
        }
    };
    ($(#[$doc:meta])* $name:ident<$Trait:ident> = $raw:ident, $impl_fn:ident: $ImplTy:ident, $tramp_fn:ident: $TrampTy:ident) => {
        $(#[$doc])*
        pub const fn $name<F: $Trait>() -> sys::HPyDef {
            let impl_: $ImplTy = Trampolines::<F>::$impl_fn;
            let trampoline: $TrampTy = Trampolines::<F>::$tramp_fn;
            slot_def(sys::$raw, erase!(impl_, $ImplTy), erase_cpy!(trampoline, $TrampTy))
        }
    };
}

slot_constructor!(/// A unary slot.
    slot_unary<UnarySlot>(UnarySlotId), unary_impl: UnaryImpl, unary_trampoline: UnaryTrampoline);
slot_constructor!(/// A binary slot.
    slot_binary<BinarySlot>(BinarySlotId), binary_impl: BinaryImpl, binary_trampoline: BinaryTrampoline);
slot_constructor!(/// A ternary slot.
    slot_ternary<TernarySlot>(TernarySlotId), ternary_impl: TernaryImpl, ternary_trampoline: TernaryTrampoline);
slot_constructor!(/// A length slot.
    slot_len<LenSlot>(LenSlotId), len_impl: LenImpl, len_trampoline: LenTrampoline);
slot_constructor!(/// An index slot.
    slot_ssizearg<SsizeArgSlot>(SsizeArgSlotId), ssizearg_impl: SsizeArgImpl, ssizearg_trampoline: SsizeArgTrampoline);
/// The `sq_item` that `__getitem__` also fills (after CPython's `slot_sq_item` for classes written
/// in Python): the index as an `int`, passed to the `mp_subscript` implementation `F`. Without
/// it a class with `__len__` and `__getitem__` is not a sequence to CPython (`iter()`,
/// `PySequence_GetItem`), since `mp_subscript` alone never makes one.
pub struct ItemFromSubscript<F>(core::marker::PhantomData<F>);

impl<F: BinarySlot> SsizeArgSlot for ItemFromSubscript<F> {
    const NAME: &'static str = F::NAME;

    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>, index: isize) -> PyResult<Handle<'py>> {
        let key = crate::convert::IntoPy::into_py(index, ctx)?;
        // SAFETY: `key` is open until after the call, which returns a handle of its own: the
        // borrow handed out does not outlive `key` (the signature ties it to 'py only).
        let borrowed = unsafe { Borrowed::from_raw(ctx, key.as_borrowed().raw()) };
        let result = F::call(ctx, slf, borrowed);
        drop(key);
        result
    }
}

/// `sq_item` through `F`'s `mp_subscript` (see `ItemFromSubscript`). It goes before the
/// `mp_subscript` definition: PyPy turns both into `__getitem__`, and the later one wins there,
/// so keys that are not indexes keep working.
pub const fn slot_sq_item_from_subscript<F: BinarySlot>() -> sys::HPyDef {
    slot_ssizearg::<ItemFromSubscript<F>>(SsizeArgSlotId::SQ_ITEM)
}

slot_constructor!(/// `nb_bool`.
    slot_nb_bool<InquirySlot> = HPy_nb_bool, inquiry_impl: InquiryImpl, inquiry_trampoline: InquiryTrampoline);
slot_constructor!(/// `sq_ass_item`.
    slot_sq_ass_item<SsizeObjArgSlot> = HPy_sq_ass_item, ssizeobjarg_impl: SsizeObjArgImpl, ssizeobjarg_trampoline: SsizeObjArgTrampoline);
slot_constructor!(/// `mp_ass_subscript`.
    slot_mp_ass_subscript<ObjObjArgSlot> = HPy_mp_ass_subscript, objobjarg_impl: ObjObjArgImpl, objobjarg_trampoline: ObjObjArgTrampoline);
slot_constructor!(/// `sq_contains`.
    slot_sq_contains<ObjObjSlot> = HPy_sq_contains, objobj_impl: ObjObjImpl, objobj_trampoline: ObjObjTrampoline);
slot_constructor!(/// `tp_hash`.
    slot_hash<HashSlot> = HPy_tp_hash, hash_impl: HashImpl, hash_trampoline: HashTrampoline);
slot_constructor!(/// `tp_richcompare`.
    slot_richcompare<RichCmpSlot> = HPy_tp_richcompare, richcmp_impl: RichCmpImpl, richcmp_trampoline: RichCmpTrampoline);
slot_constructor!(/// `tp_init`.
    slot_init<InitSlot> = HPy_tp_init, init_impl: InitImpl, init_trampoline: InitTrampoline);
slot_constructor!(/// `tp_new`.
    slot_new<NewSlot> = HPy_tp_new, new_impl: NewImpl, new_trampoline: NewTrampoline);
slot_constructor!(/// `tp_finalize`.
    slot_finalize<FinalizeSlot> = HPy_tp_finalize, finalize_impl: FinalizeImpl, finalize_trampoline: FinalizeTrampoline);
slot_constructor!(/// `bf_releasebuffer`.
    slot_releasebuffer<ReleaseBufferSlot> = HPy_bf_releasebuffer, releasebuffer_impl: ReleaseBufferImpl, releasebuffer_trampoline: ReleaseBufferTrampoline);

/// `bf_getbuffer`.
pub const fn slot_getbuffer<F: GetBufferSlot>() -> sys::HPyDef {
    let impl_: GetBufferImpl = Trampolines::<F>::getbuffer_impl;
    let trampoline: GetBufferTrampoline = Trampolines::<F>::getbuffer_trampoline;
    slot_def(
        sys::HPy_bf_getbuffer,
        erase!(impl_, GetBufferImpl),
        erase_cpy!(trampoline, GetBufferTrampoline),
    )
}

/// `tp_call`: the object is called like a KEYWORDS function.
pub const fn slot_call<F: KeywordsFn>() -> sys::HPyDef {
    let (impl_, trampoline) = super::trampoline::keywords_pair::<F>();
    slot_def(sys::HPy_tp_call, impl_, trampoline)
}

const fn getset_def(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    getter: (sys::HPyCFunction, sys::cpy_getter),
    setter: (sys::HPyCFunction, sys::cpy_setter),
) -> sys::HPyDef {
    sys::HPyDef {
        kind: sys::HPyDef_Kind_GetSet,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            getset: sys::HPyGetSet {
                name: name.as_ptr(),
                getter_impl: getter.0,
                setter_impl: setter.0,
                getter_cpy_trampoline: getter.1,
                setter_cpy_trampoline: setter.1,
                doc: c_ptr(doc),
                closure: ptr::null_mut(),
            },
        },
    }
}

const fn getter_pair<G: GetterFn>() -> (sys::HPyCFunction, sys::cpy_getter) {
    let impl_: GetterImpl = Trampolines::<G>::getter_impl;
    let trampoline: GetterTrampoline = Trampolines::<G>::getter_trampoline;
    (erase!(impl_, GetterImpl), Some(trampoline))
}

const fn setter_pair<S: SetterFn>() -> (sys::HPyCFunction, sys::cpy_setter) {
    let impl_: SetterImpl = Trampolines::<S>::setter_impl;
    let trampoline: SetterTrampoline = Trampolines::<S>::setter_trampoline;
    (erase!(impl_, SetterImpl), Some(trampoline))
}

/// A read-only property.
pub const fn getset<G: GetterFn>(name: &'static CStr, doc: Option<&'static CStr>) -> sys::HPyDef {
    getset_def(name, doc, getter_pair::<G>(), setter_pair::<Missing<G>>())
}

/// A read-write property.
pub const fn getset_rw<G: GetterFn, S: SetterFn>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    getset_def(name, doc, getter_pair::<G>(), setter_pair::<S>())
}

/// A write-only property.
pub const fn getset_wo<S: SetterFn>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    getset_def(name, doc, getter_pair::<Missing<S>>(), setter_pair::<S>())
}

/// A property's getter as a NOARGS method, `__hpy_get_<name>`: on PyPy the property's `fget`
/// (see `class::pypy_properties`), which keeps the getter's errors at a method call's cost.
pub struct GetterMethod<G>(core::marker::PhantomData<G>);

impl<G: GetterFn> super::trampoline::NoArgsFn for GetterMethod<G> {
    const NAME: &'static str = G::NAME;
    #[inline(always)]
    fn call<'py>(ctx: Context<'py>, slf: Borrowed<'py>) -> PyResult<Handle<'py>> {
        // A method of the class: HPy has checked that `slf` is an instance, as for a getter.
        G::get(ctx, slf)
    }
}

/// A property's setter as an O method, `__hpy_set_<name>` (see [`GetterMethod`]).
pub struct SetterMethod<S>(core::marker::PhantomData<S>);

impl<S: SetterFn> super::trampoline::OneArgFn for SetterMethod<S> {
    const NAME: &'static str = S::NAME;
    #[inline(always)]
    fn call<'py>(
        ctx: Context<'py>,
        slf: Borrowed<'py>,
        value: Borrowed<'py>,
    ) -> PyResult<Handle<'py>> {
        S::set(ctx, slf, value)?;
        Ok(ctx.none().dup())
    }
}

/// The hidden `__hpy_get_<name>` method of a property (see `GetterMethod`).
pub const fn getter_method<G: GetterFn>(name: &'static CStr) -> sys::HPyDef {
    super::trampoline::meth_noargs::<GetterMethod<G>>(name, None)
}

/// The hidden `__hpy_set_<name>` method of a property (see `GetterMethod`).
pub const fn setter_method<S: SetterFn>(name: &'static CStr) -> sys::HPyDef {
    super::trampoline::meth_o::<SetterMethod<S>>(name, None)
}
