//! Trace JSON handed over by another page with `postMessage` (a parent frame or the window that opened this
//! one), so a page that already holds the JSON needs no CORS and no backend:
//!
//! 1. spanscope announces itself to its opener and parent: `{"type":"spanscope:ready"}` (it carries nothing, so
//!    it goes to any origin);
//! 2. the other page sends `{"type":"spanscope:ping"}`; spanscope answers `{"type":"spanscope:pong"}` to that
//!    window and origin;
//! 3. it sends `{"type":"spanscope:trace","name":"checkout.json","data":…}` where `data` is a string, an
//!    `ArrayBuffer`, a `Uint8Array` or an already parsed JSON value. spanscope loads it like a dropped file named
//!    "checkout.json (from https://the.origin)" — the origin is shown wherever the trace's source is — and
//!    answers `{"type":"spanscope:loaded","traces":N}` or `{"type":"spanscope:error","message":"…"}`.
//!
//! Any origin may hand over a trace: the data is only displayed, never sent anywhere, and its origin is shown.

use crate::loader::{load_inputs, load_inputs_then, Input};
use crate::state::AppState;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

fn message(kind: &str, extra: &[(&str, JsValue)]) -> JsValue {
    let m = Object::new();
    let _ = Reflect::set(&m, &"type".into(), &kind.into());
    for (k, v) in extra {
        let _ = Reflect::set(&m, &(*k).into(), v);
    }
    m.into()
}

/// The bytes of a handed-over `data` value.
fn bytes_of(data: &JsValue) -> Result<Vec<u8>, String> {
    if let Some(s) = data.as_string() {
        return Ok(s.into_bytes());
    }
    if data.is_instance_of::<js_sys::ArrayBuffer>() || data.is_instance_of::<Uint8Array>() {
        return Ok(Uint8Array::new(data).to_vec());
    }
    if data.is_object() {
        return js_sys::JSON::stringify(data)
            .ok()
            .and_then(|s| s.as_string())
            .map(String::into_bytes)
            .ok_or_else(|| "`data` could not be turned into JSON text".to_string());
    }
    Err("`data` must be the trace JSON as a string, an ArrayBuffer, a Uint8Array or a JSON value".to_string())
}

/// Starts listening for handed-over traces and announces spanscope to its opener and parent.
pub fn install(state: AppState) {
    let Some(window) = web_sys::window() else { return };
    let on_message =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let kind = Reflect::get(&data, &"type".into()).ok().and_then(|t| t.as_string()).unwrap_or_default();
            let origin = ev.origin();
            let source = ev.source();
            let reply = {
                let origin = origin.clone();
                move |m: JsValue| {
                    // A window of another origin fails `instanceof Window`, yet postMessage is allowed on it.
                    if let Some(w) = source.clone().map(|s| s.unchecked_into::<web_sys::Window>()) {
                        let target = if origin.is_empty() || origin == "null" { "*" } else { origin.as_str() };
                        let _ = w.post_message(&m, target);
                    }
                }
            };
            match kind.as_str() {
                "spanscope:ping" => reply(message("spanscope:pong", &[])),
                "spanscope:trace" => {
                    let name = Reflect::get(&data, &"name".into())
                        .ok()
                        .and_then(|n| n.as_string())
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| "trace".to_string());
                    let name = format!("{name} (from {origin})");
                    match Reflect::get(&data, &"data".into()).map_err(|_| String::new()).and_then(|d| bytes_of(&d)) {
                        Ok(bytes) => {
                            // Answered once the import (in the worker) has finished.
                            load_inputs_then(state, vec![Input { name, bytes }], Vec::new(), move |outcomes| {
                                let (found, error) = match outcomes.first().map(|x| &x.result) {
                                    Some(Ok(n)) => (*n, None),
                                    Some(Err(e)) => (0, Some(e.clone())),
                                    None => (0, None),
                                };
                                match error {
                                    None => {
                                        reply(message("spanscope:loaded", &[("traces", JsValue::from(found as u32))]))
                                    }
                                    Some(e) => reply(message("spanscope:error", &[("message", e.into())])),
                                }
                            });
                        }
                        Err(e) => {
                            let outcome = crate::state::FileOutcome { name, bytes: 0, result: Err(e.clone()) };
                            load_inputs(state, Vec::new(), vec![outcome]);
                            reply(message("spanscope:error", &[("message", e.into())]));
                        }
                    }
                }
                _ => {}
            }
        });
    let _ = window.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref());
    on_message.forget(); // lives as long as the app
    let ready = message("spanscope:ready", &[]);
    if let Ok(opener) = window.opener() {
        if !opener.is_null() && !opener.is_undefined() {
            let _ = opener.unchecked_into::<web_sys::Window>().post_message(&ready, "*");
        }
    }
    if let Ok(Some(parent)) = window.parent() {
        if parent != window {
            let _ = parent.post_message(&ready, "*");
        }
    }
}
