//! `slice`: unpacking and adjusting to a length as CPython does, and a parameter type for
//! `__getitem__`/`__setitem__`/`__delitem__` that takes an index or a slice.

use crate::convert::FromPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::runtime_calls;
use crate::ffi::Borrowed;
use crate::object::AnyHandle;
use crate::types::{BuiltinType, ExceptionKind};

/// A borrowed `slice` object (a checked view: as a parameter, anything else is `TypeError`).
#[derive(Clone, Copy, Debug)]
pub struct Slice<'a> {
    obj: Borrowed<'a>,
}

/// A slice adjusted to a sequence length (CPython's `slice.indices(len)` plus the number of
/// items): the items are `start`, `start + step`, ... (`len` of them), every one a valid
/// position in `0..length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SliceIndices {
    /// The first position (meaningful only when `len > 0`).
    pub start: isize,
    /// The end, exclusive (as `slice.indices(length)` gives it; may be -1 for a negative step).
    pub stop: isize,
    /// The step, never 0.
    pub step: isize,
    /// How many items the slice selects (CPython's "slice length").
    pub len: usize,
}

impl<'a> Slice<'a> {
    /// A view of `obj` if it is a `slice`.
    pub fn from_object(obj: Borrowed<'a>) -> Option<Slice<'a>> {
        obj.is_instance_of(BuiltinType::Slice)
            .then_some(Slice { obj })
    }

    /// The `slice` object.
    pub fn as_borrowed(&self) -> Borrowed<'a> {
        self.obj
    }

    /// `(start, stop, step)` with `None`s replaced and values clamped as CPython's
    /// `PySlice_Unpack` does (HPy's `HPySlice_Unpack`): step `None` → 1, start/stop `None` → the
    /// extreme for the step's direction, huge values clamped to the index-sized range. A step of
    /// 0 is `ValueError("slice step cannot be zero")`; indices that are not integers `TypeError`.
    pub fn unpack(&self) -> PyResult<(isize, isize, isize)> {
        let ctx = self.obj.context();
        runtime_calls::slice_unpack(ctx, self.obj).ok_or_else(|| PyErr::fetch(ctx))
    }

    /// The slice adjusted to a sequence of `length` items: [`Slice::unpack`], then
    /// [`SliceIndices::adjust`] (CPython's `PySlice_Unpack` + `PySlice_AdjustIndices`, what
    /// `list` does).
    pub fn indices(&self, length: usize) -> PyResult<SliceIndices> {
        let (start, stop, step) = self.unpack()?;
        let length = isize::try_from(length)
            .map_err(|_| PyErr::overflow_error("cannot fit 'int' into an index-sized integer"))?;
        Ok(SliceIndices::adjust(length, start, stop, step))
    }
}

impl SliceIndices {
    /// Adjusts unpacked `start`/`stop` to a sequence of `length` items (HPy's inline
    /// `HPySlice_AdjustIndices`, CPython's `PySlice_AdjustIndices`): negative positions count
    /// from the end, and out-of-range ones are clipped. `step` must not be 0 (it comes from
    /// [`Slice::unpack`]); 0 or a negative `length` are treated as 1 and 0.
    pub fn adjust(length: isize, start: isize, stop: isize, step: isize) -> SliceIndices {
        let length = length.max(0);
        let step = if step == 0 { 1 } else { step.max(-isize::MAX) };
        let clip = |position: isize| {
            if position < 0 {
                // (`position + length` cannot overflow: one is negative, the other not.)
                let from_end = position + length;
                if from_end < 0 {
                    if step < 0 {
                        -1
                    } else {
                        0
                    }
                } else {
                    from_end
                }
            } else if position >= length {
                if step < 0 {
                    length - 1
                } else {
                    length
                }
            } else {
                position
            }
        };
        let (start, stop) = (clip(start), clip(stop));
        // Both are now in -1..=length, so the differences cannot overflow.
        let len = if step < 0 {
            if stop < start {
                (start - stop - 1) / -step + 1
            } else {
                0
            }
        } else if start < stop {
            (stop - start - 1) / step + 1
        } else {
            0
        };
        SliceIndices {
            start,
            stop,
            step,
            len: len as usize,
        }
    }

    /// The positions the slice selects, in order.
    pub fn positions(&self) -> impl ExactSizeIterator<Item = usize> + Clone {
        let SliceIndices {
            start, step, len, ..
        } = *self;
        // Each position is in 0..length, so `start + i * step` never overflows.
        (0..len).map(move |i| (start + i as isize * step) as usize)
    }

    /// `true` when the slice selects no item.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<'a> FromPy<'a> for Slice<'a> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        Slice::from_object(obj)
            .ok_or_else(|| PyErr::type_error(format!("expected slice, got '{}'", obj.type_name())))
    }
}

/// A `__getitem__`/`__setitem__`/`__delitem__` key that is an index or a slice, as `list`
/// accepts: an `int` (or an object with `__index__`) or a `slice`. Anything else is
/// `TypeError("indices must be integers or slices, not <type>")`, an index too large for the
/// index-sized range `IndexError("cannot fit 'int' into an index-sized integer")`, as in
/// CPython.
///
/// The index is as given (negative counts from the end): resolve it against the length, e.g.
/// with [`IndexOrSlice::resolve_index`].
#[derive(Clone, Copy, Debug)]
pub enum IndexOrSlice<'a> {
    /// An integer key.
    Index(isize),
    /// A slice key.
    Slice(Slice<'a>),
}

impl IndexOrSlice<'_> {
    /// A (possibly negative) index resolved against `length`, as `list` does: `None` when it
    /// is out of range (`list` then raises `IndexError("list index out of range")`).
    pub fn resolve_index(index: isize, length: usize) -> Option<usize> {
        let length = isize::try_from(length).ok()?;
        let position = if index < 0 { index + length } else { index };
        (0..length).contains(&position).then_some(position as usize)
    }
}

impl<'a> FromPy<'a> for IndexOrSlice<'a> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        if let Some(slice) = Slice::from_object(obj) {
            return Ok(IndexOrSlice::Slice(slice));
        }
        // The errors are raised here, so that they keep CPython's words: a parameter's lazy
        // error would be prefixed with the function and parameter names.
        let ctx = obj.context();
        let raised = |err: PyErr| {
            err.restore(ctx);
            PyErr::pending()
        };
        if !obj.is_instance_of(BuiltinType::Int) && !obj.get_type().hasattr("__index__") {
            return Err(raised(PyErr::type_error(format!(
                "indices must be integers or slices, not {}",
                obj.type_name()
            ))));
        }
        isize::from_py(obj).map(IndexOrSlice::Index).map_err(|err| {
            raised(err.convert_kind(ExceptionKind::OverflowError, ExceptionKind::IndexError))
        })
    }
}
