//! The trace's service map: which services called which, how often, with how many errors and how much time
//! ([`service_map`]), a layered layout to draw it ([`layout`]), and the spans behind a node or an edge, to
//! highlight them when one is clicked ([`spans_of_node`], [`spans_of_edge`]).
//!
//! A call is a parent→child pair of spans of different services, counted once per child span (the span that
//! starts work in the new service). Same-service pairs are not calls, so there are no self-loops.

use crate::order;
use crate::spanset::SpanSet;
use crate::time::DurationNs;
use crate::trace::{SpanIdx, Trace};
use hashbrown::HashMap;

/// One service of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceNode {
    /// Service index (see [`Trace::service_name`]).
    pub service: u32,
    pub name: String,
    /// Spans of this service.
    pub spans: u32,
    /// Of those, spans with error status.
    pub errors: u32,
    /// Sum of the self times of its spans.
    pub self_time: DurationNs,
}

/// Calls from one service to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceEdge {
    pub from: u32,
    pub to: u32,
    /// Child spans of `to` under a parent span of `from`.
    pub calls: u32,
    /// Calls whose child-side span is an error.
    pub errors: u32,
    /// Sum of the durations of the child-side spans.
    pub total: DurationNs,
}

/// Nodes in order of first appearance in the trace's pre-order (so the root span's service comes first); edges in
/// order of their first call in pre-order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceMap {
    pub nodes: Vec<ServiceNode>,
    pub edges: Vec<ServiceEdge>,
}

/// Where [`layout`] puts the nodes of a [`ServiceMap`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapLayout {
    /// Each node's centre (in the map's node order), as fractions of the drawing's width and height.
    pub at: Vec<(f64, f64)>,
    /// Columns: the longest chain of calls, in services.
    pub layers: usize,
    /// Rows: the most services in one column.
    pub widest: usize,
}

/// The service map of `trace`, given its [`crate::analysis::self_times`]. One pass over the spans: O(n) with a
/// hash lookup per call.
pub fn service_map(trace: &Trace, self_times: &[DurationNs]) -> ServiceMap {
    let mut map = ServiceMap::default();
    // Service index → node position.
    let mut node_of: Vec<u32> = vec![u32::MAX; trace.services().iter().max().map_or(0, |&m| m as usize + 1)];
    let mut edge_of: HashMap<(u32, u32), usize> = HashMap::new();
    for s in trace.spans() {
        let svc = trace.service_index(s);
        if node_of.len() <= svc as usize {
            node_of.resize(svc as usize + 1, u32::MAX);
        }
        if node_of[svc as usize] == u32::MAX {
            node_of[svc as usize] = map.nodes.len() as u32;
            map.nodes.push(ServiceNode {
                service: svc,
                name: trace.service_name(svc).to_string(),
                spans: 0,
                errors: 0,
                self_time: DurationNs::ZERO,
            });
        }
        let error = trace.is_error(s);
        let node = &mut map.nodes[node_of[svc as usize] as usize];
        node.spans += 1;
        node.errors += error as u32;
        node.self_time.0 = node.self_time.0.saturating_add(self_times.get(s.ix()).map_or(0, |d| d.0));
        let Some(p) = trace.parent(s) else { continue };
        let from = trace.service_index(p);
        if from == svc {
            continue;
        }
        let k = *edge_of.entry((from, svc)).or_insert_with(|| {
            map.edges.push(ServiceEdge { from, to: svc, calls: 0, errors: 0, total: DurationNs::ZERO });
            map.edges.len() - 1
        });
        let e = &mut map.edges[k];
        e.calls += 1;
        e.errors += error as u32;
        e.total.0 = e.total.0.saturating_add(trace.duration_of(s).0);
    }
    map
}

/// A layered layout for drawing: each node's (x, y) in the unit square, in the order of `map.nodes`.
///
/// 1. **Layers.** A depth-first search (iterative) starts from the first node (the root span's service), then from
///    every node without incoming edges, then from any node still unvisited; edges back to a node on the search
///    path close a cycle and are set aside (they are the only edges drawn right to left). The rest form a DAG;
///    each node's layer is its longest path from a start, relaxed in topological order.
/// 2. **Order within a layer**: first appearance, then two rounds of barycenter sweeps (down the layers by the
///    mean position of neighbours in earlier layers, back up by those in later layers), which removes most
///    crossings.
/// 3. **Coordinates**: x = (layer + ½) / layers, y = (rank + ½) / layer size, so all are inside (0, 1) and no two
///    nodes share a point. With the number of layers and the size of the largest, a view gives each layer a
///    column and each rank a row of a size that keeps the labels legible (see [`MapLayout`]).
///
/// O((V + E) log V) for V services and E edges.
pub fn layout(map: &ServiceMap) -> MapLayout {
    let v = map.nodes.len();
    if v == 0 {
        return MapLayout::default();
    }
    let pos: HashMap<u32, usize> = map.nodes.iter().enumerate().map(|(i, n)| (n.service, i)).collect();
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); v];
    let mut in_degree = vec![0u32; v];
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); v];
    for e in &map.edges {
        let (Some(&a), Some(&b)) = (pos.get(&e.from), pos.get(&e.to)) else { continue };
        if a == b {
            continue;
        }
        out_edges[a].push(b);
        in_degree[b] += 1;
        neighbours[a].push(b);
        neighbours[b].push(a);
    }

    // 1. Depth-first search: post-order, and which edges go back to the search path.
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; v];
    let mut back: Vec<Vec<bool>> = out_edges.iter().map(|o| vec![false; o.len()]).collect();
    let mut post = Vec::with_capacity(v);
    let starts = std::iter::once(0).chain((1..v).filter(|&i| in_degree[i] == 0)).chain(0..v);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in starts {
        if state[start] != State::New {
            continue;
        }
        state[start] = State::OnPath;
        stack.push((start, 0));
        while let Some(top) = stack.last_mut() {
            let (u, k) = *top;
            if k == out_edges[u].len() {
                state[u] = State::Done;
                post.push(u);
                stack.pop();
                continue;
            }
            top.1 += 1;
            let w = out_edges[u][k];
            match state[w] {
                State::New => {
                    state[w] = State::OnPath;
                    stack.push((w, 0));
                }
                State::OnPath => back[u][k] = true,
                State::Done => {}
            }
        }
    }
    let mut layer = vec![0usize; v];
    for &u in post.iter().rev() {
        for (k, &w) in out_edges[u].iter().enumerate() {
            if !back[u][k] {
                layer[w] = layer[w].max(layer[u] + 1);
            }
        }
    }
    let layers = layer.iter().max().map_or(0, |&m| m + 1);

    // 2. Order within layers.
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, &l) in layer.iter().enumerate() {
        rows[l].push(i);
    }
    let mut y = vec![0.0f64; v];
    let place = |row: &[usize], y: &mut [f64]| {
        for (rank, &i) in row.iter().enumerate() {
            y[i] = (rank as f64 + 0.5) / row.len() as f64;
        }
    };
    for row in &rows {
        place(row, &mut y);
    }
    let sweep = |l: usize, earlier: bool, rows: &mut [Vec<usize>], y: &mut [f64]| {
        let mut keyed: Vec<(f64, usize)> = rows[l]
            .iter()
            .map(|&i| {
                let (sum, count) = neighbours[i]
                    .iter()
                    .filter(|&&j| if earlier { layer[j] < l } else { layer[j] > l })
                    .fold((0.0, 0u32), |(s, c), &j| (s + y[j], c + 1));
                (if count == 0 { y[i] } else { sum / count as f64 }, i)
            })
            .collect();
        // Stable: ties keep their current order.
        order::sort_by_key(&mut keyed, |&(y, _)| order::f64_key(y));
        rows[l] = keyed.into_iter().map(|(_, i)| i).collect();
        place(&rows[l], y);
    };
    for _ in 0..2 {
        for l in 1..layers {
            sweep(l, true, &mut rows, &mut y);
        }
        for l in (0..layers.saturating_sub(1)).rev() {
            sweep(l, false, &mut rows, &mut y);
        }
    }

    // 3. Coordinates.
    MapLayout {
        at: (0..v).map(|i| ((layer[i] as f64 + 0.5) / layers as f64, y[i])).collect(),
        layers,
        widest: rows.iter().map(Vec::len).max().unwrap_or(0),
    }
}

/// The spans of one service (to highlight a clicked node). O(n).
pub fn spans_of_node(trace: &Trace, service: u32) -> SpanSet {
    let mut set = SpanSet::with_len(trace.len());
    for s in trace.spans().filter(|&s| trace.service_index(s) == service) {
        set.insert(s);
    }
    set
}

/// The child-side spans of the calls from `from` to `to` (to highlight a clicked edge): spans of `to` whose parent
/// is a span of `from`. Empty when `from == to` (same-service pairs are not calls). O(n).
pub fn spans_of_edge(trace: &Trace, from: u32, to: u32) -> SpanSet {
    let mut set = SpanSet::with_len(trace.len());
    if from == to {
        return set;
    }
    let is_call =
        |s: SpanIdx| trace.service_index(s) == to && trace.parent(s).is_some_and(|p| trace.service_index(p) == from);
    for s in trace.spans().filter(|&s| is_call(s)) {
        set.insert(s);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::self_times;
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::ids::{SpanId, TraceId};
    use crate::time::TimestampNs;
    use crate::trace::StatusCode;

    /// A trace from (id, parent, service, start, duration, error) tuples; ids are small integers, 0 = no parent.
    fn build(spans: &[(u64, u64, &str, i64, i64, bool)]) -> Trace {
        let mut b = TraceSetBuilder::new();
        let mut d = SpanDraft::default();
        for &(id, parent, service, start, duration, error) in spans {
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
            d.name = b.intern(&format!("op{id}"));
            d.resource = b.add_resource(service, &[]);
            d.start = Some(TimestampNs(start));
            d.duration = Some(DurationNs(duration));
            d.status = if error { StatusCode::Error } else { StatusCode::Unset };
            b.add_span(&mut d);
        }
        b.finish(&BuildOptions::default()).remove(0)
    }

    fn map_of(t: &Trace) -> ServiceMap {
        service_map(t, &self_times(t))
    }

    fn nodes(m: &ServiceMap) -> Vec<(&str, u32, u32)> {
        m.nodes.iter().map(|n| (n.name.as_str(), n.spans, n.errors)).collect()
    }

    fn edges<'m>(t: &'m Trace, m: &ServiceMap) -> Vec<(&'m str, &'m str, u32, u32, i64)> {
        m.edges.iter().map(|e| (t.service_name(e.from), t.service_name(e.to), e.calls, e.errors, e.total.0)).collect()
    }

    /// Checks what every layout must satisfy; returns the edges drawn right to left.
    fn check_layout(m: &ServiceMap, grid: &MapLayout) -> Vec<(u32, u32)> {
        let xy = &grid.at;
        assert_eq!(xy.len(), m.nodes.len());
        // Columns and rows: as many as the distinct x, and as the most nodes sharing one.
        let mut xs: Vec<u64> = xy.iter().map(|&(x, _)| x.to_bits()).collect();
        xs.sort_unstable();
        let runs: Vec<usize> = xs.chunk_by(|a, b| a == b).map(<[u64]>::len).collect();
        assert_eq!((grid.layers, grid.widest), (runs.len(), runs.iter().copied().max().unwrap_or(0)));
        for (i, &(x, y)) in xy.iter().enumerate() {
            assert!(x > 0.0 && x < 1.0 && y > 0.0 && y < 1.0, "node {i} at {x},{y}");
            for &(x2, y2) in &xy[..i] {
                assert!((x, y) != (x2, y2), "node {i} shares a point");
            }
        }
        let at = |s: u32| xy[m.nodes.iter().position(|n| n.service == s).unwrap()];
        m.edges.iter().filter(|e| at(e.from).0 >= at(e.to).0).map(|e| (e.from, e.to)).collect()
    }

    const MS: i64 = 1_000_000;

    #[test]
    fn checkout_incident_has_three_services_and_two_kinds_of_calls() {
        let t = crate::demo::demo("checkout-incident").unwrap();
        let m = map_of(&t);
        assert_eq!(nodes(&m), [("order-service", 8, 1), ("inventory-service", 14, 0), ("pricing-service", 6, 1)]);
        assert_eq!(
            edges(&t, &m),
            [
                ("order-service", "inventory-service", 1, 0, 3_426_100_000),
                // Two quotes; the promotion one fails on the pricing side.
                ("order-service", "pricing-service", 2, 1, 2 * 137 * MS),
            ]
        );
        // Every pricing span lies inside one of the two quote servers, so their self times add up to them.
        assert_eq!(m.nodes[2].self_time, DurationNs(2 * 137 * MS));
        let all: i64 = self_times(&t).iter().map(|d| d.0).sum();
        assert_eq!(m.nodes.iter().map(|n| n.self_time.0).sum::<i64>(), all);

        let pricing = m.nodes[2].service;
        assert_eq!(spans_of_node(&t, pricing).count(), 6);
        let calls = spans_of_edge(&t, m.nodes[0].service, pricing);
        assert_eq!(calls.count(), 2);
        assert!(calls
            .iter()
            .all(|s| t.name(s) == "pricing.v1.PricingService/Quote" && t.service(s) == "pricing-service"));
        assert_eq!(calls.iter().filter(|&s| t.is_error(s)).count(), 1);
        assert!(spans_of_edge(&t, pricing, m.nodes[0].service).is_empty());
        assert!(spans_of_edge(&t, pricing, pricing).is_empty());

        let grid = layout(&m);
        assert!(check_layout(&m, &grid).is_empty());
        assert_eq!((grid.layers, grid.widest), (2, 2));
        let xy = grid.at;
        assert_eq!(xy[0].0, 0.25);
        assert_eq!((xy[1].0, xy[2].0), (0.75, 0.75));
    }

    #[test]
    fn storefront_has_ten_services_and_ten_edges() {
        let t = crate::demo::demo("storefront").unwrap();
        let m = map_of(&t);
        assert_eq!(
            nodes(&m),
            [
                ("web-frontend", 2, 0),
                ("api-gateway", 3, 0),
                ("checkout-service", 11, 0),
                ("cart-service", 3, 0),
                ("product-catalog", 10, 0),
                ("payment-service", 5, 1),
                ("fraud-detection", 4, 0),
                ("shipping-service", 2, 0),
                ("recommendation-service", 13, 0),
                ("email-service", 3, 0),
            ]
        );
        assert_eq!(m.nodes.iter().map(|n| n.spans as usize).sum::<usize>(), t.len());
        let calls: Vec<(&str, &str, u32, u32)> =
            edges(&t, &m).into_iter().map(|(a, b, c, e, _)| (a, b, c, e)).collect();
        assert_eq!(
            calls,
            [
                ("web-frontend", "api-gateway", 1, 0),
                ("api-gateway", "checkout-service", 1, 0),
                ("checkout-service", "cart-service", 1, 0),
                ("checkout-service", "product-catalog", 4, 0),
                ("checkout-service", "payment-service", 1, 0),
                // The first fraud check timed out on the payment (client) side, not in fraud-detection.
                ("payment-service", "fraud-detection", 2, 0),
                ("checkout-service", "shipping-service", 1, 0),
                ("checkout-service", "recommendation-service", 1, 0),
                ("recommendation-service", "product-catalog", 1, 0),
                ("checkout-service", "email-service", 1, 0),
            ]
        );
        let catalog = &m.edges[3];
        assert_eq!(catalog.total, DurationNs(79 * MS)); // 16 + 18.5 + 21 + 23.5 ms
        assert_eq!(spans_of_edge(&t, catalog.from, catalog.to).count(), 4);

        let grid = layout(&m);
        assert!(check_layout(&m, &grid).is_empty());
        let xy = grid.at;
        // Longest path: the catalog is called by the recommendation service, so it sits one layer further right.
        let x_of = |name: &str| xy[m.nodes.iter().position(|n| n.name == name).unwrap()].0;
        assert!(x_of("web-frontend") < x_of("api-gateway") && x_of("api-gateway") < x_of("checkout-service"));
        assert_eq!(x_of("cart-service"), x_of("recommendation-service"));
        assert!(x_of("recommendation-service") < x_of("product-catalog"));
    }

    // A → B → A → C: B calls back into A.
    #[test]
    fn a_call_cycle_is_one_back_edge() {
        let t = build(&[
            (1, 0, "a", 0, 100, false),
            (2, 1, "b", 10, 80, false),
            (3, 2, "a", 20, 60, true),
            (4, 3, "c", 30, 10, false),
        ]);
        let m = map_of(&t);
        assert_eq!(nodes(&m), [("a", 2, 1), ("b", 1, 0), ("c", 1, 0)]);
        assert_eq!(edges(&t, &m), [("a", "b", 1, 0, 80), ("b", "a", 1, 1, 60), ("a", "c", 1, 0, 10)]);
        let grid = layout(&m);
        let backwards = check_layout(&m, &grid);
        let xy = grid.at;
        assert_eq!(backwards, [(m.nodes[1].service, m.nodes[0].service)]);
        assert_eq!(xy[0].0, 0.25);
        assert_eq!(xy[1].0, 0.75);
        assert_eq!(spans_of_edge(&t, m.nodes[1].service, m.nodes[0].service).iter().collect::<Vec<_>>(), [SpanIdx(2)]);
    }

    fn node(service: u32) -> ServiceNode {
        ServiceNode { service, name: format!("s{service}"), spans: 1, errors: 0, self_time: DurationNs::ZERO }
    }

    fn edge(from: u32, to: u32) -> ServiceEdge {
        ServiceEdge { from, to, calls: 1, errors: 0, total: DurationNs::ZERO }
    }

    #[test]
    fn cycles_without_any_root_still_terminate() {
        // A ring where every node has an incoming edge, and a second ring not reachable from the first node.
        let m = ServiceMap {
            nodes: (0..6).map(node).collect(),
            edges: vec![edge(0, 1), edge(1, 2), edge(2, 0), edge(3, 4), edge(4, 5), edge(5, 3), edge(4, 3)],
        };
        let backwards = check_layout(&m, &layout(&m));
        assert_eq!(backwards, [(2, 0), (5, 3), (4, 3)]);
        assert_eq!(layout(&ServiceMap::default()), MapLayout::default());
        assert_eq!(
            layout(&ServiceMap { nodes: vec![node(7)], edges: vec![] }),
            MapLayout { at: vec![(0.5, 0.5)], layers: 1, widest: 1 }
        );
    }

    /// Pairs of edges between the same two layers that cross.
    fn crossings(m: &ServiceMap, xy: &[(f64, f64)]) -> usize {
        let at = |s: u32| xy[s as usize];
        let mut n = 0;
        for (i, e) in m.edges.iter().enumerate() {
            for f in &m.edges[..i] {
                let (a, b, c, d) = (at(e.from), at(e.to), at(f.from), at(f.to));
                if a.0 == c.0 && b.0 == d.0 && (a.1 - c.1) * (b.1 - d.1) < 0.0 {
                    n += 1;
                }
            }
        }
        n
    }

    //      ┌→ 1 → 4
    //  0 ──┤
    //      └→ 2 → 3
    // In first-appearance order, layer 2 is [3, 4]: both edges into it cross until the sweep swaps them.
    #[test]
    fn barycenter_sweeps_remove_crossings() {
        let m = ServiceMap {
            nodes: (0..5).map(node).collect(),
            edges: vec![edge(0, 1), edge(0, 2), edge(1, 4), edge(2, 3)],
        };
        let grid = layout(&m);
        assert!(check_layout(&m, &grid).is_empty());
        let xy = grid.at;
        assert_eq!(crossings(&m, &xy), 0);
        assert!(xy[4].1 < xy[3].1);
    }

    #[test]
    fn layout_of_a_wide_fan_out_stays_in_range() {
        let mut m = ServiceMap { nodes: (0..200).map(node).collect(), edges: Vec::new() };
        for i in 1..200 {
            m.edges.push(edge((i - 1) / 3, i));
        }
        m.edges.push(edge(150, 2));
        assert!(check_layout(&m, &layout(&m)).is_empty());
    }
}
