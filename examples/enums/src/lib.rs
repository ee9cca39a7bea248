//! `#[hpy_class]` on Rust enums and the class options derived from Rust traits (`eq`, `ord`,
//! `hash`, `str`) with `get_all`, `set_all` and `rename_all`, each checked from Python by
//! `tests/python/test_enums.py`.

#[hpy::hpy_module]
mod enums {
    use hpy::prelude::*;
    use std::fmt;

    /// A colour: one class attribute per variant.
    #[hpy_class]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Color {
        Red,
        Green = 10,
        Blue,
        /// Variants left out by `#[cfg]` are left out of the class too.
        #[cfg(any())]
        Purple,
    }

    #[hpy_methods]
    impl Color {
        /// is_warm() -> whether the colour is red
        fn is_warm(&self) -> bool {
            *self == Color::Red
        }

        #[classattr]
        const COUNT: i64 = 3;
    }

    /// Levels ordered as in Rust (`PartialOrd`), shown with `Display`, renamed.
    #[hpy_class(ord, str, rename_all = "SCREAMING_SNAKE_CASE")]
    #[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
    pub enum Level {
        Low = 1,
        MediumHigh = 5,
        Top = 9,
    }

    impl fmt::Display for Level {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let text = match self {
                Level::Low => "low",
                Level::MediumHigh => "medium-high",
                Level::Top => "top",
            };
            f.write_str(text)
        }
    }

    /// Priorities that equal their discriminant as an `int` (`eq_int`).
    #[hpy_class(eq_int, rename_all = "lowercase")]
    #[derive(Clone, Copy)]
    #[repr(i64)]
    pub enum Priority {
        Low = 1,
        /// An explicit name wins over `rename_all`.
        #[hpy(name = "URGENT")]
        High = 2,
        Never = -1,
        Max = i64::MAX,
    }

    /// A version: compared, hashed and shown from the Rust traits.
    #[hpy_class(frozen, eq, ord, hash, str, get_all)]
    #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub struct Version {
        major: u32,
        minor: u32,
        patch: u32,
    }

    #[hpy_methods]
    impl Version {
        #[new]
        fn new(major: u32, minor: u32, patch: u32) -> Self {
            Version {
                major,
                minor,
                patch,
            }
        }
    }

    impl fmt::Display for Version {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }

    /// A person: every field a read-write property named in camelCase.
    #[hpy_class(eq, get_all, set_all, rename_all = "camelCase")]
    #[derive(PartialEq)]
    pub struct Person {
        first_name: String,
        last_name: String,
        birth_year: i32,
        /// An explicit name wins over `rename_all`.
        #[hpy(name = "tag")]
        internal_tag: String,
    }

    #[hpy_methods]
    impl Person {
        #[new]
        fn new(first_name: String, last_name: String, birth_year: i32) -> Self {
            Person {
                first_name,
                last_name,
                birth_year,
                internal_tag: String::new(),
            }
        }
    }

    /// mix(a, b) -> a if both are the same colour, else Blue
    #[hpy_function]
    fn mix(a: Color, b: Color) -> Color {
        if a == b {
            a
        } else {
            Color::Blue
        }
    }

    /// warm(colors) -> the warm colours of a list
    #[hpy_function]
    fn warm(colors: Vec<Color>) -> Vec<Color> {
        colors.into_iter().filter(|c| c.is_warm()).collect()
    }

    /// level(n) -> the highest level at most n
    #[hpy_function]
    fn level(n: i64) -> PyResult<Level> {
        [Level::Top, Level::MediumHigh, Level::Low]
            .into_iter()
            .find(|level| n >= *level as i64)
            .ok_or_else(|| PyErr::value_error("no level below 1"))
    }

    /// escalate(p) -> the next priority
    #[hpy_function]
    fn escalate(p: Priority) -> Priority {
        match p {
            Priority::Never => Priority::Low,
            Priority::Low => Priority::High,
            Priority::High | Priority::Max => Priority::Max,
        }
    }

    /// describe(level) -> the level's Display text, from Rust
    #[hpy_function]
    fn describe(level: Level) -> String {
        level.to_string()
    }

    /// A shape: an enum with data. Each variant is a subclass (`Shape.Circle`) built from its
    /// fields, which are read-only properties.
    #[hpy_class(eq, hash)]
    #[derive(Debug, Clone, PartialEq)]
    pub enum Shape {
        Circle { r: f64 },
        Rect { w: f64, h: f64 },
        Point,
        Pair(i64, i64),
        Named { label: String },
    }

    // `hash` from the Rust value: the `f64`s hashed by their bits (`eq` is `PartialEq`).
    impl std::hash::Hash for Shape {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            std::mem::discriminant(self).hash(state);
            match self {
                Shape::Circle { r } => r.to_bits().hash(state),
                Shape::Rect { w, h } => (w.to_bits(), h.to_bits()).hash(state),
                Shape::Point => {}
                Shape::Pair(a, b) => (a, b).hash(state),
                Shape::Named { label } => label.hash(state),
            }
        }
    }

    #[hpy_methods]
    impl Shape {
        /// is_round() -> whether the shape is a circle
        fn is_round(&self) -> bool {
            matches!(self, Shape::Circle { .. })
        }
    }

    /// area(shape) -> the shape's area (0 for points, pairs and names)
    #[hpy_function]
    fn area(shape: Shape) -> f64 {
        match shape {
            Shape::Circle { r } => std::f64::consts::PI * r * r,
            Shape::Rect { w, h } => w * h,
            Shape::Point | Shape::Pair(..) | Shape::Named { .. } => 0.0,
        }
    }

    /// scale(shape, k) -> the shape scaled by k (borrowed, not cloned)
    #[hpy_function]
    fn scale(shape: PyRef<'_, '_, Shape>, k: f64) -> Shape {
        match &*shape {
            Shape::Circle { r } => Shape::Circle { r: r * k },
            Shape::Rect { w, h } => Shape::Rect { w: w * k, h: h * k },
            Shape::Pair(a, b) => Shape::Pair(
                (*a as f64 * k).round() as i64,
                (*b as f64 * k).round() as i64,
            ),
            other => other.clone(),
        }
    }

    /// unit_square() -> Shape.Rect(w=1.0, h=1.0)
    #[hpy_function]
    fn unit_square() -> Shape {
        Shape::Rect { w: 1.0, h: 1.0 }
    }

    /// shapes() -> one shape of each variant, made in Rust
    #[hpy_function]
    fn shapes() -> Vec<Shape> {
        vec![
            Shape::Circle { r: 1.5 },
            Shape::Rect { w: 2.0, h: 3.0 },
            Shape::Point,
            Shape::Pair(-1, 7),
            Shape::Named {
                label: "héllo".to_owned(),
            },
        ]
    }

    /// A token: ordered as in Rust (variant order, then fields), shown with `Display`; `eq`
    /// without `hash`, so unhashable.
    #[hpy_class(eq, ord, str)]
    #[derive(Clone, PartialEq, PartialOrd)]
    pub enum Token {
        Num(i64),
        Word { text: String },
        End,
    }

    impl fmt::Display for Token {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Token::Num(n) => write!(f, "{n}"),
                Token::Word { text } => f.write_str(text),
                Token::End => f.write_str("<end>"),
            }
        }
    }

    /// An event: no options (identity `==`, `object`'s hash), renamed variants.
    #[hpy_class(rename_all = "snake_case")]
    #[derive(Clone)]
    pub enum Event {
        MouseClick {
            x: i64,
            y: i64,
        },
        /// Left out by `#[cfg]`, with its fields.
        #[cfg(any())]
        Hidden(i64),
        #[hpy(name = "QUIT")]
        Quit,
    }

    /// tokens(text) -> the text split into Num and Word tokens, then End
    #[hpy_function]
    fn tokens(text: &str) -> Vec<Token> {
        let mut out: Vec<Token> = text
            .split_whitespace()
            .map(|word| match word.parse() {
                Ok(n) => Token::Num(n),
                Err(_) => Token::Word {
                    text: word.to_owned(),
                },
            })
            .collect();
        out.push(Token::End);
        out
    }

    /// click_x(event) -> x of a mouse click, else None
    #[hpy_function]
    fn click_x(event: Event) -> Option<i64> {
        match event {
            Event::MouseClick { x, .. } => Some(x),
            Event::Quit => None,
        }
    }
}
