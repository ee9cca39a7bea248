"""A typed client of several examples: `mypy --strict` must accept it with the generated stubs
(tests/python/test_stubs.py), and running it checks the stubs' types against the modules."""

import containers
import enums
import quickstart
import shapes
import text
import tour


def total(values: list[int]) -> int:
    return sum(values)


def perimeter(shape: enums.Shape) -> float:
    # `match` on the variant classes: positional patterns follow `__match_args__`.
    match shape:
        case enums.Shape.Circle(r):
            return 2 * r * 3.0
        case enums.Shape.Rect(w=w, h=h):
            return 2 * (w + h)
        case enums.Shape.Pair(a, b):
            return float(a + b)
        case _:
            return 0.0


def main() -> None:
    # Functions: parameter and return types mapped from Rust.
    n: int = tour.echo_i64(7)
    x: float = tour.echo_f64(1.5)
    s: str = tour.echo_str("hi")
    b: bytes = tour.echo_byte_vec(b"ab")
    o: int | None = tour.echo_option(None)
    t: tuple[int, str, float] = tour.echo_tuple((1, "a", 2.0))
    nested: list[list[str]] = tour.echo_nested([["a"], ("b", "c")])
    assert (n, x, s, b, o, t, nested) == (7, 1.5, "hi", b"ab", None, (1, "a", 2.0), [["a"], ["b", "c"]])
    assert total(tour.echo_list(range(3))) == 3
    assert quickstart.add(2, 3) == 5
    words, chars, longest = quickstart.word_stats("hello big world")
    assert (words, longest) == (3, "hello") and isinstance(chars, int)
    assert quickstart.mean([1.0, 2.0]) == 1.5
    assert quickstart.greet("Ann").startswith("Hello")
    version: str = quickstart.VERSION
    assert version

    # Classes: constructor, methods, properties (with a setter), static methods, exceptions.
    p = shapes.Point(3.0, 4.0)
    assert p.norm() == 5.0
    p.y = 0.0
    y: float = p.y
    assert y == 0.0
    assert shapes.Point.origin_distance(3.0, 4.0) == 5.0
    p.scale(2.0)
    assert p.norm() == 6.0
    # Slot methods typed from Rust: operators give a Point, in-place ones keep the object.
    q: shapes.Point = p + shapes.Point(1.0, 0.0)
    q += q * 2.0
    assert abs(-q).__class__ is float and q.norm() == 21.0
    # Fields exposed as properties: read-only ones and writable members (Cell fields).
    fr = shapes.Frozen(5)
    fid: int = fr.id
    weight: float = fr.weight
    assert (fid, weight) == (5, 1.0)
    m = shapes.Members()
    m.i8_ = -3
    small: int = m.i8_
    assert small == -3
    try:
        raise shapes.ShapeError("bad")
    except ValueError as e:
        assert isinstance(e, shapes.ShapeError)

    # Containers and text.
    d = containers.dict_from_pairs([("a", 1)])
    assert d == {"a": 1}
    assert text.bytes_len_and_sum(text.encode_utf8("hé")) == (3, ord("h") + 0xC3 + 0xA9)
    # Enums: a fieldless enum's variants are instances of its class; an enum with data has one
    # class per variant, built from its fields, with typed read-only properties.
    red: enums.Color = enums.Color.Red
    mixed: enums.Color = enums.mix(red, enums.Color.Blue)
    assert mixed is enums.Color.Blue and red.is_warm()
    assert enums.escalate(enums.Priority.low) is enums.Priority.URGENT
    circle = enums.Shape.Circle(r=1.0)
    radius: float = circle.r
    shape: enums.Shape = circle
    assert radius == 1.0 and shape.is_round() and enums.area(shape) > 3.14
    assert perimeter(enums.Shape.Rect(2.0, 3.0)) == 10.0 and perimeter(enums.Shape.Pair(1, 2)) == 3.0
    pair = enums.Shape.Pair(4, 5)
    first: int = pair[0]
    assert (first, pair._1, len(pair)) == (4, 5, 2)
    label: str = enums.Shape.Named(label="x").label
    scaled = enums.scale(circle, 2.0)
    assert isinstance(scaled, enums.Shape.Circle) and scaled.r == 2.0 and label == "x"
    clicked: int | None = enums.click_x(enums.Event.mouse_click(x=3, y=4))
    assert clicked == 3 and enums.click_x(enums.Event.QUIT()) is None
    v = enums.Version(1, 2, 3)
    major: int = v.major
    person = enums.Person("Ada", "Lovelace", 1815)
    person.birthYear = 1816
    assert major == 1 and person.firstName == "Ada" and person.birthYear == 1816
    print("ok")


if __name__ == "__main__":
    main()
