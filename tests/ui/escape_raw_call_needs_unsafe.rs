// Every raw HPy function is `unsafe`: the raw context alone grants nothing to safe code.
use hpy::prelude::*;

fn close_twice(ctx: Context<'_>, obj: Handle<'_>) {
    let raw = obj.as_raw();
    hpy::sys::HPy_Close(ctx.as_raw(), raw);
}

fn main() {}
