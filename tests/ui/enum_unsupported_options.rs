// Struct-only options on an enum, a naming convention that does not make Python identifiers,
// and `eq_int` with `ord` (a variant would equal an int it cannot be ordered against).
#[hpy::hpy_class(subclass, get_all, base = int, rename_all = "kebab-case", ord, eq_int)]
pub enum Color {
    Red,
    Green,
}

fn main() {}
