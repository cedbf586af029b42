//! The service map of a trace: services as nodes (spans, errors, self time), calls as arrows with their counts
//! and error counts, laid out left to right by `spanscope_model::servicemap`. Clicking a service or an arrow
//! shows its spans in the waterfall ("matches only").

use crate::colors::service_color;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::servicemap::{layout, service_map, spans_of_edge, spans_of_node};

const W: f64 = 1000.0;
const H: f64 = 520.0;
const PAD: f64 = 90.0;

/// The service map view.
#[component]
pub fn ServiceMapView(view: TraceView) -> impl IntoView {
    let trace = view.trace();
    let map = view.self_times.with_value(|st| service_map(&trace, st));
    let places: Vec<(f64, f64)> =
        layout(&map).into_iter().map(|(x, y)| (PAD + x * (W - 2.0 * PAD), PAD / 2.0 + y * (H - PAD))).collect();
    let at = |service: u32| -> (f64, f64) {
        map.nodes.iter().position(|n| n.service == service).and_then(|i| places.get(i).copied()).unwrap_or((0.0, 0.0))
    };
    let edges = map
        .edges
        .iter()
        .map(|e| {
            let ((x1, y1), (x2, y2)) = (at(e.from), at(e.to));
            let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 - 8.0);
            let (from, to) = (e.from, e.to);
            let calls = if e.calls == 1 { "1 call".to_string() } else { format!("{} calls", e.calls) };
            let label = if e.errors > 0 { format!("{calls}, {} err", e.errors) } else { calls };
            let name = format!("{} → {}", trace.service_name(from), trace.service_name(to));
            view! {
                <g class="map-edge" class:error={e.errors > 0} data-testid="map-edge" data-from=trace.service_name(from).to_string()
                    data-to=trace.service_name(to).to_string() data-calls=e.calls data-errors=e.errors
                    on:click=move |_| view.pin(format!("calls {name}"), view.trace.with_value(|t| spans_of_edge(t, from, to)))>
                    <line x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#arrow)"></line>
                    <text x=mx y=my text-anchor="middle">{label}</text>
                </g>
            }
        })
        .collect_view();
    let nodes = map
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let (x, y) = places.get(i).copied().unwrap_or((0.0, 0.0));
            let service = n.service;
            let name = n.name.clone();
            let label = name.clone();
            let facts = format!("{} spans · self {}", n.spans, n.self_time);
            view! {
                <g class="map-node" class:error={n.errors > 0} data-testid="map-node" data-service=n.name.clone()
                    data-spans=n.spans data-errors=n.errors
                    on:click=move |_| view.pin(format!("service {name}"), view.trace.with_value(|t| spans_of_node(t, service)))>
                    <circle cx=x cy=y r="22" fill=service_color(service)></circle>
                    <text x=x y={y + 38.0} text-anchor="middle" class="map-name">{label}</text>
                    <text x=x y={y + 52.0} text-anchor="middle" class="map-facts">{facts}</text>
                    {(n.errors > 0).then(|| view! { <text x=x y={y + 5.0} text-anchor="middle" class="map-err">{n.errors.to_string()}</text> })}
                </g>
            }
        })
        .collect_view();
    view! {
        <section class="map-view" data-testid="service-map">
            <p class="muted">"Services of this trace and the calls between them. Click a service or an arrow to see its spans."</p>
            <svg viewBox=format!("0 0 {W} {H}") class="service-map" role="img" aria-label="Service map">
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="30" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
                    </marker>
                </defs>
                {edges}
                {nodes}
            </svg>
        </section>
    }
}
