//! The flame graph (icicle) layout the UI draws on a canvas: x is time, like Chrome's flame chart, and each row is
//! a depth (roots on row 0). [`flame_layout`] gives the rectangles of a window of the trace, [`flame_hit`] finds
//! the span under the pointer and [`zoom_to`] gives the window that fills the view with one span.
//!
//! Speed at a million spans comes from skipping whole subtrees (pre-order makes a subtree one range, so skipping
//! is one jump): a subtree is skipped when it lies outside the window, or when even its longest span is narrower
//! than `min_width`. Children usually lie inside their parent, so a subtree's extent and longest span are
//! usually its root's own; [`FlameIndex`] stores only the exceptions (async children that outlive their parent,
//! skewed clocks), one bit per span plus one entry per exception.

use crate::order;
use crate::spanset::SpanSet;
use crate::trace::{SpanIdx, Trace};

/// One rectangle: a span at `depth` (row), from `x0` to `x1` as fractions (0 to 1) of the (possibly zoomed) window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlameRect {
    pub span: SpanIdx,
    pub depth: u32,
    pub x0: f64,
    pub x1: f64,
}

/// Bounds of a subtree that reaches outside its root span: (start, end) in absolute ns, and the longest duration
/// in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bounds {
    lo: i64,
    hi: i64,
    longest: i64,
}

/// What [`flame_layout`] needs to skip subtrees: for the few spans whose subtree is not inside the span's own
/// interval, the subtree's extent and longest duration. Built in O(n) with a stack as deep as the trace; reuse it
/// across layouts of the same trace (pan and zoom) with [`FlameIndex::layout`].
#[derive(Clone, Debug)]
pub struct FlameIndex {
    /// Spans whose subtree reaches outside their own interval.
    outside: SpanSet,
    /// The bounds of those spans' subtrees, sorted by span.
    bounds: Vec<(SpanIdx, Bounds)>,
}

impl FlameIndex {
    /// One pass in pre-order: a stack holds the open ancestors; when a span's subtree ends its bounds are folded
    /// into its parent's (the next entry down). Leaves (most spans) fold straight into their parent. O(n) time,
    /// O(depth) extra memory besides the exceptions.
    pub fn new(trace: &Trace) -> FlameIndex {
        /// An open ancestor: the span, its subtree end, its own interval and its subtree's bounds so far.
        struct Open {
            span: SpanIdx,
            end: u32,
            own: (i64, i64),
            sub: Bounds,
        }
        fn fold(into: &mut Bounds, b: &Bounds) {
            into.lo = into.lo.min(b.lo);
            into.hi = into.hi.max(b.hi);
            into.longest = into.longest.max(b.longest);
        }
        let mut outside = SpanSet::with_len(trace.len());
        let mut bounds = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
        let mut close = |stack: &mut Vec<Open>| {
            let o = stack.pop().unwrap();
            if o.sub.lo < o.own.0 || o.sub.hi > o.own.1 {
                outside.insert(o.span);
                bounds.push((o.span, o.sub));
            }
            if let Some(parent) = stack.last_mut() {
                fold(&mut parent.sub, &o.sub);
            }
        };
        for s in trace.spans() {
            while stack.last().is_some_and(|o| o.end <= s.0) {
                close(&mut stack);
            }
            let (lo, hi) = (trace.start_of(s).0, trace.end_of(s).0);
            let own = Bounds { lo, hi, longest: trace.duration_of(s).0 };
            let end = trace.subtree_end(s).0;
            if end == s.0 + 1 {
                if let Some(parent) = stack.last_mut() {
                    fold(&mut parent.sub, &own);
                }
            } else {
                stack.push(Open { span: s, end, own: (lo, hi), sub: own });
            }
        }
        while !stack.is_empty() {
            close(&mut stack);
        }
        order::sort_by_key(&mut bounds, |&(s, _)| u64::from(s.0));
        FlameIndex { outside, bounds }
    }

    /// Extent (absolute ns) and longest duration of the subtree of `s`.
    fn subtree(&self, trace: &Trace, s: SpanIdx) -> Bounds {
        if self.outside.contains(s) {
            if let Ok(k) = self.bounds.binary_search_by_key(&s, |&(x, _)| x) {
                return self.bounds[k].1;
            }
        }
        Bounds { lo: trace.start_of(s).0, hi: trace.end_of(s).0, longest: trace.duration_of(s).0 }
    }

    /// [`flame_layout`] with this index (which must have been built from `trace`).
    ///
    /// Walks the spans in pre-order, jumping over every subtree that lies outside the window or whose longest
    /// span is narrower than `min_width`. A span is drawn when it overlaps the window and is at least `min_width`
    /// wide once clipped, **or** when a span drawn below it is (so nothing drawn floats without its ancestors, as
    /// long as they overlap the window). Narrow spans with nothing wide below them, tiny siblings included, are
    /// simply left out: the row shows a gap there rather than a merged "N more" rectangle.
    ///
    /// Cost: O(v + k log k), where v is the number of spans visited (drawn spans, their children and the ancestors
    /// of subtrees that reach outside their root) and k the number of rectangles.
    pub fn layout(&self, trace: &Trace, from_ns: i64, to_ns: i64, min_width: f64) -> Vec<FlameRect> {
        let width = to_ns.saturating_sub(from_ns);
        if trace.is_empty() || width <= 0 {
            return Vec::new();
        }
        let min_width = if min_width.is_nan() { 0.0 } else { min_width };
        let from = trace.start().0.saturating_add(from_ns);
        let to = trace.start().0.saturating_add(to_ns);
        let w = width as f64;
        let threshold_ns = min_width * w;
        let rect = |s: SpanIdx| {
            let a = trace.start_of(s).0.max(from);
            let b = trace.end_of(s).0.min(to);
            FlameRect { span: s, depth: trace.depth_of(s), x0: (a - from) as f64 / w, x1: (b - from) as f64 / w }
        };

        let mut out = Vec::new();
        // Ancestors of the current span that were visited: (span, subtree end, settled). Settled entries (drawn,
        // or not drawable because they miss the window) form the bottom of the stack, so settling the ancestors
        // of a drawn span stops at the first settled one: O(1) amortized.
        let mut path: Vec<(SpanIdx, u32, bool)> = Vec::new();
        let n = trace.len() as u32;
        let mut i = 0u32;
        while i < n {
            let s = SpanIdx(i);
            while path.last().is_some_and(|&(_, end, _)| end <= i) {
                path.pop();
            }
            let sub = self.subtree(trace, s);
            if !overlaps(sub.lo, sub.hi, from, to) || (sub.longest as f64) < threshold_ns {
                i = trace.subtree_end(s).0;
                continue;
            }
            let (a, b) = (trace.start_of(s).0, trace.end_of(s).0);
            let wide = overlaps(a, b, from, to) && (b.min(to) - a.max(from)) as f64 >= threshold_ns;
            if wide {
                out.push(rect(s));
                for entry in path.iter_mut().rev() {
                    if entry.2 {
                        break;
                    }
                    entry.2 = true;
                    if overlaps(trace.start_of(entry.0).0, trace.end_of(entry.0).0, from, to) {
                        out.push(rect(entry.0));
                    }
                }
            }
            path.push((s, trace.subtree_end(s).0, wide));
            i += 1;
        }
        // By depth, then x0, then span: 32 + 64 + 32 bits, packed into the two parts of one key.
        order::sort_by_key2(&mut out, |r| {
            let x0 = order::f64_key(r.x0);
            ((u64::from(r.depth) << 32) | (x0 >> 32), (x0 << 32) | u64::from(r.span.0))
        });
        out
    }
}

/// Whether `[a, b)` overlaps the window `[from, to)`; a zero-length span overlaps when it lies in the window.
fn overlaps(a: i64, b: i64, from: i64, to: i64) -> bool {
    if a == b {
        from <= a && a < to
    } else {
        a < to && b > from
    }
}

/// Rectangles of spans overlapping the window [from, to] (ns offsets from trace start), clipped to it, dropping
/// those narrower than `min_width` (fraction) — but never a span whose subtree holds a wider one. Tiny siblings
/// are not merged into a summary rectangle: they leave a gap. Sorted by depth then x0 (then span). Builds a
/// [`FlameIndex`] (O(n)) and calls [`FlameIndex::layout`]; keep the index to lay out the same trace again.
pub fn flame_layout(trace: &Trace, from_ns: i64, to_ns: i64, min_width: f64) -> Vec<FlameRect> {
    FlameIndex::new(trace).layout(trace, from_ns, to_ns, min_width)
}

/// Which span is at (x fraction, depth row), for clicks and hover. `rects` must be sorted as [`flame_layout`]
/// returns them. Spans running in parallel overlap on a row; the answer is the one drawn last (on top) when the
/// rectangles are drawn in order. Both edges of a rectangle count as inside it. O(log k) to find the row and the
/// position, then a walk back over the row's rectangles that start before `x` until one contains it.
pub fn flame_hit(rects: &[FlameRect], x: f64, depth: u32) -> Option<SpanIdx> {
    let lo = rects.partition_point(|r| r.depth < depth);
    let hi = rects.partition_point(|r| r.depth <= depth);
    let row = &rects[lo..hi];
    let k = row.partition_point(|r| r.x0 <= x);
    row[..k].iter().rev().find(|r| x <= r.x1).map(|r| r.span)
}

/// The window that zooms onto span `s` (its start..end, as ns offsets). A zero-length span gets a 1 ns window, so
/// the window is never empty.
pub fn zoom_to(trace: &Trace, s: SpanIdx) -> (i64, i64) {
    let from = trace.offset_of(s).0;
    let to = from.saturating_add(trace.duration_of(s).0.max(1));
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::trace as tree;

    fn rects(t: &Trace, from: i64, to: i64, min_width: f64) -> Vec<(u32, u32, f64, f64)> {
        flame_layout(t, from, to, min_width).iter().map(|r| (r.span.0, r.depth, r.x0, r.x1)).collect()
    }

    // 1 [0,100)
    // ├── 2 [0,50)
    // │   └── 4 [10,20)
    // └── 3 [60,100)
    //     └── 5 [60,61)     1% wide
    // Pre-order positions: 1→0, 2→1, 4→2, 3→3, 5→4.
    fn sample() -> Trace {
        tree(&[(1, 0, 0, 100), (2, 1, 0, 50), (3, 1, 60, 40), (4, 2, 10, 10), (5, 3, 60, 1)])
    }

    #[test]
    fn whole_trace_gives_exact_rects_by_depth_then_x() {
        let t = sample();
        assert_eq!(
            rects(&t, 0, 100, 0.0),
            [(0, 0, 0.0, 1.0), (1, 1, 0.0, 0.5), (3, 1, 0.6, 1.0), (2, 2, 0.1, 0.2), (4, 2, 0.6, 0.61)]
        );
        // Span 5 (1%) is dropped at a 5% minimum; span 4 (10%) stays.
        assert_eq!(rects(&t, 0, 100, 0.05), [(0, 0, 0.0, 1.0), (1, 1, 0.0, 0.5), (3, 1, 0.6, 1.0), (2, 2, 0.1, 0.2)]);
        // At 20%, span 4 goes too.
        assert_eq!(rects(&t, 0, 100, 0.2), [(0, 0, 0.0, 1.0), (1, 1, 0.0, 0.5), (3, 1, 0.6, 1.0)]);
    }

    #[test]
    fn zooming_clips_to_the_window_and_skips_what_is_outside() {
        let t = sample();
        let two = SpanIdx(1);
        assert_eq!(zoom_to(&t, two), (0, 50));
        // Span 1 is clipped to the window; span 3 and its child start after it.
        assert_eq!(rects(&t, 0, 50, 0.0), [(0, 0, 0.0, 1.0), (1, 1, 0.0, 1.0), (2, 2, 0.2, 0.4)]);
        // A window straddling spans 2 and 3: both clipped.
        assert_eq!(rects(&t, 40, 80, 0.0), [(0, 0, 0.0, 1.0), (1, 1, 0.0, 0.25), (3, 1, 0.5, 1.0), (4, 2, 0.5, 0.525)]);
        // Zoomed onto span 5, it fills the view.
        let (from, to) = zoom_to(&t, SpanIdx(4));
        assert_eq!((from, to), (60, 61));
        assert_eq!(rects(&t, from, to, 0.5), [(0, 0, 0.0, 1.0), (3, 1, 0.0, 1.0), (4, 2, 0.0, 1.0)]);
        // Empty or inverted windows draw nothing.
        assert!(rects(&t, 50, 50, 0.0).is_empty());
        assert!(rects(&t, 60, 10, 0.0).is_empty());
    }

    #[test]
    fn zero_length_span_zooms_to_a_one_nanosecond_window() {
        let t = tree(&[(1, 0, 0, 100), (2, 1, 30, 0)]);
        assert_eq!(zoom_to(&t, SpanIdx(1)), (30, 31));
        assert_eq!(rects(&t, 30, 31, 0.0), [(0, 0, 0.0, 1.0), (1, 1, 0.0, 0.0)]);
    }

    // 1 [0,100)
    // └── 2 [10,11)          1%: too narrow on its own
    //     └── 3 [50,90)      an async child, 40%, outside its parent
    //         └── 4 [50,51)
    #[test]
    fn a_narrow_span_with_a_wide_descendant_is_kept() {
        let t = tree(&[(1, 0, 0, 100), (2, 1, 10, 1), (3, 2, 50, 40), (4, 3, 50, 1)]);
        let index = FlameIndex::new(&t);
        assert_eq!(index.bounds, [(SpanIdx(1), Bounds { lo: 10, hi: 90, longest: 40 })]);
        assert_eq!(rects(&t, 0, 100, 0.05), [(0, 0, 0.0, 1.0), (1, 1, 0.1, 0.11), (2, 2, 0.5, 0.9)]);
        // The narrow parent is outside this window: its child is still drawn.
        assert_eq!(rects(&t, 40, 100, 0.05), [(0, 0, 0.0, 1.0), (2, 2, 1.0 / 6.0, 5.0 / 6.0)]);
        // Nothing at all in [20, 40) is wide enough, except the root.
        assert_eq!(rects(&t, 20, 40, 0.05), [(0, 0, 0.0, 1.0)]);
    }

    #[test]
    fn hit_finds_the_rect_under_the_pointer() {
        let t = sample();
        let r = flame_layout(&t, 0, 100, 0.0);
        assert_eq!(flame_hit(&r, 0.0, 0), Some(SpanIdx(0)));
        assert_eq!(flame_hit(&r, 1.0, 0), Some(SpanIdx(0)));
        assert_eq!(flame_hit(&r, 0.3, 1), Some(SpanIdx(1)));
        assert_eq!(flame_hit(&r, 0.5, 1), Some(SpanIdx(1)));
        assert_eq!(flame_hit(&r, 0.55, 1), None); // the gap between spans 2 and 3
        assert_eq!(flame_hit(&r, 0.7, 1), Some(SpanIdx(3)));
        assert_eq!(flame_hit(&r, 0.15, 2), Some(SpanIdx(2)));
        assert_eq!(flame_hit(&r, 0.605, 2), Some(SpanIdx(4)));
        assert_eq!(flame_hit(&r, 0.3, 2), None);
        assert_eq!(flame_hit(&r, 0.5, 3), None);
        assert_eq!(flame_hit(&r, -0.1, 0), None);
        assert_eq!(flame_hit(&[], 0.5, 0), None);
    }

    // 1 [0,100)
    // ├── 2 [10,60)
    // │   └── 4 [10,20)
    // └── 3 [40,90)     overlaps 2 on row 1, drawn after it
    #[test]
    fn hit_on_overlapping_siblings_finds_the_one_on_top() {
        let t = tree(&[(1, 0, 0, 100), (2, 1, 10, 50), (3, 1, 40, 50), (4, 2, 10, 10)]);
        let r = flame_layout(&t, 0, 100, 0.0);
        let row1: Vec<u32> = r.iter().filter(|r| r.depth == 1).map(|r| r.span.0).collect();
        assert_eq!(row1, [1, 3]);
        assert_eq!(flame_hit(&r, 0.5, 1), Some(SpanIdx(3)));
        assert_eq!(flame_hit(&r, 0.3, 1), Some(SpanIdx(1)));
        assert_eq!(flame_hit(&r, 0.85, 1), Some(SpanIdx(3)));
    }

    #[test]
    fn a_very_deep_chain_needs_no_recursion() {
        // Each span inside its parent: [i, 1_000_000 - i).
        let spans: Vec<(u64, u64, i64, i64)> =
            (1..=100_000u64).map(|i| (i, i - 1, i as i64, 1_000_000 - 2 * i as i64)).collect();
        let t = tree(&spans);
        let r = flame_layout(&t, 0, 1_000_000, 0.001);
        assert_eq!(r.len(), 100_000);
        assert_eq!(r.last().unwrap().depth, 99_999);
        // Every subtree lies inside its root span: no exceptions to store.
        assert!(FlameIndex::new(&t).bounds.is_empty());
        assert_eq!(flame_hit(&r, 0.5, 99_999), Some(SpanIdx(99_999)));
    }

    /// The synthetic trace built straight from the generator's spans (ids, parents, services, names, kinds, times
    /// and errors; no attributes or events): the same tree as importing its JSON, in a tenth of the time in a
    /// debug build.
    fn synth_trace(spans: usize, seed: u64) -> Trace {
        use crate::synth::Role;
        use crate::trace::{SpanKind, StatusCode};
        let g = crate::synth::generate(&crate::synth::SynthOptions { spans, seed, ..Default::default() });
        let mut b = crate::TraceSetBuilder::new();
        let resources: Vec<u32> = g.services.iter().map(|s| b.add_resource(s.name, &[])).collect();
        let mut d = crate::SpanDraft::default();
        let id = |x: u64| crate::SpanId(std::num::NonZeroU64::new(x.max(1)).unwrap());
        for s in &g.spans {
            d.trace_id = Some(crate::TraceId { value: g.trace_id, wide: true });
            d.span_id = Some(id(s.id));
            d.parent_id = s.parent.map(|p| id(g.spans[p as usize].id));
            d.name = b.intern(&s.name);
            d.resource = resources[s.service as usize];
            d.kind = match s.role {
                Role::Server => SpanKind::Server,
                Role::Client | Role::Db | Role::Cache => SpanKind::Client,
                Role::Internal => SpanKind::Internal,
                Role::Producer => SpanKind::Producer,
                Role::Consumer => SpanKind::Consumer,
            };
            d.status = if s.error.is_some() { StatusCode::Error } else { StatusCode::Unset };
            d.start = Some(crate::TimestampNs::from_us(s.start_us));
            d.duration = Some(crate::DurationNs::from_us(s.duration_us));
            b.add_span(&mut d);
        }
        b.finish(&crate::BuildOptions::default()).remove(0)
    }

    #[test]
    fn a_million_spans_lay_out_in_few_rects() {
        let t = synth_trace(1_000_000, 7);
        assert_eq!(t.len(), 1_000_000);
        let started = std::time::Instant::now();
        let index = FlameIndex::new(&t);
        let indexed = started.elapsed();
        let whole = index.layout(&t, 0, t.duration().0, 1.0 / 2000.0);
        let laid_out = started.elapsed() - indexed;
        println!("1M spans: index {indexed:?}, layout {laid_out:?}, {} rects", whole.len());
        assert!(!whole.is_empty() && whole.len() <= 40_000, "{} rects", whole.len());
        assert!(whole.windows(2).all(|p| (p[0].depth, p[0].x0) <= (p[1].depth, p[1].x0)));
        assert!(whole.iter().all(|r| 0.0 <= r.x0 && r.x0 <= r.x1 && r.x1 <= 1.0));
        // Zoomed onto a span in the middle of the trace: its own rect fills the row.
        let mid = whole[whole.len() / 2].span;
        let (from, to) = zoom_to(&t, mid);
        let zoomed = index.layout(&t, from, to, 1.0 / 2000.0);
        assert!(zoomed.len() <= 40_000, "{} rects", zoomed.len());
        let own = zoomed.iter().find(|r| r.span == mid).unwrap();
        assert_eq!((own.x0, own.x1), (0.0, 1.0));
        assert!(flame_hit(&zoomed, 0.5, own.depth).is_some());
    }
}
