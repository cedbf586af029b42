//! The find box: one input for the filter language (`spanscope_model::filter`), the match count with
//! previous/next, the "matches only" switch, a syntax help, and the parse error inline when the text is not a
//! valid filter. Typing is applied at once on small traces and after a short pause on large ones.

use crate::trace_view::{FindState, TraceView};
use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;
use std::time::Duration;

/// Traces with more spans than this wait for a pause in typing before filtering.
const DEBOUNCE_ABOVE_SPANS: usize = 20_000;
const DEBOUNCE: Duration = Duration::from_millis(180);

/// The find bar.
#[component]
pub fn FindBar(view: TraceView, input_ref: NodeRef<leptos::html::Input>) -> impl IntoView {
    let draft = RwSignal::new(view.find_text.get_untracked());
    // The URL (or anything else) changing the committed text updates the box.
    Effect::new(move |_| {
        let committed = view.find_text.get();
        if draft.get_untracked() != committed {
            draft.set(committed);
        }
    });
    let big = view.trace.with_value(|t| t.len() > DEBOUNCE_ABOVE_SPANS);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let commit = move || {
        if let Some(h) = pending.get_value() {
            h.clear();
            pending.set_value(None);
        }
        let text = draft.get_untracked();
        if view.find_text.get_untracked() != text {
            view.find_text.set(text);
            // Typing takes over from a pinned set.
            if view.pinned.get_untracked().is_some() {
                view.pinned.set(None);
            }
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        draft.set(event_target_value(&ev));
        if !big {
            commit();
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(set_timeout_with_handle(commit, DEBOUNCE).ok());
    };
    on_cleanup(move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            commit();
            view.step_match(!ev.shift_key());
        }
        "Escape" => {
            ev.prevent_default();
            if let Some(el) = input_ref.get_untracked() {
                let _ = el.blur();
            }
        }
        _ => {}
    };

    let error = move || {
        view.find.with(|f| match &f.state {
            FindState::Invalid(e) => Some(e.clone()),
            _ => None,
        })
    };
    let count = move || view.matches.with(|m| m.as_ref().map(|m| m.count()));
    let position = move || {
        let sel = view.selected.get()?;
        view.matches.with(|m| m.as_ref().filter(|m| m.contains(sel)).map(|m| m.rank(sel) + 1))
    };
    let help = RwSignal::new(false);

    view! {
        <div class="find" role="search">
            <input type="search" class="find-input" data-testid="find-input" node_ref=input_ref
                placeholder="Find (/) e.g. error=true duration>100ms"
                aria-label="Find spans" spellcheck="false" autocomplete="off"
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                prop:value=move || draft.get()
                on:input=on_input on:keydown=on_keydown on:change=move |_| commit() />
            {move || view.pinned.get().map(|p| view! {
                <span class="pinned-chip" data-testid="pinned" title="Spans chosen outside the find box">
                    {p.label}
                    <button class="icon" aria-label="Stop showing these spans" data-testid="pinned-clear"
                        on:click=move |_| view.pinned.set(None)>"✕"</button>
                </span>
            })}
            <span class="find-count" aria-live="polite">
                {move || count().map(|n| view! {
                    {position().map(|p| format!("{p} of "))}
                    <span data-testid="find-match-count">{n}</span>
                    {if n == 1 { " match" } else { " matches" }}
                })}
            </span>
            <button class="icon-button" data-testid="find-prev" title="Previous match (N, Shift+Enter)"
                disabled=move || count().unwrap_or(0) == 0 on:click=move |_| view.step_match(false)>"▲"</button>
            <button class="icon-button" data-testid="find-next" title="Next match (n, Enter)"
                disabled=move || count().unwrap_or(0) == 0 on:click=move |_| view.step_match(true)>"▼"</button>
            <label class="find-only" title="Show only matching spans and their ancestors">
                <input type="checkbox" data-testid="find-only" prop:checked=move || view.only.get()
                    on:change=move |ev| view.only.set(event_target_checked(&ev)) />
                " Matches only"
            </label>
            <button class="icon-button" data-testid="find-help-toggle" title="Filter syntax"
                aria-expanded=move || if help.get() { "true" } else { "false" }
                on:click=move |_| help.update(|h| *h = !*h)>"?"</button>
            {move || error().map(|e| view! {
                <div class="find-error" role="alert" data-testid="find-error">{e.to_string()}</div>
            })}
            <Show when=move || help.get()>
                <div class="find-help" data-testid="find-help">
                    <p>"Terms separated by spaces must all hold. Quote values with spaces: " <code>"name=\"GET /orders\""</code></p>
                    <table>
                        <tr><td><code>"timeout"</code></td><td>"text in the name, service or any attribute value"</td></tr>
                        <tr><td><code>"user.id=12345"</code></td><td>"attribute equals (span, then resource attributes)"</td></tr>
                        <tr><td><code>"http.status_code!=200"</code></td><td>"has the attribute with another value"</td></tr>
                        <tr><td><code>"db.statement~^SELECT"</code></td><td>"attribute matches a regular expression"</td></tr>
                        <tr><td><code>"http.status_code>=500"</code></td><td>"numeric comparison (> >= < <=)"</td></tr>
                        <tr><td><code>"service=cart name=checkout"</code></td><td>"service or operation name"</td></tr>
                        <tr><td><code>"kind=client status=error"</code></td><td>"span kind; status ok, error or unset"</td></tr>
                        <tr><td><code>"error=true"</code></td><td>"error status or an error=true tag"</td></tr>
                        <tr><td><code>"duration>100ms"</code></td><td>"duration with a unit: ns us ms s m h"</td></tr>
                    </table>
                    <p class="muted">"Keys: / find · Enter or n next · Shift+Enter or N previous · Esc leave the box"</p>
                </div>
            </Show>
        </div>
    }
}
