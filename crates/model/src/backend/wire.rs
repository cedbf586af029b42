//! Units and encodings on the wire, shared by the three backends: percent-encoding of query parameters, Go
//! duration strings (`100ms`, `1.5s`), RFC 3339 timestamps with nanoseconds, the logfmt text a person types as
//! search tags ([`parse_tags`]) and its encoding back for Tempo, and the JSON object of strings Jaeger takes.

use crate::time::{DurationNs, TimestampNs};
use std::fmt::Write as _;

/// Percent-encodes `s` for a query-parameter value or a path segment: everything but the RFC 3986 unreserved
/// characters (`A-Z a-z 0-9 - . _ ~`) is written as `%XX` of its UTF-8 bytes, so `/`, `?`, `&`, `=`, `+`, spaces
/// and `%` can never change the meaning of the URL.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A query string built in order: `?a=1&b=x%20y`. Values are percent-encoded; names are written as given.
#[derive(Debug, Default)]
pub(crate) struct Query {
    text: String,
}

impl Query {
    pub(crate) fn new() -> Query {
        Query::default()
    }

    /// Appends `name=value` (value percent-encoded).
    pub(crate) fn push(&mut self, name: &str, value: &str) -> &mut Query {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        self.text.push_str(name);
        self.text.push('=');
        self.text.push_str(&percent_encode(value));
        self
    }

    /// Appends `name=value` when `value` is `Some`.
    pub(crate) fn push_opt(&mut self, name: &str, value: Option<&str>) -> &mut Query {
        if let Some(v) = value {
            self.push(name, v);
        }
        self
    }

    /// `?…`, or `""` when nothing was pushed.
    pub(crate) fn finish(&self) -> String {
        self.text.clone()
    }
}

/// A duration as Go's `time.ParseDuration` reads it, in the form Go's `Duration.String()` writes (with `us`
/// instead of `µs`, which Go accepts too and keeps URLs ASCII): `0s`, `850ns`, `250us`, `1.5ms`, `100ms`,
/// `1.5s`, `1m30s`, `2h0m0s`. Exact: no rounding, trailing zeros of the fraction dropped.
pub fn go_duration_from_duration(d: DurationNs) -> String {
    let sign = if d.0 < 0 { "-" } else { "" };
    let ns = d.0.unsigned_abs();
    if ns == 0 {
        return "0s".to_string();
    }
    if ns < 1_000 {
        return format!("{sign}{ns}ns");
    }
    if ns < 1_000_000 {
        return format!("{sign}{}us", decimal(ns, 1_000));
    }
    if ns < 1_000_000_000 {
        return format!("{sign}{}ms", decimal(ns, 1_000_000));
    }
    let secs = decimal(ns % 60_000_000_000, 1_000_000_000);
    let whole_minutes = ns / 60_000_000_000;
    if whole_minutes == 0 {
        return format!("{sign}{secs}s");
    }
    let (h, m) = (whole_minutes / 60, whole_minutes % 60);
    if h == 0 {
        format!("{sign}{m}m{secs}s")
    } else {
        format!("{sign}{h}h{m}m{secs}s")
    }
}

/// `value / unit` written exactly as a decimal number, trailing zeros of the fraction dropped (`1500, 1000` →
/// `1.5`). `unit` is a power of ten.
fn decimal(value: u64, unit: u64) -> String {
    let whole = value / unit;
    let frac = value % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{frac:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// RFC 3339 in UTC with nine fraction digits, as Jaeger api_v3 reads times (Go `time.RFC3339Nano`):
/// `2026-08-01T10:00:00.123456789Z`. Works before 1970 too.
pub fn rfc3339_from_timestamp(t: TimestampNs) -> String {
    let secs = t.0.div_euclid(1_000_000_000);
    let nanos = t.0.rem_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z", sod / 3600, sod % 3600 / 60, sod % 60)
}

/// (year, month 1–12, day 1–31) of a count of days since 1970-01-01, proleptic Gregorian calendar.
/// Howard Hinnant's `civil_from_days` (<https://howardhinnant.github.io/date_algorithms.html>).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whole seconds at or before `t` (Tempo's `start`).
pub fn unix_seconds_floor(t: TimestampNs) -> i64 {
    t.0.div_euclid(1_000_000_000)
}

/// Whole seconds at or after `t` (Tempo's `end`), so the window never shrinks.
pub fn unix_seconds_ceil(t: TimestampNs) -> i64 {
    -(-t.0).div_euclid(1_000_000_000)
}

/// Whole milliseconds at or before `t`.
pub fn unix_ms_floor(t: TimestampNs) -> i64 {
    t.0.div_euclid(1_000_000)
}

/// Whole milliseconds at or after `t`.
pub fn unix_ms_ceil(t: TimestampNs) -> i64 {
    -(-t.0).div_euclid(1_000_000)
}

/// Whole microseconds at or before `t` (Jaeger v1 `start`).
pub fn unix_us_floor(t: TimestampNs) -> i64 {
    t.0.div_euclid(1_000)
}

/// Whole microseconds at or after `t` (Jaeger v1 `end`).
pub fn unix_us_ceil(t: TimestampNs) -> i64 {
    -(-t.0).div_euclid(1_000)
}

/// Whole microseconds at or below `d` (a lower bound, Zipkin `minDuration`).
pub fn us_floor_from_duration(d: DurationNs) -> i64 {
    d.0.div_euclid(1_000)
}

/// Whole microseconds at or above `d` (an upper bound, Zipkin `maxDuration`).
pub fn us_ceil_from_duration(d: DurationNs) -> i64 {
    -(-d.0).div_euclid(1_000)
}

/// Whole milliseconds at or below `d` (a lower bound, Tempo `minDuration`).
pub fn ms_floor_from_duration(d: DurationNs) -> i64 {
    d.0.div_euclid(1_000_000)
}

/// Whole milliseconds at or above `d` (an upper bound, Tempo `maxDuration`).
pub fn ms_ceil_from_duration(d: DurationNs) -> i64 {
    -(-d.0).div_euclid(1_000_000)
}

/// Why the tags text could not be read. Positions are 1-based character columns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagsError {
    #[error("tags: `{part}` (column {column}) is not a key=value pair; write it as `{part}=value`, e.g. `error=true`")]
    MissingEquals { part: String, column: usize },
    #[error("tags: `{part}` (column {column}) has no key before `=`")]
    EmptyKey { part: String, column: usize },
    #[error("tags: `{key}=` (column {column}) has no value; write `{key}=\"\"` to look for an empty value")]
    EmptyValue { key: String, column: usize },
    #[error("tags: the quoted value of `{key}` (column {column}) is not closed with `\"`")]
    UnclosedQuote { key: String, column: usize },
    #[error("tags: after the quoted value of `{key}` comes `{rest}` (column {column}); put a space between pairs")]
    JunkAfterQuote { key: String, rest: String, column: usize },
    #[error("tags: a key cannot contain `\"`: `{part}` (column {column})")]
    QuoteInKey { part: String, column: usize },
}

/// Reads logfmt tags as a person types them: `user.id=12345 error=true http.url="a b" msg="say \"hi\""`.
/// Pairs are separated by white space; a value is either bare (up to the next white space) or double-quoted
/// with `\"` and `\\` escapes. Order is kept; a repeated key is kept twice (the request builders keep the last).
/// Empty or blank text gives no pairs.
pub fn parse_tags(text: &str) -> Result<Vec<(String, String)>, TagsError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_end = |mut j: usize| {
        while j < chars.len() && !chars[j].is_whitespace() {
            j += 1;
        }
        j
    };
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let column = start + 1;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' && chars[i] != '"' {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        if i == chars.len() || chars[i].is_whitespace() {
            return Err(TagsError::MissingEquals { part: key, column });
        }
        if chars[i] == '"' {
            let part: String = chars[start..word_end(i)].iter().collect();
            return Err(TagsError::QuoteInKey { part, column });
        }
        // chars[i] == '='
        if key.is_empty() {
            let part: String = chars[start..word_end(i)].iter().collect();
            return Err(TagsError::EmptyKey { part, column });
        }
        i += 1;
        if i == chars.len() || chars[i].is_whitespace() {
            return Err(TagsError::EmptyValue { key, column });
        }
        let value = if chars[i] == '"' {
            i += 1;
            let mut v = String::new();
            loop {
                match chars.get(i) {
                    None => return Err(TagsError::UnclosedQuote { key, column }),
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') if matches!(chars.get(i + 1), Some('"' | '\\')) => {
                        v.push(chars[i + 1]);
                        i += 2;
                    }
                    Some(&c) => {
                        v.push(c);
                        i += 1;
                    }
                }
            }
            if i < chars.len() && !chars[i].is_whitespace() {
                let rest: String = chars[i..word_end(i)].iter().collect();
                return Err(TagsError::JunkAfterQuote { key, rest, column: i + 1 });
            }
            v
        } else {
            let end = word_end(i);
            let v: String = chars[i..end].iter().collect();
            i = end;
            v
        };
        out.push((key, value));
    }
    Ok(out)
}

/// Writes pairs back as logfmt (Tempo's `tags`, read by go-logfmt): values with white space, control characters,
/// `"`, `=`, `\` or nothing at all are quoted, with `"` and `\` escaped and control characters written as `\n`,
/// `\t`, `\r` or `\u00XX` (go-logfmt ends an unquoted value at any byte up to a space, and a quoted one at a line
/// end). `parse_tags(&logfmt_from_tags(t)) == t` for keys without `=`, `"` or spaces and values without control
/// characters (a person types no raw ones; they arrive through a URL's `%0A`).
pub fn logfmt_from_tags(tags: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in tags {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(k);
        out.push('=');
        if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '=' | '\\')) {
            out.push('"');
            for c in v.chars() {
                match c {
                    '"' | '\\' => {
                        out.push('\\');
                        out.push(c);
                    }
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if c.is_control() => {
                        let _ = write!(out, "\\u{:04x}", u32::from(c));
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        } else {
            out.push_str(v);
        }
    }
    out
}

/// The pairs as a JSON object of strings (`{"error":"true","http.status_code":"500"}`), the form Jaeger's v1
/// `tags` and api_v3 `query.attributes` take. Keys keep their first position; a repeated key keeps its last
/// value (what Go's `json.Unmarshal` into a map would do anyway). Written by hand so the order never depends on
/// serde_json's map features.
pub fn json_object_from_tags(tags: &[(String, String)]) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(tags.len());
    for (k, v) in tags {
        match pairs.iter_mut().find(|(pk, _)| *pk == k.as_str()) {
            Some(p) => p.1 = v,
            None => pairs.push((k, v)),
        }
    }
    let mut out = String::from("{");
    for (n, (k, v)) in pairs.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&json_string(k));
        out.push(':');
        out.push_str(&json_string(v));
    }
    out.push('}');
    out
}

/// A JSON string literal.
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("HTTP GET /dispatch"), "HTTP%20GET%20%2Fdispatch");
        assert_eq!(percent_encode(r#"{"error":"true"}"#), "%7B%22error%22%3A%22true%22%7D");
        assert_eq!(percent_encode("a-b.c_d~e"), "a-b.c_d~e");
        assert_eq!(percent_encode("a+b&c=d?e#f%"), "a%2Bb%26c%3Dd%3Fe%23f%25");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("服务"), "%E6%9C%8D%E5%8A%A1");
    }

    #[test]
    fn query_strings_are_built_in_order() {
        let mut q = Query::new();
        assert_eq!(q.finish(), "");
        q.push("service", "a b").push_opt("operation", None).push_opt("limit", Some("20"));
        assert_eq!(q.finish(), "?service=a%20b&limit=20");
    }

    #[test]
    fn go_durations_match_go_formatting() {
        let ns = DurationNs;
        assert_eq!(go_duration_from_duration(ns(0)), "0s");
        assert_eq!(go_duration_from_duration(ns(850)), "850ns");
        assert_eq!(go_duration_from_duration(ns(1_000)), "1us");
        assert_eq!(go_duration_from_duration(ns(250_000)), "250us");
        assert_eq!(go_duration_from_duration(ns(1_500)), "1.5us");
        assert_eq!(go_duration_from_duration(ns(1_200_000)), "1.2ms");
        assert_eq!(go_duration_from_duration(ns(100_000_000)), "100ms");
        assert_eq!(go_duration_from_duration(ns(1_234_567)), "1.234567ms");
        assert_eq!(go_duration_from_duration(ns(1_000_000_000)), "1s");
        assert_eq!(go_duration_from_duration(ns(1_500_000_000)), "1.5s");
        assert_eq!(go_duration_from_duration(ns(1_000_000_001)), "1.000000001s");
        assert_eq!(go_duration_from_duration(ns(90_000_000_000)), "1m30s");
        assert_eq!(go_duration_from_duration(ns(60_000_000_000)), "1m0s");
        assert_eq!(go_duration_from_duration(ns(3_600_000_000_000)), "1h0m0s");
        assert_eq!(go_duration_from_duration(ns(5_405_500_000_000)), "1h30m5.5s");
        assert_eq!(go_duration_from_duration(ns(-1_500_000)), "-1.5ms");
    }

    #[test]
    fn rfc3339_has_nanoseconds_and_handles_dates_before_1970() {
        assert_eq!(rfc3339_from_timestamp(TimestampNs(0)), "1970-01-01T00:00:00.000000000Z");
        // 2026-08-01T10:00:00Z = 1785578400 s.
        assert_eq!(rfc3339_from_timestamp(TimestampNs(1_785_578_400_123_456_789)), "2026-08-01T10:00:00.123456789Z");
        assert_eq!(rfc3339_from_timestamp(TimestampNs(1_700_000_000_000_000_000)), "2023-11-14T22:13:20.000000000Z");
        // Leap day and the end of a year.
        assert_eq!(rfc3339_from_timestamp(TimestampNs(951_782_400_000_000_000)), "2000-02-29T00:00:00.000000000Z");
        assert_eq!(rfc3339_from_timestamp(TimestampNs(1_735_689_599_999_999_999)), "2024-12-31T23:59:59.999999999Z");
        assert_eq!(rfc3339_from_timestamp(TimestampNs(-1)), "1969-12-31T23:59:59.999999999Z");
    }

    #[test]
    fn civil_from_days_round_trips_every_day_of_four_centuries() {
        // Days from civil (the inverse), written independently, checked over 1900..2300.
        fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
            let y = if m <= 2 { y - 1 } else { y };
            let era = y.div_euclid(400);
            let yoe = y - era * 400;
            let mp = (m as i64 + 9) % 12;
            let doy = (153 * mp + 2) / 5 + d as i64 - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            era * 146_097 + doe - 719_468
        }
        for days in -25_567..120_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn rounding_to_coarser_units_widens_the_window() {
        let t = TimestampNs(1_700_000_000_500_000_000);
        assert_eq!(unix_seconds_floor(t), 1_700_000_000);
        assert_eq!(unix_seconds_ceil(t), 1_700_000_001);
        assert_eq!(unix_seconds_ceil(TimestampNs(1_700_000_000_000_000_000)), 1_700_000_000);
        assert_eq!(unix_ms_floor(TimestampNs(1_999_999)), 1);
        assert_eq!(unix_ms_ceil(TimestampNs(1_000_001)), 2);
        assert_eq!(unix_us_floor(TimestampNs(1_999)), 1);
        assert_eq!(unix_us_ceil(TimestampNs(1_001)), 2);
        assert_eq!(us_floor_from_duration(DurationNs(1_999)), 1);
        assert_eq!(us_ceil_from_duration(DurationNs(1_001)), 2);
        assert_eq!(us_ceil_from_duration(DurationNs(2_000)), 2);
    }

    #[test]
    fn tags_parse_bare_and_quoted_values() {
        assert_eq!(
            parse_tags(r#"user.id=12345 error=true http.url="a b""#).unwrap(),
            pairs(&[("user.id", "12345"), ("error", "true"), ("http.url", "a b")])
        );
        assert_eq!(parse_tags(r#"  msg="say \"hi\" \\ ok"  "#).unwrap(), pairs(&[("msg", r#"say "hi" \ ok"#)]));
        assert_eq!(parse_tags(r#"a="" b=x=y c=\n"#).unwrap(), pairs(&[("a", ""), ("b", "x=y"), ("c", r"\n")]));
        assert_eq!(parse_tags("k=v\tk=w\n").unwrap(), pairs(&[("k", "v"), ("k", "w")]));
        assert_eq!(parse_tags("").unwrap(), pairs(&[]));
        assert_eq!(parse_tags("   ").unwrap(), pairs(&[]));
        assert_eq!(parse_tags("服务=名字").unwrap(), pairs(&[("服务", "名字")]));
    }

    #[test]
    fn tag_errors_name_the_bad_part() {
        assert_eq!(parse_tags("a=1 error").unwrap_err(), TagsError::MissingEquals { part: "error".into(), column: 5 });
        assert_eq!(parse_tags("=x").unwrap_err(), TagsError::EmptyKey { part: "=x".into(), column: 1 });
        assert_eq!(parse_tags("a= b=1").unwrap_err(), TagsError::EmptyValue { key: "a".into(), column: 1 });
        assert_eq!(parse_tags(r#"x=1 a="b c"#).unwrap_err(), TagsError::UnclosedQuote { key: "a".into(), column: 5 });
        assert_eq!(
            parse_tags(r#"a="b"c d=1"#).unwrap_err(),
            TagsError::JunkAfterQuote { key: "a".into(), rest: "c".into(), column: 6 }
        );
        assert_eq!(parse_tags(r#"a"b=1"#).unwrap_err(), TagsError::QuoteInKey { part: r#"a"b=1"#.into(), column: 1 });
        let msg = parse_tags("a=1 error").unwrap_err().to_string();
        assert_eq!(
            msg,
            "tags: `error` (column 5) is not a key=value pair; write it as `error=value`, e.g. `error=true`"
        );
    }

    #[test]
    fn logfmt_round_trips() {
        let t = pairs(&[("service.name", "cart"), ("http.url", "a b"), ("q", r#"say "hi""#), ("e", ""), ("x", "a=b")]);
        let text = logfmt_from_tags(&t);
        assert_eq!(text, r#"service.name=cart http.url="a b" q="say \"hi\"" e="" x="a=b""#);
        assert_eq!(parse_tags(&text).unwrap(), t);
        // Control characters (a URL's %0A) are quoted and escaped as go-logfmt reads them, never sent raw.
        let t = pairs(&[("msg", "a\nb"), ("c", "x\u{1}y"), ("t", "\tz\r")]);
        assert_eq!(logfmt_from_tags(&t), r#"msg="a\nb" c="x\u0001y" t="\tz\r""#);
    }

    #[test]
    fn json_objects_keep_order_and_the_last_repeated_value() {
        assert_eq!(json_object_from_tags(&pairs(&[])), "{}");
        assert_eq!(
            json_object_from_tags(&pairs(&[("error", "true"), ("http.status_code", "500"), ("error", "false")])),
            r#"{"error":"false","http.status_code":"500"}"#
        );
        assert_eq!(json_object_from_tags(&pairs(&[("q", "a\"b\\")])), r#"{"q":"a\"b\\"}"#);
    }
}
