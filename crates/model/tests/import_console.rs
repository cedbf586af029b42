//! The OpenTelemetry SDKs' console output (Python `ConsoleSpanExporter`, Go `stdouttrace`), end to end: bytes →
//! `import` (detection, parse, build) → traces.
//!
//! Expected values were worked out from the fixture JSON by hand (times with python3's `datetime`), not read back
//! from the importer. Every file goes through `detect` with only its bytes.

use spanscope_model::{import, Format, ImportError, LinkKind, SpanId, SpanKind, SpanWarning, StatusCode, Trace, Value};

mod common;

use common::{by_name, check, resource_attr, warnings};

fn load(name: &str) -> Vec<Trace> {
    common::load_detected(Format::Console, "console", name)
}

fn id(hex: &str) -> SpanId {
    SpanId::from_hex(hex).unwrap()
}

/// The values of an array attribute, as text.
fn array_text(t: &Trace, v: Option<Value<'_>>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().map(|a| t.value_text(t.value(a))).collect(),
        other => panic!("not an array: {other:?}"),
    }
}

#[test]
fn python_console_span_exporter() {
    let name = "synthetic_python_console_span_exporter.json";
    let traces = load(name);
    // Children are printed before their parent (each span as it ends); the tree is whole.
    check(name, &traces, 1, 3, &["checkout"], 1, 2);
    let t = &traces[0];
    assert_eq!(t.id_text(), "5b8aa5a2d2c872e8321cf37308d69df2");
    let root = t.roots()[0];
    assert_eq!((t.name(root), t.kind(root)), ("POST /checkout", SpanKind::Server));
    assert_eq!(t.span_id(root), id("2f71c6ab4a3e1d02"));
    // 2024-05-25T11:36:45.049766Z to …45.082631Z.
    assert_eq!((t.start_of(root).0, t.duration_of(root).0), (1_716_637_005_049_766_000, 32_865_000));
    assert_eq!(t.attribute(root, "http.response.status_code"), Some(Value::Int(500)));
    assert_eq!(t.status(root), StatusCode::Error);
    assert_eq!(t.status_message(root), "");

    let db = by_name(t, "SELECT orders");
    assert_eq!((t.parent(db), t.kind(db)), (Some(root), SpanKind::Client));
    assert_eq!(t.status(db), StatusCode::Unset);
    assert_eq!(t.attribute(db, "db.rows"), Some(Value::Int(3)));
    assert_eq!(t.attribute(db, "cache.hit"), Some(Value::Bool(false)));
    assert_eq!(t.attribute(db, "sample.ratio"), Some(Value::Double(0.25)));
    assert_eq!(array_text(t, t.attribute(db, "tags")), ["a", "b"]);
    assert_eq!(array_text(t, t.attribute(db, "ids")), ["1", "2", "3"]);
    assert_eq!(resource_attr(t, db, "deployment.environment"), Some(Value::Str("dev")));
    assert_eq!(resource_attr(t, db, "telemetry.sdk.language"), Some(Value::Str("python")));
    assert_eq!(t.resource_index(db), t.resource_index(root), "identical resources are one");

    let charge = by_name(t, "charge card");
    assert_eq!((t.kind(charge), t.status(charge)), (SpanKind::Internal, StatusCode::Error));
    assert_eq!(t.status_message(charge), "CardDeclined: insufficient funds");
    // Python's repr of the TraceState, read back as W3C text.
    assert_eq!(t.trace_state(charge), "rojo=00f067aa0ba902b7");
    let events = t.events(charge);
    assert_eq!(events.len(), 1);
    assert_eq!(t.str(events[0].name), "exception");
    assert_eq!(events[0].time.0, 1_716_637_005_080_100_000);
    assert_eq!(t.attrs_at(events[0].attrs).len(), 3);
    let links = t.links(charge);
    assert_eq!(links.len(), 1);
    assert_eq!((links[0].kind, links[0].span_id), (LinkKind::Link, id("ab")));
    assert_eq!(links[0].trace_id.value, 0xabcdef);
    assert_eq!(t.attrs_at(links[0].attrs).len(), 1);
    assert!(t.spans().all(|s| warnings(t, s).is_empty()));
}

#[test]
fn go_stdouttrace_pretty_printed() {
    let name = "synthetic_go_stdouttrace_pretty_print.json";
    let traces = load(name);
    check(name, &traces, 1, 2, &["inventory"], 1, 1);
    let t = &traces[0];
    assert_eq!(t.id_text(), "4bf92f3577b34da6a3ce929d0e0e4736");
    let server = by_name(t, "GET /stock/{sku}");
    // Its parent is in the calling service, which printed its own spans elsewhere.
    assert_eq!(warnings(t, server), vec![SpanWarning::MissingParent(id("00f067aa0ba902b7"))]);
    assert_eq!(t.kind(server), SpanKind::Server);
    // 2023-04-27T22:28:47.160001+05:30 to …47.180500123+05:30: nine fraction digits, an offset.
    assert_eq!((t.start_of(server).0, t.duration_of(server).0), (1_682_614_727_160_001_000, 20_499_123));
    assert_eq!((t.status(server), t.status_message(server)), (StatusCode::Error, "stock service unavailable"));
    assert_eq!(t.flags(server), 1);
    assert_eq!(t.trace_state(server), "congo=t61rcWkgMzE");
    let events = t.events(server);
    assert_eq!((t.str(events[0].name), events[0].dropped_attributes_count), ("exception", 1));
    assert_eq!(events[0].time.0, 1_682_614_727_180_000_000);
    let links = t.links(server);
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].trace_id.value, 0x0af7651916cd43dd8448eb211c80319c);
    assert_eq!(links[0].span_id, id("1111111111111111"));
    assert_eq!(t.str(t.scope(server).name), "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp");
    assert_eq!(t.str(t.scope(server).version), "0.57.0");
    assert_eq!(resource_attr(t, server, "service.version"), Some(Value::Str("v1.4.2")));

    let db = by_name(t, "SELECT stock");
    assert_eq!((t.parent(db), t.kind(db)), (Some(server), SpanKind::Client));
    assert_eq!(t.str(t.scope(db).name), "inventory/db");
    // Go's encoder escapes `<` and `>`.
    assert_eq!(
        t.attribute(db, "db.statement"),
        Some(Value::Str("SELECT qty FROM stock WHERE sku = ? AND qty > 0 <limit 1>"))
    );
    assert_eq!(t.attribute(db, "db.rows"), Some(Value::Int(9_007_199_254_740_993)), "beyond 2^53, exact");
    assert_eq!(t.attribute(db, "db.ratio"), Some(Value::Double(5.0)), "FLOAT64 printed as 5");
    assert_eq!(t.attribute(db, "db.retried"), Some(Value::Bool(false)));
    assert_eq!(array_text(t, t.attribute(db, "db.skus")), ["A-1", "B-2"]);
    assert_eq!(array_text(t, t.attribute(db, "db.shards")), ["1", "2"]);
    match t.attribute(db, "db.weights") {
        Some(Value::Array(items)) => assert_eq!(t.value(&items[1]), Value::Double(1.0), "FLOAT64SLICE [0.5, 1]"),
        other => panic!("{other:?}"),
    }
    assert_eq!(array_text(t, t.attribute(db, "db.flags")), ["true", "false"]);
    assert_eq!(t.resource_index(db), t.resource_index(server));
}

#[test]
fn go_stdouttrace_without_timestamps_keeps_the_tree() {
    let name = "synthetic_go_stdouttrace_without_timestamps.json";
    let traces = load(name);
    check(name, &traces, 1, 2, &["inventory"], 1, 1);
    let t = &traces[0];
    // `WithoutTimestamps()` prints Go's zero time: no time, said on each span, and the tree still stands.
    for s in t.spans() {
        let w = warnings(t, s);
        assert!(w.contains(&SpanWarning::MissingStart) && w.contains(&SpanWarning::MissingDuration), "{w:?}");
    }
    assert_eq!(t.parent(by_name(t, "SELECT stock")), Some(by_name(t, "GET /stock/{sku}")));
}

#[test]
fn go_stdouttrace_before_1_0_prints_arrays() {
    let name = "synthetic_go_stdouttrace_v0_20_array.json";
    let traces = load(name);
    check(name, &traces, 1, 1, &["ExampleService"], 1, 1);
    let t = &traces[0];
    let s = t.roots()[0];
    assert_eq!((t.name(s), t.kind(s)), ("handling request", SpanKind::Server));
    assert_eq!(t.status_message(s), "boom", "StatusCode and StatusMessage");
    assert_eq!(t.duration_of(s).0, 70_353);
    assert_eq!(t.str(t.events(s)[0].name), "message", "MessageEvents");
    assert_eq!(t.str(t.scope(s).version), "semver:0.20.0", "InstrumentationLibrary");
    assert_eq!(t.trace_state(s), "", "TraceState null");
}

#[test]
fn errors_name_the_span_line_and_field() {
    let python = b"{\"name\": \"a\", \"context\": {\"trace_id\": \"0x1\", \"span_id\": \"0x2\"}, \"start_time\": null}\n{\n    \"name\": \"b\",\n    \"context\": {},\n    \"start_time\": \"yesterday\"\n}\n";
    match import(python) {
        Err(ImportError::Shape { format: Format::Console, path, line, message, .. }) => {
            assert_eq!((path.as_str(), line), ("$.start_time", 5));
            assert!(message.contains("RFC 3339"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Console output with a log line between the spans: the line is named.
    let mixed = b"{\"name\": \"a\", \"context\": {}, \"start_time\": null}\n127.0.0.1 - - \"GET / HTTP/1.1\" 200 -\n";
    assert!(matches!(import(mixed), Err(ImportError::Shape { line: 2, .. } | ImportError::Syntax { line: 2, .. })));
}
