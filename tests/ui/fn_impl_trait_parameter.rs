// `impl Trait` is not a concrete type a Python object can be converted to.
use hpy::prelude::*;

#[hpy_function]
fn show(value: impl std::fmt::Display) -> String {
    value.to_string()
}

fn main() {}
