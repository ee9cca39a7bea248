// The exec hook has one exact signature.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_exec]
    fn setup(value: i64) -> i64 {
        value
    }
}

fn main() {}
