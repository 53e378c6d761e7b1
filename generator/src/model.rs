//! The one model both dialects end in, and that every emitter reads.

use std::sync::Arc;

use crate::node::Origin;
pub use crate::normalize::Discriminator;

/// One API (client-server, server-server, ...) of a spec tree.
#[derive(Debug)]
pub struct Api {
    /// The API's directory relative to the input (`client-server`).
    pub name: String,
    /// The API as one OpenAPI 3.0 document: components, security schemes, and
    /// paths in the bundled form (operations that share a route are merged).
    pub openapi: openapiv3::OpenAPI,
    /// Every operation on its own, in path order, including each of the ones
    /// that share a route.
    pub operations: Vec<Operation>,
}

#[derive(Debug)]
pub struct Operation {
    /// Unique within the API: `operationId`, or derived (see `normalize`).
    pub id: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// Full path template, base path included (`/_matrix/client/v3/rooms/{roomId}/kick`).
    pub path: String,
    /// Further full paths served by this operation (`x-alias`).
    pub aliases: Vec<String>,
    /// Set when other operations share this method and path.
    pub discriminator: Option<Discriminator>,
    pub operation: openapiv3::Operation,
    pub origin: Arc<Origin>,
    /// The spec file the operation comes from, relative to the input.
    pub file: String,
    /// Set in a crate made from several releases (see [`crate::releases`]).
    pub history: Option<History>,
}

/// Where an operation was in each release of a crate made from several.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    /// Each release read that has the operation, oldest first, with its path
    /// there written with the newest release's parameter names.
    pub paths: Vec<(String, String)>,
    /// The first release read that has it.
    pub added: String,
    /// The first release that marks it deprecated.
    pub deprecated: Option<String>,
    /// The first release read without it, after the last that has it.
    pub removed: Option<String>,
}
