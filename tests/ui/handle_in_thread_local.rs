// Nor in a thread-local: that needs `'static`, and the handle only lives for the call.
use hpy::prelude::*;
use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Vec<Borrowed<'static>>> = RefCell::new(Vec::new());
}

fn keep<'py>(arg: Borrowed<'py>) {
    KEPT.with(|kept| kept.borrow_mut().push(arg));
}

fn main() {}
