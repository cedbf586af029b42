//! The OpenTelemetry SDKs' console output: the JSON a developer gets without any backend, from the Python SDK's
//! `ConsoleSpanExporter` and the Go SDK's `stdouttrace` exporter. Neither is OTLP; each SDK prints its own
//! view of a finished span, one JSON object per span, objects one after another (pretty-printed, so a span spans
//! many lines). Jaeger UI and Grafana read neither.
//!
//! # Documents read
//! One span object, or several concatenated (with whitespace between, as the exporters print them), or an array
//! of them (Go's `stdouttrace` before v1.0 printed each batch as an array). Python and Go spans may even be
//! mixed. Unknown keys are ignored; `null` is "not set" everywhere (Go prints `null` for an empty list).
//! Each top-level value is read whole, from a stream too (console output is a developer's, not a million spans:
//! an array of spans is then one element, which the scanner takes up to 256 MB).
//!
//! # Python (`ReadableSpan.to_json`, opentelemetry-sdk `trace/__init__.py`)
//! `{"name", "context": {"trace_id": "0x…", "span_id": "0x…", "trace_state": "[]"}, "kind": "SpanKind.SERVER",
//! "parent_id": "0x…" | null, "start_time": "2024-05-25T11:36:45.049766Z", "end_time", "status": {"status_code":
//! "UNSET" | "OK" | "ERROR", "description"?}, "attributes": {key: value}, "events": [{"name", "timestamp",
//! "attributes"}], "links": [{"context", "attributes"}], "resource": {"attributes": {…}, "schema_url"}}`.
//! - ids are hex with a `0x` prefix; the parent is a span id of the span's own trace.
//! - `trace_state` is Python's `repr` of the TraceState: `"[]"` when empty, else `['{key=k, value=v}', …]`, read
//!   back as `k=v,…`.
//! - attribute values are JSON values: strings, booleans, integers, floats, and arrays of one of them.
//!
//! # Go (`tracetest.SpanStub`, go.opentelemetry.io/otel/sdk/trace/tracetest)
//! `{"Name", "SpanContext": {"TraceID", "SpanID", "TraceFlags": "01", "TraceState": "k=v", "Remote"}, "Parent":
//! {same; all-zero ids for a root}, "SpanKind": 1, "StartTime": "2023-04-27T22:28:47.16422+05:30", "EndTime",
//! "Attributes": [{"Key", "Value": {"Type": "STRING", "Value": …}}], "Events": [{"Name", "Attributes",
//! "DroppedAttributeCount", "Time"}], "Links": [{"SpanContext", "Attributes", "DroppedAttributeCount"}],
//! "Status": {"Code": "Unset" | "Error" | "Ok", "Description"}, "DroppedAttributes", "DroppedEvents",
//! "DroppedLinks", "ChildSpanCount", "Resource": [key-values], "InstrumentationScope": {"Name", "Version",
//! "SchemaURL", "Attributes"?}, "InstrumentationLibrary": {same}}`.
//! - `SpanKind` is Go's number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer (0 unspecified).
//! - times are RFC 3339 with the writer's own offset and up to nine fraction digits. `WithoutTimestamps()`
//!   prints Go's zero time `0001-01-01T00:00:00Z`: read as "no time" (the builder then says so on each span).
//! - attribute `Type`s: `BOOL`, `INT64`, `FLOAT64`, `STRING` and their `…SLICE`s (an `INT64` beyond 2^53 is
//!   read exactly; a `FLOAT64` written as `5` stays a float).
//! - before v1.0 (2021): `MessageEvents` for `Events`, `StatusCode`/`StatusMessage` for `Status`,
//!   `DroppedAttributeCount`/`DroppedMessageEventCount`/`DroppedLinkCount`, `TraceState: null`; all read.
//!
//! # Mapping
//! Resource attributes give the service (`service.name`, else `unknown_service`), as in OTLP; identical
//! resources and scopes are shared. Status `ERROR` is an error with its description as the message.

use super::common::{seed_is_visitor, text_of, Int, TagVal, Text};
use super::{shape_error, Elements, Format, ImportError, Input, ValueReader};
use crate::build::{LinkDraft, SpanDraft, TraceSetBuilder};
use crate::ids::TraceId;
use crate::time::{timestamp_from_rfc3339, TimestampNs};
use crate::trace::{LinkKind, SpanKind, StatusCode};
use crate::value::{Attribute, StoredValue};
use hashbrown::HashMap;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Parses a document of console output into `b`.
pub(crate) fn parse(b: &mut TraceSetBuilder, input: Input<'_>) -> Result<(), ImportError> {
    let mut st = State::new(b);
    input.each_value(&mut st).map_err(|e| shape_error(Format::Console, e, input))
}

/// The path serde_path_to_error gives the failure of [`parse`] (see `path_differential`).
#[cfg(test)]
pub(super) fn spte_path(bytes: &[u8]) -> Option<String> {
    use serde::de::DeserializeSeed as _;
    let mut scratch = TraceSetBuilder::new();
    let mut st = State::new(&mut scratch);
    // Every value in turn, as `parse` reads them.
    let mut de = serde_json::Deserializer::from_slice(bytes);
    loop {
        let mut track = serde_path_to_error::Track::new();
        let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
        if (Doc { st: &mut st }).deserialize(tracked).is_err() {
            return Some(track.path().to_string());
        }
        if de.end().is_ok() {
            return None;
        }
    }
}

const UNKNOWN_SERVICE: &str = "unknown_service";

struct State<'a> {
    b: &'a mut TraceSetBuilder,
    draft: SpanDraft,
    /// A resource's attributes as text → its index: identical resources are one.
    resources: HashMap<String, u32>,
    /// A scope's name, version and attributes as text → its index.
    scopes: HashMap<String, u32>,
}

impl<'a> State<'a> {
    fn new(b: &'a mut TraceSetBuilder) -> Self {
        State { b, draft: SpanDraft::default(), resources: HashMap::new(), scopes: HashMap::new() }
    }
}

impl ValueReader for State<'_> {
    fn value<'de, K: Elements, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        // Each top-level value whole, also from a stream (console output is a developer's, not a million spans):
        // then the code below is compiled for serde_json's reader of text alone, once.
        K::read(d, Doc { st: self })
    }
}

/// A top-level value, or an element of a top-level array: a span, or an array of spans.
struct Doc<'s, 'a> {
    st: &'s mut State<'a>,
}

seed_is_visitor!(deserialize_any: Doc<'_, '_>);

impl<'de> Visitor<'de> for Doc<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a span printed by an OpenTelemetry SDK's console exporter, or an array of them")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let span = Span::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.st.add(span);
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Doc { st: &mut *self.st })?.is_some() {}
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------
// The span as printed. Python's keys are snake_case and Go's are its struct fields' names; where both mean the
// same, one field reads either (`alias`), so one struct reads both flavours with little code. A span with
// neither's keys is an empty span, which the builder flags.

#[derive(Deserialize, Default)]
#[serde(default)]
struct Span<'a> {
    #[serde(alias = "Name", borrow)]
    name: Option<Text<'a>>,
    #[serde(alias = "SpanContext", borrow)]
    context: Option<Context<'a>>,
    /// Python's `"SpanKind.SERVER"`, Go's `"SpanKind": 2`.
    #[serde(alias = "SpanKind", borrow)]
    kind: Option<TagVal<'a>>,
    /// Python: the parent's span id (of the span's own trace).
    #[serde(borrow)]
    parent_id: Option<Text<'a>>,
    /// Go: the parent's context, all zero for a root.
    #[serde(rename = "Parent", borrow)]
    parent: Option<Context<'a>>,
    #[serde(alias = "StartTime")]
    start_time: Option<Time>,
    #[serde(alias = "EndTime")]
    end_time: Option<Time>,
    #[serde(alias = "Status", borrow)]
    status: Option<Status<'a>>,
    /// Go before v1.0.
    #[serde(rename = "StatusCode", borrow)]
    status_code: Option<TagVal<'a>>,
    #[serde(rename = "StatusMessage", borrow)]
    status_message: Option<Text<'a>>,
    #[serde(alias = "Attributes", borrow)]
    attributes: Option<Attrs<'a>>,
    #[serde(alias = "Events", alias = "MessageEvents", borrow)]
    events: Option<Vec<Event<'a>>>,
    #[serde(alias = "Links", borrow)]
    links: Option<Vec<Link<'a>>>,
    /// Python: `{"attributes": {…}, "schema_url"}`; Go: a list of key-values.
    #[serde(alias = "Resource", borrow)]
    resource: Option<Resource<'a>>,
    #[serde(rename = "InstrumentationScope", borrow)]
    scope: Option<Scope<'a>>,
    /// Printed beside `InstrumentationScope` since Go v1.11; alone before.
    #[serde(rename = "InstrumentationLibrary", borrow)]
    library: Option<Scope<'a>>,
    #[serde(rename = "DroppedAttributes", alias = "DroppedAttributeCount")]
    dropped_attributes: Int,
    #[serde(rename = "DroppedEvents", alias = "DroppedMessageEventCount")]
    dropped_events: Int,
    #[serde(rename = "DroppedLinks", alias = "DroppedLinkCount")]
    dropped_links: Int,
}

/// Python's `context` (`0x` hex, TraceState as its `repr`) or Go's `SpanContext` (hex, `TraceFlags` hex,
/// `TraceState` W3C text, `null` or an object in old versions).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Context<'a> {
    #[serde(alias = "TraceID", borrow)]
    trace_id: Option<Text<'a>>,
    #[serde(alias = "SpanID", borrow)]
    span_id: Option<Text<'a>>,
    #[serde(alias = "TraceState", borrow)]
    trace_state: Option<TagVal<'a>>,
    #[serde(rename = "TraceFlags", borrow)]
    trace_flags: Option<TagVal<'a>>,
}

/// Python's `{"status_code": "ERROR", "description"}`, Go's `{"Code": "Error", "Description"}` (Go's numbers:
/// Unset 0, Error 1, Ok 2, not OTLP's order).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Status<'a> {
    #[serde(alias = "Code", borrow)]
    status_code: Option<TagVal<'a>>,
    #[serde(alias = "Description", borrow)]
    description: Option<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Event<'a> {
    #[serde(alias = "Name", borrow)]
    name: Option<Text<'a>>,
    #[serde(alias = "Time")]
    timestamp: Option<Time>,
    #[serde(alias = "Attributes", borrow)]
    attributes: Option<Attrs<'a>>,
    #[serde(rename = "DroppedAttributeCount")]
    dropped: Int,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Link<'a> {
    #[serde(alias = "SpanContext", borrow)]
    context: Option<Context<'a>>,
    #[serde(alias = "Attributes", borrow)]
    attributes: Option<Attrs<'a>>,
    #[serde(rename = "DroppedAttributeCount")]
    dropped: Int,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Scope<'a> {
    #[serde(rename = "Name", borrow)]
    name: Option<Text<'a>>,
    #[serde(rename = "Version", borrow)]
    version: Option<Text<'a>>,
    #[serde(rename = "Attributes", borrow)]
    attributes: Option<Attrs<'a>>,
}

/// Attributes in document order, each with Go's `Type` when it has one: Python's object of JSON values, or
/// Go's list of `{"Key", "Value": {"Type", "Value"}}`.
#[derive(Default)]
struct Attrs<'a>(Vec<(Cow<'a, str>, Option<Text<'a>>, TagVal<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Attrs<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("attributes: an object, or a list of {\"Key\", \"Value\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Text<'de>>()? {
                    out.push((k.0, None, map.next_value()?));
                }
                Ok(Attrs(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Attrs<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = seq.next_element::<KeyValue<'de>>()? {
                    out.push((kv.key.0, kv.value.ty, kv.value.value));
                }
                Ok(Attrs(out))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(rename = "Key", borrow)]
    key: Text<'a>,
    #[serde(rename = "Value", default, borrow)]
    value: TypedValue<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TypedValue<'a> {
    #[serde(rename = "Type", borrow)]
    ty: Option<Text<'a>>,
    #[serde(rename = "Value", borrow)]
    value: TagVal<'a>,
}

/// Python's resource: `{"attributes": {…}, "schema_url"}`; Go's: a list of key-values.
#[derive(Default)]
struct Resource<'a>(Attrs<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for Resource<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Python<'a> {
            #[serde(borrow)]
            attributes: Option<Attrs<'a>>,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Resource<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resource: {\"attributes\": {…}}, or a list of {\"Key\", \"Value\"}")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Resource<'de>, A::Error> {
                let p = Python::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Resource(p.attributes.unwrap_or_default()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Resource<'de>, A::Error> {
                Attrs::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Resource)
            }
        }
        d.deserialize_any(V)
    }
}

/// An RFC 3339 time; Go's zero time (`0001-01-01T00:00:00Z`, what `WithoutTimestamps()` prints) and `""` are
/// "no time", as `null` is.
#[derive(Clone, Copy)]
struct Time(Option<TimestampNs>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 time such as \"2024-05-25T11:36:45.049766Z\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
                if v.trim().is_empty() || v.trim().starts_with("0001-01-01T00:00:00") {
                    return Ok(Time(None));
                }
                match timestamp_from_rfc3339(v) {
                    Some(t) => Ok(Time(Some(t))),
                    None => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_str(V)
    }
}

fn time_of(t: Option<Time>) -> Option<TimestampNs> {
    t.and_then(|t| t.0)
}

/// A hex id as printed: `0x` (Python) stripped.
fn hex(t: &str) -> &str {
    let t = t.trim();
    t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t)
}

/// A context's trace state: Go's W3C text as it is, Python's `repr` read back (see [`trace_state_from_python`]).
fn trace_state<'t>(t: &'t Option<TagVal<'_>>) -> Cow<'t, str> {
    match t {
        Some(TagVal::Str(s)) => trace_state_from_python(s),
        _ => Cow::Borrowed(""),
    }
}

/// Python's `repr` of a TraceState (`[]`, or `['{key=k, value=v}', …]`) as W3C text (`k=v,…`); other text as it is.
fn trace_state_from_python(repr: &str) -> Cow<'_, str> {
    let r = repr.trim();
    if r.is_empty() || r == "[]" {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    for entry in r.split("{key=").skip(1) {
        let Some((key, rest)) = entry.split_once(", value=") else { return Cow::Borrowed(r) };
        let Some(value) = rest.split('}').next() else { return Cow::Borrowed(r) };
        if !out.is_empty() {
            out.push(',');
        }
        let _ = write!(out, "{key}={value}");
    }
    if out.is_empty() {
        Cow::Borrowed(r)
    } else {
        Cow::Owned(out)
    }
}

impl State<'_> {
    /// The span into the builder.
    fn add(&mut self, s: Span<'_>) {
        let mut d = std::mem::take(&mut self.draft);
        self.fill(&mut d, s);
        self.b.add_span(&mut d);
        self.draft = d;
    }

    fn fill(&mut self, d: &mut SpanDraft, s: Span<'_>) {
        let b = &mut *self.b;
        let ctx = s.context.unwrap_or_default();
        d.trace_id = trace_id(b, text_of(&ctx.trace_id));
        d.span_id = b.span_id_from_text(hex(text_of(&ctx.span_id)));
        d.parent_id = match &s.parent {
            Some(p) => b.span_id_from_text(hex(text_of(&p.span_id))),
            None => b.span_id_from_text(hex(text_of(&s.parent_id))),
        };
        d.flags = match &ctx.trace_flags {
            Some(TagVal::Str(f)) => u32::from_str_radix(f.trim(), 16).unwrap_or(0),
            Some(TagVal::U64(f)) => u32::try_from(*f).unwrap_or(0),
            _ => 0,
        };
        d.trace_state = b.intern(&trace_state(&ctx.trace_state));
        d.name = b.intern(text_of(&s.name));
        d.kind = match s.kind {
            Some(TagVal::Str(k)) => match k.trim().trim_start_matches("SpanKind.") {
                "INTERNAL" => SpanKind::Internal,
                "SERVER" => SpanKind::Server,
                "CLIENT" => SpanKind::Client,
                "PRODUCER" => SpanKind::Producer,
                "CONSUMER" => SpanKind::Consumer,
                _ => SpanKind::Unspecified,
            },
            // Go's numbers are OTLP's.
            Some(TagVal::U64(1)) => SpanKind::Internal,
            Some(TagVal::U64(2)) => SpanKind::Server,
            Some(TagVal::U64(3)) => SpanKind::Client,
            Some(TagVal::U64(4)) => SpanKind::Producer,
            Some(TagVal::U64(5)) => SpanKind::Consumer,
            _ => SpanKind::Unspecified,
        };
        let start = time_of(s.start_time);
        d.start = start;
        d.duration = start.zip(time_of(s.end_time)).map(|(s, e)| e.since(s));
        let (code, message) = match s.status {
            Some(st) => (st.status_code, st.description),
            None => (s.status_code, s.status_message),
        };
        d.status = match code {
            Some(TagVal::Str(c)) => match c.trim().trim_start_matches("StatusCode.").to_ascii_uppercase().as_str() {
                "ERROR" => StatusCode::Error,
                "OK" => StatusCode::Ok,
                _ => StatusCode::Unset,
            },
            Some(TagVal::U64(1)) => StatusCode::Error,
            Some(TagVal::U64(2)) => StatusCode::Ok,
            _ => StatusCode::Unset,
        };
        d.status_message = b.intern(text_of(&message));
        let count = |i: Int| u32::try_from(i.0.unwrap_or(0)).unwrap_or(0);
        d.dropped.attributes = count(s.dropped_attributes);
        d.dropped.events = count(s.dropped_events);
        d.dropped.links = count(s.dropped_links);
        d.attrs.extend(attributes_of(b, s.attributes));
        for e in s.events.unwrap_or_default() {
            let name = b.intern(text_of(&e.name));
            let attrs = attributes_of(b, e.attributes);
            // An event without a time: at the span's start.
            let at = time_of(e.timestamp).or(d.start).unwrap_or_default();
            d.push_event(at, name, attrs);
            if let Some(last) = d.events.last_mut() {
                last.dropped_attributes_count = count(e.dropped);
            }
        }
        for l in s.links.unwrap_or_default() {
            let ctx = l.context.unwrap_or_default();
            let attrs = attributes_of(b, l.attributes);
            let state = trace_state(&ctx.trace_state);
            push_link(b, d, text_of(&ctx.trace_id), text_of(&ctx.span_id), &state, attrs, count(l.dropped));
        }
        let attrs = attributes_of(b, s.resource.map(|r| r.0));
        d.resource = self.resource(&attrs);
        if let Some(scope) = s.scope.or(s.library) {
            let attrs = attributes_of(self.b, scope.attributes);
            d.scope = self.scope(text_of(&scope.name), text_of(&scope.version), &attrs);
        }
    }

    /// The resource with these attributes, shared by every span that has the same.
    fn resource(&mut self, attrs: &[Attribute]) -> u32 {
        let key = attrs_key(self.b, "", attrs);
        if let Some(&r) = self.resources.get(&key) {
            return r;
        }
        let service = attrs
            .iter()
            .find(|a| self.b.str_of(a.key()) == "service.name")
            .and_then(|a| a.stored().as_str_id())
            .map(|s| self.b.str_of(s).to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| UNKNOWN_SERVICE.to_string());
        let r = self.b.add_resource(&service, attrs);
        self.resources.insert(key, r);
        r
    }

    /// The scope with this name, version and attributes; none for an empty one.
    fn scope(&mut self, name: &str, version: &str, attrs: &[Attribute]) -> u32 {
        if name.is_empty() && version.is_empty() && attrs.is_empty() {
            return 0;
        }
        let key = attrs_key(self.b, &format!("{name}\u{0}{version}"), attrs);
        if let Some(&s) = self.scopes.get(&key) {
            return s;
        }
        let s = self.b.add_scope(name, version, attrs);
        self.scopes.insert(key, s);
        s
    }
}

/// What tells resources (or scopes) apart: `head`, then each attribute's key and value as text.
fn attrs_key(b: &TraceSetBuilder, head: &str, attrs: &[Attribute]) -> String {
    let mut key = head.to_string();
    for a in attrs {
        // Interned strings: one id per text, so the stored value tells values apart.
        let _ = write!(key, "\u{0}{}\u{1}{:?}", b.str_of(a.key()), a.stored());
    }
    key
}

fn trace_id(b: &mut TraceSetBuilder, text: &str) -> Option<TraceId> {
    let t = hex(text);
    (!t.is_empty() && !t.bytes().all(|c| c == b'0')).then(|| b.trace_id_from_text(t))
}

fn push_link(
    b: &mut TraceSetBuilder,
    d: &mut SpanDraft,
    trace: &str,
    span: &str,
    state: &str,
    attrs: Vec<Attribute>,
    dropped: u32,
) {
    let Some(span_id) = b.span_id_from_text(hex(span)) else {
        d.source_warnings.push("a link without a span id was left out".into());
        return;
    };
    // A link without a trace id points into the span's own trace.
    let trace_id = trace_id(b, trace).or(d.trace_id).unwrap_or(TraceId { value: 0, wide: true });
    let attr_count = attrs.len() as u32;
    d.link_attrs.extend(attrs);
    let trace_state = b.intern(state);
    d.links.push(LinkDraft {
        kind: LinkKind::Link,
        trace_id,
        span_id,
        trace_state,
        attr_count,
        dropped_attributes_count: dropped,
    });
}

fn attributes_of(b: &mut TraceSetBuilder, attrs: Option<Attrs<'_>>) -> Vec<Attribute> {
    attrs.unwrap_or_default().0.iter().map(|(k, ty, v)| json_attr(b, k, ty.as_ref(), v)).collect()
}

/// An attribute from a JSON value; Go's `Type` (`INT64`, `FLOAT64`, `STRINGSLICE` …) says how numbers read.
fn json_attr(b: &mut TraceSetBuilder, key: &str, ty: Option<&Text<'_>>, v: &TagVal<'_>) -> Attribute {
    let ty = ty.map(|t| t.0.trim()).unwrap_or("");
    let value = stored(b, ty.trim_end_matches("SLICE"), v, true);
    b.attr(key, value)
}

/// A JSON value as an attribute value: numbers as `float` when `ty` is `FLOAT64` (Go prints 5.0 as `5`), else
/// integers as integers; with `top`, an array element by element (the SDKs' attribute arrays hold scalars);
/// any other array or object as its JSON text.
fn stored(b: &mut TraceSetBuilder, ty: &str, v: &TagVal<'_>, top: bool) -> StoredValue {
    let float = ty == "FLOAT64";
    match v {
        TagVal::Null => StoredValue::empty(),
        TagVal::Bool(x) => StoredValue::bool(*x),
        TagVal::I64(i) if float => StoredValue::double(*i as f64),
        TagVal::U64(u) if float => StoredValue::double(*u as f64),
        TagVal::I64(i) => StoredValue::int(*i),
        TagVal::U64(u) => i64::try_from(*u).map_or(StoredValue::double(*u as f64), StoredValue::int),
        TagVal::F64(x) => StoredValue::double(*x),
        TagVal::Str(s) => b.str_value(s),
        TagVal::Json(text) if top && text.starts_with('[') => match serde_json::from_str::<Vec<TagVal<'_>>>(text) {
            Ok(items) => {
                let items: Vec<StoredValue> = items.iter().map(|x| stored(b, ty, x, false)).collect();
                b.array_value(&items)
            }
            Err(_) => b.str_value(text),
        },
        TagVal::Json(text) => b.str_value(text),
    }
}

#[cfg(test)]
mod tests {
    use super::trace_state_from_python;

    #[test]
    fn python_trace_state_repr_reads_as_w3c_text() {
        assert_eq!(trace_state_from_python("[]"), "");
        assert_eq!(trace_state_from_python("['{key=rojo, value=00f067aa0ba902b7}']"), "rojo=00f067aa0ba902b7");
        assert_eq!(trace_state_from_python("['{key=a, value=1}', '{key=b, value=2}']"), "a=1,b=2");
        assert_eq!(trace_state_from_python("something else"), "something else");
    }
}
