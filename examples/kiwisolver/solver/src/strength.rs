//! Constraint strengths, computed exactly as kiwi computes them.
//!
//! A strength is a plain `f64`. [`create`] packs three levels (strong, medium, weak), each clipped
//! to `0..=1000` after weighting, into one number: `a * 1e6 + b * 1e3 + c`.

/// Builds a strength from its strong (`a`), medium (`b`) and weak (`c`) parts, each multiplied by
/// the weight `w` and clipped to `0..=1000`.
pub fn create(a: f64, b: f64, c: f64, w: f64) -> f64 {
    let part = |x: f64| cpp_max(0.0, cpp_min(1000.0, x * w));
    part(a) * 1_000_000.0 + part(b) * 1000.0 + part(c)
}

/// The strength of a required constraint: `create(1000, 1000, 1000, 1)` = 1001001000.
pub const REQUIRED: f64 = 1_001_001_000.0;

/// The strong strength: `create(1, 0, 0, 1)`.
pub const STRONG: f64 = 1_000_000.0;

/// The medium strength: `create(0, 1, 0, 1)`.
pub const MEDIUM: f64 = 1000.0;

/// The weak strength: `create(0, 0, 1, 1)`.
pub const WEAK: f64 = 1.0;

/// Clips a strength to `0..=REQUIRED`, as every constraint and edit variable does with its
/// strength.
pub fn clip(value: f64) -> f64 {
    // `max(0, min(REQUIRED, value))` with C++'s comparisons: a NaN strength becomes REQUIRED,
    // as in kiwi.
    cpp_max(0.0, cpp_min(REQUIRED, value))
}

/// `std::min(a, b)`: `b` if `b < a`, else `a` (the NaN behaviour matters).
fn cpp_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// `std::max(a, b)`: `b` if `a < b`, else `a`.
fn cpp_max(a: f64, b: f64) -> f64 {
    if a < b {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_strengths() {
        assert_eq!(create(1000.0, 1000.0, 1000.0, 1.0), REQUIRED);
        assert_eq!(create(1.0, 0.0, 0.0, 1.0), STRONG);
        assert_eq!(create(0.0, 1.0, 0.0, 1.0), MEDIUM);
        assert_eq!(create(0.0, 0.0, 1.0, 1.0), WEAK);
    }

    #[test]
    fn create_clips_each_part_after_weighting() {
        assert_eq!(create(1.0, 2.0, 3.0, 2.0), 2e6 + 4e3 + 6.0);
        assert_eq!(create(2000.0, -5.0, 1.0, 1.0), 1000.0 * 1e6 + 1.0);
        assert_eq!(create(600.0, 0.0, 0.0, 2.0), 1000.0 * 1e6);
    }

    #[test]
    fn clip_bounds() {
        assert_eq!(clip(-1.0), 0.0);
        assert_eq!(clip(2e9), REQUIRED);
        assert_eq!(clip(5.0), 5.0);
        // std::min(REQUIRED, NaN) keeps REQUIRED; std::max(0, REQUIRED) is REQUIRED.
        assert_eq!(clip(f64::NAN), REQUIRED);
    }
}
