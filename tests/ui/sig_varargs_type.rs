// `*args` receives the extra positional arguments: its type must be `Args`; and an `Args`
// parameter must be declared `*args`.
use hpy::prelude::*;

#[hpy_function(signature = (a, *rest))]
fn wrong_type(a: i64, rest: Vec<i64>) -> i64 {
    a + rest.len() as i64
}

#[hpy_function(signature = (a, rest))]
fn args_not_starred<'py>(a: i64, rest: Args<'py>) -> i64 {
    a + rest.len() as i64
}

fn main() {}
