//! Numbers as kiwi prints them: C++ `std::ostream << double` with its defaults, which is
//! C's `%g` (six significant digits, trailing zeros dropped, exponent when it is < -4 or >= 6).

/// `x` formatted like `printf("%g", x)`.
pub fn g(x: f64) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Round to 6 significant digits first: the exponent is the rounded value's.
    let sci = format!("{:.5e}", x);
    let (mantissa, exp) = sci.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    if !(-4..6).contains(&exp) {
        let mantissa = trim_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (5 - exp) as usize;
        trim_zeros(&format!("{:.*}", decimals, x)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::g;

    #[test]
    fn like_printf() {
        assert_eq!(g(1.0), "1");
        assert_eq!(g(-1.0), "-1");
        assert_eq!(g(0.5), "0.5");
        assert_eq!(g(1_001_001_000.0), "1.001e+09");
        assert_eq!(g(1e20), "1e+20");
        assert_eq!(g(123456.0), "123456");
        assert_eq!(g(1234567.0), "1.23457e+06");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(999999.5), "1e+06");
    }
}
