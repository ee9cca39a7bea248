#!/usr/bin/env bash
# Checks that the crates are ready to publish, in dependency order (hpy-macros and hpy-sys, then
# hpy), without uploading anything. tools/test.sh runs it, so it cannot rot.
#
#   1. cargo package -p hpy-sys -p hpy-macros -p hpy
#        builds the three .crate files (target/package-check/cargo/package/) and verifies each by building its
#        unpacked copy; hpy is verified against the just-packaged hpy-sys and hpy-macros
#        (cargo's local overlay registry: they are not on crates.io yet).
#   2. cargo publish --workspace --dry-run
#        what an upload does short of uploading, for every crate without `publish = false`.
#   3. Each .crate holds what a build from a registry needs (README, LICENSE, hpy-sys's committed
#      bindings and build script) and stays under a size bound (crates.io takes up to 10 MB).
#   4. The .crate files, unpacked into a scratch workspace (target/package-check/ws), with
#      examples/quickstart as a consumer that depends on `hpy = "=VERSION"` ([patch.crates-io]
#      points that version at the unpacked crates): built for the universal ABI and with
#      `--features hpy/cpython-abi` (hpy-sys's build script then compiles HPy's runtime, found
#      through the Python in HPY_PYTHON, else the repository's .venv); hpy-sys's own tests run from
#      its unpacked copy; both binaries are imported by that Python and called. Nothing else of
#      the repository is reachable from there: a file a crate forgot to include fails the build.
#
# Needs the crates.io index (cargo resolves the third-party dependencies of each package).
# Reuses target/package-check/cargo (steps 1-2) and target/package-check/target (step 4): ~20 s when warm, ~40 s
# from nothing on 2 cores. Extra arguments go to `cargo package` and `cargo publish`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CRATES=(hpy-sys hpy-macros hpy)
id="$(cargo pkgid -p hpy)" # path+file:///.../hpy#0.1.0
VERSION="${id##*[#@]}"
MAX_CRATE_BYTES=$((1024 * 1024))
PY="${HPY_PYTHON:-$ROOT/.venv/bin/python}"
CHECK="$ROOT/target/package-check"
WS="$CHECK/ws"

log() { echo "package_crates: $*" >&2; }
fail() {
    log "error: $*"
    exit 1
}

[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || fail "cannot read the version of hpy from \`cargo pkgid -p hpy\` ($id)"
"$PY" -c "import hpy.universal" 2>/dev/null ||
    fail "$PY has no hpy package (run tools/setup_env.sh, or set HPY_PYTHON to a Python with hpy==0.9.*)"
export HPY_PYTHON="$PY"

start=$SECONDS
pkg_args=()
for crate in "${CRATES[@]}"; do pkg_args+=(-p "$crate"); done

# ---- 1 + 2: cargo's own checks ----------------------------------------------------------
# Cargo verifies hpy against the just-packaged hpy-sys and hpy-macros through a local overlay,
# and treats those as registry crates: unpacked into CARGO_HOME's registry and built, both
# keyed by name and version only, and never rebuilt. After a change to the tree (same version,
# other code) such copies are stale. So these steps build in their own target directory, where
# our three crates' artifacts go first (third-party ones stay warm), and the registry loses only
# its copies of these three names at this version.
PKG_TARGET="$CHECK/cargo"
rm -rf "$PKG_TARGET/package" "$PKG_TARGET"/debug/.fingerprint/hpy-* "$PKG_TARGET"/debug/deps/*hpy* \
    "$PKG_TARGET"/debug/build/hpy-*
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
for crate in "${CRATES[@]}"; do
    rm -rf "$cargo_home"/registry/src/*/"$crate-$VERSION" "$cargo_home"/registry/cache/*/"$crate-$VERSION.crate"
done
# --allow-dirty: what is checked is the package, not whether the work tree is committed.
log "cargo package ${pkg_args[*]}"
CARGO_TARGET_DIR="$PKG_TARGET" cargo package "${pkg_args[@]}" --allow-dirty "$@"
log "cargo publish --workspace --dry-run"
CARGO_TARGET_DIR="$PKG_TARGET" cargo publish --workspace --dry-run --allow-dirty "$@"

# ---- 3: contents and sizes --------------------------------------------------------------
for crate in "${CRATES[@]}"; do
    file="$PKG_TARGET/package/$crate-$VERSION.crate"
    [[ -f "$file" ]] || fail "cargo package left no $file"
    size=$(stat -c %s "$file")
    ((size <= MAX_CRATE_BYTES)) || fail "$file is $size bytes (bound: $MAX_CRATE_BYTES): check \`cargo package -p $crate --list\`"
    for must in Cargo.toml README.md LICENSE src/lib.rs; do
        tar -tzf "$file" "$crate-$VERSION/$must" >/dev/null 2>&1 || fail "$file lacks $must"
    done
    log "$file: $size bytes, $(tar -tzf "$file" | wc -l) files"
done
for must in src/generated/bindings.rs src/generated/api.rs src/generated/cpython_shims.c build/main.rs; do
    tar -tzf "$PKG_TARGET/package/hpy-sys-$VERSION.crate" "hpy-sys-$VERSION/$must" >/dev/null 2>&1 ||
        fail "hpy-sys-$VERSION.crate lacks $must"
done

# ---- 4: a consumer of the unpacked crates, both ABIs ---------------------------------------
rm -rf "$WS"
mkdir -p "$WS/crates" "$WS/consumer"
for crate in "${CRATES[@]}"; do
    # --touch: the archive's fixed timestamps would let cargo reuse stale builds of a changed crate
    tar -xzf "$PKG_TARGET/package/$crate-$VERSION.crate" -C "$WS/crates" --touch
done
cp -r examples/quickstart/src "$WS/consumer/src"
cat >"$WS/Cargo.toml" <<EOF
[workspace]
resolver = "2"
members = ["consumer", "crates/*"]

# The crates as a registry would give them: the unpacked .crate files.
[patch.crates-io]
hpy-sys = { path = "crates/hpy-sys-$VERSION" }
hpy-macros = { path = "crates/hpy-macros-$VERSION" }
hpy = { path = "crates/hpy-$VERSION" }
EOF
cat >"$WS/consumer/Cargo.toml" <<EOF
[package]
name = "quickstart"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
hpy = "=$VERSION"
EOF
# The repository's resolution of the third-party crates (cargo drops what it does not need).
cp Cargo.lock "$WS/Cargo.lock"

export CARGO_TARGET_DIR="$CHECK/target"
cargo_ws() { cargo "$1" --manifest-path "$WS/Cargo.toml" "${@:2}"; }

log "building the unpacked crates: universal ABI"
cargo_ws build -p quickstart
cp "$CARGO_TARGET_DIR/debug/libquickstart.so" "$CHECK/quickstart.hpy0.so"
log "building the unpacked crates: CPython ABI (HPY_PYTHON=$PY)"
cargo_ws build -p quickstart --features hpy/cpython-abi
ext_suffix="$("$PY" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
mkdir -p "$CHECK/cpython"
cp "$CARGO_TARGET_DIR/debug/libquickstart.so" "$CHECK/cpython/quickstart$ext_suffix"
log "hpy-sys's tests from its unpacked copy"
cargo_ws test -p hpy-sys --features cpython-abi --quiet

"$PY" - "$CHECK" <<'EOF'
import importlib.util, sys
import hpy.universal

check = sys.argv[1]
so = f"{check}/quickstart.hpy0.so"
universal = hpy.universal.load(
    "quickstart", so, importlib.util.spec_from_file_location("quickstart", so),
    mode=hpy.universal.MODE_UNIVERSAL,
)
sys.path.insert(0, f"{check}/cpython")
import quickstart as cpython  # the CPython-ABI binary: an ordinary extension module

assert cpython.__file__.startswith(f"{check}/cpython/"), cpython.__file__
for label, mod in (("universal", universal), ("cpython", cpython)):
    assert mod.add(2**40, 7) == 2**40 + 7, label
    try:
        mod.add(2**63 - 1, 1)
    except OverflowError:
        pass
    else:
        raise AssertionError(f"{label}: add() did not raise OverflowError past 64 bits")
    assert mod.greet("HPy", times=2) == " ".join(["Hello, HPy!"] * 2), label
    print(f"package_crates: the {label} binary built from the packaged crates imports and runs")
EOF

log "all checks passed in $((SECONDS - start))s"
