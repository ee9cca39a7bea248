//! Compiling and running Python source: HPy's `HPy_Compile_s` and `HPy_EvalCode`, Python's
//! `compile()` and `eval()`/`exec()` of a code object.

use std::ffi::CString;

use crate::err::{PyErr, PyResult};
use crate::ffi::{runtime_calls, Borrowed, Context, Handle};
use crate::object::{check, AnyHandle};

/// What the source is, as `compile()`'s `mode` says it (HPy's `HPy_SourceKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A module: any sequence of statements (`mode="exec"`); running it gives `None`.
    File,
    /// A single expression (`mode="eval"`); running it gives its value.
    Eval,
    /// One interactive statement (`mode="single"`): expression values are printed through
    /// `sys.displayhook`.
    Single,
}

impl SourceKind {
    fn raw(self) -> hpy_sys::HPy_SourceKind {
        match self {
            SourceKind::File => hpy_sys::HPy_SourceKind_File,
            SourceKind::Eval => hpy_sys::HPy_SourceKind_Expr,
            SourceKind::Single => hpy_sys::HPy_SourceKind_Single,
        }
    }
}

/// `compile(source, filename, mode)`: a code object, or the `SyntaxError` (with the file name
/// and position) Python's `compile()` raises.
///
/// ```
/// # use hpy::prelude::*;
/// # use hpy::{compile, eval_code, SourceKind};
/// fn answer<'py>(ctx: Context<'py>) -> PyResult<i64> {
///     let code = compile(ctx, "6 * 7", "<answer>", SourceKind::Eval)?;
///     let globals = ctx.new_dict()?;
///     eval_code(&code, &globals, None)?.extract()
/// }
/// ```
pub fn compile<'py>(
    ctx: Context<'py>,
    source: &str,
    filename: &str,
    kind: SourceKind,
) -> PyResult<Handle<'py>> {
    let source = CString::new(source)
        .map_err(|_| PyErr::value_error("source code string cannot contain null bytes"))?;
    let filename =
        CString::new(filename).map_err(|_| PyErr::value_error("embedded null character"))?;
    check(
        ctx,
        runtime_calls::compile_s(ctx, &source, &filename, kind.raw()),
    )
}

/// Runs a code object (from [`compile`]) in `globals` (a `dict`) and `locals` (any mapping;
/// `None`: the globals), like Python's `eval(code, globals, locals)`: the value of an
/// [`Eval`](SourceKind::Eval) code, `None` for the others. As `eval` does, a `__builtins__`
/// entry is added to `globals` when it has none.
pub fn eval_code<'py, C, G>(
    code: &C,
    globals: &G,
    locals: Option<Borrowed<'_>>,
) -> PyResult<Handle<'py>>
where
    C: AnyHandle<'py>,
    G: AnyHandle<'py>,
{
    let ctx = code.ctx();
    let code_type = ctx.import("types")?.getattr("CodeType")?;
    if !code.is_instance(&code_type)? {
        return Err(PyErr::type_error(format!(
            "expected a code object, got '{}'",
            code.type_name()
        )));
    }
    // (`dict` is not a context constant in HPy 0.9.)
    let dict_type = ctx.builtins().getitem("dict")?;
    if !globals.is_instance(&dict_type)? {
        return Err(PyErr::type_error(format!(
            "globals must be a dict, not {}",
            globals.type_name()
        )));
    }
    if let Some(locals) = locals {
        if !locals.get_type().hasattr("__getitem__") {
            return Err(PyErr::type_error(format!(
                "locals must be a mapping, not {}",
                locals.type_name()
            )));
        }
    }
    if !globals.contains("__builtins__")? {
        globals.setitem("__builtins__", ctx.builtins())?;
    }
    check(
        ctx,
        runtime_calls::eval_code(ctx, code.borrowed(), globals.borrowed(), locals),
    )
}
