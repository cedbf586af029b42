use spanscope_model::insights::{insights, InsightOptions};
use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::{import, Format};
fn main() {
    let synth = generate(&SynthOptions { spans: 1_000_000, seed: 1, ..SynthOptions::default() });
    let json = synth.to_json(Format::Jaeger);
    let traces = import(&json).unwrap();
    let t = &traces[0];
    let t0 = std::time::Instant::now();
    for _ in 0..20 {
        std::hint::black_box(insights(t, &InsightOptions::default()));
    }
    eprintln!("{:?}", t0.elapsed() / 20);
}
