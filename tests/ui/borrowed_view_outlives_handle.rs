// A borrowed view of an owned handle is only valid while the handle is alive.
use hpy::prelude::*;

fn view<'py>(ctx: Context<'py>) -> Borrowed<'py> {
    let owned = ctx.none().dup();
    owned.as_borrowed()
}

fn main() {}
