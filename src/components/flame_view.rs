//! The flame graph (icicle, time on x, depth on y) on a canvas, laid out by `spanscope_model::flame` (whole
//! subtrees too narrow to see are skipped, so a million spans cost what is visible; the index is built once). Click a span to zoom onto
//! it and select it; "Reset" shows the whole trace. Same colors as the waterfall.

use crate::colors::service_color;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::flame::{flame_hit, zoom_to, FlameIndex, FlameRect};
use wasm_bindgen::JsCast;

const ROW_PX: f64 = 18.0;

/// The flame graph of a trace.
#[component]
pub fn FlameView(view: TraceView) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let total = view.trace.with_value(|t| t.duration().0.max(1));
    let window = RwSignal::new((0i64, total));
    let rects = StoredValue::new(Vec::<FlameRect>::new());
    let hover = RwSignal::new(String::new());
    let depth = view.trace.with_value(|t| t.depth()) as f64 + 1.0;
    // Built once (O(n)); each redraw (zoom, resize, selection) then costs only what is visible.
    let index = StoredValue::new(view.trace.with_value(|t| FlameIndex::new(t)));

    let draw = move || {
        let Some(c) = canvas.get_untracked() else { return };
        let width = c.client_width().max(1) as f64;
        let height = depth * ROW_PX;
        c.set_width(width as u32);
        c.set_height(height as u32);
        let (from, to) = window.get_untracked();
        let trace = view.trace();
        let laid = index.with_value(|ix| ix.layout(&trace, from, to, 1.0 / width));
        let Ok(Some(ctx)) = c.get_context("2d") else { return };
        let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
        ctx.clear_rect(0.0, 0.0, width, height);
        ctx.set_font("11px system-ui, sans-serif");
        let selected = view.selected.get_untracked();
        for r in &laid {
            let x = r.x0 * width;
            let w = ((r.x1 - r.x0) * width).max(1.0);
            let y = r.depth as f64 * ROW_PX;
            ctx.set_fill_style_str(service_color(trace.service_index(r.span)));
            ctx.fill_rect(x, y, w - 0.5, ROW_PX - 1.0);
            if trace.is_error(r.span) {
                ctx.set_fill_style_str("#d0312d");
                ctx.fill_rect(x, y + ROW_PX - 4.0, w - 0.5, 3.0);
            }
            if Some(r.span) == selected {
                ctx.set_stroke_style_str("#111");
                ctx.set_line_width(2.0);
                ctx.stroke_rect(x + 1.0, y + 1.0, (w - 2.5).max(1.0), ROW_PX - 3.0);
            }
            if w > 40.0 {
                ctx.set_fill_style_str("#fff");
                let label = trace.name(r.span);
                let max_chars = ((w - 6.0) / 6.5) as usize;
                let text: String = if label.chars().count() > max_chars {
                    label.chars().take(max_chars.saturating_sub(1)).chain(['…']).collect()
                } else {
                    label.to_string()
                };
                let _ = ctx.fill_text(&text, x + 3.0, y + 13.0);
            }
        }
        rects.set_value(laid);
    };
    Effect::new(move |_| {
        window.track();
        view.selected.track();
        if canvas.get().is_some() {
            draw();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| draw());
    on_cleanup(move || resize.remove());

    let span_at = move |ev: &leptos::ev::MouseEvent| {
        let c = canvas.get_untracked()?;
        let rect = c.get_bounding_client_rect();
        let x = (ev.client_x() as f64 - rect.left()) / rect.width().max(1.0);
        let row = ((ev.client_y() as f64 - rect.top()) / ROW_PX).floor();
        if row < 0.0 {
            return None;
        }
        rects.with_value(|r| flame_hit(r, x, row as u32))
    };
    view! {
        <section class="flame-view" data-testid="flamegraph">
            <div class="flame-controls">
                <button class="button small" data-testid="flame-reset" disabled=move || window.get() == (0, total)
                    on:click=move |_| window.set((0, total))>"Reset zoom"</button>
                <span class="muted">"Click a span to zoom onto it. "</span>
                <span class="mono">{move || hover.get()}</span>
            </div>
            <div class="flame-scroll">
                <canvas node_ref=canvas data-testid="flame-canvas"
                    on:mousemove=move |ev| {
                        let text = span_at(&ev).map(|s| view.trace.with_value(|t| format!("{} — {}  {}", t.service(s), t.name(s), t.duration_of(s))));
                        hover.set(text.unwrap_or_default());
                    }
                    on:click=move |ev| {
                        if let Some(s) = span_at(&ev) {
                            window.set(view.trace.with_value(|t| zoom_to(t, s)));
                            view.selected.set(Some(s));
                            view.detail_open.set(true);
                        }
                    }></canvas>
            </div>
        </section>
    }
}
