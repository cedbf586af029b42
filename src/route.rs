//! Hash routes: the parser and formatter live in the model (`spanscope_model::route`), where they are tested and
//! fuzzed natively; this re-export keeps the app's `crate::route::…` paths.

pub use spanscope_model::route::*;
