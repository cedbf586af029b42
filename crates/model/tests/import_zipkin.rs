//! Zipkin v2 importer, end to end: bytes → `import` (detection, parse, build) → traces.
//!
//! Expected numbers were counted from the fixture JSON itself (python3), not read back from the importer.
//! Every file goes through `detect` with only its bytes: the file name is never used.

use spanscope_model::{import, Format, ImportError, SpanId, SpanIdx, SpanKind, SpanWarning, StatusCode, Trace, Value};

mod common;

use common::{by_name, check, count_warnings, resource_attr, warnings};

fn fixture(name: &str) -> Vec<u8> {
    common::fixture(&format!("zipkin/{name}"))
}

fn load(name: &str) -> Vec<Trace> {
    common::load_detected(Format::Zipkin, "zipkin", name)
}

fn count_kind(t: &Trace, k: SpanKind) -> usize {
    t.spans().filter(|&s| t.kind(s) == k).count()
}

fn id(hex: &str) -> SpanId {
    SpanId::from_hex(hex).unwrap()
}

/// Every shared span whose client half is in the trace hangs under that client half.
fn assert_shared_under_client(t: &Trace) -> usize {
    let mut n = 0;
    for s in t.spans() {
        let Some(p) = t.parent(s) else { continue };
        if t.span_id(p) == t.span_id(s) {
            assert_eq!(t.kind(p), SpanKind::Client, "the client half is the parent");
            assert_eq!(t.kind(s), SpanKind::Server, "the shared half is the server");
            n += 1;
        }
    }
    n
}

// ---- real fixtures ----------------------------------------------------------------------------------------

#[test]
fn chinese_single_span_object_with_ipv6() {
    let name = "zipkin-benchmarks_zipkin2-chinese.json";
    let traces = load(name);
    check(name, &traces, 1, 1, &["订单维护服务"], 1, 1);
    let t = &traces[0];
    let s = SpanIdx(0);
    assert_eq!(t.id_text(), "4d1e00c0db9010db86154a4ba6e91385");
    assert_eq!(t.name(s), "个人信息查询");
    assert_eq!(t.kind(s), SpanKind::Client);
    assert_eq!(t.status_message(s), "此用户没有操作权限");
    assert_eq!(t.attribute(s, "error"), Some(Value::Str("此用户没有操作权限")), "the error tag stays");
    assert_eq!(t.attribute(s, "peer.service"), Some(Value::Str("个人信息服务")));
    assert_eq!(t.attribute(s, "peer.ipv4"), Some(Value::Str("192.168.99.101")));
    assert_eq!(t.attribute(s, "peer.port"), Some(Value::Int(9000)));
    assert_eq!(resource_attr(t, s, "ipv6"), Some(Value::Str("2001:db8::c001")));
    assert_eq!(resource_attr(t, s, "service.name"), Some(Value::Str("订单维护服务")));
    assert_eq!(warnings(t, s), vec![SpanWarning::MissingParent(id("86154a4ba6e91385"))]);
    assert_eq!((t.start_of(s).0, t.duration_of(s).0), (1_472_470_996_199_000_000, 207_000_000));
}

#[test]
fn malformed_kong_spans() {
    let name = "zipkin-lens-2019_malformed.json";
    let traces = load(name);
    // 6 of 7 spans have no localEndpoint: service "unknown".
    check(name, &traces, 1, 7, &["rewards", "unknown"], 1, 0);
    let t = &traces[0];
    assert_eq!(t.spans().filter(|&s| t.service(s) == "unknown").count(), 6);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingDuration), 4);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingStart), 0);
    assert_eq!(count_kind(t, SpanKind::Internal), 5);
    let proxy = by_name(t, "kong.proxy");
    assert_eq!(t.attribute(proxy, "peer.port"), Some(Value::Int(80)));
    assert_eq!(t.attribute(proxy, "peer.service"), None);
    assert_eq!(t.attribute(proxy, "peer.hostname"), Some(Value::Str("")), "empty tag values are kept");
    assert_eq!(t.name(t.roots()[0]), "kong.request");
}

#[test]
fn ascend_two_shared_pairs() {
    let name = "zipkin-lens_ascend.json";
    let traces = load(name);
    check(name, &traces, 1, 8, &["auth-service", "content-service", "mobile-gateway"], 1, 0);
    let t = &traces[0];
    assert_eq!(assert_shared_under_client(t), 2);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::DuplicateId), 0);
    // A child of a shared id goes under the server half.
    let hystrix = by_name(t, "hystrix");
    let p = t.parent(hystrix).unwrap();
    assert_eq!((t.span_id(p), t.kind(p)), (id("ecc00062ceef4bf0"), SpanKind::Server));
    assert_eq!(count_kind(t, SpanKind::Internal), 2);
}

#[test]
fn envoy_shared_root_without_service_name() {
    let name = "zipkin-lens_envoy.json";
    let traces = load(name);
    check(name, &traces, 1, 1, &["unknown"], 1, 0);
    let t = &traces[0];
    let s = SpanIdx(0);
    assert_eq!(t.kind(s), SpanKind::Server);
    assert!(warnings(t, s).is_empty());
    assert_eq!(resource_attr(t, s, "ipv4"), Some(Value::Str("169.254.65.45")));
    assert_eq!(resource_attr(t, s, "service.name"), None);
    assert_eq!(t.attributes(s).len(), 12);
}

#[test]
fn kafka_producers_consumers_and_errors() {
    let name = "zipkin-lens_messaging-kafka.json";
    let traces = load(name);
    check(name, &traces, 1, 28, &["servicea", "serviceb"], 1, 3);
    let t = &traces[0];
    assert_eq!(count_kind(t, SpanKind::Internal), 12);
    assert_eq!(count_kind(t, SpanKind::Producer), 9);
    assert_eq!(count_kind(t, SpanKind::Consumer), 7);
    let mut messages: Vec<&str> = t.spans().filter(|&s| t.is_error(s)).map(|s| t.status_message(s)).collect();
    messages.sort();
    assert_eq!(messages, ["", "some error", "some error"], "an empty error tag is still an error");
}

#[test]
fn messaging_128_bit_trace_id() {
    let name = "zipkin-lens_messaging.json";
    let traces = load(name);
    check(name, &traces, 1, 4, &["backend", "frontend"], 1, 0);
    let t = &traces[0];
    assert_eq!(t.id_text(), "5aab74dbb904746bb33447baae403ed6");
    assert!(t.id().wide);
    assert_eq!(t.depth(), 4, "producer → consumer → local chain");
}

#[test]
fn messaging2_six_orphans() {
    let name = "zipkin-lens_messaging2.json";
    let traces = load(name);
    let services = ["auth-service", "mobile-gateway", "notification-service", "transfer-service"];
    check(name, &traces, 1, 11, &services, 7, 0);
    assert_eq!(count_warnings(&traces, |w| matches!(w, SpanWarning::MissingParent(_))), 6);
    // Its one shared span has no client half in the file: it hangs under the parent it names.
    let t = &traces[0];
    assert_eq!(assert_shared_under_client(t), 0);
    let shared = t.spans().find(|&s| t.span_id(s) == id("dca1d27152851c1c")).unwrap();
    assert_eq!(t.span_id(t.parent(shared).unwrap()), id("0d1a94ebc9256244"));
}

#[test]
fn skew_shared_server_half_under_client_half() {
    let name = "zipkin-lens_skew.json";
    let traces = load(name);
    check(name, &traces, 1, 4, &["servicea", "serviceb"], 1, 0);
    let t = &traces[0];
    assert_eq!(assert_shared_under_client(t), 1);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::DuplicateId), 0);
    let client = t.spans().find(|&s| t.kind(s) == SpanKind::Client).unwrap();
    let server = t.spans().find(|&s| t.parent(s) == Some(client)).unwrap();
    assert_eq!(t.span_id(server), id("74280ae0c10d8062"));
    // The server half started 62 ms before its client (other host): shifted into it, with its child.
    assert!(warnings(t, server).iter().any(|w| matches!(w, SpanWarning::SkewAdjusted(_))));
    assert!(t.start_of(server) >= t.start_of(client));
    let async_span = by_name(t, "async");
    assert_eq!(t.parent(async_span), Some(server));
    assert_eq!(t.kind(async_span), SpanKind::Internal);
    assert!(warnings(t, async_span).iter().any(|w| matches!(w, SpanWarning::SkewAdjusted(_))));
}

#[test]
fn smartthings_mobile_web_install_large_with_missing_times() {
    let name = "zipkin-lens_smartthings-mobile-web-install.json";
    let traces = load(name);
    let services = [
        "account",
        "alice",
        "auth",
        "bookie",
        "bouncer",
        "coreSrv",
        "dove",
        "execution",
        "gizmo",
        "guardian",
        "oreck",
        "paperboy",
        "platformapi",
        "pusher",
        "stLogin",
        "strongman",
    ];
    check(name, &traces, 1, 1041, &services, 1, 2);
    let t = &traces[0];
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingStart), 84);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingDuration), 175);
    // Spans with the same id and the same `shared` flag (different hosts report the same call): flagged.
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::DuplicateId), 173);
    assert_eq!(t.spans().map(|s| t.events(s).len()).sum::<usize>(), 92);
    // 136 distinct local endpoints, one resource each.
    assert_eq!(t.arena().resources.len(), 136);
    assert_eq!(count_kind(t, SpanKind::Client), 628);
    assert_eq!(count_kind(t, SpanKind::Server), 326);
    assert_eq!(count_kind(t, SpanKind::Internal), 87);
}

#[test]
fn smartthings_oauth_175_spans() {
    let name = "zipkin-lens_smartthings-oauth-authorization.json";
    let traces = load(name);
    let services = ["account", "auth", "bouncer", "datamgmt", "dove", "paperboy", "pusher", "stlogin"];
    check(name, &traces, 1, 175, &services, 1, 2);
    // Five shared consumer spans reuse one span id, each with its own start: not parts of one span (which
    // Zipkin would merge into two, one per host), so they stay apart, flagged `DuplicateId`.
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingDuration), 19);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::MissingStart), 0);
    assert_eq!(count_warnings(&traces, |w| *w == SpanWarning::DuplicateId), 5);
    assert_eq!(traces[0].spans().filter(|&s| traces[0].status_message(s) == "401").count(), 2);
    assert_eq!(traces[0].spans().map(|s| traces[0].events(s).len()).sum::<usize>(), 9);
}

#[test]
fn yelp_shared_servers_and_annotation() {
    let name = "zipkin-lens_yelp.json";
    let traces = load(name);
    let services = ["mobile_api", "routing", "spectre", "unknown", "yelp-main", "yelp_main/api_proxy"];
    check(name, &traces, 1, 16, &services, 1, 0);
    let t = &traces[0];
    // 4 shared spans: 3 under their client halves, and the root, whose client half is not in the file.
    assert_eq!(assert_shared_under_client(t), 3);
    assert_eq!(t.span_id(t.roots()[0]), id("2e8cfb154b59a41f"));
    let with_events: Vec<SpanIdx> = t.spans().filter(|&s| !t.events(s).is_empty()).collect();
    assert_eq!(with_events.len(), 1);
    let ev = t.events(with_events[0])[0];
    assert_eq!(t.str(ev.name), "py_zipkin.logging_end");
    assert_eq!(t.span_id(with_events[0]), id("668ed78ad94b35a1"));
    // The builder may shift a span for clock skew; the annotation moves with it.
    let shift = warnings(t, with_events[0])
        .iter()
        .find_map(|w| if let SpanWarning::SkewAdjusted(d) = w { Some(d.0) } else { None })
        .unwrap_or(0);
    assert_eq!(ev.time.0 - shift, 1_571_896_375_355_436_000);
}

// ---- synthetic fixtures -----------------------------------------------------------------------------------

#[test]
fn list_of_traces() {
    let traces = load("synthetic_list_of_traces.json");
    check("list", &traces, 2, 3, &["frontend", "worker"], 2, 0);
    assert_eq!(traces[0].id_text(), "463ac35c9f6413ad");
    assert_eq!(traces[1].id_text(), "48485a3953bb61246b221d5bc9e6496c");
    let t = &traces[0];
    assert_eq!(t.parent(by_name(t, "select")), Some(by_name(t, "get /")));
}

#[test]
fn empty_list_is_zero_traces() {
    assert!(load("synthetic_empty.json").is_empty());
    assert!(import(b"[[]]").unwrap().is_empty());
    assert!(import(b" [ ] ").unwrap().is_empty());
}

#[test]
fn wrong_type_timestamp_names_the_path() {
    let bytes = fixture("synthetic_wrong_type_timestamp.json");
    match import(&bytes) {
        Err(ImportError::Shape { format, path, message, line, .. }) => {
            assert_eq!(format, Format::Zipkin);
            // `import::shape_error` writes a top-level index as `$.[1]`; read it as `$[1]`.
            assert_eq!(path.replace("$.[", "$["), "$[1].timestamp");
            assert!(message.contains("abc") && message.contains("microseconds"), "{message}");
            assert!(line > 1);
        }
        other => panic!("{other:?}"),
    }
    let cases: [(&[u8], &str); 6] = [
        (br#"{"traceId":"1","id":"1","tags":["error"]}"#, "$.tags"),
        (br#"{"traceId":"1","id":"1","localEndpoint":{"port":"http"}}"#, "$.localEndpoint.port"),
        (br#"[{"traceId":"1","id":2}]"#, "$[0].id"),
        (br#"[[{"traceId":"1","id":"2","annotations":[{"timestamp":1,"value":3}]}]]"#, "$[0][0].annotations[0].value"),
        (br#"[{"traceId":"1","id":"2","shared":"maybe"}]"#, "$[0].shared"),
        (br#"[[{"traceId":"1","id":"2"}, 7]]"#, "$[0][1]"),
    ];
    common::assert_shape_paths(&cases);
}

#[test]
fn truncated_json_gives_line_and_column() {
    common::assert_syntax_error_on_last_line(&fixture("synthetic_truncated.json"));
    match import(b"[{\"traceId\":\"1\",\n\"id\":\"2\" \"name\":\"x\"}]") {
        Err(ImportError::Syntax { line: 2, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn mixed_traces_ids_and_optional_fields() {
    let traces = load("synthetic_mixed_traces_and_fields.json");
    check("mixed", &traces, 2, 6, &["gateway", "unknown"], 3, 1);
    // The 32-digit id with a zero high half and the upper-case id are the same 16-digit trace.
    let a = &traces[0];
    assert_eq!(a.id_text(), "463ac35c9f6413ad");
    assert!(!a.id().wide);
    assert_eq!(a.len(), 4);
    let b = &traces[1];
    assert_eq!(b.id_text(), "48485a3953bb61246b221d5bc9e6496c");

    let root = by_name(a, "root");
    assert_eq!(a.kind(root), SpanKind::Server);
    assert_eq!(resource_attr(a, root, "ipv4"), Some(Value::Str("10.0.0.1")));
    assert_eq!(resource_attr(a, root, "port"), Some(Value::Int(8080)));
    assert_eq!(a.attribute(root, "peer.service"), Some(Value::Str("browser")));
    assert_eq!(a.attribute(root, "peer.ipv6"), Some(Value::Str("2001:db8::1")));
    assert_eq!(a.attribute(root, "peer.port"), Some(Value::Int(51000)));
    assert_eq!(a.attribute(root, "debug"), Some(Value::Bool(true)));
    // Tag values that are not strings are kept as their text.
    assert_eq!(a.attribute(root, "http.status_code"), Some(Value::Str("200")));
    assert_eq!(a.attribute(root, "retry"), Some(Value::Str("true")));
    assert_eq!(a.attribute(root, "nothing"), Some(Value::Empty));
    let ev: Vec<(&str, i64)> = a.events(root).iter().map(|e| (a.str(e.name), e.time.0)).collect();
    assert_eq!(ev, [("wr", 1_700_000_000_000_100_000), ("no time", 1_700_000_000_000_000_000)]);

    let call = by_name(a, "call");
    assert_eq!(a.parent(call), Some(root));
    assert_eq!((a.status(call), a.status_message(call)), (StatusCode::Error, ""));
    let local = by_name(a, "local work");
    assert_eq!(a.parent(local), Some(root));
    assert_eq!(a.kind(local), SpanKind::Internal);
    assert_eq!(warnings(a, local), vec![SpanWarning::MissingStart, SpanWarning::MissingDuration]);
    assert_eq!(a.start_of(local), a.start_of(root), "placed at its parent's start");
    // An all-zero parentId is no parent; an unknown kind is unspecified; duration 0 means unknown.
    let np = by_name(a, "no parent");
    assert!(a.roots().contains(&np));
    assert_eq!(a.parent_id(np), None);
    assert_eq!(a.kind(np), SpanKind::Unspecified);
    assert_eq!(warnings(a, np), vec![SpanWarning::MissingDuration]);

    // The same endpoint is one resource, however many spans use it.
    assert_eq!(a.arena().resources.len(), 3, "10.0.0.1, 10.0.0.2 and no endpoint");
    assert_eq!(a.resource(root), a.resource(call));
    assert_eq!(b.service(by_name(b, "send")), "gateway");

    let send = by_name(b, "send");
    let receive = by_name(b, "receive");
    assert_eq!(b.parent(receive), Some(send));
    assert_eq!((b.kind(send), b.kind(receive)), (SpanKind::Producer, SpanKind::Consumer));
    assert_eq!(b.service(receive), "unknown");
    assert_eq!(b.span_id_text(send), "00000000000000b1", "upper-case span ids read as hex");
}

#[test]
fn span_parts_merge_and_trace_id_halves_join() {
    let traces = load("synthetic_span_parts_and_id_halves.json");
    check("parts", &traces, 1, 6, &["frontend", "backend", "cache"], 1, 1);
    let t = &traces[0];
    assert_eq!(t.id_text(), "463ac35c9f6413ad48485a3953bb6124");

    // The client span came in two parts: one span, with the fields of both.
    let client = t.spans().find(|&s| t.kind(s) == SpanKind::Client).unwrap();
    assert_eq!(t.name(client), "get /api");
    assert_eq!(t.parent(client), Some(by_name(t, "checkout")));
    assert_eq!((t.start_of(client).0, t.duration_of(client).0), (1_700_000_000_001_100_000, 200_000));
    assert_eq!(warnings(t, client), vec![], "start and duration came in different parts");
    assert_eq!(t.attribute(client, "http.method"), Some(Value::Str("POST")), "the later part's tag wins");
    assert_eq!((t.status(client), t.status_message(client)), (StatusCode::Error, "boom"));
    assert_eq!(resource_attr(t, client, "ipv4"), Some(Value::Str("10.0.0.1")), "the endpoint of both parts");
    assert_eq!(t.service(client), "frontend");
    let ev: Vec<&str> = t.events(client).iter().map(|e| t.str(e.name)).collect();
    assert_eq!(ev, ["started", "finished"], "annotations of both parts, in time order");

    // The server half has no `shared` flag, but shares the client's id: it goes under the client.
    let server = t.spans().find(|&s| t.kind(s) == SpanKind::Server && t.service(s) == "backend").unwrap();
    assert_eq!(t.parent(server), Some(client));
    assert_eq!(warnings(t, server), vec![]);
    assert_eq!(assert_shared_under_client(t), 1);

    // A span with the low 64 bits of the trace id only is part of the trace, under the server half.
    let select = by_name(t, "select");
    assert_eq!(t.parent(select), Some(server));
    assert_eq!(
        warnings(t, select),
        vec![SpanWarning::Source(
            "trace id 48485a3953bb6124 is the low half of 463ac35c9f6413ad48485a3953bb6124: joined that trace".into()
        )]
    );

    // Two spans with one id whose endpoints disagree are not parts of one span.
    let caches: Vec<SpanIdx> = t.spans().filter(|&s| t.name(s) == "cache").collect();
    assert_eq!(caches.len(), 2);
    for s in caches {
        assert_eq!(warnings(t, s), vec![SpanWarning::DuplicateId]);
    }
}

/// `shared` belongs on server halves. A client span that carries it by mistake is still the client half: its
/// server hangs under it, not the other way round, and neither is a duplicate.
#[test]
fn a_shared_flag_on_a_client_span_is_ignored() {
    let doc = br#"[
      {"traceId":"a","id":"1","name":"root","timestamp":1000,"duration":900,"localEndpoint":{"serviceName":"web"}},
      {"traceId":"a","parentId":"1","id":"2","kind":"CLIENT","shared":true,"name":"call","timestamp":1100,"duration":500,"localEndpoint":{"serviceName":"web"}},
      {"traceId":"a","parentId":"1","id":"2","kind":"SERVER","shared":true,"name":"serve","timestamp":1200,"duration":300,"localEndpoint":{"serviceName":"api"}}
    ]"#;
    let traces = import(doc).unwrap();
    let t = &traces[0];
    let (call, serve) = (by_name(t, "call"), by_name(t, "serve"));
    assert_eq!(t.parent(call), Some(by_name(t, "root")));
    assert_eq!(t.parent(serve), Some(call));
    assert_eq!((warnings(t, call), warnings(t, serve)), (vec![], vec![]));
    assert_eq!(assert_shared_under_client(t), 1);
}

/// Parts that repeat annotations: each annotation once, however many others share its time.
#[test]
fn merged_parts_keep_each_annotation_once() {
    let doc = br#"[
      {"traceId":"a","id":"1","name":"op","timestamp":1000,"annotations":[{"timestamp":1500,"value":"a"},{"timestamp":1500,"value":"b"}]},
      {"traceId":"a","id":"1","duration":900,"annotations":[{"timestamp":1500,"value":"a"},{"timestamp":1200,"value":"c"},{"timestamp":1500,"value":"b"}]}
    ]"#;
    let traces = import(doc).unwrap();
    let t = &traces[0];
    assert_eq!(t.len(), 1);
    let ev: Vec<&str> = t.events(SpanIdx(0)).iter().map(|e| t.str(e.name)).collect();
    assert_eq!(ev, ["c", "a", "b"], "time order; at one time, the order they came in");
}

/// The count of traces a document adds (the load message's) counts a 64-bit trace id joined to its 128-bit
/// trace once, as the list of traces shows them.
#[test]
fn the_import_summary_counts_joined_trace_ids_once() {
    let doc = br#"[
      {"traceId":"463ac35c9f6413ad48485a3953bb6124","id":"1","name":"root","timestamp":1000,"duration":900},
      {"traceId":"48485a3953bb6124","parentId":"1","id":"2","name":"child","timestamp":1100,"duration":100},
      {"traceId":"b","id":"3","name":"other","timestamp":1000,"duration":900}
    ]"#;
    let mut b = spanscope_model::TraceSetBuilder::new();
    let summary = spanscope_model::import_into(&mut b, doc).unwrap();
    assert_eq!((summary.spans, summary.traces), (3, 2));
    assert_eq!(b.finish(&spanscope_model::BuildOptions::default()).len(), 2);
}

/// A span sent in many parts is merged from the first `MAX_PARTS` (64); the rest stay spans of their own, so a
/// hostile document of parts costs linear time.
#[test]
fn many_parts_of_one_span_are_bounded() {
    let parts: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"traceId":"a","id":"1","name":"x","timestamp":1000,"tags":{{"k{i}":"v"}}}}"#))
        .collect();
    let doc = format!("[{}]", parts.join(","));
    let traces = import(doc.as_bytes()).unwrap();
    let t = &traces[0];
    assert_eq!(t.len(), 1000 - 63);
    let first = t.spans().find(|&s| t.attribute(s, "k0").is_some()).unwrap();
    assert_eq!(t.attributes(first).len(), 64);
    assert_eq!(t.start_of(first).0, 1_000_000);
}

/// Zipkin v1 JSON is another span model: refused with an error that names it, not read as broken v2 spans.
#[test]
fn zipkin_v1_is_refused_by_name() {
    for doc in [
        r#"[{"traceId":"abc","id":"1","name":"x","binaryAnnotations":[{"key":"k","value":"v"}]}]"#,
        r#"[{"traceId":"abc","id":"1","name":"x","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"a"}}]}]"#,
    ] {
        match import(doc.as_bytes()) {
            Err(ImportError::Shape { format: Format::Zipkin, message, .. }) => {
                assert!(message.contains("Zipkin v1 JSON"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}

/// A single span object whose keys are sorted (`jq -S`, Python `sort_keys`): `id` before `traceId`.
#[test]
fn a_single_span_with_sorted_keys_is_zipkin() {
    let traces = import(br#"{"duration":1,"id":"1","name":"x","timestamp":1,"traceId":"abc"}"#).unwrap();
    assert_eq!(traces[0].len(), 1);
}

#[test]
fn non_hex_ids_are_kept_for_display() {
    let doc = br#"[{"traceId":"trace-abc","id":"root-span","name":"a","timestamp":1,"duration":1},
                   {"traceId":"trace-abc","id":"child-span","parentId":"root-span","name":"b","timestamp":1,"duration":1}]"#;
    let traces = import(doc).unwrap();
    check("non-hex", &traces, 1, 2, &["unknown"], 1, 0);
    let t = &traces[0];
    assert_eq!(t.id_text(), "trace-abc");
    assert_eq!(t.span_id_text(t.roots()[0]), "root-span");
    assert_eq!(t.span_id_text(by_name(t, "b")), "child-span");
    assert_eq!(t.parent(by_name(t, "b")), Some(t.roots()[0]));
}

#[test]
fn odd_inputs_never_panic() {
    let docs: [&[u8]; 7] = [
        br#"[{"traceId":""}]"#,
        br#"{"traceId":null,"id":null,"parentId":null,"kind":null,"name":null,"timestamp":null,"duration":null,"localEndpoint":null,"remoteEndpoint":null,"annotations":null,"tags":null,"debug":null,"shared":null}"#,
        br#"[{"traceId":"1","id":"1","timestamp":"1700000000000000","duration":12.7}]"#,
        br#"[{"traceId":"1","id":"1","timestamp":-1,"duration":-5}]"#,
        br#"[{"traceId":"1","id":"1","parentId":"1"}]"#,
        br#"[{"traceId":"","id":"","tags":{"":""},"annotations":[{}]}]"#,
        br#"[{"traceId":"ffffffffffffffffffffffffffffffffff","id":"ffffffffffffffffff"}]"#,
    ];
    for doc in docs {
        let traces = import(doc).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(doc)));
        assert_eq!(traces.iter().map(|t| t.len()).sum::<usize>(), 1, "{}", String::from_utf8_lossy(doc));
    }
    let t = &import(docs[2]).unwrap()[0];
    assert_eq!((t.start_of(SpanIdx(0)).0, t.duration_of(SpanIdx(0)).0), (1_700_000_000_000_000_000, 12_700));
    let t = &import(docs[4]).unwrap()[0];
    assert!(warnings(t, SpanIdx(0)).contains(&SpanWarning::SelfParent));
}

#[test]
fn invalid_utf8_is_a_syntax_error_with_its_line() {
    let doc = b"[{\"traceId\":\"1\",\n\"id\":\"1\",\"name\":\"\xc3\x28\"}]";
    match import(doc) {
        Err(ImportError::Syntax { line: 2, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_or_corrupted_fixtures_never_panic() {
    for name in [
        "zipkin-lens_skew.json",
        "zipkin-lens_yelp.json",
        "zipkin-benchmarks_zipkin2-chinese.json",
        "synthetic_mixed_traces_and_fields.json",
        "synthetic_list_of_traces.json",
    ] {
        common::import_truncated_and_corrupted(&fixture(name));
    }
}
