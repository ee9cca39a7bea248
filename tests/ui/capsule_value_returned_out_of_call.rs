// A capsule's value cannot leave the call as a reference: it is tied to the handle's borrow.
use hpy::prelude::*;
use hpy::Capsule;

fn escape<'py>(ctx: Context<'py>) -> PyResult<&'static u64> {
    let capsule = Capsule::new(ctx, "m.value", 42u64)?;
    Capsule::get(&capsule, "m.value")
}

fn main() {}
