"""The guide's Markdown sources as mdBook sees them, for test_guide_site.py and
test_guide_snippets.py: the chapter list of guide/src/SUMMARY.md, each page with its
`{{#include}}` directives expanded, and its fenced code blocks; and `run_session`, which runs a
`>>> ` session with doctest (also for test_readme.py)."""

from __future__ import annotations

import doctest
import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

REPO_ROOT = Path(__file__).resolve().parents[2]
GUIDE_SRC = REPO_ROOT / "guide" / "src"

# mdBook's directives that paste a file (or part of one) into the page.
_INCLUDE = re.compile(r"\{\{\s*#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}")
_ANCHOR = re.compile(r"ANCHOR(_END)?:\s*([\w-]+)")


def _select(text: str, spec: Optional[str]) -> str:
    """The part of `text` that `{{#include file:spec}}` pastes: all of it, a line range
    (`N`, `N:`, `:M`, `N:M`, 1-based, inclusive) or the lines between `ANCHOR: spec` and
    `ANCHOR_END: spec` (anchor comment lines left out, as mdBook does)."""
    if not spec:
        return text
    lines = text.splitlines()
    if re.fullmatch(r"\d*(:\d*)?", spec):
        start, _, end = spec.partition(":")
        lo = int(start) - 1 if start else 0
        hi = int(end) if end else (len(lines) if ":" in spec else lo + 1)
        return "\n".join(lines[lo:hi]) + "\n"
    out, inside = [], False
    for line in lines:
        m = _ANCHOR.search(line)
        if m and m.group(2) == spec:
            inside = not m.group(1)
            continue
        if m:  # another anchor's marker: mdBook drops those lines too
            continue
        if inside:
            out.append(line)
    return "\n".join(out) + "\n"


def expand(path: Path, depth: int = 0) -> str:
    """`path`'s text with its `{{#include}}` directives replaced by what they include (paths
    relative to the including file, like mdBook). A missing file is an error here already."""
    text = path.read_text(encoding="utf-8")
    if depth > 8:
        raise RecursionError(f"{path}: includes nested too deeply")

    def paste(m: "re.Match[str]") -> str:
        target, _, spec = m.group(2).partition(":")
        included = (path.parent / target).resolve()
        if not included.is_file():
            raise FileNotFoundError(f"{path.relative_to(REPO_ROOT)}: {{{{#{m.group(1)} {m.group(2)}}}}}: no {included}")
        body = _select(expand(included, depth + 1) if included.suffix == ".md" else included.read_text(encoding="utf-8"), spec)
        return body.rstrip("\n")

    return _INCLUDE.sub(paste, text)


@dataclass
class Fence:
    """One fenced code block: its info string (`rust,ignore`), body and first line (1-based, in
    the expanded text)."""

    info: str
    body: str
    line: int

    @property
    def lang(self) -> str:
        return re.split(r"[,\s]", self.info.strip(), maxsplit=1)[0] if self.info.strip() else ""


_OPEN = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")


def fences(text: str) -> List[Fence]:
    """The fenced code blocks of Markdown `text`, CommonMark's way: a block closes on a line of
    at least as many of the same fence characters and nothing else; an unclosed one runs to the
    end of the text."""
    out: List[Fence] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if not m or (m.group(2)[0] == "`" and "`" in m.group(3)):
            i += 1
            continue
        indent, fence, info = len(m.group(1)), m.group(2), m.group(3)
        body, j = [], i + 1
        while j < len(lines):
            close = re.match(r"^\s*(%s{%d,})\s*$" % (re.escape(fence[0]), len(fence)), lines[j])
            if close:
                break
            line = lines[j]
            # content lines lose up to the opening fence's indentation
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            j += 1
        out.append(Fence(info.strip(), "\n".join(body) + "\n", i + 1))
        i = j + 1
    return out


def summary_pages() -> List[Tuple[str, str]]:
    """(title, path relative to guide/src) of every page SUMMARY.md lists, in order."""
    text = (GUIDE_SRC / "SUMMARY.md").read_text(encoding="utf-8")
    return re.findall(r"\[([^\]]+)\]\(([^)\s]+\.md)\)", text)


def first_heading(text: str) -> Optional[str]:
    """The text of the page's first level-1 heading (`# Title`), outside code blocks."""
    in_fence = None
    for line in text.splitlines():
        m = _OPEN.match(line)
        if m:
            if in_fence is None:
                in_fence = m.group(2)[0]
            elif line.strip().startswith(in_fence * 3):
                in_fence = None
            continue
        if in_fence is None:
            h = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
            if h:
                return h.group(1)
    return None


def plain(markdown_inline: str) -> str:
    """What a browser shows for a line of inline Markdown: no backticks, emphasis or link
    syntax, whitespace collapsed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_inline)
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)
    return smart(" ".join(text.split()))


def smart(text: str) -> str:
    """`text` with the typographic quotes and dashes of mdBook's smart punctuation (on by
    default) made plain again, so a source line and its rendering compare equal."""
    text = text.translate(str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."}))
    return re.sub(r"\u2014|\u2013|---|--", "-", text)


def run_session(text: str, globs: dict, name: str, filename: str, line: int = 0) -> int:
    """Runs a `>>> ` session with doctest (ELLIPSIS), asserting that every example ran and
    none failed; returns how many examples it has. Used for the guide's sessions and the
    README's."""
    test = doctest.DocTestParser().get_doctest(text, globs, name, filename, line)
    assert test.examples, f"{name}: no `>>> ` example found by doctest"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: List[str] = []
    result = runner.run(test, out=out.append, clear_globs=False)
    assert result.failed == 0, f"{filename}:\n" + "".join(out)
    assert result.attempted == len(test.examples)
    return len(test.examples)
