// `sq_item` receives the index: a method bound to it must take `index: isize`.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Seq {
        first: i64,
    }

    #[hpy_methods]
    impl Seq {
        #[hpy(slot = sq_item)]
        fn item(&self) -> i64 {
            self.first
        }
    }
}

fn main() {}
