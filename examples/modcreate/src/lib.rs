//! An HPy module with an `HPy_mod_create` slot (`#[hpy_create]`): importing `modcreate` gives a
//! `types.SimpleNamespace(name=<spec.name>, answer=42)` made here, not a module object.
//!
//! The module spec's `loader_state` (which loaders leave `None`) selects other outcomes, for the
//! tests: `"module"` returns a real module object (which HPy forbids: `SystemError`), `"error"`
//! raises `ValueError`, `"panic"` panics (`SystemError`).
//!
//! A module with a create function has nothing else: no docstring (hence these crate docs
//! instead of a doc comment on the `mod`), no functions, constants, exec functions or classes.

#[hpy::hpy_module]
mod modcreate {
    use hpy::prelude::*;

    #[hpy_create]
    fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> {
        let types = ctx.import("types")?;
        let state = spec.getattr("loader_state")?;
        let state: Option<String> = state.extract()?;
        match state.as_deref() {
            Some("module") => types.getattr("ModuleType")?.call((spec.getattr("name")?,)),
            Some("error") => Err(PyErr::value_error("modcreate: asked to fail")),
            Some("panic") => panic!("modcreate: asked to panic"),
            _ => {
                let name = spec.getattr("name")?;
                let answer = ctx.to_object(42)?;
                types
                    .getattr("SimpleNamespace")?
                    .call_with_kwargs((), [("name", name), ("answer", answer)])
            }
        }
    }
}
