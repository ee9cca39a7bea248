//! The number, integer, attribute, item and method-call functions of `AnyHandle` that have no
//! other example: in-place operators, matmul, divmod, `+x`, `~x`, index/int/float, the
//! width-matching integer conversions, masks, void pointers, attributes named by `str` objects,
//! the `_i`/`_s` item forms, `ascii`, `bytes`, `dump` and vectorcall method calls.
//! `tests/python/test_objects.py` checks each one from Python against what Python itself does.

/// hpy-rs object protocol: the rest of HPy's number, integer and object functions.
#[hpy::hpy_module]
mod objects {
    use hpy::prelude::*;

    // ---- in-place operators: each returns what `a op= b` leaves in `a` ----

    /// a += b
    #[hpy_function]
    fn inplace_add<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_add(b)
    }
    /// a -= b
    #[hpy_function]
    fn inplace_sub<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_sub(b)
    }
    /// a *= b
    #[hpy_function]
    fn inplace_mul<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_mul(b)
    }
    /// a @= b
    #[hpy_function]
    fn inplace_matmul<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_matmul(b)
    }
    /// a //= b
    #[hpy_function]
    fn inplace_floordiv<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_floordiv(b)
    }
    /// a /= b
    #[hpy_function]
    fn inplace_truediv<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_truediv(b)
    }
    /// a %= b
    #[hpy_function]
    fn inplace_mod<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_rem(b)
    }
    /// a **= b
    #[hpy_function]
    fn inplace_pow<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_pow(b)
    }
    /// a <<= b
    #[hpy_function]
    fn inplace_lshift<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_lshift(b)
    }
    /// a >>= b
    #[hpy_function]
    fn inplace_rshift<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_rshift(b)
    }
    /// a &= b
    #[hpy_function]
    fn inplace_and<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_bitand(b)
    }
    /// a ^= b
    #[hpy_function]
    fn inplace_xor<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_bitxor(b)
    }
    /// a |= b
    #[hpy_function]
    fn inplace_or<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.inplace_bitor(b)
    }

    // ---- other number operations ----

    /// a @ b
    #[hpy_function]
    fn matmul<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.matmul(b)
    }
    /// divmod(a, b)
    #[hpy_function]
    fn divmod<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.divmod(b)
    }
    /// +a
    #[hpy_function]
    fn pos<'py>(a: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.pos()
    }
    /// ~a
    #[hpy_function]
    fn invert<'py>(a: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.invert()
    }
    /// operator.index(a)
    #[hpy_function]
    fn index<'py>(a: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.index()
    }
    /// int(a)
    #[hpy_function]
    fn to_int<'py>(a: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.int()
    }
    /// float(a)
    #[hpy_function]
    fn to_float<'py>(a: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.float()
    }
    /// Whether a is a number (HPyNumber_Check).
    #[hpy_function]
    fn is_number(a: Borrowed<'_>) -> bool {
        a.is_number()
    }

    // ---- integers of every width ----

    /// Round-trip an i8 (made with HPyLong_FromInt32_t).
    #[hpy_function]
    fn echo_i8(v: i8) -> i8 {
        v
    }
    /// Round-trip an i16 (made with HPyLong_FromInt32_t).
    #[hpy_function]
    fn echo_i16(v: i16) -> i16 {
        v
    }
    /// Round-trip an i32 (HPyLong_AsInt32_t / HPyLong_FromInt32_t).
    #[hpy_function]
    fn echo_i32(v: i32) -> i32 {
        v
    }
    /// Round-trip a u8 (made with HPyLong_FromUInt32_t).
    #[hpy_function]
    fn echo_u8(v: u8) -> u8 {
        v
    }
    /// Round-trip a u16 (made with HPyLong_FromUInt32_t).
    #[hpy_function]
    fn echo_u16(v: u16) -> u16 {
        v
    }
    /// Round-trip a u32 (HPyLong_AsUInt32_t / HPyLong_FromUInt32_t).
    #[hpy_function]
    fn echo_u32(v: u32) -> u32 {
        v
    }
    /// Round-trip an isize (HPyLong_AsSsize_t / HPyLong_FromSsize_t).
    #[hpy_function]
    fn echo_isize(v: isize) -> isize {
        v
    }
    /// Round-trip a usize (HPyLong_AsSize_t / HPyLong_FromSize_t).
    #[hpy_function]
    fn echo_usize(v: usize) -> usize {
        v
    }
    /// The limits of each width, as Python ints: {name: (min, max)}.
    #[hpy_function]
    fn int_limits<'py>(ctx: Context<'py>) -> PyResult<Handle<'py>> {
        let limits = ctx.new_dict()?;
        limits.setitem("i8", (i8::MIN, i8::MAX))?;
        limits.setitem("i16", (i16::MIN, i16::MAX))?;
        limits.setitem("i32", (i32::MIN, i32::MAX))?;
        limits.setitem("u8", (u8::MIN, u8::MAX))?;
        limits.setitem("u16", (u16::MIN, u16::MAX))?;
        limits.setitem("u32", (u32::MIN, u32::MAX))?;
        limits.setitem("isize", (isize::MIN, isize::MAX))?;
        limits.setitem("usize", (usize::MIN, usize::MAX))?;
        Ok(limits)
    }
    /// The low 32 bits of an int (HPyLong_AsUInt32_tMask).
    #[hpy_function]
    fn u32_mask(v: Borrowed<'_>) -> PyResult<u32> {
        v.to_u32_mask()
    }
    /// The low 64 bits of an int (HPyLong_AsUInt64_tMask).
    #[hpy_function]
    fn u64_mask(v: Borrowed<'_>) -> PyResult<u64> {
        v.to_u64_mask()
    }
    /// An int to a pointer and back (HPyLong_AsVoidPtr, then the address as an int).
    #[hpy_function]
    fn void_ptr_round_trip<'py>(ctx: Context<'py>, v: Borrowed<'py>) -> PyResult<Handle<'py>> {
        let ptr = v.to_void_ptr()?;
        ctx.int_from_ptr(ptr)
    }
    /// The address of a Rust static, as an int, and whether it reads back as the same pointer.
    #[hpy_function]
    fn static_address<'py>(ctx: Context<'py>) -> PyResult<(Handle<'py>, bool)> {
        static MARKER: u64 = 0x5EED;
        let address = ctx.int_from_ptr(&MARKER)?;
        let back = address.to_void_ptr()?;
        Ok((address, core::ptr::eq(back.cast::<u64>(), &MARKER)))
    }
    /// An int as the nearest float (HPyLong_AsDouble).
    #[hpy_function]
    fn int_to_f64(v: Borrowed<'_>) -> PyResult<f64> {
        v.int_to_f64()
    }

    // ---- attributes named by str objects ----

    /// getattr(obj, name) via HPy_GetAttr.
    #[hpy_function]
    fn getattr_obj<'py>(obj: Borrowed<'py>, name: Borrowed<'py>) -> PyResult<Handle<'py>> {
        obj.getattr_obj(&name)
    }
    /// hasattr(obj, name) via HPy_HasAttr.
    #[hpy_function]
    fn hasattr_obj<'py>(obj: Borrowed<'py>, name: Borrowed<'py>) -> PyResult<bool> {
        obj.hasattr_obj(&name)
    }
    /// setattr(obj, name, value) via HPy_SetAttr.
    #[hpy_function]
    fn setattr_obj<'py>(
        obj: Borrowed<'py>,
        name: Borrowed<'py>,
        value: Borrowed<'py>,
    ) -> PyResult<()> {
        obj.setattr_obj(&name, value)
    }
    /// delattr(obj, name) via HPy_SetAttr with no value.
    #[hpy_function]
    fn delattr_obj<'py>(obj: Borrowed<'py>, name: Borrowed<'py>) -> PyResult<()> {
        obj.delattr_obj(&name)
    }
    /// obj.name(*args) via HPy_CallMethod: call_method_obj(obj, name, *args).
    #[hpy_function]
    fn call_method_obj<'py>(args: Args<'py>) -> PyResult<Handle<'py>> {
        if args.len() < 2 {
            return Err(PyErr::type_error(
                "call_method_obj() needs the object and the method name",
            ));
        }
        let (obj, name) = (args.get(0), args.get(1));
        let a = |i: usize| args.get(i + 2);
        match args.len() - 2 {
            0 => obj.call_method_obj(&name, ()),
            1 => obj.call_method_obj(&name, (a(0),)),
            2 => obj.call_method_obj(&name, (a(0), a(1))),
            3 => obj.call_method_obj(&name, (a(0), a(1), a(2))),
            // More than fit on the stack, receiver included.
            9 => obj.call_method_obj(
                &name,
                (a(0), a(1), a(2), a(3), a(4), a(5), a(6), a(7), a(8)),
            ),
            n => Err(PyErr::value_error(format!(
                "call_method_obj() takes 0 to 3 or 9 method arguments, got {n}"
            ))),
        }
    }
    /// The same method called twice through one name object (made once, from Rust text).
    #[hpy_function]
    fn call_twice<'py>(
        ctx: Context<'py>,
        obj: Borrowed<'py>,
        name: &str,
        arg: Borrowed<'py>,
    ) -> PyResult<(Handle<'py>, Handle<'py>)> {
        let name = ctx.to_object(name)?;
        Ok((
            obj.call_method_obj(&name, (arg,))?,
            obj.call_method_obj(&name, (arg,))?,
        ))
    }

    // ---- items by index and by str key ----

    /// obj[key] via HPy_GetItem_s.
    #[hpy_function]
    fn getitem_str<'py>(obj: Borrowed<'py>, key: &str) -> PyResult<Handle<'py>> {
        obj.getitem_str(key)
    }
    /// obj[key] = value via HPy_SetItem_s.
    #[hpy_function]
    fn setitem_str<'py>(obj: Borrowed<'py>, key: &str, value: Borrowed<'py>) -> PyResult<()> {
        obj.setitem_str(key, value)
    }
    /// del obj[key] via HPy_DelItem_s.
    #[hpy_function]
    fn delitem_str(obj: Borrowed<'_>, key: &str) -> PyResult<()> {
        obj.delitem_str(key)
    }
    /// obj[index] via HPy_GetItem_i.
    #[hpy_function]
    fn get_index<'py>(obj: Borrowed<'py>, index: isize) -> PyResult<Handle<'py>> {
        obj.get_index(index)
    }
    /// obj[index] = value via HPy_SetItem_i.
    #[hpy_function]
    fn setitem_index<'py>(obj: Borrowed<'py>, index: isize, value: Borrowed<'py>) -> PyResult<()> {
        obj.setitem_index(index, value)
    }
    /// del obj[index] via HPy_DelItem_i.
    #[hpy_function]
    fn delitem_index(obj: Borrowed<'_>, index: isize) -> PyResult<()> {
        obj.delitem_index(index)
    }

    // ---- text, bytes, dump ----

    /// ascii(obj) via HPy_ASCII.
    #[hpy_function]
    fn ascii<'py>(obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        obj.ascii()
    }
    /// obj as bytes via HPy_Bytes (PyObject_Bytes).
    #[hpy_function]
    fn to_bytes<'py>(obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        obj.bytes()
    }
    /// Writes a description of obj to stderr (_HPy_Dump).
    #[hpy_function]
    fn dump(obj: Borrowed<'_>) {
        obj.dump()
    }

    /// A new instance of ty, no __init__ run (HPyType_GenericNew).
    #[hpy_function]
    fn generic_new<'py>(ty: Borrowed<'py>) -> PyResult<Handle<'py>> {
        ty.generic_new()
    }

    // ---- a finalizer that fails ----

    /// An object whose `__del__` (`tp_finalize`) raises `ValueError`: finalizers cannot fail,
    /// so the error goes to `sys.unraisablehook` (HPyErr_WriteUnraisable), as CPython does
    /// for a Python `__del__` that raises.
    #[hpy_class]
    pub struct Grumpy {
        name: String,
    }

    #[hpy_methods]
    impl Grumpy {
        #[new]
        fn new(name: String) -> Self {
            Grumpy { name }
        }

        fn __del__(&self) -> PyResult<()> {
            Err(PyErr::value_error(format!("{} refuses to go", self.name)))
        }
    }
}
