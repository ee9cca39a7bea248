// A capsule outlives the call that made it: a value borrowing local data is refused.
use hpy::prelude::*;
use hpy::Capsule;

fn make<'py>(ctx: Context<'py>, text: &str) -> PyResult<Handle<'py>> {
    let local = text.to_owned();
    Capsule::new(ctx, "m.borrowed", local.as_str())
}

fn main() {}
