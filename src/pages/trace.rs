//! The trace page: header, toolbar, virtualized waterfall and the detail of the selected span. The selected
//! span lives in the URL (`span=`), so a copied link reproduces the view.

use crate::components::detail::SpanDetail;
use crate::components::header::TraceHeader;
use crate::components::waterfall::{Waterfall, WaterfallState};
use crate::state::{AppState, LoadedTrace};
use leptos::prelude::*;
use spanscope_model::analysis::self_times;
use spanscope_model::rows::Collapsed;
use spanscope_model::SpanIdx;
use std::sync::Arc;

/// One trace, shown as a waterfall.
#[component]
pub fn TracePage(loaded: LoadedTrace) -> impl IntoView {
    let app = expect_context::<AppState>();
    let trace = loaded.trace.clone();
    let self_t = Arc::new(self_times(&trace));
    let wf = WaterfallState::new(trace.clone());

    // URL → selection (on open, and when the hash is edited or history moves), then selection → URL.
    {
        let trace = trace.clone();
        Effect::new(move |_| {
            let Some(id) = app.route.with(|r| r.params().span) else { return };
            let current = wf.selected.get_untracked().map(|s| trace.span_id_text(s));
            if current.is_some_and(|c| c.eq_ignore_ascii_case(&id)) {
                return;
            }
            // Hex ids by value (no string per span); ids that are not hex by their text.
            let found = match spanscope_model::SpanId::from_hex(&id) {
                Some(sid) => trace.find_span(sid),
                None => trace.spans().find(|&s| trace.span_id_text(s).eq_ignore_ascii_case(&id)),
            };
            if let Some(s) = found {
                wf.selected.set(Some(s));
                if let Some(i) = wf.row_of(s) {
                    wf.reveal.set(Some(i));
                }
            }
        });
    }
    {
        let trace = trace.clone();
        Effect::new(move |prev: Option<Option<SpanIdx>>| {
            let sel = wf.selected.get();
            if prev.is_some() {
                let route = app.route.get_untracked();
                let mut p = route.params();
                p.span = sel.map(|s| trace.span_id_text(s));
                if p != route.params() {
                    app.replace(&route.with_params(p));
                }
            }
            sel
        });
    }

    let t_keys = trace.clone();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let t = &t_keys;
        let rows = wf.rows.get_untracked();
        let n = rows.0.len();
        if n == 0 {
            return;
        }
        let cur = wf.selected.get_untracked().and_then(|s| wf.row_of(s));
        let select_row = |i: usize| {
            wf.selected.set(Some(rows.0[i]));
            wf.reveal.set(Some(i));
        };
        match ev.key().as_str() {
            "ArrowDown" => {
                ev.prevent_default();
                select_row(cur.map_or(0, |i| (i + 1).min(n - 1)));
            }
            "ArrowUp" => {
                ev.prevent_default();
                select_row(cur.map_or(0, |i| i.saturating_sub(1)));
            }
            "ArrowLeft" => {
                ev.prevent_default();
                if let Some(s) = wf.selected.get_untracked() {
                    let open = t.descendant_count(s) > 0 && !wf.collapsed.with_untracked(|c| c.contains(s));
                    if open {
                        wf.collapsed.update(|c| c.set(s, true));
                    } else if let Some(p) = t.parent(s) {
                        wf.selected.set(Some(p));
                        if let Some(i) = wf.row_of(p) {
                            wf.reveal.set(Some(i));
                        }
                    }
                }
            }
            "ArrowRight" => {
                ev.prevent_default();
                if let Some(s) = wf.selected.get_untracked() {
                    if wf.collapsed.with_untracked(|c| c.contains(s)) {
                        wf.collapsed.update(|c| c.set(s, false));
                    } else if t.descendant_count(s) > 0 {
                        if let Some(i) = cur {
                            select_row((i + 1).min(n - 1));
                        }
                    }
                }
            }
            "Escape" => wf.selected.set(None),
            _ => {}
        }
    };

    let skew_id = trace.id_text();
    let t_tools = trace.clone();
    let t_tools2 = trace.clone();
    let t_depth = trace.clone();
    let max_depth = trace.depth();
    let t_detail = trace.clone();
    let self_t_detail = self_t.clone();
    let detail = move || {
        wf.selected.get().map(|s| {
            let st = self_t_detail.get(s.ix()).copied().unwrap_or_default();
            view! {
                <SpanDetail
                    trace=t_detail.clone()
                    span=s
                    self_time=st
                    on_close=move |_| wf.selected.set(None)
                    on_select=move |target: SpanIdx| {
                        wf.selected.set(Some(target));
                        if let Some(i) = wf.row_of(target) {
                            wf.reveal.set(Some(i));
                        }
                    }
                />
            }
        })
    };

    view! {
        <div class="trace-page">
            <TraceHeader trace=trace.clone() />
            <div class="toolbar" role="toolbar" aria-label="Waterfall">
                <button class="button" data-testid="expand-all" on:click=move |_| wf.collapsed.set(Collapsed::none(&t_tools))>"Expand all"</button>
                <button class="button" data-testid="collapse-all" on:click=move |_| wf.collapsed.set(Collapsed::all(&t_tools2))>"Collapse all"</button>
                <label class="depth-pick">
                    "Show depth "
                    <select data-testid="collapse-depth" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Ok(d) = v.parse::<u32>() {
                            wf.collapsed.set(Collapsed::deeper_than(&t_depth, d.saturating_sub(1)));
                        } else {
                            wf.collapsed.set(Collapsed::none(&t_depth));
                        }
                    }>
                        <option value="all">"all"</option>
                        {(1..max_depth.min(30)).map(|d| view! { <option value=d.to_string()>{d.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="skew-pick" title="Shift server spans that started outside their client parent on another host (as Jaeger does). Off shows the times as recorded.">
                    <input type="checkbox" data-testid="skew-toggle" prop:checked=loaded.skew_adjusted
                        on:change=move |ev| app.set_skew_adjustment(&skew_id, event_target_checked(&ev)) />
                    " Adjust clock skew"
                </label>
                <span class="muted source">{format!("from {}", loaded.source)}</span>
            </div>
            <div class="trace-body" on:keydown=on_keydown>
                <Waterfall trace=trace.clone() state=wf self_times=self_t />
                {detail}
            </div>
        </div>
    }
}
