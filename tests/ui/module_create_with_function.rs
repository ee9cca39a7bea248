// A create function makes the object `import` gives instead of a module, so the module cannot
// also export functions: HPy only adds them to module objects it creates itself.
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_create]
    fn create<'py>(ctx: Context<'py>, spec: Borrowed<'py>) -> PyResult<Handle<'py>> {
        let _ = ctx;
        Ok(spec.dup())
    }

    #[hpy_function]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}
