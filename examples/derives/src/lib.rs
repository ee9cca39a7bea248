//! `#[derive(FromPy)]` and `#[derive(IntoPy)]` (see `docs/derives.md`), checked from Python by
//! `tests/python/test_derives.py`. Each function takes derived types and returns them (or what
//! it computed from them), so Python sees both directions:
//!
//! * [`Point`]: fields from attributes (`p.x`); into a `dict`;
//! * [`Config`]: fields from mapping items (`c["name"]`), with defaults, a renamed key and an
//!   `Option` field; into a `dict`;
//! * [`Person`]: a renamed attribute, a missing-is-`None` field and a required `Option`;
//! * [`Pair`]: a tuple struct, from any sequence of two items; into a `tuple`;
//! * [`Meters`] (newtype) and [`Label`] (`transparent` named struct): the inner value;
//! * [`Segment`]: nested derived types;
//! * [`Shape`]: an enum of every variant shape (struct-like from attributes or items, tuple,
//!   newtype, unit variants with a `value`);
//! * [`Numbers`]: an enum whose first variant fails with an exception Python raised;
//! * [`Event`]: an enum whose variants all read mapping items (and a raw identifier field);
//! * [`Key`], [`Wrapper`]: lifetimes, with fields that borrow the argument;
//! * [`Color`]: `IntoPy` only, unit variants without a value become their name.

use hpy::prelude::*;

/// A point, read from the attributes `x` and `y`.
#[derive(FromPy, IntoPy, Clone, Copy)]
pub struct Point {
    x: f64,
    y: f64,
}

/// A configuration, read from the items of a mapping.
#[derive(FromPy, IntoPy)]
#[hpy(mapping)]
pub struct Config {
    name: String,
    #[hpy(default = 8)]
    size: usize,
    #[hpy(item = "verbose-level", default)]
    verbose: u8,
    #[hpy(default)]
    tags: Option<Vec<String>>,
}

/// A person: `name`, `age` from the attribute `years`, `email` may be missing (`None`),
/// `nickname` must be there but may be `None`.
#[derive(FromPy, IntoPy)]
pub struct Person {
    name: String,
    #[hpy(attribute = "years")]
    age: u32,
    #[hpy(default)]
    email: Option<String>,
    nickname: Option<String>,
}

/// A pair, from any sequence of two items.
#[derive(FromPy, IntoPy)]
pub struct Pair(i64, String);

/// A length: converts as its `float`.
#[derive(FromPy, IntoPy, Clone, Copy)]
pub struct Meters(f64);

/// A label: converts as its `str`.
#[derive(FromPy, IntoPy)]
#[hpy(transparent)]
pub struct Label {
    text: String,
}

/// A segment of two points (attributes), with an optional label.
#[derive(FromPy, IntoPy)]
pub struct Segment {
    start: Point,
    end: Point,
    #[hpy(default)]
    label: Option<Label>,
}

/// A shape, tried in this order.
#[derive(FromPy, IntoPy)]
pub enum Shape {
    /// An object with an attribute `r`.
    Circle {
        /// The radius.
        r: f64,
    },
    /// A mapping with the keys `w` and `h`.
    #[hpy(mapping)]
    Rect {
        /// The width.
        w: f64,
        /// The height.
        h: f64,
    },
    /// A sequence of three side lengths.
    Triangle(f64, f64, f64),
    /// The string "empty".
    #[hpy(value = "empty")]
    Empty,
    /// The integer -1.
    #[hpy(value = -1)]
    Unknown,
    /// A number: the side of a square.
    Square(Meters),
}

/// Numbers: a list of ints, or one int.
#[derive(FromPy, IntoPy)]
pub enum Numbers {
    /// Any iterable of ints (not a `str`).
    Many(Vec<i64>),
    /// One int.
    One(i64),
}

/// An event, from a mapping: the enum's `mapping` applies to every variant.
#[derive(FromPy, IntoPy)]
#[hpy(mapping)]
pub enum Event {
    /// `{"x": 1, "y": 2}`
    Click {
        /// The column.
        x: i64,
        /// The row.
        y: i64,
    },
    /// `{"key": "a"}`, optionally with `"type"` (a raw identifier in Rust).
    Key {
        /// The key.
        key: String,
        /// "down" or "up".
        #[hpy(default)]
        r#type: Option<String>,
    },
}

/// A key: an index, a name, or any other object (borrowed from the argument).
#[derive(FromPy, IntoPy)]
pub enum Key<'py> {
    /// An int.
    Index(i64),
    /// A str.
    Name(String),
    /// Anything else, as it is.
    Other(Borrowed<'py>),
}

/// The argument itself, borrowed.
#[derive(FromPy, IntoPy)]
pub struct Wrapper<'py>(Borrowed<'py>);

/// A color, only converted into Python.
#[derive(IntoPy)]
pub enum Color {
    /// "Red"
    Red,
    /// "Green"
    Green,
    /// 7
    #[hpy(value = 7)]
    Custom,
    /// (r, g, b)
    Rgb(u8, u8, u8),
}

/// Its Python type in the generated `.pyi` stub (a type deriving only `IntoPy` says it itself).
impl hpy::stub::PyTypeHint for Color {
    fn input_hint() -> String {
        "str | int | tuple[int, int, int]".into()
    }
}

/// Derived conversions, checked from Python.
#[hpy::hpy_module]
mod derives {
    use super::*;

    /// The distance of a point from the origin.
    #[hpy_function]
    fn norm(p: Point) -> f64 {
        p.x.hypot(p.y)
    }

    /// The point mirrored on the diagonal, as a dict.
    #[hpy_function]
    fn swap(p: Point) -> Point {
        Point { x: p.y, y: p.x }
    }

    /// The configuration as the dict its fields make (defaults filled in).
    #[hpy_function]
    fn config(c: Config) -> Config {
        c
    }

    /// The person as a dict.
    #[hpy_function]
    fn person(p: Person) -> Person {
        p
    }

    /// The pair reversed in place: (number + 1, text upper-cased).
    #[hpy_function]
    fn pair(p: Pair) -> Pair {
        Pair(p.0 + 1, p.1.to_uppercase())
    }

    /// Twice the length.
    #[hpy_function]
    fn double(m: Meters) -> Meters {
        Meters(m.0 * 2.0)
    }

    /// The label with a `!`.
    #[hpy_function]
    fn shout(l: Label) -> Label {
        Label {
            text: format!("{}!", l.text),
        }
    }

    /// The length of a segment.
    #[hpy_function]
    fn length(s: Segment) -> f64 {
        (s.end.x - s.start.x).hypot(s.end.y - s.start.y)
    }

    /// The segment reversed, as nested dicts.
    #[hpy_function]
    fn reverse(s: Segment) -> Segment {
        Segment {
            start: s.end,
            end: s.start,
            label: s.label,
        }
    }

    /// The area of a shape (0 for `Empty`, -1 for `Unknown`).
    #[hpy_function]
    fn area(shape: Shape) -> f64 {
        match shape {
            Shape::Circle { r } => std::f64::consts::PI * r * r,
            Shape::Rect { w, h } => w * h,
            Shape::Triangle(a, b, c) => {
                let s = (a + b + c) / 2.0;
                (s * (s - a) * (s - b) * (s - c)).sqrt()
            }
            Shape::Empty => 0.0,
            Shape::Unknown => -1.0,
            Shape::Square(side) => side.0 * side.0,
        }
    }

    /// The variant's name and the shape converted back.
    #[hpy_function]
    fn shape(shape: Shape) -> (&'static str, Shape) {
        let name = match &shape {
            Shape::Circle { .. } => "Circle",
            Shape::Rect { .. } => "Rect",
            Shape::Triangle(..) => "Triangle",
            Shape::Empty => "Empty",
            Shape::Unknown => "Unknown",
            Shape::Square(_) => "Square",
        };
        (name, shape)
    }

    /// The total area of a list of shapes.
    #[hpy_function]
    fn total_area(shapes: Vec<Shape>) -> f64 {
        shapes.into_iter().map(area).sum()
    }

    /// The variant's name and the numbers converted back.
    #[hpy_function]
    fn numbers(n: Numbers) -> (&'static str, Numbers) {
        match n {
            Numbers::Many(_) => ("Many", n),
            Numbers::One(_) => ("One", n),
        }
    }

    /// The variant's name and the event converted back.
    #[hpy_function]
    fn event(e: Event) -> (&'static str, Event) {
        match e {
            Event::Click { .. } => ("Click", e),
            Event::Key { .. } => ("Key", e),
        }
    }

    /// The variant's name and the key converted back.
    #[hpy_function]
    fn key<'py>(k: Key<'py>) -> (&'static str, Key<'py>) {
        match k {
            Key::Index(_) => ("Index", k),
            Key::Name(_) => ("Name", k),
            Key::Other(_) => ("Other", k),
        }
    }

    /// The argument itself, through a borrowing newtype.
    #[hpy_function]
    fn wrap<'py>(w: Wrapper<'py>) -> Wrapper<'py> {
        w
    }

    /// Every color.
    #[hpy_function]
    fn colors() -> Vec<Color> {
        vec![Color::Red, Color::Green, Color::Custom, Color::Rgb(1, 2, 3)]
    }

    /// Points from a list, through `Vec<Point>`: the sum of their coordinates.
    #[hpy_function]
    fn centroid(points: Vec<Point>) -> PyResult<Point> {
        if points.is_empty() {
            return Err(PyErr::value_error("no points"));
        }
        let n = points.len() as f64;
        let (x, y) = points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.x, y + p.y));
        Ok(Point { x: x / n, y: y / n })
    }
}
