//! Small SVG plots written as text: a frame with two linear axes, ticks at round numbers, grid lines, labels and
//! marks (circles, bars, a vertical line). It is all the search scatter plot and the operation histogram need;
//! the plotting library it replaces (plotters) was 14 KB of the gzipped download for the same two pictures.

use std::fmt::Write as _;

const LABEL: &str = "rgb(110,118,135)";
const GRID: &str = "rgb(228,231,236)";
const AXIS: &str = "rgb(200,204,212)";

/// About `n` ticks inside `[lo, hi]`, `step` apart where `step` is 1, 2 or 5 × a power of ten.
pub fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if !lo.is_finite() || !hi.is_finite() || hi <= lo || n == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / n as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = magnitude
        * match raw / magnitude {
            r if r < 1.5 => 1.0,
            r if r < 3.0 => 2.0,
            r if r < 7.0 => 5.0,
            _ => 10.0,
        };
    let first = (lo / step).ceil();
    (0..=4 * n).map(|k| (first + k as f64) * step).take_while(|&t| t <= hi + step * 1e-9).collect()
}

/// Text safe inside SVG markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A plot being written: data coordinates `x` × `y` mapped onto the area inside the margins.
pub struct Plot {
    svg: String,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Plot {
    /// A `width` × `height` plot; `margins` are left, top, right and bottom in pixels (labels go in them).
    pub fn new(width: u32, height: u32, margins: [u32; 4], x: (f64, f64), y: (f64, f64)) -> Plot {
        let mut svg = String::with_capacity(4096);
        let _ = write!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">"#
        );
        let [l, t, r, b] = margins.map(f64::from);
        Plot { svg, left: l, top: t, right: f64::from(width) - r, bottom: f64::from(height) - b, x, y }
    }

    /// The pixel column of data `x`.
    pub fn px(&self, x: f64) -> f64 {
        let (lo, hi) = self.x;
        self.left + (x - lo) / (hi - lo) * (self.right - self.left)
    }

    /// The pixel row of data `y` (up is larger).
    pub fn py(&self, y: f64) -> f64 {
        let (lo, hi) = self.y;
        self.bottom - (y - lo) / (hi - lo) * (self.bottom - self.top)
    }

    /// Axis lines on the left and bottom, a labelled tick at each of `x_ticks` and `y_ticks`, and (with `grid`)
    /// a grid line across the plot at each.
    pub fn axes(
        &mut self,
        (x_ticks, x_label): (&[f64], &dyn Fn(f64) -> String),
        (y_ticks, y_label): (&[f64], &dyn Fn(f64) -> String),
        font_px: u32,
        grid: bool,
    ) {
        let (l, t, r, b) = (self.left, self.top, self.right, self.bottom);
        if grid {
            for &x in x_ticks {
                let px = self.px(x);
                let _ =
                    write!(self.svg, r#"<line x1="{px:.1}" y1="{t:.1}" x2="{px:.1}" y2="{b:.1}" stroke="{GRID}"/>"#);
            }
            for &y in y_ticks {
                let py = self.py(y);
                let _ =
                    write!(self.svg, r#"<line x1="{l:.1}" y1="{py:.1}" x2="{r:.1}" y2="{py:.1}" stroke="{GRID}"/>"#);
            }
        }
        let _ = write!(
            self.svg,
            r#"<path d="M{l:.1} {t:.1}V{b:.1}H{r:.1}" fill="none" stroke="{AXIS}"/><g font-size="{font_px}" fill="{LABEL}">"#
        );
        for &x in x_ticks {
            let px = self.px(x);
            let _ = write!(
                self.svg,
                r#"<line x1="{px:.1}" y1="{b:.1}" x2="{px:.1}" y2="{:.1}" stroke="{AXIS}"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                b + 4.0,
                b + 6.0 + f64::from(font_px),
                escape(&x_label(x))
            );
        }
        for &y in y_ticks {
            let py = self.py(y);
            let _ = write!(
                self.svg,
                r#"<line x1="{:.1}" y1="{py:.1}" x2="{l:.1}" y2="{py:.1}" stroke="{AXIS}"/><text x="{:.1}" y="{py:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"#,
                l - 4.0,
                l - 6.0,
                escape(&y_label(y))
            );
        }
        self.svg.push_str("</g>");
    }

    /// A filled circle of radius `r` pixels at data `(x, y)`.
    pub fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str, opacity: f64) {
        let (px, py) = (self.px(x), self.py(y));
        let _ =
            write!(self.svg, r#"<circle cx="{px:.1}" cy="{py:.1}" r="{r}" fill="{fill}" fill-opacity="{opacity}"/>"#);
    }

    /// A filled rectangle between data corners `(x0, y0)` and `(x1, y1)`.
    pub fn rect(&mut self, (x0, y0): (f64, f64), (x1, y1): (f64, f64), fill: &str) {
        let (a, b) = (self.px(x0), self.px(x1));
        let (c, d) = (self.py(y0), self.py(y1));
        let _ = write!(
            self.svg,
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{fill}"/>"#,
            a.min(b),
            c.min(d),
            (b - a).abs(),
            (d - c).abs()
        );
    }

    /// A vertical line at data `x` across the whole plot.
    pub fn vline(&mut self, x: f64, stroke: &str, width: f64) {
        let px = self.px(x);
        let (t, b) = (self.top, self.bottom);
        let _ = write!(
            self.svg,
            r#"<line x1="{px:.1}" y1="{t:.1}" x2="{px:.1}" y2="{b:.1}" stroke="{stroke}" stroke-width="{width}"/>"#
        );
    }

    /// The SVG text.
    pub fn finish(mut self) -> String {
        self.svg.push_str("</svg>");
        self.svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_round_numbers_inside_the_range() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 1.1, 5), vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(nice_ticks(13.0, 87.0, 3), vec![20.0, 40.0, 60.0, 80.0]);
        let t = nice_ticks(1_700_000_003_000.0, 1_700_000_062_000.0, 6);
        assert!(t.len() >= 4 && t.len() <= 8 && t.iter().all(|x| x % 10_000.0 == 0.0), "{t:?}");
        assert!(nice_ticks(5.0, 5.0, 4).is_empty());
        assert!(nice_ticks(0.0, f64::NAN, 4).is_empty());
    }

    #[test]
    fn data_maps_onto_the_area_inside_the_margins() {
        let p = Plot::new(100, 50, [10, 5, 10, 5], (0.0, 8.0), (0.0, 4.0));
        assert_eq!((p.px(0.0), p.px(8.0), p.px(4.0)), (10.0, 90.0, 50.0));
        assert_eq!((p.py(0.0), p.py(4.0)), (45.0, 5.0));
        let mut p = p;
        p.rect((0.0, 0.0), (2.0, 1.0), "red");
        p.axes((&[0.0, 4.0], &|x| format!("<{x}>")), (&[2.0], &|y| y.to_string()), 10, true);
        let svg = p.finish();
        assert!(svg.contains(r#"<rect x="10.0" y="35.0" width="20.0" height="10.0" fill="red"/>"#), "{svg}");
        assert!(svg.contains("&lt;4&gt;") && svg.ends_with("</svg>"), "{svg}");
    }
}
