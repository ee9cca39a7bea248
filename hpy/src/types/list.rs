//! `list`: [`PyList`].

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::containers;
use crate::ffi::{raw, Borrowed, Context, Handle};
use crate::object::{check, check_status, AnyHandle};
use crate::types::view::builtin_view;
use crate::types::PyIterator;

builtin_view!(
    /// A `list` (or an instance of a subclass).
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::PyList;
    /// fn squares<'py>(ctx: Context<'py>, n: u32) -> PyResult<PyList<'py>> {
    ///     let list = PyList::empty(ctx)?;
    ///     for i in 0..n {
    ///         list.append(u64::from(i) * u64::from(i))?;
    ///     }
    ///     Ok(list)
    /// }
    /// ```
    PyList,
    "list",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyList_Check, obj) == 1)
);

impl<'py> PyList<'py> {
    /// A new empty `list` (`HPyList_New(0)`).
    pub fn empty(ctx: Context<'py>) -> PyResult<PyList<'py>> {
        check(ctx, containers::list_new_empty(ctx)).map(PyList)
    }

    /// A new `list` of the given handles (not consumed).
    pub fn new(ctx: Context<'py>, items: &[Borrowed<'_>]) -> PyResult<PyList<'py>> {
        check(ctx, raw::list_from(ctx, items.iter().copied())).map(PyList)
    }

    /// A new `list` of the converted values.
    pub fn from_iter<T, I>(ctx: Context<'py>, items: I) -> PyResult<PyList<'py>>
    where
        T: IntoPy<'py>,
        I: IntoIterator<Item = T>,
    {
        let list = PyList::empty(ctx)?;
        for item in items {
            list.append(item)?;
        }
        Ok(list)
    }

    /// `self.append(item)` (`HPyList_Append`).
    pub fn append<T: IntoPy<'py>>(&self, item: T) -> PyResult<()> {
        let ctx = self.ctx();
        item.with_borrowed(ctx, |item| {
            check_status(ctx, containers::list_append(ctx, self.as_borrowed(), item)).map(drop)
        })
    }

    /// `self.insert(index, item)`: like Python, an index past either end inserts at that end.
    pub fn insert<T: IntoPy<'py>>(&self, index: isize, item: T) -> PyResult<()> {
        self.call_method("insert", (index, item)).map(drop)
    }

    /// `self[index]`; a negative index counts from the end, as in Python.
    pub fn get(&self, index: isize) -> PyResult<Handle<'py>> {
        self.get_index(index)
    }

    /// `self[index] = item`; a negative index counts from the end, as in Python.
    pub fn set<T: IntoPy<'py>>(&self, index: isize, item: T) -> PyResult<()> {
        self.setitem(index, item)
    }

    /// `len(self)`.
    pub fn len(&self) -> PyResult<usize> {
        AnyHandle::len(self)
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// The items, as `for item in self` sees them (a change of length meanwhile is seen).
    pub fn iter(&self) -> PyResult<PyIterator<'py>> {
        PyIterator::new(self)
    }
}
