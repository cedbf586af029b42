//! Export of the current trace — or of the spans the find box (or a pinned set) matches — as OTLP JSON, Jaeger
//! JSON or a CSV of spans, written by `spanscope_model::export` and saved as a download.

use crate::download::download;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::export::{export, file_name, ExportFormat};

/// The export control of the toolbar.
#[component]
pub fn ExportMenu(view: TraceView) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let choice = event_target_value(&ev);
        let (format, subset) = match choice.as_str() {
            "otlp" => (ExportFormat::OtlpJson, false),
            "jaeger" => (ExportFormat::JaegerJson, false),
            "csv" => (ExportFormat::Csv, false),
            "otlp-matches" => (ExportFormat::OtlpJson, true),
            "jaeger-matches" => (ExportFormat::JaegerJson, true),
            "csv-matches" => (ExportFormat::Csv, true),
            _ => return,
        };
        let trace = view.trace();
        let matches = if subset { view.matches.get_untracked() } else { None };
        let bytes = export(&trace, matches.as_deref(), format);
        let mut name = file_name(&trace, format);
        if subset {
            name = name.replacen("trace-", "trace-matches-", 1);
        }
        let mime = if format == ExportFormat::Csv { "text/csv" } else { "application/json" };
        error.set(download(&name, mime, &bytes).err());
        // Back to the label, so the same choice can be made again.
        if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok())
        {
            el.set_value("");
        }
    };
    let filtering = move || view.matches.with(|m| m.is_some());
    view! {
        <select class="export-menu" data-testid="export" aria-label="Export" on:change=on_change>
            <option value="" selected=true>"Export…"</option>
            <option value="otlp">"Trace as OTLP JSON"</option>
            <option value="jaeger">"Trace as Jaeger JSON"</option>
            <option value="csv">"Spans as CSV"</option>
            <option value="otlp-matches" disabled=move || !filtering()>"Matches as OTLP JSON"</option>
            <option value="jaeger-matches" disabled=move || !filtering()>"Matches as Jaeger JSON"</option>
            <option value="csv-matches" disabled=move || !filtering()>"Matches as CSV"</option>
        </select>
        {move || error.get().map(|e| view! { <span class="load-error">{e}</span> })}
    }
}
