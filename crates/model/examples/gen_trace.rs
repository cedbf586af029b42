//! Writes one synthetic trace (see `spanscope_model::synth`) as Jaeger, OTLP or Zipkin JSON.
//!
//! ```sh
//! cargo run -p spanscope-model --release --example gen_trace -- --spans 100000 --format otlp --seed 1 -o out.json
//! ```

use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::Format;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: gen_trace --spans N [--format jaeger|otlp|zipkin] [--seed S] [--services K] \
                     [--max-depth D] [--n1-prob P] [--zipkin-shared] [--stats] [-o FILE]\n\
                     Writes one deterministic trace with exactly N spans to FILE (default: stdout).";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_trace: {e}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut opts = SynthOptions { spans: 0, ..SynthOptions::default() };
    let mut format = Format::Jaeger;
    let mut out: Option<String> = None;
    let mut stats = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--spans" => opts.spans = num(&value("--spans")?)?,
            "--seed" => opts.seed = num(&value("--seed")?)?,
            "--services" => opts.services = num(&value("--services")?)?,
            "--max-depth" => opts.max_depth = num(&value("--max-depth")?)?,
            "--n1-prob" => opts.n1_prob = num(&value("--n1-prob")?)?,
            "--format" => {
                format = match value("--format")?.as_str() {
                    "jaeger" => Format::Jaeger,
                    "otlp" => Format::Otlp,
                    "zipkin" => Format::Zipkin,
                    other => return Err(format!("unknown format {other:?}")),
                }
            }
            "--zipkin-shared" => opts.zipkin_shared = true,
            "--stats" => stats = true,
            "-o" | "--output" => out = Some(value("-o")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if opts.spans == 0 {
        return Err("--spans N (at least 1) is required".into());
    }
    if opts.max_depth < 3 {
        return Err("--max-depth must be at least 3".into());
    }
    let t0 = Instant::now();
    let trace = generate(&opts);
    let t1 = Instant::now();
    let json = trace.to_json(format);
    let t2 = Instant::now();
    match &out {
        Some(path) if path != "-" => std::fs::write(path, &json).map_err(|e| format!("{path}: {e}"))?,
        _ => std::io::stdout().lock().write_all(&json).map_err(|e| e.to_string())?,
    }
    if stats {
        eprintln!("traceID {}", trace.trace_id_hex());
        eprint!("{}", trace.stats());
        eprintln!(
            "{format}: {} bytes ({:.0} B/span); generated in {:.2} s, written in {:.2} s",
            json.len(),
            json.len() as f64 / opts.spans as f64,
            (t1 - t0).as_secs_f64(),
            (t2 - t1).as_secs_f64()
        );
    }
    Ok(())
}

fn num<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("not a number: {s:?}"))
}
