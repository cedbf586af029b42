//! The stream path (`import_stream_into`: a document read through `io::Read`, never held whole, for files too
//! large to hold beside their model) gives what the in-memory path gives: the same traces, byte for byte once
//! encoded, and the same errors, for every fixture and for readers that hand out 1, 7 or 64 KiB at a time (a
//! value, a string or an escape split between two reads).

use spanscope_model::codec::traces_to_bytes;
use spanscope_model::testing::Pieces;
use spanscope_model::{import_into, import_stream_into, BuildOptions, Format, ImportError, Reopen, TraceSetBuilder};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A document whose reads fail after `ok_bytes` bytes.
struct Failing<'a> {
    doc: &'a [u8],
    ok_bytes: usize,
}

impl Reopen for Failing<'_> {
    fn open(&self) -> io::Result<Box<dyn Read + '_>> {
        let head = &self.doc[..self.ok_bytes.min(self.doc.len())];
        let fail = io::Error::other("the disk went away");
        Ok(Box::new(head.chain(FailingRead(Some(fail)))))
    }
}

struct FailingRead(Option<io::Error>);

impl Read for FailingRead {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self.0.take().unwrap_or_else(|| io::Error::other("again")))
    }
}

/// Encoded traces, or the error, of an import through `import_into` (in memory).
fn in_memory(doc: &[u8]) -> Result<Vec<u8>, ImportError> {
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, doc)?;
    Ok(traces_to_bytes(&b.finish(&BuildOptions::default())))
}

fn streamed(doc: &dyn Reopen) -> Result<Vec<u8>, ImportError> {
    let mut b = TraceSetBuilder::new();
    import_stream_into(&mut b, doc)?;
    Ok(traces_to_bytes(&b.finish(&BuildOptions::default())))
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for dir in ["jaeger", "otlp", "tempo", "zipkin", "console", "hostile", "fuzz"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json" || e == "txt") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_imports_the_same_from_a_stream_in_pieces_of_any_size() {
    let mut compared = (0, 0);
    for path in fixtures() {
        let doc = std::fs::read(&path).unwrap();
        let expected = in_memory(&doc);
        for piece in [1, 7, 64 * 1024] {
            let stream = Pieces::new(&doc, piece);
            let got = streamed(&stream);
            if let Err(ImportError::Syntax { message, line, .. }) = &expected {
                if message.starts_with("bytes that are not UTF-8") {
                    // In memory the UTF-8 is checked first, and its first bad byte reported; a stream reports the
                    // first error it meets in document order, which may be another syntax error before it.
                    let at_or_before = matches!(&got, Err(ImportError::Syntax { line: l, .. }) if l <= line);
                    assert!(at_or_before, "{}: {got:?}", path.display());
                    continue;
                }
            }
            assert_eq!(got, expected, "{} in pieces of {piece} bytes", path.display());
        }
        if expected.is_ok() {
            compared.0 += 1
        } else {
            compared.1 += 1
        }
    }
    // Both outcomes are covered: imports, and errors (syntax and shape, with their JSON paths).
    assert!(compared.0 >= 40 && compared.1 >= 3, "{compared:?}");
}

#[test]
fn broken_documents_give_the_same_errors_from_a_stream() {
    let docs: [&[u8]; 13] = [
        b"",
        b"   \n ",
        b"nonsense",
        br#"{"hello":"world"}"#,
        br#"{"data":[{"traceID":"1","spans":[{"spanID":"a","startTime":"soon"}]}]}"#,
        br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02","kind":[]}]}]}]}"#,
        br#"[{"traceId":"1","id":"2","timestamp":{}}]"#,
        b"\xEF\xBB\xBF[{\"traceId\":\"1\",\"id\":\"2\",\"timestamp\":1,\"duration\":\"x\"}]",
        br#"[{"traceId":"1","id":"2"}] trailing"#,
        b"[{\"traceId\":\"1\",\"id\":\"2\",\"name\":\"caf\xE9\"}]",
        br#"{"resourceSpans":[]}
{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":true}]}]}]}"#,
        // Console output: the failure is in the second span, on its third line.
        b"{\"name\":\"a\",\"context\":{\"trace_id\":\"0x1\",\"span_id\":\"0x2\"},\"start_time\":null}\n{\n  \"name\": \"b\",\n  \"start_time\": \"yesterday\"\n}\n",
        b"{\"Name\":\"a\",\"SpanContext\":{}} {\"Name\":\"b\",\"SpanContext\":{},\"StartTime\":5}",
    ];
    for doc in docs {
        let expected = in_memory(doc);
        assert!(expected.is_err() || doc.starts_with(b"\xEF"), "{}", String::from_utf8_lossy(doc));
        for piece in [1, 3, 1 << 20] {
            let stream = Pieces::new(doc, piece);
            let got = streamed(&stream);
            let what = format!("{} in pieces of {piece}", String::from_utf8_lossy(doc));
            if let (
                Err(ImportError::Syntax { message, line, column }),
                Err(ImportError::Syntax { line: l, column: c, .. }),
            ) = (&got, &expected)
            {
                // Bad UTF-8 in a string: serde_json's words for it, at the same place.
                if message == "invalid unicode code point" {
                    assert_eq!((line, column), (l, c), "{what}");
                    continue;
                }
            }
            assert_eq!(got, expected, "{what}");
        }
    }
}

#[test]
fn an_error_inside_a_span_of_a_stream_has_the_exact_place_and_path() {
    // The scanner hands each span whole to the in-memory reader, so its own position is past the span; the
    // error still names the value, line and column that memory names.
    let mut doc = String::from("{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [\n");
    for k in 0..200 {
        doc.push_str(&format!("  {{\"traceId\": \"01\", \"spanId\": \"{k:016x}\", \"name\": \"op\",\n"));
        let kind = if k == 150 { "{\"nested\": [1, 2]}" } else { "2" };
        doc.push_str(&format!("   \"kind\": {kind}, \"attributes\": []}}{}\n", if k < 199 { "," } else { "" }));
    }
    doc.push_str("]}]}]}\n");
    let expected = in_memory(doc.as_bytes());
    let Err(ImportError::Shape { path, line, .. }) = &expected else { panic!("{expected:?}") };
    assert_eq!((path.as_str(), *line), ("$.resourceSpans[0].scopeSpans[0].spans[150].kind", 303));
    for piece in [1, 5, 4096] {
        assert_eq!(streamed(&Pieces::new(doc.as_bytes(), piece)), expected, "pieces of {piece}");
    }
}

#[test]
fn a_stream_limits_nesting_per_span_where_memory_limits_it_per_document() {
    // An attribute value nested 120 levels (3 per array value) inside a span 7 levels deep: past serde_json's
    // 128 levels for the document in memory, within them for the span alone as a stream.
    let (open, close) = ("{\"arrayValue\":{\"values\":[".repeat(40), "]}}".repeat(40));
    let span = format!(r#"{{"traceId":"01","spanId":"02","attributes":[{{"key":"deep","value":{open}{close}}}]}}"#);
    let doc = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}}"#);
    let memory = in_memory(doc.as_bytes());
    assert!(
        matches!(&memory, Err(ImportError::Syntax { message, .. }) if message.contains("128 levels")),
        "{memory:?}"
    );
    assert!(streamed(&Pieces::new(doc.as_bytes(), 4096)).is_ok());
    // Deeper than 128 levels within the span: the same error as memory.
    let (open, close) = ("{\"arrayValue\":{\"values\":[".repeat(45), "]}}".repeat(45));
    let span = format!(r#"{{"traceId":"01","spanId":"02","attributes":[{{"key":"deep","value":{open}{close}}}]}}"#);
    let doc = format!(r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{span}]}}]}}]}}"#);
    assert_eq!(streamed(&Pieces::new(doc.as_bytes(), 4096)), in_memory(doc.as_bytes()));
}

#[test]
fn a_stream_is_opened_again_only_for_a_second_pass_or_an_error_path() {
    let opened = |doc: &[u8]| {
        let stream = Pieces::new(doc, 4096);
        let _ = streamed(&stream);
        stream.opened()
    };
    // Detection and the parse.
    assert_eq!(opened(br#"{"data":[{"traceID":"1","spans":[{"spanID":"a"}],"processes":{}}]}"#), 2);
    // Jaeger: spans before their trace object's `traceID` (and a span without its own) need the first pass.
    assert_eq!(opened(br#"{"data":[{"spans":[{"spanID":"a","processID":"p"}],"processes":{},"traceID":"1"}]}"#), 3);
    // OTLP: a `resource` after the spans that needed it: the two-pass fallback reads it twice more.
    let late_resource = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"01","spanId":"02"}]}],
        "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}}]}"#;
    assert_eq!(opened(late_resource), 4);
    // A shape error: its JSON path is found in the document read again (up to the error).
    assert_eq!(opened(br#"[{"traceId":"1","id":"2","timestamp":{}}]"#), 3);
}

#[test]
fn a_late_trace_id_reaches_the_spans_of_a_stream() {
    let doc = br#"{"data":[{"spans":[{"spanID":"a","operationName":"op","startTime":1,"duration":2,"processID":"p"}],
        "processes":{"p":{"serviceName":"svc"}},"traceID":"00000000000000000000000000000abc"}]}"#;
    let stream = Pieces::new(doc, 5);
    let mut b = TraceSetBuilder::new();
    import_stream_into(&mut b, &stream).unwrap();
    let traces = b.finish(&BuildOptions::default());
    assert_eq!(traces.len(), 1);
    assert_eq!(traces[0].id().to_string(), "00000000000000000000000000000abc");
    assert_eq!(traces[0].service(spanscope_model::SpanIdx(0)), "svc");
}

#[test]
fn a_read_failure_is_reported_as_one_and_leaves_the_builder_as_it_was() {
    let doc = br#"[{"traceId":"1","id":"2","name":"a","timestamp":1,"duration":2},{"traceId":"1","id":"3","name":"b","timestamp":1,"duration":2}]"#;
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, br#"[{"traceId":"9","id":"9","name":"kept","timestamp":1,"duration":2}]"#).unwrap();
    let e = import_stream_into(&mut b, &Failing { doc, ok_bytes: 70 }).unwrap_err();
    assert!(matches!(&e, ImportError::Read { message } if message.contains("the disk went away")), "{e:?}");
    assert_eq!(e.to_string(), "the file could not be read: the disk went away");
    // Before detection could finish, too.
    let e = import_stream_into(&mut b, &Failing { doc, ok_bytes: 0 }).unwrap_err();
    assert!(matches!(e, ImportError::Read { .. }), "{e:?}");
    assert_eq!(b.span_count(), 1, "the earlier document stays, nothing of the failed one");
}

#[test]
fn detection_reads_on_while_a_streams_first_keys_say_nothing() {
    // A Jaeger trace whose `processes` (well over detection's first read) come before its `spans`.
    let mut doc = String::from(r#"{"processes":{"#);
    for i in 0..4000 {
        doc.push_str(&format!(
            r#""p{i}":{{"serviceName":"service-{i}","tags":[{{"key":"k","type":"string","value":"{i}"}}]}},"#
        ));
    }
    doc.push_str(r#""p":{"serviceName":"svc"}},"traceID":"1","spans":[{"spanID":"a","processID":"p","startTime":1,"duration":1}]}"#);
    assert!(doc.len() > 200 * 1024);
    let stream = Pieces::new(doc.as_bytes(), 1 << 16);
    assert_eq!(streamed(&stream), in_memory(doc.as_bytes()));
    let mut b = TraceSetBuilder::new();
    assert_eq!(import_stream_into(&mut b, &stream).unwrap().format, Format::Jaeger);
}
