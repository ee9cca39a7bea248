// Signatures Python itself could not have: a required positional parameter after an optional
// one, `/` after `*`, `*` twice, and a bare `*` with nothing after it.
use hpy::prelude::*;

#[hpy_function(signature = (a = 1, b))]
fn required_after_default(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_function(signature = (a, *, b, /))]
fn slash_after_star(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_function(signature = (a, *, *rest))]
fn star_twice<'py>(a: i64, rest: Args<'py>) -> i64 {
    a + rest.len() as i64
}

#[hpy_function(signature = (a, *))]
fn bare_star(a: i64) -> i64 {
    a
}

fn main() {}
