//! Jaeger JSON: the query service's v1 "UI model", as `/api/traces/{id}` serves it and Jaeger UI's
//! "Upload JSON" reads it. References: <https://www.jaegertracing.io/docs/latest/apis/> (the query API) and the
//! jaeger-idl model (<https://github.com/jaegertracing/jaeger-idl/blob/main/proto/api_v2/model.proto>); the JSON
//! shape itself is `internal/uimodel/model.go` in jaegertracing/jaeger (see `FORMATS.md` §1.4).
//!
//! # Documents read
//! - the API envelope `{"data": [trace, …], "total", "limit", "offset", "errors"}`, and `{"data": trace}`;
//! - a bare trace `{"traceID", "spans", "processes", "warnings"}`, or an array of them;
//! - an array of spans that embed their `process` (`{"serviceName", "tags"}`) instead of a `processID`
//!   (the anonymizer's and Elasticsearch's form), or a single span object;
//! - several of these one after another: JSON Lines, one trace per line (Jaeger UI's upload reads `.jsonl` so).
//!
//! Keys may come in any order, unknown keys are ignored, and spans of one trace may be spread over several
//! trace objects (they are merged by trace id). An envelope with no spans whose `errors` say why is reported
//! as [`ImportError::Content`] with the server's messages.
//!
//! # Mapping
//! - ids: `traceID`/`spanID` are hex of any width (a 31-digit id is a 128-bit id without its leading zero);
//!   other text (`"trace-123"`) gets a stable hashed id and is kept for display.
//! - parent: the first `CHILD_OF` or `FOLLOWS_FROM` reference (in file order, same trace) whose span exists in
//!   the document, as Jaeger UI does; when none exists, the first such reference (the builder then flags the
//!   span `MissingParent`). Every other reference becomes a link (`CHILD_OF` / `FOLLOWS_FROM`; an unknown
//!   `refType` a plain link). The legacy `parentSpanID` is used when no reference names a span of the same
//!   trace.
//! - `startTime`/`duration` are µs (numbers, or numeric strings); a missing or zero `startTime` counts as
//!   missing. `flags` are kept.
//! - tags become span attributes with their types (`string`, `bool`, `int64`, `float64`, `binary`); an `int64`
//!   beyond 2^53 written as a string is parsed, `binary` is base64-decoded to bytes, and a value that does not
//!   match its type (or an unknown type) is kept as a string: a tag never fails a file.
//! - OpenTelemetry conventions read from tags (the tags stay): `span.kind` → kind; `error` = `true` (bool or
//!   string) or `otel.status_code` = `ERROR` → error status; `otel.status_code` = `OK` → ok;
//!   `otel.status_description` → status message; `otel.scope.name`/`otel.scope.version` (or the older
//!   `otel.library.name`/`otel.library.version`) → instrumentation scope; `w3c.tracestate` → trace state.
//! - `logs` become events named after their `event` field (else `message`, else `"log"`), with every field as
//!   an attribute; a log without timestamp is placed at the span start.
//! - a process becomes a resource: its `serviceName` (also as attribute `service.name`) and its tags.
//!   Identical processes share one resource, so a million embedded processes cost one resource.
//! - span `warnings` become source warnings; trace-level `warnings` are attached to the trace object's first
//!   span, prefixed `"trace: "`.
//!
//! # Streaming
//! Spans go into the builder as they are read; nothing but the current span is materialized. Go writes
//! `processes` and `warnings` after `spans`: a span read before its trace object's `processes` goes into the
//! builder with its resource left for later ([`RESOURCE_LATER`]), and when the object ends its resource is set
//! and the object's `warnings` are given to its first span. Only a trace object whose spans come before its
//! `traceID` (a span may lack its own) needs more: then a first pass reads the document once more from the start
//! (a stream is opened again), keeps each trace object's `traceID`, `processes` and `warnings` and skips the rest
//! unbuilt. Spans whose references name two or more different spans of their trace wait for the end of the
//! document, when it is known which of them exist. The document is a `str` in memory (its UTF-8 checked once, so
//! serde_json does not validate each string again) or a stream (see [`super::Input`]).

use super::common::{place_untimed_events, seed_is_visitor, text_of, Int, Micros, TagVal, Text, NO_TIME};
use super::{elem, shape_error, Elements, Format, ImportError, Input, ValueReader};
use crate::build::{LinkDraft, SpanDraft, TraceSetBuilder, RESOURCE_LATER};
use crate::ids::{SpanId, TraceId};
use crate::intern::StrId;
use crate::number::f64_from_str;
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{LinkKind, SpanKind, StatusCode};
use crate::value::{Attribute, StoredValue};
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt::{self, Write as _};
use std::marker::PhantomData;

/// Parses a Jaeger JSON document into `b`.
pub(crate) fn parse(b: &mut TraceSetBuilder, input: Input<'_>) -> Result<(), ImportError> {
    let result = {
        let mut st = State::new(b, input);
        input.each_value(&mut st).map(|()| st.finish())
    };
    match result {
        Ok(done) => done,
        Err(e) => Err(shape_error(Format::Jaeger, e, input)),
    }
}

/// The path serde_path_to_error gives the failure of [`parse`] (see `path_differential`).
#[cfg(test)]
pub(super) fn spte_path(bytes: &[u8]) -> Option<String> {
    let mut scratch = TraceSetBuilder::new();
    let mut st = State::new(&mut scratch, Input::Text(std::str::from_utf8(bytes).ok()?));
    super::common::spte_path(bytes, Doc::<super::InPlace> { st: &mut st, data: false, k: PhantomData })
}

// ---------------------------------------------------------------------------------------------------------
// Wire types (small ones; spans are visited field by field).

/// Every key this module looks at, in traces, spans and envelopes.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(field_identifier)]
enum Field {
    #[serde(rename = "traceID")]
    TraceId,
    #[serde(rename = "spanID")]
    SpanId,
    #[serde(rename = "parentSpanID")]
    ParentSpanId,
    #[serde(rename = "operationName")]
    OperationName,
    #[serde(rename = "references")]
    References,
    #[serde(rename = "flags")]
    Flags,
    #[serde(rename = "startTime")]
    StartTime,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "logs")]
    Logs,
    #[serde(rename = "processID")]
    ProcessId,
    #[serde(rename = "process")]
    Process,
    #[serde(rename = "warnings")]
    Warnings,
    #[serde(rename = "spans")]
    Spans,
    #[serde(rename = "processes")]
    Processes,
    #[serde(rename = "data")]
    Data,
    #[serde(rename = "errors")]
    Errors,
    #[serde(other)]
    Other,
}

impl Field {
    /// Keys only a span has (`traceID` and `warnings` are shared with traces).
    fn is_span_only(self) -> bool {
        matches!(
            self,
            Field::SpanId
                | Field::ParentSpanId
                | Field::OperationName
                | Field::References
                | Field::Flags
                | Field::StartTime
                | Field::Duration
                | Field::Tags
                | Field::Logs
                | Field::ProcessId
                | Field::Process
        )
    }
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow, default)]
    key: Text<'a>,
    #[serde(rename = "type", borrow, default)]
    ty: Option<Text<'a>>,
    #[serde(borrow, default)]
    value: TagVal<'a>,
}

#[derive(Deserialize)]
struct ProcessJson<'a> {
    #[serde(rename = "serviceName", borrow, default)]
    service: Option<Text<'a>>,
    #[serde(borrow, default)]
    tags: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
struct RefJson<'a> {
    #[serde(rename = "refType", borrow, default)]
    ref_type: Option<Text<'a>>,
    #[serde(rename = "traceID", borrow, default)]
    trace_id: Option<Text<'a>>,
    #[serde(rename = "spanID", borrow, default)]
    span_id: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct ServerError {
    #[serde(default)]
    msg: Option<String>,
}

/// A reference as read, before the parent is chosen.
#[derive(Debug, Clone, Copy)]
struct Ref {
    kind: LinkKind,
    /// `CHILD_OF` or `FOLLOWS_FROM`: may be the parent.
    may_parent: bool,
    trace: Option<TraceId>,
    span: SpanId,
}

// ---------------------------------------------------------------------------------------------------------
// State.

/// What the first pass learned about one trace object (by its position among all objects in the document).
#[derive(Default)]
struct Meta {
    trace_id: Option<TraceId>,
    processes: Option<HashMap<String, u32>>,
    warnings: Option<Vec<String>>,
}

/// The trace object whose spans are being read.
#[derive(Default)]
struct TraceCtx {
    trace_id: Option<TraceId>,
    processes: HashMap<String, u32>,
    /// `processes` has been read (here or by the first pass).
    processes_known: bool,
    processes_from_meta: bool,
    warnings: Vec<String>,
    warnings_known: bool,
    warnings_from_meta: bool,
    /// The trace-level warnings have been given to a span.
    warnings_attached: bool,
    /// Spans read before `processes` (Go writes them after `spans`), each with the slot of the process it
    /// names: their resources are set when the object ends ([`State::settle`]).
    late: Vec<(Added, u32)>,
    /// processID → slot, for `late`.
    late_slots: HashMap<String, u32>,
    /// The object's first span, read before its `warnings`: it gets them when the object ends.
    late_first: Option<Added>,
}

/// Where a span read went: into the builder (its position), or to the spans waiting for the end of the
/// document (its index in [`State::deferred`]).
#[derive(Clone, Copy)]
enum Added {
    Builder(usize),
    Deferred(usize),
}

/// One span being read.
#[derive(Default)]
struct SpanAcc {
    draft: SpanDraft,
    trace_id: Option<TraceId>,
    /// `processID` (reused buffer; meaningful when `has_process_id`).
    process_id: String,
    has_process_id: bool,
    /// From an embedded `process`.
    resource: Option<u32>,
    refs: Vec<Ref>,
    parent_span_id: Option<SpanId>,
    scope_name: Option<String>,
    scope_name_is_new: bool,
    scope_version: Option<String>,
    error_tag: bool,
    status_code: Option<StatusCode>,
}

impl SpanAcc {
    fn reset(&mut self) {
        self.trace_id = None;
        self.process_id.clear();
        self.has_process_id = false;
        self.resource = None;
        self.refs.clear();
        self.parent_span_id = None;
        self.scope_name = None;
        self.scope_name_is_new = false;
        self.scope_version = None;
        self.error_tag = false;
        self.status_code = None;
    }
}

/// A span whose parent is decided when the whole document has been read.
struct Deferred {
    draft: SpanDraft,
    refs: Vec<Ref>,
}

struct State<'a> {
    b: &'a mut TraceSetBuilder,
    /// The document, read again by the first pass.
    input: Input<'a>,
    spans_before: usize,
    /// Reused for the spans of `spans` arrays.
    acc: SpanAcc,
    /// Content key → resource, so identical processes share one.
    resources: HashMap<String, u32>,
    scopes: HashMap<String, u32>,
    key: String,
    unknown_resource: Option<u32>,
    /// Position of the next trace object (or other object) in the document.
    next_object: usize,
    /// The first pass's findings, once it ran.
    pre: Option<Vec<Meta>>,
    /// (trace, span) keys of every span read, for choosing among several references.
    seen: Vec<u64>,
    deferred: Vec<Deferred>,
    server_errors: Vec<String>,
}

const UNKNOWN_SERVICE: &str = "unknown";

fn span_key(trace: Option<TraceId>, span: SpanId) -> u64 {
    let t = trace.map(|t| t.value).unwrap_or(0);
    let mut h = (t as u64) ^ ((t >> 64) as u64).rotate_left(29) ^ span.get().wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // splitmix64 finalizer
    h = (h ^ (h >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    h ^ (h >> 31)
}

impl<'a> State<'a> {
    fn new(b: &'a mut TraceSetBuilder, input: Input<'a>) -> Self {
        State {
            spans_before: b.span_count(),
            b,
            input,
            acc: SpanAcc::default(),
            resources: HashMap::new(),
            scopes: HashMap::new(),
            key: String::new(),
            unknown_resource: None,
            next_object: 0,
            pre: None,
            seen: Vec::new(),
            deferred: Vec::new(),
            server_errors: Vec::new(),
        }
    }

    /// After the whole document: spans with several candidate parents, then the server's errors.
    fn finish(mut self) -> Result<(), ImportError> {
        if !self.deferred.is_empty() {
            self.seen.sort_unstable();
            for mut dfr in std::mem::take(&mut self.deferred) {
                let trace = dfr.draft.trace_id;
                let same =
                    |r: &Ref| r.may_parent && (r.trace.is_none() || r.trace.map(|t| t.value) == trace.map(|t| t.value));
                let exists = |r: &Ref| self.seen.binary_search(&span_key(trace, r.span)).is_ok();
                let chosen =
                    dfr.refs.iter().position(|r| same(r) && exists(r)).or_else(|| dfr.refs.iter().position(same));
                set_parent_and_links(&mut dfr.draft, &dfr.refs, chosen);
                self.b.add_span(&mut dfr.draft);
            }
        }
        if self.b.span_count() == self.spans_before && !self.server_errors.is_empty() {
            return Err(ImportError::Content {
                format: Format::Jaeger,
                message: format!("the server answered with errors: {}", self.server_errors.join("; ")),
            });
        }
        Ok(())
    }

    /// Runs the first pass once: `traceID`, `processes` and `warnings` of every trace object.
    fn ensure_first_pass(&mut self) {
        if self.pre.is_some() {
            return;
        }
        let mut metas = Vec::new();
        // A failure here is met again, with a proper message, by the main pass; keep what was read.
        let input = self.input;
        let _ = input.each_value(&mut PrePass { st: self, metas: &mut metas });
        self.pre = Some(metas);
    }

    fn meta(&mut self, object: usize) -> Option<Meta> {
        self.pre.as_mut().and_then(|m| m.get_mut(object)).map(std::mem::take)
    }

    fn trace_id(&mut self, text: &str) -> Option<TraceId> {
        (!text.is_empty()).then(|| self.b.trace_id_from_text(text))
    }

    /// A tag value by its declared Jaeger type; anything that does not fit is kept as text.
    fn value(&mut self, ty: &str, v: &TagVal<'_>) -> StoredValue {
        let b = &mut *self.b;
        if matches!(v, TagVal::Null) {
            return StoredValue::empty();
        }
        let t = ty.as_bytes();
        let is = |name: &str| t.eq_ignore_ascii_case(name.as_bytes());
        let typed = if ty.is_empty() {
            // No type: take the JSON type.
            match v {
                TagVal::Str(s) => Some(b.str_value(s)),
                TagVal::Bool(x) => Some(StoredValue::bool(*x)),
                TagVal::I64(i) => Some(StoredValue::int(*i)),
                TagVal::U64(u) => i64::try_from(*u).ok().map(StoredValue::int),
                TagVal::F64(f) => Some(StoredValue::double(*f)),
                _ => None,
            }
        } else if is("string") {
            match v {
                TagVal::Str(s) => Some(b.str_value(s)),
                _ => None,
            }
        } else if is("bool") {
            match v {
                TagVal::Bool(x) => Some(StoredValue::bool(*x)),
                TagVal::Str(s) if s.trim().eq_ignore_ascii_case("true") => Some(StoredValue::bool(true)),
                TagVal::Str(s) if s.trim().eq_ignore_ascii_case("false") => Some(StoredValue::bool(false)),
                _ => None,
            }
        } else if is("int64") {
            match v {
                TagVal::I64(i) => Some(StoredValue::int(*i)),
                TagVal::U64(u) => i64::try_from(*u).ok().map(StoredValue::int),
                TagVal::F64(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Some(StoredValue::int(*f as i64)),
                TagVal::Str(s) => s.trim().parse::<i64>().ok().map(StoredValue::int),
                _ => None,
            }
        } else if is("float64") {
            match v {
                TagVal::F64(f) => Some(StoredValue::double(*f)),
                TagVal::I64(i) => Some(StoredValue::double(*i as f64)),
                TagVal::U64(u) => Some(StoredValue::double(*u as f64)),
                TagVal::Str(s) => f64_from_str(s.trim()).map(StoredValue::double),
                _ => None,
            }
        } else if is("binary") {
            match v {
                TagVal::Str(s) => crate::base64::decode(s.trim()).map(|bytes| b.bytes_value(&bytes)),
                _ => None,
            }
        } else {
            None
        };
        match typed {
            Some(x) => x,
            None => {
                let text = v.text();
                b.str_value(&text)
            }
        }
    }

    fn attr(&mut self, kv: &KeyValue<'_>) -> Attribute {
        let v = self.value(text_of(&kv.ty), &kv.value);
        self.b.attr(&kv.key.0, v)
    }

    /// The resource of a process, shared with every identical process.
    fn resource(&mut self, p: &ProcessJson<'_>) -> u32 {
        let service = text_of(&p.service);
        let service = if service.is_empty() { UNKNOWN_SERVICE } else { service };
        let tags = p.tags.as_deref().unwrap_or(&[]);
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.push_str(service);
        for kv in tags {
            key.push('\u{1}');
            key.push_str(&kv.key.0);
            key.push('\u{2}');
            key.push_str(text_of(&kv.ty));
            key.push('\u{2}');
            let tag = match &kv.value {
                TagVal::Str(_) => 's',
                TagVal::Bool(_) => 'b',
                TagVal::I64(_) | TagVal::U64(_) => 'i',
                TagVal::F64(_) => 'f',
                TagVal::Null => 'n',
                TagVal::Json(_) => 'j',
            };
            key.push(tag);
            match &kv.value {
                TagVal::Str(s) => key.push_str(s),
                TagVal::F64(f) => {
                    let _ = write!(key, "{}", f.to_bits());
                }
                other => key.push_str(&other.text()),
            }
        }
        let found = self.resources.get(key.as_str()).copied();
        let r = match found {
            Some(r) => r,
            None => {
                let mut attrs = Vec::with_capacity(tags.len() + 1);
                if !tags.iter().any(|kv| kv.key.0 == "service.name") {
                    attrs.push(self.b.str_attr("service.name", service));
                }
                for kv in tags {
                    let a = self.attr(kv);
                    attrs.push(a);
                }
                let r = self.b.add_resource(service, &attrs);
                self.resources.insert(key.clone(), r);
                r
            }
        };
        self.key = key;
        r
    }

    fn unknown_resource(&mut self) -> u32 {
        *self.unknown_resource.get_or_insert_with(|| self.b.add_resource(UNKNOWN_SERVICE, &[]))
    }

    fn scope(&mut self, name: &str, version: &str) -> u32 {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.push_str(name);
        key.push('\u{0}');
        key.push_str(version);
        let r = match self.scopes.get(key.as_str()) {
            Some(&s) => s,
            None => {
                let s = self.b.add_scope(name, version, &[]);
                self.scopes.insert(key.clone(), s);
                s
            }
        };
        self.key = key;
        r
    }

    /// Completes a span read into `acc` and hands it to the builder (or defers it).
    fn finish_span(&mut self, acc: &mut SpanAcc, ctx: &mut TraceCtx) {
        let trace = acc.trace_id.or(ctx.trace_id);
        acc.draft.trace_id = trace;
        let process_id = acc.has_process_id.then_some(acc.process_id.as_str());
        let mut late_slot = None;
        acc.draft.resource = match (acc.resource, process_id) {
            (Some(r), _) => r,
            (None, Some(p)) if !ctx.processes_known => {
                let slot = match ctx.late_slots.get(p) {
                    Some(&slot) => slot,
                    None => {
                        let slot = ctx.late_slots.len() as u32;
                        ctx.late_slots.insert(p.to_owned(), slot);
                        slot
                    }
                };
                late_slot = Some(slot);
                RESOURCE_LATER
            }
            (None, Some(p)) => match ctx.processes.get(p) {
                Some(&r) => r,
                None => {
                    acc.draft.source_warnings.push(format!("process {p:?} is not in the trace's processes"));
                    self.unknown_resource()
                }
            },
            (None, None) => self.unknown_resource(),
        };
        if let Some(name) = acc.scope_name.as_deref() {
            let version = acc.scope_version.as_deref().unwrap_or("");
            acc.draft.scope = self.scope(name, version);
        }
        acc.draft.status = if acc.error_tag { StatusCode::Error } else { acc.status_code.unwrap_or(StatusCode::Unset) };
        place_untimed_events(&mut acc.draft);
        let mut late_first = false;
        if !ctx.warnings_attached {
            ctx.warnings_attached = true;
            late_first = !ctx.warnings_known;
            if !ctx.warnings.is_empty() {
                let mut ws: Vec<String> = ctx.warnings.iter().map(|w| format!("trace: {w}")).collect();
                ws.append(&mut acc.draft.source_warnings);
                acc.draft.source_warnings = ws;
            }
        }
        if let Some(id) = acc.draft.span_id {
            self.seen.push(span_key(trace, id));
        }

        // Parent: the one same-trace candidate, or wait for the end when there are several.
        let own = trace.map(|t| t.value);
        let same = |r: &Ref| r.may_parent && (r.trace.is_none() || r.trace.map(|t| t.value) == own);
        let mut first: Option<usize> = None;
        let mut several = false;
        for (i, r) in acc.refs.iter().enumerate() {
            if same(r) {
                match first {
                    None => first = Some(i),
                    Some(f) if acc.refs[f].span != r.span => several = true,
                    Some(_) => {}
                }
            }
        }
        let added = if several {
            self.deferred.push(Deferred { draft: std::mem::take(&mut acc.draft), refs: acc.refs.clone() });
            Added::Deferred(self.deferred.len() - 1)
        } else {
            set_parent_and_links(&mut acc.draft, &acc.refs, first);
            if first.is_none() {
                acc.draft.parent_id = acc.parent_span_id;
            }
            self.b.add_span(&mut acc.draft);
            Added::Builder(self.b.span_count() - 1)
        };
        if let Some(slot) = late_slot {
            ctx.late.push((added, slot));
        }
        if late_first {
            ctx.late_first = Some(added);
        }
    }

    /// When a trace object ends: the spans read before its `processes` get their resources, and its first span
    /// the trace-level `warnings` that came after it.
    fn settle(&mut self, ctx: &mut TraceCtx) {
        if !ctx.late.is_empty() {
            let mut resolved: Vec<(u32, Option<String>)> = vec![(0, None); ctx.late_slots.len()];
            for (p, &slot) in &ctx.late_slots {
                resolved[slot as usize] = match ctx.processes.get(p) {
                    Some(&r) => (r, None),
                    None => (self.unknown_resource(), Some(format!("process {p:?} is not in the trace's processes"))),
                };
            }
            for &(added, slot) in &ctx.late {
                let (r, warning) = &resolved[slot as usize];
                match added {
                    Added::Builder(pos) => {
                        self.b.set_resource(pos, *r);
                        if let Some(w) = warning {
                            self.b.add_source_warnings(pos, [w.clone()], false);
                        }
                    }
                    Added::Deferred(k) => {
                        let d = &mut self.deferred[k].draft;
                        d.resource = *r;
                        d.source_warnings.extend(warning.clone());
                    }
                }
            }
            ctx.late.clear();
            ctx.late_slots.clear();
        }
        if let Some(added) = ctx.late_first.take() {
            let ws = ctx.warnings.iter().map(|w| format!("trace: {w}"));
            match added {
                Added::Builder(pos) => self.b.add_source_warnings(pos, ws, true),
                Added::Deferred(k) => {
                    let d = &mut self.deferred[k].draft;
                    let own = std::mem::take(&mut d.source_warnings);
                    d.source_warnings = ws.chain(own).collect();
                }
            }
        }
    }
}

/// Sets the parent from `refs[chosen]` and turns every other reference into a link.
fn set_parent_and_links(d: &mut SpanDraft, refs: &[Ref], chosen: Option<usize>) {
    let trace = d.trace_id.unwrap_or(TraceId { value: 0, wide: true });
    for (i, r) in refs.iter().enumerate() {
        if Some(i) == chosen {
            d.parent_id = Some(r.span);
            continue;
        }
        d.links.push(LinkDraft {
            kind: r.kind,
            trace_id: r.trace.unwrap_or(trace),
            span_id: r.span,
            trace_state: StrId::EMPTY,
            attr_count: 0,
            dropped_attributes_count: 0,
        });
    }
}

// ---------------------------------------------------------------------------------------------------------
// Main pass.

impl ValueReader for State<'_> {
    fn value<'de, K: Elements, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        Doc::<K> { st: self, data: false, k: PhantomData }.deserialize(d)
    }
}

/// The whole document (an object: envelope, trace or span; or an array of traces or spans) or, with `data`, the
/// value of an envelope's `data` (traces, one trace, or `null`).
struct Doc<'s, 'a, K> {
    st: &'s mut State<'a>,
    data: bool,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: Doc<'_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for Doc<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.data {
            "an array of Jaeger traces, a trace, or null"
        } else {
            "a Jaeger trace, an API response {\"data\": …}, or an array of traces or spans"
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ObjectVisitor::<K> { st: self.st, k: PhantomData }.visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        while seq.next_element_seed(ObjectSeed::<K> { st: &mut *st, k: PhantomData })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.data {
            Ok(())
        } else {
            Err(E::invalid_type(de::Unexpected::Unit, &self))
        }
    }
}

struct ObjectSeed<'s, 'a, K> {
    st: &'s mut State<'a>,
    k: PhantomData<K>,
}

impl<'de, K: Elements> DeserializeSeed<'de> for ObjectSeed<'_, '_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(ObjectVisitor::<K> { st: self.st, k: PhantomData })
    }
}

/// An object that is an envelope, a trace or a single span; which one shows from its keys. A trace's spans are
/// read one by one as `K` reads elements; so are the fields of a single span (it might have been a trace).
struct ObjectVisitor<'s, 'a, K> {
    st: &'s mut State<'a>,
    k: PhantomData<K>,
}

impl<'de, K: Elements> Visitor<'de> for ObjectVisitor<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace or span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.st;
        let object = st.next_object;
        st.next_object += 1;
        let mut ctx = TraceCtx::default();
        // Span fields of the object itself (a single span object). Borrows the reusable accumulator; spans of
        // a `spans` key in the same object would then get a fresh one.
        let mut own: Option<SpanAcc> = None;
        let mut has_spans = false;
        let mut known = false;
        while let Some(key) = map.next_key::<Field>()? {
            known |= !matches!(key, Field::Other);
            match key {
                Field::Data => map.next_value_seed(Doc::<K> { st: &mut *st, data: true, k: PhantomData })?,
                Field::Errors => {
                    let errors: Option<Vec<ServerError>> = map.next_value()?;
                    st.server_errors.extend(errors.into_iter().flatten().filter_map(|e| e.msg));
                }
                Field::TraceId => {
                    let t: Option<Text<'_>> = map.next_value()?;
                    let id = st.trace_id(text_of(&t));
                    ctx.trace_id = id.or(ctx.trace_id);
                }
                Field::Warnings => {
                    if ctx.warnings_from_meta {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        ctx.warnings = map.next_value_seed(elem::<K, _>(WarningsSeed))?;
                        ctx.warnings_known = true;
                    }
                }
                Field::Processes => {
                    if ctx.processes_from_meta {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        ctx.processes = map.next_value_seed(elem::<K, _>(ProcessesSeed { st: &mut *st }))?;
                        ctx.processes_known = true;
                    }
                }
                Field::Spans => {
                    has_spans = true;
                    // Spans read before `processes` and `warnings` get them when the object ends (`settle`);
                    // a span without its own `traceID` needs the object's now.
                    if ctx.trace_id.is_none() {
                        st.ensure_first_pass();
                        if let Some(meta) = st.meta(object) {
                            ctx.trace_id = ctx.trace_id.or(meta.trace_id);
                            if let (false, Some(p)) = (ctx.processes_known, meta.processes) {
                                ctx.processes = p;
                                ctx.processes_known = true;
                                ctx.processes_from_meta = true;
                            }
                            if let (false, Some(w)) = (ctx.warnings_known, meta.warnings) {
                                ctx.warnings = w;
                                ctx.warnings_known = true;
                                ctx.warnings_from_meta = true;
                            }
                        }
                    }
                    map.next_value_seed(SpansSeed::<K> { st: &mut *st, ctx: &mut ctx, k: PhantomData })?;
                }
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
                k => {
                    debug_assert!(k.is_span_only());
                    let acc = own.get_or_insert_with(|| {
                        let mut acc = std::mem::take(&mut st.acc);
                        acc.reset();
                        acc
                    });
                    map.next_value_seed(elem::<K, _>(FieldSeed { st: &mut *st, acc, key: k }))?;
                }
            }
        }
        if let Some(mut acc) = own {
            if has_spans {
                // Span keys beside `spans`: not a span after all; drop what they left.
                acc.draft = SpanDraft::default();
            } else {
                // A single span: `traceID` and `warnings` were its own, and there are no `processes` to come.
                acc.draft.source_warnings.append(&mut ctx.warnings);
                ctx.warnings_attached = true;
                ctx.processes_known = true;
                st.finish_span(&mut acc, &mut ctx);
            }
            st.acc = acc;
        }
        st.settle(&mut ctx);
        if !known {
            // Another answer of the Jaeger API (`/api/dependencies`, `/api/operations`), or no trace at all.
            return Err(de::Error::custom(
                "expected a Jaeger trace (`traceID`, `spans`) or span (`spanID`, `operationName`), found an object \
                 with none of their keys",
            ));
        }
        Ok(())
    }
}

/// Trace-level or span-level `warnings`: strings, or `null`.
struct WarningsSeed;

impl<'de> DeserializeSeed<'de> for WarningsSeed {
    type Value = Vec<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<String>, D::Error> {
        let w: Option<Vec<Text<'de>>> = Deserialize::deserialize(d)?;
        Ok(w.into_iter().flatten().map(|t| t.0.into_owned()).collect())
    }
}

/// `processes`: processID → process, registered as resources.
struct ProcessesSeed<'s, 'a> {
    st: &'s mut State<'a>,
}

seed_is_visitor!(deserialize_any: ProcessesSeed<'_, '_>);

impl<'de> Visitor<'de> for ProcessesSeed<'_, '_> {
    type Value = HashMap<String, u32>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of processes by processID")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = HashMap::new();
        while let Some((k, p)) = map.next_entry::<Text<'de>, ProcessJson<'de>>()? {
            let r = self.st.resource(&p);
            out.insert(k.0.into_owned(), r);
        }
        Ok(out)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(HashMap::new())
    }
}

/// A trace's `spans`.
struct SpansSeed<'s, 'a, 'c, K> {
    st: &'s mut State<'a>,
    ctx: &'c mut TraceCtx,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: SpansSeed<'_, '_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for SpansSeed<'_, '_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Jaeger spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, ctx) = (self.st, self.ctx);
        while seq.next_element_seed(elem::<K, _>(SpanSeed { st: &mut *st, ctx: &mut *ctx }))?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct SpanSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    ctx: &'c mut TraceCtx,
}

seed_is_visitor!(deserialize_map: SpanSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for SpanSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let st = self.st;
        let mut acc = std::mem::take(&mut st.acc);
        acc.reset();
        while let Some(key) = map.next_key::<Field>()? {
            map.next_value_seed(FieldSeed { st: &mut *st, acc: &mut acc, key })?;
        }
        st.finish_span(&mut acc, self.ctx);
        st.acc = acc;
        Ok(())
    }
}

/// The value of one span key, read into `acc`.
struct FieldSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
    key: Field,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let FieldSeed { st, acc, key } = self;
        match key {
            Field::TraceId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.trace_id = st.trace_id(text_of(&t));
            }
            Field::SpanId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.draft.span_id = st.b.span_id_from_text(text_of(&t));
            }
            Field::ParentSpanId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.parent_span_id = st.b.span_id_from_text(text_of(&t));
            }
            Field::OperationName => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.draft.name = st.b.intern(text_of(&t));
            }
            Field::References => RefsSeed { st, acc }.deserialize(de)?,
            Field::Flags => {
                let f: Int = Deserialize::deserialize(de)?;
                acc.draft.flags = f.0.unwrap_or(0).clamp(0, u32::MAX as i64) as u32;
            }
            Field::StartTime => {
                let t: Micros = Deserialize::deserialize(de)?;
                acc.draft.start = t.nonzero().map(TimestampNs);
            }
            Field::Duration => {
                let t: Micros = Deserialize::deserialize(de)?;
                acc.draft.duration = t.0.map(DurationNs);
            }
            Field::Tags => TagsSeed { st, acc }.deserialize(de)?,
            Field::Logs => LogsSeed { st, acc }.deserialize(de)?,
            Field::ProcessId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.process_id.clear();
                acc.has_process_id = t.is_some();
                acc.process_id.push_str(text_of(&t));
            }
            Field::Process => {
                let p: Option<ProcessJson<'de>> = Deserialize::deserialize(de)?;
                acc.resource = p.map(|p| st.resource(&p));
            }
            Field::Warnings => {
                let mut w = WarningsSeed.deserialize(de)?;
                acc.draft.source_warnings.append(&mut w);
            }
            Field::Spans | Field::Processes | Field::Data | Field::Errors | Field::Other => {
                IgnoredAny::deserialize(de)?;
            }
        }
        Ok(())
    }
}

/// A span's `references`.
struct RefsSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
}

seed_is_visitor!(deserialize_any: RefsSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for RefsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of references")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element::<RefJson<'de>>()? {
            let Some(span) = self.st.b.span_id_from_text(text_of(&r.span_id)) else {
                continue;
            };
            let ty = text_of(&r.ref_type);
            let (kind, may_parent) = if ty.is_empty() || ty.eq_ignore_ascii_case("CHILD_OF") {
                (LinkKind::ChildOf, true) // CHILD_OF is the protobuf default (0)
            } else if ty.eq_ignore_ascii_case("FOLLOWS_FROM") {
                (LinkKind::FollowsFrom, true)
            } else {
                (LinkKind::Link, false)
            };
            let trace = self.st.trace_id(text_of(&r.trace_id));
            self.acc.refs.push(Ref { kind, may_parent, trace, span });
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A span's `tags`, straight into its attributes, with the OpenTelemetry conventions read on the way.
struct TagsSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
}

seed_is_visitor!(deserialize_any: TagsSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for TagsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of tags")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, acc) = (self.st, self.acc);
        while let Some(kv) = seq.next_element::<KeyValue<'de>>()? {
            let a = st.attr(&kv);
            acc.draft.attrs.push(a);
            convention(st, acc, &kv);
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// What a tag says about the span beyond being an attribute.
fn convention(st: &mut State<'_>, acc: &mut SpanAcc, kv: &KeyValue<'_>) {
    match kv.key.0.as_ref() {
        "span.kind" => {
            if let Some(k) = kv.value.as_str().and_then(SpanKind::from_name) {
                acc.draft.kind = k;
            }
        }
        "error" => acc.error_tag |= kv.value.is_true(),
        "otel.status_code" => {
            let v = kv.value.text();
            let v = v.trim();
            let v = v.strip_prefix("STATUS_CODE_").unwrap_or(v);
            if v.eq_ignore_ascii_case("ERROR") {
                acc.status_code = Some(StatusCode::Error);
            } else if v.eq_ignore_ascii_case("OK") {
                acc.status_code = Some(StatusCode::Ok);
            }
        }
        "otel.status_description" => acc.draft.status_message = st.b.intern(&kv.value.text()),
        "otel.scope.name" => {
            acc.scope_name = Some(kv.value.text().into_owned());
            acc.scope_name_is_new = true;
        }
        "otel.library.name" if !acc.scope_name_is_new => acc.scope_name = Some(kv.value.text().into_owned()),
        "otel.scope.version" => acc.scope_version = Some(kv.value.text().into_owned()),
        "otel.library.version" if acc.scope_version.is_none() => {
            acc.scope_version = Some(kv.value.text().into_owned());
        }
        "w3c.tracestate" => acc.draft.trace_state = st.b.intern(&kv.value.text()),
        _ => {}
    }
}

/// A span's `logs`, as events.
struct LogsSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
}

seed_is_visitor!(deserialize_any: LogsSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for LogsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of logs")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, acc) = (self.st, self.acc);
        while seq.next_element_seed(LogSeed { st: &mut *st, acc: &mut *acc })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier)]
enum LogField {
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "fields")]
    Fields,
    #[serde(other)]
    Other,
}

struct LogSeed<'s, 'a, 'c> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
}

seed_is_visitor!(deserialize_map: LogSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a log object {timestamp, fields}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (st, acc) = (self.st, self.acc);
        let before = acc.draft.event_attrs.len();
        let mut time = NO_TIME;
        // (rank, name): an `event` field names the log, else a `message` field.
        let mut name: (u8, StrId) = (0, StrId::EMPTY);
        while let Some(key) = map.next_key::<LogField>()? {
            match key {
                LogField::Timestamp => {
                    let t: Micros = map.next_value()?;
                    time = t.nonzero().map(TimestampNs).unwrap_or(NO_TIME);
                }
                LogField::Fields => {
                    map.next_value_seed(FieldsSeed { st: &mut *st, acc: &mut *acc, name: &mut name })?
                }
                LogField::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let name = if name.0 == 0 { st.b.intern("log") } else { name.1 };
        let attr_count = (acc.draft.event_attrs.len() - before) as u32;
        acc.draft.events.push(crate::build::EventDraft { time, name, attr_count, dropped_attributes_count: 0 });
        Ok(())
    }
}

/// A log's `fields`, into the span's event attributes.
struct FieldsSeed<'s, 'a, 'c, 'n> {
    st: &'s mut State<'a>,
    acc: &'c mut SpanAcc,
    name: &'n mut (u8, StrId),
}

seed_is_visitor!(deserialize_any: FieldsSeed<'_, '_, '_, '_>);

impl<'de> Visitor<'de> for FieldsSeed<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of log fields")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(kv) = seq.next_element::<KeyValue<'de>>()? {
            let a = self.st.attr(&kv);
            self.acc.draft.event_attrs.push(a);
            let rank = match kv.key.0.as_ref() {
                "event" => 2,
                "message" => 1,
                _ => 0,
            };
            if rank > self.name.0 {
                if let Some(s) = kv.value.as_str() {
                    *self.name = (rank, self.st.b.intern(s));
                }
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// First pass: `traceID`, `processes` and `warnings` of every object, in the same order the main pass meets
// them (every object the main pass reads as an envelope, trace or span gets the next position). Spans and
// everything else are skipped unbuilt (`IgnoredAny`). On malformed input it stops; the main pass reports the
// error.

/// The first pass over the document.
struct PrePass<'s, 'a, 'm> {
    st: &'s mut State<'a>,
    metas: &'m mut Vec<Meta>,
}

impl ValueReader for PrePass<'_, '_, '_> {
    fn value<'de, K: Elements, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        PreDoc::<K> { st: &mut *self.st, metas: &mut *self.metas, k: PhantomData }.deserialize(d)
    }
}

/// The document, or the value of `data`: objects are trace objects (or envelopes, or spans), arrays hold them.
struct PreDoc<'s, 'a, 'm, K> {
    st: &'s mut State<'a>,
    metas: &'m mut Vec<Meta>,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: PreDoc<'_, '_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for PreDoc<'_, '_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jaeger traces")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        PreObject::<K> { st: self.st, metas: self.metas, k: PhantomData }.visit_map(map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (st, metas) = (self.st, self.metas);
        while seq.next_element_seed(PreDoc::<K> { st: &mut *st, metas: &mut *metas, k: PhantomData })?.is_some() {}
        Ok(())
    }
    // Anything else holds no trace object.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}

struct PreObject<'s, 'a, 'm, K> {
    st: &'s mut State<'a>,
    metas: &'m mut Vec<Meta>,
    k: PhantomData<K>,
}

impl<'de, K: Elements> Visitor<'de> for PreObject<'_, '_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (st, metas) = (self.st, self.metas);
        let object = metas.len();
        metas.push(Meta::default());
        while let Some(key) = map.next_key::<Field>()? {
            match key {
                Field::Data => map.next_value_seed(PreDoc::<K> { st: &mut *st, metas: &mut *metas, k: PhantomData })?,
                Field::TraceId => {
                    let t: Option<Text<'_>> = map.next_value()?;
                    metas[object].trace_id = st.trace_id(text_of(&t));
                }
                Field::Processes => {
                    metas[object].processes = Some(map.next_value_seed(elem::<K, _>(ProcessesSeed { st: &mut *st }))?)
                }
                Field::Warnings => metas[object].warnings = Some(map.next_value_seed(elem::<K, _>(WarningsSeed))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}
