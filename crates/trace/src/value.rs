//! Attribute values. Stored compactly ([`Attribute`] is 16 bytes: key, tag and an 8-byte payload that is an
//! interned string, a number, or a range into the trace's arenas) and read through [`Value`], which borrows
//! from the trace. Arrays and key-value lists nest through the same arena, so any OTLP `AnyValue` fits.

use crate::intern::StrId;

/// One key and its value, as stored: 16 bytes (the value's tag and payload are flattened in beside the key).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Attribute {
    payload: u64,
    key: StrId,
    tag: ValueTag,
}

impl Attribute {
    pub fn new(key: StrId, value: StoredValue) -> Self {
        Attribute { payload: value.payload, key, tag: value.tag }
    }
    pub fn key(&self) -> StrId {
        self.key
    }
    pub fn stored(&self) -> StoredValue {
        StoredValue { tag: self.tag, payload: self.payload }
    }
    /// Key, tag and payload as stored (for [`crate::codec`]).
    pub(crate) fn raw_parts(&self) -> (StrId, ValueTag, u64) {
        (self.key, self.tag, self.payload)
    }
    /// From [`Attribute::raw_parts`]; the caller checks that the payload suits the tag.
    pub(crate) fn from_raw_parts(key: StrId, tag: ValueTag, payload: u64) -> Self {
        Attribute { payload, key, tag }
    }
}

/// A value as stored: scalars inline; strings interned; bytes, arrays and lists as ranges into arenas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StoredValue {
    tag: ValueTag,
    payload: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ValueTag {
    Str,
    Bool,
    Int,
    Double,
    Bytes,
    Array,
    KvList,
    Empty,
}

impl ValueTag {
    /// The tag whose `as u8` is `b` (for [`crate::codec`]).
    pub(crate) fn from_u8(b: u8) -> Option<ValueTag> {
        Some(match b {
            0 => ValueTag::Str,
            1 => ValueTag::Bool,
            2 => ValueTag::Int,
            3 => ValueTag::Double,
            4 => ValueTag::Bytes,
            5 => ValueTag::Array,
            6 => ValueTag::KvList,
            7 => ValueTag::Empty,
            _ => return None,
        })
    }
}

/// A half-open range `start..start+len` into an arena, packed in 8 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Range32 {
    pub start: u32,
    pub len: u32,
}

impl Range32 {
    pub fn of(start: usize, end: usize) -> Range32 {
        Range32 { start: start as u32, len: (end - start) as u32 }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
    fn pack(self) -> u64 {
        ((self.start as u64) << 32) | self.len as u64
    }
    pub(crate) fn unpack(p: u64) -> Range32 {
        Range32 { start: (p >> 32) as u32, len: p as u32 }
    }
}

impl StoredValue {
    pub fn str(id: StrId) -> Self {
        StoredValue { tag: ValueTag::Str, payload: id.0 as u64 }
    }
    pub fn bool(b: bool) -> Self {
        StoredValue { tag: ValueTag::Bool, payload: b as u64 }
    }
    pub fn int(i: i64) -> Self {
        StoredValue { tag: ValueTag::Int, payload: i as u64 }
    }
    pub fn double(d: f64) -> Self {
        StoredValue { tag: ValueTag::Double, payload: d.to_bits() }
    }
    /// An OTLP `AnyValue` with no value set.
    pub fn empty() -> Self {
        StoredValue { tag: ValueTag::Empty, payload: 0 }
    }
    /// Bytes at `range` of the blob arena.
    pub fn bytes(range: Range32) -> Self {
        StoredValue { tag: ValueTag::Bytes, payload: range.pack() }
    }
    /// Elements at `range` of the attribute arena (their keys are empty).
    pub fn array(range: Range32) -> Self {
        StoredValue { tag: ValueTag::Array, payload: range.pack() }
    }
    /// Key-value pairs at `range` of the attribute arena.
    pub fn kvlist(range: Range32) -> Self {
        StoredValue { tag: ValueTag::KvList, payload: range.pack() }
    }

    /// The interned string, if this is a string value.
    pub fn as_str_id(&self) -> Option<StrId> {
        (self.tag == ValueTag::Str).then_some(StrId(self.payload as u32))
    }

    pub(crate) fn resolve<'t>(&self, arena: &'t crate::trace::Arena) -> Value<'t> {
        match self.tag {
            ValueTag::Str => Value::Str(arena.strings.get(StrId(self.payload as u32))),
            ValueTag::Bool => Value::Bool(self.payload != 0),
            ValueTag::Int => Value::Int(self.payload as i64),
            ValueTag::Double => Value::Double(f64::from_bits(self.payload)),
            ValueTag::Bytes => Value::Bytes(&arena.blobs[Range32::unpack(self.payload).range()]),
            ValueTag::Array => Value::Array(&arena.attrs[Range32::unpack(self.payload).range()]),
            ValueTag::KvList => Value::KvList(&arena.attrs[Range32::unpack(self.payload).range()]),
            ValueTag::Empty => Value::Empty,
        }
    }
}

/// A value read from a trace.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'t> {
    Str(&'t str),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(&'t [u8]),
    /// Array elements (keys empty); resolve each with [`crate::Trace::value`].
    Array(&'t [Attribute]),
    KvList(&'t [Attribute]),
    Empty,
}

impl Value<'_> {
    /// The type name shown in the UI.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Double(_) => "double",
            Value::Bytes(_) => "bytes",
            Value::Array(_) => "array",
            Value::KvList(_) => "map",
            Value::Empty => "empty",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_sixteen_bytes() {
        // The memory budget (model ≤ 35% of the JSON) depends on this.
        assert_eq!(std::mem::size_of::<Attribute>(), 16);
    }
}
