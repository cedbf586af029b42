//! Two traces side by side (`#/compare/<a>/<b>`): spans matched by their path of service and operation, paths
//! added and removed, duration deltas, and a summary of where the difference lies. Computed by
//! `spanscope_model::diff`. Traces that are not loaded are fetched from `?backend=`.

use crate::backend_client::ClientError;
use crate::http::Cancel;
use crate::pages::remote::fetch_trace;
use crate::route::{Params, Route};
use crate::state::{AppState, Backends};
use leptos::prelude::*;
use spanscope_model::diff::{diff, DiffRow};
use spanscope_model::DurationNs;

fn signed(d: DurationNs) -> String {
    if d.0 > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// The comparison page.
#[component]
pub fn ComparePage(a: String, b: String, backend: Option<String>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let failed = RwSignal::new(None::<String>);
    let cancel = StoredValue::new_local(Cancel::default());
    // Fetch what is missing, once the backends are known.
    {
        let (a, b, backend) = (a.clone(), b.clone(), backend.clone());
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            let missing: Vec<String> =
                [&a, &b].into_iter().filter(|id| app.find_trace(id).is_none()).cloned().collect();
            if missing.is_empty() {
                return true;
            }
            let Some(name) = backend.clone() else {
                failed.set(Some(format!(
                    "Trace {} is not loaded. Open it first, or add ?backend=<name> to fetch it.",
                    missing.join(" and ")
                )));
                return true;
            };
            let bk = match app.backends.get() {
                Backends::Loading => return false,
                bs => match bs.pick(Some(&name)) {
                    Some(b) => b,
                    None => {
                        failed.set(Some(format!("There is no backend called “{name}” in config.json.")));
                        return true;
                    }
                },
            };
            let c = cancel.get_value();
            leptos::task::spawn_local(async move {
                for id in missing {
                    match fetch_trace(app, &bk, &id, &c).await {
                        Ok(()) => {}
                        Err(ClientError::Failed(m)) => {
                            let _ = failed.try_set(Some(m));
                            return;
                        }
                        Err(ClientError::Cancelled) => return,
                    }
                }
            });
            true
        });
    }
    on_cleanup(move || cancel.with_value(|c| c.cancel()));

    let content = move || {
        if let Some(m) = failed.get() {
            return view! { <p class="load-error" data-testid="load-error">{m}</p> }.into_any();
        }
        let (Some(ta), Some(tb)) = (app.find_trace(&a), app.find_trace(&b)) else {
            return view! { <p class="muted" data-testid="trace-loading">"Loading the traces…"</p> }.into_any();
        };
        let d = diff(&ta.trace, &tb.trace);
        let s = &d.summary;
        let link = |t: &spanscope_model::Trace| Route::Trace { id: t.id_text(), params: Params::default() }.to_hash();
        let head = view! {
            <div class="compare-summary" data-testid="compare-summary" data-added=s.added data-removed=s.removed>
                <div><span class="muted">"A "</span><a href=link(&ta.trace)>{ta.trace.title()}</a>
                    {format!(" — {} spans, {}", ta.trace.len(), s.duration_a)}</div>
                <div><span class="muted">"B "</span><a href=link(&tb.trace)>{tb.trace.title()}</a>
                    {format!(" — {} spans, {}", tb.trace.len(), s.duration_b)}</div>
                <div><strong>{format!("B − A: {}", signed(DurationNs(s.duration_b.0 - s.duration_a.0)))}</strong>
                    {format!(" · {} path(s) only in B, {} only in A", s.added, s.removed)}</div>
                <div class="top-changes">"Where the difference lies: "
                    {s.top_changes.iter().map(|(p, dt)| view! { <span class="change">{format!("{p} {}", signed(*dt))}</span> }).collect_view()}
                </div>
            </div>
        };
        let row = |r: &DiffRow| {
            let cell = |side: &Option<spanscope_model::diff::SideStats>| match side {
                Some(x) => format!("{} × {}", x.count, x.total),
                None => "—".to_string(),
            };
            let kind = match (&r.a, &r.b) {
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                _ => "both",
            };
            view! {
                <tr class=format!("diff-row {kind}") data-testid="diff-row" data-kind=kind>
                    <td style:padding-left=format!("{}px", 8 + r.depth * 14)>{r.label.clone()}</td>
                    <td class="num">{cell(&r.a)}</td>
                    <td class="num">{cell(&r.b)}</td>
                    <td class="num" class:slower={r.delta.0 > 0} class:faster={r.delta.0 < 0}>{signed(r.delta)}</td>
                </tr>
            }
        };
        view! {
            {head}
            <table class="diff-table">
                <thead><tr><th>"Path"</th><th class="num">"A"</th><th class="num">"B"</th><th class="num">"Δ"</th></tr></thead>
                <tbody>{d.rows.iter().map(row).collect_view()}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="compare-page" data-testid="compare-page">
            <h1>"Compare traces"</h1>
            {content}
        </section>
    }
}
