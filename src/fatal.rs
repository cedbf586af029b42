//! The last line of defence: a panic replaces nothing and loses nothing silently. It shows a banner with the
//! message and a reload button (drawn with plain DOM calls, since the reactive runtime may be unusable).
//!
//! The button's click handler is the browser's own `location.reload`, bound to the location: no inline
//! `onclick` (a strict Content-Security-Policy blocks those) and no Rust closure (the wasm instance is dead after
//! a panic, so a call into it would trap again).

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// A self-test hook for the browser tests, reachable as `window.wasmBindings.spanscopeSelfTest(what)`:
/// `"panic"` panics on purpose (to show the fatal-error banner); anything else does nothing and returns `false`.
/// It only ever fails when asked to, so shipping it costs nothing.
#[wasm_bindgen(js_name = spanscopeSelfTest)]
pub fn self_test(what: &str) -> bool {
    if what == "panic" {
        panic!("spanscope self-test: a panic on purpose (window.wasmBindings.spanscopeSelfTest(\"panic\"))");
    }
    false
}

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_banner(&info.to_string());
    }));
}

fn show_banner(details: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    if doc.query_selector("[data-testid=fatal-error]").ok().flatten().is_some() {
        return;
    }
    let Ok(banner) = doc.create_element("div") else { return };
    let _ = banner.set_attribute("data-testid", "fatal-error");
    let _ = banner.set_attribute("role", "alert");
    banner.set_class_name("fatal-error");
    let title = doc.create_element("strong").ok();
    if let Some(t) = &title {
        t.set_text_content(Some("spanscope hit an internal error. "));
        let _ = banner.append_child(t);
    }
    let text = doc.create_element("span").ok();
    if let Some(t) = &text {
        t.set_text_content(Some("Reload to continue; the details below help us fix it."));
        let _ = banner.append_child(t);
    }
    if let Ok(button) = doc.create_element("button") {
        button.set_text_content(Some("Reload"));
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-testid", "fatal-reload");
        if let Some(reload) = reload_function() {
            let _ = button.add_event_listener_with_callback("click", &reload);
        }
        let _ = banner.append_child(&button);
    }
    if let Ok(pre) = doc.create_element("pre") {
        pre.set_text_content(Some(details));
        let _ = banner.append_child(&pre);
    }
    if let Ok(el) = banner.dyn_into::<web_sys::HtmlElement>() {
        let _ = body.prepend_with_node_1(&el);
    }
}

/// `location.reload` bound to `location`: a plain browser function, callable without the wasm instance.
fn reload_function() -> Option<js_sys::Function> {
    let location: JsValue = web_sys::window()?.location().into();
    let reload =
        js_sys::Reflect::get(&location, &JsValue::from_str("reload")).ok()?.dyn_into::<js_sys::Function>().ok()?;
    Some(reload.bind0(&location))
}
