//! The overview: the whole trace drawn on a canvas (one raster from `spanscope_model::overview`, painted with
//! `putImageData`, so a million spans cost one pass, not a million draw calls). Dragging across it zooms the
//! timeline into that time window; the window is shaded on the minimap and "Reset zoom" goes back.

use crate::colors::service_rgb;
use crate::state::AppState;
use crate::trace_view::TraceView;
use leptos::prelude::*;
use spanscope_model::overview::{overview, Cell};
use spanscope_model::DurationNs;
use wasm_bindgen::{Clamped, JsCast};

/// Height of the minimap in CSS pixels (must match `.minimap` in the stylesheet).
const HEIGHT_PX: u32 = 48;
/// Drags narrower than this fraction of the width are clicks, not zooms.
const MIN_DRAG: f64 = 0.004;
const ERROR_RGB: [u8; 3] = [208, 49, 45];

/// Paints the raster of the trace into the canvas at its current CSS size.
fn paint(view: TraceView, canvas: &web_sys::HtmlCanvasElement) {
    let width = canvas.client_width().max(1) as u32;
    canvas.set_width(width);
    canvas.set_height(HEIGHT_PX);
    let raster = view.trace.with_value(|t| overview(t, width as usize, HEIGHT_PX as usize));
    let mut rgba = vec![0u8; (width * HEIGHT_PX * 4) as usize];
    for y in 0..HEIGHT_PX as usize {
        for x in 0..width as usize {
            let rgb = match raster.cell(x, y) {
                Cell::Empty => continue,
                Cell::Error => ERROR_RGB,
                Cell::Service(s) => service_rgb(s),
            };
            let k = (y * width as usize + x) * 4;
            rgba[k..k + 3].copy_from_slice(&rgb);
            rgba[k + 3] = 255;
        }
    }
    let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
    let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
    if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), width, HEIGHT_PX) {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}

/// The minimap with drag-to-zoom.
#[component]
pub fn Minimap(view: TraceView) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let frame = NodeRef::<leptos::html::Div>::new();
    // The drag in progress: (where it started, where the pointer is), as fractions of the width.
    let drag = RwSignal::new(None::<(f64, f64)>);

    Effect::new(move |_| {
        if let Some(c) = canvas.get() {
            paint(view, &c);
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(c) = canvas.get_untracked() {
            paint(view, &c);
        }
    });
    on_cleanup(move || resize.remove());
    // The span name column's divider moved: paint again at the new width once it rests (meanwhile the canvas
    // stretches; a raster per mouse move would cost a pass over every span each time).
    let tree_pct = expect_context::<AppState>().tree_width_pct;
    let pending = StoredValue::new_local(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
    Effect::new(move |first: Option<()>| {
        tree_pct.track();
        if first.is_none() {
            return;
        }
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = leptos::leptos_dom::helpers::set_timeout_with_handle(
            move || {
                if let Some(c) = canvas.get_untracked() {
                    paint(view, &c);
                }
            },
            std::time::Duration::from_millis(150),
        );
        pending.set_value(handle.ok());
    });
    // A page left before the timer fired: nothing to paint.
    on_cleanup(move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
    });

    let fraction_at = move |client_x: i32| -> f64 {
        let Some(el) = frame.get_untracked() else { return 0.0 };
        let rect = el.get_bounding_client_rect();
        ((client_x as f64 - rect.left()) / rect.width().max(1.0)).clamp(0.0, 1.0)
    };
    // Pointer events: a finger or a pen zooms as a mouse does (`touch-action: none` on the minimap keeps the
    // browser from taking the touch for a scroll); a drag the browser cancels zooms nowhere.
    let moving = window_event_listener(leptos::ev::pointermove, move |ev| {
        if drag.get_untracked().is_some() && ev.is_primary() {
            let x = fraction_at(ev.client_x());
            drag.update(|d| {
                if let Some((_, b)) = d {
                    *b = x;
                }
            });
        }
    });
    let released = window_event_listener(leptos::ev::pointerup, move |ev| {
        if let (Some((a, _)), true) = (drag.get_untracked(), ev.is_primary()) {
            let b = fraction_at(ev.client_x());
            drag.set(None);
            let (lo, hi) = (a.min(b), a.max(b));
            if hi - lo >= MIN_DRAG {
                view.zoom.set(Some((lo, hi)));
            }
        }
    });
    let cancelled = window_event_listener(leptos::ev::pointercancel, move |_| drag.set(None));
    on_cleanup(move || {
        moving.remove();
        released.remove();
        cancelled.remove();
    });

    // The shaded parts outside the zoom window (or the drag selection while dragging).
    let band = move || drag.get().map(|(a, b)| (a.min(b), a.max(b))).or_else(|| view.zoom.get());
    view! {
        <div class="minimap-bar">
            <div class="cell tree">
                <span class="minimap-hint" data-testid="zoom-window">{move || match view.zoom.get() {
                    Some((a, b)) => {
                        let total = view.trace.with_value(|t| t.duration().0) as f64;
                        format!("Showing +{} to +{}", DurationNs((a * total) as i64), DurationNs((b * total) as i64))
                    }
                    None => "Drag across the overview to zoom →".to_string(),
                }}</span>
                <button class="button small" data-testid="zoom-reset" disabled=move || view.zoom.get().is_none()
                    title="Show the whole trace again" on:click=move |_| view.zoom.set(None)>
                    "Reset zoom"
                </button>
            </div>
            <div class="cell timeline">
            <div class="minimap" node_ref=frame data-testid="minimap"
                title="Overview of the whole trace: drag across it to zoom the timeline"
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    if ev.button() == 0 && ev.is_primary() {
                        ev.prevent_default();
                        let x = fraction_at(ev.client_x());
                        drag.set(Some((x, x)));
                    }
                }>
                <canvas node_ref=canvas></canvas>
                {move || band().map(|(a, b)| view! {
                    <div class="minimap-shade" style:left="0" style:width=format!("{:.3}%", a * 100.0)></div>
                    <div class="minimap-window" data-testid="minimap-window"
                        style:left=format!("{:.3}%", a * 100.0) style:width=format!("{:.3}%", (b - a) * 100.0)></div>
                    <div class="minimap-shade" style:left=format!("{:.3}%", b * 100.0) style:right="0"></div>
                })}
            </div>
            </div>
        </div>
    }
}
