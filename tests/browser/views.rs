//! Browser scenarios for the analysis views: insights (the N+1 named on arrival), the view tabs (statistics, flame
//! graph, service map) and export.

use crate::webdriver::Result;
use crate::{check, eq, Ctx, Scenario};
use serde_json::{json, Value};

pub const SCENARIOS: &[Scenario] = &[
    ("views: the N+1 is named when the trace opens, and shown on request", n_plus_one_insight),
    ("views: config.json sets how many like calls make an N+1; a bad setting is named", min_repeats_from_config),
    ("views: statistics, flame graph and service map tabs", view_tabs),
    ("views: the service map of ten services stays legible", service_map_legible),
    ("views: export writes a trace that imports back", export_round_trip),
    ("views: two picked traces are compared", compare_two_traces),
    ("views: a span's detail shows its operation's duration histogram", operation_histogram),
];

fn operation_histogram(c: &Ctx) -> Result<()> {
    let t = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
    let s = t.spans().find(|&s| t.name(s) == "SELECT inventory").ok_or("no SELECT inventory")?;
    c.open(&format!("#/demo/checkout-incident?span={}", t.span_id_text(s)))?;
    let h = c.browser.wait("[data-testid=operation-histogram]")?;
    eq(c.browser.attr(&h, "data-count")?, Some("12".to_string()), "the 12 calls of SELECT inventory")?;
    check(c.count("[data-testid=operation-histogram] svg rect")? >= 2, "bars drawn")
}

fn compare_two_traces(c: &Ctx) -> Result<()> {
    let a = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
    let b = spanscope_model::demo::demo("storefront").ok_or("no demo")?;
    let want = spanscope_model::diff::diff(&a, &b);
    // Open both demos in one page (so both are loaded), then pick them on the start page.
    c.open("#/demo/checkout-incident")?;
    c.browser.wait("[data-testid=trace-header]")?;
    c.browser.js("location.hash = '#/demo/storefront'", vec![])?;
    c.browser.wait_js(
        &format!("document.querySelector('[data-testid=trace-header]')?.dataset.traceId === '{}'", b.id_text()),
        "storefront open",
    )?;
    c.browser.js("location.hash = '#/'", vec![])?;
    for id in [a.id_text(), b.id_text()] {
        c.browser.click(&c.browser.wait(&format!("[data-testid=compare-pick][data-trace-id='{id}']"))?)?;
    }
    c.browser.click(&c.browser.wait("[data-testid=compare-open]")?)?;
    let summary = c.browser.wait("[data-testid=compare-summary]")?;
    eq(c.browser.attr(&summary, "data-added")?, Some(want.summary.added.to_string()), "paths only in B")?;
    eq(c.browser.attr(&summary, "data-removed")?, Some(want.summary.removed.to_string()), "paths only in A")?;
    eq(c.count("[data-testid=diff-row]")?, want.rows.len(), "one row per path")?;
    eq(
        c.count("[data-testid=diff-row][data-kind=added]")?,
        want.rows.iter().filter(|r| r.a.is_none()).count(),
        "added rows",
    )
}

fn n_plus_one_insight(c: &Ctx) -> Result<()> {
    c.open("#/demo/checkout-incident")?;
    let card = c.browser.wait("[data-testid=insight-n-plus-one]")?;
    eq(c.count("[data-testid=insight-n-plus-one]")?, 1, "one N+1 finding")?;
    eq(c.browser.attr(&card, "data-parent-name")?.as_deref(), Some("POST /inventory/reserve"), "parent")?;
    eq(c.browser.attr(&card, "data-child-name")?.as_deref(), Some("SELECT inventory"), "child")?;
    eq(c.browser.attr(&card, "data-count")?.as_deref(), Some("12"), "count")?;
    let t = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
    let parent = c.browser.attr(&card, "data-parent-span-id")?.unwrap_or_default();
    let p = t.spans().find(|&s| t.span_id_text(s) == parent).ok_or("parent id not in the trace")?;
    eq(t.service(p), "inventory-service", "the parent is inventory-service's server span")?;
    c.browser.click(&c.browser.wait("[data-testid=insight-n-plus-one] [data-testid=insight-show]")?)?;
    c.browser.wait("[data-testid=pinned]")?;
    // The 12 queries and their ancestors (root, order-service client, inventory server), the rest folded away.
    let depth_of_parent = t.depth_of(p) as usize;
    c.browser.wait_js(
        &format!("document.querySelectorAll('[data-testid=span-row]').length === {}", 12 + depth_of_parent + 1),
        "only the repeated calls and their ancestors",
    )?;
    eq(c.count("[data-testid=span-row].match")?, 12, "the 12 calls are the matches")?;
    c.browser.wait("[data-testid=hidden-spans]")?;
    c.browser.click(&c.browser.wait("[data-testid=pinned-clear]")?)?;
    c.browser.wait_js("!document.querySelector('[data-testid=pinned]')", "the pinned set goes")?;
    c.browser.wait_js("!document.querySelector('[data-testid=span-row].match')", "no matches left")?;
    // Error origin: the pricing rule failure.
    let err = c.browser.text(&c.browser.wait("[data-testid=insight-error]")?)?;
    check(err.contains("DiscountRuleNotFound"), format!("the error origin says why: {err}"))
}

/// The checkout demo makes 12 like queries under one parent: an N+1 with the default of 5, none when the config
/// asks for 13. A setting that cannot be used is named on the start page, and the default applies.
fn min_repeats_from_config(c: &Ctx) -> Result<()> {
    let result = (|| {
        let findings = "document.querySelectorAll('[data-testid=insight-n-plus-one]').length";
        let done = "document.querySelector('[data-testid=insights]')?.dataset.state === 'done'";
        c.server.set_file("config.json", Some(br#"{"insights": {"min_repeats": 13}}"#.to_vec()));
        c.open("#/demo/checkout-incident")?;
        c.browser.wait_js(&format!("{done} && {findings} === 0"), "no N+1 of 12 calls when 13 make one")?;
        // The error origin is still found: only the repeated calls follow the setting.
        c.browser.wait("[data-testid=insight-error]")?;

        c.server.set_file("config.json", Some(br#"{"insights": {"min_repeats": 12}}"#.to_vec()));
        c.open("#/demo/checkout-incident")?;
        c.browser.wait_js(&format!("{done} && {findings} === 1"), "the N+1 of 12 calls when 12 make one")?;

        c.server.set_file("config.json", Some(br#"{"insights": {"min_repeats": 1}}"#.to_vec()));
        c.open("#/")?;
        let note = c.browser.text(&c.browser.wait("[data-testid=config-note]")?)?;
        check(
            note.contains("insights.min_repeats was ignored") && note.contains("not the number 1"),
            format!("the ignored setting is named: {note}"),
        )?;
        c.open("#/demo/checkout-incident")?;
        c.browser.wait_js(&format!("{done} && {findings} === 1"), "the default (5) applies")
    })();
    c.server.set_file("config.json", None);
    result
}

fn view_tabs(c: &Ctx) -> Result<()> {
    let t = spanscope_model::demo::demo("checkout-incident").ok_or("no demo")?;
    c.open("#/demo/checkout-incident")?;
    c.browser.click(&c.browser.wait("[data-testid=view-tab][data-view=statistics]")?)?;
    c.browser.wait("[data-testid=statistics]")?;
    check(
        c.browser.js("return location.hash", vec![])?.as_str().unwrap_or_default().contains("view=statistics"),
        "view in the URL",
    )?;
    let rows: Value = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=stats-row]')].map(r => [r.dataset.key, +r.dataset.count]).sort()",
        vec![],
    )?;
    let mut want: Vec<(String, u64)> = t
        .services()
        .iter()
        .map(|&k| {
            let name = t.service_name(k).to_string();
            let n = t.spans().filter(|&s| t.service(s) == name).count() as u64;
            (name, n)
        })
        .collect();
    want.sort();
    eq(rows, json!(want), "spans per service")?;
    // Sorting by count puts inventory-service (13 spans) first.
    c.browser.click(&c.browser.wait("[data-testid=stats-sort][data-column=count]")?)?;
    c.browser.wait_js(
        "document.querySelector('[data-testid=stats-row]')?.dataset.key === 'inventory-service'",
        "sorted by span count",
    )?;
    // Grouped by service, a row names its service once; by operation, the operation and then its service.
    let head =
        |key: &str| format!("document.querySelector(\"[data-testid=stats-row][data-key='{key}'] th\")?.textContent");
    eq(
        c.browser.js(&format!("return {}", head("inventory-service")), vec![])?,
        json!("inventory-service"),
        "named once",
    )?;
    c.browser.js(
        "const s = document.querySelector('[data-testid=stats-group]'); s.value = 'operation'; \
         s.dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )?;
    c.browser.wait_js(
        &format!("{} === 'SELECT inventory  inventory-service'", head("SELECT inventory")),
        "an operation with its service",
    )?;
    // By attribute: before a key is given, a hint; the key box lists the trace's keys, the most common first, with
    // how many spans have each; a key picked groups the spans by its values.
    c.browser.js(
        "const s = document.querySelector('[data-testid=stats-group]'); s.value = 'attribute'; \
         s.dispatchEvent(new Event('change', {bubbles: true}))",
        vec![],
    )?;
    let hint = c.browser.text(&c.browser.wait("[data-testid=stats-attribute-hint]")?)?;
    let keys = spanscope_model::stats::attribute_keys(&t, 500);
    check(hint.contains(&format!("one of the {} in the list", keys.len())), format!("the hint: {hint}"))?;
    let listed: Value = c.browser.js(
        "return [...document.querySelectorAll('#stats-attribute-keys option')].map(o => [o.value, o.textContent])",
        vec![],
    )?;
    let want: Vec<(String, String)> =
        keys.iter().map(|(k, n)| (k.clone(), format!("{n} span{}", if *n == 1 { "" } else { "s" }))).collect();
    eq(listed, json!(want), "the keys listed")?;
    let systems = t.spans().filter(|&s| t.attributes(s).iter().any(|a| t.key(a) == "db.system")).count();
    check(
        keys.iter().any(|(k, n)| k == "db.system" && *n as usize == systems),
        format!("db.system on {systems} spans"),
    )?;
    let input = c.browser.wait("[data-testid=stats-attribute]")?;
    c.browser.send_keys(&input, "db.system")?;
    c.browser.wait_js("!document.querySelector('[data-testid=stats-attribute-hint]')", "the hint goes")?;
    c.browser.wait_js(
        "[...document.querySelectorAll('[data-testid=stats-row]')].some(r => r.dataset.key === '(none)')",
        "spans without db.system in one row",
    )?;
    let grouped: Value = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=stats-row]')].filter(r => r.dataset.key !== '(none)').reduce((n, r) => n + +r.dataset.count, 0)",
        vec![],
    )?;
    eq(grouped, json!(systems), "the spans with db.system, grouped by its values")?;
    // Flame graph: a canvas; clicking the root's row zooms (reset becomes possible) and selects it.
    c.browser.click(&c.browser.wait("[data-testid=view-tab][data-view=flamegraph]")?)?;
    c.browser.wait("[data-testid=flame-canvas]")?;
    c.browser.js(
        "const c = document.querySelector('[data-testid=flame-canvas]'); const r = c.getBoundingClientRect(); \
         c.dispatchEvent(new MouseEvent('click', {clientX: r.left + r.width * 0.5, clientY: r.top + 18 * 3 + 9, bubbles: true}))",
        vec![],
    )?;
    c.browser.wait_js("!document.querySelector('[data-testid=flame-reset]').disabled", "a click zooms")?;
    c.browser.wait("[data-testid=span-detail]")?;
    // Service map: three services, order-service calls the other two; clicking a service shows its spans.
    c.browser.click(&c.browser.wait("[data-testid=view-tab][data-view=service-map]")?)?;
    c.browser.wait("[data-testid=service-map]")?;
    eq(c.count("[data-testid=map-node]")?, 3, "three services")?;
    let edges: Value = c.browser.js(
        "return [...document.querySelectorAll('[data-testid=map-edge]')].map(e => e.dataset.from + '>' + e.dataset.to).sort()",
        vec![],
    )?;
    eq(edges, json!(["order-service>inventory-service", "order-service>pricing-service"]), "calls")?;
    c.browser.js(
        "document.querySelector('[data-testid=map-node][data-service=pricing-service]').dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        vec![],
    )?;
    c.browser.wait("[data-testid=pinned]")?;
    let pricing = t.spans().filter(|&s| t.service(s) == "pricing-service").count();
    c.browser.wait_js(
        &format!("document.querySelectorAll('[data-testid=span-row].match').length === {pricing}"),
        "pricing-service's spans shown in the waterfall",
    )?;
    Ok(())
}

/// The storefront demo's ten services, in a laptop's window and in a phone's: every name is drawn at least 10 px
/// high (the drawing shrinks to the view only down to 85% of its size, then the view scrolls), and no two names,
/// circles or a name and a circle overlap. (The map used to be squeezed into a fixed frame: at 1280×800, 8 px.)
fn service_map_legible(c: &Ctx) -> Result<()> {
    let measure = "const boxes = [...document.querySelectorAll('[data-testid=map-node]')].flatMap(g =>
             [g.querySelector('.map-name'), g.querySelector('circle')].map(e => {
               const r = e.getBoundingClientRect(); return [g.dataset.service, e.tagName, r.left, r.top, r.right, r.bottom];
             }));
         const overlaps = [];
         for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
           const [a, b] = [boxes[i], boxes[j]];
           if (a[0] !== b[0] && a[2] < b[4] && b[2] < a[4] && a[3] < b[5] && b[3] < a[5]) overlaps.push(a[0] + ' ' + a[1] + ' / ' + b[0] + ' ' + b[1]);
         }
         const names = boxes.filter(b => b[1] === 'text').map(b => b[5] - b[3]);
         const svg = document.querySelector('[data-testid=service-map] svg'), frame = svg.parentElement;
         return {nodes: names.length, lowest: Math.min(...names), overlaps,
                 scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
                 scrolls: frame.scrollWidth > frame.clientWidth + 1 || frame.scrollHeight > frame.clientHeight + 1}";
    let mut seen = Vec::new();
    for (width, height) in [(1280, 800), (600, 900)] {
        c.browser.set_window_size(width, height)?;
        let measured = (|| {
            c.open("#/demo/storefront?view=service-map")?;
            c.browser.wait_js("document.querySelectorAll('[data-testid=map-node]').length === 10", "ten services")?;
            c.browser.js(measure, vec![])
        })();
        seen.push((width, measured));
    }
    c.browser.set_window_size(1400, 1400)?;
    for (width, measured) in seen {
        let m = measured?;
        eq(m["nodes"].clone(), json!(10), "ten names")?;
        check(m["lowest"].as_f64().unwrap_or(0.0) >= 10.0, format!("at {width} px every name is ≥ 10 px high: {m}"))?;
        eq(m["overlaps"].clone(), json!([]), &format!("nothing overlaps at {width} px"))?;
        check(m["scale"].as_f64().unwrap_or(0.0) >= 0.849, format!("at {width} px, at least 85% of its size: {m}"))?;
        if width == 600 {
            check(m["scrolls"] == json!(true), format!("at 600 px the map scrolls rather than shrink: {m}"))?;
        }
    }
    Ok(())
}

/// Captures the next download (the app clicks a temporary link to a Blob URL) and returns its text.
fn capture_download(c: &Ctx, choice: &str) -> Result<String> {
    c.browser.js(
        "window.__downloads = []; HTMLAnchorElement.prototype.click = function () { \
           const name = this.download; fetch(this.href).then(r => r.text()).then(t => window.__downloads.push([name, t])); };",
        vec![],
    )?;
    c.browser.js(
        &format!(
            "const s = document.querySelector('[data-testid=export]'); s.value = '{choice}'; \
             s.dispatchEvent(new Event('change', {{bubbles: true}}))"
        ),
        vec![],
    )?;
    c.browser.wait_js("window.__downloads.length === 1", "a download")?;
    let v = c.browser.js("return window.__downloads[0]", vec![])?;
    Ok(v[1].as_str().unwrap_or_default().to_string())
}

fn export_round_trip(c: &Ctx) -> Result<()> {
    let t = spanscope_model::demo::demo("storefront").ok_or("no demo")?;
    c.open("#/demo/storefront")?;
    c.browser.wait("[data-testid=span-row]")?;
    for choice in ["otlp", "jaeger"] {
        let text = capture_download(c, choice)?;
        let back =
            spanscope_model::import(text.as_bytes()).map_err(|e| format!("{choice} export does not import: {e}"))?;
        eq(back.len(), 1, &format!("{choice}: one trace"))?;
        eq(back[0].len(), t.len(), &format!("{choice}: every span"))?;
        eq(back[0].id_text(), t.id_text(), &format!("{choice}: the trace id"))?;
    }
    let csv = capture_download(c, "csv")?;
    eq(csv.lines().count(), t.len() + 1, "CSV: a header and a row per span")?;
    // The filtered subset: the error spans only.
    let input = c.browser.wait("[data-testid=find-input]")?;
    c.browser.send_keys(&input, "error=true")?;
    c.browser.wait_js("+document.querySelector('[data-testid=find-match-count]')?.innerText > 0", "matches")?;
    let text = capture_download(c, "otlp-matches")?;
    let back = spanscope_model::import(text.as_bytes()).map_err(|e| format!("subset export does not import: {e}"))?;
    let errors = t.spans().filter(|&s| t.is_error(s)).count();
    eq(back.iter().map(|b| b.len()).sum::<usize>(), errors, "the subset holds just the matches")
}
