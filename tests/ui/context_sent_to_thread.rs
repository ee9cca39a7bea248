// The context cannot cross threads either.
use hpy::prelude::*;

fn assert_send<T: Send>(_: T) {}

fn check(ctx: Context<'_>) {
    assert_send(ctx);
}

fn main() {}
