//! Sorting through a few shared copies of the standard library's sort.
//!
//! Every call of `sort_by`, `sort_by_key` or `sort_unstable_by` with a closure of its own compiles a copy of the
//! standard library's sort for that closure (driftsort or ipnsort with their helpers: 3–10 KB of wasm each); the
//! app and the model had 45 such calls, 180 KB of the download. Here sorts by integer keys go through two copies,
//! `sort_unstable` of `[(u64, u32)]` and of `[(u64, u64, u32)]`: the key, then the element's position (or, for
//! a slice of span indices, the index itself), so ties keep their order and the result is that of a stable sort.
//! [`i64_key`] and [`f64_key`] map signed and floating-point keys to `u64` in the same order; `!x` reverses one.
//! Sorts by a comparison (strings, several columns) go through one more copy, [`sort_by`]: a stable sort of the
//! elements' positions, comparing through a `dyn` closure.

/// `x` as a `u64` that sorts as `x` does.
pub fn i64_key(x: i64) -> u64 {
    (x as u64) ^ (1 << 63)
}

/// `x` as a `u64` that sorts as [`f64::total_cmp`] does (negative numbers before positive, NaN at the ends).
pub fn f64_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Sorts `v` by `key`, stably.
pub fn sort_by_key<T>(v: &mut [T], key: impl Fn(&T) -> u64) {
    if v.len() < 2 {
        return;
    }
    let mut keyed: Vec<(u64, u32)> = v.iter().enumerate().map(|(i, t)| (key(t), i as u32)).collect();
    keyed.sort_unstable();
    permute(v, &mut keyed, |k| &mut k.1);
}

/// Sorts `v` by `cmp`, stably, like `v.sort_by(cmp)`: for the lists a person reads (rows, results, names), where
/// a comparison costs more than a call through a pointer.
pub fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut positions: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut positions, &|a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, &mut positions, |p| p);
}

/// The one copy of the standard library's stable sort behind [`sort_by`].
#[inline(never)]
fn sort_positions(positions: &mut [u32], cmp: &dyn Fn(u32, u32) -> std::cmp::Ordering) {
    positions.sort_by(|&a, &b| cmp(a, b));
}

/// Sorts `v` by a key of two parts (the second breaks ties of the first), stably.
pub fn sort_by_key2<T>(v: &mut [T], key: impl Fn(&T) -> (u64, u64)) {
    sort_by_key2_in(v, &mut Vec::new(), key);
}

/// [`sort_by_key2`] with a buffer reused between calls (a sort per span allocates nothing once it has grown).
pub fn sort_by_key2_in<T>(v: &mut [T], scratch: &mut Vec<(u64, u64, u32)>, key: impl Fn(&T) -> (u64, u64)) {
    if v.len() < 2 {
        return;
    }
    scratch.clear();
    scratch.extend(v.iter().enumerate().map(|(i, t)| {
        let (a, b) = key(t);
        (a, b, i as u32)
    }));
    scratch.sort_unstable();
    permute(v, scratch, |k| &mut k.2);
}

/// Sorts a slice of indices by `key`, ties by the index: the order of `(key(i), i)`. `scratch` is reused between
/// calls (a sort per span's children allocates nothing once it has grown).
pub fn sort_indices_by_key(v: &mut [u32], scratch: &mut Vec<(u64, u32)>, key: impl Fn(u32) -> u64) {
    if v.len() < 2 {
        return;
    }
    scratch.clear();
    scratch.extend(v.iter().map(|&i| (key(i), i)));
    scratch.sort_unstable();
    for (slot, &(_, i)) in v.iter_mut().zip(scratch.iter()) {
        *slot = i;
    }
}

/// Puts `v` in the order `keyed` (sorted) gives by position: the element at `position(keyed[i])` goes to `i`.
/// Swaps in place, following each position through the ones already moved (the standard library's
/// `sort_by_cached_key` does the same).
fn permute<T, K>(v: &mut [T], keyed: &mut [K], position: impl Fn(&mut K) -> &mut u32) {
    for i in 0..v.len() {
        let mut from = *position(&mut keyed[i]);
        while (from as usize) < i {
            from = *position(&mut keyed[from as usize]);
        }
        *position(&mut keyed[i]) = from;
        v.swap(i, from as usize);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_are_stable_and_keys_keep_their_order() {
        let mut v: Vec<(u64, char)> = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f'), (3, 'g')];
        let mut want = v.clone();
        want.sort_by_key(|x| x.0);
        sort_by_key(&mut v, |x| x.0);
        assert_eq!(v, want);
        let mut w: Vec<(u64, u64, u8)> = (0..200u64).map(|i| (i * 7 % 5, i * 13 % 3, i as u8)).collect();
        let mut want = w.clone();
        want.sort_by_key(|x| (x.0, x.1));
        sort_by_key2(&mut w, |x| (x.0, x.1));
        assert_eq!(w, want);
        let mut idx: Vec<u32> = vec![5, 3, 9, 1, 7];
        let start = [0u64, 4, 0, 4, 0, 2, 0, 2, 0, 2];
        sort_indices_by_key(&mut idx, &mut Vec::new(), |i| start[i as usize]);
        assert_eq!(idx, [5, 7, 9, 1, 3]);
        let mut words = vec!["pear", "Apple", "fig", "apple", "Fig", "kiwi", "banana", "fig"];
        let mut want = words.clone();
        want.sort_by_key(|w| w.to_lowercase());
        sort_by(&mut words, |a, b| a.to_lowercase().cmp(&b.to_lowercase()));
        assert_eq!(words, want, "stable: equal words keep their order");
        let ints = [i64::MIN, -5, -1, 0, 1, 7, i64::MAX];
        assert!(ints.windows(2).all(|p| i64_key(p[0]) < i64_key(p[1])));
        let floats = [f64::NEG_INFINITY, -2.5, -0.0, 0.0, 1e-300, 3.0, f64::INFINITY, f64::NAN];
        assert!(floats.windows(2).all(|p| f64_key(p[0]) < f64_key(p[1])));
        assert!(f64_key(-f64::NAN) < f64_key(f64::NEG_INFINITY));
    }
}
