"""examples/shapes: every feature of extension types, checked from Python in all three modes
(debug mode runs each test under a LeakDetector)."""

import math
import sys
import operator

import pytest

import hpyrs_testing
from hpyrs_testing import collect_garbage, example_module

mod = example_module("shapes")


# ---- Point: properties, methods, class-level items -------------------------------------------


def test_point_basics(mod):
    p = mod.Point(3, 4)
    assert (p.x, p.y) == (3.0, 4.0)
    assert p.norm() == 5.0
    assert mod.Point(2).y == 0.0  # #[hpy(default)]
    assert mod.Point(x=1, y=2).y == 2.0
    assert mod.Point.__doc__.startswith("A point in the plane.\n")
    assert mod.Point.norm.__doc__ == "Distance from origin."
    assert mod.Point.__module__ == "shapes"
    with pytest.raises(TypeError):
        mod.Point()
    with pytest.raises(TypeError):
        mod.Point("a")


def test_properties(mod):
    p = mod.Point(1, 2)
    p.x = 10  # #[hpy(get, set)] field
    p.y = 20  # #[setter]
    assert (p.x, p.y) == (10.0, 20.0)
    with pytest.raises(TypeError):
        p.x = "no"
    with pytest.raises(TypeError):
        del p.y
    assert (p.x, p.y) == (10.0, 20.0)
    # The hidden methods behind PyPy's properties (`__hpy_get_x`) are gone on every runtime.
    assert [n for n in dir(mod.Point) if n.startswith("__hpy_")] == []
    # No __dict__ on a Rust class (PyPy gives one: hpy-rs refuses the same names there).
    with pytest.raises(AttributeError, match="'shapes.Point' object has no attribute 'z'"):
        p.z = 1
    with pytest.raises(AttributeError, match="'shapes.Point' object attribute 'norm' is read-only"):
        p.norm = 1
    p.scale(0.5)
    assert (p.x, p.y) == (5.0, 10.0)


def test_field_holds_any_object(mod):
    t = mod.Tracked(0)
    assert t.partner() is None
    label = ["a", "label"]
    t.link(label)
    assert t.partner() is label
    t.link("other")
    assert t.partner() == "other"


def test_static_class_methods_and_class_attributes(mod):
    assert mod.Point.origin_distance(3, 4) == 5.0
    assert mod.Point(0, 0).origin_distance(6, 8) == 10.0
    assert mod.Point.describe() == "Point"
    assert mod.Point.DIMENSIONS == 2
    assert mod.Point.unit == (1.0, 0.0)
    assert mod.Point(1, 1).DIMENSIONS == 2
    assert "origin_distance" not in dir(mod) and "describe" not in dir(mod)


def test_repr_str_hash_eq_bool(mod):
    p = mod.Point(1.5, -2)
    assert repr(p) == "Point(1.5, -2.0)"
    assert str(p) == "(1.5, -2)"
    assert p == mod.Point(1.5, -2.0)
    assert p != mod.Point(1.5, 2)
    assert not (p == "not a point")  # NotImplemented on both sides: identity comparison
    assert p != 3
    assert hash(p) == hash(mod.Point(1.5, -2))
    assert len({p, mod.Point(1.5, -2), mod.Point(0, 1)}) == 2
    assert bool(p) and not bool(mod.Point(0, 0))
    with pytest.raises(TypeError):
        p < p  # only __eq__ is defined


def test_point_arithmetic(mod):
    a, b = mod.Point(1, 2), mod.Point(10, 20)
    assert a + b == mod.Point(11, 22)
    assert b - a == mod.Point(9, 18)
    assert a * 3 == mod.Point(3, 6)
    assert 3 * a == mod.Point(3, 6)  # __rmul__
    assert -a == mod.Point(-1, -2)
    assert abs(mod.Point(3, 4)) == 5.0
    assert a ** 2 == mod.Point(1, 4)
    assert pow(mod.Point(3, 4), 2, 5) == mod.Point(4, 1)
    assert 2 ** mod.Point(3, 4) == mod.Point(8, 16)  # __rpow__
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        1 + a
    with pytest.raises(TypeError):
        a * a


def test_point_in_place(mod):
    p = mod.Point(1, 1)
    q = p
    p += mod.Point(1, 2)
    assert p is q and p == mod.Point(2, 3)
    p *= 2
    assert p is q and p == mod.Point(4, 6)
    with pytest.raises(RuntimeError, match="borrowed"):
        p += p  # the in-place slot holds `&mut self`, so `other` cannot be borrowed
    assert p == mod.Point(4, 6)


# ---- Members of every type, metaclass --------------------------------------------------------


def test_members_of_every_type(mod):
    m = mod.Members()
    initial = {"i8_": -8, "i16_": -16, "i32_": -32, "i64_": -64, "u8_": 8, "u16_": 16,
               "u32_": 32, "u64_": 64, "isize_": -1, "usize_": 1, "fixed": 7}
    for name, value in initial.items():
        assert getattr(m, name) == value, name
    assert m.sum_ints() == sum(initial.values())
    assert (m.f32_, m.f64_, m.bool_) == (0.5, 0.25, True)
    # Python writes through the members; Rust sees the new values.
    limits = {"i8_": -(2**7), "i16_": 2**15 - 1, "i32_": -(2**31), "i64_": 2**63 - 1,
              "u8_": 255, "u16_": 2**16 - 1, "u32_": 2**32 - 1, "u64_": 2**64 - 1,
              "isize_": -(2**63), "usize_": 2**64 - 1}
    for name, value in limits.items():
        setattr(m, name, value)
        assert getattr(m, name) == value, name
    assert m.sum_ints() == sum(limits.values()) + 7
    for name in ("u64_", "usize_"):
        if sys.version_info >= (3, 13) and not hpyrs_testing.IS_PYPY:
            # CPython 3.13 made HPy's member setter (PyMember_SetOne) wrap negative values into
            # unsigned members, with a warning, where 3.8-3.12 raise OverflowError.
            with pytest.warns(RuntimeWarning, match="negative value into unsigned field"):
                setattr(m, name, -1)
            assert getattr(m, name) == 2**64 - 1
        else:
            with pytest.raises(OverflowError, match="can't convert negative int to unsigned"):
                setattr(m, name, -1)
        with pytest.raises(OverflowError, match="int too big to convert"):
            setattr(m, name, 2**64)
        # CPython's member setter; 3.8 and 3.9 word it "an integer is required (got type str)".
        with pytest.raises(TypeError, match="'str' object cannot be interpreted as an integer|an integer is required"):
            setattr(m, name, "x")
    m.f32_, m.f64_, m.bool_ = 1.5, -2.25, False
    assert m.floats_and_flag() == (1.5, -2.25, False)
    with pytest.raises(TypeError):
        m.i32_ = "not a number"
    with pytest.raises(TypeError):
        m.bool_ = 1  # bool members take bools only
    with pytest.raises(AttributeError):
        m.fixed = 8  # a plain field is a read-only member


def test_object_member(mod):
    m = mod.Members()
    assert m.object is None and m.object_from_rust() is None
    payload = {"k": [1, 2]}
    m.object = payload
    assert m.object is payload and m.object_from_rust() is payload
    m.object = None
    assert m.object is None


def test_metaclass(mod):
    class Made(metaclass=mod.Meta):
        a = 1

        def method(self):
            return "made"

    assert type(Made) is mod.Meta and isinstance(Made, type)
    assert Made().method() == "made" and Made.a == 1

    # The namespace held __module__, __qualname__, a and method, plus what the running Python
    # adds (3.13: __firstlineno__, __static_attributes__): as many as a Python metaclass sees.
    class Counting(type):
        def __new__(mcls, name, bases, namespace):
            mcls.seen = len(namespace)
            return super().__new__(mcls, name, bases, namespace)

    class Same(metaclass=Counting):
        a = 1

        def method(self):
            return "made"

    assert Made.attribute_count() == Counting.seen >= 4
    assert isinstance(mod.Meta("Dynamic", (), {}), type)


# ---- Frozen: members -----------------------------------------------------------------------


def test_frozen_members(mod):
    f = mod.Frozen(7)
    assert (f.id, f.hits, f.weight) == (7, 0, 1.0)
    assert mod.Frozen(1, weight=2.5).weight == 2.5
    with pytest.raises(AttributeError):
        f.id = 8  # plain field: read-only member
    with pytest.raises(AttributeError):
        f.weight = 0.0
    assert f.hit() == 1 and f.hit() == 2
    assert f.hits == 2
    f.hits = 40  # Cell field: writable member
    assert f.hit() == 41
    with pytest.raises(TypeError):
        f.hits = "x"
    assert f.id == 7


# ---- Num: the number protocol ----------------------------------------------------------------


def test_unary_and_conversions(mod):
    n = mod.Num(5)
    assert repr(n) == "Num(5)"
    assert int(n) == 5 and float(n) == 5.0
    assert operator.index(n) == 5
    assert [10, 11, 12, 13, 14, 15][n] == 15
    assert (-n).value == -5 and (+n).value == 5
    assert abs(mod.Num(-3)).value == 3
    assert (~n).value == -6
    assert bool(n) and not bool(mod.Num(0))
    assert hex(mod.Num(255)) == "0xff"


def test_binary_with_reflected_forms(mod):
    n = mod.Num(7)
    assert (n + 1).value == 8 and (1 + n).value == 8
    assert (n - 2).value == 5 and (10 - n).value == 3
    assert (n // 2).value == 3
    assert n % 4 == 3
    assert divmod(n, 2) == (3, 1)
    assert (n << 2).value == 28
    assert (n & 3).value == 3 and (n | 8).value == 15 and (n ^ 1).value == 6
    with pytest.raises(ZeroDivisionError):
        n // 0
    with pytest.raises(TypeError):
        n + "x"
    with pytest.raises(TypeError):
        "x" - n
    with pytest.raises(TypeError):
        n * 2  # no __mul__


def test_power(mod):
    n = mod.Num(3)
    assert (n ** 2).value == 9
    assert pow(n, 3, 5).value == 2
    assert 2 ** n == 8  # __rpow__
    with pytest.raises(OverflowError):
        mod.Num(10) ** 40
    with pytest.raises(ValueError):
        pow(n, 2, 0)


def test_in_place_ops(mod):
    n = mod.Num(1)
    alias = n
    n += 4
    assert n is alias and n.value == 5
    n -= 1
    assert n is alias and n.value == 4
    n **= 2
    assert n is alias and n.value == 16


def test_single_comparisons(mod):
    n = mod.Num(5)
    assert n < 6 and not (n < 5)
    assert n >= 5 and not (n >= 6)
    assert 6 > n  # reflected: int.__gt__ gives NotImplemented, then Num.__lt__(n, 6)
    with pytest.raises(TypeError):
        n <= 5  # neither __le__ nor the reflected __ge__ on int


# ---- mapping, sequence, call, iterators ----------------------------------------------------------


def test_mapping(mod):
    t = mod.Table()
    assert len(t) == 0 and "a" not in t
    t["b"] = 2
    t["a"] = 1
    assert len(t) == 2 and t["a"] == 1 and "a" in t
    assert list(t) == ["a", "b"]
    assert sorted(iter(t)) == ["a", "b"]
    del t["a"]
    assert "a" not in t and len(t) == 1
    with pytest.raises(KeyError):
        t["a"]
    with pytest.raises(KeyError):
        del t["a"]
    with pytest.raises(TypeError):
        t["c"] = "not an int"
    with pytest.raises(TypeError):
        t[1]
    assert type(iter(t)).__name__ == "Keys"


def test_iterator_snapshot(mod):
    t = mod.Table()
    t["x"] = 1
    keys = iter(t)
    t["y"] = 2
    assert iter(keys) is keys
    assert next(keys) == "x"
    with pytest.raises(StopIteration):
        next(keys)


def test_countdown(mod):
    assert list(mod.Countdown(3)) == [3, 2, 1]
    assert list(mod.Countdown(0)) == []
    c = mod.Countdown(2)
    assert iter(c) is c
    assert next(c) == 2 and next(c) == 1
    with pytest.raises(StopIteration):
        next(c)
    assert [x * 10 for x in mod.Countdown(2)] == [20, 10]


@hpyrs_testing.needs_failing_huge_allocations
def test_repeat_by_a_huge_count_raises_memory_error(mod):
    s = mod.Seq([1, 2])
    with pytest.raises(MemoryError):
        s * 2**40
    with pytest.raises(MemoryError):
        2**40 * s
    assert (s * 2).tolist() == [1, 2, 1, 2]
    assert (mod.Seq([]) * 2**62).tolist() == []  # nothing to repeat: no allocation, no loop


def test_sequence(mod):
    s = mod.Seq([1, 2, 3])
    assert len(s) == 3
    assert s[0] == 1 and s[-1] == 3  # CPython adds len() to negative sq_item indices
    with pytest.raises(IndexError):
        s[3]
    assert list(s) == [1, 2, 3]  # iteration through sq_item until IndexError
    s[1] = 20
    assert s.tolist() == [1, 20, 3]
    del s[0]
    assert s.tolist() == [20, 3]
    with pytest.raises(TypeError):
        s[0] = "x"
    assert 3 in s and 1 not in s
    assert (s + mod.Seq([7])).tolist() == [20, 3, 7]
    assert (s * 2).tolist() == [20, 3, 20, 3]
    assert (2 * s).tolist() == [20, 3, 20, 3]
    assert (s * -1).tolist() == []
    with pytest.raises(TypeError):
        s + [1]


def test_call_and_richcmp(mod):
    double = mod.Multiplier(2)
    assert double(4) == 8.0
    assert double(4, 1) == 9.0
    assert double(x=4, offset=0.5) == 8.5
    with pytest.raises(TypeError):
        double()
    with pytest.raises(TypeError):
        double(1, 2, 3)
    triple = mod.Multiplier(3)
    assert double < triple and double <= triple and triple > double and triple >= double
    assert double == mod.Multiplier(2) and double != triple
    assert not (double == 2)
    with pytest.raises(TypeError):
        double < 2


# ---- lifecycle: __del__, Drop, HPyField cycles, HPyGlobal -----------------------------------------


def test_del_and_drop(mod):
    collect_garbage()
    drops, finalized = mod.tracked_counts()
    t = mod.Tracked(1)
    assert t.id == 1
    del t
    collect_garbage()
    assert mod.tracked_counts() == (drops + 1, finalized + 1)


def test_reference_cycle_is_collected(mod):
    collect_garbage()
    drops, finalized = mod.tracked_counts()
    a, b = mod.Tracked(1), mod.Tracked(2)
    a.link(b)
    b.link(a)
    assert a.partner() is b and b.partner().partner() is b
    del a, b
    assert mod.tracked_counts()[0] == drops  # only the collector can free a cycle
    collect_garbage()
    assert mod.tracked_counts() == (drops + 2, finalized + 2)


def test_self_cycle_and_unlink(mod):
    collect_garbage()
    drops, _ = mod.tracked_counts()
    a = mod.Tracked(3)
    a.link(a)
    a.link(None)
    assert a.partner() is None
    del a
    if hpyrs_testing.IS_PYPY:
        collect_garbage()  # PyPy has no reference counts: its collector frees everything
    assert mod.tracked_counts()[0] == drops + 1  # no cycle left: freed by refcounting


def test_field_owner_is_checked(mod):
    a, b = mod.Tracked(1), mod.Tracked(2)
    with pytest.raises(SystemError, match="does not contain"):
        a.link_through_wrong_owner(b, "value")
    assert b.partner() is None


def test_global(mod):
    value = object()
    mod.remember(value)
    assert mod.recall() is value
    mod.remember([1, 2])
    assert mod.recall() == [1, 2]
    mod.remember(None)
    assert mod.recall() is None


# ---- exceptions ----------------------------------------------------------------------------------


def test_custom_exception(mod):
    assert issubclass(mod.ShapeError, ValueError)
    assert mod.ShapeError.__module__ == "shapes"
    assert mod.ShapeError.__name__ == "ShapeError"
    assert mod.ShapeError.__doc__ == "Raised for invalid shapes."
    with pytest.raises(mod.ShapeError, match="negative side -1"):
        mod.Square(-1)
    with pytest.raises(ValueError):
        mod.Square(-2)


# ---- inheritance ---------------------------------------------------------------------------------


def test_python_subclass(mod, hpy_mode):
    class Labeled(mod.Point):
        def norm(self):
            return super().norm() * 10

        def twice(self):
            return Labeled(self.x * 2, self.y * 2)

    if hpy_mode == "debug":
        # HPy 0.9's debug mode would abort the process on the struct access of an instance of a
        # Python subclass (it reports the subclass as a legacy type); hpy-rs raises instead.
        with pytest.raises(TypeError, match="debug mode cannot access"):
            Labeled(3, 4)
        return

    p = Labeled(3, 4)
    assert isinstance(p, mod.Point) and type(p) is Labeled
    assert p.norm() == 50.0
    assert p.twice().x == 6.0 and type(p.twice()) is Labeled
    p.extra = "python attribute"
    assert p.extra == "python attribute"
    assert Labeled.describe() == "Labeled"
    assert p == mod.Point(3, 4)
    assert type(p + p) is mod.Point


def test_python_subclass_init_arguments(mod, hpy_mode):
    class Scaled(mod.Point):
        def __init__(self, x, y, factor):
            self.factor = factor

    with pytest.raises(TypeError):
        Scaled(1, 2, 3)  # Point.__new__ gets the same arguments as __init__

    class Shifted(mod.Point):
        def __init__(self, x, y=0.0):
            self.shift = x + y

    if hpy_mode == "debug":
        with pytest.raises(TypeError, match="debug mode cannot access"):
            Shifted(1, 2)
        return
    s = Shifted(1, 2)
    assert (s.x, s.y, s.shift) == (1.0, 2.0, 3.0)


def test_python_subclass_refused_for_drop_glue(mod):
    # HPy 0.9 would hand the destructor of a Python subclass's instances the wrong data
    # pointer, so hpy-rs refuses the class statement instead of corrupting memory.
    with pytest.raises(TypeError, match="cannot inherit from Shape"):

        class Circle(mod.Shape):
            pass

    with pytest.raises(TypeError, match="type 'shapes.Num' is not an acceptable base type"):

        class NotSubclassable(mod.Num):  # no `subclass` option
            pass


def test_rust_subclass(mod):
    s = mod.Square(3)
    assert isinstance(s, mod.Shape) and type(s) is mod.Square
    assert issubclass(mod.Square, mod.Shape)
    assert s.side == 3.0
    assert s.area() == 9.0
    assert s.name == "square"  # the base's property, on the base's part of the object
    assert s.base_name() == "square"
    assert s.describe() == "square with area 9"  # the base's method calls the override
    assert mod.Shape.area(s) == 0.0
    assert mod.Shape("blob").describe() == "blob with area 0"
    with pytest.raises(TypeError):
        mod.Square.area(mod.Shape("x"))


def test_rust_subclass_drops_its_base_part(mod):
    collect_garbage()  # objects of earlier tests (kept by tracebacks) go first
    shape_drops, _ = mod.drop_counts()
    s = mod.Square(2)
    del s
    collect_garbage()
    assert mod.drop_counts()[0] == shape_drops + 1
    sh = mod.Shape("x")
    del sh
    if hpyrs_testing.IS_PYPY:
        collect_garbage()  # PyPy has no reference counts
    assert mod.drop_counts()[0] == shape_drops + 2


def test_no_uninitialised_objects(mod):
    # A class without #[new] cannot be instantiated by any route, so no object with an
    # uninitialised struct (whose Drop must not run) ever exists.
    collect_garbage()
    _, probes = mod.drop_counts()
    with pytest.raises(TypeError, match="cannot create 'Ghost' instances"):
        mod.Ghost("ghost")
    if not hpyrs_testing.IS_PYPY:
        with pytest.raises(TypeError, match="not safe"):
            mod.Shape.__new__(mod.Ghost, "ghost")
        with pytest.raises(TypeError, match="not safe"):
            object.__new__(mod.Square)
    else:
        # PyPy refuses neither route. What they make has no initialised Rust value, which
        # hpy-rs never uses nor drops: its methods raise instead.
        mod.Shape.__new__(mod.Ghost, "ghost")
        half_made = mod.Shape.__new__(mod.Square, "square")
        with pytest.raises(TypeError, match="Square object was never initialised"):
            half_made.area()
        with pytest.raises(TypeError, match="has no data: it was not made by Square.__new__"):
            object.__new__(mod.Square).area()
    collect_garbage()
    assert mod.drop_counts()[1] == probes


def test_builtin_bases(mod):
    i = mod.Int(12345)
    assert isinstance(i, int) and i == 12345 and i + 1 == 12346
    assert i.digits() == 5
    f = mod.Float(2.0)
    assert isinstance(f, float) and f == 2.0 and f.was_whole()
    assert not mod.Float(2.5).was_whole()
    s = mod.Str("héllo")
    assert isinstance(s, str) and s == "héllo" and s.upper() == "HÉLLO"
    assert s.char_count() == 5
    # HPy 0.9 keeps an int subclass's struct where a second digit would go: larger values
    # are refused rather than corrupted.
    assert mod.Int(-(2**29)).digits() == 9
    with pytest.raises(OverflowError, match="at most"):
        mod.Int(2**40)

    # `__new__` of a builtin-based class is a Python-level function: any class can be passed,
    # but only subtypes get a struct written into them.
    class OtherInt(int):
        pass

    with pytest.raises(TypeError, match="not a subtype"):
        mod.Int.__new__(OtherInt, 5)
    assert type(mod.Int.__new__(mod.Int, 5)) is mod.Int
    lst = mod.List([1, 2])
    assert isinstance(lst, list) and lst == [1, 2]
    lst.append(3)
    assert lst == [1, 2, 3]
    assert lst.bump() == 1 and lst.bump() == 2
    assert mod.List() == []


# ---- re-entrancy and panics -----------------------------------------------------------------------


def test_reentrant_shared_borrows(mod):
    acct = mod.Account(10)
    assert acct.inspect(lambda: acct.balance) == 10
    assert acct.inspect(lambda: acct.inspect(lambda: acct.balance + 1)) == 11


def test_reentrant_mutable_borrow_raises(mod):
    acct = mod.Account(10)
    seen = []

    def callback():
        with pytest.raises(RuntimeError, match="already mutably borrowed"):
            acct.balance
        with pytest.raises(RuntimeError, match="already borrowed"):
            acct.update(lambda: 1)
        seen.append("checked")
        return 5

    assert acct.update(callback) == 15
    assert seen == ["checked"]

    def escaping():
        return acct.balance

    with pytest.raises(RuntimeError, match="borrowed"):
        acct.update(escaping)
    assert acct.balance == 15  # the failed update changed nothing and released its borrow

    with pytest.raises(RuntimeError, match="borrowed"):
        acct.inspect(lambda: acct.update(lambda: 1))
    assert acct.balance == 15


def test_panic_becomes_system_error(mod):
    acct = mod.Account(1)
    with pytest.raises(SystemError, match="account exploded"):
        acct.explode()
    # the mutable borrow was released during unwinding
    assert acct.balance == -1
    assert acct.update(lambda: 2) == 1


def test_types_declared_outside_the_module(mod):
    o = mod.Outside("hi")
    assert (o.tag, o.shout()) == ("hi", "HI")
    assert mod.Outside.__module__ == mod.__name__
    assert mod.Outside.__doc__.startswith("A class declared outside the module")
    with pytest.raises(mod.OutsideError, match="k") as info:
        mod.raise_outside("k")
    assert isinstance(info.value, KeyError)
    assert mod.OutsideError.__module__ == mod.__name__
