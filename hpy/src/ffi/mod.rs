//! The audited FFI boundary: every `unsafe` in `hpy` lives in this module.
//!
//! Invariants the rest of the crate relies on (and cannot break, since the fields are private):
//! * a [`Context<'py>`] wraps the live context of the current call; only `Context::from_raw`
//!   (called by the trampolines in [`trampoline`] and [`slots`]) makes one;
//! * a [`Handle<'py>`] owns exactly one open handle and closes it once, on drop;
//! * a [`Borrowed<'py>`] is an open handle someone else closes after `'py`;
//! * a `PyRef`/`PyRefMut` ([`class`]) holds a borrow of an initialised object's Rust struct,
//!   registered in the object's borrow flag, and borrows the handle it came from;
//! * every safe function below passes the API only handles obtained from those types.

pub(crate) mod capsule;
pub(crate) mod class;
pub(crate) mod containers;
mod escape;
mod handle;
pub(crate) mod object_calls;
pub(crate) mod raw;
pub(crate) mod runtime_calls;
pub(crate) mod slots;
mod stub_export;
pub(crate) mod text_calls;
pub(crate) mod trampoline;

pub(crate) use handle::KeywordNames;
pub use handle::{Args, Borrowed, Context, Handle};
