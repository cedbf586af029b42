//! The search page, like Jaeger's: pick a backend and a service (from the backend), an operation, tags
//! (`user.id=12345 error=true`), min/max duration, a time range (lookback presets or an absolute window) and a
//! limit; see the results as a scatter plot of duration against start time (errors marked, a click opens the
//! trace) and as a sortable list with per-service span counts and error badges.
//!
//! The form lives in the URL (`#/search?backend=…&service=…&tags=…&start=…&end=…`): submitting navigates, and a
//! search URL (typed, linked from Grafana, or from history) runs its search on arrival.

use crate::backend_client::{import_answer, run, ClientError};
use crate::colors::color_for_name;
use crate::components::compare_bar::{CompareBar, ComparePick};
use crate::components::header::format_time;
use crate::components::scatter::Scatter;
use crate::http::Cancel;
use crate::route::{lookback_seconds, Params, Route, SearchParams};
use crate::state::{AppState, Backends, LoadedTrace};
use leptos::prelude::*;
use spanscope_model::backend::{
    check_query, check_search, operations_calls, parse_tags, read_operations, read_services, search_calls,
    search_from_import, services_calls, BackendConfig, BackendKind, Call, SearchAnswer, SearchQuery, SearchResults,
    TraceSummary, Window,
};
use spanscope_model::time::DurationError;
use spanscope_model::{DurationNs, TimestampNs};
use std::sync::Arc;

/// Lookback presets: (value in the URL, label, seconds).
const LOOKBACKS: &[(&str, &str)] = &[
    ("5m", "Last 5 minutes"),
    ("15m", "Last 15 minutes"),
    ("30m", "Last 30 minutes"),
    ("1h", "Last hour"),
    ("2h", "Last 2 hours"),
    ("3h", "Last 3 hours"),
    ("6h", "Last 6 hours"),
    ("12h", "Last 12 hours"),
    ("24h", "Last 24 hours"),
    ("2d", "Last 2 days"),
    ("3d", "Last 3 days"),
    ("5d", "Last 5 days"),
    ("7d", "Last 7 days"),
    ("2w", "Last 2 weeks"),
    ("3w", "Last 3 weeks"),
    ("4w", "Last 4 weeks"),
];
const DEFAULT_LIMIT: u32 = 20;

/// How the result list is ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortBy {
    Recent,
    Longest,
    Shortest,
    MostSpans,
    MostErrors,
}

impl SortBy {
    const ALL: [(SortBy, &'static str, &'static str); 5] = [
        (SortBy::Recent, "recent", "Most recent"),
        (SortBy::Longest, "longest", "Longest first"),
        (SortBy::Shortest, "shortest", "Shortest first"),
        (SortBy::MostSpans, "spans", "Most spans"),
        (SortBy::MostErrors, "errors", "Most errors"),
    ];

    /// Stable: equal traces keep the backend's order. Through `order`, whose one sort all five share.
    fn sort(self, list: &mut [TraceSummary]) {
        use spanscope_model::order::{i64_key, sort_by_key, sort_by_key2};
        match self {
            SortBy::Recent => sort_by_key(list, |s| !i64_key(s.start.0)),
            SortBy::Longest => sort_by_key(list, |s| !i64_key(s.duration.0)),
            SortBy::Shortest => sort_by_key(list, |s| i64_key(s.duration.0)),
            SortBy::MostSpans => sort_by_key(list, |s| !u64::from(s.span_count)),
            SortBy::MostErrors => sort_by_key2(list, |s| (!u64::from(s.error_count), !i64_key(s.start.0))),
        }
    }
}

/// A duration as typed in the form (`100ms`, `1.5s`); empty is none.
fn parse_duration(text: &str, what: &str) -> Result<Option<DurationNs>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    spanscope_model::time::parse_duration(t).map(Some).map_err(|e| match e {
        DurationError::NoUnit => format!("{what} `{t}` needs a unit: write e.g. {t}ms"),
        DurationError::BadUnit(u) => format!("{what} `{t}`: unknown unit `{u}` (use ns, us, ms, s, m or h)"),
        DurationError::BadNumber => format!("{what} `{t}` is not a duration: write e.g. 100ms or 1.5s"),
    })
}

fn now_us() -> i64 {
    (js_sys::Date::now() * 1000.0) as i64
}

/// `datetime-local` input text (local time) for µs since the epoch, and back.
fn local_input_from_us(us: i64) -> String {
    let (local, _) = format_time(us.saturating_mul(1000));
    // "YYYY-MM-DD HH:MM:SS.mmm" → "YYYY-MM-DDTHH:MM:SS"
    local.get(..19).unwrap_or_default().replacen(' ', "T", 1)
}

fn us_from_local_input(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(text)).get_time();
    ms.is_finite().then_some((ms * 1000.0) as i64)
}

/// The form's time range in µs since the epoch: its start and end, or the lookback before its end (now).
fn window_us(p: &SearchParams) -> (i64, i64) {
    match (p.start_us, p.end_us) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, now_us()),
        (None, end) => {
            let end = end.unwrap_or_else(now_us);
            let secs = lookback_seconds(&p.lookback).unwrap_or(3600);
            (end - secs * 1_000_000, end)
        }
    }
}

/// The window names are listed from (Tempo lists recent data only without one): the form's time range.
fn names_window(p: &SearchParams) -> Window {
    window_from_us(window_us(p))
}

/// A range in µs as the model's timestamps.
fn window_from_us((start_us, end_us): (i64, i64)) -> Window {
    (TimestampNs(start_us.saturating_mul(1000)), TimestampNs(end_us.saturating_mul(1000)))
}

/// The query the form describes, or the message saying what is wrong with it.
fn query_from_params(p: &SearchParams) -> Result<SearchQuery, String> {
    let tags = parse_tags(&p.tags).map_err(|e| format!("Tags: {e}"))?;
    let (start_us, end_us) = window_us(p);
    let (start, end) = window_from_us((start_us, end_us));
    if start_us >= end_us {
        return Err("The time range is empty: its start is not before its end.".to_string());
    }
    Ok(SearchQuery {
        service: (!p.service.is_empty()).then(|| p.service.clone()),
        operation: (!p.operation.is_empty()).then(|| p.operation.clone()),
        tags,
        traceql: (!p.query.trim().is_empty()).then(|| p.query.trim().to_string()),
        min_duration: parse_duration(&p.min_duration, "Min duration")?,
        max_duration: parse_duration(&p.max_duration, "Max duration")?,
        start,
        end,
        limit: p.limit.unwrap_or(DEFAULT_LIMIT),
    })
}

/// Runs a search: the backend's answer is read by the model; whole traces in it (Jaeger, Zipkin) are imported by
/// [`import_answer`] (a large answer in the import worker).
async fn search_backend(b: &BackendConfig, query: &SearchQuery, cancel: &Cancel) -> Result<SearchResults, ClientError> {
    let read = |b: &BackendConfig, call: &Call, status: u16, body: &[u8]| {
        check_search(b, call, status, body).map(|answer| {
            answer.map(|a| match a {
                SearchAnswer::Results(r) => Ok(r),
                SearchAnswer::ImportTraces => Err((call.clone(), status, body.to_vec())),
            })
        })
    };
    match run(b, search_calls(b, query), read, cancel).await? {
        Ok(results) => Ok(results),
        Err((call, status, body)) => {
            let imported = import_answer(&format!("search results from {}", b.name), &body).await;
            if cancel.is_cancelled() {
                return Err(ClientError::Cancelled);
            }
            search_from_import(b, &call, status, &body, imported).map_err(|e| ClientError::Failed(e.to_string()))
        }
    }
}

/// Whether a search URL asks for results (anything beyond the backend), so arriving at it runs the search.
fn wants_results(p: &SearchParams) -> bool {
    !(p.service.is_empty()
        && p.operation.is_empty()
        && p.tags.is_empty()
        && p.query.is_empty()
        && p.min_duration.is_empty()
        && p.max_duration.is_empty()
        && p.start_us.is_none()
        && p.end_us.is_none()
        && p.limit.is_none())
}

/// What the results area shows.
#[derive(Clone)]
enum Outcome {
    Idle,
    Running,
    Done(Arc<SearchResults>),
    Failed(String),
}

/// The search page.
#[component]
pub fn SearchPage(params: SearchParams) -> impl IntoView {
    let app = expect_context::<AppState>();
    let form = RwSignal::new(params.clone());
    let custom_range = RwSignal::new(params.start_us.is_some() || params.end_us.is_some());
    let services = RwSignal::new(None::<Result<Vec<String>, String>>);
    let operations = RwSignal::new(Vec::<String>::new());
    let outcome = RwSignal::new(Outcome::Idle);
    let sort = RwSignal::new(SortBy::Recent);
    let form_error = RwSignal::new(None::<String>);
    let cancel_search = StoredValue::new_local(Cancel::default());

    let backend = Memo::new(move |_| {
        let name = form.with(|f| f.backend.clone());
        // An unknown name (a stale link) falls back to the first backend, with a warning above the form.
        app.backends.with(|b| b.pick(name.as_deref()).or_else(|| b.pick(None)))
    });

    // The form's time range, as far as it changes which names a backend lists (Tempo's depend on it).
    let range = Memo::new(move |_| form.with(|f| (f.lookback.clone(), f.start_us, f.end_us)));
    let names_range = move || {
        if backend.with(|b| b.as_ref().map(|b| b.kind)) == Some(BackendKind::Tempo) {
            range.track();
        }
        form.with_untracked(names_window)
    };

    // Services of the chosen backend (again when the backend changes, and for Tempo when the time range does).
    Effect::new(move |_| {
        let window = names_range();
        let Some(b) = backend.get() else { return };
        services.set(None);
        leptos::task::spawn_local(async move {
            let cancel = Cancel::default();
            match run(&b, services_calls(&b, window), read_services, &cancel).await {
                Ok(list) => {
                    let _ = services.try_set(Some(Ok(list)));
                }
                Err(ClientError::Failed(m)) => {
                    let _ = services.try_set(Some(Err(m)));
                }
                Err(ClientError::Cancelled) => {}
            }
        });
    });
    // Operations of the chosen service.
    let service = Memo::new(move |_| form.with(|f| f.service.clone()));
    Effect::new(move |_| {
        let service = service.get();
        let window = names_range();
        let Some(b) = backend.get() else { return };
        operations.set(Vec::new());
        if service.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            let calls = operations_calls(&b, &service, window);
            if let Ok(list) = run(&b, calls, read_operations, &Cancel::default()).await {
                let _ = operations.try_set(list);
            }
        });
    });

    let search = move |p: SearchParams| {
        let Some(b) = backend.get_untracked() else { return };
        let query = match query_from_params(&p).and_then(|q| check_query(&b, &q).map(|()| q)) {
            Ok(q) => q,
            Err(m) => {
                form_error.set(Some(m));
                return;
            }
        };
        form_error.set(None);
        cancel_search.with_value(|c| c.cancel());
        let cancel = Cancel::default();
        cancel_search.set_value(cancel.clone());
        outcome.set(Outcome::Running);
        leptos::task::spawn_local(async move {
            match search_backend(&b, &query, &cancel).await {
                Ok(results) => {
                    let _ = outcome.try_set(Outcome::Done(Arc::new(results)));
                }
                Err(ClientError::Failed(m)) => {
                    let _ = outcome.try_set(Outcome::Failed(m));
                }
                Err(ClientError::Cancelled) => {}
            }
        });
    };
    // Arriving at a search URL runs it (once the backends are known).
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        if matches!(app.backends.get(), Backends::Loading) {
            return false;
        }
        if wants_results(&params) {
            search(params.clone());
        }
        true
    });
    on_cleanup(move || cancel_search.with_value(|c| c.cancel()));

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut p = form.get_untracked();
        if !custom_range.get_untracked() {
            p.start_us = None;
            p.end_us = None;
            if p.lookback.is_empty() {
                p.lookback = "1h".to_string();
            }
        }
        if p.limit.is_none() {
            p.limit = Some(DEFAULT_LIMIT);
        }
        if let Err(m) = query_from_params(&p) {
            form_error.set(Some(m));
            return;
        }
        // The URL records the search; the page built for it runs it.
        app.navigate(&Route::Search(p));
    };

    let open = move |summary: TraceSummary| {
        let Some(b) = backend.get_untracked() else { return };
        // Searches that brought whole traces (Jaeger, Zipkin) open at once; others fetch by id.
        if let Outcome::Done(r) = outcome.get_untracked() {
            let loaded: Vec<LoadedTrace> = r
                .traces
                .iter()
                .filter(|t| {
                    spanscope_model::TraceId::from_hex(&summary.trace_id).is_some_and(|id| id.value == t.id().value)
                })
                .map(|t| LoadedTrace {
                    trace: Arc::new(t.clone()),
                    source: format!("{} ({})", b.name, b.url),
                    skew_adjusted: true,
                })
                .collect();
            if !loaded.is_empty() {
                app.add_traces(loaded);
            }
        }
        let params = Params { backend: Some(b.name.clone()), ..Params::default() };
        app.navigate(&Route::Trace { id: summary.trace_id.clone(), params });
    };

    let field = move |get: fn(&SearchParams) -> String, set: fn(&mut SearchParams, String)| {
        (move || form.with(get), move |ev: leptos::ev::Event| form.update(|f| set(f, event_target_value(&ev))))
    };
    let (tags_v, tags_set) = field(|f| f.tags.clone(), |f, v| f.tags = v);
    let (q_v, q_set) = field(|f| f.query.clone(), |f, v| f.query = v);
    let (min_v, min_set) = field(|f| f.min_duration.clone(), |f, v| f.min_duration = v);
    let (max_v, max_set) = field(|f| f.max_duration.clone(), |f, v| f.max_duration = v);
    let is_tempo = move || backend.get().is_some_and(|b| b.kind == BackendKind::Tempo);

    let backend_picker = move || {
        app.backends.with(|bs| match bs {
            Backends::Loading => view! { <p class="muted">"Reading config.json…"</p> }.into_any(),
            Backends::Failed(m) => view! { <p class="load-error" data-testid="config-error">{m.clone()}</p> }.into_any(),
            Backends::Ready(list) if list.is_empty() => view! {
                <div class="empty-backends" data-testid="no-backends">
                    <p>"No backend is configured. Add one to " <code>"config.json"</code> " next to " <code>"index.html"</code> ":"</p>
                    <pre>{r#"{"backends":[{"name":"jaeger","kind":"jaeger","url":"http://localhost:16686"}]}"#}</pre>
                    <p class="muted">"kind is jaeger, tempo or zipkin; headers (e.g. Authorization) are optional. See the README for proxies and CORS."</p>
                </div>
            }.into_any(),
            Backends::Ready(list) => {
                let list = list.clone();
                let unknown = form.with(|f| f.backend.clone()).filter(|n| !list.iter().any(|b| &b.name == n));
                view! {
                    {unknown.map(|n| view! {
                        <p class="load-error" data-testid="unknown-backend">
                            {format!("There is no backend called “{n}” in config.json; showing the first one configured.")}
                        </p>
                    })}
                    <label class="field">
                        <span>"Backend"</span>
                        <select data-testid="search-backend" on:change=move |ev| {
                            let name = event_target_value(&ev);
                            form.update(|f| { f.backend = Some(name); f.service.clear(); f.operation.clear(); });
                        }>
                            {list.into_iter().map(|b| {
                                let name = b.name.clone();
                                let selected = move || backend.get().is_some_and(|x| x.name == name);
                                view! { <option value=b.name.clone() selected=selected>{format!("{} ({:?})", b.name, b.kind).to_lowercase()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                }.into_any()
            }
        })
    };

    let service_picker = move || match services.get() {
        None => view! { <select disabled=true><option>"loading…"</option></select> }.into_any(),
        Some(Err(m)) => view! { <p class="load-error" data-testid="services-error">{m}</p> }.into_any(),
        Some(Ok(list)) => view! {
            <select data-testid="search-service" on:change=move |ev| {
                let v = event_target_value(&ev);
                form.update(|f| { f.service = v; f.operation.clear(); });
            }>
                <option value="" selected=move || form.with(|f| f.service.is_empty())>"any service"</option>
                {list.into_iter().map(|s| {
                    let (v, label) = (s.clone(), s.clone());
                    view! { <option value=s selected=move || form.with(|f| f.service == v)>{label}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
    };
    let operation_picker = move || {
        let list = operations.get();
        view! {
            <select data-testid="search-operation" disabled=move || form.with(|f| f.service.is_empty())
                on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.operation = v); }>
                <option value="" selected=move || form.with(|f| f.operation.is_empty())>"all operations"</option>
                {list.into_iter().map(|o| {
                    let (v, label) = (o.clone(), o.clone());
                    view! { <option value=o selected=move || form.with(|f| f.operation == v)>{label}</option> }
                }).collect_view()}
            </select>
        }
    };

    view! {
        <section class="search-page" data-testid="search-page">
            <form class="search-form" on:submit=on_submit>
                <h1>"Search traces"</h1>
                {backend_picker}
                <Show when=move || backend.get().is_some()>
                    <label class="field"><span>"Service"</span>{service_picker}</label>
                    <label class="field"><span>"Operation"</span>{operation_picker}</label>
                    <label class="field"><span>"Tags"</span>
                        <input type="text" data-testid="search-tags" placeholder="user.id=12345 error=true"
                            spellcheck="false" prop:value=tags_v on:input=tags_set /></label>
                    <Show when=is_tempo>
                        <label class="field"><span>"TraceQL"</span>
                            <input type="text" data-testid="search-traceql" placeholder="{ span.http.status_code >= 500 }"
                                spellcheck="false" prop:value=q_v on:input=q_set /></label>
                    </Show>
                    <div class="field-row">
                        <label class="field"><span>"Min duration"</span>
                            <input type="text" data-testid="search-min-duration" placeholder="e.g. 100ms" prop:value=min_v on:input=min_set /></label>
                        <label class="field"><span>"Max duration"</span>
                            <input type="text" data-testid="search-max-duration" placeholder="e.g. 2s" prop:value=max_v on:input=max_set /></label>
                    </div>
                    <label class="field"><span>"Time"</span>
                        <select data-testid="search-lookback" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if v == "custom" {
                                custom_range.set(true);
                                let end = form.with_untracked(|f| f.end_us).unwrap_or_else(now_us);
                                form.update(|f| { f.end_us = Some(end); f.start_us = Some(f.start_us.unwrap_or(end - 3_600_000_000)); });
                            } else {
                                custom_range.set(false);
                                form.update(|f| f.lookback = v);
                            }
                        }>
                            // A lookback from a link (Jaeger UI's `lookback=90m`, Grafana's `now-90m`) that the
                            // list does not hold is an option of its own.
                            {move || form.with(|f| {
                                let other = lookback_seconds(&f.lookback).is_some() && !LOOKBACKS.iter().any(|l| l.0 == f.lookback);
                                other.then(|| {
                                    let v = f.lookback.clone();
                                    view! { <option value=v.clone() selected=move || !custom_range.get()>{format!("Last {v}")}</option> }
                                })
                            })}
                            {LOOKBACKS.iter().map(|&(v, label)| view! {
                                <option value=v selected=move || !custom_range.get() && form.with(|f| f.lookback == v || (lookback_seconds(&f.lookback).is_none() && v == "1h"))>{label}</option>
                            }).collect_view()}
                            <option value="custom" selected=move || custom_range.get()>"Absolute window…"</option>
                        </select>
                    </label>
                    <Show when=move || custom_range.get()>
                        <div class="field-row">
                            <label class="field"><span>"From"</span>
                                <input type="datetime-local" step="1" data-testid="search-start"
                                    prop:value=move || form.with(|f| f.start_us.map(local_input_from_us).unwrap_or_default())
                                    on:change=move |ev| { let v = us_from_local_input(&event_target_value(&ev)); form.update(|f| f.start_us = v); } /></label>
                            <label class="field"><span>"To"</span>
                                <input type="datetime-local" step="1" data-testid="search-end"
                                    prop:value=move || form.with(|f| f.end_us.map(local_input_from_us).unwrap_or_default())
                                    on:change=move |ev| { let v = us_from_local_input(&event_target_value(&ev)); form.update(|f| f.end_us = v); } /></label>
                        </div>
                    </Show>
                    <label class="field"><span>"Limit"</span>
                        <input type="number" min="1" max="1500" data-testid="search-limit"
                            prop:value=move || form.with(|f| f.limit.unwrap_or(DEFAULT_LIMIT).to_string())
                            on:input=move |ev| { let v = event_target_value(&ev).parse().ok().filter(|&n| n > 0); form.update(|f| f.limit = v); } /></label>
                    {move || form_error.get().map(|m| view! { <p class="load-error" data-testid="search-form-error">{m}</p> })}
                    <button type="submit" class="button primary" data-testid="search-submit">"Find traces"</button>
                </Show>
            </form>
            <div class="search-results">
                {move || match outcome.get() {
                    Outcome::Idle => view! { <p class="muted">"Results appear here."</p> }.into_any(),
                    Outcome::Running => view! {
                        <p class="muted" data-testid="search-running">"Searching… "
                            <button type="button" class="button small" data-testid="search-cancel" on:click=move |_| {
                                cancel_search.with_value(|c| c.cancel());
                                outcome.set(Outcome::Failed("Search cancelled.".to_string()));
                            }>"Cancel"</button>
                        </p>
                    }.into_any(),
                    Outcome::Failed(m) => view! { <p class="load-error" data-testid="search-error">{m}</p> }.into_any(),
                    Outcome::Done(r) => results_view(r, sort, backend.get_untracked().map(|b| b.name), open).into_any(),
                }}
            </div>
        </section>
    }
}

/// The results: count, scatter plot, sort, list.
fn results_view(
    r: Arc<SearchResults>,
    sort: RwSignal<SortBy>,
    backend_name: Option<String>,
    open: impl Fn(TraceSummary) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if r.summaries.is_empty() {
        return view! {
            <p class="muted" data-testid="search-empty">"No traces match. Widen the time range, drop a tag, or lower the min duration."</p>
        }
        .into_any();
    }
    let count = r.summaries.len();
    let r2 = r.clone();
    let sorted = move || {
        let mut list = r2.summaries.clone();
        sort.get().sort(&mut list);
        list
    };
    view! {
        <div class="results-head">
            <h2 data-testid="search-count">{format!("{count} trace{}", if count == 1 { "" } else { "s" })}</h2>
            <label class="muted">"Sort "
                <select data-testid="search-sort" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(&(s, _, _)) = SortBy::ALL.iter().find(|x| x.1 == v) { sort.set(s); }
                }>
                    {SortBy::ALL.iter().map(|&(s, v, label)| view! { <option value=v selected=move || sort.get() == s>{label}</option> }).collect_view()}
                </select>
            </label>
        </div>
        <Scatter summaries=r.summaries.clone() on_open=Callback::new(open) />
        <CompareBar/>
        <ul class="result-list">
            <For each=sorted key=|s| s.trace_id.clone() let:s>
                {result_item(s, backend_name.clone(), open)}
            </For>
        </ul>
    }
    .into_any()
}

fn result_item(
    s: TraceSummary,
    backend_name: Option<String>,
    open: impl Fn(TraceSummary) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (local, utc) = format_time(s.start.0);
    let title = format!("{}: {}", s.root_service, s.root_name);
    let summary = s.clone();
    view! {
        <li class="search-result" data-testid="search-result" data-trace-id=s.trace_id.clone()
            data-span-count=s.span_count data-error-count=s.error_count>
            <button class="result-open" on:click=move |_| open(summary.clone())>
                <span class="result-title">{title}</span>
                <span class="result-duration">{s.duration.to_string()}</span>
            </button>
            <div class="result-facts">
                <ComparePick id=s.trace_id.clone() backend=backend_name.clone() />
                <span>{format!("{} span{}", s.span_count, if s.span_count == 1 { "" } else { "s" })}</span>
                {(s.error_count > 0).then(|| view! { <span class="badge error-badge">{format!("{} error{}", s.error_count, if s.error_count == 1 { "" } else { "s" })}</span> })}
                <span class="muted" title=format!("{utc} (UTC)")>{local}</span>
                <span class="mono muted">{s.trace_id.get(..12).unwrap_or_default().to_string()}</span>
            </div>
            <ul class="result-services">
                {s.services.iter().map(|(name, spans, errors)| view! {
                    <li><span class="swatch" style:background=color_for_name(name)></span>
                        {format!("{name} {spans}")}
                        {(*errors > 0).then(|| view! { <span class="err-count">{format!(" ({errors} err)")}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </li>
    }
}
