// A union cannot be converted: nothing tells which field holds the value.
use hpy::prelude::*;

#[derive(FromPy, IntoPy)]
pub union Number {
    int: i64,
    float: f64,
}

fn main() {}
