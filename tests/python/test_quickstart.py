"""examples/quickstart in three modes: CPython ABI, universal, universal under HPy debug mode
(every debug-mode test runs inside a LeakDetector, so it also asserts zero leaked handles)."""

import sys
import weakref

import pytest

import hpyrs_testing
from hpyrs_testing import collect_garbage, example_module

mod = example_module("quickstart")


def test_module_metadata(mod):
    assert "quickstart" in mod.__doc__
    assert mod.VERSION == "0.1.0"
    assert mod.answer == 42  # set by the #[hpy_exec] hook
    assert mod.add.__doc__.startswith("add(a, b)")
    assert "Return a + b" in mod.add.__doc__


def test_add(mod):
    assert mod.add(2, 3) == 5
    assert mod.add(-7, 7) == 0
    assert mod.add(True, 1) == 2  # bool is an int
    assert mod.add(2**62, 2**62 - 1) == 2**63 - 1


def test_add_overflow(mod):
    with pytest.raises(OverflowError, match="does not fit in 64 bits"):
        mod.add(2**62, 2**62)
    with pytest.raises(OverflowError, match="argument 'a'"):
        mod.add(2**63, 1)
    with pytest.raises(OverflowError, match="argument 'b'"):
        mod.add(1, -(2**63) - 1)


def test_add_wrong_arguments(mod):
    with pytest.raises(TypeError, match=r"add\(\) takes exactly 2 arguments \(1 given\)"):
        mod.add(1)
    with pytest.raises(TypeError, match=r"add\(\) takes exactly 2 arguments \(3 given\)"):
        mod.add(1, 2, 3)
    with pytest.raises(TypeError, match=r"add\(\) argument 'a': expected int, got 'str'"):
        mod.add("1", 2)
    with pytest.raises(TypeError, match=r"argument 'b': expected int, got 'float'"):
        mod.add(1, 2.5)
    with pytest.raises(TypeError):
        mod.add(a=1, b=2)  # positional-only (VARARGS)


def test_greet_keywords_and_defaults(mod):
    assert mod.greet("Ann") == "Hello, Ann!"
    assert mod.greet("Ann", "Hi") == "Hi, Ann!"
    assert mod.greet("Ann", times=2) == "Hello, Ann! Hello, Ann!"
    assert mod.greet(greeting="Yo", name="Bo") == "Yo, Bo!"
    assert mod.greet("Zoë", "Grüß Gott") == "Grüß Gott, Zoë!"
    assert mod.greet("x", times=0) == ""


def test_greet_bad_arguments(mod):
    with pytest.raises(TypeError, match=r"greet\(\) missing required argument 'name' \(pos 1\)"):
        mod.greet()
    with pytest.raises(TypeError, match=r"greet\(\) got an unexpected keyword argument 'nope'"):
        mod.greet("a", nope=1)
    with pytest.raises(TypeError, match=r"greet\(\) got multiple values for argument 'name'"):
        mod.greet("a", name="b")
    with pytest.raises(TypeError, match=r"greet\(\) takes at most 3 arguments \(4 given\)"):
        mod.greet("a", "b", 1, 2)
    with pytest.raises(OverflowError, match="argument 'times'"):
        mod.greet("a", times=-1)
    with pytest.raises(TypeError, match=r"argument 'name': expected str, got 'int'"):
        mod.greet(5)


def test_keyword_names_utf8_cannot_hold(mod):
    """A lone surrogate as a keyword name is an unknown keyword, in CPython's words (it is not
    UTF-8, so it cannot match a parameter), not a UnicodeEncodeError."""
    with pytest.raises(TypeError, match=r"^'\\ud800' is an invalid keyword argument for greet\(\)$"):
        mod.greet("a", **{"\ud800": 1})


@hpyrs_testing.needs_failing_huge_allocations
def test_a_size_from_the_caller_raises_memory_error(mod):
    """greet() reserves its result with try_reserve: about 43 GB is a MemoryError, not an abort."""
    with pytest.raises(MemoryError):
        mod.greet("x", times=2**32 - 1)
    assert mod.greet("x", times=2) == "Hello, x! Hello, x!"


def test_strings(mod):
    assert mod.reverse("abc") == "cba"
    assert mod.reverse("") == ""
    assert mod.reverse("héllo ✓ 𝄞") == "𝄞 ✓ olléh"
    assert mod.word_stats("hello wide world") == (3, 16, "hello")
    assert mod.word_stats("") == (0, 0, None)
    assert mod.word_stats("naïve café ünïcödé") == (3, 18, "ünïcödé")


def test_bad_strings(mod):
    with pytest.raises(UnicodeEncodeError):
        mod.reverse("lone \ud800 surrogate")
    with pytest.raises(TypeError, match="expected str, got 'bytes'"):
        mod.reverse(b"bytes")
    with pytest.raises(TypeError, match="expected str, got 'NoneType'"):
        mod.reverse(None)


def test_divide_raises(mod):
    assert mod.divide(1, 4) == 0.25
    assert mod.divide(3.0, -2) == -1.5
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        mod.divide(1, 0)
    with pytest.raises(TypeError, match="argument 'a': expected float, got 'str'"):
        mod.divide("1", 2)


def test_mean_lists(mod):
    assert mod.mean([1, 2, 3]) == 2.0
    assert mod.mean((1.5, 2.5)) == 2.0
    with pytest.raises(ValueError, match="empty list"):
        mod.mean([])
    with pytest.raises(TypeError, match="argument 'values': item 1: expected float, got 'str'"):
        mod.mean([1, "x"])
    with pytest.raises(TypeError, match="expected list or other non-str iterable, got 'str'"):
        mod.mean("123")


def test_callbacks(mod):
    assert mod.apply(lambda x: x * 2, 3, times=3) == 24
    assert mod.apply(str.upper, "a") == "A"
    assert mod.apply(lambda x: x, "same", times=0) == "same"
    seen = []
    mod.apply(seen.append, 7)
    assert seen == [7]
    assert mod.call_with_sep(lambda a, b, sep: a + sep + b, "x", "y") == "x-y"


def test_exception_in_callback_propagates(mod):
    error = KeyError("boom")

    def fail(_):
        raise error

    with pytest.raises(KeyError) as info:
        mod.apply(fail, 1)
    assert info.value is error  # the very same exception object, untouched
    with pytest.raises(TypeError, match="not callable"):
        mod.apply(1, 2)
    with pytest.raises(TypeError, match="sep"):
        mod.call_with_sep(lambda a, b: a + b, "x", "y")


def test_describe(mod):
    assert mod.describe(42) == "int: 42"
    assert mod.describe([1, "a"]) == "list: [1, 'a']"

    class BadRepr:
        def __repr__(self):
            raise ValueError("no repr")

    with pytest.raises(ValueError, match="no repr"):
        mod.describe(BadRepr())


def test_panic_becomes_system_error(mod):
    with pytest.raises(SystemError, match=r"Rust panic in crash\(\): boom"):
        mod.crash("boom")
    # the module still works after a panic
    assert mod.add(1, 1) == 2


def test_no_reference_leaks(mod, hpy_mode):
    class Payload:
        pass

    obj = Payload()
    alive = weakref.ref(obj)
    refcount = getattr(sys, "getrefcount", None)  # CPython only
    before = refcount(obj) if refcount else None
    for _ in range(100):
        assert mod.apply(lambda x: x, obj) is obj
        mod.describe(obj)
        with pytest.raises(SystemError):
            mod.crash("x")
    if refcount:
        assert refcount(obj) == before
    # On every implementation: no reference was kept, so the object can be freed.
    del obj
    collect_garbage()
    assert alive() is None
