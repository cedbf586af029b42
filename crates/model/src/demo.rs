//! The demo traces built into the app, so a first-time user sees a real waterfall with no server and no file.
//!
//! - [`checkout_incident`]: the story spanscope exists for. `POST /api/orders/{orderId}/checkout` takes 4.2 s:
//!   `inventory-service` runs one `SELECT` per order line (an N+1 against its database), and `pricing-service`
//!   fails one quote (status ERROR with an `exception` event). Attributes carry `user.id` and `order.id`.
//! - [`storefront`]: a wider system of ten services: a gateway, fan-out with parallel calls, a retried payment
//!   check, cache misses, a Kafka hand-off to an async consumer (with a span link), and a deep recommendation
//!   chain.
//!
//! Attributes follow the OpenTelemetry semantic conventions.

use crate::build::{BuildOptions, SpanDraft, TraceSetBuilder};
use crate::ids::{SpanId, TraceId};
use crate::time::{DurationNs, TimestampNs};
use crate::trace::{LinkKind, SpanKind, StatusCode, Trace};
use crate::value::Attribute;

/// A demo the landing page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoInfo {
    /// Stable key used in URLs (`#/demo/<key>`).
    pub key: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

pub const DEMOS: [DemoInfo; 2] = [
    DemoInfo {
        key: "checkout-incident",
        title: "Checkout incident: a 4-second order",
        description: "order-service → inventory-service (one database query per order line) and a failing \
                      pricing-service. Find the N+1 and the error.",
    },
    DemoInfo {
        key: "storefront",
        title: "Storefront: ten services and a queue",
        description: "Gateway fan-out, a retried fraud check, cache misses, a Kafka hand-off to an async \
                      e-mail consumer and a deep recommendation chain.",
    },
];

/// Builds the demo with this key.
pub fn demo(key: &str) -> Option<Trace> {
    match key {
        "checkout-incident" => Some(checkout_incident()),
        "storefront" => Some(storefront()),
        _ => None,
    }
}

/// 2026-11-18T09:41:07Z: a fixed start, so the demos look the same every time.
const BASE_NS: i64 = 1_795_426_867_000_000_000;

/// A scalar attribute value in a demo description.
#[derive(Clone, Copy)]
enum V<'a> {
    S(&'a str),
    I(i64),
    F(f64),
    B(bool),
}

struct Demo {
    b: TraceSetBuilder,
    trace_id: TraceId,
    next_id: u64,
    d: SpanDraft,
}

/// One span of a demo: times in milliseconds from the trace start.
struct S<'a> {
    parent: Option<SpanId>,
    resource: u32,
    kind: SpanKind,
    name: &'a str,
    start_ms: f64,
    dur_ms: f64,
    attrs: &'a [(&'a str, V<'a>)],
}

impl Demo {
    fn new(trace_hex: &str, id_seed: u64) -> Demo {
        Demo {
            b: TraceSetBuilder::new(),
            trace_id: TraceId::from_hex(trace_hex).unwrap(),
            next_id: id_seed,
            d: SpanDraft::default(),
        }
    }

    fn attrs(&mut self, attrs: &[(&str, V<'_>)]) -> Vec<Attribute> {
        attrs
            .iter()
            .map(|(k, v)| {
                let v = match *v {
                    V::S(s) => self.b.str_value(s),
                    V::I(i) => crate::value::StoredValue::int(i),
                    V::F(f) => crate::value::StoredValue::double(f),
                    V::B(b) => crate::value::StoredValue::bool(b),
                };
                self.b.attr(k, v)
            })
            .collect()
    }

    fn resource(&mut self, service: &str, attrs: &[(&str, V<'_>)]) -> u32 {
        let mut a = self.attrs(&[("service.name", V::S(service))]);
        a.extend(self.attrs(attrs));
        self.b.add_resource(service, &a)
    }

    fn time(ms: f64) -> TimestampNs {
        TimestampNs(BASE_NS + (ms * 1e6).round() as i64)
    }

    /// Starts a span; finish it with [`Demo::end`] after adding events, links or an error.
    fn begin(&mut self, s: S<'_>) -> SpanId {
        // Ids spread over the 64-bit range the way real generators make them.
        self.next_id = self.next_id.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let id = SpanId::from_hex(&format!("{:016x}", self.next_id | 1)).unwrap();
        let attrs = self.attrs(s.attrs);
        let name = self.b.intern(s.name);
        let d = &mut self.d;
        d.trace_id = Some(self.trace_id);
        d.span_id = Some(id);
        d.parent_id = s.parent;
        d.name = name;
        d.resource = s.resource;
        d.kind = s.kind;
        d.start = Some(Self::time(s.start_ms));
        d.duration = Some(DurationNs((s.dur_ms * 1e6).round() as i64));
        d.flags = 1;
        d.attrs = attrs;
        id
    }

    fn event(&mut self, at_ms: f64, name: &str, attrs: &[(&str, V<'_>)]) {
        let a = self.attrs(attrs);
        let n = self.b.intern(name);
        self.d.push_event(Self::time(at_ms), n, a);
    }

    fn error(&mut self, message: &str) {
        self.d.status = StatusCode::Error;
        self.d.status_message = self.b.intern(message);
    }

    fn link(&mut self, to: SpanId, attrs: &[(&str, V<'_>)]) {
        let a = self.attrs(attrs);
        self.d.links.push(crate::build::LinkDraft {
            kind: LinkKind::Link,
            trace_id: self.trace_id,
            span_id: to,
            trace_state: crate::intern::StrId::EMPTY,
            attr_count: a.len() as u32,
            dropped_attributes_count: 0,
        });
        self.d.link_attrs.extend(a);
    }

    fn end(&mut self) {
        self.b.add_span(&mut self.d);
    }

    fn span(&mut self, s: S<'_>) -> SpanId {
        let id = self.begin(s);
        self.end();
        id
    }

    fn finish(self) -> Trace {
        self.b.finish(&BuildOptions::default()).remove(0)
    }
}

fn db<'a>(
    system: &'a str,
    namespace: &'a str,
    statement: &'a str,
    op: &'a str,
    table: &'a str,
) -> [(&'a str, V<'a>); 6] {
    [
        ("db.system", V::S(system)),
        ("db.namespace", V::S(namespace)),
        ("db.query.text", V::S(statement)),
        ("db.operation.name", V::S(op)),
        ("db.collection.name", V::S(table)),
        ("server.address", V::S(namespace)),
    ]
}

/// The classic incident: a slow checkout caused by an N+1 in inventory-service, and a failing price quote.
pub fn checkout_incident() -> Trace {
    use SpanKind::*;
    let mut t = Demo::new("4bf92f3577b34da6a3ce929d0e0e4736", 0x5eed_0001);
    let order = t.resource(
        "order-service",
        &[
            ("service.version", V::S("2.14.1")),
            ("host.name", V::S("order-7f9c4d-x2k")),
            ("deployment.environment.name", V::S("production")),
            ("telemetry.sdk.language", V::S("java")),
        ],
    );
    let inventory = t.resource(
        "inventory-service",
        &[
            ("service.version", V::S("1.9.0")),
            ("host.name", V::S("inventory-5d2a91-qp7")),
            ("deployment.environment.name", V::S("production")),
            ("telemetry.sdk.language", V::S("go")),
        ],
    );
    let pricing = t.resource(
        "pricing-service",
        &[
            ("service.version", V::S("0.31.2")),
            ("host.name", V::S("pricing-9b1e07-m4t")),
            ("deployment.environment.name", V::S("production")),
            ("telemetry.sdk.language", V::S("python")),
        ],
    );
    let root = t.begin(S {
        parent: None,
        resource: order,
        kind: Server,
        name: "POST /api/orders/{orderId}/checkout",
        start_ms: 0.0,
        dur_ms: 4182.4,
        attrs: &[
            ("http.request.method", V::S("POST")),
            ("http.route", V::S("/api/orders/{orderId}/checkout")),
            ("url.path", V::S("/api/orders/ord-20931/checkout")),
            ("url.scheme", V::S("https")),
            ("http.response.status_code", V::I(200)),
            ("user.id", V::S("12345")),
            ("order.id", V::S("ord-20931")),
            ("order.line_count", V::I(12)),
            ("client.address", V::S("10.42.7.19")),
            (
                "user_agent.original",
                V::S("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 Safari/605.1.15"),
            ),
        ],
    });
    t.end();
    let load = t.span(S {
        parent: Some(root),
        resource: order,
        kind: Internal,
        name: "load order",
        start_ms: 2.1,
        dur_ms: 26.3,
        attrs: &[("order.id", V::S("ord-20931"))],
    });
    t.span(S {
        parent: Some(load),
        resource: order,
        kind: Client,
        name: "SELECT orders",
        start_ms: 3.4,
        dur_ms: 21.7,
        attrs: &db(
            "postgresql",
            "orders",
            "SELECT id, user_id, status, currency FROM orders WHERE id = $1",
            "SELECT",
            "orders",
        ),
    });
    let reserve_client = t.span(S {
        parent: Some(root),
        resource: order,
        kind: Client,
        name: "POST /inventory/reserve",
        start_ms: 30.2,
        dur_ms: 3431.8,
        attrs: &[
            ("http.request.method", V::S("POST")),
            ("url.full", V::S("http://inventory-service:8080/inventory/reserve")),
            ("server.address", V::S("inventory-service")),
            ("server.port", V::I(8080)),
            ("http.response.status_code", V::I(200)),
        ],
    });
    let reserve = t.span(S {
        parent: Some(reserve_client),
        resource: inventory,
        kind: Server,
        name: "POST /inventory/reserve",
        start_ms: 32.9,
        dur_ms: 3426.1,
        attrs: &[
            ("http.request.method", V::S("POST")),
            ("http.route", V::S("/inventory/reserve")),
            ("http.response.status_code", V::I(200)),
            ("order.id", V::S("ord-20931")),
            ("inventory.line_count", V::I(12)),
        ],
    });
    let skus = [
        "SKU-10231",
        "SKU-10232",
        "SKU-20417",
        "SKU-20418",
        "SKU-31102",
        "SKU-31177",
        "SKU-40950",
        "SKU-41003",
        "SKU-52210",
        "SKU-52244",
        "SKU-60071",
        "SKU-88412",
    ];
    for (k, sku) in skus.iter().enumerate() {
        let stmt = format!("SELECT sku, available, reserved FROM inventory WHERE sku = '{sku}'");
        let dur = 270.0 + ((k * 37) % 23) as f64;
        t.span(S {
            parent: Some(reserve),
            resource: inventory,
            kind: Client,
            name: "SELECT inventory",
            start_ms: 35.0 + k as f64 * 284.0,
            dur_ms: dur,
            attrs: &db("postgresql", "inventory", &stmt, "SELECT", "inventory"),
        });
    }
    t.span(S {
        parent: Some(reserve),
        resource: inventory,
        kind: Client,
        name: "UPDATE inventory",
        start_ms: 3445.0,
        dur_ms: 11.6,
        attrs: &db(
            "postgresql",
            "inventory",
            "UPDATE inventory SET reserved = reserved + $1 WHERE sku = ANY($2)",
            "UPDATE",
            "inventory",
        ),
    });
    // Two quotes: the standard lines succeed, the promotional ones fail.
    for (k, (group, fails)) in [("standard", false), ("promotion", true)].into_iter().enumerate() {
        let start = 3466.0 + k as f64 * 148.0;
        let quote_attrs = [
            ("rpc.system", V::S("grpc")),
            ("rpc.service", V::S("pricing.v1.PricingService")),
            ("rpc.method", V::S("Quote")),
            ("server.address", V::S("pricing-service")),
            ("pricing.group", V::S(group)),
            ("rpc.grpc.status_code", V::I(if fails { 13 } else { 0 })),
        ];
        let client = t.begin(S {
            parent: Some(root),
            resource: order,
            kind: Client,
            name: "pricing.v1.PricingService/Quote",
            start_ms: start,
            dur_ms: 141.5,
            attrs: &quote_attrs,
        });
        if fails {
            t.error("INTERNAL: discount rule BF-2026 not found");
        }
        t.end();
        let server = t.begin(S {
            parent: Some(client),
            resource: pricing,
            kind: Server,
            name: "pricing.v1.PricingService/Quote",
            start_ms: start + 2.2,
            dur_ms: 137.0,
            attrs: &quote_attrs,
        });
        if fails {
            t.error("DiscountRuleNotFound: rule 'BF-2026' missing for sku SKU-88412");
            t.event(start + 136.1, "exception", &[
                ("exception.type", V::S("pricing.rules.DiscountRuleNotFound")),
                ("exception.message", V::S("rule 'BF-2026' missing for sku SKU-88412")),
                ("exception.stacktrace", V::S("Traceback (most recent call last):\n  File \"/app/pricing/quote.py\", line 88, in quote\n    rule = rules.resolve(line.promo_code, line.sku)\n  File \"/app/pricing/rules.py\", line 41, in resolve\n    raise DiscountRuleNotFound(code, sku)\npricing.rules.DiscountRuleNotFound: rule 'BF-2026' missing for sku SKU-88412")),
                ("exception.escaped", V::B(true)),
            ]);
        }
        t.end();
        t.begin(S {
            parent: Some(server),
            resource: pricing,
            kind: Client,
            name: "GET",
            start_ms: start + 4.0,
            dur_ms: 1.4,
            attrs: &[
                ("db.system", V::S("redis")),
                ("db.query.text", V::S("GET promo:BF-2026")),
                ("server.address", V::S("pricing-cache")),
            ],
        });
        t.event(start + 5.3, "cache.miss", &[("cache.key", V::S("promo:BF-2026"))]);
        t.end();
        t.span(S {
            parent: Some(server),
            resource: pricing,
            kind: Internal,
            name: "apply discount rules",
            start_ms: start + 6.0,
            dur_ms: 130.2,
            attrs: &[("pricing.rule_count", V::I(if fails { 3 } else { 7 })), ("pricing.lines", V::I(6))],
        });
    }
    t.begin(S {
        parent: Some(root),
        resource: order,
        kind: Internal,
        name: "compute totals",
        start_ms: 3762.0,
        dur_ms: 24.5,
        attrs: &[("order.currency", V::S("EUR")), ("order.total", V::F(412.87))],
    });
    t.event(
        3770.0,
        "pricing.fallback_used",
        &[("pricing.group", V::S("promotion")), ("reason", V::S("quote failed; list prices used"))],
    );
    t.end();
    t.span(S {
        parent: Some(root),
        resource: order,
        kind: Client,
        name: "UPDATE orders",
        start_ms: 3790.0,
        dur_ms: 38.2,
        attrs: &db(
            "postgresql",
            "orders",
            "UPDATE orders SET status = 'reserved', total = $1 WHERE id = $2",
            "UPDATE",
            "orders",
        ),
    });
    t.finish()
}

/// A wider system: ten services, a queue with an async consumer (linked), retries, cache misses, a deep chain.
pub fn storefront() -> Trace {
    use SpanKind::*;
    let mut t = Demo::new("a3f1c2d4e5b60718293a4b5c6d7e8f90", 0x5eed_0002);
    let res = |t: &mut Demo, name: &str, lang: &str, host: &str| {
        t.resource(
            name,
            &[
                ("service.version", V::S("1.0.0")),
                ("host.name", V::S(host)),
                ("telemetry.sdk.language", V::S(lang)),
                ("deployment.environment.name", V::S("production")),
            ],
        )
    };
    let frontend = res(&mut t, "web-frontend", "nodejs", "web-frontend-6c8f-a1");
    let gateway = res(&mut t, "api-gateway", "go", "api-gateway-77d1-b2");
    let checkout = res(&mut t, "checkout-service", "java", "checkout-5b7e-c3");
    let cart = res(&mut t, "cart-service", "dotnet", "cart-2a4c-d4");
    let payment = res(&mut t, "payment-service", "java", "payment-9e0f-e5");
    let fraud = res(&mut t, "fraud-detection", "python", "fraud-1d3b-f6");
    let shipping = res(&mut t, "shipping-service", "rust", "shipping-4f6a-g7");
    let email = res(&mut t, "email-service", "ruby", "email-8c2d-h8");
    let recs = res(&mut t, "recommendation-service", "python", "recs-3e5f-i9");
    let catalog = res(&mut t, "product-catalog", "go", "catalog-6a7b-j0");

    let http = |method: &'static str, route: &'static str, status: i64| -> Vec<(&'static str, V<'static>)> {
        vec![
            ("http.request.method", V::S(method)),
            ("http.route", V::S(route)),
            ("http.response.status_code", V::I(status)),
        ]
    };
    let root = t.span(S {
        parent: None,
        resource: frontend,
        kind: Server,
        name: "GET /checkout",
        start_ms: 0.0,
        dur_ms: 912.0,
        attrs: &[http("GET", "/checkout", 200), vec![("user.id", V::S("78120")), ("session.id", V::S("s-4c1f9e"))]]
            .concat(),
    });
    let gw_client = t.span(S {
        parent: Some(root),
        resource: frontend,
        kind: Client,
        name: "POST /api/checkout",
        start_ms: 4.0,
        dur_ms: 896.0,
        attrs: &http("POST", "/api/checkout", 200),
    });
    let gw = t.span(S {
        parent: Some(gw_client),
        resource: gateway,
        kind: Server,
        name: "POST /api/checkout",
        start_ms: 6.0,
        dur_ms: 891.0,
        attrs: &[http("POST", "/api/checkout", 200), vec![("tenant.id", V::S("acme-eu"))]].concat(),
    });
    t.begin(S {
        parent: Some(gw),
        resource: gateway,
        kind: Internal,
        name: "authenticate",
        start_ms: 7.0,
        dur_ms: 3.1,
        attrs: &[("enduser.id", V::S("78120")), ("auth.method", V::S("jwt"))],
    });
    t.end();
    let co_client = t.span(S {
        parent: Some(gw),
        resource: gateway,
        kind: Client,
        name: "checkout.CheckoutService/PlaceOrder",
        start_ms: 11.0,
        dur_ms: 880.0,
        attrs: &[
            ("rpc.system", V::S("grpc")),
            ("rpc.service", V::S("checkout.CheckoutService")),
            ("rpc.method", V::S("PlaceOrder")),
        ],
    });
    let co = t.span(S {
        parent: Some(co_client),
        resource: checkout,
        kind: Server,
        name: "checkout.CheckoutService/PlaceOrder",
        start_ms: 12.5,
        dur_ms: 876.0,
        attrs: &[
            ("rpc.system", V::S("grpc")),
            ("rpc.service", V::S("checkout.CheckoutService")),
            ("rpc.method", V::S("PlaceOrder")),
            ("order.id", V::S("ord-77310")),
            ("user.id", V::S("78120")),
        ],
    });

    // Cart, with a cache miss.
    let cart_client = t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Client,
        name: "cart.CartService/GetCart",
        start_ms: 14.0,
        dur_ms: 22.0,
        attrs: &[("rpc.system", V::S("grpc")), ("rpc.service", V::S("cart.CartService"))],
    });
    let cart_srv = t.span(S {
        parent: Some(cart_client),
        resource: cart,
        kind: Server,
        name: "cart.CartService/GetCart",
        start_ms: 15.0,
        dur_ms: 20.0,
        attrs: &[("rpc.system", V::S("grpc")), ("cart.item_count", V::I(4))],
    });
    t.begin(S {
        parent: Some(cart_srv),
        resource: cart,
        kind: Client,
        name: "HGETALL",
        start_ms: 15.6,
        dur_ms: 0.9,
        attrs: &[
            ("db.system", V::S("redis")),
            ("db.query.text", V::S("HGETALL cart:78120")),
            ("server.address", V::S("redis-cart")),
        ],
    });
    t.event(16.4, "cache.miss", &[("cache.key", V::S("cart:78120"))]);
    t.end();
    t.span(S {
        parent: Some(cart_srv),
        resource: cart,
        kind: Client,
        name: "SELECT cart_items",
        start_ms: 17.0,
        dur_ms: 16.5,
        attrs: &db("postgresql", "carts", "SELECT * FROM cart_items WHERE user_id = $1", "SELECT", "cart_items"),
    });

    // Catalog lookups, in parallel.
    for k in 0..4 {
        let s = 37.0 + k as f64 * 0.6;
        let c = t.span(S {
            parent: Some(co),
            resource: checkout,
            kind: Client,
            name: "catalog.ProductCatalog/GetProduct",
            start_ms: s,
            dur_ms: 18.0 + k as f64 * 2.5,
            attrs: &[("rpc.system", V::S("grpc")), ("rpc.service", V::S("catalog.ProductCatalog"))],
        });
        let srv = t.span(S {
            parent: Some(c),
            resource: catalog,
            kind: Server,
            name: "catalog.ProductCatalog/GetProduct",
            start_ms: s + 1.0,
            dur_ms: 16.0 + k as f64 * 2.5,
            attrs: &[
                ("rpc.system", V::S("grpc")),
                ("product.id", V::S(["OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM"][k])),
            ],
        });
        t.span(S {
            parent: Some(srv),
            resource: catalog,
            kind: Client,
            name: "SELECT products",
            start_ms: s + 2.0,
            dur_ms: 12.0 + k as f64 * 2.0,
            attrs: &db("postgresql", "catalog", "SELECT * FROM products WHERE id = $1", "SELECT", "products"),
        });
    }

    // Payment with a fraud check that times out once and is retried.
    let pay_client = t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Client,
        name: "payment.PaymentService/Charge",
        start_ms: 62.0,
        dur_ms: 640.0,
        attrs: &[("rpc.system", V::S("grpc")), ("rpc.service", V::S("payment.PaymentService"))],
    });
    let pay = t.span(S {
        parent: Some(pay_client),
        resource: payment,
        kind: Server,
        name: "payment.PaymentService/Charge",
        start_ms: 63.5,
        dur_ms: 637.0,
        attrs: &[
            ("rpc.system", V::S("grpc")),
            ("payment.amount", V::F(129.5)),
            ("payment.currency", V::S("EUR")),
            ("payment.card_brand", V::S("visa")),
        ],
    });
    let f1 = t.begin(S {
        parent: Some(pay),
        resource: payment,
        kind: Client,
        name: "POST /v1/score",
        start_ms: 65.0,
        dur_ms: 500.0,
        attrs: &[http("POST", "/v1/score", 504), vec![("server.address", V::S("fraud-detection"))]].concat(),
    });
    t.error("upstream request timeout after 500ms");
    t.end();
    let fs1 = t.begin(S {
        parent: Some(f1),
        resource: fraud,
        kind: Server,
        name: "POST /v1/score",
        start_ms: 67.0,
        dur_ms: 497.0,
        attrs: &http("POST", "/v1/score", 200),
    });
    t.end();
    t.span(S {
        parent: Some(fs1),
        resource: fraud,
        kind: Internal,
        name: "model.predict",
        start_ms: 70.0,
        dur_ms: 493.0,
        attrs: &[("ml.model", V::S("fraud-gbm-v12")), ("ml.features", V::I(184))],
    });
    t.begin(S {
        parent: Some(pay),
        resource: payment,
        kind: Internal,
        name: "backoff",
        start_ms: 566.0,
        dur_ms: 20.0,
        attrs: &[("retry.attempt", V::I(1))],
    });
    t.event(566.0, "retry", &[("retry.attempt", V::I(1)), ("retry.reason", V::S("timeout"))]);
    t.end();
    let f2 = t.span(S {
        parent: Some(pay),
        resource: payment,
        kind: Client,
        name: "POST /v1/score",
        start_ms: 587.0,
        dur_ms: 61.0,
        attrs: &[
            http("POST", "/v1/score", 200),
            vec![("server.address", V::S("fraud-detection")), ("retry.attempt", V::I(1))],
        ]
        .concat(),
    });
    let fs2 = t.span(S {
        parent: Some(f2),
        resource: fraud,
        kind: Server,
        name: "POST /v1/score",
        start_ms: 588.5,
        dur_ms: 58.0,
        attrs: &http("POST", "/v1/score", 200),
    });
    t.span(S {
        parent: Some(fs2),
        resource: fraud,
        kind: Internal,
        name: "model.predict",
        start_ms: 590.0,
        dur_ms: 54.0,
        attrs: &[("ml.model", V::S("fraud-gbm-v12")), ("ml.features", V::I(184)), ("fraud.score", V::F(0.031))],
    });
    t.span(S {
        parent: Some(pay),
        resource: payment,
        kind: Client,
        name: "POST /v1/charges",
        start_ms: 650.0,
        dur_ms: 48.0,
        attrs: &[
            http("POST", "/v1/charges", 201),
            vec![("server.address", V::S("api.payments.example")), ("peer.service", V::S("card-processor"))],
        ]
        .concat(),
    });

    // Shipping quote.
    let ship_client = t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Client,
        name: "POST /shipping/quote",
        start_ms: 704.0,
        dur_ms: 41.0,
        attrs: &http("POST", "/shipping/quote", 200),
    });
    let ship = t.span(S {
        parent: Some(ship_client),
        resource: shipping,
        kind: Server,
        name: "POST /shipping/quote",
        start_ms: 705.0,
        dur_ms: 39.0,
        attrs: &[
            http("POST", "/shipping/quote", 200),
            vec![("shipping.zip", V::S("10115")), ("shipping.carrier", V::S("dhl"))],
        ]
        .concat(),
    });
    t.span(S {
        parent: Some(ship),
        resource: shipping,
        kind: Internal,
        name: "compute rates",
        start_ms: 706.0,
        dur_ms: 36.0,
        attrs: &[("shipping.items", V::I(4))],
    });

    // Recommendations: a deep chain of internal steps.
    let rec_client = t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Client,
        name: "recs.Recommendations/ForCart",
        start_ms: 748.0,
        dur_ms: 120.0,
        attrs: &[("rpc.system", V::S("grpc"))],
    });
    let mut parent = t.span(S {
        parent: Some(rec_client),
        resource: recs,
        kind: Server,
        name: "recs.Recommendations/ForCart",
        start_ms: 749.0,
        dur_ms: 118.0,
        attrs: &[("rpc.system", V::S("grpc")), ("recs.count", V::I(5))],
    });
    let steps = [
        "load candidates",
        "filter purchased",
        "expand categories",
        "score candidates",
        "feature join",
        "embed items",
        "nearest neighbours",
        "re-rank",
        "diversify",
        "apply business rules",
        "format",
    ];
    for (k, step) in steps.iter().enumerate() {
        let s = 750.0 + k as f64 * 1.5;
        parent = t.span(S {
            parent: Some(parent),
            resource: recs,
            kind: Internal,
            name: step,
            start_ms: s,
            dur_ms: 115.0 - k as f64 * 3.0,
            attrs: &[("recs.stage", V::I(k as i64 + 1))],
        });
    }
    let cat_client = t.span(S {
        parent: Some(parent),
        resource: recs,
        kind: Client,
        name: "catalog.ProductCatalog/ListProducts",
        start_ms: 768.0,
        dur_ms: 60.0,
        attrs: &[("rpc.system", V::S("grpc"))],
    });
    let cat = t.span(S {
        parent: Some(cat_client),
        resource: catalog,
        kind: Server,
        name: "catalog.ProductCatalog/ListProducts",
        start_ms: 769.0,
        dur_ms: 58.0,
        attrs: &[("rpc.system", V::S("grpc"))],
    });
    t.span(S {
        parent: Some(cat),
        resource: catalog,
        kind: Client,
        name: "SELECT products",
        start_ms: 770.0,
        dur_ms: 55.0,
        attrs: &db(
            "postgresql",
            "catalog",
            "SELECT * FROM products WHERE category = ANY($1) LIMIT 50",
            "SELECT",
            "products",
        ),
    });

    // Order persisted, event published; the e-mail goes out after the request has returned.
    t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Client,
        name: "INSERT orders",
        start_ms: 870.0,
        dur_ms: 9.0,
        attrs: &db(
            "postgresql",
            "orders",
            "INSERT INTO orders (id, user_id, total) VALUES ($1, $2, $3)",
            "INSERT",
            "orders",
        ),
    });
    let produce = t.span(S {
        parent: Some(co),
        resource: checkout,
        kind: Producer,
        name: "orders publish",
        start_ms: 880.0,
        dur_ms: 4.0,
        attrs: &[
            ("messaging.system", V::S("kafka")),
            ("messaging.destination.name", V::S("orders")),
            ("messaging.operation.type", V::S("publish")),
            ("messaging.kafka.message.key", V::S("ord-77310")),
        ],
    });
    let consume = t.begin(S {
        parent: Some(produce),
        resource: email,
        kind: Consumer,
        name: "orders process",
        start_ms: 1140.0,
        dur_ms: 310.0,
        attrs: &[
            ("messaging.system", V::S("kafka")),
            ("messaging.destination.name", V::S("orders")),
            ("messaging.operation.type", V::S("process")),
            ("messaging.consumer.group.name", V::S("email-sender")),
            ("messaging.kafka.offset", V::I(918_274)),
        ],
    });
    t.link(produce, &[("messaging.operation.type", V::S("publish")), ("link.reason", V::S("message hand-off"))]);
    t.end();
    t.span(S {
        parent: Some(consume),
        resource: email,
        kind: Internal,
        name: "render template",
        start_ms: 1142.0,
        dur_ms: 48.0,
        attrs: &[("email.template", V::S("order-confirmation"))],
    });
    t.span(S {
        parent: Some(consume),
        resource: email,
        kind: Client,
        name: "POST /v3/mail/send",
        start_ms: 1192.0,
        dur_ms: 255.0,
        attrs: &[http("POST", "/v3/mail/send", 202), vec![("server.address", V::S("smtp-relay.example"))]].concat(),
    });
    let _ = consume;
    t.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_incident_has_the_story_in_it() {
        let t = checkout_incident();
        assert_eq!(t.roots().len(), 1);
        assert_eq!(t.title(), "order-service: POST /api/orders/{orderId}/checkout");
        assert_eq!(t.services().len(), 3);
        assert_eq!(t.error_count(), 2);
        let selects = t.spans().filter(|&s| t.name(s) == "SELECT inventory").count();
        assert_eq!(selects, 12);
        assert!(t.duration().as_ms_f64() > 4000.0);
        assert!(t.warnings().is_empty(), "{:?}", t.warnings());
        let root = t.roots()[0];
        assert_eq!(t.attribute(root, "user.id"), Some(crate::Value::Str("12345")));
    }

    #[test]
    fn storefront_is_wide_deep_and_linked() {
        let t = storefront();
        assert_eq!(t.roots().len(), 1);
        assert_eq!(t.services().len(), 10);
        assert!(t.depth() >= 15, "depth {}", t.depth());
        assert_eq!(t.spans().filter(|&s| !t.links(s).is_empty()).count(), 1);
        assert!(t.spans().any(|s| t.events(s).iter().any(|e| t.str(e.name) == "retry")));
        assert!(t.warnings().is_empty(), "{:?}", t.warnings());
        assert!(t.len() >= 50, "{} spans", t.len());
    }

    #[test]
    fn every_listed_demo_builds() {
        for d in DEMOS {
            assert!(demo(d.key).is_some(), "{}", d.key);
        }
        assert!(demo("nope").is_none());
    }
}
