//! Browser tests: the built site (`dist/`, from `make dist`) served on a free loopback port, driven in headless
//! Chromium through chromedriver, asserting on what a person sees. Runs every scenario in one browser, prints a
//! line per scenario and a closing summary (`browser: N passed, N failed`), and exits non-zero on any failure.
//!
//! Run with `make test` (which builds the site first), or `SPANSCOPE_DIST=dist cargo test --test browser`.

mod webdriver;

use serde_json::{json, Value};
use std::path::PathBuf;
use webdriver::{Browser, Result, StaticServer};

/// Everything a scenario needs.
struct Ctx {
    browser: Browser,
    server: StaticServer,
    fixtures: PathBuf,
}

impl Ctx {
    /// Opens the app at `hash` in a fresh page (state from earlier scenarios does not leak in).
    fn open(&self, hash: &str) -> Result<()> {
        self.browser.goto("about:blank")?;
        self.browser.goto(&self.server.url(&format!("/{hash}")))?;
        self.browser.wait("[data-testid=app]")?;
        Ok(())
    }

    fn count(&self, css: &str) -> Result<usize> {
        Ok(self.browser.find_all(css)?.len())
    }

    fn attr_count(&self, css: &str, name: &str) -> Result<String> {
        let e = self.browser.wait(css)?;
        self.browser.attr(&e, name)?.ok_or(format!("`{css}` has no attribute {name}"))
    }

    fn fixture(&self, rel: &str) -> String {
        self.fixtures.join(rel).display().to_string()
    }

    /// Uploads files through the landing page's file input, as a person picking them would.
    fn upload(&self, paths: &[String]) -> Result<()> {
        let input = self.browser.wait("[data-testid=file-input]")?;
        self.browser.send_keys(&input, &paths.join("\n"))
    }
}

fn check(cond: bool, what: impl Into<String>) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(what.into())
    }
}

fn eq<T: PartialEq + std::fmt::Debug>(got: T, want: T, what: &str) -> Result<()> {
    check(got == want, format!("{what}: got {got:?}, want {want:?}"))
}

// ---- scenarios ----

fn landing_offers_demos_and_a_drop_zone(c: &Ctx) -> Result<()> {
    c.open("#/")?;
    c.browser.wait("[data-testid=landing]")?;
    c.browser.wait("[data-testid=drop-zone]")?;
    check(c.count("[data-testid=demo-trace]")? >= 2, "at least two demo entries")?;
    let text = c.browser.text(&c.browser.wait("[data-testid=landing]")?)?;
    check(text.contains("Open a demo trace"), "the landing page says “Open a demo trace”")
}

fn demo_opens_into_a_waterfall(c: &Ctx) -> Result<()> {
    c.open("#/")?;
    let demo = c.browser.wait("[data-testid=demo-trace][data-demo=checkout-incident]")?;
    c.browser.click(&demo)?;
    let header = c.browser.wait("[data-testid=trace-header]")?;
    eq(c.browser.attr(&header, "data-span-count")?.as_deref(), Some("28"), "span count")?;
    eq(c.browser.attr(&header, "data-service-count")?.as_deref(), Some("3"), "service count")?;
    eq(c.browser.attr(&header, "data-error-count")?.as_deref(), Some("2"), "error count")?;
    eq(c.browser.attr(&header, "data-depth")?.as_deref(), Some("4"), "depth")?;
    eq(c.browser.attr(&header, "data-duration-us")?.as_deref(), Some("4182400"), "duration")?;
    eq(c.browser.attr(&header, "data-trace-id")?.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"), "trace id")?;
    c.browser.wait("[data-testid=span-row]")?;
    eq(c.count("[data-testid=span-row]")?, 28, "rows shown (all fit)")?;
    let title = c.browser.text(&header)?;
    check(
        title.contains("order-service: POST /api/orders/{orderId}/checkout"),
        format!("header names the root: {title}"),
    )?;
    // Rows are a treegrid for screen readers.
    c.browser.wait("[role=treegrid] [role=row][aria-level='1']")?;
    Ok(())
}

fn selecting_a_span_shows_its_attributes(c: &Ctx) -> Result<()> {
    c.open("#/demo/checkout-incident")?;
    let first = c.browser.wait("[data-testid=span-row]")?;
    let id = c.browser.attr(&first, "data-span-id")?.unwrap_or_default();
    c.browser.click(&first)?;
    let detail = c.browser.wait("[data-testid=span-detail]")?;
    eq(c.browser.attr(&detail, "data-span-id")?, Some(id.clone()), "detail is the clicked span")?;
    let user = c.browser.wait("[data-testid=span-attributes] [data-testid=attr-row][data-key='user.id']")?;
    let text = c.browser.text(&user)?;
    check(text.contains("12345"), format!("user.id row shows 12345: {text}"))?;
    // The selection is in the URL.
    let hash = c.browser.js("return location.hash", vec![])?;
    check(hash.as_str().unwrap_or_default().contains(&format!("span={id}")), format!("URL carries the span: {hash}"))?;
    // An error span shows its status and the exception event.
    let err_row = c.browser.wait("[data-testid=span-row].error:nth-of-type(n)")?;
    let _ = err_row;
    let rows = c.browser.find_all("[data-testid=span-row].error")?;
    check(rows.len() == 2, format!("two error rows, got {}", rows.len()))?;
    c.browser.click(&rows[1])?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=span-detail]').innerText.includes('DiscountRuleNotFound')",
        "the error message in the detail",
    )?;
    c.browser.wait("[data-testid=span-events]")?;
    Ok(())
}

fn collapse_and_expand(c: &Ctx) -> Result<()> {
    c.open("#/demo/checkout-incident")?;
    c.browser.wait("[data-testid=span-row]")?;
    // Collapse the root: only it remains, with its hidden-descendant count.
    let toggle = c.browser.wait("[data-testid=span-row] [data-testid=row-toggle]")?;
    c.browser.click(&toggle)?;
    c.browser.wait_js(
        "document.querySelectorAll('[data-testid=span-row]').length === 1",
        "one row after collapsing the root",
    )?;
    let row = c.browser.wait("[data-testid=span-row]")?;
    check(c.browser.text(&row)?.contains("+27"), "collapsed root shows +27 hidden")?;
    c.browser.click(&c.browser.wait("[data-testid=expand-all]")?)?;
    c.browser
        .wait_js("document.querySelectorAll('[data-testid=span-row]').length === 28", "28 rows after expand all")?;
    c.browser.click(&c.browser.wait("[data-testid=collapse-all]")?)?;
    c.browser
        .wait_js("document.querySelectorAll('[data-testid=span-row]').length === 1", "1 row after collapse all")?;
    Ok(())
}

fn keyboard_moves_the_selection(c: &Ctx) -> Result<()> {
    c.open("#/demo/checkout-incident")?;
    c.browser.wait("[data-testid=span-row]")?;
    c.browser.js("document.querySelector('.rows-viewport').focus()", vec![])?;
    const DOWN: &str = "\u{E015}";
    const LEFT: &str = "\u{E012}";
    const ESC: &str = "\u{E00C}";
    c.browser.keys(&format!("{DOWN}{DOWN}"))?;
    let ids: Vec<Value> = c
        .browser
        .js("return [...document.querySelectorAll('[data-testid=span-row]')].map(r => r.dataset.spanId)", vec![])?
        .as_array()
        .cloned()
        .unwrap_or_default();
    let second = ids.get(1).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid=span-detail]')?.dataset.spanId === '{second}'"),
        "↓↓ selects the second row",
    )?;
    // ← on an expanded span collapses it; the rows shrink.
    c.browser.keys(LEFT)?;
    c.browser
        .wait_js("document.querySelectorAll('[data-testid=span-row]').length === 27", "← collapses `load order`")?;
    c.browser.keys(ESC)?;
    c.browser.wait_js("!document.querySelector('[data-testid=span-detail]')", "Esc closes the detail")?;
    Ok(())
}

fn a_copied_url_restores_the_selection(c: &Ctx) -> Result<()> {
    c.open("#/demo/storefront")?;
    let rows = c.browser.find_all("[data-testid=span-row]")?;
    let row = rows.get(5).ok_or("fewer than 6 rows")?;
    let id = c.browser.attr(row, "data-span-id")?.unwrap_or_default();
    c.open(&format!("#/demo/storefront?span={id}"))?;
    let detail = c.browser.wait("[data-testid=span-detail]")?;
    eq(c.browser.attr(&detail, "data-span-id")?, Some(id), "selection restored from the URL")
}

fn selecting_keeps_the_page_and_the_hash_drives_the_selection(c: &Ctx) -> Result<()> {
    c.open("#/demo/storefront")?;
    let rows = c.browser.find_all("[data-testid=span-row]")?;
    check(rows.len() > 8, "rows shown")?;
    // Mark the page: a selection must update it in place, not build a new one.
    c.browser.js("document.querySelector('.trace-page').dataset.marker = 'kept'", vec![])?;
    c.browser.click(&rows[3])?;
    c.browser.wait("[data-testid=span-detail]")?;
    eq(
        c.browser.js("return document.querySelector('.trace-page').dataset.marker ?? null", vec![])?,
        json!("kept"),
        "the trace page survives a selection",
    )?;
    // Editing the hash (or going back) moves the selection.
    let other = c.browser.attr(&rows[7], "data-span-id")?.unwrap_or_default();
    c.browser.js(&format!("location.hash = '#/demo/storefront?span={other}'"), vec![])?;
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid=span-detail]')?.dataset.spanId === '{other}'"),
        "the selection follows the hash",
    )
}

fn only_rows_in_view_exist(c: &Ctx) -> Result<()> {
    c.open("#/demo/storefront")?;
    let header = c.browser.wait("[data-testid=trace-header]")?;
    let total: usize = c.browser.attr(&header, "data-span-count")?.unwrap_or_default().parse().unwrap_or(0);
    let shown = c.count("[data-testid=span-row]")?;
    check(shown > 10 && shown < total, format!("virtualized: {shown} rows in the DOM for {total} spans"))?;
    // Scroll to the bottom: the last span's row appears, the first leaves.
    c.browser.js("const v = document.querySelector('.rows-viewport'); v.scrollTop = v.scrollHeight;", vec![])?;
    c.browser.wait_js(
        "[...document.querySelectorAll('[data-testid=span-row]')].some(r => r.innerText.includes('POST /v3/mail/send'))",
        "the last rows after scrolling",
    )?;
    Ok(())
}

fn a_dropped_file_opens_and_a_bad_one_explains_itself(c: &Ctx) -> Result<()> {
    c.open("#/")?;
    c.upload(&[c.fixture("otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json")])?;
    let header = c.browser.wait("[data-testid=trace-header]")?;
    eq(c.browser.attr(&header, "data-span-count")?.as_deref(), Some("40"), "HotROD span count")?;
    // Two files, one broken: the good one is listed, the bad one names its problem.
    c.open("#/")?;
    let bad = std::env::temp_dir().join(format!("spanscope-truncated-{}.json", std::process::id()));
    std::fs::write(&bad, br#"{"data":[{"traceID":"abc","spans":[{"spanID""#).map_err(|e| e.to_string())?;
    c.upload(&[c.fixture("zipkin/zipkin-lens_yelp.json"), bad.display().to_string()])?;
    c.browser.wait("[data-testid=file-outcome][data-status=error]")?;
    c.browser.wait("[data-testid=file-outcome][data-status=ok]")?;
    let err = c.browser.text(&c.browser.wait("[data-testid=load-error]")?)?;
    check(
        err.contains("spanscope-truncated") && err.contains("line"),
        format!("the error names the file and where: {err}"),
    )?;
    let item = c.browser.wait("[data-testid=trace-list-item]")?;
    eq(c.browser.attr(&item, "data-span-count")?.as_deref(), Some("16"), "the good file's trace is listed")?;
    let _ = std::fs::remove_file(bad);
    Ok(())
}

fn a_file_with_several_traces_lists_them_all(c: &Ctx) -> Result<()> {
    c.open("#/")?;
    c.upload(&[c.fixture("otlp/jaeger_memory_otel_traces_01.json")])?;
    c.browser.wait("[data-testid=file-outcome][data-status=ok]")?;
    let ids: Value = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=trace-list-item]')].map(e => [e.dataset.traceId, e.dataset.spanCount]).sort()",
        vec![],
    )?;
    eq(
        ids,
        json!([["00000000000000010000000000000000", "2"], ["00000000000000020000000000000000", "2"]]),
        "both traces listed with their span counts",
    )?;
    // Picking one opens it.
    c.browser.click(&c.browser.wait("[data-testid=trace-list-item] a")?)?;
    c.browser.wait("[data-testid=trace-header]")?;
    Ok(())
}

fn a_large_trace_opens_with_only_a_window_of_rows(c: &Ctx) -> Result<()> {
    let spans = 50_000;
    let trace = spanscope_model::synth::generate(&spanscope_model::synth::SynthOptions {
        spans,
        seed: 7,
        ..Default::default()
    });
    let path = std::env::temp_dir().join(format!("spanscope-large-{}.json", std::process::id()));
    std::fs::write(&path, trace.to_json(spanscope_model::Format::Jaeger)).map_err(|e| e.to_string())?;
    c.open("#/")?;
    let t = std::time::Instant::now();
    c.upload(&[path.display().to_string()])?;
    let header = c.browser.wait("[data-testid=trace-header]")?;
    println!(
        "browser:       {spans} spans (Jaeger, {} MB) opened in {:.2}s",
        std::fs::metadata(&path).map(|m| m.len() / 1_000_000).unwrap_or(0),
        t.elapsed().as_secs_f64()
    );
    eq(c.browser.attr(&header, "data-span-count")?, Some(spans.to_string()), "span count")?;
    let rows = c.count("[data-testid=span-row]")?;
    check(rows > 10 && rows < 120, format!("{rows} rows in the DOM for {spans} spans"))?;
    c.browser.click(&c.browser.wait("[data-testid=collapse-all]")?)?;
    c.browser.wait_js("document.querySelectorAll('[data-testid=span-row]').length === 1", "collapse all")?;
    c.browser.click(&c.browser.wait("[data-testid=expand-all]")?)?;
    c.browser.js("const v = document.querySelector('.rows-viewport'); v.scrollTop = v.scrollHeight;", vec![])?;
    c.browser.wait_js(
        "document.querySelectorAll('[data-testid=span-row]').length > 10 && document.querySelectorAll('[data-testid=span-row]').length < 120",
        "a window of rows at the bottom",
    )?;
    let _ = std::fs::remove_file(path);
    Ok(())
}

fn clock_skew_adjustment_switches_off_and_on(c: &Ctx) -> Result<()> {
    c.open("#/")?;
    c.upload(&[c.fixture("zipkin/zipkin-lens_skew.json")])?;
    c.browser.wait("[data-testid=trace-header]")?;
    let warnings = "document.querySelector('[data-testid=trace-warnings]')?.innerText ?? 'none'";
    let before = c.browser.js(&format!("return {warnings}"), vec![])?;
    let toggle = c.browser.wait("[data-testid=skew-toggle]")?;
    check(
        c.browser.js("return document.querySelector('[data-testid=skew-toggle]').checked", vec![])? == json!(true),
        "on by default",
    )?;
    c.browser.click(&toggle)?;
    c.browser.wait_js(&format!("{warnings} !== {before}"), "fewer warnings once the skew shifts are undone")?;
    c.browser
        .wait_js("document.querySelector('[data-testid=skew-toggle]').checked === false", "the switch shows off")?;
    c.browser.click(&c.browser.wait("[data-testid=skew-toggle]")?)?;
    c.browser.wait_js(&format!("{warnings} === {before}"), "the same warnings once adjusted again")?;
    eq(c.attr_count("[data-testid=trace-header]", "data-span-count")?, "4".to_string(), "every span kept")
}

fn no_console_errors(c: &Ctx) -> Result<()> {
    let logs = c.browser.severe_logs();
    let real: Vec<&String> = logs.iter().filter(|l| !l.contains("favicon")).collect();
    check(real.is_empty(), format!("console errors: {real:?}"))?;
    check(c.count("[data-testid=fatal-error]")? == 0, "no fatal error banner")
}

type Scenario = (&'static str, fn(&Ctx) -> Result<()>);

const SCENARIOS: &[Scenario] = &[
    ("landing offers demos and a drop zone", landing_offers_demos_and_a_drop_zone),
    ("a demo opens into a waterfall", demo_opens_into_a_waterfall),
    ("selecting a span shows its attributes", selecting_a_span_shows_its_attributes),
    ("collapse and expand", collapse_and_expand),
    ("keyboard moves the selection", keyboard_moves_the_selection),
    ("a copied URL restores the selection", a_copied_url_restores_the_selection),
    (
        "selecting keeps the page; the hash drives the selection",
        selecting_keeps_the_page_and_the_hash_drives_the_selection,
    ),
    ("only rows in view exist in the DOM", only_rows_in_view_exist),
    ("a dropped file opens; a bad one explains itself", a_dropped_file_opens_and_a_bad_one_explains_itself),
    ("a file with several traces lists them all", a_file_with_several_traces_lists_them_all),
    ("a large trace opens with only a window of rows", a_large_trace_opens_with_only_a_window_of_rows),
    ("clock-skew adjustment switches off and on", clock_skew_adjustment_switches_off_and_on),
    ("no console errors", no_console_errors),
];

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dist = std::env::var_os("SPANSCOPE_DIST").map(PathBuf::from).unwrap_or_else(|| root.join("dist"));
    if !dist.join("index.html").is_file() {
        eprintln!(
            "browser: no built site at {} — run `make test` (it builds the site first) or `make dist`",
            dist.display()
        );
        std::process::exit(1);
    }
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let server = StaticServer::start(dist, "/");
    let browser = match Browser::start() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("browser: could not start headless Chromium: {e}");
            std::process::exit(1);
        }
    };
    let ctx = Ctx { browser, server, fixtures: root.join("crates/model/tests/fixtures") };
    let shots = root.join("target/browser-screenshots");
    let _ = std::fs::create_dir_all(&shots);
    let (mut passed, mut failed) = (0, 0);
    for (name, run) in SCENARIOS {
        if filter.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let t = std::time::Instant::now();
        match run(&ctx) {
            Ok(()) => {
                passed += 1;
                println!("browser: ok    {name} ({:.1}s)", t.elapsed().as_secs_f64());
            }
            Err(e) => {
                failed += 1;
                let shot = shots.join(format!("{}.png", name.replace(' ', "_")));
                let _ = ctx.browser.screenshot(&shot);
                println!("browser: FAIL  {name}: {e}\n        screenshot: {}", shot.display());
            }
        }
    }
    println!("browser: {passed} passed, {failed} failed");
    drop(ctx);
    if failed > 0 {
        std::process::exit(1);
    }
}
