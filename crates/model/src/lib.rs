//! spanscope's trace model: everything that is not UI, with no web dependencies, tested and benchmarked natively.
//!
//! Data flows one way: bytes → [`mod@import`] (one module per format) → [`build::TraceSetBuilder`] (tree building
//! and repair) → immutable [`Trace`] (columnar, interned strings, pre-order) → [`rows`] (what the waterfall
//! shows for a given view state). [`demo`] builds the traces the app ships with.
//!
//! Start with [`trace`] for the layout, then [`build`] for how a trace comes to be.

pub mod analysis;
pub mod backend;
pub mod base64;
pub mod build;
pub mod codec;
pub mod demo;
pub mod diff;
pub mod export;
pub mod filter;
pub mod flame;
pub mod ids;
pub mod import;
pub mod insights;
pub mod intern;
pub mod links;
pub mod number;
pub mod order;
pub mod overview;
pub mod rebuild;
pub mod route;
pub mod rows;
pub mod servicemap;
pub mod spanset;
pub mod stats;
pub mod synth;
#[cfg(test)]
mod testing;
pub mod time;
pub mod trace;
pub mod value;

pub use build::{BuildOptions, SpanDraft, TraceSetBuilder};
pub use ids::{SpanId, TraceId};
pub use import::{
    detect, import, import_as, import_into, import_into_as, import_stream_into, import_stream_into_as, Format,
    ImportError, ImportSummary, Reopen,
};
pub use intern::StrId;
pub use time::{DurationNs, TimestampNs};
pub use trace::{LinkKind, SpanIdx, SpanKind, SpanWarning, StatusCode, Trace};
pub use value::{Attribute, StoredValue, Value};
