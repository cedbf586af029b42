//! The service map of a trace: services as nodes (spans, errors, self time), calls as arrows with their counts
//! and error counts, laid out left to right by `spanscope_model::servicemap`. Clicking a service or an arrow
//! shows its spans in the waterfall ("matches only").
//!
//! The drawing is in CSS pixels: a column per layer, as wide as the longest label needs, and a row per service
//! of the fullest column. It shrinks to fit the view down to 85% of that size (labels stay legible), and
//! beyond that the view scrolls; it is never stretched or squeezed to a fixed frame.

use crate::colors::service_color;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::servicemap::{layout, service_map, spans_of_edge, spans_of_node};

/// Height of a row: a node's circle (radius 22) and its two lines of text take 78 px of it.
const ROW_PX: f64 = 100.0;
/// Above the first row and below the last.
const PAD_PX: f64 = 12.0;
/// From a node's centre up to the middle of its block (circle top −22, text bottom +56).
const BLOCK_MID_PX: f64 = 17.0;
/// Service names longer than this are shortened with "…" (the whole name is in the node's tooltip).
const NAME_CHARS: usize = 32;
/// Text widths, estimated per character: the name (12.5 px, bold) and the facts line (11 px).
const NAME_CHAR_PX: f64 = 7.8;
const FACTS_CHAR_PX: f64 = 6.4;

fn shortened(name: &str) -> String {
    if name.chars().count() <= NAME_CHARS {
        name.to_string()
    } else {
        name.chars().take(NAME_CHARS - 1).chain(std::iter::once('…')).collect()
    }
}

/// The service map view.
#[component]
pub fn ServiceMapView(view: TraceView) -> impl IntoView {
    let trace = view.trace();
    let map = view.self_times.with_value(|st| service_map(&trace, st));
    let facts: Vec<String> = map.nodes.iter().map(|n| format!("{} spans · self {}", n.spans, n.self_time)).collect();
    let label_px = map
        .nodes
        .iter()
        .zip(&facts)
        .map(|(n, f)| {
            let name = n.name.chars().count().min(NAME_CHARS) as f64 * NAME_CHAR_PX;
            name.max(f.chars().count() as f64 * FACTS_CHAR_PX)
        })
        .fold(0.0, f64::max);
    let column_px = (label_px + 48.0).clamp(170.0, 320.0);
    let grid = layout(&map);
    let (w, h) = (grid.layers as f64 * column_px, grid.widest as f64 * ROW_PX + 2.0 * PAD_PX);
    let places: Vec<(f64, f64)> =
        grid.at.iter().map(|&(x, y)| (x * w, PAD_PX + y * grid.widest as f64 * ROW_PX - BLOCK_MID_PX)).collect();
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
            let label = shortened(&name);
            let facts = facts.get(i).cloned().unwrap_or_default();
            let tooltip = format!("{name}\n{facts}{}", if n.errors > 0 { format!(", {} errors", n.errors) } else { String::new() });
            view! {
                <g class="map-node" class:error={n.errors > 0} data-testid="map-node" data-service=n.name.clone()
                    data-spans=n.spans data-errors=n.errors
                    on:click=move |_| view.pin(format!("service {name}"), view.trace.with_value(|t| spans_of_node(t, service)))>
                    <title>{tooltip}</title>
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
            <div class="map-frame">
            <svg viewBox=format!("0 0 {w} {h}") width=w height=h class="service-map" role="img" aria-label="Service map"
                style=format!("min-width: {:.0}px; min-height: {:.0}px", 0.85 * w, 0.85 * h)>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="30" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head"></path>
                    </marker>
                </defs>
                {edges}
                {nodes}
            </svg>
            </div>
        </section>
    }
}
