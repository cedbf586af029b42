//! App state in one place, provided by context. Each signal says what it holds.

use crate::route::Route;
use leptos::prelude::*;
use spanscope_model::backend::BackendConfig;
use spanscope_model::Trace;
use std::sync::Arc;

/// A trace the user has opened, with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedTrace {
    pub trace: Arc<Trace>,
    /// File name, demo title or address, shown to the user.
    pub source: String,
    /// Whether clock-skew adjustment is applied (the default).
    pub skew_adjusted: bool,
}

/// What happened to one input (file or pasted text).
#[derive(Clone, Debug, PartialEq)]
pub struct FileOutcome {
    pub name: String,
    pub bytes: usize,
    /// Number of traces found, or the error message.
    pub result: Result<usize, String>,
}

/// Progress of a load in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadProgress {
    pub name: String,
    pub bytes_read: usize,
    pub bytes_total: usize,
}

/// The backends of `config.json`.
#[derive(Clone, Debug, PartialEq)]
pub enum Backends {
    Loading,
    Ready(Vec<BackendConfig>),
    /// `config.json` could not be read or is not valid: the message says why.
    Failed(String),
}

impl Backends {
    /// The backend called `name`, or the first when `name` is `None`.
    pub fn pick(&self, name: Option<&str>) -> Option<BackendConfig> {
        let Backends::Ready(list) = self else { return None };
        match name {
            Some(n) => list.iter().find(|b| b.name == n).cloned(),
            None => list.first().cloned(),
        }
    }
}

/// Shared app state. Cheap to copy (signals only).
#[derive(Clone, Copy)]
pub struct AppState {
    /// The current hash route.
    pub route: RwSignal<Route>,
    /// Every trace loaded from files, newest load last.
    pub traces: RwSignal<Vec<LoadedTrace>>,
    /// Ids of the traces the latest load brought (the trace list shows these first).
    pub last_load: RwSignal<Vec<String>>,
    /// Outcome of each input of the latest load.
    pub outcomes: RwSignal<Vec<FileOutcome>>,
    /// The load in flight, if any.
    pub progress: RwSignal<Option<LoadProgress>>,
    /// True while a file is dragged over the page.
    pub dragging: RwSignal<bool>,
    /// Dark theme on?
    pub dark: RwSignal<bool>,
    /// Embed mode (`embed=1`): no app navigation.
    pub embed: RwSignal<bool>,
    /// Backends from `config.json`.
    pub backends: RwSignal<Backends>,
    /// Link templates from `config.json` (attribute values that become links).
    pub links: RwSignal<Vec<spanscope_model::links::LinkTemplate>>,
    /// What in `config.json` was ignored, and why (shown on the start page).
    pub config_notes: RwSignal<Vec<String>>,
    /// What the URL asked for that was ignored, and why (a notice line above the page; dismissible).
    pub param_notices: RwSignal<Vec<String>>,
    /// `insights.min_repeats` from `config.json`: how many like sibling calls make a repeated-call finding.
    pub min_repeats: RwSignal<usize>,
    /// Traces picked for comparison (ids; the two most recent picks count), with the backend to fetch them from.
    pub compare_pick: RwSignal<(Vec<String>, Option<String>)>,
    /// The waterfall's span name column, in percent of its width (dragged by its divider; kept across traces).
    pub tree_width_pct: RwSignal<f64>,
}

/// The span name column's width at first, and the range its divider moves in (percent of the waterfall).
pub const TREE_WIDTH_PCT: f64 = 38.0;
pub const TREE_WIDTH_RANGE_PCT: (f64, f64) = (15.0, 75.0);

impl AppState {
    pub fn new(route: Route, dark: bool, embed: bool) -> Self {
        AppState {
            route: RwSignal::new(route),
            traces: RwSignal::new(Vec::new()),
            last_load: RwSignal::new(Vec::new()),
            outcomes: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            dragging: RwSignal::new(false),
            dark: RwSignal::new(dark),
            embed: RwSignal::new(embed),
            backends: RwSignal::new(Backends::Loading),
            links: RwSignal::new(Vec::new()),
            config_notes: RwSignal::new(Vec::new()),
            param_notices: RwSignal::new(Vec::new()),
            compare_pick: RwSignal::new((Vec::new(), None)),
            min_repeats: RwSignal::new(spanscope_model::insights::InsightOptions::default().min_repeats),
            tree_width_pct: RwSignal::new(TREE_WIDTH_PCT),
        }
    }

    /// Navigates by setting `location.hash` (the `hashchange` listener updates `route`).
    pub fn navigate(&self, route: &Route) {
        let hash = route.to_hash();
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(&hash);
        }
        self.route.set(route.clone());
    }

    /// Adds a notice about the URL (once).
    pub fn notice(&self, message: String) {
        self.param_notices.update(|n| {
            if !n.contains(&message) {
                n.push(message);
            }
        });
    }

    /// Replaces the current history entry's hash without adding a new entry (view-state changes).
    pub fn replace(&self, route: &Route) {
        let hash = route.to_hash();
        if let Some(w) = web_sys::window() {
            if let Ok(h) = w.history() {
                let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
            }
        }
        self.route.set(route.clone());
    }

    /// Builds a loaded trace again with clock-skew adjustment on or off, replacing it in place.
    pub fn set_skew_adjustment(&self, id: &str, on: bool) {
        self.traces.update(|ts| {
            if let Some(lt) = ts.iter_mut().find(|t| t.trace.id_text().eq_ignore_ascii_case(id)) {
                if lt.skew_adjusted != on {
                    let opts = spanscope_model::BuildOptions { adjust_clock_skew: on };
                    lt.trace = Arc::new(spanscope_model::rebuild::rebuild(&lt.trace, &opts));
                    lt.skew_adjusted = on;
                }
            }
        });
    }

    /// Picks or unpicks a trace for comparison (at most two: a third pick drops the oldest).
    pub fn toggle_compare(&self, id: &str, backend: Option<String>) {
        self.compare_pick.update(|(ids, b)| {
            if let Some(i) = ids.iter().position(|x| x == id) {
                ids.remove(i);
            } else {
                ids.push(id.to_string());
                if ids.len() > 2 {
                    ids.remove(0);
                }
                if backend.is_some() {
                    *b = backend;
                }
            }
        });
    }

    /// Adds traces (a trace loaded again replaces the older copy).
    pub fn add_traces(&self, loaded: Vec<LoadedTrace>) {
        self.traces.update(|ts| {
            ts.retain(|old| !loaded.iter().any(|new| new.trace.id() == old.trace.id()));
            ts.extend(loaded);
        });
    }

    /// The loaded trace with this id: hex by value (so `00000000000000001a2b…` and `1a2b…` are one trace), any
    /// other id by its text.
    pub fn find_trace(&self, id: &str) -> Option<LoadedTrace> {
        let wanted = spanscope_model::TraceId::from_hex(id).map(|t| t.value);
        self.traces.with(|ts| {
            ts.iter()
                .find(|t| match wanted {
                    Some(v) => {
                        t.trace.id().value == v && spanscope_model::TraceId::from_hex(&t.trace.id_text()).is_some()
                    }
                    None => t.trace.id_text().eq_ignore_ascii_case(id),
                })
                .cloned()
        })
    }
}
