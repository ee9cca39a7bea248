// Converting a Python object to an enum with data clones the value out of the instance: the
// enum must be `Clone` (borrow it with `PyRef<'_, '_, Shape>` instead of cloning).
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub enum Shape {
        Circle { r: f64 },
        Point,
    }
}

fn main() {}
