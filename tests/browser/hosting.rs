//! Browser scenarios for being linked into and hosted: the built site from a sub-path on a real static server
//! under a strict Content-Security-Policy, Grafana-shaped links, embed mode, a postMessage handoff from another
//! origin, and link templates (a hostile one never becomes a link).

use crate::backend::{fixtures_dir, FixtureBackend, Flavor, JAEGER_OTLP};
use crate::webdriver::{free_port, Result};
use crate::{check, eq, Ctx, Scenario};
use serde_json::json;
use std::process::{Child, Command, Stdio};

pub const SCENARIOS: &[Scenario] = &[
    ("hosting: a sub-path on a real static server, strict CSP, every URL form", sub_path_under_strict_csp),
    ("hosting: a Grafana data link opens the trace with its span selected and in view", grafana_data_link),
    ("hosting: a page on another origin hands over a trace with postMessage", post_message_handoff),
    ("hosting: link templates make values links; hostile ones never do", link_templates),
    (
        "hosting: a wasm module that does not load is explained on the page; Reload recovers",
        a_failed_start_explains_itself,
    ),
];

/// The policy the README documents (plus this test's origins).
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                       img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; \
                       form-action 'none'";

/// Python's http.server with a Content-Security-Policy header: a real static server, not the tests' own.
pub(crate) struct PythonServer {
    child: Child,
    pub(crate) port: u16,
    _root: std::path::PathBuf,
}

impl PythonServer {
    /// The directory the site is served from (a copy of `dist`, which a test may change).
    pub(crate) fn site_dir(&self) -> std::path::PathBuf {
        self._root.join("apps/spanscope")
    }
}

impl Drop for PythonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._root);
    }
}

const SERVER_PY: &str = r#"
import functools, http.server, sys
root, port, csp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
class H(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, '.wasm': 'application/wasm', '.js': 'text/javascript'}
    def end_headers(self):
        self.send_header('Content-Security-Policy', csp)
        super().end_headers()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(('127.0.0.1', port), functools.partial(H, directory=root)).serve_forever()
"#;

/// Copies `dist` to `<tmp>/apps/spanscope/` and serves `<tmp>` with python3.
pub(crate) fn python_server(dist: &std::path::Path) -> Result<PythonServer> {
    let root = std::env::temp_dir().join(format!("spanscope-subpath-{}", std::process::id()));
    let target = root.join("apps/spanscope");
    std::fs::create_dir_all(&target).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(dist).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.path().is_file() {
            std::fs::copy(entry.path(), target.join(entry.file_name())).map_err(|e| e.to_string())?;
        }
    }
    let port = free_port();
    let child = Command::new("python3")
        .args(["-c", SERVER_PY, &root.display().to_string(), &port.to_string(), CSP])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start python3 -m http.server: {e}"))?;
    // Wait until it answers.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(PythonServer { child, port, _root: root });
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Err("python3 http.server did not start".into())
}

/// Console lines about the Content-Security-Policy (violations are logged as errors).
pub(crate) fn csp_violations(c: &Ctx) -> Vec<String> {
    c.browser
        .severe_logs()
        .into_iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused"))
        .collect()
}

fn sub_path_under_strict_csp(c: &Ctx) -> Result<()> {
    let dist = c.dist.clone();
    let server = python_server(&dist)?;
    let base = format!("http://127.0.0.1:{}/apps/spanscope/", server.port);
    let t = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
    // The last span: far down, so "in view" means the list scrolled to it.
    let target = t.spans().last().ok_or("empty demo")?;
    let id = t.span_id_text(target);
    c.browser.goto("about:blank")?;
    let _ = c.browser.severe_logs();
    c.browser.goto(&format!("{base}#/demo/checkout-incident?span={id}&find=error%3Dtrue&theme=dark&embed=1"))?;
    let detail = c.browser.wait("[data-testid=span-detail]")?;
    eq(c.browser.attr(&detail, "data-span-id")?, Some(id.clone()), "span from the URL selected")?;
    c.browser.wait_js(
        &format!(
            "(() => {{ const r = document.querySelector('[data-testid=span-row][data-span-id=\"{id}\"]'); \
             const v = document.querySelector('.rows-viewport'); if (!r || !v) return false; \
             const a = r.getBoundingClientRect(), b = v.getBoundingClientRect(); return a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }})()"
        ),
        "the selected row scrolled into view",
    )
    .map_err(|e| {
        let rects = c.browser.js(
            &format!("const r = document.querySelector('[data-testid=span-row][data-span-id=\"{id}\"]'); \
             const v = document.querySelector('.rows-viewport'); \
             return JSON.stringify([r && r.getBoundingClientRect(), v.getBoundingClientRect(), v.scrollTop, v.clientHeight, innerHeight])"),
            vec![],
        );
        format!("{e}; row, viewport, scrollTop, clientHeight, innerHeight: {rects:?}")
    })?;
    eq(
        c.browser.js("return document.querySelector('[data-testid=find-input]').value", vec![])?,
        json!("error=true"),
        "find",
    )?;
    c.browser.wait_js("document.querySelector('[data-testid=find-match-count]')?.innerText === '2'", "matches")?;
    eq(c.browser.js("return document.documentElement.dataset.theme", vec![])?, json!("dark"), "theme")?;
    eq(c.count("[data-testid=app-nav]")?, 0, "embed mode hides the navigation")?;
    // The same site without embed shows it; the start page and config.json load from the sub-path.
    c.browser.goto(&format!("{base}#/"))?;
    c.browser.wait("[data-testid=app-nav]")?;
    c.browser.wait("[data-testid=backends]")?;
    c.browser.wait_js("!document.querySelector('[data-testid=config-error]')", "config.json read from the sub-path")?;
    let violations = csp_violations(c);
    check(violations.is_empty(), format!("no CSP violations: {violations:?}"))
}

fn grafana_data_link(c: &Ctx) -> Result<()> {
    let b = FixtureBackend::start(Flavor::Jaeger);
    let text = std::fs::read(fixtures_dir().join(JAEGER_OTLP[0])).map_err(|e| e.to_string())?;
    let t = spanscope_model::import(&text).map_err(|e| e.to_string())?.remove(0);
    let target = t.spans().last().ok_or("empty trace")?;
    // Grafana interpolates `${__value.raw}`: here upper case, as some sources write ids; the span as a param.
    let id = t.id_text().to_uppercase();
    let span = t.span_id_text(target).to_uppercase();
    let config = json!({"backends": [{"name": "prod jaeger", "kind": "jaeger", "url": b.url()}]});
    c.server.set_file("config.json", Some(config.to_string().into_bytes()));
    let result = (|| {
        c.open(&format!("#/trace/{id}?backend=prod%20jaeger&span={span}"))?;
        let header = c.browser.wait("[data-testid=trace-header]")?;
        eq(c.browser.attr(&header, "data-span-count")?, Some(t.len().to_string()), "span count")?;
        let detail = c.browser.wait("[data-testid=span-detail]")?;
        eq(c.browser.attr(&detail, "data-span-id")?, Some(t.span_id_text(target)), "span selected")?;
        c.browser.wait(&format!("[data-testid=span-row].selected[data-span-id='{}']", t.span_id_text(target)))?;
        // Changing the selection keeps backend= in the URL, so the link still works when copied.
        c.browser.wait_js("location.hash.includes('backend=prod%20jaeger')", "backend kept in the URL")
    })();
    c.server.set_file("config.json", None);
    let _ = c.browser.severe_logs();
    result
}

const PARENT_HTML: &str = r#"<!doctype html><meta charset="utf-8"><title>handoff</title>
<p id="status">waiting</p><iframe id="app" width="1200" height="800"></iframe>
<script>
const app = document.getElementById('app');
const status = document.getElementById('status');
const appOrigin = new URL(APP_URL).origin;
window.addEventListener('message', async (ev) => {
  if (ev.origin !== appOrigin) return;
  const t = ev.data && ev.data.type;
  if (t === 'spanscope:ready') { status.textContent = 'ready'; app.contentWindow.postMessage({type: 'spanscope:ping'}, appOrigin); }
  if (t === 'spanscope:pong') {
    status.textContent = 'pong';
    const data = await (await fetch('/trace.json')).text();
    app.contentWindow.postMessage({type: 'spanscope:trace', name: 'handed.json', data}, appOrigin);
  }
  if (t === 'spanscope:loaded') status.textContent = 'loaded ' + ev.data.traces;
  if (t === 'spanscope:error') status.textContent = 'error ' + ev.data.message;
});
app.src = APP_URL;
</script>"#;

fn post_message_handoff(c: &Ctx) -> Result<()> {
    let parent = FixtureBackend::start(Flavor::Zipkin);
    let trace = std::fs::read(c.fixture("zipkin/zipkin-lens_yelp.json")).map_err(|e| e.to_string())?;
    let app_url = c.server.url("/#/");
    parent.set_file("/trace.json", Some(trace));
    parent.set_file("/parent.html", Some(PARENT_HTML.replace("APP_URL", &format!("{app_url:?}")).into_bytes()));
    c.browser.goto(&format!("{}/parent.html", parent.url()))?;
    c.browser.wait_js("document.getElementById('status').textContent === 'loaded 1'", "the app answered: loaded 1")?;
    c.browser.switch_to_frame(0)?;
    let result = (|| {
        let header = c.browser.wait("[data-testid=trace-header]")?;
        eq(c.browser.attr(&header, "data-span-count")?, Some("16".to_string()), "the handed trace opened")?;
        let text = c.browser.text(&header)?;
        check(
            text.contains(&format!("handed.json (from {})", parent.url())),
            format!("the header names the sending origin: {text}"),
        )
    })();
    c.browser.switch_to_parent()?;
    result
}

fn link_templates(c: &Ctx) -> Result<()> {
    let config = json!({"backends": [], "links": [
        {"key": "user.id", "url": "https://logs.example/search?q=user.id%3D#{user.id}&trace=#{trace_id}", "text": "Logs of #{user.id}"},
        {"key": "user.id", "url": "javascript:alert(document.domain)"},
        {"key": "order.id", "url": "#{order.id}"},
    ]});
    c.server.set_file("config.json", Some(config.to_string().into_bytes()));
    let result = (|| {
        c.open("#/")?;
        c.browser
            .wait_js("document.querySelectorAll('[data-testid=config-note]').length === 2", "two templates refused")?;
        let t = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
        let s = t.spans().find(|&s| t.attribute(s, "user.id").is_some()).ok_or("no user.id")?;
        c.open(&format!("#/demo/checkout-incident?span={}", t.span_id_text(s)))?;
        let link = c.browser.wait("[data-testid=span-attributes] [data-key='user.id'] [data-testid=attr-link]")?;
        eq(
            c.browser.attr(&link, "href")?,
            Some(format!("https://logs.example/search?q=user.id%3D12345&trace={}", t.id_text())),
            "the link",
        )?;
        eq(c.browser.text(&link)?, "↗ Logs of 12345".to_string(), "its text")?;
        eq(c.browser.attr(&link, "rel")?, Some("noopener noreferrer".to_string()), "rel")?;
        eq(c.count("[data-testid=attr-link]")?, 1, "only the http template became a link")?;
        eq(
            c.browser.js("return [...document.querySelectorAll('a')].filter(a => !/^(https?:|#)/.test(a.getAttribute('href') || '#')).length", vec![])?,
            json!(0),
            "no link with another scheme anywhere",
        )
    })();
    c.server.set_file("config.json", None);
    result
}

/// A browser that cannot compile the module (one without WebAssembly SIMD, say) or a wasm file that is not the one
/// the page expects (a redeploy while it loaded) must not leave a blank page: the start-up script says what
/// failed, under the strict policy, and its Reload starts the app once the module is right again.
fn a_failed_start_explains_itself(c: &Ctx) -> Result<()> {
    let server = python_server(&c.dist)?;
    let base = format!("http://127.0.0.1:{}/apps/spanscope/", server.port);
    let wasm = std::fs::read_dir(server.site_dir())
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or("no wasm file in the site")?;
    let good = std::fs::read(&wasm).map_err(|e| e.to_string())?;
    c.browser.goto("about:blank")?;
    let earlier = c.browser.severe_logs();
    let result = (|| -> Result<()> {
        std::fs::write(&wasm, b"this is not a WebAssembly module").map_err(|e| e.to_string())?;
        c.browser.goto(&format!("{base}#/"))?;
        let banner = c.browser.wait("[data-testid=start-error]")?;
        eq(c.browser.attr(&banner, "role")?, Some("alert".to_string()), "the banner's role")?;
        let text = c.browser.text(&banner)?;
        for part in ["could not start", "WebAssembly module did not load", "SIMD", "Reload", "CompileError"] {
            check(text.contains(part), format!("the start-up banner should mention {part:?}: {text}"))?;
        }
        eq(c.count("[data-testid=fatal-error]")?, 0, "no internal-error banner")?;
        eq(c.count("[data-testid=app-nav]")?, 0, "the app did not start")?;
        // The module is right again (the deploy finished): Reload starts the app.
        std::fs::write(&wasm, &good).map_err(|e| e.to_string())?;
        // A later modification time, as a deploy gives it: http.server's dates have whole seconds, and one equal
        // to the broken file's would answer the browser's revalidation with 304 (keep the broken one).
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&wasm)
            .and_then(|f| f.set_modified(later))
            .map_err(|e| e.to_string())?;
        c.browser.js("window.__beforeReload = 1", vec![])?;
        c.browser.click(&c.browser.wait("[data-testid=start-error] button")?)?;
        c.browser.wait_js("window.__beforeReload === undefined", "Reload reloads the page")?;
        c.browser.wait("[data-testid=app-nav]")?;
        eq(c.count("[data-testid=start-error]")?, 0, "no start-up banner after the reload")?;
        let violations = csp_violations(c);
        check(violations.is_empty(), format!("no CSP violations: {violations:?}"))
    })();
    c.drop_expected_logs(earlier);
    drop(server);
    result
}
