// A handle cannot outlive the call it belongs to: returning one with a longer lifetime fails.
use hpy::prelude::*;

fn escape<'py>(ctx: Context<'py>) -> Handle<'static> {
    ctx.none().dup()
}

fn main() {}
