// A Python class cannot be generic: an enum with type or lifetime parameters is refused.
#[hpy::hpy_class]
pub enum Choice<T> {
    First,
    Second,
    #[allow(dead_code)]
    Never(std::marker::PhantomData<T>),
}

fn main() {}
