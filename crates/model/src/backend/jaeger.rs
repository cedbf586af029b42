//! Jaeger's query APIs: api_v3 (OTLP JSON; Jaeger ≥ 1.53 and v2) first, the v1 "UI" API as the fallback for
//! older servers. Query names are snake_case (`query.service_name`, …), which every api_v3 version accepts; v3
//! times are RFC 3339 with nanoseconds, v1 `start`/`end` are µs; durations are Go duration strings. v1's
//! search and services/operations routes were removed from Jaeger `main` after v2.20 (FORMATS.md §1.1), so v1
//! only comes first for a search with tags: api_v3 before v2.19 silently ignores `query.attributes` on GET.

use super::wire::{go_duration_from_duration, json_object_from_tags, percent_encode, rfc3339_from_timestamp, Query};
use super::wire::{unix_us_ceil, unix_us_floor};
use super::{calls, sorted_names, Answer, BackendConfig, BackendError, Call, Endpoint, Response, SearchQuery};
use super::{SearchAnswer, SearchResults};
use serde::Deserialize;

pub(super) fn services_calls(b: &BackendConfig) -> Vec<Call> {
    calls(
        b,
        vec![
            ("/api/v3/services".into(), Endpoint::JaegerV3Services),
            ("/api/services".into(), Endpoint::JaegerV1Services),
        ],
    )
}

pub(super) fn operations_calls(b: &BackendConfig, service: &str) -> Vec<Call> {
    let s = percent_encode(service.trim());
    calls(
        b,
        vec![
            (format!("/api/v3/operations?service={s}"), Endpoint::JaegerV3Operations),
            (format!("/api/services/{s}/operations"), Endpoint::JaegerV1Operations),
        ],
    )
}

/// `Some(trimmed)` unless blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn v3_search_path(q: &SearchQuery) -> String {
    let mut p = Query::new();
    p.push_opt("query.service_name", given(&q.service))
        .push_opt("query.operation_name", given(&q.operation))
        .push("query.start_time_min", &rfc3339_from_timestamp(q.start))
        .push("query.start_time_max", &rfc3339_from_timestamp(q.end))
        .push_opt("query.duration_min", q.min_duration.map(go_duration_from_duration).as_deref())
        .push_opt("query.duration_max", q.max_duration.map(go_duration_from_duration).as_deref());
    if q.limit > 0 {
        p.push("query.num_traces", &q.limit.to_string());
    }
    if !q.tags.is_empty() {
        p.push("query.attributes", &json_object_from_tags(&q.tags));
    }
    format!("/api/v3/traces{}", p.finish())
}

fn v1_search_path(q: &SearchQuery) -> String {
    let mut p = Query::new();
    p.push_opt("service", given(&q.service))
        .push_opt("operation", given(&q.operation))
        .push("start", &unix_us_floor(q.start).to_string())
        .push("end", &unix_us_ceil(q.end).to_string());
    if q.limit > 0 {
        p.push("limit", &q.limit.to_string());
    }
    p.push_opt("minDuration", q.min_duration.map(go_duration_from_duration).as_deref())
        .push_opt("maxDuration", q.max_duration.map(go_duration_from_duration).as_deref());
    if !q.tags.is_empty() {
        p.push("tags", &json_object_from_tags(&q.tags));
    }
    format!("/api/traces{}", p.finish())
}

pub(super) fn search_calls(b: &BackendConfig, q: &SearchQuery) -> Vec<Call> {
    let v3 = (v3_search_path(q), Endpoint::JaegerV3Search);
    let v1 = (v1_search_path(q), Endpoint::JaegerV1Search);
    calls(b, if q.tags.is_empty() { vec![v3, v1] } else { vec![v1, v3] })
}

pub(super) fn trace_calls(b: &BackendConfig, id: &str) -> Vec<Call> {
    let id = percent_encode(id);
    calls(
        b,
        vec![
            (format!("/api/v3/traces/{id}"), Endpoint::JaegerV3Trace),
            (format!("/api/traces/{id}"), Endpoint::JaegerV1Trace),
        ],
    )
}

/// The v1 envelope `{"data":…,"errors":[{"code":…,"msg":…}]}`.
#[derive(Deserialize)]
struct V1Envelope<T> {
    #[serde(default = "Option::default")]
    data: Option<T>,
    #[serde(default)]
    errors: Option<Vec<V1Error>>,
}

#[derive(Deserialize)]
struct V1Error {
    #[serde(default)]
    msg: String,
}

/// A 2xx v1 answer that carries only errors is an error (`errors[].msg` joined).
fn v1_error_only(r: &Response<'_>, data_is_empty: bool, errors: &Option<Vec<V1Error>>) -> Option<BackendError> {
    let errors = errors.as_ref().filter(|e| !e.is_empty())?;
    if !data_is_empty {
        return None;
    }
    let msgs: Vec<&str> = errors.iter().map(|e| e.msg.as_str()).filter(|m| !m.is_empty()).collect();
    Some(BackendError::Status {
        backend: r.b.name.clone(),
        url: r.call.request.url.clone(),
        status: r.status,
        server_message: Some(if msgs.is_empty() { "unspecified error".to_string() } else { msgs.join("; ") }),
        hint: None,
    })
}

/// Services or operations, any Jaeger endpoint.
pub(super) fn read_names(r: &Response<'_>) -> Result<Answer<Vec<String>>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
    }
    let names = match r.call.endpoint {
        Endpoint::JaegerV3Services => {
            #[derive(Deserialize)]
            struct Services {
                #[serde(default)]
                services: Option<Vec<String>>,
            }
            r.json::<Services>()?.services.unwrap_or_default()
        }
        Endpoint::JaegerV3Operations => {
            #[derive(Deserialize)]
            struct Operations {
                #[serde(default)]
                operations: Option<Vec<Operation>>,
            }
            #[derive(Deserialize)]
            struct Operation {
                #[serde(default)]
                name: String,
            }
            r.json::<Operations>()?.operations.unwrap_or_default().into_iter().map(|o| o.name).collect()
        }
        _ => {
            let env = r.json::<V1Envelope<Vec<String>>>()?;
            let data = env.data.unwrap_or_default();
            if let Some(e) = v1_error_only(r, data.is_empty(), &env.errors) {
                return Err(e);
            }
            data
        }
    };
    Ok(Answer::Done(sorted_names(names)))
}

pub(super) fn check_search(r: &Response<'_>) -> Result<Answer<SearchAnswer>, BackendError> {
    if r.call.endpoint == Endpoint::JaegerV3Search && r.status == 404 {
        // api_v3 answers a search without hits with 404 {"error":{"message":"No traces found"}} (older: "trace
        // not found"); any other 404 body means the endpoint is missing.
        if let Some(message) = r.jaeger_v3_error_message() {
            let message = message.to_ascii_lowercase();
            if message.contains("no traces found") || message.contains("not found") {
                return Ok(Answer::Done(SearchAnswer::Results(SearchResults::default())));
            }
        }
    }
    if let Some(early) = r.precheck() {
        return early;
    }
    if r.call.endpoint == Endpoint::JaegerV1Search && r.body.len() <= 64 * 1024 {
        if let Ok(env) = serde_json::from_slice::<V1Envelope<serde::de::IgnoredAny>>(r.body) {
            let empty = super::holds_no_spans(r.body);
            if let Some(e) = v1_error_only(r, empty, &env.errors) {
                return Err(e);
            }
        }
    }
    Ok(Answer::Done(if r.holds_nothing()? {
        SearchAnswer::Results(SearchResults::default())
    } else {
        SearchAnswer::ImportTraces
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::{search_calls, trace_calls, BackendKind};
    use crate::time::{DurationNs, TimestampNs};

    fn backend() -> BackendConfig {
        BackendConfig::new("j", BackendKind::Jaeger, "http://localhost:16686/")
    }

    #[test]
    fn search_without_tags_tries_v3_then_v1() {
        let q = SearchQuery {
            service: Some("frontend".into()),
            operation: Some("HTTP GET /dispatch".into()),
            start: TimestampNs(1_700_000_000_000_000_000),
            end: TimestampNs(1_700_003_600_000_000_001),
            min_duration: Some(DurationNs(100_000_000)),
            limit: 20,
            ..SearchQuery::default()
        };
        let calls = search_calls(&backend(), &q);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].endpoint, Endpoint::JaegerV3Search);
        assert!(!calls[0].last && calls[1].last);
        assert_eq!(
            calls[0].request.url,
            "http://localhost:16686/api/v3/traces?query.service_name=frontend\
             &query.operation_name=HTTP%20GET%20%2Fdispatch\
             &query.start_time_min=2023-11-14T22%3A13%3A20.000000000Z\
             &query.start_time_max=2023-11-14T23%3A13%3A20.000000001Z\
             &query.duration_min=100ms&query.num_traces=20"
        );
        assert_eq!(
            calls[1].request.url,
            "http://localhost:16686/api/traces?service=frontend&operation=HTTP%20GET%20%2Fdispatch\
             &start=1700000000000000&end=1700003600000001&limit=20&minDuration=100ms"
        );
    }

    #[test]
    fn trace_ids_are_padded_in_paths() {
        let calls = trace_calls(&backend(), "ABC");
        assert_eq!(calls[0].request.url, "http://localhost:16686/api/v3/traces/00000000000000000000000000000abc");
        assert_eq!(calls[1].request.url, "http://localhost:16686/api/traces/00000000000000000000000000000abc");
        assert_eq!(
            trace_calls(&backend(), "trace-1 x")[1].request.url,
            "http://localhost:16686/api/traces/trace-1%20x"
        );
    }
}
