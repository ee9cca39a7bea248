// Type and const parameters are refused (lifetimes are fine).
use hpy::prelude::*;

#[derive(FromPy)]
pub struct Wrapper<T> {
    value: T,
}

#[derive(IntoPy)]
pub struct Array<const N: usize>([i64; N]);

#[derive(FromPy)]
pub struct Unit;

fn main() {}
