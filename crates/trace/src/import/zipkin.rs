//! Zipkin v2 JSON, the span model of the Zipkin API (<https://zipkin.io/zipkin-api/>, `zipkin2-api.yaml`; see
//! `FORMATS.md` §4).
//!
//! # Documents read
//! A span array (`/api/v2/trace/{id}`, Zipkin Lens uploads), a single span object, a list of traces (an array
//! of span arrays, as `/api/v2/traces` answers), or `[]`. Spans of several traces may be mixed; each span joins
//! the trace its `traceId` names. Unknown keys are ignored. Zipkin v1 (`binaryAnnotations`, annotations with an
//! `endpoint`) is refused with an error that says so.
//!
//! # Mapping
//! - ids: `traceId` is 16 or 32 hex digits (any case is accepted though the spec says lower case); a 32-digit
//!   id whose high half is zero is the 16-digit id, as Zipkin normalises it. `id` and `parentId` are span ids;
//!   an empty or all-zero `parentId` means "no parent". Non-hex ids get a stable hashed id and are kept for
//!   display.
//! - `kind`: `CLIENT`/`SERVER`/`PRODUCER`/`CONSUMER`; no kind is a local span, [`SpanKind::Internal`].
//! - `timestamp`/`duration` in µs; either may be absent (or 0, which Zipkin writes for "unknown"): the span
//!   then has no start or duration and the builder repairs it with a warning.
//! - `localEndpoint` → the span's resource: service `serviceName` (`"unknown"` when absent), attributes
//!   `service.name`, `ipv4`, `ipv6` and `port` as the endpoint has them. Resources are shared by every span with
//!   the same (serviceName, ipv4, ipv6, port).
//! - `remoteEndpoint` → span attributes with the OpenTracing names Jaeger data uses too: `peer.service`,
//!   `peer.ipv4`, `peer.ipv6`, `peer.port`.
//! - `annotations` → events named by their `value`, at their `timestamp` (the span start when absent).
//! - `tags` → string attributes (a non-string value is kept as its text). A tag `error` makes the status an
//!   error, with its value as the status message; the tag stays.
//! - `shared: true` marks the server half of a client/server pair that shares one span id; the builder puts it
//!   under its client half (also a server span without the flag whose id is a client span's, as Zipkin
//!   backfills it). On a `CLIENT` span the flag is read as unset, as Zipkin Lens does: the spec expects it on
//!   servers only. `debug: true` becomes the bool attribute `debug`.
//! - Parts: a span may be sent in several parts (the start, later the duration or more annotations). Spans with
//!   the same trace id, span id and `shared` whose local endpoints agree and whose fields do not contradict each
//!   other are merged into one, as Zipkin's server (`Trace.merge`) and Lens (`mergeV2ById`) merge them.
//! - A trace id of 16 digits and one of 32 whose low half it is are one trace (see `build`), as Zipkin without
//!   `STRICT_TRACE_ID` and Lens treat them.

use super::common::{place_untimed_events, seed_is_visitor, text_of, Int, Micros, TagVal, Text, NO_TIME};
use super::{elem, shape_error, Elements, Format, ImportError, InPlace, Input, ValueReader, WholeIfObject};
use crate::build::{EventDraft, SpanDraft, TraceSetBuilder};
use crate::ids::{SpanId, TraceId};
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{SpanKind, StatusCode};
use crate::value::{Attribute, StoredValue};
use hashbrown::HashMap;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt::{self, Write as _};
use std::marker::PhantomData;

/// Parses a Zipkin v2 document into `b`.
pub(crate) fn parse(b: &mut TraceSetBuilder, input: Input<'_>) -> Result<(), ImportError> {
    let from = b.span_count();
    let mut st = State::new(b);
    input.one_value(&mut st).map_err(|e| shape_error(Format::Zipkin, e, input))?;
    st.merge_parts(from);
    Ok(())
}

/// The path serde_path_to_error gives the failure of [`parse`] (see `path_differential`).
#[cfg(test)]
pub(super) fn spte_path(bytes: &[u8]) -> Option<String> {
    let mut scratch = TraceSetBuilder::new();
    let mut st = State::new(&mut scratch);
    super::common::spte_path(bytes, Doc::<super::InPlace> { st: &mut st, traces: true, k: PhantomData })
}

const UNKNOWN_SERVICE: &str = "unknown";

struct State<'a> {
    b: &'a mut TraceSetBuilder,
    /// The draft each span is read into, reused (its buffers kept) from span to span; boxed so that taking it
    /// out while the span's fields are read moves a pointer, not the draft (a few hundred bytes, twice a span).
    draft: Option<Box<SpanDraft>>,
    /// (serviceName, ipv4, ipv6, port) → resource.
    resources: HashMap<String, u32>,
    /// Resource → its endpoint as `resources` keys it, to see whether the parts of a span agree.
    endpoint_of: HashMap<u32, String>,
    key: String,
}

/// The most parts one span is merged from; more parts of it stay spans of their own (flagged `DuplicateId`),
/// so that a document of many parts of one span costs no more than linear time.
const MAX_PARTS: u32 = 64;

/// A hash of what makes two Zipkin spans parts of one: trace id, span id and `shared`.
fn part_key(trace: TraceId, span: SpanId, shared: bool) -> u64 {
    let t = trace.value;
    (t as u64 ^ ((t >> 64) as u64).rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ span.get().rotate_left(7)
        ^ u64::from(shared)
}

/// An endpoint as [`State::resource`] keys it, split: service, ipv4, ipv6, port.
fn endpoint_parts(key: &str) -> [&str; 4] {
    let mut it = key.split('\u{0}');
    [(); 4].map(|_| it.next().unwrap_or(""))
}

/// Zipkin's rule for merging the endpoints of two parts of a span (`Trace.merge`, Lens `mergeV2ById`): they
/// agree unless a field both have differs; the merged one has every field either has.
fn merged_endpoint<'k>(a: [&'k str; 4], b: [&'k str; 4]) -> Option<[&'k str; 4]> {
    let mut out = a;
    for (o, x) in out.iter_mut().zip(b) {
        if o.is_empty() {
            *o = x;
        } else if !x.is_empty() && *o != x {
            return None;
        }
    }
    Some(out)
}

impl<'a> State<'a> {
    fn new(b: &'a mut TraceSetBuilder) -> Self {
        State { b, draft: None, resources: HashMap::new(), endpoint_of: HashMap::new(), key: String::new() }
    }

    /// Merges the spans of this document (added from position `from` on) that are parts of one span. Zipkin
    /// spans may arrive in several parts (say, the client's start, then its end with the duration); the Zipkin
    /// server (`Trace.merge`) and Lens (`mergeV2ById`) merge parts with the same trace id, span id and `shared`
    /// flag whose local endpoints agree, and so does this when the parts' fields do not contradict each other
    /// ([`complementary`]). Fields missing from the first part come from the later one, tags and annotations
    /// are merged, and the later part goes.
    ///
    /// Done once the document is read, in a batch: the keys are spread over 256 buckets by their top bits and
    /// each bucket is searched for repeats with a table that stays in cache (one table for every span cost 4–7%
    /// of a Zipkin import, through cache misses).
    fn merge_parts(&mut self, from: usize) {
        let n = self.b.span_count().saturating_sub(from);
        if n < 2 {
            return;
        }
        let keys: Vec<u64> =
            (from..from + n).map(|p| self.b.span_key(p).map_or(0, |(t, s, shared)| part_key(t, s, shared))).collect();
        let mut starts = [0u32; 257];
        for k in &keys {
            starts[(k >> 56) as usize + 1] += 1;
        }
        for b in 0..256 {
            starts[b + 1] += starts[b];
        }
        let mut grouped = vec![0u32; n];
        let mut fill = starts;
        for (i, k) in keys.iter().enumerate() {
            let b = (k >> 56) as usize;
            grouped[fill[b] as usize] = i as u32;
            fill[b] += 1;
        }
        // (first part, later part), as positions in the document.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut first_of: HashMap<u64, u32> = HashMap::new();
        for b in 0..256 {
            first_of.clear();
            for &i in &grouped[starts[b] as usize..starts[b + 1] as usize] {
                match first_of.entry(keys[i as usize]) {
                    hashbrown::hash_map::Entry::Occupied(e) => pairs.push((*e.get(), i)),
                    hashbrown::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                    }
                }
            }
        }
        if pairs.is_empty() {
            return;
        }
        crate::order::sort_by_key(&mut pairs, |&(_, later)| u64::from(later));
        let mut parts_of: HashMap<u32, u32> = HashMap::new();
        let mut removed: Vec<u32> = Vec::new();
        for (first, later) in pairs {
            let (first, later) = (from + first as usize, from + later as usize);
            let parts = parts_of.entry(first as u32).or_insert(1);
            if *parts >= MAX_PARTS || self.b.span_key(first) != self.b.span_key(later) {
                continue; // too many parts, or another span whose key only hashes alike
            }
            let (Some(mut whole), Some(mut part)) = (self.b.draft_at(first), self.b.draft_at(later)) else {
                continue;
            };
            if !complementary(&whole, &part) {
                continue;
            }
            let key_of = |r: u32| self.endpoint_of.get(&r).map_or("", String::as_str);
            let Some([service, ipv4, ipv6, port]) =
                merged_endpoint(endpoint_parts(key_of(whole.resource)), endpoint_parts(key_of(part.resource)))
                    .map(|e| e.map(str::to_string))
            else {
                continue;
            };
            *parts += 1;
            merge_part(&mut whole, &mut part);
            whole.resource = self.resource_of(&service, &ipv4, &ipv6, port.parse().ok());
            self.b.replace_span(first, &mut whole);
            removed.push(later as u32);
        }
        crate::order::sort_by_key(&mut removed, |&p| u64::from(p));
        self.b.remove_spans(&removed);
    }

    /// A Zipkin trace id: a 32-digit id with a zero high half is the 16-digit one.
    fn trace_id(&mut self, text: &str) -> Option<TraceId> {
        if text.is_empty() {
            return None;
        }
        let mut id = self.b.trace_id_from_text(text);
        if text.len() <= 32 && text.bytes().all(|c| c.is_ascii_hexdigit()) && id.value >> 64 == 0 {
            id.wide = false;
        }
        Some(id)
    }

    /// The resource of a local endpoint (or of none), shared by every span with the same endpoint.
    fn resource(&mut self, e: Option<&Endpoint<'_>>) -> u32 {
        let service = e.map(|e| text_of(&e.service)).unwrap_or("");
        let ipv4 = e.map(|e| text_of(&e.ipv4)).unwrap_or("");
        let ipv6 = e.map(|e| text_of(&e.ipv6)).unwrap_or("");
        let port = e.and_then(|e| e.port.0);
        self.resource_of(service, ipv4, ipv6, port)
    }

    fn resource_of(&mut self, service: &str, ipv4: &str, ipv6: &str, port: Option<i64>) -> u32 {
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        for part in [service, ipv4, ipv6] {
            key.push_str(part);
            key.push('\u{0}');
        }
        if let Some(p) = port {
            let _ = write!(key, "{p}");
        }
        let r = match self.resources.get(key.as_str()) {
            Some(&r) => r,
            None => {
                let mut attrs: Vec<Attribute> = Vec::with_capacity(4);
                if !service.is_empty() {
                    attrs.push(self.b.str_attr("service.name", service));
                }
                if !ipv4.is_empty() {
                    attrs.push(self.b.str_attr("ipv4", ipv4));
                }
                if !ipv6.is_empty() {
                    attrs.push(self.b.str_attr("ipv6", ipv6));
                }
                if let Some(p) = port {
                    attrs.push(self.b.attr("port", StoredValue::int(p)));
                }
                let name = if service.is_empty() { UNKNOWN_SERVICE } else { service };
                let r = self.b.add_resource(name, &attrs);
                self.resources.insert(key.clone(), r);
                self.endpoint_of.insert(r, key.clone());
                r
            }
        };
        self.key = key;
        r
    }
}

#[derive(Deserialize, Default)]
struct Endpoint<'a> {
    #[serde(rename = "serviceName", borrow, default)]
    service: Option<Text<'a>>,
    #[serde(borrow, default)]
    ipv4: Option<Text<'a>>,
    #[serde(borrow, default)]
    ipv6: Option<Text<'a>>,
    #[serde(default)]
    port: Int,
}

#[derive(Deserialize)]
struct Annotation<'a> {
    #[serde(default)]
    timestamp: Micros,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
    /// Zipkin v1 only.
    #[serde(default)]
    endpoint: Option<IgnoredAny>,
}

/// `true`, `false`, `"true"`, `"false"` or `null`.
#[derive(Default, Clone, Copy)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                match v.trim() {
                    t if t.eq_ignore_ascii_case("true") => Ok(Flag(true)),
                    t if t.eq_ignore_ascii_case("false") || t.is_empty() => Ok(Flag(false)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_none<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Flag, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier)]
enum Field {
    #[serde(rename = "traceId")]
    TraceId,
    #[serde(rename = "id")]
    Id,
    #[serde(rename = "parentId")]
    ParentId,
    #[serde(rename = "kind")]
    Kind,
    #[serde(rename = "name")]
    Name,
    #[serde(rename = "timestamp")]
    Timestamp,
    #[serde(rename = "duration")]
    Duration,
    #[serde(rename = "localEndpoint")]
    LocalEndpoint,
    #[serde(rename = "remoteEndpoint")]
    RemoteEndpoint,
    #[serde(rename = "annotations")]
    Annotations,
    #[serde(rename = "tags")]
    Tags,
    #[serde(rename = "debug")]
    Debug,
    #[serde(rename = "shared")]
    Shared,
    #[serde(rename = "binaryAnnotations")]
    BinaryAnnotations,
    #[serde(other)]
    Other,
}

/// Zipkin v1 JSON (`/api/v1`, `binaryAnnotations`, annotations with an `endpoint`): another span model, whose
/// times and services are in its annotations. Read as v2 it would look like broken spans; it is refused instead.
const ZIPKIN_V1: &str = "this is Zipkin v1 JSON (`binaryAnnotations`, annotations with an `endpoint`), which \
                         spanscope does not read; ask Zipkin for v2 JSON (/api/v2/trace/{id}), as Zipkin Lens does";

impl ValueReader for State<'_> {
    fn value<'de, K: Elements, D: Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error> {
        Doc::<K> { st: self, traces: true, k: PhantomData }.deserialize(d)
    }
}

/// The document (a span, an array of spans, or with `traces` an array of span arrays) or, without `traces`, an
/// element of the top-level array (a span, or a trace: an array of spans).
struct Doc<'s, 'a, K> {
    st: &'s mut State<'a>,
    traces: bool,
    k: PhantomData<K>,
}

seed_is_visitor!(deserialize_any<K>: Doc<'_, '_, K>);

impl<'de, K: Elements> Visitor<'de> for Doc<'_, '_, K> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.traces {
            "a Zipkin v2 span, an array of spans or an array of traces"
        } else {
            "a Zipkin v2 span or an array of spans"
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        // A span that is no element of a span array (it might have been a trace): read field by field.
        span_fields::<K, A>(self.st, map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let st = self.st;
        if self.traces {
            // A span is read whole; a trace (an array of spans) span by span.
            loop {
                let element = TopElement::<K>(Doc { st: &mut *st, traces: false, k: PhantomData });
                if seq.next_element_seed(element)?.is_none() {
                    break;
                }
            }
        } else {
            while seq.next_element_seed(elem::<K, _>(SpanSeed { st: &mut *st }))?.is_some() {}
        }
        Ok(())
    }
}

/// An element of the top-level array: a span, or a trace.
struct TopElement<'s, 'a, K>(Doc<'s, 'a, K>);

impl<'de, K: Elements> DeserializeSeed<'de> for TopElement<'_, '_, K> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        K::read_if_object(d, self.0)
    }
}

impl<'de, 's, 'a, K: Elements> WholeIfObject<'de> for Doc<'s, 'a, K> {
    type Whole = SpanSeed<'s, 'a>;
    fn whole(self) -> SpanSeed<'s, 'a> {
        SpanSeed { st: self.st }
    }
}

struct SpanSeed<'s, 'a> {
    st: &'s mut State<'a>,
}

seed_is_visitor!(deserialize_map: SpanSeed<'_, '_>);

impl<'de> Visitor<'de> for SpanSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Zipkin v2 span object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        span_fields::<InPlace, A>(self.st, map)
    }
}

/// What a span's fields give beside its draft.
struct SpanAcc {
    kind: SpanKind,
    resource: Option<u32>,
    error: Option<crate::intern::StrId>,
}

/// A span's fields, each read as `K` reads elements, into the draft; then the span into the builder.
fn span_fields<'de, K: Elements, A: MapAccess<'de>>(st: &mut State<'_>, mut map: A) -> Result<(), A::Error> {
    let mut d = st.draft.take().unwrap_or_default();
    // No kind: a local span.
    let mut acc = SpanAcc { kind: SpanKind::Internal, resource: None, error: None };
    while let Some(key) = map.next_key::<Field>()? {
        map.next_value_seed(elem::<K, _>(FieldSeed { st: &mut *st, d: &mut d, acc: &mut acc, key }))?;
    }
    d.kind = acc.kind;
    // `shared` marks the server half of a pair ("when set, it is expected for kind to be SERVER", zipkin2-api);
    // on a client span it is a mistake of the instrumentation and would hang the client under its own server.
    d.shared &= acc.kind != SpanKind::Client;
    d.resource = match acc.resource {
        Some(r) => r,
        None => st.resource(None),
    };
    if let Some(message) = acc.error {
        d.status = StatusCode::Error;
        d.status_message = message;
    }
    place_untimed_events(&mut d);
    st.b.add_span(&mut d);
    st.draft = Some(d);
    Ok(())
}

/// Whether `part` can be a later part of `whole`: no field both have differs. Zipkin merges any two spans with
/// the same ids and agreeing endpoints; this is stricter, so that spans that reuse one id (consumers of one
/// message, each with its own start and duration) stay apart, flagged `DuplicateId`, instead of losing all but
/// the first one's times.
fn complementary(whole: &SpanDraft, part: &SpanDraft) -> bool {
    fn agree<T: PartialEq>(a: Option<T>, b: Option<T>) -> bool {
        a.is_none() || b.is_none() || a == b
    }
    let named = |d: &SpanDraft| Some(d.name).filter(|n| !n.is_empty());
    let kind = |d: &SpanDraft| Some(d.kind).filter(|&k| k != SpanKind::Internal);
    agree(whole.start, part.start)
        && agree(whole.duration, part.duration)
        && agree(whole.parent_id, part.parent_id)
        && agree(named(whole), named(part))
        && agree(kind(whole), kind(part))
}

/// Merges a later part of a span into the span so far, as Zipkin does (`Span.Builder.merge`): what the span
/// lacks (parent, name, kind, start, duration) comes from the part; the part's tags win over the span's; the
/// annotations are the union of both, in time order (one of two alike at one time is dropped); an error in the
/// part makes the span an error.
fn merge_part(whole: &mut SpanDraft, part: &mut SpanDraft) {
    whole.parent_id = whole.parent_id.or(part.parent_id);
    if whole.name.is_empty() {
        whole.name = part.name;
    }
    if whole.kind == SpanKind::Internal {
        whole.kind = part.kind;
    }
    whole.start = whole.start.or(part.start);
    whole.duration = whole.duration.or(part.duration);
    if part.status == StatusCode::Error {
        whole.status = StatusCode::Error;
        whole.status_message = part.status_message;
    }
    if !part.attrs.is_empty() {
        let mut at: HashMap<crate::intern::StrId, u32> =
            whole.attrs.iter().enumerate().map(|(i, a)| (a.key(), i as u32)).collect();
        for a in part.attrs.drain(..) {
            match at.get(&a.key()) {
                Some(&i) => whole.attrs[i as usize] = a,
                None => {
                    at.insert(a.key(), whole.attrs.len() as u32);
                    whole.attrs.push(a);
                }
            }
        }
    }
    // Zipkin annotations carry no attributes of their own, so events can be sorted alone (stable: those at one
    // time keep their order). Of two alike, the later is dropped, wherever it is among those at its time.
    if !part.events.is_empty() && whole.event_attrs.is_empty() && part.event_attrs.is_empty() {
        whole.events.append(&mut part.events);
        crate::order::sort_by_key(&mut whole.events, |e| crate::order::i64_key(e.time.0));
        let mut kept = 0;
        for i in 0..whole.events.len() {
            let e = whole.events[i];
            let mut same_time = whole.events[..kept].iter().rev().take_while(|k| k.time == e.time);
            if !same_time.any(|k| k.name == e.name) {
                whole.events[kept] = e;
                kept += 1;
            }
        }
        whole.events.truncate(kept);
    }
}

/// The value of one span field.
struct FieldSeed<'s, 'a, 'd> {
    st: &'s mut State<'a>,
    d: &'d mut SpanDraft,
    acc: &'d mut SpanAcc,
    key: Field,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let FieldSeed { st, d, acc, key } = self;
        match key {
            Field::TraceId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                d.trace_id = st.trace_id(text_of(&t));
            }
            Field::Id => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                d.span_id = st.b.span_id_from_text(text_of(&t));
            }
            Field::ParentId => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                d.parent_id = st.b.span_id_from_text(text_of(&t));
            }
            Field::Kind => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                acc.kind = match t {
                    None => SpanKind::Internal,
                    Some(t) if t.0.is_empty() => SpanKind::Internal,
                    Some(t) => SpanKind::from_name(&t.0).unwrap_or(SpanKind::Unspecified),
                };
            }
            Field::Name => {
                let t: Option<Text<'de>> = Deserialize::deserialize(de)?;
                d.name = st.b.intern(text_of(&t));
            }
            Field::Timestamp => {
                let t = Micros::deserialize(de)?;
                d.start = t.nonzero().map(TimestampNs);
            }
            Field::Duration => {
                let t = Micros::deserialize(de)?;
                d.duration = t.nonzero().map(DurationNs);
            }
            Field::LocalEndpoint => {
                let e: Option<Endpoint<'de>> = Deserialize::deserialize(de)?;
                acc.resource = Some(st.resource(e.as_ref()));
            }
            Field::RemoteEndpoint => {
                let e: Option<Endpoint<'de>> = Deserialize::deserialize(de)?;
                if let Some(e) = e {
                    for (k, v) in [("peer.service", &e.service), ("peer.ipv4", &e.ipv4), ("peer.ipv6", &e.ipv6)] {
                        if let Some(v) = v.as_ref().filter(|v| !v.0.is_empty()) {
                            let a = st.b.str_attr(k, &v.0);
                            d.attrs.push(a);
                        }
                    }
                    if let Some(p) = e.port.0 {
                        let a = st.b.attr("peer.port", StoredValue::int(p));
                        d.attrs.push(a);
                    }
                }
            }
            Field::Annotations => AnnotationsSeed { b: &mut *st.b, d }.deserialize(de)?,
            Field::Tags => TagsSeed { b: &mut *st.b, d, error: &mut acc.error }.deserialize(de)?,
            Field::Debug => {
                if Flag::deserialize(de)?.0 {
                    let a = st.b.attr("debug", StoredValue::bool(true));
                    d.attrs.push(a);
                }
            }
            Field::Shared => d.shared = Flag::deserialize(de)?.0,
            Field::BinaryAnnotations => return Err(de::Error::custom(ZIPKIN_V1)),
            Field::Other => {
                IgnoredAny::deserialize(de)?;
            }
        }
        Ok(())
    }
}

/// A span's `annotations`, as events.
struct AnnotationsSeed<'s, 'd> {
    b: &'s mut TraceSetBuilder,
    d: &'d mut SpanDraft,
}

seed_is_visitor!(deserialize_any: AnnotationsSeed<'_, '_>);

impl<'de> Visitor<'de> for AnnotationsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of annotations {timestamp, value}")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(a) = seq.next_element::<Annotation<'de>>()? {
            if a.endpoint.is_some() {
                return Err(de::Error::custom(ZIPKIN_V1));
            }
            let time = a.timestamp.nonzero().map(TimestampNs).unwrap_or(NO_TIME);
            let name = self.b.intern(text_of(&a.value));
            self.d.events.push(EventDraft { time, name, attr_count: 0, dropped_attributes_count: 0 });
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A span's `tags`: string attributes; `error` also sets the status.
struct TagsSeed<'s, 'd, 'e> {
    b: &'s mut TraceSetBuilder,
    d: &'d mut SpanDraft,
    error: &'e mut Option<crate::intern::StrId>,
}

seed_is_visitor!(deserialize_any: TagsSeed<'_, '_, '_>);

impl<'de> Visitor<'de> for TagsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of string tags")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(k) = map.next_key::<Text<'de>>()? {
            let v: TagVal<'de> = map.next_value()?;
            let value = match &v {
                TagVal::Null => StoredValue::empty(),
                v => self.b.str_value(&v.text()),
            };
            let a = self.b.attr(&k.0, value);
            self.d.attrs.push(a);
            if k.0 == "error" {
                *self.error = Some(value.as_str_id().unwrap_or_default());
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}
