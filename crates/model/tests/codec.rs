//! The binary trace codec (`spanscope_model::codec`): every fixture that imports and generated traces in each
//! input format come back equal in every field (`Trace: PartialEq` compares the span columns, side tables and
//! the shared arena and service tables by content), with the same arena sharing and the same heap bytes (less
//! any spare capacity the builder left in a vector, which a decoded trace does not have); and
//! damaged encodings (every truncation, a few thousand seeded byte changes, wrong magic, version or trailing
//! bytes) give an error or traces that every view can walk, never a panic.

mod common;

use common::{fixtures_dir, json_files};
use spanscope_model::codec::{
    traces_from_bytes, traces_from_source, traces_from_source_pausing, traces_to_bytes, ByteSource, CodecError,
    ATTR_CHUNK_ROWS, MAGIC, VERSION,
};
use spanscope_model::export::{export, ExportFormat};
use spanscope_model::rows::{visible_rows, Collapsed};
use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::testing::Stops;
use spanscope_model::trace::import_heap_bytes;
use spanscope_model::{analysis, import, Format, Trace};

/// Bytes copied out a piece at a time, as the page reads the worker's answer from its `Uint8Array`: every copy
/// must lie inside them.
struct Copied<'a> {
    bytes: &'a [u8],
    copies: std::cell::Cell<usize>,
    /// The longest copy, in bytes.
    longest: std::cell::Cell<usize>,
}

impl<'a> Copied<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Copied { bytes, copies: Default::default(), longest: Default::default() }
    }
}

impl ByteSource for Copied<'_> {
    fn len_bytes(&self) -> usize {
        self.bytes.len()
    }

    fn copy_to(&self, at: usize, out: &mut [u8]) {
        assert!(at + out.len() <= self.bytes.len(), "a copy past the end: {at} + {}", out.len());
        out.copy_from_slice(&self.bytes[at..at + out.len()]);
        self.copies.set(self.copies.get() + 1);
        self.longest.set(self.longest.get().max(out.len()));
    }
}

/// Decodes `bytes` in place and copied through the decoder's window: the two must give the same traces, or the
/// same error at the same offset.
fn decode(bytes: &[u8]) -> Result<Vec<Trace>, CodecError> {
    let in_place = traces_from_bytes(bytes);
    let copied = traces_from_source(&Copied::new(bytes));
    assert!(
        in_place == copied,
        "in place and copied decoding differ: {:?} / {:?}",
        in_place.as_ref().err(),
        copied.as_ref().err()
    );
    in_place
}

/// Which traces share an arena, as a matrix.
fn sharing(traces: &[Trace]) -> Vec<Vec<bool>> {
    traces.iter().map(|a| traces.iter().map(|b| std::ptr::eq(a.arena(), b.arena())).collect()).collect()
}

/// Encodes and decodes `traces`, checking everything this file promises; returns the encoding.
fn round_trip(name: &str, traces: &[Trace]) -> Vec<u8> {
    let bytes = traces_to_bytes(traces);
    let back = decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(back.len(), traces.len(), "{name}: trace count");
    for (i, (a, b)) in traces.iter().zip(&back).enumerate() {
        // Cheap, readable checks first, so a failure names the field.
        assert_eq!(a.id_text(), b.id_text(), "{name}: trace {i} id");
        assert_eq!(a.len(), b.len(), "{name}: trace {i} spans");
        assert_eq!(a.warnings(), b.warnings(), "{name}: trace {i} warnings");
        assert!(a == b, "{name}: trace {i} differs after decoding");
    }
    assert_eq!(sharing(traces), sharing(&back), "{name}: arena sharing");
    // Decoded vectors are exactly sized, as a clone's are; the builder's `warnings` may have spare capacity, so
    // the original can be larger by that (and only that) much.
    let exact: Vec<Trace> = traces.to_vec();
    assert_eq!(import_heap_bytes(&back), import_heap_bytes(&exact), "{name}: heap bytes");
    assert!(import_heap_bytes(&back) <= import_heap_bytes(traces), "{name}: heap bytes");
    assert_eq!(traces_to_bytes(&back), bytes, "{name}: re-encoding gives the same bytes");
    bytes
}

#[test]
fn every_fixture_that_imports_round_trips() {
    let files = json_files(&fixtures_dir());
    let mut imported = 0;
    for path in &files {
        let name = path.strip_prefix(fixtures_dir()).unwrap().display().to_string();
        let Ok(traces) = import(&std::fs::read(path).unwrap()) else { continue };
        round_trip(&name, &traces);
        imported += 1;
    }
    println!("{imported} of {} fixtures imported and round-tripped", files.len());
    assert!(imported >= 50, "only {imported} fixtures imported");
}

#[test]
fn generated_traces_round_trip_in_every_format() {
    let synth = generate(&SynthOptions { spans: 10_000, seed: 7, ..SynthOptions::default() });
    for format in [Format::Jaeger, Format::Otlp, Format::Zipkin] {
        let traces = import(&synth.to_json(format)).unwrap();
        assert_eq!(traces.iter().map(Trace::len).sum::<usize>(), 10_000);
        let bytes = round_trip(&format!("{format:?} 10k"), &traces);
        let model = import_heap_bytes(&traces);
        println!("{format:?} 10k spans: encoded {} bytes, model {} bytes", bytes.len(), model);
        assert!(bytes.len() <= model * 11 / 10, "{format:?}: encoding {} vs model {model}", bytes.len());
    }
}

#[test]
fn traces_of_one_file_still_share_their_arena() {
    let bytes = std::fs::read(fixtures_dir().join("jaeger/synthetic_envelope_several_traces.json")).unwrap();
    let traces = import(&bytes).unwrap();
    assert!(traces.len() >= 2);
    let back = decode(&traces_to_bytes(&traces)).unwrap();
    for t in &back[1..] {
        assert!(std::ptr::eq(t.arena(), back[0].arena()));
    }
    // Two imports: two arenas, each written once.
    let again = import(&bytes).unwrap();
    let mixed: Vec<Trace> = traces.iter().chain(&again).cloned().collect();
    let encoded = traces_to_bytes(&mixed);
    let back = decode(&encoded).unwrap();
    assert_eq!(sharing(&back), sharing(&mixed));
    assert!(!std::ptr::eq(back[0].arena(), back[traces.len()].arena()));
    let one = traces_to_bytes(&traces).len();
    assert!(encoded.len() < 2 * one + 64 * mixed.len(), "arenas written once each");
}

/// Small, varied encodings: nested values, events, links, warnings, dropped counts, raw ids, several traces.
fn small_encodings() -> Vec<(&'static str, Vec<u8>)> {
    [
        "jaeger/synthetic_every_tag_type.json",
        "jaeger/synthetic_references.json",
        "jaeger/synthetic_envelope_several_traces.json",
        "otlp/synthetic_otlp_kvlist_nested_arrays.json",
        "otlp/synthetic_otlp_link_event_edge_cases.json",
        "otlp/synthetic_otlp_dropped_counts.json",
        "otlp/synthetic_otlp_durations_zero_negative_missing.json",
        "zipkin/zipkin-lens_skew.json",
    ]
    .into_iter()
    .map(|rel| {
        let traces = import(&std::fs::read(fixtures_dir().join(rel)).unwrap()).unwrap();
        (rel, traces_to_bytes(&traces))
    })
    .collect()
}

/// The copied decoder reads a window at a time: the small fields of 300 small traces (a search answer's worth)
/// come from a few copies, not one per field (thousands), and a 10k-span trace takes a few dozen.
#[test]
fn copied_decoding_reads_in_few_pieces() {
    let mut many = Vec::new();
    for seed in 0..300 {
        let doc = generate(&SynthOptions { spans: 20, seed, ..SynthOptions::default() }).to_json(Format::Zipkin);
        many.extend(import(&doc).unwrap());
    }
    let large = generate(&SynthOptions { spans: 10_000, seed: 3, ..SynthOptions::default() }).to_json(Format::Jaeger);
    for (traces, most) in [(many, 64), (import(&large).unwrap(), 64)] {
        let bytes = traces_to_bytes(&traces);
        let src = Copied::new(&bytes);
        assert!(traces_from_source(&src).unwrap() == traces);
        let copies = src.copies.get();
        assert!(copies <= most, "{copies} copies for {} traces, {} bytes", traces.len(), bytes.len());
    }
}

/// The decode that stops between columns (the page's, so a 1M-span answer does not hold the page for its whole
/// decode) gives what the others give, and stops often: between the large columns of every trace, and as it
/// reads on.
#[test]
fn a_pausing_decode_stops_between_columns_and_gives_the_same() {
    let doc = generate(&SynthOptions { spans: 5_000, seed: 5, ..SynthOptions::default() }).to_json(Format::Otlp);
    let traces = import(&doc).unwrap();
    let bytes = traces_to_bytes(&traces);
    let src = Copied::new(&bytes);
    let mut stops = Stops::default();
    let (decoded, polls) = Stops::run(traces_from_source_pausing(&src, &mut stops));
    let decoded = decoded.unwrap();
    assert!(decoded == traces);
    assert!(stops.at.len() >= 8, "stops at {:?}", stops.at);
    assert_eq!(polls, stops.at.len() + 1, "every stop waited once");
    assert!(stops.at.windows(2).all(|w| w[0] <= w[1]) && stops.at.last() == Some(&bytes.len()), "{:?}", stops.at);
}

/// The attribute column, about half of a large answer, is read in chunks of `ATTR_CHUNK_ROWS` rows with a stop
/// after each: the page's window into the answer holds a chunk, never the whole column, and the page paints in
/// between.
#[test]
fn attributes_are_read_in_chunks_with_stops_between() {
    let doc = generate(&SynthOptions { spans: 80_000, seed: 6, ..SynthOptions::default() }).to_json(Format::Jaeger);
    let traces = import(&doc).unwrap();
    let n_attrs = traces[0].arena().attrs.len();
    assert!(n_attrs > 2 * ATTR_CHUNK_ROWS, "{n_attrs} attributes make fewer than three chunks");
    let bytes = traces_to_bytes(&traces);
    assert!(decode(&bytes).unwrap() == traces);

    let src = Copied::new(&bytes);
    let mut stops = Stops::default();
    let (decoded, _) = Stops::run(traces_from_source_pausing(&src, &mut stops));
    assert!(decoded.unwrap() == traces);
    let column = 13 * n_attrs;
    assert!(src.longest.get() <= 13 * ATTR_CHUNK_ROWS, "a copy of {} bytes; the column is {column}", src.longest.get());
    // Inside the column, a stop after every chunk but the last: those stops are a chunk's bytes apart.
    let apart = stops.at.windows(2).filter(|w| w[1] - w[0] == 13 * ATTR_CHUNK_ROWS).count();
    assert_eq!(apart, n_attrs.div_ceil(ATTR_CHUNK_ROWS) - 2, "stops at {:?}", stops.at);
}

#[test]
fn every_truncation_is_an_error() {
    for (name, bytes) in small_encodings() {
        assert!(bytes.len() < 64 * 1024, "{name}: {} bytes is not small", bytes.len());
        for cut in 0..bytes.len() {
            match decode(&bytes[..cut]) {
                Err(CodecError::Truncated { offset, .. }) => assert!(offset <= cut, "{name} cut at {cut}"),
                Err(e) => panic!("{name} cut at {cut}: not reported as truncated: {e}"),
                Ok(_) => panic!("{name} cut at {cut}: decoded"),
            }
        }
    }
}

#[test]
fn header_errors() {
    let traces = import(&std::fs::read(fixtures_dir().join("jaeger/synthetic_single_span.json")).unwrap()).unwrap();
    let bytes = traces_to_bytes(&traces);
    assert_eq!(&bytes[..8], &MAGIC);
    let mut bad = bytes.clone();
    bad[0] ^= 0x20;
    assert_eq!(decode(&bad).unwrap_err(), CodecError::BadMagic);
    assert_eq!(decode(b"{\"data\":[]}").unwrap_err(), CodecError::BadMagic);
    assert_eq!(decode(b"x").unwrap_err(), CodecError::BadMagic);
    let mut newer = bytes.clone();
    newer[8..12].copy_from_slice(&(VERSION + 1).to_le_bytes());
    assert_eq!(decode(&newer).unwrap_err(), CodecError::UnsupportedVersion { found: VERSION + 1 });
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(decode(&longer), Err(CodecError::Invalid { offset, .. }) if offset == bytes.len()));
    assert_eq!(decode(&traces_to_bytes(&[])).unwrap(), Vec::<Trace>::new());
    // A count far beyond the input is refused before anything is allocated.
    let mut huge = bytes[..12].to_vec();
    huge.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(decode(&huge), Err(CodecError::Truncated { .. })));
}

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Reads everything a view reads, so a decoded trace that breaks an invariant panics here.
fn walk(traces: &[Trace]) {
    for t in traces {
        let _ = (t.id_text(), t.title(), t.duration(), t.depth(), t.error_count());
        for &s in t.services() {
            let _ = t.service_name(s);
        }
        for s in t.spans() {
            let _ = (t.span_id_text(s), t.parent_id(s), t.parent(s), t.descendant_count(s), t.name(s));
            let _ = (t.service(s), t.service_index(s), t.scope(s), t.kind(s), t.status_message(s));
            let _ = (t.offset_of(s), t.end_of(s), t.flags(s), t.trace_state(s), t.dropped(s));
            let _ = t.children(s).count();
            for w in t.span_warnings(s) {
                let _ = w.message();
            }
            for a in t.attributes(s).iter().chain(t.attrs_at(t.resource(s).attrs)).chain(t.attrs_at(t.scope(s).attrs)) {
                let _ = (t.key(a), t.value_text(t.value(a)));
            }
            for e in t.events(s) {
                let _ = t.str(e.name);
                for a in t.attrs_at(e.attrs) {
                    let _ = t.value_text(t.value(a));
                }
            }
            for l in t.links(s) {
                let _ = t.str(l.trace_state);
                for a in t.attrs_at(l.attrs) {
                    let _ = t.value_text(t.value(a));
                }
            }
        }
        let _ = visible_rows(t, &Collapsed::none(t), None);
        let _ = (analysis::self_times(t), analysis::critical_path(t));
        for f in ExportFormat::ALL {
            let _ = export(t, None, f);
        }
    }
}

#[test]
fn damaged_encodings_never_panic() {
    let mut rng = Rng(0x5eed_c0de_cafe_f00d);
    let (mut decoded, mut refused) = (0, 0);
    for (name, bytes) in small_encodings() {
        walk(&decode(&bytes).unwrap());
        for round in 0..500 {
            let mut b = bytes.clone();
            let changes = 1 + rng.below(3);
            let mut what = Vec::new();
            for _ in 0..changes {
                let at = rng.below(b.len());
                match rng.below(4) {
                    0 => b[at] ^= 1 << rng.below(8),
                    1 => b[at] = rng.next() as u8,
                    // Counts and indices: small values, and values just past or far beyond the usual.
                    _ => {
                        let at = at.min(b.len().saturating_sub(4));
                        let v: u32 = [0, 1, 2, 0x7fff_ffff, u32::MAX, rng.next() as u32][rng.below(6)];
                        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
                    }
                }
                what.push(at);
            }
            let result = std::panic::catch_unwind(|| {
                if let Ok(traces) = decode(&b) {
                    walk(&traces);
                    true
                } else {
                    false
                }
            });
            match result {
                Ok(true) => decoded += 1,
                Ok(false) => refused += 1,
                Err(_) => panic!("{name}: round {round}, changes at {what:?}: panicked"),
            }
        }
    }
    println!("damaged encodings: {decoded} decoded (a change the checks cannot see), {refused} refused");
    assert!(refused > decoded, "most damage is detected");
}
