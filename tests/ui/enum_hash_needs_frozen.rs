// `hash` on a mutable class would let a dict or set lose the object; `ord`/`hash` need `eq`;
// `set_all` cannot modify a frozen class.
#[hpy::hpy_class(eq, hash)]
#[derive(PartialEq, Hash)]
pub struct Mutable {
    x: i64,
}

#[hpy::hpy_class(frozen, ord, set_all)]
#[derive(PartialEq, PartialOrd)]
pub struct Frozen {
    x: i64,
}

fn main() {}
