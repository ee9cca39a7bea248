//! HPy's microbenchmark module (`microbench`, `hpy/microbench` in the HPy repository) in
//! hpy-rs: the same Python API, kept as small as the C original so that the per-call cost of
//! each function, method and slot can be compared with C HPy's.
//!
//! Every function and method does as little as its C counterpart: the methods of `Foo` that do
//! not need the struct take the object as `slf: Borrowed<'py>`, which neither type-checks nor
//! borrows it, exactly like a C `HPy self`.

// ANCHOR: module
/// HPy microbenchmarks, in Rust.
#[hpy::hpy_module]
mod microbench {
    use hpy::prelude::*;
    use std::collections::{HashMap, HashSet};
    // ANCHOR_END: module

    // ANCHOR: conventions
    /// noargs() -> None (NOARGS)
    #[hpy_function]
    fn noargs() {}

    /// onearg(x) -> None (O)
    #[hpy_function]
    fn onearg(_x: Borrowed<'_>) {}

    /// varargs(*args) -> None (VARARGS)
    #[hpy_function]
    fn varargs(_args: Args<'_>) {}
    // ANCHOR_END: conventions

    // ANCHOR: call_with_tuple
    /// call_with_tuple(f, args) -> f(*args)
    #[hpy_function]
    fn call_with_tuple<'py>(f: Borrowed<'py>, args: Borrowed<'py>) -> PyResult<Handle<'py>> {
        f.call_tuple_dict(&args, None::<&Borrowed<'py>>)
    }
    // ANCHOR_END: call_with_tuple

    /// call_with_tuple_and_dict(f, args, kw) -> f(*args, **kw)
    #[hpy_function]
    fn call_with_tuple_and_dict<'py>(
        f: Borrowed<'py>,
        args: Borrowed<'py>,
        kw: Borrowed<'py>,
    ) -> PyResult<Handle<'py>> {
        f.call_tuple_dict(&args, Some(&kw))
    }

    /// allocate_int() -> 2048 (a new int object)
    #[hpy_function]
    fn allocate_int() -> i64 {
        2048
    }

    // ANCHOR: allocate_tuple
    /// allocate_tuple() -> (2048, 2049)
    #[hpy_function]
    fn allocate_tuple() -> (i64, i64) {
        (2048, 2049)
    }
    // ANCHOR_END: allocate_tuple

    // ---- dicts, sets and the interpreter lock: the library's views and conversions, not
    // HPy's microbench (see bench/README.md for what each reference variant does)

    // ANCHOR: sum_dict_values
    /// sum_dict_values(d) -> the sum of the (int) values of the dict `d`
    #[hpy_function]
    fn sum_dict_values(d: PyDict<'_>) -> PyResult<i64> {
        let mut sum = 0i64;
        for entry in d.iter()? {
            let (_key, value) = entry?;
            sum = sum.wrapping_add(value.extract::<i64>()?);
        }
        Ok(sum)
    }
    // ANCHOR_END: sum_dict_values

    /// dict_len_via_map(d) -> len(d), after converting `d` (str keys, int values) to a map
    #[hpy_function]
    fn dict_len_via_map(d: HashMap<String, i64>) -> usize {
        d.len()
    }

    // ANCHOR: make_dict
    /// make_dict(n) -> {str(i): i for i in range(n)}, converted from a map
    #[hpy_function]
    fn make_dict(n: u16) -> HashMap<String, i64> {
        (0..i64::from(n)).map(|i| (i.to_string(), i)).collect()
    }
    // ANCHOR_END: make_dict

    /// set_len_via_hashset(s) -> len(s), after converting the set `s` of ints to a set in Rust
    #[hpy_function]
    fn set_len_via_hashset(s: HashSet<i64>) -> usize {
        s.len()
    }

    // ANCHOR: release_gil
    /// release_gil() -> None, after releasing and taking back the interpreter lock
    #[hpy_function]
    fn release_gil(ctx: Context<'_>) {
        ctx.allow_threads(|| ());
    }
    // ANCHOR_END: release_gil

    // ANCHOR: keywords
    /// kw_defaults(a, b=1, c=2) -> a + b + c
    #[hpy_function(signature = (a, b = 1, c = 2))]
    fn kw_defaults(a: i64, b: i64, c: i64) -> i64 {
        a.wrapping_add(b).wrapping_add(c)
    }

    /// kw_only(a, *, b=1, c=2) -> a + b + c
    #[hpy_function(signature = (a, *, b = 1, c = 2))]
    fn kw_only(a: i64, b: i64, c: i64) -> i64 {
        a.wrapping_add(b).wrapping_add(c)
    }
    // ANCHOR_END: keywords

    // ANCHOR: kw_extra
    /// kw_extra(a, /, **kwargs) -> a + len(kwargs)
    #[hpy_function(signature = (a, /, **kwargs))]
    fn kw_extra(a: i64, kwargs: Option<PyDict<'_>>) -> PyResult<i64> {
        let extra = match kwargs {
            Some(kwargs) => kwargs.len()? as i64,
            None => 0,
        };
        Ok(a.wrapping_add(extra))
    }
    // ANCHOR_END: kw_extra

    // ANCHOR: exec
    /// Module set-up: the `HTFoo` alias.
    #[hpy_exec]
    fn setup<'py>(_ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> {
        // C HPy's microbench has a static `Foo` and a heap type `HTFoo` for the CPython
        // comparison; with HPy both are the same heap type.
        module.setattr("HTFoo", module.getattr("Foo")?)
    }
    // ANCHOR_END: exec

    // ANCHOR: foo_struct
    /// A small object with two C longs, like the C version's `FooObject`.
    #[hpy_class(frozen)]
    pub struct Foo {
        #[hpy(member)]
        x: i64,
        #[hpy(member)]
        y: i64,
    }
    // ANCHOR_END: foo_struct

    // ANCHOR: foo_impl
    #[hpy_methods]
    impl Foo {
        // ANCHOR: foo_new
        /// Foo() -> a new Foo
        #[new]
        fn new() -> Self {
            Foo { x: 0, y: 0 }
        }
        // ANCHOR_END: foo_new

        // ANCHOR: foo_methods
        /// noargs() -> None (NOARGS method)
        fn noargs(_slf: Borrowed<'_>) {}

        /// onearg(x) -> None (O method)
        fn onearg(_slf: Borrowed<'_>, _x: Borrowed<'_>) {}

        /// varargs(*args) -> None (VARARGS method)
        fn varargs(_slf: Borrowed<'_>, _args: Args<'_>) {}
        // ANCHOR_END: foo_methods

        /// allocate_int() -> 2048
        fn allocate_int(_slf: Borrowed<'_>) -> i64 {
            2048
        }

        /// allocate_tuple() -> (2048, 2049)
        fn allocate_tuple(_slf: Borrowed<'_>) -> (i64, i64) {
            (2048, 2049)
        }

        // ANCHOR: foo_slots
        /// len(foo) -> 42 (`sq_length`)
        #[hpy(slot = sq_length)]
        fn length(_slf: Borrowed<'_>) -> usize {
            42
        }

        /// foo[i] -> None for every integer i (`mp_subscript`: the slot CPython tries first,
        /// reached with less work than `sq_item`; PyO3's `__getitem__` uses it too)
        fn __getitem__(_slf: Borrowed<'_>, _index: isize) {}
        // ANCHOR_END: foo_slots
    }
    // ANCHOR_END: foo_impl
}
