// A view is only made by a checked downcast: its field is private, so no code outside hpy can
// wrap a handle of another type as a `PyDict`.
use hpy::prelude::*;

fn forge(obj: Handle<'_>) -> PyDict<'_> {
    PyDict(obj)
}

fn main() {}

// Nor through the trait hpy uses internally after a check: it cannot be named outside hpy.
fn forge_again(obj: Handle<'_>) -> PyDict<'_> {
    <PyDict<'_> as hpy::View<'_>>::from_checked(obj)
}
