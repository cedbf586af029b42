//! Parts of the trace page.

pub mod compare_bar;
pub mod detail;
pub mod export_menu;
pub mod find;
pub mod flame_view;
pub mod header;
pub mod histogram;
pub mod insights;
pub mod minimap;
pub mod scatter;
pub mod service_map_view;
pub mod stats_view;
pub mod svg_plot;
pub mod waterfall;
