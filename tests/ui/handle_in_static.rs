// A handle cannot be kept in a `static`: statics must be `Sync`, and handles are not `Send`.
use hpy::prelude::*;
use std::sync::Mutex;

static KEPT: Mutex<Option<Handle<'static>>> = Mutex::new(None);

fn main() {}
