//! `config.json`: the backends the app may query, read by [`parse_config`].
//!
//! ```json
//! {"backends":[
//!   {"name":"prod jaeger","kind":"jaeger","url":"https://jaeger.example.com/jaeger"},
//!   {"name":"tempo","kind":"tempo","url":"/tempo","headers":{"X-Scope-OrgID":"team-a"}}
//! ]}
//! ```
//!
//! `url` is the base the API paths are appended to: an absolute `http(s)://` address (with a base path if the
//! backend has one), a path on spanscope's own site (`/jaeger`, `./tempo`, `../zipkin`) for a backend behind the
//! same reverse proxy, or `""` for the very origin spanscope is served from. Top-level keys other than `backends`
//! are left for the app; inside a backend every key must be known, so a typo (`"header"`) is reported instead
//! of silently sending no credentials.

use std::fmt;

/// Which query API a backend speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendKind {
    Jaeger,
    Tempo,
    Zipkin,
}

impl BackendKind {
    /// The spelling in config.json: `jaeger`, `tempo`, `zipkin`.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Jaeger => "jaeger",
            BackendKind::Tempo => "tempo",
            BackendKind::Zipkin => "zipkin",
        }
    }

    /// From config.json's `kind`, any case.
    pub fn from_name(name: &str) -> Option<BackendKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "jaeger" => Some(BackendKind::Jaeger),
            "tempo" => Some(BackendKind::Tempo),
            "zipkin" => Some(BackendKind::Zipkin),
            _ => None,
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BackendKind::Jaeger => "Jaeger",
            BackendKind::Tempo => "Tempo",
            BackendKind::Zipkin => "Zipkin",
        })
    }
}

/// One backend from config.json.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackendConfig {
    /// Unique among the backends; shown to the user and used in links (`?backend=<name>`).
    pub name: String,
    pub kind: BackendKind,
    /// Base address without a trailing slash: `https://h`, `https://h/jaeger`, `/jaeger`, or `""` (same origin).
    pub url: String,
    /// Sent with every request (credentials, tenant), sorted by name.
    pub headers: Vec<(String, String)>,
}

impl BackendConfig {
    /// A backend without headers; `url` loses its trailing slashes (it is not otherwise checked).
    pub fn new(name: &str, kind: BackendKind, url: &str) -> BackendConfig {
        BackendConfig {
            name: name.to_string(),
            kind,
            url: url.trim().trim_end_matches('/').to_string(),
            headers: vec![],
        }
    }

    /// `path` (starting with `/`, query included) appended to the base address.
    pub fn url_for(&self, path: &str) -> String {
        format!("{}{}", self.url.trim_end_matches('/'), path)
    }
}

/// Why config.json could not be read. Each names the backend (`backends[1] ("prod")`) and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("config.json is not valid JSON: {message} at line {line}, column {column}")]
    Syntax { message: String, line: usize, column: usize },
    #[error("config.json must be a JSON object like {{\"backends\":[…]}}, but it is {found}")]
    NotAnObject { found: String },
    #[error("config.json: `backends` must be an array of backends, but it is {found}")]
    BackendsNotArray { found: String },
    #[error("config.json: backends[{index}] must be an object with `name`, `kind` and `url`, but it is {found}")]
    BackendNotObject { index: usize, found: String },
    #[error("config.json: {at} has no `{field}` ({expected})")]
    MissingField { at: String, field: &'static str, expected: &'static str },
    #[error("config.json: {at}: `{field}` must be {expected}, but it is {found}")]
    WrongType { at: String, field: String, expected: &'static str, found: String },
    #[error("config.json: {at}: `name` is empty; give each backend a name to show and to link to")]
    EmptyName { at: String },
    #[error("config.json: {at}: `kind` is \"{kind}\"; expected \"jaeger\", \"tempo\" or \"zipkin\"")]
    UnknownKind { at: String, kind: String },
    #[error("config.json: {at}: `url` \"{url}\" {reason}")]
    BadUrl { at: String, url: String, reason: String },
    #[error("config.json: {at}: header `{header}`: {reason}")]
    BadHeader { at: String, header: String, reason: String },
    #[error("config.json: {at}: unknown field `{field}`; a backend has `name`, `kind`, `url` and `headers`")]
    UnknownField { at: String, field: String },
    #[error("config.json: backends[{first}] and backends[{second}] are both named \"{name}\"; names must be unique (links name the backend)")]
    DuplicateName { name: String, first: usize, second: usize },
}

/// Parses config.json. `{}`, `{"backends":null}` and `{"backends":[]}` mean no backends. A byte-order mark is
/// allowed. Backends keep their order; see the module docs for what `url` may be.
pub fn parse_config(bytes: &[u8]) -> Result<Vec<BackendConfig>, ConfigError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let root: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        let msg = e.to_string();
        let message = match msg.rfind(" at line ") {
            Some(k) => msg[..k].to_string(),
            None => msg,
        };
        ConfigError::Syntax { message, line: e.line(), column: e.column() }
    })?;
    let serde_json::Value::Object(root) = root else {
        return Err(ConfigError::NotAnObject { found: describe(&root) });
    };
    let list = match root.get("backends") {
        None | Some(serde_json::Value::Null) => return Ok(vec![]),
        Some(serde_json::Value::Array(list)) => list,
        Some(other) => return Err(ConfigError::BackendsNotArray { found: describe(other) }),
    };
    let mut out: Vec<BackendConfig> = Vec::with_capacity(list.len());
    for (index, item) in list.iter().enumerate() {
        let b = parse_backend(index, item)?;
        if let Some(first) = out.iter().position(|o| o.name == b.name) {
            return Err(ConfigError::DuplicateName { name: b.name, first, second: index });
        }
        out.push(b);
    }
    Ok(out)
}

fn parse_backend(index: usize, item: &serde_json::Value) -> Result<BackendConfig, ConfigError> {
    let serde_json::Value::Object(obj) = item else {
        return Err(ConfigError::BackendNotObject { index, found: describe(item) });
    };
    let plain_at = format!("backends[{index}]");
    let name = match obj.get("name") {
        None => return Err(ConfigError::MissingField { at: plain_at, field: "name", expected: "a string" }),
        Some(serde_json::Value::String(s)) => s.trim().to_string(),
        Some(other) => {
            return Err(ConfigError::WrongType {
                at: plain_at,
                field: "name".into(),
                expected: "a string",
                found: describe(other),
            })
        }
    };
    if name.is_empty() {
        return Err(ConfigError::EmptyName { at: plain_at });
    }
    let at = format!("backends[{index}] (\"{name}\")");
    if let Some(field) = obj.keys().find(|k| !matches!(k.as_str(), "name" | "kind" | "url" | "headers")) {
        return Err(ConfigError::UnknownField { at, field: field.clone() });
    }
    let string_field = |field: &'static str, expected: &'static str| -> Result<String, ConfigError> {
        match obj.get(field) {
            None => Err(ConfigError::MissingField { at: at.clone(), field, expected }),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(ConfigError::WrongType {
                at: at.clone(),
                field: field.into(),
                expected: "a string",
                found: describe(other),
            }),
        }
    };
    let kind_text = string_field("kind", "\"jaeger\", \"tempo\" or \"zipkin\"")?;
    let kind = BackendKind::from_name(&kind_text)
        .ok_or_else(|| ConfigError::UnknownKind { at: at.clone(), kind: kind_text })?;
    let url_text = string_field("url", "the backend's base address, e.g. \"http://localhost:16686\"")?;
    let url = check_url(&url_text).map_err(|reason| ConfigError::BadUrl { at: at.clone(), url: url_text, reason })?;
    let headers = match obj.get("headers") {
        None | Some(serde_json::Value::Null) => vec![],
        Some(serde_json::Value::Object(h)) => {
            let mut headers = Vec::with_capacity(h.len());
            for (k, v) in h {
                let serde_json::Value::String(v) = v else {
                    return Err(ConfigError::WrongType {
                        at,
                        field: format!("headers.{k}"),
                        expected: "a string",
                        found: describe(v),
                    });
                };
                check_header(k, v).map_err(|reason| ConfigError::BadHeader {
                    at: at.clone(),
                    header: k.clone(),
                    reason,
                })?;
                headers.push((k.clone(), v.clone()));
            }
            crate::order::sort_by(&mut headers, Ord::cmp);
            headers
        }
        Some(other) => {
            return Err(ConfigError::WrongType {
                at,
                field: "headers".into(),
                expected: "an object of header names to string values",
                found: describe(other),
            })
        }
    };
    Ok(BackendConfig { name, kind, url, headers })
}

/// The base address without trailing slashes, or why it cannot be one.
fn check_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    if url.contains('?') || url.contains('#') {
        return Err(
            "has a query (`?`) or fragment (`#`); give only the base address (credentials go in `headers`)".into()
        );
    }
    if url.chars().any(char::is_whitespace) {
        return Err("contains white space".into());
    }
    let base = url.trim_end_matches('/');
    if let Some(k) = url.find("://") {
        let scheme = url[..k].to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!("uses `{scheme}:`; expected an http:// or https:// address"));
        }
        let host = url[k + 3..].split('/').next().unwrap_or("");
        if host.is_empty() {
            return Err("has no host after `://`".into());
        }
        return Ok(base.to_string());
    }
    if url.is_empty() || url.starts_with("./") || url.starts_with("../") || url == "." || url == ".." {
        return Ok(base.to_string());
    }
    if url.starts_with("//") {
        return Err(format!("has no scheme; write https:{url} (or http:)"));
    }
    if url.starts_with('/') {
        return Ok(base.to_string());
    }
    let first = url.split('/').next().unwrap_or("");
    // `javascript:…`, `data:…`, `mailto:…`: a scheme of its own (a letter after the colon, unlike `host:16686`).
    if let Some((scheme, rest)) = first.split_once(':') {
        let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if is_scheme && !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!(
                "uses `{}:`; expected an http:// or https:// address",
                scheme.to_ascii_lowercase().chars().take(20).collect::<String>()
            ));
        }
    }
    if first.contains(':') || first.contains('.') {
        return Err(format!("has no scheme; did you mean \"http://{url}\"?"));
    }
    Err(format!(
        "is neither an http(s):// address nor a path; write \"/{url}\" (from the site's root) or \"./{url}\" (next to spanscope)"
    ))
}

/// Header names browsers refuse to let a page set (fetch drops them silently).
const FORBIDDEN_HEADERS: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

fn check_header(name: &str, value: &str) -> Result<(), String> {
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(is_tchar) {
        return Err("is not a valid header name (letters, digits and `-`, no spaces or `:`)".into());
    }
    let lower = name.to_ascii_lowercase();
    if FORBIDDEN_HEADERS.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-") {
        return Err("browsers do not let a page set this header; configure it on a proxy instead".into());
    }
    if value.chars().any(|c| matches!(c, '\r' | '\n' | '\0')) {
        return Err("the value contains a line break or NUL".into());
    }
    Ok(())
}

/// "a string", "a number", … for error messages.
/// How a config value reads in a message: `null`, `true`, `the number 3`, `the string "x"`, `an array`, ….
pub(crate) fn describe(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("{b}"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the string {}", super::wire::json_string(s)),
        serde_json::Value::Array(_) => "an array".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(json: &str) -> Result<BackendConfig, ConfigError> {
        parse_config(format!(r#"{{"backends":[{json}]}}"#).as_bytes()).map(|mut v| v.remove(0))
    }

    fn err(json: &str) -> String {
        parse_config(json.as_bytes()).unwrap_err().to_string()
    }

    #[test]
    fn empty_configs_have_no_backends() {
        assert_eq!(parse_config(b"{}"), Ok(vec![]));
        assert_eq!(parse_config(br#"{"backends":[]}"#), Ok(vec![]));
        assert_eq!(parse_config(br#"{"backends":null,"title":"x"}"#), Ok(vec![]));
        assert_eq!(parse_config(b"\xEF\xBB\xBF {}"), Ok(vec![]));
    }

    #[test]
    fn backends_are_read_in_order_with_normalized_urls_and_sorted_headers() {
        let got = parse_config(
            br#"{"backends":[
                {"name":" prod ","kind":"Jaeger","url":"https://h/jaeger/"},
                {"name":"tempo","kind":"tempo","url":"/tempo","headers":{"X-Scope-OrgID":"a","Authorization":"Bearer t"}},
                {"name":"z","kind":"zipkin","url":""},
                {"name":"rel","kind":"zipkin","url":"./zipkin/"},
                {"name":"root","kind":"zipkin","url":"/"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], BackendConfig::new("prod", BackendKind::Jaeger, "https://h/jaeger"));
        assert_eq!(got[1].url, "/tempo");
        assert_eq!(
            got[1].headers,
            vec![("Authorization".to_string(), "Bearer t".to_string()), ("X-Scope-OrgID".into(), "a".into())]
        );
        assert_eq!(got[2].url, "");
        assert_eq!(got[3].url, "./zipkin");
        assert_eq!(got[4].url, "");
        assert_eq!(got[0].url_for("/api/v3/services"), "https://h/jaeger/api/v3/services");
        assert_eq!(got[2].url_for("/api/v2/services"), "/api/v2/services");
        assert_eq!(got[3].url_for("/api/v2/services"), "./zipkin/api/v2/services");
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        assert_eq!(err("{"), "config.json is not valid JSON: EOF while parsing an object at line 1, column 1");
        assert_eq!(err("[]"), "config.json must be a JSON object like {\"backends\":[…]}, but it is an array");
        assert_eq!(
            err(r#"{"backends":{}}"#),
            "config.json: `backends` must be an array of backends, but it is an object"
        );
        assert_eq!(
            err(r#"{"backends":["jaeger"]}"#),
            "config.json: backends[0] must be an object with `name`, `kind` and `url`, but it is the string \"jaeger\""
        );
        assert_eq!(
            one(r#"{"kind":"jaeger","url":"/j"}"#).unwrap_err().to_string(),
            "config.json: backends[0] has no `name` (a string)"
        );
        assert_eq!(
            one(r#"{"name":"a","kind":"jaeger"}"#).unwrap_err(),
            ConfigError::MissingField {
                at: "backends[0] (\"a\")".into(),
                field: "url",
                expected: "the backend's base address, e.g. \"http://localhost:16686\""
            }
        );
        assert_eq!(
            one(r#"{"name":"a","kind":"elastic","url":"/j"}"#).unwrap_err().to_string(),
            "config.json: backends[0] (\"a\"): `kind` is \"elastic\"; expected \"jaeger\", \"tempo\" or \"zipkin\""
        );
        assert_eq!(
            one(r#"{"name":"a","kind":"jaeger","url":5}"#).unwrap_err().to_string(),
            "config.json: backends[0] (\"a\"): `url` must be a string, but it is the number 5"
        );
        assert_eq!(
            one(r#"{"name":"  ","kind":"jaeger","url":"/"}"#).unwrap_err(),
            ConfigError::EmptyName { at: "backends[0]".into() }
        );
        assert_eq!(
            one(r#"{"name":"a","kind":"jaeger","url":"/","header":{}}"#).unwrap_err().to_string(),
            "config.json: backends[0] (\"a\"): unknown field `header`; a backend has `name`, `kind`, `url` and `headers`"
        );
        assert_eq!(
            err(r#"{"backends":[{"name":"a","kind":"jaeger","url":"/j"},{"name":"a","kind":"tempo","url":"/t"}]}"#),
            "config.json: backends[0] and backends[1] are both named \"a\"; names must be unique (links name the backend)"
        );
    }

    #[test]
    fn urls_must_be_http_or_a_path() {
        let bad = |url: &str| match one(&format!(r#"{{"name":"a","kind":"jaeger","url":"{url}"}}"#)) {
            Err(ConfigError::BadUrl { reason, .. }) => reason,
            other => panic!("{url}: {other:?}"),
        };
        assert_eq!(bad("localhost:16686"), "has no scheme; did you mean \"http://localhost:16686\"?");
        assert_eq!(
            bad("jaeger.example.com/jaeger"),
            "has no scheme; did you mean \"http://jaeger.example.com/jaeger\"?"
        );
        assert_eq!(bad("ftp://h"), "uses `ftp:`; expected an http:// or https:// address");
        assert_eq!(bad("javascript:alert(1)"), "uses `javascript:`; expected an http:// or https:// address");
        assert_eq!(bad("data:text/html,x"), "uses `data:`; expected an http:// or https:// address");
        assert_eq!(bad("JavaScript:x"), "uses `javascript:`; expected an http:// or https:// address");
        assert_eq!(bad("https://"), "has no host after `://`");
        assert_eq!(bad("//h/j"), "has no scheme; write https://h/j (or http:)");
        assert!(bad("https://h/?token=x").starts_with("has a query"));
        assert!(bad("jaeger").contains("\"/jaeger\""));
        let ok = |url: &str| one(&format!(r#"{{"name":"a","kind":"jaeger","url":"{url}"}}"#)).unwrap().url;
        assert_eq!(ok("HTTPS://h:16686"), "HTTPS://h:16686");
        assert_eq!(ok(" http://h/jaeger// "), "http://h/jaeger");
        assert_eq!(ok("../tempo"), "../tempo");
    }

    #[test]
    fn headers_must_be_strings_a_browser_may_send() {
        let h = |headers: &str| one(&format!(r#"{{"name":"a","kind":"tempo","url":"/t","headers":{headers}}}"#));
        assert_eq!(
            h(r#"{"X-Scope-OrgID":1}"#).unwrap_err().to_string(),
            "config.json: backends[0] (\"a\"): `headers.X-Scope-OrgID` must be a string, but it is the number 1"
        );
        assert_eq!(
            h(r#"{"Cookie":"a=b"}"#).unwrap_err().to_string(),
            "config.json: backends[0] (\"a\"): header `Cookie`: browsers do not let a page set this header; configure it on a proxy instead"
        );
        assert!(matches!(h(r#"{"Bad Name":"x"}"#), Err(ConfigError::BadHeader { .. })));
        assert!(matches!(h(r#"{"X-A":"a\nb"}"#), Err(ConfigError::BadHeader { .. })));
        assert!(matches!(h(r#"["x"]"#), Err(ConfigError::WrongType { .. })));
        assert_eq!(h("null").unwrap().headers, vec![]);
    }
}
