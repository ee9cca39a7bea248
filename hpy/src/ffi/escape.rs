//! The escape hatch's functions that report errors as [`PyErr`]: kept apart from
//! `handle.rs` so that the handle types, like the raw call wrappers, import nothing from the
//! safe modules above `ffi` (see ARCHITECTURE.md, "Layers").

use hpy_sys as sys;

use super::{Context, Handle};
use crate::err::{PyErr, PyResult};

impl<'py> Handle<'py> {
    /// The result of a raw HPy call that returns a new handle: `Ok` with it, or the pending
    /// Python exception when the call returned `HPy_NULL`.
    ///
    /// # Safety
    /// As for [`Handle::from_raw`] when not NULL; when NULL, the call must have set an
    /// exception, as every HPy function does when it returns `HPy_NULL`.
    #[inline(always)]
    pub unsafe fn from_raw_result(ctx: Context<'py>, raw: sys::HPy) -> PyResult<Handle<'py>> {
        ctx.own(raw).ok_or_else(PyErr::pending)
    }
}

/// `PyObject*` exchange with C-API or PyO3 code in the same extension, for porting step by
/// step. CPython ABI only: a universal binary has no `PyObject*` to give.
#[cfg(feature = "cpython-abi")]
impl<'py> Handle<'py> {
    /// A new strong reference to the object as a `PyObject*` (`HPy_AsPyObject`). The caller owns
    /// it and must release it (`Py_DECREF`, or PyO3's `Py::from_owned_ptr`); forgetting to only
    /// leaks the object.
    #[inline]
    pub fn to_py_object(&self) -> *mut sys::cpy_PyObject {
        // SAFETY: an open handle; the result is a new reference owned by the caller.
        unsafe { sys::HPy_AsPyObject(self.context().as_ptr(), self.as_raw()) }
    }

    /// A new handle to a `PyObject*` (`HPy_FromPyObject`), which keeps its own reference: the
    /// caller's reference is untouched. A null pointer gives the pending exception, as C-API
    /// functions signal errors with one.
    ///
    /// # Safety
    /// `obj` is null (with a Python exception set) or points to a live object of this
    /// interpreter, for the duration of the call.
    #[inline]
    pub unsafe fn from_py_object(
        ctx: Context<'py>,
        obj: *mut sys::cpy_PyObject,
    ) -> PyResult<Handle<'py>> {
        if obj.is_null() {
            return Err(PyErr::fetch(ctx));
        }
        // SAFETY: `obj` is live (the caller's contract); HPy takes its own reference.
        ctx.own(unsafe { sys::HPy_FromPyObject(ctx.as_ptr(), obj) })
            .ok_or_else(|| PyErr::fetch(ctx))
    }
}
