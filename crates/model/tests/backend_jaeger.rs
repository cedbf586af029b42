//! Jaeger backend client, pure half: exact request URLs, and real answer bodies read back (FORMATS.md §1, §2).
//!
//! Trace bodies are the project's real fixtures (`tests/fixtures/{jaeger,otlp}`), wrapped at run time in the
//! envelope the API adds. Expected counts were taken from the fixture JSON with python3, not from the importer.

use spanscope_model::backend::{
    operations_calls, parse_config, read_operations, read_search, read_services, read_trace, search_calls,
    services_calls, tag_names_calls, trace_calls, Answer, BackendConfig, BackendError, BackendKind, Call, Endpoint,
    SearchQuery,
};
use spanscope_model::{DurationNs, TimestampNs};

mod common;

/// The search window names are listed from (only Tempo sends it): 1700000000.9 s to 1700003600.000000001 s.
const W: (TimestampNs, TimestampNs) = (TimestampNs(1_700_000_000_900_000_000), TimestampNs(1_700_003_600_000_000_001));

fn backend() -> BackendConfig {
    let mut b = BackendConfig::new("prod jaeger", BackendKind::Jaeger, "https://h.example/jaeger/");
    b.headers = vec![("Authorization".into(), "Bearer t0k".into())];
    b
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

fn query() -> SearchQuery {
    SearchQuery {
        service: Some("frontend".into()),
        operation: Some("HTTP GET /dispatch".into()),
        tags: vec![],
        traceql: Some("{ ignored }".into()),
        min_duration: Some(DurationNs(1_500_000)),
        max_duration: Some(DurationNs(2_000_000_000)),
        // 2026-08-01T10:00:00.123456789Z .. 2026-08-01T11:00:00Z
        start: TimestampNs(1_785_578_400_123_456_789),
        end: TimestampNs(1_785_582_000_000_000_000),
        limit: 20,
    }
}

#[test]
fn config_to_calls_carries_base_path_and_headers() {
    let config = br#"{"backends":[{"name":"prod jaeger","kind":"jaeger","url":"https://h.example/jaeger/",
        "headers":{"Authorization":"Bearer t0k"}}]}"#;
    let b = parse_config(config).unwrap().remove(0);
    assert_eq!(b, backend());
    let calls = services_calls(&b, W);
    let urls: Vec<&str> = calls.iter().map(|c| c.request.url.as_str()).collect();
    assert_eq!(urls, ["https://h.example/jaeger/api/v3/services", "https://h.example/jaeger/api/services"]);
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::JaegerV3Services, Endpoint::JaegerV1Services]);
    assert_eq!([calls[0].last, calls[1].last], [false, true]);
    for c in &calls {
        assert_eq!(c.request.headers, vec![("Authorization".to_string(), "Bearer t0k".to_string())]);
    }
    assert!(tag_names_calls(&b).is_empty());
    // Same origin and a relative base path.
    let same = BackendConfig::new("s", BackendKind::Jaeger, "");
    assert_eq!(services_calls(&same, W)[0].request.url, "/api/v3/services");
    let rel = BackendConfig::new("r", BackendKind::Jaeger, "/jaeger/");
    assert_eq!(services_calls(&rel, W)[1].request.url, "/jaeger/api/services");
}

#[test]
fn operations_calls_encode_the_service() {
    let calls = operations_calls(&backend(), "my svc/a", W);
    assert_eq!(calls[0].request.url, "https://h.example/jaeger/api/v3/operations?service=my%20svc%2Fa");
    assert_eq!(calls[1].request.url, "https://h.example/jaeger/api/services/my%20svc%2Fa/operations");
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::JaegerV3Operations, Endpoint::JaegerV1Operations]);
}

#[test]
fn search_without_tags_asks_api_v3_then_v1() {
    let calls = search_calls(&backend(), &query());
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].endpoint, Endpoint::JaegerV3Search);
    assert_eq!(
        calls[0].request.url,
        "https://h.example/jaeger/api/v3/traces?query.service_name=frontend\
         &query.operation_name=HTTP%20GET%20%2Fdispatch\
         &query.start_time_min=2026-08-01T10%3A00%3A00.123456789Z\
         &query.start_time_max=2026-08-01T11%3A00%3A00.000000000Z\
         &query.duration_min=1.5ms&query.duration_max=2s&query.num_traces=20"
    );
    assert_eq!(calls[1].endpoint, Endpoint::JaegerV1Search);
    assert_eq!(
        calls[1].request.url,
        "https://h.example/jaeger/api/traces?service=frontend&operation=HTTP%20GET%20%2Fdispatch\
         &start=1785578400123456&end=1785582000000000&limit=20&minDuration=1.5ms&maxDuration=2s"
    );
    assert!(calls[1].last);
}

#[test]
fn search_with_tags_asks_v1_first_because_old_api_v3_ignores_attributes() {
    let q = SearchQuery {
        service: Some("frontend".into()),
        operation: None,
        tags: spanscope_model::backend::parse_tags(r#"error=true http.url="a b""#).unwrap(),
        min_duration: None,
        max_duration: None,
        start: TimestampNs(1_700_000_000_000_000_000),
        end: TimestampNs(1_700_003_600_000_000_500), // 500 ns past a whole µs: end rounds up
        limit: 0,
        ..SearchQuery::default()
    };
    let calls = search_calls(&backend(), &q);
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::JaegerV1Search, Endpoint::JaegerV3Search]);
    assert_eq!([calls[0].last, calls[1].last], [false, true]);
    // Jaeger `main` removed v1 search: its 404 (or an old UI page) sends the search on to api_v3.
    assert!(matches!(read_search(&backend(), &calls[0], 404, &fx("go_404_page_not_found.txt")), Ok(Answer::FallBack)));
    assert!(matches!(read_search(&backend(), &calls[0], 200, &fx("jaeger_ui_index.html")), Ok(Answer::FallBack)));
    assert_eq!(
        calls[0].request.url,
        "https://h.example/jaeger/api/traces?service=frontend&start=1700000000000000&end=1700003600000001\
         &tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22a%20b%22%7D"
    );
    assert_eq!(
        calls[1].request.url,
        "https://h.example/jaeger/api/v3/traces?query.service_name=frontend\
         &query.start_time_min=2023-11-14T22%3A13%3A20.000000000Z\
         &query.start_time_max=2023-11-14T23%3A13%3A20.000000500Z\
         &query.attributes=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22a%20b%22%7D"
    );
}

#[test]
fn trace_calls_pad_the_id() {
    let calls = trace_calls(&backend(), " DF84E36B9E2EE3815D07F0867A5BE1F ");
    assert_eq!(calls[0].request.url, "https://h.example/jaeger/api/v3/traces/0df84e36b9e2ee3815d07f0867a5be1f");
    assert_eq!(calls[1].request.url, "https://h.example/jaeger/api/traces/0df84e36b9e2ee3815d07f0867a5be1f");
    assert_eq!([calls[0].endpoint, calls[1].endpoint], [Endpoint::JaegerV3Trace, Endpoint::JaegerV1Trace]);
}

#[test]
fn services_and_operations_are_read_sorted_and_unique() {
    let b = backend();
    let calls = services_calls(&b, W);
    assert_eq!(
        done(read_services(&b, &calls[0], 200, &fx("jaeger_v3_services.json"))),
        strings(&["driver", "frontend"])
    );
    assert_eq!(done(read_services(&b, &calls[1], 200, &fx("jaeger_v1_services.json"))), strings(&["svc-a", "svc-b"]));
    assert_eq!(done(read_services(&b, &calls[0], 200, b"{}")), strings(&[]));
    assert_eq!(done(read_services(&b, &calls[1], 200, br#"{"data":null,"errors":null}"#)), strings(&[]));
    let ops = operations_calls(&b, "frontend", W);
    assert_eq!(done(read_operations(&b, &ops[0], 200, &fx("jaeger_v3_operations.json"))), strings(&["get_users"]));
    let two_kinds =
        br#"{"operations":[{"name":"b","spanKind":"server"},{"name":"a"},{"name":"b","spanKind":"client"}]}"#;
    assert_eq!(done(read_operations(&b, &ops[0], 200, two_kinds)), strings(&["a", "b"]));
    assert_eq!(
        done(read_operations(&b, &ops[1], 200, br#"{"data":["op2","op1"],"total":2}"#)),
        strings(&["op1", "op2"])
    );
}

#[test]
fn older_servers_make_api_v3_fall_back() {
    let b = backend();
    let calls = services_calls(&b, W);
    let v3 = &calls[0];
    // A plain 404 (Go's NotFound), the UI's index.html with 200 (old query servers), 405 and 501: no api_v3 here.
    assert_eq!(read_services(&b, v3, 404, &fx("go_404_page_not_found.txt")), Ok(Answer::FallBack));
    assert_eq!(read_services(&b, v3, 404, b""), Ok(Answer::FallBack));
    assert_eq!(read_services(&b, v3, 200, &fx("jaeger_ui_index.html")), Ok(Answer::FallBack));
    assert_eq!(read_services(&b, v3, 405, b"Method Not Allowed"), Ok(Answer::FallBack));
    assert_eq!(read_services(&b, v3, 501, b""), Ok(Answer::FallBack));
    // An api_v3 error body proves the endpoint exists: that is an answer, not a reason to fall back.
    let e = read_services(&b, v3, 500, br#"{"error":{"httpCode":500,"message":"storage unavailable"}}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "prod jaeger: HTTP 500 Internal Server Error from https://h.example/jaeger/api/v3/services: \
         \"storage unavailable\". The backend failed: try again, or narrow the search"
    );
    // Statuses that say nothing about the endpoint do not fall back either.
    assert!(matches!(read_services(&b, v3, 401, b"no"), Err(BackendError::Status { status: 401, .. })));
    assert!(matches!(read_services(&b, v3, 503, b""), Err(BackendError::Status { status: 503, .. })));
}

#[test]
fn the_last_alternative_never_falls_back() {
    let b = backend();
    let v1 = &services_calls(&b, W)[1];
    let e = read_services(&b, v1, 404, &fx("go_404_page_not_found.txt")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "prod jaeger: HTTP 404 Not Found from https://h.example/jaeger/api/services: \"404 page not found\". \
         The backend has no such endpoint at this address: check `url` in config.json, including any base path \
         (such as /jaeger)"
    );
    let e = read_services(&b, v1, 200, &fx("jaeger_ui_index.html")).unwrap_err();
    assert!(matches!(e, BackendError::Malformed { status: 200, endpoint: Endpoint::JaegerV1Services, .. }), "{e:?}");
    assert!(e.to_string().starts_with(
        "prod jaeger: the answer from https://h.example/jaeger/api/services (HTTP 200) is not a Jaeger JSON \
         envelope {\"data\":[\"…\"]}: it is an HTML page"
    ));
}

#[test]
fn api_v3_404_no_traces_found_is_an_empty_result() {
    let b = backend();
    let body = fx("jaeger_v3_error_no_traces_found.json");
    let calls = search_calls(&b, &query());
    let r = done(read_search(&b, &calls[0], 404, &body));
    assert!(r.summaries.is_empty() && r.traces.is_empty());
    // Also when api_v3 is the last alternative (searches with tags), and for older servers' wording.
    let mut q = query();
    q.tags = vec![("error".into(), "true".into())];
    let calls = search_calls(&b, &q);
    assert!(calls[1].last && calls[1].endpoint == Endpoint::JaegerV3Search);
    assert!(done(read_search(&b, &calls[1], 404, &body)).summaries.is_empty());
    let old = br#"{"error":{"httpCode":404,"message":"trace not found"}}"#;
    assert!(done(read_search(&b, &calls[1], 404, old)).summaries.is_empty());
    // An old server without api_v3 answers the tags search on v1, where no hits is an empty 200.
    assert!(done(read_search(&b, &calls[0], 200, br#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#))
        .summaries
        .is_empty());
    // An old api_v3 that answers an empty 200.
    let no_tags = search_calls(&b, &query());
    assert!(done(read_search(&b, &no_tags[0], 200, br#"{"result":{}}"#)).summaries.is_empty());
}

/// The two real OTLP captures as one api_v3 search answer: one `result` mixing spans of both traces.
fn v3_search_body() -> Vec<u8> {
    let strip = |rel: &str| {
        let t = text(rel);
        let t = t.trim();
        let inner = t.strip_prefix('{').unwrap().strip_suffix('}').unwrap().trim();
        let list = inner.strip_prefix("\"resourceSpans\"").unwrap().trim_start().strip_prefix(':').unwrap().trim();
        list.strip_prefix('[').unwrap().strip_suffix(']').unwrap().to_string()
    };
    let hotrod = strip("otlp/jaeger-pr9263_hotrod_n_plus_one_full_concurrent.json");
    let demo = strip("otlp/jaeger-pr9263_oteldemo_error_timeout_masked.json");
    format!("{{\"result\":{{\"resourceSpans\":[{demo},{hotrod}]}}}}").into_bytes()
}

fn svc(list: &[(&str, u32, u32)]) -> Vec<(String, u32, u32)> {
    list.iter().map(|(s, n, e)| (s.to_string(), *n, *e)).collect()
}

/// The app imports a large search answer off its thread between `check_search` and `search_from_import`: the
/// two halves give what `read_search` gives.
#[test]
fn read_search_is_check_then_import_then_from_import() {
    use spanscope_model::backend::{check_search, search_from_import, SearchAnswer};
    let b = backend();
    let calls = search_calls(&b, &query());
    let good = v3_search_body();
    let cut = good[..good.len() / 2].to_vec();
    let cases: Vec<(usize, u16, Vec<u8>, &str)> = vec![
        (0, 200, good, "2 traces"),
        (0, 200, cut, "malformed"),
        (0, 200, br#"{"result":{}}"#.to_vec(), "0 traces"),
        (0, 404, br#"{"error":{"httpCode":404,"message":"No traces found"}}"#.to_vec(), "0 traces"),
        (0, 404, fx("go_404_page_not_found.txt"), "fall back"),
        (0, 500, b"boom".to_vec(), "error"),
    ];
    let shape = |r: Result<Answer<spanscope_model::backend::SearchResults>, BackendError>| match r {
        Ok(Answer::Done(s)) => format!("{} traces", s.summaries.len()),
        Ok(Answer::FallBack) => "fall back".to_string(),
        Err(BackendError::Malformed { .. }) => "malformed".to_string(),
        Err(_) => "error".to_string(),
    };
    for (i, status, body, want) in cases {
        let call = &calls[i];
        let halves = check_search(&b, call, status, &body).and_then(|a| match a {
            Answer::FallBack => Ok(Answer::FallBack),
            Answer::Done(SearchAnswer::Results(r)) => Ok(Answer::Done(r)),
            Answer::Done(SearchAnswer::ImportTraces) => {
                let imported = spanscope_model::import(&body).map_err(|e| e.to_string());
                search_from_import(&b, call, status, &body, imported).map(Answer::Done)
            }
        });
        assert_eq!(shape(read_search(&b, call, status, &body)), want, "read_search, HTTP {status}");
        assert_eq!(shape(halves), want, "the halves, HTTP {status}");
    }
}

#[test]
fn an_api_v3_search_with_two_traces_gives_two_summaries_most_recent_first() {
    let b = backend();
    let calls = search_calls(&b, &query());
    let r = done(read_search(&b, &calls[0], 200, &v3_search_body()));
    assert_eq!(r.summaries.len(), 2);
    assert_eq!(r.traces.len(), 2);
    let hotrod = &r.summaries[0];
    assert_eq!(hotrod.trace_id, "1a4e4a7b270e9f2a0f716e3ee115218a");
    assert_eq!((hotrod.root_service.as_str(), hotrod.root_name.as_str()), ("frontend", "GET /dispatch"));
    assert_eq!(hotrod.start, TimestampNs(1_787_132_404_504_889_477));
    assert_eq!(hotrod.duration, DurationNs(1_787_132_405_198_888_806 - 1_787_132_404_504_889_477));
    assert_eq!((hotrod.span_count, hotrod.error_count), (40, 3));
    assert_eq!(
        hotrod.services,
        svc(&[
            ("redis-manual", 14, 3),
            ("frontend", 13, 0),
            ("route", 10, 0),
            ("customer", 1, 0),
            ("driver", 1, 0),
            ("mysql", 1, 0)
        ])
    );
    let demo = &r.summaries[1];
    assert_eq!(demo.trace_id, "3e241b731fcf87976a3d50f5a7cc4d94");
    assert_eq!((demo.root_service.as_str(), demo.root_name.as_str()), ("load-generator", "user_checkout_multi"));
    assert_eq!(demo.start, TimestampNs(1_786_060_425_527_853_051));
    assert_eq!(demo.duration, DurationNs(1_786_060_440_608_555_014 - 1_786_060_425_527_853_051));
    assert_eq!((demo.span_count, demo.error_count), (26, 2));
    assert_eq!(
        demo.services,
        svc(&[
            ("frontend", 10, 0),
            ("cart", 6, 0),
            ("frontend-proxy", 6, 2),
            ("load-generator", 2, 0),
            ("product-catalog", 2, 0)
        ])
    );
    // The traces come in the order of the summaries.
    assert_eq!(r.traces[0].id_text(), "1a4e4a7b270e9f2a0f716e3ee115218a");
    assert_eq!(r.traces[1].len(), 26);
}

#[test]
fn traces_sharing_a_start_are_ordered_by_id() {
    // Jaeger's memory-storage fixture: two traces, 128-bit ids with a zero low half, same start.
    let b = backend();
    let calls = search_calls(&b, &query());
    let body = format!("{{\"result\":{}}}", text("otlp/jaeger_memory_otel_traces_01.json"));
    let r = done(read_search(&b, &calls[0], 200, body.as_bytes()));
    let ids: Vec<&str> = r.summaries.iter().map(|s| s.trace_id.as_str()).collect();
    assert_eq!(ids, ["00000000000000010000000000000000", "00000000000000020000000000000000"]);
    for s in &r.summaries {
        assert_eq!((s.span_count, s.error_count), (2, 2));
        assert_eq!(s.services, svc(&[("service-x", 2, 2)]));
        assert_eq!(s.start, TimestampNs(1_485_467_191_639_875_000));
    }
}

#[test]
fn a_v1_search_envelope_gives_summaries_with_padded_ids() {
    let b = backend();
    let calls = search_calls(&b, &query());
    let body = format!(
        "{{\"data\":[{},{}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}}",
        text("jaeger/jaeger_ui_01.json"),
        text("jaeger/jaeger-ui_spanAmongEachOtherGroupedAndSpans.json")
    );
    let r = done(read_search(&b, &calls[1], 200, body.as_bytes()));
    assert_eq!(r.summaries.len(), 2);
    let newer = &r.summaries[0];
    assert_eq!(newer.trace_id, "0df84e36b9e2ee3815d07f0867a5be1f"); // 31 hex digits on the wire
    assert_eq!(newer.start, TimestampNs(1_573_131_432_955_000_000));
    assert_eq!(newer.duration, DurationNs(3_720_000));
    assert_eq!((newer.span_count, newer.error_count), (17, 0));
    assert_eq!(newer.services, svc(&[("customers-service", 15, 0), ("api-gateway", 2, 0)]));
    let older = &r.summaries[1];
    assert_eq!(older.trace_id, "00000000000000000000000000000001"); // 16 hex digits on the wire
    assert_eq!(older.start, TimestampNs(1_485_467_191_639_875_000));
    assert_eq!((older.span_count, older.error_count), (5, 1));
    assert_eq!(older.services, svc(&[("service-y", 3, 0), ("service-x", 2, 1)]));
}

#[test]
fn v1_errors_carry_the_server_message() {
    let b = backend();
    let mut q = query();
    q.service = None;
    let calls = search_calls(&b, &q);
    let e = read_search(&b, &calls[1], 400, &fx("jaeger_v1_error_envelope.json")).unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.url(), Some(calls[1].request.url.as_str()));
    assert_eq!(
        e.to_string(),
        format!(
            "prod jaeger: HTTP 400 Bad Request from {}: \"parameter 'service' is required\". The backend rejected the \
             request; its message says which parameter",
            calls[1].request.url
        )
    );
    // A 200 that carries only errors is not an empty result.
    let e = read_search(&b, &calls[1], 200, &fx("jaeger_v1_error_envelope.json")).unwrap_err();
    assert!(
        matches!(&e, BackendError::Status { status: 200, server_message: Some(m), .. } if m == "parameter 'service' is required"),
        "{e:?}"
    );
}

#[test]
fn status_errors_give_hints() {
    let b = backend();
    let call = &services_calls(&b, W)[1];
    let e = read_services(&b, call, 401, b"Unauthorized\n").unwrap_err().to_string();
    assert_eq!(
        e,
        "prod jaeger: HTTP 401 Unauthorized from https://h.example/jaeger/api/services: \"Unauthorized\". Check \
         `headers` of backend \"prod jaeger\" in config.json (credentials, tenant such as X-Scope-OrgID)"
    );
    let e = read_services(&b, call, 429, b"").unwrap_err().to_string();
    assert_eq!(
        e,
        "prod jaeger: HTTP 429 Too Many Requests from https://h.example/jaeger/api/services. The backend is rate \
         limiting requests: wait a moment and try again"
    );
    let e = read_services(&b, call, 502, b"<html><head><title>502 Bad Gateway</title></head></html>").unwrap_err();
    assert_eq!(
        e.to_string(),
        "prod jaeger: HTTP 502 Bad Gateway from https://h.example/jaeger/api/services: \"502 Bad Gateway\". The \
         backend, or a proxy in front of it, is unavailable: try again later"
    );
    let e = read_services(&b, call, 418, b"teapot").unwrap_err().to_string();
    assert_eq!(e, "prod jaeger: HTTP 418 from https://h.example/jaeger/api/services: \"teapot\"");
}

#[test]
fn traces_are_read_from_api_v3_or_v1() {
    let b = backend();
    let calls = trace_calls(&b, "1");
    let v3 = done(read_trace(&b, &calls[0], 200, &common::fixture("otlp/jaeger_apiv3_GetTrace.json")));
    assert_eq!(v3.len(), 1);
    assert_eq!(v3[0].len(), 1);
    assert_eq!(v3[0].id_text(), "00000000000000000000000000000001");
    let v1_body = format!(
        "{{\"data\":[{}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}}",
        text("jaeger/jaeger_ui_01.json")
    );
    let v1 = done(read_trace(&b, &calls[1], 200, v1_body.as_bytes()));
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].len(), 5);
}

/// The app imports a large answer off its thread between `check_trace` and `trace_from_import`: the two halves
/// give what `read_trace` gives, for answers, failures and fall-backs alike.
#[test]
fn read_trace_is_check_then_import_then_from_import() {
    use spanscope_model::backend::{check_trace, trace_from_import};
    let b = backend();
    let calls = trace_calls(&b, "1");
    let good = common::fixture("otlp/jaeger_apiv3_GetTrace.json");
    let cut = &good[..good.len() / 2];
    let empty_v1 = br#"{"data":[],"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}"#;
    let cases: [(usize, u16, &[u8]); 6] = [
        (0, 200, &good),
        (0, 200, cut),
        (1, 200, empty_v1),
        (0, 404, b"404 page not found\n"),
        (0, 500, b"boom"),
        (0, 200, b"<!doctype html><html></html>"),
    ];
    for (i, status, body) in cases {
        let call = &calls[i];
        let whole = read_trace(&b, call, status, body);
        let halves = check_trace(&b, call, status, body).and_then(|a| match a {
            Answer::FallBack => Ok(Answer::FallBack),
            Answer::Done(()) => {
                let imported = spanscope_model::import(body).map_err(|e| e.to_string());
                trace_from_import(&b, call, status, body, imported).map(Answer::Done)
            }
        });
        let shape = |r: &Result<Answer<Vec<spanscope_model::Trace>>, BackendError>| match r {
            Ok(Answer::Done(t)) => format!("done {}", t.iter().map(|t| t.len()).sum::<usize>()),
            Ok(Answer::FallBack) => "fall back".to_string(),
            Err(e) => format!("error {e}"),
        };
        assert_eq!(shape(&whole), shape(&halves), "call {i}, HTTP {status}");
    }
    // Each kind of outcome is among the cases.
    let outcome = |i: usize, status: u16, body: &[u8]| {
        let s = match read_trace(&b, &calls[i], status, body) {
            Ok(Answer::Done(_)) => "done",
            Ok(Answer::FallBack) => "fall back",
            Err(BackendError::NotFound { .. }) => "not found",
            Err(BackendError::Malformed { .. }) => "malformed",
            Err(_) => "other error",
        };
        s.to_string()
    };
    assert_eq!(outcome(0, 200, &good), "done");
    assert_eq!(outcome(0, 200, cut), "malformed");
    assert_eq!(outcome(1, 200, empty_v1), "not found");
    assert_eq!(outcome(0, 404, b"404 page not found\n"), "fall back");
}

#[test]
fn a_missing_trace_is_not_found_and_never_falls_back_forever() {
    let b = backend();
    let calls = trace_calls(&b, "abc");
    let id = "00000000000000000000000000000abc";
    // api_v3 exists and says the trace is not there: NotFound at once.
    let e = read_trace(&b, &calls[0], 404, br#"{"error":{"httpCode":404,"message":"trace not found"}}"#).unwrap_err();
    assert_eq!(
        e,
        BackendError::NotFound {
            backend: "prod jaeger".into(),
            url: format!("https://h.example/jaeger/api/v3/traces/{id}"),
            status: 404,
            trace_id: id.into(),
            server_message: Some("trace not found".into()),
        }
    );
    assert_eq!(
        e.to_string(),
        format!(
            "prod jaeger: trace {id} was not found (HTTP 404 from https://h.example/jaeger/api/v3/traces/{id}: \
             \"trace not found\"). It may never have been stored, or it has expired from the backend's storage \
             (retention)."
        )
    );
    // No api_v3 (plain 404, or the UI's page): try v1, whose 404 is final.
    assert!(matches!(read_trace(&b, &calls[0], 404, &fx("go_404_page_not_found.txt")), Ok(Answer::FallBack)));
    assert!(matches!(read_trace(&b, &calls[0], 200, &fx("jaeger_ui_index.html")), Ok(Answer::FallBack)));
    let e = read_trace(
        &b,
        &calls[1],
        404,
        br#"{"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found"}]}"#,
    )
    .unwrap_err();
    assert!(
        matches!(&e, BackendError::NotFound { status: 404, trace_id, server_message: Some(m), .. } if trace_id == id && m == "trace not found"),
        "{e:?}"
    );
    let e = read_trace(&b, &calls[1], 404, &fx("go_404_page_not_found.txt")).unwrap_err();
    assert!(matches!(e, BackendError::NotFound { .. }), "{e:?}");
    // An empty 200 is malformed; a 200 without spans is not a trace either.
    let e = read_trace(&b, &calls[1], 200, b" ").unwrap_err();
    assert!(e.to_string().ends_with("is not a Jaeger JSON envelope {\"data\":[traces…]}: the body is empty"), "{e}");
    let e = read_trace(&b, &calls[1], 200, br#"{"data":[],"total":0,"limit":0,"offset":0,"errors":null}"#).unwrap_err();
    assert!(matches!(e, BackendError::NotFound { status: 200, .. }), "{e:?}");
}

#[test]
fn readers_refuse_answers_of_other_endpoints() {
    let b = backend();
    let call = &services_calls(&b, W)[0];
    let e = read_search(&b, call, 200, b"{}").unwrap_err();
    assert_eq!(e, BackendError::WrongReader { endpoint: Endpoint::JaegerV3Services, reader: "read_search" });
    assert_eq!(e.status(), None);
    assert!(read_trace(&b, call, 200, b"{}").is_err());
    assert!(read_operations(&b, &search_calls(&b, &query())[0], 200, b"{}").is_err());
}

#[test]
fn malformed_bodies_are_errors_that_name_the_endpoint() {
    let b = backend();
    let calls = services_calls(&b, W);
    let e = read_services(&b, &calls[0], 200, br#"{"services":5}"#).unwrap_err();
    assert!(matches!(e, BackendError::Malformed { endpoint: Endpoint::JaegerV3Services, .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "prod jaeger: the answer from https://h.example/jaeger/api/v3/services (HTTP 200) is not JSON \
         {\"services\":[…]}: invalid type: integer `5`, expected a sequence at line 1 column 13"
    );
    let e = read_services(&b, &calls[0], 200, b"").unwrap_err();
    assert!(e.to_string().ends_with(": the body is empty"), "{e}");
    let s = search_calls(&b, &query());
    let e =
        read_search(&b, &s[0], 200, br#"{"result":{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}}"#)
            .unwrap_err();
    assert!(matches!(e, BackendError::Malformed { endpoint: Endpoint::JaegerV3Search, .. }), "{e:?}");
}

/// Every prefix of every body, read as every Jaeger endpoint with every interesting status: errors, never panics.
#[test]
fn truncated_bodies_never_panic() {
    let b = backend();
    let mut calls: Vec<Call> = services_calls(&b, W);
    calls.extend(operations_calls(&b, "frontend", W));
    calls.extend(search_calls(&b, &query()));
    calls.extend(trace_calls(&b, "1"));
    let bodies = [
        fx("jaeger_v3_services.json"),
        fx("jaeger_v3_operations.json"),
        fx("jaeger_v1_error_envelope.json"),
        fx("jaeger_v3_error_no_traces_found.json"),
        common::fixture("otlp/jaeger_apiv3_GetTrace.json"),
        common::fixture("jaeger/jaeger-ui_otlp2jaeger-out.json"),
    ];
    for body in &bodies {
        for cut in 0..body.len() {
            for status in [200, 404] {
                for call in &calls {
                    let part = &body[..cut];
                    let _ = read_services(&b, call, status, part);
                    let _ = read_operations(&b, call, status, part);
                    let _ = read_search(&b, call, status, part);
                    let _ = read_trace(&b, call, status, part);
                }
            }
        }
    }
}
