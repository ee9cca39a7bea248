//! Entry points: the `extern "C"` functions HPy calls, the definitions that point at them,
//! and the module's exported symbols.
//!
//! Every user function is a unit type implementing one calling-convention trait; the
//! `extern "C"` functions here are generic over it, so each definition gets its own
//! monomorphised, *typed* `impl` and `cpy_trampoline`. Their types are erased to HPy's
//! "any function" pointer in exactly one place, `erase!`, when the `HPyDef` is built.
//!
//! * `impl` (the HPy-signature function, called by the universal runtime, PyPy and GraalPy)
//!   wraps the context and handles, runs the user code under [`guard`] (panics become
//!   exceptions, errors are raised) and returns the result handle or the error value.
//! * `cpy_trampoline` (the CPython-signature function): universal ABI → packs its arguments
//!   and calls `ctx_CallRealFunctionFromTrampoline` with the module's global context, like
//!   C HPy; CPython ABI → `PyObject*` *is* `HPy`, so it calls `impl` directly (inlined).

use core::cell::UnsafeCell;
use core::ffi::{c_int, CStr};
use core::marker::PhantomData;
use core::ptr;
#[cfg(not(feature = "cpython-abi"))]
use core::sync::atomic::{AtomicPtr, Ordering};
use std::panic::{catch_unwind, AssertUnwindSafe};

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};
use crate::err::{PyErr, PyResult};

/// The one place where a typed function pointer becomes HPy's "any function" pointers. The
/// runtime casts it back using the signature stored next to it, which `meth_*`/`slot_*` set
/// to match the function type they were given.
macro_rules! erase {
    ($typed:expr, $ty:ty) => {
        // SAFETY: both sides are `extern "C"` function pointers (same size and representation);
        // HPy only calls the pointer with the signature recorded in the same definition.
        Some(unsafe {
            core::mem::transmute::<$ty, unsafe extern "C" fn() -> *mut core::ffi::c_void>($typed)
        })
    };
}

/// Same as `erase!` for the CPython-side pointer slot.
macro_rules! erase_cpy {
    ($typed:expr, $ty:ty) => {
        // SAFETY: as for `erase!`; CPython calls it with the signature implied by the METH_*
        // flags or slot that HPy derives from the recorded signature.
        Some(unsafe {
            core::mem::transmute::<
                $ty,
                unsafe extern "C" fn(CpyObject, *const CpyObject, isize) -> CpyObject,
            >($typed)
        })
    };
}
pub(super) use {erase, erase_cpy};

// ---------------------------------------------------------------------------------------------
// The module's global context.

/// Universal ABI: the context `HPyInitGlobalContext_<name>` received (the per-module global
/// C HPy calls `_ctx_for_trampolines`). Only trampolines read it, to hand it back to the
/// runtime; user code always gets the context of its own call.
#[cfg(not(feature = "cpython-abi"))]
static MODULE_CONTEXT: AtomicPtr<sys::HPyContext> = AtomicPtr::new(ptr::null_mut());

/// The module's context: the one the loader gave (universal ABI) or [`CPYTHON_CONTEXT`].
#[inline(always)]
pub(super) fn module_context() -> *mut sys::HPyContext {
    #[cfg(not(feature = "cpython-abi"))]
    return MODULE_CONTEXT.load(Ordering::Relaxed);
    #[cfg(feature = "cpython-abi")]
    return CPYTHON_CONTEXT.0.get().cast();
}

/// CPython ABI: the module's context, a copy of HPy's static CPython context made at
/// `PyInit_<name>` (before that, zeroed; no function of the module runs before it).
///
/// That context is a struct of constants (the name, the ABI version and the `h_*` handles of
/// builtin objects), of which every C file of HPy's CPython ABI keeps a copy of its own. This
/// one is at an address known when linking, so a call passes it without loading a pointer
/// first, and a function keeps no register for it across the calls it makes.
#[cfg(feature = "cpython-abi")]
static CPYTHON_CONTEXT: CpythonContextCell =
    CpythonContextCell(UnsafeCell::new(core::mem::MaybeUninit::zeroed()));

/// The storage of [`CPYTHON_CONTEXT`].
#[cfg(feature = "cpython-abi")]
struct CpythonContextCell(UnsafeCell<core::mem::MaybeUninit<sys::CPythonContext>>);

// SAFETY: written once per `PyInit_<name>` and otherwise only read, always with the GIL held.
#[cfg(feature = "cpython-abi")]
unsafe impl Sync for CpythonContextCell {}

// ---------------------------------------------------------------------------------------------
// Calling-convention traits (implemented by generated code).

/// A function taking no arguments (`HPyFunc_NOARGS`).
pub trait NoArgsFn {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Runs the function; `module` is the module object (HPy's `self`).
    fn call<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<Handle<'py>>;
}

/// A function taking exactly one positional argument (`HPyFunc_O`).
pub trait OneArgFn {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Whether this is a module function: errors about its arguments then name it
    /// `module.f()` where the interpreter's own do (see `PyErr::argument_error`).
    const MODULE_FUNCTION: bool = false;
    /// Runs the function.
    fn call<'py>(
        ctx: Context<'py>,
        module: Borrowed<'py>,
        arg: Borrowed<'py>,
    ) -> PyResult<Handle<'py>>;
}

/// A function taking positional arguments (`HPyFunc_VARARGS`).
pub trait VarArgsFn {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Whether this is a module function. Unlike the other kinds, a VARARGS `call` qualifies
    /// its argument errors itself (`__private::qualified_by_module`), so that the trampoline
    /// need not keep the module alive across the whole call (measured: `call_with_tuple`).
    const MODULE_FUNCTION: bool = false;
    /// Runs the function.
    fn call<'py>(
        ctx: Context<'py>,
        module: Borrowed<'py>,
        args: Args<'py>,
    ) -> PyResult<Handle<'py>>;
}

/// A function taking positional and keyword arguments (`HPyFunc_KEYWORDS`).
pub trait KeywordsFn {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// Whether this is a module function: errors about its arguments then name it
    /// `module.f()` where the interpreter's own do (see `PyErr::argument_error`).
    const MODULE_FUNCTION: bool = false;
    /// Runs the function; `args` holds the positionals, `args.keyword_values()` the values
    /// named by `kwnames`.
    fn call<'py>(
        ctx: Context<'py>,
        module: Borrowed<'py>,
        args: Args<'py>,
        kwnames: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>>;
}

/// A module exec hook (`HPy_mod_exec`).
pub trait ModExecFn {
    /// A name for error messages.
    const NAME: &'static str;
    /// Runs the hook on the new module.
    fn call<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()>;
}

/// A module create hook (`HPy_mod_create`): makes the object that `import` binds instead of
/// a module object. HPy 0.9 forbids it to be a module object (`types.ModuleType`), so the
/// result is checked (in both ABIs) and a module becomes a `SystemError`.
pub trait ModCreateFn {
    /// A name for error messages.
    const NAME: &'static str;
    /// Makes the object from the module spec (`importlib.machinery.ModuleSpec`).
    fn call<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>;
}

pub use super::handle::Args;

// ---------------------------------------------------------------------------------------------
// The boundary: panics and errors.

/// What an `impl` returns to HPy when it failed (with an exception set).
pub(super) trait ErrorValue {
    const ERROR: Self;
}
impl ErrorValue for sys::HPy {
    const ERROR: Self = sys::HPy_NULL;
}
impl ErrorValue for c_int {
    const ERROR: Self = -1;
}
impl ErrorValue for isize {
    const ERROR: Self = -1;
}
impl ErrorValue for () {
    const ERROR: Self = ();
}

/// Runs user code at the boundary: a panic becomes a `SystemError`, an `Err` is raised, and
/// either way HPy gets its error value. Nothing unwinds past this.
#[inline(always)]
pub(super) fn guard<'py, R: ErrorValue>(
    ctx: Context<'py>,
    name: &'static str,
    body: impl FnOnce() -> PyResult<R>,
) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => err.raise_returning(ctx, R::ERROR),
        Err(payload) => raise_panic(ctx, name, payload),
    }
}

/// [`guard`] for a function called with arguments: when `module` is given (a module
/// function), an error about its arguments is raised naming `module.f()` where the
/// interpreter's own argument errors do (`PyErr::qualified_by_module`).
#[inline(always)]
pub(super) fn guard_function<'py, R: ErrorValue>(
    ctx: Context<'py>,
    name: &'static str,
    module: Option<Borrowed<'py>>,
    body: impl FnOnce() -> PyResult<R>,
) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(err)) => match module {
            Some(module) => raise_qualified(ctx, module, err),
            None => err.raise_returning(ctx, R::ERROR),
        },
        Err(payload) => raise_panic(ctx, name, payload),
    }
}

/// Raises `err` from module function of `module`, see [`guard_function`]. Out of line: only
/// failed calls get here.
#[cold]
#[inline(never)]
fn raise_qualified<R: ErrorValue>(ctx: Context<'_>, module: Borrowed<'_>, err: PyErr) -> R {
    err.qualified_by_module(module)
        .raise_returning(ctx, R::ERROR)
}

/// Raises the `SystemError` of a panic caught by [`guard`] and returns the error value. Out of
/// line, so the error is made and raised in this frame: the callers keep no stack slot (and no
/// cleanup) for it, and reach it with a tail call.
#[cold]
#[inline(never)]
fn raise_panic<R: ErrorValue>(
    ctx: Context<'_>,
    name: &'static str,
    payload: Box<dyn core::any::Any + Send>,
) -> R {
    PyErr::from_panic(name, payload).restore(ctx);
    // `black_box`: see `PyErr::raise_returning`.
    core::hint::black_box(R::ERROR)
}

// ---------------------------------------------------------------------------------------------
// The generic `impl` / `cpy_trampoline` pairs.

pub(super) type CpyObject = *mut sys::cpy_PyObject;

/// The `extern "C"` functions for user function `F`.
pub struct Trampolines<F>(pub(super) PhantomData<F>);

/// Turns a CPython object pointer into the handle it is in the CPython ABI.
#[cfg(feature = "cpython-abi")]
#[inline(always)]
pub(super) fn py2h(obj: CpyObject) -> sys::HPy {
    sys::HPy { _i: obj as isize }
}

#[cfg(feature = "cpython-abi")]
#[inline(always)]
pub(super) fn h2py(h: sys::HPy) -> CpyObject {
    h._i as CpyObject
}

/// Calls `impl` through the universal runtime, exactly as C HPy's trampolines do.
#[cfg(not(feature = "cpython-abi"))]
#[inline(always)]
pub(super) unsafe fn call_real<A>(
    signature: sys::HPyFunc_Signature,
    func: sys::HPyCFunction,
    args: &mut A,
) {
    let ctx = module_context();
    // SAFETY: the loader set the module context before any function could be called, and
    // `args` is the `_HPyFunc_args_<signature>` struct the runtime expects for `signature`.
    unsafe {
        sys::_HPy_CallRealFunctionFromTrampoline(ctx, signature, func, (args as *mut A).cast())
    }
}

impl<F: NoArgsFn> Trampolines<F> {
    /// HPy's `impl`. The body lives once, in the CPython-ABI trampoline (so the panic guard
    /// inlines into it); this only forwards there. Universal: the body itself.
    unsafe extern "C" fn noargs_impl(ctx: *mut sys::HPyContext, module: sys::HPy) -> sys::HPy {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            py2h(unsafe { Self::noargs_trampoline(h2py(module), ptr::null_mut()) })
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::noargs_body(ctx, module)
        }
    }

    #[inline(always)]
    unsafe fn noargs_body(ctx: *mut sys::HPyContext, module: sys::HPy) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and an open `self` handle it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let module = unsafe { Borrowed::from_raw(ctx, module) };
        guard(ctx, F::NAME, move || {
            F::call(ctx, module).map(Handle::into_raw)
        })
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn noargs_trampoline(module: CpyObject, _unused: CpyObject) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_NOARGS {
                self_: module,
                result: ptr::null_mut(),
            };
            let typed: NoArgsImpl = Self::noargs_impl;
            let func = erase!(typed, NoArgsImpl);
            // SAFETY: the NOARGS argument struct for a NOARGS impl.
            unsafe { call_real(sys::HPyFunc_NOARGS, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes a live object; in this ABI it is the handle.
        h2py(unsafe { Self::noargs_body(module_context(), py2h(module)) })
    }
}

impl<F: OneArgFn> Trampolines<F> {
    /// HPy's `impl`. The body lives once, in the CPython-ABI trampoline (so the panic guard
    /// inlines into it); this only forwards there. Universal: the body itself.
    unsafe extern "C" fn o_impl(
        ctx: *mut sys::HPyContext,
        module: sys::HPy,
        arg: sys::HPy,
    ) -> sys::HPy {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            py2h(unsafe { Self::o_trampoline(h2py(module), h2py(arg)) })
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::o_body(ctx, module, arg)
        }
    }

    #[inline(always)]
    unsafe fn o_body(ctx: *mut sys::HPyContext, module: sys::HPy, arg: sys::HPy) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and open handles it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let (module, arg) = unsafe {
            (
                Borrowed::from_raw(ctx, module),
                Borrowed::from_raw(ctx, arg),
            )
        };
        guard_function(
            ctx,
            F::NAME,
            F::MODULE_FUNCTION.then_some(module),
            move || F::call(ctx, module, arg).map(Handle::into_raw),
        )
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn o_trampoline(module: CpyObject, arg: CpyObject) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_O {
                self_: module,
                arg,
                result: ptr::null_mut(),
            };
            let typed: OImpl = Self::o_impl;
            let func = erase!(typed, OImpl);
            // SAFETY: the O argument struct for a O impl.
            unsafe { call_real(sys::HPyFunc_O, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes live objects; in this ABI they are the handles.
        h2py(unsafe { Self::o_body(module_context(), py2h(module), py2h(arg)) })
    }
}

impl<F: VarArgsFn> Trampolines<F> {
    /// HPy's `impl`. The body lives once, in the CPython-ABI trampoline (so the panic guard
    /// inlines into it); this only forwards there. Universal: the body itself.
    unsafe extern "C" fn varargs_impl(
        ctx: *mut sys::HPyContext,
        module: sys::HPy,
        items: *const sys::HPy,
        nargs: usize,
    ) -> sys::HPy {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            py2h(unsafe { Self::varargs_trampoline(h2py(module), items.cast(), nargs as isize) })
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::varargs_body(ctx, module, items, nargs)
        }
    }

    #[inline(always)]
    unsafe fn varargs_body(
        ctx: *mut sys::HPyContext,
        module: sys::HPy,
        items: *const sys::HPy,
        nargs: usize,
    ) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and `nargs` open handles it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let (module, args) = unsafe {
            (
                Borrowed::from_raw(ctx, module),
                Args::new(ctx, items, nargs, 0),
            )
        };
        guard_function(
            ctx,
            F::NAME,
            // `call` qualifies its own argument errors (see `VarArgsFn::MODULE_FUNCTION`).
            None,
            move || F::call(ctx, module, args).map(Handle::into_raw),
        )
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn varargs_trampoline(
        module: CpyObject,
        items: *const CpyObject,
        nargs: isize,
    ) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_VARARGS {
                self_: module,
                args: items,
                nargs,
                result: ptr::null_mut(),
            };
            let typed: VarArgsImpl = Self::varargs_impl;
            let func = erase!(typed, VarArgsImpl);
            // SAFETY: the VARARGS argument struct for a VARARGS impl.
            unsafe { call_real(sys::HPyFunc_VARARGS, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes `nargs` live objects (METH_FASTCALL); handles are objects here.
        h2py(unsafe {
            Self::varargs_body(module_context(), py2h(module), items.cast(), nargs as usize)
        })
    }
}

impl<F: KeywordsFn> Trampolines<F> {
    /// HPy's `impl`. The body lives once, in the CPython-ABI trampoline (so the panic guard
    /// inlines into it); this only forwards there. Universal: the body itself.
    unsafe extern "C" fn keywords_impl(
        ctx: *mut sys::HPyContext,
        module: sys::HPy,
        items: *const sys::HPy,
        nargs: usize,
        kwnames: sys::HPy,
    ) -> sys::HPy {
        #[cfg(feature = "cpython-abi")]
        {
            let _ = ctx;
            // SAFETY: the same live handles, as the objects they are in this ABI.
            py2h(unsafe {
                Self::keywords_trampoline(h2py(module), items.cast(), nargs, h2py(kwnames))
            })
        }
        #[cfg(not(feature = "cpython-abi"))]
        // SAFETY: the caller's contract is the body's.
        unsafe {
            Self::keywords_body(ctx, module, items, nargs, kwnames)
        }
    }

    #[inline(always)]
    unsafe fn keywords_body(
        ctx: *mut sys::HPyContext,
        module: sys::HPy,
        items: *const sys::HPy,
        nargs: usize,
        kwnames: sys::HPy,
    ) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and open handles it closes itself:
        // `nargs` positionals followed by one value per name in `kwnames` (a tuple or NULL).
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let module = unsafe { Borrowed::from_raw(ctx, module) };
        let (kwnames, keyword) = if sys::HPy_IsNull(kwnames) {
            (None, 0)
        } else {
            // SAFETY: as above.
            let names = unsafe { Borrowed::from_raw(ctx, kwnames) };
            (Some(names), super::KeywordNames::new(names).len())
        };
        // SAFETY: as above.
        let args = unsafe { Args::new(ctx, items, nargs, keyword) };
        guard_function(
            ctx,
            F::NAME,
            F::MODULE_FUNCTION.then_some(module),
            move || F::call(ctx, module, args, kwnames).map(Handle::into_raw),
        )
    }

    // The one copy of the body (the CPython-ABI `impl` forwards here): inlined into the `impl`
    // as well, the panic guard's closure gets two callers and is no longer inlined itself.
    #[cfg_attr(feature = "cpython-abi", inline(never))]
    unsafe extern "C" fn keywords_trampoline(
        module: CpyObject,
        items: *const CpyObject,
        nargsf: usize,
        kwnames: CpyObject,
    ) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_KEYWORDS {
                self_: module,
                args: items,
                nargsf,
                kwnames,
                result: ptr::null_mut(),
            };
            let typed: KeywordsImpl = Self::keywords_impl;
            let func = erase!(typed, KeywordsImpl);
            // SAFETY: the KEYWORDS argument struct for a KEYWORDS impl.
            unsafe { call_real(sys::HPyFunc_KEYWORDS, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        {
            // Vectorcall may flag that args[-1] is writable; the count is the rest.
            let nargs = nargsf & !(1usize << (usize::BITS - 1));
            // SAFETY: CPython passes live objects (vectorcall convention); handles are objects here.
            h2py(unsafe {
                Self::keywords_body(
                    module_context(),
                    py2h(module),
                    items.cast(),
                    nargs,
                    py2h(kwnames),
                )
            })
        }
    }
}

impl<F: ModExecFn> Trampolines<F> {
    unsafe extern "C" fn exec_impl(ctx: *mut sys::HPyContext, module: sys::HPy) -> c_int {
        // SAFETY: HPy calls us with the live context and an open module handle.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let module = unsafe { Borrowed::from_raw(ctx, module) };
        guard(ctx, F::NAME, move || F::call(ctx, module).map(|()| 0))
    }

    unsafe extern "C" fn exec_trampoline(module: CpyObject) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_INQUIRY {
                arg0: module,
                result: 0,
            };
            let typed: ExecImpl = Self::exec_impl;
            let func = erase!(typed, ExecImpl);
            // SAFETY: the INQUIRY argument struct for a INQUIRY impl.
            unsafe { call_real(sys::HPyFunc_INQUIRY, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the live module object; it is the handle in this ABI.
        unsafe {
            Self::exec_impl(module_context(), py2h(module))
        }
    }
}

impl<F: ModCreateFn> Trampolines<F> {
    unsafe extern "C" fn create_impl(ctx: *mut sys::HPyContext, spec: sys::HPy) -> sys::HPy {
        // SAFETY: HPy calls us with the live context and an open spec handle it closes itself.
        let ctx = unsafe { Context::from_raw(ctx) };
        // SAFETY: as above.
        let spec = unsafe { Borrowed::from_raw(ctx, spec) };
        guard(ctx, F::NAME, move || {
            let pypy_spec;
            let spec = if ctx.runtime_is_pypy() {
                pypy_spec = pypy_module_spec(ctx, spec)?;
                pypy_spec.as_borrowed()
            } else {
                spec
            };
            let created = F::call(ctx, spec)?;
            check_not_a_module(ctx, &created)?;
            Ok(created.into_raw())
        })
    }

    unsafe extern "C" fn create_trampoline(
        spec: CpyObject,
        _def: *mut core::ffi::c_void,
    ) -> CpyObject {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut args = sys::_HPyFunc_args_MOD_CREATE {
                spec,
                result: ptr::null_mut(),
            };
            let typed: CreateImpl = Self::create_impl;
            let func = erase!(typed, CreateImpl);
            // SAFETY: the MOD_CREATE argument struct for a MOD_CREATE impl.
            unsafe { call_real(sys::HPyFunc_MOD_CREATE, func, &mut args) };
            args.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes the live spec object; it is the handle in this ABI.
        h2py(unsafe { Self::create_impl(module_context(), py2h(spec)) })
    }
}

/// PyPy 7.3.19 calls an `HPy_mod_create` function with a module object it made (named after the
/// module) where HPy promises the module spec, and the spec given to `hpy.universal.load` is not
/// passed on at all. So that `spec.name` works, the function gets
/// `importlib.machinery.ModuleSpec(<that module's name>, None)` instead; the rest of the real spec
/// (`origin`, `loader_state`) cannot be recovered (tests/pypy_bugs/modcreate_spec.c).
#[cold]
fn pypy_module_spec<'py>(ctx: Context<'py>, given: Borrowed<'py>) -> PyResult<Handle<'py>> {
    use crate::object::AnyHandle;
    let module_type = ctx.import("types")?.getattr("ModuleType")?;
    if !given.is_instance(&module_type)? {
        return Ok(given.dup());
    }
    let module_spec = ctx.import("importlib.machinery")?.getattr("ModuleSpec")?;
    module_spec.call((given.getattr("__name__")?, ctx.none()))
}

/// HPy 0.9 refuses a module object from an `HPy_mod_create` slot (its own C trampoline raises
/// this `SystemError`; the universal runtime leaks the object when it does). Checked here, in
/// both ABIs, so the object is closed and the error is the same everywhere.
fn check_not_a_module<'py>(ctx: Context<'py>, created: &Handle<'py>) -> PyResult<()> {
    use crate::object::AnyHandle;
    let module_type = ctx.import("types")?.getattr("ModuleType")?;
    if created.is_instance(&module_type)? {
        return Err(PyErr::system_error(
            "HPy_mod_create slot returned a builtin module object. This is currently not \
             supported.",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Definitions.

type NoArgsImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) -> sys::HPy;
type OImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, sys::HPy) -> sys::HPy;
type VarArgsImpl =
    unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *const sys::HPy, usize) -> sys::HPy;
type KeywordsImpl = unsafe extern "C" fn(
    *mut sys::HPyContext,
    sys::HPy,
    *const sys::HPy,
    usize,
    sys::HPy,
) -> sys::HPy;
type ExecImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) -> c_int;
type CreateImpl = unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy) -> sys::HPy;
type NoArgsTrampoline = unsafe extern "C" fn(CpyObject, CpyObject) -> CpyObject;
type OTrampoline = unsafe extern "C" fn(CpyObject, CpyObject) -> CpyObject;
type VarArgsTrampoline = unsafe extern "C" fn(CpyObject, *const CpyObject, isize) -> CpyObject;
type KeywordsTrampoline =
    unsafe extern "C" fn(CpyObject, *const CpyObject, usize, CpyObject) -> CpyObject;
type ExecTrampoline = unsafe extern "C" fn(CpyObject) -> c_int;
/// CPython's `Py_mod_create`: `PyObject *(PyObject *spec, PyModuleDef *def)` (`def` unused).
type CreateTrampoline = unsafe extern "C" fn(CpyObject, *mut core::ffi::c_void) -> CpyObject;

pub(super) const fn c_ptr(text: Option<&'static CStr>) -> *const core::ffi::c_char {
    match text {
        Some(text) => text.as_ptr(),
        None => ptr::null(),
    }
}

const fn meth(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    signature: sys::HPyFunc_Signature,
    impl_: sys::HPyCFunction,
    cpy_trampoline: sys::cpy_PyCFunction,
) -> sys::HPyDef {
    sys::HPyDef {
        kind: sys::HPyDef_Kind_Meth,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            meth: sys::HPyMeth {
                name: name.as_ptr(),
                impl_,
                cpy_trampoline,
                signature,
                doc: c_ptr(doc),
            },
        },
    }
}

/// The definition of a NOARGS module function.
pub const fn meth_noargs<F: NoArgsFn>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    let impl_: NoArgsImpl = Trampolines::<F>::noargs_impl;
    let trampoline: NoArgsTrampoline = Trampolines::<F>::noargs_trampoline;
    meth(
        name,
        doc,
        sys::HPyFunc_NOARGS,
        erase!(impl_, NoArgsImpl),
        erase_cpy!(trampoline, NoArgsTrampoline),
    )
}

/// The definition of an O (one argument) module function.
pub const fn meth_o<F: OneArgFn>(name: &'static CStr, doc: Option<&'static CStr>) -> sys::HPyDef {
    let impl_: OImpl = Trampolines::<F>::o_impl;
    let trampoline: OTrampoline = Trampolines::<F>::o_trampoline;
    meth(
        name,
        doc,
        sys::HPyFunc_O,
        erase!(impl_, OImpl),
        erase_cpy!(trampoline, OTrampoline),
    )
}

/// The definition of a VARARGS module function.
pub const fn meth_varargs<F: VarArgsFn>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    let impl_: VarArgsImpl = Trampolines::<F>::varargs_impl;
    let trampoline: VarArgsTrampoline = Trampolines::<F>::varargs_trampoline;
    meth(
        name,
        doc,
        sys::HPyFunc_VARARGS,
        erase!(impl_, VarArgsImpl),
        Some(trampoline), // already HPy's `cpy_PyCFunction` type: nothing to erase
    )
}

/// The definition of a KEYWORDS module function.
pub const fn meth_keywords<F: KeywordsFn>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    let impl_: KeywordsImpl = Trampolines::<F>::keywords_impl;
    let trampoline: KeywordsTrampoline = Trampolines::<F>::keywords_trampoline;
    meth(
        name,
        doc,
        sys::HPyFunc_KEYWORDS,
        erase!(impl_, KeywordsImpl),
        erase_cpy!(trampoline, KeywordsTrampoline),
    )
}

/// The typed `impl`/`cpy_trampoline` pair of a KEYWORDS function, erased (for `tp_call`).
pub(super) const fn keywords_pair<F: KeywordsFn>() -> (sys::HPyCFunction, sys::cpy_PyCFunction) {
    let impl_: KeywordsImpl = Trampolines::<F>::keywords_impl;
    let trampoline: KeywordsTrampoline = Trampolines::<F>::keywords_trampoline;
    (
        erase!(impl_, KeywordsImpl),
        erase_cpy!(trampoline, KeywordsTrampoline),
    )
}

/// The definition of an `HPy_mod_exec` slot.
pub const fn slot_mod_exec<F: ModExecFn>() -> sys::HPyDef {
    let impl_: ExecImpl = Trampolines::<F>::exec_impl;
    let trampoline: ExecTrampoline = Trampolines::<F>::exec_trampoline;
    sys::HPyDef {
        kind: sys::HPyDef_Kind_Slot,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            slot: sys::HPySlot {
                slot: sys::HPy_mod_exec,
                impl_: erase!(impl_, ExecImpl),
                cpy_trampoline: erase_cpy!(trampoline, ExecTrampoline),
            },
        },
    }
}

/// The definition of an `HPy_mod_create` slot. HPy requires it to be the module definition's
/// only entry, with no docstring and no globals (`#[hpy_module]` checks that).
pub const fn slot_mod_create<F: ModCreateFn>() -> sys::HPyDef {
    let impl_: CreateImpl = Trampolines::<F>::create_impl;
    let trampoline: CreateTrampoline = Trampolines::<F>::create_trampoline;
    sys::HPyDef {
        kind: sys::HPyDef_Kind_Slot,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            slot: sys::HPySlot {
                slot: sys::HPy_mod_create,
                impl_: erase!(impl_, CreateImpl),
                cpy_trampoline: erase_cpy!(trampoline, CreateTrampoline),
            },
        },
    }
}

/// A writable, `'static` `HPyDef`. HPy's runtime may write into definitions (it rewrites
/// member offsets in the universal ABI), so they cannot live in read-only memory.
#[repr(transparent)]
pub struct DefCell(UnsafeCell<sys::HPyDef>);

// SAFETY: only HPy's runtime writes to a definition, while it creates the module or type,
// which happens with the GIL (or the implementation's equivalent) held.
unsafe impl Sync for DefCell {}

impl DefCell {
    /// Wraps a definition.
    pub const fn new(def: sys::HPyDef) -> Self {
        DefCell(UnsafeCell::new(def))
    }

    pub(super) const fn as_ptr(&'static self) -> *mut sys::HPyDef {
        self.0.get()
    }
}

/// A NULL-terminated array of `N` definitions (`HPyDef **`).
#[repr(C)]
pub struct DefTable<const N: usize> {
    defs: UnsafeCell<[*mut sys::HPyDef; N]>,
    terminator: UnsafeCell<*mut sys::HPyDef>,
}

// SAFETY: as for `DefCell`: the runtime only reads (and may write) it under the GIL.
unsafe impl<const N: usize> Sync for DefTable<N> {}

impl<const N: usize> DefTable<N> {
    /// Collects the definitions; the terminating NULL is added here.
    pub const fn new(cells: [&'static DefCell; N]) -> Self {
        let mut defs = [ptr::null_mut(); N];
        let mut index = 0;
        while index < N {
            defs[index] = cells[index].as_ptr();
            index += 1;
        }
        DefTable {
            defs: UnsafeCell::new(defs),
            terminator: UnsafeCell::new(ptr::null_mut()),
        }
    }

    /// Concatenates `parts`; `N` must be their total length ([`defs_len`]).
    pub const fn from_slices(parts: &[&[&'static DefCell]]) -> Self {
        let mut defs = [ptr::null_mut(); N];
        let (mut part, mut index) = (0, 0);
        while part < parts.len() {
            let mut item = 0;
            while item < parts[part].len() {
                defs[index] = parts[part][item].as_ptr();
                index += 1;
                item += 1;
            }
            part += 1;
        }
        assert!(index == N, "DefTable length does not match its parts");
        DefTable {
            defs: UnsafeCell::new(defs),
            terminator: UnsafeCell::new(ptr::null_mut()),
        }
    }

    pub(super) const fn as_ptr(&'static self) -> *mut *mut sys::HPyDef {
        // `repr(C)`: the terminator directly follows the `N` pointers, and the pointer is taken
        // from the whole table (every byte of which is in an `UnsafeCell`), so C may read all
        // `N + 1` entries through it.
        (self as *const Self).cast_mut().cast()
    }
}

/// The total number of definitions in `parts` (the `N` of [`DefTable::from_slices`]).
pub const fn defs_len(parts: &[&[&'static DefCell]]) -> usize {
    let (mut part, mut total) = (0, 0);
    while part < parts.len() {
        total += parts[part].len();
        part += 1;
    }
    total
}

/// A writable, `'static` `HPyModuleDef`.
#[repr(transparent)]
pub struct ModuleDefCell(UnsafeCell<sys::HPyModuleDef>);

// SAFETY: read by the loader under the GIL, never written by us after construction.
unsafe impl Sync for ModuleDefCell {}

impl ModuleDefCell {
    /// A module definition with a docstring, its definitions (functions, exec slots) and
    /// its `HPyGlobal`s.
    pub const fn new<const N: usize, const G: usize>(
        doc: Option<&'static CStr>,
        defines: &'static DefTable<N>,
        globals: Option<&'static super::class::GlobalTable<G>>,
    ) -> Self {
        ModuleDefCell(UnsafeCell::new(sys::HPyModuleDef {
            doc: c_ptr(doc),
            size: 0,
            legacy_methods: ptr::null_mut(),
            defines: defines.as_ptr(),
            globals: match globals {
                Some(table) => table.as_ptr(),
                None => ptr::null_mut(),
            },
        }))
    }

    /// The pointer the loader wants.
    pub const fn as_ptr(&'static self) -> *mut sys::HPyModuleDef {
        self.0.get()
    }
}

// ---------------------------------------------------------------------------------------------
// Module entry points (called from the symbols `export_module!` generates).

/// Universal ABI: `HPyInitGlobalContext_<name>`.
///
/// # Safety
/// Only the HPy loader may call this, with the context the module's trampolines must use.
#[cfg(not(feature = "cpython-abi"))]
pub unsafe fn init_global_context(ctx: *mut sys::HPyContext) {
    // SAFETY: the loader's universal context, before any API call of this module.
    unsafe { sys::context_layout::adapt_to_context(ctx) };
    MODULE_CONTEXT.store(ctx, Ordering::Relaxed);
    // SAFETY: the live context the loader handed over, with the GIL held.
    super::raw::record_long_conversion(unsafe { Context::from_raw(ctx) });
}

/// CPython ABI: the body of `PyInit_<name>`: multi-phase init through HPy's runtime.
///
/// # Safety
/// Only CPython's import machinery may call this (with the GIL held).
#[cfg(feature = "cpython-abi")]
pub unsafe fn cpython_module_init(def: &'static ModuleDefCell) -> *mut core::ffi::c_void {
    // SAFETY: HPy's static CPython context, initialised by this first use, is a
    // `CPythonContext` (the generated layout of its struct); we hold the GIL, so nothing reads
    // our copy meanwhile (and a second import copies the same constants again).
    unsafe {
        let hpy_context = sys::shims::hpy_sys_cpython_context();
        ptr::copy_nonoverlapping(
            hpy_context.cast::<sys::CPythonContext>().cast_const(),
            CPYTHON_CONTEXT.0.get().cast::<sys::CPythonContext>(),
            1,
        );
    }
    // SAFETY: `def` is a complete, 'static module definition.
    unsafe { sys::cpython::_HPyModuleDef_AsPyInit(def.as_ptr()).cast() }
}

/// Emits the module's exported entry points for the ABI `hpy` was built with.
///
/// Generated by `#[hpy_module]`; not for direct use.
#[doc(hidden)]
#[macro_export]
#[cfg(not(feature = "cpython-abi"))]
macro_rules! __hpy_export_module {
    ($def:path, cpython: $py_init:ident, universal: [$major:ident, $minor:ident, $init_ctx:ident, $init:ident]) => {
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn $major() -> u32 {
            $crate::__private::sys::HPY_ABI_VERSION
        }
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn $minor() -> u32 {
            $crate::__private::sys::HPY_ABI_VERSION_MINOR
        }
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $init_ctx(ctx: *mut $crate::__private::sys::HPyContext) {
            // SAFETY: called by the HPy loader only.
            unsafe { $crate::__private::init_global_context(ctx) }
        }
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub extern "C" fn $init() -> *mut $crate::__private::sys::HPyModuleDef {
            $def.as_ptr()
        }
    };
}

/// Emits the module's exported entry points for the ABI `hpy` was built with.
///
/// Generated by `#[hpy_module]`; not for direct use.
#[doc(hidden)]
#[macro_export]
#[cfg(feature = "cpython-abi")]
macro_rules! __hpy_export_module {
    ($def:path, cpython: $py_init:ident, universal: [$major:ident, $minor:ident, $init_ctx:ident, $init:ident]) => {
        #[doc(hidden)]
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $py_init() -> *mut ::core::ffi::c_void {
            // SAFETY: called by CPython's import machinery only.
            unsafe { $crate::__private::cpython_module_init(&$def) }
        }
    };
}

/// The `HPyCallFunction` of a KEYWORDS function (what C HPy's `HPyDef_CALL_FUNCTION` makes):
/// the same `impl`/`cpy_trampoline` pair as a KEYWORDS method or `tp_call`, whose C signatures
/// are exactly `HPyFunc_keywords` and `vectorcallfunc`, so nothing is erased.
pub(super) const fn call_function_pair<F: KeywordsFn>() -> sys::HPyCallFunction {
    let impl_: KeywordsImpl = Trampolines::<F>::keywords_impl;
    let trampoline: KeywordsTrampoline = Trampolines::<F>::keywords_trampoline;
    sys::HPyCallFunction {
        cpy_trampoline: Some(trampoline),
        impl_: Some(impl_),
    }
}
