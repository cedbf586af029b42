//! Building a trace again with other [`BuildOptions`], from the trace itself: how the UI switches clock-skew
//! adjustment on and off without keeping the original file. Times are restored to what the source recorded (each
//! `SkewAdjusted` shift is undone), spans are fed back in pre-order, and the builder repairs and adjusts anew.
//! Zipkin's shared halves are recognised as a span whose tree parent has its own id.

use crate::build::{BuildOptions, LinkDraft, SpanDraft, TraceSetBuilder};
use crate::intern::StrId;
use crate::time::TimestampNs;
use crate::trace::{SpanWarning, Trace};
use crate::value::{Attribute, StoredValue, Value};
use hashbrown::HashMap;

/// The same trace built with `opts`. O(spans + attributes).
pub fn rebuild(trace: &Trace, opts: &BuildOptions) -> Trace {
    let mut b = TraceSetBuilder::new();
    let mut strings: HashMap<StrId, StrId> = HashMap::new();
    let mut resources: HashMap<u32, u32> = HashMap::new();
    let mut scopes: HashMap<u32, u32> = HashMap::new();
    let trace_id = b.trace_id_from_text(&trace.id_text());
    let mut d = SpanDraft::default();
    for s in trace.spans() {
        let mut shift = 0i64;
        let (mut missing_start, mut missing_duration) = (false, false);
        for w in trace.span_warnings(s) {
            match w {
                SpanWarning::SkewAdjusted(delta) => shift = delta.0,
                SpanWarning::MissingStart => missing_start = true,
                SpanWarning::MissingDuration => missing_duration = true,
                SpanWarning::Source(text) => d.source_warnings.push(text.clone()),
                _ => {}
            }
        }
        let r = trace.resource(s);
        let res_key = trace.resource_index(s);
        let resource = match resources.get(&res_key) {
            Some(&k) => k,
            None => {
                let attrs = copy_attrs(trace, &mut b, &mut strings, trace.attrs_at(r.attrs));
                let k = b.add_resource(trace.str(r.service), &attrs);
                resources.insert(res_key, k);
                k
            }
        };
        let scope_key = trace.scope_index(s);
        let scope = match scopes.get(&scope_key) {
            Some(&k) => k,
            None if scope_key == 0 => 0,
            None => {
                let sc = trace.scope(s);
                let attrs = copy_attrs(trace, &mut b, &mut strings, trace.attrs_at(sc.attrs));
                let k = b.add_scope(trace.str(sc.name), trace.str(sc.version), &attrs);
                scopes.insert(scope_key, k);
                k
            }
        };
        d.trace_id = Some(trace_id);
        d.span_id = b.span_id_from_text(&trace.span_id_text(s));
        d.parent_id = trace.parent_id(s);
        d.shared = trace.parent(s).is_some_and(|p| trace.span_id(p) == trace.span_id(s));
        d.name = map_str(trace, &mut b, &mut strings, trace.name_id(s));
        d.resource = resource;
        d.scope = scope;
        d.kind = trace.kind(s);
        d.status = trace.status(s);
        d.status_message = b.intern(trace.status_message(s));
        d.start = (!missing_start).then(|| TimestampNs(trace.start_of(s).0.saturating_sub(shift)));
        d.duration = (!missing_duration).then(|| trace.duration_of(s));
        d.flags = trace.flags(s);
        d.trace_state = b.intern(trace.trace_state(s));
        d.dropped = trace.dropped(s);
        d.attrs = copy_attrs(trace, &mut b, &mut strings, trace.attributes(s));
        for e in trace.events(s) {
            let attrs = copy_attrs(trace, &mut b, &mut strings, trace.attrs_at(e.attrs));
            let name = map_str(trace, &mut b, &mut strings, e.name);
            d.push_event(TimestampNs(e.time.0.saturating_sub(shift)), name, attrs);
            if let Some(last) = d.events.last_mut() {
                last.dropped_attributes_count = e.dropped_attributes_count;
            }
        }
        for l in trace.links(s) {
            let attrs = copy_attrs(trace, &mut b, &mut strings, trace.attrs_at(l.attrs));
            d.links.push(LinkDraft {
                kind: l.kind,
                trace_id: l.trace_id,
                span_id: l.span_id,
                trace_state: map_str(trace, &mut b, &mut strings, l.trace_state),
                attr_count: attrs.len() as u32,
                dropped_attributes_count: l.dropped_attributes_count,
            });
            d.link_attrs.extend(attrs);
        }
        b.add_span(&mut d);
    }
    // An empty trace has nothing to rebuild.
    b.finish(opts).into_iter().next().unwrap_or_else(|| trace.clone())
}

fn map_str(trace: &Trace, b: &mut TraceSetBuilder, cache: &mut HashMap<StrId, StrId>, id: StrId) -> StrId {
    *cache.entry(id).or_insert_with(|| b.intern(trace.str(id)))
}

fn copy_attrs(
    trace: &Trace,
    b: &mut TraceSetBuilder,
    cache: &mut HashMap<StrId, StrId>,
    attrs: &[Attribute],
) -> Vec<Attribute> {
    attrs.iter().map(|a| Attribute::new(map_str(trace, b, cache, a.key()), copy_value(trace, b, cache, a))).collect()
}

fn copy_value(trace: &Trace, b: &mut TraceSetBuilder, cache: &mut HashMap<StrId, StrId>, a: &Attribute) -> StoredValue {
    match trace.value(a) {
        Value::Str(_) => StoredValue::str(map_str(trace, b, cache, a.stored().as_str_id().unwrap_or_default())),
        Value::Bool(x) => StoredValue::bool(x),
        Value::Int(x) => StoredValue::int(x),
        Value::Double(x) => StoredValue::double(x),
        Value::Bytes(x) => b.bytes_value(x),
        Value::Array(items) => {
            let values: Vec<StoredValue> = items.iter().map(|i| copy_value(trace, b, cache, i)).collect();
            b.array_value(&values)
        }
        Value::KvList(items) => {
            let entries = copy_attrs(trace, b, cache, items);
            b.kvlist_value(&entries)
        }
        Value::Empty => StoredValue::empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_switches_off_and_on_again() {
        let bytes = include_bytes!("../tests/fixtures/zipkin/zipkin-lens_skew.json");
        let adjusted = crate::import(bytes).unwrap().remove(0);
        let skewed = |t: &Trace| t.warnings().iter().filter(|(_, w)| matches!(w, SpanWarning::SkewAdjusted(_))).count();
        assert!(skewed(&adjusted) > 0);
        let raw = rebuild(&adjusted, &BuildOptions { adjust_clock_skew: false });
        assert_eq!(skewed(&raw), 0);
        assert_eq!(raw.len(), adjusted.len());
        assert_eq!(raw.roots().len(), adjusted.roots().len());
        let mut plain = crate::TraceSetBuilder::new();
        crate::import_into(&mut plain, bytes).unwrap();
        let direct_raw = plain.finish(&BuildOptions { adjust_clock_skew: false }).remove(0);
        let starts =
            |t: &Trace| t.spans().map(|s| (t.span_id_text(s), t.start_of(s), t.depth_of(s))).collect::<Vec<_>>();
        assert_eq!(starts(&raw), starts(&direct_raw), "undoing the shifts gives the recorded times and the same tree");
        let again = rebuild(&raw, &BuildOptions::default());
        assert_eq!(starts(&again), starts(&adjusted));
        assert_eq!(again.warnings(), adjusted.warnings());
    }

    #[test]
    fn a_rebuilt_demo_is_the_same_trace() {
        let t = crate::demo::storefront();
        let r = rebuild(&t, &BuildOptions::default());
        assert_eq!(r.len(), t.len());
        assert_eq!(r.id(), t.id());
        for s in t.spans() {
            assert_eq!(r.name(s), t.name(s));
            assert_eq!(r.start_of(s), t.start_of(s));
            assert_eq!(r.attributes(s).len(), t.attributes(s).len());
            assert_eq!(r.events(s).len(), t.events(s).len());
            assert_eq!(r.links(s).len(), t.links(s).len());
            assert_eq!(r.service(s), t.service(s));
        }
        let root = r.roots()[0];
        assert_eq!(r.attribute(root, "user.id"), t.attribute(t.roots()[0], "user.id"));
    }
}
