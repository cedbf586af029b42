//! Backend clients, the pure half: which HTTP requests to send to a Jaeger, Tempo or Zipkin query API, and what
//! their answers mean. No I/O happens here: the app sends each [`Request`] (always a GET) and hands back the
//! status and body bytes.
//!
//! ```text
//! let calls = search_calls(&backend, &query);          // alternatives, best first
//! for call in &calls {
//!     let (status, body) = app_sends(&call.request);   // fetch; a failure without a status →
//!                                                      //   network_error_message(&backend, &call.request.url)
//!     match read_search(&backend, call, status, &body)? {
//!         Answer::Done(results) => return Ok(results),
//!         Answer::FallBack => continue,                // this server lacks that endpoint: try the next call
//!     }
//! }
//! ```
//!
//! The last call of every list is marked [`Call::last`] and never answers [`Answer::FallBack`], so the loop
//! always ends with `Done` or an error.
//!
//! | step | functions | Jaeger (api_v3, then v1) | Tempo | Zipkin v2 |
//! |---|---|---|---|---|
//! | services | [`services_calls`] → [`read_services`] | `/api/v3/services`, `/api/services` | tag values of `resource.service.name` (v2), then `service.name` (v1), over the search window | `/api/v2/services` |
//! | operations | [`operations_calls`] → [`read_operations`] | `/api/v3/operations?service=`, `/api/services/{s}/operations` | tag values of `name` filtered by service (v2), then unfiltered (v1), over the search window | `/api/v2/spans?serviceName=` |
//! | search | [`check_query`], [`search_calls`] → [`read_search`] | `/api/v3/traces?query.…`, `/api/traces?service=…` (v1 first when tags are given) | `/api/search` | `/api/v2/traces` |
//! | one trace | [`trace_calls`] → [`read_trace`] (+ [`partial_trace_message`]) | `/api/v3/traces/{id}`, `/api/traces/{id}` | `/api/v2/traces/{id}`, `/api/traces/{id}` | `/api/v2/trace/{id}` |
//! | tag names | [`tag_names_calls`] → [`read_tag_names`] | — | `/api/search/tags` | — |
//!
//! Also here: [`parse_config`] (config.json), [`parse_tags`] (the logfmt a person types as tags),
//! [`normalize_trace_id`], [`network_error_message`] (what to say when fetch fails without a status), and the
//! wire formatters [`go_duration_from_duration`] and [`rfc3339_from_timestamp`].
//!
//! **Fallback rules.** A call that is not the last of its list answers `FallBack` when the server shows it does
//! not have that endpoint: HTTP 404 whose body is not a Jaeger api_v3 error object (a plain "404 page not found"
//! from an older server), 405, 410 or 501, or a 2xx whose body is an HTML page (old Jaeger query servers answer
//! every unknown path with the UI's index.html). Tempo's v2 tag-values call also falls back on 400 (an old
//! server refusing the `q` filter). Everything else is an answer: a Jaeger api_v3 search answering 404 "No traces
//! found" is an empty result; a 404 on a trace the server does have the endpoint for (or on the last
//! alternative) is [`BackendError::NotFound`]; a 2xx trace answer without spans (Tempo v2's answer for an
//! unknown id) is `NotFound` too.
//!
//! Trace bodies are read by [`crate::import()`], the same code that opens files; search hits are summarized with
//! [`TraceSummary::from_trace`], or from Tempo's search metadata (Tempo sends no spans in a search).

mod config;
mod jaeger;
mod tempo;
mod wire;
mod zipkin;

pub(crate) use config::describe;
pub use config::{parse_config, BackendConfig, BackendKind, ConfigError};
pub use wire::{
    go_duration_from_duration, json_object_from_tags, logfmt_from_tags, parse_tags, percent_encode,
    rfc3339_from_timestamp, TagsError,
};

use crate::time::{DurationNs, TimestampNs};
use crate::trace::Trace;
use std::fmt;

/// An HTTP GET to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The full address: the backend's base `url` (absolute or relative to the page) plus path and query.
    pub url: String,
    /// The backend's configured headers.
    pub headers: Vec<(String, String)>,
}

/// Which endpoint a request hits, so its answer can be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    JaegerV3Services,
    JaegerV1Services,
    JaegerV3Operations,
    JaegerV1Operations,
    JaegerV3Search,
    JaegerV1Search,
    JaegerV3Trace,
    JaegerV1Trace,
    TempoSearch,
    TempoTagNames,
    /// `/api/search/tag/{tag}/values` → `{"tagValues":["a",…]}`.
    TempoTagValues,
    /// `/api/v2/search/tag/{scope.tag}/values` → `{"tagValues":[{"type":"string","value":"a"},…]}`.
    TempoV2TagValues,
    TempoV2Trace,
    TempoV1Trace,
    ZipkinServices,
    ZipkinSpanNames,
    ZipkinSearch,
    ZipkinTrace,
}

impl Endpoint {
    /// What the endpoint is, for messages: "Jaeger api_v3 services (/api/v3/services)".
    pub fn describe(self) -> &'static str {
        match self {
            Endpoint::JaegerV3Services => "Jaeger api_v3 services (/api/v3/services)",
            Endpoint::JaegerV1Services => "Jaeger v1 services (/api/services)",
            Endpoint::JaegerV3Operations => "Jaeger api_v3 operations (/api/v3/operations)",
            Endpoint::JaegerV1Operations => "Jaeger v1 operations (/api/services/{service}/operations)",
            Endpoint::JaegerV3Search => "Jaeger api_v3 trace search (/api/v3/traces)",
            Endpoint::JaegerV1Search => "Jaeger v1 trace search (/api/traces)",
            Endpoint::JaegerV3Trace => "Jaeger api_v3 trace (/api/v3/traces/{id})",
            Endpoint::JaegerV1Trace => "Jaeger v1 trace (/api/traces/{id})",
            Endpoint::TempoSearch => "Tempo search (/api/search)",
            Endpoint::TempoTagNames => "Tempo tag names (/api/search/tags)",
            Endpoint::TempoTagValues => "Tempo tag values (/api/search/tag/{tag}/values)",
            Endpoint::TempoV2TagValues => "Tempo v2 tag values (/api/v2/search/tag/{tag}/values)",
            Endpoint::TempoV2Trace => "Tempo v2 trace (/api/v2/traces/{id})",
            Endpoint::TempoV1Trace => "Tempo trace (/api/traces/{id})",
            Endpoint::ZipkinServices => "Zipkin services (/api/v2/services)",
            Endpoint::ZipkinSpanNames => "Zipkin span names (/api/v2/spans)",
            Endpoint::ZipkinSearch => "Zipkin trace search (/api/v2/traces)",
            Endpoint::ZipkinTrace => "Zipkin trace (/api/v2/trace/{id})",
        }
    }

    /// The body a 2xx answer should have, for messages.
    pub fn expected_body(self) -> &'static str {
        match self {
            Endpoint::JaegerV3Services => "JSON {\"services\":[…]}",
            Endpoint::JaegerV1Services | Endpoint::JaegerV1Operations => "a Jaeger JSON envelope {\"data\":[\"…\"]}",
            Endpoint::JaegerV3Operations => "JSON {\"operations\":[{\"name\":…}]}",
            Endpoint::JaegerV3Search | Endpoint::JaegerV3Trace => "OTLP JSON {\"result\":{\"resourceSpans\":[…]}}",
            Endpoint::JaegerV1Search | Endpoint::JaegerV1Trace => "a Jaeger JSON envelope {\"data\":[traces…]}",
            Endpoint::TempoSearch => "a Tempo search response {\"traces\":[…]}",
            Endpoint::TempoTagNames => "JSON {\"tagNames\":[…]}",
            Endpoint::TempoTagValues | Endpoint::TempoV2TagValues => "JSON {\"tagValues\":[…]}",
            Endpoint::TempoV2Trace => "OTLP JSON {\"trace\":{\"resourceSpans\":[…]}}",
            Endpoint::TempoV1Trace => "OTLP JSON {\"batches\":[…]}",
            Endpoint::ZipkinServices | Endpoint::ZipkinSpanNames => "a JSON array of strings",
            Endpoint::ZipkinSearch => "a JSON array of traces (arrays of Zipkin v2 spans)",
            Endpoint::ZipkinTrace => "a JSON array of Zipkin v2 spans",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A request and the endpoint it hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub request: Request,
    pub endpoint: Endpoint,
    /// No alternative follows this call in its list, so its reader never answers [`Answer::FallBack`].
    pub last: bool,
}

/// What a response means: the answer, or "this server does not have this endpoint, try the next call".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer<T> {
    Done(T),
    FallBack,
}

impl<T> Answer<T> {
    /// The answer changed by `f`; `FallBack` stays.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        match self {
            Answer::Done(t) => Answer::Done(f(t)),
            Answer::FallBack => Answer::FallBack,
        }
    }

    /// The answer, or `None` for `FallBack`.
    pub fn done(self) -> Option<T> {
        match self {
            Answer::Done(t) => Some(t),
            Answer::FallBack => None,
        }
    }
}

/// A trace search, whatever the backend. Fields a backend cannot use are ignored by it (see [`search_calls`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub service: Option<String>,
    /// Operation (span) name.
    pub operation: Option<String>,
    /// `key=value` pairs from the user's logfmt text ([`parse_tags`]), e.g. `user.id=12345 error=true http.url="a b"`.
    pub tags: Vec<(String, String)>,
    /// Tempo only: a TraceQL query sent as `q` instead of service, operation and tags.
    pub traceql: Option<String>,
    pub min_duration: Option<DurationNs>,
    pub max_duration: Option<DurationNs>,
    /// Traces that started in `[start, end]`.
    pub start: TimestampNs,
    pub end: TimestampNs,
    /// Most traces to return; 0 leaves it to the server's default.
    pub limit: u32,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            service: None,
            operation: None,
            tags: vec![],
            traceql: None,
            min_duration: None,
            max_duration: None,
            start: TimestampNs(0),
            end: TimestampNs(0),
            limit: 20,
        }
    }
}

/// One search hit, whatever the backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceSummary {
    /// 32 lower-case hex digits, left-padded with zeros (or the source's text for the rare id that is not hex).
    pub trace_id: String,
    pub root_service: String,
    pub root_name: String,
    pub start: TimestampNs,
    pub duration: DurationNs,
    /// 0 when the backend did not say (Tempo before per-service stats).
    pub span_count: u32,
    pub error_count: u32,
    /// (service, spans, errors), most spans first, then by name.
    pub services: Vec<(String, u32, u32)>,
}

impl TraceSummary {
    pub fn from_trace(t: &Trace) -> TraceSummary {
        let mut services: Vec<(String, u32, u32)> = Vec::new();
        let mut slot_of_service: Vec<Option<usize>> = Vec::new();
        for s in t.spans() {
            let svc = t.service_index(s) as usize;
            if slot_of_service.len() <= svc {
                slot_of_service.resize(svc + 1, None);
            }
            let slot = *slot_of_service[svc].get_or_insert_with(|| {
                services.push((t.service_name(svc as u32).to_string(), 0, 0));
                services.len() - 1
            });
            services[slot].1 += 1;
            if t.is_error(s) {
                services[slot].2 += 1;
            }
        }
        sort_services(&mut services);
        let (root_service, root_name) = match t.root_span() {
            Some(r) => (t.service(r).to_string(), t.name(r).to_string()),
            None => (String::new(), String::new()),
        };
        let id = t.id_text();
        TraceSummary {
            trace_id: normalize_trace_id(&id).unwrap_or(id),
            root_service,
            root_name,
            start: t.start(),
            duration: t.duration(),
            span_count: t.len() as u32,
            error_count: t.error_count(),
            services,
        }
    }
}

/// Most spans first, then by name.
fn sort_services(services: &mut [(String, u32, u32)]) {
    crate::order::sort_by(services, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
}

/// What a search found.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    /// Most recent first (then by trace id).
    pub summaries: Vec<TraceSummary>,
    /// Full traces when the backend sent them (Jaeger and Zipkin searches do; Tempo sends only metadata), in the
    /// order of `summaries`.
    pub traces: Vec<Trace>,
}

impl SearchResults {
    /// Summarizes `traces` and orders both, most recent first.
    pub fn from_traces(mut traces: Vec<Trace>) -> SearchResults {
        let mut summaries: Vec<(TraceSummary, Trace)> =
            traces.drain(..).map(|t| (TraceSummary::from_trace(&t), t)).collect();
        crate::order::sort_by(&mut summaries, |a, b| recent_first(&a.0, &b.0));
        let (summaries, traces) = summaries.into_iter().unzip();
        SearchResults { summaries, traces }
    }

    /// Summaries only (Tempo), ordered most recent first.
    pub fn from_summaries(mut summaries: Vec<TraceSummary>) -> SearchResults {
        crate::order::sort_by(&mut summaries, recent_first);
        SearchResults { summaries, traces: vec![] }
    }
}

fn recent_first(a: &TraceSummary, b: &TraceSummary) -> std::cmp::Ordering {
    b.start.cmp(&a.start).then_with(|| a.trace_id.cmp(&b.trace_id))
}

/// Why a trace id typed by a person is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceIdError {
    #[error("no trace id given; expected 16 or 32 hexadecimal digits")]
    Empty,
    #[error("trace id `{input}` has {digits} digits; expected at most 32 hexadecimal digits (usually 16 or 32)")]
    TooLong { input: String, digits: usize },
    #[error("trace id `{input}` contains `{bad}`, which is not a hexadecimal digit; expected 16 or 32 of 0-9 and a-f")]
    NotHex { input: String, bad: char },
    #[error("trace id `{input}` is all zeros, which means \"no trace\"")]
    Zero { input: String },
}

/// Normalizes a trace id typed or pasted by a person: 1 to 32 hex digits in any case, surrounding white space
/// and a `0x` prefix allowed, as well as a whole W3C `traceparent` (`00-<32 hex>-<16 hex>-01`, or a later version
/// with more fields) or the base64 of 16 or 8 bytes (how Tempo's JSON and Jaeger's api_v3 before 1.53 write ids,
/// `W47/95gDgQPSabYzgT/GDA==`) → 32 lower-case hex digits, left-padded with zeros.
pub fn normalize_trace_id(input: &str) -> Result<String, TraceIdError> {
    let trimmed = input.trim();
    let mut text = trimmed.strip_prefix("0x").or_else(|| trimmed.strip_prefix("0X")).unwrap_or(trimmed);
    let parts: Vec<&str> = text.split('-').collect();
    // A later version of `traceparent` may add fields after the flags: its first four parse as version 00's do.
    let later_version = parts.len() > 4 && parts[0] != "00";
    if (parts.len() == 4 || later_version)
        && parts[1].len() == 32
        && parts[2].len() == 16
        && parts[0].len() == 2
        && parts[3].len() == 2
    {
        text = parts[1];
    }
    if text.is_empty() {
        return Err(TraceIdError::Empty);
    }
    if let Some(bad) = text.chars().find(|c| !c.is_ascii_hexdigit()) {
        // Hex and base64 share most characters: text that is all hex digits is read as hex.
        let bytes = crate::base64::decode(text).filter(|b| matches!(b.len(), 8 | 16));
        return match bytes.and_then(|b| crate::ids::TraceId::from_bytes(&b)) {
            Some(id) if id.value == 0 => Err(TraceIdError::Zero { input: trimmed.to_string() }),
            Some(id) => Ok(format!("{:032x}", id.value)),
            None => Err(TraceIdError::NotHex { input: trimmed.to_string(), bad }),
        };
    }
    if text.len() > 32 {
        return Err(TraceIdError::TooLong { input: trimmed.to_string(), digits: text.len() });
    }
    if text.bytes().all(|b| b == b'0') {
        return Err(TraceIdError::Zero { input: trimmed.to_string() });
    }
    Ok(format!("{:0>32}", text.to_ascii_lowercase()))
}

/// The message for a request that failed without a status (fetch's `TypeError`): which backend and address,
/// the likely causes (CORS, or the backend being down) and the fix for this kind of backend.
pub fn network_error_message(b: &BackendConfig, url: &str) -> String {
    let mut m = format!("Could not reach {} ({}) at {url}: the browser got no HTTP answer. ", b.name, b.kind);
    let same_origin = !url.contains("://");
    if same_origin {
        m.push_str(
            "The address is on spanscope's own site, so CORS is not the cause: the reverse proxy in front of the \
             backend, or the backend itself, is down or unreachable. Check that the proxy forwards this path to the \
             backend and that the backend is running.",
        );
        return m;
    }
    m.push_str(
        "Either the backend does not allow this site's origin (CORS: it sends no Access-Control-Allow-Origin header \
         for this page's origin, so the browser hides the answer), or it is down or unreachable. ",
    );
    m.push_str(match b.kind {
        BackendKind::Jaeger => {
            "Fix: enable CORS on Jaeger. For Jaeger v2, list this site's origin in `http.cors.allowed_origins` of \
             the jaeger_query extension's config (extensions.jaeger_query.http.cors.allowed_origins)."
        }
        BackendKind::Tempo => {
            "Fix: Tempo has no CORS support, so put it behind a reverse proxy next to spanscope (for example /tempo \
             forwarded to Tempo's HTTP port, 3200 by default) and set `url` to that path in config.json."
        }
        BackendKind::Zipkin => {
            "Zipkin allows all origins by default (zipkin.query.allowed-origins is \"*\"), so it is most likely down \
             or the address is wrong: open the address in a new tab to check."
        }
    });
    if !b.headers.is_empty() {
        let names: Vec<&str> = b.headers.iter().map(|(k, _)| k.as_str()).collect();
        m.push_str(&format!(
            " The configured headers ({}) make the browser ask first with an OPTIONS preflight request, which the \
             backend must also allow (Access-Control-Allow-Headers).",
            names.join(", ")
        ));
    }
    if url.to_ascii_lowercase().starts_with("http://") {
        m.push_str(
            " If spanscope itself is served over https, the browser blocks this http:// address (mixed content).",
        );
    }
    m.push_str(
        " Another way around CORS: serve spanscope and the backend from one origin through a reverse proxy and set \
         `url` to the backend's path there.",
    );
    m
}

/// Why a backend request did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// A non-success status (other than a trace not found).
    #[error("{backend}: HTTP {status}{} from {url}{}{}", status_text(.status), quoted(.server_message), hinted(.hint))]
    Status { backend: String, url: String, status: u16, server_message: Option<String>, hint: Option<String> },
    /// The trace is not there.
    #[error("{backend}: trace {trace_id} was not found (HTTP {status} from {url}{}). It may never have been stored, or it has expired from the backend's storage (retention).", quoted(.server_message))]
    NotFound { backend: String, url: String, status: u16, trace_id: String, server_message: Option<String> },
    /// A body that is not what the endpoint sends.
    #[error("{backend}: the answer from {url} (HTTP {status}) is not {}: {problem}", .endpoint.expected_body())]
    Malformed { backend: String, url: String, status: u16, endpoint: Endpoint, problem: String },
    /// A reader was given a call of another kind (a bug in the caller).
    #[error("spanscope bug: the answer of {endpoint} was given to {reader}")]
    WrongReader { endpoint: Endpoint, reader: &'static str },
}

impl BackendError {
    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            BackendError::Status { status, .. }
            | BackendError::NotFound { status, .. }
            | BackendError::Malformed { status, .. } => Some(*status),
            BackendError::WrongReader { .. } => None,
        }
    }

    /// The address that answered.
    pub fn url(&self) -> Option<&str> {
        match self {
            BackendError::Status { url, .. }
            | BackendError::NotFound { url, .. }
            | BackendError::Malformed { url, .. } => Some(url),
            BackendError::WrongReader { .. } => None,
        }
    }
}

fn status_text(status: &u16) -> String {
    let text = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    if text.is_empty() {
        String::new()
    } else {
        format!(" {text}")
    }
}

fn quoted(message: &Option<String>) -> String {
    match message {
        Some(m) => format!(": \"{m}\""),
        None => String::new(),
    }
}

fn hinted(hint: &Option<String>) -> String {
    match hint {
        Some(h) => format!(". {h}"),
        None => String::new(),
    }
}

/// The longest server message kept in an error, in characters.
const SERVER_MESSAGE_CHARS: usize = 300;

/// The server's own message in an error body: Jaeger v1 `errors[].msg` joined, Jaeger api_v3 `error.message`,
/// a JSON `message` or `error` string, or plain text (an HTML page reduced to its title or text), trimmed to
/// 300 characters.
pub fn server_message(body: &[u8]) -> Option<String> {
    message_in(body, true)
}

/// Like [`server_message`], but only from an error field of a JSON body (`raw` false): for 2xx answers, whose
/// text is data, not a message.
fn message_in(body: &[u8], raw: bool) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let from_json = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(o)) => json_error_message(&o).or_else(|| raw.then(|| text.to_string())),
        Ok(serde_json::Value::String(s)) => raw.then_some(s),
        Ok(_) => raw.then(|| text.to_string()),
        Err(_) => None,
    };
    let message = match from_json {
        Some(m) => m,
        None if !raw => return None,
        None if looks_like_html(text.as_bytes()) => html_text(text),
        None => text.to_string(),
    };
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if message.is_empty() {
        return None;
    }
    if message.chars().count() > SERVER_MESSAGE_CHARS {
        let cut: String = message.chars().take(SERVER_MESSAGE_CHARS - 1).collect();
        return Some(format!("{}…", cut.trim_end()));
    }
    Some(message)
}

fn json_error_message(o: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    // Jaeger api_v3 (GRPCGatewayError): {"error":{"httpCode":404,"message":"No traces found"}}
    if let Some(serde_json::Value::Object(e)) = o.get("error") {
        if let Some(serde_json::Value::String(m)) = e.get("message") {
            return Some(m.clone());
        }
    }
    // Jaeger v1 envelope: {"data":null,…,"errors":[{"code":400,"msg":"…"}]}
    if let Some(serde_json::Value::Array(errors)) = o.get("errors") {
        let msgs: Vec<&str> = errors.iter().filter_map(|e| e.get("msg").and_then(|m| m.as_str())).collect();
        if !msgs.is_empty() {
            return Some(msgs.join("; "));
        }
    }
    // Spring / Armeria style {"status":500,"error":"Internal Server Error","message":"…"}, or {"error":"…"}.
    for key in ["message", "error", "msg"] {
        if let Some(serde_json::Value::String(m)) = o.get(key) {
            if !m.trim().is_empty() {
                return Some(m.clone());
            }
        }
    }
    None
}

pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let start = body.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(body.len());
    let head: Vec<u8> = body[start..].iter().take(15).map(|b| b.to_ascii_lowercase()).collect();
    head.starts_with(b"<!doctype html")
        || head.starts_with(b"<html")
        || head.starts_with(b"<head")
        || head.starts_with(b"<body")
}

/// An HTML page as a message: its `<title>`, else its text without tags.
fn html_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>")) {
        if a + 7 <= b {
            let title = html[a + 7..b].trim();
            if !title.is_empty() {
                return title.to_string();
            }
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// One response being read: the backend, the call it answers, the status and the body.
pub(crate) struct Response<'a> {
    pub b: &'a BackendConfig,
    pub call: &'a Call,
    pub status: u16,
    pub body: &'a [u8],
}

impl Response<'_> {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Whether the server shows that it lacks this endpoint (and another alternative follows). See the module docs.
    pub(crate) fn falls_back(&self) -> bool {
        if self.call.last {
            return false;
        }
        match self.status {
            404 => !self.is_jaeger_v3_error(),
            405 | 410 | 501 => true,
            400 => self.call.endpoint == Endpoint::TempoV2TagValues,
            s if (200..300).contains(&s) => looks_like_html(self.body),
            _ => false,
        }
    }

    /// A Jaeger api_v3 error body: `{"error":{"httpCode":…,"message":…}}`.
    pub(crate) fn is_jaeger_v3_error(&self) -> bool {
        self.jaeger_v3_error_message().is_some()
    }

    pub(crate) fn jaeger_v3_error_message(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct Envelope {
            error: Details,
        }
        #[derive(serde::Deserialize)]
        struct Details {
            #[serde(default)]
            message: String,
        }
        if self.body.len() > 64 * 1024 {
            return None;
        }
        serde_json::from_slice::<Envelope>(self.body).ok().map(|e| e.error.message)
    }

    /// The error for a non-success status, with the server's message and a hint.
    pub(crate) fn status_error(&self) -> BackendError {
        BackendError::Status {
            backend: self.b.name.clone(),
            url: self.call.request.url.clone(),
            status: self.status,
            server_message: server_message(self.body),
            hint: self.hint(),
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self.status {
            400 => "The backend rejected the request; its message says which parameter".to_string(),
            401 | 403 => format!(
                "Check `headers` of backend \"{}\" in config.json (credentials, tenant such as X-Scope-OrgID)",
                self.b.name
            ),
            404 => "The backend has no such endpoint at this address: check `url` in config.json, including any \
                    base path (such as /jaeger)"
                .to_string(),
            408 | 504 => "The backend took too long: try a shorter time range or a smaller limit".to_string(),
            429 => "The backend is rate limiting requests: wait a moment and try again".to_string(),
            502 | 503 => "The backend, or a proxy in front of it, is unavailable: try again later".to_string(),
            s if s >= 500 => "The backend failed: try again, or narrow the search".to_string(),
            _ => return None,
        })
    }

    pub(crate) fn not_found(&self) -> BackendError {
        BackendError::NotFound {
            backend: self.b.name.clone(),
            url: self.call.request.url.clone(),
            status: self.status,
            trace_id: trace_id_in_url(&self.call.request.url),
            server_message: message_in(self.body, !self.is_success()),
        }
    }

    pub(crate) fn malformed(&self, problem: impl Into<String>) -> BackendError {
        BackendError::Malformed {
            backend: self.b.name.clone(),
            url: self.call.request.url.clone(),
            status: self.status,
            endpoint: self.call.endpoint,
            problem: problem.into(),
        }
    }

    /// The body parsed as `T`, or a `Malformed` error that says what was found instead.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, BackendError> {
        if looks_like_html(self.body) {
            return Err(self.malformed(
                "it is an HTML page: `url` in config.json may point at a web page (or the backend's UI) rather than \
                 its API, or this server does not have this endpoint",
            ));
        }
        let body = self.body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(self.body);
        serde_json::from_slice(body).map_err(|e| {
            if self.body.iter().all(u8::is_ascii_whitespace) {
                self.malformed("the body is empty")
            } else {
                self.malformed(e.to_string())
            }
        })
    }

    /// Whether a trace or search body holds no spans (`Ok(true)`: `{}`, `{"result":{}}`, `{"data":null}`,
    /// `{"trace":{}}`, `[]`), or is not an answer at all (an HTML page, an empty body: the error says what was
    /// found), before it is imported with [`crate::import()`].
    pub(crate) fn holds_nothing(&self) -> Result<bool, BackendError> {
        if looks_like_html(self.body) || self.body.iter().all(u8::is_ascii_whitespace) {
            return self.json::<serde::de::IgnoredAny>().map(|_| true);
        }
        Ok(self.body.len() <= 4096 && holds_no_spans(self.body))
    }

    /// The checks every reader starts with: fall back, or fail on a non-success status.
    pub(crate) fn precheck<T>(&self) -> Option<Result<Answer<T>, BackendError>> {
        if self.falls_back() {
            return Some(Ok(Answer::FallBack));
        }
        if !self.is_success() {
            return Some(Err(self.status_error()));
        }
        None
    }
}

/// Whether a small body is a known "nothing here" shape.
fn holds_no_spans(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return false; // an empty body is not an answer; let the parser say so
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else { return false };
    fn empty(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Null => true,
            serde_json::Value::Array(a) => a.iter().all(empty),
            serde_json::Value::Object(o) => {
                const CARRIERS: [&str; 6] = ["result", "trace", "data", "resourceSpans", "resource_spans", "batches"];
                const SPAN_KEYS: [&str; 5] = ["spans", "traceID", "traceId", "spanID", "id"];
                // Fields that ride along with a trace answer but never hold spans (Tempo v2's envelope).
                const SIDE: [&str; 3] = ["metrics", "status", "message"];
                let carrier = |k: &String| CARRIERS.contains(&k.as_str());
                (o.keys().any(carrier) || o.keys().all(|k| SIDE.contains(&k.as_str())))
                    && !o.keys().any(|k| SPAN_KEYS.contains(&k.as_str()))
                    && o.iter().filter(|(k, _)| carrier(k)).all(|(_, v)| empty(v))
            }
            _ => false,
        }
    }
    empty(&v)
}

/// The last path segment of a URL, percent-decoded: the trace id of a trace request.
fn trace_id_in_url(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let seg = path.rsplit('/').next().unwrap_or(path).as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(seg.len());
    let mut i = 0;
    while i < seg.len() {
        if seg[i] == b'%' && i + 2 < seg.len() {
            if let (Some(h), Some(l)) = (hex(seg[i + 1]), hex(seg[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(seg[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Calls for `paths` (path with query, endpoint), in order, the last one marked.
pub(crate) fn calls(b: &BackendConfig, paths: Vec<(String, Endpoint)>) -> Vec<Call> {
    let n = paths.len();
    paths
        .into_iter()
        .enumerate()
        .map(|(i, (path, endpoint))| Call {
            request: Request { url: b.url_for(&path), headers: b.headers.clone() },
            endpoint,
            last: i + 1 == n,
        })
        .collect()
}

/// Sorted, without duplicates or empty names.
pub(crate) fn sorted_names(mut names: Vec<String>) -> Vec<String> {
    names.retain(|n| !n.is_empty());
    crate::order::sort_by(&mut names, String::cmp);
    names.dedup();
    names
}

/// The time range names are listed from, `(start, end)`: the search form's. Tempo lists tag values from recent
/// data only when it is not given; Jaeger and Zipkin list every name they hold and do not take one.
pub type Window = (TimestampNs, TimestampNs);

/// The requests that list the backend's services, best first.
pub fn services_calls(b: &BackendConfig, window: Window) -> Vec<Call> {
    match b.kind {
        BackendKind::Jaeger => jaeger::services_calls(b),
        BackendKind::Tempo => tempo::services_calls(b, window),
        BackendKind::Zipkin => zipkin::services_calls(b),
    }
}

/// The requests that list the operations (span names) of `service`, best first.
pub fn operations_calls(b: &BackendConfig, service: &str, window: Window) -> Vec<Call> {
    match b.kind {
        BackendKind::Jaeger => jaeger::operations_calls(b, service),
        BackendKind::Tempo => tempo::operations_calls(b, service, window),
        BackendKind::Zipkin => zipkin::operations_calls(b, service),
    }
}

/// What `b` cannot search for as `q` asks, said before a request goes out (Zipkin: a tag with " and " in it,
/// which its `annotationQuery` cannot quote).
pub fn check_query(b: &BackendConfig, q: &SearchQuery) -> Result<(), String> {
    match b.kind {
        BackendKind::Zipkin => zipkin::check_query(q),
        BackendKind::Jaeger | BackendKind::Tempo => Ok(()),
    }
}

/// The requests for a trace search, best first. Jaeger: api_v3 then v1, or v1 first when tags are given (api_v3
/// servers before v2.19 ignore `query.attributes` silently, v1 filters by tags on every version that has it).
/// Tempo: `traceql` when given (service, operation and tags are then not sent), else service, operation and tags
/// as logfmt `tags`. Zipkin: tags as `annotationQuery`; `traceql` is ignored by Jaeger and Zipkin.
pub fn search_calls(b: &BackendConfig, q: &SearchQuery) -> Vec<Call> {
    match b.kind {
        BackendKind::Jaeger => jaeger::search_calls(b, q),
        BackendKind::Tempo => tempo::search_calls(b, q),
        BackendKind::Zipkin => zipkin::search_calls(b, q),
    }
}

/// The requests for one trace, best first. `trace_id` is normalized when it is hex ([`normalize_trace_id`]);
/// other text is sent as given (percent-encoded), and the server says what it thinks of it.
pub fn trace_calls(b: &BackendConfig, trace_id: &str) -> Vec<Call> {
    let id = normalize_trace_id(trace_id).unwrap_or_else(|_| trace_id.trim().to_string());
    match b.kind {
        BackendKind::Jaeger => jaeger::trace_calls(b, &id),
        BackendKind::Tempo => tempo::trace_calls(b, &id),
        BackendKind::Zipkin => zipkin::trace_calls(b, &id),
    }
}

/// The requests that list tag names for search suggestions: Tempo only; empty for the others.
pub fn tag_names_calls(b: &BackendConfig) -> Vec<Call> {
    match b.kind {
        BackendKind::Tempo => tempo::tag_names_calls(b),
        BackendKind::Jaeger | BackendKind::Zipkin => vec![],
    }
}

fn response<'a>(b: &'a BackendConfig, call: &'a Call, status: u16, body: &'a [u8]) -> Response<'a> {
    Response { b, call, status, body }
}

fn wrong(call: &Call, reader: &'static str) -> BackendError {
    BackendError::WrongReader { endpoint: call.endpoint, reader }
}

/// Reads the answer to a [`services_calls`] call: service names, sorted, without duplicates.
pub fn read_services(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<Vec<String>>, BackendError> {
    let r = response(b, call, status, body);
    match call.endpoint {
        Endpoint::JaegerV3Services | Endpoint::JaegerV1Services => jaeger::read_names(&r),
        Endpoint::TempoTagValues | Endpoint::TempoV2TagValues => tempo::read_tag_values(&r),
        Endpoint::ZipkinServices => zipkin::read_names(&r),
        _ => Err(wrong(call, "read_services")),
    }
}

/// Reads the answer to an [`operations_calls`] call: operation names, sorted, without duplicates.
pub fn read_operations(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<Vec<String>>, BackendError> {
    let r = response(b, call, status, body);
    match call.endpoint {
        Endpoint::JaegerV3Operations | Endpoint::JaegerV1Operations => jaeger::read_names(&r),
        Endpoint::TempoTagValues | Endpoint::TempoV2TagValues => tempo::read_tag_values(&r),
        Endpoint::ZipkinSpanNames => zipkin::read_names(&r),
        _ => Err(wrong(call, "read_operations")),
    }
}

/// Reads the answer to a [`search_calls`] call. A Jaeger api_v3 404 "No traces found" is an empty result. It is
/// [`check_search`], then (for answers that carry whole traces) the import of the body and
/// [`search_from_import`]; the app runs the import of a large body off its thread between the two.
pub fn read_search(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<SearchResults>, BackendError> {
    Ok(match check_search(b, call, status, body)? {
        Answer::FallBack => Answer::FallBack,
        Answer::Done(SearchAnswer::Results(r)) => Answer::Done(r),
        Answer::Done(SearchAnswer::ImportTraces) => {
            let imported = crate::import::import(body).map_err(|e| e.to_string());
            Answer::Done(search_from_import(b, call, status, body, imported)?)
        }
    })
}

/// What a search answer holds, as far as [`check_search`] reads it.
#[derive(Clone, Debug)]
pub enum SearchAnswer {
    /// Read whole: Tempo's metadata, or no traces.
    Results(SearchResults),
    /// Whole traces (Jaeger, Zipkin): import the body, then [`search_from_import`].
    ImportTraces,
}

/// The part of [`read_search`] before importing the traces an answer carries.
pub fn check_search(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<SearchAnswer>, BackendError> {
    let r = response(b, call, status, body);
    match call.endpoint {
        Endpoint::JaegerV3Search | Endpoint::JaegerV1Search => jaeger::check_search(&r),
        Endpoint::TempoSearch => tempo::read_search(&r).map(|a| a.map(SearchAnswer::Results)),
        Endpoint::ZipkinSearch => zipkin::check_search(&r),
        _ => Err(wrong(call, "read_search")),
    }
}

/// The part of [`read_search`] after importing the body (`imported`: the traces, or the importer's message).
pub fn search_from_import(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
    imported: Result<Vec<Trace>, String>,
) -> Result<SearchResults, BackendError> {
    let r = response(b, call, status, body);
    imported.map(SearchResults::from_traces).map_err(|e| r.malformed(e))
}

/// Reads the answer to a [`trace_calls`] call: the trace (a body can hold several; they are all returned). A trace
/// the backend does not have is [`BackendError::NotFound`]. It is [`check_trace`], then the import of the body,
/// then [`trace_from_import`]; the app runs the import of a large body off its thread between the two.
pub fn read_trace(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<Vec<Trace>>, BackendError> {
    match check_trace(b, call, status, body)? {
        Answer::FallBack => Ok(Answer::FallBack),
        Answer::Done(()) => {
            let imported = crate::import::import(body).map_err(|e| e.to_string());
            trace_from_import(b, call, status, body, imported).map(Answer::Done)
        }
    }
}

/// The part of [`read_trace`] before the import: `Done(())` when the body is a trace answer to import (with
/// [`crate::import::import`], then [`trace_from_import`]); else a fall-back or the error (a status, a page that
/// is not an answer, a "not found" in the answer's own shape).
pub fn check_trace(b: &BackendConfig, call: &Call, status: u16, body: &[u8]) -> Result<Answer<()>, BackendError> {
    let r = response(b, call, status, body);
    if !matches!(
        call.endpoint,
        Endpoint::JaegerV3Trace
            | Endpoint::JaegerV1Trace
            | Endpoint::TempoV2Trace
            | Endpoint::TempoV1Trace
            | Endpoint::ZipkinTrace
    ) {
        return Err(wrong(call, "read_trace"));
    }
    if r.status == 404 && !r.falls_back() {
        return Err(r.not_found());
    }
    if let Some(early) = r.precheck() {
        return early;
    }
    if r.holds_nothing()? {
        return Err(r.not_found());
    }
    Ok(Answer::Done(()))
}

/// The part of [`read_trace`] after the import of `body` (`imported`: the traces, or the importer's message).
pub fn trace_from_import(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
    imported: Result<Vec<Trace>, String>,
) -> Result<Vec<Trace>, BackendError> {
    let r = response(b, call, status, body);
    let traces = imported.map_err(|e| r.malformed(e))?;
    if traces.is_empty() {
        return Err(r.not_found());
    }
    Ok(traces)
}

/// Tempo v2 marks a trace it could not send whole with `"status":"PARTIAL"`: this is its message (why spans are
/// missing), for a notice next to the trace. `None` for complete traces and every other endpoint.
pub fn partial_trace_message(call: &Call, body: &[u8]) -> Option<String> {
    if call.endpoint != Endpoint::TempoV2Trace {
        return None;
    }
    tempo::partial_message(body)
}

/// Reads the answer to a [`tag_names_calls`] call: tag names, sorted, without duplicates.
pub fn read_tag_names(
    b: &BackendConfig,
    call: &Call,
    status: u16,
    body: &[u8],
) -> Result<Answer<Vec<String>>, BackendError> {
    let r = response(b, call, status, body);
    match call.endpoint {
        Endpoint::TempoTagNames => tempo::read_tag_names(&r),
        _ => Err(wrong(call, "read_tag_names")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_are_normalized_to_32_lower_hex() {
        let n = |s: &str| normalize_trace_id(s);
        assert_eq!(n("ABC").unwrap(), "00000000000000000000000000000abc");
        assert_eq!(n("  d6e9329d67b6146a \n").unwrap(), "0000000000000000d6e9329d67b6146a");
        assert_eq!(n("5B8EFFF798038103D269B633813FC60C").unwrap(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(n("0x1").unwrap(), "00000000000000000000000000000001");
        assert_eq!(n("df84e36b9e2ee3815d07f0867a5be1f").unwrap(), "0df84e36b9e2ee3815d07f0867a5be1f");
        assert_eq!(
            n("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        // A later version may add fields (W3C Trace Context §3.2.4); version 00 has exactly four.
        assert_eq!(
            n("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-adds").unwrap(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert!(n("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_err());
        // Base64 of 16 or 8 bytes, as Tempo's JSON and Jaeger's api_v3 before 1.53 write ids (URL-safe too).
        assert_eq!(n("W47/95gDgQPSabYzgT/GDA==").unwrap(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(n(" W47_95gDgQPSabYzgT_GDA ").unwrap(), "5b8efff798038103d269b633813fc60c");
        assert_eq!(n("1ukynWe2FGo=").unwrap(), "0000000000000000d6e9329d67b6146a");
        assert_eq!(n("AAAAAAAAAAAAAAAAAAAAAA=="), Err(TraceIdError::Zero { input: "AAAAAAAAAAAAAAAAAAAAAA==".into() }));
        assert_eq!(n("W47/95gDgQ=="), Err(TraceIdError::NotHex { input: "W47/95gDgQ==".into(), bad: 'W' }));
        assert_eq!(n("   "), Err(TraceIdError::Empty));
        assert_eq!(n("trace-123"), Err(TraceIdError::NotHex { input: "trace-123".into(), bad: 't' }));
        assert_eq!(n(&"a".repeat(33)), Err(TraceIdError::TooLong { input: "a".repeat(33), digits: 33 }));
        assert_eq!(n("0000"), Err(TraceIdError::Zero { input: "0000".into() }));
        assert_eq!(
            n("xyz").unwrap_err().to_string(),
            "trace id `xyz` contains `x`, which is not a hexadecimal digit; expected 16 or 32 of 0-9 and a-f"
        );
    }

    #[test]
    fn server_messages_come_from_every_error_shape() {
        assert_eq!(
            server_message(br#"{"error":{"httpCode":404,"message":"No traces found"}}"#).as_deref(),
            Some("No traces found")
        );
        assert_eq!(
            server_message(br#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":400,"msg":"parameter 'service' is required"},{"msg":"b"}]}"#)
                .as_deref(),
            Some("parameter 'service' is required; b")
        );
        assert_eq!(server_message(b"  trace not found\n").as_deref(), Some("trace not found"));
        assert_eq!(
            server_message(br#"{"timestamp":1,"status":500,"error":"Internal Server Error","message":"boom"}"#)
                .as_deref(),
            Some("boom")
        );
        assert_eq!(
            server_message(b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>").as_deref(),
            Some("502 Bad Gateway")
        );
        assert_eq!(
            server_message(b"<html><body><h1>Oops</h1> <p>down</p></body></html>").as_deref(),
            Some("Oops down")
        );
        assert_eq!(server_message(b""), None);
        assert_eq!(server_message(b" \n"), None);
        let long = server_message("é".repeat(1000).as_bytes()).unwrap();
        assert_eq!(long.chars().count(), 300);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn empty_answers_are_recognized() {
        for body in [
            "{}",
            "[]",
            "null",
            r#"{"result":{}}"#,
            r#"{"result":{"resourceSpans":[]}}"#,
            r#"{"data":null,"total":0,"limit":0,"offset":0,"errors":null}"#,
            r#"{"data":[]}"#,
            r#"{"trace":{},"metrics":{"inspectedBytes":"1"}}"#,
            r#"{"batches":[]}"#,
            r#"{"metrics":{"inspectedBytes":"0"},"status":"PARTIAL"}"#,
            "[[]]",
        ] {
            assert!(holds_no_spans(body.as_bytes()), "{body}");
        }
        for body in ["", "{", r#"{"traceID":"1","spans":[]}"#, r#"{"hello":1}"#, r#"[{"traceId":"1","id":"2"}]"#] {
            assert!(!holds_no_spans(body.as_bytes()), "{body}");
        }
    }

    #[test]
    fn trace_ids_are_taken_from_the_url() {
        assert_eq!(trace_id_in_url("https://h/api/v3/traces/00ab?x=1"), "00ab");
        assert_eq!(trace_id_in_url("/api/traces/trace%2D1"), "trace-1");
        assert_eq!(trace_id_in_url("/api/traces/a%2"), "a%2");
    }

    #[test]
    fn network_errors_explain_cors_per_backend() {
        let mut b = BackendConfig::new("prod jaeger", BackendKind::Jaeger, "https://jaeger.example.com");
        let m = network_error_message(&b, "https://jaeger.example.com/api/v3/services");
        assert!(
            m.starts_with("Could not reach prod jaeger (Jaeger) at https://jaeger.example.com/api/v3/services: "),
            "{m}"
        );
        assert!(m.contains("Access-Control-Allow-Origin") && m.contains("http.cors.allowed_origins"), "{m}");
        assert!(m.contains("down") && m.contains("one origin through a reverse proxy"), "{m}");
        assert!(!m.contains("preflight"), "{m}");
        b.headers = vec![("Authorization".into(), "Bearer x".into())];
        assert!(network_error_message(&b, "https://j/api").contains("(Authorization)"));
        let t = BackendConfig::new("t", BackendKind::Tempo, "http://tempo:3200");
        let m = network_error_message(&t, "http://tempo:3200/api/search");
        assert!(
            m.contains("Tempo has no CORS support") && m.contains("reverse proxy") && m.contains("mixed content"),
            "{m}"
        );
        let z = BackendConfig::new("z", BackendKind::Zipkin, "https://z");
        assert!(network_error_message(&z, "https://z/api/v2/services").contains("most likely down"));
        let same = BackendConfig::new("s", BackendKind::Tempo, "/tempo");
        let m = network_error_message(&same, "/tempo/api/search");
        assert!(m.contains("CORS is not the cause"), "{m}");
    }
}
