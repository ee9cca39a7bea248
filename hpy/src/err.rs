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
}

#[derive(Clone, Copy)]
enum LazyKind {
    Builtin(ExceptionKind),
    /// An exception type a module created (`#[hpy_exception]`), kept in its global.
    Custom {
        name: &'static str,
        global: &'static crate::HPyGlobal,
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
                LazyKind::Builtin(kind) => Some(kind),
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
                    LazyKind::Builtin(own) => {
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

    /// Prefixes a lazy error's message with the function and parameter it came from
    /// (`"f() argument 'x': ..."`); a pending error keeps Python's own message.
    #[cold]
    pub fn with_argument(mut self, function: &str, parameter: &str) -> PyErr {
        if let Some(lazy) = &mut self.lazy {
            lazy.message = format!("{function}() argument '{parameter}': {}", lazy.message).into();
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
            LazyKind::Builtin(kind) => fmt::Debug::fmt(kind, f),
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
    fn c_messages_survive_interior_nuls() {
        assert_eq!(c_message("a\0b").to_str().unwrap(), "a\u{fffd}b");
    }
}
