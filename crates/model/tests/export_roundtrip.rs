//! Export round trip: `import(export(t, f))` gives back `t` for f = OTLP JSON and Jaeger JSON, for every fixture
//! under `fixtures/{jaeger,otlp,tempo,zipkin}` that imports (the deliberately broken ones are listed in [`BROKEN`]
//! and must fail), for generated traces written in each input format, and for the demos. A filtered subset reads
//! back as exactly the chosen spans; CSV rows parse back to the spans' columns.
//!
//! "The same trace": same trace id, the same tree (spans paired parent by parent, by id), and per span the same
//! name, service, kind, status and message, times (exact ns through OTLP; through Jaeger the start and the end
//! at µs), flags, trace state, scope, attributes (values equal as text, and of the same type), events, links,
//! dropped counts, resource attributes and source warnings. What a format cannot carry is forgiven only as listed
//! in [`FORGIVEN`]; each use is counted and printed, so a change in what is lost shows.
//!
//! [`compare`] reports the first difference with the span it is on, e.g.
//! `via Jaeger: span 00000000000000a2 "GET /x" (#3): attribute 2 `http.status_code`: "200" vs "201"`.

use spanscope_model::export::{export, ExportFormat, CSV_HEADER};
use spanscope_model::spanset::SpanSet;
use spanscope_model::synth::{generate, SynthOptions};
use spanscope_model::{import, Attribute, Format, LinkKind, SpanId, SpanIdx, SpanWarning, Trace, Value};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Fixtures that are broken on purpose (or hold no spans in a traces format): they must fail to import.
const BROKEN: [&str; 10] = [
    "jaeger/synthetic_server_errors.json",
    "jaeger/synthetic_truncated.json",
    "jaeger/synthetic_wrong_type_spans.json",
    "jaeger/synthetic_wrong_type_start_time.json",
    "otlp/jaeger_apiv3_FindTraceSummaries.json",
    "otlp/synthetic_otlp_invalid_id.json",
    "otlp/synthetic_otlp_truncated.json",
    "otlp/synthetic_otlp_wrong_type_start_time.json",
    "zipkin/synthetic_truncated.json",
    "zipkin/synthetic_wrong_type_timestamp.json",
];

/// Differences the comparison forgives: what the target format cannot carry. (code, what and why)
const FORGIVEN: &[(&str, &str)] = &[
    (
        "otlp-trace-id-width",
        "OTLP trace ids are 16 bytes: a 64-bit trace id (or link trace id) comes back 128-bit, same value",
    ),
    (
        "otlp-hex-ids",
        "OTLP ids are hex: an id that was not hex in the source comes back as the hex of its hashed value",
    ),
    (
        "service-name-added",
        "a resource without `service.name` gains it (OTLP: so the service survives; Jaeger: the reader adds it)",
    ),
    (
        "otlp-ref-type-added",
        "a Jaeger CHILD_OF/FOLLOWS_FROM link gains `opentracing.ref_type` in OTLP, which is how OTLP says it",
    ),
    (
        "shared-id-renamed",
        "the server half of a Zipkin shared span id gets its own id in formats that need one id per span",
    ),
    ("jaeger-us", "Jaeger times are µs: starts, ends and event times compare at µs"),
    (
        "jaeger-convention-tags",
        "Jaeger has no kind/status/scope/trace-state fields: the tags that carry them come back as attributes",
    ),
    (
        "jaeger-event-field",
        "Jaeger logs have no name: an `event` field naming the event comes back as its first attribute",
    ),
    (
        "jaeger-nested-as-string",
        "Jaeger tags are scalars: arrays and maps come back as strings holding the same JSON text",
    ),
    ("jaeger-no-scope-attrs", "Jaeger has no scope attributes"),
    ("jaeger-no-dropped-counts", "Jaeger has no dropped counts"),
    (
        "jaeger-link-details",
        "Jaeger references have no attributes, trace state or dropped count, and no plain-link type (FOLLOWS_FROM)",
    ),
    (
        "jaeger-link-left-out",
        "a link into the span's own trace that Jaeger readers would take for the parent is left out",
    ),
    (
        "jaeger-error-tag",
        "in Jaeger the `error` tag is the status: a span with an attribute `error` = true reads back as an error",
    ),
    (
        "subset-twin-adopts",
        "a subset keeps a span whose parent was left out but repeats the id of a kept span: readers hang it there",
    ),
];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture that imports, by relative path; checks that exactly the [`BROKEN`] ones fail.
fn fixture_traces() -> Vec<(String, Vec<Trace>)> {
    let mut out = Vec::new();
    let mut failed = Vec::new();
    for dir in ["jaeger", "otlp", "tempo", "zipkin", "console"] {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(fixtures_dir().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files {
            let rel = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            match import(&std::fs::read(&path).unwrap()) {
                Ok(traces) => out.push((rel, traces)),
                Err(_) => failed.push(rel),
            }
        }
    }
    let mut broken: Vec<String> = BROKEN.iter().map(|s| s.to_string()).collect();
    broken.sort();
    failed.sort();
    assert_eq!(failed, broken, "the fixtures that fail to import");
    assert!(out.len() >= 50, "{} fixtures", out.len());
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Otlp,
    Jaeger,
}

impl Via {
    fn format(self) -> ExportFormat {
        match self {
            Via::Otlp => ExportFormat::OtlpJson,
            Via::Jaeger => ExportFormat::JaegerJson,
        }
    }
}

/// The tags a Jaeger export appends for kind, status, scope and trace state.
const CONVENTION_TAGS: [&str; 7] = [
    "span.kind",
    "error",
    "otel.status_code",
    "otel.status_description",
    "otel.scope.name",
    "otel.scope.version",
    "w3c.tracestate",
];

thread_local! {
    /// How often each [`FORGIVEN`] difference was met (printed by the tests).
    static USED: RefCell<BTreeMap<&'static str, usize>> = const { RefCell::new(BTreeMap::new()) };
}

fn forgive(code: &'static str) {
    assert!(FORGIVEN.iter().any(|(c, _)| *c == code), "{code} is not listed in FORGIVEN");
    USED.with(|u| *u.borrow_mut().entry(code).or_insert(0) += 1);
}

fn print_forgiven(what: &str) {
    USED.with(|u| {
        let u = u.borrow();
        println!("{what}: forgiven differences:");
        for (code, why) in FORGIVEN.iter().copied() {
            println!("  {:>6} × {code}: {why}", u.get(code).copied().unwrap_or(0));
        }
    });
}

/// Exports `a` (or the spans of `only`), imports the bytes and compares.
fn round_trip(a: &Trace, only: Option<&SpanSet>, via: Via) -> Result<(), String> {
    let bytes = export(a, only, via.format());
    let want = match only {
        Some(set) if a.spans().all(|s| !set.contains(s)) => 0,
        _ => 1,
    };
    let traces = import(&bytes).map_err(|e| format!("via {via:?}: the export does not import: {e}"))?;
    if traces.len() != want {
        return Err(format!("via {via:?}: {} traces, expected {want}", traces.len()));
    }
    match traces.first() {
        Some(b) => compare(a, b, via, only).map_err(|e| format!("via {via:?}: {e}")),
        None => Ok(()),
    }
}

/// Compares `b` (read back through `via`) with `a` restricted to `only`: the first difference, precisely.
fn compare(a: &Trace, b: &Trace, via: Via, only: Option<&SpanSet>) -> Result<(), String> {
    Cmp { a, b, via, only }.run()
}

struct Cmp<'a> {
    a: &'a Trace,
    b: &'a Trace,
    via: Via,
    only: Option<&'a SpanSet>,
}

fn label(t: &Trace, s: SpanIdx) -> String {
    format!("span {} {:?} (#{})", t.span_id_text(s), t.name(s), s.0)
}

fn text(t: &Trace, a: &Attribute) -> String {
    t.value_text(t.value(a))
}

impl Cmp<'_> {
    fn included(&self, s: SpanIdx) -> bool {
        self.only.is_none_or(|set| set.contains(s))
    }

    /// A span that shared its id with its parent (Zipkin's server half).
    fn is_shared(&self, s: SpanIdx) -> bool {
        self.a.parent(s).is_some_and(|p| self.a.span_id(p) == self.a.span_id(s))
    }

    fn run(&self) -> Result<(), String> {
        let (a, b) = (self.a, self.b);
        // The trace id.
        if a.id().value != b.id().value {
            return Err(format!("trace id {} vs {}", a.id_text(), b.id_text()));
        }
        if a.id_text() != b.id_text() {
            let hex_of_value = b.id_text() == format!("{:032x}", a.id().value);
            let raw = a.id_text() != a.id().to_hex();
            match (self.via, hex_of_value) {
                (Via::Otlp, true) if raw => forgive("otlp-hex-ids"),
                (Via::Otlp, true) => forgive("otlp-trace-id-width"),
                _ => return Err(format!("trace id text {:?} vs {:?}", a.id_text(), b.id_text())),
            }
        }
        let n = a.spans().filter(|&s| self.included(s)).count();
        if n != b.len() {
            return Err(format!("{n} spans vs {}", b.len()));
        }
        // Spans whose parent was left out while a span repeating the parent's id was kept: read back under it.
        let adoptive = |s: SpanIdx| match a.parent(s) {
            Some(p) if self.included(s) && !self.included(p) && !self.is_shared(p) => {
                a.spans().any(|q| q != p && self.included(q) && !self.is_shared(q) && a.span_id(q) == a.span_id(p))
            }
            _ => false,
        };
        let adopted: Vec<SpanIdx> = a.spans().filter(|&s| adoptive(s)).collect();
        let mut taken = vec![false; adopted.len()];
        // The tree: roots with roots, then children with children, parent by parent.
        let roots_a: Vec<SpanIdx> = a
            .spans()
            .filter(|&s| self.included(s) && !a.parent(s).is_some_and(|p| self.included(p)) && !adoptive(s))
            .collect();
        let mut queue = self.pair_up(&roots_a, b.roots(), "roots")?;
        let mut k = 0;
        while k < queue.len() {
            let (x, y) = queue[k];
            k += 1;
            self.span(x, y).map_err(|e| format!("{}: {e}", label(a, x)))?;
            let kids_a: Vec<SpanIdx> = a.children(x).filter(|&c| self.included(c)).collect();
            let mut kids_b: Vec<SpanIdx> = b.children(y).collect();
            // Adopted spans among the children read back: paired first.
            kids_b.retain(|&c| {
                let found = adopted.iter().enumerate().position(|(j, &s)| {
                    !taken[j] && self.same_span(s, c) && a.parent(s).is_some_and(|p| a.span_id(p) == a.span_id(x))
                });
                if let Some(j) = found {
                    taken[j] = true;
                    queue.push((adopted[j], c));
                    forgive("subset-twin-adopts");
                }
                found.is_none()
            });
            queue.extend(self.pair_up(&kids_a, &kids_b, &format!("children of {}", label(a, x)))?);
        }
        if let Some(j) = taken.iter().position(|t| !t) {
            return Err(format!("{} (parent left out, its id kept) was not read back", label(a, adopted[j])));
        }
        Ok(())
    }

    /// Whether `y` can be `x` read back: the same id, or for a renamed shared span the same looks and a new id.
    fn same_span(&self, x: SpanIdx, y: SpanIdx) -> bool {
        if self.is_shared(x) {
            self.looks_alike(x, y) && self.b.span_id(y) != self.a.span_id(x)
        } else {
            self.b.span_id(y) == self.a.span_id(x)
        }
    }

    /// Same name, service and start (µs).
    fn looks_alike(&self, x: SpanIdx, y: SpanIdx) -> bool {
        let (a, b) = (self.a, self.b);
        a.name(x) == b.name(y) && a.service(x) == b.service(y) && a.start_of(x).as_us() == b.start_of(y).as_us()
    }

    /// Pairs spans of `a` with spans of `b` by id (a renamed shared span by name, service and start).
    fn pair_up(&self, xs: &[SpanIdx], ys: &[SpanIdx], what: &str) -> Result<Vec<(SpanIdx, SpanIdx)>, String> {
        let (a, b) = (self.a, self.b);
        let list = |t: &Trace, v: &[SpanIdx]| v.iter().map(|&s| label(t, s)).collect::<Vec<_>>().join(", ");
        if xs.len() != ys.len() {
            return Err(format!("{what}: [{}] vs [{}]", list(a, xs), list(b, ys)));
        }
        let mut used = vec![false; ys.len()];
        let mut out = Vec::with_capacity(xs.len());
        for &x in xs {
            let candidates: Vec<usize> = (0..ys.len()).filter(|&k| !used[k] && self.same_span(x, ys[k])).collect();
            let Some(&k) = candidates.iter().find(|&&k| self.looks_alike(x, ys[k])).or(candidates.first()) else {
                return Err(format!("{what}: nothing for {} among [{}]", label(a, x), list(b, ys)));
            };
            if self.is_shared(x) {
                forgive("shared-id-renamed");
            }
            used[k] = true;
            out.push((x, ys[k]));
        }
        Ok(out)
    }

    fn span(&self, x: SpanIdx, y: SpanIdx) -> Result<(), String> {
        let (a, b, via) = (self.a, self.b, self.via);
        // Id text.
        if !self.is_shared(x) && a.span_id_text(x) != b.span_id_text(y) {
            if via == Via::Otlp && b.span_id_text(y) == a.span_id(x).to_hex() {
                forgive("otlp-hex-ids");
            } else {
                return Err(format!("id text {:?} vs {:?}", a.span_id_text(x), b.span_id_text(y)));
            }
        }
        // A root names the parent it names in the source; a span whose parent was left out names that parent.
        match a.parent(x) {
            None => eq("parent id", a.parent_id(x), b.parent_id(y))?,
            Some(p) if !self.included(p) => {
                if !self.is_shared(p) {
                    eq("parent id", Some(a.span_id(p)), b.parent_id(y))?;
                }
                let root = b.parent(y).is_none(); // else adopted by a span repeating its parent's id
                if root && !b.span_warnings(y).any(|w| matches!(w, SpanWarning::MissingParent(_))) {
                    return Err("no MissingParent warning on a span whose parent was left out".into());
                }
            }
            Some(_) => {}
        }
        eq("name", a.name(x), b.name(y))?;
        eq("service", a.service(x), b.service(y))?;
        eq("kind", a.kind(x), b.kind(y))?;
        let error_tag = a.attributes(x).iter().any(|t| {
            a.key(t) == "error"
                && match a.value(t) {
                    Value::Bool(v) => v,
                    Value::Str(v) => v.trim().eq_ignore_ascii_case("true"),
                    _ => false,
                }
        });
        if via == Via::Jaeger && error_tag && a.status(x) != b.status(y) && b.is_error(y) {
            forgive("jaeger-error-tag");
        } else {
            eq("status", a.status(x), b.status(y))?;
        }
        eq("status message", a.status_message(x), b.status_message(y))?;
        eq("flags", a.flags(x), b.flags(y))?;
        eq("trace state", a.trace_state(x), b.trace_state(y))?;
        match via {
            Via::Otlp => {
                eq("start", a.start_of(x), b.start_of(y))?;
                eq("duration", a.duration_of(x), b.duration_of(y))?;
            }
            Via::Jaeger => {
                eq("start (µs)", a.start_of(x).as_us(), b.start_of(y).as_us())?;
                eq("end (µs)", a.end_of(x).as_us(), b.end_of(y).as_us())?;
                if (a.start_of(x), a.end_of(x)) != (b.start_of(y), b.end_of(y)) {
                    forgive("jaeger-us");
                }
            }
        }
        // Scope.
        let (sa, sb) = (a.scope(x), b.scope(y));
        eq("scope name", a.str(sa.name), b.str(sb.name))?;
        eq("scope version", a.str(sa.version), b.str(sb.version))?;
        match via {
            Via::Otlp => self.attrs("scope attribute", a.attrs_at(sa.attrs), b.attrs_at(sb.attrs))?,
            Via::Jaeger if !a.attrs_at(sa.attrs).is_empty() => forgive("jaeger-no-scope-attrs"),
            Via::Jaeger => {}
        }
        // Attributes.
        let (aa, ba) = (a.attributes(x), b.attributes(y));
        match via {
            Via::Otlp => self.attrs("attribute", aa, ba)?,
            Via::Jaeger => {
                if ba.len() < aa.len() {
                    return Err(format!("{} attributes vs {}", aa.len(), ba.len()));
                }
                self.attrs("attribute", aa, &ba[..aa.len()])?;
                for extra in &ba[aa.len()..] {
                    if !CONVENTION_TAGS.contains(&b.key(extra)) {
                        return Err(format!("extra attribute `{}` = {:?}", b.key(extra), text(b, extra)));
                    }
                    forgive("jaeger-convention-tags");
                }
            }
        }
        // Resource attributes (with a `service.name` the format adds).
        let (ra, mut rb) = (a.attrs_at(a.resource(x).attrs), b.attrs_at(b.resource(y).attrs));
        if !ra.iter().any(|r| a.key(r) == "service.name") && rb.len() == ra.len() + 1 {
            if let Some((first, rest)) = rb.split_first() {
                if b.key(first) == "service.name" && text(b, first) == a.service(x) {
                    rb = rest;
                    forgive("service-name-added");
                }
            }
        }
        self.attrs("resource attribute", ra, rb)?;
        // Dropped counts.
        match via {
            Via::Otlp => eq("dropped counts", a.dropped(x), b.dropped(y))?,
            Via::Jaeger if a.dropped(x) != Default::default() => forgive("jaeger-no-dropped-counts"),
            Via::Jaeger => {}
        }
        self.events(x, y)?;
        self.links(x, y)?;
        // Source warnings (Jaeger carries them; OTLP has nowhere to put them).
        if via == Via::Jaeger {
            for w in a.span_warnings(x) {
                if matches!(w, SpanWarning::Source(_)) && !b.span_warnings(y).any(|v| v == w) {
                    return Err(format!("warning {:?} was lost", w.message()));
                }
            }
        }
        Ok(())
    }

    /// Attribute lists: same keys, values equal as text and of the same type, in order.
    fn attrs(&self, what: &str, xs: &[Attribute], ys: &[Attribute]) -> Result<(), String> {
        let (a, b) = (self.a, self.b);
        if xs.len() != ys.len() {
            let keys = |t: &Trace, v: &[Attribute]| v.iter().map(|k| t.key(k).to_string()).collect::<Vec<_>>();
            return Err(format!("{what}s {:?} vs {:?}", keys(a, xs), keys(b, ys)));
        }
        for (k, (p, q)) in xs.iter().zip(ys).enumerate() {
            if a.key(p) != b.key(q) {
                return Err(format!("{what} {k}: key `{}` vs `{}`", a.key(p), b.key(q)));
            }
            let (tp, tq) = (text(a, p), text(b, q));
            if tp != tq {
                return Err(format!("{what} {k} `{}`: {tp:?} vs {tq:?}", a.key(p)));
            }
            let (vp, vq) = (a.value(p), b.value(q));
            if vp.type_name() != vq.type_name() {
                let nested = matches!(vp, Value::Array(_) | Value::KvList(_));
                if self.via == Via::Jaeger && nested && matches!(vq, Value::Str(_)) {
                    forgive("jaeger-nested-as-string");
                } else {
                    return Err(format!("{what} {k} `{}`: type {} vs {}", a.key(p), vp.type_name(), vq.type_name()));
                }
            }
        }
        Ok(())
    }

    fn events(&self, x: SpanIdx, y: SpanIdx) -> Result<(), String> {
        let (a, b) = (self.a, self.b);
        let (ea, eb) = (a.events(x), b.events(y));
        if ea.len() != eb.len() {
            return Err(format!("{} events vs {}", ea.len(), eb.len()));
        }
        for (k, (p, q)) in ea.iter().zip(eb).enumerate() {
            let what = format!("event {k} {:?}", a.str(p.name));
            eq(&format!("{what}: name"), a.str(p.name), b.str(q.name))?;
            let (pa, mut qa) = (a.attrs_at(p.attrs), b.attrs_at(q.attrs));
            match self.via {
                Via::Otlp => {
                    eq(&format!("{what}: time"), p.time, q.time)?;
                    eq(&format!("{what}: dropped"), p.dropped_attributes_count, q.dropped_attributes_count)?;
                }
                Via::Jaeger => {
                    eq(&format!("{what}: time (µs)"), p.time.as_us(), q.time.as_us())?;
                    if p.time != q.time {
                        forgive("jaeger-us");
                    }
                    if qa.len() == pa.len() + 1 && b.key(&qa[0]) == "event" && text(b, &qa[0]) == a.str(p.name) {
                        qa = &qa[1..];
                        forgive("jaeger-event-field");
                    }
                    if p.dropped_attributes_count != 0 {
                        forgive("jaeger-no-dropped-counts");
                    }
                }
            }
            self.attrs(&format!("{what}: attribute"), pa, qa)?;
        }
        Ok(())
    }

    fn links(&self, x: SpanIdx, y: SpanIdx) -> Result<(), String> {
        let (a, b) = (self.a, self.b);
        let mut la: Vec<_> = a.links(x).to_vec();
        if self.via == Via::Jaeger {
            // Left out: same-trace links a reader would take for the parent (the first same-trace reference whose
            // span is in the document, else the first one).
            let written = |id: SpanId| a.spans().any(|s| self.included(s) && a.span_id(s) == id);
            let parent = match a.parent(x) {
                Some(p) => Some(a.span_id(p)),
                None => a.parent_id(x),
            };
            la.retain(|l| {
                let would_parent = l.trace_id.value == a.id().value
                    && match parent {
                        None => true,
                        Some(p) => !written(p) && written(l.span_id) && l.span_id != p,
                    };
                if would_parent {
                    forgive("jaeger-link-left-out");
                }
                !would_parent
            });
        }
        let lb = b.links(y);
        if la.len() != lb.len() {
            return Err(format!("{} links vs {}", la.len(), lb.len()));
        }
        for (k, (p, q)) in la.iter().zip(lb).enumerate() {
            let what = format!("link {k} to {}", p.span_id);
            eq(&format!("{what}: span id"), p.span_id, q.span_id)?;
            eq(&format!("{what}: trace id"), p.trace_id.value, q.trace_id.value)?;
            match self.via {
                Via::Otlp => {
                    eq(&format!("{what}: kind"), p.kind, q.kind)?;
                    if p.trace_id.wide != q.trace_id.wide {
                        forgive("otlp-trace-id-width");
                    }
                    eq(&format!("{what}: trace state"), a.str(p.trace_state), b.str(q.trace_state))?;
                    eq(&format!("{what}: dropped"), p.dropped_attributes_count, q.dropped_attributes_count)?;
                    let (pa, mut qa) = (a.attrs_at(p.attrs), b.attrs_at(q.attrs));
                    if p.kind != LinkKind::Link
                        && !pa.iter().any(|r| a.key(r) == "opentracing.ref_type")
                        && qa.first().is_some_and(|r| b.key(r) == "opentracing.ref_type")
                    {
                        qa = &qa[1..];
                        forgive("otlp-ref-type-added");
                    }
                    self.attrs(&format!("{what}: attribute"), pa, qa)?;
                }
                Via::Jaeger => {
                    eq(&format!("{what}: trace id width"), p.trace_id.wide, q.trace_id.wide)?;
                    let kind = if p.kind == LinkKind::Link { LinkKind::FollowsFrom } else { p.kind };
                    eq(&format!("{what}: kind"), kind, q.kind)?;
                    let details = p.kind == LinkKind::Link
                        || !a.attrs_at(p.attrs).is_empty()
                        || !p.trace_state.is_empty()
                        || p.dropped_attributes_count != 0;
                    if details {
                        forgive("jaeger-link-details");
                    }
                }
            }
        }
        Ok(())
    }
}

fn eq<T: PartialEq + std::fmt::Debug>(what: &str, x: T, y: T) -> Result<(), String> {
    if x == y {
        Ok(())
    } else {
        Err(format!("{what}: {x:?} vs {y:?}"))
    }
}

// ---------------------------------------------------------------------------------------------------------
// The round trips.

#[test]
fn every_fixture_round_trips_through_otlp_and_jaeger() {
    let mut n = 0;
    let mut failures = Vec::new();
    for (name, traces) in fixture_traces() {
        for (k, t) in traces.iter().enumerate() {
            for via in [Via::Otlp, Via::Jaeger] {
                if let Err(e) = round_trip(t, None, via) {
                    failures.push(format!("{name} trace {k}: {e}"));
                }
                n += 1;
            }
        }
    }
    print_forgiven(&format!("fixtures ({n} round trips)"));
    assert!(failures.is_empty(), "{} of {n} round trips differ:\n{}", failures.len(), failures.join("\n"));
}

fn synth(spans: usize, seed: u64, format: Format, zipkin_shared: bool) -> Trace {
    let s = generate(&SynthOptions { spans, seed, zipkin_shared, ..SynthOptions::default() });
    let mut traces = import(&s.to_json(format)).unwrap();
    assert_eq!(traces.len(), 1);
    traces.remove(0)
}

#[test]
fn generated_traces_round_trip_from_every_input_format() {
    for (spans, seed) in [(1, 1), (2, 7), (40, 3), (1000, 4), (5000, 5)] {
        for (format, shared) in
            [(Format::Otlp, false), (Format::Jaeger, false), (Format::Zipkin, false), (Format::Zipkin, true)]
        {
            let t = synth(spans, seed, format, shared);
            for via in [Via::Otlp, Via::Jaeger] {
                round_trip(&t, None, via).unwrap_or_else(|e| panic!("synth {spans}/{seed} from {format}: {e}"));
            }
        }
    }
    print_forgiven("generated traces");
}

#[test]
fn the_demos_round_trip() {
    for key in ["checkout-incident", "storefront"] {
        let t = spanscope_model::demo::demo(key).unwrap();
        for via in [Via::Otlp, Via::Jaeger] {
            round_trip(&t, None, via).unwrap_or_else(|e| panic!("demo {key}: {e}"));
        }
    }
}

/// Subsets of a trace: every other span, one subtree, the spans of one service, one span, none.
fn subsets(t: &Trace) -> Vec<(&'static str, SpanSet)> {
    let mut out = Vec::new();
    let mut set = |name: &'static str, pick: &dyn Fn(SpanIdx) -> bool| {
        let mut s = SpanSet::with_len(t.len());
        for x in t.spans().filter(|&x| pick(x)) {
            s.insert(x);
        }
        out.push((name, s));
    };
    set("every other span", &|s| s.0 % 2 == 1);
    let mid = SpanIdx(t.len() as u32 / 3);
    set("one subtree", &|s| s >= mid && s < t.subtree_end(mid));
    let svc = t.service_index(SpanIdx(t.len() as u32 - 1));
    set("one service", &|s| t.service_index(s) == svc);
    set("one span", &|s| s == mid);
    set("none", &|_| false);
    out
}

#[test]
fn a_filtered_subset_reads_back_as_exactly_the_chosen_spans() {
    let mut traces: Vec<(String, Trace)> = Vec::new();
    for (name, ts) in fixture_traces() {
        traces.extend(ts.into_iter().map(|t| (name.clone(), t)));
    }
    traces.push(("synth from zipkin, shared".into(), synth(3000, 11, Format::Zipkin, true)));
    traces.push(("synth from otlp".into(), synth(3000, 12, Format::Otlp, false)));
    traces.push(("storefront".into(), spanscope_model::demo::demo("storefront").unwrap()));
    let mut n = 0;
    let mut failures = Vec::new();
    for (name, t) in &traces {
        for (what, only) in subsets(t) {
            for via in [Via::Otlp, Via::Jaeger] {
                if let Err(e) = round_trip(t, Some(&only), via) {
                    failures.push(format!("{name}, {what}: {e}"));
                }
                n += 1;
            }
            // Exactly the chosen ids (by count and by id; renamed shared halves aside).
            let back = import(&export(t, Some(&only), ExportFormat::OtlpJson)).unwrap();
            let mut want: Vec<u64> = only.iter().map(|s| t.span_id(s).get()).collect();
            let mut got: Vec<u64> = back.iter().flat_map(|b| b.spans().map(|s| b.span_id(s).get())).collect();
            assert_eq!(got.len(), want.len(), "{name}, {what}");
            let shared = only.iter().filter(|&s| t.parent(s).is_some_and(|p| t.span_id(p) == t.span_id(s))).count();
            want.sort_unstable();
            got.sort_unstable();
            let common = merge_count(&want, &got);
            assert_eq!(common, want.len() - shared, "{name}, {what}: chosen ids missing from the export");
        }
    }
    print_forgiven(&format!("subsets ({n} round trips)"));
    assert!(failures.is_empty(), "{} of {n} round trips differ:\n{}", failures.len(), failures.join("\n"));
}

/// Elements the two sorted lists have in common (as multisets).
fn merge_count(x: &[u64], y: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

// ---------------------------------------------------------------------------------------------------------
// CSV.

/// An RFC 4180 parser: records of fields; quoted fields may hold commas, doubled quotes, CR and LF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty() && !quoted, "the CSV ends with a line end");
    rows
}

/// µs with three decimals, as the CSV writes them.
fn us3(ns: i64) -> String {
    format!("{}{}.{:03}", if ns < 0 { "-" } else { "" }, ns.unsigned_abs() / 1000, ns.unsigned_abs() % 1000)
}

/// A value as the CSV's attribute JSON holds it.
fn json_of(t: &Trace, v: Value<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Str(s) => J::String(s.to_string()),
        Value::Bool(b) => J::Bool(b),
        Value::Int(i) => J::from(i),
        Value::Double(d) if d.is_nan() => J::String("NaN".into()),
        Value::Double(d) if d.is_infinite() => J::String(if d > 0.0 { "Infinity" } else { "-Infinity" }.into()),
        Value::Double(d) => J::from(d),
        Value::Bytes(b) => J::String(spanscope_model::base64::encode(b)),
        Value::Array(items) => J::Array(items.iter().map(|a| json_of(t, t.value(a))).collect()),
        Value::KvList(items) => {
            J::Object(items.iter().map(|a| (t.key(a).to_string(), json_of(t, t.value(a)))).collect())
        }
        Value::Empty => J::Null,
    }
}

fn check_csv(name: &str, t: &Trace) {
    let csv = String::from_utf8(export(t, None, ExportFormat::Csv)).unwrap();
    let rows = parse_csv(&csv);
    assert_eq!(rows[0].join(","), CSV_HEADER, "{name}");
    assert_eq!(rows.len(), t.len() + 1, "{name}");
    let self_ns = spanscope_model::analysis::self_times(t);
    for (s, row) in t.spans().zip(&rows[1..]) {
        let ctx = format!("{name}: {}", label(t, s));
        assert_eq!(row.len(), 14, "{ctx}");
        let parent = match t.parent(s) {
            Some(p) => t.span_id_text(p),
            None => t.parent_id(s).map(|p| p.to_hex()).unwrap_or_default(),
        };
        let want = [
            t.id_text(),
            t.span_id_text(s),
            parent,
            t.service(s).to_string(),
            t.name(s).to_string(),
            t.kind(s).as_str().to_string(),
            t.status(s).as_str().to_string(),
            t.status_message(s).to_string(),
            us3(t.start_of(s).0),
            us3(t.duration_of(s).0),
            us3(self_ns[s.ix()].0),
            t.depth_of(s).to_string(),
            t.is_error(s).to_string(),
        ];
        assert_eq!(row[..13], want, "{ctx}");
        let attrs: serde_json::Value = serde_json::from_str(&row[13]).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        let want: serde_json::Map<String, serde_json::Value> =
            t.attributes(s).iter().map(|a| (t.key(a).to_string(), json_of(t, t.value(a)))).collect();
        assert_eq!(attrs, serde_json::Value::Object(want), "{ctx}");
    }
}

#[test]
fn csv_rows_parse_back_to_the_spans() {
    for (name, traces) in fixture_traces() {
        for t in &traces {
            check_csv(&name, t);
        }
    }
    check_csv("synth", &synth(2000, 21, Format::Otlp, false));
    check_csv("storefront", &spanscope_model::demo::demo("storefront").unwrap());
    let rows = parse_csv("a,\"b,\"\"c\"\"\r\nd\",e\r\n");
    assert_eq!(rows, [vec!["a".to_string(), "b,\"c\"\r\nd".to_string(), "e".to_string()]]);
}

/// Records each pause's progress.
struct Progress(Vec<usize>);

impl spanscope_model::pause::Pause for Progress {
    fn pause(&mut self, spans: usize) -> impl std::future::Future<Output = ()> {
        self.0.push(spans);
        std::future::ready(())
    }
}

#[test]
fn exports_in_parts_are_the_export_in_pieces_with_a_pause_every_step() {
    use spanscope_model::export::{export_in_parts, PART_BYTES, SPANS_PER_STEP};
    let t = synth(12_000, 9, Format::Otlp, false);
    let mut half = SpanSet::with_len(t.len());
    for s in t.spans().filter(|s| s.0 % 2 == 0) {
        half.insert(s);
    }
    for format in [ExportFormat::OtlpJson, ExportFormat::JaegerJson, ExportFormat::Csv] {
        for only in [None, Some(&half)] {
            let written = only.map_or(t.len(), |h| h.count());
            let mut parts: Vec<Vec<u8>> = Vec::new();
            let mut progress = Progress(Vec::new());
            spanscope_model::pause::run_ready(export_in_parts(
                &t,
                only,
                format,
                &mut |p: &[u8]| parts.push(p.to_vec()),
                &mut progress,
            ));
            let ctx = format!("{format:?}, {written} spans");
            assert_eq!(parts.concat(), export(&t, only, format), "{ctx}: the pieces make the export");
            assert!(parts.len() >= 2, "{ctx}: {} pieces", parts.len());
            let (last, whole) = parts.split_last().unwrap();
            assert!(whole.iter().all(|p| p.len() >= PART_BYTES), "{ctx}: pieces of at least a part");
            assert!(last.len() < PART_BYTES + 2 * SPANS_PER_STEP * 1000, "{ctx}");
            let steps: Vec<usize> = (1..=written / SPANS_PER_STEP).map(|k| k * SPANS_PER_STEP).collect();
            assert_eq!(progress.0, steps, "{ctx}: a pause every {SPANS_PER_STEP} spans, with the count so far");
        }
    }
}
