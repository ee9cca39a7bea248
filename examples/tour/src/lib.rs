//! A tour of the safe API: every Rust ↔ Python conversion and the object protocol
//! (attributes, items, calls, comparisons, truth, type checks, imports, errors).
//! `tests/python/test_tour.py` checks each function from Python in all three modes.

/// hpy-rs API tour.
#[hpy::hpy_module]
mod tour {
    use hpy::prelude::*;

    // ---- conversions: each function returns its argument, so Python sees the round trip ----

    /// Round-trip a bool (only True/False are accepted).
    #[hpy_function]
    fn echo_bool(v: bool) -> bool {
        v
    }
    /// Round-trip an i8.
    #[hpy_function]
    fn echo_i8(v: i8) -> i8 {
        v
    }
    /// Round-trip a u8.
    #[hpy_function]
    fn echo_u8(v: u8) -> u8 {
        v
    }
    /// Round-trip an i16.
    #[hpy_function]
    fn echo_i16(v: i16) -> i16 {
        v
    }
    /// Round-trip a u16.
    #[hpy_function]
    fn echo_u16(v: u16) -> u16 {
        v
    }
    /// Round-trip an i32.
    #[hpy_function]
    fn echo_i32(v: i32) -> i32 {
        v
    }
    /// Round-trip a u32.
    #[hpy_function]
    fn echo_u32(v: u32) -> u32 {
        v
    }
    /// Round-trip an i64.
    #[hpy_function]
    fn echo_i64(v: i64) -> i64 {
        v
    }
    /// Round-trip a u64.
    #[hpy_function]
    fn echo_u64(v: u64) -> u64 {
        v
    }
    /// Round-trip an i128.
    #[hpy_function]
    fn echo_i128(v: i128) -> i128 {
        v
    }
    /// Round-trip a u128.
    #[hpy_function]
    fn echo_u128(v: u128) -> u128 {
        v
    }
    /// Round-trip an isize.
    #[hpy_function]
    fn echo_isize(v: isize) -> isize {
        v
    }
    /// Round-trip a usize.
    #[hpy_function]
    fn echo_usize(v: usize) -> usize {
        v
    }
    /// Round-trip an f64.
    #[hpy_function]
    fn echo_f64(v: f64) -> f64 {
        v
    }
    /// Round-trip an f32 (precision is reduced to 32 bits).
    #[hpy_function]
    fn echo_f32(v: f32) -> f32 {
        v
    }
    /// Round-trip a &str (borrowed from the argument, no copy).
    #[hpy_function]
    fn echo_str(v: &str) -> &str {
        v
    }
    /// Round-trip a String.
    #[hpy_function]
    fn echo_string(v: String) -> String {
        v
    }
    /// Round-trip a char (a str of length 1).
    #[hpy_function]
    fn echo_char(v: char) -> char {
        v
    }
    /// Round-trip bytes as &[u8].
    #[hpy_function]
    fn echo_bytes(v: &[u8]) -> &[u8] {
        v
    }
    /// Round-trip bytes as Vec<u8>.
    #[hpy_function]
    fn echo_byte_vec(v: Vec<u8>) -> Vec<u8> {
        v
    }
    /// Round-trip an optional integer (None ↔ None).
    #[hpy_function]
    fn echo_option(v: Option<i64>) -> Option<i64> {
        v
    }
    /// Round-trip a (int, str, float) tuple.
    #[hpy_function]
    fn echo_tuple(v: (i64, String, f64)) -> (i64, String, f64) {
        v
    }
    /// Round-trip a list of ints.
    #[hpy_function]
    fn echo_list(v: Vec<i64>) -> Vec<i64> {
        v
    }
    /// Round-trip a list of lists of strings.
    #[hpy_function]
    fn echo_nested(v: Vec<Vec<String>>) -> Vec<Vec<String>> {
        v
    }
    /// Return None (the unit type).
    #[hpy_function]
    fn unit() {}

    // ---- the object protocol ----

    /// getattr(obj, name)
    #[hpy_function]
    fn get_attr<'py>(obj: Borrowed<'py>, name: &str) -> PyResult<Handle<'py>> {
        obj.getattr(name)
    }

    /// setattr(obj, name, value); returns hasattr(obj, name) afterwards.
    #[hpy_function]
    fn set_attr<'py>(obj: Borrowed<'py>, name: &str, value: Borrowed<'py>) -> PyResult<bool> {
        obj.setattr(name, value)?;
        Ok(obj.hasattr(name))
    }

    /// delattr(obj, name)
    #[hpy_function]
    fn del_attr(obj: Borrowed<'_>, name: &str) -> PyResult<()> {
        obj.delattr(name)
    }

    /// obj[key]
    #[hpy_function]
    fn get_item<'py>(obj: Borrowed<'py>, key: Borrowed<'py>) -> PyResult<Handle<'py>> {
        obj.getitem(key)
    }

    /// obj[key] = value; then returns (len(obj), key in obj).
    #[hpy_function]
    fn set_item<'py>(
        obj: Borrowed<'py>,
        key: Borrowed<'py>,
        value: Borrowed<'py>,
    ) -> PyResult<(usize, bool)> {
        obj.setitem(key, value)?;
        Ok((obj.len()?, obj.contains(key)?))
    }

    /// del obj[key]
    #[hpy_function]
    fn del_item<'py>(obj: Borrowed<'py>, key: Borrowed<'py>) -> PyResult<()> {
        obj.delitem(key)
    }

    /// (repr(obj), str(obj))
    #[hpy_function]
    fn repr_and_str(obj: Borrowed<'_>) -> PyResult<(String, String)> {
        Ok((obj.repr()?.extract()?, obj.str()?.extract()?))
    }

    /// [a < b, a <= b, a == b, a != b, a > b, a >= b]
    #[hpy_function]
    fn compare_all<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Vec<bool>> {
        [
            CompareOp::Lt,
            CompareOp::Le,
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Gt,
            CompareOp::Ge,
        ]
        .into_iter()
        .map(|op| a.compare_bool(b, op))
        .collect()
    }

    /// a < b as a Python object (whatever __lt__ returns).
    #[hpy_function]
    fn less_than<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Handle<'py>> {
        a.compare(b, CompareOp::Lt)
    }

    /// bool(obj)
    #[hpy_function]
    fn truth(obj: Borrowed<'_>) -> PyResult<bool> {
        obj.is_true()
    }

    /// hash(obj)
    #[hpy_function]
    fn hash_of(obj: Borrowed<'_>) -> PyResult<isize> {
        obj.hash()
    }

    /// The names of the builtin types obj is an instance of, plus whether it is None/callable.
    #[hpy_function]
    fn kinds(obj: Borrowed<'_>) -> Vec<&'static str> {
        let mut kinds: Vec<&'static str> = [
            (BuiltinType::Int, "int"),
            (BuiltinType::Float, "float"),
            (BuiltinType::Str, "str"),
            (BuiltinType::Bytes, "bytes"),
            (BuiltinType::List, "list"),
            (BuiltinType::Tuple, "tuple"),
            (BuiltinType::Bool, "bool"),
        ]
        .into_iter()
        .filter(|(ty, _)| obj.is_instance_of(*ty))
        .map(|(_, name)| name)
        .collect();
        if obj.is_none() {
            kinds.push("None");
        }
        if obj.is_callable() {
            kinds.push("callable");
        }
        kinds
    }

    /// isinstance(obj, ty)
    #[hpy_function]
    fn is_instance<'py>(obj: Borrowed<'py>, ty: Borrowed<'py>) -> PyResult<bool> {
        obj.is_instance(&ty)
    }

    /// a is b
    #[hpy_function]
    fn same<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> bool {
        a.is(&b)
    }

    /// type(obj).__name__, computed in Rust.
    #[hpy_function]
    fn type_name(obj: Borrowed<'_>) -> String {
        obj.type_name()
    }

    /// import module; return getattr(module, attr)
    #[hpy_function]
    fn import_attr<'py>(ctx: Context<'py>, module: &str, attr: &str) -> PyResult<Handle<'py>> {
        ctx.import(module)?.getattr(attr)
    }

    /// f(*args, **kwargs) from Rust: call f(1, "two", key=3.0).
    #[hpy_function]
    fn call_123<'py>(f: Borrowed<'py>) -> PyResult<Handle<'py>> {
        f.call_with_kwargs((1i64, "two"), [("key", 3.0f64)])
    }

    /// obj.method(arg)
    #[hpy_function]
    fn call_method<'py>(
        obj: Borrowed<'py>,
        method: &str,
        arg: Borrowed<'py>,
    ) -> PyResult<Handle<'py>> {
        obj.call_method(method, (arg,))
    }

    /// (a + b, a - b, a * b, a / b, a // b, a % b, a ** b, -a, abs(a))
    #[hpy_function]
    fn arithmetic<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Vec<Handle<'py>>> {
        Ok(vec![
            a.add(b)?,
            a.sub(b)?,
            a.mul(b)?,
            a.truediv(b)?,
            a.floordiv(b)?,
            a.rem(b)?,
            a.pow(b)?,
            a.neg()?,
            a.abs()?,
        ])
    }

    /// (a & b, a | b, a ^ b, a << b, a >> b)
    #[hpy_function]
    fn bitwise<'py>(a: Borrowed<'py>, b: Borrowed<'py>) -> PyResult<Vec<Handle<'py>>> {
        Ok(vec![
            a.bitand(b)?,
            a.bitor(b)?,
            a.bitxor(b)?,
            a.lshift(b)?,
            a.rshift(b)?,
        ])
    }

    /// A dict built in Rust: {"one": 1, "two": [2, 2]}.
    #[hpy_function]
    fn make_dict<'py>(ctx: Context<'py>) -> PyResult<Handle<'py>> {
        let dict = ctx.new_dict()?;
        dict.setitem("one", 1i64)?;
        dict.setitem("two", vec![2i64, 2])?;
        Ok(dict)
    }

    // ---- errors ----

    /// Raise the builtin exception named `kind` with `message`.
    #[hpy_function]
    fn raise_kind(kind: &str, message: String) -> PyResult<()> {
        let kind = match kind {
            "KeyError" => ExceptionKind::KeyError,
            "IndexError" => ExceptionKind::IndexError,
            "RuntimeError" => ExceptionKind::RuntimeError,
            "UserWarning" => ExceptionKind::UserWarning,
            _ => ExceptionKind::ValueError,
        };
        Err(PyErr::new(kind, message))
    }

    /// Raise an exception object given by Python (`raise exc`).
    #[hpy_function]
    fn raise_object<'py>(ctx: Context<'py>, exc: Borrowed<'py>) -> PyResult<()> {
        Err(PyErr::raise_object(ctx, exc))
    }

    /// rendezvous(parties, timeout) -> bool: waits with the interpreter released until
    /// `parties` calls are inside at once (True), or for `timeout` seconds (False). Two Python
    /// threads calling `rendezvous(2, t)` both get True only if they really run at once.
    #[hpy_function]
    fn rendezvous(ctx: Context<'_>, parties: usize, timeout: f64) -> PyResult<bool> {
        use std::sync::{Condvar, Mutex, PoisonError};
        use std::time::{Duration, Instant};
        // (generation, calls waiting in it)
        static STATE: Mutex<(u64, usize)> = Mutex::new((0, 0));
        static ALL_ARRIVED: Condvar = Condvar::new();
        let timeout = Duration::try_from_secs_f64(timeout)
            .map_err(|_| PyErr::value_error("timeout must be a non-negative number of seconds"))?;
        Ok(ctx.allow_threads(move || {
            let mut state = STATE.lock().unwrap_or_else(PoisonError::into_inner);
            let generation = state.0;
            state.1 += 1;
            if state.1 >= parties {
                *state = (generation + 1, 0);
                ALL_ARRIVED.notify_all();
                return true;
            }
            let deadline = Instant::now() + timeout;
            while state.0 == generation {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    state.1 -= 1;
                    return false;
                }
                state = ALL_ARRIVED
                    .wait_timeout(state, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            true
        }))
    }

    /// Panics with the interpreter released: the panic still becomes a `SystemError`, after
    /// the interpreter is taken back.
    #[hpy_function]
    fn panic_without_the_interpreter(ctx: Context<'_>) {
        ctx.allow_threads(|| panic!("released"));
    }

    // ANCHOR: escape
    /// ascii(obj) through the escape hatch: a raw `hpy::sys` call the safe API does not wrap.
    #[hpy_function]
    fn ascii_raw<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        // SAFETY: this call's context and one of its handles, on its thread; `HPy_ASCII`
        // returns a new handle, or HPy_NULL with an exception set.
        unsafe {
            let raw = hpy::sys::HPy_ASCII(ctx.as_raw(), obj.as_raw());
            Handle::from_raw_result(ctx, raw)
        }
    }

    /// The raw handle of an owned result, handed back and taken again: `obj` unchanged.
    #[hpy_function]
    fn raw_round_trip<'py>(obj: Borrowed<'py>) -> Handle<'py> {
        let ctx = obj.context();
        let owned = obj.dup().into_raw();
        // SAFETY: `owned` is the open handle `dup` made, whose ownership `into_raw` gave up.
        unsafe { Handle::from_raw(ctx, owned) }
    }
    // ANCHOR_END: escape

    /// Raise `exc_type(message)` for any exception class.
    #[hpy_function]
    fn raise_type<'py>(ctx: Context<'py>, exc_type: Borrowed<'py>, message: &str) -> PyResult<()> {
        Err(PyErr::raise_type(ctx, exc_type, message))
    }

    /// getattr(obj, name, default): a failed lookup is caught in Rust and cleared.
    #[hpy_function]
    fn getattr_or<'py>(
        ctx: Context<'py>,
        obj: Borrowed<'py>,
        name: &str,
        default: Borrowed<'py>,
    ) -> PyResult<Handle<'py>> {
        match obj.getattr(name) {
            Ok(value) => Ok(value),
            Err(err) if err.matches(ctx, ExceptionKind::AttributeError) => {
                err.clear(ctx);
                Ok(default.dup())
            }
            Err(err) => Err(err),
        }
    }

    /// A bug the binding catches: dropping a raised exception without handling it.
    #[hpy_function]
    fn swallow_error<'py>(obj: Borrowed<'py>) -> i64 {
        let _ = obj.getattr("missing attribute");
        1
    }
}
