//! Test-only crate: `compile_fail.rs` runs the trybuild fixtures in `ui/`; the Python tests
//! live in `python/`. Re-bless the `.stderr` files with `TRYBUILD=overwrite cargo test -p hpy-tests`.
