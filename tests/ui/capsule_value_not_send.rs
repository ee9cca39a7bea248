// A capsule may be destroyed (and its value dropped) on any thread: a value that is not
// `Send` is refused.
use hpy::prelude::*;
use hpy::Capsule;
use std::rc::Rc;

fn make<'py>(ctx: Context<'py>) -> PyResult<Handle<'py>> {
    Capsule::new(ctx, "m.rc", Rc::new(1u8))
}

fn main() {}
