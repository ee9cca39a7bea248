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

/// `HPyUnicode_Substring(s, start, end)`. `s` must be a `str` (HPy's debug mode aborts
/// otherwise), which the caller's `PyStr` view guarantees, and the caller passes
/// `0 <= start <= end <= len(s)`.
pub(crate) fn unicode_substring<'py>(
    ctx: Context<'py>,
    s: Borrowed<'_>,
    start: isize,
    end: isize,
) -> Option<Handle<'py>> {
    // SAFETY: open handle; the indices are within the string.
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

/// The contents of a `bytes`, valid while `obj` is open: `HPyBytes_AS_STRING` and
/// `HPyBytes_GET_SIZE`, the unchecked macros. Those read the object's memory as a `bytes`
/// without looking at its type, so the type is checked here first; a `PyBytes` view always
/// holds a `bytes`, hence the panic (a `SystemError` at the boundary) rather than an error.
pub(crate) fn bytes_contents<'a>(ctx: Context<'_>, obj: Borrowed<'a>) -> &'a [u8] {
    assert!(
        is_bytes(ctx, obj),
        "a PyBytes view of an object that is not bytes"
    );
    // SAFETY: `obj` is an open handle to a `bytes` (checked above).
    let (data, size) = unsafe {
        (
            sys::HPyBytes_AS_STRING(ctx.as_ptr(), obj.raw()),
            sys::HPyBytes_GET_SIZE(ctx.as_ptr(), obj.raw()),
        )
    };
    // SAFETY: HPy returns `size` readable bytes (size >= 0 for a `bytes`) that stay valid and
    // unchanged while the handle is open, which `'a` guarantees (HPy's debug mode hands out a
    // read-only copy that it revokes when the handle closes).
    unsafe { core::slice::from_raw_parts(data.cast::<u8>(), size as usize) }
}

/// `len(obj)` of a `bytes`: `HPyBytes_GET_SIZE`, after the same check as [`bytes_contents`].
pub(crate) fn bytes_len(ctx: Context<'_>, obj: Borrowed<'_>) -> usize {
    assert!(
        is_bytes(ctx, obj),
        "a PyBytes view of an object that is not bytes"
    );
    // SAFETY: `obj` is an open handle to a `bytes` (checked above).
    unsafe { sys::HPyBytes_GET_SIZE(ctx.as_ptr(), obj.raw()) as usize }
}
