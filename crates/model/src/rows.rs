//! Row layout: which spans the waterfall shows, as a pure function of (trace, view state).
//!
//! Precondition: the trace is in pre-order, so a collapsed span's hidden descendants are exactly the range
//! `i+1..subtree_end(i)` and are skipped in one step. Building the rows costs O(visible rows), whatever the
//! size of what is collapsed.

use crate::trace::{SpanIdx, Trace};

/// The set of collapsed spans (a bit per span).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collapsed {
    bits: Vec<u64>,
}

impl Collapsed {
    /// Nothing collapsed.
    pub fn none(trace: &Trace) -> Self {
        Collapsed { bits: vec![0; trace.len().div_ceil(64)] }
    }

    pub fn contains(&self, s: SpanIdx) -> bool {
        self.bits.get(s.ix() / 64).is_some_and(|w| w & (1 << (s.ix() % 64)) != 0)
    }

    pub fn set(&mut self, s: SpanIdx, collapsed: bool) {
        if s.ix() / 64 >= self.bits.len() {
            self.bits.resize(s.ix() / 64 + 1, 0);
        }
        let w = &mut self.bits[s.ix() / 64];
        if collapsed {
            *w |= 1 << (s.ix() % 64);
        } else {
            *w &= !(1 << (s.ix() % 64));
        }
    }

    pub fn toggle(&mut self, s: SpanIdx) {
        let c = self.contains(s);
        self.set(s, !c);
    }

    /// Every span with children collapsed: only the roots show.
    pub fn all(trace: &Trace) -> Self {
        Self::deeper_than(trace, 0)
    }

    /// Collapse every span at depth ≥ `depth` (0-based) that has children: the tree shows `depth + 1` levels.
    pub fn deeper_than(trace: &Trace, depth: u32) -> Self {
        let mut c = Self::none(trace);
        for s in trace.spans() {
            if trace.depth_of(s) >= depth && trace.descendant_count(s) > 0 {
                c.set(s, true);
            }
        }
        c
    }

    /// Expand `s` and everything below it.
    pub fn expand_subtree(&mut self, trace: &Trace, s: SpanIdx) {
        for i in s.0..trace.subtree_end(s).0 {
            self.set(SpanIdx(i), false);
        }
    }

    /// Collapse `s` and every span below it that has children.
    pub fn collapse_subtree(&mut self, trace: &Trace, s: SpanIdx) {
        for i in s.0..trace.subtree_end(s).0 {
            if trace.descendant_count(SpanIdx(i)) > 0 {
                self.set(SpanIdx(i), true);
            }
        }
    }
}

/// The spans shown, top to bottom.
pub fn visible_rows(trace: &Trace, collapsed: &Collapsed) -> Vec<SpanIdx> {
    let mut rows = Vec::new();
    let n = trace.len() as u32;
    let mut i = 0u32;
    while i < n {
        let s = SpanIdx(i);
        rows.push(s);
        i = if collapsed.contains(s) { trace.subtree_end(s).0 } else { i + 1 };
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpanId;

    fn tree(spans: &[(u64, u64, i64)]) -> Trace {
        let spans: Vec<_> = spans.iter().map(|&(id, p, start)| (id, p, start, 10)).collect();
        crate::testing::trace(&spans)
    }

    fn names(t: &Trace, rows: &[SpanIdx]) -> Vec<String> {
        rows.iter().map(|&s| t.name(s).to_string()).collect()
    }

    //   1
    //   ├── 2
    //   │   └── 4
    //   └── 3
    #[test]
    fn collapsing_hides_exactly_the_subtree() {
        let t = tree(&[(3, 1, 5), (1, 0, 0), (4, 2, 2), (2, 1, 1)]);
        let mut c = Collapsed::none(&t);
        assert_eq!(names(&t, &visible_rows(&t, &c)), ["op1", "op2", "op4", "op3"]);
        let two = t.find_span(SpanId::from_hex("2").unwrap()).unwrap();
        c.toggle(two);
        assert_eq!(names(&t, &visible_rows(&t, &c)), ["op1", "op2", "op3"]);
        assert_eq!(names(&t, &visible_rows(&t, &Collapsed::all(&t))), ["op1"]);
        assert_eq!(names(&t, &visible_rows(&t, &Collapsed::deeper_than(&t, 1))), ["op1", "op2", "op3"]);
        let mut all = Collapsed::all(&t);
        all.expand_subtree(&t, t.roots()[0]);
        assert_eq!(visible_rows(&t, &all).len(), 4);
    }
}
