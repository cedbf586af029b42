//! spanscope's trace model: everything that is not UI, with no web dependencies, tested and benchmarked natively.
//!
//! Data flows one way: bytes → [`mod@import`] (one module per format) → [`build::TraceSetBuilder`] (tree building
//! and repair) → immutable [`Trace`] (columnar, interned strings, pre-order) → [`rows`] (what the waterfall
//! shows for a given view state). [`demo`] builds the traces the app ships with.
//!
//! The trace and its import path (`import`, `build`, `trace`, `codec` and the types they use) live in the crate
//! `spanscope-trace`, compiled for speed, and are re-exported here under the same names: callers see one model.
//! Everything else here is compiled for size (see `spanscope_trace`'s header).
//!
//! Start with [`trace`] for the layout, then [`build`] for how a trace comes to be.

pub mod analysis;
pub mod backend;
pub mod demo;
pub mod diff;
pub mod export;
pub mod filter;
pub mod flame;
pub mod insights;
pub mod links;
pub mod overview;
pub mod route;
pub mod rows;
pub mod servicemap;
pub mod spanset;
pub mod stats;
pub mod synth;

// `import` is both the module and the function `import(bytes)` (re-exported at spanscope_trace's root).
pub use spanscope_trace::{
    base64, build, codec, ids, import, intern, number, order, pause, rebuild, time, trace, value,
};

/// Test helpers (for this crate's tests and the fuzz targets; not part of the API).
#[doc(hidden)]
pub use spanscope_trace::testing;

pub use build::{BuildOptions, SpanDraft, TraceSetBuilder};
pub use ids::{SpanId, TraceId};
pub use import::{
    detect, import_as, import_into, import_into_as, import_stream_into, import_stream_into_as, Format, ImportError,
    ImportSummary, Reopen,
};
pub use intern::StrId;
pub use time::{DurationNs, TimestampNs};
pub use trace::{LinkKind, SpanIdx, SpanKind, SpanWarning, StatusCode, Trace};
pub use value::{Attribute, StoredValue, Value};
