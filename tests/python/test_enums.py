"""examples/enums: `#[hpy_class]` on fieldless Rust enums and on enums with data (one subclass
per variant), and the class options derived from Rust traits (`eq`, `ord`, `hash`, `str`) with
`get_all`, `set_all` and `rename_all`, in every mode (debug mode runs each test under a
LeakDetector)."""

import copy
import itertools
import operator
import pickle
import sys

import pytest

from hpyrs_testing import example_module

mod = example_module("enums")

COMPARISONS = [operator.lt, operator.le, operator.eq, operator.ne, operator.gt, operator.ge]


def unsupported_message(op, left, right):
    """CPython's (or PyPy's) own TypeError message for `left <op> right` when both sides
    return NotImplemented, with a plain Python class of the same type name on the left."""
    stand_in = type(type(left).__name__, (), {})
    stand_in.__module__ = type(left).__module__
    with pytest.raises(TypeError) as info:
        op(stand_in(), right)
    return str(info.value).replace(f"'{stand_in.__name__}'", f"'{tp_name(left)}'")


def tp_name(obj):
    """The type's name as the interpreter shows it in messages (`enums.Version` for an HPy
    type, whose spec name carries the module)."""
    try:
        obj.__no_such_attribute__
    except AttributeError as err:
        return str(err).split("'")[1]
    raise AssertionError("unreachable")


# ---- fieldless enums --------------------------------------------------------------------------


def test_variants_are_class_attributes(mod):
    Color = mod.Color
    for variant in (Color.Red, Color.Green, Color.Blue):
        assert type(variant) is Color
        assert isinstance(variant, Color)
    assert repr(Color.Red) == "Color.Red"
    assert [repr(c) for c in (Color.Green, Color.Blue)] == ["Color.Green", "Color.Blue"]
    # Without `str`, str() is repr(), as for any object.
    assert str(Color.Green) == "Color.Green"
    assert Color.__doc__ == "A colour: one class attribute per variant."
    assert Color.__module__ == "enums"


def test_variant_equality_and_hash(mod):
    Color = mod.Color
    assert Color.Red == Color.Red
    assert Color.Red != Color.Green
    assert not (Color.Red == Color.Green)
    # Another type is never equal (NotImplemented on both sides, then identity).
    assert (Color.Red == 0) is False
    assert (Color.Red != 0) is True
    assert (Color.Red == "Red") is False
    assert len({Color.Red, Color.Red, Color.Green, Color.Blue}) == 3
    # A variant hashes as its discriminant (consistent with `eq_int` where it is given).
    assert [hash(c) for c in (Color.Red, Color.Green)] == [hash(0), hash(10)]
    table = {Color.Red: "r", Color.Green: "g"}
    assert table[mod.mix(Color.Green, Color.Green)] == "g"
    assert hash(Color.Blue) == hash(mod.mix(Color.Red, Color.Green))


def test_variants_do_not_order(mod):
    Color = mod.Color
    for op in (operator.lt, operator.le, operator.gt, operator.ge):
        with pytest.raises(TypeError) as info:
            op(Color.Red, Color.Green)
        assert str(info.value) == unsupported_message(op, Color.Red, Color.Green)


def test_int_is_the_rust_discriminant(mod):
    Color = mod.Color
    # Red = 0 implicitly, Green = 10, Blue follows Green: Rust's rules for discriminants.
    assert [int(c) for c in (Color.Red, Color.Green, Color.Blue)] == [0, 10, 11]
    assert not hasattr(Color, "Purple")  # #[cfg]'d out
    assert [int(level) for level in (mod.Level.LOW, mod.Level.MEDIUM_HIGH, mod.Level.TOP)] == [1, 5, 9]
    # int() only: no __index__, so a variant is not an index.
    with pytest.raises(TypeError):
        [1, 2, 3][Color.Red]


def test_no_construction_from_python(mod):
    with pytest.raises(TypeError, match=r"cannot create 'Color' instances"):
        mod.Color()
    with pytest.raises(TypeError):
        mod.Color(10)


def test_round_trip_through_rust(mod):
    Color = mod.Color
    # IntoPy hands out the variant's class attribute itself.
    assert mod.mix(Color.Red, Color.Red) is Color.Red
    assert mod.mix(Color.Red, Color.Green) is Color.Blue
    assert mod.warm([Color.Red, Color.Green, Color.Red]) == [Color.Red, Color.Red]
    assert mod.level(6) is mod.Level.MEDIUM_HIGH
    assert mod.describe(mod.Level.TOP) == "top"
    with pytest.raises(TypeError, match=r"\bmix\(\) argument 'a'"):
        mod.mix(0, Color.Red)
    with pytest.raises(TypeError):
        mod.describe(Color.Red)
    with pytest.raises(ValueError, match="no level below 1"):
        mod.level(0)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_match_on_variants(mod):
    # Value patterns compare with ==; written as a string so the file parses on 3.8 and 3.9.
    source = """
def name_of(color):
    match color:
        case Color.Red:
            return "red"
        case Color.Green | Color.Blue:
            return "cool"
        case _:
            return "other"
"""
    namespace = {"Color": mod.Color}
    exec(source, namespace)
    name_of = namespace["name_of"]
    assert [name_of(c) for c in (mod.Color.Red, mod.Color.Green, mod.Color.Blue, 0)] == [
        "red",
        "cool",
        "cool",
        "other",
    ]
    assert name_of(mod.mix(mod.Color.Red, mod.Color.Red)) == "red"


def test_copy_and_pickle_give_the_variant_back(mod):
    Color, Priority = mod.Color, mod.Priority
    assert copy.copy(Color.Green) is Color.Green
    assert copy.deepcopy([Color.Blue, Priority.URGENT]) == [Color.Blue, Priority.URGENT]
    assert copy.deepcopy(Priority.URGENT) is Priority.URGENT
    # The module is importable by its name (the fixture puts it in sys.modules).
    assert pickle.loads(pickle.dumps(Color.Red)) is Color.Red
    assert pickle.loads(pickle.dumps(mod.Level.MEDIUM_HIGH)) is mod.Level.MEDIUM_HIGH


def test_methods_and_class_attributes_next_to_variants(mod):
    Color = mod.Color
    assert Color.Red.is_warm() and not Color.Blue.is_warm()
    assert Color.COUNT == 3


def test_enum_variants_cannot_be_changed(mod):
    with pytest.raises(AttributeError):
        mod.Color.Red.value = 1


def test_rename_all_on_variants(mod):
    Level = mod.Level
    assert [repr(v) for v in (Level.LOW, Level.MEDIUM_HIGH, Level.TOP)] == [
        "Level.LOW",
        "Level.MEDIUM_HIGH",
        "Level.TOP",
    ]
    assert not hasattr(Level, "MediumHigh")


def test_enum_ord_and_str(mod):
    Level = mod.Level
    levels = [Level.LOW, Level.MEDIUM_HIGH, Level.TOP]
    # The Rust ordering (derived PartialOrd: declaration order), compared with the same
    # comparisons of the discriminants.
    for a, b in itertools.product(levels, repeat=2):
        for op in COMPARISONS:
            assert op(a, b) is op(int(a), int(b)), (a, b, op)
    assert sorted([Level.TOP, Level.LOW, Level.MEDIUM_HIGH]) == levels
    assert str(Level.MEDIUM_HIGH) == "medium-high"  # Display
    assert (Level.LOW == 1) is False
    with pytest.raises(TypeError) as info:
        Level.LOW < 1
    assert str(info.value) == unsupported_message(operator.lt, Level.LOW, 1)
    assert len({Level.LOW, Level.LOW, Level.TOP}) == 2


def test_eq_int(mod):
    Priority = mod.Priority
    assert (Priority.low, Priority.URGENT) == (Priority.low, Priority.URGENT)
    assert not hasattr(Priority, "high")  # #[hpy(name = "URGENT")]
    assert Priority.low == 1 and 1 == Priority.low
    assert Priority.URGENT != 1 and Priority.URGENT == 2
    assert Priority.low == True  # noqa: E712 (an int, as for IntEnum)
    assert (Priority.low == "1") is False
    assert (Priority.low == 1.0) is False  # ints only
    assert Priority.low != Priority.URGENT
    # Equal objects hash alike: the variant's hash is its discriminant's.
    assert hash(Priority.low) == hash(1) and hash(Priority.URGENT) == hash(2)
    assert {1: "one"}[Priority.low] == "one"
    assert mod.escalate(Priority.low) is Priority.URGENT
    # Hashes follow Python's int hashes, also where they are not the value itself.
    assert Priority.never == -1 and Priority.max == 2**63 - 1
    for p in (Priority.never, Priority.max):
        assert hash(p) == hash(int(p))
        assert {int(p): p}[p] is p
    assert mod.escalate(Priority.URGENT) is Priority.max
    # Without eq_int, a variant never equals an int.
    assert (mod.Color.Green == 10) is False
    with pytest.raises(TypeError):
        Priority.low < 2


# ---- struct options -----------------------------------------------------------------------------


def test_eq_ord_follow_rust(mod):
    triples = [(1, 2, 3), (1, 2, 4), (1, 10, 0), (0, 99, 99), (1, 2, 3)]
    versions = [mod.Version(*t) for t in triples]
    # Derived Ord is lexicographic over the fields, like Python's tuple ordering.
    for (ta, va), (tb, vb) in itertools.product(zip(triples, versions), repeat=2):
        for op in COMPARISONS:
            assert op(va, vb) is op(ta, tb), (ta, tb, op)
    assert sorted(versions) == [mod.Version(*t) for t in sorted(triples)]


def test_eq_with_other_types_is_not_implemented(mod):
    v = mod.Version(1, 2, 3)
    assert (v == (1, 2, 3)) is False
    assert (v != 1) is True
    assert v.__eq__(1) is NotImplemented
    assert v.__lt__(1) is NotImplemented
    for op in (operator.lt, operator.le, operator.gt, operator.ge):
        with pytest.raises(TypeError) as info:
            op(v, 1)
        assert str(info.value) == unsupported_message(op, v, 1)


def test_hash_from_rust(mod):
    a, b, c = mod.Version(1, 2, 3), mod.Version(1, 2, 3), mod.Version(3, 2, 1)
    assert a is not b and a == b
    assert hash(a) == hash(b)
    assert len({a, b, c}) == 2
    assert {a: "x"}[b] == "x"
    assert isinstance(hash(c), int)


def test_str_from_display(mod):
    v = mod.Version(1, 20, 3)
    assert str(v) == "1.20.3"
    assert f"{v}" == "1.20.3"
    assert repr(v).startswith("<enums.Version object at ")


def test_get_all(mod):
    v = mod.Version(4, 5, 6)
    assert (v.major, v.minor, v.patch) == (4, 5, 6)
    with pytest.raises(AttributeError):
        v.major = 1
    assert v.major == 4


def test_set_all_and_rename_all(mod):
    p = mod.Person("Ada", "Lovelace", 1815)
    assert (p.firstName, p.lastName, p.birthYear, p.tag) == ("Ada", "Lovelace", 1815, "")
    assert not hasattr(p, "first_name")
    assert not hasattr(p, "internalTag")
    p.firstName = "Augusta"
    p.birthYear = 1816
    p.tag = "math"
    assert (p.firstName, p.birthYear, p.tag) == ("Augusta", 1816, "math")
    with pytest.raises(TypeError):
        p.birthYear = "1815"
    with pytest.raises(TypeError):
        p.lastName = 3
    with pytest.raises(OverflowError):
        p.birthYear = 2**40
    assert (p.lastName, p.birthYear) == ("Lovelace", 1816)
    assert {"firstName", "lastName", "birthYear", "tag"} <= set(dir(type(p)))


def test_eq_without_hash_is_unhashable(mod):
    a = mod.Person("Ada", "Lovelace", 1815)
    b = mod.Person("Ada", "Lovelace", 1815)
    assert a == b and a is not b
    b.lastName = "King"
    assert a != b
    with pytest.raises(TypeError, match="unhashable type"):
        hash(a)
    with pytest.raises(TypeError):
        a < b


# ---- enums with data: one subclass per variant -----------------------------------------------


def python_function_error(source, *args, **kwargs):
    """The TypeError CPython (or PyPy) itself raises for a call of a Python function whose
    parameters are `source`, so messages can be compared by their substance."""
    namespace = {}
    exec(f"def f({source}): pass", namespace)
    with pytest.raises(TypeError) as info:
        namespace["f"](*args, **kwargs)
    return str(info.value)


def test_variant_classes(mod):
    Shape = mod.Shape
    for name in ["Circle", "Rect", "Point", "Pair", "Named"]:
        variant = getattr(Shape, name)
        assert isinstance(variant, type)
        assert issubclass(variant, Shape) and variant is not Shape
        assert variant.__name__ == name
        assert variant.__qualname__ == f"Shape.{name}"
        assert variant.__module__ == Shape.__module__
    c = Shape.Circle(1.5)
    assert isinstance(c, Shape) and isinstance(c, Shape.Circle)
    assert not isinstance(c, Shape.Rect)
    assert type(c) is Shape.Circle and type(c).__name__ == "Circle"


def test_variant_construction(mod):
    Shape = mod.Shape
    assert Shape.Circle(2.0).r == 2.0
    assert Shape.Circle(r=2.0).r == 2.0
    rect = Shape.Rect(1.0, h=2.0)
    assert (rect.w, rect.h) == (1.0, 2.0)
    rect = Shape.Rect(h=4.0, w=3.0)
    assert (rect.w, rect.h) == (3.0, 4.0)
    pair = Shape.Pair(-3, 4)
    assert (pair._0, pair._1) == (-3, 4)
    assert type(Shape.Point()) is Shape.Point
    assert Shape.Named("héllo").label == "héllo"
    # Conversions of fields as for any parameter: an int is a float.
    assert Shape.Circle(3).r == 3.0


# CPython < 3.10's PyType_FromSpec copies tp_doc without its signature header, so the variant
# classes HPy makes there have no __text_signature__ (as classes in test_signatures.py).
@pytest.mark.skipif(
    sys.implementation.name == "cpython" and sys.version_info < (3, 10),
    reason="CPython < 3.10 drops the header in PyType_FromSpec",
)
def test_variant_class_signatures(mod):
    """Calling a variant class takes what a Python function with these parameters takes, and
    `inspect.signature` (so `help()` and the `.pyi` stub) says so."""
    import inspect

    Shape, Event = mod.Shape, mod.Event
    cases = [
        (Shape.Circle, "r"),
        (Shape.Rect, "w, h"),
        (Shape.Pair, "_0, _1, /"),
        (Shape.Point, ""),
        (Event.mouse_click, "x, y"),
        (Event.QUIT, ""),
    ]
    for cls, params in cases:
        namespace = {}
        exec(f"def f({params}): pass", namespace)
        assert inspect.signature(cls) == inspect.signature(namespace["f"]), cls
        assert cls.__text_signature__ == f"({params})"
        # The doc holds only the signature header: no text of its own.
        assert not cls.__doc__


def test_variant_construction_errors(mod):
    Shape = mod.Shape

    def substance(message):
        # Our messages name `Shape.Circle()`; CPython's name the function `f()`. Compare what
        # follows the name.
        return message.split("() ", 1)[1]

    with pytest.raises(TypeError) as info:
        Shape.Circle()
    assert "missing" in str(info.value) and "'r'" in str(info.value)
    assert str(info.value).startswith("Shape.Circle()")
    with pytest.raises(TypeError) as info:
        Shape.Circle(1.0, 2.0)
    assert str(info.value).startswith("Shape.Circle() takes")
    with pytest.raises(TypeError) as info:
        Shape.Circle(radius=1.0)
    assert substance(str(info.value)) == substance(python_function_error("r=0", radius=1.0))
    with pytest.raises(TypeError) as info:
        Shape.Rect(1.0, w=2.0)
    assert substance(str(info.value)) == substance(python_function_error("w, h", 1.0, w=2.0))
    with pytest.raises(TypeError) as info:
        Shape.Circle("big")
    assert "'r'" in str(info.value) and "Shape.Circle()" in str(info.value)
    with pytest.raises(TypeError) as info:
        Shape.Pair(1)
    assert str(info.value).startswith("Shape.Pair() takes exactly 2 arguments")
    with pytest.raises(TypeError) as info:
        Shape.Pair(_0=1, _1=2)
    assert str(info.value) == "Shape.Pair() takes no keyword arguments"
    with pytest.raises(TypeError) as info:
        Shape.Point(1)
    assert str(info.value).startswith("Shape.Point() takes no arguments")
    with pytest.raises(OverflowError):
        Shape.Pair(2**70, 0)


def test_base_class_is_not_constructible(mod):
    with pytest.raises(TypeError) as info:
        mod.Shape()
    assert str(info.value) == "cannot create 'Shape' instances"
    with pytest.raises(TypeError):
        mod.Shape(r=1.0)
    # A variant's __new__ makes no instance of the base class itself, nor of another type
    # (CPython checks the subtype; PyPy does not, and hpy-rs refuses).
    for cls in [mod.Shape, int]:
        with pytest.raises(TypeError):
            mod.Shape.Circle.__new__(cls, 1.0)


def test_no_python_subclasses(mod):
    for base in [mod.Shape, mod.Shape.Circle]:
        with pytest.raises(TypeError):
            type("Sub", (base,), {})


def test_fields_are_read_only(mod):
    Shape = mod.Shape
    c = Shape.Circle(1.0)
    with pytest.raises(AttributeError):
        c.r = 2.0
    with pytest.raises(AttributeError):
        del c.r
    with pytest.raises(AttributeError):
        c.other = 1
    with pytest.raises(AttributeError):
        Shape.Point().x = 1
    assert c.r == 1.0
    # A field of another variant is not there.
    with pytest.raises(AttributeError):
        c.w
    assert isinstance(Shape.Circle.r, property)


def test_match_args(mod):
    Shape = mod.Shape
    assert Shape.Circle.__match_args__ == ("r",)
    assert Shape.Rect.__match_args__ == ("w", "h")
    assert Shape.Pair.__match_args__ == ("_0", "_1")
    assert Shape.Point.__match_args__ == ()


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match statements need Python 3.10")
def test_match_statement(mod):
    namespace = {}
    exec(
        "def describe(s, Shape):\n"
        "    match s:\n"
        "        case Shape.Circle(r):\n"
        "            return ('circle', r)\n"
        "        case Shape.Rect(w, h=height):\n"
        "            return ('rect', w, height)\n"
        "        case Shape.Pair(a, b):\n"
        "            return ('pair', a, b)\n"
        "        case Shape.Point():\n"
        "            return ('point',)\n"
        "        case _:\n"
        "            return ('other',)\n",
        namespace,
    )
    describe = namespace["describe"]
    Shape = mod.Shape
    assert describe(Shape.Circle(2.0), Shape) == ("circle", 2.0)
    assert describe(Shape.Rect(1.0, 2.0), Shape) == ("rect", 1.0, 2.0)
    assert describe(Shape.Pair(1, 2), Shape) == ("pair", 1, 2)
    assert describe(Shape.Point(), Shape) == ("point",)
    assert describe(Shape.Named("x"), Shape) == ("other",)


def test_variant_repr(mod):
    Shape = mod.Shape
    assert repr(Shape.Circle(1.0)) == f"Shape.Circle(r={1.0!r})"
    assert repr(Shape.Rect(1.5, 2)) == f"Shape.Rect(w={1.5!r}, h={2.0!r})"
    assert repr(Shape.Pair(-1, 7)) == "Shape.Pair(-1, 7)"
    assert repr(Shape.Point()) == "Shape.Point()"
    assert repr(Shape.Named("a'b")) == f"Shape.Named(label={'a' + chr(39) + 'b'!r})"


def test_eq_and_hash_from_rust(mod):
    Shape = mod.Shape
    assert Shape.Circle(1.0) == Shape.Circle(r=1.0)
    assert Shape.Circle(1.0) != Shape.Circle(2.0)
    assert Shape.Pair(1, 2) != Shape.Rect(1.0, 2.0)
    assert Shape.Point() == Shape.Point()
    assert (Shape.Circle(1.0) == 1.0) is False
    assert Shape.Circle(1.0).__eq__(1.0) is NotImplemented
    assert hash(Shape.Circle(1.0)) == hash(Shape.Circle(1.0))
    assert len({Shape.Circle(1.0), Shape.Circle(1.0), Shape.Point(), Shape.Point()}) == 2


def test_round_trip_through_rust(mod):
    Shape = mod.Shape
    assert mod.area(Shape.Rect(2.0, 3.0)) == 6.0
    assert mod.area(Shape.Circle(1.0)) == pytest.approx(3.141592653589793)
    assert mod.area(Shape.Point()) == 0.0
    scaled = mod.scale(Shape.Rect(w=1.0, h=2.0), 3.0)
    assert type(scaled) is Shape.Rect and (scaled.w, scaled.h) == (3.0, 6.0)
    assert mod.scale(Shape.Pair(1, -2), 2.0) == Shape.Pair(2, -4)
    assert mod.scale(Shape.Named("n"), 2.0) == Shape.Named("n")
    square = mod.unit_square()
    assert type(square) is Shape.Rect and square == Shape.Rect(1.0, 1.0)
    made = mod.shapes()
    assert [type(s).__name__ for s in made] == ["Circle", "Rect", "Point", "Pair", "Named"]
    assert made[4].label == "héllo"
    assert made[3]._1 == 7
    assert Shape.Circle(2.0).is_round() and not Shape.Point().is_round()
    with pytest.raises(TypeError) as info:
        mod.area(1.0)
    assert "'shape'" in str(info.value)
    with pytest.raises(TypeError):
        mod.area(mod.Color.Red)


def test_replaced_variant_class_is_refused(mod):
    Shape = mod.Shape
    Rect = Shape.Rect
    try:
        for stand_in in [int, Shape, type("Rect", (), {})]:
            Shape.Rect = stand_in
            with pytest.raises(TypeError):
                mod.unit_square()
    finally:
        Shape.Rect = Rect
    assert type(mod.unit_square()) is Shape.Rect


def test_tuple_variant_is_a_sequence(mod):
    pair = mod.Shape.Pair(3, -4)
    as_tuple = (3, -4)
    assert len(pair) == len(as_tuple)
    for index in range(-2, 2):
        assert pair[index] == as_tuple[index]
    for index in [2, -3, 2**40]:
        with pytest.raises(IndexError):
            as_tuple[index]
        with pytest.raises(IndexError):
            pair[index]
    assert tuple(pair) == as_tuple
    a, b = pair
    assert (a, b) == as_tuple
    with pytest.raises(TypeError):
        len(mod.Shape.Circle(1.0))
    with pytest.raises(TypeError):
        mod.Shape.Circle(1.0)[0]


def test_data_variants_copy_and_pickle(mod):
    Shape = mod.Shape
    for shape in [Shape.Circle(1.5), Shape.Rect(1.0, 2.0), Shape.Point(), Shape.Pair(1, 2),
                  Shape.Named("x")]:
        for duplicate in [copy.copy(shape), copy.deepcopy(shape)]:
            assert type(duplicate) is type(shape) and duplicate == shape
        # The module is importable by its name (the fixture puts it in sys.modules), and
        # pickle finds the class by its qualified name `Shape.Circle`.
        assert pickle.loads(pickle.dumps(shape)) == shape
        assert shape.__reduce__()[0] is type(shape)


def test_data_enum_ord_and_str(mod):
    Token = mod.Token
    made = mod.tokens("b 2 a 10")
    assert made == [Token.Word("b"), Token.Num(2), Token.Word("a"), Token.Num(10), Token.End()]
    # Rust's derived PartialOrd: variant order first, then the fields.
    ranked = sorted(made)
    assert ranked == [Token.Num(2), Token.Num(10), Token.Word("a"), Token.Word("b"), Token.End()]
    assert Token.Num(1) < Token.Word(text="") < Token.End()
    assert [str(t) for t in made] == ["b", "2", "a", "10", "<end>"]
    assert repr(Token.Num(2)) == "Token.Num(2)"
    with pytest.raises(TypeError) as info:
        Token.Num(1) < 1
    assert str(info.value) == unsupported_message(operator.lt, Token.Num(1), 1)
    # `eq` without `hash`: unhashable, on the variant classes too.
    assert Token.__hash__ is None and Token.Num.__hash__ is None
    with pytest.raises(TypeError):
        hash(Token.Num(1))


def test_data_enum_without_options(mod):
    Event = mod.Event
    assert not hasattr(Event, "Hidden") and not hasattr(Event, "hidden")
    click = Event.mouse_click(1, y=2)
    assert type(click).__qualname__ == "Event.mouse_click"
    assert repr(click) == "Event.mouse_click(x=1, y=2)"
    assert repr(Event.QUIT()) == "Event.QUIT()"
    # Identity equality and object's hash, as a plain Python class.
    assert click == click and click != Event.mouse_click(1, 2)
    assert hash(click) == object.__hash__(click)
    assert mod.click_x(click) == 1 and mod.click_x(Event.QUIT()) is None
