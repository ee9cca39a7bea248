// A borrowed handle (an argument, a context constant) cannot be closed by the callee.
use hpy::prelude::*;

fn callee(arg: Borrowed<'_>) {
    arg.close();
}

fn main() {}
