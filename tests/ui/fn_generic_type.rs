// Type parameters cannot be mapped: Python calls one concrete function.
use hpy::prelude::*;

#[hpy_function]
fn generic<T: Default>(value: i64) -> i64 {
    value
}

fn main() {}
