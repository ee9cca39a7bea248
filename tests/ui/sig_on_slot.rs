// A special method's parameters are fixed by Python: no `signature` on `__len__`.
use hpy::prelude::*;

#[hpy_class]
struct Bag {
    items: Vec<i64>,
}

#[hpy_methods]
impl Bag {
    #[hpy(signature = ())]
    fn __len__(&self) -> usize {
        self.items.len()
    }
}

fn main() {}
