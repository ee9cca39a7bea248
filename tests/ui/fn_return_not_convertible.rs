// A return type must implement `IntoPy` (or be a `Result` of one).
use hpy::prelude::*;

struct Opaque;

#[hpy_function]
fn give() -> Opaque {
    Opaque
}

fn main() {}
