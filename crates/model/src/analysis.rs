//! Analysis over a built trace. Everything here is linear (or n log n) and iterative.
//!
//! - [`self_times`]: per span, the time not covered by any of its children (children clipped to the span).
//! - [`critical_path`]: the chain of work that decided when the trace finished, as Jaeger UI computes it.

use crate::order;
use crate::spanset::SpanSet;
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{SpanIdx, Trace};

/// Self time of every span: its duration minus the union of its children's intervals, each clipped to the
/// span. O(n): children are already in start order, so one sweep per parent merges the intervals.
pub fn self_times(trace: &Trace) -> Vec<DurationNs> {
    let mut out = Vec::with_capacity(trace.len());
    for s in trace.spans() {
        out.push(self_time(trace, s));
    }
    out
}

/// Self time of one span (cost proportional to its child count).
pub fn self_time(trace: &Trace, s: SpanIdx) -> DurationNs {
    let lo = trace.start_of(s).0;
    let hi = trace.end_of(s).0;
    let mut covered = 0i64;
    let mut cur: Option<(i64, i64)> = None;
    for c in trace.children(s) {
        let a = trace.start_of(c).0.max(lo);
        let b = trace.end_of(c).0.min(hi);
        if b <= a {
            continue;
        }
        cur = match cur {
            Some((x, y)) if a <= y => Some((x, y.max(b))),
            Some((x, y)) => {
                covered += y - x;
                Some((a, b))
            }
            None => Some((a, b)),
        };
    }
    if let Some((x, y)) = cur {
        covered += y - x;
    }
    DurationNs((hi - lo - covered).max(0))
}

/// One stretch of a span's own time on the critical path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub span: SpanIdx,
    pub start: TimestampNs,
    pub end: TimestampNs,
}

/// The critical path: the spans on it and, per span, the stretches of its own time that are on it.
#[derive(Clone, Debug, Default)]
pub struct CriticalPath {
    pub spans: SpanSet,
    /// Sorted by span, then by start.
    pub segments: Vec<Segment>,
}

impl CriticalPath {
    /// The segments of one span (empty when it is not on the path).
    pub fn segments_of(&self, s: SpanIdx) -> &[Segment] {
        let lo = self.segments.partition_point(|g| g.span < s);
        let hi = self.segments.partition_point(|g| g.span <= s);
        &self.segments[lo..hi]
    }

    /// Time of span `s` on the path.
    pub fn time_of(&self, s: SpanIdx) -> DurationNs {
        DurationNs(self.segments_of(s).iter().fold(0i64, |t, g| t.saturating_add(g.end.since(g.start).0)))
    }
}

/// The critical path of each root's tree, with Jaeger UI's rule: starting at a span's end, walk back to its start;
/// at each point the child that finished last before that point (children clipped to their parent, children
/// entirely outside it ignored) is what the span was waiting for, so the path descends into it and resumes in the
/// parent at that child's start. Time between such children is the parent's own.
///
/// Iterative (an explicit stack, no recursion limit); O(n log n) for sorting each span's children by end time,
/// then one pass.
pub fn critical_path(trace: &Trace) -> CriticalPath {
    let n = trace.len();
    // Each span's interval clipped to its (clipped) parent; parents come first in pre-order.
    let mut lo = vec![0i64; n];
    let mut hi = vec![0i64; n];
    let mut inside = vec![true; n];
    for s in trace.spans() {
        let (a, b) = (trace.start_of(s).0, trace.end_of(s).0);
        match trace.parent(s) {
            Some(p) if inside[p.ix()] => {
                lo[s.ix()] = a.max(lo[p.ix()]);
                hi[s.ix()] = b.min(hi[p.ix()]);
                inside[s.ix()] = lo[s.ix()] <= hi[s.ix()] && a <= hi[p.ix()] && b >= lo[p.ix()];
            }
            Some(_) => inside[s.ix()] = false,
            None => {
                lo[s.ix()] = a;
                hi[s.ix()] = b;
            }
        }
    }
    // Children of each span (those inside it), latest clipped end first, in one flat array.
    let mut first_kid = Vec::with_capacity(n + 1);
    let mut kids: Vec<u32> = Vec::new();
    let mut scratch = Vec::new();
    for s in trace.spans() {
        first_kid.push(kids.len() as u32);
        let from = kids.len();
        kids.extend(trace.children(s).filter(|c| inside[c.ix()]).map(|c| c.0));
        // Latest end first, then latest start, ties in child order.
        let latest = |&x: &u32| (!order::i64_key(hi[x as usize]), !order::i64_key(lo[x as usize]));
        order::sort_by_key2_in(&mut kids[from..], &mut scratch, latest);
    }
    first_kid.push(kids.len() as u32);

    let mut path = CriticalPath { spans: SpanSet::with_len(n), segments: Vec::new() };
    // Stack frames: (span, cursor walking back from its end, next child to consider).
    let mut stack: Vec<(u32, i64, u32)> = Vec::new();
    for &root in trace.roots() {
        stack.push((root.0, hi[root.ix()], first_kid[root.ix()]));
        path.spans.insert(root);
        while let Some(top) = stack.last_mut() {
            let (s, cursor, mut k) = *top;
            let end_k = first_kid[s as usize + 1];
            while k < end_k && hi[kids[k as usize] as usize] > cursor {
                k += 1;
            }
            if k < end_k {
                let c = kids[k as usize];
                let c_end = hi[c as usize];
                if c_end < cursor {
                    path.segments.push(Segment {
                        span: SpanIdx(s),
                        start: TimestampNs(c_end),
                        end: TimestampNs(cursor),
                    });
                }
                *top = (s, lo[c as usize], k + 1);
                path.spans.insert(SpanIdx(c));
                stack.push((c, c_end, first_kid[c as usize]));
            } else {
                if cursor > lo[s as usize] {
                    path.segments.push(Segment {
                        span: SpanIdx(s),
                        start: TimestampNs(lo[s as usize]),
                        end: TimestampNs(cursor),
                    });
                }
                stack.pop();
            }
        }
    }
    order::sort_by_key2(&mut path.segments, |g| (u64::from(g.span.0), order::i64_key(g.start.0)));
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trace as tree;

    // 1 [0,100)
    // ├── 2 [10,40)
    // ├── 3 [30,50)   overlaps 2: union [10,50)
    // └── 4 [90,130)  clipped to [90,100)
    #[test]
    fn self_time_subtracts_the_union_of_clipped_children() {
        let t = tree(&[(1, 0, 0, 100), (2, 1, 10, 30), (3, 1, 30, 20), (4, 1, 90, 40)]);
        let st = self_times(&t);
        assert_eq!(st[0], DurationNs(100 - 40 - 10));
        assert_eq!(st[1], DurationNs(30));
    }

    fn segs(t: &Trace, cp: &CriticalPath, id: u64) -> Vec<(i64, i64)> {
        let s = t.find_span(crate::ids::SpanId::from_hex(&format!("{id:x}")).unwrap()).unwrap();
        cp.segments_of(s).iter().map(|g| (g.start.0, g.end.0)).collect()
    }

    // 1 [0,100)
    // ├── 2 [0,30)
    // │   └── 5 [5,20)
    // ├── 3 [20,60)     ends last before 100: on the path; 2 ends at 30 > 20, so not
    // ├── 4 [10,15)     ends before 3 starts: on the path
    // └── 6 [90,130)    clipped to [90,100): the last to finish
    #[test]
    fn critical_path_follows_the_last_finishing_child_back_to_the_start() {
        let t = tree(&[(1, 0, 0, 100), (2, 1, 0, 30), (5, 2, 5, 15), (3, 1, 20, 40), (4, 1, 10, 5), (6, 1, 90, 40)]);
        let cp = critical_path(&t);
        assert_eq!(segs(&t, &cp, 6), [(90, 100)]);
        assert_eq!(segs(&t, &cp, 1), [(0, 10), (15, 20), (60, 90)]);
        assert_eq!(segs(&t, &cp, 3), [(20, 60)]);
        assert_eq!(segs(&t, &cp, 4), [(10, 15)]);
        assert!(segs(&t, &cp, 2).is_empty() && segs(&t, &cp, 5).is_empty());
        assert_eq!(cp.spans.count(), 4);
        // The path covers the root's whole duration, once.
        let total: i64 = cp.segments.iter().map(|g| g.end.0 - g.start.0).sum();
        assert_eq!(total, 100);
        assert_eq!(cp.time_of(t.roots()[0]), DurationNs(45));
    }

    #[test]
    fn critical_path_of_a_very_deep_chain_needs_no_recursion() {
        let spans: Vec<(u64, u64, i64, i64)> = (1..=200_000u64).map(|i| (i, i - 1, i as i64, 1_000_000)).collect();
        let t = tree(&spans);
        let cp = critical_path(&t);
        assert_eq!(cp.spans.count(), 200_000);
    }
}
