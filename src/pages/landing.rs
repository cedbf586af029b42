//! The landing page: drop zone, file picker, pasted JSON, the built-in demos, and what the last load brought.

use crate::components::compare_bar::{CompareBar, ComparePick};
use crate::loader::{self, Input};
use crate::route::{Params, Route, SearchParams};
use crate::state::{AppState, Backends};
use crate::worker::human_size;
use leptos::prelude::*;
use spanscope_model::backend::normalize_trace_id;
use spanscope_model::demo::DEMOS;

/// The start page.
#[component]
pub fn Landing() -> impl IntoView {
    let state = expect_context::<AppState>();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let paste = RwSignal::new(String::new());

    let on_pick = move |_| {
        if let Some(input) = file_input.get() {
            let files = loader::files_of(input.files());
            loader::load_files(state, files);
            input.set_value("");
        }
    };
    let on_paste_open = move |_| {
        let text = paste.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        loader::load_inputs(state, vec![Input { name: "pasted text".into(), bytes: text.into_bytes() }], Vec::new());
    };

    view! {
        <section class="landing" data-testid="landing">
            <div class="hero">
                <h1>"See where the time goes."</h1>
                <p class="lede">
                    "spanscope opens distributed traces right in your browser — Jaeger, OTLP (incl. Tempo) and "
                    "Zipkin JSON — and shows them as a waterfall that stays fast at a million spans. Nothing is uploaded."
                </p>
            </div>
            <div class="open-grid">
                <div class="drop-zone" data-testid="drop-zone">
                    <div class="drop-icon" aria-hidden="true">"⇣"</div>
                    <p><strong>"Drop trace files anywhere on this page"</strong></p>
                    <p class="muted">"JSON from Jaeger, OpenTelemetry (OTLP, Collector file exporter, an SDK's console exporter), Grafana Tempo or Zipkin. Several at once is fine, gzipped too."</p>
                    <label class="button primary">
                        "Choose files…"
                        <input
                            type="file"
                            multiple
                            accept=".json,.jsonl,.txt,application/json"
                            class="visually-hidden"
                            data-testid="file-input"
                            node_ref=file_input
                            on:change=on_pick
                        />
                    </label>
                    <details class="paste">
                        <summary>"…or paste JSON"</summary>
                        <textarea
                            data-testid="paste-input"
                            rows="6"
                            placeholder="{\"resourceSpans\": [ … ]}"
                            prop:value=move || paste.get()
                            on:input=move |ev| paste.set(event_target_value(&ev))
                        ></textarea>
                        <button class="button" data-testid="paste-open" on:click=on_paste_open>"Open pasted JSON"</button>
                    </details>
                </div>
                <div class="demos">
                    <h2>"Open a demo trace"</h2>
                    <ul class="demo-list">
                        {DEMOS
                            .iter()
                            .map(|d| {
                                let href = Route::Demo { key: d.key.to_string(), params: Params::default() }.to_hash();
                                view! {
                                    <li>
                                        <a class="demo" data-testid="demo-trace" data-demo=d.key href=href>
                                            <span class="demo-title">{d.title}</span>
                                            <span class="demo-desc">{d.description}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            </div>
            <Progress/>
            <Outcomes/>
            <CompareBar/>
            <TraceList/>
            <BackendsPanel/>
        </section>
    }
}

/// Configured backends: search links and the trace-by-id box (or how to configure one).
#[component]
fn BackendsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let id_text = RwSignal::new(String::new());
    let id_error = RwSignal::new(None::<String>);
    let chosen = RwSignal::new(None::<String>);
    let open_id = move || {
        let text = id_text.get_untracked();
        let id = match normalize_trace_id(&text) {
            Ok(id) => id,
            Err(e) => {
                id_error.set(Some(format!("“{}” is not a trace id: {e}", text.trim())));
                return;
            }
        };
        id_error.set(None);
        let backend = state.backends.with_untracked(|b| b.pick(chosen.get_untracked().as_deref())).map(|b| b.name);
        if state.find_trace(&id).is_none() && backend.is_none() {
            id_error.set(Some(format!(
                "Trace {id} is not loaded and no backend is configured to fetch it from (see config.json)."
            )));
            return;
        }
        state.navigate(&Route::Trace { id, params: Params { backend, ..Params::default() } });
    };
    view! {
        <section class="backends" data-testid="backends">
            <h2>"Open from a backend"</h2>
            <form class="trace-id-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); open_id(); }>
                <input type="text" data-testid="trace-id-input" placeholder="Trace id: 16 or 32 hex digits"
                    spellcheck="false" aria-label="Trace id" prop:value=move || id_text.get()
                    on:input=move |ev| id_text.set(event_target_value(&ev)) />
                {move || state.backends.with(|b| match b {
                    Backends::Ready(list) if list.len() > 1 => {
                        let list = list.clone();
                        Some(view! {
                            <select data-testid="trace-id-backend" aria-label="Backend"
                                on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                                {list.into_iter().map(|b| view! { <option value=b.name.clone()>{b.name.clone()}</option> }).collect_view()}
                            </select>
                        })
                    }
                    _ => None,
                })}
                <button type="submit" class="button" data-testid="trace-id-open">"Open trace"</button>
            </form>
            {move || id_error.get().map(|m| view! { <p class="load-error" data-testid="trace-id-error">{m}</p> })}
            {move || state.config_notes.get().into_iter().map(|m| view! {
                <p class="config-note" data-testid="config-note">{format!("⚠ config.json: {m}")}</p>
            }).collect_view()}
            {move || state.backends.with(|b| match b {
                Backends::Loading => view! { <p class="muted">"Reading config.json…"</p> }.into_any(),
                Backends::Failed(m) => view! { <p class="load-error" data-testid="config-error">{m.clone()}</p> }.into_any(),
                Backends::Ready(list) if list.is_empty() => view! {
                    <p class="muted">"No backend is configured: add Jaeger, Tempo or Zipkin to " <code>"config.json"</code>
                    " next to index.html to search traces (see the README)."</p>
                }.into_any(),
                Backends::Ready(list) => view! {
                    <ul class="backend-list">
                        {list.iter().map(|b| {
                            let href = Route::Search(SearchParams { backend: Some(b.name.clone()), ..SearchParams::default() }).to_hash();
                            view! {
                                <li><a class="button" data-testid="backend-search" data-backend=b.name.clone() href=href>
                                    {format!("Search {}", b.name)}</a>
                                    <span class="muted">{format!(" {} at {}", format!("{:?}", b.kind).to_lowercase(), b.url)}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </section>
    }
}

/// The progress bar of a load in flight.
#[component]
fn Progress() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.progress.get().map(|p| {
            let pct = if p.bytes_total == 0 { 100.0 } else { p.bytes_read as f64 * 100.0 / p.bytes_total as f64 };
            view! {
                <div class="load-progress" data-testid="load-progress" role="progressbar"
                    aria-valuenow=format!("{pct:.0}") aria-valuemin="0" aria-valuemax="100">
                    <div class="bar" style:width=format!("{pct:.1}%")></div>
                    <span>{if p.bytes_total == 0 {
                        // A step without a size (building the trace tree): its name alone.
                        p.name.clone()
                    } else {
                        format!("{} — {} of {}", p.name, human_size(p.bytes_read as f64), human_size(p.bytes_total as f64))
                    }}</span>
                </div>
            }
        })
    }
}

/// What each input of the last load gave.
#[component]
fn Outcomes() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let outcomes = state.outcomes.get();
        (!outcomes.is_empty()).then(|| {
            view! {
                <section class="outcomes">
                    <h2>"Last load"</h2>
                    <ul>
                        {outcomes
                            .into_iter()
                            .map(|o| match o.result {
                                // Valid, but nothing in it (Zipkin's `[]`, `{"data":[]}`, `{"resourceSpans":[]}`):
                                // said as such, not as a success of "0 traces".
                                Ok(0) => view! {
                                    <li class="file-outcome empty" data-testid="file-outcome" data-status="empty">
                                        <span class="file-name">{o.name}</span>
                                        {format!(
                                            " — no traces: the document is valid but holds no spans ({})",
                                            human_size(o.bytes as f64)
                                        )}
                                    </li>
                                }
                                .into_any(),
                                Ok(n) => view! {
                                    <li class="file-outcome ok" data-testid="file-outcome" data-status="ok">
                                        <span class="file-name">{o.name}</span>
                                        {format!(" — {} trace{} ({})", n, if n == 1 { "" } else { "s" }, human_size(o.bytes as f64))}
                                    </li>
                                }
                                .into_any(),
                                Err(e) => view! {
                                    <li class="file-outcome error" data-testid="file-outcome" data-status="error">
                                        <div class="load-error" data-testid="load-error" role="alert">
                                            <span class="file-name">{o.name}</span>": "{e}
                                        </div>
                                    </li>
                                }
                                .into_any(),
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}

/// The traces of the latest load, to pick from, then those opened earlier in this tab.
#[component]
fn TraceList() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let last = state.last_load.get();
        let traces = state.traces.get();
        let (latest, earlier): (Vec<_>, Vec<_>) = traces.into_iter().partition(|t| last.contains(&t.trace.id_text()));
        view! {
            {(!latest.is_empty()).then(|| view! {
                <section class="trace-list">
                    <h2>{format!("Traces in this load ({})", latest.len())}</h2>
                    <TraceTable traces=latest testid="trace-list-item" />
                </section>
            })}
            {(!earlier.is_empty()).then(|| view! {
                <section class="trace-list">
                    <h2>"Opened earlier"</h2>
                    <TraceTable traces=earlier testid="trace-history-item" />
                </section>
            })}
        }
    }
}

/// A table of traces, one row each with its counts as data attributes.
#[component]
fn TraceTable(traces: Vec<crate::state::LoadedTrace>, testid: &'static str) -> impl IntoView {
    view! {
        <table>
            <thead>
                <tr><th>"Trace"</th><th>"Spans"</th><th>"Services"</th><th>"Errors"</th><th>"Duration"</th><th>"Source"</th><th></th></tr>
            </thead>
            <tbody>
                {traces
                    .into_iter()
                    .map(|lt| {
                        let t = &lt.trace;
                        let id = t.id_text();
                        let id_shown = id.clone();
                        let href = Route::Trace { id: id.clone(), params: Params::default() }.to_hash();
                        view! {
                            <tr class="trace-list-item" data-testid=testid data-trace-id=id
                                data-span-count=t.len() data-service-count=t.services().len()
                                data-error-count=t.error_count()>
                                <td><a href=href>{t.title()}</a><div class="mono muted">{id_shown}</div></td>
                                <td class="num">{t.len()}</td>
                                <td class="num">{t.services().len()}</td>
                                <td class="num">{t.error_count()}</td>
                                <td class="num">{t.duration().to_string()}</td>
                                <td class="muted">{lt.source.clone()}</td>
                                <td><ComparePick id=t.id_text() /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
