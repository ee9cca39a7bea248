//! A one-dimensional array of float64 values: a Rust `Vec<f64>` behind a Python type, with
//! indexing (`a[i]`, `a[i] = x`), arithmetic (`a * x`, `x * a`, `a / x`, `a + b`), `len()`,
//! `repr()` and the buffer protocol (`memoryview(a)`).
//!
//! The module is called `hpyarray` so that it does not shadow the standard library's `array`.

/// A one-dimensional float64 array type.
#[hpy::hpy_module]
mod hpyarray {
    use hpy::prelude::*;

    /// array(items): a one-dimensional array of float64 values, copied from a list of numbers.
    #[hpy_class(name = "array")]
    pub struct Array {
        data: Vec<f64>,
    }

    impl Array {
        /// The position of Python index `index` (negative counts from the end).
        fn position(&self, index: isize) -> PyResult<usize> {
            let len = self.data.len() as isize;
            let position = if index < 0 { index + len } else { index };
            if (0..len).contains(&position) {
                Ok(position as usize)
            } else {
                Err(PyErr::index_error("array index out of range"))
            }
        }

        /// A new array with `f` applied to every item.
        fn map(&self, f: impl Fn(f64) -> f64) -> Array {
            Array {
                data: self.data.iter().copied().map(f).collect(),
            }
        }
    }

    #[hpy_methods]
    impl Array {
        #[new]
        fn new(items: Vec<f64>) -> Self {
            Array { data: items }
        }

        /// The number of items.
        #[getter]
        fn size(&self) -> usize {
            self.data.len()
        }

        /// tolist() -> the items as a list of floats
        fn tolist(&self) -> &[f64] {
            // A slice converts in place: no copy of the Vec first.
            &self.data
        }

        fn __len__(&self) -> usize {
            self.data.len()
        }

        fn __getitem__(&self, index: isize) -> PyResult<f64> {
            Ok(self.data[self.position(index)?])
        }

        fn __setitem__(&mut self, index: isize, value: f64) -> PyResult<()> {
            let position = self.position(index)?;
            self.data[position] = value;
            Ok(())
        }

        fn __mul__(&self, factor: f64) -> Array {
            self.map(|x| x * factor)
        }

        fn __rmul__(&self, factor: f64) -> Array {
            self.map(|x| factor * x)
        }

        fn __truediv__(&self, divisor: f64) -> PyResult<Array> {
            if divisor == 0.0 {
                return Err(PyErr::zero_division_error("array division by zero"));
            }
            Ok(self.map(|x| x / divisor))
        }

        fn __add__(&self, other: PyRef<'_, '_, Array>) -> PyResult<Array> {
            if self.data.len() != other.data.len() {
                return Err(PyErr::value_error(format!(
                    "cannot add arrays of sizes {} and {}",
                    self.data.len(),
                    other.data.len()
                )));
            }
            let data = self.data.iter().zip(&other.data).map(|(a, b)| a + b);
            Ok(Array {
                data: data.collect(),
            })
        }

        fn __repr__(&self) -> String {
            format!("array({:?})", self.data)
        }

        /// The items as one read-only block of `d` (float64) values. While a consumer holds
        /// the buffer, the array is borrowed: `a[i] = x` raises `RuntimeError` meanwhile.
        fn __getbuffer__(&self, _flags: i32) -> BufferView<'_> {
            BufferView::from_slice(&self.data)
        }
    }

    /// empty(n) -> an array of n items (zeros: Rust never hands out uninitialised memory)
    #[hpy_function]
    fn empty(n: usize) -> PyResult<Array> {
        // n comes from the caller: MemoryError rather than an abort when it is too large.
        Ok(Array {
            data: hpy::try_vec_filled(0.0, n)?,
        })
    }

    /// zeros(n) -> an array of n zeros
    #[hpy_function]
    fn zeros(n: usize) -> PyResult<Array> {
        Ok(Array {
            data: hpy::try_vec_filled(0.0, n)?,
        })
    }
}
