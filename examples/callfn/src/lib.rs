//! Per-instance call functions (C HPy's `HPyDef_CALL_FUNCTION` + `HPy_SetCallFunction`),
//! checked from Python by `tests/python/test_callfn.py`.
//!
//! `Dist(kind)` is a distance function of a point `(x, y)` from the origin. Its `__init__`
//! installs the call function for `kind` on the new instance, so instances of the one class are
//! called through different Rust functions (vectorcall on CPython, no `__call__` lookup):
//!
//! * `"euclidean"`: `Dist.EUCLIDEAN`, `(x, y)`;
//! * `"manhattan"`: `Dist.MANHATTAN`, `(x, y)`;
//! * `"minkowski"`: `Dist.MINKOWSKI`, `(x, y, p=2.0)`;
//! * `"self"`: `Dist.ITSELF`, `()`, returns the called object (the receiver is the instance);
//! * `"plain"`: none; the class's `__call__` runs, returning `("plain", x, y)`.
//!
//! `Scaled(kind, factor)` is a Rust subclass of `Dist` with fields of its own and its own
//! `__call__` (required: HPy keeps a call function right after the struct of the class that
//! defines `__call__`, where a subclass keeps its data), on which `Dist`'s call functions
//! cannot be set (`TypeError`).
//!
//! The module functions `euclidean`, `minkowski` and `itself` take the same parameters as the call
//! functions, so the tests can compare their argument errors.

/// `Dist` and the reference functions.
#[hpy::hpy_module]
mod callfn {
    use hpy::prelude::*;
    use hpy::CallFunction;

    /// Dist(kind): the distance of a point (x, y) from the origin, measured as `kind` says
    /// ("euclidean", "manhattan", "minkowski", "self" or "plain").
    #[hpy_class(subclass)]
    pub struct Dist {
        kind: &'static str,
    }

    /// The kinds: name and call function (`None`: the class's `__call__`).
    type Kind = (&'static str, Option<CallFunction<Dist>>);

    /// The kind called `kind`; `ValueError` for an unknown one.
    fn kind_of(kind: &str) -> PyResult<Kind> {
        Ok(match kind {
            "euclidean" => ("euclidean", Some(Dist::EUCLIDEAN)),
            "manhattan" => ("manhattan", Some(Dist::MANHATTAN)),
            "minkowski" => ("minkowski", Some(Dist::MINKOWSKI)),
            "self" => ("self", Some(Dist::ITSELF)),
            "plain" => ("plain", None),
            _ => return Err(PyErr::value_error(format!("unknown kind: {kind:?}"))),
        })
    }

    #[hpy_methods]
    impl Dist {
        /// Checks the kind (the call function is installed by `__init__`).
        #[new]
        fn new(kind: &str) -> PyResult<Self> {
            Ok(Dist {
                kind: kind_of(kind)?.0,
            })
        }

        /// Installs the call function of `kind` on this instance.
        fn __init__<'py>(slf: PyRef<'_, 'py, Self>, kind: &str) -> PyResult<()> {
            if let (_, Some(func)) = kind_of(kind)? {
                slf.set_call_function(&func)?;
            }
            Ok(())
        }

        /// Dist.with_kind(kind): a new instance, made from Rust (no `__init__`), with the call
        /// function of `kind` installed.
        #[staticmethod]
        fn with_kind<'py>(ctx: Context<'py>, kind: &str) -> PyResult<Handle<'py>> {
            let (kind, func) = kind_of(kind)?;
            let obj = ctx.new_object(Dist { kind })?;
            if let Some(func) = func {
                obj.borrow::<Dist>()?.set_call_function(&func)?;
            }
            Ok(obj)
        }

        /// retarget(kind): installs the call function of another kind (not "plain").
        fn retarget<'py>(mut slf: PyRefMut<'_, 'py, Self>, kind: &str) -> PyResult<()> {
            let (kind, func) = kind_of(kind)?;
            let func =
                func.ok_or_else(|| PyErr::value_error("a call function cannot be removed"))?;
            slf.set_call_function(&func)?;
            slf.kind = kind;
            Ok(())
        }

        /// The kind given to the constructor (or `retarget`).
        #[getter]
        fn kind(&self) -> &'static str {
            self.kind
        }

        /// What instances without a call function of their own run: `("plain", x, y)`.
        fn __call__(&self, x: f64, y: f64) -> (&'static str, f64, f64) {
            (self.kind, x, y)
        }

        /// The Euclidean norm of (x, y).
        #[call_function]
        fn euclidean(&self, x: f64, y: f64) -> f64 {
            norm2(x, y)
        }

        /// |x| + |y|.
        #[call_function]
        fn manhattan(&self, x: f64, y: f64) -> f64 {
            x.abs() + y.abs()
        }

        /// (|x|**p + |y|**p) ** (1/p).
        #[call_function]
        fn minkowski(&self, x: f64, y: f64, #[hpy(default = 2.0)] p: f64) -> PyResult<f64> {
            norm_p(x, y, p)
        }

        /// Returns the called object itself.
        #[call_function(ITSELF)]
        fn itself<'py>(slf: Borrowed<'py>) -> Handle<'py> {
            slf.dup()
        }
    }

    fn norm2(x: f64, y: f64) -> f64 {
        (x * x + y * y).sqrt()
    }

    fn norm_p(x: f64, y: f64, p: f64) -> PyResult<f64> {
        if p <= 0.0 {
            return Err(PyErr::value_error("p must be positive"));
        }
        Ok((x.abs().powf(p) + y.abs().powf(p)).powf(1.0 / p))
    }

    /// euclidean(x, y): the same computation and parameters as `Dist.EUCLIDEAN` (with keywords,
    /// as call functions take them).
    #[hpy_function(keywords)]
    fn euclidean(x: f64, y: f64) -> f64 {
        norm2(x, y)
    }

    /// minkowski(x, y, p=2.0): the same computation and parameters as `Dist.MINKOWSKI`.
    #[hpy_function]
    fn minkowski(x: f64, y: f64, #[hpy(default = 2.0)] p: f64) -> PyResult<f64> {
        norm_p(x, y, p)
    }

    /// itself(): takes no arguments, like `Dist.ITSELF`.
    #[hpy_function(keywords)]
    fn itself() {}

    /// Scaled(kind, factor): a Rust subclass of Dist with fields of its own.
    #[hpy_class(base = Dist)]
    pub struct Scaled {
        factor: f64,
        check: u64,
    }

    #[hpy_methods]
    impl Scaled {
        #[new]
        fn new(kind: &str, factor: f64) -> PyResult<(Scaled, Dist)> {
            Ok((
                Scaled {
                    factor,
                    check: 0x5555_5555_5555_5555,
                },
                Dist {
                    kind: kind_of(kind)?.0,
                },
            ))
        }

        /// Takes the constructor's arguments (Dist's `__init__` would take one).
        fn __init__(&self, kind: &str, factor: f64) {
            let _ = (kind, factor);
        }

        /// `("scaled", factor * x, factor * y)`: a Rust subclass of a class with `__call__`
        /// must define its own.
        fn __call__(&self, x: f64, y: f64) -> (&'static str, f64, f64) {
            ("scaled", self.factor * x, self.factor * y)
        }

        /// (factor, check): the subclass's own fields.
        fn fields(&self) -> (f64, u64) {
            (self.factor, self.check)
        }

        /// set(kind): tries to install Dist's call function of `kind` on this object (always a
        /// `TypeError`: it is not a `Dist` itself).
        fn set(slf: Borrowed<'_>, kind: &str) -> PyResult<()> {
            if let (_, Some(func)) = kind_of(kind)? {
                slf.borrow::<Dist>()?.set_call_function(&func)?;
            }
            Ok(())
        }
    }
}
