//! Importers: bytes in, spans out. The format is detected from the content, never from a file name:
//! [`detect`] reads only as far into the document as it takes to see which keys it opens with, then the
//! format's own module parses it into a [`TraceSetBuilder`].
//!
//! | format | module | what it reads |
//! |---|---|---|
//! | Jaeger JSON | [`jaeger`] | query-API envelope `{data:[…]}` / `{data:{…}}`, a bare trace, an array of traces, a spans array with embedded `process` |
//! | OTLP JSON | [`otlp`] | `resourceSpans` (and legacy `instrumentationLibrarySpans`), Tempo `batches` and `{"trace":…}`, Jaeger api_v3 `{"result":…}`, JSON Lines |
//! | Zipkin v2 | [`zipkin`] | a span array, a single span, or a list of traces (array of span arrays) |
//!
//! [`import_as`] skips detection and parses with the format it is given.
//!
//! Errors name the problem: an unknown format says what was looked for; malformed JSON gives line and column;
//! a value of the wrong shape gives its JSON path and what was expected.

mod common;
pub mod jaeger;
mod json_path;
pub mod otlp;
pub mod zipkin;

#[cfg(test)]
mod path_differential;

use crate::build::{BuildOptions, TraceSetBuilder};
use crate::trace::Trace;
use std::fmt;

/// A trace file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jaeger,
    Otlp,
    Zipkin,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Jaeger => "Jaeger JSON",
            Format::Otlp => "OTLP JSON",
            Format::Zipkin => "Zipkin v2 JSON",
        })
    }
}

/// Why a document could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("not valid JSON: {message} at line {line}, column {column}")]
    Syntax { message: String, line: usize, column: usize },
    #[error("not a trace format spanscope knows: {found}. Looked for OTLP JSON (`resourceSpans`, Tempo `batches` or `trace`, Jaeger api_v3 `result`), Jaeger JSON (`data`, or a trace with `traceID` and `spans`) and Zipkin v2 (an array of spans with `traceId` and `id`)")]
    UnknownFormat { found: String },
    #[error("{format}: at {path}: {message} (line {line}, column {column})")]
    Shape { format: Format, path: String, message: String, line: usize, column: usize },
    #[error("{format}: {message}")]
    Content { format: Format, message: String },
}

/// What one document contributed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub format: Format,
    pub spans: usize,
    /// Distinct traces the document's spans belong to.
    pub traces: usize,
}

/// Detects the format and parses `bytes` into `b`. On error nothing of this document stays in `b`.
pub fn import_into(b: &mut TraceSetBuilder, bytes: &[u8]) -> Result<ImportSummary, ImportError> {
    let format = detect(bytes)?;
    import_into_as(b, format, bytes)
}

/// Parses `bytes` as `format` into `b`, without detection: for a caller that knows the format, and for fuzzing
/// each format's parser on documents that detection would give to another one. On error nothing of this document
/// stays in `b`.
pub fn import_into_as(b: &mut TraceSetBuilder, format: Format, bytes: &[u8]) -> Result<ImportSummary, ImportError> {
    let cp = b.checkpoint();
    let before = b.span_count();
    let body = strip_bom(bytes);
    // JSON is UTF-8 (RFC 8259): checked once here, so the parsers read a `str` (serde_json then checks no string
    // again, and each parser is compiled for one reader only).
    let text = std::str::from_utf8(body).map_err(|e| not_utf8(body, e.valid_up_to()))?;
    let result = match format {
        Format::Jaeger => jaeger::parse(b, text),
        Format::Otlp => otlp::parse(b, text),
        Format::Zipkin => zipkin::parse(b, text),
    };
    match result {
        Ok(()) => Ok(ImportSummary { format, spans: b.span_count() - before, traces: b.traces_touched_since(before) }),
        Err(e) => {
            b.rollback(cp);
            Err(e)
        }
    }
}

/// Imports one document and builds its traces with default options.
pub fn import(bytes: &[u8]) -> Result<Vec<Trace>, ImportError> {
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, bytes)?;
    Ok(b.finish(&BuildOptions::default()))
}

/// Imports one document as `format` (no detection; see [`import_into_as`]) and builds its traces with default
/// options.
pub fn import_as(format: Format, bytes: &[u8]) -> Result<Vec<Trace>, ImportError> {
    let mut b = TraceSetBuilder::new();
    import_into_as(&mut b, format, bytes)?;
    Ok(b.finish(&BuildOptions::default()))
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// UTF-16 text: a UTF-16 byte order mark, or a NUL byte beside the first character (JSON text in UTF-16 starts
/// with an ASCII character, so one of its first two bytes is 0; UTF-8 JSON has no NUL bytes there).
fn is_utf16(b: &[u8]) -> bool {
    b.starts_with(b"\xFF\xFE") || b.starts_with(b"\xFE\xFF") || (b.len() >= 2 && (b[0] == 0) != (b[1] == 0))
}

/// Which format `bytes` holds, judged from the keys the document opens with.
pub fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    let body = strip_bom(bytes);
    if is_utf16(body) {
        return Err(ImportError::UnknownFormat {
            found: "a UTF-16 text file; trace files are read as UTF-8 JSON (save it as UTF-8)".into(),
        });
    }
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    match s.peek() {
        None => Err(ImportError::Empty),
        Some(b'{') => {
            let keys = s.object_keys(decisive_object_key)?;
            if keys.iter().any(|k| k == "summaries") {
                return Err(ImportError::UnknownFormat {
                    found: "a Jaeger api_v3 trace-summaries answer (`summaries`): it lists traces but holds no spans; \
                            open each trace by id (/api/v3/traces/{id})"
                        .into(),
                });
            }
            classify_object(&keys)
                .ok_or_else(|| ImportError::UnknownFormat { found: describe_keys("a JSON object", &keys) })
        }
        Some(b'[') => {
            s.i += 1;
            s.ws();
            match s.peek() {
                Some(b']') => Ok(Format::Zipkin), // an empty list: Zipkin's answer for "no spans"
                Some(b'[') => Ok(Format::Zipkin), // a list of traces, each a list of spans (Zipkin /api/v2/traces)
                Some(b'{') => {
                    let keys = s.object_keys(decisive_element_key)?;
                    classify_element(&keys).ok_or_else(|| ImportError::UnknownFormat {
                        found: describe_keys("an array whose first element is an object", &keys),
                    })
                }
                // Either valid JSON that is no trace, or not JSON at all (a comment, a bare word): say which.
                Some(_) => Err(match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                    Err(e) => syntax_from(&e),
                    Ok(_) => ImportError::UnknownFormat { found: "an array that does not hold objects".into() },
                }),
                None => Err(s.eof_error()),
            }
        }
        Some(_) => Err(syntax_error(body)),
    }
}

fn decisive_object_key(k: &str) -> bool {
    matches!(
        k,
        "resourceSpans"
            | "resource_spans"
            | "batches"
            | "result"
            | "trace"
            | "data"
            | "spans"
            | "traceID"
            | "spanID"
            | "id"
            | "summaries"
    )
}

fn decisive_element_key(k: &str) -> bool {
    matches!(k, "resourceSpans" | "resource_spans" | "spans" | "spanID" | "operationName" | "id" | "localEndpoint")
}

fn classify_object(keys: &[String]) -> Option<Format> {
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("resourceSpans") || has("resource_spans") || has("batches") || has("result") || has("trace") {
        return Some(Format::Otlp);
    }
    if has("data") || has("spans") || has("traceID") || has("spanID") {
        return Some(Format::Jaeger);
    }
    if has("traceId") && (has("id") || has("localEndpoint")) {
        return Some(Format::Zipkin);
    }
    None
}

fn classify_element(keys: &[String]) -> Option<Format> {
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("resourceSpans") || has("resource_spans") {
        return Some(Format::Otlp);
    }
    if has("spans") || has("spanID") || has("operationName") || has("traceID") {
        return Some(Format::Jaeger);
    }
    if has("id") || has("localEndpoint") || has("traceId") {
        return Some(Format::Zipkin);
    }
    None
}

fn describe_keys(what: &str, keys: &[String]) -> String {
    if keys.is_empty() {
        return format!("{what} with no keys");
    }
    let shown: Vec<String> = keys.iter().take(8).map(|k| format!("`{k}`")).collect();
    format!("{what} with keys {}{}", shown.join(", "), if keys.len() > 8 { ", …" } else { "" })
}

/// The error for bytes that are not UTF-8 at `offset`, with serde_json's line and column (1-based; a column
/// counts bytes).
fn not_utf8(body: &[u8], offset: usize) -> ImportError {
    let before = &body[..offset.min(body.len())];
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&c| c == b'\n').map_or(0, |k| k + 1);
    ImportError::Syntax {
        message: "bytes that are not UTF-8 (invalid unicode; JSON text must be UTF-8)".into(),
        line,
        column: offset - line_start + 1,
    }
}

/// A `serde_json` error turned into [`ImportError::Syntax`].
pub(crate) fn syntax_from(e: &serde_json::Error) -> ImportError {
    let msg = e.to_string();
    // serde_json appends " at line L column C"; keep the message alone.
    let message = match msg.rfind(" at line ") {
        Some(k) => msg[..k].to_string(),
        None => msg,
    };
    // serde_json's own words ("recursion limit exceeded") say nothing to someone holding a trace file.
    let message = if message == "recursion limit exceeded" {
        "arrays and objects nested more than 128 levels deep (the most spanscope reads)".to_string()
    } else {
        message
    };
    ImportError::Syntax { message, line: e.line(), column: e.column() }
}

fn syntax_error(body: &[u8]) -> ImportError {
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Err(e) => syntax_from(&e),
        Ok(_) => ImportError::UnknownFormat { found: "a JSON value that is neither an object nor an array".into() },
    }
}

/// Turns a parse failure into the most useful error: syntax errors with line and column; shape errors (a value
/// of the wrong type, or one the importer refused) with the JSON path of the value, found from the error's
/// position in `doc` by [`json_path`]. Only a failure pays for the path: nothing tracks it while parsing.
///
/// `doc` is the whole buffer the parse read (every document of a JSON Lines file): the error's line and
/// column count from its start, the path from the start of the document that failed.
pub(crate) fn shape_error(format: Format, e: serde_json::Error, doc: &[u8]) -> ImportError {
    if e.is_syntax() || e.is_eof() {
        return syntax_from(&e);
    }
    let path = json_path::error_path(doc, &e);
    let msg = e.to_string();
    let message = match msg.rfind(" at line ") {
        Some(k) => msg[..k].to_string(),
        None => msg,
    };
    ImportError::Shape { format, path: dollar_path(&path), message, line: e.line(), column: e.column() }
}

/// A path as [`json_path::path_at`] writes it (`data[0].spans`, `[0].id`, `.`), as the user reads it:
/// `$.data[0].spans`, `$[0].id`, `$`.
fn dollar_path(path: &str) -> String {
    if path == "." {
        "$".to_string()
    } else if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

/// A minimal JSON scanner for detection: reads the keys of one object, skipping values without building them.
struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    fn eof_error(&self) -> ImportError {
        syntax_error(self.b)
    }

    /// Keys of the object at the cursor, stopping early once a decisive key is seen.
    fn object_keys(&mut self, decisive: fn(&str) -> bool) -> Result<Vec<String>, ImportError> {
        let mut keys = Vec::new();
        self.i += 1; // '{'
        loop {
            self.ws();
            match self.peek() {
                Some(b'}') => return Ok(keys),
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return Err(self.eof_error()),
            }
            let key = self.string()?;
            let stop = decisive(&key);
            keys.push(key);
            if stop {
                return Ok(keys);
            }
            self.ws();
            if self.peek() != Some(b':') {
                return Err(self.eof_error());
            }
            self.i += 1;
            self.ws();
            self.skip_value()?;
        }
    }

    fn string(&mut self) -> Result<String, ImportError> {
        let start = self.i + 1;
        self.i += 1;
        while let Some(c) = self.peek() {
            match c {
                b'\\' => self.i += 2,
                b'"' => {
                    let raw = &self.b[start..self.i];
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(raw).into_owned());
                }
                _ => self.i += 1,
            }
        }
        Err(self.eof_error())
    }

    /// Skips one value (any nesting depth, no recursion).
    fn skip_value(&mut self) -> Result<(), ImportError> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                None => return Err(self.eof_error()),
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.i += 1;
                }
                Some(b'}' | b']') => {
                    if depth == 0 {
                        return Ok(()); // end of the enclosing object: the value was empty (malformed); let the parser say so
                    }
                    depth -= 1;
                    self.i += 1;
                }
                Some(b',') if depth == 0 => return Ok(()),
                Some(_) => self.i += 1,
            }
            if depth == 0 {
                // A scalar or a closed container: stop at the next separator.
                self.ws();
                match self.peek() {
                    Some(b',' | b'}' | b']') | None => return Ok(()),
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_from_content_alone() {
        assert_eq!(detect(br#"{"resourceSpans":[]}"#), Ok(Format::Otlp));
        assert_eq!(detect(br#"{"batches":[]}"#), Ok(Format::Otlp));
        assert_eq!(detect(br#"{"result":{"resourceSpans":[]}}"#), Ok(Format::Otlp));
        assert_eq!(detect(br#"{"total":0,"data":[]}"#), Ok(Format::Jaeger));
        assert_eq!(detect(br#"{"traceID":"a","spans":[]}"#), Ok(Format::Jaeger));
        assert_eq!(detect(br#"[{"traceID":"a","spanID":"b"}]"#), Ok(Format::Jaeger));
        assert_eq!(detect(br#"[{"traceId":"a","id":"b"}]"#), Ok(Format::Zipkin));
        assert_eq!(detect(br#"{"traceId":"a","name":"x","id":"b"}"#), Ok(Format::Zipkin));
        assert_eq!(detect(br#"[[{"traceId":"a","id":"b"}]]"#), Ok(Format::Zipkin));
        assert_eq!(detect(b"\xEF\xBB\xBF {\"resourceSpans\":[]}"), Ok(Format::Otlp));
        assert_eq!(detect(br#"  {"x":{"nested":[1,2,{"resourceSpans":1}]},"resourceSpans":[]}"#), Ok(Format::Otlp));
    }

    #[test]
    fn import_as_parses_with_the_named_format_only() {
        // Detection calls this Jaeger (`data`); read as OTLP it is an OTLP document with no spans.
        let doc = br#"{"data":[],"resourceSpans":[]}"#;
        assert_eq!(detect(doc), Ok(Format::Jaeger));
        assert!(import_as(Format::Otlp, doc).unwrap().is_empty());
        let zipkin = br#"[{"traceId":"0a","id":"0b","name":"x","timestamp":1,"duration":2}]"#;
        assert_eq!(import_as(Format::Zipkin, zipkin).unwrap().len(), 1);
        let e = import_as(Format::Jaeger, b"").unwrap_err();
        assert!(matches!(e, ImportError::Syntax { .. }), "{e:?}");
    }

    #[test]
    fn unknown_and_broken_documents_say_what_they_are() {
        assert_eq!(detect(b"   "), Err(ImportError::Empty));
        let e = detect(br#"{"hello":"world"}"#).unwrap_err().to_string();
        assert!(e.contains("`hello`") && e.contains("resourceSpans"), "{e}");
        let e = detect(br#"{"hello":"#).unwrap_err();
        assert!(matches!(e, ImportError::Syntax { line: 1, .. }), "{e:?}");
        let e = detect(b"nonsense").unwrap_err();
        assert!(matches!(e, ImportError::Syntax { .. }), "{e:?}");
    }
}
