// A capsule cannot smuggle a handle out of its call: handles are neither `Send` nor `'static`.
use hpy::prelude::*;
use hpy::Capsule;

fn make<'py>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<Handle<'py>> {
    Capsule::new(ctx, "m.handle", obj.dup())
}

fn main() {}
