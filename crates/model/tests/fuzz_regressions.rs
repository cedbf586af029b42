//! Inputs the fuzz targets (`fuzz/`, run by `scripts/fuzz`) found crashing, hanging or exhausting memory, kept as
//! ordinary tests so the fixes stay fixed. Each test is named after its case; inputs are inline bytes or files
//! under `fixtures/fuzz/`. Cases that once looped forever run on a thread with a deadline, so a regression fails
//! the test instead of hanging the suite.
//!
//! The wasm build runs with a 1 MB stack, so recursion that survives natively can still crash the app: the
//! nesting tests run on a thread with a 1 MB stack ([`on_wasm_stack`]).

use spanscope_model::export::{export, ExportFormat};
use spanscope_model::filter::Filter;
use spanscope_model::insights::{insights, InsightOptions};
use spanscope_model::route::Route;
use spanscope_model::{import, import_into, BuildOptions, ImportError, SpanIdx, Trace, TraceSetBuilder};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

fn fuzz_fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `f` on a thread and fails if it has not returned within `limit_s` seconds.
fn within<T: Send + 'static>(limit_s: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(limit_s)).unwrap_or_else(|_| panic!("{what}: no result within {limit_s} s"))
}

/// `Debug` of the parsed filter, to compare two texts' parses.
fn parsed(text: &str) -> String {
    format!("{:?}", Filter::parse(text))
}

/// A vertical tab (and any whitespace that is not ASCII whitespace) ended a word but was not skipped between
/// terms, so the term loop parsed an empty term at it forever, growing the term list until memory ran out.
#[test]
fn filter_vertical_tab_between_terms() {
    let text = String::from_utf8(fuzz_fixture("filter_vertical_tab_between_terms.txt")).unwrap();
    let f = within(10, "Filter::parse", move || Filter::parse(&text).map(|f| f.is_some()));
    assert_eq!(f, Ok(true));
}

/// Every Unicode whitespace separates terms exactly as a space does: in free text, after a key's value, and
/// inside what would otherwise be a key.
#[test]
fn filter_unicode_whitespace_separates_terms() {
    for sep in ['\u{0b}', '\u{85}', '\u{a0}', '\u{1680}', '\u{2003}', '\u{2028}', '\u{3000}'] {
        for text in ["cart checkout", "service=cart name=GET", "error=true cart", "foo bar=1", "  a  "] {
            let other = text.replace(' ', &sep.to_string());
            let got = within(10, "Filter::parse", move || parsed(&other));
            assert_eq!(got, parsed(text), "{text:?} with U+{:04X} for spaces", sep as u32);
        }
    }
    assert!(within(10, "Filter::parse", || Filter::parse("\u{a0}\u{0b}\u{3000}")).unwrap().is_none());
}

/// Trace ids and span counts after loading `files` one after another into one builder (failures skipped).
fn loaded(files: &[&[u8]]) -> Vec<(String, usize)> {
    let mut b = TraceSetBuilder::new();
    for f in files {
        let _ = import_into(&mut b, f);
    }
    b.finish(&BuildOptions::default()).iter().map(|t| (t.id_text(), t.len())).collect()
}

/// A second file that failed to import still widened the id of a trace the first file had loaded (its span
/// named the trace with 17 hex digits): the rollback forgot the file's spans but not the widening, so the first
/// file's trace came out with a 128-bit id.
#[test]
fn jaeger_failed_second_file_widens_trace_id() {
    let first = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jaeger/synthetic_references.json"),
    )
    .unwrap();
    let second = fuzz_fixture("jaeger_failed_second_file_widens_trace_id.json");
    assert!(import(&second).is_err());
    assert_eq!(loaded(&[&first, &second]), loaded(&[&first]));
    assert_eq!(loaded(&[&first])[0].0, "0000000000000101");
    // Minimal: a 64-bit trace, then a broken document whose first span names it with a 128-bit id.
    let narrow = br#"[{"traceId":"0000000000000101","id":"0000000000000001","name":"a","timestamp":1,"duration":2}]"#;
    let wide_then_broken = br#"[{"traceId":"00000000000000000000000000000101","id":"0000000000000002","name":"b","timestamp":1,"duration":2},{"traceId":1}]"#;
    assert!(import(wide_then_broken).is_err());
    assert_eq!(loaded(&[narrow, wide_then_broken]), vec![("0000000000000101".to_string(), 1)]);
}

/// A span starting after year 2262 (the importer saturates it to `i64::MAX`) with an end before its start (repaired
/// to zero length) ends at `i64::MAX`; insights' overlap test gave a zero-length span 1 ns more and overflowed.
#[test]
fn otlp_zero_length_span_ending_at_i64_max() {
    // Minimal: zero-length siblings at the end of time under a parent.
    let span = |id: &str, parent: &str| {
        format!(
            r#"{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"{id}","parentSpanId":"{parent}","name":"q","startTimeUnixNano":"10000000000000000000","endTimeUnixNano":"10000000000000000000"}}"#
        )
    };
    let doc = format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"00000000000000a0","name":"p","startTimeUnixNano":"1","endTimeUnixNano":"2"}},{}]}}]}}]}}"#,
        (1..=4).map(|k| span(&format!("00000000000000a{k}"), "00000000000000a0")).collect::<Vec<_>>().join(",")
    );
    let traces = import(doc.as_bytes()).unwrap();
    let t = &traces[0];
    assert_eq!(t.spans().filter(|&s| t.end_of(s).0 == i64::MAX && t.duration_of(s).0 == 0).count(), 4);
    let _ = insights(t, &InsightOptions::default());
    // The input the otlp target found.
    let traces = import(&fuzz_fixture("otlp_zero_length_span_ending_at_i64_max.json")).unwrap();
    let t = &traces[0];
    assert!(t.spans().any(|s| t.end_of(s).0 == i64::MAX && t.duration_of(s).0 == 0));
    let _ = insights(t, &InsightOptions::default());
}

/// A zoom with more than six decimals was kept at full precision, but a route's hash writes six: the route the
/// app parsed from a link differed from the one its own link parses to (`from_hash(to_hash(r)) != r`).
#[test]
fn route_zoom_with_more_decimals_than_a_link_carries() {
    let hash = "#/demo/storefront?span=0a&find=error%3Dtrue&zoom=0.1,0.6666666666666666666635&cp=1";
    let r = Route::from_hash(hash);
    assert_eq!(r.params().zoom, Some((0.1, 0.666667)));
    assert_eq!(Route::from_hash(&r.to_hash()), r);
    // Rounding can make the window empty or the whole trace (no zoom, as when written so), or bring a start just
    // below 0 to 0.
    for empty in ["0.1000001,0.1000004", "0.0000004,0.9999996", "-0.0000004,0.5"] {
        let r = Route::from_hash(&format!("#/demo/x?zoom={empty}"));
        assert_eq!(r.params().zoom, if empty.starts_with('-') { Some((0.0, 0.5)) } else { None }, "{empty}");
        assert_eq!(Route::from_hash(&r.to_hash()), r);
    }
}

/// Grafana's relative `from=now-<lookback>` split the lookback before its last byte, inside a character that is
/// not ASCII: a panic (found before it was ever committed).
#[test]
fn route_relative_grafana_time_ending_in_a_multibyte_character() {
    for hash in ["#/search?from=now-7\u{407}", "#/search?from=now-\u{407}&to=now", "#/search?from=now-6h\u{1F600}"] {
        let r = Route::from_hash(hash);
        assert_eq!(Route::from_hash(&r.to_hash()), r, "{hash}");
    }
}

/// Runs `f` on a thread with the wasm build's 1 MB stack (an overflow aborts the test run).
fn on_wasm_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(1 << 20).spawn(f).unwrap().join().unwrap()
}

/// One OTLP span whose attribute `deep` is `value`.
fn otlp_with_value(value: &str) -> String {
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"n","startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{{"key":"deep","value":{value}}}]}}]}}]}}]}}"#
    )
}

/// `depth` levels of `arrayValue` (or of `kvlistValue`) around a string.
fn nested_value(depth: usize, kvlist: bool) -> String {
    let mut v = r#"{"stringValue":"core"}"#.to_string();
    for _ in 0..depth {
        v = if kvlist {
            format!(r#"{{"kvlistValue":{{"values":[{{"key":"k","value":{v}}}]}}}}"#)
        } else {
            format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#)
        };
    }
    v
}

/// What a trace page does with a trace's values: their text, both JSON exports (read back), filters, insights.
fn derive_everything(t: &Trace) -> String {
    let text = t.value_text(t.attribute(SpanIdx(0), "deep").expect("the deep attribute"));
    for format in [ExportFormat::OtlpJson, ExportFormat::JaegerJson, ExportFormat::Csv] {
        let bytes = export(t, None, format);
        if format != ExportFormat::Csv {
            let back = import(&bytes).unwrap_or_else(|e| panic!("{format:?} export re-imports: {e}"));
            assert_eq!(back.len(), 1);
        }
    }
    for f in ["deep~core", "deep=core", "core", "deep>1"] {
        let _ = Filter::parse(f).unwrap().unwrap().matches(t);
    }
    let _ = insights(t, &InsightOptions::default());
    text
}

/// The deepest `arrayValue` and `kvlistValue` nesting that imports (serde_json's 128-level limit) is read,
/// shown, exported, re-imported and filtered within a 1 MB stack; far deeper nesting is a clean syntax error.
#[test]
fn otlp_nested_values_on_a_wasm_stack() {
    for kvlist in [false, true] {
        let deepest = on_wasm_stack(move || {
            (1..=60)
                .rev()
                .find_map(|d| import(otlp_with_value(&nested_value(d, kvlist)).as_bytes()).ok().map(|t| (d, t)))
                .map(|(d, traces)| (d, derive_everything(&traces[0])))
        });
        let (depth, text) = deepest.expect("some nesting imports");
        assert!(depth >= 25, "kvlist {kvlist}: only {depth} levels import");
        assert!(text.contains("core"), "{text}");
        for depth in [depth + 1, 10_000] {
            let doc = otlp_with_value(&nested_value(depth, kvlist));
            match on_wasm_stack(move || import(doc.as_bytes())) {
                Err(ImportError::Syntax { message, .. }) => {
                    assert!(message.contains("nested more than 128 levels"), "{message}")
                }
                other => panic!("kvlist {kvlist}, depth {depth}: {:?}", other.map(|t| t.len())),
            }
        }
    }
}

/// A wrongly typed value at the deepest nesting: the error and its JSON path are found within a wasm stack.
#[test]
fn otlp_shape_error_deep_in_a_value_on_a_wasm_stack() {
    let mut v = r#"{"intValue":[1]}"#.to_string();
    for _ in 0..38 {
        v = format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#);
    }
    let doc = otlp_with_value(&v);
    let e = on_wasm_stack(move || import(doc.as_bytes()).map(|t| t.len())).unwrap_err();
    assert!(matches!(e, ImportError::Shape { .. } | ImportError::Syntax { .. }), "{e:?}");
}

/// Unknown fields nested 100,000 deep, in each format: skipped (what spans there are import) or refused at the
/// nesting limit, never a stack overflow.
#[test]
fn deeply_nested_unknown_fields_on_a_wasm_stack() {
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let docs = [
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"01","spanId":"02","future":{deep}}}]}}]}}]}}"#
        ),
        format!(r#"{{"data":[{{"traceID":"01","spans":[{{"traceID":"01","spanID":"02","future":{deep}}}]}}]}}"#),
        format!(r#"[{{"traceId":"01","id":"02","future":{deep}}}]"#),
        format!(r#"{{"future":{deep},"resourceSpans":[]}}"#),
    ];
    for doc in docs {
        let head: String = doc.chars().take(30).collect();
        let r = on_wasm_stack(move || import(doc.as_bytes()).map(|t| t.len()));
        assert!(matches!(r, Ok(0 | 1) | Err(ImportError::Syntax { .. })), "{head}…: {r:?}");
    }
}

/// Regular expressions in the find box nested as deep as the engine allows (and far deeper) compile, or are
/// refused with an error, within a 1 MB stack; the ones that compile match a trace.
#[test]
fn deeply_nested_filter_regex_on_a_wasm_stack() {
    let trace = on_wasm_stack(|| import(otlp_with_value(&nested_value(3, true)).as_bytes()).unwrap());
    for depth in [50, 200, 249, 250, 251, 1_000, 100_000] {
        for (open, close) in [("(", ")"), ("(?:", ")*"), ("[", "]")] {
            let text = format!("name~{}a{}", open.repeat(depth), close.repeat(depth));
            let traces = trace.clone();
            let parsed = on_wasm_stack(move || {
                Filter::parse(&text).map(|f| f.map(|f| traces.iter().map(|t| f.matches(t).count()).sum::<usize>()))
            });
            if depth <= 50 && open != "[" {
                assert!(parsed.is_ok(), "{open}×{depth}: {parsed:?}");
            }
        }
    }
}
