//! PyO3 benchmark reference for hpy-rs: the same Python API as `examples/array` (module
//! `hpyarray`), a one-dimensional float64 array type over a `Vec<f64>`, written the usual PyO3
//! way, to compare the costs of its methods, number/sequence slots and buffer export.

/// A one-dimensional float64 array type.
#[pyo3::pymodule]
mod hpyarray_pyo3 {
    use std::ffi::{c_int, CStr};
    use std::ptr;

    use pyo3::exceptions::{PyBufferError, PyIndexError, PyValueError, PyZeroDivisionError};
    use pyo3::ffi;
    use pyo3::prelude::*;

    /// The buffer format of the items: C `double`.
    const FORMAT: &CStr = c"d";

    /// array(items): a one-dimensional array of float64 values, copied from a list of numbers.
    #[pyclass(name = "array", sequence)]
    struct Array {
        data: Vec<f64>,
        /// The number of buffers exported and not yet released; `a[i] = x` is refused
        /// (BufferError) while it is not zero, so a consumer never sees the data change.
        exports: usize,
        /// `Py_buffer.shape` of the exported buffers (the item count; the length of `data`
        /// never changes).
        shape: ffi::Py_ssize_t,
    }

    impl Array {
        fn from_vec(data: Vec<f64>) -> Self {
            let shape = data.len() as ffi::Py_ssize_t;
            Array {
                data,
                exports: 0,
                shape,
            }
        }

        /// The position of Python index `index` (negative counts from the end).
        fn position(&self, index: isize) -> PyResult<usize> {
            let len = self.data.len() as isize;
            let position = if index < 0 { index + len } else { index };
            if (0..len).contains(&position) {
                Ok(position as usize)
            } else {
                Err(PyIndexError::new_err("array index out of range"))
            }
        }

        /// A new array with `f` applied to every item.
        fn map(&self, f: impl Fn(f64) -> f64) -> Array {
            Array::from_vec(self.data.iter().copied().map(f).collect())
        }
    }

    #[pymethods]
    impl Array {
        #[new]
        fn new(items: Vec<f64>) -> Self {
            Array::from_vec(items)
        }

        /// The number of items.
        #[getter]
        fn size(&self) -> usize {
            self.data.len()
        }

        /// tolist() -> the items as a list of floats
        fn tolist(&self) -> Vec<f64> {
            self.data.clone()
        }

        fn __len__(&self) -> usize {
            self.data.len()
        }

        fn __getitem__(&self, index: isize) -> PyResult<f64> {
            Ok(self.data[self.position(index)?])
        }

        fn __setitem__(&mut self, index: isize, value: f64) -> PyResult<()> {
            if self.exports != 0 {
                return Err(PyBufferError::new_err(
                    "cannot modify an array while its buffer is exported",
                ));
            }
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
                return Err(PyZeroDivisionError::new_err("array division by zero"));
            }
            Ok(self.map(|x| x / divisor))
        }

        fn __add__(&self, other: PyRef<'_, Self>) -> PyResult<Array> {
            if self.data.len() != other.data.len() {
                return Err(PyValueError::new_err(format!(
                    "cannot add arrays of sizes {} and {}",
                    self.data.len(),
                    other.data.len()
                )));
            }
            let data = self.data.iter().zip(&other.data).map(|(a, b)| a + b);
            Ok(Array::from_vec(data.collect()))
        }

        fn __repr__(&self) -> String {
            format!("array({:?})", self.data)
        }

        /// The items as one read-only, C-contiguous block of `d` (float64) values.
        ///
        /// # Safety
        ///
        /// `view` must be a valid `Py_buffer` to fill (CPython's `bf_getbuffer` contract).
        unsafe fn __getbuffer__(
            mut slf: PyRefMut<'_, Self>,
            view: *mut ffi::Py_buffer,
            flags: c_int,
        ) -> PyResult<()> {
            if flags & ffi::PyBUF_WRITABLE == ffi::PyBUF_WRITABLE {
                // SAFETY: `view` is valid for writes; a failed export sets `obj` to NULL.
                unsafe { (*view).obj = ptr::null_mut() };
                return Err(PyBufferError::new_err("array buffers are read-only"));
            }
            slf.exports += 1;
            let itemsize = std::mem::size_of::<f64>() as ffi::Py_ssize_t;
            // SAFETY: `view` is valid for writes. The pointers stay valid until
            // `__releasebuffer__`: `view.obj` keeps the array alive, `exports` keeps `data`
            // unchanged, `shape` points into the array and `strides` into the view itself.
            unsafe {
                (*view).buf = slf.data.as_ptr().cast_mut().cast();
                (*view).len = slf.shape * itemsize;
                (*view).itemsize = itemsize;
                (*view).readonly = 1;
                (*view).ndim = 1;
                (*view).format = if flags & ffi::PyBUF_FORMAT == ffi::PyBUF_FORMAT {
                    FORMAT.as_ptr().cast_mut()
                } else {
                    ptr::null_mut()
                };
                (*view).shape = if flags & ffi::PyBUF_ND == ffi::PyBUF_ND {
                    ptr::from_ref(&slf.shape).cast_mut()
                } else {
                    ptr::null_mut()
                };
                (*view).strides = if flags & ffi::PyBUF_STRIDES == ffi::PyBUF_STRIDES {
                    &mut (*view).itemsize
                } else {
                    ptr::null_mut()
                };
                (*view).suboffsets = ptr::null_mut();
                (*view).internal = ptr::null_mut();
                (*view).obj = slf.into_ptr();
            }
            Ok(())
        }

        /// Ends one export started by `__getbuffer__`.
        ///
        /// # Safety
        ///
        /// `view` is a buffer filled by `__getbuffer__` (CPython's `bf_releasebuffer` contract).
        unsafe fn __releasebuffer__(&mut self, _view: *mut ffi::Py_buffer) {
            self.exports -= 1;
        }
    }

    /// empty(n) -> an array of n items (zeros: Rust never hands out uninitialised memory)
    #[pyfunction]
    #[pyo3(signature = (n, /))]
    fn empty(n: usize) -> Array {
        Array::from_vec(vec![0.0; n])
    }

    /// zeros(n) -> an array of n zeros
    #[pyfunction]
    #[pyo3(signature = (n, /))]
    fn zeros(n: usize) -> Array {
        Array::from_vec(vec![0.0; n])
    }
}
