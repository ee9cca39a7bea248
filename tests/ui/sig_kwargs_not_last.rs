// `**kwargs` takes every other keyword argument: nothing can follow it.
use hpy::prelude::*;

#[hpy_function(signature = (**options, a))]
fn f<'py>(options: PyDict<'py>, a: i64) -> i64 {
    let _ = options;
    a
}

fn main() {}
