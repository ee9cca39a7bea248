//! Test-only crate: `compile_fail.rs` runs the trybuild fixtures in `ui/`; the Python tests
//! live in `python/`. Re-bless the `.stderr` files with `TRYBUILD=overwrite cargo test -p hpy-tests`.

/// The user guide (`guide/src`, built with mdBook) and the guides in `docs/` that the hpy
/// crate does not compile itself: every Rust block in them is a doctest of this crate
/// (`cargo test -p hpy-tests --doc`).
#[cfg(doctest)]
pub mod guide {
    #[doc = include_str!("../guide/src/intro.md")]
    pub mod intro {}
    #[doc = include_str!("../guide/src/why.md")]
    pub mod why {}
    #[doc = include_str!("../guide/src/quickstart.md")]
    pub mod quickstart {}
    #[doc = include_str!("../guide/src/concepts.md")]
    pub mod concepts {}
    #[doc = include_str!("../guide/src/api/index.md")]
    pub mod api_index {}
    #[doc = include_str!("../guide/src/api/functions.md")]
    pub mod api_functions {}
    #[doc = include_str!("../guide/src/api/classes.md")]
    pub mod api_classes {}
    #[doc = include_str!("../guide/src/api/errors.md")]
    pub mod api_errors {}
    #[doc = include_str!("../guide/src/api/conversions.md")]
    pub mod api_conversions {}
    #[doc = include_str!("../guide/src/api/derives.md")]
    pub mod api_derives {}
    #[doc = include_str!("../guide/src/api/fields.md")]
    pub mod api_fields {}
    #[doc = include_str!("../guide/src/api/threads.md")]
    pub mod api_threads {}
    #[doc = include_str!("../guide/src/api/capsules.md")]
    pub mod api_capsules {}
    #[doc = include_str!("../guide/src/api/escape-hatch.md")]
    pub mod api_escape_hatch {}
    #[doc = include_str!("../guide/src/api/stubs.md")]
    pub mod api_stubs {}
    #[doc = include_str!("../guide/src/packaging.md")]
    pub mod packaging {}
    #[doc = include_str!("../guide/src/performance.md")]
    pub mod performance {}
    #[doc = include_str!("../guide/src/debugging.md")]
    pub mod debugging {}
    #[doc = include_str!("../guide/src/limits.md")]
    pub mod limits {}
    #[doc = include_str!("../guide/src/porting-c-hpy.md")]
    pub mod porting_c_hpy {}
    #[doc = include_str!("../guide/src/porting-pyo3.md")]
    pub mod porting_pyo3 {}
    #[doc = include_str!("../docs/functions.md")]
    pub mod docs_functions {}
    #[doc = include_str!("../docs/stubs.md")]
    pub mod docs_stubs {}
    #[doc = include_str!("../README.md")]
    pub mod readme {}
}
