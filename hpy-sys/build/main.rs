//! Build script of `hpy-sys`.
//!
//! * Universal ABI (default): nothing to compile and no Python needed; the committed bindings
//!   in `src/generated/` are used as they are.
//! * `cpython-abi`: compile HPy's CPython runtime (`ctx_*.c`) and `src/generated/cpython_shims.c`
//!   against the chosen Python's headers, and tell rustc which Python version it is.
//! * `bindgen`: regenerate `bindings.rs`, `api.rs` and `cpython_shims.c` into `OUT_DIR` from the
//!   headers of the installed `hpy` package and build with those.

#[allow(dead_code)] // which parts are used depends on the features
mod locate;

#[cfg(feature = "bindgen")]
mod generate;

#[cfg(feature = "cpython-abi")]
mod layout;

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rustc-check-cfg=cfg(hpy_sys_regenerated)");
    println!("cargo:rustc-check-cfg=cfg(hpy_py_3_10)");
    println!("cargo:rustc-check-cfg=cfg(hpy_py_3_12)");
    println!("cargo:rustc-check-cfg=cfg(hpy_py_debug)");

    let cpython_abi = env::var_os("CARGO_FEATURE_CPYTHON_ABI").is_some();
    let regenerate = env::var_os("CARGO_FEATURE_BINDGEN").is_some();
    if !cpython_abi && !regenerate {
        return;
    }

    let hpy = locate::HpyInstall::find().unwrap_or_else(|message| {
        eprintln!("error: {message}");
        std::process::exit(1)
    });
    let shims = if regenerate {
        #[cfg(feature = "bindgen")]
        {
            let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
            generate::generate_all(
                &hpy.include_dir,
                &out_dir,
                hpy.python.as_ref().map(|p| p.executable.as_path()),
            );
            println!("cargo:rustc-cfg=hpy_sys_regenerated");
            out_dir.join("cpython_shims.c")
        }
        #[cfg(not(feature = "bindgen"))]
        unreachable!("CARGO_FEATURE_BINDGEN is only set with the bindgen feature")
    } else {
        PathBuf::from("src/generated/cpython_shims.c")
    };

    if cpython_abi {
        #[cfg(feature = "cpython-abi")]
        compile_cpython_runtime(&hpy, &shims);
    }
    let _ = (shims, &hpy);
}

/// Compiles HPy's CPython-ABI runtime plus our shims into a static library.
#[cfg(feature = "cpython-abi")]
fn compile_cpython_runtime(hpy: &locate::HpyInstall, shims: &std::path::Path) {
    let python = hpy.python.as_ref().unwrap_or_else(|| {
        eprintln!(
            "error: the CPython ABI needs a Python interpreter to compile against; \
                 set HPY_PYTHON to its path (HPY_INCLUDE_DIR alone is not enough)"
        );
        std::process::exit(1)
    });
    println!("cargo:rerun-if-changed={}", shims.display());
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    layout::write_layout(&python.include_dir, &out_dir);

    let mut build = cc::Build::new();
    build
        .include(&hpy.include_dir)
        .include(&python.include_dir)
        // Debian's `pyconfig.h` includes `<x86_64-linux-gnu/python3.X/pyconfig.h>`, which lives
        // beside the include directory: needed for interpreters unpacked outside /usr.
        .include(python.include_dir.parent().unwrap_or(&python.include_dir))
        .define("HPY", None)
        .define("HPY_ABI_CPYTHON", None)
        // What setuptools uses for extensions (Python's own CFLAGS): no runtime asserts.
        .define("NDEBUG", None)
        .flag_if_supported("-fvisibility=hidden")
        .warnings(false)
        .file(shims);
    let runtime_dir = hpy
        .runtime_dir
        .as_ref()
        .expect("an hpy install found through Python has its runtime sources");
    let mut runtime_files: Vec<PathBuf> = std::fs::read_dir(runtime_dir)
        .expect("hpy runtime sources are readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("ctx_") && n.ends_with(".c"))
        })
        .collect();
    runtime_files.sort();
    for file in &runtime_files {
        if python.version >= (3, 13) && file.file_name().is_some_and(|n| n == "ctx_type.c") {
            build.file(ctx_type_with_free_flag_bit(file));
        } else {
            build.file(file);
        }
    }
    build.compile("hpy_cpython_runtime");

    if python.version >= (3, 10) {
        println!("cargo:rustc-cfg=hpy_py_3_10");
    }
    if python.version >= (3, 12) {
        println!("cargo:rustc-cfg=hpy_py_3_12");
    }
}

/// HPy 0.9.0 marks its types with `tp_flags` bit 2, which CPython 3.13 took for
/// `Py_TPFLAGS_INLINE_VALUES`: CPython then reads inline values that HPy objects do not have, and
/// attribute lookups on instances crash (hpyproject/hpy#493). The runtime compiled into a
/// CPython-ABI binary is ours to build, so for 3.13 and later it gets a copy of `ctx_type.c`
/// that uses bit 21, which no CPython up to 3.15 defines. (The universal ABI uses
/// `hpy.universal`'s runtime, which cannot be changed from here.)
#[cfg(feature = "cpython-abi")]
fn ctx_type_with_free_flag_bit(original: &std::path::Path) -> PathBuf {
    const FLAG: &str = "#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 2)";
    const MOVED: &str = "#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 21)";
    let source = std::fs::read_to_string(original).expect("ctx_type.c is readable");
    if source.matches(FLAG).count() != 1 {
        eprintln!(
            "error: {} does not define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE as HPy 0.9.0 does; \
             hpy-sys cannot move it off CPython 3.13's Py_TPFLAGS_INLINE_VALUES",
            original.display()
        );
        std::process::exit(1);
    }
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("ctx_type.c");
    std::fs::write(&out, source.replace(FLAG, MOVED)).expect("OUT_DIR is writable");
    out
}
