// Parameters need plain names (they become Python parameter names).
use hpy::prelude::*;

#[hpy_function]
fn sum((a, b): (i64, i64)) -> i64 {
    a + b
}

fn main() {}
