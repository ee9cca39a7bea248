#!/usr/bin/env python3
"""The HPy developers' own HPy port of kiwisolver against the real kiwisolver 1.5.1 and this
repository's port, measured with bench/kiwi_bench.py's method (callgrind Ir per operation).

Why: it tells how much of the port's gap to the C API is HPy 0.9's own cost, which no binding
can remove: if the HPy developers' C++ port is slower than the C-API original on a pattern, a
"<= 1.0x on every pattern" target is out of reach for any HPy 0.9 extension.

    bench/kiwi_hpy_reference/run.sh [--source DIR] [--no-port]    (see README.md here)

Steps: sources of github:hpyproject/kiwi at COMMIT (git clone, or --source: a clone / bare
mirror holding COMMIT, or an extracted tree) -> cppy into a private --target directory ->
`setup.py --hpy-abi={universal,cpython} build_ext` with the .venv's hpy -> sanity check ->
kiwi_worker.py under callgrind for all micro patterns (real, reference universal / CPython ABI,
and the port built by kiwi_bench's functions) -> `v + w` by category (categorize.py) -> the
per-object micro experiment (newexp/). Work files go to target/kiwi-hpy-reference/; results to
bench/results/kiwi_hpy_reference.{md,json}.
"""
import argparse
import datetime
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(HERE))
import categorize  # noqa: E402
import kiwi_bench  # noqa: E402  (also puts tools/ and bench/hpyrs_bench on sys.path)
from kiwi_worker import MICRO  # noqa: E402
import hpy_build  # noqa: E402
import measure  # noqa: E402  (bench/hpyrs_bench/measure.py)
from variants import build_cgclient  # noqa: E402

REPO = "https://github.com/hpyproject/kiwi"
COMMIT = "33742ab48e4602061beec6ad5edaaccec3e34774"  # branch HPy-1.3.2, "migrate to HPy 0.9.0"
CPPY = "cppy==1.3.1"
WORK = ROOT / "target" / "kiwi-hpy-reference"
N1, N2 = 2000, 12000
PROFILED = "v + w"
LABELS = {"real": "real 1.5.1", "univ": "HPy ref. universal", "cpy": "HPy ref. CPython ABI",
          "port_univ": "hpy-rs port universal", "port_cpy": "hpy-rs port CPython ABI"}
PACKAGES = {"real": "kiwisolver", "univ": "ref_univ", "cpy": "ref_cpy",
            "port_univ": "kiwi_port_universal", "port_cpy": "kiwi_port_cpython"}


def log(message):
    print(f"kiwi-hpy-reference: {message}", file=sys.stderr, flush=True)


def run(command, cwd=None, env=None):
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, command))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def sources(source, dest):
    """The reference port's tree at COMMIT in dest; returns how it was obtained."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    if source is None:
        clone = WORK / "clone"
        if not (clone / ".git").exists():
            run(["git", "clone", "-q", REPO, str(clone)])
        source, how = clone, f"git clone {REPO}"
    else:
        how = f"--source {source}"
    has_commit = subprocess.run(["git", "-C", str(source), "cat-file", "-e", f"{COMMIT}^{{commit}}"],
                                capture_output=True).returncode == 0
    if has_commit:
        with tempfile.TemporaryFile() as tar:
            subprocess.run(["git", "-C", str(source), "archive", COMMIT], stdout=tar, check=True)
            tar.seek(0)
            tarfile.open(fileobj=tar).extractall(dest)
        return f"{how}, git archive {COMMIT}"
    if not (Path(source) / "py" / "kiwisolver.cpp").is_file():
        raise SystemExit(f"{source}: neither a git repository holding {COMMIT} nor an extracted kiwi tree")
    shutil.copytree(source, dest, dirs_exist_ok=True)
    return f"{how} (an extracted tree, taken as commit {COMMIT} unchecked)"


def build_reference(src, deps):
    """{abi: built binary} of the reference port, unmodified, with setup.py's own flags."""
    env = dict(os.environ, PYTHONPATH=str(deps))
    built = {}
    for abi in ("universal", "cpython"):
        tree = WORK / f"build-{abi}"
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(src, tree)
        log(f"building the HPy reference port ({abi} ABI)")
        run([sys.executable, "setup.py", f"--hpy-abi={abi}", "build_ext", "--inplace"], cwd=tree, env=env)
        pattern = "kiwisolver.hpy0.so" if abi == "universal" else "kiwisolver.cpython-*.so"
        built[abi] = next(tree.glob(f"**/{pattern}"))
    return built


def reference_package(dest, binary, universal):
    """A package exposing the binary's names (the reference port has no Python part) as `_cext`."""
    dest.mkdir(parents=True)
    shutil.copyfile(binary, dest / binary.name)
    (dest / "__init__.py").write_text("from . import _cext\n"
                                      "globals().update({k: getattr(_cext, k) for k in dir(_cext) if k[:2] != '__'})\n")
    if universal:
        load = ("from hpy.universal import _load_bootstrap\n"
                "sys.modules[__name__] = _load_bootstrap('kiwisolver', __name__, __package__, so, __loader__,"
                " __spec__, os.environ)\n")
    else:
        load = ("import importlib.util\n"
                "spec = importlib.util.spec_from_file_location('kiwisolver', so)\n"
                "module = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(module)\n"
                "sys.modules[__name__] = module\n")
    (dest / "_cext.py").write_text(f"import os, sys\nso = os.path.join(os.path.dirname(__file__), {binary.name!r})\n"
                                   + load)


# The reference port is kiwisolver 1.3.2's code: a constraint's repr may list its terms in
# another order than 1.5.1's, so the terms are compared as a sorted list.
SANITY = """
import json, sys
out = {}
for key, name in json.loads(sys.argv[1]).items():
    k = __import__(name)
    v, w = k.Variable('x'), k.Variable('w')
    s = k.Solver(); s.addConstraint((v + w >= 10) | 'strong'); s.addConstraint(v == 2 * w); s.updateVariables()
    terms = sorted(str((v + w >= 10) | 'strong').split(' + '))
    out[key] = [str(v + 1), str(v + 1 >= 2), terms, round(v.value(), 9), round(w.value(), 9)]
print(json.dumps(out))
"""


def micro_experiment(cgclient):
    """{abi: {function: Ir per call}} of newexp/ (create + store one field + destroy)."""
    out = WORK / "newexp"
    shutil.rmtree(out, ignore_errors=True)
    so = {}
    for abi in ("universal", "cpython"):
        shutil.copytree(HERE / "newexp", out / abi)
        log(f"building the per-object micro experiment ({abi} ABI)")
        run([sys.executable, "setup.py", f"--hpy-abi={abi}", "build_ext", "--inplace"], cwd=out / abi)
        so[abi] = next((out / abi).glob("newexp.hpy0.so" if abi == "universal" else "newexp.cpython-*.so"))
    capi = next((out / "cpython").glob("capiexp.cpython-*.so"))
    cgdir = out / "callgrind"
    cgdir.mkdir()
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("HPY", None)
    run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={cgdir / 'cg.out'}",
         sys.executable, str(HERE / "newexp" / "run_newexp.py"), str(cgclient), str(so["universal"]),
         str(so["cpython"]), str(capi)], env=env)
    dumps = measure._read_dumps(cgdir)
    table = {}
    for label in {label.rsplit("|", 1)[0] for label in dumps}:
        abi, name = label.split("|")
        table.setdefault(abi, {})[name] = (dumps[f"{label}|{N2}"] - dumps[f"{label}|{N1}"]) / (N2 - N1)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, help="a clone / mirror holding the commit, or an extracted tree")
    parser.add_argument("--no-port", action="store_true", help="skip building and measuring the hpy-rs port")
    parser.add_argument("--results", type=Path, default=BENCH / "results")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    how = sources(args.source, WORK / "src")
    deps = WORK / "deps"
    if not (deps / "cppy").is_dir():
        log(f"pip install --target {deps} {CPPY}")
        run([sys.executable, "-m", "pip", "--disable-pip-version-check", "install", "-q", "--no-deps",
             "--target", str(deps), CPPY])
    built = build_reference(WORK / "src", deps)
    pkgs = WORK / "pkgs"
    shutil.rmtree(pkgs, ignore_errors=True)
    real = kiwi_bench.real_wheel(WORK, pypy=False)
    if real is None:
        raise SystemExit("pip found no kiwisolver 1.5.1 wheel for this CPython")
    shutil.copytree(real / "kiwisolver", pkgs / "kiwisolver")
    reference_package(pkgs / "ref_univ", built["universal"], True)
    reference_package(pkgs / "ref_cpy", built["cpython"], False)
    keys = ["real", "univ", "cpy"]
    if not args.no_port:
        for abi, key in (("universal", "port_univ"), ("cpython", "port_cpy")):
            log(f"building the hpy-rs port ({abi} ABI, release)")
            binary = hpy_build.build(ROOT / "examples" / "kiwisolver", abi, WORK / f"port-{abi}",
                                     python=sys.executable, capture=True, stubs=False)
            kiwi_bench.port_package(pkgs / PACKAGES[key], binary, abi == "universal")
            keys.append(key)
    sanity = json.loads(run([sys.executable, "-c", SANITY, json.dumps({k: PACKAGES[k] for k in keys})], cwd=pkgs))
    if any(v != sanity["real"] for v in sanity.values()):
        raise SystemExit(f"the variants disagree: {json.dumps(sanity, indent=1)}")
    log("sanity check passed; measuring every micro pattern under callgrind")

    cgclient = build_cgclient(WORK / "cg")
    manifest = {"micro": [p[0] for p in MICRO], "mode": "callgrind", "packages": str(pkgs), "cgclient": str(cgclient),
                "variants": [{"key": k, "package": PACKAGES[k]} for k in keys], "n1": N1, "n2": N2,
                "growth_n": [], "callgrind_growth": []}
    out = kiwi_bench.run_worker(sys.executable, manifest, WORK / "run", callgrind=WORK / "callgrind")
    differences = kiwi_bench.disagreements(out["checks"])
    figures = kiwi_bench.instructions(out, keys, N1, N2)

    log(f"profiling `{PROFILED}` by function")
    profiled = dict(manifest, micro=[PROFILED], variants=[{"key": k, "package": PACKAGES[k]} for k in keys[:3]])
    kiwi_bench.run_worker(sys.executable, profiled, WORK / "run-profile", callgrind=WORK / "callgrind-profile")
    files = categorize.dumps_by_label(WORK / "callgrind-profile")
    breakdown = {k: categorize.breakdown(files, PROFILED, k, N1, N2) for k in keys[:3]}

    micro = micro_experiment(cgclient)
    write(args.results, how, keys, figures, differences, out, breakdown, micro)


def write(results, how, keys, figures, differences, out, breakdown, micro):
    versions = {"python": sys.version.split()[0], "hpy": importlib.metadata.version("hpy"),
                "hpy-rs": run(["git", "describe", "--always", "--dirty"], cwd=ROOT).strip()}
    head = ["pattern"] + [LABELS[k] for k in keys] + [f"{k} / real" for k in keys[1:]]
    lines = [
        "# The HPy developers' HPy port of kiwisolver vs real kiwisolver 1.5.1 (and the hpy-rs port)", "",
        f"Written by `bench/kiwi_hpy_reference/run.sh` on {datetime.date.today()}: CPython {versions['python']}, "
        f"hpy {versions['hpy']}, hpy-rs at {versions['hpy-rs']}. Reference port: {REPO} (branch HPy-1.3.2) "
        f"at {COMMIT}, unmodified, built by its own setup.py (cppy's flags) in both ABIs; sources: {how}.", "",
        "Columns: " + "; ".join(f"{k} = {LABELS[k]}" for k in keys) + ".", "",
        f"## Callgrind Ir per operation (kiwi_worker.py, N1={N1}, N2={N2}, net of the bare loop "
        f"{figures['(bare loop)']['loop']:.1f} Ir)", "",
        "| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for name, f in figures.items():
        if name != "(bare loop)":
            lines.append(f"| {kiwi_bench._code(name)} | " + " | ".join(f"{f[k]:,.0f}" for k in keys) + " | "
                         + " | ".join(f"{f[k] / f['real']:.2f}" for k in keys[1:]) + " |")
    if differences:
        lines += ["", "Results that differ between variants (informational):", ""] + [f"- {d}" for d in differences]
    lines += ["", f"## `{PROFILED}`: exclusive Ir per op by category (real, reference univ, reference cpy)",
              "", categorize.markdown(PROFILED, breakdown), "",
              "## Per-object micro experiment (newexp/): create + store one field + destroy one GC object", "",
              "Ir per call, and net of the same ABI's no-op call (an O function returning its argument).", "",
              "| ABI | function | Ir per call | net of no-op | / C API (net) |", "|---|---|---:|---:|---:|"]
    capi = micro["capi"]["via_alloc"] - micro["capi"]["noop"]
    for abi, label in (("capi", "C API"), ("univ", "HPy universal"), ("cpy", "HPy CPython ABI")):
        for name, ir in sorted(micro[abi].items()):
            net = ir - micro[abi]["noop"]
            ratio = f"{net / capi:.2f}" if name != "noop" else ""
            lines.append(f"| {label} | `{name}` | {ir:.1f} | {net:.1f} | {ratio} |")
    lines += ["", f"No-op call: universal {micro['univ']['noop'] - micro['capi']['noop']:+.1f} Ir, CPython ABI "
              f"{micro['cpy']['noop'] - micro['capi']['noop']:+.1f} Ir against the C API's."]
    text = "\n".join(lines) + "\n"
    results.mkdir(parents=True, exist_ok=True)
    (results / "kiwi_hpy_reference.md").write_text(text)
    data = {"source": {"repository": REPO, "commit": COMMIT, "how": how}, "versions": versions, "n1": N1, "n2": N2,
            "variants": {k: LABELS[k] for k in keys}, "loaded": out["loaded"], "instructions": figures,
            "disagreements": differences,
            "breakdown": {k: {"categories": b[0], "total": b[2], "functions": [[fn, ir] for ir, fn, _ in b[1]]}
                          for k, b in breakdown.items()},
            "per_object_micro": micro}
    (results / "kiwi_hpy_reference.json").write_text(json.dumps(data, indent=1) + "\n")
    print(text)


if __name__ == "__main__":
    main()
