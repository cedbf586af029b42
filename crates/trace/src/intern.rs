//! Interned strings. A trace repeats the same few thousand strings (service names, operation names, attribute
//! keys, most attribute values) across up to millions of spans; each distinct string is stored once in one
//! buffer and referred to by a 4-byte [`StrId`]. The lookup table used while building is dropped when the
//! trace is frozen, so a built trace pays only for the text and one offset per string.

use hashbrown::hash_table::{Entry, HashTable};
use std::hash::BuildHasher;

/// An interned string. `StrId::EMPTY` is the empty string, present in every table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct StrId(pub u32);

impl StrId {
    pub const EMPTY: StrId = StrId(0);

    pub fn is_empty(self) -> bool {
        self == StrId::EMPTY
    }
}

/// Frozen string storage: all text in one buffer, string `i` is `buf[ends[i-1]..ends[i]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Strings {
    buf: String,
    ends: Vec<u32>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings { buf: String::new(), ends: vec![0] }
    }
}

impl Strings {
    pub fn get(&self, id: StrId) -> &str {
        let i = id.0 as usize;
        if i == 0 || i >= self.ends.len() {
            return "";
        }
        &self.buf[self.ends[i - 1] as usize..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.buf.capacity() + self.ends.capacity() * 4
    }

    /// The text buffer and the end offsets (for [`crate::codec`]).
    pub(crate) fn parts(&self) -> (&str, &[u32]) {
        (&self.buf, &self.ends)
    }

    /// From [`Strings::parts`]; `None` unless `ends` starts at 0, never decreases, ends at `buf.len()` and
    /// falls on character boundaries (so [`Strings::get`] cannot panic).
    pub(crate) fn from_parts(buf: String, ends: Vec<u32>) -> Option<Strings> {
        let ok = ends.first() == Some(&0)
            && ends.last().is_some_and(|&e| e as usize == buf.len())
            && ends.windows(2).all(|w| w[0] <= w[1])
            && ends.iter().all(|&e| buf.is_char_boundary(e as usize));
        ok.then_some(Strings { buf, ends })
    }
}

/// Builds a [`Strings`] table, deduplicating as it goes.
#[derive(Default)]
pub struct Interner {
    strings: Strings,
    table: HashTable<Slot>,
    hasher: hashbrown::DefaultHashBuilder,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Interner({} strings)", self.strings.len())
    }
}

/// A string of the lookup table: its id and 32 bits of its hash, so that probing and growing the table compare and
/// rehash without reading the text (8 bytes per string, dropped with the table).
#[derive(Clone, Copy)]
struct Slot {
    hash: u32,
    id: u32,
}

/// The table's 64-bit hash, spread from the 32 bits a [`Slot`] keeps.
fn table_hash(short: u32) -> u64 {
    u64::from(short).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> StrId {
        if s.is_empty() {
            return StrId::EMPTY;
        }
        let short = self.hasher.hash_one(s) as u32;
        let strings = &mut self.strings;
        let eq = |slot: &Slot| slot.hash == short && strings.get(StrId(slot.id)) == s;
        match self.table.entry(table_hash(short), eq, |slot| table_hash(slot.hash)) {
            Entry::Occupied(e) => StrId(e.get().id),
            Entry::Vacant(e) => {
                let id = strings.ends.len() as u32;
                strings.buf.push_str(s);
                strings.ends.push(strings.buf.len() as u32);
                e.insert(Slot { hash: short, id });
                StrId(id)
            }
        }
    }

    pub fn get(&self, id: StrId) -> &str {
        self.strings.get(id)
    }

    /// Drops the lookup table and returns the compacted text.
    pub fn freeze(self) -> Strings {
        let mut s = self.strings;
        s.buf.shrink_to_fit();
        s.ends.shrink_to_fit();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table grows many times (rehashing from the 32 bits each slot keeps) and still finds every string.
    #[test]
    fn many_strings_survive_the_table_growing() {
        let mut i = Interner::default();
        let ids: Vec<StrId> = (0..100_000).map(|n| i.intern(&format!("value-{n}"))).collect();
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(i.intern(&format!("value-{n}")), *id);
        }
        let distinct: std::collections::HashSet<StrId> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len());
        let s = i.freeze();
        assert_eq!(s.get(ids[99_999]), "value-99999");
    }

    #[test]
    fn interning_deduplicates_and_freezes() {
        let mut i = Interner::default();
        let a = i.intern("GET /orders");
        let b = i.intern("服务");
        assert_eq!(i.intern("GET /orders"), a);
        assert_eq!(i.intern(""), StrId::EMPTY);
        let s = i.freeze();
        assert_eq!(s.get(a), "GET /orders");
        assert_eq!(s.get(b), "服务");
        assert_eq!(s.get(StrId::EMPTY), "");
    }
}
