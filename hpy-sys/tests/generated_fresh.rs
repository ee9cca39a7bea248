//! With `--features bindgen` the build regenerates the bindings from the installed `hpy`
//! headers; they must equal the committed files (run `tools/regenerate.sh` if they do not).
#![cfg(feature = "bindgen")]

#[test]
fn committed_bindings_are_up_to_date() {
    let fresh = std::path::Path::new(env!("OUT_DIR"));
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    for name in ["bindings.rs", "api.rs", "cpython_shims.c"] {
        let a = std::fs::read_to_string(fresh.join(name)).expect("regenerated file");
        let b = std::fs::read_to_string(committed.join(name)).expect("committed file");
        assert!(
            a == b,
            "hpy-sys/src/generated/{name} differs from a fresh generation: run tools/regenerate.sh"
        );
    }
}
