// `eq` generates the comparison slot: a hand-written `__eq__` would be a second one.
#[hpy::hpy_class(eq)]
#[derive(PartialEq)]
pub struct Point {
    x: f64,
}

#[hpy::hpy_methods]
impl Point {
    fn __eq__(&self, other: PyRef<'_, '_, Point>) -> bool {
        self.x == other.x
    }
}

use hpy::PyRef;

fn main() {}
