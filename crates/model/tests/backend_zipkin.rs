//! Zipkin backend client, pure half: exact request URLs (ms and µs units), and real answer bodies read back
//! (FORMATS.md §4.1). Trace bodies are the project's Zipkin Lens fixtures; a search answer is a list of them.

use spanscope_model::backend::{
    check_query, network_error_message, operations_calls, parse_config, read_operations, read_search, read_services,
    read_trace, search_calls, services_calls, tag_names_calls, trace_calls, Answer, BackendConfig, BackendError, Call,
    Endpoint, SearchQuery,
};
use spanscope_model::{DurationNs, TimestampNs};

mod common;

/// The search window names are listed from (only Tempo sends it): 1700000000.9 s to 1700003600.000000001 s.
const W: (TimestampNs, TimestampNs) = (TimestampNs(1_700_000_000_900_000_000), TimestampNs(1_700_003_600_000_000_001));

fn backend() -> BackendConfig {
    parse_config(br#"{"backends":[{"name":"zipkin","kind":"zipkin","url":"http://localhost:9411"}]}"#)
        .unwrap()
        .remove(0)
}

fn fx(name: &str) -> Vec<u8> {
    common::fixture(&format!("backend/{name}"))
}

fn text(rel: &str) -> String {
    String::from_utf8(common::fixture(rel)).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn done<T: std::fmt::Debug>(a: Result<Answer<T>, BackendError>) -> T {
    match a {
        Ok(Answer::Done(t)) => t,
        other => panic!("expected Done, got {other:?}"),
    }
}

fn svc(list: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    list.iter().map(|(s, n, e)| (s.to_string(), *n, *e)).collect()
}

#[test]
fn services_and_span_names() {
    let b = backend();
    let calls = services_calls(&b, W);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].request.url, "http://localhost:9411/api/v2/services");
    assert!(calls[0].request.headers.is_empty());
    assert_eq!((calls[0].endpoint, calls[0].last), (Endpoint::ZipkinServices, true));
    assert_eq!(done(read_services(&b, &calls[0], 200, &fx("zipkin_services.json"))), strings(&["backend", "frontend"]));
    let ops = operations_calls(&b, "front end", W);
    assert_eq!(ops[0].request.url, "http://localhost:9411/api/v2/spans?serviceName=front%20end");
    assert_eq!(ops[0].endpoint, Endpoint::ZipkinSpanNames);
    assert_eq!(done(read_operations(&b, &ops[0], 200, &fx("zipkin_span_names.json"))), strings(&["get /api", "post"]));
    assert_eq!(done(read_operations(&b, &ops[0], 200, b"[]")), strings(&[]));
    assert!(tag_names_calls(&b).is_empty());
}

#[test]
fn search_uses_annotation_query_ms_window_and_integer_microseconds() {
    let b = backend();
    let q = SearchQuery {
        service: Some("frontend".into()),
        operation: Some("get /api".into()),
        tags: spanscope_model::backend::parse_tags(r#"http.method=GET error="" http.path="/a b""#).unwrap(),
        traceql: Some("{ ignored }".into()),
        min_duration: Some(DurationNs(1_500_999)),     // floor → 1500 µs
        max_duration: Some(DurationNs(2_000_000_001)), // ceil → 2000001 µs
        start: TimestampNs(1_700_000_000_000_500_000), // floor → 1700000000000 ms
        end: TimestampNs(1_700_003_600_000_000_001),   // ceil → 1700003600001 ms
        limit: 10,
    };
    let calls = search_calls(&b, &q);
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].endpoint, calls[0].last), (Endpoint::ZipkinSearch, true));
    assert_eq!(
        calls[0].request.url,
        "http://localhost:9411/api/v2/traces?serviceName=frontend&spanName=get%20%2Fapi\
         &annotationQuery=http.method%3DGET%20and%20error%20and%20http.path%3D%2Fa%20b\
         &minDuration=1500&maxDuration=2000001&endTs=1700003600001&lookback=3600001&limit=10"
    );
    // Zipkin refuses a maximum without a minimum, and a minimum of 0 (`QueryRequest.build`): a maximum alone
    // goes with a minimum of 1 µs, and a minimum under 1 µs is none.
    for (min, max, want) in [
        (None, Some(2_000_000), "&minDuration=1&maxDuration=2000&"),
        (Some(500), Some(2_000_000), "&minDuration=1&maxDuration=2000&"),
        (Some(500), None, "&endTs="),
        (Some(2_000), None, "&minDuration=2&endTs="),
    ] {
        let d = SearchQuery { min_duration: min.map(DurationNs), max_duration: max.map(DurationNs), ..q.clone() };
        let url = &search_calls(&b, &d)[0].request.url;
        assert!(url.contains(&format!("b{want}")), "{min:?} {max:?}: {url}");
    }
    let bare =
        SearchQuery { start: TimestampNs(0), end: TimestampNs(86_400_000_000_000), limit: 0, ..SearchQuery::default() };
    assert_eq!(
        search_calls(&b, &bare)[0].request.url,
        "http://localhost:9411/api/v2/traces?endTs=86400000&lookback=86400000"
    );
}

/// A tag with " and " in it cannot be an `annotationQuery` term (Zipkin splits on it, with no quoting): the
/// search is refused before it goes out, naming the tag. Other backends take it.
#[test]
fn a_tag_with_and_in_it_is_refused_for_zipkin() {
    let b = backend();
    let q = SearchQuery {
        tags: spanscope_model::backend::parse_tags(r#"http.path="/a and b""#).unwrap(),
        ..SearchQuery::default()
    };
    let e = check_query(&b, &q).unwrap_err();
    assert!(e.starts_with("Tags: Zipkin cannot search for `http.path=/a and b`"), "{e}");
    let ok = SearchQuery { tags: spanscope_model::backend::parse_tags("http.path=/a").unwrap(), ..q.clone() };
    assert_eq!(check_query(&b, &ok), Ok(()));
    let jaeger = BackendConfig { kind: spanscope_model::backend::BackendKind::Jaeger, ..b.clone() };
    assert_eq!(check_query(&jaeger, &q), Ok(()));
}

#[test]
fn a_search_answer_gives_one_summary_per_trace_most_recent_first() {
    let b = backend();
    let call = &search_calls(&b, &SearchQuery::default())[0];
    let body = format!("[{},{}]", text("zipkin/zipkin-lens_skew.json"), text("zipkin/zipkin-lens_messaging.json"));
    let r = done(read_search(&b, call, 200, body.as_bytes()));
    assert_eq!(r.summaries.len(), 2);
    assert_eq!(r.traces.len(), 2);
    let messaging = &r.summaries[0];
    assert_eq!(messaging.trace_id, "5aab74dbb904746bb33447baae403ed6");
    assert_eq!((messaging.root_service.as_str(), messaging.root_name.as_str()), ("frontend", "get /"));
    assert_eq!(messaging.start, TimestampNs(1_521_186_011_926_119_000));
    assert_eq!(messaging.duration, DurationNs((1_521_186_011_929_476 - 1_521_186_011_926_119) * 1000));
    assert_eq!((messaging.span_count, messaging.error_count), (4, 0));
    assert_eq!(messaging.services, svc(&[("backend", 2, 0), ("frontend", 2, 0)]));
    let skew = &r.summaries[1];
    assert_eq!(skew.trace_id, "00000000000000001e223ff1f80f1c69");
    assert_eq!((skew.root_service.as_str(), skew.root_name.as_str()), ("servicea", "get"));
    assert_eq!((skew.span_count, skew.error_count), (4, 0));
    assert_eq!(skew.services, svc(&[("servicea", 2, 0), ("serviceb", 2, 0)]));
    assert_eq!(r.traces[0].len(), 4);
    // Errors per service (the Kafka trace has 3 `error` tags, all on serviceb).
    let kafka = format!("[{}]", text("zipkin/zipkin-lens_messaging-kafka.json"));
    let r = done(read_search(&b, call, 200, kafka.as_bytes()));
    assert_eq!((r.summaries[0].span_count, r.summaries[0].error_count), (28, 3));
    assert_eq!(r.summaries[0].services, svc(&[("servicea", 22, 0), ("serviceb", 6, 3)]));
    // No hits.
    assert!(done(read_search(&b, call, 200, b"[]")).summaries.is_empty());
}

#[test]
fn trace_ids_take_the_short_form_when_the_high_half_is_zero() {
    let b = backend();
    let short = trace_calls(&b, "00000000000000001E223FF1F80F1C69");
    assert_eq!(short[0].request.url, "http://localhost:9411/api/v2/trace/1e223ff1f80f1c69");
    assert_eq!((short[0].endpoint, short[0].last), (Endpoint::ZipkinTrace, true));
    assert_eq!(trace_calls(&b, "1")[0].request.url, "http://localhost:9411/api/v2/trace/0000000000000001");
    let long = trace_calls(&b, "5aab74dbb904746bb33447baae403ed6");
    assert_eq!(long[0].request.url, "http://localhost:9411/api/v2/trace/5aab74dbb904746bb33447baae403ed6");
    let t = done(read_trace(&b, &short[0], 200, &common::fixture("zipkin/zipkin-lens_skew.json")));
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].len(), 4);
}

#[test]
fn a_missing_trace_is_not_found_with_zipkins_message() {
    let b = backend();
    let call = &trace_calls(&b, "1e223ff1f80f1c6a")[0];
    let e = read_trace(&b, call, 404, &fx("zipkin_trace_not_found.txt")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "zipkin: trace 1e223ff1f80f1c6a was not found (HTTP 404 from http://localhost:9411/api/v2/trace/1e223ff1f80f1c6a: \
         \"1e223ff1f80f1c6a not found\"). It may never have been stored, or it has expired from the backend's \
         storage (retention)."
    );
    let e = read_trace(&b, call, 200, b"[]").unwrap_err();
    assert!(matches!(e, BackendError::NotFound { status: 200, server_message: None, .. }), "{e:?}");
}

#[test]
fn errors_and_malformed_answers() {
    let b = backend();
    let call = &services_calls(&b, W)[0];
    let e = read_services(&b, call, 200, br#"{"services":["a"]}"#).unwrap_err();
    assert!(matches!(e, BackendError::Malformed { endpoint: Endpoint::ZipkinServices, status: 200, .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(
            "zipkin: the answer from http://localhost:9411/api/v2/services (HTTP 200) is not a JSON array of strings: "
        ),
        "{e}"
    );
    let e = read_services(&b, call, 500, br#"{"timestamp":"2026-08-01","status":500,"error":"Internal Server Error","message":"Connection refused: cassandra"}"#)
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Status { status: 500, server_message: Some(m), .. } if m == "Connection refused: cassandra"),
        "{e:?}"
    );
    let search = &search_calls(&b, &SearchQuery::default())[0];
    let e = read_search(&b, search, 200, br#"[[{"traceId":"zz","id":5}]]"#).unwrap_err();
    assert!(matches!(e, BackendError::Malformed { endpoint: Endpoint::ZipkinSearch, .. }), "{e:?}");
    let e = read_search(&b, search, 400, b"serviceName=null is not valid").unwrap_err();
    assert_eq!(e.status(), Some(400));
    // Zipkin has no alternatives: nothing ever falls back.
    assert!(matches!(read_services(&b, call, 404, b""), Err(BackendError::Status { status: 404, .. })));
    assert!(matches!(read_services(&b, call, 200, &fx("jaeger_ui_index.html")), Err(BackendError::Malformed { .. })));
}

#[test]
fn a_failed_fetch_explains_that_zipkin_is_probably_down() {
    let b = backend();
    let url = &services_calls(&b, W)[0].request.url;
    let m = network_error_message(&b, url);
    assert!(m.starts_with("Could not reach zipkin (Zipkin) at http://localhost:9411/api/v2/services: "), "{m}");
    assert!(m.contains("Access-Control-Allow-Origin"), "{m}");
    assert!(m.contains("Zipkin allows all origins by default"), "{m}");
    assert!(m.contains("most likely down"), "{m}");
    assert!(m.contains("serve spanscope and the backend from one origin"), "{m}");
}

/// Every prefix of real bodies, read as every Zipkin endpoint: errors, never panics.
#[test]
fn truncated_bodies_never_panic() {
    let b = backend();
    let calls: Vec<Call> = [
        services_calls(&b, W),
        operations_calls(&b, "a", W),
        search_calls(&b, &SearchQuery::default()),
        trace_calls(&b, "1"),
    ]
    .concat();
    let bodies = [
        fx("zipkin_services.json"),
        format!("[{}]", text("zipkin/zipkin-lens_skew.json")).into_bytes(),
        common::fixture("zipkin/zipkin-lens_envoy.json"),
    ];
    for body in &bodies {
        for cut in 0..body.len() {
            let part = &body[..cut];
            for call in &calls {
                let _ = read_services(&b, call, 200, part);
                let _ = read_operations(&b, call, 200, part);
                let _ = read_search(&b, call, 200, part);
                let _ = read_trace(&b, call, 200, part);
                let _ = read_trace(&b, call, 404, part);
            }
        }
    }
}
