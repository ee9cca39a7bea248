"""Every Python session of the guide runs (issue 14): each ```python block with a `>>> ` prompt in
guide/src/**/*.md, with the pages' `{{#include}}`s expanded (so the docs/*.md pages a guide
page includes count too), is run with doctest, as tests/python/test_readme.py runs the README's.

A session that names example modules (`tour.add(...)`: a word `<module>.` for a module of
examples/*) runs once per mode of this interpreter (cpython, universal, debug with its leak
check; pypy and pypy-debug on PyPy...) with those modules, loaded in that mode, predefined in its
globals under their module names (and in `sys.modules`, so `import tour` works too). A session
naming none runs once, with plain globals. Output is compared with doctest's ELLIPSIS option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

import pytest

import guide_sources
from guide_sources import GUIDE_SRC, REPO_ROOT
from hpyrs_testing import EXAMPLES_DIR, example_module


def _example_modules() -> Dict[str, str]:
    """module name -> examples/ directory, for every example crate whose `#[hpy_module]` names a
    public module (kiwisolver's `_cext` is a package's private module: not for the guide)."""
    found = {}
    for lib in sorted(EXAMPLES_DIR.glob("*/src/lib.rs")):
        m = re.search(r"#\[hpy::hpy_module[^\]]*\]\s*(?:pub\s+)?mod\s+(\w+)", lib.read_text(encoding="utf-8"))
        if m and not m.group(1).startswith("_"):
            found[m.group(1)] = lib.parents[1].name
    return found


EXAMPLE_MODULES = _example_modules()
# One fixture per example, `guide_module_<module name>`, loaded on demand by the tests below.
for _module, _example in EXAMPLE_MODULES.items():
    globals()[f"guide_module_{_module}"] = example_module(_example)


@dataclass
class Session:
    page: str  # path relative to guide/src
    line: int  # line of the opening fence, in the page with its includes expanded
    text: str
    modules: Tuple[str, ...]  # example modules it names

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def collect_sessions() -> List[Session]:
    names = "|".join(map(re.escape, sorted(EXAMPLE_MODULES, key=len, reverse=True)))
    uses = re.compile(r"\b(%s)\." % names) if names else None
    sessions = []
    for page in sorted(GUIDE_SRC.rglob("*.md")):
        if page.name == "SUMMARY.md":
            continue
        for fence in guide_sources.fences(guide_sources.expand(page)):
            if fence.lang != "python" or ">>> " not in fence.body:
                continue
            modules = tuple(sorted(set(uses.findall(fence.body)))) if uses else ()
            sessions.append(Session(page.relative_to(GUIDE_SRC).as_posix(), fence.line, fence.body, modules))
    return sessions


SESSIONS = collect_sessions()


def _run(session: Session, globs: dict) -> None:
    guide_sources.run_session(session.text, globs, session.id, f"guide/src/{session.page}", session.line)


WITH_MODULES = [s for s in SESSIONS if s.modules]
WITHOUT_MODULES = [s for s in SESSIONS if not s.modules]


# `ids` as lists: an empty parameter set with an `ids` function fails collection on the
# older pytest of CPython 3.8's venv.
@pytest.mark.parametrize("session", WITH_MODULES, ids=[s.id for s in WITH_MODULES])
def test_session_with_example_modules(session, hpy_mode, request):
    globs = {name: request.getfixturevalue(f"guide_module_{name}") for name in session.modules}
    _run(session, globs)


@pytest.mark.parametrize("session", WITHOUT_MODULES, ids=[s.id for s in WITHOUT_MODULES])
def test_session_without_modules(session):
    _run(session, {})


def test_sessions_are_found():
    """The collection sees the sessions that exist: intro.md's (against quickstart) at least,
    and exactly as many blocks as a plain count of ```python fences holding `>>> ` finds."""
    assert "quickstart" in EXAMPLE_MODULES and "tour" in EXAMPLE_MODULES, EXAMPLE_MODULES
    assert any(s.page == "intro.md" and s.modules == ("quickstart",) for s in SESSIONS), [s.id for s in SESSIONS]
    plain_count = 0
    for page in GUIDE_SRC.rglob("*.md"):
        if page.name != "SUMMARY.md":
            text = guide_sources.expand(page)
            plain_count += len(re.findall(r"^[ \t]*```python[^\n]*\n(?:(?!```)[\s\S])*?>>> ", text, re.M))
    assert len(SESSIONS) == plain_count >= 1
    assert REPO_ROOT.joinpath("guide", "src", "intro.md").is_file()
