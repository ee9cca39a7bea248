//! `Context`, `Handle` and `Borrowed`: the three types every other module builds on.

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use hpy_sys as sys;

/// The HPy context of one call from Python into Rust.
///
/// Valid for the lifetime `'py` of that call, `Copy`, and neither `Send` nor `Sync`: it
/// cannot be kept, sent to another thread or used after the call returns. Generated code
/// hands one to every `#[hpy_function]`; there is no public way to make one.
#[derive(Clone, Copy)]
pub struct Context<'py> {
    raw: NonNull<sys::HPyContext>,
    // `&'py`: shrinking the lifetime is fine, growing it is not. `*mut ()`: !Send + !Sync.
    _call: PhantomData<(&'py (), *mut ())>,
}

impl<'py> Context<'py> {
    /// Wraps the context HPy passed to the current call.
    ///
    /// # Safety
    /// `raw` must be the context of a call that is running now and outlives `'py`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(raw: *mut sys::HPyContext) -> Context<'py> {
        Context {
            // SAFETY: HPy never passes a NULL context to a function it calls.
            raw: unsafe { NonNull::new_unchecked(raw) },
            _call: PhantomData,
        }
    }

    /// The raw context pointer, for the calls in this module.
    #[inline(always)]
    pub(crate) fn as_ptr(self) -> *mut sys::HPyContext {
        self.raw.as_ptr()
    }

    /// The raw `HPyContext *` of this call: the escape hatch to any function of
    /// [`hpy::sys`](crate::sys) the safe API does not cover.
    ///
    /// Getting it is safe; using it is `unsafe` and must keep HPy's rules, which the safe API
    /// otherwise keeps for you: use it only on this thread and during this call (the context of
    /// another call, e.g. in debug mode, may differ), with handles of this context, and never
    /// after Python execution was left (`allow_threads`).
    #[inline(always)]
    pub fn as_raw(self) -> *mut sys::HPyContext {
        self.raw.as_ptr()
    }

    /// Runs `f` with the interpreter released (CPython's GIL), so that other Python threads run
    /// meanwhile, and takes it back before returning, also when `f` panics. This is HPy's
    /// `HPy_LeavePythonExecution`/`HPy_ReenterPythonExecution`, PyO3's `allow_threads`.
    ///
    /// `f` must be `Send`: it cannot capture a `Context`, a `Handle`, a `Borrowed` or a `PyRef`
    /// (nor references to them), since no Python object may be touched without the interpreter.
    /// Plain Rust data, including data copied out of Python objects beforehand, is fine:
    ///
    /// ```
    /// # use hpy::prelude::*;
    /// fn sum_of_squares(ctx: Context<'_>, items: Vec<f64>) -> f64 {
    ///     ctx.allow_threads(move || items.iter().map(|x| x * x).sum())
    /// }
    /// ```
    pub fn allow_threads<F, R>(self, f: F) -> R
    where
        F: FnOnce() -> R + Send,
        R: Send,
    {
        /// Takes the interpreter back when dropped: after `f` returns or while it unwinds.
        struct Reenter {
            ctx: *mut sys::HPyContext,
            state: sys::HPyThreadState,
        }
        impl Drop for Reenter {
            fn drop(&mut self) {
                // SAFETY: the state `HPy_LeavePythonExecution` returned for this context, on
                // this thread, used once.
                unsafe { sys::HPy_ReenterPythonExecution(self.ctx, self.state) }
            }
        }
        // SAFETY: the live context of the running call, on its thread, which holds the
        // interpreter (every call from Python does).
        let state = unsafe { sys::HPy_LeavePythonExecution(self.as_ptr()) };
        let _reenter = Reenter {
            ctx: self.as_ptr(),
            state,
        };
        f()
    }

    /// `true` when the HPy runtime is PyPy's (see [`runtime_is_pypy`]).
    pub(crate) fn runtime_is_pypy(self) -> bool {
        let _ = self;
        runtime_is_pypy()
    }

    /// Borrows one of the context's constants (`None`, `True`, builtin types, exception types).
    #[inline(always)]
    pub(crate) fn constant(
        self,
        read: unsafe fn(*mut sys::HPyContext) -> sys::HPy,
    ) -> Borrowed<'py> {
        // SAFETY: `read` is one of hpy-sys's `h_*` readers and the context is live; constants
        // are immortal, borrowed handles owned by the context.
        let raw = unsafe { read(self.as_ptr()) };
        Borrowed { ctx: self, raw }
    }

    /// Takes ownership of a handle an HPy call just returned, or `None` if it returned
    /// `HPy_NULL` (which always comes with an exception set).
    #[inline(always)]
    pub(crate) fn own(self, raw: sys::HPy) -> Option<Handle<'py>> {
        if sys::HPy_IsNull(raw) {
            None
        } else {
            Some(Handle { ctx: self, raw })
        }
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context").finish_non_exhaustive()
    }
}

/// An owned HPy handle: closed when dropped, duplicated (`HPy_Dup`) when cloned.
///
/// Like every handle it lives at most as long as the call (`'py`) and cannot cross threads.
/// To keep a reference to a Python object longer, store it in an `HPyField` or `HPyGlobal`.
pub struct Handle<'py> {
    ctx: Context<'py>,
    raw: sys::HPy,
}

impl<'py> Handle<'py> {
    /// A borrowed view of this handle, valid while the handle is borrowed.
    #[inline(always)]
    pub fn as_borrowed(&self) -> Borrowed<'_> {
        Borrowed {
            ctx: self.ctx,
            raw: self.raw,
        }
    }

    /// The context this handle belongs to.
    #[inline(always)]
    pub fn context(&self) -> Context<'py> {
        self.ctx
    }

    /// Closes the handle now (the same as dropping it).
    #[inline(always)]
    pub fn close(self) {
        drop(self)
    }

    /// The raw handle, still owned by `self` (escape hatch: see [`Context::as_raw`]). Valid as
    /// long as `self` is alive; it must not be closed.
    #[inline(always)]
    pub fn as_raw(&self) -> sys::HPy {
        self.raw
    }

    /// Gives up ownership of the raw handle: the caller must close it (`HPy_Close`) or pass it
    /// to a function that takes ownership, within the current call.
    #[inline(always)]
    pub fn into_raw(self) -> sys::HPy {
        let raw = self.raw;
        core::mem::forget(self);
        raw
    }

    /// Takes ownership of a raw handle, which will be closed when the `Handle` is dropped.
    ///
    /// # Safety
    /// `raw` must be an open handle of `ctx` (e.g. the result of an `hpy::sys` call that
    /// returns a new handle), not `HPy_NULL`, owned by nobody else, for all of `'py`.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Context<'py>, raw: sys::HPy) -> Handle<'py> {
        Handle { ctx, raw }
    }
}

impl Drop for Handle<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: we own this open handle, and this is the only place that closes it.
        unsafe { sys::HPy_Close(self.ctx.as_ptr(), self.raw) }
    }
}

impl Clone for Handle<'_> {
    #[inline(always)]
    fn clone(&self) -> Self {
        // SAFETY: the handle is open; `HPy_Dup` returns a new handle we then own.
        let raw = unsafe { sys::HPy_Dup(self.ctx.as_ptr(), self.raw) };
        Handle { ctx: self.ctx, raw }
    }
}

/// A borrowed HPy handle: an argument of the current call, a context constant, or a view of
/// a [`Handle`]. It is `Copy` and can never be closed; return it with `.dup()`.
#[derive(Clone, Copy)]
pub struct Borrowed<'py> {
    ctx: Context<'py>,
    raw: sys::HPy,
}

impl<'py> Borrowed<'py> {
    /// Wraps a handle lent to the current call (escape hatch: see [`Context::as_raw`]).
    ///
    /// # Safety
    /// `raw` must be an open handle of `ctx`, open for all of `'py` and closed by someone else.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Context<'py>, raw: sys::HPy) -> Borrowed<'py> {
        Borrowed { ctx, raw }
    }

    /// The raw handle (escape hatch: see [`Context::as_raw`]). Borrowed: it must not be closed,
    /// and is valid for `'py` only.
    #[inline(always)]
    pub fn as_raw(self) -> sys::HPy {
        self.raw
    }

    /// The context this handle belongs to.
    #[inline(always)]
    pub fn context(self) -> Context<'py> {
        self.ctx
    }

    /// A new owned handle to the same object (`HPy_Dup`).
    #[inline(always)]
    pub fn dup(self) -> Handle<'py> {
        // SAFETY: the handle is open; `HPy_Dup` returns a new handle we then own.
        let raw = unsafe { sys::HPy_Dup(self.ctx.as_ptr(), self.raw) };
        Handle { ctx: self.ctx, raw }
    }

    /// The raw handle, for the calls in this module.
    #[inline(always)]
    pub(crate) fn raw(self) -> sys::HPy {
        self.raw
    }
}

/// `true` when the HPy runtime is PyPy's (recorded when the loader handed over its context:
/// PyPy's are named "... (PyPy backend)"); always `false` in the CPython ABI. For the callbacks
/// that get no context (`tp_destroy`).
#[inline(always)]
pub(crate) fn runtime_is_pypy() -> bool {
    #[cfg(feature = "cpython-abi")]
    return false;
    #[cfg(not(feature = "cpython-abi"))]
    return sys::context_layout::runtime_is_pypy();
}

/// `true` when this module runs in HPy's debug mode (recorded when the loader handed over its
/// context); always `false` in the CPython ABI. For the calls whose debug-mode cost differs in
/// kind, not just degree (see `hpy_sys::context_layout::runtime_is_debug`).
#[inline(always)]
pub(crate) fn runtime_is_debug() -> bool {
    #[cfg(feature = "cpython-abi")]
    return false;
    #[cfg(not(feature = "cpython-abi"))]
    return sys::context_layout::runtime_is_debug();
}

/// The positional arguments of a call, borrowed from HPy for the call (`*args`).
///
/// A `#[hpy_function]` or method parameter of this type receives all positional arguments:
/// `fn count(args: Args<'_>) -> usize { args.len() }`.
#[derive(Clone, Copy)]
pub struct Args<'py> {
    ctx: Context<'py>,
    items: *const sys::HPy,
    positional: usize,
    keyword: usize,
}

impl<'py> Args<'py> {
    /// # Safety
    /// `items` must point to `positional + keyword` handles open for `'py`.
    #[inline(always)]
    pub(crate) unsafe fn new(
        ctx: Context<'py>,
        items: *const sys::HPy,
        positional: usize,
        keyword: usize,
    ) -> Self {
        Args {
            ctx,
            items,
            positional,
            keyword,
        }
    }

    /// The number of positional arguments.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.positional
    }

    /// `true` when there are no positional arguments.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.positional == 0
    }

    /// Positional argument `index`.
    ///
    /// # Panics
    /// If `index >= self.len()`.
    #[inline(always)]
    pub fn get(&self, index: usize) -> Borrowed<'py> {
        assert!(index < self.positional, "argument index out of range");
        // SAFETY: in bounds, and the handles are open for 'py (see `new`).
        unsafe { Borrowed::from_raw(self.ctx, *self.items.add(index)) }
    }

    /// The arguments after the first (for `__new__` called as a function: `cls` comes first).
    ///
    /// # Panics
    /// If there is no positional argument.
    #[inline]
    pub fn skip_first(&self) -> Args<'py> {
        assert!(self.positional > 0, "no argument to skip");
        Args {
            ctx: self.ctx,
            // SAFETY: in bounds (at least one positional argument).
            items: unsafe { self.items.add(1) },
            positional: self.positional - 1,
            keyword: self.keyword,
        }
    }

    /// The positional arguments, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Borrowed<'py>> + '_ {
        (0..self.positional).map(move |index| self.get(index))
    }

    /// The values of the keyword arguments, in the order of `kwnames`.
    pub fn keyword_values(&self) -> impl Iterator<Item = Borrowed<'py>> + '_ {
        (self.positional..self.positional + self.keyword).map(move |index| {
            // SAFETY: in bounds, and the handles are open for 'py (see `new`).
            unsafe { Borrowed::from_raw(self.ctx, *self.items.add(index)) }
        })
    }

    /// `dict[name] = value` for each keyword argument, named by the call's `kwnames`
    /// (for `**kwargs` when no parameter takes a keyword).
    ///
    /// One loop over raw handles with one context: written through the safe wrappers, each
    /// handle carried its own copy of the context and the loop spilled them (measured:
    /// bench/README.md, `kw_extra`).
    #[inline(always)]
    pub(crate) fn store_keywords(
        &self,
        kwnames: Option<Borrowed<'py>>,
        dict: Borrowed<'_>,
    ) -> crate::PyResult<()> {
        #[cfg(feature = "cpython-abi")]
        if let Some(names) = kwnames.map(KeywordNames::new) {
            if names.in_place.is_some() {
                for (index, value) in self.keyword_values().enumerate() {
                    let name = names.get(index)?;
                    if super::raw::setitem(self.ctx, dict, name.as_borrowed(), Some(value)) < 0 {
                        return Err(crate::PyErr::fetch(self.ctx));
                    }
                }
                return Ok(());
            }
        }
        // No test of `kwnames` itself: there are no keyword values without it.
        let names = kwnames.map_or(sys::HPy { _i: 0 }, |names| names.raw());
        let (ctx, dict) = (self.ctx.as_ptr(), dict.raw());
        for index in 0..self.keyword {
            // SAFETY: `ctx` is the call's context and `names` an open handle; the new
            // handle is closed below.
            let name = unsafe { sys::HPy_GetItem_i(ctx, names, index as isize) };
            if name._i == 0 {
                return Err(crate::PyErr::fetch(self.ctx));
            }
            // SAFETY: `index < keyword`, so in bounds of the call's handles (see `new`); all
            // three handles are open.
            let status = unsafe {
                let value = *self.items.add(self.positional + index);
                sys::HPy_SetItem(ctx, dict, name, value)
            };
            // SAFETY: `name` is the new handle from `HPy_GetItem_i`, closed once.
            unsafe { sys::HPy_Close(ctx, name) };
            if status < 0 {
                return Err(crate::PyErr::fetch(self.ctx));
            }
        }
        Ok(())
    }
}

/// The names of a vectorcall's keyword arguments: its `kwnames` tuple, one `str` per keyword
/// value. The CPython ABI reads the tuple's item array (borrowed handles, no call); the
/// universal ABI has no borrowing accessor and asks `HPy_GetItem_i` for a new handle.
#[derive(Clone, Copy)]
pub(crate) struct KeywordNames<'py> {
    tuple: Borrowed<'py>,
    /// The item array and length, when `tuple` is a tuple read in place.
    #[cfg(feature = "cpython-abi")]
    in_place: Option<(*const sys::HPy, usize)>,
}

/// One keyword name: borrowed from the `kwnames` tuple, or a new handle to it.
pub(crate) enum KeywordName<'py> {
    /// An item of the tuple, which keeps it alive for `'py`.
    #[cfg_attr(not(feature = "cpython-abi"), allow(dead_code))]
    InTuple(Borrowed<'py>),
    /// A new handle (`HPy_GetItem_i`).
    Owned(Handle<'py>),
}

impl KeywordName<'_> {
    /// The name's handle.
    #[inline(always)]
    pub(crate) fn as_borrowed(&self) -> Borrowed<'_> {
        match self {
            KeywordName::InTuple(name) => *name,
            KeywordName::Owned(name) => name.as_borrowed(),
        }
    }
}

impl<'py> KeywordNames<'py> {
    /// A view of `tuple` (normally the `kwnames` of a call; anything else is read through
    /// `HPy_Length` and `HPy_GetItem_i`).
    #[inline(always)]
    pub(crate) fn new(tuple: Borrowed<'py>) -> Self {
        #[cfg(feature = "cpython-abi")]
        {
            // SAFETY: `tuple` is an open handle (an object pointer in this ABI).
            let is_tuple = unsafe { sys::cpython::tuple_check(tuple.ctx.as_ptr(), tuple.raw) } != 0;
            let in_place = is_tuple.then(|| {
                // SAFETY: a live tuple (checked); its items stay put while it lives, which the
                // borrowed handle guarantees for 'py, and tuples never change size.
                let (items, len) =
                    unsafe { sys::cpython::tuple_items(sys::cpython::h2py(tuple.raw)) };
                (items, len.max(0) as usize)
            });
            KeywordNames { tuple, in_place }
        }
        #[cfg(not(feature = "cpython-abi"))]
        KeywordNames { tuple }
    }

    /// How many names there are (0 if the length cannot be read).
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        #[cfg(feature = "cpython-abi")]
        if let Some((_, len)) = self.in_place {
            return len;
        }
        super::raw::length(self.tuple.ctx, self.tuple).max(0) as usize
    }

    /// Name `index`; an error if the object has no such item.
    #[inline(always)]
    pub(crate) fn get(&self, index: usize) -> crate::PyResult<KeywordName<'py>> {
        #[cfg(feature = "cpython-abi")]
        if let Some((items, len)) = self.in_place {
            if index < len {
                // SAFETY: in bounds of the live tuple's item array; its items are open for 'py
                // (the tuple holds them and is itself open for 'py).
                return Ok(KeywordName::InTuple(unsafe {
                    Borrowed::from_raw(self.tuple.ctx, *items.add(index))
                }));
            }
        }
        let ctx = self.tuple.ctx;
        match super::raw::getitem_i(ctx, self.tuple, index as isize) {
            Some(name) => Ok(KeywordName::Owned(name)),
            None => Err(crate::PyErr::fetch(ctx)),
        }
    }
}
