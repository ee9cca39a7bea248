"""examples/derives: #[derive(FromPy)] and #[derive(IntoPy)] on structs and enums (docs/derives.md).

Results are compared with the same computations in Python. Error messages are checked by their
end: the function's argument prefix (`norm() argument 'p': `) is the calling convention's.
The debug mode checks that no conversion (successful or failed) leaks a handle."""

import math
import pytest

from hpyrs_testing import example_module

mod = example_module("derives")

def _error(call):
    """(type, message) of the exception `call()` raises."""
    try:
        call()
    except Exception as e:  # noqa: BLE001 - the type is what is checked
        return type(e), str(e)
    raise AssertionError("no exception raised")


def assert_error(call, kind, message):
    err_type, err_message = _error(call)
    assert err_type is kind, (err_type, err_message)
    assert err_message.endswith(message), err_message
    # the derived message is the whole message after the argument prefix
    assert err_message == message or err_message.endswith(": " + message), err_message


# ---- structs from attributes ----


class NS:
    """An object with the given attributes, of a class named here (messages name the type)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


@pytest.mark.parametrize("x, y", [(3.0, 4.0), (-1.5, 2), (0, 0), (1e10, -7.0)])
def test_point_from_attributes(mod, x, y):
    assert mod.norm(NS(x=x, y=y)) == math.hypot(x, y)
    assert mod.norm(NS(x=x, y=y, z="ignored")) == math.hypot(x, y)
    assert mod.swap(NS(x=x, y=y)) == {"x": float(y), "y": float(x)}


def test_point_properties_and_class_attributes(mod):
    class P:
        x = 1.0

        @property
        def y(self):
            return 2.0

    assert mod.norm(P()) == math.hypot(1.0, 2.0)


def test_point_missing_attribute(mod):
    assert_error(lambda: mod.norm(NS(x=1.0)), TypeError,
                 "'NS' object cannot be converted to Point: missing attribute 'y'")
    assert_error(lambda: mod.norm(5), TypeError, "'int' object cannot be converted to Point: missing attribute 'x'")
    # a dict has items, not attributes
    assert_error(lambda: mod.norm({"x": 1, "y": 2}), TypeError,
                 "'dict' object cannot be converted to Point: missing attribute 'x'")


def test_point_field_error_names_the_field(mod):
    assert_error(lambda: mod.norm(NS(x="a", y=1.0)), TypeError,
                 "failed to convert field 'x' of Point: expected float, got 'str'")


def test_exception_raised_by_python_propagates(mod):
    class Bad:
        x = 1.0

        @property
        def y(self):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="^boom$"):
        mod.norm(Bad())


def test_attribute_error_inside_a_property_means_missing(mod):
    # as for hasattr(): an AttributeError from a property means the attribute is missing
    class Odd:
        x = 1.0

        @property
        def y(self):
            raise AttributeError("nope")

    assert hasattr(Odd(), "y") is False
    assert_error(lambda: mod.norm(Odd()), TypeError, "'Odd' object cannot be converted to Point: missing attribute 'y'")


# ---- structs from mapping items ----


def test_config_from_mapping_with_defaults(mod):
    assert mod.config({"name": "a"}) == {"name": "a", "size": 8, "verbose-level": 0, "tags": None}
    full = {"name": "b", "size": 3, "verbose-level": 2, "tags": ["x", "y"], "extra": 1}
    assert mod.config(full) == {"name": "b", "size": 3, "verbose-level": 2, "tags": ["x", "y"]}
    # `tags` is an Option: None is accepted
    assert mod.config({"name": "c", "tags": None})["tags"] is None


def test_config_from_any_mapping(mod):
    import collections
    import types as t

    assert mod.config(t.MappingProxyType({"name": "p"}))["name"] == "p"
    assert mod.config(collections.OrderedDict(name="o", size=1))["size"] == 1

    class Missing(dict):
        def __missing__(self, key):
            return {"size": 5, "verbose-level": 1, "tags": []}.get(key) if key != "name" else "m"

    assert mod.config(Missing()) == {"name": "m", "size": 5, "verbose-level": 1, "tags": []}


def test_config_missing_key(mod):
    assert_error(lambda: mod.config({"size": 1}), TypeError, "'dict' object cannot be converted to Config: missing key 'name'")


def test_config_not_a_mapping(mod):
    for value, name in [(5, "int"), ([1, 2], "list"), ("name", "str"), (None, "NoneType")]:
        assert_error(lambda: mod.config(value), TypeError, f"'{name}' object cannot be converted to Config: expected a mapping")


def test_config_field_errors_keep_their_kind(mod):
    assert_error(lambda: mod.config({"name": 1}), TypeError, "failed to convert field 'name' of Config: expected str, got 'int'")
    # size is an index-sized int: the overflow stays an OverflowError
    assert_error(lambda: mod.config({"name": "a", "size": -1}), OverflowError,
                 "failed to convert field 'size' of Config: cannot fit 'int' into an index-sized integer")
    assert_error(lambda: mod.config({"name": "a", "verbose-level": 300}), OverflowError,
                 "failed to convert field 'verbose-level' of Config: "
                 "Python int out of range for an unsigned 8-bit integer (0 to 255)")
    assert_error(lambda: mod.config({"name": "a", "tags": ["x", 2]}), TypeError,
                 "failed to convert field 'tags' of Config: item 1: expected str, got 'int'")


def test_field_exception_raised_by_python_is_unchanged(mod):
    # Vec<String> from an int: Python's own iter() error, which HPy 0.9 cannot prefix
    with pytest.raises(TypeError) as expected:
        iter(5)
    assert_error(lambda: mod.config({"name": "a", "tags": 5}), TypeError, str(expected.value))


def test_config_other_lookup_errors_propagate(mod):
    class Raising(dict):
        def __getitem__(self, key):
            raise LookupError("not a KeyError")

    with pytest.raises(LookupError, match="not a KeyError"):
        mod.config(Raising(name="x"))


# ---- renamed attributes, Option fields ----


def test_person_renamed_attribute_and_options(mod):
    p = NS(name="Ann", years=31, nickname=None)
    assert mod.person(p) == {"name": "Ann", "years": 31, "email": None, "nickname": None}
    p = NS(name="Bo", years=5, email="b@x", nickname="B")
    assert mod.person(p) == {"name": "Bo", "years": 5, "email": "b@x", "nickname": "B"}


def test_person_option_without_default_must_be_present(mod):
    assert_error(lambda: mod.person(NS(name="Ann", years=31)), TypeError,
                 "'NS' object cannot be converted to Person: missing attribute 'nickname'")
    # the Rust field is `age`: Python only sees the attribute name
    assert_error(lambda: mod.person(NS(name="Ann", age=31, nickname=None)), TypeError,
                 "'NS' object cannot be converted to Person: missing attribute 'years'")
    assert_error(lambda: mod.person(NS(name="Ann", years=-1, nickname=None)), OverflowError,
                 "failed to convert field 'years' of Person: "
                 "Python int out of range for an unsigned 32-bit integer (0 to 4294967295)")


# ---- tuple structs, newtypes ----


@pytest.mark.parametrize("seq", [(1, "a"), [1, "a"]])
def test_pair_from_sequences(mod, seq):
    assert mod.pair(seq) == (2, "A")


def test_pair_from_a_custom_sequence(mod):
    class Seq:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            if i >= 2:
                raise IndexError(i)
            return [41, "xyz"][i]

    assert mod.pair(Seq()) == (42, "XYZ")


def test_pair_wrong_length(mod):
    assert_error(lambda: mod.pair((1, "a", 3)), TypeError,
                 "'tuple' object cannot be converted to Pair: expected a sequence of length 2, got length 3")
    assert_error(lambda: mod.pair([1]), TypeError,
                 "'list' object cannot be converted to Pair: expected a sequence of length 2, got length 1")


def test_pair_not_a_sequence(mod):
    for value, name in [(5, "int"), ("ab", "str"), (b"ab", "bytes"), ({1: 2, 3: 4}, "dict"), ({1, 2}, "set")]:
        assert_error(lambda: mod.pair(value), TypeError, f"'{name}' object cannot be converted to Pair: expected a sequence of length 2")


def test_pair_item_error(mod):
    assert_error(lambda: mod.pair(("1", "a")), TypeError, "failed to convert item 0 of Pair: expected int, got 'str'")
    assert_error(lambda: mod.pair((1, 2)), TypeError, "failed to convert item 1 of Pair: expected str, got 'int'")


def test_newtype_is_its_inner_value(mod):
    assert mod.double(1.25) == 2.5
    assert mod.double(3) == 6.0
    # transparent: the inner value's own error, unchanged
    assert_error(lambda: mod.double("x"), TypeError, "expected float, got 'str'")
    assert mod.shout("hi") == "hi!"
    assert_error(lambda: mod.shout(1), TypeError, "expected str, got 'int'")


# ---- nested structs ----


def test_nested_structs(mod):
    seg = NS(start=NS(x=0, y=0), end=NS(x=3, y=4))
    assert mod.length(seg) == 5.0
    assert mod.reverse(seg) == {"start": {"x": 3.0, "y": 4.0}, "end": {"x": 0.0, "y": 0.0}, "label": None}
    seg.label = "s"
    assert mod.reverse(seg)["label"] == "s"


def test_nested_field_error_names_both_fields(mod):
    seg = NS(start=NS(x=0, y=0), end=NS(x=3, y="4"))
    assert_error(lambda: mod.length(seg), TypeError,
                 "failed to convert field 'end' of Segment: failed to convert field 'y' of Point: expected float, got 'str'")
    seg = NS(start=NS(x=0), end=NS(x=3, y=4))
    assert_error(lambda: mod.length(seg), TypeError,
                 "failed to convert field 'start' of Segment: "
                 "'NS' object cannot be converted to Point: missing attribute 'y'")
    seg = NS(start=NS(x=0, y=0), end=NS(x=3, y=4), label=5)
    assert_error(lambda: mod.length(seg), TypeError, "failed to convert field 'label' of Segment: expected str, got 'int'")


def test_vec_of_derived(mod):
    assert mod.centroid([NS(x=0, y=0), NS(x=2, y=4)]) == {"x": 1.0, "y": 2.0}
    assert_error(lambda: mod.centroid([NS(x=0, y=0), NS(x=2)]), TypeError,
                 "item 1: 'NS' object cannot be converted to Point: missing attribute 'y'")


# ---- enums ----


def heron(a, b, c):
    s = (a + b + c) / 2
    return math.sqrt(s * (s - a) * (s - b) * (s - c))


def test_enum_variants_in_order(mod):
    assert mod.area(NS(r=2)) == math.pi * 2 * 2
    assert mod.area({"w": 2, "h": 3}) == 6.0
    assert mod.area((3, 4, 5)) == heron(3, 4, 5)
    assert mod.area([3, 4, 5]) == heron(3, 4, 5)
    assert mod.area("empty") == 0.0
    assert mod.area(-1) == -1.0
    assert mod.area(1.5) == 1.5 * 1.5
    assert mod.area(3) == 9.0
    # the first variant that converts wins: an object with `r` that is also a mapping
    class Both(dict):
        r = 1.0

    assert mod.shape(Both(w=1, h=1))[0] == "Circle"


def test_enum_into_py_per_variant_shape(mod):
    assert mod.shape(NS(r=2)) == ("Circle", {"r": 2.0})
    assert mod.shape({"w": 2, "h": 3}) == ("Rect", {"w": 2.0, "h": 3.0})
    assert mod.shape([3, 4, 5]) == ("Triangle", (3.0, 4.0, 5.0))
    assert mod.shape("empty") == ("Empty", "empty")
    assert mod.shape(-1) == ("Unknown", -1)
    assert mod.shape(2) == ("Square", 2.0)


def test_unit_variant_values_are_exact(mod):
    import enum

    class Kind(str, enum.Enum):
        EMPTY = "empty"

    assert mod.shape(Kind.EMPTY)[0] == "Empty"
    # True == 1 but a bool is not the int value; -1.0 is not an int: it is a Square's side
    assert mod.shape(-1.0)[0] == "Square"
    assert mod.shape(True)[0] == "Square"


def test_enum_error_names_every_variant(mod):
    assert_error(lambda: mod.area("round"), TypeError,
                 "'str' object cannot be converted to Shape: "
                 "Circle: missing attribute 'r'; "
                 "Rect: expected a mapping; "
                 "Triangle: expected a sequence of length 3; "
                 "Empty: expected 'empty'; "
                 "Unknown: expected -1; "
                 "Square: expected float, got 'str'")
    assert_error(lambda: mod.area({"w": 1}), TypeError,
                 "'dict' object cannot be converted to Shape: "
                 "Circle: missing attribute 'r'; "
                 "Rect: missing key 'h'; "
                 "Triangle: expected a sequence of length 3; "
                 "Empty: expected 'empty'; "
                 "Unknown: expected -1; "
                 "Square: expected float, got 'dict'")


def test_enum_field_errors_name_the_field(mod):
    _, message = _error(lambda: mod.area(NS(r="big")))
    assert "Circle: failed to convert field 'r': expected float, got 'str'; " in message
    _, message = _error(lambda: mod.area((1, "2", 3)))
    assert "Triangle: failed to convert item 1: expected float, got 'str'; " in message
    _, message = _error(lambda: mod.area((1, 2)))
    assert "Triangle: expected a sequence of length 3, got length 2; " in message


def test_enum_in_a_list(mod):
    shapes = [NS(r=1), {"w": 2, "h": 2}, "empty", 3]
    assert mod.total_area(shapes) == pytest.approx(math.pi + 4 + 0 + 9)
    _, message = _error(lambda: mod.total_area([NS(r=1), None]))
    assert message.endswith("item 1: 'NoneType' object cannot be converted to Shape: "
                            "Circle: missing attribute 'r'; Rect: expected a mapping; "
                            "Triangle: expected a sequence of length 3; Empty: expected 'empty'; "
                            "Unknown: expected -1; Square: expected float, got 'NoneType'"), message


def test_enum_variant_failing_with_a_python_exception(mod):
    # Vec<i64> from an int: Python's iter() raises TypeError; HPy 0.9 cannot read its message back
    assert mod.numbers(5) == ("One", 5)
    assert mod.numbers([1, 2]) == ("Many", [1, 2])
    assert mod.numbers(range(3)) == ("Many", [0, 1, 2])
    assert_error(lambda: mod.numbers(object()), TypeError,
                 "'object' object cannot be converted to Numbers: Many: raised TypeError; One: expected int, got 'object'")
    assert_error(lambda: mod.numbers("12"), TypeError,
                 "'str' object cannot be converted to Numbers: "
                 "Many: expected list or other non-str iterable, got 'str'; One: expected int, got 'str'")


def test_enum_other_exceptions_propagate(mod):
    class Exploding:
        def __iter__(self):
            raise RuntimeError("iteration exploded")

    with pytest.raises(RuntimeError, match="iteration exploded"):
        mod.numbers(Exploding())


def test_enum_level_mapping(mod):
    assert mod.event({"x": 1, "y": 2}) == ("Click", {"x": 1, "y": 2})
    assert mod.event({"key": "a"}) == ("Key", {"key": "a", "type": None})
    assert mod.event({"key": "a", "type": "down"}) == ("Key", {"key": "a", "type": "down"})
    assert_error(lambda: mod.event({"x": 1}), TypeError,
                 "'dict' object cannot be converted to Event: Click: missing key 'y'; Key: missing key 'key'")
    assert_error(lambda: mod.event(NS(x=1, y=2)), TypeError,
                 "'NS' object cannot be converted to Event: Click: expected a mapping; Key: expected a mapping")
    assert_error(lambda: mod.event({"key": "a", "type": 1}), TypeError,
                 "'dict' object cannot be converted to Event: Click: missing key 'x'; "
                 "Key: failed to convert field 'type': expected str, got 'int'")


# ---- lifetimes: borrowed fields ----


def test_borrowing_variant_and_newtype(mod):
    assert mod.key(3) == ("Index", 3)
    assert mod.key("a") == ("Name", "a")
    obj = object()
    kind, back = mod.key(obj)
    assert kind == "Other" and back is obj
    assert mod.wrap(obj) is obj
    for value in [None, [1], NS()]:
        assert mod.wrap(value) is value


# ---- IntoPy only ----


def test_unit_variants_into_py(mod):
    assert mod.colors() == ["Red", "Green", 7, (1, 2, 3)]


def test_round_trips(mod):
    # IntoPy gives what FromPy reads for mappings, sequences and newtypes
    c = mod.config({"name": "r", "size": 2, "verbose-level": 1, "tags": ["t"]})
    assert mod.config(c) == c
    assert mod.pair(mod.pair((1, "a"))) == (3, "A")
    assert mod.double(mod.double(1.0)) == 4.0
    for value in [{"w": 1.0, "h": 2.0}, (3.0, 4.0, 5.0), "empty", -1, 2.0]:
        assert mod.shape(mod.shape(value)[1]) == mod.shape(value)
