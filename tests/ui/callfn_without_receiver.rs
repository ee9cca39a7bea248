// A call function receives the called object: it needs a receiver.
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
        fn euclidean(x: f64, y: f64) -> f64 {
            (x * x + y * y).sqrt()
        }
    }
}

fn main() {}
