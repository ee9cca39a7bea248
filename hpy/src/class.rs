//! Extension types, safe half: borrowing the struct behind a handle, creating instances and
//! types, custom exceptions. The layout, the borrow flag and the `extern "C"` slots are in
//! `ffi::class` and `ffi::slots`.

use core::ffi::CStr;

use crate::convert::FromPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::class::{self as raw_class, ClassBase, MethodKind, PyClass};
use crate::ffi::Args;
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::AnyHandle;
use crate::types::{BuiltinType, ExceptionKind};

pub use crate::ffi::class::{
    FieldOwner, HPyField, HPyGlobal, MutableClass, OwnType, PyRef, PyRefMut,
};

// ---------------------------------------------------------------------------------------------
// Borrowing from handles.

impl<'py> Handle<'py> {
    /// Borrows the Rust struct of this object, an instance of `T` (`TypeError` otherwise).
    /// The borrow cannot outlive the handle.
    pub fn borrow<T: PyClass>(&self) -> PyResult<PyRef<'_, 'py, T>> {
        checked_borrow(self.context(), self.as_borrowed())
    }

    /// Borrows the Rust struct of this object mutably. While it lives, this handle cannot be
    /// used; another handle to the same object gets `RuntimeError` if it tries to borrow.
    pub fn borrow_mut<T: MutableClass>(&mut self) -> PyResult<PyRefMut<'_, 'py, T>> {
        checked_borrow_mut(self.context(), self.as_borrowed())
    }
}

impl<'py> Borrowed<'py> {
    /// Borrows the Rust struct of this object, an instance of `T` (`TypeError` otherwise).
    pub fn borrow<T: PyClass>(&self) -> PyResult<PyRef<'py, 'py, T>> {
        checked_borrow(self.context(), *self)
    }

    /// Borrows the Rust struct of this object mutably (see [`Handle::borrow_mut`]).
    pub fn borrow_mut<T: MutableClass>(&mut self) -> PyResult<PyRefMut<'py, 'py, T>> {
        checked_borrow_mut(self.context(), *self)
    }
}

fn checked_borrow<'h, 'py: 'h, T: PyClass>(
    ctx: Context<'py>,
    obj: Borrowed<'h>,
) -> PyResult<PyRef<'h, 'py, T>> {
    PyRef::checked(ctx, obj)
}

fn checked_borrow_mut<'h, 'py: 'h, T: MutableClass>(
    ctx: Context<'py>,
    obj: Borrowed<'h>,
) -> PyResult<PyRefMut<'h, 'py, T>> {
    PyRefMut::checked(ctx, obj)
}

/// An operand that may or may not be a `T` (binary slots): `None` if it is not.
#[inline(always)]
pub fn try_borrow<T: PyClass>(obj: Borrowed<'_>) -> PyResult<Option<PyRef<'_, '_, T>>> {
    PyRef::try_new(obj.context(), obj, None)
}

/// [`try_borrow`] with the type loaded once for the slot.
#[inline(always)]
pub fn try_borrow_in<'h, T: PyClass>(
    obj: Borrowed<'h>,
    own: &OwnType<'_>,
) -> PyResult<Option<PyRef<'h, 'h, T>>> {
    PyRef::try_new(obj.context(), obj, Some(own))
}

/// `true` if `obj` is an instance of `T`, with the type loaded once for the slot: the test of a
/// receiver taken as a plain handle, which borrows nothing.
#[inline(always)]
pub fn is_instance_in<T: PyClass>(obj: Borrowed<'_>, own: &OwnType<'_>) -> PyResult<bool> {
    raw_class::is_instance_in::<T>(obj.context(), obj, Some(own))
}

/// [`try_borrow_mut`] with the type loaded once for the slot.
#[inline(always)]
pub fn try_borrow_mut_in<'h, T: MutableClass>(
    obj: Borrowed<'h>,
    own: &OwnType<'_>,
) -> PyResult<Option<PyRefMut<'h, 'h, T>>> {
    PyRefMut::try_new(obj.context(), obj, Some(own))
}

/// [`extract_operand`] with the type loaded once for the slot.
#[inline(always)]
pub fn extract_operand_in<'py, T: FromPy<'py>>(
    ctx: Context<'py>,
    obj: Borrowed<'py>,
    own: &OwnType<'_>,
) -> PyResult<Option<T>> {
    match T::from_py_in(obj, own) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// A new instance of `T` with the type loaded once for the slot.
#[inline(always)]
pub fn new_object_in<'py, T: PyClass, I: IntoClassInit<T>>(
    ctx: Context<'py>,
    init: I,
    own: &OwnType<'py>,
) -> PyResult<Handle<'py>> {
    raw_class::new_own_instance_in::<T>(ctx, init.into_init(), own)
}

/// Mutable form of [`try_borrow`].
#[inline(always)]
pub fn try_borrow_mut<T: MutableClass>(obj: Borrowed<'_>) -> PyResult<Option<PyRefMut<'_, '_, T>>> {
    PyRefMut::try_new(obj.context(), obj, None)
}

/// Converts the other operand of a binary slot. A `TypeError` means "not my type": it is
/// cleared and the result is `None` (the slot then returns `NotImplemented`). Any other error
/// (a conflicting borrow, an overflow) propagates.
#[inline(always)]
pub fn extract_operand<'py, T: FromPy<'py>>(
    ctx: Context<'py>,
    obj: Borrowed<'py>,
) -> PyResult<Option<T>> {
    match T::from_py(obj) {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// A new reference to `NotImplemented`.
#[inline]
pub fn not_implemented(ctx: Context<'_>) -> PyResult<Handle<'_>> {
    Ok(ctx.not_implemented().dup())
}

/// `true` if `h` is `NotImplemented`.
#[inline]
pub fn is_not_implemented(h: &Handle<'_>) -> bool {
    h.is(&h.context().not_implemented())
}

// ---------------------------------------------------------------------------------------------
// Instances.

/// What a `#[new]` function may return for class `T`: `T` itself when its base is not a Rust
/// class, or `(T, base)` (recursively) when it is.
pub trait IntoClassInit<T: PyClass> {
    /// The complete initialiser.
    fn into_init(self) -> (T, <T::Base as ClassBase>::Init);
}

impl<T: PyClass> IntoClassInit<T> for T
where
    T::Base: ClassBase<Init = ()>,
{
    fn into_init(self) -> (T, ()) {
        (self, ())
    }
}

impl<T: PyClass, B> IntoClassInit<T> for (T, B)
where
    B: IntoBaseInit<<T::Base as ClassBase>::Init>,
{
    fn into_init(self) -> (T, <T::Base as ClassBase>::Init) {
        (self.0, self.1.into_base_init())
    }
}

/// The base part of an initialiser: a base class value, or a `(base, its base)` tuple.
pub trait IntoBaseInit<I> {
    /// Converts.
    fn into_base_init(self) -> I;
}

impl<B: PyClass> IntoBaseInit<(B, ())> for B
where
    B::Base: ClassBase<Init = ()>,
{
    fn into_base_init(self) -> (B, ()) {
        (self, ())
    }
}

impl<B, R, I> IntoBaseInit<(B, I)> for (B, R)
where
    R: IntoBaseInit<I>,
{
    fn into_base_init(self) -> (B, I) {
        (self.0, self.1.into_base_init())
    }
}

/// A new `T` object from Rust (its base must not be a builtin that needs constructor
/// arguments: `int`, `str`, ...).
#[inline(always)]
pub fn instance<'py, T: PyClass, I: IntoClassInit<T>>(
    ctx: Context<'py>,
    init: I,
) -> PyResult<Handle<'py>> {
    raw_class::new_own_instance::<T>(ctx, init.into_init())
}

/// The type object of `T` (a new handle).
pub fn type_object<T: PyClass>(ctx: Context<'_>) -> PyResult<Handle<'_>> {
    T::TYPE_GLOBAL.load(ctx).ok_or_else(|| {
        PyErr::runtime_error(format!("type {} was not created by its module", T::NAME))
    })
}

/// A binary number slot `W` callable as a function `slot(a, b)`, and a `**` slot as
/// `slot(a, b, mod=None)`: what `add_class` turns into `__rmul__`-style methods on PyPy (see
/// `MethodKind::Reflected`).
pub struct SlotAsFunction<W>(core::marker::PhantomData<W>);

impl<W: crate::__private::BinarySlot> crate::__private::VarArgsFn for SlotAsFunction<W> {
    const NAME: &'static str = W::NAME;

    fn call<'py>(
        ctx: Context<'py>,
        _module: Borrowed<'py>,
        args: Args<'py>,
    ) -> PyResult<Handle<'py>> {
        if args.len() != 2 {
            return Err(PyErr::type_error(format!(
                "expected 2 arguments, got {}",
                args.len()
            )));
        }
        W::call(ctx, args.get(0), args.get(1))
    }
}

/// The ternary form of [`SlotAsFunction`], for `nb_power`.
pub struct TernarySlotAsFunction<W>(core::marker::PhantomData<W>);

impl<W: crate::__private::TernarySlot> crate::__private::VarArgsFn for TernarySlotAsFunction<W> {
    const NAME: &'static str = W::NAME;

    fn call<'py>(
        ctx: Context<'py>,
        _module: Borrowed<'py>,
        args: Args<'py>,
    ) -> PyResult<Handle<'py>> {
        match args.len() {
            2 => W::call(ctx, args.get(0), args.get(1), ctx.none()),
            3 => W::call(ctx, args.get(0), args.get(1), args.get(2)),
            n => Err(PyErr::type_error(format!(
                "expected 2 or 3 arguments, got {n}"
            ))),
        }
    }
}

/// A `#[new]` (a `tp_new` slot implementation `W`) callable as a function `__new__(cls, *args,
/// **kwargs)`: what classes with a builtin base install as their Python-level `__new__`.
pub struct NewAsFunction<W>(core::marker::PhantomData<W>);

impl<W: crate::__private::NewSlot> crate::__private::KeywordsFn for NewAsFunction<W> {
    const NAME: &'static str = W::NAME;

    fn call<'py>(
        ctx: Context<'py>,
        _module: Borrowed<'py>,
        args: Args<'py>,
        kwnames: Option<Borrowed<'py>>,
    ) -> PyResult<Handle<'py>> {
        if args.is_empty() {
            return Err(PyErr::type_error(format!(
                "{}.__new__(): not enough arguments",
                W::NAME
            )));
        }
        let kw = match kwnames {
            None => None,
            Some(names) => {
                let dict = ctx.new_dict()?;
                for (index, value) in args.keyword_values().enumerate() {
                    dict.setitem(names.get_index(index as isize)?, value)?;
                }
                Some(dict)
            }
        };
        let created = W::call(
            ctx,
            args.get(0),
            args.skip_first(),
            kw.as_ref().map(Handle::as_borrowed),
        )?;
        // The new object's handle belongs to this call, not to the local dict it was made with:
        // re-own it with the call's lifetime.
        let raw = created.into_raw();
        Ok(ctx.own(raw).expect("a created object is never NULL"))
    }
}

/// `tp_new` of a class without `#[new]`.
pub fn no_constructor<T: PyClass>() -> PyErr {
    PyErr::type_error(format!("cannot create '{}' instances", T::NAME))
}

/// Owns the handles of keyword values taken out of a `tp_new`/`tp_init` keyword dict. One word,
/// empty (nothing to free) unless keywords were given.
#[derive(Default)]
pub struct KeywordValues<'py> {
    taken: Option<Box<TakenKeywords<'py>>>,
}

/// The names and values of a keyword dict, in its order.
struct TakenKeywords<'py> {
    names: Vec<String>,
    values: Vec<Handle<'py>>,
}

impl KeywordValues<'_> {
    /// Empty.
    #[inline(always)]
    pub fn new() -> Self {
        KeywordValues { taken: None }
    }
}

/// Keyword parsing for `tp_new`/`tp_init`, where keywords come as a dict (`kw`). The values'
/// handles are kept in `holder`, which the result borrows.
///
/// Without keywords, and with as many positional arguments as the parameters take, nothing
/// is matched by name: the arguments are the slots, without the parser (or the holder) being
/// touched.
#[inline(always)]
pub fn parse_dict_keywords<'a, 'py: 'a, const N: usize>(
    spec: &crate::__private::KeywordsSpec,
    args: Args<'py>,
    kw: Option<Borrowed<'py>>,
    holder: &'a mut KeywordValues<'py>,
) -> PyResult<[Option<Borrowed<'a>>; N]> {
    let nargs = args.len();
    if kw.is_none() && spec.simple && spec.required <= nargs && nargs <= spec.positional {
        let args: Args<'a> = args;
        return Ok(core::array::from_fn(|index| {
            (index < nargs).then(|| args.get(index))
        }));
    }
    parse_dict_keywords_slow(spec, args, kw, holder, None)
}

/// [`parse_dict_keywords`] for a `tp_new`/`tp_init` with `*args` or `**kwargs`: also returns
/// what they take.
pub fn parse_dict_keywords_extra<'a, 'py: 'a, const N: usize>(
    spec: &crate::__private::KeywordsSpec,
    ctx: crate::Context<'py>,
    args: Args<'py>,
    kw: Option<Borrowed<'py>>,
    holder: &'a mut KeywordValues<'py>,
) -> PyResult<([Option<Borrowed<'a>>; N], crate::__private::ExtraArgs<'a>)> {
    let mut extra = crate::__private::ExtraArgs {
        rest: args,
        kwargs: None,
    };
    let slots = parse_dict_keywords_slow(spec, args, kw, holder, Some((ctx, &mut extra)))?;
    Ok((slots, extra))
}

/// [`parse_dict_keywords`] with keywords (or a wrong number of positional arguments).
#[inline(never)]
fn parse_dict_keywords_slow<'a, 'py: 'a, const N: usize>(
    spec: &crate::__private::KeywordsSpec,
    args: Args<'py>,
    kw: Option<Borrowed<'py>>,
    holder: &'a mut KeywordValues<'py>,
    extra: Option<(crate::Context<'a>, &mut crate::__private::ExtraArgs<'a>)>,
) -> PyResult<[Option<Borrowed<'a>>; N]> {
    let mut taken = TakenKeywords {
        names: Vec::new(),
        values: Vec::new(),
    };
    if let Some(dict) = kw {
        let ctx = dict.context();
        let items = ctx
            .builtin_type(BuiltinType::List)
            .call((dict.call_method("items", ())?,))?;
        for index in 0..items.len()? {
            let pair = items.get_index(index as isize)?;
            let key = pair.get_index(0)?;
            let name = crate::__private::keyword_name(spec.func, key.as_borrowed())?.to_owned();
            taken.names.push(name);
            taken.values.push(pair.get_index(1)?);
        }
    }
    let taken: &'a TakenKeywords<'py> = holder.taken.insert(Box::new(taken));
    let pairs = taken
        .names
        .iter()
        .map(String::as_str)
        .zip(taken.values.iter().map(Handle::as_borrowed));
    let args: Args<'a> = args;
    crate::__private::parse_keywords_from(
        spec,
        args,
        kw.map(|_| KeywordSource::Dict(pairs.collect())),
        extra,
    )
}

/// Where keyword arguments come from.
pub(crate) enum KeywordSource<'a> {
    /// A tuple of names; values follow the positionals (vectorcall).
    Names(Borrowed<'a>),
    /// Name/value pairs (from the dict of `tp_new`, `tp_init`).
    Dict(Vec<(&'a str, Borrowed<'a>)>),
}

/// The hash of a value returned by `__hash__`.
pub trait IntoHash {
    /// Converts (wrapping).
    fn into_hash(self) -> isize;
}

macro_rules! into_hash {
    ($($ty:ty),*) => {$(
        impl IntoHash for $ty {
            #[inline(always)]
            fn into_hash(self) -> isize {
                self as isize
            }
        }
    )*};
}
into_hash!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

// ---------------------------------------------------------------------------------------------
// Types and exceptions in modules.

/// Creates `T`'s type, keeps it in its global, runs the class's post steps and adds it to
/// `module`.
pub fn add_class<'py, T: PyClass>(
    ctx: Context<'py>,
    module: Borrowed<'py>,
    property_accessor: &'static CStr,
) -> PyResult<()> {
    let qualname = if raw_class::declared_outside_module::<T>() {
        // Added with `#[hpy_class] use ...;`: it belongs to the module that adds it.
        Some(module_qualname(module, T::NAME)?)
    } else {
        None
    };
    let ty = raw_class::create_type::<T>(ctx, qualname.as_deref())?;
    T::TYPE_GLOBAL.store(ctx, ty.as_borrowed())?;
    let post = T::POST;
    let builtins = ctx.import("builtins")?;
    for method in post.wrapped {
        let hidden = c_str(method.hidden);
        let function = module.getattr(hidden)?;
        let wrapper = match method.kind {
            MethodKind::Static => Some("staticmethod"),
            MethodKind::Class => Some("classmethod"),
            // A builtin base's `__new__` refuses to make an instance of a type whose `tp_new`
            // is a C function other than its own ("int.__new__(X) is not safe"); a Python-level
            // `__new__` (CPython's `slot_tp_new`) is accepted.
            MethodKind::New if raw_class::has_builtin_base::<T>() => Some("staticmethod"),
            MethodKind::New => None,
            MethodKind::Reflected => {
                if ctx.runtime_is_pypy() {
                    let name = c_str(method.name);
                    let reflected = python_method(
                        ctx,
                        name,
                        "self, other, *mod",
                        "other, self, *mod",
                        function.as_borrowed(),
                    )?;
                    ty.setattr(name, reflected)?;
                }
                None
            }
        };
        if let Some(wrapper) = wrapper {
            let wrapped = builtins.getattr(wrapper)?.call((function,))?;
            ty.setattr(c_str(method.name), wrapped)?;
        }
        module.delattr(hidden)?;
    }
    if ctx.runtime_is_pypy()
        && raw_class::has_slot::<T>(hpy_sys::HPy_sq_repeat)
        && ty.getattr("__rmul__").is_err_and(|err| {
            err.clear(ctx);
            true
        })
    {
        // PyPy gives `sq_repeat` only `__mul__`; CPython also reaches it for `n * seq`.
        let repeat = ty.getattr("__mul__")?;
        let method = python_method(
            ctx,
            "__rmul__",
            "self, other",
            "self, other",
            repeat.as_borrowed(),
        )?;
        ty.setattr("__rmul__", method)?;
    }
    let property_accessor = c_str(property_accessor);
    if ctx.runtime_is_pypy() {
        pypy_properties::<T>(
            ctx,
            ty.as_borrowed(),
            module.getattr(property_accessor)?.as_borrowed(),
        )?;
    }
    module.delattr(property_accessor)?;
    remove_property_methods::<T>(ty.as_borrowed())?;
    if let Some(set_attrs) = post.class_attrs {
        set_attrs(ctx, ty.as_borrowed())?;
    }
    if raw_class::python_subclasses_unsupported::<T>() {
        refuse_python_subclasses(
            ctx,
            ty.as_borrowed(),
            &format!(
                "Python classes cannot inherit from {}: HPy 0.9 passes the wrong data pointer \
                 to tp_traverse/tp_destroy for instances of Python subclasses of types with \
                 HPyFields or drop glue",
                T::NAME
            ),
        )?;
    } else if ctx.runtime_is_pypy() && !raw_class::accepts_subclasses::<T>() {
        // PyPy ignores HPy_TPFLAGS_BASETYPE: refuse as CPython's `type.__new__` does.
        let module_name = ty.getattr("__module__")?;
        refuse_python_subclasses(
            ctx,
            ty.as_borrowed(),
            &format!(
                "type '{}.{}' is not an acceptable base type",
                module_name.extract::<&str>()?,
                T::NAME
            ),
        )?;
    }
    if ctx.runtime_is_pypy() {
        refuse_instance_attributes(ctx, ty.as_borrowed())?;
    }
    for name in post.reinstall {
        let name = c_str(name);
        let value = ty.getattr(name)?;
        ty.setattr(name, value)?;
    }
    module.setattr(T::NAME, ty)
}

/// "module.Name" for a type declared outside its module.
fn module_qualname(module: Borrowed<'_>, name: &str) -> PyResult<std::ffi::CString> {
    let module_name = module.getattr("__name__")?;
    let full = format!("{}.{name}", module_name.extract::<&str>()?);
    std::ffi::CString::new(full).map_err(|_| PyErr::value_error("a name with a NUL character"))
}

/// Installs an `__init_subclass__` that raises `TypeError` with `message` (see
/// `ffi::class::python_subclasses_unsupported`): a clear error instead of memory corruption.
pub(crate) fn refuse_python_subclasses(
    ctx: Context<'_>,
    ty: Borrowed<'_>,
    message: &str,
) -> PyResult<()> {
    let function = python_function(
        ctx,
        "__init_subclass__",
        "cls, **kwargs",
        "raise TypeError(_message)",
    )?;
    function
        .getattr("__globals__")?
        .setitem("_message", message)?;
    let wrapped = ctx
        .import("builtins")?
        .getattr("classmethod")?
        .call((function,))?;
    ty.setattr("__init_subclass__", wrapped)
}

/// PyPy 7.3.19 gives every instance of an HPy type a `__dict__`, so `obj.anything = 1` would
/// succeed where CPython raises `AttributeError`. On PyPy each such class gets a `__setattr__`
/// that refuses, in CPython's words, any name that is not a data descriptor (member, property)
/// of the class, then calls the one it inherited. It is skipped for classes with a `__setattr__`
/// method of their own or from a base, and for instances of Python subclasses (which have a
/// `__dict__` on CPython).
const REFUSE_INSTANCE_ATTRIBUTES: &str = "\
def _install(cls):
    inherited = cls.__setattr__
    if inherited is not object.__setattr__ and not getattr(inherited, '_hpy_refuses', False):
        return
    tp_name = f'{cls.__module__}.{cls.__name__}'
    def __setattr__(self, name, value):
        if type(self) is cls:
            for klass in cls.__mro__:
                found = klass.__dict__.get(name, _absent)
                if found is not _absent:
                    if not hasattr(type(found), '__set__'):
                        raise AttributeError(
                            f\"'{tp_name}' object attribute '{name}' is read-only\")
                    break
            else:
                raise AttributeError(f\"'{tp_name}' object has no attribute '{name}'\")
        inherited(self, name, value)
    __setattr__._hpy_refuses = True
    cls.__setattr__ = __setattr__
_absent = object()
";

/// See [`REFUSE_INSTANCE_ATTRIBUTES`].
pub(crate) fn refuse_instance_attributes(ctx: Context<'_>, ty: Borrowed<'_>) -> PyResult<()> {
    python_namespace(ctx, REFUSE_INSTANCE_ATTRIBUTES)?
        .getitem("_install")?
        .call((ty,))?;
    Ok(())
}

/// The namespace of Python `source`, run in a fresh one.
fn python_namespace<'py>(ctx: Context<'py>, source: &str) -> PyResult<Handle<'py>> {
    let namespace = ctx.new_dict()?;
    let code = crate::compile(ctx, source, "<string>", crate::SourceKind::File)?;
    crate::eval_code(&code, &namespace, None)?;
    Ok(namespace)
}

/// PyPy 7.3.19 ignores the error an HPy property getter or setter returns (the exception stays
/// pending and surfaces in some later, unrelated operation; a failed getter reads as `None`),
/// aborts the process on `del obj.prop`, and lets read-only members be assigned. So on PyPy each
/// property of `T` becomes a Python `property` whose getter, setter and deleter call the same
/// Rust functions through `access`, a hidden module function ([`PropertyAccessor`]) whose
/// errors propagate; a read-only member gets a property that raises CPython's
/// `AttributeError`.
fn pypy_properties<'py, T: PyClass>(
    ctx: Context<'py>,
    ty: Borrowed<'py>,
    access: Borrowed<'py>,
) -> PyResult<()> {
    let defs = raw_class::property_defs::<T>();
    if defs.is_empty() {
        return Ok(());
    }
    let builtins = ctx.import("builtins")?;
    let property = builtins.getattr("property")?;
    let partial = ctx.import("functools")?.getattr("partial")?;
    let type_dict = ty.getattr("__dict__")?;
    let mut read_only_setter = None;
    for def in defs {
        let (name, replacement) = match def {
            raw_class::PropertyDef::GetSet(name, index) => {
                // The hidden methods `__hpy_get_<name>`/`__hpy_set_<name>` (`GetterMethod`)
                // where the class has them; otherwise `partial(access, op, index)(obj[, value])`,
                // which is `access(op, index, obj[, value])`.
                let name = c_str(name);
                let doc = type_dict.getitem(name)?.getattr("__doc__")?;
                let [get, set, delete] = [0u8, 1, 2].map(|op| {
                    let hidden = match op {
                        0 => Some(format!("__hpy_get_{name}")),
                        1 => Some(format!("__hpy_set_{name}")),
                        _ => None,
                    };
                    match hidden {
                        Some(hidden) if type_dict.contains(hidden.as_str())? => {
                            type_dict.getitem(hidden.as_str())
                        }
                        _ => partial.call((access, op, index)),
                    }
                });
                (name, property.call((get?, set?, delete?, doc))?)
            }
            raw_class::PropertyDef::ReadOnlyMember(name) => {
                let name = c_str(name);
                let descriptor = type_dict.getitem(name)?;
                if read_only_setter.is_none() {
                    read_only_setter = Some(python_function(
                        ctx,
                        "read_only",
                        "self, value=None",
                        "raise AttributeError('readonly attribute')",
                    )?);
                }
                let setter = read_only_setter.as_ref().expect("made above");
                let replacement = property.call((
                    descriptor.getattr("__get__")?,
                    setter,
                    setter,
                    descriptor.getattr("__doc__")?,
                ))?;
                (name, replacement)
            }
            raw_class::PropertyDef::UnsignedMember(name) => {
                let name = c_str(name);
                let descriptor = type_dict.getitem(name)?;
                let make = python_namespace(ctx, UNSIGNED_MEMBER)?.getitem("unsigned_member")?;
                (name, make.call((descriptor,))?)
            }
        };
        ty.setattr(name, replacement)?;
    }
    Ok(())
}

/// Removes the hidden `__hpy_get_<name>`/`__hpy_set_<name>` methods of `T`'s properties
/// (`ffi::slots::GetterMethod`), used by [`pypy_properties`] and by nothing else.
fn remove_property_methods<T: PyClass>(ty: Borrowed<'_>) -> PyResult<()> {
    let type_dict = ty.getattr("__dict__")?;
    for def in raw_class::property_defs::<T>() {
        if let raw_class::PropertyDef::GetSet(name, _) = def {
            let name = c_str(name);
            for hidden in [format!("__hpy_get_{name}"), format!("__hpy_set_{name}")] {
                if type_dict.contains(hidden.as_str())? {
                    ty.delattr(hidden.as_str())?;
                }
            }
        }
    }
    Ok(())
}

/// PyPy 7.3.19 writes an integer member through a signed machine word, so a `u64` member
/// refuses values from 2**63 (`OverflowError`). The property that replaces it on PyPy checks
/// the range as CPython does and stores the same 64 bits as a signed value.
const UNSIGNED_MEMBER: &str = "\
import operator
def unsigned_member(descriptor):
    store = descriptor.__set__
    def set(self, value):
        value = operator.index(value)
        if value < 0:
            raise OverflowError(\"can't convert negative int to unsigned\")
        if value >= 1 << 64:
            raise OverflowError('int too big to convert')
        store(self, value - (1 << 64) if value >= 1 << 63 else value)
    return property(descriptor.__get__, set, descriptor.__delete__, descriptor.__doc__)
";

/// The hidden module function behind `pypy_properties`: `access(op, index, obj[, value])`
/// reads (`op` 0), writes (1) or deletes (2) the property defined at `index` among `T`'s
/// definitions through its Rust getter or setter, so that their errors propagate.
pub struct PropertyAccessor<T>(core::marker::PhantomData<T>);

impl<T: PyClass> crate::__private::VarArgsFn for PropertyAccessor<T> {
    const NAME: &'static str = T::NAME;

    fn call<'py>(
        ctx: Context<'py>,
        _module: Borrowed<'py>,
        args: Args<'py>,
    ) -> PyResult<Handle<'py>> {
        use raw_class::PropertyAccess;
        if !(3..=4).contains(&args.len()) {
            return Err(PyErr::type_error("bad property access"));
        }
        let access = match (args.len(), args.get(0).extract::<u8>()?) {
            (3, 0) => PropertyAccess::Get,
            (4, 1) => PropertyAccess::Set(args.get(3)),
            (3, 2) => PropertyAccess::Delete,
            _ => return Err(PyErr::type_error("bad property access")),
        };
        let index: usize = args.get(1).extract()?;
        raw_class::run_property::<T>(ctx, index, args.get(2), access)?
            .ok_or_else(|| PyErr::type_error("bad property access"))
    }
}

/// The definition of `T`'s hidden [`PropertyAccessor`] module function, named `name`.
pub const fn property_accessor_def<T: PyClass>(name: &'static CStr) -> crate::__private::DefCell {
    crate::__private::DefCell::new(crate::__private::meth_varargs::<PropertyAccessor<T>>(
        name, None,
    ))
}

/// A Python function `def name(parameters): return target(arguments)`, to install as a
/// method; `MethodKind::Reflected` uses it for `__rmul__(self, other, *mod)` calling
/// `slot(other, self, *mod)`.
fn python_method<'py>(
    ctx: Context<'py>,
    name: &str,
    parameters: &str,
    arguments: &str,
    target: Borrowed<'py>,
) -> PyResult<Handle<'py>> {
    let function = python_function(
        ctx,
        name,
        parameters,
        &format!("return _target({arguments})"),
    )?;
    function
        .getattr("__globals__")?
        .setitem("_target", target)?;
    Ok(function)
}

/// A Python function `def name(parameters): body` (`body` one line), in a namespace of its own.
fn python_function<'py>(
    ctx: Context<'py>,
    name: &str,
    parameters: &str,
    body: &str,
) -> PyResult<Handle<'py>> {
    let source = format!("def {name}({parameters}):\n    {body}\n");
    python_namespace(ctx, &source)?.getitem(name)
}

fn c_str(text: &'static CStr) -> &'static str {
    text.to_str().expect("generated names are UTF-8")
}

/// An exception type defined by a module (`#[hpy_exception]`).
pub trait PyException: 'static {
    /// The Python name.
    const NAME: &'static str;
    /// `module.Name`.
    const QUALNAME: &'static CStr;
    /// The docstring.
    const DOC: Option<&'static CStr>;
    /// Holds the exception type once the module created it.
    const GLOBAL: &'static HPyGlobal;
    /// The base exception type.
    fn base<'py>(ctx: Context<'py>) -> PyResult<Handle<'py>>;
}

/// A builtin exception type (for `#[hpy_exception(base = ...)]`).
pub fn builtin_exception(ctx: Context<'_>, kind: ExceptionKind) -> PyResult<Handle<'_>> {
    Ok(kind.type_object(ctx).dup())
}

/// The type of a module-defined exception.
pub fn exception_type<E: PyException>(ctx: Context<'_>) -> PyResult<Handle<'_>> {
    E::GLOBAL.load(ctx).ok_or_else(|| {
        PyErr::runtime_error(format!(
            "exception {} was not created by its module",
            E::NAME
        ))
    })
}

/// Creates exception `E` and adds it to `module`.
pub fn add_exception<'py, E: PyException>(
    ctx: Context<'py>,
    module: Borrowed<'py>,
) -> PyResult<()> {
    let base = E::base(ctx)?;
    // Declared outside the module (added with `#[hpy_exception] use ...;`): HPy wants
    // "module.Name", so the module's name is added here.
    let qualname = if E::QUALNAME.to_bytes().contains(&b'.') {
        std::borrow::Cow::Borrowed(E::QUALNAME)
    } else {
        std::borrow::Cow::Owned(module_qualname(module, E::NAME)?)
    };
    let ty = raw_class::new_exception(ctx, &qualname, E::DOC, base.as_borrowed())?;
    E::GLOBAL.store(ctx, ty.as_borrowed())?;
    module.setattr(E::NAME, ty)
}

impl<'py> Context<'py> {
    /// The type object of class `T`.
    pub fn type_object<T: PyClass>(self) -> PyResult<Handle<'py>> {
        type_object::<T>(self)
    }

    /// A new instance of class `T` made from Rust (see [`IntoClassInit`]).
    #[inline(always)]
    pub fn new_object<T: PyClass, I: IntoClassInit<T>>(self, init: I) -> PyResult<Handle<'py>> {
        instance::<T, I>(self, init)
    }

    /// A new instance of class `T`, then `fill` called with a borrow of its struct before anyone
    /// else sees it: where a constructor made from Rust stores the object's [`HPyField`]s,
    /// which need the owner. Cheaper than `new_object` then `borrow`, which checks the type of
    /// an object made a moment ago. `examples/kiwisolver` builds its terms and expressions
    /// this way.
    #[inline(always)]
    pub fn new_object_with<T: PyClass, I: IntoClassInit<T>>(
        self,
        init: I,
        fill: impl FnOnce(&PyRef<'_, 'py, T>),
    ) -> PyResult<Handle<'py>> {
        raw_class::new_own_instance_with::<T>(self, init.into_init(), fill)
    }
}

/// A parameter of type `PyRef<T>` accepts instances of `T` (type-checked; `TypeError`
/// otherwise) and borrows their struct for the call.
impl<'a, T: PyClass> FromPy<'a> for PyRef<'a, 'a, T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        checked_borrow(obj.context(), obj)
    }

    #[inline(always)]
    fn from_py_in(obj: Borrowed<'a>, own: &OwnType<'_>) -> PyResult<Self> {
        PyRef::try_new(obj.context(), obj, Some(own))?
            .ok_or_else(|| raw_class::wrong_type::<T>(obj))
    }
}

/// A parameter of type `PyRefMut<T>` borrows the struct of a `T` instance exclusively.
impl<'a, T: MutableClass> FromPy<'a> for PyRefMut<'a, 'a, T> {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        checked_borrow_mut(obj.context(), obj)
    }

    #[inline(always)]
    fn from_py_in(obj: Borrowed<'a>, own: &OwnType<'_>) -> PyResult<Self> {
        PyRefMut::try_new(obj.context(), obj, Some(own))?
            .ok_or_else(|| raw_class::wrong_type::<T>(obj))
    }
}
