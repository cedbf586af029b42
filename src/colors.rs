//! Service colors: one per service index, stable across views and traces of one load. A categorical palette
//! that stays legible on light and dark backgrounds, without reds (red means error).

const PALETTE: [&str; 20] = [
    "#4c78a8", "#f58518", "#54a24b", "#b279a2", "#79706e", "#72b7b2", "#eeca3b", "#ff9da6", "#9d755d", "#bab0ac",
    "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8", "#ff7f0e",
];

/// The color of service number `service`.
pub fn service_color(service: u32) -> &'static str {
    PALETTE[service as usize % PALETTE.len()]
}
