//! Browser scenarios for opening traces from backends, search and `?url=` (written by the sources work).
//!
//! Each scenario starts the fixture backends it needs (`backend.rs`), serves a config.json that points at them,
//! and asserts on what a person sees: the results, the trace page, and messages that name the backend, the
//! address and the status. What the app should show is computed natively with `spanscope_model::import` from
//! the very bytes the fixture answered the app's request with. The request log shows what the app sent.
//!
//! Failed requests are logged by the browser as console errors; the `no console errors` scenario runs after
//! these, so each scenario clears the ones its fixture backends caused (and puts back any other) when it ends.

use crate::backend::{FixtureBackend, Flavor, Recorded, FAILING_MESSAGE, SLOW};
use crate::webdriver::Result;
use crate::{check, eq, Ctx, Scenario};
use serde_json::{json, Value};
use spanscope_model::backend::{normalize_trace_id, percent_encode, rfc3339_from_timestamp};
use spanscope_model::TimestampNs;
use std::time::Instant;

pub const SCENARIOS: &[Scenario] = &[
    ("sources: Jaeger search lists, plots and opens traces", jaeger_search_lists_plots_and_opens_traces),
    ("sources: a Jaeger search without hits is empty, not an error", a_jaeger_search_without_hits_is_empty),
    ("sources: an older Jaeger (v1 only) is searched through the fallback", an_older_jaeger_is_searched_through_v1),
    ("sources: Tempo search pads stripped ids and opens a trace", tempo_search_pads_ids_and_opens_a_trace),
    ("sources: Zipkin search lists traces; the plot opens one", zipkin_search_and_open),
    (
        "sources: a trace link with ?backend= opens the trace; an unknown id explains itself",
        a_trace_link_opens_from_the_backend,
    ),
    (
        "sources: a failing backend's error names it, the address, the status and its message",
        a_failing_backend_explains_itself,
    ),
    ("sources: a malformed answer names what was expected", a_malformed_answer_names_what_was_expected),
    ("sources: a backend without CORS gets an explanation and the fix", a_backend_without_cors_is_explained),
    ("sources: a slow backend shows the search running, then the results", a_slow_backend_shows_the_search_running),
    ("sources: configured headers reach the backend", configured_headers_reach_the_backend),
    ("sources: an invalid config.json is reported; an empty one says none is configured", config_problems_are_reported),
    ("sources: a trace id typed on the landing page opens from the backend", a_typed_trace_id_opens_from_the_backend),
    ("sources: ?url= opens a trace file; a 404 and a no-CORS address explain themselves", url_parameter_loads_a_file),
    ("sources: a Grafana-style search link runs at once with its window", a_grafana_link_searches_its_window),
];

// ---- set-up ----

/// config.json serving `backends` (name, kind, fixture), with `headers` on each when given.
pub(crate) fn config(backends: &[(&str, &str, &FixtureBackend)], headers: Option<Value>) -> Vec<u8> {
    let list: Vec<Value> = backends
        .iter()
        .map(|(name, kind, b)| {
            let mut v = json!({"name": name, "kind": kind, "url": b.url()});
            if let Some(h) = &headers {
                v["headers"] = h.clone();
            }
            v
        })
        .collect();
    json!({ "backends": list }).to_string().into_bytes()
}

/// A scenario's surroundings: the config.json it serves and the fixture backends it talks to. When dropped (also
/// on a failure), the site's own config.json comes back and the console errors the fixtures caused are cleared.
pub(crate) struct Scene<'a> {
    c: &'a Ctx,
    origins: Vec<String>,
}

impl<'a> Scene<'a> {
    pub(crate) fn new(c: &'a Ctx, config: Option<Vec<u8>>, backends: &[&FixtureBackend]) -> Scene<'a> {
        if let Some(bytes) = config {
            c.server.set_file("config.json", Some(bytes));
        }
        Scene { c, origins: backends.iter().map(|b| format!("{}/", b.url())).collect() }
    }

    fn with(c: &'a Ctx, backends: &[(&str, &str, &FixtureBackend)]) -> Scene<'a> {
        let list: Vec<&FixtureBackend> = backends.iter().map(|x| x.2).collect();
        Scene::new(c, Some(config(backends, None)), &list)
    }
}

impl Drop for Scene<'_> {
    fn drop(&mut self) {
        self.c.server.set_file("config.json", None);
        // Reading the browser's log empties it: the errors of requests to the fixtures are expected (a 404, a
        // 500, a CORS refusal); anything else is logged again for `no console errors` to see.
        for line in self.c.browser.severe_logs() {
            if !self.origins.iter().any(|o| line.contains(o.as_str())) {
                let again = carried(&line).unwrap_or_else(|| format!("{CARRIED}{line}"));
                let _ = self.c.browser.js("console.error(arguments[0])", vec![json!(again)]);
            }
        }
    }
}

/// How a console error logged again starts.
const CARRIED: &str = "(logged earlier) ";

/// The message of a console error that was already logged again (`console-api 2:32 "(logged earlier) …"`), so it
/// is carried as it is rather than wrapped once more.
fn carried(line: &str) -> Option<String> {
    let quoted = &line[line.find(" \"")? + 1..];
    let message: String = serde_json::from_str(quoted).ok()?;
    message.starts_with(CARRIED).then_some(message)
}

// ---- reading the page ----

/// (trace id, span count, error count) of every search result, top to bottom.
fn shown_results(c: &Ctx) -> Result<Vec<(String, String, String)>> {
    let v = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=search-result]')].map(e => [e.dataset.traceId, e.dataset.spanCount, e.dataset.errorCount])",
        vec![],
    )?;
    Ok(v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let s = |i: usize| r[i].as_str().unwrap_or_default().to_string();
            (s(0), s(1), s(2))
        })
        .collect())
}

fn scatter_ids(c: &Ctx) -> Result<Vec<String>> {
    let v = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=scatter-point]')].map(e => e.dataset.traceId).sort()",
        vec![],
    )?;
    Ok(v.as_array().cloned().unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
}

fn text_of(c: &Ctx, css: &str) -> Result<String> {
    c.browser.text(&c.browser.wait(css)?)
}

fn hash(c: &Ctx) -> Result<String> {
    Ok(c.browser.js("return decodeURIComponent(location.hash)", vec![])?.as_str().unwrap_or_default().to_string())
}

/// Checks that `text` contains each of `parts`.
fn mentions(text: &str, parts: &[&str], what: &str) -> Result<()> {
    let missing: Vec<&&str> = parts.iter().filter(|p| !text.contains(**p)).collect();
    check(missing.is_empty(), format!("{what} should mention {missing:?}: {text}"))
}

/// Picks `value` in the `<select>` with test id `testid`, as a click on the option.
fn pick(c: &Ctx, testid: &str, value: &str) -> Result<()> {
    let css = format!("[data-testid={testid}] option[value='{value}']");
    c.browser.click(&c.browser.wait(&css)?)?;
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid={testid}]').value === {}", json!(value)),
        &format!("{testid} shows {value}"),
    )
}

fn submit(c: &Ctx) -> Result<()> {
    c.browser.click(&c.browser.wait("[data-testid=search-submit]")?)
}

/// Opens the search result for `id` with its button.
fn open_result(c: &Ctx, id: &str) -> Result<()> {
    c.browser.click(&c.browser.wait(&format!("[data-testid=search-result][data-trace-id='{id}'] .result-open"))?)
}

// ---- the request log ----

/// The last GET the backend got for `path`.
fn last_get(b: &FixtureBackend, path: &str) -> Result<Recorded> {
    b.recorded()
        .into_iter()
        .rev()
        .find(|r| r.method == "GET" && r.path() == path)
        .ok_or_else(|| format!("the backend got no GET {path}; it got {:?}", b.requests()))
}

/// Waits (up to 10 s) until the backend has got more than `before` GETs of `path`: a search sent after a page
/// that may still show earlier results.
fn wait_for_get(b: &FixtureBackend, path: &str, before: usize) -> Result<Recorded> {
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    while gets(b, path) <= before {
        check(Instant::now() < deadline, format!("no new GET {path}; the backend got {:?}", b.requests()))?;
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    last_get(b, path)
}

/// GETs of `path` the backend has got.
fn gets(b: &FixtureBackend, path: &str) -> usize {
    b.recorded().iter().filter(|r| r.method == "GET" && r.path() == path).count()
}

fn position(requests: &[String], prefix: &str) -> Result<usize> {
    requests.iter().position(|r| r.starts_with(prefix)).ok_or_else(|| format!("no `{prefix}…` in {requests:?}"))
}

fn param(r: &Recorded, name: &str) -> Result<String> {
    r.param(name).ok_or_else(|| format!("{} has no `{name}`", r.line()))
}

fn int_param(r: &Recorded, name: &str) -> Result<i64> {
    let v = param(r, name)?;
    v.parse().map_err(|_| format!("`{name}` of {} is `{v}`, not an integer", r.line()))
}

/// Nanoseconds since the epoch of `2026-08-01T10:00:00.123456789Z`, which must have nine fraction digits.
fn rfc3339_nanos(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes().all(|c| c.is_ascii_digit()).then(|| t.parse().ok())?
    };
    if b.len() != 30 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[19] != b'.' || b[29] != b'Z' {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss, frac) = (num(11..13)?, num(14..16)?, num(17..19)?, num(20..29)?);
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    Some(secs as i128 * 1_000_000_000 + frac as i128)
}

/// Checks an api_v3 search: RFC 3339 times with nanoseconds, `window_s` seconds apart.
fn check_v3_window(r: &Recorded, window_s: i128) -> Result<(i128, i128)> {
    let min = param(r, "query.start_time_min")?;
    let max = param(r, "query.start_time_max")?;
    let a = rfc3339_nanos(&min).ok_or(format!("query.start_time_min `{min}` is not RFC 3339 with nanoseconds"))?;
    let b = rfc3339_nanos(&max).ok_or(format!("query.start_time_max `{max}` is not RFC 3339 with nanoseconds"))?;
    eq(b - a, window_s * 1_000_000_000, &format!("the search window of {}", r.line()))?;
    Ok((a, b))
}

// ---- what the model makes of the bytes ----

/// (32-digit id, span count, error count) of the traces in `body`, most recent first: what the result list shows.
fn expected_from_body(body: &[u8], what: &str) -> Result<Vec<(String, String, String)>> {
    let mut traces = spanscope_model::import(body).map_err(|e| format!("{what}: the model cannot read it: {e}"))?;
    traces.sort_by_key(|t| std::cmp::Reverse(t.start()));
    Ok(traces
        .iter()
        .map(|t| (format!("{:032x}", t.id().value), t.len().to_string(), t.error_count().to_string()))
        .collect())
}

/// What the backend answered the last GET of `path` with, read by the model.
fn expected_for_last(b: &FixtureBackend, path: &str) -> Result<Vec<(String, String, String)>> {
    let r = last_get(b, path)?;
    let reply = b.answer(&r.target);
    eq(reply.status, 200, &format!("status of {}", r.line()))?;
    expected_from_body(&reply.body, &r.line())
}

/// Span count of the one trace the backend answers `target` with.
fn spans_at(b: &FixtureBackend, target: &str) -> Result<String> {
    let body = b.answer(target).body;
    let traces = spanscope_model::import(&body).map_err(|e| format!("{target}: {e}"))?;
    eq(traces.len(), 1, &format!("traces at {target}"))?;
    Ok(traces[0].len().to_string())
}

fn check_trace_page(c: &Ctx, id: &str, spans: &str) -> Result<()> {
    let header = c.browser.wait("[data-testid=trace-header]")?;
    eq(c.browser.attr(&header, "data-span-count")?.as_deref(), Some(spans), "span count of the opened trace")?;
    let shown = c.browser.attr(&header, "data-trace-id")?.unwrap_or_default();
    eq(normalize_trace_id(&shown).ok().as_deref(), Some(id), "id of the opened trace")
}

// ---- scenarios ----

fn jaeger_search_lists_plots_and_opens_traces(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Jaeger);
    let _scene = Scene::with(c, &[("jaeger-prod", "jaeger", &b)]);
    c.open("#/search?backend=jaeger-prod")?;
    c.browser.wait("[data-testid=search-page]")?;
    // The services come from the backend; picking one lists its operations.
    pick(c, "search-service", "frontend")?;
    c.browser.wait("[data-testid=search-operation] option[value='GET /dispatch']")?;
    check(last_get(&b, "/api/v3/operations")?.param("service").as_deref() == Some("frontend"), "operations asked")?;
    submit(c)?;
    c.browser.wait("[data-testid=search-result]")?;
    let h = hash(c)?;
    mentions(&h, &["#/search?", "backend=jaeger-prod", "service=frontend"], "the URL after submitting")?;

    // The request: api_v3 with snake_case names, RFC 3339 times an hour apart, the limit.
    let r = last_get(&b, "/api/v3/traces")?;
    eq(param(&r, "query.service_name")?, "frontend".to_string(), "query.service_name")?;
    eq(param(&r, "query.num_traces")?, "20".to_string(), "query.num_traces")?;
    let (_, end) = check_v3_window(&r, 3600)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i128;
    check((now - end).abs() < 120 * 1_000_000_000, format!("the window ends now: {}", r.line()))?;
    check(!b.requests().iter().any(|l| l.starts_with("GET /api/traces?")), "no v1 fallback for a current Jaeger")?;

    // The list shows what the model makes of the same bytes, most recent first.
    let want = expected_for_last(&b, "/api/v3/traces")?;
    eq(want.len(), 2, "traces with a frontend span among the fixtures")?;
    eq(shown_results(c)?, want.clone(), "search results (id, spans, errors)")?;
    check(want.iter().any(|w| w.2 != "0"), "a result with errors")?;
    eq(text_of(c, "[data-testid=search-count]")?, "2 traces".to_string(), "the count")?;
    let hotrod = b.trace("1a4e4a7b270e9f2a0f716e3ee115218a").ok_or("hotrod trace in the fixture")?;
    let item = text_of(c, &format!("[data-testid=search-result][data-trace-id='{}']", hotrod.facts.id))?;
    mentions(&item, &[&format!("{}: {}", hotrod.facts.root_service, hotrod.facts.root_name)], "the hotrod result")?;
    // One point per result in the plot.
    c.browser.wait("[data-testid=search-scatter]")?;
    let mut ids: Vec<String> = want.iter().map(|w| w.0.clone()).collect();
    ids.sort();
    eq(scatter_ids(c)?, ids, "scatter points")?;

    // Opening a result shows the trace.
    open_result(c, &hotrod.facts.id)?;
    check_trace_page(c, &hotrod.facts.id, &hotrod.facts.spans.to_string())?;
    mentions(&hash(c)?, &[&format!("#/trace/{}", hotrod.facts.id), "backend=jaeger-prod"], "the trace URL")
}

fn a_jaeger_search_without_hits_is_empty(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Jaeger);
    let _scene = Scene::with(c, &[("jaeger-prod", "jaeger", &b)]);
    c.open("#/search?backend=jaeger-prod&service=frontend&operation=no-such-operation")?;
    let empty = text_of(c, "[data-testid=search-empty]")?;
    mentions(&empty, &["No traces match"], "the empty result")?;
    eq(c.count("[data-testid=search-error]")?, 0, "no error shown")?;
    let r = last_get(&b, "/api/v3/traces")?;
    eq(param(&r, "query.operation_name")?, "no-such-operation".to_string(), "query.operation_name")?;
    let reply = b.answer(&r.target);
    eq(reply.status, 404, "the backend's answer (api_v3 says 404 for no hits)")?;
    mentions(&String::from_utf8_lossy(&reply.body), &["No traces found"], "the backend's body")?;
    check(!b.requests().iter().any(|l| l.starts_with("GET /api/traces?")), "a v3 \"no hits\" is not a missing endpoint")
}

fn an_older_jaeger_is_searched_through_v1(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::JaegerV1Only);
    let _scene = Scene::with(c, &[("jaeger-old", "jaeger", &b)]);
    c.open("#/search?backend=jaeger-old")?;
    // Services and operations fall back to v1 too.
    pick(c, "search-service", "api-gateway")?;
    c.browser.wait("[data-testid=search-operation] option[value='GET /owners']")?;
    submit(c)?;
    c.browser.wait("[data-testid=search-result]")?;
    let requests = b.requests();
    let v3 = position(&requests, "GET /api/v3/traces?")?;
    let v1 = position(&requests, "GET /api/traces?")?;
    check(v3 < v1, format!("api_v3 first, then v1: {requests:?}"))?;
    check(requests.iter().any(|r| r == "GET /api/services"), format!("v1 services after v3: {requests:?}"))?;
    let r = last_get(&b, "/api/traces")?;
    eq(param(&r, "service")?, "api-gateway".to_string(), "v1 service")?;
    eq(param(&r, "limit")?, "20".to_string(), "v1 limit")?;
    let (start, end) = (int_param(&r, "start")?, int_param(&r, "end")?);
    eq(end - start, 3_600_000_000, &format!("v1 window in µs: {}", r.line()))?;
    check((1_000_000_000_000_000..10_000_000_000_000_000).contains(&start), format!("start is µs: {start}"))?;

    let want = expected_for_last(&b, "/api/traces")?;
    eq(want.len(), 2, "api-gateway traces among the fixtures")?;
    eq(shown_results(c)?, want.clone(), "search results (id, spans, errors)")?;
    // The 31-digit id of the fixture is listed left-padded, and opens.
    let odd = b.trace("df84e36b9e2ee3815d07f0867a5be1f").ok_or("31-digit trace in the fixture")?;
    eq(odd.facts.id.as_str(), "0df84e36b9e2ee3815d07f0867a5be1f", "padded id")?;
    open_result(c, &odd.facts.id)?;
    check_trace_page(c, &odd.facts.id, &odd.facts.spans.to_string())
}

fn tempo_search_pads_ids_and_opens_a_trace(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Tempo);
    let _scene = Scene::with(c, &[("tempo", "tempo", &b)]);
    c.open("#/search?backend=tempo")?;
    c.browser.wait("[data-testid=search-traceql]")?; // Tempo's form has TraceQL
    c.browser.wait("[data-testid=search-service] option[value='legacy-api']")?;
    submit(c)?; // any service
    c.browser.wait("[data-testid=search-result]")?;
    let r = last_get(&b, "/api/search")?;
    // Whole seconds, the start rounded down and the end up: an hour, or a second more.
    let window = int_param(&r, "end")? - int_param(&r, "start")?;
    check((3600..=3601).contains(&window), format!("Tempo window of an hour in seconds: {}", r.line()))?;
    // Services are listed over the same window (without one Tempo lists its recent data only).
    let names = last_get(&b, "/api/v2/search/tag/resource.service.name/values")?;
    let names_window = int_param(&names, "end")? - int_param(&names, "start")?;
    check((3600..=3601).contains(&names_window), format!("services over the search window: {}", names.line()))?;
    eq(param(&r, "limit")?, "20".to_string(), "limit")?;

    // The answer lists ids with leading zeros stripped, and one trace without durationMs.
    let answer: Value = serde_json::from_slice(&b.answer(&r.target).body).map_err(|e| e.to_string())?;
    let entries = answer["traces"].as_array().cloned().unwrap_or_default();
    check(entries.iter().any(|e| e["traceID"] == "af7651916cd43dd8448eb211c80319c"), "a 31-digit id in the answer")?;
    check(entries.iter().any(|e| e.get("durationMs").is_none()), "an entry without durationMs")?;
    // The list shows every entry, its id padded to 32 digits, with the counts of the trace it stands for.
    let mut want = Vec::new();
    for e in &entries {
        let id = normalize_trace_id(e["traceID"].as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        let body = b.answer(&format!("/api/v2/traces/{id}")).body;
        let t = expected_from_body(&body, &id)?;
        want.push(t.into_iter().next().ok_or("a trace")?);
    }
    want.sort();
    let mut got = shown_results(c)?;
    got.sort();
    eq(got, want.clone(), "search results (id, spans, errors)")?;
    eq(scatter_ids(c)?, want.iter().map(|w| w.0.clone()).collect::<Vec<_>>(), "scatter points")?;

    // Tempo sends no spans in a search: opening fetches the trace.
    let legacy = "0af7651916cd43dd8448eb211c80319c";
    open_result(c, legacy)?;
    check_trace_page(c, legacy, &spans_at(&b, &format!("/api/v2/traces/{legacy}"))?)?;
    check(
        b.requests().contains(&format!("GET /api/v2/traces/{legacy}")),
        format!("the trace fetched from /api/v2/traces: {:?}", b.requests()),
    )
}

fn zipkin_search_and_open(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Zipkin);
    let _scene = Scene::with(c, &[("zipkin", "zipkin", &b)]);
    c.open("#/search?backend=zipkin")?;
    pick(c, "search-service", "servicea")?;
    c.browser.wait("[data-testid=search-operation] option[value='poll']")?;
    submit(c)?;
    c.browser.wait("[data-testid=search-result]")?;
    let r = last_get(&b, "/api/v2/traces")?;
    eq(param(&r, "serviceName")?, "servicea".to_string(), "serviceName")?;
    eq(param(&r, "lookback")?, "3600000".to_string(), "lookback in ms")?;
    let end_ts = int_param(&r, "endTs")?;
    check((1_000_000_000_000..10_000_000_000_000).contains(&end_ts), format!("endTs is ms: {end_ts}"))?;
    let want = expected_for_last(&b, "/api/v2/traces")?;
    eq(want.len(), 2, "servicea traces among the fixtures")?;
    eq(shown_results(c)?, want.clone(), "search results (id, spans, errors)")?;
    // A point of the plot opens its trace too.
    let kafka = b.trace("0562809467078eab").ok_or("kafka trace in the fixture")?;
    c.browser.click(&c.browser.wait(&format!("[data-testid=scatter-point][data-trace-id='{}']", kafka.facts.id))?)?;
    check_trace_page(c, &kafka.facts.id, &kafka.facts.spans.to_string())?;

    // A tag with " and " in it cannot be an annotationQuery term: the form says so, and nothing is sent.
    let searches = b.requests().iter().filter(|r| r.starts_with("GET /api/v2/traces")).count();
    c.open("#/search?backend=zipkin&tags=http.path%3D%22%2Fa%20and%20b%22")?;
    c.browser.wait("[data-testid=search-service] option[value='servicea']")?;
    submit(c)?;
    let shown = c.browser.text(&c.browser.wait("[data-testid=search-form-error]")?)?;
    mentions(&shown, &["Zipkin cannot search for `http.path=/a and b`"], "the form's error")?;
    let after = b.requests().iter().filter(|r| r.starts_with("GET /api/v2/traces")).count();
    eq(after, searches, "searches sent to Zipkin after the refused one")?;

    // Zipkin's `error` tag holds the message: `error=true` asks for the bare `error` term (any error).
    c.open("#/search?backend=zipkin&tags=user.id%3D12345%20error%3Dtrue")?;
    c.browser.wait("[data-testid=search-service] option[value='servicea']")?;
    let before = gets(&b, "/api/v2/traces");
    submit(c)?;
    let r = wait_for_get(&b, "/api/v2/traces", before)?;
    eq(param(&r, "annotationQuery")?, "user.id=12345 and error".to_string(), "annotationQuery for error=true")
}

fn a_trace_link_opens_from_the_backend(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Jaeger);
    let _scene = Scene::with(c, &[("prod jaeger", "jaeger", &b)]);
    let hotrod = b.trace("1a4e4a7b270e9f2a0f716e3ee115218a").ok_or("hotrod trace in the fixture")?;
    c.open(&format!("#/trace/{}?backend=prod%20jaeger", hotrod.facts.id))?;
    check_trace_page(c, &hotrod.facts.id, &hotrod.facts.spans.to_string())?;
    check(b.requests().contains(&format!("GET /api/v3/traces/{}", hotrod.facts.id)), "fetched from api_v3")?;
    // A 16-digit id is normalized to 32 digits before asking.
    let example = b.trace("11").ok_or("example trace in the fixture")?;
    c.open("#/trace/0000000000000011?backend=prod%20jaeger")?;
    check_trace_page(c, &example.facts.id, &example.facts.spans.to_string())?;
    check(b.requests().contains(&format!("GET /api/v3/traces/{}", example.facts.id)), "asked with 32 digits")?;
    // A base64 id (as Tempo's JSON writes them), typed with its `+` and upper case: the hotrod trace again.
    c.open("#/trace/Gk5KeycOnyoPcW4+4RUhig==?backend=prod%20jaeger")?;
    check_trace_page(c, &hotrod.facts.id, &hotrod.facts.spans.to_string())?;

    // An id the backend does not have.
    let missing = "0123456789abcdef0123456789abcdef";
    c.open(&format!("#/trace/{missing}?backend=prod%20jaeger"))?;
    let err = text_of(c, "[data-testid=load-error]")?;
    mentions(&err, &["prod jaeger", &format!("{}/api/v3/traces/{missing}", b.url()), "404", "not found"], "the error")?;
    // A backend that is not configured.
    c.open(&format!("#/trace/{missing}?backend=nope"))?;
    mentions(&text_of(c, "[data-testid=load-error]")?, &["nope", "config.json"], "the error for an unknown backend")
}

fn a_failing_backend_explains_itself(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Failing);
    let _scene = Scene::with(c, &[("broken-jaeger", "jaeger", &b), ("broken-tempo", "tempo", &b)]);
    c.open("#/search?backend=broken-jaeger&service=frontend")?;
    let err = text_of(c, "[data-testid=search-error]")?;
    mentions(&err, &["broken-jaeger", &format!("{}/api/v3/traces?", b.url()), "500", FAILING_MESSAGE], "the error")?;
    let services = text_of(c, "[data-testid=services-error]")?;
    mentions(&services, &["broken-jaeger", &format!("{}/api/v3/services", b.url()), "500"], "the services error")?;
    // A plain-text message (Tempo) is quoted too.
    c.open("#/search?backend=broken-tempo&service=frontend")?;
    let err = text_of(c, "[data-testid=search-error]")?;
    mentions(&err, &["broken-tempo", &format!("{}/api/search?", b.url()), "500", FAILING_MESSAGE], "the Tempo error")?;
    eq(c.count("[data-testid=search-result]")?, 0, "no results")
}

fn a_malformed_answer_names_what_was_expected(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Malformed);
    let _scene = Scene::with(c, &[("cut-jaeger", "jaeger", &b)]);
    c.open("#/search?backend=cut-jaeger&service=frontend")?;
    let err = text_of(c, "[data-testid=search-error]")?;
    mentions(&err, &["cut-jaeger", &format!("{}/api/v3/traces?", b.url()), "200", "OTLP JSON"], "the error")?;
    let services = text_of(c, "[data-testid=services-error]")?;
    mentions(&services, &["cut-jaeger", "/api/v3/services", "{\"services\":[…]}"], "the services error")
}

fn a_backend_without_cors_is_explained(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::NoCors);
    let _scene = Scene::with(c, &[("locked-jaeger", "jaeger", &b)]);
    c.open("#/search?backend=locked-jaeger&service=frontend")?;
    let err = text_of(c, "[data-testid=search-error]")?;
    mentions(
        &err,
        &[
            "locked-jaeger",
            &format!("{}/api/v3/traces?", b.url()),
            "CORS",
            "Access-Control-Allow-Origin",
            "http.cors.allowed_origins",
        ],
        "the error",
    )?;
    // The request did arrive: the browser hid the answer.
    last_get(&b, "/api/v3/traces")?;
    Ok(())
}

fn a_slow_backend_shows_the_search_running(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Slow);
    let _scene = Scene::with(c, &[("slow-jaeger", "jaeger", &b)]);
    let t = Instant::now();
    c.open("#/search?backend=slow-jaeger&service=frontend")?;
    c.browser.wait("[data-testid=search-running]")?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=search-running]')?.getClientRects().length > 0",
        "“Searching…” visible",
    )?;
    check(t.elapsed() < SLOW, format!("“Searching…” shown before the backend answered ({:?})", t.elapsed()))?;
    c.browser.wait("[data-testid=search-result]")?;
    check(t.elapsed() >= SLOW, format!("results after the backend answered ({:?})", t.elapsed()))?;
    eq(c.count("[data-testid=search-running]")?, 0, "no longer running")?;
    // Let the other slow requests (services, operations) finish before the next page.
    c.browser.wait("[data-testid=search-service]")?;
    c.browser.wait("[data-testid=search-operation] option[value='GET /dispatch']")?;
    Ok(())
}

fn configured_headers_reach_the_backend(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Jaeger);
    let headers = json!({"Authorization": "Bearer t0k3n", "X-Scope-OrgID": "team-a"});
    let _scene = Scene::new(c, Some(config(&[("authed", "jaeger", &b)], Some(headers))), &[&b]);
    c.open("#/search?backend=authed&service=frontend")?;
    c.browser.wait("[data-testid=search-result]")?;
    let log = b.recorded();
    let gets: Vec<&Recorded> = log.iter().filter(|r| r.method == "GET").collect();
    check(gets.len() >= 2, format!("services and search asked: {:?}", b.requests()))?;
    for r in &gets {
        eq(r.header("authorization"), Some("Bearer t0k3n"), &format!("Authorization of {}", r.line()))?;
        eq(r.header("x-scope-orgid"), Some("team-a"), &format!("X-Scope-OrgID of {}", r.line()))?;
    }
    // The browser asked first (CORS preflight), naming the headers.
    let preflight = log.iter().find(|r| r.method == "OPTIONS").ok_or("no OPTIONS preflight")?;
    let asked = preflight.header("access-control-request-headers").unwrap_or_default().to_ascii_lowercase();
    mentions(&asked, &["authorization", "x-scope-orgid"], "the preflight")
}

fn config_problems_are_reported(c: &Ctx) -> Result<()> {
    let bad = br#"{"backends":[{"name":"j","kind":"jagger","url":"http://127.0.0.1:9"}]}"#.to_vec();
    let scene = Scene::new(c, Some(bad), &[]);
    c.open("#/")?;
    let err = text_of(c, "[data-testid=config-error]")?;
    mentions(&err, &["config.json", "backends[0]", "\"jagger\"", "\"jaeger\", \"tempo\" or \"zipkin\""], "the error")?;
    c.open("#/search")?;
    mentions(&text_of(c, "[data-testid=config-error]")?, &["jagger"], "the search page's error")?;
    // Not JSON at all: where.
    c.server.set_file("config.json", Some(b"{\"backends\": [\n  {\"name\": \"j\",}\n]}".to_vec()));
    c.open("#/")?;
    mentions(&text_of(c, "[data-testid=config-error]")?, &["not valid JSON", "line 2"], "the syntax error")?;
    // The site's own config.json lists no backend.
    let public = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public/config.json"))
        .map_err(|e| format!("public/config.json: {e}"))?;
    c.server.set_file("config.json", Some(public));
    c.open("#/")?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=backends]')?.innerText.includes('No backend is configured')",
        "the landing page says no backend is configured",
    )?;
    eq(c.count("[data-testid=config-error]")?, 0, "no config error")?;
    c.open("#/search")?;
    mentions(&text_of(c, "[data-testid=no-backends]")?, &["No backend is configured", "config.json"], "search page")?;
    drop(scene);
    Ok(())
}

fn a_typed_trace_id_opens_from_the_backend(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Zipkin);
    let _scene = Scene::with(c, &[("zipkin", "zipkin", &b)]);
    let kafka = b.trace("0562809467078eab").ok_or("kafka trace in the fixture")?;
    // Not an id: said so on the spot, nothing asked.
    c.open("#/")?;
    c.browser.wait("[data-testid=backend-search][data-backend=zipkin]")?;
    c.browser.send_keys(&c.browser.wait("[data-testid=trace-id-input]")?, "order-42")?;
    c.browser.click(&c.browser.wait("[data-testid=trace-id-open]")?)?;
    let err = text_of(c, "[data-testid=trace-id-error]")?;
    mentions(&err, &["order-42", "not a hexadecimal digit"], "the id error")?;
    check(!b.requests().iter().any(|r| r.contains("/trace/")), "no trace asked for")?;
    // The 16-digit id with its leading zero dropped, as some tools print it.
    c.open("#/")?;
    c.browser.wait("[data-testid=backend-search][data-backend=zipkin]")?;
    c.browser.send_keys(&c.browser.wait("[data-testid=trace-id-input]")?, "562809467078eab")?;
    c.browser.click(&c.browser.wait("[data-testid=trace-id-open]")?)?;
    check_trace_page(c, &kafka.facts.id, &kafka.facts.spans.to_string())?;
    check(
        b.requests().iter().any(|r| r == "GET /api/v2/trace/0562809467078eab"),
        format!("Zipkin asked for the 16-digit id: {:?}", b.requests()),
    )
}

fn url_parameter_loads_a_file(c: &Ctx) -> Result<()> {
    let files = FixtureBackend::start(Flavor::Jaeger);
    let locked = FixtureBackend::start(Flavor::NoCors);
    let _scene = Scene::new(c, None, &[&files, &locked]);
    let path = "/files/hotrod.json";
    let bytes = std::fs::read(c.fixture("otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json"))
        .map_err(|e| e.to_string())?;
    let want = expected_from_body(&bytes, path)?;
    files.set_file(path, Some(bytes.clone()));
    locked.set_file(path, Some(bytes));
    let open_url = |url: &str| c.open(&format!("?url={}#/", percent_encode(url)));

    let url = format!("{}{path}", files.url());
    open_url(&url)?;
    check_trace_page(c, &want[0].0, &want[0].1)?;
    check(files.requests().contains(&format!("GET {path}")), "the file was fetched")?;

    let url = format!("{}/files/missing.json", files.url());
    open_url(&url)?;
    let err = text_of(c, "[data-testid=file-outcome][data-status=error]")?;
    mentions(&err, &[&url, "404"], "the 404 outcome")?;

    let url = format!("{}{path}", locked.url());
    open_url(&url)?;
    let err = text_of(c, "[data-testid=file-outcome][data-status=error]")?;
    mentions(&err, &[&url, "CORS", "Access-Control-Allow-Origin"], "the no-CORS outcome")?;
    check(locked.requests().contains(&format!("GET {path}")), "the request arrived; the browser hid the answer")
}

fn a_grafana_link_searches_its_window(c: &Ctx) -> Result<()> {
    let j = FixtureBackend::start(Flavor::Jaeger);
    let t = FixtureBackend::start(Flavor::Tempo);
    let z = FixtureBackend::start(Flavor::Zipkin);
    let _scene = Scene::with(c, &[("jaeger", "jaeger", &j), ("tempo", "tempo", &t), ("zipkin", "zipkin", &z)]);
    let (from, to) = (1_700_000_000_000_i64, 1_700_003_600_123_i64); // ms, as Grafana's ${__from} and ${__to}
    let rfc = |ms: i64| rfc3339_from_timestamp(TimestampNs(ms * 1_000_000));

    c.open(&format!("#/search?backend=jaeger&service=frontend&from={from}&to={to}"))?;
    c.browser.wait("[data-testid=search-result]")?;
    let r = last_get(&j, "/api/v3/traces")?;
    eq(param(&r, "query.start_time_min")?, rfc(from), "query.start_time_min")?;
    eq(param(&r, "query.start_time_max")?, rfc(to), "query.start_time_max")?;
    eq(param(&r, "query.service_name")?, "frontend".to_string(), "query.service_name")?;

    c.open(&format!("#/search?backend=tempo&service=cart&from={from}&to={to}"))?;
    c.browser.wait("[data-testid=search-result]")?;
    let r = last_get(&t, "/api/search")?;
    eq((int_param(&r, "start")?, int_param(&r, "end")?), (from / 1000, to / 1000 + 1), "Tempo start/end in seconds")?;
    eq(param(&r, "tags")?, "service.name=cart".to_string(), "Tempo tags")?;

    c.open(&format!("#/search?backend=zipkin&service=servicea&from={from}&to={to}"))?;
    c.browser.wait("[data-testid=search-result]")?;
    let r = last_get(&z, "/api/v2/traces")?;
    eq((int_param(&r, "endTs")?, int_param(&r, "lookback")?), (to, to - from), "Zipkin endTs and lookback in ms")?;

    // A dashboard showing the last 6 hours (or 90 minutes, which the form does not list) links with Grafana's
    // relative range: the search looks that far back from now, and the form shows it.
    for (relative, seconds, shown) in [("6h", 21_600, "Last 6 hours"), ("90m", 5_400, "Last 90m")] {
        let before = gets(&t, "/api/search");
        c.open(&format!("#/search?backend=tempo&service=cart&from=now-{relative}&to=now"))?;
        let r = wait_for_get(&t, "/api/search", before)?;
        c.browser.wait("[data-testid=search-result]")?;
        let window = int_param(&r, "end")? - int_param(&r, "start")?;
        check((seconds..=seconds + 2).contains(&window), format!("now-{relative}: a window of {window} s"))?;
        let picked: Value = c.browser.js(
            "const s = document.querySelector('[data-testid=search-lookback]'); return s.options[s.selectedIndex].text",
            vec![],
        )?;
        eq(picked, json!(shown), &format!("the time shown for now-{relative}"))?;
    }
    Ok(())
}
