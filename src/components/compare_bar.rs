//! The checkbox that picks a trace for comparison, and the bar that opens the comparison of the two picked.

use crate::route::Route;
use crate::state::AppState;
use leptos::prelude::*;

/// A checkbox picking trace `id` (from `backend`, when it is a search result) for comparison.
#[component]
pub fn ComparePick(id: String, #[prop(optional_no_strip)] backend: Option<String>) -> impl IntoView {
    let app = expect_context::<AppState>();
    let id2 = id.clone();
    view! {
        <label class="compare-pick" title="Pick two traces to compare them">
            <input type="checkbox" data-testid="compare-pick" data-trace-id=id.clone()
                prop:checked=move || app.compare_pick.with(|(ids, _)| ids.contains(&id2))
                on:change=move |_| app.toggle_compare(&id, backend.clone()) />
            " compare"
        </label>
    }
}

/// "Compare the two picked traces", shown once two are picked.
#[component]
pub fn CompareBar() -> impl IntoView {
    let app = expect_context::<AppState>();
    move || {
        let (ids, backend) = app.compare_pick.get();
        (ids.len() == 2).then(|| {
            let href = Route::Compare { a: ids[0].clone(), b: ids[1].clone(), backend }.to_hash();
            view! {
                <div class="compare-bar">
                    <a class="button primary" data-testid="compare-open" href=href>"Compare the two picked traces"</a>
                    <button class="link" on:click=move |_| app.compare_pick.set((Vec::new(), None))>"clear"</button>
                </div>
            }
        })
    }
}
