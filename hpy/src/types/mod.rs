//! Typed views of Python's builtin types (one file per type), and the context's constants as
//! Rust enums: builtin exception and warning classes, builtin types.
//!
//! A view such as [`PyDict<'py>`](PyDict) is an owned [`Handle`] whose type was checked once:
//! it dereferences to the handle (every [`AnyHandle`](crate::AnyHandle) method works on it) and
//! adds the type's own methods. Views come from [`View::downcast`] (a `TypeError` on a
//! mismatch), from constructors such as [`PyDict::new`], or as `#[hpy_function]` parameters,
//! which reject a wrong argument with the usual argument error.

use crate::ffi::{Borrowed, Context};

pub(crate) mod view;
pub use view::View;

mod bytes;
mod dict;
mod iterator;
mod list;
mod module;
pub(crate) mod set;

mod str;
mod tuple;
mod type_object;

pub use bytes::PyBytes;
pub use dict::DictIter;
pub use dict::PyDict;
pub use iterator::PyIterator;
pub use list::PyList;
pub use module::PyModule;
pub use set::{PyFrozenSet, PySet};
pub use str::PyStr;
pub use str::WideChar;
pub use tuple::PyTuple;
pub use type_object::PyType;

/// `builtins.<name>` (a class or function HPy 0.9's context does not hold, such as `set`).
pub(crate) fn builtin_class<'py>(
    ctx: Context<'py>,
    name: &str,
) -> crate::err::PyResult<crate::ffi::Handle<'py>> {
    use crate::object::AnyHandle;
    ctx.import("builtins")?.getattr(name)
}

// Runtime families (one file per Python type).
mod capsule;
mod contextvar;
mod slice;
pub use capsule::Capsule;
pub use contextvar::{ContextVar, ContextVarToken};
pub use slice::{IndexOrSlice, Slice, SliceIndices};

macro_rules! context_constants {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $reader:ident, $doc:literal;)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = $doc] $variant,)*
        }

        impl $name {
            /// Every variant, in HPy's context order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The class object, borrowed from the context.
            #[inline]
            pub fn type_object(self, ctx: Context<'_>) -> Borrowed<'_> {
                ctx.constant(match self {
                    $($name::$variant => hpy_sys::$reader,)*
                })
            }
        }
    };
}

context_constants! {
    /// A builtin exception or warning class that HPy 0.9's context provides.
    ExceptionKind {
        BaseException => h_BaseException, "`BaseException`";
        Exception => h_Exception, "`Exception`";
        StopAsyncIteration => h_StopAsyncIteration, "`StopAsyncIteration`";
        StopIteration => h_StopIteration, "`StopIteration`";
        GeneratorExit => h_GeneratorExit, "`GeneratorExit`";
        ArithmeticError => h_ArithmeticError, "`ArithmeticError`";
        LookupError => h_LookupError, "`LookupError`";
        AssertionError => h_AssertionError, "`AssertionError`";
        AttributeError => h_AttributeError, "`AttributeError`";
        BufferError => h_BufferError, "`BufferError`";
        EOFError => h_EOFError, "`EOFError`";
        FloatingPointError => h_FloatingPointError, "`FloatingPointError`";
        OSError => h_OSError, "`OSError`";
        ImportError => h_ImportError, "`ImportError`";
        ModuleNotFoundError => h_ModuleNotFoundError, "`ModuleNotFoundError`";
        IndexError => h_IndexError, "`IndexError`";
        KeyError => h_KeyError, "`KeyError`";
        KeyboardInterrupt => h_KeyboardInterrupt, "`KeyboardInterrupt`";
        MemoryError => h_MemoryError, "`MemoryError`";
        NameError => h_NameError, "`NameError`";
        OverflowError => h_OverflowError, "`OverflowError`";
        RuntimeError => h_RuntimeError, "`RuntimeError`";
        RecursionError => h_RecursionError, "`RecursionError`";
        NotImplementedError => h_NotImplementedError, "`NotImplementedError`";
        SyntaxError => h_SyntaxError, "`SyntaxError`";
        IndentationError => h_IndentationError, "`IndentationError`";
        TabError => h_TabError, "`TabError`";
        ReferenceError => h_ReferenceError, "`ReferenceError`";
        SystemError => h_SystemError, "`SystemError`";
        SystemExit => h_SystemExit, "`SystemExit`";
        TypeError => h_TypeError, "`TypeError`";
        UnboundLocalError => h_UnboundLocalError, "`UnboundLocalError`";
        UnicodeError => h_UnicodeError, "`UnicodeError`";
        UnicodeEncodeError => h_UnicodeEncodeError, "`UnicodeEncodeError`";
        UnicodeDecodeError => h_UnicodeDecodeError, "`UnicodeDecodeError`";
        UnicodeTranslateError => h_UnicodeTranslateError, "`UnicodeTranslateError`";
        ValueError => h_ValueError, "`ValueError`";
        ZeroDivisionError => h_ZeroDivisionError, "`ZeroDivisionError`";
        BlockingIOError => h_BlockingIOError, "`BlockingIOError`";
        BrokenPipeError => h_BrokenPipeError, "`BrokenPipeError`";
        ChildProcessError => h_ChildProcessError, "`ChildProcessError`";
        ConnectionError => h_ConnectionError, "`ConnectionError`";
        ConnectionAbortedError => h_ConnectionAbortedError, "`ConnectionAbortedError`";
        ConnectionRefusedError => h_ConnectionRefusedError, "`ConnectionRefusedError`";
        ConnectionResetError => h_ConnectionResetError, "`ConnectionResetError`";
        FileExistsError => h_FileExistsError, "`FileExistsError`";
        FileNotFoundError => h_FileNotFoundError, "`FileNotFoundError`";
        InterruptedError => h_InterruptedError, "`InterruptedError`";
        IsADirectoryError => h_IsADirectoryError, "`IsADirectoryError`";
        NotADirectoryError => h_NotADirectoryError, "`NotADirectoryError`";
        PermissionError => h_PermissionError, "`PermissionError`";
        ProcessLookupError => h_ProcessLookupError, "`ProcessLookupError`";
        TimeoutError => h_TimeoutError, "`TimeoutError`";
        Warning => h_Warning, "`Warning`";
        UserWarning => h_UserWarning, "`UserWarning`";
        DeprecationWarning => h_DeprecationWarning, "`DeprecationWarning`";
        PendingDeprecationWarning => h_PendingDeprecationWarning, "`PendingDeprecationWarning`";
        SyntaxWarning => h_SyntaxWarning, "`SyntaxWarning`";
        RuntimeWarning => h_RuntimeWarning, "`RuntimeWarning`";
        FutureWarning => h_FutureWarning, "`FutureWarning`";
        ImportWarning => h_ImportWarning, "`ImportWarning`";
        UnicodeWarning => h_UnicodeWarning, "`UnicodeWarning`";
        BytesWarning => h_BytesWarning, "`BytesWarning`";
        ResourceWarning => h_ResourceWarning, "`ResourceWarning`";
    }
}

context_constants! {
    /// A builtin type that HPy 0.9's context provides.
    BuiltinType {
        Object => h_BaseObjectType, "`object`";
        Type => h_TypeType, "`type`";
        Bool => h_BoolType, "`bool`";
        Int => h_LongType, "`int`";
        Float => h_FloatType, "`float`";
        Str => h_UnicodeType, "`str`";
        Tuple => h_TupleType, "`tuple`";
        List => h_ListType, "`list`";
        Complex => h_ComplexType, "`complex`";
        Bytes => h_BytesType, "`bytes`";
        MemoryView => h_MemoryViewType, "`memoryview`";
        Capsule => h_CapsuleType, "`capsule (PyCapsule)`";
        Slice => h_SliceType, "`slice`";
    }
}
