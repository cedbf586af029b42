//! A trace fetched from a backend (`#/trace/<id>?backend=<name>`): asks the backend (falling back across its API
//! versions), adds the trace to the loaded ones (the route then shows it), or says what went wrong.

use crate::backend_client::{import_answer, run, ClientError};
use crate::http::Cancel;
use crate::state::{AppState, Backends, LoadedTrace};
use leptos::prelude::*;
use spanscope_model::backend::{
    check_trace, normalize_trace_id, trace_calls, trace_from_import, Answer, BackendConfig,
};
use std::sync::Arc;

/// Fetches trace `id` from backend `b` and adds it to the loaded traces.
pub async fn fetch_trace(app: AppState, b: &BackendConfig, id: &str, cancel: &Cancel) -> Result<(), ClientError> {
    let id = normalize_trace_id(id).map_err(|e| ClientError::Failed(format!("“{id}” is not a trace id: {e}")))?;
    let read = |b: &BackendConfig, call: &spanscope_model::backend::Call, status: u16, body: &[u8]| {
        check_trace(b, call, status, body).map(|answer| match answer {
            Answer::Done(()) => Answer::Done((call.clone(), status, body.to_vec())),
            Answer::FallBack => Answer::FallBack,
        })
    };
    let (call, status, body) = run(b, trace_calls(b, &id), read, cancel).await?;
    let imported = import_answer(&format!("trace {id} from {}", b.name), &body).await;
    if cancel.is_cancelled() {
        return Err(ClientError::Cancelled);
    }
    let traces =
        trace_from_import(b, &call, status, &body, imported).map_err(|e| ClientError::Failed(e.to_string()))?;
    let source = format!("{} ({})", b.name, b.url);
    let loaded = traces
        .into_iter()
        .map(|t| LoadedTrace { trace: Arc::new(t), source: source.clone(), skew_adjusted: true })
        .collect();
    app.add_traces(loaded);
    Ok(())
}

/// Fetches trace `id` from backend `backend` and shows progress or the error.
#[component]
pub fn RemoteTrace(id: String, backend: String) -> impl IntoView {
    let app = expect_context::<AppState>();
    let failed = RwSignal::new(None::<String>);
    let cancel = StoredValue::new_local(Cancel::default());
    let (id_shown, backend_shown) = (id.clone(), backend.clone());
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) {
            return true;
        }
        let b = match app.backends.get() {
            Backends::Loading => return false,
            Backends::Failed(m) => {
                failed.set(Some(m));
                return true;
            }
            bs => match bs.pick(Some(&backend)) {
                Some(b) => b,
                None => {
                    failed.set(Some(format!(
                        "There is no backend called “{backend}” in config.json. Check the `backend=` in the address."
                    )));
                    return true;
                }
            },
        };
        let c = cancel.get_value();
        let id = id.clone();
        leptos::task::spawn_local(async move {
            match fetch_trace(app, &b, &id, &c).await {
                Ok(()) => {}
                Err(ClientError::Failed(m)) => {
                    let _ = failed.try_set(Some(m));
                }
                Err(ClientError::Cancelled) => {}
            }
        });
        true
    });
    on_cleanup(move || cancel.with_value(|c| c.cancel()));
    view! {
        <section class="not-found" data-testid="remote-trace">
            {move || match failed.get() {
                None => view! {
                    <p data-testid="trace-loading">{format!("Loading trace {id_shown} from {backend_shown}…")}</p>
                }.into_any(),
                Some(m) => view! {
                    <h1>"The trace could not be opened"</h1>
                    <p class="load-error" data-testid="load-error">{m}</p>
                    <p><a href="#/">"Back to the start page"</a></p>
                }.into_any(),
            }}
        </section>
    }
}
