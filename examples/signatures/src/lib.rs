//! Every Python parameter kind, declared with `signature = (...)`: positional-only,
//! positional-or-keyword, keyword-only, `*args`, `**kwargs` and defaults, on module functions
//! and on the methods of a class (`#[new]`, static and class methods included).
//! `tests/python/test_signatures.py` checks calls, errors and `inspect.signature` in every mode.

use std::collections::BTreeMap;

/// Parameter kinds and text signatures.
#[hpy::hpy_module]
mod signatures {
    use super::BTreeMap;
    use hpy::prelude::*;

    /// Every kind at once: returns what each parameter received.
    #[hpy_function(signature = (a, /, b = 1, *args, c, d = 2, **kwargs))]
    fn every<'py>(
        ctx: Context<'py>,
        a: i64,
        b: i64,
        args: Args<'py>,
        c: i64,
        d: i64,
        kwargs: PyDict<'py>,
    ) -> PyResult<Handle<'py>> {
        let rest: Vec<Borrowed<'py>> = args.iter().collect();
        let rest = PyList::new(ctx, &rest)?;
        (a, b, rest, c, d, kwargs).into_py(ctx)
    }

    /// One parameter, positional-only: the fast `O` convention (the default).
    #[hpy_function]
    fn count(text: &str) -> usize {
        text.chars().count()
    }

    /// The same, also accepted by keyword (`count_kw(text="...")`).
    #[hpy_function(signature = (text))]
    fn count_kw(text: &str) -> usize {
        text.chars().count()
    }

    /// Keyword-only parameters, one required and one with a default.
    #[hpy_function(signature = (x, *, scale, offset = 0.5))]
    fn affine(x: f64, scale: f64, offset: f64) -> f64 {
        x * scale + offset
    }

    /// Defaults rendered as Python literals in the text signature.
    #[hpy_function(signature = (name = "world", times = 1, loud = false, sep = None, ratio = -1.5))]
    fn greet(name: &str, times: usize, loud: bool, sep: Option<String>, ratio: f64) -> String {
        let hello = format!("hello {name}");
        let hello = if loud { hello.to_uppercase() } else { hello };
        let parts = vec![hello; times];
        format!(
            "{}|{ratio}",
            parts.join(&sep.unwrap_or_else(|| " ".to_owned()))
        )
    }

    /// A default that is not a literal is shown as `...`; the `#[hpy(default)]` shorthand
    /// still works next to `signature`.
    #[hpy_function(signature = (values, limit = usize::MAX, *, strict))]
    fn take(values: Vec<i64>, limit: usize, #[hpy(default)] strict: bool) -> PyResult<Vec<i64>> {
        if strict && values.len() > limit {
            return Err(PyErr::value_error("too many values"));
        }
        Ok(values.into_iter().take(limit).collect())
    }

    /// `*args` next to a positional parameter.
    #[hpy_function(signature = (first, *rest))]
    fn join_all(first: &str, rest: Args<'_>) -> PyResult<String> {
        let mut out = first.to_owned();
        for item in rest.iter() {
            out.push_str(<&str>::from_py(item)?);
        }
        Ok(out)
    }

    /// `*args` as a tuple.
    #[hpy_function(signature = (*items))]
    fn as_tuple(items: PyTuple<'_>) -> PyTuple<'_> {
        items
    }

    /// `**kwargs` converted to a map.
    #[hpy_function(signature = (**options))]
    fn options(options: BTreeMap<String, i64>) -> Vec<(String, i64)> {
        options.into_iter().collect()
    }

    /// Positional-only with a default, then positional-or-keyword.
    #[hpy_function(signature = (a, b = 10, /, c = 20))]
    fn pos_only(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
        (a, b, c)
    }

    /// Parameter names beyond ASCII, matched by keyword like any other.
    #[hpy_function(signature = (größe, *, faktor = 2))]
    fn skaliere(größe: i64, faktor: i64) -> i64 {
        größe.wrapping_mul(faktor)
    }

    /// A record: a name, any positional values and keyword tags.
    #[hpy_class]
    pub struct Record {
        #[hpy(get)]
        name: String,
        #[hpy(get)]
        values: Vec<i64>,
        #[hpy(get)]
        tags: Vec<(String, String)>,
    }

    #[hpy_methods]
    impl Record {
        /// `*args` and `**kwargs` in `#[new]` (whose keywords come as a dict).
        #[new]
        #[hpy(signature = (name, *values, **tags))]
        fn new(name: String, values: Args<'_>, tags: BTreeMap<String, String>) -> PyResult<Self> {
            let values = values.iter().map(i64::from_py).collect::<PyResult<_>>()?;
            Ok(Record {
                name,
                values,
                tags: tags.into_iter().collect(),
            })
        }
    }

    /// A counter with every method kind.
    #[hpy_class]
    pub struct Counter {
        #[hpy(get)]
        total: i64,
    }

    #[hpy_methods]
    impl Counter {
        /// A counter starting at `start`.
        #[new]
        #[hpy(signature = (start = 0, *, step = 1))]
        fn new(start: i64, step: i64) -> Self {
            Counter {
                total: start * step,
            }
        }

        /// Adds `amount` (`times` times).
        #[hpy(signature = (amount, /, times = 1))]
        fn add(&mut self, amount: i64, times: i64) -> i64 {
            self.total += amount * times;
            self.total
        }

        /// Adds each positional argument; keywords name further amounts.
        #[hpy(signature = (*amounts, **named))]
        fn add_all(&mut self, amounts: Args<'_>, named: BTreeMap<String, i64>) -> PyResult<i64> {
            for item in amounts.iter() {
                self.total += i64::from_py(item)?;
            }
            self.total += named.values().sum::<i64>();
            Ok(self.total)
        }

        /// One parameter, no signature: positional-only (`O`).
        fn set(&mut self, value: i64) {
            self.total = value;
        }

        /// Resets the counter.
        fn reset(&mut self) {
            self.total = 0;
        }

        /// A static method with a keyword-only parameter.
        #[staticmethod]
        #[hpy(signature = (a, *, b = 2))]
        fn combine(a: i64, b: i64) -> i64 {
            a * b
        }

        /// A class method: `cls` is not part of the signature.
        #[classmethod]
        #[hpy(signature = (start, /))]
        fn starting_at<'py>(cls: Borrowed<'py>, start: i64) -> PyResult<(Handle<'py>, i64)> {
            Ok((cls.getattr("__name__")?, start))
        }
    }
}
