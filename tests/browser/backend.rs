//! A fixture backend for the browser tests: a loopback HTTP server (one thread per connection, like
//! `StaticServer`) that answers the query APIs of Jaeger (api_v3, and v1 for older servers), Grafana Tempo and
//! Zipkin v2 the way the real servers do, from the real trace bodies in `crates/model/tests/fixtures/` — or fails
//! the way real servers fail (HTTP 500, a cut-off body, no CORS header, a slow answer).
//!
//! Every request is recorded ([`FixtureBackend::requests`], [`FixtureBackend::recorded`]) so a test can assert on
//! what the app sent: parameter names, units, the configured headers. [`FixtureBackend::answer`] gives the very
//! bytes an address is answered with, so a test can compute what the app should show from the same bytes.
//! Arbitrary files can be served too ([`FixtureBackend::set_file`]), for `?url=`.
//!
//! Shapes follow `../shared/fixtures/FORMATS.md` §1 (Jaeger v1 envelope), §2 (api_v3: `{"result":…}`, errors
//! `{"error":{"httpCode":…,"message":…}}`, a search without hits is 404 "No traces found"), §3.5 (Tempo: search
//! metadata with leading zeros stripped from ids and `durationMs` omitted when 0, tag values, `{"trace":…}` and
//! `{"batches":…}`) and §4.1 (Zipkin: bare arrays, plain-text 404). Time windows are checked for their form but do
//! not filter: the fixture traces are years old.

use serde_json::{json, Value};
use spanscope_model::backend::normalize_trace_id;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a fixture backend behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// A current Jaeger (v2): api_v3 services, operations, search and trace by id, OTLP bodies wrapped as
    /// `{"result":…}`; a search without hits is 404 `No traces found`. Of v1 only `/api/traces/{id}` is left
    /// (serving the Jaeger-JSON traces of [`JAEGER_V1`]).
    Jaeger,
    /// An older Jaeger query server: `/api/v3/*` is a plain-text `404 page not found`; v1 services, operations,
    /// search and trace by id answer with the `{"data":[…]}` envelope.
    JaegerV1Only,
    /// Grafana Tempo: `/api/search` (metadata only), tag names and values (v1 and v2), `/api/v2/traces/{id}`
    /// (`{"trace":…}`) and `/api/traces/{id}` (`{"batches":…}`).
    Tempo,
    /// Zipkin v2: services, span names, trace search (a list of traces), trace by id; plain-text 404.
    Zipkin,
    /// Every endpoint answers HTTP 500 with a message: api_v3's JSON error object under `/api/v3/`, plain text
    /// elsewhere ([`FAILING_MESSAGE`]).
    Failing,
    /// Jaeger's answers with HTTP 200, cut off halfway: invalid JSON.
    Malformed,
    /// Jaeger without CORS: no `Access-Control-Allow-Origin` header, so the browser hides every answer.
    NoCors,
    /// Jaeger answering after [`SLOW`].
    Slow,
}

/// How long [`Flavor::Slow`] waits before answering.
pub const SLOW: Duration = Duration::from_millis(2500);

/// The message [`Flavor::Failing`] answers with.
pub const FAILING_MESSAGE: &str = "failed to query the span store: cassandra: no hosts available";

/// Traces of [`Flavor::Jaeger`] (and its variants): OTLP JSON as Jaeger's api_v3 sends it.
pub const JAEGER_OTLP: &[&str] = &[
    "otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json",
    "otlp/jaeger-pr9263_oteldemo_error_timeout_masked.json",
    "otlp/jaeger-pr9263_sibling_errors.json",
    "otlp/jaeger_example_trace.json",
];

/// Traces of [`Flavor::JaegerV1Only`] (and of v1 `/api/traces/{id}` on [`Flavor::Jaeger`]): Jaeger UI JSON.
/// `df84e36b…` has 31 digits (its leading zero dropped), as Jaeger UI fixtures have it.
pub const JAEGER_V1: &[&str] = &[
    "jaeger/jaeger-ui_spanLongerAsParent.json",
    "jaeger/jaeger-ui_spanAmongEachOtherGroupedAndSpans.json",
    "jaeger/jaeger_ui_01.json",
];

/// Traces of [`Flavor::Tempo`]. `0af76519…` (legacy) is listed by search as 31 digits; `the only span` lasts
/// 0.5 ms, so its search entry has no `durationMs`; the v2 envelope is a PARTIAL answer.
pub const TEMPO: &[&str] = &[
    "tempo/synthetic_tempo_base64_ids_batches.json",
    "tempo/synthetic_tempo_legacy_instrumentation_library_spans.json",
    "tempo/synthetic_tempo_v2_trace_envelope.json",
    "tempo/tempopb_trace.json",
    "otlp/synthetic_otlp_one_span.json",
];

/// Traces of [`Flavor::Zipkin`]: Zipkin v2 span arrays (Zipkin Lens fixtures).
pub const ZIPKIN: &[&str] = &[
    "zipkin/zipkin-lens_yelp.json",
    "zipkin/zipkin-lens_skew.json",
    "zipkin/zipkin-lens_messaging-kafka.json",
    "zipkin/zipkin-lens_messaging.json",
];

/// The model crate's fixtures directory.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates/model/tests/fixtures")
}

/// A request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent (still percent-encoded).
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    /// `GET /api/v3/services`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.target)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// A query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        split_target(&self.target).1.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// An answer: status, content type and body.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply { status, content_type: "application/json", body: body.into() }
    }

    fn value(status: u16, v: Value) -> Reply {
        Reply::json(status, v.to_string())
    }

    fn text(status: u16, body: &str) -> Reply {
        Reply { status, content_type: "text/plain; charset=utf-8", body: body.as_bytes().to_vec() }
    }

    /// Go's `http.NotFound` (Jaeger, Tempo): `404 page not found`.
    fn go_not_found() -> Reply {
        Reply::text(404, "404 page not found\n")
    }

    fn v3_error(status: u16, message: &str) -> Reply {
        Reply::value(status, json!({"error": {"httpCode": status, "message": message}}))
    }

    fn v1_error(status: u16, message: &str) -> Reply {
        Reply::value(
            status,
            json!({"data": null, "total": 0, "limit": 0, "offset": 0, "errors": [{"code": status, "msg": message}]}),
        )
    }
}

/// What the model makes of one stored trace (computed natively with `spanscope_model::import` on the file).
#[derive(Clone, Debug)]
pub struct Facts {
    /// 32 lower-case hex digits.
    pub id: String,
    pub spans: usize,
    pub services: BTreeSet<String>,
    /// (service, span name, span kind).
    pub ops: BTreeSet<(String, String, &'static str)>,
    pub root_service: String,
    pub root_name: String,
    pub start_ns: i64,
    pub duration_ns: i64,
    /// service → (spans, error spans).
    pub stats: BTreeMap<String, (u32, u32)>,
    /// Attribute keys of spans and resources.
    pub keys: BTreeSet<String>,
}

/// One trace the backend holds: its file and what it contains.
#[derive(Clone, Debug)]
pub struct Stored {
    pub file: &'static str,
    pub text: String,
    pub facts: Facts,
}

impl Stored {
    fn load(file: &'static str) -> Stored {
        let path = fixtures_dir().join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
        let traces = spanscope_model::import(text.as_bytes()).unwrap_or_else(|e| panic!("fixture {file}: {e}"));
        assert_eq!(traces.len(), 1, "fixture {file} should hold one trace");
        let t = &traces[0];
        let mut facts = Facts {
            id: format!("{:032x}", t.id().value),
            spans: t.len(),
            services: BTreeSet::new(),
            ops: BTreeSet::new(),
            root_service: String::new(),
            root_name: String::new(),
            start_ns: t.start().0,
            duration_ns: t.duration().0,
            stats: BTreeMap::new(),
            keys: BTreeSet::new(),
        };
        if let Some(r) = t.root_span() {
            facts.root_service = t.service(r).to_string();
            facts.root_name = t.name(r).to_string();
        }
        for s in t.spans() {
            let service = t.service(s).to_string();
            facts.services.insert(service.clone());
            facts.ops.insert((service.clone(), t.name(s).to_string(), t.kind(s).as_str()));
            let e = facts.stats.entry(service).or_default();
            e.0 += 1;
            e.1 += u32::from(t.is_error(s));
            for a in t.attributes(s).iter().chain(t.attrs_at(t.resource(s).attrs)) {
                facts.keys.insert(t.key(a).to_string());
            }
        }
        Stored { file, text, facts }
    }

    fn has_service(&self, service: Option<&str>) -> bool {
        service.is_none_or(|s| self.facts.services.contains(s))
    }

    fn has_operation(&self, service: Option<&str>, op: Option<&str>) -> bool {
        op.is_none_or(|op| self.facts.ops.iter().any(|(s, n, _)| n == op && service.is_none_or(|x| x == s)))
    }

    /// The OTLP `resourceSpans` array (`batches` of a Tempo v1 file, `trace.resourceSpans` of a v2 envelope,
    /// `result.resourceSpans` of an api_v3 answer), as raw JSON text.
    fn resource_spans(&self) -> &str {
        let t = self.text.as_str();
        raw_member(t, "resourceSpans")
            .or_else(|| raw_member(t, "batches"))
            .or_else(|| raw_member(raw_member(t, "trace")?, "resourceSpans"))
            .or_else(|| raw_member(raw_member(t, "result")?, "resourceSpans"))
            .unwrap_or_else(|| panic!("fixture {} has no resourceSpans", self.file))
    }
}

fn load_all(files: &[&'static str]) -> Vec<Stored> {
    files.iter().map(|f| Stored::load(f)).collect()
}

struct Shared {
    flavor: Flavor,
    /// The traces of the flavor's own format.
    traces: Vec<Stored>,
    /// [`Flavor::Jaeger`]'s v1 `/api/traces/{id}`.
    v1: Vec<Stored>,
    files: Mutex<HashMap<String, Vec<u8>>>,
    log: Mutex<Vec<Recorded>>,
    stop: AtomicBool,
}

/// A running fixture backend on 127.0.0.1. Stops when dropped.
pub struct FixtureBackend {
    pub port: u16,
    shared: Arc<Shared>,
}

impl FixtureBackend {
    pub fn start(flavor: Flavor) -> FixtureBackend {
        let (traces, v1) = match flavor {
            Flavor::JaegerV1Only => (load_all(JAEGER_V1), vec![]),
            Flavor::Tempo => (load_all(TEMPO), vec![]),
            Flavor::Zipkin => (load_all(ZIPKIN), vec![]),
            Flavor::Failing => (vec![], vec![]),
            Flavor::Jaeger | Flavor::Malformed | Flavor::NoCors | Flavor::Slow => {
                (load_all(JAEGER_OTLP), load_all(JAEGER_V1))
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind fixture backend");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            flavor,
            traces,
            v1,
            files: Mutex::default(),
            log: Mutex::default(),
            stop: AtomicBool::new(false),
        });
        let s = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &s);
                });
            }
        });
        FixtureBackend { port, shared }
    }

    /// `http://127.0.0.1:<port>` (no trailing slash), the `url` for config.json.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The stored trace with this id (any form `normalize_trace_id` takes).
    pub fn trace(&self, id: &str) -> Option<&Stored> {
        let id = normalize_trace_id(id).ok()?;
        self.shared.traces.iter().find(|t| t.facts.id == id)
    }

    /// Request lines received so far, oldest first: `GET /api/v3/services`, `OPTIONS /api/v3/services`.
    pub fn requests(&self) -> Vec<String> {
        self.recorded().iter().map(Recorded::line).collect()
    }

    /// Requests received so far, with their headers.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// Serves `bytes` at `path` (e.g. `/files/trace.json`), with this flavor's CORS behaviour; `None` removes it.
    pub fn set_file(&self, path: &str, bytes: Option<Vec<u8>>) {
        let mut files = self.shared.files.lock().unwrap();
        match bytes {
            Some(b) => files.insert(path.to_string(), b),
            None => files.remove(path),
        };
    }

    /// What a GET of `target` (path and query) is answered with, without waiting or recording: the same bytes the
    /// browser gets.
    pub fn answer(&self, target: &str) -> Reply {
        self.shared.answer(target)
    }
}

impl Drop for FixtureBackend {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and closes the listener.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_one(mut stream: TcpStream, s: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(()); // the wake-up connection of Drop, or a closed one
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or("/").to_string();
    let request = Recorded { method: method.clone(), target: target.clone(), headers };
    let cors = s.flavor != Flavor::NoCors;
    let mut extra: Vec<(String, String)> = Vec::new();
    if cors {
        extra.push(("Access-Control-Allow-Origin".into(), "*".into()));
    }
    let reply = if method == "OPTIONS" {
        if cors {
            // The wildcard does not cover `Authorization`, so the requested headers are echoed (as rs/cors in
            // Jaeger, or a proxy, does); `*` when none were asked for.
            let asked = request.header("access-control-request-headers").unwrap_or("*").to_string();
            extra.push(("Access-Control-Allow-Headers".into(), asked));
            extra.push(("Access-Control-Allow-Methods".into(), "GET".into()));
        }
        Reply { status: 204, content_type: "text/plain", body: vec![] }
    } else {
        let file = s.files.lock().unwrap().get(request.path()).cloned();
        match file {
            Some(body) => Reply { status: 200, content_type: content_type(request.path()), body },
            None => {
                if s.flavor == Flavor::Slow {
                    std::thread::sleep(SLOW);
                }
                s.answer(&target)
            }
        }
    };
    s.log.lock().unwrap().push(request);
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "",
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("json") => "application/json",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl Shared {
    fn answer(&self, target: &str) -> Reply {
        let (path, query) = split_target(target);
        let q = Params(query);
        match self.flavor {
            Flavor::Jaeger | Flavor::NoCors | Flavor::Slow => self.jaeger(&path, &q),
            Flavor::JaegerV1Only => self.jaeger_v1(&path, &q),
            Flavor::Tempo => self.tempo(&path, &q),
            Flavor::Zipkin => self.zipkin(&path, &q),
            Flavor::Failing => {
                if path.starts_with("/api/v3/") {
                    Reply::v3_error(500, FAILING_MESSAGE)
                } else {
                    Reply::text(500, FAILING_MESSAGE)
                }
            }
            Flavor::Malformed => {
                let mut r = self.jaeger(&path, &q);
                if r.status == 200 {
                    r.body.truncate(r.body.len() / 2);
                }
                r
            }
        }
    }

    fn find<'a>(&'a self, list: &'a [Stored], id: &str) -> Option<&'a Stored> {
        let id = normalize_trace_id(id).ok()?;
        list.iter().find(|t| t.facts.id == id)
    }

    // ---- Jaeger api_v3 (current servers) ----

    fn jaeger(&self, path: &str, q: &Params) -> Reply {
        match path {
            "/api/v3/services" => {
                let services: BTreeSet<&String> = self.traces.iter().flat_map(|t| &t.facts.services).collect();
                Reply::value(200, json!({ "services": services }))
            }
            "/api/v3/operations" => {
                let Some(service) = q.get("service") else {
                    return Reply::v3_error(400, "parameter 'service' is required");
                };
                let kind = q.any(&["spanKind", "span_kind"]).filter(|k| !k.is_empty());
                let ops: BTreeSet<(&String, &str)> = self
                    .traces
                    .iter()
                    .flat_map(|t| &t.facts.ops)
                    .filter(|(s, _, k)| *s == service && kind.as_deref().is_none_or(|x| x == *k))
                    .map(|(_, n, k)| (n, if *k == "unspecified" { "internal" } else { *k }))
                    .collect();
                let ops: Vec<Value> = ops.into_iter().map(|(n, k)| json!({"name": n, "spanKind": k})).collect();
                Reply::value(200, json!({ "operations": ops }))
            }
            "/api/v3/traces" => self.jaeger_v3_search(q),
            _ => {
                if let Some(id) = path.strip_prefix("/api/v3/traces/") {
                    return match self.find(&self.traces, id) {
                        Some(t) => Reply::json(200, format!("{{\"result\":{}}}", t.text.trim())),
                        None => Reply::v3_error(404, "trace not found"),
                    };
                }
                if let Some(id) = path.strip_prefix("/api/traces/") {
                    return self.v1_trace(&self.v1, id);
                }
                Reply::go_not_found()
            }
        }
    }

    fn jaeger_v3_search(&self, q: &Params) -> Reply {
        let min = q.any(&["query.start_time_min", "query.startTimeMin"]);
        let max = q.any(&["query.start_time_max", "query.startTimeMax"]);
        for (name, v) in [("query.start_time_min", &min), ("query.start_time_max", &max)] {
            match v {
                None => return Reply::v3_error(400, &format!("{name} is required")),
                Some(v) if !is_rfc3339(v) => {
                    return Reply::v3_error(400, &format!("cannot parse {name}: parsing time \"{v}\" as RFC 3339"))
                }
                _ => {}
            }
        }
        let service = q.any(&["query.service_name", "query.serviceName"]);
        let op = q.any(&["query.operation_name", "query.operationName"]);
        let limit = q.any(&["query.num_traces", "query.searchDepth", "query.search_depth"]);
        let limit = limit.and_then(|l| l.parse().ok()).unwrap_or(100usize);
        let hits: Vec<&Stored> = self
            .traces
            .iter()
            .filter(|t| t.has_service(service.as_deref()) && t.has_operation(service.as_deref(), op.as_deref()))
            .take(limit)
            .collect();
        if hits.is_empty() {
            return Reply::v3_error(404, "No traces found");
        }
        // findTraces copies every trace's ResourceSpans into one `result`.
        let inner: Vec<&str> = hits.iter().map(|t| array_items(t.resource_spans())).filter(|s| !s.is_empty()).collect();
        Reply::json(200, format!("{{\"result\":{{\"resourceSpans\":[{}]}}}}", inner.join(",")))
    }

    // ---- Jaeger v1 ----

    fn v1_envelope(data: &str) -> Reply {
        Reply::json(200, format!("{{\"data\":{data},\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}}"))
    }

    fn v1_names(names: BTreeSet<&String>) -> Reply {
        let n = names.len();
        Reply::value(200, json!({"data": names, "total": n, "limit": 0, "offset": 0, "errors": null}))
    }

    fn v1_trace(&self, list: &[Stored], id: &str) -> Reply {
        match self.find(list, id) {
            Some(t) => Self::v1_envelope(&format!("[{}]", t.text.trim())),
            None => Reply::v1_error(404, "trace not found"),
        }
    }

    fn jaeger_v1(&self, path: &str, q: &Params) -> Reply {
        if path.starts_with("/api/v3/") {
            return Reply::go_not_found();
        }
        match path {
            "/api/services" => Self::v1_names(self.traces.iter().flat_map(|t| &t.facts.services).collect()),
            "/api/traces" => {
                let Some(service) = q.get("service") else {
                    return Reply::v1_error(400, "parameter 'service' is required");
                };
                for name in ["start", "end", "limit"] {
                    if let Some(v) = q.get(name) {
                        if v.parse::<i64>().is_err() {
                            return Reply::v1_error(
                                400,
                                &format!(
                                    "unable to parse param '{name}': strconv.ParseInt: parsing \"{v}\": invalid syntax"
                                ),
                            );
                        }
                    }
                }
                let op = q.get("operation");
                let limit = q.get("limit").and_then(|l| l.parse().ok()).filter(|&l| l > 0).unwrap_or(100usize);
                let hits: Vec<&str> = self
                    .traces
                    .iter()
                    .filter(|t| t.has_service(Some(&service)) && t.has_operation(Some(&service), op.as_deref()))
                    .take(limit)
                    .map(|t| t.text.trim())
                    .collect();
                Self::v1_envelope(&format!("[{}]", hits.join(",")))
            }
            _ => {
                if let Some(rest) = path.strip_prefix("/api/services/") {
                    if let Some(service) = rest.strip_suffix("/operations") {
                        let service = percent_decode(service);
                        return Self::v1_names(
                            self.traces
                                .iter()
                                .flat_map(|t| &t.facts.ops)
                                .filter(|(s, _, _)| *s == service)
                                .map(|(_, n, _)| n)
                                .collect(),
                        );
                    }
                }
                if let Some(id) = path.strip_prefix("/api/traces/") {
                    return self.v1_trace(&self.traces, id);
                }
                // Old query servers answer unknown paths under /api with Go's 404.
                Reply::go_not_found()
            }
        }
    }

    // ---- Tempo ----

    fn tempo(&self, path: &str, q: &Params) -> Reply {
        match path {
            "/api/search" => self.tempo_search(q),
            "/api/search/tags" => {
                let keys: BTreeSet<&String> = self.traces.iter().flat_map(|t| &t.facts.keys).collect();
                Reply::value(200, json!({"tagNames": keys, "metrics": {"inspectedBytes": "630188"}}))
            }
            "/api/v2/search/tags" => {
                let keys: BTreeSet<&String> = self.traces.iter().flat_map(|t| &t.facts.keys).collect();
                Reply::value(
                    200,
                    json!({"scopes": [
                        {"name": "span", "tags": keys},
                        {"name": "intrinsic", "tags": ["duration", "kind", "name", "status"]},
                    ], "metrics": {"inspectedBytes": "630188"}}),
                )
            }
            _ => {
                if let Some(tag) = path.strip_prefix("/api/search/tag/").and_then(|t| t.strip_suffix("/values")) {
                    let values = self.tempo_tag_values(&percent_decode(tag), None);
                    return Reply::value(200, json!({"tagValues": values, "metrics": {"inspectedBytes": "1024"}}));
                }
                if let Some(tag) = path.strip_prefix("/api/v2/search/tag/").and_then(|t| t.strip_suffix("/values")) {
                    let tag = percent_decode(tag);
                    let Some(unscoped) = ["resource.", "span.", "intrinsic."]
                        .iter()
                        .find_map(|p| tag.strip_prefix(p))
                        .or((tag == "name").then_some("name"))
                    else {
                        return Reply::text(
                            400,
                            &format!("tag name is not valid intrinsic or scoped attribute: {tag}"),
                        );
                    };
                    let service = q.get("q").and_then(|f| traceql_service(&f));
                    let values: Vec<Value> = self
                        .tempo_tag_values(unscoped, service.as_deref())
                        .into_iter()
                        .map(|v| json!({"type": "string", "value": v}))
                        .collect();
                    return Reply::value(200, json!({"tagValues": values, "metrics": {"inspectedBytes": "1024"}}));
                }
                if let Some(id) = path.strip_prefix("/api/v2/traces/") {
                    let Some(t) = self.find(&self.traces, id) else { return Reply::text(404, "trace not found") };
                    if raw_member(&t.text, "trace").is_some() {
                        return Reply::json(200, t.text.clone()); // already a v2 answer
                    }
                    let body = format!(
                        "{{\"trace\":{{\"resourceSpans\":{}}},\"metrics\":{{\"inspectedBytes\":\"{}\"}}}}",
                        modern_otlp(t.resource_spans()),
                        t.text.len()
                    );
                    return Reply::json(200, body);
                }
                if let Some(id) = path.strip_prefix("/api/traces/") {
                    let Some(t) = self.find(&self.traces, id) else { return Reply::text(404, "trace not found") };
                    return Reply::json(200, format!("{{\"batches\":{}}}", t.resource_spans()));
                }
                Reply::go_not_found()
            }
        }
    }

    fn tempo_tag_values(&self, tag: &str, service: Option<&str>) -> BTreeSet<String> {
        match tag {
            "service.name" => self.traces.iter().flat_map(|t| t.facts.services.iter().cloned()).collect(),
            "name" => self
                .traces
                .iter()
                .flat_map(|t| &t.facts.ops)
                .filter(|(s, _, _)| service.is_none_or(|x| x == s))
                .map(|(_, n, _)| n.clone())
                .collect(),
            _ => BTreeSet::new(),
        }
    }

    fn tempo_search(&self, q: &Params) -> Reply {
        for name in ["start", "end"] {
            if let Some(v) = q.get(name) {
                if v.parse::<i64>().is_err() {
                    return Reply::text(
                        400,
                        &format!("invalid {name}: strconv.ParseInt: parsing \"{v}\": invalid syntax"),
                    );
                }
            }
        }
        let tags = q.get("tags").map(|t| parse_logfmt(&t)).unwrap_or_default();
        let tag = |k: &str| tags.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
        let service = tag("service.name").or_else(|| q.get("q").and_then(|f| traceql_service(&f)));
        let op = tag("name");
        let limit = q.get("limit").and_then(|l| l.parse().ok()).filter(|&l| l > 0).unwrap_or(20usize);
        let traces: Vec<Value> = self
            .traces
            .iter()
            .filter(|t| t.has_service(service.as_deref()) && t.has_operation(None, op.as_deref()))
            .take(limit)
            .map(|t| {
                let f = &t.facts;
                let mut m = serde_json::Map::new();
                // util.TraceIDToHexString: leading zeros stripped.
                m.insert("traceID".into(), json!(f.id.trim_start_matches('0')));
                m.insert("rootServiceName".into(), json!(f.root_service));
                m.insert("rootTraceName".into(), json!(f.root_name));
                m.insert("startTimeUnixNano".into(), json!(f.start_ns.to_string()));
                let ms = f.duration_ns / 1_000_000;
                if ms > 0 {
                    m.insert("durationMs".into(), json!(ms)); // omitted when 0, as jsonpb does
                }
                let stats: serde_json::Map<String, Value> = f
                    .stats
                    .iter()
                    .map(|(s, &(spans, errors))| {
                        let v = if errors > 0 {
                            json!({"spanCount": spans, "errorCount": errors})
                        } else {
                            json!({"spanCount": spans})
                        };
                        (s.clone(), v)
                    })
                    .collect();
                m.insert("serviceStats".into(), Value::Object(stats));
                Value::Object(m)
            })
            .collect();
        let n = self.traces.len();
        Reply::value(200, json!({"traces": traces, "metrics": {"inspectedTraces": n, "inspectedBytes": "3811736"}}))
    }

    // ---- Zipkin ----

    fn zipkin(&self, path: &str, q: &Params) -> Reply {
        match path {
            "/api/v2/services" => {
                let s: BTreeSet<&String> = self.traces.iter().flat_map(|t| &t.facts.services).collect();
                Reply::value(200, json!(s))
            }
            "/api/v2/spans" => {
                let Some(service) = q.get("serviceName") else {
                    return Reply::text(400, "serviceName is required");
                };
                let names: BTreeSet<&String> = self
                    .traces
                    .iter()
                    .flat_map(|t| &t.facts.ops)
                    .filter(|(s, _, _)| *s == service)
                    .map(|(_, n, _)| n)
                    .collect();
                Reply::value(200, json!(names))
            }
            "/api/v2/traces" => {
                for name in ["endTs", "lookback", "minDuration", "maxDuration", "limit"] {
                    if let Some(v) = q.get(name) {
                        if v.parse::<i64>().is_err() {
                            return Reply::text(400, &format!("Failed to convert '{v}' for parameter '{name}'"));
                        }
                    }
                }
                let service = q.get("serviceName");
                let op = q.get("spanName");
                let limit = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(10usize);
                let hits: Vec<&str> = self
                    .traces
                    .iter()
                    .filter(|t| t.has_service(service.as_deref()) && t.has_operation(service.as_deref(), op.as_deref()))
                    .take(limit)
                    .map(|t| t.text.trim())
                    .collect();
                Reply::json(200, format!("[{}]", hits.join(",")))
            }
            _ => {
                if let Some(id) = path.strip_prefix("/api/v2/trace/") {
                    let valid = (16..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit());
                    if !valid {
                        return Reply::text(400, &format!("{id} should be a 1 to 32 character lower-hex string"));
                    }
                    return match self.find(&self.traces, id) {
                        Some(t) => Reply::json(200, t.text.trim().to_string()),
                        None => Reply::text(404, &format!("{id} not found")),
                    };
                }
                Reply::text(404, "Not Found")
            }
        }
    }
}

/// Query parameters, percent-decoded, in order.
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn any(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|n| self.get(n))
    }
}

/// Path (percent-encoded, as sent) and decoded query parameters.
fn split_target(target: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let params = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    (path.to_string(), params)
}

/// `%XX` → byte, `+` → space (as Go's `url.ParseQuery` reads a query).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(x) => {
                        out.push(x);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `2026-08-01T10:00:00.123456789Z` (fraction optional, `Z` or an offset).
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (s.ends_with('Z') || s[19..].contains(['+', '-']))
}

/// logfmt pairs: `service.name=cart name="GET /x"`.
fn parse_logfmt(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => value.extend(chars.next()),
                        '"' => break,
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((key, value));
    }
    out
}

/// The service of a TraceQL filter such as `{resource.service.name="cart"}`.
fn traceql_service(q: &str) -> Option<String> {
    let at = q.find("service.name")?;
    let rest = q[at + "service.name".len()..].trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

/// Legacy OTLP names (`instrumentationLibrarySpans`) as current servers write them (`scopeSpans`).
fn modern_otlp(resource_spans: &str) -> String {
    resource_spans
        .replace("\"instrumentationLibrarySpans\"", "\"scopeSpans\"")
        .replace("\"instrumentationLibrary\"", "\"scope\"")
}

/// The items of a JSON array's raw text, without the brackets: `[1, 2]` → `1, 2`.
fn array_items(array: &str) -> &str {
    let a = array.trim();
    a.strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or(a).trim()
}

/// The raw text of member `key` of the object `doc` (JSON text), byte for byte as written.
fn raw_member<'a>(doc: &'a str, key: &str) -> Option<&'a str> {
    let b = doc.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b'}' => return None,
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = skip_value(b, i)?;
        let name = &doc[i + 1..key_end - 1];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start)?;
        if name == key {
            return Some(&doc[start..end]);
        }
        i = end;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just after the JSON value that starts at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => {
            let mut j = i + 1;
            loop {
                match *b.get(j)? {
                    b'\\' => j += 2,
                    b'"' => return Some(j + 1),
                    _ => j += 1,
                }
            }
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match *b.get(j)? {
                    b'"' => {
                        j = skip_value(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace()) {
                j += 1;
            }
            Some(j)
        }
    }
}
