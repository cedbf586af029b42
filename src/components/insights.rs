//! The insights panel, shown when a trace opens: repeated calls (N+1) with a button that shows just those spans,
//! where the time goes (critical path by service and operation, top self time), where errors originate (with the
//! chain up to the root), and shape notes (sequential calls that could run in parallel, long waits). Computed
//! once per trace (and per setting) by `spanscope_model::insights::insights_pausing`, in slices.

use crate::loader::YieldEvery;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::insights::{insights_pausing, InsightOptions, Insights as Found};
use spanscope_model::spanset::SpanSet;
use spanscope_model::{DurationNs, SpanIdx};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The longest the insights run before the browser may paint (as the page's decode, `DECODE_SLICE_MS`).
const INSIGHTS_SLICE_MS: f64 = 50.0;

/// Pins `spans` in the waterfall under `label`.
fn pin(view: TraceView, label: String, spans: &[SpanIdx]) {
    let mut set = SpanSet::with_len(view.trace.with_value(|t| t.len()));
    for &s in spans {
        set.insert(s);
    }
    view.pin(label, set);
}

/// The insights of the trace.
#[component]
pub fn Insights(view: TraceView) -> impl IntoView {
    // Computed after the waterfall's first paint, so a large trace shows at once and the insights follow. At 1M
    // spans they take a few tenths of a second, in slices of about `INSIGHTS_SLICE_MS` with the browser painting
    // in between, so the waterfall scrolls meanwhile. A run started for an earlier setting (the fewest repeats)
    // that ends later is dropped.
    let found = RwSignal::new(None::<Arc<Found>>);
    let min_repeats = use_context::<crate::state::AppState>().map(|a| a.min_repeats);
    let latest = Rc::new(Cell::new(0u32));
    Effect::new(move |_| {
        let min = min_repeats.map(|m| m.get()).unwrap_or(InsightOptions::default().min_repeats);
        let run = latest.get().wrapping_add(1);
        latest.set(run);
        let latest = latest.clone();
        leptos::task::spawn_local(async move {
            crate::loader::yield_to_browser().await;
            // The page may have closed meanwhile.
            let (Some(trace), Some(st)) = (view.trace.try_get_value(), view.self_times.try_get_value()) else {
                return;
            };
            let path = view.critical_path();
            crate::loader::yield_to_browser().await;
            let opts = InsightOptions { min_repeats: min, ..InsightOptions::default() };
            let mut slices = YieldEvery::new(INSIGHTS_SLICE_MS);
            let f = insights_pausing(&trace, &opts, &st, &path, &mut slices).await;
            if latest.get() == run {
                let _ = found.try_set(Some(Arc::new(f)));
            }
        });
    });
    let open = RwSignal::new(true);
    let summary = move || {
        let Some(f) = found.get() else { return "looking…".to_string() };
        let mut parts = Vec::new();
        if !f.repeated.is_empty() {
            parts.push(plural(f.repeated.len(), "repeated-call pattern"));
        }
        if !f.errors.is_empty() {
            parts.push(plural(f.errors.len(), "error origin"));
        }
        if !f.sequential.is_empty() || !f.gaps.is_empty() {
            parts.push(plural(f.sequential.len() + f.gaps.len(), "shape note"));
        }
        if parts.is_empty() {
            "no repeated calls, errors or waits found".to_string()
        } else {
            parts.join(" · ")
        }
    };

    let body = move || {
        let t = view.trace();
        let f = found.get()?;
        let link = move |s: SpanIdx, text: String| {
            view! { <button class="link" on:click=move |_| view.select(s)>{text}</button> }.into_any()
        };
        let repeated = f
            .repeated
            .iter()
            .map(|r| {
                let spans = r.spans.clone();
                let label = format!("N+1: {} ×{}", r.child_name, r.count);
                view! {
                    <li class="insight n-plus-one" data-testid="insight-n-plus-one" data-parent-span-id=t.span_id_text(r.parent)
                        data-parent-name=r.parent_name.clone() data-child-name=r.child_name.clone() data-count=r.count>
                        <div>
                            <span class="insight-kind">"Repeated calls"</span>
                            <strong>{format!("{} × {}", r.count, r.child_name)}</strong>
                            {format!(" ({}) under ", r.service)}
                            {link(r.parent, r.parent_name.clone())}
                            {format!(
                                " — {} in calls ({:.0}% of the trace), {:.0}% of them back to back",
                                r.wall, r.share_of_trace * 100.0, r.sequential_fraction * 100.0
                            )}
                        </div>
                        <code class="statement">{r.statement.clone()}</code>
                        <button class="button small" data-testid="insight-show" on:click=move |_| pin(view, label.clone(), &spans)>
                            "Show these spans"
                        </button>
                    </li>
                }
            })
            .collect_view();
        let errors = f
            .errors
            .iter()
            .map(|e| {
                let chain = e
                    .chain
                    .iter()
                    .map(|&s| format!("{}: {}", t.service(s), t.name(s)))
                    .collect::<Vec<_>>()
                    .join(" → ");
                let why = e
                    .exception_message
                    .clone()
                    .or_else(|| e.status_message.clone())
                    .map(|m| format!(" — {}{m}", e.exception_type.clone().map(|x| format!("{x}: ")).unwrap_or_default()))
                    .unwrap_or_default();
                let spans = e.spans.clone();
                let label = format!("errors in {}: {}", e.service, e.name);
                view! {
                    <li class="insight error-origin" data-testid="insight-error">
                        <span class="insight-kind">"Error origin"</span>
                        {link(e.span, format!("{}: {}", e.service, e.name))}
                        {(e.count > 1).then(|| format!(" ×{}", e.count))}
                        <span class="error-why">{why}</span>
                        <div class="chain muted">{chain}</div>
                        {(spans.len() > 1).then(|| view! {
                            <button class="button small" on:click=move |_| pin(view, label.clone(), &spans)>"Show them"</button>
                        })}
                    </li>
                }
            })
            .collect_view();
        let path = f
            .time
            .critical_path
            .iter()
            .take(5)
            .map(|g| {
                view! {
                    <li>{format!("{}: {} — {} ({:.0}%)", g.service, g.operation, g.time, g.share_of_trace * 100.0)}</li>
                }
            })
            .collect_view();
        let self_time = f
            .time
            .self_time
            .iter()
            .take(5)
            .map(|x| {
                view! {
                    <li>{link(x.span, format!("{}: {}", t.service(x.span), t.name(x.span)))}
                        {format!(" — {} ({:.0}%)", x.self_time, x.share_of_trace * 100.0)}</li>
                }
            })
            .collect_view();
        let shape = f
            .sequential
            .iter()
            .map(|r| {
                let saved = DurationNs(r.total.0 - r.parallel.0);
                view! {
                    <li class="insight" data-testid="insight-sequential">
                        <span class="insight-kind">"Sequential calls"</span>
                        {format!("{} one after another under ", plural(r.spans.len(), "call"))}
                        {link(r.parent, t.name(r.parent).to_string())}
                        {format!(" take {}; in parallel about {} (saves {})", r.total, r.parallel, saved)}
                    </li>
                }
                .into_any()
            })
            .chain(f.gaps.iter().map(|g| {
                view! {
                    <li class="insight" data-testid="insight-gap">
                        <span class="insight-kind">"Waiting on nothing"</span>
                        {link(g.span, format!("{}: {}", t.service(g.span), t.name(g.span)))}
                        {format!(" has {} with no child running, from +{} ({:.0}% of it)", g.length, g.offset, g.share_of_span * 100.0)}
                    </li>
                }
                .into_any()
            }))
            .collect_view();
        Some(view! {
            <div class="insight-grid">
                <div>
                    <ul class="insight-list">{repeated}{errors}{shape}</ul>
                </div>
                <div class="time-goes">
                    <h4>"Where the time goes (critical path)"</h4>
                    <ol>{path}</ol>
                    <h4>"Most self time"</h4>
                    <ol>{self_time}</ol>
                </div>
            </div>
        })
    };
    view! {
        <section class="insights" data-testid="insights" data-state=move || if found.with(Option::is_some) { "done" } else { "looking" }>
            <button class="insights-head" data-testid="insights-toggle" aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "▾ " } else { "▸ " }}<strong>"Insights"</strong>
                <span class="muted">{move || format!(" — {}", summary())}</span>
            </button>
            {move || open.get().then(body).flatten()}
        </section>
    }
}
