// A module function has no `self`.
use hpy::prelude::*;

struct Thing;

impl Thing {
    #[hpy_function]
    fn method(&self) -> i64 {
        1
    }
}

fn main() {}
