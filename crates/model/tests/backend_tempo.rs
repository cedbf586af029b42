//! Tempo backend client, pure half: exact request URLs, and answer bodies read back (FORMATS.md §3.5).
//!
//! Search answers are the FORMATS.md examples (`tests/fixtures/backend/tempo_search_response.json`: a 32-, a 16-
//! and a 31-character `traceID`, `durationMs` missing); trace bodies are the project's Tempo fixtures.

use spanscope_model::backend::{
    operations_calls, parse_config, partial_trace_message, read_operations, read_search, read_services, read_tag_names,
    read_trace, search_calls, services_calls, tag_names_calls, trace_calls, Answer, BackendConfig, BackendError,
    BackendKind, Call, Endpoint, SearchQuery, TraceSummary,
};
use spanscope_model::{DurationNs, TimestampNs};

mod common;

/// The search window names are listed from (only Tempo sends it): 1700000000.9 s to 1700003600.000000001 s.
const W: (TimestampNs, TimestampNs) = (TimestampNs(1_700_000_000_900_000_000), TimestampNs(1_700_003_600_000_000_001));

fn backend() -> BackendConfig {
    let config =
        br#"{"backends":[{"name":"tempo","kind":"tempo","url":"/tempo/","headers":{"X-Scope-OrgID":"team-a"}}]}"#;
    parse_config(config).unwrap().remove(0)
}

fn fx(name: &str) -> Vec<u8> {
    common::fixture(&format!("backend/{name}"))
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

fn urls(calls: &[Call]) -> Vec<&str> {
    calls.iter().map(|c| c.request.url.as_str()).collect()
}

#[test]
fn every_request_carries_the_tenant_header() {
    let b = backend();
    assert_eq!(b.url, "/tempo");
    let q = SearchQuery::default();
    let all: Vec<Call> = [
        services_calls(&b, W),
        operations_calls(&b, "cart", W),
        search_calls(&b, &q),
        trace_calls(&b, "1"),
        tag_names_calls(&b),
    ]
    .concat();
    assert_eq!(all.len(), 8);
    for c in &all {
        assert_eq!(c.request.headers, vec![("X-Scope-OrgID".to_string(), "team-a".to_string())]);
        assert!(c.request.url.starts_with("/tempo/api/"), "{}", c.request.url);
    }
}

#[test]
fn services_are_tag_values_v2_then_v1() {
    let b = backend();
    let calls = services_calls(&b, W);
    assert_eq!(
        urls(&calls),
        [
            "/tempo/api/v2/search/tag/resource.service.name/values?start=1700000000&end=1700003601",
            "/tempo/api/search/tag/service.name/values?start=1700000000&end=1700003601"
        ],
        "over the search window: without one Tempo lists recent data only"
    );
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::TempoV2TagValues, Endpoint::TempoTagValues]);
    assert_eq!([calls[0].last, calls[1].last], [false, true]);
    let want = strings(&["cart-service", "frontend"]);
    assert_eq!(done(read_services(&b, &calls[0], 200, &fx("tempo_tag_values_v2.json"))), want);
    assert_eq!(done(read_services(&b, &calls[1], 200, &fx("tempo_tag_values_v1.json"))), want);
    // Either shape from either endpoint, and an empty answer (jsonpb omits empty lists).
    assert_eq!(done(read_services(&b, &calls[0], 200, &fx("tempo_tag_values_v1.json"))), want);
    assert_eq!(done(read_services(&b, &calls[1], 200, br#"{"metrics":{}}"#)), strings(&[]));
    // Tempo before 2.2 has no v2 tag values.
    assert!(matches!(read_services(&b, &calls[0], 404, &fx("go_404_page_not_found.txt")), Ok(Answer::FallBack)));
    let e = read_services(&b, &calls[1], 404, &fx("go_404_page_not_found.txt")).unwrap_err();
    assert!(matches!(e, BackendError::Status { status: 404, .. }), "{e:?}");
}

#[test]
fn operations_are_span_names_filtered_by_service() {
    let b = backend();
    let calls = operations_calls(&b, "cart \"eu\"", W);
    assert_eq!(
        urls(&calls),
        [
            "/tempo/api/v2/search/tag/name/values?q=%7Bresource.service.name%3D%22cart%20%5C%22eu%5C%22%22%7D\
             &start=1700000000&end=1700003601",
            "/tempo/api/search/tag/name/values?start=1700000000&end=1700003601"
        ]
    );
    assert_eq!(
        done(read_operations(
            &b,
            &calls[0],
            200,
            br#"{"tagValues":[{"type":"string","value":"GET /cart"},{"type":"string","value":"AddItem"}]}"#
        )),
        strings(&["AddItem", "GET /cart"])
    );
    // A server that refuses the `q` filter: fall back to the unfiltered v1 list.
    assert!(matches!(read_operations(&b, &calls[0], 400, b"invalid TraceQL query"), Ok(Answer::FallBack)));
    let e = read_operations(&b, &calls[1], 400, b"bad").unwrap_err();
    assert!(matches!(e, BackendError::Status { status: 400, .. }), "{e:?}");
}

#[test]
fn search_sends_logfmt_tags_durations_limit_and_whole_seconds() {
    let b = backend();
    let q = SearchQuery {
        service: Some("cart".into()),
        operation: Some("GET /cart".into()),
        tags: spanscope_model::backend::parse_tags(r#"http.url="a b" error=true"#).unwrap(),
        traceql: None,
        min_duration: Some(DurationNs(100_000_000)),
        max_duration: Some(DurationNs(1_500_000_000)),
        start: TimestampNs(1_700_000_000_900_000_000), // floor → 1700000000
        end: TimestampNs(1_700_003_600_000_000_001),   // ceil → 1700003601
        limit: 20,
    };
    let calls = search_calls(&b, &q);
    assert_eq!(calls.len(), 1);
    assert!(calls[0].last);
    assert_eq!(calls[0].endpoint, Endpoint::TempoSearch);
    assert_eq!(
        calls[0].request.url,
        "/tempo/api/search?tags=service.name%3Dcart%20name%3D%22GET%20%2Fcart%22%20http.url%3D%22a%20b%22%20error%3Dtrue\
         &minDuration=100ms&maxDuration=1500ms&limit=20&start=1700000000&end=1700003601"
    );
    // Tempo keeps whole milliseconds of durations: the bounds are rounded outwards (a maximum under 1 ms would
    // otherwise be 0, no maximum at all), and a minimum under 1 ms is none.
    let sub_ms = SearchQuery {
        min_duration: Some(DurationNs(500_000)),
        max_duration: Some(DurationNs(1_900_000)),
        ..SearchQuery::default()
    };
    assert!(search_calls(&b, &sub_ms)[0].request.url.starts_with("/tempo/api/search?maxDuration=2ms&"));
    let tiny = SearchQuery { max_duration: Some(DurationNs(900_000)), ..SearchQuery::default() };
    assert!(search_calls(&b, &tiny)[0].request.url.starts_with("/tempo/api/search?maxDuration=1ms&"));
    // TraceQL replaces service, operation and tags.
    let tq = SearchQuery { traceql: Some(" { span.http.status_code = 500 } ".into()), ..q.clone() };
    assert_eq!(
        search_calls(&b, &tq)[0].request.url,
        "/tempo/api/search?q=%7B%20span.http.status_code%20%3D%20500%20%7D&minDuration=100ms&maxDuration=1500ms\
         &limit=20&start=1700000000&end=1700003601"
    );
    // Nothing to filter on: no `tags` at all.
    let bare =
        SearchQuery { start: TimestampNs(1_000_000_000), end: TimestampNs(2_000_000_000), ..SearchQuery::default() };
    assert_eq!(search_calls(&b, &bare)[0].request.url, "/tempo/api/search?limit=20&start=1&end=2");
}

fn svc(list: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    list.iter().map(|(s, n, e)| (s.to_string(), *n, *e)).collect()
}

#[test]
fn search_metadata_becomes_summaries_with_padded_ids() {
    let b = backend();
    let call = &search_calls(&b, &SearchQuery::default())[0];
    let r = done(read_search(&b, call, 200, &fx("tempo_search_response.json")));
    assert!(r.traces.is_empty(), "Tempo sends no spans in a search");
    assert_eq!(
        r.summaries,
        vec![
            TraceSummary {
                trace_id: "0f3e0cee77ae5dc9c17ade3689eb2e54".into(), // 31 digits on the wire
                root_service: "<root span not yet received>".into(),
                root_name: String::new(),
                start: TimestampNs(1_684_778_327_799_392_724),
                duration: DurationNs(0), // durationMs absent: under 1 ms
                span_count: 11,
                error_count: 3,
                services: svc(&[("frontend", 5, 2), ("auth", 3, 1), ("cart", 3, 0)]),
            },
            TraceSummary {
                trace_id: "2f3e0cee77ae5dc9c17ade3689eb2e54".into(),
                root_service: "shop-backend".into(),
                root_name: "update-billing".into(),
                start: TimestampNs(1_684_778_327_699_392_724),
                duration: DurationNs(557_000_000),
                span_count: 12,
                error_count: 1,
                services: svc(&[("shop-backend", 12, 1)]),
            },
            TraceSummary {
                trace_id: "0000000000000000d6e9329d67b6146a".into(), // 16 digits on the wire
                root_service: "frontend".into(),
                root_name: "/cart".into(),
                start: TimestampNs(1_634_727_903_545_000_000),
                duration: DurationNs(611_000_000),
                span_count: 0, // no serviceStats: unknown
                error_count: 0,
                services: vec![],
            },
        ]
    );
    // No hits: `traces` omitted or empty.
    assert!(done(read_search(&b, call, 200, br#"{"metrics":{"inspectedTraces":0}}"#)).summaries.is_empty());
    assert!(done(read_search(&b, call, 200, br#"{"traces":[],"metrics":{}}"#)).summaries.is_empty());
}

#[test]
fn search_errors_carry_tempos_plain_text_message() {
    let b = backend();
    let call = &search_calls(&b, &SearchQuery::default())[0];
    let body = b"invalid TraceQL query: parse error at line 1, col 3: syntax error: unexpected IDENTIFIER\n";
    let e = read_search(&b, call, 400, body).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "tempo: HTTP 400 Bad Request from {}: \"invalid TraceQL query: parse error at line 1, col 3: syntax error: \
             unexpected IDENTIFIER\". The backend rejected the request; its message says which parameter",
            call.request.url
        )
    );
    // Tempo's own search is the only alternative: a 404 is an error, not a fallback.
    assert!(matches!(
        read_search(&b, call, 404, &fx("go_404_page_not_found.txt")),
        Err(BackendError::Status { status: 404, .. })
    ));
}

#[test]
fn malformed_search_answers_say_where() {
    let b = backend();
    let call = &search_calls(&b, &SearchQuery::default())[0];
    let e = read_search(&b, call, 200, br#"{"traces":[{"traceID":"2f3e"},{"traceID":"xyz"}]}"#).unwrap_err();
    assert!(matches!(e, BackendError::Malformed { endpoint: Endpoint::TempoSearch, .. }), "{e:?}");
    assert!(
        e.to_string().ends_with(
            "is not a Tempo search response {\"traces\":[…]}: traces[1]: trace id `xyz` contains `x`, which is not a \
         hexadecimal digit; expected 16 or 32 of 0-9 and a-f"
        ),
        "{e}"
    );
    let e = read_search(&b, call, 200, br#"{"traces":[{"traceID":"1","startTimeUnixNano":"soon"}]}"#).unwrap_err();
    assert!(e.to_string().ends_with("traces[0]: startTimeUnixNano \"soon\" is not an integer"), "{e}");
    assert!(read_search(&b, call, 200, br#"{"traces":5}"#).is_err());
    // A start time as a number is accepted.
    let r = done(read_search(&b, call, 200, br#"{"traces":[{"traceID":"1","startTimeUnixNano":1000}]}"#));
    assert_eq!(r.summaries[0].start, TimestampNs(1000));
}

#[test]
fn tag_names_are_sorted_and_unique() {
    let b = backend();
    let calls = tag_names_calls(&b);
    assert_eq!(urls(&calls), ["/tempo/api/search/tags"]);
    assert_eq!(
        done(read_tag_names(&b, &calls[0], 200, &fx("tempo_search_tags.json"))),
        strings(&["http.method", "http.status_code", "name", "service.name"])
    );
    let v2 = br#"{"scopes":[{"name":"resource","tags":["service.name"]},{"name":"span","tags":["http.url"]}]}"#;
    assert_eq!(done(read_tag_names(&b, &calls[0], 200, v2)), strings(&["http.url", "service.name"]));
    let jaeger = BackendConfig::new("j", BackendKind::Jaeger, "");
    let zipkin = BackendConfig::new("z", BackendKind::Zipkin, "");
    assert!(tag_names_calls(&jaeger).is_empty() && tag_names_calls(&zipkin).is_empty());
}

#[test]
fn traces_are_read_from_v2_then_v1() {
    let b = backend();
    let calls = trace_calls(&b, "D6E9329D67B6146A");
    assert_eq!(
        urls(&calls),
        ["/tempo/api/v2/traces/0000000000000000d6e9329d67b6146a", "/tempo/api/traces/0000000000000000d6e9329d67b6146a"]
    );
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::TempoV2Trace, Endpoint::TempoV1Trace]);
    // v2 answer {"trace":…,"status":"PARTIAL"}: the trace, and the notice.
    let body = common::fixture("tempo/synthetic_tempo_v2_trace_envelope.json");
    let t = done(read_trace(&b, &calls[0], 200, &body));
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].len(), 2);
    assert_eq!(
        partial_trace_message(&calls[0], &body).as_deref(),
        Some("response larger than the max; some spans were dropped")
    );
    assert_eq!(partial_trace_message(&calls[1], &body), None);
    // v1 answer {"batches":…}.
    let t = done(read_trace(&b, &calls[1], 200, &common::fixture("tempo/tempopb_trace.json")));
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].len(), 1);
    assert_eq!(partial_trace_message(&calls[0], &common::fixture("tempo/tempopb_trace.json")), None);
}

#[test]
fn older_tempo_falls_back_and_a_missing_trace_is_not_found() {
    let b = backend();
    let calls = trace_calls(&b, "d6e9329d67b6146a");
    // Tempo < 2.6 has no /api/v2/traces: its router's plain 404.
    assert!(matches!(read_trace(&b, &calls[0], 404, &fx("go_404_page_not_found.txt")), Ok(Answer::FallBack)));
    // Tempo ≥ 2.6 answers an unknown id on v2 with 200 and an empty trace: not found, no fallback.
    let e = read_trace(&b, &calls[0], 200, &fx("tempo_v2_trace_not_found.json")).unwrap_err();
    assert_eq!(
        e,
        BackendError::NotFound {
            backend: "tempo".into(),
            url: "/tempo/api/v2/traces/0000000000000000d6e9329d67b6146a".into(),
            status: 200,
            trace_id: "0000000000000000d6e9329d67b6146a".into(),
            server_message: None,
        }
    );
    // The last alternative's 404 is final.
    let e = read_trace(&b, &calls[1], 404, b"trace not found\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "tempo: trace 0000000000000000d6e9329d67b6146a was not found (HTTP 404 from \
         /tempo/api/traces/0000000000000000d6e9329d67b6146a: \"trace not found\"). It may never have been stored, or \
         it has expired from the backend's storage (retention)."
    );
    // Other failures are errors with the server's words.
    let e = read_trace(&b, &calls[0], 401, b"no org id\n").unwrap_err();
    assert!(e.to_string().contains("\"no org id\". Check `headers` of backend \"tempo\""), "{e}");
}

/// Every prefix of every body, read as every Tempo endpoint: errors, never panics.
#[test]
fn truncated_bodies_never_panic() {
    let b = backend();
    let calls: Vec<Call> = [
        services_calls(&b, W),
        operations_calls(&b, "cart", W),
        search_calls(&b, &SearchQuery::default()),
        trace_calls(&b, "1"),
        tag_names_calls(&b),
    ]
    .concat();
    let bodies = [
        fx("tempo_search_response.json"),
        fx("tempo_search_tags.json"),
        fx("tempo_tag_values_v2.json"),
        common::fixture("tempo/synthetic_tempo_v2_trace_envelope.json"),
    ];
    for body in &bodies {
        for cut in 0..body.len() {
            let part = &body[..cut];
            for status in [200, 404] {
                for call in &calls {
                    let _ = read_services(&b, call, status, part);
                    let _ = read_search(&b, call, status, part);
                    let _ = read_trace(&b, call, status, part);
                    let _ = read_tag_names(&b, call, status, part);
                    let _ = partial_trace_message(call, part);
                }
            }
        }
    }
}
