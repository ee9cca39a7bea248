// A call function of one class cannot be installed on an instance of another: its body reads
// the called object as its own class.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Dist {
        scale: f64,
    }

    #[hpy_methods]
    impl Dist {
        fn __call__(&self) -> f64 {
            self.scale
        }

        #[call_function]
        fn euclidean(&self, x: f64, y: f64) -> f64 {
            self.scale * (x * x + y * y).sqrt()
        }
    }

    #[hpy_class]
    pub struct Other {
        name: String,
    }

    #[hpy_methods]
    impl Other {
        fn __call__(&self) -> String {
            self.name.clone()
        }

        fn __init__<'py>(slf: PyRef<'_, 'py, Self>) -> PyResult<()> {
            slf.set_call_function(&Dist::EUCLIDEAN)
        }
    }
}

fn main() {}
