// `PyBytes::as_bytes` lends the object's own memory, which is valid only while the handle is
// open: the slice cannot outlive the view (HPy's debug mode revokes it when the handle closes).
use hpy::prelude::*;
use hpy::PyBytes;

fn contents<'py>(ctx: Context<'py>) -> PyResult<&'py [u8]> {
    let bytes = PyBytes::new(ctx, b"abc")?;
    bytes.as_bytes()
}

fn main() {}
