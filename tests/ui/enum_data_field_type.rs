// A field of a variant is built from a Python argument (`FromPy`) and read back through a
// property (`Clone` + `IntoPy`): a type without those is refused at the field's type.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    pub struct Opaque;

    #[hpy_class]
    #[derive(Clone)]
    pub enum Holder {
        Empty,
        Full(Opaque),
    }

    impl Clone for Opaque {
        fn clone(&self) -> Self {
            Opaque
        }
    }
}

fn main() {}
