//! Native Rust versions of the CPython-ABI hot paths.
//!
//! In the CPython ABI an `HPy` *is* a `PyObject*`, and C HPy inlines `HPy_Dup`/`HPy_Close` to
//! `Py_INCREF`/`Py_DECREF`. Calling them through a C shim would add a call per handle, so they
//! are written here against the object header, for the Python version the build script found
//! (`hpy_py_3_12` covers 3.12 and later, whose immortal objects must not be counted). The offsets
//! come from that Python's own headers (`build/layout.rs`, which also refuses free-threaded and
//! `Py_TRACE_REFS` builds); in a debug build (`Py_DEBUG`, `hpy_py_debug`) the reference counting
//! is CPython's own `Py_IncRef`/`Py_DecRef`, which keep `sys.gettotalrefcount()` right.

include!(concat!(env!("OUT_DIR"), "/cpython_layout.rs"));

use crate::bindings::{HPy, HPyContext, HPyGlobal, HPyListBuilder};

/// Whether this Python's integer conversions (`PyLong_AsLongLong` and the others HPy's
/// `HPyLong_As*` call) fall back to `__int__`, truncating a `float` with a `DeprecationWarning`
/// where they should raise `TypeError`: CPython before 3.10 (bpo-37999).
pub const LONG_CONVERSION_CALLS_DUNDER_INT: bool = !cfg!(hpy_py_3_10);

/// The start of every `PyObject` in a release (non-`Py_TRACE_REFS`) build.
#[repr(C)]
struct ObjectHead {
    ob_refcnt: isize,
}

#[cfg(not(hpy_py_debug))]
extern "C" {
    fn _Py_Dealloc(op: *mut ObjectHead);
}

#[cfg(hpy_py_debug)]
extern "C" {
    fn Py_IncRef(op: *mut ObjectHead);
    fn Py_DecRef(op: *mut ObjectHead);
}

/// `HPy_Is`: the same object (HPy's implementation compares the pointers).
///
/// # Safety
/// Nothing is dereferenced; the signature is `unsafe` like every API function's.
#[inline(always)]
pub unsafe fn is(_ctx: *mut HPyContext, obj: HPy, other: HPy) -> core::ffi::c_int {
    (obj._i == other._i) as core::ffi::c_int
}

/// `HPyGlobal_Load`: in this ABI a global holds the `PyObject*` itself; loading it is
/// `Py_INCREF` (HPy's implementation), so the type checks of operand slots cost no call.
///
/// # Safety
/// `global` must hold a live object (HPy never stores NULL through `HPyGlobal_Store` of a
/// valid handle) and the GIL must be held.
#[inline(always)]
pub unsafe fn global_load(ctx: *mut HPyContext, global: HPyGlobal) -> HPy {
    // SAFETY: per the contract, the global is a live object.
    unsafe { dup(ctx, HPy { _i: global._i }) }
}

/// A handle as the `PyObject*` it is in this ABI (HPy's `_h2py`).
#[inline(always)]
pub fn h2py(h: HPy) -> *mut crate::bindings::cpy_PyObject {
    h._i as *mut crate::bindings::cpy_PyObject
}

/// A `PyObject*` as the handle it is in this ABI (HPy's `_py2h`).
#[inline(always)]
pub fn py2h(obj: *mut crate::bindings::cpy_PyObject) -> HPy {
    HPy { _i: obj as isize }
}

/// `HPy_Dup`: `Py_INCREF`, returning the same handle.
///
/// # Safety
/// `h` must be an open handle (a live `PyObject*`) and the GIL must be held.
#[inline(always)]
pub unsafe fn dup(_ctx: *mut HPyContext, h: HPy) -> HPy {
    let op = h._i as *mut ObjectHead;
    #[cfg(hpy_py_debug)]
    // SAFETY: the caller guarantees `op` is a live object and we hold the GIL.
    unsafe {
        Py_IncRef(op)
    }
    #[cfg(not(hpy_py_debug))]
    // SAFETY: the caller guarantees `op` is a live object and we hold the GIL.
    unsafe {
        #[cfg(hpy_py_3_12)]
        {
            // 3.12+: the low 32 bits are the count; immortal objects saturate at u32::MAX.
            let low = op.cast::<u32>();
            let next = (*low).wrapping_add(1);
            if next != 0 {
                *low = next;
            }
        }
        #[cfg(not(hpy_py_3_12))]
        {
            (*op).ob_refcnt += 1;
        }
    }
    h
}

/// `HPy_Close`: `Py_DECREF`.
///
/// # Safety
/// `h` must be an open handle that is not used again, and the GIL must be held.
#[inline(always)]
pub unsafe fn close(_ctx: *mut HPyContext, h: HPy) {
    let op = h._i as *mut ObjectHead;
    #[cfg(hpy_py_debug)]
    // SAFETY: the caller guarantees `op` is a live object it owns a reference to; we hold the GIL.
    unsafe {
        Py_DecRef(op)
    }
    #[cfg(not(hpy_py_debug))]
    // SAFETY: the caller guarantees `op` is a live object it owns a reference to; we hold the GIL.
    unsafe {
        #[cfg(hpy_py_3_12)]
        {
            if (*op.cast::<i32>()) < 0 {
                return; // immortal
            }
        }
        (*op).ob_refcnt -= 1;
        if (*op).ob_refcnt == 0 {
            _Py_Dealloc(op);
        }
    }
}

extern "C" {
    /// HPy's CPython-ABI module initialisation (`HPy_MODINIT` expands to a call of it):
    /// builds a `PyModuleDef` from `def` and returns `PyModuleDef_Init(...)`.
    pub fn _HPyModuleDef_AsPyInit(
        def: *mut crate::bindings::HPyModuleDef,
    ) -> *mut crate::bindings::cpy_PyObject;
}

extern "C" {
    fn PyType_IsSubtype(a: *mut core::ffi::c_void, b: *mut core::ffi::c_void) -> core::ffi::c_int;
}

/// `HPy_TypeCheck`: `PyObject_TypeCheck` (exact type first, then `PyType_IsSubtype`).
///
/// # Safety
/// `obj` must be an open handle and `ty` a type; the GIL must be held.
#[inline(always)]
pub unsafe fn type_check(_ctx: *mut HPyContext, obj: HPy, ty: HPy) -> core::ffi::c_int {
    // SAFETY: `obj` is a live object, with `ob_type` at OB_TYPE_OFFSET.
    let tp = unsafe { *((obj._i as usize + OB_TYPE_OFFSET) as *const *mut core::ffi::c_void) };
    if tp as isize == ty._i {
        1
    } else {
        // SAFETY: both are live type objects.
        unsafe { PyType_IsSubtype(tp, ty._i as *mut core::ffi::c_void) }
    }
}

/// `Py_TPFLAGS_LIST_SUBCLASS`.
const LIST_SUBCLASS: core::ffi::c_ulong = 1 << 25;

/// `Py_TPFLAGS_TUPLE_SUBCLASS`.
const TUPLE_SUBCLASS: core::ffi::c_ulong = 1 << 26;

/// `PyType_FastSubclass(Py_TYPE(obj), flag)`: whether a flag of the object's type is set.
///
/// # Safety
/// `obj` must be an open handle; the GIL must be held.
#[inline(always)]
unsafe fn type_flag(obj: HPy, flag: core::ffi::c_ulong) -> core::ffi::c_int {
    // SAFETY: `obj` is a live object whose `ob_type` (at OB_TYPE_OFFSET) is a live type object
    // with `tp_flags` at TP_FLAGS_OFFSET.
    let flags = unsafe {
        let tp = *((obj._i as usize + OB_TYPE_OFFSET) as *const *const u8);
        *tp.add(TP_FLAGS_OFFSET).cast::<core::ffi::c_ulong>()
    };
    (flags & flag != 0) as core::ffi::c_int
}

/// `HPyList_Check`: `PyList_Check`, a test of the type's flags (no call).
///
/// # Safety
/// `h` must be an open handle; the GIL must be held.
#[inline(always)]
pub unsafe fn list_check(_ctx: *mut HPyContext, h: HPy) -> core::ffi::c_int {
    // SAFETY: forwarded contract.
    unsafe { type_flag(h, LIST_SUBCLASS) }
}

/// `HPyTuple_Check`: `PyTuple_Check`, a test of the type's flags (no call).
///
/// # Safety
/// `h` must be an open handle; the GIL must be held.
#[inline(always)]
pub unsafe fn tuple_check(_ctx: *mut HPyContext, h: HPy) -> core::ffi::c_int {
    // SAFETY: forwarded contract.
    unsafe { type_flag(h, TUPLE_SUBCLASS) }
}

/// `_HPy_AsStruct_Object`: the user data follows the object header (`sizeof(PyObject)`).
///
/// # Safety
/// `h` must be an open handle to an instance of a pure HPy type of shape `Object`.
#[inline(always)]
pub unsafe fn as_struct_object(_ctx: *mut HPyContext, h: HPy) -> *mut core::ffi::c_void {
    (h._i as usize + OBJECT_HEADER) as *mut core::ffi::c_void
}

/// `HPyListBuilder_Set`: HPy's runtime stores a new reference with `PyList_SET_ITEM` (a macro
/// C inlines); here the same two stores, without a call per item.
///
/// # Safety
/// `builder` must come from `HPyListBuilder_New` (its list, or 0 after a failed allocation)
/// and not be built or cancelled yet, `index` must be below its length, and `h_item` must be
/// an open handle; the GIL must be held.
#[inline(always)]
pub unsafe fn list_builder_set(
    ctx: *mut HPyContext,
    builder: HPyListBuilder,
    index: isize,
    h_item: HPy,
) {
    let list = builder._lst as *mut u8;
    if list.is_null() {
        return; // the allocation failed; `HPyListBuilder_Build` reports it
    }
    // SAFETY: `list` is a live list of more than `index` items (caller's contract); its item
    // array pointer is at LIST_ITEMS_OFFSET, and the slot is ours to fill.
    unsafe {
        let items = *list.add(LIST_ITEMS_OFFSET).cast::<*mut HPy>();
        *items.offset(index) = dup(ctx, h_item);
    }
}

/// The items and length of a tuple, as `PyTuple_GET_ITEM(args, 0)` and `PyTuple_GET_SIZE`
/// compute them (offsets from the Python headers: 3.14 added `ob_hash` before the items).
///
/// # Safety
/// `tuple` must be a live tuple; the GIL must be held.
#[inline(always)]
pub unsafe fn tuple_items(tuple: *mut crate::bindings::cpy_PyObject) -> (*const HPy, isize) {
    let base = tuple as usize;
    // SAFETY: the caller passes a live tuple: its size is at OB_SIZE_OFFSET and its items start
    // at TUPLE_ITEMS_OFFSET.
    unsafe {
        (
            (base + TUPLE_ITEMS_OFFSET) as *const HPy,
            *((base + OB_SIZE_OFFSET) as *const isize),
        )
    }
}
