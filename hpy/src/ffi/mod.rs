//! The audited FFI boundary: every `unsafe` in `hpy` lives in this module.
//!
//! Invariants the rest of the crate relies on (and cannot break, since the fields are private):
//! * a [`Context<'py>`] wraps the live context of the current call; only `Context::from_raw`
//!   (called by the trampolines in [`trampoline`]) makes one;
//! * a [`Handle<'py>`] owns exactly one open handle and closes it once, on drop;
//! * a [`Borrowed<'py>`] is an open handle someone else closes after `'py`;
//! * every safe function below passes the API only handles obtained from those types.

mod handle;
pub(crate) mod raw;
pub(crate) mod trampoline;

pub use handle::{Borrowed, Context, Handle};
