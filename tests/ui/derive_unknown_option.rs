// Unknown or misplaced #[hpy(...)] options are reported at the option.
use hpy::prelude::*;

#[derive(FromPy)]
#[hpy(maping)]
pub struct Config {
    #[hpy(key = "name")]
    name: String,
    #[hpy(attribute = "a", item = "b")]
    both: i64,
    #[hpy(transparent)]
    misplaced: i64,
}

#[derive(FromPy)]
#[hpy(mapping)]
pub struct Pair(i64, #[hpy(default)] i64);

#[derive(IntoPy)]
#[hpy(transparent)]
pub struct Two {
    a: i64,
    b: i64,
}

fn main() {}
