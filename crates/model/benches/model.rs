//! Native benchmarks of the model on synthetic traces (`spanscope_model::synth`, seed 1) of 10k, 100k and 1M spans:
//!
//! - `import/<format>/<spans>`: parse + build of the whole document (`spanscope_model::import`), with the
//!   document's size as throughput, so criterion reports the JSON read per second (criterion prints binary
//!   units: 1 MiB/s = 1.048576 MB/s); `import_stream/<format>/<spans>` the same read as a stream
//!   (`import_stream_into`, as the app reads files over 128 MB);
//! - on the trace imported from Jaeger: `visible_rows/<spans>` (nothing collapsed), `self_times/<spans>`,
//!   `filter/<text>/<spans>` (the find box matching the whole trace), `matches_only_rows/<spans>` (ancestors of the
//!   `error=true` matches, then the rows), `critical_path/<spans>`, `overview_1200x48/<spans>` (the minimap),
//!   `insights/<spans>` (the insights panel) and `rebuild_without_skew/<spans>` (the "Adjust clock skew" switch);
//! - once per size and format, a `memory:` line: the built model's heap bytes (span columns of every trace plus
//!   the shared arena, counted once) against the JSON size.
//!
//! ```sh
//! cargo bench -p spanscope-model --bench model
//! SPANSCOPE_BENCH_SIZES=10000,100000 cargo bench -p spanscope-model --bench model
//! SPANSCOPE_BENCH_SIZES=1000000 cargo bench -p spanscope-model --bench model -- import
//! ```
//!
//! Targets (the benchmark issue): ≥ 250 MB/s for Jaeger and OTLP at 100k spans; model ≤ 35% of the JSON size.
//! Large sizes use few samples (flat sampling) so a full run stays under ~10 minutes on two cores.

mod common;

use criterion::measurement::Measurement;
use criterion::{
    black_box, criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use spanscope_model::filter::Filter;
use spanscope_model::insights::{insights, InsightOptions};
use spanscope_model::overview::overview;
use spanscope_model::rebuild::rebuild;
use spanscope_model::rows::{visible_rows, with_ancestors, Collapsed};
use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::trace::import_heap_bytes;
use spanscope_model::{
    analysis, import, import_into, import_stream_into, BuildOptions, Format, Trace, TraceSetBuilder,
};
use std::time::Duration;

const DEFAULT_SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// The sizes to run (`SPANSCOPE_BENCH_SIZES`, else [`DEFAULT_SIZES`]).
fn sizes() -> Vec<usize> {
    common::sizes(&DEFAULT_SIZES)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Jaeger => "jaeger",
        Format::Otlp => "otlp",
        Format::Zipkin => "zipkin",
        Format::Console => "console",
    }
}

/// Sampling suited to one iteration's cost: plenty of samples for cheap runs, ten flat samples for imports of
/// 100k spans and more (one 1M-span import takes seconds).
fn configure<M: Measurement>(g: &mut BenchmarkGroup<'_, M>, spans: usize, import: bool) {
    if !import || spans <= 20_000 {
        g.sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    } else if spans < 1_000_000 {
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        g.warm_up_time(Duration::from_secs(2)).measurement_time(Duration::from_secs(8));
    } else {
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        g.warm_up_time(Duration::from_secs(3)).measurement_time(Duration::from_secs(35));
    }
}

fn bench_model(c: &mut Criterion) {
    for spans in sizes() {
        let synth = generate(&SynthOptions { spans, seed: 1, ..SynthOptions::default() });
        let mut for_analysis: Option<Trace> = None;
        for format in [Format::Jaeger, Format::Otlp, Format::Zipkin] {
            let json = synth.to_json(format);
            let traces = import(&json).expect("synthetic trace imports");
            assert_eq!(traces.iter().map(Trace::len).sum::<usize>(), spans);
            let model = import_heap_bytes(&traces);
            println!(
                "memory: {} {spans} spans: JSON {:.1} MB, model {:.1} MB ({:.1}% of JSON), {:.0} B/span",
                format_name(format),
                json.len() as f64 / 1e6,
                model as f64 / 1e6,
                100.0 * model as f64 / json.len() as f64,
                model as f64 / spans as f64
            );
            if for_analysis.is_none() {
                for_analysis = traces.into_iter().next();
            } else {
                drop(traces);
            }

            let mut g = c.benchmark_group(format!("import/{}", format_name(format)));
            configure(&mut g, spans, true);
            g.throughput(Throughput::Bytes(json.len() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(spans), &json, |b, json| {
                b.iter(|| import(black_box(json)).expect("imports"))
            });
            g.finish();

            // The same document read as a stream (`import_stream_into`: how the app reads files over 128 MB).
            let mut g = c.benchmark_group(format!("import_stream/{}", format_name(format)));
            configure(&mut g, spans, true);
            g.throughput(Throughput::Bytes(json.len() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(spans), &json, |b, json| {
                b.iter(|| {
                    let mut builder = TraceSetBuilder::new();
                    import_stream_into(&mut builder, &black_box(json.as_slice())).expect("imports");
                    builder.finish(&BuildOptions::default())
                })
            });
            g.finish();

            // Tree building alone (parent links, repair, pre-order, skew), from spans already parsed.
            if format == Format::Jaeger {
                let mut g = c.benchmark_group("build");
                configure(&mut g, spans, true);
                g.bench_function(BenchmarkId::from_parameter(spans), |b| {
                    b.iter_batched(
                        || {
                            let mut builder = TraceSetBuilder::new();
                            import_into(&mut builder, &json).expect("imports");
                            builder
                        },
                        |builder| builder.finish(&BuildOptions::default()),
                        BatchSize::LargeInput,
                    )
                });
                g.finish();
            }
        }
        drop(synth);

        let trace = for_analysis.expect("one trace");
        let expanded = Collapsed::none(&trace);
        let mut g = c.benchmark_group("visible_rows");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| {
            b.iter(|| visible_rows(black_box(&trace), black_box(&expanded), None))
        });
        g.finish();

        // The find box: matching a whole trace, then "matches only" rows (ancestors + layout).
        for text in ["error=true", "kind=client duration>1ms", "select", "http.status_code>=500"] {
            let filter = Filter::parse(text).expect("parses").expect("not blank");
            let mut g = c.benchmark_group(format!("filter/{text}"));
            configure(&mut g, spans, false);
            g.throughput(Throughput::Elements(spans as u64));
            g.bench_function(BenchmarkId::from_parameter(spans), |b| b.iter(|| filter.matches(black_box(&trace))));
            g.finish();
        }
        let matches = Filter::parse("error=true").expect("parses").expect("not blank").matches(&trace);
        let mut g = c.benchmark_group("matches_only_rows");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| {
            b.iter(|| {
                let keep = with_ancestors(black_box(&trace), &matches);
                visible_rows(&trace, &expanded, Some(&keep))
            })
        });
        g.finish();

        let mut g = c.benchmark_group("critical_path");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| b.iter(|| analysis::critical_path(black_box(&trace))));
        g.finish();

        let mut g = c.benchmark_group("overview_1200x48");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| b.iter(|| overview(black_box(&trace), 1200, 48)));
        g.finish();

        let mut g = c.benchmark_group("self_times");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| b.iter(|| analysis::self_times(black_box(&trace))));
        g.finish();

        // The insights panel (repeated calls, error origins, where the time goes, shape notes), computed once when
        // the trace page opens.
        let mut g = c.benchmark_group("insights");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        g.bench_function(BenchmarkId::from_parameter(spans), |b| {
            b.iter(|| insights(black_box(&trace), &InsightOptions::default()))
        });
        g.finish();

        // The "Adjust clock skew" switch: the trace laid out again without the adjustment.
        let mut g = c.benchmark_group("rebuild_without_skew");
        configure(&mut g, spans, false);
        g.throughput(Throughput::Elements(spans as u64));
        let off = BuildOptions { adjust_clock_skew: false };
        g.bench_function(BenchmarkId::from_parameter(spans), |b| b.iter(|| rebuild(black_box(&trace), &off)));
        g.finish();
    }
}

criterion_group!(benches, bench_model);
criterion_main!(benches);
