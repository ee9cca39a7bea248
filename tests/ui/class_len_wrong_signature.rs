// A slot method must have the slot's signature: `__len__` takes nothing besides the receiver.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Bag {
        n: usize,
    }

    #[hpy_methods]
    impl Bag {
        fn __len__(&self, extra: i64) -> usize {
            self.n + extra as usize
        }
    }
}

fn main() {}
