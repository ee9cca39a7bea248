// A call function needs `__call__` in the same block: HPy only reserves room for a per-instance
// call function in types that define `HPy_tp_call`.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Dist {
        scale: f64,
    }

    #[hpy_methods]
    impl Dist {
        #[call_function]
        fn euclidean(&self, x: f64, y: f64) -> f64 {
            self.scale * (x * x + y * y).sqrt()
        }
    }
}

fn main() {}
