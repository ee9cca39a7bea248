"""examples/array (module `hpyarray`): a float64 array type backed by a Rust Vec, in all three
modes."""


import pytest

import hpyrs_testing
from hpyrs_testing import collect_garbage, example_module

mod = example_module("array")


def test_construction(mod):
    a = mod.array([1, 2.5, -3])
    assert type(a) is mod.array
    assert mod.array.__name__ == "array"
    assert mod.array.__module__ == "hpyarray"
    assert a.tolist() == [1.0, 2.5, -3.0]
    assert all(type(x) is float for x in a.tolist())
    assert a.size == 3 and len(a) == 3
    assert mod.array([]).tolist() == []
    assert mod.array((4, 5)).tolist() == [4.0, 5.0]
    with pytest.raises(TypeError):
        mod.array(["x"])
    with pytest.raises(TypeError):
        mod.array(3)
    with pytest.raises(TypeError):
        mod.array()


@hpyrs_testing.needs_failing_huge_allocations
def test_a_size_from_the_caller_raises_memory_error(mod):
    """8 TB of zeros is a MemoryError (hpy::try_vec_filled), not an abort of the process."""
    for make in (mod.zeros, mod.empty):
        with pytest.raises(MemoryError):
            make(2**40)
    assert mod.zeros(2).tolist() == [0.0, 0.0]


def test_huge_index_is_an_index_error(mod):
    """As `[][2**70]` in CPython: IndexError, in CPython's words (not an OverflowError)."""
    a = mod.array([1.0])
    with pytest.raises(IndexError, match=r"^cannot fit 'int' into an index-sized integer$"):
        a[2**70]
    with pytest.raises(IndexError, match=r"^cannot fit 'int' into an index-sized integer$"):
        a[-(2**70)] = 2.0
    with pytest.raises(TypeError):
        a["0"]


def test_a_sequence_class_iterates(mod):
    """`__getitem__` with `__len__` makes a sequence, as in CPython: `iter()` walks the indexes."""
    a = mod.array([1.5, 2.5, 3.5])
    assert list(a) == [1.5, 2.5, 3.5]
    assert [x * 2 for x in a] == [3.0, 5.0, 7.0]
    assert 2.5 in a
    assert list(mod.zeros(0)) == []


def test_empty_and_zeros(mod):
    assert mod.zeros(3).tolist() == [0.0, 0.0, 0.0]
    assert len(mod.empty(5)) == 5
    assert mod.zeros(0).size == 0
    with pytest.raises(OverflowError):
        mod.zeros(-1)
    with pytest.raises(TypeError):
        mod.empty("3")


def test_size_is_read_only(mod):
    a = mod.zeros(2)
    # CPython's words for a property without a setter (hpy-rs installs one that says them,
    # because PyPy aborts on a missing one).
    with pytest.raises(AttributeError, match="attribute 'size' of 'hpyarray.array' objects is not writable"):
        a.size = 3
    with pytest.raises(AttributeError, match="not writable"):
        del a.size
    assert a.size == 2


def test_indexing(mod):
    a = mod.array([10, 20, 30])
    assert a[0] == 10.0 and a[2] == 30.0
    assert a[-1] == 30.0 and a[-3] == 10.0
    for bad in (3, -4, 10**6):
        with pytest.raises(IndexError):
            a[bad]
    a[1] = 7
    a[-1] = 0.5
    assert a.tolist() == [10.0, 7.0, 0.5]
    with pytest.raises(IndexError):
        a[3] = 1.0
    with pytest.raises(IndexError):
        a[-4] = 1.0
    with pytest.raises(TypeError):
        a[0] = "x"
    with pytest.raises(TypeError):
        a["0"]
    assert a.tolist() == [10.0, 7.0, 0.5]


def test_scalar_arithmetic(mod):
    a = mod.array([1, 2, 3])
    assert (a * 2).tolist() == [2.0, 4.0, 6.0]
    assert (2 * a).tolist() == [2.0, 4.0, 6.0]
    assert (a * 0.5).tolist() == [0.5, 1.0, 1.5]
    assert (a / 2).tolist() == [0.5, 1.0, 1.5]
    assert a.tolist() == [1.0, 2.0, 3.0]  # operands are not modified
    with pytest.raises(ZeroDivisionError):
        a / 0
    with pytest.raises(TypeError):
        a * "x"
    with pytest.raises(TypeError):
        "x" * a
    with pytest.raises(TypeError):
        2 / a


def test_add(mod):
    a = mod.array([1, 2])
    b = mod.array([10, 20])
    assert (a + b).tolist() == [11.0, 22.0]
    assert (a + a).tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="sizes 2 and 3"):
        a + mod.array([1, 2, 3])
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        a * a


def test_repr(mod):
    assert repr(mod.array([1, 2.5])) == "array([1.0, 2.5])"
    assert repr(mod.zeros(0)) == "array([])"


def test_buffer_protocol(mod):
    import struct

    a = mod.array([1, 2, 3])
    m = memoryview(a)
    assert m.format == "d"
    assert m.itemsize == 8
    assert m.nbytes == 24
    assert m.shape == (3,)
    assert m.tolist() == [1.0, 2.0, 3.0]
    assert m.readonly
    with pytest.raises(TypeError):
        m[0] = 5.0
    # While the buffer is exported the array is borrowed: it cannot change under the consumer.
    with pytest.raises(RuntimeError, match="already borrowed"):
        a[0] = 5.0
    assert a[0] == 1.0 and len(a) == 3
    m.release()
    a[0] = 5.0
    # Released explicitly: an unreleased memoryview keeps its export (and the borrow) until it
    # is collected, which on PyPy is not at the end of the statement.
    with memoryview(a) as m:
        assert struct.unpack("3d", bytes(m)) == (5.0, 2.0, 3.0)
    # Two exports at once are fine, and releasing both frees the array again.
    m1, m2 = memoryview(a), memoryview(a)
    assert m1.tolist() == m2.tolist()
    m1.release()
    with pytest.raises(RuntimeError):
        a[1] = 0.0
    m2.release()
    a[1] = 0.0
    assert a.tolist() == [5.0, 0.0, 3.0]
    # A memoryview dropped unreleased ends its export when it is collected.
    memoryview(a)
    collect_garbage()
    a[2] = 1.0
    assert a.tolist() == [5.0, 0.0, 1.0]


@pytest.mark.parametrize("writer", ["struct.pack_into", "readinto", "ctypes.from_buffer"])
def test_writable_buffer_refused(mod, writer):
    import ctypes
    import io
    import struct

    a = mod.array([1.0])
    if writer == "ctypes.from_buffer" and hpyrs_testing.IS_PYPY:
        pytest.skip("PyPy's pure-Python ctypes never asks for a writable buffer (it accepts bytes)")
    write = {
        "struct.pack_into": lambda: struct.pack_into("d", a, 0, 9.0),
        "readinto": lambda: io.BytesIO(bytes(8)).readinto(a),
        "ctypes.from_buffer": lambda: (ctypes.c_double * 1).from_buffer(a),
    }[writer]
    # Each asks for a writable buffer (PyBUF_WRITABLE): refused, in the interpreter's words.
    with pytest.raises(TypeError, match="writ"):
        write()
    a[0] = 2.0  # and the failed export left no borrow behind
    assert a.tolist() == [2.0]
