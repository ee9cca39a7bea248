// Struct-only options on an enum, and a naming convention that does not make Python
// identifiers.
#[hpy::hpy_class(subclass, get_all, base = int, rename_all = "kebab-case")]
pub enum Color {
    Red,
    Green,
}

fn main() {}
