// A typed view is a handle: it cannot be used while the interpreter is released.
use hpy::prelude::*;

fn release(ctx: Context<'_>, dict: PyDict<'_>) -> usize {
    ctx.allow_threads(|| dict.len().unwrap_or(0))
}

fn main() {}
