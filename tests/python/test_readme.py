"""The README's first screen (issue 14): its Rust example is a verbatim excerpt of
examples/quickstart/src/lib.rs, which the suite builds (so the example compiles), and its Python
session runs against that module in every mode (debug modes: leak-checked like every test).

Why an excerpt rather than a doctest: a doctest only compiles the module (hpy's doctests cannot
import it into Python), while the example crate is built in both ABIs and loaded in every mode,
so the Python session shown next to the code is executed against exactly that code."""

import re
import sys
from pathlib import Path

import guide_sources
from hpyrs_testing import example_module

ROOT = Path(__file__).resolve().parents[2]
ELISION = re.compile(r"^\s*// \.\.\.\s*$")

mod = example_module("quickstart")


def first_screen():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("**Where it is tested.**")[0]


def blocks(lang):
    return [fence.body for fence in guide_sources.fences(first_screen()) if fence.info == lang]


def test_first_commands_are_demo_and_test():
    """CI and the brief run these two lines; they stay the README's first commands."""
    assert blocks("sh")[0].splitlines() == [
        "tools/demo.sh   # main job: build examples/quickstart in both ABIs and call it from Python (incl. HPY=debug)",
        "tools/test.sh   # the whole test suite, as CI runs it (.ci/run)",
    ]
    assert first_screen().index("```sh") < first_screen().index("```rust")


def test_rust_example_is_an_excerpt_of_quickstart():
    [example] = blocks("rust")
    source = (ROOT / "examples/quickstart/src/lib.rs").read_text(encoding="utf-8")
    # Segments between `// ...` lines, each verbatim and in order in the source.
    segments, current = [], []
    for line in example.splitlines():
        if ELISION.match(line):
            segments.append(current)
            current = []
        else:
            current.append(line)
    segments.append(current)
    segments = ["\n".join(s).strip("\n") for s in segments if "".join(s).strip()]
    assert len(segments) >= 3
    pos = 0
    for segment in segments:
        found = source.find(segment, pos)
        assert found >= 0, f"not in examples/quickstart/src/lib.rs (after offset {pos}):\n{segment}"
        pos = found + len(segment)
    assert 15 <= len(example.splitlines()) <= 30


def test_python_session_runs(mod, monkeypatch):
    [session] = blocks("pycon")
    monkeypatch.setitem(sys.modules, "quickstart", mod)
    assert guide_sources.run_session(session, {}, "README.md", "README.md") >= 4


def test_links_resolve():
    links = re.findall(r"\]\(([^)#:]+)\)", first_screen())
    assert "docs/classes.md" in links and "docs/functions.md" in links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, missing
