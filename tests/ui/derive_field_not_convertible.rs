// A field whose type has no conversion is reported at the field's type.
use hpy::prelude::*;

pub struct Opaque;

#[derive(FromPy, IntoPy)]
pub struct Holder {
    count: i64,
    inner: Opaque,
}

fn main() {}
