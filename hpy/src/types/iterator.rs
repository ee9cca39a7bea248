//! Iteration over any iterable: [`PyIterator`].
//!
//! HPy 0.9 has no `HPy_GetIter`/`HPyIter_Next`, so the general path calls Python's `iter()`
//! once and the iterator's `__next__` per item. Exact lists, tuples and dicts, the common
//! cases, are walked by index instead, as their own iterators do.

use crate::err::{PyErr, PyResult};
use crate::ffi::{raw, Context, Handle};
use crate::object::{check, AnyHandle};
use crate::types::{builtin_class, BuiltinType, ExceptionKind};

/// The items of an iterable, as a Rust iterator of `PyResult<Handle>` (what `for item in obj`
/// gives in Python). Get one with [`AnyHandle::iter`](crate::AnyHandle::iter).
///
/// ```
/// # use hpy::prelude::*;
/// fn count_truthy(obj: Borrowed<'_>) -> PyResult<usize> {
///     let mut count = 0;
///     for item in obj.iter()? {
///         if item?.is_true()? {
///             count += 1;
///         }
///     }
///     Ok(count)
/// }
/// ```
pub struct PyIterator<'py> {
    ctx: Context<'py>,
    state: State<'py>,
}

enum State<'py> {
    /// An exact `list` (its length is read again at each step, as `list_iterator` does) or
    /// `tuple`.
    Sequence {
        seq: Handle<'py>,
        index: usize,
        list: bool,
    },
    /// An exact `dict`: its keys, from a snapshot; a change of size ends with `RuntimeError`.
    Dict {
        dict: Handle<'py>,
        keys: Handle<'py>,
        index: usize,
        len: usize,
    },
    /// Anything else: the bound `__next__` of `iter(obj)`.
    Generic {
        next: Handle<'py>,
    },
    Done,
}

impl<'py> PyIterator<'py> {
    /// `iter(obj)`: `TypeError` ("'int' object is not iterable") if it is not iterable.
    pub fn new<H: AnyHandle<'py> + ?Sized>(obj: &H) -> PyResult<PyIterator<'py>> {
        let ctx = obj.ctx();
        let borrowed = obj.borrowed();
        let ty = borrowed.get_type();
        let ty = ty.as_borrowed();
        let state = if raw::is(ctx, ty, ctx.builtin_type(BuiltinType::List)) {
            State::Sequence {
                seq: obj.to_handle(),
                index: 0,
                list: true,
            }
        } else if raw::is(ctx, ty, ctx.builtin_type(BuiltinType::Tuple)) {
            State::Sequence {
                seq: obj.to_handle(),
                index: 0,
                list: false,
            }
        } else if raw::predicate(ctx, hpy_sys::HPyDict_Check, borrowed) == 1
            && raw::is(ctx, ty, builtin_class(ctx, "dict")?.as_borrowed())
        {
            let keys = check(ctx, raw::unary(ctx, hpy_sys::HPyDict_Keys, borrowed))?;
            let len = keys.len()?;
            State::Dict {
                dict: obj.to_handle(),
                keys,
                index: 0,
                len,
            }
        } else {
            let iterator = builtin_class(ctx, "iter")?.call((obj.to_handle(),))?;
            State::Generic {
                next: iterator.getattr("__next__")?,
            }
        };
        Ok(PyIterator { ctx, state })
    }

    fn step(&mut self) -> Option<PyResult<Handle<'py>>> {
        let ctx = self.ctx;
        match &mut self.state {
            State::Done => None,
            State::Sequence { seq, index, list } => {
                // A list may have shrunk (or grown) since the last step; a tuple cannot.
                if *list {
                    let len = raw::length(ctx, seq.as_borrowed());
                    if len < 0 {
                        return Some(Err(PyErr::fetch(ctx)));
                    }
                    if *index >= len as usize {
                        return None;
                    }
                }
                match check(ctx, raw::getitem_i(ctx, seq.as_borrowed(), *index as isize)) {
                    Ok(item) => {
                        *index += 1;
                        Some(Ok(item))
                    }
                    Err(err) if !*list && err.matches(ctx, ExceptionKind::IndexError) => {
                        err.clear(ctx);
                        None
                    }
                    Err(err) => Some(Err(err)),
                }
            }
            State::Dict {
                dict,
                keys,
                index,
                len,
            } => {
                let now = raw::length(ctx, dict.as_borrowed());
                if now < 0 {
                    return Some(Err(PyErr::fetch(ctx)));
                }
                if now as usize != *len {
                    return Some(Err(PyErr::runtime_error(
                        "dictionary changed size during iteration",
                    )));
                }
                if *index >= *len {
                    return None;
                }
                let key = check(
                    ctx,
                    raw::getitem_i(ctx, keys.as_borrowed(), *index as isize),
                );
                *index += 1;
                Some(key)
            }
            State::Generic { next } => match next.call(()) {
                Ok(item) => Some(Ok(item)),
                Err(err) if err.matches(ctx, ExceptionKind::StopIteration) => {
                    err.clear(ctx);
                    None
                }
                Err(err) => Some(Err(err)),
            },
        }
    }

    /// A lower bound of the items left (exact for lists, tuples and dicts).
    fn remaining(&self) -> usize {
        match &self.state {
            State::Sequence { seq, index, .. } => {
                let len = raw::length(self.ctx, seq.as_borrowed());
                if len < 0 {
                    raw::err_clear(self.ctx);
                    0
                } else {
                    (len as usize).saturating_sub(*index)
                }
            }
            State::Dict { index, len, .. } => len.saturating_sub(*index),
            _ => 0,
        }
    }
}

impl<'py> Iterator for PyIterator<'py> {
    type Item = PyResult<Handle<'py>>;

    fn next(&mut self) -> Option<PyResult<Handle<'py>>> {
        let item = self.step();
        // After the end or an error the iterator stays exhausted (fused).
        if !matches!(item, Some(Ok(_))) {
            self.state = State::Done;
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining(), None)
    }
}

impl core::iter::FusedIterator for PyIterator<'_> {}

impl core::fmt::Debug for PyIterator<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let kind = match self.state {
            State::Sequence { list: true, .. } => "list",
            State::Sequence { list: false, .. } => "tuple",
            State::Dict { .. } => "dict",
            State::Generic { .. } => "iterator",
            State::Done => "exhausted",
        };
        f.debug_struct("PyIterator").field("over", &kind).finish()
    }
}
