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
mod class;
mod cstr;
mod derive;
mod diagnostics;
mod exception;
mod function;
mod methods;
mod module;
mod signature;
mod stubs;

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
/// * Alternatively, one `#[hpy_create]` function makes the object `import` gives instead of a
///   module object; the module then has nothing else (no docstring, functions, constants, exec
///   functions, classes, exceptions or `HPyGlobal`s: HPy only adds those to module objects).
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
/// * A parameter of type `Args<'py>` receives all positional arguments (`*args`; then it is the
///   only Python parameter).
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

/// Marks a function inside a `#[hpy_module]` as its `HPy_mod_create` slot: instead of a module
/// object, `import` gives the object this function returns. The signature must be exactly
/// `fn name<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>>`; `spec` is the
/// module spec (`importlib.machinery.ModuleSpec`, with `.name` and `.origin`).
///
/// ```ignore
/// #[hpy_module]
/// mod config {
///     use hpy::prelude::*;
///
///     #[hpy_create]
///     fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> {
///         let namespace = ctx.import("types")?.getattr("SimpleNamespace")?;
///         namespace.call_with_kwargs((), [("name", spec.getattr("name")?)])
///     }
/// }
/// ```
///
/// HPy does not allow the result to be a module object (`types.ModuleType`, including
/// subclasses): returning one raises `SystemError` at import. A module with a create function
/// cannot have anything else, since HPy only adds a docstring, functions, constants, exec
/// functions, classes, exceptions and `HPyGlobal`s to module objects it creates itself; each of
/// them is a compile error. One create function per module.
///
/// `#[hpy_module]` consumes this attribute; used anywhere else it is an error.
#[proc_macro_attribute]
pub fn hpy_create(_args: TokenStream, item: TokenStream) -> TokenStream {
    module::marker_outside_module(attrs::Marker::Create, item.into()).into()
}

/// Exports the functions of an inherent `impl` block of a `#[hpy_class]` struct to Python.
///
/// Every `fn` becomes a Python method unless marked otherwise:
///
/// * receivers: `&self`, `&mut self` (not on `frozen` classes), `slf: PyRef<'_, 'py, Self>`,
///   `slf: PyRefMut<'_, 'py, Self>` or `slf: Borrowed<'py>` (the object, not borrowed); a
///   `ctx: Context<'py>` parameter may come first or right after the receiver;
/// * Python parameters work as in `#[hpy_function]` (`#[hpy(default)]`, `#[hpy(default = EXPR)]`,
///   `#[hpy(keywords)]` on the method forces the keywords convention);
/// * `#[new]`: the constructor (`tp_new`), returning `Self` (or `PyResult<Self>`, or
///   `(Self, BaseInit)` when the base is a Rust class);
/// * `#[staticmethod]`, `#[classmethod]` (first parameter `cls: Borrowed<'py>`);
/// * `#[getter]` / `#[getter(name)]`, `#[setter]` / `#[setter(name)]` (a setter's default name
///   drops a `set_` prefix); a getter and a setter of one name form one property;
/// * `#[classattr]` on a `const` or a function without parameters: a class attribute;
/// * `#[hpy(name = "...")]` renames; `#[hpy(skip)]` keeps a function Rust-only;
/// * special methods (`__repr__`, `__add__`/`__radd__`, `__eq__`, `__len__`, `__getitem__`,
///   `__iter__`, `__next__`, `__call__`, `__init__`, ...) fill HPy slots (see the table in
///   `docs/classes.md`), and `#[hpy(slot = sq_item)]` binds any method to an HPy slot by name;
/// * `#[call_function]` / `#[call_function(NAME)]` (C HPy's `HPyDef_CALL_FUNCTION`): not a
///   Python method but a per-instance call function, the associated constant
///   `Self::EUCLIDEAN: hpy::CallFunction<Self>` (the name in upper case, or `NAME`), parsed like
///   a keywords method; `PyRef::set_call_function(&Self::EUCLIDEAN)` (`HPy_SetCallFunction`)
///   makes calling that one instance (of the class itself, not a subclass: `TypeError`) run it.
///   The block must define `__call__`, which instances without one run; a Rust subclass of a
///   class with `__call__` must define its own.
///
/// Doc comments become `__doc__`. One `#[hpy_methods]` block per class.
#[proc_macro_attribute]
pub fn hpy_methods(args: TokenStream, item: TokenStream) -> TokenStream {
    methods::expand_attribute(args.into(), item.into()).into()
}

/// Makes a struct a Python type (an HPy extension type).
///
/// Options: `name = "PyName"` (default: the struct's name), `module = "m"` (the type's
/// `__module__`; `#[hpy_module]` sets it for classes inside it), `frozen` (never mutably
/// borrowed: no `&mut self`, enables `#[hpy(member)]`), `subclass` (other classes may inherit
/// from it), `base = Other` (a `#[hpy_class(subclass)]` struct) or
/// `base = int | float | str | tuple | list | type | object`.
///
/// Fields: `#[hpy(get)]`, `#[hpy(set)]`, `#[hpy(get, set)]` make a property (read through the
/// borrow flag; `get` needs `Clone + IntoPy`, `set` needs `FromPy`); `#[hpy(member)]` (frozen
/// classes only) makes an `HPyDef_MEMBER` (writable for `Cell<T>`); `#[hpy(name = "...")]`
/// renames. Fields of type `HPyField` hold Python objects; the type's `tp_traverse` is generated
/// from them. Doc comments become `__doc__`.
///
/// The struct must be `Send + 'static` and not generic. Methods come from `#[hpy_methods]`;
/// without a `#[new]` the type cannot be instantiated from Python.
///
/// Derived from Rust traits: `eq` (`PartialEq`), `ord` (`PartialOrd`), `hash` (`Hash`; needs
/// `eq` and `frozen`), `str` (`Display`); `get_all`/`set_all` (every named field a property),
/// `rename_all = "camelCase"` (also `snake_case`, `PascalCase`, `SCREAMING_SNAKE_CASE`,
/// `lowercase`, `UPPERCASE`). On a fieldless enum: one class attribute per variant, with `==`,
/// `hash`, `repr` and `int()` (`eq_int`: a variant also equals its discriminant). On an enum
/// with fields: one subclass per variant (`Shape.Circle(r=1.0)`), fields as read-only
/// properties, `__match_args__`. See docs/classes.md.
#[proc_macro_attribute]
pub fn hpy_class(args: TokenStream, item: TokenStream) -> TokenStream {
    class::expand_attribute(args.into(), item.into()).into()
}

/// Defines a Python exception type on a unit struct.
///
/// `#[hpy_exception(base = ValueError)]`: the base is an `hpy::ExceptionKind` variant name
/// (default `Exception`) or the path of another `#[hpy_exception]` struct;
/// `name = "PyName"` renames, `module = "m"` sets `__module__` (`#[hpy_module]` sets it for
/// exceptions inside it, and creates the type when the module is created). Doc comments become
/// `__doc__`. `MyError::new_err("message")` makes a `PyErr` that raises it.
#[proc_macro_attribute]
pub fn hpy_exception(args: TokenStream, item: TokenStream) -> TokenStream {
    exception::expand_attribute(args.into(), item.into()).into()
}

/// `#[derive(FromPy)]`: converts a Python object into the struct or enum (`hpy::FromPy`).
///
/// * A struct with named fields reads each field from an attribute (`obj.x`), or from an item
///   (`obj["x"]`) with `#[hpy(mapping)]` on the struct; per field, `#[hpy(attribute)]`,
///   `#[hpy(attribute = "name")]`, `#[hpy(item)]` or `#[hpy(item = "key")]` choose the lookup
///   and `#[hpy(default)]` / `#[hpy(default = EXPR)]` the value when it is missing.
/// * A tuple struct converts from a sequence of its length (a `tuple`, a `list`, ...; not a
///   `str`, `bytes` or `dict`); a one-field tuple struct, or any one-field struct marked
///   `#[hpy(transparent)]`, converts from the whole object as its field does.
/// * An enum tries its variants in order and takes the first that converts; each variant is
///   converted as a struct of its shape would be, and a unit variant needs
///   `#[hpy(value = "text")]` or `#[hpy(value = 3)]`, the value that stands for it. When no
///   variant converts, a `TypeError` names each variant and why it failed.
///
/// Fields other than the one of a transparent struct or newtype variant must own their value
/// (`String`, not `&str`): they are converted from a new handle that is closed right after.
/// Lifetime parameters are supported, type and const parameters are not. See the guide
/// `hpy::guide::derives` for the messages and the full table of options.
#[proc_macro_derive(FromPy, attributes(hpy))]
pub fn derive_from_py(item: TokenStream) -> TokenStream {
    derive::expand_derive(derive::model::Derive::FromPy, item.into()).into()
}

/// `#[derive(IntoPy)]`: converts the struct or enum into a Python object (`hpy::IntoPy`).
///
/// A struct with named fields becomes a `dict` (keyed by the names `FromPy` looks up), a tuple
/// struct a `tuple`, a one-field tuple struct or `#[hpy(transparent)]` struct its field's value;
/// an enum variant converts as a struct of its shape would, and a unit variant becomes its
/// `#[hpy(value = ...)]`, or else its name as a `str`. Reads the same `#[hpy(...)]` options as
/// `#[derive(FromPy)]` (see the guide `hpy::guide::derives`).
#[proc_macro_derive(IntoPy, attributes(hpy))]
pub fn derive_into_py(item: TokenStream) -> TokenStream {
    derive::expand_derive(derive::model::Derive::IntoPy, item.into()).into()
}
