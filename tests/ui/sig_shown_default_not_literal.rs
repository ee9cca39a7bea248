// `=> LITERAL` is the Python default the text signature shows: it must be a Python literal.
use hpy::prelude::*;

#[hpy_function(signature = (a, b = None => compute()))]
fn f(a: i64, b: Option<i64>) -> i64 {
    a + b.unwrap_or(1)
}

fn compute() -> i64 {
    1
}

fn main() {}
