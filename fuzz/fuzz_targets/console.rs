//! The console importer (the OpenTelemetry SDKs' console output) alone (`import_as`, no detection), so inputs
//! that detection would give to another format still reach it; each trace is then checked as in the `import`
//! target.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanscope_model::{import_as, Format};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(traces) = import_as(Format::Console, bytes) {
        spanscope_fuzz::check_traces(&traces);
    }
});
