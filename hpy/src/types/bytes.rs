//! `bytes`: [`PyBytes`].

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::{raw, Context};
use crate::object::AnyHandle;
use crate::types::view::builtin_view;

builtin_view!(
    /// A `bytes` (or an instance of a subclass).
    PyBytes,
    "bytes",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyBytes_Check, obj) == 1)
);

impl<'py> PyBytes<'py> {
    /// A new `bytes` holding a copy of `data`.
    pub fn new(ctx: Context<'py>, data: &[u8]) -> PyResult<PyBytes<'py>> {
        data.into_py(ctx).map(PyBytes)
    }

    /// The contents, borrowed from the object.
    pub fn as_bytes(&self) -> PyResult<&[u8]> {
        self.extract::<&[u8]>()
    }
}
