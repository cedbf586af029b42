//! Detection and import, as when a file is dropped on the app, then what a trace page derives from each trace
//! (rows, self time, critical path, insights, exports that must import back): see `spanscope_fuzz::check_traces`.
//! Also as a second file after one that imported: a document that fails leaves nothing behind (`import_into`
//! rolls back), so the loaded traces are exactly those of the first file. And read as a stream, in small pieces
//! (`import_stream_into`, how files over 128 MB are read): the same traces, or an error too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanscope_model::{import_into, BuildOptions, Trace, TraceSetBuilder};

/// A small fixture loaded before the input in the rollback check.
const FIRST: &[u8] = include_bytes!("../../crates/model/tests/fixtures/jaeger/synthetic_references.json");

/// Trace ids and span counts: what the user sees of a set of traces.
fn shape(traces: &[Trace]) -> Vec<(String, usize)> {
    traces.iter().map(|t| (t.id_text(), t.len())).collect()
}

fuzz_target!(|bytes: &[u8]| {
    if let Ok(traces) = spanscope_model::import(bytes) {
        spanscope_fuzz::check_traces(&traces);
    }
    spanscope_fuzz::check_stream_matches_memory(bytes);
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, FIRST).expect("the first file imports");
    if import_into(&mut b, bytes).is_err() {
        let alone = spanscope_model::import(FIRST).expect("the first file imports");
        assert_eq!(shape(&b.finish(&BuildOptions::default())), shape(&alone), "a failed import left spans behind");
    }
});
