//! The view state of one open trace, and what is derived from it. Data flows one way:
//!
//! ```text
//! find text ─► filter ─► matches ─┐
//! mode, revealed runs ────────────┼─► kept spans ─┐
//! collapsed set ──────────────────┴───────────────┴─► rows (memo) ─► window of rows in view ─► DOM
//! selection, zoom, critical path ─► how each row in view is drawn
//! ```
//!
//! Every derived value is a memo computed by the model crate's pure functions; the memos compare by identity
//! ([`Shared`]) so a million-entry result is never compared element by element.

use leptos::prelude::*;
use spanscope_model::analysis::{critical_path, self_times, CriticalPath};
use spanscope_model::filter::{Filter, FilterError};
use spanscope_model::rows::{visible_rows, with_ancestors, Collapsed, RowList};
use spanscope_model::spanset::SpanSet;
use spanscope_model::{DurationNs, SpanIdx, Trace};
use std::sync::Arc;

use crate::route::Params;

/// An immutable value compared by identity: a new computation always propagates, an unchanged one never costs
/// a deep comparison.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The parsed find box: no filter, a filter, or the error to show inline.
#[derive(Clone, Debug)]
pub enum FindState {
    Empty,
    Valid(Arc<Filter>),
    Invalid(FilterError),
}

/// All view state of a trace page. Cheap to copy (signals and memos only).
#[derive(Clone, Copy)]
pub struct TraceView {
    pub trace: StoredValue<Arc<Trace>>,
    pub self_times: StoredValue<Arc<Vec<DurationNs>>>,
    pub collapsed: RwSignal<Collapsed>,
    pub selected: RwSignal<Option<SpanIdx>>,
    /// Whether the detail panel shows the selected span (Esc closes it, Enter opens it again).
    pub detail_open: RwSignal<bool>,
    /// The find box's committed text (what the filter is computed from).
    pub find_text: RwSignal<String>,
    /// "Matches only" instead of highlighting.
    pub only: RwSignal<bool>,
    /// Spans shown in "matches only" mode although they do not match (hidden runs the user opened).
    pub revealed: RwSignal<SpanSet>,
    /// Timeline window as fractions of the trace duration.
    pub zoom: RwSignal<Option<(f64, f64)>>,
    pub show_critical_path: RwSignal<bool>,
    pub find: Memo<FindStateMemo>,
    /// Spans matching the filter (None without a valid filter).
    pub matches: Memo<Option<Shared<SpanSet>>>,
    /// Spans chosen by something other than the find box (an insight, the service map), with what to call them.
    pub pinned: RwSignal<Option<Pinned>>,
    /// The view shown in the main area.
    pub tab: RwSignal<ViewTab>,
    pub rows: Memo<Shared<RowList>>,
    /// While the critical path is switched on, the critical path ([`TraceView::critical_path`]).
    pub critical: Memo<Option<Shared<CriticalPath>>>,
    /// The critical path once computed, for the toggle and the insights alike.
    critical_once: StoredValue<Option<Shared<CriticalPath>>>,
    /// Pixels scrolled from the top of the row list.
    pub scroll_top: RwSignal<f64>,
    /// Height of the scroll viewport in pixels.
    pub viewport_h: RwSignal<f64>,
    /// Set to a row index to scroll it into view.
    pub reveal_row: RwSignal<Option<usize>>,
}

/// A set of spans shown as matches in place of the find box's, with a label ("N+1: SELECT inventory ×12").
#[derive(Clone, Debug, PartialEq)]
pub struct Pinned {
    pub label: String,
    pub spans: Shared<SpanSet>,
}

/// The views of a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewTab {
    Waterfall,
    Statistics,
    Flamegraph,
    ServiceMap,
}

impl ViewTab {
    pub const ALL: [(ViewTab, &'static str, &'static str); 4] = [
        (ViewTab::Waterfall, "waterfall", "Waterfall"),
        (ViewTab::Statistics, "statistics", "Statistics"),
        (ViewTab::Flamegraph, "flamegraph", "Flame graph"),
        (ViewTab::ServiceMap, "service-map", "Service map"),
    ];

    pub fn param(self) -> &'static str {
        Self::ALL.iter().find(|x| x.0 == self).map_or("waterfall", |x| x.1)
    }

    pub fn from_param(p: &str) -> ViewTab {
        Self::ALL.iter().find(|x| x.1 == p).map_or(ViewTab::Waterfall, |x| x.0)
    }
}

/// [`FindState`] with the text it came from; equal when the text is equal.
#[derive(Clone, Debug)]
pub struct FindStateMemo {
    pub text: String,
    pub state: FindState,
}

impl PartialEq for FindStateMemo {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl TraceView {
    /// The view of `trace`, starting from the view parameters of the URL.
    pub fn new(trace: Arc<Trace>, params: &Params) -> Self {
        let self_t = Arc::new(self_times(&trace));
        let collapsed = RwSignal::new(Collapsed::none(&trace));
        let find_text = RwSignal::new(params.find.clone());
        let only = RwSignal::new(params.only);
        let revealed = RwSignal::new(SpanSet::with_len(trace.len()));
        let show_critical_path = RwSignal::new(params.critical_path);

        let find = Memo::new(move |_| {
            let text = find_text.get();
            let state = match Filter::parse(&text) {
                Ok(None) => FindState::Empty,
                Ok(Some(f)) => FindState::Valid(Arc::new(f)),
                Err(e) => FindState::Invalid(e),
            };
            FindStateMemo { text, state }
        });
        let t = trace.clone();
        let pinned = RwSignal::new(None::<Pinned>);
        let matches = Memo::new(move |_| {
            // A pinned set (an insight's spans, a service on the map) stands in for the find box while it is set.
            if let Some(p) = pinned.get() {
                return Some(p.spans);
            }
            find.with(|f| match &f.state {
                FindState::Valid(filter) => Some(Shared(Arc::new(filter.matches(&t)))),
                _ => None,
            })
        });
        // A new filter starts with every hidden run closed again.
        let t = trace.clone();
        Effect::new(move |prev: Option<()>| {
            find.track();
            if prev.is_some() {
                revealed.set(SpanSet::with_len(t.len()));
            }
        });
        let t = trace.clone();
        let kept = Memo::new(move |_| {
            if !only.get() {
                return None;
            }
            let m = matches.get()?;
            let mut set = (*m.0).clone();
            revealed.with(|r| {
                for s in r.iter() {
                    set.insert(s);
                }
            });
            Some(Shared(Arc::new(with_ancestors(&t, &set))))
        });
        let t = trace.clone();
        let rows = Memo::new(move |_| {
            let keep = kept.get();
            collapsed.with(|c| Shared(Arc::new(visible_rows(&t, c, keep.as_deref()))))
        });
        let critical_once = StoredValue::new(None::<Shared<CriticalPath>>);
        let t = trace.clone();
        let critical = Memo::new(move |_| show_critical_path.get().then(|| critical_path_once(critical_once, &t)));

        TraceView {
            trace: StoredValue::new(trace),
            self_times: StoredValue::new(self_t),
            collapsed,
            selected: RwSignal::new(None),
            detail_open: RwSignal::new(true),
            find_text,
            only,
            revealed,
            zoom: RwSignal::new(params.zoom),
            show_critical_path,
            find,
            matches,
            pinned,
            tab: RwSignal::new(ViewTab::from_param(&params.view)),
            rows,
            critical,
            critical_once,
            scroll_top: RwSignal::new(0.0),
            viewport_h: RwSignal::new(600.0),
            reveal_row: RwSignal::new(None),
        }
    }

    pub fn trace(&self) -> Arc<Trace> {
        self.trace.get_value()
    }

    /// The critical path of the trace, computed on first use (by the toggle or the insights, whichever comes
    /// first: at 1M spans it takes about 0.1 s).
    pub fn critical_path(&self) -> Shared<CriticalPath> {
        critical_path_once(self.critical_once, &self.trace())
    }

    /// Row index of a span, if it has a row.
    pub fn row_of(&self, s: SpanIdx) -> Option<usize> {
        self.rows.with_untracked(|r| r.row_of(s))
    }

    /// Selects `s`, opening whatever hides it (collapsed ancestors, a pruned run) and scrolling it into view.
    pub fn select(&self, s: SpanIdx) {
        let trace = self.trace();
        if self.collapsed.with_untracked(|c| c.hides(&trace, s)) {
            self.collapsed.update(|c| {
                c.reveal(&trace, s);
            });
        }
        if self.row_of(s).is_none() {
            self.revealed.update(|r| r.insert(s));
        }
        self.selected.set(Some(s));
        self.detail_open.set(true);
        if let Some(i) = self.row_of(s) {
            self.reveal_row.set(Some(i));
        }
    }

    /// Shows `spans` as the matches ("matches only"), labelled, in the waterfall.
    pub fn pin(&self, label: String, spans: SpanSet) {
        self.pinned.set(Some(Pinned { label, spans: Shared(Arc::new(spans)) }));
        self.only.set(true);
        self.tab.set(ViewTab::Waterfall);
    }

    /// Opens a run of hidden spans (a "N hidden spans" row).
    pub fn open_hidden(&self, first: SpanIdx, count: u32) {
        self.revealed.update(|r| {
            for i in first.0..first.0 + count {
                r.insert(SpanIdx(i));
            }
        });
    }

    /// Selects the next (or previous) match after the selection, wrapping around.
    pub fn step_match(&self, forward: bool) {
        let Some(m) = self.matches.get_untracked() else { return };
        let cur = self.selected.get_untracked();
        let next = if forward {
            m.next_after(cur).or_else(|| m.next_after(None))
        } else {
            m.prev_before(cur).or_else(|| m.prev_before(None))
        };
        if let Some(s) = next {
            self.select(s);
        }
    }

    /// The view parameters for the URL (`theme`, `backend` and `embed` kept from `current`).
    pub fn params(&self, current: &Params) -> Params {
        let trace = self.trace();
        Params {
            theme: current.theme,
            backend: current.backend.clone(),
            embed: current.embed,
            span: self.selected.get().map(|s| trace.span_id_text(s)),
            find: self.find_text.get(),
            only: self.only.get(),
            zoom: self.zoom.get(),
            critical_path: self.show_critical_path.get(),
            view: match self.tab.get() {
                ViewTab::Waterfall => String::new(),
                t => t.param().to_string(),
            },
        }
    }

    /// Applies view parameters from the URL (when the hash is edited or history moves). Returns a notice when
    /// `span=` names no span of this trace.
    pub fn apply_params(&self, p: &Params) -> Option<String> {
        if self.find_text.get_untracked() != p.find {
            self.find_text.set(p.find.clone());
        }
        if self.only.get_untracked() != p.only {
            self.only.set(p.only);
        }
        if self.zoom.get_untracked() != p.zoom {
            self.zoom.set(p.zoom);
        }
        let tab = ViewTab::from_param(&p.view);
        if self.tab.get_untracked() != tab {
            self.tab.set(tab);
        }
        if self.show_critical_path.get_untracked() != p.critical_path {
            self.show_critical_path.set(p.critical_path);
        }
        let trace = self.trace();
        match &p.span {
            None => {
                if self.selected.get_untracked().is_some() {
                    self.selected.set(None);
                }
            }
            Some(id) => {
                let current = self.selected.get_untracked().map(|s| trace.span_id_text(s));
                if current.is_some_and(|c| c.eq_ignore_ascii_case(id)) {
                    return None;
                }
                // Hex ids by value (no string per span); ids that are not hex by their text.
                let found = match spanscope_model::SpanId::from_hex(id) {
                    Some(sid) => trace.find_span(sid),
                    None => trace.spans().find(|&s| trace.span_id_text(s).eq_ignore_ascii_case(id)),
                };
                match found {
                    Some(s) => self.select(s),
                    None => {
                        return Some(format!(
                            "Ignored span={}: this trace has no span with that id.",
                            crate::route::shown_value(id)
                        ))
                    }
                }
            }
        }
        None
    }
}

fn critical_path_once(once: StoredValue<Option<Shared<CriticalPath>>>, trace: &Trace) -> Shared<CriticalPath> {
    if let Some(path) = once.get_value() {
        return path;
    }
    let path = Shared(Arc::new(critical_path(trace)));
    once.set_value(Some(path.clone()));
    path
}
