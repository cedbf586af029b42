//! OTLP JSON importer: every fixture under `fixtures/otlp` and `fixtures/tempo` (real files and the synthetic
//! ones documented in `fixtures/SYNTHETIC.md`), plus generated inputs for depth, errors and robustness.
//!
//! Expected numbers come from reading the JSON (python3 over the files), not from this importer's output.

use spanscope_model::trace::DroppedCounts;
use spanscope_model::{
    import, import_into, BuildOptions, DurationNs, Format, ImportError, LinkKind, SpanId, SpanIdx, SpanKind,
    SpanWarning, StatusCode, TimestampNs, Trace, TraceSetBuilder, Value,
};
use std::collections::BTreeSet;

mod common;

use common::{by_name as span, fixture, fixtures_dir, resource_attr};

fn load(rel: &str) -> Vec<Trace> {
    import(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn load_str(json: &str) -> Vec<Trace> {
    import(json.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{json}"))
}

fn only(traces: &[Trace]) -> &Trace {
    assert_eq!(traces.len(), 1, "expected one trace");
    &traces[0]
}

fn attr_text(t: &Trace, s: SpanIdx, key: &str) -> String {
    let v = t.attribute(s, key).unwrap_or_else(|| panic!("no attribute {key:?} on {:?}", t.name(s)));
    t.value_text(v)
}

fn services(traces: &[Trace]) -> Vec<String> {
    let set: BTreeSet<String> =
        traces.iter().flat_map(|t| t.services().iter().map(|&s| t.service_name(s).to_string())).collect();
    set.into_iter().collect()
}

fn has_warning(t: &Trace, s: SpanIdx, f: impl Fn(&SpanWarning) -> bool) -> bool {
    t.span_warnings(s).any(f)
}

// ---------------------------------------------------------------------------------------------------------
// Counts for every fixture.

struct Expect {
    file: &'static str,
    traces: usize,
    spans: usize,
    services: &'static [&'static str],
    roots: usize,
    errors: u32,
}

const fn e(
    file: &'static str,
    traces: usize,
    spans: usize,
    services: &'static [&'static str],
    roots: usize,
    errors: u32,
) -> Expect {
    Expect { file, traces, spans, services, roots, errors }
}

/// Every file that imports. Services sorted.
const EXPECTED: &[Expect] = &[
    // Real files (see SOURCES.md).
    e(
        "otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json",
        1,
        40,
        &["customer", "driver", "frontend", "mysql", "redis-manual", "route"],
        1,
        3,
    ),
    e(
        "otlp/jaeger-pr9263_oteldemo_error_timeout_masked.json",
        1,
        26,
        &["cart", "frontend", "frontend-proxy", "load-generator", "product-catalog"],
        1,
        2,
    ),
    e("otlp/jaeger-pr9263_sibling_errors.json", 1, 6, &["checkout", "email", "payment"], 1, 5),
    e("otlp/jaeger-ui_otlp2jaeger-in-error.json", 1, 1, &["unknown_service"], 1, 0),
    e("otlp/jaeger-ui_otlp2jaeger-multi-in.json.txt", 1, 4, &["example-trace"], 1, 0),
    e("otlp/jaeger_apiv3_GetTrace.json", 1, 1, &["unknown_service"], 1, 1),
    e("otlp/jaeger_example_trace.json", 1, 5, &["example-service-1", "example-service-2", "example-service-3"], 5, 0),
    e("otlp/jaeger_link_attributes_trace.json", 1, 1, &["query25-service"], 1, 0),
    e("otlp/jaeger_memory_otel_traces_01.json", 2, 4, &["service-x"], 4, 4),
    e("otlp/otel-proto_examples_trace.json", 1, 1, &["my.service"], 1, 0),
    e("tempo/tempopb_trace.json", 1, 1, &["my.service"], 1, 0),
    // Synthetic files (see SYNTHETIC.md).
    e("tempo/synthetic_tempo_base64_ids_batches.json", 1, 5, &["frontend", "payment"], 1, 2),
    e("tempo/synthetic_tempo_v2_trace_envelope.json", 1, 2, &["cart"], 1, 1),
    e("tempo/synthetic_tempo_legacy_instrumentation_library_spans.json", 1, 3, &["legacy-api", "legacy-db"], 1, 1),
    e("otlp/synthetic_otlp_kvlist_nested_arrays.json", 1, 1, &["gateway"], 1, 0),
    e("otlp/synthetic_otlp_dropped_counts.json", 1, 2, &["limits"], 1, 0),
    e("otlp/synthetic_otlp_unicode.json", 1, 2, &["支付服务 💳"], 1, 1),
    e("otlp/synthetic_otlp_int64_and_double_edges.json", 1, 1, &["numbers"], 1, 0),
    e("otlp/synthetic_otlp_numbers_as_numbers.json", 1, 2, &["plain-numbers"], 1, 1),
    e("otlp/synthetic_otlp_snake_case_fields.json", 1, 2, &["snake-service"], 1, 1),
    e("otlp/synthetic_otlp_one_span.json", 1, 1, &["solo"], 1, 0),
    e("otlp/synthetic_otlp_zero_spans.json", 0, 0, &[], 0, 0),
    e("otlp/synthetic_otlp_durations_zero_negative_missing.json", 1, 5, &["clock"], 1, 0),
    e("otlp/synthetic_otlp_link_event_edge_cases.json", 1, 1, &["edges"], 1, 0),
    e("otlp/synthetic_otlp_keys_out_of_order.json", 1, 3, &["early-service", "late-service", "unknown_service"], 1, 0),
    e(
        "otlp/synthetic_otlp_scope_spans_with_legacy_lists.json",
        1,
        5,
        &["after", "deprecated-only", "empty-new", "legacy-first", "new-first"],
        1,
        0,
    ),
    e("otlp/synthetic_otlp_concatenated_documents.json", 2, 3, &["concat-a", "concat-b"], 2, 1),
    e("otlp/synthetic_otlp_top_level_array.json", 1, 2, &["array-a", "array-b"], 1, 0),
    e("otlp/synthetic_otlp_jsonl_bom_crlf.jsonl", 1, 2, &["jsonl-crlf"], 1, 0),
];

/// Files that must not import; each has its own test below.
const REJECTED: &[&str] = &[
    "otlp/jaeger_apiv3_FindTraceSummaries.json",
    "otlp/synthetic_otlp_wrong_type_start_time.json",
    "otlp/synthetic_otlp_truncated.json",
    "otlp/synthetic_otlp_invalid_id.json",
];

#[test]
fn every_fixture_file_has_an_expectation() {
    for dir in ["otlp", "tempo"] {
        for entry in std::fs::read_dir(fixtures_dir().join(dir)).unwrap() {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            let known = EXPECTED.iter().any(|x| x.file == name) || REJECTED.contains(&name.as_str());
            assert!(known, "{name} has no expectation in this test file");
        }
    }
}

#[test]
fn every_fixture_imports_with_the_expected_counts() {
    for x in EXPECTED {
        let bytes = fixture(x.file);
        assert_eq!(spanscope_model::detect(&bytes), Ok(Format::Otlp), "{}", x.file);
        let traces = load(x.file);
        let f = x.file;
        assert_eq!(traces.len(), x.traces, "{f}: traces");
        assert_eq!(traces.iter().map(Trace::len).sum::<usize>(), x.spans, "{f}: spans");
        assert_eq!(services(&traces), x.services, "{f}: services");
        assert_eq!(traces.iter().map(|t| t.roots().len()).sum::<usize>(), x.roots, "{f}: roots");
        assert_eq!(traces.iter().map(Trace::error_count).sum::<u32>(), x.errors, "{f}: errors");
        let errors_by_status: usize =
            traces.iter().map(|t| t.spans().filter(|&s| t.status(s) == StatusCode::Error).count()).sum();
        assert_eq!(errors_by_status, x.errors as usize, "{f}: spans with StatusCode::Error");
    }
}

// ---------------------------------------------------------------------------------------------------------
// The trap of each real file.

#[test]
fn spec_example_upper_case_hex_ids_scope_and_orphan() {
    let traces = load("otlp/otel-proto_examples_trace.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "5b8efff798038103d269b633813fc60c");
    assert!(t.id().wide);
    let s = span(t, "I'm a server span");
    assert_eq!(t.span_id_text(s), "eee19b7ec3c1b174");
    let parent = SpanId::from_hex("eee19b7ec3c1b173").unwrap();
    assert_eq!(t.parent_id(s), Some(parent));
    assert!(has_warning(t, s, |w| *w == SpanWarning::MissingParent(parent)));
    assert_eq!(t.kind(s), SpanKind::Server);
    assert_eq!(t.start_of(s), TimestampNs(1_544_712_660_000_000_000));
    assert_eq!(t.duration_of(s), DurationNs(1_000_000_000));
    assert_eq!(t.service(s), "my.service");
    let scope = t.scope(s);
    assert_eq!(t.str(scope.name), "my.library");
    assert_eq!(t.str(scope.version), "1.0.0");
    let sa = t.attrs_at(scope.attrs);
    assert_eq!(sa.len(), 1);
    assert_eq!(t.key(&sa[0]), "my.scope.attribute");
    assert_eq!(t.value(&sa[0]), Value::Str("some scope attribute"));
    assert_eq!(attr_text(t, s, "my.span.attr"), "some value");
}

#[test]
fn tempopb_upper_case_hex_is_read_as_hex_not_base64() {
    // Tempo's jsonpb would base64-decode these into 24- and 12-byte ids; the spec (and this viewer) read hex.
    let traces = load("tempo/tempopb_trace.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "5b8efff798038103d269b633813fc60c");
    let s = span(t, "I'm a server span");
    assert_eq!(t.span_id_text(s), "eee19b7ec3c1b174");
    assert_eq!(t.parent_id(s), SpanId::from_hex("EEE19B7EC3C1B173"));
    // The `batches` envelope holds exactly the spec example.
    let spec = load("otlp/otel-proto_examples_trace.json");
    let u = only(&spec);
    assert_eq!(t.id(), u.id());
    assert_eq!(t.span_id(SpanIdx(0)), u.span_id(SpanIdx(0)));
    assert_eq!(t.start_of(SpanIdx(0)), u.start_of(SpanIdx(0)));
    assert_eq!(t.str(t.scope(SpanIdx(0)).name), "my.library");
}

#[test]
fn hotrod_capture_flags_events_kinds_and_depth() {
    let traces = load("otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json");
    let t = only(&traces);
    assert_eq!(t.title(), "frontend: GET /dispatch");
    assert_eq!(t.spans().filter(|&s| t.flags(s) == 257).count(), 28);
    assert_eq!(t.spans().filter(|&s| t.flags(s) == 769).count(), 12);
    assert_eq!(t.spans().map(|s| t.events(s).len()).sum::<usize>(), 52);
    assert_eq!(t.spans().filter(|&s| t.kind(s) == SpanKind::Client).count(), 27);
    assert_eq!(t.spans().filter(|&s| t.kind(s) == SpanKind::Server).count(), 13);
    assert_eq!(t.depth(), 4);
    for s in t.spans().filter(|&s| t.is_error(s)) {
        assert_eq!(t.service(s), "redis-manual");
        assert_eq!(t.name(s), "GetDriver");
        assert_eq!(t.status_message(s), "An error occurred");
    }
}

#[test]
fn oteldemo_timeout_error_array_values_and_depth() {
    let traces = load("otlp/jaeger-pr9263_oteldemo_error_timeout_masked.json");
    let t = only(&traces);
    assert_eq!(t.title(), "load-generator: user_checkout_multi");
    assert_eq!(t.depth(), 10);
    assert_eq!(t.spans().map(|s| t.events(s).len()).sum::<usize>(), 15);
    let err: Vec<SpanIdx> = t.spans().filter(|&s| t.is_error(s)).collect();
    assert_eq!(err.len(), 2);
    assert_eq!(t.name(err[0]), "POST");
    assert_eq!(t.service(err[0]), "frontend-proxy");
    assert_eq!(t.duration_of(err[0]), DurationNs(15_001_462_000));
    // The proxy's egress span has an empty `status` and the legacy attribute `error="true"`: an error, as Jaeger
    // UI and Grafana show it (and as the same span read from Jaeger JSON is).
    assert_eq!(t.name(err[1]), "router frontend egress");
    assert_eq!(t.status_message(err[1]), "");
    // `process.command_args` is an arrayValue resource attribute: 3 values on frontend, 5 on load-generator.
    for (service, n) in [("frontend", 3), ("load-generator", 5)] {
        let s = t.spans().find(|&s| t.service(s) == service).unwrap();
        match resource_attr(t, s, "process.command_args") {
            Some(Value::Array(items)) => assert_eq!(items.len(), n, "{service}"),
            other => panic!("{service}: {other:?}"),
        }
    }
    let s = t.spans().find(|&s| t.service(s) == "frontend").unwrap();
    let args = resource_attr(t, s, "process.command_args").unwrap();
    assert_eq!(t.value_text(args), r#"["/nodejs/bin/node","--require=./Instrumentation.js","/app/server.js"]"#);
}

#[test]
fn legacy_error_attribute_true_makes_an_error() {
    // (attribute value, status, whether the span is an error)
    let cases = [
        (r#"{"boolValue":true}"#, "{}", true),
        (r#"{"stringValue":"True"}"#, "{}", true),
        (r#"{"stringValue":"true"}"#, r#"{"code":1}"#, true),
        (r#"{"boolValue":false}"#, "{}", false),
        (r#"{"stringValue":"false"}"#, r#"{"code":2,"message":"boom"}"#, true),
        (r#"{"intValue":"1"}"#, "{}", false),
    ];
    for (value, status, want) in cases {
        let json = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c",
            "spanId":"b7ad6b7169203331","name":"call","startTimeUnixNano":"1","endTimeUnixNano":"2",
            "attributes":[{{"key":"error","value":{value}}}],"status":{status}}}]}}]}}]}}"#
        );
        let traces = load_str(&json);
        let t = only(&traces);
        let s = span(t, "call");
        assert_eq!(t.is_error(s), want, "error={value}, status {status}");
        assert_eq!(t.error_count() == 1, want, "error={value}, status {status}");
    }
}

#[test]
fn sibling_errors_enum_names_with_hex_ids() {
    let traces = load("otlp/jaeger-pr9263_sibling_errors.json");
    let t = only(&traces);
    let root = span(t, "oteldemo.CheckoutService/PlaceOrder");
    assert_eq!(t.roots(), &[root]);
    assert_eq!(t.kind(root), SpanKind::Server);
    assert_eq!(t.status(root), StatusCode::Error);
    assert_eq!(t.status_message(root), "order failed");
    assert_eq!(t.spans().filter(|&s| t.kind(s) == SpanKind::Client).count(), 5);
    let cart = span(t, "oteldemo.CartService/GetCart");
    assert_eq!(t.status(cart), StatusCode::Unset);
    let msgs: BTreeSet<&str> = t.spans().filter(|&s| t.is_error(s)).map(|s| t.status_message(s)).collect();
    assert!(msgs.contains("payment declined: card processor rejected transaction"), "{msgs:?}");
    assert_eq!(t.children(root).count(), 3);
}

#[test]
fn memory_fixture_two_traces_links_events_and_value_types() {
    let traces = load("otlp/jaeger_memory_otel_traces_01.json");
    let ids: Vec<String> = traces.iter().map(Trace::id_text).collect();
    assert_eq!(ids, ["00000000000000010000000000000000", "00000000000000020000000000000000"]);
    let mut kinds = BTreeSet::new();
    let (mut links, mut events) = (0, 0);
    for t in &traces {
        assert_eq!(t.len(), 2);
        for s in t.spans() {
            let n = &t.name(s)["test-general-conversion-".len()..];
            assert_eq!(t.trace_state(s), format!("state.{n}"));
            assert_eq!(t.flags(s), 1);
            assert!(t.is_error(s));
            // Every span's parent is absent from its trace (0x3 lives in the other trace).
            assert!(has_warning(t, s, |w| matches!(w, SpanWarning::MissingParent(_))));
            kinds.insert(t.kind(s).as_str());
            links += t.links(s).len();
            events += t.events(s).len();
        }
    }
    assert_eq!(kinds, BTreeSet::from(["server", "client", "producer", "consumer"]));
    assert_eq!((links, events), (8, 8));
    let t = &traces[0];
    let s = span(t, "test-general-conversion-2");
    assert_eq!(t.kind(s), SpanKind::Server);
    assert_eq!(t.attribute(s, "peer.ipv4"), Some(Value::Int(23456)));
    assert_eq!(t.attribute(s, "blob"), Some(Value::Bytes(&[0, 0, 0x30, 0x39])));
    assert_eq!(t.attribute(s, "temperature"), Some(Value::Double(72.5)));
    let l = t.links(s);
    assert_eq!(l.len(), 2);
    assert_eq!(l[0].kind, LinkKind::FollowsFrom);
    assert_eq!(l[0].span_id, SpanId::from_hex("0000000000000004").unwrap());
    assert_eq!(l[1].kind, LinkKind::ChildOf);
    assert_eq!(l[1].trace_id.to_hex(), "00000000000000ff0000000000000000");
    let ev = t.events(s);
    assert_eq!(t.str(ev[0].name), "testing-event");
    assert_eq!(t.str(ev[1].name), "");
    assert_eq!(ev[0].time, TimestampNs(1_485_467_191_639_875_000));
}

#[test]
fn link_attributes_fixture_ref_types_and_link_values() {
    let traces = load("otlp/jaeger_link_attributes_trace.json");
    let t = only(&traces);
    let s = span(t, "query25-operation");
    // Note: SOURCES.md calls this span zero-duration; the file says 2 µs (…875000 → …877000).
    assert_eq!(t.duration_of(s), DurationNs(2_000));
    let l = t.links(s);
    assert_eq!(
        l.iter().map(|l| l.kind).collect::<Vec<_>>(),
        [LinkKind::ChildOf, LinkKind::ChildOf, LinkKind::FollowsFrom]
    );
    assert_eq!(l[0].trace_id.to_hex(), "000000000000000000000000000000ff");
    assert_eq!(l[0].span_id.to_hex(), "00000000000000ff");
    let a = t.attrs_at(l[0].attrs);
    let get = |k: &str| a.iter().find(|x| t.key(x) == k).map(|x| t.value(x));
    assert_eq!(a.len(), 6);
    assert_eq!(get("opentracing.ref_type"), Some(Value::Str("child_of")));
    assert_eq!(get("sameplacelinkattribute2"), Some(Value::Int(123)));
    assert_eq!(get("sameplacelinkattribute4"), Some(Value::Bool(true)));
    assert_eq!(get("sameplacelinkattribute3"), Some(Value::Double(72.5)));
    assert_eq!(get("linkblob"), Some(Value::Bytes(&[0, 0, 0x30, 0x39])));
    assert_eq!(l[2].trace_id.to_hex(), "00000000000000000000000000000001");
}

#[test]
fn example_trace_five_roots_and_nameless_events() {
    let traces = load("otlp/jaeger_example_trace.json");
    let t = only(&traces);
    assert_eq!(t.roots().len(), 5);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    assert_eq!(t.spans().map(|s| t.events(s).len()).sum::<usize>(), 10);
    assert!(t.spans().all(|s| t.events(s).iter().all(|e| t.str(e.name).is_empty())));
    let kind_of = |id: &str| t.kind(t.find_span(SpanId::from_hex(id).unwrap()).unwrap());
    assert_eq!(kind_of("0000000000000006"), SpanKind::Server);
    assert_eq!(kind_of("0000000000000007"), SpanKind::Client);
    assert_eq!(kind_of("0000000000000004"), SpanKind::Unspecified);
}

#[test]
fn json_lines_merge_into_one_trace() {
    let traces = load("otlp/jaeger-ui_otlp2jaeger-multi-in.json.txt");
    let t = only(&traces);
    assert_eq!(t.id_text(), "c620759e5d60fafb8ee0922b30e06bc6");
    assert_eq!(t.title(), "example-trace: main");
    assert_eq!(t.depth(), 3);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    let root = t.roots()[0];
    assert_eq!(t.parent_id(root), None); // `"parentSpanId": ""`
    let info = span(t, "info");
    assert_eq!(t.str(t.scope(info).name), "widgets");
    assert_eq!(t.str(t.scope(info).version), "1.2.3");
    assert_eq!(t.children(info).count(), 2);
    assert!(t.children(info).all(|c| t.str(t.scope(c).name) == "ohboy"));
    // Four lines repeat one resource; it is stored once.
    assert_eq!(t.arena().resources.len(), 1);
}

#[test]
fn empty_resource_is_unknown_service() {
    let traces = load("otlp/jaeger-ui_otlp2jaeger-in-error.json");
    let t = only(&traces);
    let s = span(t, "okey-dokey-0");
    assert_eq!(t.service(s), "unknown_service");
    assert!(t.attrs_at(t.resource(s).attrs).is_empty());
    assert_eq!(t.str(t.scope(s).name), "telemetrygen");
    let p = SpanId::from_hex("909541b92cf05311").unwrap();
    assert!(has_warning(t, s, |w| *w == SpanWarning::MissingParent(p)));
    assert_eq!(attr_text(t, s, "peer.service"), "telemetrygen-client");
}

#[test]
fn api_v3_envelope_without_timestamps() {
    let traces = load("otlp/jaeger_apiv3_GetTrace.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "00000000000000000000000000000001");
    let s = span(t, "foobar");
    assert_eq!(t.span_id_text(s), "0000000000000002");
    assert_eq!(t.kind(s), SpanKind::Server);
    assert_eq!(t.status(s), StatusCode::Error);
    assert_eq!(t.service(s), "unknown_service");
    assert_eq!(t.scope(s).name, spanscope_model::StrId::EMPTY); // `"scope": {}` is no scope
    assert!(has_warning(t, s, |w| *w == SpanWarning::MissingStart));
    assert!(has_warning(t, s, |w| *w == SpanWarning::MissingDuration));
}

#[test]
fn trace_summaries_are_not_a_trace_file() {
    let err = import(&fixture("otlp/jaeger_apiv3_FindTraceSummaries.json")).unwrap_err();
    match &err {
        ImportError::UnknownFormat { found } => assert!(found.contains("`summaries`"), "{found}"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic fixtures.

#[test]
fn tempo_base64_ids_batches_and_enum_names() {
    let traces = load("tempo/synthetic_tempo_base64_ids_batches.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(t.depth(), 4);
    let expect = [
        ("GET /checkout", "00f067aa0ba902b7", SpanKind::Server, StatusCode::Error, "upstream failed"),
        ("POST /pay", "00f067aa0ba902b8", SpanKind::Client, StatusCode::Unset, ""),
        ("Charge", "00f067aa0ba902b9", SpanKind::Server, StatusCode::Error, "card declined"),
        ("validate card", "00f067aa0ba902ba", SpanKind::Internal, StatusCode::Ok, ""),
        ("publish payment.failed", "00f067aa0ba902bb", SpanKind::Producer, StatusCode::Unset, ""),
    ];
    for (name, id, kind, status, msg) in expect {
        let s = span(t, name);
        assert_eq!(t.span_id_text(s), id, "{name}");
        assert_eq!(t.kind(s), kind, "{name}");
        assert_eq!(t.status(s), status, "{name}");
        assert_eq!(t.status_message(s), msg, "{name}");
    }
    let charge = span(t, "Charge");
    assert_eq!(t.parent(charge), Some(span(t, "POST /pay")));
    assert_eq!(t.service(charge), "payment");
    assert_eq!(t.str(t.scope(charge).name), "payment-tracer");
    let l = t.links(span(t, "POST /pay"));
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].trace_id.to_hex(), "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(l[0].span_id.to_hex(), "b7ad6b7169203331");
    assert_eq!(t.str(l[0].trace_state), "rojo=00f067aa0ba902b7");
    assert_eq!(l[0].kind, LinkKind::Link);
    assert_eq!(t.attribute(span(t, "GET /checkout"), "http.status_code"), Some(Value::Int(502)));
}

#[test]
fn tempo_v2_trace_envelope() {
    let traces = load("tempo/synthetic_tempo_v2_trace_envelope.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "d2c1e9a0f3b4c5d6e7f8091a2b3c4d5e");
    let root = span(t, "AddItem");
    assert_eq!(t.span_id_text(root), "a1a1a1a1a1a1a1a1");
    let child = span(t, "HGET");
    assert_eq!(t.parent(child), Some(root));
    assert_eq!(t.status_message(child), "timeout");
    assert_eq!(t.attribute(root, "app.cart.items.count"), Some(Value::Int(3)));
    assert_eq!(t.duration_of(root), DurationNs(5_000_000));
}

#[test]
fn tempo_legacy_instrumentation_library_spans() {
    let traces = load("tempo/synthetic_tempo_legacy_instrumentation_library_spans.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "0af7651916cd43dd8448eb211c80319c");
    let root = span(t, "grpc.health.v1.Health/Check");
    assert_eq!(t.roots(), &[root]);
    assert_eq!(t.str(t.scope(root).name), "io.opentelemetry.grpc-1.6");
    assert_eq!(t.str(t.scope(root).version), "1.8.0");
    let db = span(t, "SELECT health");
    assert_eq!(t.str(t.scope(db).name), "io.opentelemetry.jdbc");
    assert_eq!(t.service(db), "legacy-db");
    assert_eq!(t.parent(db), Some(root));
    assert_eq!(t.span_id_text(span(t, "pool.acquire")), "a3a3a3a3a3a3a3a3");
    // Children in start order: pool.acquire (…000500000) before SELECT (…001000000).
    assert_eq!(t.children(root).map(|c| t.name(c)).collect::<Vec<_>>(), ["pool.acquire", "SELECT health"]);
}

#[test]
fn kvlist_and_nested_array_values() {
    let traces = load("otlp/synthetic_otlp_kvlist_nested_arrays.json");
    let t = only(&traces);
    let s = span(t, "route request");
    assert_eq!(attr_text(t, s, "http.request.header"), r#"{"accept":["text/html","application/json"],"x-retry":3}"#);
    assert_eq!(attr_text(t, s, "matrix"), "[[1,2],[3,[4.5,true]]]");
    assert_eq!(attr_text(t, s, "mixed"), r#"["s",false,-7,0.25,"3q2+7w==",null,{"k":"v"}]"#);
    assert_eq!(t.attribute(s, "empty.value"), Some(Value::Empty));
    assert!(matches!(t.attribute(s, "empty.array"), Some(Value::Array(&[]))));
    assert!(matches!(t.attribute(s, "empty.kvlist"), Some(Value::KvList(&[]))));
    assert_eq!(attr_text(t, s, "nested.kvlist"), r#"{"outer":{"inner":[{"deep":true}]}}"#);
    match t.attribute(s, "mixed") {
        Some(Value::Array(items)) => {
            assert_eq!(t.value(&items[4]), Value::Bytes(&[0xde, 0xad, 0xbe, 0xef]))
        }
        other => panic!("{other:?}"),
    }
    // Resource, scope and event attributes nest the same way.
    assert_eq!(t.value_text(resource_attr(t, s, "deployment").unwrap()), r#"{"region":"eu-west-1","zones":["a","b"]}"#);
    assert_eq!(t.value_text(resource_attr(t, s, "process.command_args").unwrap()), r#"["gw","--port=80"]"#);
    let scope_attrs = t.attrs_at(t.scope(s).attrs);
    assert_eq!(t.value_text(t.value(&scope_attrs[0])), r#"["http","edge"]"#);
    let ev = t.events(s)[0];
    let ea = t.attrs_at(ev.attrs);
    assert_eq!(t.value_text(t.value(&ea[0])), r#"{"hit":["user:1"]}"#);
}

#[test]
fn dropped_counts_on_spans_events_and_links() {
    let traces = load("otlp/synthetic_otlp_dropped_counts.json");
    let t = only(&traces);
    let s = span(t, "over the limits");
    assert_eq!(t.dropped(s), DroppedCounts { attributes: 3, events: 2, links: 1 });
    assert_eq!(t.events(s)[0].dropped_attributes_count, 4);
    assert_eq!(t.links(s)[0].dropped_attributes_count, 5);
    assert_eq!(t.dropped(span(t, "within the limits")), DroppedCounts::default());
}

#[test]
fn unicode_everywhere() {
    let traces = load("otlp/synthetic_otlp_unicode.json");
    let t = only(&traces);
    let s = span(t, "Ünïcödé ✓ 🚀 работа");
    assert_eq!(t.service(s), "支付服务 💳");
    assert_eq!(t.str(t.scope(s).name), "библиотека");
    assert_eq!(t.str(t.scope(s).version), "1.0-β");
    assert_eq!(t.trace_state(s), "vendor=välue");
    assert_eq!(attr_text(t, s, "ключ.🔑"), "値 🎉");
    assert_eq!(attr_text(t, s, "café"), "crème brûlée 🍮"); // written with \u escapes and a surrogate pair
    assert_eq!(attr_text(t, s, "emoji"), r#"["👍🏽","🇯🇵","👨‍👩‍👧"]"#);
    assert_eq!(attr_text(t, s, "rtl"), "שלום עולם");
    assert_eq!(attr_text(t, s, "escapes"), "tab\tquote\"backslash\\newline\n");
    assert_eq!(t.status_message(s), "échec: 付款被拒绝 ❌");
    let ev = t.events(s)[0];
    assert_eq!(t.str(ev.name), "événement 📣");
    assert_eq!(t.key(&t.attrs_at(ev.attrs)[0]), "詳細");
    assert_eq!(t.value_text(resource_attr(t, s, "deployment.environment").unwrap()), "pröduktion");
    let child = span(t, "🚀 launch");
    assert_eq!(t.parent(child), Some(s));
}

#[test]
fn int64_bounds_overflow_and_double_forms() {
    let traces = load("otlp/synthetic_otlp_int64_and_double_edges.json");
    let t = only(&traces);
    let s = span(t, "edge values");
    let v = |k: &str| t.attribute(s, k).unwrap_or_else(|| panic!("{k}"));
    assert_eq!(v("int.max"), Value::Int(i64::MAX));
    assert_eq!(v("int.min"), Value::Int(i64::MIN));
    // Beyond i64: kept as the exact digits, as a string (documented choice; nothing lost, nothing rejected).
    assert_eq!(v("int.too_big"), Value::Str("9223372036854775808"));
    assert_eq!(v("int.too_small"), Value::Str("-9223372036854775809"));
    assert_eq!(v("int.max_as_number"), Value::Int(i64::MAX));
    assert_eq!(v("int.u64_max_as_number"), Value::Str("18446744073709551615"));
    assert_eq!(v("int.beyond_u64_as_number"), Value::Double(1e20));
    assert_eq!(v("int.negative_number"), Value::Int(-42));
    assert!(matches!(v("double.nan"), Value::Double(x) if x.is_nan()));
    assert_eq!(v("double.inf"), Value::Double(f64::INFINITY));
    assert_eq!(v("double.neg_inf"), Value::Double(f64::NEG_INFINITY));
    assert_eq!(v("double.as_string"), Value::Double(2.5));
    assert_eq!(v("double.integral_number"), Value::Double(3.0));
    assert_eq!(v("double.exponent"), Value::Double(1.5e-7));
    assert_eq!(v("bool.as_string"), Value::Bool(true));
}

#[test]
fn numbers_instead_of_strings() {
    let traces = load("otlp/synthetic_otlp_numbers_as_numbers.json");
    let t = only(&traces);
    let s = span(t, "numbers everywhere");
    assert_eq!(t.start_of(s), TimestampNs(1_700_000_000_000_000_000));
    assert_eq!(t.duration_of(s), DurationNs(125_000_000));
    assert_eq!(t.flags(s), 769);
    assert_eq!(t.kind(s), SpanKind::Server);
    assert_eq!(t.attribute(s, "retries"), Some(Value::Int(3)));
    assert_eq!(t.attribute(s, "ratio"), Some(Value::Double(0.5)));
    assert_eq!(t.dropped(s).attributes, 2);
    assert_eq!(t.events(s)[0].time, TimestampNs(1_700_000_000_025_000_000));
    assert_eq!(t.status_message(s), "numbers, not strings");
    let c = span(t, "exponent form");
    assert_eq!(t.kind(c), SpanKind::Client); // "3"
    assert_eq!(t.flags(c), 1); // "1"
    assert_eq!(t.status(c), StatusCode::Ok); // "1"
                                             // 1.70000000005e18 is not exactly representable; the JSON parser's double is what the file means.
    let start = 1.70000000005e18_f64 as i64;
    assert_eq!(t.start_of(c), TimestampNs(start));
    assert_eq!(t.duration_of(c), DurationNs(1_700_000_000_100_000_000 - start));
}

#[test]
fn snake_case_field_names() {
    let traces = load("otlp/synthetic_otlp_snake_case_fields.json");
    let t = only(&traces);
    assert_eq!(t.id_text(), "77777777777777777777777777777777");
    let s = span(t, "snake root");
    assert_eq!(t.roots(), &[s]);
    assert_eq!(t.service(s), "snake-service");
    assert_eq!(t.str(t.scope(s).name), "snake-lib");
    assert_eq!(t.trace_state(s), "snake=1");
    assert_eq!(t.start_of(s), TimestampNs(1_700_000_000_000_000_000));
    assert_eq!(t.duration_of(s), DurationNs(200_000_000));
    assert_eq!(t.attribute(s, "count"), Some(Value::Int(7)));
    assert_eq!(t.attribute(s, "ok"), Some(Value::Bool(true)));
    assert_eq!(t.attribute(s, "ratio"), Some(Value::Double(0.75)));
    assert_eq!(t.attribute(s, "raw"), Some(Value::Bytes(&[1, 2, 3])));
    assert_eq!(attr_text(t, s, "list"), r#"["x"]"#);
    assert_eq!(attr_text(t, s, "map"), r#"{"y":1}"#);
    assert_eq!(t.dropped(s), DroppedCounts { attributes: 1, events: 3, links: 5 });
    let ev = t.events(s)[0];
    assert_eq!(
        (t.str(ev.name), ev.time, ev.dropped_attributes_count),
        ("snake event", TimestampNs(1_700_000_000_100_000_000), 2)
    );
    let l = t.links(s)[0];
    assert_eq!(
        (l.trace_id.to_hex(), l.span_id.to_hex()),
        ("88888888888888888888888888888888".into(), "8888888888888888".into())
    );
    assert_eq!((t.str(l.trace_state), l.dropped_attributes_count), ("l=1", 4));
    assert_eq!(t.status_message(s), "snake failure");
    assert_eq!(t.parent(span(t, "snake child")), Some(s));
    // The top-level `resource_spans` alias works too once detection routes the document here (detection only
    // knows `resourceSpans`, so it is shown inside an envelope that detection does know).
    let snake_top = String::from_utf8(fixture("otlp/synthetic_otlp_snake_case_fields.json")).unwrap().replacen(
        r#""resourceSpans""#,
        r#""resource_spans""#,
        1,
    );
    let wrapped = load_str(&format!(r#"{{"result":{snake_top}}}"#));
    assert_eq!(only(&wrapped).len(), 2);
    assert_eq!(only(&wrapped).id(), t.id());
}

#[test]
fn one_span_and_zero_spans() {
    let traces = load("otlp/synthetic_otlp_one_span.json");
    let t = only(&traces);
    assert_eq!((t.len(), t.depth(), t.title()), (1, 1, "solo: the only span".to_string()));
    assert_eq!(t.duration(), DurationNs(500_000));
    assert!(load("otlp/synthetic_otlp_zero_spans.json").is_empty());
    assert!(load_str(r#"{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[]}]}]}"#).is_empty());
    assert!(load_str(r#"{"batches":[]}"#).is_empty());
    assert!(load_str(r#"{"trace":{}}"#).is_empty());
    assert!(load_str(r#"{"result":{"resourceSpans":null}}"#).is_empty());
}

#[test]
fn zero_negative_and_missing_durations() {
    let traces = load("otlp/synthetic_otlp_durations_zero_negative_missing.json");
    let t = only(&traces);
    let zero = span(t, "zero duration");
    assert_eq!(t.duration_of(zero), DurationNs(0));
    assert_eq!(t.span_warnings(zero).count(), 0, "zero is a real duration");
    let neg = span(t, "negative duration");
    assert_eq!(t.duration_of(neg), DurationNs(0));
    assert!(has_warning(t, neg, |w| *w == SpanWarning::NegativeDuration));
    let open = span(t, "no end");
    assert!(has_warning(t, open, |w| *w == SpanWarning::MissingDuration));
    assert_eq!(t.start_of(open), TimestampNs(1_700_000_000_006_000_000));
    let unset = span(t, "zero start means unset");
    assert!(has_warning(t, unset, |w| *w == SpanWarning::MissingStart));
    assert!(has_warning(t, unset, |w| *w == SpanWarning::MissingDuration));
    assert_eq!(t.start_of(unset), t.start_of(span(t, "root")), "placed at its parent's start");
}

#[test]
fn link_and_event_edge_cases() {
    let traces = load("otlp/synthetic_otlp_link_event_edge_cases.json");
    let t = only(&traces);
    let s = span(t, "links and events");
    assert_eq!(t.parent_id(s), None); // all-zero parent id
    assert_eq!(t.kind(s), SpanKind::Producer);
    assert_eq!(t.status(s), StatusCode::Unset); // "status": null
    let ev = t.events(s);
    assert_eq!(ev.len(), 2, "the null event is skipped");
    assert_eq!((t.str(ev[0].name), ev[0].time), ("no time", t.start_of(s)));
    assert_eq!(t.attrs_at(ev[0].attrs).len(), 1);
    assert_eq!((t.str(ev[1].name), ev[1].time), ("", TimestampNs(1_700_000_000_050_000_000)));
    let l = t.links(s);
    assert_eq!(l.len(), 3, "the link without span id is left out");
    assert_eq!(l[0].trace_id, t.id(), "no trace id: same trace");
    assert_eq!(t.str(l[0].trace_state), "same=trace");
    assert_eq!(l[0].kind, LinkKind::Link);
    assert_eq!(l[1].kind, LinkKind::FollowsFrom);
    assert_eq!(t.attrs_at(l[1].attrs).len(), 2);
    assert_eq!(l[2].kind, LinkKind::Link);
    let warned: Vec<String> = t.span_warnings(s).map(SpanWarning::message).collect();
    assert_eq!(warned, ["a span link without a span id was left out"]);
}

#[test]
fn resource_and_scope_after_their_spans() {
    let traces = load("otlp/synthetic_otlp_keys_out_of_order.json");
    let t = only(&traces);
    let root = span(t, "root, before its scope and resource");
    assert_eq!(t.service(root), "late-service");
    assert_eq!(t.str(t.scope(root).name), "late-scope");
    assert_eq!(t.str(t.scope(root).version), "2.0");
    let ordered = span(t, "in order");
    assert_eq!(t.service(ordered), "early-service");
    assert_eq!(t.str(t.scope(ordered).name), "early-scope");
    let bare = span(t, "no resource, no scope");
    assert_eq!(t.service(bare), "unknown_service");
    assert_eq!(t.str(t.scope(bare).name), "");
    assert_eq!(t.depth(), 2);
    assert_eq!(t.children(root).count(), 2);
}

#[test]
fn scope_spans_win_over_legacy_lists_in_either_order() {
    let traces = load("otlp/synthetic_otlp_scope_spans_with_legacy_lists.json");
    let t = only(&traces);
    let names: BTreeSet<&str> = t.spans().map(|s| t.name(s)).collect();
    assert_eq!(names, BTreeSet::from(["A", "B", "C", "D", "E"]), "no legacy copy is read");
    let placed = |name: &str| {
        let s = span(t, name);
        (t.service(s).to_string(), t.str(t.scope(s).name).to_string())
    };
    let want = |service: &str, scope: &str| (service.to_string(), scope.to_string());
    assert_eq!(placed("A"), want("new-first", "s-new"));
    // The legacy list came first: the import went back and read the object again.
    assert_eq!(placed("B"), want("legacy-first", "s-new"));
    assert_eq!(placed("C"), want("deprecated-only", "s-dep"));
    assert_eq!(placed("D"), want("empty-new", "s-dep2"));
    assert_eq!(placed("E"), want("after", "s-after"));
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());

    // The same object as a bare ResourceSpans document (one per line), legacy list first.
    let line = r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bare"}}]},"deprecatedScopeSpans":[{"scope":{"name":"old"},"spans":[{"traceId":"e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2","spanId":"e2e2e2e2e2e2e2e1","name":"copy","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}],"scopeSpans":[{"scope":{"name":"new"},"spans":[{"traceId":"e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2","spanId":"e2e2e2e2e2e2e2e1","name":"kept","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}"#;
    let traces = load_str(&format!("{line}\n{line}\n"));
    let t = only(&traces);
    assert_eq!(t.spans().map(|s| t.name(s)).collect::<Vec<_>>(), ["kept", "kept"]);
    assert!(t.spans().all(|s| t.str(t.scope(s).name) == "new" && t.service(s) == "bare"));
}

#[test]
fn concatenated_documents_and_top_level_array() {
    let traces = load("otlp/synthetic_otlp_concatenated_documents.json");
    assert_eq!(traces.len(), 2);
    let t = &traces[0];
    assert_eq!(t.len(), 2);
    assert_eq!(t.parent(span(t, "second document")), Some(span(t, "first document")));
    assert_eq!(traces[1].title(), "concat-b: third document, other trace");

    let traces = load("otlp/synthetic_otlp_top_level_array.json");
    let t = only(&traces);
    assert_eq!(t.parent(span(t, "element two")), Some(span(t, "element one")));

    let traces = load("otlp/synthetic_otlp_jsonl_bom_crlf.jsonl");
    let t = only(&traces);
    assert_eq!(t.depth(), 2);
    assert_eq!(t.str(t.scope(span(t, "line three")).name), "l");
}

// ---------------------------------------------------------------------------------------------------------
// Errors.

fn shape(err: ImportError) -> (String, String, usize, usize) {
    match err {
        ImportError::Shape { format, path, message, line, column } => {
            assert_eq!(format, Format::Otlp);
            (path, message, line, column)
        }
        other => panic!("expected a shape error, got {other:?}"),
    }
}

#[test]
fn wrong_type_names_the_json_path() {
    let bytes = fixture("otlp/synthetic_otlp_wrong_type_start_time.json");
    let (path, message, line, _) = shape(import(&bytes).unwrap_err());
    assert_eq!(path, "$.resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano");
    assert!(message.contains("invalid type: boolean `true`"), "{message}");
    let text = String::from_utf8(bytes).unwrap();
    let expected_line = text.lines().position(|l| l.contains(r#""startTimeUnixNano": true"#)).unwrap() + 1;
    assert_eq!(line, expected_line);
}

#[test]
fn truncated_json_is_a_syntax_error_with_line_and_column() {
    let err = import(&fixture("otlp/synthetic_otlp_truncated.json")).unwrap_err();
    // The file has 21 lines; the last holds 39 characters (python: text.count('\n') + 1, len(last line)).
    match err {
        ImportError::Syntax { line, column, message } => {
            assert_eq!((line, column), (21, 39), "{message}");
            assert!(message.contains("EOF"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_id_that_is_neither_hex_nor_base64_is_named() {
    let err = import(&fixture("otlp/synthetic_otlp_invalid_id.json")).unwrap_err();
    let text = err.to_string();
    let (path, message, _, _) = shape(err);
    assert_eq!(path, "$.resourceSpans[0].scopeSpans[0].spans[0].traceId");
    assert!(message.contains("`trace-123`") && message.contains("base64"), "{message}");
    assert!(text.contains("OTLP JSON"), "{text}");
}

#[test]
fn shape_errors_name_the_field_at_every_level() {
    let span_with = |field: &str| {
        format!(
            r#"{{"resourceSpans":[{{"resource":{{}},"scopeSpans":[{{"scope":{{}},"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",{field}}}]}}]}}]}}"#
        )
    };
    let cases = [
        (
            span_with(r#""attributes":{"k":"v"}"#),
            "$.resourceSpans[0].scopeSpans[0].spans[0].attributes",
            "invalid type",
        ),
        (span_with(r#""kind":true"#), "$.resourceSpans[0].scopeSpans[0].spans[0].kind", "span kind"),
        (span_with(r#""name":5"#), "$.resourceSpans[0].scopeSpans[0].spans[0].name", "a string"),
        (span_with(r#""endTimeUnixNano":"soon""#), "$.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano", "soon"),
        (span_with(r#""endTimeUnixNano":-5"#), "$.resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano", "-5"),
        (span_with(r#""parentSpanId":"zz""#), "$.resourceSpans[0].scopeSpans[0].spans[0].parentSpanId", "`zz`"),
        (
            span_with(r#""attributes":[{"key":"b","value":{"bytesValue":"not base64!"}}]"#),
            "$.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue",
            "base64",
        ),
        (
            span_with(r#""attributes":[{"key":"i","value":{"intValue":"12abc"}}]"#),
            "$.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue",
            "12abc",
        ),
        (
            span_with(r#""attributes":[{"key":"d","value":{"doubleValue":"lots"}}]"#),
            "$.resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.doubleValue",
            "lots",
        ),
        (
            span_with(
                r#""events":[{"timeUnixNano":"1","attributes":[{"key":"a","value":{"arrayValue":{"values":[{"boolValue":3}]}}}]}]"#,
            ),
            "$.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[0].value.arrayValue.values[0].boolValue",
            "a boolean",
        ),
        (
            span_with(
                r#""links":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"AAECAwQFBgcICQoLDA0ODw=="}]"#,
            ),
            "$.resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId",
            "span id",
        ),
        (
            span_with(r#""status":{"code":2,"message":7}"#),
            "$.resourceSpans[0].scopeSpans[0].spans[0].status.message",
            "a string",
        ),
        (r#"{"resourceSpans":{}}"#.to_string(), "$.resourceSpans", "list of ResourceSpans"),
        (
            r#"{"resourceSpans":[{"scopeSpans":[{"spans":"x"}]}]}"#.to_string(),
            "$.resourceSpans[0].scopeSpans[0].spans",
            "list of spans",
        ),
        (
            r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":"svc"}]}}]}"#.to_string(),
            "$.resourceSpans[0].resource.attributes[0].value",
            "AnyValue",
        ),
        (
            r#"{"result":{"resourceSpans":[{"scopeSpans":[{"scope":{"name":1}}]}]}}"#.to_string(),
            "$.result.resourceSpans[0].scopeSpans[0].scope.name",
            "a string",
        ),
        (
            r#"{"status":"PARTIAL","trace":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":7}]}]}]}}"#
                .to_string(),
            "$.trace.resourceSpans[0].scopeSpans[0].spans[0].traceId",
            "trace id",
        ),
        (
            r#"{"batches":[{"instrumentationLibrarySpans":[{"instrumentationLibrary":[]}]}]}"#.to_string(),
            "$.batches[0].instrumentationLibrarySpans[0].instrumentationLibrary",
            "InstrumentationScope",
        ),
    ];
    for (json, want_path, want_msg) in cases {
        let (path, message, line, column) = shape(import(json.as_bytes()).unwrap_err());
        assert_eq!(path, want_path, "{json}");
        assert!(message.contains(want_msg), "{message} / {json}");
        assert!(line >= 1 && column >= 1, "{json}");
    }
}

#[test]
fn errors_in_later_json_lines_point_at_their_line() {
    let good = String::from_utf8(fixture("otlp/jaeger-ui_otlp2jaeger-multi-in.json.txt")).unwrap();
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    lines[2] = lines[2].replace(r#""kind":1"#, r#""kind":[]"#);
    let (path, _, line, _) = shape(import(lines.join("\n").as_bytes()).unwrap_err());
    assert_eq!(path, "$.resourceSpans[0].scopeSpans[0].spans[0].kind");
    assert_eq!(line, 3);
    // A broken line is a syntax error on that line.
    lines[2] = lines[2][..40].to_string();
    match import(lines.join("\n").as_bytes()).unwrap_err() {
        ImportError::Syntax { line, .. } => assert_eq!(line, 4), // the cut line runs into line 4
        other => panic!("{other:?}"),
    }
    // Garbage between documents.
    let text = format!("{}\n,\n{}", lines[0], lines[1]);
    assert!(matches!(import(text.as_bytes()).unwrap_err(), ImportError::Syntax { line: 2, .. }));
}

#[test]
fn errors_after_the_two_pass_fallback_still_name_their_path() {
    // The first object forces the fallback (resource after spans); the error sits in a later span.
    let json = r#"{"resourceSpans":[
        {"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}],
         "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}},
        {"resource":{},"scopeSpans":[{"spans":[{"spanId":"0102030405060709","flags":"many"}]}]}
    ]}"#;
    let (path, message, line, _) = shape(import(json.as_bytes()).unwrap_err());
    assert_eq!(path, "$.resourceSpans[1].scopeSpans[0].spans[0].flags");
    assert!(message.contains("many"), "{message}");
    assert_eq!(line, 4);
}

#[test]
fn a_failed_or_reordered_import_leaves_earlier_files_intact() {
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, &fixture("otlp/jaeger_example_trace.json")).unwrap();
    assert_eq!(b.span_count(), 5);
    assert!(import_into(&mut b, &fixture("otlp/synthetic_otlp_invalid_id.json")).is_err());
    assert_eq!(b.span_count(), 5);
    // The reorder fallback rolls back only its own spans.
    let summary = import_into(&mut b, &fixture("otlp/synthetic_otlp_keys_out_of_order.json")).unwrap();
    assert_eq!(summary.spans, 3);
    assert_eq!(b.span_count(), 8);
    let traces = b.finish(&BuildOptions::default());
    assert_eq!(traces.len(), 2);
    let t = traces.iter().find(|t| t.len() == 3).unwrap();
    assert_eq!(t.service(span(t, "root, before its scope and resource")), "late-service");
}

// ---------------------------------------------------------------------------------------------------------
// Generated inputs.

fn chain_json(n: usize) -> String {
    let mut s = String::with_capacity(n * 200);
    s.push_str(r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"deep"}}]},"scopeSpans":[{"scope":{"name":"chain"},"spans":["#);
    for i in 1..=n {
        if i > 1 {
            s.push(',');
        }
        let parent = if i == 1 { String::new() } else { format!("{:016x}", i - 1) };
        s.push_str(&format!(
            r#"{{"traceId":"0000000000000000000000000000abcd","spanId":"{i:016x}","parentSpanId":"{parent}","name":"level {i}","kind":1,"startTimeUnixNano":"{}","endTimeUnixNano":"{}"}}"#,
            1_700_000_000_000_000_000u64 + i as u64,
            1_700_000_000_000_000_000u64 + 2 * n as u64 - i as u64,
        ));
    }
    s.push_str("]}]}]}");
    s
}

#[test]
fn a_ten_thousand_deep_chain_imports_without_recursion() {
    let traces = load_str(&chain_json(10_000));
    let t = only(&traces);
    assert_eq!(t.len(), 10_000);
    assert_eq!(t.depth(), 10_000);
    assert_eq!(t.roots().len(), 1);
    assert_eq!(t.name(SpanIdx(9_999)), "level 10000");
    assert!(t.warnings().is_empty());
}

fn nested_array(depth: usize) -> String {
    let mut v = r#"{"stringValue":"core"}"#.to_string();
    for _ in 0..depth {
        v = format!(r#"{{"arrayValue":{{"values":[{v}]}}}}"#);
    }
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","attributes":[{{"key":"deep","value":{v}}}]}}]}}]}}]}}"#
    )
}

#[test]
fn deeply_nested_values_stop_at_the_json_nesting_limit() {
    // 38 levels fit inside serde_json's 128-level limit (3 JSON levels per AnyValue level plus the envelope).
    let traces = load_str(&nested_array(38));
    let t = only(&traces);
    let text = attr_text(t, SpanIdx(0), "deep");
    assert_eq!(text, format!("{}\"core\"{}", "[".repeat(38), "]".repeat(38)));
    // Far beyond: a clean error, no stack overflow.
    match import(nested_array(500).as_bytes()).unwrap_err() {
        ImportError::Syntax { message, .. } => {
            assert!(message.contains("nested more than 128 levels"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn hex_and_base64_spellings_of_one_id_are_the_same_span() {
    // Span 1 in hex (upper case), its child names it in base64, the grandchild names the child in lower hex.
    let json = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"4BF92F3577B34DA6A3CE929D0E0E4736","spanId":"00F067AA0BA902B7","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"9"},
        {"traceId":"S/kvNXezTaajzpKdDg5HNg==","spanId":"APBnqgupArg=","parentSpanId":"APBnqgupArc=","name":"b","startTimeUnixNano":"2","endTimeUnixNano":"8"},
        {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b9","parentSpanId":"00f067aa0ba902b8","name":"c","startTimeUnixNano":"3","endTimeUnixNano":"7"},
        {"traceId":"S_kvNXezTaajzpKdDg5HNg","spanId":"APBnqgupAro","parentSpanId":"00f067aa0ba902b9","name":"url-safe unpadded","startTimeUnixNano":"4","endTimeUnixNano":"6"}
    ]}]}]}"#;
    let traces = load_str(json);
    let t = only(&traces);
    assert_eq!(t.depth(), 4);
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
    // 64-bit trace ids (16 hex digits or 12 base64 characters) are accepted too.
    let traces = load_str(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"APBnqgupArc=","spanId":"0000000000000001"},{"traceId":"00f067aa0ba902b7","spanId":"0000000000000002","parentSpanId":"0000000000000001"}]}]}]}"#,
    );
    let t = only(&traces);
    assert_eq!(t.id_text(), "00f067aa0ba902b7");
    assert!(!t.id().wide);
    assert_eq!(t.depth(), 2);
}

#[test]
fn nulls_and_unknown_fields_are_ignored_everywhere() {
    let json = r#"{"resourceSpans":[null,{"resource":null,"schemaUrl":"x","entityRefs":[{"type":"host"}],"scopeSpans":[null,{"scope":null,"schemaUrl":null,"spans":[null,
        {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","parentSpanId":null,"traceState":null,"flags":null,"name":null,"kind":null,
         "startTimeUnixNano":null,"endTimeUnixNano":null,"attributes":[null,{"key":"k","value":null,"keyStrindex":3},{"key":"s","value":{"stringValueStrindex":2,"stringValue":"v"}}],
         "droppedAttributesCount":null,"events":null,"links":null,"status":null,"futureField":{"nested":[1,2,{"x":null}]}}]}]}],"futureTop":true}"#;
    let traces = load_str(json);
    let t = only(&traces);
    let s = SpanIdx(0);
    assert_eq!(t.service(s), "unknown_service");
    assert_eq!(t.name(s), "");
    assert_eq!(t.attribute(s, "k"), Some(Value::Empty));
    assert_eq!(t.attribute(s, "s"), Some(Value::Str("v")));
    assert_eq!(t.attributes(s).len(), 2);
}

#[test]
fn unknown_enum_values_fall_back_to_unspecified_and_unset() {
    let traces = load_str(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","kind":9,"status":{"code":7}},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000002","kind":"SPAN_KIND_WHATEVER","status":{"code":"STATUS_CODE_MAYBE"}},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000003","kind":"consumer","status":{"code":"ERROR"}}
        ]}]}]}"#,
    );
    let t = only(&traces);
    let by_id = |n: &str| t.find_span(SpanId::from_hex(n).unwrap()).unwrap();
    assert_eq!((t.kind(by_id("1")), t.status(by_id("1"))), (SpanKind::Unspecified, StatusCode::Unset));
    assert_eq!((t.kind(by_id("2")), t.status(by_id("2"))), (SpanKind::Unspecified, StatusCode::Unset));
    assert_eq!((t.kind(by_id("3")), t.status(by_id("3"))), (SpanKind::Consumer, StatusCode::Error));
}

/// Before protocol 0.19 a status could carry only `deprecatedCode`; anything but OK with an unset `code` is an error.
#[test]
fn legacy_deprecated_status_codes_are_errors() {
    let traces = load_str(
        r#"{"resourceSpans":[{"instrumentationLibrarySpans":[{"spans":[
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","status":{"deprecatedCode":"DEPRECATED_STATUS_CODE_UNKNOWN_ERROR","message":"old"}},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000002","status":{"deprecatedCode":2}},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000003","status":{"deprecatedCode":"DEPRECATED_STATUS_CODE_OK"}},
            {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000004","status":{"code":1,"deprecated_code":2}}
        ]}]}]}"#,
    );
    let t = only(&traces);
    let status = |n: &str| t.status(t.find_span(SpanId::from_hex(n).unwrap()).unwrap());
    assert_eq!(
        [status("1"), status("2"), status("3"), status("4")],
        [StatusCode::Error, StatusCode::Error, StatusCode::Unset, StatusCode::Ok]
    );
    assert_eq!(t.status_message(t.find_span(SpanId::from_hex("1").unwrap()).unwrap()), "old");
}

/// The Collector's file exporter writes every pipeline into one file when they share it: lines of metrics and
/// logs are skipped, and a file of nothing else says so.
#[test]
fn a_collector_file_with_other_signals_keeps_its_traces() {
    let doc = concat!(
        r#"{"resourceMetrics":[{"scopeMetrics":[]}]}"#,
        "\n",
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
        "\n",
        r#"{"resourceLogs":[]}"#,
        "\n"
    );
    let traces = import(doc.as_bytes()).unwrap();
    assert_eq!(only(&traces).len(), 1);
    let only_metrics = "{\"resourceMetrics\":[]}\n{\"resourceLogs\":[]}\n";
    match import(only_metrics.as_bytes()) {
        Err(ImportError::Content { format: Format::Otlp, message }) => {
            assert!(message.contains("metrics, logs or profiles"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

/// opentelemetry-java's `logging-otlp` exporter writes one bare ResourceSpans per line, without the
/// `resourceSpans` wrapper; the resource may also come after its spans.
#[test]
fn bare_resource_spans_per_line_are_read() {
    let doc = concat!(
        r#"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"java"}}]},"scopeSpans":[{"scope":{"name":"x"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}"#,
        "\n",
        r#"{"instrumentationLibrarySpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"child","startTimeUnixNano":"1700000000100000000","endTimeUnixNano":"1700000000200000000"}]}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}}"#,
        "\n"
    );
    let traces = import(doc.as_bytes()).unwrap();
    let t = only(&traces);
    assert_eq!(t.len(), 2);
    let root = span(t, "GET /");
    assert_eq!((t.service(root), t.kind(root)), ("java", SpanKind::Server));
    let child = span(t, "child");
    assert_eq!((t.service(child), t.parent(child)), ("late", Some(root)));
    let mut b = TraceSetBuilder::new();
    let streamed =
        spanscope_model::import_stream_into(&mut b, &spanscope_model::testing::Pieces::new(doc.as_bytes(), 7));
    assert!(streamed.is_ok(), "{streamed:?}");
    assert_eq!(b.finish(&BuildOptions::default()), traces, "the stream reads what memory reads");
}

/// JSON Lines whose first documents are empty (`{}`, an export request with nothing in it as protobuf's JSON
/// mapping writes it) are detected by the first document with keys. A file of nothing but `{}` is still refused.
#[test]
fn json_lines_may_open_with_empty_documents() {
    let doc = concat!(
        "{}\n{ }\n",
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET /","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}]}]}]}"#,
        "\n{}\n"
    );
    assert_eq!(spanscope_model::detect(doc.as_bytes()).unwrap(), Format::Otlp);
    let traces = import(doc.as_bytes()).unwrap();
    assert_eq!(only(&traces).len(), 1);
    match import(b"{}\n{}\n") {
        Err(ImportError::UnknownFormat { found }) => assert_eq!(found, "a JSON object with no keys"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn timestamps_beyond_i64_saturate_without_panicking() {
    let traces = load_str(
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","startTimeUnixNano":"18446744073709551615","endTimeUnixNano":"18446744073709551615","flags":"99999999999","droppedEventsCount":4294967296}]}]}]}"#,
    );
    let t = only(&traces);
    assert_eq!(t.start_of(SpanIdx(0)), TimestampNs(i64::MAX));
    assert_eq!(t.duration_of(SpanIdx(0)), DurationNs(0));
    assert_eq!(t.flags(SpanIdx(0)), u32::MAX);
    assert_eq!(t.dropped(SpanIdx(0)).events, u32::MAX);
}

#[test]
fn no_prefix_or_corruption_of_a_fixture_panics() {
    for rel in ["otlp/jaeger_link_attributes_trace.json", "tempo/synthetic_tempo_base64_ids_batches.json"] {
        let bytes = fixture(rel);
        for cut in 0..bytes.len() {
            let _ = import(&bytes[..cut]); // any result, as long as it returns
        }
        let step = (bytes.len() / 400).max(1);
        for at in (0..bytes.len()).step_by(step) {
            for replacement in [b'"', b'{', b']', b'0', b'=', b'\\', 0xff] {
                let mut m = bytes.clone();
                m[at] = replacement;
                let _ = import(&m);
            }
        }
    }
}

/// Throughput on a generated 100,000-span file. Run in release:
/// `cargo test -p spanscope-model --release --test import_otlp -- --ignored --nocapture throughput`.
#[test]
#[ignore = "timing; run in release by hand"]
fn throughput_on_a_hundred_thousand_spans() {
    let mut s = String::new();
    s.push_str(r#"{"resourceSpans":["#);
    let services = ["frontend", "checkout", "payment", "cart", "inventory"];
    let n = 100_000;
    let per_resource = 1_000;
    for r in 0..n / per_resource {
        if r > 0 {
            s.push(',');
        }
        let svc = services[r % services.len()];
        s.push_str(&format!(
            r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"{svc}"}}}},{{"key":"host.name","value":{{"stringValue":"host-{r}"}}}}]}},"scopeSpans":[{{"scope":{{"name":"io.opentelemetry.http","version":"1.2.3"}},"spans":["#
        ));
        for k in 0..per_resource {
            let i = r * per_resource + k + 1;
            if k > 0 {
                s.push(',');
            }
            let trace = i / 1_000;
            let parent = if i % 1_000 == 1 { String::new() } else { format!("{:016x}", i - 1) };
            s.push_str(&format!(
                r#"{{"traceId":"{trace:032x}","spanId":"{i:016x}","parentSpanId":"{parent}","name":"GET /api/v1/items/{{id}}","kind":2,"startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{{"key":"http.method","value":{{"stringValue":"GET"}}}},{{"key":"http.status_code","value":{{"intValue":"200"}}}},{{"key":"http.url","value":{{"stringValue":"https://example.com/api/v1/items/{i}"}}}},{{"key":"net.peer.port","value":{{"intValue":"443"}}}}],"events":[{{"timeUnixNano":"{}","name":"cache miss","attributes":[{{"key":"key","value":{{"stringValue":"item:{i}"}}}}]}}],"status":{{"code":{}}},"flags":257}}"#,
                1_700_000_000_000_000_000u64 + i as u64 * 1_000,
                1_700_000_000_000_000_000u64 + i as u64 * 1_000 + 500_000,
                1_700_000_000_000_000_000u64 + i as u64 * 1_000 + 10,
                if i % 97 == 0 { 2 } else { 0 },
            ));
        }
        s.push_str("]}]}");
    }
    s.push_str("]}");
    let bytes = s.into_bytes();
    let mb = bytes.len() as f64 / 1e6;
    let mut best_parse = f64::MAX;
    let mut best_total = f64::MAX;
    for _ in 0..5 {
        let t0 = std::time::Instant::now();
        let mut b = TraceSetBuilder::new();
        import_into(&mut b, &bytes).unwrap();
        let t1 = std::time::Instant::now();
        let traces = b.finish(&BuildOptions::default());
        let t2 = std::time::Instant::now();
        assert_eq!(traces.iter().map(Trace::len).sum::<usize>(), n);
        best_parse = best_parse.min((t1 - t0).as_secs_f64());
        best_total = best_total.min((t2 - t0).as_secs_f64());
    }
    println!(
        "{mb:.1} MB, {n} spans: parse {:.0} MB/s ({:.1} ms), parse+build {:.0} MB/s ({:.1} ms)",
        mb / best_parse,
        best_parse * 1e3,
        mb / best_total,
        best_total * 1e3
    );
}
