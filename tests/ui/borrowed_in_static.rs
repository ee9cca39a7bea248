// A borrowed handle is only valid during its call: it cannot be kept in a static (HPyGlobal
// is the way to keep an object across calls).
use hpy::prelude::*;
use std::sync::OnceLock;

static KEPT: OnceLock<Borrowed<'static>> = OnceLock::new();

fn keep(obj: Borrowed<'static>) {
    let _ = KEPT.set(obj);
}

fn main() {}
