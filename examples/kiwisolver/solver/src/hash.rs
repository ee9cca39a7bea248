//! The hasher of the solver's maps keyed by variables and constraints (internal).
//!
//! A variable hashes its creation serial and a constraint its address: one integer each, which
//! needs no protection against collision attacks (the keys are not chosen by an attacker, and
//! a colliding key only costs time). std's default SipHash-1-3 spends tens of instructions on
//! that integer; one multiplication does (the idea of rustc's FxHash).

use std::hash::Hasher;

/// An odd constant with well-spread bits (2^64 / the golden ratio).
const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hashes integers with a multiplication and a rotation.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Not used by the solver's keys; correct for any input all the same.
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(K);
    }

    fn write_usize(&mut self, n: usize) {
        // usize is at most 64 bits wide on every platform Rust supports.
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        // The product's low bits depend only on the key's low bits, which are all zero in an
        // address; the hash table picks buckets with the low bits of the hash. Rotating brings
        // the well-mixed middle bits down.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::hash::BuildHasher;
    use std::hash::BuildHasherDefault;

    #[test]
    fn aligned_addresses_spread_over_buckets() {
        let build = BuildHasherDefault::<IdHasher>::default();
        // 1024 addresses 16 bytes apart: their hashes' low 10 bits should take many values.
        let buckets: HashSet<u64> = (0..1024_usize)
            .map(|i| build.hash_one(0x7f00_0000_0000 + 16 * i) & 1023)
            .collect();
        assert!(buckets.len() > 600, "{}", buckets.len());
    }
}
