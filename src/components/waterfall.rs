//! The virtualized waterfall. Rows are a memo of the view state computed by the model (`rows::visible_rows`);
//! only the rows in view (plus a small overscan) exist in the DOM, absolutely placed in a spacer as tall as all
//! rows. Never one DOM node per span.
//!
//! The timeline shows the zoom window (fractions of the trace's duration); bars outside it are clipped.
//!
//! The divider between the span name column and the timeline moves with the mouse (double-click: back to the
//! default) or, focused, with ←/→; the width is kept for the next trace ([`AppState::tree_width_pct`]).

use crate::colors::service_color;
use crate::components::minimap::Minimap;
use crate::state::{AppState, TREE_WIDTH_PCT, TREE_WIDTH_RANGE_PCT};
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::rows::Row;
use spanscope_model::time::ruler_ticks;
use spanscope_model::{DurationNs, SpanIdx};

/// Height of one row in CSS pixels (must match `--row-h` in the stylesheet).
pub const ROW_H: f64 = 26.0;
/// Rows rendered above and below the viewport.
const OVERSCAN: usize = 8;
/// Indentation per tree level in pixels.
const INDENT_PX: u32 = 14;

/// The visible time window in ns offsets from the trace start.
fn window_ns(total_ns: i64, zoom: Option<(f64, f64)>) -> (f64, f64) {
    let (a, b) = zoom.unwrap_or((0.0, 1.0));
    (a * total_ns as f64, b * total_ns as f64)
}

/// Percent position of an offset (ns) in the window.
fn pct(offset_ns: f64, (w0, w1): (f64, f64)) -> f64 {
    (offset_ns - w0) / (w1 - w0).max(1.0) * 100.0
}

/// The waterfall: ruler, tree column and timeline column.
#[component]
pub fn Waterfall(view: TraceView) -> impl IntoView {
    let trace = view.trace();
    let scroller = NodeRef::<leptos::html::Div>::new();
    let total_ns = trace.duration().0.max(1);
    let trace_start = trace.start().0;
    let win = Memo::new(move |_| window_ns(total_ns, view.zoom.get()));
    let tree_pct = expect_context::<AppState>().tree_width_pct;
    // The ruler: its width without the scrollbar's gutter is the rows' width, of which the column is a percentage.
    let ruler = NodeRef::<leptos::html::Div>::new();
    // The divider's drag in progress: how far right of the pointer the column's edge was when it began (so the
    // edge moves with the pointer, without a jump).
    let resizing = RwSignal::new(None::<f64>);
    let set_tree_pct = move |pct: f64| {
        tree_pct.set(pct.clamp(TREE_WIDTH_RANGE_PCT.0, TREE_WIDTH_RANGE_PCT.1));
    };
    // Pointer events, so a finger or a pen drags it as a mouse does (`touch-action: none` keeps the browser from
    // taking the touch for a scroll).
    let dragged = window_event_listener(leptos::ev::pointermove, move |ev| {
        if let (Some(grab), Some(el), true) = (resizing.get_untracked(), ruler.get_untracked(), ev.is_primary()) {
            let left = el.get_bounding_client_rect().left();
            set_tree_pct((ev.client_x() as f64 + grab - left) / el.client_width().max(1) as f64 * 100.0);
        }
    });
    let dropped = window_event_listener(leptos::ev::pointerup, move |_| resizing.set(None));
    let cancelled = window_event_listener(leptos::ev::pointercancel, move |_| resizing.set(None));
    // Through the CSSOM: a `style` attribute would be inline style, which a strict Content-Security-Policy blocks.
    let frame = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let pct = tree_pct.get();
        if let Some(el) = frame.get() {
            let _ = web_sys::HtmlElement::style(&el).set_property("--tree-w", &format!("{pct:.2}%"));
        }
    });
    on_cleanup(move || {
        dragged.remove();
        dropped.remove();
        cancelled.remove();
    });

    // Measure the viewport now and whenever the window resizes.
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            view.viewport_h.set(el.client_height() as f64);
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    // The viewport also changes height without a window resize (the insights panel arriving, the toolbar
    // wrapping): follow it, so the rows in the DOM and a revealed row stay right.
    let observer = StoredValue::new_local(None::<(web_sys::ResizeObserver, wasm_bindgen::closure::Closure<dyn Fn()>)>);
    Effect::new(move |_| {
        let Some(el) = scroller.get() else { return };
        let callback = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            if let Some(el) = scroller.get_untracked() {
                let h = el.get_bounding_client_rect().height().min(el.client_height() as f64);
                if (view.viewport_h.get_untracked() - h).abs() > 0.5 {
                    view.viewport_h.set(h);
                }
            }
        });
        if let Ok(ro) = web_sys::ResizeObserver::new(wasm_bindgen::JsCast::unchecked_ref(callback.as_ref())) {
            ro.observe(&el);
            observer.set_value(Some((ro, callback)));
        }
    });
    on_cleanup(move || {
        observer.with_value(|o| {
            if let Some((ro, _)) = o {
                ro.disconnect();
            }
        })
    });

    // Scroll a requested row into view, once the frame's layout has settled (on arrival the toolbar and the
    // detail panel may still change the viewport's height).
    Effect::new(move |_| {
        let Some(i) = view.reveal_row.get() else { return };
        // Again when the viewport's height changes (a panel above it appearing after the reveal).
        view.viewport_h.track();
        request_animation_frame(move || {
            let Some(el) = scroller.get_untracked() else { return };
            let top = i as f64 * ROW_H;
            let view_top = el.scroll_top() as f64;
            // The exact height: client_height() rounds, and a fractional viewport would cut the row's edge.
            let view_h = el.get_bounding_client_rect().height().min(el.client_height() as f64);
            if top < view_top {
                el.set_scroll_top(top as i32);
            } else if top + ROW_H > view_top + view_h {
                el.set_scroll_top((top + ROW_H - view_h).ceil() as i32);
            }
            view.scroll_top.set(el.scroll_top() as f64);
        });
    });

    let window = Memo::new(move |_| {
        let n = view.rows.with(|r| r.len());
        let first = (view.scroll_top.get() / ROW_H).floor() as usize;
        let count = (view.viewport_h.get() / ROW_H).ceil() as usize + 1;
        let lo = first.saturating_sub(OVERSCAN).min(n);
        let hi = (first + count + OVERSCAN).min(n);
        (lo, hi)
    });
    // Recycled row slots: as many as the window can hold; slot k shows the window's row i with
    // i % slots == k. Scrolling moves only the rows that left the window into the slots they freed, and a
    // slot's DOM nodes stay: its text and attributes are updated in place (no nodes created while scrolling).
    let slots = Memo::new(move |_| (view.viewport_h.get() / ROW_H).ceil() as usize + 1 + 2 * OVERSCAN);
    let slot_keys = move || (0..slots.get()).collect::<Vec<_>>();
    let slot_view = move |k: usize| {
        let row = Memo::new(move |_| {
            let n = slots.get();
            let (lo, hi) = window.get();
            let i = lo + (k + n - lo % n) % n;
            if k >= n || i >= hi {
                return None;
            }
            view.rows.with(|r| r.get(i)).map(|row| (i, row))
        });
        let kind = Memo::new(move |_| match row.get() {
            None => 0,
            Some((_, Row::Span(_))) => 1,
            Some((_, Row::Hidden { .. })) => 2,
        });
        move || match kind.get() {
            1 => span_slot(view, row, trace_start, win).into_any(),
            2 => hidden_slot(view, row).into_any(),
            _ => ().into_any(),
        }
    };

    let ticks = move || {
        let (w0, w1) = win.get();
        let ticks = ruler_ticks(DurationNs(w0.ceil() as i64), DurationNs(w1.floor() as i64), 6);
        ticks
            .into_iter()
            .map(|t| {
                let x = pct(t.0 as f64, (w0, w1));
                view! {
                    <span class="ruler-tick" class:last={x > 92.0} style:left=format!("{x:.3}%")>
                        <span>{t.to_string()}</span>
                    </span>
                }
            })
            .collect_view()
    };
    view! {
        <div class="waterfall" class:resizing=move || resizing.with(Option::is_some) node_ref=frame>
            <Minimap view=view />
            <div class="treegrid" role="treegrid" aria-label="Spans" aria-rowcount=move || view.rows.with(|r| r.len())>
            <div class="ruler" role="row" data-testid="ruler" node_ref=ruler>
                <div class="cell tree" role="columnheader">
                    "Service & operation"
                    <div class="col-resize" role="separator" aria-orientation="vertical" tabindex="0"
                        aria-label="Span name column width" data-testid="col-resize"
                        aria-valuemin=TREE_WIDTH_RANGE_PCT.0 aria-valuemax=TREE_WIDTH_RANGE_PCT.1
                        aria-valuenow=move || tree_pct.get().round()
                        title="Drag to resize the column (double-click: back to the default)"
                        on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                            if let (0, true, Some(el)) = (ev.button(), ev.is_primary(), ruler.get_untracked()) {
                                ev.prevent_default();
                                let r = el.get_bounding_client_rect();
                                let edge = r.left() + tree_pct.get_untracked() / 100.0 * el.client_width() as f64;
                                resizing.set(Some(edge - ev.client_x() as f64));
                            }
                        }
                        on:dblclick=move |_| tree_pct.set(TREE_WIDTH_PCT)
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            let step = match ev.key().as_str() {
                                "ArrowLeft" => -2.0,
                                "ArrowRight" => 2.0,
                                _ => return,
                            };
                            // Not the page's ←/→ (collapse, expand).
                            ev.prevent_default();
                            set_tree_pct(tree_pct.get_untracked() + step);
                        }></div>
                </div>
                <div class="cell timeline" role="columnheader">{ticks}</div>
            </div>
            <div class="rows-viewport" node_ref=scroller tabindex="0" data-testid="rows-viewport"
                on:scroll=move |_| {
                    if let Some(el) = scroller.get_untracked() {
                        view.scroll_top.set(el.scroll_top() as f64);
                    }
                }>
                <div class="rows-spacer" style:height=move || format!("{}px", view.rows.with(|r| r.len()) as f64 * ROW_H)>
                    <For each=slot_keys key=|k| *k children=slot_view />
                </div>
            </div>
            </div>
        </div>
    }
}

/// What a span's row shows that does not change while it is shown (computed when a slot takes the row).
#[derive(Clone, PartialEq)]
struct SpanRowData {
    i: usize,
    s: SpanIdx,
    depth: u32,
    color: &'static str,
    descendants: u32,
    offset_ns: f64,
    dur: DurationNs,
    tip: String,
    is_error: bool,
    events_ns: Vec<f64>,
    span_id: String,
    service: String,
    name: String,
}

fn span_row_data(view: TraceView, i: usize, s: SpanIdx, trace_start: i64) -> SpanRowData {
    let t = view.trace();
    let offset_ns = (t.start_of(s).0 - trace_start) as f64;
    let dur = t.duration_of(s);
    let self_t = view.self_times.with_value(|st| st.get(s.ix()).copied().unwrap_or_default());
    SpanRowData {
        i,
        s,
        depth: t.depth_of(s),
        color: service_color(t.service_index(s)),
        descendants: t.descendant_count(s),
        offset_ns,
        dur,
        tip: format!(
            "{} — {}\nstart +{}  duration {}  self {}",
            t.service(s),
            t.name(s),
            DurationNs(offset_ns as i64),
            dur,
            self_t
        ),
        is_error: t.is_error(s),
        events_ns: t.events(s).iter().map(|e| (e.time.0 - trace_start) as f64).collect(),
        span_id: t.span_id_text(s),
        service: t.service(s).to_string(),
        name: t.name(s).to_string(),
    }
}

/// A "N hidden spans" row standing for a run of pruned siblings in "matches only" mode, in a recycled slot.
fn hidden_slot(view: TraceView, row: Memo<Option<(usize, Row)>>) -> impl IntoView {
    let run = Memo::new(move |_| match row.get() {
        Some((i, Row::Hidden { first, count })) => {
            Some((i, first, count, view.trace.with_value(|t| t.depth_of(first))))
        }
        _ => None,
    });
    let get = move || run.get().unwrap_or((0, SpanIdx(0), 0, 0));
    let label = move || {
        let count = get().2;
        if count == 1 {
            "⋯ 1 hidden span".to_string()
        } else {
            format!("⋯ {count} hidden spans")
        }
    };
    view! {
        <div class="row hidden-run" role="row" data-testid="hidden-spans" data-count=move || get().2
            prop:ariaRowIndex=move || (get().0 + 2).to_string()
            style:top=move || format!("{}px", get().0 as f64 * ROW_H)>
            <div class="cell tree" role="gridcell"
                style:padding-left=move || format!("{}px", get().3 * INDENT_PX + 4)
                style:background-size=move || format!("{}px 100%", get().3 * INDENT_PX)>
                <button class="link show-hidden" title="Show these spans although they do not match"
                    on:click=move |_| {
                        let (_, first, count, _) = get();
                        view.open_hidden(first, count);
                    }>
                    {label}
                </button>
            </div>
            <div class="cell timeline" role="gridcell"></div>
        </div>
    }
}

/// One span's row (tree cell and timeline cell) in a recycled slot: the nodes stay when the slot takes another
/// row; what they show follows `row`.
fn span_slot(
    view: TraceView,
    row: Memo<Option<(usize, Row)>>,
    trace_start: i64,
    win: Memo<(f64, f64)>,
) -> impl IntoView {
    let data = Memo::new(move |_| match row.get() {
        Some((i, Row::Span(s))) => Some(span_row_data(view, i, s, trace_start)),
        _ => None,
    });
    let d = move |f: &dyn Fn(&SpanRowData) -> String| data.with(|d| d.as_ref().map(f).unwrap_or_default());
    let span = move || data.with(|d| d.as_ref().map_or(SpanIdx(0), |d| d.s));
    let collapsed = view.collapsed;
    let selected = view.selected;
    let is_collapsed = move || collapsed.with(|c| c.contains(span()));
    let is_match = move || view.matches.with(|m| m.as_ref().is_some_and(|m| m.contains(span())));
    let filtering = move || view.matches.with(|m| m.is_some());
    let on_path = move || view.critical.with(|c| c.as_ref().is_some_and(|c| c.spans.contains(span())));
    let is_error = move || data.with(|d| d.as_ref().is_some_and(|d| d.is_error));
    let descendants = move || data.with(|d| d.as_ref().map_or(0, |d| d.descendants));
    let depth = move || data.with(|d| d.as_ref().map_or(0, |d| d.depth));
    let offset_dur = move || data.with(|d| d.as_ref().map_or((0.0, 0.0), |d| (d.offset_ns, d.dur.0 as f64)));

    // Bar geometry in percent of the window; the duration label goes after the bar when there is room, else
    // before it, else inside its right end.
    let geometry = move || {
        let w = win.get();
        let (offset, dur) = offset_dur();
        let left = pct(offset, w);
        let width = (dur / (w.1 - w.0).max(1.0) * 100.0).max(0.0);
        (left, width)
    };
    let label_style = move || {
        let (left, width) = geometry();
        let right_end = left + width;
        if (0.0..=75.0).contains(&right_end) {
            ("after", format!("calc({right_end:.4}% + 4px)"), String::new())
        } else if (12.0..100.0).contains(&left) {
            ("before", String::new(), format!("calc({:.4}% + 4px)", 100.0 - left))
        } else {
            ("inside", String::new(), format!("calc({:.4}% + 4px)", (100.0 - right_end).max(0.0)))
        }
    };
    let segments = move || {
        let w = win.get();
        let s = span();
        view.critical.with(|c| {
            let Some(c) = c else { return Vec::new() };
            c.segments_of(s)
                .iter()
                .map(|g| {
                    let a = pct((g.start.0 - trace_start) as f64, w);
                    let b = pct((g.end.0 - trace_start) as f64, w);
                    view! { <div class="cp-seg" style:left=format!("{a:.4}%") style:width=format!("max(2px, {:.4}%)", b - a)></div> }
                })
                .collect::<Vec<_>>()
        })
    };
    let ticks = move || {
        let w = win.get();
        data.with(|d| {
            d.as_ref()
                .map(|d| {
                    d.events_ns
                        .iter()
                        .map(|&e| view! { <div class="tick" style:left=format!("{:.4}%", pct(e, w))></div> })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let on_toggle = move |ev: leptos::ev::MouseEvent| {
        ev.stop_propagation();
        let t = view.trace();
        let s = span();
        if ev.shift_key() || ev.alt_key() {
            if is_collapsed() {
                collapsed.update(|c| c.expand_subtree(&t, s));
            } else {
                collapsed.update(|c| c.collapse_subtree(&t, s));
            }
        } else {
            collapsed.update(|c| c.toggle(s));
        }
    };
    let has_children = Memo::new(move |_| descendants() > 0);
    view! {
        <div
            class="row"
            class:selected=move || selected.get() == Some(span())
            class:error=is_error
            class:match=is_match
            class:dim=move || filtering() && !is_match()
            class:critical=on_path
            role="row"
            prop:ariaLevel=move || (depth() + 1).to_string()
            prop:ariaRowIndex=move || d(&|d| (d.i + 2).to_string())
            aria-expanded=move || has_children.get().then(|| if is_collapsed() { "false" } else { "true" })
            aria-selected=move || if selected.get() == Some(span()) { "true" } else { "false" }
            data-testid="span-row"
            data-span-id=move || d(&|d| d.span_id.clone())
            style:top=move || d(&|d| format!("{}px", d.i as f64 * ROW_H))
            title=move || d(&|d| d.tip.clone())
            on:click=move |_| {
                selected.set(Some(span()));
                view.detail_open.set(true);
                // A row clicked is in view already; nothing to keep revealing.
                view.reveal_row.set(None);
            }
        >
            <div class="cell tree" role="gridcell"
                style:padding-left=move || format!("{}px", depth() * INDENT_PX + 4)
                style:background-size=move || format!("{}px 100%", depth() * INDENT_PX)>
                {move || if has_children.get() {
                    view! {
                        <button class="toggle" data-testid="row-toggle"
                            title="Collapse or expand (Shift-click: the whole subtree)"
                            aria-label=move || if is_collapsed() { "Expand" } else { "Collapse" }
                            on:click=on_toggle>
                            {move || if is_collapsed() { "▸" } else { "▾" }}
                        </button>
                    }.into_any()
                } else {
                    view! { <span class="toggle-space"></span> }.into_any()
                }}
                <span class="swatch" style:background=move || data.with(|d| d.as_ref().map_or("", |d| d.color))></span>
                <span class="svc">{move || d(&|d| d.service.clone())}</span>
                <span class="op">{move || d(&|d| d.name.clone())}</span>
                {move || is_error().then(|| view! { <span class="err-mark" title="error status">"!"</span> })}
                {move || is_collapsed().then(|| view! {
                    <span class="hidden-count" title="hidden descendants">{format!("+{}", descendants())}</span>
                })}
            </div>
            <div class="cell timeline" role="gridcell">
                <div class="bar"
                    style:left=move || format!("{:.4}%", geometry().0)
                    style:width=move || format!("max(1px, {:.4}%)", geometry().1)
                    style:background=move || data.with(|d| d.as_ref().map_or("", |d| d.color))></div>
                {segments}
                {ticks}
                <span class=move || format!("dur-label {}", label_style().0)
                    style:left=move || label_style().1 style:right=move || label_style().2>
                    {move || d(&|d| d.dur.to_string())}
                </span>
            </div>
        </div>
    }
}
