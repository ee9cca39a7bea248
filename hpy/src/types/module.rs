//! `module`: [`PyModule`].

use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::ffi::{Context, Handle};
use crate::object::AnyHandle;
use crate::types::view::builtin_view;
use crate::types::{PyDict, View};

builtin_view!(
    /// A module object (an instance of `types.ModuleType`).
    PyModule,
    "module",
    |obj| {
        // `types.ModuleType` is `type(builtins)`; `builtins` is always imported.
        let ctx = obj.context();
        let module_type = ctx.import("builtins")?.get_type();
        obj.is_instance(&module_type)
    }
);

impl<'py> PyModule<'py> {
    /// `import name` (`importlib.import_module(name)`), as a module view.
    pub fn import(ctx: Context<'py>, name: &str) -> PyResult<PyModule<'py>> {
        PyModule::downcast_from(ctx.import(name)?)
    }

    /// The module's `__name__`.
    pub fn name(&self) -> PyResult<String> {
        self.getattr("__name__")?.extract::<String>()
    }

    /// The module's namespace, `__dict__`.
    pub fn dict(&self) -> PyResult<PyDict<'py>> {
        PyDict::downcast_from(self.getattr("__dict__")?)
    }

    /// `self.name = value`: adds (or replaces) a module attribute.
    pub fn add<V: IntoPy<'py>>(&self, name: &str, value: V) -> PyResult<()> {
        self.setattr(name, value)
    }

    /// `getattr(self, name)`.
    pub fn get(&self, name: &str) -> PyResult<Handle<'py>> {
        self.getattr(name)
    }
}
