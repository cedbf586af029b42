//! Grafana Tempo's HTTP API (FORMATS.md §3.5). Search answers carry metadata only (no spans): ids with leading
//! zeros stripped (left-padded here), `durationMs` absent under 1 ms, per-service counts in `serviceStats`.
//! Times are Unix seconds (start rounded down, end up); durations are Go duration strings in whole milliseconds
//! (what Tempo keeps of them). Services and operations are tag values over the search window: v2 scoped tags
//! first (`resource.service.name`; `name` filtered by service with `q`), v1 unscoped tags as the fallback. A
//! trace is `/api/v2/traces/{id}` (Tempo ≥ 2.6, `{"trace":…}`), then `/api/traces/{id}` (`{"batches":…}`); both
//! are read by the OTLP importer.

use super::wire::{json_string, Query};
use super::wire::{logfmt_from_tags, ms_ceil_from_duration, ms_floor_from_duration, percent_encode};
use super::wire::{unix_seconds_ceil, unix_seconds_floor};
use super::{calls, normalize_trace_id, sort_services, sorted_names, Answer, BackendConfig, BackendError, Call};
use super::{Endpoint, Response, SearchQuery, SearchResults, TraceSummary, Window};
use crate::time::{DurationNs, TimestampNs};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `start` and `end` of a listing, in Unix seconds (the window never shrinks): without them Tempo lists tag
/// values from recent data only (its live store), so a service of an older incident would be missing.
fn window_query(q: &mut Query, (start, end): Window) -> &mut Query {
    q.push("start", &unix_seconds_floor(start).to_string()).push("end", &unix_seconds_ceil(end).to_string())
}

pub(super) fn services_calls(b: &BackendConfig, window: Window) -> Vec<Call> {
    let w = window_query(&mut Query::new(), window).finish();
    calls(
        b,
        vec![
            (format!("/api/v2/search/tag/resource.service.name/values{w}"), Endpoint::TempoV2TagValues),
            (format!("/api/search/tag/service.name/values{w}"), Endpoint::TempoTagValues),
        ],
    )
}

/// A TraceQL filter for spans of `service`: `{resource.service.name="cart"}`.
fn service_filter(service: &str) -> String {
    format!("{{resource.service.name={}}}", json_string(service.trim()))
}

pub(super) fn operations_calls(b: &BackendConfig, service: &str, window: Window) -> Vec<Call> {
    let mut q = Query::new();
    q.push("q", &service_filter(service));
    let v2 = window_query(&mut q, window).finish();
    let v1 = window_query(&mut Query::new(), window).finish();
    calls(
        b,
        vec![
            (format!("/api/v2/search/tag/name/values{v2}"), Endpoint::TempoV2TagValues),
            (format!("/api/search/tag/name/values{v1}"), Endpoint::TempoTagValues),
        ],
    )
}

/// The logfmt `tags` of a search: `service.name`, span `name`, then the user's tags. Tempo refuses a key given
/// twice, so a repeated key keeps its last value, at its first position.
fn search_tags(q: &SearchQuery) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let service = given(&q.service).map(|s| ("service.name".to_string(), s));
    let operation = given(&q.operation).map(|s| ("name".to_string(), s));
    for (k, v) in service.into_iter().chain(operation).chain(q.tags.iter().cloned()) {
        match out.iter_mut().find(|(ok, _)| *ok == k) {
            Some(p) => p.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

pub(super) fn search_calls(b: &BackendConfig, q: &SearchQuery) -> Vec<Call> {
    let mut p = Query::new();
    match q.traceql.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(traceql) => {
            p.push("q", traceql);
        }
        None => {
            let tags = search_tags(q);
            if !tags.is_empty() {
                p.push("tags", &logfmt_from_tags(&tags));
            }
        }
    }
    // Tempo keeps whole milliseconds of both (`uint32(dur.Milliseconds())`): the bounds are rounded outwards, so
    // the range never shrinks (a maximum of 1.9 ms would become 1 ms, one of 0.9 ms no maximum at all).
    let min_ms = q.min_duration.map(ms_floor_from_duration).filter(|&ms| ms > 0);
    let max_ms = q.max_duration.map(ms_ceil_from_duration).map(|ms| ms.max(1));
    p.push_opt("minDuration", min_ms.map(|ms| format!("{ms}ms")).as_deref())
        .push_opt("maxDuration", max_ms.map(|ms| format!("{ms}ms")).as_deref());
    if q.limit > 0 {
        p.push("limit", &q.limit.to_string());
    }
    p.push("start", &unix_seconds_floor(q.start).to_string()).push("end", &unix_seconds_ceil(q.end).to_string());
    calls(b, vec![(format!("/api/search{}", p.finish()), Endpoint::TempoSearch)])
}

pub(super) fn trace_calls(b: &BackendConfig, id: &str) -> Vec<Call> {
    let id = percent_encode(id);
    calls(
        b,
        vec![
            (format!("/api/v2/traces/{id}"), Endpoint::TempoV2Trace),
            (format!("/api/traces/{id}"), Endpoint::TempoV1Trace),
        ],
    )
}

pub(super) fn tag_names_calls(b: &BackendConfig) -> Vec<Call> {
    calls(b, vec![("/api/search/tags".into(), Endpoint::TempoTagNames)])
}

/// `{"tagValues":["a",…]}` (v1) or `{"tagValues":[{"type":"string","value":"a"},…]}` (v2); either shape is
/// accepted from either endpoint. Values that are not strings (v2 can list ints for numeric tags) are kept as
/// their JSON text.
pub(super) fn read_tag_values(r: &Response<'_>) -> Result<Answer<Vec<String>>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
    }
    #[derive(Deserialize)]
    struct TagValues {
        #[serde(default, rename = "tagValues")]
        tag_values: Option<Vec<serde_json::Value>>,
    }
    let mut names = Vec::new();
    for (i, v) in r.json::<TagValues>()?.tag_values.unwrap_or_default().into_iter().enumerate() {
        match v {
            serde_json::Value::String(s) => names.push(s),
            serde_json::Value::Object(mut o) => match o.remove("value") {
                Some(serde_json::Value::String(s)) => names.push(s),
                Some(other) if !other.is_null() => names.push(other.to_string()),
                _ => return Err(r.malformed(format!("tagValues[{i}] has no `value`"))),
            },
            other => return Err(r.malformed(format!("tagValues[{i}] is {other}, not a string or {{\"value\":…}}"))),
        }
    }
    Ok(Answer::Done(sorted_names(names)))
}

/// `{"tagNames":[…]}`; a v2-shaped `{"scopes":[{"name":…,"tags":[…]}]}` is read too (its tags, unscoped).
pub(super) fn read_tag_names(r: &Response<'_>) -> Result<Answer<Vec<String>>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
    }
    #[derive(Deserialize)]
    struct TagNames {
        #[serde(default, rename = "tagNames")]
        tag_names: Option<Vec<String>>,
        #[serde(default)]
        scopes: Option<Vec<Scope>>,
    }
    #[derive(Deserialize)]
    struct Scope {
        #[serde(default)]
        tags: Option<Vec<String>>,
    }
    let t = r.json::<TagNames>()?;
    let mut names = t.tag_names.unwrap_or_default();
    names.extend(t.scopes.unwrap_or_default().into_iter().flat_map(|s| s.tags.unwrap_or_default()));
    Ok(Answer::Done(sorted_names(names)))
}

/// One entry of a `SearchResponse` (`tempopb.TraceSearchMetadata`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    #[serde(rename = "traceID", default)]
    trace_id: String,
    #[serde(default)]
    root_service_name: Option<String>,
    #[serde(default)]
    root_trace_name: Option<String>,
    /// uint64 as a string by jsonpb; accepted as a number too.
    #[serde(default)]
    start_time_unix_nano: Option<serde_json::Value>,
    /// Omitted when 0 (traces shorter than 1 ms).
    #[serde(default)]
    duration_ms: Option<u64>,
    #[serde(default)]
    service_stats: Option<BTreeMap<String, ServiceStats>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ServiceStats {
    #[serde(default)]
    span_count: u32,
    #[serde(default)]
    error_count: u32,
}

pub(super) fn read_search(r: &Response<'_>) -> Result<Answer<SearchResults>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
    }
    #[derive(Deserialize)]
    struct SearchResponse {
        #[serde(default)]
        traces: Option<Vec<Metadata>>,
    }
    let mut summaries = Vec::new();
    for (i, m) in r.json::<SearchResponse>()?.traces.unwrap_or_default().into_iter().enumerate() {
        summaries.push(summary_from_metadata(m).map_err(|problem| r.malformed(format!("traces[{i}]: {problem}")))?);
    }
    Ok(Answer::Done(SearchResults::from_summaries(summaries)))
}

fn summary_from_metadata(m: Metadata) -> Result<TraceSummary, String> {
    let trace_id = normalize_trace_id(&m.trace_id).map_err(|e| e.to_string())?;
    let start_ns: i64 = match &m.start_time_unix_nano {
        None | Some(serde_json::Value::Null) => 0,
        Some(serde_json::Value::String(s)) => {
            s.trim().parse().map_err(|_| format!("startTimeUnixNano \"{s}\" is not an integer"))?
        }
        Some(serde_json::Value::Number(n)) => {
            n.as_i64().ok_or_else(|| format!("startTimeUnixNano {n} is not an integer"))?
        }
        Some(other) => return Err(format!("startTimeUnixNano is {other}, not a string of digits")),
    };
    let mut services: Vec<(String, u32, u32)> =
        m.service_stats.unwrap_or_default().into_iter().map(|(name, s)| (name, s.span_count, s.error_count)).collect();
    sort_services(&mut services);
    Ok(TraceSummary {
        trace_id,
        root_service: m.root_service_name.unwrap_or_default(),
        root_name: m.root_trace_name.unwrap_or_default(),
        start: TimestampNs(start_ns),
        duration: DurationNs((m.duration_ms.unwrap_or(0) as i64).saturating_mul(1_000_000)),
        span_count: services.iter().map(|s| s.1).sum(),
        error_count: services.iter().map(|s| s.2).sum(),
        services,
    })
}

/// The message of a `"status":"PARTIAL"` v2 trace answer.
pub(super) fn partial_message(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let e: Envelope = serde_json::from_slice(body).ok()?;
    if e.status.as_deref() != Some("PARTIAL") {
        return None;
    }
    Some(e.message.filter(|m| !m.trim().is_empty()).unwrap_or_else(|| "Tempo sent only part of this trace".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_tags_put_service_and_name_first_and_keep_one_value_per_key() {
        let q = SearchQuery {
            service: Some(" cart ".into()),
            operation: Some("GET /x".into()),
            tags: vec![("a".into(), "1".into()), ("service.name".into(), "shop".into()), ("a".into(), "2".into())],
            ..SearchQuery::default()
        };
        let got = search_tags(&q);
        let want: Vec<(String, String)> = [("service.name", "shop"), ("name", "GET /x"), ("a", "2")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn service_filters_escape_quotes() {
        assert_eq!(service_filter("cart"), r#"{resource.service.name="cart"}"#);
        assert_eq!(service_filter(r#"a"b\c"#), r#"{resource.service.name="a\"b\\c"}"#);
    }

    #[test]
    fn partial_messages_only_for_partial_answers() {
        assert_eq!(
            partial_message(br#"{"trace":{},"status":"PARTIAL","message":"too big"}"#).as_deref(),
            Some("too big")
        );
        assert_eq!(
            partial_message(br#"{"trace":{},"status":"PARTIAL"}"#).as_deref(),
            Some("Tempo sent only part of this trace")
        );
        assert_eq!(partial_message(br#"{"trace":{}}"#), None);
        assert_eq!(partial_message(b"nonsense"), None);
    }
}
