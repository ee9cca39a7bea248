"""Builds the per-object micro experiment: `newexp` (HPy, with --hpy-abi=universal|cpython) and
`capiexp` (its C-API twin); bench/kiwi_hpy_reference/kiwi_hpy_reference.py runs it in a copy."""
from setuptools import Extension, setup

setup(name="newexp", hpy_ext_modules=[Extension("newexp", ["newexp.c"], extra_compile_args=["-O3"])],
      ext_modules=[Extension("capiexp", ["capiexp.c"], extra_compile_args=["-O3"])])
