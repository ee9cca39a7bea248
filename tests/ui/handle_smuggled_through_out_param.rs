// Writing a handle into a place that outlives the call fails too.
use hpy::prelude::*;

fn smuggle<'py>(ctx: Context<'py>, out: &mut Option<Handle<'static>>) {
    *out = Some(ctx.none().dup());
}

fn main() {}
