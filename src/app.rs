//! The root component: state, hash routing, theme, and the page-wide drop target.

use crate::loader;
use crate::pages::landing::Landing;
use crate::pages::trace::TracePage;
use crate::route::{Params, Route};
use crate::state::{AppState, LoadedTrace};
use leptos::prelude::*;
use std::sync::Arc;

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new(Route::from_hash(&current_hash()), prefers_dark());
    provide_context(state);
    let _hash = window_event_listener(leptos::ev::hashchange, move |_| {
        state.route.set(Route::from_hash(&current_hash()));
    });
    Effect::new(move |_| {
        let dark = state.dark.get();
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = el.set_attribute("data-theme", if dark { "dark" } else { "light" });
        }
    });

    // Which page to show depends on the route without its view parameters: selecting a span rewrites `span=`
    // in the URL, and that must not rebuild the page.
    let page_route = Memo::new(move |_| state.route.with(|r| r.with_params(Params::default())));

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
        <div class="app" data-testid="app" on:dragover=on_dragover on:dragleave=on_dragleave on:drop=on_drop>
            <nav class="app-nav" data-testid="app-nav">
                <a class="brand" href="#/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "spanscope"
                </a>
                <span class="nav-spacer"></span>
                <button
                    class="theme-toggle"
                    title="Switch between light and dark"
                    on:click=move |_| state.dark.update(|d| *d = !*d)
                >
                    {move || if state.dark.get() { "☀ Light" } else { "☾ Dark" }}
                </button>
            </nav>
            <main class="app-main">{move || page(state, page_route.get())}</main>
            <Show when=move || state.dragging.get()>
                <div class="drop-overlay" data-testid="drop-overlay">
                    <div>"Drop trace files to open them"</div>
                </div>
            </Show>
        </div>
    }
}

/// The page for the current route.
fn page(state: AppState, route: Route) -> AnyView {
    match route {
        Route::Landing => view! { <Landing/> }.into_any(),
        Route::Demo { key, .. } => match demo_trace(state, &key) {
            Some(t) => view! { <TracePage loaded=t/> }.into_any(),
            None => not_found(format!("There is no demo called “{key}”.")),
        },
        Route::Trace { id, .. } => match state.find_trace(&id) {
            Some(t) => view! { <TracePage loaded=t/> }.into_any(),
            None => {
                not_found(format!("Trace {id} is not loaded. Open its file again, or pick one from the start page."))
            }
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
