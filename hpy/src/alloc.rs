//! Allocations whose size comes from the caller.
//!
//! `vec![x; n]`, `Vec::with_capacity(n)` and `[T]::repeat(n)` abort the whole process when the
//! memory cannot be had ("memory allocation of … bytes failed"). Where `n` comes from Python
//! (`zeros(n)`, `seq * n`), these raise `MemoryError` instead, as CPython does. Any
//! `Vec::try_reserve` error converts to `MemoryError` with `?` too.

use crate::err::{PyErr, PyResult};

/// `vec![value; n]`, or `MemoryError`.
pub fn try_vec_filled<T: Clone>(value: T, n: usize) -> PyResult<Vec<T>> {
    let mut items = Vec::new();
    items.try_reserve_exact(n)?;
    items.resize(n, value);
    Ok(items)
}

/// `items.repeat(count)`, or `MemoryError` (also when the length overflows `usize`).
pub fn try_repeat<T: Clone>(items: &[T], count: usize) -> PyResult<Vec<T>> {
    if items.is_empty() {
        return Ok(Vec::new()); // `[] * 2**62` is `[]`, at once
    }
    let len = items
        .len()
        .checked_mul(count)
        .ok_or_else(|| PyErr::memory_error(""))?;
    let mut repeated = Vec::new();
    repeated.try_reserve_exact(len)?;
    for _ in 0..count {
        repeated.extend_from_slice(items);
    }
    Ok(repeated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_sizes_behave_like_std() {
        assert_eq!(try_vec_filled(1.5, 3).unwrap(), vec![1.5; 3]);
        assert_eq!(try_repeat(&[1, 2], 3).unwrap(), [1, 2].repeat(3));
        assert!(try_repeat::<u8>(&[], usize::MAX).unwrap().is_empty()); // at once
    }

    #[test]
    fn impossible_sizes_are_memory_errors() {
        let err = try_vec_filled(0u64, usize::MAX / 2).unwrap_err();
        assert_eq!(err.kind(), Some(crate::ExceptionKind::MemoryError));
        let err = try_repeat(&[1u8, 2], usize::MAX).unwrap_err();
        assert_eq!(err.kind(), Some(crate::ExceptionKind::MemoryError));
    }
}
