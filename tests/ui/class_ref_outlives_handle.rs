// A borrow of an object's Rust struct borrows the handle it came from: the handle cannot be
// closed while the struct is still in use.
use hpy::prelude::*;

fn read_after_close<'py, T: PyClass>(ctx: Context<'py>, obj: Borrowed<'py>) -> PyResult<()> {
    let handle = obj.dup();
    let value = handle.borrow::<T>()?;
    handle.close();
    let _still_used: &T = &value;
    let _ = ctx;
    Ok(())
}

fn main() {}
