"""Command line of hpyrs-build.

    python -m hpyrs_build build CRATE_DIR --abi {universal,cpython} [--out DIR] [--release | --debug]
                                [--python PATH] [--no-stubs]
    python -m hpyrs_build develop [PROJECT_DIR] [-C KEY=VALUE ...]
    python -m hpyrs_build new PATH [--name NAME] [--hpy-path DIR | --hpy-git URL | --hpy-version V]

`build` compiles an extension crate into an importable module, without making a wheel:

--abi universal
    OUT/<name>.hpy0.so plus the loader stub OUT/<name>.py: with OUT on sys.path, `import <name>`
    loads the binary through `hpy.universal` (the `hpy` package in the importing Python;
    PyPy has it built in). The same binary works on every CPython 3.8-3.15 and on PyPy.
    Debug mode needs no rebuild: HPY=debug (or HPY=<name>:debug) at import time; HPY_LOG=1
    prints which mode was used.
--abi cpython
    OUT/<name><EXT_SUFFIX> (e.g. `quickstart.cpython-311-x86_64-linux-gnu.so`), compiled against
    the headers of one Python (--python, default: the one running this) and HPy's CPython
    runtime from its `hpy==0.9.*` package. Only that Python version can load it.

Both also get the type stub OUT/<name>.pyi (needs a Python that can import the module; a
warning says why when it cannot be made; --no-stubs skips it). --release (default) / --debug
select cargo's `release` / `dev` profile (nothing to do with HPy's debug mode); the release
profile gets fat LTO, one codegen unit and panic=unwind unless the crate's workspace sets them.
OUT defaults to CRATE_DIR/build/<abi>/. Files are replaced atomically; a module of the other ABI
left in OUT is removed (a `<name>.cpython-*.so` beside the stub would win the import). Each ABI
(and each target Python of the CPython ABI) builds into its own cargo target directory, so
switching does not rebuild everything. The produced paths are printed to stdout, one per line;
messages go to stderr; the exit status is non-zero on failure.

`develop` rebuilds the in-tree module that `pip install -e .` installed (what a Rust change
needs; Python sources are live), with the project's [tool.hpyrs] settings and -C overrides.

`new` writes a new extension project (hpyrs_build.new).

Wheels are made by pip through the PEP 517 hooks (`pip wheel .`, docs/packaging.md).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from .compile import ABIS, BuildError, build


def build_main(argv: Optional[List[str]] = None, prog: str = "python -m hpyrs_build build", tag: str = "hpyrs-build") -> int:
    """`build` subcommand (also tools/hpy_build.py, with its own prog and message prefix)."""
    epilog = __doc__[__doc__.index("`build` compiles") : __doc__.index("`develop` rebuilds")].strip()
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Build an hpy-rs extension crate into an importable Python module.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("crate_dir", metavar="CRATE_DIR", help="the extension crate (a cargo package with a cdylib target)")
    parser.add_argument("--abi", required=True, choices=ABIS, help="which HPy ABI to build for")
    parser.add_argument("--out", metavar="DIR", help="output directory (default: CRATE_DIR/build/<abi>/)")
    profile = parser.add_mutually_exclusive_group()
    profile.add_argument("--release", dest="release", action="store_true", default=True, help="optimised cargo build (default)")
    profile.add_argument("--debug", dest="release", action="store_false", help="unoptimised cargo build (not HPy debug mode: see HPY=debug)")
    parser.add_argument("--python", metavar="PATH", help="interpreter the CPython-ABI build targets (default: the one running this tool)")
    parser.add_argument("--no-stubs", dest="stubs", action="store_false", help="do not write the type stub <name>.pyi")
    args = parser.parse_args(argv)

    try:
        dest = build(args.crate_dir, args.abi, out=args.out, release=args.release, python=args.python, verbose=True, stubs=args.stubs)
    except BuildError as e:
        print(f"{tag}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130

    name = dest.name.split(".", 1)[0]
    # The header goes to stderr so that stdout is exactly the produced paths.
    print(f"{tag}: built module `{name}` ({args.abi} ABI):", file=sys.stderr)
    print(dest)
    if args.abi == "universal":
        print(dest.with_name(f"{name}.py"))
    if args.stubs and dest.with_name(f"{name}.pyi").is_file():
        print(dest.with_name(f"{name}.pyi"))
    return 0


def develop_main(argv: Optional[List[str]] = None) -> int:
    """`develop`: rebuild the module of an editable install in place."""
    from pathlib import Path

    from .backend import develop

    parser = argparse.ArgumentParser(prog="python -m hpyrs_build develop", description=develop_main.__doc__)
    parser.add_argument("project", nargs="?", default=".", help="the project (directory of pyproject.toml)")
    parser.add_argument("-C", "--config-setting", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                        help="override a [tool.hpyrs] key, as pip's -C does (e.g. -C abi=cpython)")
    args = parser.parse_args(argv)
    settings = {}
    for item in args.settings:
        key, sep, value = item.partition("=")
        if not sep:
            parser.error(f"-C {item}: expected KEY=VALUE")
        settings[key] = value
    try:
        dest = develop(Path(args.project).resolve(), settings)
    except BuildError as e:
        print(f"hpyrs-build: error: {e}", file=sys.stderr)
        return 1
    print(dest)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "build": "build a crate into an importable module",
        "develop": "rebuild the module of an editable install",
        "new": "write a new extension project",
    }
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in commands:
        usage = "usage: python -m hpyrs_build {build,develop,new} ...\n\n" + "\n".join(f"  {c:8} {h}" for c, h in commands.items())
        if argv and argv[0] not in ("-h", "--help"):
            print(f"{usage}\n\nhpyrs-build: error: unknown command {argv[0]!r}", file=sys.stderr)
            return 2
        print(usage + "\n\n" + __doc__.split("\n\n", 1)[1].split("\n\n", 1)[1])
        return 0 if argv else 2
    if argv[0] == "new":
        from .new import main as new_main  # hpyrs_build/new.py (the project generator)

        return new_main(argv[1:])
    if argv[0] == "develop":
        return develop_main(argv[1:])
    return build_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
