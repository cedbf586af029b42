//! A stream's envelope, read by a byte scanner: the serde `Deserializer` of [`Input::Stream`](super::Input).
//!
//! It reads the arrays and objects around the spans (`resourceSpans`, `data`, `spans` …) and hands each element
//! (a span, a resource, a trace's processes; see [`Elements`](super::Elements)) whole, as text, to the code that
//! reads documents in memory. It checks only what it reads itself (the envelope's structure, keys and scalars);
//! an element is checked by serde_json as it is read, and a skipped value by serde_json's own skipping. So a
//! stream is as strict as memory, and the importers' element code exists once in the wasm.
//!
//! Errors carry the byte offset where the scanner stood; [`super::shape_error`] reads the document's start again
//! up to there and parses it in memory, which gives serde_json's exact message, line, column and JSON path.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

/// The newtype name that asks the scanner for the next value as text (see [`Scanned`]).
const ELEMENT: &str = "$spanscope::element";
/// The same for an object only; anything else is read where it stands.
const OBJECT_ELEMENT: &str = "$spanscope::object-element";

/// Nesting the envelope may have, as serde_json allows a document in memory.
const MAX_DEPTH: u32 = 128;

/// The most bytes one element may have (a span, or a trace's processes): past it the value is taken to be
/// malformed (an unclosed string or bracket would otherwise gather the rest of the document).
const MAX_ELEMENT_BYTES: usize = 256 << 20;

/// Why the scanner stopped. `offset` is where it stood in the document (past its byte order mark).
#[derive(Debug)]
pub(crate) struct ScanError {
    pub offset: u64,
    pub message: String,
    /// The document could not be read.
    pub io: bool,
}

/// Not yet placed: a visitor's error gets the scanner's position when it comes back through it.
const UNPLACED: u64 = u64::MAX;

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScanError {}

impl de::Error for ScanError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ScanError { offset: UNPLACED, message: msg.to_string(), io: false }
    }
}

/// The scanner over one reader of the document.
pub(crate) struct Scan<'r> {
    r: BufReader<Box<dyn Read + 'r>>,
    /// Bytes consumed so far.
    offset: u64,
    depth: u32,
    /// The text of the value being handed out (an element, a scalar, a string as it stands).
    buf: Vec<u8>,
    /// The string just read, decoded.
    string: String,
}

type Result<T> = std::result::Result<T, ScanError>;

impl<'r> Scan<'r> {
    pub(crate) fn new(r: BufReader<Box<dyn Read + 'r>>) -> Self {
        Scan { r, offset: 0, depth: 0, buf: Vec::new(), string: String::new() }
    }

    #[inline(never)]
    fn error(&self, message: &str) -> ScanError {
        ScanError { offset: self.offset, message: message.to_string(), io: false }
    }

    fn place(&self, mut e: ScanError) -> ScanError {
        if e.offset == UNPLACED {
            e.offset = self.offset;
        }
        e
    }

    fn fill(&mut self) -> Result<&[u8]> {
        let offset = self.offset;
        self.r.fill_buf().map_err(|e| ScanError { offset, message: e.to_string(), io: true })
    }

    fn bump(&mut self, n: usize) {
        self.r.consume(n);
        self.offset += n as u64;
    }

    /// Skips whitespace; the next byte, not consumed (`None` at the end).
    #[inline]
    fn peek(&mut self) -> Result<Option<u8>> {
        match self.r.buffer().first() {
            Some(&c) if !matches!(c, b' ' | b'\n' | b'\t' | b'\r') => Ok(Some(c)),
            _ => self.peek_past_whitespace(),
        }
    }

    #[inline(never)]
    fn peek_past_whitespace(&mut self) -> Result<Option<u8>> {
        loop {
            let chunk = self.fill()?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let ws = chunk.iter().take_while(|&&c| matches!(c, b' ' | b'\n' | b'\t' | b'\r')).count();
            let next = chunk.get(ws).copied();
            self.bump(ws);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// `Ok` at the end of the document (only whitespace left): what comes after a document.
    pub(crate) fn end(&mut self) -> Result<()> {
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// Reads the next value's bytes into `buf`, unchecked but for its extent: a string to its closing quote, an
    /// array or object to its closing bracket, a number or literal to the next delimiter.
    fn capture(&mut self) -> Result<()> {
        self.buf.clear();
        let Some(first) = self.peek()? else { return Err(self.error("EOF while parsing a value")) };
        #[derive(PartialEq)]
        enum State {
            Scalar,
            Str,
            Container,
        }
        let state = match first {
            b'"' => State::Str,
            b'{' | b'[' => State::Container,
            _ => State::Scalar,
        };
        let mut depth = 0u32;
        let mut in_str = false;
        let mut escaped = false;
        let mut started = false;
        loop {
            let offset = self.offset;
            let chunk = self.r.fill_buf().map_err(|e| ScanError { offset, message: e.to_string(), io: true })?;
            if chunk.is_empty() {
                return if state == State::Scalar && started {
                    Ok(())
                } else {
                    Err(self.error("EOF while parsing a value"))
                };
            }
            let mut end = None;
            let mut i = 0;
            while i < chunk.len() {
                if in_str {
                    if escaped {
                        escaped = false;
                        i += 1;
                        continue;
                    }
                    // Most of a span's bytes are inside strings: jump to the next quote or backslash.
                    i = quote_or_backslash(chunk, i);
                    match chunk.get(i) {
                        None => break,
                        Some(b'\\') => escaped = true,
                        Some(_) => {
                            in_str = false;
                            if state == State::Str {
                                end = Some(i + 1);
                                break;
                            }
                        }
                    }
                    i += 1;
                    continue;
                }
                let c = chunk[i];
                match state {
                    State::Scalar => {
                        if started && matches!(c, b',' | b']' | b'}' | b' ' | b'\n' | b'\t' | b'\r' | b':') {
                            end = Some(i);
                            break;
                        }
                    }
                    State::Str => in_str = true, // the opening quote
                    State::Container => match c {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    },
                }
                started = true;
                i += 1;
            }
            let n = end.unwrap_or(chunk.len());
            self.buf.extend_from_slice(&chunk[..n]);
            self.r.consume(n);
            self.offset += n as u64;
            if end.is_some() {
                return Ok(());
            }
            if self.buf.len() > MAX_ELEMENT_BYTES {
                return Err(self.error(&format!("a value longer than {} MB", MAX_ELEMENT_BYTES >> 20)));
            }
        }
    }

    /// The captured text, checked as UTF-8.
    fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.buf).map_err(|_| self.error("invalid unicode code point"))
    }

    /// Reads the next string (a key or a value) into `string`, decoded.
    #[inline(never)]
    fn string(&mut self) -> Result<()> {
        self.capture()?;
        let Ok(raw) = std::str::from_utf8(&self.buf) else { return Err(self.error("invalid unicode code point")) };
        if raw.len() < 2 || !raw.ends_with('"') {
            return Err(self.error("EOF while parsing a string"));
        }
        let inner = &raw[1..raw.len() - 1];
        self.string.clear();
        if !inner.bytes().any(|c| c == b'\\' || c < 0x20) {
            self.string.push_str(inner);
            return Ok(());
        }
        // Escapes (and control characters, which serde_json refuses): serde_json reads it.
        match serde_json::from_str::<String>(raw) {
            Ok(s) => {
                self.string = s;
                Ok(())
            }
            Err(e) => Err(self.error(&super::message_of(&e))),
        }
    }

    /// Reads a scalar (number or literal), checked by serde_json as memory would read it.
    #[inline(never)]
    fn scalar_value(&mut self) -> Result<serde_json::Value> {
        self.capture()?;
        let text = self.text()?;
        serde_json::from_str(text).map_err(|e| self.error(&super::message_of(&e)))
    }

    fn scalar<'de, V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let r = match self.scalar_value()? {
            serde_json::Value::Null => visitor.visit_unit(),
            serde_json::Value::Bool(b) => visitor.visit_bool(b),
            serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (_, Some(i), _) => visitor.visit_i64(i),
                (_, _, Some(f)) => visitor.visit_f64(f),
                _ => Err(de::Error::custom("a number out of range")),
            },
            _ => Err(de::Error::custom("expected value")),
        };
        r.map_err(|e| self.place(e))
    }

    /// Skips the next value. Containers, strings and literals are skipped by serde_json itself (its checks are
    /// the memory path's), reading from the same buffer; a number is read here, since serde_json would take one
    /// byte past it to see where it ends.
    #[inline(never)]
    fn skip(&mut self) -> Result<()> {
        match self.peek()? {
            Some(b'{' | b'[' | b'"' | b't' | b'f' | b'n') => {
                let mut counted = Counted { r: &mut self.r, n: 0 };
                let r: serde_json::Result<IgnoredAny> =
                    serde::Deserialize::deserialize(&mut serde_json::Deserializer::from_reader(&mut counted));
                self.offset += counted.n;
                r.map(drop).map_err(|e| ScanError {
                    offset: self.offset,
                    message: super::message_of(&e),
                    io: e.is_io(),
                })
            }
            Some(_) => self.scalar_value().map(drop),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    #[inline(never)]
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.bump(1);
        Ok(())
    }

    /// The closing bracket of the container just read.
    #[inline(never)]
    fn leave(&mut self, close: u8) -> Result<()> {
        self.depth -= 1;
        match self.peek()? {
            Some(c) if c == close => {
                self.bump(1);
                Ok(())
            }
            Some(_) => Err(self.error("trailing characters")),
            None => Err(self.error("EOF while parsing")),
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut Scan<'_> {
    type Error = ScanError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            Some(b'{') => {
                self.enter()?;
                let v = visitor.visit_map(Entries { de: &mut *self, first: true }).map_err(|e| self.place(e))?;
                self.leave(b'}')?;
                Ok(v)
            }
            Some(b'[') => {
                self.enter()?;
                let v = visitor.visit_seq(Entries { de: &mut *self, first: true }).map_err(|e| self.place(e))?;
                self.leave(b']')?;
                Ok(v)
            }
            Some(b'"') => {
                self.string()?;
                visitor.visit_str(&self.string).map_err(|e| self.place(e))
            }
            Some(_) => self.scalar(visitor),
            None => Err(self.error("EOF while parsing a value")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek()? {
            Some(b'n') => {
                self.capture()?;
                if self.buf != b"null" {
                    return Err(self.error("expected ident"));
                }
                visitor.visit_none().map_err(|e| self.place(e))
            }
            _ => visitor.visit_some(&mut *self).map_err(|e| self.place(e)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit().map_err(|e| self.place(e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value> {
        let whole = match name {
            ELEMENT => true,
            OBJECT_ELEMENT => self.peek()? == Some(b'{'),
            _ => false,
        };
        if !whole {
            return visitor.visit_newtype_struct(&mut *self).map_err(|e| self.place(e));
        }
        self.capture()?;
        let buf = std::mem::take(&mut self.buf);
        let r = match std::str::from_utf8(&buf) {
            Ok(text) => visitor.visit_str(text).map_err(|e| self.place(e)),
            Err(_) => Err(self.error("invalid unicode code point")),
        };
        self.buf = buf;
        r
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct seq
        tuple tuple_struct map struct enum identifier
    }
}

/// The entries of an object or the elements of an array.
struct Entries<'s, 'r> {
    de: &'s mut Scan<'r>,
    first: bool,
}

impl Entries<'_, '_> {
    /// Past the separator before the next entry; `false` at `close`.
    fn next(&mut self, close: u8) -> Result<bool> {
        let de = &mut *self.de;
        match de.peek()? {
            Some(c) if c == close => Ok(false),
            Some(b',') if !self.first => {
                de.bump(1);
                Ok(true)
            }
            Some(_) if self.first => {
                self.first = false;
                Ok(true)
            }
            Some(_) => Err(de.error(if close == b']' { "expected `,` or `]`" } else { "expected `,` or `}`" })),
            None => Err(de.error("EOF while parsing")),
        }
    }
}

impl<'de> SeqAccess<'de> for Entries<'_, '_> {
    type Error = ScanError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.next(b']')? {
            return Ok(None);
        }
        seed.deserialize(&mut *self.de).map(Some)
    }
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = ScanError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.next(b'}')? {
            return Ok(None);
        }
        if self.de.peek()? != Some(b'"') {
            return Err(self.de.error("key must be a string"));
        }
        self.de.string()?;
        seed.deserialize(de::value::StrDeserializer::<ScanError>::new(&self.de.string)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let de = &mut *self.de;
        match de.peek()? {
            Some(b':') => de.bump(1),
            Some(_) => return Err(de.error("expected `:`")),
            None => return Err(de.error("EOF while parsing an object")),
        }
        seed.deserialize(&mut *self.de)
    }
}

/// A reader that counts what serde_json takes from the scanner's buffer.
struct Counted<'a, R> {
    r: &'a mut R,
    n: u64,
}

impl<R: BufRead> Read for Counted<'_, R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.r.read(out)?;
        self.n += n as u64;
        Ok(n)
    }
}

/// Elements handed out whole, as text, by [`Scan`], and read by the code that reads documents in memory.
pub(crate) enum Scanned {}

impl super::Elements for Scanned {
    fn read<'de, D, S, V>(d: D, seed: S) -> std::result::Result<V, D::Error>
    where
        D: de::Deserializer<'de>,
        S: for<'a> DeserializeSeed<'a, Value = V>,
    {
        d.deserialize_newtype_struct(ELEMENT, Element(seed))
    }

    fn read_if_object<'de, D, S>(d: D, seed: S) -> std::result::Result<S::Value, D::Error>
    where
        D: de::Deserializer<'de>,
        S: super::WholeIfObject<'de>,
    {
        d.deserialize_newtype_struct(OBJECT_ELEMENT, ObjectElement(seed))
    }
}

/// An object handed out as text (read whole), or anything else to be read where it stands.
struct ObjectElement<S>(S);

impl<'de, S: super::WholeIfObject<'de>> Visitor<'de> for ObjectElement<S> {
    type Value = S::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<S::Value, E> {
        Element(self.0.whole()).visit_str(text)
    }
    fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<S::Value, D::Error> {
        self.0.deserialize(d)
    }
}

struct Element<S>(S);

impl<'de, S, V> Visitor<'de> for Element<S>
where
    S: for<'a> DeserializeSeed<'a, Value = V>,
{
    type Value = V;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an element as text")
    }
    fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<V, E> {
        let mut de = serde_json::Deserializer::from_str(text);
        // A failure inside the element is placed just past it; `shape_error` finds the exact place.
        self.0.deserialize(&mut de).and_then(|v| de.end().map(|()| v)).map_err(|e| E::custom(super::message_of(&e)))
    }
}
/// The position of the first `"` or `\\` in `b` from `from` on, or `b.len()`: eight bytes at a time (a byte equal
/// to the one sought becomes zero, and `(x - 0x01…) & !x & 0x80…` marks zero bytes; the lowest mark is always a
/// true one), as serde_json skips through strings.
fn quote_or_backslash(b: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let w = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
        let (q, e) = (w ^ (ONES * u64::from(b'"')), w ^ (ONES * u64::from(b'\\')));
        let marks = (q.wrapping_sub(ONES) & !q | e.wrapping_sub(ONES) & !e) & HIGH;
        if marks != 0 {
            return i + (marks.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i] != b'"' && b[i] != b'\\' {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::quote_or_backslash;

    #[test]
    fn quote_or_backslash_finds_the_first_of_either() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..200 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly plain bytes (UTF-8 continuation bytes too), now and then a quote or a backslash.
                        [b'a', b'"', b'\\', 0x80, 0xff, b'!', b'#', b'\\' + 1, b'"' - 1, 0][(seed % 10) as usize]
                    })
                    .collect();
                for from in 0..=len {
                    let want = (from..len).find(|&i| b[i] == b'"' || b[i] == b'\\').unwrap_or(len);
                    assert_eq!(quote_or_backslash(&b, from), want, "{b:?} from {from}");
                }
            }
        }
    }
}
