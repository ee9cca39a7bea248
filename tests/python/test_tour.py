"""examples/tour: every conversion and the object protocol, checked from Python in all three
modes (debug mode runs each test under a LeakDetector)."""

import collections.abc
import math
import re
import struct
import sys
import threading

import pytest

from hpyrs_testing import example_module

mod = example_module("tour")

INT_RANGES = {
    "i8": (-(2**7), 2**7 - 1),
    "u8": (0, 2**8 - 1),
    "i16": (-(2**15), 2**15 - 1),
    "u16": (0, 2**16 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "u32": (0, 2**32 - 1),
    "i64": (-(2**63), 2**63 - 1),
    "u64": (0, 2**64 - 1),
    "i128": (-(2**127), 2**127 - 1),
    "u128": (0, 2**128 - 1),
    "isize": (-(2**63), 2**63 - 1),
    "usize": (0, 2**64 - 1),
}


@pytest.mark.parametrize("rust_type", sorted(INT_RANGES))
def test_integer_widths(mod, rust_type):
    echo = getattr(mod, f"echo_{rust_type}")
    low, high = INT_RANGES[rust_type]
    for value in (low, high, 0, 1, low + 1, high - 1, high // 3):
        assert echo(value) == value
        assert type(echo(value)) is int
    # Messages speak Python: the width and range, or CPython's words for index-sized integers;
    # never the Rust type's name.
    if rust_type in ("isize", "usize"):
        says = "cannot fit 'int' into an index-sized integer"
    else:
        bits = rust_type[1:]
        says = f"out of range for an? {'un' if rust_type[0] == 'u' else ''}signed {bits}-bit integer"
    for value in (high + 1, low - 1, high * 2**70):
        with pytest.raises(OverflowError, match=f"argument 'v': .*{says}") as info:
            echo(value)
        assert not re.search(r"\b[iu](8|16|32|64|128|size)\b|Rust", str(info.value)), info.value
    with pytest.raises(TypeError, match="expected int, got 'float'"):
        echo(1.0)
    with pytest.raises(TypeError, match="expected int, got 'str'"):
        echo("1")


def test_index_objects_convert_to_integers(mod):
    class Index:
        def __index__(self):
            return 7

    assert mod.echo_i64(Index()) == 7

    class BadIndex:
        def __index__(self):
            raise KeyError("inside __index__")

    with pytest.raises(KeyError, match="inside __index__"):
        mod.echo_i64(BadIndex())


def test_bool(mod):
    assert mod.echo_bool(True) is True
    assert mod.echo_bool(False) is False
    with pytest.raises(TypeError, match="expected bool, got 'int'"):
        mod.echo_bool(1)


def test_floats(mod):
    assert mod.echo_f64(1.5) == 1.5
    assert mod.echo_f64(3) == 3.0 and type(mod.echo_f64(3)) is float
    assert math.isnan(mod.echo_f64(float("nan")))
    assert mod.echo_f64(float("inf")) == float("inf")
    assert mod.echo_f32(0.1) == pytest.approx(0.1, rel=1e-7) and mod.echo_f32(0.1) != 0.1
    # The largest 32-bit float passes; a finite value beyond it is an error, not an infinity
    # (as struct.pack("<f") raises); infinities and NaN stay what they are.
    largest = struct.unpack("f", struct.pack("f", 3.4028234663852886e38))[0]
    assert mod.echo_f32(largest) == largest
    for too_large in (1e300, -1e39, 2 * largest):
        with pytest.raises(OverflowError, match="float too large to convert to a 32-bit float"):
            mod.echo_f32(too_large)
        with pytest.raises(OverflowError):
            struct.pack("<f", too_large)
    assert mod.echo_f32(float("-inf")) == float("-inf") and math.isnan(mod.echo_f32(float("nan")))
    with pytest.raises(TypeError, match="expected float, got 'str'"):
        mod.echo_f64("1.0")
    with pytest.raises(OverflowError):
        mod.echo_f64(10**400)


@pytest.mark.parametrize("text", ["", "ascii", "héllo", "日本語", "emoji 🐍", "nul\0inside"])
def test_strings(mod, text):
    assert mod.echo_str(text) == text
    assert mod.echo_string(text) == text


def test_bad_strings(mod):
    for echo in (mod.echo_str, mod.echo_string):
        with pytest.raises(UnicodeEncodeError):
            echo("\udcff")
        with pytest.raises(TypeError, match="expected str, got 'bytes'"):
            echo(b"x")
    assert mod.echo_char("é") == "é"
    with pytest.raises(ValueError, match="length 1"):
        mod.echo_char("ab")


def test_bytes(mod):
    for data in (b"", b"abc", bytes(range(256)), b"\0\0"):
        assert mod.echo_bytes(data) == data
        assert mod.echo_byte_vec(data) == data
    assert mod.echo_byte_vec([1, 2, 3]) == b"\x01\x02\x03"  # Vec<u8> also reads a list of ints
    with pytest.raises(TypeError, match="expected bytes, got 'str'"):
        mod.echo_bytes("abc")
    with pytest.raises(OverflowError):
        mod.echo_byte_vec([256])


def test_bytes_subclass_lying_about_its_length(mod):
    # PyPy's HPyBytes_Size calls a subclass's __len__: the contents must still be the object's
    # own bytes, never memory past them.
    class Lying(bytes):
        def __len__(self):
            return 64

    assert mod.echo_bytes(Lying(b"abc")) == b"abc"
    assert mod.echo_byte_vec(Lying(b"xy")) == b"xy"


def test_option_tuple_list(mod):
    assert mod.echo_option(None) is None
    assert mod.echo_option(5) == 5
    with pytest.raises(TypeError):
        mod.echo_option("5")
    assert mod.echo_tuple((1, "a", 2.5)) == (1, "a", 2.5)
    with pytest.raises(ValueError, match="length 3, got length 2"):
        mod.echo_tuple((1, "a"))
    with pytest.raises(TypeError, match="tuple"):
        mod.echo_tuple([1, "a", 2.5])
    with pytest.raises(TypeError, match="item 1"):
        mod.echo_tuple((1, 2, 3.0))
    assert mod.echo_list([]) == []
    assert mod.echo_list([1, 2, 3]) == [1, 2, 3]
    assert mod.echo_list((4, 5)) == [4, 5]
    assert mod.echo_nested([["a"], [], ["b", "c"]]) == [["a"], [], ["b", "c"]]
    with pytest.raises(TypeError, match="item 0: item 1"):
        mod.echo_nested([["a", 1]])
    assert mod.unit() is None


def test_attributes(mod):
    class Box:
        pass

    box = Box()
    assert mod.set_attr(box, "x", 41) is True
    assert box.x == 41
    assert mod.get_attr(box, "x") == 41
    mod.del_attr(box, "x")
    assert not hasattr(box, "x")
    with pytest.raises(AttributeError):
        mod.get_attr(box, "x")
    with pytest.raises(AttributeError):
        mod.del_attr(box, "x")
    long_name = "attribute_" * 20  # longer than the on-stack name buffer
    mod.set_attr(box, long_name, 1)
    assert getattr(box, long_name) == 1
    with pytest.raises(ValueError, match="null character"):
        mod.get_attr(box, "a\0b")
    assert mod.getattr_or(box, "nope", "fallback") == "fallback"
    assert mod.getattr_or(box, long_name, "fallback") == 1


def test_items(mod):
    d = {}
    assert mod.set_item(d, "k", "v") == (1, True)
    assert mod.get_item(d, "k") == "v"
    mod.del_item(d, "k")
    assert d == {}
    with pytest.raises(KeyError):
        mod.get_item(d, "k")
    items = [10, 20, 30]
    assert mod.get_item(items, 1) == 20
    with pytest.raises(IndexError):
        mod.get_item(items, 5)
    assert mod.make_dict() == {"one": 1, "two": [2, 2]}


def test_repr_compare_truth_hash(mod):
    assert mod.repr_and_str("a") == ("'a'", "a")
    assert mod.compare_all(1, 2) == [True, True, False, True, False, False]
    assert mod.compare_all("b", "b") == [False, True, True, False, False, True]
    with pytest.raises(TypeError):
        mod.compare_all(1, "x")

    class Weird:
        def __lt__(self, other):
            return "not a bool"

    assert mod.less_than(Weird(), 1) == "not a bool"
    assert mod.truth([]) is False and mod.truth([0]) is True

    class Falsy:
        def __bool__(self):
            raise RuntimeError("no truth")

    with pytest.raises(RuntimeError, match="no truth"):
        mod.truth(Falsy())
    assert mod.hash_of("abc") == hash("abc")
    with pytest.raises(TypeError, match="unhashable"):
        mod.hash_of([])


def test_type_checks(mod):
    assert mod.kinds(1) == ["int"]
    assert mod.kinds(True) == ["int", "bool"]
    assert mod.kinds(None) == ["None"]
    assert mod.kinds(len) == ["callable"]
    assert mod.kinds("s") == ["str"]
    assert mod.is_instance(3, int) and not mod.is_instance(3, str)
    # isinstance()'s whole contract: tuples of classes, __instancecheck__ (ABCs), and a
    # TypeError, not a crash or a silent False, for anything else
    assert mod.is_instance(3, (str, int)) and not mod.is_instance(3, (str, bytes))
    assert mod.is_instance({}, collections.abc.Mapping) and not mod.is_instance([], collections.abc.Mapping)
    with pytest.raises(TypeError, match=r"isinstance\(\) arg 2 must be a (type|class)"):
        mod.is_instance(3, 0)
    x = object()
    assert mod.same(x, x) and not mod.same(x, object())
    assert mod.type_name(1.5) == "float"
    assert mod.type_name(mod) == "module"


def test_import_and_calls(mod):
    assert mod.import_attr("math", "pi") == math.pi
    with pytest.raises(ModuleNotFoundError):
        mod.import_attr("no_such_module_hpyrs", "x")
    assert mod.call_123(lambda *a, **k: (a, k)) == ((1, "two"), {"key": 3.0})
    assert mod.call_method([3, 1, 2], "index", 2) == 2
    with pytest.raises(ValueError):
        mod.call_method([3, 1, 2], "index", 9)


def test_arithmetic(mod):
    assert mod.arithmetic(7, 2) == [9, 5, 14, 3.5, 3, 1, 49, -7, 7]
    with pytest.raises(ZeroDivisionError):
        mod.arithmetic(1, 0)


def test_bitwise(mod):
    for a, b in ((12, 10), (-7, 3), (2**70 + 5, 65), (True, False)):
        assert mod.bitwise(a, b) == [a & b, a | b, a ^ b, a << b, a >> b]
    # Sets define only &, |, ^: the shifts raise Python's own TypeError.
    with pytest.raises(TypeError) as expected:
        {1} << {2}
    with pytest.raises(TypeError, match=re.escape(str(expected.value))):
        mod.bitwise({1, 2}, {2, 3})
    with pytest.raises(ValueError, match="negative shift count"):
        mod.bitwise(1, -1)


def test_errors(mod):
    with pytest.raises(KeyError, match="missing"):
        mod.raise_kind("KeyError", "missing")
    with pytest.raises(IndexError):
        mod.raise_kind("IndexError", "idx")
    with pytest.raises(UserWarning, match="careful"):
        mod.raise_kind("UserWarning", "careful")
    exc = ValueError("the object")
    with pytest.raises(ValueError) as info:
        mod.raise_object(exc)
    assert info.value is exc

    class Custom(Exception):
        pass

    with pytest.raises(Custom, match="custom message"):
        mod.raise_type(Custom, "custom message")
    with pytest.raises(Custom):
        mod.raise_object(Custom)
    with pytest.raises(TypeError, match="must derive from BaseException"):
        mod.raise_object(42)
    for not_an_exception_class in (int, object, 42, None):
        with pytest.raises(TypeError, match="^exceptions must derive from BaseException$"):
            mod.raise_type(not_an_exception_class, "message")


def test_swallowed_error_is_reported_not_returned(mod):
    # Dropping a raised exception without handling it would return a value with an exception
    # set; the binding turns that bug into a clear SystemError instead.
    with pytest.raises(SystemError, match="dropped"):
        mod.swallow_error(object())


def test_allow_threads_runs_rust_in_parallel(mod):
    """Two threads meet inside `allow_threads`: each waits there for the other, so both return
    True only if the interpreter was released (with it held, the first would wait alone until
    its timeout, and get False)."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(mod.rendezvous(2, 30.0))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True, True]
    assert mod.rendezvous(1, 0.0) is True
    assert mod.rendezvous(2, 0.01) is False  # nobody else comes
    with pytest.raises(ValueError, match="timeout"):
        mod.rendezvous(2, -1.0)


def test_panic_with_the_interpreter_released(mod):
    with pytest.raises(SystemError, match=r"Rust panic in panic_without_the_interpreter\(\): released"):
        mod.panic_without_the_interpreter()
    assert mod.rendezvous(1, 0.0) is True  # the interpreter was taken back


def test_escape_hatch(mod):
    """Raw hpy::sys calls on the raw context and handles (`HPy_ASCII` has no safe wrapper yet):
    results and errors as from Python; debug mode checks the raw handles like any other."""
    assert mod.ascii_raw("é") == ascii("é") == "'\\xe9'"
    assert mod.ascii_raw([1, "ü"]) == ascii([1, "ü"])

    class Broken:
        def __repr__(self):
            raise KeyError("no repr")

    with pytest.raises(KeyError, match="no repr"):
        mod.ascii_raw(Broken())
    x = object()
    assert mod.raw_round_trip(x) is x
