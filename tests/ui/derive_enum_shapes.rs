// Enum shapes #[derive(FromPy)] cannot convert to: a unit variant without the Python value that
// stands for it, an enum without variants, a `value` on a variant with fields.
use hpy::prelude::*;

#[derive(FromPy)]
pub enum Mode {
    Fast,
    #[hpy(value = "slow")]
    Slow,
    #[hpy(value = 3)]
    Level(u8),
}

#[derive(FromPy)]
pub enum Never {}

// IntoPy alone accepts both: a unit variant becomes its name, an empty enum is never converted.
#[derive(IntoPy)]
pub enum Out {
    Fast,
}

#[derive(IntoPy)]
pub enum NeverOut {}

fn main() {}
