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

/// The color of service number `service` as RGB bytes (for the minimap's raster).
pub fn service_rgb(service: u32) -> [u8; 3] {
    let hex = service_color(service).trim_start_matches('#');
    let byte = |k: usize| u8::from_str_radix(&hex[k..k + 2], 16).unwrap_or(0);
    [byte(0), byte(2), byte(4)]
}

/// A color chosen by a name (FNV-1a hash), so one service has one color across search results.
pub fn color_for_name(name: &str) -> &'static str {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    service_color(h)
}

#[cfg(test)]
mod tests {
    #[test]
    fn rgb_matches_the_css_color() {
        assert_eq!(super::service_rgb(0), [0x4c, 0x78, 0xa8]);
        assert_eq!(super::service_rgb(21), [0xf5, 0x85, 0x18]);
    }

    #[test]
    fn a_name_always_gets_the_same_color() {
        assert_eq!(super::color_for_name("cart"), super::color_for_name("cart"));
        assert_ne!(super::color_for_name("cart"), super::color_for_name("checkout"));
    }
}
