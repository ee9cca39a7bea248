//! Typed views of the builtin containers (`PyDict`, `PyList`, `PyTuple`, `PySet`,
//! `PyFrozenSet`, `PyType`, `PyModule`), iteration over any iterable, and the conversions of
//! `std` collections, arrays, boxes, `Cow<str>` and paths.
//! `tests/python/test_containers.py` checks each function from Python in every mode, against
//! what Python itself does.

/// Containers, iteration and collection conversions.
#[hpy::hpy_module]
mod containers {
    use std::borrow::Cow;
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    use std::path::{Path, PathBuf};

    use hpy::prelude::*;

    // ---- dict ----

    /// `d.get(key)`.
    #[hpy_function]
    fn dict_get<'py>(d: PyDict<'py>, key: Borrowed<'py>) -> PyResult<Option<Handle<'py>>> {
        d.get(key)
    }

    /// `d[key] = value`; returns `d`.
    #[hpy_function]
    fn dict_set<'py>(
        d: PyDict<'py>,
        key: Borrowed<'py>,
        value: Borrowed<'py>,
    ) -> PyResult<PyDict<'py>> {
        d.set_item(key, value)?;
        Ok(d)
    }

    /// `del d[key]`.
    #[hpy_function]
    fn dict_del<'py>(d: PyDict<'py>, key: Borrowed<'py>) -> PyResult<()> {
        d.del_item(key)
    }

    /// `key in d`, `len(d)`.
    #[hpy_function]
    fn dict_contains_len<'py>(d: PyDict<'py>, key: Borrowed<'py>) -> PyResult<(bool, usize)> {
        Ok((d.contains(key)?, d.len()?))
    }

    /// `(list(d.keys()), list(d.values()), list(d.items()))`.
    #[hpy_function]
    fn dict_views<'py>(d: PyDict<'py>) -> PyResult<(PyList<'py>, PyList<'py>, PyList<'py>)> {
        Ok((d.keys()?, d.values()?, d.items()?))
    }

    /// `d.copy()`.
    #[hpy_function]
    fn dict_copy<'py>(d: PyDict<'py>) -> PyResult<PyDict<'py>> {
        d.copy()
    }

    /// The `(key, value)` pairs, from a Rust `for` loop over `d.iter()`, calling `visit(key)`
    /// at each step (which may mutate `d`, to check the iteration notices).
    #[hpy_function]
    fn dict_pairs<'py>(
        d: PyDict<'py>,
        visit: Option<Borrowed<'py>>,
    ) -> PyResult<Vec<(Handle<'py>, Handle<'py>)>> {
        let mut pairs = Vec::new();
        for entry in d.iter()? {
            let (key, value) = entry?;
            if let Some(visit) = visit {
                visit.call((&key,))?;
            }
            pairs.push((key, value));
        }
        Ok(pairs)
    }

    /// A new dict from `(key, value)` pairs, through `PyDict::new` + `set_item`.
    #[hpy_function]
    fn dict_from_pairs(ctx: Context<'_>, pairs: Vec<(String, i64)>) -> PyResult<PyDict<'_>> {
        let d = PyDict::new(ctx)?;
        for (key, value) in pairs {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    /// `d.update(other)`; returns `d`.
    #[hpy_function]
    fn dict_update<'py>(d: PyDict<'py>, other: Borrowed<'py>) -> PyResult<PyDict<'py>> {
        d.update(other)?;
        Ok(d)
    }

    // ---- list and tuple ----

    /// `l.append(item)`; returns `l`.
    #[hpy_function]
    fn list_append<'py>(l: PyList<'py>, item: Borrowed<'py>) -> PyResult<PyList<'py>> {
        l.append(item)?;
        Ok(l)
    }

    /// `l.insert(index, item)`; returns `l`.
    #[hpy_function]
    fn list_insert<'py>(
        l: PyList<'py>,
        index: isize,
        item: Borrowed<'py>,
    ) -> PyResult<PyList<'py>> {
        l.insert(index, item)?;
        Ok(l)
    }

    /// `l[index]`.
    #[hpy_function]
    fn list_get<'py>(l: PyList<'py>, index: isize) -> PyResult<Handle<'py>> {
        l.get(index)
    }

    /// `l[index] = item`; returns `l`.
    #[hpy_function]
    fn list_set<'py>(l: PyList<'py>, index: isize, item: Borrowed<'py>) -> PyResult<PyList<'py>> {
        l.set(index, item)?;
        Ok(l)
    }

    /// A new list `[0, 1, ..., n - 1]` from `PyList::empty` + `append`.
    #[hpy_function]
    fn list_range(ctx: Context<'_>, n: u16) -> PyResult<PyList<'_>> {
        PyList::from_iter(ctx, 0..n)
    }

    /// A new tuple of the integers, built in place (`HPyTupleBuilder`).
    #[hpy_function]
    fn tuple_of(ctx: Context<'_>, values: Vec<i64>) -> PyResult<PyTuple<'_>> {
        PyTuple::from_iter(ctx, values)
    }

    /// A new tuple whose items are `str(item)` for each item; the first item that `str()`
    /// rejects aborts the build (the partial tuple is released).
    #[hpy_function]
    fn tuple_of_strs<'py>(ctx: Context<'py>, items: PyList<'py>) -> PyResult<PyTuple<'py>> {
        let items: Vec<Handle<'py>> = items.iter()?.collect::<PyResult<_>>()?;
        PyTuple::try_from_iter(ctx, items.iter().map(|item| item.str()))
    }

    /// `(t[index], len(t))`.
    #[hpy_function]
    fn tuple_get<'py>(t: PyTuple<'py>, index: isize) -> PyResult<(Handle<'py>, usize)> {
        Ok((t.get(index)?, t.len()?))
    }

    // ---- iteration ----

    /// `list(obj)` through a Rust `for` loop over `obj.iter()`.
    #[hpy_function]
    fn iterate<'py>(obj: Borrowed<'py>) -> PyResult<Vec<Handle<'py>>> {
        let mut items = Vec::new();
        for item in obj.iter()? {
            items.push(item?);
        }
        Ok(items)
    }

    /// The sum of an iterable of integers, stopping at the first error.
    #[hpy_function]
    fn sum_ints(obj: Borrowed<'_>) -> PyResult<i64> {
        obj.iter()?.try_fold(0i64, |sum, item| {
            let value: i64 = item?.extract()?;
            sum.checked_add(value).ok_or_else(|| {
                PyErr::overflow_error("sum out of range for a signed 64-bit integer")
            })
        })
    }

    /// `list(obj)` as integers, each step calling `visit(item)` (which may mutate `obj`).
    #[hpy_function]
    fn iterate_visiting<'py>(obj: Borrowed<'py>, visit: Borrowed<'py>) -> PyResult<Vec<i64>> {
        let mut items = Vec::new();
        for item in obj.iter()? {
            let item = item?;
            visit.call((&item,))?;
            items.push(item.extract()?);
        }
        Ok(items)
    }

    // ---- set and frozenset ----

    /// `set(iterable)`, then `add(extra)` and `discard(gone)`.
    #[hpy_function]
    fn set_edit<'py>(
        ctx: Context<'py>,
        iterable: Borrowed<'py>,
        extra: Borrowed<'py>,
        gone: Borrowed<'py>,
    ) -> PyResult<PySet<'py>> {
        let s = PySet::new(ctx, iterable)?;
        s.add(extra)?;
        s.discard(gone)?;
        Ok(s)
    }

    /// `(item in s, len(s))` for a set or frozenset.
    #[hpy_function]
    fn set_contains_len<'py>(s: Borrowed<'py>, item: Borrowed<'py>) -> PyResult<(bool, usize)> {
        if let Ok(set) = s.downcast::<PySet>() {
            return Ok((set.contains(item)?, set.len()?));
        }
        let frozen = s.downcast::<PyFrozenSet>()?;
        Ok((frozen.contains(item)?, frozen.len()?))
    }

    /// `frozenset(iterable)`.
    #[hpy_function]
    fn frozen<'py>(ctx: Context<'py>, iterable: Borrowed<'py>) -> PyResult<PyFrozenSet<'py>> {
        PyFrozenSet::new(ctx, iterable)
    }

    /// An empty `set`, then `clear()` of a given one; returns both.
    #[hpy_function]
    fn set_empty_and_clear<'py>(
        ctx: Context<'py>,
        s: PySet<'py>,
    ) -> PyResult<(PySet<'py>, PySet<'py>)> {
        s.clear()?;
        Ok((PySet::empty(ctx)?, s))
    }

    // ---- type and module ----

    /// `(t.__name__, issubclass(t, base))` through `PyType`.
    #[hpy_function]
    fn type_info<'py>(t: PyType<'py>, base: PyType<'py>) -> PyResult<(String, bool)> {
        Ok((t.name()?, t.is_subtype_of(&base)))
    }

    /// `type(obj)` as a `PyType`, and whether `obj` is an instance of `t`.
    #[hpy_function]
    fn type_of<'py>(obj: Borrowed<'py>, t: PyType<'py>) -> (PyType<'py>, bool) {
        (PyType::of(&obj), t.is_type_of_object(obj))
    }

    /// `(m.__name__, name in m.__dict__)`, after `m.<added> = value`.
    #[hpy_function]
    fn module_info<'py>(
        m: PyModule<'py>,
        name: &str,
        added: &str,
        value: Borrowed<'py>,
    ) -> PyResult<(String, bool)> {
        m.add(added, value)?;
        Ok((m.name()?, m.dict()?.contains(name)?))
    }

    /// `import name`, as a module view; returns its `__name__`.
    #[hpy_function]
    fn import_name(ctx: Context<'_>, name: &str) -> PyResult<String> {
        PyModule::import(ctx, name)?.name()
    }

    // ---- downcasts ----

    /// The name of the first view type `obj` downcasts to (in the order dict, list, tuple,
    /// set, frozenset, str, bytes, type, module), or raises the last `TypeError`.
    #[hpy_function]
    fn view_kind(obj: Borrowed<'_>) -> PyResult<&'static str> {
        if obj.downcast::<PyDict>().is_ok() {
            return Ok("dict");
        }
        if obj.downcast::<PyList>().is_ok() {
            return Ok("list");
        }
        if obj.downcast::<PyTuple>().is_ok() {
            return Ok("tuple");
        }
        if obj.downcast::<PySet>().is_ok() {
            return Ok("set");
        }
        if obj.downcast::<PyFrozenSet>().is_ok() {
            return Ok("frozenset");
        }
        if obj.downcast::<PyStr>().is_ok() {
            return Ok("str");
        }
        if obj.downcast::<PyBytes>().is_ok() {
            return Ok("bytes");
        }
        if obj.downcast::<PyType>().is_ok() {
            return Ok("type");
        }
        obj.downcast::<PyModule>().map(|_| "module")
    }

    /// `obj` downcast to a dict (a `TypeError` otherwise).
    #[hpy_function]
    fn as_dict(obj: Borrowed<'_>) -> PyResult<PyDict<'_>> {
        obj.downcast()
    }

    // ---- std collections, arrays, boxes, Cow, paths ----

    /// `{k: v * 2}` through a `HashMap<String, i64>`.
    #[hpy_function]
    fn hashmap_doubled(map: HashMap<String, i64>) -> PyResult<HashMap<String, i64>> {
        map.into_iter()
            .map(|(k, v)| {
                v.checked_mul(2)
                    .map(|v| (k, v))
                    .ok_or_else(|| PyErr::overflow_error("doubled value out of range"))
            })
            .collect()
    }

    /// A `BTreeMap<i64, String>` round trip: keys come back sorted.
    #[hpy_function]
    fn btreemap_sorted(map: BTreeMap<i64, String>) -> BTreeMap<i64, String> {
        map
    }

    /// A `HashSet<i64>` round trip (a set or frozenset in, a set out).
    #[hpy_function]
    fn hashset_roundtrip(set: HashSet<i64>) -> HashSet<i64> {
        set
    }

    /// A `BTreeSet<String>` as a sorted list.
    #[hpy_function]
    fn btreeset_sorted(set: BTreeSet<String>) -> Vec<String> {
        set.into_iter().collect()
    }

    /// A `BTreeSet<String>` round trip (returned as a set).
    #[hpy_function]
    fn btreeset_roundtrip(set: BTreeSet<String>) -> BTreeSet<String> {
        set
    }

    /// `[x, y, z]` reversed, through `[f64; 3]`.
    #[hpy_function]
    fn reversed3(v: [f64; 3]) -> [f64; 3] {
        [v[2], v[1], v[0]]
    }

    /// A boxed integer plus one.
    #[hpy_function]
    #[allow(clippy::boxed_local)] // what is shown is that `Box<T>` converts both ways
    fn boxed_inc(v: Box<i64>) -> PyResult<Box<i64>> {
        v.checked_add(1)
            .map(Box::new)
            .ok_or_else(|| PyErr::overflow_error("result out of range"))
    }

    /// `text`, uppercased only when it has lowercase letters (a borrowed `Cow` otherwise).
    #[hpy_function]
    fn cow_upper(text: Cow<'_, str>) -> Cow<'_, str> {
        if text.chars().any(char::is_lowercase) {
            Cow::Owned(text.to_uppercase())
        } else {
            text
        }
    }

    /// A `Vec<i64>` from any iterable (lists and tuples read directly).
    #[hpy_function]
    fn vec_of_ints(v: Vec<i64>) -> Vec<i64> {
        v
    }

    /// A path round trip through `PathBuf` (`os.fsencode` in, `os.fsdecode` out).
    #[hpy_function]
    fn path_roundtrip(p: PathBuf) -> PathBuf {
        p
    }

    /// `os.path.join(base, leaf)` through `Path::join`, and the file name.
    #[hpy_function]
    fn path_join(base: PathBuf, leaf: &str) -> (PathBuf, Option<PathBuf>) {
        let joined = base.join(leaf);
        let name = joined.file_name().map(PathBuf::from);
        (joined, name)
    }

    /// A `&Path` converted to Python.
    #[hpy_function]
    fn static_path() -> &'static Path {
        Path::new("/tmp/hpy-rs")
    }

    /// A user type whose conversion can fail: zero has no Python value here.
    pub struct NonZero(u32);

    impl<'py> IntoPy<'py> for NonZero {
        fn into_py(self, ctx: Context<'py>) -> PyResult<Handle<'py>> {
            if self.0 == 0 {
                return Err(PyErr::value_error("zero has no Python value here"));
            }
            self.0.into_py(ctx)
        }
    }

    /// Its Python type in the generated `.pyi` stub: an `int`.
    impl hpy::stub::PyTypeHint for NonZero {
        fn input_hint() -> String {
            "int".into()
        }
    }

    /// `values` as a list through `Vec<NonZero>`: a zero fails the list's conversion halfway
    /// (the half-built list is released).
    #[hpy_function]
    fn nonzero_list(values: Vec<u32>) -> Vec<NonZero> {
        values.into_iter().map(NonZero).collect()
    }

    // ---- PyObject* exchange (CPython ABI only) ----

    /// Doubles `obj` with the C API's `PyNumber_Add`, as C-API code ported step by step would:
    /// the handle goes out as a `PyObject*` and the result comes back as a handle.
    #[cfg(feature = "cpython-abi")]
    #[hpy_function]
    fn c_api_double<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        use hpy::sys::cpy_PyObject;
        extern "C" {
            fn PyNumber_Add(a: *mut cpy_PyObject, b: *mut cpy_PyObject) -> *mut cpy_PyObject;
            fn Py_DecRef(op: *mut cpy_PyObject);
        }
        let arg = obj.dup().to_py_object();
        // SAFETY: `arg` is a new reference we own; PyNumber_Add returns a new reference or
        // NULL with an exception set.
        let sum = unsafe { PyNumber_Add(arg, arg) };
        // SAFETY: we own one reference of `arg`.
        unsafe { Py_DecRef(arg) };
        // SAFETY: `sum` is NULL with an exception set, or a live object we own a reference to,
        // released right after HPy took its own.
        let result = unsafe { Handle::from_py_object(ctx, sum) };
        if !sum.is_null() {
            // SAFETY: our reference to the sum, no longer used.
            unsafe { Py_DecRef(sum) };
        }
        result
    }

    /// Whether this build can exchange `PyObject*` (the CPython ABI).
    #[hpy_function]
    fn has_c_api() -> bool {
        hpy::CPYTHON_ABI
    }
}
