//! Hash routes: the app lives under `#/…` so it works on any static host and any sub-path with no server
//! rewrite rules. Parsing and formatting are pure functions (tested natively).
//!
//! | route | shows |
//! |---|---|
//! | `#/` | the landing page |
//! | `#/demo/<key>` | a built-in demo trace |
//! | `#/trace/<id>` | a loaded trace by id |
//!
//! Query parameters after `?` inside the hash carry view state: `span=<spanId>` selects a span.

/// Where the app is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Landing,
    Demo { key: String, params: Params },
    Trace { id: String, params: Params },
    NotFound(String),
}

/// View-state parameters of a trace route.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    /// Selected span id (hex).
    pub span: Option<String>,
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
            ["trace", id] => Route::Trace { id: percent_decode(id).to_ascii_lowercase(), params },
            _ => Route::NotFound(h.to_string()),
        }
    }

    /// The hash for this route, starting with `#`.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Landing => "#/".to_string(),
            Route::Demo { key, params } => format!("#/demo/{}{}", percent_encode(key), format_params(params)),
            Route::Trace { id, params } => format!("#/trace/{}{}", percent_encode(id), format_params(params)),
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
}

fn parse_params(query: &str) -> Params {
    let mut p = Params::default();
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if k == "span" && !v.is_empty() {
            p.span = Some(percent_decode(v).to_ascii_lowercase());
        }
    }
    p
}

fn format_params(p: &Params) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &p.span {
        parts.push(format!("span={}", percent_encode(s)));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

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
                params: Params { span: Some("00f067aa0ba902b7".into()) },
            },
        ] {
            assert_eq!(Route::from_hash(&r.to_hash()), r);
        }
    }

    #[test]
    fn hashes_parse_leniently() {
        assert_eq!(Route::from_hash(""), Route::Landing);
        assert_eq!(Route::from_hash("#"), Route::Landing);
        assert_eq!(Route::from_hash("#/trace/ABC?span=DEF").params().span.as_deref(), Some("def"));
        assert!(matches!(Route::from_hash("#/nope/x/y"), Route::NotFound(_)));
        assert_eq!(percent_decode("a%20b%zz%"), "a b%zz%");
    }
}
