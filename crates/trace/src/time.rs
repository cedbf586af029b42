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
