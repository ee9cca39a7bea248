"""`python -m hpyrs_build new PATH`: write a new hpy-rs extension project.

    python -m hpyrs_build new PATH [--name NAME]
                                   [--hpy-path DIR | --hpy-git URL [--rev R] | --hpy-version V]

PATH must not exist or be an empty directory. NAME (default: the last component of PATH, with
`-` turned into `_`) is the Python module name, the cargo package and library name and the
distribution name; it must be a Python identifier (ASCII letters, digits and underscores, not
starting with a digit) that is neither a Python nor a Rust keyword.

The project (see templates/):

    Cargo.toml            cdylib depending on hpy; an empty [workspace] table
    pyproject.toml        [build-system] hpyrs-build, [project], [tool.hpyrs]
    src/lib.rs            a module with two functions, a class and an exception
    tests/test_NAME.py    pytest tests of that module
    README.md             how to build, install and test it; the forms of the hpy dependency
    .gitignore

How Cargo.toml names the hpy crate:

* default: `hpy = "0.1"` (the version of the checkout's hpy crate) plus a `[patch.crates-io]`
  entry pointing at the hpy-rs checkout this command runs from (found from this file's location,
  else from the current directory). The crates are not on crates.io yet; this is the form that
  keeps working unchanged once they are: deleting the `[patch]` table is all it takes. Without a
  checkout, the version alone is written, with a warning.
* `--hpy-path DIR`: `hpy = { path = "DIR/hpy" }` (DIR is the checkout, or its hpy/ directory).
* `--hpy-git URL [--rev R]`: `hpy = { git = "URL", rev = "R" }`.
* `--hpy-version V`: `hpy = "V"`, from crates.io.

As a module: `create(path, name=None, dependency=None) -> list of the files written`, and
`main(argv) -> exit status`.
"""

from __future__ import annotations

import argparse
import keyword
import os
import re
import string
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

__all__ = ["NewProjectError", "Dependency", "create", "find_checkout", "main", "validate_name"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
DEFAULT_HPY_VERSION = "0.1"

# Template file -> path in the project ({name} is the module name).
FILES = (
    ("Cargo.toml.tmpl", "Cargo.toml"),
    ("pyproject.toml.tmpl", "pyproject.toml"),
    ("lib.rs.tmpl", "src/lib.rs"),
    ("test_module.py.tmpl", "tests/test_{name}.py"),
    ("README.md.tmpl", "README.md"),
    ("gitignore.tmpl", ".gitignore"),
)

# Rust keywords (strict and reserved, all editions up to 2024) that are valid Python
# identifiers: `mod <name>` and `[lib] name` cannot be one of them.
RUST_KEYWORDS = frozenset(
    "abstract as become box const crate do dyn enum extern final fn gen impl let loop macro "
    "match mod move mut override priv pub ref self Self static struct super trait type typeof "
    "unsafe unsized use virtual where".split()
)
# Names the module would collide with: the crates it depends on, Rust's built-in crates and the
# Python packages that load it or build it.
TAKEN = frozenset(
    "hpy hpy_sys hpy_macros hpyrs_build std core alloc proc_macro test".split()
)


class NewProjectError(Exception):
    """A bad argument: the message says what to do."""


class Dependency:
    """How Cargo.toml names the hpy crate: `line` goes under [dependencies], `patch` (possibly
    empty) is a whole [patch.crates-io] table, `form` names it in the README."""

    def __init__(self, line: str, patch: str, form: str, version: str) -> None:
        self.line = line
        self.patch = patch
        self.form = form
        self.version = version

    @classmethod
    def version_with_patch(cls, checkout: Path) -> "Dependency":
        version = _checkout_hpy_version(checkout)
        patch = (
            "\n# hpy-rs is not on crates.io yet: take the crate from a local checkout. Delete this\n"
            "# table to use crates.io's (see README.md for the other forms).\n"
            f"[patch.crates-io]\nhpy = {{ path = {_toml_str(str(checkout / 'hpy'))} }}\n"
        )
        return cls(f"hpy = {_toml_str(version)}", patch, "version + `[patch.crates-io]` (2)", version)

    @classmethod
    def path(cls, directory: Path) -> "Dependency":
        crate = _hpy_crate_dir(directory)
        version = _checkout_hpy_version(crate.parent)
        return cls(f"hpy = {{ path = {_toml_str(str(crate))} }}", "", "path (3)", version)

    @classmethod
    def git(cls, url: str, rev: Optional[str]) -> "Dependency":
        fields = f"git = {_toml_str(url)}" + (f", rev = {_toml_str(rev)}" if rev else "")
        return cls(f"hpy = {{ {fields} }}", "", "git (4)", DEFAULT_HPY_VERSION)

    @classmethod
    def crates_io(cls, version: str) -> "Dependency":
        if not re.fullmatch(r"[=^~<>]*\s*\d+(\.\d+){0,2}([-+.][0-9A-Za-z.+-]*)?", version.strip()):
            raise NewProjectError(f"--hpy-version {version!r} is not a version requirement (for example 0.1)")
        return cls(f"hpy = {_toml_str(version.strip())}", "", "version (1)", version.strip())


def _toml_str(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _is_checkout(directory: Path) -> bool:
    return (directory / "hpy" / "Cargo.toml").is_file() and (directory / "hpy-sys" / "Cargo.toml").is_file()


def find_checkout(start: Optional[Path] = None) -> Optional[Path]:
    """The hpy-rs checkout this package runs from (its python/hpyrs-build/hpyrs_build/), else
    the one containing `start` (default: the current directory), else None."""
    here = Path(__file__).resolve()
    for candidate in [*here.parents, *Path(start or Path.cwd()).resolve().parents, Path(start or Path.cwd()).resolve()]:
        if _is_checkout(candidate):
            return candidate
    return None


def _hpy_crate_dir(directory: Path) -> Path:
    directory = Path(directory).expanduser().resolve()
    for crate in (directory / "hpy", directory):
        manifest = crate / "Cargo.toml"
        if manifest.is_file() and re.search(r'(?m)^name\s*=\s*"hpy"\s*$', manifest.read_text(encoding="utf-8")):
            return crate
    raise NewProjectError(
        f"--hpy-path {directory}: neither it nor its hpy/ directory is the hpy crate "
        "(give the root of an hpy-rs checkout)"
    )


def _load_toml(path: Path) -> dict:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python < 3.11: hpyrs-build depends on tomli there
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, ValueError):
        return {}


def _checkout_hpy_version(checkout: Path) -> str:
    """`MAJOR.MINOR` of the checkout's hpy crate (a caret requirement: "0.1" accepts 0.1.x)."""
    version = _load_toml(checkout / "hpy" / "Cargo.toml").get("package", {}).get("version")
    if not isinstance(version, str):  # `version.workspace = true`
        version = _load_toml(checkout / "Cargo.toml").get("workspace", {}).get("package", {}).get("version")
    match = re.match(r"(\d+)\.(\d+)\.\d+", version) if isinstance(version, str) else None
    if match is None:
        return DEFAULT_HPY_VERSION
    major, minor = match.groups()
    return f"{major}.{minor}" if major == "0" else major


def validate_name(name: str) -> str:
    """Returns `name` if it can name the module, the crate and the distribution; else raises
    NewProjectError saying why."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        if name and re.fullmatch(r"[A-Za-z0-9_-]+", name) and not name[0].isdigit():
            hint = f" (did you mean {name.replace('-', '_')}?)"
        else:
            hint = ""
        raise NewProjectError(
            f"{name!r} is not a valid module name: use ASCII letters, digits and underscores, "
            f"not starting with a digit{hint}; choose one with --name"
        )
    if keyword.iskeyword(name):
        raise NewProjectError(f"{name!r} is a Python keyword and cannot name a module; choose another with --name")
    if name in RUST_KEYWORDS:
        raise NewProjectError(f"{name!r} is a Rust keyword and cannot name the Rust module; choose another with --name")
    if name in TAKEN:
        raise NewProjectError(f"{name!r} is already taken by a crate or package the project uses; choose another with --name")
    stdlib = getattr(sys, "stdlib_module_names", ())
    if name in stdlib:
        raise NewProjectError(
            f"{name!r} is a module of Python's standard library, which the extension would hide; "
            "choose another with --name"
        )
    return name


def _render(template: str, values: Dict[str, str]) -> str:
    return string.Template((TEMPLATES / template).read_text(encoding="utf-8")).substitute(values)


def create(path: "os.PathLike[str] | str", name: Optional[str] = None, dependency: Optional[Dependency] = None) -> List[Path]:
    """Writes the project into `path` (absent or an empty directory); returns the files."""
    target = Path(path).expanduser()
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise NewProjectError(f"{target} exists and is not a directory")
        if any(target.iterdir()):
            raise NewProjectError(f"{target} is not empty: give a new or empty directory (nothing was written)")
    if name is None:
        name = target.resolve().name.replace("-", "_")
    validate_name(name)
    if dependency is None:
        checkout = find_checkout()
        if checkout is not None:
            dependency = Dependency.version_with_patch(checkout)
        else:
            print(
                "hpyrs_build new: warning: no hpy-rs checkout found, so Cargo.toml names hpy by version "
                "only, which crates.io does not have yet: add a [patch.crates-io] entry (README.md) or "
                "rerun with --hpy-path",
                file=sys.stderr,
            )
            dependency = Dependency.crates_io(DEFAULT_HPY_VERSION)
    values = {
        "name": name,
        "dependency": dependency.line,
        "patch": dependency.patch,
        "dependency_form": dependency.form,
        "hpy_version": dependency.version,
    }
    rendered = [(target / dest.format(name=name), _render(template, values)) for template, dest in FILES]
    written = []
    for dest, text in rendered:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "x", encoding="utf-8", newline="\n") as f:
            f.write(text)
        written.append(dest)
    return written


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hpyrs_build new",
        description="Write a new hpy-rs extension project (Cargo.toml, pyproject.toml, src/lib.rs, "
        "tests, README.md) into PATH.",
    )
    parser.add_argument("path", metavar="PATH", help="the project directory (must not exist, or be empty)")
    parser.add_argument("--name", help="the Python module name (default: the last part of PATH, - turned into _)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--hpy-path", metavar="DIR", help="depend on the hpy crate of this hpy-rs checkout by path")
    source.add_argument("--hpy-git", metavar="URL", help="depend on hpy from this git repository")
    source.add_argument("--hpy-version", metavar="V", help="depend on this version of hpy from crates.io")
    parser.add_argument("--rev", metavar="R", help="with --hpy-git: the commit (or tag) to use")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.rev is not None and args.hpy_git is None:
        parser.error("--rev needs --hpy-git")
    try:
        if args.hpy_path is not None:
            dependency: Optional[Dependency] = Dependency.path(Path(args.hpy_path))
        elif args.hpy_git is not None:
            dependency = Dependency.git(args.hpy_git, args.rev)
        elif args.hpy_version is not None:
            dependency = Dependency.crates_io(args.hpy_version)
        else:
            dependency = None
        written = create(args.path, args.name, dependency)
    except NewProjectError as error:
        print(f"hpyrs_build new: error: {error}", file=sys.stderr)
        return 2
    root = Path(args.path)
    for path in written:
        print(path)
    print(
        f"\nNext: cd {root} && python -m pip install . && python -m pytest tests (see {root / 'README.md'})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
