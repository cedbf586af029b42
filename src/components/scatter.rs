//! The search results' scatter plot: duration against start time, one point per trace, error traces in red.
//! Axes, grid and points are drawn by plotters into an SVG string; over each point sits a transparent button
//! placed with plotters' own data-to-pixel mapping, so a point can be clicked (or focused and pressed) to open
//! its trace, and its tooltip names it.

use leptos::prelude::*;
use plotters::prelude::*;
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
fn draw(summaries: &[TraceSummary]) -> Result<(String, Vec<Placed>), String> {
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
    let mut svg = String::new();
    let mut placed = Vec::with_capacity(summaries.len());
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(26)
            .y_label_area_size(58)
            .build_cartesian_2d((x0 - pad)..(x1 + pad), 0.0..y1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|x| clock(*x, fine))
            .y_label_formatter(&|y| spanscope_model::DurationNs((*y * 1e6) as i64).to_string())
            .label_style(("sans-serif", 11).into_font().color(&RGBColor(110, 118, 135)))
            .light_line_style(RGBColor(246, 247, 249))
            .bold_line_style(RGBColor(220, 223, 230))
            .axis_style(RGBColor(200, 204, 212))
            .draw()
            .map_err(|e| e.to_string())?;
        let ok = RGBColor(47, 111, 222);
        let err = RGBColor(208, 49, 45);
        chart
            .draw_series(summaries.iter().zip(xs.iter().zip(&ys)).map(|(s, (&x, &y))| {
                let color = if s.error_count > 0 { err } else { ok };
                Circle::new((x, y), 5, color.mix(0.75).filled())
            }))
            .map_err(|e| e.to_string())?;
        for (s, (&x, &y)) in summaries.iter().zip(xs.iter().zip(&ys)) {
            let (px, py) = chart.backend_coord(&(x, y));
            placed.push(Placed { x: px, y: py, summary: s.clone() });
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok((svg, placed))
}

/// The scatter plot of search results.
#[component]
pub fn Scatter(summaries: Vec<TraceSummary>, on_open: Callback<TraceSummary>) -> impl IntoView {
    match draw(&summaries) {
        Err(e) => view! { <p class="load-error">{format!("The plot could not be drawn: {e}")}</p> }.into_any(),
        Ok((svg, placed)) => view! {
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
        .into_any(),
    }
}
