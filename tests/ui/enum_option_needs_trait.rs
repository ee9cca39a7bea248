// `eq`, `hash` and `str` come from `PartialEq`, `Hash` and `Display`: without the impls the
// errors point at the options.
#[hpy::hpy_class(frozen, eq, hash, str)]
pub struct Point {
    x: i64,
}

fn main() {}
