//! The statistics view: spans grouped by service, by operation (service + span name) or by the value of one
//! attribute, with count, total / average / min / max duration, self time, errors and each group's share of the
//! trace's duration. Like Jaeger UI's "Trace Statistics" table, with self time from [`crate::analysis`].
//!
//! - [`statistics`]: one pass over the spans (O(n), hashing), rows sorted by self time, largest first;
//! - [`sort`]: re-sorts rows by any column (the table's clickable headers);
//! - [`stats_csv`]: the rows as CSV (RFC 4180), durations in µs with three decimals (exact to the ns);
//! - [`attribute_keys`]: the keys there are to group by, most common first.
//!
//! `self_times` is passed in (from [`crate::analysis::self_times`]) so a view that already has it pays for it once.

use crate::intern::StrId;
use crate::time::DurationNs;
use crate::trace::{SpanIdx, Trace};
use hashbrown::HashMap;
use std::cmp::Ordering;
use std::fmt::Write as _;

/// The key of the group a span is counted in. The key text of [`GroupBy::Attribute`] for spans without the
/// attribute.
pub const NO_VALUE: &str = "(none)";

/// What spans are grouped by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// The service name.
    Service,
    /// Service and span name together (the same span name in two services is two rows).
    Operation,
    /// The value (as text) of this attribute: the span's own, else its resource's (as the find box reads keys).
    /// Spans with neither form one group keyed [`NO_VALUE`]; values equal as text share a group (`5` and `"5"`).
    Attribute(String),
}

/// One row of the statistics table.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupStats {
    /// The service name, the span name ([`GroupBy::Operation`]) or the attribute value as text.
    pub key: String,
    /// The service of the group: `Some` when grouping by service or operation, `None` by attribute.
    pub service: Option<String>,
    pub count: u32,
    /// Sum of the spans' durations.
    pub total: DurationNs,
    /// `total / count`, rounded to the nearest ns.
    pub avg: DurationNs,
    pub min: DurationNs,
    pub max: DurationNs,
    /// Sum of the spans' self times.
    pub self_total: DurationNs,
    /// Spans with error status.
    pub errors: u32,
    /// `self_total` over the trace's duration (0 for a zero-length trace). Over all rows this sums to the trace's
    /// self time over its duration: 1 for a single root whose descendants stay inside it.
    pub share_of_trace: f64,
}

impl GroupStats {
    fn new(key: String, service: Option<String>) -> Self {
        GroupStats {
            key,
            service,
            count: 0,
            total: DurationNs::ZERO,
            avg: DurationNs::ZERO,
            min: DurationNs(i64::MAX),
            max: DurationNs(i64::MIN),
            self_total: DurationNs::ZERO,
            errors: 0,
            share_of_trace: 0.0,
        }
    }

    fn add(&mut self, d: DurationNs, self_time: DurationNs, error: bool) {
        self.count += 1;
        self.total = DurationNs(self.total.0.saturating_add(d.0));
        self.min = self.min.min(d);
        self.max = self.max.max(d);
        self.self_total = DurationNs(self.self_total.0.saturating_add(self_time.0));
        self.errors += error as u32;
    }
}

/// Groups the spans of `trace` by `by`. `self_times` holds one entry per span (see
/// [`crate::analysis::self_times`]); a shorter slice counts the missing ones as zero. Rows come sorted by
/// `self_total`, largest first (ties by key, then service). An empty trace gives no rows.
pub fn statistics(trace: &Trace, self_times: &[DurationNs], by: &GroupBy) -> Vec<GroupStats> {
    let mut rows: Vec<GroupStats> = Vec::new();
    // Which row each span goes to, by the cheapest key available: service index, (service, name) ids, or the
    // attribute value (interned string id first, its text otherwise).
    match by {
        GroupBy::Service => {
            let mut row_of: HashMap<u32, usize> = HashMap::new();
            for s in trace.spans() {
                let svc = trace.service_index(s);
                let r = *row_of.entry(svc).or_insert_with(|| {
                    let name = trace.service_name(svc).to_string();
                    rows.push(GroupStats::new(name.clone(), Some(name)));
                    rows.len() - 1
                });
                add_span(&mut rows[r], trace, self_times, s);
            }
        }
        GroupBy::Operation => {
            let mut row_of: HashMap<(u32, StrId), usize> = HashMap::new();
            for s in trace.spans() {
                let svc = trace.service_index(s);
                let r = *row_of.entry((svc, trace.name_id(s))).or_insert_with(|| {
                    rows.push(GroupStats::new(trace.name(s).to_string(), Some(trace.service_name(svc).to_string())));
                    rows.len() - 1
                });
                add_span(&mut rows[r], trace, self_times, s);
            }
        }
        GroupBy::Attribute(key) => {
            let key_id = find_str(trace, key);
            let mut by_str: HashMap<StrId, usize> = HashMap::new();
            let mut by_text: HashMap<String, usize> = HashMap::new();
            let mut none: Option<usize> = None;
            for s in trace.spans() {
                let value = key_id.and_then(|k| {
                    let res = trace.attrs_at(trace.resource(s).attrs);
                    trace.attributes(s).iter().chain(res).find(|a| a.key() == k).copied()
                });
                let r = match value {
                    None => *none.get_or_insert_with(|| {
                        rows.push(GroupStats::new(NO_VALUE.to_string(), None));
                        rows.len() - 1
                    }),
                    Some(a) => match a.stored().as_str_id() {
                        Some(id) => match by_str.get(&id) {
                            Some(&r) => r,
                            None => {
                                let r = row_for_text(&mut rows, &mut by_text, trace.str(id).to_string());
                                by_str.insert(id, r);
                                r
                            }
                        },
                        None => row_for_text(&mut rows, &mut by_text, trace.value_text(trace.value(&a))),
                    },
                };
                add_span(&mut rows[r], trace, self_times, s);
            }
        }
    }
    let trace_ns = trace.duration().0;
    for row in &mut rows {
        row.avg = DurationNs(div_round(row.total.0, row.count as i64));
        row.share_of_trace = if trace_ns > 0 { row.self_total.0 as f64 / trace_ns as f64 } else { 0.0 };
    }
    sort(&mut rows, SortKey::SelfTotal, true);
    rows
}

fn add_span(row: &mut GroupStats, trace: &Trace, self_times: &[DurationNs], s: SpanIdx) {
    let self_time = self_times.get(s.ix()).copied().unwrap_or(DurationNs::ZERO);
    row.add(trace.duration_of(s), self_time, trace.is_error(s));
}

fn row_for_text(rows: &mut Vec<GroupStats>, by_text: &mut HashMap<String, usize>, text: String) -> usize {
    if let Some(&r) = by_text.get(text.as_str()) {
        return r;
    }
    rows.push(GroupStats::new(text.clone(), None));
    by_text.insert(text, rows.len() - 1);
    rows.len() - 1
}

/// The id of the interned string equal to `s`, if any (one pass over the string table).
fn find_str(trace: &Trace, s: &str) -> Option<StrId> {
    let strings = &trace.arena().strings;
    (1..strings.len() as u32).map(StrId).find(|&id| strings.get(id) == s)
}

/// `a / b` rounded to the nearest integer (halves away from zero); 0 when `b` is 0.
fn div_round(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    let q = a / b;
    let r = a % b;
    if r.unsigned_abs() * 2 >= b.unsigned_abs() {
        q + if (a < 0) == (b < 0) { 1 } else { -1 }
    } else {
        q
    }
}

/// A column of the statistics table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SortKey {
    Key,
    Count,
    Total,
    Avg,
    Min,
    Max,
    SelfTotal,
    Errors,
}

/// The attribute keys spans have (their own, or their resource's, as [`GroupBy::Attribute`] reads them), with how
/// many spans have each: the most common first, then by name; at most `limit`. For the statistics view's list of
/// keys to group by. One pass over the attributes (own and resource), a hash lookup each.
pub fn attribute_keys(trace: &Trace, limit: usize) -> Vec<(String, u32)> {
    // Per key: spans counted, and the last span counted (a key both on a span and on its resource counts once).
    let mut slot_of: HashMap<StrId, usize> = HashMap::new();
    let mut slots: Vec<(StrId, u32, u32)> = Vec::new();
    for s in trace.spans() {
        let resource = trace.attrs_at(trace.resource(s).attrs);
        for a in trace.attributes(s).iter().chain(resource) {
            let slot = match slot_of.get(&a.key()) {
                Some(&i) => &mut slots[i],
                None => {
                    slot_of.insert(a.key(), slots.len());
                    slots.push((a.key(), 0, u32::MAX));
                    slots.last_mut().unwrap()
                }
            };
            if slot.2 != s.0 {
                slot.1 += 1;
                slot.2 = s.0;
            }
        }
    }
    let mut keys: Vec<(String, u32)> =
        slots.into_iter().map(|(key, count, _)| (trace.str(key).to_string(), count)).collect();
    crate::order::sort_by(&mut keys, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    keys.truncate(limit);
    keys
}

/// Sorts rows by one column. Rows equal in that column keep a fixed order whichever the direction: by key, then
/// by service (both ascending), so re-sorting never shuffles ties. [`SortKey::Key`] compares case-insensitively
/// first (then exactly, then by service).
pub fn sort(rows: &mut [GroupStats], key: SortKey, descending: bool) {
    let by_key = |a: &GroupStats, b: &GroupStats| {
        caseless(&a.key, &b.key).then_with(|| a.key.cmp(&b.key)).then_with(|| a.service.cmp(&b.service))
    };
    crate::order::sort_by(rows, |a, b| {
        let primary = match key {
            SortKey::Key => return if descending { by_key(b, a) } else { by_key(a, b) },
            SortKey::Count => a.count.cmp(&b.count),
            SortKey::Total => a.total.cmp(&b.total),
            SortKey::Avg => a.avg.cmp(&b.avg),
            SortKey::Min => a.min.cmp(&b.min),
            SortKey::Max => a.max.cmp(&b.max),
            SortKey::SelfTotal => a.self_total.cmp(&b.self_total),
            SortKey::Errors => a.errors.cmp(&b.errors),
        };
        let primary = if descending { primary.reverse() } else { primary };
        primary.then_with(|| by_key(a, b))
    });
}

fn caseless(a: &str, b: &str) -> Ordering {
    a.chars().flat_map(char::to_lowercase).cmp(b.chars().flat_map(char::to_lowercase))
}

/// The rows as CSV (RFC 4180: CRLF line ends; fields with a comma, quote, CR or LF quoted, quotes doubled), with a
/// header row: `key,service,count,total_us,avg_us,min_us,max_us,self_total_us,errors,share_of_trace`. Durations
/// are µs with three decimals (exact: ns / 1000); `service` is empty when the row has none; `share_of_trace` has
/// six decimals.
pub fn stats_csv(rows: &[GroupStats]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str("key,service,count,total_us,avg_us,min_us,max_us,self_total_us,errors,share_of_trace\r\n");
    for r in rows {
        csv_field(&mut out, &r.key);
        out.push(',');
        csv_field(&mut out, r.service.as_deref().unwrap_or(""));
        let _ = write!(out, ",{}", r.count);
        for d in [r.total, r.avg, r.min, r.max, r.self_total] {
            out.push(',');
            push_us(&mut out, d);
        }
        let _ = write!(out, ",{},{:.6}\r\n", r.errors, r.share_of_trace);
    }
    out
}

/// Appends one CSV field, quoted when RFC 4180 requires it.
pub(crate) fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        for (k, part) in s.split('"').enumerate() {
            if k > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Appends a duration (or any ns count) as µs with exactly three decimals: `1234567` → `1234.567`.
pub(crate) fn push_us(out: &mut String, d: DurationNs) {
    let sign = if d.0 < 0 { "-" } else { "" };
    let a = d.0.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:03}", a / 1000, a % 1000);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::self_times;
    use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
    use crate::ids::{SpanId, TraceId};
    use crate::time::TimestampNs;
    use crate::trace::StatusCode;
    use crate::value::StoredValue;

    /// One span of a hand-built trace: id, parent id (0: none), service, name, start, duration, error,
    /// `db.system` value.
    type S = (u64, u64, &'static str, &'static str, i64, i64, bool, Option<&'static str>);

    fn build(spans: &[S]) -> Trace {
        let mut b = TraceSetBuilder::new();
        let mut resources: Vec<(&str, u32)> = Vec::new();
        let mut d = SpanDraft::default();
        for &(id, parent, service, name, start, duration, error, db) in spans {
            let r = match resources.iter().find(|(s, _)| *s == service) {
                Some(&(_, r)) => r,
                None => {
                    let r = b.add_resource(service, &[]);
                    resources.push((service, r));
                    r
                }
            };
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{id:x}"));
            d.parent_id = SpanId::from_hex(&format!("{parent:x}"));
            d.name = b.intern(name);
            d.resource = r;
            d.start = Some(TimestampNs(start));
            d.duration = Some(DurationNs(duration));
            if error {
                d.status = StatusCode::Error;
            }
            if let Some(v) = db {
                let a = b.str_attr("db.system", v);
                d.attrs.push(a);
            }
            b.add_span(&mut d);
        }
        b.finish(&BuildOptions::default()).remove(0)
    }

    // 1 api  GET /a      [0,100)                    self 100 - |[10,60) ∪ [50,70)| - |[90,100)| = 30
    // ├── 2 api  auth     [10,60)                    self 50 - 20 = 30
    // │   └── 4 db  SELECT [20,40)  db=postgresql    self 20
    // ├── 3 cart get      [50,70)   error            self 20
    // └── 5 db  SELECT    [90,130)  db=postgresql, error, runs past its parent: self 40
    fn small() -> Trace {
        build(&[
            (1, 0, "api", "GET /a", 0, 100, false, None),
            (2, 1, "api", "auth", 10, 50, false, None),
            (3, 1, "cart", "get", 50, 20, true, None),
            (4, 2, "db", "SELECT", 20, 20, false, Some("postgresql")),
            (5, 1, "db", "SELECT", 90, 40, true, Some("postgresql")),
        ])
    }

    fn row<'r>(rows: &'r [GroupStats], key: &str) -> &'r GroupStats {
        rows.iter().find(|r| r.key == key).unwrap_or_else(|| panic!("no row {key:?} in {rows:#?}"))
    }

    #[test]
    fn groups_by_service_with_exact_numbers() {
        let t = small();
        let st = self_times(&t);
        assert_eq!(st.iter().map(|d| d.0).collect::<Vec<_>>(), [30, 30, 20, 20, 40]); // pre-order: 1 2 4 3 5
        let rows = statistics(&t, &st, &GroupBy::Service);
        assert_eq!(rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["api", "db", "cart"]);
        let api = row(&rows, "api");
        assert_eq!(
            (api.count, api.total, api.avg, api.min, api.max),
            (2, DurationNs(150), DurationNs(75), DurationNs(50), DurationNs(100))
        );
        assert_eq!((api.self_total, api.errors, api.service.as_deref()), (DurationNs(60), 0, Some("api")));
        let db = row(&rows, "db");
        assert_eq!(
            (db.count, db.total, db.avg, db.min, db.max),
            (2, DurationNs(60), DurationNs(30), DurationNs(20), DurationNs(40))
        );
        assert_eq!((db.self_total, db.errors), (DurationNs(60), 1));
        // The trace lasts 130 (span 5 ends at 130).
        assert_eq!(db.share_of_trace, 60.0 / 130.0);
        let cart = row(&rows, "cart");
        assert_eq!(
            (cart.count, cart.self_total, cart.errors, cart.share_of_trace),
            (1, DurationNs(20), 1, 20.0 / 130.0)
        );
        // Self times of every span are counted once: 140 of the trace's 130 (span 5 lies partly outside its root).
        assert_eq!(rows.iter().map(|r| r.self_total.0).sum::<i64>(), 140);
    }

    #[test]
    fn groups_by_operation_and_by_attribute() {
        let t = small();
        let st = self_times(&t);
        let rows = statistics(&t, &st, &GroupBy::Operation);
        assert_eq!(rows.len(), 4);
        let select = row(&rows, "SELECT");
        assert_eq!(
            (select.service.as_deref(), select.count, select.total, select.self_total),
            (Some("db"), 2, DurationNs(60), DurationNs(60))
        );
        // Ties on self time (GET /a and auth: 30 each) are ordered by key, ignoring case.
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["SELECT", "auth", "GET /a", "get"]);

        let rows = statistics(&t, &st, &GroupBy::Attribute("db.system".into()));
        assert_eq!(rows.len(), 2);
        let pg = row(&rows, "postgresql");
        assert_eq!((pg.count, pg.total, pg.errors, pg.service.as_deref()), (2, DurationNs(60), 1, None));
        let none = row(&rows, NO_VALUE);
        assert_eq!(
            (none.count, none.total, none.min, none.max, none.self_total),
            (3, DurationNs(170), DurationNs(20), DurationNs(100), DurationNs(80))
        );
        assert_eq!(none.avg, DurationNs(57)); // 170 / 3 = 56.67, rounded

        // A key no span has: one row with everything.
        let rows = statistics(&t, &st, &GroupBy::Attribute("nope".into()));
        assert_eq!((rows.len(), rows[0].key.as_str(), rows[0].count), (1, NO_VALUE, 5));
        // Without self times (a shorter slice), self time counts as zero.
        assert_eq!(statistics(&t, &[], &GroupBy::Service)[0].self_total, DurationNs::ZERO);
    }

    // Values equal as text share a row; resource attributes count when the span has none of its own.
    #[test]
    fn attribute_values_group_by_text_and_fall_back_to_the_resource() {
        let mut b = TraceSetBuilder::new();
        let zone = b.str_attr("zone", "eu");
        let r = b.add_resource("svc", &[zone]);
        let mut d = SpanDraft::default();
        let values = [Some(StoredValue::int(5)), None, Some(StoredValue::int(5)), Some(StoredValue::bool(true))];
        for (i, v) in values.iter().enumerate() {
            d.trace_id = TraceId::from_hex("1");
            d.span_id = SpanId::from_hex(&format!("{:x}", i + 1));
            d.resource = r;
            d.start = Some(TimestampNs(i as i64));
            d.duration = Some(DurationNs(1));
            if let Some(v) = v {
                let a = b.attr("k", *v);
                d.attrs.push(a);
                let z = b.str_attr("zone", "us");
                d.attrs.push(z);
            }
            b.add_span(&mut d);
        }
        // A string "5" joins the int 5.
        d.trace_id = TraceId::from_hex("1");
        d.span_id = SpanId::from_hex("9");
        d.resource = r;
        d.start = Some(TimestampNs(9));
        d.duration = Some(DurationNs(1));
        let a = b.str_attr("k", "5");
        d.attrs.push(a);
        b.add_span(&mut d);
        let t = b.finish(&BuildOptions::default()).remove(0);
        let st = self_times(&t);
        let rows = statistics(&t, &st, &GroupBy::Attribute("k".into()));
        let counts: Vec<(&str, u32)> = rows.iter().map(|r| (r.key.as_str(), r.count)).collect();
        assert_eq!(counts, [("5", 3), ("(none)", 1), ("true", 1)]);
        let rows = statistics(&t, &st, &GroupBy::Attribute("zone".into()));
        let counts: Vec<(&str, u32)> = rows.iter().map(|r| (r.key.as_str(), r.count)).collect();
        assert_eq!(counts, [("us", 3), ("eu", 2)]);
        // Every span has a zone (three their own and the resource's: counted once), four have k.
        assert_eq!(attribute_keys(&t, 10), [("zone".to_string(), 5), ("k".to_string(), 4)]);
        assert_eq!(attribute_keys(&t, 1), [("zone".to_string(), 5)]);
    }

    #[test]
    fn sort_by_any_column_keeps_ties_in_key_order() {
        let t = small();
        let mut rows = statistics(&t, &self_times(&t), &GroupBy::Operation);
        sort(&mut rows, SortKey::Count, true);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["SELECT", "auth", "get", "GET /a"]);
        sort(&mut rows, SortKey::Key, false);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["auth", "get", "GET /a", "SELECT"]);
        sort(&mut rows, SortKey::Key, true);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["SELECT", "GET /a", "get", "auth"]);
        sort(&mut rows, SortKey::Max, false);
        let maxes: Vec<i64> = rows.iter().map(|r| r.max.0).collect();
        assert_eq!(maxes, [20, 40, 50, 100]);
        sort(&mut rows, SortKey::Errors, true);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["get", "SELECT", "auth", "GET /a"]);
        for k in [SortKey::Total, SortKey::Avg, SortKey::Min, SortKey::SelfTotal] {
            sort(&mut rows, k, false);
            let col = |r: &GroupStats| match k {
                SortKey::Total => r.total,
                SortKey::Avg => r.avg,
                SortKey::Min => r.min,
                _ => r.self_total,
            };
            assert!(rows.windows(2).all(|w| col(&w[0]) <= col(&w[1])), "{k:?}");
        }
    }

    /// key, count, total, avg, min, max, self total, errors (times in ns).
    type Row<'a> = (&'a str, u32, i64, i64, i64, i64, i64, u32);

    fn table(rows: &[GroupStats]) -> Vec<Row<'_>> {
        rows.iter()
            .map(|r| (r.key.as_str(), r.count, r.total.0, r.avg.0, r.min.0, r.max.0, r.self_total.0, r.errors))
            .collect()
    }

    // Expected numbers computed with python3 from the demo's definition (crate::demo::checkout_incident: times in
    // ms, each converted to ns), not from this module. The twelve `SELECT inventory` calls overlap a little (one
    // every 284 ms, up to 292 ms long), so self times add up to more than the trace's 4182.4 ms.
    #[test]
    fn checkout_incident_by_service_and_by_db_system() {
        let t = crate::demo::demo("checkout-incident").unwrap();
        let st = self_times(&t);
        assert_eq!((t.len(), t.duration()), (28, DurationNs(4_182_400_000)));
        //                   key                count  total          avg            min          max            self           errors
        let by_service: [Row<'_>; 3] = [
            ("inventory-service", 14, 6_796_700_000, 485_478_571, 11_600_000, 3_426_100_000, 3_438_100_000, 0),
            ("order-service", 8, 8_007_900_000, 1_000_987_500, 21_700_000, 4_182_400_000, 482_300_000, 1),
            ("pricing-service", 6, 537_200_000, 89_533_333, 1_400_000, 137_000_000, 274_000_000, 1),
        ];
        let rows = statistics(&t, &st, &GroupBy::Service);
        assert_eq!(table(&rows), by_service);
        assert!(rows.iter().all(|r| r.service.as_deref() == Some(r.key.as_str())));
        assert_eq!(rows[2].share_of_trace, 274_000_000.0 / 4_182_400_000.0);
        let share: f64 = rows.iter().map(|r| r.share_of_trace).sum();
        assert!((share - 4_194_400_000.0 / 4_182_400_000.0).abs() < 1e-12, "{share}");

        let by_db_system: [Row<'_>; 3] = [
            ("postgresql", 15, 3_430_500_000, 228_700_000, 11_600_000, 290_000_000, 3_430_500_000, 0),
            ("(none)", 11, 11_908_500_000, 1_082_590_909, 24_500_000, 4_182_400_000, 761_100_000, 2),
            ("redis", 2, 2_800_000, 1_400_000, 1_400_000, 1_400_000, 2_800_000, 0),
        ];
        let rows = statistics(&t, &st, &GroupBy::Attribute("db.system".into()));
        assert_eq!(table(&rows), by_db_system);
        assert!(rows.iter().all(|r| r.service.is_none()));
    }

    #[test]
    fn csv_quotes_commas_quotes_and_newlines() {
        let mut rows = vec![GroupStats::new("plain".into(), Some("svc".into()))];
        rows[0].add(DurationNs(1_234_567), DurationNs(5), false);
        rows[0].avg = DurationNs(1_234_567);
        rows[0].share_of_trace = 0.5;
        let mut odd = GroupStats::new("SELECT a, b FROM \"t\"\nWHERE x\r".into(), None);
        odd.add(DurationNs(999), DurationNs(0), true);
        odd.avg = DurationNs(999);
        rows.push(odd);
        let csv = stats_csv(&rows);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "key,service,count,total_us,avg_us,min_us,max_us,self_total_us,errors,share_of_trace");
        assert_eq!(lines[1], "plain,svc,1,1234.567,1234.567,1234.567,1234.567,0.005,0,0.500000");
        assert_eq!(
            &csv[lines[0].len() + lines[1].len() + 4..],
            "\"SELECT a, b FROM \"\"t\"\"\nWHERE x\r\",,1,0.999,0.999,0.999,0.999,0.000,1,0.000000\r\n"
        );
        let mut s = String::new();
        push_us(&mut s, DurationNs(-1_500));
        assert_eq!(s, "-1.500");
    }
}
