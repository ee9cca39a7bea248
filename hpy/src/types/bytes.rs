//! `bytes`: [`PyBytes`].

use core::ffi::CStr;

use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::text_calls;
use crate::ffi::{raw, Context};
use crate::object::{check, AnyHandle};
use crate::types::view::builtin_view;

builtin_view!(
    /// A `bytes` (or an instance of a subclass).
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::PyBytes;
    /// fn checksum(data: &PyBytes<'_>) -> PyResult<u8> {
    ///     Ok(data.as_bytes()?.iter().fold(0u8, |sum, b| sum.wrapping_add(*b)))
    /// }
    /// ```
    PyBytes,
    "bytes",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyBytes_Check, obj) == 1)
);

impl<'py> PyBytes<'py> {
    /// A new `bytes` holding a copy of `data`.
    pub fn new(ctx: Context<'py>, data: &[u8]) -> PyResult<PyBytes<'py>> {
        data.into_py(ctx).map(PyBytes)
    }

    /// A new `bytes` holding a copy of a C string's bytes, up to (without) its NUL
    /// (`HPyBytes_FromString`).
    pub fn from_c_str(ctx: Context<'py>, data: &CStr) -> PyResult<PyBytes<'py>> {
        check(ctx, text_calls::bytes_from_c_str(ctx, data)).map(PyBytes)
    }

    /// The contents, borrowed from the object for as long as the view is borrowed
    /// (`HPyBytes_AS_STRING` and `HPyBytes_GET_SIZE`). Only an object that is not `bytes`
    /// wrapped in the view by hand fails (`SystemError`), or on PyPy an instance of a subclass
    /// whose size cannot be read.
    pub fn as_bytes(&self) -> PyResult<&[u8]> {
        let ctx = self.ctx();
        text_calls::bytes_contents(ctx, self.as_borrowed()).ok_or_else(|| PyErr::fetch(ctx))
    }

    /// The number of bytes (`HPyBytes_GET_SIZE`): `len(self)`, unless a subclass overrides
    /// `__len__`, which this ignores (as [`PyBytes::as_bytes`] does).
    pub fn len(&self) -> PyResult<usize> {
        let ctx = self.ctx();
        text_calls::bytes_len(ctx, self.as_borrowed()).ok_or_else(|| PyErr::fetch(ctx))
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }
}
