// A struct that outlives the call cannot hold one of its handles.
use hpy::prelude::*;

struct Cache<'a> {
    last: Option<Handle<'a>>,
}

fn remember<'py>(cache: &mut Cache<'static>, value: Borrowed<'py>) {
    cache.last = Some(value.dup());
}

fn main() {}
