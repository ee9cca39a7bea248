//! `dict`: [`PyDict`].

use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::{raw, Context, Handle};
use crate::object::{check, AnyHandle};
use crate::types::view::builtin_view;
use crate::types::view::sealed::Sealed as _;
use crate::types::{ExceptionKind, PyIterator, PyList, View};

builtin_view!(
    /// A `dict` (or an instance of a subclass).
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::PyDict;
    /// fn word_lengths<'py>(ctx: Context<'py>, words: &[&str]) -> PyResult<PyDict<'py>> {
    ///     let dict = PyDict::new(ctx)?;
    ///     for word in words {
    ///         dict.set_item(*word, word.chars().count())?;
    ///     }
    ///     Ok(dict)
    /// }
    /// ```
    PyDict,
    "dict",
    |obj| Ok(raw::predicate(obj.context(), hpy_sys::HPyDict_Check, obj) == 1)
);

impl<'py> PyDict<'py> {
    /// A new empty `dict`.
    pub fn new(ctx: Context<'py>) -> PyResult<PyDict<'py>> {
        check(ctx, raw::dict_new(ctx)).map(PyDict)
    }

    /// `self.get(key)`: the value, or `None` when the key is missing (a `KeyError` raised by a
    /// subclass's `__getitem__` counts as missing too). Other errors, such as an unhashable key,
    /// are raised.
    pub fn get<K: IntoPy<'py>>(&self, key: K) -> PyResult<Option<Handle<'py>>> {
        match self.getitem(key) {
            Ok(value) => Ok(Some(value)),
            Err(err) if err.matches(self.ctx(), ExceptionKind::KeyError) => {
                err.clear(self.ctx());
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// `self[key] = value`.
    pub fn set_item<K: IntoPy<'py>, V: IntoPy<'py>>(&self, key: K, value: V) -> PyResult<()> {
        self.setitem(key, value)
    }

    /// `del self[key]` (`KeyError` when missing).
    pub fn del_item<K: IntoPy<'py>>(&self, key: K) -> PyResult<()> {
        self.delitem(key)
    }

    /// `list(self.keys())` (`HPyDict_Keys`): a snapshot of the keys, in insertion order.
    pub fn keys(&self) -> PyResult<PyList<'py>> {
        let ctx = self.ctx();
        let keys = check(
            ctx,
            raw::unary(ctx, hpy_sys::HPyDict_Keys, self.as_borrowed()),
        )?;
        Ok(PyList::from_checked(keys))
    }

    /// `list(self.values())`.
    pub fn values(&self) -> PyResult<PyList<'py>> {
        let list = PyList::empty(self.ctx())?;
        for entry in self.iter()? {
            let (_, value) = entry?;
            list.append(value)?;
        }
        Ok(list)
    }

    /// `list(self.items())`: `(key, value)` tuples.
    pub fn items(&self) -> PyResult<PyList<'py>> {
        let list = PyList::empty(self.ctx())?;
        for entry in self.iter()? {
            let (key, value) = entry?;
            list.append((key, value))?;
        }
        Ok(list)
    }

    /// `self.copy()` (`HPyDict_Copy`): a new shallow copy, always a plain `dict`.
    pub fn copy(&self) -> PyResult<PyDict<'py>> {
        let ctx = self.ctx();
        check(
            ctx,
            raw::unary(ctx, hpy_sys::HPyDict_Copy, self.as_borrowed()),
        )
        .map(PyDict)
    }

    /// The `(key, value)` pairs, in insertion order. Like iterating a `dict` in Python, it
    /// raises `RuntimeError` if the dict changes size meanwhile.
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// # use hpy::PyDict;
    /// fn total(dict: &PyDict<'_>) -> PyResult<i64> {
    ///     let mut sum = 0;
    ///     for entry in dict.iter()? {
    ///         let (_key, value) = entry?;
    ///         sum += value.extract::<i64>()?;
    ///     }
    ///     Ok(sum)
    /// }
    /// ```
    pub fn iter(&self) -> PyResult<DictIter<'py>> {
        let keys = self.keys()?;
        let len = keys.len()?;
        Ok(DictIter {
            dict: self.clone(),
            keys: keys.into_handle(),
            index: 0,
            len,
        })
    }

    /// `len(self)`.
    pub fn len(&self) -> PyResult<usize> {
        AnyHandle::len(self)
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// `key in self`.
    pub fn contains<K: IntoPy<'py>>(&self, key: K) -> PyResult<bool> {
        AnyHandle::contains(self, key)
    }

    /// An iterator over the keys (what `for key in dict` gives in Python).
    pub fn iter_keys(&self) -> PyResult<PyIterator<'py>> {
        PyIterator::new(self)
    }

    /// `self.update(other)`: the pairs of any mapping (or iterable of pairs) copied in.
    pub fn update<O: IntoPy<'py>>(&self, other: O) -> PyResult<()> {
        self.call_method("update", (other,)).map(drop)
    }
}

/// The `(key, value)` pairs of a [`PyDict`] ([`PyDict::iter`]).
pub struct DictIter<'py> {
    dict: PyDict<'py>,
    keys: Handle<'py>,
    index: usize,
    len: usize,
}

impl<'py> DictIter<'py> {
    /// Ends the iteration with `err`.
    #[cold]
    #[inline(never)]
    fn fail(&mut self, err: PyErr) -> Option<PyResult<(Handle<'py>, Handle<'py>)>> {
        self.index = self.len;
        Some(Err(err))
    }

    /// The current size did not match the size at the start (or could not be read).
    #[cold]
    #[inline(never)]
    fn size_changed(&mut self, now: isize) -> Option<PyResult<(Handle<'py>, Handle<'py>)>> {
        let err = if now < 0 {
            PyErr::fetch(self.dict.ctx())
        } else {
            PyErr::runtime_error("dictionary changed size during iteration")
        };
        self.fail(err)
    }

    /// The lookup of a key of the snapshot failed.
    #[cold]
    #[inline(never)]
    fn lookup_failed(&mut self, err: PyErr) -> Option<PyResult<(Handle<'py>, Handle<'py>)>> {
        let ctx = self.dict.ctx();
        if err.matches(ctx, ExceptionKind::KeyError) {
            err.clear(ctx);
            return self.fail(PyErr::runtime_error(
                "dictionary keys changed during iteration",
            ));
        }
        self.fail(err)
    }
}

impl<'py> Iterator for DictIter<'py> {
    type Item = PyResult<(Handle<'py>, Handle<'py>)>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.index >= self.len {
            return None;
        }
        let ctx = self.dict.ctx();
        let now = raw::length(ctx, self.dict.as_borrowed());
        if now as usize != self.len {
            return self.size_changed(now);
        }
        let key = match check(
            ctx,
            raw::getitem_i(ctx, self.keys.as_borrowed(), self.index as isize),
        ) {
            Ok(key) => key,
            Err(err) => return self.fail(err),
        };
        self.index += 1;
        // A key replaced by another keeps the size: Python notices through the dict's
        // version, we through the lookup's `KeyError` (one lookup per key, as the lookup is
        // most of the cost of a step; a subclass's `__missing__` may answer it instead).
        let value = raw::binary(
            ctx,
            hpy_sys::HPy_GetItem,
            self.dict.as_borrowed(),
            key.as_borrowed(),
        );
        match value {
            Some(value) => Some(Ok((key, value))),
            None => self.lookup_failed(PyErr::fetch(ctx)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.len - self.index;
        (0, Some(left))
    }
}
