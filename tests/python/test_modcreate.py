"""examples/modcreate: an `HPy_mod_create` slot (`#[hpy_create]`) returning a non-module object."""

import importlib.util
import types

import pytest

import hpyrs_testing
from hpyrs_testing import example_module

mod = example_module("modcreate")


def test_the_created_object_is_not_a_module(mod):
    assert not isinstance(mod, types.ModuleType)
    assert type(mod) is types.SimpleNamespace


def test_the_created_object_has_the_attributes_made_in_rust(mod):
    assert mod.name == "modcreate"  # spec.name
    assert mod.answer == 42


def _load_fresh(hpy_mode, loader_state):
    """Loads modcreate again (a new object, HPyInit/PyInit run again) with `spec.loader_state`
    set, which the create function reads."""
    built = hpyrs_testing.build_example("modcreate")
    if hpy_mode == "cpython":
        spec = importlib.util.spec_from_file_location(built.name, built.cpython)
        spec.loader_state = loader_state
        return importlib.util.module_from_spec(spec)
    import hpy.universal as hu

    if not hpyrs_testing.is_debug(hpy_mode):
        # The copy the session fixture loaded (dlopen maps it once): same context.
        path, mode = built.universal, hu.MODE_UNIVERSAL
    else:
        path, mode = hpyrs_testing.debug_copy(built), hu.MODE_DEBUG
    spec = hpyrs_testing.universal_spec(built.name, path)
    spec.loader_state = loader_state
    return hu.load(built.name, str(path), spec, mode=mode)


def _checked(hpy_mode):
    return hpyrs_testing.DebugChecks() if hpyrs_testing.is_debug(hpy_mode) else _Nothing()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def test_each_load_creates_a_new_object(hpy_mode):
    with _checked(hpy_mode):
        first = _load_fresh(hpy_mode, None)
        second = _load_fresh(hpy_mode, None)
    assert first is not second
    assert (first.name, first.answer) == ("modcreate", 42)
    assert not isinstance(second, types.ModuleType)


def test_returning_a_module_object_is_a_system_error(hpy_mode):
    # HPy forbids a module object from HPy_mod_create; the wrapper closes it and raises.
    with _checked(hpy_mode):
        with pytest.raises(SystemError, match="HPy_mod_create slot returned a builtin module object"):
            _load_fresh(hpy_mode, "module")


def test_an_error_aborts_the_import(hpy_mode):
    with _checked(hpy_mode):
        with pytest.raises(ValueError, match="modcreate: asked to fail"):
            _load_fresh(hpy_mode, "error")


def test_a_panic_is_a_system_error(hpy_mode):
    with _checked(hpy_mode):
        with pytest.raises(SystemError, match=r"Rust panic in create\(\): modcreate: asked to panic"):
            _load_fresh(hpy_mode, "panic")
