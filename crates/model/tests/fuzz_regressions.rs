//! Inputs the fuzz targets (`fuzz/`, run by `scripts/fuzz`) found crashing, hanging or exhausting memory, kept as
//! ordinary tests so the fixes stay fixed. Each test is named after its case; inputs are inline bytes or files
//! under `fixtures/fuzz/`. Cases that once looped forever run on a thread with a deadline, so a regression fails
//! the test instead of hanging the suite.

use spanscope_model::filter::Filter;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

fn fuzz_fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `f` on a thread and fails if it has not returned within `limit_s` seconds.
fn within<T: Send + 'static>(limit_s: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(limit_s)).unwrap_or_else(|_| panic!("{what}: no result within {limit_s} s"))
}

/// `Debug` of the parsed filter, to compare two texts' parses.
fn parsed(text: &str) -> String {
    format!("{:?}", Filter::parse(text))
}

/// A vertical tab (and any whitespace that is not ASCII whitespace) ended a word but was not skipped between
/// terms, so the term loop parsed an empty term at it forever, growing the term list until memory ran out.
#[test]
fn filter_vertical_tab_between_terms() {
    let text = String::from_utf8(fuzz_fixture("filter_vertical_tab_between_terms.txt")).unwrap();
    let f = within(10, "Filter::parse", move || Filter::parse(&text).map(|f| f.is_some()));
    assert_eq!(f, Ok(true));
}

/// Every Unicode whitespace separates terms exactly as a space does: in free text, after a key's value, and
/// inside what would otherwise be a key.
#[test]
fn filter_unicode_whitespace_separates_terms() {
    for sep in ['\u{0b}', '\u{85}', '\u{a0}', '\u{1680}', '\u{2003}', '\u{2028}', '\u{3000}'] {
        for text in ["cart checkout", "service=cart name=GET", "error=true cart", "foo bar=1", "  a  "] {
            let other = text.replace(' ', &sep.to_string());
            let got = within(10, "Filter::parse", move || parsed(&other));
            assert_eq!(got, parsed(text), "{text:?} with U+{:04X} for spaces", sep as u32);
        }
    }
    assert!(within(10, "Filter::parse", || Filter::parse("\u{a0}\u{0b}\u{3000}")).unwrap().is_none());
}
