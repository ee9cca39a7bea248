//! Safe wrappers of the runtime families: warnings, fatal errors, exception classes made at run
//! time, errno errors, context variables, slices, and compiling/evaluating code.
//!
//! As in [`super::raw`]: handles come in as [`Borrowed`] (so they are open), owned results go
//! out as `Option<Handle>` (`None` = the call failed and an exception is set), and `int`
//! results keep HPy's convention (`-1` = an exception is set).

use core::ffi::{c_int, CStr};

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

/// `HPyErr_WarnEx`: `-1` with an exception set when the warning was turned into an error.
pub(crate) fn warn_ex(
    ctx: Context<'_>,
    category: Borrowed<'_>,
    message: &CStr,
    stack_level: isize,
) -> c_int {
    // SAFETY: open handle (a `Warning` subclass, checked by the caller), NUL-terminated message.
    unsafe { sys::HPyErr_WarnEx(ctx.as_ptr(), category.raw(), message.as_ptr(), stack_level) }
}

/// `HPyErr_NoMemory`: sets `MemoryError`.
pub(crate) fn no_memory(ctx: Context<'_>) {
    // SAFETY: live context; no other argument.
    unsafe { sys::HPyErr_NoMemory(ctx.as_ptr()) }
}

/// `HPy_FatalError`: prints `message` and aborts the process. HPy's inline version is
/// `noreturn` and calls `abort()` after the context function; so does this one, should the
/// runtime's function ever return.
pub(crate) fn fatal_error(ctx: Context<'_>, message: &CStr) -> ! {
    // SAFETY: live context, NUL-terminated message.
    unsafe { sys::HPy_FatalError(ctx.as_ptr(), message.as_ptr()) };
    std::process::abort()
}

/// `HPyErr_NewException` / `HPyErr_NewExceptionWithDoc` (when `doc` is given): a new exception
/// class named `name` ("module.Name"), with `base` (default `Exception`) and `dict`.
pub(crate) fn new_exception<'py>(
    ctx: Context<'py>,
    name: &CStr,
    doc: Option<&CStr>,
    base: Option<Borrowed<'_>>,
    dict: Option<Borrowed<'_>>,
) -> Option<Handle<'py>> {
    let base = base.map_or(sys::HPy_NULL, Borrowed::raw);
    let dict = dict.map_or(sys::HPy_NULL, Borrowed::raw);
    // SAFETY: NUL-terminated strings, open handles or HPy_NULL (which HPy documents as "the
    // default" for both); the result is a new handle.
    ctx.own(unsafe {
        match doc {
            Some(doc) => sys::HPyErr_NewExceptionWithDoc(
                ctx.as_ptr(),
                name.as_ptr(),
                doc.as_ptr(),
                base,
                dict,
            ),
            None => sys::HPyErr_NewException(ctx.as_ptr(), name.as_ptr(), base, dict),
        }
    })
}

/// `HPyErr_SetFromErrnoWithFilename`: raises `ty(errno, strerror(errno), filename)` from the
/// C `errno` of this thread. (Never with a NULL file name, which C allows: PyPy 7.3.19 crashes
/// on it. HPy's own `HPyErr_SetFromErrno` uses the `Objects` variant, as does hpy-rs.)
pub(crate) fn set_from_errno_with_filename(ctx: Context<'_>, ty: Borrowed<'_>, filename: &CStr) {
    // SAFETY: open handle (an exception class, checked by the caller); a NUL-terminated file
    // name. The result is always HPy_NULL (nothing to close).
    let _ =
        unsafe { sys::HPyErr_SetFromErrnoWithFilename(ctx.as_ptr(), ty.raw(), filename.as_ptr()) };
}

/// `HPyErr_SetFromErrnoWithFilenameObjects`: as above with file name objects (either may be
/// absent).
pub(crate) fn set_from_errno_with_filename_objects(
    ctx: Context<'_>,
    ty: Borrowed<'_>,
    filename1: Option<Borrowed<'_>>,
    filename2: Option<Borrowed<'_>>,
) {
    // SAFETY: open handles or HPy_NULL, which HPy accepts for both file names.
    unsafe {
        sys::HPyErr_SetFromErrnoWithFilenameObjects(
            ctx.as_ptr(),
            ty.raw(),
            filename1.map_or(sys::HPy_NULL, Borrowed::raw),
            filename2.map_or(sys::HPy_NULL, Borrowed::raw),
        )
    }
}

/// `HPyContextVar_New`.
pub(crate) fn context_var_new<'py>(
    ctx: Context<'py>,
    name: &CStr,
    default: Option<Borrowed<'_>>,
) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated name; open handle or HPy_NULL (no default).
    ctx.own(unsafe {
        sys::HPyContextVar_New(
            ctx.as_ptr(),
            name.as_ptr(),
            default.map_or(sys::HPy_NULL, Borrowed::raw),
        )
    })
}

/// `HPyContextVar_Get`: `Err(())` with an exception set, else `Ok` with the value (`None`:
/// the variable has no value and neither it nor the call gave a default).
#[allow(clippy::result_unit_err)]
pub(crate) fn context_var_get<'py>(
    ctx: Context<'py>,
    var: Borrowed<'_>,
    default: Option<Borrowed<'_>>,
) -> Result<Option<Handle<'py>>, ()> {
    let mut result = sys::HPy_NULL;
    // SAFETY: open handles or HPy_NULL; `result` is a valid place for the new handle, which
    // the call leaves HPy_NULL or sets to a new handle we then own.
    let status = unsafe {
        sys::HPyContextVar_Get(
            ctx.as_ptr(),
            var.raw(),
            default.map_or(sys::HPy_NULL, Borrowed::raw),
            &mut result,
        )
    };
    if status < 0 {
        // (A failed call sets no result.)
        return Err(());
    }
    Ok(ctx.own(result))
}

/// `HPyContextVar_Set`: the token.
pub(crate) fn context_var_set<'py>(
    ctx: Context<'py>,
    var: Borrowed<'_>,
    value: Borrowed<'_>,
) -> Option<Handle<'py>> {
    // SAFETY: open handles.
    ctx.own(unsafe { sys::HPyContextVar_Set(ctx.as_ptr(), var.raw(), value.raw()) })
}

/// `HPySlice_Unpack`: `(start, stop, step)` with `None` bounds made extreme, or `None` with an
/// exception set. Callers make sure `slice` is a `slice` (HPy does not check in every runtime).
pub(crate) fn slice_unpack(ctx: Context<'_>, slice: Borrowed<'_>) -> Option<(isize, isize, isize)> {
    let (mut start, mut stop, mut step) = (0, 0, 0);
    // SAFETY: an open handle to a slice; three valid out-pointers.
    let status = unsafe {
        sys::HPySlice_Unpack(ctx.as_ptr(), slice.raw(), &mut start, &mut stop, &mut step)
    };
    (status >= 0).then_some((start, stop, step))
}

/// `HPy_Compile_s`: `kind` is one of `HPy_SourceKind_{Expr,File,Single}`.
pub(crate) fn compile_s<'py>(
    ctx: Context<'py>,
    source: &CStr,
    filename: &CStr,
    kind: sys::HPy_SourceKind,
) -> Option<Handle<'py>> {
    // SAFETY: NUL-terminated strings; `kind` is one of the three values (the caller's enum).
    ctx.own(unsafe { sys::HPy_Compile_s(ctx.as_ptr(), source.as_ptr(), filename.as_ptr(), kind) })
}

/// `HPy_EvalCode`: callers check that `code` is a code object, `globals` a dict and `locals`
/// (default: `globals`) a mapping.
pub(crate) fn eval_code<'py>(
    ctx: Context<'py>,
    code: Borrowed<'_>,
    globals: Borrowed<'_>,
    locals: Option<Borrowed<'_>>,
) -> Option<Handle<'py>> {
    // CPython takes NULL locals as the globals; PyPy takes NULL as `None`, which `eval` also
    // reads as the globals. Passed explicitly, so that both see the same thing.
    let locals = locals.unwrap_or(globals);
    // SAFETY: open handles of the types the C API requires (checked by the caller).
    ctx.own(unsafe { sys::HPy_EvalCode(ctx.as_ptr(), code.raw(), globals.raw(), locals.raw()) })
}
