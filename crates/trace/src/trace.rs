//! The normalized, immutable [`Trace`]: what every importer produces and every view reads.
//!
//! Layout, chosen so a 1,000,000-span trace fits comfortably in a browser tab:
//! - spans are stored **column by column** (struct of arrays), indexed by [`SpanIdx`];
//! - spans are in **depth-first pre-order** (children by start time), so a subtree is the contiguous range
//!   `i..subtree_end(i)`: collapsing, counting hidden descendants and walking rows need no pointer chasing;
//! - strings are interned ([`crate::intern`]); attributes, events, links, resources and scopes live in a shared
//!   [`Arena`] (one per imported file set, shared by its traces through an `Arc`).
//!
//! Bytes per span, excluding attribute contents: 8 (id), 8 (parent id), 4 (parent index), 4 (subtree end),
//! 4 (depth), 4 (name), 4 (resource), 4 (scope), 1 (kind), 1 (status), 4 (status message), 8 (start),
//! 8 (duration), 3 × 8 (attribute, event and link ranges), 4 (flags) and 4 (trace state): 98 in all,
//! plus 16 per attribute and the interned text. `Trace::heap_bytes` reports the real figure.

use crate::ids::{SpanId, TraceId};
use crate::intern::{StrId, Strings};
use crate::time::{DurationNs, TimestampNs};
use crate::value::{Attribute, Range32, Value};
use std::sync::Arc;

/// Index of a span in its trace (pre-order position).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanIdx(pub u32);

impl SpanIdx {
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// OpenTelemetry span kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum SpanKind {
    #[default]
    Unspecified,
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// From a name in any of the spellings seen in the wild: `server`, `SERVER`, `SPAN_KIND_SERVER`.
    pub fn from_name(name: &str) -> Option<SpanKind> {
        let n = name.strip_prefix("SPAN_KIND_").unwrap_or(name);
        Some(match n.to_ascii_lowercase().as_str() {
            "unspecified" | "" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// From OTLP's integer encoding.
    pub fn from_otlp(code: i64) -> Option<SpanKind> {
        Some(match code {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }
}

/// Span status code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum StatusCode {
    #[default]
    Unset,
    Ok,
    Error,
}

impl StatusCode {
    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

/// How a span relates to another one it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// OpenTracing CHILD_OF (Jaeger references other than the one chosen as parent).
    ChildOf,
    /// OpenTracing FOLLOWS_FROM.
    FollowsFrom,
    /// An OpenTelemetry span link.
    Link,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::ChildOf => "CHILD_OF",
            LinkKind::FollowsFrom => "FOLLOWS_FROM",
            LinkKind::Link => "link",
        }
    }
}

/// A timestamped event (OTLP) or log (Jaeger) or annotation (Zipkin).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event {
    pub time: TimestampNs,
    pub name: StrId,
    pub attrs: Range32,
    pub dropped_attributes_count: u32,
}

/// A link or reference to another span, possibly in another trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub kind: LinkKind,
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub trace_state: StrId,
    pub attrs: Range32,
    pub dropped_attributes_count: u32,
}

/// The entity that produced spans: a service (OTLP resource, Jaeger process, Zipkin local endpoint).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Resource {
    pub service: StrId,
    pub attrs: Range32,
}

/// Instrumentation scope (library) that recorded spans.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Scope {
    pub name: StrId,
    pub version: StrId,
    pub attrs: Range32,
}

/// Counts of what the producer dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct DroppedCounts {
    pub attributes: u32,
    pub events: u32,
    pub links: u32,
}

/// Something about one span that the viewer repaired or that its source reported.
#[derive(Clone, Debug, PartialEq)]
pub enum SpanWarning {
    /// The parent named by the span is not in the trace; the span is shown as a root.
    MissingParent(SpanId),
    /// The span names itself as its parent.
    SelfParent,
    /// Another span has the same id (Zipkin's shared client/server halves excepted).
    DuplicateId,
    /// The span was part of a parent cycle; its parent link was cut here.
    CycleBroken(SpanId),
    /// Shifted by this much to fit into its parent across hosts (clock skew).
    SkewAdjusted(DurationNs),
    /// The source gave no start time; the parent's start was used.
    MissingStart,
    /// The source gave no duration (or end); it is shown as zero-length.
    MissingDuration,
    /// The source gave a negative duration; it was set to zero.
    NegativeDuration,
    /// A start or end beyond the representable time range (i64 nanoseconds: after 2262-04-11T23:47:16Z or before
    /// 1677-09-21) was clamped to that range.
    TimeOutOfRange,
    /// A text warning carried by the source (Jaeger `warnings`).
    Source(String),
}

impl SpanWarning {
    /// One sentence for the UI.
    pub fn message(&self) -> String {
        match self {
            SpanWarning::MissingParent(p) => format!("parent span {p} is not in the trace; shown as a root"),
            SpanWarning::SelfParent => "the span names itself as its parent; shown as a root".to_string(),
            SpanWarning::DuplicateId => "another span in this trace has the same span id".to_string(),
            SpanWarning::CycleBroken(p) => {
                format!("its parent link to {p} formed a cycle and was cut; shown as a root")
            }
            SpanWarning::SkewAdjusted(d) => format!("clock skew: shifted by {d} to fit its parent"),
            SpanWarning::MissingStart => "no start time in the source; placed at its parent's start".to_string(),
            SpanWarning::MissingDuration => "no duration in the source; shown as zero-length".to_string(),
            SpanWarning::NegativeDuration => "negative duration in the source; set to zero".to_string(),
            SpanWarning::TimeOutOfRange => {
                "a time beyond 2262-04-11 (or before 1677-09-21), the range spanscope can show; clamped to it"
                    .to_string()
            }
            SpanWarning::Source(s) => s.clone(),
        }
    }
}

/// Everything spans point into: strings, attributes (including nested array and list elements), bytes,
/// events, links, resources and scopes. Shared by the traces of one import.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Arena {
    pub strings: Strings,
    pub attrs: Vec<Attribute>,
    pub blobs: Vec<u8>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
}

impl Arena {
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.strings.heap_bytes()
            + self.attrs.capacity() * size_of::<Attribute>()
            + self.blobs.capacity()
            + self.events.capacity() * size_of::<Event>()
            + self.links.capacity() * size_of::<Link>()
            + self.resources.capacity() * size_of::<Resource>()
            + self.scopes.capacity() * size_of::<Scope>()
    }
}

/// Heap bytes of an import's traces: every trace's own columns, plus each distinct arena once (the traces of one
/// import share theirs).
pub fn import_heap_bytes(traces: &[Trace]) -> usize {
    let mut arenas: Vec<&Arena> = Vec::new();
    let mut total = 0;
    for t in traces {
        total += t.span_heap_bytes();
        if !arenas.iter().any(|a| std::ptr::eq(*a, t.arena())) {
            arenas.push(t.arena());
            total += t.arena().heap_bytes();
        }
    }
    total
}

/// The span columns, all of the same length, in pre-order.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct SpanColumns {
    pub span_id: Vec<SpanId>,
    pub parent_id: Vec<Option<SpanId>>,
    /// Parent position, `NO_PARENT` for roots.
    pub parent: Vec<u32>,
    pub subtree_end: Vec<u32>,
    pub depth: Vec<u32>,
    pub name: Vec<StrId>,
    pub resource: Vec<u32>,
    pub scope: Vec<u32>,
    pub kind: Vec<SpanKind>,
    pub status: Vec<StatusCode>,
    pub status_message: Vec<StrId>,
    pub start: Vec<TimestampNs>,
    pub duration: Vec<DurationNs>,
    pub attrs: Vec<Range32>,
    pub events: Vec<Range32>,
    pub links: Vec<Range32>,
    pub flags: Vec<u32>,
    pub trace_state: Vec<StrId>,
}

pub(crate) const NO_PARENT: u32 = u32::MAX;

/// One trace, immutable once built. See the module docs for the layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub(crate) id: TraceId,
    pub(crate) arena: Arc<Arena>,
    pub(crate) spans: SpanColumns,
    /// Span positions of the roots, in start order (also the pre-order of the root subtrees).
    pub(crate) roots: Vec<SpanIdx>,
    /// Service of each resource, as an index into `services`.
    pub(crate) service_of_resource: Arc<Vec<u32>>,
    /// Distinct service names of the whole import, in first-seen order (shared, so colors agree across traces).
    pub(crate) services: Arc<Vec<StrId>>,
    /// Services that occur in this trace, in first-seen order.
    pub(crate) trace_services: Vec<u32>,
    /// Sorted by span.
    pub(crate) warnings: Vec<(SpanIdx, SpanWarning)>,
    /// Sparse: spans with dropped counts.
    pub(crate) dropped: Vec<(SpanIdx, DroppedCounts)>,
    /// Sparse: span ids whose source text was not hex.
    pub(crate) raw_span_ids: Vec<(SpanIdx, StrId)>,
    pub(crate) raw_trace_id: Option<String>,
    pub(crate) start: TimestampNs,
    pub(crate) end: TimestampNs,
    pub(crate) max_depth: u32,
    pub(crate) error_count: u32,
}

impl Trace {
    pub fn id(&self) -> TraceId {
        self.id
    }

    /// The id as the user should see it: lower-case hex, or the source's text when that was not hex.
    pub fn id_text(&self) -> String {
        self.raw_trace_id.clone().unwrap_or_else(|| self.id.to_hex())
    }

    pub fn len(&self) -> usize {
        self.spans.span_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn spans(&self) -> impl ExactSizeIterator<Item = SpanIdx> + DoubleEndedIterator {
        (0..self.len() as u32).map(SpanIdx)
    }

    pub fn roots(&self) -> &[SpanIdx] {
        &self.roots
    }

    pub fn arena(&self) -> &Arena {
        &self.arena
    }

    pub fn str(&self, id: StrId) -> &str {
        self.arena.strings.get(id)
    }

    pub fn start(&self) -> TimestampNs {
        self.start
    }

    pub fn end(&self) -> TimestampNs {
        self.end
    }

    pub fn duration(&self) -> DurationNs {
        self.end.since(self.start)
    }

    /// Spans on the longest root-to-leaf chain (a lone root has depth 1; an empty trace 0).
    pub fn depth(&self) -> u32 {
        if self.is_empty() {
            0
        } else {
            self.max_depth + 1
        }
    }

    /// Spans with error status.
    pub fn error_count(&self) -> u32 {
        self.error_count
    }

    /// Service indices (into [`Trace::service_name`]) present in this trace, first-seen order.
    pub fn services(&self) -> &[u32] {
        &self.trace_services
    }

    /// Services of every trace this one was imported with: the valid arguments of [`Trace::service_name`].
    pub fn service_count(&self) -> u32 {
        self.services.len() as u32
    }

    pub fn service_name(&self, service: u32) -> &str {
        self.services.get(service as usize).map(|&s| self.str(s)).unwrap_or("")
    }

    /// The span whose name the trace is known by: the earliest root, or `None` for an empty trace.
    pub fn root_span(&self) -> Option<SpanIdx> {
        self.roots.first().copied()
    }

    /// "service: operation" of the root span.
    pub fn title(&self) -> String {
        match self.root_span() {
            Some(r) => format!("{}: {}", self.service(r), self.name(r)),
            None => "(empty trace)".to_string(),
        }
    }

    pub fn warnings(&self) -> &[(SpanIdx, SpanWarning)] {
        &self.warnings
    }

    /// Warnings of one span.
    pub fn span_warnings(&self, s: SpanIdx) -> impl Iterator<Item = &SpanWarning> {
        let from = self.warnings.partition_point(|(i, _)| *i < s);
        self.warnings[from..].iter().take_while(move |(i, _)| *i == s).map(|(_, w)| w)
    }

    // ---- per-span accessors ----

    pub fn span_id(&self, s: SpanIdx) -> SpanId {
        self.spans.span_id[s.ix()]
    }

    /// Spans whose id was not hex in the source, with that text (sorted by span; most traces have none).
    pub fn raw_span_ids(&self) -> &[(SpanIdx, StrId)] {
        &self.raw_span_ids
    }

    /// The span id as the user should see it (source text when it was not hex).
    pub fn span_id_text(&self, s: SpanIdx) -> String {
        match self.raw_span_ids.binary_search_by_key(&s, |(i, _)| *i) {
            Ok(k) => self.str(self.raw_span_ids[k].1).to_string(),
            Err(_) => self.span_id(s).to_hex(),
        }
    }

    /// The parent id as written in the source (may name a span that is not in the trace).
    pub fn parent_id(&self, s: SpanIdx) -> Option<SpanId> {
        self.spans.parent_id[s.ix()]
    }

    /// The parent in the tree (after repair).
    pub fn parent(&self, s: SpanIdx) -> Option<SpanIdx> {
        let p = self.spans.parent[s.ix()];
        (p != NO_PARENT).then_some(SpanIdx(p))
    }

    /// One past the last descendant: the subtree of `s` is `s.0..subtree_end(s)`.
    pub fn subtree_end(&self, s: SpanIdx) -> SpanIdx {
        SpanIdx(self.spans.subtree_end[s.ix()])
    }

    pub fn descendant_count(&self, s: SpanIdx) -> u32 {
        self.spans.subtree_end[s.ix()] - s.0 - 1
    }

    /// Direct children in start order.
    pub fn children(&self, s: SpanIdx) -> Children<'_> {
        Children { trace: self, next: s.0 + 1, end: self.spans.subtree_end[s.ix()] }
    }

    /// 0 for roots.
    pub fn depth_of(&self, s: SpanIdx) -> u32 {
        self.spans.depth[s.ix()]
    }

    pub fn name(&self, s: SpanIdx) -> &str {
        self.str(self.spans.name[s.ix()])
    }

    pub fn name_id(&self, s: SpanIdx) -> StrId {
        self.spans.name[s.ix()]
    }

    pub fn resource(&self, s: SpanIdx) -> &Resource {
        &self.arena.resources[self.spans.resource[s.ix()] as usize]
    }

    /// Which of the arena's resources [`Trace::resource`] is: spans with the same index share one resource.
    pub fn resource_index(&self, s: SpanIdx) -> u32 {
        self.spans.resource[s.ix()]
    }

    /// Which of the arena's scopes [`Trace::scope`] is (0: none).
    pub fn scope_index(&self, s: SpanIdx) -> u32 {
        self.spans.scope[s.ix()]
    }

    /// Index of the span's service (for colors and grouping).
    pub fn service_index(&self, s: SpanIdx) -> u32 {
        self.service_of_resource[self.spans.resource[s.ix()] as usize]
    }

    pub fn service(&self, s: SpanIdx) -> &str {
        self.str(self.resource(s).service)
    }

    pub fn scope(&self, s: SpanIdx) -> &Scope {
        &self.arena.scopes[self.spans.scope[s.ix()] as usize]
    }

    pub fn kind(&self, s: SpanIdx) -> SpanKind {
        self.spans.kind[s.ix()]
    }

    pub fn status(&self, s: SpanIdx) -> StatusCode {
        self.spans.status[s.ix()]
    }

    pub fn is_error(&self, s: SpanIdx) -> bool {
        self.spans.status[s.ix()] == StatusCode::Error
    }

    pub fn status_message(&self, s: SpanIdx) -> &str {
        self.str(self.spans.status_message[s.ix()])
    }

    pub fn start_of(&self, s: SpanIdx) -> TimestampNs {
        self.spans.start[s.ix()]
    }

    pub fn duration_of(&self, s: SpanIdx) -> DurationNs {
        self.spans.duration[s.ix()]
    }

    pub fn end_of(&self, s: SpanIdx) -> TimestampNs {
        self.spans.start[s.ix()].plus(self.spans.duration[s.ix()])
    }

    /// Start relative to the trace start.
    pub fn offset_of(&self, s: SpanIdx) -> DurationNs {
        self.spans.start[s.ix()].since(self.start)
    }

    pub fn flags(&self, s: SpanIdx) -> u32 {
        self.spans.flags[s.ix()]
    }

    pub fn trace_state(&self, s: SpanIdx) -> &str {
        self.str(self.spans.trace_state[s.ix()])
    }

    pub fn attributes(&self, s: SpanIdx) -> &[Attribute] {
        &self.arena.attrs[self.spans.attrs[s.ix()].range()]
    }

    pub fn events(&self, s: SpanIdx) -> &[Event] {
        &self.arena.events[self.spans.events[s.ix()].range()]
    }

    pub fn links(&self, s: SpanIdx) -> &[Link] {
        &self.arena.links[self.spans.links[s.ix()].range()]
    }

    pub fn dropped(&self, s: SpanIdx) -> DroppedCounts {
        match self.dropped.binary_search_by_key(&s, |(i, _)| *i) {
            Ok(k) => self.dropped[k].1,
            Err(_) => DroppedCounts::default(),
        }
    }

    /// Attributes at a range of the arena (resource, scope, event and link attributes).
    pub fn attrs_at(&self, r: Range32) -> &[Attribute] {
        &self.arena.attrs[r.range()]
    }

    /// Reads a stored value.
    pub fn value(&self, a: &Attribute) -> Value<'_> {
        a.stored().resolve(&self.arena)
    }

    pub fn key(&self, a: &Attribute) -> &str {
        self.str(a.key())
    }

    /// The first span attribute with this key.
    pub fn attribute(&self, s: SpanIdx, key: &str) -> Option<Value<'_>> {
        self.attributes(s).iter().find(|a| self.key(a) == key).map(|a| self.value(a))
    }

    /// The span with this id (the first, when ids repeat).
    pub fn find_span(&self, id: SpanId) -> Option<SpanIdx> {
        self.spans.span_id.iter().position(|&x| x == id).map(|i| SpanIdx(i as u32))
    }

    /// Value rendered as text for display and matching (arrays and maps as JSON).
    pub fn value_text(&self, v: Value<'_>) -> String {
        let mut out = String::new();
        self.write_value(&mut out, v, false);
        out
    }

    fn write_value(&self, out: &mut String, v: Value<'_>, quoted: bool) {
        use std::fmt::Write;
        match v {
            Value::Str(s) if quoted => {
                out.push_str(&serde_json::Value::String(s.to_string()).to_string());
            }
            Value::Str(s) => out.push_str(s),
            Value::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Value::Int(i) => {
                let _ = write!(out, "{i}");
            }
            // Inside JSON (arrays, maps) a non-finite number is written as a string: bare NaN is not JSON.
            Value::Double(d) if quoted && !d.is_finite() => {
                let _ = write!(out, "\"{d}\"");
            }
            Value::Double(d) => {
                let _ = write!(out, "{d}");
            }
            Value::Bytes(b) => {
                if quoted {
                    out.push('"');
                }
                out.push_str(&crate::base64::encode(b));
                if quoted {
                    out.push('"');
                }
            }
            Value::Array(items) => {
                out.push('[');
                for (k, a) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    self.write_value(out, self.value(a), true);
                }
                out.push(']');
            }
            Value::KvList(items) => {
                out.push('{');
                for (k, a) in items.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::String(self.key(a).to_string()).to_string());
                    out.push(':');
                    self.write_value(out, self.value(a), true);
                }
                out.push('}');
            }
            Value::Empty => out.push_str("null"),
        }
    }

    /// Heap bytes held by this trace's span columns and side tables (not the shared arena).
    pub fn span_heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let c = &self.spans;
        c.span_id.capacity() * size_of::<SpanId>()
            + c.parent_id.capacity() * size_of::<Option<SpanId>>()
            + (c.parent.capacity() + c.subtree_end.capacity() + c.depth.capacity()) * 4
            + (c.name.capacity() + c.resource.capacity() + c.scope.capacity() + c.status_message.capacity()) * 4
            + c.kind.capacity()
            + c.status.capacity()
            + (c.start.capacity() + c.duration.capacity()) * 8
            + (c.attrs.capacity() + c.events.capacity() + c.links.capacity()) * size_of::<Range32>()
            + (c.flags.capacity() + c.trace_state.capacity()) * 4
            + self.warnings.capacity() * size_of::<(SpanIdx, SpanWarning)>()
            + self.roots.capacity() * 4
    }

    /// Heap bytes of this trace including the whole shared arena.
    pub fn heap_bytes(&self) -> usize {
        self.span_heap_bytes() + self.arena.heap_bytes()
    }
}

/// Iterator over the direct children of a span (jumps from subtree to subtree).
#[derive(Debug)]
pub struct Children<'t> {
    trace: &'t Trace,
    next: u32,
    end: u32,
}

impl Iterator for Children<'_> {
    type Item = SpanIdx;
    fn next(&mut self) -> Option<SpanIdx> {
        if self.next >= self.end {
            return None;
        }
        let c = SpanIdx(self.next);
        self.next = self.trace.spans.subtree_end[c.ix()];
        Some(c)
    }
}

#[cfg(test)]
mod tests {
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::value::{Attribute, StoredValue};

    #[test]
    fn values_inside_arrays_render_as_valid_json_even_when_not_finite() {
        let mut b = TraceSetBuilder::new();
        let r = b.add_resource("svc", &[]);
        let key = b.intern("xs");
        let items = [StoredValue::double(f64::NAN), StoredValue::double(f64::NEG_INFINITY), StoredValue::double(1.5)];
        let array = b.array_value(&items);
        let mut d = SpanDraft {
            trace_id: crate::TraceId::from_hex("1"),
            span_id: crate::SpanId::from_hex("2"),
            resource: r,
            start: Some(crate::TimestampNs(0)),
            duration: Some(crate::DurationNs(1)),
            ..SpanDraft::default()
        };
        d.attrs.push(Attribute::new(key, array));
        b.add_span(&mut d);
        let t = b.finish(&BuildOptions::default()).remove(0);
        let s = t.spans().next().unwrap();
        let text = t.value_text(t.attribute(s, "xs").unwrap());
        assert_eq!(text, r#"["NaN","-inf",1.5]"#);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }
}
