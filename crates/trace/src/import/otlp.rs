//! OTLP JSON traces: the [OTLP/JSON encoding](https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)
//! of `TracesData` / `ExportTraceServiceRequest` from
//! [`opentelemetry/proto/trace/v1/trace.proto`](https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/trace/v1/trace.proto),
//! and every variant of it seen in the wild.
//!
//! # What is read
//!
//! Envelopes (found at any level of wrapping, one or many documents):
//! - `{"resourceSpans":[…]}` (TracesData, ExportTraceServiceRequest, Collector file exporter lines);
//! - Tempo v1 `{"batches":[…]}` (`/api/traces/{id}`, Grafana "Import trace");
//! - Tempo v2 `{"trace":{"resourceSpans":[…]},"status":…,"metrics":…}` (`/api/v2/traces/{id}`);
//! - Jaeger api_v3 `{"result":{"resourceSpans":[…]}}`;
//! - a bare ResourceSpans `{"resource":…,"scopeSpans":[…]}` as the document (opentelemetry-java's `logging-otlp`
//!   exporter writes one per line);
//! - JSON Lines, or several documents merely concatenated with whitespace (the Collector `file` exporter
//!   writes one TracesData per line; one trace is spread over many lines and merges because the builder
//!   groups spans by trace id), and a top-level array of TracesData;
//! - `scopeSpans`/`scope` and the legacy (before proto 0.19) `instrumentationLibrarySpans`/`instrumentationLibrary`,
//!   or `deprecatedScopeSpans` (the same field 1000 since 0.19, still read by the Collector's pdata). As the
//!   proto of the transition says, a legacy list is read only when `scopeSpans` is empty or absent, so a writer
//!   of that time that sent both does not double every span;
//! - documents of other signals (`resourceMetrics`, `resourceLogs`, `resourceProfiles`: the file exporter writes
//!   every pipeline into one file when they share it) are skipped; a file of nothing else is an error saying so.
//!
//! Every field also answers to the snake_case name the proto3 JSON mapping allows (`trace_id`,
//! `start_time_unix_nano`, `resource_spans`, `scope_spans`, …). Unknown fields are skipped, and `null` means
//! "not set" everywhere, as in proto3 JSON.
//!
//! Resource: `service.name` gives the service; missing or empty → `unknown_service` (the OTel SDK default).
//! Scope: name, version and attributes (an empty or absent scope is "no scope").
//! Span: ids, name, `kind` (integer or enum name such as `SPAN_KIND_SERVER`), start and end (decimal string
//! or number; `0` or absent is "not set", as proto3 cannot tell them apart; duration = end − start and may be
//! negative, which the builder repairs with a warning), attributes, dropped counts, events, links, status
//! (`code` as integer or name such as `STATUS_CODE_ERROR`, `message`; before proto 0.19 a `deprecatedCode`
//! other than OK with an unset `code` is an error, as that proto said; so is a span whose legacy `error`
//! attribute is `true` or `"true"`, as Jaeger UI and Grafana show it), `traceState`, `flags`.
//! Attribute values: every `AnyValue` form (`stringValue`, `boolValue`, `intValue` as string or number,
//! `doubleValue` as number or string incl. `"NaN"`/`"Infinity"`/`"-Infinity"`, `bytesValue` base64,
//! `arrayValue`, `kvlistValue`, empty `{}`), recursively. Recursion is bounded by serde_json's nesting limit
//! (128 levels of JSON, about 42 levels of `AnyValue`).
//! Links: kind `Link`, or `ChildOf`/`FollowsFrom` when the link carries the attribute
//! `opentracing.ref_type=child_of`/`follows_from` (as Jaeger writes OpenTracing references into OTLP; the
//! attribute is kept). A link without span id is dropped with a warning on its span; a link without trace id
//! is taken to point into the span's own trace.
//!
//! # Ids: hex or base64
//!
//! The spec says hex (any case); Tempo and other protobuf-default writers use base64. The alphabets overlap,
//! so the decision is by shape: text made only of hex digits (the spec's 32 or 16, or any other length up to
//! 32, as some writers strip leading zeros) is hex; anything else must base64-decode to 16 or 8 bytes
//! (Tempo always pads: 24 characters ending `==`, 12 ending `=`). An id that is neither is an error naming
//! the value. `""`, absent and all-zero mean "none" for parent ids.
//!
//! The trap: Tempo's own `pkg/tempopb/trace.json` holds the spec example's upper-case hex ids
//! (`5B8EFFF798038103D269B633813FC60C`, `EEE19B7EC3C1B174`), which Tempo's jsonpb decodes as base64 into 24-
//! and 12-byte ids that no trace can have. They are read as hex here: that is what the spec and the file's
//! author meant, and the only reading that gives valid ids. The one cost of the rule: unpadded base64 made
//! only of hex-digit characters would be misread as hex; no known writer produces unpadded base64 ids.
//!
//! # Numbers out of range
//!
//! `intValue` beyond the i64 range (e.g. `"9223372036854775808"`, a u64 written as int64) is kept as a
//! **string** attribute with the exact digits: nothing is lost and one odd value does not reject a whole
//! file. A JSON *number* beyond u64 has already been rounded to a double by the JSON parser and is kept as a
//! double. Timestamps beyond i64 nanoseconds (year 2262), even beyond u64 (decimal text or a number), saturate
//! and the builder flags the span `TimeOutOfRange`; 32-bit counts and flags saturate.
//! Text that is not a number at all is a shape error with its JSON path.
//!
//! # Streaming, and key order
//!
//! Nothing is materialized: each `spans` array is streamed through a `DeserializeSeed`, each span filled
//! into one reused [`SpanDraft`] and handed to the builder at once; strings are interned straight from the
//! input. JSON objects are unordered, though, and a span's resource and scope are only known once the
//! `resource`/`scope` keys were read. Writers put them first (pdata, Tempo, every fixture), and that order
//! takes the single streaming pass. A span that arrives before its object's `resource` or `scope` is added
//! with the default (unknown service, no scope), which is right when the key is absent, as it often is; if
//! the key turns up later in the same object, the import rolls back and runs in two passes over the input:
//! the first registers every resource and scope in document order and skips spans, the second streams the
//! spans with their resource and scope known. The same fallback serves a ResourceSpans whose `scopeSpans` comes
//! after a legacy list that was read: pass 1 notes it, pass 2 reads that legacy list for its scopes only.
//! Memory stays proportional to the number of resource and scope objects, never to the spans. A resource or
//! scope identical to the one before it (JSON Lines repeat them on every line) is stored once.
//!
//! # Errors
//!
//! Malformed JSON → [`ImportError::Syntax`] with line and column; a value of the wrong type or an invalid id
//! → [`ImportError::Shape`] with its JSON path (e.g. `$.resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano`),
//! found after a failure from where in the input it happened (relative to the document that failed, in a
//! JSON Lines file). No input can make this module panic.

use crate::base64;
use crate::build::{EventDraft, LinkDraft, SpanDraft, TraceSetBuilder};
use crate::ids::{SpanId, TraceId};
use crate::import::common::{place_untimed_events, seed_is_visitor, CowVisitor, NO_TIME};
use crate::import::{elem, shape_error, Elements, Format, ImportError, Input, ParseError, ValueReader};
use crate::intern::StrId;
use crate::number::f64_from_str;
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{LinkKind, SpanKind, StatusCode};
use crate::value::{Attribute, StoredValue};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The service of a resource without `service.name` (the OpenTelemetry SDK default).
const UNKNOWN_SERVICE: &str = "unknown_service";

/// Parses one or more OTLP JSON documents (BOM already stripped) into `b`.
pub(crate) fn parse(b: &mut TraceSetBuilder, input: Input<'_>) -> Result<(), ImportError> {
    let before = b.span_count();
    let other_signal = run(b, input).map_err(|e| shape_error(Format::Otlp, e, input))?;
    if other_signal && b.span_count() == before {
        return Err(ImportError::Content {
            format: Format::Otlp,
            message: "the file holds OpenTelemetry metrics, logs or profiles (`resourceMetrics`, `resourceLogs`), \
                      no traces (`resourceSpans`)"
                .into(),
        });
    }
    Ok(())
}

/// The whole import: one streaming pass, or (when a `resource`/`scope` key came after spans that needed it)
/// a rollback and the two-pass fallback described in the module docs. Says whether a document held another
/// signal's data.
fn run(b: &mut TraceSetBuilder, input: Input<'_>) -> Result<bool, ParseError> {
    let cp = b.checkpoint();
    let mut ctx = Ctx::new(b, Mode::Stream);
    match pass(&mut ctx, input) {
        Ok(()) => return Ok(ctx.other_signal),
        Err(e) if !ctx.reordered => return Err(e),
        Err(_) => {}
    }
    drop(ctx);
    b.rollback(cp);
    let mut ctx = Ctx::new(b, Mode::Collect);
    pass(&mut ctx, input)?;
    ctx.mode = Mode::Replay;
    pass(&mut ctx, input)?;
    Ok(ctx.other_signal)
}

/// One pass over every document in the input (one, JSON Lines, or concatenated).
fn pass(ctx: &mut Ctx<'_>, input: Input<'_>) -> Result<(), ParseError> {
    ctx.res_order.pos = 0;
    ctx.scope_order.pos = 0;
    input.each_value(ctx)
}

impl ValueReader for Ctx<'_> {
    fn value<'de, K: Elements, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        DocSeed::<K> { ctx: self, k: PhantomData }.deserialize(d)
    }
}

/// The path serde_path_to_error gives the failure of [`parse`] (see `path_differential`): [`run`] and
/// [`pass`] again, each document under a path-tracking deserializer (the path is relative to the document
/// that failed, as [`parse`]'s is).
#[cfg(test)]
pub(super) fn spte_path(bytes: &[u8]) -> Option<String> {
    fn pass(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<(), String> {
        ctx.res_order.pos = 0;
        ctx.scope_order.pos = 0;
        let mut de = serde_json::Deserializer::from_slice(bytes);
        loop {
            let mut track = serde_path_to_error::Track::new();
            let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
            if (DocSeed::<crate::import::InPlace> { ctx: &mut *ctx, k: PhantomData }).deserialize(tracked).is_err() {
                return Err(track.path().to_string());
            }
            if de.end().is_ok() {
                return Ok(());
            }
        }
    }
    let mut b = TraceSetBuilder::new();
    let mut ctx = Ctx::new(&mut b, Mode::Stream);
    match pass(&mut ctx, bytes) {
        Ok(()) => return None,
        Err(path) if !ctx.reordered => return Some(path),
        Err(_) => {}
    }
    let mut b = TraceSetBuilder::new();
    let mut ctx = Ctx::new(&mut b, Mode::Collect);
    let collected = pass(&mut ctx, bytes);
    ctx.mode = Mode::Replay;
    collected.and_then(|()| pass(&mut ctx, bytes)).err()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    /// The single pass: resources and scopes as they come, spans straight into the builder.
    Stream,
    /// Fallback pass 1: register resources and scopes in document order, skip spans.
    Collect,
    /// Fallback pass 2: take resources and scopes from pass 1 by position, stream the spans.
    Replay,
}

/// State shared by all seeds of one pass.
struct Ctx<'b> {
    b: &'b mut TraceSetBuilder,
    mode: Mode,
    draft: SpanDraft,
    keys: Keys,
    /// Set when a `resource`/`scope` key came after spans that were added without it.
    reordered: bool,
    unknown_resource: Option<u32>,
    /// The last resource registered, reused when the next one is identical (JSON Lines repeat it per line).
    last_resource: Option<(String, Vec<Attribute>, u32)>,
    last_scope: Option<(String, String, Vec<Attribute>, u32)>,
    /// Collect/Replay: the resource (scope) of each ResourceSpans (ScopeSpans) object, in document order.
    res_order: Order,
    scope_order: Order,
    /// A document held metrics, logs or profiles (skipped).
    other_signal: bool,
}

/// Strings compared against while reading links.
#[derive(Clone, Copy)]
struct Keys {
    ref_type: StrId,
    child_of: StrId,
    follows_from: StrId,
    /// The legacy `error` attribute (OpenTracing's tag, still set by instrumentations and the Jaeger and Zipkin
    /// bridges): `true` makes the span an error, as in Jaeger UI and Grafana.
    error: StrId,
}

impl<'b> Ctx<'b> {
    fn new(b: &'b mut TraceSetBuilder, mode: Mode) -> Self {
        let keys = Keys {
            ref_type: b.intern("opentracing.ref_type"),
            child_of: b.intern("child_of"),
            follows_from: b.intern("follows_from"),
            error: b.intern("error"),
        };
        Ctx {
            b,
            mode,
            draft: SpanDraft::default(),
            keys,
            reordered: false,
            unknown_resource: None,
            last_resource: None,
            last_scope: None,
            res_order: Order::default(),
            scope_order: Order::default(),
            other_signal: false,
        }
    }

    fn unknown_resource(&mut self) -> u32 {
        *self.unknown_resource.get_or_insert_with(|| self.b.add_resource(UNKNOWN_SERVICE, &[]))
    }

    fn resource(&mut self, service: Option<String>, attrs: Vec<Attribute>) -> u32 {
        let service = service.filter(|s| !s.is_empty());
        if service.is_none() && attrs.is_empty() {
            return self.unknown_resource();
        }
        let service = service.unwrap_or_else(|| UNKNOWN_SERVICE.to_string());
        if let Some((s, a, r)) = &self.last_resource {
            if *s == service && *a == attrs {
                return *r;
            }
        }
        let r = self.b.add_resource(&service, &attrs);
        self.last_resource = Some((service, attrs, r));
        r
    }

    fn scope(&mut self, name: &str, version: &str, attrs: Vec<Attribute>) -> u32 {
        if name.is_empty() && version.is_empty() && attrs.is_empty() {
            return 0;
        }
        if let Some((n, v, a, s)) = &self.last_scope {
            if n == name && v == version && *a == attrs {
                return *s;
            }
        }
        let s = self.b.add_scope(name, version, &attrs);
        self.last_scope = Some((name.to_string(), version.to_string(), attrs, s));
        s
    }
}

/// The resource (or scope) of one ResourceSpans (ScopeSpans) object as known so far.
#[derive(Default)]
struct Slot {
    idx: Option<u32>,
    /// Spans were added with `idx` (or the default); a different value arriving later is a reorder.
    used: bool,
    /// A ResourceSpans' slot: a `scopeSpans` list with elements was read (legacy lists are then skipped) …
    scope_spans: bool,
    /// … a legacy list with elements was read …
    legacy: bool,
    /// … Replay: pass 1 found a `scopeSpans` list with elements in this object (maybe after its legacy list).
    scope_spans_later: bool,
}

impl Slot {
    /// A `resource`/`scope` value read in stream mode; `Err` when spans already went out without it.
    fn set(&mut self, idx: u32, default: Option<u32>) -> Result<(), ()> {
        if self.used && self.idx.or(default) != Some(idx) {
            return Err(());
        }
        self.idx = Some(idx);
        Ok(())
    }
}

/// Collect/Replay: the resource (or scope) of each ResourceSpans (ScopeSpans) object, in document order.
#[derive(Default)]
struct Order {
    list: Vec<Option<u32>>,
    /// Collect (ResourceSpans only): the positions in `list` whose object has a `scopeSpans` list with elements.
    scope_spans: Vec<usize>,
    /// Replay: the position of the next object in `list`.
    pos: usize,
}

impl Order {
    /// Enters the next ResourceSpans (ScopeSpans) object, or a null one: its slot (known from pass 1 in
    /// Replay) and its position in `list` (Collect).
    fn enter(&mut self, mode: Mode) -> (Slot, usize) {
        let mut slot = Slot::default();
        let mut at = 0;
        match mode {
            Mode::Stream => {}
            Mode::Collect => {
                at = self.list.len();
                self.list.push(None);
            }
            Mode::Replay => {
                slot.idx = self.list.get(self.pos).copied().flatten();
                slot.scope_spans_later = self.scope_spans.binary_search(&self.pos).is_ok();
                self.pos += 1;
            }
        }
        (slot, at)
    }

    /// Collect: the ResourceSpans object at `at` has a `scopeSpans` list with elements.
    fn set_scope_spans(&mut self, at: usize) {
        if self.scope_spans.last() != Some(&at) {
            self.scope_spans.push(at);
        }
    }

    /// A `resource`/`scope` value just read (not in Replay, which skips it): kept at `at` in Collect, set into
    /// `slot` in Stream; `Err` when spans already went out without it.
    fn record(&mut self, mode: Mode, at: usize, slot: &mut Slot, idx: u32, default: Option<u32>) -> Result<(), ()> {
        if mode == Mode::Collect {
            if let Some(x) = self.list.get_mut(at) {
                *x = Some(idx);
            }
            Ok(())
        } else {
            slot.set(idx, default)
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Field names. Each enum lists the camelCase name and the snake_case alias; anything else is `Other`.

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum DocKey {
    #[serde(alias = "resource_spans", alias = "batches")]
    ResourceSpans,
    #[serde(alias = "trace")]
    Result,
    /// Another signal's data: the Collector's file exporter may write every pipeline into one file.
    #[serde(
        rename = "resourceMetrics",
        alias = "resource_metrics",
        alias = "resourceLogs",
        alias = "resource_logs",
        alias = "resourceProfiles",
        alias = "resource_profiles"
    )]
    OtherSignal,
    /// A bare ResourceSpans as the document (opentelemetry-java's `logging-otlp` exporter writes one per line).
    Resource,
    #[serde(alias = "scope_spans")]
    ScopeSpans,
    #[serde(
        rename = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans",
        alias = "deprecatedScopeSpans",
        alias = "deprecated_scope_spans"
    )]
    LegacyScopeSpans,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResourceSpansKey {
    Resource,
    #[serde(alias = "scope_spans")]
    ScopeSpans,
    /// Field 1000 of ResourceSpans: `instrumentation_library_spans` before proto 0.19, `deprecated_scope_spans`
    /// since (pdata still reads it). Used only when `scopeSpans` is empty or absent, as the proto says.
    #[serde(
        rename = "instrumentationLibrarySpans",
        alias = "instrumentation_library_spans",
        alias = "deprecatedScopeSpans",
        alias = "deprecated_scope_spans"
    )]
    LegacyScopeSpans,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ScopeSpansKey {
    #[serde(alias = "instrumentationLibrary", alias = "instrumentation_library")]
    Scope,
    Spans,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResourceKey {
    Attributes,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ScopeKey {
    Name,
    Version,
    Attributes,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum SpanKey {
    #[serde(alias = "trace_id")]
    TraceId,
    #[serde(alias = "span_id")]
    SpanId,
    #[serde(alias = "parent_span_id")]
    ParentSpanId,
    #[serde(alias = "trace_state")]
    TraceState,
    Flags,
    Name,
    Kind,
    #[serde(alias = "start_time_unix_nano")]
    StartTimeUnixNano,
    #[serde(alias = "end_time_unix_nano")]
    EndTimeUnixNano,
    Attributes,
    #[serde(alias = "dropped_attributes_count")]
    DroppedAttributesCount,
    Events,
    #[serde(alias = "dropped_events_count")]
    DroppedEventsCount,
    Links,
    #[serde(alias = "dropped_links_count")]
    DroppedLinksCount,
    Status,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum EventKey {
    #[serde(alias = "time_unix_nano")]
    TimeUnixNano,
    Name,
    Attributes,
    #[serde(alias = "dropped_attributes_count")]
    DroppedAttributesCount,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum LinkKey {
    #[serde(alias = "trace_id")]
    TraceId,
    #[serde(alias = "span_id")]
    SpanId,
    #[serde(alias = "trace_state")]
    TraceState,
    Attributes,
    #[serde(alias = "dropped_attributes_count")]
    DroppedAttributesCount,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum KeyValueKey {
    Key,
    Value,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum AnyValueKey {
    #[serde(alias = "string_value")]
    StringValue,
    #[serde(alias = "bool_value")]
    BoolValue,
    #[serde(alias = "int_value")]
    IntValue,
    #[serde(alias = "double_value")]
    DoubleValue,
    #[serde(alias = "bytes_value")]
    BytesValue,
    #[serde(alias = "array_value")]
    ArrayValue,
    #[serde(alias = "kvlist_value")]
    KvlistValue,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ValuesKey {
    Values,
    #[serde(other)]
    Other,
}

/// `status`: small and flat, so plain derive with a borrowed message.
#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusJson<'a> {
    #[serde(borrow)]
    message: CowStr<'a>,
    code: StatusV,
    /// Protocol versions before 0.19 (the `instrumentationLibrarySpans` era): "when `code` is UNSET and
    /// `deprecated_code` is not OK, the status MUST be treated as ERROR" (trace.proto of that time).
    #[serde(rename = "deprecatedCode", alias = "deprecated_code")]
    deprecated_code: StatusV,
}

// ---------------------------------------------------------------------------------------------------------
// Containers, outermost first.

/// One document: an object with any of the envelope keys, or an array of such objects.
struct DocSeed<'c, 'b, K> {
    ctx: &'c mut Ctx<'b>,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: DocSeed<'_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for DocSeed<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OTLP TracesData object (`resourceSpans`, `batches`, `trace` or `result`)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The document's place in the two-pass fallback's list of ResourceSpans, once it shows it is one.
        let mut bare: Option<(Slot, usize)> = None;
        while let Some(k) = map.next_key::<DocKey>()? {
            match k {
                DocKey::Resource | DocKey::ScopeSpans | DocKey::LegacyScopeSpans => {
                    let ctx = &mut *self.ctx;
                    let mode = ctx.mode;
                    let (slot, at) = bare.get_or_insert_with(|| ctx.res_order.enter(mode));
                    let key = match k {
                        DocKey::Resource => ResourceSpansKey::Resource,
                        DocKey::ScopeSpans => ResourceSpansKey::ScopeSpans,
                        _ => ResourceSpansKey::LegacyScopeSpans,
                    };
                    resource_spans_entry::<K, A>(ctx, &mut map, key, slot, *at)?;
                }
                DocKey::ResourceSpans => {
                    map.next_value_seed(ResourceSpansListSeed::<K> { ctx: &mut *self.ctx, k: PhantomData })?
                }
                DocKey::Result => map.next_value_seed(DocSeed::<K> { ctx: &mut *self.ctx, k: PhantomData })?,
                DocKey::OtherSignal => {
                    self.ctx.other_signal = true;
                    map.next_value::<IgnoredAny>()?;
                }
                DocKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(DocSeed::<K> { ctx: &mut *self.ctx, k: PhantomData })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ResourceSpansListSeed<'c, 'b, K> {
    ctx: &'c mut Ctx<'b>,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: ResourceSpansListSeed<'_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for ResourceSpansListSeed<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ResourceSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(ResourceSpansSeed::<K> { ctx: &mut *self.ctx, k: PhantomData })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct ResourceSpansSeed<'c, 'b, K> {
    ctx: &'c mut Ctx<'b>,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: ResourceSpansSeed<'_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for ResourceSpansSeed<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ResourceSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        let mode = ctx.mode;
        let (mut slot, at) = ctx.res_order.enter(mode);
        while let Some(k) = map.next_key::<ResourceSpansKey>()? {
            resource_spans_entry::<K, A>(ctx, &mut map, k, &mut slot, at)?;
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // A null entry still takes its place in the fallback's lists, so both passes count alike.
        self.ctx.res_order.enter(self.ctx.mode);
        Ok(())
    }
}

/// One key of a ResourceSpans object (or of a document that is a bare one) and its value.
fn resource_spans_entry<'de, K: Elements, A: MapAccess<'de>>(
    ctx: &mut Ctx<'_>,
    map: &mut A,
    key: ResourceSpansKey,
    slot: &mut Slot,
    at: usize,
) -> Result<(), A::Error> {
    let mode = ctx.mode;
    match key {
        ResourceSpansKey::Resource if mode == Mode::Replay => {
            map.next_value::<IgnoredAny>()?;
        }
        ResourceSpansKey::Resource => {
            let r = map.next_value_seed(elem::<K, _>(ResourceSeed { ctx: &mut *ctx }))?;
            let default = ctx.unknown_resource;
            if ctx.res_order.record(mode, at, slot, r, default).is_err() {
                ctx.reordered = true;
                return Err(de::Error::custom("`resource` after its spans (retried in two passes)"));
            }
        }
        // `scopeSpans` wins over the legacy list (proto 0.15–0.18: "if scope_spans is set then
        // instrumentation_library_spans SHOULD be ignored"; pdata's MigrateTraces: the legacy list only when
        // `scopeSpans` is empty), whichever comes first: writers of that time could send both.
        ResourceSpansKey::ScopeSpans => {
            // Spans of a legacy list already went out: they must not have, if this list has any element.
            let refuse = mode == Mode::Stream && slot.legacy;
            let seed =
                ScopeSpansListSeed::<K> { ctx: &mut *ctx, res: &mut *slot, discard: false, refuse, k: PhantomData };
            if map.next_value_seed(seed)? > 0 {
                slot.scope_spans = true;
                if mode == Mode::Collect {
                    ctx.res_order.set_scope_spans(at);
                }
            }
        }
        ResourceSpansKey::LegacyScopeSpans if slot.scope_spans => {
            map.next_value::<IgnoredAny>()?;
        }
        ResourceSpansKey::LegacyScopeSpans => {
            // Replay: read for its scopes only (as pass 1 did) when `scopeSpans` comes later in the object.
            let discard = mode == Mode::Replay && slot.scope_spans_later;
            let seed =
                ScopeSpansListSeed::<K> { ctx: &mut *ctx, res: &mut *slot, discard, refuse: false, k: PhantomData };
            if map.next_value_seed(seed)? > 0 {
                slot.legacy = true;
            }
        }
        ResourceSpansKey::Other => {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

struct ResourceSeed<'c, 'b> {
    ctx: &'c mut Ctx<'b>,
}

seed_is_visitor!(deserialize_any: ResourceSeed<'_, '_>);

impl<'de> Visitor<'de> for ResourceSeed<'_, '_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let mut attrs = Vec::new();
        let mut service = None;
        while let Some(k) = map.next_key::<ResourceKey>()? {
            match k {
                ResourceKey::Attributes => map.next_value_seed(AttrsSeed {
                    b: &mut *self.ctx.b,
                    out: &mut attrs,
                    service: Some(&mut service),
                })?,
                ResourceKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(self.ctx.resource(service, attrs))
    }
    fn visit_unit<E: de::Error>(self) -> Result<u32, E> {
        Ok(self.ctx.unknown_resource())
    }
}

/// A list of ScopeSpans; its value is the number of elements (nulls included).
struct ScopeSpansListSeed<'c, 'b, 's, K> {
    ctx: &'c mut Ctx<'b>,
    res: &'s mut Slot,
    /// Read the scopes, skip the spans.
    discard: bool,
    /// Any element is a reorder: this `scopeSpans` list came after a legacy list whose spans went out.
    refuse: bool,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: ScopeSpansListSeed<'_, '_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for ScopeSpansListSeed<'_, '_, '_, K> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of ScopeSpans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let (ctx, res, discard, refuse) = (self.ctx, self.res, self.discard, self.refuse);
        let mut n = 0;
        while seq
            .next_element_seed(ScopeSpansSeed::<K> { ctx: &mut *ctx, res: &mut *res, discard, refuse, k: PhantomData })?
            .is_some()
        {
            n += 1;
        }
        Ok(n)
    }
    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }
}

struct ScopeSpansSeed<'c, 'b, 's, K> {
    ctx: &'c mut Ctx<'b>,
    res: &'s mut Slot,
    discard: bool,
    refuse: bool,
    k: PhantomData<K>,
}

impl<K> ScopeSpansSeed<'_, '_, '_, K> {
    fn check_refused<E: de::Error>(&mut self) -> Result<(), E> {
        if self.refuse {
            self.ctx.reordered = true;
            return Err(de::Error::custom(
                "`scopeSpans` after a legacy `instrumentationLibrarySpans` (retried in two passes)",
            ));
        }
        Ok(())
    }
}

seed_is_visitor!(deserialize_any<K>: ScopeSpansSeed<'_, '_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for ScopeSpansSeed<'_, '_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a ScopeSpans object")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        self.check_refused()?;
        let ctx = self.ctx;
        let mode = ctx.mode;
        let (mut slot, at) = ctx.scope_order.enter(mode);
        while let Some(k) = map.next_key::<ScopeSpansKey>()? {
            match k {
                ScopeSpansKey::Scope if mode == Mode::Replay => {
                    map.next_value::<IgnoredAny>()?;
                }
                ScopeSpansKey::Scope => {
                    let s = map.next_value_seed(elem::<K, _>(ScopeSeed { ctx: &mut *ctx }))?;
                    if ctx.scope_order.record(mode, at, &mut slot, s, Some(0)).is_err() {
                        ctx.reordered = true;
                        return Err(de::Error::custom("`scope` after its spans (retried in two passes)"));
                    }
                }
                ScopeSpansKey::Spans if mode == Mode::Collect || self.discard => {
                    map.next_value::<IgnoredAny>()?;
                }
                ScopeSpansKey::Spans => map.next_value_seed(SpansSeed::<K> {
                    ctx: &mut *ctx,
                    res: &mut *self.res,
                    scope: &mut slot,
                    k: PhantomData,
                })?,
                ScopeSpansKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(mut self) -> Result<(), E> {
        self.check_refused()?;
        self.ctx.scope_order.enter(self.ctx.mode);
        Ok(())
    }
}

struct ScopeSeed<'c, 'b> {
    ctx: &'c mut Ctx<'b>,
}

seed_is_visitor!(deserialize_any: ScopeSeed<'_, '_>);

impl<'de> Visitor<'de> for ScopeSeed<'_, '_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an InstrumentationScope object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let mut name = CowStr::default();
        let mut version = CowStr::default();
        let mut attrs = Vec::new();
        while let Some(k) = map.next_key::<ScopeKey>()? {
            match k {
                ScopeKey::Name => name = map.next_value()?,
                ScopeKey::Version => version = map.next_value()?,
                ScopeKey::Attributes => {
                    map.next_value_seed(AttrsSeed { b: &mut *self.ctx.b, out: &mut attrs, service: None })?
                }
                ScopeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(self.ctx.scope(&name.0, &version.0, attrs))
    }
    fn visit_unit<E: de::Error>(self) -> Result<u32, E> {
        Ok(0)
    }
}

/// A `spans` array: each span is filled into the reused draft and added to the builder at once.
struct SpansSeed<'c, 'b, 's, K> {
    ctx: &'c mut Ctx<'b>,
    res: &'s mut Slot,
    scope: &'s mut Slot,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: SpansSeed<'_, '_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for SpansSeed<'_, '_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.ctx;
        while let Some(present) = seq.next_element_seed(elem::<K, _>(SpanSeed { ctx: &mut *ctx }))? {
            if !present {
                continue; // a null element
            }
            let resource = match self.res.idx {
                Some(r) => r,
                None => ctx.unknown_resource(),
            };
            self.res.used = true;
            self.scope.used = true;
            ctx.draft.resource = resource;
            ctx.draft.scope = self.scope.idx.unwrap_or(0);
            ctx.b.add_span(&mut ctx.draft);
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Whether a stored value says "true": the boolean, or the string in any case (as [`super::common`]'s tags).
fn is_true(b: &TraceSetBuilder, v: StoredValue) -> bool {
    v == StoredValue::bool(true) || v.as_str_id().is_some_and(|id| b.str_of(id).trim().eq_ignore_ascii_case("true"))
}

/// One span into `ctx.draft`; `false` for a null element.
struct SpanSeed<'c, 'b> {
    ctx: &'c mut Ctx<'b>,
}

seed_is_visitor!(deserialize_any: SpanSeed<'_, '_>);

impl<'de> Visitor<'de> for SpanSeed<'_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let Ctx { b, draft: d, keys, .. } = self.ctx;
        let b: &mut TraceSetBuilder = b;
        let mut start = None;
        let mut end = None;
        while let Some(k) = map.next_key::<SpanKey>()? {
            match k {
                SpanKey::TraceId => d.trace_id = map.next_value::<TraceIdV>()?.0,
                SpanKey::SpanId => d.span_id = map.next_value::<SpanIdV>()?.0,
                SpanKey::ParentSpanId => d.parent_id = map.next_value::<SpanIdV>()?.0,
                SpanKey::TraceState => d.trace_state = map.next_value_seed(InternSeed(&mut *b))?,
                SpanKey::Flags => d.flags = map.next_value::<U32V>()?.0,
                SpanKey::Name => d.name = map.next_value_seed(InternSeed(&mut *b))?,
                SpanKey::Kind => d.kind = map.next_value::<KindV>()?.0,
                SpanKey::StartTimeUnixNano => start = map.next_value::<TimeV>()?.0,
                SpanKey::EndTimeUnixNano => end = map.next_value::<TimeV>()?.0,
                SpanKey::Attributes => {
                    map.next_value_seed(AttrsSeed { b: &mut *b, out: &mut d.attrs, service: None })?
                }
                SpanKey::DroppedAttributesCount => d.dropped.attributes = map.next_value::<U32V>()?.0,
                SpanKey::Events => map.next_value_seed(EventsSeed { b: &mut *b, d: &mut *d })?,
                SpanKey::DroppedEventsCount => d.dropped.events = map.next_value::<U32V>()?.0,
                SpanKey::Links => map.next_value_seed(LinksSeed { b: &mut *b, d: &mut *d, keys: *keys })?,
                SpanKey::DroppedLinksCount => d.dropped.links = map.next_value::<U32V>()?.0,
                SpanKey::Status => {
                    if let Some(s) = map.next_value::<Option<StatusJson<'de>>>()? {
                        d.status = match s.code.0 {
                            StatusCode::Unset if s.deprecated_code.1 => StatusCode::Error,
                            code => code,
                        };
                        d.status_message = b.intern(&s.message.0);
                    }
                }
                SpanKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if d.status != StatusCode::Error && d.attrs.iter().any(|a| a.key() == keys.error && is_true(b, a.stored())) {
            d.status = StatusCode::Error;
        }
        d.start = start.map(TimestampNs);
        d.duration = match (start, end) {
            (Some(s), Some(e)) => Some(DurationNs(e.saturating_sub(s))),
            _ => None,
        };
        // Events without a time sit at the span's start; links without a trace id point into this trace.
        place_untimed_events(d);
        if let Some(t) = d.trace_id {
            for l in &mut d.links {
                if l.trace_id.value == 0 {
                    l.trace_id = t;
                }
            }
        }
        Ok(true)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

struct EventsSeed<'c> {
    b: &'c mut TraceSetBuilder,
    d: &'c mut SpanDraft,
}

seed_is_visitor!(deserialize_any: EventsSeed<'_>);

impl<'de> Visitor<'de> for EventsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of span events")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(EventSeed { b: &mut *self.b, d: &mut *self.d })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct EventSeed<'c> {
    b: &'c mut TraceSetBuilder,
    d: &'c mut SpanDraft,
}

seed_is_visitor!(deserialize_any: EventSeed<'_>);

impl<'de> Visitor<'de> for EventSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a span event object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let before = self.d.event_attrs.len();
        let mut time = None;
        let mut name = StrId::EMPTY;
        let mut dropped = 0;
        while let Some(k) = map.next_key::<EventKey>()? {
            match k {
                EventKey::TimeUnixNano => time = map.next_value::<TimeV>()?.0,
                EventKey::Name => name = map.next_value_seed(InternSeed(&mut *self.b))?,
                EventKey::Attributes => {
                    map.next_value_seed(AttrsSeed { b: &mut *self.b, out: &mut self.d.event_attrs, service: None })?
                }
                EventKey::DroppedAttributesCount => dropped = map.next_value::<U32V>()?.0,
                EventKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let attr_count = (self.d.event_attrs.len() - before) as u32;
        let time = time.map(TimestampNs).unwrap_or(NO_TIME);
        self.d.events.push(EventDraft { time, name, attr_count, dropped_attributes_count: dropped });
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct LinksSeed<'c> {
    b: &'c mut TraceSetBuilder,
    d: &'c mut SpanDraft,
    keys: Keys,
}

seed_is_visitor!(deserialize_any: LinksSeed<'_>);

impl<'de> Visitor<'de> for LinksSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of span links")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(LinkSeed { b: &mut *self.b, d: &mut *self.d, keys: self.keys })?.is_some() {}
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct LinkSeed<'c> {
    b: &'c mut TraceSetBuilder,
    d: &'c mut SpanDraft,
    keys: Keys,
}

seed_is_visitor!(deserialize_any: LinkSeed<'_>);

impl<'de> Visitor<'de> for LinkSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a span link object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let d = self.d;
        let before = d.link_attrs.len();
        let mut trace_id = None;
        let mut span_id = None;
        let mut trace_state = StrId::EMPTY;
        let mut dropped = 0;
        while let Some(k) = map.next_key::<LinkKey>()? {
            match k {
                LinkKey::TraceId => trace_id = map.next_value::<TraceIdV>()?.0,
                LinkKey::SpanId => span_id = map.next_value::<SpanIdV>()?.0,
                LinkKey::TraceState => trace_state = map.next_value_seed(InternSeed(&mut *self.b))?,
                LinkKey::Attributes => {
                    map.next_value_seed(AttrsSeed { b: &mut *self.b, out: &mut d.link_attrs, service: None })?
                }
                LinkKey::DroppedAttributesCount => dropped = map.next_value::<U32V>()?.0,
                LinkKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let Some(span_id) = span_id else {
            d.link_attrs.truncate(before);
            d.source_warnings.push("a span link without a span id was left out".to_string());
            return Ok(());
        };
        let attrs = d.link_attrs.get(before..).unwrap_or(&[]);
        let k = self.keys;
        let kind = attrs
            .iter()
            .find(|a| a.key() == k.ref_type)
            .and_then(|a| a.stored().as_str_id())
            .map(|v| {
                if v == k.child_of {
                    LinkKind::ChildOf
                } else if v == k.follows_from {
                    LinkKind::FollowsFrom
                } else {
                    LinkKind::Link
                }
            })
            .unwrap_or(LinkKind::Link);
        d.links.push(LinkDraft {
            kind,
            // Zero (absent) is replaced by the span's own trace id once the span is read.
            trace_id: trace_id.unwrap_or(TraceId { value: 0, wide: true }),
            span_id,
            trace_state,
            attr_count: attrs.len() as u32,
            dropped_attributes_count: dropped,
        });
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Attributes and values.

/// A `KeyValue` list appended to `out`. At resource level, `service` receives the `service.name` text.
struct AttrsSeed<'c> {
    b: &'c mut TraceSetBuilder,
    out: &'c mut Vec<Attribute>,
    service: Option<&'c mut Option<String>>,
}

seed_is_visitor!(deserialize_any: AttrsSeed<'_>);

impl<'de> Visitor<'de> for AttrsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of attributes ({\"key\":…,\"value\":{…}})")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let want_service = self.service.is_some();
        while let Some(kv) = seq.next_element_seed(KeyValueSeed { b: &mut *self.b, want_service })? {
            let Some((attr, service)) = kv else { continue };
            self.out.push(attr);
            if let (Some(text), Some(slot)) = (service, self.service.as_deref_mut()) {
                *slot = Some(text.into_owned());
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One `KeyValue`; `None` for a null element. With `want_service`, also the text of a `service.name` string.
struct KeyValueSeed<'c> {
    b: &'c mut TraceSetBuilder,
    want_service: bool,
}

type KeyValueOut<'de> = Option<(Attribute, Option<Cow<'de, str>>)>;

seed_is_visitor!(deserialize_any: KeyValueSeed<'_>);

impl<'de> Visitor<'de> for KeyValueSeed<'_> {
    type Value = KeyValueOut<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute ({\"key\":…,\"value\":{…}})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut key = StrId::EMPTY;
        let mut is_service = false;
        let mut value = StoredValue::empty();
        let mut text = None;
        while let Some(k) = map.next_key::<KeyValueKey>()? {
            match k {
                KeyValueKey::Key => {
                    let s: CowStr<'de> = map.next_value()?;
                    is_service = s.0 == "service.name";
                    key = self.b.intern(&s.0);
                }
                KeyValueKey::Value => {
                    (value, text) = map.next_value_seed(AnyValueSeed { b: &mut *self.b })?;
                }
                KeyValueKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let service = if self.want_service && is_service { text } else { None };
        Ok(Some((Attribute::new(key, value), service)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An `AnyValue`, stored; for a `stringValue`, also its text.
struct AnyValueSeed<'c> {
    b: &'c mut TraceSetBuilder,
}

type AnyValueOut<'de> = (StoredValue, Option<Cow<'de, str>>);

seed_is_visitor!(deserialize_any: AnyValueSeed<'_>);

impl<'de> Visitor<'de> for AnyValueSeed<'_> {
    type Value = AnyValueOut<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AnyValue object such as {\"stringValue\":\"…\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let b = self.b;
        let mut out = (StoredValue::empty(), None);
        while let Some(k) = map.next_key::<AnyValueKey>()? {
            out = match k {
                AnyValueKey::StringValue => {
                    let s: CowStr<'de> = map.next_value()?;
                    (b.str_value(&s.0), Some(s.0))
                }
                AnyValueKey::BoolValue => {
                    (map.next_value::<BoolV>()?.0.map_or_else(StoredValue::empty, StoredValue::bool), None)
                }
                AnyValueKey::IntValue => {
                    let v = match map.next_value::<IntV>()? {
                        IntV::Int(i) => StoredValue::int(i),
                        IntV::Text(t) => b.str_value(&t),
                        IntV::Double(x) => StoredValue::double(x),
                        IntV::Null => StoredValue::empty(),
                    };
                    (v, None)
                }
                AnyValueKey::DoubleValue => {
                    (map.next_value::<DoubleV>()?.0.map_or_else(StoredValue::empty, StoredValue::double), None)
                }
                AnyValueKey::BytesValue => {
                    let v = map.next_value::<BytesV>()?.0;
                    (b.bytes_value(&v), None)
                }
                AnyValueKey::ArrayValue => (map.next_value_seed(ArrayValueSeed { b: &mut *b })?, None),
                AnyValueKey::KvlistValue => (map.next_value_seed(KvlistValueSeed { b: &mut *b })?, None),
                AnyValueKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
        }
        Ok(out)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok((StoredValue::empty(), None))
    }
}

/// `arrayValue: {values: [AnyValue…]}`.
struct ArrayValueSeed<'c> {
    b: &'c mut TraceSetBuilder,
}

seed_is_visitor!(deserialize_any: ArrayValueSeed<'_>);

impl<'de> Visitor<'de> for ArrayValueSeed<'_> {
    type Value = StoredValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ArrayValue object ({\"values\":[…]})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoredValue, A::Error> {
        let mut items = Vec::new();
        while let Some(k) = map.next_key::<ValuesKey>()? {
            match k {
                ValuesKey::Values => map.next_value_seed(ValueListSeed { b: &mut *self.b, out: &mut items })?,
                ValuesKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(self.b.array_value(&items))
    }
    fn visit_unit<E: de::Error>(self) -> Result<StoredValue, E> {
        Ok(self.b.array_value(&[]))
    }
}

struct ValueListSeed<'c> {
    b: &'c mut TraceSetBuilder,
    out: &'c mut Vec<StoredValue>,
}

seed_is_visitor!(deserialize_any: ValueListSeed<'_>);

impl<'de> Visitor<'de> for ValueListSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of AnyValue objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some((v, _)) = seq.next_element_seed(AnyValueSeed { b: &mut *self.b })? {
            self.out.push(v);
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// `kvlistValue: {values: [KeyValue…]}`.
struct KvlistValueSeed<'c> {
    b: &'c mut TraceSetBuilder,
}

seed_is_visitor!(deserialize_any: KvlistValueSeed<'_>);

impl<'de> Visitor<'de> for KvlistValueSeed<'_> {
    type Value = StoredValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a KeyValueList object ({\"values\":[…]})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoredValue, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<ValuesKey>()? {
            match k {
                ValuesKey::Values => {
                    map.next_value_seed(AttrsSeed { b: &mut *self.b, out: &mut entries, service: None })?
                }
                ValuesKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(self.b.kvlist_value(&entries))
    }
    fn visit_unit<E: de::Error>(self) -> Result<StoredValue, E> {
        Ok(self.b.kvlist_value(&[]))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Scalars. Each accepts `null` as "not set" and the lenient spellings pdata accepts.

/// A string interned straight from the input (no allocation when it has no escapes).
struct InternSeed<'c>(&'c mut TraceSetBuilder);

seed_is_visitor!(deserialize_any: InternSeed<'_>);

impl<'de> Visitor<'de> for InternSeed<'_> {
    type Value = StrId;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<StrId, E> {
        Ok(self.0.intern(s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<StrId, E> {
        Ok(StrId::EMPTY)
    }
}

/// A string borrowed from the input when it has no escapes; `null` is the empty string.
#[derive(Default)]
struct CowStr<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CowVisitor::<true>).map(CowStr)
    }
}

/// A value that may arrive as a JSON number or as a decimal string; digits beyond u64 saturate (a time after
/// year 2554 or a count past 2^64 is out of range either way, and the builder flags the time).
fn parse_u64_text(s: &str) -> Option<u64> {
    let t = s.trim();
    match t.parse::<u64>() {
        Ok(v) => Some(v),
        Err(_) if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) => Some(u64::MAX),
        Err(_) => None,
    }
}

/// An unsigned 64-bit value (string or number); `None` when absent, null or empty.
struct U64V(Option<u64>);

impl<'de> Deserialize<'de> for U64V {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = U64V;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an unsigned integer (a decimal string or a number)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<U64V, E> {
                Ok(U64V(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<U64V, E> {
                u64::try_from(v).map(|v| U64V(Some(v))).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<U64V, E> {
                // A whole number written with a fraction or exponent (`1.5e18`).
                // Beyond u64 saturates (`as` does), as decimal text does.
                if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
                    Ok(U64V(Some(v as u64)))
                } else {
                    Err(E::invalid_value(Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<U64V, E> {
                if s.is_empty() {
                    return Ok(U64V(None));
                }
                parse_u64_text(s).map(|v| U64V(Some(v))).ok_or_else(|| E::invalid_value(Unexpected::Str(s), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<U64V, E> {
                Ok(U64V(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A fixed64 nanosecond time; `0`, absent or null mean "not set". Saturates at i64 (year 2262).
struct TimeV(Option<i64>);

impl<'de> Deserialize<'de> for TimeV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = U64V::deserialize(d)?.0;
        Ok(TimeV(v.filter(|&v| v != 0).map(|v| i64::try_from(v).unwrap_or(i64::MAX))))
    }
}

/// A 32-bit count or flag word (saturating); absent is 0.
struct U32V(u32);

impl<'de> Deserialize<'de> for U32V {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = U64V::deserialize(d)?.0.unwrap_or(0);
        Ok(U32V(u32::try_from(v).unwrap_or(u32::MAX)))
    }
}

/// `intValue`: see the module docs for what happens beyond the i64 range.
enum IntV {
    Int(i64),
    Text(String),
    Double(f64),
    Null,
}

impl<'de> Deserialize<'de> for IntV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer (a decimal string or a number)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntV, E> {
                Ok(IntV::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntV, E> {
                Ok(i64::try_from(v).map(IntV::Int).unwrap_or_else(|_| IntV::Text(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntV, E> {
                if v.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&v) {
                    Ok(IntV::Int(v as i64))
                } else {
                    Ok(IntV::Double(v))
                }
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<IntV, E> {
                let t = s.trim();
                if let Ok(v) = t.parse::<i64>() {
                    return Ok(IntV::Int(v));
                }
                let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
                if !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit()) {
                    return Ok(IntV::Text(t.to_string())); // out of range: keep the exact digits
                }
                Err(E::invalid_value(Unexpected::Str(s), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<IntV, E> {
                Ok(IntV::Null)
            }
        }
        d.deserialize_any(V)
    }
}

/// `doubleValue`: a number, or a string (`"NaN"`, `"Infinity"`, `"-Infinity"`, or decimal text).
struct DoubleV(Option<f64>);

impl<'de> Deserialize<'de> for DoubleV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DoubleV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or \"NaN\", \"Infinity\" or \"-Infinity\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DoubleV, E> {
                Ok(DoubleV(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DoubleV, E> {
                Ok(DoubleV(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DoubleV, E> {
                Ok(DoubleV(Some(v as f64)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DoubleV, E> {
                let v = match s {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    _ => f64_from_str(s.trim()).ok_or_else(|| E::invalid_value(Unexpected::Str(s), &self))?,
                };
                Ok(DoubleV(Some(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DoubleV, E> {
                Ok(DoubleV(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `boolValue`: a boolean, or the strings `"true"`/`"false"`.
struct BoolV(Option<bool>);

impl<'de> Deserialize<'de> for BoolV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = BoolV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<BoolV, E> {
                Ok(BoolV(Some(v)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<BoolV, E> {
                match s {
                    "true" => Ok(BoolV(Some(true))),
                    "false" => Ok(BoolV(Some(false))),
                    _ => Err(E::invalid_value(Unexpected::Str(s), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<BoolV, E> {
                Ok(BoolV(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// `bytesValue`: standard (or URL-safe) base64.
struct BytesV(Vec<u8>);

impl<'de> Deserialize<'de> for BytesV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = BytesV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<BytesV, E> {
                base64::decode(s).map(BytesV).ok_or_else(|| E::invalid_value(Unexpected::Str(clip(s)), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<BytesV, E> {
                Ok(BytesV(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `kind`: an integer, or a name (`SPAN_KIND_SERVER`, `SERVER`, `server`). Unknown values are "unspecified".
struct KindV(SpanKind);

impl<'de> Deserialize<'de> for KindV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KindV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a span kind (0–5 or a name such as \"SPAN_KIND_SERVER\")")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KindV, E> {
                Ok(KindV(i64::try_from(v).ok().and_then(SpanKind::from_otlp).unwrap_or_default()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KindV, E> {
                Ok(KindV(SpanKind::from_otlp(v).unwrap_or_default()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<KindV, E> {
                let k = match s.trim().parse::<i64>() {
                    Ok(v) => SpanKind::from_otlp(v),
                    Err(_) => SpanKind::from_name(s.trim()),
                };
                Ok(KindV(k.unwrap_or_default()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KindV, E> {
                Ok(KindV(SpanKind::Unspecified))
            }
        }
        d.deserialize_any(V)
    }
}

/// `status.code`: 0/1/2, or a name (`STATUS_CODE_ERROR`, `ERROR`, `error`). Unknown values are "unset".
/// The same value read as the legacy `deprecatedCode` is the second field: whether it is anything but
/// `DEPRECATED_STATUS_CODE_OK` (0). One type for both, so that one visitor is compiled.
#[derive(Default)]
struct StatusV(StatusCode, bool);

fn status_from_otlp(v: i64) -> StatusV {
    let code = match v {
        1 => StatusCode::Ok,
        2 => StatusCode::Error,
        _ => StatusCode::Unset,
    };
    StatusV(code, v != 0)
}

impl<'de> Deserialize<'de> for StatusV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = StatusV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a status code (0–2 or a name such as \"STATUS_CODE_ERROR\")")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<StatusV, E> {
                Ok(status_from_otlp(i64::try_from(v).unwrap_or(-1)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<StatusV, E> {
                Ok(status_from_otlp(v))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<StatusV, E> {
                let s = s.trim();
                if let Ok(v) = s.parse::<i64>() {
                    return Ok(status_from_otlp(v));
                }
                let n = s.strip_prefix("STATUS_CODE_").unwrap_or(s);
                let code = if n.eq_ignore_ascii_case("error") {
                    StatusCode::Error
                } else if n.eq_ignore_ascii_case("ok") {
                    StatusCode::Ok
                } else {
                    StatusCode::Unset
                };
                let legacy = s.strip_prefix("DEPRECATED_STATUS_CODE_").unwrap_or(s);
                Ok(StatusV(code, !legacy.is_empty() && !legacy.eq_ignore_ascii_case("ok")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StatusV, E> {
                Ok(StatusV(StatusCode::Unset, false))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Ids.

/// At most this much of a bad value is quoted in an error.
fn clip(s: &str) -> &str {
    match s.char_indices().nth(80) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn all_hex(s: &str) -> bool {
    s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// A trace id in hex or base64 (see the module docs); `Ok(None)` for the empty string.
pub(crate) fn decode_trace_id(s: &str) -> Result<Option<TraceId>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() <= 32 && all_hex(s) {
        if let Some(id) = TraceId::from_hex(s) {
            return Ok(Some(id));
        }
    }
    if let Some(id) = base64::decode(s).as_deref().and_then(TraceId::from_bytes) {
        return Ok(Some(id));
    }
    Err(format!("trace id `{}` is neither hex (32 digits) nor base64 of 16 bytes (24 characters ending `==`)", clip(s)))
}

/// A span id in hex or base64 (see the module docs); `Ok(None)` for the empty string and for zero.
pub(crate) fn decode_span_id(s: &str) -> Result<Option<SpanId>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() <= 32 && all_hex(s) {
        if s.bytes().all(|c| c == b'0') {
            return Ok(None);
        }
        if let Some(id) = SpanId::from_hex(s) {
            return Ok(Some(id));
        }
        return Err(format!("span id `{}` has more than 64 bits", clip(s)));
    }
    if let Some(bytes) = base64::decode(s) {
        if bytes.len() == 8 {
            return Ok(SpanId::from_bytes(&bytes));
        }
    }
    Err(format!("span id `{}` is neither hex (16 digits) nor base64 of 8 bytes (12 characters ending `=`)", clip(s)))
}

struct TraceIdV(Option<TraceId>);

impl<'de> Deserialize<'de> for TraceIdV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TraceIdV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a trace id (hex or base64 string)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<TraceIdV, E> {
                decode_trace_id(s).map(TraceIdV).map_err(E::custom)
            }
            fn visit_unit<E: de::Error>(self) -> Result<TraceIdV, E> {
                Ok(TraceIdV(None))
            }
        }
        d.deserialize_any(V)
    }
}

struct SpanIdV(Option<SpanId>);

impl<'de> Deserialize<'de> for SpanIdV {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = SpanIdV;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a span id (hex or base64 string)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<SpanIdV, E> {
                decode_span_id(s).map(SpanIdV).map_err(E::custom)
            }
            fn visit_unit<E: de::Error>(self) -> Result<SpanIdV, E> {
                Ok(SpanIdV(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_when_all_hex_digits_else_base64() {
        let hex = decode_trace_id("5B8EFFF798038103D269B633813FC60C").unwrap().unwrap();
        assert_eq!(hex.to_hex(), "5b8efff798038103d269b633813fc60c");
        let b64 = decode_trace_id("W47/95gDgQPSabYzgT/GDA==").unwrap().unwrap();
        assert_eq!(b64, hex);
        assert_eq!(decode_span_id("7uGbfsPBsXQ=").unwrap(), decode_span_id("eee19b7ec3c1b174").unwrap());
        assert_eq!(decode_trace_id("00000000000000ff").unwrap().unwrap().to_hex(), "00000000000000ff");
        assert_eq!(decode_span_id("").unwrap(), None);
        assert_eq!(decode_span_id("0000000000000000").unwrap(), None);
        assert_eq!(decode_span_id("AAAAAAAAAAA=").unwrap(), None);
        assert!(decode_trace_id("trace-123").unwrap_err().contains("`trace-123`"));
        assert!(decode_span_id("ffffffffffffffffff").unwrap_err().contains("64 bits"));
        assert!(decode_span_id("W47/95gDgQPSabYzgT/GDA==").is_err()); // 16 bytes is not a span id
    }
}
