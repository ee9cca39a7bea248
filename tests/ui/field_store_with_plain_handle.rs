// The owner passed to HPyField::store must be a borrow of a #[hpy_class] object (PyRef or
// PyRefMut), not any handle.
use hpy::prelude::*;

fn store<'py>(field: &HPyField, owner: Borrowed<'py>, value: Borrowed<'py>) {
    field.store(&owner, Some(value));
}

fn main() {}
