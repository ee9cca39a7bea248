//! Every feature of hpy-rs extension types in one module, each checked from Python by
//! `tests/python/test_shapes.py`: fields and properties, members of frozen classes, static and
//! class methods, class attributes, the number/sequence/mapping/comparison/call slots,
//! iterators, finalizers and `Drop`, `HPyField` reference cycles, `HPyGlobal`, custom
//! exceptions, inheritance (Python from Rust, Rust from Rust, Rust from builtins), re-entrant
//! calls and panics.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A class declared outside the module and added to it with `#[hpy_class] use`.
#[hpy::hpy_class(frozen)]
pub struct Outside {
    #[hpy(get)]
    tag: String,
}

#[hpy::hpy_methods]
impl Outside {
    #[new]
    fn new(tag: String) -> Self {
        Outside { tag }
    }

    /// shout() -> the tag in capitals
    fn shout(&self) -> String {
        self.tag.to_uppercase()
    }
}

/// An exception declared outside the module.
#[hpy::hpy_exception(base = KeyError)]
pub struct OutsideError;

/// How many `Tracked` values were dropped (`tp_destroy` ran).
static TRACKED_DROPS: AtomicUsize = AtomicUsize::new(0);
/// How many `Tracked.__del__` calls there were (`tp_finalize` ran).
static TRACKED_FINALIZED: AtomicUsize = AtomicUsize::new(0);
/// How many `Shape` values were dropped (also as the base part of a `Square`).
static SHAPE_DROPS: AtomicUsize = AtomicUsize::new(0);
/// How many `Probe`s were dropped (one lives in every initialised `Ghost`).
static PROBE_DROPS: AtomicUsize = AtomicUsize::new(0);

/// A plain Rust value whose `Drop` is counted.
pub struct Probe;

impl Drop for Probe {
    fn drop(&mut self) {
        PROBE_DROPS.fetch_add(1, Ordering::Relaxed);
    }
}

/// Extension types, one feature after the other.
#[hpy::hpy_module]
mod shapes {
    use core::cell::Cell;
    use std::collections::BTreeMap;
    use std::sync::atomic::Ordering;

    use hpy::prelude::*;

    use super::{Probe, PROBE_DROPS, SHAPE_DROPS, TRACKED_DROPS, TRACKED_FINALIZED};

    #[hpy_class]
    use super::Outside;

    #[hpy_exception]
    use super::OutsideError;

    /// raise_outside(key) -> raises OutsideError(key)
    #[hpy_function]
    fn raise_outside(key: &str) -> PyResult<()> {
        Err(OutsideError::new_err(key.to_owned()))
    }

    // ANCHOR: global_static
    /// An object kept across calls by `remember`.
    static REMEMBERED: HPyGlobal = HPyGlobal::new();
    // ANCHOR_END: global_static

    // ---- errors ------------------------------------------------------------------------------

    /// Raised for invalid shapes.
    #[hpy_exception(base = ValueError)]
    pub struct ShapeError;

    // ---- Point: properties, methods of every kind, repr/str/hash/eq, number slots -----------

    /// A point in the plane.
    ///
    /// Python classes may inherit from it. (HPy 0.9 cannot give Python subclasses of a type
    /// with `HPyField`s or drop glue the right data pointer in `tp_traverse`/`tp_destroy`, so
    /// hpy-rs refuses those: `Point` has neither.)
    #[hpy_class(subclass)]
    pub struct Point {
        #[hpy(get, set)]
        x: f64,
        y: f64,
    }

    #[hpy_methods]
    impl Point {
        #[new]
        fn new(x: f64, #[hpy(default)] y: f64) -> Self {
            Point { x, y }
        }

        /// Distance from origin.
        fn norm(&self) -> f64 {
            self.x.hypot(self.y)
        }

        /// scale(k): multiplies both coordinates by k, in place.
        fn scale(&mut self, k: f64) {
            self.x *= k;
            self.y *= k;
        }

        #[getter]
        fn y(&self) -> f64 {
            self.y
        }

        #[setter]
        fn set_y(&mut self, y: f64) {
            self.y = y;
        }

        /// origin_distance(x, y) -> the norm of (x, y), without a point.
        #[staticmethod]
        fn origin_distance(x: f64, y: f64) -> f64 {
            x.hypot(y)
        }

        /// describe() -> the name of the class it is called on.
        #[classmethod]
        fn describe<'py>(cls: Borrowed<'py>) -> PyResult<Handle<'py>> {
            cls.getattr("__name__")
        }

        #[classattr]
        const DIMENSIONS: i64 = 2;

        #[classattr]
        fn unit() -> (f64, f64) {
            (1.0, 0.0)
        }

        fn __repr__(&self) -> String {
            format!("Point({:?}, {:?})", self.x, self.y)
        }

        fn __str__(&self) -> String {
            format!("({}, {})", self.x, self.y)
        }

        fn __hash__(&self) -> u64 {
            self.x.to_bits() ^ self.y.to_bits().rotate_left(1)
        }

        fn __eq__(&self, other: PyRef<'_, '_, Point>) -> bool {
            self.x == other.x && self.y == other.y
        }

        fn __bool__(&self) -> bool {
            self.x != 0.0 || self.y != 0.0
        }

        fn __neg__(&self) -> Point {
            Point::new(-self.x, -self.y)
        }

        fn __abs__(&self) -> f64 {
            self.norm()
        }

        fn __add__(&self, other: PyRef<'_, '_, Point>) -> Point {
            Point::new(self.x + other.x, self.y + other.y)
        }

        fn __sub__(&self, other: PyRef<'_, '_, Point>) -> Point {
            Point::new(self.x - other.x, self.y - other.y)
        }

        fn __mul__(&self, k: f64) -> Point {
            Point::new(self.x * k, self.y * k)
        }

        fn __rmul__(&self, k: f64) -> Point {
            Point::new(k * self.x, k * self.y)
        }

        fn __iadd__(&mut self, other: PyRef<'_, '_, Point>) {
            self.x += other.x;
            self.y += other.y;
        }

        fn __imul__(&mut self, k: f64) {
            self.scale(k);
        }

        fn __pow__(&self, exponent: f64, modulo: Option<f64>) -> Point {
            let power = |v: f64| match modulo {
                Some(m) => v.powf(exponent).rem_euclid(m),
                None => v.powf(exponent),
            };
            Point::new(power(self.x), power(self.y))
        }

        fn __rpow__(&self, base: f64, _modulo: Option<f64>) -> Point {
            Point::new(base.powf(self.x), base.powf(self.y))
        }
    }

    // ---- Members of every type HPy can expose directly ------------------------------------------

    /// One member per Rust type that maps onto an `HPyMember_FieldType`: plain fields are
    /// read-only, `Cell` fields writable.
    #[hpy_class(frozen)]
    pub struct Members {
        #[hpy(member)]
        i8_: Cell<i8>,
        #[hpy(member)]
        i16_: Cell<i16>,
        #[hpy(member)]
        i32_: Cell<i32>,
        #[hpy(member)]
        i64_: Cell<i64>,
        #[hpy(member)]
        u8_: Cell<u8>,
        #[hpy(member)]
        u16_: Cell<u16>,
        #[hpy(member)]
        u32_: Cell<u32>,
        #[hpy(member)]
        u64_: Cell<u64>,
        #[hpy(member)]
        isize_: Cell<isize>,
        #[hpy(member)]
        usize_: Cell<usize>,
        #[hpy(member)]
        f32_: Cell<f32>,
        #[hpy(member)]
        f64_: Cell<f64>,
        #[hpy(member)]
        bool_: Cell<bool>,
        /// A read-only member.
        #[hpy(member)]
        fixed: u16,
        /// An object reference (an `HPyField`): `None` until assigned.
        #[hpy(member)]
        object: HPyField,
    }

    #[hpy_methods]
    impl Members {
        #[new]
        fn new() -> Self {
            Members {
                i8_: Cell::new(-8),
                i16_: Cell::new(-16),
                i32_: Cell::new(-32),
                i64_: Cell::new(-64),
                u8_: Cell::new(8),
                u16_: Cell::new(16),
                u32_: Cell::new(32),
                u64_: Cell::new(64),
                isize_: Cell::new(-1),
                usize_: Cell::new(1),
                f32_: Cell::new(0.5),
                f64_: Cell::new(0.25),
                bool_: Cell::new(true),
                fixed: 7,
                object: HPyField::new(),
            }
        }

        /// sum_ints() -> the sum of the integer members, as Rust sees them
        fn sum_ints(&self) -> i128 {
            [
                self.i8_.get() as i128,
                self.i16_.get() as i128,
                self.i32_.get() as i128,
                self.i64_.get() as i128,
                self.u8_.get() as i128,
                self.u16_.get() as i128,
                self.u32_.get() as i128,
                self.u64_.get() as i128,
                self.isize_.get() as i128,
                self.usize_.get() as i128,
                self.fixed as i128,
            ]
            .iter()
            .sum()
        }

        /// floats_and_flag() -> (f32, f64, bool) as Rust sees them
        fn floats_and_flag(&self) -> (f64, f64, bool) {
            (self.f32_.get() as f64, self.f64_.get(), self.bool_.get())
        }

        /// object_from_rust() -> what Rust loads from the `object` field
        fn object_from_rust<'py>(slf: PyRef<'_, 'py, Self>) -> Option<Handle<'py>> {
            slf.object.load(&slf)
        }
    }

    // ---- A metaclass (base = type) ----------------------------------------------------------

    /// A metaclass that counts the attributes of the classes it creates.
    #[hpy_class(base = type)]
    pub struct Meta {
        attributes: usize,
    }

    #[hpy_methods]
    impl Meta {
        #[new]
        fn new(_name: &str, _bases: Borrowed<'_>, namespace: Borrowed<'_>) -> PyResult<Self> {
            Ok(Meta {
                attributes: namespace.len()?,
            })
        }

        /// attribute_count() -> the size of the namespace the class was made from
        fn attribute_count(&self) -> usize {
            self.attributes
        }
    }

    // ---- Frozen: members, interior mutability ------------------------------------------------

    /// An immutable record with members.
    #[hpy_class(frozen)]
    pub struct Frozen {
        /// The identifier (read-only member).
        #[hpy(member)]
        id: i64,
        /// A counter Python may write (a `Cell` member).
        #[hpy(member)]
        hits: Cell<i64>,
        /// A float member.
        #[hpy(member)]
        weight: f64,
    }

    #[hpy_methods]
    impl Frozen {
        #[new]
        fn new(id: i64, #[hpy(default = 1.0)] weight: f64) -> Self {
            Frozen {
                id,
                hits: Cell::new(0),
                weight,
            }
        }

        /// hit() -> the number of hits so far, this one included.
        fn hit(&self) -> i64 {
            self.hits.set(self.hits.get() + 1);
            self.hits.get()
        }
    }

    // ---- Num: unary and binary number slots with reflected forms, in-place, pow, index -------

    /// An integer wrapper exercising the number protocol.
    #[hpy_class]
    pub struct Num {
        value: i64,
    }

    #[hpy_methods]
    impl Num {
        #[new]
        fn new(value: i64) -> Self {
            Num { value }
        }

        #[getter]
        fn value(&self) -> i64 {
            self.value
        }

        fn __repr__(&self) -> String {
            format!("Num({})", self.value)
        }

        fn __int__(&self) -> i64 {
            self.value
        }

        fn __index__(&self) -> i64 {
            self.value
        }

        fn __float__(&self) -> f64 {
            self.value as f64
        }

        fn __neg__(&self) -> Num {
            Num::new(-self.value)
        }

        fn __pos__(&self) -> Num {
            Num::new(self.value)
        }

        fn __abs__(&self) -> Num {
            Num::new(self.value.abs())
        }

        fn __invert__(&self) -> Num {
            Num::new(!self.value)
        }

        fn __bool__(&self) -> bool {
            self.value != 0
        }

        fn __add__(&self, other: i64) -> Num {
            Num::new(self.value + other)
        }

        fn __radd__(&self, other: i64) -> Num {
            Num::new(other + self.value)
        }

        fn __sub__(&self, other: i64) -> Num {
            Num::new(self.value - other)
        }

        fn __rsub__(&self, other: i64) -> Num {
            Num::new(other - self.value)
        }

        fn __floordiv__(&self, other: i64) -> PyResult<Num> {
            if other == 0 {
                return Err(PyErr::zero_division_error("Num division by zero"));
            }
            Ok(Num::new(self.value.div_euclid(other)))
        }

        fn __mod__(&self, other: i64) -> PyResult<i64> {
            if other == 0 {
                return Err(PyErr::zero_division_error("Num modulo by zero"));
            }
            Ok(self.value.rem_euclid(other))
        }

        fn __divmod__(&self, other: i64) -> PyResult<(i64, i64)> {
            if other == 0 {
                return Err(PyErr::zero_division_error("Num divmod by zero"));
            }
            Ok((self.value.div_euclid(other), self.value.rem_euclid(other)))
        }

        fn __lshift__(&self, other: u32) -> Num {
            Num::new(self.value << other)
        }

        fn __and__(&self, other: i64) -> Num {
            Num::new(self.value & other)
        }

        fn __or__(&self, other: i64) -> Num {
            Num::new(self.value | other)
        }

        fn __xor__(&self, other: i64) -> Num {
            Num::new(self.value ^ other)
        }

        fn __pow__(&self, exponent: u32, modulo: Option<i64>) -> PyResult<Num> {
            let value = self
                .value
                .checked_pow(exponent)
                .ok_or_else(|| PyErr::overflow_error("Num power overflows"))?;
            Ok(Num::new(match modulo {
                Some(m) if m != 0 => value.rem_euclid(m),
                Some(_) => return Err(PyErr::value_error("pow() 3rd argument cannot be 0")),
                None => value,
            }))
        }

        fn __rpow__(&self, base: i64, _modulo: Option<i64>) -> PyResult<i64> {
            let exponent = u32::try_from(self.value)?;
            base.checked_pow(exponent)
                .ok_or_else(|| PyErr::overflow_error("Num power overflows"))
        }

        fn __iadd__(&mut self, other: i64) {
            self.value += other;
        }

        fn __isub__(&mut self, other: i64) {
            self.value -= other;
        }

        fn __ipow__(&mut self, exponent: u32, _modulo: Option<i64>) -> PyResult<()> {
            self.value = self
                .value
                .checked_pow(exponent)
                .ok_or_else(|| PyErr::overflow_error("Num power overflows"))?;
            Ok(())
        }

        fn __lt__(&self, other: i64) -> bool {
            self.value < other
        }

        fn __ge__(&self, other: i64) -> bool {
            self.value >= other
        }
    }

    // ---- Table: the mapping slots and an iterator type ----------------------------------------

    /// A str -> int mapping.
    #[hpy_class]
    pub struct Table {
        items: BTreeMap<String, i64>,
    }

    #[hpy_methods]
    impl Table {
        #[new]
        fn new() -> Self {
            Table {
                items: BTreeMap::new(),
            }
        }

        fn __len__(&self) -> usize {
            self.items.len()
        }

        fn __getitem__(&self, key: &str) -> PyResult<i64> {
            self.items
                .get(key)
                .copied()
                .ok_or_else(|| PyErr::key_error(key.to_owned()))
        }

        fn __setitem__(&mut self, key: String, value: i64) {
            self.items.insert(key, value);
        }

        fn __delitem__(&mut self, key: &str) -> PyResult<()> {
            self.items
                .remove(key)
                .map(drop)
                .ok_or_else(|| PyErr::key_error(key.to_owned()))
        }

        fn __contains__(&self, key: &str) -> bool {
            self.items.contains_key(key)
        }

        fn __iter__(&self) -> Keys {
            Keys {
                keys: self.items.keys().cloned().collect(),
                next: 0,
            }
        }
    }

    /// An iterator over a snapshot of a Table's keys.
    #[hpy_class]
    pub struct Keys {
        keys: Vec<String>,
        next: usize,
    }

    #[hpy_methods]
    impl Keys {
        fn __iter__<'py>(slf: Borrowed<'py>) -> Handle<'py> {
            slf.dup()
        }

        fn __next__(&mut self) -> Option<String> {
            let key = self.keys.get(self.next)?.clone();
            self.next += 1;
            Some(key)
        }
    }

    /// An iterator counting down from n to 1.
    #[hpy_class]
    pub struct Countdown {
        n: i64,
    }

    #[hpy_methods]
    impl Countdown {
        #[new]
        fn new(n: i64) -> Self {
            Countdown { n }
        }

        fn __iter__<'py>(slf: Borrowed<'py>) -> Handle<'py> {
            slf.dup()
        }

        fn __next__(&mut self) -> Option<i64> {
            if self.n <= 0 {
                return None;
            }
            self.n -= 1;
            Some(self.n + 1)
        }
    }

    // ---- Seq: the sequence slots ----------------------------------------------------------------

    /// A list of ints with the sequence slots.
    #[hpy_class]
    pub struct Seq {
        items: Vec<i64>,
    }

    impl Seq {
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
            Seq { items }
        }

        /// tolist() -> the items
        fn tolist(&self) -> Vec<i64> {
            self.items.clone()
        }

        #[hpy(slot = sq_length)]
        fn length(&self) -> usize {
            self.items.len()
        }

        #[hpy(slot = sq_item)]
        fn item(&self, index: isize) -> PyResult<i64> {
            Ok(self.items[self.position(index)?])
        }

        #[hpy(slot = sq_ass_item)]
        fn assign(&mut self, index: isize, value: Option<Borrowed<'_>>) -> PyResult<()> {
            let position = self.position(index)?;
            match value {
                Some(value) => self.items[position] = value.extract()?,
                None => {
                    self.items.remove(position);
                }
            }
            Ok(())
        }

        #[hpy(slot = sq_concat)]
        fn concat(&self, other: PyRef<'_, '_, Seq>) -> Seq {
            Seq {
                items: self.items.iter().chain(&other.items).copied().collect(),
            }
        }

        #[hpy(slot = sq_repeat)]
        fn repeat(&self, count: isize) -> PyResult<Seq> {
            // `[T]::repeat` aborts when the result cannot be allocated: MemoryError instead.
            let count = usize::try_from(count).unwrap_or(0);
            Ok(Seq {
                items: hpy::try_repeat(&self.items, count)?,
            })
        }

        fn __contains__(&self, item: i64) -> bool {
            self.items.contains(&item)
        }
    }

    // ---- Multiplier: __call__ and __richcmp__ --------------------------------------------------

    /// A callable: Multiplier(k)(x, offset=0.0) == k * x + offset.
    #[hpy_class]
    pub struct Multiplier {
        factor: f64,
    }

    #[hpy_methods]
    impl Multiplier {
        #[new]
        fn new(factor: f64) -> Self {
            Multiplier { factor }
        }

        fn __call__(&self, x: f64, #[hpy(default)] offset: f64) -> f64 {
            self.factor * x + offset
        }

        fn __richcmp__(&self, other: PyRef<'_, '_, Multiplier>, op: CompareOp) -> bool {
            let (a, b) = (self.factor, other.factor);
            match op {
                CompareOp::Lt => a < b,
                CompareOp::Le => a <= b,
                CompareOp::Eq => a == b,
                CompareOp::Ne => a != b,
                CompareOp::Gt => a > b,
                CompareOp::Ge => a >= b,
            }
        }
    }

    // ---- Tracked: __del__, Drop, HPyField cycles ------------------------------------------------

    // ANCHOR: tracked
    /// An object whose finalizer and destructor are counted; it may reference a partner.
    #[hpy_class]
    pub struct Tracked {
        #[hpy(get)]
        id: i64,
        partner: HPyField,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            TRACKED_DROPS.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[hpy_methods]
    impl Tracked {
        #[new]
        fn new(id: i64) -> Self {
            Tracked {
                id,
                partner: HPyField::new(),
            }
        }

        fn __del__(&self) {
            TRACKED_FINALIZED.fetch_add(1, Ordering::Relaxed);
        }

        /// link(obj): keep a reference to obj (None clears it).
        fn link<'py>(slf: PyRef<'_, 'py, Self>, partner: Option<Borrowed<'py>>) {
            slf.partner.store(&slf, partner);
        }

        /// partner() -> the linked object, or None.
        fn partner<'py>(slf: PyRef<'_, 'py, Self>) -> Option<Handle<'py>> {
            slf.partner.load(&slf)
        }

        /// A bug: stores into `other`'s field through `self` (the owner check panics).
        fn link_through_wrong_owner<'py>(
            slf: PyRef<'_, 'py, Self>,
            other: PyRef<'_, 'py, Tracked>,
            value: Borrowed<'py>,
        ) {
            other.partner.store(&slf, Some(value));
        }
    }
    // ANCHOR_END: tracked

    /// (drops, finalizations) of Tracked objects so far.
    #[hpy_function]
    fn tracked_counts() -> (usize, usize) {
        (
            TRACKED_DROPS.load(Ordering::Relaxed),
            TRACKED_FINALIZED.load(Ordering::Relaxed),
        )
    }

    /// (Shape drops, Probe drops) so far.
    #[hpy_function]
    fn drop_counts() -> (usize, usize) {
        (
            SHAPE_DROPS.load(Ordering::Relaxed),
            PROBE_DROPS.load(Ordering::Relaxed),
        )
    }

    // ---- HPyGlobal ---------------------------------------------------------------------------

    // ANCHOR: global
    /// remember(obj): keep obj in a module global (stores a borrowed argument).
    #[hpy_function]
    fn remember<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<()> {
        REMEMBERED.store(ctx, obj)
    }

    /// recall() -> the object given to remember, or None.
    #[hpy_function]
    fn recall(ctx: Context<'_>) -> Option<Handle<'_>> {
        REMEMBERED.load(ctx)
    }
    // ANCHOR_END: global

    // ---- Shape, Square, Ghost: inheritance ----------------------------------------------------

    /// A named shape; Rust classes may inherit from it (Python classes may not: it has drop
    /// glue, see `Point`).
    #[hpy_class(subclass)]
    pub struct Shape {
        #[hpy(get)]
        name: String,
    }

    impl Drop for Shape {
        fn drop(&mut self) {
            SHAPE_DROPS.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[hpy_methods]
    impl Shape {
        #[new]
        fn new(name: String) -> Self {
            Shape { name }
        }

        /// area() -> 0.0 for a plain shape
        fn area(&self) -> f64 {
            0.0
        }

        /// describe() -> "<name> with area <area()>", calling area() through Python
        /// (so a subclass's override is used).
        fn describe<'py>(slf: Borrowed<'py>) -> PyResult<String> {
            let area: f64 = slf.call_method("area", ())?.extract()?;
            let shape = slf.borrow::<Shape>()?;
            Ok(format!("{} with area {}", shape.name, area))
        }
    }

    /// A square: a Rust class based on the Rust class Shape.
    #[hpy_class(base = Shape)]
    pub struct Square {
        #[hpy(get)]
        side: f64,
    }

    #[hpy_methods]
    impl Square {
        #[new]
        fn new(side: f64) -> PyResult<(Square, Shape)> {
            if side < 0.0 {
                return Err(ShapeError::new_err(format!("negative side {side}")));
            }
            Ok((
                Square { side },
                Shape {
                    name: "square".to_owned(),
                },
            ))
        }

        /// area() -> side * side
        fn area(&self) -> f64 {
            self.side * self.side
        }

        /// base_name() -> the name stored in the Shape part of this object.
        fn base_name(slf: Borrowed<'_>) -> PyResult<String> {
            Ok(slf.borrow::<Shape>()?.name.clone())
        }
    }

    /// A Rust subclass of Shape without `#[new]`: it cannot be instantiated at all, so there
    /// is never an uninitialised `Ghost` whose `Probe` could be dropped.
    #[hpy_class(base = Shape)]
    pub struct Ghost {
        probe: Probe,
    }

    #[hpy_methods]
    impl Ghost {
        /// alive() -> True once initialised (reads the struct).
        fn alive(&self) -> bool {
            matches!(self.probe, Probe)
        }
    }

    // ---- classes based on builtin types ---------------------------------------------------------

    /// An int that remembers how many decimal digits it had.
    #[hpy_class(base = int)]
    pub struct Int {
        digits: usize,
    }

    #[hpy_methods]
    impl Int {
        #[new]
        fn new(value: i64) -> Self {
            Int {
                digits: value.unsigned_abs().to_string().len(),
            }
        }

        /// digits() -> the number of decimal digits
        fn digits(&self) -> usize {
            self.digits
        }
    }

    /// A float that remembers whether it was created from a whole number.
    #[hpy_class(base = float)]
    pub struct Float {
        whole: bool,
    }

    #[hpy_methods]
    impl Float {
        #[new]
        fn new(value: f64) -> Self {
            Float {
                whole: value.fract() == 0.0,
            }
        }

        /// was_whole() -> True if created from a whole number
        fn was_whole(&self) -> bool {
            self.whole
        }
    }

    /// A str that knows its number of characters.
    #[hpy_class(base = str)]
    pub struct Str {
        chars: usize,
    }

    #[hpy_methods]
    impl Str {
        #[new]
        fn new(text: &str) -> Self {
            Str {
                chars: text.chars().count(),
            }
        }

        /// char_count() -> the number of characters, counted in Rust
        fn char_count(&self) -> usize {
            self.chars
        }
    }

    /// A list with a Rust counter of `bump()` calls.
    #[hpy_class(base = list)]
    pub struct List {
        bumps: usize,
    }

    #[hpy_methods]
    impl List {
        #[new]
        fn new(#[hpy(default)] _items: Option<Borrowed<'_>>) -> Self {
            List { bumps: 0 }
        }

        /// bump() -> how many times bump() was called on this list
        fn bump(&mut self) -> usize {
            self.bumps += 1;
            self.bumps
        }
    }

    // ---- Account: re-entrancy and panics ----------------------------------------------------

    /// A mutable object whose methods call back into Python.
    #[hpy_class]
    pub struct Account {
        balance: i64,
    }

    #[hpy_methods]
    impl Account {
        #[new]
        fn new(balance: i64) -> Self {
            Account { balance }
        }

        #[getter]
        fn balance(&self) -> i64 {
            self.balance
        }

        /// update(callback) -> the new balance: adds callback() while borrowed mutably.
        fn update(&mut self, callback: Borrowed<'_>) -> PyResult<i64> {
            let delta = callback.call(())?;
            self.balance += delta.extract::<i64>()?;
            Ok(self.balance)
        }

        /// inspect(callback) -> callback(), called while borrowed shared.
        fn inspect<'py>(&self, callback: Borrowed<'py>) -> PyResult<Handle<'py>> {
            callback.call(())
        }

        /// explode(): a bug (panics while borrowed mutably).
        fn explode(&mut self) -> i64 {
            self.balance = -1;
            panic!("account exploded")
        }
    }
}
