//! Detection and import, as when a file is dropped on the app, then what a trace page derives from each trace
//! (rows, self time, critical path, insights, exports that must import back): see `spanscope_fuzz::check_traces`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(traces) = spanscope_model::import(bytes) {
        spanscope_fuzz::check_traces(&traces);
    }
});
