//! Native benchmarks of the binary trace codec (`spanscope_model::codec`) on synthetic traces (`synth`, seed 1,
//! written as Jaeger JSON and imported) of 100k and 1M spans:
//!
//! - `codec/encode/<spans>` and `codec/decode/<spans>`, with the encoding's size as throughput (criterion prints
//!   binary units: 1 MiB/s = 1.048576 MB/s); freeing the result is not timed, faulting in its fresh pages is;
//! - once per size, a `size:` line: the encoding against the built model's heap bytes (span columns plus the
//!   shared arena, counted once).
//!
//! ```sh
//! cargo bench -p spanscope-model --bench codec
//! SPANSCOPE_BENCH_SIZES=100000 cargo bench -p spanscope-model --bench codec
//! ```
//!
//! Target: decoding 1M spans well under 300 ms; the encoding about the size of the model.

mod common;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use spanscope_model::codec::{traces_from_bytes, traces_to_bytes};
use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::trace::import_heap_bytes;
use spanscope_model::{import, Format};
use std::time::Duration;

const DEFAULT_SIZES: [usize; 2] = [100_000, 1_000_000];

/// The sizes to run (`SPANSCOPE_BENCH_SIZES`, else [`DEFAULT_SIZES`]).
fn sizes() -> Vec<usize> {
    common::sizes(&DEFAULT_SIZES)
}

fn bench_codec(c: &mut Criterion) {
    for spans in sizes() {
        let json = generate(&SynthOptions { spans, seed: 1, ..SynthOptions::default() }).to_json(Format::Jaeger);
        let traces = import(&json).expect("synthetic trace imports");
        drop(json);
        let bytes = traces_to_bytes(&traces);
        let model = import_heap_bytes(&traces);
        println!(
            "size: {spans} spans: encoding {:.1} MB, model {:.1} MB ({:.0}% of the model), {:.0} B/span",
            bytes.len() as f64 / 1e6,
            model as f64 / 1e6,
            100.0 * bytes.len() as f64 / model as f64,
            bytes.len() as f64 / spans as f64
        );

        for (name, decode) in [("encode", false), ("decode", true)] {
            let mut g = c.benchmark_group(format!("codec/{name}"));
            g.sampling_mode(SamplingMode::Flat).sample_size(10);
            let secs = if spans >= 1_000_000 { 10 } else { 4 };
            g.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(secs));
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            if decode {
                g.bench_with_input(BenchmarkId::from_parameter(spans), &bytes, |b, bytes| {
                    b.iter_with_large_drop(|| traces_from_bytes(black_box(bytes)).expect("decodes"))
                });
            } else {
                g.bench_with_input(BenchmarkId::from_parameter(spans), &traces, |b, traces| {
                    b.iter_with_large_drop(|| traces_to_bytes(black_box(traces)))
                });
            }
            g.finish();
        }
    }
}

criterion_group!(benches, bench_codec);
criterion_main!(benches);
