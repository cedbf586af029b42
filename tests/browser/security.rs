//! Browser scenarios for hostile input and failure (issue 9, items 3 and 4): every string from a trace is text in
//! every view, only http(s) becomes a link, a panic shows the fatal-error banner (whose Reload works under a
//! strict Content-Security-Policy), one bad file never hides the others, `?url=` goes out without credentials and
//! only to http(s), configured headers stay with their own backend, and bad URL parameters and config.json
//! values are named in a message instead of silently ignored.
//!
//! The hostile strings are the classic four: a `<script>` element, an `<img onerror>`, a `javascript:` address
//! and a quote that would close an attribute. Each sets `window.__xss` if it ever runs; [`clean`] checks that it
//! did not, and that the page has no event-handler attribute, no foreign script, no non-http(s) link and no
//! injected element at all.

use crate::backend::{FixtureBackend, Flavor, JAEGER_OTLP};
use crate::hosting::{csp_violations, python_server};
use crate::sources::{config, Scene};
use crate::webdriver::Result;
use crate::{check, eq, Ctx, Scenario};
use serde_json::{json, Value};
use spanscope_model::backend::percent_encode;
use std::path::PathBuf;

pub const SCENARIOS: &[Scenario] = &[
    ("security: hostile strings in a trace render as text in every view", hostile_strings_render_as_text),
    ("security: hostile names from a backend render as text on the search page", hostile_names_from_a_backend),
    ("security: attribute values become links only through http(s) templates", only_http_becomes_a_link),
    ("security: a panic shows the fatal-error banner; Reload works under a strict CSP", a_panic_shows_the_banner),
    ("security: ten files with one broken: nine listed; a later bad file keeps them", one_bad_file_among_ten),
    ("security: ?url= goes out without cookies or headers, is the source; other schemes are refused", url_parameter),
    ("security: configured headers stay with their backend: not in URLs, exports or the console", headers_stay_home),
    ("security: bad URL parameters are named in a notice", bad_url_parameters_are_named),
    ("security: bad config.json values are explained", bad_config_values_are_explained),
    ("security: files are imported off the page's thread, in the import worker", imported_in_the_worker),
    ("security: files over the whole-read limit are parsed as a stream in the import worker", streamed_into_the_worker),
    (
        "security: large backend answers (a trace, a search) are imported in the import worker",
        backend_trace_in_the_worker,
    ),
    ("security: a file too large to hold is refused with its size and the limit; the loaded stay", too_large_a_file),
];

const SCRIPT: &str = "<script>window.__xss=1</script>";
const IMG: &str = "<img src=x onerror=\"window.__xss=1\">";
const JS_URL: &str = "javascript:window.__xss=1";
const QUOTE: &str = "\" onmouseover=\"window.__xss=1";
const HOSTILE: [&str; 4] = [SCRIPT, IMG, JS_URL, QUOTE];

const OTLP_TRACE: &str = "5ec0000000000000000000000000000a";
const JAEGER_TRACE: &str = "5ec0000000000000000000000000000b";
const T0_NS: i64 = 1_700_000_000_000_000_000;

// ---- hostile traces ----

fn kv(k: &str, v: &str) -> Value {
    json!({"key": k, "value": {"stringValue": v}})
}

/// Every hostile string as a key and as a value, and addresses of other schemes.
fn hostile_attrs() -> Vec<Value> {
    let mut out: Vec<Value> = HOSTILE.iter().enumerate().map(|(i, h)| kv(h, HOSTILE[(i + 1) % 4])).collect();
    out.extend(HOSTILE.iter().enumerate().map(|(i, h)| kv(&format!("attr.{i}"), h)));
    out.push(kv("u.js", JS_URL));
    out.push(kv("u.data", "data:text/html,<script>window.__xss=1</script>"));
    out.push(kv("u.vb", "vbscript:msgbox(1)"));
    out.push(kv("u.https", "HTTPS://x.example/a"));
    out
}

fn otlp_span(id: u64, parent: Option<u64>, name: &str, kind: u8, start_ms: i64, dur_ms: i64) -> Value {
    let ns = |ms: i64| (T0_NS + ms * 1_000_000).to_string();
    let mut s = json!({
        "traceId": OTLP_TRACE, "spanId": format!("{id:016x}"), "name": name, "kind": kind,
        "startTimeUnixNano": ns(start_ms), "endTimeUnixNano": ns(start_ms + dur_ms),
        "attributes": hostile_attrs(),
        "events": [{"timeUnixNano": ns(start_ms), "name": IMG,
                    "attributes": [kv(SCRIPT, QUOTE), kv("exception.message", SCRIPT)]}],
        "links": [{"traceId": OTLP_TRACE, "spanId": format!("{:016x}", 1),
                   "attributes": [kv(QUOTE, IMG), kv(JS_URL, SCRIPT)]}],
        "status": {"code": 2, "message": SCRIPT},
    });
    if let Some(p) = parent {
        s["parentSpanId"] = json!(format!("{p:016x}"));
    }
    s
}

fn resource(service: &str, spans: Vec<Value>) -> Value {
    json!({
        "resource": {"attributes": [kv("service.name", service), kv(IMG, JS_URL), kv("host.name", QUOTE)]},
        "scopeSpans": [{"scope": {"name": SCRIPT, "version": QUOTE}, "spans": spans}],
    })
}

/// Three services named after hostile strings, hostile span names, and six like calls (a repeated-call insight
/// that quotes the name).
fn hostile_otlp() -> Value {
    let mut a = vec![otlp_span(1, None, SCRIPT, 2, 0, 400), otlp_span(2, Some(1), JS_URL, 3, 10, 100)];
    for i in 0..6u64 {
        let mut s = otlp_span(5 + i, Some(1), IMG, 3, 120 + 20 * i as i64, 15);
        s["attributes"].as_array_mut().unwrap().push(kv("db.statement", &format!("SELECT a FROM t WHERE id = {i}")));
        a.push(s);
    }
    json!({"resourceSpans": [
        resource(SCRIPT, a),
        resource(IMG, vec![otlp_span(3, Some(2), QUOTE, 2, 20, 80)]),
        resource(QUOTE, vec![otlp_span(4, Some(3), SCRIPT, 1, 30, 50)]),
    ]})
}

const OTLP_SPANS: usize = 10;

fn tag(k: &str, v: &str) -> Value {
    json!({"key": k, "type": "string", "value": v})
}

/// The Jaeger path: process service names and tags, span tags, logs and warnings.
fn hostile_jaeger() -> Value {
    let span = |id: &str, parent: Option<&str>, op: &str, process: &str, start: i64, dur: i64| {
        let refs: Vec<Value> =
            parent.map(|p| json!({"refType": "CHILD_OF", "traceID": JAEGER_TRACE, "spanID": p})).into_iter().collect();
        json!({
            "traceID": JAEGER_TRACE, "spanID": id, "operationName": op, "references": refs,
            "startTime": 1_700_000_000_000_000_i64 + start, "duration": dur,
            "tags": [tag(SCRIPT, QUOTE), tag(QUOTE, JS_URL), tag("error", "true"), tag("note", IMG)],
            "logs": [{"timestamp": 1_700_000_000_000_000_i64 + start, "fields": [tag("event", SCRIPT), tag(IMG, JS_URL)]}],
            "processID": process, "warnings": [SCRIPT],
        })
    };
    json!({"data": [{
        "traceID": JAEGER_TRACE,
        "spans": [span("00000000000000b1", None, IMG, "p1", 0, 50_000), span("00000000000000b2", Some("00000000000000b1"), QUOTE, "p2", 5_000, 20_000)],
        "processes": {
            "p1": {"serviceName": SCRIPT, "tags": [tag(IMG, QUOTE)]},
            "p2": {"serviceName": JS_URL, "tags": [tag("hostname", SCRIPT)]},
        },
    }]})
}

/// A small valid trace of two spans with trace id `5ec1…{n}`.
fn small_otlp(n: u64) -> Value {
    let id = format!("{:032x}", 0x5ec1_0000_u64 + n);
    let span = |sid: u64, parent: Option<u64>| {
        let mut s = json!({"traceId": id, "spanId": format!("{sid:016x}"), "name": format!("op-{n}-{sid}"), "kind": 2,
            "startTimeUnixNano": T0_NS.to_string(), "endTimeUnixNano": (T0_NS + 1_000_000).to_string()});
        if let Some(p) = parent {
            s["parentSpanId"] = json!(format!("{p:016x}"));
        }
        s
    };
    json!({"resourceSpans": [{"resource": {"attributes": [kv("service.name", &format!("svc-{n}"))]},
        "scopeSpans": [{"spans": [span(1, None), span(2, Some(1))]}]}]})
}

/// A scratch directory for this run's files.
fn scratch() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("spanscope-security-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<String> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).map_err(|e| e.to_string())?;
    Ok(p.display().to_string())
}

// ---- checking the page ----

/// What would show an injection: `window.__xss` set, an `on*` attribute anywhere, a script other than the
/// app's own, a link that is not http(s), an element a trace string could have brought in. Every element also
/// gets a `mouseover` first, for `" onmouseover="` to fire if it ever became an attribute.
const INJECTION_SCAN: &str = r#"
document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover', {bubbles: false})));
const bad = [];
if (typeof window.__xss !== 'undefined') bad.push('window.__xss is set');
for (const el of document.querySelectorAll('*'))
  for (const a of el.attributes)
    if (/^on/i.test(a.name)) bad.push('<' + el.tagName.toLowerCase() + ' ' + a.name + '="' + a.value.slice(0, 60) + '">');
for (const s of document.querySelectorAll('script')) {
  const u = s.src ? new URL(s.src) : null;
  if (!u || u.origin !== location.origin || !/\/(start|spanscope)-[0-9a-f]+\.js$/.test(u.pathname))
    bad.push('script: ' + s.outerHTML.slice(0, 80));
}
for (const a of document.querySelectorAll('a[href]'))
  if (!['http:', 'https:'].includes(a.protocol)) bad.push('link: ' + a.getAttribute('href').slice(0, 80));
if (document.querySelector('a[href^="javascript:" i]')) bad.push('a javascript: link');
for (const el of document.querySelectorAll('img, iframe, object, embed, frame, base, meta[http-equiv]'))
  bad.push('element: ' + el.outerHTML.slice(0, 80));
return bad;
"#;

/// Fails when the page shows any sign of an injection (see [`INJECTION_SCAN`]).
fn clean(c: &Ctx, page: &str) -> Result<()> {
    let bad = c.browser.js(INJECTION_SCAN, vec![])?;
    let bad = bad.as_array().cloned().unwrap_or_default();
    check(bad.is_empty(), format!("{page}: signs of injection: {bad:?}"))
}

/// Fails unless the element's visible text holds every one of `parts` literally.
fn shows(c: &Ctx, css: &str, parts: &[&str], what: &str) -> Result<()> {
    let text = c.browser.text(&c.browser.wait(css)?)?;
    let missing: Vec<&&str> = parts.iter().filter(|p| !text.contains(**p)).collect();
    check(missing.is_empty(), format!("{what} should show {missing:?} as text; it shows: {}", short(&text)))
}

fn short(s: &str) -> String {
    s.chars().take(700).collect()
}

fn text_of(c: &Ctx, css: &str) -> Result<String> {
    c.browser.text(&c.browser.wait(css)?)
}

fn mentions(text: &str, parts: &[&str], what: &str) -> Result<()> {
    let missing: Vec<&&str> = parts.iter().filter(|p| !text.contains(**p)).collect();
    check(missing.is_empty(), format!("{what} should mention {missing:?}: {}", short(text)))
}

/// Moves within the page (the loaded traces stay; `Ctx::open` would start a new page).
fn go(c: &Ctx, hash: &str) -> Result<()> {
    c.browser.js("location.hash = arguments[0]", vec![json!(hash)])?;
    Ok(())
}

fn open_tab(c: &Ctx, view: &str, testid: &str) -> Result<()> {
    c.browser.click(&c.browser.wait(&format!("[data-testid=view-tab][data-view='{view}']"))?)?;
    c.browser.wait(&format!("[data-testid={testid}]"))?;
    Ok(())
}

// ---- scenarios ----

fn hostile_strings_render_as_text(c: &Ctx) -> Result<()> {
    let dir = scratch()?;
    let otlp = write(&dir, "hostile-otlp.json", hostile_otlp().to_string().as_bytes())?;
    let jaeger = write(&dir, "hostile-jaeger.json", hostile_jaeger().to_string().as_bytes())?;
    c.open("#/")?;
    // The scan itself sees an injection (else passing would mean nothing).
    c.browser.js(
        "const d = document.createElement('div'); d.id = 'planted'; \
         d.innerHTML = '<b onclick=\"1\">x</b><a href=\"javascript:void 0\">y</a><img src=\"data:,\">'; \
         document.body.append(d); window.__xss = 1",
        vec![],
    )?;
    let planted = clean(c, "planted").err().unwrap_or_default();
    mentions(&planted, &["window.__xss is set", "onclick", "link: javascript:", "element: <img"], "the scan")?;
    c.browser.js("document.getElementById('planted').remove(); delete window.__xss", vec![])?;
    clean(c, "the start page")?;
    c.upload(&[otlp, jaeger])?;
    c.browser.wait_js("document.querySelectorAll('[data-testid=trace-list-item]').length === 2", "both listed")?;
    clean(c, "the landing page's trace list")?;
    shows(c, ".trace-list", &[&format!("{SCRIPT}: {SCRIPT}"), &format!("{SCRIPT}: {IMG}")], "the trace list")?;

    let otlp_spans: Vec<String> = (1..=OTLP_SPANS as u64).map(|i| format!("{i:016x}")).collect();
    let jaeger_spans = vec!["00000000000000b1".to_string(), "00000000000000b2".to_string()];
    let otlp_services = [SCRIPT, IMG, QUOTE];
    let jaeger_services = [SCRIPT, JS_URL];
    for (trace, spans, services) in
        [(OTLP_TRACE, &otlp_spans, &otlp_services[..]), (JAEGER_TRACE, &jaeger_spans, &jaeger_services[..])]
    {
        go(c, &format!("#/trace/{trace}"))?;
        c.browser.wait(&format!("[data-testid=trace-header][data-trace-id='{trace}']"))?;
        c.browser.wait("[data-testid=span-row]")?;
        clean(c, &format!("the waterfall of {trace}"))?;
        shows(c, "[data-testid=trace-header]", &[SCRIPT], "the trace header")?;
        // The detail of every span.
        for id in spans.iter() {
            go(c, &format!("#/trace/{trace}?span={id}"))?;
            c.browser.wait(&format!("[data-testid=span-detail][data-span-id='{id}']"))?;
            clean(c, &format!("the detail of span {id} of {trace}"))?;
            shows(c, "[data-testid=span-detail]", &HOSTILE, &format!("the detail of span {id}"))?;
        }
        // Every other view.
        for (view, testid) in
            [("statistics", "statistics"), ("flamegraph", "flamegraph"), ("service-map", "service-map")]
        {
            open_tab(c, view, testid)?;
            clean(c, &format!("the {view} of {trace}"))?;
        }
        open_tab(c, "statistics", "statistics")?;
        shows(c, "[data-testid=statistics]", services, "the statistics (by service)")?;
        open_tab(c, "service-map", "service-map")?;
        let names = c.browser.js(
            "return [...document.querySelectorAll('[data-testid=map-node]')].map(n => n.textContent).join(' | ')",
            vec![],
        )?;
        mentions(names.as_str().unwrap_or_default(), services, "the service map's nodes")?;
        // A click on a node pins its spans under a label that quotes the service.
        c.browser.click(&c.browser.wait("[data-testid=map-node]")?)?;
        c.browser.wait("[data-testid=span-row]")?;
        clean(c, &format!("the spans of a service of {trace}, pinned"))?;
        open_tab(c, "service-map", "service-map")?;
        // The flame graph's hover line names the span under the pointer.
        open_tab(c, "flamegraph", "flamegraph")?;
        c.browser.js(
            "const cv = document.querySelector('[data-testid=flame-canvas]'); const r = cv.getBoundingClientRect(); \
             cv.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: r.left + 30, clientY: r.top + 8}))",
            vec![],
        )?;
        clean(c, &format!("the flame graph of {trace} after a hover"))?;
        open_tab(c, "waterfall", "span-row")?;
    }
    // The insights quote the repeated call's name.
    go(c, &format!("#/trace/{OTLP_TRACE}"))?;
    c.browser.wait(&format!("[data-testid=trace-header][data-trace-id='{OTLP_TRACE}']"))?;
    shows(c, "[data-testid=insights]", &[IMG], "the insights")?;
    clean(c, "the insights")?;
    // The compare page.
    go(c, &format!("#/compare/{OTLP_TRACE}/{JAEGER_TRACE}"))?;
    c.browser.wait("[data-testid=compare-summary]")?;
    clean(c, "the compare page")?;
    shows(c, "[data-testid=compare-page]", &[SCRIPT, IMG], "the compare page")?;
    // And back on the start page, the history lists both.
    go(c, "#/")?;
    c.browser.wait("[data-testid=landing]")?;
    clean(c, "the start page again")?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn hostile_names_from_a_backend(c: &Ctx) -> Result<()> {
    let z = FixtureBackend::start(Flavor::Zipkin);
    let id = "5ec000000000000c";
    let spans = json!([
        {"traceId": id, "id": "00000000000000c1", "name": SCRIPT, "timestamp": 1_700_000_000_000_000_i64,
         "duration": 40_000, "kind": "SERVER", "localEndpoint": {"serviceName": IMG},
         "tags": {SCRIPT: QUOTE, "error": SCRIPT}, "annotations": [{"timestamp": 1_700_000_000_001_000_i64, "value": IMG}]},
        {"traceId": id, "parentId": "00000000000000c1", "id": "00000000000000c2", "name": QUOTE,
         "timestamp": 1_700_000_000_002_000_i64, "duration": 10_000, "kind": "CLIENT",
         "localEndpoint": {"serviceName": IMG}, "remoteEndpoint": {"serviceName": JS_URL}, "tags": {JS_URL: IMG}},
    ]);
    let names = json!(HOSTILE).to_string().into_bytes();
    z.set_file("/api/v2/services", Some(names.clone()));
    z.set_file("/api/v2/spans", Some(names.clone()));
    z.set_file("/api/v2/remoteServices", Some(names));
    z.set_file("/api/v2/traces", Some(json!([spans]).to_string().into_bytes()));
    z.set_file(&format!("/api/v2/trace/{id}"), Some(spans.to_string().into_bytes()));
    z.set_file(&format!("/api/v2/trace/{id:0>32}"), Some(spans.to_string().into_bytes()));
    let _scene = Scene::new(c, Some(config(&[("hostile", "zipkin", &z)], None)), &[&z]);
    c.open(&format!("#/search?backend=hostile&service={}", percent_encode(IMG)))?;
    c.browser.wait("[data-testid=search-result]")?;
    c.browser.wait("[data-testid=search-operation] option:nth-child(3)")?;
    clean(c, "the search page with hostile services, operations and results")?;
    for select in ["search-service", "search-operation"] {
        let options = c.browser.js(
            &format!("return [...document.querySelectorAll('[data-testid={select}] option')].map(o => o.textContent)"),
            vec![],
        )?;
        let options: Vec<String> = options
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for h in HOSTILE {
            check(options.iter().any(|o| o == h), format!("{select} should offer {h:?} as text: {options:?}"))?;
        }
    }
    shows(c, "[data-testid=search-result]", &[SCRIPT, IMG], "the search result")?;
    c.browser.click(&c.browser.wait("[data-testid=search-result] .result-open")?)?;
    c.browser.wait("[data-testid=trace-header]")?;
    c.browser.click(&c.browser.wait("[data-testid=span-row]")?)?;
    c.browser.wait("[data-testid=span-detail]")?;
    clean(c, "a trace opened from the hostile backend")?;
    shows(c, "[data-testid=trace-header]", &[IMG, SCRIPT], "the header of the fetched trace")
}

fn only_http_becomes_a_link(c: &Ctx) -> Result<()> {
    let cfg = json!({"backends": [], "links": [
        {"key": "u.js", "url": "#{u.js}"},
        {"key": "u.data", "url": "data:text/html,#{u.data}"},
        {"key": "u.vb", "url": "vbscript:#{u.vb}"},
        {"key": "u.https", "url": " javascript:#{u.https}"},
        {"key": "u.js", "url": "https://logs.example/?q=#{u.js}", "text": "#{u.js}"},
        {"key": "u.https", "url": "HTTPS://x.example/#{span_id}"},
    ]});
    c.server.set_file("config.json", Some(cfg.to_string().into_bytes()));
    let result = (|| -> Result<()> {
        let dir = scratch()?;
        let otlp = write(&dir, "links.json", hostile_otlp().to_string().as_bytes())?;
        c.open("#/")?;
        c.browser.wait_js("document.querySelectorAll('[data-testid=config-note]').length === 4", "four refused")?;
        let notes = text_of(c, "[data-testid=backends]")?;
        mentions(
            &notes,
            &["links[0]", "links[1]", "links[2]", "links[3]", "data:text/html", "vbscript:"],
            "the notes",
        )?;
        c.upload(&[otlp])?;
        c.browser.wait(&format!("[data-testid=trace-header][data-trace-id='{OTLP_TRACE}']"))?;
        go(c, &format!("#/trace/{OTLP_TRACE}?span={:016x}", 1))?;
        c.browser.wait("[data-testid=span-detail] [data-testid=attr-link]")?;
        let links = c.browser.js(
            "return [...document.querySelectorAll('[data-testid=span-detail] a[href]')].map(a => [a.closest('[data-key]')?.dataset.key ?? '', a.protocol, a.getAttribute('href'), a.textContent])",
            vec![],
        )?;
        eq(
            links,
            json!([
                ["u.https", "https:", format!("HTTPS://x.example/{:016x}", 1), "↗ HTTPS://x.example/a"],
                [
                    "u.js",
                    "https:",
                    "https://logs.example/?q=javascript%3Awindow.__xss%3D1",
                    "↗ javascript:window.__xss=1"
                ],
            ]),
            "the only links in the detail: the two http(s) templates, the value encoded, the text as text",
        )?;
        // The values themselves (javascript:, data:, vbscript:, HTTPS://) are text, never links.
        for key in ["u.data", "u.vb", "attr.2"] {
            eq(c.count(&format!("[data-testid=span-detail] [data-key='{key}'] a"))?, 0, &format!("links of {key}"))?;
        }
        shows(c, "[data-testid=span-detail] [data-key='u.vb']", &["vbscript:msgbox(1)"], "the vbscript value")?;
        clean(c, "the detail with link templates")?;
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    })();
    c.server.set_file("config.json", None);
    result
}

fn a_panic_shows_the_banner(c: &Ctx) -> Result<()> {
    let server = python_server(&c.dist)?;
    let base = format!("http://127.0.0.1:{}/apps/spanscope/", server.port);
    c.browser.goto("about:blank")?;
    let earlier = c.browser.severe_logs();
    let result = (|| -> Result<()> {
        c.browser.goto(&format!("{base}#/demo/checkout-incident"))?;
        c.browser.wait("[data-testid=span-row]")?;
        // The hook does nothing unless asked to panic.
        eq(
            c.browser.js("return window.wasmBindings.spanscopeSelfTest('nothing')", vec![])?,
            json!(false),
            "spanscopeSelfTest('nothing')",
        )?;
        eq(c.count("[data-testid=fatal-error]")?, 0, "no banner before the panic")?;
        let thrown = c.browser.js(
            "try { window.wasmBindings.spanscopeSelfTest('panic'); return 'returned' } catch (e) { return 'threw: ' + e }",
            vec![],
        )?;
        check(thrown.as_str().unwrap_or_default().starts_with("threw"), format!("the panic reached JS: {thrown}"))?;
        let banner = c.browser.wait("[data-testid=fatal-error]")?;
        eq(c.browser.attr(&banner, "role")?, Some("alert".to_string()), "the banner's role")?;
        mentions(
            &c.browser.text(&banner)?,
            &["internal error", "Reload", "self-test: a panic on purpose", "src/fatal.rs"],
            "the banner",
        )?;
        let reload = c.browser.wait("[data-testid=fatal-error] button[data-testid=fatal-reload]")?;
        c.browser.js("window.__beforeReload = 1", vec![])?;
        c.browser.click(&reload)?;
        c.browser.wait_js(
            "window.__beforeReload === undefined && !document.querySelector('[data-testid=fatal-error]') && !!document.querySelector('[data-testid=span-row]')",
            "Reload reloads: the page is back, without the banner",
        )?;
        // The panic's own console lines are expected; a CSP refusal (the old inline onclick) is not.
        let violations = csp_violations(c);
        check(violations.is_empty(), format!("no CSP violations: {violations:?}"))
    })();
    c.drop_expected_logs(earlier);
    drop(server);
    result
}

fn one_bad_file_among_ten(c: &Ctx) -> Result<()> {
    let dir = scratch()?;
    let mut paths = Vec::new();
    let mut want = std::collections::BTreeSet::new();
    for n in 0..10u64 {
        let pretty = serde_json::to_string_pretty(&small_otlp(n)).map_err(|e| e.to_string())?;
        if n == 6 {
            // Cut off halfway: the message must say which file and where.
            let cut: String = pretty.chars().take(pretty.len() / 2).collect();
            paths.push(write(&dir, "trace-06-broken.json", cut.as_bytes())?);
        } else {
            want.insert(format!("{:032x}", 0x5ec1_0000_u64 + n));
            paths.push(write(&dir, &format!("trace-{n:02}.json"), pretty.as_bytes())?);
        }
    }
    c.open("#/")?;
    c.upload(&paths)?;
    c.browser.wait_js("document.querySelectorAll('[data-testid=file-outcome]').length === 10", "ten outcomes")?;
    eq(c.count("[data-testid=file-outcome][data-status=ok]")?, 9, "nine files read")?;
    eq(c.count("[data-testid=load-error]")?, 1, "one load error")?;
    let err = text_of(c, "[data-testid=load-error]")?;
    mentions(&err, &["trace-06-broken.json", "line"], "the load error (the file and where)")?;
    let listed = |testid: &str| -> Result<std::collections::BTreeSet<String>> {
        let v = c.browser.js(
            &format!("return [...document.querySelectorAll('[data-testid={testid}]')].map(e => e.dataset.traceId)"),
            vec![],
        )?;
        Ok(v.as_array().cloned().unwrap_or_default().iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
    };
    eq(listed("trace-list-item")?, want.clone(), "the nine good traces listed")?;
    // A later bad file: its error shows, and the nine stay listed and openable.
    let bad = write(&dir, "later-broken.json", b"{\"resourceSpans\": [\n  {\"resource\": {}, \"scopeSpans\": [}\n]}")?;
    c.upload(&[bad])?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=load-error]')?.innerText.includes('later-broken.json')",
        "the later file's error",
    )?;
    eq(listed("trace-history-item")?, want.clone(), "the nine traces still listed (opened earlier)")?;
    let first = want.iter().next().cloned().unwrap_or_default();
    c.browser.click(&c.browser.wait(&format!("[data-testid=trace-history-item][data-trace-id='{first}'] a"))?)?;
    let header = c.browser.wait(&format!("[data-testid=trace-header][data-trace-id='{first}']"))?;
    eq(c.browser.attr(&header, "data-span-count")?, Some("2".to_string()), "an earlier trace opens")?;
    eq(c.count("[data-testid=fatal-error]")?, 0, "no fatal error")?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn url_parameter(c: &Ctx) -> Result<()> {
    let files = FixtureBackend::start(Flavor::Jaeger);
    let api = FixtureBackend::start(Flavor::Jaeger);
    let headers = json!({"Authorization": "Bearer url-s3cr3t", "X-Scope-OrgID": "org-s3cr3t"});
    let _scene = Scene::new(c, Some(config(&[("api", "jaeger", &api)], Some(headers))), &[&files, &api]);
    let body = small_otlp(77).to_string().into_bytes();
    let want_id = format!("{:032x}", 0x5ec1_0000_u64 + 77);
    files.set_file("/t/trace.json", Some(body.clone()));
    // A cookie on this host: cookies ignore ports, so the fixture (another port of 127.0.0.1) gets it whenever a
    // request includes credentials.
    c.open("#/")?;
    c.browser.wait("[data-testid=backend-search]")?;
    c.browser.js("document.cookie = 'spanscope_session=c00k1e-s3cr3t; path=/'", vec![])?;
    let url = format!("{}/t/trace.json", files.url());
    let result = (|| -> Result<()> {
        c.open(&format!("?url={}#/", percent_encode(&url)))?;
        c.browser.wait(&format!("[data-testid=trace-header][data-trace-id='{want_id}']"))?;
        mentions(&text_of(c, "[data-testid=trace-source]")?, &[&url], "the trace's source in the header")?;
        let r = files
            .recorded()
            .into_iter()
            .find(|r| r.method == "GET" && r.path() == "/t/trace.json")
            .ok_or("the file was not fetched")?;
        eq(r.header("cookie"), None, "Cookie of the ?url= request")?;
        eq(r.header("authorization"), None, "Authorization of the ?url= request")?;
        eq(r.header("x-scope-orgid"), None, "X-Scope-OrgID of the ?url= request")?;
        check(
            !r.headers.iter().any(|(_, v)| v.contains("s3cr3t")),
            format!("no secret in any header of the ?url= request: {:?}", r.headers),
        )?;
        check(!files.recorded().iter().any(|r| r.method == "OPTIONS"), "no preflight: nothing but a plain GET")?;
        // The control: the same request with credentials carries the cookie (so the check above means something).
        c.browser.js(
            "fetch(arguments[0], {credentials: 'include'}).catch(() => {}); return 1",
            vec![json!(format!("{url}?control=1"))],
        )?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let control = loop {
            if let Some(r) = files.recorded().into_iter().find(|r| r.target.contains("control=1")) {
                break r;
            }
            check(std::time::Instant::now() < deadline, "the control request did not arrive")?;
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        check(
            control.header("cookie").is_some_and(|v| v.contains("c00k1e-s3cr3t")),
            format!("with credentials the cookie would go: {:?}", control.headers),
        )?;
        // Other schemes are refused with a message, and nothing is loaded.
        let data = format!("data:application/json,{}", percent_encode(&String::from_utf8_lossy(&body)));
        for (u, scheme) in [
            ("javascript:alert(1)".to_string(), "javascript:"),
            ("file:///etc/passwd".to_string(), "file:"),
            (data, "data:"),
            ("blob:http://127.0.0.1/x".to_string(), "blob:"),
        ] {
            c.open(&format!("?url={}#/", percent_encode(&u)))?;
            let err = text_of(c, "[data-testid=load-error]")?;
            mentions(&err, &["only loads http:// and https:// addresses", scheme, "was not fetched"], "the refusal")?;
            eq(c.count("[data-testid=trace-list-item]")?, 0, &format!("nothing loaded from {scheme}"))?;
            clean(c, &format!("the refusal of {scheme}"))?;
        }
        Ok(())
    })();
    c.open("#/")?;
    c.browser.js("document.cookie = 'spanscope_session=; max-age=0; path=/'", vec![])?;
    result
}

fn headers_stay_home(c: &Ctx) -> Result<()> {
    const SECRET: &str = "h3ad3r-s3cr3t";
    let a = FixtureBackend::start(Flavor::Jaeger);
    let b = FixtureBackend::start(Flavor::Jaeger);
    let cfg = json!({"backends": [
        {"name": "a", "kind": "jaeger", "url": a.url(),
         "headers": {"Authorization": format!("Bearer {SECRET}"), "X-Scope-OrgID": format!("org-{SECRET}")}},
        {"name": "b", "kind": "jaeger", "url": b.url()},
    ]});
    let _scene = Scene::new(c, Some(cfg.to_string().into_bytes()), &[&a, &b]);
    let href_clean = |c: &Ctx, at: &str| -> Result<()> {
        let href = c.browser.js("return location.href", vec![])?;
        check(!href.as_str().unwrap_or_default().contains("s3cr3t"), format!("{at}: the secret is in the URL: {href}"))
    };
    let text = std::fs::read(crate::backend::fixtures_dir().join(JAEGER_OTLP[0])).map_err(|e| e.to_string())?;
    let id = spanscope_model::import(&text).map_err(|e| e.to_string())?.remove(0).id_text();
    let result = (|| -> Result<()> {
        c.open("#/search?backend=a&service=frontend")?;
        c.browser.wait("[data-testid=search-result]")?;
        href_clean(c, "a's search")?;
        c.open("#/search?backend=b&service=frontend")?;
        c.browser.wait("[data-testid=search-result]")?;
        href_clean(c, "b's search")?;
        c.open(&format!("#/trace/{id}?backend=a"))?;
        c.browser.wait("[data-testid=trace-header]")?;
        href_clean(c, "the trace from a")?;
        check(!text_of(c, "[data-testid=trace-header]")?.contains("s3cr3t"), "the header shows no secret")?;
        // Every export, read through a hook on URL.createObjectURL (the download's Blob).
        c.browser.js(
            "window.__exports = []; const orig = URL.createObjectURL; \
             URL.createObjectURL = function (b) { b.text().then(t => window.__exports.push(t)); return orig.call(URL, b); }",
            vec![],
        )?;
        for format in ["otlp", "jaeger", "csv"] {
            c.browser.js(
                "const s = document.querySelector('[data-testid=export]'); s.value = arguments[0]; \
                 s.dispatchEvent(new Event('change', {bubbles: true}))",
                vec![json!(format)],
            )?;
        }
        c.browser.wait_js("window.__exports.length === 3", "three exports")?;
        let exports = c.browser.js("return window.__exports", vec![])?;
        for e in exports.as_array().cloned().unwrap_or_default() {
            let e = e.as_str().unwrap_or_default();
            check(e.len() > 100, format!("an export with content: {}", short(e)))?;
            check(!e.contains("s3cr3t"), "an export holds the secret")?;
        }
        href_clean(c, "after the exports")?;
        // a got the headers on every GET; b never saw them, nor a preflight asking for them.
        let gets: Vec<_> = a.recorded().into_iter().filter(|r| r.method == "GET").collect();
        check(gets.len() >= 3, format!("a was asked: {:?}", a.requests()))?;
        for r in &gets {
            eq(r.header("authorization"), Some(format!("Bearer {SECRET}").as_str()), &format!("a: {}", r.line()))?;
        }
        check(b.recorded().iter().any(|r| r.method == "GET"), "b was asked")?;
        for r in b.recorded() {
            check(
                !r.headers.iter().any(|(k, v)| v.contains("s3cr3t") || k == "authorization" || k == "x-scope-orgid"),
                format!("b got a's headers on {}: {:?}", r.line(), r.headers),
            )?;
            let asked = r.header("access-control-request-headers").unwrap_or_default().to_ascii_lowercase();
            check(!asked.contains("authorization"), format!("b's preflight asks for Authorization: {}", r.line()))?;
        }
        for r in a.recorded().iter().chain(b.recorded().iter()) {
            check(!r.target.contains("s3cr3t"), format!("a secret in a request address: {}", r.line()))?;
        }
        Ok(())
    })();
    // The console, at every level: read (which empties it), checked, and the errors put back for the scene.
    let logs = c.browser.all_logs();
    for line in logs.iter().filter_map(|l| l.strip_prefix("SEVERE ")) {
        let _ = c.browser.js("console.error(arguments[0])", vec![json!(line)]);
    }
    result?;
    let leaked: Vec<&String> = logs.iter().filter(|l| l.contains("s3cr3t")).collect();
    check(leaked.is_empty(), format!("the console shows the secret: {leaked:?}"))
}

fn bad_url_parameters_are_named(c: &Ctx) -> Result<()> {
    let notices = |c: &Ctx| text_of(c, "[data-testid=param-notices]");
    let demo = "#/demo/checkout-incident";
    c.open(&format!("{demo}?zoom=abc"))?;
    c.browser.wait("[data-testid=span-row]")?;
    mentions(&notices(c)?, &["Ignored zoom=abc: expected two numbers between 0 and 1"], "zoom=abc")?;
    eq(c.count("[data-testid=minimap-window]")?, 0, "no zoom")?;
    c.open(&format!("{demo}?zoom=0.9,0.1"))?;
    mentions(&notices(c)?, &["Ignored zoom=0.9,0.1", "the first smaller"], "zoom=0.9,0.1")?;
    c.open(&format!("{demo}?span=zzz"))?;
    c.browser.wait("[data-testid=span-row]")?;
    mentions(&notices(c)?, &["Ignored span=zzz: this trace has no span with that id."], "span=zzz")?;
    eq(c.count("[data-testid=span-detail]")?, 0, "nothing selected")?;
    c.open(&format!("{demo}?view=nope&theme=evil"))?;
    c.browser.wait("[data-testid=span-row]")?;
    mentions(
        &notices(c)?,
        &[
            "Ignored view=nope: expected statistics, flamegraph or service-map",
            "Ignored theme=evil: expected light or dark",
        ],
        "view=nope&theme=evil",
    )?;
    c.browser.wait("[data-testid=view-tab][data-view=waterfall][aria-selected=true]")?;
    let theme = c.browser.js("return document.documentElement.dataset.theme", vec![])?;
    check(theme == json!("light") || theme == json!("dark"), format!("a real theme: {theme}"))?;
    // Dismissed, the notice goes.
    c.browser.click(&c.browser.wait("[data-testid=param-notices-dismiss]")?)?;
    c.browser.wait_js("!document.querySelector('[data-testid=param-notices]')", "the notice dismissed")?;
    // Editing the hash to another bad value says so again.
    go(c, &format!("{demo}?cp=maybe"))?;
    mentions(&notices(c)?, &["Ignored cp=maybe: expected 1 or 0."], "cp=maybe")?;
    // A hostile value is quoted as text, shortened.
    c.open(&format!("{demo}?view={}", percent_encode(IMG)))?;
    mentions(&notices(c)?, &["Ignored view=<img src=x onerror=\"window.__xss=1\">"], "a hostile view=")?;
    clean(c, "a hostile view= notice")?;
    // Good parameters give no notice.
    c.open(&format!("{demo}?zoom=0.1,0.3&view=statistics&theme=dark&cp=1&mode=only"))?;
    c.browser.wait("[data-testid=statistics]")?;
    eq(c.count("[data-testid=param-notice]")?, 0, "no notice for good parameters")?;
    // A trace id that is not one, and a backend that does not exist.
    c.open(&format!("#/trace/{}", percent_encode(SCRIPT)))?;
    mentions(
        &text_of(c, "[data-testid=not-found]")?,
        &[&format!("“{SCRIPT}” is not a trace id"), "16 or 32 hex digits"],
        "#/trace/<script>",
    )?;
    clean(c, "#/trace/<script>")?;
    c.open("#/trace/4bf92f3577b34da6a3ce929d0e0e4736?backend=unknown")?;
    mentions(&text_of(c, "[data-testid=load-error]")?, &["no backend called “unknown”"], "backend=unknown")?;
    // 100 KB of find text: taken as typed, matching nothing, the page alive.
    let big = "x".repeat(100_000);
    let t = std::time::Instant::now();
    c.open(&format!("{demo}?find={big}"))?;
    c.browser.wait("[data-testid=span-row]")?;
    c.browser.wait_js("document.querySelector('[data-testid=find-input]').value.length === 100000", "the find box")?;
    c.browser.wait_js(
        "!document.querySelector('[data-testid=find-match-count]') || document.querySelector('[data-testid=find-match-count]').innerText.trim() === '0'",
        "no match",
    )?;
    check(t.elapsed().as_secs() < 10, format!("100 KB of find= took {:?}", t.elapsed()))?;
    eq(c.count("[data-testid=fatal-error]")?, 0, "no fatal error")
}

fn bad_config_values_are_explained(c: &Ctx) -> Result<()> {
    let cases: &[(Value, &[&str])] = &[
        (json!({"backends": [{"name": 1, "kind": "jaeger", "url": "/j"}]}), &["backends[0]", "name", "number"]),
        (json!({"backends": {"name": "j"}}), &["backends", "array"]),
        (
            json!({"backends": [{"name": "j", "kind": "elastic", "url": "/j"}]}),
            &["\"elastic\"", "\"jaeger\", \"tempo\" or \"zipkin\""],
        ),
        (
            json!({"backends": [{"name": "j", "kind": "jaeger", "url": "javascript:alert(1)"}]}),
            &["backends[0]", "url", "uses `javascript:`; expected an http:// or https:// address"],
        ),
        (json!({"backends": [{"name": "j", "kind": "jaeger", "url": "file:///etc/passwd"}]}), &["uses `file:`"]),
        (
            json!({"backends": [{"name": "j", "kind": "jaeger", "url": "/j",
                                 "headers": {"Authorization": "Bearer x-s3cr3t\r\nX-Evil: 1"}}]}),
            &["header `Authorization`", "line break"],
        ),
        (
            json!({"backends": [{"name": "j", "kind": "jaeger", "url": "/j", "headers": {"Cookie": "a=b"}}]}),
            &["`Cookie`"],
        ),
        (json!({"backends": [{"name": IMG, "kind": SCRIPT, "url": "/j"}]}), &[SCRIPT]),
        (json!({"backends": [], "links": "https://x"}), &["links", "array"]),
    ];
    let _scene = Scene::new(c, None, &[]);
    for (cfg, parts) in cases {
        c.server.set_file("config.json", Some(cfg.to_string().into_bytes()));
        c.open("#/")?;
        let err = text_of(c, "[data-testid=config-error]")?;
        mentions(&err, parts, &format!("the error for {cfg}"))?;
        check(!err.contains("s3cr3t"), format!("the error quotes a header value: {err}"))?;
        clean(c, &format!("the error for {cfg}"))?;
    }
    Ok(())
}

fn imported_in_the_worker(c: &Ctx) -> Result<()> {
    let dir = scratch()?;
    let path =
        write(&dir, "worker.json", serde_json::to_string(&small_otlp(41)).map_err(|e| e.to_string())?.as_bytes())?;
    c.open("#/")?;
    c.upload(&[path])?;
    c.browser.wait("[data-testid=span-row]")?;
    // Only the worker's path reports its timings (read, parse, build, encode in the worker; decode here).
    let t = c.browser.js("return window.spanscopeLastImport || null", vec![])?;
    check(t["parse_ms"].is_number() && t["decode_ms"].is_number(), format!("the worker's timings: {t}"))?;
    eq(t["spans"].as_f64(), Some(2.0), "spans decoded on the page")?;
    eq(t["streamed_files"].as_f64(), Some(0.0), "a small file read whole")?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// Files over the whole-read limit (128 MB; lowered here to 1 KB) are parsed as a stream of chunks, as a 1M-span
/// file is: they import exactly as when read whole, and a broken one still names its file, and the JSON path of a
/// value of the wrong type.
fn streamed_into_the_worker(c: &Ctx) -> Result<()> {
    let dir = scratch()?;
    let zipkin = "zipkin/zipkin-lens_smartthings-mobile-web-install.json";
    let big = std::fs::read(c.fixtures.join(zipkin)).map_err(|e| format!("{zipkin}: {e}"))?;
    let want = spanscope_model::import(&big).map_err(|e| e.to_string())?;
    let big = write(&dir, "streamed.json", &big)?;
    let small =
        write(&dir, "small.json", serde_json::to_string(&small_otlp(42)).map_err(|e| e.to_string())?.as_bytes())?;
    let mut cut = std::fs::read(&big).map_err(|e| e.to_string())?;
    cut.truncate(cut.len() / 2);
    let cut = write(&dir, "cut-in-half.json", &cut)?;
    c.open("#/")?;
    c.browser.js("window.spanscopeWholeReadMaxBytes = 1024", vec![])?;
    c.upload(&[big, small])?;
    let spans = want[0].len() + 2;
    c.browser.wait_js(
        &format!("(window.spanscopeLastImport || {{}}).spans === {spans}"),
        "both files imported through the worker",
    )?;
    let t = c.browser.js("return window.spanscopeLastImport", vec![])?;
    eq(t["streamed_files"].as_f64(), Some(1.0), "the file over the limit streamed, the small one read whole")?;
    // A broken streamed file: the error names it and where the JSON ends; what was loaded stays.
    c.upload(&[cut])?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=load-error]')?.innerText.includes('cut-in-half.json')",
        "the cut file's error",
    )?;
    mentions(&text_of(c, "[data-testid=load-error]")?, &["cut-in-half.json", "line"], "the error for the cut file")?;
    // A value of the wrong type in a streamed file: named by its JSON path, as when read whole.
    let wrong = "jaeger/synthetic_wrong_type_start_time.json";
    let mut doc = std::fs::read(c.fixtures.join(wrong)).map_err(|e| format!("{wrong}: {e}"))?;
    doc.extend_from_slice(&[b' '; 2048]);
    let path = match spanscope_model::import(&doc) {
        Err(spanscope_model::ImportError::Shape { path, .. }) => path,
        other => return Err(format!("{wrong}: expected a shape error, got {other:?}")),
    };
    let wrong = write(&dir, "wrong-type.json", &doc)?;
    c.upload(&[wrong])?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=load-error]')?.innerText.includes('wrong-type.json')",
        "the wrong-type file's error",
    )?;
    mentions(&text_of(c, "[data-testid=load-error]")?, &["wrong-type.json", &path], "the error for the wrong type")?;
    let big_id = want[0].id_text();
    c.browser.wait(&format!("[data-testid=trace-history-item][data-trace-id='{big_id}']"))?;
    // OTLP whose `resource` comes after its spans: read again in two passes, and the progress bar says so.
    let doc = small_otlp(43);
    let rs = &doc["resourceSpans"][0];
    let mut late =
        format!(r#"{{"resourceSpans":[{{"scopeSpans":{},"resource":{}}}]}}"#, rs["scopeSpans"], rs["resource"])
            .into_bytes();
    late.resize(4096, b' ');
    let late = write(&dir, "late-resource.json", &late)?;
    c.open("#/")?;
    c.browser.js(
        "window.spanscopeWholeReadMaxBytes = 1024; window.__progress = []; new MutationObserver(() => { \
           const p = document.querySelector('[data-testid=load-progress]'); if (p) window.__progress.push(p.innerText); \
         }).observe(document.body, {childList: true, subtree: true, characterData: true});",
        vec![],
    )?;
    c.upload(&[late])?;
    let late_id = format!("{:032x}", 0x5ec1_0000_u64 + 43);
    // One trace loaded: the app opens it, its root named with the late resource's service.
    c.browser.wait_js(
        &format!(
            "document.body.innerText.includes('{late_id}') && document.body.innerText.includes('svc-43: op-43-1')"
        ),
        "the late-resource trace, its service applied in the second pass",
    )?;
    let seen = c.browser.js("return window.__progress.join(' | ')", vec![])?;
    let seen = seen.as_str().unwrap_or_default();
    check(
        seen.contains("parsing late-resource.json")
            && seen.contains("reading late-resource.json again")
            && seen.contains("building the trace tree")
            && !seen.contains("0 bytes of 0 bytes"),
        format!("the progress bar names the first pass, the second and the build (which has no size): {seen}"),
    )?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn backend_trace_in_the_worker(c: &Ctx) -> Result<()> {
    // A real 599 KB Zipkin answer (over the app's 512 KB threshold) and a small one; and the large one cut off.
    let file = "zipkin/zipkin-lens_smartthings-mobile-web-install.json";
    let large = std::fs::read(crate::backend::fixtures_dir().join(file)).map_err(|e| format!("{file}: {e}"))?;
    let trace = spanscope_model::import(&large).map_err(|e| e.to_string())?.remove(0);
    let (large_id, large_spans) = (format!("{:032x}", trace.id().value), trace.len());
    let service = trace.root_span().map(|r| trace.service(r).to_string()).unwrap_or_default();
    let large_again = large.clone();
    let small_id = "5ec0000000000000000000000000005a";
    let small = json!([{"traceId": small_id, "id": "00000000000000a1", "name": "small", "timestamp": 1_700_000_000_000_000_i64,
        "duration": 1_000, "localEndpoint": {"serviceName": "svc"}}]);
    let cut_id = "5ec0000000000000000000000000005b";
    let mut cut = large.clone();
    cut.truncate(large.len() - 40);
    let z = FixtureBackend::start(Flavor::Zipkin);
    z.set_file(&format!("/api/v2/trace/{small_id}"), Some(small.to_string().into_bytes()));
    // Zipkin is asked for a 64-bit id in its 16-digit form.
    z.set_file(&format!("/api/v2/trace/{}", &large_id[16..]), Some(large.clone()));
    z.set_file(&format!("/api/v2/trace/{large_id}"), Some(large));
    z.set_file(&format!("/api/v2/trace/{cut_id}"), Some(cut));
    let _scene = Scene::new(c, Some(config(&[("zip", "zipkin", &z)], None)), &[&z]);

    c.open(&format!("#/trace/{small_id}?backend=zip"))?;
    c.browser.wait("[data-testid=span-row]")?;
    let t = c.browser.js("return window.spanscopeLastImport || null", vec![])?;
    eq(t, Value::Null, "a small answer is imported on the page (no worker timings)")?;

    go(c, &format!("#/trace/{large_id}?backend=zip"))?;
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid=span-row]') && (window.spanscopeLastImport || {{}}).spans === {large_spans}"),
        "the large trace, imported in the worker",
    )
    .map_err(|e| {
        let page = c.browser.js("return [document.body.innerText.slice(0, 600), window.spanscopeLastImport || null]", vec![]);
        format!("{e}; the page: {page:?}")
    })?;
    let t = c.browser.js("return window.spanscopeLastImport", vec![])?;
    check(t["parse_ms"].is_number() && t["decode_ms"].is_number(), format!("the worker's timings: {t}"))?;

    // A search whose answer carries that trace whole (Zipkin sends full traces) is imported there too.
    z.set_file("/api/v2/traces", Some([b"[".as_slice(), &large_again, b"]"].concat()));
    c.browser.js("window.spanscopeLastImport = null", vec![])?;
    go(c, &format!("#/search?backend=zip&service={}", percent_encode(&service)))?;
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid=search-result]') && (window.spanscopeLastImport || {{}}).spans === {large_spans}"),
        "the search answer, imported in the worker",
    )?;
    eq(c.count("[data-testid=search-result]")?, 1, "search results")?;

    go(c, &format!("#/trace/{cut_id}?backend=zip"))?;
    c.browser.wait("[data-testid=remote-trace] [data-testid=load-error]")?;
    let err = text_of(c, "[data-testid=load-error]")?;
    mentions(&err, &["zip", "line", "column"], "the cut answer's error (backend, where)")?;
    go(c, "#/")?;
    c.browser.wait("[data-testid=landing]")?;
    eq(c.count("[data-testid=trace-history-item]")?, 2, "the two traces loaded before are still listed")?;
    eq(c.count("[data-testid=fatal-error]")?, 0, "no fatal error")?;
    Ok(())
}

fn too_large_a_file(c: &Ctx) -> Result<()> {
    let dir = scratch()?;
    let ok = write(&dir, "kept.json", serde_json::to_string(&small_otlp(42)).map_err(|e| e.to_string())?.as_bytes())?;
    // A sparse 3 GB file: larger than a tab can hold together with the trace built from it.
    let big = dir.join("huge-trace.json");
    let f = std::fs::File::create(&big).map_err(|e| e.to_string())?;
    f.set_len(3_000_000_000).map_err(|e| e.to_string())?;
    c.open("#/")?;
    c.upload(&[ok])?;
    c.browser.wait("[data-testid=span-row]")?;
    // Back to the start page in the same tab (a reload would drop what is loaded).
    c.browser.js("location.hash = '#/'", vec![])?;
    c.upload(&[big.display().to_string()])?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=load-error]')?.innerText.includes('huge-trace.json')",
        "the large file's error",
    )?;
    let err = text_of(c, "[data-testid=load-error]")?;
    mentions(&err, &["huge-trace.json", "3.00 GB", "at most"], "the message (file, size, limit)")?;
    eq(
        c.count(&format!("[data-testid=trace-history-item][data-trace-id='{:032x}']", 0x5ec1_0000_u64 + 42))?,
        1,
        "the trace loaded before is still listed",
    )?;
    eq(c.count("[data-testid=fatal-error]")?, 0, "no fatal error")?;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
