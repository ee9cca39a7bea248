//! `bytes`: [`PyBytes`].

use core::ffi::CStr;

use crate::convert::IntoPy;
use crate::err::PyResult;
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
    /// fn checksum(data: &PyBytes<'_>) -> u8 {
    ///     data.as_bytes().iter().fold(0u8, |sum, b| sum.wrapping_add(*b))
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
    /// (`HPyBytes_AS_STRING` and `HPyBytes_GET_SIZE`; the view's type check makes them
    /// infallible).
    pub fn as_bytes(&self) -> &[u8] {
        text_calls::bytes_contents(self.ctx(), self.as_borrowed())
    }

    /// `len(self)` (`HPyBytes_GET_SIZE`).
    pub fn len(&self) -> usize {
        text_calls::bytes_len(self.ctx(), self.as_borrowed())
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
