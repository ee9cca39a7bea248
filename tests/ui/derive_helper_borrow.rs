// Below the derive's own check: the runtime it calls converts a field from a new reference that
// it releases right after, so the field type must convert for any lifetime (`for<'x> FromPy<'x>`);
// a `&str` borrowed from that reference cannot come out.
use hpy::prelude::*;

pub fn name<'py>(obj: Borrowed<'py>) -> &'py str {
    match hpy::__derive::attribute::<&'py str>(obj, "name") {
        Ok(name) => name,
        Err(_) => "",
    }
}

fn main() {}
