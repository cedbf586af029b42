//! The trace page: header, toolbar (find, collapse controls, critical path, skew), minimap, virtualized waterfall
//! and the detail of the selected span. The view state lives in [`TraceView`] and is mirrored in the URL (`span`,
//! `find`, `mode`, `zoom`, `cp`), so a copied link reproduces the view.
//!
//! Keyboard (anywhere on the page, not while typing in a field): ↑/↓ select, ←/→ collapse/expand (with Shift:
//! the whole subtree), Enter detail, Esc close the detail then clear the selection, `/` find, `n`/`N` next and
//! previous match, `?` the list of these keys (also the "⌨ Shortcuts" button beside the view tabs, as in Jaeger UI).

use crate::components::detail::SpanDetail;
use crate::components::export_menu::ExportMenu;
use crate::components::find::FindBar;
use crate::components::flame_view::FlameView;
use crate::components::header::TraceHeader;
use crate::components::insights::Insights;
use crate::components::service_map_view::ServiceMapView;
use crate::components::stats_view::StatsView;
use crate::components::waterfall::Waterfall;
use crate::state::{AppState, LoadedTrace};
use crate::trace_view::{TraceView, ViewTab};
use leptos::prelude::*;
use spanscope_model::rows::Collapsed;
use spanscope_model::SpanIdx;
use wasm_bindgen::JsCast;

/// The keys of the trace page and what they do, as the shortcuts panel lists them (constant markup: a view per
/// row would cost the wasm 2 KB gzipped).
const SHORTCUTS_HTML: &str = "\
<tr><td class=keys><kbd>/</kbd></td><td>Find spans</td></tr>\
<tr><td class=keys><kbd>n</kbd><kbd>N</kbd></td><td>Next, previous match (Enter, Shift+Enter in the find box)</td></tr>\
<tr><td class=keys><kbd>↑</kbd><kbd>↓</kbd></td><td>Select the span above, below</td></tr>\
<tr><td class=keys><kbd>←</kbd></td><td>Collapse the selected span, or go to its parent</td></tr>\
<tr><td class=keys><kbd>→</kbd></td><td>Expand the selected span, or go to its first child</td></tr>\
<tr><td class=keys><kbd>Shift+←</kbd><kbd>Shift+→</kbd></td>\
<td>Collapse, expand the whole subtree (or Shift-click a toggle)</td></tr>\
<tr><td class=keys><kbd>Enter</kbd></td><td>Open the selected span's detail</td></tr>\
<tr><td class=keys><kbd>Esc</kbd></td><td>Close the detail, then clear the selection</td></tr>\
<tr><td class=keys><kbd>?</kbd></td><td>Show or hide this list</td></tr>";

/// One trace, shown as a waterfall.
#[component]
pub fn TracePage(loaded: LoadedTrace) -> impl IntoView {
    let app = expect_context::<AppState>();
    let trace = loaded.trace.clone();
    let view = TraceView::new(trace.clone(), &app.route.get_untracked().params());
    let find_input = NodeRef::<leptos::html::Input>::new();
    let keys_open = RwSignal::new(false);

    // URL → view (on open, and when the hash is edited or history moves), then view → URL.
    Effect::new(move |_| {
        let params = app.route.with(|r| r.params());
        if let Some(notice) = view.apply_params(&params) {
            app.notice(notice);
        }
    });
    Effect::new(move |prev: Option<()>| {
        let params = view.params(&app.route.with_untracked(|r| r.params()));
        if prev.is_some() {
            let route = app.route.get_untracked();
            if params != route.params() {
                app.replace(&route.with_params(params));
            }
        }
    });

    let on_key = window_event_listener(leptos::ev::keydown, move |ev| on_keydown(view, find_input, keys_open, ev));
    on_cleanup(move || on_key.remove());

    let skew_id = trace.id_text();
    let max_depth = trace.depth();
    let detail = move || {
        if !view.detail_open.get() {
            return None;
        }
        view.selected.get().map(|s| {
            let st = view.self_times.with_value(|st| st.get(s.ix()).copied().unwrap_or_default());
            view! {
                <SpanDetail
                    trace=view.trace()
                    span=s
                    self_time=st
                    on_close=move |_| view.detail_open.set(false)
                    on_select=move |target: SpanIdx| view.select(target)
                />
            }
        })
    };

    view! {
        <div class="trace-page">
            <TraceHeader trace=trace.clone() source=loaded.source.clone() />
            <div class="toolbar" role="toolbar" aria-label="Waterfall">
                <FindBar view=view input_ref=find_input />
                <span class="toolbar-sep"></span>
                <button class="button small" data-testid="expand-all" title="Expand every span"
                    on:click=move |_| view.collapsed.set(Collapsed::none(&view.trace()))>"Expand all"</button>
                <button class="button small" data-testid="collapse-all" title="Collapse to the roots"
                    on:click=move |_| view.collapsed.set(Collapsed::all(&view.trace()))>"Collapse all"</button>
                <label class="depth-pick" title="Expand the tree to this many levels">
                    "Depth "
                    <select data-testid="collapse-depth" on:change=move |ev| {
                        let t = view.trace();
                        let v = event_target_value(&ev);
                        if let Ok(d) = v.parse::<u32>() {
                            view.collapsed.set(Collapsed::deeper_than(&t, d.saturating_sub(1)));
                        } else {
                            view.collapsed.set(Collapsed::none(&t));
                        }
                    }>
                        <option value="all">"all"</option>
                        {(1..max_depth.min(30)).map(|d| view! { <option value=d.to_string()>{d.to_string()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check" title="Highlight the chain of spans that decided when the trace finished">
                    <input type="checkbox" data-testid="critical-path-toggle" prop:checked=move || view.show_critical_path.get()
                        on:change=move |ev| view.show_critical_path.set(event_target_checked(&ev)) />
                    " Critical path"
                </label>
                <ExportMenu view=view />
                <label class="check" title="Shift server spans that started outside their client parent on another host (as Jaeger does). Off shows the times as recorded.">
                    <input type="checkbox" data-testid="skew-toggle" prop:checked=loaded.skew_adjusted
                        on:change=move |ev| app.set_skew_adjustment(&skew_id, event_target_checked(&ev)) />
                    " Adjust clock skew"
                </label>
            </div>
            <Insights view=view />
            <div class="tabs-row">
                <nav class="view-tabs" role="tablist" aria-label="Views">
                    {ViewTab::ALL.iter().map(|&(tab, id, label)| view! {
                        <button class="view-tab" role="tab" data-testid="view-tab" data-view=id
                            aria-selected=move || if view.tab.get() == tab { "true" } else { "false" }
                            on:click=move |_| view.tab.set(tab)>{label}</button>
                    }).collect_view()}
                </nav>
                <button class="icon-button keys-toggle" data-testid="keys-toggle" title="Keyboard shortcuts (?)"
                    aria-label="Keyboard shortcuts" aria-controls="keys-panel"
                    aria-expanded=move || if keys_open.get() { "true" } else { "false" }
                    on:click=move |_| keys_open.update(|o| *o = !*o)>"⌨ Shortcuts"</button>
                <Show when=move || keys_open.get()>
                    <div class="keys-panel" id="keys-panel" role="dialog" aria-label="Keyboard shortcuts" data-testid="keys-panel">
                        <div class="keys-head">
                            <strong>"Keyboard shortcuts"</strong>
                            <button class="icon-button" title="Close (Esc)" on:click=move |_| keys_open.set(false)>"✕"</button>
                        </div>
                        <table><tbody inner_html=SHORTCUTS_HTML></tbody></table>
                        <p class="muted">"Not while typing in a field. With the mouse, a finger or a pen: drag across the overview to zoom the timeline, drag the \
                            divider after \"Service & operation\" to widen either column."</p>
                    </div>
                </Show>
            </div>
            <div class="trace-body">
                {move || match view.tab.get() {
                    ViewTab::Waterfall => view! { <Waterfall view=view /> }.into_any(),
                    ViewTab::Statistics => view! { <StatsView view=view /> }.into_any(),
                    ViewTab::Flamegraph => view! { <FlameView view=view /> }.into_any(),
                    ViewTab::ServiceMap => view! { <ServiceMapView view=view /> }.into_any(),
                }}
                {detail}
            </div>
        </div>
    }
}

/// True when the event comes from a text field (keys there are typing, not commands).
fn from_text_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
        let tag = el.tag_name().to_ascii_lowercase();
        matches!(tag.as_str(), "input" | "textarea" | "select") || el.has_attribute("contenteditable")
    })
}

fn on_keydown(
    view: TraceView,
    find_input: NodeRef<leptos::html::Input>,
    keys_open: RwSignal<bool>,
    ev: web_sys::KeyboardEvent,
) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || from_text_field(&ev) {
        return;
    }
    match ev.key().as_str() {
        "?" => {
            ev.prevent_default();
            keys_open.update(|o| *o = !*o);
            return;
        }
        "Escape" if keys_open.get_untracked() => {
            keys_open.set(false);
            return;
        }
        _ => {}
    }
    let t = view.trace();
    let rows = view.rows.get_untracked();
    let selected = view.selected.get_untracked();
    // The span row at or after `i` going in direction `step` (hidden-run rows are skipped).
    let span_row_from = |mut i: isize, step: isize| -> Option<(usize, SpanIdx)> {
        while i >= 0 && (i as usize) < rows.len() {
            if let Some(s) = rows.get(i as usize).and_then(|r| r.span()) {
                return Some((i as usize, s));
            }
            i += step;
        }
        None
    };
    let cur = selected.and_then(|s| rows.row_of(s));
    let select_row = |found: Option<(usize, SpanIdx)>| {
        if let Some((i, s)) = found {
            view.selected.set(Some(s));
            view.reveal_row.set(Some(i));
        }
    };
    match ev.key().as_str() {
        "/" => {
            ev.prevent_default();
            if let Some(el) = find_input.get_untracked() {
                let _ = el.focus();
                el.select();
            }
        }
        "n" => view.step_match(true),
        "N" => view.step_match(false),
        "ArrowDown" => {
            ev.prevent_default();
            select_row(match cur {
                Some(i) => span_row_from(i as isize + 1, 1).or_else(|| span_row_from(i as isize, 1)),
                None => span_row_from(0, 1),
            });
        }
        "ArrowUp" => {
            ev.prevent_default();
            select_row(match cur {
                Some(i) => span_row_from(i as isize - 1, -1),
                None => span_row_from(0, 1),
            });
        }
        "ArrowLeft" => {
            ev.prevent_default();
            let Some(s) = selected else { return };
            let open = t.descendant_count(s) > 0 && !view.collapsed.with_untracked(|c| c.contains(s));
            if ev.shift_key() {
                view.collapsed.update(|c| c.collapse_subtree(&t, s));
            } else if open {
                view.collapsed.update(|c| c.set(s, true));
            } else if let Some(p) = t.parent(s) {
                view.select(p);
            }
        }
        "ArrowRight" => {
            ev.prevent_default();
            let Some(s) = selected else { return };
            if ev.shift_key() {
                view.collapsed.update(|c| c.expand_subtree(&t, s));
            } else if view.collapsed.with_untracked(|c| c.contains(s)) {
                view.collapsed.update(|c| c.set(s, false));
            } else if t.descendant_count(s) > 0 {
                if let Some(i) = cur {
                    select_row(span_row_from(i as isize + 1, 1));
                }
            }
        }
        "Enter" if selected.is_some() => {
            ev.prevent_default();
            view.detail_open.set(true);
        }
        "Escape" => {
            if selected.is_some() && view.detail_open.get_untracked() {
                view.detail_open.set(false);
            } else {
                view.selected.set(None);
            }
        }
        _ => {}
    }
}
