"""examples/pof: the same Python-visible behaviour as HPy's proof-of-concept module functions,
in all three modes."""

import pytest

from hpyrs_testing import example_module

mod = example_module("pof")


def test_doc(mod):
    assert mod.__doc__ == "HPy Proof of Concept"


def test_do_nothing(mod):
    assert mod.do_nothing() is None
    # PyPy checks a NOARGS call itself and leaves out "(1 given)".
    with pytest.raises(TypeError, match=r"do_nothing\(\) takes no arguments( \(1 given\))?$"):
        mod.do_nothing(1)


def test_double(mod):
    assert mod.double(21) == 42
    assert mod.double(1.5) == 3.0
    assert mod.double("ab") == "abab"
    assert mod.double([1]) == [1, 1]
    with pytest.raises(TypeError):
        mod.double(None)
    with pytest.raises(TypeError):
        mod.double()
    with pytest.raises(TypeError):
        mod.double(1, 2)


def test_add_ints(mod):
    assert mod.add_ints(30, 12) == 42
    assert mod.add_ints(-30, 12) == -18
    with pytest.raises(TypeError):
        mod.add_ints(1)
    with pytest.raises(TypeError):
        mod.add_ints(1, "2")
    with pytest.raises(OverflowError):
        mod.add_ints(2**63, 0)
    with pytest.raises(OverflowError):
        mod.add_ints(2**62, 2**62)


def test_add_ints_kw(mod):
    assert mod.add_ints_kw(b=30, a=12) == 42
    assert mod.add_ints_kw(30, 12) == 42
    assert mod.add_ints_kw(30, b=12) == 42
    with pytest.raises(TypeError, match="missing required argument 'b'"):
        mod.add_ints_kw(a=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
        mod.add_ints_kw(1, 2, c=3)


def test_init_keyword_names(mod):
    """`__init__` keywords (a dict in HPy's tp_init): a lone surrogate as a name is an invalid
    keyword in CPython's words, not a UnicodeEncodeError; the valid ones still work."""
    assert mod.Point(y=4.0, x=3.0).norm() == 5.0
    with pytest.raises(TypeError, match=r"^'\\ud800' is an invalid keyword argument for .*\(\)$"):
        mod.Point(**{"\ud800": 1.0})
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        mod.Point(z=1.0)
