// A borrowed argument cannot outlive its call, even in a thread-local: its lifetime is the
// call's, not 'static.
use hpy::prelude::*;
use std::cell::Cell;

thread_local! {
    static KEPT: Cell<Option<Borrowed<'static>>> = const { Cell::new(None) };
}

fn keep<'py>(obj: Borrowed<'py>) {
    KEPT.with(|kept| kept.set(Some(obj)));
}

fn main() {}
