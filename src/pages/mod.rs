//! The screens: one file per page.

pub mod compare;
pub mod landing;
pub mod remote;
pub mod search;
pub mod trace;
