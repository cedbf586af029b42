//! Importing off the page's thread. The page starts a module Web Worker (`public/import-worker.js`) that runs
//! this same wasm module — the two files the page already loaded, so nothing more is downloaded — and hands it
//! the inputs: `File`s or byte buffers (transferred). The worker's script first decompresses a gzip-compressed
//! input with the browser's `DecompressionStream` (into a `Blob`, which then stands for the file; zstd too where
//! the browser has it), then reads a file up to 128 MB whole; a
//! larger one is parsed as a stream of chunks ([`FileDoc`]: `FileReaderSync` reads 4 MB at a time into the
//! parser's buffer), so it is never held whole, in JavaScript or in wasm memory, and a file larger than a
//! JavaScript string can hold is fine; a file the script could not read is read here with `FileReaderSync`,
//! which reports the error. The worker imports them into one `TraceSetBuilder`, builds, encodes the traces with
//! `spanscope_model::codec` and transfers the buffer back; the page decodes it where it arrived, a window at a
//! time ([`JsBytes`]).
//!
//! Both halves live here: [`worker_import`] runs in the worker, [`import_in_worker`] on the page. A trap in the
//! worker (a panic, or memory running out) fails only that load: the page says so and keeps what it has. Each
//! load gets a fresh worker, terminated afterwards, so its memory (file bytes, parse state) is given back.

use crate::loader::YieldEvery;
use crate::state::{FileOutcome, LoadProgress};
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use spanscope_model::{codec, import_into, import_stream_into, BuildOptions, Reopen, Trace, TraceSetBuilder};
use std::cell::{Cell, RefCell};
use std::io;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Bytes read per `FileReaderSync` call when a file is read whole. Each chunk is a JavaScript buffer that is
/// garbage once copied into wasm memory; small chunks keep that garbage (and so the worker's peak memory) small.
const CHUNK_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// Bytes read per `FileReaderSync` call when a file is parsed as a stream (the parser's buffer size): about 200
/// calls for a 1M-span file, each leaving a buffer this size for the garbage collector. Measured at 1M Jaeger
/// spans: parse 10.1 s with 1 MB chunks, 9.1 s with 4 MB; the renderer's peak the same (1.06–1.10 GB).
const STREAM_CHUNK_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

/// Progress is reported every this many bytes of a streamed file.
const STREAM_PROGRESS_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

/// Files up to this size are read whole by the worker's script, larger ones parsed as a stream (see the module
/// docs). A test sets `window.spanscopeWholeReadMaxBytes` to stream small files.
pub const WHOLE_READ_MAX_BYTES: f64 = 128.0 * 1024.0 * 1024.0;

/// The largest total input the worker accepts. A wasm32 instance can address 4 GiB; the model being built
/// (about a third of the JSON's size), the parser's state and any file read whole must fit in it together.
/// Measured: a 1M-span file (0.5–0.8 GB, streamed) peaks the worker's wasm memory at 0.64–0.72 GB.
pub const MAX_INPUT_BYTES: f64 = 2.0 * 1024.0 * 1024.0 * 1024.0;

/// One input for the worker.
pub enum Source {
    File(web_sys::File),
    Bytes(Vec<u8>),
}

pub struct WorkerInput {
    pub name: String,
    pub source: Source,
}

/// What a load gave.
pub struct Imported {
    pub traces: Vec<Trace>,
    pub outcomes: Vec<FileOutcome>,
}

// ---- the worker's half ----

/// A file parsed as a stream: each [`Reopen::open`] reads it from the start with `FileReaderSync`, a chunk per
/// read, reporting progress as it goes: "parsing" for the first pass, "rereading" for any later one (an importer's
/// second pass, or the start of the file read again to name where an error is), so the bar that starts over says
/// why. Format detection's look at the start ([`Reopen::open_prefix`]) reports nothing.
struct FileDoc<'p> {
    file: web_sys::File,
    name: String,
    progress: &'p Function,
    /// Passes opened so far.
    passes: Cell<u32>,
}

impl Reopen for FileDoc<'_> {
    fn open(&self) -> io::Result<Box<dyn io::Read + '_>> {
        self.passes.set(self.passes.get() + 1);
        let phase = if self.passes.get() == 1 { "parsing" } else { "rereading" };
        Ok(Box::new(self.reader(Some(phase))?))
    }

    fn open_prefix(&self, max_bytes: u64) -> io::Result<Box<dyn io::Read + '_>> {
        Ok(Box::new(io::Read::take(self.reader(None)?, max_bytes)))
    }

    fn len_bytes(&self) -> Option<u64> {
        Some(self.file.size() as u64)
    }
}

impl FileDoc<'_> {
    fn reader(&self, phase: Option<&'static str>) -> io::Result<FileRead<'_>> {
        let reader = web_sys::FileReaderSync::new().map_err(io_error)?;
        Ok(FileRead { doc: self, reader, at: 0.0, reported: 0.0, phase })
    }
}

struct FileRead<'d> {
    doc: &'d FileDoc<'d>,
    reader: web_sys::FileReaderSync,
    /// The offset of the next byte to read.
    at: f64,
    reported: f64,
    /// The progress phase this reader reports, if any.
    phase: Option<&'static str>,
}

impl io::Read for FileRead<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = self.doc.file.size();
        if self.at >= size || buf.is_empty() {
            return Ok(0);
        }
        let end = (self.at + (buf.len() as f64).min(STREAM_CHUNK_BYTES)).min(size);
        let blob = self.doc.file.slice_with_f64_and_f64(self.at, end).map_err(io_error)?;
        let buffer = self.reader.read_as_array_buffer(&blob).map_err(io_error)?;
        let chunk = Uint8Array::new(&buffer);
        let n = (chunk.length() as usize).min(buf.len());
        if n == 0 {
            return Err(io::Error::other("the file ended before its size (it changed while being read?)"));
        }
        chunk.subarray(0, n as u32).copy_to(&mut buf[..n]);
        self.at += n as f64;
        if let Some(phase) = self.phase {
            if self.at - self.reported >= STREAM_PROGRESS_BYTES || self.at >= size {
                self.reported = self.at;
                report(self.doc.progress, phase, &self.doc.name, self.at, size);
            }
        }
        Ok(n)
    }
}

fn io_error(e: JsValue) -> io::Error {
    io::Error::other(crate::loader::js_message(e))
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &value.into());
}

fn report(progress: &Function, phase: &str, name: &str, done: f64, total: f64) {
    let args = Array::of4(&phase.into(), &name.into(), &done.into(), &total.into());
    let _ = progress.apply(&JsValue::NULL, &args);
}

/// Reads a whole `File` in chunks into wasm memory (never into one JavaScript string).
fn read_file_sync(file: &web_sys::File, name: &str, progress: &Function) -> Result<Vec<u8>, String> {
    let size = file.size();
    let mut out = Vec::new();
    out.try_reserve_exact(size as usize)
        .map_err(|_| format!("{} is too large to hold in memory here ({}).", name, human_size(size)))?;
    let reader = web_sys::FileReaderSync::new().map_err(crate::loader::js_message)?;
    let mut at = 0.0;
    while at < size {
        let end = (at + CHUNK_BYTES).min(size);
        let blob = file.slice_with_f64_and_f64(at, end).map_err(crate::loader::js_message)?;
        let buffer = reader.read_as_array_buffer(&blob).map_err(crate::loader::js_message)?;
        let chunk = Uint8Array::new(&buffer);
        let start = out.len();
        out.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut out[start..]);
        at = end;
        report(progress, "reading", name, out.len() as f64, size);
    }
    Ok(out)
}

/// Runs in the worker: `inputs` is an array of `{name, file, stream?, compressed?}` (`stream`: parse it as a
/// stream, see [`FileDoc`]; else read it whole here; `compressed: {format, bytes}`: the script decompressed it,
/// `bytes` is the size as dropped), `{name, bytes: Uint8Array}`, or `{name, error}` (the script could not
/// decompress it: the error is its outcome; `decompressedOverLimit: true`: it stopped once the file grew past
/// `limit_bytes`); `progress` is called with `(phase, name,
/// done, total)`. Returns `{encoded: Uint8Array, outcomes: [{name, bytes, traces | error}], timings: {read_ms,
/// parse_ms, build_ms, encode_ms, streamed_files, worker_wasm_bytes}}` (a streamed file's reading is in its
/// parse time).
#[wasm_bindgen(js_name = spanscopeWorkerImport)]
pub fn worker_import(inputs: Array, limit_bytes: f64, progress: Function) -> Object {
    let mut builder = TraceSetBuilder::new();
    let outcomes = Array::new();
    let (mut read_ms, mut parse_ms, mut streamed_files) = (0.0, 0.0, 0.0);
    let total: f64 = inputs
        .iter()
        .filter(|i| get(i, "error").is_undefined() && !get(i, "decompressedOverLimit").is_truthy())
        .map(|i| {
            let file = get(&i, "file");
            if let Some(f) = file.dyn_ref::<web_sys::File>() {
                f.size()
            } else {
                get(&i, "bytes").dyn_ref::<Uint8Array>().map_or(0.0, |b| b.length() as f64)
            }
        })
        .sum();
    for input in inputs.iter() {
        let name = get(&input, "name").as_string().unwrap_or_default();
        let outcome = Object::new();
        set(&outcome, "name", name.as_str());
        let t0 = js_sys::Date::now();
        let file = get(&input, "file").dyn_into::<web_sys::File>().ok();
        if let Some(file) = &file {
            set(&outcome, "bytes", file.size());
        }
        // The script's own verdict: a compressed file it could not decompress, or one that grew past the limit
        // (the script stopped there).
        if let Some(message) = get(&input, "error").as_string() {
            set(&outcome, "error", message);
            outcomes.push(&outcome);
            continue;
        }
        if get(&input, "decompressedOverLimit").is_truthy() {
            let what = format!("decompressed, it is more than {}", human_size(limit_bytes));
            set(&outcome, "error", too_large(&name, &what, limit_bytes));
            outcomes.push(&outcome);
            continue;
        }
        // A file the script decompressed is said with its size as dropped.
        let push = |outcome: &Object| {
            if let Some(bytes) = get(&get(&input, "compressed"), "bytes").as_f64() {
                set(outcome, "bytes", bytes);
            }
            outcomes.push(outcome);
        };
        if let (Some(file), true, false) = (&file, get(&input, "stream").is_truthy(), total > limit_bytes) {
            report(&progress, "parsing", &name, 0.0, file.size());
            let doc = FileDoc { file: file.clone(), name: name.clone(), progress: &progress, passes: Cell::new(0) };
            match import_stream_into(&mut builder, &doc) {
                Ok(summary) => set(&outcome, "traces", summary.traces as f64),
                Err(e) => set(&outcome, "error", e.to_string()),
            }
            streamed_files += 1.0;
            parse_ms += js_sys::Date::now() - t0;
            push(&outcome);
            continue;
        }
        let bytes = if let Some(file) = &file {
            if total > limit_bytes {
                Err(too_large_message(&name, file.size(), total, limit_bytes))
            } else {
                read_file_sync(file, &name, &progress)
            }
        } else if let Some(array) = get(&input, "bytes").dyn_ref::<Uint8Array>() {
            set(&outcome, "bytes", array.length());
            Ok(array.to_vec())
        } else {
            Err("nothing to read (internal: an input without a file or bytes)".to_string())
        };
        let t1 = js_sys::Date::now();
        read_ms += t1 - t0;
        match bytes {
            Ok(bytes) => {
                report(&progress, "parsing", &name, 0.0, bytes.len() as f64);
                match import_into(&mut builder, &bytes) {
                    Ok(summary) => set(&outcome, "traces", summary.traces as f64),
                    Err(e) => set(&outcome, "error", e.to_string()),
                }
            }
            Err(message) => set(&outcome, "error", message),
        }
        parse_ms += js_sys::Date::now() - t1;
        push(&outcome);
    }
    report(&progress, "building", "", 0.0, 0.0);
    let t2 = js_sys::Date::now();
    let traces = builder.finish(&BuildOptions::default());
    let t3 = js_sys::Date::now();
    let encoded = codec::traces_to_bytes(&traces);
    drop(traces);
    let array = Uint8Array::new_with_length(encoded.len() as u32);
    array.copy_from(&encoded);
    let t4 = js_sys::Date::now();
    let timings = Object::new();
    set(&timings, "read_ms", read_ms);
    set(&timings, "parse_ms", parse_ms);
    set(&timings, "build_ms", t3 - t2);
    set(&timings, "encode_ms", t4 - t3);
    set(&timings, "streamed_files", streamed_files);
    // The worker's high-water mark: wasm memory never shrinks, so its size now is the most it held.
    set(&timings, "worker_wasm_bytes", wasm_memory_bytes());
    let result = Object::new();
    set(&result, "encoded", array);
    set(&result, "outcomes", outcomes);
    set(&result, "timings", timings);
    result
}

/// A small Zipkin v2 document for [`worker_warm_up`] (Zipkin has no exporter to write one from a demo trace).
const ZIPKIN_WARM_UP: &str = r#"[{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","kind":"SERVER","name":"get /api","timestamp":1556604172355737,"duration":1431,"localEndpoint":{"serviceName":"frontend","ipv4":"192.168.99.1","port":8081},"remoteEndpoint":{"ipv6":"::1","port":63596},"tags":{"http.method":"GET","http.path":"/api","mvc.controller.class":"Frontend"},"annotations":[{"timestamp":1556604172355800,"value":"wr"}]},{"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c","id":"352bff9a74ca9ad2","kind":"CLIENT","name":"select orders","timestamp":1556604172356100,"duration":900,"localEndpoint":{"serviceName":"backend","ipv4":"192.168.99.1"},"remoteEndpoint":{"serviceName":"mysql","port":3306},"tags":{"db.statement":"SELECT * FROM orders WHERE id = ?","error":"timeout"},"shared":false}]"#;

/// Rounds of [`worker_warm_up`]: enough for V8 to optimize the hot functions (measured: 8 rounds of the demo
/// traces take the 100k-span Jaeger parse from 490 to ~425 ms and the build from 35 to ~17 ms).
const WARM_UP_ROUNDS: usize = 8;

/// Runs in a new worker before it says it is ready: imports, builds and encodes the demo traces (as OTLP and
/// Jaeger JSON) and a small Zipkin document a few times. V8 starts wasm functions in its baseline compiler and
/// optimizes those that run often; this way the parser is optimized before a person's file arrives rather than
/// during it. Returns the milliseconds it took.
#[wasm_bindgen(js_name = spanscopeWorkerWarmUp)]
pub fn worker_warm_up() -> f64 {
    use spanscope_model::export::{export, ExportFormat};
    let t0 = js_sys::Date::now();
    let mut docs: Vec<Vec<u8>> = vec![ZIPKIN_WARM_UP.as_bytes().to_vec()];
    for info in spanscope_model::demo::DEMOS {
        if let Some(trace) = spanscope_model::demo::demo(info.key) {
            docs.push(export(&trace, None, ExportFormat::OtlpJson));
            docs.push(export(&trace, None, ExportFormat::JaegerJson));
        }
    }
    for _ in 0..WARM_UP_ROUNDS {
        for doc in &docs {
            let mut builder = TraceSetBuilder::new();
            if import_into(&mut builder, doc).is_ok() {
                let traces = builder.finish(&BuildOptions::default());
                let _ = codec::traces_to_bytes(&traces);
            }
        }
    }
    js_sys::Date::now() - t0
}

/// Rounds of [`warm_up_decode`].
const DECODE_WARM_UP_ROUNDS: usize = 40;

/// Runs on the page, once, when it is idle after starting: decodes the demo traces a few dozen times, so that V8
/// has optimized the decoder before the first import's answer (a decode entered in the baseline compiler's code
/// stays in it for the whole trace). A few milliseconds.
pub fn warm_up_decode() {
    let traces: Vec<Trace> =
        spanscope_model::demo::DEMOS.iter().filter_map(|info| spanscope_model::demo::demo(info.key)).collect();
    let encoded = JsBytes(Uint8Array::from(codec::traces_to_bytes(&traces).as_slice()));
    // The decode the import runs (the same code, one copy in the wasm), with a pause that never stops.
    wasm_bindgen_futures::spawn_local(async move {
        for _ in 0..DECODE_WARM_UP_ROUNDS {
            let mut never = YieldEvery::new(f64::INFINITY);
            let _ = codec::traces_from_source_pausing(&encoded, &mut never).await;
        }
    });
}

/// The longest the page's decode runs before it lets the browser paint and answer input: a 100k-span answer
/// decodes in one go (30–50 ms), a 1M-span one (0.3–0.5 s) in pieces of about this much.
const DECODE_SLICE_MS: f64 = 50.0;

/// The worker's answer as it arrived, a `Uint8Array`, read by the decoder a window at a time
/// ([`codec::traces_from_source`]): the answer is never copied whole into the page's wasm memory, which would keep
/// that much more memory for as long as the page lives (wasm memory does not shrink; 211 MB at 1M spans).
struct JsBytes(Uint8Array);

impl codec::ByteSource for JsBytes {
    fn len_bytes(&self) -> usize {
        self.0.length() as usize
    }

    fn copy_to(&self, at: usize, out: &mut [u8]) {
        self.0.subarray(at as u32, (at + out.len()) as u32).copy_to(out);
    }
}

fn too_large_message(name: &str, size: f64, total: f64, limit: f64) -> String {
    let what = if size < total {
        format!("these files together are {}", human_size(total))
    } else {
        format!("it is {}", human_size(size))
    };
    too_large(name, &what, limit)
}

/// [`too_large_message`] for what `what` says (`it is 3.00 GB`).
fn too_large(name: &str, what: &str, limit: f64) -> String {
    format!(
        "{name} was not opened: {what}, and spanscope opens at most {} at once (a browser tab can address 4 GiB, and \
         the file and the trace built from it must fit together). A 1M-span Jaeger file is about 0.8 GB. Split \
         the file, or fetch fewer traces per file.",
        human_size(limit)
    )
}

/// A byte count for people (SI units: 81.8 MB, 3.00 GB), used by the progress bar, outcomes and messages.
pub fn human_size(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.2} GB", bytes / 1e9)
    } else if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.0} KB", bytes / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

// ---- the page's half ----

/// The addresses of this page's wasm-bindgen module and wasm binary (Trunk preloads both).
fn module_addresses(doc: &web_sys::Document) -> Option<(String, String)> {
    let href = |css: &str| -> Option<String> {
        let el = doc.query_selector(css).ok()??;
        el.dyn_ref::<web_sys::HtmlLinkElement>().map(|l| l.href())
    };
    Some((href("link[rel=modulepreload]")?, href("link[rel=preload][as=fetch]")?))
}

thread_local! {
    /// A worker started ahead of need (its module compiled and instantiated), so a load does not wait for that.
    static READY: std::cell::RefCell<Option<web_sys::Worker>> = const { std::cell::RefCell::new(None) };
}

/// Starts a worker for the next load, unless one is waiting already.
pub fn prewarm() {
    if READY.with(|r| r.borrow().is_some()) {
        return;
    }
    if let Ok(w) = start() {
        READY.with(|r| *r.borrow_mut() = Some(w));
    }
}

/// The waiting worker, or a new one; or why there is none (then the page imports on its own thread).
pub fn spawn() -> Result<web_sys::Worker, String> {
    match READY.with(|r| r.borrow_mut().take()) {
        Some(w) => Ok(w),
        None => start(),
    }
}

/// Starts an import worker and has it load the app's module.
fn start() -> Result<web_sys::Worker, String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let (glue, wasm) = module_addresses(&doc).ok_or("the page's module addresses were not found")?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options("import-worker.js", &options).map_err(crate::loader::js_message)?;
    let init = Object::new();
    set(&init, "type", "init");
    set(&init, "glue", glue);
    set(&init, "wasm", wasm);
    worker.post_message(&init).map_err(crate::loader::js_message)?;
    // Its first message says it is ready (or failed to start; the load that uses it reports that). The mark
    // lets the benchmark hand over its file as a person would: once the page is ready for it.
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    let on_first = Closure::once_into_js(|event: JsValue| {
        let data = get(&event, "data");
        if get(&data, "type").as_string().as_deref() == Some("ready") {
            mark("spanscope:import-worker-ready");
            if let Some(w) = web_sys::window() {
                let _ = Reflect::set(&w, &JsValue::from_str("spanscopeWorkerWarmUpMs"), &get(&data, "warmUpMs"));
            }
        }
    });
    let _ = worker.add_event_listener_with_callback_and_add_event_listener_options(
        "message",
        on_first.unchecked_ref(),
        &options,
    );
    Ok(worker)
}

/// A message or error listener on the worker, kept alive until the conversation ends.
type Handler = Closure<dyn FnMut(JsValue)>;

/// Imports `inputs` in `worker` (from [`spawn`]), calling `on_progress` as it goes, and terminates it. An error
/// means the worker failed (a trap: a bug, or memory ran out); the message says what the browser reported.
pub async fn import_in_worker(
    worker: web_sys::Worker,
    inputs: Vec<WorkerInput>,
    on_progress: impl Fn(LoadProgress) + 'static,
) -> Result<Imported, String> {
    mark("spanscope:import-start");

    let job = Object::new();
    set(&job, "type", "import");
    // Test hooks on the page's window: a lower limit (`spanscopeMaxInputBytes`) sees a file refused without a file
    // that large; `spanscopeWholeReadMaxBytes` streams small files; `spanscopeBreakDecompressed` (N): the script's
    // first N attempts at the job lose their decompressed files, as in a just-started browser (import-worker.js).
    let hook = |name: &str| {
        web_sys::window().and_then(|w| Reflect::get(&w, &JsValue::from_str(name)).ok()).and_then(|v| v.as_f64())
    };
    set(&job, "limitBytes", hook("spanscopeMaxInputBytes").unwrap_or(MAX_INPUT_BYTES));
    set(&job, "wholeReadMaxBytes", hook("spanscopeWholeReadMaxBytes").unwrap_or(WHOLE_READ_MAX_BYTES));
    set(&job, "breakDecompressed", hook("spanscopeBreakDecompressed").unwrap_or(0.0));
    let list = Array::new();
    let transfer = Array::new();
    for input in inputs {
        let entry = Object::new();
        set(&entry, "name", input.name);
        match input.source {
            Source::File(f) => set(&entry, "file", f),
            Source::Bytes(b) => {
                let array = Uint8Array::from(b.as_slice());
                transfer.push(&array.buffer());
                set(&entry, "bytes", array);
            }
        }
        list.push(&entry);
    }
    set(&job, "inputs", list);
    if let Err(e) = worker.post_message_with_transfer(&job, &transfer) {
        worker.terminate();
        return Err(crate::loader::js_message(e));
    }

    // The conversation, as one promise: progress messages call back, "done" resolves, "failed" or a worker
    // error rejects.
    let on_progress = Rc::new(on_progress);
    let handlers: Rc<RefCell<Vec<Handler>>> = Rc::default();
    let promise = js_sys::Promise::new(&mut |resolve: Function, reject: Function| {
        let on_progress = on_progress.clone();
        let reject2 = reject.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let data = get(&event, "data");
            match get(&data, "type").as_string().as_deref() {
                Some("progress") => {
                    let phase = get(&data, "phase").as_string().unwrap_or_default();
                    let name = get(&data, "name").as_string().unwrap_or_default();
                    let done = get(&data, "done").as_f64().unwrap_or(0.0) as usize;
                    let total = get(&data, "total").as_f64().unwrap_or(0.0) as usize;
                    let label = match phase.as_str() {
                        "reading" => name,
                        "parsing" => format!("parsing {name}"),
                        "rereading" => format!("reading {name} again"),
                        "decompressing" => format!("decompressing {name}"),
                        _ => "building the trace tree".to_string(),
                    };
                    on_progress(LoadProgress { name: label, bytes_read: done, bytes_total: total });
                }
                Some("done") => {
                    let _ = resolve.call1(&JsValue::NULL, &get(&data, "result"));
                }
                Some("failed") => {
                    let _ = reject.call1(&JsValue::NULL, &get(&data, "message"));
                }
                _ => {}
            }
        });
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
            let message = get(&event, "message").as_string().unwrap_or_else(|| "the import worker stopped".into());
            let _ = reject2.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        handlers.borrow_mut().push(on_message);
        handlers.borrow_mut().push(on_error);
    });
    let answer = JsFuture::from(promise).await;
    worker.terminate();
    drop(handlers);
    // The next load's worker starts once this one's result is decoded and shown (its start and warm-up would
    // compete with them for the processor).
    leptos::prelude::set_timeout(prewarm, std::time::Duration::from_millis(1500));
    let result = answer.map_err(|e| e.as_string().unwrap_or_else(|| crate::loader::js_message(e)))?;

    // Decoding is the page's one long step: let the progress paint first.
    crate::loader::yield_to_browser().await;
    let t0 = js_sys::Date::now();
    let encoded =
        JsBytes(get(&result, "encoded").dyn_into::<Uint8Array>().unwrap_or_else(|_| Uint8Array::new_with_length(0)));
    let mut slices = YieldEvery::new(DECODE_SLICE_MS);
    let traces = codec::traces_from_source_pausing(&encoded, &mut slices)
        .await
        .map_err(|e| format!("the import worker's answer could not be read: {e}"))?;
    drop(encoded);
    let decode_ms = js_sys::Date::now() - t0;
    mark("spanscope:import-end");
    measure("spanscope:import", "spanscope:import-start", "spanscope:import-end");

    let outcomes = get(&result, "outcomes")
        .dyn_into::<Array>()
        .map(|a| {
            a.iter()
                .map(|o| {
                    let name = get(&o, "name").as_string().unwrap_or_default();
                    let bytes = get(&o, "bytes").as_f64().unwrap_or(0.0) as usize;
                    let result = match get(&o, "error").as_string() {
                        Some(e) => Err(e),
                        None => Ok(get(&o, "traces").as_f64().unwrap_or(0.0) as usize),
                    };
                    FileOutcome { name, bytes, result }
                })
                .collect()
        })
        .unwrap_or_default();
    // Timings for the benchmark (`make bench` reads them): worker read/parse/build/encode and page decode (and
    // from the script, `decompress_attempts`: how many times it ran the job, see import-worker.js).
    let timings = get(&result, "timings");
    if let Ok(t) = timings.clone().dyn_into::<Object>() {
        set(&t, "decode_ms", decode_ms);
        // The longest the decode ran between two of its pauses.
        set(&t, "decode_longest_slice_ms", slices.longest_ms);
        set(&t, "spans", traces.iter().map(|t| t.len()).sum::<usize>() as f64);
        if let Some(w) = web_sys::window() {
            let _ = Reflect::set(&w, &JsValue::from_str("spanscopeLastImport"), &t);
        }
    }
    Ok(Imported { traces, outcomes })
}

fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

fn measure(name: &str, start: &str, end: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

/// The bytes of this page's wasm memory (for the benchmark's memory figure).
#[wasm_bindgen(js_name = spanscopeWasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map_or(0.0, |b| b.byte_length() as f64))
}
