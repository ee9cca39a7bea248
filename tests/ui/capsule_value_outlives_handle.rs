// A capsule's value is borrowed from the handle it was read through: it cannot be used once
// the handle is closed (the capsule, and with it the value, may then be destroyed).
use hpy::prelude::*;
use hpy::Capsule;

fn read_after_close<'py>(ctx: Context<'py>) -> PyResult<u64> {
    let capsule = Capsule::new(ctx, "m.value", 42u64)?;
    let value: &u64 = Capsule::get(&capsule, "m.value")?;
    capsule.close();
    Ok(*value)
}

fn main() {}
