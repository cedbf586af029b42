//! Jaeger JSON importer, end to end: bytes → `import` (detection, parse, build) → traces.
//!
//! Expected numbers were counted from the fixture JSON itself (python3), not read back from the importer.
//! Every file goes through `detect` with only its bytes: the file name is never used.

use spanscope_model::{
    export, import, import_into, import_stream_into, BuildOptions, Format, ImportError, LinkKind, SpanIdx, SpanKind,
    SpanWarning, StatusCode, Trace, TraceSetBuilder, Value,
};

mod common;

use common::{by_name, check, count_warnings, resource_attr, warnings};

fn fixture(name: &str) -> Vec<u8> {
    common::fixture(&format!("jaeger/{name}"))
}

fn load(name: &str) -> Vec<Trace> {
    common::load_detected(Format::Jaeger, "jaeger", name)
}

fn by_id(t: &Trace, id_text: &str) -> SpanIdx {
    t.spans().find(|&s| t.span_id_text(s) == id_text).unwrap_or_else(|| panic!("no span with id {id_text:?}"))
}

fn attr<'t>(t: &'t Trace, s: SpanIdx, key: &str) -> Option<Value<'t>> {
    t.attribute(s, key)
}

// ---- real fixtures ----------------------------------------------------------------------------------------

#[test]
fn trace_graph_test_trace_non_hex_ids_and_follows_from() {
    let name = "jaeger-ui_TraceGraph_testTrace.json";
    let traces = load(name);
    check(name, &traces, 1, 11, &["service1", "service2"], 1, 1);
    let t = &traces[0];
    // Non-hex ids are hashed but shown as written.
    assert_eq!(t.id_text(), "trace-123");
    let root = by_id(t, "span-1");
    assert_eq!(t.roots(), &[root]);
    let s21 = by_id(t, "span-2_1");
    assert_eq!(t.parent(s21), Some(root));
    // span-7's only reference is FOLLOWS_FROM span-6: it becomes the parent, not a link.
    let s7 = by_id(t, "span-7");
    assert_eq!(t.parent(s7), Some(by_id(t, "span-6")));
    assert!(t.links(s7).is_empty());
    // The error tag is typed bool but written as the string "true".
    let s2 = by_id(t, "span-2");
    assert_eq!(t.status(s2), StatusCode::Error);
    assert_eq!(attr(t, s2, "error"), Some(Value::Bool(true)));
    assert_eq!(t.kind(root), SpanKind::Server);
    assert_eq!(t.kind(by_id(t, "span-6")), SpanKind::Producer);
    assert_eq!(t.kind(s7), SpanKind::Consumer);
    assert_eq!(resource_attr(t, root, "hostname"), Some(Value::Str("foobar.org")));
    assert_eq!(resource_attr(t, root, "service.name"), Some(Value::Str("service1")));
    assert!(t.warnings().is_empty(), "{:?}", t.warnings());
}

#[test]
fn genai_trace_ten_processes() {
    let name = "jaeger-ui_genaiTestTrace.json";
    let traces = load(name);
    let services = [
        "api-edge",
        "auth-service",
        "coding-agent",
        "graphql-gateway",
        "k8s-api",
        "mcp-gateway",
        "metrics-backend",
        "summarizer-agent",
        "trace-store",
        "vector-store",
    ];
    check(name, &traces, 1, 57, &services, 1, 1);
    let t = &traces[0];
    assert_eq!(t.id_text(), "4a1b2c3d4e5f60718293a4b5c6d7e8f9");
    assert_eq!(t.name(t.roots()[0]), "POST /api/graphql");
    let err = by_id(t, "0000000000000011");
    assert_eq!(t.name(err), "GET /api/v1/pods");
    assert!(t.is_error(err));
    // int64 tags stay integers.
    assert_eq!(attr(t, t.roots()[0], "http.response.status_code"), Some(Value::Int(200)));
    // A child that ends after its parent keeps its own timing.
    let child = by_id(t, "0000000000000003");
    let parent = by_id(t, "0000000000000002");
    assert_eq!(t.parent(child), Some(parent));
    assert!(t.end_of(child) > t.end_of(parent));
    let kinds: Vec<SpanKind> = t.spans().map(|s| t.kind(s)).collect();
    assert_eq!(kinds.iter().filter(|&&k| k == SpanKind::Server).count(), 30);
    assert_eq!(kinds.iter().filter(|&&k| k == SpanKind::Client).count(), 19);
    assert_eq!(kinds.iter().filter(|&&k| k == SpanKind::Internal).count(), 8);
}

#[test]
fn otlp2jaeger_envelope_duplicates_and_missing_parent() {
    let name = "jaeger-ui_otlp2jaeger-out.json";
    let traces = load(name);
    // Both copies of the span name a parent that is not there: both are roots.
    check(name, &traces, 1, 2, &["telemetrygen"], 2, 0);
    let t = &traces[0];
    assert_eq!(t.id_text(), "83a9efd15c1c98a977e0711cc93ee28b");
    let missing = spanscope_model::SpanId::from_hex("909541b92cf05311").unwrap();
    for s in t.spans() {
        let w = warnings(t, s);
        assert!(w.contains(&SpanWarning::DuplicateId), "{w:?}");
        assert!(w.contains(&SpanWarning::MissingParent(missing)), "{w:?}");
        assert_eq!(t.kind(s), SpanKind::Server);
        // The legacy scope tag names the instrumentation scope.
        assert_eq!(t.str(t.scope(s).name), "telemetrygen");
        assert_eq!(t.parent_id(s), Some(missing));
    }
}

#[test]
fn thirty_one_digit_trace_id() {
    let name = "jaeger-ui_spanAmongEachOtherGroupedAndSpans.json";
    let traces = load(name);
    check(name, &traces, 1, 17, &["api-gateway", "customers-service"], 1, 0);
    // A 128-bit id written without its leading zero.
    assert_eq!(traces[0].id_text(), "0df84e36b9e2ee3815d07f0867a5be1f");
    assert!(traces[0].id().wide);
}

#[test]
fn children_longer_than_their_parent() {
    let name = "jaeger-ui_spanLongerAsParent.json";
    let traces = load(name);
    check(name, &traces, 1, 8, &["api-gateway", "customers-service"], 1, 0);
    // As written, two server spans of customers-service end after their client parent in api-gateway.
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, &fixture(name)).unwrap();
    let raw = b.finish(&BuildOptions { adjust_clock_skew: false });
    let t = &raw[0];
    let parent = by_id(t, "6745965d0b964193");
    for id in ["0000000000000001", "0000000000000002"] {
        let c = by_id(t, id);
        assert_eq!(t.parent(c), Some(parent));
        assert!(t.end_of(c) > t.end_of(parent), "{id} ends after its parent");
        assert_eq!(t.kind(c), SpanKind::Server);
        assert_eq!(t.kind(parent), SpanKind::Client);
    }
    // With the default clock-skew adjustment (across services), the builder moves them inside.
    let t = &traces[0];
    let parent = by_id(t, "6745965d0b964193");
    for id in ["0000000000000001", "0000000000000002"] {
        let c = by_id(t, id);
        assert!(t.end_of(c) <= t.end_of(parent), "{id}");
        assert!(warnings(t, c).iter().any(|w| matches!(w, SpanWarning::SkewAdjusted(_))), "{id}");
    }
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::SkewAdjusted(_))), 2);
}

#[test]
fn no_references_four_roots_and_duplicate_id() {
    let name = "jaeger-ui_traceWithMultipleSpansWithTheSameValueInDifferentTags.json";
    let traces = load(name);
    check(name, &traces, 1, 4, &["service-one"], 4, 0);
    let t = &traces[0];
    let dups: Vec<SpanIdx> = t.spans().filter(|&s| warnings(t, s).contains(&SpanWarning::DuplicateId)).collect();
    assert_eq!(dups.len(), 2);
    assert!(dups.iter().all(|&s| t.span_id_text(s) == "2dc4b796e2127e32"));
    // Epoch-near start times (100 µs…) are real times, not "missing".
    assert_eq!(t.start().0, 100_000);
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::MissingStart)), 0);
}

#[test]
fn child_starts_after_parent_ends() {
    let name = "jaeger-ui_traceWithSingleChildLongerThanParentAndStartsAfterParent.json";
    let traces = load(name);
    check(name, &traces, 1, 2, &["service-one", "service-two"], 1, 0);
    let t = &traces[0];
    let root = t.roots()[0];
    let child = by_id(t, "2dc4b796e2127e32");
    assert_eq!(t.parent(child), Some(root));
    assert_eq!((t.start_of(root).0, t.duration_of(root).0), (100_000, 40_000));
    assert_eq!((t.start_of(child).0, t.duration_of(child).0), (200_000, 300_000));
}

#[test]
fn anonymizer_spans_array_with_embedded_process() {
    let name = "jaeger_anonymizer_trace_success.json";
    let traces = load(name);
    check(name, &traces, 1, 2, &["16af988c443cff37", "3c220036602f839e"], 1, 1);
    let t = &traces[0];
    assert_eq!(t.id_text(), "2be38093ead7a083");
    let root = by_id(t, "7606ddfe69932d34");
    let missing = spanscope_model::SpanId::from_hex("492770a15935810f").unwrap();
    assert_eq!(warnings(t, root), vec![SpanWarning::MissingParent(missing)]);
    assert_eq!(t.kind(root), SpanKind::Server);
    assert_eq!(t.service(root), "16af988c443cff37");
    let child = by_id(t, "7bd66f09ba90ea3d");
    assert_eq!(t.parent(child), Some(root));
    assert_eq!(t.kind(child), SpanKind::Client);
    assert!(t.is_error(child), "bool error tag written as the string \"true\"");
    assert_eq!(t.flags(child), 1);
}

#[test]
fn ui_01_every_tag_type_logs_warnings_and_references() {
    let name = "jaeger_ui_01.json";
    let traces = load(name);
    check(name, &traces, 1, 5, &["service-x", "service-y"], 2, 1);
    let t = &traces[0];
    assert_eq!(t.id_text(), "0000000000000001");
    assert!(!t.id().wide);

    // Both copies of 0002 are roots, flagged as duplicates.
    let roots = t.roots();
    assert!(roots.iter().all(|&r| t.span_id_text(r) == "0000000000000002"));
    assert!(roots.iter().all(|&r| warnings(t, r).contains(&SpanWarning::DuplicateId)));
    let first = by_name(t, "test-general-conversion");
    let tagged = t.spans().find(|&s| t.name(s) == "some-operation" && t.span_id_text(s) == "0000000000000002").unwrap();
    assert!(roots.contains(&first) && roots.contains(&tagged));

    // Every tag type.
    assert_eq!(attr(t, tagged, "peer.service"), Some(Value::Str("service-y")));
    assert_eq!(attr(t, tagged, "peer.ipv4"), Some(Value::Int(23456)));
    assert_eq!(attr(t, tagged, "error"), Some(Value::Bool(true)));
    assert_eq!(attr(t, tagged, "temperature"), Some(Value::Double(72.5)));
    assert_eq!(attr(t, tagged, "javascript_limit"), Some(Value::Int(9_223_372_036_854_775_222)));
    assert_eq!(attr(t, tagged, "blob"), Some(Value::Bytes(&[0, 0, 0x30, 0x39])));
    assert!(t.is_error(tagged));

    // Logs: one named by its `event` field, one without a name.
    let events = t.events(first);
    assert_eq!(events.len(), 2);
    assert_eq!(t.str(events[0].name), "some-event");
    assert_eq!(t.str(events[1].name), "log");
    assert_eq!(events[0].time.0, 1_485_467_191_639_875_000);
    let fields: Vec<(String, String)> =
        t.attrs_at(events[1].attrs).iter().map(|a| (t.key(a).to_string(), t.value_text(t.value(a)))).collect();
    assert_eq!(fields, vec![("x".to_string(), "y".to_string())]);

    // Trace-level warning on the first span of the trace; span warnings on their spans.
    assert!(warnings(t, first).contains(&SpanWarning::Source("trace: some trace warning".into())));
    for name in ["reference-test", "preserveParentID-test"] {
        let s = by_name(t, name);
        assert!(warnings(t, s).contains(&SpanWarning::Source("some span warning".into())), "{name}");
    }
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::Source(_))), 3);

    // [CHILD_OF 00ff of another trace, CHILD_OF 0002, FOLLOWS_FROM 0002]: the parent is 0002 (the first
    // reference whose span is in the trace); the two others become links.
    let multi = by_name(t, "reference-test");
    assert_eq!(t.span_id_text(t.parent(multi).unwrap()), "0000000000000002");
    let links: Vec<(LinkKind, String, String)> =
        t.links(multi).iter().map(|l| (l.kind, l.trace_id.to_hex(), l.span_id.to_hex())).collect();
    assert_eq!(
        links,
        vec![
            (LinkKind::ChildOf, "00000000000000ff".to_string(), "00000000000000ff".to_string()),
            (LinkKind::FollowsFrom, "0000000000000001".to_string(), "0000000000000002".to_string()),
        ]
    );
    let last = by_name(t, "preserveParentID-test");
    assert_eq!(t.parent(last), Some(multi));
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::MissingParent(_))), 0);
}

// ---- synthetic fixtures -----------------------------------------------------------------------------------

#[test]
fn int64_beyond_2_pow_53_as_string() {
    let traces = load("synthetic_int64_overflow_tag.json");
    check("int64", &traces, 1, 1, &["numbers"], 1, 0);
    let t = &traces[0];
    let s = SpanIdx(0);
    assert_eq!(attr(t, s, "above_2_53"), Some(Value::Int(9_007_199_254_740_993)));
    assert_eq!(attr(t, s, "int64_max"), Some(Value::Int(i64::MAX)));
    assert_eq!(attr(t, s, "int64_min"), Some(Value::Int(i64::MIN)));
    assert_eq!(attr(t, s, "safe_number"), Some(Value::Int(42)));
    // Beyond i64 or not a number: kept as the text, never an error.
    assert_eq!(attr(t, s, "too_big_for_i64"), Some(Value::Str("9223372036854775808")));
    assert_eq!(attr(t, s, "not_a_number"), Some(Value::Str("12abc")));
}

#[test]
fn every_tag_type_and_values_that_do_not_fit() {
    let traces = load("synthetic_every_tag_type.json");
    check("types", &traces, 1, 1, &["types"], 1, 0);
    let t = &traces[0];
    let s = SpanIdx(0);
    let expect: [(&str, Value<'_>); 20] = [
        ("s", Value::Str("text")),
        ("b", Value::Bool(true)),
        ("i", Value::Int(-7)),
        ("f", Value::Double(2.5)),
        ("bin", Value::Bytes(&[0, 1, 2, 255])),
        ("untyped_str", Value::Str("u")),
        ("untyped_int", Value::Int(3)),
        ("untyped_float", Value::Double(0.25)),
        ("untyped_bool", Value::Bool(false)),
        ("upper", Value::Int(5)),
        ("bool_as_string", Value::Bool(false)),
        ("float_as_string", Value::Double(1.5)),
        ("float_from_int", Value::Double(4.0)),
        ("bad_bool", Value::Str("yes")),
        ("bad_binary", Value::Str("not base64!")),
        ("string_with_number", Value::Str("12")),
        ("unknown_type", Value::Str("1.10")),
        ("null_value", Value::Empty),
        ("object_value", Value::Str(r#"{"a":[1,2]}"#)),
        ("escaped", Value::Str("line\nbreak é")),
    ];
    assert_eq!(t.attributes(s).len(), expect.len());
    for (k, v) in expect {
        assert_eq!(attr(t, s, k), Some(v), "{k}");
    }
    // Process tags become resource attributes, with service.name first.
    let r = t.resource(s);
    let res: Vec<(String, String)> =
        t.attrs_at(r.attrs).iter().map(|a| (t.key(a).to_string(), t.value_text(t.value(a)))).collect();
    let want = [("service.name", "types"), ("hostname", "h1"), ("pid", "1234"), ("ip", "10.0.0.1")];
    assert_eq!(res, want.map(|(k, v)| (k.to_string(), v.to_string())).to_vec());
    assert_eq!(resource_attr(t, s, "pid"), Some(Value::Int(1234)));
}

#[test]
fn several_traces_in_one_envelope() {
    let traces = load("synthetic_envelope_several_traces.json");
    let services = ["alpha", "alpha-db", "beta", "beta-db", "gamma", "gamma-db"];
    check("envelope", &traces, 3, 9, &services, 3, 0);
    let ids: Vec<String> = traces.iter().map(|t| t.id_text()).collect();
    assert_eq!(ids, ["00000000000000b1", "00000000000000b2", "4bf92f3577b34da6a3ce929d0e0e4736"]);
    // Each trace resolves its own "p1"/"p2" (processes come after spans in every trace).
    for (t, svc) in traces.iter().zip(["alpha", "beta", "gamma"]) {
        let root = t.roots()[0];
        assert_eq!(t.service(root), svc);
        assert_eq!(t.kind(root), SpanKind::Server);
        for c in t.children(root) {
            assert_eq!(t.service(c), format!("{svc}-db"));
        }
    }
}

#[test]
fn array_of_traces() {
    let traces = load("synthetic_array_of_traces.json");
    check("array", &traces, 2, 5, &["one", "one-db", "two", "two-db"], 2, 0);
    assert_eq!(traces[0].len(), 2);
    assert_eq!(traces[1].len(), 3);
}

#[test]
fn json_lines_of_traces_are_read_line_by_line() {
    // One trace per line, as Jaeger UI's upload reads `.jsonl` files; the second writes `processes` after its
    // spans (as Go does), and its "p1" is another process than the first line's.
    let lines = concat!(
        r#"{"traceID":"a1","spans":[{"traceID":"a1","spanID":"01","operationName":"GET /","references":[],"#,
        r#""startTime":1700000000000000,"duration":5000,"tags":[],"logs":[],"processID":"p1"}],"#,
        r#""processes":{"p1":{"serviceName":"frontend","tags":[]}}}"#,
        "\n",
        r#"{"traceID":"b2","spans":[{"traceID":"b2","spanID":"02","operationName":"SELECT","references":[],"#,
        r#""startTime":1700000001000000,"duration":2000,"tags":[{"key":"error","type":"bool","value":true}],"#,
        r#""logs":[],"processID":"p1"}],"processes":{"p1":{"serviceName":"db","tags":[]}}}"#,
        "\r\n",
    );
    let mut stream_builder = TraceSetBuilder::new();
    import_stream_into(&mut stream_builder, &lines.as_bytes()).unwrap();
    for (path, traces) in
        [("in memory", import(lines.as_bytes()).unwrap()), ("stream", stream_builder.finish(&BuildOptions::default()))]
    {
        check(path, &traces, 2, 2, &["db", "frontend"], 2, 1);
        let get = |id: &str| traces.iter().find(|t| t.id_text() == id).unwrap_or_else(|| panic!("{path}: {id}"));
        assert_eq!(get("00000000000000a1").service(SpanIdx(0)), "frontend", "{path}");
        assert_eq!(get("00000000000000b2").service(SpanIdx(0)), "db", "{path}");
    }
    // Something that is not JSON after a trace is still an error that names its place.
    let bad = format!("{lines}garbage");
    match import(bad.as_bytes()) {
        Err(ImportError::Syntax { line: 3, column: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_trace_spread_over_two_data_entries_is_merged() {
    let traces = load("synthetic_trace_split_over_data_entries.json");
    check("split", &traces, 1, 2, &["frontend", "backend"], 1, 0);
    let t = &traces[0];
    let root = by_name(t, "root");
    let child = by_name(t, "child");
    assert_eq!(t.parent(child), Some(root));
    // "p1" means a different process in each entry.
    assert_eq!(t.service(root), "frontend");
    assert_eq!(t.service(child), "backend");
    // The second entry's trace warning goes to that entry's first span.
    assert_eq!(warnings(t, child), vec![SpanWarning::Source("trace: second half arrived late".into())]);
    assert!(warnings(t, root).is_empty());
}

#[test]
fn empty_data_is_zero_traces() {
    assert!(load("synthetic_empty_data.json").is_empty());
    assert!(import(br#"{"data":null}"#).unwrap().is_empty());
    assert!(import(br#"{"traceID":"1","spans":[],"processes":{},"warnings":null}"#).unwrap().is_empty());
    assert!(import(br#"[]"#).unwrap().is_empty()); // detected as Zipkin's empty list; zero traces either way
}

#[test]
fn wrong_type_start_time_names_the_path() {
    let bytes = fixture("synthetic_wrong_type_start_time.json");
    match import(&bytes) {
        Err(ImportError::Shape { format, path, message, line, .. }) => {
            assert_eq!(format, Format::Jaeger);
            assert_eq!(path, "$.data[0].spans[1].startTime");
            assert!(message.contains("abc") && message.contains("microseconds"), "{message}");
            assert!(line > 1);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_type_spans_names_the_path() {
    let bytes = fixture("synthetic_wrong_type_spans.json");
    match import(&bytes) {
        Err(ImportError::Shape { format, path, message, .. }) => {
            assert_eq!(format, Format::Jaeger);
            assert_eq!(path, "$.spans");
            assert!(message.contains("integer `5`") && message.contains("array of Jaeger spans"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // More wrong types, each named by its path.
    let cases: [(&[u8], &str); 6] = [
        (br#"{"data":[{"traceID":"1","spans":[{"spanID":"1","tags":{"a":1}}]}]}"#, "$.data[0].spans[0].tags"),
        (
            br#"{"data":[{"traceID":"1","spans":[{"spanID":"1","references":[{"spanID":7}]}]}]}"#,
            "$.data[0].spans[0].references[0].spanID",
        ),
        (br#"{"traceID":"1","spans":[],"processes":{"p1":{"serviceName":["x"]}}}"#, "$.processes.p1.serviceName"),
        (br#"{"traceID":"1","spans":[{"spanID":"1","logs":[{"timestamp":true}]}]}"#, "$.spans[0].logs[0].timestamp"),
        (br#"{"data":[5]}"#, "$.data[0]"),
        (br#"[{"traceID":"1","spanID":"1","duration":"5 minutes"}]"#, "$[0].duration"),
    ];
    common::assert_shape_paths(&cases);
}

#[test]
fn truncated_json_gives_line_and_column() {
    let message = common::assert_syntax_error_on_last_line(&fixture("synthetic_truncated.json"));
    assert!(message.contains("EOF"), "{message}");
    // Malformed in the middle, not only cut short.
    match import(b"{\"data\":[\n{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"1\",}]}]}") {
        Err(ImportError::Syntax { line: 2, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn processes_first_and_keys_in_any_order() {
    let traces = load("synthetic_processes_first_keys_reordered.json");
    check("reordered", &traces, 1, 3, &["ordered", "unknown"], 1, 0);
    let t = &traces[0];
    // The second span has no traceID of its own: it takes the trace's, written after the spans.
    assert_eq!(t.id_text(), "00000000000000f1");
    let root = by_name(t, "root");
    let child = by_name(t, "child");
    assert_eq!(t.parent(child), Some(root));
    assert_eq!(t.service(child), "ordered");
    assert_eq!(resource_attr(t, child, "host.name"), Some(Value::Str("box-1")));
    assert_eq!(
        warnings(t, root),
        vec![
            SpanWarning::Source("trace: trace warning one".into()),
            SpanWarning::Source("trace: trace warning two".into())
        ]
    );
    // A processID the trace does not define: service "unknown", with a warning. Legacy parentSpanID is read.
    let orphan = by_name(t, "orphan-process");
    assert_eq!(t.service(orphan), "unknown");
    assert_eq!(warnings(t, orphan), vec![SpanWarning::Source("process \"p9\" is not in the trace's processes".into())]);
    assert_eq!(t.parent(orphan), Some(root));
}

#[test]
fn single_span_object() {
    let traces = load("synthetic_single_span.json");
    check("single", &traces, 1, 1, &["solo"], 1, 0);
    let t = &traces[0];
    let s = SpanIdx(0);
    assert_eq!(t.id_text(), "0000000000000abc");
    assert_eq!(t.name(s), "lonely");
    assert_eq!(t.kind(s), SpanKind::Client);
    assert_eq!(t.duration_of(s).0, 7_000);
    assert_eq!(resource_attr(t, s, "hostname"), Some(Value::Str("x")));
    // Its warnings are its own, not a trace's.
    assert_eq!(warnings(t, s), vec![SpanWarning::Source("span warning".into())]);
}

#[test]
fn server_errors_without_data_are_reported() {
    let bytes = fixture("synthetic_server_errors.json");
    match import(&bytes) {
        Err(ImportError::Content { format: Format::Jaeger, message }) => {
            assert!(message.contains("trace not found"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn parent_is_the_first_reference_that_exists() {
    let traces = load("synthetic_references.json");
    check("references", &traces, 1, 8, &["refs"], 2, 0);
    let t = &traces[0];
    let id = |s: SpanIdx| t.span_id_text(s);
    let parent_of = |name: &str| t.parent(by_name(t, name)).map(id);
    let links_of = |name: &str| -> Vec<(LinkKind, String)> {
        t.links(by_name(t, name)).iter().map(|l| (l.kind, l.span_id.to_hex())).collect()
    };
    let hex = |s: &str| s.to_string();

    assert_eq!(parent_of("legacy-child"), Some(hex("0000000000000001")));
    // [CHILD_OF missing, FOLLOWS_FROM 0002]: 0002 exists, so it is the parent.
    assert_eq!(parent_of("missing-then-existing"), Some(hex("0000000000000002")));
    assert_eq!(links_of("missing-then-existing"), vec![(LinkKind::ChildOf, hex("00000000000000ee"))]);
    // [FOLLOWS_FROM 0003, CHILD_OF 0001]: both exist; file order wins, as in Jaeger UI.
    assert_eq!(parent_of("two-existing"), Some(hex("0000000000000003")));
    assert_eq!(links_of("two-existing"), vec![(LinkKind::ChildOf, hex("0000000000000001"))]);
    // Neither exists: the first is named as the missing parent, the other is a link.
    let none = by_name(t, "none-existing");
    assert!(t.roots().contains(&none));
    let f1 = spanscope_model::SpanId::from_hex("00000000000000f1").unwrap();
    assert_eq!(warnings(t, none), vec![SpanWarning::MissingParent(f1)]);
    assert_eq!(links_of("none-existing"), vec![(LinkKind::ChildOf, hex("00000000000000f2"))]);
    // A reference into another trace is never the parent.
    assert_eq!(parent_of("other-trace-then-same"), Some(hex("0000000000000002")));
    let l = t.links(by_name(t, "other-trace-then-same"));
    assert_eq!((l.len(), l[0].trace_id.to_hex()), (1, "0000000000000999".to_string()));
    // The existing target may come later in the file.
    assert_eq!(parent_of("forward-reference"), Some(hex("0000000000000008")));
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::MissingParent(_))), 1);
}

#[test]
fn open_telemetry_conventions_in_tags_and_logs() {
    let traces = load("synthetic_otel_conventions.json");
    check("otel", &traces, 1, 5, &["otel"], 1, 2);
    let t = &traces[0];
    let e = by_name(t, "otel-error");
    assert_eq!(t.kind(e), SpanKind::Producer);
    assert_eq!(t.status(e), StatusCode::Error);
    assert_eq!(t.status_message(e), "broker unavailable");
    assert_eq!((t.str(t.scope(e).name), t.str(t.scope(e).version)), ("io.opentelemetry.kafka", "2.1.0"));
    assert_eq!(t.trace_state(e), "rojo=00f067aa0ba902b7");
    assert_eq!(attr(t, e, "span.kind"), Some(Value::Str("producer")), "the tags stay");
    assert_eq!(warnings(t, e), vec![SpanWarning::Source("trace: sampled by a test".into())]);

    let names: Vec<&str> = t.events(e).iter().map(|ev| t.str(ev.name)).collect();
    assert_eq!(names, ["retry", "gave up", "log"]);
    let ev = t.events(e);
    assert_eq!(t.attrs_at(ev[0].attrs).len(), 3);
    assert_eq!(ev[1].time.0, 1_700_000_000_000_600_000);
    assert_eq!(ev[2].time, t.start_of(e), "a log without timestamp sits at the span start");

    let ok = by_name(t, "otel-ok");
    assert_eq!((t.kind(ok), t.status(ok)), (SpanKind::Internal, StatusCode::Ok));
    assert_eq!((t.str(t.scope(ok).name), t.str(t.scope(ok).version)), ("legacy-lib", "0.9"));
    let s = by_name(t, "error-string");
    assert_eq!((t.kind(s), t.status(s)), (SpanKind::Consumer, StatusCode::Error));
    let f = by_name(t, "error-false");
    assert_eq!((t.kind(f), t.status(f)), (SpanKind::Unspecified, StatusCode::Unset));
    // Scopes are shared.
    let again = by_name(t, "same-scope-again");
    assert_eq!(t.scope(again), t.scope(e));
    assert_eq!(t.arena().scopes.len(), 3, "no scope, kafka, legacy-lib");
}

// ---- inline edge cases ------------------------------------------------------------------------------------

#[test]
fn identical_embedded_processes_share_one_resource() {
    let mut doc = String::from("[");
    for i in 1..=500 {
        if i > 1 {
            doc.push(',');
        }
        let svc = if i % 2 == 0 { "even" } else { "odd" };
        doc.push_str(&format!(
            r#"{{"traceID":"0000000000000001","spanID":"{i:016x}","operationName":"op","startTime":1700000000000000,"duration":1,"process":{{"serviceName":"{svc}","tags":[{{"key":"k","type":"string","value":"v"}}]}}}}"#
        ));
    }
    doc.push(']');
    let traces = import(doc.as_bytes()).unwrap();
    check("embedded", &traces, 1, 500, &["even", "odd"], 500, 0);
    assert_eq!(traces[0].arena().resources.len(), 2);
}

#[test]
fn missing_ids_and_odd_values_never_panic() {
    let docs: [&[u8]; 9] = [
        br#"{"traceID":"","spans":[{"spanID":"0000000000000000"}]}"#,
        br#"{"spans":[{}]}"#,
        br#"[{"spanID":"1","startTime":"1700000000000000","duration":"12.5","flags":"3"}]"#,
        br#"{"traceID":"1","spans":[{"spanID":"1","startTime":-5,"duration":-1,"references":null,"tags":null,"logs":null,"warnings":null}]}"#,
        br#"{"traceID":"1","spans":[{"spanID":"1","logs":[{"fields":null},{}]}],"processes":null}"#,
        br#"{"traceID":"1","spans":[{"spanID":"1","references":[{"refType":"SOMETHING_ELSE","spanID":"2"},{"spanID":""}]}]}"#,
        br#"{"data":{"traceID":"1","spans":[{"spanID":"1","startTime":1.7e15,"duration":1e300}]}}"#,
        br#"{"traceID":"1","spans":[{"spanID":"1","references":[{"refType":"CHILD_OF","spanID":"1"}]}]}"#,
        br#"{"traceID":"1","spans":[{"spanID":"2","references":[{"spanID":"3"}]},{"spanID":"3","references":[{"spanID":"2"}]}]}"#,
    ];
    for doc in docs {
        let traces = import(doc).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(doc)));
        let spans: usize = traces.iter().map(|t| t.len()).sum();
        assert_eq!(spans, if doc == docs[8] { 2 } else { 1 }, "{}", String::from_utf8_lossy(doc));
    }
    // Specific outcomes.
    let t = &import(docs[0]).unwrap()[0];
    assert!(matches!(&warnings(t, SpanIdx(0))[..], [SpanWarning::Source(m), ..] if m.contains("no id")));
    let t = &import(docs[2]).unwrap()[0];
    assert_eq!(
        (t.start_of(SpanIdx(0)).0, t.duration_of(SpanIdx(0)).0, t.flags(SpanIdx(0))),
        (1_700_000_000_000_000_000, 12_500, 3)
    );
    let t = &import(docs[3]).unwrap()[0];
    assert!(warnings(t, SpanIdx(0)).contains(&SpanWarning::NegativeDuration));
    let t = &import(docs[5]).unwrap()[0];
    assert_eq!(t.links(SpanIdx(0)).iter().map(|l| l.kind).collect::<Vec<_>>(), [LinkKind::Link]);
    assert_eq!(t.roots().len(), 1);
    let t = &import(docs[7]).unwrap()[0];
    assert!(warnings(t, SpanIdx(0)).contains(&SpanWarning::SelfParent));
    let t = &import(docs[8]).unwrap()[0];
    assert_eq!(t.roots().len(), 1);
    assert_eq!(count_warnings(std::slice::from_ref(t), |w| matches!(w, SpanWarning::CycleBroken(_))), 1);
}

#[test]
fn bom_and_whitespace_are_fine() {
    let mut bytes = b"\xEF\xBB\xBF \n".to_vec();
    bytes.extend_from_slice(&fixture("jaeger_ui_01.json"));
    assert_eq!(import(&bytes).unwrap()[0].len(), 5);
}

/// Other answers of the Jaeger API opened as a file say what they are not, with the place.
#[test]
fn api_answers_that_hold_no_trace_are_errors() {
    for (doc, path) in [
        (r#"{"data":[{"parent":"a","child":"b","callCount":3}]}"#, "$.data[0]"),
        (r#"{"data":[{"name":"op","spanKind":"server"}]}"#, "$.data[0]"),
    ] {
        match import(doc.as_bytes()) {
            Err(ImportError::Shape { format: Format::Jaeger, path: p, message, .. }) => {
                assert_eq!(p, path);
                assert!(message.contains("none of their keys"), "{message}");
            }
            other => panic!("{doc}: {other:?}"),
        }
    }
    // api_v3's error answer (400, 404, 500): the server's words.
    match import(br#"{"error":{"httpCode":404,"message":"No traces found"}}"#) {
        Err(e @ ImportError::Content { .. }) => {
            assert_eq!(
                e.to_string(),
                "Jaeger JSON: the server answered with an error (HTTP 404): No traces found; the file holds no trace"
            )
        }
        other => panic!("{other:?}"),
    }
    // Its message is JSON text: escapes are undone.
    match import(br#"{"error":{"message":"trace \"abc\" not found\u0021","httpCode":404}}"#) {
        Err(e @ ImportError::Content { .. }) => assert_eq!(
            e.to_string(),
            "Jaeger JSON: the server answered with an error (HTTP 404): trace \"abc\" not found!; the file holds no trace"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn invalid_utf8_is_a_syntax_error_with_its_line() {
    let doc = b"{\"traceID\":\"1\",\n\"spans\":[{\"spanID\":\"1\",\"operationName\":\"\xff\"}]}";
    match import(doc) {
        Err(ImportError::Syntax { line: 2, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn first_pass_and_main_pass_agree_on_objects() {
    // An escaped `data` key, a nested `data`, and each trace's processes after its spans: every span must get
    // the service of its own trace object's "p1". (`spans` first: detection reads keys without unescaping.)
    let doc = br#"{"spans":null,"total":0,"d\u0061ta":[
        {"traceID":"a1","spans":[{"traceID":"a1","spanID":"1","operationName":"x","processID":"p1"}],
         "processes":{"p1":{"serviceName":"first"}}},
        {"data":[{"traceID":"b2","spans":[{"traceID":"b2","spanID":"1","operationName":"y","processID":"p1"}],
                  "processes":{"p1":{"serviceName":"nested"}},"warnings":["w[\"]{"]}]},
        {"traceID":"c3","spans":[{"traceID":"c3","spanID":"1","operationName":"z","processID":"p1",
                  "tags":[{"key":"k","value":"{[\"]}"}]}],
         "processes":{"p1":{"serviceName":"third"}}}
    ]}"#;
    let traces = import(doc).unwrap();
    let got: Vec<(String, String)> = traces.iter().map(|t| (t.id_text(), t.service(SpanIdx(0)).to_string())).collect();
    let want = [("00000000000000a1", "first"), ("00000000000000b2", "nested"), ("00000000000000c3", "third")];
    assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())).to_vec());
    assert!(warnings(&traces[1], SpanIdx(0)).contains(&SpanWarning::Source("trace: w[\"]{".into())));
}

#[test]
fn truncated_or_corrupted_fixtures_never_panic() {
    for name in [
        "jaeger_ui_01.json",
        "jaeger-ui_otlp2jaeger-out.json",
        "jaeger_anonymizer_trace_success.json",
        "synthetic_envelope_several_traces.json",
        "synthetic_every_tag_type.json",
        "synthetic_references.json",
    ] {
        common::import_truncated_and_corrupted(&fixture(name));
    }
}

// ---- key order ------------------------------------------------------------------------------------------

/// `v` as JSON, with the keys of every trace object (an object with `spans`) in `order` (others after them).
fn with_trace_keys_in(v: &serde_json::Value, order: &[&str], out: &mut String) {
    use serde_json::Value as J;
    match v {
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if m.contains_key("spans") {
                keys.sort_by_key(|k| order.iter().position(|o| o == k).unwrap_or(order.len()));
            }
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                with_trace_keys_in(&m[k], order, out);
            }
            out.push('}');
        }
        J::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                with_trace_keys_in(x, order, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[test]
fn key_order_of_trace_objects_does_not_change_the_import() {
    // Go's order (`processes` and `warnings` after `spans`: resolved when the object ends), everything before
    // the spans (resolved as each span is read), and `traceID` last (the first pass finds it).
    let orders: [&[&str]; 3] = [
        &["traceID", "spans", "processes", "warnings"],
        &["traceID", "processes", "warnings", "spans"],
        &["spans", "warnings", "processes", "traceID"],
    ];
    let mut compared = 0;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jaeger");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()) else {
            continue; // the truncated fixture
        };
        let mut results = Vec::new();
        for order in orders {
            let mut text = String::new();
            with_trace_keys_in(&doc, order, &mut text);
            // Compared as exported (string ids and resource numbers follow the order things were read in); an
            // error's line and column move with the keys, so only whether it failed is compared.
            let exported = import(text.as_bytes()).ok().map(|traces| {
                let export = |t: &Trace| export::export(t, None, export::ExportFormat::JaegerJson);
                traces.iter().map(export).collect::<Vec<_>>()
            });
            results.push(exported);
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(results[0] == results[1], "{name}: Go's key order and processes-first differ");
        assert!(results[0] == results[2], "{name}: Go's key order and traceID-last differ");
        compared += 1;
    }
    assert!(compared >= 20, "{compared}");
}

#[test]
fn late_processes_and_warnings_reach_a_span_that_waits_for_the_end() {
    // The first span names two parents, so it waits for the end of the document; `processes` and `warnings`
    // come after it, and `p9` names no process.
    let doc = br#"{"data":[{"traceID":"1","spans":[
        {"traceID":"1","spanID":"c","operationName":"two-parents","startTime":2,"duration":1,"processID":"p1",
         "warnings":["own"],"references":[{"refType":"CHILD_OF","traceID":"1","spanID":"a"},
                                          {"refType":"CHILD_OF","traceID":"1","spanID":"b"}]},
        {"traceID":"1","spanID":"a","operationName":"a","startTime":1,"duration":9,"processID":"p2"},
        {"traceID":"1","spanID":"d","operationName":"orphan","startTime":3,"duration":1,"processID":"p9"}],
      "processes":{"p1":{"serviceName":"one"},"p2":{"serviceName":"two"}},"warnings":["late"]}]}"#;
    let traces = import(doc).unwrap();
    let t = &traces[0];
    let c = by_name(t, "two-parents");
    assert_eq!(t.service(c), "one");
    assert_eq!(t.parent(c), Some(by_name(t, "a")));
    assert_eq!(warnings(t, c), vec![SpanWarning::Source("trace: late".into()), SpanWarning::Source("own".into())]);
    assert_eq!(t.service(by_name(t, "a")), "two");
    let orphan = by_name(t, "orphan");
    assert_eq!(t.service(orphan), "unknown");
    assert_eq!(warnings(t, orphan), vec![SpanWarning::Source("process \"p9\" is not in the trace's processes".into())]);
}
