//! `contextvars.ContextVar`: typed get, set and reset.

use crate::convert::{FromPy, IntoPy};
use crate::err::{PyErr, PyResult};
use crate::ffi::runtime_calls;
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::{check, AnyHandle};

/// A handle to a `contextvars.ContextVar` (HPy's `HPyContextVar_*`): a value per context, as
/// Python's `asyncio` tasks and `contextvars.copy_context().run(...)` see it.
///
/// ```
/// # use hpy::prelude::*;
/// # use hpy::ContextVar;
/// fn bump<'py>(ctx: Context<'py>, var: Borrowed<'py>) -> PyResult<i64> {
///     let var = ContextVar::from_object(var)?;
///     let next = var.get::<i64>()?.unwrap_or(0) + 1;
///     var.set(next)?;
///     Ok(next)
/// }
/// ```
#[derive(Clone, Debug)]
pub struct ContextVar<'py> {
    var: Handle<'py>,
}

/// What [`ContextVar::set`] returns: hand it to [`ContextVar::reset`] to restore the value the
/// variable had before (Python's `contextvars.Token`).
#[derive(Clone, Debug)]
pub struct ContextVarToken<'py> {
    token: Handle<'py>,
}

impl<'py> ContextVar<'py> {
    /// `contextvars.ContextVar(name)`, or `ContextVar(name, default=default)`.
    pub fn new<D: IntoPy<'py>>(
        ctx: Context<'py>,
        name: &str,
        default: Option<D>,
    ) -> PyResult<ContextVar<'py>> {
        let name = std::ffi::CString::new(name)
            .map_err(|_| PyErr::value_error("embedded null character"))?;
        let var = match default {
            Some(default) => default.with_borrowed(ctx, |default| {
                check(
                    ctx,
                    runtime_calls::context_var_new(ctx, &name, Some(default)),
                )
            })?,
            None => check(ctx, runtime_calls::context_var_new(ctx, &name, None))?,
        };
        Ok(ContextVar { var })
    }

    /// A view of `obj`, which must be a `contextvars.ContextVar` (else `TypeError`).
    pub fn from_object<H: AnyHandle<'py>>(obj: H) -> PyResult<ContextVar<'py>> {
        let ctx = obj.ctx();
        let class = ctx.import("contextvars")?.getattr("ContextVar")?;
        if !obj.is_instance(&class)? {
            return Err(PyErr::type_error(format!(
                "an instance of ContextVar was expected, not '{}'",
                obj.type_name()
            )));
        }
        Ok(ContextVar {
            var: obj.to_handle(),
        })
    }

    /// The `ContextVar` object.
    pub fn as_handle(&self) -> &Handle<'py> {
        &self.var
    }

    /// The `ContextVar` object, owned.
    pub fn into_handle(self) -> Handle<'py> {
        self.var
    }

    /// The value in the current context: the value set, else the variable's default, else
    /// `None` (where Python's `var.get()` raises `LookupError`).
    pub fn get_object(&self) -> PyResult<Option<Handle<'py>>> {
        let ctx = self.var.context();
        runtime_calls::context_var_get(ctx, self.var.as_borrowed(), None)
            .map_err(|()| PyErr::fetch(ctx))
    }

    /// The value (as [`ContextVar::get_object`]) or, when there is none, `default` (Python's
    /// `var.get(default)`).
    pub fn get_object_or(&self, default: Borrowed<'_>) -> PyResult<Handle<'py>> {
        let ctx = self.var.context();
        let value = runtime_calls::context_var_get(ctx, self.var.as_borrowed(), Some(default))
            .map_err(|()| PyErr::fetch(ctx))?;
        // (With a default given, HPy always returns a value.)
        Ok(value.unwrap_or_else(|| crate::ffi::raw::dup(ctx, default)))
    }

    /// The value converted to `T` (`None` when the variable has no value and no default).
    pub fn get<T>(&self) -> PyResult<Option<T>>
    where
        T: for<'a> FromPy<'a>,
    {
        match self.get_object()? {
            Some(value) => value.extract::<T>().map(Some),
            None => Ok(None),
        }
    }

    /// Sets the value in the current context (`var.set(value)`); the token restores the
    /// previous one.
    pub fn set<V: IntoPy<'py>>(&self, value: V) -> PyResult<ContextVarToken<'py>> {
        let ctx = self.var.context();
        value.with_borrowed(ctx, |value| {
            let token = check(
                ctx,
                runtime_calls::context_var_set(ctx, self.var.as_borrowed(), value),
            )?;
            Ok(ContextVarToken { token })
        })
    }

    /// Restores the value the variable had before the [`set`](ContextVar::set) that returned
    /// `token` (`var.reset(token)`: HPy 0.9 has no function of its own for it). Python's errors
    /// apply: a token of another variable is `ValueError`, one used twice `RuntimeError`, one
    /// made in another context `ValueError`.
    pub fn reset(&self, token: ContextVarToken<'py>) -> PyResult<()> {
        self.var
            .call_method("reset", (token.token.as_borrowed(),))
            .map(drop)
    }
}

impl<'py> ContextVarToken<'py> {
    /// The `contextvars.Token` object.
    pub fn as_handle(&self) -> &Handle<'py> {
        &self.token
    }

    /// The `contextvars.Token` object, owned.
    pub fn into_handle(self) -> Handle<'py> {
        self.token
    }

    /// A token given back by Python (which must be a `contextvars.Token`, else `TypeError`),
    /// for [`ContextVar::reset`].
    pub fn from_object<H: AnyHandle<'py>>(obj: H) -> PyResult<ContextVarToken<'py>> {
        let ctx = obj.ctx();
        let class = ctx.import("contextvars")?.getattr("Token")?;
        if !obj.is_instance(&class)? {
            return Err(PyErr::type_error(format!(
                "an instance of Token was expected, not '{}'",
                obj.type_name()
            )));
        }
        Ok(ContextVarToken {
            token: obj.to_handle(),
        })
    }
}
