// A parameter type must implement `FromPy`; the error points at the type.
use hpy::prelude::*;

struct Unconvertible;

#[hpy_function]
fn take(value: Unconvertible) -> i64 {
    let _ = value;
    1
}

fn main() {}
