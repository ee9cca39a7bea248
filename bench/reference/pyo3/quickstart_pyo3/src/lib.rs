//! PyO3 build-cost reference for hpy-rs (clean build time, stripped size): the same Python API
//! as `examples/quickstart`, written the usual PyO3 way. Like there, the functions without
//! defaults take positional arguments only.

/// hpy-rs quickstart, PyO3 reference: a few functions written in safe Rust.
#[pyo3::pymodule]
mod quickstart_pyo3 {
    use pyo3::exceptions::{PyOverflowError, PyValueError, PyZeroDivisionError};
    use pyo3::prelude::*;
    use pyo3::types::PyDict;

    /// The version of this example, as a module constant.
    #[pymodule_export]
    const VERSION: &str = "0.1.0";

    /// add(a, b)
    ///
    /// Return a + b for two integers that fit in 64 bits (OverflowError otherwise).
    #[pyfunction]
    #[pyo3(signature = (a, b, /))]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyOverflowError::new_err("add(): the sum does not fit in 64 bits"))
    }

    /// greet(name, greeting="Hello", times=1)
    ///
    /// Return a greeting, repeated `times` times.
    #[pyfunction]
    #[pyo3(signature = (name, greeting = "Hello", times = 1))]
    fn greet(name: &str, greeting: &str, times: u32) -> String {
        vec![format!("{greeting}, {name}!"); times as usize].join(" ")
    }

    /// word_stats(text) -> (words, chars, longest_word)
    ///
    /// Count the words and characters of a string and find its longest word.
    #[pyfunction]
    #[pyo3(signature = (text, /))]
    fn word_stats(text: &str) -> (usize, usize, Option<String>) {
        let words: Vec<&str> = text.split_whitespace().collect();
        // The first of the longest words (`max_by_key` would return the last one).
        let longest = words
            .iter()
            .copied()
            .rev()
            .max_by_key(|w| w.chars().count())
            .map(str::to_owned);
        (words.len(), text.chars().count(), longest)
    }

    /// reverse(text)
    ///
    /// Return the string with its characters in reverse order.
    #[pyfunction]
    #[pyo3(signature = (text, /))]
    fn reverse(text: &str) -> String {
        text.chars().rev().collect()
    }

    /// divide(a, b)
    ///
    /// Return a / b; raises ZeroDivisionError when b is 0.
    #[pyfunction]
    #[pyo3(signature = (a, b, /))]
    fn divide(a: f64, b: f64) -> PyResult<f64> {
        if b == 0.0 {
            return Err(PyZeroDivisionError::new_err("divide(): division by zero"));
        }
        Ok(a / b)
    }

    /// mean(values)
    ///
    /// The arithmetic mean of a list of numbers; raises ValueError for an empty list.
    #[pyfunction]
    #[pyo3(signature = (values, /))]
    fn mean(values: Vec<f64>) -> PyResult<f64> {
        if values.is_empty() {
            return Err(PyValueError::new_err("mean(): empty list"));
        }
        Ok(values.iter().sum::<f64>() / values.len() as f64)
    }

    /// apply(callback, value, times=1)
    ///
    /// Call callback(value) `times` times, feeding each result into the next call; exceptions
    /// raised by the callback propagate unchanged.
    #[pyfunction]
    #[pyo3(signature = (callback, value, times = 1))]
    fn apply<'py>(
        callback: &Bound<'py, PyAny>,
        value: &Bound<'py, PyAny>,
        times: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut current = value.clone();
        for _ in 0..times {
            current = callback.call1((current,))?;
        }
        Ok(current)
    }

    /// call_with_sep(callback, a, b)
    ///
    /// Return callback(a, b, sep="-"): positional and keyword arguments from Rust.
    #[pyfunction]
    #[pyo3(signature = (callback, a, b, /))]
    fn call_with_sep<'py>(
        callback: &Bound<'py, PyAny>,
        a: &str,
        b: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kwargs = PyDict::new(callback.py());
        kwargs.set_item("sep", "-")?;
        callback.call((a, b), Some(&kwargs))
    }

    /// describe(obj) -> str
    ///
    /// Return "<type name>: <repr>" for any object.
    #[pyfunction]
    #[pyo3(signature = (obj, /))]
    fn describe(obj: &Bound<'_, PyAny>) -> PyResult<String> {
        let repr = obj.repr()?;
        let name = obj.get_type().name()?;
        Ok(format!("{}: {}", name.to_str()?, repr.to_str()?))
    }

    /// crash(message)
    ///
    /// Panic in Rust; PyO3 turns the panic into a PanicException instead of unwinding into C.
    #[pyfunction]
    #[pyo3(signature = (message, /))]
    fn crash(message: String) -> i64 {
        panic!("{message}")
    }

    /// Set up module state when the module is created.
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("answer", 42)
    }
}
