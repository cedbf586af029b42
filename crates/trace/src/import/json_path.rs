//! The JSON path of a shape error, found from where serde_json reported it.
//!
//! serde_json gives a data error (a value of the wrong type, or one its visitor refused) a line and column but
//! no path. [`offset_of`] turns the line and column back into a byte offset, and [`path_at`] walks the JSON
//! structure from the start of the document up to that offset (strings with their escapes, objects with the
//! key being read, arrays with the index being read; one stack entry per level of nesting, nothing allocated
//! per value) and names the value there. The path is written as serde_path_to_error writes it, the crate this
//! replaces (a second parse of the whole document under a path-tracking deserializer, which doubled the
//! importers' code in the wasm): keys joined by `.`, indices as `[3]`, keys as they are (unescaped, never
//! quoted: a key `a.b` reads like two keys), `.` alone for the root, `[0][0]` for arrays at the top.
//!
//! # Where serde_json puts an error, and which value that names
//!
//! serde_json's column counts the bytes of its line before the position, so the position is the offset of the
//! first byte not yet consumed:
//! - a scalar of the wrong type, or one its visitor refused (a bad id, a number out of range): just after the
//!   scalar, which serde_json reads whole before reporting. Named: the scalar.
//! - an array or object of the wrong type for a visitor that says which types it wants
//!   (`deserialize_str`, `deserialize_map`, …): at its opening bracket, not yet consumed. Named: that value.
//! - the same for a visitor that takes any type (`deserialize_any`: a number or a numeric string, say):
//!   serde_json consumes the opening bracket and the whitespace after it before the visitor refuses, so the
//!   position is where the first member or element (or the closing bracket) starts. Named: the object or array.
//! - an error of an object's or array's own visitor after reading it to the end (a missing field, a wrong
//!   length): just after its closing bracket, which serde_json consumes before reporting. Named: that value.
//! - an error of an object's or array's own visitor before its end (a duplicate field right after its key, a
//!   check right after a value): after the last token read and the whitespace after it (and, in an array,
//!   after the comma and the whitespace after that). Named: the object or array.
//!
//! So a value that ends exactly at the offset is named; else the scalar the offset falls in; else the value
//! starting at the offset, except an array's element that only its array can be meant by (a scalar, whose
//! errors come after it, or an object when the message refuses a sequence); else the object or array the
//! offset stands in. What one position cannot tell:
//! - an array refused by a visitor that takes any type, when its first element is an array: the element is
//!   named (`startTime[0]` for `"startTime":[[1]]`), as it is when that element is refused;
//! - an object or array refused by its own visitor just after a value, with no whitespace between: the value
//!   is named, as it is when the value is refused;
//! - a key refused by its own deserializer (an unknown field under `deny_unknown_fields`): the object is named,
//!   as for a duplicate field;
//! - errors serde_json leaves without a position of their own (a unit variant, written as a string, where the
//!   enum needs data) are placed where the container around them is, and named by that.
//!
//! serde_path_to_error names the outer value in the first three cases and the value itself (with its variant)
//! in the last; no visitor of the importers raises the last three, and the first gives a path inside the field
//! at fault. `path_differential` compares the two on thousands of failing documents.
//!
//! A buffer of several documents (OTLP JSON Lines, or documents merely concatenated) is walked as it is read:
//! each top-level value starts at the root again, so the path is relative to the document that failed.

/// The byte offset in `doc` of serde_json's error position `line` (1-based) and `column` (the number of bytes
/// of that line before the position). Past the end (never, for an error from parsing `doc`) it is the end.
pub(super) fn offset_of(doc: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match doc[start..].iter().position(|&c| c == b'\n') {
            Some(k) => start += k + 1,
            None => return doc.len(),
        }
    }
    start.saturating_add(column).min(doc.len())
}

/// The path of the value serde_json's data error `e` is about, in `doc` (the buffer it parsed).
pub(super) fn error_path(doc: &[u8], e: &serde_json::Error) -> String {
    let array_refused = e.to_string().starts_with("invalid type: sequence");
    path_at(doc, offset_of(doc, e.line(), e.column()), array_refused)
}

/// One level of nesting the walk is inside.
#[derive(Clone, Copy)]
enum Level {
    /// An object, with the range in the document of the key last read (the text between its quotes).
    Object { key: Option<(usize, usize)> },
    /// An array, with the index of the element being read (or last read).
    Array { index: usize },
}

/// Where the walk stands within the innermost level.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    /// Where a value starts: after `:`, after `[` or `,` in an array, at the top level.
    Value,
    /// Where an object's key (or its `}`) comes: after `{`, after `,` in an object.
    Key,
    /// After a key, before its `:`.
    Colon,
    /// After a value that ends (its last byte excluded) at this offset.
    After(usize),
}

/// The JSON path of the value at byte `offset` of `doc` (see the module docs for which value that is), in
/// serde_path_to_error's syntax: `data[0].spans[3].tags[1].value`, `.` for the root. `array_refused`: the
/// error refuses an array (serde_json's message starts `invalid type: sequence`).
///
/// `doc` is JSON up to `offset` (serde_json read that far without a syntax error); anything else gives some
/// path, never a panic.
pub(super) fn path_at(doc: &[u8], offset: usize, array_refused: bool) -> String {
    let offset = offset.min(doc.len());
    let mut levels: Vec<Level> = Vec::new();
    let mut at = At::Value;
    let mut i = 0;
    while i < offset {
        match doc[i] {
            b' ' | b'\n' | b'\r' | b'\t' => i += 1,
            b'{' => {
                levels.push(Level::Object { key: None });
                at = At::Key;
                i += 1;
            }
            b'[' => {
                levels.push(Level::Array { index: 0 });
                at = At::Value;
                i += 1;
            }
            b'}' | b']' => {
                levels.pop();
                i += 1;
                at = At::After(i);
            }
            b',' => {
                at = match levels.last_mut() {
                    Some(Level::Array { index }) => {
                        *index += 1;
                        At::Value
                    }
                    Some(Level::Object { .. }) => At::Key,
                    None => At::Value,
                };
                i += 1;
            }
            b':' => {
                at = At::Value;
                i += 1;
            }
            b'"' => {
                let end = string_end(doc, i);
                let is_key = at == At::Key;
                if is_key {
                    if let Some(Level::Object { key }) = levels.last_mut() {
                        *key = Some((i + 1, end.saturating_sub(1).max(i + 1)));
                    }
                }
                if end >= offset {
                    // Inside the string, or just after it: just after a key is "after a key" (below).
                    if !(is_key && end == offset) {
                        return inner(doc, &levels);
                    }
                }
                at = if is_key { At::Colon } else { At::After(end) };
                i = end;
            }
            _ => {
                // A number or a literal: up to the next delimiter.
                let mut end = i + 1;
                while end < doc.len() && !is_delimiter(doc[end]) {
                    end += 1;
                }
                if end >= offset {
                    return inner(doc, &levels);
                }
                at = At::After(end);
                i = end;
            }
        }
    }
    match at {
        At::Value => match (levels.last(), doc.get(offset)) {
            // Where an element starts: the element, unless only its array can be meant: a scalar or `]` there
            // (a scalar's errors come after it), an object when the error refuses a sequence.
            (Some(Level::Array { .. }), Some(b'[')) => inner(doc, &levels),
            (Some(Level::Array { .. }), Some(b'{')) if !array_refused => inner(doc, &levels),
            (Some(Level::Array { .. }), _) => outer(doc, &levels),
            // Where an object's member value or a document starts.
            _ => inner(doc, &levels),
        },
        At::After(end) if end == offset => inner(doc, &levels),
        At::After(_) | At::Key | At::Colon => outer(doc, &levels),
    }
}

fn is_delimiter(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"')
}

/// The offset just past the closing quote of the string whose opening quote is at `start` (the end of `doc`
/// when it is not closed).
fn string_end(doc: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < doc.len() {
        match doc[i] {
            b'"' => return i + 1,
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    doc.len()
}

/// The path of every level's current key or index: the value being read in the innermost level.
fn inner(doc: &[u8], levels: &[Level]) -> String {
    write_path(doc, levels)
}

/// The path of the innermost level itself.
fn outer(doc: &[u8], levels: &[Level]) -> String {
    write_path(doc, levels.split_last().map_or(levels, |(_, up)| up))
}

fn write_path(doc: &[u8], levels: &[Level]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut first = true;
    for level in levels {
        match *level {
            Level::Array { index } => {
                let _ = write!(out, "[{index}]");
            }
            Level::Object { key: Some((from, to)) } => {
                if !first {
                    out.push('.');
                }
                push_key(&mut out, doc, from, to);
            }
            // An object whose first key is not read yet (only in a document that is not JSON).
            Level::Object { key: None } => continue,
        }
        first = false;
    }
    if out.is_empty() && first {
        out.push('.');
    }
    out
}

/// Appends the text of the key between the quotes at `from..to`, unescaped.
fn push_key(out: &mut String, doc: &[u8], from: usize, to: usize) {
    let raw = doc.get(from..to).unwrap_or_default();
    if raw.contains(&b'\\') {
        // With its quotes: a JSON string serde_json unescapes (it read this key already, so it is valid).
        if let Some(Ok(text)) = doc.get(from - 1..to + 1).map(serde_json::from_slice::<String>) {
            out.push_str(&text);
            return;
        }
    }
    out.push_str(&String::from_utf8_lossy(raw));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path at the offset marked by the first `|` in `marked` (the mark removed).
    fn at(marked: &str) -> String {
        let k = marked.find('|').expect("a | marks the offset");
        let doc = marked.replacen('|', "", 1);
        path_at(doc.as_bytes(), k, false)
    }

    #[test]
    fn a_scalar_is_named_from_inside_and_from_just_after_it() {
        assert_eq!(at(r#"{"a":1|}"#), "a");
        assert_eq!(at(r#"{"a":"x|y"}"#), "a");
        assert_eq!(at(r#"{"a":"xy"|}"#), "a");
        assert_eq!(at(r#"{"a":{"b":[true, null|]}}"#), "a.b[1]");
        assert_eq!(at(r#"{"a":{"b":[true, -1.5e3|,7]}}"#), "a.b[1]");
        assert_eq!(at(r#"{"a":{"b":[true, 12|345]}}"#), "a.b[1]");
    }

    #[test]
    fn a_container_is_named_at_its_opening_bracket_and_just_after_its_closing_one() {
        assert_eq!(at(r#"{"a":|{"b":1}}"#), "a");
        assert_eq!(at(r#"{"a": |[1]}"#), "a");
        assert_eq!(at(r#"{"a":{"b":1}|}"#), "a");
        assert_eq!(at(r#"{"a":[1,{"b":[]}|]}"#), "a[1]");
        assert_eq!(at(r#"{"a":[1,{"b":[]|}]}"#), "a[1].b");
        assert_eq!(at(r#"{"a":[]|}"#), "a");
    }

    #[test]
    fn between_values_the_container_is_named() {
        assert_eq!(at(r#"{"a":1 |,"b":2}"#), ".");
        assert_eq!(at(r#"{"x":{"a":1 |}}"#), "x");
        assert_eq!(at(r#"{"x":[1, 2 |]}"#), "x");
        assert_eq!(at(r#"{"x":{"a":1,|"b":2}}"#), "x");
        // After a key (a duplicate key, refused before its value is read).
        assert_eq!(at(r#"{"x":{"a":1,"a"|:2}}"#), "x");
        assert_eq!(at(r#"{"x":{"a":1,"a" |:2}}"#), "x");
    }

    #[test]
    fn an_object_or_array_refused_as_soon_as_it_is_opened_is_named() {
        // serde_json consumed the bracket (and the whitespace after it) before the visitor refused.
        assert_eq!(at(r#"{"a":{|"b":1}}"#), "a");
        assert_eq!(at(r#"{"a":{ |}}"#), "a");
        assert_eq!(at(r#"{"a":[|1]}"#), "a");
        assert_eq!(at(r#"{"a":[ |"x"]}"#), "a");
        assert_eq!(at(r#"{"a":[|]}"#), "a");
        // Its first element an object: the message tells which was refused.
        let doc = br#"{"a":[{"b":1}]}"#;
        assert_eq!(path_at(doc, 6, true), "a");
        assert_eq!(path_at(doc, 6, false), "a[0]");
        // Its first element an array: the element (refused itself, or the array refused: one position).
        assert_eq!(path_at(br#"{"a":[[1]]}"#, 6, true), "a[0]");
        // An array refused after its first element (an error without position, placed after the comma).
        assert_eq!(at(r#"{"a":[1, |2]}"#), "a");
    }

    #[test]
    fn the_root_is_a_dot_and_top_level_arrays_start_with_an_index() {
        assert_eq!(at(r#"|{"a":1}"#), ".");
        assert_eq!(at(r#"{"a":1}|"#), ".");
        assert_eq!(at(r#"  |[1]"#), ".");
        assert_eq!(at(r#"[[|[["#), "[0][0]");
        assert_eq!(at(r#"[[], [1, |{"k":1}]]"#), "[1][1]");
        assert_eq!(at(r#"[[], [1, {"k":1|}]]"#), "[1][1].k");
        assert_eq!(at(r#"[{"k":[0,[1,2,[3|]]]}]"#), "[0].k[1][2][0]");
    }

    #[test]
    fn keys_are_unescaped_and_written_as_they_are() {
        assert_eq!(at(r#"{"a\"b":1|}"#), r#"a"b"#);
        assert_eq!(at(r#"{"\u00e9t\u00E9":{"x\\y":[|{}]}}"#), r"été.x\y[0]");
        assert_eq!(at(r#"{"a.b[0]":{"c":true|}}"#), "a.b[0].c");
        assert_eq!(at(r#"{"":{"c":true|}}"#), ".c");
        assert_eq!(at(r#"{"x":{"":true|}}"#), "x.");
        // Quotes and brackets inside strings are not structure.
        assert_eq!(at(r#"{"s":"[{\"}]\\","t":[1|]}"#), "t[0]");
        assert_eq!(at("{\"ü\":\"日本\",\"t\":[1|]}"), "t[0]");
    }

    #[test]
    fn each_top_level_document_starts_at_the_root() {
        let lines = "{\"a\":[1]}\n{\"a\":[1,2]}\n{\"b\":{\"c\":[|{}]}}\n";
        assert_eq!(at(lines), "b.c[0]");
        assert_eq!(at("{\"a\":[1]}{\"a\":|[1,2]}"), "a");
        assert_eq!(at("{\"a\":[1]}\n|[2]"), ".");
        assert_eq!(at("{\"a\":[1]}\n{\"a\":[1,2]}|\n"), ".");
        assert_eq!(at("[1]\r\n[2, 3|]"), "[1]");
        assert_eq!(at("[1]\r\n[2, |[3]]"), "[1]");
    }

    #[test]
    fn anything_else_gives_some_path_without_panicking() {
        for doc in ["", "}", "]]]", ",,", "\"", "\"\\", "{\"a", "{\"a\\", ":", "{:1}", "[,,]", "{\"a\":1,,}", "\u{0}"] {
            for k in 0..=doc.len() + 2 {
                let _ = path_at(doc.as_bytes(), k, k % 2 == 0);
            }
        }
        assert_eq!(path_at(b"{\"a\":{:1}}", 8, false), "a");
    }

    #[test]
    fn offsets_come_from_serde_json_positions() {
        // serde_json counts a column as the bytes of its line before the position.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct S {
            a: Vec<u8>,
        }
        for (doc, want) in [
            ("{\"a\":[1,\"x\"]}", "{\"a\":[1,\"x\"".len()),
            ("{\n \"a\": [1,\n  \"é\"]}", "{\n \"a\": [1,\n  \"é\"".len()),
            ("\n\n  {\"a\":[true]}", "\n\n  {\"a\":[true".len()),
            ("{\"a\":{}}", "{\"a\":".len()),
            // A missing field: just after the object.
            ("{\"b\":1} ", "{\"b\":1}".len()),
        ] {
            let e = serde_json::from_str::<S>(doc).unwrap_err();
            assert!(e.is_data(), "{e}");
            assert_eq!(offset_of(doc.as_bytes(), e.line(), e.column()), want, "{doc:?}: {e}");
        }
        assert_eq!(offset_of(b"ab\ncd", 2, 0), 3);
        assert_eq!(offset_of(b"ab\ncd", 2, 9), 5);
        assert_eq!(offset_of(b"ab\ncd", 7, 1), 5);
        assert_eq!(offset_of(b"ab", 0, 0), 0);
    }
}
