// Required parameters must come before the ones with defaults, as in Python.
use hpy::prelude::*;

#[hpy_function]
fn f(#[hpy(default = 1)] a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
