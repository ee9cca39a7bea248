// A field read from an attribute, an item or a sequence is converted from a new handle that is
// closed right after: it cannot borrow from it (only a transparent/newtype field, converted
// from the argument itself, can).
use hpy::prelude::*;

#[derive(FromPy)]
pub struct Named<'py> {
    name: &'py str,
}

#[derive(FromPy)]
pub struct Objects<'py>(Borrowed<'py>, Borrowed<'py>);

// fine: the argument itself
#[derive(FromPy)]
pub struct Text<'py>(&'py str);

fn main() {}
