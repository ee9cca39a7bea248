//! Safe wrappers of the container calls the typed views use (`types/`): list appends, tuple
//! builders.

use core::ffi::c_int;

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

/// `HPyList_New(0)`: an empty list. (A longer one would hold NULL items on CPython until set,
/// which no safe code may see; lists grow by appending.)
pub(crate) fn list_new_empty(ctx: Context<'_>) -> Option<Handle<'_>> {
    // SAFETY: length 0, so no item slot is left uninitialised.
    ctx.own(unsafe { sys::HPyList_New(ctx.as_ptr(), 0) })
}

/// `HPyList_Append`: -1 with an exception set on failure (e.g. `list` is not a list).
pub(crate) fn list_append(ctx: Context<'_>, list: Borrowed<'_>, item: Borrowed<'_>) -> c_int {
    // SAFETY: two open handles; HPy does not steal `item`.
    unsafe { sys::HPyList_Append(ctx.as_ptr(), list.raw(), item.raw()) }
}

/// A tuple of `len` items, item `i` being `item(i)`, built with `HPyTupleBuilder`; cancelled on
/// an error of `item` or a panic. `Ok(None)` means the build itself failed, with an exception
/// set (e.g. `MemoryError` for a huge `len`).
pub(crate) fn tuple_from_fn<'py, E>(
    ctx: Context<'py>,
    len: isize,
    mut item: impl FnMut(usize) -> Result<Handle<'py>, E>,
) -> Result<Option<Handle<'py>>, E> {
    /// Cancels the builder unless forgotten: on an early return or an unwind.
    struct Unfinished<'py> {
        ctx: Context<'py>,
        builder: sys::HPyTupleBuilder,
    }
    impl Drop for Unfinished<'_> {
        fn drop(&mut self) {
            // SAFETY: not built (the success path forgets `self`); this releases the partial tuple.
            unsafe { sys::HPyTupleBuilder_Cancel(self.ctx.as_ptr(), self.builder) }
        }
    }
    // SAFETY: a length; the builder is built below or cancelled by the guard.
    let builder = unsafe { sys::HPyTupleBuilder_New(ctx.as_ptr(), len) };
    if builder._tup == 0 && super::raw::err_occurred(ctx) {
        return Ok(None);
    }
    let unfinished = Unfinished { ctx, builder };
    for index in 0..len {
        let value = item(index as usize)?;
        // SAFETY: `index < len`, each index set once; the builder takes its own reference and
        // `value` is closed when dropped here.
        unsafe {
            sys::HPyTupleBuilder_Set(ctx.as_ptr(), builder, index, value.as_borrowed().raw())
        };
    }
    core::mem::forget(unfinished);
    // SAFETY: every index in 0..len was set; the builder is consumed here.
    Ok(ctx.own(unsafe { sys::HPyTupleBuilder_Build(ctx.as_ptr(), builder) }))
}
