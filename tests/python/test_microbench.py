"""examples/microbench: the Python API of HPy's microbenchmark module, in all three modes."""

import pytest

from hpyrs_testing import example_module, is_debug

mod = example_module("microbench")


def test_module_functions(mod):
    assert mod.noargs() is None
    assert mod.onearg(object()) is None
    assert mod.varargs(None, None) is None
    assert mod.allocate_int() == 2048
    assert type(mod.allocate_int()) is int
    assert mod.allocate_tuple() == (2048, 2049)
    assert type(mod.allocate_tuple()) is tuple


def test_argument_counts(mod):
    with pytest.raises(TypeError):
        mod.noargs(1)
    with pytest.raises(TypeError):
        mod.onearg()
    # varargs takes any number of positional arguments, and no keywords.
    assert mod.varargs() is None and mod.varargs(1, 2, 3) is None
    with pytest.raises(TypeError):
        mod.varargs(a=1)


def test_call_with_tuple(mod):
    def f(*args, **kw):
        return args, kw

    assert mod.call_with_tuple(f, ()) == ((), {})
    assert mod.call_with_tuple(f, (1, "two", 3.0)) == ((1, "two", 3.0), {})
    assert mod.call_with_tuple(len, ([1, 2, 3],)) == 3
    with pytest.raises(ZeroDivisionError):
        mod.call_with_tuple(lambda: 1 / 0, ())


def test_call_with_tuple_and_dict(mod):
    def f(*args, **kw):
        return args, kw

    assert mod.call_with_tuple_and_dict(f, (1,), {"a": 2}) == ((1,), {"a": 2})
    assert mod.call_with_tuple_and_dict(f, (), {}) == ((), {})
    # Like C's HPy_CallTupleDict: the arguments must be a tuple and a dict.
    with pytest.raises(TypeError):
        mod.call_with_tuple_and_dict(f, (), None)
    with pytest.raises(TypeError):
        mod.call_with_tuple_and_dict(f, [1], {})
    with pytest.raises(TypeError):
        mod.call_with_tuple_and_dict(lambda: None, (), {"unexpected": 1})


def test_foo_methods(mod):
    foo = mod.Foo()
    assert type(foo) is mod.Foo
    assert foo.noargs() is None
    assert foo.onearg(None) is None
    assert foo.varargs(None, None) is None
    assert foo.allocate_int() == 2048
    assert foo.allocate_tuple() == (2048, 2049)
    with pytest.raises(TypeError):
        foo.onearg()
    assert foo.varargs() is None and foo.varargs(*range(10)) is None
    with pytest.raises(TypeError):
        foo.varargs(a=1)


def test_foo_length_and_subscript(mod):
    foo = mod.Foo()
    assert len(foo) == 42
    assert foo[0] is None
    assert foo[41] is None
    assert foo[-5] is None  # the index is ignored (mp_subscript: no adjustment by len)
    assert foo[10**6] is None
    # but it must be a Py_ssize_t: CPython's IndexError for a subscript (`[][10**30]`)
    with pytest.raises(IndexError, match="^cannot fit 'int' into an index-sized integer$"):
        foo[10**30]
    with pytest.raises(TypeError):
        foo["0"]


def test_foo_is_frozen_with_members(mod):
    foo = mod.Foo()
    assert (foo.x, foo.y) == (0, 0)
    with pytest.raises(AttributeError):
        foo.x = 1
    with pytest.raises(AttributeError):
        foo.anything = 1


def test_htfoo_is_foo(mod):
    assert mod.HTFoo is mod.Foo
    assert len(mod.HTFoo()) == 42
    assert mod.Foo.__module__ == "microbench"
    assert mod.Foo.__name__ == "Foo"


# ---- dicts, sets and the interpreter lock (the benchmark's data patterns)


class DictSub(dict):
    pass


def test_sum_dict_values(mod):
    for d in ({}, {"a": 1}, {str(k): k for k in range(100)}, {1: -5, (2,): 7, None: 2**40}):
        assert mod.sum_dict_values(d) == sum(d.values())
    assert mod.sum_dict_values(DictSub(a=3, b=4)) == 7
    with pytest.raises(TypeError):
        mod.sum_dict_values([("a", 1)])
    with pytest.raises(TypeError):
        mod.sum_dict_values({"a": "1"})
    with pytest.raises(OverflowError):
        mod.sum_dict_values({"a": 2**64})


def test_dict_len_via_map(mod):
    for d in ({}, {"a": 1}, {str(k): k for k in range(100)}, {"é": -1, "€": 2**62}):
        assert mod.dict_len_via_map(d) == len(d)
    with pytest.raises(TypeError):
        mod.dict_len_via_map({1: 1})
    with pytest.raises(TypeError):
        mod.dict_len_via_map({"a": 1.5})
    with pytest.raises(TypeError):
        mod.dict_len_via_map({"a", "b"})


def test_make_dict(mod):
    for n in (0, 1, 10, 1000):
        d = mod.make_dict(n)
        assert type(d) is dict
        assert d == {str(i): i for i in range(n)}
    with pytest.raises(OverflowError):
        mod.make_dict(-1)
    with pytest.raises(OverflowError):
        mod.make_dict(65536)
    with pytest.raises(TypeError):
        mod.make_dict("10")


def test_set_len_via_hashset(mod):
    for s in (set(), {1}, set(range(-50, 50)), {2**62, -(2**62)}):
        assert mod.set_len_via_hashset(s) == len(s)
        assert mod.set_len_via_hashset(frozenset(s)) == len(s)
    with pytest.raises(TypeError):
        mod.set_len_via_hashset([1, 2])
    with pytest.raises(TypeError):
        mod.set_len_via_hashset({1, "a"})
    with pytest.raises(OverflowError):
        mod.set_len_via_hashset({2**64})


def test_release_gil(mod, hpy_mode):
    import threading

    assert mod.release_gil() is None
    with pytest.raises(TypeError):
        mod.release_gil(1)
    if is_debug(hpy_mode):
        # HPy 0.9's debug context marks itself invalid around the universal Leave/Reenter
        # calls, i.e. while the lock is released (autogen_debug_wrappers.c): another thread that
        # takes the lock in that window and calls the same context aborts the process ("Invalid
        # usage of a debug context"). C HPy extensions hit the same race; the threaded part
        # runs in the other modes.
        for _ in range(100):
            mod.release_gil()
        return
    # Called from several threads at once, it releases and takes back the lock every time.
    errors = []

    def work():
        try:
            for _ in range(1000):
                mod.release_gil()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
