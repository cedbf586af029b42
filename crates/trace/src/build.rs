//! Building traces: importers feed spans in file order into a [`TraceSetBuilder`]; [`TraceSetBuilder::finish`]
//! groups them by trace id and builds each immutable [`Trace`]: parent links, repair, pre-order layout and
//! clock-skew adjustment.
//!
//! Repairs are never silent; each adds a [`SpanWarning`] to the span:
//! - a parent id that is not in the trace → the span becomes a root (`MissingParent`);
//! - a span that is its own parent → root (`SelfParent`);
//! - repeated span ids → all kept, flagged `DuplicateId` — except Zipkin's shared client/server halves, where
//!   the server half (`shared`, or a server span with the id of a client span) goes under the client half and
//!   children of that id go under the server half;
//! - a parent cycle → cut at one span, which becomes a root (`CycleBroken`);
//! - a trace id of 64 bits whose 128-bit form (the same low half) also came → that trace, with a warning;
//! - no start → the parent's start (`MissingStart`); no or negative duration → zero (`MissingDuration`,
//!   `NegativeDuration`);
//! - a start or end beyond i64 nanoseconds (after 2262-04-11 or before 1677-09-21; the importers saturate such
//!   times) → clamped to that range (`TimeOutOfRange`);
//! - clock skew, as Jaeger's adjuster does it: a server span under a client span of another host that does not
//!   fit inside its parent is shifted (with its subtree) to sit centred in the parent (`SkewAdjusted`).
//!
//! Everything is iterative (no recursion), so a 1,000,000-deep chain is as fine as a flat trace.

use crate::ids::{SpanId, TraceId};
use crate::intern::{Interner, StrId};
use crate::order;
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{
    Arena, DroppedCounts, Event, Link, LinkKind, Resource, Scope, SpanColumns, SpanIdx, SpanKind, SpanWarning,
    StatusCode, Trace, NO_PARENT,
};
use crate::value::{Attribute, Range32, StoredValue};
use hashbrown::HashMap;
use std::sync::Arc;

/// Choices made while building.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// Shift server spans into their client parents across hosts (on by default, as in Jaeger).
    pub adjust_clock_skew: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { adjust_clock_skew: true }
    }
}

/// [`SpanDraft::resource`] of a span whose resource is not known yet when it is added: Jaeger writes a trace's
/// `processes` after its `spans`. The importer sets it with [`TraceSetBuilder::set_resource`] before the document
/// ends; one left unset gets the `unknown_service` resource.
pub const RESOURCE_LATER: u32 = u32::MAX;

/// Calls `f(&mut column, args…)` for every span column the builder fills in arrival order (the tree columns
/// wait for `finish`), so that rollback, replacement and removal of spans name each column once, here.
macro_rules! each_arrival_column {
    ($cols:expr, $($f:ident)::+($($arg:expr),*)) => {{
        let c = &mut $cols;
        $($f)::+(&mut c.span_id $(, $arg)*);
        $($f)::+(&mut c.parent_id $(, $arg)*);
        $($f)::+(&mut c.name $(, $arg)*);
        $($f)::+(&mut c.resource $(, $arg)*);
        $($f)::+(&mut c.scope $(, $arg)*);
        $($f)::+(&mut c.kind $(, $arg)*);
        $($f)::+(&mut c.status $(, $arg)*);
        $($f)::+(&mut c.status_message $(, $arg)*);
        $($f)::+(&mut c.start $(, $arg)*);
        $($f)::+(&mut c.duration $(, $arg)*);
        $($f)::+(&mut c.attrs $(, $arg)*);
        $($f)::+(&mut c.events $(, $arg)*);
        $($f)::+(&mut c.links $(, $arg)*);
        $($f)::+(&mut c.flags $(, $arg)*);
        $($f)::+(&mut c.trace_state $(, $arg)*);
    }};
}

/// One span as an importer hands it over. Reuse one draft for every span: [`TraceSetBuilder::add_span`]
/// takes its contents and leaves it cleared, keeping the allocations.
#[derive(Debug, Default, Clone)]
pub struct SpanDraft {
    pub trace_id: Option<TraceId>,
    pub span_id: Option<SpanId>,
    pub parent_id: Option<SpanId>,
    pub name: StrId,
    /// From [`TraceSetBuilder::add_resource`], or [`RESOURCE_LATER`] for one the importer sets with
    /// [`TraceSetBuilder::set_resource`] once it knows it.
    pub resource: u32,
    /// From [`TraceSetBuilder::add_scope`]; 0 is "no scope".
    pub scope: u32,
    pub kind: SpanKind,
    pub status: StatusCode,
    pub status_message: StrId,
    pub start: Option<TimestampNs>,
    /// May be negative (repaired to zero with a warning).
    pub duration: Option<DurationNs>,
    pub flags: u32,
    pub trace_state: StrId,
    pub dropped: DroppedCounts,
    /// Zipkin's `shared: true`: the server half of a client/server pair that shares one span id.
    pub shared: bool,
    pub attrs: Vec<Attribute>,
    pub events: Vec<EventDraft>,
    /// Attributes of all events, in order; each event says how many are its own.
    pub event_attrs: Vec<Attribute>,
    pub links: Vec<LinkDraft>,
    pub link_attrs: Vec<Attribute>,
    /// Warnings the source attached to the span (Jaeger `warnings`).
    pub source_warnings: Vec<String>,
}

/// An event of a [`SpanDraft`]; its attributes are the next `attr_count` of `SpanDraft::event_attrs`.
#[derive(Debug, Clone, Copy)]
pub struct EventDraft {
    pub time: TimestampNs,
    pub name: StrId,
    pub attr_count: u32,
    pub dropped_attributes_count: u32,
}

/// A link of a [`SpanDraft`]; its attributes are the next `attr_count` of `SpanDraft::link_attrs`.
#[derive(Debug, Clone, Copy)]
pub struct LinkDraft {
    pub kind: LinkKind,
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub trace_state: StrId,
    pub attr_count: u32,
    pub dropped_attributes_count: u32,
}

impl SpanDraft {
    /// Adds an event with its attributes.
    pub fn push_event(&mut self, time: TimestampNs, name: StrId, attrs: impl IntoIterator<Item = Attribute>) {
        let before = self.event_attrs.len();
        self.event_attrs.extend(attrs);
        let attr_count = (self.event_attrs.len() - before) as u32;
        self.events.push(EventDraft { time, name, attr_count, dropped_attributes_count: 0 });
    }

    /// Empties the draft, keeping its allocations.
    pub fn clear(&mut self) {
        let keep = (
            std::mem::take(&mut self.attrs),
            std::mem::take(&mut self.events),
            std::mem::take(&mut self.event_attrs),
            std::mem::take(&mut self.links),
            std::mem::take(&mut self.link_attrs),
            std::mem::take(&mut self.source_warnings),
        );
        *self = SpanDraft::default();
        (self.attrs, self.events, self.event_attrs, self.links, self.link_attrs, self.source_warnings) = keep;
        self.attrs.clear();
        self.events.clear();
        self.event_attrs.clear();
        self.links.clear();
        self.link_attrs.clear();
        self.source_warnings.clear();
    }
}

/// A point to roll back to when a file fails half-way, so what other files brought stays intact.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    spans: usize,
    traces: usize,
    attrs: usize,
    blobs: usize,
    events: usize,
    links: usize,
    resources: usize,
    scopes: usize,
    warnings: usize,
    dropped: usize,
    widened: usize,
}

/// Collects spans of any number of traces, from any number of files, and builds them.
#[derive(Debug)]
pub struct TraceSetBuilder {
    interner: Interner,
    attrs: Vec<Attribute>,
    blobs: Vec<u8>,
    events: Vec<Event>,
    links: Vec<Link>,
    resources: Vec<Resource>,
    scopes: Vec<Scope>,
    /// Span columns in arrival order (tree columns unused until `finish`).
    cols: SpanColumns,
    trace_of: Vec<u32>,
    shared: Vec<bool>,
    warnings: Vec<(u32, SpanWarning)>,
    dropped: Vec<(u32, DroppedCounts)>,
    trace_ids: Vec<TraceId>,
    /// Traces whose id a later span widened from 64 to 128 bits, in order, so that a rollback narrows them again.
    widened: Vec<u32>,
    trace_index: HashMap<u128, u32>,
    raw_trace_ids: HashMap<u128, StrId>,
    raw_span_ids: HashMap<u64, StrId>,
}

impl Default for TraceSetBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl TraceSetBuilder {
    pub fn new() -> Self {
        TraceSetBuilder {
            interner: Interner::default(),
            attrs: Vec::new(),
            blobs: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resources: Vec::new(),
            // Scope 0 is "no scope recorded".
            scopes: vec![Scope::default()],
            cols: SpanColumns::default(),
            trace_of: Vec::new(),
            shared: Vec::new(),
            warnings: Vec::new(),
            dropped: Vec::new(),
            trace_ids: Vec::new(),
            widened: Vec::new(),
            trace_index: HashMap::new(),
            raw_trace_ids: HashMap::new(),
            raw_span_ids: HashMap::new(),
        }
    }

    /// Spans added so far (all traces).
    pub fn span_count(&self) -> usize {
        self.trace_of.len()
    }

    /// How many distinct traces the spans added since span number `from` belong to.
    pub fn traces_touched_since(&self, from: usize) -> usize {
        // A 64-bit trace id that `finish` will join to its 128-bit trace counts as that trace.
        let joined = wide_trace_of_narrow(&self.trace_ids);
        let mut seen = vec![false; self.trace_ids.len()];
        let mut count = 0;
        for &t in &self.trace_of[from.min(self.trace_of.len())..] {
            let t = match joined.as_ref().map(|j| j[t as usize]) {
                Some(w) if w != NONE => w,
                _ => t,
            };
            count += usize::from(!std::mem::replace(&mut seen[t as usize], true));
        }
        count
    }

    pub fn intern(&mut self, s: &str) -> StrId {
        self.interner.intern(s)
    }

    /// The text of an interned string.
    pub fn str_of(&self, id: StrId) -> &str {
        self.interner.get(id)
    }

    pub fn str_value(&mut self, s: &str) -> StoredValue {
        StoredValue::str(self.interner.intern(s))
    }

    pub fn bytes_value(&mut self, bytes: &[u8]) -> StoredValue {
        let start = self.blobs.len();
        self.blobs.extend_from_slice(bytes);
        StoredValue::bytes(Range32::of(start, self.blobs.len()))
    }

    /// An array value from its elements.
    pub fn array_value(&mut self, items: &[StoredValue]) -> StoredValue {
        let start = self.attrs.len();
        self.attrs.extend(items.iter().map(|v| Attribute::new(StrId::EMPTY, *v)));
        StoredValue::array(Range32::of(start, self.attrs.len()))
    }

    /// A key-value list value from its entries.
    pub fn kvlist_value(&mut self, entries: &[Attribute]) -> StoredValue {
        let start = self.attrs.len();
        self.attrs.extend_from_slice(entries);
        StoredValue::kvlist(Range32::of(start, self.attrs.len()))
    }

    /// Shorthand for an attribute with an interned key.
    pub fn attr(&mut self, key: &str, value: StoredValue) -> Attribute {
        Attribute::new(self.interner.intern(key), value)
    }

    /// Shorthand for a string attribute.
    pub fn str_attr(&mut self, key: &str, value: &str) -> Attribute {
        let v = self.str_value(value);
        self.attr(key, v)
    }

    /// Registers a resource (service) and returns its index for [`SpanDraft::resource`].
    pub fn add_resource(&mut self, service: &str, attrs: &[Attribute]) -> u32 {
        let service = self.interner.intern(service);
        let start = self.attrs.len();
        self.attrs.extend_from_slice(attrs);
        self.resources.push(Resource { service, attrs: Range32::of(start, self.attrs.len()) });
        (self.resources.len() - 1) as u32
    }

    /// Registers an instrumentation scope and returns its index for [`SpanDraft::scope`].
    pub fn add_scope(&mut self, name: &str, version: &str, attrs: &[Attribute]) -> u32 {
        let name = self.interner.intern(name);
        let version = self.interner.intern(version);
        let start = self.attrs.len();
        self.attrs.extend_from_slice(attrs);
        self.scopes.push(Scope { name, version, attrs: Range32::of(start, self.attrs.len()) });
        (self.scopes.len() - 1) as u32
    }

    /// A trace id from its source text: hex, or any other text (hashed; the text is kept for display).
    pub fn trace_id_from_text(&mut self, text: &str) -> TraceId {
        match TraceId::from_hex(text) {
            Some(id) => id,
            None => {
                let id = TraceId::from_opaque_text(text);
                let s = self.interner.intern(text);
                self.raw_trace_ids.insert(id.value, s);
                id
            }
        }
    }

    /// A span id from its source text: `None` for empty or all-zero text; non-hex text is hashed and kept.
    pub fn span_id_from_text(&mut self, text: &str) -> Option<SpanId> {
        match SpanId::from_hex(text) {
            Some(id) => Some(id),
            // Empty, or zero (`from_hex` refuses it too).
            None if text.bytes().all(|b| b == b'0') => None,
            None => {
                let id = SpanId::from_opaque_text(text);
                let s = self.interner.intern(text);
                self.raw_span_ids.insert(id.get(), s);
                Some(id)
            }
        }
    }

    /// Where a later [`TraceSetBuilder::rollback`] returns to.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            spans: self.trace_of.len(),
            traces: self.trace_ids.len(),
            attrs: self.attrs.len(),
            blobs: self.blobs.len(),
            events: self.events.len(),
            links: self.links.len(),
            resources: self.resources.len(),
            scopes: self.scopes.len(),
            warnings: self.warnings.len(),
            dropped: self.dropped.len(),
            widened: self.widened.len(),
        }
    }

    /// Forgets everything added since `cp`, including the widening of ids of traces that existed then (interned
    /// strings stay; they cost little and harm nothing).
    pub fn rollback(&mut self, cp: Checkpoint) {
        for t in self.widened.drain(cp.widened..) {
            if let Some(id) = self.trace_ids.get_mut(t as usize) {
                id.wide = false;
            }
        }
        for id in self.trace_ids.drain(cp.traces..) {
            self.trace_index.remove(&id.value);
        }
        self.attrs.truncate(cp.attrs);
        self.blobs.truncate(cp.blobs);
        self.events.truncate(cp.events);
        self.links.truncate(cp.links);
        self.resources.truncate(cp.resources);
        self.scopes.truncate(cp.scopes);
        self.warnings.truncate(cp.warnings);
        self.dropped.truncate(cp.dropped);
        let n = cp.spans;
        self.trace_of.truncate(n);
        self.shared.truncate(n);
        each_arrival_column!(self.cols, Vec::truncate(n));
    }

    /// Adds one span and clears `d` for the next. A span without a trace id joins trace 0 (id `0`); without a
    /// span id it gets one made up from its position, with a warning. `resource` must come from
    /// [`TraceSetBuilder::add_resource`] (a resource is made on demand if none exists yet).
    pub fn add_span(&mut self, d: &mut SpanDraft) {
        let pos = self.trace_of.len() as u32;
        let trace_id = d.trace_id.unwrap_or(TraceId { value: 0, wide: true });
        let next = self.trace_ids.len() as u32;
        let t = *self.trace_index.entry(trace_id.value).or_insert(next);
        if t == next {
            self.trace_ids.push(trace_id);
        } else if trace_id.wide && !self.trace_ids[t as usize].wide {
            self.trace_ids[t as usize].wide = true;
            self.widened.push(t);
        }
        self.trace_of.push(t);
        self.shared.push(d.shared);
        let span_id = match d.span_id {
            Some(id) => id,
            None => {
                self.warnings.push((pos, SpanWarning::Source("the span has no id; one was made up".into())));
                SpanId::from_opaque_text(&format!("spanscope-missing-id-{pos}"))
            }
        };
        let resource = if d.resource == RESOURCE_LATER { RESOURCE_LATER } else { self.resource_or_unknown(d.resource) };
        let c = &mut self.cols;
        c.span_id.push(span_id);
        c.parent_id.push(d.parent_id);
        c.name.push(d.name);
        c.resource.push(resource);
        c.scope.push(d.scope.min(self.scopes.len() as u32 - 1));
        c.kind.push(d.kind);
        c.status.push(d.status);
        c.status_message.push(d.status_message);
        // Importers saturate times beyond i64 nanoseconds (before 1677-09-21, after 2262-04-11) at the i64 range;
        // such a time is clamped and flagged. i64::MIN itself is the "no start" mark, so a start there moves up 1 ns.
        let mut out_of_range = false;
        let start = match d.start {
            None => {
                self.warnings.push((pos, SpanWarning::MissingStart));
                None
            }
            Some(TimestampNs(s)) if s == i64::MIN || s == i64::MAX => {
                out_of_range = true;
                Some(TimestampNs(s.max(i64::MIN + 1)))
            }
            Some(s) => Some(s),
        };
        c.start.push(start.unwrap_or(TimestampNs(i64::MIN)));
        let mut duration = match d.duration {
            None => {
                self.warnings.push((pos, SpanWarning::MissingDuration));
                DurationNs::ZERO
            }
            Some(x) if x.0 < 0 => {
                self.warnings.push((pos, SpanWarning::NegativeDuration));
                DurationNs::ZERO
            }
            Some(x) => x,
        };
        // An end at or past the last instant (a saturated end, or start + duration overflowing) ends there.
        if let Some(TimestampNs(s)) = start {
            if duration.0 > 0 && s.checked_add(duration.0).is_none_or(|end| end == i64::MAX) {
                out_of_range = true;
                duration = DurationNs(i64::MAX - s.max(0));
            }
        }
        if out_of_range {
            self.warnings.push((pos, SpanWarning::TimeOutOfRange));
        }
        c.duration.push(duration);
        let a0 = self.attrs.len();
        self.attrs.extend_from_slice(&d.attrs);
        c.attrs.push(Range32::of(a0, self.attrs.len()));
        let e0 = self.events.len();
        let mut k = 0usize;
        for e in &d.events {
            let s = self.attrs.len();
            let end = (k + e.attr_count as usize).min(d.event_attrs.len());
            self.attrs.extend_from_slice(&d.event_attrs[k.min(end)..end]);
            k = end;
            self.events.push(Event {
                time: e.time,
                name: e.name,
                attrs: Range32::of(s, self.attrs.len()),
                dropped_attributes_count: e.dropped_attributes_count,
            });
        }
        c.events.push(Range32::of(e0, self.events.len()));
        let l0 = self.links.len();
        let mut k = 0usize;
        for l in &d.links {
            let s = self.attrs.len();
            let end = (k + l.attr_count as usize).min(d.link_attrs.len());
            self.attrs.extend_from_slice(&d.link_attrs[k.min(end)..end]);
            k = end;
            self.links.push(Link {
                kind: l.kind,
                trace_id: l.trace_id,
                span_id: l.span_id,
                trace_state: l.trace_state,
                attrs: Range32::of(s, self.attrs.len()),
                dropped_attributes_count: l.dropped_attributes_count,
            });
        }
        c.links.push(Range32::of(l0, self.links.len()));
        c.flags.push(d.flags);
        c.trace_state.push(d.trace_state);
        if d.dropped != DroppedCounts::default() {
            self.dropped.push((pos, d.dropped));
        }
        for w in d.source_warnings.drain(..) {
            self.warnings.push((pos, SpanWarning::Source(w)));
        }
        d.clear();
    }

    /// The trace id, span id and `shared` flag of the span added `pos`-th.
    pub fn span_key(&self, pos: usize) -> Option<(TraceId, SpanId, bool)> {
        let t = *self.trace_of.get(pos)?;
        Some((self.trace_ids[t as usize], self.cols.span_id[pos], self.shared[pos]))
    }

    /// The span added `pos`-th as a draft again, for an importer that merges a span sent in parts (Zipkin): what
    /// was missing is `None` again. Its source warnings stay with the span (see [`TraceSetBuilder::replace_span`]).
    #[inline(never)]
    pub fn draft_at(&self, pos: usize) -> Option<SpanDraft> {
        let (trace_id, span_id, shared) = self.span_key(pos)?;
        let c = &self.cols;
        let own = self.warnings_at(pos);
        let has = |w: &SpanWarning| self.warnings[own.clone()].iter().any(|(_, x)| x == w);
        let mut d = SpanDraft {
            trace_id: Some(trace_id),
            span_id: Some(span_id),
            parent_id: c.parent_id[pos],
            name: c.name[pos],
            resource: c.resource[pos],
            scope: c.scope[pos],
            kind: c.kind[pos],
            status: c.status[pos],
            status_message: c.status_message[pos],
            start: (!has(&SpanWarning::MissingStart)).then_some(c.start[pos]),
            duration: if has(&SpanWarning::MissingDuration) {
                None
            } else if has(&SpanWarning::NegativeDuration) {
                Some(DurationNs(-1))
            } else {
                Some(c.duration[pos])
            },
            flags: c.flags[pos],
            trace_state: c.trace_state[pos],
            dropped: self.dropped.iter().find(|(p, _)| *p as usize == pos).map_or_else(DroppedCounts::default, |x| x.1),
            shared,
            attrs: self.attrs[c.attrs[pos].range()].to_vec(),
            ..SpanDraft::default()
        };
        for e in &self.events[c.events[pos].range()] {
            d.event_attrs.extend_from_slice(&self.attrs[e.attrs.range()]);
            d.events.push(EventDraft {
                time: e.time,
                name: e.name,
                attr_count: e.attrs.len,
                dropped_attributes_count: e.dropped_attributes_count,
            });
        }
        for l in &self.links[c.links[pos].range()] {
            d.link_attrs.extend_from_slice(&self.attrs[l.attrs.range()]);
            d.links.push(LinkDraft {
                kind: l.kind,
                trace_id: l.trace_id,
                span_id: l.span_id,
                trace_state: l.trace_state,
                attr_count: l.attrs.len,
                dropped_attributes_count: l.dropped_attributes_count,
            });
        }
        Some(d)
    }

    /// Replaces the span added `pos`-th by `d` (from [`TraceSetBuilder::draft_at`], merged with more parts) and
    /// clears `d`. The span keeps its place and the source warnings it had; the repairs `add_span` flags (missing
    /// times) are judged again. Its old attributes and events stay in the arenas, unused.
    #[inline(never)]
    pub fn replace_span(&mut self, pos: usize, d: &mut SpanDraft) {
        if pos >= self.trace_of.len() {
            return;
        }
        let end = self.trace_of.len();
        self.add_span(d);
        // Move the span just added from `end` to `pos`.
        let t = self.trace_of.pop().unwrap_or_default();
        self.trace_of[pos] = t;
        let shared = self.shared.pop().unwrap_or_default();
        self.shared[pos] = shared;
        fn move_last<T>(v: &mut Vec<T>, pos: usize) {
            if let Some(x) = v.pop() {
                v[pos] = x;
            }
        }
        each_arrival_column!(self.cols, move_last(pos));
        // Warnings: the new span's own (at the end of the list) replace the old span's repairs; its source
        // warnings and out-of-range times stay.
        let new_from = self.warnings.partition_point(|(p, _)| (*p as usize) < end);
        let renewed: Vec<(u32, SpanWarning)> = self.warnings.drain(new_from..).map(|(_, w)| (pos as u32, w)).collect();
        let own = self.warnings_at(pos);
        let kept: Vec<(u32, SpanWarning)> = self
            .warnings
            .drain(own.clone())
            .filter(|(_, w)| matches!(w, SpanWarning::Source(_) | SpanWarning::TimeOutOfRange))
            .collect();
        let mut group = renewed;
        for k in kept {
            if !group.contains(&k) {
                group.push(k);
            }
        }
        self.warnings.splice(own.start..own.start, group);
        let new_dropped = self.dropped.last().filter(|(p, _)| *p as usize == end).map(|x| x.1);
        if new_dropped.is_some() {
            self.dropped.pop();
        }
        self.dropped.retain(|(p, _)| *p as usize != pos);
        if let Some(counts) = new_dropped {
            let at = self.dropped.partition_point(|(p, _)| (*p as usize) < pos);
            self.dropped.insert(at, (pos as u32, counts));
        }
    }

    /// Removes the spans added at `positions` (ascending; for an importer that merged them into other spans),
    /// moving the later ones up. Their attributes and events stay in the arenas, unused.
    #[inline(never)]
    pub fn remove_spans(&mut self, positions: &[u32]) {
        if positions.is_empty() {
            return;
        }
        let n = self.trace_of.len();
        let mut keep = vec![true; n];
        for &p in positions {
            if let Some(k) = keep.get_mut(p as usize) {
                *k = false;
            }
        }
        // Position → how many removed spans come before it.
        let mut before = vec![0u32; n];
        let mut gone = 0u32;
        for (b, k) in before.iter_mut().zip(&keep) {
            *b = gone;
            gone += u32::from(!*k);
        }
        fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                keep.get(i - 1).copied().unwrap_or(true)
            });
        }
        retain(&mut self.trace_of, &keep);
        retain(&mut self.shared, &keep);
        each_arrival_column!(self.cols, retain(&keep));
        let moved = |p: &mut u32| {
            let k = *p as usize;
            let stays = keep.get(k).copied().unwrap_or(true);
            *p -= before.get(k).copied().unwrap_or(gone);
            stays
        };
        self.warnings.retain_mut(|(p, _)| moved(p));
        self.dropped.retain_mut(|(p, _)| moved(p));
    }

    /// Where the warnings of the span added `pos`-th are in `warnings` (ordered by span).
    fn warnings_at(&self, pos: usize) -> std::ops::Range<usize> {
        let from = self.warnings.partition_point(|(p, _)| (*p as usize) < pos);
        let to = self.warnings.partition_point(|(p, _)| (*p as usize) <= pos);
        from..to
    }

    /// `r` if it names a resource, else the last one (made, as `unknown_service`, if there is none).
    fn resource_or_unknown(&mut self, r: u32) -> u32 {
        if self.resources.is_empty() {
            self.add_resource("unknown_service", &[]);
        }
        r.min(self.resources.len() as u32 - 1)
    }

    /// Sets the resource of the span added `pos`-th (see [`RESOURCE_LATER`]).
    pub fn set_resource(&mut self, pos: usize, r: u32) {
        let r = self.resource_or_unknown(r);
        if let Some(slot) = self.cols.resource.get_mut(pos) {
            *slot = r;
        }
    }

    /// Gives source warnings to the span added `pos`-th, after it was added: `first` puts them before the
    /// source warnings it came with, else after them.
    pub fn add_source_warnings(&mut self, pos: usize, ws: impl IntoIterator<Item = String>, first: bool) {
        let pos = pos as u32;
        // `warnings` is ordered by span position.
        let group_end = self.warnings.partition_point(|(p, _)| *p <= pos);
        let at = if first {
            let group_start = self.warnings.partition_point(|(p, _)| *p < pos);
            self.warnings[group_start..group_end]
                .iter()
                .position(|(_, w)| matches!(w, SpanWarning::Source(_)))
                .map_or(group_end, |k| group_start + k)
        } else {
            group_end
        };
        self.warnings.splice(at..at, ws.into_iter().map(|w| (pos, SpanWarning::Source(w))));
    }

    /// Builds every trace, in the order their first span arrived.
    pub fn finish(mut self, opts: &BuildOptions) -> Vec<Trace> {
        // A resource an importer left for later and never set (see [`RESOURCE_LATER`]).
        if self.cols.resource.contains(&RESOURCE_LATER) {
            let unknown = self.add_resource("unknown_service", &[]);
            for r in self.cols.resource.iter_mut().filter(|r| **r == RESOURCE_LATER) {
                *r = unknown;
            }
        }
        let TraceSetBuilder {
            interner,
            attrs,
            blobs,
            mut events,
            links,
            resources,
            scopes,
            cols,
            trace_of,
            shared,
            warnings,
            dropped,
            trace_ids,
            widened: _,
            trace_index: _,
            raw_trace_ids,
            raw_span_ids,
        } = self;
        let strings = interner.freeze();
        let (mut trace_of, mut warnings) = (trace_of, warnings);
        join_halves_of_trace_ids(&trace_ids, &mut trace_of, &mut warnings);

        // Services: distinct names over all resources, first-seen order.
        let mut services: Vec<StrId> = Vec::new();
        let mut service_of_resource = Vec::with_capacity(resources.len());
        {
            let mut seen: HashMap<StrId, u32> = HashMap::new();
            for r in &resources {
                let next = services.len() as u32;
                let k = *seen.entry(r.service).or_insert(next);
                if k == next {
                    services.push(r.service);
                }
                service_of_resource.push(k);
            }
        }
        let host_of_resource: Vec<StrId> = resources.iter().map(|r| host_key(r, &attrs, &strings)).collect();

        // Group span positions by trace (counting sort keeps arrival order inside each trace).
        let n_traces = trace_ids.len();
        let mut offsets = vec![0u32; n_traces + 1];
        for &t in &trace_of {
            offsets[t as usize + 1] += 1;
        }
        for t in 0..n_traces {
            offsets[t + 1] += offsets[t];
        }
        let mut members = vec![0u32; trace_of.len()];
        {
            let mut fill = offsets.clone();
            for (i, &t) in trace_of.iter().enumerate() {
                members[fill[t as usize] as usize] = i as u32;
                fill[t as usize] += 1;
            }
        }
        let mut warnings_by_span: HashMap<u32, Vec<SpanWarning>> = HashMap::new();
        for (i, w) in warnings {
            warnings_by_span.entry(i).or_default().push(w);
        }
        let dropped_by_span: HashMap<u32, DroppedCounts> = dropped.into_iter().collect();

        let mut built = Vec::with_capacity(n_traces);
        let mut shifts: Vec<(Range32, i64)> = Vec::new();
        for t in 0..n_traces {
            let ids = &members[offsets[t] as usize..offsets[t + 1] as usize];
            if ids.is_empty() {
                continue; // joined to another trace (`join_halves_of_trace_ids`)
            }
            let input = TreeInput { cols: &cols, start: &cols.start, ids, host_of_resource: &host_of_resource, opts };
            let mut tb = build_tree(&input, &shared, &warnings_by_span);
            // Side tables keyed by arrival position → final position.
            for (final_pos, &arrival) in tb.order.iter().enumerate() {
                if let Some(d) = dropped_by_span.get(&arrival) {
                    tb.dropped.push((SpanIdx(final_pos as u32), *d));
                }
                let id = cols.span_id[arrival as usize];
                if let Some(s) = raw_span_ids.get(&id.get()) {
                    tb.raw_span_ids.push((SpanIdx(final_pos as u32), *s));
                }
            }
            shifts.append(&mut tb.event_shifts);
            let id = trace_ids[t];
            let raw_trace_id = raw_trace_ids.get(&id.value).map(|s| strings.get(*s).to_string());
            built.push((id, raw_trace_id, tb));
        }
        for (r, delta) in shifts {
            for e in &mut events[r.range()] {
                e.time = TimestampNs(e.time.0.saturating_add(delta));
            }
        }
        // The arenas grew by doubling; a built trace keeps only what it uses (up to half the model otherwise).
        let (mut attrs, mut blobs, mut links, mut resources, mut scopes) = (attrs, blobs, links, resources, scopes);
        attrs.shrink_to_fit();
        blobs.shrink_to_fit();
        events.shrink_to_fit();
        links.shrink_to_fit();
        resources.shrink_to_fit();
        scopes.shrink_to_fit();
        let arena = Arc::new(Arena { strings, attrs, blobs, events, links, resources, scopes });
        let services = Arc::new(services);
        let service_of_resource = Arc::new(service_of_resource);
        built
            .into_iter()
            .map(|(id, raw_trace_id, tb)| {
                trace_from_tree(id, raw_trace_id, tb, &arena, &services, &service_of_resource)
            })
            .collect()
    }
}

/// A built trace from its tree and the shared parts of its import (also [`crate::rebuild`]'s last step).
pub(crate) fn trace_from_tree(
    id: TraceId,
    raw_trace_id: Option<String>,
    tb: TreeOutput,
    arena: &Arc<Arena>,
    services: &Arc<Vec<StrId>>,
    service_of_resource: &Arc<Vec<u32>>,
) -> Trace {
    let mut trace_services = Vec::new();
    let mut seen = vec![false; services.len()];
    for &r in &tb.spans.resource {
        let s = service_of_resource[r as usize];
        if !seen[s as usize] {
            seen[s as usize] = true;
            trace_services.push(s);
        }
    }
    Trace {
        id,
        arena: Arc::clone(arena),
        spans: tb.spans,
        roots: tb.roots,
        service_of_resource: Arc::clone(service_of_resource),
        services: Arc::clone(services),
        trace_services,
        warnings: tb.warnings,
        dropped: tb.dropped,
        raw_span_ids: tb.raw_span_ids,
        raw_trace_id,
        start: tb.start,
        end: tb.end,
        max_depth: tb.max_depth,
        error_count: tb.error_count,
    }
}

/// A 64-bit trace id whose 128-bit form also came: one trace. During a move to 128-bit ids some services still
/// send the low 64 bits only, and Zipkin (without `STRICT_TRACE_ID`) and Zipkin Lens treat both as one trace under
/// the longer id. The spans of the narrow trace move to the wide one (when exactly one wide id has those low
/// bits), each with a warning saying so.
fn join_halves_of_trace_ids(trace_ids: &[TraceId], trace_of: &mut [u32], warnings: &mut Vec<(u32, SpanWarning)>) {
    let Some(target) = wide_trace_of_narrow(trace_ids) else { return };
    for (pos, t) in trace_of.iter_mut().enumerate() {
        let w = target[*t as usize];
        if w != NONE {
            let message = format!(
                "trace id {} is the low half of {}: joined that trace",
                trace_ids[*t as usize].to_hex(),
                trace_ids[w as usize].to_hex()
            );
            warnings.push((pos as u32, SpanWarning::Source(message)));
            *t = w;
        }
    }
}

/// For each trace, the one with a 128-bit id whose low half its 64-bit id is (`NONE` when there is no such
/// trace or more than one); `None` when no trace is joined at all.
fn wide_trace_of_narrow(trace_ids: &[TraceId]) -> Option<Vec<u32>> {
    const LOW: u128 = u64::MAX as u128;
    let narrow = |id: &TraceId| id.value >> 64 == 0;
    if trace_ids.iter().all(narrow) || !trace_ids.iter().any(narrow) {
        return None;
    }
    // Low half → the wide trace with it, or NONE when two wide ids share it.
    let mut wide_by_low: HashMap<u64, u32> = HashMap::new();
    for (t, id) in trace_ids.iter().enumerate().filter(|(_, id)| !narrow(id)) {
        wide_by_low.entry((id.value & LOW) as u64).and_modify(|w| *w = NONE).or_insert(t as u32);
    }
    let target: Vec<u32> = trace_ids
        .iter()
        .map(|id| match wide_by_low.get(&(id.value as u64)) {
            Some(&w) if narrow(id) && w != NONE => w,
            _ => NONE,
        })
        .collect();
    target.iter().any(|&w| w != NONE).then_some(target)
}

/// What identifies the machine a resource ran on, for clock-skew decisions: a host or address attribute, or
/// failing those the service name.
pub(crate) fn host_key(r: &Resource, attrs: &[Attribute], strings: &crate::intern::Strings) -> StrId {
    const HOST_KEYS: [&str; 7] = ["host.name", "host.id", "hostname", "ip", "host.ip", "net.host.ip", "ipv4"];
    for k in HOST_KEYS {
        for a in &attrs[r.attrs.range()] {
            if strings.get(a.key()) == k {
                if let Some(s) = a.stored().as_str_id() {
                    return s;
                }
            }
        }
    }
    r.service
}

pub(crate) struct TreeInput<'a> {
    pub cols: &'a SpanColumns,
    /// Start of each span by arrival position (`cols.start`, or a rebuild's recorded times); `i64::MIN` for none.
    pub start: &'a [TimestampNs],
    /// Arrival positions of this trace's spans, in arrival order.
    pub ids: &'a [u32],
    pub host_of_resource: &'a [StrId],
    pub opts: &'a BuildOptions,
}

pub(crate) struct TreeOutput {
    pub spans: SpanColumns,
    /// Final position → arrival position.
    pub order: Vec<u32>,
    pub roots: Vec<SpanIdx>,
    pub warnings: Vec<(SpanIdx, SpanWarning)>,
    pub dropped: Vec<(SpanIdx, DroppedCounts)>,
    pub raw_span_ids: Vec<(SpanIdx, StrId)>,
    pub event_shifts: Vec<(Range32, i64)>,
    pub start: TimestampNs,
    pub end: TimestampNs,
    pub max_depth: u32,
    pub error_count: u32,
}

const NONE: u32 = u32::MAX;
// A trace's `parent` column can be laid out again as it is ([`crate::rebuild`]).
const _: () = assert!(NONE == NO_PARENT);

/// Builds one trace's tree: parents from the span ids ([`find_parents`]), then the layout ([`lay_out`]).
/// `shared` and `warnings_by_span` are by arrival position.
fn build_tree(inp: &TreeInput<'_>, shared: &[bool], warnings_by_span: &HashMap<u32, Vec<SpanWarning>>) -> TreeOutput {
    let (parent, local_warnings) = find_parents(inp, shared, warnings_by_span);
    lay_out(inp, parent, local_warnings)
}

/// Each span's parent (a local index, `NONE` for a root), and each span's warnings so far: those given while
/// reading it, then those of finding its parent (duplicate id, missing parent, self-parent, cycle).
fn find_parents(
    inp: &TreeInput<'_>,
    shared: &[bool],
    warnings_by_span: &HashMap<u32, Vec<SpanWarning>>,
) -> (Vec<u32>, Vec<Vec<SpanWarning>>) {
    let n = inp.ids.len();
    let col = inp.cols;
    let arrival = |j: usize| inp.ids[j] as usize;
    let mut local_warnings: Vec<Vec<SpanWarning>> = vec![Vec::new(); n];
    for (j, w) in local_warnings.iter_mut().enumerate() {
        if let Some(ws) = warnings_by_span.get(&(arrival(j) as u32)) {
            w.extend(ws.iter().cloned());
        }
    }

    // 1. Which local span answers to each id: (first unshared, first shared). A server span that shares its id
    //    with a client span is the shared half even without the flag: some instrumentation leaves it out, and
    //    Zipkin (`Trace.merge`) backfills it the same way.
    let mut by_id: HashMap<u64, (u32, u32)> = HashMap::with_capacity(n);
    let mut duplicate = vec![false; n];
    let mut shared: Vec<bool> = (0..n).map(|j| shared[arrival(j)]).collect();
    let kind = |j: u32| col.kind[arrival(j as usize)];
    for j in 0..n {
        let id = col.span_id[arrival(j)].get();
        let e = by_id.entry(id).or_insert((NONE, NONE));
        if shared[j] {
            if e.1 == NONE {
                e.1 = j as u32;
            } else {
                duplicate[j] = true;
                duplicate[e.1 as usize] = true;
            }
            continue;
        }
        let first = e.0;
        if first == NONE {
            e.0 = j as u32;
        } else if e.1 == NONE
            && !duplicate[first as usize]
            && (kind(first), kind(j as u32)) == (SpanKind::Client, SpanKind::Server)
        {
            shared[j] = true;
            e.1 = j as u32;
        } else if e.1 == NONE
            && !duplicate[first as usize]
            && (kind(first), kind(j as u32)) == (SpanKind::Server, SpanKind::Client)
        {
            shared[first as usize] = true;
            *e = (j as u32, first);
        } else {
            duplicate[j] = true;
            duplicate[first as usize] = true;
        }
    }
    for (j, d) in duplicate.iter().enumerate() {
        if *d {
            local_warnings[j].push(SpanWarning::DuplicateId);
        }
    }

    // 2. Parents.
    let mut parent = vec![NONE; n];
    for j in 0..n {
        let a = arrival(j);
        let own = col.span_id[a];
        let (first_unshared, _) = by_id[&own.get()];
        if shared[j] && first_unshared != NONE {
            parent[j] = first_unshared; // server half under its client half
            continue;
        }
        let Some(p) = col.parent_id[a] else { continue };
        if p == own {
            local_warnings[j].push(SpanWarning::SelfParent);
            continue;
        }
        match by_id.get(&p.get()) {
            Some(&(u, s)) => parent[j] = if s != NONE { s } else { u },
            None => local_warnings[j].push(SpanWarning::MissingParent(p)),
        }
    }

    // 3. Break cycles: spans not reachable from a root.
    let mut reached = vec![false; n];
    {
        let (kids_at, kids) = children_csr(&parent);
        let mut stack: Vec<u32> = (0..n as u32).filter(|&j| parent[j as usize] == NONE).collect();
        mark_reached(&mut stack, &mut reached, &kids_at, &kids);
        let mut stamp = vec![NONE; n];
        for j in 0..n {
            if reached[j] {
                continue;
            }
            // Walk up until a span repeats: that span is on the cycle.
            let mut x = j;
            while stamp[x] != j as u32 && !reached[x] {
                stamp[x] = j as u32;
                x = parent[x] as usize;
            }
            if reached[x] {
                continue; // hangs under a span this loop already freed
            }
            let cut_from = col.span_id[arrival(parent[x] as usize)];
            local_warnings[x].push(SpanWarning::CycleBroken(cut_from));
            parent[x] = NONE;
            stack.push(x as u32);
            mark_reached(&mut stack, &mut reached, &kids_at, &kids);
        }
    }
    (parent, local_warnings)
}

/// The tree laid out from each span's parent (local indices, `NONE` for roots): children in start order, the
/// pre-order columns, depths and subtree ends, clock skew (when asked), and the trace's extent. Times only
/// matter from here on, so a rebuild with other options starts here ([`crate::rebuild`]).
#[inline(never)] // one copy for the import and the rebuild
pub(crate) fn lay_out(inp: &TreeInput<'_>, parent: Vec<u32>, mut local_warnings: Vec<Vec<SpanWarning>>) -> TreeOutput {
    let n = inp.ids.len();
    let col = inp.cols;
    let arrival = |j: usize| inp.ids[j] as usize;

    // 4. Children in start order (a missing start sorts as its parent's start; fixed below).
    let (kids_at, mut kids) = children_csr(&parent);
    let mut start: Vec<i64> = (0..n).map(|j| inp.start[arrival(j)].0).collect();
    let mut roots: Vec<u32> = (0..n as u32).filter(|&j| parent[j as usize] == NONE).collect();
    let known_min = start.iter().copied().filter(|&s| s != i64::MIN).min().unwrap_or(0);
    {
        // Top-down fill of missing starts, breadth-first from the roots.
        let mut queue: Vec<u32> = roots.clone();
        for &r in &roots {
            if start[r as usize] == i64::MIN {
                start[r as usize] = known_min;
            }
        }
        let mut k = 0;
        while k < queue.len() {
            let p = queue[k] as usize;
            k += 1;
            for &c in &kids[kids_at[p] as usize..kids_at[p + 1] as usize] {
                if start[c as usize] == i64::MIN {
                    start[c as usize] = start[p];
                }
                queue.push(c);
            }
        }
    }
    let mut scratch = Vec::new();
    let by_start = |j: u32| order::i64_key(start[j as usize]);
    order::sort_indices_by_key(&mut roots, &mut scratch, by_start);
    for p in 0..n {
        order::sort_indices_by_key(&mut kids[kids_at[p] as usize..kids_at[p + 1] as usize], &mut scratch, by_start);
    }

    // 5. Pre-order layout.
    let mut order: Vec<u32> = Vec::with_capacity(n); // final position → local index
    let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
    while let Some(j) = stack.pop() {
        order.push(j);
        let ks = &kids[kids_at[j as usize] as usize..kids_at[j as usize + 1] as usize];
        stack.extend(ks.iter().rev());
    }
    debug_assert_eq!(order.len(), n);
    let mut pos_of = vec![0u32; n];
    for (p, &j) in order.iter().enumerate() {
        pos_of[j as usize] = p as u32;
    }

    // 6. Columns in final order.
    let mut out = SpanColumns::default();
    let pick = |j: u32| inp.ids[j as usize] as usize;
    out.span_id = order.iter().map(|&j| col.span_id[pick(j)]).collect();
    out.parent_id = order.iter().map(|&j| col.parent_id[pick(j)]).collect();
    out.parent = order
        .iter()
        .map(|&j| if parent[j as usize] == NONE { NO_PARENT } else { pos_of[parent[j as usize] as usize] })
        .collect();
    out.name = order.iter().map(|&j| col.name[pick(j)]).collect();
    out.resource = order.iter().map(|&j| col.resource[pick(j)]).collect();
    out.scope = order.iter().map(|&j| col.scope[pick(j)]).collect();
    out.kind = order.iter().map(|&j| col.kind[pick(j)]).collect();
    out.status = order.iter().map(|&j| col.status[pick(j)]).collect();
    out.status_message = order.iter().map(|&j| col.status_message[pick(j)]).collect();
    out.start = order.iter().map(|&j| TimestampNs(start[j as usize])).collect();
    out.duration = order.iter().map(|&j| col.duration[pick(j)]).collect();
    out.attrs = order.iter().map(|&j| col.attrs[pick(j)]).collect();
    out.events = order.iter().map(|&j| col.events[pick(j)]).collect();
    out.links = order.iter().map(|&j| col.links[pick(j)]).collect();
    out.flags = order.iter().map(|&j| col.flags[pick(j)]).collect();
    out.trace_state = order.iter().map(|&j| col.trace_state[pick(j)]).collect();
    let mut depth = vec![0u32; n];
    for i in 0..n {
        let p = out.parent[i];
        if p != NO_PARENT {
            depth[i] = depth[p as usize] + 1;
        }
    }
    let mut size = vec![1u32; n];
    for i in (0..n).rev() {
        let p = out.parent[i];
        if p != NO_PARENT {
            size[p as usize] += size[i];
        }
    }
    out.subtree_end = (0..n).map(|i| i as u32 + size[i]).collect();
    out.depth = depth;

    let mut warnings: Vec<(SpanIdx, SpanWarning)> = Vec::new();
    for (p, &j) in order.iter().enumerate() {
        for w in std::mem::take(&mut local_warnings[j as usize]) {
            warnings.push((SpanIdx(p as u32), w));
        }
    }

    // 7. Clock skew, top-down in pre-order (parents are final before their children).
    let mut event_shifts = Vec::new();
    if inp.opts.adjust_clock_skew {
        let mut delta = vec![0i64; n];
        let mut skew_warnings = Vec::new();
        for i in 0..n {
            let p = out.parent[i];
            if p == NO_PARENT {
                continue;
            }
            let p = p as usize;
            let inherited = delta[p];
            let crosses_hosts =
                inp.host_of_resource[out.resource[i] as usize] != inp.host_of_resource[out.resource[p] as usize];
            let rpc_pair = out.kind[i] == SpanKind::Server && out.kind[p] == SpanKind::Client;
            let d = if rpc_pair && crosses_hosts {
                // The parent is already adjusted; the child not yet (it may inherit nothing across hosts).
                skew(out.start[p].0, out.duration[p].0, out.start[i].0, out.duration[i].0)
            } else {
                inherited
            };
            if d != 0 {
                delta[i] = d;
                out.start[i] = TimestampNs(out.start[i].0.saturating_add(d));
                event_shifts.push((out.events[i], d));
                skew_warnings.push((SpanIdx(i as u32), SpanWarning::SkewAdjusted(DurationNs(d))));
            }
        }
        warnings.extend(skew_warnings);
        order::sort_by_key(&mut warnings, |&(s, _)| u64::from(s.0));
    }

    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for i in 0..n {
        lo = lo.min(out.start[i].0);
        hi = hi.max(out.start[i].0.saturating_add(out.duration[i].0));
    }
    if n == 0 {
        (lo, hi) = (0, 0);
    }
    let error_count = out.status.iter().filter(|s| **s == StatusCode::Error).count() as u32;
    let max_depth = out.depth.iter().copied().max().unwrap_or(0);
    let roots = roots.iter().map(|&j| SpanIdx(pos_of[j as usize])).collect();
    TreeOutput {
        spans: out,
        order: order.iter().map(|&j| inp.ids[j as usize]).collect(),
        roots,
        warnings,
        dropped: Vec::new(),
        raw_span_ids: Vec::new(),
        event_shifts,
        start: TimestampNs(lo),
        end: TimestampNs(hi),
        max_depth,
        error_count,
    }
}

/// Jaeger's clock-skew rule: the shift that puts a child inside its parent, or 0 when it already fits.
/// A child longer than its parent is aligned to the parent's start.
fn skew(parent_start: i64, parent_dur: i64, child_start: i64, child_dur: i64) -> i64 {
    if parent_dur < child_dur {
        return parent_start.saturating_sub(child_start);
    }
    let child_end = child_start.saturating_add(child_dur);
    let parent_end = parent_start.saturating_add(parent_dur);
    if child_start >= parent_start && child_end <= parent_end {
        return 0;
    }
    let latency = (parent_dur - child_dur) / 2;
    parent_start.saturating_add(latency).saturating_sub(child_start)
}

/// Children lists in compressed form: the children of `j` are `kids[at[j]..at[j+1]]`, in local order.
fn children_csr(parent: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n = parent.len();
    let mut at = vec![0u32; n + 1];
    for &p in parent {
        if p != NONE {
            at[p as usize + 1] += 1;
        }
    }
    for j in 0..n {
        at[j + 1] += at[j];
    }
    let mut fill = at.clone();
    let mut kids = vec![0u32; at[n] as usize];
    for (j, &p) in parent.iter().enumerate() {
        if p != NONE {
            kids[fill[p as usize] as usize] = j as u32;
            fill[p as usize] += 1;
        }
    }
    (at, kids)
}

fn mark_reached(stack: &mut Vec<u32>, reached: &mut [bool], at: &[u32], kids: &[u32]) {
    while let Some(j) = stack.pop() {
        if reached[j as usize] {
            continue;
        }
        reached[j as usize] = true;
        for &c in &kids[at[j as usize] as usize..at[j as usize + 1] as usize] {
            if !reached[c as usize] {
                stack.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(spans: &[(u64, u64, i64)]) -> TraceSetBuilder {
        let spans: Vec<_> = spans.iter().map(|&(id, p, start)| (id, p, start, 5)).collect();
        crate::testing::builder(&spans)
    }

    fn build(spans: &[(u64, u64, i64)]) -> Trace {
        builder(spans).finish(&BuildOptions::default()).remove(0)
    }

    #[test]
    fn traces_touched_counts_each_trace_once() {
        let mut b = TraceSetBuilder::new();
        let r = b.add_resource("svc", &[]);
        let mut d = SpanDraft::default();
        for (n, trace) in ["a", "b", "a", "c", "c", "a"].into_iter().enumerate() {
            d.trace_id = TraceId::from_hex(trace);
            d.span_id = SpanId::from_hex(&format!("{:x}", n + 1));
            d.resource = r;
            b.add_span(&mut d);
        }
        assert_eq!(b.traces_touched_since(0), 3);
        assert_eq!(b.traces_touched_since(3), 2, "c, then a again");
        assert_eq!(b.traces_touched_since(5), 1);
        assert_eq!(b.traces_touched_since(6), 0);
        assert_eq!(b.traces_touched_since(99), 0);
    }

    // 1 → 2 → 3 → 1 (no root at all), and 4 hanging under 2.
    #[test]
    fn a_cycle_without_roots_is_cut_once_and_keeps_every_span() {
        let t = build(&[(1, 3, 0), (2, 1, 1), (3, 2, 2), (4, 2, 3)]);
        assert_eq!(t.len(), 4);
        assert_eq!(t.roots().len(), 1);
        let cut = t.warnings().iter().filter(|(_, w)| matches!(w, SpanWarning::CycleBroken(_))).count();
        assert_eq!(cut, 1);
        assert_eq!(t.descendant_count(t.roots()[0]), 3);
    }

    // 1 ← 2 ← … ← 200,000: as deep as it gets, with no recursion anywhere.
    #[test]
    fn a_very_deep_chain_builds_iteratively() {
        let n = 200_000u64;
        let spans: Vec<(u64, u64, i64)> = (1..=n).map(|i| (i, i - 1, i as i64)).collect();
        let t = build(&spans);
        assert_eq!(t.depth(), n as u32);
        assert_eq!(t.subtree_end(t.roots()[0]).0, n as u32);
    }

    #[test]
    fn rollback_forgets_a_failed_file_and_keeps_the_rest() {
        let mut b = builder(&[(1, 0, 0), (2, 1, 1)]);
        let cp = b.checkpoint();
        let r = b.add_resource("other", &[]);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("2"),
            span_id: SpanId::from_hex("9"),
            resource: r,
            ..SpanDraft::default()
        };
        b.add_span(&mut d);
        assert_eq!(b.span_count(), 3);
        b.rollback(cp);
        let traces = b.finish(&BuildOptions::default());
        assert_eq!(traces.len(), 1);
        assert_eq!(traces[0].len(), 2);
        assert_eq!(traces[0].services().len(), 1);
    }

    // A span merged from parts keeps its place and source warnings; its repairs are judged again.
    #[test]
    fn replace_span_keeps_the_place_and_judges_repairs_again() {
        let mut b = builder(&[(1, 0, 100)]);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("1"),
            span_id: SpanId::from_hex("2"),
            parent_id: SpanId::from_hex("1"),
            start: Some(TimestampNs(110)),
            source_warnings: vec!["from the source".into()],
            ..SpanDraft::default()
        };
        b.add_span(&mut d);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("1"),
            span_id: SpanId::from_hex("3"),
            parent_id: SpanId::from_hex("1"),
            start: Some(TimestampNs(120)),
            duration: Some(DurationNs(5)),
            ..SpanDraft::default()
        };
        b.add_span(&mut d);
        let mut whole = b.draft_at(1).unwrap();
        assert_eq!((whole.start, whole.duration), (Some(TimestampNs(110)), None));
        whole.duration = Some(DurationNs(7));
        b.replace_span(1, &mut whole);
        assert_eq!(b.span_count(), 3);
        let traces = b.finish(&BuildOptions::default());
        let t = &traces[0];
        let s = t.spans().find(|&s| t.span_id(s) == SpanId::from_hex("2").unwrap()).unwrap();
        assert_eq!(t.duration_of(s), DurationNs(7));
        assert_eq!(t.span_warnings(s).collect::<Vec<_>>(), [&SpanWarning::Source("from the source".into())]);
        let other = t.spans().find(|&s| t.span_id(s) == SpanId::from_hex("3").unwrap()).unwrap();
        assert_eq!((t.start_of(other), t.duration_of(other)), (TimestampNs(120), DurationNs(5)));
        assert_eq!(t.span_warnings(other).count(), 0);
    }

    // A missing start takes the parent's; a negative duration becomes zero; both are flagged.
    #[test]
    fn missing_and_negative_times_are_repaired_and_flagged() {
        let mut b = builder(&[(1, 0, 100)]);
        let mut d = SpanDraft {
            trace_id: TraceId::from_hex("1"),
            span_id: SpanId::from_hex("2"),
            parent_id: SpanId::from_hex("1"),
            duration: Some(DurationNs(-7)),
            ..SpanDraft::default()
        };
        b.add_span(&mut d);
        let t = b.finish(&BuildOptions::default()).remove(0);
        let child = SpanIdx(1);
        assert_eq!(t.start_of(child), TimestampNs(100));
        assert_eq!(t.duration_of(child), DurationNs(0));
        let ws: Vec<&SpanWarning> = t.span_warnings(child).collect();
        assert!(ws.contains(&&SpanWarning::MissingStart) && ws.contains(&&SpanWarning::NegativeDuration), "{ws:?}");
    }

    #[test]
    fn skew_centres_a_child_that_does_not_fit() {
        assert_eq!(skew(100, 50, 120, 10), 0); // fits
        assert_eq!(skew(100, 50, 0, 10), 120); // early: centred at 100 + (50 - 10) / 2
        assert_eq!(skew(100, 10, 0, 50), 100); // longer than its parent: aligned to the start
    }
}
