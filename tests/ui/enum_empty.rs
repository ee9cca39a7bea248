// An enum without variants has no value an instance could hold.
#[hpy::hpy_class]
pub enum Never {}

fn main() {}
