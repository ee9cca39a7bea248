//! The [`View`] trait and the macro that declares one view type per builtin type.

use crate::err::{PyErr, PyResult};
use crate::ffi::{Borrowed, Handle};
use crate::object::AnyHandle;

/// A typed view of a Python object: an owned handle whose type was checked.
///
/// Implemented by [`PyDict`](crate::PyDict), [`PyList`](crate::PyList),
/// [`PyTuple`](crate::PyTuple), [`PyStr`](crate::PyStr), [`PyBytes`](crate::PyBytes),
/// [`PyType`](crate::PyType), [`PySet`](crate::PySet), [`PyFrozenSet`](crate::PyFrozenSet) and
/// [`PyModule`](crate::PyModule). Sealed: the check is what makes the view's methods correct.
pub trait View<'py>: Sized + sealed::Sealed<'py> {
    /// The Python name of the type, as error messages spell it (`"dict"`).
    const TYPE_NAME: &'static str;

    /// `isinstance(obj, <the type>)` (subclasses included).
    fn is_type_of(obj: Borrowed<'_>) -> PyResult<bool>;

    /// The handle, with the view given up.
    fn into_handle(self) -> Handle<'py>;

    /// A view of `obj`, or `TypeError` ("expected dict, got 'int'") when it is not one.
    fn downcast<H: AnyHandle<'py> + ?Sized>(obj: &H) -> PyResult<Self> {
        let borrowed = obj.borrowed();
        if Self::is_type_of(borrowed)? {
            Ok(Self::from_checked(obj.to_handle()))
        } else {
            Err(mismatch(Self::TYPE_NAME, borrowed))
        }
    }

    /// Like [`View::downcast`], consuming the handle (no `HPy_Dup`).
    fn downcast_from(handle: Handle<'py>) -> PyResult<Self> {
        if Self::is_type_of(handle.as_borrowed())? {
            Ok(Self::from_checked(handle))
        } else {
            Err(mismatch(Self::TYPE_NAME, handle.as_borrowed()))
        }
    }
}

#[cold]
#[inline(never)]
pub(crate) fn mismatch(expected: &str, obj: Borrowed<'_>) -> PyErr {
    PyErr::type_error(format!("expected {expected}, got '{}'", obj.type_name()))
}

pub(crate) mod sealed {
    /// Not nameable outside hpy: only hpy can wrap a handle without the check.
    pub trait Sealed<'py>: Sized {
        /// Wraps a handle whose type was checked.
        fn from_checked(handle: crate::ffi::Handle<'py>) -> Self;
    }
}

/// Declares a view type: the struct, [`View`], `Deref` to [`Handle`], `FromPy`, `IntoPy`,
/// `Debug`, `Clone` and the conversion back to a handle.
macro_rules! builtin_view {
    ($(#[$meta:meta])* $name:ident, $py_name:literal, |$obj:ident| $check:expr) => {
        $(#[$meta])*
        #[derive(Clone)]
        #[repr(transparent)]
        pub struct $name<'py>(crate::ffi::Handle<'py>);

        impl<'py> crate::types::view::sealed::Sealed<'py> for $name<'py> {
            #[inline(always)]
            fn from_checked(handle: crate::ffi::Handle<'py>) -> Self {
                $name(handle)
            }
        }
        impl crate::object::sealed::Sealed for $name<'_> {}

        impl<'py> crate::object::AnyHandle<'py> for $name<'py> {
            #[inline(always)]
            fn ctx(&self) -> crate::ffi::Context<'py> {
                self.0.context()
            }
            #[inline(always)]
            fn borrowed(&self) -> crate::ffi::Borrowed<'_> {
                self.0.as_borrowed()
            }
        }

        impl<'py> crate::types::View<'py> for $name<'py> {
            const TYPE_NAME: &'static str = $py_name;

            #[inline]
            fn is_type_of($obj: crate::ffi::Borrowed<'_>) -> crate::err::PyResult<bool> {
                $check
            }

            #[inline(always)]
            fn into_handle(self) -> crate::ffi::Handle<'py> {
                self.0
            }
        }

        impl<'py> core::ops::Deref for $name<'py> {
            type Target = crate::ffi::Handle<'py>;
            #[inline(always)]
            fn deref(&self) -> &crate::ffi::Handle<'py> {
                &self.0
            }
        }

        impl<'py> From<$name<'py>> for crate::ffi::Handle<'py> {
            #[inline(always)]
            fn from(view: $name<'py>) -> crate::ffi::Handle<'py> {
                view.0
            }
        }

        impl<'a> crate::convert::FromPy<'a> for $name<'a> {
            #[inline]
            fn from_py(obj: crate::ffi::Borrowed<'a>) -> crate::err::PyResult<Self> {
                if <$name<'a> as crate::types::View<'a>>::is_type_of(obj)? {
                    Ok($name(obj.dup()))
                } else {
                    Err(crate::types::view::mismatch($py_name, obj))
                }
            }

            #[inline(always)]
            fn from_kwargs<'py: 'a>(
                dict: crate::ffi::Handle<'py>,
                _keep: &'a mut Option<crate::ffi::Handle<'py>>,
            ) -> crate::err::PyResult<Self> {
                // The parser made this `dict` itself: only other views check its type.
                let made_here = matches!($py_name.as_bytes(), b"dict");
                if made_here || <$name<'a> as crate::types::View<'a>>::is_type_of(dict.as_borrowed())? {
                    Ok($name(dict))
                } else {
                    Err(crate::types::view::mismatch($py_name, dict.as_borrowed()))
                }
            }
        }

        impl<'py> crate::convert::IntoPy<'py> for $name<'py> {
            #[inline(always)]
            fn into_py(
                self,
                _ctx: crate::ffi::Context<'py>,
            ) -> crate::err::PyResult<crate::ffi::Handle<'py>> {
                Ok(self.0)
            }

            #[inline(always)]
            fn with_borrowed<R>(
                self,
                _ctx: crate::ffi::Context<'py>,
                f: impl FnOnce(crate::ffi::Borrowed<'_>) -> crate::err::PyResult<R>,
            ) -> crate::err::PyResult<R> {
                f(self.0.as_borrowed())
            }
        }

        impl<'py> crate::convert::IntoPy<'py> for &$name<'py> {
            #[inline(always)]
            fn into_py(
                self,
                _ctx: crate::ffi::Context<'py>,
            ) -> crate::err::PyResult<crate::ffi::Handle<'py>> {
                Ok(self.0.clone())
            }

            #[inline(always)]
            fn with_borrowed<R>(
                self,
                _ctx: crate::ffi::Context<'py>,
                f: impl FnOnce(crate::ffi::Borrowed<'_>) -> crate::err::PyResult<R>,
            ) -> crate::err::PyResult<R> {
                f(self.0.as_borrowed())
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }
    };
}

pub(crate) use builtin_view;
