//! What the fuzz targets share: the checks run on every trace an input imports into (the derived work a trace page
//! does when it opens, each with the properties it promises), and the small fixed traces the `filter` and `config`
//! targets match against.
//!
//! A failed check panics with what was expected, so libFuzzer keeps the input as a crash.

use spanscope_model::analysis::{critical_path, self_times};
use spanscope_model::export::{export, ExportFormat, CSV_HEADER};
use spanscope_model::insights::{insights, InsightOptions};
use spanscope_model::rows::{visible_rows, Collapsed, Row};
use spanscope_model::testing::Pieces;
use spanscope_model::{codec, import, import_into, import_stream_into, BuildOptions, ImportError};
use spanscope_model::{Trace, TraceSetBuilder};
use std::sync::OnceLock;

/// Fixtures the `filter` and `config` targets match against: every attribute type (Jaeger tags, nested OTLP
/// arrays and maps), several services, errors, non-hex ids.
const FIXED: [&[u8]; 2] = [
    include_bytes!("../../crates/model/tests/fixtures/jaeger/synthetic_every_tag_type.json"),
    include_bytes!("../../crates/model/tests/fixtures/otlp/synthetic_otlp_kvlist_nested_arrays.json"),
];

/// The traces of [`FIXED`], imported once per process.
pub fn fixed_traces() -> &'static [Trace] {
    static TRACES: OnceLock<Vec<Trace>> = OnceLock::new();
    TRACES.get_or_init(|| {
        let traces: Vec<Trace> = FIXED.iter().flat_map(|b| import(b).expect("a fuzz fixture imports")).collect();
        assert!(traces.iter().all(|t| !t.is_empty()), "fuzz fixtures hold spans");
        traces
    })
}

/// Runs what a trace page derives from each trace and checks what each result promises.
pub fn check_traces(traces: &[Trace]) {
    for t in traces {
        check_tree(t);
        check_rows(t);
        check_analysis(t);
        let _ = insights(t, &InsightOptions::default());
        check_export(t);
    }
}

/// Pre-order with consistent parents, depths, subtree ranges and roots; no negative duration.
fn check_tree(t: &Trace) {
    let n = t.len() as u32;
    let mut roots = Vec::new();
    for s in t.spans() {
        let end = t.subtree_end(s).0;
        assert!(s.0 < end && end <= n, "span {} subtree ends at {end} (of {n})", s.0);
        assert!(t.duration_of(s).0 >= 0, "span {} has a negative duration", s.0);
        match t.parent(s) {
            Some(p) => {
                assert!(p < s, "parent {} after child {} (not pre-order)", p.0, s.0);
                assert!(end <= t.subtree_end(p).0, "span {} subtree ends after its parent's", s.0);
                assert_eq!(t.depth_of(s), t.depth_of(p) + 1, "depth of span {}", s.0);
            }
            None => {
                assert_eq!(t.depth_of(s), 0, "depth of root {}", s.0);
                roots.push(s);
            }
        }
    }
    assert_eq!(t.roots(), roots.as_slice(), "roots are the spans without a parent, in order");
}

/// Everything expanded: one row per span, in order. Everything collapsed: one row per root.
fn check_rows(t: &Trace) {
    let open = visible_rows(t, &Collapsed::none(t), None);
    assert_eq!(open.len(), t.len(), "rows with nothing collapsed");
    assert!(open.iter().zip(t.spans()).all(|(r, s)| r == Row::Span(s)), "rows are the spans in pre-order");
    let shut = visible_rows(t, &Collapsed::all(t), None);
    assert!(shut.iter().map(|r| r.span()).eq(t.roots().iter().map(|&s| Some(s))), "collapsed rows are the roots");
}

/// Self time within [0, duration]; critical-path segments ordered and inside their span.
fn check_analysis(t: &Trace) {
    let own = self_times(t);
    assert_eq!(own.len(), t.len());
    for s in t.spans() {
        let d = own[s.0 as usize].0;
        assert!(0 <= d && d <= t.duration_of(s).0, "self time {d} of span {} outside its duration", s.0);
    }
    let cp = critical_path(t);
    assert!(cp.segments.windows(2).all(|w| (w[0].span, w[0].start) <= (w[1].span, w[1].start)), "segments sorted");
    for g in &cp.segments {
        assert!(cp.spans.contains(g.span), "segment of span {} not on the path", g.span.0);
        assert!(
            t.start_of(g.span) <= g.start && g.start <= g.end && g.end <= t.end_of(g.span),
            "segment {:?}..{:?} of span {} outside it",
            g.start,
            g.end,
            g.span.0
        );
    }
}

/// Both JSON exports import back as one trace with the same spans; the CSV starts with its header.
fn check_export(t: &Trace) {
    for format in [ExportFormat::OtlpJson, ExportFormat::JaegerJson] {
        let bytes = export(t, None, format);
        let back = import(&bytes).unwrap_or_else(|e| panic!("{format:?} export does not import: {e}"));
        let want = usize::from(!t.is_empty());
        assert_eq!(back.len(), want, "{format:?} export imports as {} traces", back.len());
        if let Some(b) = back.first() {
            assert_eq!(b.len(), t.len(), "{format:?} export: span count");
        }
    }
    let csv = export(t, None, ExportFormat::Csv);
    assert!(csv.starts_with(CSV_HEADER.as_bytes()), "CSV starts with its header");
}

/// The document imported from memory and as a stream gives the same traces (compared encoded), or fails both
/// ways. Two differences are allowed: bytes that are not UTF-8 inside a value the importer skips, which the
/// in-memory path refuses (it checks the whole document first) and the stream never looks at; and values nested
/// more than 128 levels deep in the document but not within their span, which the stream reads (it limits
/// nesting per span).
pub fn check_stream_matches_memory(doc: &[u8]) {
    let encoded = |b: TraceSetBuilder| codec::traces_to_bytes(&b.finish(&BuildOptions::default()));
    let mut b = TraceSetBuilder::new();
    let memory = import_into(&mut b, doc).map(|_| encoded(b));
    let mut b = TraceSetBuilder::new();
    // Tiny pieces for one input in four (every split point), large ones for the rest (speed).
    let piece = if doc.len() % 4 == 0 { doc.len() % 7 + 1 } else { 4096 };
    let stream = import_stream_into(&mut b, &Pieces::new(doc, piece)).map(|_| encoded(b));
    match (&memory, &stream) {
        (Ok(a), Ok(b)) => assert!(a == b, "the stream imported other traces than memory"),
        (Err(_), Err(_)) => {}
        (Err(ImportError::Syntax { message, .. }), Ok(_)) if message.starts_with("bytes that are not UTF-8") => {}
        // Memory limits nesting to 128 levels in the document, a stream in each span (it reads spans whole).
        (Err(ImportError::Syntax { message, .. }), Ok(_)) if message.contains("nested more than 128 levels") => {}
        _ => panic!("in memory: {:?}; as a stream: {:?}", memory.as_ref().map(|_| ()), stream.as_ref().map(|_| ())),
    }
}
