// Nor can safe code wrap a raw handle as a borrowed one that might outlive it.
use hpy::prelude::*;

fn keep<'py>(ctx: Context<'py>, obj: Handle<'py>) -> Borrowed<'py> {
    let raw = obj.as_raw();
    drop(obj);
    Borrowed::from_raw(ctx, raw)
}

fn main() {}
