//! A parameter type without a Python type for the `.pyi` stub is refused where it is written,
//! with how to give it one.
use hpy::prelude::*;

/// Converts from a Python int, but says nothing about its Python type.
pub struct Meters(f64);

impl<'a> FromPy<'a> for Meters {
    fn from_py(obj: Borrowed<'a>) -> PyResult<Self> {
        f64::from_py(obj).map(Meters)
    }
}

#[hpy_module]
mod m {
    use super::Meters;
    use hpy::prelude::*;

    #[hpy_function]
    fn walk(distance: Meters) -> f64 {
        distance.0
    }
}

fn main() {}
