//! Importers: bytes in, spans out. The format is detected from the content, never from a file name:
//! [`detect`] reads only as far into the document as it takes to see which keys it opens with, then the
//! format's own module parses it into a [`TraceSetBuilder`].
//!
//! | format | module | what it reads |
//! |---|---|---|
//! | Jaeger JSON | [`jaeger`] | query-API envelope `{data:[…]}` / `{data:{…}}`, a bare trace, an array of traces, a spans array with embedded `process` |
//! | OTLP JSON | [`otlp`] | `resourceSpans` (and legacy `instrumentationLibrarySpans`), Tempo `batches` and `{"trace":…}`, Jaeger api_v3 `{"result":…}`, JSON Lines |
//! | Zipkin v2 | [`zipkin`] | a span array, a single span, or a list of traces (array of span arrays) |
//! | OpenTelemetry console JSON | [`console`] | spans as the Python SDK's `ConsoleSpanExporter` and the Go SDK's `stdouttrace` print them |
//!
//! [`import_as`] skips detection and parses with the format it is given. [`import_stream_into`] reads a document
//! that is never held whole (a file larger than memory should hold twice): it opens the document as a reader,
//! once for the main pass and again for the rare second pass (see [`Input`]).
//!
//! Errors name the problem: an unknown format says what was looked for; malformed JSON gives line and column;
//! a value of the wrong shape gives its JSON path and what was expected.

mod common;
pub mod console;
pub mod jaeger;
mod json_path;
pub mod otlp;
pub mod zipkin;

#[cfg(test)]
mod path_differential;
mod scan;

use crate::build::{BuildOptions, TraceSetBuilder};
use crate::trace::Trace;
use scan::{Scan, ScanError, Scanned};
use serde::de::DeserializeSeed;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

/// A trace file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jaeger,
    Otlp,
    Zipkin,
    /// The OpenTelemetry SDKs' console output (Python `ConsoleSpanExporter`, Go `stdouttrace`).
    Console,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Jaeger => "Jaeger JSON",
            Format::Otlp => "OTLP JSON",
            Format::Zipkin => "Zipkin v2 JSON",
            Format::Console => "OpenTelemetry console JSON",
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
    #[error("not a trace format spanscope knows: {found}. Looked for OTLP JSON (`resourceSpans`, Tempo `batches` or `trace`, Jaeger api_v3 `result`), Jaeger JSON (`data`, or a trace with `traceID` and `spans`), Zipkin v2 (an array of spans with `traceId` and `id`) and the OpenTelemetry SDKs' console output (Python `context` and `start_time`, Go `SpanContext` and `StartTime`)")]
    UnknownFormat { found: String },
    #[error("{format}: at {path}: {message} (line {line}, column {column})")]
    Shape { format: Format, path: String, message: String, line: usize, column: usize },
    #[error("{format}: {message}")]
    Content { format: Format, message: String },
    #[error("the file could not be read: {message}")]
    Read { message: String },
}

/// A document read as a stream: it can be opened from its start as often as the importers need (once, and once
/// more for a second pass or an error's JSON path; see [`Input`]). A file is one.
pub trait Reopen {
    /// A fresh reader of the document's bytes from the start.
    fn open(&self) -> io::Result<Box<dyn Read + '_>>;

    /// A fresh reader of the document's first `max_bytes` at most: what format detection reads. Separate from
    /// [`Reopen::open`] so that a document can tell a look at its start from a pass over it (the app reports
    /// progress for passes only, and names a second pass as one).
    fn open_prefix(&self, max_bytes: u64) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(self.open()?.take(max_bytes)))
    }

    /// The document's size in bytes, when known: a small document gets a buffer its size, not 4 MB.
    fn len_bytes(&self) -> Option<u64> {
        None
    }
}

/// Bytes in memory read as a stream: for tests and benchmarks of the stream path.
impl Reopen for &[u8] {
    fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(*self))
    }

    fn len_bytes(&self) -> Option<u64> {
        Some(self.len() as u64)
    }
}

/// A document as the importers read it.
///
/// - `Text`: the whole document in memory, its UTF-8 checked once. serde_json then reads strings in place and
///   borrows them; this is the fast path, for every document that fits in memory beside its model.
/// - `Stream`: a reader, for documents too large to hold (a 1M-span file is 0.5–0.8 GB; in the browser it would
///   sit in wasm memory beside the model being built). A byte scanner ([`scan`]) reads the envelope and hands
///   each span whole, as text, to the code that reads `Text` (see [`Elements`]), so it takes 1.25–1.45× the time
///   of `Text` natively (one more pass over each span's bytes, and a copy); the few things that need the
///   document again (a second pass, the JSON path of an error) open it again.
#[derive(Clone, Copy)]
pub(crate) enum Input<'a> {
    Text(&'a str),
    Stream(&'a dyn Reopen),
}

/// Bytes a stream reader buffers (the app's file reader reads a chunk this size per call).
const STREAM_BUFFER_BYTES: usize = 4 << 20;

/// Why a parse stopped: serde_json's error for text, the scanner's for a stream (see [`shape_error`]).
#[derive(Debug)]
pub(crate) enum ParseError {
    /// serde_json's error, and the byte offset in the text where the deserializer that gave it started (a
    /// document of several values reads each with a deserializer of its own; see [`Input::read`]).
    Text(serde_json::Error, usize),
    Stream(ScanError),
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> Self {
        ParseError::Text(e, 0)
    }
}

impl From<ScanError> for ParseError {
    fn from(e: ScanError) -> Self {
        ParseError::Stream(e)
    }
}

impl<'a> Input<'a> {
    /// Gives every JSON value in the input (one document, or several: OTLP JSON Lines) to `reader` in turn.
    pub(crate) fn each_value<T: ValueReader>(self, reader: &mut T) -> Result<(), ParseError> {
        self.read(reader, true)
    }

    /// Gives the input, which must be one JSON value (then only whitespace), to `reader`.
    pub(crate) fn one_value<T: ValueReader>(self, reader: &mut T) -> Result<(), ParseError> {
        self.read(reader, false)
    }

    fn read<T: ValueReader>(self, reader: &mut T, several: bool) -> Result<(), ParseError> {
        /// Each value to `reader`, then whitespace only (`end`), or with `several` another value.
        fn values<'de, K, D, E, T>(
            de: &mut D,
            end: fn(&mut D) -> Result<(), E>,
            reader: &mut T,
            several: bool,
        ) -> Result<(), ParseError>
        where
            K: Elements,
            for<'x> &'x mut D: serde::Deserializer<'de, Error = E>,
            ParseError: From<E>,
            T: ValueReader,
        {
            loop {
                reader.value::<K, _>(&mut *de)?;
                match end(de) {
                    Ok(()) => return Ok(()),
                    Err(e) if !several => return Err(e.into()),
                    Err(_) => {}
                }
            }
        }
        match self {
            Input::Text(text) if several => {
                // Each value is read by a deserializer of its own, from where the value starts. serde_json finds
                // the line and column of an error (the "trailing characters" that say another value follows is
                // one) by counting lines from the start of its input: over one deserializer, a document of many
                // values (a span per value, as the SDKs' console exporters print them) took quadratic time.
                let mut base = 0;
                loop {
                    let rest = &text[base..];
                    let de = &mut serde_json::Deserializer::from_str(rest);
                    reader.value::<InPlace, _>(&mut *de).map_err(|e| ParseError::Text(e, base))?;
                    match de.end() {
                        Ok(()) => return Ok(()),
                        // The error stands on the next value's first byte; its column counts from 1.
                        Err(e) => base += json_path::offset_of(rest.as_bytes(), e.line(), e.column()).max(1) - 1,
                    }
                }
            }
            Input::Text(text) => {
                let de = &mut serde_json::Deserializer::from_str(text);
                values::<InPlace, _, _, _>(de, serde_json::Deserializer::end, reader, several)
            }
            Input::Stream(doc) => {
                let stream =
                    open_without_bom(doc).map_err(|e| ScanError { offset: 0, message: e.to_string(), io: true })?;
                values::<Scanned, _, _, _>(&mut Scan::new(stream), Scan::end, reader, several)
            }
        }
    }
}

/// What reads the JSON values of an input ([`Input::each_value`], [`Input::one_value`]). `K` is how the
/// importer reads its elements (see [`Elements`]): [`InPlace`] for text, [`Scanned`] for a stream.
pub(crate) trait ValueReader {
    fn value<'de, K: Elements, D: serde::Deserializer<'de>>(&mut self, d: D) -> Result<(), D::Error>;
}

/// How an importer reads its elements: each span, and the other values it reads through [`Elem`] (resources,
/// scopes, processes, the fields of a span that is not in a `spans` array).
///
/// The importers' visitors are generic over serde's `Deserializer`, so each one is compiled once for every
/// deserializer it is used with. Text is read in place ([`InPlace`]). A stream ([`Scanned`]) is read by a byte
/// scanner ([`scan`]) that hands each element whole, as text, to the very code that reads text: the element
/// visitors, nearly all of an importer, exist once in the wasm, and a stream takes 1.25–1.45× the time of text.
///
/// An element is one span, resource, scope or trace's processes, never a `spans` array: memory stays small
/// however large the document. Nesting is limited to 128 levels per element for a stream (per document in
/// memory), so a stream reads values nested deeper than memory does.
pub(crate) trait Elements {
    fn read<'de, D, S, V>(d: D, seed: S) -> Result<V, D::Error>
    where
        D: serde::Deserializer<'de>,
        S: for<'a> DeserializeSeed<'a, Value = V>;

    /// `seed`'s value read whole (as [`Elements::read`] does) when it is an object, else where it stands: for an
    /// array's elements that are spans or arrays of spans (Zipkin's list of traces).
    fn read_if_object<'de, D, S>(d: D, seed: S) -> Result<S::Value, D::Error>
    where
        D: serde::Deserializer<'de>,
        S: WholeIfObject<'de>;
}

/// A seed whose value, when it is an object, can be read whole by [`WholeIfObject::Whole`].
pub(crate) trait WholeIfObject<'de>: DeserializeSeed<'de> {
    type Whole: for<'a> DeserializeSeed<'a, Value = Self::Value>;
    fn whole(self) -> Self::Whole;
}

/// Elements read where they stand (a document in memory).
pub(crate) enum InPlace {}

impl Elements for InPlace {
    fn read<'de, D, S, V>(d: D, seed: S) -> Result<V, D::Error>
    where
        D: serde::Deserializer<'de>,
        S: for<'a> DeserializeSeed<'a, Value = V>,
    {
        seed.deserialize(d)
    }

    fn read_if_object<'de, D, S>(d: D, seed: S) -> Result<S::Value, D::Error>
    where
        D: serde::Deserializer<'de>,
        S: WholeIfObject<'de>,
    {
        seed.deserialize(d)
    }
}

/// `seed`, read as `K` reads elements.
pub(crate) struct Elem<K, S>(S, std::marker::PhantomData<K>);

pub(crate) fn elem<K, S>(seed: S) -> Elem<K, S> {
    Elem(seed, std::marker::PhantomData)
}

impl<'de, K, S, V> DeserializeSeed<'de> for Elem<K, S>
where
    K: Elements,
    S: for<'a> DeserializeSeed<'a, Value = V>,
{
    type Value = V;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<V, D::Error> {
        K::read(d, self.0)
    }
}

/// A fresh reader of the document, past its byte order mark if it has one, buffered.
fn open_without_bom(doc: &dyn Reopen) -> io::Result<BufReader<Box<dyn Read + '_>>> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let capacity = doc.len_bytes().map_or(STREAM_BUFFER_BYTES, |n| (n as usize).clamp(64, STREAM_BUFFER_BYTES));
    let mut r = BufReader::with_capacity(capacity, doc.open()?);
    let start = r.fill_buf()?;
    if start.starts_with(BOM) {
        r.consume(BOM.len());
        return Ok(r);
    }
    if start.is_empty() || start.len() >= BOM.len() || !BOM.starts_with(start) {
        return Ok(r);
    }
    // A reader that gave fewer than three bytes, all the start of a BOM: read on to see.
    let mut head = start.to_vec();
    r.consume(head.len());
    while head.len() < BOM.len() {
        let got = r.fill_buf()?;
        if got.is_empty() {
            break;
        }
        let n = got.len().min(BOM.len() - head.len());
        head.extend_from_slice(&got[..n]);
        r.consume(n);
    }
    if head == BOM {
        return Ok(r);
    }
    // Not a BOM after all: give the bytes back in front of the rest.
    let rest: Box<dyn Read + '_> = Box::new(io::Cursor::new(head).chain(r));
    Ok(BufReader::with_capacity(capacity, rest))
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
    let body = strip_bom(bytes);
    // JSON is UTF-8 (RFC 8259): checked once here, so the parsers read a `str` (serde_json then checks no string
    // again).
    let text = std::str::from_utf8(body).map_err(|e| not_utf8(body, e.valid_up_to()))?;
    import_input(b, format, Input::Text(text))
}

/// Detects the format and parses the document `doc` into `b`, never holding it whole (see [`Input`]):
/// for a document too large to hold beside its model. `doc` is opened once for detection, once for the parse,
/// and again only when the importer needs a second pass or an error's JSON path. On error nothing of this
/// document stays in `b`.
pub fn import_stream_into(b: &mut TraceSetBuilder, doc: &dyn Reopen) -> Result<ImportSummary, ImportError> {
    let format = detect_stream(doc)?;
    import_stream_into_as(b, format, doc)
}

/// [`import_stream_into`] without detection.
pub fn import_stream_into_as(
    b: &mut TraceSetBuilder,
    format: Format,
    doc: &dyn Reopen,
) -> Result<ImportSummary, ImportError> {
    import_input(b, format, Input::Stream(doc))
}

/// Bytes of a stream that detection reads first; it reads more (up to [`DETECT_MAX_BYTES`]) while the keys it
/// looks for have not come.
const DETECT_FIRST_BYTES: usize = 64 * 1024;
const DETECT_MAX_BYTES: usize = 64 * 1024 * 1024;

/// [`detect`] for a stream: on its first bytes, more while they end before the format shows.
fn detect_stream(doc: &dyn Reopen) -> Result<Format, ImportError> {
    let read_error = |e: io::Error| ImportError::Read { message: e.to_string() };
    let mut want = DETECT_FIRST_BYTES;
    loop {
        let mut head = Vec::new();
        doc.open_prefix(want as u64).map_err(read_error)?.read_to_end(&mut head).map_err(read_error)?;
        let complete = head.len() < want;
        match detect(&head) {
            Err(e) if !complete && is_cut(&e) && want < DETECT_MAX_BYTES => want *= 4,
            Err(e) if !complete && is_cut(&e) => {
                // The document's start is valid JSON that keeps going past what detection reads: no format
                // shows in it.
                return Err(ImportError::UnknownFormat {
                    found: format!("a document whose first {} MB open no key of a trace format", want >> 20),
                });
            }
            result => return result,
        }
    }
}

/// The error of a document's start cut short (by `take`, or at an error's position): an end too early, not
/// malformed JSON.
fn is_cut(e: &ImportError) -> bool {
    match e {
        ImportError::Syntax { message, .. } => message.starts_with("EOF"),
        ImportError::Empty => true,
        _ => false,
    }
}

fn import_input(b: &mut TraceSetBuilder, format: Format, input: Input<'_>) -> Result<ImportSummary, ImportError> {
    let cp = b.checkpoint();
    let before = b.span_count();
    let result = match format {
        Format::Jaeger => jaeger::parse(b, input),
        Format::Otlp => otlp::parse(b, input),
        Format::Zipkin => zipkin::parse(b, input),
        Format::Console => console::parse(b, input),
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

/// UTF-16 text: a UTF-16 byte order mark, or a NUL byte beside an ASCII first character (JSON text in UTF-16
/// starts with an ASCII character, so one of its first two bytes is 0 and the other is that character; UTF-8 JSON
/// has no NUL bytes there).
fn is_utf16(b: &[u8]) -> bool {
    let ascii = |c: u8| c.is_ascii_graphic() || c.is_ascii_whitespace();
    b.starts_with(b"\xFF\xFE")
        || b.starts_with(b"\xFE\xFF")
        || (b.len() >= 2 && ((b[0] == 0 && ascii(b[1])) || (b[1] == 0 && ascii(b[0]))))
}

/// Bytes of a document's start that [`binary_kind`] looks at.
const BINARY_SNIFF_BYTES: usize = 512;

/// What a document that is not text is, when it is not: compressed, an archive, protobuf (what the Collector's
/// file exporter writes with `format: proto`, what Tempo answers without `Accept: application/json`), or some
/// other binary file. A compressed file opens with its format's magic number; JSON text has no control characters
/// but tab, line feed and carriage return. A document that opens like JSON (`{` or `[` after white space) is left
/// to the parser, which names the place of a stray control character.
fn binary_kind(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0x1F, 0x8B]) {
        return Some("a gzip-compressed file (decompress it, e.g. with `gunzip`, and open the JSON inside)");
    }
    if b.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        return Some(
            "a zstd-compressed file (the Collector's file exporter writes one with `compression: zstd`; decompress \
             it with `zstd -d`, or export without compression, and open the JSON inside)",
        );
    }
    if b.starts_with(b"PK\x03\x04") {
        return Some("a zip archive (extract it and open the JSON files inside)");
    }
    let head = &b[..b.len().min(BINARY_SNIFF_BYTES)];
    let opens_like_json = matches!(head.iter().find(|c| !c.is_ascii_whitespace()), Some(b'{' | b'['));
    if opens_like_json || !head.iter().any(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r')) {
        return None;
    }
    Some(match b {
        // A 4-byte big-endian length, then a message whose first field is its list of resource spans.
        [0, _, _, _, 0x0A, ..] => {
            "binary OTLP protobuf, as the Collector's file exporter writes it with `format: proto` (spanscope reads \
             its JSON: set `format: json`)"
        }
        [0x0A, ..] => {
            "binary protobuf, not JSON (an OTLP export request, or Tempo's /api/traces/{id} answer asked for \
             without `Accept: application/json`); spanscope reads the JSON form of these"
        }
        _ => "a binary file, not JSON text (it has control characters in its first bytes)",
    })
}

/// Which format `bytes` holds, judged from the keys the document opens with.
pub fn detect(bytes: &[u8]) -> Result<Format, ImportError> {
    let body = strip_bom(bytes);
    if is_utf16(body) {
        return Err(ImportError::UnknownFormat {
            found: "a UTF-16 text file; trace files are read as UTF-8 JSON (save it as UTF-8)".into(),
        });
    }
    if let Some(kind) = binary_kind(body) {
        return Err(ImportError::UnknownFormat { found: kind.into() });
    }
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    match s.peek() {
        None => Err(ImportError::Empty),
        Some(b'{') => {
            let mut keys = s.object_keys(decisive_object_key)?;
            // OTLP JSON Lines may open with empty documents (`{}`: an export request with nothing in it, as
            // protobuf's JSON mapping writes one): the first document with keys decides, if it is OTLP.
            let mut later = Vec::new();
            while keys.is_empty() && later.is_empty() {
                s.i += 1; // '}'
                s.ws();
                if s.peek() != Some(b'{') {
                    break;
                }
                later = s.object_keys(decisive_object_key)?;
            }
            if classify_object(&later) == Some(Format::Otlp) {
                keys = later;
            }
            if keys.iter().any(|k| k == "summaries") {
                return Err(ImportError::UnknownFormat {
                    found: "a Jaeger api_v3 trace-summaries answer (`summaries`): it lists traces but holds no spans; \
                            open each trace by id (/api/v3/traces/{id})"
                        .into(),
                });
            }
            if let Some(e) = keys.iter().any(|k| k == "error").then(|| gateway_error(body)).flatten() {
                return Err(e);
            }
            classify_object(&keys).ok_or_else(|| ImportError::UnknownFormat {
                found: other_answer(&keys).map_or_else(|| describe_keys("a JSON object", &keys), String::from),
            })
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
                Some(c) => Err(match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                    Err(e) => syntax_from(&e),
                    Ok(_) if c == b'"' => ImportError::UnknownFormat {
                        found: "an array that does not hold objects (its first element is a string: a list of \
                                names, such as Zipkin's /api/v2/services answer, holds no spans)"
                            .into(),
                    },
                    Ok(_) => ImportError::UnknownFormat { found: "an array that does not hold objects".into() },
                }),
                None => Err(s.eof_error()),
            }
        }
        Some(_) => Err(syntax_error(body)),
    }
}

/// A Jaeger api_v3 error answer (`{"error":{"httpCode":404,"message":"No traces found"}}`, the body of its 400,
/// 404 and 500 answers), saved as a file or fetched by `?url=`: the server's own words. Read with the detection
/// scanner (a serde type of its own would add 4 KB to the wasm).
fn gateway_error(body: &[u8]) -> Option<ImportError> {
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    let (mut code, mut message) = (None, None);
    // `{"error":{…}}`: walk to the inner object's keys.
    let key = |s: &mut Scanner<'_>| -> Option<String> {
        s.ws();
        if s.peek() == Some(b',') {
            s.i += 1;
            s.ws();
        }
        let k = (s.peek() == Some(b'"')).then(|| s.string().ok()).flatten()?;
        s.ws();
        (s.peek() == Some(b':')).then(|| s.i += 1)?;
        s.ws();
        Some(k)
    };
    (s.peek() == Some(b'{')).then(|| s.i += 1)?;
    while key(&mut s)? != "error" {
        s.skip_value().ok()?;
    }
    (s.peek() == Some(b'{')).then(|| s.i += 1)?;
    while let Some(k) = key(&mut s) {
        match k.as_str() {
            "message" if s.peek() == Some(b'"') => {
                // The scanner's string is the raw text; serde_json undoes its escapes (`\"`, `\n`, `\u00e9`).
                let from = s.i;
                let raw = s.string().ok();
                message = serde_json::from_slice::<String>(&body[from..s.i]).ok().or(raw);
            }
            "httpCode" => {
                let from = s.i;
                s.skip_value().ok()?;
                code = std::str::from_utf8(&body[from..s.i]).ok().and_then(|t| t.trim().parse::<u16>().ok());
            }
            _ => s.skip_value().ok()?,
        }
    }
    let code = code.map(|c| format!(" (HTTP {c})")).unwrap_or_default();
    Some(ImportError::Content {
        format: Format::Jaeger,
        message: format!("the server answered with an error{code}: {}; the file holds no trace", message?),
    })
}

/// What a backend answer that holds no spans is, by its keys: the other answers of the query APIs spanscope
/// reads, saved as files or fetched by `?url=`.
fn other_answer(keys: &[String]) -> Option<&'static str> {
    let has = |k: &str| keys.iter().any(|x| x == k);
    Some(if has("traces") {
        "a list of traces without their spans (`traces`, as Tempo's /api/search answers): open each trace by id \
         (/api/traces/{id})"
    } else if has("tagNames") || has("scopes") || has("tagValues") {
        "a Tempo tag answer (`tagNames`, `scopes` or `tagValues`): it lists tags and holds no spans"
    } else if has("services") || has("operations") {
        "a Jaeger api_v3 answer of service or operation names (`services`, `operations`): it holds no spans"
    } else {
        return None;
    })
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
            | "summaries"
            | "resourceMetrics"
            | "resourceLogs"
            | "resource_metrics"
            | "resource_logs"
            | "scopeSpans"
            | "scope_spans"
            | "instrumentationLibrarySpans"
            | "instrumentation_library_spans"
            | "deprecatedScopeSpans"
            | "deprecated_scope_spans"
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
    // The Collector's file exporter writes every pipeline into one file when they share it: the traces may come
    // after lines of metrics or logs.
    if ["resourceMetrics", "resourceLogs", "resource_metrics", "resource_logs"].iter().any(|k| has(k)) {
        return Some(Format::Otlp);
    }
    // A bare ResourceSpans (opentelemetry-java's `logging-otlp` exporter writes one per line).
    let bare = [
        "scopeSpans",
        "scope_spans",
        "instrumentationLibrarySpans",
        "instrumentation_library_spans",
        "deprecatedScopeSpans",
        "deprecated_scope_spans",
    ];
    if bare.iter().any(|k| has(k)) {
        return Some(Format::Otlp);
    }
    if has("data") || has("spans") || has("traceID") || has("spanID") {
        return Some(Format::Jaeger);
    }
    if has("traceId") && (has("id") || has("localEndpoint")) {
        return Some(Format::Zipkin);
    }
    is_console_span(keys).then_some(Format::Console)
}

/// A span printed by the Python SDK's `ConsoleSpanExporter` (`context`, `parent_id`, `start_time`) or the Go
/// SDK's `stdouttrace` (`SpanContext`, `Parent`, `StartTime`).
fn is_console_span(keys: &[String]) -> bool {
    let has = |k: &str| keys.iter().any(|x| x == k);
    (has("context") && (has("parent_id") || has("start_time") || has("end_time")))
        || (has("SpanContext") && (has("StartTime") || has("Parent") || has("Name")))
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
    is_console_span(keys).then_some(Format::Console)
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
    let message = message_of(e);
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
/// position in the document by [`json_path`]. Only a failure pays for the path: nothing tracks it while parsing.
///
/// The document is the whole input the parse read (every document of a JSON Lines file): the error's line and
/// column count from its start, the path from the start of the document that failed. A stream is read again up
/// to the error for it.
pub(crate) fn shape_error(format: Format, e: ParseError, input: Input<'_>) -> ImportError {
    match (e, input) {
        (ParseError::Text(e, base), Input::Text(text)) => text_error(format, &e, text.as_bytes(), base),
        (ParseError::Stream(e), Input::Stream(doc)) => stream_error(format, e, doc),
        // Each input gives its own kind of error; a mix has no position to look at.
        (ParseError::Text(e, _), Input::Stream(_)) => syntax_from(&e),
        (ParseError::Stream(e), Input::Text(_)) => ImportError::Syntax { message: e.message, line: 0, column: 0 },
    }
}

/// The error `e` of a deserializer that read `doc` from byte `base` on.
fn text_error(format: Format, e: &serde_json::Error, doc: &[u8], base: usize) -> ImportError {
    if e.is_io() {
        return ImportError::Read { message: e.to_string() };
    }
    // `e`'s line and column count from `base`: in the document, its lines come after those before `base`, and
    // on its first line its columns after those of `base`'s line.
    let before = &doc[..base];
    let line_start = before.iter().rposition(|&c| c == b'\n').map_or(0, |k| k + 1);
    let line = before.iter().filter(|&&c| c == b'\n').count() + e.line();
    let column = if e.line() == 1 { base - line_start + e.column() } else { e.column() };
    if e.is_syntax() || e.is_eof() {
        return match syntax_from(e) {
            ImportError::Syntax { message, .. } => ImportError::Syntax { message, line, column },
            other => other,
        };
    }
    let path = dollar_path(&json_path::error_path(&doc[base..], e));
    ImportError::Shape { format, path, message: message_of(e), line, column }
}

/// A stream's failure. The scanner knows where it stood, not which value was at fault (a failure inside an
/// element stands just past it). So the document's start is read again, up to there and a little more, and
/// parsed in memory: it fails at the same value, with serde_json's exact words, line, column and JSON path.
fn stream_error(format: Format, e: ScanError, doc: &dyn Reopen) -> ImportError {
    if e.io {
        return ImportError::Read { message: e.message };
    }
    let want = e.offset.saturating_add(4096);
    let mut prefix = Vec::new();
    if let Err(again) = open_without_bom(doc).and_then(|r| r.take(want).read_to_end(&mut prefix)) {
        return ImportError::Read {
            message: format!("{} (then the file could not be read again: {again})", e.message),
        };
    }
    let whole = (prefix.len() as u64) < want;
    let valid = match std::str::from_utf8(&prefix) {
        Ok(text) => text,
        Err(bad) if (bad.valid_up_to() as u64) < e.offset || whole => return not_utf8(&prefix, bad.valid_up_to()),
        Err(bad) => std::str::from_utf8(&prefix[..bad.valid_up_to()]).unwrap_or_default(),
    };
    match import_input(&mut TraceSetBuilder::new(), format, Input::Text(valid)) {
        Err(exact @ ImportError::Shape { .. }) => exact,
        // A start cut short ends too early; the real failure is further on, or it is that end.
        Err(exact @ ImportError::Syntax { .. }) if whole || !is_cut(&exact) => exact,
        _ => {
            let at = &prefix[..(e.offset as usize).min(prefix.len())];
            let line = at.iter().filter(|&&c| c == b'\n').count() + 1;
            let line_start = at.iter().rposition(|&c| c == b'\n').map_or(0, |k| k + 1);
            ImportError::Syntax { message: e.message, line, column: at.len() - line_start + 1 }
        }
    }
}

/// A `serde_json` error's message without the " at line L column C" it appends.
fn message_of(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(k) => msg[..k].to_string(),
        None => msg,
    }
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
