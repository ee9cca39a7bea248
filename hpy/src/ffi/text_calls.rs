//! Safe wrappers of the `HPyUnicode_*` and `HPyBytes_*` calls behind [`PyStr`](crate::PyStr)
//! and [`PyBytes`](crate::PyBytes) (`types/str.rs`, `types/bytes.rs`).
//!
//! Slices become a pointer and a length: a Rust slice is at most `isize::MAX` bytes long, so the
//! length always fits HPy's `HPy_ssize_t`. An empty slice may dangle, and some implementations
//! reject a NULL buffer even for length 0, so an empty one is passed as a real, empty C string.

use core::ffi::{c_char, CStr};

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

/// A pointer to `data.len()` readable bytes: `data`'s own, or an empty C string for an empty
/// slice.
fn byte_ptr(data: &[u8]) -> *const c_char {
    if data.is_empty() {
        c"".as_ptr()
    } else {
        data.as_ptr().cast()
    }
}

/// `HPyUnicode_FromString`: a `str` decoded from the UTF-8 bytes of `text` ("strict": invalid
/// UTF-8 is a `UnicodeDecodeError`).
pub(crate) fn unicode_from_c_str<'py>(ctx: Context<'py>, text: &CStr) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated string, read during the call only.
    ctx.own(unsafe { sys::HPyUnicode_FromString(ctx.as_ptr(), text.as_ptr()) })
}

/// `HPyUnicode_FromWideChar`: a `str` of the given `wchar_t` code points. The caller checks
/// that each is in `0..=0x10FFFF` (implementations differ in what they do with others).
pub(crate) fn unicode_from_wide<'py>(
    ctx: Context<'py>,
    wide: &[sys::wchar_t],
) -> Option<Handle<'py>> {
    const EMPTY: [sys::wchar_t; 1] = [0];
    let ptr = if wide.is_empty() {
        EMPTY.as_ptr()
    } else {
        wide.as_ptr()
    };
    // SAFETY: `ptr` points to `wide.len()` readable `wchar_t`s (or to a NUL for length 0);
    // an explicit size, so no terminator is looked for.
    ctx.own(unsafe { sys::HPyUnicode_FromWideChar(ctx.as_ptr(), ptr, wide.len() as isize) })
}

/// `HPyUnicode_DecodeFSDefault`: `os.fsdecode` of the bytes of `text` up to its NUL.
pub(crate) fn unicode_decode_fs_default_c_str<'py>(
    ctx: Context<'py>,
    text: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated string, read during the call only.
    ctx.own(unsafe { sys::HPyUnicode_DecodeFSDefault(ctx.as_ptr(), text.as_ptr()) })
}

/// `HPyUnicode_DecodeFSDefaultAndSize`: `os.fsdecode(data)`, NULs included.
pub(crate) fn unicode_decode_fs_default<'py>(
    ctx: Context<'py>,
    data: &[u8],
) -> Option<Handle<'py>> {
    // SAFETY: `byte_ptr` gives `data.len()` readable bytes.
    ctx.own(unsafe {
        sys::HPyUnicode_DecodeFSDefaultAndSize(ctx.as_ptr(), byte_ptr(data), data.len() as isize)
    })
}

/// `HPyUnicode_DecodeASCII(data, errors)`.
pub(crate) fn unicode_decode_ascii<'py>(
    ctx: Context<'py>,
    data: &[u8],
    errors: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: `byte_ptr` gives `data.len()` readable bytes; NUL-terminated handler name.
    ctx.own(unsafe {
        sys::HPyUnicode_DecodeASCII(
            ctx.as_ptr(),
            byte_ptr(data),
            data.len() as isize,
            errors.as_ptr(),
        )
    })
}

/// `HPyUnicode_DecodeLatin1(data, errors)`.
pub(crate) fn unicode_decode_latin1<'py>(
    ctx: Context<'py>,
    data: &[u8],
    errors: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: `byte_ptr` gives `data.len()` readable bytes; NUL-terminated handler name.
    ctx.own(unsafe {
        sys::HPyUnicode_DecodeLatin1(
            ctx.as_ptr(),
            byte_ptr(data),
            data.len() as isize,
            errors.as_ptr(),
        )
    })
}

/// `HPyUnicode_FromEncodedObject(obj, encoding, errors)`: `str(obj, encoding, errors)`.
pub(crate) fn unicode_from_encoded_object<'py>(
    ctx: Context<'py>,
    obj: Borrowed<'_>,
    encoding: &CStr,
    errors: &CStr,
) -> Option<Handle<'py>> {
    // SAFETY: open handle (any object: HPy type-checks it); NUL-terminated names.
    ctx.own(unsafe {
        sys::HPyUnicode_FromEncodedObject(
            ctx.as_ptr(),
            obj.raw(),
            encoding.as_ptr(),
            errors.as_ptr(),
        )
    })
}

/// `HPyUnicode_ReadChar(s, index)`: the code point, or `u32::MAX` (`(HPy_UCS4)-1`, never a code
/// point) with an exception set.
pub(crate) fn unicode_read_char(ctx: Context<'_>, s: Borrowed<'_>, index: isize) -> u32 {
    // SAFETY: open handle; HPy checks its type and the index.
    unsafe { sys::HPyUnicode_ReadChar(ctx.as_ptr(), s.raw(), index) }
}

/// `HPyUnicode_Substring(s, start, end)`, for `0 <= start <= end <= len(s)` (the caller clips
/// them). CPython's `PyUnicode_Substring` reads `s` as a `str` without checking its type and
/// HPy's debug mode aborts on anything else, so the type is checked here first (a `PyStr` view
/// always holds a `str`: a `SystemError` otherwise).
pub(crate) fn unicode_substring<'py>(
    ctx: Context<'py>,
    s: Borrowed<'_>,
    start: isize,
    end: isize,
) -> Option<Handle<'py>> {
    // SAFETY: open handle.
    if unsafe { sys::HPyUnicode_Check(ctx.as_ptr(), s.raw()) } == 0 {
        super::raw::err_set_string(
            ctx,
            ctx.constant(sys::h_SystemError),
            c"a PyStr view of an object that is not str",
        );
        return None;
    }
    // SAFETY: open handle to a `str` (checked above); indices within it.
    ctx.own(unsafe { sys::HPyUnicode_Substring(ctx.as_ptr(), s.raw(), start, end) })
}

/// `HPyBytes_FromString`: a `bytes` of the bytes of `data` up to its NUL.
pub(crate) fn bytes_from_c_str<'py>(ctx: Context<'py>, data: &CStr) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated string, copied during the call.
    ctx.own(unsafe { sys::HPyBytes_FromString(ctx.as_ptr(), data.as_ptr()) })
}

/// Whether `obj` is a `bytes` (`HPyBytes_Check`; it never fails).
fn is_bytes(ctx: Context<'_>, obj: Borrowed<'_>) -> bool {
    // SAFETY: open handle.
    unsafe { sys::HPyBytes_Check(ctx.as_ptr(), obj.raw()) != 0 }
}

/// The number of bytes in `obj`, a `bytes` (checked by the callers); `None` with an exception
/// set on failure.
///
/// CPython's `HPyBytes_GET_SIZE` reads the object's size field. PyPy 7.3.19's calls `len(obj)`,
/// which a subclass may override: `class B(bytes): __len__ = lambda self: 1000` would make the
/// slice below run past the data. There, an instance of a subclass is measured with
/// `bytes.__len__(obj)` instead, which a subclass cannot change (an exact `bytes` has the
/// builtin `__len__`).
fn bytes_size(ctx: Context<'_>, obj: Borrowed<'_>) -> Option<usize> {
    let bytes_type = ctx.constant(sys::h_BytesType);
    let size = if super::handle::runtime_is_pypy() && !is_exact(ctx, obj, bytes_type) {
        let len = super::raw::getattr_s(ctx, bytes_type, c"__len__")?;
        let size = super::raw::call(ctx, len.as_borrowed(), [obj].into_iter(), 1, None)?;
        super::raw::long_as_isize(ctx, size.as_borrowed())
    } else {
        // SAFETY: `obj` is an open handle to a `bytes`.
        unsafe { sys::HPyBytes_GET_SIZE(ctx.as_ptr(), obj.raw()) }
    };
    if size < 0 {
        if !super::raw::err_occurred(ctx) {
            super::raw::err_set_string(
                ctx,
                ctx.constant(sys::h_SystemError),
                c"negative size of a bytes object",
            );
        }
        return None;
    }
    Some(size as usize)
}

/// `type(obj) is ty`.
fn is_exact(ctx: Context<'_>, obj: Borrowed<'_>, ty: Borrowed<'_>) -> bool {
    super::raw::unary(ctx, sys::HPy_Type, obj)
        .is_some_and(|obj_type| super::raw::is(ctx, obj_type.as_borrowed(), ty))
}

/// The contents of a `bytes`, valid while `obj` is open (`HPyBytes_AS_STRING` and
/// `HPyBytes_GET_SIZE`, see [`bytes_size`]); `None` with an exception set on failure. Those
/// macros read the object's memory as a `bytes` without looking at its type, so the type is
/// checked here first (a `PyBytes` view always holds a `bytes`: a `SystemError` otherwise).
pub(crate) fn bytes_contents<'a>(ctx: Context<'_>, obj: Borrowed<'a>) -> Option<&'a [u8]> {
    if !is_bytes(ctx, obj) {
        not_bytes(ctx);
        return None;
    }
    let size = bytes_size(ctx, obj)?;
    // SAFETY: `obj` is an open handle to a `bytes` (checked above).
    let data = unsafe { sys::HPyBytes_AS_STRING(ctx.as_ptr(), obj.raw()) };
    if data.is_null() {
        if !super::raw::err_occurred(ctx) {
            not_bytes(ctx);
        }
        return None;
    }
    // SAFETY: HPy returns the object's data, whose true size `bytes_size` gave; it stays valid
    // and unchanged while the handle is open, which `'a` guarantees (HPy's debug mode hands
    // out a read-only copy that it revokes when the handle closes).
    Some(unsafe { core::slice::from_raw_parts(data.cast::<u8>(), size) })
}

/// The contents of an object `HPyBytes_Check` accepted, through the checked
/// `HPyBytes_Size`/`HPyBytes_AsString` (what `&[u8]` arguments use); `None` with an exception
/// set on failure. On PyPy, whose `HPyBytes_Size` calls a subclass's `__len__`, an instance of
/// a subclass goes through [`bytes_contents`] instead.
pub(crate) fn bytes_as_slice<'a>(ctx: Context<'_>, obj: Borrowed<'a>) -> Option<&'a [u8]> {
    if super::handle::runtime_is_pypy() && !is_exact(ctx, obj, ctx.constant(sys::h_BytesType)) {
        return bytes_contents(ctx, obj);
    }
    // SAFETY: an open handle; HPy checks the type (-1 and an exception otherwise).
    let size = unsafe { sys::HPyBytes_Size(ctx.as_ptr(), obj.raw()) };
    if size < 0 {
        return None;
    }
    // SAFETY: as above (NULL and an exception when not a `bytes`).
    let data = unsafe { sys::HPyBytes_AsString(ctx.as_ptr(), obj.raw()) };
    if data.is_null() {
        return None;
    }
    // SAFETY: HPy returns the `size` bytes of the object, valid while the handle is open (`'a`).
    Some(unsafe { core::slice::from_raw_parts(data.cast::<u8>(), size as usize) })
}

/// `len(obj)` of a `bytes` without a `__len__` override ([`bytes_size`], after the same check
/// as [`bytes_contents`]); `None` with an exception set on failure.
pub(crate) fn bytes_len(ctx: Context<'_>, obj: Borrowed<'_>) -> Option<usize> {
    if !is_bytes(ctx, obj) {
        not_bytes(ctx);
        return None;
    }
    bytes_size(ctx, obj)
}

#[cold]
fn not_bytes(ctx: Context<'_>) {
    super::raw::err_set_string(
        ctx,
        ctx.constant(sys::h_SystemError),
        c"a PyBytes view of an object that is not bytes",
    );
}
