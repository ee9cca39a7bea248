// Unknown `#[hpy(...)]` options are rejected.
use hpy::prelude::*;

#[hpy_function]
fn f(#[hpy(defualt = 1)] a: i64) -> i64 {
    a
}

fn main() {}
