//! Test helpers shared by the unit tests: small traces written as (id, parent, start, duration) tuples, with
//! ids as small integers (0 = no parent) and times in nanoseconds.

use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
use crate::ids::{SpanId, TraceId};
use crate::time::{DurationNs, TimestampNs};
use crate::trace::Trace;

/// A builder holding these spans (trace 1, one service `svc`, names `op<id>`).
pub fn builder(spans: &[(u64, u64, i64, i64)]) -> TraceSetBuilder {
    let mut b = TraceSetBuilder::new();
    let r = b.add_resource("svc", &[]);
    let mut d = SpanDraft::default();
    for &(id, parent, start, duration) in spans {
        d.trace_id = TraceId::from_hex("1");
        d.span_id = SpanId::from_hex(&format!("{id:x}"));
        d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
        d.name = b.intern(&format!("op{id}"));
        d.resource = r;
        d.start = Some(TimestampNs(start));
        d.duration = Some(DurationNs(duration));
        b.add_span(&mut d);
    }
    b
}

/// The built trace of these spans.
pub fn trace(spans: &[(u64, u64, i64, i64)]) -> Trace {
    builder(spans).finish(&BuildOptions::default()).remove(0)
}
