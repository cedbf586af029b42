//! `rebuild`, which switches clock-skew adjustment on a loaded trace: it must give the trace an import with that
//! option gives, for every fixture, and share the arena when no event moves.

mod common;

use common::{fixture, fixtures_dir, json_files};
use spanscope_model::rebuild::rebuild;
use spanscope_model::{import_into, BuildOptions, SpanWarning, Trace, TraceSetBuilder};

const ON: BuildOptions = BuildOptions { adjust_clock_skew: true };
const OFF: BuildOptions = BuildOptions { adjust_clock_skew: false };

fn import_with(bytes: &[u8], opts: &BuildOptions) -> Option<Vec<Trace>> {
    let mut b = TraceSetBuilder::new();
    import_into(&mut b, bytes).ok()?;
    Some(b.finish(opts))
}

/// Everything a user sees of a trace, span by span (the arena itself may hold other traces of the file).
fn seen(t: &Trace) -> impl PartialEq + std::fmt::Debug {
    let spans: Vec<_> = t
        .spans()
        .map(|s| {
            let events: Vec<_> = t.events(s).iter().map(|e| (e.time, t.str(e.name).to_string(), e.attrs)).collect();
            (
                t.span_id_text(s),
                t.parent(s),
                t.subtree_end(s),
                t.name(s).to_string(),
                t.service(s).to_string(),
                t.start_of(s),
                t.duration_of(s),
                t.attributes(s).len(),
                events,
                t.links(s).len(),
                t.dropped(s),
            )
        })
        .collect();
    (t.id_text(), spans, t.roots().to_vec(), t.warnings().to_vec(), t.start(), t.end(), t.depth(), t.error_count())
}

fn skewed(t: &Trace) -> usize {
    t.warnings().iter().filter(|(_, w)| matches!(w, SpanWarning::SkewAdjusted(_))).count()
}

#[test]
fn rebuilding_gives_what_an_import_with_the_other_option_gives_for_every_fixture() {
    let files = json_files(&fixtures_dir());
    let (mut traces_checked, mut with_skew) = (0, 0);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let (Some(on), Some(off)) = (import_with(&bytes, &ON), import_with(&bytes, &OFF)) else { continue };
        let name = path.strip_prefix(fixtures_dir()).unwrap().display();
        for (a, b) in on.iter().zip(&off) {
            assert_eq!(seen(&rebuild(a, &OFF)), seen(b), "{name}: trace {} with skew on, rebuilt without", a.id_text());
            assert_eq!(seen(&rebuild(b, &ON)), seen(a), "{name}: trace {} with skew off, rebuilt with", a.id_text());
            assert_eq!(seen(&rebuild(&rebuild(a, &OFF), &ON)), seen(a), "{name}: off and on again");
            assert_eq!(seen(&rebuild(a, &ON)), seen(a), "{name}: rebuilt with the same option");
            traces_checked += 1;
            with_skew += usize::from(skewed(a) > 0);
        }
    }
    assert!(traces_checked > 50, "{traces_checked} traces checked");
    assert!(with_skew >= 2, "{with_skew} traces with skew: the fixtures must exercise the shifts");
}

#[test]
fn skew_switches_off_and_on_again_with_its_events() {
    // Three of its shifted spans have annotations.
    let bytes = fixture("zipkin/zipkin-lens_smartthings-oauth-authorization.json");
    let adjusted = spanscope_model::import(&bytes).unwrap().remove(0);
    assert!(skewed(&adjusted) > 0);
    let raw = rebuild(&adjusted, &OFF);
    assert_eq!(skewed(&raw), 0);
    let direct_raw = import_with(&bytes, &OFF).unwrap().remove(0);
    assert!(raw == direct_raw, "one trace in the file: the whole trace, arena included, is what the import gives");
    // Annotations of a shifted span move with it.
    let moved = adjusted.spans().filter(|&s| !adjusted.events(s).is_empty()).any(|s| {
        let r = raw.spans().find(|&r| raw.span_id_text(r) == adjusted.span_id_text(s)).unwrap();
        raw.events(r)[0].time != adjusted.events(s)[0].time
    });
    assert!(moved, "a shifted span with annotations");
    let again = rebuild(&raw, &ON);
    assert!(again == adjusted);
}

#[test]
fn the_arena_is_shared_unless_events_move() {
    let demo = spanscope_model::demo::storefront();
    let same = rebuild(&demo, &ON);
    assert!(std::ptr::eq(same.arena(), demo.arena()), "nothing shifts: the arena is shared");
    assert!(same == demo);

    let bytes = fixture("zipkin/zipkin-lens_smartthings-oauth-authorization.json");
    let adjusted = spanscope_model::import(&bytes).unwrap().remove(0);
    let raw = rebuild(&adjusted, &OFF);
    assert!(!std::ptr::eq(raw.arena(), adjusted.arena()), "events move: the arena is copied");
    assert_eq!(adjusted.arena().events.len(), raw.arena().events.len());
}

#[test]
fn warnings_from_reading_the_spans_are_kept() {
    // A span without a start (it takes its parent's), one with a negative duration, one naming a missing parent.
    let bytes = br#"[
      {"traceId":"1","id":"1","name":"root","timestamp":1000,"duration":50,"localEndpoint":{"serviceName":"a"}},
      {"traceId":"1","id":"2","parentId":"1","name":"no start","duration":5,"localEndpoint":{"serviceName":"a"}},
      {"traceId":"1","id":"3","parentId":"1","name":"no duration","timestamp":1010,"localEndpoint":{"serviceName":"a"}},
      {"traceId":"1","id":"4","parentId":"9","name":"orphan","timestamp":1020,"duration":1,"localEndpoint":{"serviceName":"a"}}
    ]"#;
    let t = spanscope_model::import(bytes).unwrap().remove(0);
    let kinds = |t: &Trace| t.warnings().iter().map(|(s, w)| (t.name(*s).to_string(), w.clone())).collect::<Vec<_>>();
    assert!(kinds(&t).iter().any(|(_, w)| *w == SpanWarning::MissingStart), "{:?}", kinds(&t));
    assert!(kinds(&t).iter().any(|(_, w)| matches!(w, SpanWarning::MissingParent(_))), "{:?}", kinds(&t));
    assert_eq!(kinds(&rebuild(&t, &OFF)), kinds(&t));
    assert_eq!(kinds(&rebuild(&rebuild(&t, &OFF), &ON)), kinds(&t));
}

#[test]
fn a_rebuilt_demo_is_the_same_trace() {
    let t = spanscope_model::demo::storefront();
    let r = rebuild(&t, &OFF);
    assert_eq!(r.len(), t.len());
    assert_eq!(r.id(), t.id());
    for s in t.spans() {
        assert_eq!(r.name(s), t.name(s));
        assert_eq!(r.attributes(s).len(), t.attributes(s).len());
        assert_eq!(r.events(s).len(), t.events(s).len());
        assert_eq!(r.links(s).len(), t.links(s).len());
        assert_eq!(r.service(s), t.service(s));
    }
    let root = r.roots()[0];
    assert_eq!(r.attribute(root, "user.id"), t.attribute(t.roots()[0], "user.id"));
}
