// The signature names the Rust parameters: an unknown name, a name given twice, one out of
// order and a parameter left out are all reported at the user's tokens.
use hpy::prelude::*;

#[hpy_function(signature = (a, bb))]
fn unknown(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_function(signature = (a, a, b))]
fn twice(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_function(signature = (b, a))]
fn out_of_order(a: i64, b: i64) -> i64 {
    a + b
}

#[hpy_class]
struct Counter {
    total: i64,
}

#[hpy_methods]
impl Counter {
    #[hpy(signature = (amount, times))]
    fn add(&mut self, amount: i64) {
        self.total += amount;
    }
}

fn main() {}
