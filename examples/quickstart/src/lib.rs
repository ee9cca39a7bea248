//! The hpy-rs quickstart extension: module functions showing arguments, keyword defaults,
//! string processing, errors, callbacks into Python, and a panic turned into an exception.
//!
//! Build it with `python tools/hpy_build.py examples/quickstart --abi universal` (or `cpython`).

/// hpy-rs quickstart: a few functions written in safe Rust.
#[hpy::hpy_module]
mod quickstart {
    use hpy::prelude::*;

    /// The version of this example, as a module constant.
    #[hpy_const]
    pub const VERSION: &str = "0.1.0";

    /// add(a, b)
    ///
    /// Return a + b for two integers that fit in 64 bits (OverflowError otherwise).
    #[hpy_function]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add(): the sum does not fit in 64 bits"))
    }

    /// greet(name, greeting="Hello", times=1)
    ///
    /// Return a greeting, repeated `times` times.
    #[hpy_function]
    fn greet(
        name: &str,
        #[hpy(default = "Hello")] greeting: &str,
        #[hpy(default = 1)] times: u32,
    ) -> PyResult<String> {
        let one = format!("{greeting}, {name}!");
        // The size comes from the caller: reserve it fallibly, so that a huge `times` raises
        // MemoryError instead of aborting the process.
        let size = (one.len() + 1).saturating_mul(times as usize);
        let mut text = String::new();
        text.try_reserve_exact(size)?;
        for i in 0..times {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(&one);
        }
        Ok(text)
    }

    /// word_stats(text) -> (words, chars, longest_word)
    ///
    /// Count the words and characters of a string and find its longest word.
    #[hpy_function]
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
    #[hpy_function]
    fn reverse(text: &str) -> String {
        text.chars().rev().collect()
    }

    /// divide(a, b)
    ///
    /// Return a / b; raises ZeroDivisionError when b is 0.
    #[hpy_function]
    fn divide(a: f64, b: f64) -> PyResult<f64> {
        if b == 0.0 {
            return Err(PyErr::zero_division_error("divide(): division by zero"));
        }
        Ok(a / b)
    }

    /// mean(values)
    ///
    /// The arithmetic mean of a list of numbers; raises ValueError for an empty list.
    #[hpy_function]
    fn mean(values: Vec<f64>) -> PyResult<f64> {
        if values.is_empty() {
            return Err(PyErr::value_error("mean(): empty list"));
        }
        Ok(values.iter().sum::<f64>() / values.len() as f64)
    }

    /// apply(callback, value, times=1)
    ///
    /// Call callback(value) `times` times, feeding each result into the next call; exceptions
    /// raised by the callback propagate unchanged.
    #[hpy_function]
    fn apply<'py>(
        callback: Borrowed<'py>,
        value: Borrowed<'py>,
        #[hpy(default = 1)] times: u32,
    ) -> PyResult<Handle<'py>> {
        let mut current = value.dup();
        for _ in 0..times {
            current = callback.call((&current,))?;
        }
        Ok(current)
    }

    /// call_with_sep(callback, a, b)
    ///
    /// Return callback(a, b, sep="-"): positional and keyword arguments from Rust.
    #[hpy_function]
    fn call_with_sep<'py>(callback: Borrowed<'py>, a: &str, b: &str) -> PyResult<Handle<'py>> {
        callback.call_with_kwargs((a, b), [("sep", "-")])
    }

    /// describe(obj) -> str
    ///
    /// Return "<type name>: <repr>" for any object.
    #[hpy_function]
    fn describe(obj: Borrowed<'_>) -> PyResult<String> {
        let repr = obj.repr()?;
        Ok(format!("{}: {}", obj.type_name(), repr.extract::<&str>()?))
    }

    /// crash(message)
    ///
    /// Panic in Rust; the panic becomes a SystemError instead of unwinding into C.
    #[hpy_function]
    fn crash(message: String) -> i64 {
        panic!("{message}")
    }

    /// Set up module state when the module is created.
    #[hpy_exec]
    fn setup<'py>(_ctx: Context<'py>, module: Borrowed<'py>) -> PyResult<()> {
        module.setattr("answer", 42)
    }
}
