//! Every one of HPy 0.9's 58 type slots bound from Rust, each dispatch checked from Python by
//! `tests/python/test_slots.py` (in the CPython ABI, universal mode and debug mode).
//!
//! The slots are spread over a few small classes so that none masks another (a type with
//! `mp_subscript` never reaches `sq_item`, one with `nb_add` never reaches `sq_concat`):
//!
//! * `Num`: every `nb_*` slot (binary with reflected forms, in-place, power, unary,
//!   conversions, `nb_bool`). Each operation returns or records a recognisable value, e.g.
//!   `Num(7) + 5 == ("add", 7, 5)` and `5 + Num(7) == ("radd", 7, 5)`.
//! * `Seq`: the `sq_*` slots, bound with `#[hpy(slot = sq_...)]`, and no `mp_*` slot, so
//!   `s[i]`, `s[i] = v`, `del s[i]`, `s + t`, `s * 3`, `s += t`, `s *= 2`, `x in s` and
//!   `len(s)` can only reach the sequence slots; plus the six comparison dunders merged into
//!   `tp_richcompare`.
//! * `Map`: `mp_subscript`, `mp_length`, `mp_ass_subscript` bound by slot name.
//! * `Misc`: `tp_repr`, `tp_str`, `tp_hash`, `tp_call`, `tp_richcompare` (`__richcmp__`),
//!   `tp_new`, `tp_init`, `tp_finalize`, `tp_destroy` (a `Drop` impl), `tp_traverse` (from an
//!   `HPyField`), `bf_getbuffer` and a user `bf_releasebuffer`.

use std::sync::atomic::AtomicUsize;

/// How many times `Misc`'s `tp_new` ran.
static MISC_NEW: AtomicUsize = AtomicUsize::new(0);
/// How many times `Misc.__del__` (`tp_finalize`) ran.
static MISC_FINALIZED: AtomicUsize = AtomicUsize::new(0);
/// How many `Misc` structs were dropped (`tp_destroy`).
static MISC_DROPPED: AtomicUsize = AtomicUsize::new(0);

/// The classes, one per slot family.
#[hpy::hpy_module]
mod slots {
    use core::cell::Cell;
    use std::collections::BTreeMap;
    use std::sync::atomic::Ordering;

    use hpy::prelude::*;

    use super::{MISC_DROPPED, MISC_FINALIZED, MISC_NEW};

    /// What a binary operator slot of `Num` returns: (operation, self's value, other operand).
    type Op = (&'static str, i64, i64);

    // ---- Num: all the number slots ---------------------------------------------------------

    /// An integer whose number slots report which slot ran: binary operators return
    /// `(name, self.value, other)`, unary ones `(name, self.value)`, in-place ones record
    /// `(name, other)` in `last` and return self.
    #[hpy_class]
    pub struct Num {
        value: i64,
        last: Option<(&'static str, i64)>,
    }

    impl Num {
        fn op(&self, name: &'static str, other: i64) -> Op {
            (name, self.value, other)
        }

        fn record(&mut self, name: &'static str, other: i64) {
            self.last = Some((name, other));
        }
    }

    #[hpy_methods]
    impl Num {
        #[new]
        fn new(value: i64) -> Self {
            Num { value, last: None }
        }

        /// The value given to the constructor.
        #[getter]
        fn value(&self) -> i64 {
            self.value
        }

        /// `(name, other)` of the last in-place operation, or None.
        #[getter]
        fn last(&self) -> Option<(&'static str, i64)> {
            self.last
        }

        // -- binary operators and their reflected forms (nb_add ... nb_matrix_multiply) --

        fn __add__(&self, other: i64) -> Op {
            self.op("add", other)
        }
        fn __radd__(&self, other: i64) -> Op {
            self.op("radd", other)
        }
        fn __sub__(&self, other: i64) -> Op {
            self.op("sub", other)
        }
        fn __rsub__(&self, other: i64) -> Op {
            self.op("rsub", other)
        }
        fn __mul__(&self, other: i64) -> Op {
            self.op("mul", other)
        }
        fn __rmul__(&self, other: i64) -> Op {
            self.op("rmul", other)
        }
        fn __mod__(&self, other: i64) -> Op {
            self.op("mod", other)
        }
        fn __rmod__(&self, other: i64) -> Op {
            self.op("rmod", other)
        }
        fn __divmod__(&self, other: i64) -> Op {
            self.op("divmod", other)
        }
        fn __rdivmod__(&self, other: i64) -> Op {
            self.op("rdivmod", other)
        }
        fn __lshift__(&self, other: i64) -> Op {
            self.op("lshift", other)
        }
        fn __rlshift__(&self, other: i64) -> Op {
            self.op("rlshift", other)
        }
        fn __rshift__(&self, other: i64) -> Op {
            self.op("rshift", other)
        }
        fn __rrshift__(&self, other: i64) -> Op {
            self.op("rrshift", other)
        }
        fn __and__(&self, other: i64) -> Op {
            self.op("and", other)
        }
        fn __rand__(&self, other: i64) -> Op {
            self.op("rand", other)
        }
        fn __xor__(&self, other: i64) -> Op {
            self.op("xor", other)
        }
        fn __rxor__(&self, other: i64) -> Op {
            self.op("rxor", other)
        }
        fn __or__(&self, other: i64) -> Op {
            self.op("or", other)
        }
        fn __ror__(&self, other: i64) -> Op {
            self.op("ror", other)
        }
        fn __floordiv__(&self, other: i64) -> Op {
            self.op("floordiv", other)
        }
        fn __rfloordiv__(&self, other: i64) -> Op {
            self.op("rfloordiv", other)
        }
        fn __truediv__(&self, other: i64) -> Op {
            self.op("truediv", other)
        }
        fn __rtruediv__(&self, other: i64) -> Op {
            self.op("rtruediv", other)
        }
        fn __matmul__(&self, other: i64) -> Op {
            self.op("matmul", other)
        }
        fn __rmatmul__(&self, other: i64) -> Op {
            self.op("rmatmul", other)
        }

        // -- nb_power: forward and reflected, with the optional modulo --

        fn __pow__(
            &self,
            other: i64,
            modulo: Option<i64>,
        ) -> (&'static str, i64, i64, Option<i64>) {
            ("pow", self.value, other, modulo)
        }
        fn __rpow__(
            &self,
            other: i64,
            modulo: Option<i64>,
        ) -> (&'static str, i64, i64, Option<i64>) {
            ("rpow", self.value, other, modulo)
        }

        // -- in-place operators: `-> ()` returns self (all but `@=`) --

        fn __iadd__(&mut self, other: i64) {
            self.record("iadd", other);
        }
        fn __isub__(&mut self, other: i64) {
            self.record("isub", other);
        }
        fn __imul__(&mut self, other: i64) {
            self.record("imul", other);
        }
        fn __imod__(&mut self, other: i64) {
            self.record("imod", other);
        }
        fn __ipow__(&mut self, other: i64, _modulo: Option<i64>) {
            self.record("ipow", other);
        }
        fn __ilshift__(&mut self, other: i64) {
            self.record("ilshift", other);
        }
        fn __irshift__(&mut self, other: i64) {
            self.record("irshift", other);
        }
        fn __iand__(&mut self, other: i64) {
            self.record("iand", other);
        }
        fn __ixor__(&mut self, other: i64) {
            self.record("ixor", other);
        }
        fn __ior__(&mut self, other: i64) {
            self.record("ior", other);
        }
        fn __ifloordiv__(&mut self, other: i64) {
            self.record("ifloordiv", other);
        }
        fn __itruediv__(&mut self, other: i64) {
            self.record("itruediv", other);
        }
        /// An in-place operator returning a value instead of self.
        fn __imatmul__(&self, other: i64) -> Op {
            self.op("imatmul", other)
        }

        // -- unary operators and conversions --

        fn __neg__(&self) -> (&'static str, i64) {
            ("neg", self.value)
        }
        fn __pos__(&self) -> (&'static str, i64) {
            ("pos", self.value)
        }
        fn __abs__(&self) -> (&'static str, i64) {
            ("abs", self.value)
        }
        fn __invert__(&self) -> (&'static str, i64) {
            ("invert", self.value)
        }
        fn __bool__(&self) -> bool {
            self.value != 0
        }
        fn __int__(&self) -> i64 {
            self.value + 1000
        }
        fn __float__(&self) -> f64 {
            self.value as f64 + 0.5
        }
        fn __index__(&self) -> i64 {
            self.value
        }
    }

    // ---- Seq: the sequence slots, bound by slot name ------------------------------------------

    /// A list of ints with the `sq_*` slots only (no mapping slots), recording the last slot
    /// that ran in `last`.
    #[hpy_class]
    pub struct Seq {
        items: Vec<i64>,
        last: Cell<&'static str>,
    }

    impl Seq {
        fn with(items: Vec<i64>, last: &'static str) -> Self {
            Seq {
                items,
                last: Cell::new(last),
            }
        }

        fn position(&self, index: isize) -> PyResult<usize> {
            usize::try_from(index)
                .ok()
                .filter(|&i| i < self.items.len())
                .ok_or_else(|| PyErr::index_error("Seq index out of range"))
        }
    }

    #[hpy_methods]
    impl Seq {
        #[new]
        fn new(items: Vec<i64>) -> Self {
            Seq::with(items, "")
        }

        /// tolist() -> the items
        fn tolist(&self) -> Vec<i64> {
            self.items.clone()
        }

        /// The name of the last sequence slot that ran on this object.
        #[getter]
        fn last(&self) -> &'static str {
            self.last.get()
        }

        #[hpy(slot = sq_length)]
        fn length(&self) -> usize {
            self.last.set("length");
            self.items.len()
        }

        #[hpy(slot = sq_item)]
        fn item(&self, index: isize) -> PyResult<i64> {
            self.last.set("item");
            Ok(self.items[self.position(index)?])
        }

        #[hpy(slot = sq_ass_item)]
        fn ass_item(&mut self, index: isize, value: Option<Borrowed<'_>>) -> PyResult<()> {
            let position = self.position(index)?;
            match value {
                Some(value) => {
                    self.items[position] = value.extract()?;
                    self.last.set("ass_item");
                }
                None => {
                    self.items.remove(position);
                    self.last.set("del_item");
                }
            }
            Ok(())
        }

        #[hpy(slot = sq_contains)]
        fn contains(&self, item: i64) -> bool {
            self.last.set("contains");
            self.items.contains(&item)
        }

        #[hpy(slot = sq_concat)]
        fn concat(&self, other: PyRef<'_, '_, Seq>) -> Seq {
            let items = self.items.iter().chain(&other.items).copied().collect();
            Seq::with(items, "concat")
        }

        #[hpy(slot = sq_repeat)]
        fn repeat(&self, count: isize) -> PyResult<Seq> {
            let count = usize::try_from(count).unwrap_or(0);
            Ok(Seq::with(hpy::try_repeat(&self.items, count)?, "repeat"))
        }

        /// `s += t`: extends `s` and returns it (`other` is copied before `s` is borrowed
        /// mutably, so `s += s` works).
        #[hpy(slot = sq_inplace_concat)]
        fn inplace_concat<'py>(
            slf: Borrowed<'py>,
            other: Borrowed<'py>,
        ) -> PyResult<Borrowed<'py>> {
            let extra = other.borrow::<Seq>()?.items.clone();
            let mut this = slf;
            let mut seq = this.borrow_mut::<Seq>()?;
            seq.items.extend(extra);
            seq.last.set("inplace_concat");
            Ok(slf)
        }

        /// `s *= n`: repeats the items of `s` in place (returning `()` makes the slot return
        /// `s` itself, like an in-place number operator).
        #[hpy(slot = sq_inplace_repeat)]
        fn inplace_repeat(&mut self, count: isize) -> PyResult<()> {
            self.items = hpy::try_repeat(&self.items, usize::try_from(count).unwrap_or(0))?;
            self.last.set("inplace_repeat");
            Ok(())
        }

        // -- the six comparisons, merged into tp_richcompare --

        fn __eq__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items == other.items
        }
        fn __ne__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items != other.items
        }
        fn __lt__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items < other.items
        }
        fn __le__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items <= other.items
        }
        fn __gt__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items > other.items
        }
        fn __ge__(&self, other: PyRef<'_, '_, Seq>) -> bool {
            self.items >= other.items
        }
    }

    // ---- Map: the mapping slots, bound by slot name -------------------------------------------

    /// A str -> int mapping with the `mp_*` slots only (no sequence slots).
    #[hpy_class]
    pub struct Map {
        items: BTreeMap<String, i64>,
        last: Cell<&'static str>,
    }

    #[hpy_methods]
    impl Map {
        #[new]
        fn new() -> Self {
            Map {
                items: BTreeMap::new(),
                last: Cell::new(""),
            }
        }

        /// The name of the last mapping slot that ran on this object.
        #[getter]
        fn last(&self) -> &'static str {
            self.last.get()
        }

        #[hpy(slot = mp_length)]
        fn length(&self) -> usize {
            self.last.set("length");
            self.items.len()
        }

        #[hpy(slot = mp_subscript)]
        fn subscript(&self, key: &str) -> PyResult<i64> {
            self.last.set("subscript");
            self.items
                .get(key)
                .copied()
                .ok_or_else(|| PyErr::key_error(key.to_owned()))
        }

        #[hpy(slot = mp_ass_subscript)]
        fn ass_subscript(&mut self, key: String, value: Option<Borrowed<'_>>) -> PyResult<()> {
            match value {
                Some(value) => {
                    self.items.insert(key, value.extract()?);
                    self.last.set("ass_subscript");
                }
                None => {
                    self.items
                        .remove(&key)
                        .ok_or_else(|| PyErr::key_error(key.clone()))?;
                    self.last.set("del_subscript");
                }
            }
            Ok(())
        }
    }

    // ---- Misc: the type slots -------------------------------------------------------------------

    /// An object with a name (set by `__init__`), a reference to another object (an
    /// `HPyField`, so the type has a generated `tp_traverse`), the name's bytes exported as a
    /// buffer, and counted `tp_new`, `tp_init`, `tp_finalize`, `tp_destroy` and
    /// `bf_releasebuffer` calls.
    #[hpy_class]
    pub struct Misc {
        name: String,
        inits: usize,
        releases: Cell<usize>,
        partner: HPyField,
    }

    impl Drop for Misc {
        fn drop(&mut self) {
            MISC_DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[hpy_methods]
    impl Misc {
        /// tp_new: ignores the arguments (they are `__init__`'s).
        #[new]
        fn new() -> Self {
            MISC_NEW.fetch_add(1, Ordering::Relaxed);
            Misc {
                name: String::new(),
                inits: 0,
                releases: Cell::new(0),
                partner: HPyField::new(),
            }
        }

        /// Misc(name): sets the name (tp_init).
        fn __init__(&mut self, name: String) {
            self.name = name;
            self.inits += 1;
        }

        /// The name given to `__init__`.
        #[getter]
        fn name(&self) -> String {
            self.name.clone()
        }

        /// How many times `__init__` ran on this object.
        #[getter]
        fn inits(&self) -> usize {
            self.inits
        }

        /// How many buffers of this object were released (`__releasebuffer__` calls).
        #[getter]
        fn releases(&self) -> usize {
            self.releases.get()
        }

        /// link(obj): keep a reference to obj in the `HPyField` (None clears it).
        fn link<'py>(slf: PyRef<'_, 'py, Self>, partner: Option<Borrowed<'py>>) {
            slf.partner.store(&slf, partner);
        }

        /// partner() -> the linked object, or None.
        fn partner<'py>(slf: PyRef<'_, 'py, Self>) -> Option<Handle<'py>> {
            slf.partner.load(&slf)
        }

        fn __repr__(&self) -> String {
            format!("<Misc {:?}>", self.name)
        }

        fn __str__(&self) -> String {
            format!("Misc named {}", self.name)
        }

        fn __hash__(&self) -> usize {
            4200 + self.name.len()
        }

        fn __call__(&self, a: i64, #[hpy(default)] b: i64) -> (String, i64, i64) {
            (self.name.clone(), a, b)
        }

        fn __richcmp__(&self, other: i64, op: CompareOp) -> (&'static str, String, i64) {
            let name = match op {
                CompareOp::Lt => "lt",
                CompareOp::Le => "le",
                CompareOp::Eq => "eq",
                CompareOp::Ne => "ne",
                CompareOp::Gt => "gt",
                CompareOp::Ge => "ge",
            };
            (name, self.name.clone(), other)
        }

        fn __del__(&self) {
            MISC_FINALIZED.fetch_add(1, Ordering::Relaxed);
        }

        /// The name's UTF-8 bytes, read-only; the struct stays borrowed while exported.
        fn __getbuffer__(&self, _flags: i32) -> BufferView<'_> {
            BufferView::from_slice(self.name.as_bytes())
        }

        fn __releasebuffer__(&self) {
            self.releases.set(self.releases.get() + 1);
        }
    }

    /// misc_counts() -> (tp_new calls, tp_finalize calls, tp_destroy calls) of Misc so far.
    #[hpy_function]
    fn misc_counts() -> (usize, usize, usize) {
        (
            MISC_NEW.load(Ordering::Relaxed),
            MISC_FINALIZED.load(Ordering::Relaxed),
            MISC_DROPPED.load(Ordering::Relaxed),
        )
    }
}
