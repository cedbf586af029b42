//! A small WebDriver (W3C) client over chromedriver, and a static file server for the built site. Enough to
//! drive headless Chromium the way a person uses the app: open a page, wait for what they would see, click,
//! type, read text and attributes.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a `wait_*` call polls before failing.
pub const WAIT: Duration = Duration::from_secs(15);

pub type Result<T> = std::result::Result<T, String>;

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("no free port on 127.0.0.1")
}

/// Files served instead of (or besides) the directory's, by path below the prefix (e.g. `config.json`).
type Overrides = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// Serves a directory over HTTP on 127.0.0.1 (one thread per connection). Files live under `prefix`
/// (e.g. `/` or `/some/sub/path/`), as on a static host.
pub struct StaticServer {
    pub port: u16,
    overrides: Overrides,
}

impl StaticServer {
    pub fn start(root: PathBuf, prefix: &'static str) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind static server");
        let port = listener.local_addr().unwrap().port();
        let overrides = Overrides::default();
        let shared = overrides.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let overrides = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve_one(stream, &root, prefix, &overrides);
                });
            }
        });
        StaticServer { port, overrides }
    }

    /// Serves `bytes` at `path` (below the prefix, e.g. `config.json`) instead of the file on disk; `None` goes
    /// back to the file.
    pub fn set_file(&self, path: &str, bytes: Option<Vec<u8>>) {
        let mut o = self.overrides.lock().unwrap();
        match bytes {
            Some(b) => o.insert(path.trim_start_matches('/').to_string(), b),
            None => o.remove(path.trim_start_matches('/')),
        };
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }
}

fn serve_one(mut stream: TcpStream, root: &Path, prefix: &str, overrides: &Overrides) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").split(['?', '#']).next().unwrap_or("/");
    let rel = path.strip_prefix(prefix).or_else(|| path.strip_prefix(prefix.trim_end_matches('/')));
    let file = rel.map(|r| if r.is_empty() || r.ends_with('/') { format!("{r}index.html") } else { r.to_string() });
    let body = file.filter(|f| !f.contains("..")).and_then(|f| {
        let over = overrides.lock().unwrap().get(f.trim_start_matches('/')).cloned();
        over.or_else(|| std::fs::read(root.join(f.trim_start_matches('/'))).ok()).map(|b| (f, b))
    });
    match body {
        Some((f, b)) => {
            let ctype = match f.rsplit('.').next() {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("json") => "application/json",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                _ => "application/octet-stream",
            };
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                b.len()
            )?;
            stream.write_all(&b)?;
        }
        None => {
            let msg = b"not found";
            write!(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", msg.len())?;
            stream.write_all(msg)?;
        }
    }
    stream.flush()
}

/// chromedriver plus one headless Chromium session.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    pub fn start() -> Result<Browser> {
        Browser::start_with(&[])
    }

    /// Starts with extra Chromium switches (the benchmark adds `--enable-precise-memory-info`).
    pub fn start_with(extra_args: &[&str]) -> Result<Browser> {
        let chromedriver = which("chromedriver")
            .ok_or("chromedriver not found: run `make test` (scripts/setup installs chromium-driver)")?;
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|n| which(n))
            .ok_or("chromium not found: run `make test` (scripts/setup installs chromium)")?;
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start chromedriver: {e}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = ureq::get(&format!("{base}/status")).call() {
                if r.into_json::<Value>().map(|v| v["value"]["ready"] == json!(true)).unwrap_or(false) {
                    break;
                }
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not become ready in 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("spanscope-chromium-{}-{port}", std::process::id()));
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1400,1400",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": args
                }
            }}
        });
        let mut b = Browser { driver, base, session: String::new(), _profile: TempDir(profile) };
        let v = b.post_raw("/session", caps)?;
        b.session = v["value"]["sessionId"].as_str().ok_or(format!("no session id in {v}"))?.to_string();
        Ok(b)
    }

    fn post_raw(&self, path: &str, body: Value) -> Result<Value> {
        let r = ureq::post(&format!("{}{}", self.base, path)).send_json(body);
        match r {
            Ok(r) => r.into_json::<Value>().map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("webdriver {path}: HTTP {code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(format!("webdriver {path}: {e}")),
        }
    }

    fn post(&self, path: &str, body: Value) -> Result<Value> {
        let v = self.post_raw(&format!("/session/{}{}", self.session, path), body)?;
        Ok(v["value"].clone())
    }

    fn get(&self, path: &str) -> Result<Value> {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        match ureq::get(&url).call() {
            Ok(r) => r.into_json::<Value>().map(|v| v["value"].clone()).map_err(|e| e.to_string()),
            Err(ureq::Error::Status(code, r)) => {
                Err(format!("webdriver {path}: HTTP {code}: {}", r.into_string().unwrap_or_default()))
            }
            Err(e) => Err(format!("webdriver {path}: {e}")),
        }
    }

    pub fn goto(&self, url: &str) -> Result<()> {
        self.post("/url", json!({ "url": url }))?;
        Ok(())
    }

    /// Runs a script (a function body; `arguments` holds `args`) and returns its result.
    pub fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
    }

    /// Runs an asynchronous script: its last argument is a callback to call with the result. Waits up to
    /// `timeout` for it.
    #[allow(dead_code)] // used by the browser benchmark (benches/browser.rs includes this file)
    pub fn js_async(&self, script: &str, args: Vec<Value>, timeout: Duration) -> Result<Value> {
        self.post("/timeouts", json!({ "script": timeout.as_millis() as u64 }))?;
        self.post("/execute/async", json!({ "script": script, "args": args }))
    }

    /// Elements matching a CSS selector, now.
    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let v = self.post("/elements", json!({ "using": "css selector", "value": css }))?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        e.as_object()
                            .and_then(|o| o.values().next())
                            .and_then(|x| x.as_str())
                            .map(|id| Element { id: id.to_string() })
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until at least one element matches, and returns the first.
    pub fn wait(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(e) = self.find_all(css)?.into_iter().next() {
                return Ok(e);
            }
            if Instant::now() > deadline {
                let body = self
                    .js("return document.body ? document.body.innerText.slice(0, 600) : ''", vec![])
                    .unwrap_or_default();
                return Err(format!("nothing matched `{css}` within {WAIT:?}; the page said: {body}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `cond` (a JS expression) is truthy.
    pub fn wait_js(&self, cond: &str, what: &str) -> Result<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.js(&format!("return !!({cond})"), vec![])? == json!(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {what} ({cond})"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&self, e: &Element) -> Result<()> {
        self.post(&format!("/element/{}/click", e.id), json!({}))?;
        Ok(())
    }

    pub fn attr(&self, e: &Element, name: &str) -> Result<Option<String>> {
        let v = self.get(&format!("/element/{}/attribute/{}", e.id, name))?;
        Ok(v.as_str().map(str::to_string))
    }

    pub fn text(&self, e: &Element) -> Result<String> {
        Ok(self.get(&format!("/element/{}/text", e.id))?.as_str().unwrap_or_default().to_string())
    }

    /// Types into an element (for a file input: a local path to upload).
    pub fn send_keys(&self, e: &Element, text: &str) -> Result<()> {
        self.post(&format!("/element/{}/value", e.id), json!({ "text": text }))?;
        Ok(())
    }

    /// Presses keys on the focused element (WebDriver key codes such as "\u{E015}" for ArrowDown).
    pub fn keys(&self, keys: &str) -> Result<()> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [json!({"type": "keyDown", "value": c.to_string()}), json!({"type": "keyUp", "value": c.to_string()})]
            })
            .collect();
        self.post("/actions", json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }))?;
        Ok(())
    }

    /// Resizes the browser window (outer size, CSS pixels).
    #[allow(dead_code)] // not used by the browser benchmark (benches/browser.rs includes this file)
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.post("/window/rect", json!({ "width": width, "height": height }))?;
        Ok(())
    }

    /// Moves into the `index`-th frame of the current page (WebDriver commands then act inside it).
    pub fn switch_to_frame(&self, index: u32) -> Result<()> {
        self.post("/frame", json!({ "id": index }))?;
        Ok(())
    }

    /// Back to the top-level page.
    pub fn switch_to_parent(&self) -> Result<()> {
        self.post("/frame", json!({ "id": null }))?;
        Ok(())
    }

    /// Presses `key` while holding `modifier` (e.g. "\u{E008}" Shift).
    pub fn chord(&self, modifier: &str, key: &str) -> Result<()> {
        let actions = json!([
            {"type": "keyDown", "value": modifier}, {"type": "keyDown", "value": key},
            {"type": "keyUp", "value": key}, {"type": "keyUp", "value": modifier},
        ]);
        self.post("/actions", json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] }))?;
        Ok(())
    }

    /// Presses the left button at `from` and releases it at `to`, both offsets in CSS pixels from the centre of
    /// the first element matching `css`, moving in a few steps (as a hand would).
    pub fn drag(&self, css: &str, from: (i64, i64), to: (i64, i64)) -> Result<()> {
        self.drag_as("mouse", css, from, to)
    }

    /// [`Self::drag`] with another WebDriver pointer type: `"touch"` (a finger) or `"pen"`.
    pub fn drag_as(&self, pointer_type: &str, css: &str, from: (i64, i64), to: (i64, i64)) -> Result<()> {
        let rect = self.js(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]",
            vec![json!(css)],
        )?;
        let cx = rect[0].as_f64().unwrap_or(0.0) as i64;
        let cy = rect[1].as_f64().unwrap_or(0.0) as i64;
        let (from, to) = ((cx + from.0, cy + from.1), (cx + to.0, cy + to.1));
        let origin = "viewport";
        let mut actions = vec![
            json!({"type": "pointerMove", "duration": 0, "origin": origin, "x": from.0, "y": from.1}),
            json!({"type": "pointerDown", "button": 0}),
        ];
        for k in 1..=4 {
            let x = from.0 + (to.0 - from.0) * k / 4;
            let y = from.1 + (to.1 - from.1) * k / 4;
            actions.push(json!({"type": "pointerMove", "duration": 20, "origin": origin, "x": x, "y": y}));
        }
        actions.push(json!({"type": "pointerUp", "button": 0}));
        self.post(
            "/actions",
            json!({ "actions": [{ "type": "pointer", "id": pointer_type, "parameters": {"pointerType": pointer_type}, "actions": actions }] }),
        )?;
        Ok(())
    }

    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let v = self.get("/screenshot")?;
        let b64 = v.as_str().ok_or("no screenshot data")?;
        let bytes = spanscope_model::base64::decode(b64).ok_or("bad screenshot base64")?;
        std::fs::write(path, bytes).map_err(|e| e.to_string())
    }

    /// The browser log since the last read, as `(level, message)` (reading empties it).
    fn read_log(&self) -> Vec<(String, String)> {
        let url = format!("{}/session/{}/se/log", self.base, self.session);
        let Ok(r) = ureq::post(&url).send_json(json!({ "type": "browser" })) else { return Vec::new() };
        let v: Value = r.into_json().unwrap_or_default();
        v["value"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or("?").to_string(),
                            e["message"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Everything the page logged since the last read, at any level, as `LEVEL message` (reading empties the
    /// log, so SEVERE lines read here are not seen by [`Browser::severe_logs`]).
    pub fn all_logs(&self) -> Vec<String> {
        self.read_log().into_iter().map(|(level, message)| format!("{level} {message}")).collect()
    }

    /// Messages the page logged at level SEVERE (uncaught errors, panics).
    pub fn severe_logs(&self) -> Vec<String> {
        self.read_log().into_iter().filter(|(level, _)| level == "SEVERE").map(|(_, m)| m).collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A found element.
#[derive(Clone, Debug)]
pub struct Element {
    id: String,
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|f| f.is_file()))
}
