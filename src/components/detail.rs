//! The span detail panel: identity, timing, status, attributes (sorted, filterable, typed, copyable, long values
//! folded, JSON pretty-printed), resource, scope, events, links and warnings. Every string from the trace is
//! rendered as text, never as markup.

use crate::colors::service_color;
use crate::components::histogram::OperationHistogram;
use leptos::prelude::*;
use spanscope_model::links::{links_for, Link, LinkTemplate};
use spanscope_model::{Attribute, DurationNs, SpanIdx, Trace, Value};
use std::sync::Arc;

/// Values longer than this many characters are folded behind "show all".
const FOLD_CHARS: usize = 300;

fn copy_to_clipboard(text: String) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(&text);
    }
}

/// One attribute as shown: key, type and text (pretty-printed when it is JSON).
#[derive(Clone, Debug, PartialEq)]
struct AttrRow {
    key: String,
    type_name: &'static str,
    text: String,
    /// Links from the templates of config.json (http and https only).
    links: Vec<Link>,
}

/// Adds the links the templates give for span `s`'s attribute rows.
fn with_links(t: &Trace, s: SpanIdx, mut rows: Vec<AttrRow>, templates: &[LinkTemplate]) -> Vec<AttrRow> {
    if !templates.is_empty() {
        for r in &mut rows {
            r.links = links_for(t, s, &r.key, templates);
        }
    }
    rows
}

fn attr_rows(t: &Trace, attrs: &[Attribute]) -> Vec<AttrRow> {
    let mut rows: Vec<AttrRow> = attrs
        .iter()
        .map(|a| {
            let v = t.value(a);
            let mut text = t.value_text(v);
            if matches!(v, Value::Str(_) | Value::Array(_) | Value::KvList(_)) {
                let trimmed = text.trim_start();
                if trimmed.starts_with('{') || trimmed.starts_with('[') {
                    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
                        if let Ok(pretty) = serde_json::to_string_pretty(&json) {
                            text = pretty;
                        }
                    }
                }
            }
            AttrRow { key: t.key(a).to_string(), type_name: v.type_name(), text, links: Vec::new() }
        })
        .collect();
    spanscope_model::order::sort_by(&mut rows, |a, b| a.key.cmp(&b.key));
    rows
}

/// A link or reference as shown.
struct LinkRow {
    kind: &'static str,
    trace_id: String,
    span_id: String,
    target: Option<SpanIdx>,
    attrs: Vec<AttrRow>,
}

/// A table of attributes with a filter box.
#[component]
fn AttrTable(rows: Vec<AttrRow>, #[prop(optional)] filterable: bool, testid: &'static str) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let rows = StoredValue::new(rows);
    let shown = move || {
        let f = filter.get().to_lowercase();
        rows.with_value(|rs| {
            rs.iter()
                .filter(|r| f.is_empty() || r.key.to_lowercase().contains(&f) || r.text.to_lowercase().contains(&f))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let count = rows.with_value(|r| r.len());
    view! {
        {(filterable && count > 6).then(|| view! {
            <input class="attr-filter" type="search" placeholder="Filter attributes" data-testid="attr-filter"
                prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
        })}
        <table class="attrs" data-testid=testid>
            <tbody>
                {move || shown().into_iter().map(|r| {
                    let long = r.text.chars().count() > FOLD_CHARS;
                    let open = RwSignal::new(!long);
                    let full = r.text.clone();
                    let short: String = r.text.chars().take(FOLD_CHARS).collect();
                    let copy = r.text.clone();
                    view! {
                        <tr data-testid="attr-row" data-key=r.key.clone()>
                            <th scope="row" class="attr-key">{r.key.clone()}</th>
                            <td class="attr-value">
                                <span class=format!("val type-{}", r.type_name)>
                                    {move || if open.get() { full.clone() } else { format!("{short}…") }}
                                </span>
                                {long.then(|| view! {
                                    <button class="link" on:click=move |_| open.update(|o| *o = !*o)>
                                        {move || if open.get() { "fold" } else { "show all" }}
                                    </button>
                                })}
                                {r.links.iter().map(|l| view! {
                                    <a class="attr-link" data-testid="attr-link" href=l.url.clone() target="_blank"
                                        rel="noopener noreferrer" title=l.url.clone()>{format!("↗ {}", l.text)}</a>
                                }).collect_view()}
                            </td>
                            <td class="attr-type muted">{r.type_name}</td>
                            <td><button class="icon" title="Copy value" aria-label="Copy value" on:click=move |_| copy_to_clipboard(copy.clone())>"copy"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// The detail panel of one span.
#[component]
pub fn SpanDetail(
    trace: Arc<Trace>,
    span: SpanIdx,
    self_time: DurationNs,
    #[prop(into)] on_close: Callback<()>,
    #[prop(into)] on_select: Callback<SpanIdx>,
) -> impl IntoView {
    let t = trace;
    let s = span;
    let span_id = t.span_id_text(s);
    let parent_text = t.parent_id(s).map(|p| p.to_hex());
    let status = t.status(s);
    let status_msg = t.status_message(s).to_string();
    let scope = t.scope(s);
    // The link templates arrive with config.json, possibly after the panel: the tables follow them.
    let links = use_context::<crate::state::AppState>().map(|a| a.links);
    let templates = move || links.map(|l| l.get()).unwrap_or_default();
    let (t_attrs, t_res) = (t.clone(), t.clone());
    let attrs = move || with_links(&t_attrs, s, attr_rows(&t_attrs, t_attrs.attributes(s)), &templates());
    let resource_attrs =
        move || with_links(&t_res, s, attr_rows(&t_res, t_res.attrs_at(t_res.resource(s).attrs)), &templates());
    let scope_name = t.str(scope.name).to_string();
    let scope_version = t.str(scope.version).to_string();
    let events: Vec<(DurationNs, String, Vec<AttrRow>)> = t
        .events(s)
        .iter()
        .map(|e| (e.time.since(t.start_of(s)), t.str(e.name).to_string(), attr_rows(&t, t.attrs_at(e.attrs))))
        .collect();
    let links: Vec<LinkRow> = t
        .links(s)
        .iter()
        .map(|l| LinkRow {
            kind: l.kind.as_str(),
            trace_id: l.trace_id.to_hex(),
            span_id: l.span_id.to_hex(),
            // Followed only when the target is in this trace.
            target: (l.trace_id == t.id()).then(|| t.find_span(l.span_id)).flatten(),
            attrs: attr_rows(&t, t.attrs_at(l.attrs)),
        })
        .collect();
    let warnings: Vec<String> = t.span_warnings(s).map(|w| w.message()).collect();
    let dropped = t.dropped(s);
    let json = span_json(&t, s);
    let color = service_color(t.service_index(s));
    let copy_id = span_id.clone();
    let span_id_attr = span_id.clone();
    view! {
        <aside class="span-detail" data-testid="span-detail" data-span-id=span_id_attr aria-label="Span detail">
            <div class="detail-head">
                <span class="swatch" style:background=color></span>
                <h2>{t.name(s).to_string()}</h2>
                <button class="icon close" title="Close (Esc)" data-testid="detail-close" on:click=move |_| on_close.run(())>"✕"</button>
            </div>
            <dl class="detail-facts">
                <dt>"Service"</dt><dd>{t.service(s).to_string()}</dd>
                <dt>"Kind"</dt><dd>{t.kind(s).as_str()}</dd>
                <dt>"Status"</dt>
                <dd class=format!("status status-{}", status.as_str())>
                    {status.as_str()}{(!status_msg.is_empty()).then(|| format!(" — {status_msg}"))}
                </dd>
                <dt>"Start"</dt><dd>{format!("+{}", t.offset_of(s))}</dd>
                <dt>"Duration"</dt><dd>{t.duration_of(s).to_string()}</dd>
                <dt>"Self time"</dt><dd>{self_time.to_string()}</dd>
                <dt>"Span id"</dt>
                <dd class="mono">{span_id}<button class="icon" title="Copy span id" aria-label="Copy span id" on:click=move |_| copy_to_clipboard(copy_id.clone())>"copy"</button></dd>
                <dt>"Parent id"</dt><dd class="mono">{parent_text.unwrap_or_else(|| "— (root)".into())}</dd>
                <dt>"Trace id"</dt><dd class="mono">{t.id_text()}</dd>
                {(t.flags(s) != 0).then(|| view! { <dt>"Flags"</dt><dd class="mono">{format!("{:#04x}", t.flags(s))}</dd> })}
                {(!t.trace_state(s).is_empty()).then(|| view! { <dt>"Trace state"</dt><dd class="mono">{t.trace_state(s).to_string()}</dd> })}
            </dl>
            {(!warnings.is_empty()).then(|| view! {
                <section class="detail-section warnings" data-testid="span-warnings">
                    <h3>"Warnings"</h3>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </section>
            })}
            <section class="detail-section">
                <h3>{format!("Attributes ({})", t.attributes(s).len())}</h3>
                {(dropped.attributes > 0).then(|| view! { <p class="muted">{format!("{} attribute(s) dropped by the producer", dropped.attributes)}</p> })}
                {move || view! { <AttrTable rows=attrs() filterable=true testid="span-attributes" /> }}
            </section>
            {(!events.is_empty()).then(|| view! {
                <section class="detail-section">
                    <h3>{format!("Events ({})", events.len())}</h3>
                    <ol class="events" data-testid="span-events">
                        {events.into_iter().map(|(off, name, rows)| view! {
                            <li>
                                <div><span class="mono">{format!("+{off}")}</span>" "<strong>{if name.is_empty() { "(unnamed)".to_string() } else { name }}</strong></div>
                                {(!rows.is_empty()).then(|| view! { <AttrTable rows=rows testid="event-attributes" /> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
            })}
            {(!links.is_empty()).then(|| view! {
                <section class="detail-section">
                    <h3>{format!("Links and references ({})", links.len())}</h3>
                    <ul class="links" data-testid="span-links">
                        {links.into_iter().map(|LinkRow { kind, trace_id, span_id, target, attrs: rows }| view! {
                            <li>
                                <span class="badge">{kind}</span>" "
                                {match target {
                                    Some(target) => view! {
                                        <button class="link mono" title="Go to this span" on:click=move |_| on_select.run(target)>{span_id}</button>
                                    }.into_any(),
                                    None => view! { <span class="mono" title=format!("in trace {trace_id} (not loaded)")>{span_id}</span> }.into_any(),
                                }}
                                {(!rows.is_empty()).then(|| view! { <AttrTable rows=rows testid="link-attributes" /> })}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <OperationHistogram service=t.service(s).to_string() name=t.name(s).to_string() duration=t.duration_of(s) />
            <section class="detail-section">
                <h3>{format!("Resource: {}", t.service(s))}</h3>
                {move || view! { <AttrTable rows=resource_attrs() testid="resource-attributes" /> }}
            </section>
            {(!scope_name.is_empty()).then(|| view! {
                <section class="detail-section">
                    <h3>"Instrumentation scope"</h3>
                    <p class="mono">{scope_name}{(!scope_version.is_empty()).then(|| format!(" {scope_version}"))}</p>
                </section>
            })}
            <section class="detail-section">
                <button class="button" data-testid="copy-span-json" on:click=move |_| copy_to_clipboard(json.clone())>"Copy span as JSON"</button>
            </section>
        </aside>
    }
}

/// The span as a JSON object (OTLP-like field names), for "copy span as JSON".
fn span_json(t: &Trace, s: SpanIdx) -> String {
    use serde_json::{json, Map, Value as J};
    let attrs = |list: &[Attribute]| -> J {
        let mut m = Map::new();
        for a in list {
            let v = t.value(a);
            let j = match v {
                Value::Str(x) => J::String(x.to_string()),
                Value::Bool(b) => J::Bool(b),
                Value::Int(i) => J::from(i),
                Value::Double(d) => serde_json::Number::from_f64(d).map(J::Number).unwrap_or(J::String(d.to_string())),
                _ => serde_json::from_str(&t.value_text(v)).unwrap_or(J::String(t.value_text(v))),
            };
            m.insert(t.key(a).to_string(), j);
        }
        J::Object(m)
    };
    let v = json!({
        "traceId": t.id_text(),
        "spanId": t.span_id_text(s),
        "parentSpanId": t.parent_id(s).map(|p| p.to_hex()),
        "name": t.name(s),
        "service": t.service(s),
        "kind": t.kind(s).as_str(),
        "startTimeUnixNano": t.start_of(s).0.to_string(),
        "endTimeUnixNano": t.end_of(s).0.to_string(),
        "status": { "code": t.status(s).as_str(), "message": t.status_message(s) },
        "attributes": attrs(t.attributes(s)),
        "events": t.events(s).iter().map(|e| json!({
            "timeUnixNano": e.time.0.to_string(), "name": t.str(e.name), "attributes": attrs(t.attrs_at(e.attrs))
        })).collect::<Vec<_>>(),
        "links": t.links(s).iter().map(|l| json!({
            "kind": l.kind.as_str(), "traceId": l.trace_id.to_hex(), "spanId": l.span_id.to_hex(), "attributes": attrs(t.attrs_at(l.attrs))
        })).collect::<Vec<_>>(),
        "resource": attrs(t.attrs_at(t.resource(s).attrs)),
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}
