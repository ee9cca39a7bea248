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
}
