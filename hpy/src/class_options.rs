//! What `#[hpy_class(eq, ord, hash, str)]` and `#[hpy_class]` enums generate calls to: the
//! comparison, hash and `str` slots derived from the Rust traits. Not a public API.

use core::fmt::Display;
use core::hash::{Hash, Hasher};

use crate::class::try_borrow;
use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::ffi::class::PyClass;
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::{AnyHandle, CompareOp};

fn boolean(ctx: Context<'_>, value: bool) -> PyResult<Handle<'_>> {
    value.into_py(ctx)
}

/// `==`/`!=` from `PartialEq` (`eq`): `NotImplemented` for the other operators and for an
/// operand that is not a `T`, so that Python falls back to identity (`x == 1` is `False`).
pub fn compare_eq<'py, T: PyClass + PartialEq>(
    ctx: Context<'py>,
    slf: &T,
    other: Borrowed<'py>,
    op: CompareOp,
) -> PyResult<Handle<'py>> {
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) {
        return Ok(ctx.not_implemented().dup());
    }
    match try_borrow::<T>(other)? {
        None => Ok(ctx.not_implemented().dup()),
        Some(other) => boolean(ctx, (*slf == *other) == (op == CompareOp::Eq)),
    }
}

/// All six comparisons from `PartialOrd` (`ord`); `NotImplemented` for an operand that is not a
/// `T` (Python then raises its own `TypeError` for `<`).
pub fn compare_ord<'py, T: PyClass + PartialOrd>(
    ctx: Context<'py>,
    slf: &T,
    other: Borrowed<'py>,
    op: CompareOp,
) -> PyResult<Handle<'py>> {
    let Some(other) = try_borrow::<T>(other)? else {
        return Ok(ctx.not_implemented().dup());
    };
    let (a, b) = (slf, &*other);
    boolean(
        ctx,
        match op {
            CompareOp::Lt => a < b,
            CompareOp::Le => a <= b,
            CompareOp::Eq => a == b,
            CompareOp::Ne => a != b,
            CompareOp::Gt => a > b,
            CompareOp::Ge => a >= b,
        },
    )
}

/// `==`/`!=` of two enum variants by their position (fieldless `#[hpy_class]` enums);
/// `other` is `None` when the operand is not an instance of the enum's class.
pub fn compare_variants(
    ctx: Context<'_>,
    slf: usize,
    other: Option<usize>,
    op: CompareOp,
) -> PyResult<Handle<'_>> {
    match (op, other) {
        (CompareOp::Eq, Some(other)) => boolean(ctx, slf == other),
        (CompareOp::Ne, Some(other)) => boolean(ctx, slf != other),
        _ => Ok(ctx.not_implemented().dup()),
    }
}

/// [`compare_variants`] for an enum with `eq_int`: an `int` operand (`bool` included, as for
/// `IntEnum`) compares with the variant's discriminant.
pub fn compare_variants_int<'py>(
    ctx: Context<'py>,
    slf: usize,
    discriminant: i128,
    other: Borrowed<'py>,
    other_index: Option<usize>,
    op: CompareOp,
) -> PyResult<Handle<'py>> {
    if other_index.is_none()
        && matches!(op, CompareOp::Eq | CompareOp::Ne)
        && other.is_instance_of(crate::BuiltinType::Int)
    {
        let discriminant = discriminant.into_py(ctx)?;
        return boolean(ctx, discriminant.compare_bool(other, op)?);
    }
    compare_variants(ctx, slf, other_index, op)
}

/// `hash()` from `Hash` (`hash`): the value through the standard library's `DefaultHasher::new()`
/// (fixed keys), so equal values hash equally in every process.
pub fn hash_value<T: Hash + ?Sized>(value: &T) -> isize {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    // The slot turns -1 (an error to Python) into -2, as CPython does.
    hasher.finish() as isize
}

/// The hash Python gives the `int` `value` (64-bit builds: the value modulo the Mersenne prime
/// 2**61 - 1, with its sign; -1 becomes -2), so that an enum variant hashes as its discriminant.
pub fn int_hash(value: i128) -> isize {
    const MODULUS: i128 = (1 << 61) - 1;
    let hash = (value.unsigned_abs() % MODULUS as u128) as i128;
    let hash = if value < 0 { -hash } else { hash };
    if hash == -1 {
        -2
    } else {
        hash as isize
    }
}

/// An enum variant's `__reduce__`: `(getattr, (type(self), name))`, so that `copy.copy`,
/// `copy.deepcopy` and `pickle` give back the class attribute of the variant.
pub fn reduce_variant<'py>(
    ctx: Context<'py>,
    slf: Borrowed<'py>,
    name: &'static str,
) -> PyResult<Handle<'py>> {
    let getattr = ctx.import("builtins")?.getattr("getattr")?;
    (getattr, (slf.get_type(), name)).into_py(ctx)
}

/// `str()` from `Display` (`str`).
pub fn display_str<'py, T: Display + ?Sized>(
    ctx: Context<'py>,
    value: &T,
) -> PyResult<Handle<'py>> {
    value.to_string().into_py(ctx)
}

// ---------------------------------------------------------------------------------------------
// Enums with data: one subclass per variant (see `docs/classes.md`).

/// Creates the class of one variant of an enum with data from `spec` (made for `T`, with the
/// variant's `__new__` and its hidden field getters `__hpy_get_<field>`), names it
/// `<T>.<name>`, turns each getter into a read-only property, sets `__match_args__` to
/// `fields`, and sets it as the class attribute `name` of `T`'s type.
pub fn add_variant_class<'py, T: PyClass>(
    ctx: Context<'py>,
    spec: &'static crate::ffi::class::TypeSpecCell,
    name: &'static str,
    fields: &[&'static str],
) -> PyResult<()> {
    let base = crate::ffi::class::create_variant_type::<T>(ctx, spec)?;
    let ty = base.as_borrowed();
    let owner = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| PyErr::runtime_error(format!("type {} was not created", T::NAME)))?;
    ty.setattr("__module__", owner.getattr("__module__")?)?;
    let qualname = format!(
        "{}.{name}",
        owner.getattr("__qualname__")?.extract::<&str>()?
    );
    ty.setattr("__qualname__", qualname.as_str())?;
    let builtins = ctx.import("builtins")?;
    let property = builtins.getattr("property")?;
    let type_dict = ty.getattr("__dict__")?;
    let mut names = Vec::new();
    for field in fields {
        let hidden = format!("__hpy_get_{field}");
        let getter = type_dict.getitem(hidden.as_str())?;
        ty.setattr(field, property.call((getter,))?)?;
        ty.delattr(hidden.as_str())?;
        names.push(field.into_py(ctx)?);
    }
    let match_args = builtins.getattr("tuple")?.call((names,))?;
    ty.setattr("__match_args__", match_args)?;
    if ctx.runtime_is_pypy() {
        // PyPy ignores HPy_TPFLAGS_BASETYPE and lets instances of HPy types take attributes.
        crate::class::refuse_python_subclasses(
            ctx,
            ty,
            &format!("type '{qualname}' is not an acceptable base type"),
        )?;
        crate::class::refuse_instance_attributes(ctx, ty)?;
    }
    owner.setattr(name, &base)
}

/// After the variant classes: Python classes may not inherit from the enum's class (it accepts
/// subclasses only for its variant classes, whose instances all hold a value).
pub fn seal_data_enum<T: PyClass>(ctx: Context<'_>, ty: Borrowed<'_>) -> PyResult<()> {
    crate::class::refuse_python_subclasses(
        ctx,
        ty,
        &format!(
            "Python classes cannot inherit from {}: its subclasses are its variants",
            T::NAME
        ),
    )
}

/// The `repr` of a variant of an enum with data: `Shape.Circle(r=1.0)`, `Shape.Pair(1, 2)`
/// (tuple variants have no field names: `names` is empty).
pub fn variant_repr<'py>(
    ctx: Context<'py>,
    head: &'static str,
    names: &[&'static str],
    values: &[Handle<'py>],
) -> PyResult<Handle<'py>> {
    let mut text = String::from(head);
    text.push('(');
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            text.push_str(", ");
        }
        if let Some(name) = names.get(index) {
            text.push_str(name);
            text.push('=');
        }
        text.push_str(value.repr()?.extract::<&str>()?);
    }
    text.push(')');
    text.into_py(ctx)
}

/// The `tp_new` of a variant class of an enum with data: a new instance of `cls` (checked to be
/// a subclass of `T`'s type other than it) holding `value`.
pub fn new_variant<'py, T: PyClass>(
    ctx: Context<'py>,
    cls: Borrowed<'py>,
    value: T,
) -> PyResult<Handle<'py>>
where
    T::Base: crate::ffi::class::ClassBase<Init = ()>,
{
    crate::ffi::class::new_variant_instance::<T>(ctx, cls, value)
}

/// A variant of an enum with data as a Python object: a new instance of its class (the class
/// attribute `name` of `T`'s type, checked to be a subclass of it).
pub fn variant_into_py<'py, T: PyClass>(
    ctx: Context<'py>,
    name: &'static str,
    value: T,
) -> PyResult<Handle<'py>>
where
    T::Base: crate::ffi::class::ClassBase<Init = ()>,
{
    let owner = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| PyErr::runtime_error(format!("type {} was not created", T::NAME)))?;
    let class = owner.getattr(name)?;
    drop(owner);
    crate::ffi::class::new_variant_instance::<T>(ctx, class.as_borrowed(), value)
}

/// A variant's `__reduce__` in an enum with data: `(type(self), (field, ...))`, so that
/// `copy.copy`, `copy.deepcopy` and `pickle` build the variant again from its fields.
pub fn reduce_data_variant<'py>(
    ctx: Context<'py>,
    slf: Borrowed<'py>,
    fields: Vec<Handle<'py>>,
) -> PyResult<Handle<'py>> {
    let args = ctx.import("builtins")?.getattr("tuple")?.call((fields,))?;
    (slf.get_type(), args).into_py(ctx)
}
