//! Hash routes: `Route::from_hash` on any text. A parsed route must format to a hash that parses back to it
//! (links the app writes reproduce the view), `embed_in_hash`/`theme_in_hash` must agree with the full parse, and
//! percent-encoding must round-trip any text.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanscope_model::route::{percent_decode, percent_encode, Route};

fuzz_target!(|bytes: &[u8]| {
    let Ok(hash) = std::str::from_utf8(bytes) else { return };
    let r = Route::from_hash(hash);
    let h = r.to_hash();
    assert!(h.starts_with('#'), "{h:?} starts with #");
    let back = Route::from_hash(&h);
    assert_eq!(back, r, "from_hash(to_hash(r)) == r, via {h:?}");
    assert_eq!(back.to_hash(), h, "formatting is stable");
    if let Route::Demo { params, .. } | Route::Trace { params, .. } = &r {
        assert_eq!(Route::embed_in_hash(hash), params.embed, "embed_in_hash agrees with from_hash");
        assert_eq!(Route::theme_in_hash(hash), params.theme, "theme_in_hash agrees with from_hash");
    }
    assert_eq!(percent_decode(&percent_encode(hash)), hash, "percent-encoding round-trips");
});
