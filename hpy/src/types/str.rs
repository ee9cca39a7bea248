//! `str`: [`PyStr`].

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::{raw, Context};
use crate::object::AnyHandle;
use crate::types::view::builtin_view;

builtin_view!(
    /// A `str` (or an instance of a subclass).
    PyStr,
    "str",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyUnicode_Check, obj) == 1)
);

impl<'py> PyStr<'py> {
    /// A new `str` from UTF-8 text.
    pub fn new(ctx: Context<'py>, text: &str) -> PyResult<PyStr<'py>> {
        text.into_py(ctx).map(PyStr)
    }

    /// The text as UTF-8, borrowed from the object (`UnicodeEncodeError` for lone surrogates).
    pub fn to_str(&self) -> PyResult<&str> {
        self.extract::<&str>()
    }
}
