//! Hash routes: the app lives under `#/…` so it works on any static host and any sub-path with no server
//! rewrite rules. Parsing and formatting are pure functions, kept in the model so they are tested and fuzzed
//! natively; the app re-exports them as `crate::route`.
//!
//! | route | shows |
//! |---|---|
//! | `#/` | the landing page |
//! | `#/demo/<key>` | a built-in demo trace |
//! | `#/trace/<id>` | a loaded trace by id (`?backend=<name>` fetches it from that backend when not loaded) |
//! | `#/search?backend=<name>&…` | the search page (see [`SearchParams`]) |
//! | `#/compare/<idA>/<idB>` | two traces compared (`?backend=<name>` fetches those not loaded) |
//!
//! Query parameters after `?` inside the hash carry view state, so a copied link reproduces the view:
//!
//! | parameter | meaning |
//! |---|---|
//! | `span=<spanId>` | the selected span |
//! | `find=<filter>` | the find box's text (the filter language of [`crate::filter`]) |
//! | `mode=only` | show only matches and their ancestors (default: highlight matches) |
//! | `zoom=<from>,<to>` | the timeline's window, as fractions of the trace's duration |
//! | `cp=1` | critical path highlighted |
//! | `view=statistics\|flamegraph\|service-map` | the view shown (default: the waterfall) |
//! | `theme=light\|dark` | the color theme (any route) |
//! | `embed=1` | embed mode: no app navigation, for an iframe (any route) |
//! | `backend=<name>` | where a trace that is not loaded is fetched from |

use crate::number::f64_from_str;

/// Where the app is.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Landing,
    Demo {
        key: String,
        params: Params,
    },
    Trace {
        id: String,
        params: Params,
    },
    Search(SearchParams),
    /// Two traces side by side; `backend` fetches those that are not loaded.
    Compare {
        a: String,
        b: String,
        backend: Option<String>,
    },
    NotFound(String),
}

/// The search form, as carried in `#/search?…`. Times are µs since the epoch (`start`, `end`), or Grafana-style
/// ms (`from`, `to`, converted here); without them, `lookback` (e.g. `1h`, see [`lookback_seconds`]) back from
/// now, which Grafana's relative `from=now-6h&to=now` also gives.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchParams {
    pub backend: Option<String>,
    pub service: String,
    pub operation: String,
    /// logfmt `key=value` pairs.
    pub tags: String,
    /// Tempo TraceQL query.
    pub query: String,
    /// Go-style durations as typed (`100ms`).
    pub min_duration: String,
    pub max_duration: String,
    pub start_us: Option<i64>,
    pub end_us: Option<i64>,
    pub lookback: String,
    pub limit: Option<u32>,
}

impl SearchParams {
    fn parse(query: &str) -> SearchParams {
        let mut p = SearchParams::default();
        let (mut from, mut to) = (GrafanaTime::Absent, GrafanaTime::Absent);
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "backend" if !v.is_empty() => p.backend = Some(v),
                "service" => p.service = v,
                "operation" => p.operation = v,
                // (Kept as given when the logfmt would read as JSON again, so that parsing is idempotent.)
                "tags" => {
                    p.tags = logfmt_from_json_tags(&v).filter(|l| logfmt_from_json_tags(l).is_none()).unwrap_or(v)
                }
                "q" => p.query = v,
                "minDuration" => p.min_duration = v,
                "maxDuration" => p.max_duration = v,
                "start" => p.start_us = v.parse().ok(),
                "end" => p.end_us = v.parse().ok(),
                "from" => from = grafana_time(&v),
                "to" => to = grafana_time(&v),
                "lookback" => p.lookback = v,
                "limit" => p.limit = v.parse().ok().filter(|&n| n > 0),
                _ => {}
            }
        }
        // Grafana's relative range (`from=now-6h&to=now`, what `${__url_time_range}` gives on a dashboard showing
        // the last 6 hours) is a lookback back from now.
        let relative = match (&from, &to) {
            (GrafanaTime::Relative(back), GrafanaTime::Now | GrafanaTime::Absent) => Some(back.clone()),
            _ => None,
        };
        if let (Some(back), true, None, None) = (relative, p.lookback.is_empty(), p.start_us, p.end_us) {
            p.lookback = back;
            return p;
        }
        if p.start_us.is_none() {
            p.start_us = from.ms().map(|ms| ms.saturating_mul(1000));
        }
        if p.end_us.is_none() {
            p.end_us = to.ms().map(|ms| ms.saturating_mul(1000));
        }
        p
    }

    fn format(&self) -> String {
        let mut parts = Vec::new();
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                parts.push(format!("{k}={}", percent_encode(v)));
            }
        };
        put("backend", self.backend.as_deref().unwrap_or(""));
        put("service", &self.service);
        put("operation", &self.operation);
        put("tags", &self.tags);
        put("q", &self.query);
        put("minDuration", &self.min_duration);
        put("maxDuration", &self.max_duration);
        put("start", &self.start_us.map(|x| x.to_string()).unwrap_or_default());
        put("end", &self.end_us.map(|x| x.to_string()).unwrap_or_default());
        put("lookback", &self.lookback);
        put("limit", &self.limit.map(|x| x.to_string()).unwrap_or_default());
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Jaeger UI's search links carry `tags` as a JSON object (`{"error":"true"}`); the form takes logfmt. `None` when
/// `v` is not such an object.
fn logfmt_from_json_tags(v: &str) -> Option<String> {
    if !v.trim_start().starts_with('{') {
        return None;
    }
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(v).ok()?;
    let pairs: Vec<(String, String)> = map
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    Some(crate::backend::logfmt_from_tags(&pairs))
}

/// Grafana's `from`/`to`: ms since the epoch, or relative to now (`now`, `now-6h`). Other relative forms
/// (`now-1d/d`, rounded to a day) are not read.
#[derive(Clone, Debug, PartialEq)]
enum GrafanaTime {
    Absent,
    Ms(i64),
    Now,
    /// `now-<lookback>`, the lookback as written (`6h`).
    Relative(String),
}

impl GrafanaTime {
    fn ms(&self) -> Option<i64> {
        match self {
            GrafanaTime::Ms(ms) => Some(*ms),
            _ => None,
        }
    }
}

fn grafana_time(v: &str) -> GrafanaTime {
    let v = v.trim();
    if v == "now" {
        return GrafanaTime::Now;
    }
    if let Some(back) = v.strip_prefix("now-").filter(|b| lookback_seconds(b).is_some()) {
        return GrafanaTime::Relative(back.to_string());
    }
    v.parse::<i64>().ok().filter(|&ms| ms > 0).map_or(GrafanaTime::Absent, GrafanaTime::Ms)
}

/// Seconds of a lookback written as a whole number and a unit: `s`, `m`, `h`, `d` or `w` (`30m`, `6h`, `2w`, as
/// Jaeger UI's `lookback=` and Grafana's `now-6h` write them). `None` for anything else.
pub fn lookback_seconds(text: &str) -> Option<i64> {
    let unit_at = text.len().checked_sub(1).filter(|&i| text.is_char_boundary(i))?;
    let (n, unit) = text.split_at(unit_at);
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return None,
    };
    n.parse::<i64>().ok()?.checked_mul(scale).filter(|&s| s > 0)
}

/// View-state parameters of a route.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// Selected span id (hex).
    pub span: Option<String>,
    /// Find box text.
    pub find: String,
    /// "Matches only" mode.
    pub only: bool,
    /// Timeline window as fractions of the trace duration, `0 ≤ from < to ≤ 1`.
    pub zoom: Option<(f64, f64)>,
    /// Critical path highlighted.
    pub critical_path: bool,
    /// Theme forced by the URL.
    pub theme: Option<Theme>,
    /// The backend to fetch the trace from when it is not loaded.
    pub backend: Option<String>,
    /// Embed mode (no app navigation).
    pub embed: bool,
    /// The view shown (`statistics`, `flamegraph`, `service-map`; empty: the waterfall).
    pub view: String,
}

/// A color theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

impl Route {
    /// Parses `location.hash` (with or without the leading `#`).
    pub fn from_hash(hash: &str) -> Route {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = h.split_once('?').unwrap_or((h, ""));
        let params = parse_params(query);
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Landing,
            ["demo", key] => Route::Demo { key: percent_decode(key), params },
            ["trace", id] => Route::Trace { id: trace_id_from_segment(id), params },
            // A base64 id may hold `/` (even `//`) as written by hand; spanscope's own links encode it as %2F.
            ["trace", _, _, ..] => match base64_id_hex(&percent_decode_path(trace_path_rest(path))) {
                Some(id) => Route::Trace { id, params },
                None => Route::NotFound(h.to_string()),
            },
            ["search"] => Route::Search(SearchParams::parse(query)),
            ["compare", a, b] => Route::Compare {
                a: trace_id_from_segment(a),
                b: trace_id_from_segment(b),
                backend: params.backend.clone(),
            },
            _ => Route::NotFound(h.to_string()),
        }
    }

    /// The hash for this route, starting with `#`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Landing => "#/".to_string(),
            Route::Demo { key, params } => format!("#/demo/{}{}", percent_encode(key), format_params(params)),
            Route::Trace { id, params } => format!("#/trace/{}{}", percent_encode(id), format_params(params)),
            Route::Search(p) => format!("#/search{}", p.format()),
            Route::Compare { a, b, backend } => format!(
                "#/compare/{}/{}{}",
                percent_encode(a),
                percent_encode(b),
                backend.as_ref().map(|x| format!("?backend={}", percent_encode(x))).unwrap_or_default()
            ),
            Route::NotFound(h) => format!("#{h}"),
        }
    }

    /// The same route with other view parameters.
    pub fn with_params(&self, p: Params) -> Route {
        match self {
            Route::Demo { key, .. } => Route::Demo { key: key.clone(), params: p },
            Route::Trace { id, .. } => Route::Trace { id: id.clone(), params: p },
            other => other.clone(),
        }
    }

    pub fn params(&self) -> Params {
        match self {
            Route::Demo { params, .. } | Route::Trace { params, .. } => params.clone(),
            _ => Params::default(),
        }
    }

    /// Whether the URL asks for embed mode (any route, `embed=1` after `?`).
    pub fn embed_in_hash(hash: &str) -> bool {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        h.split_once('?').is_some_and(|(_, q)| parse_params(q).embed)
    }

    /// The theme the URL asks for (any route, `theme=` after `?`).
    pub fn theme_in_hash(hash: &str) -> Option<Theme> {
        let h = hash.strip_prefix('#').unwrap_or(hash);
        h.split_once('?').and_then(|(_, q)| parse_params(q).theme)
    }
}

fn parse_params(query: &str) -> Params {
    let mut p = Params::default();
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        match k {
            "span" if !v.is_empty() => p.span = Some(v.to_ascii_lowercase()),
            "find" => p.find = v,
            "mode" => p.only = v == "only",
            "zoom" => p.zoom = parse_zoom(&v),
            "cp" => p.critical_path = v == "1" || v == "true",
            "backend" if !v.is_empty() => p.backend = Some(v),
            "embed" => p.embed = v == "1" || v == "true",
            "view" => p.view = v,
            "theme" => {
                p.theme = match v.as_str() {
                    "dark" => Some(Theme::Dark),
                    "light" => Some(Theme::Light),
                    _ => None,
                }
            }
            _ => {}
        }
    }
    p
}

/// The views `view=` names (the waterfall is the default; `waterfall` is accepted too).
const VIEWS: [&str; 4] = ["waterfall", "statistics", "flamegraph", "service-map"];

/// Longest value quoted in a notice.
const SHOWN_CHARS: usize = 40;

/// A parameter's value as quoted in a notice: at most `SHOWN_CHARS` (40) characters.
pub fn shown_value(v: &str) -> String {
    let mut s: String = v.chars().take(SHOWN_CHARS).collect();
    if s.len() < v.len() {
        s.push('…');
    }
    s
}

/// What the view parameters of `hash` ask for that the app ignores, one message each ("Ignored zoom=abc: …"),
/// so a mistyped or tampered link says what happened instead of silently showing something else. Only the
/// parameters of trace pages (and `theme`/`embed`, which every route takes) are checked; `span=` is checked by
/// the trace page, which knows the spans.
pub fn param_problems(hash: &str) -> Vec<String> {
    let h = hash.strip_prefix('#').unwrap_or(hash);
    let (path, query) = h.split_once('?').unwrap_or((h, ""));
    let trace_page = matches!(Route::from_hash(path), Route::Demo { .. } | Route::Trace { .. });
    let mut out = Vec::new();
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(v);
        let flag = |v: &str| matches!(v, "" | "0" | "1" | "true" | "false");
        let why = match k {
            "theme" if !matches!(v.as_str(), "light" | "dark") => "expected light or dark",
            "embed" if !flag(&v) => "expected 1 or 0",
            _ if !trace_page => continue,
            "zoom" if !v.is_empty() && parse_zoom(&v).is_none() && !is_whole_window(&v) => {
                "expected two numbers between 0 and 1, the first smaller (e.g. zoom=0.1,0.35)"
            }
            "view" if !v.is_empty() && !VIEWS.contains(&v.as_str()) => {
                "expected statistics, flamegraph or service-map (the waterfall when left out)"
            }
            "mode" if !matches!(v.as_str(), "" | "only" | "highlight") => "expected mode=only",
            "cp" if !flag(&v) => "expected 1 or 0",
            _ => continue,
        };
        out.push(format!("Ignored {k}={}: {why}.", shown_value(&v)));
    }
    out
}

/// `0,1`: the whole trace, written out (valid, and the same as no zoom).
fn is_whole_window(v: &str) -> bool {
    v.split_once(',').is_some_and(|(a, b)| f64_from_str(a.trim()) == Some(0.0) && f64_from_str(b.trim()) == Some(1.0))
}

/// `from,to` fractions, read at the six decimals a URL carries ([`format_fraction`]), so that a parsed zoom
/// formats back to the same text and parses to the same value; anything else (out of range, reversed, empty once
/// rounded) is no zoom.
fn parse_zoom(v: &str) -> Option<(f64, f64)> {
    let (a, b) = v.split_once(',')?;
    let (a, b) = (f64_from_str(a.trim())?, f64_from_str(b.trim())?);
    let (a, b) = (to_micro_fraction(a), to_micro_fraction(b));
    (a.is_finite() && b.is_finite() && 0.0 <= a && a < b && b <= 1.0 && (a, b) != (0.0, 1.0)).then_some((a, b))
}

/// `f` rounded to six decimals: the nearest `f64` to k / 10⁶, which [`format_fraction`] writes as exactly those
/// digits (and `-0` becomes `0`).
fn to_micro_fraction(f: f64) -> f64 {
    (f * 1e6).round() / 1e6 + 0.0
}

/// A fraction with up to six decimals and no trailing zeros.
fn format_fraction(f: f64) -> String {
    let s = format!("{f:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn format_params(p: &Params) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &p.span {
        parts.push(format!("span={}", percent_encode(s)));
    }
    if !p.find.is_empty() {
        parts.push(format!("find={}", percent_encode(&p.find)));
    }
    if p.only {
        parts.push("mode=only".to_string());
    }
    if let Some((a, b)) = p.zoom {
        parts.push(format!("zoom={},{}", format_fraction(a), format_fraction(b)));
    }
    if p.critical_path {
        parts.push("cp=1".to_string());
    }
    if let Some(t) = p.theme {
        parts.push(format!("theme={}", t.as_str()));
    }
    if let Some(b) = &p.backend {
        parts.push(format!("backend={}", percent_encode(b)));
    }
    if !p.view.is_empty() {
        parts.push(format!("view={}", percent_encode(&p.view)));
    }
    if p.embed {
        parts.push("embed=1".to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A trace id as a route carries it: hex in lower case, as loaded traces are named; a base64 id (how Tempo's
/// JSON and older Jaeger api_v3 write them) as its hex. In a path, `+` is a base64 digit, not a space. Anything
/// else stays as written, for the page to say it is not a trace id.
fn trace_id_from_segment(segment: &str) -> String {
    let text = percent_decode_path(segment);
    base64_id_hex(&text).unwrap_or_else(|| text.to_ascii_lowercase())
}

/// The hex of a trace id written in base64, `None` for anything else (hex included: text that is all hex digits
/// is hex).
fn base64_id_hex(text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    crate::backend::normalize_trace_id(text).ok()
}

/// What follows `trace/` in a path, as written.
fn trace_path_rest(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    path.strip_prefix("trace/").unwrap_or(path).trim_matches('/')
}

/// [`percent_decode`] for a path segment, where `+` is itself.
fn percent_decode_path(s: &str) -> String {
    percent_decode(&s.replace('+', "%2B"))
}

/// Percent-encoding as everywhere in spanscope (RFC 3986 unreserved characters stay).
pub use crate::backend::percent_encode;

/// Decodes `%XX` sequences and `+` as space; invalid sequences stay as written.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = b
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip() {
        for r in [
            Route::Landing,
            Route::Demo { key: "checkout-incident".into(), params: Params::default() },
            Route::Trace {
                id: "4bf92f3577b34da6a3ce929d0e0e4736".into(),
                params: Params { span: Some("00f067aa0ba902b7".into()), ..Params::default() },
            },
            Route::Demo {
                key: "storefront".into(),
                params: Params {
                    span: Some("0a".into()),
                    find: "service=cart duration>10ms name=\"GET /a+b?c=d&e\" ü".into(),
                    only: true,
                    zoom: Some((0.125, 0.5)),
                    critical_path: true,
                    theme: Some(Theme::Dark),
                    backend: Some("prod jaeger".into()),
                    embed: true,
                    view: "statistics".into(),
                },
            },
            Route::Search(SearchParams {
                backend: Some("tempo".into()),
                service: "cart".into(),
                operation: "GET /cart".into(),
                tags: "user.id=12345 error=true http.url=\"a b\"".into(),
                query: "{ span.http.status_code >= 500 }".into(),
                min_duration: "100ms".into(),
                max_duration: "2s".into(),
                start_us: Some(1_700_000_000_000_000),
                end_us: Some(1_700_003_600_000_000),
                lookback: String::new(),
                limit: Some(20),
            }),
            Route::Search(SearchParams::default()),
            Route::Compare { a: "0af7".into(), b: "4bf9".into(), backend: Some("tempo".into()) },
            Route::Compare { a: "0af7".into(), b: "4bf9".into(), backend: None },
        ] {
            assert_eq!(Route::from_hash(&r.to_hash()), r);
        }
    }

    #[test]
    fn ignored_parameters_are_named() {
        assert_eq!(
            param_problems("#/demo/x?zoom=0.1,0.3&view=statistics&theme=dark&cp=1&mode=only"),
            Vec::<String>::new()
        );
        assert_eq!(param_problems("#/demo/x?zoom=0,1&span=zzz&find=%3Cscript%3E"), Vec::<String>::new());
        assert_eq!(
            param_problems("#/trace/abc?zoom=abc&view=nope&theme=evil&mode=x&cp=yes&embed=2"),
            vec![
                "Ignored zoom=abc: expected two numbers between 0 and 1, the first smaller (e.g. zoom=0.1,0.35).",
                "Ignored view=nope: expected statistics, flamegraph or service-map (the waterfall when left out).",
                "Ignored theme=evil: expected light or dark.",
                "Ignored mode=x: expected mode=only.",
                "Ignored cp=yes: expected 1 or 0.",
                "Ignored embed=2: expected 1 or 0.",
            ]
        );
        assert_eq!(param_problems("#/demo/x?zoom=0.9,0.1").len(), 1);
        // Other routes: only what every route takes.
        assert_eq!(param_problems("#/?theme=evil&zoom=abc"), vec!["Ignored theme=evil: expected light or dark."]);
        assert_eq!(param_problems("#/search?view=nope&service=a"), Vec::<String>::new());
        // Values are quoted short.
        let long = format!("#/demo/x?view={}", "a".repeat(1000));
        assert!(param_problems(&long)[0].len() < 200);
    }

    #[test]
    fn hashes_parse_leniently() {
        assert_eq!(Route::from_hash(""), Route::Landing);
        assert_eq!(Route::from_hash("#"), Route::Landing);
        assert_eq!(Route::from_hash("#/trace/ABC?span=DEF").params().span.as_deref(), Some("def"));
        assert!(matches!(Route::from_hash("#/nope/x/y"), Route::NotFound(_)));
        assert!(matches!(Route::from_hash("#/trace/x/y"), Route::NotFound(_)));
        // Base64 ids (Tempo's JSON) become hex: case kept, `+` a digit, `/` as typed or as %2F.
        let id = |hash: &str| match Route::from_hash(hash) {
            Route::Trace { id, .. } => id,
            other => panic!("{hash}: {other:?}"),
        };
        assert_eq!(id("#/trace/CvdlGRbNQ92ESOshHIAxnA=="), "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(id("#/trace/CvdlGRbNQ92ESOshHIAxnA%3D%3D?span=1"), "0af7651916cd43dd8448eb211c80319c");
        assert_eq!(id("#/trace/++/+S/kvNXezTaajzpKdDg=="), "fbeffe4bf92f3577b34da6a3ce929d0e");
        assert_eq!(id("#/trace/%2B%2B%2F%2BS%2FkvNXezTaajzpKdDg%3D%3D"), "fbeffe4bf92f3577b34da6a3ce929d0e");
        assert_eq!(id("#/trace//++/+S/kvNXezTaajzpKdDg==/?span=1"), "fbeffe4bf92f3577b34da6a3ce929d0e");
        assert_eq!(id("#/trace/ab//+/+S/kv5LzV3s02mow"), "69bffffbff92fe4bf92f3577b34da6a3");
        assert_eq!(
            id("#/trace/00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01"),
            "0af7651916cd43dd8448eb211c80319c"
        );
        assert_eq!(id("#/trace/ABCDEF"), "abcdef");
        assert_eq!(id("#/trace/not-an-id"), "not-an-id");
        match Route::from_hash("#/compare/CvdlGRbNQ92ESOshHIAxnA==/4BF9") {
            Route::Compare { a, b, .. } => {
                assert_eq!((a.as_str(), b.as_str()), ("0af7651916cd43dd8448eb211c80319c", "4bf9"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(percent_decode("a%20b%zz%"), "a b%zz%");
        assert_eq!(Route::from_hash("#/demo/x?zoom=0.5,0.25").params().zoom, None);
        assert_eq!(Route::from_hash("#/demo/x?zoom=0,1").params().zoom, None);
        assert_eq!(Route::from_hash("#/demo/x?zoom=0.1,0.3").params().zoom, Some((0.1, 0.3)));
        assert_eq!(Route::theme_in_hash("#/?theme=dark"), Some(Theme::Dark));
        assert_eq!(Route::theme_in_hash("#/demo/x?span=1&theme=light"), Some(Theme::Light));
        assert_eq!(Route::theme_in_hash("#/demo/x?theme=pink"), None);
        assert!(Route::embed_in_hash("#/trace/abc?backend=t&embed=1"));
        assert!(!Route::embed_in_hash("#/trace/abc?embed=0"));
        // A Grafana data link: the id as Grafana interpolates it, percent-encoded parameters.
        let r = Route::from_hash("#/trace/0AF7651916CD43DD8448EB211C80319C?backend=tempo%20prod&span=B7AD6B7169203331&find=http.status_code%3E%3D500");
        assert_eq!(
            r,
            Route::Trace {
                id: "0af7651916cd43dd8448eb211c80319c".into(),
                params: Params {
                    span: Some("b7ad6b7169203331".into()),
                    find: "http.status_code>=500".into(),
                    backend: Some("tempo prod".into()),
                    ..Params::default()
                }
            }
        );
        // Grafana-style from/to in ms become µs; explicit start/end win.
        let Route::Search(p) = Route::from_hash("#/search?backend=j&service=a&from=1700000000000&to=1700000060000")
        else {
            panic!("a search route")
        };
        assert_eq!((p.start_us, p.end_us), (Some(1_700_000_000_000_000), Some(1_700_000_060_000_000)));
        let Route::Search(p) = Route::from_hash("#/search?from=now-1h&to=now&start=5") else {
            panic!("a search route")
        };
        assert_eq!((p.start_us, p.end_us, p.lookback.as_str()), (Some(5), None, ""));
        // Grafana's relative range is a lookback; other relative forms are not read.
        let search = |h: &str| match Route::from_hash(h) {
            Route::Search(p) => (p.start_us, p.end_us, p.lookback),
            other => panic!("{other:?}"),
        };
        assert_eq!(search("#/search?from=now-6h&to=now"), (None, None, "6h".into()));
        assert_eq!(search("#/search?from=now-30m"), (None, None, "30m".into()));
        assert_eq!(search("#/search?from=now-2d&to=now&lookback=1h"), (None, None, "1h".into()));
        assert_eq!(search("#/search?from=now-2d&to=now-1d"), (None, None, String::new()));
        assert_eq!(search("#/search?from=now-1d%2Fd&to=now"), (None, None, String::new()));
        assert_eq!(search("#/search?from=now-6h&to=1700000000000"), (None, Some(1_700_000_000_000_000), String::new()));
        assert_eq!(lookback_seconds("90m"), Some(5400));
        // Jaeger UI's search links carry tags as JSON.
        let tags = |h: &str| match Route::from_hash(h) {
            Route::Search(p) => p.tags,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            tags("#/search?tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22a%20b%22%7D"),
            r#"error=true http.url="a b""#
        );
        assert_eq!(tags("#/search?tags=%7B%22n%22%3A5%7D"), "n=5");
        assert_eq!(tags("#/search?tags=user.id%3D1"), "user.id=1");
        assert_eq!(tags("#/search?tags=%7Bbroken"), "{broken");
        assert_eq!(lookback_seconds("2w"), Some(1_209_600));
        for bad in ["", "h", "6", "6y", "-6h", "1.5h", "0h", "99999999999999999999h", "6Ї", "Ї"] {
            assert_eq!(lookback_seconds(bad), None, "{bad}");
        }
        // `+` in a filter survives the round trip (encoded as %2B, while a literal + in a URL means space).
        assert_eq!(Route::from_hash("#/demo/x?find=a%2Bb+c").params().find, "a+b c");
    }
}
