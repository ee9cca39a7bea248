// A frozen class is never borrowed mutably: `&mut self` methods are refused.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class(frozen)]
    pub struct Counter {
        n: i64,
    }

    #[hpy_methods]
    impl Counter {
        fn bump(&mut self) {
            self.n += 1;
        }
    }
}

fn main() {}
