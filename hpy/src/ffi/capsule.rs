//! Typed capsules: a boxed Rust value behind a `PyCapsule`, dropped by the capsule's
//! destructor, handed back only as its own type.
//!
//! The capsule's pointer is a `Box<CapsuleBox<T>>`, whose header (first, `repr(C)`) records
//! `T`'s `TypeId`, the function that drops the box, and a copy of the name (a capsule keeps only
//! a pointer to its name, which must live as long as it does). The capsule's *context* pointer
//! is the address of [`MARKER`], a static of this crate: a capsule whose context is anything
//! else was not made here, and its pointer is never read as a box. Nothing safe can change a
//! capsule's pointer or context afterwards (C can, with `PyCapsule_SetPointer`, and is then
//! responsible, as for any C object it corrupts).
//!
//! HPy's capsule API per ABI: universal → the context's `HPyCapsule_New/Get/Set/IsValid` with
//! a key; CPython → `HPyCapsule_New` (HPy's runtime), and CPython's own `PyCapsule_*`, which is
//! what HPy's inline named accessors call there (it has no `HPyCapsule_Get/Set`).

use core::any::TypeId;
use core::ffi::{c_char, c_void, CStr};
use std::ffi::CString;

use hpy_sys as sys;

use super::{Borrowed, Context, Handle};

/// What every box starts with, readable without knowing `T`.
#[repr(C)]
struct Header {
    type_id: TypeId,
    /// Drops the whole `CapsuleBox<T>` the header starts.
    drop_box: unsafe fn(*mut Header),
    name: CString,
}

#[repr(C)]
struct CapsuleBox<T> {
    header: Header,
    value: T,
}

/// The context pointer of every capsule made here (its address; the value is unused).
static MARKER: u8 = 0;

fn marker() -> *mut c_void {
    core::ptr::addr_of!(MARKER).cast_mut().cast()
}

/// Drops a `CapsuleBox<T>` given its header.
///
/// # Safety
/// `header` is the start of a `Box<CapsuleBox<T>>` leaked by [`new`], dropped only here, once.
unsafe fn drop_box<T>(header: *mut Header) {
    // SAFETY: see the contract; the header is the box's first field (`repr(C)`).
    drop(unsafe { Box::from_raw(header.cast::<CapsuleBox<T>>()) });
}

/// The one destructor of every typed capsule (the `T` is in the header).
static DESTRUCTOR: sys::HPyCapsule_Destructor = sys::HPyCapsule_Destructor {
    cpy_trampoline: Some(destructor_trampoline),
    impl_: Some(destructor_impl),
};

/// HPy's side of the destructor: no context (it must not call the API); a panic aborts,
/// since there is nowhere to raise.
unsafe extern "C" fn destructor_impl(
    _name: *const c_char,
    pointer: *mut c_void,
    context: *mut c_void,
) {
    if pointer.is_null() || context != marker() {
        // Not ours any more (C changed it): nothing we can safely free.
        return;
    }
    let run = || {
        let header = pointer.cast::<Header>();
        // SAFETY: the capsule is being destroyed, so nothing borrows its value any more; its
        // pointer is the box `new` leaked (the context is still our marker), freed only here.
        unsafe { ((*header).drop_box)(header) }
    };
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).is_err() {
        std::process::abort()
    }
}

/// CPython's side (`PyCapsule_Destructor`): as C HPy's `HPyCapsule_DESTRUCTOR` trampoline.
unsafe extern "C" fn destructor_trampoline(capsule: *mut sys::cpy_PyObject) {
    #[cfg(feature = "cpython-abi")]
    // SAFETY: CPython passes the capsule being deallocated; the name it returns is the one
    // `PyCapsule_GetPointer` expects, so that call cannot fail.
    unsafe {
        let name = cpython::PyCapsule_GetName(capsule);
        destructor_impl(
            name,
            cpython::PyCapsule_GetPointer(capsule, name),
            cpython::PyCapsule_GetContext(capsule),
        )
    }
    #[cfg(not(feature = "cpython-abi"))]
    // SAFETY: as C HPy's trampoline: the runtime reads name, pointer and context of the capsule
    // (the argument pointer is the capsule itself for this signature) and calls the impl. The
    // loader set the module context before any capsule could be made.
    unsafe {
        let impl_: unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void) = destructor_impl;
        sys::_HPy_CallRealFunctionFromTrampoline(
            super::trampoline::module_context(),
            sys::HPyFunc_CAPSULE_DESTRUCTOR,
            Some(core::mem::transmute::<
                unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void),
                unsafe extern "C" fn() -> *mut c_void,
            >(impl_)),
            capsule.cast(),
        )
    }
}

/// CPython's capsule functions (what HPy's inline accessors call in the CPython ABI).
#[cfg(feature = "cpython-abi")]
mod cpython {
    use core::ffi::{c_char, c_int, c_void};

    use hpy_sys::cpy_PyObject;

    extern "C" {
        pub fn PyCapsule_GetPointer(capsule: *mut cpy_PyObject, name: *const c_char)
            -> *mut c_void;
        pub fn PyCapsule_GetName(capsule: *mut cpy_PyObject) -> *const c_char;
        pub fn PyCapsule_GetContext(capsule: *mut cpy_PyObject) -> *mut c_void;
        pub fn PyCapsule_SetContext(capsule: *mut cpy_PyObject, context: *mut c_void) -> c_int;
    }
}

/// `HPyCapsule_Get(key)`.
///
/// # Safety
/// `capsule` is an open handle of `ctx`; `name` NULL or NUL-terminated.
unsafe fn get(
    ctx: Context<'_>,
    capsule: Borrowed<'_>,
    key: sys::_HPyCapsule_key,
    name: *const c_char,
) -> *mut c_void {
    #[cfg(not(feature = "cpython-abi"))]
    // SAFETY: the caller's contract.
    return unsafe { sys::HPyCapsule_Get(ctx.as_ptr(), capsule.raw(), key, name) };
    #[cfg(feature = "cpython-abi")]
    {
        let _ = ctx;
        let obj = capsule.raw()._i as *mut sys::cpy_PyObject;
        // SAFETY: the caller's contract; in this ABI a handle is the object pointer.
        unsafe {
            match key {
                sys::HPyCapsule_key_Pointer => cpython::PyCapsule_GetPointer(obj, name),
                sys::HPyCapsule_key_Name => cpython::PyCapsule_GetName(obj).cast_mut().cast(),
                _ => cpython::PyCapsule_GetContext(obj),
            }
        }
    }
}

/// `HPyCapsule_Set(HPyCapsule_key_Context, value)`: -1 with an exception on error.
fn set_context(ctx: Context<'_>, capsule: Borrowed<'_>, value: *mut c_void) -> core::ffi::c_int {
    #[cfg(not(feature = "cpython-abi"))]
    // SAFETY: open handle; the context of a capsule is an opaque pointer to the runtime.
    return unsafe {
        sys::HPyCapsule_Set(
            ctx.as_ptr(),
            capsule.raw(),
            sys::HPyCapsule_key_Context,
            value,
        )
    };
    #[cfg(feature = "cpython-abi")]
    {
        let _ = ctx;
        // SAFETY: as above; in this ABI a handle is the object pointer.
        unsafe { cpython::PyCapsule_SetContext(capsule.raw()._i as *mut _, value) }
    }
}

/// `HPyCapsule_IsValid(capsule, name)`: a capsule (not yet destroyed) whose name is `name`.
pub(crate) fn is_valid(ctx: Context<'_>, capsule: Borrowed<'_>, name: Option<&CStr>) -> bool {
    let name = name.map_or(core::ptr::null(), CStr::as_ptr);
    // SAFETY: open handle; NULL or a NUL-terminated name. Never raises.
    unsafe { sys::HPyCapsule_IsValid(ctx.as_ptr(), capsule.raw(), name) == 1 }
}

/// The name of a capsule (`capsule` must be one: callers check `is_valid`/the type first).
pub(crate) fn name<'a>(ctx: Context<'_>, capsule: Borrowed<'a>) -> Option<&'a CStr> {
    // SAFETY: an open handle to a capsule; the name's key takes no name argument.
    let name = unsafe { get(ctx, capsule, sys::HPyCapsule_key_Name, core::ptr::null()) };
    // SAFETY: a capsule's name is NUL-terminated and lives as long as the capsule, which `'a`
    // (the handle's borrow) keeps alive.
    (!name.is_null()).then(|| unsafe { CStr::from_ptr(name.cast::<c_char>()) })
}

/// A new capsule named `name` owning `value`, or `None` with an exception set.
pub(crate) fn new<'py, T: Send + 'static>(
    ctx: Context<'py>,
    name: CString,
    value: T,
) -> Option<Handle<'py>> {
    let boxed = Box::new(CapsuleBox {
        header: Header {
            type_id: TypeId::of::<T>(),
            drop_box: drop_box::<T>,
            name,
        },
        value,
    });
    let name_ptr = boxed.header.name.as_ptr();
    let pointer = Box::into_raw(boxed);
    // SAFETY: a non-NULL pointer; the name lives in the box, which lives until the destructor
    // frees it; the destructor is a static HPy only reads (the API's `*mut` notwithstanding).
    let capsule = ctx.own(unsafe {
        sys::HPyCapsule_New(
            ctx.as_ptr(),
            pointer.cast(),
            name_ptr,
            core::ptr::addr_of!(DESTRUCTOR).cast_mut(),
        )
    });
    let Some(capsule) = capsule else {
        // No capsule, so no destructor will run: free the box here.
        // SAFETY: the box leaked above, owned by nobody else.
        unsafe { drop_box::<T>(pointer.cast()) };
        return None;
    };
    // Until the marker is set, the destructor leaves the box alone; should setting it fail,
    // the box is freed here and the capsule then destroyed without it.
    if set_context(ctx, capsule.as_borrowed(), marker()) < 0 {
        // SAFETY: the capsule's destructor will not free the box (its context is not the marker).
        unsafe { drop_box::<T>(pointer.cast()) };
        return None;
    }
    Some(capsule)
}

/// Why [`value`] gave nothing.
pub(crate) enum ValueError {
    /// Not a live capsule at all.
    NotACapsule,
    /// A capsule with another name.
    WrongName,
    /// A capsule not made by [`new`], or holding another type.
    WrongType,
}

/// The value of a capsule made by [`new`] with name `name` and type `T`, borrowed for as long
/// as the handle is (which keeps the capsule, hence the box, alive).
pub(crate) fn value<'a, T: Send + 'static>(
    ctx: Context<'_>,
    capsule: Borrowed<'a>,
    name: &CStr,
) -> Result<&'a T, ValueError> {
    // (A capsule's pointer is never NULL: HPy refuses to make one so, and only C can change it.)
    if !super::raw::type_check(ctx, capsule, ctx.constant(sys::h_CapsuleType)) {
        return Err(ValueError::NotACapsule);
    }
    if !is_valid(ctx, capsule, Some(name)) {
        return Err(ValueError::WrongName);
    }
    // SAFETY: a live capsule (checked); the context key takes no name.
    let context = unsafe { get(ctx, capsule, sys::HPyCapsule_key_Context, core::ptr::null()) };
    if context != marker() {
        return Err(ValueError::WrongType);
    }
    // SAFETY: a live capsule whose name is `name` (checked), so this cannot fail.
    let pointer = unsafe { get(ctx, capsule, sys::HPyCapsule_key_Pointer, name.as_ptr()) };
    let header = pointer.cast::<Header>();
    // SAFETY: the context is our marker, so the pointer is a box `new` made, alive while the
    // capsule is; its header is readable whatever `T` was.
    if header.is_null() || unsafe { (*header).type_id } != TypeId::of::<T>() {
        return Err(ValueError::WrongType);
    }
    // SAFETY: the box holds a `T` (same `TypeId`); only shared references to it are ever made
    // and it is freed only by the capsule's destructor, which cannot run while the handle
    // borrowed for `'a` keeps the capsule alive.
    Ok(unsafe { &(*header.cast::<CapsuleBox<T>>()).value })
}
