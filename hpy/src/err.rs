//! Python exceptions as Rust errors.
//!
//! HPy 0.9 has no way to fetch the exception the interpreter holds, so a [`PyErr`] is one of:
//! * **lazy**: an exception kind and a message, raised when the error reaches the boundary
//!   (or [`PyErr::restore`]); what Rust code creates;
//! * **pending**: the interpreter already holds the exception (a failed HPy call, or an
//!   exception raised from a handle). It is left exactly as Python set it.
//!
//! A pending error must be propagated (`?`, returning `Err`) or handled with
//! [`PyErr::clear`]. Dropping it otherwise would let the function return a value while an
//! exception is set, so its `Drop` panics, and the boundary reports that as a `SystemError`.

use std::any::Any;
use std::borrow::Cow;
use std::ffi::CString;
use std::fmt;

use crate::ffi::raw;
use crate::ffi::{Borrowed, Context};
use crate::types::ExceptionKind;

/// The result of anything that can raise a Python exception.
pub type PyResult<T> = Result<T, PyErr>;

/// A Python exception, raised or to be raised: *lazy* (a kind and a message, raised when it
/// reaches Python) or *pending* (the interpreter already holds it; propagate it or
/// [`PyErr::clear`] it).
pub struct PyErr {
    /// The exception to raise, or `None` when the interpreter already holds it (pending). One
    /// word, so that a `PyResult` of a word-sized value is returned in registers.
    lazy: Option<Box<Lazy>>,
}

struct Lazy {
    kind: LazyKind,
    message: Cow<'static, str>,
    /// The message starts with the called function's name (`f() takes ...`): an error about
    /// a call's arguments (see [`PyErr::argument_error`]).
    about_arguments: bool,
}

#[derive(Clone, Copy)]
enum LazyKind {
    Builtin(ExceptionKind),
    /// An exception type a module created (`#[hpy_exception]`), kept in its global.
    Custom {
        name: &'static str,
        global: &'static crate::HPyGlobal,
    },
    /// `OSError(errno, message)`, whose class Python picks from `errno` when it is raised;
    /// `kind` is that class as far as Rust knows it (see [`errno_kind`]).
    Os {
        errno: i32,
        kind: ExceptionKind,
    },
}

/// `PyErr::type_error(msg)` and friends: shortcuts for the most common builtin exceptions.
macro_rules! shortcuts {
    ($($name:ident => $kind:ident;)*) => {
        impl PyErr {
            $(
                #[doc = concat!("`", stringify!($kind), "(message)`.")]
                pub fn $name(message: impl Into<Cow<'static, str>>) -> PyErr {
                    PyErr::new(ExceptionKind::$kind, message)
                }
            )*
        }
    };
}

shortcuts! {
    type_error => TypeError;
    value_error => ValueError;
    overflow_error => OverflowError;
    index_error => IndexError;
    key_error => KeyError;
    runtime_error => RuntimeError;
    zero_division_error => ZeroDivisionError;
    system_error => SystemError;
    attribute_error => AttributeError;
    not_implemented_error => NotImplementedError;
    memory_error => MemoryError;
}

impl PyErr {
    /// An exception of a builtin kind with a message, raised when it reaches Python.
    pub fn new(kind: ExceptionKind, message: impl Into<Cow<'static, str>>) -> PyErr {
        PyErr {
            lazy: Some(Box::new(Lazy {
                kind: LazyKind::Builtin(kind),
                message: message.into(),
                about_arguments: false,
            })),
        }
    }

    /// An exception of a type the module defined with `#[hpy_exception]` (usually written
    /// `MyError::new_err(message)`), raised when it reaches Python.
    pub fn from_exception<E: crate::PyException>(message: impl Into<Cow<'static, str>>) -> PyErr {
        PyErr {
            lazy: Some(Box::new(Lazy {
                kind: LazyKind::Custom {
                    name: E::NAME,
                    global: E::GLOBAL,
                },
                message: message.into(),
                about_arguments: false,
            })),
        }
    }

    /// Raises `exception_type(message)` now, where `exception_type` is any exception class
    /// (for example one the module created), and returns the pending error.
    /// Anything else than an exception class gives Python's `TypeError: exceptions must derive
    /// from BaseException`, as `raise 42` does.
    pub fn raise_type(ctx: Context<'_>, exception_type: Borrowed<'_>, message: &str) -> PyErr {
        let base = ExceptionKind::BaseException.type_object(ctx);
        if !raw::is_subtype(ctx, exception_type, base) {
            return PyErr::type_error("exceptions must derive from BaseException");
        }
        let message = c_message(message);
        raw::err_set_string(ctx, exception_type, &message);
        PyErr::pending()
    }

    /// Raises an exception object now (like Python's `raise obj`) and returns the pending error.
    /// If `exception` is an exception class rather than an instance, it is raised without arguments.
    pub fn raise_object(ctx: Context<'_>, exception: Borrowed<'_>) -> PyErr {
        use crate::object::AnyHandle;
        let base = ExceptionKind::BaseException.type_object(ctx);
        if exception.is_instance_of(crate::BuiltinType::Type) {
            // `raise SomeError` instantiates the class first.
            return match exception.call(()) {
                Ok(instance) if matches!(instance.is_instance(&base), Ok(true)) => {
                    PyErr::raise_object(ctx, instance.as_borrowed())
                }
                Ok(_) => PyErr::type_error("exceptions must derive from BaseException"),
                Err(err) => err,
            };
        }
        if !matches!(exception.is_instance(&base), Ok(true)) {
            return PyErr::type_error("exceptions must derive from BaseException");
        }
        let ty = exception.get_type();
        raw::err_set_object(ctx, ty.as_borrowed(), exception);
        PyErr::pending()
    }

    /// The error for an HPy call that just failed: the interpreter holds the exception.
    ///
    /// HPy's contract is that a failing call sets an exception, so nothing is checked on this
    /// hot path (debug builds assert it); should a buggy callee break the contract anyway, the
    /// interpreter reports `SystemError("error return without exception set")` itself.
    #[inline(always)]
    pub fn fetch(ctx: Context<'_>) -> PyErr {
        debug_assert!(
            raw::err_occurred(ctx),
            "an HPy call failed without setting an exception"
        );
        let _ = ctx;
        PyErr::pending()
    }

    #[inline(always)]
    pub(crate) fn pending() -> PyErr {
        PyErr { lazy: None }
    }

    /// The lazy error, if any, taken without running `Drop` (which reports a pending error
    /// dropped unhandled): for the methods that consume the error by handling it.
    #[inline(always)]
    fn into_lazy(self) -> Option<Box<Lazy>> {
        core::mem::ManuallyDrop::new(self).lazy.take()
    }

    /// `true` if the interpreter already holds this exception.
    pub fn is_pending(&self) -> bool {
        self.lazy.is_none()
    }

    /// A lazy built-in exception of kind `from` turned into one of kind `to` with the same
    /// message; any other error as it is.
    pub(crate) fn convert_kind(mut self, from: ExceptionKind, to: ExceptionKind) -> PyErr {
        if let Some(lazy) = &mut self.lazy {
            if matches!(lazy.kind, LazyKind::Builtin(kind) if kind == from) {
                lazy.kind = LazyKind::Builtin(to);
            }
        }
        self
    }

    /// The kind of a lazy error (`None` for a pending one: ask [`PyErr::matches`]).
    pub fn kind(&self) -> Option<ExceptionKind> {
        match &self.lazy {
            Some(lazy) => match lazy.kind {
                LazyKind::Builtin(kind) | LazyKind::Os { kind, .. } => Some(kind),
                LazyKind::Custom { .. } => None,
            },
            None => None,
        }
    }

    /// Whether this error is an instance of `kind` (like `except kind:`).
    pub fn matches(&self, ctx: Context<'_>, kind: ExceptionKind) -> bool {
        match &self.lazy {
            Some(lazy) => {
                let target = kind.type_object(ctx);
                match lazy.kind {
                    LazyKind::Builtin(own) | LazyKind::Os { kind: own, .. } => {
                        let ty = own.type_object(ctx);
                        raw::is(ctx, ty, target)
                            || crate::object::is_subclass(ctx, ty, target).unwrap_or(false)
                    }
                    LazyKind::Custom { global, .. } => match global.load(ctx) {
                        Some(ty) => crate::object::is_subclass(ctx, ty.as_borrowed(), target)
                            .unwrap_or(false),
                        None => false,
                    },
                }
            }
            None => raw::err_matches(ctx, kind.type_object(ctx)),
        }
    }

    /// Handles the error: clears the interpreter's exception if it holds one.
    pub fn clear(self, ctx: Context<'_>) {
        if self.into_lazy().is_none() {
            raw::err_clear(ctx);
        }
    }

    /// Raises the error in the interpreter (a pending one already is).
    #[inline(always)]
    pub fn restore(self, ctx: Context<'_>) {
        // A pending error is already raised: leave the interpreter's exception exactly as it is.
        if let Some(lazy) = self.into_lazy() {
            // By value: the box is freed inside the cold function, so the hot caller has no
            // cleanup (landing pad) for it and can keep its frame off the fast path.
            raise_lazy(ctx, lazy);
        }
    }

    /// Raises the error (a pending one already is) and returns `error`, the value that tells
    /// HPy a call failed. For the boundary: a pending error costs nothing more, so a failed
    /// HPy call's `NULL` can be passed on as it is; a lazy one is raised out of line, by a
    /// tail call that keeps the caller free of stack slots and cleanups for it.
    #[inline(always)]
    pub(crate) fn raise_returning<R>(self, ctx: Context<'_>, error: R) -> R {
        // Consumed before the call (nothing is left to drop): no cleanup for it if the raising
        // call unwinds, so it need not be kept in memory.
        match self.into_lazy() {
            Some(lazy) => raise_lazy_returning(ctx, lazy, error),
            None => error,
        }
    }

    /// A `TypeError` about a call's arguments whose message starts with the function's name
    /// (`"f() takes at most 2 arguments (3 given)"`). Raised from a module function, the name
    /// gets the module's prefix (`mod.f() ...`) where the interpreter's own argument errors
    /// have it (CPython 3.9 and later, for the functions HPy checks itself), so that every
    /// function of a module speaks in one form.
    #[cold]
    pub fn argument_error(message: impl Into<Cow<'static, str>>) -> PyErr {
        let mut err = PyErr::type_error(message);
        if let Some(lazy) = &mut err.lazy {
            lazy.about_arguments = true;
        }
        err
    }

    /// [`PyErr::argument_error`]'s prefix: `module.` before the message of an error about the
    /// arguments of one of `module`'s functions, when the interpreter names functions so.
    #[cold]
    pub(crate) fn qualified_by_module(mut self, module: Borrowed<'_>) -> PyErr {
        if let Some(lazy) = &mut self.lazy {
            if lazy.about_arguments && crate::object::interpreter_qualifies_functions(module) {
                if let Some(name) = crate::object::module_name(module) {
                    lazy.message = format!("{name}.{}", lazy.message).into();
                }
            }
        }
        self
    }

    /// Prefixes a lazy error's message with the function and parameter it came from
    /// (`"f() argument 'x': ..."`); a pending error keeps Python's own message.
    #[cold]
    pub fn with_argument(mut self, function: &str, parameter: &str) -> PyErr {
        if let Some(lazy) = &mut self.lazy {
            lazy.message = format!("{function}() argument '{parameter}': {}", lazy.message).into();
            lazy.about_arguments = true;
        }
        // `black_box`: otherwise the optimizer sees that the result is always `self` and has
        // callers keep their own copy of `self` across the call (in a callee-saved register).
        core::hint::black_box(self)
    }

    /// Prefixes a lazy error's message with where it happened (`"item 3: ..."`).
    pub fn with_context(mut self, context: &str) -> PyErr {
        if let Some(lazy) = &mut self.lazy {
            lazy.message = format!("{context}: {}", lazy.message).into();
        }
        self
    }

    /// The error for a Rust panic at the boundary: `SystemError("Rust panic in f(): msg")`.
    pub(crate) fn from_panic(function: &str, payload: Box<dyn Any + Send>) -> PyErr {
        let message = if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_owned()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "(a panic payload that is not a string)".to_owned()
        };
        // A pending error dropped while unwinding leaves its exception set: replace it.
        PyErr::system_error(format!("Rust panic in {function}(): {message}"))
    }
}

// Takes the box itself (not `&Lazy`): the caller then has no drop of its own to run after
// the call, so the raising path leaves no cleanup block in every trampoline (measured).
#[cold]
#[inline(never)]
#[allow(clippy::boxed_local)]
fn raise_lazy(ctx: Context<'_>, lazy: Box<Lazy>) {
    let message = c_message(&lazy.message);
    match lazy.kind {
        LazyKind::Builtin(kind) => raw::err_set_string(ctx, kind.type_object(ctx), &message),
        LazyKind::Custom { name, global } => match global.load(ctx) {
            Some(ty) => raw::err_set_string(ctx, ty.as_borrowed(), &message),
            None => {
                let message = c_message(&format!(
                    "exception {name} was not created by its module: {}",
                    lazy.message
                ));
                raw::err_set_string(ctx, ExceptionKind::SystemError.type_object(ctx), &message)
            }
        },
        LazyKind::Os { errno, .. } => raise_os_error(ctx, errno, &lazy.message),
    }
}

/// [`raise_lazy`], then `value`.
#[cold]
#[inline(never)]
fn raise_lazy_returning<R>(ctx: Context<'_>, lazy: Box<Lazy>, value: R) -> R {
    raise_lazy(ctx, lazy);
    // `black_box`: a result known to be constant would be propagated into the callers, which
    // would then return it themselves after the call instead of tail-calling (and merge that
    // return with the successful one, keeping the result in a saved register across the call).
    core::hint::black_box(value)
}

impl fmt::Debug for LazyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LazyKind::Builtin(kind) | LazyKind::Os { kind, .. } => fmt::Debug::fmt(kind, f),
            LazyKind::Custom { name, .. } => f.write_str(name),
        }
    }
}

/// A message as a C string; interior NULs (which C cannot carry) become U+FFFD.
fn c_message(message: &str) -> CString {
    CString::new(message).unwrap_or_else(|_| {
        CString::new(message.replace('\0', "\u{fffd}")).expect("NULs were replaced")
    })
}

impl Drop for PyErr {
    fn drop(&mut self) {
        if self.lazy.is_none() && !std::thread::panicking() {
            panic!(
                "a PyErr holding a raised Python exception was dropped: propagate it with `?` \
                 or handle it with `err.clear(ctx)`"
            );
        }
    }
}

impl fmt::Debug for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.lazy {
            Some(lazy) => write!(f, "PyErr({:?}: {})", lazy.kind, lazy.message),
            None => f.write_str("PyErr(<raised in the interpreter>)"),
        }
    }
}

impl fmt::Display for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.lazy {
            Some(lazy) => write!(f, "{:?}: {}", lazy.kind, lazy.message),
            None => f.write_str("a Python exception is set in the interpreter"),
        }
    }
}

impl std::error::Error for PyErr {}

impl From<std::num::TryFromIntError> for PyErr {
    fn from(_: std::num::TryFromIntError) -> PyErr {
        PyErr::overflow_error("integer out of range")
    }
}

/// A failed `try_reserve` is a `MemoryError`, as when CPython cannot allocate: sizes that come
/// from the caller (`"x" * n`, `zeros(n)`) should be reserved this way rather than with
/// `Vec::with_capacity`, which aborts the process when the allocation fails.
impl From<std::collections::TryReserveError> for PyErr {
    fn from(_: std::collections::TryReserveError) -> PyErr {
        PyErr::memory_error("")
    }
}

impl From<std::str::Utf8Error> for PyErr {
    fn from(err: std::str::Utf8Error) -> PyErr {
        PyErr::value_error(err.to_string())
    }
}

impl From<std::fmt::Error> for PyErr {
    fn from(err: std::fmt::Error) -> PyErr {
        PyErr::runtime_error(err.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Warnings, fatal errors, exception classes made at run time, errno and `std::io::Error`.

/// A class given either as a builtin [`ExceptionKind`] or as a handle to any class object: what
/// [`warn`] and the errno constructors ([`PyErr::from_errno`]) take.
pub trait ExceptionClass<'py> {
    /// The class object, borrowed for as long as `self` is.
    fn class_object<'a>(&'a self, ctx: Context<'py>) -> Borrowed<'a>
    where
        'py: 'a;
}

impl<'py> ExceptionClass<'py> for ExceptionKind {
    fn class_object<'a>(&'a self, ctx: Context<'py>) -> Borrowed<'a>
    where
        'py: 'a,
    {
        self.type_object(ctx)
    }
}

impl<'py> ExceptionClass<'py> for Borrowed<'py> {
    fn class_object<'a>(&'a self, _ctx: Context<'py>) -> Borrowed<'a>
    where
        'py: 'a,
    {
        *self
    }
}

impl<'py> ExceptionClass<'py> for crate::Handle<'py> {
    fn class_object<'a>(&'a self, _ctx: Context<'py>) -> Borrowed<'a>
    where
        'py: 'a,
    {
        self.as_borrowed()
    }
}

impl<'py, T: ExceptionClass<'py> + ?Sized> ExceptionClass<'py> for &T {
    fn class_object<'a>(&'a self, ctx: Context<'py>) -> Borrowed<'a>
    where
        'py: 'a,
    {
        (**self).class_object(ctx)
    }
}

/// `warnings.warn(message, category, stacklevel)` (HPy's `HPyErr_WarnEx`): `category` must be a
/// subclass of `Warning`; `stack_level` 1 blames the Python code that called the Rust function,
/// 2 its caller, and so on. When a warnings filter turns the warning into an exception (e.g.
/// `warnings.simplefilter("error")`), that exception is the `Err`.
pub fn warn<'py>(
    ctx: Context<'py>,
    category: impl ExceptionClass<'py>,
    message: &str,
    stack_level: isize,
) -> PyResult<()> {
    let category = category.class_object(ctx);
    let warning = ExceptionKind::Warning.type_object(ctx);
    if !raw::is_subtype(ctx, category, warning) {
        // Python's `warnings.warn` refuses it before warning, with this Python's words (which
        // changed in 3.15); ours should it ever accept it.
        use crate::object::AnyHandle;
        let refused = ctx
            .import("warnings")?
            .getattr("warn")?
            .call((message, category));
        return Err(match refused {
            Err(err) => err,
            Ok(_) => PyErr::type_error(format!(
                "category must be a Warning subclass, not '{}'",
                category.type_name()
            )),
        });
    }
    let message = c_message(message);
    if runtime_calls::warn_ex(ctx, category, &message, stack_level) < 0 {
        return Err(PyErr::fetch(ctx));
    }
    Ok(())
}

/// Ends the process at once, as HPy's `HPy_FatalError` (CPython's `Py_FatalError`) does: prints
/// `message` (with "Fatal Python error" and the Python stack, on CPython) to stderr and aborts.
/// For states the program cannot recover from; everything else should raise.
pub fn fatal_error(ctx: Context<'_>, message: &str) -> ! {
    runtime_calls::fatal_error(ctx, &c_message(message))
}

impl PyErr {
    /// Raises `MemoryError()` now, exactly as CPython's `PyErr_NoMemory` does (HPy's
    /// `HPyErr_NoMemory`), and returns the pending error. [`PyErr::memory_error`] is the lazy
    /// equivalent with a message.
    pub fn no_memory(ctx: Context<'_>) -> PyErr {
        runtime_calls::no_memory(ctx);
        PyErr::pending()
    }

    /// A new exception class, made at run time (HPy's `HPyErr_NewException[WithDoc]`, Python's
    /// `class Name(base): ...` in module `module`): `name` is `"module.Name"`, `base` the base
    /// class (`Exception` when `None`; for a builtin one, `ExceptionKind::X.type_object(ctx)`),
    /// `dict` a `dict` of class attributes. Returns the class.
    pub fn new_exception_type<'py>(
        ctx: Context<'py>,
        name: &str,
        doc: Option<&str>,
        base: Option<Borrowed<'_>>,
        dict: Option<Borrowed<'_>>,
    ) -> PyResult<crate::Handle<'py>> {
        use crate::object::AnyHandle;
        if !name.contains('.') {
            // CPython's C API answers this misuse with a `SystemError`; a safe API refuses the
            // argument itself.
            return Err(PyErr::value_error(format!(
                "an exception name must be 'module.Name', got '{name}'"
            )));
        }
        if let Some(base) = base {
            if !raw::is_subtype(ctx, base, ExceptionKind::BaseException.type_object(ctx)) {
                return Err(PyErr::type_error(format!(
                    "an exception base must be a subclass of BaseException, not '{}'",
                    crate::object::repr_string(base).unwrap_or_else(|| base.type_name())
                )));
            }
        }
        if let Some(dict) = dict {
            let dict_type = ctx.builtins().getitem("dict")?;
            if !dict.is_instance(&dict_type)? {
                return Err(PyErr::type_error(format!(
                    "an exception's namespace must be a dict, not '{}'",
                    dict.type_name()
                )));
            }
        }
        let name = c_str_arg(name)?;
        let doc = doc.map(c_str_arg).transpose()?;
        crate::object::check(
            ctx,
            runtime_calls::new_exception(ctx, &name, doc.as_deref(), base, dict),
        )
    }

    /// Raises `class(errno, strerror(errno))` now from the C `errno` of this thread (HPy's
    /// `HPyErr_SetFromErrno`): call it right after the C function that failed, before anything
    /// else can change `errno`. With `OSError` as `class`, Python picks the subclass for
    /// `errno` (`FileNotFoundError` for `ENOENT`, ...). Anything but an exception class gives
    /// `TypeError`.
    pub fn from_errno<'py>(ctx: Context<'py>, class: impl ExceptionClass<'py>) -> PyErr {
        PyErr::errno_call(ctx, class.class_object(ctx), |ty| {
            runtime_calls::set_from_errno_with_filename_objects(ctx, ty, None, None)
        })
    }

    /// [`PyErr::from_errno`] with a file name: `class(errno, strerror(errno), filename)` (HPy's
    /// `HPyErr_SetFromErrnoWithFilename`).
    pub fn from_errno_with_filename<'py>(
        ctx: Context<'py>,
        class: impl ExceptionClass<'py>,
        filename: &str,
    ) -> PyErr {
        let filename = match c_str_arg(filename) {
            Ok(filename) => filename,
            Err(err) => return err,
        };
        PyErr::errno_call(ctx, class.class_object(ctx), |ty| {
            runtime_calls::set_from_errno_with_filename(ctx, ty, &filename)
        })
    }

    /// [`PyErr::from_errno`] with file name objects (either may be `None`; the second is for
    /// two-path calls such as `rename`): `class(errno, strerror, filename1, None, filename2)`
    /// (HPy's `HPyErr_SetFromErrnoWithFilenameObjects`).
    pub fn from_errno_with_filename_objects<'py>(
        ctx: Context<'py>,
        class: impl ExceptionClass<'py>,
        filename1: Option<Borrowed<'_>>,
        filename2: Option<Borrowed<'_>>,
    ) -> PyErr {
        PyErr::errno_call(ctx, class.class_object(ctx), |ty| {
            runtime_calls::set_from_errno_with_filename_objects(ctx, ty, filename1, filename2)
        })
    }

    fn errno_call(ctx: Context<'_>, class: Borrowed<'_>, set: impl FnOnce(Borrowed<'_>)) -> PyErr {
        // (Two type queries, which make no system call: `errno` is still the caller's.)
        if !raw::is_subtype(ctx, class, ExceptionKind::BaseException.type_object(ctx)) {
            return PyErr::type_error("exceptions must derive from BaseException");
        }
        set(class);
        PyErr::pending()
    }
}

/// The exception class CPython picks for `OSError(errno, ...)` (`Objects/exceptions.c`), as far
/// as it can be known without asking Python: the errno values of this platform that Rust
/// classifies, and on Linux the complete table.
fn errno_kind(errno: i32) -> ExceptionKind {
    #[cfg(target_os = "linux")]
    {
        let kind = match errno {
            1 | 13 => Some(ExceptionKind::PermissionError), // EPERM, EACCES
            2 => Some(ExceptionKind::FileNotFoundError),    // ENOENT
            3 => Some(ExceptionKind::ProcessLookupError),   // ESRCH
            4 => Some(ExceptionKind::InterruptedError),     // EINTR
            10 => Some(ExceptionKind::ChildProcessError),   // ECHILD
            11 | 114 | 115 => Some(ExceptionKind::BlockingIOError), // EAGAIN, EALREADY, EINPROGRESS
            17 => Some(ExceptionKind::FileExistsError),     // EEXIST
            20 => Some(ExceptionKind::NotADirectoryError),  // ENOTDIR
            21 => Some(ExceptionKind::IsADirectoryError),   // EISDIR
            32 | 108 => Some(ExceptionKind::BrokenPipeError), // EPIPE, ESHUTDOWN
            103 => Some(ExceptionKind::ConnectionAbortedError), // ECONNABORTED
            104 => Some(ExceptionKind::ConnectionResetError), // ECONNRESET
            110 => Some(ExceptionKind::TimeoutError),       // ETIMEDOUT
            111 => Some(ExceptionKind::ConnectionRefusedError), // ECONNREFUSED
            _ => None,
        };
        if let Some(kind) = kind {
            return kind;
        }
        ExceptionKind::OSError
    }
    #[cfg(not(target_os = "linux"))]
    {
        let kind = io_kind(std::io::Error::from_raw_os_error(errno).kind());
        if matches!(kind, ExceptionKind::MemoryError | ExceptionKind::EOFError) {
            ExceptionKind::OSError
        } else {
            kind
        }
    }
}

/// The exception class for an [`std::io::ErrorKind`] that carries no `errno`.
fn io_kind(kind: std::io::ErrorKind) -> ExceptionKind {
    use std::io::ErrorKind as K;
    match kind {
        K::NotFound => ExceptionKind::FileNotFoundError,
        K::PermissionDenied => ExceptionKind::PermissionError,
        K::ConnectionRefused => ExceptionKind::ConnectionRefusedError,
        K::ConnectionReset => ExceptionKind::ConnectionResetError,
        K::ConnectionAborted => ExceptionKind::ConnectionAbortedError,
        K::BrokenPipe => ExceptionKind::BrokenPipeError,
        K::AlreadyExists => ExceptionKind::FileExistsError,
        K::WouldBlock => ExceptionKind::BlockingIOError,
        K::Interrupted => ExceptionKind::InterruptedError,
        K::TimedOut => ExceptionKind::TimeoutError,
        K::OutOfMemory => ExceptionKind::MemoryError,
        K::UnexpectedEof => ExceptionKind::EOFError,
        _ => ExceptionKind::OSError,
    }
}

/// Raises `OSError(errno, message)`: Python's constructor picks the subclass for `errno`.
fn raise_os_error(ctx: Context<'_>, errno: i32, message: &str) {
    use crate::object::AnyHandle;
    let class = ExceptionKind::OSError.type_object(ctx);
    match class.call((errno, message)) {
        Ok(exception) => {
            let ty = exception.get_type();
            raw::err_set_object(ctx, ty.as_borrowed(), exception.as_borrowed());
        }
        Err(err) => err.restore(ctx),
    }
}

/// An I/O error as the exception CPython raises for it: one with an OS error number becomes
/// `OSError(errno, strerror)`, whose class Python picks from the number exactly as for its own
/// errors (`FileNotFoundError` for `ENOENT`, `PermissionError` for `EACCES`, ...); any other
/// becomes the class of its [`ErrorKind`](std::io::ErrorKind) (`NotFound` → `FileNotFoundError`,
/// `OutOfMemory` → `MemoryError`, `UnexpectedEof` → `EOFError`, ..., else `OSError`) with the
/// error's text.
impl From<std::io::Error> for PyErr {
    fn from(err: std::io::Error) -> PyErr {
        match err.raw_os_error() {
            Some(errno) => {
                // std's text is C's `strerror` followed by " (os error N)".
                let text = err.to_string();
                let suffix = format!(" (os error {errno})");
                let message = text.strip_suffix(&suffix).unwrap_or(&text).to_owned();
                PyErr {
                    lazy: Some(Box::new(Lazy {
                        kind: LazyKind::Os {
                            errno,
                            kind: errno_kind(errno),
                        },
                        message: message.into(),
                        about_arguments: false,
                    })),
                }
            }
            None => PyErr::new(io_kind(err.kind()), err.to_string()),
        }
    }
}

/// A string argument as a C string; an interior NUL is Python's `ValueError`.
fn c_str_arg(text: &str) -> PyResult<CString> {
    CString::new(text).map_err(|_| PyErr::value_error("embedded null character"))
}

use crate::ffi::runtime_calls;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_errors_carry_kind_and_message() {
        let err = PyErr::value_error("bad value");
        assert_eq!(err.kind(), Some(ExceptionKind::ValueError));
        assert!(!err.is_pending());
        assert_eq!(err.to_string(), "ValueError: bad value");
    }

    #[test]
    fn argument_context_prefixes_lazy_messages() {
        let err = PyErr::type_error("expected int, got 'str'").with_argument("add", "a");
        assert_eq!(
            err.to_string(),
            "TypeError: add() argument 'a': expected int, got 'str'"
        );
        let nested = PyErr::type_error("expected float")
            .with_context("item 2")
            .with_argument("mean", "values");
        assert_eq!(
            nested.to_string(),
            "TypeError: mean() argument 'values': item 2: expected float"
        );
    }

    #[test]
    fn rust_errors_convert_to_python_kinds() {
        let overflow: PyErr = u8::try_from(300i32).unwrap_err().into();
        assert_eq!(overflow.kind(), Some(ExceptionKind::OverflowError));
        let invalid = vec![0xffu8];
        let utf8: PyErr = std::str::from_utf8(&invalid).unwrap_err().into();
        assert_eq!(utf8.kind(), Some(ExceptionKind::ValueError));
    }

    #[test]
    fn panics_become_system_errors_with_the_message() {
        let payload = std::panic::catch_unwind(|| panic!("boom {}", 42)).unwrap_err();
        let err = PyErr::from_panic("f", payload);
        assert_eq!(err.to_string(), "SystemError: Rust panic in f(): boom 42");
        let payload = std::panic::catch_unwind(|| std::panic::panic_any(7u8)).unwrap_err();
        assert!(PyErr::from_panic("g", payload)
            .to_string()
            .contains("not a string"));
    }

    #[test]
    #[should_panic(expected = "was dropped")]
    fn dropping_a_raised_exception_is_reported() {
        drop(PyErr::pending());
    }

    #[test]
    fn io_errors_keep_strerror_without_the_rust_suffix() {
        let err = PyErr::from(std::io::Error::from_raw_os_error(2));
        let text = err.to_string();
        assert!(!text.contains("os error"), "{text}");
        assert_eq!(
            text,
            format!(
                "{:?}: {}",
                err.kind().unwrap(),
                std::io::Error::from_raw_os_error(2)
                    .to_string()
                    .split(" (os error")
                    .next()
                    .unwrap()
            )
        );
        let custom = PyErr::from(std::io::Error::new(std::io::ErrorKind::NotFound, "gone"));
        assert_eq!(custom.to_string(), "FileNotFoundError: gone");
    }

    #[test]
    fn c_messages_survive_interior_nuls() {
        assert_eq!(c_message("a\0b").to_str().unwrap(), "a\u{fffd}b");
    }
}
