//! Analysis over a built trace. Everything here is linear (or n log n) and iterative.
//!
//! - [`self_times`]: per span, the time not covered by any of its children (children clipped to the span).

use crate::time::DurationNs;
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
}
