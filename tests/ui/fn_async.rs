// An async fn cannot be called from Python's calling convention.
use hpy::prelude::*;

#[hpy_function]
async fn later() -> i64 {
    1
}

fn main() {}
