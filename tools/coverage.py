#!/usr/bin/env python3
"""The API coverage table, docs/coverage.md: every HPy 0.9 context function, the safe hpy-rs API
that calls it, and a test that makes it run from Python.

    tools/coverage.py            measure, then write docs/coverage.md
    tools/coverage.py --write    rewrite docs/coverage.md from the last measurement

What is measured, not declared:
* the list of functions is hpy-sys's: the 180 `ctx_*` members of the generated `HPyContext`,
  named as `hpy_sys::api` names them;
* the safe API is found in hpy/src: the functions whose bodies call it, followed one level up
  when the caller is a crate-private wrapper (`ffi/raw.rs`);
* the test is found by running the Python suite once in the universal mode under HPy's trace
  mode (`HPYRS_TRACE_CALLS`, see conftest.py), which counts every context call each test
  causes. The raw result is kept in docs/coverage-calls.json.

tests/python/test_coverage.py fails when a context function has no row, when a row's test
no longer exists, or when the table is stale, so the table cannot drift from the code.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINDINGS = ROOT / "hpy-sys/src/generated/bindings.rs"
API = ROOT / "hpy-sys/src/generated/api.rs"
HPY_SRC = ROOT / "hpy/src"
TABLE = ROOT / "docs/coverage.md"
CALLS = ROOT / "docs/coverage-calls.json"

# Context functions with no safe API, each with the reason. Everything else must be covered.
EXCLUDED = {
    "HPyTracker_New": "Rust's ownership does a tracker's job: every `Handle` closes itself on drop or unwind.",
    "HPyTracker_Add": "see `HPyTracker_New`.",
    "HPyTracker_ForgetAll": "see `HPyTracker_New`.",
    "HPyTracker_Close": "see `HPyTracker_New`.",
    "_HPy_AsStruct_Legacy": "legacy (`PyObject_HEAD`) types only; hpy-rs classes are pure HPy types.",
    "_HPy_AsStruct_Tuple": "HPy 0.9 puts a tuple subclass's struct where the tuple's items are: `#[hpy_class(base = tuple)]` is a compile error, so no instance can be read with it.",
}

# Calls that the universal trace-mode run cannot see, each with a test that makes them run in
# another mode and why trace mode misses it.
SEEN_ELSEWHERE = {
    "_HPy_CallRealFunctionFromTrampoline": (
        "tests/python/test_shapes.py::test_properties",
        "slot and getter trampolines pass the module's own context, which trace mode does not wrap",
    ),
    "_HPyType_GetBuiltinShape": (
        "tests/python/test_shapes.py::test_python_subclass",
        "debug mode only (the shape check before a struct access)",
    ),
    "HPy_FatalError": (
        "tests/python/test_runtime.py::test_fatal_error_kills_the_process_with_the_message",
        "it ends the process, so the test runs it in a child process",
    ),
    "HPy_Index": (
        "tests/python/test_tour.py::test_index_objects_convert_to_integers",
        "integer arguments go through `__index__` first on CPython 3.8 and 3.9 only",
    ),
    "HPy_AsPyObject": (
        "tests/python/test_containers.py::test_c_api_exchange",
        "CPython ABI only (`PyObject*` exchange)",
    ),
    "HPy_FromPyObject": (
        "tests/python/test_containers.py::test_c_api_exchange",
        "CPython ABI only (`PyObject*` exchange)",
    ),
}

# Test files whose tests call everything (fuzzing) are not shown as a function's test.
NOT_SHOWN_AS_TEST = ("test_fuzz.py",)


def context_members():
    """The `ctx_*` function members of `HPyContext`, in declaration order."""
    text = BINDINGS.read_text()
    struct = re.search(r"pub struct _HPyContext_s \{(.*?)\n\}", text, re.S).group(1)
    return re.findall(r"pub (ctx_\w+):", struct)


def api_names():
    """`{ctx member: hpy_sys::api function name}` from the generated callers' doc comments."""
    pairs = re.findall(r"/// `(\w+)` \(context member `(ctx_\w+)`", API.read_text())
    return {member: name for name, member in pairs}


def context_functions():
    """`[(api name, ctx member)]` for every context function, in context order."""
    names = api_names()
    return [(names[m], m) for m in context_members()]


_FN = re.compile(r"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:const\s+)?(?:unsafe\s+)?fn\s+(\w+)")
_OWNER = re.compile(
    r"^\s*(?:pub(?:\([\w:]+\))?\s+)?(?:unsafe\s+)?(?:impl(?:<[^>]*>)?\s+(?:[\w:]+(?:<[^>]*>)?\s+for\s+)?(\w+)|trait\s+(\w+))"
)
_PUB_FN = re.compile(r"^\s*(?:pub\s+)(?:unsafe\s+)?fn\s+(\w+)")


def _rust_sources():
    return sorted(HPY_SRC.rglob("*.rs"))


def _code_lines(path):
    """The lines of a Rust file with `//` comments blanked out (doc comments included)."""
    return [re.sub(r"//.*", "", line) for line in path.read_text().splitlines()]


def _enclosing(lines, index):
    """`(owner, fn name, is_public_item)` of the outermost function around line `index` (a
    `Drop` guard declared inside a function counts as that function), with the `impl` or
    `trait` it belongs to."""
    name = public = None
    fn_indent = None
    for i in range(index, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if name is None and indent == 0 and not _FN.match(line) and not line.startswith((")", "where", "#", "}")):
            return None, None, None  # a top-level item that is not a function (a macro call)
        m = _FN.match(line)
        if m and (fn_indent is None or indent < fn_indent):
            name, fn_indent = m.group(1), indent
            public = bool(_PUB_FN.match(line))
            if indent == 0:
                return None, name, public
            continue
        if name is not None and indent == 0 and not line.startswith((")", "where", "#")):
            m = _OWNER.match(line)
            if m:
                if m.group(2):
                    public = True  # a method of a public trait
                elif "for" in line.split("{")[0].split() and " impl" not in line:
                    # A trait impl's methods are as public as the type.
                    public = public or line.lstrip().startswith("impl")
                return m.group(1) or m.group(2), name, public
            return None, name, public
    return None, name, public


_MACRO_CALL = re.compile(r"^(\w+)!\s*[({]")


def _macro_around(lines, index):
    """The top-level macro invocation (`int_via!(...)`) that line `index` is part of, if any."""
    for i in range(index, -1, -1):
        m = _MACRO_CALL.match(lines[i])
        if m:
            return m.group(1)
        if lines[i].startswith(("}", "fn ", "pub ", "impl")):
            return None
    return None


def _callers(function, qualified_by=None):
    """Where `function` is called in hpy/src: `[(relative path, owner, fn, public)]`; a use in a
    top-level macro invocation is reported as `(path, None, "<macro>!", True)`. With
    `qualified_by` (the file that defines `function`), only calls through its module (or an
    alias, or a `use` of it) and bare calls inside that file count."""
    found = []
    for path in _rust_sources():
        text = path.read_text()
        stem = Path(qualified_by).stem if qualified_by else None
        imported = stem and re.search(
            r"^use [^;]*\b" + re.escape(stem) + r"::[^;]*\b" + re.escape(function) + r"\b", text, re.M | re.S
        )
        if qualified_by is None or imported:
            pattern = re.compile(r"\b" + re.escape(function) + r"\b")
        elif path.relative_to(HPY_SRC).as_posix() == qualified_by:
            pattern = re.compile(r"(?<![.\w])(?<!::)" + re.escape(function) + r"\s*[(:<]")
        else:
            aliases = [stem] + re.findall(r"\b" + re.escape(stem) + r"\s+as\s+(\w+)", text)
            pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, aliases)) + r")::" + re.escape(function) + r"\b")
        lines = _code_lines(path)
        for i, line in enumerate(lines):
            if pattern.search(line) and not _FN.match(line):
                owner, name, public = _enclosing(lines, i)
                if name is not None:
                    found.append((path.relative_to(HPY_SRC).as_posix(), owner, name, public))
                else:
                    macro = _macro_around(lines, i)
                    if macro:
                        found.append((path.relative_to(HPY_SRC).as_posix(), None, macro + "!", True))
    return found


def safe_api(function):
    """The public items of hpy whose code calls `function` (one wrapper level followed)."""
    shown = []

    def add(path, owner, name):
        if name.endswith("!"):
            label = f"the conversions made by `{name}` ({path})"
        else:
            label = f"`{owner}::{name}`" if owner else f"`{name}`"
        if label not in shown:
            shown.append(label)

    direct = _callers(function)
    for path, owner, name, public in direct:
        if public:
            add(path, owner, name)
    if not shown:
        for path, owner, name, public in direct:
            for path2, owner2, name2, public2 in _callers(name, qualified_by=path):
                if public2:
                    add(path2, owner2, name2)
    if not shown and direct:
        # Only crate-private code calls it (e.g. a trampoline or a conversion's fast path).
        for path, owner, name, public in direct:
            add(path, owner, name)
    return shown


def measure():
    """Runs the Python suite in universal trace mode; writes docs/coverage-calls.json."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "calls.json"
        env = dict(os.environ, HPYRS_MODES="universal", HPYRS_TRACE_CALLS=str(out))
        python = os.environ.get("HPY_PYTHON") or str(ROOT / ".venv/bin/python")
        ignore = [f"--ignore=tests/python/{name}" for name in ("test_loading.py", "test_bench.py", "test_pypy_bugs.py", "test_coverage.py", *NOT_SHOWN_AS_TEST)]
        subprocess.run(
            [python, "-m", "pytest", "tests/python", "-q", "-p", "no:cacheprovider", *ignore],
            cwd=ROOT,
            env=env,
            check=False,
        )
        calls = json.loads(out.read_text())
    CALLS.write_text(json.dumps(calls, indent=1, sort_keys=True) + "\n")


def rows():
    """`[(api name, member, safe API labels, test nodeid or None, exclusion reason or None,
    note on where the test sees it or None)]`."""
    calls = json.loads(CALLS.read_text()) if CALLS.exists() else {}
    table = []
    for name, member in context_functions():
        tests = [t for t in calls.get(member, []) if not t.split("::")[0].endswith(NOT_SHOWN_AS_TEST)]
        test, note = (tests[0] if tests else None), None
        if test is None and name in SEEN_ELSEWHERE:
            test, note = SEEN_ELSEWHERE[name]
        table.append((name, member, safe_api(name), test, EXCLUDED.get(name), note))
    return table


def render(table):
    covered = [r for r in table if r[2] and r[3] and not r[4]]
    lines = [
        "# HPy 0.9 context functions in hpy-rs",
        "",
        "Generated by `tools/coverage.py` (do not edit); `tests/python/test_coverage.py` fails",
        "when it is stale. **Safe API** lists the public items whose code calls the function;",
        "**test** is the first test that made it run from Python, measured in HPy's trace mode.",
        "",
        f"**{len(covered)} of {len(table)}** context functions have a safe API and a test;"
        f" {sum(1 for r in table if r[4])} are left out on purpose (reason given).",
        "",
        "| HPy function | safe API | test |",
        "|---|---|---|",
    ]
    for name, member, api, test, reason, note in table:
        if reason:
            lines.append(f"| `{name}` | — | left out: {reason} |")
        else:
            api_text = ", ".join(api[:4]) + (f" (+{len(api) - 4})" if len(api) > 4 else "") if api else "**none**"
            test_text = (f"`{test}`" + (f" ({note})" if note else "")) if test else "**none**"
            lines.append(f"| `{name}` | {api_text} | {test_text} |")
    return "\n".join(lines) + "\n"


def main(argv):
    if "--write" not in argv:
        measure()
    TABLE.write_text(render(rows()))
    print(f"wrote {TABLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
