"""examples/objects: in-place operators, matmul, divmod, unary +/~, index/int/float, number
check, integer widths, masks, void pointers, attributes named by str objects, the `_i`/`_s`
item forms, ascii, bytes, dump and vectorcall method calls. Every result is compared with what
the running Python itself does for the same operation (`operator`, builtins, ctypes)."""

import copy
import ctypes
import decimal
import fractions
import operator
import re
import sys

import pytest

from hpyrs_testing import example_module

mod = example_module("objects")
shapes = example_module("shapes")

IS_PYPY = sys.implementation.name == "pypy"
RUST_WORDS = re.compile(r"\b[iu](8|16|32|64|128|size)\b|Rust")


def outcome(func, *args):
    """('ok', result) or ('raise', exception type, message)."""
    try:
        return ("ok", func(*args))
    except Exception as exc:  # noqa: BLE001 - any exception is compared as it is
        return ("raise", type(exc), str(exc))


def assert_same_error(got, expected):
    assert got[0] == "raise", got
    assert got[1:] == expected[1:]
    assert not RUST_WORDS.search(got[2]), got


# ---- in-place operators ----


class Recorder:
    """Records which dunder ran; in-place methods mutate and return self."""

    def __init__(self, value):
        self.value = value
        self.calls = []

    def __eq__(self, other):
        return isinstance(other, Recorder) and (self.value, self.calls) == (other.value, other.calls)

    def __repr__(self):
        return f"Recorder({self.value!r}, {self.calls!r})"

    def __imatmul__(self, other):
        self.calls.append("imatmul")
        self.value = self.value * other
        return self

    def __matmul__(self, other):
        self.calls.append("matmul")
        return Recorder(self.value * other)

    def __rmatmul__(self, other):
        return ("rmatmul", other, self.value)

    def __iadd__(self, other):
        self.calls.append("iadd")
        self.value += other
        return self

    def __ipow__(self, other):
        self.calls.append("ipow")
        self.value **= other
        return self


class OnlyBinary:
    """No in-place methods: `a op= b` falls back to `a op b`, a new object."""

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, OnlyBinary) and self.value == other.value

    def __matmul__(self, other):
        return OnlyBinary(("@", self.value, other))

    def __sub__(self, other):
        return OnlyBinary(("-", self.value, other))


INPLACE = {
    "add": (operator.iadd, [(1, 2), (1.5, 2), ([1], [2, 3]), ("a", "b"), ((1,), (2,)), (1, "a"),
                            (Recorder(1), 5), ([], "xy"), ([1], 2)]),
    "sub": (operator.isub, [(5, 3), ({1, 2}, {2}), (OnlyBinary(1), 2), ("a", 1), (2**70, 1)]),
    "mul": (operator.imul, [(3, 4), ([1], 3), ("ab", 2), ([1], "x"), ([1], -1)]),
    "matmul": (operator.imatmul, [(Recorder(2), 3), (OnlyBinary(1), 2), (1, 2), ([], [])]),
    "floordiv": (operator.ifloordiv, [(7, 2), (-7, 2), (7.5, 2), (7, 0), (7.0, 0), ("a", 2)]),
    "truediv": (operator.itruediv, [(7, 2), (1, 0), (1.0, 0.0), (2**2000, 1), ([], 1)]),
    "mod": (operator.imod, [(7, 3), (-7, 3), (7.5, 2), (7, 0), ("%s!", 5), ("%d", "x")]),
    "pow": (operator.ipow, [(2, 10), (2, -1), (0, -1), (Recorder(3), 2), (2.0, 0.5), (-8, 1 / 3)]),
    "lshift": (operator.ilshift, [(1, 3), (1, -1), (1, 1.0), (3, 100)]),
    "rshift": (operator.irshift, [(16, 2), (-16, 2), (1, -1), (1, "a")]),
    "and": (operator.iand, [(6, 3), ({1, 2}, {2, 3}), (True, False), (1.0, 1)]),
    "xor": (operator.ixor, [(6, 3), ({1, 2}, {2, 3}), (True, True), ("a", "b")]),
    "or": (operator.ior, [(6, 3), ({1}, {2}), ({"a": 1}, {"b": 2}), ({}, [1])]),
}


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_operators(mod, name):
    ref, cases = INPLACE[name]
    func = getattr(mod, f"inplace_{name}")
    for a, b in cases:
        ours_a, ref_a = copy.deepcopy(a), copy.deepcopy(a)
        expected = outcome(ref, ref_a, b)
        got = outcome(func, ours_a, b)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got[0] == "ok", (name, a, b, got)
            assert got[1] == expected[1] and type(got[1]) is type(expected[1]), (name, a, b)
            # Mutated in place exactly when Python mutates in place (lists, sets, dicts, __iop__).
            assert (got[1] is ours_a) == (expected[1] is ref_a), (name, a, b)
        assert ours_a == ref_a, (name, a, b)


def test_inplace_pow_error_message(mod):
    for a, b in [(2, "a"), ([], 2)]:
        assert_same_error(outcome(mod.inplace_pow, a, b), outcome(operator.ipow, a, b))


# ---- other number operations ----


def test_matmul(mod):
    for a, b in [(Recorder(2), 3), (OnlyBinary(1), 2), (5, Recorder(1)), (1, 2), ([], [])]:
        expected = outcome(operator.matmul, copy.deepcopy(a), b)
        got = outcome(mod.matmul, copy.deepcopy(a), b)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got == expected


class Divmodded:
    def __divmod__(self, other):
        return ("divmod", other)

    def __rdivmod__(self, other):
        return ("rdivmod", other)


def test_divmod(mod):
    cases = [(7, 2), (-7, 2), (7, -2), (7.5, 2), (-7.5, 2.5), (2**100, 7), (True, 2), (7, 0),
             (7.0, 0), (7, "a"), ("a", 7), (Divmodded(), 1), (1, Divmodded()), (1j, 1),
             (decimal.Decimal(7), 2), (fractions.Fraction(7, 2), 1)]
    for a, b in cases:
        expected = outcome(divmod, a, b)
        got = outcome(mod.divmod, a, b)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got == expected and type(got[1]) is tuple, (a, b)
            assert [type(x) for x in got[1]] == [type(x) for x in expected[1]]


class Unary:
    def __pos__(self):
        return "pos"

    def __invert__(self):
        return "invert"


@pytest.mark.parametrize("op", ["pos", "invert"])
def test_pos_and_invert(mod, op):
    ref = getattr(operator, op)
    for value in [0, 5, -5, 2**100, True, False, 1.5, "a", None, Unary(), decimal.Decimal("-0"),
                  fractions.Fraction(-1, 3), 1j]:
        expected = outcome(ref, value)
        got = outcome(getattr(mod, op), value)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got == expected and type(got[1]) is type(expected[1]), value


class IntLike:
    def __int__(self):
        return 42


class IndexLike:
    def __index__(self):
        return 7


class FloatLike:
    def __float__(self):
        return 2.5


class Raising:
    def __index__(self):
        raise KeyError("from __index__")

    def __int__(self):
        raise KeyError("from __int__")

    def __float__(self):
        raise KeyError("from __float__")


CONVERTIBLES = [0, -3, 2**100, True, 3.9, -3.9, float("inf"), float("nan"), "12", " 12 ", "1.5",
                "x", b"12", "١٢", None, [], 1j, IntLike(), IndexLike(), FloatLike(), Raising(),
                decimal.Decimal("2.5"), fractions.Fraction(7, 2), 10**400]


@pytest.mark.parametrize("ours,ref", [("index", operator.index), ("to_int", int), ("to_float", float)])
def test_index_int_float(mod, ours, ref):
    for value in CONVERTIBLES:
        expected = outcome(ref, value)
        got = outcome(getattr(mod, ours), value)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got[0] == "ok" and type(got[1]) is type(expected[1]), (ours, value, got)
            assert got[1] == expected[1] or (got[1] != got[1] and expected[1] != expected[1])


def test_is_number(mod):
    def python_number_check(value):
        # PyNumber_Check: the type has __index__, __int__ or __float__, or it is a complex.
        kind = type(value)
        return isinstance(value, complex) or any(
            hasattr(kind, dunder) for dunder in ("__index__", "__int__", "__float__"))

    for value in CONVERTIBLES + [object(), int, "1", b"", bytearray(b"1")]:
        assert mod.is_number(value) is python_number_check(value), value


# ---- integers of every width ----

POINTER_BITS = ctypes.sizeof(ctypes.c_void_p) * 8


def width_range(name):
    bits = POINTER_BITS if name.endswith("size") else int(name[1:])
    if name[0] == "i":
        return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return 0, 2**bits - 1


WIDTHS = ["i8", "i16", "i32", "u8", "u16", "u32", "isize", "usize"]


def test_int_limits(mod):
    limits = mod.int_limits()
    assert sorted(limits) == sorted(WIDTHS)
    for name, (low, high) in limits.items():
        assert (low, high) == width_range(name)
        assert type(low) is int and type(high) is int


@pytest.mark.parametrize("name", WIDTHS)
def test_integer_widths(mod, name):
    echo = getattr(mod, f"echo_{name}")
    low, high = width_range(name)
    for value in (low, high, 0, 1, low + 1, high - 1, high // 3, True):
        assert echo(value) == value and type(echo(value)) is int
    if name.endswith("size"):
        says = "cannot fit 'int' into an index-sized integer"
    else:
        bits = name[1:]
        says = f"out of range for an? {'un' if name[0] == 'u' else ''}signed {bits}-bit integer"
    for value in (high + 1, low - 1, high * 2**70, -(2**100)):
        with pytest.raises(OverflowError, match=f"argument 'v': .*{says}") as info:
            echo(value)
        assert not RUST_WORDS.search(str(info.value)), info.value
    for value, type_name in ((1.0, "float"), ("1", "str"), (None, "NoneType")):
        with pytest.raises(TypeError, match=f"expected int, got '{type_name}'"):
            echo(value)


class IntAndIndex:
    def __int__(self):
        return 42

    def __index__(self):
        return 7


@pytest.mark.parametrize("name", WIDTHS)
def test_integer_conversions_take_index_never_int(mod, name):
    """As CPython 3.10+ does for every integer argument: `__index__`, and never `__int__`."""
    echo = getattr(mod, f"echo_{name}")
    assert echo(IndexLike()) == 7
    assert echo(IntAndIndex()) == 7
    with pytest.raises(TypeError, match="expected int, got 'IntLike'"):
        echo(IntLike())
    with pytest.raises(KeyError, match="from __index__"):
        echo(Raising())


MASK_VALUES = [0, 1, -1, 2**31, -(2**31), 2**32 - 1, 2**32, 2**32 + 5, 2**64 - 1, 2**64 + 3,
               -(2**63), 2**100 + 7, -(2**100) - 1, True, IndexLike()]


@pytest.mark.parametrize("bits", [32, 64])
def test_masks_wrap_like_c(mod, bits):
    mask = getattr(mod, f"u{bits}_mask")
    c_type = ctypes.c_uint32 if bits == 32 else ctypes.c_uint64
    for value in MASK_VALUES:
        expected = operator.index(value) & (2**bits - 1)
        assert mask(value) == expected, value
        assert c_type(operator.index(value)).value == expected  # C's own wrap-around
    with pytest.raises(KeyError, match="from __index__"):
        mask(Raising())
    for value in (1.5, "1", None):
        expected = outcome(operator.index, value)
        got = outcome(mask, value)
        assert got[0] == "raise" and got[1] is TypeError, got
        assert not RUST_WORDS.search(got[2]), got
        assert got[1:] == expected[1:], (got, expected)
    assert mask(IntAndIndex()) == 7
    assert_same_error(outcome(mask, IntLike()), outcome(operator.index, IntLike()))


def test_void_pointers(mod):
    for value in [0, 1, 12345, 2**63, 2 ** POINTER_BITS - 1, -1, -(2 ** (POINTER_BITS - 1)), True]:
        expected = ctypes.c_void_p(value).value or 0  # (ctypes says None for NULL)
        assert mod.void_ptr_round_trip(value) == expected, value
    for value in (2**POINTER_BITS, -(2 ** (POINTER_BITS - 1)) - 1, 2**200):
        with pytest.raises(OverflowError) as info:
            mod.void_ptr_round_trip(value)
        assert not RUST_WORDS.search(str(info.value)), info.value
    for value, type_name in ((1.5, "float"), ("1", "str"), (IndexLike(), "IndexLike")):
        with pytest.raises(TypeError, match=f"expected int, got '{type_name}'"):
            mod.void_ptr_round_trip(value)
    address, same = mod.static_address()
    assert same is True and type(address) is int and 0 < address < 2**POINTER_BITS


def test_int_to_f64(mod):
    for value in [0, 1, -1, 2**53 + 1, 2**63, 2**1023, -(2**1000), 10**308, True]:
        got = mod.int_to_f64(value)
        assert type(got) is float and got == float(value), value
    for value in (2**1024, -(10**400)):
        expected = outcome(float, value)
        assert_same_error(outcome(mod.int_to_f64, value), expected)
    for value, type_name in ((1.5, "float"), ("1", "str"), (IndexLike(), "IndexLike")):
        with pytest.raises(TypeError, match=f"expected int, got '{type_name}'"):
            mod.int_to_f64(value)


# ---- attributes named by str objects ----


class Name(str):
    pass


class Attrs:
    cls_attr = "class"

    def __init__(self):
        self.x = 1

    @property
    def missing(self):
        raise AttributeError("computed and missing")

    def __getattr__(self, name):
        if name == "dynamic":
            return "from __getattr__"
        raise AttributeError(f"no {name}")


NOT_A_NAME = "attribute name must be string, not 'int'"


def test_getattr_and_hasattr_with_name_objects(mod):
    obj = Attrs()
    for name in ["x", "cls_attr", Name("x"), "dynamic", "nope", "missing", "__class__", "é"]:
        expected = outcome(getattr, obj, name)
        got = outcome(mod.getattr_obj, obj, name)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:
            assert got == expected
        assert mod.hasattr_obj(obj, name) is hasattr(obj, name), name
    for func in (mod.getattr_obj, mod.hasattr_obj):
        with pytest.raises(TypeError) as info:
            func(obj, 1)
        assert str(info.value) == NOT_A_NAME
    if not IS_PYPY:  # CPython's words (those of PyObject_GetAttr/SetAttr; before 3.10 the
        # builtins getattr and hasattr had a message of their own)
        assert outcome(setattr, obj, 1, 2)[2] == NOT_A_NAME


def test_setattr_and_delattr_with_name_objects(mod):
    obj, ref = Attrs(), Attrs()
    for name, value in [("x", 2), (Name("y"), [1]), ("é", None)]:
        assert mod.setattr_obj(obj, name, value) is None
        setattr(ref, name, value)
        assert getattr(obj, name) is value and vars(obj) == vars(ref)
    for name in ["x", Name("y")]:
        assert mod.delattr_obj(obj, name) is None
        delattr(ref, name)
        assert vars(obj) == vars(ref)
    for target in (obj, object(), 5):
        for name in ("x", "never_set"):
            assert_same_error(outcome(mod.delattr_obj, target, name), outcome(delattr, target, name))
    assert_same_error(outcome(mod.setattr_obj, object(), "a", 1), outcome(setattr, object(), "a", 1))
    for func, args in ((mod.setattr_obj, (obj, 1, 2)), (mod.delattr_obj, (obj, 1))):
        with pytest.raises(TypeError) as info:
            func(*args)
        assert str(info.value) == NOT_A_NAME


# ---- vectorcall method calls ----


class Methods:
    def __init__(self):
        self.seen = []
        self.plain = lambda *args: ("instance attribute", args)

    def record(self, *args):
        self.seen.append(args)
        return len(self.seen)

    @staticmethod
    def static(*args):
        return ("static", args)

    @classmethod
    def klass(cls, *args):
        return (cls.__name__, args)

    def fails(self):
        raise KeyError("inside the method")

    def __getattr__(self, name):
        if name == "virtual":
            return lambda *args: ("virtual", args)
        raise AttributeError(f"'Methods' object has no attribute '{name}'")


def test_call_method(mod):
    assert mod.call_method_obj("abc", "upper") == "ABC"
    assert mod.call_method_obj("a,b", Name("split"), ",") == ["a", "b"]
    items = [3, 1, 2]
    assert mod.call_method_obj(items, "append", 4) is None and items == [3, 1, 2, 4]
    assert mod.call_method_obj(items, "insert", 0, 9) is None and items == [9, 3, 1, 2, 4]
    assert mod.call_method_obj("abcabc", "replace", "b", "x", 1) == "axcabc"
    obj = Methods()
    nine = tuple(range(9))
    assert mod.call_method_obj(obj, "record") == 1
    assert mod.call_method_obj(obj, "record", *nine) == 2
    assert obj.seen == [(), nine]
    for name in ("static", "klass", "plain", "virtual"):
        for args in ((), (1,), (1, 2, 3), nine):
            assert mod.call_method_obj(obj, name, *args) == getattr(obj, name)(*args), (name, args)
    assert mod.call_method_obj(int, "from_bytes", b"\x01\x00", "big") == 256
    assert mod.call_twice([], "__add__", [1]) == ([1], [1])
    with pytest.raises(KeyError, match="inside the method"):
        mod.call_method_obj(obj, "fails")
    for target, name, args in ((obj, "nope", ()), (5, "nope", ()), ("abc", "upper", (1,)),
                               (items, "append", ())):
        expected = outcome(lambda: getattr(target, name)(*args))
        assert_same_error(outcome(mod.call_method_obj, target, name, *args), expected)
    with pytest.raises(TypeError) as info:
        mod.call_method_obj("abc", 1)
    assert str(info.value) == NOT_A_NAME


# ---- items by index and by str key ----


def test_items_by_str_key(mod):
    ours, ref = {"a": 1, "é": 2}, {"a": 1, "é": 2}
    for key in ("a", "é", "b", ""):
        assert_or_same(outcome(mod.getitem_str, ours, key), outcome(operator.getitem, ref, key))
    for key, value in (("b", 3), ("é", None), ("日本", [1])):
        assert mod.setitem_str(ours, key, value) is None
        ref[key] = value
        assert ours == ref
    for key in ("b", "missing"):
        assert_or_same(outcome(mod.delitem_str, ours, key), outcome(operator.delitem, ref, key))
        assert ours == ref
    for func, args in ((mod.getitem_str, ()), (mod.setitem_str, (1,)), (mod.delitem_str, ())):
        with pytest.raises(ValueError, match="embedded null character"):
            func(ours, "a\0b", *args)
        for target in ([1], (1,), "abc", 5):
            expected = outcome(getattr(operator, func.__name__[:3] + "item"), target, "a", *args)
            assert_same_error(outcome(func, copy.copy(target), "a", *args), expected)


def assert_or_same(got, expected):
    if expected[0] == "raise":
        assert_same_error(got, expected)
    else:
        assert got == expected


def test_items_by_index(mod):
    ours, ref = [10, 20, 30, 40], [10, 20, 30, 40]
    for index in (0, 3, -1, -4, 4, -5):
        assert_or_same(outcome(mod.get_index, ours, index), outcome(operator.getitem, ref, index))
    for index, value in ((0, "a"), (-1, "z"), (2, None), (4, "x"), (-5, "x")):
        assert_or_same(outcome(mod.setitem_index, ours, index, value),
                       outcome(operator.setitem, ref, index, value))
        assert ours == ref
    for index in (0, -1, 5, -9):
        assert_or_same(outcome(mod.delitem_index, ours, index), outcome(operator.delitem, ref, index))
        assert ours == ref
    mapping, ref_mapping = {}, {}
    mod.setitem_index(mapping, -7, "seven")
    ref_mapping[-7] = "seven"
    assert mapping == ref_mapping and mod.get_index(mapping, -7) == "seven"
    mod.delitem_index(mapping, -7)
    assert mapping == {}
    assert_same_error(outcome(mod.delitem_index, mapping, 1), outcome(operator.delitem, mapping, 1))
    for target in ((1, 2), "ab", 5, frozenset()):
        for func, ref_func, args in ((mod.setitem_index, operator.setitem, (0, 1)),
                                     (mod.delitem_index, operator.delitem, (0,))):
            assert_same_error(outcome(func, target, *args), outcome(ref_func, target, *args))
    with pytest.raises(OverflowError, match="cannot fit 'int' into an index-sized integer"):
        mod.setitem_index(ours, 2**70, 1)


# ---- text, bytes, dump ----


class Reprs:
    def __repr__(self):
        return "Réprs(日本, \U0001f40d)"


class Bytesable:
    def __bytes__(self):
        return b"from __bytes__"


class BadBytes:
    def __bytes__(self):
        return "not bytes"


def test_ascii(mod):
    for value in ["abc", "é", "日本\U0001f40d", 1, [1, "é"], {"é": b"\xff"}, Reprs(), "\udcff"]:
        assert mod.ascii(value) == ascii(value)
        assert type(mod.ascii(value)) is str


def test_bytes(mod):
    for value in [b"abc", bytearray(b"xy"), memoryview(b"mv"), [1, 2, 255], (0,), Bytesable(),
                  iter([65, 66])]:
        expected = b"AB" if hasattr(value, "__next__") else bytes(value)
        got = mod.to_bytes(value)
        assert got == expected and type(got) is bytes
    # PyObject_Bytes: an int is an error, never `n` zero bytes as in bytes(n), and a str needs
    # no encoding argument to be refused; the other errors are bytes()'s.
    for value, type_name in ((3, "int"), ("str", "str")):
        with pytest.raises(TypeError, match=f"cannot convert '{type_name}' object to bytes"):
            mod.to_bytes(value)
    for value in ([256], [-1], BadBytes(), None, 1.5):
        assert_same_error(outcome(mod.to_bytes, value), outcome(bytes, value))


def test_dump(mod, capfd):
    marker = "hpy-rs dump marker \u00e9"
    assert mod.dump(marker) is None
    out, err = capfd.readouterr()
    assert "hpy-rs dump marker" in out + err


# ---- instance allocation ----


class Plain:
    def __init__(self):
        self.initialised = True


class PlainChild(Plain):
    __slots__ = ("slot",)


class OwnNew:
    def __new__(cls):
        return super().__new__(cls)


def test_generic_new(mod):
    for ty in (Plain, PlainChild, object, Attrs):
        made, reference = mod.generic_new(ty), object.__new__(ty)
        assert type(made) is ty is type(reference)
        assert getattr(made, "__dict__", None) == getattr(reference, "__dict__", None)
        assert not hasattr(made, "initialised") and not hasattr(made, "slot")  # no __init__ ran
        assert made is not mod.generic_new(ty)
    # A type with a constructor of its own (GenericNew would skip it), a type with none, an
    # abstract class, anything but a type: refused, as object.__new__ refuses them.
    import abc

    class Abstract(abc.ABC):
        @abc.abstractmethod
        def method(self):
            pass

    for ty in (int, str, list, dict, OwnNew, type, type(len), Abstract, 5, "int", None):
        expected = outcome(object.__new__, ty)
        got = outcome(mod.generic_new, ty)
        if expected[0] == "raise":
            assert_same_error(got, expected)
        else:  # (OwnNew: its __new__ is its own, but object.__new__ makes its instances)
            assert got[0] == "ok" and type(got[1]) is ty is type(expected[1])


class MyInt(int):
    def __new__(cls):
        return super().__new__(cls, 5)


class MyIntChild(MyInt):
    pass


def test_generic_new_refuses_constructors_of_their_own(mod, shapes):
    """A type whose nearest constructor not written in Python is not object's: refused in
    CPython's words everywhere, PyPy included (whose object.__new__ does not check), so that an
    hpy-rs class never gets an instance whose Rust value was not made by its own __new__."""
    # (The names are HPyType_GetName's: CPython's tp_name, "shapes.Outside" as the class was
    # declared; PyPy's is the bare __name__.)
    outside = "Outside" if IS_PYPY else "shapes.Outside"
    for ty, base in ((shapes.Outside, outside), (MyInt, "int"), (MyIntChild, "int")):
        got = outcome(mod.generic_new, ty)
        name = outside if ty is shapes.Outside else ty.__name__
        cpython_words = (TypeError, f"object.__new__({name}) is not safe, use {base}.__new__()")
        reference = outcome(object.__new__, ty)
        if reference[0] == "raise":  # object.__new__'s own words (PyPy's on PyPy)
            assert got[1:] == reference[1:]
        else:  # PyPy's object.__new__ accepts it: refused all the same, in CPython's words
            assert IS_PYPY and got[1:] == cpython_words
        if not IS_PYPY:
            assert got[1:] == cpython_words


def test_a_failing_finalizer_is_unraisable(mod):
    # As for a Python `__del__` that raises: the error goes to sys.unraisablehook, the object
    # goes away, the program goes on.
    import gc

    seen = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        obj = mod.Grumpy("grumpy")
        del obj
        for _ in range(3):
            gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert len(seen) == 1, seen
    assert type(seen[0].exc_value) is ValueError
    assert str(seen[0].exc_value) == "grumpy refuses to go"
