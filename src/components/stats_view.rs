//! The statistics view: per service, per operation, or grouped by any attribute — count, total, average, min,
//! max, self-time total, errors and share of the trace; sortable by any column; CSV export. Computed by
//! `spanscope_model::stats` (one pass over the trace).

use crate::download::download;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::stats::{attribute_keys, sort, statistics, stats_csv, GroupBy, GroupStats, SortKey};

/// The most attribute keys offered in the list to group by (the most common ones).
const KEYS_LISTED: usize = 500;

const COLUMNS: [(SortKey, &str, &str); 8] = [
    (SortKey::Key, "key", "Group"),
    (SortKey::Count, "count", "Spans"),
    (SortKey::Total, "total", "Total"),
    (SortKey::Avg, "avg", "Average"),
    (SortKey::Min, "min", "Min"),
    (SortKey::Max, "max", "Max"),
    (SortKey::SelfTotal, "self", "Self time"),
    (SortKey::Errors, "errors", "Errors"),
];

/// The statistics table of a trace.
#[component]
pub fn StatsView(view: TraceView) -> impl IntoView {
    let group = RwSignal::new("service".to_string());
    let attribute = RwSignal::new(String::new());
    let order = RwSignal::new((SortKey::SelfTotal, true));
    let error = RwSignal::new(None::<String>);
    let rows = Memo::new(move |_| {
        let by = match group.get().as_str() {
            "operation" => GroupBy::Operation,
            "attribute" => {
                let key = attribute.get();
                if key.trim().is_empty() {
                    return Vec::new();
                }
                GroupBy::Attribute(key.trim().to_string())
            }
            _ => GroupBy::Service,
        };
        let trace = view.trace();
        let mut rows = view.self_times.with_value(|st| statistics(&trace, st, &by));
        let (key, desc) = order.get();
        sort(&mut rows, key, desc);
        rows
    });
    // The keys there are to group by, listed under the key box: computed when grouping by attribute is chosen.
    let keys =
        Memo::new(
            move |_| {
                if group.get() == "attribute" {
                    attribute_keys(&view.trace(), KEYS_LISTED)
                } else {
                    Vec::new()
                }
            },
        );
    let export_csv = move |_| {
        let id: String = view
            .trace()
            .id_text()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .collect();
        let name = format!("trace-{id}-{}.csv", group.get_untracked());
        if let Err(e) = download(&name, "text/csv", stats_csv(&rows.get_untracked()).as_bytes()) {
            error.set(Some(e));
        }
    };
    let header = move || {
        COLUMNS
            .iter()
            .map(|&(key, id, label)| {
                let arrow = move || match order.get() {
                    (k, true) if k == key => " ▼",
                    (k, false) if k == key => " ▲",
                    _ => "",
                };
                view! {
                    <th scope="col" class:num={key != SortKey::Key}>
                        <button class="sort" data-testid="stats-sort" data-column=id
                            on:click=move |_| order.update(|o| *o = if o.0 == key { (key, !o.1) } else { (key, key != SortKey::Key) })>
                            {label}{arrow}
                        </button>
                    </th>
                }
            })
            .collect_view()
    };
    let row_view = move |r: GroupStats| {
        view! {
            <tr data-testid="stats-row" data-key=r.key.clone() data-count=r.count>
                // An operation's service after its name (grouped by service, the name is the service).
                <th scope="row">{r.key.clone()}{r.service.clone().filter(|_| group.with_untracked(|g| g == "operation")).map(|s| view! { <span class="muted">{format!("  {s}")}</span> })}</th>
                <td class="num">{r.count}</td>
                <td class="num">{r.total.to_string()}</td>
                <td class="num">{r.avg.to_string()}</td>
                <td class="num">{r.min.to_string()}</td>
                <td class="num">{r.max.to_string()}</td>
                <td class="num">{format!("{} ({:.1}%)", r.self_total, r.share_of_trace * 100.0)}</td>
                <td class="num" class:has-errors={r.errors > 0}>{r.errors}</td>
            </tr>
        }
    };
    view! {
        <section class="stats-view" data-testid="statistics">
            <div class="stats-controls">
                <label>"Group by "
                    <select data-testid="stats-group" on:change=move |ev| group.set(event_target_value(&ev))>
                        <option value="service">"service"</option>
                        <option value="operation">"operation"</option>
                        <option value="attribute">"attribute…"</option>
                    </select>
                </label>
                <Show when=move || group.get() == "attribute">
                    <input type="text" data-testid="stats-attribute" placeholder="attribute key" list="stats-attribute-keys"
                        prop:value=move || attribute.get() on:input=move |ev| attribute.set(event_target_value(&ev)) />
                    <datalist id="stats-attribute-keys">
                        {move || keys.get().into_iter().map(|(key, spans)| {
                            let label = if spans == 1 { "1 span".to_string() } else { format!("{spans} spans") };
                            view! { <option value=key>{label}</option> }
                        }).collect_view()}
                    </datalist>
                </Show>
                <button class="button small" data-testid="stats-csv" on:click=export_csv>"Export CSV"</button>
                {move || error.get().map(|e| view! { <span class="load-error">{e}</span> })}
            </div>
            <Show when=move || group.get() == "attribute" && attribute.with(|a| a.trim().is_empty())>
                <p class="muted" data-testid="stats-attribute-hint">{move || keys.with(|k| match k.first() {
                    None => "No span of this trace has attributes to group by.".to_string(),
                    Some((key, _)) => format!(
                        "Group the spans by the values of one attribute: type its key, or pick one of the {} in the list \
                         (the most common first: {key}).",
                        if k.len() == KEYS_LISTED { format!("{KEYS_LISTED} most common") } else { k.len().to_string() }
                    ),
                })}</p>
            </Show>
            <table class="stats-table">
                <thead><tr>{header}</tr></thead>
                <tbody>{move || rows.get().into_iter().map(row_view).collect_view()}</tbody>
            </table>
        </section>
    }
}
