//! The search results' scatter plot: duration against start time, one point per trace, error traces in red.
//! Axes, grid and points are written as one SVG string ([`Plot`]); over each point sits a transparent button
//! placed with the plot's own data-to-pixel mapping, so a point can be clicked (or focused and pressed) to open
//! its trace, and its tooltip names it.

use crate::components::svg_plot::{nice_ticks, Plot};
use leptos::prelude::*;
use spanscope_model::backend::TraceSummary;

const WIDTH: u32 = 880;
const HEIGHT: u32 = 220;

/// A point's place in the SVG, in pixels.
struct Placed {
    x: i32,
    y: i32,
    summary: TraceSummary,
}

/// Formats ms since the epoch as local `HH:MM:SS`, with milliseconds when the axis spans under 10 s.
fn clock(ms: f64, fine: bool) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let hms = format!("{:02}:{:02}:{:02}", d.get_hours(), d.get_minutes(), d.get_seconds());
    if fine {
        format!("{hms}.{:03}", d.get_milliseconds())
    } else {
        hms
    }
}

/// Draws the plot; returns the SVG text and where each point landed.
fn draw(summaries: &[TraceSummary]) -> (String, Vec<Placed>) {
    let xs: Vec<f64> = summaries.iter().map(|s| s.start.0 as f64 / 1e6).collect();
    let ys: Vec<f64> = summaries.iter().map(|s| s.duration.0 as f64 / 1e6).collect();
    let (mut x0, mut x1) = xs.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    if x1 - x0 < 1.0 {
        x0 -= 500.0;
        x1 += 500.0;
    }
    let pad = (x1 - x0) * 0.04;
    let fine = x1 - x0 < 10_000.0;
    let y1 = ys.iter().cloned().fold(0.0, f64::max).max(1.0) * 1.1;
    let x_range = (x0 - pad, x1 + pad);
    let mut plot = Plot::new(WIDTH, HEIGHT, [68, 10, 10, 36], x_range, (0.0, y1));
    plot.axes(
        (&nice_ticks(x_range.0, x_range.1, 6), &|x| clock(x, fine)),
        (&nice_ticks(0.0, y1, 5), &|y| spanscope_model::DurationNs((y * 1e6) as i64).to_string()),
        11,
        true,
    );
    let mut placed = Vec::with_capacity(summaries.len());
    for (s, (&x, &y)) in summaries.iter().zip(xs.iter().zip(&ys)) {
        let color = if s.error_count > 0 { "rgb(208,49,45)" } else { "rgb(47,111,222)" };
        plot.circle(x, y, 5.0, color, 0.75);
        placed.push(Placed { x: plot.px(x).round() as i32, y: plot.py(y).round() as i32, summary: s.clone() });
    }
    (plot.finish(), placed)
}

/// The scatter plot of search results.
#[component]
pub fn Scatter(summaries: Vec<TraceSummary>, on_open: Callback<TraceSummary>) -> impl IntoView {
    let (svg, placed) = draw(&summaries);
    view! {
            <div class="scatter" data-testid="search-scatter" style:width=format!("{WIDTH}px") style:height=format!("{HEIGHT}px")>
                <div class="scatter-svg" inner_html=svg></div>
                {placed.into_iter().map(|p| {
                    let s = p.summary.clone();
                    let tip = format!(
                        "{}: {} — {} · {} spans{}",
                        s.root_service, s.root_name, s.duration, s.span_count,
                        if s.error_count > 0 { format!(" · {} errors", s.error_count) } else { String::new() }
                    );
                    view! {
                        <button class="scatter-point" data-testid="scatter-point" data-trace-id=s.trace_id.clone()
                            title=tip.clone() aria-label=tip
                            style:left=format!("{}px", p.x - 7) style:top=format!("{}px", p.y - 7)
                            on:click=move |_| on_open.run(s.clone())></button>
                    }
                }).collect_view()}
            </div>
    }
}
