//! The trace header: name, start, duration, services with their colors, depth, counts, and warnings with an
//! explanation on click.

use crate::colors::service_color;
use leptos::prelude::*;
use spanscope_model::{SpanWarning, Trace};
use std::sync::Arc;

/// Local and UTC renderings of a timestamp (ns since the epoch).
pub fn format_time(ns: i64) -> (String, String) {
    let ms = (ns / 1_000_000) as f64;
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let local = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        d.get_milliseconds()
    );
    (local, String::from(d.to_iso_string()))
}

/// The header of the trace page.
#[component]
pub fn TraceHeader(
    trace: Arc<Trace>,
    /// Where the trace came from (file name, demo, address).
    source: String,
) -> impl IntoView {
    let t = trace.clone();
    let (start_local, start_utc) = format_time(t.start().0);
    let show_warnings = RwSignal::new(false);
    let mut counts = [0usize; 4]; // skew, orphans, duplicates, other
    for (_, w) in t.warnings() {
        let k = match w {
            SpanWarning::SkewAdjusted(_) => 0,
            SpanWarning::MissingParent(_) => 1,
            SpanWarning::DuplicateId => 2,
            _ => 3,
        };
        counts[k] += 1;
    }
    let warning_total = t.warnings().len();
    let services: Vec<(u32, String)> = t.services().iter().map(|&s| (s, t.service_name(s).to_string())).collect();
    let depth = t.depth();
    view! {
        <header class="trace-header" data-testid="trace-header"
            data-trace-id=t.id_text() data-span-count=t.len() data-service-count=t.services().len()
            data-error-count=t.error_count() data-depth=depth data-duration-us=t.duration().as_us()>
            <div class="title-row">
                <h1 class="trace-title">{t.title()}</h1>
                <span class="mono muted trace-id" title="Trace id">{t.id_text()}</span>
                <span class="muted source" data-testid="trace-source" title="Where this trace came from">{format!("from {source}")}</span>
            </div>
            <dl class="facts">
                <div><dt>"Start"</dt><dd title=format!("{start_utc} (UTC)")>{start_local}</dd></div>
                <div><dt>"Duration"</dt><dd>{t.duration().to_string()}</dd></div>
                <div><dt>"Spans"</dt><dd>{t.len()}</dd></div>
                <div><dt>"Depth"</dt><dd>{depth}</dd></div>
                <div><dt>"Errors"</dt><dd class:has-errors={t.error_count() > 0}>{t.error_count()}</dd></div>
                <div><dt>"Services"</dt><dd>{services.len()}</dd></div>
                {(warning_total > 0).then(|| view! {
                    <div>
                        <dt>"Warnings"</dt>
                        <dd>
                            <button class="link warnings-toggle" data-testid="trace-warnings"
                                on:click=move |_| show_warnings.update(|v| *v = !*v)>
                                {format!("⚠ {warning_total}")}
                            </button>
                        </dd>
                    </div>
                })}
            </dl>
            <ul class="service-legend">
                {services.into_iter().map(|(s, name)| view! {
                    <li><span class="swatch" style:background=service_color(s)></span>{name}</li>
                }).collect_view()}
            </ul>
            <Show when=move || show_warnings.get()>
                <div class="warnings-explained" data-testid="warnings-explained">
                    <p>"spanscope repaired or flagged these spans so the trace could be drawn; nothing was dropped."</p>
                    <ul>
                        {(counts[0] > 0).then(|| view! { <li>{format!("{} span(s) shifted for clock skew: a server span started outside its client parent on another host, so it was moved (with its children) to sit inside the parent, as Jaeger does.", counts[0])}</li> })}
                        {(counts[1] > 0).then(|| view! { <li>{format!("{} span(s) name a parent that is not in the trace (it was not sent, sampled out, or is still in flight); they are shown as extra roots.", counts[1])}</li> })}
                        {(counts[2] > 0).then(|| view! { <li>{format!("{} span(s) share an id with another span; all are kept.", counts[2])}</li> })}
                        {(counts[3] > 0).then(|| view! { <li>{format!("{} other note(s): missing times, cycles cut, or warnings from the source. Select a span to see its own.", counts[3])}</li> })}
                    </ul>
                </div>
            </Show>
        </header>
    }
}
