//! Comparing two traces, typically a slow request against a normal one of the same operation: [`diff`] lines up
//! their spans by **path** (the `service:name` of a span and of each of its ancestors, from the root) and gives,
//! per path, counts and times on each side, as a merged tree, plus a summary of where the difference lies.
//!
//! Spans with the same path are one row, however many there are (a loop that went from 3 to 12 calls is one
//! row with counts 3 and 12), so rows do not depend on span ids or on how siblings interleave.
//!
//! A row names only its last step ([`DiffRow::label`]) and its parent row; [`TraceDiff::path`] spells out the
//! whole path. Storing every row's full path would take memory quadratic in depth (a 10,000-deep chain would need
//! 50 million path steps).

use crate::analysis::self_times;
use crate::intern::StrId;
use crate::order;
use crate::time::DurationNs;
use crate::trace::{SpanIdx, Trace};
use hashbrown::HashMap;

/// What the spans of one path did in one trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SideStats {
    /// Spans on this path.
    pub count: u32,
    /// Sum of their durations.
    pub total: DurationNs,
    /// Sum of their self times ([`crate::analysis::self_times`]).
    pub self_total: DurationNs,
    /// Of them, spans with error status.
    pub errors: u32,
    /// The spans, in pre-order.
    pub spans: Vec<SpanIdx>,
}

/// One path of the merged tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRow {
    /// `service:name` of the spans on this row: the last step of its path.
    pub label: String,
    /// The row of the parent path (always an earlier row); `None` for root spans' paths.
    pub parent: Option<u32>,
    /// 0 for root spans' paths.
    pub depth: u32,
    /// The spans of this path in the first trace, `None` when it has none.
    pub a: Option<SideStats>,
    /// The spans of this path in the second trace, `None` when it has none.
    pub b: Option<SideStats>,
    /// `b.total - a.total`, a missing side counting as zero.
    pub delta: DurationNs,
}

impl DiffRow {
    /// `b.self_total - a.self_total`, a missing side counting as zero: the time that appeared or vanished on this
    /// path itself rather than below it.
    pub fn self_delta(&self) -> DurationNs {
        let side = |s: &Option<SideStats>| s.as_ref().map_or(0, |s| s.self_total.0);
        DurationNs(side(&self.b) - side(&self.a))
    }
}

/// The comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceDiff {
    /// In tree order: each row's children follow it (after its earlier children's subtrees), siblings in the order
    /// of their first start (offset from the trace start) in either trace.
    pub rows: Vec<DiffRow>,
    pub summary: DiffSummary,
}

impl TraceDiff {
    /// The full path of a row, e.g. `frontend:GET /checkout > cart:GetCart`. O(depth).
    pub fn path(&self, row: usize) -> String {
        let mut steps = vec![self.rows[row].label.as_str()];
        let mut at = self.rows[row].parent;
        while let Some(p) = at {
            steps.push(self.rows[p as usize].label.as_str());
            at = self.rows[p as usize].parent;
        }
        steps.reverse();
        steps.join(" > ")
    }
}

/// The headline numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffSummary {
    pub duration_a: DurationNs,
    pub duration_b: DurationNs,
    /// Paths only in the second trace.
    pub added: u32,
    /// Paths only in the first trace.
    pub removed: u32,
    /// "Where the difference lies": the (at most five) full paths with the largest |self-time delta|
    /// ([`DiffRow::self_delta`], signed), largest first, ties in row order. Paths with no change are left out.
    pub top_changes: Vec<(String, DurationNs)>,
}

const NO_NODE: u32 = u32::MAX;

/// One distinct path while building.
struct PathNode {
    parent: u32,
    service: u32,
    name: u32,
    depth: u32,
    /// Earliest start offset of its spans in either trace.
    first: i64,
    sides: [Sums; 2],
}

/// A side's sums while building (its spans are gathered at the end, into vectors of the right size).
#[derive(Clone, Copy, Default)]
struct Sums {
    count: u32,
    errors: u32,
    total: i64,
    self_total: i64,
}

impl Sums {
    fn stats(self) -> Option<SideStats> {
        (self.count > 0).then(|| SideStats {
            count: self.count,
            total: DurationNs(self.total),
            self_total: DurationNs(self.self_total),
            errors: self.errors,
            spans: Vec::with_capacity(self.count as usize),
        })
    }
}

/// Compares two traces path by path.
///
/// One pass per trace in pre-order maps each span to a path node through a hash map keyed by (parent path,
/// service, name), with the strings of both traces interned into one table (each trace's string ids are looked
/// up once). Then the paths' children are grouped (counting sort by parent) and ordered by first start, an
/// explicit-stack walk writes the rows, and a last pass per trace hands each row its spans. O(n + P log P) for
/// n spans and P paths, no recursion.
pub fn diff(a: &Trace, b: &Trace) -> TraceDiff {
    let traces = [a, b];
    let mut label_of: HashMap<&str, u32> = HashMap::new();
    let mut labels: Vec<&str> = Vec::new();
    let mut label = |text| {
        *label_of.entry(text).or_insert_with(|| {
            labels.push(text);
            labels.len() as u32 - 1
        })
    };
    let mut nodes: Vec<PathNode> = Vec::new();
    let mut node_of_key: HashMap<(u32, u32, u32), u32> = HashMap::new();
    // Per trace, the path node of each span.
    let mut node_of: [Vec<u32>; 2] = [vec![NO_NODE; a.len()], vec![NO_NODE; b.len()]];
    for (side, t) in traces.into_iter().enumerate() {
        let self_time = self_times(t);
        let mut name_label: HashMap<StrId, u32> = HashMap::new();
        let mut service_label: HashMap<u32, u32> = HashMap::new();
        let node_of = &mut node_of[side];
        for s in t.spans() {
            let parent = t.parent(s).map_or(NO_NODE, |p| node_of[p.ix()]);
            let service = *service_label.entry(t.service_index(s)).or_insert_with(|| label(t.service(s)));
            let name = *name_label.entry(t.name_id(s)).or_insert_with(|| label(t.name(s)));
            let k = *node_of_key.entry((parent, service, name)).or_insert_with(|| {
                let depth = if parent == NO_NODE { 0 } else { nodes[parent as usize].depth + 1 };
                nodes.push(PathNode { parent, service, name, depth, first: i64::MAX, sides: Default::default() });
                nodes.len() as u32 - 1
            });
            node_of[s.ix()] = k;
            let node = &mut nodes[k as usize];
            node.first = node.first.min(t.offset_of(s).0);
            let sums = &mut node.sides[side];
            sums.count += 1;
            sums.total = sums.total.saturating_add(t.duration_of(s).0);
            sums.self_total = sums.self_total.saturating_add(self_time[s.ix()].0);
            sums.errors += t.is_error(s) as u32;
        }
    }
    drop(node_of_key);

    // Children of each path, contiguous (counting sort by parent), then by first start. Roots go under a virtual
    // parent at index P.
    let p = nodes.len();
    let group = |n: &PathNode| if n.parent == NO_NODE { p } else { n.parent as usize };
    let mut begin = vec![0u32; p + 3];
    for n in &nodes {
        begin[group(n) + 2] += 1;
    }
    for i in 2..begin.len() {
        begin[i] += begin[i - 1];
    }
    let mut kids = vec![0u32; p];
    for (i, n) in nodes.iter().enumerate() {
        let slot = &mut begin[group(n) + 1];
        kids[*slot as usize] = i as u32;
        *slot += 1;
    }
    // Now `begin[g]..begin[g + 1]` are the children of group g.
    let mut scratch = Vec::new();
    for g in 0..=p {
        let group = &mut kids[begin[g] as usize..begin[g + 1] as usize];
        order::sort_indices_by_key(group, &mut scratch, |k| order::i64_key(nodes[k as usize].first));
    }

    let mut rows: Vec<DiffRow> = Vec::with_capacity(p);
    let mut row_of = vec![0u32; p];
    let mut stack: Vec<u32> = kids[begin[p] as usize..begin[p + 1] as usize].iter().rev().copied().collect();
    while let Some(k) = stack.pop() {
        let node = &nodes[k as usize];
        row_of[k as usize] = rows.len() as u32;
        let [sa, sb] = node.sides;
        rows.push(DiffRow {
            label: format!("{}:{}", labels[node.service as usize], labels[node.name as usize]),
            parent: (node.parent != NO_NODE).then(|| row_of[node.parent as usize]),
            depth: node.depth,
            delta: DurationNs(sb.total - sa.total),
            a: sa.stats(),
            b: sb.stats(),
        });
        stack.extend(kids[begin[k as usize] as usize..begin[k as usize + 1] as usize].iter().rev());
    }

    for (side, t) in traces.into_iter().enumerate() {
        for s in t.spans() {
            let row = &mut rows[row_of[node_of[side][s.ix()] as usize] as usize];
            if let Some(stats) = if side == 0 { &mut row.a } else { &mut row.b } {
                stats.spans.push(s);
            }
        }
    }

    let mut changed: Vec<(i64, usize)> =
        rows.iter().enumerate().map(|(i, r)| (r.self_delta().0, i)).filter(|&(d, _)| d != 0).collect();
    order::sort_by_key2(&mut changed, |&(d, i)| (!d.unsigned_abs(), i as u64));
    let mut out = TraceDiff {
        summary: DiffSummary {
            duration_a: a.duration(),
            duration_b: b.duration(),
            added: rows.iter().filter(|r| r.a.is_none()).count() as u32,
            removed: rows.iter().filter(|r| r.b.is_none()).count() as u32,
            top_changes: Vec::new(),
        },
        rows,
    };
    out.summary.top_changes = changed.iter().take(5).map(|&(d, i)| (out.path(i), DurationNs(d))).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::ids::{SpanId, TraceId};
    use crate::time::TimestampNs;
    use crate::trace::StatusCode;

    /// A trace from (id, parent, service, name, start, duration, error) tuples; ids are small integers, 0 = no
    /// parent.
    fn build(spans: &[(u64, u64, &str, &str, i64, i64, bool)]) -> Trace {
        let mut b = TraceSetBuilder::new();
        let mut d = SpanDraft::default();
        for &(id, parent, service, name, start, duration, error) in spans {
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
            d.name = b.intern(name);
            d.resource = b.add_resource(service, &[]);
            d.start = Some(TimestampNs(start));
            d.duration = Some(DurationNs(duration));
            d.status = if error { StatusCode::Error } else { StatusCode::Unset };
            b.add_span(&mut d);
        }
        b.finish(&BuildOptions::default()).remove(0)
    }

    // frontend:GET /checkout [0,1000)
    // ├── cart:GetCart [10,110)
    // │   └── cart:HGET [20,25)
    // ├── db:SELECT items ×3, 10 each, from 200
    // └── legacy:audit [300,320)
    fn before() -> Trace {
        build(&[
            (1, 0, "frontend", "GET /checkout", 0, 1000, false),
            (2, 1, "cart", "GetCart", 10, 100, false),
            (7, 2, "cart", "HGET", 20, 5, false),
            (3, 1, "db", "SELECT items", 200, 10, false),
            (4, 1, "db", "SELECT items", 210, 10, false),
            (5, 1, "db", "SELECT items", 220, 10, false),
            (6, 1, "legacy", "audit", 300, 20, false),
        ])
    }

    // frontend:GET /checkout [0,1385)   the same self time (850) as before
    // ├── cart:GetCart [10,410)         300 slower
    // │   └── cart:HGET [20,25)
    // ├── db:SELECT items ×12, 10 each, from 500, one failing
    // └── email:notify [700,715)        new
    fn after() -> Trace {
        let mut spans = vec![
            (1, 0, "frontend", "GET /checkout", 0, 1385, false),
            (2, 1, "cart", "GetCart", 10, 400, false),
            (7, 2, "cart", "HGET", 20, 5, false),
            (30, 1, "email", "notify", 700, 15, false),
        ];
        for k in 0..12 {
            spans.push((10 + k, 1, "db", "SELECT items", 500 + 10 * k as i64, 10, k == 4));
        }
        build(&spans)
    }

    fn counts(r: &DiffRow) -> (&str, u32, Option<u32>, Option<u32>, i64) {
        (r.label.as_str(), r.depth, r.a.as_ref().map(|s| s.count), r.b.as_ref().map(|s| s.count), r.delta.0)
    }

    #[test]
    fn added_removed_slower_and_repeated_spans() {
        let (a, b) = (before(), after());
        let d = diff(&a, &b);
        let rows: Vec<_> = d.rows.iter().map(counts).collect();
        assert_eq!(
            rows,
            [
                ("frontend:GET /checkout", 0, Some(1), Some(1), 385),
                ("cart:GetCart", 1, Some(1), Some(1), 300),
                ("cart:HGET", 2, Some(1), Some(1), 0),
                ("db:SELECT items", 1, Some(3), Some(12), 90),
                ("legacy:audit", 1, Some(1), None, -20),
                ("email:notify", 1, None, Some(1), 15),
            ]
        );
        let parents: Vec<Option<u32>> = d.rows.iter().map(|r| r.parent).collect();
        assert_eq!(parents, [None, Some(0), Some(1), Some(0), Some(0), Some(0)]);
        assert_eq!(d.path(2), "frontend:GET /checkout > cart:GetCart > cart:HGET");

        let select = &d.rows[3];
        let (sa, sb) = (select.a.as_ref().unwrap(), select.b.as_ref().unwrap());
        assert_eq!((sa.total, sa.self_total, sa.errors), (DurationNs(30), DurationNs(30), 0));
        assert_eq!((sb.total, sb.self_total, sb.errors), (DurationNs(120), DurationNs(120), 1));
        assert!(sa.spans.iter().all(|&s| a.name(s) == "SELECT items") && sa.spans.len() == 3);
        assert!(sb.spans.iter().all(|&s| b.name(s) == "SELECT items") && sb.spans.len() == 12);
        assert_eq!(d.rows[1].self_delta(), DurationNs(300));
        assert_eq!(d.rows[0].self_delta(), DurationNs(0));

        let s = &d.summary;
        assert_eq!((s.duration_a, s.duration_b), (DurationNs(1000), DurationNs(1385)));
        assert_eq!((s.added, s.removed), (1, 1));
        assert_eq!(
            s.top_changes,
            [
                ("frontend:GET /checkout > cart:GetCart".to_string(), DurationNs(300)),
                ("frontend:GET /checkout > db:SELECT items".to_string(), DurationNs(90)),
                ("frontend:GET /checkout > legacy:audit".to_string(), DurationNs(-20)),
                ("frontend:GET /checkout > email:notify".to_string(), DurationNs(15)),
            ]
        );
        // The other way round, everything flips.
        let back = diff(&b, &a);
        assert_eq!((back.summary.added, back.summary.removed), (1, 1));
        assert_eq!(back.rows.iter().map(|r| r.delta.0).collect::<Vec<_>>(), [-385, -300, 0, -90, 20, -15]);
        assert_eq!(
            back.summary.top_changes[0],
            ("frontend:GET /checkout > cart:GetCart".to_string(), DurationNs(-300))
        );
    }

    #[test]
    fn a_trace_against_itself_changes_nothing() {
        for t in [before(), crate::demo::checkout_incident(), crate::demo::storefront()] {
            let d = diff(&t, &t);
            assert_eq!((d.summary.added, d.summary.removed), (0, 0));
            assert!(d.summary.top_changes.is_empty());
            assert!(d.rows.iter().all(|r| r.delta == DurationNs::ZERO && r.a == r.b));
            assert_eq!(d.summary.duration_a, d.summary.duration_b);
        }
    }

    /// Every span of each side is on exactly one row, and rows come in tree order.
    fn check_sides(d: &TraceDiff, a: &Trace, b: &Trace) {
        for (side, t) in [(0, a), (1, b)] {
            let mut seen = vec![0u32; t.len()];
            let mut count = 0;
            for r in &d.rows {
                let Some(s) = (if side == 0 { &r.a } else { &r.b }) else { continue };
                count += s.count as usize;
                assert_eq!(s.spans.len(), s.count as usize);
                for &x in &s.spans {
                    seen[x.ix()] += 1;
                    assert_eq!(r.label, format!("{}:{}", t.service(x), t.name(x)));
                    assert_eq!(r.depth, t.depth_of(x));
                }
            }
            assert_eq!(count, t.len());
            assert!(seen.iter().all(|&k| k == 1));
        }
        for (i, r) in d.rows.iter().enumerate() {
            assert!(r.a.is_some() || r.b.is_some());
            match r.parent {
                Some(p) => assert!((p as usize) < i && d.rows[p as usize].depth + 1 == r.depth),
                None => assert_eq!(r.depth, 0),
            }
        }
    }

    #[test]
    fn the_two_demos_against_each_other() {
        let (a, b) = (crate::demo::checkout_incident(), crate::demo::storefront());
        let d = diff(&a, &b);
        check_sides(&d, &a, &b);
        // Different root operations: nothing is shared.
        assert_eq!((d.summary.added + d.summary.removed) as usize, d.rows.len());
        assert_eq!(d.rows.iter().filter(|r| r.depth == 0).count(), 2);
        assert_eq!(d.rows[0].label, "order-service:POST /api/orders/{orderId}/checkout");
        assert_eq!(d.summary.top_changes.len(), 5);
        // The N+1: twelve inventory queries on one row.
        let n1 = d.rows.iter().find(|r| r.label == "inventory-service:SELECT inventory").unwrap();
        assert_eq!(n1.a.as_ref().unwrap().count, 12);
        let d2 = diff(&b, &a);
        check_sides(&d2, &b, &a);
    }

    #[test]
    fn a_very_deep_chain_needs_no_recursion() {
        let spans: Vec<(u64, u64, i64, i64)> = (1..=100_000u64).map(|i| (i, i - 1, i as i64, 1_000_000)).collect();
        let a = crate::testing::trace(&spans);
        let b = crate::testing::trace(&spans[..50_000]);
        let d = diff(&a, &b);
        assert_eq!(d.rows.len(), 100_000);
        assert_eq!(d.rows[99_999].depth, 99_999);
        assert_eq!((d.summary.added, d.summary.removed), (0, 50_000));
        assert_eq!(d.path(2), "svc:op1 > svc:op2 > svc:op3");
        check_sides(&d, &a, &b);
    }
}
