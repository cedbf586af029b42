//! Loading traces from files and pasted text: read the bytes, import each input on its own (one bad file never
//! hides the good ones), build, and hand the traces to the app state; `config.json`; and the page's yields to the
//! browser during long work ([`YieldEvery`]).

use crate::route::{Params, Route};
use crate::state::{AppState, Backends, FileOutcome, LoadProgress, LoadedTrace};
use crate::worker::{Source, WorkerInput};
use leptos::prelude::*;
use spanscope_model::pause::Pause;
use spanscope_model::{import_into, BuildOptions, Trace, TraceSetBuilder};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One input: a name for messages and its bytes.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Imports inputs whose bytes the page already holds (pasted text, a fetched `?url=`, a postMessage handoff),
/// off the page's thread when a worker can run.
pub fn load_inputs(state: AppState, inputs: Vec<Input>, unreadable: Vec<FileOutcome>) {
    load_inputs_then(state, inputs, unreadable, |_| {});
}

/// [`load_inputs`], then `done` with the outcome of each input once the load has finished.
pub fn load_inputs_then(
    state: AppState,
    inputs: Vec<Input>,
    unreadable: Vec<FileOutcome>,
    done: impl FnOnce(&[FileOutcome]) + 'static,
) {
    let inputs = inputs.into_iter().map(|i| WorkerInput { name: i.name, source: Source::Bytes(i.bytes) }).collect();
    load_sources(state, inputs, unreadable, done);
}

/// Reads and imports the files (in a worker, which reads them in chunks and reports progress).
pub fn load_files(state: AppState, files: Vec<web_sys::File>) {
    if files.is_empty() {
        return;
    }
    let inputs = files.into_iter().map(|f| WorkerInput { name: f.name(), source: Source::File(f) }).collect();
    load_sources(state, inputs, Vec::new(), |_| {});
}

/// Imports all inputs together (spans of one trace spread over several inputs merge), records each input's
/// outcome (with those of `unreadable` inputs that never got this far), adds the traces to the state, and opens
/// the trace when exactly one was found. The work runs in a Web Worker ([`crate::worker`]); where none can
/// start, on the page's thread. `done` gets the outcomes at the end.
pub fn load_sources(
    state: AppState,
    inputs: Vec<WorkerInput>,
    unreadable: Vec<FileOutcome>,
    done: impl FnOnce(&[FileOutcome]) + 'static,
) {
    let source = match inputs.as_slice() {
        [one] => one.name.clone(),
        _ => format!("{} files", inputs.len()),
    };
    if inputs.is_empty() {
        finish_load(state, Vec::new(), unreadable, source);
        state.outcomes.with_untracked(|o| done(o));
        return;
    }
    leptos::task::spawn_local(async move {
        let total: usize = inputs.iter().map(input_size).sum();
        let first = inputs.first().map(|i| i.name.clone()).unwrap_or_default();
        state.progress.set(Some(LoadProgress { name: first, bytes_read: 0, bytes_total: total }));
        match crate::worker::spawn() {
            Ok(worker) => {
                let names: Vec<(String, usize)> = inputs.iter().map(|i| (i.name.clone(), input_size(i))).collect();
                let progress = move |p: LoadProgress| {
                    let _ = state.progress.try_set(Some(p));
                };
                match crate::worker::import_in_worker(worker, inputs, progress).await {
                    Ok(imported) => {
                        // Show the trace in a task of its own, after the decode's.
                        yield_to_browser().await;
                        let mut outcomes = imported.outcomes;
                        outcomes.extend(unreadable);
                        finish_load(state, imported.traces, outcomes, source);
                    }
                    Err(message) => {
                        // The worker trapped: nothing of this load arrived; everything loaded before stays.
                        let mut outcomes: Vec<FileOutcome> = names
                            .into_iter()
                            .map(|(name, bytes)| FileOutcome {
                                result: Err(format!(
                                    "the import of this file ({}) stopped: {message}. If the file is very large, \
                                     the tab may have run out of memory for it; everything loaded before is still \
                                     open.",
                                    crate::worker::human_size(bytes as f64)
                                )),
                                name,
                                bytes,
                            })
                            .collect();
                        outcomes.extend(unreadable);
                        finish_load(state, Vec::new(), outcomes, source);
                    }
                }
            }
            Err(why) => {
                leptos::logging::log!("spanscope: importing on the page's thread ({why})");
                import_on_page(state, inputs, unreadable, source).await;
            }
        }
        let _ = state.progress.try_set(None);
        state.outcomes.with_untracked(|o| done(o));
    });
}

fn input_size(i: &WorkerInput) -> usize {
    match &i.source {
        Source::File(f) => f.size() as usize,
        Source::Bytes(b) => b.len(),
    }
}

/// The fallback without a worker: read (in chunks, with progress), then import on the page's thread.
async fn import_on_page(state: AppState, inputs: Vec<WorkerInput>, mut failures: Vec<FileOutcome>, source: String) {
    let total: usize = inputs.iter().map(input_size).sum();
    let mut read = 0usize;
    let mut builder = TraceSetBuilder::new();
    let mut outcomes = Vec::with_capacity(inputs.len() + failures.len());
    for input in inputs {
        let name = input.name;
        let bytes = match input.source {
            Source::Bytes(b) => Ok(b),
            Source::File(f) => {
                let size = f.size() as usize;
                read_file(&f, |done| {
                    let _ = state.progress.try_set(Some(LoadProgress {
                        name: name.clone(),
                        bytes_read: read + done,
                        bytes_total: total,
                    }));
                })
                .await
                .map_err(|message| (size, message))
            }
        };
        match bytes {
            Ok(bytes) => {
                read += bytes.len();
                let _ = state.progress.try_set(Some(LoadProgress {
                    name: format!("parsing {name}"),
                    bytes_read: read,
                    bytes_total: total,
                }));
                // Let the progress paint before the import takes the thread.
                yield_to_browser().await;
                let result = import_into(&mut builder, &bytes).map(|s| s.traces).map_err(|e| e.to_string());
                outcomes.push(FileOutcome { name, bytes: bytes.len(), result });
            }
            Err((size, message)) => failures.push(FileOutcome {
                name,
                bytes: size,
                result: Err(format!("could not read the file: {message}")),
            }),
        }
    }
    outcomes.extend(failures);
    let traces = builder.finish(&BuildOptions::default());
    finish_load(state, traces, outcomes, source);
}

/// Adds the traces of a finished load and its outcomes to the state; opens the trace when the load was
/// unambiguous (one trace, no failed input).
fn finish_load(state: AppState, traces: Vec<Trace>, outcomes: Vec<FileOutcome>, source: String) {
    // When only one of the files held spans, every trace came from it: name it rather than "2 files".
    let mut with_traces = outcomes.iter().filter(|o| matches!(o.result, Ok(n) if n > 0));
    let source = match (with_traces.next(), with_traces.next()) {
        (Some(one), None) => one.name.clone(),
        _ => source,
    };
    let loaded: Vec<LoadedTrace> = traces
        .into_iter()
        .map(|t| LoadedTrace { trace: Arc::new(t), source: source.clone(), skew_adjusted: true })
        .collect();
    let all_ok = outcomes.iter().all(|o| o.result.is_ok());
    let open = if loaded.len() == 1 && all_ok { Some(loaded[0].trace.id_text()) } else { None };
    let _ = state.outcomes.try_set(outcomes);
    let _ = state.last_load.try_set(loaded.iter().map(|t| t.trace.id_text()).collect());
    state.add_traces(loaded);
    if let Some(id) = open {
        state.navigate(&Route::Trace { id, params: Params::default() });
    }
}

/// Bytes read per step, so the progress bar moves through a large file.
const CHUNK_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Reads a file in chunks, reporting the bytes read so far after each (and letting the page paint).
async fn read_file(f: &web_sys::File, progress: impl Fn(usize)) -> Result<Vec<u8>, String> {
    let size = f.size();
    let mut out = Vec::with_capacity(size as usize);
    let mut at = 0.0;
    progress(0);
    while at < size {
        let end = (at + CHUNK_BYTES).min(size);
        let blob = f.slice_with_f64_and_f64(at, end).map_err(js_message)?;
        let buf = JsFuture::from(blob.array_buffer()).await.map_err(js_message)?;
        let array = js_sys::Uint8Array::new(&buf);
        let start = out.len();
        out.resize(start + array.length() as usize, 0);
        array.copy_to(&mut out[start..]);
        at = end;
        progress(out.len());
        if size > CHUNK_BYTES {
            yield_to_browser().await;
        }
    }
    Ok(out)
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

/// A [`Pause`] that yields to the browser once `ms` have passed since the last time.
pub struct YieldEvery {
    ms: f64,
    since: f64,
    /// The last pause.
    last: f64,
    /// The longest time between two pauses: the longest slice of work (the benchmark reports the decode's).
    pub longest_ms: f64,
}

impl YieldEvery {
    pub fn new(ms: f64) -> YieldEvery {
        let now = js_sys::Date::now();
        YieldEvery { ms, since: now, last: now, longest_ms: 0.0 }
    }
}

impl Pause for YieldEvery {
    fn pause(&mut self, _progress: usize) -> impl std::future::Future<Output = ()> {
        let now = js_sys::Date::now();
        self.longest_ms = self.longest_ms.max(now - self.last);
        let due = now - self.since >= self.ms;
        let (since, last) = (&mut self.since, &mut self.last);
        async move {
            if due {
                yield_to_browser().await;
                *since = js_sys::Date::now();
            }
            *last = js_sys::Date::now();
        }
    }
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

/// Reads `config.json` next to `index.html` into `state.backends`. A missing file means no backends; a broken
/// one is reported with what is wrong.
pub fn load_config(state: AppState) {
    leptos::task::spawn_local(async move {
        let cancel = crate::http::Cancel::default();
        let result = match crate::http::get("config.json", &[], &cancel).await {
            Ok((404, _)) => Backends::Ready(Vec::new()),
            Ok((200..=299, body)) => {
                let links = spanscope_model::links::parse_link_templates(&body);
                match (spanscope_model::backend::parse_config(&body), links) {
                    (Ok(list), Ok(links)) => {
                        let (insights, ignored) = spanscope_model::insights::options_from_config(&body);
                        if state.min_repeats.get_untracked() != insights.min_repeats {
                            state.min_repeats.set(insights.min_repeats);
                        }
                        state.links.set(links.templates);
                        state.config_notes.set(links.refused.into_iter().chain(ignored).collect());
                        Backends::Ready(list)
                    }
                    (Err(e), _) => Backends::Failed(format!("config.json is not valid: {e}")),
                    (_, Err(e)) => Backends::Failed(format!("config.json is not valid: {e}")),
                }
            }
            Ok((status, _)) => Backends::Failed(format!("config.json could not be read: HTTP {status}.")),
            Err(e) => Backends::Failed(format!("config.json could not be read: {e:?}.")),
        };
        state.backends.set(result);
    });
}

/// Loads a trace file from an address (`?url=`), with the outcome listed like a dropped file's.
pub fn load_url(state: AppState, url: String) {
    if let Err(message) = check_url_param(&url) {
        let outcome = FileOutcome { name: "?url=".into(), bytes: 0, result: Err(message) };
        load_inputs(state, Vec::new(), vec![outcome]);
        return;
    }
    leptos::task::spawn_local(async move {
        state.progress.set(Some(LoadProgress { name: url.clone(), bytes_read: 0, bytes_total: 0 }));
        let cancel = crate::http::Cancel::default();
        let fail = |message: String| FileOutcome { name: url.clone(), bytes: 0, result: Err(message) };
        match crate::http::get_anonymous(&url, &cancel).await {
            Ok((200..=299, bytes)) => {
                load_inputs(state, vec![Input { name: url.clone(), bytes }], Vec::new());
                return; // load_inputs clears the progress when done
            }
            Ok((status, _)) => {
                let outcome = fail(format!("the server answered HTTP {status} for {url}."));
                load_inputs(state, Vec::new(), vec![outcome]);
            }
            Err(crate::http::FetchError::TimedOut) => {
                let outcome = fail(format!("{url} did not answer within {} s.", crate::http::TIMEOUT.as_secs()));
                load_inputs(state, Vec::new(), vec![outcome]);
            }
            Err(_) => {
                let outcome = fail(format!(
                    "the browser could not fetch {url}. If it is on another site, that server must allow this page to \
                     read it with CORS (send `Access-Control-Allow-Origin: {}` or `*`), or serve the file from the same \
                     origin as spanscope (e.g. through a reverse proxy). Otherwise check the address and that the \
                     server is up.",
                    page_origin()
                ));
                load_inputs(state, Vec::new(), vec![outcome]);
            }
        }
        state.progress.set(None);
    });
}

/// Longest `?url=` shown in a message (a data: address can be megabytes).
const URL_SHOWN_CHARS: usize = 120;

/// Refuses a `?url=` that is not an http(s) address once resolved against this page (`javascript:`, `data:`,
/// `file:`, `blob:` …): only web addresses are fetched, so a link cannot make spanscope read anything else.
fn check_url_param(url: &str) -> Result<(), String> {
    let base = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    let shown: String = url.chars().take(URL_SHOWN_CHARS).collect();
    let shown = if shown.len() < url.len() { format!("{shown}…") } else { shown };
    let parsed = web_sys::Url::new_with_base(url.trim(), &base)
        .map_err(|_| format!("?url= is not a valid address: “{shown}”. Give an http:// or https:// address."))?;
    match parsed.protocol().as_str() {
        "http:" | "https:" => Ok(()),
        scheme => Err(format!(
            "?url= only loads http:// and https:// addresses; “{shown}” uses {scheme} and was not fetched."
        )),
    }
}

/// This page's origin (`https://host:port`), for messages.
fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
