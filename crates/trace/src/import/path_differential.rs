//! The path of a shape error, as [`super::json_path`] finds it from the error's position, against the path
//! serde_path_to_error (a dev-dependency only) tracks while parsing, on many failing documents: every value
//! of the fixtures replaced in turn by each other kind of JSON value, in each importer and in plain serde
//! types (missing and duplicate fields, tuples, enums, maps with any keys), and documents made for the cases
//! a position could confuse (escaped keys, keys with dots and brackets, nested arrays, the second document of
//! a JSON Lines file).

use super::{console, detect, dollar_path, import_as, jaeger, json_path, otlp, strip_bom, zipkin, Format, ImportError};
use serde::Deserialize;
use std::collections::BTreeMap;

const WS: &[u8] = b" \n\r\t";

/// Byte ranges of a JSON text (one or more documents, valid JSON).
#[derive(Default)]
struct Ranges {
    /// Every value below a document's root.
    values: Vec<(usize, usize)>,
    /// Every object member, from its key's opening quote to the end of its value.
    members: Vec<(usize, usize)>,
}

fn ranges(doc: &[u8]) -> Ranges {
    let mut r = Ranges::default();
    let mut i = 0;
    loop {
        skip_ws(doc, &mut i);
        if i >= doc.len() {
            return r;
        }
        value(doc, &mut i, &mut r, false);
    }
}

fn skip_ws(doc: &[u8], i: &mut usize) {
    while *i < doc.len() && WS.contains(&doc[*i]) {
        *i += 1;
    }
}

fn value(doc: &[u8], i: &mut usize, r: &mut Ranges, record: bool) {
    skip_ws(doc, i);
    let start = *i;
    match doc[*i] {
        b'{' => {
            *i += 1;
            loop {
                skip_ws(doc, i);
                match doc[*i] {
                    b'}' => break,
                    b',' => {
                        *i += 1;
                        skip_ws(doc, i);
                    }
                    _ => {}
                }
                let key = *i;
                string(doc, i);
                skip_ws(doc, i);
                *i += 1; // ':'
                value(doc, i, r, true);
                r.members.push((key, *i));
            }
            *i += 1;
        }
        b'[' => {
            *i += 1;
            loop {
                skip_ws(doc, i);
                match doc[*i] {
                    b']' => break,
                    b',' => *i += 1,
                    _ => {}
                }
                value(doc, i, r, true);
            }
            *i += 1;
        }
        b'"' => string(doc, i),
        _ => {
            while *i < doc.len() && !b" \n\r\t,]}".contains(&doc[*i]) {
                *i += 1;
            }
        }
    }
    if record {
        r.values.push((start, *i));
    }
}

fn string(doc: &[u8], i: &mut usize) {
    *i += 1;
    while doc[*i] != b'"' {
        *i += if doc[*i] == b'\\' { 2 } else { 1 };
    }
    *i += 1;
}

fn replaced(doc: &[u8], (from, to): (usize, usize), with: &[u8]) -> Vec<u8> {
    [&doc[..from], with, &doc[to..]].concat()
}

/// `doc` without the member at `from..to` (and the comma that separated it).
fn without(doc: &[u8], (from, to): (usize, usize)) -> Vec<u8> {
    let mut after = to;
    skip_ws(doc, &mut after);
    if doc.get(after) == Some(&b',') {
        return [&doc[..from], &doc[after + 1..]].concat();
    }
    let mut before = from;
    while before > 0 && WS.contains(&doc[before - 1]) {
        before -= 1;
    }
    if before > 0 && doc[before - 1] == b',' {
        return [&doc[..before - 1], &doc[to..]].concat();
    }
    [&doc[..from], &doc[to..]].concat()
}

/// `doc` with the member at `from..to` written twice (with `sep` between): a duplicate key.
fn doubled(doc: &[u8], (from, to): (usize, usize), sep: &[u8]) -> Vec<u8> {
    [&doc[..to], sep, &doc[from..]].concat()
}

/// The values every value is replaced with.
const REPLACEMENTS: [&str; 9] =
    ["null", "true", "12345", "-1.5", r#""text""#, "[]", "{}", r#"[[1,{"a":[]}]]"#, r#"{"k\"e.y[0]":{"x":[1]}}"#];

/// Compared cases and the mismatches found.
#[derive(Default)]
struct Tally {
    compared: usize,
    /// Of `compared`: an array refused by a visitor that takes any type, whose first element is an array, named
    /// by that element (`json_path`'s docs: one position, two readings).
    first_element: usize,
    mismatches: Vec<String>,
}

impl Tally {
    /// `got` must be `want`, or `want[0]` where the error refuses a sequence at an array's first element that
    /// is an array (the error's `message`, at `offset` of `doc`).
    fn check(&mut self, case: &str, doc: &[u8], (got, want): (String, String), message: &str, offset: usize) {
        self.compared += 1;
        if got == want {
            return;
        }
        let refused_array = message.starts_with("invalid type: sequence") && doc.get(offset) == Some(&b'[');
        if refused_array && got == format!("{want}[0]") {
            self.first_element += 1;
            return;
        }
        if self.mismatches.len() < 30 {
            let text = String::from_utf8_lossy(doc);
            let clip: String = text.chars().take(400).collect();
            self.mismatches.push(format!("{case}: located {got}, spte {want} ({message})\n    {clip}"));
        }
    }

    /// Imports `doc` as `format`; a shape error's path must be the one serde_path_to_error finds.
    fn import(&mut self, case: &str, format: Format, doc: &[u8]) {
        let Err(ImportError::Shape { path, message, line, column, .. }) = import_as(format, doc) else { return };
        let body = strip_bom(doc);
        let spte = match format {
            Format::Jaeger => jaeger::spte_path(body),
            Format::Otlp => otlp::spte_path(body),
            Format::Zipkin => zipkin::spte_path(body),
            Format::Console => console::spte_path(body),
        };
        let want = spte.map_or_else(|| "(spte: no error)".to_string(), |p| dollar_path(&p));
        self.check(case, body, (path, want), &message, json_path::offset_of(body, line, column));
    }

    /// Parses `doc` as `T`; a data error's located path must be the one serde_path_to_error finds.
    fn serde<T: for<'de> Deserialize<'de>>(&mut self, case: &str, doc: &[u8]) {
        let e = match serde_json::from_slice::<T>(doc) {
            Err(e) if e.is_data() => e,
            _ => return,
        };
        let got = json_path::error_path(doc, &e);
        let mut de = serde_json::Deserializer::from_slice(doc);
        let want = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(pe) => pe.path().to_string(),
            Ok(_) => "(spte: no error)".to_string(),
        };
        let offset = json_path::offset_of(doc, e.line(), e.column());
        self.check(case, doc, (got, want), &e.to_string(), offset);
    }

    fn assert_clean(&self, what: &str, at_least: usize) {
        let n = self.mismatches.len();
        assert!(n == 0, "{what}: {n} mismatches (30 at most shown):\n{}", self.mismatches.join("\n"));
        assert!(self.compared >= at_least, "{what}: only {} cases compared", self.compared);
        println!(
            "{what}: {} failing documents, the same path ({} of them an array's first element for the array)",
            self.compared, self.first_element
        );
    }
}

fn fixture(rel: &str) -> Vec<u8> {
    let path = format!("{}/../model/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every value of `doc` replaced by each of `with` in turn, imported as `format`.
fn mutate_values(tally: &mut Tally, name: &str, format: Format, doc: &[u8], with: &[&str]) {
    for &range in &ranges(doc).values {
        for r in with {
            tally.import(&format!("{name} {range:?} = {r}"), format, &replaced(doc, range, r.as_bytes()));
        }
    }
}

#[test]
fn every_field_of_every_format_with_each_wrong_type() {
    let mut tally = Tally::default();
    for (format, name) in [
        (Format::Jaeger, "hostile/jaeger_every_field.json"),
        (Format::Otlp, "hostile/otlp_every_field.json"),
        (Format::Zipkin, "hostile/zipkin_every_field.json"),
        (Format::Console, "hostile/console_every_field.json"),
    ] {
        let doc = fixture(name);
        mutate_values(&mut tally, name, format, &doc, &REPLACEMENTS);
        // Compact, keys sorted (other key orders: OTLP's two passes), then spread over lines with indents.
        let v: serde_json::Value = serde_json::from_slice(&doc).unwrap();
        mutate_values(&mut tally, name, format, &serde_json::to_vec(&v).unwrap(), &REPLACEMENTS);
        mutate_values(&mut tally, name, format, &serde_json::to_vec_pretty(&v).unwrap(), &REPLACEMENTS);
        // Duplicate keys: refused by the derived structs (Jaeger tags and processes, OTLP status).
        let r = ranges(&doc);
        for &m in &r.members {
            for sep in [&b","[..], b" ,\n "] {
                tally.import(&format!("{name} {m:?} twice"), format, &doubled(&doc, m, sep));
            }
        }
    }
    tally.assert_clean("every field", 1500);
}

#[test]
fn every_fixture_with_wrong_types() {
    let mut tally = Tally::default();
    for dir in ["jaeger", "otlp", "zipkin", "console", "fuzz"] {
        let mut names: Vec<_> =
            std::fs::read_dir(format!("{}/../model/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
        names.sort();
        for name in names {
            let rel = format!("{dir}/{name}");
            let doc = fixture(&rel);
            // Valid JSON (one or more documents) that imports: the ones that fail already are tested elsewhere.
            let body = strip_bom(&doc);
            let mut json = serde_json::Deserializer::from_slice(body).into_iter::<serde::de::IgnoredAny>();
            let Ok(format) = detect(&doc) else { continue };
            if doc.len() > 16_000 || json.any(|d| d.is_err()) || import_as(format, &doc).is_err() {
                continue;
            }
            let off = doc.len() - body.len();
            for &(from, to) in &ranges(body).values {
                for r in [r#""text""#, "{}", "[1]"] {
                    let case = format!("{rel} {from}..{to} = {r}");
                    tally.import(&case, format, &replaced(&doc, (from + off, to + off), r.as_bytes()));
                }
            }
        }
    }
    tally.assert_clean("fixtures", 3000);
}

/// Documents made for what a position could confuse, each with the path it must give (and serde_path_to_error
/// too), then with every value replaced.
#[test]
fn escaped_keys_nested_arrays_and_json_lines() {
    let mut tally = Tally::default();
    let otlp_span = |field: &str| {
        format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[]}},"scopeSpans":[{{"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",{field}}}]}}]}}]}}"#
        )
    };
    let ok_line = otlp_span(r#""name":"fine""#);
    let span = "$.resourceSpans[0].scopeSpans[0].spans[0]";
    let cases: Vec<(Format, String, String)> = vec![
        // Process ids are any keys: escapes, dots, brackets, an empty key; written unescaped, unquoted.
        (
            Format::Jaeger,
            r#"{"data":[{"traceID":"01","spans":[{"traceID":"01","spanID":"02","processID":"p"}],"processes":{"p.1[0]":{"serviceName":"a"},"q\"\\\u00e9.x[1]":{"serviceName":5}}}]}"#.into(),
            r#"$.data[0].processes.q"\é.x[1].serviceName"#.into(),
        ),
        (
            Format::Jaeger,
            r#"{"data":[{"traceID":"01","processes":{"":{"serviceName":"a","tags":[{"key":"k","value":1},{"key":[]}]}},"spans":[]}]}"#.into(),
            "$.data[0].processes..tags[1].key".into(),
        ),
        (
            Format::Jaeger,
            r#"{"data":[{"traceID":"01","processes":{"a\u002eb":5},"spans":[]}]}"#.into(),
            "$.data[0].processes.a.b".into(),
        ),
        // Duplicate fields: the error just after the key (and the whitespace after it) names the object.
        (
            Format::Jaeger,
            r#"[{"traceID":"01","spanID":"02","tags":[{"key":"a","type":"string","value":"x", "key" :"b"}]}]"#.into(),
            "$[0].tags[0]".into(),
        ),
        (Format::Otlp, otlp_span(r#""status":{"code":1,"code":2}"#), format!("{span}.status")),
        (Format::Otlp, otlp_span("\"status\":{\"message\":\"m\"\n,\n\"message\"\n:\"n\"}"), format!("{span}.status")),
        // Nested AnyValue arrays and lists.
        (
            Format::Otlp,
            otlp_span(
                r#""attributes":[{"key":"a","value":{"arrayValue":{"values":[{"intValue":1},{"arrayValue":{"values":[{"kvlistValue":{"values":[{"key":"k.[0]","value":{"intValue":"x"}}]}}]}}]}}}]"#,
            ),
            format!("{span}.attributes[0].value.arrayValue.values[1].arrayValue.values[0].kvlistValue.values[0].value.intValue"),
        ),
        // Zipkin: lists of traces, arrays of arrays; an array refused by a visitor that takes any type.
        (
            Format::Zipkin,
            r#"[[{"traceId":"01","id":"02"}],[{"traceId":"01","id":"03"},{"traceId":5}]]"#.into(),
            "$[1][1].traceId".into(),
        ),
        (Format::Zipkin, "[[[[]]]]".into(), "$[0][0]".into()),
        (Format::Zipkin, "[[],[[1]]]".into(), "$[1][0]".into()),
        (
            Format::Zipkin,
            r#"[{"traceId":"01","id":"02","annotations":[{"timestamp":1,"value":"v"},{"timestamp":[ ]}]}]"#.into(),
            "$[0].annotations[1].timestamp".into(),
        ),
        // JSON Lines and concatenated documents: the failure in the second or third document, its path from
        // that document's root.
        (Format::Otlp, format!("{ok_line}\n{}\n{ok_line}\n", otlp_span(r#""name":5"#)), format!("{span}.name")),
        (Format::Otlp, format!("{ok_line}\r\n{ok_line}\r\n{}", otlp_span(r#""kind":[]"#)), format!("{span}.kind")),
        (
            Format::Otlp,
            format!("{ok_line}{}", otlp_span(r#""startTimeUnixNano":"soon""#)),
            format!("{span}.startTimeUnixNano"),
        ),
        (
            Format::Otlp,
            format!("{ok_line}\n[{ok_line},{}]", otlp_span(r#""links":[{"spanId":{}}]"#)),
            "$[1].resourceSpans[0].scopeSpans[0].spans[0].links[0].spanId".into(),
        ),
        (Format::Otlp, format!("{ok_line}\n[]\n{{\"resourceSpans\":{{}}}}"), "$.resourceSpans".into()),
        (Format::Otlp, format!("{ok_line}\n5"), "$".into()),
        // The second document's `resource` after its spans: two passes, the failure in the second.
        (
            Format::Otlp,
            format!(
                "{ok_line}\n{}",
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":1}]}],"resource":{"attributes":[]}}]}"#
            ),
            format!("{span}.name"),
        ),
    ];
    for (k, (format, doc, want)) in cases.iter().enumerate() {
        match import_as(*format, doc.as_bytes()) {
            Err(ImportError::Shape { path, .. }) => assert_eq!(&path, want, "case {k}"),
            other => panic!("case {k}: {other:?}"),
        }
        tally.import(&format!("case {k}"), *format, doc.as_bytes());
        // And every value in it replaced, as with the fixtures.
        mutate_values(&mut tally, &format!("case {k}"), *format, doc.as_bytes(), &REPLACEMENTS[..7]);
    }
    tally.assert_clean("made documents", 500);
}

// ---------------------------------------------------------------------------------------------------------
// Plain serde types: the errors the importers' visitors do not raise.

#[derive(Deserialize)]
#[allow(dead_code)]
struct Root {
    name: String,
    spans: Vec<Span>,
    by_id: BTreeMap<String, Span>,
    grid: Vec<Vec<u8>>,
    pair: (u8, String),
    kinds: Vec<Kind>,
    #[serde(default)]
    next: Option<Box<Root>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Span {
    id: u64,
    tags: Vec<Tag>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Tag {
    key: String,
    value: i32,
}

#[derive(Deserialize)]
#[allow(dead_code)]
enum Kind {
    Unit,
    Struct { x: u8 },
    Tuple(u8, u8),
    Newtype(Vec<u8>),
}

const ROOT: &str = r#"{"name":"r","spans":[{"id":1,"tags":[{"key":"a","value":1},{"key":"b","value":-2}]},{"id":2,"tags":[],"note":"n"}],
"by_id":{"a.b[0]":{"id":3,"tags":[{"key":"c","value":3}]},"q\"\\\u00e9":{"id":4,"tags":[]},"":{"id":5,"tags":[]}},
"grid":[[1,2],[],[3]],"pair":[7,"s"],"kinds":["Unit",{"Struct":{"x":1}},{"Tuple":[1,2]},{"Newtype":[1]}],
"next":{"name":"n","spans":[],"by_id":{},"grid":[[[]]],"pair":[1,"t"],"kinds":[]}}"#;

#[test]
fn serde_types_missing_and_duplicate_fields_tuples_enums_and_maps() {
    let mut tally = Tally::default();
    let v: serde_json::Value = serde_json::from_str(ROOT).unwrap();
    let pretty = serde_json::to_vec_pretty(&v).unwrap();
    let compact = serde_json::to_vec(&v).unwrap();
    for doc in [ROOT.as_bytes(), &pretty, &compact] {
        let r = ranges(doc);
        for &range in &r.values {
            for with in REPLACEMENTS.iter().chain(&["300", r#"{"Nope":1}"#, r#"{"Unit":1}"#, "[1,2,3]", r#"{"x":1}"#]) {
                tally.serde::<Root>(&format!("{range:?} = {with}"), &replaced(doc, range, with.as_bytes()));
            }
        }
        for &m in &r.members {
            tally.serde::<Root>(&format!("{m:?} missing"), &without(doc, m));
            tally.serde::<Root>(&format!("{m:?} twice"), &doubled(doc, m, b","));
            tally.serde::<Root>(&format!("{m:?} twice, spaced"), &doubled(doc, m, b" ,\n\t"));
        }
    }
    tally.assert_clean("serde types", 1000);
}

#[test]
fn an_unknown_field_refused_by_its_key_is_named_by_its_object() {
    // serde_path_to_error names the key; the position is the one of a duplicate field, named by its object. No
    // importer refuses a key.
    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        a: u8,
    }
    let doc = br#"{"s":[{"a":1,"b":2}]}"#;
    let e = serde_json::from_slice::<BTreeMap<String, Vec<Strict>>>(doc).unwrap_err();
    assert_eq!(json_path::error_path(doc, &e), "s[0]");
    let pe = serde_path_to_error::deserialize::<_, BTreeMap<String, Vec<Strict>>>(
        &mut serde_json::Deserializer::from_slice(doc),
    )
    .unwrap_err();
    assert_eq!(pe.path().to_string(), "s[0].b");
}
