//! The screens: one file per page.

pub mod landing;
pub mod trace;
