//! `type`: [`PyType`].

use crate::err::PyResult;
use crate::ffi::{raw, Borrowed};
use crate::object::AnyHandle;
use crate::types::view::builtin_view;
use crate::types::view::sealed::Sealed as _;
use crate::types::BuiltinType;

builtin_view!(
    /// A class: an instance of `type` (or of a metaclass).
    PyType,
    "type",
    |obj| Ok(obj.is_instance_of(BuiltinType::Type))
);

impl<'py> PyType<'py> {
    /// `type(obj)`.
    pub fn of<H: AnyHandle<'py> + ?Sized>(obj: &H) -> PyType<'py> {
        PyType::from_checked(obj.get_type())
    }

    /// The class's name (`HPyType_GetName`): `__name__` for a builtin or HPy class, e.g.
    /// `"int"` or `"Point"`.
    pub fn name(&self) -> PyResult<String> {
        match raw::type_name(self.ctx(), self.as_borrowed()) {
            Some(name) => Ok(name.to_string_lossy().into_owned()),
            None => Err(crate::err::PyErr::fetch(self.ctx())),
        }
    }

    /// `issubclass(self, base)` for two classes (`HPyType_IsSubtype`).
    pub fn is_subtype_of(&self, base: &PyType<'_>) -> bool {
        raw::is_subtype(self.ctx(), self.as_borrowed(), base.as_borrowed())
    }

    /// Whether `obj` is an instance of this class (`HPy_TypeCheck`; subclasses included).
    pub fn is_type_of_object(&self, obj: Borrowed<'_>) -> bool {
        raw::type_check(self.ctx(), obj, self.as_borrowed())
    }
}
