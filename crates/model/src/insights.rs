//! Insights: "find the cause, not just the trace". [`insights`] reads a built [`Trace`] once and reports what a
//! person would look for first:
//!
//! - [`Repeated`]: N+1 patterns, the same call issued again and again under one parent, mostly one after another;
//! - [`TimeSummary`]: where the time went: the critical path summed by (service, operation), and the spans with
//!   the most self time;
//! - [`ErrorOrigin`]: error spans with no error below them (where errors start, not where they surface), grouped
//!   by (service, operation), each with its chain to the root and its message;
//! - [`SequentialRun`] and [`Gap`]: shape: different calls made one after another that might run in parallel, and
//!   stretches of a span during which none of its children ran.
//!
//! Everything is iterative (traces can be a million spans and ten thousand levels deep) and O(n log n): each pass
//! walks every span's children once; sorting is per sibling group, per candidate, or of the findings.
//!
//! # Repetition rules
//!
//! Siblings (children of one parent) are grouped by service, operation name, span kind and **normalized
//! statement**: the first attribute present of [`STATEMENT_KEYS`] (`db.statement`, `db.query.text`, `http.url`,
//! `url.full`, `http.target`, `url.path`, `rpc.method`, and the Zipkin spellings `sql.query`, `cassandra.query`,
//! `http.path`), else the span name. Statements are normalized with [`normalize_url`] for the URL keys and
//! [`normalize_sql`] for the others, so one query with different bind values is one statement. A group of at least
//! [`InsightOptions::min_repeats`] spans is reported when it is **mostly sequential**: its `sequential_fraction`,
//! `(count − peak concurrency) / (count − 1)`, is at least [`MOSTLY_SEQUENTIAL`]. It is 1 when no two calls overlap
//! and 0 when all run at once; it counts the calls that had to wait for an earlier one. (A measure over consecutive
//! pairs would miss the classic worker-pool N+1: HotROD's ten route calls run three at a time, so every consecutive
//! pair overlaps, yet seven of the ten waited.) Intervals that only touch do not overlap; zero-length spans count as
//! lasting 1 ns, so calls issued at the same instant are concurrent (spans a source gave no times, all placed at
//! their parent's start, are not "sequential"). A group whose durations sum to zero is not reported.
//!
//! The group is always the *direct* children of one parent. When a caller makes N RPCs, each CLIENT span has its
//! own SERVER child in the callee, so the SERVER halves never share a parent: the repetition is reported once, at
//! the CLIENT spans, under the span that issued them. A database N+1 (CLIENT spans with no server half) is found
//! under the server or internal span that ran the queries.
//!
//! # Shape rules
//!
//! - A [`SequentialRun`] is a maximal chain of consecutive siblings (in start order) in which each starts at or
//!   after the previous one's end, with at least [`SEQUENTIAL_MIN_SPANS`] members and as many distinct
//!   (service, operation) pairs, taking together at least [`SEQUENTIAL_MIN_SHARE`] of the parent's duration. Spans
//!   of a repetition end a chain (they are reported as [`Repeated`]). Sorted by the time running
//!   them in parallel could save (sum minus the longest).
//! - A [`Gap`] is the longest stretch of a span during which none of its children ran (children clipped to the
//!   span; leading and trailing stretches count), reported when it is at least [`GAP_MIN_SHARE`] of the span and at
//!   least [`GAP_MIN`]. Spans none of whose children overlap them (a producer whose consumer ran later) are skipped.
//!   Sorted by length.
//!
//! Every list is cut to [`InsightOptions::max_findings`].

use crate::analysis::{critical_path, self_times, CriticalPath};
use crate::intern::StrId;
use crate::order;
use crate::pause::{run_ready, NoPause, Pause};
use crate::spanset::SpanSet;
use crate::time::DurationNs;
use crate::trace::{SpanIdx, Trace};
use crate::value::Value;
use hashbrown::HashMap;

/// Attributes holding what a call did, by priority; the first present is the span's statement. The OpenTelemetry
/// keys come first; `sql.query`, `cassandra.query` and `http.path` are what Zipkin (Brave) instrumentation writes:
/// without them, a real Zipkin capture groups different queries that share a span name.
pub const STATEMENT_KEYS: [&str; 10] = [
    "db.statement",
    "db.query.text",
    "sql.query",
    "cassandra.query",
    "http.url",
    "url.full",
    "http.target",
    "url.path",
    "http.path",
    "rpc.method",
];

/// Keys of [`STATEMENT_KEYS`] whose values are URLs or paths (normalized with [`normalize_url`]).
const URL_KEYS: [&str; 5] = ["http.url", "url.full", "http.target", "url.path", "http.path"];

/// Least `sequential_fraction` of a reported repetition.
pub const MOSTLY_SEQUENTIAL: f64 = 0.6;
/// Fewest spans (and distinct operations) in a [`SequentialRun`].
pub const SEQUENTIAL_MIN_SPANS: usize = 3;
/// Least share of the parent's duration a [`SequentialRun`] takes.
pub const SEQUENTIAL_MIN_SHARE: f64 = 0.10;
/// Least share of the span's duration a [`Gap`] takes.
pub const GAP_MIN_SHARE: f64 = 0.20;
/// Shortest reported [`Gap`]: 1 ms.
pub const GAP_MIN: DurationNs = DurationNs(1_000_000);
/// Entries in each list of [`TimeSummary`].
pub const TIME_TOP: usize = 10;

/// What to look for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsightOptions {
    /// Fewest sibling calls that make a repetition (values below 2 count as 2).
    pub min_repeats: usize,
    /// Most findings kept of each kind (repetitions, error origins, sequential runs, gaps).
    pub max_findings: usize,
}

impl Default for InsightOptions {
    fn default() -> Self {
        InsightOptions { min_repeats: 5, max_findings: 20 }
    }
}

/// The options set in `config.json`'s optional `insights` object (`{"insights": {"min_repeats": 3}}`), and one
/// note per setting ignored, saying why (the start page lists them). A config that is not a JSON object gives the
/// defaults and no note: the backends' parser reports it.
pub fn options_from_config(config: &[u8]) -> (InsightOptions, Vec<String>) {
    let mut opts = InsightOptions::default();
    let mut notes = Vec::new();
    let config = config.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(config);
    let Ok(serde_json::Value::Object(root)) = serde_json::from_slice::<serde_json::Value>(config) else {
        return (opts, notes);
    };
    match root.get("insights") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(set)) => {
            for (key, value) in set {
                match (key.as_str(), value.as_u64()) {
                    ("min_repeats", Some(n)) if n >= 2 => opts.min_repeats = n.try_into().unwrap_or(usize::MAX),
                    ("min_repeats", _) => notes.push(format!(
                        "insights.min_repeats was ignored: it must be a whole number of at least 2 (how many like \
                         calls under one parent make a repeated-call finding), not {}; the default is {}",
                        crate::backend::describe(value),
                        opts.min_repeats
                    )),
                    _ => notes.push(format!("insights.{key} was ignored: the one setting there is `min_repeats`")),
                }
            }
        }
        Some(other) => notes.push(format!(
            "insights was ignored: it must be an object such as {{\"min_repeats\": 3}}, not {}",
            crate::backend::describe(other)
        )),
    }
    (opts, notes)
}

/// Everything [`insights`] found in one trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Insights {
    /// N+1 patterns, longest wall time first.
    pub repeated: Vec<Repeated>,
    pub time: TimeSummary,
    /// Where errors start, most frequent first.
    pub errors: Vec<ErrorOrigin>,
    /// Calls made one after another, largest possible saving first.
    pub sequential: Vec<SequentialRun>,
    /// Idle stretches inside spans, longest first.
    pub gaps: Vec<Gap>,
}

/// The same call repeated under one parent (an N+1).
#[derive(Clone, Debug, PartialEq)]
pub struct Repeated {
    /// The span that issued the calls.
    pub parent: SpanIdx,
    pub parent_name: String,
    /// Operation name of the repeated spans.
    pub child_name: String,
    /// Service of the repeated spans.
    pub service: String,
    /// The normalized statement they share (see the module docs).
    pub statement: String,
    pub count: usize,
    /// The repeated spans, in start order.
    pub spans: Vec<SpanIdx>,
    /// Sum of their durations.
    pub total: DurationNs,
    /// Length of the union of their intervals: the time during which at least one of them ran.
    pub wall: DurationNs,
    /// `wall` over the trace's duration.
    pub share_of_trace: f64,
    /// `(count − peak concurrency) / (count − 1)`: 1 when strictly one after another.
    pub sequential_fraction: f64,
}

/// Where the time went.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeSummary {
    pub trace_duration: DurationNs,
    /// Time on the critical path by (service, operation), most first ([`TIME_TOP`] at most).
    pub critical_path: Vec<PathGroup>,
    /// Spans with the most self time, most first ([`TIME_TOP`] at most).
    pub self_time: Vec<SelfTimeSpan>,
}

/// One (service, operation) on the critical path.
#[derive(Clone, Debug, PartialEq)]
pub struct PathGroup {
    pub service: String,
    pub operation: String,
    /// Their own time on the path.
    pub time: DurationNs,
    pub share_of_trace: f64,
    /// How many spans of the group have time on the path.
    pub spans: usize,
}

/// A span and its self time (its duration not covered by its children).
#[derive(Clone, Debug, PartialEq)]
pub struct SelfTimeSpan {
    pub span: SpanIdx,
    pub self_time: DurationNs,
    pub share_of_trace: f64,
}

/// Error spans with no error span below them, of one (service, operation).
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorOrigin {
    /// The first of them in the waterfall's order (what `chain` and the messages describe).
    pub span: SpanIdx,
    pub service: String,
    pub name: String,
    /// How many error spans of this (service, operation) have no error below them.
    pub count: usize,
    /// All of them, in the waterfall's order.
    pub spans: Vec<SpanIdx>,
    /// From the root down to `span` (both included).
    pub chain: Vec<SpanIdx>,
    pub status_message: Option<String>,
    /// From the span's `exception` event, else its `exception.type` (or `error.type`) attribute.
    pub exception_type: Option<String>,
    /// From the span's `exception` event, else its `exception.message` attribute.
    pub exception_message: Option<String>,
}

/// Different calls under one parent made one after another: candidates for running in parallel.
#[derive(Clone, Debug, PartialEq)]
pub struct SequentialRun {
    pub parent: SpanIdx,
    /// In start order.
    pub spans: Vec<SpanIdx>,
    /// Sum of their durations.
    pub total: DurationNs,
    /// The longest of them: what the chain would take if all ran at once.
    pub parallel: DurationNs,
    /// `total` over the parent's duration.
    pub share_of_parent: f64,
}

impl SequentialRun {
    /// Time running the calls in parallel could save.
    pub fn saving(&self) -> DurationNs {
        DurationNs(self.total.0 - self.parallel.0)
    }
}

/// The longest stretch of a span during which none of its children ran.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub span: SpanIdx,
    /// Start of the stretch relative to the span's start.
    pub offset: DurationNs,
    pub length: DurationNs,
    pub share_of_span: f64,
}

/// Computes every insight of `trace`. See the module docs for the rules.
pub fn insights(trace: &Trace, opts: &InsightOptions) -> Insights {
    run_ready(insights_pausing(trace, opts, &self_times(trace), &critical_path(trace), &mut NoPause))
}

/// The passes over the spans stop (call [`Pause::pause`]) every this many spans.
pub const PAUSE_EVERY_SPANS: usize = 1 << 16;

/// [`insights`] from the trace's `self_times` and `critical_path` (which the trace page has computed already),
/// stopping where `pause` says to: between passes, and every [`PAUSE_EVERY_SPANS`] spans within the passes over
/// every span. The passes take about 0.1 s per million spans natively, a few times that in the browser, where
/// the page lets it paint meanwhile.
pub async fn insights_pausing(
    trace: &Trace,
    opts: &InsightOptions,
    self_times: &[DurationNs],
    path: &CriticalPath,
    pause: &mut impl Pause,
) -> Insights {
    debug_assert_eq!(self_times.len(), trace.len(), "self times of another trace");
    let mut in_repeat = SpanSet::with_len(trace.len());
    let repeated = find_repeated(trace, opts, &mut in_repeat, pause).await;
    let time = time_summary(trace, self_times, path);
    let errors = error_origins(trace, opts);
    pause.pause(0).await;
    let sequential = sequential_runs(trace, opts, &in_repeat, pause).await;
    let gaps = gaps(trace, opts, pause).await;
    Insights { repeated, time, errors, sequential, gaps }
}

/// Stops at every [`PAUSE_EVERY_SPANS`]th span of a pass.
async fn pause_at(s: SpanIdx, pause: &mut impl Pause) {
    if s.ix() % PAUSE_EVERY_SPANS == PAUSE_EVERY_SPANS - 1 {
        pause.pause(s.ix()).await;
    }
}

fn share(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Repetition
// ---------------------------------------------------------------------------------------------------------------

/// Where a span's statement comes from: an index into [`STATEMENT_KEYS`], or `NAME` for the span name.
type Source = u8;
const NAME: Source = STATEMENT_KEYS.len() as Source;

/// The raw statement of a span: its source and the interned text (or the text of a non-string value).
enum Raw {
    Interned(Source, StrId),
    Text(Source, String),
}

fn raw_statement(trace: &Trace, s: SpanIdx) -> Raw {
    let mut best: Option<(Source, &crate::value::Attribute)> = None;
    for a in trace.attributes(s) {
        let key = trace.key(a);
        if let Some(k) = STATEMENT_KEYS.iter().position(|&x| x == key) {
            if best.is_none_or(|(b, _)| (k as Source) < b) {
                best = Some((k as Source, a));
            }
        }
    }
    match best {
        Some((k, a)) => match a.stored().as_str_id() {
            Some(id) => Raw::Interned(k, id),
            None => Raw::Text(k, trace.value_text(trace.value(a))),
        },
        None => Raw::Interned(NAME, trace.name_id(s)),
    }
}

fn normalize_from(source: Source, text: &str) -> String {
    match STATEMENT_KEYS.get(source as usize) {
        Some(key) if URL_KEYS.contains(key) => normalize_url(text),
        Some(_) => normalize_sql(text),
        None => text.to_string(),
    }
}

/// The normalized statement of a span (what [`Repeated::statement`] holds for its group).
pub fn statement(trace: &Trace, s: SpanIdx) -> String {
    match raw_statement(trace, s) {
        Raw::Interned(k, id) => normalize_from(k, trace.str(id)),
        Raw::Text(k, text) => normalize_from(k, &text),
    }
}

/// Normalized statements of one sibling group, numbered; each distinct raw text is normalized once.
#[derive(Default)]
struct Statements {
    by_raw: HashMap<(Source, StrId), u32>,
    by_text: HashMap<String, u32>,
    texts: Vec<String>,
}

impl Statements {
    fn clear(&mut self) {
        self.by_raw.clear();
        self.by_text.clear();
        self.texts.clear();
    }

    fn number(&mut self, text: String) -> u32 {
        if let Some(&k) = self.by_text.get(&text) {
            return k;
        }
        let k = self.texts.len() as u32;
        self.texts.push(text.clone());
        self.by_text.insert(text, k);
        k
    }

    fn of(&mut self, trace: &Trace, s: SpanIdx) -> u32 {
        match raw_statement(trace, s) {
            Raw::Interned(source, id) => {
                if let Some(&k) = self.by_raw.get(&(source, id)) {
                    return k;
                }
                let k = self.number(normalize_from(source, trace.str(id)));
                self.by_raw.insert((source, id), k);
                k
            }
            Raw::Text(source, text) => self.number(normalize_from(source, &text)),
        }
    }
}

/// Timing of a group of sibling spans (in start order).
struct Shape {
    total: i64,
    wall: i64,
    sequential_fraction: f64,
}

/// End of a span for overlap tests: a zero-length span occupies 1 ns, so two issued at the same instant overlap.
/// (Saturating: importers saturate times beyond year 2262 to `i64::MAX`, so a span can end there.)
fn busy_end(trace: &Trace, s: SpanIdx) -> i64 {
    let end = trace.end_of(s).0;
    if trace.duration_of(s).0 == 0 {
        end.saturating_add(1)
    } else {
        end
    }
}

fn shape(trace: &Trace, spans: &[SpanIdx]) -> Shape {
    // As `u64` keys in the same order (a sort of `u64`s is compiled anyway; one of `i64`s would be another copy).
    let mut ends: Vec<u64> = spans.iter().map(|&s| crate::order::i64_key(busy_end(trace, s))).collect();
    ends.sort_unstable();
    let (mut total, mut wall) = (0i64, 0i64);
    let mut cur: Option<(i64, i64)> = None;
    let (mut ended, mut peak) = (0usize, 0usize);
    for (i, &s) in spans.iter().enumerate() {
        let (a, b) = (trace.start_of(s).0, trace.end_of(s).0);
        total += b - a;
        cur = match cur {
            Some((x, y)) if a <= y => Some((x, y.max(b))),
            Some((x, y)) => {
                wall += y - x;
                Some((a, b))
            }
            None => Some((a, b)),
        };
        // Running when this one starts: those started so far minus those already ended (touching is not overlap).
        let a_key = crate::order::i64_key(a);
        while ended < ends.len() && ends[ended] <= a_key {
            ended += 1;
        }
        peak = peak.max((i + 1).saturating_sub(ended).max(1));
    }
    if let Some((x, y)) = cur {
        wall += y - x;
    }
    let n = spans.len();
    let sequential_fraction = if n > 1 { (n - peak) as f64 / (n - 1) as f64 } else { 1.0 };
    Shape { total, wall, sequential_fraction }
}

/// A span's service and operation name as one sortable number.
fn op_key(trace: &Trace, s: SpanIdx) -> u64 {
    pair_key(trace.service_index(s), trace.name_id(s).0)
}

fn pair_key(high: u32, low: u32) -> u64 {
    (u64::from(high) << 32) | u64::from(low)
}

async fn find_repeated(
    trace: &Trace,
    opts: &InsightOptions,
    in_repeat: &mut SpanSet,
    pause: &mut impl Pause,
) -> Vec<Repeated> {
    let min = opts.min_repeats.max(2);
    let trace_ns = trace.duration().0;
    // (service << 32 | name, kind, child): sorted as the shared `(u64, u64, u32)` (see `order`).
    let mut kids: Vec<(u64, u64, u32)> = Vec::new();
    // statement << 32 | child: one `u64`, so its sort is the one of `u64`s.
    let mut members: Vec<u64> = Vec::new();
    let mut stmts = Statements::default();
    let mut found: Vec<Repeated> = Vec::new();
    for p in trace.spans() {
        pause_at(p, pause).await;
        if (trace.descendant_count(p) as usize) < min {
            continue;
        }
        kids.clear();
        kids.extend(trace.children(p).map(|c| (op_key(trace, c), trace.kind(c) as u64, c.0)));
        if kids.len() < min {
            continue;
        }
        kids.sort_unstable();
        for same_op in kids.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            if same_op.len() < min {
                continue;
            }
            stmts.clear();
            members.clear();
            for &(_, _, c) in same_op {
                members.push(pair_key(stmts.of(trace, SpanIdx(c)), c));
            }
            // By statement, then by position: siblings in pre-order are in start order.
            members.sort_unstable();
            for same in members.chunk_by(|a, b| a >> 32 == b >> 32) {
                if same.len() < min {
                    continue;
                }
                let spans: Vec<SpanIdx> = same.iter().map(|&m| SpanIdx(m as u32)).collect();
                let sh = shape(trace, &spans);
                if sh.sequential_fraction < MOSTLY_SEQUENTIAL || sh.total == 0 {
                    continue;
                }
                for &s in &spans {
                    in_repeat.insert(s);
                }
                let first = spans[0];
                found.push(Repeated {
                    parent: p,
                    parent_name: trace.name(p).to_string(),
                    child_name: trace.name(first).to_string(),
                    service: trace.service(first).to_string(),
                    statement: stmts.texts[(same[0] >> 32) as usize].clone(),
                    count: spans.len(),
                    spans,
                    total: DurationNs(sh.total),
                    wall: DurationNs(sh.wall),
                    share_of_trace: share(sh.wall, trace_ns),
                    sequential_fraction: sh.sequential_fraction,
                });
            }
        }
    }
    order::sort_by_key2(&mut found, |r| (!order::i64_key(r.wall.0), pair_key(r.parent.0, r.spans[0].0)));
    found.truncate(opts.max_findings);
    found
}

// ---------------------------------------------------------------------------------------------------------------
// Normalization
// ---------------------------------------------------------------------------------------------------------------

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Length of a UUID (8-4-4-4-12 hex digits) starting at `i` and not followed by a word character.
fn uuid_at(b: &[u8], i: usize) -> Option<usize> {
    let u = b.get(i..i + 36)?;
    let ok = u
        .iter()
        .enumerate()
        .all(|(k, &c)| if matches!(k, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() });
    (ok && !b.get(i + 36).is_some_and(|&c| is_word(c))).then_some(36)
}

/// A hex id: at least 8 hex digits, at least one of them a decimal digit (so `deadbeef`-like words stay).
fn is_hex_id(w: &str) -> bool {
    w.len() >= 8 && w.bytes().all(|c| c.is_ascii_hexdigit()) && w.bytes().any(|c| c.is_ascii_digit())
}

/// Normalizes a database statement (or any command text) so calls that differ only in their values are equal:
///
/// - quoted string literals (`'…'`, with `''` and `\'` escapes) become `?`; double-quoted and back-quoted names are
///   identifiers in SQL and stay;
/// - numbers (`42`, `-3.5` → `-?`, `1e9`, `0x1F`), words starting with a digit, UUIDs and hex ids (8+ hex digits
///   with a digit) become `?`; identifiers containing digits (`t1`, `table_2024`) and positional placeholders
///   (`$1`) stay;
/// - an `IN (…)` list of values or placeholders becomes `IN (?)` (a subquery stays);
/// - runs of white space become one space.
///
/// `SELECT * FROM t WHERE id = 42 AND name = 'x'` → `SELECT * FROM t WHERE id = ? AND name = ?`.
pub fn normalize_sql(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            space = !out.is_empty();
            i += 1;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            b'\'' => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
                        b'\'' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                out.push('?');
            }
            b'"' | b'`' => {
                let end = b[i + 1..].iter().position(|&x| x == c).map_or(b.len(), |k| i + 2 + k);
                out.push_str(&text[i..end]);
                i = end;
            }
            _ if is_word(c) => {
                if let Some(len) = uuid_at(b, i) {
                    out.push('?');
                    i += len;
                    continue;
                }
                let start = i;
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                let placeholder = start > 0 && b[start - 1] == b'$';
                if c.is_ascii_digit() && !placeholder {
                    // A number: take its fraction and exponent too.
                    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                        while i < b.len() && is_word(b[i]) {
                            i += 1;
                        }
                    }
                    if matches!(b[i - 1], b'e' | b'E')
                        && matches!(b.get(i), Some(b'+' | b'-'))
                        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                    {
                        i += 1;
                        while i < b.len() && b[i].is_ascii_digit() {
                            i += 1;
                        }
                    }
                    out.push('?');
                } else if is_hex_id(&text[start..i]) {
                    out.push('?');
                } else {
                    out.push_str(&text[start..i]);
                }
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    collapse_in_lists(out)
}

/// `IN (?, ?, $3)` → `IN (?)`, on already masked text.
fn collapse_in_lists(text: String) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        let word_start = (i == 0 || !is_word(b[i - 1])) && b[i..i + 2].eq_ignore_ascii_case(b"in");
        if !word_start || b.get(i + 2).is_some_and(|&c| is_word(c)) {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        if b.get(j) != Some(&b'(') {
            i += 2;
            continue;
        }
        let Some(close) = b[j + 1..].iter().position(|&c| c == b')' || c == b'(').map(|k| j + 1 + k) else {
            break;
        };
        let items = &text[j + 1..close];
        let simple = b[close] == b')'
            && items.split(',').all(|it| {
                let it = it.trim();
                it == "?"
                    || (it.len() > 1
                        && matches!(it.as_bytes()[0], b'$' | b':' | b'@')
                        && it.bytes().skip(1).all(is_word))
            });
        if simple {
            out.push_str(&text[copied..j]);
            out.push_str("(?)");
            copied = close + 1;
        }
        i = close + 1;
    }
    if copied == 0 {
        return text;
    }
    out.push_str(&text[copied..]);
    out
}

/// A path segment that is an id: it has a digit and either no letters (`12345`, `2024-06-01`), at least three
/// digits (`ord-20931`, `T703415C`), or is a hex id or UUID. `v1`, `oauth2` and `v2beta1` stay.
fn is_id_segment(seg: &str) -> bool {
    let digits = seg.bytes().filter(u8::is_ascii_digit).count();
    digits > 0
        && (!seg.bytes().any(|c| c.is_ascii_alphabetic())
            || digits >= 3
            || is_hex_id(seg)
            || (seg.len() == 36 && uuid_at(seg.as_bytes(), 0).is_some()))
}

/// Normalizes a URL or path: scheme, host and port stay; path segments that are ids become `?`; a query string
/// becomes `…` and a fragment is dropped. `/api/items/12345?x=7` → `/api/items/?…`;
/// `http://0.0.0.0:8083/route?pickup=1` → `http://0.0.0.0:8083/route…`.
pub fn normalize_url(text: &str) -> String {
    let text = text.trim();
    let text = text.split('#').next().unwrap_or(text);
    let (path_part, query) = match text.find('?') {
        Some(q) => (&text[..q], q + 1 < text.len()),
        None => (text, false),
    };
    let (prefix, path) = match path_part.find("://") {
        Some(p) => match path_part[p + 3..].find('/') {
            Some(k) => path_part.split_at(p + 3 + k),
            None => (path_part, ""),
        },
        None => ("", path_part),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(prefix);
    for (k, seg) in path.split('/').enumerate() {
        if k > 0 {
            out.push('/');
        }
        out.push_str(if is_id_segment(seg) { "?" } else { seg });
    }
    if query {
        out.push('…');
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------------------------

fn time_summary(trace: &Trace, st: &[DurationNs], path: &CriticalPath) -> TimeSummary {
    let trace_ns = trace.duration().0;
    let mut groups: HashMap<(u32, StrId), (i64, usize)> = HashMap::new();
    for segs in path.segments.chunk_by(|a, b| a.span == b.span) {
        let s = segs[0].span;
        let t = segs.iter().fold(0i64, |t, g| t.saturating_add(g.end.since(g.start).0));
        let e = groups.entry((trace.service_index(s), trace.name_id(s))).or_insert((0, 0));
        e.0 = e.0.saturating_add(t);
        e.1 += 1;
    }
    let mut critical: Vec<PathGroup> = groups
        .into_iter()
        .map(|((svc, name), (t, spans))| PathGroup {
            service: trace.service_name(svc).to_string(),
            operation: trace.str(name).to_string(),
            time: DurationNs(t),
            share_of_trace: share(t, trace_ns),
            spans,
        })
        .collect();
    crate::order::sort_by(&mut critical, |a, b| {
        b.time.cmp(&a.time).then_with(|| a.service.cmp(&b.service)).then_with(|| a.operation.cmp(&b.operation))
    });
    critical.truncate(TIME_TOP);

    // The TIME_TOP longest, longest first (ties: the earlier span first), kept in order in one pass.
    let mut top: Vec<u32> = Vec::with_capacity(TIME_TOP + 1);
    for (s, &v) in st.iter().enumerate() {
        if top.len() == TIME_TOP && v <= st[top[TIME_TOP - 1] as usize] {
            continue;
        }
        let at = top.iter().position(|&t| v > st[t as usize]).unwrap_or(top.len());
        top.insert(at, s as u32);
        top.truncate(TIME_TOP);
    }
    let self_time = top
        .into_iter()
        .map(|s| SelfTimeSpan {
            span: SpanIdx(s),
            self_time: st[s as usize],
            share_of_trace: share(st[s as usize].0, trace_ns),
        })
        .collect();
    TimeSummary { trace_duration: trace.duration(), critical_path: critical, self_time }
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

fn error_origins(trace: &Trace, opts: &InsightOptions) -> Vec<ErrorOrigin> {
    if trace.error_count() == 0 {
        return Vec::new();
    }
    // Pre-order: every descendant comes after its ancestors, so one backward pass carries "error below" up.
    let mut below = vec![false; trace.len()];
    for s in trace.spans().rev() {
        if let Some(p) = trace.parent(s) {
            if trace.is_error(s) || below[s.ix()] {
                below[p.ix()] = true;
            }
        }
    }
    let mut group_of: HashMap<(u32, StrId), usize> = HashMap::new();
    let mut groups: Vec<Vec<SpanIdx>> = Vec::new();
    for s in trace.spans() {
        if trace.is_error(s) && !below[s.ix()] {
            let g = *group_of.entry((trace.service_index(s), trace.name_id(s))).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[g].push(s);
        }
    }
    order::sort_by_key2(&mut groups, |g| (!(g.len() as u64), u64::from(g[0].0)));
    groups.truncate(opts.max_findings);
    groups
        .into_iter()
        .map(|spans| {
            let s = spans[0];
            let mut chain = vec![s];
            let mut at = s;
            while let Some(p) = trace.parent(at) {
                chain.push(p);
                at = p;
            }
            chain.reverse();
            let (exception_type, exception_message) = exception_of(trace, s);
            let message = trace.status_message(s);
            ErrorOrigin {
                span: s,
                service: trace.service(s).to_string(),
                name: trace.name(s).to_string(),
                count: spans.len(),
                spans,
                chain,
                status_message: (!message.is_empty()).then(|| message.to_string()),
                exception_type,
                exception_message,
            }
        })
        .collect()
}

fn text_of(trace: &Trace, v: Value<'_>) -> Option<String> {
    let t = trace.value_text(v);
    (!t.is_empty()).then_some(t)
}

/// (type, message) from the first `exception` event that has either, else from the span's attributes.
fn exception_of(trace: &Trace, s: SpanIdx) -> (Option<String>, Option<String>) {
    for e in trace.events(s) {
        if trace.str(e.name) != "exception" {
            continue;
        }
        let (mut ty, mut msg) = (None, None);
        for a in trace.attrs_at(e.attrs) {
            match trace.key(a) {
                "exception.type" if ty.is_none() => ty = text_of(trace, trace.value(a)),
                "exception.message" if msg.is_none() => msg = text_of(trace, trace.value(a)),
                _ => {}
            }
        }
        if ty.is_some() || msg.is_some() {
            return (ty, msg);
        }
    }
    let attr = |key: &str| trace.attribute(s, key).and_then(|v| text_of(trace, v));
    (attr("exception.type").or_else(|| attr("error.type")), attr("exception.message"))
}

// ---------------------------------------------------------------------------------------------------------------
// Shape
// ---------------------------------------------------------------------------------------------------------------

async fn sequential_runs(
    trace: &Trace,
    opts: &InsightOptions,
    in_repeat: &SpanSet,
    pause: &mut impl Pause,
) -> Vec<SequentialRun> {
    let mut found = Vec::new();
    let mut chain: Vec<SpanIdx> = Vec::new();
    let mut keys: Vec<u64> = Vec::new();
    let mut flush = |p: SpanIdx, chain: &mut Vec<SpanIdx>, found: &mut Vec<SequentialRun>| {
        if chain.len() >= SEQUENTIAL_MIN_SPANS {
            keys.clear();
            keys.extend(chain.iter().map(|&c| op_key(trace, c)));
            keys.sort_unstable();
            keys.dedup();
            let total = chain.iter().fold(0i64, |t, &c| t.saturating_add(trace.duration_of(c).0));
            let parallel = chain.iter().map(|&c| trace.duration_of(c).0).max().unwrap_or(0);
            let parent_ns = trace.duration_of(p).0;
            let part = share(total, parent_ns);
            if keys.len() >= SEQUENTIAL_MIN_SPANS && part >= SEQUENTIAL_MIN_SHARE && total > parallel {
                found.push(SequentialRun {
                    parent: p,
                    spans: chain.clone(),
                    total: DurationNs(total),
                    parallel: DurationNs(parallel),
                    share_of_parent: part,
                });
            }
        }
        chain.clear();
    };
    for p in trace.spans() {
        pause_at(p, pause).await;
        if (trace.descendant_count(p) as usize) < SEQUENTIAL_MIN_SPANS || trace.duration_of(p).0 <= 0 {
            continue;
        }
        let mut prev_end = i64::MIN;
        for c in trace.children(p) {
            if in_repeat.contains(c) {
                flush(p, &mut chain, &mut found);
                continue;
            }
            // Consecutive siblings; touching is not overlapping.
            if !chain.is_empty() && trace.start_of(c).0 < prev_end {
                flush(p, &mut chain, &mut found);
            }
            chain.push(c);
            prev_end = busy_end(trace, c);
        }
        flush(p, &mut chain, &mut found);
    }
    order::sort_by_key2(&mut found, |r| (!order::i64_key(r.saving().0), pair_key(r.parent.0, r.spans[0].0)));
    found.truncate(opts.max_findings);
    found
}

async fn gaps(trace: &Trace, opts: &InsightOptions, pause: &mut impl Pause) -> Vec<Gap> {
    let mut found = Vec::new();
    for s in trace.spans() {
        pause_at(s, pause).await;
        let (lo, hi) = (trace.start_of(s).0, trace.end_of(s).0);
        let dur = hi - lo;
        if trace.descendant_count(s) == 0 || dur < GAP_MIN.0 {
            continue;
        }
        let (mut cursor, mut inside) = (lo, false);
        let (mut at, mut longest) = (lo, 0i64);
        for c in trace.children(s) {
            let (a, b) = (trace.start_of(c).0, trace.end_of(c).0);
            if a > hi || b < lo {
                continue;
            }
            inside = true;
            let a = a.max(lo);
            if a - cursor > longest {
                (at, longest) = (cursor, a - cursor);
            }
            cursor = cursor.max(b.min(hi));
        }
        if !inside {
            continue;
        }
        if hi - cursor > longest {
            (at, longest) = (cursor, hi - cursor);
        }
        if longest >= GAP_MIN.0 && share(longest, dur) >= GAP_MIN_SHARE {
            found.push(Gap {
                span: s,
                offset: DurationNs(at - lo),
                length: DurationNs(longest),
                share_of_span: share(longest, dur),
            });
        }
    }
    order::sort_by_key2(&mut found, |g| (!order::i64_key(g.length.0), u64::from(g.span.0)));
    found.truncate(opts.max_findings);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::demo::{checkout_incident, storefront};
    use crate::ids::{SpanId, TraceId};
    use crate::synth::{generate, Role, SynthOptions, SynthSpan};
    use crate::time::TimestampNs;
    use crate::trace::{SpanKind, StatusCode};
    use crate::Format;

    const MS: i64 = 1_000_000;

    fn all() -> InsightOptions {
        InsightOptions { max_findings: usize::MAX, ..InsightOptions::default() }
    }

    /// A trace of (id, parent, start ms, duration ms, name, `db.statement` or ""), ids small integers (0 = root),
    /// one service `svc`; `errors` lists the ids with error status.
    fn tree(spans: &[(u64, u64, i64, i64, &str, &str)], errors: &[u64]) -> Trace {
        let mut b = TraceSetBuilder::new();
        let r = b.add_resource("svc", &[]);
        let mut d = SpanDraft::default();
        for &(id, parent, start, dur, name, stmt) in spans {
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
            d.name = b.intern(name);
            d.resource = r;
            d.start = Some(TimestampNs(start * MS));
            d.duration = Some(DurationNs(dur * MS));
            if !stmt.is_empty() {
                let v = b.str_value(stmt);
                d.attrs.push(b.attr("db.statement", v));
            }
            if errors.contains(&id) {
                d.status = StatusCode::Error;
            }
            b.add_span(&mut d);
        }
        b.finish(&BuildOptions::default()).remove(0)
    }

    fn span(t: &Trace, id: u64) -> SpanIdx {
        t.find_span(SpanId::from_hex(&format!("{id:x}")).unwrap()).unwrap()
    }

    fn names(t: &Trace, spans: &[SpanIdx]) -> Vec<String> {
        spans.iter().map(|&s| t.name(s).to_string()).collect()
    }

    /// A reported repetition really is one: same parent, service, kind, name and normalized statement, in start
    /// order, mostly sequential, with consistent totals.
    fn assert_genuine(t: &Trace, r: &Repeated, min: usize) {
        assert!(r.count >= min && r.count == r.spans.len(), "{r:?}");
        let first = r.spans[0];
        for w in r.spans.windows(2) {
            assert!(w[0] < w[1] && t.start_of(w[0]) <= t.start_of(w[1]), "{r:?}");
        }
        for &s in &r.spans {
            assert_eq!(t.parent(s), Some(r.parent));
            assert_eq!(t.name(s), r.child_name);
            assert_eq!(t.service(s), r.service);
            assert_eq!(t.kind(s), t.kind(first));
            assert_eq!(statement(t, s), r.statement);
        }
        assert_eq!(t.name(r.parent), r.parent_name);
        assert!(r.sequential_fraction >= MOSTLY_SEQUENTIAL && r.sequential_fraction <= 1.0, "{r:?}");
        assert_eq!(r.total.0, r.spans.iter().map(|&s| t.duration_of(s).0).sum::<i64>());
        assert!(r.wall.0 > 0 && r.wall <= r.total, "{r:?}");
        assert!((r.share_of_trace - r.wall.0 as f64 / t.duration().0 as f64).abs() < 1e-12);
    }

    /// What every finding promises, checked against the trace with independent computations.
    fn assert_invariants(t: &Trace, ins: &Insights, opts: &InsightOptions) {
        for r in &ins.repeated {
            assert_genuine(t, r, opts.min_repeats);
        }
        assert!(ins.repeated.windows(2).all(|w| w[0].wall >= w[1].wall));
        // Error origins: exactly the error spans with no error span in their subtree (prefix sums over pre-order).
        let mut before = vec![0u32; t.len() + 1];
        for s in t.spans() {
            before[s.ix() + 1] = before[s.ix()] + u32::from(t.is_error(s));
        }
        let expected: Vec<SpanIdx> =
            t.spans().filter(|&s| t.is_error(s) && before[t.subtree_end(s).ix()] == before[s.ix() + 1]).collect();
        let mut origins: Vec<SpanIdx> = ins.errors.iter().flat_map(|e| e.spans.iter().copied()).collect();
        origins.sort_unstable();
        if ins.errors.len() < opts.max_findings {
            assert_eq!(origins, expected);
        }
        for e in &ins.errors {
            assert_eq!(e.count, e.spans.len());
            assert_eq!(e.span, e.spans[0]);
            assert!(e.spans.iter().all(|&s| t.service(s) == e.service && t.name(s) == e.name));
            assert_eq!(*e.chain.last().unwrap(), e.span);
            assert_eq!(t.parent(e.chain[0]), None);
            assert!(e.chain.windows(2).all(|w| t.parent(w[1]) == Some(w[0])));
        }
        assert!(ins.errors.windows(2).all(|w| w[0].count >= w[1].count));
        // Sequential runs: consecutive siblings, one after another, different operations, a real share.
        for r in &ins.sequential {
            assert!(r.spans.len() >= SEQUENTIAL_MIN_SPANS);
            assert!(r.spans.iter().all(|&s| t.parent(s) == Some(r.parent)));
            for w in r.spans.windows(2) {
                assert_eq!(t.subtree_end(w[0]), w[1], "consecutive siblings");
                assert!(t.start_of(w[1]) >= t.end_of(w[0]));
            }
            let mut keys: Vec<_> = r.spans.iter().map(|&s| (t.service_index(s), t.name_id(s))).collect();
            keys.sort_unstable();
            keys.dedup();
            assert!(keys.len() >= SEQUENTIAL_MIN_SPANS);
            assert!(r.share_of_parent >= SEQUENTIAL_MIN_SHARE && r.saving().0 > 0);
            if ins.repeated.len() < opts.max_findings {
                assert!(ins.repeated.iter().all(|x| x.spans.iter().all(|s| !r.spans.contains(s))));
            }
        }
        assert!(ins.sequential.windows(2).all(|w| w[0].saving() >= w[1].saving()));
        // Gaps: no child runs inside the stretch, and it is large enough.
        for g in &ins.gaps {
            let (lo, dur) = (t.start_of(g.span).0, t.duration_of(g.span).0);
            let (a, b) = (lo + g.offset.0, lo + g.offset.0 + g.length.0);
            assert!(g.length >= GAP_MIN && g.length.0 as f64 >= GAP_MIN_SHARE * dur as f64 && b <= lo + dur);
            assert!(t.children(g.span).all(|c| t.end_of(c).0 <= a || t.start_of(c).0 >= b), "{g:?}");
        }
        assert!(ins.gaps.windows(2).all(|w| w[0].length >= w[1].length));
        for v in [ins.repeated.len(), ins.errors.len(), ins.sequential.len(), ins.gaps.len()] {
            assert!(v <= opts.max_findings);
        }
        // Time: sorted, at most TIME_TOP, self times agree with the analysis module.
        let tm = &ins.time;
        assert!(tm.critical_path.len() <= TIME_TOP && tm.self_time.len() <= TIME_TOP.min(t.len()));
        assert!(tm.critical_path.windows(2).all(|w| w[0].time >= w[1].time));
        assert!(tm.self_time.windows(2).all(|w| w[0].self_time >= w[1].self_time));
        let st = self_times(t);
        let max = st.iter().max().copied();
        assert_eq!(tm.self_time.first().map(|x| x.self_time), max);
        assert!(tm.self_time.iter().all(|x| st[x.span.ix()] == x.self_time));
        // The longest self times, ties by position: what a full sort gives.
        let mut all: Vec<usize> = (0..st.len()).collect();
        all.sort_by_key(|&s| (std::cmp::Reverse(st[s]), s));
        all.truncate(TIME_TOP);
        assert_eq!(tm.self_time.iter().map(|x| x.span.ix()).collect::<Vec<_>>(), all);
    }

    // ---- normalization ----

    #[test]
    fn sql_normalization_masks_values_and_keeps_the_shape() {
        for (raw, want) in [
            ("SELECT * FROM t WHERE id = 42 AND name = 'x'", "SELECT * FROM t WHERE id = ? AND name = ?"),
            ("SELECT * FROM customer WHERE customer_id=731", "SELECT * FROM customer WHERE customer_id=?"),
            ("select * from users where id in (1, 2, 3)", "select * from users where id in (?)"),
            ("SELECT a FROM t WHERE sku IN ('SKU-1','SKU-2') AND b = 1", "SELECT a FROM t WHERE sku IN (?) AND b = ?"),
            ("DELETE FROM t WHERE id IN ($1, $2, $3)", "DELETE FROM t WHERE id IN (?)"),
            (
                "SELECT 1 FROM t WHERE id IN (SELECT id FROM u WHERE v = 3)",
                "SELECT ? FROM t WHERE id IN (SELECT id FROM u WHERE v = ?)",
            ),
            (
                "SELECT * FROM a JOIN b ON a.id = b.id WHERE a.x IN (7)",
                "SELECT * FROM a JOIN b ON a.id = b.id WHERE a.x IN (?)",
            ),
            ("SELECT * FROM s WHERE id = '123e4567-e89b-12d3-a456-426614174000'", "SELECT * FROM s WHERE id = ?"),
            ("DELETE FROM s WHERE id = 123e4567-e89b-12d3-a456-426614174000", "DELETE FROM s WHERE id = ?"),
            ("DELETE FROM s WHERE id = DEADBEEF-0000-4000-8000-00000000CAFE", "DELETE FROM s WHERE id = ?"),
            ("GET session:a3ce929d0e0e4736", "GET session:?"),
            ("SELECT deadbeef FROM t", "SELECT deadbeef FROM t"),
            ("GET product:123456", "GET product:?"),
            (
                "SELECT t1.a FROM table_2024 t1 WHERE x = $1 LIMIT 50",
                "SELECT t1.a FROM table_2024 t1 WHERE x = $1 LIMIT ?",
            ),
            (
                "WHERE p > 3.14 AND n < -2 AND e = 1.5e-3 AND h = 0x1F AND d = 10ms",
                "WHERE p > ? AND n < -? AND e = ? AND h = ? AND d = ?",
            ),
            (r"WHERE name = 'O''Brien' AND note = 'it\'s' AND z = ''", "WHERE name = ? AND note = ? AND z = ?"),
            (r#"SELECT "Order 1", `col 2` FROM "t""#, r#"SELECT "Order 1", `col 2` FROM "t""#),
            ("\n        UPDATE installed_app\n           SET a = ?\n    ", "UPDATE installed_app SET a = ?"),
            ("SELECT 'é' FROM ü WHERE x = 'abc", "SELECT ? FROM ü WHERE x = ?"),
            ("INSERT INTO t (a, b) VALUES (1, 'x')", "INSERT INTO t (a, b) VALUES (?, ?)"),
            ("", ""),
        ] {
            assert_eq!(normalize_sql(raw), want, "{raw:?}");
        }
        // Different values, one statement; different tables, two.
        let q = |sku: &str| normalize_sql(&format!("SELECT sku FROM inventory WHERE sku = '{sku}'"));
        assert_eq!(q("SKU-10231"), q("SKU-88412"));
        assert_ne!(normalize_sql("SELECT * FROM a WHERE id = 1"), normalize_sql("SELECT * FROM b WHERE id = 1"));
    }

    #[test]
    fn url_normalization_masks_ids_and_query_strings() {
        for (raw, want) in [
            ("/api/items/12345?x=7", "/api/items/?…"),
            ("/api/items/12345", "/api/items/?"),
            ("/api/items?", "/api/items"),
            ("http://0.0.0.0:8083/route?dropoff=728%2C326&pickup=367%2C413", "http://0.0.0.0:8083/route…"),
            (
                "https://api.example.com/v1/users/550e8400-e29b-41d4-a716-446655440000/orders/ord-20931#frag",
                "https://api.example.com/v1/users/?/orders/?",
            ),
            ("/v2beta1/oauth2/token", "/v2beta1/oauth2/token"),
            ("/devices/66db21ee-2f03-4f77-9eac-XXXXXXXXXXXX", "/devices/?"),
            ("/files/2024-06-01/blobs/a3ce929d/T703415C", "/files/?/blobs/?/?"),
            ("/api/orders/{orderId}/checkout", "/api/orders/{orderId}/checkout"),
            ("https://cdn.example.com", "https://cdn.example.com"),
            ("http://inventory-service:8080/inventory/reserve", "http://inventory-service:8080/inventory/reserve"),
        ] {
            assert_eq!(normalize_url(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn statements_come_from_the_first_key_present() {
        let t = checkout_incident();
        let by_name = |n: &str| t.spans().find(|&s| t.name(s) == n).unwrap();
        assert_eq!(statement(&t, t.roots()[0]), "/api/orders/?/checkout"); // url.path
        assert_eq!(statement(&t, by_name("pricing.v1.PricingService/Quote")), "Quote"); // rpc.method
        assert_eq!(statement(&t, by_name("GET")), "GET promo:BF-?"); // db.query.text
        assert_eq!(statement(&t, by_name("load order")), "load order"); // the name
        assert_eq!(
            statement(&t, by_name("UPDATE inventory")),
            "UPDATE inventory SET reserved = reserved + $1 WHERE sku = ANY($2)"
        );
    }

    // ---- demos ----

    #[test]
    fn checkout_incident_finds_the_n_plus_one_the_failing_quote_and_where_the_time_went() {
        let t = checkout_incident();
        let ins = insights(&t, &InsightOptions::default());
        assert_invariants(&t, &ins, &InsightOptions::default());

        assert_eq!(ins.repeated.len(), 1, "{:?}", ins.repeated);
        let r = &ins.repeated[0];
        assert_eq!(
            (r.parent_name.as_str(), t.kind(r.parent), t.service(r.parent)),
            ("POST /inventory/reserve", SpanKind::Server, "inventory-service")
        );
        assert_eq!((r.child_name.as_str(), r.service.as_str(), r.count), ("SELECT inventory", "inventory-service", 12));
        assert_eq!(r.statement, "SELECT sku, available, reserved FROM inventory WHERE sku = ?");
        // Durations 270 + (37k mod 23) ms every 284 ms: four overlap the next call by 1–6 ms, the rest leave gaps.
        assert_eq!(r.total, DurationNs(3359 * MS));
        assert_eq!(r.wall, DurationNs(3347 * MS));
        assert!((r.sequential_fraction - 10.0 / 11.0).abs() < 1e-12);
        assert!((r.share_of_trace - 3347.0 / 4182.4).abs() < 1e-9);

        assert_eq!(ins.errors.len(), 1, "{:?}", ins.errors);
        let e = &ins.errors[0];
        assert_eq!(
            (e.service.as_str(), e.name.as_str(), t.kind(e.span), e.count),
            ("pricing-service", "pricing.v1.PricingService/Quote", SpanKind::Server, 1)
        );
        assert_eq!(
            names(&t, &e.chain),
            [
                "POST /api/orders/{orderId}/checkout",
                "pricing.v1.PricingService/Quote",
                "pricing.v1.PricingService/Quote"
            ]
        );
        assert_eq!(t.service(e.chain[1]), "order-service");
        assert_eq!(e.status_message.as_deref(), Some("DiscountRuleNotFound: rule 'BF-2026' missing for sku SKU-88412"));
        assert_eq!(e.exception_type.as_deref(), Some("pricing.rules.DiscountRuleNotFound"));
        assert_eq!(e.exception_message.as_deref(), Some("rule 'BF-2026' missing for sku SKU-88412"));

        let top = &ins.time.critical_path[0];
        assert_eq!((top.service.as_str(), top.operation.as_str()), ("inventory-service", "SELECT inventory"));
        assert!(top.share_of_trace > 0.5, "{top:?}");
        let path_total: i64 = ins.time.critical_path.iter().map(|g| g.time.0).sum();
        assert!(path_total <= t.duration().0);
        assert_eq!(ins.time.self_time[0].span, t.roots()[0]); // 354 ms after the last call, before the response

        // The root's calls run one after another (load, reserve, two quotes, totals, update): 372 ms to gain at most.
        assert_eq!(ins.sequential.len(), 1, "{:?}", ins.sequential);
        let s = &ins.sequential[0];
        assert_eq!(s.parent, t.roots()[0]);
        assert_eq!(s.spans.len(), 6);
        assert_eq!(s.saving(), DurationNs(372 * MS));
        assert!(ins.gaps.is_empty(), "{:?}", ins.gaps);
    }

    #[test]
    fn storefront_has_no_repetition_but_a_retry_a_timeout_and_one_idle_stretch() {
        let t = storefront();
        let ins = insights(&t, &InsightOptions::default());
        assert_invariants(&t, &ins, &InsightOptions::default());
        // What it plants: a retried fraud check (2 calls), a parallel catalog fan-out (4), cache misses, a queue.
        assert!(ins.repeated.is_empty(), "{:?}", ins.repeated);
        for min_repeats in 2..=4 {
            let opts = InsightOptions { min_repeats, max_findings: 20 };
            let low = insights(&t, &opts);
            assert_invariants(&t, &low, &opts);
            let found: Vec<_> =
                low.repeated.iter().map(|r| (r.parent_name.as_str(), r.child_name.as_str(), r.count)).collect();
            // The catalog lookups run at once (sequential fraction 0), so they are never an N+1.
            let want: &[(&str, &str, usize)] =
                if min_repeats == 2 { &[("payment.PaymentService/Charge", "POST /v1/score", 2)] } else { &[] };
            assert_eq!(found, want, "min_repeats {min_repeats}");
        }

        assert_eq!(ins.errors.len(), 1, "{:?}", ins.errors);
        let e = &ins.errors[0];
        assert_eq!(
            (e.service.as_str(), e.name.as_str(), t.kind(e.span)),
            ("payment-service", "POST /v1/score", SpanKind::Client)
        );
        assert_eq!(e.status_message.as_deref(), Some("upstream request timeout after 500ms"));
        assert_eq!((e.exception_type.as_deref(), e.exception_message.as_deref()), (None, None));
        assert_eq!(e.chain.len(), 8);

        let top = &ins.time.critical_path[0];
        assert_eq!((top.service.as_str(), top.operation.as_str(), top.spans), ("fraud-detection", "model.predict", 2));

        // The last recommendation step idles 22 ms after its catalog call.
        assert_eq!(ins.gaps.len(), 1, "{:?}", ins.gaps);
        let g = &ins.gaps[0];
        assert_eq!((t.name(g.span), g.offset, g.length), ("format", DurationNs(63 * MS), DurationNs(22 * MS)));

        let runs: Vec<_> = ins.sequential.iter().map(|r| (t.name(r.parent), r.spans.len())).collect();
        assert_eq!(runs, [("checkout.CheckoutService/PlaceOrder", 5), ("payment.PaymentService/Charge", 4)]);
    }

    #[test]
    fn config_sets_the_fewest_repeats_and_names_what_it_ignores() {
        let default = InsightOptions::default();
        assert_eq!(options_from_config(br#"{"backends":[]}"#), (default.clone(), vec![]));
        assert_eq!(options_from_config(b"not json"), (default.clone(), vec![]));
        assert_eq!(options_from_config(br#"{"insights":null}"#), (default.clone(), vec![]));
        let (opts, notes) = options_from_config(b"\xEF\xBB\xBF{\"insights\":{\"min_repeats\":3}}");
        assert_eq!((opts.min_repeats, notes), (3, vec![]));
        for (bad, found) in
            [("1", "the number 1"), ("2.5", "the number 2.5"), ("-3", "the number -3"), ("\"3\"", "the string \"3\"")]
        {
            let (opts, notes) = options_from_config(format!(r#"{{"insights":{{"min_repeats":{bad}}}}}"#).as_bytes());
            assert_eq!(opts, default, "{bad}");
            assert_eq!(notes.len(), 1, "{bad}");
            assert!(notes[0].starts_with("insights.min_repeats was ignored") && notes[0].contains(found), "{notes:?}");
            assert!(notes[0].ends_with("the default is 5"), "{notes:?}");
        }
        let (opts, notes) = options_from_config(br#"{"insights":{"min_repeat":3,"min_repeats":4}}"#);
        assert_eq!(opts.min_repeats, 4);
        assert_eq!(notes, ["insights.min_repeat was ignored: the one setting there is `min_repeats`"]);
        let (_, notes) = options_from_config(br#"{"insights":[3]}"#);
        assert_eq!(notes, [r#"insights was ignored: it must be an object such as {"min_repeats": 3}, not an array"#]);
    }

    // ---- generated traces ----

    /// The page's insights, computed in pieces with the browser painting in between, are the same as those
    /// computed at once, and they stop in every pass over the spans.
    #[test]
    fn pausing_insights_stop_in_every_pass_and_find_the_same() {
        let spans = 2 * PAUSE_EVERY_SPANS + 1_000;
        let st = generate(&SynthOptions { spans, seed: 4, ..SynthOptions::default() });
        let t = &crate::import(&st.to_json(Format::Jaeger)).unwrap()[0];
        assert_eq!(t.len(), spans);
        let opts = InsightOptions::default();
        let mut stops = crate::testing::Stops::default();
        let (found, polls) =
            crate::testing::Stops::run(insights_pausing(t, &opts, &self_times(t), &critical_path(t), &mut stops));
        assert_eq!(found, insights(t, &opts));
        assert!(!found.repeated.is_empty() && !found.errors.is_empty() && !found.time.critical_path.is_empty());
        let pass = [PAUSE_EVERY_SPANS - 1, 2 * PAUSE_EVERY_SPANS - 1];
        assert_eq!(stops.at, [&pass[..], &[0], &pass, &pass].concat(), "repetition, the rest, sequential runs, gaps");
        assert_eq!(polls, stops.at.len() + 1, "every stop waited once");
    }

    #[test]
    fn synthetic_traces_find_every_planted_n_plus_one_and_nothing_unplanted() {
        let mut incidental = 0;
        for (spans, seed) in [(2_000, 1), (20_000, 2), (30_000, 5), (100_000, 3)] {
            let st = generate(&SynthOptions { spans, seed, ..SynthOptions::default() });
            let t = &crate::import(&st.to_json(Format::Jaeger)).unwrap()[0];
            let opts = all();
            let ins = insights(t, &opts);
            assert_invariants(t, &ins, &opts);
            let by_id: HashMap<u64, &SynthSpan> = st.spans.iter().map(|s| (s.id, s)).collect();
            let id = |s: SpanIdx| t.span_id(s).0.get();
            let mut found: HashMap<(u64, &str), usize> = HashMap::new();
            for r in &ins.repeated {
                *found.entry((id(r.parent), r.child_name.as_str())).or_default() += r.count;
                let roles: Vec<Role> = r.spans.iter().map(|&s| by_id[&id(s)].role).collect();
                let site =
                    st.n_plus_one.iter().find(|x| x.parent_span_id == id(r.parent) && x.child_name == r.child_name);
                let a_loop = st.loops.iter().find(|x| x.parent_span_id == id(r.parent) && x.child_name == r.child_name);
                match (site, a_loop) {
                    (Some(site), _) => assert!(roles.iter().all(|&x| x == site.child_role), "{r:?}"),
                    (None, Some(l)) => assert!(roles.iter().all(|&x| x == l.child_role), "{r:?}"),
                    (None, None) => {
                        // The only repetition the generator makes without recording it: a plain fan-out (at most 8
                        // children) whose client calls happen to pick one endpoint five times or more.
                        assert!(r.count <= 8 && roles.iter().all(|&x| x == Role::Client), "unplanted {r:?}");
                        incidental += 1;
                    }
                }
            }
            // Every N+1 run is found with its count. A cache run's command (`GET product:?`) may also be issued by a
            // lone cache leaf beside the run, which then joins the group.
            for site in &st.n_plus_one {
                let f = found.get(&(site.parent_span_id, site.child_name.as_str())).copied().unwrap_or(0);
                if site.child_role == Role::Cache {
                    assert!((site.count as usize..site.count as usize + 10).contains(&f), "{site:?}: found {f}");
                } else {
                    assert_eq!(f, site.count as usize, "{site:?}");
                }
            }
            // Loops are found with their exact count, and always when the generator laid them out one after another.
            let mut kids: HashMap<u32, Vec<&SynthSpan>> = st.loops.iter().map(|l| (l.parent, Vec::new())).collect();
            for s in &st.spans {
                if let Some(v) = s.parent.and_then(|p| kids.get_mut(&p)) {
                    v.push(s);
                }
            }
            let mut loops_found = 0;
            for l in &st.loops {
                let members: Vec<&&SynthSpan> = kids[&l.parent].iter().filter(|s| s.name == l.child_name).collect();
                assert_eq!(members.len(), l.count as usize);
                let one_after_another = members.windows(2).all(|w| w[1].start_us >= w[0].start_us + w[0].duration_us);
                match found.get(&(l.parent_span_id, l.child_name.as_str())) {
                    Some(&f) => {
                        assert_eq!(f, l.count as usize, "{l:?}");
                        loops_found += 1;
                    }
                    None => assert!(l.count < 5 || !one_after_another, "{l:?} missed"),
                }
            }
            assert!(loops_found > 0 && !st.n_plus_one.is_empty());
        }
        // Seed 3 at 100k spans has one such coincidence: five `GET /api/v2/products/{id}` calls in a row.
        assert_eq!(incidental, 1);
    }

    // ---- real fixtures ----

    #[test]
    fn fixtures_report_only_genuine_repetitions() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut reported: Vec<(String, String, String, usize)> = Vec::new();
        let mut traces = 0;
        for dir in ["jaeger", "otlp", "tempo", "zipkin"] {
            let mut files: Vec<_> =
                std::fs::read_dir(format!("{root}/{dir}")).unwrap().map(|e| e.unwrap().path()).collect();
            files.sort();
            for path in files {
                let file = path.file_name().unwrap().to_string_lossy().to_string();
                // Some fixtures are broken on purpose; the importers' tests cover them.
                let Ok(imported) = crate::import(&std::fs::read(&path).unwrap()) else { continue };
                for t in &imported {
                    traces += 1;
                    let opts = all();
                    let ins = insights(t, &opts);
                    assert_invariants(t, &ins, &opts);
                    for r in &ins.repeated {
                        reported.push((file.clone(), r.parent_name.clone(), r.child_name.clone(), r.count));
                    }
                    if file.contains("hotrod") {
                        let r = &ins.repeated;
                        assert_eq!((r[0].service.as_str(), r[0].statement.as_str()), ("redis-manual", "GetDriver"));
                        assert_eq!((t.service(r[0].parent), r[0].sequential_fraction), ("driver", 1.0));
                        // Ten route calls through a pool of three workers: every call overlaps the next, yet 7 of 10
                        // waited for an earlier one.
                        assert_eq!(r[1].statement, "http://0.0.0.0:8083/route…");
                        assert!((r[1].sequential_fraction - 7.0 / 9.0).abs() < 1e-12);
                        assert!(r[1].spans.iter().all(|&s| t.kind(s) == SpanKind::Client));
                        assert_eq!(ins.errors.len(), 1);
                        let e = &ins.errors[0];
                        assert_eq!((e.service.as_str(), e.name.as_str(), e.count), ("redis-manual", "GetDriver", 3));
                        assert_eq!(e.status_message.as_deref(), Some("An error occurred"));
                    }
                    if file.contains("smartthings") {
                        assert!(ins.repeated.iter().all(|r| r.statement == "SELECT * FROM auth.client WHERE id = ?"));
                    }
                }
            }
        }
        assert!(traces >= 40, "{traces} traces");
        let s = |x: &str| x.to_string();
        let hotrod = "jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json";
        let install = "zipkin-lens_smartthings-mobile-web-install.json";
        let oauth = "zipkin-lens_smartthings-oauth-authorization.json";
        assert_eq!(
            reported,
            [
                (s(hotrod), s("driver.DriverService/FindNearest"), s("GetDriver"), 13),
                (s(hotrod), s("GET /dispatch"), s("HTTP GET"), 10),
                (s(install), s("post /oauth/token"), s("client-select-by-id"), 6),
                (s(install), s("post /implicit-tokens/access"), s("client-select-by-id"), 6),
                (s(oauth), s("post /web/authenticate"), s("client-select-by-id"), 6),
            ]
        );
    }

    // ---- rules on small trees ----

    #[test]
    fn mostly_sequential_counts_the_calls_that_waited() {
        let found = |kids: &[(i64, i64)], stmt: &str| {
            let mut spans = vec![(1, 0, 0, 1000, "parent", "")];
            spans.extend(kids.iter().enumerate().map(|(k, &(s, d))| (k as u64 + 2, 1, s, d, "q", stmt)));
            let t = tree(&spans, &[]);
            insights(&t, &InsightOptions::default()).repeated.first().map(|r| (r.count, r.sequential_fraction))
        };
        // Back to back (touching is not overlapping).
        assert_eq!(found(&[(0, 10), (10, 10), (20, 10), (30, 10), (40, 10), (50, 10)], "SELECT 1"), Some((6, 1.0)));
        // All at once.
        assert_eq!(found(&[(0, 10), (0, 10), (1, 10), (1, 10), (2, 10), (2, 10)], ""), None);
        // A pool of three workers, ten calls: 7 of 10 waited.
        let pool: Vec<(i64, i64)> = (0..10).map(|i| ((i / 3) * 10 + i % 3, 10)).collect();
        let (n, f) = found(&pool, "").unwrap();
        assert_eq!(n, 10);
        assert!((f - 7.0 / 9.0).abs() < 1e-12);
        // Two waves of five: 5 of 9 below the 60% line; one call too few.
        let waves: Vec<(i64, i64)> = (0..10).map(|i| ((i / 5) * 10, 10)).collect();
        assert_eq!(found(&waves, ""), None);
        assert_eq!(found(&[(0, 10), (10, 10), (20, 10), (30, 10)], ""), None);
        // No times to speak of: zero-length calls issued together are concurrent; zero total is not reported.
        assert_eq!(found(&[(5, 0), (5, 0), (5, 0), (5, 0), (5, 0)], ""), None);
        assert_eq!(found(&[(1, 0), (2, 0), (3, 0), (4, 0), (5, 0)], ""), None);

        // Same name, different statements: two groups of five, not one of ten.
        let mut spans = vec![(1, 0, 0, 1000, "parent", "")];
        for k in 0..10u64 {
            let stmt = if k % 2 == 0 { "SELECT * FROM a WHERE id = 1" } else { "SELECT * FROM b WHERE id = 1" };
            spans.push((k + 2, 1, k as i64 * 10, 10, "q", stmt));
        }
        let t = tree(&spans, &[]);
        let rep = insights(&t, &InsightOptions::default()).repeated;
        let got: Vec<_> = rep.iter().map(|r| (r.statement.as_str(), r.count)).collect();
        assert_eq!(got, [("SELECT * FROM a WHERE id = ?", 5), ("SELECT * FROM b WHERE id = ?", 5)]);
        assert_eq!(rep[0].wall, DurationNs(50 * MS));
        let few = insights(&t, &InsightOptions { min_repeats: 5, max_findings: 1 });
        assert_eq!(few.repeated.len(), 1);
    }

    // 100 [0,1000) "root"   its children run one after another: parent, same, small, busy; idle after 700
    // 1 [0,100) "parent"
    // ├── 2 "a" [0,20)
    // ├── 3 "b" [20,40)
    // ├── 4 "c" [45,60)   chain a, b, c: 55 ms back to back, 20 if parallel
    // └── 5 "d" [55,70)   overlaps c: a new chain of one; nothing runs in [70,100): a 30 ms gap
    // 10 [200,300) "same"
    // ├── 11 "a" [200,210), 12 "a" [210,220), 13 "b" [220,230)   only two distinct operations; gap [230,300)
    // 20 [400,500) "small"
    // ├── 21 "a" [400,402), 22 "b" [402,404), 23 "c" [404,406)   alone 6% of the parent, under the 10% line
    // └── 24 "d" [406,490)                                       with it the chain is 90%, saving 6 ms
    // 30 [600,700) "busy"
    // └── 31 "x" [600,685)   idle 15%, under the 20% line
    #[test]
    fn sequential_runs_and_gaps_follow_the_thresholds() {
        let t = tree(
            &[
                (100, 0, 0, 1000, "root", ""),
                (1, 100, 0, 100, "parent", ""),
                (2, 1, 0, 20, "a", ""),
                (3, 1, 20, 20, "b", ""),
                (4, 1, 45, 15, "c", ""),
                (5, 1, 55, 15, "d", ""),
                (10, 100, 200, 100, "same", ""),
                (11, 10, 200, 10, "a", ""),
                (12, 10, 210, 10, "a", ""),
                (13, 10, 220, 10, "b", ""),
                (20, 100, 400, 100, "small", ""),
                (21, 20, 400, 2, "a", ""),
                (22, 20, 402, 2, "b", ""),
                (23, 20, 404, 2, "c", ""),
                (24, 20, 406, 84, "d", ""),
                (30, 100, 600, 100, "busy", ""),
                (31, 30, 600, 85, "x", ""),
            ],
            &[],
        );
        let ins = insights(&t, &InsightOptions::default());
        assert_invariants(&t, &ins, &InsightOptions::default());
        let runs: Vec<_> = ins
            .sequential
            .iter()
            .map(|r| (t.name(r.parent), names(&t, &r.spans).join(" "), r.total, r.parallel))
            .collect();
        assert_eq!(
            runs,
            [
                ("root", s("parent same small busy"), DurationNs(400 * MS), DurationNs(100 * MS)),
                ("parent", s("a b c"), DurationNs(55 * MS), DurationNs(20 * MS)),
                ("small", s("a b c d"), DurationNs(90 * MS), DurationNs(84 * MS)),
            ]
        );
        let gaps: Vec<_> = ins.gaps.iter().map(|g| (t.name(g.span), g.offset, g.length)).collect();
        assert_eq!(
            gaps,
            [
                ("root", DurationNs(700 * MS), DurationNs(300 * MS)),
                ("same", DurationNs(30 * MS), DurationNs(70 * MS)),
                ("parent", DurationNs(70 * MS), DurationNs(30 * MS)),
            ]
        );
        // Under the 1 ms floor (times in ns): idle 800 µs of 900 is not reported.
        let tiny = crate::testing::trace(&[(1, 0, 0, 900_000), (2, 1, 0, 100_000)]);
        assert!(insights(&tiny, &InsightOptions::default()).gaps.is_empty());
        let long = crate::testing::trace(&[(1, 0, 0, 9_000_000), (2, 1, 0, 1_000_000)]);
        assert_eq!(insights(&long, &InsightOptions::default()).gaps[0].length, DurationNs(8_000_000));
    }

    fn s(x: &str) -> String {
        x.to_string()
    }

    // 1 root (error)
    // ├── 2 "call" (error)
    // │   └── 3 "db" (error)      origin
    // ├── 4 "call" (error)        origin: nothing wrong below it
    // │   └── 5 "db"
    // └── 6 "work"
    //     └── 7 "db" (error)      origin, same operation as 3
    #[test]
    fn errors_originate_where_no_error_is_below() {
        let t = tree(
            &[
                (1, 0, 0, 100, "root", ""),
                (2, 1, 0, 10, "call", ""),
                (3, 2, 0, 5, "db", ""),
                (4, 1, 10, 10, "call", ""),
                (5, 4, 10, 5, "db", ""),
                (6, 1, 20, 10, "work", ""),
                (7, 6, 20, 5, "db", ""),
            ],
            &[1, 2, 3, 4, 7],
        );
        let ins = insights(&t, &InsightOptions::default());
        assert_invariants(&t, &ins, &InsightOptions::default());
        let got: Vec<_> =
            ins.errors.iter().map(|e| (e.name.as_str(), e.count, e.spans.clone(), e.chain.clone())).collect();
        assert_eq!(
            got,
            [
                ("db", 2, vec![span(&t, 3), span(&t, 7)], vec![span(&t, 1), span(&t, 2), span(&t, 3)]),
                ("call", 1, vec![span(&t, 4)], vec![span(&t, 1), span(&t, 4)]),
            ]
        );
        let one = insights(&t, &InsightOptions { min_repeats: 5, max_findings: 1 });
        assert_eq!(one.errors.len(), 1);
    }

    #[test]
    fn deep_traces_need_no_recursion() {
        // A chain 100,000 deep; the deepest span fails and issues six queries one after another.
        let depth = 100_000u64;
        let mut spans: Vec<(u64, u64, i64, i64, &str, &str)> =
            (1..=depth).map(|i| (i, i - 1, i as i64, 10_000_000 - i as i64, "step", "")).collect();
        for k in 0..6 {
            spans.push((depth + 1 + k, depth, depth as i64 + k as i64 * 10, 10, "SELECT", "SELECT 1"));
        }
        let t = tree(&spans, &[1, depth / 2, depth]);
        let ins = insights(&t, &InsightOptions::default());
        assert_eq!(ins.repeated.len(), 1);
        assert_eq!(ins.repeated[0].count, 6);
        assert_eq!(ins.errors.len(), 1);
        assert_eq!(ins.errors[0].chain.len(), depth as usize);
        assert_eq!(ins.time.critical_path.len(), 2);
    }
}
