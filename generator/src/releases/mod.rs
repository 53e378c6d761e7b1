//! Several releases of the spec read into one model: each endpoint once,
//! with its history (the path it had in each release, and the releases that
//! added, deprecated and removed it). Runs between [`crate::convert`] and
//! [`crate::ir`].

pub mod matching;
pub mod version;

pub use version::Release;
