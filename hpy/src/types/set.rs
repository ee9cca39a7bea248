//! `set` and `frozenset`: [`PySet`], [`PyFrozenSet`]. HPy 0.9 has no set functions, so these
//! go through Python calls (`set()`, `set.add`, ...).

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::{Context, Handle};
use crate::object::AnyHandle;
use crate::types::view::builtin_view;
use crate::types::view::sealed::Sealed as _;
use crate::types::{builtin_class, PyIterator};

builtin_view!(
    /// A `set` (or an instance of a subclass).
    PySet,
    "set",
    |obj| obj.is_instance(&builtin_class(obj.context(), "set")?)
);

builtin_view!(
    /// A `frozenset` (or an instance of a subclass).
    PyFrozenSet,
    "frozenset",
    |obj| obj.is_instance(&builtin_class(obj.context(), "frozenset")?)
);

impl<'py> PySet<'py> {
    /// A new empty `set`.
    pub fn empty(ctx: Context<'py>) -> PyResult<PySet<'py>> {
        Ok(PySet::from_checked(builtin_class(ctx, "set")?.call(())?))
    }

    /// `set(iterable)`.
    pub fn new<I: IntoPy<'py>>(ctx: Context<'py>, iterable: I) -> PyResult<PySet<'py>> {
        Ok(PySet::from_checked(
            builtin_class(ctx, "set")?.call((iterable,))?,
        ))
    }

    /// `self.add(item)` (`TypeError` if it is unhashable).
    pub fn add<T: IntoPy<'py>>(&self, item: T) -> PyResult<()> {
        self.call_method("add", (item,)).map(drop)
    }

    /// `self.discard(item)`: removes it if present.
    pub fn discard<T: IntoPy<'py>>(&self, item: T) -> PyResult<()> {
        self.call_method("discard", (item,)).map(drop)
    }

    /// `self.clear()`.
    pub fn clear(&self) -> PyResult<()> {
        self.call_method("clear", ()).map(drop)
    }

    /// `item in self`.
    pub fn contains<T: IntoPy<'py>>(&self, item: T) -> PyResult<bool> {
        AnyHandle::contains(self, item)
    }

    /// `len(self)`.
    pub fn len(&self) -> PyResult<usize> {
        AnyHandle::len(self)
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// The items (in Python's iteration order).
    pub fn iter(&self) -> PyResult<PyIterator<'py>> {
        PyIterator::new(self)
    }
}

impl<'py> PyFrozenSet<'py> {
    /// `frozenset(iterable)`.
    pub fn new<I: IntoPy<'py>>(ctx: Context<'py>, iterable: I) -> PyResult<PyFrozenSet<'py>> {
        Ok(PyFrozenSet::from_checked(
            builtin_class(ctx, "frozenset")?.call((iterable,))?,
        ))
    }

    /// `item in self`.
    pub fn contains<T: IntoPy<'py>>(&self, item: T) -> PyResult<bool> {
        AnyHandle::contains(self, item)
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

/// `set(list)` from an owned list of items.
pub(crate) fn set_from_list<'py>(ctx: Context<'py>, list: Handle<'py>) -> PyResult<Handle<'py>> {
    builtin_class(ctx, "set")?.call((list,))
}
