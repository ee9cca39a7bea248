# Builds the plain C-API benchmark references (microbench_capi, hpyarray_capi):
#
#   python setup.py -q build_ext --build-lib OUT --build-temp TMP
#
# which writes <name>.cpython-311-x86_64-linux-gnu.so into OUT.
from setuptools import Extension, setup

# -O3 like the release build of the Rust modules, so that the comparison is between optimised
# builds; -Wall keeps the reference warning-free.
CFLAGS = ["-O3", "-Wall"]

setup(
    name="hpyrs-bench-c-api-reference",
    version="0.0.0",
    ext_modules=[
        Extension("microbench_capi", sources=["microbench_capi.c"], extra_compile_args=CFLAGS),
        Extension("hpyarray_capi", sources=["hpyarray_capi.c"], extra_compile_args=CFLAGS),
    ],
)
