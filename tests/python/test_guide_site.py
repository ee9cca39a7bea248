"""The guide, checked like a web site (issue 14). Host-only.

The guide is built with the project's mdBook (tools/setup_env.sh installs it into
.tools/mdbook) into target/guide, and the repository root is served on 127.0.0.1 by Python's
http.server, so the site is at /target/guide/ and its relative links to repository files
(../../examples/...) resolve as they do in the built files. Then:

* LinkChecker (PyPI `linkchecker`, in the host venv) crawls the site from its index page and
  finds no broken internal link; links to repository files are checked but not crawled, external
  links are not checked (no network).
* Debian's Chromium, headless, driven by Playwright (PyPI `playwright`, launched on
  /usr/bin/chromium: no browser download; made for driving a browser from a test, it reports the
  page's console messages and uncaught errors as events) opens every page SUMMARY.md lists and
  checks that it shows its title as an <h1>, renders at least as many code blocks as its
  Markdown source has fenced blocks (includes expanded), and logs no console error and throws
  no uncaught error. Then the search box finds SEARCH_TERM on SEARCH_PAGE.

When mdBook, Chromium, Playwright or LinkChecker is missing the tests skip with the reason, and
fail under CI=true.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import guide_sources
from guide_sources import GUIDE_SRC, REPO_ROOT

SITE = REPO_ROOT / "target" / "guide"  # guide/book.toml's build-dir
CHROMIUM = Path("/usr/bin/chromium")
MDBOOK = REPO_ROOT / ".tools" / "mdbook" / "bin" / "mdbook"

# The search test: a term of the porting guide from C HPy, and the page the results must link to.
SEARCH_TERM, SEARCH_PAGE = "HPyDef_METH", "porting-c-hpy.md"


def missing(what: str) -> None:
    """A tool this test needs is not installed: skip, or fail under CI=true."""
    message = f"{what} (tools/setup_env.sh installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI=true: {message}", pytrace=False)
    pytest.skip(message)


def _mdbook() -> str:
    if MDBOOK.is_file():
        return str(MDBOOK)
    found = shutil.which("mdbook")
    if found is None:
        missing(f"no mdBook: neither {MDBOOK} nor mdbook on PATH")
    return found


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def end_headers(self):
        # LinkChecker sends at most 10 requests a second to a host (3 on average: 20 s for this
        # site) unless the server answers with this header; then its maxrequestspersecond counts.
        self.send_header("LinkChecker", "hpy-rs guide test")
        super().end_headers()


@pytest.fixture(scope="module")
def site():
    """The base URL of the freshly built guide, served from the repository root."""
    proc = subprocess.run(
        [_mdbook(), "build", str(REPO_ROOT / "guide")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"mdbook build guide failed:\n{proc.stdout[-6000:]}"
    assert (SITE / "index.html").is_file(), f"mdbook wrote no {SITE / 'index.html'}:\n{proc.stdout}"
    handler = functools.partial(_QuietHandler, directory=str(REPO_ROOT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/target/guide/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def _pages():
    return guide_sources.summary_pages()


def test_summary_lists_pages():
    pages = _pages()
    assert len(pages) >= 10 and pages[0] == ("Introduction", "intro.md"), pages
    for _, path in pages:
        assert (GUIDE_SRC / path).is_file(), path


def test_no_broken_internal_links(site, tmp_path):
    # As a module of this interpreter, not through its console script, whose shebang names the
    # venv's path at install time.
    if importlib.util.find_spec("linkcheck") is None:
        missing(f"no LinkChecker in {sys.executable}")
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=200\n")
    port_root = re.escape(site.split("/target/guide/")[0] + "/")
    cmd = [
        sys.executable, "-m", "linkcheck", "--config", str(config), "--no-status", "--no-warnings", "--threads", "4",
        # crawl the site; check (but do not crawl) the repository files it links to
        "--no-follow-url", rf"^{port_root}(?!target/guide/)",
        site + "index.html",
    ]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
                          env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")})
    assert proc.returncode == 0, f"{' '.join(cmd)} (exit {proc.returncode}):\n{proc.stdout[-8000:]}"
    checked = re.search(r"(\d+) links? in (\d+) URLs? checked", proc.stdout)
    assert checked, proc.stdout[-3000:]
    # every page was reached (plus the site's own css/js/fonts)
    assert int(checked.group(2)) >= len(_pages()), proc.stdout[-3000:]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        missing(f"no {CHROMIUM} (Debian's chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        missing(f"no Playwright in {sys.executable}: {e}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def _open(browser):
    """A new browser tab and the list it appends its console errors and uncaught errors to."""
    page = browser.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text} ({msg.location})")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    return page, errors


def _goto(page, url):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"


def test_every_page_renders(site, browser):
    """Each page of SUMMARY.md shows its title in an <h1> and at least as many `pre code` blocks
    as its source has fences, with no console error and no uncaught error."""
    problems = []
    page, errors = _open(browser)
    try:
        for title, path in _pages():
            errors.clear()
            _goto(page, site + path[: -len(".md")] + ".html")
            source = guide_sources.expand(GUIDE_SRC / path)
            shown = [guide_sources.smart(" ".join(t.split())) for t in page.locator("main h1").all_inner_texts()]
            heading = guide_sources.first_heading(source)
            wanted = {guide_sources.plain(title)} | ({guide_sources.plain(heading)} if heading else set())
            if not wanted & set(shown):
                problems.append(f"{path}: no <h1> among {shown} shows {sorted(wanted)}")
            fences = len(guide_sources.fences(source))
            rendered = page.locator("main pre code").count()
            if rendered < fences:
                problems.append(f"{path}: {rendered} rendered code blocks, {fences} fenced blocks in the source")
            problems += [f"{path}: {e}" for e in errors]
    finally:
        page.close()
    assert not problems, "\n".join(problems)


def test_search_term_is_on_its_page():
    assert SEARCH_TERM in guide_sources.expand(GUIDE_SRC / SEARCH_PAGE)


def test_search_finds_the_porting_guide(site, browser):
    page, errors = _open(browser)
    try:
        _goto(page, site + "index.html")
        page.keyboard.press("s")  # mdBook's shortcut for the search box
        searchbar = page.locator("#mdbook-searchbar")
        searchbar.wait_for(state="visible", timeout=10_000)
        searchbar.press_sequentially(SEARCH_TERM, delay=20)  # the searcher listens to keyup
        target = SEARCH_PAGE[: -len(".md")] + ".html"
        hit = page.locator(f'#mdbook-searchresults a[href*="{target}"]')
        hit.first.wait_for(timeout=10_000)
        assert hit.count() >= 1
        assert not errors, errors
    finally:
        page.close()


# Fence languages the guide uses (guide.md's rule): highlight.js in mdBook knows them, and
# `pycon`, which it does not, is not one of them.
KNOWN_FENCE_LANGUAGES = {"", "rust", "python", "sh", "text", "c", "toml", "console", "bash", "json", "diff", "ini", "yaml"}


def test_fence_languages_are_known():
    unknown = [
        f"{path}:{fence.line}: ```{fence.info}"
        for _, path in _pages()
        for fence in guide_sources.fences(guide_sources.expand(GUIDE_SRC / path))
        if fence.lang not in KNOWN_FENCE_LANGUAGES
    ]
    assert not unknown, unknown
