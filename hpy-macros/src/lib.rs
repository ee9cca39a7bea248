//! Procedural macros for hpy-rs. Use them through `hpy` (`use hpy::prelude::*;`), which
//! provides the `::hpy::__private` items the generated code calls.
//!
//! ```ignore
//! /// Module docstring.
//! #[hpy_module]                  // or #[hpy_module(name = "other")]
//! mod quickstart {
//!     use hpy::prelude::*;
//!
//!     /// Add two integers.
//!     #[hpy_function]
//!     fn add(a: i64, b: i64) -> i64 { a + b }
//!
//!     #[hpy_function(name = "greet")]
//!     fn greet_impl(name: &str, #[hpy(default = "Hello".to_string())] greeting: String) -> String {
//!         format!("{greeting}, {name}!")
//!     }
//!
//!     #[hpy_const]
//!     pub const ANSWER: i64 = 42;
//!
//!     #[hpy_exec]
//!     fn setup<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> { Ok(()) }
//! }
//! ```
//!
//! Each macro runs in four stages, each in its own file: **parse** (tokens → syntax),
//! **model** (syntax → what the item means, recording anything unacceptable), **check** (one
//! spanned error per problem, all reported together) and **expand** (model → code calling
//! `::hpy::__private`). When there are errors the user's item is still emitted, so no
//! follow-up "cannot find" errors appear.

mod attrs;
mod cstr;
mod diagnostics;
mod function;
mod module;
mod signature;

use proc_macro::TokenStream;

/// Exports the functions, constants and exec slots of an inline `mod` as an HPy module.
///
/// * `#[hpy_module]`: the Python module is named after the `mod`;
///   `#[hpy_module(name = "other")]` picks another name (an ASCII identifier).
/// * The module's doc comments become its docstring.
/// * `#[hpy_function]` functions directly inside become module functions, `#[hpy_const]`
///   constants become module attributes (set first, when the module is created), and
///   `#[hpy_exec]` functions (`fn name<'py>(ctx: Context<'py>, module: Borrowed<'py>) ->
///   PyResult<()>`) run, in order, after that.
/// * Python names must be unique within the module.
#[proc_macro_attribute]
pub fn hpy_module(args: TokenStream, item: TokenStream) -> TokenStream {
    module::expand_attribute(args.into(), item.into()).into()
}

/// Makes a free function callable from Python.
///
/// * `#[hpy_function(name = "py_name")]` sets the Python name (default: the Rust name);
///   `#[hpy_function(keywords)]` accepts arguments by keyword even without defaults.
/// * Doc comments become the Python `__doc__`.
/// * A first parameter of type `Context<'py>` receives the call's context; a parameter marked
///   `#[hpy(module)]` (of type `Borrowed<'py>`) receives the module. All other parameters are
///   Python arguments, converted with `FromPy`; the result is converted with `IntoPyResult`.
/// * `#[hpy(default)]` (`Default::default()`) or `#[hpy(default = EXPR)]` makes a parameter
///   optional; parameters without a default come first.
/// * The calling convention follows from the Python parameters: none → `NOARGS`, one → `O`,
///   more → `VARARGS`, any default (or `keywords`) → `KEYWORDS`.
///
/// Not allowed: `self`, `async fn`, `unsafe fn`, `extern` ABIs, variadics, type or const
/// generics (lifetimes are fine), patterns other than plain names, `impl Trait` parameters.
#[proc_macro_attribute]
pub fn hpy_function(args: TokenStream, item: TokenStream) -> TokenStream {
    function::expand_attribute(args.into(), item.into()).into()
}

/// Marks a `const` inside a `#[hpy_module]` as a module attribute
/// (`#[hpy_const(name = "py_name")]` renames it). Its type must implement `IntoPy`.
///
/// `#[hpy_module]` consumes this attribute; used anywhere else it is an error.
#[proc_macro_attribute]
pub fn hpy_const(_args: TokenStream, item: TokenStream) -> TokenStream {
    module::marker_outside_module(attrs::Marker::Const, item.into()).into()
}

/// Marks a function inside a `#[hpy_module]` as an `HPy_mod_exec` slot, run when the module
/// is created. The signature must be exactly
/// `fn name<'py>(ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()>`.
///
/// `#[hpy_module]` consumes this attribute; used anywhere else it is an error.
#[proc_macro_attribute]
pub fn hpy_exec(_args: TokenStream, item: TokenStream) -> TokenStream {
    module::marker_outside_module(attrs::Marker::Exec, item.into()).into()
}
