//! Parts of the trace page.

pub mod detail;
pub mod find;
pub mod header;
pub mod minimap;
pub mod scatter;
pub mod waterfall;
