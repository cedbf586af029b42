//! Building a trace again with other [`BuildOptions`], from the trace itself: how the UI switches clock-skew
//! adjustment on and off without keeping the original file.
//!
//! Which span is whose parent does not depend on the options, so the tree keeps its parents, its repairs and their
//! warnings (missing parent, duplicate id, cycle, self-parent), and the warnings given while reading the spans.
//! Only the layout is done again ([`crate::build::lay_out`]): the times the source recorded (each `SkewAdjusted`
//! shift undone, a start the source did not give left out again), children in start order, clock skew when
//! asked. The new trace shares the old one's arena (strings, attributes, events, links, resources) unless event
//! times move, when the arena is copied with its events shifted anew.

use crate::build::{host_key, lay_out, trace_from_tree, BuildOptions, TreeInput};
use crate::order;
use crate::time::TimestampNs;
use crate::trace::{Arena, SpanIdx, SpanWarning, Trace};
use std::sync::Arc;

/// The same trace built with `opts`. O(spans), plus a copy of the arena when event times change.
pub fn rebuild(trace: &Trace, opts: &BuildOptions) -> Trace {
    let n = trace.len();
    let cols = &trace.spans;
    let arena = &trace.arena;

    // Each span's old shift, start as recorded, and warnings other than the shift.
    let mut old_shift = vec![0i64; n];
    let mut start = cols.start.clone();
    let mut warnings: Vec<Vec<SpanWarning>> = vec![Vec::new(); n];
    for (s, w) in &trace.warnings {
        match w {
            SpanWarning::SkewAdjusted(delta) => old_shift[s.ix()] = delta.0,
            SpanWarning::MissingStart => {
                start[s.ix()] = TimestampNs(i64::MIN);
                warnings[s.ix()].push(w.clone());
            }
            _ => warnings[s.ix()].push(w.clone()),
        }
    }
    for (t, shift) in start.iter_mut().zip(&old_shift) {
        if t.0 != i64::MIN {
            t.0 = t.0.saturating_sub(*shift);
        }
    }
    // The old positions are the arrival order, and the parent column (`NO_PARENT` for a root) the parents.
    let ids: Vec<u32> = (0..n as u32).collect();
    let host_of_resource: Vec<_> = arena.resources.iter().map(|r| host_key(r, &arena.attrs, &arena.strings)).collect();
    let input = TreeInput { cols, start: &start, ids: &ids, host_of_resource: &host_of_resource, opts };
    let mut tb = lay_out(&input, cols.parent.clone(), warnings);

    // Side tables by position: old → new.
    let mut new_of_old = vec![0u32; n];
    for (new, &old) in tb.order.iter().enumerate() {
        new_of_old[old as usize] = new as u32;
    }
    let moved = |s: SpanIdx| SpanIdx(new_of_old[s.ix()]);
    tb.dropped = trace.dropped.iter().map(|&(s, d)| (moved(s), d)).collect();
    order::sort_by_key(&mut tb.dropped, |&(s, _)| u64::from(s.0));
    tb.raw_span_ids = trace.raw_span_ids.iter().map(|&(s, id)| (moved(s), id)).collect();
    order::sort_by_key(&mut tb.raw_span_ids, |&(s, _)| u64::from(s.0));

    // Event times: undo the old shifts and apply the new ones, on a copy of the arena if anything moves.
    let mut new_shift = vec![0i64; n];
    for (s, w) in &tb.warnings {
        if let SpanWarning::SkewAdjusted(delta) = w {
            new_shift[tb.order[s.ix()] as usize] = delta.0;
        }
    }
    let moves = |i: usize| old_shift[i] != new_shift[i] && cols.events[i].len != 0;
    let arena = if (0..n).any(moves) {
        let mut copy = Arena::clone(arena);
        for i in (0..n).filter(|&i| moves(i)) {
            for e in &mut copy.events[cols.events[i].range()] {
                e.time = TimestampNs(e.time.0.saturating_sub(old_shift[i]).saturating_add(new_shift[i]));
            }
        }
        Arc::new(copy)
    } else {
        Arc::clone(arena)
    };
    tb.event_shifts.clear();
    trace_from_tree(trace.id, trace.raw_trace_id.clone(), tb, &arena, &trace.services, &trace.service_of_resource)
}
