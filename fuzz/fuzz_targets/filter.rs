//! The find box: the input as UTF-8 → `Filter::parse`. An error's range must be a char-aligned slice of the input
//! (the UI underlines it); a filter must match the fixed traces the same way at once (`matches`) and span by span
//! (`matches_span`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanscope_model::filter::Filter;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    match Filter::parse(text) {
        Err(e) => {
            assert!(
                e.start <= e.end && e.end <= text.len(),
                "error range {}..{} of {} bytes",
                e.start,
                e.end,
                text.len()
            );
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "error range splits a character");
            assert!(!e.message.is_empty(), "an error says what is wrong");
        }
        Ok(None) => {
            assert!(text.trim().is_empty(), "only blank text (any Unicode whitespace) is no filter")
        }
        Ok(Some(f)) => {
            for t in spanscope_fuzz::fixed_traces() {
                let m = f.matches(t);
                for s in t.spans() {
                    assert_eq!(
                        m.contains(s),
                        f.matches_span(t, s),
                        "matches and matches_span disagree on span {}",
                        s.0
                    );
                }
            }
        }
    }
});
