//! Row layout: which rows the waterfall shows, as a pure function of (trace, collapsed set, kept set).
//!
//! Precondition: the trace is in pre-order, so a span's descendants are exactly the range
//! `i+1..subtree_end(i)` and are skipped in one step. Building the rows costs O(rows shown), whatever the size of
//! what is collapsed or pruned.
//!
//! In "matches only" mode the kept set is the filter's matches with their ancestors ([`with_ancestors`]); a run of
//! pruned siblings becomes one "N hidden spans" row. Rows come out in increasing span order, so the row of a span
//! is a binary search ([`RowList::row_of`]).

use crate::spanset::SpanSet;
use crate::trace::{SpanIdx, Trace};

/// The set of collapsed spans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collapsed(SpanSet);

impl Collapsed {
    /// Nothing collapsed.
    pub fn none(trace: &Trace) -> Self {
        Collapsed(SpanSet::with_len(trace.len()))
    }

    pub fn contains(&self, s: SpanIdx) -> bool {
        self.0.contains(s)
    }

    pub fn set(&mut self, s: SpanIdx, collapsed: bool) {
        self.0.set(s, collapsed);
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

    /// Expand every ancestor of `s`, so that `s` is shown. Returns whether anything changed.
    pub fn reveal(&mut self, trace: &Trace, s: SpanIdx) -> bool {
        let mut changed = false;
        let mut p = trace.parent(s);
        while let Some(a) = p {
            if self.contains(a) {
                self.set(a, false);
                changed = true;
            }
            p = trace.parent(a);
        }
        changed
    }

    /// Whether some ancestor of `s` is collapsed (so `s` is not shown).
    pub fn hides(&self, trace: &Trace, s: SpanIdx) -> bool {
        let mut p = trace.parent(s);
        while let Some(a) = p {
            if self.contains(a) {
                return true;
            }
            p = trace.parent(a);
        }
        false
    }
}

/// One row: a span, or a run of spans hidden by "matches only".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Row {
    Span(SpanIdx),
    /// `count` consecutive spans (pre-order) starting at `first`, all siblings' subtrees under one parent.
    Hidden {
        first: SpanIdx,
        count: u32,
    },
}

impl Row {
    pub fn span(self) -> Option<SpanIdx> {
        match self {
            Row::Span(s) => Some(s),
            Row::Hidden { .. } => None,
        }
    }

    /// The span the row starts at (the span itself, or the first hidden one).
    pub fn first(self) -> SpanIdx {
        match self {
            Row::Span(s) | Row::Hidden { first: s, .. } => s,
        }
    }
}

const HIDDEN_BIT: u32 = 1 << 31;

/// The rows shown, top to bottom: 4 bytes per row (a span position, with the top bit marking a hidden run whose
/// length is the distance to the next row's span).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowList {
    rows: Vec<u32>,
    span_count: u32,
}

impl RowList {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<Row> {
        let v = *self.rows.get(i)?;
        if v & HIDDEN_BIT == 0 {
            return Some(Row::Span(SpanIdx(v)));
        }
        let first = v & !HIDDEN_BIT;
        let end = self.rows.get(i + 1).map_or(self.span_count, |&n| n & !HIDDEN_BIT);
        Some(Row::Hidden { first: SpanIdx(first), count: end - first })
    }

    pub fn iter(&self) -> impl Iterator<Item = Row> + '_ {
        (0..self.rows.len()).filter_map(|i| self.get(i))
    }

    /// The spans of span rows, in order.
    pub fn spans(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.rows.iter().filter(|&&v| v & HIDDEN_BIT == 0).map(|&v| SpanIdx(v))
    }

    /// Row index of `s` if it has a row of its own (binary search: rows are in span order).
    pub fn row_of(&self, s: SpanIdx) -> Option<usize> {
        self.rows.binary_search_by_key(&s.0, |&v| v & !HIDDEN_BIT).ok().filter(|&i| self.rows[i] & HIDDEN_BIT == 0)
    }

    /// Index of the row that shows or hides `s`, or that it is collapsed under (the last row starting at or
    /// before it).
    pub fn row_covering(&self, s: SpanIdx) -> Option<usize> {
        self.rows.partition_point(|&v| v & !HIDDEN_BIT <= s.0).checked_sub(1)
    }
}

/// The rows shown. With `keep`, only kept spans get rows; pruned runs of siblings become hidden rows.
pub fn visible_rows(trace: &Trace, collapsed: &Collapsed, keep: Option<&SpanSet>) -> RowList {
    let n = trace.len() as u32;
    let mut rows = Vec::new();
    let mut i = 0u32;
    // Parent of the open hidden run, if the previous row is one.
    let mut run_parent: Option<Option<SpanIdx>> = None;
    while i < n {
        let s = SpanIdx(i);
        if keep.is_some_and(|k| !k.contains(s)) {
            let parent = trace.parent(s);
            if run_parent != Some(parent) {
                rows.push(i | HIDDEN_BIT);
                run_parent = Some(parent);
            }
            i = trace.subtree_end(s).0;
            continue;
        }
        run_parent = None;
        rows.push(i);
        i = if collapsed.contains(s) { trace.subtree_end(s).0 } else { i + 1 };
    }
    RowList { rows, span_count: n }
}

/// The members of `set` and all their ancestors. O(n): spans are visited last to first, so a child marks its
/// parent before the parent is visited.
pub fn with_ancestors(trace: &Trace, set: &SpanSet) -> SpanSet {
    let mut out = set.clone();
    for s in trace.spans().rev() {
        if out.contains(s) {
            if let Some(p) = trace.parent(s) {
                out.insert(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SpanId;

    fn tree(spans: &[(u64, u64, i64)]) -> Trace {
        let spans: Vec<_> = spans.iter().map(|&(id, p, start)| (id, p, start, 10)).collect();
        crate::testing::trace(&spans)
    }

    fn span(t: &Trace, id: u64) -> SpanIdx {
        t.find_span(SpanId::from_hex(&format!("{id:x}")).unwrap()).unwrap()
    }

    /// Rows as text: `opN` for a span, `(N hidden)` for a run.
    fn names(t: &Trace, rows: &RowList) -> Vec<String> {
        rows.iter()
            .map(|r| match r {
                Row::Span(s) => t.name(s).to_string(),
                Row::Hidden { count, .. } => format!("({count} hidden)"),
            })
            .collect()
    }

    //   1
    //   ├── 2
    //   │   └── 4
    //   └── 3
    #[test]
    fn collapsing_hides_exactly_the_subtree() {
        let t = tree(&[(3, 1, 5), (1, 0, 0), (4, 2, 2), (2, 1, 1)]);
        let mut c = Collapsed::none(&t);
        assert_eq!(names(&t, &visible_rows(&t, &c, None)), ["op1", "op2", "op4", "op3"]);
        c.toggle(span(&t, 2));
        assert_eq!(names(&t, &visible_rows(&t, &c, None)), ["op1", "op2", "op3"]);
        assert!(c.hides(&t, span(&t, 4)));
        assert!(c.reveal(&t, span(&t, 4)));
        assert_eq!(visible_rows(&t, &c, None).len(), 4);
        assert_eq!(names(&t, &visible_rows(&t, &Collapsed::all(&t), None)), ["op1"]);
        assert_eq!(names(&t, &visible_rows(&t, &Collapsed::deeper_than(&t, 1), None)), ["op1", "op2", "op3"]);
        let mut all = Collapsed::all(&t);
        all.expand_subtree(&t, t.roots()[0]);
        assert_eq!(visible_rows(&t, &all, None).len(), 4);
    }

    //   1
    //   ├── 2
    //   │   ├── 4      ← match
    //   │   ├── 5
    //   │   │   └── 8
    //   │   └── 6
    //   ├── 3
    //   └── 7
    //       └── 9      ← match
    #[test]
    fn matches_only_keeps_ancestors_and_folds_pruned_siblings_into_runs() {
        let t =
            tree(&[(1, 0, 0), (2, 1, 1), (4, 2, 2), (5, 2, 3), (8, 5, 4), (6, 2, 5), (3, 1, 6), (7, 1, 7), (9, 7, 8)]);
        let mut m = SpanSet::with_len(t.len());
        m.insert(span(&t, 4));
        m.insert(span(&t, 9));
        let keep = with_ancestors(&t, &m);
        assert_eq!(keep.count(), 5); // 1 2 4 7 9
        let rows = visible_rows(&t, &Collapsed::none(&t), Some(&keep));
        // 5 (with 8) and 6 are siblings under 2: one run of 3 spans; 3 is alone under 1.
        assert_eq!(names(&t, &rows), ["op1", "op2", "op4", "(3 hidden)", "(1 hidden)", "op7", "op9"]);
        assert_eq!(rows.row_of(span(&t, 7)), Some(5));
        assert_eq!(rows.row_of(span(&t, 5)), None);
        assert_eq!(rows.row_covering(span(&t, 8)), Some(3));
        // Collapsing a kept span still hides its subtree.
        let mut c = Collapsed::none(&t);
        c.set(span(&t, 2), true);
        assert_eq!(names(&t, &visible_rows(&t, &c, Some(&keep))), ["op1", "op2", "(1 hidden)", "op7", "op9"]);
    }
}
