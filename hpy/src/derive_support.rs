//! What `#[derive(FromPy)]` and `#[derive(IntoPy)]` expansions call. Not a public API: names
//! and signatures here may change in any release. The guide is `docs/derives.md`.
//!
//! A struct (or one enum variant) is converted field by field into an [`Attempt`]; its
//! [`Failure`] says why it did not convert: the object has the wrong shape (a missing attribute
//! or key, not a sequence of the right length), a field's own conversion failed, or Python
//! raised an exception that is not a conversion failure. [`finish`] turns it into the struct's
//! error; [`Variants`] collects the failures of an enum's variants into one `TypeError`.

use std::borrow::Cow;
use std::fmt;

use crate::convert::{FromPy, IntoPy};
use crate::err::{PyErr, PyResult};
use crate::ffi::raw;
use crate::ffi::{Borrowed, Context, Handle};
use crate::object::{repr_string, AnyHandle};
use crate::types::{BuiltinType, ExceptionKind, PyDict, View};

/// Which field of a struct or variant: `field 'x'` or `item 0`.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    /// A named field, by its Python name (the attribute or key).
    Named(&'static str),
    /// A tuple field, by position.
    Index(usize),
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Named(name) => write!(f, "field '{name}'"),
            Field::Index(index) => write!(f, "item {index}"),
        }
    }
}

/// Why a struct or one enum variant did not convert.
#[derive(Debug)]
pub enum Failure {
    /// The object does not have the struct's shape; the reason, e.g. `missing attribute 'x'`.
    Shape(Cow<'static, str>),
    /// The conversion of a field failed with this error.
    Field(Field, PyErr),
    /// Python raised an exception that is not about the object's shape (e.g. a property that
    /// raised `RuntimeError`): it propagates as it is.
    Raised(PyErr),
}

/// The result of converting one struct or variant.
pub type Attempt<T> = Result<T, Failure>;

/// Converts a new handle to a field value; the handle is closed right after, so the value
/// cannot borrow from it (`for<'x> FromPy<'x>`).
fn convert<T: for<'x> FromPy<'x>>(value: Handle<'_>, field: Field) -> Attempt<T> {
    let result = T::from_py(value.as_borrowed());
    drop(value);
    result.map_err(|err| Failure::Field(field, err))
}

/// `obj.name` converted, or `None` when `obj` has no such attribute (`AttributeError`).
pub fn attribute_opt<T: for<'x> FromPy<'x>>(
    obj: Borrowed<'_>,
    name: &'static str,
) -> Attempt<Option<T>> {
    let ctx = obj.context();
    match obj.getattr(name) {
        Ok(value) => convert(value, Field::Named(name)).map(Some),
        Err(err) if err.matches(ctx, ExceptionKind::AttributeError) => {
            err.clear(ctx);
            Ok(None)
        }
        Err(err) => Err(Failure::Raised(err)),
    }
}

/// `obj.name` converted; a missing attribute is a shape failure.
pub fn attribute<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>, name: &'static str) -> Attempt<T> {
    attribute_opt(obj, name)?
        .ok_or_else(|| Failure::Shape(format!("missing attribute '{name}'").into()))
}

/// `obj[key]` converted, or `None` when the key is missing (`KeyError`). An object that cannot
/// be subscripted by a `str` (`TypeError`: an `int`, a `list`, ...) is not a mapping.
pub fn item_opt<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>, key: &'static str) -> Attempt<Option<T>> {
    let ctx = obj.context();
    match obj.getitem_str(key) {
        Ok(value) => convert(value, Field::Named(key)).map(Some),
        Err(err) if err.matches(ctx, ExceptionKind::KeyError) => {
            err.clear(ctx);
            Ok(None)
        }
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Err(Failure::Shape("expected a mapping".into()))
        }
        Err(err) => Err(Failure::Raised(err)),
    }
}

/// `obj[key]` converted; a missing key is a shape failure.
pub fn item<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>, key: &'static str) -> Attempt<T> {
    item_opt(obj, key)?.ok_or_else(|| Failure::Shape(format!("missing key '{key}'").into()))
}

fn not_a_sequence(length: usize) -> Failure {
    Failure::Shape(format!("expected a sequence of length {length}").into())
}

/// Checks that `obj` is a sequence of `length` items: a `tuple`, a `list`, or another object
/// with a length and integer indexes, but not a `str`, `bytes` or `dict` (their items are
/// rarely meant as fields).
pub fn sequence(obj: Borrowed<'_>, length: usize) -> Attempt<()> {
    let ctx = obj.context();
    if !raw::is_list_or_tuple(ctx, obj)
        && (obj.is_instance_of(BuiltinType::Str)
            || obj.is_instance_of(BuiltinType::Bytes)
            || PyDict::is_type_of(obj).map_err(Failure::Raised)?)
    {
        return Err(not_a_sequence(length));
    }
    match obj.len() {
        Ok(actual) if actual == length => Ok(()),
        Ok(actual) => Err(Failure::Shape(
            format!("expected a sequence of length {length}, got length {actual}").into(),
        )),
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Err(not_a_sequence(length))
        }
        Err(err) => Err(Failure::Raised(err)),
    }
}

/// `obj[index]` converted (after [`sequence`] checked the length).
pub fn index<T: for<'x> FromPy<'x>>(obj: Borrowed<'_>, index: usize, length: usize) -> Attempt<T> {
    let ctx = obj.context();
    match obj.get_index(index as isize) {
        Ok(value) => convert(value, Field::Index(index)),
        Err(err) if err.matches(ctx, ExceptionKind::TypeError) => {
            err.clear(ctx);
            Err(not_a_sequence(length))
        }
        Err(err) => Err(Failure::Raised(err)),
    }
}

/// A unit variant's `value = "text"`: `obj` must be a `str` equal to it (a `str` subclass
/// such as an `enum.StrEnum` member that compares equal matches too).
pub fn unit_str(obj: Borrowed<'_>, value: &str) -> Attempt<()> {
    if obj.is_instance_of(BuiltinType::Str) && obj.eq(value).map_err(Failure::Raised)? {
        return Ok(());
    }
    Err(not_value(obj.context(), value))
}

/// A unit variant's `value = 3`: `obj` must be an `int` equal to it (never a `bool`).
pub fn unit_int(obj: Borrowed<'_>, value: i64) -> Attempt<()> {
    if obj.is_instance_of(BuiltinType::Int)
        && !obj.is_instance_of(BuiltinType::Bool)
        && obj.eq(value).map_err(Failure::Raised)?
    {
        return Ok(());
    }
    Err(not_value(obj.context(), value))
}

/// The shape failure of a unit variant whose value the object is not: `expected 'auto'`
/// (the value's Python `repr`).
fn not_value<'py, V: IntoPy<'py>>(ctx: Context<'py>, value: V) -> Failure {
    let text = match value.into_py(ctx) {
        Ok(handle) => repr_string(handle.as_borrowed()),
        Err(err) => {
            err.clear(ctx);
            None
        }
    };
    Failure::Shape(format!("expected {}", text.as_deref().unwrap_or("its value")).into())
}

/// `TypeError: 'int' object cannot be converted to Point: missing attribute 'x'`.
fn cannot_convert(obj: Borrowed<'_>, target: &str, reason: &str) -> PyErr {
    PyErr::type_error(format!(
        "'{}' object cannot be converted to {target}: {reason}",
        obj.type_name()
    ))
}

/// The error of a struct that did not convert: a shape failure is a `TypeError` naming the
/// struct; a field's (lazy) error keeps its kind, its message prefixed with the field and the
/// struct; an exception Python raised propagates as it is.
pub fn finish<T>(obj: Borrowed<'_>, target: &str, attempt: Attempt<T>) -> PyResult<T> {
    attempt.map_err(|failure| match failure {
        Failure::Shape(reason) => cannot_convert(obj, target, &reason),
        Failure::Field(field, err) => {
            err.with_context(&format!("failed to convert {field} of {target}"))
        }
        Failure::Raised(err) => err,
    })
}

/// The message of a lazy error (its `Display` is `"Kind: message"`).
fn lazy_message(err: &PyErr) -> String {
    let text = err.to_string();
    match text.split_once(": ") {
        Some((_, message)) => message.to_owned(),
        None => text,
    }
}

/// The exceptions Python raises when a value does not fit (tried in this order: the first that
/// matches names it). HPy 0.9 cannot read back an exception's message, so a variant that failed
/// with one of these is reported by the exception's name.
const CONVERSION_ERRORS: [ExceptionKind; 6] = [
    ExceptionKind::TypeError,
    ExceptionKind::ValueError,
    ExceptionKind::OverflowError,
    ExceptionKind::KeyError,
    ExceptionKind::IndexError,
    ExceptionKind::AttributeError,
];

/// A pending error's reason when it is a conversion failure (then it is cleared), else the
/// error itself, to propagate.
fn pending_reason(ctx: Context<'_>, err: PyErr) -> Result<String, PyErr> {
    match CONVERSION_ERRORS
        .iter()
        .find(|kind| err.matches(ctx, **kind))
    {
        Some(kind) => {
            err.clear(ctx);
            Ok(format!("raised {kind:?}"))
        }
        None => Err(err),
    }
}

/// Why each variant of an enum did not convert, for the `TypeError` when none does.
pub struct Variants<'a> {
    obj: Borrowed<'a>,
    reasons: String,
}

impl<'a> Variants<'a> {
    /// No variant tried yet.
    pub fn new(obj: Borrowed<'a>) -> Self {
        Variants {
            obj,
            reasons: String::new(),
        }
    }

    fn push(&mut self, variant: &str, reason: &str) {
        if !self.reasons.is_empty() {
            self.reasons.push_str("; ");
        }
        self.reasons.push_str(variant);
        self.reasons.push_str(": ");
        self.reasons.push_str(reason);
    }

    /// Records why a struct-like or tuple variant did not convert. An exception that is not a
    /// conversion failure (see [`CONVERSION_ERRORS`]) is returned, to propagate.
    pub fn failed(&mut self, variant: &str, failure: Failure) -> PyResult<()> {
        let ctx = self.obj.context();
        let reason = match failure {
            Failure::Shape(reason) => reason.into_owned(),
            Failure::Field(field, err) if err.is_pending() => {
                format!("failed to convert {field}: {}", pending_reason(ctx, err)?)
            }
            Failure::Field(field, err) => {
                format!("failed to convert {field}: {}", lazy_message(&err))
            }
            Failure::Raised(err) if err.is_pending() => pending_reason(ctx, err)?,
            Failure::Raised(err) => lazy_message(&err),
        };
        self.push(variant, &reason);
        Ok(())
    }

    /// Records why a newtype variant (converted from the whole object) did not convert.
    pub fn failed_inner(&mut self, variant: &str, err: PyErr) -> PyResult<()> {
        let reason = if err.is_pending() {
            pending_reason(self.obj.context(), err)?
        } else {
            lazy_message(&err)
        };
        self.push(variant, &reason);
        Ok(())
    }

    /// The `TypeError` naming every variant and why it failed.
    pub fn finish(self, target: &str) -> PyErr {
        cannot_convert(self.obj, target, &self.reasons)
    }
}

/// A new empty `dict` (for a struct with named fields).
pub fn new_dict(ctx: Context<'_>) -> PyResult<Handle<'_>> {
    ctx.new_dict()
}

/// `dict[key] = value`.
pub fn set_item<'py, V: IntoPy<'py>>(dict: &Handle<'py>, key: &str, value: V) -> PyResult<()> {
    dict.setitem_str(key, value)
}

/// A tuple of `N` converted fields.
pub fn tuple<'py, const N: usize>(
    ctx: Context<'py>,
    items: [Handle<'py>; N],
) -> PyResult<Handle<'py>> {
    ctx.new_tuple(&items.each_ref().map(Handle::as_borrowed))
}
