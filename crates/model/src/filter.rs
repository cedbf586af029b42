//! The find box's filter language: parsing (with errors that point at the offending term) and matching a whole
//! trace at once.
//!
//! Terms are separated by spaces and must all hold. Values may be double-quoted to hold spaces
//! (`name="GET /orders"`); inside quotes `\"` and `\\` escape.
//!
//! | term | a span matches when |
//! |---|---|
//! | `text` | its name, service name, a span or resource attribute value contains `text` (any case), or its id is `text` |
//! | `key=value` | it has attribute `key` (span attributes, then resource attributes) equal to `value`: strings exactly, numbers numerically, `true`/`false` for booleans, any element of an array |
//! | `key!=value` | it **has** attribute `key` and no value of it equals `value` (as TraceQL: a span without the key does not match) |
//! | `key~regex`, `key!~regex` | a value (as text) matches the regular expression / has the key and none matches |
//! | `key>n`, `>=`, `<`, `<=` | a numeric value (or a string that is a number) compares so |
//! | `service=…`, `name=…` (`operation=…`) | the service or span name; `=`, `!=`, `~`, `!~` |
//! | `kind=client` | span kind: client, server, producer, consumer, internal, unspecified; `=` or `!=` |
//! | `status=error` | status: ok, error, unset; `=` or `!=` |
//! | `error=true` | error status, or an `error` attribute that is `true` (Jaeger's tag); `error=false` is neither |
//! | `duration>100ms` | duration compared (`>`, `>=`, `<`, `<=`, `=`, `!=`) with units ns, us (µs), ms, s, m, h |
//!
//! Matching a trace resolves each term against the interned strings first (which strings contain the text, which
//! string id is the key), so the per-span work is comparing small integers, not text.

use crate::ids::SpanId;
use crate::intern::StrId;
use crate::number::f64_from_str;
use crate::spanset::SpanSet;
use crate::time::{parse_duration, DurationError, DurationNs};
use crate::trace::{SpanIdx, SpanKind, StatusCode, Trace};
use crate::value::{Attribute, Value};
use regex_lite::Regex;
use std::fmt::Write;

/// A parsed filter: every term must hold.
#[derive(Clone, Debug)]
pub struct Filter {
    terms: Vec<Term>,
}

/// Why the text is not a filter, and where (a byte range of the input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FilterError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Re,
    NotRe,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Re => "~",
            Op::NotRe => "!~",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }

    fn compare<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            Op::Eq => a == b,
            Op::Ne => a != b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Re | Op::NotRe => false,
        }
    }
}

/// A test on text: equal, or a regex (negated or not).
#[derive(Clone, Debug)]
enum TextTest {
    Eq(String),
    Re(Regex),
}

impl TextTest {
    fn test(&self, s: &str) -> bool {
        match self {
            TextTest::Eq(x) => x == s,
            TextTest::Re(r) => r.is_match(s),
        }
    }
}

/// A test on an attribute value.
#[derive(Clone, Debug)]
enum ValueTest {
    /// Equality with the text as written (and its number and bool readings).
    Eq {
        text: String,
        number: Option<f64>,
        boolean: Option<bool>,
    },
    Re(Regex),
    Num(Op, f64),
}

#[derive(Clone, Debug)]
enum Term {
    /// Lower-cased needle; the span id it also names, when it is hex.
    Text {
        needle: String,
        span_id: Option<SpanId>,
    },
    Service {
        test: TextTest,
        negate: bool,
    },
    Name {
        test: TextTest,
        negate: bool,
    },
    Kind {
        kind: SpanKind,
        negate: bool,
    },
    Status {
        status: StatusCode,
        negate: bool,
    },
    Error(bool),
    Duration(Op, DurationNs),
    Attr {
        key: String,
        test: ValueTest,
        negate: bool,
    },
}

impl Filter {
    /// Parses the filter text. `Ok(None)` for blank input.
    pub fn parse(text: &str) -> Result<Option<Filter>, FilterError> {
        let mut terms = Vec::new();
        let mut i = 0;
        while let Some(c) = text[i..].chars().next() {
            if is_separator(c) {
                i += c.len_utf8();
                continue;
            }
            let (term, next) = parse_term(text, i)?;
            terms.push(term);
            i = next;
        }
        Ok((!terms.is_empty()).then_some(Filter { terms }))
    }

    /// The spans of `trace` that match every term.
    pub fn matches(&self, trace: &Trace) -> SpanSet {
        let mut prepared: Vec<Prepared> = self.terms.iter().map(|t| Prepared::new(t, trace)).collect();
        let mut out = SpanSet::with_len(trace.len());
        let mut scratch = String::new();
        for s in trace.spans() {
            if prepared.iter_mut().all(|p| p.test(trace, s, &mut scratch)) {
                out.insert(s);
            }
        }
        out
    }

    /// Whether one span matches (the same semantics as [`Filter::matches`]).
    pub fn matches_span(&self, trace: &Trace, s: SpanIdx) -> bool {
        let mut scratch = String::new();
        self.terms.iter().all(|t| Prepared::new(t, trace).test(trace, s, &mut scratch))
    }
}

fn error(start: usize, end: usize, message: String) -> FilterError {
    FilterError { message, start, end }
}

/// Reads a double-quoted string starting at `i` (the quote); returns the unescaped text and the index after it.
fn quoted(text: &str, i: usize, term_start: usize) -> Result<(String, usize), FilterError> {
    let mut out = String::new();
    let mut chars = text[i + 1..].char_indices();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1 + k + 1)),
            // `\"` and `\\` escape; any other backslash stays (so `"\d+"` is still a regex).
            '\\' => match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                Some((_, e)) => {
                    out.push('\\');
                    out.push(e);
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    Err(error(term_start, text.len(), format!("unterminated quote in `{}`: add the closing \"", &text[term_start..])))
}

/// What separates terms: any Unicode whitespace (a pasted no-break space too). The term loop, keys and words all
/// use this one definition, so a term always starts at a non-separator and consumes at least one character.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
}

/// The end of an unquoted run starting at `i` (next separator or end).
fn word_end(text: &str, i: usize) -> usize {
    text[i..].find(is_separator).map_or(text.len(), |k| i + k)
}

/// Parses one term starting at `start` (not whitespace); returns it and where the next term may start.
fn parse_term(text: &str, start: usize) -> Result<(Term, usize), FilterError> {
    let b = text.as_bytes();
    if b[start] == b'"' {
        let (s, end) = quoted(text, start, start)?;
        return Ok((text_term(&s), end));
    }
    // The key runs up to an operator, a quote or a separator.
    let k = text[start..]
        .find(|c: char| is_separator(c) || matches!(c, '=' | '!' | '~' | '>' | '<' | '"'))
        .map_or(text.len(), |k| start + k);
    let op = match (b.get(k), b.get(k + 1)) {
        (Some(b'!'), Some(b'=')) => Some((Op::Ne, 2)),
        (Some(b'!'), Some(b'~')) => Some((Op::NotRe, 2)),
        (Some(b'>'), Some(b'=')) => Some((Op::Ge, 2)),
        (Some(b'<'), Some(b'=')) => Some((Op::Le, 2)),
        (Some(b'='), _) => Some((Op::Eq, 1)),
        (Some(b'~'), _) => Some((Op::Re, 1)),
        (Some(b'>'), _) => Some((Op::Gt, 1)),
        (Some(b'<'), _) => Some((Op::Lt, 1)),
        _ => None,
    };
    let Some((op, op_len)) = op else {
        // Free text (a `!` or `"` inside a word is part of it).
        let end = word_end(text, start);
        return Ok((text_term(&text[start..end]), end));
    };
    let key = &text[start..k];
    let vstart = k + op_len;
    let (value, end) = if b.get(vstart) == Some(&b'"') {
        quoted(text, vstart, start)?
    } else {
        let end = word_end(text, vstart);
        (text[vstart..end].to_string(), end)
    };
    let term_text = &text[start..end];
    let fail = |message: String| Err(error(start, end, message));
    if key.is_empty() {
        return fail(format!(
            "missing key before `{}` in `{term_text}`: write e.g. user.id{}12345",
            op.text(),
            op.text()
        ));
    }
    if value.is_empty() && b.get(vstart) != Some(&b'"') {
        return fail(format!("missing value after `{}` in `{term_text}`", op.text()));
    }
    let regex = |v: &str| Regex::new(v).map_err(|e| error(start, end, format!("invalid regex in `{term_text}`: {e}")));
    let term = match key {
        "service" | "name" | "operation" => {
            let (test, negate) = match op {
                Op::Eq => (TextTest::Eq(value), false),
                Op::Ne => (TextTest::Eq(value), true),
                Op::Re => (TextTest::Re(regex(&value)?), false),
                Op::NotRe => (TextTest::Re(regex(&value)?), true),
                _ => return fail(format!("`{key}` takes =, !=, ~ or !~, not `{}`", op.text())),
            };
            if key == "service" {
                Term::Service { test, negate }
            } else {
                Term::Name { test, negate }
            }
        }
        "kind" => {
            let negate = match op {
                Op::Eq => false,
                Op::Ne => true,
                _ => return fail(format!("`kind` takes = or !=, not `{}`", op.text())),
            };
            let Some(kind) = SpanKind::from_name(&value.to_ascii_lowercase()) else {
                return fail(format!(
                    "unknown kind `{value}`: expected client, server, producer, consumer, internal or unspecified"
                ));
            };
            Term::Kind { kind, negate }
        }
        "status" => {
            let negate = match op {
                Op::Eq => false,
                Op::Ne => true,
                _ => return fail(format!("`status` takes = or !=, not `{}`", op.text())),
            };
            let status = match value.to_ascii_lowercase().as_str() {
                "ok" => StatusCode::Ok,
                "error" => StatusCode::Error,
                "unset" => StatusCode::Unset,
                _ => return fail(format!("unknown status `{value}`: expected ok, error or unset")),
            };
            Term::Status { status, negate }
        }
        "error" => {
            let want = match value.to_ascii_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => return fail(format!("`error` is true or false, not `{value}`")),
            };
            match op {
                Op::Eq => Term::Error(want),
                Op::Ne => Term::Error(!want),
                _ => return fail(format!("`error` takes = or !=, not `{}`", op.text())),
            }
        }
        "duration" => {
            if matches!(op, Op::Re | Op::NotRe) {
                return fail("`duration` compares with >, >=, <, <=, = or !=, e.g. duration>100ms".to_string());
            }
            match parse_duration(&value) {
                Ok(d) => Term::Duration(op, d),
                Err(DurationError::NoUnit) => {
                    return fail(format!("`{term_text}` needs a unit: write e.g. duration{}{value}ms", op.text()))
                }
                Err(DurationError::BadUnit(u)) => {
                    return fail(format!("unknown unit `{u}` in `{term_text}`: use ns, us, ms, s, m or h"))
                }
                Err(DurationError::BadNumber) => {
                    return fail(format!("`{term_text}` needs a number and a unit, e.g. duration{}100ms", op.text()))
                }
            }
        }
        _ => {
            let (test, negate) = match op {
                Op::Eq | Op::Ne => {
                    let number = f64_from_str(value.trim()).filter(|n| n.is_finite());
                    let boolean = match value.as_str() {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    };
                    (ValueTest::Eq { text: value, number, boolean }, op == Op::Ne)
                }
                Op::Re => (ValueTest::Re(regex(&value)?), false),
                Op::NotRe => (ValueTest::Re(regex(&value)?), true),
                _ => match f64_from_str(value.trim()) {
                    Some(n) if n.is_finite() => (ValueTest::Num(op, n), false),
                    _ => return fail(format!("`{term_text}` compares numbers: `{value}` is not a number")),
                },
            };
            Term::Attr { key: key.to_string(), test, negate }
        }
    };
    Ok((term, end))
}

fn text_term(s: &str) -> Term {
    Term::Text { needle: s.to_lowercase(), span_id: SpanId::from_hex(s) }
}

/// Case-insensitive substring test; `needle` is lower case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        return h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle)
}

/// A term resolved against one trace's strings.
enum Prepared<'f> {
    Text {
        needle: &'f str,
        span_id: Option<SpanId>,
        /// Per string id: 0 not yet known, 1 contains the needle, 2 does not.
        cache: Vec<u8>,
        /// Whether numbers and booleans can contain the needle at all (it is made of their characters).
        scalars: bool,
    },
    Service(Vec<bool>),
    Name {
        test: &'f TextTest,
        negate: bool,
        cache: Vec<u8>,
    },
    Kind {
        kind: SpanKind,
        negate: bool,
    },
    Status {
        status: StatusCode,
        negate: bool,
    },
    Error(bool, Option<StrId>),
    Duration(Op, DurationNs),
    Attr {
        /// The key's string id (None: no span has the key).
        key: Option<StrId>,
        test: &'f ValueTest,
        negate: bool,
        /// For equality with a string: the id of that string (None: no string value equals it).
        eq_id: Option<StrId>,
        cache: Vec<u8>,
    },
}

/// The id of the interned string equal to `s`, if any (one pass over the table).
fn find_str(trace: &Trace, s: &str) -> Option<StrId> {
    let strings = &trace.arena().strings;
    (1..strings.len() as u32).map(StrId).find(|&id| strings.get(id) == s)
}

impl<'f> Prepared<'f> {
    fn new(term: &'f Term, trace: &Trace) -> Self {
        let n_strings = trace.arena().strings.len();
        match term {
            Term::Text { needle, span_id } => Prepared::Text {
                needle,
                span_id: *span_id,
                cache: vec![0; n_strings],
                scalars: needle.chars().all(|c| c.is_ascii_digit() || ".-+einftrualsf".contains(c)),
            },
            Term::Service { test, negate } => Prepared::Service(service_table(trace, test, *negate)),
            Term::Name { test, negate } => Prepared::Name { test, negate: *negate, cache: vec![0; n_strings] },
            Term::Kind { kind, negate } => Prepared::Kind { kind: *kind, negate: *negate },
            Term::Status { status, negate } => Prepared::Status { status: *status, negate: *negate },
            Term::Error(want) => Prepared::Error(*want, find_str(trace, "error")),
            Term::Duration(op, d) => Prepared::Duration(*op, *d),
            Term::Attr { key, test, negate } => {
                let eq_id = match test {
                    ValueTest::Eq { text, .. } => find_str(trace, text),
                    _ => None,
                };
                Prepared::Attr { key: find_str(trace, key), test, negate: *negate, eq_id, cache: vec![0; n_strings] }
            }
        }
    }

    fn test(&mut self, t: &Trace, s: SpanIdx, scratch: &mut String) -> bool {
        match self {
            Prepared::Text { needle, span_id, cache, scalars } => {
                if span_id.is_some_and(|id| t.span_id(s) == id) {
                    return true;
                }
                let mut hit = |id: StrId| -> bool {
                    let c = &mut cache[id.0 as usize];
                    if *c == 0 {
                        *c = if contains_ci(t.str(id), needle) { 1 } else { 2 };
                    }
                    *c == 1
                };
                if hit(t.name_id(s)) || hit(t.resource(s).service) {
                    return true;
                }
                let res = t.attrs_at(t.resource(s).attrs);
                t.attributes(s).iter().chain(res).any(|a| text_hit(t, a, &mut hit, needle, *scalars, scratch))
            }
            Prepared::Service(table) => table.get(t.service_index(s) as usize).copied().unwrap_or(false),
            Prepared::Name { test, negate, cache } => {
                let id = t.name_id(s);
                let c = &mut cache[id.0 as usize];
                if *c == 0 {
                    *c = if test.test(t.str(id)) { 1 } else { 2 };
                }
                (*c == 1) != *negate
            }
            Prepared::Kind { kind, negate } => (t.kind(s) == *kind) != *negate,
            Prepared::Status { status, negate } => (t.status(s) == *status) != *negate,
            Prepared::Error(want, key) => {
                let tagged = key.is_some_and(|k| {
                    t.attributes(s).iter().any(|a| {
                        a.key() == k
                            && match t.value(a) {
                                Value::Bool(b) => b,
                                Value::Str(v) => v.eq_ignore_ascii_case("true"),
                                _ => false,
                            }
                    })
                });
                (t.is_error(s) || tagged) == *want
            }
            Prepared::Duration(op, d) => op.compare(t.duration_of(s), *d),
            Prepared::Attr { key, test, negate, eq_id, cache } => {
                let Some(key) = *key else { return false };
                let res = t.attrs_at(t.resource(s).attrs);
                let mut found = false;
                let mut any = false;
                // Span attributes first, then resource attributes; the key may repeat.
                for a in t.attributes(s).iter().chain(res).filter(|a| a.key() == key) {
                    found = true;
                    if value_test(t, a, test, *eq_id, cache, scratch) {
                        any = true;
                        break;
                    }
                }
                found && (any != *negate)
            }
        }
    }
}

/// Per service index (of the import's service table): whether the service name passes.
fn service_table(trace: &Trace, test: &TextTest, negate: bool) -> Vec<bool> {
    (0..trace.service_count()).map(|k| test.test(trace.service_name(k)) != negate).collect()
}

/// Free text against one attribute value.
fn text_hit(
    t: &Trace,
    a: &Attribute,
    hit: &mut impl FnMut(StrId) -> bool,
    needle: &str,
    scalars: bool,
    scratch: &mut String,
) -> bool {
    if let Some(id) = a.stored().as_str_id() {
        return hit(id);
    }
    let v = t.value(a);
    match v {
        Value::Int(_) | Value::Double(_) | Value::Bool(_) if !scalars => false,
        Value::Array(items) | Value::KvList(items) => {
            items.iter().any(|x| text_hit(t, x, hit, needle, scalars, scratch))
        }
        Value::Empty => false,
        _ => {
            scratch.clear();
            match v {
                Value::Int(i) => {
                    let _ = write!(scratch, "{i}");
                }
                Value::Double(d) => {
                    let _ = write!(scratch, "{d}");
                }
                Value::Bool(b) => {
                    let _ = write!(scratch, "{b}");
                }
                other => scratch.push_str(&t.value_text(other)),
            }
            contains_ci(scratch, needle)
        }
    }
}

/// One attribute value against a value test.
fn value_test(
    t: &Trace,
    a: &Attribute,
    test: &ValueTest,
    eq_id: Option<StrId>,
    cache: &mut [u8],
    scratch: &mut String,
) -> bool {
    let v = t.value(a);
    if let Value::Array(items) = v {
        return items.iter().any(|x| value_test(t, x, test, eq_id, cache, scratch));
    }
    match test {
        ValueTest::Eq { text, number, boolean } => match v {
            Value::Str(_) => a.stored().as_str_id().is_some_and(|id| Some(id) == eq_id),
            // Exactly for integers written as integers (no rounding above 2^53), numerically otherwise.
            Value::Int(i) => match text.trim().parse::<i64>() {
                Ok(x) => x == i,
                Err(_) => number.is_some_and(|n| i as f64 == n),
            },
            Value::Double(d) => number.is_some_and(|n| d == n),
            Value::Bool(b) => *boolean == Some(b),
            Value::Empty => false,
            other => t.value_text(other) == *text,
        },
        ValueTest::Re(re) => match (v, a.stored().as_str_id()) {
            (Value::Str(s), Some(id)) => {
                let c = &mut cache[id.0 as usize];
                if *c == 0 {
                    *c = if re.is_match(s) { 1 } else { 2 };
                }
                *c == 1
            }
            (other, _) => {
                scratch.clear();
                scratch.push_str(&t.value_text(other));
                re.is_match(scratch)
            }
        },
        ValueTest::Num(op, n) => match v {
            Value::Int(i) => op.compare(i as f64, *n),
            Value::Double(d) => op.compare(d, *n),
            Value::Str(s) => f64_from_str(s.trim()).is_some_and(|x| op.compare(x, *n)),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::ids::TraceId;
    use crate::time::TimestampNs;
    use crate::value::StoredValue;

    /// An attribute value as written in a test.
    enum V {
        S(&'static str),
        I(i64),
        D(f64),
        B(bool),
        A(&'static [&'static str]),
    }

    /// (id, parent, service, name, kind, status, duration ms, attributes)
    type Spec = (u64, u64, &'static str, &'static str, SpanKind, StatusCode, i64, Vec<(&'static str, V)>);

    fn build(specs: Vec<Spec>) -> Trace {
        let mut b = TraceSetBuilder::new();
        let region = b.intern("region");
        let eu = b.intern("eu-west-1");
        let mut resources = std::collections::HashMap::new();
        let mut d = SpanDraft::default();
        for (id, parent, service, name, kind, status, ms, attrs) in specs {
            let r = *resources
                .entry(service)
                .or_insert_with(|| b.add_resource(service, &[Attribute::new(region, StoredValue::str(eu))]));
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
            d.name = b.intern(name);
            d.resource = r;
            d.kind = kind;
            d.status = status;
            d.start = Some(TimestampNs(id as i64 * 1000));
            d.duration = Some(DurationNs(ms * 1_000_000));
            d.attrs.clear();
            for (k, v) in attrs {
                let key = b.intern(k);
                let value = match v {
                    V::S(s) => StoredValue::str(b.intern(s)),
                    V::I(i) => StoredValue::int(i),
                    V::D(x) => StoredValue::double(x),
                    V::B(x) => StoredValue::bool(x),
                    V::A(items) => {
                        let items: Vec<StoredValue> = items.iter().map(|s| StoredValue::str(b.intern(s))).collect();
                        b.array_value(&items)
                    }
                };
                d.attrs.push(Attribute::new(key, value));
            }
            b.add_span(&mut d);
        }
        b.finish(&BuildOptions { adjust_clock_skew: false }).remove(0)
    }

    // 1 frontend  GET /checkout            server  unset  900ms  user.id=12345 (int)  http.status_code=200
    // ├── 2 frontend  HTTP POST            client  error   40ms  http.status_code="500" (string) peer="cart"
    // │   └── 3 cart  POST /cart           server  error   35ms  error=true (bool)  http.status_code=500
    // ├── 4 db    SELECT orders            client  unset  120ms  db.statement="SELECT * FROM orders WHERE id=?"
    // ├── 5 db    SELECT items             client  ok       2ms  tags=["a b","slow"]  ratio=0.5
    // └── 6 cart  Connection Refused       internal unset   0ms  note="Timeout waiting" error="true" (string)
    fn sample() -> Trace {
        use SpanKind::*;
        use StatusCode as St;
        build(vec![
            (
                1,
                0,
                "frontend",
                "GET /checkout",
                Server,
                St::Unset,
                900,
                vec![("user.id", V::I(12345)), ("http.status_code", V::I(200))],
            ),
            (
                2,
                1,
                "frontend",
                "HTTP POST",
                Client,
                St::Error,
                40,
                vec![("http.status_code", V::S("500")), ("peer", V::S("cart"))],
            ),
            (
                3,
                2,
                "cart",
                "POST /cart",
                Server,
                St::Error,
                35,
                vec![("error", V::B(true)), ("http.status_code", V::I(500))],
            ),
            (
                4,
                1,
                "db",
                "SELECT orders",
                Client,
                St::Unset,
                120,
                vec![("db.statement", V::S("SELECT * FROM orders WHERE id=?"))],
            ),
            (
                5,
                1,
                "db",
                "SELECT items",
                Client,
                St::Ok,
                2,
                vec![("tags", V::A(&["a b", "slow"])), ("ratio", V::D(0.5))],
            ),
            (
                6,
                1,
                "cart",
                "Connection Refused",
                Internal,
                St::Unset,
                0,
                vec![("note", V::S("Timeout waiting")), ("error", V::S("true"))],
            ),
        ])
    }

    /// Ids (as in the tree drawing) of the spans matching `filter`, checked against `matches_span`.
    fn ids(t: &Trace, filter: &str) -> Vec<u64> {
        let f = Filter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}")).expect("not blank");
        let set = f.matches(t);
        let mut out: Vec<u64> = set.iter().map(|s| u64::from_str_radix(&t.span_id_text(s), 16).unwrap()).collect();
        out.sort();
        for s in t.spans() {
            assert_eq!(set.contains(s), f.matches_span(t, s), "{filter}: matches and matches_span agree");
        }
        out
    }

    fn err(filter: &str) -> FilterError {
        Filter::parse(filter).expect_err(filter)
    }

    #[test]
    fn free_text_looks_in_names_services_values_and_ids() {
        let t = sample();
        assert_eq!(ids(&t, "select"), [4, 5]);
        assert_eq!(ids(&t, "CART"), [2, 3, 6]); // service cart, and peer="cart"
        assert_eq!(ids(&t, "timeout"), [6]);
        assert_eq!(ids(&t, "12345"), [1]); // an int value by its text
        assert_eq!(ids(&t, "eu-west"), [1, 2, 3, 4, 5, 6]); // resource attribute
        assert_eq!(ids(&t, "slow"), [5]); // inside an array
        assert_eq!(ids(&t, "0000000000000004"), [4]); // span id
        assert_eq!(ids(&t, "\"a b\""), [5]);
        assert_eq!(ids(&t, "nothing-like-this"), Vec::<u64>::new());
    }

    #[test]
    fn attributes_compare_by_type() {
        let t = sample();
        assert_eq!(ids(&t, "user.id=12345"), [1]);
        assert_eq!(ids(&t, "http.status_code=500"), [2, 3]); // string "500" and int 500
        assert_eq!(ids(&t, "http.status_code!=500"), [1]); // only spans with the key
        assert_eq!(ids(&t, "http.status_code>=500"), [2, 3]);
        assert_eq!(ids(&t, "http.status_code<300"), [1]);
        assert_eq!(ids(&t, "ratio=0.5"), [5]);
        assert_eq!(ids(&t, "ratio>0.25"), [5]);
        assert_eq!(ids(&t, "tags=slow"), [5]);
        assert_eq!(ids(&t, "tags=\"a b\""), [5]);
        assert_eq!(ids(&t, "region=eu-west-1"), [1, 2, 3, 4, 5, 6]);
        assert_eq!(ids(&t, "db.statement~^SELECT.*orders"), [4]);
        assert_eq!(ids(&t, "db.statement!~orders"), Vec::<u64>::new());
        assert_eq!(ids(&t, "peer!~^c"), Vec::<u64>::new());
        assert_eq!(ids(&t, "missing.key!=x"), Vec::<u64>::new());
        assert_eq!(ids(&t, "user.id=1234"), Vec::<u64>::new());
    }

    #[test]
    fn special_keys() {
        let t = sample();
        assert_eq!(ids(&t, "service=cart"), [3, 6]);
        assert_eq!(ids(&t, "service!=frontend"), [3, 4, 5, 6]);
        assert_eq!(ids(&t, "service~^(db|cart)$"), [3, 4, 5, 6]);
        assert_eq!(ids(&t, "name=\"SELECT items\""), [5]);
        assert_eq!(ids(&t, "operation~^POST"), [3]);
        assert_eq!(ids(&t, "kind=client"), [2, 4, 5]);
        assert_eq!(ids(&t, "kind=SERVER"), [1, 3]);
        assert_eq!(ids(&t, "kind!=client"), [1, 3, 6]);
        assert_eq!(ids(&t, "status=error"), [2, 3]);
        assert_eq!(ids(&t, "status=ok"), [5]);
        // error=true: error status, or the error tag as a bool or the string "true".
        assert_eq!(ids(&t, "error=true"), [2, 3, 6]);
        assert_eq!(ids(&t, "error=false"), [1, 4, 5]);
        assert_eq!(ids(&t, "duration>100ms"), [1, 4]);
        assert_eq!(ids(&t, "duration>=0.12s"), [1, 4]);
        assert_eq!(ids(&t, "duration<2ms"), [6]);
        assert_eq!(ids(&t, "duration<=2000us"), [5, 6]);
        assert_eq!(ids(&t, "duration<=2000µs"), [5, 6]);
        assert_eq!(ids(&t, "duration=40000000ns"), [2]);
        assert_eq!(ids(&t, "duration<1m"), [1, 2, 3, 4, 5, 6]);
        assert_eq!(ids(&t, "duration>1h"), Vec::<u64>::new());
    }

    #[test]
    fn terms_are_anded() {
        let t = sample();
        assert_eq!(ids(&t, "kind=client select"), [4, 5]);
        assert_eq!(ids(&t, "  service=db   duration>10ms "), [4]);
        assert_eq!(ids(&t, "error=true service=cart kind=server"), [3]);
        assert!(Filter::parse("   ").unwrap().is_none());
        assert!(Filter::parse("").unwrap().is_none());
    }

    #[test]
    fn errors_name_the_term_and_what_was_expected() {
        let e = err("service=a duration>100");
        assert_eq!((e.start, e.end), (10, 22));
        assert!(e.message.contains("needs a unit") && e.message.contains("duration>100ms"), "{e}");
        let e = err("kind=clent");
        assert_eq!((e.start, e.end), (0, 10));
        assert_eq!(
            e.message,
            "unknown kind `clent`: expected client, server, producer, consumer, internal or unspecified"
        );
        let e = err("x http.url~(");
        assert_eq!((e.start, e.end), (2, 12));
        assert!(e.message.starts_with("invalid regex in `http.url~(`"), "{e}");
        assert_eq!(err("user.id=").message, "missing value after `=` in `user.id=`");
        let e = err("=5");
        assert!(e.message.starts_with("missing key before `=`"), "{e}");
        let e = err("name=\"GET /a");
        assert!(e.message.starts_with("unterminated quote"), "{e}");
        assert_eq!((e.start, e.end), (0, 12));
        assert!(err("duration>5parsecs").message.contains("unknown unit `parsecs`"));
        assert!(err("http.status_code>abc").message.contains("is not a number"));
        assert!(err("status=weird").message.contains("expected ok, error or unset"));
        assert!(err("error=maybe").message.contains("true or false"));
        assert!(err("service>3").message.contains("takes =, !=, ~ or !~"));
    }

    #[test]
    fn quoted_regexes_keep_their_backslashes_and_big_ints_compare_exactly() {
        let t = sample();
        assert_eq!(ids(&t, r#"db.statement~"id=\?""#), [4]);
        assert_eq!(ids(&t, r#"note~"^\w+ waiting""#), [6]);
        assert_eq!(ids(&t, r#"note="Timeout waiting""#), [6]);
        assert_eq!(ids(&t, r#""Timeout \"x""#), Vec::<u64>::new());
        let big = build(vec![(
            1,
            0,
            "a",
            "x",
            SpanKind::Internal,
            StatusCode::Unset,
            1,
            vec![("n", V::I(9_007_199_254_740_993))],
        )]);
        assert_eq!(ids(&big, "n=9007199254740993"), [1]);
        assert_eq!(ids(&big, "n=9007199254740992"), Vec::<u64>::new());
    }

    #[test]
    fn a_large_trace_agrees_with_span_by_span_matching() {
        let g = crate::synth::generate(&crate::synth::SynthOptions { spans: 20_000, seed: 3, ..Default::default() });
        let json = g.to_json(crate::Format::Jaeger);
        let t = crate::import(&json).expect("imports").remove(0);
        for text in ["error=true", "kind=client duration>1ms", "select", "http.status_code>=500", "service~a"] {
            let f = Filter::parse(text).unwrap().unwrap();
            let set = f.matches(&t);
            let slow = t.spans().filter(|&s| f.matches_span(&t, s)).count();
            assert_eq!(set.count(), slow, "{text}");
        }
        let f = Filter::parse("error=true").unwrap().unwrap();
        assert!(f.matches(&t).count() > 0, "the synthetic trace has errors");
    }
}
