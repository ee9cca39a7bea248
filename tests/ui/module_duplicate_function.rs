// Two functions cannot have the same Python name in one module.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_function]
    fn one() -> i64 {
        1
    }

    #[hpy_function(name = "one")]
    fn two() -> i64 {
        2
    }
}

fn main() {}
