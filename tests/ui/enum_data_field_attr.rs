// The fields of a variant are read-only properties named after the fields: `#[hpy(...)]`
// on one (a rename, `set`, ...) is refused at the attribute.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    #[derive(Clone)]
    pub enum Shape {
        Circle {
            #[hpy(set)]
            r: f64,
        },
        Point,
    }
}

fn main() {}
