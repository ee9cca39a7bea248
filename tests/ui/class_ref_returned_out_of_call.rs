// A borrow of an object's Rust struct cannot leave the scope of the handle it came from.
use hpy::prelude::*;

fn escape<'py, T: PyClass>(obj: Borrowed<'py>) -> PyResult<PyRef<'py, 'py, T>> {
    let handle = obj.dup();
    handle.borrow::<T>()
}

fn main() {}
