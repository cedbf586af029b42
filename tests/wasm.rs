//! The model as the browser runs it: compiled to wasm32 (32-bit `usize`) and run by wasm-bindgen-test-runner in
//! Node. Imports real fixtures of every format and builds the demos, checking the same figures the native tests
//! check, so a 32-bit overflow or a platform difference shows up here. Run with `make test` (or
//! `make test-wasm`); on the native target this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use spanscope_model::{demo, import, import_stream_into, BuildOptions, TraceSetBuilder};
use wasm_bindgen_test::wasm_bindgen_test;

/// (file, traces, spans of the first trace, error spans in all traces)
const CASES: &[(&str, &[u8], usize, usize, u32)] = &[
    (
        "hotrod",
        include_bytes!("../crates/model/tests/fixtures/otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json"),
        1,
        40,
        3,
    ),
    ("two traces", include_bytes!("../crates/model/tests/fixtures/otlp/jaeger_memory_otel_traces_01.json"), 2, 2, 4),
    ("jaeger genai", include_bytes!("../crates/model/tests/fixtures/jaeger/jaeger-ui_genaiTestTrace.json"), 1, 57, 1),
    (
        "zipkin smartthings",
        include_bytes!("../crates/model/tests/fixtures/zipkin/zipkin-lens_smartthings-mobile-web-install.json"),
        1,
        1041,
        2,
    ),
    ("tempo batches", include_bytes!("../crates/model/tests/fixtures/tempo/tempopb_trace.json"), 1, 1, 0),
];

#[wasm_bindgen_test]
fn fixtures_import_in_wasm_as_they_do_natively() {
    for &(name, bytes, traces, spans, errors) in CASES {
        let got = import(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.len(), traces, "{name}: traces");
        assert_eq!(got[0].len(), spans, "{name}: spans of the first trace");
        assert_eq!(got.iter().map(|t| t.error_count()).sum::<u32>(), errors, "{name}: error spans");
    }
}

#[wasm_bindgen_test]
fn fixtures_import_from_a_stream_in_wasm_as_from_memory() {
    for &(name, bytes, traces, spans, errors) in CASES {
        let mut b = TraceSetBuilder::new();
        import_stream_into(&mut b, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = b.finish(&BuildOptions::default());
        assert_eq!(got.len(), traces, "{name}: traces");
        assert_eq!(got[0].len(), spans, "{name}: spans of the first trace");
        assert_eq!(got.iter().map(|t| t.error_count()).sum::<u32>(), errors, "{name}: error spans");
    }
    let mut b = TraceSetBuilder::new();
    let wrong: &[u8] = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}"#;
    let e = import_stream_into(&mut b, &wrong).unwrap_err().to_string();
    assert!(e.contains("traceId"), "{e}");
}

#[wasm_bindgen_test]
fn errors_name_the_place_in_wasm_too() {
    let e = import(br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}"#).unwrap_err().to_string();
    assert!(e.contains("traceId"), "{e}");
    let e = import(b"{\"data\": [").unwrap_err().to_string();
    assert!(e.contains("line 1"), "{e}");
}

#[wasm_bindgen_test]
fn demos_build_in_wasm() {
    let t = demo::checkout_incident();
    assert_eq!((t.len(), t.error_count(), t.depth()), (28, 2, 4));
    let s = demo::storefront();
    assert_eq!(s.services().len(), 10);
}
