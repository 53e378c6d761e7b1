//! Several releases of the spec read into one model: each endpoint once,
//! with its history (the path it had in each release, and the releases that
//! added, deprecated and removed it). Runs between [`crate::convert`] and
//! [`crate::ir`].

pub mod matching;
pub mod version;
/// The generated crate's own ordering of releases and choice of paths,
/// shared: the generator orders releases exactly as the clients will.
#[path = "../../runtime/versions.rs"]
pub mod wire;

pub use version::Release;

mod components;
mod merge;
pub mod source;

pub use merge::merge;
