"""examples/slots: every HPy 0.9 type slot, bound from Rust, dispatches to the right method.

Each assertion fails if its slot is not wired: the Rust methods return (or record) the name of
the operation that ran, with the receiver's value and the other operand in the right places.
Every test runs in the cpython, universal and debug modes (debug under a LeakDetector).
"""

import gc
import operator
import struct

import pytest

import hpyrs_testing

from hpyrs_testing import collect_garbage, example_module

# How an index that is not an integer is refused (CPython's words, or PyPy's).
INDEX_MESSAGE = (
    "'str' object cannot be interpreted as an integer" if hpyrs_testing.IS_PYPY else "sequence index must be integer"
)

mod = example_module("slots")

# HPy 0.9's type slots (the module slots mod_create/mod_exec aside).
ALL_SLOTS = frozenset(
    """
    mp_subscript mp_length mp_ass_subscript
    nb_add nb_subtract nb_multiply nb_remainder nb_divmod nb_power nb_negative nb_positive
    nb_absolute nb_bool nb_invert nb_lshift nb_rshift nb_and nb_xor nb_or nb_int nb_float
    nb_index nb_floor_divide nb_true_divide nb_matrix_multiply
    nb_inplace_add nb_inplace_subtract nb_inplace_multiply nb_inplace_remainder
    nb_inplace_power nb_inplace_lshift nb_inplace_rshift nb_inplace_and nb_inplace_xor
    nb_inplace_or nb_inplace_floor_divide nb_inplace_true_divide nb_inplace_matrix_multiply
    sq_length sq_concat sq_repeat sq_item sq_ass_item sq_contains sq_inplace_concat
    sq_inplace_repeat
    tp_repr tp_str tp_hash tp_call tp_richcompare tp_init tp_new tp_finalize tp_destroy
    tp_traverse bf_getbuffer bf_releasebuffer
    """.split()
)
assert len(ALL_SLOTS) == 58

COVERED = set()


def covers(*slots):
    """Marks a test as the check of `slots` (test_every_slot_is_covered adds them up)."""
    unknown = set(slots) - ALL_SLOTS
    assert not unknown, unknown
    COVERED.update(slots)
    return lambda f: f


# ---- Num: the number slots ------------------------------------------------------------------

# (operator, the name the Rust method reports, the slot)
BINARY = [
    (operator.add, "add", "nb_add"),
    (operator.sub, "sub", "nb_subtract"),
    (operator.mul, "mul", "nb_multiply"),
    (operator.mod, "mod", "nb_remainder"),
    (divmod, "divmod", "nb_divmod"),
    (operator.lshift, "lshift", "nb_lshift"),
    (operator.rshift, "rshift", "nb_rshift"),
    (operator.and_, "and", "nb_and"),
    (operator.xor, "xor", "nb_xor"),
    (operator.or_, "or", "nb_or"),
    (operator.floordiv, "floordiv", "nb_floor_divide"),
    (operator.truediv, "truediv", "nb_true_divide"),
    (operator.matmul, "matmul", "nb_matrix_multiply"),
]
BINARY_IDS = [name for _, name, _ in BINARY]


@covers(*(slot for _, _, slot in BINARY))
@pytest.mark.parametrize("op, name, slot", BINARY, ids=BINARY_IDS)
def test_binary(mod, op, name, slot):
    assert op(mod.Num(7), 5) == (name, 7, 5)
    # the reflected form: int's slot returns NotImplemented, then Num's slot runs __r*__ with
    # the Num as receiver and the int as operand
    assert op(5, mod.Num(7)) == ("r" + name, 7, 5)
    # an operand the method cannot take: NotImplemented on both sides
    with pytest.raises(TypeError, match="unsupported operand"):
        op(mod.Num(7), None)
    with pytest.raises(TypeError, match="unsupported operand"):
        op(None, mod.Num(7))


def test_binary_operator_syntax(mod):
    n = mod.Num(7)
    assert n + 1 == ("add", 7, 1) and 1 + n == ("radd", 7, 1)
    assert n - 1 == ("sub", 7, 1) and 1 - n == ("rsub", 7, 1)
    assert n * 1 == ("mul", 7, 1) and 1 * n == ("rmul", 7, 1)
    assert n % 1 == ("mod", 7, 1) and 1 % n == ("rmod", 7, 1)
    assert n << 1 == ("lshift", 7, 1) and 1 << n == ("rlshift", 7, 1)
    assert n >> 1 == ("rshift", 7, 1) and 1 >> n == ("rrshift", 7, 1)
    assert n & 1 == ("and", 7, 1) and 1 & n == ("rand", 7, 1)
    assert n ^ 1 == ("xor", 7, 1) and 1 ^ n == ("rxor", 7, 1)
    assert n | 1 == ("or", 7, 1) and 1 | n == ("ror", 7, 1)
    assert n // 1 == ("floordiv", 7, 1) and 1 // n == ("rfloordiv", 7, 1)
    assert n / 1 == ("truediv", 7, 1) and 1 / n == ("rtruediv", 7, 1)
    assert n @ 1 == ("matmul", 7, 1) and 1 @ n == ("rmatmul", 7, 1)
    assert n**1 == ("pow", 7, 1, None) and 1**n == ("rpow", 7, 1, None)


@covers("nb_power")
def test_power(mod):
    n = mod.Num(7)
    assert n**2 == ("pow", 7, 2, None)
    assert pow(n, 2) == ("pow", 7, 2, None)
    assert pow(n, 2, 5) == ("pow", 7, 2, 5)
    assert 2**n == ("rpow", 7, 2, None)
    assert pow(2, n) == ("rpow", 7, 2, None)
    if hpyrs_testing.IS_PYPY:
        # PyPy dispatches operators on HPy types as on Python classes, whose __rpow__
        # three-argument pow() never calls (CPython 3.11 neither, for a Python class).
        with pytest.raises(TypeError, match="unsupported operand"):
            pow(2, n, 5)
    else:
        assert pow(2, n, 5) == ("rpow", 7, 2, 5)  # three-argument pow reaches the slot too
    with pytest.raises(TypeError, match="unsupported operand"):
        n ** None
    with pytest.raises(TypeError, match="unsupported operand"):
        pow(n, 2, "m")  # the modulo does not convert: NotImplemented


# (in-place operator, recorded name, slot); each returns self and records (name, other).
INPLACE = [
    (operator.iadd, "iadd", "nb_inplace_add"),
    (operator.isub, "isub", "nb_inplace_subtract"),
    (operator.imul, "imul", "nb_inplace_multiply"),
    (operator.imod, "imod", "nb_inplace_remainder"),
    (operator.ipow, "ipow", "nb_inplace_power"),
    (operator.ilshift, "ilshift", "nb_inplace_lshift"),
    (operator.irshift, "irshift", "nb_inplace_rshift"),
    (operator.iand, "iand", "nb_inplace_and"),
    (operator.ixor, "ixor", "nb_inplace_xor"),
    (operator.ior, "ior", "nb_inplace_or"),
    (operator.ifloordiv, "ifloordiv", "nb_inplace_floor_divide"),
    (operator.itruediv, "itruediv", "nb_inplace_true_divide"),
]


@covers(*(slot for _, _, slot in INPLACE))
@pytest.mark.parametrize("op, name, slot", INPLACE, ids=[name for _, name, _ in INPLACE])
def test_inplace_returns_self(mod, op, name, slot):
    n = mod.Num(7)
    assert n.last is None
    # Without the in-place slot, Python would fall back to the binary one (a tuple result).
    assert op(n, 5) is n
    assert n.last == (name, 5)
    with pytest.raises(TypeError, match="unsupported operand"):
        op(n, None)  # NotImplemented from the in-place slot, then from the binary one
    assert n.last == (name, 5)


def test_inplace_statement_syntax(mod):
    n = orig = mod.Num(7)
    n += 1
    assert n is orig and n.last == ("iadd", 1)
    n -= 2
    assert n.last == ("isub", 2)
    n *= 3
    assert n.last == ("imul", 3)
    n %= 4
    assert n.last == ("imod", 4)
    n **= 5
    assert n.last == ("ipow", 5)
    n <<= 6
    assert n.last == ("ilshift", 6)
    n >>= 7
    assert n.last == ("irshift", 7)
    n &= 8
    assert n.last == ("iand", 8)
    n ^= 9
    assert n.last == ("ixor", 9)
    n |= 10
    assert n.last == ("ior", 10)
    n //= 11
    assert n.last == ("ifloordiv", 11)
    n /= 12
    assert n.last == ("itruediv", 12)
    assert n is orig


@covers("nb_inplace_matrix_multiply")
def test_inplace_returning_a_value(mod):
    n = mod.Num(7)
    n @= 3
    assert n == ("imatmul", 7, 3)  # not ("matmul", ...): the in-place slot ran
    assert operator.imatmul(mod.Num(1), 2) == ("imatmul", 1, 2)


UNARY = [
    (operator.neg, "neg", "nb_negative"),
    (operator.pos, "pos", "nb_positive"),
    (abs, "abs", "nb_absolute"),
    (operator.invert, "invert", "nb_invert"),
]


@covers(*(slot for _, _, slot in UNARY))
@pytest.mark.parametrize("op, name, slot", UNARY, ids=[name for _, name, _ in UNARY])
def test_unary(mod, op, name, slot):
    assert op(mod.Num(7)) == (name, 7)
    assert op(mod.Num(-3)) == (name, -3)


def test_unary_syntax(mod):
    n = mod.Num(7)
    assert (-n, +n, ~n) == (("neg", 7), ("pos", 7), ("invert", 7))


@covers("nb_int", "nb_float", "nb_index")
def test_conversions(mod):
    n = mod.Num(7)
    # three different values, so no conversion can be served by a fallback to another slot
    assert int(n) == 1007
    assert float(n) == 7.5
    assert operator.index(n) == 7
    assert "abcdefghij"[n] == "h"
    assert range(100)[mod.Num(42)] == 42
    assert hex(mod.Num(255)) == "0xff"
    assert [0, 1, 2, 3][mod.Num(-1)] == 3


@covers("nb_bool")
def test_bool(mod):
    # without nb_bool (and no length) every object would be true
    assert bool(mod.Num(0)) is False
    assert bool(mod.Num(3)) is True
    assert not mod.Num(0)
    assert (mod.Num(0) or "fallback") == "fallback"


# ---- Seq: the sequence slots ------------------------------------------------------------------


@covers("sq_length")
def test_seq_length(mod):
    s = mod.Seq([10, 20, 30])
    assert len(s) == 3
    assert s.last == "length"
    assert len(mod.Seq([])) == 0


@covers("sq_item")
def test_seq_item(mod):
    s = mod.Seq([10, 20, 30])
    assert s[1] == 20
    assert s.last == "item"
    assert s[-1] == 30  # Python adds len(s) (sq_length) to a negative index
    assert s[mod.Num(2)] == 30  # any __index__ object
    with pytest.raises(IndexError, match="Seq index out of range"):
        s[3]
    # No mp_subscript: keys go through the sequence protocol, whose index conversion PyPy
    # words differently.
    with pytest.raises(TypeError, match=INDEX_MESSAGE):
        s["key"]
    assert list(s) == [10, 20, 30]  # the old iteration protocol: sq_item until IndexError


@covers("sq_ass_item")
def test_seq_ass_item(mod):
    s = mod.Seq([10, 20, 30])
    s[0] = 5
    assert s.last == "ass_item"
    s[-1] = 35
    assert s.tolist() == [5, 20, 35]
    del s[1]
    assert s.last == "del_item"
    assert s.tolist() == [5, 35]
    del s[-1]
    assert s.tolist() == [5]
    with pytest.raises(IndexError):
        s[4] = 1
    with pytest.raises(IndexError):
        del s[4]
    with pytest.raises(TypeError):
        s[0] = "not an int"
    with pytest.raises(TypeError, match=INDEX_MESSAGE):
        s["key"] = 1
    assert s.tolist() == [5]


@covers("sq_contains")
def test_seq_contains(mod):
    s = mod.Seq([10, 20, 30])
    assert 20 in s
    assert s.last == "contains"  # not "item": no iteration fallback
    assert 25 not in s
    assert s.last == "contains"


@covers("sq_concat")
def test_seq_concat(mod):
    s, t = mod.Seq([1, 2]), mod.Seq([3])
    u = s + t
    assert u.last == "concat"
    assert u.tolist() == [1, 2, 3]
    assert s.tolist() == [1, 2] and t.tolist() == [3]
    assert (s + s).tolist() == [1, 2, 1, 2]
    with pytest.raises(TypeError):
        s + [3]


@covers("sq_repeat")
def test_seq_repeat(mod):
    s = mod.Seq([1, 2])
    assert (s * 3).tolist() == [1, 2, 1, 2, 1, 2]
    assert (s * 3).last == "repeat"
    assert (2 * s).tolist() == [1, 2, 1, 2]  # the right operand's sq_repeat
    assert (s * 0).tolist() == []
    assert (s * mod.Num(2)).tolist() == [1, 2, 1, 2]  # the count through __index__
    assert s.tolist() == [1, 2]


@covers("sq_inplace_concat")
def test_seq_inplace_concat(mod):
    s = orig = mod.Seq([1, 2])
    s += mod.Seq([3])
    assert s is orig  # sq_concat would have made a new object
    assert s.last == "inplace_concat"
    assert s.tolist() == [1, 2, 3]
    s += s
    assert s.tolist() == [1, 2, 3, 1, 2, 3]
    assert operator.iconcat(s, mod.Seq([0])) is s
    with pytest.raises(TypeError):
        s += [4]
    assert s.tolist() == [1, 2, 3, 1, 2, 3, 0]


@covers("sq_inplace_repeat")
def test_seq_inplace_repeat(mod):
    s = orig = mod.Seq([1, 2])
    s *= 2
    assert s is orig
    assert s.last == "inplace_repeat"
    assert s.tolist() == [1, 2, 1, 2]
    s *= 0
    assert s.tolist() == []


COMPARISONS = [
    (operator.lt, [1, 2], [1, 3], True),
    (operator.lt, [1, 3], [1, 2], False),
    (operator.le, [1, 2], [1, 2], True),
    (operator.le, [1, 3], [1, 2], False),
    (operator.eq, [1, 2], [1, 2], True),
    (operator.eq, [1, 2], [1, 3], False),
    (operator.ne, [1, 2], [1, 3], True),
    (operator.ne, [1, 2], [1, 2], False),
    (operator.gt, [2], [1, 9], True),
    (operator.gt, [1], [1, 9], False),
    (operator.ge, [2], [2], True),
    (operator.ge, [1], [2], False),
]


@covers("tp_richcompare")
@pytest.mark.parametrize("op, a, b, expected", COMPARISONS)
def test_seq_comparison_dunders(mod, op, a, b, expected):
    assert op(mod.Seq(a), mod.Seq(b)) is expected


def test_seq_comparison_not_implemented(mod):
    s = mod.Seq([1])
    assert (s == [1]) is False  # NotImplemented on both sides: identity
    assert (s != [1]) is True
    with pytest.raises(TypeError):
        s < 1


# ---- Map: the mapping slots -------------------------------------------------------------------


@covers("mp_subscript", "mp_length", "mp_ass_subscript")
def test_map(mod):
    m = mod.Map()
    assert len(m) == 0
    assert m.last == "length"
    m["a"] = 1
    assert m.last == "ass_subscript"
    m["b"] = 2
    assert m["a"] == 1
    assert m.last == "subscript"
    assert len(m) == 2
    del m["a"]
    assert m.last == "del_subscript"
    assert len(m) == 1
    with pytest.raises(KeyError, match="a"):
        m["a"]
    with pytest.raises(KeyError, match="zz"):
        del m["zz"]
    with pytest.raises(TypeError):
        m[0]  # the key goes to mp_subscript as is (not through the sequence protocol)
    with pytest.raises(TypeError):
        m["c"] = "not an int"
    # No sq_contains, no sq_item: CPython refuses to iterate; PyPy iterates through
    # __getitem__ with 0, 1, ..., which mp_subscript refuses (a str key is required).
    with pytest.raises(TypeError, match="expected str, got 'int'" if hpyrs_testing.IS_PYPY else r"not (a container or )?iterable"):
        "b" in m
    assert m["b"] == 2


# ---- Misc: repr, str, hash, call, richcompare, init, new, finalize, destroy, traverse, buffer --


@covers("tp_new", "tp_init")
def test_new_and_init(mod):
    news = mod.misc_counts()[0]
    m = mod.Misc("abc")
    assert mod.misc_counts()[0] == news + 1
    assert (m.name, m.inits) == ("abc", 1)
    m.__init__("xy")  # tp_init again, on the same object
    assert (m.name, m.inits) == ("xy", 2)
    bare = mod.Misc.__new__(mod.Misc)  # tp_new alone
    assert mod.misc_counts()[0] == news + 2
    assert (bare.name, bare.inits) == ("", 0)
    with pytest.raises(TypeError):
        mod.Misc()  # tp_new runs; tp_init rejects the missing argument
    assert mod.misc_counts()[0] == news + 3
    with pytest.raises(TypeError):
        mod.Misc(1)


@covers("tp_repr", "tp_str")
def test_repr_str(mod):
    m = mod.Misc("abc")
    assert repr(m) == "<Misc \"abc\">"
    assert str(m) == "Misc named abc"
    assert f"{m}" == "Misc named abc"
    assert repr([m]) == "[<Misc \"abc\">]"


@covers("tp_hash")
def test_hash(mod):
    assert hash(mod.Misc("abc")) == 4203
    assert hash(mod.Misc("")) == 4200
    m = mod.Misc("abcd")
    assert {m: 1}[m] == 1


@covers("tp_call")
def test_call(mod):
    m = mod.Misc("abc")
    assert m(1) == ("abc", 1, 0)
    assert m(1, 2) == ("abc", 1, 2)
    assert m(a=3, b=4) == ("abc", 3, 4)
    with pytest.raises(TypeError):
        m()
    with pytest.raises(TypeError):
        m("x")


REFLECTED = {"lt": "gt", "le": "ge", "eq": "eq", "ne": "ne", "gt": "lt", "ge": "le"}


@covers("tp_richcompare")
@pytest.mark.parametrize("name", list(REFLECTED))
def test_richcmp(mod, name):
    op = getattr(operator, name)
    m = mod.Misc("abc")
    assert op(m, 3) == (name, "abc", 3)
    # int's comparison returns NotImplemented; Python then asks Misc with the swapped operator
    assert op(3, m) == (REFLECTED[name], "abc", 3)


def test_richcmp_not_implemented(mod):
    m = mod.Misc("abc")
    assert (m == "x") is False  # NotImplemented on both sides: identity comparison
    assert (m != "x") is True
    with pytest.raises(TypeError):
        m < "x"


@covers("tp_finalize", "tp_destroy")
def test_finalize_and_destroy(mod):
    collect_garbage()
    _, finalized, dropped = mod.misc_counts()
    m = mod.Misc("abc")
    del m
    collect_garbage()
    assert mod.misc_counts()[1:] == (finalized + 1, dropped + 1)


@covers("tp_traverse")
def test_traverse(mod):
    m = mod.Misc("abc")
    partner = ["partner"]
    m.link(partner)
    assert m.partner() is partner
    if not hpyrs_testing.IS_PYPY:  # (PyPy's gc module has no is_tracked)
        assert gc.is_tracked(m)  # HPy_TPFLAGS_HAVE_GC
    # gc.get_referents calls tp_traverse
    assert any(r is partner for r in gc.get_referents(m))
    m.link(None)
    assert not any(r is partner for r in gc.get_referents(m))


def test_cycle_through_field_is_collected(mod):
    collect_garbage()
    _, finalized, dropped = mod.misc_counts()
    a, b = mod.Misc("a"), mod.Misc("b")
    a.link(b)
    b.link(a)
    del a, b
    assert mod.misc_counts()[2] == dropped  # only the collector (tp_traverse) can free a cycle
    collect_garbage()
    assert mod.misc_counts()[1:] == (finalized + 2, dropped + 2)


@covers("bf_getbuffer", "bf_releasebuffer")
def test_buffer(mod):
    m = mod.Misc("abc")
    assert m.releases == 0
    mv = memoryview(m)
    assert bytes(mv) == b"abc"
    assert mv.readonly and mv.format == "B" and mv.itemsize == 1 and len(mv) == 3
    assert m.releases == 0
    with pytest.raises(RuntimeError, match="borrowed"):
        m.__init__("changed")  # the export keeps the struct borrowed
    mv.release()
    assert m.releases == 1  # the user __releasebuffer__ ran
    m.__init__("xyz")  # ... and the export's borrow ended with it
    with memoryview(m) as mv2:
        assert mv2.tobytes() == b"xyz"
    assert m.releases == 2
    assert bytes(m) == b"xyz"
    if hpyrs_testing.IS_PYPY:
        collect_garbage()  # bytes()'s temporary export ends when PyPy collects it
    assert m.releases == 3


def test_buffer_flags(mod):
    m = mod.Misc("abc")
    # "w*" asks for PyBUF_WRITABLE and turns the BufferError ("the buffer is read-only") of
    # bf_getbuffer into this TypeError; had the flags been ignored, it would have written.
    with pytest.raises(TypeError, match="read-write bytes-like object"):
        struct.pack_into("B", m, 0, 1)
    assert m.releases == 0  # a failed export is not released
    m.__init__("def")  # and left no borrow behind
    assert bytes(m) == b"def"


# ---- completeness ---------------------------------------------------------------------------------


def test_every_slot_is_covered():
    assert sorted(ALL_SLOTS - COVERED) == []
