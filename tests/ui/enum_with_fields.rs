// An enum whose variants hold data has no class design yet: refused at its first field.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub enum Shape {
        Empty,
        Circle { radius: f64 },
        Rect(f64, f64),
    }
}

fn main() {}
