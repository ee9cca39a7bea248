//! The Rust layouts of HPy's structs must be the C layouts.
//!
//! Part one checks the sizes and offsets measured on x86_64 (HPy reference §0.5). Part two asks
//! the C compiler: it compiles a program against the installed `hpy` headers that prints
//! `sizeof`/`offsetof` for every struct and every context member, and compares each number with
//! Rust's. It needs a C compiler and the headers: HPY_INCLUDE_DIR, HPY_PYTHON, the repository's
//! `.venv`, else `python3`. When HPY_INCLUDE_DIR or HPY_PYTHON is set (tools/test.sh sets it) a
//! missing header fails the test; otherwise it is skipped with a printed reason.

use core::mem::{offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use hpy_sys::*;

#[cfg(target_pointer_width = "64")]
#[test]
fn measured_x86_64_layouts() {
    assert_eq!(size_of::<HPyContext>(), 2128);
    assert_eq!(size_of::<HPy>(), 8);
    assert_eq!(size_of::<HPyDef>(), 64);
    assert_eq!(size_of::<HPySlot>(), 24);
    assert_eq!(size_of::<HPyMeth>(), 40);
    assert_eq!(size_of::<HPyMember>(), 40);
    assert_eq!(size_of::<HPyGetSet>(), 56);
    assert_eq!(size_of::<HPyType_Spec>(), 56);
    assert_eq!(size_of::<HPyType_SpecParam>(), 16);
    assert_eq!(size_of::<HPyModuleDef>(), 40);
    assert_eq!(size_of::<HPy_buffer>(), 80);
    assert_eq!(offset_of!(HPyContext, h_None), 24);
    assert_eq!(offset_of!(HPyContext, ctx_Dup), 24 + 8 * 77);
    assert_eq!(offset_of!(HPyContext, h_ComplexType), 24 + 8 * 238);
    assert_eq!(offset_of!(HPyContext, h_Builtins), 24 + 8 * 243);
    assert_eq!(offset_of!(HPyContext, ctx_CallMethod), 24 + 8 * 262);
    assert_eq!(offset_of!(HPyType_Spec, defines), 40);
    assert_eq!(offset_of!(HPyModuleDef, globals), 32);
}

#[test]
fn context_has_263_members_in_id_order() {
    assert_eq!(CONTEXT_LAYOUT.len(), 263);
    assert_eq!(
        CONTEXT_LAYOUT
            .iter()
            .filter(|(name, _)| name.starts_with("h_"))
            .count(),
        83
    );
    assert_eq!(
        CONTEXT_LAYOUT
            .iter()
            .filter(|(name, _)| name.starts_with("ctx_"))
            .count(),
        180
    );
    for (id, (_, offset)) in CONTEXT_LAYOUT.iter().enumerate() {
        assert_eq!(*offset, 24 + 8 * id, "member {id} is at the wrong offset");
    }
}

/// `(C expression, Rust value)` pairs for the structs.
fn struct_layouts() -> Vec<(String, usize)> {
    let mut checks = vec![];
    macro_rules! size {
        ($($ty:ident),*) => {$(checks.push((format!("sizeof({})", stringify!($ty)), size_of::<$ty>()));)*};
    }
    macro_rules! offset {
        ($ty:ident: $($field:ident),*) => {$(
            checks.push((format!("offsetof({}, {})", stringify!($ty), stringify!($field)), offset_of!($ty, $field)));
        )*};
    }
    size!(
        HPy,
        HPyField,
        HPyGlobal,
        HPyDef,
        HPySlot,
        HPyMeth,
        HPyMember,
        HPyGetSet,
        HPyType_Spec,
        HPyType_SpecParam,
        HPyModuleDef,
        HPy_buffer,
        HPyCallFunction,
        HPyCapsule_Destructor,
        HPyContext
    );
    offset!(HPyMeth: name, cpy_trampoline, signature, doc);
    offset!(HPySlot: slot, cpy_trampoline);
    offset!(HPyMember: name, type_, offset, readonly, doc);
    offset!(HPyGetSet: name, getter_impl, setter_impl, getter_cpy_trampoline, setter_cpy_trampoline, doc, closure);
    offset!(HPyType_Spec: name, basicsize, itemsize, flags, builtin_shape, legacy_slots, defines, doc);
    offset!(HPyType_SpecParam: kind, object);
    offset!(HPyModuleDef: doc, size, legacy_methods, defines, globals);
    offset!(HPy_buffer: buf, obj, len, itemsize, readonly, ndim, format, shape, strides, suboffsets, internal);
    offset!(HPyContext: name, _private, abi_version);
    for (name, offset) in CONTEXT_LAYOUT {
        checks.push((format!("offsetof(HPyContext, {name})"), offset));
    }
    checks
}

/// Where the `hpy` headers are: HPY_INCLUDE_DIR, else the Python in HPY_PYTHON, else the
/// repository's `.venv` (made by tools/setup_env.sh), else `python3`.
fn hpy_include_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("HPY_INCLUDE_DIR") {
        return Ok(dir.into());
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let python = std::env::var("HPY_PYTHON").ok().unwrap_or_else(|| {
        if venv.is_file() {
            venv.display().to_string()
        } else {
            "python3".into()
        }
    });
    let output = Command::new(&python)
        .args([
            "-c",
            "import hpy.devel; print(hpy.devel.HPyDevel().include_dir)",
        ])
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{python} cannot import hpy.devel (set HPY_PYTHON to a Python with hpy==0.9.0): {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().into())
}

#[test]
fn rust_layouts_match_the_c_compiler() {
    let include = match hpy_include_dir() {
        Ok(dir) => dir,
        Err(reason)
            if std::env::var_os("HPY_PYTHON").is_none()
                && std::env::var_os("HPY_INCLUDE_DIR").is_none() =>
        {
            eprintln!("SKIPPED rust_layouts_match_the_c_compiler: no hpy headers found ({reason}); run tools/setup_env.sh");
            return;
        }
        Err(reason) => panic!("the layout test needs the hpy headers: {reason}"),
    };
    let checks = struct_layouts();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hpy-sys-layout");
    std::fs::create_dir_all(&dir).unwrap();
    let mut program = String::from(
        "#define HPY_ABI_UNIVERSAL 1\n#include <stdio.h>\n#include <stddef.h>\n#include <hpy.h>\nint main(void) {\n",
    );
    for (expr, _) in &checks {
        let expr = expr.replace("type_)", "type)");
        program.push_str(&format!("    printf(\"%zu\\n\", (size_t){expr});\n"));
    }
    program.push_str("    return 0;\n}\n");
    let source = dir.join("layout.c");
    let binary = dir.join("layout");
    std::fs::write(&source, program).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&cc)
        .arg(format!("-I{}", include.display()))
        .arg(&source)
        .arg("-o")
        .arg(&binary)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(status.success(), "compiling the layout probe failed");
    let output = Command::new(&binary)
        .output()
        .expect("the layout probe runs");
    let c_values: Vec<usize> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert_eq!(c_values.len(), checks.len());
    let mismatches: Vec<String> = checks
        .iter()
        .zip(&c_values)
        .filter(|((_, rust), c)| rust != *c)
        .map(|((expr, rust), c)| format!("{expr}: C {c}, Rust {rust}"))
        .collect();
    assert!(
        mismatches.is_empty(),
        "layout mismatches:\n{}",
        mismatches.join("\n")
    );
    println!(
        "{} sizes and offsets agree with the C compiler",
        checks.len()
    );
}
