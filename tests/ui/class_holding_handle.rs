// An object cannot hold a handle: handles belong to one call (and are not Send). Use HPyField
// for a reference stored in an object.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Holder {
        obj: Borrowed<'static>,
    }
}

fn main() {}
