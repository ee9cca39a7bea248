//! PyO3 benchmark reference for hpy-rs: the same Python API as `examples/microbench` (HPy's
//! microbenchmark module), written the usual PyO3 way, to compare per-call costs. As in the C
//! original, the functions and methods take positional arguments only.

// ANCHOR: module
/// HPy microbenchmarks, in Rust with PyO3.
#[pyo3::pymodule]
mod microbench_pyo3 {
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyNone, PyTuple};
    use std::collections::{HashMap, HashSet};
    // ANCHOR_END: module

    // ANCHOR: conventions
    /// noargs() -> None
    #[pyfunction]
    fn noargs() {}

    /// onearg(x) -> None
    #[pyfunction]
    #[pyo3(signature = (_x, /))]
    fn onearg(_x: &Bound<'_, PyAny>) {}

    /// varargs(*args) -> None
    #[pyfunction]
    #[pyo3(signature = (*_args))]
    fn varargs(_args: &Bound<'_, PyTuple>) {}
    // ANCHOR_END: conventions

    // ANCHOR: call_with_tuple
    /// call_with_tuple(f, args) -> f(*args)
    #[pyfunction]
    #[pyo3(signature = (f, args, /))]
    fn call_with_tuple<'py>(
        f: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        f.call(args, None)
    }
    // ANCHOR_END: call_with_tuple

    /// call_with_tuple_and_dict(f, args, kw) -> f(*args, **kw)
    #[pyfunction]
    #[pyo3(signature = (f, args, kw, /))]
    fn call_with_tuple_and_dict<'py>(
        f: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
        kw: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        f.call(args, Some(kw))
    }

    /// allocate_int() -> 2048 (a new int object)
    #[pyfunction]
    fn allocate_int() -> i64 {
        2048
    }

    /// allocate_tuple() -> (2048, 2049)
    #[pyfunction]
    fn allocate_tuple() -> (i64, i64) {
        (2048, 2049)
    }

    // ANCHOR: sum_dict_values
    /// sum_dict_values(d) -> the sum of the (int) values of the dict `d`
    #[pyfunction]
    #[pyo3(signature = (d, /))]
    fn sum_dict_values(d: &Bound<'_, PyDict>) -> PyResult<i64> {
        let mut sum = 0i64;
        for (_key, value) in d.iter() {
            sum = sum.wrapping_add(value.extract::<i64>()?);
        }
        Ok(sum)
    }
    // ANCHOR_END: sum_dict_values

    /// dict_len_via_map(d) -> len(d), after converting `d` (str keys, int values) to a map
    #[pyfunction]
    #[pyo3(signature = (d, /))]
    fn dict_len_via_map(d: HashMap<String, i64>) -> usize {
        d.len()
    }

    /// make_dict(n) -> {str(i): i for i in range(n)}, converted from a map
    #[pyfunction]
    #[pyo3(signature = (n, /))]
    fn make_dict(n: u16) -> HashMap<String, i64> {
        (0..i64::from(n)).map(|i| (i.to_string(), i)).collect()
    }

    /// set_len_via_hashset(s) -> len(s), after converting the set `s` of ints to a set in Rust
    #[pyfunction]
    #[pyo3(signature = (s, /))]
    fn set_len_via_hashset(s: HashSet<i64>) -> usize {
        s.len()
    }

    // ANCHOR: release_gil
    /// release_gil() -> None, after releasing and taking back the interpreter lock
    #[pyfunction]
    fn release_gil(py: Python<'_>) {
        py.detach(|| ());
    }
    // ANCHOR_END: release_gil

    // ANCHOR: keywords
    /// kw_defaults(a, b=1, c=2) -> a + b + c
    #[pyfunction]
    #[pyo3(signature = (a, b = 1, c = 2))]
    fn kw_defaults(a: i64, b: i64, c: i64) -> i64 {
        a.wrapping_add(b).wrapping_add(c)
    }

    /// kw_only(a, *, b=1, c=2) -> a + b + c
    #[pyfunction]
    #[pyo3(signature = (a, *, b = 1, c = 2))]
    fn kw_only(a: i64, b: i64, c: i64) -> i64 {
        a.wrapping_add(b).wrapping_add(c)
    }
    // ANCHOR_END: keywords

    // ANCHOR: kw_extra
    /// kw_extra(a, /, **kwargs) -> a + len(kwargs)
    #[pyfunction]
    #[pyo3(signature = (a, /, **kwargs))]
    fn kw_extra(a: i64, kwargs: Option<&Bound<'_, PyDict>>) -> i64 {
        a.wrapping_add(kwargs.map_or(0, |d| d.len() as i64))
    }
    // ANCHOR_END: kw_extra

    // ANCHOR: foo_struct
    /// A small object with two integers, like the C version's `FooObject`.
    #[pyclass(frozen, sequence)]
    struct Foo {
        #[pyo3(get)]
        x: i64,
        #[pyo3(get)]
        y: i64,
    }
    // ANCHOR_END: foo_struct

    // ANCHOR: foo_impl
    #[pymethods]
    impl Foo {
        // ANCHOR: foo_new
        /// Foo() -> a new Foo
        #[new]
        fn new() -> Self {
            Foo { x: 0, y: 0 }
        }
        // ANCHOR_END: foo_new

        // ANCHOR: foo_methods
        /// noargs() -> None
        fn noargs(&self) {}

        /// onearg(x) -> None
        #[pyo3(signature = (_x, /))]
        fn onearg(&self, _x: &Bound<'_, PyAny>) {}

        /// varargs(*args) -> None
        #[pyo3(signature = (*_args))]
        fn varargs(&self, _args: &Bound<'_, PyTuple>) {}
        // ANCHOR_END: foo_methods

        /// allocate_int() -> 2048
        fn allocate_int(&self) -> i64 {
            2048
        }

        /// allocate_tuple() -> (2048, 2049)
        fn allocate_tuple(&self) -> (i64, i64) {
            (2048, 2049)
        }

        // ANCHOR: foo_slots
        /// len(foo) -> 42
        fn __len__(&self) -> usize {
            42
        }

        /// foo[i] -> None (the index is ignored, like in the C version)
        fn __getitem__<'py>(&self, py: Python<'py>, _index: isize) -> Borrowed<'py, 'py, PyNone> {
            PyNone::get(py)
        }
        // ANCHOR_END: foo_slots
    }
    // ANCHOR_END: foo_impl

    // ANCHOR: init
    /// Module set-up: the `HTFoo` alias (the same type object as `Foo`).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("HTFoo", m.py().get_type::<Foo>())
    }
    // ANCHOR_END: init
}
