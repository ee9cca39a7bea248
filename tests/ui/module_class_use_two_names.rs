// `#[hpy_class] use` adds one class declared elsewhere; a group import is refused.
#[hpy::hpy_class]
pub struct A;

#[hpy::hpy_class]
pub struct B;

#[hpy::hpy_module]
mod m {
    #[hpy_class]
    use super::{A, B};
}

fn main() {}
