//! The screens: one file per page.

pub mod landing;
pub mod remote;
pub mod search;
pub mod trace;
