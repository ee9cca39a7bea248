//! `tuple`: [`PyTuple`].

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::containers;
use crate::ffi::{raw, Borrowed, Context, Handle};
use crate::object::{check, AnyHandle};
use crate::types::view::builtin_view;
use crate::types::PyIterator;

builtin_view!(
    /// A `tuple` (or an instance of a subclass).
    PyTuple,
    "tuple",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyTuple_Check, obj) == 1)
);

impl<'py> PyTuple<'py> {
    /// A new `tuple` of the given handles (not consumed).
    pub fn new(ctx: Context<'py>, items: &[Borrowed<'_>]) -> PyResult<PyTuple<'py>> {
        check(ctx, raw::tuple_from(ctx, items.iter().copied())).map(PyTuple)
    }

    /// A new `tuple` of the converted values, built in place (`HPyTupleBuilder`); on an error
    /// the partial tuple is released.
    pub fn from_iter<T, I>(ctx: Context<'py>, items: I) -> PyResult<PyTuple<'py>>
    where
        T: IntoPy<'py>,
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut items = items.into_iter();
        let len = tuple_len(items.len())?;
        let tuple = containers::tuple_from_fn(ctx, len, |_| match items.next() {
            Some(item) => item.into_py(ctx),
            None => Err(crate::err::PyErr::runtime_error(
                "an iterator yielded fewer items than its length",
            )),
        })?;
        check(ctx, tuple).map(PyTuple)
    }

    /// A new `tuple` of handles made one by one; the first error stops the build and releases
    /// the partial tuple.
    pub fn try_from_iter<I>(ctx: Context<'py>, items: I) -> PyResult<PyTuple<'py>>
    where
        I: IntoIterator<Item = PyResult<Handle<'py>>>,
        I::IntoIter: ExactSizeIterator,
    {
        let mut items = items.into_iter();
        let len = tuple_len(items.len())?;
        let tuple = containers::tuple_from_fn(ctx, len, |_| {
            items.next().unwrap_or_else(|| {
                Err(crate::err::PyErr::runtime_error(
                    "an iterator yielded fewer items than its length",
                ))
            })
        })?;
        check(ctx, tuple).map(PyTuple)
    }

    /// `self[index]`; a negative index counts from the end, as in Python.
    pub fn get(&self, index: isize) -> PyResult<Handle<'py>> {
        self.get_index(index)
    }

    /// `len(self)`.
    pub fn len(&self) -> PyResult<usize> {
        AnyHandle::len(self)
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// The items.
    pub fn iter(&self) -> PyResult<PyIterator<'py>> {
        PyIterator::new(self)
    }
}

/// A tuple's length as HPy takes it; `MemoryError` beyond `isize::MAX`, as CPython.
fn tuple_len(len: usize) -> PyResult<isize> {
    isize::try_from(len).map_err(|_| crate::err::PyErr::memory_error(""))
}
