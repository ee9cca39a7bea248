//! `str`: [`PyStr`].

use core::ffi::CStr;

use crate::class::HPyGlobal;
use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::text_calls;
use crate::ffi::{raw, Borrowed, Context, Handle};
use crate::object::{check, with_c_str, AnyHandle};
use crate::types::view::builtin_view;
use crate::types::{BuiltinType, ExceptionKind, PyBytes, View};

builtin_view!(
    /// A `str` (or an instance of a subclass).
    ///
    /// Besides [`PyStr::new`] (from Rust text), a `str` can be decoded from bytes in the codecs
    /// HPy provides ([`PyStr::decode_ascii`], [`PyStr::decode_latin1`],
    /// [`PyStr::decode_fs_default`], [`PyStr::from_encoded_object`] for any codec), built from
    /// C strings and `wchar_t` arrays, and interned ([`PyStr::intern`]); it encodes back with
    /// [`PyStr::encode_ascii`] & co. Errors are the ones Python raises for the same operation
    /// (`s.encode("ascii")`, `b.decode("ascii", errors)`, `s[i]`, ...).
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::{PyBytes, PyStr};
    /// fn shout<'py>(ctx: Context<'py>, name: &str) -> PyResult<PyBytes<'py>> {
    ///     let text = PyStr::new(ctx, &name.to_uppercase())?;
    ///     text.encode_ascii() // UnicodeEncodeError for non-ASCII names, as in Python
    /// }
    /// ```
    PyStr,
    "str",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyUnicode_Check, obj) == 1)
);

/// C's `wchar_t`, the code unit of [`PyStr::from_wide`]: a signed 32-bit integer holding one
/// code point on Linux and macOS (the platforms hpy-rs's bindings are generated for).
pub type WideChar = hpy_sys::wchar_t;

/// `errors` names a codec error handler ("strict", "replace", ...); `None` is "strict".
fn with_errors<R>(errors: Option<&str>, f: impl FnOnce(&CStr) -> PyResult<R>) -> PyResult<R> {
    match errors {
        None => f(c"strict"),
        Some(errors) => with_c_str(errors, f),
    }
}

/// PyPy 7.3.19's `HPyUnicode_FromEncodedObject` decodes `bytes` only: any other bytes-like
/// object is "decoding bytearray is not supported", where CPython (and `str(obj, encoding)`,
/// on both) decodes every buffer. There, a bytes-like object other than `bytes` is copied to a
/// `bytes` first, and an object that is not bytes-like gets CPython's `TypeError`. `None` for
/// `bytes` and `str`, which HPy handles as CPython does.
fn pypy_buffer_copy<'py>(obj: Borrowed<'py>) -> PyResult<Option<Handle<'py>>> {
    let ctx = obj.context();
    if PyBytes::is_type_of(obj)? || PyStr::is_type_of(obj)? {
        return Ok(None);
    }
    match BuiltinType::MemoryView.type_object(ctx).call((obj,)) {
        Ok(view) => {
            let copy = BuiltinType::Bytes.type_object(ctx).call((&view,))?;
            // Released at once, so that a `bytearray` can be resized again right away.
            view.call_method("release", ())?;
            Ok(Some(copy))
        }
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Err(PyErr::type_error(format!(
                "decoding to str: need a bytes-like object, {} found",
                obj.type_name()
            )))
        }
        Err(err) => Err(err),
    }
}

impl<'py> PyStr<'py> {
    /// A new `str` from UTF-8 text.
    pub fn new(ctx: Context<'py>, text: &str) -> PyResult<PyStr<'py>> {
        text.into_py(ctx).map(PyStr)
    }

    /// The text as UTF-8, borrowed from the object (`UnicodeEncodeError` for lone surrogates).
    pub fn to_str(&self) -> PyResult<&str> {
        self.extract::<&str>()
    }

    /// The number of code points: `str.__len__(self)`, which is `len(self)` unless a subclass
    /// overrides `__len__` (slicing and indexing ignore such an override, and so do
    /// [`PyStr::substring`] and [`PyStr::read_char`]).
    pub fn len(&self) -> PyResult<usize> {
        let ctx = self.ctx();
        let str_type = BuiltinType::Str.type_object(ctx);
        if self.get_type().is(&str_type) {
            AnyHandle::len(self)
        } else {
            str_type.call_method("__len__", (self,))?.extract()
        }
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// A new `str` decoded from the UTF-8 bytes of a C string (`HPyUnicode_FromString`), as
    /// `data.decode("utf-8")`: invalid UTF-8 is a `UnicodeDecodeError`.
    pub fn from_c_str(ctx: Context<'py>, text: &CStr) -> PyResult<PyStr<'py>> {
        if core::str::from_utf8(text.to_bytes()).is_err() {
            // PyPy 7.3.19's HPyUnicode_FromString turns invalid UTF-8 into a SystemError (an
            // internal `CheckError`) and upsets its debug mode; the `bytes.decode` path raises
            // the proper UnicodeDecodeError everywhere.
            return Self::decode_invalid_utf8(ctx, text.to_bytes());
        }
        check(ctx, text_calls::unicode_from_c_str(ctx, text)).map(PyStr)
    }

    #[cold]
    #[inline(never)]
    fn decode_invalid_utf8(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        let bytes = PyBytes::new(ctx, data)?;
        PyStr::from_encoded_object(&bytes, None, None)
    }

    /// A new `str` of the code points in a `wchar_t` array (`HPyUnicode_FromWideChar`), as
    /// `"".join(map(chr, wide))`; NULs are kept, lone surrogates too. A value outside
    /// `0..=0x10FFFF` is a `ValueError` in CPython's words ("character U+110000 is not in range
    /// [U+0000; U+10ffff]"), checked here so that every implementation says the same.
    pub fn from_wide(ctx: Context<'py>, wide: &[WideChar]) -> PyResult<PyStr<'py>> {
        if let Some(&bad) = wide.iter().find(|&&c| !(0..=0x10_FFFF).contains(&c)) {
            return Err(PyErr::value_error(format!(
                "character U+{:x} is not in range [U+0000; U+10ffff]",
                bad as u32
            )));
        }
        check(ctx, text_calls::unicode_from_wide(ctx, wide)).map(PyStr)
    }

    /// `data.decode("ascii", errors)` (`HPyUnicode_DecodeASCII`); `errors` `None` is
    /// "strict". A byte above 127 is a `UnicodeDecodeError` unless the handler says otherwise;
    /// an unknown handler is a `LookupError`.
    pub fn decode_ascii(
        ctx: Context<'py>,
        data: &[u8],
        errors: Option<&str>,
    ) -> PyResult<PyStr<'py>> {
        with_errors(errors, |errors| {
            check(ctx, text_calls::unicode_decode_ascii(ctx, data, errors)).map(PyStr)
        })
    }

    /// `data.decode("latin-1")` (`HPyUnicode_DecodeLatin1`): every byte is the code point of
    /// the same value, so it never fails on the data.
    pub fn decode_latin1(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        check(ctx, text_calls::unicode_decode_latin1(ctx, data, c"strict")).map(PyStr)
    }

    /// `os.fsdecode(data)` (`HPyUnicode_DecodeFSDefaultAndSize`): the file system encoding,
    /// with "surrogateescape" on POSIX, so that undecodable bytes become lone surrogates and
    /// [`PyStr::encode_fs_default`] gives them back. NUL bytes are kept.
    pub fn decode_fs_default(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        check(ctx, text_calls::unicode_decode_fs_default(ctx, data)).map(PyStr)
    }

    /// [`PyStr::decode_fs_default`] of a C string (`HPyUnicode_DecodeFSDefault`): the bytes up
    /// to its NUL.
    pub fn decode_fs_default_c_str(ctx: Context<'py>, data: &CStr) -> PyResult<PyStr<'py>> {
        check(ctx, text_calls::unicode_decode_fs_default_c_str(ctx, data)).map(PyStr)
    }

    /// `str(obj, encoding, errors)` (`HPyUnicode_FromEncodedObject`): decodes a `bytes` or
    /// other bytes-like object with any codec; `None` is "utf-8" and "strict" (so `(obj, None,
    /// None)` is `str(obj, "utf-8")`, not `str(obj)`). A `str` is a `TypeError` ("decoding str
    /// is not supported"), as are objects that are not bytes-like; an unknown codec or handler
    /// is a `LookupError`; a NUL in a name is a `ValueError` ("embedded null character").
    pub fn from_encoded_object<H: AnyHandle<'py> + ?Sized>(
        obj: &H,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> PyResult<PyStr<'py>> {
        let ctx = obj.ctx();
        let pypy_copy = if ctx.runtime_is_pypy() {
            pypy_buffer_copy(obj.borrowed())?
        } else {
            None
        };
        let source = pypy_copy
            .as_ref()
            .map_or(obj.borrowed(), Handle::as_borrowed);
        let decode = |encoding: &CStr| {
            with_errors(errors, |errors| {
                check(
                    ctx,
                    text_calls::unicode_from_encoded_object(ctx, source, encoding, errors),
                )
            })
        };
        let decoded = match encoding {
            None => decode(c"utf-8"),
            Some(encoding) => with_c_str(encoding, decode),
        }?;
        // A codec may return any object; `str()` insists on a `str`, and so does the view.
        PyStr::downcast_from(decoded)
    }

    /// `sys.intern(text)`: the one interned `str` with this text, the same object every time
    /// (and the one `sys.intern` returns for equal text). HPy 0.9 has no
    /// `HPyUnicode_InternFromString`, so this calls `sys.intern`.
    pub fn intern(ctx: Context<'py>, text: &str) -> PyResult<PyStr<'py>> {
        PyStr::new(ctx, text)?.into_interned()
    }

    /// [`PyStr::intern`] once, then from `cache`: the interned `str` is kept in a module
    /// global, so later calls cost one `HPyGlobal` load instead of building and interning
    /// the text. Meant for names used on hot paths (attribute names, dict keys): an interned
    /// key is found by identity where a fresh `str` is hashed and compared.
    ///
    /// Use one global per text: the first text stored is what every later call returns. The
    /// global must be declared inside the `#[hpy_module]` (a `RuntimeError` otherwise).
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::PyStr;
    /// static WEIGHT: HPyGlobal = HPyGlobal::new();
    ///
    /// fn weight<'py>(ctx: Context<'py>, record: Borrowed<'py>) -> PyResult<Handle<'py>> {
    ///     record.getitem(PyStr::intern_cached(&WEIGHT, ctx, "weight")?)
    /// }
    /// ```
    pub fn intern_cached(
        cache: &'static HPyGlobal,
        ctx: Context<'py>,
        text: &str,
    ) -> PyResult<PyStr<'py>> {
        if let Some(cached) = cache.load(ctx) {
            if PyStr::is_type_of(cached.as_borrowed())? {
                return Ok(PyStr(cached));
            }
        }
        let interned = PyStr::intern(ctx, text)?;
        cache.store(ctx, interned.as_borrowed())?;
        Ok(interned)
    }

    /// `sys.intern(self)` (a `TypeError` for instances of `str` subclasses, as in Python).
    pub fn into_interned(self) -> PyResult<PyStr<'py>> {
        let interned = self.ctx().import("sys")?.call_method("intern", (self,))?;
        PyStr::downcast_from(interned)
    }

    /// `self.encode("ascii")` (`HPyUnicode_AsASCIIString`): `UnicodeEncodeError` for a code
    /// point above 127.
    pub fn encode_ascii(&self) -> PyResult<PyBytes<'py>> {
        self.encode_with(hpy_sys::HPyUnicode_AsASCIIString)
    }

    /// `self.encode("latin-1")` (`HPyUnicode_AsLatin1String`): `UnicodeEncodeError` for a code
    /// point above 255.
    pub fn encode_latin1(&self) -> PyResult<PyBytes<'py>> {
        self.encode_with(hpy_sys::HPyUnicode_AsLatin1String)
    }

    /// `self.encode("utf-8")` (`HPyUnicode_AsUTF8String`): `UnicodeEncodeError` for a lone
    /// surrogate ("surrogates not allowed").
    pub fn encode_utf8(&self) -> PyResult<PyBytes<'py>> {
        self.encode_with(hpy_sys::HPyUnicode_AsUTF8String)
    }

    /// `os.fsencode(self)` (`HPyUnicode_EncodeFSDefault`): the file system encoding with
    /// "surrogateescape" on POSIX, the inverse of [`PyStr::decode_fs_default`].
    pub fn encode_fs_default(&self) -> PyResult<PyBytes<'py>> {
        self.encode_with(hpy_sys::HPyUnicode_EncodeFSDefault)
    }

    fn encode_with(&self, op: raw::UnaryOp) -> PyResult<PyBytes<'py>> {
        let ctx = self.ctx();
        let encoded = check(ctx, raw::unary(ctx, op, self.as_borrowed()))?;
        PyBytes::downcast_from(encoded)
    }

    /// `ord(self[index])` (`HPyUnicode_ReadChar`): any code point, lone surrogates included.
    /// Unlike `self[index]`, a negative index is not accepted (the parameter is unsigned);
    /// `index >= len(self)` is `IndexError("string index out of range")`.
    pub fn read_code_point(&self, index: usize) -> PyResult<u32> {
        let ctx = self.ctx();
        let Ok(index) = isize::try_from(index) else {
            return Err(PyErr::index_error("string index out of range"));
        };
        match text_calls::unicode_read_char(ctx, self.as_borrowed(), index) {
            u32::MAX => Err(PyErr::fetch(ctx)),
            code_point => Ok(code_point),
        }
    }

    /// `self[index]` as a Rust `char` ([`PyStr::read_code_point`]). A lone surrogate
    /// (U+D800..U+DFFF) is not a `char`: it is the `UnicodeEncodeError` that encoding it to
    /// UTF-8 raises ("'utf-8' codec can't encode character '\ud800' in position 3: surrogates
    /// not allowed"), as for any other conversion of such a `str` to Rust text.
    pub fn read_char(&self, index: usize) -> PyResult<char> {
        let code_point = self.read_code_point(index)?;
        match char::from_u32(code_point) {
            Some(c) => Ok(c),
            None => Err(self.surrogate_error(index)),
        }
    }

    #[cold]
    #[inline(never)]
    fn surrogate_error(&self, index: usize) -> PyErr {
        let ctx = self.ctx();
        let class = ExceptionKind::UnicodeEncodeError.type_object(ctx);
        match class.call(("utf-8", self, index, index + 1, "surrogates not allowed")) {
            Ok(exception) => PyErr::raise_object(ctx, exception.as_borrowed()),
            Err(err) => err,
        }
    }

    /// `self[start:end]` (`HPyUnicode_Substring`), with Python's slice rules: a negative index
    /// counts from the end, and indices beyond either end are clipped, so it never fails on
    /// the indices (an empty `str` when `start >= end`).
    pub fn substring(&self, start: isize, end: isize) -> PyResult<PyStr<'py>> {
        let len = isize::try_from(self.len()?).unwrap_or(isize::MAX);
        let clip = |index: isize| {
            if index < 0 {
                (index + len).max(0)
            } else {
                index.min(len)
            }
        };
        let start = clip(start);
        let end = clip(end).max(start);
        let ctx = self.ctx();
        check(
            ctx,
            text_calls::unicode_substring(ctx, self.as_borrowed(), start, end),
        )
        .map(PyStr)
    }
}
