// A typed view cannot outlive the call it belongs to (no `'static` view can exist).
use hpy::prelude::*;

fn keep(dict: PyDict<'_>) -> PyDict<'static> {
    dict
}

fn main() {}
