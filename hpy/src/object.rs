//! Operations on Python objects, shared by [`Handle`] and [`Borrowed`] through [`AnyHandle`].

use std::ffi::CString;

use crate::convert::{FromPy, IntoArgs, IntoPy};
use crate::err::{PyErr, PyResult};
use crate::ffi::object_calls;
use crate::ffi::raw;
use crate::ffi::{Borrowed, Context, Handle};
use crate::types::{BuiltinType, ExceptionKind};

/// Rich comparison operators (`HPy_RichCmpOp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The operator HPy passed to `tp_richcompare`.
    pub(crate) fn from_raw(raw: hpy_sys::HPy_RichCmpOp) -> CompareOp {
        match raw {
            hpy_sys::HPy_LT => CompareOp::Lt,
            hpy_sys::HPy_LE => CompareOp::Le,
            hpy_sys::HPy_EQ => CompareOp::Eq,
            hpy_sys::HPy_NE => CompareOp::Ne,
            hpy_sys::HPy_GT => CompareOp::Gt,
            _ => CompareOp::Ge,
        }
    }

    fn raw(self) -> core::ffi::c_int {
        match self {
            CompareOp::Lt => hpy_sys::HPy_LT as _,
            CompareOp::Le => hpy_sys::HPy_LE as _,
            CompareOp::Eq => hpy_sys::HPy_EQ as _,
            CompareOp::Ne => hpy_sys::HPy_NE as _,
            CompareOp::Gt => hpy_sys::HPy_GT as _,
            CompareOp::Ge => hpy_sys::HPy_GE as _,
        }
    }
}

/// Turns HPy's "new handle or NULL" into a result.
#[inline(always)]
pub(crate) fn check<'py>(ctx: Context<'py>, result: Option<Handle<'py>>) -> PyResult<Handle<'py>> {
    match result {
        Some(handle) => Ok(handle),
        None => Err(PyErr::fetch(ctx)),
    }
}

/// Turns HPy's "-1 means error" into a result.
#[inline(always)]
pub(crate) fn check_status(
    ctx: Context<'_>,
    status: core::ffi::c_int,
) -> PyResult<core::ffi::c_int> {
    if status < 0 {
        Err(PyErr::fetch(ctx))
    } else {
        Ok(status)
    }
}

/// Runs `f` with `text` as a NUL-terminated string, on the stack when it is short.
pub(crate) fn with_c_str<R>(
    text: &str,
    f: impl FnOnce(&core::ffi::CStr) -> PyResult<R>,
) -> PyResult<R> {
    let bytes = text.as_bytes();
    if bytes.contains(&0) {
        return Err(PyErr::value_error("embedded null character"));
    }
    let mut buffer = [0u8; 64];
    if bytes.len() < buffer.len() {
        buffer[..bytes.len()].copy_from_slice(bytes);
        let c_str =
            core::ffi::CStr::from_bytes_until_nul(&buffer).expect("buffer is NUL-terminated");
        f(c_str)
    } else {
        f(&CString::new(bytes).expect("NULs were rejected"))
    }
}

/// `repr(obj)` as a Rust string, or `None` (with no exception left set) if it failed.
pub(crate) fn repr_string(obj: Borrowed<'_>) -> Option<String> {
    let ctx = obj.context();
    match obj.repr().and_then(|r| r.extract::<String>()) {
        Ok(text) => Some(text),
        Err(err) => {
            err.clear(ctx);
            None
        }
    }
}

/// `module.__name__`, or `None` (with no exception left set) if it has none that is a `str`.
pub(crate) fn module_name(module: Borrowed<'_>) -> Option<String> {
    let ctx = module.context();
    match module
        .getattr("__name__")
        .and_then(|n| n.extract::<String>())
    {
        Ok(name) => Some(name),
        Err(err) => {
            err.clear(ctx);
            None
        }
    }
}

/// Whether the running interpreter names a builtin function `module.f()` in its own argument
/// errors (`math.sqrt() takes exactly one argument (2 given)`): CPython 3.9 and later. PyPy
/// and CPython 3.8 write `f()`. Asked once per process (one interpreter loads a binary).
pub(crate) fn interpreter_qualifies_functions(any: Borrowed<'_>) -> bool {
    // Only an answer is kept: a failed question (say, `sys` not importable yet) is asked again.
    static ANSWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if let Some(&yes) = ANSWER.get() {
        return yes;
    }
    let ctx = any.context();
    let asked = (|| -> PyResult<bool> {
        let sys = ctx.import("sys")?;
        let name = sys.getattr("implementation")?.getattr("name")?;
        let hexversion: u64 = sys.getattr("hexversion")?.extract()?;
        Ok(name.extract::<String>()? == "cpython" && hexversion >= 0x0309_0000)
    })();
    let yes = match asked {
        Ok(yes) => yes,
        Err(err) => {
            err.clear(ctx);
            return false;
        }
    };
    *ANSWER.get_or_init(|| yes)
}

/// `issubclass(sub, base)` via `type.__subclasscheck__`-free means: `base in sub.__mro__`.
pub(crate) fn is_subclass(
    ctx: Context<'_>,
    sub: Borrowed<'_>,
    base: Borrowed<'_>,
) -> PyResult<bool> {
    let mro = check(ctx, raw::getattr_s(ctx, sub, c"__mro__"))?;
    Ok(check_status(ctx, raw::contains(ctx, mro.as_borrowed(), base))? == 1)
}

/// Python-object operations available on every handle, owned ([`Handle`]) or borrowed
/// ([`Borrowed`]). Results are new owned handles of the same call.
///
/// Bring it into scope with `use hpy::prelude::*;`.
pub trait AnyHandle<'py>: sealed::Sealed {
    /// The context this handle belongs to.
    fn ctx(&self) -> Context<'py>;

    /// A borrowed view, valid while `self` is borrowed.
    fn borrowed(&self) -> Borrowed<'_>;

    /// A new owned handle to the same object (`HPy_Dup`).
    fn to_handle(&self) -> Handle<'py> {
        raw::dup(self.ctx(), self.borrowed())
    }

    /// Converts the object to a Rust value (`T::from_py`).
    fn extract<'a, T: FromPy<'a>>(&'a self) -> PyResult<T> {
        T::from_py(self.borrowed())
    }

    /// `getattr(self, name)`.
    fn getattr(&self, name: &str) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        with_c_str(name, |name| {
            check(ctx, raw::getattr_s(ctx, self.borrowed(), name))
        })
    }

    /// `hasattr(self, name)`; never raises (HPy reports errors as `false`).
    fn hasattr(&self, name: &str) -> bool {
        let ctx = self.ctx();
        with_c_str(name, |name| Ok(raw::hasattr_s(ctx, self.borrowed(), name))).unwrap_or(false)
    }

    /// `setattr(self, name, value)`.
    fn setattr<V: IntoPy<'py>>(&self, name: &str, value: V) -> PyResult<()> {
        let ctx = self.ctx();
        value.with_borrowed(ctx, |value| {
            with_c_str(name, |name| {
                check_status(ctx, raw::setattr_s(ctx, self.borrowed(), name, Some(value))).map(drop)
            })
        })
    }

    /// `delattr(self, name)`.
    fn delattr(&self, name: &str) -> PyResult<()> {
        let ctx = self.ctx();
        with_c_str(name, |name| {
            check_status(ctx, raw::setattr_s(ctx, self.borrowed(), name, None)).map(drop)
        })
    }

    /// `self[key]`.
    fn getitem<K: IntoPy<'py>>(&self, key: K) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        key.with_borrowed(ctx, |key| {
            check(
                ctx,
                raw::binary(ctx, hpy_sys::HPy_GetItem, self.borrowed(), key),
            )
        })
    }

    /// `self[index]` for an integer index.
    fn get_index(&self, index: isize) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::getitem_i(ctx, self.borrowed(), index))
    }

    /// `self[key] = value`.
    fn setitem<K: IntoPy<'py>, V: IntoPy<'py>>(&self, key: K, value: V) -> PyResult<()> {
        let ctx = self.ctx();
        key.with_borrowed(ctx, |key| {
            value.with_borrowed(ctx, |value| {
                check_status(ctx, raw::setitem(ctx, self.borrowed(), key, Some(value))).map(drop)
            })
        })
    }

    /// `del self[key]`.
    fn delitem<K: IntoPy<'py>>(&self, key: K) -> PyResult<()> {
        let ctx = self.ctx();
        key.with_borrowed(ctx, |key| {
            check_status(ctx, raw::setitem(ctx, self.borrowed(), key, None)).map(drop)
        })
    }

    /// `len(self)`.
    fn len(&self) -> PyResult<usize> {
        let ctx = self.ctx();
        let length = raw::length(ctx, self.borrowed());
        if length < 0 {
            Err(PyErr::fetch(ctx))
        } else {
            Ok(length as usize)
        }
    }

    /// `len(self) == 0`.
    fn is_empty(&self) -> PyResult<bool> {
        self.len().map(|n| n == 0)
    }

    /// `key in self`.
    fn contains<K: IntoPy<'py>>(&self, key: K) -> PyResult<bool> {
        let ctx = self.ctx();
        key.with_borrowed(ctx, |key| {
            Ok(check_status(ctx, raw::contains(ctx, self.borrowed(), key))? == 1)
        })
    }

    /// `self(*args)`; `args` is a tuple of Rust values (or `()`).
    fn call<A: IntoArgs<'py>>(&self, args: A) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let args = args.into_args(ctx)?;
        let nargs = args.len();
        check(
            ctx,
            raw::call(
                ctx,
                self.borrowed(),
                args.iter().map(Handle::as_borrowed),
                nargs,
                None,
            ),
        )
    }

    /// `self(*args, **kwargs)` where `args` is a Python tuple and `kwargs` a dict (or `None`),
    /// like C's `HPy_CallTupleDict`; other types raise `TypeError`.
    fn call_tuple_dict<A, K>(&self, args: &A, kwargs: Option<&K>) -> PyResult<Handle<'py>>
    where
        A: AnyHandle<'py>,
        K: AnyHandle<'py>,
    {
        let ctx = self.ctx();
        check(
            ctx,
            raw::call_tuple_dict(
                ctx,
                self.borrowed(),
                args.borrowed(),
                kwargs.map(|kw| kw.borrowed()),
            ),
        )
    }

    /// `self(*args, **kwargs)` with keyword arguments given as `(name, value)` pairs.
    fn call_with_kwargs<A, K, V>(&self, args: A, kwargs: K) -> PyResult<Handle<'py>>
    where
        A: IntoArgs<'py>,
        K: IntoIterator<Item = (&'py str, V)>,
        V: IntoPy<'py>,
    {
        let ctx = self.ctx();
        let mut values = args.into_args(ctx)?;
        let nargs = values.len();
        let mut names = Vec::new();
        for (name, value) in kwargs {
            names.push(name.into_py(ctx)?);
            values.push(value.into_py(ctx)?);
        }
        // HPy wants NULL, not an empty tuple, when no keyword is given.
        let kwnames = if names.is_empty() {
            None
        } else {
            Some(check(
                ctx,
                raw::tuple_from(ctx, names.iter().map(Handle::as_borrowed)),
            )?)
        };
        let views = values.iter().map(Handle::as_borrowed);
        check(
            ctx,
            raw::call(
                ctx,
                self.borrowed(),
                views,
                nargs,
                kwnames.as_ref().map(Handle::as_borrowed),
            ),
        )
    }

    /// `self.name(*args)`.
    fn call_method<A: IntoArgs<'py>>(&self, name: &str, args: A) -> PyResult<Handle<'py>> {
        self.getattr(name)?.call(args)
    }

    /// `repr(self)`.
    fn repr(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Repr, self.borrowed()))
    }

    /// `str(self)`.
    fn str(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Str, self.borrowed()))
    }

    /// `hash(self)`.
    fn hash(&self) -> PyResult<isize> {
        let ctx = self.ctx();
        let hash = raw::hash(ctx, self.borrowed());
        if hash == -1 && raw::err_occurred(ctx) {
            Err(PyErr::pending())
        } else {
            Ok(hash)
        }
    }

    /// `bool(self)`.
    fn is_true(&self) -> PyResult<bool> {
        let ctx = self.ctx();
        Ok(check_status(
            ctx,
            raw::predicate(ctx, hpy_sys::HPy_IsTrue, self.borrowed()),
        )? == 1)
    }

    /// The rich comparison `self <op> other`, as a Python object.
    fn compare<O: IntoPy<'py>>(&self, other: O, op: CompareOp) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        other.with_borrowed(ctx, |other| {
            check(
                ctx,
                raw::rich_compare(ctx, self.borrowed(), other, op.raw()),
            )
        })
    }

    /// The rich comparison `self <op> other`, as a truth value.
    fn compare_bool<O: IntoPy<'py>>(&self, other: O, op: CompareOp) -> PyResult<bool> {
        let ctx = self.ctx();
        other.with_borrowed(ctx, |other| {
            let status = raw::rich_compare_bool(ctx, self.borrowed(), other, op.raw());
            Ok(check_status(ctx, status)? == 1)
        })
    }

    /// `self == other`.
    fn eq<O: IntoPy<'py>>(&self, other: O) -> PyResult<bool> {
        self.compare_bool(other, CompareOp::Eq)
    }

    /// `self is other`.
    fn is<O: AnyHandle<'py>>(&self, other: &O) -> bool {
        raw::is(self.ctx(), self.borrowed(), other.borrowed())
    }

    /// `self is None`.
    fn is_none(&self) -> bool {
        let ctx = self.ctx();
        raw::is(ctx, self.borrowed(), ctx.none())
    }

    /// `type(self)`.
    fn get_type(&self) -> Handle<'py> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Type, self.borrowed()))
            .expect("HPy_Type cannot fail")
    }

    /// The name of `type(self)` (e.g. `"int"`).
    fn type_name(&self) -> String {
        let ty = self.get_type();
        raw::type_name(self.ctx(), ty.as_borrowed())
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "<unknown>".to_owned())
    }

    /// `isinstance(self, ty)`: `ty` may be a class, a tuple of them, or anything with an
    /// `__instancecheck__`; anything else raises Python's `TypeError`. A class whose metaclass is
    /// `type` is checked directly, without a call into Python.
    fn is_instance<T: AnyHandle<'py>>(&self, ty: &T) -> PyResult<bool> {
        let ctx = self.ctx();
        let ty = ty.borrowed();
        if raw::type_check(ctx, ty, BuiltinType::Type.type_object(ctx)) {
            let metaclass = check(ctx, raw::unary(ctx, hpy_sys::HPy_Type, ty))?;
            if raw::is(
                ctx,
                metaclass.as_borrowed(),
                BuiltinType::Type.type_object(ctx),
            ) {
                // (`HPy_TypeCheck` needs a type: `ty` is one.)
                return Ok(raw::type_check(ctx, self.borrowed(), ty));
            }
        }
        let isinstance = ctx.import("builtins")?.getattr("isinstance")?;
        isinstance.call((self.borrowed(), ty))?.extract::<bool>()
    }

    /// `isinstance(self, <builtin type>)`.
    fn is_instance_of(&self, ty: BuiltinType) -> bool {
        let ctx = self.ctx();
        raw::type_check(ctx, self.borrowed(), ty.type_object(ctx))
    }

    /// `callable(self)`.
    fn is_callable(&self) -> bool {
        raw::predicate(self.ctx(), hpy_sys::HPyCallable_Check, self.borrowed()) == 1
    }

    /// `iter(self)` as a Rust iterator: `for item in obj.iter()? { let item = item?; ... }`.
    /// Exact lists, tuples and dicts are walked directly; anything else through Python's
    /// iterator protocol. `TypeError` if the object is not iterable.
    fn iter(&self) -> PyResult<crate::types::PyIterator<'py>> {
        crate::types::PyIterator::new(self)
    }

    /// A typed view of the object ([`PyDict`](crate::PyDict), [`PyList`](crate::PyList), ...),
    /// or `TypeError` ("expected dict, got 'int'") when it is not of that type.
    fn downcast<V: crate::types::View<'py>>(&self) -> PyResult<V> {
        V::downcast(self)
    }

    /// `self + other`.
    fn add<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Add)
    }

    /// `self - other`.
    fn sub<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Subtract)
    }

    /// `self * other`.
    fn mul<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Multiply)
    }

    /// `self / other`.
    fn truediv<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_TrueDivide)
    }

    /// `self // other`.
    fn floordiv<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_FloorDivide)
    }

    /// `self % other`.
    fn rem<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Remainder)
    }

    /// `self ** other`.
    fn pow<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        other.with_borrowed(ctx, |other| {
            check(ctx, raw::power(ctx, self.borrowed(), other, ctx.none()))
        })
    }

    /// `self << other`.
    fn lshift<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Lshift)
    }

    /// `self >> other`.
    fn rshift<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Rshift)
    }

    /// `self & other`.
    fn bitand<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_And)
    }

    /// `self | other`.
    fn bitor<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Or)
    }

    /// `self ^ other`.
    fn bitxor<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Xor)
    }

    /// `-self`.
    fn neg(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Negative, self.borrowed()))
    }

    /// `abs(self)`.
    fn abs(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Absolute, self.borrowed()))
    }

    // ---- more numbers, integers, name objects, `_i`/`_s` items, vectorcall methods ----

    /// `self @ other`.
    fn matmul<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_MatrixMultiply)
    }

    /// `divmod(self, other)`: the tuple `(self // other, self % other)`.
    fn divmod<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_Divmod)
    }

    /// `+self`.
    fn pos(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Positive, self.borrowed()))
    }

    /// `~self`.
    fn invert(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Invert, self.borrowed()))
    }

    /// `operator.index(self)`: an `int` through `__index__` (`TypeError` for anything else).
    fn index(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Index, self.borrowed()))
    }

    /// `int(self)` (`HPy_Long`): `__int__`, `__index__`, `__trunc__`, or parsing a `str`/`bytes`
    /// in base 10.
    fn int(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Long, self.borrowed()))
    }

    /// `float(self)` (`HPy_Float`): `__float__`, `__index__`, or parsing a `str`.
    fn float(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_Float, self.borrowed()))
    }

    /// Whether the object is a number (`HPyNumber_Check`, CPython's `PyNumber_Check`): its
    /// type has `__index__`, `__int__`, `__float__` or is `complex`. Never raises.
    fn is_number(&self) -> bool {
        let ctx = self.ctx();
        raw::predicate(ctx, hpy_sys::HPyNumber_Check, self.borrowed()) == 1
            || (ctx.runtime_is_pypy() && pypy_is_number(self.borrowed()))
    }

    /// `self += other`, as `operator.iadd`: the result of `__iadd__` (usually `self`, mutated,
    /// for mutable objects such as lists), else of `self + other`.
    fn inplace_add<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceAdd)
    }

    /// `self -= other`, as `operator.isub` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_sub<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceSubtract)
    }

    /// `self *= other`, as `operator.imul` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_mul<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceMultiply)
    }

    /// `self @= other`, as `operator.imatmul` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_matmul<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceMatrixMultiply)
    }

    /// `self //= other`, as `operator.ifloordiv` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_floordiv<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceFloorDivide)
    }

    /// `self /= other`, as `operator.itruediv` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_truediv<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceTrueDivide)
    }

    /// `self %= other`, as `operator.imod` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_rem<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceRemainder)
    }

    /// `self **= other`, as `operator.ipow` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_pow<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        other.with_borrowed(ctx, |other| {
            check(
                ctx,
                object_calls::inplace_power(ctx, self.borrowed(), other, ctx.none()),
            )
        })
    }

    /// `self <<= other`, as `operator.ilshift` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_lshift<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceLshift)
    }

    /// `self >>= other`, as `operator.irshift` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_rshift<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceRshift)
    }

    /// `self &= other`, as `operator.iand` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_bitand<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceAnd)
    }

    /// `self ^= other`, as `operator.ixor` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_bitxor<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceXor)
    }

    /// `self |= other`, as `operator.ior` (see [`inplace_add`](AnyHandle::inplace_add)).
    fn inplace_bitor<O: IntoPy<'py>>(&self, other: O) -> PyResult<Handle<'py>> {
        binary_op(self, other, hpy_sys::HPy_InPlaceOr)
    }

    /// The low 32 bits of an `int`, two's complement, as C's cast to `uint32_t` wraps:
    /// `-1` gives `0xFFFF_FFFF`, `2**32 + 5` gives 5 (`HPyLong_AsUInt32_tMask`). Other objects
    /// go through `__index__` (never `__int__`, on every runtime); without one, `TypeError`.
    fn to_u32_mask(&self) -> PyResult<u32> {
        with_exact_int(self.borrowed(), |int| {
            let ctx = int.context();
            let value = object_calls::long_as_u32_mask(ctx, int);
            if value == u32::MAX && raw::err_occurred(ctx) {
                return Err(PyErr::fetch(ctx));
            }
            Ok(value)
        })
    }

    /// The low 64 bits of an `int`, two's complement (`HPyLong_AsUInt64_tMask`); see
    /// [`to_u32_mask`](AnyHandle::to_u32_mask).
    fn to_u64_mask(&self) -> PyResult<u64> {
        with_exact_int(self.borrowed(), |int| {
            let ctx = int.context();
            let value = raw::long_as_u64_mask(ctx, int);
            if value == u64::MAX && raw::err_occurred(ctx) {
                return Err(PyErr::fetch(ctx));
            }
            Ok(value)
        })
    }

    /// An `int` as an address (`HPyLong_AsVoidPtr`), as `ctypes.c_void_p(self)` takes it:
    /// negative values down to `-2**63` wrap as C's cast does; beyond the pointer width,
    /// `OverflowError`; a non-`int` is a `TypeError`. The pointer is plain data: reading through it is up to `unsafe` code
    /// that knows where it came from. The inverse is [`Context::int_from_ptr`].
    fn to_void_ptr(&self) -> PyResult<*mut core::ffi::c_void> {
        let ctx = self.ctx();
        require_int(self.borrowed())?;
        let value = object_calls::long_as_void_ptr(ctx, self.borrowed());
        if value.is_null() && raw::err_occurred(ctx) {
            return void_ptr_error(self.borrowed());
        }
        Ok(value)
    }

    /// An `int` as the nearest `f64`, as `float(n)` converts it (`HPyLong_AsDouble`):
    /// `OverflowError` when it is too large for a float, `TypeError` for a non-`int`
    /// (no `__index__` or `__float__` is called).
    fn int_to_f64(&self) -> PyResult<f64> {
        let ctx = self.ctx();
        require_int(self.borrowed())?;
        let value = object_calls::long_as_f64(ctx, self.borrowed());
        if value == -1.0 && raw::err_occurred(ctx) {
            return Err(PyErr::fetch(ctx));
        }
        Ok(value)
    }

    /// `getattr(self, name)` with the name as a Python `str` (e.g. one made once and reused):
    /// `HPy_GetAttr`. A name that is not a `str` raises Python's `TypeError`.
    fn getattr_obj<N: AnyHandle<'py>>(&self, name: &N) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let name = attr_name(name.borrowed())?;
        check(
            ctx,
            raw::binary(ctx, hpy_sys::HPy_GetAttr, self.borrowed(), name),
        )
    }

    /// `hasattr(self, name)` with the name as a Python `str` (`HPy_HasAttr`). As with
    /// [`hasattr`](AnyHandle::hasattr), an exception raised by the lookup reads as `false`;
    /// a name that is not a `str` raises Python's `TypeError`, as `hasattr` does.
    fn hasattr_obj<N: AnyHandle<'py>>(&self, name: &N) -> PyResult<bool> {
        let name = attr_name(name.borrowed())?;
        Ok(object_calls::hasattr(self.ctx(), self.borrowed(), name))
    }

    /// `setattr(self, name, value)` with the name as a Python `str` (`HPy_SetAttr`).
    fn setattr_obj<N: AnyHandle<'py>, V: IntoPy<'py>>(&self, name: &N, value: V) -> PyResult<()> {
        let ctx = self.ctx();
        let name = attr_name(name.borrowed())?;
        value.with_borrowed(ctx, |value| {
            check_status(
                ctx,
                object_calls::setattr(ctx, self.borrowed(), name, Some(value)),
            )
            .map(drop)
        })
    }

    /// `delattr(self, name)` with the name as a Python `str` (`HPy_SetAttr` with no value).
    fn delattr_obj<N: AnyHandle<'py>>(&self, name: &N) -> PyResult<()> {
        let ctx = self.ctx();
        let name = attr_name(name.borrowed())?;
        check_status(ctx, object_calls::setattr(ctx, self.borrowed(), name, None)).map(drop)
    }

    /// `self.name(*args)` as one vectorcall (`HPy_CallMethod`: on CPython no bound method
    /// object is made), with the name as a Python `str`. A name that is not a `str` raises
    /// Python's `TypeError`.
    fn call_method_obj<N: AnyHandle<'py>, A: IntoArgs<'py>>(
        &self,
        name: &N,
        args: A,
    ) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let name = attr_name(name.borrowed())?;
        let args = args.into_args(ctx)?;
        check(
            ctx,
            object_calls::call_method(
                ctx,
                name,
                self.borrowed(),
                args.iter().map(Handle::as_borrowed),
            ),
        )
    }

    /// `self[key]` for a `str` key given as Rust text (`HPy_GetItem_s`); a key with a NUL
    /// character raises `ValueError`.
    fn getitem_str(&self, key: &str) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        with_c_str(key, |key| {
            check(ctx, object_calls::getitem_s(ctx, self.borrowed(), key))
        })
    }

    /// `self[key] = value` for a `str` key given as Rust text (`HPy_SetItem_s`).
    fn setitem_str<V: IntoPy<'py>>(&self, key: &str, value: V) -> PyResult<()> {
        let ctx = self.ctx();
        value.with_borrowed(ctx, |value| {
            with_c_str(key, |key| {
                check_status(
                    ctx,
                    object_calls::setitem_s(ctx, self.borrowed(), key, Some(value)),
                )
                .map(drop)
            })
        })
    }

    /// `del self[key]` for a `str` key given as Rust text (`HPy_DelItem_s`).
    fn delitem_str(&self, key: &str) -> PyResult<()> {
        let ctx = self.ctx();
        with_c_str(key, |key| {
            check_status(
                ctx,
                object_calls::setitem_s(ctx, self.borrowed(), key, None),
            )
            .map(drop)
        })
    }

    /// `self[index] = value` for an integer index (`HPy_SetItem_i`; negative indexes count
    /// from the end, as in Python). The getter is [`get_index`](AnyHandle::get_index).
    fn setitem_index<V: IntoPy<'py>>(&self, index: isize, value: V) -> PyResult<()> {
        let ctx = self.ctx();
        value.with_borrowed(ctx, |value| {
            check_status(
                ctx,
                object_calls::setitem_i(ctx, self.borrowed(), index, Some(value)),
            )
            .map(drop)
        })
    }

    /// `del self[index]` for an integer index (`HPy_DelItem_i`).
    fn delitem_index(&self, index: isize) -> PyResult<()> {
        let ctx = self.ctx();
        check_status(
            ctx,
            object_calls::setitem_i(ctx, self.borrowed(), index, None),
        )
        .map(drop)
    }

    /// `ascii(self)` (`HPy_ASCII`): `repr(self)` with non-ASCII characters escaped.
    fn ascii(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        check(ctx, raw::unary(ctx, hpy_sys::HPy_ASCII, self.borrowed()))
    }

    /// `self` as `bytes` (`HPy_Bytes`, CPython's `PyObject_Bytes`): `bytes` itself, `__bytes__`,
    /// the buffer protocol, or an iterable of ints. Unlike `bytes(n)`, an `int` is a `TypeError`
    /// (`cannot convert 'int' object to bytes`), never `n` zero bytes.
    fn bytes(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        match raw::unary(ctx, hpy_sys::HPy_Bytes, self.borrowed()) {
            Some(bytes) => Ok(bytes),
            None => bytes_error(ctx, self.borrowed()),
        }
    }

    /// Writes a description of the object to the process's standard error (`_HPy_Dump`): a
    /// debugging aid; the format is the runtime's own (CPython: `_PyObject_Dump`).
    fn dump(&self) {
        object_calls::dump(self.ctx(), self.borrowed())
    }

    /// A new instance of the type `self` from its allocator alone (`HPyType_GenericNew`), as
    /// `object.__new__(self)` makes it: no `__init__` runs. Only for the types `object.__new__`
    /// accepts (plain Python classes, not `int`, `str`, ... nor any type with a constructor of
    /// its own, which would be skipped, nor abstract classes): the check is `object.__new__`'s
    /// own, made by calling it (its instance is dropped), so the errors are its own too
    /// (`TypeError: object.__new__(int) is not safe, use int.__new__()`).
    fn generic_new(&self) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let ty = self.borrowed();
        let object_new = BuiltinType::Object.type_object(ctx).getattr("__new__")?;
        drop(object_new.call((ty,))?);
        if ctx.runtime_is_pypy() {
            pypy_check_object_new(ty)?;
        }
        // `ty` is a type (`object.__new__` checked it) whose instances the allocator alone
        // makes: what `HPyType_GenericNew` does.
        check(ctx, object_calls::type_generic_new(ctx, ty))
    }
}

fn binary_op<'py, S: AnyHandle<'py> + ?Sized, O: IntoPy<'py>>(
    this: &S,
    other: O,
    op: raw::BinaryOp,
) -> PyResult<Handle<'py>> {
    let ctx = this.ctx();
    other.with_borrowed(ctx, |other| {
        check(ctx, raw::binary(ctx, op, this.borrowed(), other))
    })
}

/// Runs `convert` on `obj` if it is an `int`, else on `obj.__index__()`: a conversion that
/// would take `__int__` on some runtime (PyPy's, CPython before 3.10) takes `__index__` only.
fn with_exact_int<T>(
    obj: Borrowed<'_>,
    convert: impl FnOnce(Borrowed<'_>) -> PyResult<T>,
) -> PyResult<T> {
    if obj.is_instance_of(BuiltinType::Int) {
        return convert(obj);
    }
    let index = obj.index()?;
    convert(index.as_borrowed())
}

/// What PyPy 7.3.19's `HPyNumber_Check` misses (it only looks for `__int__` and `__float__`,
/// as CPython 3.7 did): a `complex`, or a type with `__index__`.
#[cold]
#[inline(never)]
fn pypy_is_number(obj: Borrowed<'_>) -> bool {
    obj.is_instance_of(BuiltinType::Complex) || obj.get_type().hasattr("__index__")
}

/// CPython's check in `object.__new__(ty)`, which PyPy 7.3.19 does not make: the first class
/// in `ty`'s MRO whose `__new__` is not written in Python must be `object`. (On PyPy an
/// instance of a type with a constructor of its own, e.g. an hpy-rs class, would otherwise
/// be made with its Rust value never initialised.)
#[cold]
#[inline(never)]
fn pypy_check_object_new(ty: Borrowed<'_>) -> PyResult<()> {
    let ctx = ty.context();
    let object = BuiltinType::Object.type_object(ctx);
    let staticmethod = ctx.builtins().getitem_str("staticmethod")?;
    let function = ctx.import("types")?.getattr("FunctionType")?;
    let mro = ty.getattr("__mro__")?;
    for index in 0..mro.len()? {
        let class = mro.get_index(index as isize)?;
        let dict = class.getattr("__dict__")?;
        if !dict.contains("__new__")? {
            continue;
        }
        let new = dict.getitem("__new__")?;
        if new.is_instance(&staticmethod)? && new.getattr("__func__")?.is_instance(&function)? {
            continue; // written in Python: it calls a base's `__new__` in turn
        }
        if class.is(&object) {
            return Ok(());
        }
        let name = |t: Borrowed<'_>| match raw::type_name(ctx, t) {
            Some(name) => name.to_string_lossy().into_owned(),
            None => "?".to_owned(),
        };
        return Err(PyErr::type_error(format!(
            "object.__new__({}) is not safe, use {}.__new__()",
            name(ty),
            name(class.as_borrowed())
        )));
    }
    Ok(())
}

/// The failure of `HPyLong_AsVoidPtr` on an `int`. PyPy 7.3.19 converts through a signed
/// word, so it refuses addresses from `2**63` that CPython (and C) accept: those take
/// `HPyLong_AsSize_t` instead, which gives the same bits.
#[cold]
#[inline(never)]
fn void_ptr_error(obj: Borrowed<'_>) -> PyResult<*mut core::ffi::c_void> {
    let ctx = obj.context();
    let err = PyErr::fetch(ctx);
    if !ctx.runtime_is_pypy() || !err.matches(ctx, ExceptionKind::OverflowError) {
        return Err(err);
    }
    err.clear(ctx);
    let address: usize = obj.extract().map_err(|err| {
        err.clear(ctx);
        PyErr::overflow_error("Python int too large to convert to a pointer")
    })?;
    Ok(address as *mut core::ffi::c_void)
}

/// The failure of `HPy_Bytes`. PyPy 7.3.19's only takes the buffer protocol (and `__bytes__`),
/// where CPython's `PyObject_Bytes` also takes any iterable of ints: on PyPy a `TypeError` is
/// retried as `bytes(obj)` for everything but an `int` (which would be that many zero bytes)
/// and a `str` (which would want an encoding), which get CPython's message instead.
#[cold]
#[inline(never)]
fn bytes_error<'py>(ctx: Context<'py>, obj: Borrowed<'_>) -> PyResult<Handle<'py>> {
    let err = PyErr::fetch(ctx);
    if !ctx.runtime_is_pypy() || !err.matches(ctx, ExceptionKind::TypeError) {
        return Err(err);
    }
    err.clear(ctx);
    if obj.is_instance_of(BuiltinType::Int) || obj.is_instance_of(BuiltinType::Str) {
        return Err(PyErr::type_error(format!(
            "cannot convert '{}' object to bytes",
            obj.type_name()
        )));
    }
    BuiltinType::Bytes
        .type_object(ctx)
        .call((raw::dup(ctx, obj),))
}

/// `TypeError` unless `obj` is an `int` (or subclass): for the conversions whose C function
/// would report a non-`int` as an internal error (`SystemError`) or differently per runtime.
fn require_int(obj: Borrowed<'_>) -> PyResult<()> {
    if obj.is_instance_of(BuiltinType::Int) {
        Ok(())
    } else {
        Err(PyErr::type_error(format!(
            "expected int, got '{}'",
            obj.type_name()
        )))
    }
}

/// An attribute name given as an object: a `str` (or subclass), else CPython's `TypeError`
/// (checked here, so every runtime raises it rather than crash or return a false answer).
fn attr_name(name: Borrowed<'_>) -> PyResult<Borrowed<'_>> {
    if raw::predicate(name.context(), hpy_sys::HPyUnicode_Check, name) == 1 {
        Ok(name)
    } else {
        Err(PyErr::type_error(format!(
            "attribute name must be string, not '{}'",
            name.type_name()
        )))
    }
}

impl<'py> AnyHandle<'py> for Handle<'py> {
    #[inline(always)]
    fn ctx(&self) -> Context<'py> {
        self.context()
    }
    #[inline(always)]
    fn borrowed(&self) -> Borrowed<'_> {
        self.as_borrowed()
    }
}

impl<'py> AnyHandle<'py> for Borrowed<'py> {
    #[inline(always)]
    fn ctx(&self) -> Context<'py> {
        self.context()
    }
    #[inline(always)]
    fn borrowed(&self) -> Borrowed<'_> {
        *self
    }
}

pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::Handle<'_> {}
    impl Sealed for crate::Borrowed<'_> {}
}

impl<'py> Context<'py> {
    /// `None`.
    #[inline]
    pub fn none(self) -> Borrowed<'py> {
        self.constant(hpy_sys::h_None)
    }

    /// `True` or `False`.
    #[inline]
    pub fn bool(self, value: bool) -> Borrowed<'py> {
        self.constant(if value {
            hpy_sys::h_True
        } else {
            hpy_sys::h_False
        })
    }

    /// `NotImplemented`.
    #[inline]
    pub fn not_implemented(self) -> Borrowed<'py> {
        self.constant(hpy_sys::h_NotImplemented)
    }

    /// `Ellipsis`.
    #[inline]
    pub fn ellipsis(self) -> Borrowed<'py> {
        self.constant(hpy_sys::h_Ellipsis)
    }

    /// The `builtins` module's dictionary.
    #[inline]
    pub fn builtins(self) -> Borrowed<'py> {
        self.constant(hpy_sys::h_Builtins)
    }

    /// A builtin type object (`int`, `str`, ...).
    #[inline]
    pub fn builtin_type(self, ty: BuiltinType) -> Borrowed<'py> {
        ty.type_object(self)
    }

    /// A builtin exception class (`TypeError`, ...).
    #[inline]
    pub fn exception_type(self, kind: ExceptionKind) -> Borrowed<'py> {
        kind.type_object(self)
    }

    /// `import name`.
    pub fn import(self, name: &str) -> PyResult<Handle<'py>> {
        with_c_str(name, |name| check(self, raw::import_module(self, name)))
    }

    /// Converts a Rust value to a Python object.
    pub fn to_object<T: IntoPy<'py>>(self, value: T) -> PyResult<Handle<'py>> {
        value.into_py(self)
    }

    /// A new empty `dict`.
    pub fn new_dict(self) -> PyResult<Handle<'py>> {
        check(self, raw::dict_new(self))
    }

    /// A `tuple` of handles (not consumed).
    pub fn new_tuple(self, items: &[Borrowed<'_>]) -> PyResult<Handle<'py>> {
        check(self, raw::tuple_from(self, items.iter().copied()))
    }

    /// A `list` of handles (not consumed).
    pub fn new_list(self, items: &[Borrowed<'_>]) -> PyResult<Handle<'py>> {
        check(self, raw::list_from(self, items.iter().copied()))
    }
}

impl<'py> Context<'py> {
    /// A Python `int` holding the address `ptr` (unsigned, as `ctypes.c_void_p` gives it): the
    /// inverse of [`AnyHandle::to_void_ptr`]. Only the address is used; the pointer is never
    /// read.
    pub fn int_from_ptr<T>(self, ptr: *const T) -> PyResult<Handle<'py>> {
        check(self, object_calls::long_from_usize(self, ptr as usize))
    }
}

// Debug output is the object's `repr()` (defined here, above `ffi`, because it needs `repr`).
impl core::fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&self.as_borrowed(), f)
    }
}

impl core::fmt::Debug for Borrowed<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match repr_string(*self) {
            Some(text) => f.write_str(&text),
            None => f.write_str("<object with failing repr>"),
        }
    }
}
