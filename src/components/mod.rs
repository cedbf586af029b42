//! Parts of the trace page.

pub mod detail;
pub mod header;
pub mod waterfall;
