//! Extension types at the FFI level: the memory layout of a Rust struct inside a Python object,
//! its borrow flag, `HPyField`, `HPyGlobal`, type specs and the generated `tp_traverse` /
//! `tp_destroy`.
//!
//! Layout: HPy puts the user data of a pure type after the base object's C header and hands
//! out a pointer to it (`_HPy_AsStruct_<Shape>`). Ours is a [`ClassObject<T>`]: the base class's
//! part (for a Rust base), a borrow flag, then `T`. HPy zero-fills new objects, so a flag of 0
//! means "never initialised": such an object's `T` is never read or dropped.

use core::cell::{Cell, UnsafeCell};
use core::ffi::{c_int, c_void, CStr};
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};
use core::ptr;
use core::sync::atomic::{AtomicU8, Ordering};
use std::ffi::CString;

use hpy_sys as sys;

use super::slots::slot_def;
#[cfg(not(feature = "cpython-abi"))]
use super::trampoline::call_real;
use super::trampoline::{c_ptr, erase, erase_cpy, CpyObject, DefTable};
use super::{Borrowed, Context, Handle};
use crate::err::{PyErr, PyResult};
use crate::types::BuiltinType;

// ---------------------------------------------------------------------------------------------
// Traits implemented by generated code.

/// A Rust struct exposed as a Python type. Implemented by `#[hpy_class]`.
///
/// # Safety
/// `FIELD_OFFSETS` must list exactly the offsets of the `HPyField` fields of `Self`, and the
/// statics must belong to this class only.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Python type",
    label = "not an #[hpy_class]",
    note = "declare the struct with #[hpy_class] (a Python type must be a 'static, non-generic, Send struct)"
)]
pub unsafe trait PyClass: Sized + Send + 'static {
    /// The Python name of the type.
    const NAME: &'static str;
    /// `true` for `#[hpy_class(frozen)]`: no mutable borrows, so shared ones are not counted.
    const FROZEN: bool = false;
    /// `true` for `#[hpy_class(subclass)]`: other classes (Python ones too) may inherit.
    const SUBCLASS: bool = false;
    /// What the type inherits from.
    type Base: ClassBase;
    /// The borrow flag's storage: [`BorrowFlag`], or [`NoBorrowFlag`] for a `frozen` class
    /// whose instances are all made by its own `tp_new` (no `subclass`, base `object`).
    type Flag: FlagStorage;
    /// Offsets of the `HPyField` fields in `Self`.
    const FIELD_OFFSETS: &'static [usize];
    /// The global that holds the type object once the module created it.
    const TYPE_GLOBAL: &'static HPyGlobal;
    /// The type's spec.
    const SPEC: &'static TypeSpecCell;
    /// What `add_class` does after creating the type.
    const POST: &'static ClassPost;
}

/// A class whose struct may be borrowed mutably (`&mut self`); every class except `frozen` ones.
///
/// # Safety
/// Only for classes whose `PyClass::FROZEN` is `false`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a frozen #[hpy_class]: its struct cannot be borrowed mutably",
    label = "`&mut self`, `PyRefMut` and `borrow_mut` need a class without `frozen`",
    note = "use interior mutability (`Cell`, `RefCell`) in a frozen class, or drop `frozen`"
)]
pub unsafe trait MutableClass: PyClass {}

/// A class other classes may inherit from (`#[hpy_class(subclass)]`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a base class",
    label = "not declared with #[hpy_class(subclass)]"
)]
pub trait Subclassable: PyClass {}

/// What a class inherits from: `object`, a builtin HPy supports as a base, or a Rust class.
///
/// # Safety
/// `Layout` must be what HPy places first in the user data of an instance of a subclass.
pub unsafe trait ClassBase: 'static {
    /// The base's part of the user data (`()` for builtin bases).
    type Layout: 'static;
    /// The value the base's part is initialised with (`()` for builtin bases).
    type Init;
    /// HPy's builtin shape of the whole chain.
    const SHAPE: sys::HPyType_BuiltinShape;
    /// The builtin at the root of the chain (`None` for `object`).
    const BUILTIN: Option<BuiltinType>;
    /// `true` if the base's part has `HPyField`s to visit.
    const HAS_FIELDS: bool;
    /// `true` if the base's part (or its own bases') has drop glue.
    const NEEDS_DROP: bool;
    /// The base type object, to pass to `HPyType_FromSpec` (`None` for `object`).
    fn base_type<'py>(ctx: Context<'py>) -> PyResult<Option<Handle<'py>>>;
    /// `true` if a Rust class of the chain defines `__call__` (`HPy_tp_call`).
    fn has_call() -> bool {
        false
    }
    /// Moves `init` into the base's part.
    ///
    /// # Safety
    /// `layout` must point to the base's part of a fresh (zeroed) instance.
    #[doc(hidden)]
    unsafe fn write_init(layout: *mut Self::Layout, init: Self::Init);
    /// Visits the base's fields.
    ///
    /// # Safety
    /// `layout` must point to the base's part of a live instance.
    #[doc(hidden)]
    unsafe fn traverse(
        layout: *const Self::Layout,
        visit: sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int;
    /// Drops the base's part and its own bases' (see `ClassSlots::destroy_impl`).
    ///
    /// # Safety
    /// `layout` must point to the base's part of an instance being deallocated.
    #[doc(hidden)]
    unsafe fn destroy(layout: *mut Self::Layout);
}

macro_rules! builtin_bases {
    ($($(#[$doc:meta])* $name:ident => $shape:ident, $builtin:expr;)*) => {$(
        $(#[$doc])*
        pub struct $name;
        // SAFETY: builtin bases contribute nothing to the user data.
        unsafe impl ClassBase for $name {
            type Layout = ();
            type Init = ();
            const SHAPE: sys::HPyType_BuiltinShape = sys::$shape;
            const BUILTIN: Option<BuiltinType> = $builtin;
            const HAS_FIELDS: bool = false;
            const NEEDS_DROP: bool = false;
            fn base_type<'py>(ctx: Context<'py>) -> PyResult<Option<Handle<'py>>> {
                Ok(Self::BUILTIN.map(|builtin| builtin.type_object(ctx).dup()))
            }
            unsafe fn write_init(_: *mut (), (): ()) {}
            unsafe fn traverse(_: *const (), _: sys::HPyFunc_visitproc, _: *mut c_void) -> c_int {
                0
            }
            unsafe fn destroy(_: *mut ()) {}
        }
    )*};
}

builtin_bases! {
    /// The default base, `object`.
    ObjectBase => HPyType_BuiltinShape_Object, None;
    /// `int` (HPy shape `Long`).
    LongBase => HPyType_BuiltinShape_Long, Some(BuiltinType::Int);
    /// `float`.
    FloatBase => HPyType_BuiltinShape_Float, Some(BuiltinType::Float);
    /// `str`.
    UnicodeBase => HPyType_BuiltinShape_Unicode, Some(BuiltinType::Str);
    /// `list`.
    ListBase => HPyType_BuiltinShape_List, Some(BuiltinType::List);
    /// `type` (metaclasses).
    TypeBase => HPyType_BuiltinShape_Type, Some(BuiltinType::Type);
}

// SAFETY: a subclass's user data starts with the base class's `ClassObject`, which is exactly
// what the base's methods find through `_HPy_AsStruct_<Shape>` (same shape, same pointer).
unsafe impl<B: Subclassable> ClassBase for B {
    type Layout = ClassObject<B>;
    type Init = (B, <B::Base as ClassBase>::Init);
    const SHAPE: sys::HPyType_BuiltinShape = <B::Base as ClassBase>::SHAPE;
    const BUILTIN: Option<BuiltinType> = <B::Base as ClassBase>::BUILTIN;
    const HAS_FIELDS: bool = needs_traverse::<B>();
    const NEEDS_DROP: bool = core::mem::needs_drop::<B>() || <B::Base as ClassBase>::NEEDS_DROP;
    fn base_type<'py>(ctx: Context<'py>) -> PyResult<Option<Handle<'py>>> {
        match B::TYPE_GLOBAL.load(ctx) {
            Some(ty) => Ok(Some(ty)),
            None => Err(PyErr::runtime_error(format!(
                "base class {} is not created yet: list it before its subclasses in the module",
                B::NAME
            ))),
        }
    }
    fn has_call() -> bool {
        has_slot::<B>(sys::HPy_tp_call) || <B::Base as ClassBase>::has_call()
    }
    unsafe fn write_init(layout: *mut ClassObject<B>, init: Self::Init) {
        // SAFETY: forwarded contract.
        unsafe { ClassObject::write_init(layout, init) }
    }
    unsafe fn traverse(
        layout: *const ClassObject<B>,
        visit: sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: forwarded contract.
        unsafe { ClassObject::traverse(layout, visit, arg) }
    }
    unsafe fn destroy(layout: *mut ClassObject<B>) {
        // SAFETY: forwarded contract.
        unsafe { ClassObject::destroy_chain(layout) }
    }
}

/// `true` if instances of `T` have `HPyField`s (its own or a Rust base's).
pub const fn needs_traverse<T: PyClass>() -> bool {
    !T::FIELD_OFFSETS.is_empty() || <T::Base as ClassBase>::HAS_FIELDS
}

/// `true` if `T`'s chain of bases ends in a builtin (`int`, `str`, ...).
pub const fn has_builtin_base<T: PyClass>() -> bool {
    <T::Base as ClassBase>::BUILTIN.is_some()
}

/// `true` if `T` needs a `tp_destroy`: it has drop glue, or (universal ABI) a Rust base has,
/// whose part PyPy would otherwise never drop (see `ClassSlots::destroy_impl`).
pub const fn needs_destroy<T: PyClass>() -> bool {
    core::mem::needs_drop::<T>()
        || (cfg!(not(feature = "cpython-abi")) && <T::Base as ClassBase>::NEEDS_DROP)
}

// ---------------------------------------------------------------------------------------------
// The layout and the borrow flag.

const UNINITIALISED: isize = 0;
const UNUSED: isize = 1;
const WRITING: isize = -1;

/// Where an object keeps its borrow flag.
///
/// # Safety
/// `NoBorrowFlag` claims that every instance is initialised and never borrowed mutably.
pub unsafe trait FlagStorage: 'static {
    /// The flag of a fresh, initialised object.
    const INITIALISED: Self;
    /// The current value (0 never initialised, 1 free, `1 + n` shared, -1 mutable).
    fn get(&self) -> isize;
    /// Sets it.
    fn set(&self, value: isize);
}

/// A borrow flag in the object (a word before the struct).
#[repr(transparent)]
pub struct BorrowFlag(Cell<isize>);

// SAFETY: a real flag.
unsafe impl FlagStorage for BorrowFlag {
    const INITIALISED: Self = BorrowFlag(Cell::new(UNUSED));
    #[inline(always)]
    fn get(&self) -> isize {
        self.0.get()
    }
    #[inline(always)]
    fn set(&self, value: isize) {
        self.0.set(value)
    }
}

/// No flag: for `frozen` classes whose instances can only come from their own `tp_new`, which
/// initialises them before anyone sees them (no `subclass`, so no `Base.__new__(Sub)`, and base
/// `object`, so no builtin constructor). The struct is then exactly as large as C's.
pub struct NoBorrowFlag;

// SAFETY: the macro only picks it for classes as described above: always initialised, never
// borrowed mutably (frozen), so the flag's value would always be `UNUSED`.
unsafe impl FlagStorage for NoBorrowFlag {
    const INITIALISED: Self = NoBorrowFlag;
    #[inline(always)]
    fn get(&self) -> isize {
        UNUSED
    }
    #[inline(always)]
    fn set(&self, _: isize) {}
}

/// The user data of an instance of `T`.
#[repr(C)]
pub struct ClassObject<T: PyClass> {
    base: <T::Base as ClassBase>::Layout,
    /// 0: never initialised; 1: not borrowed; `1 + n`: `n` shared borrows; -1: borrowed mutably.
    flag: T::Flag,
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T: PyClass> ClassObject<T> {
    /// Moves a complete initialiser in (the base's part first).
    ///
    /// # Safety
    /// `cell` must point to the zeroed user data of a fresh instance of `T` (or a subclass).
    unsafe fn write_init(cell: *mut Self, (value, base): (T, <T::Base as ClassBase>::Init)) {
        // SAFETY: per the contract, all three parts are valid for writes and unaliased.
        unsafe {
            <T::Base as ClassBase>::write_init(ptr::addr_of_mut!((*cell).base), base);
            ptr::addr_of_mut!((*cell).value).write(UnsafeCell::new(MaybeUninit::new(value)));
            ptr::addr_of_mut!((*cell).flag).write(T::Flag::INITIALISED);
        }
    }

    /// Drops the value if it was initialised, exactly once (the flag goes back to
    /// "uninitialised").
    ///
    /// # Safety
    /// `cell` must point to the user data of an instance being deallocated.
    unsafe fn destroy_value(cell: *mut Self) {
        // SAFETY: per the contract nothing borrows the value any more; only an initialised
        // value is dropped, and the flag keeps it from being dropped twice.
        unsafe {
            if FlagStorage::get(&(*cell).flag) != UNINITIALISED {
                (*cell).flag.set(UNINITIALISED);
                ptr::drop_in_place((*(*cell).value.get()).as_mut_ptr());
            }
        }
    }

    /// Drops the value, then the bases' parts, most-derived first (CPython's order).
    ///
    /// # Safety
    /// As [`Self::destroy_value`].
    unsafe fn destroy_chain(cell: *mut Self) {
        // SAFETY: forwarded contract; the base's part is inside the same instance.
        unsafe {
            Self::destroy_value(cell);
            <T::Base as ClassBase>::destroy(ptr::addr_of_mut!((*cell).base));
        }
    }

    /// Visits the `HPyField`s of an instance (skipped while it is uninitialised or mutably
    /// borrowed: then the collector just sees fewer references, which never frees a live object).
    ///
    /// # Safety
    /// `cell` must point to the user data of a live instance.
    unsafe fn traverse(
        cell: *const Self,
        visit: sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: the flag is always initialised (zero or set by `write_init`).
        let flag = unsafe { (*cell).flag.get() };
        if flag != UNINITIALISED && flag != WRITING {
            let Some(visit) = visit else { return 0 };
            // SAFETY: initialised and not mutably borrowed: reading the fields is fine.
            let value = unsafe { (*cell).value.get().cast::<u8>() };
            for &offset in T::FIELD_OFFSETS {
                // SAFETY: `offset` is the offset of an `HPyField` in `T`.
                let field = unsafe { value.add(offset).cast::<sys::HPyField>() };
                // SAFETY: as above; `HPyField`s are plain words.
                if unsafe { (*field)._i } != 0 {
                    // SAFETY: HPy's visitor, with its argument.
                    let status = unsafe { visit(field, arg) };
                    if status != 0 {
                        return status;
                    }
                }
            }
        }
        // SAFETY: the base's part of the same live instance.
        unsafe { <T::Base as ClassBase>::traverse(ptr::addr_of!((*cell).base), visit, arg) }
    }
}

/// The user-data pointer of `obj`, which must be an instance of `T` (or a subclass).
///
/// HPy's debug mode checks the shape of the object's exact type first and aborts the process
/// when it is not an HPy type (an instance of a Python subclass, which it reports as `Legacy`).
/// Outside the plain universal context (debug and trace modes hand out contexts of their own)
/// that case is turned into a `TypeError` instead. The plain context costs one comparison.
#[inline(always)]
fn as_struct<T: PyClass>(ctx: Context<'_>, obj: Borrowed<'_>) -> PyResult<*mut ClassObject<T>> {
    // Without `subclass` the exact type of an instance is `T` itself (CPython refuses Python
    // subclasses of a type without `Py_TPFLAGS_BASETYPE`), an HPy type of `T`'s shape: the
    // debug mode's check cannot fail, so only subclassable classes pay for it.
    #[cfg(not(feature = "cpython-abi"))]
    if T::SUBCLASS && ctx.as_ptr() != super::trampoline::module_context() {
        check_debug_shape::<T>(ctx, obj)?;
    }
    let (ctx, h) = (ctx.as_ptr(), obj.raw());
    // SAFETY: live context and handle; the shape is the one the type was created with, and the
    // callers guarantee (or checked) that `obj` is an instance of `T`.
    let data = unsafe {
        match <T::Base as ClassBase>::SHAPE {
            // PyPy 7.3.19 implements only the `Object` accessor (the others print "not
            // implemented" and crash), and gives instances made by a builtin's `__new__` no
            // user data: refused (see tests/pypy_bugs/builtin_shape.c).
            shape
                if shape != sys::HPyType_BuiltinShape_Object
                    && super::handle::runtime_is_pypy() =>
            {
                return Err(builtin_shape_on_pypy::<T>());
            }
            sys::HPyType_BuiltinShape_Long => sys::_HPy_AsStruct_Long(ctx, h),
            sys::HPyType_BuiltinShape_Float => sys::_HPy_AsStruct_Float(ctx, h),
            sys::HPyType_BuiltinShape_Unicode => sys::_HPy_AsStruct_Unicode(ctx, h),
            sys::HPyType_BuiltinShape_Tuple => sys::_HPy_AsStruct_Tuple(ctx, h),
            sys::HPyType_BuiltinShape_List => sys::_HPy_AsStruct_List(ctx, h),
            sys::HPyType_BuiltinShape_Type => sys::_HPy_AsStruct_Type(ctx, h),
            _ => sys::_HPy_AsStruct_Object(ctx, h),
        }
    };
    // PyPy's `object.__new__(T)` makes an instance with no user data at all (CPython refuses:
    // "not safe"), for which HPy returns NULL.
    #[cfg(not(feature = "cpython-abi"))]
    if data.is_null() {
        return Err(no_user_data::<T>());
    }
    Ok(data.cast())
}

#[cold]
#[inline(never)]
fn builtin_shape_on_pypy<T: PyClass>() -> PyErr {
    PyErr::type_error(format!(
        "{} extends a builtin type: PyPy 7.3.19's HPy has no user data for such classes",
        T::NAME
    ))
}

#[cfg(not(feature = "cpython-abi"))]
#[cold]
#[inline(never)]
fn no_user_data<T: PyClass>() -> PyErr {
    PyErr::type_error(format!(
        "this {name} object has no data: it was not made by {name}.__new__() (on PyPy, \
         object.__new__({name}) makes such objects; CPython refuses it as not safe)",
        name = T::NAME
    ))
}

#[cfg(not(feature = "cpython-abi"))]
#[cold]
fn check_debug_shape<T: PyClass>(ctx: Context<'_>, obj: Borrowed<'_>) -> PyResult<()> {
    // SAFETY: live context and handle; `HPy_Type` returns a new handle, closed below.
    let shape = unsafe {
        let ty = sys::HPy_Type(ctx.as_ptr(), obj.raw());
        let shape = sys::_HPyType_GetBuiltinShape(ctx.as_ptr(), ty);
        sys::HPy_Close(ctx.as_ptr(), ty);
        shape
    };
    if shape == <T::Base as ClassBase>::SHAPE {
        Ok(())
    } else {
        Err(PyErr::type_error(format!(
            "HPy's debug mode cannot access the {} struct of an instance of a Python subclass \
             (HPy 0.9 reports such types as legacy types)",
            T::NAME
        )))
    }
}

/// The `TypeError` of an object that is not a `T` (out of line: the checks that raise it are
/// inlined into slots).
#[cold]
#[inline(never)]
pub(crate) fn wrong_type<T: PyClass>(obj: Borrowed<'_>) -> PyErr {
    use crate::object::AnyHandle;
    PyErr::type_error(format!(
        "expected a {} object, got {}",
        T::NAME,
        obj.type_name()
    ))
}

/// The receiver of a method or slot of `T`, borrowed.
///
/// # Safety
/// `slf` must be an instance of `T` (HPy guarantees it for the `self` of a method or slot
/// defined on `T`'s type).
#[inline(always)]
pub unsafe fn borrow_self<T: PyClass>(slf: Borrowed<'_>) -> PyResult<PyRef<'_, '_, T>> {
    // SAFETY: forwarded contract.
    unsafe { PyRef::new_unchecked(slf.context(), slf) }
}

/// The receiver of a `&mut self` method or slot of `T`, borrowed exclusively.
///
/// # Safety
/// As for [`borrow_self`].
#[inline(always)]
pub unsafe fn borrow_self_mut<T: MutableClass>(slf: Borrowed<'_>) -> PyResult<PyRefMut<'_, '_, T>> {
    // SAFETY: forwarded contract.
    unsafe { PyRefMut::new_unchecked(slf.context(), slf) }
}

/// The getter of an `HPyField` exposed as an attribute: the stored object, or `None`.
///
/// # Safety
/// As for [`borrow_self`].
pub unsafe fn field_get<'py, T: PyClass>(
    slf: Borrowed<'py>,
    field: impl for<'a> FnOnce(&'a T) -> &'a HPyField,
) -> PyResult<Handle<'py>> {
    // SAFETY: forwarded contract.
    let owner = unsafe { borrow_self::<T>(slf)? };
    Ok(field(&owner)
        .load(&owner)
        .unwrap_or_else(|| slf.context().none().dup()))
}

/// The setter of an `HPyField` exposed as an attribute: stores a reference to `value`.
///
/// # Safety
/// As for [`borrow_self`].
pub unsafe fn field_set<'py, T: PyClass>(
    slf: Borrowed<'py>,
    value: Borrowed<'py>,
    field: impl for<'a> FnOnce(&'a T) -> &'a HPyField,
) -> PyResult<()> {
    // SAFETY: forwarded contract.
    let owner = unsafe { borrow_self::<T>(slf)? };
    field(&owner).store(&owner, Some(value));
    Ok(())
}

/// Why a borrow was refused (out of line: the borrow itself stays a load, a compare and a
/// store). `flag` is the borrow flag's value; `mutable` is the kind of borrow asked for.
#[cold]
#[inline(never)]
fn borrow_error(name: &'static str, flag: isize, mutable: bool) -> PyErr {
    if flag == UNINITIALISED {
        PyErr::type_error(format!(
            "this {name} object was never initialised (its __new__ did not run)"
        ))
    } else if mutable {
        PyErr::runtime_error(format!("{name} object is already borrowed"))
    } else {
        PyErr::runtime_error(format!("{name} object is already mutably borrowed"))
    }
}

/// [`borrow_error`] for the flag of `cell`, read here rather than by the caller: the borrow
/// then compares the flag in memory, without loading it into a register of its own.
#[cold]
#[inline(never)]
fn refused<T: PyClass>(cell: &ClassObject<T>, mutable: bool) -> PyErr {
    // `black_box`: otherwise LTO's argument promotion passes the flag's value instead of
    // `cell`, and the caller loads it into a register again.
    let cell = core::hint::black_box(cell);
    borrow_error(T::NAME, cell.flag.get(), mutable)
}

/// A shared borrow of the Rust struct inside a Python object, tied to a borrow (`'h`) of the
/// handle it came from. While it lives, the object cannot be borrowed mutably.
pub struct PyRef<'h, 'py, T: PyClass> {
    ctx: Context<'py>,
    obj: sys::HPy,
    cell: &'h ClassObject<T>,
}

/// An exclusive borrow of the Rust struct inside a Python object (see [`PyRef`]).
pub struct PyRefMut<'h, 'py, T: MutableClass> {
    ctx: Context<'py>,
    obj: sys::HPy,
    cell: &'h ClassObject<T>,
}

impl<'h, 'py: 'h, T: PyClass> PyRef<'h, 'py, T> {
    /// Borrows the struct of `obj` after checking that it is an instance of `T`
    /// (`TypeError` otherwise).
    pub(crate) fn checked(ctx: Context<'py>, obj: Borrowed<'h>) -> PyResult<Self> {
        Self::try_new(ctx, obj, None)?.ok_or_else(|| wrong_type::<T>(obj))
    }

    /// Borrows the struct of `obj` if it is an instance of `T`.
    #[inline(always)]
    /// `own`: the type a binary slot loaded for the call, used when it is `T`'s.
    pub(crate) fn try_new(
        ctx: Context<'py>,
        obj: Borrowed<'h>,
        own: Option<&OwnType<'_>>,
    ) -> PyResult<Option<Self>> {
        if !is_instance_in::<T>(ctx, obj, own)? {
            return Ok(None);
        }
        // SAFETY: checked just above.
        unsafe { Self::new_unchecked(ctx, obj) }.map(Some)
    }

    /// Borrows the struct of `obj`.
    ///
    /// # Safety
    /// `obj` must be an instance of `T` (or of a subclass).
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked(ctx: Context<'py>, obj: Borrowed<'h>) -> PyResult<Self> {
        // SAFETY: `obj` is an instance of `T` (caller) and open for 'h, and CPython never moves
        // objects, so the user data lives at least as long as the handle.
        let cell: &'h ClassObject<T> = unsafe { &*as_struct::<T>(ctx, obj)? };
        Self::from_cell(ctx, obj, cell)
    }

    /// Borrows `cell`, the struct of `obj` (an instance of `T`).
    #[inline(always)]
    fn from_cell(ctx: Context<'py>, obj: Borrowed<'h>, cell: &'h ClassObject<T>) -> PyResult<Self> {
        let flag = cell.flag.get();
        if T::FROZEN {
            if flag == UNINITIALISED {
                return Err(refused(cell, false));
            }
        } else if flag < UNUSED {
            return Err(refused(cell, false));
        } else {
            cell.flag.set(flag + 1);
        }
        Ok(PyRef {
            ctx,
            obj: obj.raw(),
            cell,
        })
    }

    /// The object's handle.
    #[inline(always)]
    pub fn as_handle(&self) -> Borrowed<'h> {
        // SAFETY: the handle this borrow came from is open for 'h.
        unsafe { Borrowed::from_raw(self.ctx, self.obj) }
    }

    /// The context of the call.
    #[inline(always)]
    pub fn context(&self) -> Context<'py> {
        self.ctx
    }
}

/// Ends a shared borrow of `obj`'s struct whose `PyRef` was forgotten by
/// `slots::export_buffer` (called from `bf_releasebuffer`, which CPython pairs with exactly one
/// successful `bf_getbuffer`).
///
/// # Safety
/// `obj` must be an instance of `T` with an export that has not been released yet.
pub(crate) unsafe fn end_exported_borrow<T: PyClass>(ctx: Context<'_>, obj: Borrowed<'_>) {
    if T::FROZEN {
        return;
    }
    let Ok(cell) = as_struct::<T>(ctx, obj) else {
        return;
    };
    // SAFETY: `obj` is an instance of `T` whose struct a buffer export keeps borrowed.
    let cell = unsafe { &*cell };
    let flag = cell.flag.get();
    if flag > UNUSED {
        cell.flag.set(flag - 1);
    }
}

impl<T: PyClass> Deref for PyRef<'_, '_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: initialised (flag checked in `new`), and no `&mut` exists while we are
        // registered in the flag (frozen classes never hand one out).
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: PyClass> Drop for PyRef<'_, '_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        if !T::FROZEN {
            self.cell.flag.set(self.cell.flag.get() - 1);
        }
    }
}

impl<'h, 'py: 'h, T: MutableClass> PyRefMut<'h, 'py, T> {
    /// Borrows the struct of `obj` exclusively after checking that it is an instance of `T`.
    pub(crate) fn checked(ctx: Context<'py>, obj: Borrowed<'h>) -> PyResult<Self> {
        Self::try_new(ctx, obj, None)?.ok_or_else(|| wrong_type::<T>(obj))
    }

    /// Borrows the struct of `obj` exclusively if it is an instance of `T`.
    #[inline(always)]
    /// `own`: the type a binary slot loaded for the call, used when it is `T`'s.
    pub(crate) fn try_new(
        ctx: Context<'py>,
        obj: Borrowed<'h>,
        own: Option<&OwnType<'_>>,
    ) -> PyResult<Option<Self>> {
        if !is_instance_in::<T>(ctx, obj, own)? {
            return Ok(None);
        }
        // SAFETY: checked just above.
        unsafe { Self::new_unchecked(ctx, obj) }.map(Some)
    }

    /// Borrows the struct of `obj` exclusively.
    ///
    /// # Safety
    /// `obj` must be an instance of `T` (or of a subclass).
    #[inline(always)]
    pub(crate) unsafe fn new_unchecked(ctx: Context<'py>, obj: Borrowed<'h>) -> PyResult<Self> {
        // SAFETY: as in `PyRef::new_unchecked`.
        let cell: &'h ClassObject<T> = unsafe { &*as_struct::<T>(ctx, obj)? };
        if cell.flag.get() != UNUSED {
            return Err(refused(cell, true));
        }
        cell.flag.set(WRITING);
        Ok(PyRefMut {
            ctx,
            obj: obj.raw(),
            cell,
        })
    }

    /// The object's handle.
    #[inline(always)]
    pub fn as_handle(&self) -> Borrowed<'h> {
        // SAFETY: the handle this borrow came from is open for 'h.
        unsafe { Borrowed::from_raw(self.ctx, self.obj) }
    }

    /// The context of the call.
    #[inline(always)]
    pub fn context(&self) -> Context<'py> {
        self.ctx
    }
}

impl<T: MutableClass> Deref for PyRefMut<'_, '_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: initialised, and we hold the exclusive borrow.
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: MutableClass> DerefMut for PyRefMut<'_, '_, T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: initialised, and the flag says we are the only borrow of the struct.
        unsafe { (*self.cell.value.get()).assume_init_mut() }
    }
}

impl<T: MutableClass> Drop for PyRefMut<'_, '_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        self.cell.flag.set(UNUSED);
    }
}

/// Allocates an instance of `cls` and moves `init` into it.
///
/// # Safety
/// `cls` must be `T`'s type or a subtype of it (checked here only when the object is made by a
/// builtin base's `__new__`, which Python code can call with any class).
#[inline(always)]
pub(crate) unsafe fn new_instance<'py, T: PyClass>(
    ctx: Context<'py>,
    cls: Borrowed<'_>,
    base_args: Option<(super::trampoline::Args<'py>, Option<Borrowed<'py>>)>,
    init: (T, <T::Base as ClassBase>::Init),
) -> PyResult<Handle<'py>> {
    let (obj, cell) = match <T::Base as ClassBase>::BUILTIN {
        None => {
            // SAFETY: forwarded contract (`cls` is a type).
            let (raw, data) = unsafe { allocate(ctx, cls) };
            // SAFETY: just allocated by `allocate` from a subtype of `T`'s type.
            unsafe { allocated::<T>(ctx, raw, data)? }
        }
        Some(builtin) => {
            // Reached through a Python-level `__new__`, so `cls` is whatever the caller passed.
            let own_type = T::TYPE_GLOBAL.load(ctx).ok_or_else(|| {
                PyErr::runtime_error(format!("type {} was not created by its module", T::NAME))
            })?;
            // SAFETY: live context, open handles.
            let subtype = unsafe {
                sys::HPyType_IsSubtype(ctx.as_ptr(), cls.raw(), own_type.as_borrowed().raw())
            };
            if subtype == 0 {
                return Err(PyErr::type_error(format!(
                    "{}.__new__(X): X is not a subtype of {}",
                    T::NAME,
                    T::NAME
                )));
            }
            // The builtin's own constructor makes the object (`int.__new__(cls, *args, **kw)`).
            use crate::object::AnyHandle;
            let new = builtin.type_object(ctx).getattr("__new__")?;
            let (args, kw) = base_args.ok_or_else(|| PyErr::system_error("missing arguments"))?;
            let positional: Vec<Borrowed<'_>> = core::iter::once(cls)
                .chain((0..args.len()).map(|i| args.get(i)))
                .collect();
            let tuple =
                crate::object::check(ctx, super::raw::tuple_from(ctx, positional.into_iter()))?;
            // SAFETY: live context and handles; `kw` is a dict or NULL, as HPy_CallTupleDict wants.
            let raw = unsafe {
                sys::HPy_CallTupleDict(
                    ctx.as_ptr(),
                    new.as_borrowed().raw(),
                    tuple.as_borrowed().raw(),
                    kw.map_or(sys::HPy_NULL, Borrowed::raw),
                )
            };
            let obj = ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))?;
            if builtin == BuiltinType::Int {
                check_int_fits_header(ctx, obj.as_borrowed())?;
            }
            if !super::raw::type_check(ctx, obj.as_borrowed(), cls) {
                return Err(PyErr::type_error(format!(
                    "{}.__new__ did not return an instance of the subclass",
                    T::NAME
                )));
            }
            let cell = as_struct::<T>(ctx, obj.as_borrowed())?;
            (obj, cell)
        }
    };
    // SAFETY: `obj` is a fresh instance of `cls`, a subtype of `T`'s type (caller, or checked
    // above): its user data is zeroed and nobody else has seen it yet.
    unsafe { ClassObject::write_init(cell, init) };
    Ok(obj)
}

/// `HPy_New(cls)`: the new object's handle (`HPy_NULL` on failure, with an exception set) and
/// its user data, which HPy writes only when it succeeds (so it is not zeroed first).
///
/// # Safety
/// `cls` must be a type.
#[inline(always)]
unsafe fn allocate(ctx: Context<'_>, cls: Borrowed<'_>) -> (sys::HPy, MaybeUninit<*mut c_void>) {
    let mut data = MaybeUninit::<*mut c_void>::uninit();
    // SAFETY: live context; `cls` is a type (caller); HPy writes the data pointer.
    let raw = unsafe { sys::_HPy_New(ctx.as_ptr(), cls.raw(), data.as_mut_ptr()) };
    (raw, data)
}

/// The object `allocate` made and its `ClassObject`, or the error if it failed.
///
/// # Safety
/// `raw` and `data` must come from [`allocate`] with a subtype of `T`'s type, whose base is no
/// builtin.
#[inline(always)]
unsafe fn allocated<'py, T: PyClass>(
    ctx: Context<'py>,
    raw: sys::HPy,
    data: MaybeUninit<*mut c_void>,
) -> PyResult<(Handle<'py>, *mut ClassObject<T>)> {
    let obj = ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))?;
    // SAFETY: `HPy_New` succeeded, so it wrote the data pointer.
    let data = unsafe { data.assume_init() };
    // HPy 0.9 computes `data` from the shape of `cls`; a Python subclass is not an HPy type,
    // which it takes for `Legacy`, and gets the object header. Without `subclass`, `cls` is
    // always the class itself (CPython refuses Python subclasses).
    let cell = if T::SUBCLASS {
        as_struct::<T>(ctx, obj.as_borrowed())?
    } else {
        data.cast::<ClassObject<T>>()
    };
    Ok((obj, cell))
}

/// HPy 0.9's `Long` shape puts the struct right after a `PyLongObject` with room for one digit;
/// the digits of a larger int would share the struct's memory. Refuse those values.
fn check_int_fits_header(ctx: Context<'_>, obj: Borrowed<'_>) -> PyResult<()> {
    use crate::object::AnyHandle;
    let bits: u32 = obj.call_method("bit_length", ())?.extract()?;
    let digit_bits: u32 = ctx
        .import("sys")?
        .getattr("int_info")?
        .getattr("bits_per_digit")?
        .extract()?;
    if bits > digit_bits {
        return Err(PyErr::overflow_error(format!(
            "int subclasses made with HPy 0.9 hold values of at most {digit_bits} bits"
        )));
    }
    Ok(())
}

/// `#[new]`: allocates an instance of `cls` and moves `init` in. For builtin bases the object
/// is made by the builtin's `__new__(cls, *args, **kw)`.
///
/// # Safety
/// `cls` must be `T`'s type or a subtype of it (what CPython's `tp_new` guarantees).
pub unsafe fn create_instance<'py, T: PyClass, I: crate::class::IntoClassInit<T>>(
    ctx: Context<'py>,
    cls: Borrowed<'py>,
    args: super::trampoline::Args<'py>,
    kw: Option<Borrowed<'py>>,
    init: I,
) -> PyResult<Handle<'py>> {
    // SAFETY: forwarded contract.
    unsafe { new_instance::<T>(ctx, cls, Some((args, kw)), init.into_init()) }
}

/// A new instance of `T`'s own type, made from Rust.
#[inline(always)]
pub(crate) fn new_own_instance<'py, T: PyClass>(
    ctx: Context<'py>,
    init: (T, <T::Base as ClassBase>::Init),
) -> PyResult<Handle<'py>> {
    new_own_instance_cell::<T>(ctx, init).map(|(obj, _)| obj)
}

/// [`new_own_instance`], and the new struct when HPy gave its address (not for a builtin
/// base, whose instances are made by the base's constructor).
#[inline(always)]
fn new_own_instance_cell<'py, T: PyClass>(
    ctx: Context<'py>,
    init: (T, <T::Base as ClassBase>::Init),
) -> PyResult<(Handle<'py>, Option<*mut ClassObject<T>>)> {
    let ty = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| type_not_created(T::NAME))?;
    if <T::Base as ClassBase>::BUILTIN.is_some() {
        // SAFETY: `ty` is `T`'s own type.
        return unsafe { new_instance::<T>(ctx, ty.as_borrowed(), None, init) }
            .map(|obj| (obj, None));
    }
    // SAFETY: `ty` is a type.
    let (raw, data) = unsafe { allocate(ctx, ty.as_borrowed()) };
    if !T::SUBCLASS && !sys::HPy_IsNull(raw) {
        // The common case: everything is written before our reference to the type is closed
        // (the instance holds one of its own), so only the new handle is kept across that
        // `Py_DECREF`, and nothing needs testing after it (as in C).
        // SAFETY: `HPy_New` succeeded, so `data` is the zeroed user data of a fresh instance
        // of `T`'s type itself (not subclassable), which nobody else has seen yet.
        let cell = unsafe { data.assume_init() }.cast::<ClassObject<T>>();
        // SAFETY: as just said.
        unsafe { ClassObject::write_init(cell, init) };
        drop(ty);
        let obj = ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))?;
        return Ok((obj, Some(cell)));
    }
    drop(ty);
    // SAFETY: allocated from `T`'s own type, whose base is no builtin (tested above).
    let (obj, cell) = unsafe { allocated::<T>(ctx, raw, data)? };
    // SAFETY: `obj` is a fresh instance of `T`'s type: its user data is zeroed and nobody else
    // has seen it yet.
    unsafe { ClassObject::write_init(cell, init) };
    Ok((obj, Some(cell)))
}

/// [`new_own_instance`], then `fill` with a shared borrow of the new struct, taken without a type
/// check: storing the new object's `HPyField`s (which need their owner) costs no second
/// `HPy_TypeCheck` of an object made a moment ago.
#[inline(always)]
pub(crate) fn new_own_instance_with<'py, T: PyClass>(
    ctx: Context<'py>,
    init: (T, <T::Base as ClassBase>::Init),
    fill: impl FnOnce(&PyRef<'_, 'py, T>),
) -> PyResult<Handle<'py>> {
    let (obj, cell) = new_own_instance_cell::<T>(ctx, init)?;
    {
        let this = match cell {
            // SAFETY: `cell` is the struct of `obj`, which lives as long as the handle.
            Some(cell) => PyRef::from_cell(ctx, obj.as_borrowed(), unsafe { &*cell })?,
            // SAFETY: `obj` was made just above from `T`'s own type.
            None => unsafe { PyRef::<T>::new_unchecked(ctx, obj.as_borrowed())? },
        };
        fill(&this);
    }
    Ok(obj)
}

/// The type object of the class whose binary slot is running, loaded once for the whole call
/// (the operand checks and the new instance then share it: one `HPyGlobal_Load`/`HPy_Close`
/// pair instead of one per use). Used by the code `#[hpy_methods]` generates.
#[doc(hidden)]
pub struct OwnType<'py> {
    global: &'static HPyGlobal,
    ty: Handle<'py>,
}

impl<'py> OwnType<'py> {
    /// Loads `T`'s type.
    #[inline(always)]
    pub fn load<T: PyClass>(ctx: Context<'py>) -> PyResult<Self> {
        let ty = T::TYPE_GLOBAL
            .load(ctx)
            .ok_or_else(|| type_not_created(T::NAME))?;
        Ok(OwnType {
            global: T::TYPE_GLOBAL,
            ty,
        })
    }

    /// The type, if it is `T`'s (decided at compile time once inlined).
    #[inline(always)]
    pub(crate) fn of<T: PyClass>(&self) -> Option<Borrowed<'_>> {
        if ptr::eq(self.global, T::TYPE_GLOBAL) {
            Some(self.ty.as_borrowed())
        } else {
            None
        }
    }
}

/// [`is_instance`] with the type from `own` when it is `T`'s.
#[inline(always)]
pub(crate) fn is_instance_in<T: PyClass>(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    own: Option<&OwnType<'_>>,
) -> PyResult<bool> {
    match own.and_then(OwnType::of::<T>) {
        Some(ty) => Ok(super::raw::type_check(ctx, obj, ty)),
        None => is_instance::<T>(ctx, obj),
    }
}

/// [`new_own_instance`] with the type from `own` when it is `T`'s.
#[inline(always)]
pub(crate) fn new_own_instance_in<'py, T: PyClass>(
    ctx: Context<'py>,
    init: (T, <T::Base as ClassBase>::Init),
    own: &OwnType<'py>,
) -> PyResult<Handle<'py>> {
    match own.of::<T>() {
        // SAFETY: `ty` is `T`'s own type.
        Some(ty) => unsafe { new_instance::<T>(ctx, ty, None, init) },
        None => new_own_instance::<T>(ctx, init),
    }
}

/// `true` if `obj` is an instance of `T`'s type (or a subclass).
#[inline(always)]
pub(crate) fn is_instance<T: PyClass>(ctx: Context<'_>, obj: Borrowed<'_>) -> PyResult<bool> {
    let ty = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| type_not_created(T::NAME))?;
    Ok(super::raw::type_check(ctx, obj, ty.as_borrowed()))
}

/// Out of line: `is_instance` is inlined into every operand check.
#[cold]
#[inline(never)]
fn type_not_created(name: &str) -> PyErr {
    PyErr::runtime_error(format!("type {name} was not created by its module"))
}

// ---------------------------------------------------------------------------------------------
// tp_traverse and tp_destroy.

struct ClassSlots<T>(PhantomData<T>);

type TraverseImpl = unsafe extern "C" fn(*mut c_void, sys::HPyFunc_visitproc, *mut c_void) -> c_int;
type TraverseTrampoline = unsafe extern "C" fn(CpyObject, sys::cpy_visitproc, *mut c_void) -> c_int;
type DestroyImpl = unsafe extern "C" fn(*mut c_void);
type DestroyTrampoline = unsafe extern "C" fn();

#[cfg(feature = "cpython-abi")]
extern "C" {
    // HPy's CPython runtime (ctx_type.c, compiled into this library): adapts CPython's visitor
    // to HPy's and calls `tp_traverse` with the object's user data.
    fn call_traverseproc_from_trampoline(
        traverse: TraverseImpl,
        obj: CpyObject,
        visit: sys::cpy_visitproc,
        arg: *mut c_void,
    ) -> c_int;
}

/// Runs a callback that has no context (so no way to raise): a panic aborts the process.
fn abort_on_panic<R>(body: impl FnOnce() -> R) -> R {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(_) => std::process::abort(),
    }
}

impl<T: PyClass> ClassSlots<T> {
    unsafe extern "C" fn traverse_impl(
        data: *mut c_void,
        visit: sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: HPy passes the user data of a live instance of `T` (or a subclass).
        abort_on_panic(|| unsafe { ClassObject::<T>::traverse(data.cast(), visit, arg) })
    }

    unsafe extern "C" fn traverse_trampoline(
        obj: CpyObject,
        visit: sys::cpy_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        #[cfg(not(feature = "cpython-abi"))]
        {
            let mut packed = sys::_HPyFunc_args_TRAVERSEPROC {
                self_: obj,
                visit,
                arg,
                result: 0,
            };
            let typed: TraverseImpl = Self::traverse_impl;
            let func = erase!(typed, TraverseImpl);
            // SAFETY: the TRAVERSEPROC argument struct for a TRAVERSEPROC impl.
            unsafe { call_real(sys::HPyFunc_TRAVERSEPROC, func, &mut packed) };
            packed.result
        }
        #[cfg(feature = "cpython-abi")]
        // SAFETY: CPython passes a live instance and its visitor.
        unsafe {
            call_traverseproc_from_trampoline(Self::traverse_impl, obj, visit, arg)
        }
    }

    unsafe extern "C" fn destroy_impl(data: *mut c_void) {
        let cell = data.cast::<ClassObject<T>>();
        abort_on_panic(|| {
            // SAFETY: HPy passes the user data of an instance being deallocated: nothing can
            // borrow it any more.
            unsafe {
                // CPython's HPy runs the `tp_destroy` of every HPy type in the MRO; PyPy's
                // only the instance's own type's, so there this one drops the bases' parts too.
                if super::handle::runtime_is_pypy() {
                    ClassObject::destroy_chain(cell)
                } else {
                    ClassObject::destroy_value(cell)
                }
            }
        })
    }

    /// HPy never calls the CPython side of `tp_destroy`.
    unsafe extern "C" fn destroy_trampoline() {
        std::process::abort()
    }
}

/// `tp_traverse`, generated for every class with `HPyField`s.
pub const fn slot_traverse<T: PyClass>() -> sys::HPyDef {
    let impl_: TraverseImpl = ClassSlots::<T>::traverse_impl;
    let trampoline: TraverseTrampoline = ClassSlots::<T>::traverse_trampoline;
    slot_def(
        sys::HPy_tp_traverse,
        erase!(impl_, TraverseImpl),
        erase_cpy!(trampoline, TraverseTrampoline),
    )
}

/// `tp_destroy`: drops the Rust value of initialised instances.
pub const fn slot_destroy<T: PyClass>() -> sys::HPyDef {
    let impl_: DestroyImpl = ClassSlots::<T>::destroy_impl;
    let trampoline: DestroyTrampoline = ClassSlots::<T>::destroy_trampoline;
    slot_def(
        sys::HPy_tp_destroy,
        erase!(impl_, DestroyImpl),
        erase_cpy!(trampoline, DestroyTrampoline),
    )
}

// ---------------------------------------------------------------------------------------------
// Members.

/// A field type HPy can expose directly as a member (`HPyDef_MEMBER`).
pub trait MemberType {
    /// HPy's member type.
    const KIND: sys::HPyMember_FieldType;
    /// `false` for `Cell<_>` fields, which Python may write.
    const READONLY: bool;
}

macro_rules! member_types {
    ($($ty:ty => $kind:ident,)*) => {$(
        impl MemberType for $ty {
            const KIND: sys::HPyMember_FieldType = sys::$kind;
            const READONLY: bool = true;
        }
        impl MemberType for Cell<$ty> {
            const KIND: sys::HPyMember_FieldType = sys::$kind;
            const READONLY: bool = false;
        }
    )*};
}

member_types! {
    i8 => HPyMember_BYTE, i16 => HPyMember_SHORT, i32 => HPyMember_INT, i64 => HPyMember_LONGLONG,
    u8 => HPyMember_UBYTE, u16 => HPyMember_USHORT, u32 => HPyMember_UINT, u64 => HPyMember_ULONGLONG,
    isize => HPyMember_HPYSSIZET, usize => HPyMember_ULONGLONG, f32 => HPyMember_FLOAT,
    f64 => HPyMember_DOUBLE, bool => HPyMember_BOOL,
}

/// A member definition for the field at `field_offset` in `T` (of type `F`).
pub const fn member<T: PyClass, F: MemberType>(
    name: &'static CStr,
    field_offset: usize,
    doc: Option<&'static CStr>,
) -> sys::HPyDef {
    sys::HPyDef {
        kind: sys::HPyDef_Kind_Member,
        __bindgen_anon_1: sys::HPyDef__bindgen_ty_1 {
            member: sys::HPyMember {
                name: name.as_ptr(),
                type_: F::KIND,
                offset: (core::mem::offset_of!(ClassObject<T>, value) + field_offset) as isize,
                readonly: F::READONLY as c_int,
                doc: c_ptr(doc),
            },
        },
    }
}

// ---------------------------------------------------------------------------------------------
// HPyField.

/// A strong reference to a Python object, stored inside an object of a `#[hpy_class]`.
///
/// Loading and storing need the owning object (a [`PyRef`]/[`PyRefMut`] of it), because HPy
/// does (for write barriers on moving collectors). The class's `tp_traverse` is generated from
/// its `HPyField` fields, so references held here take part in cycle collection.
#[repr(transparent)]
pub struct HPyField(UnsafeCell<sys::HPyField>);

// SAFETY: the field is a plain word, only accessed through its owner with the GIL held.
unsafe impl Send for HPyField {}

impl Default for HPyField {
    fn default() -> Self {
        HPyField::new()
    }
}

/// A borrow of an object of a `#[hpy_class]`, which fields can be accessed through
/// ([`PyRef`], [`PyRefMut`]; sealed).
pub trait FieldOwner<'py>: sealed::Sealed {
    #[doc(hidden)]
    fn owner_parts(&self) -> (Context<'py>, sys::HPy, *const u8, &'static [usize]);
}

mod sealed {
    pub trait Sealed {}
}

impl<T: PyClass> sealed::Sealed for PyRef<'_, '_, T> {}
impl<T: MutableClass> sealed::Sealed for PyRefMut<'_, '_, T> {}

impl<'py, T: PyClass> FieldOwner<'py> for PyRef<'_, 'py, T> {
    fn owner_parts(&self) -> (Context<'py>, sys::HPy, *const u8, &'static [usize]) {
        (
            self.ctx,
            self.obj,
            self.cell.value.get().cast(),
            T::FIELD_OFFSETS,
        )
    }
}

impl<'py, T: MutableClass> FieldOwner<'py> for PyRefMut<'_, 'py, T> {
    fn owner_parts(&self) -> (Context<'py>, sys::HPy, *const u8, &'static [usize]) {
        (
            self.ctx,
            self.obj,
            self.cell.value.get().cast(),
            T::FIELD_OFFSETS,
        )
    }
}

impl HPyField {
    /// An empty field.
    pub const fn new() -> Self {
        HPyField(UnsafeCell::new(sys::HPyField { _i: 0 }))
    }

    /// Checks that `self` is one of the traversed fields of `owner`'s struct.
    fn located<'py>(&self, owner: &impl FieldOwner<'py>) -> (Context<'py>, sys::HPy) {
        let (ctx, obj, base, offsets) = owner.owner_parts();
        let offset = (self.0.get() as usize).wrapping_sub(base as usize);
        assert!(
            offsets.contains(&offset),
            "HPyField used with an object that does not contain it"
        );
        (ctx, obj)
    }

    /// `true` if the field holds no object.
    pub fn is_empty(&self) -> bool {
        // SAFETY: a plain word, written only by HPyField_Store with the GIL held.
        unsafe { (*self.0.get())._i == 0 }
    }

    /// A new handle to the stored object, or `None` if the field is empty.
    ///
    /// # Panics
    /// If `owner` is not the object that contains this field.
    pub fn load<'py>(&self, owner: &impl FieldOwner<'py>) -> Option<Handle<'py>> {
        let (ctx, obj) = self.located(owner);
        if self.is_empty() {
            return None;
        }
        // SAFETY: live context, open owner handle, and a non-empty field of that owner.
        let raw = unsafe { sys::HPyField_Load(ctx.as_ptr(), obj, *self.0.get()) };
        ctx.own(raw)
    }

    /// Stores a reference to `value` (or empties the field), releasing the previous object.
    ///
    /// # Panics
    /// If `owner` is not the object that contains this field.
    pub fn store<'py>(&self, owner: &impl FieldOwner<'py>, value: Option<Borrowed<'_>>) {
        let (ctx, obj) = self.located(owner);
        let value = value.map_or(sys::HPy_NULL, Borrowed::raw);
        // SAFETY: live context, open handles, and a field of the owner that holds NULL or a
        // valid reference.
        unsafe { sys::HPyField_Store(ctx.as_ptr(), obj, self.0.get(), value) }
    }
}

// ---------------------------------------------------------------------------------------------
// HPyGlobal.

const GLOBAL_UNREGISTERED: u8 = 0;
const GLOBAL_EMPTY: u8 = 1;
const GLOBAL_SET: u8 = 2;

/// A reference to a Python object kept in a `static` across calls (HPy's `HPyGlobal`).
///
/// Declare it inside the `#[hpy_module]` (`static CACHE: HPyGlobal = HPyGlobal::new();`): the
/// module definition registers it. Storing keeps its own reference, so storing a borrowed
/// argument is fine.
pub struct HPyGlobal {
    raw: UnsafeCell<sys::HPyGlobal>,
    state: AtomicU8,
}

// SAFETY: the raw value is only read and written through HPy with the GIL held.
unsafe impl Sync for HPyGlobal {}

impl Default for HPyGlobal {
    fn default() -> Self {
        HPyGlobal::new()
    }
}

impl HPyGlobal {
    /// An empty global.
    pub const fn new() -> Self {
        HPyGlobal {
            raw: UnsafeCell::new(sys::HPyGlobal { _i: 0 }),
            state: AtomicU8::new(GLOBAL_UNREGISTERED),
        }
    }

    /// Stores a reference to `value`, replacing the previous one.
    ///
    /// Fails with `RuntimeError` if the global is not registered with a module.
    pub fn store(&'static self, ctx: Context<'_>, value: Borrowed<'_>) -> PyResult<()> {
        if self.state.load(Ordering::Acquire) == GLOBAL_UNREGISTERED {
            return Err(PyErr::runtime_error(
                "HPyGlobal is not registered: declare it inside the #[hpy_module]",
            ));
        }
        // SAFETY: live context and handle; the global is registered and holds NULL or a
        // reference HPy made.
        unsafe { sys::HPyGlobal_Store(ctx.as_ptr(), self.raw.get(), value.raw()) };
        self.state.store(GLOBAL_SET, Ordering::Release);
        Ok(())
    }

    /// A new handle to the stored object, or `None` if nothing was stored yet.
    #[inline]
    pub fn load<'py>(&'static self, ctx: Context<'py>) -> Option<Handle<'py>> {
        // CPython ABI: the global is the object pointer itself, NULL until something is stored
        // (a stored handle is never NULL), so that is the test: one load fewer than the state.
        #[cfg(feature = "cpython-abi")]
        // SAFETY: read under the GIL, like every access to the raw value.
        let stored = unsafe { (*self.raw.get())._i != 0 };
        #[cfg(not(feature = "cpython-abi"))]
        let stored = self.state.load(Ordering::Acquire) == GLOBAL_SET;
        if !stored {
            return None;
        }
        // SAFETY: live context; the global holds a reference stored by `store`.
        let raw = unsafe { sys::HPyGlobal_Load(ctx.as_ptr(), *self.raw.get()) };
        ctx.own(raw)
    }

    const fn as_ptr(&'static self) -> *mut sys::HPyGlobal {
        self.raw.get()
    }
}

/// The NULL-terminated `HPyGlobal *` array of a module definition.
#[repr(C)]
pub struct GlobalTable<const N: usize> {
    pointers: UnsafeCell<[*mut sys::HPyGlobal; N]>,
    terminator: UnsafeCell<*mut sys::HPyGlobal>,
    globals: [&'static HPyGlobal; N],
}

// SAFETY: read by the loader under the GIL.
unsafe impl<const N: usize> Sync for GlobalTable<N> {}

impl<const N: usize> GlobalTable<N> {
    /// The table of `globals`.
    pub const fn new(globals: [&'static HPyGlobal; N]) -> Self {
        let mut pointers = [ptr::null_mut(); N];
        let mut index = 0;
        while index < N {
            pointers[index] = globals[index].as_ptr();
            index += 1;
        }
        GlobalTable {
            pointers: UnsafeCell::new(pointers),
            terminator: UnsafeCell::new(ptr::null_mut()),
            globals,
        }
    }

    /// Marks every global as registered (the module was created from this definition).
    pub fn register_all(&'static self) {
        for global in self.globals {
            let _ = global.state.compare_exchange(
                GLOBAL_UNREGISTERED,
                GLOBAL_EMPTY,
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    pub(super) const fn as_ptr(&'static self) -> *mut *mut sys::HPyGlobal {
        // `repr(C)`: the terminator follows the N pointers (all inside `UnsafeCell`s).
        (self as *const Self).cast_mut().cast()
    }
}

// ---------------------------------------------------------------------------------------------
// Type specs and type creation.

/// Static/class methods and the other steps `add_class` takes after creating the type.
pub struct ClassPost {
    /// Hidden module functions to wrap in `staticmethod`/`classmethod` and move to the type.
    pub wrapped: &'static [WrappedMethod],
    /// Sets the `#[classattr]`s on the type.
    pub class_attrs: Option<for<'py> fn(Context<'py>, Borrowed<'py>) -> PyResult<()>>,
    /// Dunders HPy 0.9 has no slot for (`__iter__`, `__next__`): re-set on the type so that
    /// CPython installs its slot wrappers.
    pub reinstall: &'static [&'static CStr],
    /// The text signature of calling the class (`#[new]`'s or `__init__`'s parameters,
    /// `(start=0, *, step=1)`): put before the class doc, where CPython finds it.
    pub signature: Option<&'static str>,
}

impl ClassPost {
    /// Nothing to do.
    pub const EMPTY: ClassPost = ClassPost {
        wrapped: &[],
        class_attrs: None,
        reinstall: &[],
        signature: None,
    };
}

/// A static or class method, defined as a hidden module function.
pub struct WrappedMethod {
    /// The module function's name.
    pub hidden: &'static CStr,
    /// The name on the type.
    pub name: &'static CStr,
    /// How to wrap it.
    pub kind: MethodKind,
}

/// How `add_class` installs a hidden module function on the type.
pub enum MethodKind {
    /// `staticmethod`.
    Static,
    /// `classmethod`.
    Class,
    /// The `#[new]` function as a Python-level `__new__` (a `staticmethod`), for classes with a
    /// builtin base only; otherwise the hidden function is just removed.
    New,
    /// A binary number slot (`SlotAsFunction`) installed as its reflected method
    /// (`__rmul__(self, other)` calls `slot(other, self)`) on PyPy only, whose HPy gives a
    /// number slot its forward method alone; elsewhere the interpreter reaches the slot itself
    /// for reflected operations, and the hidden function is just removed.
    Reflected,
}

/// A writable, `'static` `HPyType_Spec`.
#[repr(transparent)]
pub struct TypeSpecCell(UnsafeCell<sys::HPyType_Spec>);

// SAFETY: read by HPyType_FromSpec under the GIL; never written.
unsafe impl Sync for TypeSpecCell {}

impl TypeSpecCell {
    /// The spec of `T`.
    pub const fn new<T: PyClass, const N: usize>(
        qualname: &'static CStr,
        doc: Option<&'static CStr>,
        subclass: bool,
        defines: &'static DefTable<N>,
    ) -> Self {
        assert!(
            core::mem::align_of::<ClassObject<T>>() <= 16,
            "HPy aligns object data to 16 bytes: the struct's alignment must not exceed 16"
        );
        let size = core::mem::size_of::<ClassObject<T>>();
        assert!(size <= i32::MAX as usize, "struct too large");
        let mut flags = sys::HPy_TPFLAGS_DEFAULT as core::ffi::c_ulong;
        if subclass {
            flags |= sys::HPy_TPFLAGS_BASETYPE as core::ffi::c_ulong;
        }
        if needs_traverse::<T>() {
            flags |= sys::HPy_TPFLAGS_HAVE_GC as core::ffi::c_ulong;
        }
        TypeSpecCell(UnsafeCell::new(sys::HPyType_Spec {
            name: qualname.as_ptr(),
            basicsize: size as c_int,
            itemsize: 0,
            flags,
            builtin_shape: <T::Base as ClassBase>::SHAPE,
            legacy_slots: ptr::null_mut(),
            defines: defines.as_ptr(),
            doc: c_ptr(doc),
        }))
    }

    fn as_ptr(&'static self) -> *mut sys::HPyType_Spec {
        self.0.get()
    }
}

/// `true` if `T` was declared with the `subclass` option (`HPy_TPFLAGS_BASETYPE`).
pub(crate) fn accepts_subclasses<T: PyClass>() -> bool {
    // SAFETY: the spec is never written after construction.
    let flags = unsafe { (*T::SPEC.0.get()).flags };
    flags & sys::HPy_TPFLAGS_BASETYPE as core::ffi::c_ulong != 0
}

/// `true` if `T` accepts subclasses but Python-level subclasses would break: HPy 0.9 computes
/// the data pointer of an instance of a Python subclass of a pure HPy type from the shape of the
/// *subclass*, which it does not know (it assumes `Legacy`), so the `tp_traverse`, field clearing
/// and `tp_destroy` it runs on such instances get a pointer to the object header instead of the
/// struct. Types without fields and drop glue never get those calls.
pub(crate) fn python_subclasses_unsupported<T: PyClass>() -> bool {
    accepts_subclasses::<T>() && (needs_traverse::<T>() || needs_destroy::<T>())
}

/// What `add_class` re-creates as a Python `property` on PyPy (see `class::pypy_properties`).
pub(crate) enum PropertyDef {
    /// An HPy property (getset) and its index among `T`'s definitions: every one has a setter
    /// (see `ffi::slots::Missing`).
    GetSet(&'static CStr, usize),
    /// A read-only HPy member.
    ReadOnlyMember(&'static CStr),
    /// A writable `u64`/`usize` member (`HPyMember_ULONGLONG`).
    UnsignedMember(&'static CStr),
}

/// The properties and read-only members among `T`'s definitions.
pub(crate) fn property_defs<T: PyClass>() -> Vec<PropertyDef> {
    let mut found = Vec::new();
    // SAFETY: as in `has_slot`; names are 'static C strings.
    unsafe {
        let defines = (*T::SPEC.0.get()).defines;
        let mut index = 0;
        while !(*defines.add(index)).is_null() {
            let d = &**defines.add(index);
            if d.kind == sys::HPyDef_Kind_GetSet {
                let name = CStr::from_ptr(d.__bindgen_anon_1.getset.name);
                found.push(PropertyDef::GetSet(name, index));
            } else if d.kind == sys::HPyDef_Kind_Member {
                let member = &d.__bindgen_anon_1.member;
                let name = CStr::from_ptr(member.name);
                if member.readonly != 0 {
                    found.push(PropertyDef::ReadOnlyMember(name));
                } else if member.type_ == sys::HPyMember_ULONGLONG {
                    found.push(PropertyDef::UnsignedMember(name));
                }
            }
            index += 1;
        }
    }
    found
}

/// What [`run_property`] does with a property.
pub(crate) enum PropertyAccess<'a> {
    /// `obj.name`.
    Get,
    /// `obj.name = value`.
    Set(Borrowed<'a>),
    /// `del obj.name`.
    Delete,
}

/// Runs the getter or setter of the property at `index` among `T`'s definitions on `obj` (an
/// instance of `T`) as CPython would (`del` passes `NULL` to the setter); `Ok(None)` when there
/// is no property at `index`, else the value read (`None` for set and delete).
pub(crate) fn run_property<'py, T: PyClass>(
    ctx: Context<'py>,
    index: usize,
    obj: Borrowed<'_>,
    access: PropertyAccess<'_>,
) -> PyResult<Option<Handle<'py>>> {
    type GetterImpl =
        unsafe extern "C" fn(*mut sys::HPyContext, sys::HPy, *mut core::ffi::c_void) -> sys::HPy;
    type SetterImpl = unsafe extern "C" fn(
        *mut sys::HPyContext,
        sys::HPy,
        sys::HPy,
        *mut core::ffi::c_void,
    ) -> c_int;
    // SAFETY: as in `has_slot` (the index is checked against the terminating NULL first).
    let getset = unsafe {
        let defines = (*T::SPEC.0.get()).defines;
        let mut count = 0;
        while count <= index && !(*defines.add(count)).is_null() {
            count += 1;
        }
        if count <= index || (**defines.add(index)).kind != sys::HPyDef_Kind_GetSet {
            return Ok(None);
        }
        (**defines.add(index)).__bindgen_anon_1.getset
    };
    let (Some(getter), Some(setter)) = (getset.getter_impl, getset.setter_impl) else {
        return Ok(None);
    };
    if !is_instance::<T>(ctx, obj)? {
        return Err(PyErr::type_error(format!(
            "descriptor requires a '{}' object",
            T::NAME
        )));
    }
    // SAFETY: a getset definition's getter and setter are GETTER and SETTER `impl`s (erased to
    // `HPyCFunction`; hpy-rs always defines both), called here as HPy would, with an instance
    // of `T` (checked above), open handles and the definition's closure.
    unsafe {
        let value = match access {
            PropertyAccess::Get => {
                let getter: GetterImpl = core::mem::transmute(getter);
                let raw = getter(ctx.as_ptr(), obj.raw(), getset.closure);
                return ctx.own(raw).map(Some).ok_or_else(|| PyErr::fetch(ctx));
            }
            PropertyAccess::Set(value) => value.raw(),
            PropertyAccess::Delete => sys::HPy_NULL,
        };
        let setter: SetterImpl = core::mem::transmute(setter);
        if setter(ctx.as_ptr(), obj.raw(), value, getset.closure) == 0 {
            Ok(Some(ctx.none().dup()))
        } else {
            Err(PyErr::fetch(ctx))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Per-instance call functions (`HPy_SetCallFunction`).

/// A call function for instances of `T`: what C HPy's `HPyDef_CALL_FUNCTION` declares.
///
/// `#[call_function]` on a method of `T`'s `#[hpy_methods]` block makes one, as an associated
/// constant of `T` (`fn euclidean` → `T::EUCLIDEAN`, or the name given as
/// `#[call_function(NAME)]`). Its arguments are parsed like a `#[hpy_function]`'s. The same
/// block must define `__call__`: HPy only gives instances of classes with a call slot room for
/// a call function of their own. [`PyRef::set_call_function`] installs it on one instance of
/// `T` itself (not of a subclass), typically in `__init__` or right after creating the object.
pub struct CallFunction<T: PyClass> {
    raw: sys::HPyCallFunction,
    class: PhantomData<fn() -> T>,
}

impl<T: PyClass> Clone for CallFunction<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: PyClass> Copy for CallFunction<T> {}

/// The call function whose body is `F` (used by the code `#[hpy_methods]` generates).
///
/// # Safety
/// `F` must be the wrapper `#[hpy_methods]` generates for a `#[call_function]` of `T`: its
/// body borrows the called object as a `T` without checking, which holds because
/// [`PyRef::set_call_function`] only installs it on instances of `T`.
pub const unsafe fn call_function<T: PyClass, F: super::trampoline::KeywordsFn>() -> CallFunction<T>
{
    CallFunction {
        raw: super::trampoline::call_function_pair::<F>(),
        class: PhantomData,
    }
}

/// `HPy_SetCallFunction` on `obj`, an instance of `T`.
fn set_call_function<T: PyClass>(
    ctx: Context<'_>,
    obj: Borrowed<'_>,
    func: &CallFunction<T>,
) -> PyResult<()> {
    use crate::object::AnyHandle;
    // HPy only checks this on CPython (PyPy's HPy would install the function on any type).
    if !has_slot::<T>(sys::HPy_tp_call) {
        return Err(PyErr::type_error(format!(
            "'{}' objects cannot have a call function: the class defines no __call__",
            T::NAME
        )));
    }
    // Only on `T`'s own instances: HPy keeps the function pointer right after `T`'s struct,
    // where a subclass keeps its own data (a Rust subclass's fields; a Python subclass of one),
    // and CPython before 3.12 gives Python subclasses no vectorcall at all.
    let ty = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| type_not_created(T::NAME))?;
    if !super::raw::is(ctx, obj.get_type().as_borrowed(), ty.as_borrowed()) {
        return Err(PyErr::type_error(format!(
            "a call function of '{}' can only be set on '{}' objects, not on '{}' objects \
             (a subclass)",
            T::NAME,
            T::NAME,
            obj.type_name()
        )));
    }
    let mut raw = func.raw;
    // SAFETY: a live context and an open handle to an instance of `T`'s own type (checked);
    // `raw` is a complete `HPyCallFunction` whose body borrows the called object as a `T`
    // (`call_function`'s contract), and HPy reads it during the call only.
    let result = unsafe { sys::HPy_SetCallFunction(ctx.as_ptr(), obj.raw(), &mut raw) };
    if result < 0 {
        Err(PyErr::fetch(ctx))
    } else {
        Ok(())
    }
}

impl<'h, 'py: 'h, T: PyClass> PyRef<'h, 'py, T> {
    /// Makes calling this object run `func` instead of the class's `__call__` (C HPy's
    /// `HPy_SetCallFunction`), e.g. in `__init__` or after creating the object. Other instances
    /// keep theirs. `TypeError` for instances of subclasses (Rust or Python ones): HPy keeps
    /// the function right after `T`'s struct, where a subclass may keep data of its own.
    pub fn set_call_function(&self, func: &CallFunction<T>) -> PyResult<()> {
        set_call_function(self.ctx, self.as_handle(), func)
    }
}

impl<'h, 'py: 'h, T: MutableClass> PyRefMut<'h, 'py, T> {
    /// As [`PyRef::set_call_function`].
    pub fn set_call_function(&self, func: &CallFunction<T>) -> PyResult<()> {
        set_call_function(self.ctx, self.as_handle(), func)
    }
}

/// `true` if `T`'s definitions include the slot `slot` (`sys::HPy_sq_repeat`, ...).
pub(crate) fn has_slot<T: PyClass>(slot: sys::HPySlot_Slot) -> bool {
    // SAFETY: the spec is never written after construction; `defines` is a NULL-terminated
    // array of 'static definitions, whose `slot` member is the active one for `Slot` kinds.
    unsafe {
        let mut def = (*T::SPEC.0.get()).defines;
        while !(*def).is_null() {
            if (**def).kind == sys::HPyDef_Kind_Slot && (**def).__bindgen_anon_1.slot.slot == slot {
                return true;
            }
            def = def.add(1);
        }
    }
    false
}

/// `true` if `T` was declared outside a `#[hpy_module]` (its spec name has no module part).
pub(crate) fn declared_outside_module<T: PyClass>() -> bool {
    // SAFETY: the spec is never written after construction, and its name is a 'static C string.
    let name = unsafe { CStr::from_ptr((*T::SPEC.0.get()).name) };
    !name.to_bytes().contains(&b'.')
}

/// `HPyType_FromSpec` for `T`, with its base class.
///
/// `qualname` replaces the spec's name (HPy copies it): "module.Name" for a class declared
/// outside its `#[hpy_module]`, whose spec only knows "Name".
pub(crate) fn create_type<'py, T: PyClass>(
    ctx: Context<'py>,
    qualname: Option<&CStr>,
) -> PyResult<Handle<'py>> {
    // HPy 0.9 keeps an instance's call function right after the struct of the class that
    // defines `HPy_tp_call`, and a subclass without one of its own inherits that position,
    // where its own data is: calling an instance would jump to an address made of its fields.
    // (A subclass with its own `__call__` gets its own position after its whole struct.)
    if <T::Base as ClassBase>::has_call() && !has_slot::<T>(sys::HPy_tp_call) {
        return Err(PyErr::type_error(format!(
            "class {} extends a class that defines __call__, so it must define __call__ \
             itself (HPy 0.9 would otherwise call its instances through memory holding their \
             data)",
            T::NAME
        )));
    }
    let base = <T::Base as ClassBase>::base_type(ctx)?;
    let mut params = [
        sys::HPyType_SpecParam {
            kind: sys::HPyType_SpecParam_Base,
            object: base
                .as_ref()
                .map_or(sys::HPy_NULL, |b| b.as_borrowed().raw()),
        },
        sys::HPyType_SpecParam {
            kind: 0,
            object: sys::HPy_NULL,
        },
    ];
    let params = if base.is_some() {
        params.as_mut_ptr()
    } else {
        ptr::null_mut()
    };
    let pypy = ctx.runtime_is_pypy();
    // PyPy 7.3.19 keeps a type's signature header in its `__doc__` (and gives types no
    // `__text_signature__`): only CPython gets one.
    let signature = T::POST.signature.filter(|_| !pypy);
    if pypy {
        // SAFETY: the spec's definitions are a NULL-terminated array of 'static definitions.
        unsafe { strip_method_signatures((*T::SPEC.as_ptr()).defines) };
    }
    let raw = match (qualname, signature) {
        // SAFETY: live context, a complete 'static spec, and a terminated parameter array
        // whose handles stay open during the call.
        (None, None) => unsafe { sys::HPyType_FromSpec(ctx.as_ptr(), T::SPEC.as_ptr(), params) },
        _ => {
            // SAFETY: the spec is never written after construction; a copy with another name
            // or doc still points at the same 'static definitions, and HPy copies both.
            let mut spec = unsafe { T::SPEC.0.get().read() };
            if let Some(qualname) = qualname {
                spec.name = qualname.as_ptr();
            }
            let doc = signature.and_then(|signature| {
                // SAFETY: the spec's doc is NULL or a 'static NUL-terminated string.
                let old = (!spec.doc.is_null()).then(|| unsafe { CStr::from_ptr(spec.doc) });
                class_doc(T::NAME, signature, old)
            });
            if let Some(doc) = &doc {
                spec.doc = doc.as_ptr();
            }
            // SAFETY: as above, with the local copy (and its doc) alive during the call.
            unsafe { sys::HPyType_FromSpec(ctx.as_ptr(), &mut spec, params) }
        }
    };
    ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))
}

/// The class doc headed by the signature of calling the class: `Name(sig)\n--\n\n<doc>`, from
/// which CPython derives the type's `__text_signature__` (and strips it from `__doc__`).
/// `None` if the result would hold a NUL byte.
fn class_doc(name: &str, signature: &str, doc: Option<&CStr>) -> Option<CString> {
    let mut text = format!("{name}{signature}\n--\n\n").into_bytes();
    if let Some(doc) = doc {
        text.extend_from_slice(doc.to_bytes());
    }
    CString::new(text).ok()
}

/// The length of a `name(sig)\n--\n\n` signature header at the start of `doc`.
fn signature_header_len(doc: &[u8]) -> Option<usize> {
    const END: &[u8] = b")\n--\n\n";
    let end = doc.windows(END.len()).position(|w| w == END)?;
    let head = &doc[..end];
    (head.contains(&b'(') && !head.contains(&b'\n')).then_some(end + END.len())
}

/// PyPy 7.3.19 keeps the signature header in the `__doc__` of HPy methods (and gives them no
/// `__text_signature__`): point each method's doc past it (once; the result has no header).
///
/// # Safety
/// `defines` is NULL or a NULL-terminated array of live `'static` definitions, which nothing
/// else reads or writes during the call (type creation holds the GIL).
unsafe fn strip_method_signatures(defines: *mut *mut sys::HPyDef) {
    if defines.is_null() {
        return;
    }
    let mut index = 0;
    loop {
        // SAFETY: in bounds: the array is NULL-terminated (caller).
        let def = unsafe { *defines.add(index) };
        if def.is_null() {
            return;
        }
        // SAFETY: a live definition (caller); `meth` is the active field for the Meth kind.
        unsafe {
            if (*def).kind == sys::HPyDef_Kind_Meth {
                let doc = (*def).__bindgen_anon_1.meth.doc;
                if !doc.is_null() {
                    if let Some(skip) = signature_header_len(CStr::from_ptr(doc).to_bytes()) {
                        (*def).__bindgen_anon_1.meth.doc = doc.add(skip);
                    }
                }
            }
        }
        index += 1;
    }
}

/// `HPyErr_NewExceptionWithDoc`.
pub(crate) fn new_exception<'py>(
    ctx: Context<'py>,
    qualname: &CStr,
    doc: Option<&CStr>,
    base: Borrowed<'_>,
) -> PyResult<Handle<'py>> {
    // SAFETY: live context and handle, NUL-terminated strings.
    let raw = unsafe {
        sys::HPyErr_NewExceptionWithDoc(
            ctx.as_ptr(),
            qualname.as_ptr(),
            doc.map_or(ptr::null(), CStr::as_ptr),
            base.raw(),
            sys::HPy_NULL,
        )
    };
    ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))
}

/// `HPyType_FromSpec` for one variant class of an `#[hpy_class]` enum with data: `spec` was
/// made for `T` itself (same struct, shape and traverse/destroy slots), and the new type has
/// `T`'s type as its base, so its instances are instances of `T` whose data HPy finds where
/// it finds `T`'s.
pub(crate) fn create_variant_type<'py, T: PyClass>(
    ctx: Context<'py>,
    spec: &'static TypeSpecCell,
) -> PyResult<Handle<'py>> {
    let base = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| type_not_created(T::NAME))?;
    let mut params = [
        sys::HPyType_SpecParam {
            kind: sys::HPyType_SpecParam_Base,
            object: base.as_borrowed().raw(),
        },
        sys::HPyType_SpecParam {
            kind: 0,
            object: sys::HPy_NULL,
        },
    ];
    let raw = if ctx.runtime_is_pypy() {
        // PyPy 7.3.19 keeps a type's signature header in its `__doc__` (and gives types no
        // `__text_signature__`): the variant's doc, only that header, is left out there.
        // SAFETY: the spec is never written after construction; the copy points at the same
        // 'static definitions and name, and HPy copies what it keeps.
        let mut copy = unsafe { spec.0.get().read() };
        copy.doc = ptr::null();
        // SAFETY: live context, a complete spec alive during the call, and a terminated
        // parameter array whose handle (`base`) stays open during the call.
        unsafe { sys::HPyType_FromSpec(ctx.as_ptr(), &mut copy, params.as_mut_ptr()) }
    } else {
        // SAFETY: live context, a complete 'static spec, and a terminated parameter array whose
        // handle (`base`) stays open during the call.
        unsafe { sys::HPyType_FromSpec(ctx.as_ptr(), spec.as_ptr(), params.as_mut_ptr()) }
    };
    ctx.own(raw).ok_or_else(|| PyErr::fetch(ctx))
}

/// A new instance of `cls`, a variant class of the enum with data `T` (made by
/// [`create_variant_type`]), holding `value`: the variant classes' `tp_new` and `IntoPy` (which
/// does not call the class: a call from Rust back into the module's own `tp_new` is one PyPy's
/// debug mode refuses).
///
/// `cls` comes from the class attribute of `T`'s type, or is what `tp_new` was given (PyPy does
/// not check that it is a subtype), so it is checked: it must be a subclass of `T`'s type other
/// than that type. `T`'s type refuses Python subclasses
/// (`class_options::seal_data_enum`), and a variant class accepts none, so such a class is one
/// of the variant classes: an HPy type with `T`'s struct.
pub(crate) fn new_variant_instance<'py, T: PyClass>(
    ctx: Context<'py>,
    cls: Borrowed<'_>,
    value: T,
) -> PyResult<Handle<'py>>
where
    T::Base: ClassBase<Init = ()>,
{
    let ty = T::TYPE_GLOBAL
        .load(ctx)
        .ok_or_else(|| type_not_created(T::NAME))?;
    if <T::Base as ClassBase>::BUILTIN.is_some()
        || super::raw::is(ctx, ty.as_borrowed(), cls)
        || !super::raw::is_subtype(ctx, cls, ty.as_borrowed())
    {
        return Err(PyErr::type_error(format!(
            "expected a variant class of {}",
            T::NAME
        )));
    }
    drop(ty);
    // SAFETY: `cls` is a subtype of `T`'s type (checked above) whose base is no builtin.
    unsafe { new_instance::<T>(ctx, cls, None, (value, ())) }
}
