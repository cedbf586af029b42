//! Export of the current trace — or of the spans the find box (or a pinned set) matches — as OTLP JSON, Jaeger
//! JSON or a CSV of spans, written by `spanscope_model::export` and saved as a download. The document is written
//! in pieces with a pause every 50 ms, so a large trace (a 1M-span export takes seconds) neither freezes the page
//! nor sits in the wasm whole; the menu's label shows how far it has got.

use crate::download::BlobParts;
use crate::loader::YieldEvery;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::export::{export_in_parts, file_name, ExportFormat};
use spanscope_model::pause::Pause;

/// How long the export writes before it lets the browser paint and answer input.
const EXPORT_SLICE_MS: f64 = 50.0;

/// The export control of the toolbar.
#[component]
pub fn ExportMenu(view: TraceView) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    // While an export is written: its progress in percent.
    let percent = RwSignal::new(None::<usize>);
    let on_change = move |ev: leptos::ev::Event| {
        let choice = event_target_value(&ev);
        // Back to the label, so the same choice can be made again.
        if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok())
        {
            el.set_value("");
        }
        let (format, subset) = match choice.as_str() {
            "otlp" => (ExportFormat::OtlpJson, false),
            "jaeger" => (ExportFormat::JaegerJson, false),
            "csv" => (ExportFormat::Csv, false),
            "otlp-matches" => (ExportFormat::OtlpJson, true),
            "jaeger-matches" => (ExportFormat::JaegerJson, true),
            "csv-matches" => (ExportFormat::Csv, true),
            _ => return,
        };
        if percent.get_untracked().is_some() {
            return;
        }
        let trace = view.trace();
        let matches = if subset { view.matches.get_untracked() } else { None };
        let mut name = file_name(&trace, format);
        if subset {
            name = name.replacen("trace-", "trace-matches-", 1);
        }
        error.set(None);
        percent.set(Some(0));
        leptos::task::spawn_local(async move {
            let total = matches.as_deref().map_or(trace.len(), |m| m.count());
            let mut parts = BlobParts::default();
            let mut pause = ShowProgress { slices: YieldEvery::new(EXPORT_SLICE_MS), percent, total };
            export_in_parts(&trace, matches.as_deref(), format, &mut |bytes| parts.push(bytes), &mut pause).await;
            let _ = percent.try_set(None);
            let _ = error.try_set(parts.download(&name, format.mime_type()).err());
        });
    };
    let filtering = move || view.matches.with(|m| m.is_some());
    view! {
        // While exporting, the menu's label says how far it has got (in place: the toolbar does not move).
        <select class="export-menu" data-testid="export" aria-label="Export" on:change=on_change
            disabled=move || percent.get().is_some() aria-busy=move || percent.get().is_some().to_string()>
            <option value="" selected=true>
                {move || percent.get().map_or_else(|| "Export…".to_string(), |p| format!("Exporting {p}%"))}
            </option>
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

/// The export's pauses: a yield to the browser every [`EXPORT_SLICE_MS`], and the progress shown.
struct ShowProgress {
    slices: YieldEvery,
    percent: RwSignal<Option<usize>>,
    /// Spans the export writes.
    total: usize,
}

impl Pause for ShowProgress {
    fn pause(&mut self, spans: usize) -> impl std::future::Future<Output = ()> {
        let p = (spans * 100 / self.total.max(1)).min(99);
        // The page may have closed meanwhile (the export still finishes).
        if self.percent.try_get_untracked().is_some_and(|shown| shown != Some(p)) {
            let _ = self.percent.try_set(Some(p));
        }
        self.slices.pause(spans)
    }
}
