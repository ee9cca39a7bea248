//! `str` and `bytes`: the `HPyUnicode_*` and `HPyBytes_*` families through [`hpy::PyStr`] and
//! [`hpy::PyBytes`]. `tests/python/test_text.py` compares each function with what Python itself
//! does (`str.encode`, `bytes.decode`, `os.fsencode`, `sys.intern`, slicing) in every mode.

/// str and bytes through PyStr and PyBytes.
#[hpy::hpy_module]
mod text {
    use std::ffi::CString;

    use hpy::prelude::*;
    use hpy::{PyBytes, PyStr, WideChar};

    /// A C string from Python bytes: `ValueError("embedded null byte")` for a NUL inside, as
    /// Python says when it needs one.
    fn c_string(data: &[u8]) -> PyResult<CString> {
        CString::new(data).map_err(|_| PyErr::value_error("embedded null byte"))
    }

    // ---- encoding ----

    /// `s.encode("ascii")`.
    #[hpy_function]
    fn encode_ascii<'py>(s: PyStr<'py>) -> PyResult<PyBytes<'py>> {
        s.encode_ascii()
    }

    /// `s.encode("latin-1")`.
    #[hpy_function]
    fn encode_latin1<'py>(s: PyStr<'py>) -> PyResult<PyBytes<'py>> {
        s.encode_latin1()
    }

    /// `s.encode("utf-8")`.
    #[hpy_function]
    fn encode_utf8<'py>(s: PyStr<'py>) -> PyResult<PyBytes<'py>> {
        s.encode_utf8()
    }

    /// `os.fsencode(s)`.
    #[hpy_function]
    fn encode_fs_default<'py>(s: PyStr<'py>) -> PyResult<PyBytes<'py>> {
        s.encode_fs_default()
    }

    // ---- decoding ----

    /// `data.decode("ascii", errors)` (`errors=None`: strict).
    #[hpy_function]
    fn decode_ascii<'py>(
        ctx: Context<'py>,
        data: &[u8],
        errors: Option<&str>,
    ) -> PyResult<PyStr<'py>> {
        PyStr::decode_ascii(ctx, data, errors)
    }

    /// `data.decode("latin-1")`.
    #[hpy_function]
    fn decode_latin1<'py>(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        PyStr::decode_latin1(ctx, data)
    }

    /// `os.fsdecode(data)`, NULs included.
    #[hpy_function]
    fn decode_fs_default<'py>(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        PyStr::decode_fs_default(ctx, data)
    }

    /// `os.fsdecode(data)` through a C string (`ValueError` for a NUL inside).
    #[hpy_function]
    fn decode_fs_default_c_str<'py>(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        PyStr::decode_fs_default_c_str(ctx, &c_string(data)?)
    }

    /// `str(obj, encoding, errors)`; None is utf-8 / strict.
    #[hpy_function]
    fn from_encoded_object<'py>(
        obj: Borrowed<'py>,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> PyResult<PyStr<'py>> {
        PyStr::from_encoded_object(&obj, encoding, errors)
    }

    /// `data.decode("utf-8")` through a C string (`ValueError` for a NUL inside).
    #[hpy_function]
    fn str_from_c_str<'py>(ctx: Context<'py>, data: &[u8]) -> PyResult<PyStr<'py>> {
        PyStr::from_c_str(ctx, &c_string(data)?)
    }

    /// `"".join(map(chr, codes))` through a `wchar_t` array.
    #[hpy_function]
    fn from_wide<'py>(ctx: Context<'py>, codes: Vec<WideChar>) -> PyResult<PyStr<'py>> {
        PyStr::from_wide(ctx, &codes)
    }

    // ---- reading ----

    /// `ord(s[index])`.
    #[hpy_function]
    fn read_code_point(s: PyStr<'_>, index: usize) -> PyResult<u32> {
        s.read_code_point(index)
    }

    /// `s[index]`, through a Rust `char`.
    #[hpy_function]
    fn read_char(s: PyStr<'_>, index: usize) -> PyResult<char> {
        s.read_char(index)
    }

    /// `s[start:end]`.
    #[hpy_function]
    fn substring<'py>(s: PyStr<'py>, start: isize, end: isize) -> PyResult<PyStr<'py>> {
        s.substring(start, end)
    }

    /// `len(s)`.
    #[hpy_function]
    fn str_len(s: PyStr<'_>) -> PyResult<usize> {
        s.len()
    }

    // ---- interning ----

    /// `sys.intern(text)`, from Rust text.
    #[hpy_function]
    fn intern<'py>(ctx: Context<'py>, text: &str) -> PyResult<PyStr<'py>> {
        PyStr::intern(ctx, text)
    }

    /// The cache of `intern_cached`.
    static NAME_CACHE: HPyGlobal = HPyGlobal::new();

    /// `sys.intern(text)` the first time, then the same object from a module global.
    #[hpy_function]
    fn intern_cached<'py>(ctx: Context<'py>, text: &str) -> PyResult<PyStr<'py>> {
        PyStr::intern_cached(&NAME_CACHE, ctx, text)
    }

    /// The cached name of `call_upper`'s method.
    static UPPER: HPyGlobal = HPyGlobal::new();

    /// `obj.upper()`, the method looked up by an interned name made once and kept in a module
    /// global: the hot-lookup pattern (no `str` is created per call, and the attribute
    /// lookup's hash and identity comparisons hit at once).
    #[hpy_function]
    fn call_upper<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        let name = PyStr::intern_cached(&UPPER, ctx, "upper")?;
        obj.call_method_obj(&name, ())
    }

    /// `sys.intern(s)`, of the object itself.
    #[hpy_function]
    fn into_interned<'py>(s: PyStr<'py>) -> PyResult<PyStr<'py>> {
        s.into_interned()
    }

    // ---- bytes ----

    /// `bytes(data)` up to the first NUL, through a C string.
    #[hpy_function]
    fn bytes_from_c_str<'py>(ctx: Context<'py>, data: &[u8]) -> PyResult<PyBytes<'py>> {
        PyBytes::from_c_str(ctx, &c_string(data)?)
    }

    /// `bytes(b)`: a copy of the contents, read in place.
    #[hpy_function]
    fn bytes_copy(b: PyBytes<'_>) -> PyResult<Vec<u8>> {
        Ok(b.as_bytes()?.to_vec())
    }

    /// `(len(b), sum(b))`: two reads of the contents, without a copy.
    #[hpy_function]
    fn bytes_len_and_sum(b: PyBytes<'_>) -> PyResult<(usize, u64)> {
        Ok((b.len()?, b.as_bytes()?.iter().map(|&x| u64::from(x)).sum()))
    }

    /// `len(b) == 0`.
    #[hpy_function]
    fn bytes_is_empty(b: PyBytes<'_>) -> PyResult<bool> {
        b.is_empty()
    }
}
