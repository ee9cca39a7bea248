# Builds the C HPy benchmark references (microbench_chpy, hpyarray_chpy) with the installed
# `hpy` package, in either HPy ABI. `--hpy-abi` is a global option, so it goes before build_ext:
#
#   python setup.py -q --hpy-abi=cpython   build_ext --build-lib OUT --build-temp TMP
#   python setup.py -q --hpy-abi=universal build_ext --build-lib OUT --build-temp TMP
#
# cpython writes <name>.cpython-311-x86_64-linux-gnu.so; universal writes <name>.hpy0.so plus a
# <name>.py loader stub (`import <name>` with OUT on sys.path; HPY=debug for the debug mode).
import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

# -O3 like the release build of the Rust modules, so that the comparison is between optimised
# builds; -Wall keeps the reference warning-free.
CFLAGS = ["-O3", "-Wall"]


STUB = """\
# Loads the HPy universal binary {so} next to this file (written by setup.py instead of hpy
# 0.9's stub, which needs pkg_resources, gone from recent setuptools). HPY=debug selects the
# debug mode, as with hpy's own stub.
def _load():
    import os
    import sys
    from hpy.universal import _load_bootstrap

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "{so}")
    sys.modules[__name__] = _load_bootstrap(
        "{name}", __name__, __package__, path, __loader__, __spec__, os.environ
    )


_load()
"""


class BuildExt(build_ext):
    """build_ext that leaves a working loader stub next to each universal binary in --build-lib.

    setuptools writes stubs into build_py's build_lib (build/lib...-hpy-universal), a directory
    a bare `build_ext --build-lib OUT` never creates, so the build would fail there; and hpy's
    stub imports pkg_resources, which setuptools >= 81 no longer has. So the stub goes into
    --build-lib and is then replaced with one that only needs hpy.
    """

    def finalize_options(self):
        super().finalize_options()
        self.distribution.get_command_obj("build_py").build_lib = self.build_lib

    def run(self):
        super().run()
        if getattr(self.distribution, "hpy_abi", "cpython") == "cpython":
            return
        for ext in self.extensions:
            if getattr(ext, "_needs_stub", False):
                so = os.path.basename(self.get_ext_filename(ext.name))
                with open(os.path.join(self.build_lib, ext.name + ".py"), "w") as f:
                    f.write(STUB.format(so=so, name=ext.name))


setup(
    name="hpyrs-bench-c-hpy-reference",
    version="0.0.0",
    cmdclass={"build_ext": BuildExt},
    hpy_ext_modules=[
        Extension("microbench_chpy", sources=["microbench_chpy.c"], extra_compile_args=CFLAGS),
        Extension("hpyarray_chpy", sources=["hpyarray_chpy.c"], extra_compile_args=CFLAGS),
    ],
)
