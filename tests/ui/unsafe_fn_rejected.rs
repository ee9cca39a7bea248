// An `unsafe fn` cannot be exposed: Python cannot uphold its contract.
use hpy::prelude::*;

#[hpy_function]
unsafe fn dangerous() -> i64 {
    1
}

fn main() {}
