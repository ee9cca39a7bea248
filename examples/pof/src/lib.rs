//! A port of the module functions of HPy's proof-of-concept extension `pof`: the same
//! Python-visible behaviour, one per HPy calling convention.
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

    /// add_ints_kw(a, b) -> a + b, arguments by position or keyword (KEYWORDS)
    #[hpy_function(keywords)]
    fn add_ints_kw(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add_ints_kw(): the sum does not fit in a C long"))
    }
}
