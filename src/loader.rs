//! Loading traces from files and pasted text: read the bytes, import each input on its own (one bad file never
//! hides the good ones), build, and hand the traces to the app state.

use crate::route::{Params, Route};
use crate::state::{AppState, FileOutcome, LoadProgress, LoadedTrace};
use leptos::prelude::*;
use spanscope_model::{import_into, BuildOptions, TraceSetBuilder};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One input: a name for messages and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Imports all inputs together (spans of one trace spread over several inputs merge), records each input's
/// outcome (with those of `unreadable` inputs that never got this far), adds the traces to the state, and opens the trace when exactly one was found.
pub fn load_inputs(state: AppState, inputs: Vec<Input>, unreadable: Vec<FileOutcome>) {
    let mut builder = TraceSetBuilder::new();
    let mut outcomes = Vec::with_capacity(inputs.len() + unreadable.len());
    for input in &inputs {
        let result = import_into(&mut builder, &input.bytes).map(|s| s.traces).map_err(|e| e.to_string());
        outcomes.push(FileOutcome { name: input.name.clone(), bytes: input.bytes.len(), result });
    }
    outcomes.extend(unreadable);
    let traces = builder.finish(&BuildOptions::default());
    let source = match inputs.as_slice() {
        [one] => one.name.clone(),
        _ => format!("{} files", inputs.len()),
    };
    let loaded: Vec<LoadedTrace> = traces
        .into_iter()
        .map(|t| LoadedTrace { trace: Arc::new(t), source: source.clone(), skew_adjusted: true })
        .collect();
    // Open the trace directly only when the load was unambiguous: one trace and no failed input to report.
    let all_ok = outcomes.iter().all(|o| o.result.is_ok());
    let open = if loaded.len() == 1 && all_ok { Some(loaded[0].trace.id_text()) } else { None };
    state.outcomes.set(outcomes);
    state.last_load.set(loaded.iter().map(|t| t.trace.id_text()).collect());
    state.traces.update(|ts| {
        // A trace loaded again replaces the older copy.
        ts.retain(|old| !loaded.iter().any(|new| new.trace.id() == old.trace.id()));
        ts.extend(loaded);
    });
    if let Some(id) = open {
        state.navigate(&Route::Trace { id, params: Params::default() });
    }
}

/// Reads the files' bytes (reporting progress), then imports them.
pub fn load_files(state: AppState, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    leptos::task::spawn_local(async move {
        let total: usize = files.iter().map(|f| f.size() as usize).sum();
        let mut read = 0usize;
        let mut inputs = Vec::with_capacity(files.len());
        let mut failures = Vec::new();
        for f in files {
            let name = f.name();
            state.progress.set(Some(LoadProgress { name: name.clone(), bytes_read: read, bytes_total: total }));
            match read_file(&f).await {
                Ok(bytes) => {
                    read += bytes.len();
                    inputs.push(Input { name, bytes });
                }
                Err(message) => failures.push(FileOutcome {
                    name,
                    bytes: f.size() as usize,
                    result: Err(format!("could not read the file: {message}")),
                }),
            }
        }
        state.progress.set(Some(LoadProgress { name: "importing".into(), bytes_read: read, bytes_total: total }));
        // Let the progress paint before the import takes the thread.
        yield_to_browser().await;
        load_inputs(state, inputs, failures);
        state.progress.set(None);
    });
}

async fn read_file(f: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(f.array_buffer()).await.map_err(js_message)?;
    let array = js_sys::Uint8Array::new(&buf);
    Ok(array.to_vec())
}

/// Waits for the next macrotask, so pending DOM updates paint.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// The message of a JS error value.
pub fn js_message(v: wasm_bindgen::JsValue) -> String {
    if let Some(e) = v.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    v.as_string().unwrap_or_else(|| format!("{v:?}"))
}

/// The files of a `FileList`.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}
