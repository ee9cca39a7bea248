// Handles cannot be shared between threads: they are not `Sync`.
use hpy::prelude::*;

fn assert_sync<T: Sync>(_: &T) {}

fn check(value: Borrowed<'_>) {
    assert_sync(&value);
}

fn main() {}
