//! Finding HPy (and, for the CPython ABI, the Python it is built for).
//!
//! Order: `HPY_INCLUDE_DIR` names `hpy/devel/include` directly; otherwise the interpreter named
//! by `HPY_PYTHON` (else `python3` on `PATH`) is asked where `hpy.devel` is. Only the variables
//! that were actually consulted are declared with `rerun-if-env-changed`.

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// What the build needs to know about one Python interpreter.
pub struct PythonInfo {
    /// The interpreter that was asked.
    #[allow(dead_code)] // only the CPython ABI reads it
    pub executable: PathBuf,
    /// Its C headers (`Python.h`).
    #[allow(dead_code)]
    pub include_dir: PathBuf,
    /// `(major, minor)`.
    #[allow(dead_code)]
    pub version: (u32, u32),
}

/// An installed `hpy` package.
pub struct HpyInstall {
    /// `hpy/devel/include`, which holds `hpy.h`.
    pub include_dir: PathBuf,
    /// `hpy/devel/src/runtime`, which holds the CPython-ABI `ctx_*.c` sources.
    #[allow(dead_code)]
    pub runtime_dir: Option<PathBuf>,
    /// The Python that was asked, if one was.
    #[allow(dead_code)]
    pub python: Option<PythonInfo>,
}

const PROBE: &str = r#"
import sys, sysconfig
try:
    import hpy.devel
except ImportError as e:
    print("NO_HPY", e)
    sys.exit(0)
from importlib.metadata import version
d = hpy.devel.HPyDevel()
print("hpy_version", version("hpy"))
print("include_dir", d.include_dir)
print("runtime_dir", d.src_dir)
print("python_include", sysconfig.get_paths()["include"])
print("python_version", "%d.%d" % sys.version_info[:2])
print("executable", sys.executable)
"#;

const INSTALL_HINT: &str = "install it with `python3 -m pip install hpy==0.9.0` (or run \
    tools/setup_env.sh), then point hpy-sys at that interpreter with HPY_PYTHON=/path/to/python, \
    or at the headers with HPY_INCLUDE_DIR=<site-packages>/hpy/devel/include";

impl HpyInstall {
    pub fn find() -> Result<HpyInstall, String> {
        println!("cargo:rerun-if-env-changed=HPY_INCLUDE_DIR");
        println!("cargo:rerun-if-env-changed=HPY_PYTHON");
        let python = env::var_os("HPY_PYTHON").map(PathBuf::from);
        if let Some(dir) = env::var_os("HPY_INCLUDE_DIR").map(PathBuf::from) {
            if !dir.join("hpy.h").is_file() {
                return Err(format!(
                    "HPY_INCLUDE_DIR={} does not contain hpy.h; {INSTALL_HINT}",
                    dir.display()
                ));
            }
            let runtime = dir.parent().map(|p| p.join("src").join("runtime"));
            let python = match python {
                Some(exe) => Some(ask_python(&exe)?.1),
                None => None,
            };
            return Ok(HpyInstall {
                include_dir: dir,
                runtime_dir: runtime.filter(|p| p.is_dir()),
                python,
            });
        }
        let exe = python.unwrap_or_else(|| PathBuf::from("python3"));
        let (hpy, python) = ask_python(&exe)?;
        Ok(HpyInstall {
            include_dir: hpy.0,
            runtime_dir: Some(hpy.1),
            python: Some(python),
        })
    }
}

type HpyDirs = (PathBuf, PathBuf);

fn ask_python(exe: &PathBuf) -> Result<(HpyDirs, PythonInfo), String> {
    let output = Command::new(exe)
        .args(["-c", PROBE])
        .output()
        .map_err(|e| {
            format!(
                "cannot run Python `{}` to find HPy ({e}); {INSTALL_HINT}",
                exe.display()
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "Python `{}` failed while looking for HPy: {}; {INSTALL_HINT}",
            exe.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let field = |key: &str| {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix(' '))
            })
            .map(str::to_owned)
    };
    if let Some(reason) = field("NO_HPY") {
        return Err(format!(
            "the `hpy` package is not installed for Python `{}` ({reason}); {INSTALL_HINT}",
            exe.display()
        ));
    }
    let hpy_version = field("hpy_version").unwrap_or_default();
    if !hpy_version.starts_with("0.9.") {
        return Err(format!(
            "hpy-sys binds HPy 0.9, but Python `{}` has hpy {hpy_version}; {INSTALL_HINT}",
            exe.display()
        ));
    }
    let missing = |key: &str| format!("Python `{}` did not report `{key}`", exe.display());
    let version = field("python_version").ok_or_else(|| missing("python_version"))?;
    let (major, minor) = version
        .split_once('.')
        .ok_or_else(|| missing("python_version"))?;
    let info = PythonInfo {
        executable: field("executable")
            .map(PathBuf::from)
            .unwrap_or_else(|| exe.clone()),
        include_dir: field("python_include")
            .map(PathBuf::from)
            .ok_or_else(|| missing("python_include"))?,
        version: (
            major.parse().map_err(|_| missing("python_version"))?,
            minor.parse().map_err(|_| missing("python_version"))?,
        ),
    };
    let dirs = (
        field("include_dir")
            .map(PathBuf::from)
            .ok_or_else(|| missing("include_dir"))?,
        field("runtime_dir")
            .map(PathBuf::from)
            .ok_or_else(|| missing("runtime_dir"))?,
    );
    Ok((dirs, info))
}
