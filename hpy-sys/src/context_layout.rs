//! Where the last 19 function members of the universal context are, for the HPy that runs us.
//!
//! HPy 0.9.0 (the `hpy` package on PyPI, which CPython loads universal binaries with) ends its
//! context with the handle constant `h_Builtins` (member 243) followed by 19 functions,
//! `ctx_Capsule_New` (244) to `ctx_CallMethod` (262). The HPy that PyPy 7.3.19 bundles
//! (0.9.1.dev61) inserted a handle constant, `h_DictType`, right after `h_Builtins`: each of those
//! 19 functions sits one word later there, and a binary built against 0.9.0 that calls, say,
//! `ctx_Call` through the 0.9.0 offset calls `ctx_SetCallFunction` instead and crashes. (Its
//! `HPY_ABI_VERSION_MINOR` is still 0, so no loader notices.)
//!
//! [`adapt_to_context`] runs when the loader hands the module its context
//! (`HPyInitGlobalContext_<name>`) and records that shift; `member` applies it. Everything
//! before `h_DictType` is the same in both, so the other 161 functions and all 83 constants
//! are read as usual.
//!
//! How the layout is recognised: only on PyPy (every mode's context is named
//! "... (PyPy backend)"), and there by the word after `h_Builtins` in PyPy's universal context:
//! a handle is an index into PyPy's handle table, a small number, where a function pointer is
//! an address in a shared library. The debug and trace contexts wrap the universal one, which
//! is found through their private data (HPy's `HPyDebugCtxInfo` and `HPyTraceInfo`, checked by
//! their magic numbers). A PyPy whose HPy keeps the 0.9.0 layout keeps the 0.9.0 offsets.

use core::ffi::{c_long, CStr};
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::bindings::{HPy, HPyContext};

/// How many bytes after its HPy 0.9.0 offset each function member from `ctx_Capsule_New` on
/// is found: 0, or one word on PyPy's HPy.
static SHIFT_BYTES: AtomicUsize = AtomicUsize::new(0);

/// Whether the runtime that loaded this module is PyPy's (set with [`SHIFT_BYTES`]).
static RUNTIME_IS_PYPY: AtomicBool = AtomicBool::new(false);
/// Set by [`adapt_to_context`]: see [`runtime_is_debug`].
static RUNTIME_IS_DEBUG: AtomicBool = AtomicBool::new(false);

/// `magic_number` of HPy's `HPyDebugCtxInfo`, the private data of a debug context.
const DEBUG_CTX_INFO_MAGIC: c_long = 0xDDA003F;
/// `magic_number` of HPy's `HPyDebugInfo`, which holds the wrapped universal context.
const DEBUG_INFO_MAGIC: c_long = 0xDEB00FF;
/// `magic_number` of HPy's `HPyTraceInfo`, the private data of a trace context.
const TRACE_MAGIC: c_long = 0xF00BAA5;

/// The start of HPy's `HPyDebugInfo` and `HPyTraceInfo`.
#[repr(C)]
struct WrapperInfo {
    magic_number: c_long,
    uctx: *mut HPyContext,
}

/// The start of HPy's `HPyDebugCtxInfo`.
#[repr(C)]
struct DebugCtxInfo {
    magic_number: c_long,
    is_valid: bool,
    info: *const WrapperInfo,
}

/// The universal context a PyPy debug or trace context wraps (`ctx` itself when it wraps
/// none), or `None` when the private data is not what HPy's sources say it is.
///
/// # Safety
/// `ctx` must be a context handed over by PyPy's HPy, named `name`.
unsafe fn pypy_universal_context(ctx: *mut HPyContext, name: &[u8]) -> Option<*mut HPyContext> {
    // SAFETY: every read is of PyPy's debug or trace context, HPy's own C code, whose private
    // data starts as declared above; each magic number is checked before the pointer it
    // guards is followed.
    unsafe {
        let private = (*ctx)._private;
        if name.starts_with(b"HPy Debug Mode") {
            let ctx_info = private.cast::<DebugCtxInfo>();
            if ctx_info.is_null() || (*ctx_info).magic_number != DEBUG_CTX_INFO_MAGIC {
                return None;
            }
            let info = (*ctx_info).info;
            if info.is_null() || (*info).magic_number != DEBUG_INFO_MAGIC {
                return None;
            }
            Some((*info).uctx)
        } else if name.starts_with(b"HPy Trace Mode") {
            let info = private.cast::<WrapperInfo>();
            if info.is_null() || (*info).magic_number != TRACE_MAGIC {
                return None;
            }
            Some((*info).uctx)
        } else {
            Some(ctx)
        }
    }
}

/// Whether PyPy's universal context `uctx` has a handle (a small table index) after
/// `h_Builtins`.
///
/// # Safety
/// `uctx` must be PyPy's universal context.
unsafe fn has_handle_after_builtins(uctx: *mut HPyContext) -> bool {
    // SAFETY: `h_Builtins` is a member of both layouts, and so is the word after it (a function
    // pointer in 0.9.0, `h_DictType` in PyPy's), read as a plain word.
    let next = unsafe {
        core::ptr::addr_of!((*uctx).h_Builtins)
            .add(1)
            .cast::<usize>()
            .read()
    };
    // No shared library is mapped in the lowest 4 GiB of a 64-bit process's address space
    // that PyPy uses; its handle table is far smaller than that.
    next != 0 && next < (1 << 32)
}

/// Looks at the context the loader handed over and records where its last 19 function members
/// are. Call it before any API call, with every context the module is given (they all come
/// from the same runtime).
///
/// # Safety
/// `ctx` must be a universal `HPyContext` handed over by an HPy 0.9 loader.
pub unsafe fn adapt_to_context(ctx: *mut HPyContext) {
    // SAFETY: the caller's contract.
    let shift = match unsafe { pypy_context_name(ctx) } {
        Some(name) => {
            // SAFETY: a context PyPy handed over, with that name.
            match unsafe { pypy_universal_context(ctx, name) } {
                // SAFETY: PyPy's universal context.
                Some(uctx) if !uctx.is_null() && unsafe { has_handle_after_builtins(uctx) } => {
                    core::mem::size_of::<HPy>()
                }
                _ => 0,
            }
        }
        _ => 0,
    };
    SHIFT_BYTES.store(shift, Ordering::Relaxed);
    // SAFETY: the caller's contract.
    RUNTIME_IS_DEBUG.store(unsafe { is_debug_context(ctx) }, Ordering::Relaxed);
    // SAFETY: the caller's contract.
    RUNTIME_IS_PYPY.store(
        unsafe { pypy_context_name(ctx) }.is_some(),
        Ordering::Relaxed,
    );
}

/// `true` when the runtime that handed this module its context (see [`adapt_to_context`]) is
/// PyPy's: one load, for the places where hpy-rs works around PyPy's HPy.
#[inline(always)]
pub fn runtime_is_pypy() -> bool {
    RUNTIME_IS_PYPY.load(Ordering::Relaxed)
}

/// `true` when the context that handed this module its context (see [`adapt_to_context`]) is
/// HPy's debug mode ("HPy Debug Mode ABI", also PyPy's): for the calls that cost far more
/// there (`HPyUnicode_AsUTF8AndSize` maps and later protects a copy of the text).
#[inline(always)]
pub fn runtime_is_debug() -> bool {
    RUNTIME_IS_DEBUG.load(Ordering::Relaxed)
}

/// Whether `ctx` is a debug-mode context, by its name.
///
/// # Safety
/// `ctx` must be a universal `HPyContext` handed over by an HPy 0.9 loader.
unsafe fn is_debug_context(ctx: *mut HPyContext) -> bool {
    // SAFETY: every HPy context starts with its name, a static C string or NULL.
    let name = unsafe { (*ctx).name };
    // SAFETY: checked for NULL.
    !name.is_null()
        && unsafe { CStr::from_ptr(name) }
            .to_bytes()
            .starts_with(b"HPy Debug Mode")
}

/// The name of `ctx` if it is one of PyPy's contexts ("... (PyPy backend)").
///
/// # Safety
/// `ctx` must be a universal `HPyContext` handed over by an HPy 0.9 loader.
unsafe fn pypy_context_name<'a>(ctx: *mut HPyContext) -> Option<&'a [u8]> {
    // SAFETY: every HPy context starts with its name, a static C string (NULL only in
    // hand-made contexts, which are not PyPy's).
    let name = unsafe { (*ctx).name };
    // SAFETY: checked for NULL.
    let name = (!name.is_null()).then(|| unsafe { CStr::from_ptr(name) }.to_bytes())?;
    name.ends_with(b"(PyPy backend)").then_some(name)
}

/// The function member at `field` (a member from `ctx_Capsule_New` on, as HPy 0.9.0 places it),
/// read where the running HPy really keeps it.
///
/// # Safety
/// `field` must be the address, in the live universal context, of one of its function members from `ctx_Capsule_New` on; [`adapt_to_context`] must have seen this runtime's context.
#[inline(always)]
pub(crate) unsafe fn member<F: Copy>(field: *const Option<F>) -> F {
    let shift = SHIFT_BYTES.load(Ordering::Relaxed);
    // SAFETY: with a shift, the runtime's context is one word longer than HPy 0.9.0's, so the
    // shifted address is inside it; the runtime fills every function member.
    unsafe { field.byte_add(shift).read().unwrap_unchecked() }
}
