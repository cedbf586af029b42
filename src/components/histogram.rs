//! The duration histogram of one operation (service + span name) across all loaded traces, drawn with plotters
//! as SVG, with the selected span's duration marked. Shown in the span detail.

use crate::state::AppState;
use leptos::prelude::*;
use plotters::prelude::*;
use spanscope_model::DurationNs;

const WIDTH: u32 = 400;
const HEIGHT: u32 = 150;
const BINS: usize = 20;

/// Bins (low edge ms, count) of `durations_ms` between min and max.
fn bins(durations_ms: &[f64]) -> (f64, f64, Vec<u32>) {
    let lo = durations_ms.iter().cloned().fold(f64::MAX, f64::min);
    let hi = durations_ms.iter().cloned().fold(f64::MIN, f64::max);
    let (lo, hi) = if hi - lo < 1e-9 { (lo - 0.5, hi + 0.5) } else { (lo, hi) };
    let mut counts = vec![0u32; BINS];
    for &d in durations_ms {
        let k = (((d - lo) / (hi - lo)) * BINS as f64).floor() as usize;
        counts[k.min(BINS - 1)] += 1;
    }
    (lo, hi, counts)
}

fn draw(durations_ms: &[f64], mark_ms: f64) -> Result<String, String> {
    let (lo, hi, counts) = bins(durations_ms);
    let step = (hi - lo) / BINS as f64;
    let top = counts.iter().cloned().max().unwrap_or(1).max(1) as f64 * 1.15;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(6)
            .x_label_area_size(20)
            .y_label_area_size(28)
            .build_cartesian_2d(lo..hi, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(4)
            .y_labels(3)
            .x_label_formatter(&|x| DurationNs((*x * 1e6) as i64).to_string())
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style(("sans-serif", 10).into_font().color(&RGBColor(110, 118, 135)))
            .axis_style(RGBColor(200, 204, 212))
            .draw()
            .map_err(|e| e.to_string())?;
        let bar = RGBColor(76, 120, 168);
        chart
            .draw_series(counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(k, &c)| {
                let x0 = lo + k as f64 * step;
                Rectangle::new([(x0, 0.0), (x0 + step * 0.92, c as f64)], bar.filled())
            }))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(mark_ms, 0.0), (mark_ms, top)],
                RGBColor(208, 49, 45).stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Durations of `service`/`name` spans in every loaded trace, with `duration` (the selected span's) marked.
#[component]
pub fn OperationHistogram(service: String, name: String, duration: DurationNs) -> impl IntoView {
    let app = expect_context::<AppState>();
    let samples: Vec<f64> = app.traces.with_untracked(|ts| {
        ts.iter()
            .flat_map(|lt| {
                let t = &lt.trace;
                t.spans()
                    .filter(|&s| t.name(s) == name && t.service(s) == service)
                    .map(|s| t.duration_of(s).as_ms_f64())
                    .collect::<Vec<_>>()
            })
            .collect()
    });
    let traces = app.traces.with_untracked(|ts| ts.len());
    let count = samples.len();
    (count >= 2).then(|| match draw(&samples, duration.as_ms_f64()) {
        Ok(svg) => view! {
            <section class="detail-section histogram" data-testid="operation-histogram" data-count=count>
                <h3>{format!("Duration of this operation ({count} calls in {traces} loaded trace{})", if traces == 1 { "" } else { "s" })}</h3>
                <div class="histogram-svg" inner_html=svg></div>
                <p class="muted">"The red line is this span."</p>
            </section>
        }
        .into_any(),
        Err(e) => view! { <p class="load-error">{format!("The histogram could not be drawn: {e}")}</p> }.into_any(),
    })
}
