// A handle cannot be used while the interpreter is released: the closure must be `Send`.
use hpy::prelude::*;

fn release(ctx: Context<'_>, obj: Handle<'_>) -> usize {
    ctx.allow_threads(|| obj.len().unwrap_or(0))
}

fn main() {}
