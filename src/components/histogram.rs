//! The duration histogram of one operation (service + span name) across all loaded traces, drawn as SVG
//! ([`Plot`]), with the selected span's duration marked. Shown in the span detail.

use crate::components::svg_plot::{nice_ticks, Plot};
use crate::state::AppState;
use leptos::prelude::*;
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

fn draw(durations_ms: &[f64], mark_ms: f64) -> String {
    let (lo, hi, counts) = bins(durations_ms);
    let step = (hi - lo) / BINS as f64;
    let top = counts.iter().cloned().max().unwrap_or(1).max(1) as f64 * 1.15;
    let mut plot = Plot::new(WIDTH, HEIGHT, [34, 6, 6, 26], (lo, hi), (0.0, top));
    let whole = |y: f64| format!("{y:.0}");
    // Counts are whole numbers: no tick between them.
    let y_ticks: Vec<f64> = nice_ticks(0.0, top, 3).into_iter().filter(|y| y.fract() == 0.0).collect();
    plot.axes((&nice_ticks(lo, hi, 4), &|x| DurationNs((x * 1e6) as i64).to_string()), (&y_ticks, &whole), 10, false);
    for (k, &c) in counts.iter().enumerate().filter(|(_, &c)| c > 0) {
        let x0 = lo + k as f64 * step;
        plot.rect((x0, 0.0), (x0 + step * 0.92, c as f64), "rgb(76,120,168)");
    }
    plot.vline(mark_ms, "rgb(208,49,45)", 2.0);
    plot.finish()
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
    (count >= 2).then(|| {
        let svg = draw(&samples, duration.as_ms_f64());
        view! {
            <section class="detail-section histogram" data-testid="operation-histogram" data-count=count>
                <h3>{format!("Duration of this operation ({count} calls in {traces} loaded trace{})", if traces == 1 { "" } else { "s" })}</h3>
                <div class="histogram-svg" inner_html=svg></div>
                <p class="muted">"The red line is this span."</p>
            </section>
        }
    })
}
