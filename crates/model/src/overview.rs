//! The minimap's picture of a whole trace: a `width × height` raster where line `y` shows the spans whose rows
//! fall there (every row of the fully expanded waterfall, squeezed or stretched to `height` lines) and column `x`
//! is time. Each cell holds what to paint: nothing, a service, or an error.
//!
//! Cost O(n + width × height) whatever the trace's shape: each line is painted last span first and a
//! "next unpainted column" table (union-find with path halving) skips painted columns, so a column is painted
//! once even when a million spans overlap it.

use crate::trace::{SpanIdx, Trace};

/// A raster cell: empty, a service (its index in the trace's service table), or an error span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Service(u32),
    Error,
}

const EMPTY: u32 = 0;
const ERROR: u32 = u32::MAX;

/// The raster, line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    pub width: usize,
    pub height: usize,
    cells: Vec<u32>,
}

impl Overview {
    pub fn cell(&self, x: usize, y: usize) -> Cell {
        match self.cells[y * self.width + x] {
            EMPTY => Cell::Empty,
            ERROR => Cell::Error,
            v => Cell::Service(v - 1),
        }
    }
}

/// Draws `trace` into a `width × height` raster. Error spans win over others on a line; among the rest, the
/// later row wins (deeper spans stay visible over their parents).
pub fn overview(trace: &Trace, width: usize, height: usize) -> Overview {
    let mut cells = vec![EMPTY; width * height];
    let n = trace.len();
    if n == 0 || width == 0 || height == 0 {
        return Overview { width, height, cells };
    }
    let t0 = trace.start().0;
    let total = trace.duration().0.max(1) as f64;
    let col = |t: i64| ((t.saturating_sub(t0) as f64 / total) * width as f64).clamp(0.0, width as f64) as usize;
    let mut next = vec![0u32; width + 1];
    for y in 0..height {
        let lo = y * n / height;
        let hi = ((y + 1) * n / height).max(lo + 1).min(n);
        for (x, v) in next.iter_mut().enumerate() {
            *v = x as u32;
        }
        let line = &mut cells[y * width..(y + 1) * width];
        for pass_errors in [true, false] {
            for i in (lo..hi).rev() {
                let s = SpanIdx(i as u32);
                if trace.is_error(s) != pass_errors {
                    continue;
                }
                let a = col(trace.start_of(s).0).min(width - 1);
                let b = col(trace.end_of(s).0).max(a + 1).min(width);
                let value = if pass_errors { ERROR } else { trace.service_index(s) + 1 };
                let mut x = find(&mut next, a);
                while x < b {
                    line[x] = value;
                    next[x] = x as u32 + 1;
                    x = find(&mut next, x + 1);
                }
            }
        }
    }
    Overview { width, height, cells }
}

/// The first unpainted column at or after `x` (`width` when none).
fn find(next: &mut [u32], mut x: usize) -> usize {
    while next[x] as usize != x {
        let up = next[next[x] as usize];
        next[x] = up;
        x = up as usize;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    // 1 [0,100)         line 0
    // ├── 2 [0,50)      line 1
    // └── 3 [50,100)    line 2
    #[test]
    fn spans_land_on_their_lines_and_columns() {
        let t = crate::testing::trace(&[(1, 0, 0, 100), (2, 1, 0, 50), (3, 1, 50, 50)]);
        let o = overview(&t, 10, 3);
        assert_eq!(o.cell(0, 0), Cell::Service(0));
        assert_eq!(o.cell(9, 0), Cell::Service(0));
        assert_eq!(o.cell(4, 1), Cell::Service(0));
        assert_eq!(o.cell(5, 1), Cell::Empty);
        assert_eq!(o.cell(4, 2), Cell::Empty);
        assert_eq!(o.cell(5, 2), Cell::Service(0));
        // Squeezed into one line, every column is painted.
        let one = overview(&t, 10, 1);
        assert!((0..10).all(|x| one.cell(x, 0) != Cell::Empty));
        // Stretched: 3 spans over 6 lines, each span on two lines.
        let tall = overview(&t, 10, 6);
        assert_eq!(tall.cell(9, 4), Cell::Service(0));
        assert_eq!(tall.cell(0, 4), Cell::Empty);
    }

    // 1 [0,100)            error
    // └── 2 [0,100)        drawn on the same line as 1 when squeezed: the error still shows
    #[test]
    fn errors_win_on_a_shared_line() {
        let mut b = crate::build::TraceSetBuilder::new();
        let r = b.add_resource("svc", &[]);
        let mut d = crate::SpanDraft::default();
        for (id, parent, status) in [(1, 0, crate::StatusCode::Error), (2, 1, crate::StatusCode::Unset)] {
            d.trace_id = crate::TraceId::from_hex("1");
            d.span_id = crate::SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = crate::SpanId::from_hex(&format!("{parent:x}"));
            d.resource = r;
            d.status = status;
            d.start = Some(crate::TimestampNs(0));
            d.duration = Some(crate::DurationNs(100));
            b.add_span(&mut d);
        }
        let t = b.finish(&crate::BuildOptions::default()).remove(0);
        assert_eq!(overview(&t, 4, 1).cell(2, 0), Cell::Error);
        assert_eq!(overview(&t, 4, 2).cell(2, 1), Cell::Service(0));
    }

    #[test]
    fn a_huge_trace_rasterizes_in_one_pass() {
        let spans: Vec<(u64, u64, i64, i64)> =
            (1..=100_000u64).map(|i| (i, if i == 1 { 0 } else { 1 }, 0, 1_000)).collect();
        let t = crate::testing::trace(&spans);
        let o = overview(&t, 400, 60);
        assert!((0..60).all(|y| (0..400).all(|x| o.cell(x, y) == Cell::Service(0))));
    }
}
