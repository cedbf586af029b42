//! Helpers shared by the importer tests (`mod common;` in each): reading fixtures, loading one through
//! detection and import, the counts every fixture is checked against, span lookups, and the sweep that feeds
//! the importer truncated and corrupted copies of a file.

// Each test file uses only some of these.
#![allow(dead_code)]

use spanscope_model::{detect, import, Format, ImportError, SpanIdx, SpanWarning, StatusCode, Trace, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every `.json` file under `dir`, recursively, in name order.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    let mut out = Vec::new();
    for p in entries {
        if p.is_dir() {
            out.extend(json_files(&p));
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    out
}

/// The bytes of `tests/fixtures/{rel}`.
pub fn fixture(rel: &str) -> Vec<u8> {
    let path = fixtures_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Imports `tests/fixtures/{dir}/{name}` after checking that its bytes alone are detected as `format`.
pub fn load_detected(format: Format, dir: &str, name: &str) -> Vec<Trace> {
    let bytes = fixture(&format!("{dir}/{name}"));
    assert_eq!(detect(&bytes), Ok(format), "{name} is detected as {format:?} from its content");
    import(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Trace count, span count, distinct services, roots and error spans over all traces of a file.
pub fn check(
    name: &str,
    traces: &[Trace],
    n_traces: usize,
    spans: usize,
    services: &[&str],
    roots: usize,
    errors: usize,
) {
    assert_eq!(traces.len(), n_traces, "{name}: traces");
    assert_eq!(traces.iter().map(|t| t.len()).sum::<usize>(), spans, "{name}: spans");
    let found: BTreeSet<String> =
        traces.iter().flat_map(|t| t.services().iter().map(move |&s| t.service_name(s).to_string())).collect();
    let want: BTreeSet<String> = services.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, want, "{name}: services");
    assert_eq!(traces.iter().map(|t| t.roots().len()).sum::<usize>(), roots, "{name}: roots");
    assert_eq!(traces.iter().map(|t| t.error_count() as usize).sum::<usize>(), errors, "{name}: error spans");
    let by_status: usize = traces.iter().map(|t| t.spans().filter(|&s| t.status(s) == StatusCode::Error).count()).sum();
    assert_eq!(by_status, errors, "{name}: spans with StatusCode::Error");
}

pub fn by_name(t: &Trace, name: &str) -> SpanIdx {
    t.spans().find(|&s| t.name(s) == name).unwrap_or_else(|| panic!("no span named {name:?}"))
}

pub fn warnings(t: &Trace, s: SpanIdx) -> Vec<SpanWarning> {
    t.span_warnings(s).cloned().collect()
}

pub fn count_warnings(traces: &[Trace], pred: impl Fn(&SpanWarning) -> bool) -> usize {
    traces.iter().flat_map(|t| t.warnings().iter()).filter(|(_, w)| pred(w)).count()
}

pub fn resource_attr<'t>(t: &'t Trace, s: SpanIdx, key: &str) -> Option<Value<'t>> {
    let r = t.resource(s);
    t.attrs_at(r.attrs).iter().find(|a| t.key(a) == key).map(|a| t.value(a))
}

/// Imports each document and asserts that it fails with a shape error at the JSON path given with it.
/// `import::shape_error` writes a top-level index as `$.[0]`; it is read as `$[0]`.
pub fn assert_shape_paths(cases: &[(&[u8], &str)]) {
    for &(doc, want) in cases {
        match import(doc) {
            Err(ImportError::Shape { path, .. }) => {
                assert_eq!(path.replace("$.[", "$["), want, "{}", String::from_utf8_lossy(doc))
            }
            other => panic!("{}: {other:?}", String::from_utf8_lossy(doc)),
        }
    }
}

/// Asserts that `bytes` (a document cut short) fail with a syntax error on their last line, at a column;
/// returns the error message.
pub fn assert_syntax_error_on_last_line(bytes: &[u8]) -> String {
    let want_line = bytes.iter().filter(|&&c| c == b'\n').count() + 1;
    match import(bytes) {
        Err(ImportError::Syntax { line, column, message }) => {
            assert_eq!(line, want_line, "{message}");
            assert!(column > 0);
            message
        }
        other => panic!("{other:?}"),
    }
}

/// Imports about 300 prefixes of `bytes`, then about 300 copies with one byte replaced by something that
/// breaks JSON (a quote, a bracket, a backslash, invalid UTF-8, …): every import must return, whatever it
/// returns.
pub fn import_truncated_and_corrupted(bytes: &[u8]) {
    let step = (bytes.len() / 300).max(1);
    for cut in (0..bytes.len()).step_by(step) {
        let _ = import(&bytes[..cut]);
    }
    for (k, at) in (0..bytes.len()).step_by(step).enumerate() {
        let mut b = bytes.to_vec();
        b[at] = [b'"', b'{', b']', b'\\', b'0', b',', 0xff][k % 7];
        let _ = import(&b);
    }
}
