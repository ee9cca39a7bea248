//! Safe wrappers of the HPy calls the rest of the crate uses.
//!
//! Each takes handles only as [`Borrowed`]/[`Handle`] (so they are open) and the [`Context`]
//! they belong to, and returns owned results as `Option<Handle>` (`None` = the call failed and
//! an exception is set) or plain values with HPy's error convention left to the caller.

use core::ffi::{c_int, CStr};

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

/// Raw constructors and unary operations: `fn(ctx, h) -> new handle`.
pub(crate) type UnaryOp = unsafe fn(*mut sys::HPyContext, sys::HPy) -> sys::HPy;
/// Binary operations: `fn(ctx, a, b) -> new handle`.
pub(crate) type BinaryOp = unsafe fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> sys::HPy;
/// Predicates: `fn(ctx, h) -> 0/1 (or -1 with an exception)`.
pub(crate) type Predicate = unsafe fn(*mut sys::HPyContext, sys::HPy) -> c_int;

/// Applies an hpy-sys unary operation (`HPy_Repr`, `HPy_Negative`, `HPy_Type`, ...).
#[inline(always)]
pub(crate) fn unary<'py>(ctx: Context<'py>, op: UnaryOp, a: Borrowed<'_>) -> Option<Handle<'py>> {
    // SAFETY: `op` is an hpy-sys API function taking one open handle; `a` is open.
    ctx.own(unsafe { op(ctx.as_ptr(), a.raw()) })
}

/// Applies an hpy-sys binary operation (`HPy_Add`, `HPy_GetAttr`, `HPy_GetItem`, ...).
#[inline(always)]
pub(crate) fn binary<'py>(
    ctx: Context<'py>,
    op: BinaryOp,
    a: Borrowed<'_>,
    b: Borrowed<'_>,
) -> Option<Handle<'py>> {
    // SAFETY: `op` is an hpy-sys API function taking two open handles; both are open.
    ctx.own(unsafe { op(ctx.as_ptr(), a.raw(), b.raw()) })
}

/// Evaluates an hpy-sys predicate (`HPy_IsTrue`, `HPyUnicode_Check`, ...).
#[inline(always)]
pub(crate) fn predicate(ctx: Context<'_>, op: Predicate, a: Borrowed<'_>) -> c_int {
    // SAFETY: `op` is an hpy-sys API function taking one open handle; `a` is open.
    unsafe { op(ctx.as_ptr(), a.raw()) }
}

/// A new handle (of the longer-lived context `ctx`) to the object `obj` refers to.
#[inline(always)]
pub(crate) fn dup<'py>(ctx: Context<'py>, obj: Borrowed<'_>) -> Handle<'py> {
    // SAFETY: `obj` is open; `HPy_Dup` returns a new handle owned by the caller, which is valid
    // for the whole call (`'py`), independently of `obj`.
    let raw = unsafe { sys::HPy_Dup(ctx.as_ptr(), obj.raw()) };
    ctx.own(raw).expect("HPy_Dup of an open handle never fails")
}

pub(crate) fn power<'py>(
    ctx: Context<'py>,
    a: Borrowed<'_>,
    b: Borrowed<'_>,
    modulo: Borrowed<'_>,
) -> Option<Handle<'py>> {
    // SAFETY: three open handles.
    ctx.own(unsafe { sys::HPy_Power(ctx.as_ptr(), a.raw(), b.raw(), modulo.raw()) })
}

pub(crate) fn getattr_s<'py>(
    ctx: Context<'py>,
    obj: Borrowed<'_>,
    name: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: open handle, NUL-terminated name.
    ctx.own(unsafe { sys::HPy_GetAttr_s(ctx.as_ptr(), obj.raw(), name.as_ptr()) })
}

pub(crate) fn hasattr_s(ctx: Context<'_>, obj: Borrowed<'_>, name: &CStr) -> bool {
    // SAFETY: open handle, NUL-terminated name; never raises.
    unsafe { sys::HPy_HasAttr_s(ctx.as_ptr(), obj.raw(), name.as_ptr()) != 0 }
}

/// `HPy_SetAttr_s`; a `None` value deletes the attribute. Returns -1 on error.
pub(crate) fn setattr_s(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    name: &CStr,
    value: Option<Borrowed<'_>>,
) -> c_int {
    let value = value.map_or(sys::HPy_NULL, Borrowed::raw);
    // SAFETY: open handles (or HPy_NULL, which HPy defines as deletion), NUL-terminated name.
    unsafe { sys::HPy_SetAttr_s(ctx.as_ptr(), obj.raw(), name.as_ptr(), value) }
}

pub(crate) fn getitem_i<'py>(
    ctx: Context<'py>,
    obj: Borrowed<'_>,
    index: isize,
) -> Option<Handle<'py>> {
    // SAFETY: open handle.
    ctx.own(unsafe { sys::HPy_GetItem_i(ctx.as_ptr(), obj.raw(), index) })
}

/// `HPy_SetItem` / `HPy_DelItem` (value `None`). Returns -1 on error.
pub(crate) fn setitem(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    key: Borrowed<'_>,
    value: Option<Borrowed<'_>>,
) -> c_int {
    // SAFETY: open handles.
    unsafe {
        match value {
            Some(value) => sys::HPy_SetItem(ctx.as_ptr(), obj.raw(), key.raw(), value.raw()),
            None => sys::HPy_DelItem(ctx.as_ptr(), obj.raw(), key.raw()),
        }
    }
}

pub(crate) fn length(ctx: Context<'_>, obj: Borrowed<'_>) -> isize {
    // SAFETY: open handle.
    unsafe { sys::HPy_Length(ctx.as_ptr(), obj.raw()) }
}

pub(crate) fn contains(ctx: Context<'_>, container: Borrowed<'_>, key: Borrowed<'_>) -> c_int {
    // SAFETY: open handles.
    unsafe { sys::HPy_Contains(ctx.as_ptr(), container.raw(), key.raw()) }
}

pub(crate) fn rich_compare<'py>(
    ctx: Context<'py>,
    a: Borrowed<'_>,
    b: Borrowed<'_>,
    op: c_int,
) -> Option<Handle<'py>> {
    // SAFETY: open handles; `op` is one of HPy_LT..HPy_GE (checked by the caller's enum).
    ctx.own(unsafe { sys::HPy_RichCompare(ctx.as_ptr(), a.raw(), b.raw(), op) })
}

pub(crate) fn rich_compare_bool(
    ctx: Context<'_>,
    a: Borrowed<'_>,
    b: Borrowed<'_>,
    op: c_int,
) -> c_int {
    // SAFETY: open handles; `op` is one of HPy_LT..HPy_GE.
    unsafe { sys::HPy_RichCompareBool(ctx.as_ptr(), a.raw(), b.raw(), op) }
}

pub(crate) fn hash(ctx: Context<'_>, obj: Borrowed<'_>) -> isize {
    // SAFETY: open handle.
    unsafe { sys::HPy_Hash(ctx.as_ptr(), obj.raw()) }
}

pub(crate) fn type_check(ctx: Context<'_>, obj: Borrowed<'_>, ty: Borrowed<'_>) -> bool {
    // SAFETY: open handles; callers pass a type object as `ty` (checked in debug mode).
    unsafe { sys::HPy_TypeCheck(ctx.as_ptr(), obj.raw(), ty.raw()) != 0 }
}

/// `issubclass(sub, ty)` for two type objects; `false` when `sub` is not a type (checked
/// first: HPy requires types of both).
pub(crate) fn is_subtype(ctx: Context<'_>, sub: Borrowed<'_>, ty: Borrowed<'_>) -> bool {
    let type_type = ctx.constant(sys::h_TypeType);
    // SAFETY: open handles; `h_TypeType` is a type. `ty` is one by the callers' contract.
    unsafe {
        sys::HPy_TypeCheck(ctx.as_ptr(), sub.raw(), type_type.raw()) != 0
            && sys::HPyType_IsSubtype(ctx.as_ptr(), sub.raw(), ty.raw()) != 0
    }
}

/// `isinstance(obj, (list, tuple))` as C HPy tests it: `HPyList_Check || HPyTuple_Check` (in
/// the CPython ABI, one test of the type's flags instead of two type comparisons).
#[inline(always)]
pub(crate) fn is_list_or_tuple(ctx: Context<'_>, obj: Borrowed<'_>) -> bool {
    // SAFETY: an open handle.
    unsafe {
        sys::HPyList_Check(ctx.as_ptr(), obj.raw()) != 0
            || sys::HPyTuple_Check(ctx.as_ptr(), obj.raw()) != 0
    }
}

pub(crate) fn is(ctx: Context<'_>, a: Borrowed<'_>, b: Borrowed<'_>) -> bool {
    // SAFETY: open handles.
    unsafe { sys::HPy_Is(ctx.as_ptr(), a.raw(), b.raw()) != 0 }
}

/// The name of a type object, valid while `ty` is.
pub(crate) fn type_name<'a>(ctx: Context<'_>, ty: Borrowed<'a>) -> Option<&'a CStr> {
    // SAFETY: `ty` is an open handle to a type (callers get it from `HPy_Type`).
    let name = unsafe { sys::HPyType_GetName(ctx.as_ptr(), ty.raw()) };
    // SAFETY: HPy documents the name as a NUL-terminated string valid while `ty` is open.
    (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) })
}

/// Runs `f` on the raw handles of `items`, gathered on the stack when there are at most 8
/// (the common case for calls and small tuples), so no allocation is made for them.
fn with_raw_handles<'a, R>(
    items: impl ExactSizeIterator<Item = Borrowed<'a>>,
    f: impl FnOnce(&mut [sys::HPy]) -> R,
) -> R {
    let mut inline = [sys::HPy_NULL; 8];
    if items.len() <= inline.len() {
        let len = items.len();
        for (slot, item) in inline.iter_mut().zip(items) {
            *slot = item.raw();
        }
        f(&mut inline[..len])
    } else {
        f(&mut items.map(Borrowed::raw).collect::<Vec<_>>())
    }
}

/// Calls `callable` vectorcall-style: `args` = positionals then keyword values, `nargs` of
/// them positional, `kwnames` the tuple of keyword names.
pub(crate) fn call<'py, 'a>(
    ctx: Context<'py>,
    callable: Borrowed<'_>,
    args: impl ExactSizeIterator<Item = Borrowed<'a>>,
    nargs: usize,
    kwnames: Option<Borrowed<'_>>,
) -> Option<Handle<'py>> {
    debug_assert!(nargs <= args.len());
    let kwnames = kwnames.map_or(sys::HPy_NULL, Borrowed::raw);
    with_raw_handles(args, |raw| {
        // SAFETY: `raw` holds open handles (borrowed for this call); `kwnames` is a tuple of
        // str or NULL; HPy does not steal any of them.
        ctx.own(unsafe {
            sys::HPy_Call(ctx.as_ptr(), callable.raw(), raw.as_ptr(), nargs, kwnames)
        })
    })
}

/// `HPy_CallTupleDict`: `args` must be a tuple, `kwargs` a dict or absent (HPy raises
/// `TypeError` otherwise).
pub(crate) fn call_tuple_dict<'py>(
    ctx: Context<'py>,
    callable: Borrowed<'_>,
    args: Borrowed<'_>,
    kwargs: Option<Borrowed<'_>>,
) -> Option<Handle<'py>> {
    // SAFETY: live context and open handles; HPy checks the types of `args` and `kwargs`.
    ctx.own(unsafe {
        sys::HPy_CallTupleDict(
            ctx.as_ptr(),
            callable.raw(),
            args.raw(),
            kwargs.map_or(sys::HPy_NULL, Borrowed::raw),
        )
    })
}

pub(crate) fn import_module<'py>(ctx: Context<'py>, name: &CStr) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated name.
    ctx.own(unsafe { sys::HPyImport_ImportModule(ctx.as_ptr(), name.as_ptr()) })
}

// ---- numbers ----

pub(crate) fn long_from_i64(ctx: Context<'_>, value: i64) -> Option<Handle<'_>> {
    // SAFETY: scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromInt64_t(ctx.as_ptr(), value) })
}

pub(crate) fn long_from_u64(ctx: Context<'_>, value: u64) -> Option<Handle<'_>> {
    // SAFETY: scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromUInt64_t(ctx.as_ptr(), value) })
}

/// `HPyLong_AsInt64_t`: -1 with an exception set on failure.
pub(crate) fn long_as_i64(ctx: Context<'_>, obj: Borrowed<'_>) -> i64 {
    // SAFETY: open handle.
    unsafe { sys::HPyLong_AsInt64_t(ctx.as_ptr(), obj.raw()) }
}

/// `HPy_Index`: `obj.__index__()`, an `int`; `None` with an exception set on failure.
pub(crate) fn number_index<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> Option<Handle<'py>> {
    // SAFETY: open handle.
    ctx.own(unsafe { sys::HPy_Index(ctx.as_ptr(), obj.raw()) })
}

/// Universal ABI: whether the runtime's `HPyLong_As*` fall back to `__int__` (recorded by
/// [`record_long_conversion`]).
#[cfg(not(feature = "cpython-abi"))]
static LONG_CONVERSION_CALLS_DUNDER_INT: core::sync::atomic::AtomicBool =
    core::sync::atomic::AtomicBool::new(false);

/// `true` when the Python's integer conversions accept any object with `__int__`, a `float`
/// included (truncated, with a `DeprecationWarning`): CPython before 3.10. Integer arguments
/// then take `__index__` first, as on later versions.
#[inline(always)]
pub(crate) fn long_conversion_calls_dunder_int() -> bool {
    #[cfg(feature = "cpython-abi")]
    return sys::cpython::LONG_CONVERSION_CALLS_DUNDER_INT;
    #[cfg(not(feature = "cpython-abi"))]
    return LONG_CONVERSION_CALLS_DUNDER_INT.load(core::sync::atomic::Ordering::Relaxed);
}

/// Universal ABI: reads `sys.hexversion` once the loader has handed over the context, for
/// [`long_conversion_calls_dunder_int`]. Failures leave the flag unset (an exception is not
/// left pending). PyPy 7.3.19's HPy sets it too, whatever its version: its signed
/// `HPyLong_As*` take `__int__` before `__index__`, and its 32-bit ones truncate values that
/// fit in 64 bits instead of raising `OverflowError` (`convert.rs` then converts an exact
/// `int` through the 64-bit functions).
#[cfg(not(feature = "cpython-abi"))]
pub(crate) fn record_long_conversion(ctx: Context<'_>) {
    let pypy = super::handle::runtime_is_pypy();
    let hexversion = import_module(ctx, c"sys")
        .and_then(|sys_module| getattr_s(ctx, sys_module.as_borrowed(), c"hexversion"))
        .map(|hexversion| long_as_i64(ctx, hexversion.as_borrowed()));
    let calls_dunder_int = match hexversion {
        Some(version) if version > 0 => version < 0x030A_0000 || pypy,
        _ => {
            err_clear(ctx);
            pypy
        }
    };
    LONG_CONVERSION_CALLS_DUNDER_INT.store(calls_dunder_int, core::sync::atomic::Ordering::Relaxed);
}

/// `HPyLong_AsSsize_t`: -1 with an exception set on failure. Unlike the 64-bit conversions
/// it does not call `__index__` on non-`int` objects.
pub(crate) fn long_as_isize(ctx: Context<'_>, obj: Borrowed<'_>) -> isize {
    // SAFETY: open handle.
    unsafe { sys::HPyLong_AsSsize_t(ctx.as_ptr(), obj.raw()) }
}

/// Runs `body` with `obj` kept in the frame, for a handle that only a cold path needs again
/// after a call: one store, and one load by [`Parked::get`] on that path only, where a handle
/// kept in a callee-saved register costs a push, a pop and a move on every call (measured:
/// bench/, `foo[0]`). The accesses are volatile, so that the optimizer keeps the handle in
/// memory rather than in such a register.
#[inline(always)]
pub(crate) fn with_parked<'a, R>(obj: Borrowed<'a>, body: impl FnOnce(&Parked<'a>) -> R) -> R {
    let mut parked = Parked {
        ctx: obj.context(),
        raw: core::mem::MaybeUninit::uninit(),
    };
    // SAFETY: a write to our own local, in place. The word itself rather than the `HPy`
    // struct: a volatile write of a struct is a volatile copy through a temporary.
    unsafe { core::ptr::write_volatile(parked.raw.as_mut_ptr(), obj.raw()._i) };
    body(&parked)
}

/// A borrowed handle kept in the frame (see [`with_parked`], which alone makes them, so it
/// always holds the handle).
pub(crate) struct Parked<'a> {
    ctx: Context<'a>,
    raw: core::mem::MaybeUninit<isize>,
}

impl<'a> Parked<'a> {
    /// The handle.
    #[inline(always)]
    pub(crate) fn get(&self) -> Borrowed<'a> {
        // SAFETY: `with_parked` wrote the word before it lent the `Parked` out; the handle is
        // open for 'a.
        unsafe {
            let raw = core::ptr::read_volatile(self.raw.as_ptr());
            Borrowed::from_raw(self.ctx, sys::HPy { _i: raw })
        }
    }
}

/// `HPyLong_AsSize_t`: `usize::MAX` with an exception set on failure; no `__index__` either.
pub(crate) fn long_as_usize(ctx: Context<'_>, obj: Borrowed<'_>) -> usize {
    // SAFETY: open handle.
    unsafe { sys::HPyLong_AsSize_t(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsUInt64_t`: `u64::MAX` with an exception set on failure.
pub(crate) fn long_as_u64(ctx: Context<'_>, obj: Borrowed<'_>) -> u64 {
    // SAFETY: open handle.
    unsafe { sys::HPyLong_AsUInt64_t(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsUInt64_tMask`: the low 64 bits, two's complement.
pub(crate) fn long_as_u64_mask(ctx: Context<'_>, obj: Borrowed<'_>) -> u64 {
    // SAFETY: open handle.
    unsafe { sys::HPyLong_AsUInt64_tMask(ctx.as_ptr(), obj.raw()) }
}

pub(crate) fn float_from_f64(ctx: Context<'_>, value: f64) -> Option<Handle<'_>> {
    // SAFETY: scalar argument.
    ctx.own(unsafe { sys::HPyFloat_FromDouble(ctx.as_ptr(), value) })
}

/// `HPyFloat_AsDouble`: -1.0 with an exception set on failure.
pub(crate) fn float_as_f64(ctx: Context<'_>, obj: Borrowed<'_>) -> f64 {
    // SAFETY: open handle.
    unsafe { sys::HPyFloat_AsDouble(ctx.as_ptr(), obj.raw()) }
}

pub(crate) fn bool_from_bool(ctx: Context<'_>, value: bool) -> Option<Handle<'_>> {
    // SAFETY: scalar argument.
    ctx.own(unsafe { sys::HPyBool_FromBool(ctx.as_ptr(), value) })
}

// ---- str and bytes ----

/// The UTF-8 bytes of a `str`, valid while `obj` is; `None` with an exception set (e.g.
/// `UnicodeEncodeError` for lone surrogates).
pub(crate) fn unicode_as_utf8<'a>(ctx: Context<'_>, obj: Borrowed<'a>) -> Option<&'a [u8]> {
    let mut size: sys::HPy_ssize_t = 0;
    // SAFETY: open handle to a `str` (callers check), valid out-pointer.
    let data = unsafe { sys::HPyUnicode_AsUTF8AndSize(ctx.as_ptr(), obj.raw(), &mut size) };
    if data.is_null() {
        return None;
    }
    // SAFETY: HPy returns `size` readable bytes that stay valid (and unchanged) while the handle
    // is open, which `'a` guarantees.
    Some(unsafe { core::slice::from_raw_parts(data.cast::<u8>(), size as usize) })
}

/// A `str` from ASCII bytes (the caller checked they are ASCII).
pub(crate) fn unicode_from_ascii<'py>(ctx: Context<'py>, text: &[u8]) -> Option<Handle<'py>> {
    // SAFETY: `text` is `len` readable bytes; the error handler name is NUL-terminated.
    ctx.own(unsafe {
        sys::HPyUnicode_DecodeASCII(
            ctx.as_ptr(),
            text.as_ptr().cast(),
            text.len() as isize,
            c"strict".as_ptr(),
        )
    })
}

/// A `str` decoded from UTF-8 bytes held in a `bytes` object.
pub(crate) fn unicode_from_utf8_bytes<'py>(
    ctx: Context<'py>,
    bytes: Borrowed<'_>,
) -> Option<Handle<'py>> {
    // SAFETY: open handle; NUL-terminated encoding and error handler names.
    ctx.own(unsafe {
        sys::HPyUnicode_FromEncodedObject(
            ctx.as_ptr(),
            bytes.raw(),
            c"utf-8".as_ptr(),
            c"strict".as_ptr(),
        )
    })
}

pub(crate) fn bytes_from_slice<'py>(ctx: Context<'py>, data: &[u8]) -> Option<Handle<'py>> {
    // HPy rejects a NULL buffer even for length 0, and an empty slice may dangle: pass a real one.
    let ptr = if data.is_empty() {
        c"".as_ptr()
    } else {
        data.as_ptr().cast()
    };
    // SAFETY: `ptr` points to `data.len()` readable bytes (or an empty C string).
    ctx.own(unsafe { sys::HPyBytes_FromStringAndSize(ctx.as_ptr(), ptr, data.len() as isize) })
}

// ---- tuples, lists, dicts ----

/// A tuple of the given items (not stolen).
pub(crate) fn tuple_from<'py, 'a>(
    ctx: Context<'py>,
    items: impl ExactSizeIterator<Item = Borrowed<'a>>,
) -> Option<Handle<'py>> {
    with_raw_handles(items, |raw| {
        // SAFETY: `raw` holds open handles; HPy does not steal them.
        ctx.own(unsafe {
            sys::HPyTuple_FromArray(ctx.as_ptr(), raw.as_mut_ptr(), raw.len() as isize)
        })
    })
}

/// A tuple of exactly `N` owned items, which it closes afterwards (HPy does not steal them).
///
/// The raw handles go to HPy straight from a fixed-size array, without the copy through
/// `with_raw_handles`: building `(a, b)` costs what the C `HPyTuple_FromArray` call costs. The
/// items are closed from that same array, as C does: read back from memory after the call,
/// they take no callee-saved register across it.
#[inline(always)]
pub(crate) fn tuple_from_array<'py, const N: usize>(
    ctx: Context<'py>,
    items: [Handle<'py>; N],
) -> Option<Handle<'py>> {
    // Nothing from here to the last close can unwind (HPy calls are C), so the handles need
    // no guard while they are raw.
    let mut raw = items.map(Handle::into_raw);
    // SAFETY: `raw` holds `N` open handles; HPy does not steal them.
    let tuple = unsafe { sys::HPyTuple_FromArray(ctx.as_ptr(), raw.as_mut_ptr(), N as isize) };
    // By reference: each handle is read from the array just before it is closed.
    for &item in raw.iter() {
        // SAFETY: each handle is open and was owned by `items`; it is closed only here.
        unsafe { sys::HPy_Close(ctx.as_ptr(), item) }
    }
    ctx.own(tuple)
}

/// A list of `len` items, item `i` being `item(i)`, built with `HPyListBuilder`: a conversion
/// streams its items into the list with no intermediate collection, and every slot is set
/// exactly once by construction. On an error of `item` (or a panic) the builder is cancelled;
/// `Ok(None)` means the build itself failed, with an exception set.
#[inline(always)]
pub(crate) fn list_from_fn<'py, E>(
    ctx: Context<'py>,
    len: usize,
    mut item: impl FnMut(usize) -> Result<Handle<'py>, E>,
) -> Result<Option<Handle<'py>>, E> {
    /// Cancels the builder unless forgotten: on an early return or an unwind.
    struct Unfinished<'py> {
        ctx: Context<'py>,
        builder: sys::HPyListBuilder,
    }
    impl Drop for Unfinished<'_> {
        fn drop(&mut self) {
            // SAFETY: not built (the success path forgets `self`); this releases the partial list.
            unsafe { sys::HPyListBuilder_Cancel(self.ctx.as_ptr(), self.builder) }
        }
    }
    // SAFETY: a length; the builder is built below or cancelled by the guard.
    let builder = unsafe { sys::HPyListBuilder_New(ctx.as_ptr(), len as isize) };
    let unfinished = Unfinished { ctx, builder };
    for index in 0..len {
        let value = item(index)?;
        // SAFETY: `index < len`, each index set once; the builder takes its own reference and
        // `value` is closed when dropped here.
        unsafe {
            sys::HPyListBuilder_Set(
                ctx.as_ptr(),
                builder,
                index as isize,
                value.as_borrowed().raw(),
            )
        };
    }
    core::mem::forget(unfinished);
    // SAFETY: every index in 0..len was set; the builder is consumed here.
    Ok(ctx.own(unsafe { sys::HPyListBuilder_Build(ctx.as_ptr(), builder) }))
}

/// A list of the given items (not stolen).
pub(crate) fn list_from<'py, 'a>(
    ctx: Context<'py>,
    items: impl ExactSizeIterator<Item = Borrowed<'a>>,
) -> Option<Handle<'py>> {
    // SAFETY: the builder gets every index set exactly once (the iterator's exact length),
    // then is built exactly once.
    unsafe {
        let builder = sys::HPyListBuilder_New(ctx.as_ptr(), items.len() as isize);
        for (index, item) in items.enumerate() {
            sys::HPyListBuilder_Set(ctx.as_ptr(), builder, index as isize, item.raw());
        }
        ctx.own(sys::HPyListBuilder_Build(ctx.as_ptr(), builder))
    }
}

pub(crate) fn dict_new(ctx: Context<'_>) -> Option<Handle<'_>> {
    // SAFETY: no arguments.
    ctx.own(unsafe { sys::HPyDict_New(ctx.as_ptr()) })
}

// ---- errors ----

pub(crate) fn err_set_string(ctx: Context<'_>, ty: Borrowed<'_>, message: &CStr) {
    // SAFETY: `ty` is an open handle to an exception type; NUL-terminated message.
    unsafe { sys::HPyErr_SetString(ctx.as_ptr(), ty.raw(), message.as_ptr()) }
}

pub(crate) fn err_set_object(ctx: Context<'_>, ty: Borrowed<'_>, value: Borrowed<'_>) {
    // SAFETY: open handles.
    unsafe { sys::HPyErr_SetObject(ctx.as_ptr(), ty.raw(), value.raw()) }
}

pub(crate) fn err_occurred(ctx: Context<'_>) -> bool {
    // SAFETY: no handle arguments.
    unsafe { sys::HPyErr_Occurred(ctx.as_ptr()) != 0 }
}

pub(crate) fn err_clear(ctx: Context<'_>) {
    // SAFETY: no handle arguments.
    unsafe { sys::HPyErr_Clear(ctx.as_ptr()) }
}

pub(crate) fn err_matches(ctx: Context<'_>, ty: Borrowed<'_>) -> bool {
    // SAFETY: open handle.
    unsafe { sys::HPyErr_ExceptionMatches(ctx.as_ptr(), ty.raw()) != 0 }
}

/// `HPyErr_WriteUnraisable`: reports the current exception as unraisable, in `obj`'s context.
pub(crate) fn err_write_unraisable(ctx: Context<'_>, obj: Borrowed<'_>) {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyErr_WriteUnraisable(ctx.as_ptr(), obj.raw()) }
}

/// `(0..length).map(item).collect()` into a vector of exactly `length` items, written in place:
/// no capacity check and no length store per item (the items written so far are dropped if
/// `item` fails or panics).
#[inline(always)]
pub(crate) fn collect_exact<T, E>(
    length: usize,
    mut item: impl FnMut(usize) -> Result<T, E>,
) -> Result<Vec<T>, E> {
    struct Partial<T> {
        items: Vec<T>,
        written: usize,
    }
    impl<T> Drop for Partial<T> {
        fn drop(&mut self) {
            // SAFETY: the first `written` slots are initialised (see the loop below).
            unsafe { self.items.set_len(self.written) };
        }
    }
    let mut partial = Partial {
        items: Vec::with_capacity(length),
        written: 0,
    };
    let spare = partial.items.spare_capacity_mut().as_mut_ptr();
    while partial.written < length {
        let value = item(partial.written)?;
        // SAFETY: `written < length <= capacity`, and the slot is uninitialised.
        unsafe {
            spare
                .add(partial.written)
                .write(core::mem::MaybeUninit::new(value))
        };
        partial.written += 1;
    }
    // SAFETY: all `length` slots are initialised.
    unsafe { partial.items.set_len(length) };
    let items = core::mem::take(&mut partial.items);
    core::mem::forget(partial);
    Ok(items)
}
