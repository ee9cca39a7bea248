// A `&str` extracted from a handle borrows it: it cannot be used after the handle is closed.
use hpy::prelude::*;

fn name_of<'py>(obj: Borrowed<'py>) -> PyResult<usize> {
    let text: &str = {
        let repr = obj.repr()?;
        repr.extract()?
    };
    Ok(text.len())
}

fn main() {}
