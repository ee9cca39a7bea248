// `eq_int` compares a variant with its discriminant as an `int`: an enum with fields has
// variant classes, not integer values, so the option is refused at its token.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class(eq_int)]
    #[derive(Clone)]
    pub enum Shape {
        Circle { r: f64 },
        Point,
    }
}

fn main() {}
