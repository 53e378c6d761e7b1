//! Support code shared by every API module of this crate.

mod error;
#[doc(hidden)]
pub mod event_parts;
mod id_or_json;
pub mod ids;
mod lenient;
#[doc(hidden)]
pub mod object;
mod open_enum;
pub mod versions;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "client")]
mod client_error;
#[cfg(feature = "server")]
mod serve;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
mod validate;

pub use error::{ErrorBody, MatrixError};
pub use id_or_json::IdOrJson;
pub use lenient::Lenient;
// The generated types' JSON impls and open enums (allowed to go unused: a
// spec may have neither).
#[allow(unused_imports)]
pub(crate) use object::json_object;
#[allow(unused_imports)]
pub(crate) use open_enum::open_enum;

/// A body sent or received as raw bytes (media uploads and downloads).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Binary {
    /// The `Content-Type` of the bytes.
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The credentials a request carried, as the server hands them to a handler.
/// Checking the token is the implementation's job: it alone knows its users.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Auth {
    /// From `Authorization: Bearer <token>`, else the `access_token` query parameter.
    pub access_token: Option<String>,
    /// The `user_id` query parameter: an application service acting as one of
    /// its users. Only meaningful with an application service's token, which
    /// the implementation must check before it believes it.
    pub asserted_user: Option<String>,
}

/// Whether an operation needs an access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthRequirement {
    None,
    /// A token is used when one is given.
    Optional,
    Required,
}

/// A description of one operation, for routers, documentation and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    pub id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template, base path included.
    pub path: &'static str,
    /// Further paths served by the same operation.
    pub aliases: &'static [&'static str],
    pub auth: AuthRequirement,
    pub rate_limited: bool,
    pub deprecated: bool,
    /// The Matrix version that added the operation, where the spec says.
    pub added_in: Option<&'static str>,
    pub summary: &'static str,
    /// Where the operation was in each release, in a crate made from several.
    pub history: Option<History>,
}

/// An operation's place in the releases a crate was made from
/// ([`RELEASES`](crate::RELEASES)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct History {
    /// Each release that has the operation, oldest first, with its path there.
    pub paths: &'static [(&'static str, &'static str)],
    /// The first release that has it.
    pub added: &'static str,
    /// The first release that marks it deprecated.
    pub deprecated: Option<&'static str>,
    /// The first release without it, after the last that has it.
    pub removed: Option<&'static str>,
}
