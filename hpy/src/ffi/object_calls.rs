//! Safe wrappers of the HPy calls behind the number, integer, attribute, item and method-call
//! APIs of [`AnyHandle`](crate::AnyHandle) that [`raw`](super::raw)'s generic `unary`/`binary`/
//! `predicate` helpers cannot express (scalars, C strings, three handles, arrays).
//!
//! As in `raw`: handles come in as [`Borrowed`] (so they are open), owned results go out as
//! `Option<Handle>` (`None` = an exception is set), and HPy's error values are left to the caller.

use core::ffi::{c_int, c_void, CStr};

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

// ---- numbers ----

/// `HPy_InPlacePower(a, b, modulo)`: `a **= b` (`modulo` is `None` for the two-argument form).
pub(crate) fn inplace_power<'py>(
    ctx: Context<'py>,
    a: Borrowed<'_>,
    b: Borrowed<'_>,
    modulo: Borrowed<'_>,
) -> Option<Handle<'py>> {
    // SAFETY: live context, three open handles; HPy does not steal them.
    ctx.own(unsafe { sys::HPy_InPlacePower(ctx.as_ptr(), a.raw(), b.raw(), modulo.raw()) })
}

// ---- integers ----

/// `HPyLong_FromInt32_t`.
#[inline(always)]
pub(crate) fn long_from_i32(ctx: Context<'_>, value: i32) -> Option<Handle<'_>> {
    // SAFETY: live context, scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromInt32_t(ctx.as_ptr(), value) })
}

/// `HPyLong_FromUInt32_t`.
#[inline(always)]
pub(crate) fn long_from_u32(ctx: Context<'_>, value: u32) -> Option<Handle<'_>> {
    // SAFETY: live context, scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromUInt32_t(ctx.as_ptr(), value) })
}

/// `HPyLong_FromSsize_t`.
#[inline(always)]
pub(crate) fn long_from_isize(ctx: Context<'_>, value: isize) -> Option<Handle<'_>> {
    // SAFETY: live context, scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromSsize_t(ctx.as_ptr(), value) })
}

/// `HPyLong_FromSize_t`.
#[inline(always)]
pub(crate) fn long_from_usize(ctx: Context<'_>, value: usize) -> Option<Handle<'_>> {
    // SAFETY: live context, scalar argument.
    ctx.own(unsafe { sys::HPyLong_FromSize_t(ctx.as_ptr(), value) })
}

/// `HPyLong_AsInt32_t`: -1 with an exception set on failure.
#[inline(always)]
pub(crate) fn long_as_i32(ctx: Context<'_>, obj: Borrowed<'_>) -> i32 {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyLong_AsInt32_t(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsUInt32_t`: `u32::MAX` with an exception set on failure.
#[inline(always)]
pub(crate) fn long_as_u32(ctx: Context<'_>, obj: Borrowed<'_>) -> u32 {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyLong_AsUInt32_t(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsUInt32_tMask`: the low 32 bits, two's complement; `u32::MAX` with an exception
/// set on failure.
pub(crate) fn long_as_u32_mask(ctx: Context<'_>, obj: Borrowed<'_>) -> u32 {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyLong_AsUInt32_tMask(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsVoidPtr`: NULL with an exception set on failure. The pointer is only an
/// address: nothing here reads through it.
pub(crate) fn long_as_void_ptr(ctx: Context<'_>, obj: Borrowed<'_>) -> *mut c_void {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyLong_AsVoidPtr(ctx.as_ptr(), obj.raw()) }
}

/// `HPyLong_AsDouble`: -1.0 with an exception set on failure.
pub(crate) fn long_as_f64(ctx: Context<'_>, obj: Borrowed<'_>) -> f64 {
    // SAFETY: live context, open handle.
    unsafe { sys::HPyLong_AsDouble(ctx.as_ptr(), obj.raw()) }
}

// ---- attributes with a name object ----

/// `HPy_HasAttr`: never raises (0 on error, the exception cleared).
pub(crate) fn hasattr(ctx: Context<'_>, obj: Borrowed<'_>, name: Borrowed<'_>) -> bool {
    // SAFETY: live context, open handles.
    unsafe { sys::HPy_HasAttr(ctx.as_ptr(), obj.raw(), name.raw()) != 0 }
}

/// `HPy_SetAttr`; a `None` value deletes the attribute. Returns -1 on error.
pub(crate) fn setattr(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    name: Borrowed<'_>,
    value: Option<Borrowed<'_>>,
) -> c_int {
    let value = value.map_or(sys::HPy_NULL, Borrowed::raw);
    // SAFETY: live context, open handles (or HPy_NULL as the value, which HPy defines as
    // deletion, as CPython's `PyObject_SetAttr` does).
    unsafe { sys::HPy_SetAttr(ctx.as_ptr(), obj.raw(), name.raw(), value) }
}

// ---- items with an index or a UTF-8 key ----

/// `HPy_GetItem_s`.
pub(crate) fn getitem_s<'py>(
    ctx: Context<'py>,
    obj: Borrowed<'_>,
    key: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: live context, open handle, NUL-terminated UTF-8 key.
    ctx.own(unsafe { sys::HPy_GetItem_s(ctx.as_ptr(), obj.raw(), key.as_ptr()) })
}

/// `HPy_SetItem_i` / `HPy_DelItem_i` (value `None`). Returns -1 on error.
pub(crate) fn setitem_i(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    index: isize,
    value: Option<Borrowed<'_>>,
) -> c_int {
    // SAFETY: live context, open handles.
    unsafe {
        match value {
            Some(value) => sys::HPy_SetItem_i(ctx.as_ptr(), obj.raw(), index, value.raw()),
            None => sys::HPy_DelItem_i(ctx.as_ptr(), obj.raw(), index),
        }
    }
}

/// `HPy_SetItem_s` / `HPy_DelItem_s` (value `None`). Returns -1 on error.
pub(crate) fn setitem_s(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    key: &CStr,
    value: Option<Borrowed<'_>>,
) -> c_int {
    // SAFETY: live context, open handles, NUL-terminated UTF-8 key.
    unsafe {
        match value {
            Some(value) => sys::HPy_SetItem_s(ctx.as_ptr(), obj.raw(), key.as_ptr(), value.raw()),
            None => sys::HPy_DelItem_s(ctx.as_ptr(), obj.raw(), key.as_ptr()),
        }
    }
}

// ---- debugging ----

/// `_HPy_Dump`: writes a description of the object to the process's stderr.
pub(crate) fn dump(ctx: Context<'_>, obj: Borrowed<'_>) {
    // SAFETY: live context, open handle.
    unsafe { sys::_HPy_Dump(ctx.as_ptr(), obj.raw()) }
}

// ---- method calls ----

/// `HPy_CallMethod(name, [receiver, *args], 1 + len(args), NULL)`: `receiver.name(*args)`,
/// vectorcall-style (no bound method object on CPython).
pub(crate) fn call_method<'py, 'a>(
    ctx: Context<'py>,
    name: Borrowed<'_>,
    receiver: Borrowed<'_>,
    args: impl ExactSizeIterator<Item = Borrowed<'a>>,
) -> Option<Handle<'py>> {
    let mut inline = [sys::HPy_NULL; 8];
    let mut heap;
    let nargs = 1 + args.len();
    let raw: &mut [sys::HPy] = if nargs <= inline.len() {
        &mut inline[..nargs]
    } else {
        heap = vec![sys::HPy_NULL; nargs];
        &mut heap[..]
    };
    raw[0] = receiver.raw();
    for (slot, arg) in raw[1..].iter_mut().zip(args) {
        *slot = arg.raw();
    }
    // SAFETY: live context; `raw` holds `nargs` open handles (the receiver first, as HPy wants),
    // borrowed for the call; `name` is open; kwnames NULL means no keywords. HPy steals nothing.
    ctx.own(unsafe {
        sys::HPy_CallMethod(ctx.as_ptr(), name.raw(), raw.as_ptr(), nargs, sys::HPy_NULL)
    })
}

// ---- instance allocation ----

/// `HPyType_GenericNew(ty, NULL, 0, NULL)`: a new instance from the type's allocator, no
/// constructor run (what `object.__new__` does after its checks).
///
/// Callers must only pass a type whose `__new__` is `object.__new__` (see
/// `AnyHandle::generic_new`): the runtime casts the handle to a type without checking it.
pub(crate) fn type_generic_new<'py>(ctx: Context<'py>, ty: Borrowed<'_>) -> Option<Handle<'py>> {
    // SAFETY: live context; `ty` is an open handle to a type (the caller's contract); no
    // arguments (NULL with `nargs` 0) and no keywords (NULL).
    ctx.own(unsafe {
        sys::HPyType_GenericNew(ctx.as_ptr(), ty.raw(), core::ptr::null(), 0, sys::HPy_NULL)
    })
}
