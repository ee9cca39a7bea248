// Taking ownership of a raw handle is `unsafe`: safe code cannot forge or double-close one.
use hpy::prelude::*;

fn forge<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> Handle<'py> {
    Handle::from_raw(ctx, obj.as_raw())
}

fn main() {}
