//! The root component: state, hash routing, theme, and the page-wide drop target.

use crate::loader;
use crate::pages::compare::ComparePage;
use crate::pages::landing::Landing;
use crate::pages::remote::RemoteTrace;
use crate::pages::search::SearchPage;
use crate::pages::trace::TracePage;
use crate::route::{Params, Route, Theme};
use crate::state::{AppState, Backends, LoadedTrace};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// `?url=<address>` in the page's query (before the hash): a trace file to load on arrival.
fn url_param() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("url").filter(|u| !u.trim().is_empty())
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

const THEME_KEY: &str = "spanscope.theme";

fn system_theme() -> Option<web_sys::MediaQueryList> {
    web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The theme chosen earlier with the toggle, if any.
fn stored_theme() -> Option<Theme> {
    match local_storage()?.get_item(THEME_KEY).ok().flatten()?.as_str() {
        "dark" => Some(Theme::Dark),
        "light" => Some(Theme::Light),
        _ => None,
    }
}

/// Dark or not: the URL's `theme=` first, then the user's last choice, then the system's preference.
fn initial_dark(hash: &str) -> bool {
    match Route::theme_in_hash(hash).or_else(stored_theme) {
        Some(t) => t == Theme::Dark,
        None => system_theme().is_some_and(|m| m.matches()),
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let hash = current_hash();
    let state = AppState::new(Route::from_hash(&hash), initial_dark(&hash), Route::embed_in_hash(&hash));
    state.param_notices.set(crate::route::param_problems(&hash));
    provide_context(state);
    loader::load_config(state);
    crate::handoff::install(state);
    // An import worker ready before the first file arrives (once the page itself has started).
    leptos::prelude::set_timeout(crate::worker::prewarm, std::time::Duration::from_millis(300));
    // And this page's decoder optimized before a worker's answer arrives (see `worker::warm_up_decode`).
    leptos::prelude::set_timeout(crate::worker::warm_up_decode, std::time::Duration::from_millis(1000));
    if let Some(url) = url_param() {
        loader::load_url(state, url);
    }
    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        let hash = current_hash();
        if let Some(t) = Route::theme_in_hash(&hash) {
            state.dark.set(t == Theme::Dark);
        }
        state.embed.set(Route::embed_in_hash(&hash));
        state.param_notices.set(crate::route::param_problems(&hash));
        state.route.set(Route::from_hash(&hash));
    });
    // Follow the system's theme while neither the URL nor the user picked one.
    if let Some(mq) = system_theme() {
        let follow = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
            move |ev: web_sys::MediaQueryListEvent| {
                if Route::theme_in_hash(&current_hash()).or_else(stored_theme).is_none() {
                    state.dark.set(ev.matches());
                }
            },
        );
        let _ = mq.add_event_listener_with_callback("change", follow.as_ref().unchecked_ref());
        follow.forget(); // lives as long as the app
    }
    let toggle_theme = move |_| {
        let dark = !state.dark.get_untracked();
        state.dark.set(dark);
        let theme = if dark { Theme::Dark } else { Theme::Light };
        if let Some(ls) = local_storage() {
            let _ = ls.set_item(THEME_KEY, theme.as_str());
        }
        // A URL that names a theme keeps naming the one shown.
        let route = state.route.get_untracked();
        let mut p = route.params();
        if p.theme.is_some() {
            p.theme = Some(theme);
            state.replace(&route.with_params(p));
        }
    };
    Effect::new(move |_| {
        let dark = state.dark.get();
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = el.set_attribute("data-theme", if dark { "dark" } else { "light" });
        }
    });

    // Which page to show depends on the route without its view parameters: selecting a span rewrites `span=`
    // in the URL, and that must not rebuild the page.
    // `backend=` stays: it decides where a trace that is not loaded comes from.
    let page_route = Memo::new(move |_| {
        state.route.with(|r| r.with_params(Params { backend: r.params().backend, ..Params::default() }))
    });

    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        state.dragging.set(true);
    };
    let on_dragleave = move |ev: leptos::ev::DragEvent| {
        // Only when leaving the window, not when moving between children.
        if ev.related_target().is_none() {
            state.dragging.set(false);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        state.dragging.set(false);
        let files = loader::files_of(ev.data_transfer().and_then(|dt| dt.files()));
        loader::load_files(state, files);
    };

    view! {
        <div class="app" class:embed=move || state.embed.get() data-testid="app" on:dragover=on_dragover on:dragleave=on_dragleave on:drop=on_drop>
            <Show when=move || !state.embed.get()>
            <nav class="app-nav" data-testid="app-nav">
                <a class="brand" href="#/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "spanscope"
                </a>
                {move || state.backends.with(|b| matches!(b, Backends::Ready(l) if !l.is_empty())).then(|| view! {
                    <a class="nav-link" data-testid="nav-search" href="#/search">"Search"</a>
                })}
                <span class="nav-spacer"></span>
                <button
                    class="theme-toggle"
                    title="Switch between light and dark"
                    data-testid="theme-toggle"
                    on:click=toggle_theme
                >
                    {move || if state.dark.get() { "☀ Light" } else { "☾ Dark" }}
                </button>
            </nav>
            </Show>
            <ParamNotices/>
            <main class="app-main">{move || page(state, page_route.get())}</main>
            <Show when=move || state.dragging.get()>
                <div class="drop-overlay" data-testid="drop-overlay">
                    <div>"Drop trace files to open them"</div>
                </div>
            </Show>
        </div>
    }
}

/// What the URL asked for that was ignored (`zoom=abc`, `view=nope`, an unknown span), with a dismiss button.
#[component]
fn ParamNotices() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let notices = state.param_notices.get();
        (!notices.is_empty()).then(|| {
            view! {
                <div class="param-notices" data-testid="param-notices" role="status">
                    {notices.into_iter().map(|m| view! {
                        <p class="config-note" data-testid="param-notice">{format!("⚠ {m}")}</p>
                    }).collect_view()}
                    <button class="link" data-testid="param-notices-dismiss"
                        on:click=move |_| state.param_notices.set(Vec::new())>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// The page for the current route.
fn page(state: AppState, route: Route) -> AnyView {
    match route {
        Route::Search(p) => view! { <SearchPage params=p/> }.into_any(),
        Route::Compare { a, b, backend } => view! { <ComparePage a=a b=b backend=backend/> }.into_any(),
        Route::Landing => view! { <Landing/> }.into_any(),
        Route::Demo { key, .. } => match demo_trace(state, &key) {
            Some(t) => view! { <TracePage loaded=t/> }.into_any(),
            None => not_found(format!("There is no demo called “{key}”.")),
        },
        Route::Trace { id, params } => match (state.find_trace(&id), params.backend) {
            (Some(t), _) => view! { <TracePage loaded=t/> }.into_any(),
            (None, Some(backend)) => view! { <RemoteTrace id=id backend=backend/> }.into_any(),
            (None, None) if spanscope_model::backend::normalize_trace_id(&id).is_err() => not_found(format!(
                "“{}” is not a trace id (trace ids are 16 or 32 hex digits, or their bytes in base64), and no loaded trace has it.",
                crate::route::shown_value(&id)
            )),
            (None, None) => not_found(format!(
                "Trace {id} is not loaded. Open its file again, pick one from the start page, or add ?backend=<name> to fetch it from a configured backend."
            )),
        },
        Route::NotFound(h) => not_found(format!("Nothing lives at #{h}.")),
    }
}

/// A demo trace, built once and then kept with the loaded traces.
fn demo_trace(state: AppState, key: &str) -> Option<LoadedTrace> {
    let info = spanscope_model::demo::DEMOS.iter().find(|d| d.key == key)?;
    let trace = spanscope_model::demo::demo(key)?;
    let id = trace.id_text();
    if let Some(t) = state.find_trace(&id) {
        return Some(t);
    }
    let loaded = LoadedTrace { trace: Arc::new(trace), source: format!("demo: {}", info.title), skew_adjusted: true };
    state.traces.update_untracked(|ts| ts.push(loaded.clone()));
    Some(loaded)
}

fn not_found(message: String) -> AnyView {
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>"Not here"</h1>
            <p>{message}</p>
            <p><a href="#/">"Back to the start page"</a></p>
        </section>
    }
    .into_any()
}
