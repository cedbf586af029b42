//! Decimal text to `f64` ([`f64_from_str`]), through serde_json's number parser rather than the standard
//! library's `str::parse::<f64>`.
//!
//! Why: the standard parser (`core::num::dec2flt`, correctly rounded for every input) brings 16 KB of code and
//! tables into the wasm, nearly all of it incompressible, and serde_json's parser is in the wasm anyway (every
//! number in a trace file goes through it). Its results are the standard parser's for every number of up to 15
//! significant digits times a power of ten from 10^-22 to 10^22 (the powers an `f64` holds exactly); elsewhere
//! they may differ in the last bit. The numbers
//! read here are typed by a person (a filter, a duration, a zoom in an address) or sent as strings by a tracer
//! (a Jaeger `float64` tag, an OTLP double), so that bit changes nothing anyone sees.

/// `text` as a number, in the syntax `str::parse::<f64>` accepts: an optional sign, digits with an optional
/// decimal point (`1`, `1.5`, `.5`, `5.`), an optional exponent (`1e-3`, `2E+4`), or `inf`, `infinity` or `nan`
/// in any case. Nothing else (no spaces, no `_`, no hexadecimal). A number too large for an `f64` is an infinity,
/// as with `str::parse`.
pub fn f64_from_str(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let (negative, rest) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let infinity = if negative { f64::NEG_INFINITY } else { f64::INFINITY };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(infinity);
    }
    if rest.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    let (int, rest) = split_digits(rest);
    let (frac, rest) = match rest.strip_prefix(b".") {
        Some(after) => split_digits(after),
        None => (&b""[..], rest),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exponent = match rest {
        [] => &b""[..],
        [b'e' | b'E', e @ ..] => {
            let (digits, after) = split_digits(e.strip_prefix(b"+").or_else(|| e.strip_prefix(b"-")).unwrap_or(e));
            if digits.is_empty() || !after.is_empty() {
                return None;
            }
            e
        }
        _ => return None,
    };
    // The syntax is valid, so serde_json fails only on a number past `f64::MAX` (it reads one too small as 0).
    let read = |json: &[u8]| Some(serde_json::from_slice::<f64>(json).unwrap_or(infinity));
    // (The syntax is checked: a `.` can only be the decimal point.)
    let is_json = b.first() != Some(&b'+')
        && !int.is_empty()
        && (int.len() == 1 || int[0] != b'0')
        && (!frac.is_empty() || !b.contains(&b'.'));
    if is_json {
        // Most text (`500`, `1.5`, `-2e3`) is already JSON: read in place, no copy.
        return read(b);
    }
    // The same number in JSON's stricter syntax: no `+`, no leading zeros, digits on both sides of the point.
    let mut json = Vec::with_capacity(b.len() + 3);
    if negative {
        json.push(b'-');
    }
    match int.iter().position(|&c| c != b'0') {
        Some(first) => json.extend_from_slice(&int[first..]),
        None => json.push(b'0'),
    }
    if !frac.is_empty() {
        json.push(b'.');
        json.extend_from_slice(frac);
    }
    if !exponent.is_empty() {
        json.push(b'e');
        json.extend_from_slice(exponent);
    }
    read(&json)
}

/// The leading ASCII digits of `b`, and what follows them.
fn split_digits(b: &[u8]) -> (&[u8], &[u8]) {
    b.split_at(b.iter().take_while(|c| c.is_ascii_digit()).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_str_parse_reads() {
        let cases = "0 -0 1 +1 -1 1.5 -1.5 .5 5. -.5 0.1 00012.50 1e3 1E3 1e+3 1e-3 -2.5E-7 123456789012345 0.000001 \
                     999999.999999 1e308 1.7976931348623157e308 5e-324 1e-400 1e400 -1e400 inf -inf +Infinity INF \
                     4.2e01 3.14159 86400000000 0.3 2.675 1e22 1e23 9007199254740993";
        for case in cases.split_whitespace() {
            let want = case.parse::<f64>().unwrap();
            let got = f64_from_str(case).unwrap_or_else(|| panic!("{case} not read"));
            assert!(got == want && got.is_sign_negative() == want.is_sign_negative(), "{case}: {got} != {want}");
        }
        assert!(f64_from_str("NaN").unwrap().is_nan());
        assert!(f64_from_str("-nan").unwrap().is_nan());
    }

    #[test]
    fn refuses_what_str_parse_refuses() {
        let cases = [
            "", "-", "+", ".", "-.", "e5", ".e5", "1e", "1e+", "1e5.5", "1.2.3", " 1", "1 ", "1_000", "0x10", "1,5",
            "--1", "+-1", "infinite", "nana", "1ms", "١", "1e5e5",
        ];
        for case in cases {
            assert!(case.parse::<f64>().is_err(), "the test case {case:?} is a number to str::parse");
            assert_eq!(f64_from_str(case), None, "{case:?}");
        }
    }

    /// Random decimals of up to 15 significant digits: `(sign, digits, point position, exponent)`.
    fn random_decimals(count: usize, exponents: std::ops::Range<i32>) -> Vec<String> {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        (0..count)
            .map(|_| {
                let mut digits = (next() % 1_000_000_000_000_000).to_string();
                let point = (next() % 17) as usize;
                let fraction_digits = digits.len().saturating_sub(point) as i32;
                let span = (exponents.end - exponents.start) as u64;
                // The exponent written, chosen so that the value's power of ten falls in `exponents`.
                let exp =
                    exponents.start + (next() % span) as i32 + if point < digits.len() { fraction_digits } else { 0 };
                if point < digits.len() {
                    digits.insert(point, '.');
                }
                format!("{}{digits}e{exp}", if next() % 2 == 0 { "-" } else { "" })
            })
            .collect()
    }

    #[test]
    fn agrees_with_str_parse_where_powers_of_ten_are_exact() {
        // 15 digits or fewer times 10^-22..10^22: every decimal people type and tracers send as text.
        for text in random_decimals(20_000, -22..23) {
            assert_eq!(f64_from_str(&text), Some(text.parse::<f64>().unwrap()), "{text}");
        }
    }

    #[test]
    fn is_within_a_bit_of_str_parse_elsewhere() {
        for text in random_decimals(20_000, -300..300) {
            let (got, want) = (f64_from_str(&text).unwrap(), text.parse::<f64>().unwrap());
            let ulps = (got.to_bits() as i64 - want.to_bits() as i64).unsigned_abs();
            assert!(ulps <= 1, "{text}: {got} is {ulps} steps from {want}");
        }
    }
}
