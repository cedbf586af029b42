//! What the model's benchmarks share: the sizes to run, from `SPANSCOPE_BENCH_SIZES`.

/// `SPANSCOPE_BENCH_SIZES=10000,100000` (underscores allowed); `default` when unset.
pub fn sizes(default: &[usize]) -> Vec<usize> {
    match std::env::var("SPANSCOPE_BENCH_SIZES") {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .map(|s| {
                s.trim().replace('_', "").parse().unwrap_or_else(|_| panic!("SPANSCOPE_BENCH_SIZES: not a size: {s:?}"))
            })
            .collect(),
        _ => default.to_vec(),
    }
}
