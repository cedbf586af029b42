//! The virtualized waterfall. Rows are a pure function of (trace, collapsed set) computed by the model
//! (`rows::visible_rows`); only the rows in view (plus a small overscan) exist in the DOM, absolutely placed in
//! a spacer as tall as all rows. Never one DOM node per span.

use crate::colors::service_color;
use leptos::prelude::*;
use spanscope_model::rows::{visible_rows, Collapsed};
use spanscope_model::{DurationNs, SpanIdx, Trace};
use std::sync::Arc;

/// Height of one row in CSS pixels (must match `--row-h` in the stylesheet).
pub const ROW_H: f64 = 26.0;
/// Rows rendered above and below the viewport.
const OVERSCAN: usize = 8;
/// Indentation per tree level in pixels.
const INDENT_PX: u32 = 14;

/// The visible rows; equality is identity, so a new layout always propagates and an unchanged one never costs a
/// comparison of a million entries.
#[derive(Clone, Debug)]
pub struct Rows(pub Arc<Vec<SpanIdx>>);

impl PartialEq for Rows {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The view state the waterfall reads and writes.
#[derive(Clone, Copy)]
pub struct WaterfallState {
    pub collapsed: RwSignal<Collapsed>,
    pub selected: RwSignal<Option<SpanIdx>>,
    pub rows: Memo<Rows>,
    /// Pixels scrolled from the top of the row list.
    pub scroll_top: RwSignal<f64>,
    /// Height of the scroll viewport in pixels.
    pub viewport_h: RwSignal<f64>,
    /// Set to a row index to scroll it into view.
    pub reveal: RwSignal<Option<usize>>,
}

impl WaterfallState {
    pub fn new(trace: Arc<Trace>) -> Self {
        let collapsed = RwSignal::new(Collapsed::none(&trace));
        let rows = Memo::new(move |_| collapsed.with(|c| Rows(Arc::new(visible_rows(&trace, c)))));
        WaterfallState {
            collapsed,
            selected: RwSignal::new(None),
            rows,
            scroll_top: RwSignal::new(0.0),
            viewport_h: RwSignal::new(600.0),
            reveal: RwSignal::new(None),
        }
    }

    /// Row index of a span, if it is visible.
    pub fn row_of(&self, s: SpanIdx) -> Option<usize> {
        self.rows.with_untracked(|r| r.0.iter().position(|&x| x == s))
    }
}

/// Tick marks for the ruler: (fraction of the width, label).
fn ruler_ticks(duration: DurationNs) -> Vec<(f64, String)> {
    (0..=4).map(|k| (k as f64 / 4.0, DurationNs(duration.0 * k / 4).to_string())).collect()
}

/// The waterfall: ruler, tree column and timeline column.
#[component]
pub fn Waterfall(trace: Arc<Trace>, state: WaterfallState, self_times: Arc<Vec<DurationNs>>) -> impl IntoView {
    let scroller = NodeRef::<leptos::html::Div>::new();
    let total = trace.duration().0.max(1) as f64;
    let trace_start = trace.start().0;

    // Measure the viewport now and whenever the window resizes.
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            state.viewport_h.set(el.client_height() as f64);
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let _resize = window_event_listener(leptos::ev::resize, move |_| measure());

    // Scroll a requested row into view.
    Effect::new(move |_| {
        let Some(i) = state.reveal.get() else { return };
        let Some(el) = scroller.get_untracked() else { return };
        let top = i as f64 * ROW_H;
        let view_top = el.scroll_top() as f64;
        let view_h = el.client_height() as f64;
        if top < view_top {
            el.set_scroll_top(top as i32);
        } else if top + ROW_H > view_top + view_h {
            el.set_scroll_top((top + ROW_H - view_h) as i32);
        }
        state.scroll_top.set(el.scroll_top() as f64);
    });

    let window = Memo::new(move |_| {
        let n = state.rows.with(|r| r.0.len());
        let first = (state.scroll_top.get() / ROW_H).floor() as usize;
        let count = (state.viewport_h.get() / ROW_H).ceil() as usize + 1;
        let lo = first.saturating_sub(OVERSCAN).min(n);
        let hi = (first + count + OVERSCAN).min(n);
        (lo, hi)
    });
    let items = move || {
        let (lo, hi) = window.get();
        state.rows.with(|r| (lo..hi).map(|i| (i, r.0[i])).collect::<Vec<_>>())
    };

    let t_row = trace.clone();
    let row_view = move |(i, s): (usize, SpanIdx)| {
        let t = &t_row;
        let depth = t.depth_of(s);
        let service = t.service_index(s);
        let color = service_color(service);
        let descendants = t.descendant_count(s);
        let offset = t.start_of(s).0 - trace_start;
        let dur = t.duration_of(s);
        let left = offset as f64 / total * 100.0;
        let width = (dur.0 as f64 / total * 100.0).max(0.0);
        let self_t = self_times.get(s.ix()).copied().unwrap_or_default();
        let tip = format!(
            "{} — {}\nstart +{}  duration {}  self {}",
            t.service(s),
            t.name(s),
            DurationNs(offset),
            dur,
            self_t
        );
        let is_error = t.is_error(s);
        let ticks: Vec<f64> =
            t.events(s).iter().map(|e| ((e.time.0 - trace_start) as f64 / total * 100.0).clamp(0.0, 100.0)).collect();
        // Duration label: after the bar when there is room, else before it, else inside its right end.
        let label = if left + width <= 75.0 {
            ("after", format!("calc({:.4}% + 4px)", left + width), String::new())
        } else if left >= 12.0 {
            ("before", String::new(), format!("calc({:.4}% + 4px)", 100.0 - left))
        } else {
            ("inside", String::new(), format!("calc({:.4}% + 4px)", (100.0 - left - width).max(0.0)))
        };
        let span_id = t.span_id_text(s);
        let collapsed = state.collapsed;
        let selected = state.selected;
        let is_collapsed = move || collapsed.with(|c| c.contains(s));
        view! {
            <div
                class="row"
                class:selected=move || selected.get() == Some(s)
                class:error=is_error
                role="row"
                prop:ariaLevel=(depth + 1).to_string()
                aria-expanded=move || (descendants > 0).then(|| if is_collapsed() { "false" } else { "true" })
                aria-selected=move || if selected.get() == Some(s) { "true" } else { "false" }
                data-testid="span-row"
                data-span-id=span_id
                style:top=format!("{}px", i as f64 * ROW_H)
                title=tip
                on:click=move |_| selected.set(Some(s))
            >
                <div class="cell tree" role="gridcell"
                    style:padding-left=format!("{}px", depth * INDENT_PX + 4)
                    style:background-size=format!("{}px 100%", depth * INDENT_PX)>
                    {if descendants > 0 {
                        view! {
                            <button class="toggle" data-testid="row-toggle"
                                aria-label=move || if is_collapsed() { "Expand" } else { "Collapse" }
                                on:click=move |ev| {
                                    ev.stop_propagation();
                                    collapsed.update(|c| c.toggle(s));
                                }>
                                {move || if is_collapsed() { "▸" } else { "▾" }}
                            </button>
                        }.into_any()
                    } else {
                        view! { <span class="toggle-space"></span> }.into_any()
                    }}
                    <span class="swatch" style:background=color></span>
                    <span class="svc">{t.service(s).to_string()}</span>
                    <span class="op">{t.name(s).to_string()}</span>
                    {is_error.then(|| view! { <span class="err-mark" title="error status">"!"</span> })}
                    {move || is_collapsed().then(|| view! {
                        <span class="hidden-count" title="hidden descendants">{format!("+{descendants}")}</span>
                    })}
                </div>
                <div class="cell timeline" role="gridcell">
                    <div class="bar" style:left=format!("{left:.4}%") style:width=format!("max(1px, {width:.4}%)") style:background=color></div>
                    {ticks.into_iter().map(|x| view! { <div class="tick" style:left=format!("{x:.4}%")></div> }).collect_view()}
                    <span class=format!("dur-label {}", label.0) style:left=label.1 style:right=label.2>
                        {dur.to_string()}
                    </span>
                </div>
            </div>
        }
    };

    let ticks = ruler_ticks(trace.duration());
    view! {
        <div class="waterfall" role="treegrid" aria-label="Spans" aria-rowcount=move || state.rows.with(|r| r.0.len())>
            <div class="ruler" role="row">
                <div class="cell tree" role="columnheader">"Service & operation"</div>
                <div class="cell timeline" role="columnheader">
                    {ticks.into_iter().map(|(f, label)| view! {
                        <span class="ruler-tick" style:left=format!("{:.2}%", f * 100.0)>
                            <span class:last={f >= 1.0}>{label}</span>
                        </span>
                    }).collect_view()}
                </div>
            </div>
            <div class="rows-viewport" node_ref=scroller tabindex="0"
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        state.scroll_top.set(el.scroll_top() as f64);
                    }
                }>
                <div class="rows-spacer" style:height=move || format!("{}px", state.rows.with(|r| r.0.len()) as f64 * ROW_H)>
                    <For each=items key=|(i, s)| (*i, s.0) children=row_view />
                </div>
            </div>
        </div>
    }
}
