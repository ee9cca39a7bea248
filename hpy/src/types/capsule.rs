//! `PyCapsule` holding a typed Rust value.

use std::ffi::CString;

use crate::err::{PyErr, PyResult};
use crate::ffi::capsule as raw_capsule;
use crate::ffi::{Context, Handle};
use crate::object::AnyHandle;
use crate::types::BuiltinType;

/// Typed capsules: a Python `PyCapsule` that owns a Rust value of type `T`, drops it when the
/// capsule is destroyed, and hands it back only as a `T` (the way extensions share C-level data
/// through Python, e.g. a module attribute `_C_API` that another extension reads).
///
/// ```
/// # use hpy::prelude::*;
/// # use hpy::Capsule;
/// fn make<'py>(ctx: Context<'py>) -> PyResult<Handle<'py>> {
///     Capsule::new(ctx, "mymodule._state", vec![1u32, 2, 3])
/// }
/// fn total<'py>(capsule: Borrowed<'py>) -> PyResult<u32> {
///     let numbers: &Vec<u32> = Capsule::get(&capsule, "mymodule._state")?;
///     Ok(numbers.iter().sum())
/// }
/// ```
///
/// The value is shared (`&T`): for mutation, put a `Mutex`, a `RefCell`-free atomic or
/// similar inside. It must be `Send` (the capsule may be destroyed on any thread) and
/// `'static` (it outlives the call that made it).
#[derive(Debug)]
pub struct Capsule {
    _namespace: (),
}

impl Capsule {
    /// A new capsule named `name` (by convention `"module.attribute"`) that owns `value` and
    /// drops it when Python destroys the capsule (HPy's `HPyCapsule_New` with a destructor).
    /// The name is copied. An interior NUL in it is `ValueError`.
    // (`Capsule` is only a namespace: the capsule is a Python object, returned as a handle.)
    #[allow(clippy::new_ret_no_self)]
    pub fn new<'py, T: Send + 'static>(
        ctx: Context<'py>,
        name: &str,
        value: T,
    ) -> PyResult<Handle<'py>> {
        let name = CString::new(name).map_err(|_| PyErr::value_error("embedded null character"))?;
        raw_capsule::new(ctx, name, value).ok_or_else(|| PyErr::fetch(ctx))
    }

    /// The value of a capsule made by [`Capsule::new`] with this `name` and type `T`, borrowed
    /// for as long as the handle is. An object that is not a capsule, or a capsule with another
    /// name, is `ValueError` (in the words of CPython's `PyCapsule_GetPointer`); a capsule of
    /// another type of value, or one made by other code, is `TypeError`.
    pub fn get<'a, 'py, T: Send + 'static>(
        capsule: &'a impl AnyHandle<'py>,
        name: &str,
    ) -> PyResult<&'a T> {
        let ctx = capsule.ctx();
        let c_name =
            CString::new(name).map_err(|_| PyErr::value_error("embedded null character"))?;
        raw_capsule::value::<T>(ctx, capsule.borrowed(), &c_name).map_err(|err| match err {
            raw_capsule::ValueError::NotACapsule => {
                PyErr::value_error("PyCapsule_GetPointer called with invalid PyCapsule object")
            }
            raw_capsule::ValueError::WrongName => {
                PyErr::value_error("PyCapsule_GetPointer called with incorrect name")
            }
            raw_capsule::ValueError::WrongType => PyErr::type_error(format!(
                "capsule '{name}' does not hold a value of the requested type"
            )),
        })
    }

    /// Whether `capsule` is a live capsule named `name` (HPy's `HPyCapsule_IsValid`), whoever
    /// made it; never raises.
    pub fn is_valid<'py>(capsule: &impl AnyHandle<'py>, name: &str) -> bool {
        let Ok(name) = CString::new(name) else {
            return false;
        };
        raw_capsule::is_valid(capsule.ctx(), capsule.borrowed(), Some(&name))
    }

    /// The name of any capsule (`None` if it has none), or `ValueError` for another object.
    pub fn name<'py>(capsule: &impl AnyHandle<'py>) -> PyResult<Option<String>> {
        if !capsule.is_instance_of(BuiltinType::Capsule) {
            return Err(PyErr::value_error(
                "PyCapsule_GetName called with invalid PyCapsule object",
            ));
        }
        Ok(raw_capsule::name(capsule.ctx(), capsule.borrowed())
            .map(|name| name.to_string_lossy().into_owned()))
    }
}
