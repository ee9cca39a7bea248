// HPy 0.9 cannot give a tuple subclass a struct of its own: refused with an explanation.
use hpy::prelude::*;

#[hpy_class(base = tuple)]
pub struct Pair {
    tag: u8,
}

fn main() {}
