// Closing a handle consumes it: using it afterwards is a use of a moved value.
use hpy::prelude::*;

fn twice(value: Handle<'_>) -> PyResult<()> {
    value.close();
    value.repr()?;
    Ok(())
}

fn main() {}
