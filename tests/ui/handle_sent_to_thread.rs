// Handles cannot cross threads: they are not `Send`.
use hpy::prelude::*;

fn spawn_with<'py>(value: Handle<'py>) {
    std::thread::spawn(move || drop(value));
}

fn main() {}
