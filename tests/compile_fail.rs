//! Every safety claim of hpy-rs, proven by a program the compiler must reject.
//! One misuse per file in `ui/`, with the expected error in the matching `.stderr`.
//! Re-bless after an intended change: `TRYBUILD=overwrite cargo test -p hpy-tests --test compile_fail`.

#[test]
fn compile_fail() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
