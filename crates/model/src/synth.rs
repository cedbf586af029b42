//! spanscope's own deterministic generator of one large, realistic-looking trace, for benchmarks and for tests
//! that need size (the N+1 detector, search, row layout at a million spans).
//!
//! [`generate`] builds one tree of exactly [`SynthOptions::spans`] spans from a seed; [`SynthTrace::to_json`]
//! writes that same tree (same ids, times, names, attributes, events and errors) as Jaeger JSON (the query-API
//! envelope `{"data":[…]}`), OTLP JSON (one `resourceSpans` per service, hex ids, times and `intValue` as decimal
//! strings) or a Zipkin v2 span array (optionally with client/server halves sharing one id). It has the character
//! of the reference generator `gen_trace.py` of the shared tools (not its byte output):
//!
//! - 10–20 services from an e-commerce pool, each HTTP or gRPC, with an optional database and cache;
//! - span roles: server spans, client→server RPC pairs (client in the caller, server in the callee), internal
//!   spans, database and Redis leaf calls, Kafka producer→consumer pairs;
//! - fan-out 1–8 (weighted towards 1), wider only through **N+1 runs** (10–60 identical `SELECT … WHERE
//!   parent_id = ?` children, now and then up to 1,500) and **loops** (repeated RPC calls or `process-item`
//!   spans, each with its own subtree), which is what lets 100k+ spans fit under the depth cap (25 levels);
//! - every child lies inside its parent; times are whole µs from 2024-06-01T10:00Z plus a seeded offset;
//! - 3–10 OpenTelemetry semantic-convention attributes per span (`http.*`, `db.*`, `rpc.*`, `messaging.*`,
//!   `user.id`, `tenant.id`, …), events on ~5% of spans, exactly round(1%) error spans (status + an `exception`
//!   event) and exactly round(1%) spans tagged `app.release.channel = "canary"` (the only place the word occurs).
//!
//! The planted repetition is exposed ([`SynthTrace::n_plus_one`], [`SynthTrace::loops`]) so analysis tests can
//! check what a detector finds. The random source is a splitmix64 written here, and only exact IEEE arithmetic
//! (no `ln`, `powf`) touches the numbers, so a seed gives the same bytes on every platform.
//!
//! Output is written straight into a byte buffer (no `serde_json::Value` tree): a million spans are generated
//! and written in a few seconds.

use crate::import::Format;
use std::borrow::Cow;
use std::fmt;
use std::io::Write as _;

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthOptions {
    /// Exact number of spans (at least 1).
    pub spans: usize,
    pub seed: u64,
    /// Number of services, 2–20; 0 lets the seed choose 10–20.
    pub services: usize,
    /// Depth cap in levels (the root is level 1); at least 3.
    pub max_depth: u32,
    /// Chance that a span doing work gets an N+1 run of identical query children.
    pub n1_prob: f64,
    /// Zipkin only: write each RPC's server half with its client's span id and `"shared": true`.
    pub zipkin_shared: bool,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions { spans: 1000, seed: 1, services: 0, max_depth: 25, n1_prob: 0.06, zipkin_shared: false }
    }
}

/// How a service is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Http,
    Grpc,
}

/// One service of the generated system.
#[derive(Clone, Debug)]
pub struct SynthService {
    pub name: &'static str,
    pub protocol: Protocol,
    pub language: &'static str,
    pub database: Option<&'static str>,
    pub tables: &'static [&'static str],
    pub cache: bool,
    pub version: String,
    pub host: String,
    pub ip: String,
    pub db_name: String,
    endpoints: Vec<Endpoint>,
    callees: Vec<u32>,
}

/// HTTP: (span name, method, route). gRPC: (span name, `rpc.service`, `rpc.method`).
#[derive(Clone, Debug)]
struct Endpoint {
    name: String,
    a: String,
    b: String,
}

/// What a span does; decides its kind in each format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Server,
    Client,
    Internal,
    Db,
    Cache,
    Producer,
    Consumer,
}

impl Role {
    pub const ALL: [Role; 7] =
        [Role::Server, Role::Client, Role::Internal, Role::Db, Role::Cache, Role::Producer, Role::Consumer];

    fn kind_name(self) -> &'static str {
        match self {
            Role::Server => "server",
            Role::Client | Role::Db | Role::Cache => "client",
            Role::Internal => "internal",
            Role::Producer => "producer",
            Role::Consumer => "consumer",
        }
    }

    fn otlp_kind(self) -> u8 {
        match self {
            Role::Internal => 1,
            Role::Server => 2,
            Role::Client | Role::Db | Role::Cache => 3,
            Role::Producer => 4,
            Role::Consumer => 5,
        }
    }

    fn zipkin_kind(self) -> Option<&'static str> {
        match self {
            Role::Server => Some("SERVER"),
            Role::Client | Role::Db | Role::Cache => Some("CLIENT"),
            Role::Internal => None,
            Role::Producer => Some("PRODUCER"),
            Role::Consumer => Some("CONSUMER"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Server => "server",
            Role::Client => "client",
            Role::Internal => "internal",
            Role::Db => "db",
            Role::Cache => "cache",
            Role::Producer => "producer",
            Role::Consumer => "consumer",
        }
    }
}

/// An attribute value (typed as OTLP and Jaeger type them; Zipkin writes them as text).
#[derive(Clone, Debug, PartialEq)]
pub enum AttrValue {
    Str(Cow<'static, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

pub type SynthAttr = (&'static str, AttrValue);

/// A span event (a Jaeger log, a Zipkin annotation).
#[derive(Clone, Debug, PartialEq)]
pub struct SynthEvent {
    pub time_us: i64,
    pub name: &'static str,
    pub attributes: Vec<SynthAttr>,
}

/// One generated span.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthSpan {
    pub id: u64,
    /// Position of the parent in [`SynthTrace::spans`]; `None` for the root.
    pub parent: Option<u32>,
    /// 0-based depth (the root is 0).
    pub depth: u32,
    /// Index into [`SynthTrace::services`].
    pub service: u32,
    pub role: Role,
    /// The called service of a client span.
    pub peer: Option<u32>,
    pub name: Cow<'static, str>,
    pub start_us: i64,
    pub duration_us: i64,
    pub attributes: Vec<SynthAttr>,
    /// In time order.
    pub events: Vec<SynthEvent>,
    /// Error status message (the span then has an `exception` event too).
    pub error: Option<&'static str>,
}

/// A planted repetition: `count` children named `child_name` under one parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepeatSite {
    /// Position of the parent in [`SynthTrace::spans`].
    pub parent: u32,
    /// The parent's span id (as written in Jaeger and OTLP; with [`SynthOptions::zipkin_shared`] a server
    /// parent has its client's id in Zipkin).
    pub parent_span_id: u64,
    pub child_name: String,
    pub child_role: Role,
    pub count: u32,
}

impl RepeatSite {
    pub fn parent_span_id_hex(&self) -> String {
        format!("{:016x}", self.parent_span_id)
    }
}

/// The generated trace: spans in pre-order (children by start time), the order every format writes them in.
#[derive(Clone, Debug)]
pub struct SynthTrace {
    pub trace_id: u128,
    pub services: Vec<SynthService>,
    pub spans: Vec<SynthSpan>,
    /// N+1 runs (identical query children, one entry per parent and child name; other siblings may share the
    /// name: the run's statements end in `WHERE parent_id = ?`, no other statement does).
    pub n_plus_one: Vec<RepeatSite>,
    /// Loops: runs of identical RPC calls or internal `process-item`-style spans, each with a subtree.
    pub loops: Vec<RepeatSite>,
    zipkin_shared: bool,
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------------------------

/// splitmix64: tiny, fast, and good enough for shapes.
#[derive(Clone, Debug)]
struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(mix64(seed ^ 0x5EED_5EED_5EED_5EED))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + ((self.next_u64() as u128 * (hi - lo + 1) as u128) >> 64) as i64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// `k` distinct indices of `0..n` in random order (partial Fisher–Yates; `n <= 16`).
    fn sample_small(&mut self, n: usize, k: usize) -> ([u8; 16], usize) {
        let mut a = [0u8; 16];
        for (i, x) in a.iter_mut().enumerate().take(n) {
            *x = i as u8;
        }
        for i in 0..k {
            let j = i + self.below(n - i);
            a.swap(i, j);
        }
        (a, k)
    }

    /// A positive, right-skewed value with the given mean (u³·4·mean: exact arithmetic, no `ln`).
    fn skewed(&mut self, mean: f64) -> f64 {
        let u = self.unit();
        u * u * u * 4.0 * mean
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------------------------

struct PoolEntry {
    name: &'static str,
    proto: Protocol,
    lang: &'static str,
    db: Option<&'static str>,
    tables: &'static [&'static str],
    cache: bool,
}

const fn svc(
    name: &'static str,
    proto: Protocol,
    lang: &'static str,
    db: Option<&'static str>,
    tables: &'static [&'static str],
    cache: bool,
) -> PoolEntry {
    PoolEntry { name, proto, lang, db, tables, cache }
}

use Protocol::{Grpc, Http};
const PG: Option<&str> = Some("postgresql");
const MY: Option<&str> = Some("mysql");

const SERVICE_POOL: [PoolEntry; 20] = [
    svc("frontend", Http, "nodejs", None, &[], true),
    svc("api-gateway", Http, "go", None, &[], true),
    svc("auth-service", Grpc, "go", PG, &["users", "sessions", "tokens"], true),
    svc("user-service", Grpc, "java", PG, &["users", "addresses", "preferences"], true),
    svc("order-service", Http, "java", PG, &["orders", "order_items", "order_events"], false),
    svc("cart-service", Grpc, "dotnet", None, &[], true),
    svc("catalog-service", Http, "python", MY, &["products", "categories", "product_images"], true),
    svc("inventory-service", Grpc, "go", PG, &["stock_levels", "warehouses", "reservations"], false),
    svc("pricing-service", Grpc, "java", MY, &["price_rules", "discounts"], true),
    svc("payment-service", Http, "java", PG, &["payments", "refunds", "ledger_entries"], false),
    svc("fraud-service", Grpc, "python", PG, &["risk_scores", "blocklist"], true),
    svc("shipping-service", Http, "ruby", MY, &["shipments", "carriers", "rates"], false),
    svc("recommendation-service", Grpc, "python", None, &[], true),
    svc("search-service", Http, "java", None, &[], true),
    svc("review-service", Http, "nodejs", MY, &["reviews", "review_votes"], false),
    svc("notification-service", Grpc, "go", PG, &["notifications", "templates"], false),
    svc("email-service", Http, "python", None, &[], false),
    svc("loyalty-service", Grpc, "java", PG, &["points", "tiers"], true),
    svc("tax-service", Http, "go", MY, &["tax_rates", "jurisdictions"], false),
    svc("audit-service", Grpc, "rust", PG, &["audit_log"], false),
];

const HTTP_RESOURCES: [&str; 12] = [
    "orders",
    "users",
    "items",
    "products",
    "carts",
    "payments",
    "shipments",
    "reviews",
    "prices",
    "accounts",
    "sessions",
    "quotes",
];
const HTTP_METHODS: [&str; 7] = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"];
const GRPC_VERBS: [&str; 8] = ["Get", "List", "Create", "Update", "Validate", "Compute", "Reserve", "Check"];
const INTERNAL_OPS: [&str; 18] = [
    "validate-request",
    "authorize",
    "load-config",
    "compute-totals",
    "serialize-response",
    "deserialize-request",
    "apply-discounts",
    "render-template",
    "build-query",
    "merge-results",
    "rank-candidates",
    "resolve-dependencies",
    "check-feature-flags",
    "enrich-context",
    "compress-payload",
    "acquire-lock",
    "process-batch",
    "map-entities",
];
const LOOP_OPS: [&str; 4] = ["process-item", "handle-record", "evaluate-rule", "render-row"];
const RUN_OPS: [&str; 3] = ["fetch-item", "resolve-field", "load-entity"];
const CODE_NAMESPACES: [&str; 6] =
    ["com.shop.core", "shop.handlers", "internal/app", "lib.pipeline", "Shop.Services", "app.domain"];
const TOPICS: [&str; 6] = [
    "orders.created",
    "payments.captured",
    "inventory.reserved",
    "shipments.scheduled",
    "users.updated",
    "notifications.requested",
];
const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/124.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1",
    "okhttp/4.12.0",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
];
const CACHE_OPS: [&str; 7] = ["GET", "GET", "GET", "SET", "MGET", "HGET", "EXPIRE"];
const CACHE_KEYS: [&str; 6] = ["session", "user", "product", "cart", "price", "rate-limit"];
const TENANTS: [&str; 5] = ["acme", "globex", "initech", "umbrella", "hooli"];
const STAGES: [&str; 4] = ["parse", "fetch", "commit", "timeout"];

#[derive(Clone, Copy)]
enum FieldType {
    Str,
    Int,
    Float,
}

const EVENT_SPECS: [(&str, &[(&str, FieldType)]); 7] = [
    ("cache.miss", &[("cache.key", FieldType::Str)]),
    ("retry", &[("retry.attempt", FieldType::Int), ("retry.reason", FieldType::Str)]),
    ("validation.complete", &[("validation.rules", FieldType::Int)]),
    ("checkpoint", &[("stage", FieldType::Str)]),
    ("message.received", &[("message.size", FieldType::Int)]),
    ("gc.pause", &[("gc.pause_ms", FieldType::Float)]),
    ("lock.acquired", &[("lock.wait_ms", FieldType::Float)]),
];

type ErrorSpec = (&'static str, &'static str);
const DB_ERRORS: [ErrorSpec; 3] = [
    ("PSQLException", "deadlock detected"),
    ("SQLTimeoutException", "statement timeout after 5000 ms"),
    ("IntegrityError", "duplicate key value violates unique constraint"),
];
const CACHE_ERRORS: [ErrorSpec; 2] =
    [("RedisTimeoutError", "Redis command timed out"), ("ConnectionError", "connection reset by peer")];
const RPC_ERRORS: [ErrorSpec; 3] = [
    ("DeadlineExceeded", "context deadline exceeded"),
    ("Unavailable", "upstream connect error or disconnect/reset before headers"),
    ("HTTPError", "503 Service Unavailable"),
];
const INTERNAL_ERRORS: [ErrorSpec; 3] = [
    ("NullPointerException", "Cannot invoke method on null object"),
    ("ValueError", "invalid literal for int() with base 10"),
    ("IllegalStateException", "unexpected state: PENDING"),
];
const MSG_ERRORS: [ErrorSpec; 1] = [("KafkaException", "Broker: Not enough in-sync replicas")];

const MIN_US_PER_SPAN: i64 = 2; // every subtree of w spans gets at least 2·w µs
const FANOUT_WEIGHTS: [u32; 8] = [30, 22, 16, 11, 8, 6, 4, 3]; // P(fan-out = 1..8)
const BASE_EPOCH_US: i64 = 1_717_236_000_000_000; // 2024-06-01T10:00:00Z
const NONE: u32 = u32::MAX;

// ---------------------------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------------------------

fn short_name(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

fn build_services(rng: &mut Rng, count: usize) -> Vec<SynthService> {
    let mut rest: Vec<usize> = (2..SERVICE_POOL.len()).collect();
    let mut chosen = vec![0, 1];
    for _ in 2..count {
        let j = rng.below(rest.len());
        chosen.push(rest.swap_remove(j));
    }
    let mut services = Vec::with_capacity(count);
    for &pi in &chosen {
        let p = &SERVICE_POOL[pi];
        let short = short_name(p.name);
        let mut endpoints = Vec::new();
        for _ in 0..rng.range(3, 8) {
            match p.proto {
                Http => {
                    let m = rng.pick(&HTTP_METHODS);
                    let own = match short {
                        "frontend" => "checkout".to_string(),
                        "api" => "catalog".to_string(),
                        "catalog" => "products".to_string(),
                        "search" | "tax" => short.to_string(),
                        "shipping" => "shipments".to_string(),
                        "email" => "emails".to_string(),
                        _ => format!("{short}s"),
                    };
                    let res = if rng.chance(0.6) { own } else { rng.pick(&HTTP_RESOURCES).to_string() };
                    let mut route = format!("/api/v{}/{res}", rng.range(1, 3));
                    if rng.chance(0.6) {
                        route.push_str("/{id}");
                    }
                    if rng.chance(0.25) {
                        route.push('/');
                        route.push_str(rng.pick(&["items", "status", "history", "summary"]));
                    }
                    endpoints.push(Endpoint { name: format!("{m} {route}"), a: m.to_string(), b: route });
                }
                Grpc => {
                    let svc_name = format!("{}{}Service", short[..1].to_uppercase(), &short[1..]);
                    let verb = rng.pick(&GRPC_VERBS);
                    let obj = rng.pick(&HTTP_RESOURCES);
                    let method = format!("{verb}{}{}", obj[..1].to_uppercase(), &obj[1..]);
                    endpoints.push(Endpoint {
                        name: format!("{short}.{svc_name}/{method}"),
                        a: format!("{short}.{svc_name}"),
                        b: method,
                    });
                }
            }
        }
        services.push(SynthService {
            name: p.name,
            protocol: p.proto,
            language: p.lang,
            database: p.db,
            tables: p.tables,
            cache: p.cache,
            version: format!("{}.{}.{}", rng.range(1, 4), rng.range(0, 30), rng.range(0, 9)),
            host: format!("{}-{:08x}-{:05x}", p.name, rng.next_u64() as u32, rng.next_u64() & 0xfffff),
            ip: format!("10.{}.{}.{}", rng.range(0, 255), rng.range(0, 255), rng.range(2, 254)),
            db_name: format!("{short}_db"),
            endpoints,
            callees: Vec::new(),
        });
    }
    let n = services.len();
    for (i, service) in services.iter_mut().enumerate() {
        // Mostly call "downstream" services, sometimes anything (cycles happen in real systems).
        let mut pool: Vec<u32> = ((i + 1)..n).map(|x| x as u32).collect();
        if pool.is_empty() {
            pool = (0..n as u32).filter(|&x| x as usize != i).collect();
        }
        let k = (rng.range(2, 5) as usize).min(pool.len());
        let mut callees = Vec::with_capacity(k + 1);
        for _ in 0..k {
            callees.push(pool.swap_remove(rng.below(pool.len())));
        }
        if rng.chance(0.3) {
            let other = rng.below(n - 1);
            callees.push(if other >= i { other + 1 } else { other } as u32);
        }
        service.callees = callees;
    }
    // The frontend always reaches the gateway first.
    let fe: Vec<u32> = services[0].callees.iter().copied().filter(|&c| c != 1).take(2).collect();
    services[0].callees = std::iter::once(1).chain(fe).collect();
    services
}

// ---------------------------------------------------------------------------------------------------------------
// Tree
// ---------------------------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Info {
    Serve {
        ep: u32,
    },
    Call {
        callee: u32,
        ep: u32,
    },
    Op(&'static str),
    /// `stmt`: 0 by id, 1 by owner, 2 update, 3 insert, 4 the N+1 `WHERE parent_id = ?`.
    Db {
        table: &'static str,
        stmt: u8,
    },
    Cache {
        op: &'static str,
        key: &'static str,
    },
    Publish {
        topic: &'static str,
        consumer: u32,
    },
    Consume {
        topic: &'static str,
    },
}

#[derive(Clone, Copy)]
enum Item {
    One(u32),
    Run { first: u32, len: u32 },
}

struct Node {
    parent: u32,
    depth: u32,
    svc: u32,
    role: Role,
    info: Info,
    size: u32,
    items: Vec<Item>,
    start: i64,
    dur: i64,
}

struct Tree<'a> {
    rng: &'a mut Rng,
    services: &'a [SynthService],
    nodes: Vec<Node>,
    /// (parent, first, len) of each N+1 run and each loop (node ids).
    runs: Vec<(u32, u32, u32)>,
    loops: Vec<(u32, u32, u32)>,
}

fn n1_length(rng: &mut Rng) -> u32 {
    let r = rng.unit();
    (if r < 0.70 {
        rng.range(10, 60)
    } else if r < 0.95 {
        rng.range(60, 300)
    } else {
        rng.range(300, 1500)
    }) as u32
}

/// Rough number of spans plain fan-out holds in `room` levels: 4 · 1.4^room.
fn capacity(room: u32) -> u32 {
    let mut c = 4.0f64;
    for _ in 0..room {
        c *= 1.4;
    }
    c.min(u32::MAX as f64) as u32
}

/// Splits `extra` into `k` parts; `skewed` makes them heavy-headed (weights u^1.5), else equal.
fn split_budget(rng: &mut Rng, extra: u32, k: usize, skewed: bool) -> Vec<u32> {
    if k == 1 {
        return vec![extra];
    }
    let w: Vec<f64> = (0..k)
        .map(|_| {
            if skewed {
                let u = rng.unit();
                u * u.sqrt() + 0.05
            } else {
                1.0
            }
        })
        .collect();
    let tot: f64 = w.iter().sum();
    let mut parts: Vec<u32> = w.iter().map(|x| (extra as f64 * x / tot) as u32).collect();
    let sum: u32 = parts.iter().sum();
    let mut imax = 0;
    for (i, x) in w.iter().enumerate() {
        if *x > w[imax] {
            imax = i;
        }
    }
    parts[imax] += extra - sum;
    parts
}

impl Tree<'_> {
    fn add(&mut self, parent: u32, depth: u32, svc: u32, role: Role, info: Info, size: u32) -> u32 {
        self.nodes.push(Node { parent, depth, svc, role, info, size, items: Vec::new(), start: 0, dur: 0 });
        (self.nodes.len() - 1) as u32
    }

    fn db_info(&mut self, s: u32) -> Info {
        let table = self.rng.pick(self.services[s as usize].tables);
        let r = self.rng.unit();
        let stmt = if r < 0.65 {
            u8::from(self.rng.chance(0.5))
        } else if r < 0.85 {
            2
        } else {
            3
        };
        Info::Db { table, stmt }
    }

    fn leaf(&mut self, p: u32, cd: u32, s: u32, role: Option<Role>) -> u32 {
        let sv = &self.services[s as usize];
        let (has_db, has_cache) = (sv.database.is_some(), sv.cache);
        let role = role.unwrap_or_else(|| {
            if has_db && (!has_cache || self.rng.chance(0.7)) {
                Role::Db
            } else if has_cache {
                Role::Cache
            } else {
                Role::Internal
            }
        });
        let info = match role {
            Role::Db => self.db_info(s),
            Role::Cache => Info::Cache { op: self.rng.pick(&CACHE_OPS), key: self.rng.pick(&CACHE_KEYS) },
            _ => Info::Op(self.rng.pick(&INTERNAL_OPS)),
        };
        self.add(p, cd, s, role, info, 1)
    }

    /// N+1: `m` identical query children (same statement, a different bind value each).
    fn run(&mut self, p: u32, cd: u32, s: u32, m: u32) -> Item {
        let sv = &self.services[s as usize];
        let (role, info) = if sv.database.is_some() {
            (Role::Db, Info::Db { table: self.rng.pick(sv.tables), stmt: 4 })
        } else if sv.cache {
            (Role::Cache, Info::Cache { op: "GET", key: self.rng.pick(&["product", "price", "user"]) })
        } else {
            (Role::Internal, Info::Op(self.rng.pick(&RUN_OPS)))
        };
        let first = self.nodes.len() as u32;
        for _ in 0..m {
            self.add(p, cd, s, role, info, 1);
        }
        self.runs.push((p, first, m));
        Item::Run { first, len: m }
    }

    fn build(&mut self, n_spans: u32, max_depth: u32, n1_prob: f64) {
        let ep = self.rng.below(self.services[0].endpoints.len()) as u32;
        let root = self.add(NONE, 0, 0, Role::Server, Info::Serve { ep }, n_spans);
        let mut stack = vec![root];
        while let Some(p) = stack.pop() {
            let node = &self.nodes[p as usize];
            let mut budget = node.size - 1;
            if budget == 0 {
                continue;
            }
            let (d, role, s, info) = (node.depth, node.role, node.svc, node.info);
            let room = max_depth - 1 - d;
            debug_assert!(room >= 1, "depth cap violated");
            let cd = d + 1;
            match info {
                Info::Call { callee, ep } => {
                    let c = self.add(p, cd, callee, Role::Server, Info::Serve { ep }, budget);
                    self.nodes[p as usize].items = vec![Item::One(c)];
                    stack.push(c);
                    continue;
                }
                Info::Publish { topic, consumer } => {
                    let c = self.add(p, cd, consumer, Role::Consumer, Info::Consume { topic }, budget);
                    self.nodes[p as usize].items = vec![Item::One(c)];
                    stack.push(c);
                    continue;
                }
                _ => {}
            }
            debug_assert!(matches!(role, Role::Server | Role::Internal | Role::Consumer));
            let mut items = Vec::new();
            if room == 1 {
                // Children must be leaves: a few, or N+1 runs.
                while budget > 0 {
                    if budget < 10 {
                        for _ in 0..budget {
                            items.push(Item::One(self.leaf(p, cd, s, None)));
                        }
                        budget = 0;
                    } else {
                        let m = budget.min(n1_length(self.rng));
                        items.push(self.run(p, cd, s, m));
                        budget -= m;
                    }
                }
                self.nodes[p as usize].items = items;
                continue;
            }
            // A loop of identical subtrees (batch processing, N+1 RPC calls): forced when the budget cannot fit
            // under the depth cap with plain fan-out, now and then by choice.
            let loop_child_room = if room >= 3 { room - 2 } else { room - 1 };
            let need_loop = budget > capacity(room);
            if room >= 2 && budget >= 12 && (need_loop || self.rng.chance(0.04)) {
                let per = if need_loop {
                    capacity(loop_child_room) as f64 * self.rng.uniform(0.15, 0.6)
                } else {
                    self.rng.uniform(3.0, 40.0)
                };
                let m = ((budget as f64 / per.max(2.0)) as u32).min(budget / 2).max(2);
                let mut pre = Vec::new();
                for _ in 0..self.rng.range(0, 2) {
                    if budget > m {
                        pre.push(Item::One(self.leaf(p, cd, s, None)));
                        budget -= 1;
                    }
                }
                let shares = split_budget(self.rng, budget - m, m as usize, false);
                let (kind, info) = if room >= 3 && self.rng.chance(0.6) {
                    let callees = &self.services[s as usize].callees;
                    let callee = self.rng.pick(callees);
                    let ep = self.rng.below(self.services[callee as usize].endpoints.len()) as u32;
                    (Role::Client, Info::Call { callee, ep })
                } else {
                    (Role::Internal, Info::Op(self.rng.pick(&LOOP_OPS)))
                };
                let first = self.nodes.len() as u32;
                items.extend(pre.first().copied());
                for share in shares {
                    let c = self.add(p, cd, s, kind, info, 1 + share);
                    stack.push(c);
                    items.push(Item::One(c));
                }
                items.extend(pre.get(1).copied());
                self.loops.push((p, first, m));
                self.nodes[p as usize].items = items;
                continue;
            }
            // An optional N+1 run of identical queries.
            let mut run = None;
            if budget >= 10 && self.rng.chance(n1_prob) {
                let m = budget.min(n1_length(self.rng));
                run = Some(self.run(p, cd, s, m));
                budget -= m;
            }
            if budget == 0 {
                items.extend(run);
                self.nodes[p as usize].items = items;
                continue;
            }
            let k = budget.min(self.rng.weighted(&FANOUT_WEIGHTS) as u32 + 1) as usize;
            let sv = &self.services[s as usize];
            let (has_db, has_cache) = (sv.database.is_some(), sv.cache);
            let mut kinds = Vec::with_capacity(k);
            for _ in 0..k {
                let r = self.rng.unit();
                kinds.push(if room >= 3 && r < 0.42 {
                    Role::Client
                } else if room >= 3 && r < 0.46 {
                    Role::Producer
                } else if r < 0.62 {
                    Role::Internal
                } else if r < 0.86 && has_db {
                    Role::Db
                } else if has_cache {
                    Role::Cache
                } else if has_db {
                    Role::Db
                } else {
                    Role::Internal
                });
            }
            let extra = budget - k as u32;
            let is_work = |r: &Role| matches!(r, Role::Client | Role::Producer | Role::Internal);
            if extra > 0 && !kinds.iter().any(is_work) {
                kinds[0] = if room >= 3 { Role::Client } else { Role::Internal };
            }
            let nonleaf: Vec<usize> = (0..k).filter(|&j| is_work(&kinds[j])).collect();
            let shares =
                if nonleaf.is_empty() { Vec::new() } else { split_budget(self.rng, extra, nonleaf.len(), true) };
            let mut sub = vec![0u32; k];
            for (&j, &sh) in nonleaf.iter().zip(&shares) {
                sub[j] = sh;
            }
            // The N+1 run goes at a random position among its siblings.
            let run_pos = if run.is_some() { self.rng.range(0, k as i64) as usize } else { usize::MAX };
            for j in 0..k {
                if j == run_pos {
                    items.extend(run);
                }
                let c = match kinds[j] {
                    Role::Client => {
                        let callee = self.rng.pick(&self.services[s as usize].callees);
                        let ep = self.rng.below(self.services[callee as usize].endpoints.len()) as u32;
                        self.add(p, cd, s, Role::Client, Info::Call { callee, ep }, 1 + sub[j])
                    }
                    Role::Producer => {
                        let consumer = self.rng.pick(&self.services[s as usize].callees);
                        let topic = self.rng.pick(&TOPICS);
                        self.add(p, cd, s, Role::Producer, Info::Publish { topic, consumer }, 1 + sub[j])
                    }
                    Role::Internal => {
                        let op = self.rng.pick(&INTERNAL_OPS);
                        self.add(p, cd, s, Role::Internal, Info::Op(op), 1 + sub[j])
                    }
                    leaf => self.leaf(p, cd, s, Some(leaf)),
                };
                if self.nodes[c as usize].size > 1 {
                    stack.push(c);
                }
                items.push(Item::One(c));
            }
            if run_pos == k {
                items.extend(run);
            }
            self.nodes[p as usize].items = items;
        }
    }

    // Time layout: children strictly inside their parent, whole µs. Invariant: dur ≥ MIN_US_PER_SPAN · size,
    // which always leaves room for a sequential layout.
    fn layout(&mut self, root_start: i64, root_dur: i64) {
        self.nodes[0].start = root_start;
        self.nodes[0].dur = root_dur;
        let mut stack = vec![0u32];
        let mut blocks: Vec<(i64, Item, f64)> = Vec::new();
        while let Some(p) = stack.pop() {
            let pn = &self.nodes[p as usize];
            if pn.items.is_empty() {
                continue;
            }
            let (s0, dd, role) = (pn.start, pn.dur, pn.role);
            if matches!(role, Role::Client | Role::Producer) {
                let Item::One(c) = pn.items[0] else { unreachable!() };
                let r = MIN_US_PER_SPAN * self.nodes[c as usize].size as i64;
                let slack = (dd - r) as f64;
                // A consumer may run long after the producer's send, but stays nested.
                let lat = (slack
                    * if role == Role::Client { self.rng.uniform(0.03, 0.25) } else { self.rng.uniform(0.05, 0.6) })
                    as i64;
                let off = (lat as f64 * self.rng.uniform(0.3, 0.7)) as i64;
                self.nodes[c as usize].start = s0 + off;
                self.nodes[c as usize].dur = dd - lat;
                stack.push(c);
                continue;
            }
            blocks.clear();
            let mut rmin_total = 0;
            for &it in &pn.items {
                let w = match it {
                    Item::One(c) => self.nodes[c as usize].size,
                    Item::Run { len, .. } => len,
                };
                let r = MIN_US_PER_SPAN * w as i64;
                blocks.push((r, it, w as f64));
                rmin_total += r;
            }
            if blocks.len() > 1 && self.rng.chance(0.35) {
                for &(r, it, _) in &blocks {
                    let d = r + ((dd - r) as f64 * self.rng.uniform(0.15, 0.9)) as i64;
                    let off = ((dd - d) as f64 * self.rng.unit() * 0.5) as i64;
                    self.place(it, s0 + off, d, &mut stack);
                }
            } else {
                let a = (dd - rmin_total) as f64;
                let busy = self.rng.uniform(0.75, 0.97);
                let k = blocks.len();
                let gw: Vec<f64> = (0..=k).map(|_| self.rng.unit()).collect();
                let gt = gw.iter().sum::<f64>().max(f64::MIN_POSITIVE);
                let free = a * (1.0 - busy);
                let ww: Vec<f64> = blocks.iter().map(|b| b.2 * self.rng.uniform(0.4, 1.6)).collect();
                let wt: f64 = ww.iter().sum();
                let work = a * busy;
                let mut t = s0 + (free * gw[0] / gt) as i64;
                for j in 0..k {
                    let (r, it, _) = blocks[j];
                    let d = r + (work * ww[j] / wt) as i64;
                    self.place(it, t, d, &mut stack);
                    t += d + (free * gw[j + 1] / gt) as i64;
                }
                debug_assert!(t <= s0 + dd);
            }
        }
    }

    fn place(&mut self, it: Item, start: i64, dur: i64, stack: &mut Vec<u32>) {
        let (first, m) = match it {
            Item::One(c) => {
                self.nodes[c as usize].start = start;
                self.nodes[c as usize].dur = dur;
                stack.push(c);
                return;
            }
            Item::Run { first, len } => (first, len),
        };
        // An N+1 run: back-to-back identical calls with tiny gaps.
        let a = (dur - MIN_US_PER_SPAN * m as i64) as f64;
        let busy = self.rng.uniform(0.85, 0.97);
        let per = a * busy / m as f64;
        let gap = a * (1.0 - busy) / m as f64;
        let mut t = start as f64;
        for c in first..first + m {
            let mut d = MIN_US_PER_SPAN + if per > 0.0 { (per * self.rng.uniform(0.6, 1.4)) as i64 } else { 0 };
            if d as f64 > MIN_US_PER_SPAN as f64 + per * 1.4 {
                d = MIN_US_PER_SPAN + per as i64;
            }
            self.nodes[c as usize].start = t as i64;
            self.nodes[c as usize].dur = d;
            t += d as f64 + gap;
        }
        // Clamp the tail where jitter overshot.
        let end = start + dur;
        for c in (first..first + m).rev() {
            let n = &mut self.nodes[c as usize];
            if n.start + n.dur <= end {
                break;
            }
            let over = n.start + n.dur - end;
            n.dur = (n.dur - over).max(1);
            if n.start + n.dur > end {
                n.start = end - n.dur;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Attributes and events
// ---------------------------------------------------------------------------------------------------------------

fn s(v: &'static str) -> AttrValue {
    AttrValue::Str(Cow::Borrowed(v))
}

fn owned(v: String) -> AttrValue {
    AttrValue::Str(Cow::Owned(v))
}

/// How many of `opt` optional attributes to add to `req` required ones (3–10 in all), and which.
fn choose_optional(rng: &mut Rng, req: usize, opt: usize) -> ([u8; 16], usize) {
    let n = rng.range(req.max(3) as i64, 10) as usize;
    rng.sample_small(opt, opt.min(n.saturating_sub(req)))
}

struct AttrCtx<'a> {
    services: &'a [SynthService],
    user_id: &'a str,
    tenant: &'static str,
}

fn span_name_and_attrs(
    rng: &mut Rng,
    cx: &AttrCtx<'_>,
    node: &Node,
    errored: bool,
    out: &mut Vec<SynthAttr>,
) -> Cow<'static, str> {
    let sv = &cx.services[node.svc as usize];
    let user = || owned(cx.user_id.to_string());
    let tenant = || s(cx.tenant);
    let name: Cow<'static, str>;
    let (chosen, k);
    match node.info {
        Info::Serve { ep } => {
            let e = &sv.endpoints[ep as usize];
            name = Cow::Owned(e.name.clone());
            if sv.protocol == Http {
                let status =
                    if errored { rng.pick(&[500, 503]) } else { rng.pick(&[200, 200, 200, 201, 204, 304, 404]) };
                out.push(("http.method", owned(e.a.clone())));
                out.push(("http.route", owned(e.b.clone())));
                out.push(("http.status_code", AttrValue::Int(status)));
                (chosen, k) = choose_optional(rng, 3, 12);
                for &j in &chosen[..k] {
                    out.push(match j {
                        0 => ("http.target", owned(e.b.replace("{id}", &rng.range(1000, 999_999).to_string()))),
                        1 => ("http.scheme", s("https")),
                        2 => ("http.flavor", s("1.1")),
                        3 => ("net.host.name", owned(sv.host.clone())),
                        4 => ("net.host.port", AttrValue::Int(8080)),
                        5 => ("http.user_agent", s(rng.pick(&USER_AGENTS))),
                        6 => ("user.id", user()),
                        7 => ("tenant.id", tenant()),
                        8 => ("http.request_content_length", AttrValue::Int(rng.range(0, 20_000))),
                        9 => ("http.response_content_length", AttrValue::Int(rng.range(50, 200_000))),
                        10 => ("http.client_ip", owned(format!("192.168.{}.{}", rng.range(0, 255), rng.range(1, 254)))),
                        _ => ("request.id", owned(format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()))),
                    });
                }
            } else {
                let code = if errored { rng.pick(&[2, 4, 13, 14]) } else { 0 };
                out.push(("rpc.system", s("grpc")));
                out.push(("rpc.service", owned(e.a.clone())));
                out.push(("rpc.method", owned(e.b.clone())));
                out.push(("rpc.grpc.status_code", AttrValue::Int(code)));
                (chosen, k) = choose_optional(rng, 4, 7);
                for &j in &chosen[..k] {
                    out.push(match j {
                        0 => (
                            "net.peer.ip",
                            owned(format!("10.{}.{}.{}", rng.range(0, 255), rng.range(0, 255), rng.range(2, 254))),
                        ),
                        1 => ("net.host.name", owned(sv.host.clone())),
                        2 => ("user.id", user()),
                        3 => ("tenant.id", tenant()),
                        4 => ("rpc.request.size", AttrValue::Int(rng.range(20, 50_000))),
                        5 => ("rpc.response.size", AttrValue::Int(rng.range(20, 500_000))),
                        _ => ("thread.name", owned(format!("grpc-default-executor-{}", rng.range(0, 63)))),
                    });
                }
            }
        }
        Info::Call { callee, ep } => {
            let cs = &cx.services[callee as usize];
            let e = &cs.endpoints[ep as usize];
            if cs.protocol == Http {
                name = Cow::Owned(e.name.clone());
                let url =
                    format!("http://{}:8080{}", cs.name, e.b.replace("{id}", &rng.range(1000, 999_999).to_string()));
                let status =
                    if errored { rng.pick(&[500, 502, 503, 504]) } else { rng.pick(&[200, 200, 201, 204, 404]) };
                out.push(("http.method", owned(e.a.clone())));
                out.push(("http.url", owned(url)));
                out.push(("http.status_code", AttrValue::Int(status)));
                out.push(("peer.service", s(cs.name)));
                (chosen, k) = choose_optional(rng, 4, 5);
                for &j in &chosen[..k] {
                    out.push(match j {
                        0 => ("net.peer.name", s(cs.name)),
                        1 => ("net.peer.port", AttrValue::Int(8080)),
                        2 => ("http.retry_count", AttrValue::Int(rng.range(0, 2))),
                        3 => ("user.id", user()),
                        _ => ("http.request_content_length", AttrValue::Int(rng.range(0, 20_000))),
                    });
                }
            } else {
                name = Cow::Owned(e.name.clone());
                out.push(("rpc.system", s("grpc")));
                out.push(("rpc.service", owned(e.a.clone())));
                out.push(("rpc.method", owned(e.b.clone())));
                out.push(("peer.service", s(cs.name)));
                (chosen, k) = choose_optional(rng, 4, 5);
                for &j in &chosen[..k] {
                    out.push(match j {
                        0 => ("net.peer.name", s(cs.name)),
                        1 => ("net.peer.port", AttrValue::Int(50051)),
                        2 => ("rpc.grpc.status_code", AttrValue::Int(if errored { rng.pick(&[4, 14]) } else { 0 })),
                        3 => ("user.id", user()),
                        _ => ("rpc.request.size", AttrValue::Int(rng.range(20, 50_000))),
                    });
                }
            }
        }
        Info::Db { table, stmt } => {
            let db = sv.database.unwrap_or("postgresql");
            let (op, statement) = match stmt {
                0 => ("SELECT", format!("SELECT * FROM {table} WHERE id = ?")),
                1 => (
                    "SELECT",
                    format!("SELECT id, status, updated_at FROM {table} WHERE owner_id = ? ORDER BY updated_at DESC LIMIT 50"),
                ),
                2 => ("UPDATE", format!("UPDATE {table} SET status = ?, updated_at = now() WHERE id = ?")),
                3 => ("INSERT", format!("INSERT INTO {table} (id, owner_id, payload, created_at) VALUES (?, ?, ?, now())")),
                _ => ("SELECT", format!("SELECT * FROM {table} WHERE parent_id = ?")),
            };
            name = Cow::Owned(format!("{op} {}.{table}", sv.db_name));
            out.push(("db.system", s(db)));
            out.push(("db.statement", owned(statement)));
            out.push(("db.operation", s(op)));
            (chosen, k) = choose_optional(rng, 3, 7);
            for &j in &chosen[..k] {
                out.push(match j {
                    0 => ("db.name", owned(sv.db_name.clone())),
                    1 => ("db.sql.table", s(table)),
                    2 => ("net.peer.name", owned(format!("{db}-{}.db.internal", sv.db_name))),
                    3 => ("net.peer.port", AttrValue::Int(if db == "postgresql" { 5432 } else { 3306 })),
                    4 => ("db.user", owned(format!("{}_app", short_name(sv.name)))),
                    5 => ("db.rows_returned", AttrValue::Int(rng.range(0, 200))),
                    _ => ("db.connection_pool.wait_ms", AttrValue::Float(round3(rng.skewed(0.5)))),
                });
            }
        }
        Info::Cache { op, key } => {
            name = Cow::Borrowed(op);
            out.push(("db.system", s("redis")));
            out.push(("db.operation", s(op)));
            out.push(("db.statement", owned(format!("{op} {key}:{}", rng.range(1, 999_999)))));
            (chosen, k) = choose_optional(rng, 3, 5);
            for &j in &chosen[..k] {
                out.push(match j {
                    0 => ("net.peer.name", owned(format!("redis-{}.cache.internal", short_name(sv.name)))),
                    1 => ("net.peer.port", AttrValue::Int(6379)),
                    2 => ("db.redis.database_index", AttrValue::Int(rng.range(0, 3))),
                    3 => ("cache.hit", AttrValue::Bool(rng.chance(0.8))),
                    _ => ("db.response_bytes", AttrValue::Int(rng.range(10, 8000))),
                });
            }
        }
        Info::Publish { topic, .. } => {
            name = Cow::Owned(format!("{topic} publish"));
            out.push(("messaging.system", s("kafka")));
            out.push(("messaging.destination.name", s(topic)));
            out.push(("messaging.operation", s("publish")));
            (chosen, k) = choose_optional(rng, 3, 5);
            for &j in &chosen[..k] {
                out.push(match j {
                    0 => ("messaging.kafka.partition", AttrValue::Int(rng.range(0, 23))),
                    1 => ("messaging.message.id", owned(format!("{:016x}", rng.next_u64()))),
                    2 => ("net.peer.name", owned(format!("kafka-{}.broker.internal", rng.range(0, 5)))),
                    3 => ("messaging.message.payload_size_bytes", AttrValue::Int(rng.range(100, 60_000))),
                    _ => ("user.id", user()),
                });
            }
        }
        Info::Consume { topic } => {
            name = Cow::Owned(format!("{topic} process"));
            out.push(("messaging.system", s("kafka")));
            out.push(("messaging.destination.name", s(topic)));
            out.push(("messaging.operation", s("process")));
            (chosen, k) = choose_optional(rng, 3, 5);
            for &j in &chosen[..k] {
                out.push(match j {
                    0 => ("messaging.kafka.consumer.group", owned(format!("{}-consumers", sv.name))),
                    1 => ("messaging.kafka.partition", AttrValue::Int(rng.range(0, 23))),
                    2 => ("messaging.kafka.message.offset", AttrValue::Int(rng.range(1, 90_000_000))),
                    3 => ("messaging.message.payload_size_bytes", AttrValue::Int(rng.range(100, 60_000))),
                    _ => ("tenant.id", tenant()),
                });
            }
        }
        Info::Op(op) => {
            name = Cow::Borrowed(op);
            out.push(("code.function", owned(op.replace('-', "_"))));
            out.push(("code.namespace", s(rng.pick(&CODE_NAMESPACES))));
            out.push(("thread.id", AttrValue::Int(rng.range(1, 512))));
            (chosen, k) = choose_optional(rng, 3, 7);
            for &j in &chosen[..k] {
                out.push(match j {
                    0 => ("thread.name", owned(format!("worker-{}", rng.range(0, 31)))),
                    1 => ("app.items_count", AttrValue::Int(rng.range(0, 500))),
                    2 => ("app.cart.total", AttrValue::Float(round2(rng.uniform(1.0, 2500.0)))),
                    3 => ("user.id", user()),
                    4 => ("tenant.id", tenant()),
                    5 => ("app.cache_enabled", AttrValue::Bool(rng.chance(0.5))),
                    _ => ("app.batch.size", AttrValue::Int(rng.pick(&[16, 32, 64, 128]))),
                });
            }
        }
    }
    name
}

fn error_for(rng: &mut Rng, role: Role) -> ErrorSpec {
    match role {
        Role::Db => rng.pick(&DB_ERRORS),
        Role::Cache => rng.pick(&CACHE_ERRORS),
        Role::Client | Role::Server => rng.pick(&RPC_ERRORS),
        Role::Producer | Role::Consumer => rng.pick(&MSG_ERRORS),
        Role::Internal => rng.pick(&INTERNAL_ERRORS),
    }
}

fn gen_events(rng: &mut Rng, start: i64, dur: i64, out: &mut Vec<SynthEvent>) {
    for _ in 0..rng.pick(&[1, 1, 1, 2, 3]) {
        let (name, fields) = rng.pick(&EVENT_SPECS);
        let time_us = start + (dur as f64 * rng.unit()) as i64;
        let attributes = fields
            .iter()
            .map(|&(k, t)| {
                let v = match t {
                    FieldType::Int => AttrValue::Int(rng.range(1, 5)),
                    FieldType::Float => AttrValue::Float(round3(rng.skewed(5.0))),
                    FieldType::Str => {
                        let i = rng.below(5);
                        if i < 4 {
                            s(STAGES[i])
                        } else {
                            owned(format!("k{:05}", rng.range(0, 99_999)))
                        }
                    }
                };
                (k, v)
            })
            .collect();
        out.push(SynthEvent { time_us, name, attributes });
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------------------------

/// `k` distinct indices of `0..n`, as a membership mask.
fn sample_mask(rng: &mut Rng, n: usize, k: usize) -> Vec<bool> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let mut mask = vec![false; n];
    for i in 0..k {
        let j = i + rng.below(n - i);
        idx.swap(i, j);
        mask[idx[i] as usize] = true;
    }
    mask
}

/// round(n · 1%), halves up.
fn one_percent(n: usize) -> usize {
    (n + 50) / 100
}

/// Builds one trace. Panics when `opts.spans` is 0 or `opts.max_depth` < 3.
pub fn generate(opts: &SynthOptions) -> SynthTrace {
    assert!(opts.spans >= 1, "at least one span");
    assert!(opts.max_depth >= 3, "max_depth must be at least 3");
    assert!(opts.spans <= u32::MAX as usize / 2, "too many spans");
    let n = opts.spans;
    let mut rng = Rng::new(opts.seed);
    let n_services =
        if opts.services == 0 { rng.range(10, 20) as usize } else { opts.services.clamp(2, SERVICE_POOL.len()) };
    let services = build_services(&mut rng, n_services);

    let mut tree =
        Tree { rng: &mut rng, services: &services, nodes: Vec::with_capacity(n), runs: Vec::new(), loops: Vec::new() };
    tree.build(n as u32, opts.max_depth, opts.n1_prob);
    assert_eq!(tree.nodes.len(), n);
    let root_start = BASE_EPOCH_US + tree.rng.range(0, 86_400_000_000);
    let root_dur = (MIN_US_PER_SPAN * n as i64 * 4)
        .max((n as f64 * tree.rng.uniform(120.0, 250.0)) as i64 + tree.rng.range(20_000, 80_000));
    tree.layout(root_start, root_dur);
    let Tree { nodes, runs, loops, .. } = tree;

    // Pre-order, children by (start, creation order).
    let mut kids_at = vec![0u32; n + 1];
    for nd in &nodes[1..] {
        kids_at[nd.parent as usize + 1] += 1;
    }
    for i in 0..n {
        kids_at[i + 1] += kids_at[i];
    }
    let mut fill = kids_at.clone();
    let mut kids = vec![0u32; n.saturating_sub(1)];
    for (i, nd) in nodes.iter().enumerate().skip(1) {
        let p = nd.parent as usize;
        kids[fill[p] as usize] = i as u32;
        fill[p] += 1;
    }
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![0u32];
    while let Some(p) = stack.pop() {
        order.push(p);
        let ks = &mut kids[kids_at[p as usize] as usize..kids_at[p as usize + 1] as usize];
        ks.sort_by_key(|&c| (nodes[c as usize].start, c));
        stack.extend(ks.iter().rev());
    }
    let mut pos = vec![0u32; n];
    for (i, &o) in order.iter().enumerate() {
        pos[o as usize] = i as u32;
    }

    // Ids: a bijective mix of a seeded counter, so distinct by construction (zero skipped).
    let trace_id = ((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) | 1;
    let id_base = rng.next_u64();
    let mut extra = n as u64;
    let mut ids = Vec::with_capacity(n);
    for i in 0..n as u64 {
        let mut id = mix64(id_base.wrapping_add(i));
        while id == 0 {
            id = mix64(id_base.wrapping_add(extra));
            extra += 1;
        }
        ids.push(id);
    }
    let errors = sample_mask(&mut rng, n, one_percent(n));
    let canary = sample_mask(&mut rng, n, one_percent(n));
    let user_id = format!("user-{:06}", rng.range(1, 999_999));
    let tenant = rng.pick(&TENANTS);
    let cx = AttrCtx { services: &services, user_id: &user_id, tenant };

    // Spans in pre-order; the random draws follow that order.
    let mut spans = Vec::with_capacity(n);
    for (i, &o) in order.iter().enumerate() {
        let nd = &nodes[o as usize];
        let errored = errors[i];
        let mut attributes = Vec::with_capacity(11);
        let name = span_name_and_attrs(&mut rng, &cx, nd, errored, &mut attributes);
        if canary[i] {
            if attributes.len() >= 10 {
                attributes.pop(); // keep 3–10 attributes
            }
            attributes.push(("app.release.channel", s("canary")));
        }
        let mut events = Vec::new();
        if rng.chance(0.05) {
            gen_events(&mut rng, nd.start, nd.dur, &mut events);
        }
        let mut error = None;
        if errored {
            let (etype, msg) = error_for(&mut rng, nd.role);
            error = Some(msg);
            let func = name.split(' ').next().unwrap_or("").replace('/', ".");
            let trace =
                format!("{etype}: {msg}\n\tat {}.{func}(Handler:{})", rng.pick(&CODE_NAMESPACES), rng.range(20, 900));
            events.push(SynthEvent {
                time_us: nd.start + (nd.dur as f64 * rng.uniform(0.5, 1.0)) as i64,
                name: "exception",
                attributes: vec![
                    ("exception.type", s(etype)),
                    ("exception.message", s(msg)),
                    ("exception.stacktrace", owned(trace)),
                ],
            });
        }
        events.sort_by_key(|e| e.time_us);
        spans.push(SynthSpan {
            id: ids[i],
            parent: (nd.parent != NONE).then(|| pos[nd.parent as usize]),
            depth: nd.depth,
            service: nd.svc,
            role: nd.role,
            peer: match nd.info {
                Info::Call { callee, .. } => Some(callee),
                _ => None,
            },
            name,
            start_us: nd.start,
            duration_us: nd.dur,
            attributes,
            events,
            error,
        });
    }

    let sites = |list: &[(u32, u32, u32)], merge: bool| {
        let mut out: Vec<RepeatSite> = Vec::new();
        for &(p, first, len) in list {
            let parent = pos[p as usize];
            let child = &spans[pos[first as usize] as usize];
            if merge {
                if let Some(site) = out.iter_mut().find(|x| x.parent == parent && x.child_name == child.name) {
                    site.count += len;
                    continue;
                }
            }
            out.push(RepeatSite {
                parent,
                parent_span_id: spans[parent as usize].id,
                child_name: child.name.to_string(),
                child_role: child.role,
                count: len,
            });
        }
        out.sort_by_key(|x| x.parent);
        out
    };
    let n_plus_one = sites(&runs, true);
    let loops = sites(&loops, false);
    SynthTrace { trace_id, services, spans, n_plus_one, loops, zipkin_shared: opts.zipkin_shared }
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------------------------------

/// The shape of a generated trace (the CLI prints it with `--stats`).
#[derive(Clone, Debug, PartialEq)]
pub struct SynthStats {
    pub spans: usize,
    pub services: usize,
    pub services_used: usize,
    /// Levels (a lone root is 1).
    pub depth: u32,
    pub duration_us: i64,
    /// Spans per level, level 1 first.
    pub depth_histogram: Vec<usize>,
    /// Non-leaf spans by child count 1..=8, then > 8.
    pub fanout_histogram: [usize; 9],
    pub max_fanout: usize,
    pub n_plus_one_sites: usize,
    pub spans_in_n_plus_one: usize,
    pub longest_n_plus_one: u32,
    pub loops: usize,
    pub roles: Vec<(Role, usize)>,
    pub errors: usize,
    pub canary: usize,
    pub events: usize,
    pub attributes: usize,
    /// Children not inside their parent (always 0).
    pub nesting_violations: usize,
}

impl SynthTrace {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn trace_id_hex(&self) -> String {
        format!("{:032x}", self.trace_id)
    }

    /// Exactly round(1%) of the spans.
    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|s| s.error.is_some()).count()
    }

    /// Services that have spans.
    pub fn services_used(&self) -> usize {
        let mut used = vec![false; self.services.len()];
        for s in &self.spans {
            used[s.service as usize] = true;
        }
        used.iter().filter(|&&u| u).count()
    }

    /// Levels of the deepest span (a lone root is 1).
    pub fn depth(&self) -> u32 {
        self.spans.iter().map(|s| s.depth + 1).max().unwrap_or(0)
    }

    pub fn stats(&self) -> SynthStats {
        let n = self.spans.len();
        let mut kids = vec![0usize; n];
        let mut bad = 0;
        for s in &self.spans {
            if let Some(p) = s.parent {
                kids[p as usize] += 1;
                let ps = &self.spans[p as usize];
                if s.start_us < ps.start_us
                    || s.start_us + s.duration_us > ps.start_us + ps.duration_us
                    || s.duration_us < 1
                {
                    bad += 1;
                }
            }
        }
        let depth = self.depth();
        let mut depth_histogram = vec![0; depth as usize];
        for s in &self.spans {
            depth_histogram[s.depth as usize] += 1;
        }
        let mut fanout_histogram = [0; 9];
        for &k in kids.iter().filter(|&&k| k > 0) {
            fanout_histogram[k.min(9) - 1] += 1;
        }
        let roles = Role::ALL.iter().map(|&r| (r, self.spans.iter().filter(|s| s.role == r).count())).collect();
        SynthStats {
            spans: n,
            services: self.services.len(),
            services_used: self.services_used(),
            depth,
            duration_us: self.spans.first().map_or(0, |s| s.duration_us),
            depth_histogram,
            fanout_histogram,
            max_fanout: kids.iter().copied().max().unwrap_or(0),
            n_plus_one_sites: self.n_plus_one.len(),
            spans_in_n_plus_one: self.n_plus_one.iter().map(|x| x.count as usize).sum(),
            longest_n_plus_one: self.n_plus_one.iter().map(|x| x.count).max().unwrap_or(0),
            loops: self.loops.len(),
            roles,
            errors: self.error_count(),
            canary: self.spans.iter().filter(|s| s.attributes.iter().any(|a| a.0 == "app.release.channel")).count(),
            events: self.spans.iter().map(|s| s.events.len()).sum(),
            attributes: self.spans.iter().map(|s| s.attributes.len()).sum(),
            nesting_violations: bad,
        }
    }
}

impl fmt::Display for SynthStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "spans {}  services {} (used {})  depth {}  duration {:.3} s",
            self.spans,
            self.services,
            self.services_used,
            self.depth,
            self.duration_us as f64 / 1e6
        )?;
        write!(f, "depth histogram (level:spans)")?;
        for (l, c) in self.depth_histogram.iter().enumerate() {
            write!(f, " {}:{c}", l + 1)?;
        }
        write!(f, "\nfan-out of non-leaf spans")?;
        for (k, c) in self.fanout_histogram.iter().enumerate() {
            if k < 8 {
                write!(f, " {}:{c}", k + 1)?;
            } else {
                write!(f, " >8:{c}")?;
            }
        }
        writeln!(f, "  max {}", self.max_fanout)?;
        writeln!(
            f,
            "N+1 sites {}, spans in them {} ({:.1}%), longest {}; loops {}",
            self.n_plus_one_sites,
            self.spans_in_n_plus_one,
            100.0 * self.spans_in_n_plus_one as f64 / self.spans.max(1) as f64,
            self.longest_n_plus_one,
            self.loops
        )?;
        write!(f, "span roles")?;
        for (r, c) in &self.roles {
            write!(f, " {}:{c}", r.as_str())?;
        }
        writeln!(
            f,
            "\nattributes {} ({:.2}/span), events {}, error spans {}, canary spans {}, nesting violations {}",
            self.attributes,
            self.attributes as f64 / self.spans.max(1) as f64,
            self.events,
            self.errors,
            self.canary,
            self.nesting_violations
        )
    }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON writing
// ---------------------------------------------------------------------------------------------------------------

/// A byte buffer with the few JSON primitives the writers need.
struct Out {
    b: Vec<u8>,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Out {
    fn raw(&mut self, s: &str) {
        self.b.extend_from_slice(s.as_bytes());
    }

    /// A JSON string literal.
    fn str(&mut self, s: &str) {
        self.b.push(b'"');
        let bytes = s.as_bytes();
        let mut from = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.b.extend_from_slice(&bytes[from..i]);
            if esc.is_empty() {
                self.b.extend_from_slice(b"\\u00");
                self.b.push(HEX[(c >> 4) as usize]);
                self.b.push(HEX[(c & 15) as usize]);
            } else {
                self.b.extend_from_slice(esc);
            }
            from = i + 1;
        }
        self.b.extend_from_slice(&bytes[from..]);
        self.b.push(b'"');
    }

    fn key(&mut self, k: &str) {
        self.str(k);
        self.b.push(b':');
    }

    fn int(&mut self, v: i64) {
        if v < 0 {
            self.b.push(b'-');
        }
        let mut x = v.unsigned_abs();
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (x % 10) as u8;
            x /= 10;
            if x == 0 {
                break;
            }
        }
        self.b.extend_from_slice(&buf[i..]);
    }

    fn quoted_int(&mut self, v: i64) {
        self.b.push(b'"');
        self.int(v);
        self.b.push(b'"');
    }

    fn float(&mut self, v: f64) {
        // Shortest round-trip form, always with a '.' or an exponent (so it reads back as a float).
        let _ = write!(self.b, "{v:?}");
    }

    fn hex(&mut self, v: u128, digits: u32) {
        self.b.push(b'"');
        for k in (0..digits).rev() {
            self.b.push(HEX[((v >> (4 * k)) & 15) as usize]);
        }
        self.b.push(b'"');
    }

    fn comma_unless_first(&mut self, first: &mut bool) {
        if !*first {
            self.b.push(b',');
        }
        *first = false;
    }
}

fn zipkin_text(v: &AttrValue) -> Cow<'_, str> {
    match v {
        AttrValue::Str(s) => Cow::Borrowed(s),
        AttrValue::Int(i) => Cow::Owned(i.to_string()),
        AttrValue::Float(x) => Cow::Owned(format!("{x:?}")),
        AttrValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
    }
}

impl SynthTrace {
    /// The trace as a document of `format` (compact JSON, spans in pre-order).
    pub fn to_json(&self, format: Format) -> Vec<u8> {
        let per_span = match format {
            Format::Jaeger => 900,
            Format::Otlp => 800,
            Format::Zipkin => 600,
            Format::Console => 1600,
        };
        let mut o = Out { b: Vec::with_capacity(self.spans.len() * per_span + 4096) };
        match format {
            Format::Jaeger => self.write_jaeger(&mut o),
            Format::Otlp => self.write_otlp(&mut o),
            Format::Zipkin => self.write_zipkin(&mut o),
            Format::Console => self.write_stdouttrace(&mut o),
        }
        o.b
    }

    fn used(&self) -> Vec<bool> {
        let mut used = vec![false; self.services.len()];
        for s in &self.spans {
            used[s.service as usize] = true;
        }
        used
    }

    fn write_jaeger(&self, o: &mut Out) {
        fn kv(o: &mut Out, k: &str, v: &AttrValue) {
            o.raw("{\"key\":");
            o.str(k);
            match v {
                AttrValue::Str(s) => {
                    o.raw(",\"type\":\"string\",\"value\":");
                    o.str(s);
                }
                AttrValue::Int(i) => {
                    o.raw(",\"type\":\"int64\",\"value\":");
                    o.int(*i);
                }
                AttrValue::Float(x) => {
                    o.raw(",\"type\":\"float64\",\"value\":");
                    o.float(*x);
                }
                AttrValue::Bool(b) => {
                    o.raw(",\"type\":\"bool\",\"value\":");
                    o.raw(if *b { "true" } else { "false" });
                }
            }
            o.raw("}");
        }
        fn skv(o: &mut Out, k: &str, v: &str) {
            o.raw("{\"key\":");
            o.str(k);
            o.raw(",\"type\":\"string\",\"value\":");
            o.str(v);
            o.raw("}");
        }
        o.raw("{\"data\":[{\"traceID\":");
        o.hex(self.trace_id, 32);
        o.raw(",\"spans\":[");
        for (i, sp) in self.spans.iter().enumerate() {
            if i > 0 {
                o.raw(",");
            }
            o.raw("{\"traceID\":");
            o.hex(self.trace_id, 32);
            o.raw(",\"spanID\":");
            o.hex(sp.id as u128, 16);
            o.raw(",\"flags\":1,\"operationName\":");
            o.str(&sp.name);
            o.raw(",\"references\":[");
            if let Some(p) = sp.parent {
                o.raw("{\"refType\":\"CHILD_OF\",\"traceID\":");
                o.hex(self.trace_id, 32);
                o.raw(",\"spanID\":");
                o.hex(self.spans[p as usize].id as u128, 16);
                o.raw("}");
            }
            o.raw("],\"startTime\":");
            o.int(sp.start_us);
            o.raw(",\"duration\":");
            o.int(sp.duration_us);
            o.raw(",\"tags\":[");
            for (k, v) in &sp.attributes {
                kv(o, k, v);
                o.raw(",");
            }
            skv(o, "span.kind", sp.role.kind_name());
            if let Some(msg) = sp.error {
                o.raw(",{\"key\":\"error\",\"type\":\"bool\",\"value\":true},");
                skv(o, "otel.status_code", "ERROR");
                o.raw(",");
                skv(o, "otel.status_description", msg);
            }
            o.raw("],\"logs\":[");
            for (j, e) in sp.events.iter().enumerate() {
                if j > 0 {
                    o.raw(",");
                }
                o.raw("{\"timestamp\":");
                o.int(e.time_us);
                o.raw(",\"fields\":[");
                skv(o, "event", e.name);
                for (k, v) in &e.attributes {
                    o.raw(",");
                    kv(o, k, v);
                }
                o.raw("]}");
            }
            o.raw("],\"processID\":\"p");
            o.int(sp.service as i64 + 1);
            o.raw("\",\"warnings\":null}");
        }
        // Go's key order: processes after the spans that name them.
        o.raw("],\"processes\":{");
        let mut first = true;
        for (i, (sv, used)) in self.services.iter().zip(self.used()).enumerate() {
            if !used {
                continue;
            }
            o.comma_unless_first(&mut first);
            o.raw("\"p");
            o.int(i as i64 + 1);
            o.raw("\":{\"serviceName\":");
            o.str(sv.name);
            o.raw(",\"tags\":[");
            skv(o, "hostname", &sv.host);
            o.raw(",");
            skv(o, "ip", &sv.ip);
            o.raw(",");
            skv(o, "service.version", &sv.version);
            o.raw(",");
            skv(o, "telemetry.sdk.language", sv.language);
            o.raw(",");
            skv(o, "telemetry.sdk.name", "opentelemetry");
            o.raw(",");
            skv(o, "telemetry.sdk.version", "1.24.0");
            o.raw("]}");
        }
        o.raw("},\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n");
    }

    fn write_otlp(&self, o: &mut Out) {
        fn kv(o: &mut Out, k: &str, v: &AttrValue) {
            o.raw("{\"key\":");
            o.str(k);
            match v {
                AttrValue::Str(s) => {
                    o.raw(",\"value\":{\"stringValue\":");
                    o.str(s);
                }
                AttrValue::Int(i) => {
                    o.raw(",\"value\":{\"intValue\":"); // int64 → JSON string (proto3 JSON mapping)
                    o.quoted_int(*i);
                }
                AttrValue::Float(x) => {
                    o.raw(",\"value\":{\"doubleValue\":");
                    o.float(*x);
                }
                AttrValue::Bool(b) => {
                    o.raw(",\"value\":{\"boolValue\":");
                    o.raw(if *b { "true" } else { "false" });
                }
            }
            o.raw("}}");
        }
        let mut by_service: Vec<Vec<u32>> = vec![Vec::new(); self.services.len()];
        for (i, sp) in self.spans.iter().enumerate() {
            by_service[sp.service as usize].push(i as u32);
        }
        o.raw("{\"resourceSpans\":[");
        let mut first = true;
        for (sv, spans) in self.services.iter().zip(&by_service) {
            if spans.is_empty() {
                continue;
            }
            o.comma_unless_first(&mut first);
            o.raw("{\"resource\":{\"attributes\":[");
            let res: [(&str, &str); 6] = [
                ("service.name", sv.name),
                ("service.version", &sv.version),
                ("host.name", &sv.host),
                ("telemetry.sdk.language", sv.language),
                ("telemetry.sdk.name", "opentelemetry"),
                ("telemetry.sdk.version", "1.24.0"),
            ];
            for (j, (k, v)) in res.iter().enumerate() {
                if j > 0 {
                    o.raw(",");
                }
                o.raw("{\"key\":");
                o.str(k);
                o.raw(",\"value\":{\"stringValue\":");
                o.str(v);
                o.raw("}}");
            }
            o.raw("]},\"scopeSpans\":[{\"scope\":{\"name\":");
            o.str(&format!("io.opentelemetry.{}", sv.language));
            o.raw(",\"version\":\"1.24.0\"},\"spans\":[");
            for (j, &i) in spans.iter().enumerate() {
                let sp = &self.spans[i as usize];
                if j > 0 {
                    o.raw(",");
                }
                o.raw("{\"traceId\":");
                o.hex(self.trace_id, 32);
                o.raw(",\"spanId\":");
                o.hex(sp.id as u128, 16);
                o.raw(",\"parentSpanId\":");
                match sp.parent {
                    Some(p) => o.hex(self.spans[p as usize].id as u128, 16),
                    None => o.raw("\"\""),
                }
                o.raw(",\"flags\":1,\"name\":");
                o.str(&sp.name);
                o.raw(",\"kind\":");
                o.int(sp.role.otlp_kind() as i64);
                o.raw(",\"startTimeUnixNano\":");
                o.quoted_int(sp.start_us * 1000);
                o.raw(",\"endTimeUnixNano\":");
                o.quoted_int((sp.start_us + sp.duration_us) * 1000);
                o.raw(",\"attributes\":[");
                for (a, (k, v)) in sp.attributes.iter().enumerate() {
                    if a > 0 {
                        o.raw(",");
                    }
                    kv(o, k, v);
                }
                o.raw("],\"events\":[");
                for (e_i, e) in sp.events.iter().enumerate() {
                    if e_i > 0 {
                        o.raw(",");
                    }
                    o.raw("{\"timeUnixNano\":");
                    o.quoted_int(e.time_us * 1000);
                    o.raw(",\"name\":");
                    o.str(e.name);
                    o.raw(",\"attributes\":[");
                    for (a, (k, v)) in e.attributes.iter().enumerate() {
                        if a > 0 {
                            o.raw(",");
                        }
                        kv(o, k, v);
                    }
                    o.raw("]}");
                }
                o.raw("],\"status\":{");
                if let Some(msg) = sp.error {
                    o.raw("\"code\":2,\"message\":");
                    o.str(msg);
                }
                o.raw("}}");
            }
            o.raw("]}]}");
        }
        o.raw("]}\n");
    }

    /// The Go SDK's `stdouttrace` output without pretty-printing: one span object per line, children before
    /// their parents as spans end.
    fn write_stdouttrace(&self, o: &mut Out) {
        fn kvs(o: &mut Out, attrs: &[SynthAttr]) {
            o.raw("[");
            for (j, (k, v)) in attrs.iter().enumerate() {
                if j > 0 {
                    o.raw(",");
                }
                o.raw("{\"Key\":");
                o.str(k);
                match v {
                    AttrValue::Str(s) => {
                        o.raw(",\"Value\":{\"Type\":\"STRING\",\"Value\":");
                        o.str(s);
                    }
                    AttrValue::Int(i) => {
                        o.raw(",\"Value\":{\"Type\":\"INT64\",\"Value\":");
                        o.int(*i);
                    }
                    AttrValue::Float(x) => {
                        o.raw(",\"Value\":{\"Type\":\"FLOAT64\",\"Value\":");
                        o.float(*x);
                    }
                    AttrValue::Bool(b) => {
                        o.raw(",\"Value\":{\"Type\":\"BOOL\",\"Value\":");
                        o.raw(if *b { "true" } else { "false" });
                    }
                }
                o.raw("}}");
            }
            o.raw("]");
        }
        fn time(o: &mut Out, us: i64) {
            o.str(&crate::backend::rfc3339_from_timestamp(crate::time::TimestampNs::from_us(us)));
        }
        let context = |o: &mut Out, span_id: u64| {
            o.raw("{\"TraceID\":");
            o.hex(if span_id == 0 { 0 } else { self.trace_id }, 32);
            o.raw(",\"SpanID\":");
            o.hex(span_id as u128, 16);
            o.raw(if span_id == 0 { ",\"TraceFlags\":\"00\"" } else { ",\"TraceFlags\":\"01\"" });
            o.raw(",\"TraceState\":\"\",\"Remote\":false}");
        };
        for sp in self.spans.iter().rev() {
            let sv = &self.services[sp.service as usize];
            o.raw("{\"Name\":");
            o.str(&sp.name);
            o.raw(",\"SpanContext\":");
            context(o, sp.id);
            o.raw(",\"Parent\":");
            context(o, sp.parent.map_or(0, |p| self.spans[p as usize].id));
            o.raw(",\"SpanKind\":");
            o.int(sp.role.otlp_kind() as i64);
            o.raw(",\"StartTime\":");
            time(o, sp.start_us);
            o.raw(",\"EndTime\":");
            time(o, sp.start_us + sp.duration_us);
            o.raw(",\"Attributes\":");
            kvs(o, &sp.attributes);
            o.raw(",\"Events\":");
            if sp.events.is_empty() {
                o.raw("null");
            } else {
                o.raw("[");
                for (j, e) in sp.events.iter().enumerate() {
                    if j > 0 {
                        o.raw(",");
                    }
                    o.raw("{\"Name\":");
                    o.str(e.name);
                    o.raw(",\"Attributes\":");
                    kvs(o, &e.attributes);
                    o.raw(",\"DroppedAttributeCount\":0,\"Time\":");
                    time(o, e.time_us);
                    o.raw("}");
                }
                o.raw("]");
            }
            o.raw(",\"Links\":null,\"Status\":");
            match sp.error {
                Some(msg) => {
                    o.raw("{\"Code\":\"Error\",\"Description\":");
                    o.str(msg);
                    o.raw("}");
                }
                None => o.raw("{\"Code\":\"Unset\",\"Description\":\"\"}"),
            }
            o.raw(",\"DroppedAttributes\":0,\"DroppedEvents\":0,\"DroppedLinks\":0,\"ChildSpanCount\":0");
            o.raw(",\"Resource\":[{\"Key\":\"service.name\",\"Value\":{\"Type\":\"STRING\",\"Value\":");
            o.str(sv.name);
            o.raw("}},{\"Key\":\"host.name\",\"Value\":{\"Type\":\"STRING\",\"Value\":");
            o.str(&sv.host);
            o.raw("}}],\"InstrumentationScope\":{\"Name\":");
            o.str(&format!("io.opentelemetry.{}", sv.language));
            o.raw(",\"Version\":\"\",\"SchemaURL\":\"\"}}\n");
        }
    }

    /// With `zipkin_shared`, the server half of an RPC carries its client's id.
    fn zipkin_id(&self, i: usize) -> u64 {
        let sp = &self.spans[i];
        match sp.parent {
            Some(p) if self.zipkin_shared && self.is_shared_server(i) => self.spans[p as usize].id,
            _ => sp.id,
        }
    }

    fn is_shared_server(&self, i: usize) -> bool {
        let sp = &self.spans[i];
        sp.role == Role::Server && sp.parent.is_some_and(|p| self.spans[p as usize].role == Role::Client)
    }

    fn write_zipkin(&self, o: &mut Out) {
        o.raw("[");
        let mut tag_buf = String::new();
        for (i, sp) in self.spans.iter().enumerate() {
            let sv = &self.services[sp.service as usize];
            if i > 0 {
                o.raw(",");
            }
            let shared = self.zipkin_shared && self.is_shared_server(i);
            o.raw("{\"traceId\":");
            o.hex(self.trace_id, 32);
            o.raw(",\"id\":");
            o.hex(self.zipkin_id(i) as u128, 16);
            // A shared server half names its client's parent, as B3 propagation does.
            let parent = if shared { self.spans[sp.parent.unwrap_or(0) as usize].parent } else { sp.parent };
            if let Some(p) = parent {
                o.raw(",\"parentId\":");
                o.hex(self.zipkin_id(p as usize) as u128, 16);
            }
            if let Some(k) = sp.role.zipkin_kind() {
                o.raw(",\"kind\":\"");
                o.raw(k);
                o.raw("\"");
            }
            o.raw(",\"name\":");
            o.str(&sp.name.to_lowercase());
            o.raw(",\"timestamp\":");
            o.int(sp.start_us);
            o.raw(",\"duration\":");
            o.int(sp.duration_us);
            if shared {
                o.raw(",\"shared\":true");
            }
            o.raw(",\"localEndpoint\":{\"serviceName\":");
            o.str(sv.name);
            o.raw(",\"ipv4\":");
            o.str(&sv.ip);
            o.raw("}");
            match sp.role {
                Role::Client => {
                    o.raw(",\"remoteEndpoint\":{\"serviceName\":");
                    o.str(sp.peer.map_or("unknown", |p| self.services[p as usize].name));
                    o.raw("}");
                }
                Role::Db => {
                    let db = sv.database.unwrap_or("postgresql");
                    o.raw(",\"remoteEndpoint\":{\"serviceName\":");
                    o.str(db);
                    o.raw(if db == "postgresql" { ",\"port\":5432}" } else { ",\"port\":3306}" });
                }
                Role::Cache => o.raw(",\"remoteEndpoint\":{\"serviceName\":\"redis\",\"port\":6379}"),
                Role::Producer => o.raw(",\"remoteEndpoint\":{\"serviceName\":\"kafka\"}"),
                _ => {}
            }
            if !sp.events.is_empty() {
                o.raw(",\"annotations\":[");
                for (j, e) in sp.events.iter().enumerate() {
                    if j > 0 {
                        o.raw(",");
                    }
                    o.raw("{\"timestamp\":");
                    o.int(e.time_us);
                    o.raw(",\"value\":");
                    tag_buf.clear();
                    tag_buf.push_str(e.name);
                    for (k, v) in &e.attributes {
                        tag_buf.push(' ');
                        tag_buf.push_str(k);
                        tag_buf.push('=');
                        tag_buf.push_str(&zipkin_text(v));
                    }
                    o.str(&tag_buf);
                    o.raw("}");
                }
                o.raw("]");
            }
            o.raw(",\"tags\":{");
            for (j, (k, v)) in sp.attributes.iter().enumerate() {
                if j > 0 {
                    o.raw(",");
                }
                o.key(k);
                o.str(&zipkin_text(v));
            }
            if let Some(msg) = sp.error {
                o.raw(",\"error\":");
                o.str(msg);
            }
            o.raw("}}");
        }
        o.raw("]\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import;

    fn opts(spans: usize, seed: u64) -> SynthOptions {
        SynthOptions { spans, seed, ..SynthOptions::default() }
    }

    #[test]
    fn exact_span_count_and_shape_invariants() {
        for (n, seed) in [(1, 1), (2, 2), (7, 3), (11, 4), (137, 5), (1000, 6), (20_000, 7), (60_000, 8)] {
            let t = generate(&opts(n, seed));
            assert_eq!(t.len(), n);
            let st = t.stats();
            assert_eq!(st.nesting_violations, 0, "n={n}");
            assert!(st.depth <= 25, "n={n}: depth {}", st.depth);
            assert_eq!(st.errors, one_percent(n), "n={n}");
            assert_eq!(st.canary, one_percent(n), "n={n}");
            assert!((10..=20).contains(&st.services), "n={n}");
            for (i, s) in t.spans.iter().enumerate() {
                assert!((3..=10).contains(&s.attributes.len()), "n={n} span {i}: {:?}", s.attributes);
                if let Some(p) = s.parent {
                    assert!((p as usize) < i, "pre-order");
                    assert_eq!(s.depth, t.spans[p as usize].depth + 1);
                }
                assert!(s.events.windows(2).all(|w| w[0].time_us <= w[1].time_us));
                assert_eq!(s.error.is_some(), s.events.iter().any(|e| e.name == "exception"));
            }
            let mut ids: Vec<u64> = t.spans.iter().map(|s| s.id).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), n, "unique ids");
            assert!(ids[0] != 0);
        }
    }

    #[test]
    fn large_traces_have_the_reference_character() {
        let t = generate(&opts(60_000, 1));
        let st = t.stats();
        assert_eq!(st.depth, 25, "{st}");
        let in_runs = st.spans_in_n_plus_one as f64 / st.spans as f64;
        assert!((0.05..0.35).contains(&in_runs), "{st}");
        assert!(st.n_plus_one_sites > 20 && st.loops > 0, "{st}");
        let with_events = t.spans.iter().filter(|s| !s.events.is_empty()).count() as f64 / st.spans as f64;
        assert!((0.04..0.08).contains(&with_events), "{with_events}");
        // Every planted N+1 site: the parent has at least `count` children of that name.
        for site in &t.n_plus_one {
            let named =
                t.spans.iter().filter(|s| s.parent == Some(site.parent) && s.name == site.child_name.as_str()).count();
            assert!(named >= site.count as usize && site.count >= 10, "{site:?}");
            assert_eq!(t.spans[site.parent as usize].id, site.parent_span_id);
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        for f in [Format::Jaeger, Format::Otlp, Format::Zipkin, Format::Console] {
            let a = generate(&opts(3000, 42)).to_json(f);
            let b = generate(&opts(3000, 42)).to_json(f);
            assert!(a == b, "{f}");
            let c = generate(&opts(3000, 43)).to_json(f);
            assert!(a != c, "{f}");
        }
    }

    #[test]
    fn strings_are_escaped() {
        let mut o = Out { b: Vec::new() };
        o.str("a\"b\\c\n\td\u{1}é");
        assert_eq!(String::from_utf8(o.b).unwrap(), r#""a\"b\\c\n\td\u0001é""#);
        let t = generate(&opts(500, 3));
        for f in [Format::Jaeger, Format::Otlp, Format::Zipkin, Format::Console] {
            // Console output is one JSON value per span.
            let json = t.to_json(f);
            for value in serde_json::Deserializer::from_slice(&json).into_iter::<serde::de::IgnoredAny>() {
                value.unwrap();
            }
        }
    }

    #[test]
    fn every_format_imports_to_the_same_trace() {
        for (n, seed, shared) in [(1, 9, false), (3, 1, false), (5000, 1, false), (20_000, 2, true)] {
            let t = generate(&SynthOptions { spans: n, seed, zipkin_shared: shared, ..SynthOptions::default() });
            for f in [Format::Jaeger, Format::Otlp, Format::Zipkin, Format::Console] {
                let json = t.to_json(f);
                assert_eq!(crate::import::detect(&json), Ok(f));
                let traces = import(&json).unwrap();
                assert_eq!(traces.len(), 1, "{f}");
                let m = &traces[0];
                assert_eq!(m.len(), n, "{f}");
                assert_eq!(m.roots().len(), 1, "{f}");
                assert_eq!(m.services().len(), t.services_used(), "{f}");
                assert_eq!(m.error_count() as usize, t.error_count(), "{f}");
                assert_eq!(m.depth(), t.depth(), "{f}");
                assert!(m.warnings().is_empty(), "{f}: {:?}", &m.warnings()[..m.warnings().len().min(3)]);
                assert_eq!(m.id_text(), t.trace_id_hex(), "{f}");
                assert_eq!(m.duration().0, t.spans[0].duration_us * 1000, "{f}");
            }
        }
    }
}
