//! spanscope's normalized trace and the path that makes it: bytes → [`mod@import`] (one module per format) →
//! [`build::TraceSetBuilder`] (tree building and repair) → immutable [`Trace`] (columnar, interned strings,
//! pre-order) → [`codec`] (the bytes the import worker hands to the page).
//!
//! It is a crate of its own, under `spanscope-model` (which re-exports every module here), for one reason: it
//! is compiled for speed and the rest of the model for size. Opening a file runs this code over every byte and
//! every span; the rest runs over one trace at a time, in time a person does not notice. See the release
//! profiles in the workspace's Cargo.toml for the measured trade.
//!
//! Start with [`trace`] for the layout, then [`build`] for how a trace comes to be.

pub mod base64;
pub mod build;
pub mod codec;
pub mod ids;
pub mod import;
pub mod intern;
pub mod number;
pub mod order;
pub mod pause;
pub mod rebuild;
#[doc(hidden)]
pub mod testing;
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
