//! Hostile input (issue 9, model level): every class of malformed, extreme or adversarial document, per format
//! (Jaeger, OTLP, Zipkin, the SDKs' console output) where it applies, with the exact outcome asserted: the error
//! kind and that its message names the place, or the span count and the warnings on the spans.
//!
//! The app runs the model compiled to wasm32 with a 1 MB stack, where a panic kills the page. So every case runs
//! on a thread with a 1 MB stack ([`on_wasm_stack`]), and every input that imports goes through everything the
//! page derives from a trace ([`page_work`]): rows fully expanded and collapsed, critical path, self times,
//! insights, statistics, the flame index and layout, the overview, the service map, the filters `error=true` and a
//! free-text find, every attribute and warning as text, and an export to each format with the OTLP and Jaeger
//! exports imported again. Tests run as debug builds, so arithmetic overflow panics here too.
//!
//! The base documents of the wrong-type walk are `fixtures/hostile/*_every_field.json` (see SYNTHETIC.md); the
//! other inputs are generated below. Measured limits: `measured_limits` (ignored; run it with
//! `cargo test --release -p spanscope-model --test hostile -- --ignored --nocapture`); the numbers are in
//! `docs/hostile-input.md`.

mod common;

use common::fixture;
use serde_json::Value as Json;
use spanscope_model::analysis::{critical_path, self_times};
use spanscope_model::backend::rfc3339_from_timestamp;
use spanscope_model::export::{export, ExportFormat};
use spanscope_model::filter::Filter;
use spanscope_model::flame::{zoom_to, FlameIndex};
use spanscope_model::insights::{insights, statement, InsightOptions};
use spanscope_model::overview::overview;
use spanscope_model::rows::{visible_rows, Collapsed};
use spanscope_model::servicemap::{layout, service_map};
use spanscope_model::stats::{statistics, GroupBy};
use spanscope_model::{
    import, import_stream_into, DurationNs, Format, ImportError, SpanIdx, SpanWarning, TimestampNs, Trace,
    TraceSetBuilder, Value,
};
use std::fmt::Write as _;
use std::time::Instant;

// ---------------------------------------------------------------------------------------------------------
// Harness.

/// The stack the app gets in the browser.
const WASM_STACK: usize = 1 << 20;

/// Runs `f` on a thread with the browser's 1 MB stack (a panic there is re-raised here).
fn on_wasm_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        let h = std::thread::Builder::new().stack_size(WASM_STACK).spawn_scoped(s, f).expect("spawn");
        h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

/// Imports `bytes` on a 1 MB stack; when it imports, runs the page's work on every trace there too.
fn run(bytes: &[u8]) -> Result<Vec<Trace>, ImportError> {
    on_wasm_stack(|| checked(bytes))
}

/// Imports `bytes` on the current thread (call it inside [`on_wasm_stack`]) and runs the page's work.
fn checked(bytes: &[u8]) -> Result<Vec<Trace>, ImportError> {
    let r = import(bytes);
    if let Ok(traces) = &r {
        for t in traces {
            page_work(t);
        }
    }
    r
}

/// Everything the page derives from a trace. Returns nothing; it must not panic.
fn page_work(t: &Trace) {
    page_work_with(t, true)
}

/// [`page_work`], optionally without importing the exports again (the scale tests do that for one format only:
/// in a debug build re-importing 200,000 spans twice takes half a minute).
fn page_work_with(t: &Trace, reimport: bool) {
    let n = t.len();
    assert_eq!(visible_rows(t, &Collapsed::none(t), None).len(), n, "fully expanded: one row per span");
    let _ = visible_rows(t, &Collapsed::all(t), None);
    let st = self_times(t);
    assert_eq!(st.len(), n);
    let cp = critical_path(t);
    if let Some(r) = t.root_span() {
        let _ = cp.time_of(r);
    }
    let _ = insights(t, &InsightOptions::default());
    for by in [GroupBy::Service, GroupBy::Operation, GroupBy::Attribute("http.method".into())] {
        let _ = statistics(t, &st, &by);
    }
    let flame = FlameIndex::new(t);
    let total = t.duration().0;
    let _ = flame.layout(t, 0, total, 1.0 / 1000.0);
    let _ = flame.layout(t, total / 2, total, 0.0);
    for q in ["error=true", "get", "duration>1ms", "n>1"] {
        let f = Filter::parse(q).expect("a valid filter").expect("not empty");
        let m = f.matches(t);
        let _ = visible_rows(t, &Collapsed::none(t), Some(&m));
    }
    let _ = overview(t, 300, 40);
    let map = service_map(t, &st);
    let _ = layout(&map);
    let _ = (t.title(), t.id_text(), t.duration().to_string());
    // The detail pane of a sample of spans (all of them in small traces).
    let step = (n / 500).max(1);
    for s in (0..n).step_by(step).map(|i| SpanIdx(i as u32)) {
        let _ = zoom_to(t, s);
        let _ = (t.offset_of(s).to_string(), t.duration_of(s).to_string(), t.end_of(s), t.span_id_text(s));
        let _ = statement(t, s);
        for a in t.attributes(s).iter().take(1000) {
            let _ = (t.key(a), t.value_text(t.value(a)));
        }
        for e in t.events(s) {
            let _ = e.time.since(t.start()).to_string();
        }
    }
    for (_, w) in t.warnings() {
        let _ = w.message();
    }
    for f in ExportFormat::ALL {
        let out = export(t, None, f);
        if reimport && f != ExportFormat::Csv {
            let back = import(&out).unwrap_or_else(|e| panic!("re-import of the {} export: {e}", f.label()));
            assert_eq!(back.iter().map(Trace::len).sum::<usize>(), n, "re-import of the {} export", f.label());
        }
    }
}

fn span_count(traces: &[Trace]) -> usize {
    traces.iter().map(Trace::len).sum()
}

fn all_warnings(traces: &[Trace]) -> Vec<SpanWarning> {
    traces.iter().flat_map(|t| t.warnings().iter().map(|(_, w)| w.clone())).collect()
}

fn count(traces: &[Trace], pred: impl Fn(&SpanWarning) -> bool) -> usize {
    all_warnings(traces).iter().filter(|w| pred(w)).count()
}

/// Imports and expects success, naming the case on failure.
fn ok(case: &str, bytes: &[u8]) -> Vec<Trace> {
    run(bytes).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Imports and expects an error, naming the case otherwise.
fn err(case: &str, bytes: &[u8]) -> ImportError {
    match run(bytes) {
        Ok(t) => panic!("{case}: imported {} spans, expected an error", span_count(&t)),
        Err(e) => e,
    }
}

/// 1-based line and column of byte offset `at` (columns count bytes, as serde_json does).
fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let col = at - before.iter().rposition(|&c| c == b'\n').map_or(0, |k| k + 1) + 1;
    (line, col)
}

const FORMATS: [Format; 4] = [Format::Jaeger, Format::Otlp, Format::Zipkin, Format::Console];

fn every_field(f: Format) -> Vec<u8> {
    fixture(match f {
        Format::Jaeger => "hostile/jaeger_every_field.json",
        Format::Otlp => "hostile/otlp_every_field.json",
        Format::Zipkin => "hostile/zipkin_every_field.json",
        Format::Console => "hostile/console_every_field.json",
    })
}

/// Spans in each `*_every_field.json` (Zipkin's shared server half counts).
fn every_field_spans(f: Format) -> usize {
    match f {
        Format::Jaeger | Format::Otlp | Format::Console => 2,
        Format::Zipkin => 3,
    }
}

// ---------------------------------------------------------------------------------------------------------
// Generated documents: one span per `Sp`, in each format's own units.

#[derive(Clone, Debug)]
struct Sp {
    trace: String,
    id: String,
    parent: Option<String>,
    name: String,
    service: String,
    /// Start as JSON text: µs (Jaeger, Zipkin), ns (OTLP, usually a quoted string) or an RFC 3339 string (console).
    t0: String,
    /// Duration in µs (Jaeger, Zipkin), or the end in ns (OTLP) or as an RFC 3339 string (console), as JSON text.
    t1: String,
    /// Raw JSON of the attribute list's contents, in the format's own form.
    attrs: String,
}

fn sp(id: u64, parent: Option<u64>) -> Sp {
    Sp {
        trace: "00000000000000000000000000000abc".into(),
        id: format!("{id:016x}"),
        parent: parent.map(|p| format!("{p:016x}")),
        name: format!("op-{id}"),
        service: "svc".into(),
        t0: String::new(),
        t1: String::new(),
        attrs: String::new(),
    }
}

/// The span with times filled in for `f`: start 1,700,000,000 s + `at_us`, lasting `dur_us`.
fn timed(f: Format, mut s: Sp, at_us: u64, dur_us: u64) -> Sp {
    let start_us = 1_700_000_000_000_000 + at_us;
    (s.t0, s.t1) = match f {
        Format::Otlp => (format!("\"{}\"", start_us * 1000), format!("\"{}\"", (start_us + dur_us) * 1000)),
        Format::Console => {
            let rfc3339 = |us: u64| format!("\"{}\"", rfc3339_from_timestamp(TimestampNs::from_us(us as i64)));
            (rfc3339(start_us), rfc3339(start_us + dur_us))
        }
        _ => (start_us.to_string(), dur_us.to_string()),
    };
    s
}

fn doc(f: Format, spans: &[Sp]) -> String {
    let mut o = String::with_capacity(spans.len() * 220 + 64);
    match f {
        Format::Jaeger => {
            o.push('[');
            for (k, s) in spans.iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                let refs = match &s.parent {
                    Some(p) => format!(r#"[{{"refType":"CHILD_OF","traceID":"{}","spanID":"{p}"}}]"#, s.trace),
                    None => "[]".into(),
                };
                let _ = write!(
                    o,
                    r#"{{"traceID":"{}","spanID":"{}","operationName":"{}","references":{refs},"startTime":{},"duration":{},"tags":[{}],"process":{{"serviceName":"{}","tags":[]}}}}"#,
                    s.trace, s.id, s.name, s.t0, s.t1, s.attrs, s.service
                );
            }
            o.push(']');
        }
        Format::Otlp => {
            o.push_str(
                r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":""#,
            );
            o.push_str(spans.first().map_or("svc", |s| &s.service));
            o.push_str(r#""}}]},"scopeSpans":[{"spans":["#);
            for (k, s) in spans.iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                let _ = write!(
                    o,
                    r#"{{"traceId":"{}","spanId":"{}","parentSpanId":"{}","name":"{}","kind":1,"startTimeUnixNano":{},"endTimeUnixNano":{},"attributes":[{}]}}"#,
                    s.trace,
                    s.id,
                    s.parent.as_deref().unwrap_or(""),
                    s.name,
                    s.t0,
                    s.t1,
                    s.attrs
                );
            }
            o.push_str("]}]}]}");
        }
        Format::Zipkin => {
            o.push('[');
            for (k, s) in spans.iter().enumerate() {
                if k > 0 {
                    o.push(',');
                }
                let parent = s.parent.as_ref().map(|p| format!(r#""parentId":"{p}","#)).unwrap_or_default();
                let _ = write!(
                    o,
                    r#"{{"traceId":"{}","id":"{}",{parent}"name":"{}","timestamp":{},"duration":{},"localEndpoint":{{"serviceName":"{}"}},"tags":{{{}}}}}"#,
                    s.trace, s.id, s.name, s.t0, s.t1, s.service, s.attrs
                );
            }
            o.push(']');
        }
        // As the Go SDK's stdouttrace prints spans without pretty-printing: one object per line.
        Format::Console => {
            for s in spans {
                let parent = s.parent.as_deref().unwrap_or("0000000000000000");
                let _ = writeln!(
                    o,
                    r#"{{"Name":"{}","SpanContext":{{"TraceID":"{}","SpanID":"{}"}},"Parent":{{"TraceID":"{}","SpanID":"{parent}"}},"SpanKind":1,"StartTime":{},"EndTime":{},"Attributes":[{}],"Resource":[{{"Key":"service.name","Value":{{"Type":"STRING","Value":"{}"}}}}]}}"#,
                    s.name, s.trace, s.id, s.trace, s.t0, s.t1, s.attrs, s.service
                );
            }
        }
    }
    o
}

/// One attribute in `f`'s form: a string value given as raw JSON text (quoted or any JSON value).
fn attr(f: Format, key: &str, raw_value: &str) -> String {
    match f {
        Format::Jaeger => format!(r#"{{"key":"{key}","type":"string","value":{raw_value}}}"#),
        Format::Otlp => format!(r#"{{"key":"{key}","value":{{"stringValue":{raw_value}}}}}"#),
        Format::Zipkin => format!(r#""{key}":{raw_value}"#),
        Format::Console => format!(r#"{{"Key":"{key}","Value":{{"Type":"STRING","Value":{raw_value}}}}}"#),
    }
}

/// A small valid trace of `f`: a root and two children.
fn small(f: Format) -> String {
    let spans = [timed(f, sp(1, None), 0, 1000), timed(f, sp(2, Some(1)), 10, 100), timed(f, sp(3, Some(1)), 200, 300)];
    doc(f, &spans)
}

// ---------------------------------------------------------------------------------------------------------
// Broken JSON.

fn is_ws(c: &u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t')
}

/// Every prefix of `bytes` at `step`: empty → `Empty`; otherwise a syntax error on the prefix's last line.
fn check_prefixes(name: &str, bytes: &[u8], step: usize) {
    // Cuts inside the document (a cut in the trailing whitespace leaves the whole document).
    let end = bytes.len() - bytes.iter().rev().take_while(|c| is_ws(c)).count();
    on_wasm_stack(|| {
        for cut in (0..end).step_by(step) {
            let b = &bytes[..cut];
            match checked(b) {
                Err(ImportError::Empty) if b.iter().all(is_ws) => {}
                Err(ImportError::Syntax { line, column, message }) => {
                    let (want_line, _) = line_col(b, cut);
                    assert_eq!(line, want_line, "{name} cut at {cut}: {message}");
                    // serde_json counts a position right after a newline as column 0.
                    assert!(column > 0 || b.ends_with(b"\n"), "{name} cut at {cut}");
                    // serde_json calls a number cut right after its point, sign or exponent mark invalid.
                    let cut_number = message == "invalid number" && b.ends_with(b".");
                    assert!(
                        message.starts_with("EOF while parsing") || message.contains("unicode") || cut_number,
                        "{name} cut at {cut}: {message}"
                    );
                }
                other => panic!("{name} cut at {cut}: {:?}", other.map(|t| span_count(&t))),
            }
        }
    });
}

#[test]
fn truncated_json_is_a_syntax_error_on_the_line_of_the_cut() {
    for f in FORMATS {
        check_prefixes(&format!("{f:?} every field"), &every_field(f), 1);
        // Multi-byte characters cut in the middle.
        let mut s = timed(f, sp(1, None), 0, 5);
        s.name = "名前-😀".into();
        check_prefixes(&format!("{f:?} multi-byte"), doc(f, &[s]).as_bytes(), 1);
    }
    for rel in
        ["jaeger/jaeger-ui_otlp2jaeger-out.json", "otlp/otel-proto_examples_trace.json", "zipkin/zipkin-lens_skew.json"]
    {
        let b = fixture(rel);
        check_prefixes(rel, &b, (b.len() / 400).max(1));
    }
}

#[test]
fn trailing_garbage_is_a_syntax_error_where_it_starts() {
    for f in FORMATS {
        let base = every_field(f);
        let end = base.len() - base.iter().rev().take_while(|c| is_ws(c)).count();
        // (OTLP reads concatenated documents, so a second object after the first is one more document.)
        for garbage in ["xyz", "]", "}", ",", "\0", "[", "{\"a\":"] {
            let mut b = base[..end].to_vec();
            b.extend_from_slice(garbage.as_bytes());
            let case = format!("{f:?} + {garbage:?}");
            let e = err(&case, &b);
            let ImportError::Syntax { line, column, message } = &e else { panic!("{case}: {e:?}") };
            let (l, c) = line_col(&b, end);
            assert_eq!(*line, l, "{case}: {message}");
            // serde_json points at the first bad byte, or at the end when the garbage opens a value.
            assert!((c..=c + garbage.len()).contains(column), "{case}: {e}");
        }
    }
}

#[test]
fn a_utf8_bom_is_skipped() {
    for f in FORMATS {
        let mut b = b"\xEF\xBB\xBF".to_vec();
        b.extend_from_slice(&every_field(f));
        assert_eq!(span_count(&ok(&format!("{f:?} BOM"), &b)), every_field_spans(f));
        let e = err("BOM only", b"\xEF\xBB\xBF");
        assert_eq!(e, ImportError::Empty);
        // A second BOM is not whitespace: a syntax error at its place.
        let mut b2 = b"\xEF\xBB\xBF\xEF\xBB\xBF".to_vec();
        b2.extend_from_slice(&every_field(f));
        assert!(matches!(err("two BOMs", &b2), ImportError::Syntax { line: 1, column: 1, .. }));
    }
}

#[test]
fn nan_and_infinity_literals_are_syntax_errors_at_the_literal() {
    for f in FORMATS {
        for lit in ["NaN", "Infinity", "-Infinity"] {
            let mut s = timed(f, sp(1, None), 0, 5);
            s.t1 = lit.into();
            let d = doc(f, &[s]);
            let at = d.find(lit).unwrap();
            let (line, col) = line_col(d.as_bytes(), at);
            let case = format!("{f:?} duration {lit}");
            match err(&case, d.as_bytes()) {
                ImportError::Syntax { line: l, column: c, message } => {
                    assert_eq!(l, line, "{case}");
                    assert!(c >= col && c <= col + lit.len(), "{case}: column {c}, literal at {col}: {message}");
                }
                other => panic!("{case}: {other:?}"),
            }
        }
    }
    // As strings, OTLP's doubleValue allows them (the proto3 JSON mapping); the page copes with NaN values.
    let mut s = timed(Format::Otlp, sp(1, None), 0, 5);
    s.attrs = r#"{"key":"n","value":{"doubleValue":"NaN"}},{"key":"i","value":{"doubleValue":"-Infinity"}}"#.into();
    let t = ok("OTLP doubleValue \"NaN\"", doc(Format::Otlp, &[s]).as_bytes());
    assert!(matches!(t[0].attribute(SpanIdx(0), "n"), Some(Value::Double(d)) if d.is_nan()));
}

#[test]
fn comments_are_syntax_errors_at_the_comment() {
    for f in FORMATS {
        let base = small(f);
        // After the first `{` or `[`, and before the end.
        for comment in ["// note\n", "/* note */"] {
            for at in [1, base.len() - 1] {
                let d = format!("{}{comment}{}", &base[..at], &base[at..]);
                let (line, col) = line_col(d.as_bytes(), at);
                let case = format!("{f:?} {comment:?} at {at}");
                match err(&case, d.as_bytes()) {
                    ImportError::Syntax { line: l, column: c, .. } => {
                        assert_eq!(l, line, "{case}");
                        assert!(c == col || c == col + 1, "{case}: column {c}, comment at {col}");
                    }
                    other => panic!("{case}: {other:?}"),
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Wrong types in every field.

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Idx(usize),
}

fn path_text(path: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in path {
        match seg {
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Idx(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    s
}

fn all_paths(v: &Json, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if !at.is_empty() {
        out.push(at.clone());
    }
    match v {
        Json::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(Seg::Idx(i));
                all_paths(x, at, out);
                at.pop();
            }
        }
        Json::Object(m) => {
            for (k, x) in m {
                at.push(Seg::Key(k.clone()));
                all_paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(v: &'a mut Json, path: &[Seg]) -> &'a mut Json {
    path.iter().fold(v, |v, seg| match seg {
        Seg::Key(k) => &mut v[k.as_str()],
        Seg::Idx(i) => &mut v[*i],
    })
}

/// What a replacement is, for skipping "replace a string by a string".
fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Json::Number(_) => "float",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// The outcome of one replacement, for the summary.
#[derive(Default)]
struct Walk {
    ok: usize,
    ok_with_warnings: usize,
    /// Imports that lost spans (a `spans` list replaced by `null`, `{}`, …): fewer spans, no error.
    ok_fewer_spans: usize,
    shape: usize,
    other: Vec<String>,
}

/// Replaces every value of the format's `every_field` document in turn by each other JSON type. Each import
/// must give `Ok` or a `Shape` error whose path is the replaced field (or inside it); never a panic.
#[test]
fn wrong_types_in_every_field_import_or_name_the_field() {
    let replacements = [
        Json::Null,
        Json::Bool(true),
        serde_json::json!(12345),
        serde_json::json!(-1.5),
        Json::String("text".into()),
        serde_json::json!([]),
        serde_json::json!({}),
    ];
    for f in FORMATS {
        let base: Json = serde_json::from_slice(&every_field(f)).unwrap();
        let base_warnings = all_warnings(&ok("base", &serde_json::to_vec(&base).unwrap())).len();
        let mut paths = Vec::new();
        all_paths(&base, &mut Vec::new(), &mut paths);
        let mut walk = Walk::default();
        on_wasm_stack(|| {
            for path in &paths {
                let p = path_text(path);
                for r in &replacements {
                    let mut v = base.clone();
                    let slot = at_mut(&mut v, path);
                    if kind_of(slot) == kind_of(r) {
                        continue;
                    }
                    *slot = r.clone();
                    let bytes = serde_json::to_vec(&v).unwrap();
                    let case = format!("{f:?} {p} = {r}");
                    match checked(&bytes) {
                        Ok(t) => {
                            walk.ok += 1;
                            walk.ok_with_warnings += usize::from(all_warnings(&t).len() > base_warnings);
                            walk.ok_fewer_spans += usize::from(span_count(&t) < every_field_spans(f));
                        }
                        Err(ImportError::Shape { path: at, format, .. }) => {
                            let at = at.replace("$.[", "$[");
                            assert_eq!(format, f, "{case}");
                            let inside =
                                at == p || at.starts_with(&format!("{p}.")) || at.starts_with(&format!("{p}["));
                            if inside {
                                walk.shape += 1;
                            } else {
                                walk.other.push(format!("{case}: shape error at {at}"));
                            }
                        }
                        // Detection reads a top-level array's first element: a Zipkin document (or an array of
                        // console spans) whose first element is no object is no trace format.
                        Err(ImportError::UnknownFormat { found })
                            if matches!(f, Format::Zipkin | Format::Console)
                                && p == "$[0]"
                                && found.contains("array that does not hold objects") =>
                        {
                            walk.shape += 1
                        }
                        Err(e) => walk.other.push(format!("{case}: {e}")),
                    }
                }
            }
        });
        println!(
            "{f:?}: {} fields; ok {} (with a new warning {}, with fewer spans {}), shape error at the field {}",
            paths.len(),
            walk.ok,
            walk.ok_with_warnings,
            walk.ok_fewer_spans,
            walk.shape
        );
        assert!(walk.other.is_empty(), "{f:?}:\n{}", walk.other.join("\n"));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Deep nesting.

const DEEP: usize = 10_000;

fn nested_arrays(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

/// Expects the syntax error serde_json gives past its nesting limit (128), on line 1 near the 129th opening.
fn too_deep(case: &str, d: &str) {
    match err(case, d.as_bytes()) {
        ImportError::Syntax { line, message, .. } => {
            assert_eq!(line, 1, "{case}");
            assert!(message.contains("nested more than 128 levels"), "{case}: {message}");
        }
        other => panic!("{case}: {other:?}"),
    }
}

#[test]
fn ten_thousand_levels_of_nesting_are_a_clear_error_without_stack_overflow() {
    // The whole document: Zipkin's list of traces (an array of span arrays) whose first trace holds an array.
    for depth in [DEEP, 1_000_000] {
        let e = err("top-level arrays", nested_arrays(depth).as_bytes());
        assert!(
            matches!(&e, ImportError::Shape { format: Format::Zipkin, path, line: 1, column: 2, .. } if path == "$[0][0]"),
            "{depth}: {e:?}"
        );
        assert!(e.to_string().contains("expected a Zipkin v2 span object"), "{e}");
    }
    let objects = r#"{"a":"#.repeat(DEEP) + "1" + &"}".repeat(DEEP);
    let e = err("top-level objects", objects.as_bytes());
    assert!(matches!(&e, ImportError::UnknownFormat { found } if found.contains("`a`")), "{e:?}");
    // An unknown key holding 10,000 levels is skipped (serde_json skips without recursing), a million too.
    for depth in [DEEP, 1_000_000] {
        for f in FORMATS {
            let mut s = timed(f, sp(1, None), 0, 5);
            s.name = format!(r#"deep","x":{}, "y":"1"#, nested_arrays(depth));
            let t = ok(&format!("{f:?} unknown key {depth} deep"), doc(f, &[s]).as_bytes());
            assert_eq!(span_count(&t), 1, "{f:?}");
        }
    }
    // Inside attribute values and unknown keys.
    for f in FORMATS {
        for (what, value) in
            [("arrays", nested_arrays(DEEP)), ("objects", r#"{"a":"#.repeat(DEEP) + "1" + &"}".repeat(DEEP))]
        {
            let mut s = timed(f, sp(1, None), 0, 5);
            if f == Format::Otlp {
                // An AnyValue holding only an unknown key: skipped, the value is empty.
                s.attrs = format!(r#"{{"key":"k","value":{{"x":{value}}}}}"#);
                let t = ok(&format!("OTLP AnyValue with an unknown key of nested {what}"), doc(f, &[s]).as_bytes());
                assert!(matches!(t[0].attribute(SpanIdx(0), "k"), Some(Value::Empty)));
                continue;
            }
            s.attrs = attr(f, "k", &value);
            too_deep(&format!("{f:?} attribute value of nested {what}"), &doc(f, &[s]));
        }
    }
    let chain = |wrap: &str, close: &str| {
        format!(r#"{{"key":"k","value":{}{{"intValue":1}}{}}}"#, wrap.repeat(DEEP), close.repeat(DEEP))
    };
    for (what, attrs) in [
        ("arrayValue", chain(r#"{"arrayValue":{"values":["#, "]}}")),
        ("kvlistValue", chain(r#"{"kvlistValue":{"values":[{"key":"k","value":"#, "}]}}")),
    ] {
        let mut s = timed(Format::Otlp, sp(1, None), 0, 5);
        s.attrs = attrs;
        too_deep(&format!("OTLP {what} 10,000 deep"), &doc(Format::Otlp, &[s]));
    }
}

/// Nesting just inside the limit imports, and the page (value text, export, re-import) copes on a 1 MB stack.
#[test]
fn the_deepest_accepted_nesting_imports_and_exports() {
    // OTLP: 38 AnyValue levels (3 JSON levels each) under the 9 levels of the envelope.
    let levels = 38;
    let attrs = format!(
        r#"{{"key":"deep","value":{}{{"intValue":1}}{}}}"#,
        r#"{"arrayValue":{"values":["#.repeat(levels),
        "]}}".repeat(levels)
    );
    let mut s = timed(Format::Otlp, sp(1, None), 0, 5);
    s.attrs = attrs;
    let t = ok("OTLP 38 nested arrayValues", doc(Format::Otlp, &[s]).as_bytes());
    let v = t[0].attribute(SpanIdx(0), "deep").unwrap();
    assert_eq!(t[0].value_text(v), "[".repeat(levels) + "1" + &"]".repeat(levels));
    // Jaeger and Zipkin keep a nested tag value as its JSON text.
    for f in [Format::Jaeger, Format::Zipkin] {
        let mut s = timed(f, sp(1, None), 0, 5);
        s.attrs = attr(f, "deep", &nested_arrays(100));
        let t = ok(&format!("{f:?} 100 nested arrays"), doc(f, &[s]).as_bytes());
        assert_eq!(t[0].value_text(t[0].attribute(SpanIdx(0), "deep").unwrap()), nested_arrays(100));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Broken trees.

#[test]
fn parent_cycles_are_cut_once_and_keep_every_span() {
    for f in FORMATS {
        // 1 → 2 → 1.
        let two = [timed(f, sp(1, Some(2)), 0, 10), timed(f, sp(2, Some(1)), 1, 5)];
        let t = ok(&format!("{f:?} 2-cycle"), doc(f, &two).as_bytes());
        assert_eq!((span_count(&t), t[0].roots().len()), (2, 1), "{f:?}");
        assert_eq!(count(&t, |w| matches!(w, SpanWarning::CycleBroken(_))), 1, "{f:?}");
        // A ring of 10,000, with a tail of 3 hanging off it.
        let n = 10_000u64;
        let mut ring: Vec<Sp> = (1..=n).map(|i| timed(f, sp(i, Some(if i == 1 { n } else { i - 1 })), i, 1)).collect();
        ring.extend((n + 1..=n + 3).map(|i| timed(f, sp(i, Some(i - 1)), i, 1)));
        ring[n as usize].parent = Some(format!("{:016x}", 5000));
        let t = ok(&format!("{f:?} ring of 10,000"), doc(f, &ring).as_bytes());
        assert_eq!((span_count(&t), t[0].roots().len()), (n as usize + 3, 1), "{f:?}");
        assert_eq!(count(&t, |w| matches!(w, SpanWarning::CycleBroken(_))), 1, "{f:?}");
        assert_eq!(all_warnings(&t).len(), 1, "{f:?}");
    }
}

#[test]
fn a_span_that_is_its_own_parent_becomes_a_root() {
    for f in FORMATS {
        let spans = [timed(f, sp(1, Some(1)), 0, 10), timed(f, sp(2, Some(1)), 1, 5)];
        let t = ok(&format!("{f:?} self-parent"), doc(f, &spans).as_bytes());
        assert_eq!((span_count(&t), t[0].roots().len()), (2, 1), "{f:?}");
        assert_eq!(all_warnings(&t), [SpanWarning::SelfParent], "{f:?}");
        assert_eq!(t[0].depth(), 2, "{f:?}");
    }
}

#[test]
fn duplicate_span_ids_are_kept_and_flagged_within_a_trace_only() {
    for f in FORMATS {
        let spans = [
            timed(f, sp(1, None), 0, 10),
            timed(f, sp(1, None), 1, 10),
            timed(f, sp(1, None), 2, 10),
            timed(f, sp(2, Some(1)), 3, 5),
        ];
        let t = ok(&format!("{f:?} same trace"), doc(f, &spans).as_bytes());
        assert_eq!((t.len(), span_count(&t)), (1, 4), "{f:?}");
        assert_eq!(count(&t, |w| *w == SpanWarning::DuplicateId), 3, "{f:?}");
        // The same id in two traces is no conflict.
        let mut other = timed(f, sp(1, None), 0, 10);
        other.trace = "00000000000000000000000000000def".into();
        let t = ok(&format!("{f:?} two traces"), doc(f, &[timed(f, sp(1, None), 0, 10), other]).as_bytes());
        assert_eq!((t.len(), span_count(&t)), (2, 2), "{f:?}");
        assert!(all_warnings(&t).is_empty(), "{f:?}: {:?}", all_warnings(&t));
    }
}

// ---------------------------------------------------------------------------------------------------------
// Times.

/// A one-span document with the given start and duration (end, for OTLP) text.
fn one_span(f: Format, t0: &str, t1: &str) -> Vec<u8> {
    let mut s = sp(1, None);
    (s.t0, s.t1) = (t0.into(), t1.into());
    // A child, so parent/child arithmetic (self time, critical path, skew) runs too.
    let mut c = timed(f, sp(2, Some(1)), 0, 1);
    c.service = "other".into();
    doc(f, &[s, c]).into_bytes()
}

/// Imports and returns the first span's start and duration and its warnings.
fn times(case: &str, bytes: &[u8]) -> (TimestampNs, DurationNs, Vec<SpanWarning>) {
    let t = ok(case, bytes);
    let t = &t[0];
    let s = t.spans().find(|&s| t.span_id_text(s).ends_with('1')).unwrap();
    (t.start_of(s), t.duration_of(s), t.span_warnings(s).cloned().collect())
}

const T0_US: &str = "1700000000000000";
const T0_NS: &str = "\"1700000000000000000\"";
/// 2262-04-11T23:47:16.854775807Z, the last instant of i64 nanoseconds.
const LAST_NS: i64 = i64::MAX;

#[test]
fn negative_zero_and_huge_durations() {
    use SpanWarning::*;
    let start = TimestampNs(1_700_000_000_000_000_000);
    for f in [Format::Jaeger, Format::Zipkin] {
        let case = |d: &str| times(&format!("{f:?} duration {d}"), &one_span(f, T0_US, d));
        assert_eq!(case("-5"), (start, DurationNs(0), vec![NegativeDuration]), "{f:?}");
        assert_eq!(case("-1.5e300"), (start, DurationNs(0), vec![NegativeDuration]), "{f:?}");
        let zero = case("0");
        assert_eq!((zero.0, zero.1), (start, DurationNs(0)), "{f:?}");
        // u64::MAX µs: clamped to the largest duration, and the end to the last instant.
        for huge in ["18446744073709551615", "9223372036854775807", "1e300"] {
            let (s, d, w) = case(huge);
            assert_eq!((s, d), (start, DurationNs(LAST_NS - start.0)), "{f:?} {huge}");
            assert_eq!(w, vec![TimeOutOfRange], "{f:?} {huge}");
        }
    }
    // Zipkin writes 0 for "unknown"; Jaeger's 0 is a real zero-length span.
    assert_eq!(times("Zipkin 0", &one_span(Format::Zipkin, T0_US, "0")).2, vec![MissingDuration]);
    assert_eq!(times("Jaeger 0", &one_span(Format::Jaeger, T0_US, "0")).2, vec![]);
    let f = Format::Otlp;
    let case = |t1: &str| times(&format!("OTLP end {t1}"), &one_span(f, T0_NS, t1));
    assert_eq!(case("\"1699999999999999999\""), (start, DurationNs(0), vec![NegativeDuration]));
    assert_eq!(case(T0_NS), (start, DurationNs(0), vec![]));
    assert_eq!(case("\"0\""), (start, DurationNs(0), vec![MissingDuration]));
    for huge in ["\"18446744073709551615\"", "18446744073709551615", "\"9223372036854775807\""] {
        let (s, d, w) = case(huge);
        assert_eq!((s, d), (start, DurationNs(LAST_NS - start.0)), "OTLP {huge}");
        // An end at i64::MAX itself cannot be told from a saturated one: flagged too.
        assert_eq!(w, vec![TimeOutOfRange], "OTLP {huge}");
    }
}

#[test]
fn start_plus_duration_beyond_i64_is_clamped_at_the_last_instant() {
    // Start at the i64 limit (µs), lasting a day: the end would overflow i64 nanoseconds.
    for f in [Format::Jaeger, Format::Zipkin] {
        let (s, d, w) = times(&format!("{f:?}"), &one_span(f, "9223372036854775", "86400000000"));
        assert_eq!((s, d), (TimestampNs(9_223_372_036_854_775_000), DurationNs(807)), "{f:?}");
        assert_eq!(w, vec![SpanWarning::TimeOutOfRange], "{f:?}");
    }
}

#[test]
fn timestamps_at_zero_at_2262_and_beyond() {
    use SpanWarning::*;
    for f in FORMATS {
        let (zero, limit, y3000, max) = match f {
            Format::Otlp => {
                ("\"0\"", "\"9223372036854775000\"", "\"32503680000000000000\"", "\"18446744073709551615\"")
            }
            // Go's zero time is what `stdouttrace.WithoutTimestamps()` prints.
            Format::Console => (
                "\"0001-01-01T00:00:00Z\"",
                "\"2262-04-11T23:47:16.854775Z\"",
                "\"3000-01-01T00:00:00Z\"",
                "\"9999-12-31T23:59:59.999999999Z\"",
            ),
            _ => ("0", "9223372036854775", "32503680000000000", "18446744073709551615"),
        };
        let end = |t0: &str| match f {
            Format::Otlp => one_span(f, t0, "\"1\""),
            Format::Console => one_span(f, t0, t0),
            _ => one_span(f, t0, "1"),
        };
        // 0 is "not set" in every format.
        let (_, _, w) = times(&format!("{f:?} start 0"), &end(zero));
        assert!(w.contains(&MissingStart), "{f:?}: {w:?}");
        // The last representable instant imports as it is.
        let limit_end = if matches!(f, Format::Otlp | Format::Console) { limit } else { "0" };
        let (s, _, _) = times(&format!("{f:?} 2262"), &one_span(f, limit, limit_end));
        assert_eq!(s, TimestampNs(9_223_372_036_854_775_000), "{f:?}");
        // Beyond: clamped to the last instant, with a warning.
        for beyond in [y3000, max] {
            let (s, d, w) = times(&format!("{f:?} start {beyond}"), &end(beyond));
            assert_eq!(s, TimestampNs(LAST_NS), "{f:?} {beyond}");
            assert_eq!(d, DurationNs(0), "{f:?} {beyond}");
            assert!(w.contains(&TimeOutOfRange), "{f:?} {beyond}: {w:?}");
        }
    }
    // Negative µs (before 1970) are times like any other; far before 1677 they are clamped too.
    for f in [Format::Jaeger, Format::Zipkin] {
        let (s, _, w) = times(&format!("{f:?} 1969"), &one_span(f, "-1000000", "5"));
        assert_eq!((s, w), (TimestampNs(-1_000_000_000), vec![]), "{f:?}");
        let (_, _, w) = times(&format!("{f:?} -u64::MAX"), &one_span(f, "-18446744073709551615", "5"));
        assert!(w.contains(&TimeOutOfRange), "{f:?}: {w:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Size.

const MB: usize = 1 << 20;

/// One span whose attributes are `attrs` (raw, in `f`'s form).
fn with_attrs(f: Format, attrs: String) -> Vec<u8> {
    let mut s = timed(f, sp(1, None), 0, 5);
    s.attrs = attrs;
    doc(f, &[s]).into_bytes()
}

#[test]
fn a_one_megabyte_attribute_value_is_kept_whole() {
    for f in FORMATS {
        let big = "x".repeat(MB);
        let t = ok(&format!("{f:?} 1 MB value"), &with_attrs(f, attr(f, "big", &format!("\"{big}\""))));
        match t[0].attribute(SpanIdx(0), "big") {
            Some(Value::Str(s)) => assert_eq!(s.len(), MB, "{f:?}"),
            other => panic!("{f:?}: {other:?}"),
        }
        // A 1 MB key, and a 1 MB service name.
        let t = ok(&format!("{f:?} 1 MB key"), &with_attrs(f, attr(f, &big, "\"v\"")));
        assert_eq!(t[0].attributes(SpanIdx(0)).iter().map(|a| t[0].key(a).len()).max(), Some(MB), "{f:?}");
        let mut s = timed(f, sp(1, None), 0, 5);
        s.service = big.clone();
        let t = ok(&format!("{f:?} 1 MB service"), doc(f, &[s]).as_bytes());
        assert_eq!(t[0].service(SpanIdx(0)).len(), MB, "{f:?}");
    }
}

fn many_attrs(f: Format, n: usize) -> Vec<u8> {
    let attrs: Vec<String> = (0..n).map(|i| attr(f, &format!("k{i}"), &format!("\"v{i}\""))).collect();
    with_attrs(f, attrs.join(","))
}

#[test]
fn a_hundred_thousand_attributes_on_one_span() {
    for f in FORMATS {
        let t = ok(&format!("{f:?} 100,000 attributes"), &many_attrs(f, 100_000));
        assert_eq!(t[0].attributes(SpanIdx(0)).len(), 100_000, "{f:?}");
        assert!(matches!(t[0].attribute(SpanIdx(0), "k99999"), Some(Value::Str("v99999"))), "{f:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Encodings.

/// Replaces `marker` in the document by bytes that are not UTF-8; expects a syntax error at that place.
fn invalid_utf8_at(case: &str, d: &str, marker: &str) {
    let at = d.find(marker).unwrap_or_else(|| panic!("{case}: no {marker}"));
    let mut b = d.as_bytes().to_vec();
    b.splice(at..at + marker.len(), [b'a', 0xFF, 0xFE, b'z']);
    match err(case, &b) {
        ImportError::Syntax { line, column, message } => {
            let (l, c) = line_col(&b, at);
            assert_eq!(line, l, "{case}");
            // serde_json reports the string's end or the bad byte; either is on this string.
            assert!(column >= c && column <= c + 4 + 40, "{case}: column {column}, bytes at {c}");
            assert!(message.contains("unicode"), "{case}: {message}");
        }
        other => panic!("{case}: {other:?}"),
    }
}

#[test]
fn invalid_utf8_is_a_syntax_error_at_the_string() {
    for f in FORMATS {
        let mut s = timed(f, sp(1, None), 0, 5);
        s.service = "SERVICE".into();
        s.name = "NAME".into();
        s.attrs = attr(f, "KEY", "\"VALUE\"");
        let d = doc(f, &[s]);
        for marker in ["SERVICE", "NAME", "KEY", "VALUE"] {
            invalid_utf8_at(&format!("{f:?} invalid UTF-8 in {marker}"), &d, marker);
        }
    }
}

#[test]
fn a_utf16_file_is_named_as_such() {
    for f in FORMATS {
        let text = String::from_utf8(every_field(f)).unwrap();
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (what, bytes) in [
            ("LE with BOM", [&[0xFF, 0xFE][..], &le].concat()),
            ("BE with BOM", [&[0xFE, 0xFF][..], &be].concat()),
            ("LE", le.clone()),
            ("BE", be.clone()),
        ] {
            let case = format!("{f:?} UTF-16 {what}");
            match err(&case, &bytes) {
                ImportError::UnknownFormat { found } => assert!(found.contains("UTF-16"), "{case}: {found}"),
                other => panic!("{case}: {other:?}"),
            }
        }
    }
}

#[test]
fn binary_and_compressed_files_are_named_as_such() {
    let mut raw_protobuf = vec![0x0A, 0x8F, 0x03, 0x0A, 0x2A, 0x0A, 0x28, 0x0A, 0x0C];
    raw_protobuf.extend_from_slice(b"service.name\x12\x18\x0A\x16checkout");
    let length_prefixed = [&[0x00, 0x01, 0x86, 0xA0][..], &raw_protobuf].concat();
    for (what, bytes, says) in [
        ("gzip", vec![0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, b'{'], "gzip-compressed"),
        ("zstd", vec![0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x10, 0x81, 0x00], "zstd-compressed"),
        ("zip", b"PK\x03\x04\x14\x00\x00\x00trace.json".to_vec(), "a zip archive"),
        ("file exporter, format: proto", length_prefixed, "set `format: json`"),
        ("small message, file exporter", [&[0, 0, 0, 0x2D][..], &raw_protobuf].concat(), "`format: proto`"),
        ("Tempo protobuf answer", raw_protobuf, "binary protobuf, not JSON"),
        ("PNG", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), "a binary file, not JSON text"),
    ] {
        let stream = |b: &[u8]| {
            let mut builder = TraceSetBuilder::new();
            import_stream_into(&mut builder, &b).map(|_| ())
        };
        for (path, got) in [("in memory", run(&bytes).map(|_| ())), ("stream", stream(&bytes))] {
            match got {
                Err(ImportError::UnknownFormat { found }) => assert!(found.contains(says), "{what} ({path}): {found}"),
                other => panic!("{what} ({path}): {other:?}"),
            }
        }
    }
    // JSON text with a stray control character is left to the parser, which names its place.
    match err("control character in JSON", b"\n{\"data\":[\x01]}") {
        ImportError::Syntax { line: 2, column: 10, .. } => {}
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Documents that are not traces.

#[test]
fn empty_and_non_trace_documents() {
    assert_eq!(err("empty", b""), ImportError::Empty);
    assert_eq!(err("whitespace", b" \n\t\r\n "), ImportError::Empty);
    for (doc, says) in [
        ("null", "neither an object nor an array"),
        ("42", "neither an object nor an array"),
        ("-1.5e300", "neither an object nor an array"),
        ("\"text\"", "neither an object nor an array"),
        ("true", "neither an object nor an array"),
        ("{}", "a JSON object with no keys"),
        ("[1,2]", "an array that does not hold objects"),
        ("[null]", "an array that does not hold objects"),
        ("[\"a\"]", "an array that does not hold objects (its first element is a string: a list of names, such as Zipkin's /api/v2/services answer, holds no spans)"),
        // The query APIs' other answers, by name.
        (
            r#"{"traces":[{"traceID":"2f3e","rootServiceName":"shop"}],"metrics":{"completedJobs":1}}"#,
            "a list of traces without their spans (`traces`, as Tempo's /api/search answers)",
        ),
        (r#"{"tagNames":["http.method"]}"#, "a Tempo tag answer"),
        (r#"{"scopes":[{"name":"span","tags":["http.method"]}]}"#, "a Tempo tag answer"),
        (r#"{"tagValues":[{"type":"string","value":"GET"}]}"#, "a Tempo tag answer"),
        (r#"{"services":["frontend"]}"#, "a Jaeger api_v3 answer of service or operation names"),
        (
            r#"{"operations":[{"name":"GET /","spanKind":"server"}]}"#,
            "a Jaeger api_v3 answer of service or operation names",
        ),
    ] {
        match err(doc, doc.as_bytes()) {
            ImportError::UnknownFormat { found } => assert!(found.contains(says), "{doc}: {found}"),
            other => panic!("{doc}: {other:?}"),
        }
    }
    // The SDKs' console output is read, one span per document; an empty time is "not set", as `null` is.
    for (doc, spans) in [
        (
            concat!(
                r#"{"name": "GET /users", "context": {"trace_id": "0x5b8aa5a2d2c872e8321cf37308d69df2", "#,
                r#""span_id": "0x051581bf3cb55c13", "trace_state": "[]"}, "kind": "SpanKind.SERVER", "parent_id": null, "#,
                r#""start_time": "2024-05-07T14:39:52.906272Z", "end_time": "2024-05-07T14:39:52.916343Z"}"#,
                "\n",
                r#"{"name": "SELECT", "context": {}, "parent_id": "0x051581bf3cb55c13", "start_time": ""}"#
            ),
            2,
        ),
        (
            concat!(
                r#"{"Name": "roll", "SpanContext": {"TraceID": "ad3b9c0b4d4a1b1e8b1c2d3e4f506172", "SpanID": "1a2b3c4d5e6f7081"}, "#,
                r#""Parent": {"TraceID": "00000000000000000000000000000000"}, "SpanKind": 1, "#,
                r#""StartTime": "2024-05-07T16:12:34.511395+02:00", "EndTime": "2024-05-07T16:12:34.511495+02:00"}"#
            ),
            1,
        ),
    ] {
        assert_eq!(span_count(&ok(doc, doc.as_bytes())), spans, "{doc}");
    }
    // `[]` is Zipkin's answer for "no spans": no traces, no error. So are `[[]]` and `[[],[]]`.
    for doc in ["[]", "[[]]", "[[],[]]", " [ ] "] {
        assert_eq!(span_count(&ok(doc, doc.as_bytes())), 0, "{doc}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Scale.

/// Imports on a 1 MB stack and runs the page's work, re-importing the exports for OTLP only.
fn ok_big(case: &str, f: Format, bytes: &[u8]) -> Vec<Trace> {
    on_wasm_stack(|| {
        let traces = import(bytes).unwrap_or_else(|e| panic!("{case}: {e}"));
        traces.iter().for_each(|t| page_work_with(t, f == Format::Otlp));
        traces
    })
}

#[test]
fn a_hundred_thousand_spans_without_parent_links() {
    for f in FORMATS {
        let spans: Vec<Sp> = (1..=100_000).map(|i| timed(f, sp(i, None), i, 3)).collect();
        let t = ok_big(&format!("{f:?} 100,000 roots"), f, doc(f, &spans).as_bytes());
        assert_eq!((t.len(), span_count(&t), t[0].roots().len()), (1, 100_000, 100_000), "{f:?}");
        assert!(all_warnings(&t).is_empty(), "{f:?}");
    }
}

#[test]
fn a_two_hundred_thousand_child_fan_out() {
    let n = 200_000u64;
    for f in FORMATS {
        let mut spans = vec![timed(f, sp(1, None), 0, n + 10)];
        spans.extend((2..=n + 1).map(|i| timed(f, sp(i, Some(1)), i, 3)));
        let t = ok_big(&format!("{f:?} fan-out"), f, doc(f, &spans).as_bytes());
        assert_eq!((span_count(&t), t[0].roots().len(), t[0].depth()), (n as usize + 1, 1, 2), "{f:?}");
        assert_eq!(t[0].children(SpanIdx(0)).count(), n as usize, "{f:?}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Measured limits (release build; numbers in docs/hostile-input.md).

fn timed_import(what: &str, bytes: &[u8]) {
    let t0 = Instant::now();
    let traces = on_wasm_stack(|| import(bytes)).unwrap_or_else(|e| panic!("{what}: {e}"));
    let import_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    on_wasm_stack(|| traces.iter().for_each(page_work));
    println!(
        "| {what} | {:.1} MB | {} | {:.0} ms | {:.0} ms |",
        bytes.len() as f64 / 1e6,
        span_count(&traces),
        import_s * 1e3,
        t1.elapsed().as_secs_f64() * 1e3
    );
}

#[test]
#[ignore = "measurement: cargo test --release -p spanscope-model --test hostile -- --ignored --nocapture"]
fn measured_limits() {
    println!("| input | size | spans | import | page work incl. export + re-import |");
    for f in FORMATS {
        timed_import(&format!("{f:?}: 100,000 attributes on one span"), &many_attrs(f, 100_000));
        timed_import(&format!("{f:?}: 1,000,000 attributes on one span"), &many_attrs(f, 1_000_000));
        let big = "x".repeat(MB);
        timed_import(&format!("{f:?}: one 1 MB value"), &with_attrs(f, attr(f, "big", &format!("\"{big}\""))));
        let big = "x".repeat(64 * MB);
        timed_import(&format!("{f:?}: one 64 MB value"), &with_attrs(f, attr(f, "big", &format!("\"{big}\""))));
        let spans: Vec<Sp> = (1..=100_000).map(|i| timed(f, sp(i, None), i, 3)).collect();
        timed_import(&format!("{f:?}: 100,000 roots"), doc(f, &spans).as_bytes());
        let n = 1_000_000u64;
        let mut spans = vec![timed(f, sp(1, None), 0, n + 10)];
        spans.extend((2..=n + 1).map(|i| timed(f, sp(i, Some(1)), i, 3)));
        timed_import(&format!("{f:?}: 1,000,000-child fan-out"), doc(f, &spans).as_bytes());
        let ring: Vec<Sp> = (1..=n).map(|i| timed(f, sp(i, Some(if i == 1 { n } else { i - 1 })), i, 1)).collect();
        timed_import(&format!("{f:?}: 1,000,000-span parent cycle"), doc(f, &ring).as_bytes());
    }
}

/// One trace from before 1677 to after 2262: every difference of two times in it overflows i64 unless computed
/// with care (offsets, self time, critical path, gaps, flame and overview coordinates, export).
#[test]
fn a_trace_spanning_the_whole_time_range() {
    for f in [Format::Jaeger, Format::Zipkin] {
        let mut root = sp(1, None);
        (root.t0, root.t1) = ("-9223372036854775".into(), "18446744073709551615".into());
        let mut early = sp(2, Some(1));
        (early.t0, early.t1) = ("-9223372036854775".into(), "5".into());
        let mut late = sp(3, Some(1));
        (late.t0, late.t1) = ("9223372036854775".into(), "18446744073709551615".into());
        late.service = "other".into();
        let mut lost = sp(4, Some(3));
        (lost.t0, lost.t1) = ("-1e300".into(), "1e300".into());
        let t = ok(&format!("{f:?} whole range"), doc(f, &[root, early, late, lost]).as_bytes());
        assert_eq!(span_count(&t), 4, "{f:?}");
        assert!(count(&t, |w| *w == SpanWarning::TimeOutOfRange) >= 2, "{f:?}: {:?}", all_warnings(&t));
    }
    let f = Format::Otlp;
    let mut root = sp(1, None);
    (root.t0, root.t1) = ("\"1\"".into(), "\"18446744073709551615\"".into());
    let mut late = sp(2, Some(1));
    (late.t0, late.t1) = ("\"99999999999999999999\"".into(), "\"99999999999999999999\"".into());
    let t = ok("OTLP whole range", doc(f, &[root, late]).as_bytes());
    assert_eq!(count(&t, |w| *w == SpanWarning::TimeOutOfRange), 2, "{:?}", all_warnings(&t));
}
