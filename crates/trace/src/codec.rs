//! A compact binary encoding of built traces, so a Web Worker can import a file and post the result to the page
//! (two wasm instances share no memory; an `ArrayBuffer` is what crosses). [`traces_to_bytes`] writes,
//! [`traces_from_bytes`] reads back exactly the same [`Trace`]s; [`traces_from_source`] too, copying the bytes a
//! window at a time from where they are (the page's `Uint8Array`), so they are never all in wasm memory.
//!
//! Layout (all integers little-endian, counts `u32`):
//!
//! ```text
//! magic "SPSCODEC", version u32
//! arenas:            count, then per arena: strings (ends count, ends u32[], text count, UTF-8 text), blobs
//!                    (count, bytes), then attributes (the count of nested values, arrays and key-value lists,
//!                    then count + fixed-size rows: payload u64, key u32, tag u8), then count + fixed-size rows for
//!                    events, links, resources and scopes
//! service tables:    count, then per table: count, StrId u32[]
//! service_of_resource tables: count, then per table: count, u32[]
//! traces:            count, then per trace: arena / services / service_of_resource table indices, id, raw id,
//!                    start, end, max depth, error count, span count n, then one array of n values per span
//!                    column, roots, services, warnings, dropped counts and raw span ids
//! ```
//!
//! The traces of one import share one [`Arena`] and one pair of service tables through `Arc`s; each distinct
//! `Arc` (by pointer) is written once and shared again after decoding, so a decoded import takes the same memory
//! as the original (and the encoding is about that size: columns are written as they are held).
//!
//! Decoding trusts nothing: every count is checked against the bytes left before anything is allocated, every
//! enum byte is validated, and every index a [`Trace`] accessor uses without checking (string ids, attribute,
//! event and link ranges, resources, scopes, parents, subtree ends, depths, roots) is checked to point inside its
//! arena or column, so a decoded trace upholds the invariants of a built one. Nested attribute values must come
//! before their container (as the builder lays them out) and nest at most [`MAX_VALUE_DEPTH`] deep, so no value
//! is its own element and rendering one cannot overflow the stack. Garbage gives a [`CodecError`], never a
//! panic.

use crate::ids::{SpanId, TraceId};
use crate::intern::{StrId, Strings};
use crate::pause::{run_ready, NoPause, Pause};
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{
    Arena, DroppedCounts, Event, Link, LinkKind, Resource, Scope, SpanColumns, SpanIdx, SpanKind, SpanWarning,
    StatusCode, Trace, NO_PARENT,
};
use crate::value::{Attribute, Range32, ValueTag};
use std::collections::HashMap;
use std::num::NonZeroU64;
use std::sync::Arc;

/// The first bytes of every encoding.
pub const MAGIC: [u8; 8] = *b"SPSCODEC";
/// The format version this build writes and reads.
pub const VERSION: u32 = 2;
/// How deeply attribute values (arrays, key-value lists) may nest in a decoded arena.
pub const MAX_VALUE_DEPTH: u8 = 128;

/// Why bytes are not an encoding of traces.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("not a spanscope trace encoding (bad magic)")]
    BadMagic,
    #[error("unsupported trace encoding version {found} (this build reads version {VERSION})")]
    UnsupportedVersion { found: u32 },
    #[error("trace encoding truncated at offset {offset}: {needed} more bytes needed")]
    Truncated { offset: usize, needed: usize },
    #[error("invalid {what} at offset {offset} of the trace encoding")]
    Invalid { offset: usize, what: &'static str },
}

fn invalid(offset: usize, what: &'static str) -> CodecError {
    CodecError::Invalid { offset, what }
}

// Fixed sizes of the rows and per-span columns.
const ATTR_BYTES: usize = 13;
const EVENT_BYTES: usize = 24;
const LINK_BYTES: usize = 42;
const RESOURCE_BYTES: usize = 12;
const SCOPE_BYTES: usize = 16;
/// Sum of the widths of the span columns.
const SPAN_BYTES: usize = 8 + 8 + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 1 + 4 + 8 + 8 + 8 + 8 + 8 + 4 + 4;
/// Smallest possible encodings, to bound counts before allocating.
const MIN_ARENA_BYTES: usize = 4 * 8;
const MIN_TRACE_BYTES: usize = 12 + 17 + 1 + 24 + 4 * 6;
const MIN_WARNING_BYTES: usize = 5;

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/// Encodes traces (typically all traces of one import). Never fails; see the module docs for the layout.
pub fn traces_to_bytes(traces: &[Trace]) -> Vec<u8> {
    let mut arenas = Distinct::default();
    let mut services = Distinct::default();
    let mut service_of_resource = Distinct::default();
    let refs: Vec<[u32; 3]> = traces
        .iter()
        .map(|t| {
            [arenas.index(&t.arena), services.index(&t.services), service_of_resource.index(&t.service_of_resource)]
        })
        .collect();

    let estimate = arenas.items.iter().map(|a| a.heap_bytes()).sum::<usize>()
        + traces.iter().map(|t| t.len() * SPAN_BYTES + 256).sum::<usize>();
    let mut w = Writer { out: Vec::with_capacity(estimate + 64) };
    w.out.extend_from_slice(&MAGIC);
    w.u32(VERSION);
    w.len(arenas.items.len());
    for a in &arenas.items {
        write_arena(&mut w, a);
    }
    w.len(services.items.len());
    for s in &services.items {
        w.len(s.len());
        w.col(s, |x| x.0.to_le_bytes());
    }
    w.len(service_of_resource.items.len());
    for s in &service_of_resource.items {
        w.len(s.len());
        w.col(s, |x| x.to_le_bytes());
    }
    w.len(traces.len());
    for (t, r) in traces.iter().zip(&refs) {
        write_trace(&mut w, t, *r);
    }
    w.out
}

/// Distinct `Arc`s by pointer, in first-seen order.
struct Distinct<'a, T> {
    items: Vec<&'a T>,
    index: HashMap<usize, u32>,
}

impl<T> Default for Distinct<'_, T> {
    fn default() -> Self {
        Distinct { items: Vec::new(), index: HashMap::new() }
    }
}

impl<'a, T> Distinct<'a, T> {
    fn index(&mut self, a: &'a Arc<T>) -> u32 {
        let next = self.items.len() as u32;
        let k = *self.index.entry(Arc::as_ptr(a) as usize).or_insert(next);
        if k == next {
            self.items.push(a);
        }
        k
    }
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    /// A count. Every count in a trace fits `u32` (indices are `u32`).
    fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).expect("trace model counts fit u32"));
    }
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.out.extend_from_slice(s.as_bytes());
    }
    /// One fixed-size row per element (no count), written in place.
    fn col<T, const N: usize>(&mut self, xs: &[T], f: impl Fn(&T) -> [u8; N]) {
        let from = self.out.len();
        self.out.resize(from + xs.len() * N, 0);
        for (dst, x) in self.out[from..].as_chunks_mut::<N>().0.iter_mut().zip(xs) {
            *dst = f(x);
        }
    }
}

/// Builds a fixed-size row field by field.
struct Row<const N: usize> {
    bytes: [u8; N],
    at: usize,
}

impl<const N: usize> Row<N> {
    fn new() -> Self {
        Row { bytes: [0; N], at: 0 }
    }
    fn put<const K: usize>(mut self, field: [u8; K]) -> Self {
        if let Some(dst) = self.bytes.get_mut(self.at..self.at + K) {
            dst.copy_from_slice(&field);
        }
        self.at += K;
        self
    }
    fn done(self) -> [u8; N] {
        debug_assert_eq!(self.at, N, "row fields fill the row");
        self.bytes
    }
}

fn range_bytes(r: &Range32) -> [u8; 8] {
    (((r.len as u64) << 32) | r.start as u64).to_le_bytes()
}

fn write_arena(w: &mut Writer, a: &Arena) {
    let (text, ends) = a.strings.parts();
    w.len(ends.len());
    w.col(ends, |e| e.to_le_bytes());
    w.str(text);
    w.len(a.blobs.len());
    w.out.extend_from_slice(&a.blobs);
    let nested = a.attrs.iter().filter(|x| matches!(x.raw_parts().1, ValueTag::Array | ValueTag::KvList)).count();
    w.len(nested);
    w.len(a.attrs.len());
    w.col(&a.attrs, |x| {
        let (key, tag, payload) = x.raw_parts();
        Row::<ATTR_BYTES>::new().put(payload.to_le_bytes()).put(key.0.to_le_bytes()).put([tag as u8]).done()
    });
    w.len(a.events.len());
    w.col(&a.events, |e| {
        Row::<EVENT_BYTES>::new()
            .put(e.time.0.to_le_bytes())
            .put(e.name.0.to_le_bytes())
            .put(range_bytes(&e.attrs))
            .put(e.dropped_attributes_count.to_le_bytes())
            .done()
    });
    w.len(a.links.len());
    w.col(&a.links, |l| {
        Row::<LINK_BYTES>::new()
            .put([link_kind_byte(l.kind), l.trace_id.wide as u8])
            .put(l.trace_id.value.to_le_bytes())
            .put(l.span_id.get().to_le_bytes())
            .put(l.trace_state.0.to_le_bytes())
            .put(range_bytes(&l.attrs))
            .put(l.dropped_attributes_count.to_le_bytes())
            .done()
    });
    w.len(a.resources.len());
    w.col(&a.resources, |r| {
        Row::<RESOURCE_BYTES>::new().put(r.service.0.to_le_bytes()).put(range_bytes(&r.attrs)).done()
    });
    w.len(a.scopes.len());
    w.col(&a.scopes, |s| {
        Row::<SCOPE_BYTES>::new()
            .put(s.name.0.to_le_bytes())
            .put(s.version.0.to_le_bytes())
            .put(range_bytes(&s.attrs))
            .done()
    });
}

fn write_trace(w: &mut Writer, t: &Trace, refs: [u32; 3]) {
    for r in refs {
        w.u32(r);
    }
    w.out.extend_from_slice(&t.id.value.to_le_bytes());
    w.u8(t.id.wide as u8);
    match &t.raw_trace_id {
        Some(s) => {
            w.u8(1);
            w.str(s);
        }
        None => w.u8(0),
    }
    w.i64(t.start.0);
    w.i64(t.end.0);
    w.u32(t.max_depth);
    w.u32(t.error_count);

    let c = &t.spans;
    w.len(c.span_id.len());
    w.col(&c.span_id, |x| x.get().to_le_bytes());
    w.col(&c.parent_id, |x| x.map_or(0, SpanId::get).to_le_bytes());
    w.col(&c.parent, |x| x.to_le_bytes());
    w.col(&c.subtree_end, |x| x.to_le_bytes());
    w.col(&c.depth, |x| x.to_le_bytes());
    w.col(&c.name, |x| x.0.to_le_bytes());
    w.col(&c.resource, |x| x.to_le_bytes());
    w.col(&c.scope, |x| x.to_le_bytes());
    w.col(&c.kind, |x| [*x as u8]);
    w.col(&c.status, |x| [*x as u8]);
    w.col(&c.status_message, |x| x.0.to_le_bytes());
    w.col(&c.start, |x| x.0.to_le_bytes());
    w.col(&c.duration, |x| x.0.to_le_bytes());
    w.col(&c.attrs, range_bytes);
    w.col(&c.events, range_bytes);
    w.col(&c.links, range_bytes);
    w.col(&c.flags, |x| x.to_le_bytes());
    w.col(&c.trace_state, |x| x.0.to_le_bytes());

    w.len(t.roots.len());
    w.col(&t.roots, |x| x.0.to_le_bytes());
    w.len(t.trace_services.len());
    w.col(&t.trace_services, |x| x.to_le_bytes());
    w.len(t.warnings.len());
    for (s, warning) in &t.warnings {
        w.u32(s.0);
        match warning {
            SpanWarning::MissingParent(id) => {
                w.u8(0);
                w.u64(id.get());
            }
            SpanWarning::SelfParent => w.u8(1),
            SpanWarning::DuplicateId => w.u8(2),
            SpanWarning::CycleBroken(id) => {
                w.u8(3);
                w.u64(id.get());
            }
            SpanWarning::SkewAdjusted(d) => {
                w.u8(4);
                w.i64(d.0);
            }
            SpanWarning::MissingStart => w.u8(5),
            SpanWarning::MissingDuration => w.u8(6),
            SpanWarning::NegativeDuration => w.u8(7),
            SpanWarning::Source(text) => {
                w.u8(8);
                w.str(text);
            }
            SpanWarning::TimeOutOfRange => w.u8(9),
        }
    }
    w.len(t.dropped.len());
    w.col(&t.dropped, |(s, d)| {
        Row::<16>::new()
            .put(s.0.to_le_bytes())
            .put(d.attributes.to_le_bytes())
            .put(d.events.to_le_bytes())
            .put(d.links.to_le_bytes())
            .done()
    });
    w.len(t.raw_span_ids.len());
    w.col(&t.raw_span_ids, |(s, id)| Row::<8>::new().put(s.0.to_le_bytes()).put(id.0.to_le_bytes()).done());
}

fn link_kind_byte(k: LinkKind) -> u8 {
    match k {
        LinkKind::ChildOf => 0,
        LinkKind::FollowsFrom => 1,
        LinkKind::Link => 2,
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/// Decodes what [`traces_to_bytes`] wrote. Traces that shared an arena or service table share it again.
pub fn traces_from_bytes(bytes: &[u8]) -> Result<Vec<Trace>, CodecError> {
    run_ready(read_traces(Reader::new(Src::Memory(bytes), bytes.len()), &mut NoPause))
}

/// Bytes the decoder copies from as it goes, rather than reading them in place: the page's copy of the worker's
/// answer stays in JavaScript (`Uint8Array`), and only a window of it is in wasm memory at a time, so decoding
/// does not first copy the whole answer (211 MB at 1M spans) into memory that wasm never gives back.
pub trait ByteSource {
    /// The number of bytes.
    fn len_bytes(&self) -> usize;
    /// Copies the bytes from `at` on into `out` (`at + out.len()` is at most [`ByteSource::len_bytes`]).
    fn copy_to(&self, at: usize, out: &mut [u8]);
}

/// [`traces_from_bytes`] over a [`ByteSource`]: the same checks, the same result.
pub fn traces_from_source(src: &dyn ByteSource) -> Result<Vec<Trace>, CodecError> {
    run_ready(read_traces(Reader::new(Src::Copied(src), src.len_bytes()), &mut NoPause))
}

/// [`traces_from_source`], stopping between columns where `pause` says to: the page's decode of a 1M-span answer
/// takes a few hundred milliseconds, and stopping lets the browser paint and answer input meanwhile.
pub async fn traces_from_source_pausing(
    src: &dyn ByteSource,
    pause: &mut impl Pause,
) -> Result<Vec<Trace>, CodecError> {
    read_traces(Reader::new(Src::Copied(src), src.len_bytes()), pause).await
}

async fn read_traces(mut r: Reader<'_>, pause: &mut impl Pause) -> Result<Vec<Trace>, CodecError> {
    if r.len < MAGIC.len() {
        let head = r.take(r.len)?;
        return Err(if MAGIC.starts_with(head) {
            CodecError::Truncated { offset: head.len(), needed: MAGIC.len() - head.len() }
        } else {
            CodecError::BadMagic
        });
    }
    if r.take(MAGIC.len())? != MAGIC {
        return Err(CodecError::BadMagic);
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(CodecError::UnsupportedVersion { found: version });
    }

    let n = r.count(MIN_ARENA_BYTES)?;
    let mut arenas = Vec::with_capacity(n);
    for _ in 0..n {
        arenas.push(Arc::new(read_arena(&mut r, pause).await?));
        pause.pause(r.pos).await;
    }
    // Each table with the largest value in it (checked against the arena / services a trace pairs it with).
    let n = r.count(4)?;
    let mut services: Vec<(Arc<Vec<StrId>>, Option<u32>)> = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count(4)?;
        let v: Vec<StrId> = r.rows::<4>(len)?.iter().map(|c| StrId(u32::from_le_bytes(*c))).collect();
        let max = v.iter().map(|s| s.0).max();
        services.push((Arc::new(v), max));
    }
    let n = r.count(4)?;
    let mut service_of_resource: Vec<(Arc<Vec<u32>>, Option<u32>)> = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count(4)?;
        let v: Vec<u32> = r.rows::<4>(len)?.iter().map(|c| u32::from_le_bytes(*c)).collect();
        let max = v.iter().copied().max();
        service_of_resource.push((Arc::new(v), max));
    }

    let n = r.count(MIN_TRACE_BYTES)?;
    let mut traces = Vec::with_capacity(n);
    for _ in 0..n {
        traces.push(read_trace(&mut r, &arenas, &services, &service_of_resource, pause).await?);
        pause.pause(r.pos).await;
    }
    if r.pos != r.len {
        return Err(invalid(r.pos, "trailing bytes after the last trace"));
    }
    Ok(traces)
}

/// Where a [`Reader`] reads.
enum Src<'a> {
    /// In place.
    Memory(&'a [u8]),
    /// Copied into the reader's window, a piece at a time.
    Copied(&'a dyn ByteSource),
}

/// Bytes a [`Src::Copied`] reader copies at least at a time: small reads (counts, ids, short strings) come from
/// one copy instead of one call each.
const WINDOW_BYTES: usize = 64 * 1024;

struct Reader<'a> {
    src: Src<'a>,
    len: usize,
    pos: usize,
    /// A copied source's bytes `window_at..window_at + window_len`, at the start of a buffer that is reused (and
    /// never shrinks, so it is filled with zeros once: it grows to the largest column read).
    window: Vec<u8>,
    window_at: usize,
    window_len: usize,
}

impl<'a> Reader<'a> {
    fn new(src: Src<'a>, len: usize) -> Reader<'a> {
        Reader { src, len, pos: 0, window: Vec::new(), window_at: 0, window_len: 0 }
    }

    /// The next `n` bytes (valid until the next read).
    fn take(&mut self, n: usize) -> Result<&[u8], CodecError> {
        let left = self.len - self.pos;
        if n > left {
            return Err(CodecError::Truncated { offset: self.pos, needed: n - left });
        }
        let at = self.pos;
        self.pos += n;
        match self.src {
            Src::Memory(bytes) => Ok(&bytes[at..at + n]),
            Src::Copied(src) => {
                let have = at >= self.window_at && at + n <= self.window_at + self.window_len;
                if !have {
                    let want = n.max(WINDOW_BYTES).min(self.len - at);
                    if self.window.len() < want {
                        self.window.resize(want, 0);
                    }
                    src.copy_to(at, &mut self.window[..want]);
                    (self.window_at, self.window_len) = (at, want);
                }
                let from = at - self.window_at;
                Ok(&self.window[from..from + n])
            }
        }
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let s = self.take(N)?;
        Ok(s.try_into().unwrap_or([0; N]))
    }

    fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, CodecError> {
        self.array().map(u32::from_le_bytes)
    }

    fn i64(&mut self) -> Result<i64, CodecError> {
        self.array().map(i64::from_le_bytes)
    }

    fn bool(&mut self, what: &'static str) -> Result<bool, CodecError> {
        let at = self.pos;
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(invalid(at, what)),
        }
    }

    /// A count of items of at least `min_bytes` each, checked against the bytes left (so allocating `count`
    /// items is bounded by the input's size).
    fn count(&mut self, min_bytes: usize) -> Result<usize, CodecError> {
        let n = self.u32()? as usize;
        let left = self.len - self.pos;
        match n.checked_mul(min_bytes) {
            Some(need) if need <= left => Ok(n),
            Some(need) => Err(CodecError::Truncated { offset: self.pos, needed: need - left }),
            None => Err(CodecError::Truncated { offset: self.pos, needed: usize::MAX }),
        }
    }

    /// `n` rows of `N` bytes.
    fn rows<const N: usize>(&mut self, n: usize) -> Result<&[[u8; N]], CodecError> {
        let at = self.pos;
        let total = n.checked_mul(N).ok_or(CodecError::Truncated { offset: at, needed: usize::MAX })?;
        Ok(self.take(total)?.as_chunks::<N>().0)
    }

    fn string(&mut self) -> Result<String, CodecError> {
        let n = self.count(1)?;
        let at = self.pos;
        let s = std::str::from_utf8(self.take(n)?).map_err(|_| invalid(at, "text (not UTF-8)"))?;
        Ok(s.to_owned())
    }
}

/// Little-endian fields of a row at fixed offsets (no panics: a field past the row reads as zero).
fn field<const K: usize>(row: &[u8], at: usize) -> [u8; K] {
    row.get(at..at + K).and_then(|s| s.try_into().ok()).unwrap_or([0; K])
}
fn u32_at(row: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(field(row, at))
}
fn u64_at(row: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(field(row, at))
}
fn range_at(row: &[u8], at: usize) -> Range32 {
    let p = u64_at(row, at);
    Range32 { start: p as u32, len: (p >> 32) as u32 }
}

/// Whether every range lies inside `0..limit` (no overflow: sums in u64).
fn ranges_within(ranges: impl Iterator<Item = Range32>, limit: usize) -> bool {
    ranges.fold(true, |ok, r| ok & (r.start as u64 + r.len as u64 <= limit as u64))
}

/// Whether every value is below `limit`.
fn all_below(values: impl Iterator<Item = u32>, limit: usize) -> bool {
    values.fold(true, |ok, v| ok & ((v as usize) < limit))
}

async fn read_arena(r: &mut Reader<'_>, pause: &mut impl Pause) -> Result<Arena, CodecError> {
    let at = r.pos;
    let n = r.count(4)?;
    let ends: Vec<u32> = r.rows::<4>(n)?.iter().map(|c| u32::from_le_bytes(*c)).collect();
    let text = r.string()?;
    let strings = Strings::from_parts(text, ends).ok_or(invalid(at, "string table"))?;
    let n_strings = strings.len();
    pause.pause(r.pos).await;

    let n = r.count(1)?;
    let blobs = r.take(n)?.to_vec();

    let attrs = read_attrs(r, n_strings, blobs.len(), pause).await?;
    let n_attrs = attrs.len();
    pause.pause(r.pos).await;

    let n = r.count(EVENT_BYTES)?;
    let at = r.pos;
    let rows = r.rows::<EVENT_BYTES>(n)?;
    let events: Vec<Event> = rows
        .iter()
        .map(|row| Event {
            time: TimestampNs(u64_at(row, 0) as i64),
            name: StrId(u32_at(row, 8)),
            attrs: range_at(row, 12),
            dropped_attributes_count: u32_at(row, 20),
        })
        .collect();
    if !all_below(events.iter().map(|e| e.name.0), n_strings) || !ranges_within(events.iter().map(|e| e.attrs), n_attrs)
    {
        return Err(invalid(at, "event (name or attribute range)"));
    }
    pause.pause(r.pos).await;

    let n = r.count(LINK_BYTES)?;
    let at = r.pos;
    let rows = r.rows::<LINK_BYTES>(n)?;
    let valid = rows.iter().fold(true, |ok, row| ok & (row[0] <= 2) & (row[1] <= 1) & (u64_at(row, 18) != 0));
    if !valid {
        return Err(invalid(at, "link (kind, trace id width or zero span id)"));
    }
    let links: Vec<Link> = rows
        .iter()
        .map(|row| Link {
            kind: match row[0] {
                0 => LinkKind::ChildOf,
                1 => LinkKind::FollowsFrom,
                _ => LinkKind::Link,
            },
            trace_id: TraceId { value: u128::from_le_bytes(field(row, 2)), wide: row[1] == 1 },
            span_id: SpanId(NonZeroU64::new(u64_at(row, 18)).unwrap_or(NonZeroU64::MIN)),
            trace_state: StrId(u32_at(row, 26)),
            attrs: range_at(row, 30),
            dropped_attributes_count: u32_at(row, 38),
        })
        .collect();
    if !all_below(links.iter().map(|l| l.trace_state.0), n_strings)
        || !ranges_within(links.iter().map(|l| l.attrs), n_attrs)
    {
        return Err(invalid(at, "link (trace state or attribute range)"));
    }

    let n = r.count(RESOURCE_BYTES)?;
    let at = r.pos;
    let resources: Vec<Resource> = r
        .rows::<RESOURCE_BYTES>(n)?
        .iter()
        .map(|row| Resource { service: StrId(u32_at(row, 0)), attrs: range_at(row, 4) })
        .collect();
    if !all_below(resources.iter().map(|x| x.service.0), n_strings)
        || !ranges_within(resources.iter().map(|x| x.attrs), n_attrs)
    {
        return Err(invalid(at, "resource (service or attribute range)"));
    }

    let n = r.count(SCOPE_BYTES)?;
    let at = r.pos;
    let scopes: Vec<Scope> = r
        .rows::<SCOPE_BYTES>(n)?
        .iter()
        .map(|row| Scope { name: StrId(u32_at(row, 0)), version: StrId(u32_at(row, 4)), attrs: range_at(row, 8) })
        .collect();
    if !all_below(scopes.iter().flat_map(|x| [x.name.0, x.version.0]), n_strings)
        || !ranges_within(scopes.iter().map(|x| x.attrs), n_attrs)
    {
        return Err(invalid(at, "scope (name, version or attribute range)"));
    }

    Ok(Arena { strings, attrs, blobs, events, links, resources, scopes })
}

/// Attribute rows are read this many at a time (3.4 MB), with a pause after each: the column is about half of an
/// answer (100 MB of 211 MB at 1M spans), and the page's window into the answer then never holds it whole.
pub const ATTR_CHUNK_ROWS: usize = 1 << 18;

/// The attribute column: the number of nested values (arrays and key-value lists), then the rows. Each attribute
/// is checked against its tag: strings interned, bytes inside the blobs, booleans 0 or 1, empty values 0, and
/// nested values before their container, as many as the column says, and at most [`MAX_VALUE_DEPTH`] deep.
async fn read_attrs(
    r: &mut Reader<'_>,
    n_strings: usize,
    n_blobs: usize,
    pause: &mut impl Pause,
) -> Result<Vec<Attribute>, CodecError> {
    let at_nested = r.pos;
    let n_nested = r.u32()? as usize;
    let n = r.count(ATTR_BYTES)?;
    if n_nested > n {
        return Err(invalid(at_nested, "count of nested attribute values"));
    }
    let mut nested = Nested { at: r.pos, depths: MaxTree::new(n_nested), containers: Vec::with_capacity(n_nested) };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let first = out.len();
        let rows = r.rows::<ATTR_BYTES>((n - first).min(ATTR_CHUNK_ROWS))?;
        read_attr_rows(rows, first, n_strings, n_blobs, &mut nested, &mut out)?;
        if out.len() < n {
            pause.pause(r.pos).await;
        }
    }
    if nested.containers.len() != n_nested {
        return Err(invalid(at_nested, "count of nested attribute values"));
    }
    Ok(out)
}

/// What reading the attribute column keeps from one chunk to the next about its nested values.
struct Nested {
    /// Offset of the first row.
    at: usize,
    /// Depth of each container, by container rank.
    depths: MaxTree,
    /// Positions of the containers, ascending.
    containers: Vec<u32>,
}

/// Reads attribute rows `first..first + rows.len()` of the column onto `out`.
fn read_attr_rows(
    rows: &[[u8; ATTR_BYTES]],
    first: usize,
    n_strings: usize,
    n_blobs: usize,
    nested: &mut Nested,
    out: &mut Vec<Attribute>,
) -> Result<(), CodecError> {
    let bad = |i: usize, what| invalid(nested.at + i * ATTR_BYTES, what);
    // Scalars are checked without branching on the tag (tags mix unpredictably); the first bad row is looked
    // for only when there is one. Containers, rare, take the branch.
    let mut any_bad = false;
    for (j, row) in rows.iter().enumerate() {
        let i = first + j;
        let (payload, key, tag) = (u64_at(row, 0), u32_at(row, 8), row[12]);
        let range = Range32::unpack(payload);
        let end = range.start as u64 + range.len as u64;
        any_bad |= scalar_bad(key, tag, payload, end, n_strings, n_blobs);
        let tag = ValueTag::from_u8(tag).unwrap_or(ValueTag::Empty);
        if matches!(tag, ValueTag::Array | ValueTag::KvList) {
            if end > i as u64 {
                return Err(bad(i, "nested value (elements must come before their container)"));
            }
            if nested.containers.len() == nested.depths.slots() {
                return Err(bad(i, "nested value (more than the column's count of them)"));
            }
            let from = nested.containers.partition_point(|&p| p < range.start);
            let to = nested.containers.partition_point(|&p| (p as u64) < end);
            let depth = nested.depths.max(from, to) + 1;
            if depth > MAX_VALUE_DEPTH {
                return Err(bad(i, "nested value (too deep)"));
            }
            nested.depths.set(nested.containers.len(), depth);
            nested.containers.push(i as u32);
        }
        out.push(Attribute::from_raw_parts(StrId(key), tag, payload));
    }
    if any_bad {
        let j = rows
            .iter()
            .position(|row| {
                let payload = u64_at(row, 0);
                let range = Range32::unpack(payload);
                scalar_bad(u32_at(row, 8), row[12], payload, range.start as u64 + range.len as u64, n_strings, n_blobs)
            })
            .unwrap_or(0);
        return Err(bad(first + j, "attribute (key, tag or value)"));
    }
    Ok(())
}

/// Whether an attribute row is bad apart from container ranges: its key is not a string id, its tag names no
/// value type, or its payload does not suit the tag (string ids, booleans 0 or 1, empty 0, bytes in the blobs).
fn scalar_bad(key: u32, tag: u8, payload: u64, end: u64, n_strings: usize, n_blobs: usize) -> bool {
    ((key as usize) >= n_strings)
        | (tag > ValueTag::Empty as u8)
        | ((tag == ValueTag::Str as u8) & (payload >= n_strings as u64))
        | ((tag == ValueTag::Bool as u8) & (payload > 1))
        | ((tag == ValueTag::Empty as u8) & (payload != 0))
        | ((tag == ValueTag::Bytes as u8) & (end > n_blobs as u64))
}

/// Range maximum over a fixed number of slots (a bottom-up segment tree), for value nesting depths.
struct MaxTree {
    slots: usize,
    size: usize,
    tree: Vec<u8>,
}

impl MaxTree {
    fn new(n: usize) -> MaxTree {
        let size = if n == 0 { 0 } else { n.next_power_of_two() };
        MaxTree { slots: n, size, tree: vec![0; 2 * size] }
    }

    fn slots(&self) -> usize {
        self.slots
    }

    fn set(&mut self, slot: usize, v: u8) {
        let mut i = slot + self.size;
        if i >= self.tree.len() {
            return;
        }
        self.tree[i] = v;
        while i > 1 {
            i /= 2;
            self.tree[i] = self.tree[2 * i].max(self.tree[2 * i + 1]);
        }
    }

    /// The largest value in slots `from..to`.
    fn max(&self, from: usize, to: usize) -> u8 {
        let (mut l, mut r) = (from + self.size, to.min(self.size) + self.size);
        let mut m = 0;
        let get = |i: usize| self.tree.get(i).copied().unwrap_or(0);
        while l < r {
            if l & 1 == 1 {
                m = m.max(get(l));
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                m = m.max(get(r));
            }
            l /= 2;
            r /= 2;
        }
        m
    }
}

type Table<T> = (Arc<Vec<T>>, Option<u32>);

async fn read_trace(
    r: &mut Reader<'_>,
    arenas: &[Arc<Arena>],
    services: &[Table<StrId>],
    service_of_resource: &[Table<u32>],
    pause: &mut impl Pause,
) -> Result<Trace, CodecError> {
    let at = r.pos;
    let arena = arenas.get(r.u32()? as usize).ok_or(invalid(at, "arena index"))?;
    let (services, max_service_name) = services.get(r.u32()? as usize).ok_or(invalid(at + 4, "services index"))?;
    let (service_of_resource, max_service) =
        service_of_resource.get(r.u32()? as usize).ok_or(invalid(at + 8, "service-of-resource index"))?;
    let n_strings = arena.strings.len();
    if max_service_name.is_some_and(|m| m as usize >= n_strings) {
        return Err(invalid(at + 4, "services table (not string ids of the arena)"));
    }
    if service_of_resource.len() != arena.resources.len() || max_service.is_some_and(|m| m as usize >= services.len()) {
        return Err(invalid(at + 8, "service-of-resource table (does not fit the arena and services)"));
    }

    let value = u128::from_le_bytes(r.array()?);
    let wide = r.bool("trace id width")?;
    let raw_trace_id = if r.bool("raw trace id flag")? { Some(r.string()?) } else { None };
    let summary_at = r.pos;
    let start = TimestampNs(r.i64()?);
    let end = TimestampNs(r.i64()?);
    let max_depth = r.u32()?;
    let error_count = r.u32()?;

    let n = r.count(SPAN_BYTES)?;
    let at = r.pos;
    let span_id_rows = r.rows::<8>(n)?;
    if !span_id_rows.iter().fold(true, |ok, c| ok & (u64::from_le_bytes(*c) != 0)) {
        return Err(invalid(at, "span id (zero)"));
    }
    let span_id: Vec<SpanId> = span_id_rows
        .iter()
        .map(|c| SpanId(NonZeroU64::new(u64::from_le_bytes(*c)).unwrap_or(NonZeroU64::MIN)))
        .collect();
    let parent_id: Vec<Option<SpanId>> =
        r.rows::<8>(n)?.iter().map(|c| NonZeroU64::new(u64::from_le_bytes(*c)).map(SpanId)).collect();
    pause.pause(r.pos).await;
    let u32s = |rows: &[[u8; 4]]| -> Vec<u32> { rows.iter().map(|c| u32::from_le_bytes(*c)).collect() };
    let str_ids = |rows: &[[u8; 4]]| -> Vec<StrId> { rows.iter().map(|c| StrId(u32::from_le_bytes(*c))).collect() };
    let ranges = |rows: &[[u8; 8]]| -> Vec<Range32> { rows.iter().map(|c| range_at(c, 0)).collect() };
    let tree_at = r.pos;
    let parent = u32s(r.rows(n)?);
    let subtree_end = u32s(r.rows(n)?);
    let depth = u32s(r.rows(n)?);
    pause.pause(r.pos).await;
    let at = r.pos;
    let name = str_ids(r.rows(n)?);
    if !all_below(name.iter().map(|s| s.0), n_strings) {
        return Err(invalid(at, "span name (not a string id)"));
    }
    let at = r.pos;
    let resource = u32s(r.rows(n)?);
    if !all_below(resource.iter().copied(), arena.resources.len()) {
        return Err(invalid(at, "span resource index"));
    }
    let at = r.pos;
    let scope = u32s(r.rows(n)?);
    if !all_below(scope.iter().copied(), arena.scopes.len()) {
        return Err(invalid(at, "span scope index"));
    }
    let at = r.pos;
    let bytes = r.take(n)?;
    if !bytes.iter().fold(true, |ok, &b| ok & (b <= SpanKind::Consumer as u8)) {
        return Err(invalid(at, "span kind"));
    }
    let kind: Vec<SpanKind> = bytes.iter().map(|&b| span_kind(b)).collect();
    let at = r.pos;
    let bytes = r.take(n)?;
    if !bytes.iter().fold(true, |ok, &b| ok & (b <= StatusCode::Error as u8)) {
        return Err(invalid(at, "span status"));
    }
    let status: Vec<StatusCode> = bytes.iter().map(|&b| status_code(b)).collect();
    pause.pause(r.pos).await;
    let at = r.pos;
    let status_message = str_ids(r.rows(n)?);
    if !all_below(status_message.iter().map(|s| s.0), n_strings) {
        return Err(invalid(at, "span status message (not a string id)"));
    }
    let start_col: Vec<TimestampNs> = r.rows::<8>(n)?.iter().map(|c| TimestampNs(i64::from_le_bytes(*c))).collect();
    let at = r.pos;
    let duration: Vec<DurationNs> = r.rows::<8>(n)?.iter().map(|c| DurationNs(i64::from_le_bytes(*c))).collect();
    if !duration.iter().fold(true, |ok, d| ok & (d.0 >= 0)) {
        return Err(invalid(at, "span duration (negative)"));
    }
    pause.pause(r.pos).await;
    let at = r.pos;
    let attrs = ranges(r.rows(n)?);
    if !ranges_within(attrs.iter().copied(), arena.attrs.len()) {
        return Err(invalid(at, "span attribute range"));
    }
    let at = r.pos;
    let events = ranges(r.rows(n)?);
    if !ranges_within(events.iter().copied(), arena.events.len()) {
        return Err(invalid(at, "span event range"));
    }
    let at = r.pos;
    let links = ranges(r.rows(n)?);
    if !ranges_within(links.iter().copied(), arena.links.len()) {
        return Err(invalid(at, "span link range"));
    }
    let flags = u32s(r.rows(n)?);
    let at = r.pos;
    let trace_state = str_ids(r.rows(n)?);
    if !all_below(trace_state.iter().map(|s| s.0), n_strings) {
        return Err(invalid(at, "span trace state (not a string id)"));
    }
    pause.pause(r.pos).await;
    check_tree(&parent, &subtree_end, &depth).map_err(|what| invalid(tree_at, what))?;
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for (s, d) in start_col.iter().zip(&duration) {
        lo = lo.min(s.0);
        hi = hi.max(s.0.saturating_add(d.0));
    }
    if n == 0 {
        (lo, hi) = (0, 0);
    }
    if (start.0, end.0) != (lo, hi) {
        return Err(invalid(summary_at, "trace start or end (not the spans' extent)"));
    }
    if max_depth != depth.iter().copied().max().unwrap_or(0)
        || error_count as usize != status.iter().filter(|&&s| s == StatusCode::Error).count()
    {
        return Err(invalid(summary_at + 16, "trace summary (max depth or error count)"));
    }

    let len = r.count(4)?;
    let at = r.pos;
    let roots: Vec<SpanIdx> = r.rows::<4>(len)?.iter().map(|c| SpanIdx(u32::from_le_bytes(*c))).collect();
    // The roots are exactly the spans without a parent, in order (which is their start order).
    let n_roots = parent.iter().filter(|&&p| p == NO_PARENT).count();
    let roots_ok = roots.len() == n_roots
        && roots.windows(2).all(|w| w[0] < w[1])
        && roots.iter().all(|s| parent.get(s.ix()) == Some(&NO_PARENT));
    if !roots_ok {
        return Err(invalid(at, "roots"));
    }
    let len = r.count(4)?;
    let at = r.pos;
    let trace_services = u32s(r.rows(len)?);
    if !all_below(trace_services.iter().copied(), services.len()) {
        return Err(invalid(at, "trace service index"));
    }

    let len = r.count(MIN_WARNING_BYTES)?;
    let mut warnings = Vec::with_capacity(len);
    for _ in 0..len {
        let at = r.pos;
        let s = r.u32()?;
        if s as usize >= n || warnings.last().is_some_and(|(prev, _): &(SpanIdx, _)| prev.0 > s) {
            return Err(invalid(at, "warning span (outside the trace or out of order)"));
        }
        let at = r.pos;
        let span = |r: &mut Reader<'_>| -> Result<SpanId, CodecError> {
            let at = r.pos;
            NonZeroU64::new(u64::from_le_bytes(r.array()?)).map(SpanId).ok_or(invalid(at, "warning span id (zero)"))
        };
        let w = match r.u8()? {
            0 => SpanWarning::MissingParent(span(r)?),
            1 => SpanWarning::SelfParent,
            2 => SpanWarning::DuplicateId,
            3 => SpanWarning::CycleBroken(span(r)?),
            4 => SpanWarning::SkewAdjusted(DurationNs(r.i64()?)),
            5 => SpanWarning::MissingStart,
            6 => SpanWarning::MissingDuration,
            7 => SpanWarning::NegativeDuration,
            8 => SpanWarning::Source(r.string()?),
            9 => SpanWarning::TimeOutOfRange,
            _ => return Err(invalid(at, "warning kind")),
        };
        warnings.push((SpanIdx(s), w));
    }

    let len = r.count(16)?;
    let at = r.pos;
    let dropped: Vec<(SpanIdx, DroppedCounts)> = r
        .rows::<16>(len)?
        .iter()
        .map(|row| {
            let counts = DroppedCounts { attributes: u32_at(row, 4), events: u32_at(row, 8), links: u32_at(row, 12) };
            (SpanIdx(u32_at(row, 0)), counts)
        })
        .collect();
    if !sparse_ok(dropped.iter().map(|(s, _)| *s), n) {
        return Err(invalid(at, "dropped counts (span outside the trace or out of order)"));
    }
    let len = r.count(8)?;
    let at = r.pos;
    let raw_span_ids: Vec<(SpanIdx, StrId)> =
        r.rows::<8>(len)?.iter().map(|row| (SpanIdx(u32_at(row, 0)), StrId(u32_at(row, 4)))).collect();
    if !sparse_ok(raw_span_ids.iter().map(|(s, _)| *s), n) || !all_below(raw_span_ids.iter().map(|x| x.1 .0), n_strings)
    {
        return Err(invalid(at, "raw span ids (span outside the trace, out of order, or not a string id)"));
    }

    Ok(Trace {
        id: TraceId { value, wide },
        arena: Arc::clone(arena),
        spans: SpanColumns {
            span_id,
            parent_id,
            parent,
            subtree_end,
            depth,
            name,
            resource,
            scope,
            kind,
            status,
            status_message,
            start: start_col,
            duration,
            attrs,
            events,
            links,
            flags,
            trace_state,
        },
        roots,
        service_of_resource: Arc::clone(service_of_resource),
        services: Arc::clone(services),
        trace_services,
        warnings,
        dropped,
        raw_span_ids,
        raw_trace_id,
        start,
        end,
        max_depth,
        error_count,
    })
}

/// Span positions strictly increasing and inside a trace of `n` spans (binary searches need both).
fn sparse_ok(spans: impl Iterator<Item = SpanIdx>, n: usize) -> bool {
    let mut prev: Option<u32> = None;
    for s in spans {
        if s.ix() >= n || prev.is_some_and(|p| p >= s.0) {
            return false;
        }
        prev = Some(s.0);
    }
    true
}

/// Checks that `parent`, `subtree_end` and `depth` describe a forest laid out in pre-order: each span's parent
/// is the innermost open subtree, its subtree ends after it and within its parent's, and its depth is the
/// number of open subtrees.
fn check_tree(parent: &[u32], subtree_end: &[u32], depth: &[u32]) -> Result<(), &'static str> {
    let n = parent.len();
    if subtree_end.len() != n || depth.len() != n {
        return Err("span tree (column lengths)");
    }
    let mut open: Vec<u32> = Vec::new();
    for i in 0..n {
        while let Some(&top) = open.last() {
            if subtree_end.get(top as usize).is_some_and(|&e| e as usize <= i) {
                open.pop();
            } else {
                break;
            }
        }
        let (expected, limit) = match open.last() {
            Some(&top) => (top, subtree_end.get(top as usize).map_or(n, |&e| e as usize)),
            None => (NO_PARENT, n),
        };
        let end = subtree_end[i] as usize;
        if parent[i] != expected {
            return Err("span parent (not the enclosing subtree)");
        }
        if end <= i || end > limit {
            return Err("span subtree end");
        }
        if depth[i] as usize != open.len() {
            return Err("span depth");
        }
        open.push(i as u32);
    }
    Ok(())
}

fn span_kind(b: u8) -> SpanKind {
    match b {
        1 => SpanKind::Internal,
        2 => SpanKind::Server,
        3 => SpanKind::Client,
        4 => SpanKind::Producer,
        5 => SpanKind::Consumer,
        _ => SpanKind::Unspecified,
    }
}

fn status_code(b: u8) -> StatusCode {
    match b {
        1 => StatusCode::Ok,
        2 => StatusCode::Error,
        _ => StatusCode::Unset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import;

    const SEVERAL: &str = r#"{"data":[
      {"traceID":"a1","spans":[{"traceID":"a1","spanID":"1","operationName":"x","startTime":1,"duration":5,"processID":"p1"}],
       "processes":{"p1":{"serviceName":"svc-a","tags":[]}}},
      {"traceID":"a2","spans":[{"traceID":"a2","spanID":"2","operationName":"y","startTime":2,"duration":5,"processID":"p1"}],
       "processes":{"p1":{"serviceName":"svc-b","tags":[]}}}]}"#;

    #[test]
    fn shared_tables_stay_shared() {
        let traces = import(SEVERAL.as_bytes()).unwrap();
        assert_eq!(traces.len(), 2);
        let bytes = traces_to_bytes(&traces);
        let back = traces_from_bytes(&bytes).unwrap();
        assert_eq!(back, traces);
        assert!(Arc::ptr_eq(&back[0].arena, &back[1].arena));
        assert!(Arc::ptr_eq(&back[0].services, &back[1].services));
        assert!(Arc::ptr_eq(&back[0].service_of_resource, &back[1].service_of_resource));
        // Traces of two imports: two arenas, each written once.
        let other = import(SEVERAL.as_bytes()).unwrap();
        let mixed = [traces[0].clone(), other[0].clone(), traces[1].clone()];
        let back = traces_from_bytes(&traces_to_bytes(&mixed)).unwrap();
        assert!(Arc::ptr_eq(&back[0].arena, &back[2].arena));
        assert!(!Arc::ptr_eq(&back[0].arena, &back[1].arena));
        assert!(Arc::ptr_eq(&back[0].services, &back[2].services));
        assert!(!Arc::ptr_eq(&back[0].services, &back[1].services));
    }

    #[test]
    fn max_tree_finds_range_maxima() {
        let mut t = MaxTree::new(5);
        for (i, v) in [3u8, 1, 4, 1, 5].into_iter().enumerate() {
            t.set(i, v);
        }
        assert_eq!(t.max(0, 5), 5);
        assert_eq!(t.max(0, 2), 3);
        assert_eq!(t.max(1, 4), 4);
        assert_eq!(t.max(3, 3), 0);
        assert_eq!(MaxTree::new(0).max(0, 0), 0);
    }

    /// The attribute column of `rows` (strings: one; blobs: none), read back; `nested` overrides its count of
    /// nested values.
    fn attrs_of(rows: &[[u8; ATTR_BYTES]], nested: Option<u32>) -> Result<Vec<Attribute>, CodecError> {
        let is_nested = |r: &&[u8; ATTR_BYTES]| r[12] == ValueTag::Array as u8 || r[12] == ValueTag::KvList as u8;
        let n_nested = nested.unwrap_or(rows.iter().filter(is_nested).count() as u32);
        let mut bytes = n_nested.to_le_bytes().to_vec();
        bytes.extend((rows.len() as u32).to_le_bytes());
        bytes.extend(rows.iter().flatten());
        let mut r = Reader::new(Src::Memory(&bytes), bytes.len());
        run_ready(read_attrs(&mut r, 1, 0, &mut NoPause))
    }

    #[test]
    fn nested_values_must_precede_their_container_and_be_counted() {
        let rows = |tag: ValueTag, range: Range32| {
            let mut row = [0u8; ATTR_BYTES];
            row[..8].copy_from_slice(&(((range.start as u64) << 32) | range.len as u64).to_le_bytes());
            row[12] = tag as u8;
            row
        };
        let ok = [rows(ValueTag::Int, Range32::default()), rows(ValueTag::Array, Range32 { start: 0, len: 1 })];
        assert!(attrs_of(&ok, None).is_ok());
        let cyclic = [rows(ValueTag::Array, Range32 { start: 0, len: 1 })];
        assert!(attrs_of(&cyclic, None).is_err());
        // A chain deeper than the limit.
        let deep: Vec<_> = (0..=MAX_VALUE_DEPTH as u32 + 1)
            .map(|i| {
                if i == 0 {
                    rows(ValueTag::Int, Range32::default())
                } else {
                    rows(ValueTag::KvList, Range32 { start: i - 1, len: 1 })
                }
            })
            .collect();
        assert!(attrs_of(&deep[..=MAX_VALUE_DEPTH as usize], None).is_ok());
        assert!(attrs_of(&deep, None).is_err());
        // The count of nested values must be theirs: fewer, more, or more than the rows are errors.
        let counted = |n| match attrs_of(&ok, Some(n)) {
            Err(CodecError::Invalid { what, .. }) => what,
            other => panic!("{n} nested values: {other:?}"),
        };
        assert_eq!(counted(0), "nested value (more than the column's count of them)");
        assert_eq!(counted(2), "count of nested attribute values");
        assert_eq!(counted(3), "count of nested attribute values");
    }
}
