// A Python object can outlive any Rust borrow, so a class cannot borrow data: its struct must
// be 'static.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct View<'a> {
        data: &'a [u8],
    }
}

fn main() {}
