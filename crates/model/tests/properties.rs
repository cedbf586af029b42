//! Property tests of `analysis` on thousands of random trees built through the public builder: random fan-out
//! (chains, bushes, flat fans), depths up to 50, several roots, children that overlap each other or stick out of
//! their parent (or lie wholly outside it), zero durations and identical timestamps (times on a coarse grid).
//!
//! - [`self_times`] equals a brute-force reference: a span's duration minus the measure of the union of its
//!   children's intervals clipped to it, measured by sorting all endpoints and testing each elementary piece;
//! - [`critical_path`] equals a recursive reference of Jaeger UI's rule as `analysis.rs` describes it (same spans,
//!   same segments);
//! - invariants: segments are non-empty and lie within their span, do not overlap, and tile each root's
//!   `[start, end]` exactly; a span on the path has its parent on it.
//!
//! The trees come from a fixed list of seeds ([`SEEDS`]) through a small xorshift generator, so a failure names
//! its seed and reruns alone with `PROPERTY_SEED=<seed> cargo test -p spanscope-model --test properties`.

use spanscope_model::analysis::{critical_path, self_times, CriticalPath};
use spanscope_model::build::{BuildOptions, SpanDraft, TraceSetBuilder};
use spanscope_model::{DurationNs, SpanId, SpanIdx, TimestampNs, Trace, TraceId};
use std::collections::BTreeSet;

/// One tree per seed.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=4000;

/// The deepest a generated tree goes, in levels (a lone root is 1).
const MAX_DEPTH: u32 = 50;

/// xorshift64* — tiny, deterministic, good enough for shapes.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Spread small seeds over the state (a zero state would stay zero).
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A generated span: id (1-based), parent id (0: none), start and duration in ns.
#[derive(Clone, Copy, Debug)]
struct Gen {
    id: u64,
    parent: u64,
    start: i64,
    duration: i64,
}

/// How a tree is shaped; chosen per seed.
#[derive(Clone, Copy, Debug)]
enum Shape {
    /// Mostly hangs each span under the previous one: deep chains.
    Chain,
    /// Parents drawn from the first few spans: wide fans.
    Fan,
    /// Any earlier span.
    Random,
}

fn generate(seed: u64) -> (Shape, Vec<Gen>) {
    let mut rng = Rng::new(seed);
    let shape = match rng.below(3) {
        0 => Shape::Chain,
        1 => Shape::Fan,
        _ => Shape::Random,
    };
    let n = match rng.below(10) {
        0 => 1 + rng.below(3) as usize,
        1..=6 => 2 + rng.below(40) as usize,
        _ => 40 + rng.below(260) as usize,
    };
    // Times on a grid of this many ns: a coarse grid makes identical timestamps common.
    let grid = [1, 5, 50, 250][rng.below(4) as usize];
    let snap = |t: i64| t.div_euclid(grid) * grid;
    let spill = rng.below(4) as i64 * 10; // percent of the parent's duration a child may stick out by
    let nested = rng.chance(50); // most children inside their parent, as in real traces
    let mut spans: Vec<Gen> = Vec::with_capacity(n);
    let mut depth: Vec<u32> = Vec::with_capacity(n);
    for i in 0..n {
        let id = i as u64 + 1;
        let parent = if i == 0 || rng.chance(3) {
            None
        } else {
            let p = match shape {
                Shape::Chain if rng.chance(85) => i - 1,
                Shape::Fan => rng.below(i.min(3) as u64) as usize,
                _ => rng.below(i as u64) as usize,
            };
            // Respect the depth cap by climbing to an ancestor shallow enough.
            let mut p = p;
            while depth[p] + 1 >= MAX_DEPTH {
                p = (spans[p].parent - 1) as usize;
            }
            Some(p)
        };
        let (start, duration) = match parent {
            None => {
                let start = 1_000_000 + rng.range(0, 2_000);
                // Nested trees shrink level by level: give them room for 50 levels.
                let longest = if nested { 5_000_000 } else { 5_000 };
                (snap(start), if rng.chance(10) { 0 } else { snap(rng.range(grid, longest)) })
            }
            Some(p) if nested && !rng.chance(10) => {
                let (ps, pd) = (spans[p].start, spans[p].duration);
                let start = ps + rng.range(0, pd / 4);
                let room = ps + pd - start;
                (snap(start), if rng.chance(10) { 0 } else { snap(rng.range(room / 2, room)) })
            }
            Some(p) => {
                let (ps, pd) = (spans[p].start, spans[p].duration);
                let out = pd * spill / 100 + if rng.chance(5) { pd + 10 } else { 0 };
                let start = match rng.below(10) {
                    0 => ps,      // same start as the parent
                    1 => ps + pd, // starts where the parent ends
                    _ => rng.range(ps - out, ps + pd + out),
                };
                let duration = match rng.below(10) {
                    0 => 0,
                    1 => pd, // as long as the parent
                    // At least one grid step, so zero durations stay the 10% chosen above.
                    _ => rng.range(grid, (pd + out).max(4 * grid)),
                };
                (snap(start), snap(duration))
            }
        };
        depth.push(parent.map_or(0, |p| depth[p] + 1));
        spans.push(Gen { id, parent: parent.map_or(0, |p| p as u64 + 1), start, duration });
    }
    // Arrival order does not matter to the builder; shuffle it to be sure.
    for i in (1..spans.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        spans.swap(i, j);
    }
    (shape, spans)
}

/// Builds the spans with the public builder (one service, so no clock-skew adjustment).
fn build(spans: &[Gen]) -> Trace {
    let mut b = TraceSetBuilder::new();
    let r = b.add_resource("svc", &[]);
    let name = b.intern("op");
    let mut d = SpanDraft::default();
    for g in spans {
        d.trace_id = TraceId::from_hex("1");
        d.span_id = SpanId::from_hex(&format!("{:x}", g.id));
        d.parent_id = SpanId::from_hex(&format!("{:x}", g.parent));
        d.name = name;
        d.resource = r;
        d.start = Some(TimestampNs(g.start));
        d.duration = Some(DurationNs(g.duration));
        b.add_span(&mut d);
    }
    let mut traces = b.finish(&BuildOptions::default());
    assert_eq!(traces.len(), 1);
    traces.remove(0)
}

// ---------------------------------------------------------------------------------------------------------
// References.

/// Self time by brute force: the duration minus the measure of the union of the children's clipped intervals,
/// measured piece by piece between sorted endpoints.
fn self_time_reference(t: &Trace, s: SpanIdx) -> i64 {
    let (lo, hi) = (t.start_of(s).0, t.end_of(s).0);
    let intervals: Vec<(i64, i64)> =
        t.children(s).map(|c| (t.start_of(c).0.max(lo), t.end_of(c).0.min(hi))).filter(|(a, b)| a < b).collect();
    let mut points: Vec<i64> = intervals.iter().flat_map(|&(a, b)| [a, b]).collect();
    points.sort_unstable();
    points.dedup();
    let covered: i64 =
        points.windows(2).filter(|w| intervals.iter().any(|&(a, b)| a <= w[0] && w[1] <= b)).map(|w| w[1] - w[0]).sum();
    hi - lo - covered
}

/// Jaeger UI's critical path, recursively, from the description in `analysis.rs`: walk back from the span's end;
/// the child with the latest end at or before the cursor (children clipped to their parent, children wholly
/// outside it ignored; ties: the later start, then the first in start order) is descended into, and the cursor
/// resumes at that child's start. The time between is the span's own.
fn critical_path_reference(t: &Trace) -> (BTreeSet<u32>, Vec<(u32, i64, i64)>) {
    fn walk(t: &Trace, s: SpanIdx, lo: i64, hi: i64, spans: &mut BTreeSet<u32>, segs: &mut Vec<(u32, i64, i64)>) {
        spans.insert(s.0);
        let kids: Vec<(SpanIdx, i64, i64)> = t
            .children(s)
            .filter(|&c| t.end_of(c).0 >= lo && t.start_of(c).0 <= hi)
            .map(|c| (c, t.start_of(c).0.max(lo), t.end_of(c).0.min(hi)))
            .collect();
        let mut used = vec![false; kids.len()];
        let mut cursor = hi;
        loop {
            let mut best: Option<usize> = None;
            for (k, &(_, clo, chi)) in kids.iter().enumerate() {
                if used[k] || chi > cursor {
                    continue;
                }
                if best.is_none_or(|b| (chi, clo) > (kids[b].2, kids[b].1)) {
                    best = Some(k);
                }
            }
            let Some(k) = best else { break };
            used[k] = true;
            let (c, clo, chi) = kids[k];
            if chi < cursor {
                segs.push((s.0, chi, cursor));
            }
            walk(t, c, clo, chi, spans, segs);
            cursor = clo;
        }
        if cursor > lo {
            segs.push((s.0, lo, cursor));
        }
    }
    let mut spans = BTreeSet::new();
    let mut segs = Vec::new();
    for &r in t.roots() {
        walk(t, r, t.start_of(r).0, t.end_of(r).0, &mut spans, &mut segs);
    }
    segs.sort_unstable();
    (spans, segs)
}

// ---------------------------------------------------------------------------------------------------------
// Checks.

fn check_self_times(t: &Trace) -> Result<(), String> {
    let got = self_times(t);
    if got.len() != t.len() {
        return Err(format!("self_times has {} entries for {} spans", got.len(), t.len()));
    }
    for s in t.spans() {
        let want = self_time_reference(t, s);
        if got[s.ix()].0 != want {
            return Err(format!(
                "self time of span #{} ({}): {} vs reference {want}",
                s.0,
                t.span_id(s),
                got[s.ix()].0
            ));
        }
    }
    Ok(())
}

fn check_critical_path(t: &Trace, cp: &CriticalPath) -> Result<(), String> {
    let (want_spans, want_segs) = critical_path_reference(t);
    let got_spans: BTreeSet<u32> = cp.spans.iter().map(|s| s.0).collect();
    if got_spans != want_spans {
        let only_got: Vec<_> = got_spans.difference(&want_spans).collect();
        let only_want: Vec<_> = want_spans.difference(&got_spans).collect();
        return Err(format!(
            "path spans differ: only in critical_path {only_got:?}, only in the reference {only_want:?}"
        ));
    }
    let got_segs: Vec<(u32, i64, i64)> = cp.segments.iter().map(|g| (g.span.0, g.start.0, g.end.0)).collect();
    if got_segs != want_segs {
        let k =
            got_segs.iter().zip(&want_segs).position(|(x, y)| x != y).unwrap_or(got_segs.len().min(want_segs.len()));
        return Err(format!(
            "segments differ at {k}: {:?} vs reference {:?} ({} vs {} segments)",
            got_segs.get(k),
            want_segs.get(k),
            got_segs.len(),
            want_segs.len()
        ));
    }
    Ok(())
}

fn check_invariants(t: &Trace, cp: &CriticalPath) -> Result<(), String> {
    if !cp.segments.windows(2).all(|w| (w[0].span, w[0].start) <= (w[1].span, w[1].start)) {
        return Err("segments are not sorted by span, then start".into());
    }
    for g in &cp.segments {
        if g.start >= g.end {
            return Err(format!("empty segment {g:?}"));
        }
        if g.start < t.start_of(g.span) || g.end > t.end_of(g.span) {
            return Err(format!("segment {g:?} outside its span [{}, {}]", t.start_of(g.span).0, t.end_of(g.span).0));
        }
        if !cp.spans.contains(g.span) {
            return Err(format!("segment {g:?} of a span not on the path"));
        }
    }
    for s in cp.spans.iter() {
        if let Some(p) = t.parent(s) {
            if !cp.spans.contains(p) {
                return Err(format!("span #{} is on the path but its parent #{} is not", s.0, p.0));
            }
        }
    }
    for &r in t.roots() {
        let end = t.subtree_end(r);
        let mut segs: Vec<_> = cp.segments.iter().filter(|g| g.span >= r && g.span < end).collect();
        segs.sort_by_key(|g| (g.start, g.end));
        let (lo, hi) = (t.start_of(r), t.end_of(r));
        if lo == hi {
            if !segs.is_empty() {
                return Err(format!("zero-length root #{} has segments {segs:?}", r.0));
            }
            continue;
        }
        let first = segs.first().map(|g| g.start);
        let last = segs.last().map(|g| g.end);
        if first != Some(lo) || last != Some(hi) {
            return Err(format!("root #{} [{}, {}]: segments span {first:?}..{last:?}", r.0, lo.0, hi.0));
        }
        for w in segs.windows(2) {
            if w[0].end > w[1].start {
                return Err(format!("root #{}: segments overlap: {:?} and {:?}", r.0, w[0], w[1]));
            }
            if w[0].end < w[1].start {
                return Err(format!("root #{}: gap between {:?} and {:?}", r.0, w[0], w[1]));
            }
        }
        if cp.time_of(r).0 > hi.0 - lo.0 {
            return Err(format!("root #{}: its own time on the path exceeds its duration", r.0));
        }
    }
    Ok(())
}

/// What the generated trees covered, so a generator change that stops producing a case shows.
#[derive(Default, Debug)]
struct Coverage {
    trees: usize,
    spans: usize,
    deepest: u32,
    several_roots: usize,
    zero_durations: usize,
    /// Children that stick out of their parent, and children wholly outside it.
    sticking_out: usize,
    outside: usize,
    /// Siblings with the same start as the sibling before them.
    same_start_siblings: usize,
    path_spans: usize,
    segments: usize,
}

impl Coverage {
    fn add(&mut self, t: &Trace, cp: &CriticalPath) {
        self.trees += 1;
        self.spans += t.len();
        self.deepest = self.deepest.max(t.depth());
        self.several_roots += (t.roots().len() > 1) as usize;
        self.path_spans += cp.spans.count();
        self.segments += cp.segments.len();
        for s in t.spans() {
            self.zero_durations += (t.duration_of(s).0 == 0) as usize;
            if let Some(p) = t.parent(s) {
                let (a, b, lo, hi) = (t.start_of(s), t.end_of(s), t.start_of(p), t.end_of(p));
                self.outside += (b < lo || a > hi) as usize;
                self.sticking_out += (a < lo || b > hi) as usize;
            }
            let kids: Vec<SpanIdx> = t.children(s).collect();
            self.same_start_siblings += kids.windows(2).filter(|w| t.start_of(w[0]) == t.start_of(w[1])).count();
        }
    }
}

fn check_seed(seed: u64, coverage: &mut Coverage) -> Result<(), String> {
    let (shape, spans) = generate(seed);
    let t = build(&spans);
    if t.len() != spans.len() {
        return Err(format!("built {} spans of {}", t.len(), spans.len()));
    }
    if !t.warnings().is_empty() {
        return Err(format!("warnings: {:?}", &t.warnings()[..t.warnings().len().min(3)]));
    }
    check_self_times(&t).map_err(|e| format!("{shape:?} tree of {} spans: {e}", t.len()))?;
    let cp = critical_path(&t);
    check_critical_path(&t, &cp).map_err(|e| format!("{shape:?} tree of {} spans: critical path: {e}", t.len()))?;
    check_invariants(&t, &cp).map_err(|e| format!("{shape:?} tree of {} spans: invariant: {e}", t.len()))?;
    coverage.add(&t, &cp);
    Ok(())
}

fn seeds() -> Vec<u64> {
    match std::env::var("PROPERTY_SEED") {
        Ok(s) => vec![s.trim().parse().expect("PROPERTY_SEED is a number")],
        Err(_) => SEEDS.collect(),
    }
}

#[test]
fn self_times_and_critical_path_match_their_references_on_random_trees() {
    let mut coverage = Coverage::default();
    for seed in seeds() {
        if let Err(e) = check_seed(seed, &mut coverage) {
            let (_, spans) = generate(seed);
            let shown: Vec<String> = spans
                .iter()
                .take(40)
                .map(|g| format!("({}, {}, {}, {})", g.id, g.parent, g.start, g.duration))
                .collect();
            panic!(
                "seed {seed}: {e}\nrerun alone: PROPERTY_SEED={seed} cargo test -p spanscope-model --test properties\n\
                 spans (id, parent, start, duration), first 40: [{}]",
                shown.join(", ")
            );
        }
    }
    println!("{coverage:#?}");
    if std::env::var("PROPERTY_SEED").is_err() {
        // The generator must keep producing the cases the properties are about.
        assert_eq!(coverage.trees, SEEDS.count());
        assert_eq!(coverage.deepest, MAX_DEPTH, "{coverage:?}");
        for (what, n) in [
            ("several roots", coverage.several_roots),
            ("zero durations", coverage.zero_durations),
            ("children sticking out", coverage.sticking_out),
            ("children wholly outside", coverage.outside),
            ("siblings starting together", coverage.same_start_siblings),
        ] {
            assert!(n >= 100, "only {n} {what}: {coverage:?}");
        }
    }
}

// A tree drawn by hand, checked against both references, so the references themselves are pinned:
//
// 1 [0,100)
// ├── 2 [0,30)
// │   └── 5 [5,20)
// ├── 3 [20,60)
// ├── 4 [10,15)
// ├── 6 [90,130)   clipped to [90,100)
// └── 7 [150,160)  wholly outside: ignored
#[test]
fn the_references_agree_with_a_tree_worked_by_hand() {
    let spans = [
        Gen { id: 1, parent: 0, start: 0, duration: 100 },
        Gen { id: 2, parent: 1, start: 0, duration: 30 },
        Gen { id: 5, parent: 2, start: 5, duration: 15 },
        Gen { id: 3, parent: 1, start: 20, duration: 40 },
        Gen { id: 4, parent: 1, start: 10, duration: 5 },
        Gen { id: 6, parent: 1, start: 90, duration: 40 },
        Gen { id: 7, parent: 1, start: 150, duration: 10 },
    ];
    let t = build(&spans);
    let idx = |id: u64| t.find_span(SpanId::from_hex(&format!("{id:x}")).unwrap()).unwrap();
    assert_eq!(self_time_reference(&t, idx(1)), 100 - 60 - 10);
    assert_eq!(self_time_reference(&t, idx(2)), 15);
    let (spans_on, segs) = critical_path_reference(&t);
    let ids: BTreeSet<u64> = spans_on.iter().map(|&s| t.span_id(SpanIdx(s)).get()).collect();
    assert_eq!(ids, BTreeSet::from([1, 3, 4, 6]));
    let by_id = |id: u64| -> Vec<(i64, i64)> { segs.iter().filter(|g| g.0 == idx(id).0).map(|g| (g.1, g.2)).collect() };
    assert_eq!(by_id(1), [(0, 10), (15, 20), (60, 90)]);
    assert_eq!((by_id(3), by_id(4), by_id(6)), (vec![(20, 60)], vec![(10, 15)], vec![(90, 100)]));
    let cp = critical_path(&t);
    check_critical_path(&t, &cp).unwrap();
    check_invariants(&t, &cp).unwrap();
    check_self_times(&t).unwrap();
}
