// The context cannot be used while the interpreter is released either.
use hpy::prelude::*;

fn release(ctx: Context<'_>) {
    ctx.allow_threads(|| {
        let _ = ctx.none();
    });
}

fn main() {}
