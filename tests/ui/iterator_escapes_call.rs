// An iterator over a Python object cannot be kept past the call (it holds handles).
use hpy::prelude::*;

thread_local! {
    static SAVED: std::cell::RefCell<Option<PyIterator<'static>>> = const { std::cell::RefCell::new(None) };
}

fn save(obj: Borrowed<'_>) -> PyResult<()> {
    let iter = obj.iter()?;
    SAVED.with(|saved| *saved.borrow_mut() = Some(iter));
    Ok(())
}

fn main() {}
