//! [`SpanSet`]: a set of spans of one trace as a bitset (one bit per span, 125 KB for a million spans). Used for
//! collapsed spans, filter matches, spans kept by "matches only" and the critical path.
//!
//! Spans are in pre-order, so "the next member after span i" is also "the next in the waterfall's order".

use crate::trace::SpanIdx;

/// A set of span positions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanSet {
    bits: Vec<u64>,
}

impl SpanSet {
    /// An empty set sized for `len` spans (it grows if larger positions are inserted).
    pub fn with_len(len: usize) -> Self {
        SpanSet { bits: vec![0; len.div_ceil(64)] }
    }

    pub fn contains(&self, s: SpanIdx) -> bool {
        self.bits.get(s.ix() / 64).is_some_and(|w| w & (1 << (s.ix() % 64)) != 0)
    }

    pub fn set(&mut self, s: SpanIdx, member: bool) {
        if s.ix() / 64 >= self.bits.len() {
            if !member {
                return;
            }
            self.bits.resize(s.ix() / 64 + 1, 0);
        }
        let w = &mut self.bits[s.ix() / 64];
        if member {
            *w |= 1 << (s.ix() % 64);
        } else {
            *w &= !(1 << (s.ix() % 64));
        }
    }

    pub fn insert(&mut self, s: SpanIdx) {
        self.set(s, true);
    }

    /// Number of members.
    pub fn count(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&w| w == 0)
    }

    /// Members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = SpanIdx> + '_ {
        self.bits.iter().enumerate().flat_map(|(k, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros();
                w &= w - 1;
                Some(SpanIdx(k as u32 * 64 + b))
            })
        })
    }

    /// The first member after `s` (or the first member when `s` is `None`).
    pub fn next_after(&self, s: Option<SpanIdx>) -> Option<SpanIdx> {
        let from = s.map_or(0, |s| s.ix() + 1);
        let mut k = from / 64;
        if k >= self.bits.len() {
            return None;
        }
        let mut w = self.bits[k] & (u64::MAX << (from % 64));
        loop {
            if w != 0 {
                return Some(SpanIdx((k * 64) as u32 + w.trailing_zeros()));
            }
            k += 1;
            w = *self.bits.get(k)?;
        }
    }

    /// The last member before `s` (or the last member when `s` is `None`).
    pub fn prev_before(&self, s: Option<SpanIdx>) -> Option<SpanIdx> {
        let end = match s {
            Some(s) if s.ix() == 0 => return None,
            Some(s) => s.ix(), // exclusive
            None => self.bits.len() * 64,
        };
        if end == 0 {
            return None;
        }
        let mut k = (end - 1) / 64;
        if k >= self.bits.len() {
            k = self.bits.len().checked_sub(1)?;
            return self.last_in_or_before(k, u64::MAX);
        }
        let keep = (end - 1) % 64;
        let mask = if keep == 63 { u64::MAX } else { (1u64 << (keep + 1)) - 1 };
        self.last_in_or_before(k, mask)
    }

    fn last_in_or_before(&self, mut k: usize, mask: u64) -> Option<SpanIdx> {
        let mut w = self.bits[k] & mask;
        loop {
            if w != 0 {
                return Some(SpanIdx((k * 64) as u32 + 63 - w.leading_zeros()));
            }
            k = k.checked_sub(1)?;
            w = self.bits[k];
        }
    }

    /// Number of members before `s` (the 0-based rank of `s` when it is a member).
    pub fn rank(&self, s: SpanIdx) -> usize {
        let k = s.ix() / 64;
        let full: usize = self.bits.iter().take(k).map(|w| w.count_ones() as usize).sum();
        let part = self.bits.get(k).map_or(0, |w| (w & ((1u64 << (s.ix() % 64)) - 1)).count_ones() as usize);
        full + part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_prev_and_rank_walk_members_in_order() {
        let mut s = SpanSet::with_len(200);
        for i in [0, 5, 63, 64, 130, 199] {
            s.insert(SpanIdx(i));
        }
        assert_eq!(s.count(), 6);
        assert_eq!(s.iter().map(|x| x.0).collect::<Vec<_>>(), [0, 5, 63, 64, 130, 199]);
        assert_eq!(s.next_after(None), Some(SpanIdx(0)));
        assert_eq!(s.next_after(Some(SpanIdx(5))), Some(SpanIdx(63)));
        assert_eq!(s.next_after(Some(SpanIdx(64))), Some(SpanIdx(130)));
        assert_eq!(s.next_after(Some(SpanIdx(199))), None);
        assert_eq!(s.prev_before(None), Some(SpanIdx(199)));
        assert_eq!(s.prev_before(Some(SpanIdx(130))), Some(SpanIdx(64)));
        assert_eq!(s.prev_before(Some(SpanIdx(64))), Some(SpanIdx(63)));
        assert_eq!(s.prev_before(Some(SpanIdx(0))), None);
        assert_eq!(s.prev_before(Some(SpanIdx(1000))), Some(SpanIdx(199)));
        assert_eq!(s.rank(SpanIdx(130)), 4);
        s.set(SpanIdx(64), false);
        assert_eq!(s.rank(SpanIdx(130)), 3);
        assert!(SpanSet::with_len(10).next_after(None).is_none());
        assert!(SpanSet::default().prev_before(None).is_none());
    }
}
