//! Time with units in its types: [`TimestampNs`] (a point, nanoseconds since the Unix epoch) and [`DurationNs`]
//! (a length, nanoseconds). Every importer converts its wire units (µs in Jaeger and Zipkin, ns in OTLP) into
//! these once; nothing downstream sees bare integers of unknown unit.

use crate::number::f64_from_str;
use std::fmt;

/// A point in time: nanoseconds since the Unix epoch (i64 reaches year 2262).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimestampNs(pub i64);

/// A length of time in nanoseconds. Never negative in a built [`crate::Trace`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DurationNs(pub i64);

impl TimestampNs {
    /// From microseconds since the epoch, saturating at the representable range.
    pub fn from_us(us: i64) -> Self {
        TimestampNs(us.saturating_mul(1_000))
    }

    /// Microseconds since the epoch (truncated).
    pub fn as_us(self) -> i64 {
        self.0.div_euclid(1_000)
    }

    /// `self + d`, saturating.
    pub fn plus(self, d: DurationNs) -> TimestampNs {
        TimestampNs(self.0.saturating_add(d.0))
    }

    /// `self - earlier` as a duration (negative when `earlier` is later), saturating.
    pub fn since(self, earlier: TimestampNs) -> DurationNs {
        DurationNs(self.0.saturating_sub(earlier.0))
    }
}

impl DurationNs {
    pub const ZERO: DurationNs = DurationNs(0);

    /// From microseconds, saturating.
    pub fn from_us(us: i64) -> Self {
        DurationNs(us.saturating_mul(1_000))
    }

    /// Whole microseconds (truncated towards zero).
    pub fn as_us(self) -> i64 {
        self.0 / 1_000
    }

    /// Milliseconds as a float, for display.
    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

/// Why a duration as typed (`100ms`) is not one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// A number without a unit (`100`).
    NoUnit,
    /// A unit that is not ns, us/µs, ms, s, m/min or h.
    BadUnit(String),
    /// No number before the unit.
    BadNumber,
}

/// A duration as a person types it: a decimal number and a unit (`100ms`, `1.5s`, `250us`, `2m`), as in the
/// find box and the search form.
pub fn parse_duration(v: &str) -> Result<DurationNs, DurationError> {
    let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n = f64_from_str(num).ok_or(DurationError::BadNumber)?;
    let scale = match unit.trim() {
        "" => return Err(DurationError::NoUnit),
        "ns" => 1.0,
        "us" | "µs" | "μs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        other => return Err(DurationError::BadUnit(other.to_string())),
    };
    Ok(DurationNs((n * scale).round() as i64))
}

/// Ruler ticks for a window `[from, to]` of offsets (ns): multiples of a round step (1, 2 or 5 × 10^k ns) such
/// that there are at most `max_ticks` of them, `from` and `to` included when they fall on a multiple.
pub fn ruler_ticks(from: DurationNs, to: DurationNs, max_ticks: usize) -> Vec<DurationNs> {
    let span = to.0.saturating_sub(from.0).max(1);
    let max_ticks = max_ticks.max(2) as i64;
    let mut step = 1i64;
    'search: loop {
        for m in [1, 2, 5] {
            let s = step.saturating_mul(m);
            if span / s < max_ticks {
                step = s;
                break 'search;
            }
        }
        step = step.saturating_mul(10);
    }
    let first = from.0.div_euclid(step) * step + if from.0.rem_euclid(step) == 0 { 0 } else { step };
    (0..).map(|k| first + k * step).take_while(|&t| t <= to.0).map(DurationNs).collect()
}

/// An RFC 3339 time (`2024-05-25T11:36:45.049766Z`, `2021-05-16T16:54:29.824447353-05:00`): a date, `T` (or
/// `t`, or a space), a time with any number of fraction digits (past nine they are cut), and `Z` or a `±hh:mm`
/// offset. `None` for anything else; times beyond the i64 range of nanoseconds saturate.
pub fn timestamp_from_rfc3339(text: &str) -> Option<TimestampNs> {
    let b = text.trim().as_bytes();
    let num = |from: usize, to: usize| -> Option<i64> {
        let digits = b.get(from..to)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, &c| n * 10 + i64::from(c - b'0')))
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut i = 19;
    let mut fraction_ns = 0i64;
    if at(i, b".") {
        i += 1;
        let first = i;
        while at(i, b"0123456789") {
            if i - first < 9 {
                fraction_ns = fraction_ns * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == first {
            return None;
        }
        for _ in (i - first).min(9)..9 {
            fraction_ns *= 10;
        }
    }
    let offset_s = match b.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(i + 1, i + 3)?, num(i + 4, i + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 }
        }
        _ => return None,
    };
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    let ns = i128::from(seconds) * 1_000_000_000 + i128::from(fraction_ns);
    Some(TimestampNs(ns.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`,
/// <https://howardhinnant.github.io/date_algorithms.html>).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

impl fmt::Display for DurationNs {
    /// Human form with three significant digits: `812ns`, `4.21µs`, `12.3ms`, `1.52s`, `2m 3s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let sign = if ns < 0 { "-" } else { "" };
        let a = ns.unsigned_abs() as f64;
        let three = |v: f64| -> String {
            if v >= 100.0 {
                format!("{v:.0}")
            } else if v >= 10.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.2}")
            }
        };
        if a < 1e3 {
            write!(f, "{sign}{}ns", ns.unsigned_abs())
        } else if a < 1e6 {
            write!(f, "{sign}{}µs", three(a / 1e3))
        } else if a < 1e9 {
            write!(f, "{sign}{}ms", three(a / 1e6))
        } else if a < 60e9 {
            write!(f, "{sign}{}s", three(a / 1e9))
        } else {
            let s = (a / 1e9) as u64;
            if s < 3600 {
                write!(f, "{sign}{}m {}s", s / 60, s % 60)
            } else {
                write!(f, "{sign}{}h {}m", s / 3600, (s % 3600) / 60)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_with_fractions_and_offsets() {
        let t = |s: &str| timestamp_from_rfc3339(s).map(|t| t.0);
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("2024-05-25T11:36:45.049766Z"), Some(1_716_637_005_049_766_000));
        // The same instant written with an offset, with nine digits, and with more than nine.
        assert_eq!(t("2021-05-16T16:54:29.824447353-05:00"), Some(1_621_202_069_824_447_353));
        assert_eq!(t("2021-05-16t21:54:29.8244473539z"), Some(1_621_202_069_824_447_353));
        assert_eq!(t("2023-04-27T22:28:47.16422+05:30"), Some(1_682_614_727_164_220_000));
        assert_eq!(t("2000-02-29 00:00:00+00:00"), Some(951_782_400_000_000_000));
        assert_eq!(t("1969-12-31T23:59:59.5Z"), Some(-500_000_000));
        // Before 1677: saturated.
        assert_eq!(t("0001-01-01T00:00:00Z"), Some(i64::MIN));
        for bad in [
            "",
            "2024-05-25",
            "2024-05-25T11:36:45",
            "2024-13-01T00:00:00Z",
            "2024-05-25T11:36:45.Z",
            "2024-05-25T11:36:45+0100",
            "2024-05-25T11:36:45Zjunk",
            "２024-05-25T11:36:45Z",
            "1716637005",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_print_with_three_significant_digits() {
        assert_eq!(DurationNs(812).to_string(), "812ns");
        assert_eq!(DurationNs(4_213).to_string(), "4.21µs");
        assert_eq!(DurationNs(12_345_678).to_string(), "12.3ms");
        assert_eq!(DurationNs(1_523_000_000).to_string(), "1.52s");
        assert_eq!(DurationNs(123_000_000_000).to_string(), "2m 3s");
        assert_eq!(DurationNs(-5_000).to_string(), "-5.00µs");
    }

    #[test]
    fn typed_durations_need_a_number_and_a_unit() {
        assert_eq!(parse_duration("100ms"), Ok(DurationNs(100_000_000)));
        assert_eq!(parse_duration("1.5s"), Ok(DurationNs(1_500_000_000)));
        assert_eq!(parse_duration("250µs"), Ok(DurationNs(250_000)));
        assert_eq!(parse_duration("100"), Err(DurationError::NoUnit));
        assert_eq!(parse_duration("5parsecs"), Err(DurationError::BadUnit("parsecs".into())));
        assert_eq!(parse_duration("ms"), Err(DurationError::BadNumber));
    }

    #[test]
    fn ruler_ticks_are_round_and_few() {
        let ms = |x: i64| DurationNs(x * 1_000_000);
        assert_eq!(ruler_ticks(ms(0), ms(100), 6), [ms(0), ms(20), ms(40), ms(60), ms(80), ms(100)]);
        assert_eq!(ruler_ticks(ms(0), ms(4182), 6), [ms(0), ms(1000), ms(2000), ms(3000), ms(4000)]);
        assert_eq!(ruler_ticks(ms(13), ms(29), 5), [ms(15), ms(20), ms(25)]);
        assert_eq!(ruler_ticks(DurationNs(0), DurationNs(0), 5), [DurationNs(0)]);
    }

    #[test]
    fn microsecond_conversions_saturate() {
        assert_eq!(TimestampNs::from_us(i64::MAX), TimestampNs(i64::MAX));
        assert_eq!(TimestampNs::from_us(1_700_000_000_000_000).as_us(), 1_700_000_000_000_000);
    }
}
