//! Export of a trace, or of a chosen subset of its spans, as OTLP JSON, Jaeger JSON or CSV: what the "Download"
//! menu writes. [`export`] gives the bytes, [`export_in_parts`] the same bytes piece by piece with a pause every
//! [`SPANS_PER_STEP`] spans (how the page writes them), [`file_name`] a name for them. The two JSON forms are
//! written so that [`crate::import()`] reads them back into the same trace (see "Round trip" below;
//! `tests/export_roundtrip.rs` checks it on every fixture).
//!
//! # OTLP JSON
//! `TracesData` as the [OTLP/JSON encoding](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
//! specifies it: one `ResourceSpans` per resource and one `ScopeSpans` per instrumentation scope (in order of
//! first appearance), lower-case hex ids (trace ids always 32 digits, as the spec requires 16 bytes), times in ns
//! as decimal strings, `kind` and `status.code` as integers, `intValue` as a decimal string, every `AnyValue` kind
//! (`bytesValue` as base64, `arrayValue`, `kvlistValue`, `{}` for an empty value, `doubleValue` `"NaN"`,
//! `"Infinity"`, `"-Infinity"` as the proto3 JSON mapping writes them), events, links, status, `flags`,
//! `traceState` and the dropped counts. A resource without a `service.name` attribute gets one from its service
//! (so the service survives), unless the service is OTLP's own default `unknown_service`. Jaeger references kept
//! as links (`CHILD_OF`, `FOLLOWS_FROM`) carry `opentracing.ref_type`, as Jaeger writes them into OTLP. A start
//! time that is not after the epoch is written as `"0"`, which OTLP reads as "not set".
//!
//! # Jaeger JSON
//! The query API's envelope `{"data":[{traceID, processes, warnings, spans}], "total", "limit", "offset",
//! "errors"}` (`processes` and `warnings` before `spans`, so a streaming reader knows them when spans arrive).
//! Ids are written as the source wrote them: hex of the width the trace id had, or the source's text when it
//! was not hex. Times are µs: the start and the end are each rounded down and the duration is their difference,
//! so a child inside its parent stays inside it (no clock-skew adjustment is triggered on reading it back).
//! Tags are typed `string`, `bool`, `int64` (a JSON string beyond ±(2^53−1), as Jaeger does), `float64` (`"NaN"`
//! and `"±Infinity"` as strings) or `binary` (base64); arrays and maps become `string` tags holding their JSON,
//! an empty value a `null` `string` tag. Each resource becomes a process (`p1`, `p2`, … in order of first use)
//! whose tags are the resource's attributes (without a leading `service.name` that merely repeats the service).
//!
//! Jaeger has no field for kind, status, scope or trace state: they travel as the tags Jaeger itself uses and
//! [`crate::import::jaeger`] reads (`span.kind`, `error` = true and `otel.status_code`, `otel.status_description`,
//! `otel.scope.name` / `otel.scope.version`, `w3c.tracestate`). Such a tag is appended only when the span's
//! attributes do not already say the same (a span read from Jaeger JSON still has its tags, so nothing is
//! added twice). Events become logs; the event name is an `event` field, put first unless the fields already
//! name the log that way. The first reference is the parent (`CHILD_OF`; the reference type of a parent is not
//! kept by the model), then the links: `CHILD_OF` and `FOLLOWS_FROM` as they were, plain span links as
//! `FOLLOWS_FROM` (Jaeger's own translation of OTLP links). A link into the span's own trace that a reader would
//! take for the parent (Jaeger UI and spanscope take the first `CHILD_OF`/`FOLLOWS_FROM` reference whose span
//! exists) is left out, with a span warning saying so, so that the tree stays as it is. Span warnings of the
//! source are written as span `warnings`.
//!
//! # CSV
//! One row per span in tree order, RFC 4180 (CRLF line ends, quoting as needed), with a header row:
//! `trace_id, span_id, parent_id, service, name, kind, status, status_message, start_unix_us, duration_us,
//! self_us, depth, error, attributes`. Times are µs with three decimals (exact to the ns); `depth` is 0 for
//! roots; `error` is `true`/`false`; `attributes` is a JSON object of the span's attributes with JSON types.
//!
//! # Ids the formats cannot hold
//! - Zipkin's client and server halves of one call share a span id (the server half is `shared`). JSON formats
//!   other than Zipkin need one id per span, so the server half gets a new id (a hash of the shared one, unique in
//!   the trace) and names its client half as parent, as Jaeger's span-id deduplicator does; its children name the
//!   new id. Every other span keeps its id.
//! - Other repeated span ids stay repeated. Readers attach children of a repeated id to the first span with it,
//!   so the span that has the children is written before the others with its id.
//! - OTLP ids are hex: a span id that was not hex in the source is written as its hashed value.
//!
//! # Subsets
//! With `only`, just those spans are written; a span whose parent is left out names it all the same, so it
//! reads back as a root with a missing parent, as in a partial trace from a backend. (Unless another written
//! span repeats the parent's id: readers resolve a parent by id and hang the span under that one.)
//!
//! # Round trip
//! `import(export(t))` gives back `t`'s ids, tree, names, services, kinds, statuses, times (exact ns through
//! OTLP, µs through Jaeger), attributes, events, links and resource attributes, except for what a format
//! cannot carry: through OTLP, the trace id's width (always 128 bits), non-hex id text and span warnings;
//! through Jaeger, scope attributes, dropped counts, link attributes and trace states, the difference between a
//! plain link and `FOLLOWS_FROM`, and links left out as said above; the added convention tags come back as
//! attributes, and a span with an attribute `error` = true comes back as an error whatever its status (in
//! Jaeger that tag is the status). Siblings that start at the same instant may come back in another order.

use crate::analysis::self_times;
use crate::base64;
use crate::ids::SpanId;
use crate::pause::{run_ready, DynPause, NoPause};
use crate::spanset::SpanSet;
use crate::stats::{csv_field, push_us};
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{LinkKind, SpanIdx, SpanKind, SpanWarning, StatusCode, Trace};
use crate::value::{Attribute, Value};
use hashbrown::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::num::NonZeroU64;

/// A file format spanscope writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    OtlpJson,
    JaegerJson,
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::OtlpJson, ExportFormat::JaegerJson, ExportFormat::Csv];

    /// For menus: `OTLP JSON`, `Jaeger JSON`, `CSV`.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::OtlpJson => "OTLP JSON",
            ExportFormat::JaegerJson => "Jaeger JSON",
            ExportFormat::Csv => "CSV",
        }
    }

    /// The file name ending, with its dot: `.otlp.json`, `.jaeger.json`, `.csv`.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::OtlpJson => ".otlp.json",
            ExportFormat::JaegerJson => ".jaeger.json",
            ExportFormat::Csv => ".csv",
        }
    }

    /// The media type for a download.
    pub fn mime_type(self) -> &'static str {
        match self {
            ExportFormat::OtlpJson | ExportFormat::JaegerJson => "application/json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The trace (or, with `only`, just those spans: a filtered subset) as a document of `format`. JSON is compact
/// and ends with a newline.
pub fn export(trace: &Trace, only: Option<&SpanSet>, format: ExportFormat) -> Vec<u8> {
    let mut out = Vec::new();
    run_ready(export_in_parts(trace, only, format, &mut |part: &[u8]| out.extend_from_slice(part), &mut NoPause));
    out
}

/// How often [`export_in_parts`] hands bytes on and pauses: every this many spans written.
pub const SPANS_PER_STEP: usize = 1024;

/// The size of the pieces [`export_in_parts`] hands on (at least, but for the last; a piece ends after a span).
pub const PART_BYTES: usize = 1 << 20;

/// [`export`]'s document in parts: `part` receives its bytes in order, in pieces of about [`PART_BYTES`] (the
/// page makes a `Blob` of them, so a 1M-span export is never one buffer of 700 MB in the wasm), and `pause` is
/// called every [`SPANS_PER_STEP`] spans with the number of spans written so far (the page shows the progress
/// and lets the browser paint).
pub async fn export_in_parts(
    trace: &Trace,
    only: Option<&SpanSet>,
    format: ExportFormat,
    part: &mut dyn FnMut(&[u8]),
    pause: &mut dyn DynPause,
) {
    let mut steps = Steps { part, pause, spans: 0 };
    let mut w = Json::with_capacity(PART_BYTES + 64 * 1024);
    match format {
        ExportFormat::OtlpJson => write_otlp(&mut w, &Plan::new(trace, only), &mut steps).await,
        ExportFormat::JaegerJson => write_jaeger(&mut w, &Plan::new(trace, only), &mut steps).await,
        ExportFormat::Csv => write_csv(&mut w.b, trace, only, &mut steps).await,
    }
    (steps.part)(&w.b);
}

/// Where the written bytes go, and the pauses between spans (behind pointers: the writers exist once in the
/// wasm, for the page's pausing export and the worker's plain one).
struct Steps<'a> {
    part: &'a mut dyn FnMut(&[u8]),
    pause: &'a mut dyn DynPause,
    spans: usize,
}

impl Steps<'_> {
    /// After each span: every [`SPANS_PER_STEP`] spans, hands `buf` on once it holds [`PART_BYTES`], and pauses.
    async fn span_done(&mut self, buf: &mut Vec<u8>) {
        self.spans += 1;
        if self.spans.is_multiple_of(SPANS_PER_STEP) {
            if buf.len() >= PART_BYTES {
                (self.part)(buf);
                buf.clear();
            }
            self.pause.pause_boxed(self.spans).await;
        }
    }
}

/// A file name for the export: `trace-<id><extension>`, e.g. `trace-4bf92f3577b34da6a3ce929d0e0e4736.otlp.json`.
/// The id is the one the user sees; characters other than ASCII letters, digits, `-`, `_` and `.` become `_`.
pub fn file_name(trace: &Trace, format: ExportFormat) -> String {
    let id: String = trace
        .id_text()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    format!("trace-{id}{}", format.extension())
}

// ---------------------------------------------------------------------------------------------------------
// What to write, shared by both JSON forms.

struct Plan<'t> {
    trace: &'t Trace,
    /// Spans to write, in writing order: tree order, except spans repeating another span's id whose readers must
    /// not attach children to them, which go last.
    order: Vec<SpanIdx>,
    /// How many of `order` come before those repeated ids.
    main: usize,
    /// The id written for each span (all spans, written or not).
    ids: Vec<SpanId>,
    /// Spans given a new id: the server half of a shared Zipkin id, with the id it shared.
    renamed: HashMap<u32, SpanId>,
    /// Ids of the written spans, sorted (what a reader will find in the document).
    written: Vec<u64>,
    /// Source text of ids that were not hex.
    raw: HashMap<u64, &'t str>,
}

impl<'t> Plan<'t> {
    fn new(trace: &'t Trace, only: Option<&SpanSet>) -> Self {
        let n = trace.len();
        let included = |s: SpanIdx| only.is_none_or(|set| set.contains(s));

        // One id per span: a server half sharing its client's id gets a fresh one.
        let mut ids: Vec<SpanId> = trace.spans().map(|s| trace.span_id(s)).collect();
        let mut renamed = HashMap::new();
        let shared: Vec<SpanIdx> =
            trace.spans().filter(|&s| trace.parent(s).is_some_and(|p| trace.span_id(p) == trace.span_id(s))).collect();
        if !shared.is_empty() {
            let mut taken: HashSet<u64> = ids.iter().map(|i| i.get()).collect();
            for s in shared {
                let old = trace.span_id(s);
                let mut h = old.get();
                let new = loop {
                    h = mix64(h ^ 0x5eed_5a4e_d000_0000);
                    if h != 0 && taken.insert(h) {
                        break h;
                    }
                };
                ids[s.ix()] = SpanId(NonZeroU64::new(new).unwrap_or(NonZeroU64::MIN));
                renamed.insert(s.0, old);
            }
        }

        // Ids of the written spans, sorted: what a reader finds in the document, and which ids repeat.
        let mut written: Vec<u64> = trace.spans().filter(|&s| included(s)).map(|s| ids[s.ix()].get()).collect();
        written.sort_unstable();
        let repeated: HashSet<u64> = written.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        // A repeated id: the span children attach to (readers take the first with the id) must come first.
        let mut late = vec![false; if repeated.is_empty() { 0 } else { n }];
        if !repeated.is_empty() {
            let mut owner: HashMap<u64, u32> = HashMap::new();
            for s in trace.spans().filter(|&s| included(s)) {
                if let Some(p) = trace.parent(s).filter(|&p| included(p)) {
                    let id = ids[p.ix()].get();
                    if repeated.contains(&id) {
                        owner.entry(id).or_insert(p.0);
                    }
                }
            }
            for s in trace.spans().filter(|&s| included(s)) {
                if let Some(&o) = owner.get(&ids[s.ix()].get()) {
                    late[s.ix()] = o != s.0;
                }
            }
        }
        let is_late = |s: SpanIdx| late.get(s.ix()).copied().unwrap_or(false);
        let mut order: Vec<SpanIdx> = trace.spans().filter(|&s| included(s) && !is_late(s)).collect();
        let main = order.len();
        order.extend(trace.spans().filter(|&s| included(s) && is_late(s)));

        let raw = trace.raw_span_ids().iter().map(|&(s, text)| (trace.span_id(s).get(), trace.str(text))).collect();
        Plan { trace, order, main, ids, renamed, written, raw }
    }

    /// Whether a span with this id is in the document.
    fn is_written(&self, id: SpanId) -> bool {
        self.written.binary_search(&id.get()).is_ok()
    }

    /// The parent id a span names: its parent's written id, or (for a root) the id the source named.
    fn parent_id(&self, s: SpanIdx) -> Option<SpanId> {
        match self.trace.parent(s) {
            Some(p) => Some(self.ids[p.ix()]),
            None => self.trace.parent_id(s),
        }
    }

    /// The text of a span id for Jaeger: the source's text when it was not hex (the reader hashes it to the
    /// same id), else 16 hex digits. The id written for span `s` is `id_text(ids[s])`.
    fn id_text(&self, id: SpanId) -> String {
        match self.raw.get(&id.get()) {
            Some(t) => t.to_string(),
            None => id.to_hex(),
        }
    }

    /// [`Plan::id_text`] as a JSON string, without allocating for hex.
    fn write_id(&self, w: &mut Json, id: SpanId) {
        match self.raw.get(&id.get()) {
            Some(t) => w.str(t),
            None => w.hex(id.get() as u128, 16),
        }
    }
}

/// splitmix64's finalizer.
fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------------------------------------
// JSON primitives.

struct Json {
    b: Vec<u8>,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Json {
    fn with_capacity(n: usize) -> Self {
        Json { b: Vec::with_capacity(n) }
    }

    fn raw(&mut self, s: &str) {
        self.b.extend_from_slice(s.as_bytes());
    }

    /// A JSON string literal.
    fn str(&mut self, s: &str) {
        self.b.push(b'"');
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.b.extend_from_slice(&bytes[from..i]);
            if esc.is_empty() {
                self.b.extend_from_slice(b"\\u00");
                self.b.push(HEX[(c >> 4) as usize]);
                self.b.push(HEX[(c & 15) as usize]);
            } else {
                self.b.extend_from_slice(esc);
            }
            from = i + 1;
        }
        self.b.extend_from_slice(&bytes[from..]);
        self.b.push(b'"');
    }

    /// `"key":`
    fn key(&mut self, k: &str) {
        self.str(k);
        self.b.push(b':');
    }

    /// `,"key":` (every key but an object's first).
    fn next_key(&mut self, k: &str) {
        self.b.push(b',');
        self.key(k);
    }

    /// A quoted lower-case hex number of `digits` digits (an id), written without allocating.
    fn hex(&mut self, v: u128, digits: u32) {
        self.b.push(b'"');
        for k in (0..digits).rev() {
            self.b.push(HEX[((v >> (4 * k)) & 15) as usize]);
        }
        self.b.push(b'"');
    }

    fn int(&mut self, v: i64) {
        let _ = write!(self.b, "{v}");
    }

    fn quoted_int(&mut self, v: i64) {
        let _ = write!(self.b, "\"{v}\"");
    }

    /// A finite double as a JSON number in its shortest exact form; NaN and the infinities as the strings the
    /// proto3 JSON mapping uses.
    fn double(&mut self, v: f64) {
        if v.is_finite() {
            let _ = write!(self.b, "{v:?}");
        } else {
            self.raw(non_finite(v));
        }
    }

    /// A comma before every element but the first.
    fn sep(&mut self, first: &mut bool) {
        if !*first {
            self.b.push(b',');
        }
        *first = false;
    }
}

fn non_finite(v: f64) -> &'static str {
    if v.is_nan() {
        "\"NaN\""
    } else if v > 0.0 {
        "\"Infinity\""
    } else {
        "\"-Infinity\""
    }
}

// ---------------------------------------------------------------------------------------------------------
// OTLP JSON.

fn otlp_kind(k: SpanKind) -> i64 {
    match k {
        SpanKind::Unspecified => 0,
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

fn otlp_status(c: StatusCode) -> i64 {
    match c {
        StatusCode::Unset => 0,
        StatusCode::Ok => 1,
        StatusCode::Error => 2,
    }
}

/// Nanoseconds since the epoch for a fixed64 field (a time not after the epoch is "not set": `"0"`).
fn otlp_time(t: TimestampNs) -> i64 {
    t.0.max(0)
}

/// The spans of one resource, grouped by scope: (scope, spans).
type ByScope = Vec<(u32, Vec<SpanIdx>)>;

async fn write_otlp(w: &mut Json, plan: &Plan<'_>, steps: &mut Steps<'_>) {
    let t = plan.trace;
    w.raw("{\"resourceSpans\":[");
    let mut first = true;
    for part in [&plan.order[..plan.main], &plan.order[plan.main..]] {
        // Resources, then scopes, in order of first appearance; spans in tree order within each.
        let mut groups: Vec<(u32, ByScope)> = Vec::new();
        let mut group_of: HashMap<(u32, u32), (usize, usize)> = HashMap::new();
        let mut res_of: HashMap<u32, usize> = HashMap::new();
        for &s in part {
            let (r, sc) = (t.resource_index(s), t.scope_index(s));
            let (gi, si) = *group_of.entry((r, sc)).or_insert_with(|| {
                let gi = *res_of.entry(r).or_insert_with(|| {
                    groups.push((r, Vec::new()));
                    groups.len() - 1
                });
                groups[gi].1.push((sc, Vec::new()));
                (gi, groups[gi].1.len() - 1)
            });
            groups[gi].1[si].1.push(s);
        }
        for (r, scopes) in &groups {
            w.sep(&mut first);
            w.raw("{\"resource\":");
            otlp_resource(w, t, *r);
            w.raw(",\"scopeSpans\":[");
            let mut first_scope = true;
            for (sc, spans) in scopes {
                w.sep(&mut first_scope);
                w.raw("{");
                let scope = &t.arena().scopes[*sc as usize];
                let attrs = t.attrs_at(scope.attrs);
                if *sc != 0 && (!scope.name.is_empty() || !scope.version.is_empty() || !attrs.is_empty()) {
                    w.key("scope");
                    w.raw("{");
                    w.key("name");
                    w.str(t.str(scope.name));
                    w.next_key("version");
                    w.str(t.str(scope.version));
                    if !attrs.is_empty() {
                        w.next_key("attributes");
                        otlp_attrs(w, t, attrs, None);
                    }
                    w.raw("},");
                }
                w.key("spans");
                w.raw("[");
                let mut first_span = true;
                for &s in spans {
                    w.sep(&mut first_span);
                    otlp_span(w, plan, s);
                    steps.span_done(&mut w.b).await;
                }
                w.raw("]}");
            }
            w.raw("]}");
        }
    }
    w.raw("]}\n");
}

fn otlp_resource(w: &mut Json, t: &Trace, r: u32) {
    let res = &t.arena().resources[r as usize];
    let attrs = t.attrs_at(res.attrs);
    let service = t.str(res.service);
    let has_name = attrs.iter().any(|a| t.key(a) == "service.name");
    w.raw("{\"attributes\":");
    let extra = (!has_name && service != "unknown_service").then_some(("service.name", service));
    otlp_attrs(w, t, attrs, extra);
    w.raw("}");
}

/// A `KeyValue` list; `first` is an extra string attribute written before the others.
fn otlp_attrs(w: &mut Json, t: &Trace, attrs: &[Attribute], first: Option<(&str, &str)>) {
    w.raw("[");
    let mut sep = true;
    if let Some((k, v)) = first {
        w.sep(&mut sep);
        w.raw("{\"key\":");
        w.str(k);
        w.raw(",\"value\":{\"stringValue\":");
        w.str(v);
        w.raw("}}");
    }
    for a in attrs {
        w.sep(&mut sep);
        w.raw("{\"key\":");
        w.str(t.key(a));
        w.raw(",\"value\":");
        any_value(w, t, t.value(a));
        w.raw("}");
    }
    w.raw("]");
}

/// An OTLP `AnyValue`, recursively (nesting is bounded by what the importer accepted).
fn any_value(w: &mut Json, t: &Trace, v: Value<'_>) {
    match v {
        Value::Str(s) => {
            w.raw("{\"stringValue\":");
            w.str(s);
        }
        Value::Bool(b) => w.raw(if b { "{\"boolValue\":true" } else { "{\"boolValue\":false" }),
        Value::Int(i) => {
            w.raw("{\"intValue\":");
            w.quoted_int(i);
        }
        Value::Double(d) => {
            w.raw("{\"doubleValue\":");
            w.double(d);
        }
        Value::Bytes(b) => {
            w.raw("{\"bytesValue\":");
            w.str(&base64::encode(b));
        }
        Value::Array(items) => {
            w.raw("{\"arrayValue\":{\"values\":[");
            let mut first = true;
            for a in items {
                w.sep(&mut first);
                any_value(w, t, t.value(a));
            }
            w.raw("]}");
        }
        Value::KvList(items) => {
            w.raw("{\"kvlistValue\":{\"values\":");
            otlp_attrs(w, t, items, None);
            w.raw("}");
        }
        Value::Empty => w.raw("{"),
    }
    w.raw("}");
}

fn otlp_span(w: &mut Json, plan: &Plan<'_>, s: SpanIdx) {
    let t = plan.trace;
    w.raw("{\"traceId\":");
    w.hex(t.id().value, 32);
    w.next_key("spanId");
    w.hex(plan.ids[s.ix()].get() as u128, 16);
    if let Some(p) = plan.parent_id(s) {
        w.next_key("parentSpanId");
        w.hex(p.get() as u128, 16);
    }
    if !t.trace_state(s).is_empty() {
        w.next_key("traceState");
        w.str(t.trace_state(s));
    }
    if t.flags(s) != 0 {
        w.next_key("flags");
        w.int(t.flags(s) as i64);
    }
    w.next_key("name");
    w.str(t.name(s));
    w.next_key("kind");
    w.int(otlp_kind(t.kind(s)));
    w.next_key("startTimeUnixNano");
    w.quoted_int(otlp_time(t.start_of(s)));
    w.next_key("endTimeUnixNano");
    w.quoted_int(otlp_time(t.end_of(s)));
    w.next_key("attributes");
    otlp_attrs(w, t, t.attributes(s), None);
    let dropped = t.dropped(s);
    if dropped.attributes != 0 {
        w.next_key("droppedAttributesCount");
        w.int(dropped.attributes as i64);
    }
    w.next_key("events");
    w.raw("[");
    let mut first = true;
    for e in t.events(s) {
        w.sep(&mut first);
        w.raw("{\"timeUnixNano\":");
        w.quoted_int(otlp_time(e.time));
        w.next_key("name");
        w.str(t.str(e.name));
        w.next_key("attributes");
        otlp_attrs(w, t, t.attrs_at(e.attrs), None);
        if e.dropped_attributes_count != 0 {
            w.next_key("droppedAttributesCount");
            w.int(e.dropped_attributes_count as i64);
        }
        w.raw("}");
    }
    w.raw("]");
    if dropped.events != 0 {
        w.next_key("droppedEventsCount");
        w.int(dropped.events as i64);
    }
    w.next_key("links");
    w.raw("[");
    let mut first = true;
    for l in t.links(s) {
        w.sep(&mut first);
        w.raw("{\"traceId\":");
        w.hex(l.trace_id.value, 32);
        w.next_key("spanId");
        w.hex(l.span_id.get() as u128, 16);
        if !l.trace_state.is_empty() {
            w.next_key("traceState");
            w.str(t.str(l.trace_state));
        }
        w.next_key("attributes");
        let attrs = t.attrs_at(l.attrs);
        let ref_type = match l.kind {
            LinkKind::ChildOf => Some("child_of"),
            LinkKind::FollowsFrom => Some("follows_from"),
            LinkKind::Link => None,
        };
        let ref_type = ref_type.filter(|_| !attrs.iter().any(|a| t.key(a) == "opentracing.ref_type"));
        otlp_attrs(w, t, attrs, ref_type.map(|r| ("opentracing.ref_type", r)));
        if l.dropped_attributes_count != 0 {
            w.next_key("droppedAttributesCount");
            w.int(l.dropped_attributes_count as i64);
        }
        w.raw("}");
    }
    w.raw("]");
    if dropped.links != 0 {
        w.next_key("droppedLinksCount");
        w.int(dropped.links as i64);
    }
    w.next_key("status");
    w.raw("{");
    let mut first = true;
    if t.status(s) != StatusCode::Unset {
        w.sep(&mut first);
        w.key("code");
        w.int(otlp_status(t.status(s)));
    }
    if !t.status_message(s).is_empty() {
        w.sep(&mut first);
        w.key("message");
        w.str(t.status_message(s));
    }
    w.raw("}}");
}

// ---------------------------------------------------------------------------------------------------------
// Jaeger JSON.

/// Largest integer a JavaScript number holds exactly; Jaeger writes larger `int64` tags as strings.
const MAX_SAFE_INT: i64 = (1 << 53) - 1;

async fn write_jaeger(w: &mut Json, plan: &Plan<'_>, steps: &mut Steps<'_>) {
    let t = plan.trace;
    let trace_text = t.id_text();
    // Processes: one per resource, numbered in order of first use.
    let mut process_of: HashMap<u32, usize> = HashMap::new();
    let mut processes: Vec<u32> = Vec::new();
    for &s in &plan.order {
        let r = t.resource_index(s);
        process_of.entry(r).or_insert_with(|| {
            processes.push(r);
            processes.len()
        });
    }
    w.raw("{\"data\":[{\"traceID\":");
    w.str(&trace_text);
    w.next_key("processes");
    w.raw("{");
    let mut first = true;
    for (k, &r) in processes.iter().enumerate() {
        w.sep(&mut first);
        w.key(&format!("p{}", k + 1));
        let res = &t.arena().resources[r as usize];
        let service = t.str(res.service);
        let mut attrs = t.attrs_at(res.attrs);
        // The reader adds `service.name` first when the tags lack it: leave out a first one that repeats it.
        if let Some((a, rest)) = attrs.split_first() {
            if t.key(a) == "service.name" && t.value(a) == Value::Str(service) {
                attrs = rest;
            }
        }
        w.raw("{\"serviceName\":");
        w.str(service);
        w.next_key("tags");
        w.raw("[");
        let mut first_tag = true;
        for a in attrs {
            w.sep(&mut first_tag);
            jaeger_tag(w, t, t.key(a), t.value(a));
        }
        w.raw("]}");
    }
    w.raw("},\"warnings\":null,\"spans\":[");
    let mut first = true;
    for &s in &plan.order {
        w.sep(&mut first);
        jaeger_span(w, plan, s, &trace_text, process_of[&t.resource_index(s)]);
        steps.span_done(&mut w.b).await;
    }
    w.raw("]}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n");
}

/// One typed tag (or log field).
fn jaeger_tag(w: &mut Json, t: &Trace, key: &str, v: Value<'_>) {
    w.raw("{\"key\":");
    w.str(key);
    match v {
        Value::Str(s) => {
            w.raw(",\"type\":\"string\",\"value\":");
            w.str(s);
        }
        Value::Bool(b) => {
            w.raw(if b { ",\"type\":\"bool\",\"value\":true" } else { ",\"type\":\"bool\",\"value\":false" })
        }
        Value::Int(i) => {
            w.raw(",\"type\":\"int64\",\"value\":");
            if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&i) {
                w.int(i);
            } else {
                w.quoted_int(i);
            }
        }
        Value::Double(d) => {
            w.raw(",\"type\":\"float64\",\"value\":");
            w.double(d);
        }
        Value::Bytes(b) => {
            w.raw(",\"type\":\"binary\",\"value\":");
            w.str(&base64::encode(b));
        }
        Value::Array(_) | Value::KvList(_) => {
            w.raw(",\"type\":\"string\",\"value\":");
            w.str(&t.value_text(v));
        }
        Value::Empty => w.raw(",\"type\":\"string\",\"value\":null"),
    }
    w.raw("}");
}

/// What a tag's value reads as once written (the Jaeger reader's text of it).
fn tag_text(t: &Trace, v: Value<'_>) -> String {
    match v {
        Value::Double(d) if !d.is_finite() => non_finite(d).trim_matches('"').to_string(),
        Value::Empty => String::new(),
        v => t.value_text(v),
    }
}

/// What Jaeger's OpenTelemetry tags among `attrs` say about a span, read as [`crate::import::jaeger`] reads
/// them (the last of a key wins; `otel.scope.*` over `otel.library.*`).
#[derive(Default)]
struct Conventions {
    kind: SpanKind,
    error_tag: bool,
    status_code: Option<StatusCode>,
    message: String,
    scope_name: Option<String>,
    scope_name_is_new: bool,
    scope_version: Option<String>,
    trace_state: String,
}

impl Conventions {
    fn read(t: &Trace, attrs: &[Attribute]) -> Self {
        let mut c = Conventions::default();
        for a in attrs {
            let v = t.value(a);
            match t.key(a) {
                "span.kind" => {
                    if let Some(k) = match v {
                        Value::Str(s) => SpanKind::from_name(s),
                        _ => None,
                    } {
                        c.kind = k;
                    }
                }
                "error" => {
                    c.error_tag |= match v {
                        Value::Bool(b) => b,
                        Value::Str(s) => s.trim().eq_ignore_ascii_case("true"),
                        _ => false,
                    }
                }
                "otel.status_code" => {
                    let text = tag_text(t, v);
                    let code = text.trim();
                    let code = code.strip_prefix("STATUS_CODE_").unwrap_or(code);
                    if code.eq_ignore_ascii_case("ERROR") {
                        c.status_code = Some(StatusCode::Error);
                    } else if code.eq_ignore_ascii_case("OK") {
                        c.status_code = Some(StatusCode::Ok);
                    }
                }
                "otel.status_description" => c.message = tag_text(t, v),
                "otel.scope.name" => {
                    c.scope_name = Some(tag_text(t, v));
                    c.scope_name_is_new = true;
                }
                "otel.library.name" if !c.scope_name_is_new => c.scope_name = Some(tag_text(t, v)),
                "otel.scope.version" => c.scope_version = Some(tag_text(t, v)),
                "otel.library.version" if c.scope_version.is_none() => c.scope_version = Some(tag_text(t, v)),
                "w3c.tracestate" => c.trace_state = tag_text(t, v),
                _ => {}
            }
        }
        c
    }

    fn status(&self) -> StatusCode {
        if self.error_tag {
            StatusCode::Error
        } else {
            self.status_code.unwrap_or(StatusCode::Unset)
        }
    }
}

/// The tags to append so that a reader of the span's tags finds its kind, status, scope and trace state.
fn convention_tags<'t>(t: &'t Trace, s: SpanIdx) -> Vec<(&'static str, Value<'t>)> {
    let have = Conventions::read(t, t.attributes(s));
    let mut out = Vec::new();
    if have.kind != t.kind(s) {
        out.push(("span.kind", Value::Str(t.kind(s).as_str())));
    }
    if have.status() != t.status(s) {
        match t.status(s) {
            StatusCode::Error => {
                out.push(("error", Value::Bool(true)));
                out.push(("otel.status_code", Value::Str("ERROR")));
            }
            StatusCode::Ok => out.push(("otel.status_code", Value::Str("OK"))),
            StatusCode::Unset => {} // tags can set a status, not clear one
        }
    }
    if have.message != t.status_message(s) {
        out.push(("otel.status_description", Value::Str(t.status_message(s))));
    }
    let scope = t.scope(s);
    let (name, version) = (t.str(scope.name), t.str(scope.version));
    let have_scope = match &have.scope_name {
        Some(n) => (n.as_str(), have.scope_version.as_deref().unwrap_or("")),
        None => ("", ""),
    };
    if have_scope != (name, version) {
        if have.scope_name.as_deref() != Some(name) {
            out.push(("otel.scope.name", Value::Str(name)));
        }
        if have.scope_version.as_deref().unwrap_or("") != version {
            out.push(("otel.scope.version", Value::Str(version)));
        }
    }
    if have.trace_state != t.trace_state(s) {
        out.push(("w3c.tracestate", Value::Str(t.trace_state(s))));
    }
    out
}

/// The name a Jaeger reader gives a log with these fields: the first string `event`, else the first string
/// `message`, else `log`.
fn log_name<'a>(t: &'a Trace, attrs: &[Attribute]) -> &'a str {
    let first = |key: &str| {
        attrs.iter().filter(|a| t.key(a) == key).find_map(|a| match t.value(a) {
            Value::Str(s) => Some(s),
            _ => None,
        })
    };
    first("event").or_else(|| first("message")).unwrap_or("log")
}

/// Jaeger µs: start and end rounded down each (see the module docs).
fn jaeger_times(t: &Trace, s: SpanIdx) -> (i64, i64) {
    let start = t.start_of(s).as_us();
    (start, t.end_of(s).as_us() - start)
}

fn jaeger_span(w: &mut Json, plan: &Plan<'_>, s: SpanIdx, trace_text: &str, process: usize) {
    let t = plan.trace;
    let mut warnings: Vec<String> = Vec::new();
    w.raw("{\"traceID\":");
    w.str(trace_text);
    w.next_key("spanID");
    plan.write_id(w, plan.ids[s.ix()]);
    w.next_key("operationName");
    w.str(t.name(s));
    w.next_key("references");
    w.raw("[");
    let parent = plan.parent_id(s);
    let mut first = true;
    if let Some(p) = parent {
        w.sep(&mut first);
        w.raw("{\"refType\":\"CHILD_OF\",\"traceID\":");
        w.str(trace_text);
        w.next_key("spanID");
        plan.write_id(w, p);
        w.raw("}");
    }
    let own_trace = t.id().value;
    for l in t.links(s) {
        let same_trace = l.trace_id.value == own_trace;
        // Readers take the first same-trace reference whose span is in the document (else the first one) as the
        // parent: a link must not get ahead of the real parent.
        let would_parent = same_trace
            && match parent {
                None => true,
                Some(p) => !plan.is_written(p) && plan.is_written(l.span_id) && l.span_id != p,
            };
        if would_parent {
            warnings.push(format!(
                "a link to span {} of this trace was left out: Jaeger would read it as the span's parent",
                plan.id_text(l.span_id)
            ));
            continue;
        }
        w.sep(&mut first);
        w.raw(match l.kind {
            LinkKind::ChildOf => "{\"refType\":\"CHILD_OF\",\"traceID\":",
            LinkKind::FollowsFrom | LinkKind::Link => "{\"refType\":\"FOLLOWS_FROM\",\"traceID\":",
        });
        if same_trace {
            w.str(trace_text);
        } else {
            w.str(&l.trace_id.to_hex());
        }
        w.next_key("spanID");
        plan.write_id(w, l.span_id);
        w.raw("}");
    }
    w.raw("]");
    w.next_key("flags");
    w.int(t.flags(s) as i64);
    let (start_us, duration_us) = jaeger_times(t, s);
    w.next_key("startTime");
    w.int(start_us);
    w.next_key("duration");
    w.int(duration_us);
    w.next_key("tags");
    w.raw("[");
    let mut first = true;
    for a in t.attributes(s) {
        w.sep(&mut first);
        jaeger_tag(w, t, t.key(a), t.value(a));
    }
    for (k, v) in convention_tags(t, s) {
        w.sep(&mut first);
        jaeger_tag(w, t, k, v);
    }
    w.raw("]");
    w.next_key("logs");
    w.raw("[");
    let mut first = true;
    for e in t.events(s) {
        w.sep(&mut first);
        w.raw("{\"timestamp\":");
        w.int(e.time.as_us());
        w.next_key("fields");
        w.raw("[");
        let attrs = t.attrs_at(e.attrs);
        let name = t.str(e.name);
        let mut first_field = true;
        if log_name(t, attrs) != name {
            w.sep(&mut first_field);
            jaeger_tag(w, t, "event", Value::Str(name));
        }
        for a in attrs {
            w.sep(&mut first_field);
            jaeger_tag(w, t, t.key(a), t.value(a));
        }
        w.raw("]}");
    }
    w.raw("]");
    w.next_key("processID");
    w.str(&format!("p{process}"));
    if let Some(old) = plan.renamed.get(&s.0) {
        warnings.push(format!(
            "span id {} stands for {}, which this span shared with its client span (Zipkin): Jaeger needs one id \
             per span",
            plan.ids[s.ix()].to_hex(),
            plan.id_text(*old)
        ));
    }
    let source = t.span_warnings(s).filter_map(|x| match x {
        SpanWarning::Source(text) => Some(text.as_str()),
        _ => None,
    });
    let all: Vec<&str> = source.chain(warnings.iter().map(String::as_str)).collect();
    w.next_key("warnings");
    if all.is_empty() {
        w.raw("null");
    } else {
        w.raw("[");
        let mut first = true;
        for text in all {
            w.sep(&mut first);
            w.str(text);
        }
        w.raw("]");
    }
    w.raw("}");
}

// ---------------------------------------------------------------------------------------------------------
// CSV.

/// The CSV header (see the module docs).
pub const CSV_HEADER: &str = "trace_id,span_id,parent_id,service,name,kind,status,status_message,start_unix_us,\
                              duration_us,self_us,depth,error,attributes";

async fn write_csv(buf: &mut Vec<u8>, t: &Trace, only: Option<&SpanSet>, steps: &mut Steps<'_>) {
    let self_ns = self_times(t);
    let trace_id = t.id_text();
    // One row at a time (the field writers, shared with the statistics CSV, write to a `String`).
    let mut out = String::with_capacity(1024);
    let mut json = Json::with_capacity(256);
    buf.extend_from_slice(CSV_HEADER.as_bytes());
    buf.extend_from_slice(b"\r\n");
    for s in t.spans().filter(|&s| only.is_none_or(|set| set.contains(s))) {
        out.clear();
        csv_field(&mut out, &trace_id);
        out.push(',');
        csv_field(&mut out, &t.span_id_text(s));
        out.push(',');
        let parent = match t.parent(s) {
            Some(p) => t.span_id_text(p),
            None => t.parent_id(s).map(|p| p.to_hex()).unwrap_or_default(),
        };
        csv_field(&mut out, &parent);
        out.push(',');
        csv_field(&mut out, t.service(s));
        out.push(',');
        csv_field(&mut out, t.name(s));
        let _ = write!(out, ",{},{},", t.kind(s).as_str(), t.status(s).as_str());
        csv_field(&mut out, t.status_message(s));
        out.push(',');
        push_us(&mut out, DurationNs(t.start_of(s).0));
        out.push(',');
        push_us(&mut out, t.duration_of(s));
        out.push(',');
        push_us(&mut out, self_ns[s.ix()]);
        let _ = write!(out, ",{},{},", t.depth_of(s), t.is_error(s));
        json.b.clear();
        json_object(&mut json, t, t.attributes(s));
        csv_field(&mut out, std::str::from_utf8(&json.b).unwrap_or_default());
        out.push_str("\r\n");
        buf.extend_from_slice(out.as_bytes());
        steps.span_done(buf).await;
    }
}

/// Attributes as a JSON object with JSON types (bytes as base64 text, NaN and infinities as strings).
fn json_object(w: &mut Json, t: &Trace, attrs: &[Attribute]) {
    w.raw("{");
    let mut first = true;
    for a in attrs {
        w.sep(&mut first);
        w.key(t.key(a));
        json_value(w, t, t.value(a));
    }
    w.raw("}");
}

fn json_value(w: &mut Json, t: &Trace, v: Value<'_>) {
    match v {
        Value::Str(s) => w.str(s),
        Value::Bool(b) => w.raw(if b { "true" } else { "false" }),
        Value::Int(i) => w.int(i),
        Value::Double(d) => w.double(d),
        Value::Bytes(b) => w.str(&base64::encode(b)),
        Value::Array(items) => {
            w.raw("[");
            let mut first = true;
            for a in items {
                w.sep(&mut first);
                json_value(w, t, t.value(a));
            }
            w.raw("]");
        }
        Value::KvList(items) => json_object(w, t, items),
        Value::Empty => w.raw("null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, LinkDraft, SpanDraft, TraceSetBuilder};
    use crate::ids::TraceId;
    use crate::import::import;
    use crate::intern::StrId;
    use crate::value::StoredValue;

    fn json(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
    }

    /// One span (trace 64-bit `abc`) with a value of every kind, an event, a link, an error status, a scope.
    fn every_value() -> Trace {
        let mut b = TraceSetBuilder::new();
        let region = b.str_attr("cloud.region", "eu-west-1");
        let r = b.add_resource("checkout", &[region]);
        let sc = b.add_scope("io.opentelemetry.jdbc", "2.1", &[]);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("abc"),
            span_id: SpanId::from_hex("1"),
            name: b.intern("GET /cart"),
            resource: r,
            scope: sc,
            kind: SpanKind::Server,
            status: StatusCode::Error,
            status_message: b.intern("boom"),
            start: Some(TimestampNs(1_700_000_000_123_456_789)),
            duration: Some(DurationNs(2_500)),
            flags: 1,
            trace_state: b.intern("congo=t61"),
            ..SpanDraft::default()
        };
        let one = StoredValue::int(1);
        let text = b.str_value("x");
        let arr = b.array_value(&[one, text]);
        let inner = b.attr("k", StoredValue::bool(true));
        let kv = b.kvlist_value(&[inner]);
        let bytes = b.bytes_value(&[0, 1, 2, 255]);
        let attrs = [
            b.str_attr("s", "a \"quoted\"\nline"),
            b.attr("b", StoredValue::bool(false)),
            b.attr("i", StoredValue::int(-42)),
            b.attr("big", StoredValue::int(i64::MAX)),
            b.attr("d", StoredValue::double(0.1)),
            b.attr("nan", StoredValue::double(f64::NAN)),
            b.attr("inf", StoredValue::double(f64::NEG_INFINITY)),
            b.attr("bytes", bytes),
            b.attr("arr", arr),
            b.attr("kv", kv),
            b.attr("empty", StoredValue::empty()),
        ];
        d.attrs.extend(attrs);
        let exc = b.intern("exception");
        let msg = b.str_attr("exception.message", "boom");
        d.push_event(TimestampNs(1_700_000_000_123_457_000), exc, [msg]);
        let la = b.str_attr("link.reason", "retry");
        d.links.push(LinkDraft {
            kind: LinkKind::Link,
            trace_id: TraceId::from_hex("ffff").unwrap(),
            span_id: SpanId::from_hex("9").unwrap(),
            trace_state: StrId::EMPTY,
            attr_count: 1,
            dropped_attributes_count: 0,
        });
        d.link_attrs.push(la);
        b.add_span(&mut d);
        b.finish(&BuildOptions::default()).remove(0)
    }

    #[test]
    fn otlp_follows_the_json_encoding() {
        let t = every_value();
        let doc = json(&export(&t, None, ExportFormat::OtlpJson));
        let rs = &doc["resourceSpans"][0];
        assert_eq!(rs["resource"]["attributes"][0]["key"], "service.name");
        assert_eq!(rs["resource"]["attributes"][1]["value"]["stringValue"], "eu-west-1");
        let ss = &rs["scopeSpans"][0];
        assert_eq!(
            (ss["scope"]["name"].as_str(), ss["scope"]["version"].as_str()),
            (Some("io.opentelemetry.jdbc"), Some("2.1"))
        );
        let span = &ss["spans"][0];
        assert_eq!(span["traceId"], "00000000000000000000000000000abc");
        assert_eq!(span["spanId"], "0000000000000001");
        assert!(span.get("parentSpanId").is_none());
        assert_eq!((span["kind"].as_i64(), span["flags"].as_i64()), (Some(2), Some(1)));
        assert_eq!(span["startTimeUnixNano"], "1700000000123456789");
        assert_eq!(span["endTimeUnixNano"], "1700000000123459289");
        assert_eq!(span["traceState"], "congo=t61");
        assert_eq!(span["status"], serde_json::json!({"code": 2, "message": "boom"}));
        let values: Vec<String> =
            span["attributes"].as_array().unwrap().iter().map(|a| a["value"].to_string()).collect();
        assert_eq!(
            values,
            [
                r#"{"stringValue":"a \"quoted\"\nline"}"#,
                r#"{"boolValue":false}"#,
                r#"{"intValue":"-42"}"#,
                r#"{"intValue":"9223372036854775807"}"#,
                r#"{"doubleValue":0.1}"#,
                r#"{"doubleValue":"NaN"}"#,
                r#"{"doubleValue":"-Infinity"}"#,
                r#"{"bytesValue":"AAEC/w=="}"#,
                r#"{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"}]}}"#,
                r#"{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":true}}]}}"#,
                r#"{}"#,
            ]
        );
        assert_eq!(span["events"][0]["timeUnixNano"], "1700000000123457000");
        assert_eq!(span["events"][0]["name"], "exception");
        assert_eq!(span["links"][0]["traceId"], "0000000000000000000000000000ffff");
        assert_eq!(span["links"][0]["attributes"][0]["key"], "link.reason");
        // And it reads back.
        let back = import(&export(&t, None, ExportFormat::OtlpJson)).unwrap().remove(0);
        let s = SpanIdx(0);
        assert_eq!(
            (back.kind(s), back.status(s), back.status_message(s)),
            (SpanKind::Server, StatusCode::Error, "boom")
        );
        let texts = |t: &Trace| t.attributes(s).iter().map(|a| t.value_text(t.value(a))).collect::<Vec<_>>();
        assert_eq!(texts(&back), texts(&t));
    }

    #[test]
    fn jaeger_carries_kind_status_and_scope_as_tags() {
        let t = every_value();
        let doc = json(&export(&t, None, ExportFormat::JaegerJson));
        let tr = &doc["data"][0];
        assert_eq!(tr["traceID"], "0000000000000abc"); // the width the trace id had
        assert_eq!(tr["processes"]["p1"]["serviceName"], "checkout");
        assert_eq!(tr["processes"]["p1"]["tags"][0]["key"], "cloud.region");
        let span = &tr["spans"][0];
        assert_eq!((span["startTime"].as_i64(), span["duration"].as_i64()), (Some(1_700_000_000_123_456), Some(3)));
        let tags: Vec<String> = span["tags"].as_array().unwrap().iter().map(|a| a.to_string()).collect();
        assert_eq!(
            tags,
            [
                r#"{"key":"s","type":"string","value":"a \"quoted\"\nline"}"#,
                r#"{"key":"b","type":"bool","value":false}"#,
                r#"{"key":"i","type":"int64","value":-42}"#,
                r#"{"key":"big","type":"int64","value":"9223372036854775807"}"#,
                r#"{"key":"d","type":"float64","value":0.1}"#,
                r#"{"key":"nan","type":"float64","value":"NaN"}"#,
                r#"{"key":"inf","type":"float64","value":"-Infinity"}"#,
                r#"{"key":"bytes","type":"binary","value":"AAEC/w=="}"#,
                r#"{"key":"arr","type":"string","value":"[1,\"x\"]"}"#,
                r#"{"key":"kv","type":"string","value":"{\"k\":true}"}"#,
                r#"{"key":"empty","type":"string","value":null}"#,
                r#"{"key":"span.kind","type":"string","value":"server"}"#,
                r#"{"key":"error","type":"bool","value":true}"#,
                r#"{"key":"otel.status_code","type":"string","value":"ERROR"}"#,
                r#"{"key":"otel.status_description","type":"string","value":"boom"}"#,
                r#"{"key":"otel.scope.name","type":"string","value":"io.opentelemetry.jdbc"}"#,
                r#"{"key":"otel.scope.version","type":"string","value":"2.1"}"#,
                r#"{"key":"w3c.tracestate","type":"string","value":"congo=t61"}"#,
            ]
        );
        assert_eq!(
            span["logs"][0]["fields"][0],
            serde_json::json!({"key":"event","type":"string","value":"exception"})
        );
        assert_eq!(span["references"][0]["refType"], "FOLLOWS_FROM");
        assert_eq!(span["references"][0]["traceID"], "000000000000ffff");

        // Read back, then written again: the tags now say it all, so nothing is appended twice.
        let back = import(&export(&t, None, ExportFormat::JaegerJson)).unwrap().remove(0);
        let s = SpanIdx(0);
        assert_eq!(
            (back.kind(s), back.status(s), back.status_message(s)),
            (SpanKind::Server, StatusCode::Error, "boom")
        );
        assert_eq!((back.str(back.scope(s).name), back.trace_state(s)), ("io.opentelemetry.jdbc", "congo=t61"));
        assert_eq!(back.str(back.events(s)[0].name), "exception");
        let again = export(&back, None, ExportFormat::JaegerJson);
        assert_eq!(json(&again)["data"][0]["spans"][0]["tags"].as_array().unwrap().len(), 18);
        assert_eq!(again, export(&import(&again).unwrap()[0], None, ExportFormat::JaegerJson));
    }

    fn tree(spans: &[(u64, u64, i64, i64)]) -> Trace {
        crate::testing::trace(spans)
    }

    // 1 ─┬─ 2 ── 3
    //    └─ 4
    // Exporting {2, 3, 4}: 2 and 4 name 1, which is not in the document.
    #[test]
    fn a_subset_keeps_its_parents_ids_as_missing_parents() {
        let t = tree(&[(1, 0, 1000, 100), (2, 1, 1010, 50), (3, 2, 1020, 10), (4, 1, 1070, 20)]);
        let mut only = SpanSet::with_len(t.len());
        for s in t.spans().skip(1) {
            only.insert(s);
        }
        for f in [ExportFormat::OtlpJson, ExportFormat::JaegerJson] {
            let back = import(&export(&t, Some(&only), f)).unwrap().remove(0);
            assert_eq!(back.len(), 3, "{f:?}");
            assert_eq!(back.roots().len(), 2, "{f:?}");
            for &r in back.roots() {
                let w: Vec<&SpanWarning> = back.span_warnings(r).collect();
                assert_eq!(w, [&SpanWarning::MissingParent(SpanId::from_hex("1").unwrap())], "{f:?}");
            }
        }
        let csv = String::from_utf8(export(&t, Some(&only), ExportFormat::Csv)).unwrap();
        assert_eq!(csv.lines().count(), 4);
    }

    // Zipkin: client 0xa (svc-a) and its server half 0xa (svc-b, shared), with child 0xb under the server half.
    #[test]
    fn a_shared_zipkin_id_gets_a_new_id_for_the_server_half() {
        let zipkin = br#"[
          {"traceId":"1","id":"a","kind":"CLIENT","name":"call","timestamp":10,"duration":100,"localEndpoint":{"serviceName":"svc-a"}},
          {"traceId":"1","id":"a","kind":"SERVER","name":"call","timestamp":20,"duration":80,"shared":true,"localEndpoint":{"serviceName":"svc-b"}},
          {"traceId":"1","id":"b","parentId":"a","name":"work","timestamp":30,"duration":10,"localEndpoint":{"serviceName":"svc-b"}}
        ]"#;
        let t = import(zipkin).unwrap().remove(0);
        assert_eq!(t.depth(), 3);
        for f in [ExportFormat::OtlpJson, ExportFormat::JaegerJson] {
            let back = import(&export(&t, None, f)).unwrap().remove(0);
            assert!(
                back.warnings().iter().all(|(_, w)| matches!(w, SpanWarning::Source(_))),
                "{f:?}: {:?}",
                back.warnings()
            );
            assert_eq!(back.depth(), 3, "{f:?}");
            let server = SpanIdx(1);
            assert_eq!((back.service(server), back.parent(server)), ("svc-b", Some(SpanIdx(0))), "{f:?}");
            assert_ne!(back.span_id(server), t.span_id(server), "{f:?}");
            assert_eq!(back.span_id(SpanIdx(2)), t.span_id(SpanIdx(2)), "{f:?}");
        }
    }

    // A root with a link into its own trace: Jaeger readers would make the linked span its parent, so the link
    // is left out (with a warning) rather than the tree changed.
    #[test]
    fn a_link_that_jaeger_would_read_as_the_parent_is_left_out() {
        let mut b = crate::testing::builder(&[(1, 0, 1000, 100)]);
        let r = b.add_resource("svc", &[]);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("1"),
            span_id: SpanId::from_hex("2"),
            resource: r,
            start: Some(TimestampNs(2000)),
            duration: Some(DurationNs(10)),
            ..SpanDraft::default()
        };
        for (trace, span) in [("1", "1"), ("2", "1")] {
            d.links.push(LinkDraft {
                kind: LinkKind::Link,
                trace_id: TraceId::from_hex(trace).unwrap(),
                span_id: SpanId::from_hex(span).unwrap(),
                trace_state: StrId::EMPTY,
                attr_count: 0,
                dropped_attributes_count: 0,
            });
        }
        b.add_span(&mut d);
        let t = b.finish(&BuildOptions::default()).remove(0);
        let back = import(&export(&t, None, ExportFormat::JaegerJson)).unwrap().remove(0);
        assert_eq!(back.roots().len(), 2);
        let s = back.find_span(SpanId::from_hex("2").unwrap()).unwrap();
        assert_eq!(back.links(s).len(), 1);
        assert_eq!(back.links(s)[0].kind, LinkKind::FollowsFrom);
        assert!(back.span_warnings(s).any(|w| w.message().contains("left out")));
    }

    #[test]
    fn csv_has_one_row_per_span_and_quotes_as_needed() {
        let t = every_value();
        let csv = String::from_utf8(export(&t, None, ExportFormat::Csv)).unwrap();
        let (header, row) = csv.split_once("\r\n").unwrap();
        assert_eq!(header, CSV_HEADER);
        assert!(row.starts_with(
            "0000000000000abc,0000000000000001,,checkout,GET /cart,server,error,boom,1700000000123456.789,2.500,2.500,0,true,\"{\"\"s\"\":\"\"a \\\"\"quoted\\\"\"\\nline\"\""
        ), "{row}");
        assert!(row.ends_with(",\"\"empty\"\":null}\"\r\n"), "{row}");
    }

    #[test]
    fn file_names_say_the_format_and_are_safe() {
        let t = every_value();
        assert_eq!(file_name(&t, ExportFormat::OtlpJson), "trace-0000000000000abc.otlp.json");
        assert_eq!(file_name(&t, ExportFormat::JaegerJson), "trace-0000000000000abc.jaeger.json");
        assert_eq!(file_name(&t, ExportFormat::Csv), "trace-0000000000000abc.csv");
        let odd =
            import(br#"{"traceID":"a/b c","spans":[{"spanID":"x","operationName":"o","startTime":1,"duration":1}]}"#)
                .unwrap()
                .remove(0);
        assert_eq!(file_name(&odd, ExportFormat::Csv), "trace-a_b_c.csv");
    }
}
