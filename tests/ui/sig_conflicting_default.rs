// A default is given once: in the signature or with `#[hpy(default ...)]`, not both.
use hpy::prelude::*;

#[hpy_function(signature = (a, b = 2))]
fn f(a: i64, #[hpy(default = 3)] b: i64) -> i64 {
    a + b
}

fn main() {}
