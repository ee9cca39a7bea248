// A `CallFunction<T>` is only made by `#[call_function]`: the constructor the macro uses is
// `unsafe` (the body it wraps must read the called object as a `T`).
#[hpy::hpy_module]
mod m {
    use hpy::prelude::*;

    #[hpy_class]
    pub struct Dist {
        scale: f64,
    }

    #[hpy_methods]
    impl Dist {
        fn __call__(&self) -> f64 {
            self.scale
        }
    }

    struct Body;

    impl hpy::__private::KeywordsFn for Body {
        const NAME: &'static str = "body";
        fn call<'py>(
            ctx: Context<'py>,
            _slf: Borrowed<'py>,
            _args: Args<'py>,
            _kwnames: Option<Borrowed<'py>>,
        ) -> PyResult<Handle<'py>> {
            Ok(ctx.none().dup())
        }
    }

    pub fn forge() -> hpy::CallFunction<Dist> {
        hpy::__private::call_function::<Dist, Body>()
    }
}

fn main() {}
