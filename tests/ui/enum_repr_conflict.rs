// An enum's `repr` is generated (`Color.Red`): a hand-written `__repr__` clashes with it.
#[hpy::hpy_class]
pub enum Color {
    Red,
    Green,
}

#[hpy::hpy_methods]
impl Color {
    fn __repr__(&self) -> String {
        "red".to_owned()
    }
}

fn main() {}
