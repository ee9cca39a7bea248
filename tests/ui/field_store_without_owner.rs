// Storing into an HPyField needs the object that owns the field (HPy needs it for write
// barriers): a field alone cannot be written.
use hpy::prelude::*;

fn store<'py>(field: &HPyField, value: Borrowed<'py>) {
    field.store(Some(value));
}

fn main() {}
