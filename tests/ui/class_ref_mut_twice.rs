// Two exclusive borrows of the same object through one handle cannot be alive at once.
use hpy::prelude::*;
use hpy::MutableClass;

fn alias<'py, T: MutableClass>(obj: Borrowed<'py>) -> PyResult<()> {
    let mut handle = obj.dup();
    let first = handle.borrow_mut::<T>()?;
    let second = handle.borrow_mut::<T>()?;
    drop(first);
    drop(second);
    Ok(())
}

fn main() {}
