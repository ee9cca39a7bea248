"""ARCHITECTURE.md describes the tree as it is (issue 14): every source file of the three crates
and every example is named in it, and every path it names exists. Host-only (reads files)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCH = ROOT / "ARCHITECTURE.md"
SOURCE_DIRS = ("hpy/src", "hpy-macros/src", "hpy-sys/src")
# Top-level directories of the repository whose paths ARCHITECTURE.md names in full.
TOP = ("hpy", "hpy-sys", "hpy-macros", "examples", "tests", "tools", "bench", "python", "docs", ".ci")
# Files ARCHITECTURE.md names that are not in this repository, with why.
NOT_OURS = {
    "ctx_type.c": "HPy's runtime source, compiled by hpy-sys's build script",
}
# Cargo features spelled `crate/feature`, which look like paths.
FEATURES = {"hpy/cpython-abi", "hpy-sys/bindgen"}
# Placeholders: `python3.X`, `<name>`, `*`, `{a, b}`.
PLACEHOLDER = re.compile(r"[<*{…]|3\.X|\.\.\.")


def text():
    return ARCH.read_text(encoding="utf-8")


def repo_paths():
    """Every file and directory of the repository (relative, with '/'), build output left out."""
    skip = {".git", "target", ".venv", ".interpreters", "__pycache__", "node_modules"}
    out = set()
    stack = [ROOT]
    while stack:
        d = stack.pop()
        for p in d.iterdir():
            if p.name in skip or p.name.endswith(".egg-info"):
                continue
            if p.name == "build" and p.parent.parent.name == "examples":
                continue  # tools/hpy_build.py's output
            out.add(p.relative_to(ROOT).as_posix())
            if p.is_dir() and not p.is_symlink():
                stack.append(p)
    return out


def test_every_source_file_and_example_is_described():
    doc = text()
    sources = sorted(
        p.relative_to(ROOT).as_posix()
        for d in SOURCE_DIRS
        for p in (ROOT / d).rglob("*")
        if p.suffix in (".rs", ".c")
    )
    assert len(sources) > 60, sources  # the walk found the crates
    missing = [s for s in sources if not _described(s, doc)]
    examples = sorted(
        p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "examples").glob("*/Cargo.toml")
    )
    assert "examples/quickstart" in examples
    missing += [e for e in examples if not re.search(re.escape(e) + r"(?![\w-])", doc)]
    assert not missing, f"not described in ARCHITECTURE.md: {missing}"


def _described(path, doc):
    """`path` appears in full, or (for a file) its name appears in a list that starts with a
    full path of the same directory, as in "`hpy/src/types/dict.rs`, `list.rs`"."""
    if path in doc:
        return True
    folder, name = path.rsplit("/", 1)
    for line_group in re.split(r"\n(?=\* |\n)", doc):
        if f"`{name}`" in line_group and f"`{folder}/" in line_group:
            return True
    return False


def test_every_path_named_exists():
    doc = text()
    paths = repo_paths()
    named = set(
        m.group(1).rstrip(".,:;)")
        for m in re.finditer(r"(?<![\w./-])((?:%s)/[\w./<>*{}…-]*)" % "|".join(map(re.escape, TOP)), doc)
    )
    bare = set(re.findall(r"`([\w.<>-]+\.(?:rs|py|sh|c|md|toml|json))`", doc))
    assert len(named) > 50 and len(bare) > 20, (named, bare)
    dangling = []
    for p in sorted(named):
        if PLACEHOLDER.search(p) or p in FEATURES:
            continue
        if p.rstrip("/") not in paths:
            dangling.append(p)
    names = {q.rsplit("/", 1)[-1] for q in paths}
    for b in sorted(bare):
        if b not in names and b not in NOT_OURS and not PLACEHOLDER.search(b):
            dangling.append(b)
    assert not dangling, f"named in ARCHITECTURE.md but not in the tree: {dangling}"
