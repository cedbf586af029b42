//! Zipkin's v2 query API (FORMATS.md §4.1): bare JSON arrays, plain-text 404s. `endTs` and `lookback` are
//! epoch ms, `minDuration`/`maxDuration` integer µs; tags become an `annotationQuery` (`k=v and k2`). Trace ids
//! are lower-case hex, 16 digits when the high half is zero (the server normalizes 128-bit ids that way).

use super::wire::{percent_encode, unix_ms_ceil, unix_ms_floor, us_ceil_from_duration, us_floor_from_duration, Query};
use super::{calls, sorted_names, Answer, BackendConfig, BackendError, Call, Endpoint, Response, SearchQuery};
use super::{SearchAnswer, SearchResults};

pub(super) fn services_calls(b: &BackendConfig) -> Vec<Call> {
    calls(b, vec![("/api/v2/services".into(), Endpoint::ZipkinServices)])
}

pub(super) fn operations_calls(b: &BackendConfig, service: &str) -> Vec<Call> {
    let mut q = Query::new();
    q.push("serviceName", service.trim());
    calls(b, vec![(format!("/api/v2/spans{}", q.finish()), Endpoint::ZipkinSpanNames)])
}

/// The user's tags as `annotationQuery` terms (key, value; an empty value is a bare key: Zipkin's "has this tag
/// key or annotation"). `error=true` is the bare `error`: Zipkin's `error` tag holds the error's message (or is
/// empty), and its query compares values exactly, so `error=true` would miss nearly every failed span.
fn annotation_terms(tags: &[(String, String)]) -> Vec<(&str, &str)> {
    let any_error = |k: &str, v: &str| k == "error" && v.eq_ignore_ascii_case("true");
    tags.iter().map(|(k, v)| (k.as_str(), if any_error(k, v) { "" } else { v.as_str() })).collect()
}

/// Tags as Zipkin's `annotationQuery`: `k=v` terms joined with ` and `.
fn annotation_query(tags: &[(String, String)]) -> String {
    let terms: Vec<String> = annotation_terms(tags)
        .into_iter()
        .map(|(k, v)| if v.is_empty() { k.to_string() } else { format!("{k}={v}") })
        .collect();
    terms.join(" and ")
}

/// The terms Zipkin reads from an `annotationQuery` (`QueryRequest.parseAnnotationQuery`): split on ` and `, each
/// trimmed, a key up to the first `=` and the rest its value, both trimmed.
fn zipkin_reads(query: &str) -> Vec<(&str, &str)> {
    query
        .split(" and ")
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| t.split_once('=').map_or((t, ""), |(k, v)| (k.trim(), v.trim())))
        .collect()
}

/// Tags Zipkin would read as something else: the `annotationQuery` has no quoting, splits terms on ` and `, the key
/// at the first `=`, and trims spaces, so a tag with ` and ` (or `and` at an end), a key with `=` or a value with
/// spaces at its ends would search for other tags than the ones typed.
pub(super) fn check_query(q: &SearchQuery) -> Result<(), String> {
    let wanted = annotation_terms(&q.tags);
    let query = annotation_query(&q.tags);
    let read = zipkin_reads(&query);
    if read == wanted {
        return Ok(());
    }
    let bad = wanted.iter().position(|w| !read.contains(w)).unwrap_or(0);
    let (k, v) = q.tags.get(bad).map_or(("", ""), |(k, v)| (k.as_str(), v.as_str()));
    let as_read: Vec<String> =
        read.iter().map(|(k, v)| if v.is_empty() { format!("`{k}`") } else { format!("`{k}={v}`") }).collect();
    Err(format!(
        "Tags: Zipkin cannot search for `{k}={v}`: its annotationQuery has no quoting, separates terms with \" and \" \
         and trims spaces, so it would read {}. Search for a part of the value without \" and \" or spaces at its ends.",
        as_read.join(", ")
    ))
}

pub(super) fn search_calls(b: &BackendConfig, q: &SearchQuery) -> Vec<Call> {
    let given = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let end_ms = unix_ms_ceil(q.end);
    let lookback_ms = (end_ms - unix_ms_floor(q.start)).max(0);
    let mut p = Query::new();
    p.push_opt("serviceName", given(&q.service).as_deref()).push_opt("spanName", given(&q.operation).as_deref());
    if !q.tags.is_empty() {
        p.push("annotationQuery", &annotation_query(&q.tags));
    }
    // Zipkin refuses `minDuration` ≤ 0 and a `maxDuration` without `minDuration` (`QueryRequest.build`): a
    // minimum under 1 µs is none, and a maximum alone goes with a minimum of 1 µs.
    let max_us = q.max_duration.map(us_ceil_from_duration);
    let min_us = q.min_duration.map(us_floor_from_duration).filter(|&us| us > 0).or(max_us.map(|_| 1));
    p.push_opt("minDuration", min_us.map(|us| us.to_string()).as_deref())
        .push_opt("maxDuration", max_us.map(|us| us.to_string()).as_deref())
        .push("endTs", &end_ms.to_string())
        .push("lookback", &lookback_ms.to_string());
    if q.limit > 0 {
        p.push("limit", &q.limit.to_string());
    }
    calls(b, vec![(format!("/api/v2/traces{}", p.finish()), Endpoint::ZipkinSearch)])
}

/// `id` is 32 lower-case hex digits when it was hex (see `trace_calls`): Zipkin takes the 16-digit form when
/// the high half is zero.
pub(super) fn trace_calls(b: &BackendConfig, id: &str) -> Vec<Call> {
    let id = match id.strip_prefix("0000000000000000") {
        Some(low) if id.len() == 32 && low.bytes().all(|c| c.is_ascii_hexdigit()) => low,
        _ => id,
    };
    calls(b, vec![(format!("/api/v2/trace/{}", percent_encode(id)), Endpoint::ZipkinTrace)])
}

/// Services or span names: a JSON array of strings.
pub(super) fn read_names(r: &Response<'_>) -> Result<Answer<Vec<String>>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
    }
    let names: Option<Vec<String>> = r.json()?;
    Ok(Answer::Done(sorted_names(names.unwrap_or_default())))
}

pub(super) fn check_search(r: &Response<'_>) -> Result<Answer<SearchAnswer>, BackendError> {
    if let Some(early) = r.precheck() {
        return early;
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

    #[test]
    fn annotation_queries_join_terms_with_and() {
        let t = |p: &[(&str, &str)]| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        assert_eq!(annotation_query(&t(&[("http.method", "GET"), ("error", "")])), "http.method=GET and error");
        assert_eq!(annotation_query(&t(&[])), "");
        // Zipkin's `error` tag is the message: `error=true` asks for any error.
        assert_eq!(annotation_query(&t(&[("user.id", "12345"), ("error", "true")])), "user.id=12345 and error");
        assert_eq!(annotation_query(&t(&[("error", "timeout")])), "error=timeout");
    }

    #[test]
    fn tags_zipkin_would_read_otherwise_are_refused() {
        let q = |p: &[(&str, &str)]| SearchQuery {
            tags: p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..SearchQuery::default()
        };
        assert_eq!(check_query(&q(&[("http.method", "GET"), ("error", "true"), ("peer", "")])), Ok(()));
        for (tags, reads) in [
            (&[("x", "foo and bar")][..], "`x=foo`, `bar`"),
            (&[("x", "foo and"), ("y", "1")][..], "`x=foo`, `and y=1`"),
            (&[("x", " padded ")][..], "`x=padded`"),
            (&[("a=b", "c")][..], "`a=b=c`"),
        ] {
            let e = check_query(&q(tags)).unwrap_err();
            assert!(e.contains(&format!("it would read {reads}.")), "{tags:?}: {e}");
        }
    }
}
