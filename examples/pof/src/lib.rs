//! A port of the module functions of HPy's proof-of-concept extension `pof`: the same
//! Python-visible behaviour, one per HPy calling convention.
//!
//! Also the type `Point` of HPy's `proof-of-concept/pofpackage/point_hpy_final.c`: `Point(x=0.0,
//! y=0.0)` initialised by `__init__` (`tp_init`) as in C, `norm()`, and the module function
//! `dot(p1, p2)`.
//!
//! One deliberate difference: C's `add_ints` overflows a C `long` silently (undefined
//! behaviour); here an out-of-range sum raises `OverflowError`.

/// HPy Proof of Concept
#[hpy::hpy_module]
mod pof {
    use hpy::prelude::*;

    /// do_nothing() -> None (NOARGS)
    #[hpy_function]
    fn do_nothing() {}

    /// double(obj) -> obj + obj (O)
    #[hpy_function]
    fn double<'py>(obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
        obj.add(obj)
    }

    /// add_ints(a, b) -> a + b for two C longs (VARARGS)
    #[hpy_function]
    fn add_ints(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add_ints(): the sum does not fit in a C long"))
    }

    // ANCHOR: add_ints_kw
    /// add_ints_kw(a, b) -> a + b, arguments by position or keyword (KEYWORDS)
    #[hpy_function(keywords)]
    fn add_ints_kw(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add_ints_kw(): the sum does not fit in a C long"))
    }
    // ANCHOR_END: add_ints_kw

    /// A point in the plane.
    #[hpy_class]
    pub struct Point {
        x: f64,
        y: f64,
    }

    #[hpy_methods]
    impl Point {
        /// Allocation (C: `HPyType_GenericNew`); `__init__` sets the coordinates.
        #[new]
        fn new() -> Self {
            Point { x: 0.0, y: 0.0 }
        }

        // ANCHOR: point_init
        /// Point(x=0.0, y=0.0)
        fn __init__(&mut self, #[hpy(default)] x: f64, #[hpy(default)] y: f64) {
            self.x = x;
            self.y = y;
        }
        // ANCHOR_END: point_init

        /// Distance from origin.
        fn norm(&self) -> f64 {
            // The C original's formula (not `hypot`), so results match it bit for bit.
            (self.x * self.x + self.y * self.y).sqrt()
        }
    }

    // ANCHOR: dot
    /// Dot product.
    #[hpy_function]
    fn dot(p1: PyRef<'_, '_, Point>, p2: PyRef<'_, '_, Point>) -> f64 {
        p1.x * p2.x + p1.y * p2.y
    }
    // ANCHOR_END: dot
}
