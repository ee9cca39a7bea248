// Nor a borrow of a class instance: the object lives in the interpreter.
use hpy::prelude::*;

#[hpy_class]
pub struct Counter {
    value: i64,
}

fn release(ctx: Context<'_>, counter: PyRef<'_, '_, Counter>) -> i64 {
    ctx.allow_threads(|| counter.value)
}

fn main() {}
